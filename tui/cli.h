/*
 * cli.h: what the mcscope subcommands share: exit statuses, the
 * --socket/-p options that pick a server, and stopping on a signal.
 */
#ifndef MCSCOPE_TUI_CLI_H
#define MCSCOPE_TUI_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "client.h"

/* Exit statuses besides 0 and 1 (sysexits.h's values). */
#define CLI_EXIT_USAGE 64       /* a bad command line */
#define CLI_EXIT_DATAERR 65     /* export: the input is not a trace */
#define CLI_EXIT_NOINPUT 66     /* export: the input cannot be opened */
#define CLI_EXIT_UNAVAILABLE 69 /* no server on the socket, or it turned us away */
#define CLI_EXIT_CANTCREAT 73   /* an output file cannot be made */

/* Which server to talk to: --socket PATH, or -p PORT's default path. */
struct cli_target {
	const char *socket;
	int port;
	bool port_set;
};

/* getopt_long entries for --socket and -p/--port (to copy into a subcommand's table). */
#define CLI_TARGET_LONGOPTS \
	{ "socket", required_argument, NULL, 'S' }, \
	{ "port", required_argument, NULL, 'p' }

/* The help lines for those options. */
#define CLI_TARGET_HELP \
	"      --socket PATH  the server's trace socket\n" \
	"  -p, --port PORT    the server's TCP port, which names its socket (default 11211):\n" \
	"                     $XDG_RUNTIME_DIR/mcscope/PORT.sock, else /tmp/mcscope-UID/PORT.sock\n"

/* Sets the defaults. */
void cli_target_init(struct cli_target *t);

/* Handles getopt's 'S' or 'p' with optarg; false with a message when the value is bad. */
bool cli_target_option(struct cli_target *t, int opt, const char *arg);

/*
 * Checks the target (--socket and -p together are an error), works out the
 * path and connects c; returns 0, CLI_EXIT_USAGE or CLI_EXIT_UNAVAILABLE,
 * with a message when not 0.
 */
int cli_connect(struct cli_target *t, struct client *c);

/* Checks the target and writes its socket path; returns 0 or CLI_EXIT_USAGE (with a message). */
int cli_target_path(const struct cli_target *t, char *path, size_t n);

/* Returns 0 when nothing follows the options (argv[optind_now] on), else CLI_EXIT_USAGE with a message. */
int cli_no_arguments(int argc, char **argv, int optind_now);

/* Parses a decimal number in [lo, hi] for flag; false with a message naming the flag and range. */
bool cli_parse_double(const char *flag, const char *arg, double lo, double hi, double *out);

/* Parses a whole number in [lo, hi] for flag; false with a message naming the flag and range. */
bool cli_parse_uint(const char *flag, const char *arg, uint64_t lo, uint64_t hi, uint64_t *out);

/* Prints "Try '<prog> --help'." on stderr and returns CLI_EXIT_USAGE. */
int cli_usage_error(void);

/*
 * Makes SIGINT, SIGTERM, SIGHUP and SIGALRM stop requests: they are
 * blocked except while a client waits (see client_set_wait_mask, which
 * gets *wait_mask), and cli_stop_signal() then says which came. SIGPIPE is
 * ignored so that a closed stdout shows as EPIPE.
 */
void cli_stop_signals(sigset_t *wait_mask);

/* The stop signal that came, or 0. */
int cli_stop_signal(void);

/* Arms SIGALRM for seconds from now (0 disarms). */
void cli_alarm(double seconds);

#endif
