#include <stdlib.h>

#include "clock.h"
#include "log.h"
#include "trace.h"
#include "trace_gate.h"
#include "trace_ring.h"

/* Records a ring holds: about 0.4 MB a thread, a few ms of a busy worker's events. */
#define TRACE_RING_CAPACITY 4096

int trace_on;
struct trace_counters trace_counters;

static struct trace_ring **rings; /* [0] main, [1 + K] worker K, then the timeout thread's */
static int nrings;
static int timeout_ring = -1;     /* the timeout thread's ring index, -1 when it has none */
static uint64_t trace_seq;
static uint64_t trace_start_ns;

static __thread struct trace_ring *my_ring;
static __thread int16_t my_thr;

/* Prepares the rings. */
int trace_init(int nthreads, bool timeout_thread)
{
	trace_start_ns = clock_mono_ns();
	rings = calloc((size_t)nthreads + 2, sizeof(*rings));
	if (rings == NULL)
		goto fail;
	nrings = nthreads + 1 + (timeout_thread ? 1 : 0);
	timeout_ring = timeout_thread ? nthreads + 1 : -1;
	for (int i = 0; i < nrings; i++) {
		rings[i] = trace_ring_create(TRACE_RING_CAPACITY);
		if (rings[i] == NULL)
			goto fail;
	}
	return 0;
fail:
	log_error("out of memory for the trace rings");
	trace_destroy();
	return -1;
}

/* Frees the rings. */
void trace_destroy(void)
{
	for (int i = 0; rings != NULL && i < nrings; i++)
		if (rings[i] != NULL)
			trace_ring_destroy(rings[i]);
	free(rings);
	rings = NULL;
	nrings = 0;
	timeout_ring = -1;
}

/* Binds the calling thread to its ring. */
void trace_thread_register(int thr)
{
	my_ring = trace_ring_of(thr);
	my_thr = (int16_t)thr;
}

/* Returns a thread's ring index. */
int trace_ring_index(int thr)
{
	if (thr == TRACE_THR_TIMEOUT)
		return timeout_ring;
	return thr >= TRACE_THR_MAIN && thr + 1 < nrings && thr + 1 != timeout_ring ? thr + 1 : -1;
}

/* Returns the thread of a ring index. */
int trace_ring_thr(int i)
{
	return i == timeout_ring ? TRACE_THR_TIMEOUT : i - 1;
}

/* Returns a thread's ring. */
struct trace_ring *trace_ring_of(int thr)
{
	int i = trace_ring_index(thr);

	return rings != NULL && i >= 0 ? rings[i] : NULL;
}

/* Returns how many rings there are. */
int trace_nrings(void)
{
	return nrings;
}

/* Returns ns since start. */
uint64_t trace_now(void)
{
	return clock_mono_ns() - trace_start_ns;
}

/* Returns the newest sequence number. */
uint64_t trace_last_seq(void)
{
	return __atomic_load_n(&trace_seq, __ATOMIC_RELAXED);
}

/* Takes a sequence number. */
uint64_t trace_next_seq(void)
{
	return __atomic_add_fetch(&trace_seq, 1, __ATOMIC_RELAXED);
}

/* Returns every event lost so far. */
uint64_t trace_dropped_total(void)
{
	uint64_t n = __atomic_load_n(&trace_counters.dropped, __ATOMIC_RELAXED);

	for (int i = 0; rings != NULL && i < nrings; i++)
		n += trace_ring_lost(rings[i]);
	return n;
}

/* Waits at the calling thread's gate. */
void trace_gate_here(enum wire_event ev, uint64_t conn)
{
	/* Threads without a ring (the publisher) are never gated, nor is the timeout thread. */
	if (my_ring != NULL && my_thr != TRACE_THR_TIMEOUT && (__atomic_load_n(&trace_on, __ATOMIC_RELAXED) & TRACE_GATES))
		trace_gate(my_thr, ev, conn, -1);
}

/* A trace point. */
void trace_point(struct trace_rec *r, bool gate)
{
	if (my_ring == NULL)
		return;
	/* The timeout thread never waits at a gate: its traced steps happen under a worker's list
	 * lock, and what it sends waits at that worker's notify_read gate anyway. */
	if (gate && my_thr != TRACE_THR_TIMEOUT && (__atomic_load_n(&trace_on, __ATOMIC_RELAXED) & TRACE_GATES)) {
		/* Step mode only: the gate says which conn waits, and a state breakpoint needs to=. */
		int conn = wire_event_slot(r->ev, KEY_conn);
		int to = r->ev == EVT_state ? wire_event_slot(EVT_state, KEY_to) : -1;

		trace_gate(my_thr, (enum wire_event)r->ev, conn >= 0 ? (uint64_t)r->v[conn] : 0,
			   to >= 0 ? (int)r->v[to] : -1);
	}
	trace_record(r);
}

/* Stamps and records an event. */
void trace_record(struct trace_rec *r)
{
	int on = __atomic_load_n(&trace_on, __ATOMIC_RELAXED);

	if (my_ring == NULL)
		return;
	if (on & TRACE_COUNT) {
		/* No client could take it: a count is all that is needed, and costs far less. */
		trace_ring_count_dropped(my_ring);
		return;
	}
	if (!(on & TRACE_RECORD))
		return;
	r->ts = trace_now();
	r->seq = trace_next_seq();
	r->thr = my_thr;
	if (trace_ring_push(my_ring, r))
		__atomic_fetch_add(&trace_counters.events, 1, __ATOMIC_RELAXED);
}
