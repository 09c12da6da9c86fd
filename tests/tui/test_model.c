/* Unit tests: the dashboard's model (tui/model.c) fed event lines as the server writes them. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "model_index.h"

/* A model and the clock its lines are stamped with. */
struct feeder {
	struct model *m;
	uint64_t ts;
	uint64_t seq;
};

/* Feeds one line, prefixed with the next ts and seq; asserts it parsed as an event line. */
__attribute__((format(printf, 2, 3)))
static void feed(struct feeder *f, const char *fmt, ...)
{
	char body[512], line[600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	f->ts += 1000;
	f->seq++;
	n = snprintf(line, sizeof(line), "ts=%" PRIu64 " seq=%" PRIu64 " %s\n", f->ts, f->seq, body);
	cr_assert_eq(model_feed(f->m, line, (size_t)n), EVENT_LINE, "%s", line);
}

/* Feeds a hello for nworkers workers. */
static void hello(struct feeder *f, int nworkers)
{
	feed(f, "thr=main ev=hello v=1 pid=4242 threads=%d dispatch=rr tcp=11211 udp=0 "
		"maxconns=1024 reqs_per_event=20 states=conn_listening,conn_new_cmd,conn_waiting,"
		"conn_read,conn_parse_cmd,conn_write,conn_nread,conn_swallow,conn_closing,"
		"conn_mwrite,conn_closed", nworkers);
}

/* The main thread's side of a new connection: dispatch, cq_push, notify. */
static void dispatch(struct feeder *f, uint64_t conn, int to, int last, unsigned depth)
{
	char lastbuf[16];

	if (last < 0)
		strcpy(lastbuf, "none");
	else
		snprintf(lastbuf, sizeof(lastbuf), "w%d", last);
	feed(f, "thr=main ev=accept conn=%" PRIu64 " fd=%" PRIu64 " peer=127.0.0.1:5%04" PRIu64,
	     conn, conn + 10, conn);
	feed(f, "thr=main ev=dispatch conn=%" PRIu64 " fd=%" PRIu64 " to=w%d last=%s dispatch=rr "
		"transport=tcp init=conn_new_cmd", conn, conn + 10, to, lastbuf);
	feed(f, "thr=main ev=cq_push to=w%d conn=%" PRIu64 " depth=%u", to, conn, depth);
	feed(f, "thr=main ev=notify_write to=w%d byte=c", to);
}

/* The worker's side: notify_read, cq_pop, conn_new. */
static void take(struct feeder *f, uint64_t conn, int w, unsigned depth)
{
	feed(f, "thr=w%d ev=notify_read byte=c", w);
	feed(f, "thr=w%d ev=cq_pop conn=%" PRIu64 " depth=%u", w, conn, depth);
	feed(f, "thr=w%d ev=conn_new conn=%" PRIu64 " fd=%" PRIu64 " transport=tcp", w, conn,
	     conn + 10);
}

/* One state change on worker w. */
static void state(struct feeder *f, uint64_t conn, int w, const char *from, const char *to)
{
	feed(f, "thr=w%d ev=state conn=%" PRIu64 " fd=%" PRIu64 " from=%s to=%s", w, conn,
	     conn + 10, from, to);
}

/* Sum of a worker's per_state. */
static unsigned per_state_sum(const struct model *m, int w)
{
	unsigned n = 0;

	for (int s = 0; s < conn_max_state; s++)
		n += m->workers[w].per_state[s];
	return n;
}

/* True when some log line among the newest n contains text. */
static bool log_has(const struct model *m, unsigned n, const char *text)
{
	for (unsigned i = 0; i < n; i++) {
		const struct model_log_line *l = model_log_get(m, i);
		if (l == NULL)
			break;
		if (strstr(l->text, text) != NULL)
			return true;
	}
	return false;
}

static struct feeder f;

/* A fresh model for each test. */
static void setup(void)
{
	f.m = model_create();
	cr_assert_not_null(f.m);
	f.ts = 1000000;
	f.seq = 0;
}

/* Frees it. */
static void teardown(void)
{
	model_destroy(f.m);
}

TestSuite(model, .init = setup, .fini = teardown);

Test(model, hello_sets_the_server)
{
	cr_expect_eq(f.m->status, MODEL_CONNECTING);
	hello(&f, 4);
	cr_expect_eq(f.m->status, MODEL_LIVE);
	cr_expect_eq(f.m->pid, 4242);
	cr_expect_eq(f.m->tcp_port, 11211);
	cr_expect_eq(f.m->udp_port, 0);
	cr_expect_eq(f.m->maxconns, 1024);
	cr_expect_eq(f.m->nworkers, 4);
	cr_expect_eq(f.m->policy, 0);
	cr_expect_eq(f.m->last_worker, EVENT_THR_NONE);
	cr_expect_eq(f.m->next_worker, 0);
	cr_expect_eq(f.m->events, 1u);
	cr_expect_eq(f.m->first_ts, f.ts);
	cr_expect_eq(f.m->last_ts, f.ts);
}

Test(model, cq_depth_and_max)
{
	hello(&f, 2);
	dispatch(&f, 2, 0, -1, 1);
	dispatch(&f, 3, 1, 0, 1);
	dispatch(&f, 4, 0, 1, 2);
	dispatch(&f, 5, 1, 0, 2);
	dispatch(&f, 6, 0, 1, 3);
	cr_expect_eq(f.m->workers[0].cq_depth, 3u);
	cr_expect_eq(f.m->workers[0].cq_max_depth, 3u);
	cr_expect_eq(f.m->workers[1].cq_depth, 2u);
	take(&f, 2, 0, 2);
	take(&f, 4, 0, 1);
	take(&f, 3, 1, 1);
	cr_expect_eq(f.m->workers[0].cq_depth, 1u);
	cr_expect_eq(f.m->workers[0].cq_max_depth, 3u);
	cr_expect_eq(f.m->workers[1].cq_depth, 1u);
	cr_expect_eq(f.m->workers[1].cq_max_depth, 2u);
	cr_expect_eq(f.m->workers[0].open, 2u);
	cr_expect_eq(f.m->workers[1].open, 1u);
}

Test(model, round_robin_pointer_over_eight_dispatches)
{
	hello(&f, 4);
	for (int i = 0; i < 8; i++) {
		int to = i % 4;
		dispatch(&f, (uint64_t)(10 + i), to, i == 0 ? -1 : (i - 1) % 4, 1);
		cr_expect_eq(f.m->last_worker, to, "dispatch %d", i);
		cr_expect_eq(f.m->next_worker, (to + 1) % 4, "dispatch %d", i);
	}
	for (int w = 0; w < 4; w++)
		cr_expect_eq(f.m->workers[w].dispatched, 2u, "w%d", w);
	cr_expect_eq(f.m->recent_len, 8u);
	cr_expect_eq(model_recent_get(f.m, 0)->conn, 17u);
	cr_expect_eq(model_recent_get(f.m, 0)->to, 3);
	cr_expect_eq(model_recent_get(f.m, 7)->conn, 10u);
	cr_expect_null(model_recent_get(f.m, 8));
}

Test(model, recent_dispatches_is_a_ring)
{
	hello(&f, 2);
	for (int i = 0; i < MODEL_RECENT_DISPATCHES + 5; i++)
		dispatch(&f, (uint64_t)(100 + i), i % 2, i == 0 ? -1 : (i - 1) % 2, 1);
	cr_expect_eq(f.m->recent_len, (unsigned)MODEL_RECENT_DISPATCHES);
	cr_expect_eq(model_recent_get(f.m, 0)->conn, (uint64_t)(100 + MODEL_RECENT_DISPATCHES + 4));
	cr_expect_eq(model_recent_get(f.m, MODEL_RECENT_DISPATCHES - 1)->conn, 105u);
}

/* Expects worker w to hold exactly one connection, in state s (or none when s < 0). */
static void expect_only(int w, int s)
{
	for (int i = 0; i < conn_max_state; i++)
		cr_expect_eq(f.m->workers[w].per_state[i], i == s ? 1u : 0u, "w%d %s (want %s)", w,
			     wire_state_name((enum conn_states)i),
			     s < 0 ? "none" : wire_state_name((enum conn_states)s));
}

Test(model, per_state_through_a_connection_life)
{
	static const int life[] = {
		conn_new_cmd, conn_waiting, conn_read, conn_parse_cmd, conn_nread, conn_write,
		conn_new_cmd, conn_waiting, conn_read, conn_parse_cmd, conn_write, conn_new_cmd,
		conn_waiting, conn_read, conn_closing, conn_closed,
	};
	const struct model_conn *c;

	hello(&f, 2);
	dispatch(&f, 41, 1, -1, 1);
	expect_only(1, conn_new_cmd);
	expect_only(0, -1);
	c = model_conn_find(f.m, 41);
	cr_assert_not_null(c);
	cr_expect_eq(c->worker, 1);
	cr_expect_eq(c->state, conn_new_cmd);
	cr_expect_eq(f.m->workers[1].open, 0u, "queued, not yet taken");
	take(&f, 41, 1, 0);
	cr_expect_eq(f.m->workers[1].open, 1u);
	expect_only(1, conn_new_cmd);
	for (size_t i = 1; i < sizeof(life) / sizeof(life[0]); i++) {
		state(&f, 41, 1, wire_state_name((enum conn_states)life[i - 1]),
		      wire_state_name((enum conn_states)life[i]));
		if (life[i] == conn_parse_cmd)
			feed(&f, "thr=w1 ev=cmd conn=41 verb=%s keys=1 bytes=%d",
			     i < 5 ? "set" : "get", i < 5 ? 5 : 0);
		expect_only(1, life[i]);
		cr_expect_eq(model_conn_find(f.m, 41)->state, life[i]);
	}
	feed(&f, "thr=w1 ev=conn_close conn=41 fd=51 reason=eof");
	expect_only(1, -1);
	c = model_conn_find(f.m, 41);
	cr_assert_not_null(c, "closed connections stay listed for a while");
	cr_expect(c->closed);
	cr_expect_eq(c->closed_at, f.ts);
	cr_expect_eq(f.m->workers[1].open, 0u);
	cr_expect_eq(c->cmds, 2u);
	cr_expect_str_eq(c->last_verb, "get");

	/* The path is every state, oldest first. */
	cr_assert_eq(c->path_len, sizeof(life) / sizeof(life[0]));
	for (unsigned i = 0; i < c->path_len; i++)
		cr_expect_eq(c->path[i], life[i], "path[%u]", i);
	cr_expect_eq(f.m->transitions[conn_new_cmd][conn_waiting], 3u);
	cr_expect_eq(f.m->transitions[conn_closing][conn_closed], 1u);
	cr_expect_eq(f.m->transition_at[conn_closing][conn_closed], f.ts - 1000);

	/* A repeated close changes nothing. */
	feed(&f, "thr=w1 ev=conn_close conn=41 fd=51 reason=eof");
	expect_only(1, -1);
	cr_expect_eq(f.m->workers[1].open, 0u);
}

Test(model, path_keeps_the_latest_states)
{
	const struct model_conn *c;
	int prev = conn_new_cmd;

	hello(&f, 1);
	dispatch(&f, 7, 0, -1, 1);
	take(&f, 7, 0, 0);
	for (int i = 0; i < MODEL_PATH_LEN + 10; i++) {
		int next = prev == conn_read ? conn_waiting : conn_read;
		state(&f, 7, 0, wire_state_name((enum conn_states)prev),
		      wire_state_name((enum conn_states)next));
		prev = next;
	}
	c = model_conn_find(f.m, 7);
	cr_assert_eq(c->path_len, (unsigned)MODEL_PATH_LEN);
	cr_expect_eq(c->path[MODEL_PATH_LEN - 1], prev);
	cr_expect_eq(c->path[MODEL_PATH_LEN - 2], prev == conn_read ? conn_waiting : conn_read);
	cr_expect_eq(per_state_sum(f.m, 0), 1u);
}

Test(model, pending_notify_bytes)
{
	hello(&f, 2);
	feed(&f, "thr=main ev=notify_write to=w1 byte=c");
	feed(&f, "thr=main ev=notify_write to=w1 byte=c");
	cr_expect_eq(f.m->workers[1].pending_notify, 2u);
	feed(&f, "thr=w1 ev=notify_read byte=c");
	cr_expect_eq(f.m->workers[1].pending_notify, 1u);
	feed(&f, "thr=w1 ev=notify_read byte=c");
	feed(&f, "thr=w1 ev=notify_read byte=c");
	cr_expect_eq(f.m->workers[1].pending_notify, 0u, "never below zero");
	cr_expect_eq(f.m->workers[0].pending_notify, 0u);
}

/* Attaches mid-run to two workers: w0 has conns 5 (conn_read) and 6 (conn_waiting), w1 none. */
static void attach(void)
{
	hello(&f, 2);
	feed(&f, "thr=w0 ev=snapshot_worker depth=1 max_depth=3 open=2 dispatched=9 pending=1");
	feed(&f, "thr=w1 ev=snapshot_worker depth=0 max_depth=2 open=0 dispatched=8 pending=0");
	feed(&f, "thr=main ev=snapshot_conn conn=1 fd=9 transport=tcp state=conn_listening");
	feed(&f, "thr=w0 ev=snapshot_conn conn=5 fd=15 transport=tcp state=conn_read");
	feed(&f, "thr=w0 ev=snapshot_conn conn=6 fd=16 transport=udp state=conn_waiting");
	feed(&f, "thr=main ev=snapshot_end last=w0 next=w1");
}

Test(model, attach_mid_run)
{
	const struct model_conn *c;

	attach();
	cr_expect_eq(f.m->workers[0].cq_depth, 1u);
	cr_expect_eq(f.m->workers[0].cq_max_depth, 3u);
	cr_expect_eq(f.m->workers[0].open, 2u);
	cr_expect_eq(f.m->workers[0].dispatched, 9u);
	cr_expect_eq(f.m->workers[0].pending_notify, 1u);
	cr_expect_eq(f.m->workers[1].dispatched, 8u);
	cr_expect_eq(f.m->last_worker, 0);
	cr_expect_eq(f.m->next_worker, 1);
	c = model_conn_find(f.m, 1);
	cr_assert_not_null(c);
	cr_expect_eq(c->worker, EVENT_THR_MAIN);
	cr_expect_eq(c->state, conn_listening);
	cr_expect_eq(f.m->workers[0].per_state[conn_read], 1u);
	cr_expect_eq(f.m->workers[0].per_state[conn_waiting], 1u);
	cr_expect_eq(per_state_sum(f.m, 0), 2u);
	cr_expect(model_conn_find(f.m, 6)->udp);
	cr_expect_eq(model_conn_find(f.m, 6)->fd, 16);

	/* A live event the snapshot already reflects: conn 5 reached conn_read. */
	state(&f, 5, 0, "conn_waiting", "conn_read");
	cr_expect_eq(f.m->workers[0].per_state[conn_read], 1u);
	cr_expect_eq(f.m->workers[0].per_state[conn_waiting], 1u);
	cr_expect_eq(per_state_sum(f.m, 0), 2u);
	cr_expect_eq(model_conn_find(f.m, 5)->path_len, 1u);
	/* A live conn_new the snapshot already counted in open=. */
	feed(&f, "thr=w0 ev=conn_new conn=5 fd=15 transport=tcp");
	cr_expect_eq(f.m->workers[0].open, 2u);

	/* A live event whose from= disagrees with what we know still moves the right counts. */
	state(&f, 6, 0, "conn_new_cmd", "conn_read");
	cr_expect_eq(f.m->workers[0].per_state[conn_read], 2u);
	cr_expect_eq(f.m->workers[0].per_state[conn_waiting], 0u);
	cr_expect_eq(f.m->workers[0].per_state[conn_new_cmd], 0u);

	/* Then ordinary live traffic. */
	dispatch(&f, 7, 1, 0, 1);
	cr_expect_eq(f.m->last_worker, 1);
	cr_expect_eq(f.m->next_worker, 0);
	cr_expect_eq(f.m->workers[1].dispatched, 9u);
	take(&f, 7, 1, 0);
	cr_expect_eq(f.m->workers[1].open, 1u);
	feed(&f, "thr=w0 ev=conn_close conn=5 fd=15 reason=normal");
	cr_expect_eq(f.m->workers[0].open, 1u);
	cr_expect_eq(f.m->workers[0].per_state[conn_read], 1u);
}

Test(model, dropped_and_malformed_lines)
{
	static const char *const bad[] = {
		"",
		"ts=1 seq=2 thr=main",
		"ts=x seq=2 thr=main ev=hello",
		"hello world",
		"ts=5 seq=6 thr=w0 ev=cq_pop conn=abc depth=0",
	};
	uint64_t events;

	hello(&f, 2);
	feed(&f, "thr=w1 ev=dropped count=17");
	feed(&f, "thr=main ev=dropped count=3");
	cr_expect_eq(f.m->dropped, 20u);
	events = f.m->events;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_lt(model_feed(f.m, bad[i], strlen(bad[i])), 0, "%s", bad[i]);
	cr_expect_eq(f.m->malformed, 5u);
	cr_expect_eq(f.m->events, events, "malformed lines are not events");
	cr_expect_eq(f.m->workers[0].cq_depth, 0u);

	/* Answers and unknown events change nothing and are not counted. */
	cr_expect_eq(model_feed(f.m, "ok paused", 9), EVENT_ANSWER_OK);
	feed(&f, "thr=w0 ev=from_the_future conn=3 depth=9");
	cr_expect_eq(f.m->events, events);
	cr_expect_eq(f.m->malformed, 5u);
	cr_expect_eq(f.m->nconns, 0u);
}

Test(model, reset_then_reconnect_starts_clean)
{
	attach();
	dispatch(&f, 7, 1, 0, 1);
	feed(&f, "thr=main ev=dropped count=4");
	model_reset(f.m);
	cr_expect_eq(f.m->status, MODEL_RECONNECTING);
	cr_expect_eq(f.m->nconns, 0u);
	cr_expect_null(model_conn_find(f.m, 5));
	cr_expect_eq(f.m->events, 0u);
	cr_expect_eq(f.m->dropped, 0u);
	cr_expect_eq(f.m->log_len, 0u);
	cr_expect_eq(f.m->recent_len, 0u);

	hello(&f, 3);
	cr_expect_eq(f.m->status, MODEL_LIVE);
	cr_expect_eq(f.m->nworkers, 3);
	cr_expect_eq(f.m->events, 1u);
	cr_expect_eq(f.m->workers[0].dispatched, 0u);
	cr_expect_eq(per_state_sum(f.m, 0), 0u);
	feed(&f, "thr=w0 ev=snapshot_conn conn=5 fd=15 transport=tcp state=conn_read");
	cr_expect_eq(f.m->workers[0].per_state[conn_read], 1u);
	cr_expect_eq(f.m->nconns, 1u);
}

Test(model, hello_without_reset_is_a_reset)
{
	attach();
	dispatch(&f, 7, 1, 0, 1);
	hello(&f, 2);
	cr_expect_eq(f.m->nconns, 0u);
	cr_expect_eq(f.m->events, 1u);
	cr_expect_eq(f.m->workers[0].open, 0u);
	cr_expect_eq(per_state_sum(f.m, 0), 0u);
	cr_expect_eq(f.m->log_len, 1u);
}

Test(model, closed_connections_age_out)
{
	hello(&f, 2);
	for (uint64_t id = 10; id < 20; id++) {
		dispatch(&f, id, (int)(id % 2), -1, 1);
		take(&f, id, (int)(id % 2), 0);
	}
	feed(&f, "thr=w0 ev=conn_close conn=12 fd=22 reason=eof");
	feed(&f, "thr=w1 ev=conn_close conn=15 fd=25 reason=quit");
	model_tick(f.m, 1000);
	cr_expect_eq(f.m->nconns, 10u, "closed but recent: still listed");

	f.ts += MODEL_CLOSED_KEEP_NS / 2;
	feed(&f, "thr=w1 ev=conn_close conn=17 fd=27 reason=eof");
	f.ts += MODEL_CLOSED_KEEP_NS / 2 + 1000;
	feed(&f, "thr=w0 ev=state conn=10 fd=20 from=conn_new_cmd to=conn_waiting");
	model_tick(f.m, 2000);
	cr_expect_eq(f.m->nconns, 8u);
	cr_expect_null(model_conn_find(f.m, 12));
	cr_expect_null(model_conn_find(f.m, 15));
	cr_assert_not_null(model_conn_find(f.m, 17), "closed only half the keep time ago");
	cr_expect(model_conn_find(f.m, 17)->closed);
	/* The index follows the compacted array. */
	for (uint64_t id = 10; id < 20; id++) {
		const struct model_conn *c = model_conn_find(f.m, id);
		if (id == 12 || id == 15)
			continue;
		cr_assert_not_null(c, "conn %" PRIu64, id);
		cr_expect_eq(c->id, id);
	}
	cr_expect_eq(f.m->workers[0].per_state[conn_waiting], 1u);
	cr_expect_eq(f.m->workers[0].per_state[conn_new_cmd], 3u);
	f.ts += MODEL_CLOSED_KEEP_NS;
	feed(&f, "thr=w0 ev=state conn=10 fd=20 from=conn_waiting to=conn_read");
	model_tick(f.m, 3000);
	cr_expect_null(model_conn_find(f.m, 17));
	cr_expect_eq(f.m->nconns, 7u);
}

Test(model, tick_samples_depth_and_rate)
{
	hello(&f, 2);
	model_tick(f.m, 1000000000);
	cr_expect_eq(f.m->events_per_sec, 0.0);
	dispatch(&f, 2, 0, -1, 1); /* four lines */
	model_tick(f.m, 1500000000);
	cr_expect_eq(f.m->events_per_sec, 0.0, "the rate is measured over a second");
	take(&f, 2, 0, 0); /* three lines */
	model_tick(f.m, 2500000000);
	cr_expect_float_eq(f.m->events_per_sec, 7.0 / 1.5, 1e-9);
	cr_assert_eq(f.m->workers[0].depth_history_len, 3u);
	cr_expect_eq(f.m->workers[0].depth_history[0], 0);
	cr_expect_eq(f.m->workers[0].depth_history[1], 1);
	cr_expect_eq(f.m->workers[0].depth_history[2], 0);
	for (int i = 0; i < MODEL_DEPTH_HISTORY * 2; i++)
		model_tick(f.m, 3000000000ULL + (uint64_t)i);
	cr_expect_eq(f.m->workers[0].depth_history_len, (unsigned)MODEL_DEPTH_HISTORY);
	cr_expect_lt(f.m->workers[0].depth_history_pos, (unsigned)MODEL_DEPTH_HISTORY);
}

Test(model, ten_thousand_connections_sorted_by_state)
{
	enum { N = 10000, NW = 4 };
	static const char *const path[] = { "conn_new_cmd", "conn_waiting", "conn_read",
					    "conn_parse_cmd", "conn_write" };
	static const struct model_conn *out[N];
	size_t total;

	hello(&f, NW);
	for (uint64_t id = 1; id <= N; id++) {
		int w = (int)(id % NW);
		unsigned steps = (unsigned)(id * 7 % 5);
		feed(&f, "thr=main ev=dispatch conn=%" PRIu64 " fd=%" PRIu64 " to=w%d last=none "
			 "dispatch=rr transport=tcp init=conn_new_cmd", id, id, w);
		feed(&f, "thr=w%d ev=conn_new conn=%" PRIu64 " fd=%" PRIu64 " transport=tcp", w, id, id);
		for (unsigned s = 0; s < steps; s++)
			state(&f, id, w, path[s], path[s + 1]);
	}
	cr_assert_eq(f.m->nconns, (size_t)N);
	for (int frame = 0; frame < 10; frame++) {
		total = model_conns_select(f.m, MODEL_SORT_STATE, -1, -1, out, N);
		cr_assert_eq(total, (size_t)N);
	}
	for (size_t i = 1; i < N; i++) {
		cr_assert(out[i - 1]->state < out[i]->state ||
			  (out[i - 1]->state == out[i]->state && out[i - 1]->id < out[i]->id),
			  "out of order at %zu", i);
	}

	/* Filters, and a short out array still reports the whole count. */
	total = model_conns_select(f.m, MODEL_SORT_ID, 2, -1, out, 10);
	cr_expect_eq(total, (size_t)(N / NW));
	for (size_t i = 0; i < 10; i++)
		cr_expect_eq(out[i]->id, 2 + 4 * i);
	total = model_conns_select(f.m, MODEL_SORT_WORKER, -1, conn_read, out, N);
	cr_expect_eq(total, (size_t)(N / 5));
	for (size_t i = 1; i < total; i++)
		cr_assert(out[i - 1]->worker < out[i]->worker ||
			  (out[i - 1]->worker == out[i]->worker && out[i - 1]->id < out[i]->id));
	unsigned sum = 0;
	for (int w = 0; w < NW; w++)
		sum += f.m->workers[w].per_state[conn_read];
	cr_expect_eq(sum, (unsigned)(N / 5));
}

Test(model, select_by_age)
{
	const struct model_conn *out[8];

	hello(&f, 2);
	for (uint64_t id = 1; id <= 4; id++) {
		dispatch(&f, id, 0, -1, 1);
		take(&f, id, 0, 0);
	}
	state(&f, 3, 0, "conn_new_cmd", "conn_waiting");
	state(&f, 1, 0, "conn_new_cmd", "conn_waiting");
	cr_assert_eq(model_conns_select(f.m, MODEL_SORT_AGE, -1, -1, out, 8), 4u);
	cr_expect_eq(out[0]->id, 2u);
	cr_expect_eq(out[1]->id, 4u);
	cr_expect_eq(out[2]->id, 3u);
	cr_expect_eq(out[3]->id, 1u);
	cr_expect_eq(model_conns_select(f.m, MODEL_SORT_AGE, 1, -1, out, 8), 0u);
	model_reset(f.m);
	cr_expect_eq(model_conns_select(f.m, MODEL_SORT_ID, -1, -1, out, 8), 0u);
}

Test(model, log_sentences_name_memcached_functions)
{
	static const char *const want[] = {
		"main dispatch_conn_new: conn 41 -> w1 (rr)",
		"main cq_push: conn 41 onto w1's queue (depth 1)",
		"main notify: wrote 'c' to w1's pipe",
		"w1 thread_libevent_process: read 'c'",
		"w1 cq_pop: took conn 41 (depth 0)",
		"w1 conn_new: conn 41 fd 51 (tcp)",
		"w1 conn_set_state: conn 41 conn_new_cmd -> conn_waiting",
		"w1 conn_set_state: conn 41 conn_waiting -> conn_read",
		"w1 process_command: conn 41 get (1 key)",
		"w1 conn_close: conn 41 (eof)",
	};
	const struct model_log_line *l;
	unsigned n = sizeof(want) / sizeof(want[0]);

	hello(&f, 2);
	dispatch(&f, 41, 1, 0, 1);
	take(&f, 41, 1, 0);
	state(&f, 41, 1, "conn_new_cmd", "conn_waiting");
	state(&f, 41, 1, "conn_waiting", "conn_read");
	feed(&f, "thr=w1 ev=cmd conn=41 verb=get keys=1 bytes=0");
	feed(&f, "thr=w1 ev=conn_close conn=41 fd=51 reason=eof");
	for (unsigned i = 0; i < n; i++) {
		l = model_log_get(f.m, n - 1 - i);
		cr_assert_not_null(l);
		cr_expect_str_eq(l->text, want[i]);
		cr_expect_lt(strlen(l->text), 72u);
	}
	l = model_log_get(f.m, 0);
	cr_expect_eq(l->ev, EVT_conn_close);
	cr_expect_eq(l->thr, 1);
	cr_expect_eq(l->seq, f.seq);
	cr_expect_eq(l->ts, f.ts);
	cr_expect(log_has(f.m, 20, "drive_machine: accept conn 41"));

	feed(&f, "thr=w0 ev=cmd conn=9 verb=set keys=1 bytes=5");
	cr_expect_str_eq(model_log_get(f.m, 0)->text, "w0 process_command: conn 9 set (1 key, 5 bytes)");
	feed(&f, "thr=w0 ev=cmd conn=9 verb=get keys=3 bytes=0");
	cr_expect_str_eq(model_log_get(f.m, 0)->text, "w0 process_command: conn 9 get (3 keys)");
}

Test(model, log_is_a_ring)
{
	hello(&f, 1);
	for (int i = 0; i < MODEL_LOG_LINES + 10; i++)
		feed(&f, "thr=main ev=notify_write to=w0 byte=c");
	feed(&f, "thr=main ev=dropped count=1");
	cr_expect_eq(f.m->log_len, (unsigned)MODEL_LOG_LINES);
	cr_expect_eq(model_log_get(f.m, 0)->ev, EVT_dropped);
	cr_expect_eq(model_log_get(f.m, MODEL_LOG_LINES - 1)->ev, EVT_notify_write);
	cr_expect_null(model_log_get(f.m, MODEL_LOG_LINES));
}

Test(model, gate_paused_resumed_next_step)
{
	hello(&f, 2);
	feed(&f, "thr=main ev=paused");
	cr_expect(f.m->paused);
	cr_expect_str_eq(f.m->next_step, "");
	feed(&f, "thr=w1 ev=gate at=cq_pop conn=7");
	cr_expect_str_eq(f.m->next_step, "next: w1 will cq_pop conn 7");
	cr_expect_not(f.m->workers[1].at_gate, "waiting in step mode is not a freeze");
	feed(&f, "thr=main ev=gate at=accept conn=0");
	cr_expect_str_eq(f.m->next_step, "next: main will accept");
	feed(&f, "thr=main ev=resumed");
	cr_expect_not(f.m->paused);
	cr_expect_str_eq(f.m->next_step, "");

	/* A breakpoint pauses from the thread that hit it. */
	feed(&f, "thr=w0 ev=paused at=state conn=9");
	cr_expect(f.m->paused);
	cr_expect_str_eq(f.m->next_step, "next: w0 will conn_set_state conn 9");
	feed(&f, "thr=main ev=resumed");
	cr_expect(log_has(f.m, 5, "w0 paused before conn_set_state conn 9"));
}

Test(model, frozen_marker)
{
	hello(&f, 2);
	feed(&f, "thr=w1 ev=gate at=notify_read conn=0");
	cr_expect(f.m->workers[1].at_gate);
	cr_expect_not(f.m->workers[0].at_gate);
	cr_expect_str_eq(f.m->next_step, "next: w1 will thread_libevent_process");
	/* Main goes on dispatching; w1 stays frozen. */
	dispatch(&f, 3, 1, -1, 1);
	cr_expect(f.m->workers[1].at_gate);
	feed(&f, "thr=w1 ev=dropped count=2");
	cr_expect(f.m->workers[1].at_gate, "a dropped line is not the worker's doing");
	feed(&f, "thr=w1 ev=notify_read byte=c");
	cr_expect_not(f.m->workers[1].at_gate, "thawed: it acted");
}

Test(model, each_thread_keeps_the_step_it_waits_before)
{
	hello(&f, 2);
	cr_expect_not(f.m->main_gate.waiting);
	cr_expect_not(f.m->workers[0].gate.waiting);
	feed(&f, "thr=main ev=paused");
	feed(&f, "thr=main ev=gate at=accept conn=0");
	cr_expect(f.m->main_gate.waiting);
	cr_expect_eq(f.m->main_gate.at, EVT_accept);
	cr_expect_not(f.m->workers[0].gate.waiting, "main's gate is main's alone");

	/* step main: main does it and waits before its next one; a worker's gate is its own. */
	feed(&f, "thr=main ev=accept conn=3 fd=13 peer=127.0.0.1:50003");
	cr_expect_not(f.m->main_gate.waiting, "main took its step");
	feed(&f, "thr=main ev=gate at=dispatch conn=3");
	cr_expect_eq(f.m->main_gate.at, EVT_dispatch);
	feed(&f, "thr=w1 ev=gate at=cq_pop conn=3");
	cr_expect(f.m->workers[1].gate.waiting);
	cr_expect_eq(f.m->workers[1].gate.at, EVT_cq_pop);
	cr_expect(f.m->main_gate.waiting, "w1's gate leaves main's as it was");
	cr_expect_not(f.m->workers[0].gate.waiting);

	/* Lines the publisher writes in a thread's name are not its steps. */
	feed(&f, "thr=main ev=policy dispatch=least");
	feed(&f, "thr=main ev=delay to=w0 ms=5");
	feed(&f, "thr=w1 ev=dropped count=1");
	cr_expect(f.m->main_gate.waiting);
	cr_expect(f.m->workers[1].gate.waiting);
	feed(&f, "thr=w1 ev=cq_pop conn=3 depth=0");
	cr_expect_not(f.m->workers[1].gate.waiting, "w1 took its step");
	cr_expect(f.m->main_gate.waiting);

	/* A gate before an event this build does not know still stops the thread. */
	feed(&f, "thr=w0 ev=gate at=future_event conn=0");
	cr_expect(f.m->workers[0].gate.waiting);
	cr_expect_eq(f.m->workers[0].gate.at, EVENT_UNKNOWN);

	feed(&f, "thr=main ev=resumed");
	cr_expect_not(f.m->main_gate.waiting, "resumed: every thread runs on");
	cr_expect_not(f.m->workers[0].gate.waiting);
}

Test(model, stepped_events_are_logged_in_order_with_their_thread)
{
	static const struct {
		int thr, ev;
	} want[] = {
		{ EVENT_THR_MAIN, EVT_gate }, { EVENT_THR_MAIN, EVT_accept }, { EVENT_THR_MAIN, EVT_gate },
		{ EVENT_THR_MAIN, EVT_dispatch }, { 0, EVT_gate }, { 0, EVT_notify_read },
		{ 0, EVT_gate }, { EVENT_THR_MAIN, EVT_cq_push },
	};
	size_t n = sizeof(want) / sizeof(want[0]);

	hello(&f, 2);
	feed(&f, "thr=main ev=paused");
	feed(&f, "thr=main ev=gate at=accept conn=0");
	feed(&f, "thr=main ev=accept conn=3 fd=13 peer=127.0.0.1:50003");
	feed(&f, "thr=main ev=gate at=dispatch conn=3");
	feed(&f, "thr=main ev=dispatch conn=3 fd=13 to=w0 last=none dispatch=rr transport=tcp "
		 "init=conn_new_cmd");
	feed(&f, "thr=w0 ev=gate at=notify_read conn=0");
	feed(&f, "thr=w0 ev=notify_read byte=c");
	feed(&f, "thr=w0 ev=gate at=cq_pop conn=3");
	feed(&f, "thr=main ev=cq_push to=w0 conn=3 depth=1");
	for (size_t i = 0; i < n; i++) {
		const struct model_log_line *l = model_log_get(f.m, (unsigned)(n - 1 - i));
		cr_assert_not_null(l);
		cr_expect(l->thr == want[i].thr && l->ev == want[i].ev, "log line %zu: %s", i, l->text);
	}
	cr_expect_str_eq(model_log_get(f.m, 2)->text, "w0 thread_libevent_process: read 'c'");
	cr_expect_str_eq(model_log_get(f.m, 1)->text, "w0 waits at a gate before cq_pop conn 3");
}

Test(model, a_frozen_worker_keeps_its_gate_through_a_resume)
{
	hello(&f, 2);
	feed(&f, "thr=w1 ev=gate at=notify_read conn=0");
	cr_expect(f.m->workers[1].at_gate, "frozen");
	feed(&f, "thr=main ev=paused");
	feed(&f, "thr=main ev=gate at=accept conn=0");
	feed(&f, "thr=main ev=resumed");
	cr_expect_not(f.m->main_gate.waiting);
	cr_expect(f.m->workers[1].gate.waiting, "still frozen at its gate");
	cr_expect_eq(f.m->workers[1].gate.at, EVT_notify_read);
	feed(&f, "thr=w1 ev=notify_read byte=c");
	cr_expect_not(f.m->workers[1].gate.waiting, "thawed or stepped: it moved");
}

Test(model, policy_switch)
{
	hello(&f, 2);
	feed(&f, "thr=main ev=policy dispatch=least");
	cr_expect_eq(f.m->policy, 1);
	feed(&f, "thr=main ev=policy dispatch=random");
	cr_expect_eq(f.m->policy, 2);
	cr_expect(log_has(f.m, 1, "random"));
}

Test(model, accepting_stops_and_starts_again)
{
	hello(&f, 2);
	cr_expect_str_eq(f.m->accept_paused, "");
	feed(&f, "thr=main ev=accept_pause reason=maxconns");
	cr_expect_str_eq(f.m->accept_paused, "maxconns");
	feed(&f, "thr=main ev=accept_resume reason=maxconns");
	cr_expect_str_eq(f.m->accept_paused, "");
	feed(&f, "thr=main ev=accept_pause reason=emfile");
	cr_expect_str_eq(f.m->accept_paused, "emfile");
	model_reset(f.m);
	cr_expect_str_eq(f.m->accept_paused, "", "a reconnect knows nothing of it until the next pause");
}

Test(model, thread_events_count_steps_only)
{
	hello(&f, 2);
	feed(&f, "thr=w0 ev=snapshot_worker depth=0 open=0 dispatched=0 pending=0");
	feed(&f, "thr=main ev=snapshot_end last=none next=w0");
	cr_expect_eq(f.m->thread_events, 0, "hello and the snapshot are not steps");
	dispatch(&f, 3, 0, -1, 1);
	uint64_t after_dispatch = f.m->thread_events;
	cr_expect_gt(after_dispatch, 0);
	feed(&f, "thr=main ev=paused");
	feed(&f, "thr=w0 ev=gate at=notify_read conn=0");
	feed(&f, "thr=main ev=dropped count=4");
	cr_expect_eq(f.m->thread_events, after_dispatch, "paused, gate and dropped are not steps");
	feed(&f, "thr=w0 ev=notify_read byte=c");
	cr_expect_eq(f.m->thread_events, after_dispatch + 1, "one step, one event");
}

/* One connection's whole life on worker w, as the server writes it; fds are reused as a
 * server's are, above those of the connections kept open. */
static void churn_one(struct feeder *fe, uint64_t id, int w)
{
	uint64_t fd = 1000 + id % 7;

	feed(fe, "thr=main ev=dispatch conn=%" PRIu64 " fd=%" PRIu64 " to=w%d last=none dispatch=rr "
		"transport=tcp init=conn_new_cmd", id, fd, w);
	feed(fe, "thr=w%d ev=conn_new conn=%" PRIu64 " fd=%" PRIu64 " transport=tcp", w, id, fd);
	feed(fe, "thr=w%d ev=state conn=%" PRIu64 " fd=%" PRIu64 " from=conn_new_cmd to=conn_waiting",
	     w, id, fd);
	feed(fe, "thr=w%d ev=cmd conn=%" PRIu64 " verb=get keys=1 bytes=0", w, id);
	feed(fe, "thr=w%d ev=conn_close conn=%" PRIu64 " fd=%" PRIu64 " reason=eof", w, id, fd);
}

Test(model, memory_stays_bounded_under_churn)
{
	enum { KEPT_OPEN = 100, CHURNED = 200000 }; /* a million lines */
	const size_t max_conns = KEPT_OPEN + 2 * MODEL_CLOSED_MAX + 1;
	size_t peak_cap = 0, peak_slots = 0;

	hello(&f, 4);
	for (uint64_t id = 1; id <= KEPT_OPEN; id++) {
		dispatch(&f, id, (int)(id % 4), -1, 1);
		take(&f, id, (int)(id % 4), 0);
	}
	/* No model_tick: between two frames nothing may grow without bound either. */
	for (uint64_t id = KEPT_OPEN + 1; id <= KEPT_OPEN + CHURNED; id++) {
		churn_one(&f, id, (int)(id % 4));
		cr_assert_leq(f.m->nconns, max_conns, "after conn %" PRIu64, id);
		if (f.m->conns_cap > peak_cap)
			peak_cap = f.m->conns_cap;
		if (model_index_slots(f.m->index) > peak_slots)
			peak_slots = model_index_slots(f.m->index);
	}
	cr_expect_leq(peak_cap, 2 * max_conns, "the array grew to %zu", peak_cap);
	cr_expect_leq(peak_slots, 4 * max_conns, "the index grew to %zu slots", peak_slots);
	cr_expect_leq(f.m->log_len, MODEL_LOG_LINES);
	cr_expect_leq(f.m->nclosed, 2 * MODEL_CLOSED_MAX);
	/* What stays is right: every connection kept open, and the latest closes. */
	for (uint64_t id = 1; id <= KEPT_OPEN; id++) {
		const struct model_conn *c = model_conn_find(f.m, id);
		cr_assert_not_null(c, "conn %" PRIu64 " kept open", id);
		cr_expect_not(c->closed, "conn %" PRIu64 " kept open", id);
	}
	cr_expect_not_null(model_conn_find(f.m, KEPT_OPEN + CHURNED));
	cr_expect_null(model_conn_find(f.m, KEPT_OPEN + 1), "closed long ago");
	for (int w = 0; w < 4; w++) {
		cr_expect_eq(f.m->workers[w].open, KEPT_OPEN / 4, "w%d", w);
		cr_expect_eq(per_state_sum(f.m, w), KEPT_OPEN / 4, "w%d", w);
		cr_expect_eq(f.m->workers[w].dispatched, (KEPT_OPEN + CHURNED) / 4, "w%d", w);
	}
	/* A frame later the closed ones are down to what is kept. */
	model_tick(f.m, 1000);
	cr_expect_leq(f.m->nconns, KEPT_OPEN + MODEL_CLOSED_MAX);
	cr_expect_eq(f.m->events, (uint64_t)KEPT_OPEN * 7 + 1 + (uint64_t)CHURNED * 5);
}

Test(model, a_reused_fd_closes_the_conn_whose_close_was_lost)
{
	hello(&f, 2);
	dispatch(&f, 5, 0, -1, 1);
	take(&f, 5, 0, 0);
	state(&f, 5, 0, "conn_new_cmd", "conn_waiting");
	/* conn 5's close was dropped; the kernel gives its fd (15) to conn 7. */
	feed(&f, "thr=w1 ev=dropped count=4");
	feed(&f, "thr=main ev=dispatch conn=7 fd=15 to=w1 last=w0 dispatch=rr transport=tcp "
		 "init=conn_new_cmd");
	cr_assert_not_null(model_conn_find(f.m, 5));
	cr_expect(model_conn_find(f.m, 5)->closed);
	cr_expect_eq(f.m->workers[0].open, 0u);
	cr_expect_eq(per_state_sum(f.m, 0), 0u);
	cr_expect_not(model_conn_find(f.m, 7)->closed);
	cr_expect_eq(per_state_sum(f.m, 1), 1u);
	/* The close that comes late changes nothing more. */
	feed(&f, "thr=w0 ev=conn_close conn=5 fd=15 reason=eof");
	cr_expect_eq(f.m->nclosed, 1u);
	/* UDP conns share nothing: a dup'd fd number seen again is not a reuse. */
	feed(&f, "thr=w0 ev=snapshot_conn conn=20 fd=30 transport=udp state=conn_read");
	feed(&f, "thr=w1 ev=snapshot_conn conn=21 fd=30 transport=udp state=conn_read");
	cr_expect_not(model_conn_find(f.m, 20)->closed);
	/* Without a single conn_close, connections churning over a few fds stay few. */
	for (uint64_t id = 100; id < 100000; id++) {
		feed(&f, "thr=main ev=dispatch conn=%" PRIu64 " fd=%" PRIu64 " to=w0 last=none "
			 "dispatch=rr transport=tcp init=conn_new_cmd", id, 40 + id % 5);
		cr_assert_leq(f.m->nconns, 4u + 5u + 2 * MODEL_CLOSED_MAX + 1, "after conn %" PRIu64, id);
	}
	cr_expect_eq(per_state_sum(f.m, 0), 5u + 1u);
}

/* A snapshot read while the threads ran: open= counts a conn whose conn_new comes after it. */
Test(model, open_follows_the_connection_list)
{
	hello(&f, 1);
	feed(&f, "thr=w0 ev=snapshot_worker depth=0 max_depth=0 open=1 dispatched=1 pending=0");
	feed(&f, "thr=main ev=snapshot_end last=w0 next=w0");
	feed(&f, "thr=w0 ev=cq_pop conn=2 depth=0");
	feed(&f, "thr=w0 ev=conn_new conn=2 fd=12 transport=tcp");
	cr_expect_eq(f.m->workers[0].open, 2u, "counted twice until the next frame");
	model_tick(f.m, 1000000000);
	cr_expect_eq(f.m->workers[0].open, 1u, "one conn listed, one open");
	feed(&f, "thr=w0 ev=conn_close conn=2 fd=12 reason=normal");
	model_tick(f.m, 2000000000);
	cr_expect_eq(f.m->workers[0].open, 0u);
}

/* delay wK MS: from the snapshot, then from the stream; it is no step. */
Test(model, delay_marker)
{
	hello(&f, 2);
	feed(&f, "thr=w0 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0 delay=0");
	feed(&f, "thr=w1 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0 delay=25");
	feed(&f, "thr=main ev=snapshot_end last=none next=w0");
	cr_expect_eq(f.m->workers[0].delay_ms, 0u);
	cr_expect_eq(f.m->workers[1].delay_ms, 25u);
	feed(&f, "thr=main ev=delay to=w0 ms=300");
	cr_expect_eq(f.m->workers[0].delay_ms, 300u);
	cr_expect(log_has(f.m, 1, "main delay: w0 sleeps 300 ms before each event"));
	feed(&f, "thr=main ev=delay to=w1 ms=0");
	cr_expect_eq(f.m->workers[1].delay_ms, 0u);
	cr_expect(log_has(f.m, 1, "main delay: w1 runs at full speed again"));
	cr_expect_eq(f.m->thread_events, 0u);
}

Test(model, moves_the_transitions_table_lacks_are_counted)
{
	hello(&f, 1);
	dispatch(&f, 7, 0, -1, 1);
	take(&f, 7, 0, 0);
	state(&f, 7, 0, "conn_new_cmd", "conn_waiting");
	state(&f, 7, 0, "conn_waiting", "conn_read");
	cr_expect_eq(f.m->unlisted_transitions, 0u, "the main road is in the table");
	state(&f, 7, 0, "conn_read", "conn_nread");
	cr_expect_eq(f.m->unlisted_transitions, 1u, "read never goes straight to nread");
	cr_expect_eq(f.m->transitions[conn_read][conn_nread], 1u, "counted all the same");
}

Test(model, the_timeout_threads_kicks_and_the_idle_closes_they_cause)
{
	hello(&f, 2);
	cr_expect_eq(f.m->timeout.idle_timeout, 0, "a hello without idle_timeout=: no timeout thread");
	feed(&f, "thr=main ev=hello v=1 pid=4242 threads=2 dispatch=rr tcp=11211 udp=0 maxconns=1024 "
		 "reqs_per_event=20 idle_timeout=5 states=conn_listening,conn_new_cmd");
	cr_expect_eq(f.m->timeout.idle_timeout, 5);
	cr_expect_eq(f.m->timeout.last_to, EVENT_THR_NONE);
	dispatch(&f, 7, 0, -1, 1);
	take(&f, 7, 0, 0);
	state(&f, 7, 0, "conn_new_cmd", "conn_waiting");
	state(&f, 7, 0, "conn_waiting", "conn_read");
	/* main's notify bytes are no kicks */
	cr_expect_eq(f.m->timeout.kicks, 0);

	feed(&f, "thr=timeout ev=notify_write to=w0 byte=t fd=17");
	cr_expect_eq(f.m->timeout.kicks, 1);
	cr_expect_eq(f.m->timeout.last_to, 0);
	cr_expect_eq(f.m->timeout.last_fd, 17);
	cr_expect_eq(f.m->timeout.last_ts, f.ts);
	cr_expect_eq(f.m->workers[0].pending_notify, 1, "a 't' waits in w0's pipe as a 'c' would");
	cr_expect(log_has(f.m, 1, "timeout notify: wrote 't' and fd 17 to w0's pipe"));
	feed(&f, "thr=w0 ev=notify_read byte=t fd=17");
	cr_expect_eq(f.m->workers[0].pending_notify, 0);
	cr_expect(log_has(f.m, 1, "w0 thread_libevent_process: read 't' and fd 17"));
	state(&f, 7, 0, "conn_read", "conn_closing");
	state(&f, 7, 0, "conn_closing", "conn_closed");
	feed(&f, "thr=w0 ev=conn_close conn=7 fd=17 reason=idle");
	cr_expect_eq(f.m->timeout.closed, 1);
	cr_expect(model_conn_find(f.m, 7)->closed);
	cr_expect_eq(f.m->workers[0].open, 0);

	/* A kick the worker found stale closes nothing; other reasons are not idle closes. */
	feed(&f, "thr=timeout ev=notify_write to=w1 byte=t fd=40");
	feed(&f, "thr=w1 ev=notify_read byte=t fd=40");
	feed(&f, "thr=w1 ev=conn_close conn=8 fd=18 reason=eof");
	cr_expect_eq(f.m->timeout.kicks, 2);
	cr_expect_eq(f.m->timeout.last_to, 1);
	cr_expect_eq(f.m->timeout.closed, 1);

	model_reset(f.m);
	cr_expect_eq(f.m->timeout.kicks, 0, "a reconnect forgets the old server's kicks");
	cr_expect_eq(f.m->timeout.idle_timeout, 0);
	cr_expect_eq(f.m->timeout.last_to, EVENT_THR_NONE);
}
