#include <errno.h>

#include "log.h"
#include "resp.h"
#include "udp.h"

/* Stores a 16-bit value big-endian. */
static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Loads a big-endian 16-bit value. */
static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Writes a header. */
void udp_header_encode(uint8_t *buf, const struct udp_header *h)
{
	put16(buf, h->request_id);
	put16(buf + 2, h->seq);
	put16(buf + 4, h->count);
	put16(buf + 6, h->reserved);
}

/* Reads a header. */
int udp_header_decode(const uint8_t *buf, size_t len, struct udp_header *h)
{
	if (len < UDP_HEADER_SIZE)
		return -1;
	h->request_id = get16(buf);
	h->seq = get16(buf + 2);
	h->count = get16(buf + 4);
	h->reserved = get16(buf + 6);
	return 0;
}

/* Counts the datagrams a reply needs. */
unsigned udp_datagram_count(size_t len)
{
	if (len == 0)
		return 1;
	return (unsigned)((len + UDP_MAX_PAYLOAD_SIZE - 1) / UDP_MAX_PAYLOAD_SIZE);
}

/* Sends a reply as datagrams. */
int udp_send_reply(int fd, const struct resp *r, uint16_t request_id, const struct sockaddr *to,
		   socklen_t tolen)
{
	uint8_t dgram[UDP_HEADER_SIZE + UDP_MAX_PAYLOAD_SIZE];
	unsigned count = udp_datagram_count(r->total);

	if (count > UINT16_MAX) {
		log_error("udp: a reply of %zu bytes needs more datagrams than the header counts",
			  r->total);
		return -1;
	}
	for (unsigned seq = 0; seq < count; seq++) {
		struct udp_header h = { request_id, (uint16_t)seq, (uint16_t)count, 0 };
		size_t off = (size_t)seq * UDP_MAX_PAYLOAD_SIZE;
		size_t n = resp_copy(r, off, (char *)dgram + UDP_HEADER_SIZE, UDP_MAX_PAYLOAD_SIZE);
		ssize_t sent;

		udp_header_encode(dgram, &h);
		do
			sent = sendto(fd, dgram, UDP_HEADER_SIZE + n, 0, to, tolen);
		while (sent < 0 && errno == EINTR);
		if (sent < 0)
			return -1;
	}
	return (int)count;
}
