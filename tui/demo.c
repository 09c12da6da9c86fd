#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo.h"
#include "diag.h"
#include "stop.h"

/* How long the server may take to start accepting. */
#define START_TIMEOUT_MS 10000
/* How long each child has to exit after SIGTERM before it gets SIGKILL. */
#define LOAD_STOP_MS 3000
#define SERVER_STOP_MS 5000
/* The most of a failed server's log that is shown. */
#define LOG_SHOW_MAX 4096

/* Sets d up empty. */
void demo_init(struct demo *d)
{
	memset(d, 0, sizeof(*d));
}

/* Writes fmt's text to out; false when it does not fit. */
static bool path_printf(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool path_printf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(out, n, fmt, ap);
	va_end(ap);
	return len >= 0 && (size_t)len < n;
}

/* Finds the server binary. */
int demo_find_server(const char *path, char *out, size_t n)
{
	const char *env = getenv("MCSCOPED");
	char self[PATH_MAX];
	ssize_t len;

	if (path == NULL && env != NULL && env[0] != '\0')
		path = env;
	if (path == NULL) {
		/* A build tree has tui/mcscope and src/mcscoped; an install puts both in one bin/. */
		len = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (len > 0) {
			self[len] = '\0';
			*strrchr(self, '/') = '\0';
			if (path_printf(out, n, "%s/../src/mcscoped", self) && access(out, X_OK) == 0)
				return 0;
			if (path_printf(out, n, "%s/mcscoped", self) && access(out, X_OK) == 0)
				return 0;
		}
		path = "mcscoped";
	}
	if (!path_printf(out, n, "%s", path)) {
		diag_error("server path too long: %s", path);
		return -1;
	}
	return 0;
}

/* What a private directory holds: every file demo_stop removes, and a sweep of a dead run's. */
static const char *const dir_files[] = { "trace.sock", "mcscoped.log", "load.log", DEMO_OWNER_FILE };

/* The private directories' names start so. */
#define DIR_PREFIX "mcscope-demo-"

/* Removes a private directory's files, then the directory; false when something else is in it. */
static bool remove_dir(const char *dir)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(dir_files) / sizeof(dir_files[0]); i++)
		if (path_printf(path, sizeof(path), "%s/%s", dir, dir_files[i]))
			unlink(path);
	return rmdir(dir) == 0;
}

/* True when the private directory dir belongs to a run of ours whose mcscope is gone. */
static bool dir_is_stale(const char *dir)
{
	char path[PATH_MAX], buf[32];
	struct stat st;
	ssize_t n;
	int fd;

	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid())
		return false;
	/* Without its owner's pid nothing says the run is over: leave it alone. */
	if (!path_printf(path, sizeof(path), "%s/%s", dir, DEMO_OWNER_FILE) ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	char *end;
	long pid = strtol(buf, &end, 10);
	if (pid <= 0 || (*end != '\n' && *end != '\0'))
		return false;
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Removes the private directories in base that runs killed before they could tidy up left behind. */
void demo_sweep(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *e;
	char dir[PATH_MAX];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, DIR_PREFIX, strlen(DIR_PREFIX)) == 0 &&
		    path_printf(dir, sizeof(dir), "%s/%s", base, e->d_name) && dir_is_stale(dir))
			remove_dir(dir);
	closedir(d);
}

/* Writes this process's pid into the private directory, so that a later run can tell when it is gone. */
static int write_owner(const struct demo *d)
{
	char path[PATH_MAX], pid[32];
	int fd, len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());

	if (!path_printf(path, sizeof(path), "%s/%s", d->dir, DEMO_OWNER_FILE) ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		diag_error("cannot write %s/%s: %s", d->dir, DEMO_OWNER_FILE, strerror(errno));
		return -1;
	}
	bool ok = write(fd, pid, (size_t)len) == len;
	close(fd);
	return ok ? 0 : -1;
}

/* Makes the private directory and the paths in it; -1 with a message. */
static int make_dir(struct demo *d)
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	struct sockaddr_un sun;

	if (base == NULL || base[0] != '/')
		base = getenv("TMPDIR");
	if (base == NULL || base[0] != '/')
		base = "/tmp";
	demo_sweep(base);
	if (!path_printf(d->dir, sizeof(d->dir), "%s/" DIR_PREFIX "XXXXXX", base) ||
	    mkdtemp(d->dir) == NULL) {
		diag_error("cannot make a private directory in %s: %s", base, strerror(errno));
		d->dir[0] = '\0';
		return -1;
	}
	if (!path_printf(d->socket_path, sizeof(sun.sun_path), "%s/%s", d->dir, "trace.sock")) {
		diag_error("the trace socket's path would be too long in %s (set TMPDIR to a shorter directory)",
			   base);
		return -1;
	}
	if (!path_printf(d->server_log, sizeof(d->server_log), "%s/%s", d->dir, "mcscoped.log") ||
	    !path_printf(d->load_log, sizeof(d->load_log), "%s/%s", d->dir, "load.log")) {
		diag_error("paths too long in %s", d->dir);
		return -1;
	}
	return write_owner(d);
}

/*
 * Forks a child in a process group of its own that dies with us, with
 * stdin and stdout on /dev/null and stderr on log_path: the pid in the
 * parent, 0 in the child, -1 with a message.
 */
static pid_t fork_child(const char *log_path, int death_signal)
{
	pid_t parent = getpid(), pid;
	int log = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (log < 0) {
		diag_error("cannot create %s: %s", log_path, strerror(errno));
		return -1;
	}
	/* The workload child ends with exit(): what our stdio buffers hold (frames, a recording) must
	 * not be written a second time by it. */
	fflush(NULL);
	/* A signal sent before the child has reset its handling must not run mcscope's handler there. */
	pid = stop_fork();
	if (pid < 0) {
		diag_error("fork: %s", strerror(errno));
		close(log);
		return -1;
	}
	if (pid == 0) {
		/* Out of the terminal's foreground group: Ctrl-C is mcscope's to handle. */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, death_signal);
		/* mcscope may have died before prctl took effect. */
		if (getppid() != parent)
			_exit(1);
		/* mcscope's handlers, mask and stop pipe are not the child's: a stop signal must stop it. */
		stop_default();
		int devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
			close(devnull);
		}
		dup2(log, 2);
		return 0;
	}
	/* Both sides set the group, so it holds whichever runs first. */
	setpgid(pid, pid);
	close(log);
	return pid;
}

/* Waits up to ms for pid to exit; true when it did (and is reaped). */
static bool wait_exit(pid_t pid, int ms)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (pidfd < 0)
		return waitpid(pid, NULL, WNOHANG) == pid;
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	while (poll(&p, 1, ms) < 0 && errno == EINTR)
		;
	close(pidfd);
	return waitpid(pid, NULL, WNOHANG) == pid;
}

/* Stops a child: SIGTERM, then SIGKILL if it has not gone after ms. */
static void stop_child(pid_t *pid, int ms)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	if (!wait_exit(*pid, ms)) {
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
	}
	*pid = 0;
}

/* Prints the start of a log file on stderr. */
static void show_log(const char *path)
{
	char buf[LOG_SHOW_MAX];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n > 0)
		fprintf(stderr, "%.*s%s", (int)n, buf, buf[n - 1] == '\n' ? "" : "\n");
}

/* Reads the server's "tcp=PORT udp=PORT" line; false when it died, took too long, or a stop came. */
static bool read_ready(int fd, int *port, int *udp)
{
	char line[128];
	size_t got = 0;

	while (got < sizeof(line) - 1) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = stop_fd(), .events = POLLIN } };
		int rc = poll(p, 2, START_TIMEOUT_MS);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0 || p[1].revents != 0)
			return false;
		ssize_t n = read(fd, line + got, sizeof(line) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	line[got] = '\0';
	return sscanf(line, "tcp=%d udp=%d", port, udp) == 2;
}

/* Starts the server. */
int demo_start_server(struct demo *d, const char *server, char *const flags[])
{
	char sock_arg[PATH_MAX + 32];
	char *argv[DEMO_FLAGS_MAX + 8];
	int ready[2], argc = 0;

	argv[argc++] = (char *)server;
	for (int i = 0; flags != NULL && flags[i] != NULL; i++) {
		if (i == DEMO_FLAGS_MAX) {
			diag_error("more than %d server flags", DEMO_FLAGS_MAX);
			return -1;
		}
		argv[argc++] = flags[i];
	}
	if (make_dir(d) != 0)
		return -1;
	snprintf(sock_arg, sizeof(sock_arg), "--trace-socket=%s", d->socket_path);
	if (pipe2(ready, O_CLOEXEC) != 0) {
		diag_error("pipe: %s", strerror(errno));
		return -1;
	}
	d->server = fork_child(d->server_log, SIGTERM);
	if (d->server == 0) {
		/* Last, so that no flag given can move the port, the address or the socket. */
		argv[argc++] = "-p";
		argv[argc++] = "0";
		argv[argc++] = "-l";
		argv[argc++] = "127.0.0.1";
		argv[argc++] = sock_arg;
		argv[argc++] = "--ready-fd=3";
		argv[argc] = NULL;
		/* dup2 onto the same number would keep close-on-exec. */
		if (ready[1] == 3)
			fcntl(3, F_SETFD, 0);
		else
			dup2(ready[1], 3);
		if (d->server_setup != NULL)
			d->server_setup(d->server_setup_arg);
		execvp(server, argv);
		fprintf(stderr, "cannot run %s: %s\n", server, strerror(errno));
		_exit(127);
	}
	close(ready[1]);
	if (d->server < 0) {
		d->server = 0;
		close(ready[0]);
		return -1;
	}
	bool ok = read_ready(ready[0], &d->tcp_port, &d->udp_port);
	close(ready[0]);
	if (!ok && stop_signal() != 0) {
		/* Asked to stop: nothing went wrong to tell of. */
		stop_child(&d->server, SERVER_STOP_MS);
		return -1;
	}
	if (!ok) {
		stop_child(&d->server, SERVER_STOP_MS);
		diag_error("the server (%s) did not start; it said:", server);
		show_log(d->server_log);
		return -1;
	}
	return 0;
}

/* Starts the workload. */
int demo_start_load(struct demo *d, struct load_opts *o)
{
	o->port = d->tcp_port;
	o->udp_port = d->udp_port;
	d->load = fork_child(d->load_log, SIGKILL);
	if (d->load == 0) {
		/* A pipe of its own: demo_stop's SIGTERM ends the workload as Ctrl-C ends mcscope load. */
		if (stop_init() != 0)
			_exit(1);
		exit(load_main(o, false));
	}
	if (d->load < 0) {
		d->load = 0;
		return -1;
	}
	return 0;
}

/* Stops the workload. */
void demo_stop_load(struct demo *d)
{
	stop_child(&d->load, LOAD_STOP_MS);
}

/* Finds a free UDP port. */
int demo_free_udp_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), port = -1;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		diag_error("cannot find a free UDP port: %s", strerror(errno));
	else
		port = ntohs(sin.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* Stops everything and tidies up. */
void demo_stop(struct demo *d)
{
	/* The workload first, so the server's last events are its own shutdown. */
	stop_child(&d->load, LOAD_STOP_MS);
	stop_child(&d->server, SERVER_STOP_MS);
	if (d->dir[0] == '\0')
		return;
	if (!remove_dir(d->dir))
		diag_error("cannot remove %s: %s", d->dir, strerror(errno));
	d->dir[0] = '\0';
}
