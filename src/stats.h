/*
 * stats.h: memcached's counters.
 *
 * Each worker counts into its own struct thread_stats with relaxed atomic
 * adds (no lock, no cache line shared with another worker); "stats" sums
 * them on demand (stats_write.c writes the stats command family).
 */
#ifndef MCSCOPE_STATS_H
#define MCSCOPE_STATS_H

#include <stdint.h>

/* Per-worker counters, named as in memcached's "stats" output. */
#define STATS_THREAD_FIELDS(X) \
	X(cmd_get) X(cmd_set) X(cmd_touch) X(cmd_flush) \
	X(get_hits) X(get_misses) X(get_expired) X(get_flushed) \
	X(delete_hits) X(delete_misses) \
	X(incr_hits) X(incr_misses) X(decr_hits) X(decr_misses) \
	X(cas_hits) X(cas_misses) X(cas_badval) \
	X(touch_hits) X(touch_misses) \
	X(bytes_read) X(bytes_written) X(conn_yields) X(idle_kicks)

struct thread_stats {
#define STATS_FIELD_(name) uint64_t name;
	STATS_THREAD_FIELDS(STATS_FIELD_)
#undef STATS_FIELD_
};

/* Adds n to a counter; any thread may read it meanwhile. */
#define STATS_ADD(st, field, n) __atomic_fetch_add(&(st)->field, (n), __ATOMIC_RELAXED)
#define STATS_INCR(st, field) STATS_ADD(st, field, 1)
#define STATS_GET(st, field) __atomic_load_n(&(st)->field, __ATOMIC_RELAXED)

/* Server-wide counters kept by the main thread and conn code. */
struct server_stats {
	uint64_t curr_conns;          /* client connections open now */
	uint64_t total_conns;         /* client connections accepted */
	uint64_t rejected_conns;      /* accepted, then refused */
	uint64_t conn_structures;     /* conns allocated */
	uint64_t listen_disabled_num; /* times accepting stopped */
};

extern struct server_stats server_stats;

#endif
