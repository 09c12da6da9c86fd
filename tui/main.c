/* mcscope: watches and steers mcscoped's threads through its trace socket. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "diag.h"
#include "wire.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* Every subcommand, in the order --help lists them. */
static const struct subcommand subcommands[] = {
	{ "demo", cmd_demo, "start a private server and a workload, and watch them" },
	{ "events", cmd_events, "print the live event stream" },
	{ "ctl", cmd_ctl, "send control commands (pause, step, dispatch, ...)" },
	{ "record", cmd_record, "save the event stream to a file" },
	{ "replay", cmd_replay, "the dashboard over a saved trace: play, step, seek" },
	{ "export", cmd_export, "convert a saved trace (--perfetto: Chrome/Perfetto JSON)" },
	{ "load", cmd_load, "drive the server with a workload and check every reply" },
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

/* Prints the usage text. */
static void usage(FILE *out)
{
	fprintf(out,
		"Usage: mcscope [--socket PATH | -p PORT] [--once]   the live dashboard\n"
		"       mcscope replay FILE                          the same over a saved trace\n"
		"       mcscope COMMAND [OPTIONS] [ARGS...]\n"
		"Watches and steers mcscoped, the memcached-style server, through its trace\n"
		"socket (src/PROTOCOL.md).\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(out, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(out,
		"\n"
		"'mcscope COMMAND --help' describes one. Options:\n"
		"  -h, --help     print this help and exit\n"
		"  -V, --version  print the version and exit\n"
		"\n"
		"Exit status: 0 on success; 1 on failure; 64 bad command line; 65 input is\n"
		"not a trace; 66 input unreadable; 69 no server on the socket; 73 output\n"
		"cannot be created.\n");
}

/* Finds a subcommand by name; NULL when there is none. */
static const struct subcommand *find(const char *name)
{
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		if (strcmp(subcommands[i].name, name) == 0)
			return &subcommands[i];
	return NULL;
}

/* Picks the subcommand and runs it. */
int main(int argc, char **argv)
{
	static char prog[64];
	const struct subcommand *sub;

	/* No command, or only options: the dashboard. */
	if (argc < 2 || (argv[1][0] == '-' && strcmp(argv[1], "-h") != 0 &&
			 strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-V") != 0 &&
			 strcmp(argv[1], "--version") != 0)) {
		diag_set_prog("mcscope");
		return cmd_dashboard(argc, argv);
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("mcscope %s (trace protocol v%d)\n", MCSCOPE_VERSION, WIRE_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0 && argc <= 3) {
		if (argc == 2) {
			usage(stdout);
			return 0;
		}
		sub = find(argv[2]);
		if (sub != NULL) {
			char *help_argv[] = { argv[2], "--help", NULL };
			snprintf(prog, sizeof(prog), "mcscope %s", sub->name);
			diag_set_prog(prog);
			help_argv[0] = prog;
			return sub->run(2, help_argv);
		}
	}
	sub = find(argv[1]);
	if (sub == NULL) {
		diag_error("unknown command '%s'", argv[1]);
		return cli_usage_error();
	}
	/* Messages, getopt's included, then say "mcscope events: ...". */
	snprintf(prog, sizeof(prog), "mcscope %s", sub->name);
	diag_set_prog(prog);
	argv[1] = prog;
	return sub->run(argc - 1, argv + 1);
}
