#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fake_server.h"
#include "wire.h"

/* How often the threads look at the stop flag. */
#define POLL_MS 20

/* Makes the private directory. */
bool fake_server_dir(struct fake_server *s)
{
	if (s->dir[0] != '\0')
		return true;
	snprintf(s->dir, sizeof(s->dir), "/tmp/mcscope-test.XXXXXX");
	if (mkdtemp(s->dir) == NULL) {
		fprintf(stderr, "fake_server: mkdtemp: %s\n", strerror(errno));
		s->dir[0] = '\0';
		return false;
	}
	return true;
}

/* Sends all of s (n bytes); false when the client is gone. */
static bool send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Answers one command line as PROTOCOL.md says a server does. */
static bool answer(struct fake_server *s, int fd, const char *cmd, size_t n)
{
	char reply[256];
	const char *space = memchr(cmd, ' ', n);
	size_t word = space != NULL ? (size_t)(space - cmd) : n;

	if (s->before_answer != NULL && !send_all(fd, s->before_answer, strlen(s->before_answer)))
		return false;
	if (s->refuse_all)
		snprintf(reply, sizeof(reply), "error refused\n");
	else if (wire_ctl_from_name(cmd, word) < 0)
		snprintf(reply, sizeof(reply), "error unknown command '%.*s'\n", (int)word, cmd);
	else if (memmem(cmd, n, " w9", 3) != NULL)
		snprintf(reply, sizeof(reply), "error no worker w9 (w0-w1)\n");
	else if (word == n)
		snprintf(reply, sizeof(reply), "ok\n");
	else
		snprintf(reply, sizeof(reply), "ok %.*s\n", (int)(n - word - 1), cmd + word + 1);
	return send_all(fd, reply, strlen(reply));
}

/* Streams a few event lines; false when the client is gone. */
static bool stream_some(struct fake_server *s, int fd)
{
	char buf[4096];
	size_t at = 0;

	for (int i = 0; i < 20; i++) {
		uint64_t n = s->streamed + (uint64_t)i;
		at += (size_t)snprintf(buf + at, sizeof(buf) - at,
				       "ts=%" PRIu64 " seq=%" PRIu64 " thr=w%d ev=cq_pop conn=%" PRIu64
				       " depth=0\n", 1000000 + n * 1000, 100 + n, (int)(n % 2), n + 2);
	}
	if (!send_all(fd, buf, at))
		return false;
	s->streamed += 20;
	return true;
}

/* Serves one client until it goes, the script ends it, or the server stops. */
static void serve(struct fake_server *s, int fd)
{
	char buf[8192];
	size_t have = 0;
	int answered = 0;

	if (s->greeting != NULL && !send_all(fd, s->greeting, strlen(s->greeting)))
		return;
	if (s->hang_up)
		return;
	while (!atomic_load(&s->stop)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t r;
		char *nl;

		if (s->stream && !stream_some(s, fd))
			return;
		if (poll(&pfd, 1, s->stream ? 2 : POLL_MS) <= 0)
			continue;
		r = recv(fd, buf + have, sizeof(buf) - have - 1, 0);
		if (r <= 0)
			return;
		have += (size_t)r;
		while ((nl = memchr(buf, '\n', have)) != NULL) {
			size_t n = (size_t)(nl - buf), used;

			pthread_mutex_lock(&s->lock);
			used = strlen(s->commands);
			if (used + n + 1 < sizeof(s->commands)) {
				memcpy(s->commands + used, buf, n + 1); /* the line and its newline */
				s->commands[used + n + 1] = '\0';
			}
			pthread_mutex_unlock(&s->lock);
			if (!answer(s, fd, buf, n))
				return;
			memmove(buf, nl + 1, have - n - 1);
			have -= n + 1;
			if (s->close_after > 0 && ++answered >= s->close_after)
				return;
		}
		if (have == sizeof(buf) - 1)
			return; /* a line longer than PROTOCOL.md allows */
	}
}

/* Accepts clients one after another. */
static void *run(void *arg)
{
	struct fake_server *s = arg;

	while (!atomic_load(&s->stop)) {
		struct pollfd pfd = { .fd = s->lfd, .events = POLLIN };
		int fd;

		if (poll(&pfd, 1, POLL_MS) <= 0)
			continue;
		fd = accept(s->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		pthread_mutex_lock(&s->lock);
		s->clients++;
		pthread_mutex_unlock(&s->lock);
		serve(s, fd);
		close(fd);
	}
	return NULL;
}

/* Starts listening. */
bool fake_server_start(struct fake_server *s, const char *path)
{
	struct sockaddr_un sa;

	pthread_mutex_init(&s->lock, NULL);
	atomic_init(&s->stop, false);
	s->commands[0] = '\0';
	s->lfd = -1;
	if (path == NULL) {
		if (!fake_server_dir(s))
			return false;
		snprintf(s->path, sizeof(s->path), "%s/test.sock", s->dir);
	} else {
		snprintf(s->path, sizeof(s->path), "%s", path);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(s->path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "fake_server: %s: too long for a socket\n", s->path);
		return false;
	}
	memcpy(sa.sun_path, s->path, strlen(s->path) + 1);
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(s->lfd, 8) != 0) {
		fprintf(stderr, "fake_server: %s: %s\n", s->path, strerror(errno));
		return false;
	}
	if (pthread_create(&s->thread, NULL, run, s) != 0) {
		fprintf(stderr, "fake_server: pthread_create failed\n");
		return false;
	}
	return true;
}

/* Stops and cleans up. */
void fake_server_stop(struct fake_server *s)
{
	char sub[sizeof(s->dir) + 16];

	atomic_store(&s->stop, true);
	pthread_join(s->thread, NULL);
	if (s->lfd >= 0)
		close(s->lfd);
	unlink(s->path);
	if (s->dir[0] != '\0') {
		snprintf(sub, sizeof(sub), "%s/mcscope", s->dir);
		rmdir(sub);
		rmdir(s->dir);
	}
	pthread_mutex_destroy(&s->lock);
}

/* Copies the commands received. */
char *fake_server_commands(struct fake_server *s)
{
	char *copy;

	pthread_mutex_lock(&s->lock);
	copy = strdup(s->commands);
	pthread_mutex_unlock(&s->lock);
	return copy;
}

/* Counts the clients so far. */
int fake_server_clients(struct fake_server *s)
{
	int n;

	pthread_mutex_lock(&s->lock);
	n = s->clients;
	pthread_mutex_unlock(&s->lock);
	return n;
}
