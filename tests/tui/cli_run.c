#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_run.h"

/* Makes an unlinked temp file; -1 on failure. */
static int temp_file(void)
{
	char name[] = "/tmp/mcscope-test-out.XXXXXX";
	int fd = mkstemp(name);

	if (fd >= 0)
		unlink(name);
	return fd;
}

/* Starts the child. */
bool cli_start(struct cli_proc *p, const char *const *args, const struct cli_opts *opts)
{
	static const struct cli_opts none = { .stdout_fd = -1 };
	const char *bin = getenv("MCSCOPE_BIN");
	const char *argv[64] = { "mcscope" };
	int in_fd, argc = 1;

	if (opts == NULL)
		opts = &none;
	if (bin == NULL) {
		fprintf(stderr, "cli_run: MCSCOPE_BIN is not set (meson test sets it)\n");
		return false;
	}
	while (*args != NULL && argc < 63)
		argv[argc++] = *args++;
	argv[argc] = NULL;

	p->out_fd = opts->stdout_fd >= 0 ? -1 : temp_file();
	p->err_fd = temp_file();
	in_fd = opts->stdin_text != NULL ? temp_file() : open("/dev/null", O_RDONLY);
	if ((opts->stdout_fd < 0 && p->out_fd < 0) || p->err_fd < 0 || in_fd < 0) {
		fprintf(stderr, "cli_run: temp files: %s\n", strerror(errno));
		return false;
	}
	if (opts->stdin_text != NULL) {
		size_t n = strlen(opts->stdin_text);
		if (write(in_fd, opts->stdin_text, n) != (ssize_t)n || lseek(in_fd, 0, SEEK_SET) != 0)
			return false;
	}
	fflush(NULL);
	p->pid = fork();
	if (p->pid < 0)
		return false;
	if (p->pid == 0) {
		dup2(in_fd, STDIN_FILENO);
		dup2(opts->stdout_fd >= 0 ? opts->stdout_fd : p->out_fd, STDOUT_FILENO);
		dup2(p->err_fd, STDERR_FILENO);
		for (const char *const *e = opts->env; e != NULL && *e != NULL; e++) {
			const char *eq = strchr(*e, '=');
			if (eq == NULL) {
				unsetenv(*e);
			} else {
				char name[128];
				snprintf(name, sizeof(name), "%.*s", (int)(eq - *e), *e);
				setenv(name, eq + 1, 1);
			}
		}
		if (opts->cwd != NULL && chdir(opts->cwd) != 0)
			_exit(126);
		/* The test may block signals; the tool must start as a shell would start it. */
		sigset_t none_blocked;
		sigemptyset(&none_blocked);
		sigprocmask(SIG_SETMASK, &none_blocked, NULL);
		signal(SIGPIPE, SIG_DFL);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(in_fd);
	return true;
}

/* Milliseconds on the monotonic clock. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for the child. */
int cli_wait(struct cli_proc *p, int ms)
{
	long long deadline = now_ms() + ms;
	int status;

	for (;;) {
		pid_t r = waitpid(p->pid, &status, WNOHANG);
		if (r == p->pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_ms() > deadline) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &status, 0);
			return -1;
		}
		usleep(2000);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* Reads a temp file from its start. */
char *cli_slurp(int fd)
{
	struct stat st;
	char *buf;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) != 0)
		return strdup("");
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL)
		return NULL;
	n = pread(fd, buf, (size_t)st.st_size, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Closes the temp files. */
void cli_done(struct cli_proc *p)
{
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	p->out_fd = p->err_fd = -1;
}

/* Runs to completion. */
int cli_run(const char *const *args, const struct cli_opts *opts, char **out, char **err)
{
	struct cli_proc p;
	int rc;

	if (!cli_start(&p, args, opts)) {
		*out = strdup("");
		*err = strdup("cli_start failed");
		return -2;
	}
	rc = cli_wait(&p, CLI_DEADLINE_MS);
	*out = cli_slurp(p.out_fd);
	*err = cli_slurp(p.err_fd);
	cli_done(&p);
	return rc;
}
