#ifndef DIFF_GEN_H
#define DIFF_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "diff_allow.h"
#include "diff_bytes.h"

#define GEN_DGRAMS_MAX 8
/* The largest value both servers take (-I): values around it are generated. */
#define GEN_ITEM_MAX_KB 512

/* A seeded generator of one stream of commands: the same seed and index give the
 * same bytes. */
struct gen {
	uint64_t rng;
	char prefix[24];        /* every key of the stream starts with it */
	uint64_t cas;           /* the cas unique the servers gave last: cas commands aim near it */
	bool udp;               /* datagram-sized commands */
	const struct allow *allow;
};

/* Seeds g for stream index of the run with seed; cas is the servers' latest cas unique. */
void gen_init(struct gen *g, uint64_t seed, unsigned long index, uint64_t cas,
	      const struct allow *allow);
/* True when stream index of the run goes over UDP. */
bool gen_is_udp(uint64_t seed, unsigned long index);
/* A TCP stream: pipelined commands, their data, odd bytes. */
void gen_tcp_stream(struct gen *g, struct bytes *out);
/* Datagrams with the 8-byte frame header, odd ones among them; returns their count. */
size_t gen_udp_stream(struct gen *g, struct bytes *dgrams, size_t max);

#endif
