/* settings.h: the server's command-line settings. */
#ifndef MCSCOPE_SETTINGS_H
#define MCSCOPE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* The longest -o idle_timeout, in seconds: 30 days. */
#define SETTINGS_MAX_IDLE_TIMEOUT WIRE_IDLE_TIMEOUT_MAX

/* The most worker threads -t allows. */
#define SETTINGS_MAX_THREADS WIRE_THREADS_MAX

struct settings {
	int port;              /* -p, TCP; 0 picks a free port */
	int udpport;           /* -U, 0 = off */
	char *inter;           /* -l, listen address */
	int num_threads;       /* -t */
	int maxconns;          /* -c, client connections open at once */
	int reqs_per_event;    /* -R */
	int backlog;           /* -b */
	size_t maxbytes;       /* -m, in bytes */
	size_t item_size_max;  /* -I, in bytes */
	int verbose;           /* -v count */
	enum dispatch_policy dispatch; /* --dispatch */
	uint64_t seed;         /* --seed, for --dispatch=random */
	int ready_fd;          /* --ready-fd, -1 = none */
	char *trace_socket;    /* --trace-socket, NULL = the default path */
	bool no_trace;         /* --no-trace */
	bool paused;           /* --paused: start with every gate closed */
	int trace_clients_max; /* --trace-clients: trace clients connected at once */
	size_t trace_buffer;   /* --trace-buffer: bytes buffered per trace client before it loses events */
	size_t trace_release;  /* --trace-release: bytes departed trace clients held before free memory goes back */
	int idle_timeout;      /* -o idle_timeout, --idle-timeout: seconds a conn may sit idle, 0 = forever */
};

/* Fills in memcached's defaults. */
void settings_init(struct settings *s);

/* Parses argv; returns 0 to run, 1 when --help/--version was printed, -1 on a bad flag (message printed). */
int settings_parse(struct settings *s, int argc, char **argv);

/* Frees what settings_parse allocated. */
void settings_destroy(struct settings *s);

/* The settings of the running server. */
extern struct settings settings;

#endif
