/*
 * fuzz_conn.h: the server's request path without a server, for the targets
 * that feed it (fuzz_proto_text, fuzz_udp).
 *
 * One worker of the target's own (a store, counters, an event base that
 * nobody dispatches) and a conn on a real socket, made as the server makes
 * them and run by drive_machine as the worker's event loop would run it:
 * whatever a client can send goes through the same states, buffers and
 * parser as on a live server.
 */
#ifndef MCSCOPE_FUZZ_CONN_H
#define MCSCOPE_FUZZ_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include "conn.h"

/* Sets up the worker: the settings' defaults, the clock, "stats", an event base. Call it once. */
void fuzz_conn_setup(void);

/* Gives the worker a fresh store and makes a conn on sfd as the server would for a client (TCP)
 * or for its UDP socket; aborts when that fails. */
struct conn *fuzz_conn_open(int sfd, enum transport transport);

/* True when the worker's conn has closed (and been freed). */
bool fuzz_conn_closed(void);

/* Runs drive_machine on the conn once, as a ready socket would, and counts the calls; aborts
 * after max calls for one input, as the conn then makes no progress. */
void fuzz_conn_drive(struct conn *c, size_t max);

/* True when the conn waits for bytes (EV_READ) and its socket has none: it is up to the client. */
bool fuzz_conn_waits(const struct conn *c);

/* Frees the store once the conn has closed; the next input starts from an empty one. */
void fuzz_conn_finish(void);

#endif
