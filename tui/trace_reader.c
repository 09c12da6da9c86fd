/*
 * trace_reader.c: a recorded trace read a line at a time, in a fixed buffer.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "trace_reader.h"

/* Sets r up over in. */
void trace_reader_init(struct trace_reader *r, FILE *in, const char *name)
{
	memset(r, 0, offsetof(struct trace_reader, buf));
	r->in = in;
	r->name = name;
}

/* Opens a file, refusing a directory as unreadable (reading one fails only later). */
FILE *trace_file_open(const char *path, const char **name)
{
	bool std = strcmp(path, "-") == 0;
	struct stat st;
	FILE *in;

	*name = std ? "standard input" : path;
	in = std ? stdin : fopen(path, "r");
	if (in == NULL) {
		diag_error("cannot read %s: %s", *name, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(in), &st) == 0 && S_ISDIR(st.st_mode)) {
		diag_error("cannot read %s: %s", *name, strerror(EISDIR));
		if (!std)
			fclose(in);
		return NULL;
	}
	return in;
}

/* Reads more after the unread bytes; 1 when bytes came, 0 at the end, -1 on an error (printed). */
static int fill(struct trace_reader *r)
{
	size_t got;

	if (r->eof)
		return 0;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->buf_offset += r->start;
		r->end -= r->start;
		r->scanned -= r->start;
		r->start = 0;
	}
	got = fread(r->buf + r->end, 1, sizeof(r->buf) - r->end, r->in);
	r->end += got;
	if (got > 0)
		return 1;
	if (ferror(r->in)) {
		diag_error("cannot read %s: %s", r->name, strerror(errno ? errno : EIO));
		return -1;
	}
	r->eof = true;
	return 0;
}

/* Drops the rest of an overlong line, up to and with its newline, keeping none of it. */
static int skip_line(struct trace_reader *r)
{
	for (;;) {
		char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		int rc;

		if (nl != NULL) {
			r->start = r->scanned = (size_t)(nl - r->buf) + 1;
			return 1;
		}
		r->start = r->scanned = r->end;
		rc = fill(r);
		if (rc <= 0)
			return rc;
	}
}

/* Finds the next line's bytes (r->line, r->len, offsets); 1, 0 at the end, -1 on an error. */
static int next_line(struct trace_reader *r)
{
	for (;;) {
		char *nl = memchr(r->buf + r->scanned, '\n', r->end - r->scanned);
		size_t take;
		int rc;

		r->line_offset = r->buf_offset + r->start;
		if (nl != NULL) {
			take = (size_t)(nl - r->buf) + 1 - r->start;
		} else if (r->end - r->start > EVENT_LINE_MAX + 2) {
			/* Longer than any line can be with its "\r\n": none of it is worth keeping. */
			r->line = r->buf + r->start;
			r->len = 0;
			rc = skip_line(r);
			if (rc < 0)
				return rc;
			r->offset = r->buf_offset + r->start;
			r->status = EVENT_E_TOO_LONG;
			return 1;
		} else if (r->eof) {
			if (r->start == r->end)
				return 0;
			take = r->end - r->start; /* a last line without a newline */
		} else {
			r->scanned = r->end;
			rc = fill(r);
			if (rc < 0)
				return rc;
			continue;
		}
		r->line = r->buf + r->start;
		r->len = take;
		r->start = r->scanned = r->start + take;
		r->offset = r->buf_offset + r->start;
		r->status = event_parse_in(r->line, r->len, r->threads, &r->event);
		/* Too long but within the buffer: gone all the same, as if it had not fitted. */
		if (r->status == EVENT_E_TOO_LONG)
			r->len = 0;
		return 1;
	}
}

/* Reads one line, counting it, and checks that a trace starts with a hello. */
enum trace_read trace_reader_next(struct trace_reader *r)
{
	struct trace_counts *c = &r->counts;
	int rc = next_line(r);

	if (rc < 0)
		return TRACE_READ_UNREADABLE;
	if (rc == 0) {
		if (r->hello)
			return TRACE_READ_END;
		diag_error("%s: not an mcscope trace (%s)", r->name,
			   c->lines == 0 ? "it is empty" : "it has no hello line");
		return TRACE_READ_NOT_TRACE;
	}
	c->lines++;
	if (r->status < 0) {
		c->malformed++;
		c->too_long += r->status == EVENT_E_TOO_LONG;
		if (c->first_malformed == 0) {
			c->first_malformed = c->lines;
			c->first_status = r->status;
		}
	}
	if (!r->hello && r->status != EVENT_E_EMPTY &&
	    (r->status != EVENT_LINE || r->event.ev != EVT_hello)) {
		diag_error("%s: not an mcscope trace (line %" PRIu64 " is not a hello line; "
			   "'mcscope record' makes traces)", r->name, c->lines);
		return TRACE_READ_NOT_TRACE;
	}
	if (r->status == EVENT_LINE && r->event.ev == EVT_hello) {
		if (event_num(&r->event, KEY_v, 0) > WIRE_VERSION) {
			diag_error("%s: trace protocol v%" PRIu64 " is newer than this mcscope reads (v%d)",
				   r->name, event_num(&r->event, KEY_v, 0), WIRE_VERSION);
			return TRACE_READ_NOT_TRACE;
		}
		r->hello = true;
		r->threads = (unsigned)event_num(&r->event, KEY_threads, 0);
	}
	return TRACE_READ_LINE;
}

/* Moves to a line's start. */
bool trace_reader_seek(struct trace_reader *r, uint64_t offset, unsigned threads)
{
	/* Within what is buffered: no system call. */
	if (offset >= r->buf_offset && offset <= r->buf_offset + r->end) {
		r->start = r->scanned = (size_t)(offset - r->buf_offset);
	} else {
		if (fseeko(r->in, (off_t)offset, SEEK_SET) != 0) {
			diag_error("cannot read %s: %s", r->name, strerror(errno));
			return false;
		}
		r->buf_offset = offset;
		r->start = r->end = r->scanned = 0;
		r->eof = false;
	}
	r->offset = offset;
	r->threads = threads;
	r->hello = true;
	return true;
}

/* Tells how many lines were skipped. */
void trace_counts_report(const struct trace_counts *c, const char *name)
{
	if (c->malformed == 0)
		return;
	diag_error("%s: %" PRIu64 " malformed line%s skipped (the first: line %" PRIu64 ", %s)",
		   name, c->malformed, c->malformed == 1 ? "" : "s", c->first_malformed,
		   event_status_name(c->first_status));
}
