/* Unit tests: memcached's UDP frame header. */
#include <criterion/criterion.h>

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

Test(udp, datagram_count_splits_at_1400_bytes)
{
	cr_assert_eq(udp_datagram_count(0), 1);
	cr_assert_eq(udp_datagram_count(1), 1);
	cr_assert_eq(udp_datagram_count(1400), 1);
	cr_assert_eq(udp_datagram_count(1401), 2);
	cr_assert_eq(udp_datagram_count(5025), 4);
}
