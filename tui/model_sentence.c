#include <inttypes.h>
#include <stdio.h>

#include "model_sentence.h"

/* A thread's name as the stream spells it, in a small caller buffer. */
static const char *thr_name(int thr, char *buf, size_t n)
{
	if (thr == EVENT_THR_MAIN)
		return "main";
	if (thr == EVENT_THR_NONE)
		return "none";
	snprintf(buf, n, "w%d", thr);
	return buf;
}

/* A key's text, for "%.*s"; "?" when the line lacks the key. */
static int val_len(const struct event *e, enum wire_key key)
{
	return event_has(e, key) ? (int)e->val[key].len : 1;
}

/* Pairs with val_len. */
static const char *val_str(const struct event *e, enum wire_key key)
{
	return event_has(e, key) ? e->val[key].s : "?";
}

#define VAL(e, key) val_len(e, key), val_str(e, key)

/* Tells a command: its verb, how many keys it names and how many value bytes it carries. */
static void cmd_sentence(const struct event *e, const char *who, char *buf, size_t n)
{
	uint64_t keys = event_num(e, KEY_keys, 0), bytes = event_num(e, KEY_bytes, 0);

	if (bytes > 0)
		snprintf(buf, n, "%s process_command: conn %" PRIu64 " %.*s (%" PRIu64 " key%s, %" PRIu64
			 " bytes)", who, event_num(e, KEY_conn, 0), VAL(e, KEY_verb), keys,
			 keys == 1 ? "" : "s", bytes);
	else
		snprintf(buf, n, "%s process_command: conn %" PRIu64 " %.*s (%" PRIu64 " key%s)", who,
			 event_num(e, KEY_conn, 0), VAL(e, KEY_verb), keys, keys == 1 ? "" : "s");
}

/* Names the function an event mirrors. */
const char *model_sentence_function(const char *ev_name, size_t len, char *buf, size_t n)
{
	switch (wire_event_from_name(ev_name, len)) {
	case EVT_accept:
		return "accept";
	case EVT_dispatch:
		return "dispatch_conn_new";
	case EVT_notify_write:
		return "write the notify byte";
	case EVT_notify_read:
		return "thread_libevent_process";
	case EVT_state:
		return "conn_set_state";
	case EVT_cmd:
		return "process_command";
	case EVT_conn_close:
		return "conn_close";
	default:
		/* cq_push, cq_pop and conn_new are memcached's names already. */
		snprintf(buf, n, "%.*s", (int)len, ev_name);
		return buf;
	}
}

/* Tells where a stepping thread stops next (gate, and paused at a breakpoint). */
static void stop_sentence(const struct event *e, const char *who, const char *what, char *buf,
			  size_t n)
{
	uint64_t conn = event_num(e, KEY_conn, 0);
	char fb[32];
	const char *fn;

	if (!event_has(e, KEY_at)) {
		snprintf(buf, n, "%s %s", who, what);
		return;
	}
	fn = model_sentence_function(e->val[KEY_at].s, e->val[KEY_at].len, fb, sizeof(fb));
	if (conn == 0)
		snprintf(buf, n, "%s %s before %s", who, what, fn);
	else
		snprintf(buf, n, "%s %s before %s conn %" PRIu64, who, what, fn, conn);
}

/* Writes the sentence. */
void model_sentence(const struct event *e, char *buf, size_t n)
{
	char wb[16], tb[16], lb[16], nb[16];
	const char *who = thr_name(e->thr, wb, sizeof(wb));
	const char *to = thr_name(event_idx(e, KEY_to, EVENT_THR_NONE), tb, sizeof(tb));
	uint64_t conn = event_num(e, KEY_conn, 0);
	uint64_t fd = event_num(e, KEY_fd, 0);

	if (n == 0)
		return;
	switch (e->ev) {
	case EVT_hello:
		snprintf(buf, n, "%s hello: pid %" PRIu64 ", %" PRIu64 " workers, dispatch %.*s, tcp %"
			 PRIu64, who, event_num(e, KEY_pid, 0), event_num(e, KEY_threads, 0),
			 VAL(e, KEY_dispatch), event_num(e, KEY_tcp, 0));
		break;
	case EVT_snapshot_worker:
		snprintf(buf, n, "%s snapshot: queue depth %" PRIu64 ", %" PRIu64 " open, %" PRIu64
			 " dispatched", who, event_num(e, KEY_depth, 0), event_num(e, KEY_open, 0),
			 event_num(e, KEY_dispatched, 0));
		break;
	case EVT_snapshot_conn:
		snprintf(buf, n, "%s snapshot: conn %" PRIu64 " fd %" PRIu64 " %.*s", who, conn, fd,
			 VAL(e, KEY_state));
		break;
	case EVT_snapshot_end:
		snprintf(buf, n, "%s snapshot end: last %s, next %s", who,
			 thr_name(event_idx(e, KEY_last, EVENT_THR_NONE), lb, sizeof(lb)),
			 thr_name(event_idx(e, KEY_next, EVENT_THR_NONE), nb, sizeof(nb)));
		break;
	case EVT_thread_ready:
		snprintf(buf, n, "%s register_thread_initialized: ready", who);
		break;
	case EVT_listen:
		snprintf(buf, n, "%s server_socket: %.*s port %" PRIu64 " fd %" PRIu64, who,
			 VAL(e, KEY_transport), event_num(e, KEY_port, 0), fd);
		break;
	case EVT_accept:
		snprintf(buf, n, "%s drive_machine: accept conn %" PRIu64 " fd %" PRIu64 " from %.*s",
			 who, conn, fd, VAL(e, KEY_peer));
		break;
	case EVT_dispatch:
		snprintf(buf, n, "%s dispatch_conn_new: conn %" PRIu64 " -> %s (%.*s)", who, conn, to,
			 VAL(e, KEY_dispatch));
		break;
	case EVT_cq_push:
		snprintf(buf, n, "%s cq_push: conn %" PRIu64 " onto %s's queue (depth %" PRIu64 ")", who,
			 conn, to, event_num(e, KEY_depth, 0));
		break;
	case EVT_notify_write:
		snprintf(buf, n, "%s notify: wrote '%.*s' to %s's pipe", who, VAL(e, KEY_byte), to);
		break;
	case EVT_notify_read:
		snprintf(buf, n, "%s thread_libevent_process: read '%.*s'", who, VAL(e, KEY_byte));
		break;
	case EVT_cq_pop:
		snprintf(buf, n, "%s cq_pop: took conn %" PRIu64 " (depth %" PRIu64 ")", who, conn,
			 event_num(e, KEY_depth, 0));
		break;
	case EVT_conn_new:
		snprintf(buf, n, "%s conn_new: conn %" PRIu64 " fd %" PRIu64 " (%.*s)", who, conn, fd,
			 VAL(e, KEY_transport));
		break;
	case EVT_state:
		snprintf(buf, n, "%s conn_set_state: conn %" PRIu64 " %.*s -> %.*s", who, conn,
			 VAL(e, KEY_from), VAL(e, KEY_to));
		break;
	case EVT_cmd:
		cmd_sentence(e, who, buf, n);
		break;
	case EVT_yield:
		snprintf(buf, n, "%s drive_machine: conn %" PRIu64 " yields (-R budget spent)", who, conn);
		break;
	case EVT_conn_close:
		snprintf(buf, n, "%s conn_close: conn %" PRIu64 " (%.*s)", who, conn, VAL(e, KEY_reason));
		break;
	case EVT_accept_pause:
		snprintf(buf, n, "%s accept_new_conns: stop accepting (%.*s)", who, VAL(e, KEY_reason));
		break;
	case EVT_accept_resume:
		snprintf(buf, n, "%s accept_new_conns: accepting again (%.*s)", who, VAL(e, KEY_reason));
		break;
	case EVT_policy:
		snprintf(buf, n, "%s dispatch policy now %.*s", who, VAL(e, KEY_dispatch));
		break;
	case EVT_dropped:
		snprintf(buf, n, "%s lost %" PRIu64 " events (dropped)", who, event_num(e, KEY_count, 0));
		break;
	case EVT_paused:
		stop_sentence(e, who, "paused", buf, n);
		break;
	case EVT_resumed:
		snprintf(buf, n, "%s resumed: every thread runs on", who);
		break;
	case EVT_gate:
		stop_sentence(e, who, "waits at a gate", buf, n);
		break;
	case EVT_delay:
		if (event_num(e, KEY_ms, 0) == 0)
			snprintf(buf, n, "%s delay: %s runs at full speed again", who, to);
		else
			snprintf(buf, n, "%s delay: %s sleeps %" PRIu64 " ms before each event", who, to,
				 event_num(e, KEY_ms, 0));
		break;
	default:
		snprintf(buf, n, "%s %.*s", who, (int)e->ev_len, e->ev_name != NULL ? e->ev_name : "");
		break;
	}
}
