/*
 * load_conn.c: one non-blocking TCP client connection of mcscope load
 * (a libevent bufferevent): sends requests, whole or a few bytes at a
 * time, keeps what each reply must be, checks the replies in order and
 * times them, and tells the scenario when the connection is idle or gone.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "load.h"

/* Sends in pieces: from min to max bytes per write, with a pause of min_us to max_us between writes. */
struct drip_pace {
	size_t min, max;
	uint64_t min_us, max_us;
};

/* Dripped requests take a few bytes a write, so a command line arrives in parts; a value sent in
 * pieces takes a second or two, long enough to see its conn wait in conn_nread. */
static const struct drip_pace drip_paces[] = {
	[LOAD_SEND_DRIP] = { 1, 7, 2000, 15000 },
	[LOAD_SEND_PIECES] = { 8 * 1024, 16 * 1024, 60000, 120000 },
};

/* Makes a timeval from microseconds. */
static struct timeval tv_of(uint64_t usec)
{
	struct timeval tv = { .tv_sec = (time_t)(usec / 1000000), .tv_usec = (suseconds_t)(usec % 1000000) };

	return tv;
}

/* The newest outstanding request. */
static struct load_expect *newest(struct load_conn *c)
{
	return &c->q[(c->qhead + c->qlen - 1) % LOAD_QUEUE_MAX];
}

/* Arms the reply deadline for the oldest request that is fully sent, or disarms it. */
static void arm_timeout(struct load_conn *c)
{
	uint64_t now = load_now_us(), due;
	struct timeval tv;

	if (c->qlen == 0 || evbuffer_get_length(c->drip) > 0) {
		evtimer_del(c->timeout);
		return;
	}
	due = c->q[c->qhead].sent_us + c->run->opts.reply_timeout_us;
	tv = tv_of(due > now ? due - now : 0);
	evtimer_add(c->timeout, &tv);
}

/* Writes the next piece of a slow request, then pauses. */
static void drip_step(struct load_conn *c)
{
	const struct drip_pace *p = &drip_paces[c->drip_how];
	size_t n = p->min + (size_t)(load_rand(&c->rng) % (p->max - p->min + 1));
	uint64_t pause = p->min_us + load_rand(&c->rng) % (p->max_us - p->min_us);

	evbuffer_remove_buffer(c->drip, bufferevent_get_output(c->bev), n);
	if (evbuffer_get_length(c->drip) == 0) {
		/* The server can only answer once the last byte is in: time it from there. */
		newest(c)->sent_us = load_now_us();
		arm_timeout(c);
		return;
	}
	load_conn_wait(c, pause);
}

/* The slot's timer: the next drip of a slow request, or the scenario's next step. */
static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct load_conn *c = arg;

	if (c->bev != NULL && evbuffer_get_length(c->drip) > 0) {
		drip_step(c);
		return;
	}
	load_scenario_next(c);
}

/* The oldest request got no reply in time. */
static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct load_conn *c = arg;

	load_run_complain(c->run, "conn %u: no reply to %s within %llu s", c->id,
			  load_op_name(c->q[c->qhead].op),
			  (unsigned long long)(c->run->opts.reply_timeout_us / 1000000));
	load_conn_fail(c, LOAD_ERR_TIMEOUT);
}

/* Checks every complete reply that has come in, in order. */
static void on_read(struct bufferevent *bev, void *arg)
{
	struct load_conn *c = arg;
	struct load_run *run = c->run;
	struct evbuffer *in = bufferevent_get_input(bev);
	bool progressed = false;
	char why[256];

	for (;;) {
		size_t len = evbuffer_get_length(in), used = 0, need = 0;
		struct load_expect *e = &c->q[c->qhead];
		enum load_check rc;
		bool hit;
		const char *buf;

		if (len == 0 || len < c->need)
			break;
		if (c->qlen == 0) {
			buf = (const char *)evbuffer_pullup(in, len < 80 ? (ssize_t)len : 80);
			load_run_complain(run, "conn %u: %zu bytes nobody asked for: '%.*s'", c->id, len,
					  (int)(len < 80 ? len : 80), buf);
			run->stats.errors[LOAD_ERR_REPLY]++;
			load_conn_close(c);
			load_scenario_down(c, true);
			return;
		}
		buf = (const char *)evbuffer_pullup(in, -1);
		rc = load_proto_check(e, buf, len, &used, &need, &hit, why, sizeof(why));
		if (rc == LOAD_CHECK_MORE) {
			c->need = need;
			break;
		}
		if (rc == LOAD_CHECK_BAD) {
			load_run_complain(run, "conn %u: %s", c->id, why);
			load_stats_error(&run->stats, e->op, LOAD_ERR_REPLY);
			/* The stream is out of step now: the rest of the queue cannot be checked. */
			load_conn_close(c);
			load_scenario_down(c, true);
			return;
		}
		load_stats_ok(&run->stats, e->op, load_now_us() - e->sent_us);
		if (e->op == LOAD_OP_GET) {
			if (hit)
				run->stats.hits++;
			else
				run->stats.misses++;
		}
		evbuffer_drain(in, used);
		c->need = 0;
		c->qhead = (c->qhead + 1) % LOAD_QUEUE_MAX;
		c->qlen--;
		progressed = true;
	}
	arm_timeout(c);
	if (!progressed || c->qlen > 0 || evbuffer_get_length(c->drip) > 0)
		return;
	if (run->stopping) {
		load_conn_close(c);
		return;
	}
	load_scenario_next(c);
}

/* Connected, or the connection failed or was closed by the server. */
static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct load_conn *c = arg;
	struct load_run *run = c->run;
	bool was_connected = c->connected;
	int err = EVUTIL_SOCKET_ERROR();

	if (what & BEV_EVENT_CONNECTED) {
		int one = 1;

		c->connected = true;
		run->stats.connects++;
		/* Slow sends must leave as the small writes they are. */
		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (run->stopping) {
			load_conn_close(c);
			return;
		}
		load_scenario_next(c);
		return;
	}
	if (!was_connected) {
		if (!run->stopping) {
			load_run_complain(run, "conn %u: cannot connect: %s", c->id,
					  evutil_socket_error_to_string(err));
			load_stats_error(&run->stats, LOAD_OP_VERSION, LOAD_ERR_CONNECT);
		}
		load_conn_close(c);
		load_scenario_down(c, false);
		return;
	}
	if (c->qlen == 0 && !run->stopping) {
		/* Nothing was asked, yet the server went away: a failure all the same. */
		load_run_complain(run, "conn %u: closed by the server while idle", c->id);
		run->stats.errors[LOAD_ERR_CLOSED]++;
	} else if (c->qlen > 0) {
		load_run_complain(run, "conn %u: %s with %zu replies to come",
				  c->id, (what & BEV_EVENT_EOF) ? "closed by the server"
								: evutil_socket_error_to_string(err),
				  c->qlen);
	}
	load_conn_fail(c, LOAD_ERR_CLOSED);
}

/* Sets up a slot. */
int load_conn_init(struct load_conn *c, struct load_run *run, unsigned id)
{
	uint64_t mix = run->opts.seed ^ (0x9e3779b97f4a7c15ULL * (id + 1));

	memset(c, 0, sizeof(*c));
	c->run = run;
	c->id = id;
	c->ufd = -1;
	c->rng = load_rand(&mix);
	c->timer = evtimer_new(run->base, on_timer, c);
	c->timeout = evtimer_new(run->base, on_timeout, c);
	c->drip = evbuffer_new();
	if (c->timer == NULL || c->timeout == NULL || c->drip == NULL)
		return -1;
	return 0;
}

/* Frees a slot. */
void load_conn_free(struct load_conn *c)
{
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	c->bev = NULL;
	if (c->uev != NULL)
		event_free(c->uev);
	if (c->ufd >= 0)
		close(c->ufd);
	for (size_t i = 0; i < sizeof(c->udp_parts) / sizeof(c->udp_parts[0]); i++)
		if (c->udp_parts[i] != NULL)
			evbuffer_free(c->udp_parts[i]);
	if (c->timer != NULL)
		event_free(c->timer);
	if (c->timeout != NULL)
		event_free(c->timeout);
	if (c->drip != NULL)
		evbuffer_free(c->drip);
	memset(c, 0, sizeof(*c));
	c->ufd = -1;
}

/* Starts connecting. */
void load_conn_open(struct load_conn *c)
{
	struct load_run *run = c->run;

	c->bev = bufferevent_socket_new(run->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		load_run_complain(run, "conn %u: out of memory", c->id);
		load_stats_error(&run->stats, LOAD_OP_VERSION, LOAD_ERR_CONNECT);
		load_scenario_down(c, false);
		return;
	}
	c->connected = false;
	c->need = 0;
	c->on_conn = 0;
	bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&run->addr, (int)run->addrlen) < 0) {
		load_run_complain(run, "conn %u: cannot connect: %s", c->id, strerror(errno));
		load_stats_error(&run->stats, LOAD_OP_VERSION, LOAD_ERR_CONNECT);
		load_conn_close(c);
		load_scenario_down(c, false);
	}
}

/* Closes the connection. */
void load_conn_close(struct load_conn *c)
{
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	c->bev = NULL;
	c->connected = false;
	c->qlen = 0;
	c->need = 0;
	evbuffer_drain(c->drip, evbuffer_get_length(c->drip));
	evtimer_del(c->timeout);
	evtimer_del(c->timer);
	load_run_check_done(c->run);
}

/* True while open or opening. */
bool load_conn_is_open(const struct load_conn *c)
{
	return c->bev != NULL;
}

/* Queues and sends a request. */
bool load_conn_send(struct load_conn *c, const struct load_expect *e, uint64_t delta, enum load_send how)
{
	bool slow = how != LOAD_SEND_WHOLE;

	struct load_expect *slot;

	if (!c->connected || c->qlen >= LOAD_QUEUE_MAX)
		return false;
	if (load_proto_request(slow ? c->drip : bufferevent_get_output(c->bev), e, delta) < 0) {
		load_run_complain(c->run, "conn %u: out of memory building a request", c->id);
		return false;
	}
	c->qlen++;
	c->on_conn++;
	slot = newest(c);
	*slot = *e;
	slot->sent_us = load_now_us();
	if (slow) {
		c->drip_how = how;
		drip_step(c);
	}
	else
		arm_timeout(c);
	return true;
}

/* Schedules the next step. */
void load_conn_wait(struct load_conn *c, uint64_t usec)
{
	struct timeval tv = tv_of(usec);

	evtimer_add(c->timer, &tv);
}

/* Fails what is outstanding. */
void load_conn_fail(struct load_conn *c, enum load_err err)
{
	struct load_run *run = c->run;

	for (size_t i = 0; i < c->qlen; i++)
		load_stats_error(&run->stats, c->q[(c->qhead + i) % LOAD_QUEUE_MAX].op, err);
	if (c->ufd >= 0) {
		/* UDP has no connection to drop: forget the request (a late reply's id won't match). */
		c->qlen = 0;
		c->udp_id++;
		evtimer_del(c->timeout);
		load_run_check_done(run);
	} else {
		load_conn_close(c);
	}
	load_scenario_down(c, true);
}
