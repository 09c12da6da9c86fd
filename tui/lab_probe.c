/* lab_probe.c: the probes, each a walk over a run's events. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "lab_goal.h"
#include "lab_probe.h"

#define LAB_PROBE_NAME_(e, name, args, text) #name,
static const char *const probe_names[] = { LAB_PROBES(LAB_PROBE_NAME_) };
#undef LAB_PROBE_NAME_
#define LAB_PROBE_ARGS_(e, name, args, text) args,
static const char *const probe_args[] = { LAB_PROBES(LAB_PROBE_ARGS_) };
#undef LAB_PROBE_ARGS_

/* The most client connections a probe numbers. */
#define CLIENTS_MAX 4096
/* The most workers a probe follows (mcscoped's -t at most). */
#define PROBE_WORKERS_MAX 256
/* The most phases (stretches between dispatch switches) a probe tells apart. */
#define LAB_PHASES_MAX 16

/* Finds the probe by name; LAB_PROBE_COUNT when unknown. */
static enum lab_probe probe_find(const char *name)
{
	int p;

	for (p = 0; p < LAB_PROBE_COUNT; p++)
		if (strcmp(name, probe_names[p]) == 0)
			break;
	return (enum lab_probe)p;
}

/* Reads a number argument 1..max; 0 when absent or bad. */
static unsigned long arg_count(const struct lab_check *c, const char *key, unsigned long max)
{
	const char *v = lab_arg(&c->args, key, NULL);
	char *end;

	if (v == NULL)
		return 0;
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	return errno != 0 || end == v || *end != '\0' || n > max ? 0 : n;
}

/* Adds key = "?" to keys; false with a message when full. */
static bool add_key(struct lab_answers *keys, const char *key, const struct lab *lab, const struct lab_check *c)
{
	if (lab_answers_get(keys, key) != NULL) {
		diag_error("%s/lab.conf:%d: check '%s' asks '%s', which another check asks too", lab->dir,
			   c->line, c->name, key);
		return false;
	}
	if (!lab_answers_set(keys, key, "?")) {
		diag_error("%s/lab.conf:%d: too many answers (at most %d)", lab->dir, c->line, LAB_ANSWERS_MAX);
		return false;
	}
	return true;
}

/* The probe check c names. */
enum lab_probe lab_probe_of(const struct lab_check *c)
{
	return probe_find(c->probe);
}

/* Reads a worker argument 0..255; -1 when absent or bad. */
static int arg_worker(const struct lab_check *c)
{
	const char *v = lab_arg(&c->args, "worker", NULL);
	char *end;

	if (v == NULL)
		return -1;
	long w = strtol(v, &end, 10);
	return end == v || *end != '\0' || w < 0 || w > 255 ? -1 : (int)w;
}

/* Reads a number argument 0..1000000; -1 when absent or bad. */
static long arg_number(const struct lab_check *c, const char *key)
{
	const char *v = lab_arg(&c->args, key, NULL);
	char *end;

	if (v == NULL)
		return -1;
	long x = strtol(v, &end, 10);
	return end == v || *end != '\0' || x < 0 || x > 1000000 ? -1 : x;
}

/* True when c's arguments are only some of keys (NULL-ended). */
static bool args_only(const struct lab_check *c, const char *const *keys)
{
	for (int i = 0; i < c->args.n; i++) {
		bool known = false;
		for (int k = 0; keys[k] != NULL; k++)
			known = known || strcmp(c->args.key[i], keys[k]) == 0;
		if (!known)
			return false;
	}
	return true;
}

/* Checks a probe and lists its keys. */
int lab_probe_keys(const struct lab *lab, const struct lab_check *c, struct lab_answers *keys)
{
	enum lab_probe p = probe_find(c->probe);
	const char *key = lab_arg(&c->args, "key", NULL);
	char name[LAB_ANSWER_KEY_MAX];
	unsigned long n;

	switch (p) {
	case PROBE_TRACE:
		return 0;
	case PROBE_WORKERS: {
		unsigned long from = lab_arg(&c->args, "from", NULL) ? arg_count(c, "from", 1000) : 1;
		if ((n = arg_count(c, "n", 1000)) == 0 || from == 0)
			break;
		for (unsigned long i = from; i < from + n; i++) {
			snprintf(name, sizeof(name), "conn%lu", i);
			if (!add_key(keys, name, lab, c))
				return -1;
		}
		return 0;
	}
	case PROBE_WORKER:
		if (arg_count(c, "conn", CLIENTS_MAX) == 0 || key == NULL)
			break;
		return add_key(keys, key, lab, c) ? 0 : -1;
	case PROBE_HANDOFF:
		if (arg_count(c, "conn", CLIENTS_MAX) == 0)
			break;
		if (!add_key(keys, "worker", lab, c))
			return -1;
		for (int i = 1; i <= LAB_HANDOFF_STEPS; i++) {
			snprintf(name, sizeof(name), "step%d", i);
			if (!add_key(keys, name, lab, c))
				return -1;
		}
		return 0;
	case PROBE_PATH:
		if (arg_count(c, "conn", CLIENTS_MAX) == 0 || key == NULL)
			break;
		return add_key(keys, key, lab, c) ? 0 : -1;
	case PROBE_COUNT: {
		const char *ev = lab_arg(&c->args, "ev", "");
		const char *thr = lab_arg(&c->args, "thr", NULL);
		int t;
		if (key == NULL || wire_event_from_name(ev, strlen(ev)) < 0 ||
		    (thr != NULL && !event_thr_parse(thr, strlen(thr), &t)) ||
		    (lab_arg(&c->args, "conn", NULL) != NULL && arg_count(c, "conn", CLIENTS_MAX) == 0))
			break;
		return add_key(keys, key, lab, c) ? 0 : -1;
	}
	case PROBE_PAUSE_AFTER:
	case PROBE_RESUME_AFTER:
		if (key == NULL)
			break;
		return add_key(keys, key, lab, c) ? 0 : -1;
	case PROBE_GOAL: {
		const char *goal = lab_arg(&c->args, "name", "");
		for (int i = 0; i < lab->ngoals; i++)
			if (strcmp(lab->goals[i].name, goal) == 0)
				return 0;
		diag_error("%s/lab.conf:%d: check '%s': no goal named '%s'", lab->dir, c->line, c->name, goal);
		return -1;
	}
	case PROBE_INVARIANTS:
		if (c->args.n != 0)
			break;
		return 0;
	case PROBE_CQ_MAX: {
		static const char *const known[] = { "worker", "max", "phase", NULL };
		if (!args_only(c, known) || arg_worker(c) < 0 || arg_number(c, "max") < 0 ||
		    (lab_arg(&c->args, "phase", NULL) != NULL && arg_number(c, "phase") < 0))
			break;
		return 0;
	}
	case PROBE_CQ_DEPTHS: {
		static const char *const known[] = { "worker", "phase", "with", NULL };
		if (!args_only(c, known) || arg_number(c, "phase") < 0 || arg_number(c, "with") < 0 ||
		    (lab_arg(&c->args, "worker", NULL) != NULL && arg_worker(c) < 0))
			break;
		return 0;
	}
	case PROBE_BUILD:
	case PROBE_TESTS:
	case PROBE_TSAN: {
		static const char *const tests_keys[] = { "name", "sanitize", NULL };
		const char *san = lab_arg(&c->args, "sanitize", NULL);
		if (lab->kind != LAB_CODE) {
			diag_error("%s/lab.conf:%d: check '%s': probe %s is for a lab of kind code", lab->dir, c->line,
				   c->name, c->probe);
			return -1;
		}
		if (p != PROBE_TESTS ? c->args.n != 0
				     : !args_only(c, tests_keys) || lab_arg(&c->args, "name", NULL) == NULL ||
					       (san != NULL && strcmp(san, "thread") != 0))
			break;
		if (p == PROBE_TESTS && lab->tests[0] == '\0') {
			diag_error("%s/lab.conf:%d: check '%s': probe tests needs the lab's 'tests FILE.c' line", lab->dir,
				   c->line, c->name);
			return -1;
		}
		return 0;
	}
	case LAB_PROBE_COUNT:
		diag_error("%s/lab.conf:%d: check '%s': unknown probe '%s'", lab->dir, c->line, c->name, c->probe);
		return -1;
	}
	diag_error("%s/lab.conf:%d: check '%s': probe %s takes %s", lab->dir, c->line, c->name, probe_names[p],
		   probe_args[p]);
	return -1;
}

/* The id of client connection i (1-based: the i-th accept on main), 0 when there is none. */
static uint64_t client_conn(const struct lab_trace *t, unsigned long i)
{
	struct event e;
	unsigned long seen = 0;

	for (size_t k = 0; k < t->n; k++)
		if (lab_trace_event(t, k, &e) == EVENT_LINE && e.ev == EVT_accept && ++seen == i)
			return event_num(&e, KEY_conn, 0);
	return 0;
}

/* The number of the client connection with id conn (1-based), 0 when it is none. */
static unsigned long client_number(const struct lab_trace *t, uint64_t conn)
{
	struct event e;
	unsigned long seen = 0;

	for (size_t k = 0; k < t->n; k++)
		if (lab_trace_event(t, k, &e) == EVENT_LINE && e.ev == EVT_accept) {
			seen++;
			if (event_num(&e, KEY_conn, 0) == conn)
				return seen;
		}
	return 0;
}

/* Writes a thread's name ("main", "w2", "timeout"). */
static const char *thr_name(int thr, char *buf, size_t n)
{
	if (wire_thr_name(thr) != NULL)
		snprintf(buf, n, "%s", wire_thr_name(thr));
	else
		snprintf(buf, n, "w%d", thr);
	return buf;
}

/* trace: a hello, from the variant's server. */
static int run_trace(const struct lab_check *c, const struct lab_trace *t, char *why, size_t n)
{
	struct event e;
	unsigned long threads = arg_count(c, "threads", 256);

	for (size_t k = 0; k < t->n; k++) {
		if (lab_trace_event(t, k, &e) != EVENT_LINE || e.ev != EVT_hello)
			continue;
		unsigned long got = (unsigned long)event_num(&e, KEY_threads, 0);
		if (threads != 0 && got != threads) {
			snprintf(why, n, "the trace is from a server with %lu workers; your variant has %lu", got,
				 threads);
			return -1;
		}
		return 0;
	}
	snprintf(why, n, "the trace has no hello line: it is not a recording of a server's stream");
	return -1;
}

/* workers: connN = the worker it went to. */
static int run_workers(const struct lab_check *c, const struct lab_trace *t, struct lab_answers *found,
		       char *why, size_t n)
{
	unsigned long from = lab_arg(&c->args, "from", NULL) ? arg_count(c, "from", 1000) : 1;
	unsigned long last = from + arg_count(c, "n", 1000) - 1, got = 0;
	struct event e;
	char key[LAB_ANSWER_KEY_MAX], thr[16];

	for (size_t k = 0; k < t->n && got < last; k++) {
		if (lab_trace_event(t, k, &e) != EVENT_LINE || e.ev != EVT_dispatch ||
		    !event_str_eq(&e, KEY_transport, "tcp"))
			continue;
		if (++got < from)
			continue;
		snprintf(key, sizeof(key), "conn%lu", got);
		lab_answers_set(found, key, thr_name(event_idx(&e, KEY_to, -1), thr, sizeof(thr)));
	}
	if (got < last) {
		snprintf(why, n, "the run dispatched %lu TCP connections, not %lu", got, last);
		return -1;
	}
	return 0;
}

/* worker: the worker one client connection was dispatched to. */
static int run_worker(const struct lab_check *c, const struct lab_trace *t, struct lab_answers *found,
		      char *why, size_t n)
{
	unsigned long i = arg_count(c, "conn", CLIENTS_MAX);
	uint64_t conn = client_conn(t, i);
	struct event e;
	char thr[16];

	if (conn == 0) {
		snprintf(why, n, "the run has no client connection %lu", i);
		return -1;
	}
	for (size_t k = 0; k < t->n; k++)
		if (lab_trace_event(t, k, &e) == EVENT_LINE && e.ev == EVT_dispatch &&
		    event_num(&e, KEY_conn, 0) == conn) {
			lab_answers_set(found, lab_arg(&c->args, "key", ""),
					thr_name(event_idx(&e, KEY_to, -1), thr, sizeof(thr)));
			return 0;
		}
	snprintf(why, n, "client connection %lu was accepted but never dispatched", i);
	return -1;
}

/* handoff: the seven steps of one connection's hand-off. */
static int run_handoff(const struct lab_check *c, const struct lab_trace *t, struct lab_answers *found,
		       char *why, size_t n)
{
	unsigned long i = arg_count(c, "conn", CLIENTS_MAX);
	uint64_t conn = client_conn(t, i);
	int worker = EVENT_THR_NONE, step = 0;
	bool wrote = false, woke = false;
	struct event e;
	char key[LAB_ANSWER_KEY_MAX], value[64], thr[16];

	if (conn == 0) {
		snprintf(why, n, "the run has no client connection %lu", i);
		return -1;
	}
	for (size_t k = 0; k < t->n && step < LAB_HANDOFF_STEPS; k++) {
		if (lab_trace_event(t, k, &e) != EVENT_LINE)
			continue;
		bool mine = event_num(&e, KEY_conn, 0) == conn;
		bool take = false;
		switch (e.ev) {
		case EVT_accept:
		case EVT_cq_push:
		case EVT_cq_pop:
		case EVT_conn_new:
			take = mine;
			break;
		case EVT_dispatch:
			if ((take = mine))
				worker = event_idx(&e, KEY_to, EVENT_THR_NONE);
			break;
		case EVT_notify_write:
			/* The byte main writes for this connection: the first to its worker after its push. */
			take = !wrote && step == 3 && event_idx(&e, KEY_to, -1) == worker;
			wrote = wrote || take;
			break;
		case EVT_notify_read:
			take = wrote && !woke && e.thr == worker && event_str_eq(&e, KEY_byte, "c");
			woke = woke || take;
			break;
		default:
			break;
		}
		if (!take)
			continue;
		snprintf(key, sizeof(key), "step%d", ++step);
		snprintf(value, sizeof(value), "%s %s", thr_name(e.thr, thr, sizeof(thr)), wire_event_name(e.ev));
		lab_answers_set(found, key, value);
	}
	if (step < LAB_HANDOFF_STEPS) {
		snprintf(why, n, "the trace shows only %d of connection %lu's %d hand-off steps", step, i,
			 LAB_HANDOFF_STEPS);
		return -1;
	}
	lab_answers_set(found, "worker", thr_name(worker, thr, sizeof(thr)));
	return 0;
}

/* path: every state one connection went through. */
static int run_path(const struct lab_check *c, const struct lab_trace *t, struct lab_answers *found,
		    char *why, size_t n)
{
	unsigned long i = arg_count(c, "conn", CLIENTS_MAX);
	uint64_t conn = client_conn(t, i);
	char path[LAB_ANSWER_VALUE_MAX] = "";
	size_t used = 0;
	struct event e;

	if (conn == 0) {
		snprintf(why, n, "the run has no client connection %lu", i);
		return -1;
	}
	for (size_t k = 0; k < t->n; k++) {
		if (lab_trace_event(t, k, &e) != EVENT_LINE || event_num(&e, KEY_conn, 0) != conn)
			continue;
		int st = -1;
		if (e.ev == EVT_dispatch)
			st = event_idx(&e, KEY_init, -1);
		else if (e.ev == EVT_state)
			st = event_idx(&e, KEY_to, -1);
		if (st < 0)
			continue;
		int len = snprintf(path + used, sizeof(path) - used, "%s%s", used ? " " : "",
				   wire_state_name((enum conn_states)st));
		if (len < 0 || (size_t)len >= sizeof(path) - used) {
			snprintf(why, n, "connection %lu's path is longer than an answer may be", i);
			return -1;
		}
		used += (size_t)len;
	}
	lab_answers_set(found, lab_arg(&c->args, "key", ""), path);
	return 0;
}

/* count: events of a kind. */
static int run_count(const struct lab_check *c, const struct lab_trace *t, struct lab_answers *found,
		     char *why, size_t n)
{
	const char *evname = lab_arg(&c->args, "ev", ""), *thrname = lab_arg(&c->args, "thr", NULL);
	int ev = wire_event_from_name(evname, strlen(evname)), thr = EVENT_THR_NONE;
	unsigned long i = arg_count(c, "conn", CLIENTS_MAX);
	uint64_t conn = 0, count = 0;
	struct event e;
	char value[32];

	if (thrname != NULL)
		event_thr_parse(thrname, strlen(thrname), &thr);
	if (i != 0 && (conn = client_conn(t, i)) == 0) {
		snprintf(why, n, "the run has no client connection %lu", i);
		return -1;
	}
	for (size_t k = 0; k < t->n; k++)
		if (lab_trace_event(t, k, &e) == EVENT_LINE && e.ev == ev &&
		    (thr == EVENT_THR_NONE || e.thr == thr) && (conn == 0 || event_num(&e, KEY_conn, 0) == conn))
			count++;
	snprintf(value, sizeof(value), "%llu", (unsigned long long)count);
	lab_answers_set(found, lab_arg(&c->args, "key", ""), value);
	return 0;
}

/* pause_after / resume_after: the client connection before the first accept_pause / accept_resume. */
static int run_accept_gate(const struct lab_check *c, const struct lab_trace *t, bool resume,
			   struct lab_answers *found, char *why, size_t n)
{
	uint64_t last = 0;
	struct event e;
	char value[32];

	for (size_t k = 0; k < t->n; k++) {
		if (lab_trace_event(t, k, &e) != EVENT_LINE)
			continue;
		if (e.ev == (resume ? EVT_conn_close : EVT_accept) && event_num(&e, KEY_conn, 0) != 0)
			last = event_num(&e, KEY_conn, 0);
		if (e.ev != (resume ? EVT_accept_resume : EVT_accept_pause))
			continue;
		snprintf(value, sizeof(value), "%lu", last == 0 ? 0UL : client_number(t, last));
		lab_answers_set(found, lab_arg(&c->args, "key", ""), value);
		return 0;
	}
	snprintf(why, n, "the run has no %s event", resume ? "accept_resume" : "accept_pause");
	return -1;
}

/* goal: the detector, fed the whole trace. */
static int run_goal(const struct lab *lab, const struct lab_check *c, const struct lab_trace *t, char *why,
		    size_t n)
{
	const char *name = lab_arg(&c->args, "name", "");
	struct lab_goal_state s;
	struct event e;
	char conf[PATH_MAX + 16];

	snprintf(conf, sizeof(conf), "%s/lab.conf", lab->dir);
	for (int i = 0; i < lab->ngoals; i++) {
		if (strcmp(lab->goals[i].name, name) != 0)
			continue;
		if (lab_goal_init(&s, &lab->goals[i], conf) != 0) {
			snprintf(why, n, "the lab's goal '%s' is not valid", name);
			return -1;
		}
		for (size_t k = 0; k < t->n && !s.reached; k++)
			if (lab_trace_event(t, k, &e) == EVENT_LINE)
				lab_goal_feed(&s, &e);
		if (s.reached)
			return 0;
		lab_goal_progress(&s, why, n);
		return -1;
	}
	snprintf(why, n, "no goal named '%s'", name);
	return -1;
}

/* An event line of the trace, by seq. */
struct by_seq {
	uint64_t seq;
	size_t line;
};

/* Orders by seq, then by line. */
static int compare_seq(const void *a, const void *b)
{
	const struct by_seq *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* The trace's event lines in seq order (the order of the server's threads together); NULL when out of memory. */
static struct by_seq *seq_order(const struct lab_trace *t, size_t *count)
{
	struct by_seq *order = malloc((t->n ? t->n : 1) * sizeof(*order));
	struct event e;
	size_t n = 0;

	if (order == NULL)
		return NULL;
	for (size_t k = 0; k < t->n; k++)
		if (lab_trace_event(t, k, &e) == EVENT_LINE)
			order[n++] = (struct by_seq){ e.seq, k };
	qsort(order, n, sizeof(*order), compare_seq);
	*count = n;
	return order;
}

/* What the invariants know of one connection. */
enum inv_stage { INV_NONE, INV_DISPATCHED, INV_PUSHED, INV_POPPED, INV_NEW };

struct inv_conn {
	uint8_t stage;
	int16_t worker;
};

/* A worker's CQ as the events tell it: the connections queued, oldest first. */
struct inv_queue {
	uint64_t *conns;
	size_t head, tail;
	uint64_t unknown;    /* queued before the trace began (the snapshot's depth=): not named */
};

/* The invariants' state while walking the trace. */
struct inv {
	struct inv_conn *conns;  /* [i] is conn ids[i] */
	uint64_t *ids;           /* every conn= the trace names, and 0, sorted, each once */
	size_t nconns;
	struct inv_queue q[PROBE_WORKERS_MAX];
	uint64_t handoffs;
};

/* Orders conn ids. */
static int id_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The connection with id conn; NULL when the trace does not name it. */
static struct inv_conn *inv_conn(struct inv *v, uint64_t conn)
{
	const uint64_t *at = bsearch(&conn, v->ids, v->nconns, sizeof(*v->ids), id_cmp);

	return at != NULL ? &v->conns[at - v->ids] : NULL;
}

/* Checks one event against the invariants; -1 with why at the first broken one. */
static int inv_event(struct inv *v, const struct event *e, char *why, size_t n)
{
	uint64_t conn = event_num(e, KEY_conn, 0), depth = event_num(e, KEY_depth, 0);
	int w = e->ev == EVT_cq_push || e->ev == EVT_dispatch ? event_idx(e, KEY_to, -1) : e->thr;
	struct inv_conn *c = inv_conn(v, conn);
	struct inv_queue *q = w >= 0 && w < PROBE_WORKERS_MAX ? &v->q[w] : NULL;

	switch (e->ev) {
	case EVT_dropped:
		snprintf(why, n, "the trace lost %llu events (dropped): the hand-offs cannot be checked",
			 (unsigned long long)event_num(e, KEY_count, 0));
		return -1;
	case EVT_snapshot_worker:
		if (q != NULL)
			q->unknown = depth;
		return 0;
	case EVT_dispatch:
		if (c == NULL || q == NULL)
			break;
		if (c->stage != INV_NONE) {
			snprintf(why, n, "conn %llu was dispatched twice", (unsigned long long)conn);
			return -1;
		}
		c->stage = INV_DISPATCHED;
		c->worker = (int16_t)w;
		return 0;
	case EVT_cq_push:
		if (c == NULL || q == NULL)
			break;
		if (c->stage != INV_DISPATCHED || c->worker != w) {
			snprintf(why, n, "conn %llu was pushed on w%d's CQ %s", (unsigned long long)conn, w,
				 c->stage == INV_NONE ? "without a dispatch" : "after a dispatch elsewhere, or twice");
			return -1;
		}
		/* Sized by the first pass: one place for each of this worker's pushes. */
		q->conns[q->tail++] = conn;
		c->stage = INV_PUSHED;
		if (depth != q->unknown + (q->tail - q->head)) {
			snprintf(why, n, "w%d's cq_push of conn %llu says depth=%llu; the pushes and pops before it "
				 "leave %llu queued", w, (unsigned long long)conn, (unsigned long long)depth,
				 (unsigned long long)(q->unknown + q->tail - q->head));
			return -1;
		}
		return 0;
	case EVT_cq_pop:
		if (c == NULL || q == NULL)
			break;
		if (q->unknown > 0) {
			/* One of those queued before the trace began: its id is not known. */
			q->unknown--;
			c->stage = INV_POPPED;
			c->worker = (int16_t)w;
			return 0;
		}
		if (q->head == q->tail) {
			snprintf(why, n, "w%d popped conn %llu from a CQ that the events say is empty", w,
				 (unsigned long long)conn);
			return -1;
		}
		if (q->conns[q->head] != conn) {
			snprintf(why, n, "w%d popped conn %llu, but conn %llu was at the head of its CQ (first in, "
				 "first out)", w, (unsigned long long)conn, (unsigned long long)q->conns[q->head]);
			return -1;
		}
		q->head++;
		c->stage = INV_POPPED;
		if (depth != q->tail - q->head) {
			snprintf(why, n, "w%d's cq_pop of conn %llu says depth=%llu; the pushes and pops before it "
				 "leave %llu queued", w, (unsigned long long)conn, (unsigned long long)depth,
				 (unsigned long long)(q->tail - q->head));
			return -1;
		}
		return 0;
	case EVT_conn_new:
		if (c == NULL || q == NULL)
			break;
		if (c->stage != INV_POPPED || c->worker != w) {
			snprintf(why, n, "conn %llu's conn_new on w%d comes without its cq_pop there",
				 (unsigned long long)conn, w);
			return -1;
		}
		c->stage = INV_NEW;
		v->handoffs++;
		return 0;
	default:
		return 0;
	}
	snprintf(why, n, "a %s event names conn %llu or a worker the trace does not account for",
		 wire_event_name(e->ev), (unsigned long long)conn);
	return -1;
}

/* invariants: every hand-off whole and in order, every depth right. */
static int run_invariants(const struct lab_trace *t, char *why, size_t n)
{
	struct inv *v = calloc(1, sizeof(*v));
	size_t count = 0;
	struct by_seq *order = seq_order(t, &count);
	struct event e;
	int rc = -1, threads = 0;

	if (v == NULL || order == NULL) {
		snprintf(why, n, "out of memory");
		goto out;
	}
	if (t->full) {
		snprintf(why, n, "the trace is cut off (more than %d lines): the hand-offs cannot be checked",
			 LAB_TRACE_MAX_LINES);
		goto out;
	}
	/* Ids and queues sized by the trace (not by an id's value, which may be any 64-bit number). */
	v->ids = malloc((count + 1) * sizeof(*v->ids));
	if (v->ids == NULL) {
		snprintf(why, n, "out of memory");
		goto out;
	}
	v->ids[v->nconns++] = 0;
	for (size_t k = 0; k < count; k++) {
		lab_trace_event(t, order[k].line, &e);
		if (event_has(&e, KEY_conn))
			v->ids[v->nconns++] = event_num(&e, KEY_conn, 0);
		if (e.ev == EVT_hello)
			threads = (int)event_num(&e, KEY_threads, 0);
		int w = event_idx(&e, KEY_to, -1);
		if (e.ev == EVT_cq_push && w >= 0 && w < PROBE_WORKERS_MAX)
			v->q[w].tail++;
	}
	if (threads < 1 || threads > PROBE_WORKERS_MAX) {
		snprintf(why, n, "the trace has no hello line naming its workers");
		goto out;
	}
	qsort(v->ids, v->nconns, sizeof(*v->ids), id_cmp);
	size_t distinct = 1;
	for (size_t i = 1; i < v->nconns; i++)
		if (v->ids[i] != v->ids[distinct - 1])
			v->ids[distinct++] = v->ids[i];
	v->nconns = distinct;
	bool out_of_memory = (v->conns = calloc(v->nconns, sizeof(*v->conns))) == NULL;
	for (int w = 0; w < PROBE_WORKERS_MAX; w++) {
		if (v->q[w].tail > 0 && (v->q[w].conns = malloc(v->q[w].tail * sizeof(uint64_t))) == NULL)
			out_of_memory = true;
		v->q[w].tail = 0;
	}
	if (out_of_memory) {
		snprintf(why, n, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < count; k++) {
		lab_trace_event(t, order[k].line, &e);
		if (inv_event(v, &e, why, n) != 0) {
			size_t len = strlen(why);
			snprintf(why + len, n - len, " (at seq=%llu)", (unsigned long long)e.seq);
			goto out;
		}
	}
	if (v->handoffs == 0) {
		snprintf(why, n, "the run made no hand-off to check");
		goto out;
	}
	snprintf(why, n, "%llu hand-offs checked", (unsigned long long)v->handoffs);
	rc = 0;
out:
	if (v != NULL) {
		for (int w = 0; w < PROBE_WORKERS_MAX; w++)
			free(v->q[w].conns);
		free(v->conns);
		free(v->ids);
	}
	free(v);
	free(order);
	return rc;
}

/* Each phase's deepest CQ per worker, as the run's trace tells it. */
struct phases {
	int n;                                  /* phases seen */
	int threads;
	int policy[LAB_PHASES_MAX];             /* each phase's policy, -1 when unknown */
	bool dispatched[LAB_PHASES_MAX];
	uint64_t deepest[LAB_PHASES_MAX][PROBE_WORKERS_MAX];
};

/* Walks the trace into p. The events counted are main's (policy, dispatch, cq_push), so line order is theirs. */
static void phases_walk(const struct lab_trace *t, struct phases *p)
{
	struct event e;
	int at = 0;

	memset(p, 0, sizeof(*p));
	p->n = 1;
	p->policy[0] = -1;
	for (size_t k = 0; k < t->n; k++) {
		if (lab_trace_event(t, k, &e) != EVENT_LINE)
			continue;
		const struct event_value *pol = event_get(&e, KEY_dispatch);
		int w = event_idx(&e, KEY_to, -1);
		switch (e.ev) {
		case EVT_hello:
			p->threads = (int)event_num(&e, KEY_threads, 0);
			p->policy[0] = pol != NULL ? wire_policy_from_name(pol->s, pol->len) : -1;
			break;
		case EVT_policy:
			if (at + 1 == LAB_PHASES_MAX)
				break;
			at++;
			p->n = at + 1;
			p->policy[at] = pol != NULL ? wire_policy_from_name(pol->s, pol->len) : -1;
			break;
		case EVT_dispatch:
			p->dispatched[at] = true;
			break;
		case EVT_cq_push:
			if (w >= 0 && w < PROBE_WORKERS_MAX && event_num(&e, KEY_depth, 0) > p->deepest[at][w])
				p->deepest[at][w] = event_num(&e, KEY_depth, 0);
			break;
		default:
			break;
		}
	}
}

/* Writes "phase 1 (custom): w0 1 w1 0 ..." at the end of buf. */
static void phase_figures(const struct phases *p, int phase, char *buf, size_t n)
{
	size_t used = strlen(buf);
	int pol = p->policy[phase];

	used += (size_t)snprintf(buf + used, n - used, "phase %d (%s):", phase,
				 pol >= 0 ? wire_policy_name((enum dispatch_policy)pol) : "?");
	for (int w = 0; w < p->threads && w < PROBE_WORKERS_MAX && used < n; w++)
		used += (size_t)snprintf(buf + used, n - used, " w%d %llu", w, (unsigned long long)p->deepest[phase][w]);
}

/* cq_max: the deepest wK's CQ got (in one phase). */
static int run_cq_max(const struct lab_check *c, const struct lab_trace *t, char *why, size_t n)
{
	int worker = arg_worker(c);
	long max = arg_number(c, "max"), phase = arg_number(c, "phase");
	char list[256] = "";
	size_t used = 0;
	uint64_t accepts = 0, accepted = 0, deepest = 0;
	long at = 0;
	struct event e;

	for (size_t k = 0; k < t->n; k++) {
		if (lab_trace_event(t, k, &e) != EVENT_LINE)
			continue;
		if (e.ev == EVT_policy)
			at++;
		/* main dispatches each connection right after accepting it: the latest accept numbers it. */
		if (e.ev == EVT_accept) {
			accepts++;
			accepted = event_num(&e, KEY_conn, 0);
		}
		if ((phase >= 0 && at != phase) || event_idx(&e, KEY_to, -1) != worker)
			continue;
		if (e.ev == EVT_cq_push && event_num(&e, KEY_depth, 0) > deepest)
			deepest = event_num(&e, KEY_depth, 0);
		if (e.ev == EVT_dispatch && event_num(&e, KEY_conn, 0) == accepted && used + 16 < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, " %llu", (unsigned long long)accepts);
	}
	if (deepest <= (uint64_t)max) {
		snprintf(why, n, "w%d's CQ held %llu at most", worker, (unsigned long long)deepest);
		return 0;
	}
	snprintf(why, n, "w%d's CQ held %llu; the client connections dispatched to it:%s%s", worker,
		 (unsigned long long)deepest, list, used + 16 >= sizeof(list) ? " ..." : "");
	return -1;
}

/* cq_depths: two phases' deepest CQs, and wK's compared. */
static int run_cq_depths(const struct lab_check *c, const struct lab_trace *t, char *why, size_t n)
{
	struct phases *p = malloc(sizeof(*p));
	int a = (int)arg_number(c, "phase"), b = (int)arg_number(c, "with"), worker = arg_worker(c), rc = -1;

	if (p == NULL) {
		snprintf(why, n, "out of memory");
		return -1;
	}
	phases_walk(t, p);
	if (a >= p->n || b >= p->n || !p->dispatched[a] || !p->dispatched[b]) {
		snprintf(why, n, "the run has %d phases; phase %d dispatched nothing", p->n,
			 a >= p->n || !p->dispatched[a] ? a : b);
		goto out;
	}
	why[0] = '\0';
	if (worker >= 0)
		snprintf(why, n, "w%d's deepest CQ: %llu in phase %d, %llu in phase %d; ", worker,
			 (unsigned long long)p->deepest[a][worker], a, (unsigned long long)p->deepest[b][worker], b);
	phase_figures(p, a, why, n);
	size_t used = strlen(why);
	snprintf(why + used, n - used, "; ");
	phase_figures(p, b, why, n);
	rc = worker < 0 || p->deepest[a][worker] <= p->deepest[b][worker] ? 0 : -1;
out:
	free(p);
	return rc;
}

/* Runs a probe. */
int lab_probe_run(const struct lab *lab, const struct lab_check *c, const struct lab_trace *t,
		  struct lab_answers *found, char *why, size_t n)
{
	lab_answers_clear(found);
	why[0] = '\0';
	switch (probe_find(c->probe)) {
	case PROBE_TRACE:
		return run_trace(c, t, why, n);
	case PROBE_WORKERS:
		return run_workers(c, t, found, why, n);
	case PROBE_WORKER:
		return run_worker(c, t, found, why, n);
	case PROBE_HANDOFF:
		return run_handoff(c, t, found, why, n);
	case PROBE_PATH:
		return run_path(c, t, found, why, n);
	case PROBE_COUNT:
		return run_count(c, t, found, why, n);
	case PROBE_PAUSE_AFTER:
		return run_accept_gate(c, t, false, found, why, n);
	case PROBE_RESUME_AFTER:
		return run_accept_gate(c, t, true, found, why, n);
	case PROBE_GOAL:
		return run_goal(lab, c, t, why, n);
	case PROBE_INVARIANTS:
		return run_invariants(t, why, n);
	case PROBE_CQ_MAX:
		return run_cq_max(c, t, why, n);
	case PROBE_CQ_DEPTHS:
		return run_cq_depths(c, t, why, n);
	case PROBE_BUILD:
	case PROBE_TESTS:
	case PROBE_TSAN:
		snprintf(why, n, "probe %s runs a lab build's programs, not a walk of a trace", c->probe);
		return -1;
	case LAB_PROBE_COUNT:
		break;
	}
	snprintf(why, n, "unknown probe '%s'", c->probe);
	return -1;
}
