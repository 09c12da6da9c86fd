/* mcscope load: the workload generator's command line and summary. */
#include <getopt.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "diag.h"
#include "load.h"
#include "stop.h"

#define CONNS_MAX 10000
#define RATE_MAX 10000000.0
#define DURATION_MIN 0.1
#define DURATION_MAX 86400.0
#define RECONNECT_MAX 1000000u
/* Descriptors besides the connections: stdio, libevent's own, a probe. */
#define SPARE_FDS 16

/* Prints the usage text. */
static void usage(FILE *out)
{
	fprintf(out,
		"Usage: mcscope load [-h HOST] [-p PORT] [--conns N] [--rate R]\n"
		"                    [--scenario NAME] [--duration S] [--seed X] [-U UDPPORT]\n"
		"                    [--reconnect-interval N]\n"
		"Drives mcscoped (or memcached) with a workload over the text protocol and\n"
		"checks every reply exactly. One thread, non-blocking sockets.\n"
		"\n"
		"  -h, --host HOST      the server (default 127.0.0.1); nothing else is contacted\n"
		"  -p, --port PORT      its TCP port, 1-65535 (default 11211)\n"
		"  -U, --udp-port PORT  its UDP port, 1-65535 (needed by --scenario udp)\n"
		"  -c, --conns N        connections (UDP sockets for udp), 1-%d (default 8)\n"
		"  -r, --rate R         requests per second in total, paced evenly, 0-%.0f;\n"
		"                       0 = as fast as the server answers (default 0)\n"
		"  -s, --scenario NAME  the workload (default mixed):\n"
		"      mixed     set/get/delete/incr on a seeded, skewed key space\n"
		"      burst     open all N connections at once, one request each, close; repeat\n"
		"      slow      every command sent a few bytes at a time, with pauses\n"
		"      pipeline  50 gets in one write per connection (the -R budget)\n"
		"      bigvalue  set and read back 100-500 KB values\n"
		"      churn     connect, one request, close, in a loop\n"
		"      idle      hold N connections, a version on each every 2-4 s\n"
		"      udp       set/get in framed datagrams to -U PORT\n"
		"  -d, --duration S     seconds to run, %.1f-%.0f (default 10)\n"
		"      --reconnect-interval N\n"
		"                       close and reopen each connection after N requests,\n"
		"                       1-%u, so that new connections keep being dispatched\n"
		"                       (default: never; churn reconnects after each anyway)\n"
		"      --seed X         seed of the random choices, 0-18446744073709551615\n"
		"                       (default: from the clock; the summary prints it)\n"
		"      --help           print this help and exit\n"
		"\n"
		"While it runs, a progress line on stderr is redrawn 4 times a second when\n"
		"stderr is a terminal (nothing otherwise). At the end, or on Ctrl-C/SIGTERM,\n"
		"a summary goes to stdout: answered requests, failures and latency\n"
		"percentiles (microseconds, from the last byte sent to the last byte of the\n"
		"reply) per command. Requests still unanswered %llu s after the end count as\n"
		"timeouts, as does any reply that takes over %llu s.\n"
		"\n"
		"Exit status: 0 when no request failed, 1 when one did (a wrong reply, a\n"
		"closed connection, a timeout, a failed reconnect), 64 for a bad command\n"
		"line, 69 when the server cannot be reached at all.\n",
		CONNS_MAX, RATE_MAX, DURATION_MIN, DURATION_MAX, RECONNECT_MAX, LOAD_DRAIN_US / 1000000,
		LOAD_REPLY_TIMEOUT_US / 1000000);
}

/* Makes room for the connections in the open-file limit; false with a message. */
static bool fd_limit_ok(unsigned conns)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)conns + SPARE_FDS;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return true;
	if (rl.rlim_max >= want) {
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
			return true;
	}
	diag_error("--conns: %u connections need %llu open files; the limit is %llu", conns,
		   (unsigned long long)want, (unsigned long long)rl.rlim_max);
	return false;
}

/* Parses the command line into o; 0, or CLI_EXIT_USAGE with a message, or -2 after --help. */
static int parse(int argc, char **argv, struct load_opts *o)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'p' },
		{ "udp-port", required_argument, NULL, 'U' },
		{ "conns", required_argument, NULL, 'c' },
		{ "rate", required_argument, NULL, 'r' },
		{ "scenario", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 'S' },
		{ "reconnect-interval", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	bool seed_set = false;
	uint64_t v;
	int opt, s;

	while ((opt = getopt_long(argc, argv, "h:p:U:c:r:s:d:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			if (optarg[0] == '\0') {
				diag_error("-h/--host: empty host name");
				return cli_usage_error();
			}
			o->host = optarg;
			break;
		case 'p':
		case 'U':
			if (!cli_parse_uint(opt == 'p' ? "-p/--port" : "-U/--udp-port", optarg, 1, 65535, &v))
				return cli_usage_error();
			*(opt == 'p' ? &o->port : &o->udp_port) = (int)v;
			break;
		case 'c':
			if (!cli_parse_uint("-c/--conns", optarg, 1, CONNS_MAX, &v))
				return cli_usage_error();
			o->conns = (unsigned)v;
			break;
		case 'r':
			if (!cli_parse_double("-r/--rate", optarg, 0, RATE_MAX, &o->rate))
				return cli_usage_error();
			break;
		case 'd':
			if (!cli_parse_double("-d/--duration", optarg, DURATION_MIN, DURATION_MAX, &o->duration))
				return cli_usage_error();
			break;
		case 's':
			s = load_scenario_from_name(optarg);
			if (s < 0) {
				char list[256];

				diag_error("-s/--scenario: '%s' is not one of %s", optarg,
					   load_scenario_list(list, sizeof(list), ", "));
				return cli_usage_error();
			}
			o->scenario = (enum load_scenario)s;
			break;
		case 'S':
			if (!cli_parse_uint("--seed", optarg, 0, UINT64_MAX, &o->seed))
				return cli_usage_error();
			seed_set = true;
			break;
		case 'R':
			if (!cli_parse_uint("--reconnect-interval", optarg, 1, RECONNECT_MAX, &v))
				return cli_usage_error();
			o->reconnect = (unsigned)v;
			break;
		case 'H':
			usage(stdout);
			return -2;
		default:
			return cli_usage_error();
		}
	}
	if (cli_no_arguments(argc, argv, optind) != 0)
		return CLI_EXIT_USAGE;
	if (o->scenario == LOAD_UDP && o->udp_port == 0) {
		diag_error("-s/--scenario udp needs -U/--udp-port PORT (1-65535)");
		return cli_usage_error();
	}
	if (!fd_limit_ok(o->conns))
		return CLI_EXIT_USAGE;
	if (!seed_set) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		o->seed = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		o->seed ^= (uint64_t)getpid() << 32;
	}
	return 0;
}

/* mcscope load. */
int cmd_load(int argc, char **argv)
{
	struct load_opts o = {
		.host = "127.0.0.1",
		.port = 11211,
		.conns = 8,
		.duration = 10,
		.scenario = LOAD_MIXED,
		.reply_timeout_us = LOAD_REPLY_TIMEOUT_US,
	};
	int rc;

	rc = parse(argc, argv, &o);
	if (rc == -2)
		return 0;
	if (rc != 0)
		return rc;
	o.progress = isatty(STDERR_FILENO);
	/* Ctrl-C, SIGTERM, SIGHUP: the run stops early, with its summary. */
	if (stop_init() != 0)
		return 1;
	return load_main(&o, true);
}
