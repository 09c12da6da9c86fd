/*
 * export_perfetto.h: a recorded trace (the lines of src/PROTOCOL.md) as a
 * Chrome/Perfetto JSON trace, to open in ui.perfetto.dev or chrome://tracing.
 *
 * What comes out, in one process named after the server's pid:
 *   - a track per thread: tid 1 is main, 2+K is worker wK; each event is a
 *     slice named after the memcached function it mirrors; dispatch_conn_new
 *     spans the dispatch up to the notify-pipe write, and on the worker
 *     thread_libevent_process spans the notify read up to conn_new;
 *   - a flow arrow from each dispatch to the cq_pop of that connection on
 *     its worker (bind_id = the connection id, ids being unique per server);
 *   - a counter track "CQ wK" per worker with the depth of its CQ;
 *   - a track per connection (async id = the connection id): its lifetime from
 *     conn_new (or the snapshot) to conn_close, its states nested inside.
 * Ids are written as Chrome writes them, hex strings ("0x2"), which every
 * importer of the format reads. Input is streamed: memory grows with the connections open at once, not
 * with the length of the trace.
 */
#ifndef MCSCOPE_TUI_EXPORT_PERFETTO_H
#define MCSCOPE_TUI_EXPORT_PERFETTO_H

#include <stdint.h>
#include <stdio.h>

#include "trace_reader.h"

/* export_perfetto's results besides 0. */
#define EXPORT_NOT_TRACE 1   /* the input does not start with a hello line */
#define EXPORT_UNREADABLE 2  /* the input cannot be read */
#define EXPORT_FAILED (-1)   /* writing failed, or out of memory (a message was printed) */

struct export_stats {
	struct trace_counts counts; /* lines read, and the malformed ones skipped (trace_reader's) */
	uint64_t events;     /* event lines converted */
	uint64_t unknown;    /* event lines whose ev= this build does not know (kept as instants) */
	uint64_t ignored;    /* answers, and everything after a second hello */
	uint64_t written;    /* JSON trace events written */
};

/*
 * Reads a trace from in (named in_name in messages) and writes its JSON.
 * open_out(arg) is called once the first line has been found to be a
 * hello, so that no output file is made for something that is not a
 * trace; it returns the stream to write (the caller closes it) or NULL
 * after printing why. Lines are read by trace_reader (the same lines are
 * malformed as for replay). Returns 0, EXPORT_NOT_TRACE, EXPORT_UNREADABLE
 * or EXPORT_FAILED, each with a message on stderr except 0; st is filled in
 * in every case.
 */
int export_perfetto(FILE *in, const char *in_name, FILE *(*open_out)(void *arg), void *arg,
		    struct export_stats *st);

#endif
