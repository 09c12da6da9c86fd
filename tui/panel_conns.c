#include <stdio.h>
#include <stdlib.h>

#include "panel.h"

static const char *const sort_names[] = { "id", "worker", "state", "age" };

/* Below these widths the list drops the fd and the last command (the compact diagram's
 * neighbour), then the time in state. */
#define CONNS_NARROW 56
#define CONNS_NARROW_IN 34

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
	/* Narrow, beside the compact diagram: no fd and no last command, the rest closer; narrower
	 * still, no time in state either. */
	int fit = r.cols >= CONNS_NARROW ? 0 : r.cols >= CONNS_NARROW_IN ? 1 : 2;
	static const char *const heads[] = {
		"    conn    fd wkr  tr  state       in state  cmds last",
		" conn wkr  tr  state        in cmd",
		" conn wkr  tr  state     cmd",
	};
	screen_puts(s, r.row + 1, r.col, r.cols, ROLE_TITLE, heads[fit]);
	for (int i = 0; i < body && (size_t)(v->conn_scroll + i) < total; i++) {
		const struct model_conn *c = rows[v->conn_scroll + i];
		int row = r.row + 2 + i, role = c->closed ? ROLE_DIM : ROLE_TEXT;
		bool sel = v->focus == PANEL_CONNS && v->conn_selected == v->conn_scroll + i;
		uint64_t since = m->last_ts > c->state_since ? m->last_ts - c->state_since : 0;
		unsigned long long id = c->id, cmds = c->cmds;
		const char *tr = c->udp ? "udp" : "tcp";
		char wkr[16];

		if (c->worker >= 0)
			snprintf(wkr, sizeof(wkr), "w%d", c->worker);
		else
			snprintf(wkr, sizeof(wkr), "main");
		int at = fit == 0 ? 24 : 14;
		if (fit == 0)
			screen_printf(s, row, r.col, r.cols, role, "%8llu %5d %-5s%-3s", id, c->fd, wkr, tr);
		else
			screen_printf(s, row, r.col, r.cols, role, "%5llu %-5s%-3s", id, wkr, tr);
		screen_printf(s, row, r.col + at, r.cols - at, ROLE_STATE + c->state,
			      fit == 0 ? " %-11s" : " %-9s", panel_state_short(c->state));
		at += fit == 0 ? 12 : 10;
		if (fit == 0)
			screen_printf(s, row, r.col + at, r.cols - at, role, "%7.1fs %5llu %s", since / 1e9,
				      cmds, c->last_verb);
		else if (fit == 1)
			screen_printf(s, row, r.col + at, r.cols - at, role, "%5.1fs%4llu", since / 1e9, cmds);
		else
			screen_printf(s, row, r.col + at, r.cols - at, role, "%4llu", cmds);
		if (sel)
			screen_paint(s, row, r.col, r.cols, ROLE_SELECTED);
	}
}
