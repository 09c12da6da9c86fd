/*
 * udp.h: memcached's 8-byte UDP frame header and reply datagrams.
 *
 * Every request and reply datagram starts with four big-endian 16-bit
 * fields: request id, sequence number, datagram count, reserved (0).
 */
#ifndef MCSCOPE_UDP_H
#define MCSCOPE_UDP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct resp;

#define UDP_HEADER_SIZE 8
#define UDP_MAX_PAYLOAD_SIZE 1400

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

/* Returns how many datagrams a reply of len bytes takes (at least 1). */
unsigned udp_datagram_count(size_t len);

/* Sends a reply as numbered datagrams to the requester; returns the datagrams sent, -1 on error. */
int udp_send_reply(int fd, const struct resp *r, uint16_t request_id, const struct sockaddr *to,
		   socklen_t tolen);

#endif
