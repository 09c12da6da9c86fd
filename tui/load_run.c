/*
 * load_run.c: one run of mcscope load: finding the server, the event
 * loop with its deadline, stopping (stop.h) and pacing, and the progress line.
 */
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "diag.h"
#include "load.h"
#include "stop.h"

/* Detailed failure messages beyond this many are only counted. */
#define COMPLAINTS_MAX 5
#define PROGRESS_US 250000
#define PROBE_TIMEOUT_MS 3000

/* Reads the monotonic clock. */
uint64_t load_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Draws a number (splitmix64). */
uint64_t load_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Claims pacing slots. */
uint64_t load_run_slot(struct load_run *run, unsigned n)
{
	double now = (double)load_now_us(), at;

	if (run->opts.rate <= 0)
		return 0;
	/* Evenly spaced over all connections: a slot not used in its time is not saved up. */
	at = run->next_slot_us > now ? run->next_slot_us : now;
	run->next_slot_us = at + (double)n * 1e6 / run->opts.rate;
	return (uint64_t)(at - now);
}

/* Prints a failure message while there have been few. */
void load_run_complain(struct load_run *run, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (run->stopping && run->stop_signal != 0)
		return;
	if (++run->complaints > COMPLAINTS_MAX) {
		if (run->complaints == COMPLAINTS_MAX + 1)
			diag_error("(more failures are counted, not shown)");
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (run->opts.progress)
		fputs("\r\033[K", stderr);
	diag_error("%s", msg);
}

/* True when no slot has a socket open or a reply to come. */
static bool all_done(const struct load_run *run)
{
	for (unsigned i = 0; i < run->opts.conns; i++)
		if (run->conns[i].bev != NULL || run->conns[i].qlen > 0)
			return false;
	return true;
}

/* Ends the loop when stopping and nothing is left. */
void load_run_check_done(struct load_run *run)
{
	if (run->stopping && all_done(run))
		event_base_loopexit(run->base, NULL);
}

/* The drain time is over: what is still unanswered failed. */
static void on_drain(evutil_socket_t fd, short what, void *arg)
{
	struct load_run *run = arg;

	for (unsigned i = 0; i < run->opts.conns; i++) {
		struct load_conn *c = &run->conns[i];

		if (c->qlen > 0) {
			load_run_complain(run, "conn %u: %zu replies still missing at the end", c->id, c->qlen);
			load_conn_fail(c, LOAD_ERR_TIMEOUT);
		}
		if (c->bev != NULL)
			load_conn_close(c);
	}
	event_base_loopexit(run->base, NULL);
}

/* Stops the run. */
void load_run_stop(struct load_run *run)
{
	struct timeval tv = { .tv_sec = LOAD_DRAIN_US / 1000000, .tv_usec = LOAD_DRAIN_US % 1000000 };

	if (run->stopping)
		return;
	run->stopping = true;
	run->end_us = load_now_us();
	evtimer_del(run->deadline);
	evtimer_del(run->round_timer);
	for (unsigned i = 0; i < run->opts.conns; i++) {
		struct load_conn *c = &run->conns[i];

		evtimer_del(c->timer);
		/* Idle, still connecting, or part way through a slow request: nothing to wait for. */
		if (c->bev != NULL && (c->qlen == 0 || !c->connected || evbuffer_get_length(c->drip) > 0))
			load_conn_close(c);
	}
	evtimer_add(run->drain, &tv);
	load_run_check_done(run);
}

/* The duration is up. */
static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	load_run_stop(arg);
}

/* A stop signal (stop.h): stop with the summary; a second one stops at once. */
static void on_stop(evutil_socket_t fd, short what, void *arg)
{
	struct load_run *run = arg;
	unsigned n = stop_drain();

	if (n == 0)
		return;
	if (run->stopping || n > 1) {
		event_base_loopbreak(run->base);
		return;
	}
	run->stop_signal = stop_signal();
	load_run_stop(run);
}

/* Redraws the progress line. */
static void on_progress(evutil_socket_t fd, short what, void *arg)
{
	struct load_run *run = arg;
	double t = (double)(load_now_us() - run->start_us) / 1e6;
	uint64_t reqs = load_stats_requests(&run->stats);
	unsigned open = 0;

	for (unsigned i = 0; i < run->opts.conns; i++)
		open += run->conns[i].connected || run->conns[i].ufd >= 0;
	fprintf(stderr, "\r\033[K%s %.1f/%.1f s  conns %u/%u  requests %" PRIu64 "  errors %" PRIu64
		"  %.0f/s",
		load_scenario_name(run->opts.scenario), t, run->opts.duration, open, run->opts.conns, reqs,
		load_stats_errors(&run->stats), t > 0 ? (double)reqs / t : 0.0);
	fflush(stderr);
}

/* Resolves host with port into addr; false with a message. */
static bool resolve(const char *host, int port, int socktype, struct sockaddr_storage *addr,
		    socklen_t *len)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = socktype }, *res = NULL;
	char service[16];
	int rc;

	snprintf(service, sizeof(service), "%d", port);
	rc = getaddrinfo(host, service, &hints, &res);
	if (rc != 0 || res == NULL) {
		diag_error("cannot resolve '%s': %s", host, gai_strerror(rc));
		return false;
	}
	memcpy(addr, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return true;
}

/* Connects once, blocking up to timeout_ms; false (errno set) when nothing accepts. */
static bool tcp_probe(const struct sockaddr *addr, socklen_t len, int timeout_ms)
{
	int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int err = 0;
	socklen_t errlen = sizeof(err);
	bool ok = false;

	if (fd < 0)
		return false;
	if (connect(fd, addr, len) == 0) {
		ok = true;
	} else if (errno == EINPROGRESS) {
		if (poll(&pfd, 1, timeout_ms) <= 0)
			err = ETIMEDOUT;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) != 0)
			err = errno;
		ok = err == 0;
	} else {
		err = errno;
	}
	close(fd);
	errno = err;
	return ok;
}

/* Finds the server. */
int load_run_prepare(struct load_run *run, const struct load_opts *opts)
{
	memset(run, 0, sizeof(*run));
	run->opts = *opts;
	if (opts->scenario == LOAD_UDP) {
		if (!resolve(opts->host, opts->udp_port, SOCK_DGRAM, &run->uaddr, &run->uaddrlen))
			return 69;
		if (!opts->no_probe && !load_udp_probe((struct sockaddr *)&run->uaddr, run->uaddrlen, PROBE_TIMEOUT_MS)) {
			diag_error("no answer over UDP from %s port %d", opts->host, opts->udp_port);
			return 69;
		}
		return 0;
	}
	if (!resolve(opts->host, opts->port, SOCK_STREAM, &run->addr, &run->addrlen))
		return 69;
	if (!opts->no_probe && !tcp_probe((struct sockaddr *)&run->addr, run->addrlen, PROBE_TIMEOUT_MS)) {
		diag_error("cannot connect to %s port %d: %s", opts->host, opts->port, strerror(errno));
		return 69;
	}
	return 0;
}

/* Runs the workload. */
int load_run_execute(struct load_run *run)
{
	struct timeval dur = { .tv_sec = (time_t)run->opts.duration,
			       .tv_usec = (suseconds_t)((run->opts.duration - (double)(time_t)run->opts.duration) * 1e6) };
	struct timeval tick = { .tv_usec = PROGRESS_US };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN; /* a reset connection shows as an error, not a signal */
	sigaction(SIGPIPE, &sa, NULL);
	run->base = event_base_new();
	run->conns = calloc(run->opts.conns, sizeof(*run->conns));
	if (run->base == NULL || run->conns == NULL)
		goto nomem;
	run->deadline = evtimer_new(run->base, on_deadline, run);
	run->drain = evtimer_new(run->base, on_drain, run);
	run->round_timer = evtimer_new(run->base, load_scenario_round, run);
	if (stop_fd() >= 0)
		run->stop_ev = event_new(run->base, stop_fd(), EV_READ | EV_PERSIST, on_stop, run);
	if (run->deadline == NULL || run->drain == NULL || run->round_timer == NULL ||
	    (stop_fd() >= 0 && run->stop_ev == NULL))
		goto nomem;
	for (unsigned i = 0; i < run->opts.conns; i++)
		run->conns[i].ufd = -1;
	for (unsigned i = 0; i < run->opts.conns; i++) {
		if (load_conn_init(&run->conns[i], run, i) != 0)
			goto nomem;
		if (run->opts.scenario == LOAD_UDP && load_udp_open(&run->conns[i]) != 0)
			return -1;
	}
	if (run->opts.progress) {
		run->progress_ev = event_new(run->base, -1, EV_PERSIST, on_progress, run);
		if (run->progress_ev == NULL)
			goto nomem;
		event_add(run->progress_ev, &tick);
	}
	if (run->stop_ev != NULL)
		event_add(run->stop_ev, NULL);
	run->start_us = load_now_us();
	evtimer_add(run->deadline, &dur);
	load_scenario_start(run);
	event_base_dispatch(run->base);
	if (!run->stopping)
		run->end_us = load_now_us();
	if (run->opts.progress) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	return 0;
nomem:
	diag_error("out of memory");
	return -1;
}

/* Frees the run. */
void load_run_free(struct load_run *run)
{
	if (run->conns != NULL)
		for (unsigned i = 0; i < run->opts.conns; i++)
			load_conn_free(&run->conns[i]);
	free(run->conns);
	run->conns = NULL;
	struct event **evs[] = { &run->deadline, &run->drain, &run->progress_ev, &run->stop_ev,
				 &run->round_timer };
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
		if (*evs[i] != NULL)
			event_free(*evs[i]);
		*evs[i] = NULL;
	}
	if (run->base != NULL)
		event_base_free(run->base);
	run->base = NULL;
}
