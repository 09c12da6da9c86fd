/*
 * Tests of mcscope load against a real mcscoped: every scenario runs
 * clean (exit 0, no errors, some requests), and the failures end the way
 * the help says: bad flags 64, no server 69, a server killed mid-run 1.
 * The load library is also run in-process, and its stats checked.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../src/harness.h"
#include "cli_run.h"
#include "load.h"
#include "stop.h"

/* A run's numbers from the summary. */
struct load_result {
	int status;
	unsigned long long requests, errors;
	char *out, *err;
};

/* Starts mcscoped with a UDP port and two workers; fails the test when it cannot. */
static void start_server(struct server_proc *srv, char *udp_port, size_t len)
{
	snprintf(udp_port, len, "%d", harness_free_udp_port());
	const char *args[] = { "--no-trace", "-t", "2", "-U", udp_port, NULL };

	cr_assert(harness_start(srv, args), "mcscoped did not start");
}

/* Pulls requests= and errors= out of the summary; false when there is none. */
static bool parse_summary(struct load_result *r)
{
	const char *line = r->out != NULL ? strstr(r->out, "\nrequests=") : NULL;

	return line != NULL && sscanf(line + 1, "requests=%llu errors=%llu", &r->requests, &r->errors) == 2;
}

/* Runs mcscope load with args (NULL-terminated) to completion. */
static struct load_result run_load(const char *const *args)
{
	struct load_result r = { 0 };

	r.status = cli_run(args, NULL, &r.out, &r.err);
	parse_summary(&r);
	return r;
}

/* Frees a result. */
static void result_free(struct load_result *r)
{
	free(r->out);
	free(r->err);
}

/* Runs one scenario for duration seconds against a fresh server and checks it ran clean. */
static void scenario_clean_for(const char *scenario, const char *conns, const char *duration)
{
	struct server_proc srv;
	char tcp[16], udp[16];
	struct load_result r;

	start_server(&srv, udp, sizeof(udp));
	snprintf(tcp, sizeof(tcp), "%d", srv.tcp_port);
	const char *args[] = { "load", "-p", tcp, "-U", udp, "--scenario", scenario, "--conns", conns,
			       "--duration", duration, "--seed", "7", NULL };
	r = run_load(args);
	cr_expect_eq(r.status, 0, "%s: exit %d\nstdout:\n%s\nstderr:\n%s", scenario, r.status, r.out,
		     r.err);
	cr_expect(strstr(r.out, "seed=7") != NULL, "%s: the seed is not in the summary:\n%s", scenario,
		  r.out);
	cr_expect(strstr(r.out, "scenario=") != NULL && strstr(r.out, scenario) != NULL,
		  "%s: the scenario is not in the summary:\n%s", scenario, r.out);
	cr_expect(r.requests > 0, "%s: no requests\n%s", scenario, r.out);
	cr_expect_eq(r.errors, 0, "%s: %llu errors\n%s\n%s", scenario, r.errors, r.out, r.err);
	cr_expect(strstr(r.out, "p99_us") != NULL, "%s: no latency table\n%s", scenario, r.out);
	result_free(&r);
	cr_expect_eq(harness_stop(&srv), 0, "mcscoped did not exit cleanly after %s", scenario);
}

/* Runs one scenario for 1.2 s. */
static void scenario_clean(const char *scenario, const char *conns)
{
	scenario_clean_for(scenario, conns, "1.2");
}

Test(load, mixed) { scenario_clean("mixed", "4"); }
Test(load, burst) { scenario_clean("burst", "6"); }
Test(load, slow) { scenario_clean("slow", "3"); }
Test(load, pipeline) { scenario_clean("pipeline", "3"); }
Test(load, bigvalue) { scenario_clean("bigvalue", "3"); }
/* A set sent in pieces takes up to 4 s, and one cut off by the end is not counted. */
Test(load, bigslow) { scenario_clean_for("bigslow", "2", "4.5"); }
Test(load, churn) { scenario_clean("churn", "4"); }
Test(load, idle) { scenario_clean("idle", "5"); }
Test(load, udp) { scenario_clean("udp", "3"); }

/* Pacing: at 50 requests per second for 1.2 s, about 60 requests, not thousands. */
Test(load, rate_paces)
{
	struct server_proc srv;
	char tcp[16], udp[16];
	struct load_result r;

	start_server(&srv, udp, sizeof(udp));
	snprintf(tcp, sizeof(tcp), "%d", srv.tcp_port);
	const char *args[] = { "load", "-p", tcp, "--rate", "50", "--duration", "1.2", NULL };
	r = run_load(args);
	cr_expect_eq(r.status, 0, "exit %d\n%s\n%s", r.status, r.out, r.err);
	cr_expect(r.requests >= 40 && r.requests <= 80, "%llu requests at --rate 50 for 1.2 s",
		  r.requests);
	result_free(&r);
	harness_stop(&srv);
}

/* Connections the server has accepted so far. */
static long long accepted(const struct server_proc *srv)
{
	int fd = harness_connect(srv->tcp_port);
	long long n = harness_stat(fd, NULL, "total_connections");

	close(fd);
	return n;
}

/* --reconnect-interval 5: a new connection every 5 requests; without it, one per slot. */
Test(load, reconnect_interval)
{
	struct server_proc srv;
	char tcp[16], udp[16];
	struct load_result r;

	start_server(&srv, udp, sizeof(udp));
	snprintf(tcp, sizeof(tcp), "%d", srv.tcp_port);
	long long before = accepted(&srv);
	const char *plain[] = { "load", "-p", tcp, "--conns", "2", "--rate", "200", "--duration", "0.5",
				NULL };
	r = run_load(plain);
	cr_expect_eq(r.status, 0, "exit %d\n%s\n%s", r.status, r.out, r.err);
	long long after_plain = accepted(&srv);
	/* Two slots, the probe, and the stats connection above. */
	cr_expect_leq(after_plain - before, 4, "without the flag: %lld connections", after_plain - before);
	result_free(&r);

	const char *again[] = { "load", "-p", tcp, "--conns", "2", "--rate", "200", "--duration", "0.5",
				"--reconnect-interval", "5", NULL };
	r = run_load(again);
	cr_expect_eq(r.status, 0, "exit %d\n%s\n%s", r.status, r.out, r.err);
	long long made = accepted(&srv) - after_plain;
	cr_expect_geq((unsigned long long)made, r.requests / 5,
		      "%llu requests every 5 on a new connection, yet only %lld connections", r.requests,
		      made);
	result_free(&r);
	harness_stop(&srv);
}

/* Each bad flag: exit 64, and the message names the flag and the allowed values. */
Test(load, bad_flags)
{
	static const struct {
		const char *flag, *value, *says;
	} cases[] = {
		{ "--conns", "0", "1 to 10000" },
		{ "--conns", "x", "--conns" },
		{ "--rate", "-5", "--rate" },
		{ "--duration", "0", "--duration" },
		{ "--duration", "1e9", "86400" },
		{ "--scenario", "nope", "mixed, burst" },
		{ "-p", "0", "1 to 65535" },
		{ "-U", "65536", "--udp-port" },
		{ "--seed", "-1", "--seed" },
		{ "--reconnect-interval", "0", "1 to 1000000" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[] = { "load", cases[i].flag, cases[i].value, NULL };
		struct load_result r = run_load(args);

		cr_expect_eq(r.status, 64, "%s %s: exit %d", cases[i].flag, cases[i].value, r.status);
		cr_expect(strstr(r.err, cases[i].says) != NULL, "%s %s: message '%s' lacks '%s'",
			  cases[i].flag, cases[i].value, r.err, cases[i].says);
		result_free(&r);
	}
	const char *udp_alone[] = { "load", "--scenario", "udp", NULL };
	struct load_result r = run_load(udp_alone);
	cr_expect_eq(r.status, 64, "udp without -U: exit %d", r.status);
	cr_expect(strstr(r.err, "-U") != NULL, "udp without -U: '%s'", r.err);
	result_free(&r);
}

/* A port nothing listens on: exit 69 straight away. */
Test(load, no_server)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char port[16];

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
		  getsockname(fd, (struct sockaddr *)&addr, &len) == 0);
	/* Bound but not listening: the port stays ours and refuses connections. */
	snprintf(port, sizeof(port), "%d", ntohs(addr.sin_port));
	const char *args[] = { "load", "-p", port, "--duration", "1", NULL };
	struct load_result r = run_load(args);

	cr_expect_eq(r.status, 69, "exit %d, stderr '%s'", r.status, r.err);
	cr_expect(strstr(r.err, "cannot connect") != NULL, "stderr '%s'", r.err);
	result_free(&r);

	const char *udp_args[] = { "load", "--scenario", "udp", "-U", port, "--duration", "1", NULL };
	r = run_load(udp_args);
	cr_expect_eq(r.status, 69, "udp: exit %d, stderr '%s'", r.status, r.err);
	result_free(&r);
	close(fd);
}

/* The server dies half way: the failures are counted, the run still ends on time with exit 1. */
Test(load, server_killed)
{
	struct server_proc srv;
	struct cli_proc p;
	char tcp[16], udp[16];
	struct load_result r = { 0 };
	struct timespec pause = { 0, 600 * 1000 * 1000 };

	start_server(&srv, udp, sizeof(udp));
	snprintf(tcp, sizeof(tcp), "%d", srv.tcp_port);
	const char *args[] = { "load", "-p", tcp, "--conns", "4", "--duration", "2", NULL };
	cr_assert(cli_start(&p, args, NULL));
	nanosleep(&pause, NULL);
	kill(srv.pid, SIGKILL);
	waitpid(srv.pid, NULL, 0);
	close(srv.stderr_fd);
	/* Duration 2 s plus the 2 s drain at most: 10 s means a hang. */
	r.status = cli_wait(&p, 10000);
	r.out = cli_slurp(p.out_fd);
	r.err = cli_slurp(p.err_fd);
	cli_done(&p);
	cr_expect_eq(r.status, 1, "exit %d\n%s\n%s", r.status, r.out, r.err);
	cr_expect(parse_summary(&r), "no summary:\n%s", r.out);
	cr_expect(r.errors > 0, "no errors counted:\n%s", r.out);
	cr_expect(r.requests > 0, "no requests before the kill:\n%s", r.out);
	result_free(&r);
}

/* --help describes every scenario and exits 0. */
Test(load, help)
{
	const char *args[] = { "load", "--help", NULL };
	struct load_result r = run_load(args);

	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "pipeline") != NULL && strstr(r.out, "Exit status") != NULL, "%s", r.out);
	result_free(&r);
}

/* The options of a short in-process workload against port. */
static struct load_opts short_workload(int port)
{
	return (struct load_opts){
		.host = "127.0.0.1",
		.port = port,
		.conns = 3,
		.duration = 0.5,
		.seed = 7,
		.scenario = LOAD_MIXED,
		.reply_timeout_us = LOAD_REPLY_TIMEOUT_US,
	};
}

/* Starts mcscoped with two workers and no trace socket; fails the test when it cannot. */
static void start_plain_server(struct server_proc *srv)
{
	const char *args[] = { "--no-trace", "-t", "2", NULL };

	cr_assert(harness_start(srv, args), "mcscoped did not start");
}

/* The library in-process: a short workload's stats add up, and the summary prints them. */
Test(load, library_runs_a_workload_in_process)
{
	struct server_proc srv;
	struct load_opts o;
	struct load_run *run = malloc(sizeof(*run));
	uint64_t by_op = 0, requests;
	char *text = NULL, want[64];
	size_t len = 0;
	FILE *mem;

	cr_assert_not_null(run);
	start_plain_server(&srv);
	o = short_workload(srv.tcp_port);
	cr_assert_eq(load_run_prepare(run, &o), 0);
	cr_assert_eq(load_run_execute(run), 0);

	requests = load_stats_requests(&run->stats);
	cr_expect_gt(requests, 0, "no requests in 0.5 s");
	cr_expect_eq(load_stats_errors(&run->stats), 0, "%llu failures",
		     (unsigned long long)load_stats_errors(&run->stats));
	for (int i = 0; i < LOAD_N_OPS; i++)
		by_op += run->stats.op[i].count;
	cr_expect_eq(by_op, requests, "the ops' counts add up to %llu, not %llu",
		     (unsigned long long)by_op, (unsigned long long)requests);
	cr_expect_eq(run->stats.hits + run->stats.misses, run->stats.op[LOAD_OP_GET].count,
		     "every get is a hit or a miss");
	cr_expect_geq(run->stats.connects, o.conns, "%llu connections for %u slots",
		      (unsigned long long)run->stats.connects, o.conns);
	cr_expect_eq(run->stop_signal, 0);
	/* About the duration (libevent's timers go by its cached clock, a little behind). */
	cr_expect_geq(run->end_us - run->start_us, 450000, "ran %llu us",
		      (unsigned long long)(run->end_us - run->start_us));
	cr_expect_lt(run->end_us - run->start_us, 500000 + LOAD_DRAIN_US, "ran %llu us",
		     (unsigned long long)(run->end_us - run->start_us));

	mem = open_memstream(&text, &len);
	cr_assert_not_null(mem);
	load_summary_print(mem, run);
	fclose(mem);
	cr_expect_not_null(strstr(text, "scenario=mixed "), "%s", text);
	cr_expect_not_null(strstr(text, " seed=7 "), "%s", text);
	snprintf(want, sizeof(want), "\nrequests=%llu errors=0 ", (unsigned long long)requests);
	cr_expect_not_null(strstr(text, want), "no '%s' in:\n%s", want + 1, text);
	free(text);
	load_run_free(run);
	free(run);

	/* load_main wraps the same, with its exit status. */
	cr_expect_eq(load_main(&o, false), 0);
	cr_expect_eq(harness_stop(&srv), 0);
}

/* The library in-process: no server is 69, as mcscope load exits. */
Test(load, library_reports_no_server)
{
	struct server_proc srv;
	struct load_run *run = malloc(sizeof(*run));
	struct load_opts o;

	cr_assert_not_null(run);
	start_plain_server(&srv);
	o = short_workload(srv.tcp_port);
	cr_assert_eq(harness_stop(&srv), 0);
	cr_expect_eq(load_run_prepare(run, &o), 69);
	load_run_free(run);
	free(run);
}

/* The library in-process: a stop signal (stop.h) ends the run early, and says which. */
Test(load, library_stops_on_a_stop_signal)
{
	struct server_proc srv;
	struct load_run *run = malloc(sizeof(*run));
	struct load_opts o;

	cr_assert_not_null(run);
	start_plain_server(&srv);
	o = short_workload(srv.tcp_port);
	o.duration = 60;
	cr_assert_eq(stop_init(), 0);
	cr_assert_eq(load_run_prepare(run, &o), 0);
	/* Already there when the loop starts: it stops at once, not after a minute. */
	raise(SIGTERM);
	cr_assert_eq(load_run_execute(run), 0);
	cr_expect_eq(run->stop_signal, SIGTERM);
	cr_expect_lt(run->end_us - run->start_us, LOAD_DRAIN_US);
	cr_expect_eq(load_stats_errors(&run->stats), 0);
	load_run_free(run);
	free(run);
	harness_stop(&srv);
}

/* Requests the server has answered so far (gets and sets). */
static long long served(const struct server_proc *srv)
{
	int fd = harness_connect(srv->tcp_port);
	long long gets = harness_stat(fd, NULL, "cmd_get"), sets = harness_stat(fd, NULL, "cmd_set");

	close(fd);
	return gets + sets;
}

/* Ctrl-C: mcscope load stops early, says so, and still prints its summary. */
Test(load, ctrl_c_prints_the_summary)
{
	struct server_proc srv;
	struct cli_proc p;
	char tcp[16];
	struct load_result r = { 0 };
	int i;

	start_plain_server(&srv);
	snprintf(tcp, sizeof(tcp), "%d", srv.tcp_port);
	const char *args[] = { "load", "-p", tcp, "--conns", "2", "--rate", "200", "--duration", "60",
			       NULL };
	cr_assert(cli_start(&p, args, NULL));
	/* Until the workload is under way: the server has answered some of it. */
	for (i = 0; i < CLI_DEADLINE_MS / 10 && served(&srv) < 10; i++)
		usleep(10000);
	cr_assert_lt(i, CLI_DEADLINE_MS / 10, "the workload never got going");
	kill(p.pid, SIGINT);
	r.status = cli_wait(&p, CLI_DEADLINE_MS);
	r.out = cli_slurp(p.out_fd);
	r.err = cli_slurp(p.err_fd);
	cli_done(&p);
	cr_expect_eq(r.status, 0, "exit %d\n%s\n%s", r.status, r.out, r.err);
	cr_expect_not_null(strstr(r.out, " stopped_by=Interrupt "), "%s", r.out);
	cr_expect(parse_summary(&r) && r.requests > 0 && r.errors == 0, "summary:\n%s", r.out);
	result_free(&r);
	harness_stop(&srv);
}
