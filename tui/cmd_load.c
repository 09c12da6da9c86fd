/* mcscope load: the workload generator's command line (the library is load_*.c). */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "diag.h"
#include "load.h"

#define CONNS_MAX 10000
#define RATE_MAX 10000000.0
#define DURATION_MIN 0.1
#define DURATION_MAX 86400.0
#define RECONNECT_MAX 1000000u
/* Descriptors besides the connections: stdio, libevent's own, a probe. */
#define SPARE_FDS 16

enum {
	LOAD_OPT_HOST,
	LOAD_OPT_PORT,
	LOAD_OPT_UDP_PORT,
	LOAD_OPT_CONNS,
	LOAD_OPT_RATE,
	LOAD_OPT_SCENARIO,
	LOAD_OPT_DURATION,
	LOAD_OPT_RECONNECT,
	LOAD_OPT_SEED,
};

static const struct cli_option load_options[] = {
	[LOAD_OPT_HOST] = { "host", 'h', "HOST",
			    "the server (default 127.0.0.1); nothing else is contacted" },
	[LOAD_OPT_PORT] = { "port", 'p', "PORT", "its TCP port, 1-65535 (default 11211)" },
	[LOAD_OPT_UDP_PORT] = { "udp-port", 'U', "PORT", "its UDP port, 1-65535 (needed by --scenario udp)" },
	[LOAD_OPT_CONNS] = { "conns", 'c', "N", "connections (UDP sockets for udp), 1-%{conns_max} (default 8)" },
	[LOAD_OPT_RATE] = { "rate", 'r', "R",
			    "requests per second in total, paced evenly, 0-%{rate_max}; 0 = as fast "
			    "as the server answers (default 0)" },
	[LOAD_OPT_SCENARIO] = { "scenario", 's', "NAME", "the workload (default mixed; see below)" },
	[LOAD_OPT_DURATION] = { "duration", 'd', "S",
				"seconds to run, %{duration_min}-%{duration_max} (default 10)" },
	[LOAD_OPT_RECONNECT] = { "reconnect-interval", 0, "N",
				 "close and reopen each connection after N requests, 1-%{reconnect_max}, "
				 "so that new connections keep being dispatched (default: never; churn "
				 "reconnects after each anyway)" },
	[LOAD_OPT_SEED] = { "seed", 0, "X",
			    "seed of the random choices, 0-18446744073709551615 (default: from the "
			    "clock; the summary prints it)" },
	{ NULL },
};

/* Writes the scenarios, one a line: name, then what it does. */
static const char *scenarios(char *buf, size_t n)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int i = 0; i < LOAD_N_SCENARIOS && at < n; i++)
		at += (size_t)snprintf(buf + at, n - at, "%s  %-9s %s", i > 0 ? "\n" : "",
				       load_scenario_name((enum load_scenario)i),
				       load_scenario_text((enum load_scenario)i));
	return buf;
}

static const struct cmd_value load_values[] = {
	{ "conns_max", CONNS_MAX, NULL },
	{ "rate_max", RATE_MAX, NULL },
	{ "duration_min", DURATION_MIN, NULL },
	{ "duration_max", DURATION_MAX, NULL },
	{ "reconnect_max", RECONNECT_MAX, NULL },
	{ "drain_s", (double)(LOAD_DRAIN_US / 1000000), NULL },
	{ "reply_timeout_s", (double)(LOAD_REPLY_TIMEOUT_US / 1000000), NULL },
	{ "scenarios", 0, scenarios },
	{ NULL },
};

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

/* Checks the options into the workload's. */
static int load_check(struct cmd_ctx *ctx)
{
	struct load_opts *o = ctx->state;
	const char *const *v = ctx->values;
	uint64_t n;
	int s;

	*o = (struct load_opts){
		.host = "127.0.0.1",
		.port = 11211,
		.conns = 8,
		.duration = 10,
		.scenario = LOAD_MIXED,
		.reply_timeout_us = LOAD_REPLY_TIMEOUT_US,
	};
	if (v[LOAD_OPT_HOST] != NULL) {
		if (v[LOAD_OPT_HOST][0] == '\0') {
			diag_error("-h/--host: empty host name");
			return cli_usage_error();
		}
		o->host = v[LOAD_OPT_HOST];
	}
	if (v[LOAD_OPT_PORT] != NULL) {
		if (!cli_parse_uint("-p/--port", v[LOAD_OPT_PORT], 1, 65535, &n))
			return cli_usage_error();
		o->port = (int)n;
	}
	if (v[LOAD_OPT_UDP_PORT] != NULL) {
		if (!cli_parse_uint("-U/--udp-port", v[LOAD_OPT_UDP_PORT], 1, 65535, &n))
			return cli_usage_error();
		o->udp_port = (int)n;
	}
	if (v[LOAD_OPT_CONNS] != NULL) {
		if (!cli_parse_uint("-c/--conns", v[LOAD_OPT_CONNS], 1, CONNS_MAX, &n))
			return cli_usage_error();
		o->conns = (unsigned)n;
	}
	if (v[LOAD_OPT_RATE] != NULL && !cli_parse_double("-r/--rate", v[LOAD_OPT_RATE], 0, RATE_MAX, &o->rate))
		return cli_usage_error();
	if (v[LOAD_OPT_DURATION] != NULL &&
	    !cli_parse_double("-d/--duration", v[LOAD_OPT_DURATION], DURATION_MIN, DURATION_MAX, &o->duration))
		return cli_usage_error();
	if (v[LOAD_OPT_SCENARIO] != NULL) {
		char list[256];

		s = load_scenario_from_name(v[LOAD_OPT_SCENARIO]);
		if (s < 0) {
			diag_error("-s/--scenario: '%s' is not one of %s", v[LOAD_OPT_SCENARIO],
				   load_scenario_list(list, sizeof(list), ", "));
			return cli_usage_error();
		}
		o->scenario = (enum load_scenario)s;
	}
	if (v[LOAD_OPT_SEED] != NULL) {
		if (!cli_parse_uint("--seed", v[LOAD_OPT_SEED], 0, UINT64_MAX, &o->seed))
			return cli_usage_error();
	} else {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		o->seed = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		o->seed ^= (uint64_t)getpid() << 32;
	}
	if (v[LOAD_OPT_RECONNECT] != NULL) {
		if (!cli_parse_uint("--reconnect-interval", v[LOAD_OPT_RECONNECT], 1, RECONNECT_MAX, &n))
			return cli_usage_error();
		o->reconnect = (unsigned)n;
	}
	if (o->scenario == LOAD_UDP && o->udp_port == 0) {
		diag_error("-s/--scenario udp needs -U/--udp-port PORT (1-65535)");
		return cli_usage_error();
	}
	if (!fd_limit_ok(o->conns))
		return CLI_EXIT_USAGE;
	return 0;
}

/* Runs the workload and prints its summary. */
static int load_exec(struct cmd_ctx *ctx)
{
	struct load_opts *o = ctx->state;

	o->progress = isatty(STDERR_FILENO);
	return load_main(o, true);
}

const struct cmd_entry cmd_load_entry = {
	.name = "load",
	.summary = "drive the server with a workload and check every reply",
	.usage = "[-h HOST] [-p PORT] [--conns N] [--rate R] [--scenario NAME] [--duration S] "
		 "[--seed X] [-U UDPPORT] [--reconnect-interval N]",
	.text = "Drives mcscoped (or memcached) with a workload over the text protocol and checks "
		"every reply exactly. One thread, non-blocking sockets.",
	.options = load_options,
	.notes = "Scenarios (-s NAME):\n"
		 "%{scenarios}\n"
		 "\n"
		 "While it runs, a progress line on stderr is redrawn 4 times a second when stderr is "
		 "a terminal (nothing otherwise). At the end, or on Ctrl-C, SIGTERM or SIGHUP, a summary "
		 "goes to stdout: answered requests, failures and latency percentiles (microseconds, "
		 "from the last byte sent to the last byte of the reply) per command. Requests still "
		 "unanswered %{drain_s} s after the end count as timeouts, as does any reply that "
		 "takes over %{reply_timeout_s} s.",
	.exit_status = "Exit status: 0 when no request failed, 1 when one did (a wrong reply, a "
		       "closed connection, a timeout, a failed reconnect), 64 for a bad command line, "
		       "69 when the server cannot be reached at all.",
	.values = load_values,
	.flags = CMD_STOP,
	.state_size = sizeof(struct load_opts),
	.check = load_check,
	.exec = load_exec,
};
