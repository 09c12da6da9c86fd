/*
 * storage.h: the item store: a hash table with striped locks, one LRU,
 * eviction under the memory limit, expiry, cas uniques, incr/decr.
 *
 * Items are reference counted: storage_get() hands out a reference that
 * the caller gives back with storage_item_release(), so a reply can send
 * straight from an item that another worker replaces or evicts meanwhile.
 * All times are rel times (clock.h) passed in by the caller, so tests can
 * move time without touching a clock.
 */
#ifndef MCSCOPE_STORAGE_H
#define MCSCOPE_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"

#define KEY_MAX_LENGTH 250

/*
 * What memcached 1.6 counts an item as, for -I and for chunking: its item
 * header (48 bytes on LP64: three pointers, two times, nbytes, refcount,
 * it_flags, slab class and nkey, padded to the 8-byte cas that follows),
 * the cas (cas is on by default, and always here), the key and its nul,
 * 4 bytes of client flags unless they are 0, and the value with its "\r\n".
 * A value is too large when this total is over -I: at -I 1m a 1-byte key
 * with flags 0 takes at most 1048576 - 48 - 8 - 2 - 2 = 1048516 bytes.
 */
#define STORAGE_ITEM_HEADER 48
#define STORAGE_ITEM_CAS 8
/* memcached's slab_chunk_max by default: an item larger than this is kept in chunks,
 * and incr/decr takes a chunked item for non-numeric. */
#define STORAGE_CHUNK_MAX (512 * 1024)

struct item {
	struct item *h_next;      /* hash chain */
	struct item *prev, *next; /* LRU list, head is the most recent */
	uint64_t cas;
	rel_time_t time;          /* last stored or bumped */
	rel_time_t exptime;       /* 0 never; else the rel time it dies */
	uint32_t flags;           /* the client's opaque flags */
	uint32_t nbytes;          /* value length including the trailing "\r\n" */
	uint32_t refcount;        /* atomic */
	uint16_t it_flags;        /* ITEM_LINKED, ITEM_FETCHED */
	uint8_t nkey;
	char data[];              /* key, '\0', then the value and "\r\n" */
};

#define ITEM_LINKED 1
#define ITEM_FETCHED 2

/* Returns the item's key (nul-terminated). */
static inline const char *item_key(const struct item *it) { return it->data; }
/* Returns the item's value bytes, "\r\n" included. */
static inline char *item_data(struct item *it) { return it->data + it->nkey + 1; }

enum store_op { STORE_SET, STORE_ADD, STORE_REPLACE, STORE_APPEND, STORE_PREPEND, STORE_CAS };

enum store_result {
	STORE_STORED,
	STORE_NOT_STORED,
	STORE_EXISTS,     /* cas mismatch */
	STORE_NOT_FOUND,  /* cas on a missing key */
	STORE_TOO_LARGE,  /* over the item size limit */
	STORE_NO_MEMORY,  /* nothing could be evicted to make room */
};

enum storage_miss { STORAGE_MISS, STORAGE_EXPIRED, STORAGE_FLUSHED };

enum delta_result { DELTA_OK, DELTA_NON_NUMERIC, DELTA_NOT_FOUND, DELTA_NO_MEMORY };

struct storage_stats {
	uint64_t curr_items, total_items, bytes, limit_maxbytes;
	uint64_t evictions, expired_unfetched, evicted_unfetched, reclaimed;
};

struct storage;

/* Returns the size memcached gives an item (see STORAGE_ITEM_HEADER); nbytes counts "\r\n". */
size_t storage_item_ntotal(size_t nkey, uint32_t flags, size_t nbytes);

/* Creates a store holding at most maxbytes of items, each at most item_size_max as
 * storage_item_ntotal counts it. */
struct storage *storage_create(size_t maxbytes, size_t item_size_max);

/* Frees the store and every item in it; no reference may be outstanding. */
void storage_destroy(struct storage *st);

/* Allocates an unlinked item with room for nbytes (value plus "\r\n"); NULL with *err on failure. */
struct item *storage_item_alloc(struct storage *st, const char *key, size_t nkey, uint32_t flags,
				rel_time_t exptime, size_t nbytes, enum store_result *err);

/* Stores an allocated item by op; the caller keeps its reference. */
enum store_result storage_store(struct storage *st, struct item *it, enum store_op op,
				uint64_t cas, rel_time_t now);

/* Looks a key up; returns a referenced item, or NULL and why in *miss (may be NULL). */
struct item *storage_get(struct storage *st, const char *key, size_t nkey, rel_time_t now,
			 enum storage_miss *miss);

/* Looks a key up and sets its exptime (gat); as storage_get. */
struct item *storage_get_touch(struct storage *st, const char *key, size_t nkey,
			       rel_time_t exptime, rel_time_t now, enum storage_miss *miss);

/* Sets a live item's exptime; returns false when there is no such item. */
bool storage_touch(struct storage *st, const char *key, size_t nkey, rel_time_t exptime,
		   rel_time_t now);

/* Unlinks a live item; returns false when there is no such item. */
bool storage_delete(struct storage *st, const char *key, size_t nkey, rel_time_t now);

/* Adds or subtracts delta on a value memcached reads as a number (decr stops at 0); the
 * new value in *value. As memcached's in-place update, a shorter result keeps the old
 * length, padded with spaces, unless a reader holds the old value. */
enum delta_result storage_delta(struct storage *st, const char *key, size_t nkey, bool incr,
				uint64_t delta, rel_time_t now, uint64_t *value);

/* Flushes as memcached's oldest_live: every item stored at or before when is invalid once now
 * reaches it. when <= now takes effect at once, on every item stored so far (and moves the
 * cas ids on by one). There is one oldest_live, as in memcached: a later flush in the same
 * second replaces an earlier one, and what that one hid is back; after that second, as
 * memcached's LRU maintainer has reaped it by then, it stays gone. 0 (a flush_all time long
 * past) flushes nothing, and still takes a cas id. */
void storage_flush(struct storage *st, rel_time_t when, rel_time_t now);

/* Gives back a reference from storage_get or storage_item_alloc. */
void storage_item_release(struct storage *st, struct item *it);

/* Copies the store's counters. */
void storage_stats(struct storage *st, struct storage_stats *out);

#endif
