/*
 * lab_probe.h: what a check measures in a run's trace. A probe names the
 * answers it finds (the keys of the answers file, known before any run)
 * and finds them in the events: which worker got each connection (or one
 * connection, under a key of its own), the
 * hand-off's order, a connection's state path, how many events of a kind,
 * whether a goal was reached; for a write-code lab, the hand-off's
 * invariants and CQ depths. A run's phases are the stretches between
 * dispatch switches: phase 0 runs to the first policy event, phase 1 to
 * the next, and so on. The probes build, tests and tsan are a
 * write-code lab's and run programs, not a walk of the trace: lab_code.h
 * runs them. No curses here.
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
	X(PROBE_GOAL, goal, "name=GOAL", "the goal is reached in the trace") \
	X(PROBE_INVARIANTS, invariants, "", \
	  "each connection dispatched once, pushed on its worker's CQ, popped from it in FIFO order and " \
	  "conn_new'd there; every CQ depth= counts the pushes and pops before it") \
	X(PROBE_CQ_MAX, cq_max, "worker=K max=D [phase=A]", \
	  "wK's CQ never held more than D connections (in phase A)") \
	X(PROBE_CQ_DEPTHS, cq_depths, "phase=A with=B [worker=K]", \
	  "every worker's deepest CQ in phases A and B, shown; with worker=K, wK's got no deeper in A than in B") \
	X(PROBE_BUILD, build, "", "(code) the student's file compiles into the lab server") \
	X(PROBE_TESTS, tests, "name=GROUP [sanitize=thread]", \
	  "(code) the lab's test program passes GROUP (built with ThreadSanitizer: and makes no report)") \
	X(PROBE_TSAN, tsan, "", "(code) the run on a ThreadSanitizer build of the lab server makes no report")

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

/* The probe check c names; LAB_PROBE_COUNT when it is none. */
enum lab_probe lab_probe_of(const struct lab_check *c);

/*
 * Runs c's probe on the trace: its answers go to found. 0 (why may hold a
 * note, figures to show on a pass); -1 with why (what the trace lacks or
 * shows instead) when it cannot say or the check fails.
 */
int lab_probe_run(const struct lab *lab, const struct lab_check *c, const struct lab_trace *t,
		  struct lab_answers *found, char *why, size_t n);

#endif
