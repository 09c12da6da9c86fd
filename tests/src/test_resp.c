#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "resp.h"
#include "storage.h"

static struct storage *st;
static struct resp r;

/* A store and an empty reply for each test. */
static void setup(void)
{
	clock_init();
	st = storage_create(64 << 20, 1 << 20);
	cr_assert_not_null(st);
	resp_init(&r, st);
}

/* Gives everything back; the store insists no reference is left. */
static void teardown(void)
{
	resp_destroy(&r);
	storage_destroy(st);
}

TestSuite(resp, .init = setup, .fini = teardown);

/* Returns the whole reply as a nul-terminated string (freed by the caller). */
static char *flatten(const struct resp *rp)
{
	char *s = malloc(rp->total + 1);

	cr_assert_not_null(s);
	cr_assert_eq(resp_copy(rp, 0, s, rp->total), rp->total);
	s[rp->total] = '\0';
	return s;
}

/* Asserts the reply is exactly want. */
static void expect(const struct resp *rp, const char *want)
{
	char *s = flatten(rp);

	cr_assert_str_eq(s, want);
	free(s);
}

/* Stores key=value and returns a referenced item from the store. */
static struct item *stored_item(const char *key, const char *value)
{
	size_t n = strlen(value);
	enum store_result err;
	struct item *it = storage_item_alloc(st, key, strlen(key), 0, 0, n + 2, &err);

	cr_assert_not_null(it);
	memcpy(item_data(it), value, n);
	memcpy(item_data(it) + n, "\r\n", 2);
	cr_assert_eq(storage_store(st, it, STORE_SET, 0, clock_now()), STORE_STORED);
	storage_item_release(st, it);
	it = storage_get(st, key, strlen(key), clock_now(), NULL);
	cr_assert_not_null(it);
	return it;
}

/* Makes a connected non-blocking socket pair with a small send buffer on sv[0]. */
static void small_socketpair(int sv[2], int sndbuf)
{
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)), 0);
	cr_assert_eq(fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK), 0);
	cr_assert_eq(fcntl(sv[1], F_SETFL, fcntl(sv[1], F_GETFL) | O_NONBLOCK), 0);
}

/* Reads whatever is waiting on fd into buf at *got. */
static void drain(int fd, char *buf, size_t size, size_t *got)
{
	for (;;) {
		ssize_t n = read(fd, buf + *got, size - *got);

		if (n <= 0) {
			cr_assert(n == 0 || errno == EAGAIN || errno == EWOULDBLOCK);
			return;
		}
		*got += (size_t)n;
	}
}

/* Writes the reply to sv[0] until done, draining sv[1]; returns what arrived. */
static char *write_all(int sv[2], size_t *got, int *again)
{
	size_t size = r.total + 1;
	char *buf = malloc(size);
	size_t sent = 0;
	enum resp_status status;

	cr_assert_not_null(buf);
	*got = 0;
	*again = 0;
	do {
		size_t w = 12345;

		status = resp_write(&r, sv[0], &w);
		cr_assert_neq(status, RESP_ERROR);
		sent += w;
		if (status == RESP_AGAIN)
			(*again)++;
		drain(sv[1], buf, size, got);
	} while (status != RESP_DONE);
	drain(sv[1], buf, size, got);
	cr_assert_eq(sent, r.total);
	cr_assert_eq(*got, r.total);
	buf[*got] = '\0';
	return buf;
}

Test(resp, starts_empty)
{
	cr_assert(resp_empty(&r));
	cr_assert_eq(r.nsegs, 0);
	expect(&r, "");
}

Test(resp, adjacent_text_is_one_segment)
{
	cr_assert_eq(resp_add(&r, "STORED", 6), 0);
	cr_assert_eq(resp_add_str(&r, "\r\n"), 0);
	cr_assert_eq(resp_printf(&r, "%s %d\r\n", "VALUE", 42), 0);
	cr_assert_eq(r.nsegs, 1);
	cr_assert_eq(r.total, 18);
	cr_assert_not(resp_empty(&r));
	expect(&r, "STORED\r\nVALUE 42\r\n");
}

Test(resp, empty_add_adds_nothing)
{
	cr_assert_eq(resp_add(&r, "x", 0), 0);
	cr_assert_eq(r.nsegs, 0);
	cr_assert(resp_empty(&r));
}

Test(resp, arena_growth_keeps_text)
{
	char want[20000];
	size_t n = 0;

	for (int i = 0; i < 2000; i++) {
		char line[16];
		int len = snprintf(line, sizeof(line), "%d,", i);

		if (i % 2)
			cr_assert_eq(resp_add(&r, line, (size_t)len), 0);
		else
			cr_assert_eq(resp_printf(&r, "%d,", i), 0);
		memcpy(want + n, line, (size_t)len);
		n += (size_t)len;
	}
	want[n] = '\0';
	cr_assert_eq(r.nsegs, 1);
	expect(&r, want);
}

Test(resp, printf_longer_than_first_guess)
{
	char big[5000];

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(resp_add_str(&r, "<"), 0);
	cr_assert_eq(resp_printf(&r, "%s>", big), 0);
	cr_assert_eq(r.total, 1 + 4999 + 1);
	cr_assert_eq(r.nsegs, 1);
	char *s = flatten(&r);
	cr_assert_eq(s[0], '<');
	cr_assert_eq(s[4999], 'q');
	cr_assert_eq(s[5000], '>');
	free(s);
}

Test(resp, item_segments_hold_a_reference)
{
	struct item *it = stored_item("k", "hello");

	cr_assert_eq(it->refcount, 2);
	cr_assert_eq(resp_add_str(&r, "VALUE k 0 5\r\n"), 0);
	cr_assert_eq(resp_add_item(&r, it), 0);
	cr_assert_eq(resp_add_str(&r, "END\r\n"), 0);
	cr_assert_eq(r.nsegs, 3);
	cr_assert_eq(r.segs[1].item, it);
	expect(&r, "VALUE k 0 5\r\nhello\r\nEND\r\n");
	resp_reset(&r);
	cr_assert_eq(it->refcount, 1);
	cr_assert(resp_empty(&r));
	cr_assert_eq(r.nsegs, 0);
	cr_assert_eq(r.arenalen, 0);
}

Test(resp, item_outlives_its_replacement)
{
	struct item *it = stored_item("k", "old");

	cr_assert_eq(resp_add_item(&r, it), 0);
	cr_assert(storage_delete(st, "k", 1, clock_now()));
	expect(&r, "old\r\n");
}

Test(resp, destroy_releases_items)
{
	struct item *it = stored_item("k", "v");

	cr_assert_eq(resp_add_item(&r, it), 0);
	cr_assert_eq(it->refcount, 2);
	resp_destroy(&r);
	cr_assert_eq(it->refcount, 1);
	cr_assert_null(r.segs);
	cr_assert_null(r.arena);
	resp_init(&r, st);
}

Test(resp, reset_keeps_memory_for_reuse)
{
	cr_assert_eq(resp_add_str(&r, "abc"), 0);
	char *arena = r.arena;
	resp_reset(&r);
	cr_assert_eq(r.arena, arena);
	cr_assert_eq(resp_add_str(&r, "xyz"), 0);
	expect(&r, "xyz");
}

Test(resp, copy_from_offsets_across_segments)
{
	struct item *a = stored_item("a", "1234");
	struct item *b = stored_item("b", "5678");
	char buf[64];

	resp_add_str(&r, "ab");
	resp_add_item(&r, a);
	resp_add_str(&r, "cd");
	resp_add_item(&r, b);
	/* "ab1234\r\ncd5678\r\n" */
	cr_assert_eq(r.total, 16);
	cr_assert_eq(resp_copy(&r, 0, buf, 3), 3);
	cr_assert_eq(memcmp(buf, "ab1", 3), 0);
	cr_assert_eq(resp_copy(&r, 5, buf, 6), 6);
	cr_assert_eq(memcmp(buf, "4\r\ncd5", 6), 0);
	cr_assert_eq(resp_copy(&r, 14, buf, 10), 2);
	cr_assert_eq(memcmp(buf, "\r\n", 2), 0);
	cr_assert_eq(resp_copy(&r, 16, buf, 10), 0);
	cr_assert_eq(resp_copy(&r, 100, buf, 10), 0);
}

Test(resp, truncate_drops_the_tail)
{
	struct item *it = stored_item("k", "value");

	resp_add_str(&r, "STORED\r\n");
	size_t mark = r.total;
	resp_add_str(&r, "VALUE k 0 5\r\n");
	resp_add_item(&r, it);
	cr_assert_eq(it->refcount, 2);
	resp_truncate(&r, mark);
	cr_assert_eq(it->refcount, 1);
	cr_assert_eq(r.total, mark);
	cr_assert_eq(r.nsegs, 1);
	expect(&r, "STORED\r\n");
	/* The arena space is reused and text still merges. */
	resp_add_str(&r, "ERROR\r\n");
	cr_assert_eq(r.nsegs, 1);
	expect(&r, "STORED\r\nERROR\r\n");
	resp_truncate(&r, 0);
	cr_assert(resp_empty(&r));
	cr_assert_eq(r.arenalen, 0);
	resp_truncate(&r, 10);
	cr_assert(resp_empty(&r));
}

Test(resp, truncate_inside_merged_text)
{
	resp_add_str(&r, "abc");
	resp_add_str(&r, "def");
	resp_truncate(&r, 4);
	expect(&r, "abcd");
	resp_add_str(&r, "X");
	expect(&r, "abcdX");
	cr_assert_eq(r.nsegs, 1);
}

Test(resp, same_item_twice)
{
	/* Each segment holds its own reference. */
	struct item *it = stored_item("k", "v");

	__atomic_fetch_add(&it->refcount, 1, __ATOMIC_RELAXED);
	cr_assert_eq(resp_add_item(&r, it), 0);
	cr_assert_eq(resp_add_item(&r, it), 0);
	cr_assert_eq(it->refcount, 3);
	expect(&r, "v\r\nv\r\n");
	resp_reset(&r);
	cr_assert_eq(it->refcount, 1);
}

Test(resp, write_empty_is_done)
{
	int sv[2];
	size_t w = 99;

	small_socketpair(sv, 4096);
	cr_assert_eq(resp_write(&r, sv[0], &w), RESP_DONE);
	cr_assert_eq(w, 0);
	close(sv[0]);
	close(sv[1]);
}

Test(resp, write_small_reply)
{
	int sv[2];
	size_t w = 0;
	char buf[64];
	struct item *it = stored_item("k", "hello");

	small_socketpair(sv, 65536);
	resp_add_str(&r, "VALUE k 0 5\r\n");
	resp_add_item(&r, it);
	resp_add_str(&r, "END\r\n");
	cr_assert_eq(resp_write(&r, sv[0], &w), RESP_DONE);
	cr_assert_eq(w, r.total);
	ssize_t n = read(sv[1], buf, sizeof(buf));
	cr_assert_eq(n, (ssize_t)r.total);
	cr_assert_eq(memcmp(buf, "VALUE k 0 5\r\nhello\r\nEND\r\n", r.total), 0);
	/* A finished reply writes nothing more. */
	cr_assert_eq(resp_write(&r, sv[0], &w), RESP_DONE);
	cr_assert_eq(w, 0);
	close(sv[0]);
	close(sv[1]);
}

Test(resp, write_short_and_again)
{
	int sv[2];
	size_t got;
	int again;
	size_t vlen = 300000;
	char *value = malloc(vlen + 1);
	char *want, *buf;

	cr_assert_not_null(value);
	for (size_t i = 0; i < vlen; i++)
		value[i] = (char)('a' + i % 26);
	value[vlen] = '\0';
	struct item *it = stored_item("big", value);

	small_socketpair(sv, 4096);
	resp_printf(&r, "VALUE big 0 %zu\r\n", vlen);
	resp_add_item(&r, it);
	resp_add_str(&r, "END\r\n");
	want = flatten(&r);
	buf = write_all(sv, &got, &again);
	cr_assert_gt(again, 0, "a small send buffer must have filled up");
	cr_assert_eq(memcmp(buf, want, got), 0);
	free(buf);
	free(want);
	free(value);
	close(sv[0]);
	close(sv[1]);
}

Test(resp, write_more_segments_than_iov_max)
{
	int sv[2];
	size_t got;
	int again;
	struct item *it = stored_item("k", "0123456789");
	char *want, *buf;

	/* Text and items alternate, so nothing merges: 2 * 3000 segments. */
	for (int i = 0; i < 3000; i++) {
		__atomic_fetch_add(&it->refcount, 1, __ATOMIC_RELAXED);
		resp_printf(&r, "VALUE k %d 10\r\n", i);
		resp_add_item(&r, it);
	}
	storage_item_release(st, it);
	resp_add_str(&r, "END\r\n");
	cr_assert_eq(r.nsegs, 6001);
	want = flatten(&r);
	small_socketpair(sv, 8192);
	buf = write_all(sv, &got, &again);
	cr_assert_eq(memcmp(buf, want, got), 0);
	free(buf);
	free(want);
	close(sv[0]);
	close(sv[1]);
}

Test(resp, write_to_closed_peer_is_an_error)
{
	int sv[2];
	size_t w = 99;

	small_socketpair(sv, 4096);
	close(sv[1]);
	resp_add_str(&r, "STORED\r\n");
	/* No SIGPIPE: the test would die of it. */
	cr_assert_eq(resp_write(&r, sv[0], &w), RESP_ERROR);
	cr_assert_eq(w, 0);
	close(sv[0]);
}

Test(resp, write_to_a_pipe)
{
	int p[2];
	char buf[32];
	size_t w;

	cr_assert_eq(pipe(p), 0);
	resp_add_str(&r, "END\r\n");
	cr_assert_eq(resp_write(&r, p[1], &w), RESP_DONE);
	cr_assert_eq(w, 5);
	cr_assert_eq(read(p[0], buf, sizeof(buf)), 5);
	cr_assert_eq(memcmp(buf, "END\r\n", 5), 0);
	close(p[0]);
	close(p[1]);
}

Test(resp, write_to_a_bad_fd_is_an_error)
{
	size_t w = 99;

	resp_add_str(&r, "END\r\n");
	cr_assert_eq(resp_write(&r, -1, &w), RESP_ERROR);
	cr_assert_eq(w, 0);
}
