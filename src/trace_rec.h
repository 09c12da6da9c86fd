/*
 * trace_rec.h: one traced event as a thread records it: small, fixed size
 * and binary, so recording is a copy into the thread's own ring. The
 * publisher thread turns records into protocol lines (PROTOCOL.md).
 */
#ifndef MCSCOPE_TRACE_REC_H
#define MCSCOPE_TRACE_REC_H

#include <stdint.h>

#include "wire.h"

/* The thread ids in thr that are no worker (workers are 0..N-1): main, and the conn_timeout thread. */
#define TRACE_THR_MAIN WIRE_THR_MAIN
#define TRACE_THR_TIMEOUT WIRE_THR_TIMEOUT

struct trace_rec {
	uint64_t ts;    /* ns since the server started */
	uint64_t seq;   /* global sequence number */
	int64_t v[WIRE_VALUES_MAX]; /* the event's values, in the order wire.h lists its keys */
	uint16_t ev;    /* enum wire_event */
	int16_t thr;    /* TRACE_THR_MAIN, TRACE_THR_TIMEOUT or a worker index */
	char s[24];     /* the event's TEXT value (a peer address, a verb), nul-terminated */
};

#endif
