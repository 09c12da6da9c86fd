/* Unit tests: how dispatch_select picks a worker. */
#include <criterion/criterion.h>

#include "dispatch.h"

/* A view of n workers with these open connections and empty CQs. */
static struct dispatch_view view_of(int n, const uint64_t *open)
{
	static const unsigned empty[8] = { 0 };

	return (struct dispatch_view){ .nthreads = n, .last_thread = -1, .open_conns = open, .cq_depth = empty };
}

/* What the custom policy below saw last, and what it answers. */
static struct dispatch_view seen;
static int answer;

/* This test program plugs a custom policy in, as a lab build does. */
int dispatch_custom_select(const struct dispatch_view *v)
{
	seen = *v;
	return answer;
}

Test(dispatch, round_robin_is_memcacheds_sequence_for_1_to_8_workers)
{
	uint64_t open[8] = { 0 };

	for (int n = 1; n <= 8; n++) {
		struct dispatcher d;
		struct dispatch_view v = view_of(n, open);
		dispatch_init(&d, DISPATCH_RR, 0);
		cr_assert_eq(d.last_thread, -1);
		for (int i = 0; i < 3 * n; i++)
			cr_assert_eq(dispatch_select(&d, TRANSPORT_TCP, &v), i % n, "%d workers, conn %d", n, i);
	}
}

Test(dispatch, least_picks_fewest_open_ties_to_lowest)
{
	struct dispatcher d;
	uint64_t open[4] = { 3, 1, 1, 2 };
	struct dispatch_view v = view_of(4, open);

	dispatch_init(&d, DISPATCH_LEAST, 0);
	cr_assert_eq(dispatch_select(&d, TRANSPORT_TCP, &v), 1);
	open[1] = 5;
	cr_assert_eq(dispatch_select(&d, TRANSPORT_TCP, &v), 2);
	uint64_t even[4] = { 2, 2, 2, 2 };
	v = view_of(4, even);
	cr_assert_eq(dispatch_select(&d, TRANSPORT_TCP, &v), 0);
}

Test(dispatch, random_is_reproducible_from_its_seed_and_covers_every_worker)
{
	struct dispatcher a, b, c;
	uint64_t open[4] = { 0 };
	struct dispatch_view v = view_of(4, open);
	int seen_of[4] = { 0 }, differ = 0;

	dispatch_init(&a, DISPATCH_RANDOM, 42);
	dispatch_init(&b, DISPATCH_RANDOM, 42);
	dispatch_init(&c, DISPATCH_RANDOM, 43);
	for (int i = 0; i < 400; i++) {
		int x = dispatch_select(&a, TRANSPORT_TCP, &v);
		cr_assert_eq(x, dispatch_select(&b, TRANSPORT_TCP, &v));
		differ += x != dispatch_select(&c, TRANSPORT_TCP, &v);
		cr_assert(x >= 0 && x < 4);
		seen_of[x]++;
	}
	for (int i = 0; i < 4; i++)
		cr_expect_gt(seen_of[i], 50, "worker %d picked %d times of 400", i, seen_of[i]);
	cr_expect_gt(differ, 0, "seeds 42 and 43 gave the same sequence");
}

Test(dispatch, udp_goes_round_robin_whatever_the_policy)
{
	struct dispatcher d;
	uint64_t open[3] = { 9, 0, 0 };
	struct dispatch_view v = view_of(3, open);

	for (int p = 0; p < DISPATCH_MAX; p++) {
		dispatch_init(&d, (enum dispatch_policy)p, 0);
		answer = 2;
		for (int i = 0; i < 3; i++)
			cr_assert_eq(dispatch_select(&d, TRANSPORT_UDP, &v), i, "%s", wire_policy_name(p));
	}
}

Test(dispatch, custom_asks_the_plugged_in_policy_with_the_view_and_its_last_pick)
{
	struct dispatcher d;
	uint64_t open[4] = { 5, 6, 7, 8 };
	unsigned depth[4] = { 1, 0, 2, 3 };
	struct dispatch_view v = { .nthreads = 4, .last_thread = 99, .open_conns = open, .cq_depth = depth };

	cr_assert(dispatch_custom_present());
	dispatch_init(&d, DISPATCH_CUSTOM, 0);
	answer = 3;
	cr_assert_eq(dispatch_select(&d, TRANSPORT_TCP, &v), 3);
	cr_assert_eq(seen.nthreads, 4);
	cr_assert_eq(seen.last_thread, -1, "the dispatcher's last pick, not the caller's");
	cr_assert_eq(seen.open_conns[2], 7);
	cr_assert_eq(seen.cq_depth[3], 3);
	answer = 1;
	cr_assert_eq(dispatch_select(&d, TRANSPORT_TCP, &v), 1);
	cr_assert_eq(seen.last_thread, 3);
}

Test(dispatch, a_custom_pick_out_of_range_goes_to_w0)
{
	struct dispatcher d;
	uint64_t open[2] = { 0 };
	struct dispatch_view v = view_of(2, open);

	dispatch_init(&d, DISPATCH_CUSTOM, 0);
	answer = 2;
	cr_assert_eq(dispatch_select(&d, TRANSPORT_TCP, &v), 0);
	answer = -1;
	cr_assert_eq(dispatch_select(&d, TRANSPORT_TCP, &v), 0);
}
