/* Unit tests: a worker's books (thread.c), kept without starting any thread. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>

#include "thread.h"

/* thread.c never looks inside a conn: any struct does for these tests. */
struct conn {
	int n;
};

static struct worker two[2];
static struct conn conns[4] = { { 0 }, { 1 }, { 2 }, { 3 } };
static struct thread_conn_link links[4];

/* Two idle workers, as thread_init would leave their books. */
static void setup(void)
{
	memset(two, 0, sizeof(two));
	for (int i = 0; i < 2; i++) {
		two[i].index = i;
		cr_assert_eq(pthread_mutex_init(&two[i].conns_lock, NULL), 0);
	}
	workers = two;
	num_workers = 2;
}

/* Forgets the workers. */
static void teardown(void)
{
	for (int i = 0; i < 2; i++)
		pthread_mutex_destroy(&two[i].conns_lock);
	workers = NULL;
	num_workers = 0;
}

TestSuite(thread, .init = setup, .fini = teardown);

struct visits {
	int n;
	int conn[8];
	int thr[8];
};

/* Records one visit of thread_conn_foreach. */
static void visit(struct conn *c, int thr, void *arg)
{
	struct visits *v = arg;

	cr_assert_lt(v->n, 8);
	v->conn[v->n] = c->n;
	v->thr[v->n] = thr;
	v->n++;
}

/* Asserts that thread_conn_foreach visits exactly n conns, these, owned by these workers. */
static void expect_visits(int n, const int *conn, const int *thr)
{
	struct visits v = { 0 };

	thread_conn_foreach(visit, &v);
	cr_assert_eq(v.n, n, "visited %d conns, want %d", v.n, n);
	for (int i = 0; i < n; i++) {
		cr_assert_eq(v.conn[i], conn[i], "visit %d: conn %d, want %d", i, v.conn[i], conn[i]);
		cr_assert_eq(v.thr[i], thr[i], "visit %d: worker %d, want %d", i, v.thr[i], thr[i]);
	}
}

Test(thread, dispatch_counts_a_conn_dispatched_and_open)
{
	struct thread_counters n;

	thread_count_dispatch(&two[1]);
	thread_count_dispatch(&two[1]);
	thread_counters_read(&two[1], &n);
	cr_assert_eq(n.dispatched, 2);
	cr_assert_eq(n.open_conns, 2);
	cr_assert_eq(thread_open_conns(&two[1]), 2);
	cr_assert_eq(thread_open_conns(&two[0]), 0);
}

Test(thread, foreach_walks_each_workers_conns_newest_first)
{
	thread_conn_add(&two[0], &links[0], &conns[0]);
	thread_conn_add(&two[1], &links[1], &conns[1]);
	thread_conn_add(&two[0], &links[2], &conns[2]);
	thread_conn_add(&two[0], &links[3], &conns[3]);
	expect_visits(4, (int[]){ 3, 2, 0, 1 }, (int[]){ 0, 0, 0, 1 });
}

Test(thread, remove_unlinks_from_anywhere_and_counts_the_conn_closed)
{
	for (int i = 0; i < 4; i++) {
		thread_count_dispatch(&two[0]);
		thread_conn_add(&two[0], &links[i], &conns[i]);
	}
	thread_conn_remove(&two[0], &links[2]); /* the middle */
	expect_visits(3, (int[]){ 3, 1, 0 }, (int[]){ 0, 0, 0 });
	thread_conn_remove(&two[0], &links[3]); /* the head */
	expect_visits(2, (int[]){ 1, 0 }, (int[]){ 0, 0 });
	thread_conn_remove(&two[0], &links[0]); /* the tail */
	expect_visits(1, (int[]){ 1 }, (int[]){ 0 });
	cr_assert_eq(thread_open_conns(&two[0]), 1);
	thread_conn_remove(&two[0], &links[1]);
	expect_visits(0, NULL, NULL);
	cr_assert_eq(thread_open_conns(&two[0]), 0);
	cr_assert_null(two[0].conns);
}
