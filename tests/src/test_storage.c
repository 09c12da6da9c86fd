/* test_storage.c: the item store, one behaviour at a time, then under threads. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "storage.h"

#define MB (1024 * 1024)
#define NOW 100

static struct storage *st;

/* Destroys whatever store a test made. */
static void teardown(void)
{
	storage_destroy(st);
	st = NULL;
}

TestSuite(storage, .fini = teardown);

/* Returns the bytes an item of this key and value counts for. */
static uint64_t size_of(const char *key, size_t vlen)
{
	return sizeof(struct item) + strlen(key) + 1 + vlen + 2;
}

/* Stores key and vlen bytes of val by op with a cas; returns the store's answer or the
 * alloc error. */
static enum store_result put_bytes(const char *key, const char *val, size_t vlen, uint32_t flags,
				   rel_time_t exptime, enum store_op op, uint64_t cas, rel_time_t now)
{
	enum store_result res;
	struct item *it = storage_item_alloc(st, key, strlen(key), flags, exptime, vlen + 2, &res);

	if (!it)
		return res;
	memcpy(item_data(it), val, vlen);
	memcpy(item_data(it) + vlen, "\r\n", 2);
	res = storage_store(st, it, op, cas, now);
	storage_item_release(st, it);
	return res;
}

/* Stores key=val by op with a cas; returns the store's answer or the alloc error. */
static enum store_result put_cas(const char *key, const char *val, uint32_t flags,
				 rel_time_t exptime, enum store_op op, uint64_t cas, rel_time_t now)
{
	return put_bytes(key, val, strlen(val), flags, exptime, op, cas, now);
}

/* Stores key=val by op. */
static enum store_result put(const char *key, const char *val, enum store_op op, rel_time_t now)
{
	return put_cas(key, val, 0, 0, op, 0, now);
}

/* Returns a key's cas, or 0 on a miss. */
static uint64_t cas_of(const char *key, rel_time_t now)
{
	struct item *it = storage_get(st, key, strlen(key), now, NULL);
	uint64_t cas;

	if (!it)
		return 0;
	cas = it->cas;
	storage_item_release(st, it);
	return cas;
}

/* Asserts a key holds exactly val (plus "\r\n"). */
static void expect_value(const char *key, const char *val, rel_time_t now)
{
	enum storage_miss miss = STORAGE_MISS;
	struct item *it = storage_get(st, key, strlen(key), now, &miss);
	size_t vlen = strlen(val);

	cr_assert_not_null(it, "%s: miss %d, wanted \"%s\"", key, miss, val);
	cr_expect_eq(it->nbytes, vlen + 2, "%s: nbytes %u, wanted %zu", key, it->nbytes, vlen + 2);
	if (it->nbytes == vlen + 2) {
		cr_expect_eq(memcmp(item_data(it), val, vlen), 0, "%s: value %.*s, wanted %s", key,
			     (int)vlen, item_data(it), val);
		cr_expect_eq(memcmp(item_data(it) + vlen, "\r\n", 2), 0);
	}
	storage_item_release(st, it);
}

/* Asserts a key misses for the given reason. */
static void expect_miss(const char *key, enum storage_miss why, rel_time_t now)
{
	enum storage_miss miss = 99;
	struct item *it = storage_get(st, key, strlen(key), now, &miss);

	cr_expect_null(it, "%s: unexpected hit", key);
	if (it)
		storage_item_release(st, it);
	else
		cr_expect_eq(miss, why, "%s: miss %d, wanted %d", key, miss, why);
}

/* Returns whether a key is there, without marking it fetched or moving it. */
static bool present(const char *key, rel_time_t now)
{
	/* A get within the bump interval leaves the LRU alone. */
	struct item *it = storage_get(st, key, strlen(key), now, NULL);

	if (it)
		storage_item_release(st, it);
	return it != NULL;
}

/* Returns the store's counters. */
static struct storage_stats stats(void)
{
	struct storage_stats s;

	storage_stats(st, &s);
	return s;
}

Test(storage, set_get_round_trip)
{
	struct item *it;
	enum storage_miss miss = 99;

	st = storage_create(64 * MB, MB);
	cr_assert_not_null(st);
	cr_expect_eq(put_cas("greeting", "hello", 0xdeadbeef, 0, STORE_SET, 0, NOW), STORE_STORED);
	it = storage_get(st, "greeting", 8, NOW, &miss);
	cr_assert_not_null(it);
	cr_expect_str_eq(item_key(it), "greeting");
	cr_expect_eq(it->nkey, 8);
	cr_expect_eq(it->flags, 0xdeadbeef);
	cr_expect_eq(it->nbytes, 7);
	cr_expect_eq(memcmp(item_data(it), "hello\r\n", 7), 0);
	cr_expect(it->it_flags & ITEM_LINKED);
	cr_expect(it->it_flags & ITEM_FETCHED);
	cr_expect_neq(it->cas, 0);
	storage_item_release(st, it);

	expect_miss("greetin", STORAGE_MISS, NOW);
	expect_miss("greeting2", STORAGE_MISS, NOW);

	/* An empty value is a value. */
	cr_expect_eq(put("empty", "", STORE_SET, NOW), STORE_STORED);
	expect_value("empty", "", NOW);

	/* A key of the maximum length, and one over it. */
	char key[KEY_MAX_LENGTH + 2];
	memset(key, 'k', KEY_MAX_LENGTH);
	key[KEY_MAX_LENGTH] = '\0';
	cr_expect_eq(put(key, "long", STORE_SET, NOW), STORE_STORED);
	expect_value(key, "long", NOW);
	key[KEY_MAX_LENGTH] = 'k';
	key[KEY_MAX_LENGTH + 1] = '\0';
	cr_expect_neq(put(key, "x", STORE_SET, NOW), STORE_STORED);
}

Test(storage, set_overwrites)
{
	st = storage_create(64 * MB, MB);
	cr_expect_eq(put("k", "one", STORE_SET, NOW), STORE_STORED);
	cr_expect_eq(put_cas("k", "two!", 7, 0, STORE_SET, 0, NOW), STORE_STORED);
	expect_value("k", "two!", NOW);
	cr_expect_eq(stats().curr_items, 1);
	cr_expect_eq(stats().total_items, 2);
}

Test(storage, add)
{
	st = storage_create(64 * MB, MB);
	cr_expect_eq(put("k", "first", STORE_ADD, NOW), STORE_STORED);
	cr_expect_eq(put("k", "second", STORE_ADD, NOW), STORE_NOT_STORED);
	expect_value("k", "first", NOW);
	/* A dead item does not block an add. */
	cr_expect_eq(put_cas("e", "old", 0, NOW + 5, STORE_SET, 0, NOW), STORE_STORED);
	cr_expect_eq(put("e", "new", STORE_ADD, NOW + 5), STORE_STORED);
	expect_value("e", "new", NOW + 5);
	storage_delete(st, "k", 1, NOW);
	cr_expect_eq(put("k", "third", STORE_ADD, NOW), STORE_STORED);
	expect_value("k", "third", NOW);
}

Test(storage, replace)
{
	st = storage_create(64 * MB, MB);
	cr_expect_eq(put("k", "v", STORE_REPLACE, NOW), STORE_NOT_STORED);
	expect_miss("k", STORAGE_MISS, NOW);
	cr_expect_eq(put("k", "v", STORE_SET, NOW), STORE_STORED);
	cr_expect_eq(put_cas("k", "w", 3, 0, STORE_REPLACE, 0, NOW), STORE_STORED);
	expect_value("k", "w", NOW);
	struct item *it = storage_get(st, "k", 1, NOW, NULL);
	cr_assert_not_null(it);
	cr_expect_eq(it->flags, 3);
	storage_item_release(st, it);
}

Test(storage, append_prepend)
{
	struct item *it;

	st = storage_create(64 * MB, MB);
	cr_expect_eq(put("k", "x", STORE_APPEND, NOW), STORE_NOT_STORED);
	cr_expect_eq(put("k", "x", STORE_PREPEND, NOW), STORE_NOT_STORED);
	expect_miss("k", STORAGE_MISS, NOW);

	cr_expect_eq(put_cas("k", "mid", 42, NOW + 1000, STORE_SET, 0, NOW), STORE_STORED);
	/* The new part's flags and exptime are ignored: the old item's stay. */
	cr_expect_eq(put_cas("k", "-end", 7, NOW + 1, STORE_APPEND, 0, NOW), STORE_STORED);
	cr_expect_eq(put_cas("k", "start-", 8, NOW + 1, STORE_PREPEND, 0, NOW), STORE_STORED);
	expect_value("k", "start-mid-end", NOW + 10);
	it = storage_get(st, "k", 1, NOW + 10, NULL);
	cr_assert_not_null(it);
	cr_expect_eq(it->flags, 42);
	cr_expect_eq(it->exptime, NOW + 1000);
	storage_item_release(st, it);
	expect_miss("k", STORAGE_EXPIRED, NOW + 1000);

	cr_expect_eq(put("e", "", STORE_SET, NOW), STORE_STORED);
	cr_expect_eq(put("e", "", STORE_APPEND, NOW), STORE_STORED);
	expect_value("e", "", NOW);
	cr_expect_eq(stats().curr_items, 1);
}

Test(storage, append_over_limit)
{
	char big[1001];

	st = storage_create(64 * MB, storage_item_ntotal(1, 0, 1000 + 2));
	memset(big, 'a', 1000);
	big[1000] = '\0';
	cr_expect_eq(put("k", big, STORE_SET, NOW), STORE_STORED);
	/* memcached's answer when the joined value can't be had. */
	cr_expect_eq(put("k", "b", STORE_APPEND, NOW), STORE_NOT_STORED);
	expect_value("k", big, NOW);
}

Test(storage, cas)
{
	uint64_t cas;

	st = storage_create(64 * MB, MB);
	cr_expect_eq(put_cas("k", "v", 0, 0, STORE_CAS, 1, NOW), STORE_NOT_FOUND);
	cr_expect_eq(put("k", "v", STORE_SET, NOW), STORE_STORED);
	cas = cas_of("k", NOW);
	cr_assert_neq(cas, 0);
	cr_expect_eq(put_cas("k", "w", 0, 0, STORE_CAS, cas + 1, NOW), STORE_EXISTS);
	expect_value("k", "v", NOW);
	cr_expect_eq(put_cas("k", "w", 0, 0, STORE_CAS, cas, NOW), STORE_STORED);
	expect_value("k", "w", NOW);
	/* The stored cas is gone now. */
	cr_expect_eq(put_cas("k", "x", 0, 0, STORE_CAS, cas, NOW), STORE_EXISTS);
	expect_value("k", "w", NOW);
	/* cas on an expired item is a miss. */
	cr_expect_eq(put_cas("e", "v", 0, NOW + 1, STORE_SET, 0, NOW), STORE_STORED);
	cas = cas_of("e", NOW);
	cr_expect_eq(put_cas("e", "w", 0, 0, STORE_CAS, cas, NOW + 1), STORE_NOT_FOUND);
}

Test(storage, cas_unique_changes_on_every_store)
{
	uint64_t c[8];
	uint64_t v;
	int n = 0;

	st = storage_create(64 * MB, MB);
	put("k", "1", STORE_SET, NOW);
	c[n++] = cas_of("k", NOW);
	put("k", "2", STORE_SET, NOW);
	c[n++] = cas_of("k", NOW);
	put("k", "3", STORE_REPLACE, NOW);
	c[n++] = cas_of("k", NOW);
	put("k", "4", STORE_APPEND, NOW);
	c[n++] = cas_of("k", NOW);
	put("k", "5", STORE_PREPEND, NOW);
	c[n++] = cas_of("k", NOW);
	cr_expect_eq(storage_delta(st, "k", 1, true, 1, NOW, &v), DELTA_OK);
	c[n++] = cas_of("k", NOW);
	put_cas("k", "6", 0, 0, STORE_CAS, c[n - 1], NOW);
	c[n++] = cas_of("k", NOW);
	for (int i = 1; i < n; i++)
		cr_expect_gt(c[i], c[i - 1], "store %d: cas %lu after %lu", i,
			     (unsigned long)c[i], (unsigned long)c[i - 1]);
	/* touch and a failed store leave it alone. */
	cr_expect(storage_touch(st, "k", 1, NOW + 100, NOW));
	cr_expect_eq(put("k", "7", STORE_ADD, NOW), STORE_NOT_STORED);
	cr_expect_eq(cas_of("k", NOW), c[n - 1]);
	/* Different keys never share one. */
	put("other", "x", STORE_SET, NOW);
	cr_expect_gt(cas_of("other", NOW), c[n - 1]);
}

Test(storage, delete)
{
	st = storage_create(64 * MB, MB);
	cr_expect_not(storage_delete(st, "k", 1, NOW));
	put("k", "v", STORE_SET, NOW);
	put("j", "v", STORE_SET, NOW);
	cr_expect(storage_delete(st, "k", 1, NOW));
	cr_expect_not(storage_delete(st, "k", 1, NOW));
	expect_miss("k", STORAGE_MISS, NOW);
	expect_value("j", "v", NOW);
	cr_expect_eq(stats().curr_items, 1);
	cr_expect_eq(stats().bytes, size_of("j", 1));
	/* Deleting an expired item finds nothing. */
	put_cas("e", "v", 0, NOW + 1, STORE_SET, 0, NOW);
	cr_expect_not(storage_delete(st, "e", 1, NOW + 1));
}

Test(storage, expiry_with_moved_time)
{
	st = storage_create(64 * MB, MB);
	cr_expect_eq(put_cas("k", "v", 0, NOW + 10, STORE_SET, 0, NOW), STORE_STORED);
	cr_expect_eq(put_cas("forever", "v", 0, 0, STORE_SET, 0, NOW), STORE_STORED);
	expect_value("k", "v", NOW + 9);
	cr_expect_eq(stats().curr_items, 2);
	expect_miss("k", STORAGE_EXPIRED, NOW + 10);
	cr_expect_eq(stats().curr_items, 1);
	/* Once unlinked it is a plain miss. */
	expect_miss("k", STORAGE_MISS, NOW + 10);
	expect_value("forever", "v", 4000000000u);
}

Test(storage, negative_exptime_expires_at_once)
{
	rel_time_t exptime;

	clock_init();
	exptime = clock_realtime(-1);
	cr_assert_eq(exptime, 1);
	st = storage_create(64 * MB, MB);
	cr_expect_eq(put_cas("k", "v", 0, exptime, STORE_SET, 0, clock_now()), STORE_STORED);
	expect_miss("k", STORAGE_EXPIRED, clock_now());
}

Test(storage, absolute_exptime)
{
	time_t t = time(NULL);
	rel_time_t future, past;

	clock_init();
	future = clock_realtime((int64_t)t + 100);
	past = clock_realtime((int64_t)t - 100);
	st = storage_create(64 * MB, MB);
	put_cas("f", "v", 0, future, STORE_SET, 0, clock_now());
	put_cas("p", "v", 0, past, STORE_SET, 0, clock_now());
	expect_value("f", "v", clock_now());
	expect_miss("p", STORAGE_EXPIRED, clock_now());
	clock_advance(200);
	expect_miss("f", STORAGE_EXPIRED, clock_now());
}

Test(storage, touch_and_get_touch)
{
	struct item *it;
	enum storage_miss miss = 99;

	st = storage_create(64 * MB, MB);
	cr_expect_not(storage_touch(st, "k", 1, NOW + 5, NOW));
	put_cas("k", "v", 0, NOW + 5, STORE_SET, 0, NOW);
	cr_expect(storage_touch(st, "k", 1, NOW + 50, NOW));
	expect_value("k", "v", NOW + 49);
	expect_miss("k", STORAGE_EXPIRED, NOW + 50);
	cr_expect_not(storage_touch(st, "k", 1, NOW + 500, NOW + 50));

	put_cas("g", "v", 0, NOW + 5, STORE_SET, 0, NOW);
	it = storage_get_touch(st, "g", 1, 0, NOW + 4, &miss);
	cr_assert_not_null(it);
	cr_expect_eq(it->exptime, 0);
	storage_item_release(st, it);
	expect_value("g", "v", NOW + 1000);
	it = storage_get_touch(st, "nope", 4, 0, NOW, &miss);
	cr_expect_null(it);
	cr_expect_eq(miss, STORAGE_MISS);
}

Test(storage, flush_now)
{
	st = storage_create(64 * MB, MB);
	put("a", "1", STORE_SET, NOW);
	put("b", "2", STORE_SET, NOW);
	/* flush_all: memcached's oldest_live is a second before now. */
	storage_flush(st, NOW - 1, NOW);
	/* Stored in the same second as the flush, but after it. */
	put("c", "3", STORE_SET, NOW);
	expect_miss("a", STORAGE_FLUSHED, NOW);
	expect_miss("b", STORAGE_FLUSHED, NOW);
	expect_value("c", "3", NOW);
	cr_expect_eq(stats().curr_items, 1);
	cr_expect_eq(put("a", "x", STORE_REPLACE, NOW), STORE_NOT_STORED);
	cr_expect_eq(put("b", "y", STORE_ADD, NOW), STORE_STORED);
	expect_value("b", "y", NOW);
}

Test(storage, flush_delayed)
{
	st = storage_create(64 * MB, MB);
	put("a", "1", STORE_SET, NOW);
	storage_flush(st, NOW + 10, NOW);
	put("b", "2", STORE_SET, NOW + 5);
	expect_value("a", "1", NOW + 9);
	expect_value("b", "2", NOW + 9);
	expect_miss("a", STORAGE_FLUSHED, NOW + 10);
	expect_miss("b", STORAGE_FLUSHED, NOW + 10);
	/* Stored in the flush's own second: flushed too, as memcached's oldest_live has it. */
	put("c", "3", STORE_SET, NOW + 10);
	expect_miss("c", STORAGE_FLUSHED, NOW + 10);
	/* Stored after it. */
	put("c", "3", STORE_SET, NOW + 11);
	expect_value("c", "3", NOW + 11);
	expect_value("c", "3", NOW + 20);
}

Test(storage, flush_moves_the_cas_ids_on)
{
	st = storage_create(64 * MB, MB);
	put("a", "1", STORE_SET, NOW);
	cr_expect_eq(cas_of("a", NOW), 1);
	/* One that takes effect at once takes an id, as memcached's oldest_cas does. */
	storage_flush(st, NOW - 1, NOW);
	put("a", "1", STORE_SET, NOW);
	cr_expect_eq(cas_of("a", NOW), 3);
	/* One for later does not. */
	storage_flush(st, NOW + 10, NOW);
	put("a", "1", STORE_SET, NOW);
	cr_expect_eq(cas_of("a", NOW), 4);
	/* A time long past (0) flushes nothing, and still takes an id. */
	storage_flush(st, 0, NOW);
	expect_value("a", "1", NOW + 20);
	put("b", "1", STORE_SET, NOW);
	cr_expect_eq(cas_of("b", NOW), 6);
}

Test(storage, flush_delayed_then_another)
{
	st = storage_create(64 * MB, MB);
	put("a", "1", STORE_SET, NOW);
	storage_flush(st, NOW + 10, NOW);
	put("b", "2", STORE_SET, NOW + 15);
	/* The first flush took effect seconds before the next one replaces it: what it
	 * hid stays gone, as memcached's LRU maintainer has reaped it by then. */
	storage_flush(st, NOW + 100, NOW + 20);
	expect_miss("a", STORAGE_FLUSHED, NOW + 20);
	expect_value("b", "2", NOW + 20);
	expect_miss("b", STORAGE_FLUSHED, NOW + 100);
	/* Replaced in the same second, it is forgotten: memcached keeps one oldest_live,
	 * and what it hid but nobody has looked at is back. */
	put("e", "5", STORE_SET, NOW + 101);
	storage_flush(st, NOW + 101, NOW + 102);
	storage_flush(st, NOW + 180, NOW + 102);
	expect_value("e", "5", NOW + 102);
	/* More than memcached's shortest maintainer sleep later, it stays gone. */
	storage_flush(st, NOW + 101, NOW + 102);
	nanosleep(&(struct timespec){ .tv_nsec = 3000000 }, NULL);
	storage_flush(st, NOW + 180, NOW + 102);
	expect_miss("e", STORAGE_FLUSHED, NOW + 102);

	/* flush now cancels a pending delayed flush, and covers what it would have. */
	put("c", "3", STORE_SET, NOW + 110);
	storage_flush(st, NOW + 200, NOW + 110);
	storage_flush(st, NOW + 110, NOW + 111);
	expect_miss("c", STORAGE_FLUSHED, NOW + 111);
	put("d", "4", STORE_SET, NOW + 112);
	expect_value("d", "4", NOW + 300);
}

Test(storage, lru_evicts_least_recent_first)
{
	char key[32], val[1001];
	int n = 0, stored, first_present = -1;

	st = storage_create(64 * 1024, MB);
	memset(val, 'v', 1000);
	val[1000] = '\0';
	/* Fill to just under the limit. */
	while (stats().bytes + 2 * size_of("key:000", 1000) <= 64 * 1024) {
		snprintf(key, sizeof(key), "key:%03d", n++);
		cr_assert_eq(put(key, val, STORE_SET, NOW), STORE_STORED);
	}
	cr_expect_eq(stats().evictions, 0);
	/* Past the bump interval, so this get moves key:000 to the head. */
	cr_assert(present("key:000", NOW + 61));
	/* Within it: key:001 stays where it was, and goes with the rest. */
	cr_assert(present("key:001", NOW + 30));
	stored = n;
	for (int i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "key:%03d", n++);
		cr_assert_eq(put(key, val, STORE_SET, NOW + 61), STORE_STORED);
	}
	struct storage_stats s = stats();
	cr_expect_gt(s.evictions, 0);
	cr_expect_lt(s.evictions, (uint64_t)stored - 2);
	cr_expect_leq(s.bytes, 64 * 1024);
	cr_expect(present("key:000", NOW + 61), "the recently got item was evicted");
	cr_expect_not(present("key:001", NOW + 61), "a get within 60 s moved the item");
	/* The evicted are exactly the oldest stores, in order. */
	for (int i = 1; i < n; i++) {
		snprintf(key, sizeof(key), "key:%03d", i);
		bool here = present(key, NOW + 61);

		if (here && first_present < 0)
			first_present = i;
		cr_expect(first_present < 0 || here, "%s evicted after a newer item survived", key);
	}
	cr_expect_eq((uint64_t)(first_present - 1), s.evictions);
	/* key:001 was fetched; the others evicted were not. */
	cr_expect_eq(s.evicted_unfetched, s.evictions - 1);
	cr_expect_eq(s.curr_items, (uint64_t)(n - first_present + 1));
}

Test(storage, expired_items_are_reclaimed)
{
	char key[32], val[1001];
	rel_time_t now;
	int n = 0;

	/* The server's clock: allocations read it to know what has expired. */
	clock_init();
	now = clock_now();
	st = storage_create(64 * 1024, MB);
	memset(val, 'v', 1000);
	val[1000] = '\0';
	while (stats().bytes + 2 * size_of("key:000", 1000) <= 64 * 1024) {
		snprintf(key, sizeof(key), "key:%03d", n++);
		cr_assert_eq(put_cas(key, val, 0, now + 5, STORE_SET, 0, now), STORE_STORED);
	}
	clock_advance(5);
	for (int i = 0; i < 5; i++) {
		snprintf(key, sizeof(key), "new:%03d", i);
		cr_assert_eq(put(key, val, STORE_SET, clock_now()), STORE_STORED);
	}
	struct storage_stats s = stats();
	cr_expect_eq(s.evictions, 0);
	cr_expect_gt(s.reclaimed, 0);
	cr_expect_eq(s.expired_unfetched, s.reclaimed);
}

Test(storage, too_large_and_no_memory)
{
	enum store_result err = STORE_STORED;
	struct item *it;

	st = storage_create(64 * 1024, 1000);
	/* The limit is on memcached's item size: header, cas, key and nul, flags
	 * when not 0, and the value with its "\r\n". */
	cr_expect_eq(storage_item_ntotal(1, 0, 1000 + 2), 48 + 8 + 2 + 1002);
	cr_expect_eq(storage_item_ntotal(1, 1, 1000 + 2), 48 + 8 + 2 + 4 + 1002);
	it = storage_item_alloc(st, "k", 1, 0, 0, 1000 - 60 + 2, &err);
	cr_assert_not_null(it);
	storage_item_release(st, it);
	it = storage_item_alloc(st, "k", 1, 0, 0, 1000 - 59 + 2, &err);
	cr_expect_null(it);
	cr_expect_eq(err, STORE_TOO_LARGE);
	/* Flags take 4 bytes of it. */
	it = storage_item_alloc(st, "k", 1, 1, 0, 1000 - 60 + 2, &err);
	cr_expect_null(it);
	cr_expect_eq(err, STORE_TOO_LARGE);

	/* Bigger than the whole store: no use evicting. */
	storage_destroy(st);
	st = storage_create(4096, MB);
	put("small", "v", STORE_SET, NOW);
	err = STORE_STORED;
	it = storage_item_alloc(st, "k", 1, 0, 0, 8192, &err);
	cr_expect_null(it);
	cr_expect_eq(err, STORE_NO_MEMORY);
	expect_value("small", "v", NOW);
}

Test(storage, busy_items_are_not_evicted)
{
	char key[32], val[1001];
	struct item *held[128];
	enum store_result err = STORE_STORED;
	int n = 0;

	st = storage_create(64 * 1024, MB);
	memset(val, 'v', 1000);
	val[1000] = '\0';
	while (stats().bytes + size_of("key:000", 1000) <= 64 * 1024) {
		snprintf(key, sizeof(key), "key:%03d", n);
		cr_assert_eq(put(key, val, STORE_SET, NOW), STORE_STORED);
		held[n] = storage_get(st, key, strlen(key), NOW, NULL);
		cr_assert_not_null(held[n]);
		n++;
	}
	cr_expect_null(storage_item_alloc(st, "key:999", 7, 0, 0, 1002, &err));
	cr_expect_eq(err, STORE_NO_MEMORY);
	cr_expect_eq(stats().evictions, 0);
	cr_expect_eq(put(key, val, STORE_SET, NOW), STORE_NO_MEMORY);
	for (int i = 0; i < n; i++)
		storage_item_release(st, held[i]);
	cr_expect_eq(put("key:999", val, STORE_SET, NOW), STORE_STORED);
	cr_expect_eq(stats().evictions, 1);
	cr_expect_not(present("key:000", NOW));
}

Test(storage, reference_outlives_delete_and_replace)
{
	struct item *a, *b, *c;

	st = storage_create(64 * MB, MB);
	put("k", "original", STORE_SET, NOW);
	a = storage_get(st, "k", 1, NOW, NULL);
	cr_assert_not_null(a);
	cr_expect(storage_delete(st, "k", 1, NOW));
	cr_expect_not(a->it_flags & ITEM_LINKED);
	cr_expect_eq(memcmp(item_data(a), "original\r\n", 10), 0);
	cr_expect_eq(stats().bytes, 0);

	put("k", "second", STORE_SET, NOW);
	b = storage_get(st, "k", 1, NOW, NULL);
	cr_assert_not_null(b);
	put("k", "third", STORE_SET, NOW);
	cr_expect_eq(memcmp(item_data(b), "second\r\n", 8), 0);
	c = storage_get(st, "k", 1, NOW, NULL);
	cr_assert_not_null(c);
	cr_expect_neq(b, c);
	cr_expect_eq(memcmp(item_data(c), "third\r\n", 7), 0);

	/* Evicted by a flush and a lookup: still readable while held. */
	storage_flush(st, NOW - 1, NOW);
	expect_miss("k", STORAGE_FLUSHED, NOW);
	cr_expect_eq(memcmp(item_data(c), "third\r\n", 7), 0);
	cr_expect_eq(memcmp(item_data(a), "original\r\n", 10), 0);
	storage_item_release(st, a);
	storage_item_release(st, b);
	storage_item_release(st, c);
	cr_expect_eq(stats().curr_items, 0);
	cr_expect_eq(stats().bytes, 0);
}

Test(storage, incr_decr)
{
	uint64_t v = 12345;
	struct item *it;

	st = storage_create(64 * MB, MB);
	cr_expect_eq(storage_delta(st, "n", 1, true, 1, NOW, &v), DELTA_NOT_FOUND);

	put_cas("n", "99", 17, 0, STORE_SET, 0, NOW);
	cr_expect_eq(storage_delta(st, "n", 1, true, 1, NOW, &v), DELTA_OK);
	cr_expect_eq(v, 100);
	expect_value("n", "100", NOW);
	it = storage_get(st, "n", 1, NOW, NULL);
	cr_assert_not_null(it);
	cr_expect_eq(it->flags, 17);
	storage_item_release(st, it);

	/* A shorter result keeps the length, padded with spaces, as memcached's in-place
	 * rewrite leaves it. */
	cr_expect_eq(storage_delta(st, "n", 1, false, 1, NOW, &v), DELTA_OK);
	cr_expect_eq(v, 99);
	expect_value("n", "99 ", NOW);

	cr_expect_eq(storage_delta(st, "n", 1, false, 1000, NOW, &v), DELTA_OK);
	cr_expect_eq(v, 0);
	expect_value("n", "0  ", NOW);
	cr_expect_eq(storage_delta(st, "n", 1, false, 1, NOW, &v), DELTA_OK);
	cr_expect_eq(v, 0);
	/* A longer one grows the value. */
	cr_expect_eq(storage_delta(st, "n", 1, true, 12345, NOW, &v), DELTA_OK);
	expect_value("n", "12345", NOW);

	put("max", "18446744073709551615", STORE_SET, NOW);
	cr_expect_eq(storage_delta(st, "max", 3, true, 1, NOW, &v), DELTA_OK);
	cr_expect_eq(v, 0);
	expect_value("max", "0                   ", NOW);

	put("w", "18446744073709551610", STORE_SET, NOW);
	cr_expect_eq(storage_delta(st, "w", 1, true, 10, NOW, &v), DELTA_OK);
	cr_expect_eq(v, 4);
	cr_expect_eq(storage_delta(st, "w", 1, true, UINT64_MAX, NOW, &v), DELTA_OK);
	cr_expect_eq(v, 3);
	cr_expect_eq(storage_delta(st, "w", 1, false, UINT64_MAX, NOW, &v), DELTA_OK);
	cr_expect_eq(v, 0);

	put("z", "007", STORE_SET, NOW);
	cr_expect_eq(storage_delta(st, "z", 1, true, 1, NOW, &v), DELTA_OK);
	cr_expect_eq(v, 8);
	expect_value("z", "8  ", NOW);

	/* Expired counts as missing. */
	put_cas("e", "1", 0, NOW + 1, STORE_SET, 0, NOW);
	cr_expect_eq(storage_delta(st, "e", 1, true, 1, NOW + 1, &v), DELTA_NOT_FOUND);
}

Test(storage, delta_non_numeric)
{
	static const char *const bad[] = {
		"", "abc", "12a", "-1", "1.5", " ", "+", "-", "- 1", "1-",
		"18446744073709551616", "99999999999999999999",
	};
	uint64_t v = 7;

	st = storage_create(64 * MB, MB);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put("k", bad[i], STORE_SET, NOW);
		cr_expect_eq(storage_delta(st, "k", 1, true, 1, NOW, &v), DELTA_NON_NUMERIC,
			     "\"%s\"", bad[i]);
		cr_expect_eq(storage_delta(st, "k", 1, false, 1, NOW, &v), DELTA_NON_NUMERIC,
			     "\"%s\"", bad[i]);
		expect_value("k", bad[i], NOW);
	}
	cr_expect_eq(v, 7);
}

Test(storage, delta_reads_the_value_as_strtoull)
{
	static const struct {
		const char *val;
		size_t len;
		const char *after;
	} cases[] = {
		{ " 12", 3, "13 " },
		{ "12 ", 3, "13 " },
		{ "+12", 3, "13 " },
		{ "\t\n7", 3, "8  " },
		{ "5 ab", 4, "6   " },
		{ "5\0x", 3, "6  " },
		{ "-0", 2, "1 " },
		{ "000000000000000000001", 21, "2                    " },
	};
	uint64_t v;

	st = storage_create(64 * MB, MB);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put_bytes("k", cases[i].val, cases[i].len, 0, 0, STORE_SET, 0, NOW);
		cr_expect_eq(storage_delta(st, "k", 1, true, 1, NOW, &v), DELTA_OK, "case %zu", i);
		expect_value("k", cases[i].after, NOW);
	}
}

Test(storage, delta_on_a_value_someone_reads_is_exact)
{
	struct item *held;
	uint64_t v;

	st = storage_create(64 * MB, MB);
	put("k", "100", STORE_SET, NOW);
	/* memcached rewrites in place only when nobody else holds the item. */
	held = storage_get(st, "k", 1, NOW, NULL);
	cr_assert_not_null(held);
	cr_expect_eq(storage_delta(st, "k", 1, false, 1, NOW, &v), DELTA_OK);
	expect_value("k", "99", NOW);
	cr_expect_eq(memcmp(item_data(held), "100\r\n", 5), 0);
	storage_item_release(st, held);
}

Test(storage, delta_on_a_chunked_value_is_non_numeric)
{
	size_t n = STORAGE_CHUNK_MAX - storage_item_ntotal(1, 0, 2);
	char *val = malloc(n + 1);
	uint64_t v;

	cr_assert_not_null(val);
	memset(val, ' ', n + 1);
	val[0] = '1';
	st = storage_create(64 * MB, MB);
	/* Exactly memcached's largest unchunked item. */
	put_bytes("k", val, n, 0, 0, STORE_SET, 0, NOW);
	cr_expect_eq(storage_delta(st, "k", 1, true, 1, NOW, &v), DELTA_OK);
	cr_expect_eq(v, 2);
	put_bytes("k", val, n + 1, 0, 0, STORE_SET, 0, NOW);
	cr_expect_eq(storage_delta(st, "k", 1, true, 1, NOW, &v), DELTA_NON_NUMERIC);
	free(val);
}

Test(storage, stats_counters)
{
	struct storage_stats s;
	uint64_t v;

	st = storage_create(64 * MB, MB);
	s = stats();
	cr_expect_eq(s.limit_maxbytes, 64 * MB);
	cr_expect_eq(s.curr_items, 0);
	cr_expect_eq(s.total_items, 0);
	cr_expect_eq(s.bytes, 0);

	put("a", "1", STORE_SET, NOW);
	put("bb", "22", STORE_SET, NOW);
	put("a", "333", STORE_SET, NOW);
	put("bb", "x", STORE_ADD, NOW);
	storage_delta(st, "bb", 2, true, 1, NOW, &v);
	s = stats();
	cr_expect_eq(s.curr_items, 2);
	cr_expect_eq(s.total_items, 4);
	cr_expect_eq(s.bytes, size_of("a", 3) + size_of("bb", 2));

	storage_delete(st, "a", 1, NOW);
	s = stats();
	cr_expect_eq(s.curr_items, 1);
	cr_expect_eq(s.bytes, size_of("bb", 2));
	cr_expect_eq(s.evictions, 0);
	cr_expect_eq(s.reclaimed, 0);
	cr_expect_eq(s.evicted_unfetched, 0);
	cr_expect_eq(s.expired_unfetched, 0);
}

#define THREADS 4
#define OPS 20000
#define KEYS 64

struct worker {
	unsigned seed;
	rel_time_t now;
	int bad;	/* malformed items seen; asserted on the main thread */
};

/* Runs random operations on a small key space. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	char key[16], val[64];
	uint64_t v;

	for (int i = 0; i < OPS; i++) {
		int r = rand_r(&w->seed);
		int k = r % KEYS;
		struct item *it;

		snprintf(key, sizeof(key), "key:%d", k);
		switch ((r >> 8) % 8) {
		case 0:
		case 1:
			snprintf(val, sizeof(val), "%d", r % 1000);
			put(key, val, STORE_SET, w->now);
			break;
		case 2:
			/* A long value to push memory around. */
			snprintf(val, sizeof(val), "%040d", r);
			put(key, val, (r >> 12) & 1 ? STORE_APPEND : STORE_ADD, w->now);
			break;
		case 3:
			storage_delete(st, key, strlen(key), w->now);
			break;
		case 4:
			storage_delta(st, key, strlen(key), (r >> 12) & 1, (uint64_t)r % 7, w->now,
				      &v);
			break;
		case 5:
			if ((r >> 12) & 1)
				storage_touch(st, key, strlen(key), 0, w->now);
			else
				put_cas(key, "c", 0, 0, STORE_CAS, cas_of(key, w->now), w->now);
			break;
		default:
			it = storage_get(st, key, strlen(key), w->now, NULL);
			if (it) {
				/* Read the whole value while others replace it. */
				if (it->nbytes < 2 || strcmp(item_key(it), key) != 0 ||
				    memcmp(item_data(it) + it->nbytes - 2, "\r\n", 2) != 0)
					w->bad++;
				storage_item_release(st, it);
			}
			break;
		}
		/* Move time now and then, past the bump interval. */
		if (i % 1000 == 999)
			w->now += 61;
	}
	return NULL;
}

/* Runs the workers, then checks the counters against a walk of every key. */
static void run_workers(void)
{
	pthread_t tids[THREADS];
	struct worker ws[THREADS];
	struct storage_stats s;
	uint64_t items = 0, bytes = 0;
	char key[16];
	rel_time_t end = NOW + (OPS / 1000) * 61 + 1;

	for (int i = 0; i < THREADS; i++) {
		ws[i].seed = 1234u + (unsigned)i;
		ws[i].now = NOW;
		ws[i].bad = 0;
		cr_assert_eq(pthread_create(&tids[i], NULL, worker_main, &ws[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(tids[i], NULL);
		cr_expect_eq(ws[i].bad, 0, "worker %d saw %d malformed items", i, ws[i].bad);
	}

	s = stats();
	for (int k = 0; k < KEYS; k++) {
		snprintf(key, sizeof(key), "key:%d", k);
		struct item *it = storage_get(st, key, strlen(key), end, NULL);

		if (!it)
			continue;
		items++;
		bytes += size_of(key, it->nbytes - 2);
		cr_expect_eq(memcmp(item_data(it) + it->nbytes - 2, "\r\n", 2), 0);
		storage_item_release(st, it);
	}
	cr_expect_eq(s.curr_items, items);
	cr_expect_eq(s.bytes, bytes);
	cr_expect_leq(s.bytes, s.limit_maxbytes);
	cr_expect_geq(s.total_items, items);
}

Test(storage, concurrent_random_ops)
{
	st = storage_create(64 * MB, MB);
	run_workers();
	cr_expect_eq(stats().evictions, 0);
}

Test(storage, concurrent_random_ops_evicting)
{
	/* Too small for every key at once, so stores must evict. */
	st = storage_create(4096, MB);
	run_workers();
	cr_expect_gt(stats().evictions, 0);
}
