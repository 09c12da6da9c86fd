/*
 * server.h: the main thread (the "half-async" side): listening sockets,
 * accepting, pausing accepts at the connection limit, signals, shutdown.
 */
#ifndef MCSCOPE_SERVER_H
#define MCSCOPE_SERVER_H

#include <event2/event.h>

#include "settings.h"

struct storage;

/* The main thread's event base. */
extern struct event_base *main_base;

/* The item store every worker shares. */
extern struct storage *server_storage;

/* Runs the server with the given settings until SIGINT/SIGTERM; returns the exit status. */
int server_run(const struct settings *s);

/* Starts or stops accepting on every listening conn (main thread only). */
void accept_new_conns(bool do_accept, enum accept_pause_reason reason);

/* Handles a pending SIGINT/SIGTERM on the signal fd, if any: opens every gate and ends the
 * main loop (any thread: the main thread itself may be stopped at a gate). */
void server_signal_read(int signal_fd);

/* Tells the main thread that a client connection closed (any thread). */
void server_conn_closed(void);

#endif
