#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dispatch_custom.h"
#include "settings.h"

struct settings settings;

/* Fills in memcached's defaults. */
void settings_init(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	s->port = 11211;
	s->udpport = 0;
	s->inter = NULL;
	s->num_threads = 4;
	s->maxconns = 1024;
	s->reqs_per_event = 20;
	s->backlog = 1024;
	s->maxbytes = (size_t)64 * 1024 * 1024;
	s->item_size_max = 1024 * 1024;
	s->dispatch = DISPATCH_RR;
	s->seed = 0;
	s->ready_fd = -1;
	s->trace_clients_max = 64;
	s->trace_buffer = (size_t)4 * 1024 * 1024;
	s->trace_release = (size_t)16 * 1024 * 1024;
}

/* Frees the listen address copy. */
void settings_destroy(struct settings *s)
{
	free(s->inter);
	free(s->trace_socket);
	s->inter = NULL;
	s->trace_socket = NULL;
}

/* Parses a whole decimal number in [min, max]; false when it is not one. */
static bool parse_range(const char *arg, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Parses a size with an optional k or m suffix (memcached's -I); false when it is not one. */
static bool parse_size(const char *arg, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (arg[0] < '0' || arg[0] > '9')
		return false;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno != 0 || end == arg)
		return false;
	if (*end == 'k' || *end == 'K') {
		v *= 1024;
		end++;
	} else if (*end == 'm' || *end == 'M') {
		v *= 1024 * 1024;
		end++;
	}
	if (*end != '\0')
		return false;
	*out = v;
	return true;
}

/* The long options that take a value, by code (getopt_long's val for the long form). */
enum {
	OPT_DISPATCH = 256, OPT_SEED, OPT_READY_FD, OPT_TRACE_SOCKET, OPT_NO_TRACE, OPT_PAUSED,
	OPT_TRACE_CLIENTS, OPT_TRACE_BUFFER, OPT_IDLE_TIMEOUT, OPT_TRACE_RELEASE,
};

/* memcached's -o options mcscoped knows: each is the long option opt by another name, so that
 * -o idle_timeout=N and --idle-timeout=N are parsed by the same code. */
static const struct {
	const char *name;
	int opt;
	const char *help;
} ext_opts[] = {
	{ "idle_timeout", OPT_IDLE_TIMEOUT, "=N, as --idle-timeout=N" },
};

/* Prints the usage text. */
static void usage(FILE *out)
{
	fprintf(out,
		"Usage: mcscoped [options]\n"
		"A memcached-style server that shows its half-sync/half-async threading model.\n"
		"\n"
		"  -p, --port=PORT            TCP port to listen on (default 11211; 0 picks a free one)\n"
		"  -U, --udp-port=PORT        UDP port to listen on (default 0, off)\n"
		"  -l, --listen=ADDR          address to listen on (default 127.0.0.1)\n"
		"  -t, --threads=N            worker threads, 1-256 (default 4)\n"
		"  -c, --conn-limit=N         client connections open at once, 1-1048576 (default 1024)\n"
		"  -R, --max-reqs-per-event=N requests a connection serves before yielding, 1-1000000\n"
		"                             (default 20)\n"
		"  -b, --listen-backlog=N     listen backlog, 1-65535 (default 1024)\n"
		"  -m, --memory-limit=MB      item memory in megabytes, 1-1048576 (default 64)\n"
		"  -I, --max-item-size=SIZE   largest value, 1k-1024m, k/m suffixes (default 1m)\n"
		"  -v, --verbose              -v errors, -vv commands, -vvv state changes\n"
		"  -o, --extended=OPT[,OPT]   memcached's extended options, each OPT name=value; the ones\n"
		"                             mcscoped knows:\n");
	for (size_t i = 0; i < sizeof(ext_opts) / sizeof(ext_opts[0]); i++)
		fprintf(out, "                             %-13s %s\n", ext_opts[i].name, ext_opts[i].help);
	fprintf(out,
		"      --idle-timeout=N       close a connection idle (between commands) longer than N\n"
		"                             seconds, 0-2592000 (default 0, never): a timeout thread\n"
		"                             kicks it through its worker's notify pipe\n"
		"      --dispatch=POLICY      how the main thread picks a worker (default rr):\n");
	for (int i = 0; i < DISPATCH_MAX; i++)
		fprintf(out, "                             %-7s %s\n", wire_policy_name((enum dispatch_policy)i),
			wire_policy_text((enum dispatch_policy)i));
	fprintf(out,
		"      --seed=N               seed for --dispatch=random (default: from the clock)\n"
		"      --ready-fd=FD          when accepting, write \"tcp=PORT udp=PORT\" to FD and close it\n"
		"      --trace-socket=PATH    the trace and control socket (default\n"
		"                             $XDG_RUNTIME_DIR/mcscope/PORT.sock, else /tmp/mcscope-UID/PORT.sock)\n"
		"      --no-trace             no trace socket\n"
		"      --paused               start with every thread stopped, waiting for a controller\n"
		"      --trace-clients=N      trace clients connected at once, 1-4096 (default 64); one more\n"
		"                             is told \"error too many trace clients\" and let go\n"
		"      --trace-buffer=SIZE    bytes buffered per trace client, 64k-1024m (default 4m); a\n"
		"                             client that reads slower loses events (dropped), not memory\n"
		"      --trace-release=SIZE   once trace clients that left had held this much between them\n"
		"                             (and when the last one leaves), free memory goes back to the\n"
		"                             system, 0-1024m (default 16m; 0: after each one)\n"
		"  -h, --help                 print this help and exit\n"
		"  -V, --version              print the version and exit\n");
}

/* Reports a bad flag value with its allowed range. */
static int bad_value(const char *flag, const char *arg, const char *allowed)
{
	fprintf(stderr, "mcscoped: %s: invalid value '%s' (allowed: %s)\n", flag, arg, allowed);
	return -1;
}

/* Parses the value of an option that -o names too (flag is how the user spelled it); -1 with a
 * message when it is bad. */
static int parse_shared(struct settings *s, int opt, const char *flag, const char *arg)
{
	long long v;

	switch (opt) {
	case OPT_IDLE_TIMEOUT:
		if (!parse_range(arg, 0, SETTINGS_MAX_IDLE_TIMEOUT, &v))
			return bad_value(flag, arg, "0-2592000 (seconds, 0 = never)");
		s->idle_timeout = (int)v;
		return 0;
	}
	fprintf(stderr, "mcscoped: %s: not an option -o knows\n", flag);
	return -1;
}

/* Parses -o's comma-separated name=value list (memcached's extended options). */
static int parse_extended(struct settings *s, const char *list)
{
	char *copy = strdup(list), *next, flag[64];
	int rc = 0;

	if (copy == NULL) {
		fprintf(stderr, "mcscoped: out of memory\n");
		return -1;
	}
	for (char *item = copy; rc == 0 && item != NULL; item = next) {
		size_t i = 0, n = sizeof(ext_opts) / sizeof(ext_opts[0]);
		char *eq;

		next = strchr(item, ',');
		if (next != NULL)
			*next++ = '\0';
		if ((eq = strchr(item, '=')) != NULL)
			*eq = '\0';
		if (item[0] == '\0') {
			rc = bad_value("-o", list, "name=value[,name=value...]");
			break;
		}
		while (i < n && strcmp(ext_opts[i].name, item) != 0)
			i++;
		if (i == n) {
			fprintf(stderr, "mcscoped: -o: unknown option '%s' (known:", item);
			for (i = 0; i < n; i++)
				fprintf(stderr, " %s", ext_opts[i].name);
			fprintf(stderr, ")\n");
			rc = -1;
		} else if (eq == NULL) {
			fprintf(stderr, "mcscoped: -o %s needs a value (%s=N)\n", item, item);
			rc = -1;
		} else {
			snprintf(flag, sizeof(flag), "-o %s", item);
			rc = parse_shared(s, ext_opts[i].opt, flag, eq + 1);
		}
	}
	free(copy);
	return rc;
}

/* Parses argv. */
int settings_parse(struct settings *s, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "udp-port", required_argument, NULL, 'U' },
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "conn-limit", required_argument, NULL, 'c' },
		{ "max-reqs-per-event", required_argument, NULL, 'R' },
		{ "listen-backlog", required_argument, NULL, 'b' },
		{ "memory-limit", required_argument, NULL, 'm' },
		{ "max-item-size", required_argument, NULL, 'I' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "extended", required_argument, NULL, 'o' },
		{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
		{ "dispatch", required_argument, NULL, OPT_DISPATCH },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "ready-fd", required_argument, NULL, OPT_READY_FD },
		{ "trace-socket", required_argument, NULL, OPT_TRACE_SOCKET },
		{ "no-trace", no_argument, NULL, OPT_NO_TRACE },
		{ "paused", no_argument, NULL, OPT_PAUSED },
		{ "trace-clients", required_argument, NULL, OPT_TRACE_CLIENTS },
		{ "trace-buffer", required_argument, NULL, OPT_TRACE_BUFFER },
		{ "trace-release", required_argument, NULL, OPT_TRACE_RELEASE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool seeded = false;
	char list[64];
	long long v;
	unsigned long long size;
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":p:U:l:t:c:R:b:m:I:o:vhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (!parse_range(optarg, 0, 65535, &v))
				return bad_value("-p/--port", optarg, "0-65535");
			s->port = (int)v;
			break;
		case 'U':
			if (!parse_range(optarg, 0, 65535, &v))
				return bad_value("-U/--udp-port", optarg, "0-65535");
			s->udpport = (int)v;
			break;
		case 'l':
			if (optarg[0] == '\0')
				return bad_value("-l/--listen", optarg, "an IPv4 or IPv6 address");
			free(s->inter);
			s->inter = strdup(optarg);
			break;
		case 't':
			if (!parse_range(optarg, 1, SETTINGS_MAX_THREADS, &v))
				return bad_value("-t/--threads", optarg, "1-256");
			s->num_threads = (int)v;
			break;
		case 'c':
			if (!parse_range(optarg, 1, WIRE_MAXCONNS_MAX, &v))
				return bad_value("-c/--conn-limit", optarg, "1-1048576");
			s->maxconns = (int)v;
			break;
		case 'R':
			if (!parse_range(optarg, 1, WIRE_REQS_PER_EVENT_MAX, &v))
				return bad_value("-R/--max-reqs-per-event", optarg, "1-1000000");
			s->reqs_per_event = (int)v;
			break;
		case 'b':
			if (!parse_range(optarg, 1, 65535, &v))
				return bad_value("-b/--listen-backlog", optarg, "1-65535");
			s->backlog = (int)v;
			break;
		case 'm':
			if (!parse_range(optarg, 1, 1048576, &v))
				return bad_value("-m/--memory-limit", optarg, "1-1048576 (megabytes)");
			s->maxbytes = (size_t)v * 1024 * 1024;
			break;
		case 'I':
			if (!parse_size(optarg, &size) || size < 1024 || size > 1024ULL * 1024 * 1024)
				return bad_value("-I/--max-item-size", optarg, "1k-1024m");
			s->item_size_max = (size_t)size;
			break;
		case 'v':
			s->verbose++;
			break;
		case 'o':
			if (parse_extended(s, optarg) != 0)
				return -1;
			break;
		case OPT_IDLE_TIMEOUT:
			if (parse_shared(s, opt, "--idle-timeout", optarg) != 0)
				return -1;
			break;
		case OPT_DISPATCH:
			if ((v = wire_policy_from_name(optarg, strlen(optarg))) < 0)
				return bad_value("--dispatch", optarg,
						 wire_policy_list(list, sizeof(list), ", "));
			if (v == DISPATCH_CUSTOM && !dispatch_custom_present()) {
				fprintf(stderr, "mcscoped: --dispatch=custom: this mcscoped has no custom policy; "
					"a lab build plugs one in (mcscope lab check, labs of kind code); "
					"here: %s\n", wire_policy_builtin_list(list, sizeof(list), ", "));
				return -1;
			}
			s->dispatch = (enum dispatch_policy)v;
			break;
		case OPT_SEED:
			if (!parse_range(optarg, 0, LLONG_MAX, &v))
				return bad_value("--seed", optarg, "0-9223372036854775807");
			s->seed = (uint64_t)v;
			seeded = true;
			break;
		case OPT_READY_FD:
			if (!parse_range(optarg, 0, INT_MAX, &v))
				return bad_value("--ready-fd", optarg, "an open file descriptor");
			s->ready_fd = (int)v;
			break;
		case OPT_TRACE_SOCKET:
			/* sun_path holds 108 bytes, the nul included. */
			if (optarg[0] == '\0' || strlen(optarg) > 107)
				return bad_value("--trace-socket", optarg, "a path of 1-107 bytes");
			free(s->trace_socket);
			s->trace_socket = strdup(optarg);
			break;
		case OPT_NO_TRACE:
			s->no_trace = true;
			break;
		case OPT_PAUSED:
			s->paused = true;
			break;
		case OPT_TRACE_CLIENTS:
			if (!parse_range(optarg, 1, 4096, &v))
				return bad_value("--trace-clients", optarg, "1-4096");
			s->trace_clients_max = (int)v;
			break;
		case OPT_TRACE_BUFFER:
			if (!parse_size(optarg, &size) || size < 64 * 1024 || size > 1024ULL * 1024 * 1024)
				return bad_value("--trace-buffer", optarg, "64k-1024m");
			s->trace_buffer = (size_t)size;
			break;
		case OPT_TRACE_RELEASE:
			if (!parse_size(optarg, &size) || size > 1024ULL * 1024 * 1024)
				return bad_value("--trace-release", optarg, "0-1024m");
			s->trace_release = (size_t)size;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf("mcscoped %s\n", MCSCOPE_VERSION);
			return 1;
		case ':':
			fprintf(stderr, "mcscoped: %s needs a value (see --help)\n", argv[optind - 1]);
			return -1;
		default:
			if (optopt != 0)
				fprintf(stderr, "mcscoped: unknown option '-%c' (see --help)\n", optopt);
			else
				fprintf(stderr, "mcscoped: unknown option '%s' (see --help)\n", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mcscoped: unexpected argument '%s' (see --help)\n", argv[optind]);
		return -1;
	}
	if (s->item_size_max > s->maxbytes) {
		fprintf(stderr, "mcscoped: -I/--max-item-size (%zu bytes) is larger than -m/--memory-limit (%zu bytes)\n",
			s->item_size_max, s->maxbytes);
		return -1;
	}
	if (s->inter == NULL)
		s->inter = strdup("127.0.0.1");
	if (!seeded)
		s->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	return 0;
}
