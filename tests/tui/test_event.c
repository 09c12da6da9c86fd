/* Unit tests: event_parse, the trace-line parser (tui/event.c) against src/PROTOCOL.md. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"

/* Parses a nul-terminated line. */
static enum event_status parse(const char *line, struct event *e)
{
	return event_parse(line, strlen(line), e);
}

/* A line, the workers its stream's hello announced (0: none), and what it should parse to. */
struct status_case {
	const char *line;
	enum event_status st;
	unsigned threads;
};

/* Fails for each case that does not parse to its status. */
static void expect_statuses(const struct status_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct event e;
		enum event_status st = event_parse_in(cases[i].line, strlen(cases[i].line),
						      cases[i].threads, &e);
		cr_expect_eq(st, cases[i].st, "'%s' (%u threads): got %d (%s), want %d (%s)",
			     cases[i].line, cases[i].threads, st, event_status_name(st), cases[i].st,
			     event_status_name(cases[i].st));
	}
}

/* True when key's text is s. */
static bool text_is(const struct event *e, enum wire_key key, const char *s)
{
	return event_str_eq(e, key, s);
}

/* One line of each event type; the first twelve are PROTOCOL.md's example, verbatim. */
static const char *const samples[] = {
	"ts=913402211 seq=14 thr=main ev=hello v=1 pid=4242 threads=2 dispatch=rr tcp=11211 udp=0 maxconns=1024 reqs_per_event=20 states=conn_listening,conn_new_cmd,conn_waiting,conn_read,conn_parse_cmd,conn_write,conn_nread,conn_swallow,conn_closing,conn_mwrite,conn_closed",
	"ts=913402230 seq=14 thr=w0 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0 delay=0",
	"ts=913402240 seq=14 thr=main ev=snapshot_conn conn=1 fd=9 transport=tcp state=conn_listening",
	"ts=913402251 seq=14 thr=main ev=snapshot_end last=w1 next=w0",
	"ts=2100431877 seq=15 thr=main ev=accept conn=2 fd=12 peer=127.0.0.1:50312",
	"ts=2100440012 seq=16 thr=main ev=dispatch conn=2 fd=12 to=w0 last=w1 dispatch=rr transport=tcp init=conn_new_cmd",
	"ts=2100441100 seq=17 thr=main ev=cq_push to=w0 conn=2 depth=1",
	"ts=2100442310 seq=18 thr=main ev=notify_write to=w0 byte=c",
	"ts=2100460078 seq=19 thr=w0 ev=notify_read byte=c",
	"ts=2100461102 seq=20 thr=w0 ev=cq_pop conn=2 depth=0",
	"ts=2100463390 seq=21 thr=w0 ev=conn_new conn=2 fd=12 transport=tcp",
	"ts=2100470001 seq=22 thr=w0 ev=state conn=2 fd=12 from=conn_new_cmd to=conn_waiting",
	/* The rest follow PROTOCOL.md's table. */
	"ts=100 seq=1 thr=w3 ev=thread_ready",
	"ts=200 seq=2 thr=main ev=listen transport=udp fd=7 port=11212",
	"ts=300 seq=30 thr=w1 ev=cmd conn=5 verb=set keys=1 bytes=5",
	"ts=301 seq=31 thr=w1 ev=yield conn=5",
	"ts=302 seq=32 thr=w1 ev=conn_close conn=5 fd=14 reason=quit",
	"ts=303 seq=33 thr=main ev=accept_pause reason=maxconns",
	"ts=304 seq=34 thr=main ev=accept_resume reason=emfile",
	"ts=305 seq=35 thr=main ev=policy dispatch=least",
	"ts=306 seq=36 thr=w2 ev=dropped count=17",
	"ts=307 seq=37 thr=main ev=paused",
	"ts=308 seq=38 thr=main ev=resumed",
	"ts=309 seq=39 thr=w0 ev=gate at=cq_pop conn=0",
	"ts=310 seq=40 thr=main ev=delay to=w1 ms=50",
};

#define N_SAMPLES (sizeof(samples) / sizeof(samples[0]))

/* A value of a kind, as the server writes one. */
static const char *sample_value(enum wire_kind kind)
{
	switch (kind) {
	case WIRE_KIND_NUM: return "42";
	case WIRE_KIND_THR: return "w1";
	case WIRE_KIND_STATE: return "conn_read";
	case WIRE_KIND_POLICY: return "least";
	case WIRE_KIND_TRANSPORT: return "udp";
	case WIRE_KIND_REASON: return "eof";
	case WIRE_KIND_PAUSE: return "emfile";
	case WIRE_KIND_BYTE: return "c";
	case WIRE_KIND_EVENT: return "cq_pop";
	case WIRE_KIND_TEXT: return "10.0.0.1:7";
	case WIRE_KIND_STATES: return "conn_listening,conn_new_cmd";
	default: return "?";
	}
}

Test(event, every_sample_parses_as_a_known_event)
{
	for (size_t i = 0; i < N_SAMPLES; i++) {
		struct event e;
		cr_assert_eq(parse(samples[i], &e), EVENT_LINE, "%s", samples[i]);
		cr_assert(e.ev >= 0 && e.ev < EVT_MAX, "%s", samples[i]);
	}
}

Test(event, every_event_type_parses_with_the_keys_wire_h_declares)
{
	for (int ev = 0; ev < EVT_MAX; ev++) {
		const struct wire_event_spec *spec = wire_event_spec(ev);
		char line[1024];
		int at = snprintf(line, sizeof(line), "ts=1 seq=2 thr=w0 ev=%s", spec->name);
		struct event e;

		for (int k = 0; k < spec->nkeys; k++)
			at += snprintf(line + at, sizeof(line) - (size_t)at, " %s=%s",
				       wire_key_name(spec->keys[k].key), sample_value(spec->keys[k].kind));
		cr_assert_eq(parse(line, &e), EVENT_LINE, "%s", line);
		cr_expect_eq(e.ev, ev, "%s", line);
		for (int k = 0; k < spec->nkeys; k++)
			cr_expect(text_is(&e, spec->keys[k].key, sample_value(spec->keys[k].kind)), "%s: %s",
				  line, wire_key_name(spec->keys[k].key));
	}
}

Test(event, hello)
{
	struct event e;

	cr_assert_eq(parse(samples[0], &e), EVENT_LINE);
	cr_expect_eq(e.ts, 913402211u);
	cr_expect_eq(e.seq, 14u);
	cr_expect_eq(e.thr, EVENT_THR_MAIN);
	cr_expect_eq(e.ev, EVT_hello);
	cr_expect_eq(event_num(&e, KEY_v, 0), 1u);
	cr_expect_eq(event_num(&e, KEY_pid, 0), 4242u);
	cr_expect_eq(event_num(&e, KEY_threads, 0), 2u);
	cr_expect(text_is(&e, KEY_dispatch, "rr"));
	cr_expect_eq(event_num(&e, KEY_tcp, 0), 11211u);
	cr_expect_eq(event_num(&e, KEY_udp, 9), 0u);
	cr_expect_eq(event_num(&e, KEY_maxconns, 0), 1024u);
	cr_expect_eq(event_num(&e, KEY_reqs_per_event, 0), 20u);
	cr_expect(text_is(&e, KEY_states, "conn_listening,conn_new_cmd,conn_waiting,conn_read,"
			  "conn_parse_cmd,conn_write,conn_nread,conn_swallow,conn_closing,"
			  "conn_mwrite,conn_closed"));
	cr_expect(!event_has(&e, KEY_conn));
}

Test(event, snapshot_lines)
{
	struct event e;

	cr_assert_eq(parse(samples[1], &e), EVENT_LINE);
	cr_expect_eq(e.thr, 0);
	cr_expect_eq(e.ev, EVT_snapshot_worker);
	cr_expect_eq(event_num(&e, KEY_depth, 9), 0u);
	cr_expect(event_has(&e, KEY_max_depth) && event_has(&e, KEY_open) &&
		  event_has(&e, KEY_dispatched) && event_has(&e, KEY_pending));

	cr_assert_eq(parse(samples[2], &e), EVENT_LINE);
	cr_expect_eq(e.ev, EVT_snapshot_conn);
	cr_expect_eq(event_num(&e, KEY_conn, 0), 1u);
	cr_expect_eq(event_num(&e, KEY_fd, 0), 9u);
	cr_expect(text_is(&e, KEY_transport, "tcp"));
	cr_expect_eq(event_idx(&e, KEY_state, -9), conn_listening);

	cr_assert_eq(parse(samples[3], &e), EVENT_LINE);
	cr_expect_eq(e.ev, EVT_snapshot_end);
	cr_expect_eq(event_idx(&e, KEY_last, -9), 1);
	cr_expect_eq(event_idx(&e, KEY_next, -9), 0);
	cr_assert_eq(parse("ts=1 seq=1 thr=main ev=snapshot_end last=none next=w0", &e), EVENT_LINE);
	cr_expect_eq(event_idx(&e, KEY_last, -9), EVENT_THR_NONE);
}

Test(event, new_connection_sequence)
{
	struct event e;

	cr_assert_eq(parse(samples[4], &e), EVENT_LINE);
	cr_expect_eq(e.ev, EVT_accept);
	cr_expect(text_is(&e, KEY_peer, "127.0.0.1:50312"));

	cr_assert_eq(parse(samples[5], &e), EVENT_LINE);
	cr_expect_eq(e.ev, EVT_dispatch);
	cr_expect_eq(event_num(&e, KEY_conn, 0), 2u);
	cr_expect_eq(event_num(&e, KEY_fd, 0), 12u);
	cr_expect_eq(event_idx(&e, KEY_to, -9), 0);
	cr_expect_eq(event_idx(&e, KEY_last, -9), 1);
	cr_expect(text_is(&e, KEY_dispatch, "rr"));
	cr_expect_eq(event_idx(&e, KEY_init, -9), conn_new_cmd);

	cr_assert_eq(parse(samples[6], &e), EVENT_LINE);
	cr_expect_eq(e.ev, EVT_cq_push);
	cr_expect_eq(event_idx(&e, KEY_to, -9), 0);
	cr_expect_eq(event_num(&e, KEY_depth, 0), 1u);

	cr_assert_eq(parse(samples[7], &e), EVENT_LINE);
	cr_expect_eq(e.ev, EVT_notify_write);
	cr_expect(text_is(&e, KEY_byte, "c"));

	cr_assert_eq(parse(samples[8], &e), EVENT_LINE);
	cr_expect_eq(e.ev, EVT_notify_read);
	cr_expect_eq(e.thr, 0);

	cr_assert_eq(parse(samples[9], &e), EVENT_LINE);
	cr_expect_eq(e.ev, EVT_cq_pop);
	cr_expect_eq(event_num(&e, KEY_depth, 9), 0u);

	cr_assert_eq(parse(samples[10], &e), EVENT_LINE);
	cr_expect_eq(e.ev, EVT_conn_new);

	/* In a state line to= is a conn state, not a worker. */
	cr_assert_eq(parse(samples[11], &e), EVENT_LINE);
	cr_expect_eq(e.ev, EVT_state);
	cr_expect_eq(event_value_kind(e.ev, KEY_to), EVENT_VAL_STATE);
	cr_expect_eq(event_idx(&e, KEY_from, -9), conn_new_cmd);
	cr_expect_eq(event_idx(&e, KEY_to, -9), conn_waiting);
}

Test(event, table_events)
{
	struct event e;

	cr_assert_eq(parse(samples[12], &e), EVENT_LINE);
	cr_expect_eq(e.ev, EVT_thread_ready);
	cr_expect_eq(e.thr, 3);
	cr_expect_eq(e.present, 0u);

	cr_assert_eq(parse(samples[13], &e), EVENT_LINE);
	cr_expect_eq(event_num(&e, KEY_port, 0), 11212u);

	cr_assert_eq(parse(samples[14], &e), EVENT_LINE);
	cr_expect(text_is(&e, KEY_verb, "set"));
	cr_expect_eq(event_num(&e, KEY_bytes, 0), 5u);

	cr_assert_eq(parse(samples[16], &e), EVENT_LINE);
	cr_expect(text_is(&e, KEY_reason, "quit"));

	cr_assert_eq(parse(samples[20], &e), EVENT_LINE);
	cr_expect_eq(e.ev, EVT_dropped);
	cr_expect_eq(e.thr, 2);
	cr_expect_eq(event_num(&e, KEY_count, 0), 17u);

	cr_assert_eq(parse(samples[23], &e), EVENT_LINE);
	cr_expect_eq(e.ev, EVT_gate);
	cr_expect(text_is(&e, KEY_at, "cq_pop"));
	cr_expect_eq(event_num(&e, KEY_conn, 9), 0u);
}

Test(event, fixed_fields_in_any_order_and_newlines_ignored)
{
	struct event e;

	cr_assert_eq(parse("ev=cq_pop conn=3 thr=w12 depth=2 seq=7 ts=9\r\n", &e), EVENT_LINE);
	cr_expect_eq(e.ts, 9u);
	cr_expect_eq(e.seq, 7u);
	cr_expect_eq(e.thr, 12);
	cr_expect_eq(e.ev, EVT_cq_pop);
	cr_expect_eq(event_num(&e, KEY_depth, 0), 2u);
	/* A to= before ev= is still read as the event wants it. */
	cr_assert_eq(parse("to=conn_read ts=1 seq=2 thr=w0 ev=state conn=1 from=conn_waiting", &e),
		     EVENT_LINE);
	cr_expect_eq(event_idx(&e, KEY_to, -9), conn_read);
}

Test(event, malformed_lines)
{
	static const struct status_case cases[] = {
		{ "", EVENT_E_EMPTY, 0 },
		{ "   ", EVENT_E_EMPTY, 0 },
		{ "\n", EVENT_E_EMPTY, 0 },
		{ "seq=1 thr=main ev=paused", EVENT_E_NO_TS, 0 },
		{ "ts=1 thr=main ev=paused", EVENT_E_NO_SEQ, 0 },
		{ "ts=1 seq=1 ev=paused", EVENT_E_NO_THR, 0 },
		{ "ts=1 seq=1 thr=main", EVENT_E_NO_EV, 0 },
		{ "ts=1 seq=1 thr=main ev=paused junk", EVENT_E_NO_EQUALS, 0 },
		{ "hello world", EVENT_E_NO_EQUALS, 0 },
		{ "ts=1 seq=1 thr=main ev=paused =3", EVENT_E_EMPTY_KEY, 0 },
		{ "ts= seq=1 thr=main ev=paused", EVENT_E_BAD_TS, 0 },
		{ "ts=-1 seq=1 thr=main ev=paused", EVENT_E_BAD_TS, 0 },
		{ "ts=+1 seq=1 thr=main ev=paused", EVENT_E_BAD_TS, 0 },
		{ "ts=1x seq=1 thr=main ev=paused", EVENT_E_BAD_TS, 0 },
		{ "ts=0x10 seq=1 thr=main ev=paused", EVENT_E_BAD_TS, 0 },
		{ "ts=1 seq=18446744073709551616 thr=main ev=paused", EVENT_E_BAD_SEQ, 0 },
		{ "ts=1 seq=99999999999999999999 thr=main ev=paused", EVENT_E_BAD_SEQ, 0 },
		{ "ts=1 seq=1.5 thr=main ev=paused", EVENT_E_BAD_SEQ, 0 },
		{ "ts=1 seq=1 thr=w ev=paused", EVENT_E_BAD_THR, 0 },
		{ "ts=1 seq=1 thr=w-1 ev=paused", EVENT_E_BAD_THR, 0 },
		{ "ts=1 seq=1 thr=w01 ev=paused", EVENT_E_BAD_THR, 0 },
		{ "ts=1 seq=1 thr=w65536 ev=paused", EVENT_E_BAD_THR, 0 },
		{ "ts=1 seq=1 thr=w256 ev=paused", EVENT_E_BAD_THR, 0 },
		{ "ts=1 seq=1 thr=none ev=paused", EVENT_E_BAD_THR, 0 },
		{ "ts=1 seq=1 thr=MAIN ev=paused", EVENT_E_BAD_THR, 0 },
		{ "ts=1 seq=1 thr=main ev=", EVENT_E_BAD_EV, 0 },
		{ "ts=1 seq=1 thr=main ev=cq_pop conn=abc depth=0", EVENT_E_BAD_VALUE, 0 },
		{ "ts=1 seq=1 thr=main ev=cq_pop conn=1 depth=", EVENT_E_BAD_VALUE, 0 },
		{ "ts=1 seq=1 thr=main ev=cq_push to=main2 conn=1 depth=1", EVENT_E_BAD_VALUE, 0 },
		{ "ts=1 seq=1 thr=main ev=dispatch conn=1 to=x0", EVENT_E_BAD_VALUE, 0 },
		{ "ts=1 seq=1 thr=main ev=hello v=1 pid=-4", EVENT_E_BAD_VALUE, 0 },
		{ "ts=1 seq=1 thr=main ev=hello v=1 pid=4 threads=4294967295", EVENT_E_RANGE, 0 },
		{ "okay", EVENT_E_NO_EQUALS, 0 },
		{ "errors happen", EVENT_E_NO_EQUALS, 0 },
	};

	expect_statuses(cases, sizeof(cases) / sizeof(cases[0]));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_lt(cases[i].st, 0, "'%s' is listed as accepted", cases[i].line);
}

Test(event, every_status_has_a_name)
{
	for (int st = EVENT_E_LOWEST; st <= EVENT_ANSWER_ERROR; st++)
		cr_expect_str_neq(event_status_name((enum event_status)st), "an unknown status");
}

Test(event, unknown_keys_are_ignored_and_unknown_events_reported)
{
	struct event e;

	cr_assert_eq(parse("ts=5 seq=6 thr=w1 ev=cq_pop conn=2 depth=0 colour=blue x=", &e),
		     EVENT_LINE);
	cr_expect_eq(e.ev, EVT_cq_pop);
	cr_expect_eq(e.present, (1ull << KEY_conn) | (1ull << KEY_depth));

	/* An event from a newer server: known keys kept as text, none checked. */
	cr_assert_eq(parse("ts=5 seq=6 thr=w1 ev=teleport conn=two to=mars", &e), EVENT_LINE);
	cr_expect_eq(e.ev, EVENT_UNKNOWN);
	cr_expect_eq(e.ev_len, 8u);
	cr_expect_eq(memcmp(e.ev_name, "teleport", 8), 0);
	cr_expect(text_is(&e, KEY_conn, "two"));
	cr_expect(text_is(&e, KEY_to, "mars"));
	cr_expect_eq(event_num(&e, KEY_conn, 77), 77u);

	/* A state this build has no name for is news, not damage. */
	cr_assert_eq(parse("ts=5 seq=6 thr=w1 ev=state conn=2 from=conn_read to=conn_teleport", &e),
		     EVENT_LINE);
	cr_expect_eq(event_idx(&e, KEY_to, -9), EVENT_STATE_UNKNOWN);
	cr_expect(text_is(&e, KEY_to, "conn_teleport"));
}

Test(event, answers)
{
	struct event e;

	cr_assert_eq(parse("ok", &e), EVENT_ANSWER_OK);
	cr_expect_eq(e.text_len, 0u);
	cr_assert_eq(parse("ok\n", &e), EVENT_ANSWER_OK);
	cr_assert_eq(parse("ok paused 4 threads", &e), EVENT_ANSWER_OK);
	cr_expect_eq(e.text_len, strlen("paused 4 threads"));
	cr_expect_eq(memcmp(e.text, "paused 4 threads", e.text_len), 0);
	cr_assert_eq(parse("error", &e), EVENT_ANSWER_ERROR);
	cr_expect_eq(e.text_len, 0u);
	cr_assert_eq(parse("error permission denied: uid 1001 is not the server's\r\n", &e),
		     EVENT_ANSWER_ERROR);
	cr_expect_eq(e.text_len, strlen("permission denied: uid 1001 is not the server's"));
	cr_expect_eq(memcmp(e.text, "permission denied", 17), 0);
}

Test(event, values_at_the_limits)
{
	struct event e;

	cr_assert_eq(parse("ts=18446744073709551615 seq=18446744073709551615 thr=w255 "
			   "ev=cq_pop conn=18446744073709551615 depth=00000000000000000001", &e),
		     EVENT_LINE);
	cr_expect_eq(e.ts, UINT64_MAX);
	cr_expect_eq(e.seq, UINT64_MAX);
	cr_expect_eq(e.thr, EVENT_WORKER_MAX);
	cr_expect_eq(event_num(&e, KEY_conn, 0), UINT64_MAX);
	cr_expect_eq(event_num(&e, KEY_depth, 0), 1u);
	cr_assert_eq(parse("ts=1 seq=1 thr=main ev=hello v=1 pid=4 threads=256", &e), EVENT_LINE);
	cr_expect_eq(event_num(&e, KEY_threads, 0), 256u);
	cr_assert_eq(parse("ts=0 seq=18446744073709551614 thr=w0 ev=paused", &e), EVENT_LINE);
	cr_expect_eq(e.seq, UINT64_MAX - 1);
	cr_expect_eq(e.ts, 0u);
}

Test(event, a_line_up_to_the_longest_and_one_byte_more)
{
	/* A long value and many unknown keys, filled up to EVENT_LINE_MAX exactly. */
	char *line = malloc(EVENT_LINE_MAX + 3);
	size_t at = 0;
	struct event e;

	cr_assert_not_null(line);
	at += (size_t)snprintf(line, EVENT_LINE_MAX, "ts=1 seq=2 thr=main ev=cmd conn=3 keys=1 bytes=42 verb=");
	for (int i = 0; i < 1000; i++)
		line[at++] = 'k';
	for (int i = 0; at + 12 < EVENT_LINE_MAX; i++)
		at += (size_t)snprintf(line + at, EVENT_LINE_MAX + 3 - at, " x%d=%d", i, i % 10);
	while (at < EVENT_LINE_MAX)
		line[at++] = ' ';
	memcpy(line + at, "\r\n", 2);
	cr_assert_eq(event_parse(line, at + 2, &e), EVENT_LINE, "%zu bytes and its \\r\\n", at);
	cr_expect_eq(e.ev, EVT_cmd);
	cr_expect_eq(e.val[KEY_verb].len, 1000u);
	cr_expect_eq(event_num(&e, KEY_bytes, 0), 42u);
	line[at] = 'z';
	cr_expect_eq(event_parse(line, at + 1, &e), EVENT_E_TOO_LONG);
	cr_expect_eq(event_parse(line, at + 3, &e), EVENT_E_TOO_LONG);
	free(line);
}

Test(event, numbers_beyond_the_protocols_limits)
{
	static const struct status_case cases[] = {
		{ "ts=1 seq=1 thr=main ev=hello v=1 pid=4 threads=256 tcp=65535 udp=0 maxconns=1048576 "
		  "reqs_per_event=1000000", EVENT_LINE, 0 },
		{ "ts=1 seq=1 thr=main ev=hello v=1 pid=4 threads=4294967295", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=main ev=hello v=1 pid=4 threads=257", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=main ev=hello v=1 pid=4 threads=0", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=main ev=hello v=1 pid=2147483648 threads=1", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=main ev=hello v=1 threads=1 tcp=65536", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=main ev=hello v=1 threads=1 udp=70000", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=main ev=hello v=1 threads=1 maxconns=1048577", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=main ev=hello v=1 threads=1 maxconns=0", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=main ev=hello v=1 threads=1 reqs_per_event=1000001", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=main ev=listen transport=tcp fd=2147483647 port=65535", EVENT_LINE, 0 },
		{ "ts=1 seq=1 thr=main ev=listen transport=tcp fd=2147483648 port=1", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=main ev=listen transport=tcp fd=3 port=65536", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=w0 ev=conn_new conn=18446744073709551615 fd=4294967300 transport=tcp",
		  EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=w0 ev=cq_pop conn=1 depth=4294967295", EVENT_LINE, 0 },
		{ "ts=1 seq=1 thr=w0 ev=cq_pop conn=1 depth=4294967296", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=w0 ev=snapshot_worker depth=0 max_depth=4294967296", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=w0 ev=snapshot_worker depth=0 open=4294967296", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=w0 ev=snapshot_worker depth=0 delay=10001", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=w0 ev=cmd conn=1 verb=set keys=1 bytes=1073741824", EVENT_LINE, 0 },
		{ "ts=1 seq=1 thr=w0 ev=cmd conn=1 verb=set keys=1 bytes=1073741825", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=w0 ev=cmd conn=1 verb=get keys=4294967296 bytes=0", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=main ev=delay to=w0 ms=10000", EVENT_LINE, 0 },
		{ "ts=1 seq=1 thr=main ev=delay to=w0 ms=10001", EVENT_E_RANGE, 0 },
		{ "ts=1 seq=1 thr=w255 ev=yield conn=1", EVENT_LINE, 0 },
		{ "ts=1 seq=1 thr=w256 ev=yield conn=1", EVENT_E_BAD_THR, 0 },
		{ "ts=1 seq=1 thr=main ev=cq_push to=w256 conn=1 depth=1", EVENT_E_BAD_VALUE, 0 },
		/* An event this build does not know keeps its values as text: nothing to size by. */
		{ "ts=1 seq=1 thr=main ev=from_the_future fd=99999999999", EVENT_LINE, 0 },
	};

	expect_statuses(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(event, workers_beyond_the_hellos_count)
{
	static const struct status_case cases[] = {
		{ "ts=1 seq=1 thr=w3 ev=yield conn=1", EVENT_LINE, 4 },
		{ "ts=1 seq=1 thr=w4 ev=yield conn=1", EVENT_E_NO_WORKER, 4 },
		{ "ts=1 seq=1 thr=w4 ev=yield conn=1", EVENT_LINE, 0 },
		{ "ts=1 seq=1 thr=main ev=cq_push to=w4 conn=1 depth=1", EVENT_E_NO_WORKER, 4 },
		{ "ts=1 seq=1 thr=main ev=notify_write to=w2 byte=c", EVENT_E_NO_WORKER, 2 },
		{ "ts=1 seq=1 thr=main ev=delay to=w9 ms=3", EVENT_E_NO_WORKER, 8 },
		{ "ts=1 seq=1 thr=main ev=dispatch conn=2 fd=5 to=w0 last=w7 dispatch=rr",
		  EVENT_E_NO_WORKER, 4 },
		{ "ts=1 seq=1 thr=main ev=snapshot_end last=none next=w4", EVENT_E_NO_WORKER, 4 },
		{ "ts=1 seq=1 thr=main ev=snapshot_end last=w3 next=w0", EVENT_LINE, 4 },
		/* A state's to= is a conn state, not a worker. */
		{ "ts=1 seq=1 thr=w0 ev=state conn=1 fd=5 from=conn_new_cmd to=conn_waiting", EVENT_LINE, 1 },
		/* A hello announces the count: it is not checked against the last one. */
		{ "ts=1 seq=1 thr=main ev=hello v=1 threads=8", EVENT_LINE, 2 },
		/* Answers name no worker. */
		{ "error no such worker w9", EVENT_ANSWER_ERROR, 2 },
	};

	expect_statuses(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(event, the_line_is_only_read_within_len)
{
	/* Not nul-terminated: the parser must stop at len. */
	char buf[64];
	struct event e;

	memset(buf, 'z', sizeof(buf));
	memcpy(buf, "ts=1 seq=2 thr=w0 ev=yield conn=4", 33);
	cr_assert_eq(event_parse(buf, 33, &e), EVENT_LINE);
	cr_expect_eq(event_num(&e, KEY_conn, 0), 4u);
	cr_expect_eq(e.val[KEY_conn].len, 1u);
}

Test(event, thread_names)
{
	int thr;

	cr_expect(event_thr_parse("main", 4, &thr) && thr == EVENT_THR_MAIN);
	cr_expect(event_thr_parse("none", 4, &thr) && thr == EVENT_THR_NONE);
	cr_expect(event_thr_parse("timeout", 7, &thr) && thr == EVENT_THR_TIMEOUT);
	cr_expect(!event_thr_parse("timeou", 6, &thr));
	cr_expect(event_thr_parse("w0", 2, &thr) && thr == 0);
	cr_expect(event_thr_parse("w255", 4, &thr) && thr == 255);
	cr_expect(!event_thr_parse("w", 1, &thr));
	cr_expect(!event_thr_parse("w00", 3, &thr));
	cr_expect(!event_thr_parse("x1", 2, &thr));
	cr_expect(!event_thr_parse("", 0, &thr));
	cr_expect_eq(event_state_lookup("conn_closed", 11), conn_closed);
	cr_expect_eq(event_state_lookup("conn_close", 10), EVENT_STATE_UNKNOWN);
}

Test(event, fast_enough)
{
	/* The dashboard must keep up with >500k lines/s; leave room for slow machines and sanitizers. */
	const int n = 200000;
	struct timespec t0, t1;
	struct event e;
	double secs;
	unsigned ok = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++) {
		const char *line = samples[i % N_SAMPLES];
		ok += event_parse(line, strlen(line), &e) == EVENT_LINE;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_expect_eq(ok, (unsigned)n);
	cr_log_info("event_parse: %.0f lines/s", n / secs);
	cr_expect_lt(secs, 4.0, "%d lines took %.2f s", n, secs);
}
