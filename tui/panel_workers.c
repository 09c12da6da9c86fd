#include <stdio.h>

#include "panel.h"

#define BAR_WIDTH 8

/* Writes who's " next cq_pop " into buf when the thread waits at a gate, else ""; returns the length. */
static int gate_mark(const char *who, const struct model_gate *g, char *buf, size_t n)
{
	const char *at = g->at >= 0 ? wire_event_name((enum wire_event)g->at) : NULL;

	buf[0] = '\0';
	if (!g->waiting)
		return 0;
	return snprintf(buf, n, " %snext %s ", who, at != NULL ? at : "?");
}

/* Draws the dispatch line: main, the worker rr picks next, the latest hand-offs, main's next step. */
static void draw_dispatch(struct screen *s, const struct model *m, struct rect r)
{
	int col = r.col, end = r.col + r.cols;
	char mark[40];
	/* At the line's end, as each worker's is at its row's end. */
	int n = gate_mark("main ", &m->main_gate, mark, sizeof(mark));

	col += screen_puts(s, r.row, col, end - col, ROLE_TITLE, "Dispatch ");
	col += screen_puts(s, r.row, col, end - col, ROLE_TEXT, "main ");
	screen_putwc(s, r.row, col++, ROLE_POINTER, screen_glyph(s, L'\u25b6', '>'));
	if (m->nworkers > 0)
		col += screen_printf(s, r.row, col, end - col, ROLE_POINTER, " next w%d", m->next_worker);
	col += screen_puts(s, r.row, col, end - col, ROLE_DIM, "   recent:");
	for (unsigned i = 0; col < end - 12 - n; i++) {
		const struct model_dispatch *d = model_recent_get(m, i);
		if (d == NULL)
			break;
		col += screen_printf(s, r.row, col, end - col, i == 0 ? ROLE_NEWEST : ROLE_TEXT,
				     " %llu%sw%d", (unsigned long long)d->conn,
				     s->utf8 ? "\u2192" : "->", d->to);
	}
	if (n > 0 && n < end - r.col)
		screen_puts(s, r.row, end - n, n, ROLE_ALERT, mark);
}

/* Draws a CQ depth bar scaled so that the highest depth seen fills it. */
static int draw_bar(struct screen *s, int row, int col, unsigned depth, unsigned max)
{
	unsigned scale = max > BAR_WIDTH ? max : BAR_WIDTH;
	unsigned filled = (depth * BAR_WIDTH + scale - 1) / scale;

	screen_putwc(s, row, col, ROLE_DIM, L'[');
	for (unsigned i = 0; i < BAR_WIDTH; i++)
		screen_putwc(s, row, col + 1 + (int)i, i < filled ? ROLE_BAR : ROLE_DIM,
			     i < filled ? screen_glyph(s, L'\u2588', '#') : screen_glyph(s, L'\u00b7', '.'));
	screen_putwc(s, row, col + 1 + BAR_WIDTH, ROLE_DIM, L']');
	return BAR_WIDTH + 2;
}

/* Draws a worker's CQ depth history, oldest left. */
static int draw_sparkline(struct screen *s, int row, int col, const struct model_worker *w, int width)
{
	static const wchar_t levels[] = L"\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588";
	static const char ascii[] = "_.-=+*#@";
	unsigned max = 1, n = w->depth_history_len < (unsigned)width ? w->depth_history_len : (unsigned)width;

	for (unsigned i = 0; i < n; i++) {
		unsigned v = w->depth_history[(w->depth_history_pos + MODEL_DEPTH_HISTORY - n + i) % MODEL_DEPTH_HISTORY];
		if (v > max)
			max = v;
	}
	for (unsigned i = 0; i < n; i++) {
		unsigned v = w->depth_history[(w->depth_history_pos + MODEL_DEPTH_HISTORY - n + i) % MODEL_DEPTH_HISTORY];
		unsigned lvl = v == 0 ? 0 : 1 + (v * 6 + max - 1) / max;
		if (lvl > 7)
			lvl = 7;
		screen_putwc(s, row, col + (int)(width - (int)n) + (int)i, ROLE_BAR,
			     screen_glyph(s, levels[lvl], ascii[lvl]));
	}
	return width;
}

/* Draws the timeout thread's row: its timeout, the kicks it wrote, what they closed, the newest. */
static void draw_timeout(struct screen *s, const struct model *m, int row, struct rect r)
{
	const struct model_timeout *t = &m->timeout;
	int col = r.col, end = r.col + r.cols;

	col += screen_puts(s, row, col, end - col, ROLE_TEXT, " tmo  ");
	col += screen_printf(s, row, col, end - col, ROLE_DIM, "conn_timeout: idle > %d s ", t->idle_timeout);
	col += screen_printf(s, row, col, end - col, ROLE_TEXT, " kicks %llu  closed idle %llu",
			     (unsigned long long)t->kicks, (unsigned long long)t->closed);
	if (t->kicks > 0 && t->last_to >= 0)
		screen_printf(s, row, col, end - col, ROLE_NEWEST, "   last 't' fd %d %s w%d", t->last_fd,
			      s->utf8 ? "\u2192" : "->", t->last_to);
}

/* Draws the dispatch line, a row per worker and, when the server has one, the timeout thread's. */
void panel_workers_draw(struct screen *s, const struct model *m, const struct panel_view *v,
			struct rect r)
{
	if (r.rows < 2)
		return;
	draw_dispatch(s, m, r);
	screen_puts(s, r.row + 1, r.col, r.cols, ROLE_TITLE,
		    "Workers   CQ depth        history        notify open  disp  conns by state");
	for (int i = 0; i < m->nworkers && i + 2 < r.rows; i++) {
		const struct model_worker *w = &m->workers[i];
		int row = r.row + 2 + i, col = r.col, end = r.col + r.cols;
		bool sel = v->focus == PANEL_WORKERS && v->selected_worker == i;

		col += screen_printf(s, row, col, 4, sel ? ROLE_SELECTED : ROLE_TEXT, " w%-2d", i);
		screen_putwc(s, row, col++, ROLE_POINTER,
			     i == m->next_worker ? screen_glyph(s, L'\u25b6', '>') : L' ');
		col++;
		col += draw_bar(s, row, col, w->cq_depth, w->cq_max_depth);
		col += screen_printf(s, row, col, end - col, ROLE_TEXT, " %u/%-3u", w->cq_depth,
				     w->cq_max_depth);
		col += draw_sparkline(s, row, col, w, 14);
		col += screen_printf(s, row, col, end - col, w->pending_notify ? ROLE_NEWEST : ROLE_TEXT,
				     " %5llu", (unsigned long long)w->pending_notify);
		col += screen_printf(s, row, col, end - col, ROLE_TEXT, " %4u %5llu ", w->open,
				     (unsigned long long)w->dispatched);
		for (int st = conn_new_cmd; st < conn_closed && col < end - 4; st++) {
			if (w->per_state[st] == 0)
				continue;
			col += screen_printf(s, row, col, end - col, ROLE_STATE + st, " %s:%u",
					     panel_state_short(st), w->per_state[st]);
		}
		/* Markers at the row's end, over the state counts they may cover. */
		char marks[80] = "";
		int n = 0;
		if (w->delay_ms > 0)
			n += snprintf(marks + n, sizeof(marks) - (size_t)n, " DELAY %ums ", w->delay_ms);
		if (w->at_gate)
			n += snprintf(marks + n, sizeof(marks) - (size_t)n, " FROZEN ");
		n += gate_mark("", &w->gate, marks + n, sizeof(marks) - (size_t)n);
		if (n > 0 && n < end - r.col)
			screen_puts(s, row, end - n, n, ROLE_ALERT, marks);
	}
	if (m->timeout.idle_timeout > 0 && m->nworkers + 2 < r.rows)
		draw_timeout(s, m, r.row + 2 + m->nworkers, r);
}
