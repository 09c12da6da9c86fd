#include <curses.h>

#include "term_paint.h"
#include "theme.h"

/* Paints the grid on the terminal in one update. */
void term_paint(const struct screen *s)
{
	for (int r = 0; r < s->rows; r++) {
		for (int c = 0; c < s->cols; c++) {
			const struct cell *cell = &s->cells[r * s->cols + c];
			wchar_t wch[2] = { cell->ch, L'\0' };
			int attr = theme_attr(cell->role);
			cchar_t cc;

			setcchar(&cc, wch, (attr_t)(attr & ~A_COLOR), (short)PAIR_NUMBER(attr), NULL);
			mvadd_wch(r, c, &cc);
		}
	}
	wnoutrefresh(stdscr);
	doupdate();
}
