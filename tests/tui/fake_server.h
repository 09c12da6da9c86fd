/*
 * fake_server.h: a stand-in for mcscoped's trace socket, written from
 * src/PROTOCOL.md, so that mcscope's events, ctl and record can be tested
 * against the protocol before (and apart from) the real server. It runs in
 * a thread of the test: it accepts one client at a time, sends a scripted
 * greeting, answers commands, and can stream events or hang up.
 */
#ifndef MCSCOPE_TESTS_FAKE_SERVER_H
#define MCSCOPE_TESTS_FAKE_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct fake_server {
	/* Set before fake_server_start. */
	const char *greeting;       /* sent on connect (hello, snapshot, events) */
	bool hang_up;               /* close right after the greeting */
	bool stream;                /* then send event lines until the client goes */
	const char *before_answer;  /* lines sent before each answer (events the client must skip) */
	bool refuse_all;            /* answer every command with an error */
	int close_after;            /* close after answering this many commands (0: never) */

	/* Filled in by fake_server_start. */
	char dir[64];               /* a private directory, removed by fake_server_stop */
	char path[128];             /* the socket */
	int lfd;
	pthread_t thread;
	atomic_bool stop;
	pthread_mutex_t lock;
	char commands[8192];        /* every command line received, each ending in '\n' */
	int clients;
	uint64_t streamed;          /* event lines sent in stream mode */
};

/*
 * Listens at path, or at <a new temp dir>/test.sock when path is NULL; a
 * path under s->dir may be given by calling fake_server_dir first. False
 * with a message on failure.
 */
bool fake_server_start(struct fake_server *s, const char *path);

/* Makes s->dir (for a socket path inside it, e.g. an XDG_RUNTIME_DIR); false on failure. */
bool fake_server_dir(struct fake_server *s);

/* Stops the thread, closes everything, removes the socket and the directory. */
void fake_server_stop(struct fake_server *s);

/* Returns a copy of the commands received so far (malloc'd). */
char *fake_server_commands(struct fake_server *s);

/* Returns how many clients have connected so far. */
int fake_server_clients(struct fake_server *s);

#endif
