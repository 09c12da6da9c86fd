/* lab_goal.c: the goal detectors, fed one event at a time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "lab_goal.h"

#define LAB_DETECTOR_NAME_(e, name, args, text) #name,
static const char *const detector_names[] = { LAB_DETECTORS(LAB_DETECTOR_NAME_) };
#undef LAB_DETECTOR_NAME_
#define LAB_DETECTOR_ARGS_(e, name, args, text) args,
static const char *const detector_args[] = { LAB_DETECTORS(LAB_DETECTOR_ARGS_) };
#undef LAB_DETECTOR_ARGS_

/* The name of a detector. */
const char *lab_detector_name(enum lab_detector d)
{
	return d < LAB_DETECTOR_COUNT ? detector_names[d] : "?";
}

/* Reads a number argument 0..max into *out (dflt when absent); false when it is not one. */
static bool arg_num(const struct lab_goal *g, const char *key, uint64_t dflt, uint64_t max, uint64_t *out)
{
	const char *v = lab_arg(&g->args, key, NULL);
	char *end;

	*out = dflt;
	if (v == NULL)
		return true;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n > max)
		return false;
	*out = n;
	return true;
}

/* Sets s up for g. */
int lab_goal_init(struct lab_goal_state *s, const struct lab_goal *g, const char *conf_path)
{
	const char *v;
	uint64_t n;

	memset(s, 0, sizeof(*s));
	s->goal = g;
	s->last_to = -1;
	s->ev = -1;
	s->thr = EVENT_THR_NONE;
	s->state = -1;
	for (s->detector = 0; s->detector < LAB_DETECTOR_COUNT; s->detector++)
		if (strcmp(g->detector, detector_names[s->detector]) == 0)
			break;
	if (s->detector == LAB_DETECTOR_COUNT) {
		diag_error("%s:%d: unknown detector '%s'", conf_path, g->line, g->detector);
		return -1;
	}
	if (!arg_num(g, "count", 1, 1000000, &s->count) || s->count == 0 ||
	    !arg_num(g, "depth", 1, 1000000, &s->depth) || !arg_num(g, "cmds", 1, 1000000, &n) || n == 0)
		goto bad;
	if (s->detector == GOAL_NREAD_HOLD)
		s->count = n;
	/* dispatched_all keeps a bit per worker: 256 of them. */
	if (!arg_num(g, "worker", 0, 255, &n))
		goto bad;
	s->worker = (int)n;
	if ((v = lab_arg(&g->args, "ev", NULL)) != NULL &&
	    (s->ev = wire_event_from_name(v, strlen(v))) < 0)
		goto bad;
	if ((v = lab_arg(&g->args, "thr", NULL)) != NULL && !event_thr_parse(v, strlen(v), &s->thr))
		goto bad;
	if ((v = lab_arg(&g->args, "to", NULL)) != NULL && (s->state = wire_state_from_name(v)) < 0)
		goto bad;
	if ((s->detector == GOAL_EVENT && s->ev < 0) || (s->detector == GOAL_STATE && s->state < 0) ||
	    (s->detector == GOAL_CQ_UNPOPPED && lab_arg(&g->args, "worker", NULL) == NULL))
		goto bad;
	return 0;
bad:
	diag_error("%s:%d: goal '%s': detector %s takes %s", conf_path, g->line, g->name,
		   detector_names[s->detector], detector_args[s->detector][0] ? detector_args[s->detector] : "no arguments");
	return -1;
}

/* Finds a followed connection, or NULL. */
static struct lab_goal_conn *tracked_find(struct lab_goal_state *s, uint64_t conn)
{
	for (int i = 0; i < s->ntracked; i++)
		if (s->tracked[i].conn == conn)
			return &s->tracked[i];
	return NULL;
}

/* Follows a connection, forgetting the oldest when full. */
static struct lab_goal_conn *tracked_add(struct lab_goal_state *s, uint64_t conn, int worker)
{
	if (s->ntracked == LAB_GOAL_TRACKED) {
		memmove(&s->tracked[0], &s->tracked[1], sizeof(s->tracked[0]) * (LAB_GOAL_TRACKED - 1));
		s->ntracked--;
	}
	s->tracked[s->ntracked] = (struct lab_goal_conn){ .conn = conn, .worker = worker };
	return &s->tracked[s->ntracked++];
}

/* Stops following a connection. */
static void tracked_remove(struct lab_goal_state *s, uint64_t conn)
{
	struct lab_goal_conn *c = tracked_find(s, conn);

	if (c == NULL)
		return;
	*c = s->tracked[--s->ntracked];
}

/* dispatched_all: every worker got a connection. */
static bool feed_dispatched_all(struct lab_goal_state *s, const struct event *e)
{
	int to = event_idx(e, KEY_to, -1);

	if (e->ev != EVT_dispatch || to < 0 || to >= 256)
		return false;
	s->done_mask[to / 64] |= 1ULL << (to % 64);
	s->seen = 0;
	for (int w = 0; w < s->threads && w < 256; w++)
		s->seen += (s->done_mask[w / 64] >> (w % 64)) & 1;
	return s->threads > 0 && s->seen == (uint64_t)s->threads;
}

/* rr_wrap: w0 right after the last worker. */
static bool feed_rr_wrap(struct lab_goal_state *s, const struct event *e)
{
	int to = event_idx(e, KEY_to, -1), last = s->last_to;

	if (e->ev != EVT_dispatch || to < 0)
		return false;
	s->last_to = to;
	s->seen++;
	return s->threads > 1 && to == 0 && last == s->threads - 1;
}

/* cq_unpopped: the worker's queue deep enough before its first pop. */
static bool feed_cq_unpopped(struct lab_goal_state *s, const struct event *e)
{
	if (e->ev == EVT_cq_pop && e->thr == s->worker)
		s->spoiled = true;
	if (e->ev != EVT_cq_push || event_idx(e, KEY_to, -1) != s->worker || s->spoiled)
		return false;
	uint64_t depth = event_num(e, KEY_depth, 0);
	if (depth > s->seen)
		s->seen = depth;
	return depth >= s->depth;
}

/* late_pop: a pop after a connection dispatched later was served (conn_new) by another worker. */
static bool feed_late_pop(struct lab_goal_state *s, const struct event *e)
{
	uint64_t conn = event_num(e, KEY_conn, 0);
	struct lab_goal_conn *c;

	switch (e->ev) {
	case EVT_dispatch:
		c = tracked_add(s, conn, event_idx(e, KEY_to, -1));
		c->seq = e->seq;
		return false;
	case EVT_cq_pop:
		if ((c = tracked_find(s, conn)) == NULL)
			return false;
		c->popped = true;
		return c->overtaken;
	case EVT_conn_new:
		if ((c = tracked_find(s, conn)) == NULL)
			return false;
		/* Every connection dispatched before it, still queued on another worker, is overtaken. */
		for (int i = 0; i < s->ntracked; i++) {
			struct lab_goal_conn *x = &s->tracked[i];
			if (!x->popped && x->worker != e->thr && x->seq < c->seq)
				x->overtaken = true;
		}
		tracked_remove(s, conn);
		return false;
	default:
		return false;
	}
}

/* nread_hold: commands elsewhere while a connection is in conn_nread. */
static bool feed_nread_hold(struct lab_goal_state *s, const struct event *e)
{
	uint64_t conn = event_num(e, KEY_conn, 0);

	if (e->ev == EVT_state) {
		int to = event_idx(e, KEY_to, -1);
		struct lab_goal_conn *c = tracked_find(s, conn);
		if (to == conn_nread && c == NULL)
			tracked_add(s, conn, e->thr);
		else if (to != conn_nread && c != NULL)
			tracked_remove(s, conn);
		return false;
	}
	if (e->ev == EVT_conn_close) {
		tracked_remove(s, conn);
		return false;
	}
	if (e->ev != EVT_cmd)
		return false;
	for (int i = 0; i < s->ntracked; i++)
		if (s->tracked[i].worker != e->thr) {
			s->tracked[i].n++;
			if (s->tracked[i].n > s->seen)
				s->seen = s->tracked[i].n;
			if (s->tracked[i].n >= s->count)
				return true;
		}
	return false;
}

/* Feeds one event. */
bool lab_goal_feed(struct lab_goal_state *s, const struct event *e)
{
	bool hit = false;

	if (e->ev == EVT_hello) {
		s->threads = (int)event_num(e, KEY_threads, 0);
		return false;
	}
	if (s->reached)
		return false;
	switch (s->detector) {
	case GOAL_DISPATCHED_ALL:
		hit = feed_dispatched_all(s, e);
		break;
	case GOAL_RR_WRAP:
		hit = feed_rr_wrap(s, e);
		break;
	case GOAL_EVENT:
		if (e->ev == s->ev && (s->thr == EVENT_THR_NONE || e->thr == s->thr))
			hit = ++s->seen >= s->count;
		break;
	case GOAL_STATE:
		if (e->ev == EVT_state && event_idx(e, KEY_to, -1) == s->state)
			hit = ++s->seen >= s->count;
		break;
	case GOAL_CQ_UNPOPPED:
		hit = feed_cq_unpopped(s, e);
		break;
	case GOAL_LATE_POP:
		hit = feed_late_pop(s, e);
		break;
	case GOAL_NREAD_HOLD:
		hit = feed_nread_hold(s, e);
		break;
	case LAB_DETECTOR_COUNT:
		break;
	}
	if (hit) {
		s->reached = true;
		s->reached_seq = e->seq;
	}
	return hit;
}

/* Writes the progress towards the goal. */
void lab_goal_progress(const struct lab_goal_state *s, char *buf, size_t n)
{
	unsigned long long seen = s->seen;

	if (s->reached) {
		snprintf(buf, n, "reached at seq %llu", (unsigned long long)s->reached_seq);
		return;
	}
	switch (s->detector) {
	case GOAL_DISPATCHED_ALL:
		snprintf(buf, n, "%llu of %d workers have had a connection", seen, s->threads);
		break;
	case GOAL_RR_WRAP:
		snprintf(buf, n, "%llu dispatches, none to w0 right after w%d", seen, s->threads - 1);
		break;
	case GOAL_EVENT:
		snprintf(buf, n, "%llu of %llu %s events", seen, (unsigned long long)s->count,
			 wire_event_name((enum wire_event)s->ev));
		break;
	case GOAL_STATE:
		snprintf(buf, n, "%llu of %llu moves into %s", seen, (unsigned long long)s->count,
			 wire_state_name((enum conn_states)s->state));
		break;
	case GOAL_CQ_UNPOPPED:
		if (s->spoiled)
			snprintf(buf, n, "w%d popped a connection when its CQ had been %llu deep at most; "
				 "start the lab again", s->worker, seen);
		else
			snprintf(buf, n, "w%d's CQ has been %llu deep at most (goal %llu)", s->worker, seen,
				 (unsigned long long)s->depth);
		break;
	case GOAL_LATE_POP:
		snprintf(buf, n, "no connection overtaken yet: none was still queued when a later one reached "
			 "conn_new on another worker");
		break;
	case GOAL_NREAD_HOLD:
		snprintf(buf, n, "at most %llu of %llu commands elsewhere while a connection was in conn_nread",
			 seen, (unsigned long long)s->count);
		break;
	case LAB_DETECTOR_COUNT:
		buf[0] = '\0';
		break;
	}
}
