/*
 * load_udp.c: a UDP client socket of mcscope load. Every request and
 * reply datagram starts with memcached's 8-byte frame header: request
 * id, sequence number, datagram count, reserved, each 16 bits big-endian
 * (src/udp.h). A request fits one datagram; a reply may take several,
 * which are put back in order before the reply is checked.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "diag.h"
#include "load.h"

#define FRAME_HEADER 8
/* A request must fit one datagram; memcached's replies carry at most 1400 bytes each. */
#define REQUEST_MAX 1400
#define DATAGRAM_MAX 2048
#define PARTS_MAX 16

/* Writes a frame header. */
static void header_put(uint8_t *b, uint16_t id, uint16_t seq, uint16_t count)
{
	const uint16_t f[4] = { id, seq, count, 0 };

	for (int i = 0; i < 4; i++) {
		b[2 * i] = (uint8_t)(f[i] >> 8);
		b[2 * i + 1] = (uint8_t)f[i];
	}
}

/* Reads field i of a frame header. */
static uint16_t header_get(const uint8_t *b, int i)
{
	return (uint16_t)(b[2 * i] << 8 | b[2 * i + 1]);
}

/* Forgets the datagrams of a reply. */
static void parts_reset(struct load_conn *c)
{
	for (int i = 0; i < PARTS_MAX; i++)
		if (c->udp_parts[i] != NULL)
			evbuffer_drain(c->udp_parts[i], evbuffer_get_length(c->udp_parts[i]));
	c->udp_count = 0;
	c->udp_seen = 0;
}

/* Checks the reassembled reply; counts it either way. */
static void finish_reply(struct load_conn *c)
{
	struct load_run *run = c->run;
	struct load_expect *e = &c->q[c->qhead];
	struct evbuffer *all = evbuffer_new();
	size_t used = 0, need = 0, len;
	enum load_check rc = LOAD_CHECK_BAD;
	char why[256] = "out of memory";
	bool hit = false;

	if (all != NULL) {
		for (int i = 0; i < c->udp_count; i++)
			evbuffer_add_buffer(all, c->udp_parts[i]);
		len = evbuffer_get_length(all);
		rc = load_proto_check(e, (const char *)evbuffer_pullup(all, -1), len, &used, &need, &hit,
				      why, sizeof(why));
		if (rc == LOAD_CHECK_MORE)
			snprintf(why, sizeof(why), "%s: reply cut short at %zu bytes", load_op_name(e->op), len);
		else if (rc == LOAD_CHECK_OK && used != len)
			snprintf(why, sizeof(why), "%s: %zu bytes after the reply", load_op_name(e->op),
				 len - used);
		if (rc == LOAD_CHECK_OK && used != len)
			rc = LOAD_CHECK_BAD;
		evbuffer_free(all);
	}
	parts_reset(c);
	c->qlen = 0;
	evtimer_del(c->timeout);
	if (rc != LOAD_CHECK_OK) {
		load_run_complain(run, "udp %u: %s", c->id, why);
		load_stats_error(&run->stats, e->op, LOAD_ERR_REPLY);
	} else {
		load_stats_ok(&run->stats, e->op, load_now_us() - e->sent_us);
		if (e->op == LOAD_OP_GET) {
			if (hit)
				run->stats.hits++;
			else
				run->stats.misses++;
		}
	}
	if (run->stopping) {
		load_run_check_done(run);
		return;
	}
	load_scenario_next(c);
}

/* Takes one datagram of the awaited reply. */
static void take_datagram(struct load_conn *c, const uint8_t *d, size_t n)
{
	uint16_t seq, count;

	if (n < FRAME_HEADER || c->qlen == 0 || header_get(d, 0) != c->udp_id)
		return; /* a late reply to a request given up on */
	seq = header_get(d, 1);
	count = header_get(d, 2);
	if (header_get(d, 3) != 0 || count == 0 || count > PARTS_MAX || seq >= count ||
	    (c->udp_count != 0 && count != c->udp_count) || (c->udp_seen & (1ULL << seq))) {
		load_run_complain(c->run, "udp %u: bad frame header (seq %u count %u reserved %u)", c->id,
				  seq, count, header_get(d, 3));
		parts_reset(c);
		load_conn_fail(c, LOAD_ERR_REPLY);
		return;
	}
	if (c->udp_parts[seq] == NULL && (c->udp_parts[seq] = evbuffer_new()) == NULL)
		return;
	evbuffer_add(c->udp_parts[seq], d + FRAME_HEADER, n - FRAME_HEADER);
	c->udp_count = count;
	c->udp_seen |= 1ULL << seq;
	if (c->udp_seen == (count == 64 ? ~0ULL : (1ULL << count) - 1))
		finish_reply(c);
}

/* Reads every datagram waiting. */
static void on_udp_read(evutil_socket_t fd, short what, void *arg)
{
	struct load_conn *c = arg;
	uint8_t d[DATAGRAM_MAX];

	for (;;) {
		ssize_t n = recv(fd, d, sizeof(d), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			/* ECONNREFUSED: an ICMP port unreachable, i.e. nobody listens any more. */
			if (c->qlen > 0) {
				load_run_complain(c->run, "udp %u: %s", c->id, strerror(errno));
				parts_reset(c);
				load_conn_fail(c, LOAD_ERR_CLOSED);
			}
			return;
		}
		take_datagram(c, d, (size_t)n);
	}
}

/* Opens the socket. */
int load_udp_open(struct load_conn *c)
{
	struct load_run *run = c->run;

	c->ufd = socket(run->uaddr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->ufd < 0 || connect(c->ufd, (struct sockaddr *)&run->uaddr, run->uaddrlen) != 0) {
		diag_error("udp socket: %s", strerror(errno));
		return -1;
	}
	c->uev = event_new(run->base, c->ufd, EV_READ | EV_PERSIST, on_udp_read, c);
	if (c->uev == NULL || event_add(c->uev, NULL) != 0) {
		diag_error("udp socket: cannot watch it");
		return -1;
	}
	return 0;
}

/* Sends one request datagram. */
bool load_udp_send(struct load_conn *c, const struct load_expect *e)
{
	struct evbuffer *req = evbuffer_new();
	uint8_t d[FRAME_HEADER + REQUEST_MAX];
	struct timeval tv = { .tv_sec = (time_t)(LOAD_REPLY_TIMEOUT_US / 1000000) };
	size_t n;
	ssize_t sent;

	if (req == NULL || load_proto_request(req, e, 1) < 0 || evbuffer_get_length(req) > REQUEST_MAX) {
		if (req != NULL)
			evbuffer_free(req);
		load_run_complain(c->run, "udp %u: cannot build a request", c->id);
		return false;
	}
	n = evbuffer_remove(req, d + FRAME_HEADER, REQUEST_MAX);
	evbuffer_free(req);
	c->udp_id++;
	header_put(d, c->udp_id, 0, 1);
	parts_reset(c);
	c->q[0] = *e;
	c->q[0].sent_us = load_now_us();
	c->qhead = 0;
	c->qlen = 1;
	do
		sent = send(c->ufd, d, FRAME_HEADER + n, 0);
	while (sent < 0 && errno == EINTR);
	if (sent < 0) {
		load_run_complain(c->run, "udp %u: send: %s", c->id, strerror(errno));
		load_conn_fail(c, errno == ECONNREFUSED ? LOAD_ERR_CLOSED : LOAD_ERR_TIMEOUT);
		return false;
	}
	evtimer_add(c->timeout, &tv);
	return true;
}

/* Asks for the version over UDP. */
bool load_udp_probe(const struct sockaddr *addr, socklen_t len, int timeout_ms)
{
	uint8_t d[DATAGRAM_MAX];
	int fd = socket(addr->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok = false;

	if (fd < 0 || connect(fd, addr, len) != 0)
		goto cleanup;
	/* Three tries: a datagram may be lost even on loopback. */
	for (uint16_t id = 1; id <= 3 && !ok; id++) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		header_put(d, id, 0, 1);
		memcpy(d + FRAME_HEADER, "version\r\n", 9);
		if (send(fd, d, FRAME_HEADER + 9, 0) < 0)
			break;
		if (poll(&pfd, 1, timeout_ms / 3) <= 0)
			continue;
		n = recv(fd, d, sizeof(d), 0);
		if (n < 0)
			break;
		ok = n > FRAME_HEADER + 8 && header_get(d, 0) == id &&
		     memcmp(d + FRAME_HEADER, "VERSION ", 8) == 0;
	}
cleanup:
	if (!ok)
		errno = errno != 0 ? errno : ETIMEDOUT;
	if (fd >= 0)
		close(fd);
	return ok;
}
