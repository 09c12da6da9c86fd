/* Unit tests: every event the server formats is read back the same by the tools' parser. */
#include <criterion/criterion.h>
#include <string.h>

#include "event.h"
#include "settings.h"
#include "trace_format.h"

struct expect_key {
	enum wire_key key;
	const char *value;
};

struct round_trip {
	struct trace_rec rec;
	struct expect_key keys[8];
};

/* One record of each event type the server makes from a record, with what it must read as. */
static const struct round_trip cases[] = {
	{ { .ev = EVT_thread_ready, .thr = 2 }, { { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_listen, .thr = TRACE_THR_MAIN, .fd = 9, .a = 1, .b = 11211 },
	  { { KEY_transport, "udp" }, { KEY_fd, "9" }, { KEY_port, "11211" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_accept, .thr = TRACE_THR_MAIN, .conn = 41, .fd = 12, .s = "127.0.0.1:50312" },
	  { { KEY_conn, "41" }, { KEY_fd, "12" }, { KEY_peer, "127.0.0.1:50312" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_dispatch, .thr = TRACE_THR_MAIN, .conn = 41, .fd = 12, .a = 1, .b = -2,
	    .c = TRACE_DISPATCH_INFO(DISPATCH_LEAST, 0, conn_new_cmd) },
	  { { KEY_conn, "41" }, { KEY_fd, "12" }, { KEY_to, "w1" }, { KEY_last, "none" },
	    { KEY_dispatch, "least" }, { KEY_transport, "tcp" }, { KEY_init, "conn_new_cmd" },
	    { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_cq_push, .thr = TRACE_THR_MAIN, .conn = 41, .a = 3, .b = 2 },
	  { { KEY_to, "w3" }, { KEY_conn, "41" }, { KEY_depth, "2" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_notify_write, .thr = TRACE_THR_MAIN, .a = 0, .b = 'c' },
	  { { KEY_to, "w0" }, { KEY_byte, "c" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_notify_read, .thr = 0, .b = 's' }, { { KEY_byte, "s" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_cq_pop, .thr = 3, .conn = 41, .b = 0 },
	  { { KEY_conn, "41" }, { KEY_depth, "0" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_conn_new, .thr = 3, .conn = 41, .fd = 12, .a = 0 },
	  { { KEY_conn, "41" }, { KEY_fd, "12" }, { KEY_transport, "tcp" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_state, .thr = 3, .conn = 41, .fd = 12, .a = conn_parse_cmd, .b = conn_nread },
	  { { KEY_conn, "41" }, { KEY_fd, "12" }, { KEY_from, "conn_parse_cmd" },
	    { KEY_to, "conn_nread" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_cmd, .thr = 1, .conn = 41, .a = 3, .b = 0, .s = "gets" },
	  { { KEY_conn, "41" }, { KEY_verb, "gets" }, { KEY_keys, "3" }, { KEY_bytes, "0" },
	    { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_yield, .thr = 1, .conn = 41 }, { { KEY_conn, "41" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_conn_close, .thr = 1, .conn = 41, .fd = 12, .a = 3 },
	  { { KEY_conn, "41" }, { KEY_fd, "12" }, { KEY_reason, "quit" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_accept_pause, .thr = TRACE_THR_MAIN, .a = 1 },
	  { { KEY_reason, "emfile" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_accept_resume, .thr = TRACE_THR_MAIN, .a = 0 },
	  { { KEY_reason, "maxconns" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_policy, .thr = TRACE_THR_MAIN, .a = DISPATCH_RANDOM },
	  { { KEY_dispatch, "random" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_dropped, .thr = 2, .a = 1234 }, { { KEY_count, "1234" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_paused, .thr = 0, .a = EVT_dispatch, .conn = 7 },
	  { { KEY_at, "dispatch" }, { KEY_conn, "7" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_resumed, .thr = TRACE_THR_MAIN }, { { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_gate, .thr = 2, .a = EVT_cq_pop, .conn = 7 },
	  { { KEY_at, "cq_pop" }, { KEY_conn, "7" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_delay, .thr = TRACE_THR_MAIN, .a = 1, .b = 50 },
	  { { KEY_to, "w1" }, { KEY_ms, "50" }, { WIRE_KEY_COUNT, NULL } } },
};

Test(trace_format, every_record_event_reads_back_the_same)
{
	bool covered[EVT_MAX] = { false };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct trace_rec r = cases[i].rec;
		char line[TRACE_LINE_MAX + 1];
		struct event e;

		r.ts = 1000000007ULL * (i + 1);
		r.seq = 18446744073709551000ULL + i;
		size_t n = trace_format(&r, line);
		line[n] = '\0';
		cr_assert_eq(line[n - 1], '\n');
		cr_assert_eq(event_parse(line, n, &e), EVENT_LINE, "%s", line);
		cr_expect_eq(e.ev, r.ev, "%s", line);
		cr_expect_eq(e.thr, r.thr, "%s", line);
		cr_expect_eq(e.ts, r.ts, "%s", line);
		cr_expect_eq(e.seq, r.seq, "%s", line);
		for (const struct expect_key *k = cases[i].keys; k->key != WIRE_KEY_COUNT; k++) {
			const struct event_value *v = event_get(&e, k->key);
			cr_assert_not_null(v, "%s: no %s", line, wire_key_name(k->key));
			cr_expect(v->len == strlen(k->value) && memcmp(v->s, k->value, v->len) == 0,
				  "%s: %s is not %s", line, wire_key_name(k->key), k->value);
		}
		covered[r.ev] = true;
	}
	/* hello and the snapshot lines are written by the snapshot, not from records. */
	for (int ev = 0; ev < EVT_MAX; ev++) {
		if (ev == EVT_hello || ev == EVT_snapshot_worker || ev == EVT_snapshot_conn ||
		    ev == EVT_snapshot_end)
			continue;
		cr_expect(covered[ev], "no round trip for %s", wire_event_name(ev));
	}
}
