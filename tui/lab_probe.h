/*
 * lab_probe.h: what a check measures in a run's trace. A probe names the
 * answers it finds (the keys of the answers file, known before any run)
 * and finds them in the events: which worker got each connection (or one
 * connection, under a key of its own), the
 * hand-off's order, a connection's state path, how many events of a kind,
 * whether a goal was reached. No curses here.
 */
#ifndef MCSCOPE_TUI_LAB_PROBE_H
#define MCSCOPE_TUI_LAB_PROBE_H

#include <stddef.h>

#include "lab.h"
#include "lab_answers.h"
#include "lab_trace.h"

/* The probes: enum name, name, arguments, what it finds. */
#define LAB_PROBES(X) \
	X(PROBE_TRACE, trace, "[threads=N]", "the trace is a whole run (of a server with N workers)") \
	X(PROBE_WORKERS, workers, "n=N [from=I]", \
	  "connI..conn(I+N-1) = the worker each of those client connections was dispatched to") \
	X(PROBE_WORKER, worker, "conn=I key=K", "K = the worker client connection I was dispatched to") \
	X(PROBE_HANDOFF, handoff, "conn=I", \
	  "worker, and step1..step7 = 'THREAD EVENT' of connection I's hand-off, in seq order") \
	X(PROBE_PATH, path, "conn=I key=K", "K = the states client connection I went through") \
	X(PROBE_COUNT, count, "ev=EVENT key=K [conn=I] [thr=THR]", "K = how many such events") \
	X(PROBE_PAUSE_AFTER, pause_after, "key=K", \
	  "K = the client connection accepted last before the first accept_pause") \
	X(PROBE_RESUME_AFTER, resume_after, "key=K", \
	  "K = the client connection that closed last before the first accept_resume") \
	X(PROBE_GOAL, goal, "name=GOAL", "the goal is reached in the trace")

#define LAB_PROBE_ENUM_(e, name, args, text) e,
enum lab_probe { LAB_PROBES(LAB_PROBE_ENUM_) LAB_PROBE_COUNT };
#undef LAB_PROBE_ENUM_

/* The steps of a TCP connection's hand-off (handoff's step1..step7). */
#define LAB_HANDOFF_STEPS 7

/*
 * Checks c's probe and arguments and adds its keys to keys (values "?").
 * -1 with a message naming lab.conf's line when they are not valid.
 */
int lab_probe_keys(const struct lab *lab, const struct lab_check *c, struct lab_answers *keys);

/*
 * Runs c's probe on the trace: its answers go to found. 0; -1 with why
 * (what the trace lacks) when it cannot say.
 */
int lab_probe_run(const struct lab *lab, const struct lab_check *c, const struct lab_trace *t,
		  struct lab_answers *found, char *why, size_t n);

#endif
