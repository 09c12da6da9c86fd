/*
 * load_stats.c: what mcscope load counts: latencies per op in log-linear
 * histograms (fixed size, so a long run costs no memory), failures by
 * kind, and the summary table.
 */
#include <inttypes.h>
#include <stdio.h>

#include "load.h"

/* log2(LOAD_HIST_SUB) */
#define SUB_BITS 5

static const char *const op_names[LOAD_N_OPS] = { "get", "set", "delete", "incr", "version" };

/* Returns an op's name. */
const char *load_op_name(enum load_op op)
{
	return (unsigned)op < LOAD_N_OPS ? op_names[op] : "?";
}

/* The bucket of a value: exact below LOAD_HIST_SUB, then LOAD_HIST_SUB buckets per power of two. */
static unsigned bucket_of(uint64_t v)
{
	unsigned msb, shift;

	if (v < LOAD_HIST_SUB)
		return (unsigned)v;
	msb = 63u - (unsigned)__builtin_clzll(v);
	shift = msb - SUB_BITS;
	return (shift + 1) * LOAD_HIST_SUB + (unsigned)((v >> shift) & (LOAD_HIST_SUB - 1));
}

/* The largest value that falls in bucket i. */
static uint64_t bucket_top(unsigned i)
{
	unsigned shift;

	if (i < LOAD_HIST_SUB)
		return i;
	shift = i / LOAD_HIST_SUB - 1;
	return (((uint64_t)LOAD_HIST_SUB + i % LOAD_HIST_SUB) << shift) + ((uint64_t)1 << shift) - 1;
}

/* Counts one answered request. */
void load_stats_ok(struct load_stats *s, enum load_op op, uint64_t usec)
{
	struct load_hist *h = &s->op[op];

	h->count++;
	h->buckets[bucket_of(usec)]++;
	if (usec > h->max)
		h->max = usec;
}

/* Counts one failure. */
void load_stats_error(struct load_stats *s, enum load_op op, enum load_err err)
{
	s->errors[err]++;
	if (err != LOAD_ERR_CONNECT)
		s->op_errors[op]++;
}

/* Sums the answered requests. */
uint64_t load_stats_requests(const struct load_stats *s)
{
	uint64_t n = 0;

	for (int i = 0; i < LOAD_N_OPS; i++)
		n += s->op[i].count;
	return n;
}

/* Sums the failures. */
uint64_t load_stats_errors(const struct load_stats *s)
{
	uint64_t n = 0;

	for (int i = 0; i < LOAD_N_ERRS; i++)
		n += s->errors[i];
	return n;
}

/* Finds a percentile. */
uint64_t load_hist_percentile(const struct load_hist *h, double p)
{
	uint64_t rank, seen = 0;

	if (h->count == 0)
		return 0;
	rank = (uint64_t)(p * (double)h->count);
	if ((double)rank < p * (double)h->count)
		rank++;
	if (rank < 1)
		rank = 1;
	for (unsigned i = 0; i < LOAD_HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank)
			return bucket_top(i) < h->max ? bucket_top(i) : h->max;
	}
	return h->max;
}

/* Merges two histograms. */
void load_hist_merge(struct load_hist *into, const struct load_hist *from)
{
	into->count += from->count;
	if (from->max > into->max)
		into->max = from->max;
	for (unsigned i = 0; i < LOAD_HIST_BUCKETS; i++)
		into->buckets[i] += from->buckets[i];
}

/* Prints one table row. */
static void print_row(FILE *out, const char *name, const struct load_hist *h, uint64_t errors)
{
	fprintf(out, "%-8s %10" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 "\n",
		name, h->count, errors, load_hist_percentile(h, 0.50), load_hist_percentile(h, 0.90),
		load_hist_percentile(h, 0.99), h->max);
}

/* Prints the summary table. */
void load_stats_print(FILE *out, const struct load_stats *s, double seconds)
{
	static struct load_hist all; /* too big for the stack of a small thread; one summary at a time */
	uint64_t op_errors = 0;

	all = (struct load_hist){ 0 };
	fprintf(out, "%-8s %10s %8s %8s %8s %8s %8s\n", "op", "requests", "errors", "p50_us", "p90_us",
		"p99_us", "max_us");
	for (int i = 0; i < LOAD_N_OPS; i++) {
		op_errors += s->op_errors[i];
		if (s->op[i].count == 0 && s->op_errors[i] == 0)
			continue;
		print_row(out, load_op_name((enum load_op)i), &s->op[i], s->op_errors[i]);
		load_hist_merge(&all, &s->op[i]);
	}
	print_row(out, "all", &all, op_errors);
	fprintf(out,
		"requests=%" PRIu64 " errors=%" PRIu64 " bad_replies=%" PRIu64 " closed=%" PRIu64
		" timeouts=%" PRIu64 " connect_failures=%" PRIu64 "\n",
		load_stats_requests(s), load_stats_errors(s), s->errors[LOAD_ERR_REPLY],
		s->errors[LOAD_ERR_CLOSED], s->errors[LOAD_ERR_TIMEOUT], s->errors[LOAD_ERR_CONNECT]);
	fprintf(out, "connections=%" PRIu64 " get_hits=%" PRIu64 " get_misses=%" PRIu64
		" requests_per_s=%.1f\n",
		s->connects, s->hits, s->misses,
		seconds > 0 ? (double)load_stats_requests(s) / seconds : 0.0);
}
