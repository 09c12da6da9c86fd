/*
 * Unit tests: the labs' parts that need no server: lab.conf, answers
 * files, the goal detectors fed event lines (what the Lab panel ticks),
 * the Lab panel's live feed and proof, and grading with points, parents
 * and Gradescope's results.json; for the write-code labs, their lab.conf
 * lines, the probes of a run's hand-offs and CQ depths, notes on a pass,
 * the compiler's words, a TSan report's gist and running a program.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/redirect.h>

#include "json_check.h"
#include "lab.h"
#include "lab_answers.h"
#include "lab_build.h"
#include "lab_exec.h"
#include "lab_goal.h"
#include "lab_grade.h"
#include "lab_live.h"
#include "lab_probe.h"
#include "lab_run.h"
#include "lab_trace.h"
#include "trace_reader.h"

static char tmp[64];

/* A fresh directory per test, holding a lab folder 07-test. */
static void setup(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/mcscope-labtest.XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
	char dir[128];
	snprintf(dir, sizeof(dir), "%s/07-test", tmp);
	cr_assert_eq(mkdir(dir, 0700), 0);
}

/* Removes what a test made. */
static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(lab, .init = setup, .fini = teardown);

/* Writes text to the folder's file name. */
static void write_file(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/07-test/%s", tmp, name);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

/* Loads the folder's lab.conf written from text for seed; returns lab_load's result. */
static int load(const char *text, uint64_t seed, struct lab *lab)
{
	char dir[128];
	write_file("lab.conf", text);
	snprintf(dir, sizeof(dir), "%s/07-test", tmp);
	return lab_load(dir, seed, lab);
}

static const char good_conf[] =
	"# a comment\n"
	"title Who gets it?\n"
	"kind predict\n"
	"minutes 20\n"
	"vary threads 3 4 5\n"
	"server -t {threads}\n"
	"goal wrap rr_wrap :: w0 after w{threads-1}\n"
	"run connect 4\n"
	"check run 0 trace threads={threads} :: the run\n"
	"check first 2 parent=run workers n=2 :: connections 1-2\n"
	"check second 3 parent=first workers n=2 from=3 :: connections 3-4\n"
	"hint one\n"
	"hint two\n";

static struct lab lab_buf;

Test(lab, conf_is_read_for_a_seed)
{
	struct lab *lab = &lab_buf;

	cr_assert_eq(load(good_conf, 7, lab), 0);
	cr_assert_eq(lab->number, 7);
	cr_assert_str_eq(lab->title, "Who gets it?");
	cr_assert_eq(lab->kind, LAB_PREDICT);
	cr_assert_eq(lab->nchecks, 3);
	cr_assert_eq(lab->ngoals, 1);
	cr_assert_eq(lab->nhints, 2);
	cr_assert_str_eq(lab->checks[2].parent, "first");
	/* The seed's pick is used everywhere, arithmetic included. */
	int threads = atoi(lab->vars[0].value);
	cr_assert(threads >= 3 && threads <= 5);
	char want[64];
	snprintf(want, sizeof(want), "-t %d", threads);
	cr_assert_str_eq(lab->server, want);
	snprintf(want, sizeof(want), "w0 after w%d", threads - 1);
	cr_assert_str_eq(lab->goals[0].title, want);
}

Test(lab, seeds_pick_the_same_values_every_time_and_differ_between_students)
{
	struct lab *lab = &lab_buf;
	bool seen[6] = { false };

	for (uint64_t seed = 0; seed < 40; seed++) {
		cr_assert_eq(load(good_conf, seed, lab), 0);
		int first = atoi(lab->vars[0].value);
		cr_assert_eq(load(good_conf, seed, lab), 0);
		cr_assert_eq(atoi(lab->vars[0].value), first, "seed %" PRIu64 " picked twice differently", seed);
		seen[first] = true;
	}
	cr_assert(seen[3] && seen[4] && seen[5], "40 seeds should pick every value");
}

/* Asserts that text fails to load (its message goes to stderr). */
static void assert_bad(const char *text)
{
	cr_assert_eq(load(text, 1, &lab_buf), -1, "accepted:\n%s", text);
}

Test(lab, bad_conf_lines_are_refused)
{
	assert_bad("title t\nminutes 5\nfrobnicate 1\n");
	assert_bad("title t\nminutes 5\nserver -t {nope}\n");
	assert_bad("title t\nminutes 5\nkind lecture\n");
	assert_bad("title t\nminutes 0\n");
	assert_bad("title t\nminutes 5\ncheck a 1 parent=missing trace :: x\n");
	assert_bad("title t\nminutes 5\ncheck a 1 trace\n");
	assert_bad("title t\nminutes 5\ncheck a 1 trace :: x\ncheck a 1 trace :: y\n");
	assert_bad("title t\nminutes 5\ncheck a lots trace :: x\n");
	assert_bad("minutes 5\n");
}

Test(lab, answers_are_read_and_bad_lines_named)
{
	struct lab_answers known, a;
	char path[128];

	lab_answers_clear(&known);
	lab_answers_set(&known, "conn1", "?");
	lab_answers_set(&known, "path", "?");
	snprintf(path, sizeof(path), "%s/07-test/answers.txt", tmp);
	write_file("answers.txt", "# comment\n\nconn1 = w0\n  path=conn_new_cmd -> conn_waiting  \n");
	cr_assert_eq(lab_answers_load(&a, path, &known), 0);
	cr_assert_str_eq(lab_answers_get(&a, "conn1"), "w0");
	cr_assert_eq(a.line[1], 4);
	write_file("answers.txt", "conn1 = w0\nconn1: w1\n");
	cr_assert_eq(lab_answers_load(&a, path, &known), -2);
	write_file("answers.txt", "conn1 = w0\nconn1 = w1\n");
	cr_assert_eq(lab_answers_load(&a, path, &known), -2);
	write_file("answers.txt", "conn9 = w0\n");
	cr_assert_eq(lab_answers_load(&a, path, &known), -2);
	cr_assert_eq(lab_answers_load(&a, "/nonexistent/answers.txt", &known), -1);
}

Test(lab, answers_compare_as_words)
{
	cr_assert(lab_answer_equal("conn_read -> conn_parse_cmd", "read parse_cmd"));
	cr_assert(lab_answer_equal("W1", "w1"));
	cr_assert(lab_answer_equal("new_cmd, waiting", "conn_new_cmd conn_waiting"));
	cr_assert_not(lab_answer_equal("w1", "w2"));
	cr_assert(lab_answer_missing(" ? "));
	cr_assert(lab_answer_missing(""));
	cr_assert_not(lab_answer_missing("0"));
}

/* ---- goals, fed event lines as the server writes them ---- */

static uint64_t seq;

/* Parses one event line (ts and seq added) into e; the line lives in buf. */
static void parse(struct event *e, char *buf, size_t n, const char *fmt, va_list ap)
{
	char body[400];
	vsnprintf(body, sizeof(body), fmt, ap);
	seq++;
	snprintf(buf, n, "ts=%" PRIu64 " seq=%" PRIu64 " %s", seq * 1000, seq, body);
	cr_assert_eq(event_parse(buf, strlen(buf), e), EVENT_LINE, "%s", buf);
}

/* Feeds one line to a goal; returns whether it reached it. */
__attribute__((format(printf, 2, 3)))
static bool feed(struct lab_goal_state *s, const char *fmt, ...)
{
	char buf[512];
	struct event e;
	va_list ap;

	va_start(ap, fmt);
	parse(&e, buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return lab_goal_feed(s, &e);
}

/* Sets s up for a goal written as in lab.conf after "goal NAME". */
static void goal(struct lab_goal_state *s, struct lab_goal *g, const char *detector, const char *args)
{
	memset(g, 0, sizeof(*g));
	strcpy(g->name, "g");
	strcpy(g->detector, detector);
	char copy[200], *w[8];
	strcpy(copy, args);
	int n = lab_split(copy, w, 8);
	for (int i = 0; i < n; i++) {
		char *eq = strchr(w[i], '=');
		*eq = '\0';
		strcpy(g->args.key[i], w[i]);
		strcpy(g->args.value[i], eq + 1);
	}
	g->args.n = n;
	cr_assert_eq(lab_goal_init(s, g, "lab.conf"), 0, "%s %s", detector, args);
	feed(s, "thr=main ev=hello v=1 pid=1 threads=3 dispatch=rr tcp=1 udp=0 maxconns=9 reqs_per_event=20 "
		"states=conn_listening");
}

/* Feeds main's dispatch of conn to worker w, and its push at depth d. */
static bool dispatch(struct lab_goal_state *s, int conn, int w, int depth)
{
	bool hit = feed(s, "thr=main ev=dispatch conn=%d fd=%d to=w%d last=none dispatch=rr transport=tcp "
			"init=conn_new_cmd", conn, conn + 10, w);
	return feed(s, "thr=main ev=cq_push to=w%d conn=%d depth=%d", w, conn, depth) || hit;
}

static struct lab_goal goal_buf;

Test(lab, goal_cq_unpopped_needs_depth_before_any_pop)
{
	struct lab_goal_state s;
	char progress[200];

	goal(&s, &goal_buf, "cq_unpopped", "worker=1 depth=3");
	cr_assert_not(dispatch(&s, 2, 1, 1));
	cr_assert_not(dispatch(&s, 3, 1, 2));
	lab_goal_progress(&s, progress, sizeof(progress));
	cr_assert_str_eq(progress, "w1's CQ has been 2 deep at most (goal 3)");
	cr_assert(dispatch(&s, 4, 1, 3));
	cr_assert(s.reached);

	/* A pop by w1 first spoils it for good. */
	goal(&s, &goal_buf, "cq_unpopped", "worker=1 depth=2");
	dispatch(&s, 2, 1, 1);
	feed(&s, "thr=w1 ev=cq_pop conn=2 depth=0");
	dispatch(&s, 3, 1, 1);
	cr_assert_not(dispatch(&s, 4, 1, 2));
	lab_goal_progress(&s, progress, sizeof(progress));
	cr_assert(strstr(progress, "start the lab again") != NULL, "%s", progress);
}

Test(lab, goal_late_pop_needs_a_later_connection_served_elsewhere_first)
{
	struct lab_goal_state s;

	goal(&s, &goal_buf, "late_pop", "");
	dispatch(&s, 2, 0, 1);
	cr_assert_not(feed(&s, "thr=w0 ev=cq_pop conn=2 depth=0"));
	feed(&s, "thr=w0 ev=conn_new conn=2 fd=12 transport=tcp");
	dispatch(&s, 3, 1, 1);
	dispatch(&s, 4, 1, 2); /* the same worker: 4 cannot overtake 3 */
	cr_assert_not(feed(&s, "thr=w1 ev=cq_pop conn=3 depth=1"));
	feed(&s, "thr=w1 ev=conn_new conn=3 fd=13 transport=tcp");
	/* Only dispatched later, elsewhere, is not enough: 7 must be served before 5 is popped. */
	dispatch(&s, 5, 0, 1);
	dispatch(&s, 6, 2, 1);
	cr_assert_not(feed(&s, "thr=w0 ev=cq_pop conn=5 depth=0"));
	dispatch(&s, 7, 0, 1);
	dispatch(&s, 8, 2, 1);
	feed(&s, "thr=w2 ev=cq_pop conn=8 depth=0");
	/* A connection dispatched after 8 is not overtaken by it. */
	dispatch(&s, 9, 1, 1);
	feed(&s, "thr=w2 ev=conn_new conn=8 fd=18 transport=tcp");
	cr_assert_not(feed(&s, "thr=w1 ev=cq_pop conn=9 depth=0"));
	cr_assert(feed(&s, "thr=w0 ev=cq_pop conn=7 depth=0"));
}

Test(lab, goal_nread_hold_counts_commands_on_other_workers)
{
	struct lab_goal_state s;

	goal(&s, &goal_buf, "nread_hold", "cmds=2");
	feed(&s, "thr=w0 ev=state conn=2 fd=12 from=conn_parse_cmd to=conn_nread");
	cr_assert_not(feed(&s, "thr=w0 ev=cmd conn=4 verb=get keys=1 bytes=0")); /* same worker */
	cr_assert_not(feed(&s, "thr=w1 ev=cmd conn=3 verb=get keys=1 bytes=0"));
	cr_assert(feed(&s, "thr=w2 ev=cmd conn=5 verb=version keys=0 bytes=0"));

	/* Leaving conn_nread resets it. */
	goal(&s, &goal_buf, "nread_hold", "cmds=2");
	feed(&s, "thr=w0 ev=state conn=2 fd=12 from=conn_parse_cmd to=conn_nread");
	feed(&s, "thr=w1 ev=cmd conn=3 verb=get keys=1 bytes=0");
	feed(&s, "thr=w0 ev=state conn=2 fd=12 from=conn_nread to=conn_write");
	cr_assert_not(feed(&s, "thr=w1 ev=cmd conn=3 verb=get keys=1 bytes=0"));
}

Test(lab, goal_rr_wrap_dispatched_all_event_and_state)
{
	struct lab_goal_state s;

	goal(&s, &goal_buf, "rr_wrap", "");
	cr_assert_not(dispatch(&s, 2, 0, 1));
	cr_assert_not(dispatch(&s, 3, 2, 1));
	cr_assert(dispatch(&s, 4, 0, 1));

	goal(&s, &goal_buf, "dispatched_all", "");
	cr_assert_not(dispatch(&s, 2, 0, 1));
	cr_assert_not(dispatch(&s, 3, 2, 1));
	cr_assert(dispatch(&s, 4, 1, 1));

	goal(&s, &goal_buf, "event", "ev=yield count=2");
	cr_assert_not(feed(&s, "thr=w0 ev=yield conn=2"));
	cr_assert(feed(&s, "thr=w1 ev=yield conn=3"));
	cr_assert_not(feed(&s, "thr=w1 ev=yield conn=3"), "a goal is reached once");

	goal(&s, &goal_buf, "state", "to=conn_swallow");
	cr_assert_not(feed(&s, "thr=w0 ev=state conn=2 fd=12 from=conn_parse_cmd to=conn_write"));
	cr_assert(feed(&s, "thr=w0 ev=state conn=2 fd=12 from=conn_write to=conn_swallow"));
}

Test(lab, bad_goals_are_refused)
{
	struct lab_goal_state s;
	struct lab_goal g = { .name = "g", .detector = "nosuch" };

	cr_assert_eq(lab_goal_init(&s, &g, "lab.conf"), -1);
	strcpy(g.detector, "cq_unpopped");
	cr_assert_eq(lab_goal_init(&s, &g, "lab.conf"), -1, "cq_unpopped needs worker=");
	strcpy(g.detector, "event");
	g.args.n = 1;
	strcpy(g.args.key[0], "ev");
	strcpy(g.args.value[0], "nosuch");
	cr_assert_eq(lab_goal_init(&s, &g, "lab.conf"), -1);
}

Test(lab, live_feed_ticks_goals_and_saves_the_proof)
{
	struct lab *lab = &lab_buf;
	struct lab_live l;
	char proof[128], line[512];
	struct lab_trace t;

	cr_assert_eq(load("title t\nminutes 5\ngoal a event ev=accept :: an accept\n"
			  "goal b event ev=cq_pop :: a pop\n", 1, lab), 0);
	snprintf(proof, sizeof(proof), "%s/07-test/proof.trace", tmp);
	cr_assert_eq(lab_live_init(&l, lab, proof), 0);
	const char *lines[] = {
		"ts=1 seq=1 thr=main ev=accept conn=2 fd=12 peer=127.0.0.1:5\n", /* before hello: ignored */
		"ts=2 seq=1 thr=main ev=hello v=1 pid=1 threads=2 dispatch=rr tcp=1 udp=0 maxconns=9 "
		"reqs_per_event=20 states=conn_listening\n",
		"ts=3 seq=2 thr=main ev=accept conn=2 fd=12 peer=127.0.0.1:5\n",
		"ok paused\n",
		"ts=4 seq=3 thr=w0 ev=cq_pop conn=2 depth=0\n",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		strcpy(line, lines[i]);
		lab_live_feed(&l, line, strlen(line));
		if (i == 2)
			cr_assert(l.goals[0].reached && !l.goals[1].reached && !l.done);
	}
	cr_assert(l.done);
	cr_assert_eq(l.reached, 2);
	cr_assert(strstr(l.status, "proof saved") != NULL, "%s", l.status);
	lab_trace_init(&t);
	cr_assert_eq(lab_trace_load(&t, proof), 0);
	cr_assert_eq(t.n, 3, "hello, accept and cq_pop, nothing before the hello");
	lab_trace_free(&t);
	lab_live_free(&l);
}

Test(lab, a_proof_trace_is_read_as_every_trace_is)
{
	char path[128];
	struct lab_trace t;

	lab_trace_init(&t);
	snprintf(path, sizeof(path), "%s/07-test", tmp);
	cr_expect_eq(lab_trace_load(&t, path), TRACE_READ_UNREADABLE, "a directory");
	snprintf(path, sizeof(path), "%s/07-test/none.trace", tmp);
	cr_expect_eq(lab_trace_load(&t, path), TRACE_READ_UNREADABLE, "a missing file");
	write_file("junk.trace", "dear diary\n");
	snprintf(path, sizeof(path), "%s/07-test/junk.trace", tmp);
	cr_expect_eq(lab_trace_load(&t, path), TRACE_READ_NOT_TRACE);
	cr_expect_eq(t.n, 0u);
	/* A line too long is skipped and counted, not kept: the lines around it are. */
	char *proof = malloc(3 * EVENT_LINE_MAX);
	cr_assert_not_null(proof);
	int at = snprintf(proof, 3 * EVENT_LINE_MAX, "ts=1 seq=1 thr=main ev=hello v=1 threads=1\n");
	memset(proof + at, 'x', 2 * EVENT_LINE_MAX);
	snprintf(proof + at + 2 * EVENT_LINE_MAX, EVENT_LINE_MAX, "\nts=2 seq=2 thr=w0 ev=yield conn=2\n");
	write_file("long.trace", proof);
	free(proof);
	snprintf(path, sizeof(path), "%s/07-test/long.trace", tmp);
	cr_expect_eq(lab_trace_load(&t, path), 0);
	cr_expect_eq(t.n, 2u);
	lab_trace_free(&t);
}

/* ---- grading ---- */

/* A trace of a run: hello and four dispatches, to w0 w1 w2 w0. */
static void rr_trace(struct lab_trace *t)
{
	static const char *lines[] = {
		"ts=1 seq=1 thr=main ev=hello v=1 pid=1 threads=3 dispatch=rr tcp=1 udp=0 maxconns=9 "
		"reqs_per_event=20 states=conn_listening",
	};
	char line[300];

	lab_trace_init(t);
	lab_trace_add(t, lines[0], strlen(lines[0]));
	for (int i = 0; i < 4; i++) {
		snprintf(line, sizeof(line), "ts=%d seq=%d thr=main ev=dispatch conn=%d fd=9 to=w%d last=none "
			 "dispatch=rr transport=tcp init=conn_new_cmd", i + 2, i + 2, i + 2, i % 3);
		lab_trace_add(t, line, strlen(line));
	}
}

static struct lab_grade grade_buf;

Test(lab, grading_counts_points_and_fails_children_of_a_failed_parent)
{
	struct lab *lab = &lab_buf;
	struct lab_answers a;
	struct lab_trace t;
	struct lab_grade *g = &grade_buf;

	cr_assert_eq(load(good_conf, 1, lab), 0);
	/* The trace has 3 workers; make the variant's check agree whatever the seed picked. */
	strcpy(lab->checks[0].args.value[0], "3");
	rr_trace(&t);
	lab_answers_clear(&a);
	lab_answers_set(&a, "conn1", "w0");
	lab_answers_set(&a, "conn2", "w2"); /* wrong */
	lab_answers_set(&a, "conn3", "w2");
	lab_answers_set(&a, "conn4", "w0");
	lab_grade(lab, &t, "", &a, "answers.txt", NULL, g);
	cr_assert_eq(g->n, 3);
	cr_assert(g->results[0].pass);
	cr_assert_not(g->results[1].pass);
	cr_assert(strstr(g->results[1].output, "conn2: expected w1, got w2") != NULL, "%s", g->results[1].output);
	cr_assert_not(g->results[2].pass, "its parent failed");
	cr_assert(strstr(g->results[2].output, "needs check 'first'") != NULL, "%s", g->results[2].output);
	cr_assert_eq(g->score, 0);
	cr_assert_eq(g->max, 5);

	lab_answers_set(&a, "conn2", "w1");
	lab_grade(lab, &t, "", &a, "answers.txt", NULL, g);
	cr_assert_eq(g->score, 5);

	/* One check by name grades it and its ancestors only. */
	lab_grade(lab, &t, "", &a, "answers.txt", "first", g);
	cr_assert_eq(g->n, 2);
	cr_assert_eq(g->max, 2);

	/* A run that failed fails the root with its reason, and so the rest. */
	lab_grade(lab, &t, "the server did not start", &a, "answers.txt", NULL, g);
	cr_assert_eq(g->score, 0);
	cr_assert(strstr(g->results[0].output, "the server did not start") != NULL);
	lab_trace_free(&t);
}

Test(lab, results_json_has_gradescopes_shape)
{
	struct lab *lab = &lab_buf;
	struct lab_answers a;
	struct lab_trace t;
	char path[128], text[8192], err[128];

	cr_assert_eq(load(good_conf, 1, lab), 0);
	strcpy(lab->checks[0].args.value[0], "3");
	rr_trace(&t);
	lab_answers_clear(&a);
	lab_answers_set(&a, "conn1", "w0");
	lab_answers_set(&a, "conn2", "w1");
	lab_grade(lab, &t, "", &a, "answers.txt", NULL, &grade_buf);
	snprintf(path, sizeof(path), "%s/results.json", tmp);
	cr_assert_eq(lab_grade_json(&grade_buf, "Lab 7 \"quoted\"", path), 0);
	FILE *f = fopen(path, "r");
	size_t n = fread(text, 1, sizeof(text), f);
	fclose(f);
	struct json *j = json_parse(text, n, err, sizeof(err));
	cr_assert_not_null(j, "%s: %.*s", err, (int)n, text);
	cr_assert_eq(json_num(j, "score", -1), 2);
	cr_assert_str_eq(json_str(j, "output"), "Lab 7 \"quoted\"");
	const struct json *tests = json_get(j, "tests");
	cr_assert_eq(tests->type, JSON_ARRAY);
	cr_assert_eq(tests->n, 3);
	cr_assert_eq(json_num(&tests->items[2], "max_score", -1), 3);
	cr_assert_eq(json_num(&tests->items[2], "score", -1), 0);
	cr_assert(strstr(json_str(&tests->items[2], "output"), "conn3: expected w2, got ?") != NULL);
	cr_assert_str_eq(json_str(&tests->items[1], "name"), "first: connections 1-2");
	json_free(j);
	lab_trace_free(&t);
}

/* ---- write-code labs ---- */

static const char code_conf[] =
	"title Write it\n"
	"kind code\n"
	"minutes 30\n"
	"student mine.c replaces src/cq.c\n"
	"tests test_mine.c\n"
	"server -t 2 --dispatch=custom\n"
	"run load burst conns=4 rate=100 seconds=1\n"
	"check build 10 build :: it compiles\n"
	"check unit 20 parent=build tests name=unit :: the unit tests\n"
	"check stress 20 parent=unit tests name=stress sanitize=thread :: the stress, under TSan\n"
	"check inv 10 parent=unit invariants :: hand-offs\n"
	"check max 10 parent=unit cq_max worker=0 max=1 phase=0 :: w0 holds 1 at most\n"
	"check depths 10 parent=unit cq_depths phase=1 with=2 worker=1 :: w1 no deeper in 1 than in 2\n"
	"check figures 0 parent=unit cq_depths phase=1 with=2 :: the figures\n"
	"check tsan 20 parent=unit tsan :: no report\n";

/* Writes a code lab's folder: its stub and tests file, then loads code_conf (or text). */
static int load_code(const char *text, struct lab *lab)
{
	char dir[128];
	snprintf(dir, sizeof(dir), "%s/07-test/stub", tmp);
	mkdir(dir, 0700);
	write_file("stub/mine.c", "/* a stub */\n");
	write_file("test_mine.c", "/* tests */\n");
	return load(text != NULL ? text : code_conf, 1, lab);
}

Test(lab, a_code_lab_names_the_students_file_what_it_replaces_and_its_tests)
{
	struct lab *lab = &lab_buf;
	struct lab_answers keys;

	cr_assert_eq(load_code(NULL, lab), 0);
	cr_assert_eq(lab->kind, LAB_CODE);
	cr_assert_str_eq(lab->student, "mine.c");
	cr_assert_str_eq(lab->replaces, "src/cq.c");
	cr_assert_str_eq(lab->tests, "test_mine.c");
	lab_answers_clear(&keys);
	for (int i = 0; i < lab->nchecks; i++)
		cr_assert_eq(lab_probe_keys(lab, &lab->checks[i], &keys), 0, "check %s", lab->checks[i].name);
	cr_assert_eq(keys.n, 0, "a code lab asks no questions");
	cr_assert_eq(lab_run_check_steps(lab, lab->run, lab->nrun), 0);

	/* A file added to the server's, not replacing one. */
	cr_assert_eq(load_code("title t\nkind code\nminutes 5\nstudent mine.c\n", lab), 0);
	cr_assert_str_eq(lab->replaces, "");
	cr_assert_str_eq(lab->tests, "");
}

Test(lab, bad_code_lab_lines_are_refused, .init = cr_redirect_stderr)
{
	struct lab *lab = &lab_buf;
	const char *bad[] = {
		"title t\nkind code\nminutes 5\n",                                   /* no student line */
		"title t\nkind code\nminutes 5\nstudent other.c\n",                  /* no stub/other.c */
		"title t\nkind code\nminutes 5\nstudent ../mine.c\n",                /* not a plain name */
		"title t\nkind code\nminutes 5\nstudent mine.h\n",                   /* not a C file */
		"title t\nkind code\nminutes 5\nstudent mine.c replaces lib/cq.c\n", /* not the server's */
		"title t\nkind code\nminutes 5\nstudent mine.c instead src/cq.c\n",
		"title t\nkind code\nminutes 5\nstudent mine.c\ntests nothere.c\n",  /* no such tests file */
		"title t\nkind predict\nminutes 5\nstudent mine.c\n",                /* only a code lab has one */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(load_code(bad[i], lab), -1, "accepted:\n%s", bad[i]);

	/* A code lab's probes and steps are checked like the others'. */
	struct lab_answers keys;
	const char *bad_checks[] = {
		"check a 1 tests :: no group\n",
		"check a 1 tests name=unit sanitize=address :: not TSan\n",
		"check a 1 cq_max worker=0 :: no max\n",
		"check a 1 cq_max worker=x max=1 :: no worker\n",
		"check a 1 cq_depths phase=1 :: no with\n",
		"check a 1 invariants extra=1 :: no arguments\n",
		"check a 1 build sanitize=thread :: the build takes none\n",
	};
	for (size_t i = 0; i < sizeof(bad_checks) / sizeof(bad_checks[0]); i++) {
		char text[512];
		snprintf(text, sizeof(text), "title t\nkind code\nminutes 5\nstudent mine.c\ntests test_mine.c\n%s",
			 bad_checks[i]);
		cr_assert_eq(load_code(text, lab), 0, "%s", text);
		lab_answers_clear(&keys);
		cr_expect_eq(lab_probe_keys(lab, &lab->checks[0], &keys), -1, "accepted: %s", bad_checks[i]);
	}
	cr_assert_eq(load("title t\nkind predict\nminutes 5\ncheck a 1 build :: a predict lab's build\n", 1, lab), 0);
	lab_answers_clear(&keys);
	cr_expect_eq(lab_probe_keys(lab, &lab->checks[0], &keys), -1, "a build probe outside a code lab");
	cr_assert_eq(load_code("title t\nkind code\nminutes 5\nstudent mine.c\nrun load nosuch\n", lab), 0);
	cr_expect_eq(lab_run_check_steps(lab, lab->run, lab->nrun), -1);
	cr_assert_eq(load_code("title t\nkind code\nminutes 5\nstudent mine.c\nrun load burst conns=0\n", lab), 0);
	cr_expect_eq(lab_run_check_steps(lab, lab->run, lab->nrun), -1);
	fflush(stderr);
}

/* A trace made line by line, seq numbered in order unless a line gives its own. */
static void add(struct lab_trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct lab_trace *t, const char *fmt, ...)
{
	char body[400], line[480];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	seq++;
	if (strncmp(body, "seq=", 4) == 0)
		snprintf(line, sizeof(line), "ts=%" PRIu64 " %s", seq, body);
	else
		snprintf(line, sizeof(line), "ts=%" PRIu64 " seq=%" PRIu64 " %s", seq, seq, body);
	cr_assert(lab_trace_add(t, line, strlen(line)));
}

/* hello for a server of n workers under policy. */
static void hello(struct lab_trace *t, int n, const char *policy)
{
	seq = 0;
	lab_trace_init(t);
	add(t, "thr=main ev=hello v=1 pid=1 threads=%d dispatch=%s tcp=1 udp=0 maxconns=9 reqs_per_event=20 "
	       "states=conn_listening", n, policy);
}

/* The main thread's half of a hand-off: accept, dispatch and cq_push of conn to worker w, at depth. */
static void hand(struct lab_trace *t, unsigned long long conn, int w, int depth)
{
	add(t, "thr=main ev=accept conn=%llu fd=9 peer=127.0.0.1:%llu", conn, 1000 + conn % 60000);
	add(t, "thr=main ev=dispatch conn=%llu fd=9 to=w%d last=none dispatch=rr transport=tcp init=conn_new_cmd",
	    conn, w);
	add(t, "thr=main ev=cq_push to=w%d conn=%llu depth=%d", w, conn, depth);
}

/* The worker's half: cq_pop and conn_new of conn on w, leaving depth. */
static void take(struct lab_trace *t, unsigned long long conn, int w, int depth)
{
	add(t, "thr=w%d ev=cq_pop conn=%llu depth=%d", w, conn, depth);
	add(t, "thr=w%d ev=conn_new conn=%llu fd=9 transport=tcp", w, conn);
}

/* Runs the lab's check named name on t; returns the probe's result, its words in why. */
static int probe(const struct lab *lab, const char *name, const struct lab_trace *t, char *why, size_t n)
{
	struct lab_answers found;

	return lab_probe_run(lab, lab_check_find(lab, name), t, &found, why, n);
}

Test(lab, invariants_follow_every_hand_off_in_seq_order)
{
	struct lab *lab = &lab_buf;
	struct lab_trace t;
	char why[512];

	cr_assert_eq(load_code(NULL, lab), 0);
	hello(&t, 2, "custom");
	hand(&t, 2, 0, 1);
	hand(&t, 3, 0, 2);
	hand(&t, 4, 1, 1);
	take(&t, 2, 0, 1);
	/* A worker's line may come before main's in the file: seq orders them. */
	add(&t, "seq=30 thr=w1 ev=cq_pop conn=4 depth=0");
	add(&t, "seq=31 thr=w1 ev=conn_new conn=4 fd=9 transport=tcp");
	seq = 20;
	take(&t, 3, 0, 0);
	cr_assert_eq(probe(lab, "inv", &t, why, sizeof(why)), 0, "%s", why);
	cr_assert_str_eq(why, "3 hand-offs checked");
	lab_trace_free(&t);

	/* First in, first out. */
	hello(&t, 2, "custom");
	hand(&t, 2, 0, 1);
	hand(&t, 3, 0, 2);
	take(&t, 3, 0, 1);
	cr_assert_eq(probe(lab, "inv", &t, why, sizeof(why)), -1);
	cr_assert_str_eq(why, "w0 popped conn 3, but conn 2 was at the head of its CQ (first in, first out) "
			      "(at seq=8)");
	lab_trace_free(&t);

	/* A depth that does not count the pushes and pops. */
	hello(&t, 2, "custom");
	hand(&t, 2, 1, 1);
	hand(&t, 3, 1, 1);
	cr_assert_eq(probe(lab, "inv", &t, why, sizeof(why)), -1);
	cr_assert(strstr(why, "w1's cq_push of conn 3 says depth=1; the pushes and pops before it leave 2 queued") !=
		  NULL, "%s", why);
	lab_trace_free(&t);

	/* Pushed on one worker's CQ, dispatched to another; a conn_new before its pop; lost events. */
	hello(&t, 2, "custom");
	add(&t, "thr=main ev=dispatch conn=2 fd=9 to=w0 last=none dispatch=rr transport=tcp init=conn_new_cmd");
	add(&t, "thr=main ev=cq_push to=w1 conn=2 depth=1");
	cr_assert_eq(probe(lab, "inv", &t, why, sizeof(why)), -1);
	cr_assert(strstr(why, "conn 2 was pushed on w1's CQ after a dispatch elsewhere") != NULL, "%s", why);
	lab_trace_free(&t);
	hello(&t, 2, "custom");
	hand(&t, 2, 0, 1);
	add(&t, "thr=w0 ev=conn_new conn=2 fd=9 transport=tcp");
	cr_assert_eq(probe(lab, "inv", &t, why, sizeof(why)), -1);
	cr_assert(strstr(why, "conn 2's conn_new on w0 comes without its cq_pop there") != NULL, "%s", why);
	lab_trace_free(&t);
	hello(&t, 2, "custom");
	add(&t, "thr=w1 ev=dropped count=5");
	cr_assert_eq(probe(lab, "inv", &t, why, sizeof(why)), -1);
	cr_assert(strstr(why, "the trace lost 5 events") != NULL, "%s", why);
	lab_trace_free(&t);

	/* Ids are any 64-bit number: nothing is sized by their value. */
	hello(&t, 2, "custom");
	hand(&t, 999999999999999, 0, 1);
	take(&t, 999999999999999, 0, 0);
	hand(&t, 18446744073709551615ull, 1, 1);
	take(&t, 18446744073709551615ull, 1, 0);
	cr_assert_eq(probe(lab, "inv", &t, why, sizeof(why)), 0, "%s", why);
	cr_assert_str_eq(why, "2 hand-offs checked");
	lab_trace_free(&t);
}

Test(lab, cq_max_and_cq_depths_measure_each_phase)
{
	struct lab *lab = &lab_buf;
	struct lab_trace t;
	char why[512];

	cr_assert_eq(load_code(NULL, lab), 0);
	hello(&t, 2, "custom");
	/* Phase 0: w0 holds one connection, the next goes to w1. */
	hand(&t, 2, 0, 1);
	hand(&t, 3, 1, 1);
	take(&t, 3, 1, 0);
	/* Phase 1 (custom): w1 gets 2 deep; phase 2 (rr): w1 gets 3 deep, and w0 4 (outside phase 0). */
	add(&t, "thr=main ev=policy dispatch=custom");
	hand(&t, 4, 1, 1);
	hand(&t, 5, 1, 2);
	add(&t, "thr=main ev=policy dispatch=rr");
	hand(&t, 6, 1, 3);
	hand(&t, 7, 0, 4);
	cr_assert_eq(probe(lab, "max", &t, why, sizeof(why)), 0, "%s", why);
	cr_assert_str_eq(why, "w0's CQ held 1 at most");
	cr_assert_eq(probe(lab, "depths", &t, why, sizeof(why)), 0, "%s", why);
	cr_assert_str_eq(why, "w1's deepest CQ: 2 in phase 1, 3 in phase 2; phase 1 (custom): w0 0 w1 2; "
			      "phase 2 (rr): w0 4 w1 3");
	cr_assert_eq(probe(lab, "figures", &t, why, sizeof(why)), 0, "%s", why);
	cr_assert_str_eq(why, "phase 1 (custom): w0 0 w1 2; phase 2 (rr): w0 4 w1 3");
	lab_trace_free(&t);

	/* w0 two deep in phase 0, the connections that went there named; w1 deeper under custom than rr. */
	hello(&t, 2, "custom");
	hand(&t, 2, 0, 1);
	hand(&t, 3, 0, 2);
	add(&t, "thr=main ev=policy dispatch=custom");
	hand(&t, 4, 1, 5);
	add(&t, "thr=main ev=policy dispatch=rr");
	hand(&t, 5, 1, 1);
	cr_assert_eq(probe(lab, "max", &t, why, sizeof(why)), -1);
	cr_assert_str_eq(why, "w0's CQ held 2; the client connections dispatched to it: 1 2");
	cr_assert_eq(probe(lab, "depths", &t, why, sizeof(why)), -1);
	cr_assert(strncmp(why, "w1's deepest CQ: 5 in phase 1, 1 in phase 2;", 44) == 0, "%s", why);
	lab_trace_free(&t);

	/* A phase the run never reached. */
	hello(&t, 2, "custom");
	hand(&t, 2, 0, 1);
	cr_assert_eq(probe(lab, "figures", &t, why, sizeof(why)), -1);
	cr_assert_str_eq(why, "the run has 1 phases; phase 1 dispatched nothing");
	lab_trace_free(&t);
}

/* A code lab's probe that answers from a table: the note or failure each check gets. */
static int canned_probe(void *arg, const struct lab_check *c, struct lab_answers *found, char *why, size_t n)
{
	if (strcmp(c->name, "build") == 0)
		return 0;
	if (strcmp(c->name, "unit") == 0) {
		snprintf(why, n, "7 tests passed");
		return 0;
	}
	snprintf(why, n, "1 of 2 tests failed:\nFAIL stress/x: expected 4, got 3");
	return -1;
}

Test(lab, a_code_labs_grade_shows_notes_on_a_pass_and_keeps_parents)
{
	struct lab *lab = &lab_buf;
	struct lab_grade *g = &grade_buf;
	char path[128], text[16384], err[128];

	cr_assert_eq(load_code(NULL, lab), 0);
	lab_grade_with(lab, canned_probe, NULL, "", NULL, NULL, NULL, g);
	cr_assert(g->results[0].pass && g->results[1].pass);
	cr_assert_str_eq(g->results[0].output, "");
	cr_assert_str_eq(g->results[1].output, "7 tests passed\n");
	cr_assert_not(g->results[2].pass);
	cr_assert_str_eq(g->results[2].output, "expected the stress, under TSan; got: 1 of 2 tests failed:\n"
					       "FAIL stress/x: expected 4, got 3\n");
	cr_assert_eq(g->score, 30);
	cr_assert_eq(g->max, 100);
	snprintf(path, sizeof(path), "%s/results.json", tmp);
	cr_assert_eq(lab_grade_json(g, "Lab 7", path), 0);
	FILE *f = fopen(path, "r");
	size_t n = fread(text, 1, sizeof(text), f);
	fclose(f);
	struct json *j = json_parse(text, n, err, sizeof(err));
	cr_assert_not_null(j, "%s", err);
	const struct json *tests = json_get(j, "tests");
	cr_assert_str_eq(json_str(&tests->items[0], "output"), "PASS");
	cr_assert_str_eq(json_str(&tests->items[1], "output"), "PASS\n7 tests passed\n");
	json_free(j);
}

Test(lab, the_compilers_words_are_kept_without_ninjas)
{
	const char ninja[] =
		"ninja: Entering directory `/w/build/plain'\n"
		"[1/3] Compiling C object labs/x.o\n"
		"FAILED: labs/libmcscoped_lab.a.p/policy.c.o \n"
		"cc -Ilabs -c /w/policy.c -o labs/policy.c.o\n"
		"/w/policy.c: In function 'f':\n"
		"/w/policy.c:5:31: error: expected ';' before '}' token\n"
		"    5 |         return 1\n"
		"ninja: build stopped: subcommand failed.\n";
	char out[512];

	lab_build_words(ninja, out, sizeof(out));
	cr_assert_str_eq(out, "/w/policy.c: In function 'f':\n"
			      "/w/policy.c:5:31: error: expected ';' before '}' token\n"
			      "    5 |         return 1\n");
	lab_build_words("ninja: error: '/w/gone.c', needed by 'x.o', missing\n", out, sizeof(out));
	cr_assert_str_eq(out, "ninja: error: '/w/gone.c', needed by 'x.o', missing\n");
	lab_build_words(ninja, out, 20);
	cr_assert_eq(strlen(out), 19, "cut to the room there is");
}

Test(lab, a_tsan_report_is_cut_to_its_gist)
{
	const char report[] =
		"ok unit/x\n"
		"==================\n"
		"WARNING: ThreadSanitizer: data race (pid=4242)\n"
		"  Write of size 8 at 0x55 by thread T2:\n"
		"    #0 cqi_free /home/s/lab/cq.c:139 (lab-tests+0x1234)\n"
		"    #1 pop_items /home/s/labs/11-cq-race/test_cq.c:147 (lab-tests+0x99)\n"
		"    #2 <null> <null> (libtsan.so.2+0x3)\n"
		"\n"
		"  Previous read of size 8 at 0x55 by thread T1 (mutexes: write M0):\n"
		"    #0 cqi_new /home/s/lab/cq.c:110 (lab-tests+0x4)\n"
		"\n"
		"  Location is global 'cqi_freelist' of size 8 at 0x55 (lab-tests+0x5)\n"
		"\n"
		"  Mutex M0 (0x66) created at:\n"
		"    #0 pthread_mutex_lock <null> (libtsan.so.2+0x7)\n"
		"\n"
		"SUMMARY: ThreadSanitizer: data race /home/s/lab/cq.c:139 in cqi_free\n"
		"==================\n";
	char out[1024];

	cr_assert(lab_exec_tsan_excerpt(report, out, sizeof(out)));
	cr_assert_str_eq(out, "WARNING: ThreadSanitizer: data race\n"
			      "  Write of size 8 at 0x55 by thread T2:\n"
			      "    #0 cqi_free cq.c:139\n"
			      "    #1 pop_items test_cq.c:147\n"
			      "  Previous read of size 8 at 0x55 by thread T1 (mutexes: write M0):\n"
			      "    #0 cqi_new cq.c:110\n"
			      "  Location is global 'cqi_freelist' of size 8 at 0x55\n"
			      "SUMMARY: ThreadSanitizer: data race /home/s/lab/cq.c:139 in cqi_free\n");
	cr_assert_not(lab_exec_tsan_excerpt("ok unit/x\n1 of 1 passed\n", out, sizeof(out)));
	cr_assert_str_eq(out, "");
}

Test(lab, a_program_runs_with_its_output_kept_and_a_time_limit, .init = cr_redirect_stderr)
{
	char out[64], log[128];
	int code;

	snprintf(log, sizeof(log), "%s/run.log", tmp);
	char *const says[] = { "sh", "-c", "echo to out; echo to err >&2; exit 3", NULL };
	struct lab_exec x = { .argv = says, .log = log, .timeout_ms = 10000 };
	cr_assert_eq(lab_exec_run(&x, out, sizeof(out), &code), LAB_EXEC_FAILED);
	cr_assert_eq(code, 3);
	cr_assert_str_eq(out, "to out\nto err\n");
	FILE *f = fopen(log, "r");
	char logged[64] = "";
	cr_assert_not_null(f);
	cr_assert_eq(fread(logged, 1, sizeof(logged) - 1, f), 14);
	fclose(f);
	cr_assert_str_eq(logged, "to out\nto err\n");

	/* Only the start is kept in memory. */
	char small[5];
	char *const ok[] = { "sh", "-c", "echo 123456789", NULL };
	x = (struct lab_exec){ .argv = ok, .timeout_ms = 10000 };
	cr_assert_eq(lab_exec_run(&x, small, sizeof(small), &code), LAB_EXEC_OK);
	cr_assert_str_eq(small, "1234");

	/* At the limit the whole group is killed, a child of the child too. */
	char *const hangs[] = { "sh", "-c", "sleep 30 & sleep 30", NULL };
	x = (struct lab_exec){ .argv = hangs, .timeout_ms = 200 };
	cr_assert_eq(lab_exec_run(&x, out, sizeof(out), &code), LAB_EXEC_TIMEOUT);

	char *const missing[] = { "/nonexistent/program", NULL };
	x = (struct lab_exec){ .argv = missing, .timeout_ms = 1000 };
	cr_assert_eq(lab_exec_run(&x, out, sizeof(out), &code), LAB_EXEC_NOT_RUN);
	fflush(stderr);
}
