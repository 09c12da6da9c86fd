#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "number.h"
#include "proto_text.h"
#include "resp.h"
#include "stats.h"
#include "storage.h"

/* Tokens kept by position, as many as memcached's tokenizer keeps in one pass: its
 * HTTP check reads the last of them. get-like commands walk their keys on the line. */
#define MAX_TOKENS 23
#define VERBOSITY_MAX 3

#define BAD_FORMAT "CLIENT_ERROR bad command line format"
#define BAD_EXPTIME "CLIENT_ERROR invalid exptime argument"

/* get-like command variants, in struct command's arg. */
#define GET_CAS 1
#define GET_TOUCH 2

/* Writes "stats" replies (stats_write.c's, set by the server). */
static int (*stats_writer)(struct resp *out, const char *args, struct storage *storage);

/* Counts into the worker's stats, when there are any to count into. */
#define COUNT(ctx, field)                               \
	do {                                            \
		if ((ctx)->stats != NULL)               \
			STATS_INCR((ctx)->stats, field); \
	} while (0)

struct token {
	char *s;
	size_t n;
};

struct command;

/* One command line being run. */
struct cmd {
	struct proto_ctx *ctx;
	struct resp *out;
	struct proto_pending *pending;
	const struct command *def;
	char *end;                   /* end of the line */
	struct token tok[MAX_TOKENS];
	size_t ntok;                 /* tokens on the line, counting past MAX_TOKENS */
	bool noreply;
};

struct command {
	const char *verb;
	enum proto_action (*run)(struct cmd *c);
	size_t min_tokens;           /* verb included */
	size_t max_tokens;           /* verb included; 0 for no limit */
	bool noreply;                /* "noreply" may end the line */
	int arg;                     /* the handler's variant */
};

/* Finds the next space-separated token from *p on; false at the end of the line. */
static bool next_token(char **p, char *end, struct token *t)
{
	char *s = *p;
	char *e;

	while (s < end && *s == ' ')
		s++;
	if (s == end) {
		*p = s;
		return false;
	}
	e = memchr(s, ' ', (size_t)(end - s));
	if (e == NULL)
		e = end;
	t->s = s;
	t->n = (size_t)(e - s);
	*p = e;
	return true;
}

/* Splits the line into tokens, keeping the first MAX_TOKENS. */
static void tokenize(struct cmd *c, char *line)
{
	char *p = line;
	struct token t;

	c->ntok = 0;
	while (next_token(&p, c->end, &t)) {
		if (c->ntok < MAX_TOKENS)
			c->tok[c->ntok] = t;
		c->ntok++;
	}
}

/* True when the token is exactly s. */
static bool token_is(const struct token *t, const char *s)
{
	return t->n == strlen(s) && memcmp(t->s, s, t->n) == 0;
}

/* Parses a token as memcached's safe_strtoull. */
static bool parse_u64(const struct token *t, uint64_t *v)
{
	return number_u64(t->s, t->n, v);
}

/* Parses a token as memcached's safe_strtoul into 32 bits (flags, verbosity). */
static bool parse_u32(const struct token *t, uint32_t *v)
{
	return number_u32(t->s, t->n, v);
}

/* Parses a token as memcached's safe_strtol into 32 bits (times and lengths). */
static bool parse_i32(const struct token *t, int32_t *v)
{
	return number_i32(t->s, t->n, v);
}

/* Queues a one-line reply unless noreply; -1 when out of memory. */
static int queue_line(struct proto_ctx *ctx, struct resp *out, bool noreply, const char *s)
{
	if (noreply) {
		log_verbose(2, ">%d NOREPLY %s\n", ctx->fd, s);
		return 0;
	}
	log_verbose(2, ">%d %s\n", ctx->fd, s);
	return resp_printf(out, "%s\r\n", s);
}

/* Answers the command with one line. */
static enum proto_action reply(struct cmd *c, const char *s)
{
	/* A reply that can't be queued would leave the client waiting forever. */
	if (queue_line(c->ctx, c->out, c->noreply, s) < 0)
		return PROTO_CLOSE;
	return PROTO_WRITE;
}

/* True for a key the protocol accepts. */
static bool key_ok(const struct token *t)
{
	return t->n > 0 && t->n <= KEY_MAX_LENGTH;
}

/* Queues "VALUE ..." and the item's value; the item's reference goes with it. */
static int queue_value(struct cmd *c, const struct token *key, struct item *it, bool cas)
{
	int rc;

	if (cas)
		rc = resp_printf(c->out, "VALUE %.*s %" PRIu32 " %" PRIu32 " %" PRIu64 "\r\n",
				 (int)key->n, key->s, it->flags, it->nbytes - 2, it->cas);
	else
		rc = resp_printf(c->out, "VALUE %.*s %" PRIu32 " %" PRIu32 "\r\n",
				 (int)key->n, key->s, it->flags, it->nbytes - 2);
	if (rc < 0) {
		storage_item_release(c->ctx->storage, it);
		return -1;
	}
	log_verbose(2, ">%d sending key %.*s\n", c->ctx->fd, (int)key->n, key->s);
	return resp_add_item(c->out, it);
}

/* Counts a get miss by its reason. */
static void count_miss(struct proto_ctx *ctx, enum storage_miss miss)
{
	COUNT(ctx, get_misses);
	if (miss == STORAGE_EXPIRED)
		COUNT(ctx, get_expired);
	else if (miss == STORAGE_FLUSHED)
		COUNT(ctx, get_flushed);
}

/* get, gets, gat, gats: a VALUE block per hit, then END. */
static enum proto_action cmd_get(struct cmd *c)
{
	struct proto_ctx *ctx = c->ctx;
	bool cas = c->def->arg & GET_CAS;
	bool touch = c->def->arg & GET_TOUCH;
	rel_time_t now = clock_now();
	rel_time_t exptime = 0;
	const struct token *before = &c->tok[0];
	char *p;
	struct token key;
	bool first = true;

	if (touch) {
		int32_t e;

		if (!parse_i32(&c->tok[1], &e))
			return reply(c, BAD_EXPTIME);
		exptime = clock_realtime(e);
		/* "gat <exptime>" with no key at all is a get of nothing: END. */
		before = &c->tok[1];
	}
	p = before->s + before->n;
	while (next_token(&p, c->end, &key)) {
		enum storage_miss miss = STORAGE_MISS;
		struct item *it;

		/* Each key after the first is a response of its own to memcached. */
		if (!first && resp_start(c->out) < 0)
			goto nomem;
		first = false;
		before = &key;

		if (!key_ok(&key)) {
			/* The whole command fails, and memcached drops every reply it has not
			 * sent yet: those of earlier commands held with it too. */
			resp_truncate(c->out, 0);
			return reply(c, BAD_FORMAT);
		}
		ctx->nkeys++;
		COUNT(ctx, cmd_get);
		if (touch) {
			COUNT(ctx, cmd_touch);
			it = storage_get_touch(ctx->storage, key.s, key.n, exptime, now, &miss);
		} else {
			it = storage_get(ctx->storage, key.s, key.n, now, &miss);
		}
		if (it == NULL) {
			if (touch)
				COUNT(ctx, touch_misses);
			count_miss(ctx, miss);
			continue;
		}
		if (touch)
			COUNT(ctx, touch_hits);
		COUNT(ctx, get_hits);
		if (queue_value(c, &key, it, cas) < 0)
			goto nomem;
	}
	/* memcached reads a long line MAX_TOKENS words at a time; when the last pass
	 * ends on a word followed by more than one space, it begins a response for
	 * the next pass, which finds no key: END goes in that empty one. */
	if (c->ntok % MAX_TOKENS == 0 && c->end - (before->s + before->n) >= 2 &&
	    resp_start(c->out) < 0)
		goto nomem;
	if (resp_add(c->out, "END\r\n", 5) < 0)
		goto nomem;
	log_verbose(2, ">%d END\n", ctx->fd);
	return PROTO_MWRITE;

nomem:
	resp_truncate(c->out, 0);
	return reply(c, "SERVER_ERROR out of memory writing get response");
}

/* set, add, replace, append, prepend, cas: the line now, the value after. */
static enum proto_action cmd_update(struct cmd *c)
{
	struct proto_ctx *ctx = c->ctx;
	struct proto_pending *pending = c->pending;
	enum store_op op = (enum store_op)c->def->arg;
	const struct token *key = &c->tok[1];
	enum store_result err = STORE_NO_MEMORY;
	uint32_t flags;
	int32_t exptime, bytes;
	uint64_t cas = 0;
	struct item *it;
	enum proto_action action;

	COUNT(ctx, cmd_set);
	ctx->nkeys = 1;
	if (!key_ok(key))
		return reply(c, BAD_FORMAT);
	/* A bad line isn't followed by a value we could trust the length of:
	 * nothing is swallowed, as memcached does. Its number rules (number.h)
	 * take flags 2^32 as 0 and a length of 2^32 + 1 as 1. */
	if (!parse_u32(&c->tok[2], &flags) || !parse_i32(&c->tok[3], &exptime) ||
	    !parse_i32(&c->tok[4], &bytes))
		return reply(c, BAD_FORMAT);
	if (op == STORE_CAS && !parse_u64(&c->tok[5], &cas))
		return reply(c, BAD_FORMAT);
	if (bytes < 0 || bytes > INT_MAX - 2)
		return reply(c, BAD_FORMAT);

	it = storage_item_alloc(ctx->storage, key->s, key->n, flags, clock_realtime(exptime),
				(size_t)bytes + 2, &err);
	pending->item = it;
	pending->op = op;
	pending->cas = cas;
	pending->noreply = c->noreply;
	pending->vlen = (size_t)bytes + 2;
	if (it != NULL)
		return PROTO_NREAD;

	action = reply(c, err == STORE_TOO_LARGE ? "SERVER_ERROR object too large for cache"
						 : "SERVER_ERROR out of memory storing object");
	/* A set that failed must not leave the old value readable. */
	if (op == STORE_SET)
		storage_delete(ctx->storage, key->s, key->n, clock_now());
	return action == PROTO_WRITE ? PROTO_SWALLOW : action;
}

/* Returns the reply line for a store result. */
static const char *store_reply(enum store_result res)
{
	switch (res) {
	case STORE_STORED:
		return "STORED";
	case STORE_NOT_STORED:
		return "NOT_STORED";
	case STORE_EXISTS:
		return "EXISTS";
	case STORE_NOT_FOUND:
		return "NOT_FOUND";
	case STORE_TOO_LARGE:
		return "SERVER_ERROR object too large for cache";
	case STORE_NO_MEMORY:
		break;
	}
	return "SERVER_ERROR out of memory storing object";
}

/* Stores the value read for a storage command and queues the answer. */
void proto_text_complete_nread(struct proto_ctx *ctx, struct resp *out,
			       struct proto_pending *pending)
{
	struct item *it = pending->item;
	const char *msg;
	const char *data;

	if (it == NULL)
		return;
	data = item_data(it);
	if (it->nbytes < 2 || data[it->nbytes - 2] != '\r' || data[it->nbytes - 1] != '\n') {
		msg = "CLIENT_ERROR bad data chunk";
	} else {
		enum store_result res = storage_store(ctx->storage, it, pending->op, pending->cas,
						      clock_now());

		if (pending->op == STORE_CAS) {
			if (res == STORE_STORED)
				COUNT(ctx, cas_hits);
			else if (res == STORE_EXISTS)
				COUNT(ctx, cas_badval);
			else if (res == STORE_NOT_FOUND)
				COUNT(ctx, cas_misses);
		}
		msg = store_reply(res);
	}
	if (queue_line(ctx, out, pending->noreply, msg) < 0)
		log_error("out of memory queueing \"%s\"", msg);
	storage_item_release(ctx->storage, it);
	pending->item = NULL;
}

/* delete <key> [0] [noreply] */
static enum proto_action cmd_delete(struct cmd *c)
{
	struct proto_ctx *ctx = c->ctx;
	const struct token *key = &c->tok[1];

	ctx->nkeys = 1;
	/* memcached looks for noreply only past the key: "delete noreply" deletes "noreply". */
	if (c->ntok <= 2)
		c->noreply = false;
	if (c->ntok > 2) {
		/* memcached 1.4 still takes the old hold time, if it is 0. */
		bool zero = token_is(&c->tok[2], "0");
		bool ok = c->ntok == 3 ? zero || c->noreply : zero && c->noreply;

		if (!ok)
			return reply(c, BAD_FORMAT ".  Usage: delete <key> [noreply]");
	}
	if (!key_ok(key))
		return reply(c, BAD_FORMAT);
	if (storage_delete(ctx->storage, key->s, key->n, clock_now())) {
		COUNT(ctx, delete_hits);
		return reply(c, "DELETED");
	}
	COUNT(ctx, delete_misses);
	return reply(c, "NOT_FOUND");
}

/* incr|decr <key> <delta> [noreply] */
static enum proto_action cmd_delta(struct cmd *c)
{
	struct proto_ctx *ctx = c->ctx;
	const struct token *key = &c->tok[1];
	bool incr = c->def->arg;
	uint64_t delta, value = 0;
	char num[24];

	ctx->nkeys = 1;
	if (!key_ok(key))
		return reply(c, BAD_FORMAT);
	if (!parse_u64(&c->tok[2], &delta))
		return reply(c, "CLIENT_ERROR invalid numeric delta argument");
	switch (storage_delta(ctx->storage, key->s, key->n, incr, delta, clock_now(), &value)) {
	case DELTA_OK:
		if (incr)
			COUNT(ctx, incr_hits);
		else
			COUNT(ctx, decr_hits);
		snprintf(num, sizeof(num), "%" PRIu64, value);
		return reply(c, num);
	case DELTA_NON_NUMERIC:
		return reply(c, "CLIENT_ERROR cannot increment or decrement non-numeric value");
	case DELTA_NOT_FOUND:
		if (incr)
			COUNT(ctx, incr_misses);
		else
			COUNT(ctx, decr_misses);
		return reply(c, "NOT_FOUND");
	case DELTA_NO_MEMORY:
		break;
	}
	/* The key was found, as memcached counts it. */
	if (incr)
		COUNT(ctx, incr_hits);
	else
		COUNT(ctx, decr_hits);
	return reply(c, "SERVER_ERROR out of memory");
}

/* touch <key> <exptime> [noreply] */
static enum proto_action cmd_touch(struct cmd *c)
{
	struct proto_ctx *ctx = c->ctx;
	const struct token *key = &c->tok[1];
	int32_t exptime;

	ctx->nkeys = 1;
	if (!key_ok(key))
		return reply(c, BAD_FORMAT);
	if (!parse_i32(&c->tok[2], &exptime))
		return reply(c, BAD_EXPTIME);
	COUNT(ctx, cmd_touch);
	if (storage_touch(ctx->storage, key->s, key->n, clock_realtime(exptime), clock_now())) {
		COUNT(ctx, touch_hits);
		return reply(c, "TOUCHED");
	}
	COUNT(ctx, touch_misses);
	return reply(c, "NOT_FOUND");
}

/* flush_all [delay] [noreply] */
static enum proto_action cmd_flush_all(struct cmd *c)
{
	struct proto_ctx *ctx = c->ctx;
	int32_t delay = 0;

	COUNT(ctx, cmd_flush);
	/* As memcached: any line but "flush_all [noreply]" has its delay in the first
	 * argument, and what follows it is not looked at ("flush_all 0 0" is fine);
	 * a delay of 0 or less flushes now. */
	if (c->ntok != (c->noreply ? 2u : 1u) && !parse_i32(&c->tok[1], &delay))
		return reply(c, BAD_EXPTIME);
	/* memcached's oldest_live: a second before the flush's time. */
	storage_flush(ctx->storage, (delay > 0 ? clock_realtime(delay) : clock_now()) - 1,
		      clock_now());
	return reply(c, "OK");
}

/* version */
static enum proto_action cmd_version(struct cmd *c)
{
	return reply(c, "VERSION " PROTO_MEMCACHED_VERSION);
}

/* verbosity <level> [noreply] */
static enum proto_action cmd_verbosity(struct cmd *c)
{
	uint32_t level;

	/* "verbosity noreply" reads "noreply" as the level, and fails quietly. */
	if (!parse_u32(&c->tok[1], &level))
		return reply(c, BAD_FORMAT);
	if (level > VERBOSITY_MAX)
		level = VERBOSITY_MAX;
	__atomic_store_n(&log_verbosity, (int)level, __ATOMIC_RELAXED);
	return reply(c, "OK");
}

/* quit */
static enum proto_action cmd_quit(struct cmd *c)
{
	(void)c;
	return PROTO_QUIT;
}

/* stats [group ...]: the text comes from stats_write.c. */
static enum proto_action cmd_stats(struct cmd *c)
{
	const char *p = c->tok[0].s + c->tok[0].n;
	const char *e = c->end;
	size_t mark = c->out->total;
	char *args;
	int rc;

	while (p < e && *p == ' ')
		p++;
	while (e > p && e[-1] == ' ')
		e--;
	args = strndup(p, (size_t)(e - p));
	if (args == NULL)
		return reply(c, "SERVER_ERROR out of memory");
	rc = stats_writer != NULL ? stats_writer(c->out, args, c->ctx->storage) : -1;
	free(args);
	if (rc < 0) {
		resp_truncate(c->out, mark);
		return reply(c, "ERROR");
	}
	return PROTO_WRITE;
}

static const struct command commands[] = {
	{ "get", cmd_get, 2, 0, false, 0 },
	{ "bget", cmd_get, 2, 0, false, 0 },
	{ "gets", cmd_get, 2, 0, false, GET_CAS },
	{ "gat", cmd_get, 2, 0, false, GET_TOUCH },
	{ "gats", cmd_get, 2, 0, false, GET_TOUCH | GET_CAS },
	{ "set", cmd_update, 5, 6, true, STORE_SET },
	{ "add", cmd_update, 5, 6, true, STORE_ADD },
	{ "replace", cmd_update, 5, 6, true, STORE_REPLACE },
	{ "append", cmd_update, 5, 6, true, STORE_APPEND },
	{ "prepend", cmd_update, 5, 6, true, STORE_PREPEND },
	{ "cas", cmd_update, 6, 7, true, STORE_CAS },
	{ "delete", cmd_delete, 2, 4, true, 0 },
	{ "incr", cmd_delta, 3, 4, true, 1 },
	{ "decr", cmd_delta, 3, 4, true, 0 },
	{ "touch", cmd_touch, 3, 4, true, 0 },
	{ "flush_all", cmd_flush_all, 1, 3, true, 0 },
	{ "version", cmd_version, 1, 0, false, 0 },
	{ "verbosity", cmd_verbosity, 2, 3, true, 0 },
	{ "quit", cmd_quit, 1, 0, false, 0 },
	{ "stats", cmd_stats, 1, 0, false, 0 },
};

/* Looks a verb up in the command table. */
static const struct command *find_command(const struct token *verb)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (token_is(verb, commands[i].verb))
			return &commands[i];
	return NULL;
}

/* True when memcached would take an unknown verb's line for an HTTP request and hang
 * up: its last word (of the first MAX_TOKENS) starts with "HTTP/". memcached only gets
 * that far for a verb whose first letter none of its commands share, nor a two-letter
 * one starting with 'm' (its meta commands). */
static bool looks_like_http(const struct cmd *c)
{
	const struct token *verb = &c->tok[0];
	const struct token *last = &c->tok[(c->ntok < MAX_TOKENS ? c->ntok : MAX_TOKENS) - 1];

	if (memchr("gsacidt", verb->s[0], 7) != NULL || (verb->s[0] == 'm' && verb->n == 2))
		return false;
	return last->n >= 5 && memcmp(last->s, "HTTP/", 5) == 0;
}

/* True when a buffer without a newline yet may be a long multiget, which memcached
 * lets grow past PROTO_LINE_MAX: "get " or "gets " after at most 100 spaces. */
static bool is_get_prefix(const char *buf, size_t len)
{
	static const char *const prefixes[] = { "get ", "gets " };
	size_t spaces = 0;

	while (spaces < len && buf[spaces] == ' ')
		spaces++;
	if (spaces > 100)
		return false;
	buf += spaces;
	len -= spaces;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (len >= n && memcmp(buf, prefixes[i], n) == 0)
			return true;
	}
	return false;
}

/* Finds the first command line in buf. */
enum proto_line proto_text_find_line(const char *buf, size_t len, size_t *line_len,
				     size_t *consumed)
{
	const char *nl = memchr(buf, '\n', len);
	size_t n;

	if (nl == NULL) {
		if (len > PROTO_LINE_MAX && !is_get_prefix(buf, len))
			return PROTO_LINE_TOO_LONG;
		return PROTO_LINE_MORE;
	}
	n = (size_t)(nl - buf);
	*consumed = n + 1;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	*line_len = n;
	return PROTO_LINE_READY;
}

/* Runs one command line. */
enum proto_action proto_text_process(struct proto_ctx *ctx, struct resp *out, char *line,
				     size_t len, struct proto_pending *pending)
{
	struct cmd c = { .ctx = ctx, .out = out, .pending = pending, .end = line + len };
	const struct command *def;

	ctx->verb = "unknown";
	ctx->nkeys = 0;
	/* memcached reads the line as a C string: it ends at the first nul. */
	len = strnlen(line, len);
	c.end = line + len;
	log_verbose(2, "<%d %.*s\n", ctx->fd, len > INT_MAX ? INT_MAX : (int)len, line);
	tokenize(&c, line);
	/* No command is shorter than two letters. */
	if (c.ntok == 0 || c.tok[0].n < 2)
		return reply(&c, "ERROR");
	def = find_command(&c.tok[0]);
	if (def == NULL && looks_like_http(&c))
		return PROTO_CLOSE;
	/* A known verb with the wrong number of tokens is no command memcached
	 * knows either: it answers ERROR for it. */
	if (def == NULL || c.ntok < def->min_tokens ||
	    (def->max_tokens != 0 && c.ntok > def->max_tokens))
		return reply(&c, "ERROR");
	ctx->verb = def->verb;
	c.def = def;
	if (def->noreply && c.ntok > 1 && c.ntok <= MAX_TOKENS &&
	    token_is(&c.tok[c.ntok - 1], "noreply"))
		c.noreply = true;
	return def->run(&c);
}

/* Sets what writes "stats" replies. */
void proto_text_set_stats(int (*write)(struct resp *out, const char *args,
				       struct storage *storage))
{
	stats_writer = write;
}
