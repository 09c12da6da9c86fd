/*
 * trace.h: the server's trace points.
 *
 * TRACE(x, values...) first waits at the thread's gate when step mode says
 * so (trace_gate.h), then records the event into the calling
 * thread's own ring; a publisher thread turns records into protocol lines
 * for the trace-socket clients (PROTOCOL.md). While nobody listens and no
 * gate is set, a trace point costs one predictable branch on a flag; with
 * -Dtrace=false it compiles to nothing.
 *
 * A trace point inside a lock is TRACE_LOCKED, which never waits: its gate
 * is a TRACE_GATE placed before the lock is taken.
 */
#ifndef MCSCOPE_TRACE_H
#define MCSCOPE_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "trace_rec.h"

#ifndef MCSCOPE_TRACE
#define MCSCOPE_TRACE 1
#endif

#define TRACE_RECORD 1 /* some client listens: record events */
#define TRACE_GATES 2  /* some gate is set: trace points check it */
#define TRACE_COUNT 4  /* every client is too far behind: count events as dropped, don't record */

/* TRACE_RECORD | TRACE_GATES: the one thing a trace point looks at. */
extern int trace_on;

/*
 * TRACE_REC(dispatch, conn, fd, to, ...) is a record of an event with its
 * values, in the order wire.h lists the event's keys; the compiler checks
 * that their number is the one wire.h declares.
 */
#define TRACE_REC(EV, ...) \
	((struct trace_rec){ .ev = EVT_##EV + TRACE_ARITY_(EV, ##__VA_ARGS__), .v = { __VA_ARGS__ } })
#define TRACE_NARGS_(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, N, ...) N
#define TRACE_ARITY_(EV, ...)                                                                \
	(0 * sizeof(struct {                                                                 \
		_Static_assert(TRACE_NARGS_(_, ##__VA_ARGS__, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0) ==   \
				       WIRE_NVALUES_##EV,                                     \
			       "TRACE(" #EV ", ...) must pass the values of the keys wire.h lists"); \
		int unused_;                                                                 \
	}))

#if MCSCOPE_TRACE
#define TRACE_ON() __builtin_expect(__atomic_load_n(&trace_on, __ATOMIC_RELAXED) != 0, 0)
#define TRACE(EV, ...)                                                              \
	do {                                                                        \
		if (TRACE_ON())                                                     \
			trace_point(&TRACE_REC(EV, ##__VA_ARGS__), true);           \
	} while (0)
#define TRACE_LOCKED(EV, ...)                                                       \
	do {                                                                        \
		if (TRACE_ON())                                                     \
			trace_point(&TRACE_REC(EV, ##__VA_ARGS__), false);          \
	} while (0)
#define TRACE_GATE(EV, CONN)                                                        \
	do {                                                                        \
		if (TRACE_ON())                                                     \
			trace_gate_here(EVT_##EV, (CONN));                          \
	} while (0)
#else
/* Compiled out, yet still checked: the values' count, their types, and that each is used. */
#define TRACE_ON() 0
#define TRACE(EV, ...) do { if (0) trace_point(&TRACE_REC(EV, ##__VA_ARGS__), true); } while (0)
#define TRACE_LOCKED(EV, ...) do { if (0) trace_point(&TRACE_REC(EV, ##__VA_ARGS__), false); } while (0)
#define TRACE_GATE(EV, CONN) do { if (0) trace_gate_here(EVT_##EV, (CONN)); } while (0)
#endif

/* Prepares a ring for the main thread, each of nthreads workers and, when timeout_thread, the
 * conn_timeout thread; -1 on failure. */
int trace_init(int nthreads, bool timeout_thread);

/* Frees the rings (after every thread that records has stopped). */
void trace_destroy(void);

/* Binds the calling thread to its ring: TRACE_THR_MAIN, TRACE_THR_TIMEOUT or a worker index. */
void trace_thread_register(int thr);

/* A trace point: waits at the gate first when gate is true, then records r. */
void trace_point(struct trace_rec *r, bool gate);

/* Waits at the calling thread's gate, if it has one, before event ev of conn. */
void trace_gate_here(enum wire_event ev, uint64_t conn);

/* Stamps a record (ts, seq, thr) and pushes it into the calling thread's ring, when anybody listens. */
void trace_record(struct trace_rec *r);

/* Returns the ring of a thread (TRACE_THR_MAIN, TRACE_THR_TIMEOUT or a worker index), NULL when
 * it has none. */
struct trace_ring *trace_ring_of(int thr);

/* Returns a thread's ring index (0 main, 1 + K worker K, then the timeout thread's), -1 when it
 * has no ring. */
int trace_ring_index(int thr);

/* Returns the thread of ring index i (0 <= i < trace_nrings()). */
int trace_ring_thr(int i);

/* Returns the number of threads with a ring: workers plus main, plus the timeout thread's. */
int trace_nrings(void);

/* Returns nanoseconds since the server started, as ts= counts them. */
uint64_t trace_now(void);

/* Returns the newest sequence number handed out. */
uint64_t trace_last_seq(void);

/* Takes a fresh sequence number (for lines the publisher makes itself). */
uint64_t trace_next_seq(void);

/* Counters for stats: events recorded, events a client's full buffer lost, clients connected,
 * clients turned away at --trace-clients, times departed clients' memory went back (trace_release.c). */
struct trace_counters {
	uint64_t events;
	uint64_t dropped;
	uint64_t clients;
	uint64_t refused;
	uint64_t trims;
};
extern struct trace_counters trace_counters;

/* Returns every event lost so far: at the clients' buffers (trace_counters.dropped) and in the
 * threads' rings, counted as they happen, not when the publisher next drains. */
uint64_t trace_dropped_total(void);

#endif
