/*
 * clock.h: the server's idea of time, as memcached keeps it.
 *
 * rel_time_t counts seconds since the server started. The main thread
 * ticks it once a second; tests move it forward with clock_advance() so
 * that expiry can be checked without waiting.
 */
#ifndef MCSCOPE_CLOCK_H
#define MCSCOPE_CLOCK_H

#include <stdint.h>
#include <time.h>

typedef uint32_t rel_time_t;

/* An exptime above this many seconds is an absolute unix time. */
#define CLOCK_REALTIME_MAXDELTA (60 * 60 * 24 * 30)

/* Records the start time; rel time starts at 2 so that 1 means "already expired". */
void clock_init(void);

/* Re-reads the wall clock; called once a second by the main thread. */
void clock_tick(void);

/* Returns the current rel time. */
rel_time_t clock_now(void);

/* Returns the unix time the server started at. */
time_t clock_process_started(void);

/* Moves the clock forward by the given seconds (tests only). */
void clock_advance(unsigned seconds);

/* Turns a protocol exptime into rel time: 0 never, negative or past: 1 (expired). */
rel_time_t clock_realtime(int64_t exptime);

/* Nanoseconds of a monotonic clock. */
uint64_t clock_mono_ns(void);

#endif
