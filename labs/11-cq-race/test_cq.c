/*
 * test_cq.c: lab 11's tests of the student's cq.c. Built with it into the
 * lab build's lab-tests:
 *   lab-tests unit     one thread: FIFO order, depth, an empty pop, the
 *                      freelist (the server's own CQ tests are the model);
 *   lab-tests stress   pushers, poppers and a depth reader on one CQ at
 *                      once: nothing lost, nothing twice, each pusher's
 *                      items in order. The check runs it built with
 *                      ThreadSanitizer, which reports a race even in a
 *                      run whose results came out right.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../lab_test.h"
#include "cq.h"

#define PUSHERS 4
#define POPPERS 4
#define PER_PUSHER 10000
#define TOTAL (PUSHERS * PER_PUSHER)
/* The poppers give up after this long: a lost item must not hang the test. */
#define STRESS_SECONDS 30

/* Pushes five numbered items, then pops them in the same order, the depth going down. */
static void fifo_order_and_depth(void)
{
	struct conn_queue cq;
	unsigned depth = 0, max_depth = 0;

	cq_init(&cq, 0);
	for (int i = 0; i < 5; i++) {
		CQ_ITEM *item = cqi_new();
		LAB_EXPECT(item != NULL, "expected an item from cqi_new, got NULL");
		item->sfd = 100 + i;
		unsigned got = cq_push(&cq, item);
		LAB_EXPECT(got == (unsigned)i + 1, "expected cq_push to return depth %d, got %u", i + 1, got);
	}
	for (int i = 0; i < 5; i++) {
		CQ_ITEM *item = cq_pop(&cq, &depth);
		LAB_EXPECT(item != NULL, "expected item %d from cq_pop, got NULL", i + 1);
		LAB_EXPECT(item->sfd == 100 + i, "expected sfd %d first in, first out, got %d", 100 + i, item->sfd);
		LAB_EXPECT(depth == 4u - (unsigned)i, "expected depth %u after pop %d, got %u", 4u - (unsigned)i, i + 1,
			   depth);
		cqi_free(item);
	}
	cq_depth(&cq, &depth, &max_depth);
	LAB_EXPECT(depth == 0 && max_depth == 5, "expected depth 0 and highest 5, got %u and %u", depth, max_depth);
	cq_destroy(&cq);
}

/* An empty queue pops NULL at once, and works again after it drained. */
static void an_empty_pop_returns_null_and_the_queue_works_after(void)
{
	struct conn_queue cq;
	unsigned depth = 99;

	cq_init(&cq, 0);
	CQ_ITEM *none = cq_pop(&cq, &depth);
	LAB_EXPECT(none == NULL && depth == 0, "expected NULL and depth 0 from an empty queue, got %p and %u",
		   (void *)none, depth);
	CQ_ITEM *item = cqi_new();
	cq_push(&cq, item);
	CQ_ITEM *got = cq_pop(&cq, &depth);
	LAB_EXPECT(got == item, "expected the item pushed, got %p for %p", (void *)got, (void *)item);
	/* Drained: head and tail must both be reset, or this push is lost. */
	cq_push(&cq, item);
	got = cq_pop(&cq, &depth);
	LAB_EXPECT(got == item, "expected the item pushed after the queue drained, got %p", (void *)got);
	LAB_EXPECT(cq_pop(&cq, &depth) == NULL, "expected NULL once drained again, got an item");
	cqi_free(item);
	cq_destroy(&cq);
}

/* A freed item is handed out again first; a batch is many distinct items. */
static void the_freelist_reuses_items_and_allocates_in_batches(void)
{
	static CQ_ITEM *items[CQ_ITEMS_PER_ALLOC * 2];
	CQ_ITEM *first = cqi_new();

	cqi_free(first);
	CQ_ITEM *again = cqi_new();
	LAB_EXPECT(again == first, "expected the freed item %p handed out again first, got %p", (void *)first,
		   (void *)again);
	for (int i = 0; i < CQ_ITEMS_PER_ALLOC * 2; i++) {
		items[i] = cqi_new();
		LAB_EXPECT(items[i] != NULL, "expected item %d of %d, got NULL", i + 1, CQ_ITEMS_PER_ALLOC * 2);
		for (int j = 0; j < i; j++)
			LAB_EXPECT(items[i] != items[j], "expected distinct items, got %p twice (items %d and %d)",
				   (void *)items[i], j + 1, i + 1);
	}
	for (int i = 0; i < CQ_ITEMS_PER_ALLOC * 2; i++)
		cqi_free(items[i]);
	cqi_free(again);
}

/* The stress's shared state: the test's own counters are atomic, so every race TSan finds is the CQ's. */
struct stress {
	struct conn_queue cq;
	int seen[TOTAL];
	int popped, twice, disorder, poppers_done;
	unsigned bad_depth, bad_max;
	time_t deadline;
};

/* A pusher: its number and the stress it works on. */
struct pusher_arg {
	struct stress *s;
	int id;
};

/* Pushes this pusher's PER_PUSHER items in order, numbered id * PER_PUSHER + i. */
static void *push_items(void *arg)
{
	struct pusher_arg *a = arg;

	for (int i = 0; i < PER_PUSHER; i++) {
		CQ_ITEM *item = cqi_new();
		if (item == NULL)
			break;
		item->sfd = a->id * PER_PUSHER + i;
		cq_push(&a->s->cq, item);
	}
	return NULL;
}

/* Pops until every item came through (or time is up), checking each pusher's order. */
static void *pop_items(void *arg)
{
	struct stress *s = arg;
	int last[PUSHERS];
	unsigned depth;

	for (int p = 0; p < PUSHERS; p++)
		last[p] = -1;
	while (__atomic_load_n(&s->popped, __ATOMIC_RELAXED) < TOTAL && time(NULL) < s->deadline) {
		CQ_ITEM *item = cq_pop(&s->cq, &depth);
		if (item == NULL) {
			sched_yield();
			continue;
		}
		int n = item->sfd;
		cqi_free(item);
		if (n < 0 || n >= TOTAL) {
			__atomic_fetch_add(&s->twice, 1, __ATOMIC_RELAXED);
			continue;
		}
		if (__atomic_fetch_add(&s->seen[n], 1, __ATOMIC_RELAXED) != 0)
			__atomic_fetch_add(&s->twice, 1, __ATOMIC_RELAXED);
		/* One popper sees each pusher's items in the order they were pushed. */
		if (n % PER_PUSHER <= last[n / PER_PUSHER])
			__atomic_fetch_add(&s->disorder, 1, __ATOMIC_RELAXED);
		last[n / PER_PUSHER] = n % PER_PUSHER;
		__atomic_fetch_add(&s->popped, 1, __ATOMIC_RELAXED);
	}
	__atomic_fetch_add(&s->poppers_done, 1, __ATOMIC_RELAXED);
	return NULL;
}

/* Reads the depth counters while the others work, as stats and the dispatcher do. */
static void *read_depths(void *arg)
{
	struct stress *s = arg;
	unsigned depth, max_depth;

	while (__atomic_load_n(&s->poppers_done, __ATOMIC_RELAXED) < POPPERS) {
		cq_depth(&s->cq, &depth, &max_depth);
		if (depth > max_depth || max_depth > TOTAL) {
			__atomic_store_n(&s->bad_depth, depth, __ATOMIC_RELAXED);
			__atomic_store_n(&s->bad_max, max_depth, __ATOMIC_RELAXED);
		}
		sched_yield();
	}
	return NULL;
}

/* PUSHERS pushers, POPPERS poppers and a depth reader on one CQ at once. */
static void pushers_poppers_and_a_reader_lose_nothing(void)
{
	static struct stress s;
	struct pusher_arg args[PUSHERS];
	pthread_t push[PUSHERS], pop[POPPERS], reader;
	unsigned depth, max_depth;

	cq_init(&s.cq, 0);
	s.deadline = time(NULL) + STRESS_SECONDS;
	pthread_create(&reader, NULL, read_depths, &s);
	for (int i = 0; i < POPPERS; i++)
		pthread_create(&pop[i], NULL, pop_items, &s);
	for (int i = 0; i < PUSHERS; i++) {
		args[i] = (struct pusher_arg){ &s, i };
		pthread_create(&push[i], NULL, push_items, &args[i]);
	}
	for (int i = 0; i < PUSHERS; i++)
		pthread_join(push[i], NULL);
	for (int i = 0; i < POPPERS; i++)
		pthread_join(pop[i], NULL);
	pthread_join(reader, NULL);
	LAB_EXPECT(s.popped == TOTAL, "expected %d items popped, got %d within %d s (items lost)", TOTAL, s.popped,
		   STRESS_SECONDS);
	LAB_EXPECT(s.twice == 0, "expected every item once, got %d popped twice (or garbled)", s.twice);
	LAB_EXPECT(s.disorder == 0, "expected each pusher's items in order, got %d out of order", s.disorder);
	LAB_EXPECT(s.bad_depth == 0 && s.bad_max == 0,
		   "expected depth <= highest depth at every reading, got depth %u and highest %u", s.bad_depth, s.bad_max);
	cq_depth(&s.cq, &depth, &max_depth);
	LAB_EXPECT(depth == 0 && max_depth >= 1 && max_depth <= TOTAL,
		   "expected depth 0 at the end and a highest of 1-%d, got %u and %u", TOTAL, depth, max_depth);
	cq_destroy(&s.cq);
}

static const struct lab_test tests[] = {
	{ "unit", "fifo_order_and_depth", fifo_order_and_depth },
	{ "unit", "an_empty_pop_returns_null_and_the_queue_works_after",
	  an_empty_pop_returns_null_and_the_queue_works_after },
	{ "unit", "the_freelist_reuses_items_and_allocates_in_batches",
	  the_freelist_reuses_items_and_allocates_in_batches },
	{ "stress", "pushers_poppers_and_a_reader_lose_nothing", pushers_poppers_and_a_reader_lose_nothing },
};

/* Runs the group named on the command line. */
int main(int argc, char **argv)
{
	return lab_test_main(argc, argv, tests, (int)(sizeof(tests) / sizeof(tests[0])));
}
