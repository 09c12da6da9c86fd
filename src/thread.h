/*
 * thread.h: the worker threads (the "half-sync" side) and their bookkeeping.
 *
 * Each worker owns an event base, a connection queue and the read end of a
 * notify pipe. The main thread talks to a worker only through those two:
 * cq_push() an item, then write one command byte to the pipe.
 *
 * This module also keeps each worker's books, as memcached's thread.c does:
 * its list of conns and their lock, and its counters. conn.c and dispatch.c
 * change them only through the functions below. Since conn.c calls this
 * module, this module never calls conn.c by name: the server hands it
 * conn_new and conn_close (struct thread_conn_ops) at thread_init.
 */
#ifndef MCSCOPE_THREAD_H
#define MCSCOPE_THREAD_H

#include <event2/event.h>
#include <event2/event_struct.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "cq.h"
#include "stats.h"
#include "wire.h"

struct conn;
struct resp;
struct storage;
struct worker;

/* The command bytes written to a worker's notify pipe: by the main thread, or ('t') by the
 * timeout thread. The pipe is the one way into a worker's event loop from any other thread. */
#define NOTIFY_NEW_CONN 'c' /* a new connection is waiting in your CQ */
#define NOTIFY_PAUSE 'p'    /* report in to the main thread */
#define NOTIFY_STOP 's'     /* close your connections and leave the event loop */
#define NOTIFY_TIMEOUT 't'  /* followed by an int fd: that conn sat idle too long, close it */

/* A conn's place in the list of the thread that owns it (struct conn embeds one as c->link),
 * so that the list can be kept here without knowing a conn's insides. */
struct thread_conn_link {
	struct conn *conn;
	struct thread_conn_link *prev, *next;
};

/* What a worker does to its conns, by functions of conn.c the server hands in. */
struct thread_conn_ops {
	/* Makes a conn of worker w from a queued item; NULL on failure (the fd is left open). */
	struct conn *(*conn_new)(int sfd, uint64_t id, enum conn_states init_state,
				 int event_flags, int read_buffer_size, enum transport transport,
				 struct event_base *base, struct worker *worker);
	/* Closes a conn (and through thread_conn_remove takes it off its worker's list). */
	void (*conn_close)(struct conn *c, enum close_reason reason);
	/* Closes worker w's conn on fd if it is still idle (after a 't'); false when it is not. */
	bool (*conn_close_idle)(struct worker *w, int fd);
};

struct worker {
	pthread_t thread_id;
	int index;                       /* 0..num_threads-1, shown as wK */
	struct event_base *base;
	struct event notify_event;
	int notify_receive_fd;
	int notify_send_fd;
	struct conn_queue new_conn_queue;
	struct thread_stats stats;
	struct storage *storage;         /* the item store every worker shares */
	/* The books, changed only by this module's functions: by the main thread (dispatched, and
	 * open_conns at dispatch) or the worker (the rest); read by stats and the trace snapshot. */
	uint64_t dispatched;
	uint64_t open_conns;
	uint64_t notify_read;
	uint64_t notify_written;
	/* The worker's conns; the lock guards membership so that "stats conns" can walk it. */
	pthread_mutex_t conns_lock;
	struct thread_conn_link *conns;
} __attribute__((aligned(64)));

/* One reading of a worker's counters (each read atomically: together they may be a conn apart). */
struct thread_counters {
	uint64_t dispatched;
	uint64_t open_conns;
	uint64_t notify_read;
	uint64_t notify_written;
};

/* Every worker, set up by thread_init. */
extern struct worker *workers;
extern int num_workers;

/* Creates nthreads workers that make and close their conns with ops, starts them and waits until
 * each has reported in ('p'); -1 on failure. */
int thread_init(int nthreads, struct storage *storage, const struct thread_conn_ops *ops);

/* Tells every worker to stop ('s') and joins them; their structs stay readable. */
void thread_stop(void);

/* Frees the stopped workers (once nothing else reads them: the trace publisher is stopped). */
void thread_free(void);

/* Writes one command byte to a worker's notify pipe; -1 on failure. */
int thread_notify(struct worker *w, char byte);

/* Writes 't' and fd to a worker's notify pipe in one write (the timeout thread, under w's list
 * lock: it never waits at a gate); -1 on failure (the pipe is full: the next pass retries). */
int thread_notify_timeout(struct worker *w, int fd);

/* Counts a conn handed to worker w (main thread, at dispatch): one more dispatched and open. */
void thread_count_dispatch(struct worker *w);

/* Puts conn c, which worker w now owns, at the head of w's list (the worker's thread). */
void thread_conn_add(struct worker *w, struct thread_conn_link *link, struct conn *c);

/* Takes a conn off worker w's list and counts it closed (the worker's thread). */
void thread_conn_remove(struct worker *w, struct thread_conn_link *link);

/* Calls fn for every worker's conns, newest first, worker by worker, holding that worker's list
 * lock: fn must not block or take other conn locks. */
void thread_conn_foreach(void (*fn)(struct conn *c, int thr, void *arg), void *arg);

/* Calls fn for worker w's conns, as thread_conn_foreach does. */
void thread_worker_conn_foreach(struct worker *w, void (*fn)(struct conn *c, int thr, void *arg),
				void *arg);

/* Returns how many conns worker w has open or queued. */
uint64_t thread_open_conns(struct worker *w);

/* Reads worker w's counters into out. */
void thread_counters_read(struct worker *w, struct thread_counters *out);

/* Sums every worker's counters into out. */
void thread_stats_aggregate(struct thread_stats *out);

/* Writes "stats threads": per worker dispatched, open, CQ depth and highest, notify bytes read. */
void thread_stats_write(struct resp *out);

#endif
