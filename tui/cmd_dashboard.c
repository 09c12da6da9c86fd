#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "client.h"
#include "cmd.h"
#include "dashboard.h"
#include "diag.h"

/* Prints the usage text. */
static void usage(FILE *out)
{
	fprintf(out,
		"Usage: mcscope [--socket PATH | -p PORT] [--once | --frames N] [--size COLSxROWS]\n"
		"               [-d TENTHS] [--no-mouse]\n"
		"The live dashboard: the main thread's dispatch, every worker's queue and\n"
		"notify pipe, and every connection's drive_machine state. '?' lists the keys.\n"
		"'mcscope demo' starts a server and a workload to watch.\n"
		"\n"
		CLI_TARGET_HELP
		DASHBOARD_OPTS_HELP
		"  -h, --help         print this help and exit\n"
		"\n"
		"Exit status: 0 on q, Ctrl-C or the last frame; 64 bad command line; 69 no\n"
		"server on the socket.\n");
}

/* Sets the defaults. */
void dashboard_opts_init(struct dashboard_opts *o)
{
	*o = (struct dashboard_opts){ .mouse = true, .interval_ms = 100, .rows = 24, .cols = 80 };
}

/* Handles one screen option. */
int dashboard_option(struct dashboard_opts *o, int opt, const char *arg)
{
	int tenths;
	char extra;

	switch (opt) {
	case DASHBOARD_OPT_ONCE:
		o->once = true;
		return 1;
	case DASHBOARD_OPT_FRAMES:
		if (sscanf(arg, "%d%c", &o->frames, &extra) != 1 || o->frames < 1 || o->frames > 100000) {
			diag_error("--frames: invalid value '%s' (allowed: 1-100000)", arg);
			return -1;
		}
		return 1;
	case DASHBOARD_OPT_SIZE:
		if (sscanf(arg, "%dx%d%c", &o->cols, &o->rows, &extra) != 2 || o->cols < 40 ||
		    o->cols > 1000 || o->rows < 10 || o->rows > 1000) {
			diag_error("--size: invalid value '%s' (allowed: 40x10 to 1000x1000)", arg);
			return -1;
		}
		return 1;
	case 'd':
		if (sscanf(arg, "%d%c", &tenths, &extra) != 1 || tenths < 1 || tenths > 100) {
			diag_error("-d/--delay: invalid value '%s' (allowed: 1-100 tenths)", arg);
			return -1;
		}
		o->interval_ms = tenths * 100;
		return 1;
	case DASHBOARD_OPT_NO_MOUSE:
		o->mouse = false;
		return 1;
	default:
		return 0;
	}
}

/* Checks for a terminal. */
bool dashboard_can_run(const struct dashboard_opts *o)
{
	if (o->once || o->frames > 0 || (isatty(0) && isatty(1)))
		return true;
	diag_error("the live dashboard needs a terminal; --once or --frames N print text");
	return false;
}

/* mcscope with no subcommand: the dashboard. */
int cmd_dashboard(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_TARGET_LONGOPTS,
		DASHBOARD_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dashboard_opts opts;
	struct cli_target target;
	char path[128];
	int opt;

	dashboard_opts_init(&opts);
	cli_target_init(&target);
	while ((opt = getopt_long(argc, argv, "p:d:h", longopts, NULL)) != -1) {
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
			if (dashboard_option(&opts, opt, optarg) != 1)
				return cli_usage_error();
			break;
		}
	}
	if (cli_no_arguments(argc, argv, optind) != 0)
		return CLI_EXIT_USAGE;
	if (cli_target_path(&target, path, sizeof(path)) != 0)
		return CLI_EXIT_USAGE;
	opts.socket_path = path;
	if (!dashboard_can_run(&opts))
		return cli_usage_error();
	return dashboard_run(&opts);
}
