/*
 * cq.h: a worker's connection queue, as memcached has it.
 *
 * The main thread cq_push()es a CQ_ITEM describing a new connection onto
 * the chosen worker's queue; the worker cq_pop()s it when the notify pipe
 * wakes it. Items come from one global freelist refilled in batches.
 */
#ifndef MCSCOPE_CQ_H
#define MCSCOPE_CQ_H

#include <pthread.h>
#include <stdint.h>

#include "wire.h"


/* How many CQ_ITEMs cqi_new() allocates when the freelist is empty. */
#define CQ_ITEMS_PER_ALLOC 64

typedef struct conn_queue_item CQ_ITEM;
struct conn_queue_item {
	int sfd;
	uint64_t conn_id;               /* unique for the life of the server */
	enum conn_states init_state;
	int event_flags;
	int read_buffer_size;
	enum transport transport;
	CQ_ITEM *next;
};

struct conn_queue {
	CQ_ITEM *head;
	CQ_ITEM *tail;
	unsigned depth;                 /* items queued now */
	unsigned max_depth;             /* highest depth seen */
	int thr;                        /* the worker that owns it, for the trace */
	pthread_mutex_t lock;
};

/* Prepares an empty queue owned by worker thr. */
void cq_init(struct conn_queue *cq, int thr);

/* Frees the queue's lock and every item still queued. */
void cq_destroy(struct conn_queue *cq);

/* Appends an item at the tail; returns the depth after the push. */
unsigned cq_push(struct conn_queue *cq, CQ_ITEM *item);

/* Takes the head item without blocking; NULL when empty. *depth gets the depth after. */
CQ_ITEM *cq_pop(struct conn_queue *cq, unsigned *depth);

/* Returns the conn id of the head item without taking it, 0 when empty. */
uint64_t cq_peek_conn(struct conn_queue *cq);

/* Returns the depth now and the highest depth seen. */
void cq_depth(struct conn_queue *cq, unsigned *depth, unsigned *max_depth);

/* Takes an item from the freelist, allocating a batch when it is empty; NULL when out of memory. */
CQ_ITEM *cqi_new(void);

/* Returns an item to the freelist. */
void cqi_free(CQ_ITEM *item);

/* Frees every batch cqi_new() allocated (at shutdown, after every queue is destroyed). */
void cqi_freelist_destroy(void);

#endif
