/* Unit tests: how dispatch_select picks a worker. */
#include <criterion/criterion.h>

#include "dispatch.h"

Test(dispatch, round_robin_is_memcacheds_sequence_for_1_to_8_workers)
{
	uint64_t open[8] = { 0 };

	for (int n = 1; n <= 8; n++) {
		struct dispatcher d;
		dispatch_init(&d, DISPATCH_RR, 0);
		cr_assert_eq(d.last_thread, -1);
		for (int i = 0; i < 3 * n; i++)
			cr_assert_eq(dispatch_select(&d, TRANSPORT_TCP, n, open), i % n,
				     "%d workers, conn %d", n, i);
	}
}

Test(dispatch, least_picks_fewest_open_ties_to_lowest)
{
	struct dispatcher d;
	uint64_t open[4] = { 3, 1, 1, 2 };

	dispatch_init(&d, DISPATCH_LEAST, 0);
	cr_assert_eq(dispatch_select(&d, TRANSPORT_TCP, 4, open), 1);
	open[1] = 5;
	cr_assert_eq(dispatch_select(&d, TRANSPORT_TCP, 4, open), 2);
	uint64_t even[4] = { 2, 2, 2, 2 };
	cr_assert_eq(dispatch_select(&d, TRANSPORT_TCP, 4, even), 0);
}

Test(dispatch, random_is_reproducible_from_its_seed_and_covers_every_worker)
{
	struct dispatcher a, b, c;
	uint64_t open[4] = { 0 };
	int seen[4] = { 0 }, differ = 0;

	dispatch_init(&a, DISPATCH_RANDOM, 42);
	dispatch_init(&b, DISPATCH_RANDOM, 42);
	dispatch_init(&c, DISPATCH_RANDOM, 43);
	for (int i = 0; i < 400; i++) {
		int x = dispatch_select(&a, TRANSPORT_TCP, 4, open);
		cr_assert_eq(x, dispatch_select(&b, TRANSPORT_TCP, 4, open));
		differ += x != dispatch_select(&c, TRANSPORT_TCP, 4, open);
		cr_assert(x >= 0 && x < 4);
		seen[x]++;
	}
	for (int i = 0; i < 4; i++)
		cr_expect_gt(seen[i], 50, "worker %d picked %d times of 400", i, seen[i]);
	cr_expect_gt(differ, 0, "seeds 42 and 43 gave the same sequence");
}

Test(dispatch, udp_goes_round_robin_whatever_the_policy)
{
	struct dispatcher d;
	uint64_t open[3] = { 9, 0, 0 };

	dispatch_init(&d, DISPATCH_LEAST, 0);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(dispatch_select(&d, TRANSPORT_UDP, 3, open), i);
}
