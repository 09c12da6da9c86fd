/*
 * dispatch.h: how the main thread picks a worker for a new connection.
 *
 * dispatch_conn_new() is memcached's: choose a worker, fill a CQ_ITEM,
 * cq_push() it and write 'c' to the worker's notify pipe. The choice is
 * memcached's round robin by default, or least-loaded, or seeded random,
 * or the custom policy a lab build plugs in (dispatch_custom.h).
 */
#ifndef MCSCOPE_DISPATCH_H
#define MCSCOPE_DISPATCH_H

#include <stdint.h>

#include "cq.h"
#include "dispatch_custom.h"
#include "settings.h"

struct dispatcher {
	enum dispatch_policy policy; /* atomic: a control command may switch it */
	int last_thread;             /* memcached's last_thread: starts at -1; atomic (the trace reads it) */
	uint64_t rng;                /* xorshift64* state for DISPATCH_RANDOM */
};

/* Sets up a dispatcher with memcached's starting point (last_thread = -1). */
void dispatch_init(struct dispatcher *d, enum dispatch_policy policy, uint64_t seed);

/* Picks a worker among v's (v->last_thread is ignored: d keeps its own). */
int dispatch_select(struct dispatcher *d, enum transport transport, const struct dispatch_view *v);

/* Hands a new connection to a worker (main thread only); returns the worker index, -1 on failure. */
int dispatch_conn_new(int sfd, uint64_t conn_id, enum conn_states init_state, int event_flags,
		      int read_buffer_size, enum transport transport);

/* Returns the next connection id (unique for the life of the server). */
uint64_t dispatch_next_conn_id(void);

/* The server's dispatcher. */
extern struct dispatcher dispatcher;

#endif
