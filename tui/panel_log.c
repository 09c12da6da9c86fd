#include <inttypes.h>

#include "panel.h"

/* Draws the event log, newest first. */
void panel_log_draw(struct screen *s, const struct model *m, const struct panel_view *v,
		    struct rect r)
{
	int row = r.row + 1;

	if (r.rows < 2)
		return;
	screen_printf(s, r.row, r.col, r.cols, v->focus == PANEL_LOG ? ROLE_SELECTED : ROLE_TITLE,
		      "Events (newest first)  %" PRIu64 " seen", m->thread_events);
	if (m->next_step[0] != '\0')
		screen_puts(s, row++, r.col, r.cols, ROLE_ALERT, m->next_step);
	for (unsigned i = (unsigned)v->log_scroll; row < r.row + r.rows; i++, row++) {
		const struct model_log_line *l = model_log_get(m, i);
		if (l == NULL)
			break;
		screen_puts(s, row, r.col, r.cols, i == 0 ? ROLE_NEWEST : ROLE_TEXT, l->text);
	}
}
