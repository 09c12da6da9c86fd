#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accept.h"
#include "conn.h"
#include "log.h"
#include "resp.h"
#include "settings.h"
#include "stats.h"
#include "thread.h"
#include "trace.h"

/* The main thread's listening conns, linked through c->link like a worker's. */
static struct thread_conn_link *listen_conns;
/* Guards listen_conns against "stats conns" on a worker; the main thread alone changes it. */
static pthread_mutex_t listen_conns_lock = PTHREAD_MUTEX_INITIALIZER;

/* Describes a socket's peer (TCP) or local address (listening, UDP) as "tcp:1.2.3.4:5678". */
static void conn_describe(struct conn *c, bool peer)
{
	struct sockaddr_storage addr;
	socklen_t len = sizeof(addr);
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;
	int rc = peer ? getpeername(c->sfd, (struct sockaddr *)&addr, &len)
		      : getsockname(c->sfd, (struct sockaddr *)&addr, &len);

	if (rc == 0 && addr.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&addr;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
	} else if (rc == 0 && addr.ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&addr;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
	}
	snprintf(c->peer, sizeof(c->peer), "%s:%s:%d",
		 wire_transport_name(c->transport), host, port);
}

/* Creates a conn and arms its event. */
struct conn *conn_new(int sfd, uint64_t id, enum conn_states init_state, int event_flags,
		      int read_buffer_size, enum transport transport, struct event_base *base,
		      struct worker *worker)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->sfd = sfd;
	c->id = id;
	c->transport = transport;
	c->base = base;
	c->worker = worker;
	c->write_and_go = conn_new_cmd;
	c->rsize = read_buffer_size > 0 ? (size_t)read_buffer_size : DATA_BUFFER_SIZE;
	c->rbuf = malloc(c->rsize);
	if (c->rbuf == NULL)
		goto fail;
	c->rcurr = c->rbuf;
	/* A listening conn never reads or replies: it has no store. */
	c->ctx.storage = worker != NULL ? worker->storage : NULL;
	resp_init(&c->resp, c->ctx.storage);
	c->ctx.stats = worker != NULL ? &worker->stats : NULL;
	c->ctx.settings = &settings;
	c->ctx.fd = sfd;
	c->last_cmd_time = clock_now();
	conn_describe(c, transport == TRANSPORT_TCP && init_state != conn_listening);

	/* The first state is set directly: there is no "from" state to report. */
	c->state = init_state;
	c->ev_flags = (short)event_flags;
	event_assign(&c->event, base, sfd, (short)event_flags, conn_event_handler, c);
	if (event_add(&c->event, NULL) != 0) {
		log_error("conn_new: cannot add the event for fd %d", sfd);
		goto fail;
	}
	__atomic_fetch_add(&server_stats.conn_structures, 1, __ATOMIC_RELAXED);
	if (worker != NULL) {
		thread_conn_add(worker, &c->link, c);
	} else {
		c->link.conn = c;
		pthread_mutex_lock(&listen_conns_lock);
		c->link.next = listen_conns;
		listen_conns = &c->link;
		pthread_mutex_unlock(&listen_conns_lock);
	}
	if (worker != NULL)
		TRACE(conn_new, (int64_t)id, sfd, transport);
	log_verbose(2, "<%d new %s client connection\n", sfd,
		    wire_transport_name(transport));
	return c;
fail:
	resp_destroy(&c->resp);
	free(c->rbuf);
	free(c);
	return NULL;
}

/* Changes a conn's state. */
void conn_set_state(struct conn *c, enum conn_states state)
{
	enum conn_states from = c->state;

	if (state == from)
		return;
	log_verbose(3, "%d: going from %s to %s\n", c->sfd, wire_state_name(from),
		    wire_state_name(state));
	TRACE(state, (int64_t)c->id, c->sfd, from, state);
	__atomic_store_n(&c->state, state, __ATOMIC_RELAXED);
}

/* Re-arms the conn's event. */
bool conn_update_event(struct conn *c, int new_flags)
{
	if (c->ev_flags == new_flags)
		return true;
	if (event_del(&c->event) == -1)
		return false;
	event_assign(&c->event, c->base, c->sfd, (short)new_flags, conn_event_handler, c);
	c->ev_flags = (short)new_flags;
	return event_add(&c->event, NULL) == 0;
}

/* Frees a conn's memory. */
void conn_free(struct conn *c)
{
	if (c->pending.item != NULL)
		storage_item_release(c->ctx.storage, c->pending.item);
	resp_destroy(&c->resp);
	free(c->rbuf);
	free(c);
}

/* Closes a conn. */
void conn_close(struct conn *c, enum close_reason reason)
{
	struct worker *w = c->worker;

	c->close_reason = reason;
	event_del(&c->event);
	log_verbose(2, "<%d connection closed.\n", c->sfd);
	/* However it is closed (drive_machine, shutdown, an error), a conn passes through
	 * conn_closing, so the trace shows only moves the transitions table has. */
	conn_set_state(c, conn_closing);
	conn_set_state(c, conn_closed);
	if (w != NULL)
		TRACE(conn_close, (int64_t)c->id, c->sfd, reason);
	close(c->sfd);
	if (w != NULL)
		thread_conn_remove(w, &c->link);
	if (c->transport == TRANSPORT_TCP && c->worker != NULL)
		accept_conn_closed();
	conn_free(c);
}

/* libevent's callback for every conn. */
void conn_event_handler(evutil_socket_t fd, short which, void *arg)
{
	struct conn *c = arg;

	c->which = which;
	if (fd != c->sfd) {
		log_error("conn_event_handler: event for fd %d on conn of fd %d", (int)fd, c->sfd);
		conn_close(c, CLOSE_ERROR);
		return;
	}
	drive_machine(c);
}

/* Calls fn for every conn under its owner's list lock. */
void conn_foreach(void (*fn)(struct conn *c, int thr, void *arg), void *arg)
{
	pthread_mutex_lock(&listen_conns_lock);
	for (struct thread_conn_link *link = listen_conns; link != NULL; link = link->next)
		fn(link->conn, -1, arg);
	pthread_mutex_unlock(&listen_conns_lock);
	thread_conn_foreach(fn, arg);
}

/* Writes the stats lines of one conn. */
static void conn_stats_one(struct conn *c, int thr, void *arg)
{
	struct resp *out = arg;
	rel_time_t now = clock_now();
	rel_time_t last = __atomic_load_n(&c->last_cmd_time, __ATOMIC_RELAXED);
	char owner[16] = "main";

	if (thr >= 0)
		snprintf(owner, sizeof(owner), "w%d", thr);
	resp_printf(out,
		    "STAT %d:addr %s\r\n"
		    "STAT %d:state %s\r\n"
		    "STAT %d:worker %s\r\n"
		    "STAT %d:id %llu\r\n"
		    "STAT %d:secs_since_last_cmd %u\r\n",
		    c->sfd, c->peer, c->sfd,
		    wire_state_name(__atomic_load_n(&c->state, __ATOMIC_RELAXED)),
		    c->sfd, owner, c->sfd, (unsigned long long)c->id,
		    c->sfd, now > last ? now - last : 0);
}

/* Writes "stats conns". */
void conn_stats_write(struct resp *out)
{
	conn_foreach(conn_stats_one, out);
}

/* Starts or stops watching every listening conn. */
void conn_listening_enable(bool on)
{
	/* Only the main thread changes the list, and this is the main thread: no lock. */
	for (struct thread_conn_link *link = listen_conns; link != NULL; link = link->next) {
		struct conn *c = link->conn;

		if (c->transport != TRANSPORT_TCP)
			continue;
		if (!on)
			event_del(&c->event);
		else if (event_add(&c->event, NULL) != 0)
			log_error("cannot resume accepting on fd %d", c->sfd);
	}
}

/* Closes and frees every listening conn (main thread, at shutdown). */
void conn_close_listening(void)
{
	pthread_mutex_lock(&listen_conns_lock);
	struct thread_conn_link *link = listen_conns;
	listen_conns = NULL;
	pthread_mutex_unlock(&listen_conns_lock);
	while (link != NULL) {
		struct conn *c = link->conn;
		link = link->next;
		event_del(&c->event);
		close(c->sfd);
		conn_free(c);
	}
}
