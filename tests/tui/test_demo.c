/*
 * mcscope demo as a script runs it (--once, no terminal): it starts the
 * server and the workload, prints a frame, and leaves neither process nor
 * its private directory behind; a server that cannot start is reported
 * with its own words. The terminal side (keys, signals, the pane closing)
 * is tests/clients/demo_tmux.sh.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_run.h"

static char tmpdir[] = "/tmp/mcscope-test-demo-XXXXXX";
static char tmpdir_env[64];

/* A fresh directory for the demo's own. */
static void setup(void)
{
	strcpy(tmpdir, "/tmp/mcscope-test-demo-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	snprintf(tmpdir_env, sizeof(tmpdir_env), "TMPDIR=%s", tmpdir);
}

/* Fails when the demo left anything in its directory. */
static void expect_nothing_left(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		cr_expect(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0,
			  "the demo left %s/%s behind", tmpdir, e->d_name);
	closedir(d);
}

/* Removes the directory (empty when the test passed). */
static void teardown(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(demo, .init = setup, .fini = teardown);

Test(demo, once_prints_a_frame_and_stops_everything)
{
	const char *env[] = { tmpdir_env, "XDG_RUNTIME_DIR", NULL };
	struct cli_opts opts = { .env = env, .stdout_fd = -1 };
	const char *args[] = { "demo", "-t", "3", "--once", "--size", "100x30", NULL };
	char *out, *err;
	int rc = cli_run(args, &opts, &out, &err);
	int pid = 0;

	cr_assert_eq(rc, 0, "exit %d\nstdout:\n%s\nstderr:\n%s", rc, out, err);
	cr_expect(strstr(out, " 3 threads ") != NULL, "no '3 threads' in the header:\n%s", out);
	for (int w = 0; w < 3; w++) {
		char row[8];
		snprintf(row, sizeof(row), "\n w%d ", w);
		cr_expect(strstr(out, row) != NULL, "no row for w%d:\n%s", w, out);
	}
	cr_expect(strstr(out, "\n w3 ") == NULL, "a fourth worker:\n%s", out);
	cr_assert(sscanf(out, " mcscope live pid %d", &pid) == 1 && pid > 0, "no server pid:\n%s", out);
	cr_expect(kill(pid, 0) != 0 && errno == ESRCH, "the server (pid %d) is still there", pid);
	expect_nothing_left();
	free(out);
	free(err);
}

Test(demo, a_server_that_cannot_start_is_reported)
{
	const char *env[] = { tmpdir_env, "XDG_RUNTIME_DIR", NULL };
	struct cli_opts opts = { .env = env, .stdout_fd = -1 };
	const char *args[] = { "demo", "--server", "/nonexistent/mcscoped", "--once", NULL };
	char *out, *err;
	int rc = cli_run(args, &opts, &out, &err);

	cr_expect_eq(rc, 1, "exit %d\nstderr:\n%s", rc, err);
	cr_expect(strstr(err, "mcscope demo: the server (/nonexistent/mcscoped) did not start") != NULL,
		  "stderr:\n%s", err);
	cr_expect(strstr(err, "cannot run /nonexistent/mcscoped: No such file or directory") != NULL,
		  "the server's own words are missing:\n%s", err);
	cr_expect_str_eq(out, "");
	expect_nothing_left();
	free(out);
	free(err);
}

Test(demo, a_server_that_refuses_its_flags_is_reported)
{
	const char *env[] = { tmpdir_env, "XDG_RUNTIME_DIR", "MCSCOPED=/bin/false", NULL };
	struct cli_opts opts = { .env = env, .stdout_fd = -1 };
	const char *args[] = { "demo", "--once", NULL };
	char *out, *err;
	int rc = cli_run(args, &opts, &out, &err);

	cr_expect_eq(rc, 1, "exit %d\nstderr:\n%s", rc, err);
	cr_expect(strstr(err, "the server (/bin/false) did not start") != NULL, "stderr:\n%s", err);
	expect_nothing_left();
	free(out);
	free(err);
}

Test(demo, list_scenes_needs_no_terminal_and_names_each_scene)
{
	const char *args[] = { "demo", "--list-scenes", NULL };
	char *out, *err;
	int rc = cli_run(args, NULL, &out, &err);

	cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
	cr_expect(strstr(out, " 1  overview ") == out, "the overview first:\n%s", out);
	cr_expect_not_null(strstr(out, "\n 4  cq-backlog     CQ backlog\n"), "%s", out);
	cr_expect_not_null(strstr(out, "mcscope demo --scene NAME"), "how to start one:\n%s", out);
	cr_expect_str_eq(err, "");
	free(out);
	free(err);
}

Test(demo, an_unknown_scene_lists_the_scenes)
{
	const char *args[] = { "demo", "--scene", "cq", "--once", NULL };
	char *out, *err;
	int rc = cli_run(args, NULL, &out, &err);

	cr_expect_eq(rc, 64, "exit %d", rc);
	cr_expect_not_null(strstr(err, "mcscope demo: --scene: no scene 'cq'; the scenes are: overview, "
				       "round-robin, handoff, cq-backlog,"),
			   "%s", err);
	cr_expect_str_eq(out, "");
	free(out);
	free(err);
}

Test(demo, a_scene_by_number_starts_its_own_server)
{
	const char *env[] = { tmpdir_env, "XDG_RUNTIME_DIR", NULL };
	struct cli_opts opts = { .env = env, .stdout_fd = -1 };
	/* udp: its conns exist from the server's start, so the first frame already shows them. */
	const char *args[] = { "demo", "--scene", "8", "--once", "--size", "120x30", NULL };
	char *out, *err;
	int rc = cli_run(args, &opts, &out, &err);

	cr_assert_eq(rc, 0, "exit %d\nstdout:\n%s\nstderr:\n%s", rc, out, err);
	cr_expect_not_null(strstr(out, "\n Scene 8/9  UDP: a conn per worker  "), "%s", out);
	cr_expect_not_null(strstr(out, " 4 threads "), "%s", out);
	for (int w = 0; w < 4; w++) {
		char row[32];
		snprintf(row, sizeof(row), " w%d   udp  read ", w);
		cr_expect_not_null(strstr(out, row), "no UDP conn on w%d:\n%s", w, out);
	}
	expect_nothing_left();
	free(out);
	free(err);
}

/* Makes a directory like a run's in tmpdir, with an owner file holding pid (0: none); returns its path. */
static char *fake_run_dir(const char *name, pid_t pid)
{
	static char dirs[3][128];
	static int next;
	char *dir = dirs[next++ % 3], path[192];

	snprintf(dir, sizeof(dirs[0]), "%s/%s", tmpdir, name);
	cr_assert_eq(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/mcscoped.log", dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fclose(f);
	if (pid != 0) {
		snprintf(path, sizeof(path), "%s/owner", dir);
		f = fopen(path, "w");
		cr_assert_not_null(f);
		fprintf(f, "%ld\n", (long)pid);
		fclose(f);
	}
	return dir;
}

Test(demo, a_start_sweeps_away_only_what_dead_runs_left)
{
	const char *env[] = { tmpdir_env, "XDG_RUNTIME_DIR", NULL };
	struct cli_opts opts = { .env = env, .stdout_fd = -1 };
	const char *args[] = { "demo", "--once", NULL };
	char *out, *err;

	/* A process that is gone: a child, reaped. */
	pid_t dead = fork();
	cr_assert_geq(dead, 0);
	if (dead == 0)
		_exit(0);
	cr_assert_eq(waitpid(dead, NULL, 0), dead);
	char *stale = fake_run_dir("mcscope-demo-stale1", dead);
	char *alive = fake_run_dir("mcscope-demo-alive1", getpid());
	char *unknown = fake_run_dir("mcscope-demo-other1", 0);

	int rc = cli_run(args, &opts, &out, &err);
	cr_expect_eq(rc, 0, "%s", err);
	cr_expect(access(stale, F_OK) != 0, "a dead run's directory stayed");
	cr_expect(access(alive, F_OK) == 0, "a live run's directory was swept");
	cr_expect(access(unknown, F_OK) == 0, "a directory without an owner was swept");
	free(out);
	free(err);
}
