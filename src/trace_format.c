#include <stdio.h>

#include "cq.h"
#include "settings.h"
#include "trace_format.h"


/* Writes a thread's name. */
const char *trace_thr_name(int thr, char *buf, size_t len)
{
	if (thr == TRACE_THR_MAIN)
		snprintf(buf, len, "main");
	else if (thr < TRACE_THR_MAIN)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "w%d", thr);
	return buf;
}

/* Writes the common prefix. */
size_t trace_format_prefix(char *buf, size_t len, uint64_t ts, uint64_t seq, int thr,
			   enum wire_event ev)
{
	char thr_name[16];
	int n = snprintf(buf, len, "ts=%llu seq=%llu thr=%s ev=%s", (unsigned long long)ts,
			 (unsigned long long)seq, trace_thr_name(thr, thr_name, sizeof(thr_name)),
			 wire_event_name(ev) != NULL ? wire_event_name(ev) : "unknown");

	return n < 0 ? 0 : (size_t)n >= len ? len - 1 : (size_t)n;
}

/* Writes a record's line. */
size_t trace_format(const struct trace_rec *r, char *buf)
{
	const size_t len = TRACE_LINE_MAX - 1; /* room for the newline */
	size_t n = trace_format_prefix(buf, len, r->ts, r->seq, r->thr, (enum wire_event)r->ev);
	unsigned long long conn = (unsigned long long)r->conn;
	char to[16], last[16];
	int m = 0;

	switch ((enum wire_event)r->ev) {
	case EVT_listen:
		m = snprintf(buf + n, len - n, " transport=%s fd=%d port=%lld",
			     wire_transport_name((enum transport)r->a), r->fd, (long long)r->b);
		break;
	case EVT_accept:
		m = snprintf(buf + n, len - n, " conn=%llu fd=%d peer=%s", conn, r->fd, r->s);
		break;
	case EVT_dispatch:
		m = snprintf(buf + n, len - n,
			     " conn=%llu fd=%d to=%s last=%s dispatch=%s transport=%s init=%s", conn,
			     r->fd, trace_thr_name((int)r->a, to, sizeof(to)),
			     trace_thr_name((int)r->b, last, sizeof(last)),
			     wire_policy_name((enum dispatch_policy)(r->c & 0xff)),
			     wire_transport_name((enum transport)((r->c >> 8) & 0xff)),
			     wire_state_name((enum conn_states)((r->c >> 16) & 0xff)));
		break;
	case EVT_cq_push:
		m = snprintf(buf + n, len - n, " to=%s conn=%llu depth=%lld",
			     trace_thr_name((int)r->a, to, sizeof(to)), conn, (long long)r->b);
		break;
	case EVT_notify_write:
		m = snprintf(buf + n, len - n, " to=%s byte=%c",
			     trace_thr_name((int)r->a, to, sizeof(to)), (char)r->b);
		break;
	case EVT_notify_read:
		m = snprintf(buf + n, len - n, " byte=%c", (char)r->b);
		break;
	case EVT_cq_pop:
		m = snprintf(buf + n, len - n, " conn=%llu depth=%lld", conn, (long long)r->b);
		break;
	case EVT_conn_new:
		m = snprintf(buf + n, len - n, " conn=%llu fd=%d transport=%s", conn, r->fd,
			     wire_transport_name((enum transport)r->a));
		break;
	case EVT_state:
		m = snprintf(buf + n, len - n, " conn=%llu fd=%d from=%s to=%s", conn, r->fd,
			     wire_state_name((enum conn_states)r->a),
			     wire_state_name((enum conn_states)r->b));
		break;
	case EVT_cmd:
		m = snprintf(buf + n, len - n, " conn=%llu verb=%s keys=%lld bytes=%lld", conn, r->s,
			     (long long)r->a, (long long)r->b);
		break;
	case EVT_yield:
		m = snprintf(buf + n, len - n, " conn=%llu", conn);
		break;
	case EVT_conn_close:
		m = snprintf(buf + n, len - n, " conn=%llu fd=%d reason=%s", conn, r->fd,
			     wire_close_reason_name((enum close_reason)r->a));
		break;
	case EVT_accept_pause:
	case EVT_accept_resume:
		m = snprintf(buf + n, len - n, " reason=%s", wire_accept_pause_name((enum accept_pause_reason)r->a));
		break;
	case EVT_policy:
		m = snprintf(buf + n, len - n, " dispatch=%s",
			     wire_policy_name((enum dispatch_policy)r->a));
		break;
	case EVT_dropped:
		m = snprintf(buf + n, len - n, " count=%lld", (long long)r->a);
		break;
	case EVT_gate:
		m = snprintf(buf + n, len - n, " at=%s conn=%llu",
			     wire_event_name((enum wire_event)r->a) != NULL
				     ? wire_event_name((enum wire_event)r->a) : "unknown",
			     conn);
		break;
	case EVT_delay:
		m = snprintf(buf + n, len - n, " to=%s ms=%lld", trace_thr_name((int)r->a, to, sizeof(to)),
			     (long long)r->b);
		break;
	case EVT_paused:
		/* A breakpoint says where it stopped; a pause command doesn't. */
		if (r->a > 0 && wire_event_name((enum wire_event)r->a) != NULL)
			m = snprintf(buf + n, len - n, " at=%s conn=%llu",
				     wire_event_name((enum wire_event)r->a), conn);
		break;
	default:
		/* thread_ready, resumed: the prefix says it all. */
		break;
	}
	if (m > 0)
		n += (size_t)m >= len - n ? len - n - 1 : (size_t)m;
	buf[n++] = '\n';
	return n;
}
