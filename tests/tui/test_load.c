/*
 * Tests of mcscope load against a real mcscoped: every scenario runs
 * clean (exit 0, no errors, some requests), and the failures end the way
 * the help says: bad flags 64, no server 69, a server killed mid-run 1.
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

/* Runs one scenario against a fresh server and checks it ran clean. */
static void scenario_clean(const char *scenario, const char *conns)
{
	struct server_proc srv;
	char tcp[16], udp[16];
	struct load_result r;

	start_server(&srv, udp, sizeof(udp));
	snprintf(tcp, sizeof(tcp), "%d", srv.tcp_port);
	const char *args[] = { "load", "-p", tcp, "-U", udp, "--scenario", scenario, "--conns", conns,
			       "--duration", "1.2", "--seed", "7", NULL };
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

Test(load, mixed) { scenario_clean("mixed", "4"); }
Test(load, burst) { scenario_clean("burst", "6"); }
Test(load, slow) { scenario_clean("slow", "3"); }
Test(load, pipeline) { scenario_clean("pipeline", "3"); }
Test(load, bigvalue) { scenario_clean("bigvalue", "3"); }
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
