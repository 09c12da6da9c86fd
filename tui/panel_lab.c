/* panel_lab.c: the Lab panel: the lab's goals, ticked live. */
#include "lab_live.h"
#include "panel.h"

/* The rows the Lab panel takes. */
int panel_lab_rows(const struct panel_view *v)
{
	return v->lab == NULL ? 0 : 2 + v->lab->ngoals;
}

/* Draws the checklist. */
void panel_lab_draw(struct screen *s, const struct panel_view *v, struct rect r)
{
	const struct lab_live *l = v->lab;
	char progress[256], variant[256];
	int row = r.row;

	if (l == NULL || r.rows < 1 || r.cols < 1)
		return;
	lab_variant(l->lab, variant, sizeof(variant));
	/* -C: the protocol's lines end in \r\n, and a value's end is checked. */
	screen_printf(s, row++, r.col, r.cols, ROLE_TITLE, "Lab %d: %s  (clients: nc -C 127.0.0.1 %d%s%s)",
		      l->lab->number, l->lab->title, v->lab_port, variant[0] ? "; your variant: " : "", variant);
	for (int i = 0; i < l->ngoals && row < r.row + r.rows; i++, row++) {
		const struct lab_goal_state *g = &l->goals[i];
		int col = r.col;
		col += screen_printf(s, row, col, r.cols, g->reached ? ROLE_NEWEST : ROLE_TEXT, " [%c] %s",
				     g->reached ? 'x' : ' ', g->goal->title);
		if (!g->reached) {
			lab_goal_progress(g, progress, sizeof(progress));
			screen_printf(s, row, col, r.col + r.cols - col, ROLE_DIM, "  (%s)", progress);
		}
	}
	if (row < r.row + r.rows)
		screen_puts(s, row, r.col, r.cols, l->done ? ROLE_ALERT : ROLE_DIM, l->status);
}
