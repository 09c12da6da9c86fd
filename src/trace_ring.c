#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "trace_ring.h"

#define CACHE_LINE 64

/*
 * head and tail count records since creation and never wrap back (2^64
 * pushes outlast any server), so head - tail is the fill level and full
 * and empty are never confused; the slot is the count masked by capacity.
 *
 * Each side owns one cache line: it writes its own index and keeps a stale
 * copy of the other side's. It reads the other's line only when the stale
 * copy says full (producer) or empty (consumer), so in the common case the
 * two threads do not bounce a line between their caches on every record.
 */
struct trace_ring {
	/* Set at creation, read-only after: shared freely. */
	uint64_t mask;
	unsigned capacity;

	/* The producer's line. */
	alignas(CACHE_LINE) uint64_t head; /* next slot to fill */
	uint64_t tail_seen;                /* the producer's copy of tail */

	/* The consumer's line. */
	alignas(CACHE_LINE) uint64_t tail; /* next slot to read */
	uint64_t head_seen;                /* the consumer's copy of head */

	/* Written by the producer only when full, so they get their own line: lost since the
	 * consumer last took the count, and lost in all. */
	alignas(CACHE_LINE) uint64_t dropped;
	uint64_t lost;

	alignas(CACHE_LINE) struct trace_rec slots[];
};

/* Makes an empty ring. */
struct trace_ring *trace_ring_create(unsigned capacity)
{
	struct trace_ring *ring;
	unsigned rounded = 1;
	size_t size;

	if (capacity == 0 || capacity > TRACE_RING_MAX_CAPACITY) {
		log_error("trace ring: capacity %u is not 1-%u", capacity, TRACE_RING_MAX_CAPACITY);
		return NULL;
	}
	while (rounded < capacity)
		rounded <<= 1;
	size = offsetof(struct trace_ring, slots) + (size_t)rounded * sizeof(struct trace_rec);
	/* aligned_alloc wants a multiple of the alignment. */
	size = (size + CACHE_LINE - 1) & ~(size_t)(CACHE_LINE - 1);
	ring = aligned_alloc(CACHE_LINE, size);
	if (ring == NULL) {
		log_error("trace ring: out of memory for %u records", rounded);
		return NULL;
	}
	/* Slots are written before they are read; zeroing them would touch every page up front. */
	memset(ring, 0, offsetof(struct trace_ring, slots));
	ring->capacity = rounded;
	ring->mask = rounded - 1;
	return ring;
}

/* Frees the ring. */
void trace_ring_destroy(struct trace_ring *ring)
{
	free(ring);
}

/* Returns the capacity. */
unsigned trace_ring_capacity(const struct trace_ring *ring)
{
	return ring->capacity;
}

/* Copies a record in, or counts a drop. */
bool trace_ring_push(struct trace_ring *ring, const struct trace_rec *rec)
{
	/* Only this thread stores head, so a relaxed load sees its own last store. */
	uint64_t head = __atomic_load_n(&ring->head, __ATOMIC_RELAXED);

	if (head - ring->tail_seen >= ring->capacity) {
		/* Acquire: the consumer has finished reading the slot it released. */
		ring->tail_seen = __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
		if (head - ring->tail_seen >= ring->capacity) {
			trace_ring_count_dropped(ring);
			return false;
		}
	}
	ring->slots[head & ring->mask] = *rec;
	/* Release: the record's bytes are visible before the consumer sees the new head. */
	__atomic_store_n(&ring->head, head + 1, __ATOMIC_RELEASE);
	return true;
}

/* Returns the oldest record without removing it. */
const struct trace_rec *trace_ring_peek(struct trace_ring *ring)
{
	uint64_t tail = __atomic_load_n(&ring->tail, __ATOMIC_RELAXED);

	if (tail == ring->head_seen) {
		/* Acquire pairs with the producer's release of head. */
		ring->head_seen = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
		if (tail == ring->head_seen)
			return NULL;
	}
	return &ring->slots[tail & ring->mask];
}

/* Removes the oldest record. */
void trace_ring_consume(struct trace_ring *ring)
{
	uint64_t tail = __atomic_load_n(&ring->tail, __ATOMIC_RELAXED);

	/* head_seen moves only in peek: equality means peek has shown nothing still here. */
	if (tail == ring->head_seen)
		fatal("trace_ring_consume: nothing was peeked");
	/* Release: done reading the slot before the producer may refill it. */
	__atomic_store_n(&ring->tail, tail + 1, __ATOMIC_RELEASE);
}

/* Copies the oldest record out and removes it. */
bool trace_ring_pop(struct trace_ring *ring, struct trace_rec *out)
{
	const struct trace_rec *rec = trace_ring_peek(ring);

	if (rec == NULL)
		return false;
	*out = *rec;
	trace_ring_consume(ring);
	return true;
}

/* Returns and resets the drop count. */
uint64_t trace_ring_take_dropped(struct trace_ring *ring)
{
	return __atomic_exchange_n(&ring->dropped, 0, __ATOMIC_RELAXED);
}

/* Returns how many records the ring lost in all. */
uint64_t trace_ring_lost(struct trace_ring *ring)
{
	return __atomic_load_n(&ring->lost, __ATOMIC_RELAXED);
}

/* Counts a record as dropped without writing it. */
void trace_ring_count_dropped(struct trace_ring *ring)
{
	__atomic_fetch_add(&ring->dropped, 1, __ATOMIC_RELAXED);
	/* The producer alone writes lost: a plain increment, stored atomically for readers. */
	__atomic_store_n(&ring->lost, __atomic_load_n(&ring->lost, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELAXED);
}
