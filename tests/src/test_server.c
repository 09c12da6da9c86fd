/* Integration tests: build/src/mcscoped over real sockets. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "proto_text.h"
#include "udp.h"

/* Returns the worker ("w0") that "stats conns" lists for a client's local port. */
static char *worker_of(int stats_fd, int client_port)
{
	char *reply = harness_cmd(stats_fd, "stats conns\r\n", "END\r\n");
	char needle[64], *result = NULL;

	cr_assert_not_null(reply);
	snprintf(needle, sizeof(needle), ":127.0.0.1:%d\r\n", client_port);
	char *hit = strstr(reply, needle);
	if (hit != NULL) {
		/* "STAT <fd>:addr tcp:127.0.0.1:<port>" then the same fd's state and worker lines. */
		while (hit > reply && hit[-1] != '\n')
			hit--;
		int fd = atoi(hit + 5);
		char key[32];
		snprintf(key, sizeof(key), "STAT %d:worker ", fd);
		char *w = strstr(reply, key);
		if (w != NULL)
			result = strndup(w + strlen(key), strcspn(w + strlen(key), "\r"));
	}
	free(reply);
	return result;
}

Test(server, round_robin_lands_on_workers_in_order)
{
	const char *args[] = { "-t", "4", NULL };
	const char *expect[] = { "w0", "w1", "w2", "w3", "w0", "w1", "w2", "w3" };
	struct server_proc p;
	int fds[8];

	cr_assert(harness_start(&p, args));
	for (int i = 0; i < 8; i++) {
		fds[i] = harness_connect(p.tcp_port);
		cr_assert_geq(fds[i], 0);
		/* A reply proves the worker has the conn before the next one is opened. */
		char *v = harness_cmd(fds[i], "version\r\n", "\r\n");
		cr_assert_not_null(v);
		cr_assert(strncmp(v, "VERSION ", 8) == 0, "got %s", v);
		free(v);
	}
	for (int i = 0; i < 8; i++) {
		char *w = worker_of(fds[0], harness_local_port(fds[i]));
		cr_assert_not_null(w, "conn %d not in stats conns", i);
		cr_expect_str_eq(w, expect[i], "conn %d went to %s, not %s", i, w, expect[i]);
		free(w);
	}
	cr_expect_eq(harness_stat(fds[0], "threads", "w0:dispatched"), 2);
	cr_expect_eq(harness_stat(fds[0], "threads", "w3:dispatched"), 2);
	cr_expect_eq(harness_stat(fds[0], NULL, "curr_connections"), 8);
	cr_expect_eq(harness_stat(fds[0], NULL, "total_connections"), 8);
	for (int i = 0; i < 8; i++)
		close(fds[i]);
	cr_assert_eq(harness_stop(&p), 0);
}

Test(server, pipelined_gets_past_the_request_budget_yield)
{
	const char *args[] = { "-t", "2", "-R", "1", NULL };
	const char *one = "VALUE k 0 1\r\nx\r\nEND\r\n";
	struct server_proc p;
	char batch[50 * 8] = "";

	cr_assert(harness_start(&p, args));
	int fd = harness_connect(p.tcp_port);
	cr_assert_geq(fd, 0);
	char *r = harness_cmd(fd, "set k 0 0 1\r\nx\r\n", "\r\n");
	cr_assert_str_eq(r, "STORED\r\n");
	free(r);
	for (int i = 0; i < 50; i++)
		strcat(batch, "get k\r\n");
	cr_assert(harness_send(fd, batch, strlen(batch)));
	/* With -R 1 the conn yields after every get, yet every reply comes, in order. */
	for (int i = 0; i < 50; i++) {
		r = harness_read_exact(fd, strlen(one));
		cr_assert_not_null(r, "reply %d missing", i);
		cr_assert_str_eq(r, one, "reply %d", i);
		free(r);
	}
	cr_expect_geq(harness_stat(fd, NULL, "conn_yields"), 49);
	close(fd);
	cr_assert_eq(harness_stop(&p), 0);
}

Test(server, maxconns_stops_and_resumes_accepting)
{
	const char *args[] = { "-t", "2", "-c", "2", NULL };
	struct server_proc p;

	cr_assert(harness_start(&p, args));
	int a = harness_connect(p.tcp_port), b = harness_connect(p.tcp_port);
	char *r = harness_cmd(a, "version\r\n", "\r\n");
	free(r);
	r = harness_cmd(b, "version\r\n", "\r\n");
	free(r);
	cr_expect_eq(harness_stat(a, NULL, "listen_disabled_num"), 1);
	cr_expect_eq(harness_stat(a, NULL, "curr_connections"), 2);

	/* The third client waits in the kernel's backlog: it connects, but nobody serves it. */
	int c = harness_connect(p.tcp_port);
	cr_assert_geq(c, 0);
	cr_assert(harness_send(c, "version\r\n", 9));
	cr_expect_eq(harness_stat(a, NULL, "total_connections"), 2);

	close(b);
	r = harness_read_until(c, "\r\n");
	cr_assert_not_null(r, "the third client was never served");
	cr_expect(strncmp(r, "VERSION ", 8) == 0);
	free(r);
	cr_expect_eq(harness_stat(c, NULL, "total_connections"), 3);
	close(a);
	close(c);
	cr_assert_eq(harness_stop(&p), 0);
}

/* Sends one request datagram and collects every reply datagram into a string. */
static char *udp_request(int fd, int port, uint16_t id, const char *req)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	uint8_t dgram[UDP_HEADER_SIZE + 8192];
	struct udp_header h = { id, 0, 1, 0 };
	size_t n = strlen(req);
	char *parts[64] = { 0 };
	size_t lens[64] = { 0 };
	unsigned count = 0, got = 0;

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	udp_header_encode(dgram, &h);
	memcpy(dgram + UDP_HEADER_SIZE, req, n);
	cr_assert_eq(sendto(fd, dgram, UDP_HEADER_SIZE + n, 0, (struct sockaddr *)&to, sizeof(to)),
		     (ssize_t)(UDP_HEADER_SIZE + n));
	do {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		cr_assert_eq(poll(&pfd, 1, HARNESS_DEADLINE_MS), 1, "no UDP reply");
		ssize_t r = recv(fd, dgram, sizeof(dgram), 0);
		cr_assert_geq(r, UDP_HEADER_SIZE);
		struct udp_header rh;
		cr_assert_eq(udp_header_decode(dgram, (size_t)r, &rh), 0);
		cr_assert_eq(rh.request_id, id);
		cr_assert_lt(rh.seq, 64);
		cr_assert_eq(rh.reserved, 0);
		count = rh.count;
		parts[rh.seq] = malloc((size_t)r);
		memcpy(parts[rh.seq], dgram + UDP_HEADER_SIZE, (size_t)r - UDP_HEADER_SIZE);
		lens[rh.seq] = (size_t)r - UDP_HEADER_SIZE;
		got++;
	} while (got < count);
	size_t total = 0;
	for (unsigned i = 0; i < count; i++)
		total += lens[i];
	char *out = malloc(total + 1), *p = out;
	for (unsigned i = 0; i < count; i++) {
		cr_assert_not_null(parts[i], "datagram %u missing", i);
		memcpy(p, parts[i], lens[i]);
		p += lens[i];
		free(parts[i]);
	}
	*p = '\0';
	return out;
}

Test(server, udp_set_get_and_multi_datagram_reply)
{
	char udp_port[16];
	snprintf(udp_port, sizeof(udp_port), "%d", harness_free_udp_port());
	const char *args[] = { "-t", "2", "-U", udp_port, NULL };
	struct server_proc p;

	cr_assert(harness_start(&p, args));
	cr_assert_eq(p.udp_port, atoi(udp_port));
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char *r = udp_request(fd, p.udp_port, 7, "set k 5 0 5\r\nhello\r\n");
	cr_expect_str_eq(r, "STORED\r\n");
	free(r);
	r = udp_request(fd, p.udp_port, 8, "get k\r\n");
	cr_expect_str_eq(r, "VALUE k 5 5\r\nhello\r\nEND\r\n");
	free(r);

	/* A value bigger than one datagram's payload comes back in numbered pieces. */
	int tcp = harness_connect(p.tcp_port);
	char big[5000 + 64];
	int n = snprintf(big, sizeof(big), "set big 0 0 %d\r\n", 5000);
	memset(big + n, 'v', 5000);
	memcpy(big + n + 5000, "\r\n", 3);
	r = harness_cmd(tcp, big, "\r\n");
	cr_assert_str_eq(r, "STORED\r\n");
	free(r);
	r = udp_request(fd, p.udp_port, 9, "get big\r\n");
	cr_expect_eq(strlen(r), strlen("VALUE big 0 5000\r\n") + 5000 + 2 + 5);
	cr_expect(strncmp(r, "VALUE big 0 5000\r\nvvvv", 22) == 0);
	free(r);
	/* Each worker got one UDP conn, as memcached hands the socket round robin. */
	cr_expect_eq(harness_stat(tcp, "threads", "w0:dispatched"), 2);
	cr_expect_eq(harness_stat(tcp, "threads", "w1:dispatched"), 1);
	close(tcp);
	close(fd);
	cr_assert_eq(harness_stop(&p), 0);
}

/* Sends one datagram: a frame header as given, then payload. */
static void udp_send_frame(int fd, int port, struct udp_header h, const char *payload, size_t n)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	uint8_t dgram[UDP_HEADER_SIZE + 512];

	cr_assert_leq(n, sizeof(dgram) - UDP_HEADER_SIZE);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	udp_header_encode(dgram, &h);
	memcpy(dgram + UDP_HEADER_SIZE, payload, n);
	cr_assert_eq(sendto(fd, dgram, UDP_HEADER_SIZE + n, 0, (struct sockaddr *)&to, sizeof(to)),
		     (ssize_t)(UDP_HEADER_SIZE + n));
}

/* Receives the next datagram; its header in *h, its payload nul-terminated (malloc'd). */
static char *udp_recv_frame(int fd, struct udp_header *h)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t dgram[65536];
	ssize_t r;
	char *payload;

	cr_assert_eq(poll(&pfd, 1, HARNESS_DEADLINE_MS), 1, "no UDP reply");
	r = recv(fd, dgram, sizeof(dgram), 0);
	cr_assert_geq(r, UDP_HEADER_SIZE);
	cr_assert_leq(r, UDP_MAX_PAYLOAD_SIZE, "a datagram of %zd bytes", r);
	cr_assert_eq(udp_header_decode(dgram, (size_t)r, h), 0);
	payload = strndup((const char *)dgram + UDP_HEADER_SIZE, (size_t)r - UDP_HEADER_SIZE);
	cr_assert_not_null(payload);
	return payload;
}

/* Expects the next datagram to be exactly this frame. */
static void expect_frame(int fd, uint16_t id, uint16_t seq, uint16_t count, const char *payload)
{
	struct udp_header h;
	char *got = udp_recv_frame(fd, &h);

	cr_expect_eq(h.request_id, id);
	cr_expect_eq(h.seq, seq);
	cr_expect_eq(h.count, count);
	cr_expect_str_eq(got, payload);
	free(got);
}

/* What memcached 1.6 does over UDP, with one worker so that the order is certain. */
Test(server, udp_datagrams_as_memcached_sends_them)
{
	char udp_port[16];
	snprintf(udp_port, sizeof(udp_port), "%d", harness_free_udp_port());
	const char *args[] = { "-t", "1", "-U", udp_port, NULL };
	struct server_proc p;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	cr_assert(harness_start(&p, args));
	udp_send_frame(fd, p.udp_port, (struct udp_header){ 1, 0, 1, 0 }, "set k 0 0 1\r\nv\r\n", 16);
	expect_frame(fd, 1, 0, 1, "STORED\r\n");
	/* Requests of several datagrams, or of none, are dropped without a word. */
	udp_send_frame(fd, p.udp_port, (struct udp_header){ 2, 0, 2, 0 }, "get k\r\n", 7);
	udp_send_frame(fd, p.udp_port, (struct udp_header){ 3, 0, 0, 0 }, "get k\r\n", 7);
	/* Each key of a multiget is a response of its own; a first one that is empty is a
	 * bare header with a count of 0. */
	udp_send_frame(fd, p.udp_port, (struct udp_header){ 4, 0, 1, 0 }, "get m k k\r\n", 11);
	expect_frame(fd, 4, 0, 0, "");
	expect_frame(fd, 4, 0, 1, "VALUE k 0 1\r\nv\r\n");
	expect_frame(fd, 4, 0, 1, "VALUE k 0 1\r\nv\r\nEND\r\n");
	/* A value cut short in its datagram takes its rest from the next datagram, header
	 * and all: "ab" and the five bytes "cde\r\n" of this header make "abcde". The
	 * answer goes to the set's request. */
	udp_send_frame(fd, p.udp_port, (struct udp_header){ 5, 0, 1, 0 }, "set s 0 0 5\r\nab", 15);
	udp_send_frame(fd, p.udp_port, (struct udp_header){ 0x6364, 0x650d, 0x0a01, 0 }, "zz", 2);
	expect_frame(fd, 5, 0, 1, "STORED\r\n");
	udp_send_frame(fd, p.udp_port, (struct udp_header){ 6, 0, 1, 0 }, "get s\r\n", 7);
	expect_frame(fd, 6, 0, 1, "VALUE s 0 5\r\nabcde\r\nEND\r\n");
	/* Replies are held within a datagram: a multiget's bad key drops the VERSION. */
	char bad[300];
	int n = snprintf(bad, sizeof(bad), "version\r\nget %0251d\r\n", 0);
	udp_send_frame(fd, p.udp_port, (struct udp_header){ 7, 0, 1, 0 }, bad, (size_t)n);
	expect_frame(fd, 7, 0, 1, "CLIENT_ERROR bad command line format\r\n");
	/* quit answers a bare header; and from then on, as memcached's UDP conn never
	 * forgets it, a datagram ends with its first get. */
	udp_send_frame(fd, p.udp_port, (struct udp_header){ 8, 0, 1, 0 }, "quit\r\n", 6);
	expect_frame(fd, 8, 0, 0, "");
	udp_send_frame(fd, p.udp_port, (struct udp_header){ 9, 0, 1, 0 }, "get s\r\nversion\r\n", 16);
	expect_frame(fd, 9, 0, 1, "VALUE s 0 5\r\nabcde\r\nEND\r\n");
	udp_send_frame(fd, p.udp_port, (struct udp_header){ 10, 0, 1, 0 }, "version\r\n", 9);
	expect_frame(fd, 10, 0, 1, "VERSION " PROTO_MEMCACHED_VERSION "\r\n");
	close(fd);
	cr_assert_eq(harness_stop(&p), 0);
}

/* Sends n bytes on a new connection, ends our side, and expects EOF with not a byte before it. */
static void expect_silence(int port, const char *bytes, size_t n)
{
	int fd = harness_connect(port);

	cr_assert(harness_send(fd, bytes, n));
	shutdown(fd, SHUT_WR);
	cr_expect_null(harness_read_exact(fd, 1), "a reply to %.40s", bytes);
	close(fd);
}

/* memcached 1.6 discards a too-large value before its error goes out: a client that
 * never sends the value never sees the error. */
Test(server, too_large_value_is_swallowed_before_its_error)
{
	const char *args[] = { "-I", "1k", NULL };
	struct server_proc p;
	char *r;
	int fd;

	cr_assert(harness_start(&p, args));
	expect_silence(p.tcp_port, "set big 0 0 2000\r\n", 18);
	fd = harness_connect(p.tcp_port);
	cr_assert(harness_send(fd, "set big 0 0 2000\r\n", 18));
	char value[2002];
	memset(value, 'v', 2000);
	memcpy(value + 2000, "\r\n", 2);
	cr_assert(harness_send(fd, value, sizeof(value)));
	r = harness_cmd(fd, "version\r\n", "\r\nVERSION " PROTO_MEMCACHED_VERSION "\r\n");
	cr_expect_str_eq(r, "SERVER_ERROR object too large for cache\r\nVERSION " PROTO_MEMCACHED_VERSION "\r\n");
	free(r);
	close(fd);
	cr_assert_eq(harness_stop(&p), 0);
}

/* memcached's read buffer is 16 KB: a longer line is hung up on, but for a long get. */
Test(server, a_line_past_16k_is_hung_up_on_but_a_get)
{
	const char *args[] = { NULL };
	struct server_proc p;
	size_t n = 20000;
	char *line = malloc(n);
	char *r;
	int fd;

	cr_assert_not_null(line);
	cr_assert(harness_start(&p, args));
	/* A set whose key is too long: within 16 KB it would be a CLIENT_ERROR. */
	memset(line, 'k', n);
	memcpy(line, "set ", 4);
	memcpy(line + n - 8, " 0 0 1\r\n", 8);
	expect_silence(p.tcp_port, line, n);
	/* A get of many keys as long is answered. */
	for (size_t i = 4; i < n - 2; i++)
		line[i] = i % 10 == 0 ? ' ' : 'k';
	memcpy(line, "get ", 4);
	memcpy(line + n - 2, "\r\n", 2);
	fd = harness_connect(p.tcp_port);
	cr_assert(harness_send(fd, line, n));
	r = harness_read_until(fd, "END\r\n");
	cr_expect_str_eq(r, "END\r\n");
	free(r);
	close(fd);
	free(line);
	cr_assert_eq(harness_stop(&p), 0);
}

/* A stream that ends right behind its commands has them all answered before the close, even
 * when they fill the read buffer exactly and the end comes in the same event: with -c 1 the
 * second client waits in the backlog until the first goes, so the worker's first reads find
 * all 2048 bytes (the first buffer) and the end together. */
Test(server, commands_before_eof_are_all_answered)
{
	const char *args[] = { "-c", "1", NULL };
	struct server_proc p;
	enum { N = 227, SIZE = 2048 };
	char req[SIZE], *r;
	int first, fd;

	/* 226 of "version\r\n", and one padded with spaces to make 2048 bytes. */
	for (int i = 0; i < N - 1; i++)
		memcpy(req + i * 9, "version\r\n", 9);
	memcpy(req + (N - 1) * 9, "version     \r\n", SIZE - (N - 1) * 9);
	cr_assert(harness_start(&p, args));
	first = harness_connect(p.tcp_port);
	r = harness_cmd(first, "version\r\n", "\r\n");
	free(r);
	fd = harness_connect(p.tcp_port);
	cr_assert(harness_send(fd, req, SIZE));
	shutdown(fd, SHUT_WR);
	close(first);
	r = harness_read_exact(fd, N * strlen("VERSION " PROTO_MEMCACHED_VERSION "\r\n"));
	cr_expect_not_null(r, "replies lost at EOF");
	free(r);
	cr_expect(harness_wait_eof(fd));
	close(fd);
	cr_assert_eq(harness_stop(&p), 0);
}

/* memcached 1.6 holds the replies of pipelined commands while more input is buffered. */
Test(server, pipelined_replies_are_held_as_memcached_holds_them)
{
	const char *args[] = { NULL };
	struct server_proc p;
	char *r;
	int fd;

	cr_assert(harness_start(&p, args));
	/* The client stops inside the second value: the first STORED never goes out. */
	expect_silence(p.tcp_port, "set a 0 0 1\r\n1\r\nset b 0 0 5\r\nab", 30);
	/* A first byte of 0x80 is memcached's binary protocol, not spoken here: no reply. */
	expect_silence(p.tcp_port, "\x80 junk\r\nversion\r\n", 17);
	/* quit sends what was held before it closes. */
	fd = harness_connect(p.tcp_port);
	cr_assert(harness_send(fd, "version\r\nquit\r\nversion\r\n", 23));
	r = harness_read_exact(fd, 16);
	cr_expect_str_eq(r, "VERSION " PROTO_MEMCACHED_VERSION "\r\n");
	free(r);
	cr_expect(harness_wait_eof(fd));
	close(fd);
	cr_assert_eq(harness_stop(&p), 0);
}

Test(server, shutdown_with_busy_connections_exits_zero)
{
	const char *args[] = { "-t", "3", NULL };
	struct server_proc p;
	int fds[6];

	cr_assert(harness_start(&p, args));
	for (int i = 0; i < 6; i++) {
		fds[i] = harness_connect(p.tcp_port);
		cr_assert_geq(fds[i], 0);
	}
	/* One conn mid-value, one mid-line, one with an item reference in flight. */
	cr_assert(harness_send(fds[0], "set a 0 0 10\r\nhal", 17));
	cr_assert(harness_send(fds[1], "get", 3));
	char *r = harness_cmd(fds[2], "set b 0 0 1\r\nb\r\n", "\r\n");
	free(r);
	r = harness_cmd(fds[2], "stats\r\n", "END\r\n");
	free(r);
	cr_assert_eq(harness_stop(&p), 0);
	for (int i = 0; i < 6; i++) {
		cr_expect(harness_wait_eof(fds[i]), "conn %d still open after shutdown", i);
		close(fds[i]);
	}
}

Test(server, long_line_and_http_request_are_hung_up_on)
{
	const char *args[] = { "-t", "1", NULL };
	struct server_proc p;
	char junk[3000];

	cr_assert(harness_start(&p, args));
	int a = harness_connect(p.tcp_port);
	memset(junk, 'x', sizeof(junk));
	cr_assert(harness_send(a, junk, sizeof(junk)));
	cr_expect(harness_wait_eof(a));
	close(a);
	int b = harness_connect(p.tcp_port);
	cr_assert(harness_send(b, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27));
	cr_expect(harness_wait_eof(b));
	close(b);
	/* A long get line is not junk: it waits for the rest. */
	int c = harness_connect(p.tcp_port);
	cr_assert(harness_send(c, "get ", 4));
	for (int i = 0; i < 400; i++)
		cr_assert(harness_send(c, "key0123456 ", 11));
	char *r = harness_cmd(c, "\r\n", "END\r\n");
	cr_expect_str_eq(r, "END\r\n");
	free(r);
	close(c);
	cr_assert_eq(harness_stop(&p), 0);
}

Test(server, vvv_prints_every_state_change)
{
	const char *args[] = { "-t", "1", "-vvv", NULL };
	struct server_proc p;

	cr_assert(harness_start(&p, args));
	int fd = harness_connect(p.tcp_port);
	char *r = harness_cmd(fd, "set k 0 0 1\r\nx\r\n", "\r\n");
	free(r);
	close(fd);
	cr_assert_eq(harness_stop(&p), 0);
	char *err = harness_stderr(&p);
	cr_assert_not_null(err);
	cr_expect_not_null(strstr(err, ": going from conn_new_cmd to conn_waiting\n"), "%s", err);
	cr_expect_not_null(strstr(err, ": going from conn_parse_cmd to conn_nread\n"), "%s", err);
	cr_expect_not_null(strstr(err, ": going from conn_nread to conn_write\n"), "%s", err);
	free(err);
	close(p.stderr_fd);
}

Test(server, bad_flags_name_the_flag_and_exit_64)
{
	const char *bad[][3] = {
		{ "-t", "0", "-t/--threads" },
		{ "-p", "70000", "-p/--port" },
		{ "--dispatch=fastest", NULL, "--dispatch" },
		/* Only a lab build plugs a custom policy in. */
		{ "--dispatch=custom", NULL, "--dispatch=custom: this mcscoped has no custom policy" },
		{ "-I", "2g", "-I/--max-item-size" },
		{ "-c", "abc", "-c/--conn-limit" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *args[] = { bad[i][0], bad[i][1], NULL };
		char *err = NULL;
		cr_expect_eq(harness_run(args, &err), 64, "%s %s", bad[i][0], bad[i][1]);
		cr_expect_not_null(strstr(err, bad[i][2]), "stderr: %s", err);
		free(err);
	}
}

Test(server, port_in_use_says_so_and_fails)
{
	const char *args[] = { "-t", "1", NULL };
	struct server_proc p;
	char port[16], *err = NULL;

	cr_assert(harness_start(&p, args));
	snprintf(port, sizeof(port), "%d", p.tcp_port);
	const char *again[] = { "-t", "1", "-p", port, NULL };
	int rc = harness_run(again, &err);
	cr_expect_neq(rc, 0);
	cr_expect_not_null(strstr(err, "Address already in use"), "stderr: %s", err);
	free(err);
	cr_assert_eq(harness_stop(&p), 0);
}
