/*
 * CLI tests: build/tui/mcscope as a user runs it: help, bad command lines,
 * no server, export, and events/ctl/record against a fake server that
 * speaks src/PROTOCOL.md. The command table (cmd.h) is linked in, so that
 * every command and every option it declares is tried.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_run.h"
#include "dashboard_opts.h"
#include "key_table.h"
#include "cmd.h"
#include "fake_server.h"
#include "json_check.h"

#define EXIT_USAGE 64
#define EXIT_DATAERR 65
#define EXIT_NOINPUT 66
#define EXIT_UNAVAILABLE 69
#define EXIT_CANTCREAT 73

/* What a server sends a client on connect, cut short: hello, snapshot, two events. */
static const char greeting[] =
	"ts=913402211 seq=14 thr=main ev=hello v=1 pid=4242 threads=2 dispatch=rr tcp=11211 udp=0 maxconns=1024 reqs_per_event=20 states=conn_listening,conn_new_cmd,conn_waiting,conn_read,conn_parse_cmd,conn_write,conn_nread,conn_swallow,conn_closing,conn_mwrite,conn_closed\n"
	"ts=913402230 seq=14 thr=w0 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0\n"
	"ts=913402231 seq=14 thr=w1 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0\n"
	"ts=913402240 seq=14 thr=main ev=snapshot_conn conn=1 fd=9 transport=tcp state=conn_listening\n"
	"ts=913402251 seq=14 thr=main ev=snapshot_end last=w1 next=w0\n"
	"ts=2100440012 seq=16 thr=main ev=dispatch conn=2 fd=12 to=w0 last=w1 dispatch=rr transport=tcp init=conn_new_cmd\n"
	"ts=2100461102 seq=20 thr=w0 ev=cq_pop conn=2 depth=0\n";

/* Lines a server may send while a command is on its way. */
static const char interleaved[] = "ts=2200000000 seq=30 thr=main ev=paused\n";

/* Runs mcscope and checks its exit status; returns stdout and stderr through out/err. */
static void run(const char *const *args, const struct cli_opts *opts, int want, char **out,
		char **err)
{
	int rc = cli_run(args, opts, out, err);

	cr_assert_eq(rc, want, "mcscope %s ...: exit %d, want %d\nstdout: %s\nstderr: %s", args[0],
		     rc, want, *out, *err);
}

/* Counts the lines of s. */
static int lines_of(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

Test(cli, help_lists_every_command)
{
	const char *args[] = { "--help", NULL };
	char *out, *err;

	run(args, NULL, 0, &out, &err);
	cr_expect(strstr(out, "Usage: mcscope [--socket PATH") != NULL, "%s", out);
	cr_expect(strstr(out, "mcscope COMMAND [OPTIONS]") != NULL, "%s", out);
	for (const char *const *cmd = (const char *const[]){ "events", "ctl", "record", "export", NULL };
	     *cmd != NULL; cmd++) {
		char want[32];
		snprintf(want, sizeof(want), "\n  %s ", *cmd);
		cr_expect(strstr(out, want) != NULL, "--help does not list %s:\n%s", *cmd, out);
	}
	cr_expect_str_eq(err, "");
	free(out);
	free(err);
}

Test(cli, help_keys_prints_every_key_table)
{
	const char *args[] = { "help", "keys", NULL };
	const struct key_table *tables[] = { &key_table_live, &key_table_replay };
	char *out, *err;

	run(args, NULL, 0, &out, &err);
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		char *table;
		size_t n;
		FILE *f = open_memstream(&table, &n);

		cr_assert_not_null(f);
		key_table_write_markdown(tables[i], f);
		fclose(f);
		cr_expect(strstr(out, tables[i]->title) != NULL, "no '%s' in:\n%s", tables[i]->title, out);
		cr_expect(strstr(out, table) != NULL, "'help keys' lacks the table:\n%s\nin:\n%s", table, out);
		free(table);
	}
	/* And the demo's own, after the live ones. */
	char *own;
	size_t n = 0;
	FILE *f = open_memstream(&own, &n);
	cr_assert_not_null(f);
	key_list_write_markdown(key_bindings_demo, f);
	fclose(f);
	cr_expect(strstr(out, own) != NULL, "'help keys' lacks the demo's keys:\n%s\nin:\n%s", own, out);
	free(own);
	cr_expect_str_eq(err, "");
	free(out);
	free(err);
}

Test(cli, each_command_has_help)
{
	static const char *const cmds[] = { "events", "ctl", "record", "export" };

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *args[] = { cmds[i], "--help", NULL };
		const char *help_args[] = { "help", cmds[i], NULL };
		char want[64], *out, *err, *out2, *err2;

		snprintf(want, sizeof(want), "Usage: mcscope %s ", cmds[i]);
		run(args, NULL, 0, &out, &err);
		cr_expect_eq(strncmp(out, want, strlen(want)), 0, "%s --help:\n%s", cmds[i], out);
		cr_expect(strstr(out, "Exit status") != NULL, "%s --help has no exit statuses", cmds[i]);
		run(help_args, NULL, 0, &out2, &err2);
		cr_expect_str_eq(out2, out, "'mcscope help %s' differs from '%s --help'", cmds[i],
				 cmds[i]);
		free(out);
		free(err);
		free(out2);
		free(err2);
	}
}

Test(cli, version)
{
	const char *args[] = { "--version", NULL };
	char *out, *err;

	run(args, NULL, 0, &out, &err);
	cr_expect_eq(strncmp(out, "mcscope ", 8), 0, "%s", out);
	cr_expect(strstr(out, "protocol v1") != NULL, "%s", out);
	free(out);
	free(err);
}

Test(cli, bad_command_lines_exit_64_with_a_message)
{
	static const char *const cases[][7] = {
		{ NULL },
		{ "frobnicate", NULL },
		{ "events", "--bogus", NULL },
		{ "events", "-x", NULL },
		{ "events", "stray", NULL },
		{ "events", "-p", "0", NULL },
		{ "events", "-p", "65536", NULL },
		{ "events", "-p", "12ab", NULL },
		{ "events", "-p", NULL },
		{ "events", "--socket", "", NULL },
		{ "events", "--socket", "/x.sock", "-p", "5", NULL },
		{ "events", "--filter", "ev=nosuchevent", NULL },
		{ "events", "--filter", "thr=w1x", NULL },
		{ "events", "--filter", "colour=red", NULL },
		{ "events", "--filter", "ev=", NULL },
		{ "events", "--filter", "off ev=dispatch", NULL },
		{ "events", "--filter", "", NULL },
		{ "ctl", NULL },
		{ "ctl", "frobnicate", NULL },
		{ "ctl", "--bogus", "pause", NULL },
		{ "record", "--duration", "-1", NULL },
		{ "record", "--duration", "soon", NULL },
		{ "record", "--duration", "nan", NULL },
		{ "record", "-o", "", NULL },
		{ "record", "extra", NULL },
		{ "export", "in.trace", NULL },
		{ "export", "--perfetto", NULL },
		{ "export", "--perfetto", "a", "b", "c", NULL },
		{ "export", "--chrome", "a", NULL },
		{ "demo", NULL },
		{ "demo", "-t", "0", "--once", NULL },
		{ "demo", "-t", "257", "--once", NULL },
		{ "demo", "-c", "2.5", "--once", NULL },
		{ "demo", "-r", "0", "--once", NULL },
		{ "demo", "--reconnect-interval", "x", "--once", NULL },
		{ "demo", "--server", "", "--once", NULL },
		{ "demo", "--frames", "0", NULL },
		{ "demo", "--once", "stray", NULL },
		{ "demo", "--scene", "nope", "--once", NULL },
		{ "demo", "--scene", "0", "--once", NULL },
		{ "demo", "--scene", "udp", "-t", "2", "--once", NULL },
		{ "demo", "--slowmo", "10", "--once", NULL },
		{ "demo", "--slowmo", "fast", "--once", NULL },
		{ "demo", "--list-scenes", "stray", NULL },
		{ "demo", "--theme", "neon", "--once", NULL },
		{ "lab", "frobnicate", NULL },
		{ "lab", "check", NULL },
		{ "lab", "hint", "1", "extra", NULL },
		{ "lab", "list", "--json", "r.json", NULL },
		{ "lab", "list", "--seed", "x", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out, *err;
		int rc = cli_run(cases[i], NULL, &out, &err);

		cr_expect_eq(rc, EXIT_USAGE, "case %zu (%s %s %s): exit %d\n%s", i,
			     cases[i][0] ? cases[i][0] : "", cases[i][0] && cases[i][1] ? cases[i][1] : "",
			     cases[i][0] && cases[i][1] && cases[i][2] ? cases[i][2] : "", rc, err);
		cr_expect(strncmp(err, "mcscope", 7) == 0 || strncmp(err, "Usage", 5) == 0,
			  "case %zu: stderr '%s'", i, err);
		cr_expect_str_eq(out, "", "case %zu wrote to stdout", i);
		free(out);
		free(err);
	}
}

Test(cli, every_theme_is_named_in_the_help_and_a_bad_one_lists_them)
{
	const char *help[] = { "demo", "--help", NULL };
	const char *bad[] = { "demo", "--theme", "neon", "--once", NULL };
	char *out, *err;

	run(help, NULL, 0, &out, &err);
	for (int t = 0; t < DASHBOARD_THEME_COUNT; t++)
		cr_expect(strstr(out, dashboard_theme_name((enum dashboard_theme)t)) != NULL,
			  "--help lacks the theme %s:\n%s", dashboard_theme_name((enum dashboard_theme)t), out);
	free(out);
	free(err);
	run(bad, NULL, EXIT_USAGE, &out, &err);
	cr_expect(strstr(err, "--theme: unknown theme 'neon' (allowed: default, contrast, mono)") != NULL, "%s", err);
	free(out);
	free(err);
}

Test(cli, a_bad_flag_names_itself_and_points_to_help)
{
	const char *args[] = { "events", "--bogus", NULL };
	char *out, *err;

	run(args, NULL, EXIT_USAGE, &out, &err);
	cr_expect_str_eq(err, "mcscope events: unrecognized option '--bogus'\n"
			 "Try 'mcscope events --help'.\n");
	free(out);
	free(err);
}

Test(cli, no_server_names_the_socket_and_exits_69)
{
	const char *args[] = { "ctl", "--socket", "/nonexistent/mcscope/1.sock", "pause", NULL };
	char *out, *err;

	run(args, NULL, EXIT_UNAVAILABLE, &out, &err);
	cr_expect(strstr(err, "/nonexistent/mcscope/1.sock") != NULL, "%s", err);
	cr_expect(strstr(err, "cannot connect") != NULL, "%s", err);
	free(out);
	free(err);
}

Test(cli, the_port_names_the_socket_under_xdg_runtime_dir)
{
	const char *env[] = { "XDG_RUNTIME_DIR=/nonexistent-run", NULL };
	struct cli_opts opts = { .env = env, .stdout_fd = -1 };
	const char *args[] = { "events", "-p", "4321", NULL };
	const char *env2[] = { "XDG_RUNTIME_DIR", NULL };
	struct cli_opts opts2 = { .env = env2, .stdout_fd = -1 };
	const char *args2[] = { "record", NULL };
	char want[64], *out, *err;

	run(args, &opts, EXIT_UNAVAILABLE, &out, &err);
	cr_expect(strstr(err, "/nonexistent-run/mcscope/4321.sock") != NULL, "%s", err);
	free(out);
	free(err);
	/* Without XDG_RUNTIME_DIR, and the default port. */
	snprintf(want, sizeof(want), "/tmp/mcscope-%u/11211.sock", (unsigned)getuid());
	if (access(want, F_OK) == 0)
		cr_skip_test("a server is running on the default socket");
	run(args2, &opts2, EXIT_UNAVAILABLE, &out, &err);
	cr_expect(strstr(err, want) != NULL, "%s", err);
	free(out);
	free(err);
}

/* Makes a temp dir for files. */
static void temp_dir(char *dir, size_t n)
{
	snprintf(dir, n, "/tmp/mcscope-test.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

/* Writes s to path. */
static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(s, f);
	fclose(f);
}

/* Reads a whole file (malloc'd); NULL when it does not exist. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	buf[fread(buf, 1, (size_t)n, f)] = '\0';
	fclose(f);
	return buf;
}

Test(cli, export_of_something_that_is_not_a_trace_exits_65)
{
	char dir[64], in[96], outp[96], *out, *err;
	const char *args[] = { "export", "--perfetto", in, NULL };

	temp_dir(dir, sizeof(dir));
	snprintf(in, sizeof(in), "%s/notes.txt", dir);
	snprintf(outp, sizeof(outp), "%s/notes.txt.json", dir);
	write_file(in, "dear diary\n");
	run(args, NULL, EXIT_DATAERR, &out, &err);
	cr_expect(strstr(err, "not an mcscope trace") != NULL, "%s", err);
	cr_expect_neq(access(outp, F_OK), 0, "an output file was made for a non-trace");
	free(out);
	free(err);
	unlink(in);
	rmdir(dir);
}

Test(cli, export_of_a_missing_file_exits_66)
{
	const char *args[] = { "export", "--perfetto", "/nonexistent/x.trace", NULL };
	char *out, *err;

	run(args, NULL, EXIT_NOINPUT, &out, &err);
	cr_expect(strstr(err, "/nonexistent/x.trace") != NULL, "%s", err);
	free(out);
	free(err);
}

/* Returns the line of text that holds what, from what on (malloc'd), or NULL. */
static char *line_from(const char *text, const char *what)
{
	const char *p = strstr(text, what);

	return p != NULL ? strndup(p, strcspn(p, "\n")) : NULL;
}

Test(cli, every_command_that_reads_a_trace_agrees_on_bad_input)
{
	char dir[64], junk[96], bad[96], *out, *err;
	/* Each reads FILE (the last but one word when "-" follows) and prints nothing to check. */
	static const char *const cmds[][5] = {
		{ "export", "--perfetto", NULL, "-", NULL },
		{ "replay", "--once", NULL, NULL },
	};
	const struct {
		const char *file;
		int want;
		const char *says;
	} inputs[] = {
		{ dir, EXIT_NOINPUT, "cannot read " },
		{ "/nonexistent/x.trace", EXIT_NOINPUT, "cannot read /nonexistent/x.trace" },
		{ junk, EXIT_DATAERR, "not an mcscope trace" },
		{ bad, 0, "malformed lines skipped" },
	};
	char *said[2] = { NULL, NULL };

	temp_dir(dir, sizeof(dir));
	snprintf(junk, sizeof(junk), "%s/junk.trace", dir);
	snprintf(bad, sizeof(bad), "%s/bad.trace", dir);
	write_file(junk, "dear diary\n");
	/* The greeting, then a w7 of a 2-worker server and a line longer than any line may be. */
	FILE *f = fopen(bad, "w");
	cr_assert_not_null(f);
	fputs(greeting, f);
	fputs("ts=913402299 seq=15 thr=w7 ev=yield conn=2\n", f);
	for (int i = 0; i < 100000; i++)
		fputs("ts=913402299 ", f);
	fputs("\nts=913402300 seq=16 thr=w1 ev=yield conn=2\n", f);
	cr_assert_eq(fclose(f), 0);
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		for (size_t c = 0; c < 2; c++) {
			const char *args[5];
			memcpy(args, cmds[c], sizeof(args));
			args[2] = inputs[i].file;
			run(args, NULL, inputs[i].want, &out, &err);
			cr_expect(strstr(err, inputs[i].says) != NULL, "%s %s: %s", args[0], inputs[i].file, err);
			if (inputs[i].want == 0)
				said[c] = line_from(err, bad);
			free(out);
			free(err);
		}
	}
	/* One reader, one count, one message. */
	cr_assert(said[0] != NULL && said[1] != NULL);
	cr_expect_str_eq(said[0], said[1]);
	cr_expect(strstr(said[0], ": 2 malformed lines skipped (the first: line 8, a worker the hello "
			 "did not announce)") != NULL, "%s", said[0]);
	free(said[0]);
	free(said[1]);
	unlink(junk);
	unlink(bad);
	rmdir(dir);
}

Test(cli, export_writes_json_next_to_the_trace)
{
	char dir[64], in[96], outp[96], err_msg[128], *out, *err, *json;
	const char *args[] = { "export", "--perfetto", in, NULL };
	const char *to_stdout[] = { "export", "--perfetto", in, "-", NULL };
	const char *bad_out[] = { "export", "--perfetto", in, "/nonexistent/out.json", NULL };
	const char *onto_itself[] = { "export", "--perfetto", in, in, NULL };
	struct json *v;

	temp_dir(dir, sizeof(dir));
	snprintf(in, sizeof(in), "%s/run.trace", dir);
	snprintf(outp, sizeof(outp), "%s/run.json", dir);
	write_file(in, greeting);
	run(args, NULL, 0, &out, &err);
	cr_expect(strstr(err, "7 lines") != NULL, "summary: %s", err);
	json = read_file(outp);
	cr_assert_not_null(json, "no %s", outp);
	v = json_parse(json, strlen(json), err_msg, sizeof(err_msg));
	cr_expect_not_null(v, "%s", err_msg);
	json_free(v);
	free(out);
	free(err);

	run(to_stdout, NULL, 0, &out, &err);
	cr_expect_str_eq(out, json);
	free(out);
	free(err);
	free(json);

	run(bad_out, NULL, EXIT_CANTCREAT, &out, &err);
	cr_expect(strstr(err, "/nonexistent/out.json") != NULL, "%s", err);
	free(out);
	free(err);

	run(onto_itself, NULL, EXIT_CANTCREAT, &out, &err);
	json = read_file(in);
	cr_expect_str_eq(json, greeting, "the input was overwritten");
	free(json);
	free(out);
	free(err);
	unlink(outp);
	unlink(in);
	rmdir(dir);
}

Test(cli, export_reads_standard_input)
{
	struct cli_opts opts = { .stdin_text = greeting, .stdout_fd = -1 };
	const char *args[] = { "export", "--perfetto", "-", NULL };
	char err_msg[128], *out, *err;
	struct json *v;

	run(args, &opts, 0, &out, &err);
	v = json_parse(out, strlen(out), err_msg, sizeof(err_msg));
	cr_expect_not_null(v, "%s", err_msg);
	json_free(v);
	free(out);
	free(err);
}

Test(cli, replay_reads_standard_input_through_a_temporary_copy)
{
	struct cli_opts opts = { .stdin_text = greeting, .stdout_fd = -1 };
	const char *args[] = { "replay", "--once", "--event", "end", "-", NULL };
	char *out, *err;

	/* A pipe cannot seek: stepping reads the copy again. */
	run(args, &opts, 0, &out, &err);
	cr_expect(strstr(out, " replay ") != NULL, "%s", out);
	cr_expect(strstr(out, "2 threads") != NULL, "%s", out);
	free(out);
	free(err);
}

/* Starts a fake server or fails the test. */
static void start_server(struct fake_server *s)
{
	cr_assert(fake_server_start(s, NULL));
}

Test(cli, events_prints_the_stream_until_the_server_goes)
{
	struct fake_server s = { .greeting = greeting, .hang_up = true };
	const char *args[] = { "events", "--socket", s.path, NULL };
	char *out, *err;

	start_server(&s);
	run(args, NULL, 0, &out, &err);
	cr_expect_str_eq(out, greeting);
	cr_expect(strstr(err, "the server closed the stream") != NULL, "%s", err);
	fake_server_stop(&s);
	free(out);
	free(err);
}

Test(cli, events_finds_the_socket_by_port)
{
	struct fake_server s = { .greeting = greeting, .hang_up = true };
	char path[128], env_dir[96], sub[112];
	const char *env[] = { env_dir, NULL };
	struct cli_opts opts = { .env = env, .stdout_fd = -1 };
	const char *args[] = { "events", "-p", "23456", NULL };
	char *out, *err;

	cr_assert(fake_server_dir(&s));
	snprintf(sub, sizeof(sub), "%s/mcscope", s.dir);
	cr_assert_eq(mkdir(sub, 0700), 0);
	snprintf(path, sizeof(path), "%s/23456.sock", sub);
	snprintf(env_dir, sizeof(env_dir), "XDG_RUNTIME_DIR=%s", s.dir);
	cr_assert(fake_server_start(&s, path));
	run(args, &opts, 0, &out, &err);
	cr_expect_str_eq(out, greeting);
	fake_server_stop(&s);
	free(out);
	free(err);
}

Test(cli, events_sends_the_filter_first)
{
	struct fake_server s = { .greeting = greeting, .before_answer = interleaved,
				 .close_after = 1 };
	const char *args[] = { "events", "--socket", s.path, "--filter", "ev=dispatch,cq_push  thr=w2",
			       NULL };
	char *out, *err, *cmds, want[1024];

	start_server(&s);
	run(args, NULL, 0, &out, &err);
	cmds = fake_server_commands(&s);
	cr_expect_str_eq(cmds, "filter ev=dispatch,cq_push thr=w2\n");
	/* What came before the ok is printed too: it is part of the stream. */
	snprintf(want, sizeof(want), "%s%s", greeting, interleaved);
	cr_expect_str_eq(out, want);
	fake_server_stop(&s);
	free(cmds);
	free(out);
	free(err);
}

Test(cli, events_stops_when_the_filter_is_refused)
{
	struct fake_server s = { .greeting = greeting, .refuse_all = true };
	const char *args[] = { "events", "--socket", s.path, "--filter", "off", NULL };
	char *out, *err;

	start_server(&s);
	run(args, NULL, 1, &out, &err);
	cr_expect(strstr(err, "refused the filter: error refused") != NULL, "%s", err);
	fake_server_stop(&s);
	free(out);
	free(err);
}

Test(cli, events_turned_away_by_the_server_exits_69)
{
	struct fake_server s = {
		.greeting = "error permission denied: uid 1001 is not the server's\n",
		.hang_up = true,
	};
	const char *args[] = { "events", "--socket", s.path, NULL };
	char *out, *err;

	start_server(&s);
	run(args, NULL, EXIT_UNAVAILABLE, &out, &err);
	cr_expect(strstr(err, "permission denied") != NULL, "%s", err);
	cr_expect_str_eq(out, "");
	fake_server_stop(&s);
	free(out);
	free(err);
}

/* Waits until fd (a temp file) holds at least n bytes; false at the deadline. */
static bool wait_for_output(int fd, off_t n)
{
	for (int i = 0; i < CLI_DEADLINE_MS / 5; i++) {
		struct stat st;
		if (fstat(fd, &st) == 0 && st.st_size >= n)
			return true;
		usleep(5000);
	}
	return false;
}

Test(cli, events_exits_0_on_ctrl_c)
{
	struct fake_server s = { .greeting = greeting, .stream = true };
	const char *args[] = { "events", "--socket", s.path, NULL };
	struct cli_proc p;
	char *out;

	start_server(&s);
	cr_assert(cli_start(&p, args, NULL));
	cr_assert(wait_for_output(p.out_fd, (off_t)sizeof(greeting) + 1000), "no stream came");
	kill(p.pid, SIGINT);
	cr_expect_eq(cli_wait(&p, CLI_DEADLINE_MS), 0);
	out = cli_slurp(p.out_fd);
	cr_expect_eq(strncmp(out, greeting, strlen(greeting)), 0);
	/* Whole lines only, even when stopped in the middle of a burst. */
	cr_expect_eq(out[strlen(out) - 1], '\n');
	cli_done(&p);
	fake_server_stop(&s);
	free(out);
}

Test(cli, events_exits_0_when_its_reader_goes)
{
	/* mcscope events | head: the pipe closes under it. */
	struct fake_server s = { .greeting = greeting, .stream = true };
	const char *args[] = { "events", "--socket", s.path, NULL };
	struct cli_opts opts = { .stdout_fd = -1 };
	struct cli_proc p;
	int pfd[2];
	char *err;

	start_server(&s);
	cr_assert_eq(pipe(pfd), 0);
	close(pfd[0]);
	opts.stdout_fd = pfd[1];
	cr_assert(cli_start(&p, args, &opts));
	close(pfd[1]);
	cr_expect_eq(cli_wait(&p, CLI_DEADLINE_MS), 0);
	err = cli_slurp(p.err_fd);
	cr_expect_str_eq(err, "");
	cli_done(&p);
	fake_server_stop(&s);
	free(err);
}

Test(cli, ctl_sends_one_command_and_prints_the_answer)
{
	struct fake_server s = { .greeting = greeting, .before_answer = interleaved };
	const char *pause[] = { "ctl", "--socket", s.path, "pause", NULL };
	const char *step[] = { "ctl", "--socket", s.path, "step", "3", NULL };
	const char *freeze[] = { "ctl", "--socket", s.path, "freeze", "w9", NULL };
	const char *brk[] = { "ctl", "--socket", s.path, "break", "ev=dispatch,cq_pop", NULL };
	char *out, *err, *cmds;

	start_server(&s);
	run(pause, NULL, 0, &out, &err);
	cr_expect_str_eq(out, "ok\n"); /* the greeting and the interleaved event are not printed */
	cr_expect_str_eq(err, "");
	free(out);
	free(err);
	run(step, NULL, 0, &out, &err);
	cr_expect_str_eq(out, "ok 3\n");
	free(out);
	free(err);
	run(freeze, NULL, 1, &out, &err);
	cr_expect_str_eq(out, "error no worker w9 (w0-w1)\n");
	free(out);
	free(err);
	run(brk, NULL, 0, &out, &err);
	free(out);
	free(err);
	cmds = fake_server_commands(&s);
	cr_expect_str_eq(cmds, "pause\nstep 3\nfreeze w9\nbreak ev=dispatch,cq_pop\n");
	cr_expect_eq(fake_server_clients(&s), 4);
	fake_server_stop(&s);
	free(cmds);
}

Test(cli, ctl_from_standard_input_keeps_one_connection)
{
	struct fake_server s = { .greeting = greeting, .before_answer = interleaved };
	struct cli_opts opts = {
		.stdin_text = "pause\n\n# a comment\nstep\r\nfreeze w9\nresume\n",
		.stdout_fd = -1,
	};
	const char *args[] = { "ctl", "--socket", s.path, "-", NULL };
	char *out, *err, *cmds;

	start_server(&s);
	/* One error answer among them: exit 1, but every command was still sent. */
	run(args, &opts, 1, &out, &err);
	cr_expect_str_eq(out, "ok\nok\nerror no worker w9 (w0-w1)\nok\n");
	cmds = fake_server_commands(&s);
	cr_expect_str_eq(cmds, "pause\nstep\nfreeze w9\nresume\n");
	cr_expect_eq(fake_server_clients(&s), 1);
	fake_server_stop(&s);
	free(cmds);
	free(out);
	free(err);
}

Test(cli, ctl_when_the_server_hangs_up_before_answering)
{
	struct fake_server s = { .greeting = greeting, .hang_up = true };
	const char *args[] = { "ctl", "--socket", s.path, "resume", NULL };
	char *out, *err;

	start_server(&s);
	run(args, NULL, 1, &out, &err);
	cr_expect(strstr(err, "before answering 'resume'") != NULL, "%s", err);
	fake_server_stop(&s);
	free(out);
	free(err);
}

/* Parses record's summary "mcscope record: L lines, B bytes in S s to NAME". */
static bool summary(const char *err, unsigned long *lines, unsigned long *bytes, char *to,
		    size_t cap)
{
	double secs;
	char fmt[64];

	snprintf(fmt, sizeof(fmt), "mcscope record: %%lu lines, %%lu bytes in %%lf s to %%%zus", cap - 1);
	return sscanf(err, fmt, lines, bytes, &secs, to) == 4;
}

Test(cli, record_for_a_duration)
{
	struct fake_server s = { .greeting = greeting, .stream = true };
	char dir[64], file[96], to[128], *out, *err, *saved;
	const char *args[] = { "record", "--socket", s.path, "-o", file, "--duration", "0.3", NULL };
	unsigned long lines, bytes;

	start_server(&s);
	temp_dir(dir, sizeof(dir));
	snprintf(file, sizeof(file), "%s/r.trace", dir);
	run(args, NULL, 0, &out, &err);
	saved = read_file(file);
	cr_assert_not_null(saved);
	cr_expect_eq(strncmp(saved, greeting, strlen(greeting)), 0, "the hello and snapshot are not first");
	cr_assert(summary(err, &lines, &bytes, to, sizeof(to)), "no summary: %s", err);
	cr_expect_eq(lines, (unsigned long)lines_of(saved));
	cr_expect_eq(bytes, strlen(saved));
	cr_expect_gt(lines, 7u, "nothing streamed was saved");
	cr_expect_str_eq(to, file);
	cr_expect_eq(saved[strlen(saved) - 1], '\n');
	fake_server_stop(&s);
	free(saved);
	free(out);
	free(err);
	unlink(file);
	rmdir(dir);
}

Test(cli, record_to_standard_output_until_the_server_goes)
{
	struct fake_server s = { .greeting = greeting, .hang_up = true };
	const char *args[] = { "record", "--socket", s.path, "-o", "-", NULL };
	char *out, *err;

	start_server(&s);
	run(args, NULL, 0, &out, &err);
	cr_expect_str_eq(out, greeting);
	cr_expect(strstr(err, "mcscope record: 7 lines, ") != NULL, "%s", err);
	cr_expect(strstr(err, " to standard output\n") != NULL, "%s", err);
	fake_server_stop(&s);
	free(out);
	free(err);
}

Test(cli, record_stops_on_sigterm_into_a_dated_file)
{
	struct fake_server s = { .greeting = greeting, .stream = true };
	const char *args[] = { "record", "--socket", s.path, NULL };
	char dir[64], path[512], *err, *saved;
	struct cli_opts opts = { .cwd = dir, .stdout_fd = -1 };
	struct cli_proc p;
	struct dirent *d;
	DIR *dh;
	int found = 0;

	start_server(&s);
	temp_dir(dir, sizeof(dir));
	cr_assert(cli_start(&p, args, &opts));
	/* The file appears once the first line is in; wait for some stream to reach it. */
	for (int i = 0; i < 2000 && found == 0; i++) {
		dh = opendir(dir);
		while ((d = readdir(dh)) != NULL)
			if (strncmp(d->d_name, "mcscope-", 8) == 0 && strstr(d->d_name, ".trace") != NULL) {
				snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
				found = 1;
			}
		closedir(dh);
		usleep(5000);
	}
	cr_assert(found, "no mcscope-<date>.trace was made");
	for (int i = 0; i < 2000; i++) {
		struct stat st;
		if (stat(path, &st) == 0 && st.st_size > (off_t)sizeof(greeting) + 2000)
			break;
		usleep(5000);
	}
	kill(p.pid, SIGTERM);
	cr_expect_eq(cli_wait(&p, CLI_DEADLINE_MS), 0);
	err = cli_slurp(p.err_fd);
	cr_expect(strstr(err, "mcscope record: ") != NULL, "%s", err);
	saved = read_file(path);
	cr_expect_eq(strncmp(saved, greeting, strlen(greeting)), 0);
	cli_done(&p);
	fake_server_stop(&s);
	free(saved);
	free(err);
	unlink(path);
	rmdir(dir);
}

Test(cli, record_then_export)
{
	struct fake_server s = { .greeting = greeting, .stream = true };
	char dir[64], file[96], json_path[96], msg[128], *out, *err, *json;
	const char *rec[] = { "record", "--socket", s.path, "-o", file, "--duration", "0.2", NULL };
	const char *exp[] = { "export", "--perfetto", file, NULL };
	struct json *v;

	start_server(&s);
	temp_dir(dir, sizeof(dir));
	snprintf(file, sizeof(file), "%s/r.trace", dir);
	snprintf(json_path, sizeof(json_path), "%s/r.json", dir);
	run(rec, NULL, 0, &out, &err);
	free(out);
	free(err);
	run(exp, NULL, 0, &out, &err);
	json = read_file(json_path);
	cr_assert_not_null(json);
	v = json_parse(json, strlen(json), msg, sizeof(msg));
	cr_expect_not_null(v, "%s", msg);
	cr_expect(v != NULL && v->type == JSON_ARRAY && v->n > 20);
	json_free(v);
	fake_server_stop(&s);
	free(json);
	free(out);
	free(err);
	unlink(file);
	unlink(json_path);
	rmdir(dir);
}

/* The help cmd_help makes for e, in-process (malloc'd). */
static char *help_of(const struct cmd_entry *e)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	cmd_help(e, f);
	fclose(f);
	return text;
}

/* Fills args with e's name (none for the dashboard) and then rest; returns args. */
static const char **command_line(const char **args, const struct cmd_entry *e, const char *const *rest)
{
	size_t n = 0;

	if (e->name != NULL)
		args[n++] = e->name;
	while (*rest != NULL)
		args[n++] = *rest++;
	args[n] = NULL;
	return args;
}

/* Runs args, which end in a help option, and checks that e's help came out. */
static void expect_help(const struct cmd_entry *e, const char *const *args, const char *help,
			const char *what)
{
	char *out, *err;
	int rc = cli_run(args, NULL, &out, &err);

	cr_expect_eq(rc, 0, "%s: exit %d\n%s", what, rc, err);
	cr_expect_str_eq(out, help, "%s: not the help of '%s'", what, e->name ? e->name : "mcscope");
	cr_expect_str_eq(err, "", "%s", what);
	free(out);
	free(err);
}

Test(cli, every_option_is_accepted_and_in_its_help)
{
	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		const struct cmd_entry *e = cmd_table[i];
		const struct cli_option *blocks[CMD_BLOCKS];
		char *help = help_of(e);

		cmd_option_blocks(e, blocks);
		for (int b = 0; b < CMD_BLOCKS; b++) {
			for (size_t k = 0; blocks[b] != NULL && blocks[b][k].name != NULL; k++) {
				const struct cli_option *o = &blocks[b][k];
				char listed[96], long_form[64], short_form[4], what[128];
				const char *args[8];

				snprintf(listed, sizeof(listed), "--%s%s%s", o->name, o->arg ? " " : "",
					 o->arg ? o->arg : "");
				cr_expect_not_null(strstr(help, listed), "%s: '%s' is not in the help:\n%s",
						   e->name ? e->name : "mcscope", listed, help);
				snprintf(long_form, sizeof(long_form), "--%s", o->name);
				snprintf(short_form, sizeof(short_form), "-%c", o->letter);
				if (o->letter != 0) {
					snprintf(listed, sizeof(listed), "-%c, --%s", o->letter, o->name);
					cr_expect_not_null(strstr(help, listed), "%s: '%s' is not in the help",
							   e->name ? e->name : "mcscope", listed);
				}
				if (b == CMD_BLOCK_HELP) {
					/* The dashboard's own help needs one of its options first. */
					const char *rest[] = { e->name ? long_form : "--once", e->name ? NULL : long_form,
							       NULL };
					const char *rest_short[] = { e->name ? short_form : "--once",
								     e->name ? NULL : short_form, NULL };
					snprintf(what, sizeof(what), "%s %s", e->name ? e->name : "mcscope", long_form);
					expect_help(e, command_line(args, e, rest), help, what);
					if (o->letter != 0)
						expect_help(e, command_line(args, e, rest_short), help, what);
					continue;
				}
				/* Accepted: parsing goes on to the --help after it. */
				const char *rest[] = { long_form, o->arg ? "1" : "--help", o->arg ? "--help" : NULL,
						       NULL };
				const char *rest_short[] = { short_form, o->arg ? "1" : "--help",
							     o->arg ? "--help" : NULL, NULL };
				snprintf(what, sizeof(what), "%s %s", e->name ? e->name : "mcscope", long_form);
				expect_help(e, command_line(args, e, rest), help, what);
				if (o->letter != 0) {
					snprintf(what, sizeof(what), "%s %s", e->name ? e->name : "mcscope", short_form);
					expect_help(e, command_line(args, e, rest_short), help, what);
				}
			}
		}
		free(help);
	}
}

Test(cli, a_bad_option_names_itself_and_points_to_help_for_every_command)
{
	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		const struct cmd_entry *e = cmd_table[i];
		const struct cli_option *blocks[CMD_BLOCKS];
		const struct cli_option *with_arg = NULL;
		char prog[64], want[256], missing[64];
		const char *args[6];
		char *out, *err;
		int rc;

		cmd_prog(e, prog, sizeof(prog));
		const char *bogus[] = { "--no-such-option", NULL };
		rc = cli_run(command_line(args, e, bogus), NULL, &out, &err);
		snprintf(want, sizeof(want), "%s: unrecognized option '--no-such-option'\nTry '%s --help'.\n",
			 prog, prog);
		cr_expect_eq(rc, EXIT_USAGE, "%s --no-such-option: exit %d", prog, rc);
		cr_expect_str_eq(err, want);
		cr_expect_str_eq(out, "");
		free(out);
		free(err);

		const char *bad_letter[] = { "-9", NULL };
		rc = cli_run(command_line(args, e, bad_letter), NULL, &out, &err);
		snprintf(want, sizeof(want), "%s: invalid option -- '9'\nTry '%s --help'.\n", prog, prog);
		cr_expect_eq(rc, EXIT_USAGE, "%s -9: exit %d", prog, rc);
		cr_expect_str_eq(err, want);
		free(out);
		free(err);

		/* An option that takes an argument, given none. */
		cmd_option_blocks(e, blocks);
		for (int b = 0; b < CMD_BLOCKS && with_arg == NULL; b++)
			for (size_t k = 0; blocks[b] != NULL && blocks[b][k].name != NULL; k++)
				if (blocks[b][k].arg != NULL && with_arg == NULL)
					with_arg = &blocks[b][k];
		if (with_arg == NULL)
			continue;
		snprintf(missing, sizeof(missing), "--%s", with_arg->name);
		const char *no_arg[] = { missing, NULL };
		rc = cli_run(command_line(args, e, no_arg), NULL, &out, &err);
		snprintf(want, sizeof(want), "%s: option '%s' requires an argument\nTry '%s --help'.\n", prog,
			 missing, prog);
		cr_expect_eq(rc, EXIT_USAGE, "%s %s: exit %d", prog, missing, rc);
		cr_expect_str_eq(err, want);
		free(out);
		free(err);
	}
}

Test(cli, every_help_comes_from_the_table)
{
	const char *list_args[] = { "--help", NULL };
	char *list, *list_err;

	run(list_args, NULL, 0, &list, &list_err);
	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		const struct cmd_entry *e = cmd_table[i];
		char *help = help_of(e), prog[64], want[160];

		cmd_prog(e, prog, sizeof(prog));
		snprintf(want, sizeof(want), "Usage: %s ", prog);
		cr_expect_eq(strncmp(help, want, strlen(want)), 0, "%s", help);
		cr_expect_not_null(strstr(help, "\nExit status: 0 "), "%s has no exit statuses", prog);
		/* Every line fits an 80-column terminal. */
		for (const char *line = help; *line != '\0';) {
			const char *nl = strchr(line, '\n');
			size_t n = nl != NULL ? (size_t)(nl - line) : strlen(line);
			cr_expect_leq(n, 79, "%s: a line of %zu columns: %.*s", prog, n, (int)n, line);
			cr_expect(n == 0 || line[n - 1] != ' ', "%s: trailing space: '%.*s'", prog, (int)n, line);
			line += n + (nl != NULL);
		}
		if (e->name != NULL) {
			const char *help_args[] = { "help", e->name, NULL };
			const char *dash_args[] = { e->name, "--help", NULL };
			expect_help(e, help_args, help, "help NAME");
			expect_help(e, dash_args, help, "NAME --help");
			snprintf(want, sizeof(want), "\n  %-8s %s\n", e->name, e->summary);
			cr_expect_not_null(strstr(list, want), "--help does not list '%s'", want + 1);
		}
		free(help);
	}
	free(list);
	free(list_err);
}

Test(cli, help_of_no_such_command_exits_64)
{
	const char *nosuch[] = { "help", "frobnicate", NULL };
	const char *extra[] = { "help", "events", "extra", NULL };
	char *out, *err;

	run(nosuch, NULL, EXIT_USAGE, &out, &err);
	cr_expect_str_eq(err, "mcscope: unknown command 'frobnicate'\nTry 'mcscope --help'.\n");
	cr_expect_str_eq(out, "");
	free(out);
	free(err);
	run(extra, NULL, EXIT_USAGE, &out, &err);
	cr_expect_not_null(strstr(err, "'extra'"), "%s", err);
	free(out);
	free(err);
}

Test(cli, every_connecting_command_is_turned_away_the_same_way)
{
	struct fake_server s = {
		.greeting = "error permission denied: uid 1001 is not the server's\n",
		.hang_up = true,
	};
	char want[256];

	start_server(&s);
	const char *const cases[][6] = {
		{ "events", "--socket", s.path, NULL },
		{ "record", "--socket", s.path, "-o", "-", NULL },
		{ "ctl", "--socket", s.path, "pause", NULL },
	};
	snprintf(want, sizeof(want), "%s: error permission denied: uid 1001 is not the server's\n", s.path);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out, *err;

		run(cases[i], NULL, EXIT_UNAVAILABLE, &out, &err);
		cr_expect_not_null(strstr(err, want), "%s: %s", cases[i][0], err);
		cr_expect_str_eq(out, "", "%s printed what the server said", cases[i][0]);
		free(out);
		free(err);
	}
	fake_server_stop(&s);
}

Test(cli, a_server_that_sends_nothing_is_not_there)
{
	struct fake_server s = { .greeting = NULL, .hang_up = true };

	start_server(&s);
	const char *const cases[][6] = {
		{ "events", "--socket", s.path, NULL },
		{ "record", "--socket", s.path, "-o", "-", NULL },
		{ "ctl", "--socket", s.path, "pause", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out, *err;

		run(cases[i], NULL, EXIT_UNAVAILABLE, &out, &err);
		cr_expect_not_null(strstr(err, "the server sent nothing"), "%s: %s", cases[i][0], err);
		cr_expect_str_eq(out, "");
		free(out);
		free(err);
	}
	char *cmds = fake_server_commands(&s);
	cr_expect_str_eq(cmds, "", "ctl sent its command to a server that said nothing");
	free(cmds);
	fake_server_stop(&s);
}

Test(cli, events_exits_0_on_sigterm_and_sighup)
{
	static const int sigs[] = { SIGTERM, SIGHUP };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct fake_server s = { .greeting = greeting, .stream = true };
		const char *args[] = { "events", "--socket", s.path, NULL };
		struct cli_proc p;

		start_server(&s);
		cr_assert(cli_start(&p, args, NULL));
		cr_assert(wait_for_output(p.out_fd, (off_t)sizeof(greeting) + 1000), "no stream came");
		kill(p.pid, sigs[i]);
		cr_expect_eq(cli_wait(&p, CLI_DEADLINE_MS), 0, "after %s", strsignal(sigs[i]));
		cli_done(&p);
		fake_server_stop(&s);
	}
}
