/*
 * load_scenario.c: the eight workloads of mcscope load, each made to show
 * one part of memcached's threading model on the server's side:
 *
 *   mixed     set/get/delete/incr on a seeded, skewed key space over
 *             persistent connections: the everyday path through a worker.
 *   burst     all N connections opened at once, one request each, all
 *             closed, again: the dispatcher's round robin and CQ depth.
 *   slow      every command written a few bytes at a time with pauses:
 *             conn_waiting and conn_read take turns on one command.
 *   pipeline  50 gets in one write per connection: the -R budget makes
 *             the worker yield part way through the batch.
 *   bigvalue  100-500 KB values set and read back: conn_nread across
 *             many reads, and replies that take many writes.
 *   bigslow   the same values sent a few KB at a time with pauses: the
 *             set waits in conn_nread for a second or two, long enough
 *             to watch.
 *   churn     connect, one request, close, in a loop: accept and
 *             connection setup and teardown dominate.
 *   idle      N connections held open, a version every few seconds:
 *             parked connections cost the workers nothing.
 *   udp       get/set in framed datagrams: the UDP path without
 *             connections.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "load.h"

#define SCENARIO_NAME_(e, name, text) [e] = #name,
static const char *const scenario_names[LOAD_N_SCENARIOS] = { LOAD_SCENARIOS(SCENARIO_NAME_) };
#undef SCENARIO_NAME_
#define SCENARIO_TEXT_(e, name, text) [e] = text,
static const char *const scenario_texts[LOAD_N_SCENARIOS] = { LOAD_SCENARIOS(SCENARIO_TEXT_) };
#undef SCENARIO_TEXT_

/* mixed: keys, the hot share of them, and counters per connection. */
#define MIXED_KEYS 1000
#define MIXED_HOT_KEYS 100
#define MIXED_COUNTERS 4
/* burst and churn: the keys they share. */
#define SHORT_KEYS 100
/* idle: a version every IDLE_MIN_US to IDLE_MIN_US + IDLE_SPREAD_US. */
#define IDLE_MIN_US 2000000
#define IDLE_SPREAD_US 2000000
#define BIG_MIN (100 * 1024)
#define BIG_SPREAD (400 * 1024)

/* Returns a scenario's name. */
const char *load_scenario_name(enum load_scenario s)
{
	return (unsigned)s < LOAD_N_SCENARIOS ? scenario_names[s] : NULL;
}

/* Looks a scenario up by name. */
int load_scenario_from_name(const char *name)
{
	for (int i = 0; i < LOAD_N_SCENARIOS; i++)
		if (strcmp(scenario_names[i], name) == 0)
			return i;
	return -1;
}

/* Returns what a scenario does. */
const char *load_scenario_text(enum load_scenario s)
{
	return (unsigned)s < LOAD_N_SCENARIOS ? scenario_texts[s] : NULL;
}

/* Lists the scenarios' names. */
const char *load_scenario_list(char *buf, size_t n, const char *sep)
{
	size_t at = 0;

	if (n > 0)
		buf[0] = '\0';
	for (int i = 0; i < LOAD_N_SCENARIOS && at < n; i++)
		at += (size_t)snprintf(buf + at, n - at, "%s%s", i > 0 ? sep : "", scenario_names[i]);
	return buf;
}

/* Makes a request of op on the key printed from fmt. */
static struct load_expect request(enum load_op op, size_t vlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static struct load_expect request(enum load_op op, size_t vlen, const char *fmt, ...)
{
	struct load_expect e = { .op = op, .vlen = vlen };
	va_list ap;
	int n = 0;

	if (fmt != NULL) {
		va_start(ap, fmt);
		n = vsnprintf(e.key, sizeof(e.key), fmt, ap);
		va_end(ap);
	}
	e.keylen = n > 0 && (size_t)n < sizeof(e.key) ? (size_t)n : 0;
	return e;
}

/* A value length from lo to hi, mostly short (as in real caches). */
static size_t value_len(struct load_conn *c, size_t lo, size_t hi)
{
	size_t len = lo + (size_t)(load_rand(&c->rng) % (hi - lo + 1));

	if (load_rand(&c->rng) % 4 != 0)
		len = lo + (len - lo) / 8;
	return len;
}

/* Claims pacing slots for n requests; false when the slot must first wait (next runs again then). */
static bool pace(struct load_conn *c, unsigned n)
{
	uint64_t delay;

	if (c->paced) {
		c->paced = false;
		return true;
	}
	delay = load_run_slot(c->run, n);
	if (delay == 0)
		return true;
	c->paced = true;
	load_conn_wait(c, delay);
	return false;
}

/* Sends e; on failure drops the connection and retries later. */
static void send_or_drop(struct load_conn *c, const struct load_expect *e, uint64_t delta,
			 enum load_send how)
{
	if (load_conn_send(c, e, delta, how))
		return;
	load_stats_error(&c->run->stats, e->op, LOAD_ERR_CLOSED);
	load_conn_close(c);
	load_scenario_down(c, true);
}

/* mixed: counters first (incr needs a number to work on), then the mix. */
static void next_mixed(struct load_conn *c)
{
	unsigned r, key;
	struct load_expect e;

	if (!pace(c, 1))
		return;
	if (c->phase < MIXED_COUNTERS) {
		e = request(LOAD_OP_SET, 1, "counter:%u:%d", c->id, c->phase);
		e.numeric = true;
		c->phase++;
		send_or_drop(c, &e, 0, LOAD_SEND_WHOLE);
		return;
	}
	r = (unsigned)(load_rand(&c->rng) % 100);
	/* Skewed: four requests in five go to the hottest tenth of the keys. */
	key = (unsigned)(load_rand(&c->rng) % (r < 80 ? MIXED_HOT_KEYS : MIXED_KEYS));
	r = (unsigned)(load_rand(&c->rng) % 100);
	if (r < 60)
		e = request(LOAD_OP_GET, 0, "key:%u", key);
	else if (r < 85)
		e = request(LOAD_OP_SET, value_len(c, 10, 2000), "key:%u", key);
	else if (r < 93)
		e = request(LOAD_OP_DELETE, 0, "key:%u", key);
	else
		e = request(LOAD_OP_INCR, 0, "counter:%u:%u", c->id,
			    (unsigned)(load_rand(&c->rng) % MIXED_COUNTERS));
	send_or_drop(c, &e, 1 + load_rand(&c->rng) % 10, LOAD_SEND_WHOLE);
}

/* A get or a set on one of the keys burst and churn share. */
static struct load_expect short_request(struct load_conn *c)
{
	unsigned key = (unsigned)(load_rand(&c->rng) % SHORT_KEYS);

	if (load_rand(&c->rng) % 2 == 0)
		return request(LOAD_OP_GET, 0, "short:%u", key);
	return request(LOAD_OP_SET, value_len(c, 10, 500), "short:%u", key);
}

/* Starts a burst round. */
void load_scenario_round(evutil_socket_t fd, short what, void *arg)
{
	struct load_run *run = arg;

	if (run->stopping)
		return;
	run->round_left = run->opts.conns;
	run->round_failed = false;
	for (unsigned i = 0; i < run->opts.conns; i++) {
		run->conns[i].round_member = true;
		run->conns[i].phase = 0;
	}
	/* All at once: the connections reach the listener together. */
	for (unsigned i = 0; i < run->opts.conns && !run->stopping; i++)
		if (run->conns[i].round_member && !load_conn_is_open(&run->conns[i]))
			load_conn_open(&run->conns[i]);
}

/* A slot of the burst round is done; the last one starts the next round. */
static void round_done(struct load_conn *c)
{
	struct load_run *run = c->run;
	struct timeval tv = { 0 };

	if (!c->round_member)
		return;
	c->round_member = false;
	if (--run->round_left > 0 || run->stopping)
		return;
	/* Through the timer, never from inside the round: a refused connect may fail on the spot. */
	if (run->round_failed)
		tv.tv_usec = LOAD_RETRY_US;
	evtimer_add(run->round_timer, &tv);
}

/* burst: one request per connection per round. */
static void next_burst(struct load_conn *c)
{
	struct load_expect e;

	if (!c->round_member || !load_conn_is_open(c))
		return;
	if (c->phase == 0) {
		if (!pace(c, 1))
			return;
		e = short_request(c);
		c->phase = 1;
		send_or_drop(c, &e, 0, LOAD_SEND_WHOLE);
		return;
	}
	load_conn_close(c);
	round_done(c);
}

/* slow: a set then a get of the connection's own key, every byte dripped. */
static void next_slow(struct load_conn *c)
{
	struct load_expect e;

	if (!pace(c, 1))
		return;
	if (c->phase == 0) {
		c->n = (unsigned)value_len(c, 20, 100);
		e = request(LOAD_OP_SET, c->n, "slow:%u", c->id);
		c->phase = 1;
	} else {
		e = request(LOAD_OP_GET, c->n, "slow:%u", c->id);
		c->phase = 0;
	}
	send_or_drop(c, &e, 0, LOAD_SEND_DRIP);
}

/* The length of pipeline key i of slot id, so the gets know what each set stored. */
static size_t pipeline_len(unsigned id, unsigned i)
{
	uint64_t s = (uint64_t)id << 32 | i;

	return 16 + (size_t)(load_rand(&s) % 240);
}

/* pipeline: 50 sets once, then 50 gets per write, over and over. */
static void next_pipeline(struct load_conn *c)
{
	struct load_expect e;

	if (!pace(c, LOAD_PIPELINE_DEPTH))
		return;
	for (unsigned i = 0; i < LOAD_PIPELINE_DEPTH; i++) {
		e = request(c->phase == 0 ? LOAD_OP_SET : LOAD_OP_GET, pipeline_len(c->id, i),
			    "pipe:%u:%u", c->id, i);
		if (!load_conn_send(c, &e, 0, LOAD_SEND_WHOLE)) {
			load_conn_fail(c, LOAD_ERR_CLOSED);
			return;
		}
	}
	c->phase = 1;
}

/* bigvalue: set a big value, read it back, a new length each time; bigslow sends the set in pieces. */
static void next_bigvalue(struct load_conn *c)
{
	enum load_send how = c->run->opts.scenario == LOAD_BIGSLOW ? LOAD_SEND_PIECES : LOAD_SEND_WHOLE;
	uint64_t s = c->run->opts.seed ^ ((uint64_t)c->id << 40) ^ c->n;
	size_t len = BIG_MIN + (size_t)(load_rand(&s) % BIG_SPREAD);
	struct load_expect e;

	if (!pace(c, 1))
		return;
	if (c->phase == 0) {
		e = request(LOAD_OP_SET, len, "big:%u", c->id);
		c->phase = 1;
		send_or_drop(c, &e, 0, how);
		return;
	}
	e = request(LOAD_OP_GET, len, "big:%u", c->id);
	c->phase = 0;
	c->n++;
	send_or_drop(c, &e, 0, LOAD_SEND_WHOLE);
}

/* churn: one request, then close and connect again. */
static void next_churn(struct load_conn *c)
{
	struct load_expect e;

	if (c->phase == 0) {
		if (!pace(c, 1))
			return;
		e = short_request(c);
		c->phase = 1;
		send_or_drop(c, &e, 0, LOAD_SEND_WHOLE);
		return;
	}
	load_conn_close(c);
	c->phase = 0;
	load_conn_open(c);
}

/* idle: a version now and then; in between the connection just sits. */
static void next_idle(struct load_conn *c)
{
	struct load_expect e;

	if (c->phase == 1) {
		/* The reply is in: sleep. */
		c->phase = 2;
		load_conn_wait(c, IDLE_MIN_US + load_rand(&c->rng) % IDLE_SPREAD_US);
		return;
	}
	if (!pace(c, 1))
		return;
	e = request(LOAD_OP_VERSION, 0, NULL);
	c->phase = 1;
	send_or_drop(c, &e, 0, LOAD_SEND_WHOLE);
}

/* udp: a set then a get of the slot's key, one datagram each. */
static void next_udp(struct load_conn *c)
{
	struct load_expect e;

	if (c->qlen > 0 || !pace(c, 1))
		return;
	if (c->phase == 0) {
		c->n = (unsigned)value_len(c, 10, 1000);
		e = request(LOAD_OP_SET, c->n, "udp:%u", c->id);
		c->phase = 1;
	} else {
		e = request(LOAD_OP_GET, c->n, "udp:%u", c->id);
		c->phase = 0;
	}
	load_udp_send(c, &e);
}

/* Runs a slot's next step. */
void load_scenario_next(struct load_conn *c)
{
	enum load_scenario s = c->run->opts.scenario;

	if (c->run->stopping)
		return;
	if (s == LOAD_BURST) {
		next_burst(c);
		return;
	}
	if (s == LOAD_UDP) {
		next_udp(c);
		return;
	}
	if (!load_conn_is_open(c)) {
		if (s == LOAD_IDLE || s == LOAD_CHURN)
			c->phase = 0;
		load_conn_open(c);
		return;
	}
	/* --reconnect-interval: a fresh connection, so the main thread dispatches again. */
	if (c->run->opts.reconnect > 0 && c->on_conn >= c->run->opts.reconnect && c->qlen == 0 &&
	    s != LOAD_CHURN) {
		load_conn_close(c);
		load_conn_open(c);
		return;
	}
	switch (s) {
	case LOAD_MIXED:
		next_mixed(c);
		break;
	case LOAD_SLOW:
		next_slow(c);
		break;
	case LOAD_PIPELINE:
		next_pipeline(c);
		break;
	case LOAD_BIGVALUE:
	case LOAD_BIGSLOW:
		next_bigvalue(c);
		break;
	case LOAD_CHURN:
		next_churn(c);
		break;
	case LOAD_IDLE:
		next_idle(c);
		break;
	default:
		break;
	}
}

/* A slot's connection is gone. */
void load_scenario_down(struct load_conn *c, bool was_connected)
{
	struct load_run *run = c->run;

	c->paced = false;
	if (run->opts.scenario == LOAD_BURST) {
		if (c->round_member)
			run->round_failed = true;
		round_done(c);
		return;
	}
	if (run->stopping)
		return;
	/* Start again with a set: the one in flight may or may not have been stored. */
	if (run->opts.scenario == LOAD_SLOW || run->opts.scenario == LOAD_UDP ||
	    run->opts.scenario == LOAD_BIGVALUE || run->opts.scenario == LOAD_BIGSLOW)
		c->phase = 0;
	load_conn_wait(c, LOAD_RETRY_US);
}

/* Starts every slot. */
void load_scenario_start(struct load_run *run)
{
	struct timeval now = { 0 };

	if (run->opts.scenario == LOAD_BURST) {
		evtimer_add(run->round_timer, &now);
		return;
	}
	for (unsigned i = 0; i < run->opts.conns; i++)
		load_scenario_next(&run->conns[i]);
}
