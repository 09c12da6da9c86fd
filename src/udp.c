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

/* Counts the datagrams a response needs, as its headers say. */
unsigned udp_datagram_count(size_t len)
{
	size_t n = len / UDP_DATA_SIZE + (len % UDP_DATA_SIZE != 0);

	return n > UINT16_MAX ? UINT16_MAX : (unsigned)n;
}

/* Sends one response, len bytes from off, as numbered datagrams; returns how many. */
static int send_response(int fd, const struct resp *r, size_t off, size_t len,
			 uint16_t request_id, const struct sockaddr *to, socklen_t tolen)
{
	uint8_t dgram[UDP_MAX_PAYLOAD_SIZE];
	struct udp_header h = { request_id, 0, (uint16_t)udp_datagram_count(len), 0 };
	size_t done = 0;
	int sent = 0;

	do {
		size_t n = resp_copy(r, off + done, (char *)dgram + UDP_HEADER_SIZE,
				     len - done < UDP_DATA_SIZE ? len - done : UDP_DATA_SIZE);
		ssize_t w;

		udp_header_encode(dgram, &h);
		do
			w = sendto(fd, dgram, UDP_HEADER_SIZE + n, 0, to, tolen);
		while (w < 0 && errno == EINTR);
		if (w < 0)
			return -1;
		/* Past 65535 datagrams the sequence wraps, as memcached's 16-bit one does. */
		h.seq++;
		done += n;
		sent++;
	} while (done < len);
	return sent;
}

/* Sends a reply, response by response. */
int udp_send_reply(int fd, const struct resp *r, uint16_t request_id, const struct sockaddr *to,
		   socklen_t tolen, bool *sent_any)
{
	size_t start = 0, pos = 0;
	int total = 0;

	for (int i = 0; i <= r->nsegs; i++) {
		int n;

		if (i < r->nsegs && !r->segs[i].start) {
			pos += r->segs[i].len;
			continue;
		}
		/* A response ends here: at the next one's start, or the reply's end. */
		if (pos > start || !*sent_any) {
			n = send_response(fd, r, start, pos - start, request_id, to, tolen);
			if (n < 0)
				return -1;
			total += n;
			*sent_any = true;
		}
		start = pos;
		if (i < r->nsegs)
			pos += r->segs[i].len;
	}
	return total;
}
