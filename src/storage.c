/*
 * storage.c: the item store.
 *
 * Locking: a key's hash picks its bucket and one of STRIPE_COUNT stripe
 * mutexes, which guards the bucket's chain and every mutable field of the
 * items in it (h_next, it_flags, time, exptime). The LRU list has its own
 * mutex, always taken after a stripe mutex. Eviction walks the LRU with
 * its mutex held, so it may only trylock a victim's stripe: blocking there
 * would invert the order and could deadlock against a worker that holds
 * the stripe and waits for the LRU. A reference holder may read an item's
 * key, flags, nbytes, cas and value without a lock: those never change once
 * the item is linked.
 *
 * Memory: mem_used counts every allocated item, linked or not, so that an
 * item evicted while a reply still sends from it keeps counting until it
 * is freed; the "bytes" counter counts linked items only.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "number.h"
#include "storage.h"

#define STRIPE_COUNT 1024
#define HASH_POWER_MIN 12
#define HASH_POWER_MAX 24
/* A bucket per this many bytes of memory limit. */
#define BYTES_PER_BUCKET 256
/* LRU entries looked at for one allocation before giving up. */
#define EVICT_TRIES 50
/* A get moves an item to the LRU head at most once in this many seconds. */
#define ITEM_UPDATE_INTERVAL 60
/* Longest decimal uint64_t. */
#define DELTA_DIGITS_MAX 20
/* Counts the table's own reference: an item nobody else is reading. */
#define REFCOUNT_LINKED_ONLY 1

/* How soon after a flush memcached's LRU maintainer may have reaped what it hid: its
 * shortest sleep (MIN_LRU_MAINTAINER_SLEEP, 1 ms). */
#define REAP_AFTER_NS 1000000

/* No stripe held: for allocations made outside any stripe lock. */
#define NO_STRIPE ((size_t)-1)

struct storage {
	struct item **table;
	uint64_t hashmask;
	size_t maxbytes, item_size_max;

	pthread_mutex_t lru_lock;
	struct item *lru_head, *lru_tail;

	pthread_mutex_t flush_lock;   /* serializes writers of the flush fields */
	uint64_t next_cas;            /* atomic */
	uint64_t oldest_cas;          /* atomic: once oldest_live is due, lower cas are flushed */
	rel_time_t oldest_live;       /* atomic: from then on, items stored at or before it are
					 flushed; 0 none */
	rel_time_t flush_at;          /* when the latest flush came (flush_lock) */
	uint64_t flush_at_ns;         /* and on the monotonic clock */
	uint64_t reaped_cas;          /* atomic: lower cas are gone for good */
	rel_time_t reaped_live;       /* atomic: items stored at or before it are gone for good */
	rel_time_t last_now;          /* atomic: latest time any call passed in */

	uint64_t mem_used;            /* atomic */
	struct storage_stats stats;   /* every field atomic */

	pthread_mutex_t stripes[STRIPE_COUNT];
};

#define STAT_ADD(st, field, n) __atomic_fetch_add(&(st)->stats.field, (n), __ATOMIC_RELAXED)
#define STAT_SUB(st, field, n) __atomic_fetch_sub(&(st)->stats.field, (n), __ATOMIC_RELAXED)
#define STAT_GET(st, field) __atomic_load_n(&(st)->stats.field, __ATOMIC_RELAXED)

/* Hashes a key: FNV-1a, then a final avalanche so the low bits pick buckets well. */
static uint64_t hash_key(const char *key, size_t nkey)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < nkey; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

/* Returns the stripe guarding a hash's bucket. */
static size_t stripe_of(uint64_t hv)
{
	/* The table is never smaller than the stripe array, so a bucket has one stripe. */
	return (size_t)(hv & (STRIPE_COUNT - 1));
}

/* Returns the bytes an item counts against the memory limit. */
static size_t item_total(size_t nkey, size_t nbytes)
{
	return sizeof(struct item) + nkey + 1 + nbytes;
}

/* Returns an item's size as counted against the memory limit. */
static size_t item_size(const struct item *it)
{
	return item_total(it->nkey, it->nbytes);
}

/* Locks a stripe. */
static void stripe_lock(struct storage *st, size_t s)
{
	pthread_mutex_lock(&st->stripes[s]);
}

/* Unlocks a stripe. */
static void stripe_unlock(struct storage *st, size_t s)
{
	pthread_mutex_unlock(&st->stripes[s]);
}

/* Remembers the latest time a caller passed in, for eviction's expiry checks. */
static void note_now(struct storage *st, rel_time_t now)
{
	rel_time_t seen = __atomic_load_n(&st->last_now, __ATOMIC_RELAXED);

	while (seen < now &&
	       !__atomic_compare_exchange_n(&st->last_now, &seen, now, true, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED))
		;
}

/* Frees an item nobody references any more. */
static void item_free(struct storage *st, struct item *it)
{
	__atomic_fetch_sub(&st->mem_used, item_size(it), __ATOMIC_RELAXED);
	free(it);
}

/* Drops one reference, freeing the item with the last one. */
static void item_unref(struct storage *st, struct item *it)
{
	if (__atomic_sub_fetch(&it->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		item_free(st, it);
}

/* Takes memory for an item if it fits under the limit. */
static bool mem_reserve(struct storage *st, size_t size)
{
	uint64_t used = __atomic_load_n(&st->mem_used, __ATOMIC_RELAXED);

	do {
		if (used + size > st->maxbytes)
			return false;
	} while (!__atomic_compare_exchange_n(&st->mem_used, &used, used + size, true,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return true;
}

/* Tells whether a flush has invalidated an item, as memcached's item_is_flushed; its stripe
 * is held. */
static bool item_is_flushed(struct storage *st, const struct item *it, rel_time_t now)
{
	/* Acquire pairs with storage_flush's release: oldest_cas is at least as new. */
	rel_time_t oldest = __atomic_load_n(&st->oldest_live, __ATOMIC_ACQUIRE);
	uint64_t cas = __atomic_load_n(&st->oldest_cas, __ATOMIC_RELAXED);

	rel_time_t reaped = __atomic_load_n(&st->reaped_live, __ATOMIC_RELAXED);
	uint64_t reaped_cas = __atomic_load_n(&st->reaped_cas, __ATOMIC_RELAXED);

	if ((reaped != 0 && it->time <= reaped) || it->cas < reaped_cas)
		return true;
	if (oldest == 0 || oldest > now)
		return false;
	return it->time <= oldest || (cas != 0 && it->cas < cas);
}

/* Tells whether an item's exptime has passed; its stripe is held. */
static bool item_is_expired(const struct item *it, rel_time_t now)
{
	return it->exptime != 0 && it->exptime <= now;
}

/* Puts an item at the LRU head; the LRU lock is held. */
static void lru_push_locked(struct storage *st, struct item *it)
{
	it->prev = NULL;
	it->next = st->lru_head;
	if (st->lru_head)
		st->lru_head->prev = it;
	st->lru_head = it;
	if (!st->lru_tail)
		st->lru_tail = it;
}

/* Takes an item off the LRU; the LRU lock is held. */
static void lru_remove_locked(struct storage *st, struct item *it)
{
	if (it->prev)
		it->prev->next = it->next;
	else
		st->lru_head = it->next;
	if (it->next)
		it->next->prev = it->prev;
	else
		st->lru_tail = it->prev;
	it->prev = it->next = NULL;
}

/* Returns the chain link that points at it. */
static struct item **hash_slot(struct storage *st, uint64_t hv, const struct item *it)
{
	struct item **pp = &st->table[hv & st->hashmask];

	while (*pp != it)
		pp = &(*pp)->h_next;
	return pp;
}

/* Unlinks an item and drops the table's reference; stripe and LRU lock held. */
static void unlink_lru_locked(struct storage *st, struct item *it, uint64_t hv)
{
	struct item **pp = hash_slot(st, hv, it);

	*pp = it->h_next;
	it->h_next = NULL;
	lru_remove_locked(st, it);
	it->it_flags &= (uint16_t)~ITEM_LINKED;
	STAT_SUB(st, curr_items, 1);
	STAT_SUB(st, bytes, item_size(it));
	item_unref(st, it);
}

/* Takes an item out of the table and drops the table's reference; the stripe is held. */
static void item_unlink(struct storage *st, struct item *it, uint64_t hv)
{
	pthread_mutex_lock(&st->lru_lock);
	unlink_lru_locked(st, it, hv);
	pthread_mutex_unlock(&st->lru_lock);
}

/* Gives a freshly stored item its cas, time, and the table's reference. */
static void link_prepare(struct storage *st, struct item *it, rel_time_t now)
{
	it->cas = __atomic_fetch_add(&st->next_cas, 1, __ATOMIC_RELAXED);
	it->time = now;
	it->it_flags = (uint16_t)((it->it_flags & ~ITEM_FETCHED) | ITEM_LINKED);
	__atomic_fetch_add(&it->refcount, 1, __ATOMIC_RELAXED);
}

/* Links a new item; the stripe is held and the key is not in the table. */
static void item_link(struct storage *st, struct item *it, uint64_t hv, rel_time_t now)
{
	struct item **bucket = &st->table[hv & st->hashmask];

	link_prepare(st, it, now);
	it->h_next = *bucket;
	*bucket = it;
	pthread_mutex_lock(&st->lru_lock);
	lru_push_locked(st, it);
	pthread_mutex_unlock(&st->lru_lock);
	STAT_ADD(st, curr_items, 1);
	STAT_ADD(st, total_items, 1);
	STAT_ADD(st, bytes, item_size(it));
}

/* Swaps new in for old under the stripe lock, so a lookup sees one or the other. */
static void item_replace(struct storage *st, struct item *old, struct item *new, uint64_t hv,
			 rel_time_t now)
{
	struct item **pp = hash_slot(st, hv, old);

	link_prepare(st, new, now);
	new->h_next = old->h_next;
	*pp = new;
	old->h_next = NULL;
	old->it_flags &= (uint16_t)~ITEM_LINKED;
	pthread_mutex_lock(&st->lru_lock);
	lru_remove_locked(st, old);
	lru_push_locked(st, new);
	pthread_mutex_unlock(&st->lru_lock);
	STAT_ADD(st, total_items, 1);
	STAT_ADD(st, bytes, item_size(new));
	STAT_SUB(st, bytes, item_size(old));
	item_unref(st, old);
}

/* Moves an item to the LRU head unless it moved recently; the stripe is held. */
static void item_bump(struct storage *st, struct item *it, rel_time_t now)
{
	/* Most gets skip the LRU lock entirely: the list order only needs to be rough. */
	if ((uint64_t)it->time + ITEM_UPDATE_INTERVAL >= now)
		return;
	pthread_mutex_lock(&st->lru_lock);
	lru_remove_locked(st, it);
	lru_push_locked(st, it);
	pthread_mutex_unlock(&st->lru_lock);
	it->time = now;
}

/* Finds a live item; a dead one found on the way is unlinked. The stripe is held. */
static struct item *find_live(struct storage *st, const char *key, size_t nkey, uint64_t hv,
			      rel_time_t now, enum storage_miss *miss)
{
	struct item *it = st->table[hv & st->hashmask];
	enum storage_miss why = STORAGE_MISS;

	while (it && !(it->nkey == nkey && memcmp(item_key(it), key, nkey) == 0))
		it = it->h_next;
	if (it && item_is_flushed(st, it, now)) {
		item_unlink(st, it, hv);
		it = NULL;
		why = STORAGE_FLUSHED;
	} else if (it && item_is_expired(it, now)) {
		item_unlink(st, it, hv);
		it = NULL;
		why = STORAGE_EXPIRED;
	}
	if (!it && miss)
		*miss = why;
	return it;
}

/* Evicts or reclaims one LRU item if nobody else is using it; the LRU lock is held. */
static void evict_one(struct storage *st, struct item *it, size_t held, rel_time_t now)
{
	uint64_t hv = hash_key(item_key(it), it->nkey);
	size_t s = stripe_of(hv);

	/* Our own stripe may be guarding the very item the caller is copying from. */
	if (s == held || pthread_mutex_trylock(&st->stripes[s]) != 0)
		return;
	/* References are only taken under the stripe lock, so this cannot grow now. */
	if (__atomic_load_n(&it->refcount, __ATOMIC_ACQUIRE) != 1)
		goto out;
	if (item_is_flushed(st, it, now) || item_is_expired(it, now)) {
		STAT_ADD(st, reclaimed, 1);
		if (!(it->it_flags & ITEM_FETCHED))
			STAT_ADD(st, expired_unfetched, 1);
	} else {
		STAT_ADD(st, evictions, 1);
		if (!(it->it_flags & ITEM_FETCHED))
			STAT_ADD(st, evicted_unfetched, 1);
	}
	unlink_lru_locked(st, it, hv);
out:
	stripe_unlock(st, s);
}

/* Reserves size bytes, evicting from the LRU tail; false if EVICT_TRIES victims fall short. */
static bool make_room(struct storage *st, size_t size, size_t held)
{
	rel_time_t now = __atomic_load_n(&st->last_now, __ATOMIC_RELAXED);
	struct item *it;
	bool ok = true;
	int tries = 0;

	if (mem_reserve(st, size))
		return true;
	/* An allocation is not told the time: the clock, or the latest a caller used. */
	if (clock_now() > now)
		now = clock_now();
	pthread_mutex_lock(&st->lru_lock);
	it = st->lru_tail;
	while (!mem_reserve(st, size)) {
		if (!it || tries++ >= EVICT_TRIES) {
			ok = false;
			break;
		}
		/* prev stays linked: leaving the LRU needs the lock we hold. */
		struct item *prev = it->prev;

		evict_one(st, it, held, now);
		it = prev;
	}
	pthread_mutex_unlock(&st->lru_lock);
	return ok;
}

/* Allocates an item, evicting if needed; held is the stripe the caller holds, if any. */
static struct item *alloc_item(struct storage *st, const char *key, size_t nkey, uint32_t flags,
			       rel_time_t exptime, size_t nbytes, size_t held,
			       enum store_result *err)
{
	size_t size;
	struct item *it;

	if (nkey == 0 || nkey > KEY_MAX_LENGTH || nbytes < 2 || nbytes > UINT32_MAX) {
		*err = STORE_NOT_STORED;
		return NULL;
	}
	if (storage_item_ntotal(nkey, flags, nbytes) > st->item_size_max) {
		*err = STORE_TOO_LARGE;
		return NULL;
	}
	size = item_total(nkey, nbytes);
	/* Evicting could never make room for this; do not empty the cache trying. */
	if (size > st->maxbytes || !make_room(st, size, held)) {
		*err = STORE_NO_MEMORY;
		return NULL;
	}
	it = malloc(size);
	if (!it) {
		__atomic_fetch_sub(&st->mem_used, size, __ATOMIC_RELAXED);
		*err = STORE_NO_MEMORY;
		return NULL;
	}
	memset(it, 0, sizeof(*it));
	it->exptime = exptime;
	it->flags = flags;
	it->nbytes = (uint32_t)nbytes;
	it->refcount = 1;
	it->nkey = (uint8_t)nkey;
	memcpy(it->data, key, nkey);
	it->data[nkey] = '\0';
	return it;
}

/* Returns the size memcached gives an item (see STORAGE_ITEM_HEADER). */
size_t storage_item_ntotal(size_t nkey, uint32_t flags, size_t nbytes)
{
	return STORAGE_ITEM_HEADER + STORAGE_ITEM_CAS + nkey + 1 + (flags != 0 ? sizeof(flags) : 0) +
	       nbytes;
}

/* Picks the bucket count for a memory limit: a power of two within bounds. */
static uint64_t table_size(size_t maxbytes)
{
	uint64_t want = maxbytes / BYTES_PER_BUCKET;
	unsigned power = HASH_POWER_MIN;

	while (power < HASH_POWER_MAX && (1ull << power) < want)
		power++;
	return 1ull << power;
}

/* Creates a store. */
struct storage *storage_create(size_t maxbytes, size_t item_size_max)
{
	struct storage *st = calloc(1, sizeof(*st));
	uint64_t buckets = table_size(maxbytes);

	if (!st)
		return NULL;
	st->table = calloc(buckets, sizeof(*st->table));
	if (!st->table) {
		free(st);
		return NULL;
	}
	st->hashmask = buckets - 1;
	st->maxbytes = maxbytes;
	st->item_size_max = item_size_max;
	st->next_cas = 1;
	st->stats.limit_maxbytes = maxbytes;
	if (pthread_mutex_init(&st->lru_lock, NULL) != 0 ||
	    pthread_mutex_init(&st->flush_lock, NULL) != 0)
		fatal("storage: pthread_mutex_init failed");
	for (size_t i = 0; i < STRIPE_COUNT; i++)
		if (pthread_mutex_init(&st->stripes[i], NULL) != 0)
			fatal("storage: pthread_mutex_init failed");
	return st;
}

/* Frees the store and its items. */
void storage_destroy(struct storage *st)
{
	if (!st)
		return;
	for (uint64_t b = 0; b <= st->hashmask; b++) {
		struct item *it = st->table[b];

		while (it) {
			struct item *next = it->h_next;

			free(it);
			it = next;
		}
	}
	for (size_t i = 0; i < STRIPE_COUNT; i++)
		pthread_mutex_destroy(&st->stripes[i]);
	pthread_mutex_destroy(&st->flush_lock);
	pthread_mutex_destroy(&st->lru_lock);
	free(st->table);
	free(st);
}

/* Allocates an unlinked item. */
struct item *storage_item_alloc(struct storage *st, const char *key, size_t nkey, uint32_t flags,
				rel_time_t exptime, size_t nbytes, enum store_result *err)
{
	return alloc_item(st, key, nkey, flags, exptime, nbytes, NO_STRIPE, err);
}

/* Builds old's value with it's appended or prepended; the stripe s is held. */
static struct item *combine(struct storage *st, struct item *old, struct item *it, bool append,
			    size_t s)
{
	enum store_result err;
	size_t oldlen = old->nbytes - 2, addlen = it->nbytes - 2;
	struct item *new = alloc_item(st, item_key(old), old->nkey, old->flags, old->exptime,
				      oldlen + addlen + 2, s, &err);
	char *dst;

	if (!new)
		return NULL;
	dst = item_data(new);
	if (append) {
		memcpy(dst, item_data(old), oldlen);
		memcpy(dst + oldlen, item_data(it), addlen);
	} else {
		memcpy(dst, item_data(it), addlen);
		memcpy(dst + addlen, item_data(old), oldlen);
	}
	memcpy(dst + oldlen + addlen, "\r\n", 2);
	return new;
}

/* Stores an item by op. */
enum store_result storage_store(struct storage *st, struct item *it, enum store_op op,
				uint64_t cas, rel_time_t now)
{
	uint64_t hv = hash_key(item_key(it), it->nkey);
	size_t s = stripe_of(hv);
	enum store_result res = STORE_STORED;
	struct item *old, *new;

	note_now(st, now);
	stripe_lock(st, s);
	old = find_live(st, item_key(it), it->nkey, hv, now, NULL);
	switch (op) {
	case STORE_SET:
		break;
	case STORE_ADD:
		if (old) {
			item_bump(st, old, now);
			res = STORE_NOT_STORED;
		}
		break;
	case STORE_REPLACE:
		if (!old)
			res = STORE_NOT_STORED;
		break;
	case STORE_APPEND:
	case STORE_PREPEND:
		if (!old) {
			res = STORE_NOT_STORED;
			break;
		}
		new = combine(st, old, it, op == STORE_APPEND, s);
		if (!new) {
			/* memcached answers NOT_STORED when the joined value can't be had. */
			res = STORE_NOT_STORED;
			break;
		}
		item_replace(st, old, new, hv, now);
		item_unref(st, new);
		goto out;
	case STORE_CAS:
		if (!old)
			res = STORE_NOT_FOUND;
		else if (old->cas != cas)
			res = STORE_EXISTS;
		break;
	default:
		res = STORE_NOT_STORED;
		break;
	}
	if (res == STORE_STORED) {
		if (old)
			item_replace(st, old, it, hv, now);
		else
			item_link(st, it, hv, now);
	}
out:
	stripe_unlock(st, s);
	return res;
}

/* Looks a key up, optionally setting its exptime, and returns a reference. */
static struct item *get_item(struct storage *st, const char *key, size_t nkey, bool touch,
			     rel_time_t exptime, rel_time_t now, enum storage_miss *miss)
{
	uint64_t hv = hash_key(key, nkey);
	size_t s = stripe_of(hv);
	struct item *it;

	note_now(st, now);
	stripe_lock(st, s);
	it = find_live(st, key, nkey, hv, now, miss);
	if (it) {
		__atomic_fetch_add(&it->refcount, 1, __ATOMIC_RELAXED);
		it->it_flags |= ITEM_FETCHED;
		if (touch)
			it->exptime = exptime;
		item_bump(st, it, now);
	}
	stripe_unlock(st, s);
	return it;
}

/* Looks a key up. */
struct item *storage_get(struct storage *st, const char *key, size_t nkey, rel_time_t now,
			 enum storage_miss *miss)
{
	return get_item(st, key, nkey, false, 0, now, miss);
}

/* Looks a key up and sets its exptime. */
struct item *storage_get_touch(struct storage *st, const char *key, size_t nkey,
			       rel_time_t exptime, rel_time_t now, enum storage_miss *miss)
{
	return get_item(st, key, nkey, true, exptime, now, miss);
}

/* Sets a live item's exptime. */
bool storage_touch(struct storage *st, const char *key, size_t nkey, rel_time_t exptime,
		   rel_time_t now)
{
	struct item *it = get_item(st, key, nkey, true, exptime, now, NULL);

	if (it == NULL)
		return false;
	storage_item_release(st, it);
	return true;
}

/* Unlinks a live item. */
bool storage_delete(struct storage *st, const char *key, size_t nkey, rel_time_t now)
{
	uint64_t hv = hash_key(key, nkey);
	size_t s = stripe_of(hv);
	struct item *it;

	note_now(st, now);
	stripe_lock(st, s);
	it = find_live(st, key, nkey, hv, now, NULL);
	if (it)
		item_unlink(st, it, hv);
	stripe_unlock(st, s);
	return it != NULL;
}

/* Adds or subtracts delta on a value memcached reads as a number. */
enum delta_result storage_delta(struct storage *st, const char *key, size_t nkey, bool incr,
				uint64_t delta, rel_time_t now, uint64_t *value)
{
	uint64_t hv = hash_key(key, nkey);
	size_t s = stripe_of(hv);
	enum delta_result res = DELTA_OK;
	enum store_result err;
	struct item *old, *new;
	char buf[DELTA_DIGITS_MAX + 1];
	uint64_t v;
	size_t len, oldlen;

	note_now(st, now);
	stripe_lock(st, s);
	old = find_live(st, key, nkey, hv, now, NULL);
	if (!old) {
		res = DELTA_NOT_FOUND;
		goto out;
	}
	/* memcached reads the value with strtoull (" 12", "12 ", "+12" are numbers), its
	 * "\r\n" included; an empty value or a chunked one is not a number to it. */
	oldlen = old->nbytes - 2;
	if (oldlen == 0 ||
	    storage_item_ntotal(old->nkey, old->flags, old->nbytes) > STORAGE_CHUNK_MAX ||
	    !number_u64(item_data(old), old->nbytes, &v)) {
		res = DELTA_NON_NUMERIC;
		goto out;
	}
	if (incr)
		v += delta; /* wraps at 2^64, as memcached's does */
	else
		v = v < delta ? 0 : v - delta;
	len = (size_t)snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	/* memcached rewrites the digits in place when they fit and nobody else holds
	 * the item, padding with spaces to the old length ("100" decr 1 is "99 ").
	 * Here a new item stands in for the rewrite, so a reader never sees digits
	 * change under it. */
	if (len > oldlen ||
	    __atomic_load_n(&old->refcount, __ATOMIC_ACQUIRE) != REFCOUNT_LINKED_ONLY)
		oldlen = len;
	new = alloc_item(st, key, nkey, old->flags, old->exptime, oldlen + 2, s, &err);
	if (!new) {
		res = DELTA_NO_MEMORY;
		goto out;
	}
	memcpy(item_data(new), buf, len);
	memset(item_data(new) + len, ' ', oldlen - len);
	memcpy(item_data(new) + oldlen, "\r\n", 2);
	item_replace(st, old, new, hv, now);
	item_unref(st, new);
	if (value)
		*value = v;
out:
	stripe_unlock(st, s);
	return res;
}

/* Flushes as memcached's flush_all sets oldest_live (when) and oldest_cas. */
void storage_flush(struct storage *st, rel_time_t when, rel_time_t now)
{
	uint64_t now_ns = clock_mono_ns();
	rel_time_t oldest;
	bool reaped;

	note_now(st, now);
	pthread_mutex_lock(&st->flush_lock);
	/* memcached's LRU maintainer reaps what a flush hid soon after it takes effect
	 * (how soon depends on its sleep); until then a later flush_all that replaces
	 * oldest_live brings it back. Here what the flush being replaced hid is gone for
	 * good once REAP_AFTER_NS have passed since it took effect: at its call, or, for
	 * a delayed one, in its second (then once that second has passed). */
	oldest = __atomic_load_n(&st->oldest_live, __ATOMIC_RELAXED);
	if (oldest > st->flush_at)
		reaped = oldest < now;
	else
		reaped = oldest != 0 && now_ns - st->flush_at_ns >= REAP_AFTER_NS;
	if (reaped) {
		if (oldest > __atomic_load_n(&st->reaped_live, __ATOMIC_RELAXED))
			__atomic_store_n(&st->reaped_live, oldest, __ATOMIC_RELAXED);
		__atomic_store_n(&st->reaped_cas, __atomic_load_n(&st->oldest_cas, __ATOMIC_RELAXED),
				 __ATOMIC_RELAXED);
	}
	st->flush_at = now;
	st->flush_at_ns = now_ns;
	/* memcached takes a cas id for a flush that takes effect at once: the ids of
	 * items stored after it go on from the next one. */
	if (when <= now)
		__atomic_store_n(&st->oldest_cas,
				 __atomic_fetch_add(&st->next_cas, 1, __ATOMIC_RELAXED),
				 __ATOMIC_RELAXED);
	/* One oldest_live, as memcached keeps: a later flush replaces an earlier one. */
	__atomic_store_n(&st->oldest_live, when, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&st->flush_lock);
}

/* Gives back a reference. */
void storage_item_release(struct storage *st, struct item *it)
{
	if (it)
		item_unref(st, it);
}

/* Copies the counters. */
void storage_stats(struct storage *st, struct storage_stats *out)
{
	out->curr_items = STAT_GET(st, curr_items);
	out->total_items = STAT_GET(st, total_items);
	out->bytes = STAT_GET(st, bytes);
	out->limit_maxbytes = STAT_GET(st, limit_maxbytes);
	out->evictions = STAT_GET(st, evictions);
	out->expired_unfetched = STAT_GET(st, expired_unfetched);
	out->evicted_unfetched = STAT_GET(st, evicted_unfetched);
	out->reclaimed = STAT_GET(st, reclaimed);
}
