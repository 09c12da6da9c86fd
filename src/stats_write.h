/*
 * stats_write.h: the replies to memcached's "stats" command family: the
 * general counters, settings, conns and threads.
 *
 * It reports on every thread and conn, so it sits above conn.c, thread.c and
 * dispatch.c; proto_text.c, below conn.c (a conn embeds its context), reaches
 * it through the writer the server sets with proto_text_set_stats.
 */
#ifndef MCSCOPE_STATS_WRITE_H
#define MCSCOPE_STATS_WRITE_H

struct resp;
struct storage;

/* Writes the reply to "stats <args>" (args may be empty), with the item counts of storage
 * (may be NULL); returns -1 for an unknown group. */
int stats_write(struct resp *out, const char *args, struct storage *storage);

#endif
