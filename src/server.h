/*
 * server.h: the main thread (the "half-async" side): listening sockets,
 * start-up, signals, shutdown. Accepting is drive_machine's (conn_listening),
 * pausing it accept.c's.
 */
#ifndef MCSCOPE_SERVER_H
#define MCSCOPE_SERVER_H

#include "settings.h"

/* Runs the server with the given settings until SIGINT/SIGTERM; returns the exit status. */
int server_run(const struct settings *s);

#endif
