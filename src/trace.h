/*
 * trace.h: the server's trace points.
 *
 * TRACE(EVT_x, .conn = id, ...) records one event into the calling
 * thread's own ring; a publisher thread turns records into protocol lines
 * for the trace-socket clients (PROTOCOL.md). While nobody listens a trace
 * point costs one predictable branch on a flag, and with -Dtrace=false it
 * compiles to nothing.
 */
#ifndef MCSCOPE_TRACE_H
#define MCSCOPE_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "trace_rec.h"

#ifndef MCSCOPE_TRACE
#define MCSCOPE_TRACE 1
#endif

/* Non-zero while some client listens: the one thing a trace point looks at. */
extern int trace_on;

#if MCSCOPE_TRACE
#define TRACE(EV, ...)                                                              \
	do {                                                                        \
		if (__builtin_expect(__atomic_load_n(&trace_on, __ATOMIC_RELAXED), 0)) \
			trace_emit(&(struct trace_rec){ .ev = (EV), __VA_ARGS__ });  \
	} while (0)
#define TRACE_ON() __builtin_expect(__atomic_load_n(&trace_on, __ATOMIC_RELAXED), 0)
#else
#define TRACE(EV, ...) do { } while (0)
#define TRACE_ON() 0
#endif

/* Prepares a ring for the main thread and each of nthreads workers; -1 on failure. */
int trace_init(int nthreads);

/* Frees the rings (after every thread that records has stopped). */
void trace_destroy(void);

/* Binds the calling thread to its ring: TRACE_THR_MAIN or a worker index. */
void trace_thread_register(int thr);

/* Stamps a record (ts, seq, thr) and pushes it into the calling thread's ring. */
void trace_emit(struct trace_rec *r);

/* Returns the ring of a thread (TRACE_THR_MAIN or a worker index), NULL when out of range. */
struct trace_ring *trace_ring_of(int thr);

/* Returns the number of threads with a ring: workers plus main. */
int trace_nrings(void);

/* Returns nanoseconds since the server started, as ts= counts them. */
uint64_t trace_now(void);

/* Returns the newest sequence number handed out. */
uint64_t trace_last_seq(void);

/* Takes a fresh sequence number (for lines the publisher makes itself). */
uint64_t trace_next_seq(void);

/* Counters for stats: events recorded, events lost, clients connected. */
struct trace_counters {
	uint64_t events;
	uint64_t dropped;
	uint64_t clients;
};
extern struct trace_counters trace_counters;

#endif
