#include <stdlib.h>
#include <string.h>

#include "diff_gen.h"
#include "diff_wire.h"

#define NTOK 12

/* Numbers that parsers get wrong: signs, zeros, the edges of 32 and 64 bits. */
static const char *const odd_numbers[] = {
	"0", "-0", "+0", "00", "-1", "+1", "007", "1e3", "0x10", "12abc", "", "-",
	"2147483647", "2147483648", "-2147483648", "-2147483649",
	"4294967295", "4294967296", "4294967297",
	"9223372036854775807", "9223372036854775808", "-9223372036854775808",
	"-9223372036854775809", "18446744073709551615", "18446744073709551616",
	"99999999999999999999999",
};

/* Expiry times whose meaning cannot change while a stream runs: never, already
 * gone, or too far off to arrive (see racy_time). */
static const char *const exptimes[] = {
	"0", "-1", "-100", "100000", "2592000", "2592001", "1000000000", "2000000000",
};

/* Values that incr and decr find interesting. */
static const char *const numeric_values[] = {
	"0", "1", "9", "10", "99", "00012", " 12", "12 ", "12\r", "-1", "+1", "abc", "",
	"4294967295", "4294967296", "18446744073709551614", "18446744073709551615",
	"18446744073709551616", "1 2",
};

enum verb_kind { V_STORE, V_CAS, V_GET, V_GAT, V_DELETE, V_DELTA, V_TOUCH, V_FLUSH,
		 V_VERSION, V_VERBOSITY, V_QUIT, V_GARBAGE };

static const struct {
	const char *verb;
	enum verb_kind kind;
	unsigned weight;
} verbs[] = {
	{ "set", V_STORE, 14 }, { "add", V_STORE, 4 }, { "replace", V_STORE, 4 },
	{ "append", V_STORE, 4 }, { "prepend", V_STORE, 4 }, { "cas", V_CAS, 6 },
	{ "get", V_GET, 12 }, { "gets", V_GET, 8 }, { "gat", V_GAT, 5 }, { "gats", V_GAT, 4 },
	{ "delete", V_DELETE, 6 }, { "incr", V_DELTA, 7 }, { "decr", V_DELTA, 5 },
	{ "touch", V_TOUCH, 5 }, { "flush_all", V_FLUSH, 2 }, { "version", V_VERSION, 2 },
	{ "verbosity", V_VERBOSITY, 2 }, { "quit", V_QUIT, 1 }, { "", V_GARBAGE, 3 },
};

/* A command line being built, token by token. */
struct cmdline {
	struct bytes tok[NTOK];
	size_t n;
	enum verb_kind kind;
	bool has_data;
	size_t len_tok;         /* the length token's index, for storage commands */
};

/* splitmix64: a good 64-bit mix of the state. */
static uint64_t mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n). */
static unsigned long rnd(struct gen *g, unsigned long n)
{
	return n ? (unsigned long)(mix(&g->rng) % n) : 0;
}

/* True with probability percent/100. */
static bool chance(struct gen *g, unsigned percent)
{
	return rnd(g, 100) < percent;
}

#define PICK(g, a) ((a)[rnd((g), sizeof(a) / sizeof((a)[0]))])

/* Seeds g for stream index of the run with seed; cas is the servers' latest cas unique. */
void gen_init(struct gen *g, uint64_t seed, unsigned long index, uint64_t cas,
	      const struct allow *allow)
{
	uint64_t s = seed ^ (0x5851f42d4c957f2dULL * (index + 1));

	g->rng = mix(&s);
	g->cas = cas;
	g->allow = allow;
	g->udp = false;
	snprintf(g->prefix, sizeof(g->prefix), "s%lu_", index);
}

/* True when stream index of the run goes over UDP. */
bool gen_is_udp(uint64_t seed, unsigned long index)
{
	uint64_t s = seed ^ (0x2545f4914f6cdd1dULL * (index + 1));

	return mix(&s) % 5 == 0;
}

/* Starts a new token. */
static struct bytes *tok_new(struct cmdline *c)
{
	if (c->n == NTOK)
		return &c->tok[NTOK - 1];
	bytes_reset(&c->tok[c->n]);
	return &c->tok[c->n++];
}

/* Adds a token. */
static void tok_add(struct cmdline *c, const char *s)
{
	bytes_adds(tok_new(c), s);
}

/* Adds a key: usually one of a few of this stream's, so commands meet; sometimes an odd one. */
static void put_key(struct gen *g, struct cmdline *c)
{
	static const char *const names[] = { "a", "b", "c", "n", "m" };
	struct bytes *t = tok_new(c);
	size_t len;

	bytes_adds(t, g->prefix);
	if (!chance(g, 12)) {
		bytes_adds(t, PICK(g, names));
		return;
	}
	switch (rnd(g, 7)) {
	case 0: /* the longest key and one byte more */
	case 1:
		len = 250 + rnd(g, 2) - strlen(g->prefix);
		for (size_t i = 0; i < len; i++)
			bytes_addc(t, (char)('a' + i % 26));
		break;
	case 2:
		bytes_adds(t, "a");
		bytes_addc(t, '\0');
		bytes_adds(t, "b");
		break;
	case 3:
		bytes_adds(t, "a");
		bytes_addc(t, (char)PICK(g, "\x01\t\x7f\x80\xff\x0b\x0c"));
		break;
	case 4: /* no key at all */
		bytes_reset(t);
		break;
	case 5:
		bytes_adds(t, "A");
		break;
	default:
		for (size_t i = 0, n = 1 + rnd(g, 8); i < n; i++)
			bytes_addc(t, (char)(0x21 + rnd(g, 94)));
		break;
	}
}

/* Adds a number token: mostly the given one, sometimes an odd one. */
static void put_num(struct gen *g, struct cmdline *c, const char *usual, unsigned odd_percent)
{
	tok_add(c, chance(g, odd_percent) ? PICK(g, odd_numbers) : usual);
}

/* Adds an expiry time. */
static void put_exptime(struct gen *g, struct cmdline *c)
{
	if (chance(g, 70))
		tok_add(c, "0");
	else
		put_num(g, c, PICK(g, exptimes), 25);
}

/* Adds a decimal token. */
static void put_u64(struct cmdline *c, uint64_t v)
{
	bytes_addf(tok_new(c), "%llu", (unsigned long long)v);
}

/* Makes a value of the chosen kind into data. */
static void make_value(struct gen *g, struct bytes *data)
{
	unsigned long r = rnd(g, 100);
	size_t len;

	bytes_reset(data);
	if (r < 35) {
		bytes_adds(data, PICK(g, numeric_values));
		return;
	}
	if (r < 85 || g->udp)
		len = rnd(g, 40);
	else if (r < 99)
		len = 1000 + rnd(g, 3000);
	else
		/* Around -I: what counts towards the limit. */
		len = GEN_ITEM_MAX_KB * 1024 - 400 + rnd(g, 420);
	for (size_t i = 0; i < len; i++)
		bytes_addc(data, (char)("abcxyz0123456789"[rnd(g, 16)]));
	if (chance(g, 5)) {
		if (chance(g, 50))
			bytes_add(data, "\0\r\n", 3);
		else
			bytes_adds(data, "\r\nget x\r\n");
	}
}

/* The end of a command line. */
static const char *line_end(struct gen *g)
{
	unsigned long r = rnd(g, 100);

	if (r < 90)
		return "\r\n";
	if (r < 96)
		return "\n";
	if (r < 98)
		return "\r\r\n";
	return "\r";
}

/* Fills c with a command of the kind and its data; returns the data. */
static void make_command(struct gen *g, struct cmdline *c, struct bytes *data)
{
	unsigned total = 0, pick;
	size_t v = 0;

	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		total += verbs[i].weight;
	pick = (unsigned)rnd(g, total);
	while (pick >= verbs[v].weight)
		pick -= verbs[v++].weight;
	c->n = 0;
	c->kind = verbs[v].kind;
	c->has_data = false;
	bytes_reset(data);
	if (c->kind != V_GARBAGE)
		tok_add(c, verbs[v].verb);
	switch (c->kind) {
	case V_STORE:
	case V_CAS:
		put_key(g, c);
		put_num(g, c, chance(g, 80) ? "0" : "4294967295", 5);
		put_exptime(g, c);
		make_value(g, data);
		c->len_tok = c->n;
		c->has_data = true;
		put_u64(c, data->n);
		if (c->kind == V_CAS) {
			if (chance(g, 85))
				put_u64(c, g->cas + rnd(g, 10));
			else
				put_num(g, c, "0", 60);
		}
		break;
	case V_GAT:
		put_exptime(g, c);
		/* fall through */
	case V_GET:
		for (size_t i = 0, n = chance(g, 80) ? 1 : 1 + rnd(g, 4); i < n; i++)
			put_key(g, c);
		break;
	case V_DELETE:
		put_key(g, c);
		if (chance(g, 10))
			tok_add(c, chance(g, 70) ? "0" : "1");
		break;
	case V_DELTA:
		put_key(g, c);
		put_num(g, c, chance(g, 80) ? "1" : "18446744073709551615", 25);
		break;
	case V_TOUCH:
		put_key(g, c);
		put_exptime(g, c);
		break;
	case V_FLUSH:
		if (chance(g, 60))
			put_num(g, c, PICK(g, exptimes), 30);
		break;
	case V_VERBOSITY:
		if (chance(g, 90))
			put_num(g, c, chance(g, 50) ? "0" : "1", 30);
		break;
	case V_VERSION:
	case V_QUIT:
		break;
	case V_GARBAGE:
		switch (rnd(g, 4)) {
		case 0: tok_add(c, ""); break;
		case 1: tok_add(c, "GET"); break;
		case 2: tok_add(c, "foo"); tok_add(c, "bar"); break;
		default:
			for (size_t i = 0, n = rnd(g, 12); i < n; i++)
				bytes_addc(tok_new(c), (char)rnd(g, 256));
		}
		break;
	}
	if (c->kind != V_GARBAGE && c->kind != V_GET && c->kind != V_GAT && chance(g, 20))
		tok_add(c, "noreply");
}

/* Damages the command: a missing or extra argument, an odd number, a bad length. */
static void mutate_tokens(struct gen *g, struct cmdline *c, size_t data_len)
{
	if (c->n > 1 && chance(g, 4)) {
		size_t i = 1 + rnd(g, c->n - 1);

		bytes_free(&c->tok[i]);
		memmove(&c->tok[i], &c->tok[i + 1], (c->n - i - 1) * sizeof(c->tok[0]));
		c->tok[--c->n] = (struct bytes){ 0 };
		if (i <= c->len_tok)
			c->len_tok = 0;
	}
	if (chance(g, 4))
		tok_add(c, chance(g, 50) ? "noreply" : PICK(g, odd_numbers));
	if (c->n > 1 && chance(g, 6)) {
		struct bytes *t = &c->tok[1 + rnd(g, c->n - 1)];

		bytes_reset(t);
		bytes_adds(t, PICK(g, odd_numbers));
	}
	if (c->has_data && c->len_tok && chance(g, 8)) {
		struct bytes *t = &c->tok[c->len_tok];
		long n = (long)data_len + (long)rnd(g, 5) - 2;

		bytes_reset(t);
		bytes_addf(t, chance(g, 20) ? "+%ld" : "%ld", n);
	}
}

/* Joins the tokens with spaces, sometimes more of them or other bytes. */
static void join(struct gen *g, const struct cmdline *c, struct bytes *line)
{
	bool odd = chance(g, 10);

	if (odd && chance(g, 30))
		bytes_add(line, "   ", 1 + rnd(g, 3));
	for (size_t i = 0; i < c->n; i++) {
		if (i > 0)
			bytes_add(line, odd && chance(g, 30) ? "\t " : "  ", odd && chance(g, 30) ? 2 : 1);
		bytes_add(line, c->tok[i].p, c->tok[i].n);
	}
	if (odd && chance(g, 30))
		bytes_add(line, "    ", 1 + rnd(g, 4));
	/* A long line: near memcached's 2048-byte limit, or well past it. */
	if (chance(g, 2)) {
		size_t to = chance(g, 50) ? 2040 + rnd(g, 20) : 2048 + rnd(g, 3000);

		while (line->n < to)
			bytes_addc(line, chance(g, 90) ? ' ' : 'k');
	}
	if (chance(g, 3)) {
		size_t at = rnd(g, line->n + 1);
		char b = (char)PICK(g, "\0\x01\r\t\x7f\xff ");

		bytes_addc(line, 0);
		memmove(line->p + at + 1, line->p + at, line->n - at - 1);
		line->p[at] = b;
	}
}

/* Leading digits of s as strtoll reads them, or false when there are none. */
static bool leading_number(const char *s, size_t n, long long *v)
{
	char buf[32];
	char *end;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*v = strtoll(buf, &end, 10);
	return end != buf;
}

/* True when the time would arrive while the run goes on, so that the two
 * servers could see it before and after: a short relative time, an absolute
 * one near now, a flush delay of any length we could live to see. */
static bool racy_time(long long v, bool flush)
{
	long long low = (int32_t)(uint32_t)v;  /* what a 32-bit reader makes of it */

	for (int i = 0; i < 2; i++, v = low) {
		if (v >= 1 && v <= (flush ? 1000000 : 600))
			return true;
		if (v >= 1700000000LL && v <= 1900000000LL)
			return true;
	}
	return false;
}

/* True when a time on the line, as either server may read it, is racy. */
static bool line_is_racy(const char *p, size_t n)
{
	const char *tok[8];
	size_t len[8], ntok = 0, i = 0;
	int at = -1, at2 = -1;
	bool flush = false;

	while (i < n && ntok < 8) {
		while (i < n && p[i] == ' ')
			i++;
		if (i == n)
			break;
		tok[ntok] = p + i;
		while (i < n && p[i] != ' ')
			i++;
		len[ntok] = (size_t)(p + i - tok[ntok]);
		ntok++;
	}
	if (ntok == 0)
		return false;
#define IS(s) (len[0] == strlen(s) && memcmp(tok[0], s, len[0]) == 0)
	if (IS("set") || IS("add") || IS("replace") || IS("append") || IS("prepend") || IS("cas"))
		at = 3;
	else if (IS("touch"))
		at = 2;
	else if (IS("gat") || IS("gats"))
		at = 1;
	else if (IS("flush_all"))
		at = 1, at2 = 2, flush = true;
#undef IS
	for (int k = 0; k < 2; k++) {
		int j = k ? at2 : at;
		long long v;

		if (j > 0 && (size_t)j < ntok && leading_number(tok[j], len[j], &v) &&
		    racy_time(v, flush))
			return true;
	}
	return false;
}

/* True when either server would read the line in a way we must not send: a
 * racy time, or a verb the allowlist keeps out. */
static bool unsendable(const struct gen *g, const struct bytes *line)
{
	size_t upto_nul = line->n ? strnlen(line->p, line->n) : 0;

	return line_is_racy(line->p, line->n) || line_is_racy(line->p, upto_nul) ||
	       allow_skips(g->allow, line->p, line->n);
}

/* Appends one command, its line end and its data to out. */
static void put_command(struct gen *g, struct bytes *out)
{
	struct cmdline c = { 0 };
	struct bytes line = { 0 }, data = { 0 };

	for (int tries = 0;; tries++) {
		bytes_reset(&line);
		make_command(g, &c, &data);
		mutate_tokens(g, &c, data.n);
		join(g, &c, &line);
		if (!unsendable(g, &line))
			break;
		if (tries == 20) {
			bytes_reset(&line);
			bytes_adds(&line, "version");
			c.has_data = false;
			break;
		}
	}
	bytes_add(out, line.p, line.n);
	bytes_adds(out, line_end(g));
	if (c.has_data) {
		unsigned long r = rnd(g, 100);

		bytes_add(out, data.p, data.n);
		/* The data's end: right, missing, or wrong. */
		bytes_adds(out, r < 92 ? "\r\n" : r < 95 ? "\n" : r < 97 ? "" : r < 99 ? "\r\r\n" : "xx");
	}
	for (size_t i = 0; i < NTOK; i++)
		bytes_free(&c.tok[i]);
	bytes_free(&line);
	bytes_free(&data);
}

/* A TCP stream: pipelined commands, their data, odd bytes. */
void gen_tcp_stream(struct gen *g, struct bytes *out)
{
	size_t n = 1 + rnd(g, chance(g, 20) ? 60 : 12);

	g->udp = false;
	for (size_t i = 0; i < n; i++)
		put_command(g, out);
}

/* Writes a frame header. */
static void put_header(struct bytes *d, unsigned id, unsigned seq, unsigned total, unsigned rsv)
{
	unsigned char h[8] = { (unsigned char)(id >> 8), (unsigned char)id,
			       (unsigned char)(seq >> 8), (unsigned char)seq,
			       (unsigned char)(total >> 8), (unsigned char)total,
			       (unsigned char)(rsv >> 8), (unsigned char)rsv };

	bytes_add(d, h, sizeof(h));
}

/* Datagrams with the 8-byte frame header, odd ones among them; returns their count. */
size_t gen_udp_stream(struct gen *g, struct bytes *dgrams, size_t max)
{
	size_t n = 1 + rnd(g, max < 5 ? max : 5);

	g->udp = true;
	for (size_t i = 0; i < n; i++) {
		struct bytes *d = &dgrams[i];
		unsigned id = (unsigned)rnd(g, 65536), seq = 0, total = 1, rsv = 0;
		unsigned long r = rnd(g, 100);

		if (id == WIRE_UDP_SENTINEL)
			id++;
		bytes_reset(d);
		if (r < 3) {
			/* Shorter than a frame header. */
			for (size_t k = 0, len = rnd(g, 8); k < len; k++)
				bytes_addc(d, (char)rnd(g, 256));
			continue;
		}
		if (r < 6)
			total = 0;
		else if (r < 10)
			total = 2 + (unsigned)rnd(g, 3);
		else if (r < 13)
			seq = 1;
		else if (r < 16)
			rsv = 1 + (unsigned)rnd(g, 65535);
		put_header(d, id, seq, total, rsv);
		if (r >= 16 && r < 18)
			continue;  /* a header and nothing else */
		for (size_t k = 0, cmds = 1 + rnd(g, chance(g, 70) ? 1 : 3); k < cmds; k++)
			put_command(g, d);
		/* Cut short: a set whose value stops in the middle. */
		if (r >= 18 && r < 20 && d->n > 9)
			d->n -= 1 + rnd(g, d->n - 9);
	}
	return n;
}
