/* mcscope lab: the step-through labs: list, start, check, hint, solve. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "dashboard.h"
#include "demo.h"
#include "diag.h"
#include "lab.h"
#include "lab_answers.h"
#include "lab_build.h"
#include "lab_code.h"
#include "lab_dir.h"
#include "lab_grade.h"
#include "lab_live.h"
#include "lab_probe.h"
#include "lab_run.h"
#include "stop.h"
#include "trace_reader.h"

/* lab's own exit statuses, besides 0, 64 and 69. */
#define LAB_EXIT_FAILED 1       /* a check failed, or solve's run did */
#define LAB_EXIT_NO_LAB 2       /* no such lab */
#define LAB_EXIT_ANSWERS 3      /* the answers file (a code lab's file) is missing or malformed */
#define LAB_EXIT_BAD_LAB 4      /* the lab's own lab.conf is not valid */
#define LAB_EXIT_BUILD 5        /* a write-code lab: the student's file does not compile */

/* A default seed a student can type back: five digits. */
#define LAB_SEED_DEFAULT_MOD 100000

enum { LAB_SEED_OPT, LAB_JSON_OPT, LAB_LABS_OPT, LAB_WORK_OPT, LAB_SERVER_OPT, LAB_SOURCE_OPT };

static const struct cli_option lab_options[] = {
	[LAB_SEED_OPT] = { "seed", 's', "N",
			   "the variant: the seed picks the lab's values (default: from your user name)" },
	[LAB_JSON_OPT] = { "json", 0, "FILE", "check: also write the result as Gradescope's results.json" },
	[LAB_LABS_OPT] = { "labs", 0, "DIR", "the labs (default: $MCSCOPE_LABS, else the source tree's labs/)" },
	[LAB_WORK_OPT] = { "work", 0, "DIR",
			   "keep your answers (or code), progress, traces and lab builds in DIR/NN-slug "
			   "(default: the lab's folder)" },
	[LAB_SERVER_OPT] = { "server", 0, "PATH",
			     "the mcscoped to run (default: $MCSCOPED, else the one next to this program, "
			     "else mcscoped on $PATH)" },
	[LAB_SOURCE_OPT] = { "source", 0, "DIR",
			     "a write-code lab's check builds its lab server from mcscoped's source tree DIR "
			     "(default: $MCSCOPE_SOURCE, else the tree this mcscope was built from)" },
	{ NULL },
};

/* What lab ACTION does. */
enum lab_action { LAB_LIST, LAB_START, LAB_CHECK, LAB_HINT, LAB_SOLVE };

static const char *const action_names[] = { "list", "start", "check", "hint", "solve" };

struct lab_cmd {
	enum lab_action action;
	uint64_t seed;
	char seed_from[64];         /* "user alice", or "--seed" */
	const char *root;
	const char *work;           /* --work, or NULL */
	const char *json;
	const char *only;           /* check CHECK */
	const char *source;         /* --source, or NULL */
	char server[4096];
	char lab_path[PATH_MAX];
	char work_dir[PATH_MAX];
	struct lab lab;
};

/* The default seed: the user's name, hashed. */
static uint64_t seed_from_user(char *from, size_t n)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *name = pw != NULL ? pw->pw_name : getenv("USER");
	uint64_t h = 0xcbf29ce484222325ULL;

	if (name == NULL || name[0] == '\0')
		name = "student";
	snprintf(from, n, "from user %s", name);
	for (const char *p = name; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	return h % LAB_SEED_DEFAULT_MOD;
}

/* Checks the action, the lab and the options. */
static int lab_cmd_check(struct cmd_ctx *ctx)
{
	struct lab_cmd *st = ctx->state;
	const char *arg;
	int a;

	st->action = LAB_LIST;
	if (ctx->argc > 0) {
		for (a = 0; a < (int)(sizeof(action_names) / sizeof(action_names[0])); a++)
			if (strcmp(ctx->argv[0], action_names[a]) == 0)
				break;
		if (a == (int)(sizeof(action_names) / sizeof(action_names[0]))) {
			diag_error("unknown action '%s' (list, start, check, hint, solve)", ctx->argv[0]);
			return cli_usage_error();
		}
		st->action = (enum lab_action)a;
	}
	int want = st->action == LAB_LIST ? 1 : st->action == LAB_CHECK ? 3 : 2;
	if (st->action != LAB_LIST && ctx->argc < 2) {
		diag_error("%s needs a lab: its number, e.g. 'mcscope lab %s 1'", action_names[st->action],
			   action_names[st->action]);
		return cli_usage_error();
	}
	if (ctx->argc > want) {
		diag_error("%s: too many operands (from '%s')", action_names[st->action], ctx->argv[want]);
		return cli_usage_error();
	}
	st->only = st->action == LAB_CHECK && ctx->argc == 3 ? ctx->argv[2] : NULL;
	if ((arg = ctx->values[LAB_SEED_OPT]) != NULL) {
		if (!cli_parse_uint("-s/--seed", arg, 0, UINT64_MAX, &st->seed))
			return cli_usage_error();
		snprintf(st->seed_from, sizeof(st->seed_from), "given");
	} else {
		st->seed = seed_from_user(st->seed_from, sizeof(st->seed_from));
	}
	st->json = ctx->values[LAB_JSON_OPT];
	if (st->json != NULL && st->action != LAB_CHECK) {
		diag_error("--json goes with check");
		return cli_usage_error();
	}
	st->root = lab_dir_root(ctx->values[LAB_LABS_OPT]);
	st->work = ctx->values[LAB_WORK_OPT];
	if ((st->action == LAB_START || st->action == LAB_CHECK || st->action == LAB_SOLVE) &&
	    demo_find_server(ctx->values[LAB_SERVER_OPT], st->server, sizeof(st->server)) != 0)
		return cli_usage_error();
	st->source = ctx->values[LAB_SOURCE_OPT];
	return 0;
}

/* Finds and loads the lab the operand names, and its work folder. */
static int open_lab(struct lab_cmd *st, const char *which)
{
	struct lab_answers keys;

	if (lab_dir_find(st->root, which, st->lab_path, sizeof(st->lab_path)) != 0)
		return LAB_EXIT_NO_LAB;
	if (lab_load(st->lab_path, st->seed, &st->lab) != 0 ||
	    lab_run_check_steps(&st->lab, st->lab.run, st->lab.nrun) != 0)
		return LAB_EXIT_BAD_LAB;
	lab_answers_clear(&keys);
	for (int i = 0; i < st->lab.nchecks; i++)
		if (lab_probe_keys(&st->lab, &st->lab.checks[i], &keys) != 0)
			return LAB_EXIT_BAD_LAB;
	if (st->only != NULL && lab_check_find(&st->lab, st->only) == NULL) {
		diag_error("lab %d has no check '%s'; its checks are:", st->lab.number, st->only);
		for (int i = 0; i < st->lab.nchecks; i++)
			fprintf(stderr, "  %s\n", st->lab.checks[i].name);
		return CLI_EXIT_USAGE;
	}
	if (lab_dir_work(st->lab_path, st->work, st->work_dir, sizeof(st->work_dir)) != 0)
		return 1;
	return 0;
}

/* The lab's questions: every key its checks ask, "?" each. */
static void lab_keys(const struct lab *lab, struct lab_answers *keys)
{
	lab_answers_clear(keys);
	for (int i = 0; i < lab->nchecks; i++)
		lab_probe_keys(lab, &lab->checks[i], keys);
}

/* Prints "Lab 1: title (seed 123 from user x; threads=4)". */
static void print_banner(const struct lab_cmd *st, FILE *out)
{
	char variant[256];

	lab_variant(&st->lab, variant, sizeof(variant));
	fprintf(out, "Lab %d: %s\n  %s, about %d minutes; seed %llu (%s)%s%s\n", st->lab.number, st->lab.title,
		lab_kind_text(st->lab.kind), st->lab.minutes, (unsigned long long)st->seed, st->seed_from,
		variant[0] ? "; your variant: " : "", variant);
}

/* mcscope lab list. */
static int do_list(struct lab_cmd *st)
{
	static char paths[LAB_DIR_MAX_LABS][PATH_MAX];
	int n = lab_dir_list(st->root, paths, LAB_DIR_MAX_LABS), bad = 0;

	if (n < 0)
		return LAB_EXIT_NO_LAB;
	printf("%-3s %-56s %-8s %5s  %s\n", "#", "lab", "kind", "time", "status");
	for (int i = 0; i < n; i++) {
		struct lab_state state;
		char work[PATH_MAX];
		if (lab_load(paths[i], st->seed, &st->lab) != 0) {
			bad++;
			continue;
		}
		if (lab_dir_work(paths[i], st->work, work, sizeof(work)) != 0)
			return 1;
		lab_state_load(work, &state);
		printf("%-3d %-56.56s %-8s %3dm  %s\n", st->lab.number, st->lab.title, lab_kind_name(st->lab.kind),
		       st->lab.minutes, lab_status_name(state.status));
	}
	if (n == 0)
		printf("(no labs in %s)\n", st->root);
	else
		printf("\nStart one with: ./run lab start N   (grade it: ./run lab check N)\n");
	return bad > 0 ? LAB_EXIT_BAD_LAB : 0;
}

/* Copies the answers template to the work folder, the variant's values put in; 0 when it is there already. */
static int make_answers(const struct lab_cmd *st, const char *path)
{
	char tpl[PATH_MAX + 32], line[LAB_LINE_MAX], variant[256];
	FILE *in, *out;

	if (access(path, F_OK) == 0)
		return 0;
	snprintf(tpl, sizeof(tpl), "%s/answers.template", st->lab.dir);
	if ((in = fopen(tpl, "r")) == NULL)
		return 0;
	if ((out = fopen(path, "w")) == NULL) {
		diag_error("cannot create %s: %s", path, strerror(errno));
		fclose(in);
		return -1;
	}
	lab_variant(&st->lab, variant, sizeof(variant));
	fprintf(out, "# Lab %d, seed %llu: %s\n", st->lab.number, (unsigned long long)st->seed,
		variant[0] ? variant : "one variant for everyone");
	while (fgets(line, sizeof(line), in) != NULL)
		fputs(line, out);
	fclose(in);
	if (fclose(out) != 0) {
		diag_error("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Marks the lab started, unless it passed already. */
static void mark_started(const struct lab_cmd *st)
{
	struct lab_state state;

	lab_state_load(st->work_dir, &state);
	if (state.status == LAB_NOT_STARTED) {
		state.status = LAB_IN_PROGRESS;
		lab_state_save(st->work_dir, &state);
	}
}

struct start_arg {
	struct demo *demo;
	struct load_opts load;
	bool has_load;
};

/* Starts the lab's workload once the dashboard is attached. */
static const char *start_load(void *arg)
{
	struct start_arg *a = arg;

	if (!a->has_load)
		return NULL;
	return demo_start_load(a->demo, &a->load) == 0 ? NULL : "the lab's workload did not start";
}

/* Reads the load line: SCENARIO [conns=N] [rate=R] [reconnect=N]. */
static int parse_load(const struct lab *lab, struct load_opts *o)
{
	char copy[LAB_LINE_MAX], *w[8];
	int n;

	strcpy(copy, lab->load);
	n = lab_split(copy, w, 8);
	*o = (struct load_opts){ .host = "127.0.0.1", .conns = 1, .rate = 1, .duration = 86400,
				 .reply_timeout_us = 24 * 3600 * 1000000ULL, .seed = lab->seed };
	if (n < 1 || (int)(o->scenario = (enum load_scenario)load_scenario_from_name(w[0])) < 0)
		goto bad;
	for (int i = 1; i < n; i++) {
		char *eq = strchr(w[i], '=');
		if (eq == NULL)
			goto bad;
		*eq++ = '\0';
		if (strcmp(w[i], "conns") == 0)
			o->conns = (unsigned)strtoul(eq, NULL, 10);
		else if (strcmp(w[i], "rate") == 0)
			o->rate = strtod(eq, NULL);
		else if (strcmp(w[i], "reconnect") == 0)
			o->reconnect = (unsigned)strtoul(eq, NULL, 10);
		else
			goto bad;
	}
	if (o->conns >= 1 && o->conns <= 1000 && o->rate > 0 && o->rate <= 100000)
		return 0;
bad:
	diag_error("%s/lab.conf: expected 'load SCENARIO [conns=1-1000] [rate=R] [reconnect=N]', got '%s'", lab->dir,
		   lab->load);
	return -1;
}

/* Copies a write-code lab's stub to the work folder; 0 when the student's file is there already. */
static int make_student(const struct lab_cmd *st, const char *path)
{
	char stub[PATH_MAX + 80], buf[4096];
	FILE *in, *out;
	size_t got;
	int rc = 0;

	if (access(path, F_OK) == 0)
		return 0;
	snprintf(stub, sizeof(stub), "%s/stub/%s", st->lab.dir, st->lab.student);
	if ((in = fopen(stub, "r")) == NULL) {
		diag_error("cannot open %s: %s", stub, strerror(errno));
		return -1;
	}
	if ((out = fopen(path, "w")) == NULL) {
		diag_error("cannot create %s: %s", path, strerror(errno));
		fclose(in);
		return -1;
	}
	while ((got = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, got, out) != got)
			rc = -1;
	fclose(in);
	if (fclose(out) != 0 || rc != 0) {
		diag_error("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* mcscope lab start N for a write-code lab: the student's file from its stub, and what to do. */
static int do_start_code(struct lab_cmd *st)
{
	char student[PATH_MAX + 80];
	bool fresh;

	snprintf(student, sizeof(student), "%s/%s", st->work_dir, st->lab.student);
	fresh = access(student, F_OK) != 0;
	if (make_student(st, student) != 0)
		return 1;
	mark_started(st);
	print_banner(st, stdout);
	printf("  the handout: %s/README.md\n", st->lab.dir);
	printf("  your file: %s%s\n", student, fresh ? " (a copy of the stub: write your code in it)" : "");
	if (st->lab.replaces[0] != '\0')
		printf("  it takes the place of the server's %s in a lab server of your own\n", st->lab.replaces);
	printf("  grade it: ./run lab check %d   (it builds a lab server from your file and tests it; one check "
	       "alone: ./run lab check %d NAME)\n", st->lab.number, st->lab.number);
	return 0;
}

/* mcscope lab start N. */
static int do_start(struct cmd_ctx *ctx, struct lab_cmd *st)
{
	char answers[PATH_MAX + 16], proof[PATH_MAX + 16], flags_buf[LAB_LINE_MAX], *flags[DEMO_FLAGS_MAX + 1];
	struct demo demo;
	struct start_arg arg = { .demo = &demo };
	struct lab_live live;
	int rc;

	if (st->lab.kind == LAB_CODE)
		return do_start_code(st);
	if (!dashboard_can_run(&ctx->screen))
		return cli_usage_error();
	snprintf(answers, sizeof(answers), "%s/answers.txt", st->work_dir);
	snprintf(proof, sizeof(proof), "%s/proof.trace", st->work_dir);
	if (st->lab.load[0] != '\0') {
		if (parse_load(&st->lab, &arg.load) != 0)
			return LAB_EXIT_BAD_LAB;
		arg.has_load = true;
	}
	if (lab_live_init(&live, &st->lab, proof) != 0)
		return LAB_EXIT_BAD_LAB;
	if (st->lab.kind == LAB_PREDICT && make_answers(st, answers) != 0) {
		lab_live_free(&live);
		return 1;
	}
	mark_started(st);
	strcpy(flags_buf, st->lab.server);
	int nflags = lab_split(flags_buf, flags, DEMO_FLAGS_MAX);
	flags[nflags < 0 ? 0 : nflags] = NULL;
	demo_init(&demo);
	if (demo_start_server(&demo, st->server, flags) != 0) {
		rc = stop_signal() != 0 ? 0 : CLI_EXIT_UNAVAILABLE;
		goto out;
	}
	ctx->screen.socket_path = demo.socket_path;
	ctx->screen.on_attached = start_load;
	ctx->screen.on_attached_arg = &arg;
	ctx->screen.on_line = (void (*)(void *, const char *, size_t))lab_live_feed;
	ctx->screen.on_line_arg = &live;
	ctx->screen.lab = &live;
	ctx->screen.lab_port = demo.tcp_port;
	rc = dashboard_run(&ctx->screen);
out:
	demo_stop(&demo);
	print_banner(st, stdout);
	printf("  the handout: %s/README.md\n", st->lab.dir);
	if (st->lab.kind == LAB_PREDICT)
		printf("  your predictions: %s\n", answers);
	printf("  goals reached: %d of %d%s%s\n", live.reached, live.ngoals, live.done ? "; " : "",
	       live.done ? live.status : "");
	printf("  grade it: ./run lab check %d\n", st->lab.number);
	lab_live_free(&live);
	return rc;
}

/* Runs the lab's steps on a private server into t; 0, or an exit status after saying why. */
static int run_steps(struct lab_cmd *st, struct lab_trace *t, char *why, size_t n)
{
	enum lab_run_status rs = lab_run(&st->lab, st->server, NULL, st->lab.run, st->lab.nrun, t, why, n);

	if (rs == LAB_RUN_NO_SERVER)
		return CLI_EXIT_UNAVAILABLE;
	if (rs == LAB_RUN_STOPPED) {
		diag_error("stopped");
		return 1;
	}
	return 0;
}

/* Writes results.json, when asked; 0 or an exit status. */
static int write_json(const struct lab_cmd *st, const struct lab_grade *g)
{
	char header[512], variant[256];

	if (st->json == NULL)
		return 0;
	snprintf(header, sizeof(header), "Lab %d: %s; seed %llu (%s); %s", st->lab.number, st->lab.title,
		 (unsigned long long)st->seed, st->seed_from, lab_variant(&st->lab, variant, sizeof(variant)));
	return lab_grade_json(g, header, st->json) != 0 ? CLI_EXIT_CANTCREAT : 0;
}

/* True when every check graded passed. */
static bool all_passed(const struct lab_grade *g)
{
	bool pass = g->score == g->max && g->n > 0;

	for (int i = 0; i < g->n; i++)
		pass = pass && g->results[i].pass;
	return pass;
}

/* Keeps the student's progress after a check of every check. */
static void record_result(const struct lab_cmd *st, bool pass)
{
	struct lab_state state;

	if (st->only != NULL)
		return;
	lab_state_load(st->work_dir, &state);
	state.status = pass ? LAB_PASSED : LAB_IN_PROGRESS;
	lab_state_save(st->work_dir, &state);
	if (pass)
		printf("Lab %d passed. Next: ./run lab\n", st->lab.number);
}

/* mcscope lab check N [CHECK] for a write-code lab: build, test, run, report. */
static int do_check_code(struct lab_cmd *st)
{
	char source[PATH_MAX], student[PATH_MAX + 80];
	struct lab_code *code;
	struct lab_grade *g;
	bool given;
	int rc;

	snprintf(student, sizeof(student), "%s/%s", st->work_dir, st->lab.student);
	if (access(student, R_OK) != 0) {
		diag_error("no %s: run 'mcscope lab start %d' (it copies %s/stub/%s there), then write your code in it",
			   student, st->lab.number, st->lab.dir, st->lab.student);
		return LAB_EXIT_ANSWERS;
	}
	if (lab_build_source(st->source, source, sizeof(source), &given) != 0)
		return given ? CLI_EXIT_USAGE : CLI_EXIT_UNAVAILABLE;
	code = malloc(sizeof(*code));
	g = malloc(sizeof(*g));
	if (code == NULL || g == NULL) {
		diag_error("out of memory");
		free(code);
		free(g);
		return 1;
	}
	lab_code_init(code, &st->lab, source, st->work_dir);
	print_banner(st, stdout);
	fflush(stdout);
	lab_grade_with(&st->lab, lab_code_probe, code, "", NULL, NULL, st->only, g);
	const struct lab_build *failed = lab_code_failed_build(code);
	if (failed != NULL) {
		/* The compiler's own words first, whole, then the report. */
		fprintf(stderr, "%s", failed->words);
		diag_error("%s does not compile%s: the compiler's words are above (all of its output: %s)",
			   student, failed->tsan ? " with ThreadSanitizer" : "", failed->log);
	}
	lab_grade_print(g, stdout);
	bool pass = all_passed(g);
	rc = failed != NULL ? LAB_EXIT_BUILD : code->plain.status == LAB_BUILD_ERROR ||
						       code->tsan.status == LAB_BUILD_ERROR
					       ? CLI_EXIT_UNAVAILABLE
				       : pass ? 0 : LAB_EXIT_FAILED;
	int json_rc = write_json(st, g);
	if (json_rc != 0)
		rc = json_rc;
	record_result(st, pass);
	lab_code_free(code);
	free(code);
	free(g);
	return rc;
}

/* mcscope lab check N [CHECK]. */
static int do_check(struct lab_cmd *st)
{
	char answers_path[PATH_MAX + 16], trace_path[PATH_MAX + 16], why[PATH_MAX + 1024] = "";
	struct lab_answers keys, answers;
	struct lab_trace t;
	struct lab_grade *g;
	bool predict = st->lab.kind == LAB_PREDICT;
	int rc;

	if (st->lab.kind == LAB_CODE)
		return do_check_code(st);
	lab_trace_init(&t);
	snprintf(answers_path, sizeof(answers_path), "%s/answers.txt", st->work_dir);
	if (predict) {
		lab_keys(&st->lab, &keys);
		if (access(answers_path, F_OK) != 0) {
			diag_error("no answers file %s: run 'mcscope lab start %d' (it makes one from %s/answers.template), "
				   "then write your predictions in it", answers_path, st->lab.number, st->lab.dir);
			return LAB_EXIT_ANSWERS;
		}
		if (lab_answers_load(&answers, answers_path, &keys) != 0)
			return LAB_EXIT_ANSWERS;
	}
	g = malloc(sizeof(*g));
	if (g == NULL) {
		diag_error("out of memory");
		return 1;
	}
	print_banner(st, stdout);
	if (predict) {
		/* The seeded scenario again, so anyone with the seed gets the same verdict. */
		snprintf(trace_path, sizeof(trace_path), "%s/check.trace", st->work_dir);
		if ((rc = run_steps(st, &t, why, sizeof(why))) != 0)
			goto out;
	} else {
		/* The proof the Lab panel saved, verified again from its events. */
		snprintf(trace_path, sizeof(trace_path), "%s/proof.trace", st->work_dir);
		if (access(trace_path, F_OK) != 0)
			snprintf(why, sizeof(why), "no proof trace %s yet: run 'mcscope lab start %d' and reach "
				 "every goal", trace_path, st->lab.number);
		else if ((rc = lab_trace_load(&t, trace_path)) != 0) {
			/* Bad input, as for every command that reads a trace: not a failed check. */
			rc = rc == TRACE_READ_NOT_TRACE ? CLI_EXIT_DATAERR : CLI_EXIT_NOINPUT;
			goto out;
		}
	}
	lab_grade(&st->lab, &t, why, predict ? &answers : NULL, answers_path, st->only, g);
	lab_grade_print(g, stdout);
	bool pass = all_passed(g);
	if (predict && lab_trace_save(&t, trace_path) == 0 && !pass)
		printf("The run's trace: %s (watch it: mcscope replay %s)\n", trace_path, trace_path);
	rc = pass ? 0 : LAB_EXIT_FAILED;
	if (st->json != NULL) {
		if ((rc = write_json(st, g)) == 0 && !pass && predict) {
			/* The failing run stays next to the result, for the student to replay. */
			char copy[PATH_MAX + 16];
			snprintf(copy, sizeof(copy), "%s.trace", st->json);
			if (lab_trace_save(&t, copy) == 0)
				printf("Its copy beside %s: %s\n", st->json, copy);
		}
		if (rc == 0)
			rc = pass ? 0 : LAB_EXIT_FAILED;
	}
	record_result(st, pass);
out:
	lab_trace_free(&t);
	free(g);
	return rc;
}

/* mcscope lab hint N: one more hint each time. */
static int do_hint(struct lab_cmd *st)
{
	struct lab_state state;

	lab_state_load(st->work_dir, &state);
	if (st->lab.nhints == 0) {
		printf("Lab %d has no hints: its handout is %s/README.md\n", st->lab.number, st->lab.dir);
		return 0;
	}
	if (state.hints < st->lab.nhints)
		state.hints++;
	if (state.status == LAB_NOT_STARTED)
		state.status = LAB_IN_PROGRESS;
	lab_state_save(st->work_dir, &state);
	for (int i = 0; i < state.hints; i++)
		printf("Hint %d of %d: %s\n", i + 1, st->lab.nhints, st->lab.hints[i]);
	if (state.hints < st->lab.nhints)
		printf("(again for the next one)\n");
	return 0;
}

/* mcscope lab solve N: the answers, computed from a run. */
static int do_solve(struct lab_cmd *st)
{
	struct lab_trace t;
	struct lab_answers found;
	char why[1024] = "", variant[256], path[PATH_MAX + 16];
	int rc, failed = 0;

	if (st->lab.kind == LAB_CODE) {
		diag_error("lab %d is a write-code lab: there are no answers to compute; its checks build and test "
			   "your %s: mcscope lab check %d", st->lab.number, st->lab.student, st->lab.number);
		return CLI_EXIT_USAGE;
	}
	lab_trace_init(&t);
	if ((rc = run_steps(st, &t, why, sizeof(why))) != 0)
		goto out;
	lab_variant(&st->lab, variant, sizeof(variant));
	printf("# Lab %d, seed %llu (%s): %s\n", st->lab.number, (unsigned long long)st->seed, st->seed_from,
	       variant[0] ? variant : "one variant for everyone");
	if (why[0] != '\0') {
		diag_error("the lab's run failed: %s", why);
		rc = LAB_EXIT_FAILED;
		goto out;
	}
	if (st->lab.kind != LAB_PREDICT) {
		printf("# These steps reach every goal:\n");
		for (int i = 0; i < st->lab.nrun; i++)
			printf("#   %s\n", st->lab.run[i].text);
	}
	for (int i = 0; i < st->lab.nchecks; i++) {
		const struct lab_check *c = &st->lab.checks[i];
		if (lab_probe_run(&st->lab, c, &t, &found, why, sizeof(why)) != 0) {
			printf("# %s: %s\n", c->name, why);
			failed++;
			continue;
		}
		if (found.n == 0) {
			printf("# %s: %s: yes\n", c->name, c->title);
			continue;
		}
		printf("# %s\n", c->title);
		for (int k = 0; k < found.n; k++)
			printf("%s = %s\n", found.key[k], found.value[k]);
	}
	snprintf(path, sizeof(path), "%s/solve.trace", st->work_dir);
	if (lab_trace_save(&t, path) == 0)
		printf("# the run's trace: %s\n", path);
	rc = failed ? LAB_EXIT_FAILED : 0;
out:
	lab_trace_free(&t);
	return rc;
}

/* Runs the action. */
static int lab_cmd_exec(struct cmd_ctx *ctx)
{
	struct lab_cmd *st = ctx->state;
	int rc;

	if (st->action == LAB_LIST)
		return do_list(st);
	if ((rc = open_lab(st, ctx->argv[1])) != 0)
		return rc;
	switch (st->action) {
	case LAB_START:
		return do_start(ctx, st);
	case LAB_CHECK:
		return do_check(st);
	case LAB_HINT:
		return do_hint(st);
	case LAB_SOLVE:
		return do_solve(st);
	case LAB_LIST:
		break;
	}
	return 0;
}

const struct cmd_entry cmd_lab_entry = {
	.name = "lab",
	.summary = "the step-through labs: list, start, check, hint, solve",
	.usage = "[list]\nstart N [dashboard options]\ncheck N [CHECK] [--json FILE]\nhint N\nsolve N",
	.text = "The labs in labs/NN-slug/, from first contact to writing code. list shows each lab "
		"with its kind, time and your status. start N runs the lab's private mcscoped (its "
		"flags and seed) and the dashboard with a Lab panel whose goals tick as the events "
		"show them reached; when the last one is, the trace that proves it is saved. check N "
		"grades: each check PASS or FAIL with its points, expected against got on each "
		"failure, then Score: x/y; a prediction lab's seeded run is done again, a scheduler "
		"lab's proof trace is verified again from its events. A write-code lab's start copies "
		"its stub to your file (stub/FILE to FILE in your folder); its check builds, with meson, "
		"a separate lab server (and the lab's tests) from mcscoped's source tree with your file "
		"in place, plain and with ThreadSanitizer, in your folder's build/, then grades it with "
		"the tests, the trace of a run and a TSan run. hint N shows one more hint each "
		"time; solve N prints the answers, computed from a run. Every student gets a variant "
		"of their own from their user name; --seed picks another.",
	.options = lab_options,
	.notes = "Lab N is its number (1), or its folder's name (01-round-robin).",
	.exit_status = "Exit status: 0 when every check passed; 1 a check failed; 2 no such lab; 3 the "
		       "answers file (a write-code lab's file) is missing or malformed (its line named); 4 "
		       "the lab's lab.conf is not valid; 5 a write-code lab's file does not compile (the "
		       "compiler's own words shown); 64 bad command line; 65 the proof trace is not a "
		       "trace; 66 the proof trace cannot be read; 69 the lab's server did not "
		       "start, or a lab build could not be made; 73 --json's file cannot be written.",
	.flags = CMD_SCREEN_OPTS | CMD_STOP,
	.args_min = 0,
	.args_max = 3,
	.state_size = sizeof(struct lab_cmd),
	.check = lab_cmd_check,
	.exec = lab_cmd_exec,
};
