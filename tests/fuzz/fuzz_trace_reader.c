/*
 * fuzz_trace_reader.c: libFuzzer target for the one reader of a recorded
 * trace (trace_reader), which replay and export both read through.
 *
 * The input is a trace file, read from a stream a buffer at a time. Each
 * line it returns must lie in its buffer with offsets that only grow, and
 * the malformed never outnumber the lines; going back to the last line read
 * (trace_reader_seek, as replay does to move) must read the same line again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stops the run with why. */
static void broken(const char *why, const struct trace_reader *r)
{
	fprintf(stderr, "fuzz_trace_reader: %s (line %llu at offset %llu)\n", why,
		(unsigned long long)r->counts.lines, (unsigned long long)r->line_offset);
	abort();
}

/* Checks one line the reader returned, against where the one before it ended. */
static void check_line(const struct trace_reader *r, uint64_t prev_offset)
{
	if (r->line_offset != prev_offset || r->offset <= r->line_offset)
		broken("offsets out of order", r);
	if (r->len > 0 && (r->line < r->buf || r->line + r->len > r->buf + sizeof(r->buf)))
		broken("a line outside the buffer", r);
	if (r->len > EVENT_LINE_MAX + 2)
		broken("a line longer than EVENT_LINE_MAX", r);
	if (r->counts.malformed > r->counts.lines)
		broken("more malformed lines than lines", r);
	if (r->status < 0 && r->counts.malformed == 0)
		broken("a malformed line not counted", r);
}

/* Reads the input as a trace, then reads its last line again after seeking back to it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct trace_reader r;
	/* fmemopen refuses an empty buffer: read an empty input from an empty file instead. */
	FILE *in = size > 0 ? fmemopen((void *)data, size, "r") : tmpfile();
	uint64_t prev = 0, last_offset = 0;
	unsigned last_threads = 0;
	enum event_status last_status = EVENT_E_EMPTY;
	char *last = NULL;
	size_t last_len = 0;
	enum trace_read got;

	if (in == NULL)
		abort();
	trace_reader_init(&r, in, "fuzz input");
	for (;;) {
		unsigned threads = r.threads;
		bool after_hello = r.hello;

		got = trace_reader_next(&r);
		if (got != TRACE_READ_LINE)
			break;
		check_line(&r, prev);
		prev = r.offset;
		if (after_hello && r.len > 0) {
			free(last);
			last = malloc(r.len);
			if (last == NULL)
				abort();
			memcpy(last, r.line, r.len);
			last_len = r.len;
			last_offset = r.line_offset;
			last_threads = threads;
			last_status = r.status;
		}
	}
	if (got == TRACE_READ_END && last != NULL) {
		if (!trace_reader_seek(&r, last_offset, last_threads) ||
		    trace_reader_next(&r) != TRACE_READ_LINE)
			broken("cannot read a line again", &r);
		if (r.len != last_len || memcmp(r.line, last, last_len) != 0 || r.status != last_status)
			broken("a line read again differs", &r);
	}
	free(last);
	fclose(in);
	return 0;
}
