/* cmd.c: the table of commands, and running one: options, operands, target, stop, connection. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "diag.h"
#include "event.h"
#include "stop.h"

/* The most options of all blocks together. */
#define CMD_LONGOPTS_MAX (CLI_TARGET_N + CMD_OPTIONS_MAX + DASHBOARD_OPT_N + 1)

const struct cmd_entry *const cmd_table[] = {
	&cmd_dashboard_entry,
	&cmd_demo_entry,
	&cmd_events_entry,
	&cmd_ctl_entry,
	&cmd_record_entry,
	&cmd_replay_entry,
	&cmd_export_entry,
	&cmd_load_entry,
	&cmd_lab_entry,
	NULL,
};

/* --help, as -h too unless the command has an -h of its own. */
static const struct cli_option help_h[] = {
	{ "help", 'h', NULL, "print this help and exit" },
	{ NULL },
};
static const struct cli_option help_only[] = {
	{ "help", 0, NULL, "print this help and exit" },
	{ NULL },
};

/* Writes the command's name. */
const char *cmd_prog(const struct cmd_entry *e, char *buf, size_t n)
{
	snprintf(buf, n, "mcscope%s%s", e->name != NULL ? " " : "", e->name != NULL ? e->name : "");
	return buf;
}

/* Finds a command. */
const struct cmd_entry *cmd_find(const char *name)
{
	for (size_t i = 0; cmd_table[i] != NULL; i++)
		if (cmd_table[i]->name != NULL && strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

/* Tells whether options has one with letter. */
static bool has_letter(const struct cli_option *options, char letter)
{
	for (size_t i = 0; options != NULL && options[i].name != NULL; i++)
		if (options[i].letter == letter)
			return true;
	return false;
}

/* Fills the option blocks. */
void cmd_option_blocks(const struct cmd_entry *e, const struct cli_option *blocks[CMD_BLOCKS])
{
	blocks[CMD_BLOCK_TARGET] = (e->flags & CMD_TARGET) ? cli_target_options : NULL;
	blocks[CMD_BLOCK_OWN] = e->options;
	blocks[CMD_BLOCK_SCREEN] = (e->flags & (CMD_SCREEN | CMD_SCREEN_OPTS)) ? dashboard_options : NULL;
	blocks[CMD_BLOCK_HELP] = has_letter(e->options, 'h') ? help_only : help_h;
}

/* Where a getopt_long entry came from. */
struct which {
	int block;
	int index;
};

/*
 * Parses the options into given[block][index]; returns 0, -1 after
 * printing the help (asked before any bad option), or CLI_EXIT_USAGE with
 * getopt's message.
 */
static int parse_options(const struct cmd_entry *e, int argc, char **argv,
			 const char *given[CMD_BLOCKS][CMD_OPTIONS_MAX])
{
	const struct cli_option *blocks[CMD_BLOCKS];
	struct option longopts[CMD_LONGOPTS_MAX + 1];
	struct which which[CMD_LONGOPTS_MAX];
	char optstring[2 * CMD_LONGOPTS_MAX + 2];
	size_t n = 0, at = 0;
	int opt;

	cmd_option_blocks(e, blocks);
	if (e->flags & CMD_OPTIONS_FIRST)
		optstring[at++] = '+';
	for (int b = 0; b < CMD_BLOCKS; b++) {
		for (int i = 0; blocks[b] != NULL && blocks[b][i].name != NULL; i++) {
			const struct cli_option *o = &blocks[b][i];

			if (n == CMD_LONGOPTS_MAX || i == CMD_OPTIONS_MAX)
				diag_fatal("%s: too many options", diag_prog());
			/* A letter comes back as itself, a long-only option as 256 + its place. */
			longopts[n] = (struct option){ o->name, o->arg != NULL ? required_argument : no_argument,
						       NULL, o->letter != 0 ? o->letter : 256 + (int)n };
			which[n] = (struct which){ b, i };
			if (o->letter != 0) {
				optstring[at++] = o->letter;
				if (o->arg != NULL)
					optstring[at++] = ':';
			}
			n++;
		}
	}
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	optstring[at] = '\0';

	optind = 0; /* GNU getopt starts afresh */
	while ((opt = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		size_t k = 0;

		if (opt == '?')
			return cli_usage_error();
		if (opt >= 256)
			k = (size_t)(opt - 256);
		else
			while (k < n && longopts[k].val != opt)
				k++;
		if (which[k].block == CMD_BLOCK_HELP) {
			cmd_help(e, stdout);
			return -1;
		}
		given[which[k].block][which[k].index] = optarg != NULL ? optarg : "";
	}
	return 0;
}

/* Checks the operand count against the entry's; 0 or CLI_EXIT_USAGE with a message. */
static int check_operands(const struct cmd_ctx *ctx)
{
	const struct cmd_entry *e = ctx->entry;

	if (ctx->argc < e->args_min) {
		diag_error("%s", e->args_missing);
		return cli_usage_error();
	}
	if (e->args_max >= 0 && ctx->argc > e->args_max) {
		diag_error("unexpected argument '%s'", ctx->argv[e->args_max]);
		return cli_usage_error();
	}
	return 0;
}

/*
 * Connects to the target and reads the server's first line, which a
 * server that turns a client away (another uid's, say) makes one "error"
 * answer. Returns 0, CLI_EXIT_UNAVAILABLE with a message when nothing or
 * a refusal came, or -1 when a stop signal came first.
 */
static int connect_greeted(struct cmd_ctx *ctx, struct client *c)
{
	struct event ev;
	const char *line;
	size_t len;
	int rc, sig;

	client_init(c);
	if (client_connect(c, ctx->socket_path) != 0)
		return CLI_EXIT_UNAVAILABLE;
	ctx->client = c;
	client_set_stop_fd(c, stop_fd());
	stop_alarm(CMD_GREETING_TIMEOUT_S);
	rc = client_read_line(c, &line, &len);
	sig = stop_signal();
	stop_alarm(0);
	if (rc < 0 && errno == EINTR && sig == SIGALRM) {
		diag_error("%s: the server sent nothing within %d s", c->path, CMD_GREETING_TIMEOUT_S);
		return CLI_EXIT_UNAVAILABLE;
	}
	if (rc < 0 && errno == EINTR && sig != 0) {
		diag_error("stopped before the server sent anything");
		return -1;
	}
	if (rc < 0) {
		diag_error("reading from %s: %s", c->path, strerror(errno));
		return CLI_EXIT_UNAVAILABLE;
	}
	if (rc == 0) {
		diag_error("%s: the server sent nothing", c->path);
		return CLI_EXIT_UNAVAILABLE;
	}
	if (event_parse(line, len, &ev) == EVENT_ANSWER_ERROR) {
		diag_error("%s: %.*s", c->path, (int)len, line);
		return CLI_EXIT_UNAVAILABLE;
	}
	ctx->greeting = line;
	ctx->greeting_len = len;
	return 0;
}

/* Runs one command. */
int cmd_run(const struct cmd_entry *e, int argc, char **argv)
{
	static char prog[64];
	static struct client client; /* static: it holds a 64 KiB buffer */
	const char *given[CMD_BLOCKS][CMD_OPTIONS_MAX] = { { NULL } };
	struct cmd_ctx ctx = { .entry = e };
	int rc;

	/* Messages, getopt's included, then say "mcscope events: ...". */
	diag_set_prog(cmd_prog(e, prog, sizeof(prog)));
	argv[0] = prog;

	rc = parse_options(e, argc, argv, given);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	memcpy(ctx.values, given[CMD_BLOCK_OWN], sizeof(ctx.values));
	ctx.argc = argc - optind;
	ctx.argv = argv + optind;
	rc = check_operands(&ctx);
	if (rc != 0)
		return rc;
	if (e->flags & CMD_TARGET) {
		rc = cli_target_path(given[CMD_BLOCK_TARGET][CLI_TARGET_SOCKET],
				     given[CMD_BLOCK_TARGET][CLI_TARGET_PORT], ctx.socket_path,
				     sizeof(ctx.socket_path));
		if (rc != 0)
			return rc;
	}
	if (e->flags & (CMD_SCREEN | CMD_SCREEN_OPTS)) {
		dashboard_opts_init(&ctx.screen);
		if (!dashboard_opts_set(&ctx.screen, given[CMD_BLOCK_SCREEN]))
			return cli_usage_error();
	}
	if (e->state_size > 0) {
		ctx.state = calloc(1, e->state_size);
		if (ctx.state == NULL) {
			diag_error("out of memory");
			return 1;
		}
	}
	if (e->check != NULL) {
		rc = e->check(&ctx);
		if (rc != 0)
			goto out;
	}
	if ((e->flags & CMD_SCREEN) && !dashboard_can_run(&ctx.screen)) {
		rc = cli_usage_error();
		goto out;
	}
	if ((e->flags & CMD_STOP) && stop_init() != 0) {
		rc = 1;
		goto out;
	}
	if ((e->flags & CMD_CONNECT) == CMD_CONNECT) {
		rc = connect_greeted(&ctx, &client);
		if (rc != 0) {
			rc = rc < 0 ? 0 : rc;
			goto out;
		}
	}
	rc = e->exec(&ctx);
out:
	if (ctx.client != NULL)
		client_close(ctx.client);
	free(ctx.state);
	return rc;
}

/* Tells how a stream ended. */
int cmd_stream_ended(const struct client *c, int rc)
{
	if (rc == 0) {
		diag_error("the server closed the stream (it stopped, or let this client go)");
		return 0;
	}
	if (errno == EINTR && stop_signal() != 0)
		return 0;
	diag_error("reading from %s: %s", c->path, strerror(errno));
	return 1;
}
