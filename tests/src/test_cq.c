/* Unit tests: the connection queue and its item freelist. */
#include <criterion/criterion.h>
#include <pthread.h>

#include "cq.h"

Test(cq, fifo_order_and_depth)
{
	struct conn_queue cq;
	unsigned depth, max_depth;

	cq_init(&cq, 0);
	for (int i = 0; i < 5; i++) {
		CQ_ITEM *item = cqi_new();
		cr_assert_not_null(item);
		item->sfd = 100 + i;
		cr_assert_eq(cq_push(&cq, item), (unsigned)i + 1);
	}
	for (int i = 0; i < 5; i++) {
		CQ_ITEM *item = cq_pop(&cq, &depth);
		cr_assert_not_null(item);
		cr_assert_eq(item->sfd, 100 + i);
		cr_assert_eq(depth, 4u - (unsigned)i);
		cqi_free(item);
	}
	cq_depth(&cq, &depth, &max_depth);
	cr_assert_eq(depth, 0);
	cr_assert_eq(max_depth, 5);
	cq_destroy(&cq);
}

Test(cq, empty_pop_returns_null_without_blocking)
{
	struct conn_queue cq;
	unsigned depth = 99;

	cq_init(&cq, 0);
	cr_assert_null(cq_pop(&cq, &depth));
	cr_assert_eq(depth, 0);
	/* Push after the queue drained: head and tail must both be reset. */
	CQ_ITEM *item = cqi_new();
	cq_push(&cq, item);
	cr_assert_eq(cq_pop(&cq, &depth), item);
	cr_assert_null(cq_pop(&cq, &depth));
	cqi_free(item);
	cq_destroy(&cq);
}

Test(cq, freelist_reuses_items_and_allocates_in_batches)
{
	CQ_ITEM *first = cqi_new();
	cqi_free(first);
	cr_assert_eq(cqi_new(), first, "a freed item is handed out again first");

	/* A batch is one allocation: its items sit next to each other. */
	CQ_ITEM *items[CQ_ITEMS_PER_ALLOC * 2];
	for (int i = 0; i < CQ_ITEMS_PER_ALLOC * 2; i++) {
		items[i] = cqi_new();
		cr_assert_not_null(items[i]);
		for (int j = 0; j < i; j++)
			cr_assert_neq(items[i], items[j]);
	}
	for (int i = 0; i < CQ_ITEMS_PER_ALLOC * 2; i++)
		cqi_free(items[i]);
	cqi_free(first);
	cqi_freelist_destroy();
}

#define PRODUCED 20000

struct shared_queue {
	struct conn_queue cq;
	long long sum;
	int count;
};

/* Pushes PRODUCED numbered items. */
static void *producer(void *arg)
{
	struct shared_queue *q = arg;

	for (int i = 1; i <= PRODUCED; i++) {
		CQ_ITEM *item = cqi_new();
		item->sfd = i;
		cq_push(&q->cq, item);
	}
	return NULL;
}

/* Pops until PRODUCED items came through, checking their order. */
static void *consumer(void *arg)
{
	struct shared_queue *q = arg;
	int expect = 1;
	unsigned depth;

	while (q->count < PRODUCED) {
		CQ_ITEM *item = cq_pop(&q->cq, &depth);
		if (item == NULL) {
			sched_yield();
			continue;
		}
		cr_assert_eq(item->sfd, expect++);
		q->sum += item->sfd;
		q->count++;
		cqi_free(item);
	}
	return NULL;
}

Test(cq, concurrent_push_and_pop_lose_nothing)
{
	struct shared_queue q = { .sum = 0, .count = 0 };
	pthread_t p, c;

	cq_init(&q.cq, 0);
	pthread_create(&c, NULL, consumer, &q);
	pthread_create(&p, NULL, producer, &q);
	pthread_join(p, NULL);
	pthread_join(c, NULL);
	cr_assert_eq(q.count, PRODUCED);
	cr_assert_eq(q.sum, (long long)PRODUCED * (PRODUCED + 1) / 2);
	cq_destroy(&q.cq);
	cqi_freelist_destroy();
}
