/* mcscope demo: a private server, a paced workload and the dashboard, in one command. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "dashboard.h"
#include "demo.h"
#include "diag.h"
#include "model.h"

/* The workload a person can follow: a request every quarter second or so, and a new connection every couple of seconds. */
#define DEMO_CONNS 6
#define DEMO_RATE 4.0
#define DEMO_RECONNECT 6
#define DEMO_THREADS 4
/* While the server is paused, requests wait as long as the viewer likes. */
#define DEMO_REPLY_TIMEOUT_US (24 * 3600 * 1000000ULL)
#define DEMO_DURATION 86400.0

/* Prints the usage text. */
static void usage(FILE *out)
{
	fprintf(out,
		"Usage: mcscope demo [-t N] [-c CONNS] [-r RATE] [--reconnect-interval N]\n"
		"                    [--server PATH] [dashboard options]\n"
		"Starts a private mcscoped (a free port on 127.0.0.1, its trace socket in a\n"
		"fresh private directory), drives it with the mixed workload, paced so that a\n"
		"person can follow it, and shows it on the dashboard. Quitting (q, Ctrl-C,\n"
		"SIGTERM, SIGHUP, the terminal closing) stops the workload and the server.\n"
		"\n"
		"  -t, --threads N      the server's worker threads, 1-%d (default %d)\n"
		"  -c, --conns N        workload connections, 1-1000 (default %d)\n"
		"  -r, --rate R         requests per second in all, 0.1-100000 (default %g)\n"
		"      --reconnect-interval N\n"
		"                       each connection closes and reconnects after N requests,\n"
		"                       1-1000000, so new connections keep being dispatched\n"
		"                       (default %d)\n"
		"      --server PATH    the mcscoped to run (default: $MCSCOPED, else the one\n"
		"                       next to this program, else mcscoped on $PATH)\n"
		DASHBOARD_OPTS_HELP
		"  -h, --help           print this help and exit\n"
		"\n"
		"Exit status: 0 on q, Ctrl-C or the last frame; 1 when the server or the\n"
		"workload cannot start; 64 bad command line.\n",
		MODEL_MAX_WORKERS, DEMO_THREADS, DEMO_CONNS, DEMO_RATE, DEMO_RECONNECT);
}

struct demo_run {
	struct demo *demo;
	struct load_opts *load;
};

/* Starts the workload once the dashboard is attached, so that it sees every connection's dispatch. */
static const char *start_load(void *arg)
{
	struct demo_run *run = arg;

	return demo_start_load(run->demo, run->load) == 0 ? NULL : "the workload did not start";
}

/* mcscope demo. */
int cmd_demo(int argc, char **argv)
{
	enum { OPT_SERVER = 256, OPT_RECONNECT };
	static const struct option longopts[] = {
		{ "threads", required_argument, NULL, 't' },
		{ "conns", required_argument, NULL, 'c' },
		{ "rate", required_argument, NULL, 'r' },
		{ "reconnect-interval", required_argument, NULL, OPT_RECONNECT },
		{ "server", required_argument, NULL, OPT_SERVER },
		DASHBOARD_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct load_opts load = {
		.host = "127.0.0.1",
		.conns = DEMO_CONNS,
		.rate = DEMO_RATE,
		.duration = DEMO_DURATION,
		.scenario = LOAD_MIXED,
		.reconnect = DEMO_RECONNECT,
		.reply_timeout_us = DEMO_REPLY_TIMEOUT_US,
	};
	struct dashboard_opts opts;
	const char *server_arg = NULL;
	char server[4096];
	struct demo demo;
	struct demo_run run = { &demo, &load };
	int opt, threads = DEMO_THREADS, rc = 1;
	uint64_t n;

	dashboard_opts_init(&opts);
	while ((opt = getopt_long(argc, argv, "t:c:r:d:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 't':
			if (!cli_parse_uint("-t/--threads", optarg, 1, MODEL_MAX_WORKERS, &n))
				return cli_usage_error();
			threads = (int)n;
			break;
		case 'c':
			if (!cli_parse_uint("-c/--conns", optarg, 1, 1000, &n))
				return cli_usage_error();
			load.conns = (unsigned)n;
			break;
		case 'r':
			if (!cli_parse_double("-r/--rate", optarg, 0.1, 100000, &load.rate))
				return cli_usage_error();
			break;
		case OPT_RECONNECT:
			if (!cli_parse_uint("--reconnect-interval", optarg, 1, 1000000, &n))
				return cli_usage_error();
			load.reconnect = (unsigned)n;
			break;
		case OPT_SERVER:
			if (optarg[0] == '\0') {
				diag_error("--server: empty path");
				return cli_usage_error();
			}
			server_arg = optarg;
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
	if (!dashboard_can_run(&opts))
		return cli_usage_error();
	if (demo_find_server(server_arg, server, sizeof(server)) != 0)
		return 1;
	load.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);

	demo_init(&demo);
	if (demo_start_server(&demo, server, threads) != 0)
		goto out;
	opts.socket_path = demo.socket_path;
	opts.on_attached = start_load;
	opts.on_attached_arg = &run;
	rc = dashboard_run(&opts);
out:
	demo_stop(&demo);
	return rc;
}
