#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diff_bytes.h"
#include "diff_server.h"
#include "diff_wire.h"

#define READY_TIMEOUT_MS 20000
#define STOP_TIMEOUT_MS 20000
#define PORT_TRIES 5
#define ARGV_MAX 64

/* Binds a socket of the type to 127.0.0.1:port; -1 when taken. */
static int bind_local(int type, int port)
{
	struct sockaddr_in sa = wire_local_addr(port);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A port free for TCP and UDP on 127.0.0.1 just now, or -1. */
static int free_port(void)
{
	for (int i = 0; i < 100; i++) {
		struct sockaddr_in sa;
		socklen_t len = sizeof(sa);
		int tfd = bind_local(SOCK_STREAM, 0), ufd, port;

		if (tfd < 0 || getsockname(tfd, (struct sockaddr *)&sa, &len) < 0) {
			if (tfd >= 0)
				close(tfd);
			return -1;
		}
		port = ntohs(sa.sin_port);
		ufd = bind_local(SOCK_DGRAM, port);
		close(tfd);
		if (ufd >= 0) {
			close(ufd);
			return port;
		}
	}
	return -1;
}

/* Builds s's argv: the binary, the shared flags on port, then s's own. */
static void build_argv(struct server *s, const char *const *flags, size_t nflags,
		       char *port, int ready_fd, char **argv)
{
	static char ready[32];
	size_t n = 0;

	argv[n++] = (char *)s->bin;
	argv[n++] = "-p";
	argv[n++] = port;
	argv[n++] = "-U";
	argv[n++] = port;
	for (size_t i = 0; i < nflags && n < ARGV_MAX - 8; i++)
		argv[n++] = (char *)flags[i];
	if (s->memcached && geteuid() == 0) {
		/* memcached refuses to run as root unless told which user to be. */
		argv[n++] = "-u";
		argv[n++] = "root";
	}
	if (!s->memcached) {
		snprintf(ready, sizeof(ready), "--ready-fd=%d", ready_fd);
		argv[n++] = "--no-trace";
		argv[n++] = ready;
	}
	argv[n] = NULL;

	s->cmd[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(s->cmd);

		snprintf(s->cmd + used, sizeof(s->cmd) - used, "%s%s", i ? " " : "", argv[i]);
	}
}

/* Reads what the server reports on fd until it closes it; false on timeout or death. */
static bool read_ready(struct server *s, int fd, struct bytes *got)
{
	long long deadline = wire_now_ms() + READY_TIMEOUT_MS;
	char buf[256];

	for (;;) {
		struct pollfd p[2] = { { fd, POLLIN, 0 }, { s->pidfd, POLLIN, 0 } };
		long long left = deadline - wire_now_ms();
		ssize_t n;

		if (left <= 0) {
			fprintf(stderr, "mcdiff: %s not ready within %d ms\n", s->name,
				READY_TIMEOUT_MS);
			return false;
		}
		if (poll(p, 2, (int)left) < 0 && errno != EINTR)
			return false;
		if (p[0].revents & (POLLIN | POLLHUP)) {
			n = read(fd, buf, sizeof(buf));
			if (n > 0) {
				bytes_add(got, buf, (size_t)n);
				continue;
			}
			/* A fifo reads 0 before its writer came: only a hang-up ends it. */
			if (n == 0 && (p[0].revents & POLLHUP))
				return true;
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				return false;
		}
		if (p[1].revents & POLLIN)
			return false;
	}
}

/* Starts s once on port; 0 when ready, -1 when it ended before. */
static int start_once(struct server *s, const char *const *flags, size_t nflags, int port)
{
	char portbuf[16], portfile[96], lck[110], path[128], *argv[ARGV_MAX];
	int rfd = -1, wfd = -1, logfd, rc = -1;
	pid_t parent;
	struct bytes got = { 0 };

	snprintf(portbuf, sizeof(portbuf), "%d", port);
	snprintf(portfile, sizeof(portfile), "%s/ports", s->dir);
	snprintf(lck, sizeof(lck), "%s.lck", portfile);
	if (s->memcached) {
		/* memcached writes "TCP INET: <port>" lines to <file>.lck once it listens. */
		unlink(lck);
		if (mkfifo(lck, 0600) < 0 || (rfd = open(lck, O_RDONLY | O_NONBLOCK)) < 0)
			goto out;
	} else {
		int p[2];

		if (pipe2(p, O_CLOEXEC) < 0)
			goto out;
		rfd = p[0];
		wfd = p[1];
	}
	build_argv(s, flags, nflags, portbuf, 3, argv);
	snprintf(path, sizeof(path), "%s/%s.log", s->dir, s->name);
	logfd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (logfd < 0)
		goto out;
	parent = getpid();
	s->pid = fork();
	if (s->pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		/* A tester that dies (a sanitizer's abort, a kill) takes its servers along. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(127);

		dup2(devnull, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		if (wfd >= 0)
			dup2(wfd, 3);
		if (s->memcached)
			setenv("MEMCACHED_PORT_FILENAME", portfile, 1);
		execv(s->bin, argv);
		_exit(127);
	}
	close(logfd);
	if (s->pid < 0)
		goto out;
	s->pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
	if (s->pidfd < 0)
		goto out;
	if (wfd >= 0) {
		close(wfd);
		wfd = -1;
	}
	if (read_ready(s, rfd, &got) && got.n > 0)
		rc = 0;
out:
	if (rc < 0 && s->pid > 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
	if (rc < 0 && s->pidfd >= 0) {
		close(s->pidfd);
		s->pidfd = -1;
	}
	if (rfd >= 0)
		close(rfd);
	if (wfd >= 0)
		close(wfd);
	bytes_free(&got);
	return rc;
}

/* True when bin is memcached (its --version says so), whichever side it plays. */
static bool is_memcached(const char *bin)
{
	char out[64] = "";
	int p[2], status;
	pid_t pid;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		return false;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		execl(bin, bin, "--version", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	n = pid > 0 ? read(p[0], out, sizeof(out) - 1) : -1;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	return n > 0 && strncmp(out, "memcached ", 10) == 0;
}

/* Starts s with the shared flags; false with a message when it will not start. */
bool server_start(struct server *s, const char *const *flags, size_t nflags)
{
	const char *tmp = getenv("TMPDIR");

	s->pid = 0;
	s->pidfd = -1;
	s->memcached = is_memcached(s->bin);
	snprintf(s->dir, sizeof(s->dir), "%s/mcdiff.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(s->dir) == NULL) {
		fprintf(stderr, "mcdiff: cannot make a directory in %s: %s\n", tmp ? tmp : "/tmp",
			strerror(errno));
		return false;
	}
	/* Another program may take the port between our check and the server's bind. */
	for (int i = 0; i < PORT_TRIES; i++) {
		s->port = free_port();
		if (s->port > 0 && start_once(s, flags, nflags, s->port) == 0)
			return true;
	}
	fprintf(stderr, "mcdiff: %s would not start: %s\n", s->name, s->cmd);
	server_show_log(s, stderr);
	return false;
}

/* Prints the end of s's output. */
void server_show_log(const struct server *s, FILE *f)
{
	char path[128], line[1024];
	FILE *log;
	long size;

	snprintf(path, sizeof(path), "%s/%s.log", s->dir, s->name);
	log = fopen(path, "r");
	if (log == NULL)
		return;
	fseek(log, 0, SEEK_END);
	size = ftell(log);
	fseek(log, size > 4096 ? size - 4096 : 0, SEEK_SET);
	fprintf(f, "--- end of %s's output ---\n", s->name);
	while (fgets(line, sizeof(line), log) != NULL)
		fputs(line, f);
	fprintf(f, "---\n");
	fclose(log);
}

/* Prints how the server ended. */
static void say_status(const struct server *s, int status)
{
	if (WIFEXITED(status))
		fprintf(stderr, "mcdiff: %s exited with status %d\n", s->name, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "mcdiff: %s was killed by signal %d (%s)\n", s->name,
			WTERMSIG(status), strsignal(WTERMSIG(status)));
}

/* True while s runs; else prints how it ended and the end of its log. */
bool server_alive(struct server *s)
{
	int status;

	if (s->pid <= 0)
		return false;
	if (waitpid(s->pid, &status, WNOHANG) == 0)
		return true;
	say_status(s, status);
	server_show_log(s, stderr);
	s->pid = 0;
	return false;
}

/* Removes s's directory and what is in it. */
static void remove_dir(struct server *s)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s.log", s->dir, s->name);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ports", s->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ports.lck", s->dir);
	unlink(path);
	rmdir(s->dir);
}

/* Stops s; false with a message unless mcscoped exits 0 on SIGTERM. */
bool server_stop(struct server *s)
{
	struct pollfd p = { s->pidfd, POLLIN, 0 };
	int status = 0;
	bool ok = true;

	if (s->pid > 0) {
		/* memcached heeds SIGTERM only on its clock's next tick, up to a second
		 * on; how it exits is not under test, mcscoped's is. */
		kill(s->pid, s->memcached ? SIGKILL : SIGTERM);
		if (poll(&p, 1, STOP_TIMEOUT_MS) == 0) {
			fprintf(stderr, "mcdiff: %s still runs %d ms after SIGTERM\n", s->name,
				STOP_TIMEOUT_MS);
			kill(s->pid, SIGKILL);
			ok = false;
		}
		waitpid(s->pid, &status, 0);
		if (ok && !s->memcached && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
			say_status(s, status);
			ok = false;
		}
		if (!ok)
			server_show_log(s, stderr);
		s->pid = 0;
	}
	if (s->pidfd >= 0)
		close(s->pidfd);
	s->pidfd = -1;
	remove_dir(s);
	return ok;
}
