#include <stdio.h>

#include "panel.h"

/* Writes a recorded time as m:ss.d, or h:mm:ss from an hour on. */
static void format_time(char *buf, size_t n, uint64_t ns)
{
	unsigned long long tenths = ns / 100000000ULL, s = tenths / 10;

	if (s >= 3600)
		snprintf(buf, n, "%llu:%02llu:%02llu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, n, "%llu:%02llu.%llu", s / 60, s % 60, tenths % 10);
}

/* Draws the replay's part of the top line. */
int panel_replay_header_draw(struct screen *s, const struct model *m, const struct panel_view *v,
			     struct rect r)
{
	const struct panel_replay *p = v->replay;
	int col = r.col, end = r.col + r.cols;
	char at[32], length[32];

	format_time(at, sizeof(at), p->at_ns);
	format_time(length, sizeof(length), p->length_ns);
	col += screen_puts(s, r.row, col, end - col, ROLE_HEADER, " replay ");
	if (col < end)
		screen_putwc(s, r.row, col++, ROLE_HEADER,
			     p->playing ? screen_glyph(s, L'▶', '>') : screen_glyph(s, L'‖', '|'));
	col += screen_printf(s, r.row, col, end - col, ROLE_HEADER, " %.4gx", p->speed);
	col += screen_printf(s, r.row, col, end - col, ROLE_HEADER,
			     "  event %llu/%llu  %s/%s  %d threads  %s  %.0f ev/s",
			     (unsigned long long)p->event, (unsigned long long)p->events, at, length,
			     m->nworkers, m->policy >= 0 && m->policy < DISPATCH_MAX ? wire_policy_name((enum dispatch_policy)m->policy) : "?",
			     m->events_per_sec);
	col += screen_printf(s, r.row, col, end - col, m->dropped ? ROLE_ALERT : ROLE_HEADER,
			     "  dropped %llu", (unsigned long long)m->dropped);
	col += screen_printf(s, r.row, col, end - col, ROLE_HEADER, "  pid %d :%d", m->pid,
			     m->tcp_port);
	return col;
}
