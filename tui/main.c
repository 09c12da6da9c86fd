/* mcscope: watches and steers mcscoped's threads through its trace socket. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "diag.h"
#include "key_table.h"
#include "wire.h"

/* The program's own options, which only come first: 'mcscope --help', 'mcscope -V'. */
enum { PROGRAM_HELP, PROGRAM_VERSION };

static const struct cli_option program_options[] = {
	[PROGRAM_HELP] = { "help", 'h', NULL, "print this help and exit" },
	[PROGRAM_VERSION] = { "version", 'V', NULL, "print the version and exit" },
	{ NULL },
};

/* Prints the program's help: the ways to run it, and every command's summary from the table. */
static void usage(FILE *out)
{
	const struct cli_option *blocks[] = { program_options };

	fputs("Usage: mcscope [--socket PATH | -p PORT] [--once]   the live dashboard\n"
	      "       mcscope replay FILE                          the same over a saved trace\n"
	      "       mcscope COMMAND [OPTIONS] [ARGS...]\n",
	      out);
	cmd_help_wrap(out,
		      "Watches and steers mcscoped, the memcached-style server, through its trace "
		      "socket (src/PROTOCOL.md).",
		      0, 0, NULL);
	fputs("\n\nCommands:\n", out);
	cmd_help_commands(out);
	fputs("\n'mcscope COMMAND --help' describes one; 'mcscope help keys' lists the\n"
	      "dashboard's keys. Options:\n", out);
	cmd_help_options(out, blocks, 1, NULL);
	fputc('\n', out);
	cmd_help_wrap(out,
		      "Exit status: 0 on success; 1 on failure; 64 bad command line; 65 input is not "
		      "a trace; 66 input unreadable; 69 no server on the socket; 73 output cannot be "
		      "created.",
		      0, 0, NULL);
	fputc('\n', out);
}

/* Prints the dashboard's key tables, live, the demo's own, then replay, as the README lists them. */
static void help_keys(FILE *out)
{
	fprintf(out, "%s\n\n", key_table_live.title);
	key_table_write_markdown(&key_table_live, out);
	fprintf(out, "\n%s: the live ones, and\n\n", key_table_demo.title);
	key_list_write_markdown(key_bindings_demo, out);
	fprintf(out, "\n%s\n\n", key_table_replay.title);
	key_table_write_markdown(&key_table_replay, out);
}

/* Tells whether arg names program_options[which], by its letter or its long name. */
static bool is_option(const char *arg, int which)
{
	const struct cli_option *o = &program_options[which];

	return (arg[0] == '-' && arg[1] == o->letter && arg[2] == '\0') ||
	       (strncmp(arg, "--", 2) == 0 && strcmp(arg + 2, o->name) == 0);
}

/* Picks the command and runs it. */
int main(int argc, char **argv)
{
	const struct cmd_entry *e;

	/* No command, or only options: the dashboard. */
	if (argc < 2 || (argv[1][0] == '-' && !is_option(argv[1], PROGRAM_HELP) &&
			 !is_option(argv[1], PROGRAM_VERSION)))
		return cmd_run(&cmd_dashboard_entry, argc, argv);
	if (is_option(argv[1], PROGRAM_HELP)) {
		usage(stdout);
		return 0;
	}
	if (is_option(argv[1], PROGRAM_VERSION)) {
		printf("mcscope %s (trace protocol v%d)\n", MCSCOPE_VERSION, WIRE_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc == 2) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[2], "keys") == 0 && argc == 3) {
			help_keys(stdout);
			return 0;
		}
		e = cmd_find(argv[2]);
		if (e == NULL || argc > 3) {
			if (e == NULL)
				diag_error("unknown command '%s'", argv[2]);
			else
				diag_error("help: unexpected argument '%s'", argv[3]);
			return cli_usage_error();
		}
		cmd_help(e, stdout);
		return 0;
	}
	e = cmd_find(argv[1]);
	if (e == NULL) {
		diag_error("unknown command '%s'", argv[1]);
		return cli_usage_error();
	}
	return cmd_run(e, argc - 1, argv + 1);
}
