#include <stdio.h>
#include <stdlib.h>

#include "panel.h"

static const char *const sort_names[] = { "id", "worker", "state", "age" };

/* Below this width the list drops the fd and the last command (the compact diagram's neighbour). */
#define CONNS_NARROW 56

/* Draws the connection list. */
void panel_conns_draw(struct screen *s, const struct model *m, const struct panel_view *v,
		      struct rect r)
{
	static const struct model_conn **rows;
	static size_t rows_cap;
	size_t want = m->nconns > 0 ? m->nconns : 1, total;
	int body = r.rows - 2;

	if (r.rows < 3)
		return;
	if (rows_cap < want) {
		const struct model_conn **bigger = realloc(rows, want * sizeof(*rows));
		if (bigger == NULL)
			return;
		rows = bigger;
		rows_cap = want;
	}
	total = model_conns_select(m, v->sort, v->filter_worker, v->filter_state, rows, rows_cap);
	int col = r.col + screen_printf(s, r.row, r.col, r.cols,
					v->focus == PANEL_CONNS ? ROLE_SELECTED : ROLE_TITLE,
					"Connections %zu", total);
	col += screen_printf(s, r.row, col, r.col + r.cols - col, ROLE_DIM, "  sort %s",
			     sort_names[v->sort]);
	if (v->filter_worker >= 0)
		col += screen_printf(s, r.row, col, r.col + r.cols - col, ROLE_DIM, "  worker w%d",
				     v->filter_worker);
	if (v->filter_state >= 0)
		screen_printf(s, r.row, col, r.col + r.cols - col, ROLE_DIM, "  state %s",
			      panel_state_short(v->filter_state));
	bool narrow = r.cols < CONNS_NARROW;
	screen_puts(s, r.row + 1, r.col, r.cols, ROLE_TITLE,
		    narrow ? " conn wkr  tr  state        in cmd"
			   : "    conn    fd wkr  tr  state       in state  cmds last");
	for (int i = 0; i < body && (size_t)(v->conn_scroll + i) < total; i++) {
		const struct model_conn *c = rows[v->conn_scroll + i];
		int row = r.row + 2 + i;
		bool sel = v->focus == PANEL_CONNS && v->conn_selected == v->conn_scroll + i;
		uint64_t since = m->last_ts > c->state_since ? m->last_ts - c->state_since : 0;
		char wkr[16];

		if (c->worker >= 0)
			snprintf(wkr, sizeof(wkr), "w%d", c->worker);
		else
			snprintf(wkr, sizeof(wkr), "main");
		/* Narrow, beside the compact diagram: no fd and no last command, the rest closer. */
		int at = narrow ? 14 : 24;
		if (narrow)
			screen_printf(s, row, r.col, r.cols, c->closed ? ROLE_DIM : ROLE_TEXT,
				      "%5llu %-5s%-3s", (unsigned long long)c->id, wkr, c->udp ? "udp" : "tcp");
		else
			screen_printf(s, row, r.col, r.cols, c->closed ? ROLE_DIM : ROLE_TEXT,
				      "%8llu %5d %-5s%-3s", (unsigned long long)c->id, c->fd, wkr,
				      c->udp ? "udp" : "tcp");
		screen_printf(s, row, r.col + at, r.cols - at, ROLE_STATE + c->state, " %-9s",
			      panel_state_short(c->state));
		at += narrow ? 10 : 12;
		screen_printf(s, row, r.col + at, r.cols - at, c->closed ? ROLE_DIM : ROLE_TEXT,
			      narrow ? "%5.1fs%4llu" : "%7.1fs %5llu %s", since / 1e9,
			      (unsigned long long)c->cmds, c->last_verb);
		if (sel)
			screen_paint(s, row, r.col, r.cols, ROLE_SELECTED);
	}
}
