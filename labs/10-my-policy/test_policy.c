/*
 * test_policy.c: lab 10's unit tests of the student's dispatch_custom_select
 * (policy.c): the worker whose CQ is least deep wins, ties go to the lowest
 * worker, and the pick is always a worker the server has. Built with the
 * student's file into the lab build's lab-tests; run as "lab-tests unit".
 */
#include <stdint.h>
#include <stdio.h>

#include "../lab_test.h"
#include "dispatch.h"
#include "dispatch_custom.h"

#define WORKERS_MAX 256

/* Writes the depths as "3 0 2 1" into buf. */
static const char *depths(const unsigned *d, int n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && used + 12 < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%u", i ? " " : "", d[i]);
	if (n > 0 && used + 12 >= len)
		snprintf(buf + used, len - used, " ...");
	return buf;
}

/* The worker the policy should pick: the least deep CQ, the lowest on a tie. */
static int least_deep(const unsigned *d, int n)
{
	int best = 0;

	for (int i = 1; i < n; i++)
		if (d[i] < d[best])
			best = i;
	return best;
}

/* Asks the policy about n workers with these depths and open connections. */
static int pick(const unsigned *depth, const uint64_t *open, int n, int last)
{
	struct dispatch_view v = { .nthreads = n, .last_thread = last, .open_conns = open, .cq_depth = depth };

	return dispatch_custom_select(&v);
}

/* The least deep CQ wins. */
static void least_deep_wins(void)
{
	unsigned depth[4] = { 3, 0, 2, 1 };
	uint64_t open[4] = { 3, 0, 2, 1 };
	char buf[64];
	int got = pick(depth, open, 4, -1);

	LAB_EXPECT(got == 1, "expected w1 (the least deep CQ; depths %s), got w%d", depths(depth, 4, buf, sizeof(buf)),
		   got);
	depth[1] = 4;
	got = pick(depth, open, 4, 1);
	LAB_EXPECT(got == 3, "expected w3 (the least deep CQ; depths %s), got w%d", depths(depth, 4, buf, sizeof(buf)),
		   got);
}

/* Of equally deep CQs the lowest worker wins. */
static void ties_go_to_the_lowest_worker(void)
{
	static const unsigned cases[][4] = { { 2, 1, 1, 1 }, { 0, 0, 0, 0 }, { 5, 5, 4, 4 }, { 1, 2, 1, 0 } };
	uint64_t open[4] = { 0 };
	char buf[64];

	for (int c = 0; c < 4; c++) {
		int want = least_deep(cases[c], 4), got = pick(cases[c], open, 4, -1);
		LAB_EXPECT(got == want, "expected w%d (the lowest of the least deep; depths %s), got w%d", want,
			   depths(cases[c], 4, buf, sizeof(buf)), got);
	}
}

/* The CQ's depth decides, not how many connections a worker has open. */
static void depth_not_open_connections(void)
{
	unsigned depth[4] = { 1, 0, 0, 0 };
	uint64_t open[4] = { 0, 9, 9, 9 };
	int got = pick(depth, open, 4, -1);

	LAB_EXPECT(got == 1, "expected w1 (depths 1 0 0 0; w0 has the fewest open connections, but a "
			     "connection waits in its CQ), got w%d", got);
}

/* The worker picked last changes nothing. */
static void the_last_pick_does_not_matter(void)
{
	unsigned depth[4] = { 1, 1, 0, 1 };
	uint64_t open[4] = { 0 };

	for (int last = -1; last < 4; last++) {
		int got = pick(depth, open, 4, last);
		LAB_EXPECT(got == 2, "expected w2 (depths 1 1 0 1, last_thread %d), got w%d", last, got);
	}
}

/* A server of one worker: always w0. */
static void one_worker(void)
{
	unsigned depth[1] = { 7 };
	uint64_t open[1] = { 3 };
	int got = pick(depth, open, 1, 0);

	LAB_EXPECT(got == 0, "expected w0 (the only worker), got w%d", got);
}

/* For 1 to 256 workers and many depths, the pick is a worker the server has, and the right one. */
static void always_a_worker_the_server_has(void)
{
	static unsigned depth[WORKERS_MAX];
	static uint64_t open[WORKERS_MAX];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	char buf[64];

	for (int n = 1; n <= WORKERS_MAX; n++) {
		for (int round = 0; round < 8; round++) {
			for (int i = 0; i < n; i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				depth[i] = (unsigned)(x % 5);
				open[i] = x % 11;
			}
			int got = pick(depth, open, n, (int)(x % (uint64_t)n));
			LAB_EXPECT(got >= 0 && got < n, "expected a worker w0..w%d, got w%d", n - 1, got);
			int want = least_deep(depth, n);
			LAB_EXPECT(got == want, "expected w%d of %d workers (depths %s), got w%d", want, n,
				   depths(depth, n, buf, sizeof(buf)), got);
		}
	}
}

/* The server's dispatch_select asks the policy under --dispatch=custom, and only then. */
static void the_server_asks_it_under_custom(void)
{
	struct dispatcher d;
	unsigned depth[3] = { 2, 2, 1 };
	uint64_t open[3] = { 0, 0, 0 };
	struct dispatch_view v = { .nthreads = 3, .last_thread = -1, .open_conns = open, .cq_depth = depth };

	dispatch_init(&d, DISPATCH_CUSTOM, 0);
	int got = dispatch_select(&d, TRANSPORT_TCP, &v);
	LAB_EXPECT(got == 2, "expected w2 from dispatch_select under custom (depths 2 2 1), got w%d", got);
	dispatch_init(&d, DISPATCH_RR, 0);
	got = dispatch_select(&d, TRANSPORT_TCP, &v);
	LAB_EXPECT(got == 0, "expected w0 from round robin's first pick, got w%d", got);
}

static const struct lab_test tests[] = {
	{ "unit", "least_deep_wins", least_deep_wins },
	{ "unit", "ties_go_to_the_lowest_worker", ties_go_to_the_lowest_worker },
	{ "unit", "depth_not_open_connections", depth_not_open_connections },
	{ "unit", "the_last_pick_does_not_matter", the_last_pick_does_not_matter },
	{ "unit", "one_worker", one_worker },
	{ "unit", "always_a_worker_the_server_has", always_a_worker_the_server_has },
	{ "unit", "the_server_asks_it_under_custom", the_server_asks_it_under_custom },
};

/* Runs the group named on the command line. */
int main(int argc, char **argv)
{
	return lab_test_main(argc, argv, tests, (int)(sizeof(tests) / sizeof(tests[0])));
}
