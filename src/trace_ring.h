/*
 * trace_ring.h: a lock-free single-producer single-consumer ring of trace
 * records. Each server thread owns one and records into it (the producer);
 * the publisher thread drains every ring (the consumer). Recording never
 * blocks and never takes a lock: when the ring is full the record is dropped
 * and counted, so a slow reader can cost events but never slow the server.
 */
#ifndef MCSCOPE_TRACE_RING_H
#define MCSCOPE_TRACE_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "trace_rec.h"

/* The largest capacity trace_ring_create accepts. */
#define TRACE_RING_MAX_CAPACITY (1u << 24)

struct trace_ring;

/* Makes an empty ring of capacity (1..TRACE_RING_MAX_CAPACITY) records, rounded up to a power of two; NULL on failure (message logged). */
struct trace_ring *trace_ring_create(unsigned capacity);

/* Frees the ring and whatever it still holds; NULL is a no-op. */
void trace_ring_destroy(struct trace_ring *ring);

/* Returns the capacity in records, after rounding. */
unsigned trace_ring_capacity(const struct trace_ring *ring);

/* Producer: copies rec in; false (and one more drop counted) when the ring is full. */
bool trace_ring_push(struct trace_ring *ring, const struct trace_rec *rec);

/* Consumer: copies the oldest record into out and removes it; false when empty. */
bool trace_ring_pop(struct trace_ring *ring, struct trace_rec *out);

/* Consumer: the oldest record, left in place until trace_ring_consume; NULL when empty. */
const struct trace_rec *trace_ring_peek(struct trace_ring *ring);

/* Consumer: removes the record the last trace_ring_peek returned. */
void trace_ring_consume(struct trace_ring *ring);

/* Consumer: the number of records dropped since the last call, resetting it to 0. */
uint64_t trace_ring_take_dropped(struct trace_ring *ring);

/* Any thread: how many records the ring has lost since it was made (never reset). */
uint64_t trace_ring_lost(struct trace_ring *ring);

/* Producer: counts one record as dropped without writing it (nobody could take it). */
void trace_ring_count_dropped(struct trace_ring *ring);

#endif
