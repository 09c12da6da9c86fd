/* mcscope ctl: control commands to the server, their answers on standard output. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "diag.h"
#include "stop.h"
#include "wire.h"

/* How long the server has to answer one command. */
#define CTL_ANSWER_TIMEOUT_S 10.0

/* What ctl_check leaves for ctl_exec. */
struct ctl_state {
	bool from_stdin;
	char cmd[CLIENT_CMD_MAX + 1]; /* the command words joined, unless from_stdin */
};

/* Writes the dispatch policies as the usage gives them ("rr|least|random"). */
static const char *policies(char *buf, size_t n)
{
	return wire_policy_list(buf, n, "|");
}

static const struct cmd_value ctl_values[] = {
	{ "timeout", CTL_ANSWER_TIMEOUT_S, NULL },
	{ "policies", 0, policies },
	{ NULL },
};

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

/* Joins the command's words and checks them before anything is connected. */
static int ctl_check(struct cmd_ctx *ctx)
{
	struct ctl_state *st = ctx->state;
	size_t at = 0;

	st->from_stdin = ctx->argc == 1 && strcmp(ctx->argv[0], "-") == 0;
	if (st->from_stdin)
		return 0;
	for (int i = 0; i < ctx->argc; i++) {
		size_t n = strlen(ctx->argv[i]);
		if (at + n + 1 > CLIENT_CMD_MAX || strchr(ctx->argv[i], '\n') != NULL) {
			diag_error("the command must be one line of at most %d bytes", CLIENT_CMD_MAX);
			return cli_usage_error();
		}
		if (i > 0)
			st->cmd[at++] = ' ';
		memcpy(st->cmd + at, ctx->argv[i], n);
		at += n;
	}
	st->cmd[at] = '\0';
	if (!command_known(st->cmd))
		return cli_usage_error();
	return 0;
}

/* What run_one saw. */
enum { ONE_OK, ONE_ERROR, ONE_STOPPED, ONE_FAILED };

/* Sends one command and prints its answer; returns one of the above. */
static int run_one(struct client *c, const char *cmd)
{
	const char *answer;
	size_t len;
	int rc, sig;

	stop_alarm(CTL_ANSWER_TIMEOUT_S);
	rc = client_command(c, cmd, &answer, &len, NULL, NULL);
	sig = stop_signal();
	stop_alarm(0);
	if (rc < 0) {
		if (errno != EINTR)
			return ONE_FAILED;
		if (sig == SIGALRM) {
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
static int run_stdin(struct client *c)
{
	static struct client in; /* static: it holds a 64 KiB buffer */
	char cmd[CLIENT_CMD_MAX + 1];
	int status = 0;

	client_init(&in);
	client_attach(&in, STDIN_FILENO, "standard input");
	client_set_stop_fd(&in, stop_fd());
	for (;;) {
		const char *line;
		size_t len;
		int rc = client_read_line(&in, &line, &len);

		if (rc < 0) {
			if (errno == EINTR && stop_signal() != 0)
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

/* Sends the command, or standard input's. */
static int ctl_exec(struct cmd_ctx *ctx)
{
	const struct ctl_state *st = ctx->state;

	if (st->from_stdin)
		return run_stdin(ctx->client);
	return run_one(ctx->client, st->cmd) == ONE_OK ? 0 : 1;
}

const struct cmd_entry cmd_ctl_entry = {
	.name = "ctl",
	.summary = "send control commands (pause, step, dispatch, ...)",
	.usage = "[--socket PATH | -p PORT] COMMAND [ARGS...]\n"
		 "[--socket PATH | -p PORT] -",
	.text = "Sends a control command to mcscoped and prints its answer line (ok ... or "
		"error ...). The words are joined with spaces into one command line. With '-', sends "
		"each line of standard input in turn and prints each answer, staying connected until "
		"the input ends.",
	.notes = "Commands (src/PROTOCOL.md): pause, resume, step [N], step main [N], step wK [N], freeze wK, thaw wK, "
		 "break ev=EV,... | break state to=STATE | break off, dispatch %{policies}, "
		 "delay wK MS, filter ev=EV,... thr=THR,... | filter off.\n"
		 "The server undoes pause, freeze, delay and break when its last controlling client "
		 "disconnects, so they last only while a controller stays connected: use '-' "
		 "(e.g. { echo pause; sleep 5; echo step; } | mcscope ctl -) or keep the dashboard "
		 "open; a dispatch policy stays switched.",
	.exit_status = "Exit status: 0 when every answer is ok, 1 when one is an error or the server "
		       "does not answer within %{timeout} s, 64 for a bad command line, 69 when "
		       "nothing answers on the socket.",
	.values = ctl_values,
	.flags = CMD_CONNECT | CMD_OPTIONS_FIRST,
	.args_min = 1,
	.args_max = -1,
	.args_missing = "no command given",
	.state_size = sizeof(struct ctl_state),
	.check = ctl_check,
	.exec = ctl_exec,
};
