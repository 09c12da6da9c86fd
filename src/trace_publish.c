#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl_parse.h"
#include "dispatch.h"
#include "log.h"
#include "settings.h"
#include "thread.h"
#include "trace.h"
#include "trace_format.h"
#include "trace_gate.h"
#include "trace_publish.h"
#include "trace_release.h"
#include "trace_ring.h"
#include "trace_snapshot.h"
#include "trace_socket.h"

/* A client that lags this far behind loses events instead of holding them up. */
/* Records moved per drain, so that control commands are answered promptly under load. */
#define DRAIN_BUDGET 65536
/* How often the rings are drained while anybody listens. */
#define DRAIN_INTERVAL_US 1000

struct trace_client {
	struct bufferevent *bev;
	struct trace_client *next;
	bool filtered;
	uint64_t ev_mask;
	uint64_t thr_mask[CTL_THR_WORDS];
	bool discarding;         /* the rest of an over-long command line is thrown away */
	bool controller;         /* sent a control command: its leaving may release the server */
	uint64_t *pending_drops; /* per thread (ring index): events lost, not yet reported */
	size_t peak;             /* the most its output has held: what its leaving may free */
};

static struct event_base *pub_base;
static pthread_t pub_thread;
static int listen_fd = -1;
static struct event *listen_event, *drain_event, *stop_event, *signal_event, *release_event;
static struct trace_client *clients;
static char socket_path[108];
static int pub_tcp_port, pub_udp_port;
static int controllers;
static void (*signal_handler)(int signal_fd);

/* True when the client's filter lets the record through. */
static bool client_wants(const struct trace_client *cl, int ev, int thr)
{
	/* A filter without ev= or thr= carries every bit of that part. */
	return !cl->filtered || ((cl->ev_mask >> ev & 1) && ctl_thr_mask_has(cl->thr_mask, thr));
}

/* True when a client has more queued than it may. */
static bool client_full(struct trace_client *cl)
{
	size_t len = evbuffer_get_length(bufferevent_get_output(cl->bev));

	if (len > cl->peak)
		cl->peak = len;
	return len > settings.trace_buffer;
}

/* Writes a dropped line for thread ring index ri's losses, if any, before what comes next. */
static void report_drops(struct trace_client *cl, int ri, uint64_t ts, uint64_t seq)
{
	char line[TRACE_LINE_MAX];

	if (cl->pending_drops[ri] == 0)
		return;
	struct trace_rec d = TRACE_REC(dropped, (int64_t)cl->pending_drops[ri]);

	d.ts = ts;
	d.seq = seq;
	d.thr = (int16_t)trace_ring_thr(ri);
	evbuffer_add(bufferevent_get_output(cl->bev), line, trace_format(&d, line));
	cl->pending_drops[ri] = 0;
}

/* Sends one record's line to every client that wants it, reporting earlier losses first. */
static void broadcast(const struct trace_rec *r)
{
	char line[TRACE_LINE_MAX];
	size_t n = 0;
	int ri = trace_ring_index(r->thr);

	for (struct trace_client *cl = clients; cl != NULL; cl = cl->next) {
		struct evbuffer *out = bufferevent_get_output(cl->bev);

		if (!client_wants(cl, r->ev, r->thr))
			continue;
		if (client_full(cl)) {
			cl->pending_drops[ri]++;
			__atomic_fetch_add(&trace_counters.dropped, 1, __ATOMIC_RELAXED);
			continue;
		}
		report_drops(cl, ri, r->ts, r->seq);
		if (n == 0)
			n = trace_format(r, line);
		evbuffer_add(out, line, n);
	}
}

/* Records events while some client can take them; only counts them while none can. */
static void update_record_mode(void)
{
	bool all_full = clients != NULL;

	for (struct trace_client *cl = clients; cl != NULL && all_full; cl = cl->next)
		all_full = client_full(cl);
	if (all_full) {
		__atomic_fetch_or(&trace_on, TRACE_COUNT, __ATOMIC_RELAXED);
		__atomic_fetch_and(&trace_on, ~TRACE_RECORD, __ATOMIC_RELAXED);
	} else if (clients != NULL) {
		__atomic_fetch_or(&trace_on, TRACE_RECORD, __ATOMIC_RELAXED);
		__atomic_fetch_and(&trace_on, ~TRACE_COUNT, __ATOMIC_RELAXED);
	} else {
		__atomic_fetch_and(&trace_on, ~(TRACE_RECORD | TRACE_COUNT), __ATOMIC_RELAXED);
	}
}

/* Moves records from every ring to the clients, oldest seq first. */
static void drain(void)
{
	int nrings = trace_nrings();
	struct trace_rec r;

	/* Losses in a ring are reported before that thread's next line. */
	for (int i = 0; i < nrings; i++) {
		uint64_t lost = trace_ring_take_dropped(trace_ring_of(trace_ring_thr(i)));
		if (lost == 0)
			continue;
		for (struct trace_client *cl = clients; cl != NULL; cl = cl->next)
			cl->pending_drops[i] += lost;
	}
	for (int budget = DRAIN_BUDGET; budget > 0; budget--) {
		struct trace_ring *oldest = NULL;
		uint64_t oldest_seq = UINT64_MAX;

		for (int i = 0; i < nrings; i++) {
			const struct trace_rec *head = trace_ring_peek(trace_ring_of(trace_ring_thr(i)));
			if (head != NULL && head->seq < oldest_seq) {
				oldest_seq = head->seq;
				oldest = trace_ring_of(trace_ring_thr(i));
			}
		}
		if (oldest == NULL || !trace_ring_pop(oldest, &r))
			break;
		broadcast(&r);
	}
	update_record_mode();
}

/* Publisher: the drain timer. */
static void drain_cb(evutil_socket_t fd, short which, void *arg)
{
	drain();
}

/* Sends one answer line to a client. */
static void answer(struct trace_client *cl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void answer(struct trace_client *cl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	evbuffer_add_vprintf(bufferevent_get_output(cl->bev), fmt, ap);
	va_end(ap);
	evbuffer_add(bufferevent_get_output(cl->bev), "\n", 1);
}

/* Sends every client a line the publisher makes itself (as the main thread's), after what is queued. */
static void announce(struct trace_rec r)
{
	drain();
	r.ts = trace_now();
	r.seq = trace_next_seq();
	r.thr = TRACE_THR_MAIN;
	broadcast(&r);
}

/* step main / step wK: answers at once, whether or not the thread can move now. */
static void control_step_thread(struct trace_client *cl, int thr, unsigned count)
{
	char name[16];

	trace_thr_name(thr, name, sizeof(name));
	switch (trace_gate_step_thread(thr, count)) {
	case TRACE_GATE_STEP_REFUSED:
		if (thr == TRACE_THR_MAIN)
			answer(cl, "error not paused (send pause first)");
		else
			answer(cl, "error not paused and %s is not frozen (send pause or freeze %s first)",
			       name, name);
		break;
	case TRACE_GATE_STEP_WAITING:
		answer(cl, "ok step %s %u", name, count);
		break;
	case TRACE_GATE_STEP_IDLE:
		/* Not at a gate: blocked in its event loop, or on its way to its next trace point. */
		answer(cl, "ok step %s %u idle", name, count);
		break;
	}
}

/* Runs the step-mode commands. */
static void control_gates(struct trace_client *cl, const struct ctl_cmd *cmd)
{
	char name[16];

	switch (cmd->cmd) {
	case CTL_pause:
		if (trace_gate_pause())
			announce(TRACE_REC(paused, WIRE_ABSENT, WIRE_ABSENT));
		answer(cl, "ok paused");
		break;
	case CTL_resume:
		/* Said before the threads go, so that what they do next comes after it in the
		 * stream (a frozen worker's gate, say). Only this thread resumes: still paused. */
		if (trace_gate_paused())
			announce(TRACE_REC(resumed));
		trace_gate_resume();
		answer(cl, "ok resumed");
		break;
	case CTL_step:
		if (cmd->thr != CTL_THR_ANY)
			control_step_thread(cl, cmd->thr, cmd->count);
		else if (!trace_gate_step(cmd->count))
			answer(cl, "error not paused (send pause first)");
		else
			answer(cl, "ok step %u", cmd->count);
		break;
	case CTL_freeze:
	case CTL_thaw:
		trace_gate_freeze(cmd->worker, cmd->cmd == CTL_freeze);
		answer(cl, "ok %s %s", cmd->cmd == CTL_freeze ? "frozen" : "thawed",
		       trace_thr_name(cmd->worker, name, sizeof(name)));
		break;
	case CTL_delay:
		trace_gate_delay(cmd->worker, cmd->delay_ms);
		announce(TRACE_REC(delay, cmd->worker, cmd->delay_ms));
		answer(cl, "ok delay %s %u", trace_thr_name(cmd->worker, name, sizeof(name)),
		       cmd->delay_ms);
		break;
	case CTL_break:
		trace_gate_break(cmd->off ? 0 : cmd->ev_mask, cmd->off ? -1 : cmd->break_state);
		answer(cl, cmd->off ? "ok break off" : "ok break set");
		break;
	default:
		answer(cl, "error %s is not available in this version", wire_ctl_name(cmd->cmd));
		break;
	}
}

/* Runs one control command from a client. */
static void control(struct trace_client *cl, const char *line, size_t len)
{
	struct ctl_cmd cmd;
	char err[256];

	/* An answer comes after every event recorded before its command: a reader can use one as a barrier. */
	drain();
	if (ctl_parse(line, len, num_workers, &cmd, err, sizeof(err)) != 0) {
		answer(cl, "error %s", err);
		return;
	}
	/* Whoever steers the server is a controller: when the last one leaves, it runs free. */
	if (cmd.cmd != CTL_filter && !cl->controller) {
		cl->controller = true;
		controllers++;
	}
	switch (cmd.cmd) {
	case CTL_filter:
		cl->filtered = !cmd.off;
		cl->ev_mask = cmd.ev_mask;
		memcpy(cl->thr_mask, cmd.thr_mask, sizeof(cl->thr_mask));
		answer(cl, "ok");
		break;
	case CTL_dispatch: {
		if (cmd.policy == DISPATCH_CUSTOM && !dispatch_custom_present()) {
			answer(cl, "error dispatch custom: this mcscoped has no custom policy (a lab build plugs one in)");
			break;
		}
		__atomic_store_n(&dispatcher.policy, cmd.policy, __ATOMIC_RELAXED);
		announce(TRACE_REC(policy, cmd.policy));
		answer(cl, "ok dispatch=%s", wire_policy_name(cmd.policy));
		break;
	}
	default:
		control_gates(cl, &cmd);
		break;
	}
}

/* Forgets a client. */
static void client_free(struct trace_client *cl)
{
	for (struct trace_client **p = &clients; *p != NULL; p = &(*p)->next) {
		if (*p == cl) {
			*p = cl->next;
			break;
		}
	}
	if (cl->controller && --controllers == 0) {
		/* A dashboard that dies never leaves the server stopped. */
		bool was_paused = trace_gate_paused();
		unsigned delays[SETTINGS_MAX_THREADS];
		for (int i = 0; i < num_workers; i++)
			delays[i] = trace_gate_delay_of(i);
		if (was_paused)
			announce(TRACE_REC(resumed));
		trace_gate_reset();
		for (int i = 0; i < num_workers; i++)
			if (delays[i] != 0)
				announce(TRACE_REC(delay, i, 0));
	}
	size_t held = cl->peak;
	bufferevent_free(cl->bev);
	free(cl->pending_drops);
	free(cl);
	__atomic_fetch_sub(&trace_counters.clients, 1, __ATOMIC_RELAXED);
	update_record_mode();
	if (clients == NULL) {
		/* Nobody listens: trace points go back to costing a branch (unless gates are set). */
		event_del(drain_event);
		drain();
	}
	if (trace_release_left(held, clients == NULL)) {
		/* bufferevent_free only schedules the finalizers that free its buffers; a timeout
		 * of zero runs after them, on the loop's next pass. */
		struct timeval now = { 0, 0 };
		event_add(release_event, &now);
	}
}

/* Publisher: clients that held much have left and their buffers are freed. */
static void release_cb(evutil_socket_t fd, short which, void *arg)
{
	trace_release_run();
}

/* Publisher: command lines from a client. */
static void client_read_cb(struct bufferevent *bev, void *arg)
{
	struct trace_client *cl = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len;
	char *line;

	for (;;) {
		line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF);
		if (line == NULL)
			break;
		if (cl->discarding) {
			cl->discarding = false;
		} else if (len > CTL_LINE_MAX) {
			answer(cl, "error line too long (at most %d bytes)", CTL_LINE_MAX);
		} else {
			control(cl, line, len);
		}
		free(line);
	}
	/* A line that never ends must not grow without bound. */
	if (evbuffer_get_length(in) > CTL_LINE_MAX) {
		evbuffer_drain(in, evbuffer_get_length(in));
		if (!cl->discarding)
			answer(cl, "error line too long (at most %d bytes)", CTL_LINE_MAX);
		cl->discarding = true;
	}
}

/* Publisher: a lagging client has caught up to half its buffer: tell it now what it lost,
 * rather than when its threads next have something to say. */
static void client_write_cb(struct bufferevent *bev, void *arg)
{
	struct trace_client *cl = arg;

	/* Losses counted while every client was full are in the rings' counters: collect them. */
	drain();
	for (int i = 0; i < trace_nrings(); i++)
		report_drops(cl, i, trace_now(), trace_last_seq());
	update_record_mode();
}

/* Publisher: a client went away or failed. */
static void client_event_cb(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		client_free(arg);
}

/* Refuses a peer of another user. */
static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return false;
	if (cred.uid == getuid())
		return true;
	char msg[128];
	int n = snprintf(msg, sizeof(msg), "error permission denied: uid %u is not the server's\n",
			 (unsigned)cred.uid);
	if (write(fd, msg, (size_t)n) < 0) {
		/* Nothing more to tell a peer that can't be written to. */
	}
	return false;
}

/* Tells a peer one line and lets it go; a peer that cannot be written to learns nothing. */
static void refuse(int fd, const char *line)
{
	if (send(fd, line, strlen(line), MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		/* Nothing more to tell it. */
	}
	close(fd);
}

/* Publisher: a new client connects: hello, snapshot, then live events. */
static void accept_cb(evutil_socket_t fd, short which, void *arg)
{
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct trace_client *cl;

	if (cfd < 0)
		return;
	if (!peer_allowed(cfd)) {
		close(cfd);
		return;
	}
	/* A cap on clients is a cap on what they can cost: each may buffer --trace-buffer bytes. */
	if (__atomic_load_n(&trace_counters.clients, __ATOMIC_RELAXED) >= (uint64_t)settings.trace_clients_max) {
		char line[128];
		snprintf(line, sizeof(line), "error too many trace clients (%d, --trace-clients): try again later\n",
			 settings.trace_clients_max);
		__atomic_fetch_add(&trace_counters.refused, 1, __ATOMIC_RELAXED);
		refuse(cfd, line);
		return;
	}
	cl = calloc(1, sizeof(*cl));
	if (cl == NULL)
		goto fail;
	cl->pending_drops = calloc((size_t)trace_nrings(), sizeof(*cl->pending_drops));
	cl->bev = bufferevent_socket_new(pub_base, cfd, BEV_OPT_CLOSE_ON_FREE);
	if (cl->pending_drops == NULL || cl->bev == NULL)
		goto fail;
	/* Older events go to the clients that were there; this one starts from the snapshot. */
	drain();
	__atomic_fetch_or(&trace_on, TRACE_RECORD, __ATOMIC_RELAXED);
	__atomic_fetch_and(&trace_on, ~TRACE_COUNT, __ATOMIC_RELAXED);
	trace_snapshot_write(bufferevent_get_output(cl->bev), pub_tcp_port, pub_udp_port);
	bufferevent_setcb(cl->bev, client_read_cb, client_write_cb, client_event_cb, cl);
	bufferevent_setwatermark(cl->bev, EV_WRITE, settings.trace_buffer / 2, 0);
	bufferevent_enable(cl->bev, EV_READ | EV_WRITE);
	if (clients == NULL) {
		struct timeval tv = { 0, DRAIN_INTERVAL_US };
		event_add(drain_event, &tv);
	}
	cl->next = clients;
	clients = cl;
	__atomic_fetch_add(&trace_counters.clients, 1, __ATOMIC_RELAXED);
	return;
fail:
	log_error("trace: out of memory for a client");
	if (cl != NULL && cl->bev != NULL)
		bufferevent_free(cl->bev);
	else
		close(cfd);
	if (cl != NULL)
		free(cl->pending_drops);
	free(cl);
}

/*
 * Writes what a client's output holds, as much as its socket takes now. The
 * bufferevent owns its output's start (evbuffer_write leaves a frozen start
 * alone), so this copies from it and never waits.
 */
static void flush_now(struct trace_client *cl)
{
	struct evbuffer *out = bufferevent_get_output(cl->bev);
	size_t len = evbuffer_get_length(out), done = 0;
	const unsigned char *p = len > 0 ? evbuffer_pullup(out, -1) : NULL;

	while (p != NULL && done < len) {
		ssize_t n = send(bufferevent_getfd(cl->bev), p + done, len - done, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
}

/* Publisher: deliver what is left (the workers' shutdown events), then leave the loop. */
static void stop_cb(evutil_socket_t fd, short which, void *arg)
{
	drain();
	/* One last non-blocking write each: a client that doesn't keep up loses the tail. */
	for (struct trace_client *cl = clients; cl != NULL; cl = cl->next)
		flush_now(cl);
	event_base_loopbreak(pub_base);
}

/* Publisher: a stop signal, when the main thread can't take it. */
static void signal_cb(evutil_socket_t fd, short which, void *arg)
{
	signal_handler((int)fd);
}

/* The publisher thread. */
static void *publisher(void *arg)
{
	event_base_loop(pub_base, 0);
	return NULL;
}

/* Claims the socket and starts the thread. */
int trace_publish_start(const struct settings *s, int tcp_port, int udp_port, int signal_fd,
			void (*on_signal)(int signal_fd))
{
	signal_handler = on_signal;
	pub_tcp_port = tcp_port;
	pub_udp_port = udp_port;
	if (s->trace_socket != NULL)
		snprintf(socket_path, sizeof(socket_path), "%s", s->trace_socket);
	else if (trace_socket_default_path(tcp_port, socket_path, sizeof(socket_path)) != 0) {
		log_error("the default trace socket path is too long; use --trace-socket");
		return -1;
	}
	listen_fd = trace_socket_listen(socket_path);
	if (listen_fd < 0)
		return -1;
	pub_base = event_base_new();
	if (pub_base == NULL)
		goto fail;
	listen_event = event_new(pub_base, listen_fd, EV_READ | EV_PERSIST, accept_cb, NULL);
	drain_event = event_new(pub_base, -1, EV_PERSIST, drain_cb, NULL);
	stop_event = event_new(pub_base, -1, 0, stop_cb, NULL);
	release_event = event_new(pub_base, -1, 0, release_cb, NULL);
	signal_event = event_new(pub_base, signal_fd, EV_READ | EV_PERSIST, signal_cb, NULL);
	if (listen_event == NULL || drain_event == NULL || stop_event == NULL ||
	    signal_event == NULL || release_event == NULL || event_add(listen_event, NULL) != 0 ||
	    event_add(signal_event, NULL) != 0)
		goto fail;
	if (pthread_create(&pub_thread, NULL, publisher, NULL) != 0)
		goto fail;
	log_verbose(1, "trace socket: %s\n", socket_path);
	return 0;
fail:
	log_error("cannot start the trace publisher");
	pub_thread = 0;
	trace_publish_stop();
	return -1;
}

/* Stops the thread and cleans up. */
void trace_publish_stop(void)
{
	if (pub_thread != 0) {
		event_active(stop_event, EV_TIMEOUT, 0);
		pthread_join(pub_thread, NULL);
		pub_thread = 0;
	}
	while (clients != NULL)
		client_free(clients);
	__atomic_fetch_and(&trace_on, ~(TRACE_RECORD | TRACE_COUNT), __ATOMIC_RELAXED);
	if (listen_event != NULL)
		event_free(listen_event);
	if (drain_event != NULL)
		event_free(drain_event);
	if (stop_event != NULL)
		event_free(stop_event);
	if (signal_event != NULL)
		event_free(signal_event);
	if (release_event != NULL)
		event_free(release_event);
	listen_event = drain_event = stop_event = signal_event = release_event = NULL;
	if (pub_base != NULL)
		event_base_free(pub_base);
	pub_base = NULL;
	if (listen_fd >= 0) {
		close(listen_fd);
		unlink(socket_path);
		listen_fd = -1;
	}
}
