#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "diag.h"
#include "event.h"

/* Writes the socket path. */
int client_socket_path(char *out, size_t n, const char *socket, int port)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	size_t max = n < sizeof(((struct sockaddr_un *)0)->sun_path)
			     ? n : sizeof(((struct sockaddr_un *)0)->sun_path);
	int len;

	if (socket != NULL)
		len = snprintf(out, n, "%s", socket);
	else if (xdg != NULL && xdg[0] == '/') /* the XDG spec: a relative value is to be ignored */
		len = snprintf(out, n, "%s/mcscope/%d.sock", xdg, port);
	else
		len = snprintf(out, n, "/tmp/mcscope-%u/%d.sock", (unsigned)getuid(), port);
	if (len < 0 || (size_t)len >= max) {
		diag_error("socket path too long (a Unix socket path has at most %zu bytes)",
			   max - 1);
		return -1;
	}
	if (len == 0) {
		diag_error("empty socket path");
		return -1;
	}
	return 0;
}

/* Prepares c. */
void client_init(struct client *c)
{
	c->fd = -1;
	c->path[0] = '\0';
	c->wait_mask = NULL;
	c->stop_fd = -1;
	c->start = c->end = c->scanned = 0;
	c->skipping = false;
	c->cut_lines = 0;
}

/* Reads from an open fd. */
void client_attach(struct client *c, int fd, const char *name)
{
	c->fd = fd;
	snprintf(c->path, sizeof(c->path), "%s", name);
	c->start = c->end = c->scanned = 0;
	c->skipping = false;
}

/* Connects. */
int client_connect(struct client *c, const char *path)
{
	struct sockaddr_un sa;
	size_t n = strlen(path);
	int fd;

	if (n == 0 || n >= sizeof(sa.sun_path)) {
		diag_error("bad socket path '%s'", path);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, n + 1);
	memcpy(c->path, path, n + 1);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		diag_error("socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int err = errno;
		const char *hint = "";

		if (err == ENOENT)
			hint = " (is mcscoped running, on that port, with its trace socket on?)";
		else if (err == ECONNREFUSED)
			hint = " (a socket file is there but no server answers on it)";
		diag_error("cannot connect to %s: %s%s", path, strerror(err), hint);
		close(fd);
		return -1;
	}
	c->fd = fd;
	c->start = c->end = c->scanned = 0;
	c->skipping = false;
	return 0;
}

/* Sets the signals a wait lets through. */
void client_set_wait_mask(struct client *c, const sigset_t *mask)
{
	c->wait_mask = mask;
}

/* Sets the fd that ends a wait. */
void client_set_stop_fd(struct client *c, int fd)
{
	c->stop_fd = fd;
}

/* Waits until the socket has data; -1 with errno EINTR when a stop or a let-through signal came first. */
static int wait_readable(struct client *c)
{
	struct pollfd pfd[2] = { { .fd = c->fd, .events = POLLIN }, { .fd = c->stop_fd, .events = POLLIN } };

	for (;;) {
		int rc = ppoll(pfd, 2, NULL, c->wait_mask);

		/* Without a mask any signal may interrupt the wait: only the stop fd ends it. */
		if (rc < 0 && errno == EINTR && c->wait_mask == NULL)
			continue;
		if (rc < 0)
			return -1;
		/* A stop comes before data, as a signal does with the mask. */
		if (pfd[1].revents != 0) {
			errno = EINTR;
			return -1;
		}
		return 0;
	}
}

/* Reads more into the buffer; 1 when bytes came, 0 at end of stream, -1 on error. */
static int fill(struct client *c)
{
	ssize_t n;

	/* Move what is left to the front so a line can use the whole buffer. */
	if (c->start > 0) {
		memmove(c->buf, c->buf + c->start, c->end - c->start);
		c->end -= c->start;
		c->scanned -= c->start;
		c->start = 0;
	}
	if ((c->wait_mask != NULL || c->stop_fd >= 0) && wait_readable(c) != 0)
		return -1;
	do
		n = read(c->fd, c->buf + c->end, sizeof(c->buf) - c->end);
	while (n < 0 && errno == EINTR && (c->wait_mask != NULL || c->stop_fd >= 0));
	/* A server that closes with our command unread resets the socket: it is gone all the same. */
	if (n < 0 && errno == ECONNRESET)
		n = 0;
	if (n < 0)
		return -1;
	c->end += (size_t)n;
	return n > 0 ? 1 : 0;
}

/* Finds the next newline at or after scanned; NULL when none is buffered. */
static char *find_newline(struct client *c)
{
	char *nl = memchr(c->buf + c->scanned, '\n', c->end - c->scanned);

	c->scanned = nl != NULL ? (size_t)(nl - c->buf) : c->end;
	return nl;
}

/* Tells whether a whole line is buffered. */
bool client_line_ready(struct client *c)
{
	if (c->scanned < c->start)
		c->scanned = c->start;
	return find_newline(c) != NULL;
}

/* Returns the next line. */
int client_read_line(struct client *c, const char **line, size_t *len)
{
	for (;;) {
		char *nl;
		int rc;

		if (c->scanned < c->start)
			c->scanned = c->start;
		nl = find_newline(c);
		if (nl != NULL) {
			size_t at = c->start;
			bool was_skipping = c->skipping;

			c->start = (size_t)(nl - c->buf) + 1;
			c->scanned = c->start;
			c->skipping = false;
			if (was_skipping)
				continue; /* the end of a line already returned cut */
			*line = c->buf + at;
			*len = (size_t)(nl - c->buf) - at;
			return 1;
		}
		if (c->start == 0 && c->end == sizeof(c->buf)) {
			/* One line fills the buffer: hand out what fits, drop its tail. */
			c->start = c->scanned = c->end;
			if (c->skipping)
				continue;
			c->skipping = true;
			c->cut_lines++;
			*line = c->buf;
			*len = sizeof(c->buf);
			return 1;
		}
		rc = fill(c);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			if (c->start == c->end || c->skipping) {
				c->start = c->end = c->scanned = 0;
				return 0;
			}
			*line = c->buf + c->start;
			*len = c->end - c->start;
			c->start = c->scanned = c->end;
			return 1;
		}
	}
}

/* Returns the buffered complete lines as one block. */
int client_read_block(struct client *c, const char **data, size_t *len)
{
	for (;;) {
		const char *last;
		int rc;

		if (c->end > c->start) {
			last = memrchr(c->buf + c->start, '\n', c->end - c->start);
			if (last != NULL || (c->start == 0 && c->end == sizeof(c->buf))) {
				size_t stop = last != NULL ? (size_t)(last - c->buf) + 1 : c->end;

				*data = c->buf + c->start;
				*len = stop - c->start;
				c->start = c->scanned = stop;
				return 1;
			}
		}
		rc = fill(c);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			if (c->start == c->end)
				return 0;
			*data = c->buf + c->start;
			*len = c->end - c->start;
			c->start = c->scanned = c->end;
			return 1;
		}
	}
}

/* Writes cmd and a newline; -1 with errno set (EMSGSIZE: not one line that fits). */
static int send_line(struct client *c, const char *cmd)
{
	char line[CLIENT_CMD_MAX + 1];
	size_t n = strlen(cmd), off = 0;

	if (n > CLIENT_CMD_MAX || memchr(cmd, '\n', n) != NULL) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(line, cmd, n);
	line[n++] = '\n';
	while (off < n) {
		/* MSG_NOSIGNAL: a server gone away is an error to report, not a SIGPIPE. */
		ssize_t w = send(c->fd, line + off, n - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

/* True when errno says the server closed the connection. */
static bool peer_gone(void)
{
	return errno == EPIPE || errno == ECONNRESET;
}

/* Sends one command line. */
int client_send(struct client *c, const char *cmd)
{
	if (send_line(c, cmd) == 0)
		return 0;
	if (errno == EMSGSIZE)
		diag_error("a command is one line of at most %d bytes", CLIENT_CMD_MAX);
	else if (peer_gone())
		diag_error("the server closed %s", c->path);
	else
		diag_error("sending to %s: %s", c->path, strerror(errno));
	return -1;
}

/* Sends a command and waits for its answer. */
int client_command(struct client *c, const char *cmd, const char **answer, size_t *len,
		   void (*on_line)(void *arg, const char *line, size_t len), void *arg)
{
	/* A server that hung up may have said why first: read what it sent either way. */
	if (send_line(c, cmd) != 0 && !peer_gone()) {
		if (errno == EMSGSIZE)
			diag_error("a command is one line of at most %d bytes", CLIENT_CMD_MAX);
		else
			diag_error("sending to %s: %s", c->path, strerror(errno));
		return -1;
	}
	for (;;) {
		const char *line;
		size_t n;
		struct event e;
		int rc = client_read_line(c, &line, &n);

		if (rc < 0) {
			if (errno != EINTR)
				diag_error("reading from %s: %s", c->path, strerror(errno));
			return -1;
		}
		if (rc == 0) {
			diag_error("the server closed %s before answering '%s'", c->path, cmd);
			return -1;
		}
		switch (event_parse(line, n, &e)) {
		case EVENT_ANSWER_OK:
			*answer = line;
			*len = n;
			return 0;
		case EVENT_ANSWER_ERROR:
			*answer = line;
			*len = n;
			return 1;
		default:
			if (on_line != NULL)
				on_line(arg, line, n);
			break;
		}
	}
}

/* Closes the socket. */
void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
