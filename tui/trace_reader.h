/*
 * trace_reader.h: the one reader of a recorded trace (what 'mcscope
 * record' writes), for every command that reads one (replay, export).
 *
 * It reads a FILE a buffer at a time, so memory is the buffer whatever the
 * file's size: a line longer than EVENT_LINE_MAX is counted malformed
 * (EVENT_E_TOO_LONG) and skipped to its newline without being kept. Every
 * line goes through event_parse_in with the last hello's worker count, so
 * every reader counts the same lines malformed; the first line that is not
 * blank must be a hello of a protocol version this build reads.
 *
 * A fuzzer needs only: trace_reader_init over fmemopen, trace_reader_next
 * until it returns 0 or less.
 */
#ifndef MCSCOPE_TUI_TRACE_READER_H
#define MCSCOPE_TUI_TRACE_READER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "event.h"

/* Bytes read at once; a line always fits whole (EVENT_LINE_MAX, its "\r\n", and room to spare). */
#define TRACE_READER_BUF (64 * 1024)
_Static_assert(TRACE_READER_BUF > 2 * (EVENT_LINE_MAX + 2), "a whole line fits the buffer");

/* What trace_reader_next returns. */
enum trace_read {
	TRACE_READ_LINE = 1,       /* a line: see status, event, line */
	TRACE_READ_END = 0,        /* the end of the file, after a hello */
	TRACE_READ_UNREADABLE = -1, /* cannot be read (a message was printed) */
	TRACE_READ_NOT_TRACE = -2,  /* empty, binary, no hello first, or too new (a message was printed) */
};

/* Counts over the lines read so far. */
struct trace_counts {
	uint64_t lines;
	uint64_t malformed;        /* lines with a status below 0 */
	uint64_t first_malformed;  /* the first one's line number, 0 when none */
	enum event_status first_status; /* and why */
	uint64_t too_long;         /* of the malformed, lines longer than EVENT_LINE_MAX */
};

struct trace_reader {
	FILE *in;
	const char *name;          /* in messages: the path, or "standard input" */

	/* The line last returned. */
	enum event_status status;  /* event_parse_in's verdict */
	struct event event;        /* when status is EVENT_LINE */
	const char *line;          /* its bytes in the buffer, newline included; valid until the next call */
	size_t len;                /* 0 for a line too long (its bytes are gone) */
	uint64_t line_offset;      /* where it began in the file */
	uint64_t offset;           /* where the next line begins */

	struct trace_counts counts;

	unsigned threads;          /* the last hello's threads= (0 before a hello or without one) */
	bool hello;                /* a hello has been read */

	/* private */
	bool eof;
	size_t start, end, scanned; /* unread bytes are buf[start, end); buf[start, scanned) has no newline */
	uint64_t buf_offset;       /* the file offset of buf[0] */
	char buf[TRACE_READER_BUF];
};

/* Starts reading in (named name in messages) from its present position, which is offset 0. */
void trace_reader_init(struct trace_reader *r, FILE *in, const char *name);

/*
 * Opens path for reading ("-" is standard input, named "standard input" in
 * *name; else *name is path). NULL with a message ("cannot read PATH: ...")
 * when it cannot be opened or is a directory: what every command treats as
 * an unreadable input.
 */
FILE *trace_file_open(const char *path, const char **name);

/*
 * Reads the next line. TRACE_READ_LINE with the line's status, event and
 * bytes in r; TRACE_READ_END at the end of a trace; TRACE_READ_NOT_TRACE or
 * TRACE_READ_UNREADABLE with a message naming the file.
 */
enum trace_read trace_reader_next(struct trace_reader *r);

/*
 * Goes on reading at offset, a line's start that an earlier pass returned,
 * with the worker count in force there; false with a message when the file
 * cannot seek.
 */
bool trace_reader_seek(struct trace_reader *r, uint64_t offset, unsigned threads);

/* Prints, when there were any, "NAME: N malformed lines skipped (the first: line L, why)". */
void trace_counts_report(const struct trace_counts *c, const char *name);

#endif
