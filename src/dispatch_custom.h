/*
 * dispatch_custom.h: the dispatch policy a lab build plugs in.
 *
 * --dispatch=custom (or the control command "dispatch custom") asks
 * dispatch_custom_select() to pick the worker for each new TCP connection.
 * The shipped mcscoped defines no such function: the declaration below is
 * weak, so the symbol is NULL there, and custom is refused with an error.
 * A lab build (mcscope lab check, for a lab of kind code) compiles the
 * student's file, which defines it, into a separate server, mcscoped-lab.
 *
 * The function runs on the main thread only, in dispatch_conn_new, so what
 * it keeps between calls needs no lock.
 */
#ifndef MCSCOPE_DISPATCH_CUSTOM_H
#define MCSCOPE_DISPATCH_CUSTOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a policy sees of the workers when it picks one for a new connection. */
struct dispatch_view {
	int nthreads;               /* workers w0 .. w(nthreads-1) */
	int last_thread;            /* the worker picked last (memcached's last_thread), -1 before the first */
	const uint64_t *open_conns; /* open_conns[i]: worker i's connections, open or still queued */
	const unsigned *cq_depth;   /* cq_depth[i]: connections waiting in worker i's CQ now */
};

/* Picks the worker (0 .. v->nthreads-1) for a new connection; defined only by a lab build. */
int dispatch_custom_select(const struct dispatch_view *v) __attribute__((weak));

/* True when a lab build plugged a policy in. */
static inline bool dispatch_custom_present(void)
{
	return dispatch_custom_select != NULL;
}

#endif
