/*
 * cli_run.h: runs build/tui/mcscope (named by $MCSCOPE_BIN) as a child
 * process for the CLI tests, with its output in temporary files and a
 * deadline on every wait, so that a hang fails a test instead of stalling it.
 */
#ifndef MCSCOPE_TESTS_CLI_RUN_H
#define MCSCOPE_TESTS_CLI_RUN_H

#include <stdbool.h>
#include <sys/types.h>

/* How long a run may take before it is killed and the test fails. */
#define CLI_DEADLINE_MS 15000

struct cli_proc {
	pid_t pid;
	int out_fd;    /* the child's stdout (a temp file), or -1 when the caller gave one */
	int err_fd;    /* the child's stderr (a temp file) */
};

struct cli_opts {
	const char *stdin_text;     /* NULL: /dev/null */
	const char *const *env;     /* "NAME=value" to set, "NAME" to unset; NULL-terminated */
	const char *cwd;            /* NULL: the test's */
	int stdout_fd;              /* -1: a temp file; else this fd (e.g. a pipe) */
};

/* Starts mcscope with args (NULL-terminated, without argv[0]); false with a message on failure. */
bool cli_start(struct cli_proc *p, const char *const *args, const struct cli_opts *opts);

/* Waits up to ms; returns the exit status, 128 + N for signal N, or -1 on timeout (then killed). */
int cli_wait(struct cli_proc *p, int ms);

/* Returns what the child has written to fd so far (malloc'd, nul-terminated). */
char *cli_slurp(int fd);

/* Closes the temp files. */
void cli_done(struct cli_proc *p);

/* Runs mcscope to completion; *out and *err get its output (malloc'd). Returns as cli_wait. */
int cli_run(const char *const *args, const struct cli_opts *opts, char **out, char **err);

#endif
