/* Unit tests: memcached's UDP frame header. */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "resp.h"
#include "udp.h"

Test(udp, header_round_trip_is_big_endian)
{
	struct udp_header h = { 0x1234, 2, 3, 0 }, back;
	uint8_t buf[UDP_HEADER_SIZE];

	udp_header_encode(buf, &h);
	const uint8_t want[] = { 0x12, 0x34, 0x00, 0x02, 0x00, 0x03, 0x00, 0x00 };
	cr_assert_arr_eq(buf, want, sizeof(want));
	cr_assert_eq(udp_header_decode(buf, sizeof(buf), &back), 0);
	cr_assert_eq(back.request_id, 0x1234);
	cr_assert_eq(back.seq, 2);
	cr_assert_eq(back.count, 3);
	cr_assert_eq(back.reserved, 0);
}

Test(udp, short_datagram_is_rejected)
{
	struct udp_header h;
	uint8_t buf[7] = { 0 };

	cr_assert_eq(udp_header_decode(buf, sizeof(buf), &h), -1);
}

Test(udp, datagram_count_is_of_1392_byte_payloads)
{
	/* memcached's datagrams are 1400 bytes, its 8-byte header included. */
	cr_assert_eq(udp_datagram_count(0), 0);
	cr_assert_eq(udp_datagram_count(1), 1);
	cr_assert_eq(udp_datagram_count(1392), 1);
	cr_assert_eq(udp_datagram_count(1393), 2);
	cr_assert_eq(udp_datagram_count(5025), 4);
	/* Clamped where the 16-bit field ends, as memcached does. */
	cr_assert_eq(udp_datagram_count((size_t)1392 * 70000), UINT16_MAX);
}

/* One datagram as received. */
struct dgram {
	struct udp_header h;
	size_t len;          /* payload bytes */
	char payload[UDP_MAX_PAYLOAD_SIZE];
};

/* Sends r with udp_send_reply over a datagram socketpair and reads back what came. */
static int send_and_collect(struct resp *r, bool *sent_any, struct dgram *out, int max)
{
	int sv[2], n = 0;
	uint8_t buf[UDP_MAX_PAYLOAD_SIZE + 1];
	ssize_t got;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv), 0);
	int sent = udp_send_reply(sv[0], r, 0x4242, NULL, 0, sent_any);
	while (n < max && (got = recv(sv[1], buf, sizeof(buf), 0)) >= 0) {
		cr_assert_leq(got, UDP_MAX_PAYLOAD_SIZE);
		cr_assert_eq(udp_header_decode(buf, (size_t)got, &out[n].h), 0);
		cr_assert_eq(out[n].h.request_id, 0x4242);
		out[n].len = (size_t)got - UDP_HEADER_SIZE;
		memcpy(out[n].payload, buf + UDP_HEADER_SIZE, out[n].len);
		n++;
	}
	cr_assert_eq(sent, n);
	close(sv[0]);
	close(sv[1]);
	return n;
}

Test(udp, each_response_in_datagrams_of_its_own)
{
	struct resp r;
	struct dgram d[8];
	char big[3000];
	bool sent_any = false;

	memset(big, 'x', sizeof(big));
	resp_init(&r, NULL);
	/* A multiget: a hit of 3000 bytes, a miss, a hit with END. */
	cr_assert_eq(resp_add(&r, big, sizeof(big)), 0);
	cr_assert_eq(resp_start(&r), 0);
	cr_assert_eq(resp_start(&r), 0);
	cr_assert_eq(resp_add_str(&r, "VALUE k 0 1\r\nk\r\nEND\r\n"), 0);
	cr_assert_eq(send_and_collect(&r, &sent_any, d, 8), 4);
	cr_assert(sent_any);
	/* 3000 bytes: 1392, 1392, 216, numbered 0-2 of 3. */
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(d[i].h.seq, i);
		cr_assert_eq(d[i].h.count, 3);
		cr_assert_eq(d[i].len, i < 2 ? (size_t)UDP_DATA_SIZE : 3000 - 2 * UDP_DATA_SIZE);
	}
	/* The empty response after a datagram costs nothing; the last is 0 of 1. */
	cr_assert_eq(d[3].h.seq, 0);
	cr_assert_eq(d[3].h.count, 1);
	cr_assert_eq(d[3].len, 21);
	cr_assert_eq(memcmp(d[3].payload, "VALUE k 0 1\r\nk\r\nEND\r\n", 21), 0);
	resp_destroy(&r);
}

Test(udp, an_empty_first_response_is_a_bare_header)
{
	struct resp r;
	struct dgram d[4];
	bool sent_any = false;

	resp_init(&r, NULL);
	/* "get m1 m2 k": two misses, then a hit. */
	cr_assert_eq(resp_start(&r), 0);
	cr_assert_eq(resp_start(&r), 0);
	cr_assert_eq(resp_add_str(&r, "END\r\n"), 0);
	cr_assert_eq(send_and_collect(&r, &sent_any, d, 4), 2);
	cr_assert_eq(d[0].len, 0);
	cr_assert_eq(d[0].h.count, 0);
	cr_assert_eq(d[1].len, 5);
	cr_assert_eq(d[1].h.count, 1);
	/* After a datagram since the last flush, the empty ones go unsent. */
	cr_assert_eq(send_and_collect(&r, &sent_any, d, 4), 1);
	cr_assert_eq(d[0].len, 5);
	resp_destroy(&r);
}

Test(udp, a_reply_cut_back_keeps_no_empty_response)
{
	struct resp r;
	struct dgram d[4];
	bool sent_any = false;

	resp_init(&r, NULL);
	/* "gets a <key too long>": a's miss began a response, then the whole reply is cut. */
	cr_assert_eq(resp_start(&r), 0);
	resp_truncate(&r, 0);
	cr_assert_eq(resp_add_str(&r, "CLIENT_ERROR bad command line format\r\n"), 0);
	cr_assert_eq(send_and_collect(&r, &sent_any, d, 4), 1);
	cr_assert_eq(d[0].h.count, 1);
	resp_destroy(&r);
}
