/*
 * Unit tests: the labs' parts that need no server: lab.conf, answers
 * files, the goal detectors fed event lines (what the Lab panel ticks),
 * the Lab panel's live feed and proof, and grading with points, parents
 * and Gradescope's results.json.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json_check.h"
#include "lab.h"
#include "lab_answers.h"
#include "lab_goal.h"
#include "lab_grade.h"
#include "lab_live.h"
#include "lab_trace.h"

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
