/*
 * cq.c: the connection queue and the CQ_ITEM freelist (lab 11; the handout
 * is README.md). Your lab server uses this file in the place of src/cq.c.
 * It passes every test that runs one thread at a time; with threads, it
 * races. Run the checks, read ThreadSanitizer's report, fix what it points
 * at, and run them again.
 */
#include <stdlib.h>

#include "cq.h"
#include "log.h"
#include "trace.h"

static CQ_ITEM *cqi_freelist;
static pthread_mutex_t cqi_freelist_lock = PTHREAD_MUTEX_INITIALIZER;

/* Batches handed out by cqi_new(), kept so that shutdown can free them. */
struct cqi_batch {
	struct cqi_batch *next;
	CQ_ITEM items[CQ_ITEMS_PER_ALLOC];
};
static struct cqi_batch *cqi_batches;

/* Prepares an empty queue. */
void cq_init(struct conn_queue *cq, int thr)
{
	cq->thr = thr;
	cq->head = cq->tail = NULL;
	cq->depth = cq->max_depth = 0;
	if (pthread_mutex_init(&cq->lock, NULL) != 0)
		fatal("cq_init: pthread_mutex_init failed");
}

/* Frees the queue and returns what it still holds to the freelist. */
void cq_destroy(struct conn_queue *cq)
{
	unsigned depth;
	CQ_ITEM *item;

	while ((item = cq_pop(cq, &depth)) != NULL)
		cqi_free(item);
	pthread_mutex_destroy(&cq->lock);
}

/* Appends an item at the tail. */
unsigned cq_push(struct conn_queue *cq, CQ_ITEM *item)
{
	unsigned depth;

	item->next = NULL;
	pthread_mutex_lock(&cq->lock);
	if (cq->tail == NULL)
		cq->head = item;
	else
		cq->tail->next = item;
	cq->tail = item;
	depth = ++cq->depth;
	if (depth > cq->max_depth)
		cq->max_depth = depth;
	/* Recorded under the lock, so the pop that follows always has a later seq;
	 * its gate is before the lock (dispatch_conn_new). */
	TRACE_LOCKED(cq_push, cq->thr, (int64_t)item->conn_id, depth);
	pthread_mutex_unlock(&cq->lock);
	return depth;
}

/* Takes the head item, or NULL. */
CQ_ITEM *cq_pop(struct conn_queue *cq, unsigned *depth)
{
	CQ_ITEM *item;

	pthread_mutex_lock(&cq->lock);
	item = cq->head;
	if (item != NULL) {
		cq->head = item->next;
		if (cq->head == NULL)
			cq->tail = NULL;
		cq->depth--;
		TRACE_LOCKED(cq_pop, (int64_t)item->conn_id, cq->depth);
	}
	*depth = cq->depth;
	pthread_mutex_unlock(&cq->lock);
	return item;
}

/* Returns the conn id at the head, 0 when empty. */
uint64_t cq_peek_conn(struct conn_queue *cq)
{
	uint64_t id;

	pthread_mutex_lock(&cq->lock);
	id = cq->head != NULL ? cq->head->conn_id : 0;
	pthread_mutex_unlock(&cq->lock);
	return id;
}

/* Reads the depth counters. */
void cq_depth(struct conn_queue *cq, unsigned *depth, unsigned *max_depth)
{
	/* Two loads for a statistic: a value a moment old is as good as any, so no lock. */
	*depth = cq->depth;
	*max_depth = cq->max_depth;
}

/* Takes an item from the freelist. */
CQ_ITEM *cqi_new(void)
{
	CQ_ITEM *item;

	pthread_mutex_lock(&cqi_freelist_lock);
	item = cqi_freelist;
	if (item != NULL) {
		cqi_freelist = item->next;
	} else {
		/* One malloc for a batch keeps the dispatch path off the allocator. */
		struct cqi_batch *batch = calloc(1, sizeof(*batch));
		if (batch != NULL) {
			batch->next = cqi_batches;
			cqi_batches = batch;
			for (int i = 2; i < CQ_ITEMS_PER_ALLOC; i++)
				batch->items[i - 1].next = &batch->items[i];
			batch->items[CQ_ITEMS_PER_ALLOC - 1].next = NULL;
			cqi_freelist = &batch->items[1];
			item = &batch->items[0];
		}
	}
	pthread_mutex_unlock(&cqi_freelist_lock);
	return item;
}

/* Returns an item to the freelist. */
void cqi_free(CQ_ITEM *item)
{
	/* Each worker frees only the items it popped itself: nobody else holds this one. */
	item->next = cqi_freelist;
	cqi_freelist = item;
}

/* Frees every batch. */
void cqi_freelist_destroy(void)
{
	pthread_mutex_lock(&cqi_freelist_lock);
	while (cqi_batches != NULL) {
		struct cqi_batch *next = cqi_batches->next;
		free(cqi_batches);
		cqi_batches = next;
	}
	cqi_freelist = NULL;
	pthread_mutex_unlock(&cqi_freelist_lock);
}
