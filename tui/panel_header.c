#include <stdio.h>
#include <string.h>

#include "panel.h"

static const char *const status_names[] = { "connecting", "live", "reconnecting", "replay" };

/* The scene's line: its number and title, what to watch, and right-aligned its next cue. */
static void scene_draw(struct screen *s, const struct panel_view *v, struct rect r)
{
	int col = r.col, end = r.col + r.cols;

	col += screen_printf(s, r.row, col, end - col, ROLE_TITLE, " %s", v->scene);
	if (v->scene_idea != NULL)
		col += screen_printf(s, r.row, col, end - col, ROLE_TEXT, "  %s", v->scene_idea);
	if (v->scene_cue == NULL)
		return;
	/* Like the alerts, the cue goes over the end of the idea rather than being cut off. */
	int w = (int)strlen(v->scene_cue) + 2;
	int at = end - w > r.col ? end - w : r.col;
	if (at < col && at > r.col)
		screen_putwc(s, r.row, at - 1, ROLE_TEXT, L' ');
	screen_printf(s, r.row, at, end - at, ROLE_DIM, " %s ", v->scene_cue);
}

/* Draws the top line. */
void panel_header_draw(struct screen *s, const struct model *m, const struct panel_view *v,
		       struct rect r)
{
	unsigned long long up = m->last_ts / 1000000000ULL;
	int col = r.col, end = r.col + r.cols;

	for (int c = r.col; c < end; c++)
		screen_putwc(s, r.row, c, ROLE_HEADER, L' ');
	if (v->replay != NULL) {
		col = panel_replay_header_draw(s, m, v, r);
	} else {
		char rate[32];
		/* The status first and the rate short: at 80 columns nothing that matters is cut. */
		if (m->events_per_sec >= 10000)
			snprintf(rate, sizeof(rate), "%.0fk", m->events_per_sec / 1000);
		else
			snprintf(rate, sizeof(rate), "%.0f", m->events_per_sec);
		col += screen_puts(s, r.row, col, end - col, ROLE_HEADER, " mcscope ");
		col += screen_puts(s, r.row, col, end - col,
				   m->status == MODEL_LIVE ? ROLE_HEADER : ROLE_ALERT,
				   status_names[m->status]);
		col += screen_printf(s, r.row, col, end - col, ROLE_HEADER,
				     "  pid %d :%d  %d threads  %s  up %llu:%02llu:%02llu  %s ev/s",
				     m->pid, m->tcp_port, m->nworkers,
				     m->policy >= 0 && m->policy < DISPATCH_MAX ? wire_policy_name((enum dispatch_policy)m->policy) : "?",
				     up / 3600, up / 60 % 60, up % 60, rate);
		col += screen_printf(s, r.row, col, end - col, m->dropped ? ROLE_ALERT : ROLE_HEADER,
				     "  dropped %llu", (unsigned long long)m->dropped);
	}
	/* Alerts go last, right-aligned over whatever they cover: they must never be cut off. */
	char alerts[256] = "";
	int n = 0;
	if (m->paused)
		n += snprintf(alerts + n, sizeof(alerts) - (size_t)n, " PAUSED ");
	if (m->accept_paused[0] != '\0')
		n += snprintf(alerts + n, sizeof(alerts) - (size_t)n, " NOT ACCEPTING (%s) ", m->accept_paused);
	for (int i = 0; i < m->nworkers && n < 200; i++)
		if (m->workers[i].at_gate)
			n += snprintf(alerts + n, sizeof(alerts) - (size_t)n, " FROZEN w%d ", i);
	if (v->slowmo_ms > 0 && n < 200)
		n += snprintf(alerts + n, sizeof(alerts) - (size_t)n, " SLOWMO %ums%s ", v->slowmo_ms,
			      v->slowmo_held ? " held" : "");
	if (v->display_held && n < 200)
		n += snprintf(alerts + n, sizeof(alerts) - (size_t)n, " DISPLAY HELD (p) ");
	if (n > 0) {
		int at = end - n > r.col ? end - n : r.col;
		if (at < col + 1 && at > r.col)
			screen_putwc(s, r.row, at - 1, ROLE_HEADER, L' ');
		screen_puts(s, r.row, at, end - at, ROLE_ALERT, alerts);
	}
	if (r.rows > 1 && v->scene != NULL)
		scene_draw(s, v, (struct rect){ r.row + 1, r.col, 1, r.cols });
}
