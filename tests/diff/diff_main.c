/* mcdiff: the differential test. It starts Debian's memcached and mcscoped with
 * the same flags, sends both the same seeded streams of commands over TCP and
 * UDP, and compares what comes back byte for byte, less the intended
 * differences of the allowlist. */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "diff_allow.h"
#include "diff_bytes.h"
#include "diff_gen.h"
#include "diff_server.h"
#include "diff_wire.h"

#define MEMCACHED 0
#define MCSCOPED 1
#define NSERVERS 2
/* Fresh servers every so many streams, long before either fills its memory (-m
 * 64): what each evicts when full is where the two may rightly differ. */
#define STREAMS_PER_START 1000
/* A UDP answer on loopback takes well under a millisecond, under a sanitizer
 * and a loaded machine still far less than this: after it, a server is silent. */
#define UDP_QUIET_MS 2000

#define STR(x) #x
#define KB(x) STR(x) "k"
/* The flags both servers get. One worker: each UDP datagram is then answered
 * before the next is read, so replies come in the order sent. -I 512k is the
 * smallest memcached takes without its slab options (-o slab_chunk_max), and
 * with those it crashes now and then. */
static const char *const shared_flags[] = { "-l", "127.0.0.1", "-t", "1",
					    "-I", KB(GEN_ITEM_MAX_KB) };

struct options {
	const char *bin[NSERVERS];
	const char *allowlist;
	uint64_t seed;
	bool seeded;
	unsigned long streams;
	unsigned long only;      /* run just this stream, when `single` */
	bool single;
	double seconds;
	unsigned long max_diffs;
	int timeout_ms;
	const char *argv0;
};

struct run {
	struct options opt;
	struct allow allow;
	struct server srv[NSERVERS];
	unsigned long streams, udp_streams, diffs;
	bool sent;              /* a stream went to these servers since they started */
	unsigned long last;     /* and this was the last one */
};

/* Prints the usage. */
static void usage(FILE *f, const char *argv0)
{
	fprintf(f,
		"usage: %s [OPTIONS]\n"
		"Sends the same seeded command streams to memcached and mcscoped and compares\n"
		"the replies byte for byte.\n"
		"  --seed=N          the run's seed (default: a fresh one, printed)\n"
		"  --streams=N       streams to send (default 200)\n"
		"  --seconds=S       send streams until S seconds have passed instead\n"
		"  --stream=I        send only stream I of the seed, to fresh servers\n"
		"  --max-diffs=N     stop after N differing streams (default 10)\n"
		"  --timeout=MS      longest wait for one exchange (default 5000)\n"
		"  --memcached=PATH  (default $MEMCACHED, else /usr/bin/memcached)\n"
		"  --mcscoped=PATH   (default $MCSCOPED, else $MCSCOPED_BUILD, else build/src/mcscoped)\n"
		"  --allowlist=PATH  the intended differences (default tests/diff/allowlist)\n"
		"Exit status: 0 when all replies match, 1 when some differ, 2 on a setup error.\n",
		argv0);
}

/* The first of the environment variables that is set, else fallback. */
static const char *env_or(const char *a, const char *b, const char *fallback)
{
	const char *v = getenv(a);

	if ((v == NULL || *v == '\0') && b != NULL)
		v = getenv(b);
	return v && *v ? v : fallback;
}

/* Parses an unsigned number option; exits on a bad one. */
static unsigned long long number_arg(const char *name, const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (*s == '\0' || *s == '-' || *end != '\0') {
		fprintf(stderr, "mcdiff: --%s: not a number: '%s'\n", name, s);
		exit(2);
	}
	return v;
}

/* Reads the command line into o. */
static void parse_options(struct options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "streams", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "stream", required_argument, NULL, 'i' },
		{ "max-diffs", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "memcached", required_argument, NULL, 'M' },
		{ "mcscoped", required_argument, NULL, 'C' },
		{ "allowlist", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int ch;

	*o = (struct options){
		.bin = { env_or("MEMCACHED", NULL, "/usr/bin/memcached"),
			 env_or("MCSCOPED", "MCSCOPED_BUILD", "build/src/mcscoped") },
		.allowlist = "tests/diff/allowlist",
		.streams = 200,
		.max_diffs = 10,
		.timeout_ms = 5000,
		.argv0 = argv[0],
	};
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': o->seed = number_arg("seed", optarg); o->seeded = true; break;
		case 'n': o->streams = number_arg("streams", optarg); break;
		case 'S': o->seconds = (double)number_arg("seconds", optarg); break;
		case 'i': o->only = number_arg("stream", optarg); o->single = true; break;
		case 'm': o->max_diffs = number_arg("max-diffs", optarg); break;
		case 't': o->timeout_ms = (int)number_arg("timeout", optarg); break;
		case 'M': o->bin[MEMCACHED] = optarg; break;
		case 'C': o->bin[MCSCOPED] = optarg; break;
		case 'a': o->allowlist = optarg; break;
		case 'h': usage(stdout, argv[0]); exit(0);
		default: usage(stderr, argv[0]); exit(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mcdiff: unexpected argument '%s'\n", argv[optind]);
		usage(stderr, argv[0]);
		exit(2);
	}
	if (!o->seeded && getrandom(&o->seed, sizeof(o->seed), 0) != sizeof(o->seed))
		o->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	/* Seeds stay below 2^53 so that any tool can hold them. */
	o->seed &= (1ULL << 53) - 1;
}

/* Starts both servers; false when one will not. */
static bool start_servers(struct run *r)
{
	static const char *const names[NSERVERS] = { "memcached", "mcscoped" };

	for (int i = 0; i < NSERVERS; i++) {
		r->srv[i] = (struct server){ .name = names[i], .bin = r->opt.bin[i] };
		r->sent = false;
		if (!server_start(&r->srv[i], shared_flags,
				  sizeof(shared_flags) / sizeof(shared_flags[0]))) {
			if (i > 0)
				server_stop(&r->srv[0]);
			return false;
		}
	}
	return true;
}

/* Stops both servers; false unless both exit cleanly. */
static bool stop_servers(struct run *r)
{
	bool ok = true;

	for (int i = 0; i < NSERVERS; i++)
		ok = server_stop(&r->srv[i]) && ok;
	return ok;
}

/* The ports, in server order. */
static void ports_of(const struct run *r, int *ports)
{
	for (int i = 0; i < NSERVERS; i++)
		ports[i] = r->srv[i].port;
}

/* The cas unique in a "VALUE key flags bytes cas" line of reply, or 0. */
static uint64_t cas_in(const struct bytes *reply)
{
	unsigned long long cas = 0;
	struct bytes s = { 0 };

	bytes_add(&s, reply->p, reply->n);
	bytes_addc(&s, '\0');
	for (char *p = s.p; (p = strstr(p, "VALUE ")) != NULL; p++)
		if (sscanf(p, "VALUE %*s %*u %*u %llu", &cas) == 1)
			break;
	bytes_free(&s);
	return cas;
}

/* Asks both servers for their latest cas unique (a set and a gets of a key of its
 * own) and quiets them; false when a server does not answer. */
static bool probe(struct run *r, unsigned long index, uint64_t *cas)
{
	struct bytes stream = { 0 }, replies[NSERVERS] = { 0 };
	int ports[NSERVERS];
	bool ok = true;

	bytes_addf(&stream, "verbosity 0\r\nset p%lu 0 0 1\r\nx\r\ngets p%lu\r\n", index, index);
	ports_of(r, ports);
	wire_tcp(ports, NSERVERS, &stream, replies, r->opt.timeout_ms);
	for (int i = 0; i < NSERVERS; i++) {
		cas[i] = cas_in(&replies[i]);
		if (cas[i] == 0) {
			fprintf(stderr, "mcdiff: %s gave no cas unique to the probe before stream %lu:\n",
				r->srv[i].name, index);
			bytes_print_c(stderr, &replies[i], "  ");
			ok = false;
		}
		bytes_free(&replies[i]);
	}
	bytes_free(&stream);
	return ok;
}

/* Prints how to send the stream by hand. */
static void print_by_hand(const struct bytes *dgrams, size_t n, bool udp)
{
	for (size_t i = 0; i < n; i++) {
		fputs("  ", stdout);
		bytes_print_shell(stdout, &dgrams[i]);
		printf(udp ? " | nc -u -q1 127.0.0.1 11211\n" : " | nc -q1 127.0.0.1 11211\n");
	}
}

/* Prints the command that sends stream index again, to fresh servers. */
static void print_reproduce(const struct run *r, unsigned long index)
{
	const struct options *o = &r->opt;

	printf("reproduce: %s --seed=%" PRIu64 " --stream=%lu --memcached=%s --mcscoped=%s"
	       " --allowlist=%s\n", o->argv0, o->seed, index, o->bin[MEMCACHED], o->bin[MCSCOPED],
	       o->allowlist);
}

/* Prints the reply line where the replies first differ (at: its first byte that
 * differs), from each server. */
static void print_first_difference(const struct run *r, const struct bytes *replies, size_t at)
{
	size_t start = at, line = 1;

	while (start > 0 && replies[0].p[start - 1] != '\n')
		start--;
	for (size_t k = 0; k < start; k++)
		line += replies[0].p[k] == '\n';
	printf("first difference, reply line %zu (byte %zu):\n", line, at);
	for (int i = 0; i < NSERVERS; i++) {
		const char *nl = start < replies[i].n
					 ? memchr(replies[i].p + start, '\n', replies[i].n - start)
					 : NULL;
		struct bytes one = { 0 };

		if (start < replies[i].n)
			bytes_add(&one, replies[i].p + start,
				  nl ? (size_t)(nl - replies[i].p) - start + 1 : replies[i].n - start);
		printf("  %-10s", r->srv[i].name);
		bytes_print_c(stdout, &one, "");
		bytes_free(&one);
	}
}

/* Prints a difference: where it is, how to get it again, what was sent and both replies. */
static void report(const struct run *r, unsigned long index, const char *what,
		   const struct bytes *sent, size_t nsent, bool udp, const struct bytes *replies)
{
	size_t at = 0;

	while (at < replies[0].n && at < replies[1].n && replies[0].p[at] == replies[1].p[at])
		at++;
	printf("\n=== DIFFERENCE: %s, stream %lu (%s) of seed %" PRIu64 "\n", what, index,
	       udp ? "udp" : "tcp", r->opt.seed);
	print_reproduce(r, index);
	printf("servers: %s\n         %s\n", r->srv[MEMCACHED].cmd, r->srv[MCSCOPED].cmd);
	printf("sent (%s), by hand to a server on port 11211:\n",
	       udp ? "one datagram a line" : "one TCP connection");
	print_by_hand(sent, nsent, udp);
	printf("sent:\n");
	for (size_t i = 0; i < nsent; i++) {
		if (udp)
			printf("  [datagram %zu]\n", i);
		bytes_print_c(stdout, &sent[i], "    ");
	}
	for (int i = 0; i < NSERVERS; i++) {
		printf("%s replied:\n", r->srv[i].name);
		bytes_print_c(stdout, &replies[i], "    ");
	}
	print_first_difference(r, replies, at);
	fflush(stdout);
}

/* Sends stream index to both servers and compares the replies; false when they
 * differ. *restart says whether a server died or may still wait for a value. */
static bool run_stream(struct run *r, unsigned long index, const uint64_t *cas, bool *restart)
{
	struct bytes sent[GEN_DGRAMS_MAX] = { 0 }, replies[NSERVERS] = { 0 };
	bool udp = gen_is_udp(r->opt.seed, index);
	bool same = true;
	size_t nsent = 1;
	int ports[NSERVERS];
	struct gen g;

	gen_init(&g, r->opt.seed, index, cas[MEMCACHED], &r->allow);
	ports_of(r, ports);
	if (udp) {
		nsent = gen_udp_stream(&g, sent, GEN_DGRAMS_MAX);
		*restart = wire_udp(ports, NSERVERS, sent, nsent, replies,
				    r->opt.timeout_ms < UDP_QUIET_MS ? r->opt.timeout_ms
								     : UDP_QUIET_MS) > 0;
	} else {
		*restart = false;
		gen_tcp_stream(&g, &sent[0]);
		wire_tcp(ports, NSERVERS, &sent[0], replies, r->opt.timeout_ms);
	}
	for (int i = 0; i < NSERVERS; i++)
		allow_normalise(&r->allow, &replies[i]);
	if (replies[0].n != replies[1].n ||
	    (replies[0].n > 0 && memcmp(replies[0].p, replies[1].p, replies[0].n) != 0)) {
		report(r, index, "the replies differ", sent, nsent, udp, replies);
		same = false;
	}
	/* A server that died on the stream is the worst difference of all. */
	for (int i = 0; i < NSERVERS; i++) {
		if (!server_alive(&r->srv[i])) {
			if (same)
				report(r, index, "a server died", sent, nsent, udp, replies);
			same = false;
			*restart = true;
		}
	}
	r->streams++;
	r->udp_streams += udp;
	r->sent = true;
	r->last = index;
	for (size_t i = 0; i < GEN_DGRAMS_MAX; i++)
		bytes_free(&sent[i]);
	for (int i = 0; i < NSERVERS; i++)
		bytes_free(&replies[i]);
	return same;
}

/* Fresh servers in place of the old; false when they will not start. */
static bool restart_servers(struct run *r)
{
	r->diffs += !stop_servers(r);
	return start_servers(r);
}

/* Asks both servers for their latest cas unique (into cas, probe key index):
 * apart, the last stream moved them apart, and fresh servers keep the streams
 * after it comparable. False when a server does not answer or start. */
static bool check_cas(struct run *r, unsigned long index, uint64_t *cas)
{
	if (!probe(r, index, cas))
		return false;
	if (cas[MEMCACHED] == cas[MCSCOPED])
		return true;
	r->diffs++;
	if (!r->sent) {
		printf("\n=== DIFFERENCE: fresh servers hand out different cas uniques: "
		       "memcached's %" PRIu64 ", mcscoped's %" PRIu64 "\n", cas[MEMCACHED],
		       cas[MCSCOPED]);
		return true;
	}
	printf("\n=== DIFFERENCE: cas uniques apart after stream %lu of seed %" PRIu64
	       ": memcached's latest %" PRIu64 ", mcscoped's %" PRIu64 "\n", r->last, r->opt.seed,
	       cas[MEMCACHED], cas[MCSCOPED]);
	print_reproduce(r, r->last);
	fflush(stdout);
	return restart_servers(r) && probe(r, index, cas);
}

/* Seconds since start. */
static double elapsed(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Runs the streams; returns the exit status. */
static int run_all(struct run *r)
{
	const struct options *o = &r->opt;
	unsigned long first = o->single ? o->only : 0;
	unsigned long last = o->single ? o->only : o->seconds > 0 ? ~0UL : o->streams - 1;
	struct timespec start;
	uint64_t cas[NSERVERS];
	unsigned long i;
	bool stopped_ok;

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (!start_servers(r))
		return 2;
	printf("mcdiff: seed %" PRIu64 "\n  %s\n  %s\n", o->seed, r->srv[MEMCACHED].cmd,
	       r->srv[MCSCOPED].cmd);
	fflush(stdout);
	for (i = first; i <= last; i++) {
		bool restart;

		if (o->seconds > 0 && elapsed(&start) >= o->seconds)
			break;
		if (!o->single && o->streams == 0)
			break;
		if (i > first && (i - first) % STREAMS_PER_START == 0 && !restart_servers(r))
			return 2;
		if (!check_cas(r, i, cas))
			return stop_servers(r), 2;
		if (!run_stream(r, i, cas, &restart))
			r->diffs++;
		if (restart && i < last && !restart_servers(r))
			return 2;
		if (r->diffs >= o->max_diffs && o->max_diffs > 0) {
			printf("mcdiff: stopping after %lu differences (--max-diffs)\n", r->diffs);
			break;
		}
	}
	/* The last stream may have moved the cas uniques apart too. */
	if (r->sent && !check_cas(r, i, cas))
		return stop_servers(r), 2;
	/* mcscoped must also stop cleanly: a sanitizer's report comes out then. */
	stopped_ok = stop_servers(r);
	r->diffs += !stopped_ok;
	printf("mcdiff: seed %" PRIu64 ": %lu streams (%lu tcp, %lu udp) in %.1f s, %lu differ\n",
	       o->seed, r->streams, r->streams - r->udp_streams, r->udp_streams, elapsed(&start),
	       r->diffs);
	return r->diffs ? 1 : 0;
}

/* Reads the options and the allowlist, then runs the streams. */
int main(int argc, char **argv)
{
	static struct run r;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	parse_options(&r.opt, argc, argv);
	if (!allow_load(&r.allow, r.opt.allowlist))
		return 2;
	rc = run_all(&r);
	allow_free(&r.allow);
	return rc;
}
