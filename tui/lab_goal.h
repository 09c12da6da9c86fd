/*
 * lab_goal.h: a lab's goals, checked on the event stream as it comes:
 * the Lab panel ticks each one the moment the events show it reached,
 * and a play lab's check feeds the saved proof trace through the same
 * detectors, so a pass is re-verified from the events, never trusted.
 * Each detector keeps a small, bounded state of its own. No curses here.
 */
#ifndef MCSCOPE_TUI_LAB_GOAL_H
#define MCSCOPE_TUI_LAB_GOAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "lab.h"

/* The detectors: enum name, name, arguments, what it waits for. */
#define LAB_DETECTORS(X) \
	X(GOAL_DISPATCHED_ALL, dispatched_all, "", "a connection dispatched to every worker") \
	X(GOAL_RR_WRAP, rr_wrap, "", "a dispatch to w0 right after one to the last worker") \
	X(GOAL_EVENT, event, "ev=EVENT [count=N] [thr=THR]", "N events of that kind (default 1)") \
	X(GOAL_STATE, state, "to=STATE [count=N]", "N moves of any connection into STATE") \
	X(GOAL_CQ_UNPOPPED, cq_unpopped, "worker=K depth=D", \
	  "wK's CQ holds D connections while wK has popped none") \
	X(GOAL_LATE_POP, late_pop, "", \
	  "a cq_pop of a connection after one dispatched later was served (conn_new) by another worker") \
	X(GOAL_NREAD_HOLD, nread_hold, "cmds=N", \
	  "a connection waits in conn_nread while other workers process N commands")

#define LAB_DETECTOR_ENUM_(e, name, args, text) e,
enum lab_detector { LAB_DETECTORS(LAB_DETECTOR_ENUM_) LAB_DETECTOR_COUNT };
#undef LAB_DETECTOR_ENUM_

/* Connections a detector follows at once; beyond them the oldest is forgotten. */
#define LAB_GOAL_TRACKED 64

struct lab_goal_conn {
	uint64_t conn;
	int worker;
	uint64_t n;          /* nread_hold: commands seen meanwhile */
	uint64_t seq;        /* late_pop: its dispatch's seq */
	bool popped;         /* late_pop: its worker has taken it off the CQ */
	bool overtaken;      /* late_pop: a later one was served elsewhere while it was queued */
};

struct lab_goal_state {
	const struct lab_goal *goal;
	enum lab_detector detector;
	bool reached;
	uint64_t reached_seq;      /* the seq of the event that reached it */
	int threads;               /* from hello; 0 before */
	/* Arguments. */
	int ev, thr, state, worker;
	uint64_t count, depth;
	/* Progress. */
	uint64_t seen;             /* events counted; cq_unpopped: deepest CQ so far */
	bool spoiled;              /* cq_unpopped: the worker popped first */
	int last_to;               /* the latest dispatch's worker, -1 before */
	uint64_t done_mask[4];     /* dispatched_all: workers dispatched to (256 bits) */
	struct lab_goal_conn tracked[LAB_GOAL_TRACKED];
	int ntracked;
};

/* The name of a detector. */
const char *lab_detector_name(enum lab_detector d);

/*
 * Sets s up for goal g; -1 with a message naming g's line in lab.conf
 * when its detector or arguments are not known or not valid.
 */
int lab_goal_init(struct lab_goal_state *s, const struct lab_goal *g, const char *conf_path);

/* Feeds one event; true when this event reached the goal (once). */
bool lab_goal_feed(struct lab_goal_state *s, const struct event *e);

/* Writes how far the events have come towards the goal ("w1's CQ was 2 deep at most"). */
void lab_goal_progress(const struct lab_goal_state *s, char *buf, size_t n);

#endif
