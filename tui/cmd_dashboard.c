#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
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
		"\n"
		CLI_TARGET_HELP
		"      --once         print one plain-text frame and exit (for scripts and CI)\n"
		"      --frames N     print N plain-text frames, one every -d, and exit\n"
		"      --size CxR     the plain-text frame's size (default 80x24)\n"
		"  -d, --delay TENTHS time between frames, tenths of a second (default 1; 0.3 s is\n"
		"                     30 frames a second, the fastest)\n"
		"      --no-mouse     don't take the mouse (the wheel scrolls by default)\n"
		"  -h, --help         print this help and exit\n"
		"\n"
		"Exit status: 0 on q, Ctrl-C or the last frame; 64 bad command line; 69 no\n"
		"server on the socket.\n");
}

/* mcscope with no subcommand: the dashboard. */
int cmd_dashboard(int argc, char **argv)
{
	enum { OPT_ONCE = 256, OPT_FRAMES, OPT_SIZE, OPT_NO_MOUSE };
	static const struct option longopts[] = {
		CLI_TARGET_LONGOPTS,
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "frames", required_argument, NULL, OPT_FRAMES },
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "delay", required_argument, NULL, 'd' },
		{ "no-mouse", no_argument, NULL, OPT_NO_MOUSE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dashboard_opts opts = { .mouse = true, .interval_ms = 100, .rows = 24, .cols = 80 };
	struct cli_target target;
	char path[128];
	int opt, tenths;
	char extra;

	cli_target_init(&target);
	while ((opt = getopt_long(argc, argv, "p:d:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'S':
		case 'p':
			if (!cli_target_option(&target, opt, optarg))
				return cli_usage_error();
			break;
		case OPT_ONCE:
			opts.once = true;
			break;
		case OPT_FRAMES:
			if (sscanf(optarg, "%d%c", &opts.frames, &extra) != 1 || opts.frames < 1 ||
			    opts.frames > 100000) {
				diag_error("--frames: invalid value '%s' (allowed: 1-100000)", optarg);
				return cli_usage_error();
			}
			break;
		case OPT_SIZE:
			if (sscanf(optarg, "%dx%d%c", &opts.cols, &opts.rows, &extra) != 2 ||
			    opts.cols < 40 || opts.cols > 1000 || opts.rows < 10 || opts.rows > 1000) {
				diag_error("--size: invalid value '%s' (allowed: 40x10 to 1000x1000)", optarg);
				return cli_usage_error();
			}
			break;
		case 'd':
			if (sscanf(optarg, "%d%c", &tenths, &extra) != 1 || tenths < 1 || tenths > 100) {
				diag_error("-d/--delay: invalid value '%s' (allowed: 1-100 tenths)", optarg);
				return cli_usage_error();
			}
			opts.interval_ms = tenths * 100;
			break;
		case OPT_NO_MOUSE:
			opts.mouse = false;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return cli_usage_error();
		}
	}
	if (cli_no_arguments(argc, argv, optind) != 0)
		return CLI_EXIT_USAGE;
	if (cli_target_path(&target, path, sizeof(path)) != 0)
		return CLI_EXIT_USAGE;
	opts.socket_path = path;
	if (!opts.once && opts.frames == 0 && (!isatty(0) || !isatty(1))) {
		diag_error("the live dashboard needs a terminal; --once or --frames N print text");
		return cli_usage_error();
	}
	return dashboard_run(&opts);
}
