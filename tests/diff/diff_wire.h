#ifndef DIFF_WIRE_H
#define DIFF_WIRE_H

#include <stddef.h>

#include "diff_bytes.h"

/* The request id of the "version" datagram that closes each UDP exchange. */
#define WIRE_UDP_SENTINEL 0x5eed

struct sockaddr_in;

/* Milliseconds on the monotonic clock. */
long long wire_now_ms(void);
/* 127.0.0.1:port. */
struct sockaddr_in wire_local_addr(int port);
/* Writes stream to each server over TCP, half-closes, and reads each reply until
 * the server hangs up; a server still talking after timeout_ms gets a marker. */
void wire_tcp(const int *ports, size_t nservers, const struct bytes *stream,
	      struct bytes *replies, int timeout_ms);
/* Sends each datagram to each server over UDP, one at a time, each followed by a
 * "version" sentinel: the reply to a datagram is what came back before the
 * sentinel's answer, written out with its frame headers. Returns how many
 * sentinels went unanswered within timeout_ms: a server may have taken them as
 * the rest of a value, and then still waits for more. */
size_t wire_udp(const int *ports, size_t nservers, const struct bytes *dgrams, size_t ndgrams,
		struct bytes *replies, int timeout_ms);

#endif
