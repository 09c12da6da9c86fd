/* Integration tests: -o idle_timeout, the conn_timeout thread, over real sockets. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* Connections the ghost test opens and leaves silent. */
#define GHOSTS 200

/* Returns how many fds process pid has open. */
static int open_fds(pid_t pid)
{
	char path[64];
	struct dirent *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	DIR *dir = opendir(path);
	cr_assert_not_null(dir, "cannot read %s", path);
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* Sends version on fd and expects its VERSION line. */
static void expect_version(int fd)
{
	char *r = harness_cmd(fd, "version\r\n", "\r\n");

	cr_assert(r != NULL && strncmp(r, "VERSION ", 8) == 0, "wanted VERSION, got %s", r ? r : "nothing");
	free(r);
}

/* True when the peer has closed fd: poll says readable and a read finds EOF (or a reset). */
static bool closed_now(int fd, int wait_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[256];

	if (poll(&pfd, 1, wait_ms) != 1)
		return false;
	ssize_t r = read(fd, buf, sizeof(buf));
	return r == 0 || r < 0;
}

Test(conn_timeout, settings_show_the_timeout_and_off_by_default_and_a_signal_stops_the_thread)
{
	const char *on[] = { "-o", "idle_timeout=30", NULL };
	const char *off[] = { NULL };
	struct server_proc p;

	cr_assert(harness_start(&p, on));
	int fd = harness_connect(p.tcp_port);
	cr_expect_eq(harness_stat(fd, "settings", "idle_timeout"), 30);
	cr_expect_eq(harness_stat(fd, NULL, "idle_kicks"), 0);
	/* The timeout thread sleeps up to 31 s: a stop signal must not wait for it. */
	cr_assert_eq(harness_stop_with(&p, SIGHUP), 0);
	close(fd);
	close(p.stderr_fd);

	cr_assert(harness_start(&p, off));
	fd = harness_connect(p.tcp_port);
	cr_expect_eq(harness_stat(fd, "settings", "idle_timeout"), 0);
	close(fd);
	cr_assert_eq(harness_stop(&p), 0);
	close(p.stderr_fd);
}

Test(conn_timeout, idle_conn_is_closed_busy_and_mid_value_conns_are_not)
{
	const char *args[] = { "--idle-timeout=1", "-t", "2", NULL };
	struct server_proc p;
	int polls = 0;

	cr_assert(harness_start(&p, args));
	/* mid: a set whose value has not all come (conn_nread): not between commands, never idle. */
	int mid = harness_connect(p.tcp_port);
	cr_assert(harness_send(mid, "set k 0 0 5\r\nab", 15));
	int idle = harness_connect(p.tcp_port);
	int busy = harness_connect(p.tcp_port);
	expect_version(idle);
	expect_version(busy);
	/* Await the idle conn's EOF; meanwhile busy sends a command every 200 ms, so it never
	 * sits for a second. The bound is the harness's deadline. */
	while (!closed_now(idle, 200)) {
		cr_assert_lt(++polls, HARNESS_DEADLINE_MS / 200, "the idle conn was never closed");
		expect_version(busy);
	}
	expect_version(busy);
	cr_expect_eq(harness_stat(busy, NULL, "idle_kicks"), 1, "one conn was kicked");
	/* mid was as old as idle when idle was kicked, yet it is open: the value completes. */
	char *r = harness_cmd(mid, "cde\r\n", "\r\n");
	cr_expect(r != NULL && strcmp(r, "STORED\r\n") == 0, "mid got %s", r ? r : "nothing");
	free(r);
	close(mid);
	close(busy);
	close(idle);
	cr_assert_eq(harness_stop(&p), 0);
	close(p.stderr_fd);
}

Test(conn_timeout, ghost_conns_are_all_reaped_and_their_fds_closed)
{
	const char *args[] = { "-o", "idle_timeout=1", "-t", "4", "--no-trace", NULL };
	struct server_proc p;
	int fds[GHOSTS];

	cr_assert(harness_start(&p, args));
	/* A reply means the main loop runs, so start-up's fds (--ready-fd) are closed: the
	 * baseline is the server's fds with one client, the probe, which goes idle too. */
	int probe = harness_connect(p.tcp_port);
	expect_version(probe);
	int baseline = open_fds(p.pid);
	for (int i = 0; i < GHOSTS; i++) {
		fds[i] = harness_connect(p.tcp_port);
		cr_assert_geq(fds[i], 0, "connection %d", i);
	}
	/* Each EOF comes after the server closed that socket. */
	for (int i = 0; i < GHOSTS; i++)
		cr_assert(harness_wait_eof(fds[i]), "ghost %d was never closed", i);
	cr_assert(harness_wait_eof(probe), "the probe was never closed");
	int after = open_fds(p.pid);
	cr_expect_eq(after, baseline - 1, "the server holds %d fds, %d with the probe alone", after, baseline);
	int fd = harness_connect(p.tcp_port);
	cr_expect_eq(harness_stat(fd, NULL, "idle_kicks"), GHOSTS + 1);
	cr_expect_eq(harness_stat(fd, NULL, "curr_connections"), 1);
	close(fd);
	for (int i = 0; i < GHOSTS; i++)
		close(fds[i]);
	close(probe);
	cr_assert_eq(harness_stop_with(&p, SIGQUIT), 0);
	close(p.stderr_fd);
}

/* Reads trace lines until one of event ev whose key has value want (NULL: any); returns it. */
static char *read_until(struct line_reader *lr, const char *ev, const char *key, const char *want)
{
	for (;;) {
		char *line = harness_read_line(lr);
		cr_assert_not_null(line, "no %s line came", ev);
		char *e = harness_line_value(line, "ev");
		char *v = key != NULL ? harness_line_value(line, key) : NULL;
		bool hit = e != NULL && strcmp(e, ev) == 0 && (key == NULL || (v != NULL && strcmp(v, want) == 0));
		free(e);
		free(v);
		if (hit)
			return line;
		free(line);
	}
}

/* Returns line's value of key, which it must have (malloc'd). */
static char *must_value(const char *line, const char *key)
{
	char *v = harness_line_value(line, key);

	cr_assert_not_null(v, "no %s= in %s", key, line);
	return v;
}

Test(conn_timeout, the_trace_shows_the_timeout_thread_kick_through_the_pipe)
{
	char dir[] = "/tmp/mcscope-test-XXXXXX", path[96], arg[128];
	struct line_reader *lr = malloc(sizeof(*lr));
	struct server_proc p;

	cr_assert_not_null(lr);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/trace.sock", dir);
	snprintf(arg, sizeof(arg), "--trace-socket=%s", path);
	const char *args[] = { "-o", "idle_timeout=1", "-t", "2", arg, NULL };
	cr_assert(harness_start(&p, args));
	lr->fd = harness_unix_connect(path);
	lr->len = 0;
	cr_assert_geq(lr->fd, 0);
	char *hello = read_until(lr, "hello", NULL, NULL);
	char *timeout = must_value(hello, "idle_timeout");
	cr_expect_str_eq(timeout, "1");
	free(timeout);
	free(hello);
	free(read_until(lr, "snapshot_end", NULL, NULL));

	int fd = harness_connect(p.tcp_port);
	expect_version(fd);
	cr_assert(harness_wait_eof(fd), "the idle conn was never closed");

	/* On thread timeout: notify_write byte=t fd=F to=wK; then wK reads t and F, and closes. */
	char *write = read_until(lr, "notify_write", "byte", "t");
	char *thr = must_value(write, "thr"), *to = must_value(write, "to"), *sfd = must_value(write, "fd");
	cr_expect_str_eq(thr, "timeout");
	char *read = read_until(lr, "notify_read", "byte", "t");
	char *rthr = must_value(read, "thr"), *rfd = must_value(read, "fd");
	cr_expect_str_eq(rthr, to, "the worker that owns the conn reads the kick");
	cr_expect_str_eq(rfd, sfd);
	char *closing = read_until(lr, "state", "to", "conn_closing");
	char *from = must_value(closing, "from"), *cfd = must_value(closing, "fd");
	cr_expect_str_eq(from, "conn_read", "an idle conn waits in conn_read");
	cr_expect_str_eq(cfd, sfd);
	char *close_line = read_until(lr, "conn_close", "fd", sfd);
	char *reason = must_value(close_line, "reason"), *cthr = must_value(close_line, "thr");
	cr_expect_str_eq(reason, "idle");
	cr_expect_str_eq(cthr, to);
	char *all[] = { write, thr, to, sfd, read, rthr, rfd, closing, from, cfd, close_line, reason, cthr };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		free(all[i]);

	close(fd);
	close(lr->fd);
	free(lr);
	cr_assert_eq(harness_stop(&p), 0);
	close(p.stderr_fd);
	unlink(path);
	rmdir(dir);
}
