#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "diag.h"
#include "wire.h"

/* How long the server has to answer one command. */
#define CTL_ANSWER_TIMEOUT_S 10.0

/* Prints the usage text. */
static void usage(FILE *out)
{
	fprintf(out,
		"Usage: mcscope ctl [--socket PATH | -p PORT] COMMAND [ARGS...]\n"
		"       mcscope ctl [--socket PATH | -p PORT] -\n"
		"Sends a control command to mcscoped and prints its answer line (ok ... or\n"
		"error ...). The words are joined with spaces into one command line.\n"
		"With '-', sends each line of standard input in turn and prints each\n"
		"answer, staying connected until the input ends.\n"
		"\n"
		CLI_TARGET_HELP
		"  -h, --help         print this help and exit\n"
		"\n"
		"Commands (src/PROTOCOL.md): pause, resume, step [N], freeze wK, thaw wK,\n"
		"break ev=EV,... | break state to=STATE | break off, dispatch rr|least|random,\n"
		"delay wK MS, filter ev=EV,... thr=THR,... | filter off.\n"
		"The server undoes pause, freeze, delay and break when its last controlling\n"
		"client disconnects, so they last only while a controller stays connected:\n"
		"use '-' (e.g. { echo pause; sleep 5; echo step; } | mcscope ctl -) or keep the\n"
		"dashboard open; a dispatch policy stays switched.\n"
		"\n"
		"Exit status: 0 when every answer is ok, 1 when one is an error or the server\n"
		"does not answer within %.0f s, 64 for a bad command line, 69 when nothing\n"
		"answers on the socket.\n", CTL_ANSWER_TIMEOUT_S);
}

/* Checks that the command's first word is one the protocol has; false with a message. */
static bool command_known(const char *cmd)
{
	size_t n = strcspn(cmd, " ");
	char list[256];
	size_t at = 0;

	if (wire_ctl_from_name(cmd, n) >= 0)
		return true;
	for (int i = 0; i < CTL_MAX && at < sizeof(list); i++)
		at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%s", i > 0 ? " " : "",
				       wire_ctl_name((enum wire_ctl)i));
	diag_error("unknown command '%.*s' (commands: %s)", (int)n, cmd, list);
	return false;
}

/* What run_one saw. */
enum { ONE_OK, ONE_ERROR, ONE_STOPPED, ONE_FAILED };

/* Sends one command and prints its answer; returns one of the above. */
static int run_one(struct client *c, const char *cmd)
{
	const char *answer;
	size_t len;
	int rc;

	cli_alarm(CTL_ANSWER_TIMEOUT_S);
	rc = client_command(c, cmd, &answer, &len, NULL, NULL);
	cli_alarm(0);
	if (rc < 0) {
		if (errno != EINTR)
			return ONE_FAILED;
		if (cli_stop_signal() == SIGALRM) {
			diag_error("no answer to '%s' within %.0f s", cmd, CTL_ANSWER_TIMEOUT_S);
			return ONE_FAILED;
		}
		return ONE_STOPPED;
	}
	printf("%.*s\n", (int)len, answer);
	fflush(stdout);
	return rc == 0 ? ONE_OK : ONE_ERROR;
}

/* Sends each line of standard input; returns the exit status. */
static int run_stdin(struct client *c, const sigset_t *wait_mask)
{
	static struct client in; /* static: it holds a 64 KiB buffer */
	char cmd[CLIENT_CMD_MAX + 1];
	int status = 0;

	client_init(&in);
	client_attach(&in, STDIN_FILENO, "standard input");
	client_set_wait_mask(&in, wait_mask);
	for (;;) {
		const char *line;
		size_t len;
		int rc = client_read_line(&in, &line, &len);

		if (rc < 0) {
			if (errno == EINTR && cli_stop_signal() != 0)
				return status;
			diag_error("reading standard input: %s", strerror(errno));
			return 1;
		}
		if (rc == 0)
			return status;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len == 0 || line[0] == '#')
			continue;
		if (len > CLIENT_CMD_MAX) {
			diag_error("a command line longer than %d bytes", CLIENT_CMD_MAX);
			status = 1;
			continue;
		}
		memcpy(cmd, line, len);
		cmd[len] = '\0';
		switch (run_one(c, cmd)) {
		case ONE_OK:
			break;
		case ONE_ERROR:
			status = 1; /* the connection stays usable: go on */
			break;
		case ONE_STOPPED:
			return status;
		case ONE_FAILED:
			/* A late answer would be taken for the next command's: stop here. */
			return 1;
		}
	}
}

/* Runs mcscope ctl. */
int cmd_ctl(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_TARGET_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct client c; /* static: it holds a 64 KiB buffer */
	struct cli_target target;
	char cmd[CLIENT_CMD_MAX + 1];
	size_t at = 0;
	sigset_t wait_mask;
	bool from_stdin;
	int opt, rc;

	cli_target_init(&target);
	/* '+': the command's own words (step 3, break ev=...) are not options. */
	while ((opt = getopt_long(argc, argv, "+p:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'S':
		case 'p':
			if (!cli_target_option(&target, opt, optarg))
				return cli_usage_error();
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return cli_usage_error();
		}
	}
	if (optind == argc) {
		diag_error("no command given");
		return cli_usage_error();
	}
	from_stdin = optind == argc - 1 && strcmp(argv[optind], "-") == 0;
	if (!from_stdin) {
		for (int i = optind; i < argc; i++) {
			size_t n = strlen(argv[i]);
			if (at + n + 1 > CLIENT_CMD_MAX || strchr(argv[i], '\n') != NULL) {
				diag_error("the command must be one line of at most %d bytes",
					   CLIENT_CMD_MAX);
				return cli_usage_error();
			}
			if (i > optind)
				cmd[at++] = ' ';
			memcpy(cmd + at, argv[i], n);
			at += n;
		}
		cmd[at] = '\0';
		if (!command_known(cmd))
			return cli_usage_error();
	}

	cli_stop_signals(&wait_mask);
	client_init(&c);
	rc = cli_connect(&target, &c);
	if (rc != 0)
		return rc;
	client_set_wait_mask(&c, &wait_mask);
	if (from_stdin) {
		rc = run_stdin(&c, &wait_mask);
	} else {
		rc = run_one(&c, cmd) == ONE_OK ? 0 : 1;
	}
	client_close(&c);
	return rc;
}
