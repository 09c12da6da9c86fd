/*
 * Integration test: every move drive_machine makes is in wire.h's
 * transitions table. One server, TCP and UDP, is driven through every
 * scenario we can make happen, error paths included (EOF in a value or a
 * swallow, a line too long, a reset while a reply is being written, a UDP
 * request refused at once, shutdown with open conns), while a thread reads
 * its trace. The test fails on any state move the table lacks, and on any
 * table entry none of the scenarios made (but the few that only a failing
 * libevent or a race can make, listed below with why).
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "proto_text.h"
#include "udp.h"
#include "wire.h"

/* What "version" answers: the replies end there, so a read takes all of a pipelined batch. */
#define VERSION_REPLY "VERSION " PROTO_MEMCACHED_VERSION "\r\n"

/* Table entries no scenario can make on demand, and why. */
static const struct {
	enum conn_states from, to;
	const char *why;
} not_made[] = {
	{ conn_listening, conn_new_cmd, "the hand-off: a new conn starts in new_cmd, no state event" },
	{ conn_waiting, conn_closing, "only when libevent cannot re-arm the read event" },
	{ conn_new_cmd, conn_closing,
	  "only when a yield cannot re-arm its event, or shutdown races a yielded conn" },
};

/* What the trace says, collected by a thread of its own. */
struct collector {
	pthread_t thread;
	struct line_reader lr;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t seen[conn_max_state][conn_max_state];
	char strange[8][256];   /* state lines whose move the table lacks */
	int nstrange;
	int paused;             /* paused lines seen */
	char answer[256];       /* the latest ok/error line */
	int answers;
	uint64_t dropped;
	bool attached;          /* the snapshot has ended: every later event reaches us */
	bool ended;
};

static struct collector col;

/* Reads the trace until it ends, noting every state move. */
static void *collect(void *arg)
{
	char *line;

	while ((line = harness_read_line(&col.lr)) != NULL) {
		char *ev = harness_line_value(line, "ev");

		pthread_mutex_lock(&col.lock);
		if (strncmp(line, "ok", 2) == 0 || strncmp(line, "error", 5) == 0) {
			snprintf(col.answer, sizeof(col.answer), "%s", line);
			col.answers++;
		} else if (ev != NULL && strcmp(ev, "state") == 0) {
			char *from = harness_line_value(line, "from"), *to = harness_line_value(line, "to");
			int f = from != NULL ? wire_state_from_name(from) : -1;
			int t = to != NULL ? wire_state_from_name(to) : -1;

			if (f >= 0 && t >= 0)
				col.seen[f][t]++;
			if ((f < 0 || t < 0 || wire_transition_find(f, t) < 0) && col.nstrange < 8)
				snprintf(col.strange[col.nstrange++], sizeof(col.strange[0]), "%s", line);
			free(from);
			free(to);
		} else if (ev != NULL && strcmp(ev, "snapshot_end") == 0) {
			col.attached = true;
		} else if (ev != NULL && strcmp(ev, "paused") == 0) {
			col.paused++;
		} else if (ev != NULL && strcmp(ev, "dropped") == 0) {
			char *count = harness_line_value(line, "count");
			col.dropped += count != NULL ? strtoull(count, NULL, 10) : 1;
			free(count);
		}
		pthread_cond_broadcast(&col.cond);
		pthread_mutex_unlock(&col.lock);
		free(ev);
		free(line);
	}
	pthread_mutex_lock(&col.lock);
	col.ended = true;
	pthread_cond_broadcast(&col.cond);
	pthread_mutex_unlock(&col.lock);
	return arg;
}

/* Waits until done(arg) holds of what the trace has shown, the collector's lock held while it
 * is asked; false when the trace ends or the deadline passes first. */
static bool await(bool (*done)(const void *arg), const void *arg)
{
	struct timespec until;
	bool ok;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += HARNESS_DEADLINE_MS / 1000;
	pthread_mutex_lock(&col.lock);
	while (!done(arg) && !col.ended && pthread_cond_timedwait(&col.cond, &col.lock, &until) == 0)
		;
	ok = done(arg);
	pthread_mutex_unlock(&col.lock);
	return ok;
}

/* A move seen more often than before. */
struct move {
	enum conn_states from, to;
	uint64_t before;
};

/* True once the move has happened again. */
static bool moved(const void *arg)
{
	const struct move *m = arg;

	return col.seen[m->from][m->to] > m->before;
}

/* True once either of two moves has happened again. */
static bool moved_either(const void *arg)
{
	const struct move *m = arg;

	return moved(&m[0]) || moved(&m[1]);
}

/* True once more answers than *arg came. */
static bool answered(const void *arg)
{
	return col.answers > *(const int *)arg;
}

/* True once the snapshot has ended. */
static bool attached(const void *arg)
{
	return col.attached;
}

/* True once *arg paused lines came. */
static bool paused(const void *arg)
{
	return col.paused >= *(const int *)arg;
}

/* How often the trace has shown from -> to so far. */
static uint64_t moves(enum conn_states from, enum conn_states to)
{
	uint64_t n;

	pthread_mutex_lock(&col.lock);
	n = col.seen[from][to];
	pthread_mutex_unlock(&col.lock);
	return n;
}

/* Expects the move from -> to to happen now (after what has been seen). */
#define EXPECT_MOVE(from, to, before_) \
	cr_assert(await(moved, &(struct move){ from, to, before_ }), \
		  "the trace never showed %s -> %s", wire_state_name(from), wire_state_name(to))

/* Sends a control command on the trace socket and waits for its ok. */
static void control(const char *cmd)
{
	int before;

	pthread_mutex_lock(&col.lock);
	before = col.answers;
	pthread_mutex_unlock(&col.lock);
	cr_assert(harness_send(col.lr.fd, cmd, strlen(cmd)));
	cr_assert(await(answered, &before), "no answer to %s", cmd);
	pthread_mutex_lock(&col.lock);
	cr_assert_eq(strncmp(col.answer, "ok", 2), 0, "%s: %s", cmd, col.answer);
	pthread_mutex_unlock(&col.lock);
}

/* Waits until the trace client has its snapshot: from then on it gets every event. */
static void wait_attached(void)
{
	cr_assert(await(attached, NULL), "the trace never sent its snapshot");
}

/* Waits until the server has paused at a breakpoint (the n-th paused line). */
static void wait_paused(int n)
{
	cr_assert(await(paused, &n), "the breakpoint never hit");
}

/* Sends a request and checks the reply. */
static void ask(int fd, const char *req, const char *reply)
{
	char *r = harness_cmd(fd, req, reply);

	cr_assert_not_null(r, "no reply to %s", req);
	cr_assert(strstr(r, reply) != NULL, "%s got %s", req, r);
	free(r);
}

/* Closes fd with a reset rather than a FIN. */
static void reset(int fd)
{
	struct linger l = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

/* Sends one UDP datagram: the 8-byte frame header (total datagrams as given) and payload. */
static void udp_send(int fd, int port, uint16_t total, const char *payload)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	uint8_t dgram[256];
	struct udp_header h = { 1, 0, total, 0 };
	size_t n = strlen(payload);

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	udp_header_encode(dgram, &h);
	memcpy(dgram + UDP_HEADER_SIZE, payload, n);
	cr_assert_eq(sendto(fd, dgram, UDP_HEADER_SIZE + n, 0, (struct sockaddr *)&to, sizeof(to)),
		     (ssize_t)(UDP_HEADER_SIZE + n));
}

/* Sends raw bytes in one UDP datagram, no frame header. */
static void udp_send_raw(int fd, int port, const char *bytes)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(sendto(fd, bytes, strlen(bytes), 0, (struct sockaddr *)&to, sizeof(to)),
		     (ssize_t)strlen(bytes));
}

/* Sends request on fd with a breakpoint on entering state (the n-th breakpoint of the run), resets
 * the connection while the worker waits there, and expects it to find the client gone: state ->
 * closing. */
static void reset_at(int fd, enum conn_states state, const char *request, int n)
{
	char cmd[64];
	uint64_t before = moves(state, conn_closing);

	snprintf(cmd, sizeof(cmd), "break state to=%s\n", wire_state_name(state));
	control(cmd);
	cr_assert(harness_send(fd, request, strlen(request)));
	wait_paused(n);
	reset(fd);
	control("break off\n");
	control("resume\n");
	EXPECT_MOVE(state, conn_closing, before);
}

/* Runs the TCP scenarios: the main road, noreply, too large, pipelining, partial lines, errors. */
static void tcp_scenarios(int port)
{
	char big[2100], value[901], line[64];
	int fd = harness_connect(port), n;
	uint64_t before, step;

	memset(big, 'b', sizeof(big));
	memset(value, 'v', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';

	/* The main road: set (nread, write), get (mwrite), a one-line reply (write). */
	ask(fd, "set k 0 0 5\r\nhello\r\n", "STORED\r\n");
	ask(fd, "get k\r\n", "END\r\n");
	ask(fd, "version\r\n", VERSION_REPLY);
	/* noreply: nothing to write after the value, or after the line. */
	ask(fd, "set q 0 0 1 noreply\r\nx\r\ndelete q noreply\r\nversion\r\n", VERSION_REPLY);
	/* Pipelined: new_cmd finds the next command already buffered. */
	ask(fd, "get k\r\nget k\r\nversion\r\n", VERSION_REPLY);
	/* Pipelined one-line replies are held while input is buffered: the -R 2 yield sends
	 * them (new_cmd -> write), then the rest go with the get's END. */
	before = moves(conn_new_cmd, conn_write);
	ask(fd, "version\r\nversion\r\nversion\r\nversion\r\nget nothere\r\n", "END\r\n");
	EXPECT_MOVE(conn_new_cmd, conn_write, before);
	/* Too large for -I 1k: the value is swallowed, then the error written; with noreply, no error. */
	n = snprintf(line, sizeof(line), "set big 0 0 %zu\r\n", sizeof(big));
	cr_assert(harness_send(fd, line, (size_t)n));
	cr_assert(harness_send(fd, big, sizeof(big)));
	ask(fd, "\r\n", "SERVER_ERROR object too large for cache\r\n");
	n = snprintf(line, sizeof(line), "set big 0 0 %zu noreply\r\n", sizeof(big));
	cr_assert(harness_send(fd, line, (size_t)n));
	cr_assert(harness_send(fd, big, sizeof(big)));
	ask(fd, "\r\nversion\r\n", VERSION_REPLY);
	/* Half a line: parse_cmd waits for the rest. */
	before = moves(conn_parse_cmd, conn_waiting);
	cr_assert(harness_send(fd, "ver", 3));
	EXPECT_MOVE(conn_parse_cmd, conn_waiting, before);
	ask(fd, "sion\r\n", VERSION_REPLY);
	/* quit. */
	before = moves(conn_parse_cmd, conn_closing);
	cr_assert(harness_send(fd, "quit\r\n", 6));
	cr_assert(harness_wait_eof(fd));
	EXPECT_MOVE(conn_parse_cmd, conn_closing, before);
	close(fd);

	/* A line too long: hung up on. */
	fd = harness_connect(port);
	before = moves(conn_parse_cmd, conn_closing);
	cr_assert(harness_send(fd, big, sizeof(big)));
	cr_assert(harness_wait_eof(fd));
	EXPECT_MOVE(conn_parse_cmd, conn_closing, before);
	close(fd);

	/* EOF halfway through a value. */
	fd = harness_connect(port);
	before = moves(conn_nread, conn_closing);
	step = moves(conn_parse_cmd, conn_nread);
	cr_assert(harness_send(fd, "set k 0 0 100\r\nabc", 18));
	EXPECT_MOVE(conn_parse_cmd, conn_nread, step);
	close(fd);
	EXPECT_MOVE(conn_nread, conn_closing, before);

	/* EOF halfway through a value being swallowed. */
	fd = harness_connect(port);
	before = moves(conn_swallow, conn_closing);
	step = moves(conn_parse_cmd, conn_swallow);
	n = snprintf(line, sizeof(line), "set big 0 0 %zu\r\nbbbb", sizeof(big));
	cr_assert(harness_send(fd, line, (size_t)n));
	EXPECT_MOVE(conn_parse_cmd, conn_swallow, step);
	close(fd);
	EXPECT_MOVE(conn_swallow, conn_closing, before);

	/* EOF at rest. */
	fd = harness_connect(port);
	before = moves(conn_read, conn_closing);
	ask(fd, "version\r\n", VERSION_REPLY);
	close(fd);
	EXPECT_MOVE(conn_read, conn_closing, before);

	/* A reset while a reply is about to be written: stopped at the breakpoint, the worker finds
	 * the client gone when it writes. First a one-line reply (write), then values (mwrite). */
	fd = harness_connect(port);
	cr_assert(harness_send(fd, "set v 0 0 900\r\n", 15));
	cr_assert(harness_send(fd, value, strlen(value)));
	ask(fd, "\r\n", "STORED\r\n");
	reset_at(fd, conn_write, "version\r\n", 1);
	reset_at(harness_connect(port), conn_mwrite, "get v v v\r\n", 2);
}

/* Runs the UDP scenarios: a request of two datagrams, a value cut short, quit, a datagram
 * without a header. */
static void udp_scenarios(int port)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	uint64_t before;

	cr_assert_geq(fd, 0);
	/* Dropped without a word, as memcached does. */
	before = moves(conn_read, conn_waiting);
	udp_send(fd, port, 2, "get k\r\n");
	EXPECT_MOVE(conn_read, conn_waiting, before);
	/* A value cut short waits in nread for its rest, from whatever datagram its worker
	 * reads next. Either worker may read the next one: each "quit" sent is the rest of
	 * the value, a bad data chunk (nread -> write), or a quit the other worker runs. */
	before = moves(conn_parse_cmd, conn_nread);
	udp_send(fd, port, 1, "set k 0 0 10\r\nabc");
	EXPECT_MOVE(conn_parse_cmd, conn_nread, before);
	for (;;) {
		struct move either[2] = {
			{ conn_nread, conn_write, moves(conn_nread, conn_write) },
			{ conn_closing, conn_read, moves(conn_closing, conn_read) },
		};

		udp_send(fd, port, 1, "quit\r\n");
		cr_assert(await(moved_either, either), "a datagram neither ended the value nor quit");
		if (moved(&either[0]))
			break;
	}
	before = moves(conn_closing, conn_read);
	udp_send(fd, port, 1, "quit\r\n");
	EXPECT_MOVE(conn_closing, conn_read, before);
	before = moves(conn_read, conn_waiting);
	udp_send_raw(fd, port, "abc");
	EXPECT_MOVE(conn_read, conn_waiting, before);
	close(fd);
}

Test(transitions, every_move_the_server_makes_is_in_the_table, .timeout = 120)
{
	char dir[] = "/tmp/mcscope-test-XXXXXX", sock[96], sock_arg[128], udp_port[16];
	struct server_proc p;
	int idle;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/trace.sock", dir);
	snprintf(sock_arg, sizeof(sock_arg), "--trace-socket=%s", sock);
	snprintf(udp_port, sizeof(udp_port), "%d", harness_free_udp_port());
	const char *args[] = { "-t", "2", "-U", udp_port, "-I", "1k", "-R", "2", sock_arg, NULL };
	cr_assert(harness_start(&p, args));

	memset(&col, 0, sizeof(col));
	pthread_mutex_init(&col.lock, NULL);
	pthread_cond_init(&col.cond, NULL);
	col.lr.fd = harness_unix_connect(sock);
	cr_assert_geq(col.lr.fd, 0);
	cr_assert_eq(pthread_create(&col.thread, NULL, collect, NULL), 0);
	wait_attached();

	tcp_scenarios(p.tcp_port);
	udp_scenarios(p.udp_port);
	/* Shutdown closes the conns still open: through conn_closing, like every other close. */
	idle = harness_connect(p.tcp_port);
	ask(idle, "version\r\n", VERSION_REPLY);
	cr_assert_eq(harness_stop(&p), 0);
	pthread_join(col.thread, NULL);
	close(idle);
	close(col.lr.fd);
	close(p.stderr_fd);
	unlink(sock);
	rmdir(dir);

	for (int i = 0; i < col.nstrange; i++)
		cr_expect_fail("a move the transitions table lacks: %s", col.strange[i]);
	cr_expect_eq(col.dropped, 0, "events were dropped: the table's coverage is unknown");
	for (int i = 0; i < wire_ntransitions; i++) {
		const struct wire_transition *t = &wire_transitions[i];
		bool excused = false;

		for (size_t j = 0; j < sizeof(not_made) / sizeof(not_made[0]); j++)
			excused |= not_made[j].from == t->from && not_made[j].to == t->to;
		if (!excused)
			cr_expect_gt(col.seen[t->from][t->to], 0, "no scenario made %s -> %s (%s)",
				     wire_state_name(t->from), wire_state_name(t->to), t->why);
	}
	pthread_mutex_destroy(&col.lock);
	pthread_cond_destroy(&col.cond);
}
