#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "diag.h"
#include "stop.h"

/* The signals that stop a command, SIGALRM (a timed wait) last. */
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGALRM };
#define N_STOP_SIGNALS (sizeof(stop_signals) / sizeof(stop_signals[0]))

static volatile sig_atomic_t first_stop; /* SIGINT, SIGTERM or SIGHUP, whichever came first */
static volatile sig_atomic_t alarmed;    /* SIGALRM came since the timer was last disarmed */
static volatile sig_atomic_t write_fd = -1;
static int read_fd = -1;

/* Notes the signal and wakes whoever watches the pipe. */
static void on_signal(int sig)
{
	int saved = errno;
	int fd = write_fd;

	if (sig == SIGALRM)
		alarmed = 1;
	else if (first_stop == 0)
		first_stop = sig;
	if (fd >= 0) {
		/* A full pipe is readable already: nothing is lost when this write fails. */
		ssize_t w = write(fd, "", 1);
		(void)w;
	}
	errno = saved;
}

/* Closes the pipe (the handler sees -1 first, so it never writes to a closed fd). */
static void close_pipe(void)
{
	int fd = write_fd;

	write_fd = -1;
	if (fd >= 0)
		close(fd);
	if (read_fd >= 0)
		close(read_fd);
	read_fd = -1;
}

/* Catches the stop signals. */
int stop_init(void)
{
	struct sigaction sa;
	int p[2];

	close_pipe();
	first_stop = 0;
	alarmed = 0;
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC) != 0) {
		diag_error("pipe: %s", strerror(errno));
		return -1;
	}
	read_fd = p[0];
	write_fd = p[1];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_STOP_SIGNALS; i++)
		sigaddset(&sa.sa_mask, stop_signals[i]);
	/* The pipe tells the loops; other calls need not fail with EINTR. */
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < N_STOP_SIGNALS; i++)
		sigaction(stop_signals[i], &sa, NULL);
	return 0;
}

/* Returns the read end. */
int stop_fd(void)
{
	return read_fd;
}

/* Returns the signal that came. */
int stop_signal(void)
{
	if (first_stop != 0)
		return first_stop;
	return alarmed ? SIGALRM : 0;
}

/* Empties the pipe. */
unsigned stop_drain(void)
{
	char buf[64];
	unsigned n = 0;
	ssize_t got;

	if (read_fd < 0)
		return 0;
	while ((got = read(read_fd, buf, sizeof(buf))) > 0 || (got < 0 && errno == EINTR))
		if (got > 0)
			n += (unsigned)got;
	return n;
}

/* Arms or disarms SIGALRM. */
void stop_alarm(double seconds)
{
	int saved = errno; /* callers look at the errno of the wait this timed */
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	if (seconds > 0) {
		it.it_value.tv_sec = (time_t)seconds;
		it.it_value.tv_usec = (suseconds_t)((seconds - (double)it.it_value.tv_sec) * 1e6);
		if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
			it.it_value.tv_usec = 1;
	}
	setitimer(ITIMER_REAL, &it, NULL);
	if (seconds <= 0 && alarmed) {
		/* The wait it timed is over: a late SIGALRM must not end the next one. */
		alarmed = 0;
		stop_drain();
		if (first_stop != 0 && write_fd >= 0) {
			/* A stop signal drained with it must still show. */
			ssize_t w = write(write_fd, "", 1);
			(void)w;
		}
	}
	errno = saved;
}

/* Forks with the stop signals held. */
pid_t stop_fork(void)
{
	sigset_t held, old;
	pid_t pid;

	sigemptyset(&held);
	for (size_t i = 0; i < N_STOP_SIGNALS; i++)
		sigaddset(&held, stop_signals[i]);
	sigprocmask(SIG_BLOCK, &held, &old);
	pid = fork();
	if (pid != 0)
		sigprocmask(SIG_SETMASK, &old, NULL);
	return pid;
}

/* Gives a forked child the default handling. */
void stop_default(void)
{
	struct sigaction sa;
	sigset_t none;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_STOP_SIGNALS; i++)
		sigaction(stop_signals[i], &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	close_pipe();
	first_stop = 0;
	alarmed = 0;
}
