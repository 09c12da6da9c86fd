#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "diff_wire.h"

#define WIRE_MAX 2
#define UDP_FRAME 8
#define UDP_DGRAM_MAX 65536

/* Milliseconds on the monotonic clock. */
long long wire_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 127.0.0.1:port. */
struct sockaddr_in wire_local_addr(int port)
{
	return (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				     .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
}

/* A socket of the type connected to 127.0.0.1:port, then non-blocking; -1 on error. */
static int connect_local(int type, int port)
{
	struct sockaddr_in sa = wire_local_addr(port);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	/* A blocking connect: on loopback it completes at once. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One server's side of a TCP exchange. */
struct tcp_side {
	int fd;
	size_t sent;
	bool writing;
	bool reading;
};

/* Writes what the side can of the stream; half-closes once all is out. */
static void tcp_write(struct tcp_side *s, const struct bytes *stream)
{
	ssize_t n = send(s->fd, stream->p + s->sent, stream->n - s->sent, MSG_NOSIGNAL);

	if (n > 0)
		s->sent += (size_t)n;
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		s->writing = false;  /* the server hung up: what it said is still readable */
	if (s->sent == stream->n) {
		shutdown(s->fd, SHUT_WR);
		s->writing = false;
	}
}

/* Reads what the side has; a hang-up, orderly or reset, ends the reply. */
static void tcp_read(struct tcp_side *s, struct bytes *reply)
{
	char buf[16384];
	ssize_t n = recv(s->fd, buf, sizeof(buf), 0);

	if (n > 0)
		bytes_add(reply, buf, (size_t)n);
	else if (n == 0 || (errno != EAGAIN && errno != EINTR))
		s->reading = false;
}

/* Writes stream to each server over TCP, half-closes, and reads each reply until
 * the server hangs up; a server still talking after timeout_ms gets a marker. */
void wire_tcp(const int *ports, size_t nservers, const struct bytes *stream,
	      struct bytes *replies, int timeout_ms)
{
	struct tcp_side side[WIRE_MAX];
	long long deadline = wire_now_ms() + timeout_ms;
	size_t open = 0;

	for (size_t i = 0; i < nservers; i++) {
		side[i] = (struct tcp_side){ connect_local(SOCK_STREAM, ports[i]), 0, true, true };
		if (side[i].fd < 0) {
			bytes_addf(&replies[i], "[mcdiff: cannot connect: %s]", strerror(errno));
			side[i].reading = side[i].writing = false;
			continue;
		}
		if (stream->n == 0) {
			shutdown(side[i].fd, SHUT_WR);
			side[i].writing = false;
		}
		open++;
	}
	while (open > 0) {
		struct pollfd p[WIRE_MAX];
		long long left = deadline - wire_now_ms();

		for (size_t i = 0; i < nservers; i++)
			p[i] = (struct pollfd){ side[i].reading ? side[i].fd : -1,
						(short)(POLLIN | (side[i].writing ? POLLOUT : 0)), 0 };
		if (left <= 0)
			break;
		if (poll(p, nservers, (int)left) < 0 && errno != EINTR)
			break;
		for (size_t i = 0; i < nservers; i++) {
			if (side[i].writing && (p[i].revents & (POLLOUT | POLLERR | POLLHUP)))
				tcp_write(&side[i], stream);
			if (side[i].reading && (p[i].revents & (POLLIN | POLLERR | POLLHUP)))
				tcp_read(&side[i], &replies[i]);
			if (!side[i].reading && side[i].fd >= 0) {
				close(side[i].fd);
				side[i].fd = -1;
				open--;
			}
		}
	}
	for (size_t i = 0; i < nservers; i++) {
		if (side[i].fd < 0)
			continue;
		bytes_addf(&replies[i], "[mcdiff: no hang-up within %d ms]", timeout_ms);
		close(side[i].fd);
	}
}

/* Big-endian 16 bits at p. */
static unsigned get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Writes one reply datagram for reading and comparing: its header on a line, then its payload. */
static void add_datagram(struct bytes *reply, const unsigned char *d, size_t n)
{
	if (n < UDP_FRAME) {
		bytes_addf(reply, "[datagram of %zu bytes]\n", n);
		bytes_add(reply, d, n);
		return;
	}
	bytes_addf(reply, "[id %u seq %u of %u, %u]\n", get16(d), get16(d + 2), get16(d + 4),
		   get16(d + 6));
	bytes_add(reply, d + UDP_FRAME, n - UDP_FRAME);
}

/* True for the sentinel's answer. */
static bool is_sentinel(const unsigned char *d, size_t n)
{
	return n >= UDP_FRAME + 8 && get16(d) == WIRE_UDP_SENTINEL &&
	       memcmp(d + UDP_FRAME, "VERSION ", 8) == 0;
}

/* Sends each datagram to each server over UDP, one at a time, each followed by a
 * "version" sentinel: the reply to a datagram is what came back before the
 * sentinel's answer, written out with its frame headers. Returns how many
 * sentinels went unanswered within timeout_ms: a server may have taken them as
 * the rest of a value, and then still waits for more. */
size_t wire_udp(const int *ports, size_t nservers, const struct bytes *dgrams, size_t ndgrams,
		struct bytes *replies, int timeout_ms)
{
	static const unsigned char sentinel[] = { WIRE_UDP_SENTINEL >> 8, WIRE_UDP_SENTINEL & 0xff,
						  0, 0, 0, 1, 0, 0, 'v', 'e', 'r', 's', 'i', 'o',
						  'n', '\r', '\n' };
	static unsigned char buf[UDP_DGRAM_MAX];
	int fd[WIRE_MAX];
	size_t unanswered = 0;

	for (size_t i = 0; i < nservers; i++)
		fd[i] = connect_local(SOCK_DGRAM, ports[i]);
	for (size_t d = 0; d < ndgrams; d++) {
		long long deadline = wire_now_ms() + timeout_ms;
		bool waiting[WIRE_MAX];
		size_t left = 0;

		for (size_t i = 0; i < nservers; i++) {
			bytes_addf(&replies[i], "[to datagram %zu:]\n", d);
			waiting[i] = fd[i] >= 0 &&
				     send(fd[i], dgrams[d].p, dgrams[d].n, 0) == (ssize_t)dgrams[d].n &&
				     send(fd[i], sentinel, sizeof(sentinel), 0) == sizeof(sentinel);
			if (!waiting[i])
				bytes_addf(&replies[i], "[mcdiff: cannot send: %s]\n", strerror(errno));
			left += waiting[i];
		}
		while (left > 0) {
			struct pollfd p[WIRE_MAX];
			long long ms = deadline - wire_now_ms();

			for (size_t i = 0; i < nservers; i++)
				p[i] = (struct pollfd){ waiting[i] ? fd[i] : -1, POLLIN, 0 };
			if (ms <= 0 || (poll(p, nservers, (int)ms) < 0 && errno != EINTR))
				break;
			for (size_t i = 0; i < nservers; i++) {
				ssize_t n;

				if (!(p[i].revents & (POLLIN | POLLERR)))
					continue;
				n = recv(fd[i], buf, sizeof(buf), 0);
				if (n < 0)
					continue;  /* e.g. ECONNREFUSED: the server died, the sentinel will tell */
				if (is_sentinel(buf, (size_t)n)) {
					waiting[i] = false;
					left--;
					continue;
				}
				add_datagram(&replies[i], buf, (size_t)n);
				bytes_addc(&replies[i], '\n');
			}
		}
		for (size_t i = 0; i < nservers; i++) {
			if (!waiting[i])
				continue;
			bytes_addf(&replies[i], "[mcdiff: no answer to the sentinel within %d ms]\n",
				   timeout_ms);
			unanswered++;
		}
	}
	for (size_t i = 0; i < nservers; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	return unanswered;
}
