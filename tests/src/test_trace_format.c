/* Unit tests: every event the server formats is read back the same by the tools' parser. */
#include <criterion/criterion.h>
#include <stdio.h>
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
	struct expect_key keys[10];
};

/* Records of events the server makes, with exactly what they must read as. */
static const struct round_trip cases[] = {
	{ { .ev = EVT_thread_ready, .thr = 2 }, { { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_listen, .thr = TRACE_THR_MAIN, .v = { TRANSPORT_UDP, 9, 11211 } },
	  { { KEY_transport, "udp" }, { KEY_fd, "9" }, { KEY_port, "11211" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_accept, .thr = TRACE_THR_MAIN, .v = { 41, 12 }, .s = "127.0.0.1:50312" },
	  { { KEY_conn, "41" }, { KEY_fd, "12" }, { KEY_peer, "127.0.0.1:50312" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_dispatch, .thr = TRACE_THR_MAIN,
	    .v = { 41, 12, 1, -2, DISPATCH_LEAST, TRANSPORT_TCP, conn_new_cmd } },
	  { { KEY_conn, "41" }, { KEY_fd, "12" }, { KEY_to, "w1" }, { KEY_last, "none" },
	    { KEY_dispatch, "least" }, { KEY_transport, "tcp" }, { KEY_init, "conn_new_cmd" },
	    { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_cq_push, .thr = TRACE_THR_MAIN, .v = { 3, 41, 2 } },
	  { { KEY_to, "w3" }, { KEY_conn, "41" }, { KEY_depth, "2" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_notify_write, .thr = TRACE_THR_MAIN, .v = { 0, 'c', WIRE_ABSENT } },
	  { { KEY_to, "w0" }, { KEY_byte, "c" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_notify_read, .thr = 0, .v = { 's', WIRE_ABSENT } },
	  { { KEY_byte, "s" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_notify_write, .thr = TRACE_THR_TIMEOUT, .v = { 1, 't', 27 } },
	  { { KEY_to, "w1" }, { KEY_byte, "t" }, { KEY_fd, "27" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_notify_read, .thr = 1, .v = { 't', 27 } },
	  { { KEY_byte, "t" }, { KEY_fd, "27" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_conn_close, .thr = 1, .v = { 41, 27, CLOSE_IDLE } },
	  { { KEY_conn, "41" }, { KEY_fd, "27" }, { KEY_reason, "idle" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_cq_pop, .thr = 3, .v = { 41, 0 } },
	  { { KEY_conn, "41" }, { KEY_depth, "0" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_conn_new, .thr = 3, .v = { 41, 12, TRANSPORT_TCP } },
	  { { KEY_conn, "41" }, { KEY_fd, "12" }, { KEY_transport, "tcp" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_state, .thr = 3, .v = { 41, 12, conn_parse_cmd, conn_nread } },
	  { { KEY_conn, "41" }, { KEY_fd, "12" }, { KEY_from, "conn_parse_cmd" },
	    { KEY_to, "conn_nread" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_cmd, .thr = 1, .v = { 41, 3, 0 }, .s = "gets" },
	  { { KEY_conn, "41" }, { KEY_verb, "gets" }, { KEY_keys, "3" }, { KEY_bytes, "0" },
	    { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_yield, .thr = 1, .v = { 41 } }, { { KEY_conn, "41" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_conn_close, .thr = 1, .v = { 41, 12, CLOSE_QUIT } },
	  { { KEY_conn, "41" }, { KEY_fd, "12" }, { KEY_reason, "quit" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_accept_pause, .thr = TRACE_THR_MAIN, .v = { ACCEPT_PAUSE_EMFILE } },
	  { { KEY_reason, "emfile" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_accept_resume, .thr = TRACE_THR_MAIN, .v = { ACCEPT_PAUSE_MAXCONNS } },
	  { { KEY_reason, "maxconns" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_policy, .thr = TRACE_THR_MAIN, .v = { DISPATCH_RANDOM } },
	  { { KEY_dispatch, "random" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_dropped, .thr = 2, .v = { 1234 } }, { { KEY_count, "1234" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_paused, .thr = 0, .v = { EVT_dispatch, 7 } },
	  { { KEY_at, "dispatch" }, { KEY_conn, "7" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_resumed, .thr = TRACE_THR_MAIN }, { { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_gate, .thr = 2, .v = { EVT_cq_pop, 7 } },
	  { { KEY_at, "cq_pop" }, { KEY_conn, "7" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_delay, .thr = TRACE_THR_MAIN, .v = { 1, 50 } },
	  { { KEY_to, "w1" }, { KEY_ms, "50" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_hello, .thr = TRACE_THR_MAIN, .v = { 1, 4242, 2, DISPATCH_RR, 11211, 0, 1024, 20, 30 } },
	  { { KEY_v, "1" }, { KEY_pid, "4242" }, { KEY_threads, "2" }, { KEY_dispatch, "rr" },
	    { KEY_tcp, "11211" }, { KEY_udp, "0" }, { KEY_maxconns, "1024" },
	    { KEY_reqs_per_event, "20" }, { KEY_idle_timeout, "30" }, { WIRE_KEY_COUNT, NULL } } },
	{ { .ev = EVT_snapshot_end, .thr = TRACE_THR_MAIN, .v = { -2, 0 } },
	  { { KEY_last, "none" }, { KEY_next, "w0" }, { WIRE_KEY_COUNT, NULL } } },
};

/* A value of each kind for the generic round trip, and what the line must say for it. */
static int64_t sample_value(enum wire_kind kind, int i, char *want, size_t n)
{
	static const int64_t thr[] = { TRACE_THR_MAIN, -2, 3, TRACE_THR_TIMEOUT };
	int64_t v = 0;

	switch (kind) {
	case WIRE_KIND_NUM: v = 1000 + i; snprintf(want, n, "%lld", (long long)v); break;
	case WIRE_KIND_THR:
		v = thr[i % 4];
		snprintf(want, n, "%s", v == TRACE_THR_MAIN ? "main" : v == TRACE_THR_TIMEOUT ? "timeout"
								 : v < 0 ? "none" : "w3");
		break;
	case WIRE_KIND_STATE: v = conn_nread; snprintf(want, n, "conn_nread"); break;
	case WIRE_KIND_POLICY: v = DISPATCH_LEAST; snprintf(want, n, "least"); break;
	case WIRE_KIND_TRANSPORT: v = TRANSPORT_UDP; snprintf(want, n, "udp"); break;
	case WIRE_KIND_REASON: v = CLOSE_EOF; snprintf(want, n, "eof"); break;
	case WIRE_KIND_PAUSE: v = ACCEPT_PAUSE_EMFILE; snprintf(want, n, "emfile"); break;
	case WIRE_KIND_BYTE: v = 'p'; snprintf(want, n, "p"); break;
	case WIRE_KIND_EVENT: v = EVT_cq_pop; snprintf(want, n, "cq_pop"); break;
	case WIRE_KIND_TEXT: snprintf(want, n, "10.0.0.1:7"); break;
	case WIRE_KIND_STATES: snprintf(want, n, "conn_listening,conn_new_cmd"); break;
	case WIRE_KIND_COUNT: break;
	}
	return v;
}

Test(trace_format, every_event_wire_h_declares_reads_back_key_by_key)
{
	for (int ev = 0; ev < EVT_MAX; ev++) {
		const struct wire_event_spec *spec = wire_event_spec(ev);
		struct trace_rec r = { .ev = (uint16_t)ev, .thr = 1, .ts = 5, .seq = 6, .s = "10.0.0.1:7" };
		char want[WIRE_VALUES_MAX + 2][64], line[TRACE_LINE_MAX + 1];
		struct event e;
		int slot = 0;

		cr_assert_not_null(spec);
		cr_assert_leq(spec->nkeys, WIRE_VALUES_MAX + 2, "%s has too many keys", spec->name);
		for (int k = 0; k < spec->nkeys; k++) {
			int64_t v = sample_value(spec->keys[k].kind, k, want[k], sizeof(want[k]));
			/* A hello's worker count is within the protocol's limit, or the line is malformed. */
			if (spec->keys[k].key == KEY_threads) {
				v = WIRE_THREADS_MAX;
				snprintf(want[k], sizeof(want[k]), "%d", WIRE_THREADS_MAX);
			}
			if (spec->keys[k].kind != WIRE_KIND_TEXT && spec->keys[k].kind != WIRE_KIND_STATES)
				r.v[slot++] = v;
		}
		size_t n = trace_format(&r, line);
		line[n] = '\0';
		cr_assert_eq(event_parse(line, n, &e), EVENT_LINE, "%s", line);
		cr_expect_eq(e.ev, ev, "%s", line);
		for (int k = 0; k < spec->nkeys; k++) {
			const struct event_value *v = event_get(&e, spec->keys[k].key);
			cr_assert_not_null(v, "%s: no %s", line, wire_key_name(spec->keys[k].key));
			cr_expect(v->len >= strlen(want[k]) && memcmp(v->s, want[k], strlen(want[k])) == 0,
				  "%s: %s is not %s", line, wire_key_name(spec->keys[k].key), want[k]);
		}
	}
}

Test(trace_format, an_absent_value_leaves_its_key_out)
{
	struct trace_rec r = { .ev = EVT_paused, .thr = TRACE_THR_MAIN, .v = { WIRE_ABSENT, WIRE_ABSENT } };
	char line[TRACE_LINE_MAX + 1];
	size_t n = trace_format(&r, line);

	line[n] = '\0';
	cr_expect_str_eq(line, "ts=0 seq=0 thr=main ev=paused\n");
}

Test(trace_format, every_record_event_reads_back_the_same)
{
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
	}
}
