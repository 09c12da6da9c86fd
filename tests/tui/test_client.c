/* Unit tests: the trace-socket client (tui/client.c): the socket path, buffered reading, commands. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client.h"

static struct client c; /* 64 KiB: not on the stack */

Test(client, socket_path_follows_the_protocol)
{
	char path[108], want[108];

	cr_assert_eq(client_socket_path(path, sizeof(path), "/run/x.sock", 99), 0);
	cr_expect_str_eq(path, "/run/x.sock");

	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	cr_assert_eq(client_socket_path(path, sizeof(path), NULL, 11211), 0);
	cr_expect_str_eq(path, "/run/user/1000/mcscope/11211.sock");

	/* Unset, empty or relative: /tmp/mcscope-<uid>/. */
	setenv("XDG_RUNTIME_DIR", "", 1);
	snprintf(want, sizeof(want), "/tmp/mcscope-%u/11212.sock", (unsigned)getuid());
	cr_assert_eq(client_socket_path(path, sizeof(path), NULL, 11212), 0);
	cr_expect_str_eq(path, want);
	unsetenv("XDG_RUNTIME_DIR");
	cr_assert_eq(client_socket_path(path, sizeof(path), NULL, 11212), 0);
	cr_expect_str_eq(path, want);
	/* A relative value is not a runtime dir (the XDG spec; mcscoped ignores it too). */
	setenv("XDG_RUNTIME_DIR", "run/user", 1);
	cr_assert_eq(client_socket_path(path, sizeof(path), NULL, 11212), 0);
	cr_expect_str_eq(path, want);
}

Test(client, socket_path_too_long_for_a_unix_address, .init = cr_redirect_stderr)
{
	char path[512], longdir[300];

	memset(longdir, 'd', sizeof(longdir) - 1);
	longdir[0] = '/';
	longdir[sizeof(longdir) - 1] = '\0';
	setenv("XDG_RUNTIME_DIR", longdir, 1);
	cr_expect_eq(client_socket_path(path, sizeof(path), NULL, 11211), -1);
	cr_expect_eq(client_socket_path(path, sizeof(path), longdir, 11211), -1);
	cr_expect_eq(client_socket_path(path, sizeof(path), "", 11211), -1);
	fflush(stderr);
	cr_expect_stderr_neq_str("");
}

Test(client, connect_failure_names_the_path, .init = cr_redirect_stderr)
{
	client_init(&c);
	cr_expect_eq(client_connect(&c, "/nonexistent-dir/mcscope/1.sock"), -1);
	cr_expect_eq(c.fd, -1);
	fflush(stderr);
	cr_expect_stderr_eq_str("mcscope: cannot connect to /nonexistent-dir/mcscope/1.sock: No such "
				"file or directory (is mcscoped running, on that port, with its trace "
				"socket on?)\n");
}

/* Makes c read the far end of a socket pair; returns our end. */
static int pair(void)
{
	int sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	client_init(&c);
	client_attach(&c, sv[0], "pair");
	return sv[1];
}

/* Writes all of s. */
static void say(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		cr_assert_gt(w, 0);
		s += w;
		n -= (size_t)w;
	}
}

/* Reads a line and checks it. */
static void expect_line(const char *want)
{
	const char *line;
	size_t len;

	cr_assert_eq(client_read_line(&c, &line, &len), 1, "no line where '%s' was due", want);
	cr_expect_eq(len, strlen(want), "got '%.*s', want '%s'", (int)len, line, want);
	cr_expect_eq(memcmp(line, want, len < strlen(want) ? len : strlen(want)), 0);
}

Test(client, lines_in_pieces_and_batches)
{
	int fd = pair();
	const char *line;
	size_t len;

	say(fd, "ts=1 seq=1 thr=main ev=paused\nts=2 seq", 38);
	expect_line("ts=1 seq=1 thr=main ev=paused");
	cr_expect(!client_line_ready(&c));
	say(fd, "=2 thr=main ev=resumed\n\nlast without newline", 44);
	expect_line("ts=2 seq=2 thr=main ev=resumed");
	cr_expect(client_line_ready(&c));
	expect_line("");
	close(fd);
	expect_line("last without newline");
	cr_expect_eq(client_read_line(&c, &line, &len), 0);
	client_close(&c);
}

Test(client, an_overlong_line_is_cut_and_the_next_one_is_whole)
{
	int fd = pair();
	size_t n = CLIENT_BUF_SIZE * 3 + 17;
	char *big = malloc(n + 1);
	const char *line;
	size_t len;
	pid_t pid;

	cr_assert_not_null(big);
	memset(big, 'x', n);
	big[n] = '\n';
	/* The writer blocks once the socket buffer is full: feed it from a child. */
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		say(fd, big, n + 1);
		say(fd, "ok after\n", 9);
		_exit(0);
	}
	cr_assert_eq(client_read_line(&c, &line, &len), 1);
	cr_expect_eq(len, (size_t)CLIENT_BUF_SIZE);
	cr_expect_eq(line[0], 'x');
	expect_line("ok after");
	cr_expect_eq(c.cut_lines, 1u);
	close(fd);
	waitpid(pid, NULL, 0);
	cr_expect_eq(client_read_line(&c, &line, &len), 0);
	free(big);
	client_close(&c);
}

Test(client, blocks_hold_whole_lines_only)
{
	int fd = pair();
	const char *data;
	size_t len;

	say(fd, "a=1\nb=2\nc=", 10);
	cr_assert_eq(client_read_block(&c, &data, &len), 1);
	cr_expect_eq(len, 8u);
	cr_expect_eq(memcmp(data, "a=1\nb=2\n", 8), 0);
	say(fd, "3\n", 2);
	cr_assert_eq(client_read_block(&c, &data, &len), 1);
	cr_expect_eq(len, 4u);
	cr_expect_eq(memcmp(data, "c=3\n", 4), 0);
	say(fd, "tail", 4);
	close(fd);
	cr_assert_eq(client_read_block(&c, &data, &len), 1);
	cr_expect_eq(len, 4u);
	cr_expect_eq(client_read_block(&c, &data, &len), 0);
	client_close(&c);
}

struct seen_lines {
	int n;
	char last[128];
};

/* client_command's callback: counts the event lines that came before the answer. */
static void on_line(void *arg, const char *line, size_t len)
{
	struct seen_lines *s = arg;

	s->n++;
	snprintf(s->last, sizeof(s->last), "%.*s", (int)len, line);
}

Test(client, a_command_skips_events_until_its_answer)
{
	int fd = pair();
	struct seen_lines seen = { 0 };
	const char *answer;
	size_t len;
	char got[64];

	/* What the server will have sent by the time it answers. */
	say(fd, "ts=1 seq=1 thr=main ev=hello v=1\nts=2 seq=2 thr=main ev=paused\nok paused\n", 73);
	cr_assert_eq(client_command(&c, "pause", &answer, &len, on_line, &seen), 0);
	cr_expect_eq(len, 9u);
	cr_expect_eq(memcmp(answer, "ok paused", 9), 0);
	cr_expect_eq(seen.n, 2);
	cr_expect_str_eq(seen.last, "ts=2 seq=2 thr=main ev=paused");
	cr_assert_eq(read(fd, got, sizeof(got)), 6);
	cr_expect_eq(memcmp(got, "pause\n", 6), 0);

	say(fd, "ts=3 seq=3 thr=w0 ev=thread_ready\nerror no worker w9 (w0-w3)\n", 61);
	cr_assert_eq(client_command(&c, "freeze w9", &answer, &len, NULL, NULL), 1);
	cr_expect_eq(memcmp(answer, "error no worker w9", 18), 0);
	client_close(&c);
	close(fd);
}

Test(client, a_command_refuses_newlines_and_long_lines, .init = cr_redirect_stderr)
{
	int fd = pair();
	char *big = malloc(CLIENT_CMD_MAX + 2);

	cr_assert_not_null(big);
	memset(big, 'a', CLIENT_CMD_MAX + 1);
	big[CLIENT_CMD_MAX + 1] = '\0';
	cr_expect_eq(client_send(&c, "pause\nresume"), -1);
	cr_expect_eq(client_send(&c, big), -1);
	big[CLIENT_CMD_MAX] = '\0';
	cr_expect_eq(client_send(&c, big), 0);
	free(big);
	client_close(&c);
	close(fd);
}

Test(client, the_server_closing_before_the_answer_is_an_error, .init = cr_redirect_stderr)
{
	int fd = pair();
	const char *answer;
	size_t len;

	say(fd, "ts=1 seq=1 thr=main ev=hello v=1\n", 33);
	shutdown(fd, SHUT_WR);
	cr_expect_eq(client_command(&c, "pause", &answer, &len, NULL, NULL), -1);
	client_close(&c);
	close(fd);
	fflush(stderr);
	cr_expect_stderr_eq_str("mcscope: the server closed pair before answering 'pause'\n");
}

static volatile sig_atomic_t got_usr1;

/* Marks SIGUSR1. */
static void on_usr1(int sig)
{
	got_usr1 = 1;
}

/* Sends SIGUSR1 to the process after a moment, from another thread. */
static void *poke(void *arg)
{
	usleep(100 * 1000);
	kill(getpid(), SIGUSR1);
	return NULL;
}

Test(client, a_wait_ends_on_a_let_through_signal)
{
	int fd = pair();
	sigset_t block, wait_mask;
	struct sigaction sa;
	pthread_t t;
	const char *line;
	size_t len;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	/* Blocked in every thread but let through in the wait: it can only arrive there. */
	pthread_sigmask(SIG_BLOCK, &block, &wait_mask);
	sigdelset(&wait_mask, SIGUSR1);
	client_set_wait_mask(&c, &wait_mask);
	cr_assert_eq(pthread_create(&t, NULL, poke, NULL), 0);
	errno = 0;
	cr_expect_eq(client_read_line(&c, &line, &len), -1);
	cr_expect_eq(errno, EINTR);
	cr_expect_eq(got_usr1, 1);
	pthread_join(t, NULL);
	client_close(&c);
	close(fd);
}
