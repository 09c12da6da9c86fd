/*
 * drive_machine.c: memcached's per-connection state machine.
 *
 * Every conn, listening or client, is driven here whenever libevent says
 * its socket is ready. The machine loops through states until one of them
 * must wait for the socket (stop), re-arming the event it waits for.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "accept.h"
#include "conn.h"
#include "dispatch.h"
#include "log.h"
#include "settings.h"
#include "stats.h"
#include "trace.h"
#include "udp.h"

enum try_read_result {
	READ_DATA_RECEIVED,
	READ_NO_DATA_RECEIVED,
	READ_ERROR,        /* EOF or a socket error: close */
	READ_MEMORY_ERROR, /* the read buffer cannot grow: close */
};

/* Counts bytes a worker read. */
static void count_read(struct conn *c, size_t n)
{
	if (c->ctx.stats != NULL)
		STATS_ADD(c->ctx.stats, bytes_read, n);
}

/* Reads what the socket has into rbuf, growing it as needed (memcached's try_read_network). */
static enum try_read_result try_read_network(struct conn *c)
{
	enum try_read_result got = READ_NO_DATA_RECEIVED;
	int grown = 0;

	if (c->rcurr != c->rbuf) {
		if (c->rbytes != 0)
			memmove(c->rbuf, c->rcurr, c->rbytes);
		c->rcurr = c->rbuf;
	}
	for (;;) {
		if (c->rbytes >= c->rsize) {
			size_t line_len, consumed;

			/* Grow at most four times per event, so one client can't monopolise a worker. */
			if (grown == 4)
				return got;
			/* Past memcached's buffer only for a long get: a full buffer with no
			 * newline is otherwise a line too long. */
			if (c->rsize >= READ_BUFFER_SIZE &&
			    proto_text_find_line(c->rbuf, c->rbytes, &line_len, &consumed) !=
				    PROTO_LINE_MORE)
				return got;
			char *bigger = realloc(c->rbuf, c->rsize * 2);
			if (bigger == NULL) {
				log_error("conn %d: cannot grow the read buffer", c->sfd);
				c->rbytes = 0;
				return READ_MEMORY_ERROR;
			}
			c->rcurr = c->rbuf = bigger;
			c->rsize *= 2;
			grown++;
		}
		size_t avail = c->rsize - c->rbytes;
		ssize_t res = read(c->sfd, c->rbuf + c->rbytes, avail);
		if (res > 0) {
			count_read(c, (size_t)res);
			got = READ_DATA_RECEIVED;
			c->rbytes += (size_t)res;
			if ((size_t)res == avail)
				continue;
			break;
		}
		/* What came before the end is run first, as memcached does: the next read
		 * finds the end again. */
		if (res == 0) {
			if (got == READ_DATA_RECEIVED)
				break;
			c->close_reason = CLOSE_EOF;
			return READ_ERROR;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK || got == READ_DATA_RECEIVED)
			break;
		c->close_reason = CLOSE_ERROR;
		return READ_ERROR;
	}
	return got;
}

/* Reads one datagram and strips its frame header (memcached's try_read_udp). */
static enum try_read_result try_read_udp(struct conn *c)
{
	struct udp_header hdr;
	ssize_t res;

	c->request_addr_size = sizeof(c->request_addr);
	res = recvfrom(c->sfd, c->rbuf, c->rsize, 0, (struct sockaddr *)&c->request_addr,
		       &c->request_addr_size);
	/* As memcached: a datagram with nothing past its header is dropped. */
	if (res <= UDP_HEADER_SIZE ||
	    udp_header_decode((const uint8_t *)c->rbuf, (size_t)res, &hdr) != 0)
		return READ_NO_DATA_RECEIVED;
	count_read(c, (size_t)res);
	c->request_id = hdr.request_id;
	/* Requests that span several datagrams are not supported: memcached drops them,
	 * without a word. A binary protocol request is not answered either. */
	if (hdr.count != 1 || (uint8_t)c->rbuf[UDP_HEADER_SIZE] == PROTO_BINARY_MAGIC)
		return READ_NO_DATA_RECEIVED;
	memmove(c->rbuf, c->rbuf + UDP_HEADER_SIZE, (size_t)res - UDP_HEADER_SIZE);
	c->rbytes = (size_t)res - UDP_HEADER_SIZE;
	c->rcurr = c->rbuf;
	return READ_DATA_RECEIVED;
}

/* After a value read (nread, swallow): counts bytes, or closes on EOF/error, or waits on EAGAIN.
 * Returns true when the machine must stop until the socket is readable. */
static bool read_outcome(struct conn *c, ssize_t res)
{
	if (res > 0) {
		count_read(c, (size_t)res);
		return false;
	}
	if (res < 0 && errno == EINTR)
		return false;
	if (res < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		if (conn_update_event(c, EV_READ | EV_PERSIST))
			return true;
		log_error("conn %d: cannot re-arm the read event", c->sfd);
	}
	c->close_reason = res == 0 ? CLOSE_EOF : CLOSE_ERROR;
	conn_set_state(c, conn_closing);
	return false;
}

/* Records the cmd event of the command just processed. */
static void trace_cmd(struct conn *c, enum proto_action action)
{
	struct trace_rec r = TRACE_REC(cmd, (int64_t)c->id, c->ctx.nkeys,
				       action == PROTO_NREAD ? (int64_t)c->pending.vlen - 2 : 0);
	const char *verb = c->ctx.verb != NULL ? c->ctx.verb : "unknown";
	size_t n = strlen(verb);

	/* A plain copy: this runs for every command while anybody listens. */
	memcpy(r.s, verb, n < sizeof(r.s) ? n : sizeof(r.s) - 1);
	trace_point(&r, true);
}

/* Moves on once a command's reply is queued. memcached 1.6 holds replies while more input
 * is buffered and sends them together once it runs out (or a get, or a yield, flushes
 * them): a client that stops inside a later command's value never sees them. */
static void reply_or_hold(struct conn *c)
{
	c->write_and_go = conn_new_cmd;
	conn_set_state(c, resp_empty(&c->resp) || c->rbytes > 0 ? conn_new_cmd : conn_write);
}

/* Sends the replies held so far, then goes on to next. */
static void flush_held(struct conn *c, enum conn_states next)
{
	c->write_and_go = next;
	conn_set_state(c, conn_write);
}

/* Runs one command line and moves to the state its action needs. */
static void process_command(struct conn *c, char *line, size_t len)
{
	enum proto_action action;

	__atomic_store_n(&c->last_cmd_time, clock_now(), __ATOMIC_RELAXED);
	/* Behind held replies, this command's is a response of its own (for UDP's datagrams). */
	resp_start_next(&c->resp);
	action = proto_text_process(&c->ctx, &c->resp, line, len, &c->pending);
	if (TRACE_ON())
		trace_cmd(c, action);
	switch (action) {
	case PROTO_WRITE:
		reply_or_hold(c);
		break;
	case PROTO_MWRITE:
		conn_set_state(c, conn_mwrite);
		break;
	case PROTO_NREAD:
		c->ritem = item_data(c->pending.item);
		c->rlbytes = c->pending.vlen;
		conn_set_state(c, conn_nread);
		break;
	case PROTO_SWALLOW:
		/* memcached 1.6 queues the error and discards the value first: a client
		 * that never sends the value never sees the error. */
		c->sbytes = c->pending.vlen;
		conn_set_state(c, conn_swallow);
		break;
	case PROTO_QUIT:
		c->close_reason = CLOSE_QUIT;
		if (c->transport == TRANSPORT_UDP) {
			/* quit's own response is empty but sent: a bare header, when it
			 * comes first. */
			c->udp_quit = true;
			if (resp_start(&c->resp) == 0) {
				flush_held(c, conn_closing);
				break;
			}
		}
		/* memcached sends the replies it held before it closes. */
		if (!resp_empty(&c->resp))
			flush_held(c, conn_closing);
		else
			conn_set_state(c, conn_closing);
		break;
	case PROTO_CLOSE:
		/* What was held is lost, as in memcached. */
		c->close_reason = CLOSE_QUIT;
		conn_set_state(c, conn_closing);
		break;
	}
}

/* Looks for a whole command line; false when more bytes are needed. */
static bool try_read_command(struct conn *c)
{
	size_t line_len, consumed;
	char *line = c->rcurr;

	if (c->rbytes == 0)
		return false;
	/* memcached picks the protocol by a connection's first byte: the binary one is
	 * not spoken here, so such a connection is hung up on without a word. */
	if (!c->negotiated && c->transport == TRANSPORT_TCP) {
		c->negotiated = true;
		if ((uint8_t)c->rcurr[0] == PROTO_BINARY_MAGIC) {
			c->close_reason = CLOSE_ERROR;
			conn_set_state(c, conn_closing);
			return true;
		}
	}
	switch (proto_text_find_line(c->rcurr, c->rbytes, &line_len, &consumed)) {
	case PROTO_LINE_MORE:
		return false;
	case PROTO_LINE_TOO_LONG:
		c->close_reason = CLOSE_ERROR;
		conn_set_state(c, conn_closing);
		return true;
	case PROTO_LINE_READY:
		break;
	}
	/* Consume the line first: a storage command's value follows it in rbuf. */
	c->rcurr += consumed;
	c->rbytes -= consumed;
	process_command(c, line, line_len);
	return true;
}

/* Prepares for the next command: shrinks an oversized buffer; sends held replies when the
 * input has run out. */
static void reset_cmd_handler(struct conn *c)
{
	if (c->rbytes == 0 && c->rsize > 8 * DATA_BUFFER_SIZE && c->transport == TRANSPORT_TCP) {
		char *smaller = realloc(c->rbuf, DATA_BUFFER_SIZE);
		if (smaller != NULL) {
			c->rbuf = smaller;
			c->rsize = DATA_BUFFER_SIZE;
		}
	}
	if (c->rbytes == 0)
		c->rcurr = c->rbuf;
	if (c->rbytes > 0)
		conn_set_state(c, conn_parse_cmd);
	else if (!resp_empty(&c->resp))
		flush_held(c, conn_new_cmd);
	else
		conn_set_state(c, conn_waiting);
}

/* A storage command's value is all here: store it and queue the reply. */
static void complete_nread(struct conn *c)
{
	proto_text_complete_nread(&c->ctx, &c->resp, &c->pending);
	reply_or_hold(c);
}

enum transmit_result { TRANSMIT_COMPLETE, TRANSMIT_SOFT_ERROR, TRANSMIT_HARD_ERROR };

/* Sends the queued reply: as much as the socket takes (TCP), or every datagram (UDP). */
static enum transmit_result transmit(struct conn *c)
{
	size_t written = 0;

	if (c->transport == TRANSPORT_UDP) {
		/* What is sent is all memcached would flush at once. */
		bool sent_any = false;

		/* A datagram the kernel won't take is lost, as UDP replies may be. */
		udp_send_reply(c->sfd, &c->resp, c->request_id, (struct sockaddr *)&c->request_addr,
			       c->request_addr_size, &sent_any);
		if (c->ctx.stats != NULL)
			STATS_ADD(c->ctx.stats, bytes_written, c->resp.total);
		return TRANSMIT_COMPLETE;
	}
	enum resp_status st = resp_write(&c->resp, c->sfd, &written);
	if (c->ctx.stats != NULL && written > 0)
		STATS_ADD(c->ctx.stats, bytes_written, written);
	switch (st) {
	case RESP_DONE:
		return TRANSMIT_COMPLETE;
	case RESP_AGAIN:
		return TRANSMIT_SOFT_ERROR;
	case RESP_ERROR:
		break;
	}
	c->close_reason = CLOSE_ERROR;
	return TRANSMIT_HARD_ERROR;
}

/* Records the accept event with the peer's address. */
static void trace_accept(uint64_t id, int sfd, const struct sockaddr_storage *addr)
{
	struct trace_rec r = TRACE_REC(accept, (int64_t)id, sfd);
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (addr->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
		snprintf(r.s, sizeof(r.s), "%.15s:%d", host, port);
	} else if (addr->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
		snprintf(r.s, sizeof(r.s), "[%.*s]:%d", (int)sizeof(r.s) - 9, host, port);
	}
	trace_point(&r, true);
}

/* The listening conn: accept one client and dispatch it. */
static void drive_listening(struct conn *c)
{
	struct sockaddr_storage addr;
	socklen_t addrlen = sizeof(addr);
	int sfd = accept4(c->sfd, (struct sockaddr *)&addr, &addrlen, SOCK_NONBLOCK | SOCK_CLOEXEC);
	uint64_t id;

	if (sfd < 0) {
		if (errno == EMFILE || errno == ENFILE) {
			log_verbose(1, "Too many open files: stopped accepting\n");
			accept_new_conns(false, ACCEPT_PAUSE_EMFILE);
		} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			   errno != ECONNABORTED) {
			log_error("accept failed: %s", strerror(errno));
		}
		return;
	}
	/* As memcached does: a reply goes out when it is ready, not when Nagle says. */
	int one = 1;
	setsockopt(sfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	id = dispatch_next_conn_id();
	if (TRACE_ON())
		trace_accept(id, sfd, &addr);
	uint64_t curr = __atomic_add_fetch(&server_stats.curr_conns, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&server_stats.total_conns, 1, __ATOMIC_RELAXED);
	/* Pause before dispatching, so the client can't see its conn before accepting stops. */
	if (curr >= (uint64_t)settings.maxconns)
		accept_new_conns(false, ACCEPT_PAUSE_MAXCONNS);
	if (dispatch_conn_new(sfd, id, conn_new_cmd, EV_READ | EV_PERSIST, DATA_BUFFER_SIZE,
			      TRANSPORT_TCP) < 0) {
		close(sfd);
		__atomic_fetch_add(&server_stats.rejected_conns, 1, __ATOMIC_RELAXED);
		accept_conn_closed();
	}
}

/* Runs the state machine. */
void drive_machine(struct conn *c)
{
	bool stop = false;
	int nreqs = settings.reqs_per_event;
	ssize_t res;

	while (!stop) {
		switch (c->state) {
		case conn_listening:
			drive_listening(c);
			/* One accept per event: the listening socket is level-triggered. */
			stop = true;
			break;

		case conn_waiting:
			if (!conn_update_event(c, EV_READ | EV_PERSIST)) {
				log_error("conn %d: cannot re-arm the read event", c->sfd);
				conn_set_state(c, conn_closing);
				break;
			}
			conn_set_state(c, conn_read);
			stop = true;
			break;

		case conn_read:
			switch (c->transport == TRANSPORT_UDP ? try_read_udp(c) : try_read_network(c)) {
			case READ_NO_DATA_RECEIVED:
				conn_set_state(c, conn_waiting);
				break;
			case READ_DATA_RECEIVED:
				conn_set_state(c, conn_parse_cmd);
				break;
			case READ_ERROR:
			case READ_MEMORY_ERROR:
				conn_set_state(c, conn_closing);
				break;
			}
			break;

		case conn_parse_cmd:
			if (try_read_command(c))
				break;
			/* memcached sends what it held before it waits for more of a line. */
			if (!resp_empty(&c->resp))
				flush_held(c, conn_new_cmd);
			else
				conn_set_state(c, conn_waiting);
			break;

		case conn_new_cmd:
			/* Only so many requests per event, so that one busy client can't starve the rest. */
			if (--nreqs >= 0) {
				reset_cmd_handler(c);
			} else if (!resp_empty(&c->resp)) {
				/* memcached sends what it held before it yields. */
				flush_held(c, conn_new_cmd);
			} else {
				if (c->ctx.stats != NULL)
					STATS_INCR(c->ctx.stats, conn_yields);
				TRACE(yield, (int64_t)c->id);
				if (c->rbytes > 0) {
					/* Buffered commands: ask to be woken at once, through the write event. */
					if (!conn_update_event(c, EV_WRITE | EV_PERSIST)) {
						log_error("conn %d: cannot re-arm the write event", c->sfd);
						conn_set_state(c, conn_closing);
						break;
					}
				}
				stop = true;
			}
			break;

		case conn_nread:
			if (c->rlbytes == 0) {
				complete_nread(c);
				break;
			}
			if (c->rbytes > 0) {
				size_t tocopy = c->rbytes > c->rlbytes ? c->rlbytes : c->rbytes;
				memmove(c->ritem, c->rcurr, tocopy);
				c->ritem += tocopy;
				c->rlbytes -= tocopy;
				c->rcurr += tocopy;
				c->rbytes -= tocopy;
				break;
			}
			/* Over UDP too, as memcached: a value cut short in its datagram takes
			 * its rest from whatever datagram comes next, header and all. */
			res = read(c->sfd, c->ritem, c->rlbytes);
			if (res > 0) {
				c->ritem += res;
				c->rlbytes -= (size_t)res;
			}
			stop = read_outcome(c, res);
			break;

		case conn_swallow:
			if (c->sbytes == 0) {
				reply_or_hold(c);
				break;
			}
			if (c->rbytes > 0) {
				size_t tocopy = c->rbytes > c->sbytes ? c->sbytes : c->rbytes;
				c->sbytes -= tocopy;
				c->rcurr += tocopy;
				c->rbytes -= tocopy;
				break;
			}
			/* Over UDP, memcached swallows whole datagrams that come next. */
			res = read(c->sfd, c->rbuf, c->rsize > c->sbytes ? c->sbytes : c->rsize);
			if (res > 0)
				c->sbytes -= (size_t)res;
			stop = read_outcome(c, res);
			break;

		case conn_write:
		case conn_mwrite:
			switch (transmit(c)) {
			case TRANSMIT_COMPLETE:
				resp_reset(&c->resp);
				if (c->udp_quit) {
					/* The rest of the datagram goes unread, as in memcached. */
					conn_set_state(c, conn_closing);
				} else if (c->state == conn_mwrite) {
					conn_set_state(c, conn_new_cmd);
				} else {
					conn_set_state(c, c->write_and_go);
				}
				break;
			case TRANSMIT_SOFT_ERROR:
				if (!conn_update_event(c, EV_WRITE | EV_PERSIST)) {
					log_error("conn %d: cannot re-arm the write event", c->sfd);
					conn_set_state(c, conn_closing);
					break;
				}
				stop = true;
				break;
			case TRANSMIT_HARD_ERROR:
				conn_set_state(c, conn_closing);
				break;
			}
			break;

		case conn_closing:
			if (c->transport == TRANSPORT_UDP) {
				/* The UDP socket is shared by every request: clean up and read the next one. */
				storage_item_release(c->ctx.storage, c->pending.item);
				c->pending.item = NULL;
				resp_reset(&c->resp);
				c->rbytes = 0;
				c->rcurr = c->rbuf;
				conn_set_state(c, conn_read);
				break;
			}
			conn_close(c, c->close_reason);
			return;

		case conn_closed:
		case conn_max_state:
			fatal("drive_machine: conn %d in state %s", c->sfd, wire_state_name(c->state));
		}
	}
}
