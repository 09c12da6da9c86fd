/*
 * fuzz_proto_text.c: libFuzzer target for the text protocol over TCP.
 *
 * The input is what a client sends on one connection: command lines, the
 * values after storage commands, anything. A client writes it on a socket
 * in pieces, reads every reply, and half-closes once the conn waits for
 * more; drive_machine runs the conn meanwhile, so the input goes through
 * proto_text_find_line, proto_text_process and the nread and swallow states
 * as on a live server, split across reads as a network splits it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_conn.h"

/* The most the client writes at a time: an odd size, so lines and values break at varied places. */
#define FUZZ_WRITE_MAX 509

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Sets up the worker once. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_conn_setup();
	return 0;
}

/* Reads and discards the replies waiting on fd. */
static void drain(int fd)
{
	char buf[65536];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0 || (n < 0 && errno == EINTR))
		;
}

/* Runs one connection's worth of input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2];
	size_t sent = 0;
	bool shut = false;
	struct conn *c;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0)
		abort();
	c = fuzz_conn_open(sv[0], TRANSPORT_TCP);
	while (!fuzz_conn_closed()) {
		if (sent < size) {
			size_t n = size - sent < FUZZ_WRITE_MAX ? size - sent : FUZZ_WRITE_MAX;
			ssize_t w = send(sv[1], data + sent, n, MSG_NOSIGNAL);

			if (w > 0)
				sent += (size_t)w;
		} else if (!shut && fuzz_conn_waits(c)) {
			/* Everything is sent and answered: the client hangs up. */
			shutdown(sv[1], SHUT_WR);
			shut = true;
		}
		/* Each call handles a piece, or reqs_per_event commands, or a reply. */
		fuzz_conn_drive(c, 1000 + 4 * size);
		drain(sv[1]);
	}
	close(sv[1]);
	fuzz_conn_finish();
	return 0;
}
