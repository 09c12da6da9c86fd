#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "proto_text.h"
#include "resp.h"
#include "stats.h"
#include "stats_write.h"
#include "storage.h"

#define ITEM_MAX (1 << 20)

static struct storage *st;
static struct resp out;
static struct thread_stats ts;
static struct proto_ctx ctx;
static struct proto_pending pending;

/* A fresh store, reply and counters for each test. */
static void setup(void)
{
	clock_init();
	log_verbosity = 0;
	st = storage_create(64 << 20, ITEM_MAX);
	cr_assert_not_null(st);
	resp_init(&out, st);
	memset(&ts, 0, sizeof(ts));
	memset(&pending, 0, sizeof(pending));
	ctx = (struct proto_ctx){ .storage = st, .stats = &ts, .settings = NULL, .fd = 7 };
	proto_text_set_stats(stats_write);
}

/* Gives everything back; the store insists no reference is left. */
static void teardown(void)
{
	if (pending.item != NULL)
		storage_item_release(st, pending.item);
	resp_destroy(&out);
	storage_destroy(st);
}

TestSuite(proto, .init = setup, .fini = teardown);

/* Runs one command line of len bytes (without its newline) against the reply as it is. */
static enum proto_action run_n(const char *line, size_t len)
{
	char *buf = malloc(len + 1);
	enum proto_action action;

	cr_assert_not_null(buf);
	memcpy(buf, line, len + 1);
	action = proto_text_process(&ctx, &out, buf, len, &pending);
	free(buf);
	return action;
}

/* Runs one command line (without its newline) against the reply as it is. */
static enum proto_action run(const char *line)
{
	return run_n(line, strlen(line));
}

/* Returns the queued reply as a string and empties it (freed by the caller). */
static char *take_reply(void)
{
	char *s = malloc(out.total + 1);

	cr_assert_not_null(s);
	cr_assert_eq(resp_copy(&out, 0, s, out.total), out.total);
	s[out.total] = '\0';
	resp_reset(&out);
	return s;
}

/* Asserts the queued reply is exactly want, then empties it. */
static void expect_reply(const char *want)
{
	char *s = take_reply();

	cr_assert_str_eq(s, want);
	free(s);
}

/* The action a command should end in: get-family replies go out through conn_mwrite. */
static enum proto_action action_for(const char *line, const char *want)
{
	size_t n = strlen(want);

	while (*line == ' ')
		line++;
	bool get_family = strncmp(line, "get", 3) == 0 || strncmp(line, "gat", 3) == 0;

	return get_family && n >= 5 && strcmp(want + n - 5, "END\r\n") == 0 ? PROTO_MWRITE : PROTO_WRITE;
}

/* Runs a simple command and checks its action and whole reply. */
static void expect(const char *line, const char *want)
{
	cr_assert_eq(run(line), action_for(line, want), "%s", line);
	expect_reply(want);
}

/* Feeds a pending value of value_len bytes (the "\r\n" included in data) and completes it. */
static void feed(const char *data, size_t n)
{
	cr_assert_not_null(pending.item);
	cr_assert_eq(pending.vlen, n);
	memcpy(item_data(pending.item), data, n);
	proto_text_complete_nread(&ctx, &out, &pending);
	cr_assert_null(pending.item);
}

/* Runs a storage command line with its value and checks the reply. */
static void store(const char *line, const char *value, const char *want)
{
	char *data;
	size_t n = strlen(value);

	cr_assert_eq(run(line), PROTO_NREAD, "%s", line);
	data = malloc(n + 2);
	cr_assert_not_null(data);
	memcpy(data, value, n);
	memcpy(data + n, "\r\n", 2);
	feed(data, n + 2);
	free(data);
	expect_reply(want);
}

/* One step of a conversation: a storage line with its value, or (value NULL) any other. */
struct step {
	const char *line;
	const char *value;
	const char *want;
};

/* Runs steps in order, each checked for its whole reply. */
static void converse(const struct step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (steps[i].value != NULL)
			store(steps[i].line, steps[i].value, steps[i].want);
		else
			expect(steps[i].line, steps[i].want);
	}
}

#define CONVERSE(steps) converse(steps, sizeof(steps) / sizeof((steps)[0]))

/* Returns a key of n bytes (static, overwritten by the next call). */
static const char *key_of(size_t n)
{
	static char key[1024];

	cr_assert_lt(n, sizeof(key));
	memset(key, 'k', n);
	key[n] = '\0';
	return key;
}

/* Reads a key's cas unique with gets. */
static unsigned long long cas_of(const char *key)
{
	char line[300];
	unsigned long long cas = 0;
	char *s;

	snprintf(line, sizeof(line), "gets %s", key);
	cr_assert_eq(run(line), PROTO_MWRITE);
	s = take_reply();
	cr_assert_eq(sscanf(s, "VALUE %*s %*u %*u %llu", &cas), 1, "%s", s);
	free(s);
	return cas;
}

/* find_line */

Test(proto, find_line_crlf_and_lf)
{
	size_t len = 99, used = 99;

	cr_assert_eq(proto_text_find_line("get a\r\nget b\n", 13, &len, &used), PROTO_LINE_READY);
	cr_assert_eq(len, 5);
	cr_assert_eq(used, 7);
	cr_assert_eq(proto_text_find_line("get b\n", 6, &len, &used), PROTO_LINE_READY);
	cr_assert_eq(len, 5);
	cr_assert_eq(used, 6);
	cr_assert_eq(proto_text_find_line("\r\n", 2, &len, &used), PROTO_LINE_READY);
	cr_assert_eq(len, 0);
	cr_assert_eq(used, 2);
	cr_assert_eq(proto_text_find_line("\n", 1, &len, &used), PROTO_LINE_READY);
	cr_assert_eq(len, 0);
	cr_assert_eq(used, 1);
}

Test(proto, find_line_partial)
{
	size_t len, used;

	cr_assert_eq(proto_text_find_line("", 0, &len, &used), PROTO_LINE_MORE);
	cr_assert_eq(proto_text_find_line("get a", 5, &len, &used), PROTO_LINE_MORE);
	cr_assert_eq(proto_text_find_line("get a\r", 6, &len, &used), PROTO_LINE_MORE);
}

Test(proto, find_line_too_long)
{
	char *buf = malloc(5000);
	size_t len, used;

	cr_assert_not_null(buf);
	memset(buf, 'x', 5000);
	cr_assert_eq(proto_text_find_line(buf, PROTO_LINE_MAX, &len, &used), PROTO_LINE_MORE);
	cr_assert_eq(proto_text_find_line(buf, PROTO_LINE_MAX + 1, &len, &used),
		     PROTO_LINE_TOO_LONG);
	memcpy(buf, "set ", 4);
	cr_assert_eq(proto_text_find_line(buf, 2049, &len, &used), PROTO_LINE_TOO_LONG);
	/* A long line that has its newline is fine. */
	buf[4000] = '\n';
	cr_assert_eq(proto_text_find_line(buf, 5000, &len, &used), PROTO_LINE_READY);
	cr_assert_eq(len, 4000);
	cr_assert_eq(used, 4001);
	free(buf);
}

Test(proto, find_line_long_get_waits)
{
	static const char *const verbs[] = { "get ", "gets ", "gat ", "gats ", "getx " };
	char *buf = malloc(10000);
	size_t len, used;

	cr_assert_not_null(buf);
	for (size_t i = 0; i < 5; i++) {
		memset(buf, 'k', 10000);
		memcpy(buf, verbs[i], strlen(verbs[i]));
		/* memcached lets only get and gets grow long. */
		cr_assert_eq(proto_text_find_line(buf, 10000, &len, &used),
			     i < 2 ? PROTO_LINE_MORE : PROTO_LINE_TOO_LONG, "%s", verbs[i]);
	}
	/* Up to 100 spaces may come first, not more. */
	memset(buf, ' ', 100);
	memcpy(buf + 100, "get ", 4);
	cr_assert_eq(proto_text_find_line(buf, 10000, &len, &used), PROTO_LINE_MORE);
	memset(buf, ' ', 101);
	memcpy(buf + 101, "get ", 4);
	cr_assert_eq(proto_text_find_line(buf, 10000, &len, &used), PROTO_LINE_TOO_LONG);
	free(buf);
}

/* storage commands */

Test(proto, set_and_get)
{
	store("set foo 5 0 3", "bar", "STORED\r\n");
	cr_assert_str_eq(ctx.verb, "set");
	cr_assert_eq(ctx.nkeys, 1);
	expect("get foo", "VALUE foo 5 3\r\nbar\r\nEND\r\n");
	cr_assert_str_eq(ctx.verb, "get");
	cr_assert_eq(ctx.nkeys, 1);
	cr_assert_eq(ts.cmd_set, 1);
	cr_assert_eq(ts.cmd_get, 1);
	cr_assert_eq(ts.get_hits, 1);
}

Test(proto, pending_is_filled)
{
	cr_assert_eq(run("set k 4294967295 100 10 noreply"), PROTO_NREAD);
	cr_assert_not_null(pending.item);
	cr_assert_eq(pending.op, STORE_SET);
	cr_assert(pending.noreply);
	cr_assert_eq(pending.vlen, 12);
	cr_assert_eq(pending.item->flags, 4294967295u);
	cr_assert_eq(pending.item->nbytes, 12);
	cr_assert_eq(pending.item->exptime, clock_now() + 100);
	cr_assert(resp_empty(&out));
	storage_item_release(st, pending.item);
	pending.item = NULL;
	cr_assert_eq(run("cas k 0 0 1 77"), PROTO_NREAD);
	cr_assert_eq(pending.op, STORE_CAS);
	cr_assert_eq(pending.cas, 77);
	cr_assert_not(pending.noreply);
	cr_assert_eq(pending.vlen, 3);
	storage_item_release(st, pending.item);
	pending.item = NULL;
}

Test(proto, set_zero_bytes)
{
	store("set empty 0 0 0", "", "STORED\r\n");
	expect("get empty", "VALUE empty 0 0\r\n\r\nEND\r\n");
}

Test(proto, extra_spaces_are_ignored)
{
	store("set  spaced   1 0  2 ", "hi", "STORED\r\n");
	expect("  get   spaced  ", "VALUE spaced 1 2\r\nhi\r\nEND\r\n");
}

Test(proto, add_replace_append_prepend)
{
	store("add k 0 0 1", "a", "STORED\r\n");
	store("add k 0 0 1", "b", "NOT_STORED\r\n");
	store("replace k 0 0 1", "c", "STORED\r\n");
	store("replace missing 0 0 1", "c", "NOT_STORED\r\n");
	store("append k 0 0 2", "de", "STORED\r\n");
	store("prepend k 0 0 2", "xy", "STORED\r\n");
	store("append missing 0 0 1", "z", "NOT_STORED\r\n");
	store("prepend missing 0 0 1", "z", "NOT_STORED\r\n");
	expect("get k", "VALUE k 0 5\r\nxycde\r\nEND\r\n");
	cr_assert_eq(ts.cmd_set, 8);
	run("add k 0 0 1");
	cr_assert_str_eq(ctx.verb, "add");
	storage_item_release(st, pending.item);
	pending.item = NULL;
}

Test(proto, storage_noreply)
{
	static const char *const lines[] = {
		"set k 0 0 1 noreply", "add k 0 0 1 noreply", "replace k 0 0 1 noreply",
		"append k 0 0 1 noreply", "prepend k 0 0 1 noreply", "replace nope 0 0 1 noreply",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		store(lines[i], "v", "");
	expect("get k", "VALUE k 0 3\r\nvvv\r\nEND\r\n");
	unsigned long long cas = cas_of("k");
	char line[100];

	snprintf(line, sizeof(line), "cas k 0 0 1 %llu noreply", cas);
	store(line, "w", "");
	store(line, "x", "");
	store("cas nope 0 0 1 1 noreply", "x", "");
	expect("get k", "VALUE k 0 1\r\nw\r\nEND\r\n");
}

Test(proto, cas_results_and_stats)
{
	char line[100];

	store("cas k 0 0 1 1", "a", "NOT_FOUND\r\n");
	cr_assert_str_eq(ctx.verb, "cas");
	store("set k 0 0 1", "a", "STORED\r\n");
	unsigned long long cas = cas_of("k");

	cr_assert_neq(cas, 0);
	snprintf(line, sizeof(line), "cas k 3 0 1 %llu", cas);
	store(line, "b", "STORED\r\n");
	store(line, "c", "EXISTS\r\n");
	cr_assert_neq(cas_of("k"), cas);
	expect("get k", "VALUE k 3 1\r\nb\r\nEND\r\n");
	cr_assert_eq(ts.cas_misses, 1);
	cr_assert_eq(ts.cas_hits, 1);
	cr_assert_eq(ts.cas_badval, 1);
	expect("cas k 0 0 1 abc", "CLIENT_ERROR bad command line format\r\n");
	expect("cas k 0 0 1 -1", "CLIENT_ERROR bad command line format\r\n");
	expect("cas k 0 0 1", "ERROR\r\n");
}

Test(proto, storage_bad_format_does_not_swallow)
{
	static const char *const lines[] = {
		"set k abc 0 1", "set k 0 abc 1", "set k 0 0 abc", "set k 0 0 -1",
		"set k -1 0 1", "set k 18446744073709551616 0 1", "set k 0 0 2147483646",
		"set k 0 0 2147483648", "set k 0 9223372036854775808 1", "set k 0 0 1x",
		"set k 0 0 noreply",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]) - 1; i++)
		expect(lines[i], "CLIENT_ERROR bad command line format\r\n");
	/* noreply silences errors too, as in memcached. */
	expect(lines[sizeof(lines) / sizeof(lines[0]) - 1], "");
	cr_assert_null(pending.item);
}

/* memcached reads numbers with strtoul/strtol on 64 bits and keeps 32 (number.h). */
Test(proto, storage_numbers_as_memcached_reads_them)
{
	static const struct step steps[] = {
		{ "set a 4294967296 0 1", "x", "STORED\r\n" },
		{ "get a", NULL, "VALUE a 0 1\r\nx\r\nEND\r\n" },
		{ "set a 18446744073709551615 0 1", "x", "STORED\r\n" },
		{ "get a", NULL, "VALUE a 4294967295 1\r\nx\r\nEND\r\n" },
		{ "set a +7 -9223372036854775808 +1", "x", "STORED\r\n" },
		{ "get a", NULL, "VALUE a 7 1\r\nx\r\nEND\r\n" },
		{ "set a 0 4294967296 1", "x", "STORED\r\n" },
		{ "gat 4294967296 a", NULL, "VALUE a 0 1\r\nx\r\nEND\r\n" },
		/* A length of 2^32 is 0, of 2^32 + 1 is 1. */
		{ "set a 0 0 4294967296", "", "STORED\r\n" },
		{ "get a", NULL, "VALUE a 0 0\r\n\r\nEND\r\n" },
		{ "set a 0 0 4294967297", "y", "STORED\r\n" },
		/* Numbers end at white space: a trailing "\r" is no error. */
		{ "set a 1\t 0\v 1\r", "z", "STORED\r\n" },
		{ "get a", NULL, "VALUE a 1 1\r\nz\r\nEND\r\n" },
	};

	CONVERSE(steps);
}

Test(proto, storage_wrong_token_count)
{
	expect("set k 0 0", "ERROR\r\n");
	cr_assert_str_eq(ctx.verb, "unknown");
	expect("set k 0 0 1 noreply extra", "ERROR\r\n");
	expect("set", "ERROR\r\n");
}

Test(proto, key_length_limit)
{
	char line[400];

	snprintf(line, sizeof(line), "set %s 0 0 1", key_of(250));
	store(line, "x", "STORED\r\n");
	snprintf(line, sizeof(line), "get %s", key_of(250));
	char want[400];

	snprintf(want, sizeof(want), "VALUE %s 0 1\r\nx\r\nEND\r\n", key_of(250));
	expect(line, want);
	snprintf(line, sizeof(line), "set %s 0 0 1", key_of(251));
	expect(line, "CLIENT_ERROR bad command line format\r\n");
	cr_assert_null(pending.item);
	snprintf(line, sizeof(line), "get %s", key_of(251));
	expect(line, "CLIENT_ERROR bad command line format\r\n");
	snprintf(line, sizeof(line), "delete %s", key_of(251));
	expect(line, "CLIENT_ERROR bad command line format\r\n");
	snprintf(line, sizeof(line), "incr %s 1", key_of(251));
	expect(line, "CLIENT_ERROR bad command line format\r\n");
	snprintf(line, sizeof(line), "touch %s 1", key_of(251));
	expect(line, "CLIENT_ERROR bad command line format\r\n");
	snprintf(line, sizeof(line), "gat 0 %s", key_of(251));
	expect(line, "CLIENT_ERROR bad command line format\r\n");
}

Test(proto, item_size_limit)
{
	char line[100];

	/* memcached counts its item header (48), cas (8), the key and its nul and the
	 * value's "\r\n" against -I: with a 3-byte key, ITEM_MAX - 62 fits. */
	int max = ITEM_MAX - 62;

	snprintf(line, sizeof(line), "set big 0 0 %d", max);
	cr_assert_eq(run(line), PROTO_NREAD);
	cr_assert_eq(pending.vlen, (size_t)max + 2);
	storage_item_release(st, pending.item);
	pending.item = NULL;
	/* Flags other than 0 take 4 bytes more. */
	snprintf(line, sizeof(line), "set big 1 0 %d", max - 4);
	cr_assert_eq(run(line), PROTO_NREAD);
	storage_item_release(st, pending.item);
	pending.item = NULL;
	snprintf(line, sizeof(line), "set big 1 0 %d", max - 3);
	cr_assert_eq(run(line), PROTO_SWALLOW);
	expect_reply("SERVER_ERROR object too large for cache\r\n");

	store("set big 0 0 3", "old", "STORED\r\n");
	snprintf(line, sizeof(line), "set big 0 0 %d", max + 1);
	cr_assert_eq(run(line), PROTO_SWALLOW);
	cr_assert_null(pending.item);
	cr_assert_eq(pending.vlen, (size_t)max + 3);
	expect_reply("SERVER_ERROR object too large for cache\r\n");
	/* A failed set leaves no stale value behind. */
	expect("get big", "END\r\n");

	store("set big 0 0 3", "old", "STORED\r\n");
	snprintf(line, sizeof(line), "add big 0 0 %d noreply", ITEM_MAX + 1);
	cr_assert_eq(run(line), PROTO_SWALLOW);
	cr_assert_eq(pending.vlen, (size_t)ITEM_MAX + 3);
	expect_reply("");
	expect("get big", "VALUE big 0 3\r\nold\r\nEND\r\n");

	cr_assert_eq(run("set huge 0 0 2147483645"), PROTO_SWALLOW);
	cr_assert_eq(pending.vlen, (size_t)INT_MAX);
	expect_reply("SERVER_ERROR object too large for cache\r\n");
}

Test(proto, out_of_memory_swallows_the_value)
{
	struct storage *small = storage_create(4096, ITEM_MAX);

	cr_assert_not_null(small);
	ctx.storage = small;
	cr_assert_eq(run("set k 0 0 100000"), PROTO_SWALLOW);
	cr_assert_eq(pending.vlen, 100002);
	cr_assert_null(pending.item);
	expect_reply("SERVER_ERROR out of memory storing object\r\n");
	ctx.storage = st;
	storage_destroy(small);
}

Test(proto, bad_data_chunk)
{
	cr_assert_eq(run("set k 0 0 3"), PROTO_NREAD);
	feed("abcde", 5);
	expect_reply("CLIENT_ERROR bad data chunk\r\n");
	expect("get k", "END\r\n");
	cr_assert_eq(run("set k 0 0 3"), PROTO_NREAD);
	feed("abc\n\n", 5);
	expect_reply("CLIENT_ERROR bad data chunk\r\n");
	cr_assert_eq(run("set k 0 0 3 noreply"), PROTO_NREAD);
	feed("abc\r\r", 5);
	expect_reply("");
	expect("get k", "END\r\n");
}

Test(proto, negative_exptime_is_expired_at_once)
{
	store("set k 0 -1 1", "x", "STORED\r\n");
	expect("get k", "END\r\n");
	cr_assert_eq(ts.get_misses, 1);
}

Test(proto, expiry_with_the_clock)
{
	store("set k 0 10 1", "x", "STORED\r\n");
	store("set forever 0 0 1", "y", "STORED\r\n");
	clock_advance(9);
	expect("get k", "VALUE k 0 1\r\nx\r\nEND\r\n");
	clock_advance(2);
	expect("get k forever", "VALUE forever 0 1\r\ny\r\nEND\r\n");
	cr_assert_eq(ts.get_misses, 1);
	cr_assert_eq(ts.get_expired, 1);
	cr_assert_eq(ts.get_hits, 2);
}

/* get, gets, gat, gats */

Test(proto, get_many_keys_with_misses)
{
	store("set a 1 0 1", "A", "STORED\r\n");
	store("set c 3 0 2", "CC", "STORED\r\n");
	expect("get a b c d", "VALUE a 1 1\r\nA\r\nVALUE c 3 2\r\nCC\r\nEND\r\n");
	cr_assert_eq(ctx.nkeys, 4);
	cr_assert_eq(ts.cmd_get, 4);
	cr_assert_eq(ts.get_hits, 2);
	cr_assert_eq(ts.get_misses, 2);
	expect("get nothing", "END\r\n");
	expect("get a a", "VALUE a 1 1\r\nA\r\nVALUE a 1 1\r\nA\r\n" "END\r\n");
}

Test(proto, get_many_keys)
{
	char line[8000];
	size_t n = 0;

	store("set k7 0 0 1", "7", "STORED\r\n");
	n += (size_t)snprintf(line, sizeof(line), "get");
	for (int i = 0; i < 500; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " k%d", i);
	expect(line, "VALUE k7 0 1\r\n7\r\nEND\r\n");
	cr_assert_eq(ctx.nkeys, 500);
	cr_assert_eq(ts.get_misses, 499);
}

Test(proto, get_without_key)
{
	expect("get", "ERROR\r\n");
	expect("gets", "ERROR\r\n");
	expect("get ", "ERROR\r\n");
	expect("gat", "ERROR\r\n");
	expect("gats", "ERROR\r\n");
	/* An exptime and no key is a get of nothing to memcached. */
	expect("gat 10", "END\r\n");
	expect("gats 1 ", "END\r\n");
	expect("gat x", "CLIENT_ERROR invalid exptime argument\r\n");
}

Test(proto, get_bad_key_drops_every_reply_not_sent)
{
	char line[400];

	store("set a 0 0 1", "A", "STORED\r\n");
	expect("version", "VERSION " PROTO_MEMCACHED_VERSION "\r\n");
	/* A reply held from an earlier pipelined command goes too, as in memcached. */
	cr_assert_eq(run("delete nope"), PROTO_WRITE);
	snprintf(line, sizeof(line), "get a %s a", key_of(251));
	cr_assert_eq(run(line), PROTO_WRITE);
	expect_reply("CLIENT_ERROR bad command line format\r\n");
	store("set b 0 0 1", "B", "STORED\r\n");
	struct item *it = storage_get(st, "a", 1, clock_now(), NULL);
	/* The reference the dropped VALUE took was given back. */
	cr_assert_eq(it->refcount, 2);
	storage_item_release(st, it);
}

Test(proto, gets_returns_cas)
{
	char want[100];

	store("set a 0 0 1", "A", "STORED\r\n");
	store("set b 9 0 2", "BB", "STORED\r\n");
	struct item *a = storage_get(st, "a", 1, clock_now(), NULL);
	struct item *b = storage_get(st, "b", 1, clock_now(), NULL);

	snprintf(want, sizeof(want), "VALUE a 0 1 %llu\r\nA\r\nVALUE b 9 2 %llu\r\nBB\r\nEND\r\n",
		 (unsigned long long)a->cas, (unsigned long long)b->cas);
	cr_assert_neq(a->cas, b->cas);
	storage_item_release(st, a);
	storage_item_release(st, b);
	expect("gets a x b", want);
	cr_assert_str_eq(ctx.verb, "gets");
	cr_assert_eq(ctx.nkeys, 3);
}

Test(proto, gat_touches)
{
	store("set k 0 10 1", "x", "STORED\r\n");
	expect("gat 100 k missing", "VALUE k 0 1\r\nx\r\nEND\r\n");
	cr_assert_str_eq(ctx.verb, "gat");
	cr_assert_eq(ctx.nkeys, 2);
	cr_assert_eq(ts.cmd_touch, 2);
	cr_assert_eq(ts.touch_hits, 1);
	cr_assert_eq(ts.touch_misses, 1);
	cr_assert_eq(ts.get_hits, 1);
	cr_assert_eq(ts.get_misses, 1);
	cr_assert_eq(ts.cmd_get, 2);
	clock_advance(50);
	expect("get k", "VALUE k 0 1\r\nx\r\nEND\r\n");
	clock_advance(51);
	expect("get k", "END\r\n");
}

Test(proto, gats_returns_cas)
{
	char want[100];

	store("set k 2 0 1", "x", "STORED\r\n");
	unsigned long long cas = cas_of("k");

	snprintf(want, sizeof(want), "VALUE k 2 1 %llu\r\nx\r\nEND\r\n", cas);
	expect("gats 1 k", want);
	cr_assert_str_eq(ctx.verb, "gats");
	clock_advance(2);
	expect("gats 0 k", "END\r\n");
	cr_assert_eq(ts.get_expired, 1);
}

Test(proto, gat_bad_exptime)
{
	expect("gat abc k", "CLIENT_ERROR invalid exptime argument\r\n");
	expect("gats 1x k", "CLIENT_ERROR invalid exptime argument\r\n");
}

/* delete */

Test(proto, delete)
{
	store("set k 0 0 1", "x", "STORED\r\n");
	expect("delete k", "DELETED\r\n");
	cr_assert_str_eq(ctx.verb, "delete");
	cr_assert_eq(ctx.nkeys, 1);
	expect("delete k", "NOT_FOUND\r\n");
	expect("get k", "END\r\n");
	cr_assert_eq(ts.delete_hits, 1);
	cr_assert_eq(ts.delete_misses, 1);
}

Test(proto, delete_old_forms_and_noreply)
{
	store("set k 0 0 1", "x", "STORED\r\n");
	expect("delete k 0", "DELETED\r\n");
	store("set k 0 0 1", "x", "STORED\r\n");
	expect("delete k noreply", "");
	expect("get k", "END\r\n");
	store("set k 0 0 1", "x", "STORED\r\n");
	expect("delete k 0 noreply", "");
	expect("get k", "END\r\n");
	expect("delete k noreply", "");
	cr_assert_eq(ts.delete_hits, 3);
}

Test(proto, delete_usage)
{
	static const char usage[] =
		"CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n";

	store("set k 0 0 1", "x", "STORED\r\n");
	expect("delete k 10", usage);
	expect("delete k foo", usage);
	expect("delete k 0 foo", usage);
	expect("delete k 1 noreply", "");
	expect("delete", "ERROR\r\n");
	/* A lone "noreply" is the key. */
	expect("delete noreply", "NOT_FOUND\r\n");
	expect("delete k 0 noreply x", "ERROR\r\n");
	expect("get k", "VALUE k 0 1\r\nx\r\nEND\r\n");
}

/* incr, decr */

Test(proto, incr_decr)
{
	store("set n 0 0 2", "10", "STORED\r\n");
	expect("incr n 5", "15\r\n");
	cr_assert_str_eq(ctx.verb, "incr");
	expect("decr n 3", "12\r\n");
	cr_assert_str_eq(ctx.verb, "decr");
	expect("decr n 100", "0\r\n");
	expect("incr n 18446744073709551615", "18446744073709551615\r\n");
	expect("get n", "VALUE n 0 20\r\n18446744073709551615\r\nEND\r\n");
	expect("incr missing 1", "NOT_FOUND\r\n");
	expect("decr missing 1", "NOT_FOUND\r\n");
	cr_assert_eq(ts.incr_hits, 2);
	cr_assert_eq(ts.decr_hits, 2);
	cr_assert_eq(ts.incr_misses, 1);
	cr_assert_eq(ts.decr_misses, 1);
}

/* memcached reads the value and the delta with strtoull and rewrites the value in place. */
Test(proto, incr_decr_as_memcached)
{
	static const struct step steps[] = {
		{ "set n 0 0 3", " 12", "STORED\r\n" },
		{ "incr n 1", NULL, "13\r\n" },
		{ "get n", NULL, "VALUE n 0 3\r\n13 \r\nEND\r\n" },
		{ "set d 0 0 3", "100", "STORED\r\n" },
		{ "decr d 1", NULL, "99\r\n" },
		{ "get d", NULL, "VALUE d 0 3\r\n99 \r\nEND\r\n" },
		{ "incr d +1", NULL, "100\r\n" },
		{ "incr d -0", NULL, "100\r\n" },
		{ "incr d 1\r", NULL, "101\r\n" },
		{ "incr missing 1\r", NULL, "NOT_FOUND\r\n" },
		{ "set w 0 0 20", "18446744073709551615", "STORED\r\n" },
		{ "incr w 1", NULL, "0\r\n" },
		{ "get w", NULL, "VALUE w 0 20\r\n0                   \r\nEND\r\n" },
	};

	CONVERSE(steps);
}

Test(proto, incr_errors)
{
	store("set s 0 0 3", "abc", "STORED\r\n");
	store("set n 0 0 1", "1", "STORED\r\n");
	expect("incr s 1", "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
	expect("decr s 1", "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
	expect("incr n abc", "CLIENT_ERROR invalid numeric delta argument\r\n");
	expect("incr n -1", "CLIENT_ERROR invalid numeric delta argument\r\n");
	expect("decr n 18446744073709551616", "CLIENT_ERROR invalid numeric delta argument\r\n");
	expect("incr n", "ERROR\r\n");
	expect("incr n 1 noreply x", "ERROR\r\n");
	expect("get n", "VALUE n 0 1\r\n1\r\nEND\r\n");
}

Test(proto, incr_noreply)
{
	store("set n 0 0 1", "1", "STORED\r\n");
	expect("incr n 1 noreply", "");
	expect("decr n 5 noreply", "");
	expect("incr n 41 noreply", "");
	expect("incr missing 1 noreply", "");
	expect("incr n x noreply", "");
	expect("get n", "VALUE n 0 2\r\n41\r\nEND\r\n");
}

/* touch */

Test(proto, touch)
{
	store("set k 0 0 1", "x", "STORED\r\n");
	expect("touch k 5", "TOUCHED\r\n");
	cr_assert_str_eq(ctx.verb, "touch");
	cr_assert_eq(ctx.nkeys, 1);
	expect("touch missing 5", "NOT_FOUND\r\n");
	cr_assert_eq(ts.cmd_touch, 2);
	cr_assert_eq(ts.touch_hits, 1);
	cr_assert_eq(ts.touch_misses, 1);
	clock_advance(6);
	expect("get k", "END\r\n");
}

Test(proto, touch_errors_and_noreply)
{
	store("set k 0 0 1", "x", "STORED\r\n");
	expect("touch k abc", "CLIENT_ERROR invalid exptime argument\r\n");
	expect("touch k", "ERROR\r\n");
	expect("touch k 1 noreply", "");
	expect("touch missing 1 noreply", "");
	clock_advance(2);
	expect("get k", "END\r\n");
}

/* flush_all */

Test(proto, flush_all_now)
{
	store("set a 0 0 1", "x", "STORED\r\n");
	store("set b 0 0 1", "y", "STORED\r\n");
	expect("flush_all", "OK\r\n");
	cr_assert_str_eq(ctx.verb, "flush_all");
	expect("get a b", "END\r\n");
	cr_assert_eq(ts.get_flushed, 2);
	store("set a 0 0 1", "z", "STORED\r\n");
	expect("get a", "VALUE a 0 1\r\nz\r\nEND\r\n");
	expect("flush_all 0", "OK\r\n");
	expect("get a", "END\r\n");
	cr_assert_eq(ts.cmd_flush, 2);
}

Test(proto, flush_all_delayed)
{
	store("set a 0 0 1", "x", "STORED\r\n");
	expect("flush_all 10", "OK\r\n");
	expect("get a", "VALUE a 0 1\r\nx\r\nEND\r\n");
	clock_advance(11);
	expect("get a", "END\r\n");
}

/* memcached's oldest_live is a second before the flush's time, and a flush that takes effect
 * at once takes a cas id. */
Test(proto, flush_all_as_memcached_times_it)
{
	store("set a 0 0 1", "x", "STORED\r\n");
	expect("flush_all 1", "OK\r\n");
	expect("get a", "END\r\n");
	/* Stored in that same second: flushed as well. */
	store("set a 0 0 1", "x", "STORED\r\n");
	expect("get a", "END\r\n");
	clock_advance(1);
	store("set a 0 0 1", "x", "STORED\r\n");
	uint64_t cas = cas_of("a");
	expect("flush_all", "OK\r\n");
	store("set a 0 0 1", "x", "STORED\r\n");
	cr_expect_eq(cas_of("a"), cas + 2);
	/* A time long past flushes nothing. */
	expect("flush_all 1000000000", "OK\r\n");
	expect("get a", "VALUE a 0 1\r\nx\r\nEND\r\n");
}

Test(proto, flush_all_noreply_and_errors)
{
	static const struct step steps[] = {
		{ "set a 0 0 1", "x", "STORED\r\n" },
		{ "flush_all noreply", NULL, "" },
		{ "get a", NULL, "END\r\n" },
		{ "set a 0 0 1", "x", "STORED\r\n" },
		{ "flush_all 0 noreply", NULL, "" },
		{ "get a", NULL, "END\r\n" },
		{ "flush_all abc", NULL, "CLIENT_ERROR invalid exptime argument\r\n" },
		{ "flush_all noreply x", NULL, "CLIENT_ERROR invalid exptime argument\r\n" },
		{ "flush_all 1 2 3", NULL, "ERROR\r\n" },
		/* A delay of 0 or less flushes now; memcached looks no further than the delay. */
		{ "set a 0 0 1", "x", "STORED\r\n" },
		{ "flush_all -1", NULL, "OK\r\n" },
		{ "get a", NULL, "END\r\n" },
		{ "set a 0 0 1", "x", "STORED\r\n" },
		{ "flush_all 0 0", NULL, "OK\r\n" },
		{ "get a", NULL, "END\r\n" },
		{ "set a 0 0 1", "x", "STORED\r\n" },
		{ "flush_all 5 x", NULL, "OK\r\n" },
		{ "get a", NULL, "VALUE a 0 1\r\nx\r\nEND\r\n" },
	};

	CONVERSE(steps);
	clock_advance(6);
	expect("get a", "END\r\n");
}

/* version, verbosity, quit, stats */

Test(proto, version)
{
	expect("version", "VERSION " PROTO_MEMCACHED_VERSION "\r\n");
	cr_assert_str_eq(ctx.verb, "version");
	cr_assert_eq(ctx.nkeys, 0);
	/* memcached looks at no argument. */
	expect("version x", "VERSION " PROTO_MEMCACHED_VERSION "\r\n");
}

Test(proto, verbosity)
{
	expect("verbosity 1", "OK\r\n");
	cr_assert_str_eq(ctx.verb, "verbosity");
	cr_assert_eq(log_verbosity, 1);
	expect("verbosity 0 noreply", "");
	cr_assert_eq(log_verbosity, 0);
	expect("verbosity", "ERROR\r\n");
	expect("verbosity x", "CLIENT_ERROR bad command line format\r\n");
	expect("verbosity noreply", "");
	expect("verbosity 1 2 3", "ERROR\r\n");
	cr_assert_eq(log_verbosity, 0);
}

Test(proto, verbosity_is_clamped)
{
	cr_redirect_stderr();
	expect("verbosity 99", "OK\r\n");
	cr_assert_eq(log_verbosity, 3);
	log_verbosity = 0;
}

Test(proto, quit)
{
	cr_assert_eq(run("quit"), PROTO_QUIT);
	cr_assert_str_eq(ctx.verb, "quit");
	cr_assert(resp_empty(&out));
	cr_assert_eq(run("quit now"), PROTO_QUIT);
}

Test(proto, stats)
{
	char *s;

	cr_assert_eq(run("stats"), PROTO_WRITE);
	cr_assert_str_eq(ctx.verb, "stats");
	s = take_reply();
	cr_assert(strncmp(s, "STAT ", 5) == 0, "%s", s);
	cr_assert(strlen(s) >= 5 && strcmp(s + strlen(s) - 5, "END\r\n") == 0, "%s", s);
	free(s);
}

Test(proto, stats_unknown_group)
{
	expect("version", "VERSION " PROTO_MEMCACHED_VERSION "\r\n");
	cr_assert_eq(run("version"), PROTO_WRITE);
	cr_assert_eq(run("stats bogus"), PROTO_WRITE);
	expect_reply("VERSION " PROTO_MEMCACHED_VERSION "\r\nERROR\r\n");
}

/* errors, HTTP */

Test(proto, unknown_and_empty)
{
	expect("bogus", "ERROR\r\n");
	cr_assert_str_eq(ctx.verb, "unknown");
	cr_assert_eq(ctx.nkeys, 0);
	expect("", "ERROR\r\n");
	expect("   ", "ERROR\r\n");
	expect("SET k 0 0 1", "ERROR\r\n");
	expect("gett k", "ERROR\r\n");
}

/* memcached reads a line as a C string. */
Test(proto, a_line_ends_at_a_nul)
{
	static const char set_line[] = "set a\0b 0 0 1";
	static const char get_line[] = "get a\0 b";

	cr_assert_eq(run_n(set_line, sizeof(set_line) - 1), PROTO_WRITE);
	expect_reply("ERROR\r\n");
	cr_assert_null(pending.item);
	store("set a 0 0 1", "x", "STORED\r\n");
	store("set b 0 0 1", "y", "STORED\r\n");
	cr_assert_eq(run_n(get_line, sizeof(get_line) - 1), PROTO_MWRITE);
	expect_reply("VALUE a 0 1\r\nx\r\nEND\r\n");
	/* Other control bytes are part of a word. */
	store("set a\t 0 0 1", "t", "STORED\r\n");
	expect("get a\t", "VALUE a\t 0 1\r\nt\r\nEND\r\n");
}

Test(proto, http_closes)
{
	static const char *const lines[] = {
		"GET / HTTP/1.1", "POST /x HTTP/1.0", "HEAD / HTTP/1.1",
		"DELETE /k HTTP/1.1", "OPTIONS * HTTP/1.1", "CONNECT host:80 HTTP/1.1",
		"PATCH / HTTP/1.1", "TRACE / HTTP/1.1", "BREW /pot HTTP/1.1", "xx HTTP/",
		"ww 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 HTTP/1.1 24",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		cr_assert_eq(run(lines[i]), PROTO_CLOSE, "%s", lines[i]);
		cr_assert(resp_empty(&out));
	}
	/* memcached looks at the last word, of the first 23. */
	expect("PUT /", "ERROR\r\n");
	expect("GET / HTTP/1.1 x", "ERROR\r\n");
	expect("ww 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 HTTP/1.1",
	       "ERROR\r\n");
	/* Not for verbs that start as one of its commands do, nor its meta commands. */
	expect("gx / HTTP/1.1", "ERROR\r\n");
	cr_assert_eq(run("Sx / HTTP/1.1"), PROTO_CLOSE);
	expect("mx HTTP/1.1", "ERROR\r\n");
	/* Lowercase is memcached's own get. */
	expect("get / HTTP/1.1", "END\r\n");
}

Test(proto, noreply_is_not_for_get)
{
	store("set noreply 0 0 1", "n", "STORED\r\n");
	expect("get noreply", "VALUE noreply 0 1\r\nn\r\nEND\r\n");
}

/* -vv tracing */

Test(proto, trace_at_vv)
{
	cr_redirect_stderr();
	log_verbosity = 2;
	store("set k 0 0 1", "x", "STORED\r\n");
	expect("get k", "VALUE k 0 1\r\nx\r\nEND\r\n");
	expect("delete k noreply", "");
	expect("bogus", "ERROR\r\n");
	log_verbosity = 0;
	fflush(stderr);
	cr_assert_stderr_eq_str("<7 set k 0 0 1\n"
				">7 STORED\n"
				"<7 get k\n"
				">7 sending key k\n"
				">7 END\n"
				"<7 delete k noreply\n"
				">7 NOREPLY DELETED\n"
				"<7 bogus\n"
				">7 ERROR\n");
}
