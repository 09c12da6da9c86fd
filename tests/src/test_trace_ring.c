/* Unit tests: the per-thread SPSC trace ring. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "trace_ring.h"

/* A record whose every field derives from seq, so a torn copy shows. */
static struct trace_rec rec_for(uint64_t seq)
{
	struct trace_rec rec;

	memset(&rec, 0, sizeof(rec));
	rec.seq = seq;
	rec.ts = seq * 7;
	for (int i = 0; i < WIRE_VALUES_MAX; i++)
		rec.v[i] = (int64_t)(seq ^ (0x5555u << i)) * (i % 2 ? -3 : 3);
	rec.ev = (uint16_t)(seq % EVT_MAX);
	rec.thr = (int16_t)(seq % 5) - 1;
	snprintf(rec.s, sizeof(rec.s), "r%llu", (unsigned long long)seq);
	return rec;
}

/* Asserts that rec is exactly rec_for(seq). */
static void assert_rec(const struct trace_rec *rec, uint64_t seq)
{
	struct trace_rec want = rec_for(seq);

	cr_assert_eq(rec->seq, seq, "seq %llu, want %llu", (unsigned long long)rec->seq,
		     (unsigned long long)seq);
	cr_assert(memcmp(rec, &want, sizeof(want)) == 0, "record %llu is not what was pushed",
		  (unsigned long long)seq);
}

Test(trace_ring, fifo_order)
{
	struct trace_ring *ring = trace_ring_create(8);
	struct trace_rec rec, out;

	cr_assert_not_null(ring);
	cr_assert_not(trace_ring_pop(ring, &out), "a new ring is empty");
	for (uint64_t i = 0; i < 5; i++) {
		rec = rec_for(i);
		cr_assert(trace_ring_push(ring, &rec));
	}
	for (uint64_t i = 0; i < 5; i++) {
		cr_assert(trace_ring_pop(ring, &out));
		assert_rec(&out, i);
	}
	cr_assert_not(trace_ring_pop(ring, &out));
	cr_assert_eq(trace_ring_take_dropped(ring), 0);
	trace_ring_destroy(ring);
}

Test(trace_ring, wraps_around_many_times)
{
	struct trace_ring *ring = trace_ring_create(4);
	struct trace_rec rec, out;
	uint64_t pushed = 0, popped = 0;

	cr_assert_not_null(ring);
	/* One record stays behind throughout, so the ring runs from 1 to 4 full. */
	rec = rec_for(pushed++);
	cr_assert(trace_ring_push(ring, &rec));
	/* Uneven batches so head and tail cross the end of the array at every offset. */
	for (int round = 0; round < 1000; round++) {
		int batch = 1 + round % 3;

		for (int i = 0; i < batch; i++) {
			rec = rec_for(pushed++);
			cr_assert(trace_ring_push(ring, &rec), "round %d: push %d of %d", round, i, batch);
		}
		for (int i = 0; i < batch; i++) {
			cr_assert(trace_ring_pop(ring, &out));
			assert_rec(&out, popped++);
		}
	}
	cr_assert_gt(pushed / 4, 400, "the ring wrapped hundreds of times");
	cr_assert(trace_ring_pop(ring, &out));
	assert_rec(&out, popped++);
	cr_assert_eq(pushed, popped);
	cr_assert_not(trace_ring_pop(ring, &out));
	cr_assert_eq(trace_ring_take_dropped(ring), 0);
	trace_ring_destroy(ring);
}

Test(trace_ring, full_ring_drops_and_counts)
{
	struct trace_ring *ring = trace_ring_create(4);
	struct trace_rec rec, out;

	cr_assert_not_null(ring);
	for (uint64_t i = 0; i < 4; i++) {
		rec = rec_for(i);
		cr_assert(trace_ring_push(ring, &rec));
	}
	for (uint64_t i = 100; i < 103; i++) {
		rec = rec_for(i);
		cr_assert_not(trace_ring_push(ring, &rec), "a full ring refuses");
	}
	cr_assert_eq(trace_ring_take_dropped(ring), 3);
	cr_assert_eq(trace_ring_take_dropped(ring), 0, "taking resets the count");

	/* Room for exactly one again; the refused records never appear. */
	cr_assert(trace_ring_pop(ring, &out));
	assert_rec(&out, 0);
	rec = rec_for(4);
	cr_assert(trace_ring_push(ring, &rec));
	rec = rec_for(5);
	cr_assert_not(trace_ring_push(ring, &rec));
	cr_assert_eq(trace_ring_take_dropped(ring), 1);
	cr_assert_eq(trace_ring_lost(ring), 4, "the lost total is never taken or reset");
	for (uint64_t i = 1; i <= 4; i++) {
		cr_assert(trace_ring_pop(ring, &out));
		assert_rec(&out, i);
	}
	cr_assert_not(trace_ring_pop(ring, &out));
	trace_ring_destroy(ring);
}

Test(trace_ring, peek_then_consume)
{
	struct trace_ring *ring = trace_ring_create(4);
	const struct trace_rec *head;
	struct trace_rec rec;

	cr_assert_not_null(ring);
	cr_assert_null(trace_ring_peek(ring));
	rec = rec_for(10);
	cr_assert(trace_ring_push(ring, &rec));
	rec = rec_for(11);
	cr_assert(trace_ring_push(ring, &rec));

	head = trace_ring_peek(ring);
	cr_assert_not_null(head);
	assert_rec(head, 10);
	cr_assert_eq(trace_ring_peek(ring), head, "peeking twice leaves the record in place");
	trace_ring_consume(ring);

	head = trace_ring_peek(ring);
	cr_assert_not_null(head);
	assert_rec(head, 11);
	trace_ring_consume(ring);
	cr_assert_null(trace_ring_peek(ring));

	/* A consumed slot is free again: the ring takes its full capacity. */
	for (uint64_t i = 0; i < 4; i++) {
		rec = rec_for(i);
		cr_assert(trace_ring_push(ring, &rec));
	}
	cr_assert_eq(trace_ring_take_dropped(ring), 0);
	trace_ring_destroy(ring);
}

Test(trace_ring, consume_with_nothing_peeked_aborts, .signal = SIGABRT)
{
	struct trace_ring *ring = trace_ring_create(4);

	cr_assert_not_null(ring);
	trace_ring_consume(ring);
}

Test(trace_ring, capacity_rounds_up_to_a_power_of_two)
{
	static const unsigned cases[][2] = {
		{ 1, 1 }, { 2, 2 }, { 3, 4 }, { 4, 4 }, { 5, 8 }, { 1000, 1024 },
		{ 1024, 1024 }, { 1025, 2048 }, { 65535, 65536 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct trace_ring *ring = trace_ring_create(cases[i][0]);

		cr_assert_not_null(ring, "capacity %u", cases[i][0]);
		cr_expect_eq(trace_ring_capacity(ring), cases[i][1], "capacity %u", cases[i][0]);
		trace_ring_destroy(ring);
	}
	cr_assert_null(trace_ring_create(0));
	cr_assert_null(trace_ring_create(TRACE_RING_MAX_CAPACITY + 1));
	cr_assert_null(trace_ring_create(~0u));
	trace_ring_destroy(NULL);
}

Test(trace_ring, rounded_capacity_is_usable)
{
	struct trace_ring *ring = trace_ring_create(5);
	struct trace_rec rec, out;

	cr_assert_not_null(ring);
	for (uint64_t i = 0; i < 8; i++) {
		rec = rec_for(i);
		cr_assert(trace_ring_push(ring, &rec), "5 rounds up to 8: push %llu",
			  (unsigned long long)i);
	}
	rec = rec_for(8);
	cr_assert_not(trace_ring_push(ring, &rec));
	for (uint64_t i = 0; i < 8; i++) {
		cr_assert(trace_ring_pop(ring, &out));
		assert_rec(&out, i);
	}
	trace_ring_destroy(ring);
}

Test(trace_ring, capacity_one)
{
	struct trace_ring *ring = trace_ring_create(1);
	struct trace_rec rec, out;

	cr_assert_not_null(ring);
	for (uint64_t i = 0; i < 100; i++) {
		rec = rec_for(i);
		cr_assert(trace_ring_push(ring, &rec));
		cr_assert_not(trace_ring_push(ring, &rec));
		cr_assert(trace_ring_pop(ring, &out));
		assert_rec(&out, i);
	}
	cr_assert_eq(trace_ring_take_dropped(ring), 100);
	trace_ring_destroy(ring);
}

#define SPSC_RECORDS 200000

struct spsc {
	struct trace_ring *ring;
	int done;             /* set by the producer after its last push */
	uint64_t refused;     /* the producer's own count of false pushes */
};

/* Pushes SPSC_RECORDS records as fast as it can; a small ring makes it drop some. */
static void *spsc_producer(void *arg)
{
	struct spsc *t = arg;

	for (uint64_t i = 0; i < SPSC_RECORDS; i++) {
		struct trace_rec rec = rec_for(i);

		if (!trace_ring_push(t->ring, &rec))
			t->refused++;
	}
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

Test(trace_ring, one_producer_one_consumer)
{
	struct spsc t = { .ring = trace_ring_create(64) };
	uint64_t received = 0, dropped = 0, next_min = 0;
	bool alternate = false;
	pthread_t producer;

	cr_assert_not_null(t.ring);
	cr_assert_eq(pthread_create(&producer, NULL, spsc_producer, &t), 0);
	for (;;) {
		/* Read done first: a drain after seeing it gets every push. */
		int finished = __atomic_load_n(&t.done, __ATOMIC_ACQUIRE);

		for (;;) {
			const struct trace_rec *head;
			struct trace_rec out;

			/* Both ways of reading, as the publisher will use them. */
			alternate = !alternate;
			if (alternate) {
				if (!trace_ring_pop(t.ring, &out))
					break;
				head = &out;
			} else {
				head = trace_ring_peek(t.ring);
				if (head == NULL)
					break;
			}
			cr_assert_geq(head->seq, next_min, "records arrive in push order");
			assert_rec(head, head->seq);
			next_min = head->seq + 1;
			received++;
			if (!alternate)
				trace_ring_consume(t.ring);
		}
		dropped += trace_ring_take_dropped(t.ring);
		if (finished)
			break;
	}
	cr_assert_eq(pthread_join(producer, NULL), 0);
	dropped += trace_ring_take_dropped(t.ring);
	cr_assert_eq(received + dropped, SPSC_RECORDS, "received %llu + dropped %llu",
		     (unsigned long long)received, (unsigned long long)dropped);
	cr_assert_eq(dropped, t.refused, "every refused push is counted once");
	trace_ring_destroy(t.ring);
}
