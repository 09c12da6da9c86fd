/* Unit tests: export_perfetto, recorded trace -> Chrome/Perfetto JSON (tui/export_perfetto.c). */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_perfetto.h"
#include "json_check.h"

struct exported {
	FILE *out;
	char *json;
	size_t len;
	bool opened;
	struct export_stats st;
	struct json *root;
	int rc;
};

/* export_perfetto's callback: output into memory. */
static FILE *mem_out(void *arg)
{
	struct exported *x = arg;

	x->opened = true;
	x->out = open_memstream(&x->json, &x->len);
	return x->out;
}

/* Exports trace (len bytes) and, when that worked, parses the JSON strictly. */
static void export_bytes(const char *trace, size_t len, struct exported *x)
{
	FILE *in = len > 0 ? fmemopen((void *)trace, len, "r") : fopen("/dev/null", "r");
	char err[256];

	memset(x, 0, sizeof(*x));
	cr_assert_not_null(in);
	x->rc = export_perfetto(in, "test.trace", mem_out, x, &x->st);
	if (x->out != NULL)
		fclose(x->out);
	fclose(in);
	if (x->rc != 0)
		return;
	x->root = json_parse(x->json, x->len, err, sizeof(err));
	cr_assert_not_null(x->root, "not valid JSON: %s\n%s", err, x->json);
	cr_assert_eq(x->root->type, JSON_ARRAY, "the trace is not a JSON array");
}

/* Exports a nul-terminated trace. */
static void export_text(const char *trace, struct exported *x)
{
	export_bytes(trace, strlen(trace), x);
}

/* Frees what export_text made. */
static void exported_free(struct exported *x)
{
	json_free(x->root);
	free(x->json);
}

/* True when event ev has phase ph. */
static bool is_ph(const struct json *ev, const char *ph)
{
	const char *p = json_str(ev, "ph");

	return p != NULL && strcmp(p, ph) == 0;
}

/* Returns a "0x..." id member as a number; 0 when absent; fails the test when it is malformed. */
static uint64_t hex_id(const struct json *ev, const char *key)
{
	const char *s = json_str(ev, key);
	char *end;
	uint64_t v;

	if (json_get(ev, key) == NULL)
		return 0;
	cr_assert_not_null(s, "%s is not a string", key);
	cr_assert_eq(strncmp(s, "0x", 2), 0, "%s '%s' is not 0x...", key, s);
	v = strtoull(s + 2, &end, 16);
	cr_assert(end != s + 2 && *end == '\0', "%s '%s' is not hex", key, s);
	return v;
}

/* Checks what every trace event must have: ph, name, a non-zero pid and tid, a ts, a dur on X. */
static void check_events(const struct json *root)
{
	for (size_t i = 0; i < root->n; i++) {
		const struct json *ev = &root->items[i];
		const char *ph = json_str(ev, "ph");

		cr_assert_eq(ev->type, JSON_OBJECT, "event %zu is not an object", i);
		cr_assert_not_null(ph, "event %zu has no ph", i);
		cr_assert_not_null(json_str(ev, "name"), "event %zu has no name", i);
		cr_expect_gt(json_num(ev, "pid", 0), 0, "event %zu: pid", i);
		cr_expect_gt(json_num(ev, "tid", 0), 0, "event %zu: tid", i);
		if (strcmp(ph, "M") != 0)
			cr_expect_geq(json_num(ev, "ts", -1), 0, "event %zu: ts", i);
		if (strcmp(ph, "X") == 0)
			cr_expect_geq(json_num(ev, "dur", -1), 0, "event %zu: dur", i);
		if (strcmp(ph, "C") == 0) {
			const struct json *args = json_get(ev, "args");
			cr_expect(args != NULL && args->type == JSON_OBJECT && args->n > 0,
				  "event %zu: a counter without values", i);
		}
	}
}

/* Returns the first event with phase ph and name (and tid when tid > 0), or NULL. */
static const struct json *find(const struct json *root, const char *ph, const char *name, int tid)
{
	for (size_t i = 0; i < root->n; i++) {
		const struct json *ev = &root->items[i];
		const char *n = json_str(ev, "name");
		if (is_ph(ev, ph) && n != NULL && strcmp(n, name) == 0 &&
		    (tid <= 0 || json_num(ev, "tid", 0) == tid))
			return ev;
	}
	return NULL;
}

/* Counts events with phase ph and name (any name when NULL). */
static size_t count(const struct json *root, const char *ph, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < root->n; i++) {
		const char *nm = json_str(&root->items[i], "name");
		if (is_ph(&root->items[i], ph) && (name == NULL || (nm != NULL && strcmp(nm, name) == 0)))
			n++;
	}
	return n;
}

/* Checks the M events naming thread tid. */
static void check_thread(const struct json *root, int tid, const char *name)
{
	const struct json *m = find(root, "M", "thread_name", tid);
	const struct json *sort = find(root, "M", "thread_sort_index", tid);

	cr_assert_not_null(m, "no thread_name for tid %d", tid);
	cr_expect_str_eq(json_str(json_get(m, "args"), "name"), name);
	cr_assert_not_null(sort, "no thread_sort_index for tid %d", tid);
	cr_expect_eq(json_num(json_get(sort, "args"), "sort_index", -1), tid);
}

/*
 * Checks the flows: every flow_out has exactly one flow_in with its bind_id,
 * from dispatch_conn_new on main to cq_pop on a worker, not earlier; bind_ids
 * are unique. Returns the number of pairs.
 */
static size_t check_flows(const struct json *root)
{
	size_t pairs = 0;

	for (size_t i = 0; i < root->n; i++) {
		const struct json *out = &root->items[i];
		uint64_t id;
		size_t ins = 0, outs = 0;

		if (!json_true(out, "flow_out"))
			continue;
		cr_expect(is_ph(out, "X"));
		cr_expect_str_eq(json_str(out, "name"), "dispatch_conn_new");
		cr_expect_eq(json_num(out, "tid", 0), 1);
		id = hex_id(out, "bind_id");
		cr_assert_gt(id, 0);
		/* The arrow lands on the worker the dispatch named: w<K> is tid 2 + K. */
		const char *to = json_str(json_get(out, "args"), "to");
		cr_assert(to != NULL && to[0] == 'w', "the dispatch has no to=");
		for (size_t j = 0; j < root->n; j++) {
			const struct json *ev = &root->items[j];
			if (json_get(ev, "bind_id") == NULL || hex_id(ev, "bind_id") != id)
				continue;
			if (json_true(ev, "flow_out"))
				outs++;
			if (json_true(ev, "flow_in")) {
				ins++;
				cr_expect(is_ph(ev, "X"));
				cr_expect_str_eq(json_str(ev, "name"), "cq_pop");
				cr_expect_eq(json_num(ev, "tid", 0), 2 + atoi(to + 1));
				cr_expect_geq(json_num(ev, "ts", 0), json_num(out, "ts", 0));
				/* The bind_id is the conn id, which the cq_pop line names too. */
				cr_expect_eq(json_num(json_get(ev, "args"), "conn", -1), (double)id);
			}
		}
		cr_expect_eq(outs, 1u, "bind_id %" PRIu64 " leaves %zu times", id, outs);
		cr_expect_eq(ins, 1u, "bind_id %" PRIu64 " arrives %zu times", id, ins);
		pairs++;
	}
	return pairs;
}

#define MAX_CONNS 4096
#define MAX_DEPTH 8

/* One connection's async track as read back. */
struct conn_seen {
	uint64_t id;
	int depth;
	const char *stack[MAX_DEPTH];
	double stack_ts[MAX_DEPTH];
	char states[512];   /* state slices in order, comma-separated */
	int lifetimes;
};

/*
 * Replays every b/e in file order per id: each e closes the innermost open
 * slice of the same name, not before it began; each id's outermost slice
 * is "conn <id>"; nothing stays open. Returns the tracks found (calloc'd).
 */
static struct conn_seen *check_conns(const struct json *root, size_t *n)
{
	struct conn_seen *seen = calloc(MAX_CONNS, sizeof(*seen));

	cr_assert_not_null(seen);
	*n = 0;
	for (size_t i = 0; i < root->n; i++) {
		const struct json *ev = &root->items[i];
		const char *name = json_str(ev, "name");
		struct conn_seen *c = NULL;
		double ts;
		uint64_t id;
		char life[48];

		if (!is_ph(ev, "b") && !is_ph(ev, "e"))
			continue;
		cr_expect_str_eq(json_str(ev, "cat"), "conn");
		id = hex_id(ev, "id");
		cr_assert_gt(id, 0);
		ts = json_num(ev, "ts", -1);
		for (size_t k = 0; k < *n; k++)
			if (seen[k].id == id)
				c = &seen[k];
		if (c == NULL) {
			cr_assert_lt(*n, (size_t)MAX_CONNS);
			c = &seen[(*n)++];
			c->id = id;
		}
		snprintf(life, sizeof(life), "conn %" PRIu64, id);
		if (is_ph(ev, "b")) {
			cr_assert_lt(c->depth, MAX_DEPTH);
			if (c->depth == 0) {
				cr_expect_str_eq(name, life, "conn %" PRIu64 "'s outer slice", id);
				c->lifetimes++;
			} else {
				cr_expect_str_neq(name, life);
				size_t at = strlen(c->states);
				snprintf(c->states + at, sizeof(c->states) - at, "%s%s", at > 0 ? "," : "",
					 name);
			}
			c->stack[c->depth] = name;
			c->stack_ts[c->depth++] = ts;
		} else {
			cr_assert_gt(c->depth, 0, "an e with nothing open on conn %" PRIu64, id);
			c->depth--;
			cr_expect_str_eq(name, c->stack[c->depth], "conn %" PRIu64 ": e does not match b", id);
			cr_expect_geq(ts, c->stack_ts[c->depth], "conn %" PRIu64 ": %s ends before it begins",
				      id, name);
		}
	}
	for (size_t k = 0; k < *n; k++)
		cr_expect_eq(seen[k].depth, 0, "conn %" PRIu64 " left open", seen[k].id);
	return seen;
}

/* Returns conn id's track. */
static const struct conn_seen *conn_of(const struct conn_seen *seen, size_t n, uint64_t id)
{
	for (size_t k = 0; k < n; k++)
		if (seen[k].id == id)
			return &seen[k];
	return NULL;
}

/* Writes the depths of counter name, in file order, comma-separated, into out. */
static void counter_values(const struct json *root, const char *name, char *out, size_t cap)
{
	size_t at = 0;

	out[0] = '\0';
	for (size_t i = 0; i < root->n; i++) {
		const struct json *ev = &root->items[i];
		if (is_ph(ev, "C") && strcmp(json_str(ev, "name"), name) == 0)
			at += (size_t)snprintf(out + at, cap - at, "%s%.0f", at > 0 ? "," : "",
					       json_num(json_get(ev, "args"), "depth", -1));
	}
}

/* PROTOCOL.md's example, carried on: a second connection to w1, commands, closes. */
static const char example[] =
	"ts=913402211 seq=14 thr=main ev=hello v=1 pid=4242 threads=2 dispatch=rr tcp=11211 udp=0 maxconns=1024 reqs_per_event=20 states=conn_listening,conn_new_cmd,conn_waiting,conn_read,conn_parse_cmd,conn_write,conn_nread,conn_swallow,conn_closing,conn_mwrite,conn_closed\n"
	"ts=913402230 seq=14 thr=w0 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0\n"
	"ts=913402231 seq=14 thr=w1 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0\n"
	"ts=913402240 seq=14 thr=main ev=snapshot_conn conn=1 fd=9 transport=tcp state=conn_listening\n"
	"ts=913402251 seq=14 thr=main ev=snapshot_end last=w1 next=w0\n"
	"ts=2100431877 seq=15 thr=main ev=accept conn=2 fd=12 peer=127.0.0.1:50312\n"
	"ts=2100440012 seq=16 thr=main ev=dispatch conn=2 fd=12 to=w0 last=w1 dispatch=rr transport=tcp init=conn_new_cmd\n"
	"ts=2100441100 seq=17 thr=main ev=cq_push to=w0 conn=2 depth=1\n"
	"ts=2100442310 seq=18 thr=main ev=notify_write to=w0 byte=c\n"
	"ts=2100460078 seq=19 thr=w0 ev=notify_read byte=c\n"
	"ts=2100461102 seq=20 thr=w0 ev=cq_pop conn=2 depth=0\n"
	"ts=2100463390 seq=21 thr=w0 ev=conn_new conn=2 fd=12 transport=tcp\n"
	"ts=2100470001 seq=22 thr=w0 ev=state conn=2 fd=12 from=conn_new_cmd to=conn_waiting\n"
	"ts=2100471200 seq=23 thr=w0 ev=state conn=2 fd=12 from=conn_waiting to=conn_read\n"
	"this line is not part of the protocol\n"
	"ts=2100500000 seq=24 thr=main ev=accept conn=3 fd=13 peer=127.0.0.1:50313\n"
	"ts=2100500100 seq=25 thr=main ev=dispatch conn=3 fd=13 to=w1 last=w0 dispatch=rr transport=tcp init=conn_new_cmd\n"
	"ts=2100500200 seq=26 thr=main ev=cq_push to=w1 conn=3 depth=1\n"
	"ts=2100500300 seq=27 thr=main ev=notify_write to=w1 byte=c\n"
	"ts=2100472000 seq=28 thr=w0 ev=state conn=2 fd=12 from=conn_read to=conn_parse_cmd\n"
	"ts=2100472500 seq=29 thr=w0 ev=cmd conn=2 verb=get keys=1 bytes=0\n"
	"ts=2100473000 seq=30 thr=w0 ev=state conn=2 fd=12 from=conn_parse_cmd to=conn_write\n"
	"ts=2100510000 seq=31 thr=w1 ev=notify_read byte=c\n"
	"ts=2100510100 seq=32 thr=w1 ev=cq_pop conn=3 depth=0\n"
	"ts=2100510200 seq=33 thr=w1 ev=conn_new conn=3 fd=13 transport=tcp\n"
	"ts=bad seq=34 thr=w1 ev=state\n"
	"ts=2100520000 seq=35 thr=w1 ev=state conn=3 fd=13 from=conn_new_cmd to=conn_waiting\n"
	"ts=2100530000 seq=36 thr=w0 ev=state conn=2 fd=12 from=conn_write to=conn_closing\n"
	"ts=2100530100 seq=37 thr=w0 ev=conn_close conn=2 fd=12 reason=quit\n"
	"ts=2100540000 seq=38 thr=w1 ev=dropped count=3\n"
	"ts=2100550000 seq=39 thr=w1 ev=state conn=3 fd=13 from=conn_waiting to=conn_closing\n"
	"ts=2100550100 seq=40 thr=w1 ev=conn_close conn=3 fd=13 reason=eof\n";

Test(export, the_example_trace, .init = cr_redirect_stderr)
{
	struct exported x;
	struct conn_seen *seen;
	const struct conn_seen *c;
	const struct json *ev;
	size_t n;
	char depths[256];

	export_text(example, &x);
	cr_assert_eq(x.rc, 0);
	check_events(x.root);
	cr_expect_eq(x.st.counts.lines, 32u);
	cr_expect_eq(x.st.counts.malformed, 2u);
	cr_expect_eq(x.st.counts.first_malformed, 15u);
	cr_expect_eq(x.st.events, 30u);
	cr_expect_eq(x.st.written, x.root->n);

	/* Process and thread names, and the tracks in main, w0, w1 order. */
	ev = find(x.root, "M", "process_name", 0);
	cr_assert_not_null(ev);
	cr_expect_eq(json_num(ev, "pid", 0), 4242);
	cr_expect_str_eq(json_str(json_get(ev, "args"), "name"), "mcscoped (pid 4242)");
	check_thread(x.root, 1, "main");
	check_thread(x.root, 2, "w0");
	check_thread(x.root, 3, "w1");
	cr_expect_eq(count(x.root, "M", "thread_name"), 3u);

	/* Slices named after memcached's functions, on the right threads. */
	cr_expect_not_null(find(x.root, "X", "dispatch_conn_new", 1));
	cr_expect_not_null(find(x.root, "X", "cq_push", 1));
	cr_expect_not_null(find(x.root, "X", "thread_libevent_process", 2));
	cr_expect_not_null(find(x.root, "X", "thread_libevent_process", 3));
	cr_expect_not_null(find(x.root, "X", "cq_pop", 3));
	cr_expect_not_null(find(x.root, "X", "conn_new", 2));
	cr_expect_not_null(find(x.root, "X", "conn_set_state", 2));
	cr_expect_not_null(find(x.root, "X", "process_command", 2));
	cr_expect_not_null(find(x.root, "i", "dropped", 3));
	cr_expect_eq(count(x.root, "X", "dispatch_conn_new"), 2u);
	cr_expect_eq(count(x.root, "X", "conn_set_state"), 7u);

	/* dispatch_conn_new spans the dispatch up to the pipe write: 2100440.012 .. 2100442.310 us. */
	ev = find(x.root, "X", "dispatch_conn_new", 1);
	cr_expect_float_eq(json_num(ev, "ts", 0), 2100440.012, 1e-6);
	cr_expect_float_eq(json_num(ev, "dur", 0), 2.298, 1e-6);
	cr_expect_eq(json_num(json_get(ev, "args"), "conn", 0), 2);
	cr_expect_str_eq(json_str(json_get(ev, "args"), "to"), "w0");

	/* One flow per dispatch, dispatch -> cq_pop. */
	cr_expect_eq(check_flows(x.root), 2u);

	/* A CQ depth counter per worker: the snapshot, the push, the pop. */
	counter_values(x.root, "CQ w0", depths, sizeof(depths));
	cr_expect_str_eq(depths, "0,1,0");
	counter_values(x.root, "CQ w1", depths, sizeof(depths));
	cr_expect_str_eq(depths, "0,1,0");

	/* A track per connection: lifetime, states nested in order. */
	seen = check_conns(x.root, &n);
	cr_expect_eq(n, 3u);
	c = conn_of(seen, n, 1);
	cr_assert_not_null(c, "the listening conn from the snapshot has no track");
	cr_expect_str_eq(c->states, "conn_listening");
	c = conn_of(seen, n, 2);
	cr_assert_not_null(c);
	cr_expect_eq(c->lifetimes, 1);
	cr_expect_str_eq(c->states, "conn_new_cmd,conn_waiting,conn_read,conn_parse_cmd,conn_write,"
			 "conn_closing");
	c = conn_of(seen, n, 3);
	cr_assert_not_null(c);
	cr_expect_str_eq(c->states, "conn_new_cmd,conn_waiting,conn_closing");
	free(seen);
	exported_free(&x);
}

Test(export, lines_of_different_threads_out_of_seq_order, .init = cr_redirect_stderr)
{
	/* Only each thread's own lines are in order: here the worker's come first. */
	static const char trace[] =
		"ts=10 seq=1 thr=main ev=hello v=1 pid=7 threads=1 dispatch=rr tcp=1 udp=0 maxconns=9 reqs_per_event=20 states=x\n"
		"ts=60 seq=5 thr=w0 ev=notify_read byte=c\n"
		"ts=61 seq=6 thr=w0 ev=cq_pop conn=9 depth=0\n"
		"ts=62 seq=7 thr=w0 ev=conn_new conn=9 fd=5 transport=tcp\n"
		"ts=20 seq=2 thr=main ev=dispatch conn=9 fd=5 to=w0 last=none dispatch=rr transport=tcp init=conn_new_cmd\n"
		"ts=21 seq=3 thr=main ev=cq_push to=w0 conn=9 depth=1\n"
		"ts=22 seq=4 thr=main ev=notify_write to=w0 byte=c\n";
	struct exported x;

	export_text(trace, &x);
	cr_assert_eq(x.rc, 0);
	check_events(x.root);
	cr_expect_eq(check_flows(x.root), 1u);
	exported_free(&x);
}

Test(export, the_timeout_thread_gets_a_track_of_its_own, .init = cr_redirect_stderr)
{
	static const char trace[] =
		"ts=10 seq=1 thr=main ev=hello v=1 pid=7 threads=1 dispatch=rr tcp=1 udp=0 maxconns=9 reqs_per_event=20 idle_timeout=1 states=x\n"
		"ts=20 seq=2 thr=main ev=dispatch conn=9 fd=5 to=w0 last=none dispatch=rr transport=tcp init=conn_new_cmd\n"
		"ts=21 seq=3 thr=main ev=cq_push to=w0 conn=9 depth=1\n"
		"ts=22 seq=4 thr=main ev=notify_write to=w0 byte=c\n"
		"ts=60 seq=5 thr=w0 ev=notify_read byte=c\n"
		"ts=61 seq=6 thr=w0 ev=cq_pop conn=9 depth=0\n"
		"ts=62 seq=7 thr=w0 ev=conn_new conn=9 fd=5 transport=tcp\n"
		"ts=63 seq=8 thr=w0 ev=state conn=9 fd=5 from=conn_new_cmd to=conn_read\n"
		"ts=2000 seq=9 thr=timeout ev=notify_write to=w0 byte=t fd=5\n"
		"ts=2001 seq=10 thr=w0 ev=notify_read byte=t fd=5\n"
		"ts=2002 seq=11 thr=w0 ev=state conn=9 fd=5 from=conn_read to=conn_closing\n"
		"ts=2003 seq=12 thr=w0 ev=conn_close conn=9 fd=5 reason=idle\n";
	struct exported x;
	int tids[3] = { 0 };
	const char *names[3] = { "main", "w0", "timeout" };

	export_text(trace, &x);
	cr_assert_eq(x.rc, 0);
	check_events(x.root);
	for (size_t i = 0; i < x.root->n; i++) {
		const struct json *ev = &x.root->items[i];
		const struct json *args = json_get(ev, "args");
		const char *n = json_str(ev, "name"), *thread = args != NULL ? json_str(args, "name") : NULL;

		if (!is_ph(ev, "M") || n == NULL || strcmp(n, "thread_name") != 0 || thread == NULL)
			continue;
		for (int k = 0; k < 3; k++)
			if (strcmp(thread, names[k]) == 0)
				tids[k] = (int)json_num(ev, "tid", 0);
	}
	for (int k = 0; k < 3; k++)
		cr_expect_gt(tids[k], 0, "no track named %s", names[k]);
	cr_expect(tids[2] != tids[0] && tids[2] != tids[1], "the timeout thread shares a track");
	exported_free(&x);
}

Test(export, snapshot_then_events_it_already_reflects, .init = cr_redirect_stderr)
{
	static const char trace[] =
		"ts=1000 seq=50 thr=main ev=hello v=1 pid=7 threads=1 dispatch=rr tcp=1 udp=0 maxconns=9 reqs_per_event=20 states=x\n"
		"ts=1001 seq=50 thr=w0 ev=snapshot_worker depth=1 max_depth=1 open=1 dispatched=2 pending=1\n"
		"ts=1002 seq=50 thr=w0 ev=snapshot_conn conn=4 fd=8 transport=tcp state=conn_read\n"
		"ts=1003 seq=50 thr=main ev=snapshot_end last=w0 next=w0\n"
		/* Recorded before the snapshot was taken, sent after it. */
		"ts=900 seq=49 thr=w0 ev=state conn=4 fd=8 from=conn_waiting to=conn_read\n"
		"ts=901 seq=48 thr=w0 ev=conn_new conn=4 fd=8 transport=tcp\n"
		"ts=1100 seq=51 thr=w0 ev=state conn=4 fd=8 from=conn_read to=conn_write\n"
		"ts=1200 seq=52 thr=w0 ev=cq_pop conn=5 depth=0\n";
	struct exported x;
	struct conn_seen *seen;
	size_t n;
	char depths[64];

	export_text(trace, &x);
	cr_assert_eq(x.rc, 0);
	check_events(x.root);
	seen = check_conns(x.root, &n);
	cr_assert_eq(n, 1u);
	cr_expect_eq(seen[0].lifetimes, 1);
	cr_expect_str_eq(seen[0].states, "conn_read,conn_write");
	/* The pop of a conn dispatched before the recording began has no flow to pair with... */
	cr_expect_eq(check_flows(x.root), 0u);
	counter_values(x.root, "CQ w0", depths, sizeof(depths));
	cr_expect_str_eq(depths, "1,0");
	free(seen);
	exported_free(&x);
}

Test(export, odd_bytes_in_values_stay_valid_json, .init = cr_redirect_stderr)
{
	static const char trace[] =
		"ts=1 seq=1 thr=main ev=hello v=1 pid=7 threads=1 dispatch=rr tcp=1 udp=0 maxconns=9 reqs_per_event=20 states=x\n"
		"ts=2 seq=2 thr=main ev=accept conn=3 fd=5 peer=a\"b\\c\x01\x7f\xff\xc3\n"
		"ts=3 seq=3 thr=w0 ev=cmd conn=3 verb=g\"et</script> keys=1 bytes=0\n"
		"ts=4 seq=4 thr=w0 ev=we\"ird\\ev conn=3\n";
	struct exported x;
	const struct json *ev;

	export_text(trace, &x);
	cr_assert_eq(x.rc, 0);
	check_events(x.root);
	ev = find(x.root, "X", "accept", 1);
	cr_assert_not_null(ev);
	/* Bytes past ASCII come out as the Latin-1 characters of the same numbers. */
	cr_expect_str_eq(json_str(json_get(ev, "args"), "peer"), "a\"b\\c\x01\x7f\xc3\xbf\xc3\x83");
	cr_expect_not_null(find(x.root, "i", "we\"ird\\ev", 2));
	cr_expect_eq(x.st.unknown, 1u);
	exported_free(&x);
}

Test(export, not_a_trace, .init = cr_redirect_stderr)
{
	static const char *const inputs[] = {
		"hello world\n",
		"\x7f" "ELF\x02\x01\x01\n\x00\x00",
		"ok\n",
		"error permission denied: uid 1001 is not the server's\n",
		"ts=1 seq=1 thr=w0 ev=cq_pop conn=1 depth=0\n",
		/* A hello from a protocol version this build cannot read. */
		"ts=1 seq=1 thr=main ev=hello v=2 pid=7 threads=1\n",
	};
	struct exported x;

	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		export_bytes(inputs[i], strlen(inputs[i]) + (i == 1 ? 3 : 0), &x);
		cr_expect_eq(x.rc, EXPORT_NOT_TRACE, "input %zu", i);
		cr_expect(!x.opened, "input %zu: an output was made for it", i);
		exported_free(&x);
	}
	export_bytes("", 0, &x);
	cr_expect_eq(x.rc, EXPORT_NOT_TRACE);
	cr_expect(!x.opened);
	exported_free(&x);
	fflush(stderr);
	cr_expect_stderr_neq_str("");
}

Test(export, blank_lines_before_the_hello_are_skipped, .init = cr_redirect_stderr)
{
	struct exported x;

	export_text("\n\nts=1 seq=1 thr=main ev=hello v=1 pid=7 threads=1\n", &x);
	cr_assert_eq(x.rc, 0);
	cr_expect_eq(x.st.counts.malformed, 2u);
	check_events(x.root);
	exported_free(&x);
}

Test(export, answers_unknown_events_and_a_second_run, .init = cr_redirect_stderr)
{
	static const char trace[] =
		"ts=1 seq=1 thr=main ev=hello v=1 threads=1\n"
		"ok\n"
		"ts=2 seq=2 thr=w0 ev=teleport conn=3\n"
		"ts=3 seq=3 thr=w7 ev=thread_ready\n"
		"ts=4 seq=4 thr=w0 ev=conn_new conn=3 fd=5 transport=tcp\n"
		"ts=1 seq=1 thr=main ev=hello v=1 pid=99 threads=1\n"
		"ts=2 seq=2 thr=w0 ev=conn_new conn=3 fd=5 transport=tcp\n";
	struct exported x;
	struct conn_seen *seen;
	size_t n;

	export_text(trace, &x);
	cr_assert_eq(x.rc, 0);
	check_events(x.root);
	cr_expect_eq(x.st.unknown, 1u);
	cr_expect_eq(x.st.ignored, 3u);
	/* No pid in the hello: the process still gets a non-zero one. */
	cr_expect_eq(json_num(find(x.root, "M", "process_name", 0), "pid", 0), 1);
	/* A worker the hello did not announce is a malformed line, and gets no track. */
	cr_expect_eq(x.st.counts.malformed, 1u);
	cr_expect_eq(x.st.counts.first_malformed, 4u);
	cr_expect_eq(x.st.counts.first_status, EVENT_E_NO_WORKER);
	cr_expect_null(find(x.root, "M", "thread_name", 9));
	cr_expect_not_null(find(x.root, "i", "teleport", 2));
	/* A connection still open at the end is closed at the last timestamp. */
	seen = check_conns(x.root, &n);
	cr_expect_eq(n, 1u);
	free(seen);
	exported_free(&x);
}

Test(export, thousands_of_connections, .init = cr_redirect_stderr)
{
	/* Many conns open at once on four workers: the conn table grows, shrinks and stays right. */
	const int conns = 3000, workers = 4, open_at_once = 700;
	size_t cap = 4 * 1024 * 1024, at = 0;
	char *trace = malloc(cap);
	uint64_t ts = 100, seq = 1;
	struct exported x;
	struct conn_seen *seen;
	size_t n;

	cr_assert_not_null(trace);
	at += (size_t)snprintf(trace + at, cap - at,
			       "ts=1 seq=0 thr=main ev=hello v=1 pid=5 threads=%d\n", workers);
	for (int i = 1; i <= conns + open_at_once; i++) {
		if (i <= conns) {
			int w = i % workers;
			at += (size_t)snprintf(trace + at, cap - at,
				"ts=%" PRIu64 " seq=%" PRIu64 " thr=main ev=dispatch conn=%d fd=%d to=w%d last=none dispatch=rr transport=tcp init=conn_new_cmd\n"
				"ts=%" PRIu64 " seq=%" PRIu64 " thr=main ev=cq_push to=w%d conn=%d depth=1\n"
				"ts=%" PRIu64 " seq=%" PRIu64 " thr=main ev=notify_write to=w%d byte=c\n"
				"ts=%" PRIu64 " seq=%" PRIu64 " thr=w%d ev=notify_read byte=c\n"
				"ts=%" PRIu64 " seq=%" PRIu64 " thr=w%d ev=cq_pop conn=%d depth=0\n"
				"ts=%" PRIu64 " seq=%" PRIu64 " thr=w%d ev=conn_new conn=%d fd=%d transport=tcp\n"
				"ts=%" PRIu64 " seq=%" PRIu64 " thr=w%d ev=state conn=%d fd=%d from=conn_new_cmd to=conn_waiting\n",
				ts, seq, i, i, w, ts + 1, seq + 1, w, i, ts + 2, seq + 2, w,
				ts + 3, seq + 3, w, ts + 4, seq + 4, w, i, ts + 5, seq + 5, w, i, i,
				ts + 6, seq + 6, w, i, i);
			ts += 10;
			seq += 7;
		}
		if (i > open_at_once) {
			int c = i - open_at_once;
			at += (size_t)snprintf(trace + at, cap - at,
				"ts=%" PRIu64 " seq=%" PRIu64 " thr=w%d ev=conn_close conn=%d fd=%d reason=eof\n",
				ts, seq, c % workers, c, c);
			ts += 10;
			seq++;
		}
		cr_assert_lt(at, cap - 4096);
	}
	trace[at] = '\0';
	export_text(trace, &x);
	cr_assert_eq(x.rc, 0);
	cr_expect_eq(x.st.counts.malformed, 0u);
	check_events(x.root);
	seen = check_conns(x.root, &n);
	cr_expect_eq(n, (size_t)conns);
	for (size_t k = 0; k < n; k++) {
		cr_expect_eq(seen[k].lifetimes, 1);
		cr_expect_str_eq(seen[k].states, "conn_new_cmd,conn_waiting");
	}
	free(seen);
	cr_expect_eq(count(x.root, "X", "dispatch_conn_new"), (size_t)conns);
	cr_expect_eq(count(x.root, "X", "thread_libevent_process"), (size_t)conns);
	/* Pairing every flow is quadratic; the exact pairing is checked above, count here. */
	{
		size_t outs = 0, ins = 0;
		for (size_t i = 0; i < x.root->n; i++) {
			outs += json_true(&x.root->items[i], "flow_out");
			ins += json_true(&x.root->items[i], "flow_in");
		}
		cr_expect_eq(outs, (size_t)conns);
		cr_expect_eq(ins, (size_t)conns);
	}
	exported_free(&x);
	free(trace);
}

Test(export, a_json_checker_that_refuses_bad_json)
{
	/* The checker above is only worth something if it says no. */
	static const char *const bad[] = {
		"", "[", "[1,]", "{\"a\":1,}", "[01]", "[1.]", "[.5]", "[+1]", "[\"\x01\"]",
		"[\"\\x\"]", "[\"\xff\"]", "[\"\xc3\"]", "[\"\\ud800\"]", "{a:1}", "[1] 2", "[tru]",
		"[\"a\"\"b\"]", "{\"a\" 1}", "[1e]", "['a']",
	};
	static const char *const good[] = {
		"[]", "{}", "[1,-2.5e+3,0,true,false,null]", "{\"a\":{\"b\":[\"\\u00e9\\ud83d\\ude00\"]}}",
		" [ \"\xc3\xa9\" ] ",
	};
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct json *v = json_parse(bad[i], strlen(bad[i]), err, sizeof(err));
		cr_expect_null(v, "accepted '%s'", bad[i]);
		json_free(v);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct json *v = json_parse(good[i], strlen(good[i]), err, sizeof(err));
		cr_expect_not_null(v, "refused '%s': %s", good[i], err);
		json_free(v);
	}
}
