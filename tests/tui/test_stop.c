/*
 * Tests of stop.h, the one way every mcscope command stops: a stop signal
 * is noted and makes the pipe readable, for a poll() loop and for a
 * client's blocking read alike; SIGALRM times a wait; a forked child
 * gets the default handling back. Criterion runs each test in a process
 * of its own, so each may catch and raise signals freely.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client.h"
#include "stop.h"

/* Tells whether the stop pipe is readable, waiting up to ms for it. */
static bool stop_readable(int ms)
{
	struct pollfd p = { .fd = stop_fd(), .events = POLLIN };
	int rc;

	while ((rc = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	return rc == 1 && (p.revents & POLLIN);
}

Test(stop, nothing_before_a_signal)
{
	cr_expect_eq(stop_fd(), -1);
	cr_expect_eq(stop_signal(), 0);
	cr_assert_eq(stop_init(), 0);
	cr_expect_geq(stop_fd(), 0);
	cr_expect_eq(stop_signal(), 0);
	cr_expect_not(stop_readable(0));
	cr_expect_eq(stop_drain(), 0);
}

Test(stop, each_stop_signal_is_noted_and_wakes_the_pipe)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		cr_assert_eq(stop_init(), 0);
		raise(sigs[i]);
		cr_expect(stop_readable(0), "%s did not wake the pipe", strsignal(sigs[i]));
		cr_expect_eq(stop_signal(), sigs[i]);
		/* Readable it stays, for every loop that watches it. */
		cr_expect(stop_readable(0));
	}
}

Test(stop, the_first_signal_is_the_one_named_and_each_is_counted)
{
	cr_assert_eq(stop_init(), 0);
	raise(SIGTERM);
	raise(SIGINT);
	cr_expect_eq(stop_signal(), SIGTERM);
	cr_expect_eq(stop_drain(), 2);
	cr_expect_not(stop_readable(0));
	cr_expect_eq(stop_signal(), SIGTERM, "draining does not forget the stop");
}

Test(stop, sigpipe_is_ignored)
{
	int p[2];

	cr_assert_eq(stop_init(), 0);
	cr_assert_eq(pipe(p), 0);
	close(p[0]);
	errno = 0;
	cr_expect_eq(write(p[1], "x", 1), -1);
	cr_expect_eq(errno, EPIPE);
	close(p[1]);
}

Test(stop, an_alarm_ends_a_wait_and_disarming_forgets_it)
{
	cr_assert_eq(stop_init(), 0);
	stop_alarm(0.02);
	cr_expect(stop_readable(5000), "the alarm never came");
	cr_expect_eq(stop_signal(), SIGALRM);
	stop_alarm(0);
	cr_expect_eq(stop_signal(), 0);
	cr_expect_not(stop_readable(0), "a late alarm would end the next wait");
}

Test(stop, disarming_keeps_a_stop_that_came_with_the_alarm)
{
	cr_assert_eq(stop_init(), 0);
	stop_alarm(0.02);
	cr_expect(stop_readable(5000));
	raise(SIGHUP);
	stop_alarm(0);
	cr_expect_eq(stop_signal(), SIGHUP);
	cr_expect(stop_readable(0), "the stop was drained with the alarm");
}

Test(stop, a_client_wait_ends_on_a_stop)
{
	struct client c;
	const char *line;
	size_t len;
	int p[2];

	cr_assert_eq(stop_init(), 0);
	cr_assert_eq(pipe(p), 0);
	client_init(&c);
	client_attach(&c, p[0], "pipe");
	client_set_stop_fd(&c, stop_fd());
	/* The alarm is the event: the read blocks on an empty pipe until it comes. */
	stop_alarm(0.02);
	errno = 0;
	cr_expect_eq(client_read_line(&c, &line, &len), -1);
	cr_expect_eq(errno, EINTR);
	cr_expect_eq(stop_signal(), SIGALRM);
	stop_alarm(0);
	/* A stop comes before data that is there. */
	cr_assert_eq(write(p[1], "line\n", 5), 5);
	raise(SIGINT);
	cr_expect_eq(client_read_line(&c, &line, &len), -1);
	cr_expect_eq(errno, EINTR);
	close(p[1]);
	client_close(&c);
}

Test(stop, a_forked_child_gets_the_default_handling)
{
	int status;
	pid_t pid;

	cr_assert_eq(stop_init(), 0);
	pid = stop_fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* Held until stop_default: then it takes effect at once, as the default. */
		raise(SIGTERM);
		stop_default();
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "the child was not killed by SIGTERM");
	cr_expect_eq(stop_signal(), 0, "the child's signal reached the parent");
	cr_expect_not(stop_readable(0));
}
