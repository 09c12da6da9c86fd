/* lab_exec.c: a code lab's programs, run within a time limit, their output kept. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "lab_exec.h"
#include "stop.h"

/* The widest mmap randomisation GCC 12's TSan runtime copes with. */
#define TSAN_RND_BITS_MAX 28
/* How long a program that closed its output may take to exit. */
#define EXIT_WAIT_MS 5000

/* Milliseconds on the monotonic clock. */
static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Sets the environment of a TSan program. */
void lab_exec_tsan_child(const char *log_path)
{
	char opts[PATH_MAX + 128];
	FILE *f = fopen("/proc/sys/vm/mmap_rnd_bits", "r");
	int bits = 0;

	if (f != NULL) {
		if (fscanf(f, "%d", &bits) != 1)
			bits = 0;
		fclose(f);
	}
	/* What setarch -R does; where it is not allowed, TSan says so itself. */
	if (bits > TSAN_RND_BITS_MAX)
		personality((unsigned long)personality(0xffffffff) | ADDR_NO_RANDOMIZE);
	snprintf(opts, sizeof(opts), "halt_on_error=%d:exitcode=%d:second_deadlock_stack=1%s%s", log_path == NULL,
		 LAB_EXEC_TSAN_EXIT, log_path != NULL ? ":log_path=" : "", log_path != NULL ? log_path : "");
	setenv("TSAN_OPTIONS", opts, 1);
}

/* What a status is. */
const char *lab_exec_status_text(enum lab_exec_status s)
{
	switch (s) {
	case LAB_EXEC_OK:
		return "ok";
	case LAB_EXEC_FAILED:
		return "failed";
	case LAB_EXEC_TIMEOUT:
		return "timed out";
	case LAB_EXEC_NOT_RUN:
		return "could not be started";
	case LAB_EXEC_STOPPED:
		return "stopped";
	}
	return "?";
}

/* Appends a frame line "    #0 func /dir/file.c:12 (bin+0x1f)" as "    #0 func file.c:12"; returns the new length. */
static size_t put_frame(char *out, size_t used, size_t n, const char *line, size_t len)
{
	char copy[512], *w[4] = { NULL };
	int k = 0;

	snprintf(copy, sizeof(copy), "%.*s", (int)(len < sizeof(copy) ? len : sizeof(copy) - 1), line);
	for (char *save = NULL, *tok = strtok_r(copy, " ", &save); tok != NULL && k < 4;
	     tok = strtok_r(NULL, " ", &save))
		w[k++] = tok;
	if (k < 3)
		return used;
	const char *where = strrchr(w[2], '/');
	int m = snprintf(out + used, n - used, "    %s %s %s\n", w[0], w[1], where != NULL ? where + 1 : w[2]);
	return m < 0 || (size_t)m >= n - used ? used : used + (size_t)m;
}

/* Appends one line as it is (without a trailing "(bin+0x..)"); returns the new length. */
static size_t put_line(char *out, size_t used, size_t n, const char *line, size_t len)
{
	const char *paren = memchr(line, '(', len);

	if (paren != NULL && memmem(paren, len - (size_t)(paren - line), "+0x", 3) != NULL)
		len = (size_t)(paren - line);
	while (len > 0 && line[len - 1] == ' ')
		len--;
	int m = snprintf(out + used, n - used, "%.*s\n", (int)len, line);
	return m < 0 || (size_t)m >= n - used ? used : used + (size_t)m;
}

/* The gist of the first TSan report. */
bool lab_exec_tsan_excerpt(const char *text, char *out, size_t n)
{
	const char *p = strstr(text, "WARNING: ThreadSanitizer:");
	size_t used = 0;
	int frames = 0;
	bool stack = false;

	if (n > 0)
		out[0] = '\0';
	if (p == NULL || n == 0)
		return false;
	for (; *p != '\0' && used + 1 < n;) {
		size_t len = strcspn(p, "\n");
		const char *q = p;
		while (*q == ' ')
			q++;
		if (strncmp(p, "WARNING: ThreadSanitizer:", 25) == 0) {
			const char *pid = memmem(p, len, " (pid=", 6);
			used = put_line(out, used, n, p, pid != NULL ? (size_t)(pid - p) : len);
		} else if (strncmp(p, "SUMMARY: ThreadSanitizer", 24) == 0) {
			used = put_line(out, used, n, p, len);
			break;
		} else if (*q == '#') {
			if (stack && frames++ < 2)
				used = put_frame(out, used, n, p, len);
		} else if (q != p && (strncmp(q, "Write", 5) == 0 || strncmp(q, "Read", 4) == 0 ||
				      strncmp(q, "Previous", 8) == 0 || strncmp(q, "Atomic", 6) == 0 ||
				      strncmp(q, "Location", 8) == 0)) {
			used = put_line(out, used, n, p, len);
			stack = true;
			frames = 0;
		} else if (q != p) {
			/* A mutex's or a thread's story: its stack is not the race's. */
			stack = false;
		}
		p += len + (p[len] == '\n');
	}
	return true;
}

/* In the child: its own group, dying with us, output on the pipe; execs or reports errno on err. */
static void child(const struct lab_exec *x, pid_t parent, int out, int err)
{
	int devnull = open("/dev/null", O_RDONLY);
	int e;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* mcscope may have died before prctl took effect. */
	if (getppid() != parent)
		_exit(127);
	stop_default();
	if (devnull >= 0)
		dup2(devnull, 0);
	dup2(out, 1);
	dup2(out, 2);
	if (x->tsan)
		lab_exec_tsan_child(x->tsan_log);
	execvp(x->argv[0], x->argv);
	e = errno;
	if (write(err, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* Waits until the deadline for pid to exit, then kills its group; returns its wait status. */
static int reap(pid_t pid, uint64_t deadline)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), status = 0;

	for (;;) {
		pid_t got = waitpid(pid, &status, WNOHANG);
		if (got == pid || (got < 0 && errno != EINTR))
			break;
		uint64_t now = now_ms();
		if (now >= deadline || pidfd < 0) {
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		poll(&p, 1, (int)(deadline - now));
	}
	if (pidfd >= 0)
		close(pidfd);
	return status;
}

/* Runs a program. */
enum lab_exec_status lab_exec_run(const struct lab_exec *x, char *out, size_t n, int *code)
{
	enum lab_exec_status rc = LAB_EXEC_OK;
	uint64_t deadline = now_ms() + (uint64_t)x->timeout_ms;
	int pipefd[2] = { -1, -1 }, errpipe[2] = { -1, -1 }, log = -1, e = 0;
	size_t used = 0;
	char buf[4096];
	pid_t pid;

	out[0] = '\0';
	*code = -1;
	if (x->log != NULL && (log = open(x->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		diag_error("cannot create %s: %s", x->log, strerror(errno));
		return LAB_EXEC_NOT_RUN;
	}
	if (pipe2(pipefd, O_CLOEXEC) != 0 || pipe2(errpipe, O_CLOEXEC) != 0) {
		diag_error("pipe: %s", strerror(errno));
		rc = LAB_EXEC_NOT_RUN;
		goto out;
	}
	pid_t parent = getpid();
	pid = stop_fork();
	if (pid < 0) {
		diag_error("fork: %s", strerror(errno));
		rc = LAB_EXEC_NOT_RUN;
		goto out;
	}
	if (pid == 0)
		child(x, parent, pipefd[1], errpipe[1]);
	/* Both sides set the group, so it holds whichever runs first. */
	setpgid(pid, pid);
	close(pipefd[1]);
	close(errpipe[1]);
	pipefd[1] = errpipe[1] = -1;
	for (;;) {
		struct pollfd p[2] = { { .fd = pipefd[0], .events = POLLIN }, { .fd = stop_fd(), .events = POLLIN } };
		uint64_t now = now_ms();
		if (now >= deadline) {
			rc = LAB_EXEC_TIMEOUT;
			break;
		}
		int ready = poll(p, 2, (int)(deadline - now));
		if (ready < 0 && errno == EINTR)
			continue;
		if (p[1].revents != 0) {
			rc = LAB_EXEC_STOPPED;
			break;
		}
		if (ready <= 0)
			continue;
		ssize_t got = read(pipefd[0], buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (log >= 0 && write(log, buf, (size_t)got) != got) {
			diag_error("cannot write %s: %s", x->log, strerror(errno));
			close(log);
			log = -1;
		}
		size_t keep = used + 1 < n ? n - 1 - used : 0;
		keep = keep < (size_t)got ? keep : (size_t)got;
		memcpy(out + used, buf, keep);
		used += keep;
		out[used] = '\0';
	}
	if (rc != LAB_EXEC_OK)
		kill(-pid, SIGKILL);
	int status = reap(pid, rc == LAB_EXEC_OK ? now_ms() + EXIT_WAIT_MS : now_ms());
	if (read(errpipe[0], &e, sizeof(e)) == (ssize_t)sizeof(e)) {
		diag_error("cannot run %s: %s", x->argv[0], strerror(e));
		rc = LAB_EXEC_NOT_RUN;
		goto out;
	}
	*code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	if (rc == LAB_EXEC_OK && *code != 0)
		rc = LAB_EXEC_FAILED;
out:
	for (int i = 0; i < 2; i++) {
		if (pipefd[i] >= 0)
			close(pipefd[i]);
		if (errpipe[i] >= 0)
			close(errpipe[i]);
	}
	if (log >= 0)
		close(log);
	return rc;
}

/* The last lines of a program's output. */
const char *lab_exec_tail(const char *text, int lines)
{
	const char *p = text + strlen(text);

	if (p > text && p[-1] == '\n')
		p--;
	while (p > text && lines > 0)
		if (*--p == '\n')
			lines--;
	return p == text ? p : p + 1;
}
