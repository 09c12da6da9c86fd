#include <errno.h>
#include <inttypes.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "cli.h"
#include "diag.h"

static volatile sig_atomic_t stop_signal;

/* Sets the defaults. */
void cli_target_init(struct cli_target *t)
{
	t->socket = NULL;
	t->port = CLIENT_DEFAULT_PORT;
	t->port_set = false;
}

/* Handles --socket and -p. */
bool cli_target_option(struct cli_target *t, int opt, const char *arg)
{
	char *end;
	long v;

	if (opt == 'S') {
		if (arg[0] == '\0') {
			diag_error("--socket: empty path");
			return false;
		}
		t->socket = arg;
		return true;
	}
	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 1 || v > 65535) {
		diag_error("-p: invalid port '%s' (allowed: 1-65535)", arg);
		return false;
	}
	t->port = (int)v;
	t->port_set = true;
	return true;
}

/* Prints the pointer to --help. */
int cli_usage_error(void)
{
	fprintf(stderr, "Try '%s --help'.\n", diag_prog());
	return CLI_EXIT_USAGE;
}

/* Resolves the path and connects. */
int cli_connect(struct cli_target *t, struct client *c)
{
	char path[sizeof(c->path)];
	int rc = cli_target_path(t, path, sizeof(path));

	if (rc != 0)
		return rc;
	if (client_connect(c, path) != 0)
		return CLI_EXIT_UNAVAILABLE;
	return 0;
}

/* Works out the socket path of the target. */
int cli_target_path(const struct cli_target *t, char *path, size_t n)
{
	if (t->socket != NULL && t->port_set) {
		diag_error("--socket and -p name the server twice; give one");
		return cli_usage_error();
	}
	if (client_socket_path(path, n, t->socket, t->port) != 0)
		return CLI_EXIT_USAGE;
	return 0;
}

/* Refuses arguments left after the options. */
int cli_no_arguments(int argc, char **argv, int optind_now)
{
	if (optind_now >= argc)
		return 0;
	diag_error("unexpected argument '%s'", argv[optind_now]);
	return cli_usage_error();
}

/* Records which stop signal came; the wait it interrupts does the rest. */
static void on_stop(int sig)
{
	stop_signal = sig;
}

/* Sets up the stop signals. */
void cli_stop_signals(sigset_t *wait_mask)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGALRM };
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	sigemptyset(&block);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: the wait must end */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaddset(&block, sigs[i]);
		sigaction(sigs[i], &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, &block, wait_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigdelset(wait_mask, sigs[i]);
}

/* Returns the stop signal that came. */
int cli_stop_signal(void)
{
	return stop_signal;
}

/* Arms SIGALRM. */
void cli_alarm(double seconds)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	if (seconds > 0) {
		it.it_value.tv_sec = (time_t)seconds;
		it.it_value.tv_usec = (suseconds_t)((seconds - (double)it.it_value.tv_sec) * 1e6);
		if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
			it.it_value.tv_usec = 1;
	}
	setitimer(ITIMER_REAL, &it, NULL);
}

/* Parses a decimal number. */
bool cli_parse_double(const char *flag, const char *arg, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !(v >= lo && v <= hi)) {
		diag_error("%s: '%s' is not a number from %.10g to %.10g", flag, arg, lo, hi);
		return false;
	}
	*out = v;
	return true;
}

/* Parses a whole number. */
bool cli_parse_uint(const char *flag, const char *arg, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-' || v < lo || v > hi) {
		diag_error("%s: '%s' is not a whole number from %" PRIu64 " to %" PRIu64, flag, arg, lo, hi);
		return false;
	}
	*out = v;
	return true;
}
