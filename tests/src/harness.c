#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* Returns the server to test: $MCSCOPED when set (a sanitizer build), else this build's. */
static const char *server_path(void)
{
	const char *path = getenv("MCSCOPED");

	if (path == NULL || *path == '\0')
		path = getenv("MCSCOPED_BUILD");
	return path != NULL ? path : "build/src/mcscoped";
}

/* Waits until fd is readable; false at the deadline. */
static bool wait_readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int rc;

	do
		rc = poll(&pfd, 1, HARNESS_DEADLINE_MS);
	while (rc < 0 && errno == EINTR);
	return rc > 0;
}

/* Forks and execs mcscoped with args; the child's stderr goes to a temp file *err_fd, fd 3 to ready_fd. */
static pid_t spawn(const char *const *args, int ready_fd, int *err_fd)
{
	const char *argv[64];
	char path[] = "/tmp/mcscoped-stderr-XXXXXX";
	int n = 0, errfile;
	pid_t pid;

	argv[n++] = server_path();
	for (; args != NULL && *args != NULL && n < 62; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	/* A file, not a pipe: a chatty server must never block on a reader that isn't reading. */
	errfile = mkostemp(path, O_CLOEXEC);
	if (errfile < 0)
		return -1;
	unlink(path);
	pid = fork();
	if (pid == 0) {
		/* A test that fails half way must not leave its server behind (nor meson's pipes open). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
		}
		dup2(errfile, 2);
		/* dup2 onto itself would keep close-on-exec, so clear it by hand then. */
		if (ready_fd == 3)
			fcntl(3, F_SETFD, 0);
		else if (ready_fd >= 0)
			dup2(ready_fd, 3);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	*err_fd = errfile;
	return pid;
}

/* Starts the server and waits for its ready line. */
bool harness_start(struct server_proc *p, const char *const *args)
{
	const char *full[64];
	int n = 0, ready[2];
	char line[128] = "";
	ssize_t got = 0;

	full[n++] = "-p";
	full[n++] = "0";
	full[n++] = "--ready-fd=3";
	for (; args != NULL && *args != NULL && n < 62; args++)
		full[n++] = *args;
	full[n] = NULL;
	if (pipe2(ready, O_CLOEXEC) != 0)
		return false;
	p->pid = spawn(full, ready[1], &p->stderr_fd);
	close(ready[1]);
	if (p->pid < 0) {
		close(ready[0]);
		return false;
	}
	while (got < (ssize_t)sizeof(line) - 1 && wait_readable(ready[0])) {
		ssize_t r = read(ready[0], line + got, sizeof(line) - 1 - (size_t)got);
		if (r <= 0)
			break;
		got += r;
		if (memchr(line, '\n', (size_t)got) != NULL)
			break;
	}
	close(ready[0]);
	line[got] = '\0';
	if (sscanf(line, "tcp=%d udp=%d", &p->tcp_port, &p->udp_port) != 2) {
		char *err = harness_stderr(p);
		fprintf(stderr, "mcscoped did not report ready (got '%s'); stderr:\n%s\n", line, err);
		free(err);
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
		return false;
	}
	return true;
}

/* Waits for pid to exit, at most the deadline: then it is killed and false returned. */
static bool wait_exit(pid_t pid, int *status)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	/* Without pidfds (before Linux 5.3) there is no deadline; the test's timeout remains. */
	if (pidfd >= 0) {
		struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
		int rc;

		do
			rc = poll(&pfd, 1, HARNESS_DEADLINE_MS);
		while (rc < 0 && errno == EINTR);
		close(pidfd);
		if (rc == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return false;
		}
	}
	return waitpid(pid, status, 0) == pid;
}

/* Stops the server. */
int harness_stop(struct server_proc *p)
{
	return harness_stop_with(p, SIGTERM);
}

/* Sends sig and waits for the exit. */
int harness_stop_with(struct server_proc *p, int sig)
{
	int status;

	kill(p->pid, sig);
	if (!wait_exit(p->pid, &status)) {
		fprintf(stderr, "mcscoped did not stop within %d ms of %s\n", HARNESS_DEADLINE_MS, strsignal(sig));
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* A sanitizer's report is the server's stderr: show it with the failure. */
		char *err = harness_stderr(p);
		fprintf(stderr, "mcscoped exited with status %d; its stderr:\n%s\n",
			WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status), err ? err : "");
		free(err);
	}
	if (!WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Returns everything the server wrote on stderr so far. */
char *harness_stderr(struct server_proc *p)
{
	off_t size = lseek(p->stderr_fd, 0, SEEK_END);
	char *buf = malloc(size > 0 ? (size_t)size + 1 : 1);
	ssize_t got = 0;

	if (buf == NULL)
		return NULL;
	if (size > 0)
		got = pread(p->stderr_fd, buf, (size_t)size, 0);
	buf[got > 0 ? got : 0] = '\0';
	return buf;
}

/* Runs the server to completion. */
int harness_run(const char *const *args, char **err)
{
	struct server_proc p = { 0 };
	int status;

	p.pid = spawn(args, -1, &p.stderr_fd);
	if (p.pid < 0)
		return -1;
	if (!wait_exit(p.pid, &status)) {
		fprintf(stderr, "mcscoped did not exit within %d ms\n", HARNESS_DEADLINE_MS);
		status = -1;
	}
	*err = harness_stderr(&p);
	close(p.stderr_fd);
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Connects to the server. */
int harness_connect(int port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		return -1;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* Writes everything. */
bool harness_send(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		s += w;
		n -= (size_t)w;
	}
	return true;
}

/* Reads until the terminator ends the data. */
char *harness_read_until(int fd, const char *terminator)
{
	size_t tlen = strlen(terminator), len = 0, size = 4096;
	char *buf = malloc(size);

	while (buf != NULL) {
		if (len >= tlen && memcmp(buf + len - tlen, terminator, tlen) == 0) {
			buf[len] = '\0';
			return buf;
		}
		if (len + 1 >= size) {
			char *bigger = realloc(buf, size *= 2);
			if (bigger == NULL)
				break;
			buf = bigger;
		}
		if (!wait_readable(fd))
			break;
		/* One byte at a time near the end would be slow; read what's there. */
		ssize_t r = read(fd, buf + len, size - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	free(buf);
	return NULL;
}

/* Reads exactly n bytes. */
char *harness_read_exact(int fd, size_t n)
{
	char *buf = malloc(n + 1);
	size_t len = 0;

	while (buf != NULL && len < n) {
		if (!wait_readable(fd))
			break;
		ssize_t r = read(fd, buf + len, n - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	if (buf == NULL || len < n) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* Sends a command and reads its reply. */
char *harness_cmd(int fd, const char *cmd, const char *terminator)
{
	if (!harness_send(fd, cmd, strlen(cmd)))
		return NULL;
	return harness_read_until(fd, terminator);
}

/* Reads one stat. */
long long harness_stat(int fd, const char *group, const char *name)
{
	char cmd[64], key[128];
	long long value = -1;
	char *reply;

	snprintf(cmd, sizeof(cmd), group != NULL ? "stats %s\r\n" : "stats\r\n", group);
	reply = harness_cmd(fd, cmd, "END\r\n");
	if (reply == NULL)
		return -1;
	snprintf(key, sizeof(key), "STAT %s ", name);
	for (char *line = reply; line != NULL && *line != '\0';) {
		if (strncmp(line, key, strlen(key)) == 0) {
			value = strtoll(line + strlen(key), NULL, 10);
			break;
		}
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	free(reply);
	return value;
}

/* Polls a stat: nothing announces most changes, so ask until it is in range. */
long long harness_await_stat(int fd, const char *group, const char *name, long long min, long long max)
{
	long long v = harness_stat(fd, group, name);

	for (int waited = 0; (v < min || v > max) && waited < HARNESS_DEADLINE_MS; waited += 10) {
		usleep(10000);
		v = harness_stat(fd, group, name);
	}
	return v;
}

/* Reads VmRSS from /proc. */
long harness_rss_kb(const struct server_proc *p)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)p->pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (kb < 0 && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) != 1)
			kb = -1;
	fclose(f);
	return kb;
}

/* Looks for a sanitizer runtime among the server's mappings (GCC links them as shared libraries). */
bool harness_server_sanitized(const struct server_proc *p)
{
	char path[64], line[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)p->pid);
	f = fopen(path, "r");
	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, "/libasan.so") != NULL || strstr(line, "/libtsan.so") != NULL;
	fclose(f);
	return found;
}

/* Waits for EOF. */
bool harness_wait_eof(int fd)
{
	char buf[4096];

	while (wait_readable(fd)) {
		ssize_t r = read(fd, buf, sizeof(buf));
		if (r == 0)
			return true;
		if (r < 0 && errno != EINTR)
			return errno == ECONNRESET;
	}
	return false;
}

/* Returns a socket's local port. */
int harness_local_port(int fd)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);

	if (getsockname(fd, (struct sockaddr *)&addr, &len) != 0)
		return -1;
	return ntohs(addr.sin_port);
}

/* Finds a free UDP port. */
int harness_free_udp_port(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	int fd = socket(AF_INET, SOCK_DGRAM, 0), port = -1;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
		port = ntohs(addr.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* Connects to a Unix socket. */
int harness_unix_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(path) >= sizeof(addr.sun_path)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Returns the next line. */
char *harness_read_line(struct line_reader *lr)
{
	for (;;) {
		char *nl = memchr(lr->buf, '\n', lr->len);
		if (nl != NULL) {
			size_t n = (size_t)(nl - lr->buf);
			char *line = strndup(lr->buf, n);
			memmove(lr->buf, nl + 1, lr->len - n - 1);
			lr->len -= n + 1;
			return line;
		}
		if (lr->len == sizeof(lr->buf) || !wait_readable(lr->fd))
			return NULL;
		ssize_t r = read(lr->fd, lr->buf + lr->len, sizeof(lr->buf) - lr->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return NULL;
		lr->len += (size_t)r;
	}
}

/* Finds " key=" (or a leading "key=") in a line. */
char *harness_line_value(const char *line, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = line; (p = strstr(p, key)) != NULL; p += klen) {
		if ((p == line || p[-1] == ' ') && p[klen] == '=') {
			const char *v = p + klen + 1;
			return strndup(v, strcspn(v, " "));
		}
	}
	return NULL;
}
