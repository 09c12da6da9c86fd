/* Integration tests: the trace stream and control socket of mcscoped (PROTOCOL.md). */
#include <criterion/criterion.h>
#include <poll.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "wire.h"

#define MAX_LINES 20000

/* Strings a test keeps until it ends, freed by the suite's fini. */
static char **kept;
static size_t nkept, keptsize;

/* Keeps a malloc'd string until the test ends; returns it. */
static void *keep(void *s)
{
	if (s != NULL && nkept == keptsize) {
		keptsize = keptsize ? keptsize * 2 : 1024;
		kept = realloc(kept, keptsize * sizeof(*kept));
		cr_assert_not_null(kept);
	}
	if (s != NULL)
		kept[nkept++] = s;
	return s;
}

/* Frees what the test kept. */
static void free_kept(void)
{
	for (size_t i = 0; i < nkept; i++)
		free(kept[i]);
	free(kept);
	kept = NULL;
	nkept = keptsize = 0;
}

TestSuite(trace, .fini = free_kept);

struct trace_session {
	struct server_proc p;
	char dir[64];
	char path[96];
	char arg[128];
};

/* Starts mcscoped with its trace socket in a fresh private directory, and up to two more flags. */
static void start2(struct trace_session *t, const char *threads, const char *extra, const char *extra2)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/mcscope-test-XXXXXX");
	cr_assert_not_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/trace.sock", t->dir);
	snprintf(t->arg, sizeof(t->arg), "--trace-socket=%s", t->path);
	const char *args[] = { "-t", threads, t->arg, extra, extra2, NULL };
	cr_assert(harness_start(&t->p, args));
}

/* Starts mcscoped with its trace socket in a fresh private directory. */
static void start(struct trace_session *t, const char *threads, const char *extra)
{
	start2(t, threads, extra, NULL);
}

/* Stops the server and removes the directory. */
static void stop(struct trace_session *t)
{
	cr_assert_eq(harness_stop(&t->p), 0);
	close(t->p.stderr_fd);
	unlink(t->path);
	rmdir(t->dir);
}

/* Attaches a trace client and reads through snapshot_end; returns the lines read (hello first). */
static int attach(struct trace_session *t, struct line_reader *lr, char **lines, int max)
{
	int n = 0;

	lr->fd = harness_unix_connect(t->path);
	lr->len = 0;
	cr_assert_geq(lr->fd, 0, "cannot connect to %s", t->path);
	for (;;) {
		char *line = keep(harness_read_line(lr));
		cr_assert_not_null(line, "the snapshot never ended");
		cr_assert_lt(n, max);
		lines[n++] = line;
		if (strstr(line, " ev=snapshot_end") != NULL)
			return n;
	}
}

/* Starts a server with threads workers (and one extra flag, or NULL) and attaches a trace client. */
static struct line_reader *begin(struct trace_session *t, const char *threads, const char *extra)
{
	struct line_reader *lr = keep(malloc(sizeof(*lr)));
	char *lines[64];

	cr_assert_not_null(lr);
	start(t, threads, extra);
	attach(t, lr, lines, 64);
	return lr;
}

/* Reads the answer to a version sent on fd, which must be its VERSION line. */
static void expect_version(int fd)
{
	char *r = harness_read_until(fd, "\r\n");

	cr_expect(r != NULL && strncmp(r, "VERSION ", 8) == 0, "wanted a VERSION line, got: %s", r ? r : "nothing");
	free(r);
}

/* Closes the client and the trace connection, then stops the server. */
static void finish(struct trace_session *t, struct line_reader *lr, int fd)
{
	close(fd);
	close(lr->fd);
	stop(t);
}

/* Returns line's value for key, or "" (the strings are kept until the test ends). */
static const char *val(const char *line, const char *key)
{
	char *v = keep(harness_line_value(line, key));
	return v != NULL ? v : "";
}

/* True when the line is of event ev. */
static bool is_ev(const char *line, const char *ev)
{
	return strcmp(val(line, "ev"), ev) == 0;
}

/* Sorts lines by seq. */
static int by_seq(const void *a, const void *b)
{
	unsigned long long x = strtoull(val(*(char *const *)a, "seq"), NULL, 10);
	unsigned long long y = strtoull(val(*(char *const *)b, "seq"), NULL, 10);
	return x < y ? -1 : x > y;
}

/* The transitions drive_machine may make: wire.h's table. */
static bool transition_allowed(int from, int to)
{
	return wire_transition_find(from, to) >= 0;
}

/* Index of the first line after start (in seq order) matching thr, ev and key=value (value may be NULL). */
static int find_after(char **lines, int n, int start, const char *thr, const char *ev,
		      const char *key, const char *value)
{
	for (int i = start + 1; i < n; i++)
		if (strcmp(val(lines[i], "thr"), thr) == 0 && is_ev(lines[i], ev) &&
		    (key == NULL || strcmp(val(lines[i], key), value) == 0))
			return i;
	return -1;
}

Test(trace, twelve_connections_tell_the_whole_handoff_story)
{
	struct trace_session t;
	struct line_reader *lr = keep(malloc(sizeof(*lr)));
	char **lines = keep(calloc(MAX_LINES, sizeof(char *)));
	int fds[12], n, closes = 0;

	start(&t, "4", NULL);
	n = attach(&t, lr, lines, MAX_LINES);
	cr_assert(is_ev(lines[0], "hello"));
	cr_expect_str_eq(val(lines[0], "v"), "1");
	cr_expect_str_eq(val(lines[0], "threads"), "4");
	int snapshot = n;
	for (int i = 0; i < 12; i++) {
		fds[i] = harness_connect(t.p.tcp_port);
		char *r = harness_cmd(fds[i], "set k 0 0 1\r\nx\r\nget k\r\n", "END\r\n");
		cr_assert_not_null(r);
		free(r);
	}
	for (int i = 0; i < 12; i++)
		close(fds[i]);
	/* The story ends when the twelfth conn_close arrives. */
	while (closes < 12) {
		char *line = keep(harness_read_line(lr));
		cr_assert_not_null(line, "stream ended after %d conn_close lines", closes);
		cr_assert_lt(n, MAX_LINES);
		lines[n++] = line;
		closes += is_ev(line, "conn_close");
	}
	qsort(lines + snapshot, (size_t)(n - snapshot), sizeof(char *), by_seq);

	/* Round robin: w0 w1 w2 w3 w0 ..., and last is the previous to. */
	const char *prev = "none";
	int d = 0;
	for (int i = snapshot; i < n; i++) {
		if (!is_ev(lines[i], "dispatch"))
			continue;
		char want[8];
		snprintf(want, sizeof(want), "w%d", d % 4);
		cr_expect_str_eq(val(lines[i], "to"), want, "dispatch %d", d);
		cr_expect_str_eq(val(lines[i], "last"), prev, "dispatch %d", d);
		cr_expect_str_eq(val(lines[i], "thr"), "main");
		cr_expect_str_eq(val(lines[i], "init"), "conn_new_cmd");
		prev = val(lines[i], "to");
		d++;

		/* The hand-off, in seq order: main pushes and writes 'c'; the worker reads, pops, conn_new. */
		const char *conn = val(lines[i], "conn"), *to = val(lines[i], "to");
		int push = find_after(lines, n, i, "main", "cq_push", "conn", conn);
		int wake = find_after(lines, n, push, "main", "notify_write", "to", to);
		int read = find_after(lines, n, wake, to, "notify_read", "byte", "c");
		int pop = find_after(lines, n, read, to, "cq_pop", "conn", conn);
		int made = find_after(lines, n, pop, to, "conn_new", "conn", conn);
		cr_expect(push > i && wake > push && read > wake && pop > read && made > pop,
			  "conn %s: dispatch %d push %d wake %d read %d pop %d conn_new %d", conn, i,
			  push, wake, read, pop, made);
		cr_expect_str_eq(val(lines[wake], "byte"), "c");
	}
	cr_expect_eq(d, 12);

	/* CQ depths never go negative and every queue is empty at rest. */
	int depth_of[4] = { 0 };
	for (int i = snapshot; i < n; i++) {
		if (!is_ev(lines[i], "cq_push") && !is_ev(lines[i], "cq_pop"))
			continue;
		int depth = atoi(val(lines[i], "depth"));
		const char *w = is_ev(lines[i], "cq_push") ? val(lines[i], "to") : val(lines[i], "thr");
		cr_expect_geq(depth, 0);
		depth_of[atoi(w + 1)] = depth;
	}
	for (int k = 0; k < 4; k++)
		cr_expect_eq(depth_of[k], 0, "w%d's CQ depth at rest", k);

	/* Every conn's states chain from its init, follow the table, and end in conn_close. */
	for (int i = snapshot; i < n; i++) {
		if (!is_ev(lines[i], "dispatch"))
			continue;
		const char *conn = val(lines[i], "conn");
		int state = wire_state_from_name(val(lines[i], "init"));
		bool closed = false;
		for (int j = i + 1; j < n; j++) {
			if (strcmp(val(lines[j], "conn"), conn) != 0)
				continue;
			if (is_ev(lines[j], "state")) {
				int from = wire_state_from_name(val(lines[j], "from"));
				int to = wire_state_from_name(val(lines[j], "to"));
				cr_expect_eq(from, state, "conn %s: from %s, but it was in %s", conn,
					     val(lines[j], "from"), wire_state_name(state));
				cr_expect(transition_allowed(from, to), "conn %s: %s -> %s", conn,
					  val(lines[j], "from"), val(lines[j], "to"));
				cr_expect(!closed, "conn %s changed state after conn_close", conn);
				state = to;
			} else if (is_ev(lines[j], "conn_close")) {
				cr_expect_eq(state, conn_closed, "conn %s closed in %s", conn,
					     wire_state_name(state));
				closed = true;
			}
		}
		cr_expect(closed, "conn %s never closed", conn);
	}
	close(lr->fd);
	stop(&t);
}

Test(trace, a_client_attaching_mid_run_gets_the_present)
{
	struct trace_session t;
	struct line_reader *lr = keep(malloc(sizeof(*lr)));
	char *lines[64];
	int fds[3], n, conns = 0, workers = 0;

	start(&t, "4", NULL);
	for (int i = 0; i < 3; i++) {
		fds[i] = harness_connect(t.p.tcp_port);
		char *r = harness_cmd(fds[i], "version\r\n", "\r\n");
		free(r);
	}
	n = attach(&t, lr, lines, 64);
	for (int i = 0; i < n; i++) {
		if (is_ev(lines[i], "snapshot_worker")) {
			workers++;
			cr_expect_str_eq(val(lines[i], "depth"), "0");
		}
		if (is_ev(lines[i], "snapshot_conn") && strcmp(val(lines[i], "thr"), "main") != 0) {
			conns++;
			/* The client has its reply once it is written, so the worker may not be back in
			 * conn_read yet: any state on that way is the present. */
			const char *state = val(lines[i], "state");
			cr_expect(strcmp(state, "conn_write") == 0 || strcmp(state, "conn_new_cmd") == 0 ||
				  strcmp(state, "conn_waiting") == 0 || strcmp(state, "conn_read") == 0,
				  "state %s", state);
			cr_expect_str_eq(val(lines[i], "transport"), "tcp");
		}
	}
	cr_expect_eq(workers, 4);
	cr_expect_eq(conns, 3);
	cr_expect_str_eq(val(lines[n - 1], "last"), "w2");
	cr_expect_str_eq(val(lines[n - 1], "next"), "w3");
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	close(lr->fd);
	stop(&t);
}

/* Sends a control line and returns its answer, skipping event lines. */
static char *control(struct line_reader *lr, const char *cmd, size_t len)
{
	cr_assert(harness_send(lr->fd, cmd, len));
	for (;;) {
		char *line = keep(harness_read_line(lr));
		cr_assert_not_null(line, "no answer to %.40s", cmd);
		if (strncmp(line, "ts=", 3) != 0)
			return line;
	}
}

Test(trace, filter_dispatch_switch_and_bad_commands)
{
	struct trace_session t;
	struct line_reader *lr = keep(malloc(sizeof(*lr)));
	char *lines[64], junk[5000];

	start(&t, "2", NULL);
	attach(&t, lr, lines, 64);
	char *a = control(lr, "bogus\n", 6);
	cr_expect(strncmp(a, "error ", 6) == 0, "%s", a);
	a = control(lr, "freeze w9\n", 10);
	cr_expect(strncmp(a, "error ", 6) == 0, "%s", a);
	memset(junk, 'x', sizeof(junk));
	junk[sizeof(junk) - 1] = '\n';
	a = control(lr, junk, sizeof(junk));
	cr_expect(strncmp(a, "error ", 6) == 0, "%s", a);
	a = control(lr, "\x01\xff\x00zz\n", 6);
	cr_expect(strncmp(a, "error ", 6) == 0, "%s", a);
	/* The shipped server has no custom policy: only a lab build plugs one in. */
	a = control(lr, "dispatch custom\n", 16);
	cr_expect_str_eq(a, "error dispatch custom: this mcscoped has no custom policy (a lab build plugs one in)");

	/* After all that the connection still works. */
	a = control(lr, "filter ev=dispatch,policy thr=main\n", 35);
	cr_expect_str_eq(a, "ok");
	/* Every client hears of the switch (a policy event), then the controller gets its answer. */
	cr_assert(harness_send(lr->fd, "dispatch least\n", 15));
	char *policy = keep(harness_read_line(lr));
	cr_assert_not_null(policy);
	cr_expect(is_ev(policy, "policy"), "%s", policy);
	cr_expect_str_eq(val(policy, "dispatch"), "least");
	a = keep(harness_read_line(lr));
	cr_expect_str_eq(a, "ok dispatch=least");
	int fd = harness_connect(t.p.tcp_port);
	char *r = harness_cmd(fd, "version\r\n", "\r\n");
	free(r);
	char *dispatch = keep(harness_read_line(lr));
	cr_assert_not_null(dispatch);
	cr_expect(is_ev(dispatch, "dispatch"), "the filter let through: %s", dispatch);
	cr_expect_str_eq(val(dispatch, "dispatch"), "least");
	finish(&t, lr, fd);
}

/* A client that stops reading while rounds x 4 x 100 gets go by: it loses events, no request
 * is held up, and once it reads again it is told what it missed. */
static void never_reads(const char *extra, int rounds)
{
	struct trace_session t;
	int stuck, fds[4];
	char batch[100 * 7 + 1] = "";
	const char *one = "VALUE k 0 1\r\nx\r\nEND\r\n";

	start(&t, "2", extra);
	/* It reads its snapshot, so the server surely counts it among its clients, then stops reading. */
	struct line_reader *lr = keep(malloc(sizeof(*lr)));
	char *lines[64];
	attach(&t, lr, lines, 64);
	stuck = lr->fd;
	for (int i = 0; i < 100; i++)
		strcat(batch, "get k\r\n");
	for (int i = 0; i < 4; i++) {
		fds[i] = harness_connect(t.p.tcp_port);
		char *r = harness_cmd(fds[i], "set k 0 0 1\r\nx\r\n", "\r\n");
		free(r);
	}
	/* Each get makes at least four lines (cmd and three states, over 300 bytes). */
	for (int round = 0; round < rounds; round++) {
		for (int i = 0; i < 4; i++)
			cr_assert(harness_send(fds[i], batch, strlen(batch)));
		for (int i = 0; i < 4; i++) {
			char *r = harness_read_exact(fds[i], 100 * strlen(one));
			cr_assert_not_null(r, "conn %d stalled in round %d", i, round);
			cr_assert(strncmp(r, one, strlen(one)) == 0);
			free(r);
		}
	}
	cr_expect_gt(harness_stat(fds[0], NULL, "trace_dropped"), 0);
	cr_expect_eq(harness_stat(fds[0], NULL, "trace_clients"), 1);

	/* Once it reads again and catches up, it is told in-band what it missed. */
	bool told = false;
	for (char *line; !told && (line = harness_read_line(lr)) != NULL; free(line))
		told = strstr(line, " ev=dropped count=") != NULL;
	cr_expect(told, "no dropped line reached the slow client");
	for (int i = 0; i < 4; i++)
		close(fds[i]);
	close(stuck);
	stop(&t);
}

Test(trace, a_client_that_never_reads_loses_events_not_requests)
{
	/* 60000 gets: several times what the default buffer (4 MB) and the socket hold together. */
	never_reads(NULL, 150);
}

Test(trace, a_small_trace_buffer_is_all_a_slow_client_may_cost)
{
	/* 4000 gets, about 1.2 MB of lines: well within the default 4 MB, but past 64 KB and the socket. */
	never_reads("--trace-buffer=64k", 10);
}

Test(trace, memory_that_departed_clients_held_goes_back_to_the_system)
{
	enum { CLIENTS = 20, FILLED_KB = CLIENTS * 6 * 1024, LEFT_KB = 16 * 1024 };
	struct trace_session t;
	struct line_reader *lr[CLIENTS];
	char batch[100 * 7 + 1] = "", *lines[64];
	int fds[4];

	/*
	 * 8 MB each, 160 MB in all: more than one 64 MB heap of the publisher's malloc arena, and
	 * glibc gives back on its own only a free top of the newest one. --trace-release at its
	 * most: the one hand-back is then the last leave's, which the test can await.
	 */
	start2(&t, "2", "--trace-buffer=8m", "--trace-release=1024m");
	for (int i = 0; i < 4; i++) {
		fds[i] = harness_connect(t.p.tcp_port);
		free(harness_cmd(fds[i], "set k 0 0 1\r\nx\r\n", "\r\n"));
	}
	for (int i = 0; i < CLIENTS; i++) {
		lr[i] = keep(malloc(sizeof(*lr[i])));
		attach(&t, lr[i], lines, 64);
	}
	long base = harness_rss_kb(&t.p), rss = base;
	cr_assert_gt(base, 0);

	/* Gets until the clients, which never read past their snapshot, hold 6 MB each of their 8. */
	for (int i = 0; i < 100; i++)
		strcat(batch, "get k\r\n");
	for (int round = 0; round < 2000 && rss < base + FILLED_KB; round++) {
		for (int i = 0; i < 4; i++)
			cr_assert(harness_send(fds[i], batch, strlen(batch)));
		for (int i = 0; i < 4; i++) {
			char *r = harness_read_exact(fds[i], 100 * strlen("VALUE k 0 1\r\nx\r\nEND\r\n"));
			cr_assert_not_null(r, "conn %d stalled in round %d", i, round);
			free(r);
		}
		rss = harness_rss_kb(&t.p);
	}
	cr_assert_geq(rss, base + FILLED_KB, "the clients' buffers never filled: %ld kB from %ld", rss, base);
	cr_expect_gt(harness_stat(fds[0], NULL, "trace_dropped"), 0);

	for (int i = 0; i < CLIENTS; i++)
		close(lr[i]->fd);
	cr_assert_eq(harness_await_stat(fds[0], NULL, "trace_clients", 0, 0), 0);
	cr_assert_eq(harness_await_stat(fds[0], NULL, "trace_trims", 1, 1), 1);
	rss = harness_rss_kb(&t.p);
	if (harness_server_sanitized(&t.p)) {
		/* ASan's and TSan's allocators keep freed memory (quarantine, their own caches), not malloc's arenas. */
		for (int i = 0; i < 4; i++)
			close(fds[i]);
		stop(&t);
		cr_skip_test("a sanitizer's allocator keeps what it frees: RSS %ld kB, from %ld", rss, base);
	}
	cr_expect_leq(rss, base + LEFT_KB, "RSS %ld kB after the clients left, from %ld before them", rss, base);
	for (int i = 0; i < 4; i++)
		close(fds[i]);
	stop(&t);
}

Test(trace, the_socket_is_private)
{
	struct trace_session t;
	struct stat st;

	start(&t, "1", NULL);
	cr_assert_eq(stat(t.path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600, "socket mode %o", st.st_mode & 0777);
	if (geteuid() != 0) {
		stop(&t);
		cr_skip_test("another uid's refusal needs root to become a second user");
	}
	/* Open the door wide, as a careless admin might: the server still checks the peer. */
	cr_assert_eq(chmod(t.dir, 0755), 0);
	cr_assert_eq(chmod(t.path, 0666), 0);
	int pipefd[2];
	cr_assert_eq(pipe(pipefd), 0);
	pid_t pid = fork();
	if (pid == 0) {
		char reply[256] = "";
		struct line_reader *lr = keep(malloc(sizeof(*lr)));
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		lr->fd = harness_unix_connect(t.path);
		lr->len = 0;
		char *line = lr->fd >= 0 ? harness_read_line(lr) : NULL;
		snprintf(reply, sizeof(reply), "%s", line != NULL ? line : "(none)");
		bool eof = lr->fd >= 0 && harness_read_line(lr) == NULL;
		if (write(pipefd[1], reply, strlen(reply)) < 0 || !eof)
			_exit(3);
		_exit(0);
	}
	close(pipefd[1]);
	char got[256] = "";
	ssize_t len = read(pipefd[0], got, sizeof(got) - 1);
	got[len > 0 ? len : 0] = '\0';
	int status;
	waitpid(pid, &status, 0);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
	cr_expect(strncmp(got, "error permission denied: uid 65534", 34) == 0, "got: %s", got);
	stop(&t);
}

Test(trace, stale_sockets_are_replaced_live_ones_are_not_stolen)
{
	struct trace_session t;
	char *err = NULL;

	start(&t, "1", NULL);
	const char *again[] = { "-p", "0", "-t", "1", t.arg, NULL };
	cr_expect_neq(harness_run(again, &err), 0);
	cr_expect_not_null(strstr(err, "another mcscoped is serving"), "stderr: %s", err);
	free(err);

	/* A server that dies leaves its socket file behind; the next one takes the path over. */
	kill(t.p.pid, SIGKILL);
	waitpid(t.p.pid, NULL, 0);
	close(t.p.stderr_fd);
	struct stat st;
	cr_assert_eq(stat(t.path, &st), 0, "the dead server's socket file is gone already");
	const char *args[] = { "-t", "1", t.arg, NULL };
	cr_assert(harness_start(&t.p, args));
	int fd = harness_unix_connect(t.path);
	cr_expect_geq(fd, 0);
	close(fd);
	stop(&t);
}

Test(trace, no_trace_means_no_socket)
{
	struct trace_session t;
	struct stat st;

	start(&t, "1", "--no-trace");
	cr_expect_neq(stat(t.path, &st), 0);
	stop(&t);
}

/* True when fd has bytes to read right now (used only where a thread is known to be stopped). */
static bool readable_now(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	return poll(&pfd, 1, 0) == 1;
}

/* Reads event lines until one of event ev arrives; returns it. */
static char *read_until_ev(struct line_reader *lr, const char *ev)
{
	for (;;) {
		char *line = keep(harness_read_line(lr));
		cr_assert_not_null(line, "no %s line came", ev);
		if (is_ev(line, ev))
			return line;
	}
}

Test(trace, pause_then_step_lets_exactly_one_event_through)
{
	struct trace_session t;
	struct line_reader *lr = begin(&t, "1", NULL);
	int fd = harness_connect(t.p.tcp_port);
	char *r = harness_cmd(fd, "version\r\n", "\r\n");
	free(r);
	/* The reply is sent before the worker is back in conn_read: wait for the stream to say so
	 * (a new conn also passes waiting -> read before its first command, hence the cmd first). */
	read_until_ev(lr, "cmd");
	for (bool idle = false; !idle;) {
		char *line = read_until_ev(lr, "state");
		idle = strcmp(val(line, "from"), "conn_waiting") == 0 &&
		       strcmp(val(line, "to"), "conn_read") == 0 && strstr(line, " thr=w0 ") != NULL;
	}
	cr_assert(harness_send(lr->fd, "pause\n", 6));
	read_until_ev(lr, "paused");
	cr_expect_str_eq(keep(harness_read_line(lr)), "ok paused");

	/* The worker wakes for the command and stops at its first trace point. */
	cr_assert(harness_send(fd, "version\r\n", 9));
	char *gate = read_until_ev(lr, "gate");
	cr_expect_str_eq(val(gate, "thr"), "w0");
	cr_expect_str_eq(val(gate, "at"), "state");

	cr_assert(harness_send(lr->fd, "step 1\n", 7));
	cr_expect_str_eq(keep(harness_read_line(lr)), "ok step 1");
	char *one = keep(harness_read_line(lr)), *next = keep(harness_read_line(lr));
	cr_assert_not_null(next);
	cr_expect(is_ev(one, "state"), "the stepped event: %s", one);
	cr_expect_str_eq(val(one, "to"), "conn_parse_cmd");
	cr_expect(is_ev(next, "gate"), "after one step the worker waits again: %s", next);
	cr_expect_str_eq(val(next, "at"), "cmd");
	cr_expect(!readable_now(fd), "the client got a reply while the worker was stopped");

	cr_assert(harness_send(lr->fd, "resume\n", 7));
	expect_version(fd);
	finish(&t, lr, fd);
}

Test(trace, a_controller_that_leaves_while_paused_releases_the_server)
{
	struct trace_session t;
	struct line_reader *lr = begin(&t, "2", NULL);
	cr_expect_str_eq(control(lr, "pause\n", 6), "ok paused");
	cr_expect(strncmp(control(lr, "freeze w1\n", 10), "ok", 2) == 0);
	int fd = harness_connect(t.p.tcp_port);
	cr_assert(harness_send(fd, "version\r\n", 9));
	read_until_ev(lr, "gate");
	close(lr->fd);
	char *r = harness_read_until(fd, "\r\n");
	cr_expect(r != NULL && strncmp(r, "VERSION ", 8) == 0, "not served after the controller left");
	free(r);
	close(fd);
	stop(&t);
}

Test(trace, a_delay_is_announced_in_the_stream_and_the_snapshot_and_cleared_on_leaving)
{
	struct trace_session t;
	struct line_reader *lr = keep(malloc(sizeof(*lr)));
	struct line_reader *watcher = keep(malloc(sizeof(*watcher)));
	char *lines[64];
	int n;

	start(&t, "2", NULL);
	attach(&t, lr, lines, 64);
	cr_assert(harness_send(lr->fd, "delay w1 40\n", 12));
	char *d = read_until_ev(lr, "delay");
	cr_expect_str_eq(val(d, "thr"), "main");
	cr_expect_str_eq(val(d, "to"), "w1");
	cr_expect_str_eq(val(d, "ms"), "40");
	cr_expect_str_eq(keep(harness_read_line(lr)), "ok delay w1 40");

	/* A client attaching now learns of it from the snapshot. */
	n = attach(&t, watcher, lines, 64);
	int found = 0;
	for (int i = 0; i < n; i++) {
		if (!is_ev(lines[i], "snapshot_worker"))
			continue;
		found++;
		cr_expect_str_eq(val(lines[i], "delay"), strcmp(val(lines[i], "thr"), "w1") == 0 ? "40" : "0",
				 "%s", lines[i]);
	}
	cr_expect_eq(found, 2);

	/* The controller leaves: the delay goes, and watchers are told. */
	close(lr->fd);
	d = read_until_ev(watcher, "delay");
	cr_expect_str_eq(val(d, "to"), "w1");
	cr_expect_str_eq(val(d, "ms"), "0");
	close(watcher->fd);
	stop(&t);
}

Test(trace, a_frozen_worker_queues_its_connections_and_drains_on_thaw)
{
	struct trace_session t;
	struct line_reader *lr = keep(malloc(sizeof(*lr)));
	char *lines[64];
	int fds[8], max_depth = 0;

	start(&t, "4", NULL);
	attach(&t, lr, lines, 64);
	cr_expect_str_eq(control(lr, "freeze w1\n", 10), "ok frozen w1");
	for (int i = 0; i < 8; i++) {
		fds[i] = harness_connect(t.p.tcp_port);
		cr_assert(harness_send(fds[i], "version\r\n", 9));
	}
	/* The others are served; w1's two clients (conns 2 and 6 of 8) wait in its CQ. */
	for (int i = 0; i < 8; i++) {
		if (i % 4 == 1)
			continue;
		char *r = harness_read_until(fds[i], "\r\n");
		cr_expect(r != NULL && strncmp(r, "VERSION ", 8) == 0, "client %d", i);
		free(r);
	}
	int pushes = 0;
	while (pushes < 2) {
		char *line = read_until_ev(lr, "cq_push");
		if (strcmp(val(line, "to"), "w1") == 0) {
			pushes++;
			max_depth = atoi(val(line, "depth"));
		}
	}
	cr_expect_eq(max_depth, 2, "w1's CQ depth");
	cr_expect(!readable_now(fds[1]) && !readable_now(fds[5]), "a frozen worker served");

	cr_assert(harness_send(lr->fd, "thaw w1\n", 8));
	for (int i = 1; i < 8; i += 4) {
		char *r = harness_read_until(fds[i], "\r\n");
		cr_expect(r != NULL && strncmp(r, "VERSION ", 8) == 0, "client %d after thaw", i);
		free(r);
	}
	int depth = -1;
	while (depth != 0) {
		char *line = read_until_ev(lr, "cq_pop");
		if (strcmp(val(line, "thr"), "w1") == 0)
			depth = atoi(val(line, "depth"));
	}
	for (int i = 0; i < 8; i++)
		close(fds[i]);
	close(lr->fd);
	stop(&t);
}

Test(trace, a_breakpoint_pauses_before_the_event)
{
	struct trace_session t;
	struct line_reader *lr = begin(&t, "2", NULL);
	cr_expect_str_eq(control(lr, "break ev=dispatch\n", 18), "ok break set");
	int fd = harness_connect(t.p.tcp_port);
	cr_assert(harness_send(fd, "version\r\n", 9));
	char *paused = read_until_ev(lr, "paused");
	cr_expect_str_eq(val(paused, "at"), "dispatch");
	char *gate = read_until_ev(lr, "gate");
	cr_expect_str_eq(val(gate, "thr"), "main");
	cr_expect_str_eq(val(gate, "at"), "dispatch");
	cr_expect(!readable_now(fd));
	cr_expect_str_eq(control(lr, "break off\n", 10), "ok break off");
	cr_expect_str_eq(control(lr, "resume\n", 7), "ok resumed");
	expect_version(fd);
	finish(&t, lr, fd);
}

Test(trace, started_paused_it_waits_and_stops_cleanly_on_sigterm)
{
	struct trace_session t;
	struct line_reader *lr = begin(&t, "2", "--paused");
	int fd = harness_connect(t.p.tcp_port);
	cr_assert(harness_send(fd, "version\r\n", 9));
	/* Nobody steers yet: the main thread waits before its first step (the accept). */
	char *gate = read_until_ev(lr, "gate");
	cr_expect_str_eq(val(gate, "thr"), "main");
	cr_expect_str_eq(val(gate, "at"), "accept");
	cr_expect(!readable_now(fd));
	/* A stopped main thread must not keep the server from stopping. */
	finish(&t, lr, fd);
}

/* Reads the very next line, which must be thread thr's event ev; returns it. */
static char *next_event(struct line_reader *lr, const char *thr, const char *ev)
{
	char *line = keep(harness_read_line(lr));

	cr_assert_not_null(line, "no line came; wanted %s's %s", thr, ev);
	cr_assert(strcmp(val(line, "thr"), thr) == 0 && is_ev(line, ev), "wanted %s's %s, got: %s",
		  thr, ev, line);
	return line;
}

/* Sends a control line; the very next line must be the answer want. */
static void expect_answer(struct line_reader *lr, const char *cmd, const char *want)
{
	cr_assert(harness_send(lr->fd, cmd, strlen(cmd)));
	cr_expect_str_eq(keep(harness_read_line(lr)), want, "the answer to %.*s", (int)strlen(cmd) - 1,
			 cmd);
}

/* step thr: thr does ev, then waits at a gate before next_ev (NULL: it goes idle instead). */
static void step_thread(struct line_reader *lr, const char *thr, const char *ev, const char *next_ev)
{
	char cmd[32], want[48];

	snprintf(cmd, sizeof(cmd), "step %s\n", thr);
	snprintf(want, sizeof(want), "ok step %s 1", thr);
	expect_answer(lr, cmd, want);
	next_event(lr, thr, ev);
	if (next_ev != NULL)
		cr_expect_str_eq(val(next_event(lr, thr, "gate"), "at"), next_ev, "%s after %s", thr, ev);
}

Test(trace, step_main_and_step_wk_move_one_thread_while_the_others_stay_stopped)
{
	static const char *const main_steps[] = { "accept", "dispatch", "cq_push", "notify_write" };
	static const char *const worker_steps[] = { "notify_read", "cq_pop", "conn_new" };
	struct trace_session t;
	struct line_reader *lr = keep(malloc(sizeof(*lr)));
	char *lines[64], worker[8], other[8], cmd[32], want[48];

	start(&t, "2", NULL);
	attach(&t, lr, lines, 64);
	cr_expect_str_eq(control(lr, "pause\n", 6), "ok paused");
	int fd = harness_connect(t.p.tcp_port);
	cr_expect_str_eq(val(read_until_ev(lr, "gate"), "thr"), "main");

	/* Main alone: the hand-off, one trace point a step. Nothing else moves, so every line in
	 * between is the answer, main's event or main's next gate; the last step wakes a worker,
	 * which stops at its first trace point. */
	char *dispatch = NULL;
	for (int i = 0; i < 4; i++) {
		expect_answer(lr, "step main\n", "ok step main 1");
		char *line = next_event(lr, "main", main_steps[i]);
		if (i == 1)
			dispatch = line;
		if (i < 3)
			cr_expect_str_eq(val(next_event(lr, "main", "gate"), "at"), main_steps[i + 1]);
	}
	cr_assert_not_null(dispatch);
	snprintf(worker, sizeof(worker), "%s", val(dispatch, "to"));
	snprintf(other, sizeof(other), "%s", strcmp(worker, "w0") == 0 ? "w1" : "w0");
	cr_expect_str_eq(val(next_event(lr, worker, "gate"), "at"), "notify_read");

	/* Main has nothing to do: told at once, and the step waits for its next trace point. */
	expect_answer(lr, "step main\n", "ok step main 1 idle");

	/* The worker alone: notify_read, cq_pop, conn_new, one a step, in order. */
	for (int i = 0; i < 3; i++)
		step_thread(lr, worker, worker_steps[i], i < 2 ? worker_steps[i + 1] : NULL);
	cr_expect(!readable_now(fd));

	/* Both workers now wait in their event loops for something to do. */
	snprintf(cmd, sizeof(cmd), "step %s\n", other);
	snprintf(want, sizeof(want), "ok step %s 1 idle", other);
	expect_answer(lr, cmd, want);
	snprintf(cmd, sizeof(cmd), "step %s\n", worker);
	snprintf(want, sizeof(want), "ok step %s 1 idle", worker);
	expect_answer(lr, cmd, want);

	/* A request wakes the worker: its kept step takes it through its first trace point, and
	 * it stops at the next, still paused. */
	cr_assert(harness_send(fd, "version\r\n", 9));
	const char *at = val(next_event(lr, worker, "gate"), "at");
	next_event(lr, worker, at);
	next_event(lr, worker, "gate");
	cr_expect(!readable_now(fd), "a paused worker replied");

	cr_expect_str_eq(control(lr, "resume\n", 7), "ok resumed");
	expect_version(fd);
	finish(&t, lr, fd);
}

Test(trace, step_wk_steps_a_frozen_worker_while_nothing_is_paused)
{
	struct trace_session t;
	struct line_reader *lr = begin(&t, "2", NULL);
	expect_answer(lr, "step main\n", "error not paused (send pause first)");
	expect_answer(lr, "step w1\n", "error not paused and w1 is not frozen (send pause or freeze w1 first)");
	expect_answer(lr, "step w2\n", "error no worker w2 (w0-w1)");
	expect_answer(lr, "step w0 0\n", "error step count must be 1-1000000");
	expect_answer(lr, "freeze w0\n", "ok frozen w0");
	expect_answer(lr, "step w0\n", "ok step w0 1 idle");
	/* Thawed while nothing is paused, it runs free: its kept step is dropped, not saved up. */
	expect_answer(lr, "thaw w0\n", "ok thawed w0");
	expect_answer(lr, "freeze w0\n", "ok frozen w0");

	/* Round robin hands the first connection to w0: main runs on, w0 stops at its first
	 * trace point. */
	int fd = harness_connect(t.p.tcp_port);
	char *gate = read_until_ev(lr, "gate");
	cr_expect_str_eq(val(gate, "thr"), "w0");
	cr_expect_str_eq(val(gate, "at"), "notify_read");
	expect_answer(lr, "step main\n", "error not paused (send pause first)");
	step_thread(lr, "w0", "notify_read", "cq_pop");
	expect_answer(lr, "step w0 2\n", "ok step w0 2");
	next_event(lr, "w0", "cq_pop");
	cr_expect_str_eq(val(next_event(lr, "w0", "gate"), "at"), "conn_new");
	next_event(lr, "w0", "conn_new");

	/* Still frozen: a request finds it stopped at its first trace point. */
	cr_assert(harness_send(fd, "version\r\n", 9));
	next_event(lr, "w0", "gate");
	cr_expect(!readable_now(fd), "a frozen worker replied");
	expect_answer(lr, "thaw w0\n", "ok thawed w0");
	expect_version(fd);
	finish(&t, lr, fd);
}

Test(trace, a_stop_delivers_the_events_just_before_it_and_the_shutdown)
{
	struct trace_session t;
	struct line_reader *lr = keep(malloc(sizeof(*lr)));
	char *lines[MAX_LINES];
	char *cmd = NULL, *closed = NULL;
	int n_s = 0;

	start(&t, "2", NULL);
	int n = attach(&t, lr, lines, MAX_LINES);
	int fd = harness_connect(t.p.tcp_port);
	free(harness_cmd(fd, "version\r\n", "\r\n"));
	/* No pause: the version's events are recorded a moment before the stop. */
	stop(&t);
	for (char *line; (line = harness_read_line(lr)) != NULL;) {
		keep(line);
		cr_assert_lt(n, MAX_LINES);
		lines[n++] = line;
		if (is_ev(line, "cmd") && strcmp(val(line, "verb"), "version") == 0)
			cmd = line;
		if (is_ev(line, "conn_close") && strcmp(val(line, "reason"), "shutdown") == 0)
			closed = line;
		if (is_ev(line, "notify_read") && strcmp(val(line, "byte"), "s") == 0)
			n_s++;
	}
	cr_assert_not_null(cmd, "the version's cmd event was lost");
	cr_assert_not_null(closed, "no conn_close reason=shutdown for the open connection");
	cr_expect_str_eq(val(closed, "conn"), val(cmd, "conn"));
	cr_expect_eq(n_s, 2, "each worker reads the stop byte");
	close(fd);
	close(lr->fd);
}

Test(trace, resumed_comes_before_what_the_released_threads_do)
{
	struct trace_session t;
	struct line_reader *lr = begin(&t, "2", NULL);
	cr_expect_str_eq(control(lr, "pause\n", 6), "ok paused");
	int fd = harness_connect(t.p.tcp_port);
	cr_expect_str_eq(val(read_until_ev(lr, "gate"), "at"), "accept");
	cr_assert(harness_send(lr->fd, "resume\n", 7));
	/* A reader learns that step mode ended before it sees the threads run on. */
	char *line = keep(harness_read_line(lr));
	cr_assert_not_null(line);
	cr_expect(is_ev(line, "resumed"), "wanted resumed first, got: %s", line);
	cr_assert(harness_send(fd, "version\r\n", 9));
	expect_version(fd);
	finish(&t, lr, fd);
}

Test(trace, sighup_and_sigquit_stop_the_server_as_sigterm_does)
{
	static const int signals[] = { SIGHUP, SIGQUIT, SIGINT };

	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		struct trace_session t;
		struct line_reader *lr = begin(&t, "2", NULL);
		int fd = harness_connect(t.p.tcp_port);
		free(harness_cmd(fd, "version\r\n", "\r\n"));
		cr_expect_eq(harness_stop_with(&t.p, signals[i]), 0, "%s: exit status", strsignal(signals[i]));
		cr_expect(access(t.path, F_OK) != 0 && errno == ENOENT, "%s left the trace socket %s behind",
			  strsignal(signals[i]), t.path);
		close(fd);
		close(lr->fd);
		close(t.p.stderr_fd);
		unlink(t.path);
		rmdir(t.dir);
	}
}

Test(trace, beyond_trace_clients_a_client_is_told_and_let_go)
{
	struct trace_session t;
	struct line_reader *first = begin(&t, "2", "--trace-clients=2");
	struct line_reader *second = keep(malloc(sizeof(*second)));
	struct line_reader *third = keep(malloc(sizeof(*third)));
	char *lines[64];

	attach(&t, second, lines, 64);
	third->fd = harness_unix_connect(t.path);
	third->len = 0;
	cr_assert_geq(third->fd, 0);
	char *line = keep(harness_read_line(third));
	cr_assert_not_null(line);
	cr_expect_str_eq(line, "error too many trace clients (2, --trace-clients): try again later");
	cr_expect_null(harness_read_line(third), "a refused client is let go");
	close(third->fd);

	int fd = harness_connect(t.p.tcp_port);
	cr_expect_eq(harness_stat(fd, NULL, "trace_refused"), 1);
	cr_expect_eq(harness_stat(fd, NULL, "trace_clients"), 2);
	cr_expect_eq(harness_stat(fd, "settings", "trace_clients_max"), 2);
	/* One leaves: the next one is welcome. Nothing announces a leave, so ask until it is counted. */
	close(second->fd);
	harness_await_stat(fd, NULL, "trace_clients", 1, 1);
	attach(&t, third, lines, 64);
	close(third->fd);
	finish(&t, first, fd);
}
