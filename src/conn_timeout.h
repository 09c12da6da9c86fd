/*
 * conn_timeout.h: memcached 1.5's idle timeout, a third kind of thread.
 *
 * With -o idle_timeout=N the server runs a conn_timeout thread beside the
 * main thread and the workers. Each pass it walks every worker's conns;
 * for a TCP conn idle between commands (in conn_new_cmd or conn_read) for
 * more than N seconds it writes 't' and the conn's fd to the owning
 * worker's notify pipe, then sleeps until the soonest next expiry. It never
 * touches a conn itself: the worker, reading 't', checks that the conn on
 * that fd is still idle and closes it (conn_close_idle). The notify pipe is
 * the one way into a worker's event loop, from the main thread or any other.
 */
#ifndef MCSCOPE_CONN_TIMEOUT_H
#define MCSCOPE_CONN_TIMEOUT_H

#include <stdbool.h>

#include "clock.h"

struct conn;
struct worker;

/* True when conn c counts as idle at now: TCP, between commands, and no command for more than
 * idle_timeout seconds (memcached's test, on both sides of the pipe). */
bool conn_is_idle(const struct conn *c, rel_time_t now, int idle_timeout);

/* Worker w, after a 't': closes its conn on fd with reason idle if that conn is still idle
 * (the fd may have closed, or been reused by a newer conn, since the timeout thread saw it);
 * false when nothing was closed. */
bool conn_close_idle(struct worker *w, int fd);

/* Starts the conn_timeout thread for settings.idle_timeout seconds (memcached's name); -1 on
 * failure. Call once the workers run. */
int start_conn_timeout_thread(void);

/* Stops and joins the conn_timeout thread, if it runs; before the workers stop. */
void stop_conn_timeout_thread(void);

#endif
