/*
 * resp.h: a connection's outgoing reply, as a list of segments.
 *
 * Text is copied into the reply's own arena; item values are sent from
 * the item itself (a reference is held until the reply is reset), the way
 * memcached builds its iovecs. resp_write() sends with writev and picks up
 * where a short write left off.
 */
#ifndef MCSCOPE_RESP_H
#define MCSCOPE_RESP_H

#include <stdbool.h>
#include <stddef.h>

struct item;
struct storage;

struct resp_seg {
	struct item *item; /* NULL for text */
	size_t off;        /* text: offset in the arena; item: offset in item_data */
	size_t len;
	bool start;        /* one of memcached's response objects begins here (resp_start) */
};

struct resp {
	struct storage *storage; /* where item references go back to */
	struct resp_seg *segs;
	int nsegs, segsize;
	char *arena;
	size_t arenalen, arenasize;
	int cur;                 /* first segment not fully sent */
	size_t curoff;           /* bytes of segs[cur] already sent */
	size_t total;            /* bytes in the reply */
	bool start_next;         /* the next bytes queued begin a new response (resp_start_next) */
};

enum resp_status { RESP_DONE, RESP_AGAIN, RESP_ERROR };

/* Prepares an empty reply whose item references go back to st. */
void resp_init(struct resp *r, struct storage *st);

/* Releases item references and empties the reply, keeping its memory. */
void resp_reset(struct resp *r);

/* Releases everything. */
void resp_destroy(struct resp *r);

/* Appends text; returns -1 when out of memory. */
int resp_add(struct resp *r, const char *s, size_t n);

/* Appends a nul-terminated string. */
int resp_add_str(struct resp *r, const char *s);

/* Appends formatted text. */
int resp_printf(struct resp *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Begins a new response, as memcached's resp_start does for each key of a multiget: over
 * UDP each response goes in datagrams of its own. The reply's first begins at its start. */
int resp_start(struct resp *r);

/* Makes the next bytes queued (or the next resp_start) begin a new response: a command's
 * reply held behind others. A command that queues nothing (noreply) makes none, as
 * memcached skips its response. */
void resp_start_next(struct resp *r);

/* Appends an item's value and "\r\n"; takes over one reference to it (released on failure too). */
int resp_add_item(struct resp *r, struct item *it);

/* Drops whatever was queued after the first len bytes, before any of it is written. */
void resp_truncate(struct resp *r, size_t len);

/* True when nothing is queued. */
static inline bool resp_empty(const struct resp *r) { return r->total == 0; }

/* Writes as much as the socket takes: RESP_DONE when all is sent. */
enum resp_status resp_write(struct resp *r, int fd, size_t *written);

/* Copies n bytes starting at byte off of the reply into dst; returns the bytes copied. */
size_t resp_copy(const struct resp *r, size_t off, char *dst, size_t n);

#endif
