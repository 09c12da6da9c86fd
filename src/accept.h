/*
 * accept.h: accept pausing, memcached's accept_new_conns.
 *
 * The main thread stops accepting when -c connections are open or it runs
 * out of file descriptors, and starts again once a client conn closes (or,
 * after EMFILE, a moment later). Any thread may report a close.
 *
 * conn.c reports every close here, so this module does not call conn.c: the
 * server hands it the function that starts and stops the listening conns.
 */
#ifndef MCSCOPE_ACCEPT_H
#define MCSCOPE_ACCEPT_H

#include <event2/event.h>
#include <stdbool.h>

#include "wire.h"

/* Sets up accept pausing on the main thread's base; listening(on) starts or stops watching
 * every listening conn. -1 with a message on failure. */
int accept_init(struct event_base *base, void (*listening)(bool on));

/* Frees what accept_init set up (main thread, once its loop has ended). */
void accept_destroy(void);

/* Starts or stops accepting on every listening conn (main thread only). */
void accept_new_conns(bool do_accept, enum accept_pause_reason reason);

/* Counts a client connection closed and, if accepting is paused, wakes the main thread
 * (any thread). */
void accept_conn_closed(void);

#endif
