/*
 * fuzz_udp.c: libFuzzer target for the UDP request path.
 *
 * The input is one datagram, frame header included, sent on loopback to a
 * UDP conn that drive_machine runs as a worker does: try_read_udp and
 * udp_header_decode, then the text protocol on what follows the header,
 * then udp_send_reply, until the conn waits for another datagram. Every
 * reply datagram must carry the request's id, a sequence number below its
 * count (but for the empty response's header, which counts 0), and a zero
 * reserved field.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_conn.h"
#include "udp.h"

/* The server's socket (each input's conn gets a dup, as each worker does) and the client's. */
static int server_fd = -1, client_fd = -1;
static struct sockaddr_in server_addr;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Makes a nonblocking UDP socket bound to a free loopback port; aborts when it can't. */
static int bound_socket(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof(*addr)) != 0 ||
	    getsockname(fd, (struct sockaddr *)addr, &len) != 0) {
		fprintf(stderr, "fuzz_udp: no loopback UDP socket: %s\n", strerror(errno));
		abort();
	}
	return fd;
}

/* Sets up the worker and the two sockets once. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_in client_addr;

	fuzz_conn_setup();
	server_fd = bound_socket(&server_addr);
	client_fd = bound_socket(&client_addr);
	return 0;
}

/* True for the header alone that answers a request whose reply is empty (udp_send_reply sends
 * one when nothing else went out): it counts 0 datagrams. */
static bool empty_response(const struct udp_header *h, size_t n)
{
	return n == UDP_HEADER_SIZE && h->seq == 0 && h->count == 0;
}

/* Reads the reply datagrams and checks their headers against the request's. */
static void check_replies(const uint8_t *data, size_t size)
{
	uint8_t buf[UDP_HEADER_SIZE + UDP_MAX_PAYLOAD_SIZE + 1];
	struct udp_header req, h;
	ssize_t n;

	while ((n = recv(client_fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0 || errno == EINTR) {
		if (n < 0)
			continue;
		if (udp_header_decode(data, size, &req) != 0 ||
		    udp_header_decode(buf, (size_t)n, &h) != 0 || h.request_id != req.request_id ||
		    (h.seq >= h.count && !empty_response(&h, (size_t)n)) || h.reserved != 0 ||
		    (size_t)n > UDP_HEADER_SIZE + UDP_MAX_PAYLOAD_SIZE) {
			fprintf(stderr, "fuzz_udp: a bad reply datagram of %zd bytes (id %u of %u, seq %u of %u, reserved %u)\n", n, h.request_id, req.request_id, h.seq, h.count, h.reserved);
			abort();
		}
	}
}

/* Runs one datagram. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = fcntl(server_fd, F_DUPFD_CLOEXEC, 0);
	struct conn *c;

	if (fd < 0)
		abort();
	/* An empty datagram reads as none; one too long for a datagram no client can send. */
	if (size == 0 || sendto(client_fd, data, size, 0, (struct sockaddr *)&server_addr,
		   sizeof(server_addr)) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	c = fuzz_conn_open(fd, TRANSPORT_UDP);
	/* Done when the conn waits for the next datagram: for a new request, or for the rest of a
	 * value cut short, which memcached takes from whatever datagram comes next. */
	do {
		fuzz_conn_drive(c, 1000 + size);
		check_replies(data, size);
	} while (!fuzz_conn_waits(c));
	conn_close(c, CLOSE_SHUTDOWN);
	fuzz_conn_finish();
	return 0;
}
