/* lab_grade.c: checks with points and parents, their report and results.json. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "lab_grade.h"
#include "lab_probe.h"

/* Appends to a result's output. */
static void say(struct lab_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct lab_result *r, const char *fmt, ...)
{
	size_t used = strlen(r->output);
	va_list ap;

	if (used + 1 >= sizeof(r->output))
		return;
	va_start(ap, fmt);
	vsnprintf(r->output + used, sizeof(r->output) - used, fmt, ap);
	va_end(ap);
}

/* The result of the check named name, or NULL when it was not graded. */
static const struct lab_result *result_of(const struct lab_grade *g, const char *name)
{
	for (int i = 0; i < g->n; i++)
		if (strcmp(g->results[i].check->name, name) == 0)
			return &g->results[i];
	return NULL;
}

/* True when c is only or one of its ancestors. */
static bool wanted(const struct lab *lab, const struct lab_check *c, const char *only)
{
	for (const struct lab_check *x = only ? lab_check_find(lab, only) : NULL; x != NULL;
	     x = x->parent[0] ? lab_check_find(lab, x->parent) : NULL)
		if (x == c)
			return true;
	return only == NULL;
}

/* Compares the student's answers with what the run found. */
static bool compare(struct lab_result *r, const struct lab_answers *found, const struct lab_answers *a,
		    const char *answers_path)
{
	bool pass = true;

	for (int i = 0; i < found->n; i++) {
		const char *key = found->key[i], *want = found->value[i];
		const char *got = a != NULL ? lab_answers_get(a, key) : NULL;
		if (got != NULL && !lab_answer_missing(got) && lab_answer_equal(got, want))
			continue;
		pass = false;
		if (got == NULL || lab_answer_missing(got)) {
			say(r, "%s: expected %s, got ? (no prediction yet)\n", key, want);
			continue;
		}
		int line = 0;
		for (int k = 0; k < a->n; k++)
			if (strcmp(a->key[k], key) == 0)
				line = a->line[k];
		const char *base = strrchr(answers_path, '/');
		say(r, "%s: expected %s, got %s (%s line %d)\n", key, want, got, base ? base + 1 : answers_path, line);
	}
	return pass;
}

/* The probe of a lab with a trace: lab_probe_run on it. */
struct trace_probe {
	const struct lab *lab;
	const struct lab_trace *t;
};

/* Runs a check's probe on the trace. */
static int probe_trace(void *arg, const struct lab_check *c, struct lab_answers *found, char *why, size_t n)
{
	const struct trace_probe *tp = arg;

	return lab_probe_run(tp->lab, c, tp->t, found, why, n);
}

/* Grades the checks. */
void lab_grade(const struct lab *lab, const struct lab_trace *t, const char *run_error,
	       const struct lab_answers *a, const char *answers_path, const char *only, struct lab_grade *g)
{
	struct trace_probe tp = { lab, t };

	lab_grade_with(lab, probe_trace, &tp, run_error, a, answers_path, only, g);
}

/* Grades the checks, each probe run by probe. */
void lab_grade_with(const struct lab *lab, lab_grade_probe probe, void *arg, const char *run_error,
		    const struct lab_answers *a, const char *answers_path, const char *only, struct lab_grade *g)
{
	struct lab_answers found;
	char why[LAB_OUTPUT_MAX];

	memset(g, 0, sizeof(*g));
	for (int i = 0; i < lab->nchecks; i++) {
		const struct lab_check *c = &lab->checks[i];
		if (!wanted(lab, c, only))
			continue;
		struct lab_result *r = &g->results[g->n++];
		r->check = c;
		g->max += c->points;
		const struct lab_result *parent = c->parent[0] ? result_of(g, c->parent) : NULL;
		if (parent != NULL && !parent->pass) {
			say(r, "not graded: it needs check '%s', which failed\n", c->parent);
			continue;
		}
		if (c->parent[0] == '\0' && run_error[0] != '\0') {
			say(r, "the run failed: %s\n", run_error);
			continue;
		}
		why[0] = '\0';
		lab_answers_clear(&found);
		if (probe(arg, c, &found, why, sizeof(why)) != 0) {
			say(r, "expected %s; got: %s\n", c->title, why);
			continue;
		}
		r->pass = compare(r, &found, a, answers_path);
		if (r->pass) {
			r->score = c->points;
			g->score += c->points;
			if (why[0] != '\0')
				say(r, "%s\n", why);
		}
	}
}

/* Prints the report. */
void lab_grade_print(const struct lab_grade *g, FILE *out)
{
	for (int i = 0; i < g->n; i++) {
		const struct lab_result *r = &g->results[i];
		fprintf(out, "%s  %-12s %-52s %d/%d\n", r->pass ? "PASS" : "FAIL", r->check->name, r->check->title,
			r->score, r->check->points);
		for (const char *p = r->output; *p != '\0';) {
			size_t len = strcspn(p, "\n");
			fprintf(out, "      %.*s\n", (int)len, p);
			p += len + (p[len] == '\n');
		}
	}
	fprintf(out, "Score: %d/%d\n", g->score, g->max);
}

/* Writes s as a JSON string. */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* Writes results.json. */
int lab_grade_json(const struct lab_grade *g, const char *header, const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		diag_error("cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "{\n  \"score\": %d,\n  \"output\": ", g->score);
	json_string(f, header);
	fputs(",\n  \"tests\": [", f);
	for (int i = 0; i < g->n; i++) {
		const struct lab_result *r = &g->results[i];
		char name[LAB_NAME_MAX + LAB_TEXT_MAX + 4];
		snprintf(name, sizeof(name), "%s: %s", r->check->name, r->check->title);
		fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
		json_string(f, name);
		fprintf(f, ", \"score\": %d, \"max_score\": %d, \"output\": ", r->score, r->check->points);
		if (r->pass && r->output[0] != '\0') {
			/* A pass says so, then its note (figures, say). */
			char text[LAB_OUTPUT_MAX + 8];
			snprintf(text, sizeof(text), "PASS\n%s", r->output);
			json_string(f, text);
		} else {
			json_string(f, r->pass ? "PASS" : r->output);
		}
		fputc('}', f);
	}
	fputs("\n  ]\n}\n", f);
	if (fclose(f) != 0) {
		diag_error("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
