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

/* Writes a thread's name ("main", "w2"). */
static const char *thr_name(int thr, char *buf, size_t n)
{
	if (thr == EVENT_THR_MAIN)
		snprintf(buf, n, "main");
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
	case LAB_PROBE_COUNT:
		break;
	}
	snprintf(why, n, "unknown probe '%s'", c->probe);
	return -1;
}
