/* mcscope demo: a private server, a paced workload and the dashboard, in one command. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "dashboard.h"
#include "demo.h"
#include "diag.h"
#include "model.h"
#include "stop.h"

/* The workload a person can follow: a request every quarter second or so, and a new connection every couple of seconds. */
#define DEMO_CONNS 6
#define DEMO_RATE 4.0
#define DEMO_RECONNECT 6
#define DEMO_THREADS 4
/* While the server is paused, requests wait as long as the viewer likes. */
#define DEMO_REPLY_TIMEOUT_US (24 * 3600 * 1000000ULL)
#define DEMO_DURATION 86400.0

enum { DEMO_THREADS_OPT, DEMO_CONNS_OPT, DEMO_RATE_OPT, DEMO_RECONNECT_OPT, DEMO_SERVER_OPT };

static const struct cli_option demo_options[] = {
	[DEMO_THREADS_OPT] = { "threads", 't', "N",
			       "the server's worker threads, 1-%{max_threads} (default %{threads})" },
	[DEMO_CONNS_OPT] = { "conns", 'c', "N", "workload connections, 1-1000 (default %{conns})" },
	[DEMO_RATE_OPT] = { "rate", 'r', "R", "requests per second in all, 0.1-100000 (default %{rate})" },
	[DEMO_RECONNECT_OPT] = { "reconnect-interval", 0, "N",
				 "each connection closes and reconnects after N requests, 1-1000000, "
				 "so new connections keep being dispatched (default %{reconnect})" },
	[DEMO_SERVER_OPT] = { "server", 0, "PATH",
			      "the mcscoped to run (default: $MCSCOPED, else the one next to this "
			      "program, else mcscoped on $PATH)" },
	{ NULL },
};

static const struct cmd_value demo_values[] = {
	{ "max_threads", MODEL_MAX_WORKERS, NULL },
	{ "threads", DEMO_THREADS, NULL },
	{ "conns", DEMO_CONNS, NULL },
	{ "rate", DEMO_RATE, NULL },
	{ "reconnect", DEMO_RECONNECT, NULL },
	{ NULL },
};

struct demo_state {
	int threads;
	const char *server;   /* --server, or NULL */
	struct load_opts load;
	struct demo demo;
};

/* Checks the options into the state. */
static int demo_check(struct cmd_ctx *ctx)
{
	struct demo_state *st = ctx->state;
	const char *arg;
	uint64_t n;

	st->threads = DEMO_THREADS;
	st->load = (struct load_opts){
		.host = "127.0.0.1",
		.conns = DEMO_CONNS,
		.rate = DEMO_RATE,
		.duration = DEMO_DURATION,
		.scenario = LOAD_MIXED,
		.reconnect = DEMO_RECONNECT,
		.reply_timeout_us = DEMO_REPLY_TIMEOUT_US,
	};
	if ((arg = ctx->values[DEMO_THREADS_OPT]) != NULL) {
		if (!cli_parse_uint("-t/--threads", arg, 1, MODEL_MAX_WORKERS, &n))
			return cli_usage_error();
		st->threads = (int)n;
	}
	if ((arg = ctx->values[DEMO_CONNS_OPT]) != NULL) {
		if (!cli_parse_uint("-c/--conns", arg, 1, 1000, &n))
			return cli_usage_error();
		st->load.conns = (unsigned)n;
	}
	if ((arg = ctx->values[DEMO_RATE_OPT]) != NULL &&
	    !cli_parse_double("-r/--rate", arg, 0.1, 100000, &st->load.rate))
		return cli_usage_error();
	if ((arg = ctx->values[DEMO_RECONNECT_OPT]) != NULL) {
		if (!cli_parse_uint("--reconnect-interval", arg, 1, 1000000, &n))
			return cli_usage_error();
		st->load.reconnect = (unsigned)n;
	}
	if ((arg = ctx->values[DEMO_SERVER_OPT]) != NULL) {
		if (arg[0] == '\0') {
			diag_error("--server: empty path");
			return cli_usage_error();
		}
		st->server = arg;
	}
	return 0;
}

/* Starts the workload once the dashboard is attached, so that it sees every connection's dispatch. */
static const char *start_load(void *arg)
{
	struct demo_state *st = arg;

	return demo_start_load(&st->demo, &st->load) == 0 ? NULL : "the workload did not start";
}

/* Starts the server, shows it on the dashboard, and stops everything after. */
static int demo_exec(struct cmd_ctx *ctx)
{
	struct demo_state *st = ctx->state;
	char server[4096], threads[16];
	char *flags[] = { "-t", threads, NULL };
	int rc = 1;

	if (demo_find_server(st->server, server, sizeof(server)) != 0)
		return 1;
	st->load.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);

	demo_init(&st->demo);
	snprintf(threads, sizeof(threads), "%d", st->threads);
	if (demo_start_server(&st->demo, server, flags) != 0) {
		/* Ctrl-C while it started is a quit like any other. */
		rc = stop_signal() != 0 ? 0 : 1;
		goto out;
	}
	ctx->screen.socket_path = st->demo.socket_path;
	ctx->screen.on_attached = start_load;
	ctx->screen.on_attached_arg = st;
	rc = dashboard_run(&ctx->screen);
out:
	demo_stop(&st->demo);
	return rc;
}

const struct cmd_entry cmd_demo_entry = {
	.name = "demo",
	.summary = "start a private server and a workload, and watch them",
	.usage = "[-t N] [-c CONNS] [-r RATE] [--reconnect-interval N] [--server PATH] "
		 "[dashboard options]",
	.text = "Starts a private mcscoped (a free port on 127.0.0.1, its trace socket in a fresh "
		"private directory), drives it with the mixed workload, paced so that a person can "
		"follow it, and shows it on the dashboard. Quitting (q, Ctrl-C, SIGTERM, SIGHUP, the "
		"terminal closing) stops the workload and the server.",
	.options = demo_options,
	.exit_status = "Exit status: 0 on q, Ctrl-C or the last frame; 1 when the server or the "
		       "workload cannot start; 64 bad command line.",
	.values = demo_values,
	.flags = CMD_SCREEN | CMD_STOP,
	.state_size = sizeof(struct demo_state),
	.check = demo_check,
	.exec = demo_exec,
};
