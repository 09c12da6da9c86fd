/*
 * client.h: the reading end of mcscoped's trace socket (src/PROTOCOL.md).
 *
 * A client finds the socket the way the server names it, connects, and
 * then reads the stream a line or a block of lines at a time from its own
 * buffer, so that a fast stream costs one read(2) per buffer, not per line.
 * A wait can be made to end when a stop is asked for (client_set_stop_fd,
 * with stop.h's pipe), or when chosen signals come (client_set_wait_mask),
 * without the race between checking a flag and blocking in read(2).
 */
#ifndef MCSCOPE_TUI_CLIENT_H
#define MCSCOPE_TUI_CLIENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

/* The server's default TCP port, which names the default socket. */
#define CLIENT_DEFAULT_PORT 11211

/* Bytes buffered per client; a line longer than this is cut (see client_read_line). */
#define CLIENT_BUF_SIZE (64 * 1024)

/* The longest control command line, without its newline (PROTOCOL.md). */
#define CLIENT_CMD_MAX 4096

struct client {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const sigset_t *wait_mask;  /* signals let through while waiting, or NULL */
	int stop_fd;                /* a wait ends when this turns readable; -1: none */
	size_t start, end;          /* unread bytes are buf[start, end) */
	size_t scanned;             /* buf[start, scanned) holds no newline */
	bool skipping;              /* inside an overlong line's tail, dropping it */
	uint64_t cut_lines;         /* overlong lines returned cut */
	char buf[CLIENT_BUF_SIZE];
};

/*
 * Writes the socket path to out (size n): socket when not NULL, else the
 * server's default for port: $XDG_RUNTIME_DIR/mcscope/<port>.sock when
 * XDG_RUNTIME_DIR is an absolute path, else /tmp/mcscope-<uid>/<port>.sock
 * (the rule mcscoped follows).
 * Returns 0, or -1 with a message when the path does not fit a Unix socket
 * address.
 */
int client_socket_path(char *out, size_t n, const char *socket, int port);

/* Prepares c (no socket yet). */
void client_init(struct client *c);

/* Reads from fd (already open, e.g. standard input; named name in messages) instead of a socket. */
void client_attach(struct client *c, int fd, const char *name);

/* Connects to the socket at path; -1 with a message naming the path on failure. */
int client_connect(struct client *c, const char *path);

/*
 * From now on waits for data only while the signals outside mask may be
 * delivered (ppoll), and returns -1 with errno EINTR when one was. The
 * caller blocks those signals everywhere else, so one that arrives
 * between its check of a flag and the wait is not lost. NULL: plain read.
 */
void client_set_wait_mask(struct client *c, const sigset_t *mask);

/*
 * From now on a wait for data also ends when fd turns readable (stop.h's
 * stop_fd()): the read returns -1 with errno EINTR, and keeps doing so
 * while fd stays readable, even when data is there. -1: no such fd.
 */
void client_set_stop_fd(struct client *c, int fd);

/*
 * Returns the next line in *line and *len, without its newline, pointing into
 * c's buffer (valid until the next read). A line longer than the buffer is
 * returned cut to CLIENT_BUF_SIZE bytes and the rest of it is dropped.
 * Returns 1 for a line, 0 at end of stream (a last line without a newline
 * is returned first), -1 on error (errno EINTR: a signal, see above).
 */
int client_read_line(struct client *c, const char **line, size_t *len);

/*
 * Returns every complete line now buffered as one block, newlines
 * included, reading when there is none; a buffer full of one line is
 * returned as it is. Same return values as client_read_line; a last
 * partial line at end of stream is returned as it is.
 */
int client_read_block(struct client *c, const char **data, size_t *len);

/* True when a whole line is buffered, so the next client_read_line will not wait. */
bool client_line_ready(struct client *c);

/* Sends cmd (no newline) as one command line; -1 with a message on failure. */
int client_send(struct client *c, const char *cmd);

/*
 * Sends cmd and reads lines until its answer, handing every other line to
 * on_line (when not NULL; else they are skipped). The answer line is left
 * in *answer and *len (pointing into c's buffer). Returns 0 for ok, 1 for an
 * error answer, -1 with a message when the stream failed or ended first
 * (errno EINTR when a signal came, with no message).
 */
int client_command(struct client *c, const char *cmd, const char **answer, size_t *len,
		   void (*on_line)(void *arg, const char *line, size_t len), void *arg);

/* Closes the socket. */
void client_close(struct client *c);

#endif
