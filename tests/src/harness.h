/*
 * harness.h: runs build/src/mcscoped as a child process for integration
 * tests and talks to it over real sockets.
 *
 * The server is started on a free port with --ready-fd, so a test waits
 * for the server's own "accepting" line instead of sleeping. Every read
 * has a generous deadline so that a broken server fails a test instead of
 * hanging it.
 */
#ifndef MCSCOPE_TEST_HARNESS_H
#define MCSCOPE_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* How long any single wait may take before the test fails. */
#define HARNESS_DEADLINE_MS 15000

struct server_proc {
	pid_t pid;
	int tcp_port;
	int udp_port;
	int stderr_fd; /* the server's stderr, an unlinked temp file */
};

/* Starts mcscoped with -p 0 and the extra arguments (NULL-terminated); false with a message on failure. */
bool harness_start(struct server_proc *p, const char *const *args);

/* Sends SIGTERM and waits; returns the exit status, or -1 when it died by a signal. stderr stays readable. */
int harness_stop(struct server_proc *p);

/* Sends sig and waits, as harness_stop does with SIGTERM. */
int harness_stop_with(struct server_proc *p, int sig);

/* Returns everything the server wrote on stderr so far (malloc'd). */
char *harness_stderr(struct server_proc *p);

/* Runs mcscoped with args to completion; returns its exit status and its stderr in *err (malloc'd). */
int harness_run(const char *const *args, char **err);

/* Opens a TCP connection to 127.0.0.1:port; -1 on failure. */
int harness_connect(int port);

/* Writes all of s. */
bool harness_send(int fd, const char *s, size_t n);

/* Reads until the data read ends with terminator; returns it nul-terminated (malloc'd), NULL on EOF or deadline. */
char *harness_read_until(int fd, const char *terminator);

/* Reads exactly n bytes; returns them nul-terminated (malloc'd), NULL on EOF or deadline. */
char *harness_read_exact(int fd, size_t n);

/* Sends a command and reads its reply up to terminator. */
char *harness_cmd(int fd, const char *cmd, const char *terminator);

/* Returns a stat's value from "stats <group>" over fd, or -1 when it's missing. */
long long harness_stat(int fd, const char *group, const char *name);

/* Asks "stats <group>" over fd until name is within [min, max]; returns its last value (-1: missing). */
long long harness_await_stat(int fd, const char *group, const char *name, long long min, long long max);

/* Returns the server's resident memory (VmRSS) in kB, -1 when it cannot be read. */
long harness_rss_kb(const struct server_proc *p);

/* True when the server runs with a sanitizer whose allocator takes the place of malloc's (ASan, TSan). */
bool harness_server_sanitized(const struct server_proc *p);

/* True when fd is closed by the peer (EOF) before the deadline. */
bool harness_wait_eof(int fd);

/* Reads a stream line by line. */
struct line_reader {
	int fd;
	size_t len;
	char buf[1 << 16];
};

/* Opens a Unix stream socket to path; -1 on failure. */
int harness_unix_connect(const char *path);

/* Returns the next line without its newline (malloc'd), NULL on EOF or deadline. */
char *harness_read_line(struct line_reader *lr);

/* Returns the value of key in an event line (malloc'd), NULL when absent. */
char *harness_line_value(const char *line, const char *key);

/* Returns the local port of a connected socket. */
int harness_local_port(int fd);

/* Returns a UDP port that was free a moment ago. */
int harness_free_udp_port(void);

#endif
