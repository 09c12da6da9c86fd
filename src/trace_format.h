/* trace_format.h: a trace record as a protocol line (PROTOCOL.md), written as wire.h declares its event. */
#ifndef MCSCOPE_TRACE_FORMAT_H
#define MCSCOPE_TRACE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "trace_rec.h"

/* Longest line a record formats to, newline included. */
#define TRACE_LINE_MAX 512

/* Writes a record's whole line, newline included, into buf (TRACE_LINE_MAX bytes); returns the length. */
size_t trace_format(const struct trace_rec *r, char *buf);

/* Writes a worker's name ("w3") or "main" or "none" (-2) into buf; returns buf. */
const char *trace_thr_name(int thr, char *buf, size_t len);

#endif
