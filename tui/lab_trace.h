/*
 * lab_trace.h: a lab run's trace: every line the server sent, kept in
 * order, as mcscope record writes them, so the same file can be graded
 * again, replayed (mcscope replay) or exported.
 */
#ifndef MCSCOPE_TUI_LAB_TRACE_H
#define MCSCOPE_TUI_LAB_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "event.h"

/* The most lines a lab's trace keeps; a run that makes more is not a lab's. */
#define LAB_TRACE_MAX_LINES 200000

struct lab_trace {
	char **lines;   /* nul-terminated, without the newline */
	size_t n, cap;
	bool full;      /* lines beyond LAB_TRACE_MAX_LINES were left out */
};

/* Sets t up empty. */
void lab_trace_init(struct lab_trace *t);

/* Frees the lines. */
void lab_trace_free(struct lab_trace *t);

/* Appends a line of len bytes (a trailing newline is dropped); false when out of memory or full. */
bool lab_trace_add(struct lab_trace *t, const char *line, size_t len);

/* Parses line i into e; returns event_parse's status. */
enum event_status lab_trace_event(const struct lab_trace *t, size_t i, struct event *e);

/* Reads a trace file (trace_reader's rules: a hello first; lines too long skipped). Returns 0, or
 * with a message TRACE_READ_UNREADABLE (missing, unreadable) or TRACE_READ_NOT_TRACE (not a trace, too big). */
int lab_trace_load(struct lab_trace *t, const char *path);

/* Writes every line to f; false when a write failed. */
bool lab_trace_write(const struct lab_trace *t, FILE *f);

/* Writes every line to path; -1 with a message. */
int lab_trace_save(const struct lab_trace *t, const char *path);

#endif
