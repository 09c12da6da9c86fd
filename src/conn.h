/*
 * conn.h: a connection and its state machine.
 *
 * A conn belongs to exactly one thread: the main thread for listening
 * conns, one worker for client conns. conn_set_state() is the only place
 * its state changes; drive_machine() runs it whenever libevent says its
 * socket is ready.
 */
#ifndef MCSCOPE_CONN_H
#define MCSCOPE_CONN_H

#include <event2/event.h>
#include <event2/event_struct.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "clock.h"
#include "proto_text.h"
#include "resp.h"
#include "thread.h"
#include "wire.h"

#define DATA_BUFFER_SIZE 2048       /* a TCP conn's first read buffer */
/* memcached's fixed read buffer: a command line, but for a long get or gets, must fit in
 * it with what is buffered before it, or the connection is hung up on. */
#define READ_BUFFER_SIZE 16384
#define UDP_READ_BUFFER_SIZE 65536  /* a UDP conn's read buffer: one whole datagram */

struct conn {
	int sfd;
	uint64_t id;                     /* unique for the life of the server */
	enum conn_states state;          /* written by conn_set_state only; read atomically by stats */
	enum conn_states write_and_go;   /* where conn_write goes when the reply is sent */
	enum transport transport;
	enum close_reason close_reason;
	struct event event;
	short ev_flags;
	short which;                     /* the events libevent just reported */
	struct event_base *base;
	struct worker *worker;           /* NULL for a listening conn */

	char *rbuf;                      /* read buffer */
	char *rcurr;                     /* next byte to parse */
	size_t rsize;
	size_t rbytes;                   /* unparsed bytes at rcurr */

	bool negotiated;                 /* TCP: the first byte has been looked at */
	struct proto_pending pending;    /* a storage command waiting for its value */
	char *ritem;                     /* where the next value byte goes */
	size_t rlbytes;                  /* value bytes still to read */
	size_t sbytes;                   /* bytes still to swallow */

	struct resp resp;
	struct proto_ctx ctx;

	/* UDP: the request being answered. */
	uint16_t request_id;
	struct sockaddr_storage request_addr;
	socklen_t request_addr_size;
	bool udp_quit;                   /* a quit came: memcached's UDP conn never forgets its
					    close_after_write, so every later flush ends the datagram */

	char peer[64];                   /* "tcp:1.2.3.4:5678", for stats conns */
	rel_time_t last_cmd_time;        /* atomic */
	struct thread_conn_link link;    /* in its thread's list: its worker's, or listen_conns */
};

/* Creates a conn on base for sfd and arms its event; NULL on failure (sfd left open). */
struct conn *conn_new(int sfd, uint64_t id, enum conn_states init_state, int event_flags,
		      int read_buffer_size, enum transport transport, struct event_base *base,
		      struct worker *worker);

/* Changes a conn's state: the one place that does, and the one place that reports it. */
void conn_set_state(struct conn *c, enum conn_states state);

/* Re-arms the conn's event with new flags; false on failure. */
bool conn_update_event(struct conn *c, int new_flags);

/* Closes a conn's socket, tells the main thread a slot is free and frees it. */
void conn_close(struct conn *c, enum close_reason reason);

/* Frees a conn's buffers and the conn, without touching the socket or counters. */
void conn_free(struct conn *c);

/* Runs the state machine until the conn must wait for its socket. */
void drive_machine(struct conn *c);

/* libevent's callback for every conn. */
void conn_event_handler(evutil_socket_t fd, short which, void *arg);

/* Calls fn for every conn, listening ones first (thr TRACE_THR_MAIN = -1, else the worker),
 * holding the owner's list lock: fn must not block or take other conn locks. */
void conn_foreach(void (*fn)(struct conn *c, int thr, void *arg), void *arg);

/* Writes "stats conns": every open conn's address, state, worker and idle seconds. */
void conn_stats_write(struct resp *out);

/* Starts (on) or stops libevent watching every listening TCP conn (main thread: accept pausing). */
void conn_listening_enable(bool on);

/* Closes and frees every listening conn (main thread, at shutdown). */
void conn_close_listening(void);

#endif
