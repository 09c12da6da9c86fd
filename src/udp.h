/*
 * udp.h: memcached's 8-byte UDP frame header and reply datagrams.
 *
 * Every request and reply datagram starts with four big-endian 16-bit
 * fields: request id, sequence number, datagram count, reserved (0).
 * A request must come in one datagram (count 1). A reply goes out as
 * memcached 1.6 sends it: each of its responses (resp_start; a multiget
 * has one per key) in datagrams of its own, numbered from 0, of at most
 * UDP_MAX_PAYLOAD_SIZE bytes header included. An empty response costs a
 * header-only datagram (count 0), unless a datagram went out since the
 * replies were last flushed: memcached's send loop then passes over it.
 */
#ifndef MCSCOPE_UDP_H
#define MCSCOPE_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct resp;

#define UDP_HEADER_SIZE 8
/* A whole reply datagram, header included, as memcached's UDP_MAX_PAYLOAD_SIZE. */
#define UDP_MAX_PAYLOAD_SIZE 1400
/* The reply bytes a datagram carries. */
#define UDP_DATA_SIZE (UDP_MAX_PAYLOAD_SIZE - UDP_HEADER_SIZE)

struct udp_header {
	uint16_t request_id;
	uint16_t seq;
	uint16_t count;
	uint16_t reserved;
};

/* Writes a header into 8 bytes at buf. */
void udp_header_encode(uint8_t *buf, const struct udp_header *h);

/* Reads a header from a datagram; -1 when it is shorter than a header. */
int udp_header_decode(const uint8_t *buf, size_t len, struct udp_header *h);

/* Returns the count a response of len bytes gives in its headers: its datagrams (0 when
 * empty), at most UINT16_MAX as memcached clamps it. */
unsigned udp_datagram_count(size_t len);

/* Sends a reply's responses as numbered datagrams to the requester; *sent_any says whether a
 * datagram went out since the last flush, and is set when one does. Returns the datagrams
 * sent, -1 on error. */
int udp_send_reply(int fd, const struct resp *r, uint16_t request_id, const struct sockaddr *to,
		   socklen_t tolen, bool *sent_any);

#endif
