/*
 * trace_release.h: hands the memory that departed trace clients had waiting
 * back to the system.
 *
 * A client's waiting lines are evbuffer chunks of at most 4 KB, allocated by
 * the publisher thread and so in its own glibc malloc arena. When a client
 * that lagged leaves, free() keeps its chunks for reuse: glibc gives back only
 * the free top of an arena's heap, and any chunk still in use above them (a
 * remaining client's, a command line's) pins everything below it. A hundred
 * clients that never read took the server from 4 MB to 420 MB, and it stayed
 * at 400 MB once they had gone. malloc_trim() returns every free page of every
 * arena; it walks them all, so it runs once departed clients have held
 * --trace-release bytes between them, and when the last client leaves.
 * The publisher runs it from its loop: a bufferevent's buffers are freed
 * after the callback that freed it returns, not in bufferevent_free().
 */
#ifndef MCSCOPE_TRACE_RELEASE_H
#define MCSCOPE_TRACE_RELEASE_H

#include <stdbool.h>
#include <stddef.h>

/* Notes that a client which had up to held bytes waiting left (last: nobody is connected now);
 * true when trace_release_run is due, once the client's buffers are really freed. */
bool trace_release_left(size_t held, bool last);

/* Hands free memory back to the system, counted in trace_counters.trims. */
void trace_release_run(void);

#endif
