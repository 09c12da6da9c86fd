/*
 * proto_text.h: memcached's text protocol, without sockets.
 *
 * The connection code finds a command line in its read buffer with
 * proto_text_find_line(), hands the line to proto_text_process(), and does
 * what the returned action says; a storage command comes back to
 * proto_text_complete_nread() once its value has been read into the item.
 * Tests drive the same functions with plain buffers.
 */
#ifndef MCSCOPE_PROTO_TEXT_H
#define MCSCOPE_PROTO_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage.h"

struct resp;
struct settings;
struct thread_stats;

/* The memcached whose text protocol this answers as, and what "version" says: clients choose
 * what to expect by it (libmemcached's memccapable takes 1.6 and later to accept
 * "version foo"). stats and mcscoped -V give mcscope's own version. */
#define PROTO_MEMCACHED_VERSION "1.6.18"

/* The first byte of a request in memcached's binary protocol, which this does not speak. */
#define PROTO_BINARY_MAGIC 0x80

/* A line with no newline longer than this (not get/gets) closes the connection. */
#define PROTO_LINE_MAX 2048

enum proto_line {
	PROTO_LINE_MORE,     /* no complete line yet: read more */
	PROTO_LINE_READY,    /* a line is ready */
	PROTO_LINE_TOO_LONG, /* over PROTO_LINE_MAX with no newline and not a get: close */
};

enum proto_action {
	PROTO_WRITE,   /* send the reply (it may be empty after noreply), then the next command */
	PROTO_MWRITE,  /* get, gets, gat, gats: send the VALUE lines and items, then the next command */
	PROTO_NREAD,   /* read pending->vlen value bytes into item_data(pending->item) */
	PROTO_SWALLOW, /* discard pending->vlen bytes that follow, then send the reply */
	PROTO_QUIT,    /* send what is queued, then close the connection */
	PROTO_CLOSE,   /* close the connection at once: an HTTP request, no memory */
};

/* A storage command between its command line and its value. */
struct proto_pending {
	struct item *item;   /* allocated, holds one reference */
	enum store_op op;
	uint64_t cas;
	bool noreply;
	size_t vlen;         /* value bytes to read or swallow, "\r\n" included */
};

/* What commands act on. */
struct proto_ctx {
	struct storage *storage;
	struct thread_stats *stats;
	const struct settings *settings;
	int fd;              /* for -vv logging */
	const char *verb;    /* set by proto_text_process: the command's verb, for tracing */
	unsigned nkeys;      /* set by proto_text_process: keys named in the command */
};

/* Finds a command line in buf: on PROTO_LINE_READY, the line (without "\r\n" or "\n") is
 * *line_len bytes and *consumed bytes (newline included) are used up. */
enum proto_line proto_text_find_line(const char *buf, size_t len, size_t *line_len,
				     size_t *consumed);

/* Runs one command line (modified in place); the reply goes to out. */
enum proto_action proto_text_process(struct proto_ctx *ctx, struct resp *out, char *line,
				     size_t len, struct proto_pending *pending);

/* Stores a value read for a pending storage command and queues its reply; drops the reference. */
void proto_text_complete_nread(struct proto_ctx *ctx, struct resp *out,
			       struct proto_pending *pending);

/* Sets what writes the reply to "stats <args>" (-1 for an unknown group): the server's
 * stats_write, which reports on threads and conns from above this module. Set it before any
 * command runs; until then "stats" answers ERROR. */
void proto_text_set_stats(int (*write)(struct resp *out, const char *args,
				       struct storage *storage));

#endif
