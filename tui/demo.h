/*
 * demo.h: mcscope demo's processes: a private mcscoped (a free port, its
 * trace socket in a fresh private directory) and a paced workload against
 * it, both in process groups of their own so that the terminal's signals
 * reach only mcscope, which stops them in order. Each child also dies with
 * mcscope (PR_SET_PDEATHSIG), so not even a SIGKILL leaves one behind.
 * The workload is the load library's (load_main), run in its child.
 */
#ifndef MCSCOPE_TUI_DEMO_H
#define MCSCOPE_TUI_DEMO_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "load.h"

struct demo {
	char dir[PATH_MAX];         /* private directory: trace socket and logs; "" when none */
	char socket_path[PATH_MAX]; /* the server's trace socket */
	char server_log[PATH_MAX];  /* the server's stderr */
	char load_log[PATH_MAX];    /* the workload's stderr */
	pid_t server, load;         /* 0 when not running */
	int tcp_port;
	int udp_port;               /* 0: the server listens on no UDP port */
	/* Run in the server's child just before exec (a ThreadSanitizer build's environment); NULL: none. */
	void (*server_setup)(const char *arg);
	const char *server_setup_arg;
};

/* The file in a private directory that holds its mcscope's pid. */
#define DEMO_OWNER_FILE "owner"

/*
 * Removes the private directories in base (XDG_RUNTIME_DIR's, TMPDIR's or
 * /tmp) that earlier runs left behind when they were killed: only this
 * user's, and only those whose owner file names a process that is gone.
 * Every start does it first.
 */
void demo_sweep(const char *base);

/* Sets d up empty (nothing started). */
void demo_init(struct demo *d);

/*
 * Finds the mcscoped to run: path when given, else $MCSCOPED, else the one
 * built or installed next to this program, else "mcscoped" on $PATH.
 * Writes it to out (n bytes); -1 with a message when it does not fit.
 */
int demo_find_server(const char *path, char *out, size_t n);

/* The most flags demo_start_server passes on. */
#define DEMO_FLAGS_MAX 32

/*
 * Makes the private directory and starts server with flags (NULL-ended,
 * e.g. { "-t", "4", NULL }), waiting
 * until it accepts; -1 with a message (and the server's own words) on
 * failure, or without one when a stop signal came first (stop.h).
 */
int demo_start_server(struct demo *d, const char *server, char *const flags[]);

/* Starts the workload o against the server (o's port is filled in); -1 with a message. */
int demo_start_load(struct demo *d, struct load_opts *o);

/* Stops the workload alone (the server runs on); nothing when none runs. */
void demo_stop_load(struct demo *d);

/* Stops the workload, then the server, and removes the private directory. */
void demo_stop(struct demo *d);

/*
 * A UDP port on 127.0.0.1 that nothing uses now, for a server's -U (the
 * server can only be given a port: -U 0 means no UDP); -1 with a message.
 */
int demo_free_udp_port(void);

#endif
