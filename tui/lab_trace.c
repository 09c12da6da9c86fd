/* lab_trace.c: the lines of a lab run, in order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "lab_trace.h"
#include "trace_reader.h"

/* Sets t up empty. */
void lab_trace_init(struct lab_trace *t)
{
	memset(t, 0, sizeof(*t));
}

/* Frees the lines. */
void lab_trace_free(struct lab_trace *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->lines[i]);
	free(t->lines);
	lab_trace_init(t);
}

/* Appends a line. */
bool lab_trace_add(struct lab_trace *t, const char *line, size_t len)
{
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (t->n == LAB_TRACE_MAX_LINES) {
		t->full = true;
		return false;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap == 0 ? 1024 : t->cap * 2;
		char **lines = realloc(t->lines, cap * sizeof(*lines));
		if (lines == NULL)
			return false;
		t->lines = lines;
		t->cap = cap;
	}
	char *copy = malloc(len + 1);
	if (copy == NULL)
		return false;
	memcpy(copy, line, len);
	copy[len] = '\0';
	t->lines[t->n++] = copy;
	return true;
}

/* Parses line i. */
enum event_status lab_trace_event(const struct lab_trace *t, size_t i, struct event *e)
{
	return event_parse(t->lines[i], strlen(t->lines[i]), e);
}

/* Reads a trace file through the one trace reader. */
int lab_trace_load(struct lab_trace *t, const char *path)
{
	const char *name;
	FILE *f = trace_file_open(path, &name);
	struct trace_reader *rd;
	enum trace_read got = TRACE_READ_UNREADABLE;

	if (f == NULL)
		return TRACE_READ_UNREADABLE;
	rd = malloc(sizeof(*rd));
	if (rd == NULL) {
		diag_error("cannot read %s: out of memory", name);
		goto out;
	}
	trace_reader_init(rd, f, name);
	while ((got = trace_reader_next(rd)) == TRACE_READ_LINE) {
		/* A line too long has no bytes left: it is only counted. */
		if (rd->len > 0 && !lab_trace_add(t, rd->line, rd->len)) {
			diag_error("%s: more than %d lines, or out of memory: not a lab's trace", name,
				   LAB_TRACE_MAX_LINES);
			got = TRACE_READ_NOT_TRACE;
			break;
		}
	}
	if (got == TRACE_READ_END) {
		trace_counts_report(&rd->counts, name);
		got = 0;
	}
out:
	free(rd);
	if (f != stdin)
		fclose(f);
	return got;
}

/* Writes every line to an open file. */
bool lab_trace_write(const struct lab_trace *t, FILE *f)
{
	for (size_t i = 0; i < t->n; i++)
		if (fprintf(f, "%s\n", t->lines[i]) < 0)
			return false;
	return true;
}

/* Writes every line. */
int lab_trace_save(const struct lab_trace *t, const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		diag_error("cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	bool ok = lab_trace_write(t, f);
	if (fclose(f) != 0 || !ok) {
		diag_error("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
