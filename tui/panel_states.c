#include <string.h>

#include "panel.h"

/* Returns a state's name without the conn_ prefix. */
const char *panel_state_short(int state)
{
	const char *name = wire_state_name((enum conn_states)state);

	return strncmp(name, "conn_", 5) == 0 ? name + 5 : name;
}

/* True when a transition is among the latest few (lit up). */
bool panel_transition_lit(const struct model *m, int from, int to)
{
	uint64_t latest = 0, at = 0;

	for (int f = 0; f < conn_max_state; f++) {
		for (int t = 0; t < conn_max_state; t++) {
			uint64_t when = m->transition_at[f][t];
			if (when > latest)
				latest = when;
			if (t == to && (from < 0 || f == from) && when > at)
				at = when;
		}
	}
	/* Lit for a quarter of a second of server time after the newest transition. */
	return at != 0 && at + 250000000ULL >= latest;
}

/* Counts the open connections in each state. */
void panel_state_counts(const struct model *m, unsigned counts[conn_max_state])
{
	memset(counts, 0, sizeof(unsigned) * conn_max_state);
	for (size_t i = 0; i < m->nconns; i++)
		if (!m->conns[i].closed && m->conns[i].state >= 0 && m->conns[i].state < conn_max_state)
			counts[m->conns[i].state]++;
}

/* Draws drive_machine's states in the order a request goes through them, with live counts. */
void panel_states_draw(struct screen *s, const struct model *m, const struct panel_view *v,
		       struct rect r)
{
	static const int order[] = {
		conn_listening, conn_new_cmd, conn_waiting, conn_read, conn_parse_cmd, conn_nread,
		conn_swallow, conn_write, conn_mwrite, conn_closing, conn_closed,
	};
	unsigned counts[conn_max_state];
	int row = r.row + 1, col = r.col, end = r.col + r.cols;

	if (panel_states_diagram_fit(r) >= 0) {
		panel_states_diagram_draw(s, m, v, r);
		return;
	}
	if (r.rows < 2)
		return;
	panel_state_counts(m, counts);
	screen_puts(s, r.row, r.col, r.cols, v->focus == PANEL_STATES ? ROLE_SELECTED : ROLE_TITLE,
		    "drive_machine   conns in each state; the latest transitions lit");
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int st = order[i];
		char label[32];
		int w = (int)strlen(panel_state_short(st)) + 4;

		if (col + w > end) {
			if (row + 1 >= r.row + r.rows)
				break;
			row++;
			col = r.col;
		}
		if (col > r.col)
			screen_putwc(s, row, col - 1, ROLE_DIM, screen_glyph(s, L'\u203a', '>'));
		snprintf(label, sizeof(label), "%s %u", panel_state_short(st), counts[st]);
		col += screen_puts(s, row, col, end - col,
				   panel_transition_lit(m, -1, st) ? ROLE_NEWEST : ROLE_STATE + st, label);
		col += 2;
	}
}
