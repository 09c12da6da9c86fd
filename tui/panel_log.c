#include <inttypes.h>
#include <string.h>

#include "panel.h"

/* Below this width the events wrap onto indented rows rather than lose their ends (beside the
 * compact diagram a sentence is longer than the panel is wide). */
#define LOG_WRAP_BELOW 60

/* Draws a line of text from row on, wrapped at spaces when wrap is set; returns the rows used. */
static int put_wrapped(struct screen *s, int row, int end, struct rect r, int role, const char *text,
		       bool wrap)
{
	int used = 0, indent = 0;

	if (!wrap || (int)strlen(text) <= r.cols) {
		screen_puts(s, row, r.col, r.cols, role, text);
		return 1;
	}
	while (*text != '\0' && row + used < end) {
		int room = r.cols - indent, n = (int)strlen(text);

		if (n > room) {
			/* The last space that fits; a word longer than the room is cut by screen_puts. */
			int cut = room;
			while (cut > 0 && text[cut] != ' ')
				cut--;
			n = cut > 0 ? cut : n;
		}
		screen_printf(s, row + used, r.col + indent, room, role, "%.*s", n, text);
		text += n;
		while (*text == ' ')
			text++;
		used++;
		indent = 2;
	}
	return used;
}

/* Draws the event log, newest first. */
void panel_log_draw(struct screen *s, const struct model *m, const struct panel_view *v,
		    struct rect r)
{
	int row = r.row + 1, end = r.row + r.rows;
	bool wrap = r.cols < LOG_WRAP_BELOW;

	if (r.rows < 2)
		return;
	screen_printf(s, r.row, r.col, r.cols, v->focus == PANEL_LOG ? ROLE_SELECTED : ROLE_TITLE,
		      "Events (newest first)  %" PRIu64 " seen", m->thread_events);
	if (m->next_step[0] != '\0')
		row += put_wrapped(s, row, end, r, ROLE_ALERT, m->next_step, wrap);
	for (unsigned i = (unsigned)v->log_scroll; row < end; i++) {
		const struct model_log_line *l = model_log_get(m, i);
		if (l == NULL)
			break;
		row += put_wrapped(s, row, end, r, i == 0 ? ROLE_NEWEST : ROLE_TEXT, l->text, wrap);
	}
}
