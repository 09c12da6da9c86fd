/*
 * thread.h: the worker threads (the "half-sync" side).
 *
 * Each worker owns an event base, a connection queue and the read end of a
 * notify pipe. The main thread talks to a worker only through those two:
 * cq_push() an item, then write one command byte to the pipe.
 */
#ifndef MCSCOPE_THREAD_H
#define MCSCOPE_THREAD_H

#include <event2/event.h>
#include <event2/event_struct.h>
#include <pthread.h>
#include <stdint.h>

#include "cq.h"
#include "stats.h"

struct conn;
struct storage;

/* The command bytes the main thread writes to a worker's notify pipe. */
#define NOTIFY_NEW_CONN 'c' /* a new connection is waiting in your CQ */
#define NOTIFY_PAUSE 'p'    /* report in to the main thread */
#define NOTIFY_STOP 's'     /* close your connections and leave the event loop */

struct worker {
	pthread_t thread_id;
	int index;                       /* 0..num_threads-1, shown as wK */
	struct event_base *base;
	struct event notify_event;
	int notify_receive_fd;
	int notify_send_fd;
	struct conn_queue new_conn_queue;
	struct thread_stats stats;
	struct storage *storage;
	/* Written by the main thread (dispatched) or the worker (the rest); read by stats. */
	uint64_t dispatched;
	uint64_t open_conns;
	uint64_t notify_read;
	uint64_t notify_written;
	/* The worker's connections; the lock guards membership so that "stats conns" can walk it. */
	pthread_mutex_t conns_lock;
	struct conn *conns;
} __attribute__((aligned(64)));

/* Every worker, set up by thread_init. */
extern struct worker *workers;
extern int num_workers;

/* Creates nthreads workers, starts them and waits until each has reported in ('p'); -1 on failure. */
int thread_init(int nthreads, struct storage *storage);

/* Tells every worker to stop ('s') and joins them; their structs stay readable. */
void thread_stop(void);

/* Frees the stopped workers (once nothing else reads them: the trace publisher is stopped). */
void thread_free(void);

/* Writes one command byte to a worker's notify pipe; -1 on failure. */
int thread_notify(struct worker *w, char byte);

/* Sums every worker's counters into out. */
void thread_stats_aggregate(struct thread_stats *out);

/* Writes "stats threads": per worker dispatched, open, CQ depth and highest, notify bytes read. */
void thread_stats_write(struct resp *out);

#endif
