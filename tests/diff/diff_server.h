#ifndef DIFF_SERVER_H
#define DIFF_SERVER_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* One server under test, started by us on free TCP and UDP ports. */
struct server {
	const char *name;       /* the side it plays: "memcached" or "mcscoped" */
	const char *bin;
	bool memcached;         /* it is memcached: its own readiness and flags */
	pid_t pid;
	int pidfd;
	int port;               /* TCP and UDP */
	char dir[64];           /* private directory: log, readiness fifo */
	char cmd[1024];         /* the command line, for reproducers */
};

/* Starts s with the shared flags; false with a message when it will not start. */
bool server_start(struct server *s, const char *const *flags, size_t nflags);
/* True while s runs; else prints how it ended and the end of its log. */
bool server_alive(struct server *s);
/* Stops s; false with a message unless mcscoped exits 0 on SIGTERM. */
bool server_stop(struct server *s);
/* Prints the end of s's output. */
void server_show_log(const struct server *s, FILE *f);

#endif
