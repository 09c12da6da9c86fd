/* lab_conf.c: reads a lab's lab.conf for one seed. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "lab.h"

#define LAB_KIND_NAME_(e, name, text) #name,
static const char *const kind_names[] = { LAB_KINDS(LAB_KIND_NAME_) };
#undef LAB_KIND_NAME_
#define LAB_KIND_TEXT_(e, name, text) text,
static const char *const kind_texts[] = { LAB_KINDS(LAB_KIND_TEXT_) };
#undef LAB_KIND_TEXT_

/* Where a line is, for messages. */
struct conf_pos {
	const char *path;
	int line;
};

/* The name of a kind. */
const char *lab_kind_name(enum lab_kind k)
{
	return k < LAB_KIND_COUNT ? kind_names[k] : "?";
}

/* What a kind has the student do. */
const char *lab_kind_text(enum lab_kind k)
{
	return k < LAB_KIND_COUNT ? kind_texts[k] : "?";
}

/* The value of key in args. */
const char *lab_arg(const struct lab_args *args, const char *key, const char *dflt)
{
	for (int i = 0; i < args->n; i++)
		if (strcmp(args->key[i], key) == 0)
			return args->value[i];
	return dflt;
}

/* Finds a check by name. */
const struct lab_check *lab_check_find(const struct lab *lab, const char *name)
{
	for (int i = 0; i < lab->nchecks; i++)
		if (strcmp(lab->checks[i].name, name) == 0)
			return &lab->checks[i];
	return NULL;
}

/* Writes the seed's picks. */
const char *lab_variant(const struct lab *lab, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < lab->nvars && used < n; i++) {
		int len = snprintf(buf + used, n - used, "%s%s=%s", i > 0 ? " " : "", lab->vars[i].name,
				   lab->vars[i].value);
		if (len < 0)
			break;
		used += (size_t)len;
	}
	return buf;
}

/* Splits a line into words. */
int lab_split(char *line, char **words, int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || n == max)
			return n;
		char *out = p;
		words[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t') {
			if (*p == '\'') {
				char *close = strchr(p + 1, '\'');
				if (close == NULL)
					return -1;
				size_t len = (size_t)(close - p - 1);
				memmove(out, p + 1, len);
				out += len;
				p = close + 1;
			} else {
				*out++ = *p++;
			}
		}
		bool more = *p != '\0';
		*out = '\0';
		if (more)
			p++;
	}
}

/* A 64-bit mix of x (splitmix64's finaliser): nearby seeds pick unrelated values. */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* FNV-1a of a string: each variable draws on its own. */
static uint64_t hash_name(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* Reports a malformed line; returns -1. */
static int conf_error(const struct conf_pos *pos, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int conf_error(const struct conf_pos *pos, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error("%s:%d: %s", pos->path, pos->line, msg);
	return -1;
}

/* Finds a variable's value by the n bytes of its name; NULL when not declared. */
static const char *var_value(const struct lab *lab, const char *name, size_t n)
{
	for (int i = 0; i < lab->nvars; i++)
		if (strlen(lab->vars[i].name) == n && memcmp(lab->vars[i].name, name, n) == 0)
			return lab->vars[i].value;
	return NULL;
}

/* Replaces each {name}, {name+N} and {name-N} of in by its value into out; -1 with a message. */
static int substitute(const struct lab *lab, const char *in, char *out, size_t n, const struct conf_pos *pos)
{
	size_t used = 0;

	while (*in != '\0') {
		if (*in != '{') {
			if (used + 1 >= n)
				return conf_error(pos, "line too long (at most %d bytes)", LAB_LINE_MAX - 1);
			out[used++] = *in++;
			continue;
		}
		const char *close = strchr(in, '}');
		if (close == NULL)
			return conf_error(pos, "'{' without '}'");
		const char *name = in + 1, *op = name;
		while (op < close && (isalnum((unsigned char)*op) || *op == '_'))
			op++;
		const char *value = var_value(lab, name, (size_t)(op - name));
		if (value == NULL)
			return conf_error(pos, "unknown variable {%.*s}: declare it with a vary line first",
					  (int)(close - name), name);
		char num[32];
		if (op < close) {
			char *end;
			long delta = strtol(op + 1, &end, 10);
			long base = strtol(value, NULL, 10);
			if ((*op != '+' && *op != '-') || end != close || end == op + 1)
				return conf_error(pos, "bad variable {%.*s}: expected {name}, {name+N} or {name-N}",
						  (int)(close - name), name);
			snprintf(num, sizeof(num), "%ld", *op == '+' ? base + delta : base - delta);
			value = num;
		}
		size_t len = strlen(value);
		if (used + len >= n)
			return conf_error(pos, "line too long (at most %d bytes)", LAB_LINE_MAX - 1);
		memcpy(out + used, value, len);
		used += len;
		in = close + 1;
	}
	out[used] = '\0';
	return 0;
}

/* Copies s into a fixed field of n bytes; -1 with a message when it does not fit. */
static int copy_field(char *dst, size_t n, const char *s, const char *what, const struct conf_pos *pos)
{
	if (strlen(s) >= n)
		return conf_error(pos, "%s too long (at most %zu bytes): %s", what, n - 1, s);
	strcpy(dst, s);
	return 0;
}

/* Reads key=value words into args; -1 with a message. */
static int parse_args(char **words, int nwords, struct lab_args *args, const struct conf_pos *pos)
{
	args->n = 0;
	for (int i = 0; i < nwords; i++) {
		char *eq = strchr(words[i], '=');
		if (eq == NULL || eq == words[i])
			return conf_error(pos, "expected key=value, got '%s'", words[i]);
		if (args->n == LAB_ARGS_MAX)
			return conf_error(pos, "more than %d key=value words", LAB_ARGS_MAX);
		*eq = '\0';
		if (copy_field(args->key[args->n], LAB_NAME_MAX, words[i], "key", pos) != 0 ||
		    copy_field(args->value[args->n], LAB_VALUE_MAX, eq + 1, "value", pos) != 0)
			return -1;
		args->n++;
	}
	return 0;
}

/* Splits "words :: title" at the " :: "; -1 with a message when there is no title. */
static int split_title(char *rest, char **title, const struct conf_pos *pos)
{
	char *sep = strstr(rest, " :: ");

	if (sep == NULL)
		return conf_error(pos, "expected '... :: title'");
	*sep = '\0';
	*title = sep + 4;
	return 0;
}

/* goal NAME DETECTOR [key=value...] :: title */
static int parse_goal(struct lab *lab, char *rest, const struct conf_pos *pos)
{
	char *title = NULL, *w[LAB_ARGS_MAX + 3];
	int n;

	if (lab->ngoals == LAB_GOALS_MAX)
		return conf_error(pos, "more than %d goals", LAB_GOALS_MAX);
	if (split_title(rest, &title, pos) != 0)
		return -1;
	n = lab_split(rest, w, LAB_ARGS_MAX + 3);
	if (n < 2)
		return conf_error(pos, "expected 'goal NAME DETECTOR [key=value...] :: title'");
	struct lab_goal *g = &lab->goals[lab->ngoals];
	g->line = pos->line;
	if (copy_field(g->name, sizeof(g->name), w[0], "goal name", pos) != 0 ||
	    copy_field(g->detector, sizeof(g->detector), w[1], "detector", pos) != 0 ||
	    copy_field(g->title, sizeof(g->title), title, "title", pos) != 0 ||
	    parse_args(w + 2, n - 2, &g->args, pos) != 0)
		return -1;
	lab->ngoals++;
	return 0;
}

/* check NAME POINTS [parent=NAME] PROBE [key=value...] :: title */
static int parse_check(struct lab *lab, char *rest, const struct conf_pos *pos)
{
	char *title = NULL, *w[LAB_ARGS_MAX + 4], *end;
	int n, i = 2;

	if (lab->nchecks == LAB_CHECKS_MAX)
		return conf_error(pos, "more than %d checks", LAB_CHECKS_MAX);
	if (split_title(rest, &title, pos) != 0)
		return -1;
	n = lab_split(rest, w, LAB_ARGS_MAX + 4);
	if (n < 3)
		return conf_error(pos, "expected 'check NAME POINTS [parent=NAME] PROBE [key=value...] :: title'");
	struct lab_check *c = &lab->checks[lab->nchecks];
	c->line = pos->line;
	errno = 0;
	long points = strtol(w[1], &end, 10);
	if (errno != 0 || *end != '\0' || points < 0 || points > 1000)
		return conf_error(pos, "points must be 0-1000, got '%s'", w[1]);
	c->points = (int)points;
	if (strncmp(w[2], "parent=", 7) == 0) {
		if (copy_field(c->parent, sizeof(c->parent), w[2] + 7, "parent", pos) != 0)
			return -1;
		if (lab_check_find(lab, c->parent) == NULL)
			return conf_error(pos, "parent '%s' is not a check declared above", c->parent);
		i = 3;
	}
	if (i >= n)
		return conf_error(pos, "no probe named");
	if (copy_field(c->name, sizeof(c->name), w[0], "check name", pos) != 0 ||
	    copy_field(c->probe, sizeof(c->probe), w[i], "probe", pos) != 0 ||
	    copy_field(c->title, sizeof(c->title), title, "title", pos) != 0 ||
	    parse_args(w + i + 1, n - i - 1, &c->args, pos) != 0)
		return -1;
	if (lab_check_find(lab, c->name) != NULL)
		return conf_error(pos, "a second check named '%s'", c->name);
	lab->nchecks++;
	return 0;
}

/* vary NAME V1 V2 ...: the seed picks one value. */
static int parse_vary(struct lab *lab, char *rest, const struct conf_pos *pos)
{
	char *w[LAB_CHOICES_MAX + 2];
	int n = lab_split(rest, w, LAB_CHOICES_MAX + 2);

	if (n < 2)
		return conf_error(pos, "expected 'vary NAME VALUE...'");
	if (n > LAB_CHOICES_MAX + 1)
		return conf_error(pos, "more than %d values", LAB_CHOICES_MAX);
	if (lab->nvars == LAB_VARS_MAX)
		return conf_error(pos, "more than %d variables", LAB_VARS_MAX);
	if (var_value(lab, w[0], strlen(w[0])) != NULL)
		return conf_error(pos, "variable '%s' declared twice", w[0]);
	struct lab_var *v = &lab->vars[lab->nvars];
	v->nchoices = n - 1;
	uint64_t pick = mix64(lab->seed ^ hash_name(w[0])) % (uint64_t)v->nchoices;
	if (copy_field(v->name, sizeof(v->name), w[0], "variable name", pos) != 0 ||
	    copy_field(v->value, sizeof(v->value), w[1 + pick], "value", pos) != 0)
		return -1;
	lab->nvars++;
	return 0;
}

/* True when name is a C file's plain name: letters, digits and _, then ".c". */
static bool is_file_name(const char *name)
{
	size_t len = strlen(name);

	if (len < 3 || len >= LAB_FILE_MAX || strcmp(name + len - 2, ".c") != 0)
		return false;
	for (size_t i = 0; i < len - 2; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			return false;
	return true;
}

/* student FILE [replaces src/NAME.c] */
static int parse_student(struct lab *lab, char *rest, const struct conf_pos *pos)
{
	char *w[4];
	int n = lab_split(rest, w, 4);

	if (!((n == 1 || (n == 3 && strcmp(w[1], "replaces") == 0)) && is_file_name(w[0])))
		return conf_error(pos, "expected 'student FILE.c [replaces src/NAME.c]', got '%s'", rest);
	if (n == 3 && (strncmp(w[2], "src/", 4) != 0 || !is_file_name(w[2] + 4)))
		return conf_error(pos, "student: what it replaces is one of the server's files, src/NAME.c; got '%s'",
				  w[2]);
	if (copy_field(lab->student, sizeof(lab->student), w[0], "student file", pos) != 0)
		return -1;
	return copy_field(lab->replaces, sizeof(lab->replaces), n == 3 ? w[2] : "", "replaced file", pos);
}

/* Checks what a kind needs: a code lab's student file and its stub, and its tests file; -1 with a message. */
static int check_kind(const struct lab *lab, const char *path)
{
	char file[PATH_MAX + 80];

	if (lab->kind != LAB_CODE) {
		if (lab->student[0] != '\0' || lab->tests[0] != '\0') {
			diag_error("%s: student and tests lines are for a lab of kind code", path);
			return -1;
		}
		return 0;
	}
	if (lab->student[0] == '\0') {
		diag_error("%s: a lab of kind code needs a 'student FILE.c [replaces src/NAME.c]' line", path);
		return -1;
	}
	snprintf(file, sizeof(file), "%s/stub/%s", lab->dir, lab->student);
	if (access(file, R_OK) != 0) {
		diag_error("%s: the student's stub %s: %s", path, file, strerror(errno));
		return -1;
	}
	snprintf(file, sizeof(file), "%s/%s", lab->dir, lab->tests);
	if (lab->tests[0] != '\0' && access(file, R_OK) != 0) {
		diag_error("%s: the tests %s: %s", path, file, strerror(errno));
		return -1;
	}
	return 0;
}

/* Reads one line (comments and blank lines already gone). */
static int parse_line(struct lab *lab, char *line, const struct conf_pos *pos)
{
	char expanded[LAB_LINE_MAX];
	char *rest = line + strcspn(line, " \t");

	if (*rest != '\0')
		*rest++ = '\0';
	rest += strspn(rest, " \t");
	if (strcmp(line, "vary") == 0)
		return parse_vary(lab, rest, pos);
	if (substitute(lab, rest, expanded, sizeof(expanded), pos) != 0)
		return -1;
	rest = expanded;
	if (strcmp(line, "title") == 0)
		return copy_field(lab->title, sizeof(lab->title), rest, "title", pos);
	if (strcmp(line, "kind") == 0) {
		for (int k = 0; k < LAB_KIND_COUNT; k++)
			if (strcmp(rest, kind_names[k]) == 0) {
				lab->kind = (enum lab_kind)k;
				return 0;
			}
		return conf_error(pos, "kind must be predict, play or code, got '%s'", rest);
	}
	if (strcmp(line, "minutes") == 0) {
		char *end;
		long m = strtol(rest, &end, 10);
		if (*end != '\0' || m < 1 || m > 600)
			return conf_error(pos, "minutes must be 1-600, got '%s'", rest);
		lab->minutes = (int)m;
		return 0;
	}
	if (strcmp(line, "server") == 0)
		return copy_field(lab->server, sizeof(lab->server), rest, "server flags", pos);
	if (strcmp(line, "load") == 0)
		return copy_field(lab->load, sizeof(lab->load), rest, "load", pos);
	if (strcmp(line, "run") == 0) {
		if (lab->nrun == LAB_RUN_MAX)
			return conf_error(pos, "more than %d run lines", LAB_RUN_MAX);
		lab->run[lab->nrun].line = pos->line;
		return copy_field(lab->run[lab->nrun++].text, LAB_LINE_MAX, rest, "run line", pos);
	}
	if (strcmp(line, "hint") == 0) {
		if (lab->nhints == LAB_HINTS_MAX)
			return conf_error(pos, "more than %d hints", LAB_HINTS_MAX);
		return copy_field(lab->hints[lab->nhints++], LAB_LINE_MAX, rest, "hint", pos);
	}
	if (strcmp(line, "student") == 0)
		return parse_student(lab, rest, pos);
	if (strcmp(line, "tests") == 0) {
		if (!is_file_name(rest))
			return conf_error(pos, "expected 'tests FILE.c' (a file in the lab's folder), got '%s'", rest);
		return copy_field(lab->tests, sizeof(lab->tests), rest, "tests file", pos);
	}
	if (strcmp(line, "goal") == 0)
		return parse_goal(lab, rest, pos);
	if (strcmp(line, "check") == 0)
		return parse_check(lab, rest, pos);
	return conf_error(pos, "unknown keyword '%s' (title, kind, minutes, vary, server, load, run, goal, "
			  "check, hint, student, tests)", line);
}

/* Takes the number and slug from the folder's name "NN-slug". */
static int name_from_dir(struct lab *lab, const char *dir)
{
	const char *base = strrchr(dir, '/');
	char *end;

	base = base != NULL ? base + 1 : dir;
	long n = strtol(base, &end, 10);
	if (end == base || *end != '-' || n < 1 || n > 99 || strlen(base) >= sizeof(lab->slug)) {
		diag_error("%s: a lab's folder is named NN-slug (e.g. 01-round-robin)", dir);
		return -1;
	}
	lab->number = (int)n;
	strcpy(lab->slug, base);
	return 0;
}

/* Loads a lab. */
int lab_load(const char *dir, uint64_t seed, struct lab *lab)
{
	char path[PATH_MAX + 16], line[LAB_LINE_MAX + 2];
	struct conf_pos pos = { path, 0 };
	FILE *f;
	int rc = -1;

	memset(lab, 0, sizeof(*lab));
	lab->seed = seed;
	if (strlen(dir) >= sizeof(lab->dir)) {
		diag_error("%s: path too long", dir);
		return -1;
	}
	strcpy(lab->dir, dir);
	while (strlen(lab->dir) > 1 && lab->dir[strlen(lab->dir) - 1] == '/')
		lab->dir[strlen(lab->dir) - 1] = '\0';
	if (name_from_dir(lab, lab->dir) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/lab.conf", lab->dir);
	f = fopen(path, "r");
	if (f == NULL) {
		diag_error("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t len = strlen(line);
		pos.line++;
		if (len > 0 && line[len - 1] != '\n' && !feof(f)) {
			conf_error(&pos, "line too long (at most %d bytes)", LAB_LINE_MAX - 1);
			goto out;
		}
		line[strcspn(line, "\r\n")] = '\0';
		char *start = line + strspn(line, " \t");
		if (*start == '\0' || *start == '#')
			continue;
		if (parse_line(lab, start, &pos) != 0)
			goto out;
	}
	if (ferror(f)) {
		diag_error("cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if (lab->title[0] == '\0' || lab->minutes == 0) {
		diag_error("%s: a lab needs a title and minutes line", path);
		goto out;
	}
	if (check_kind(lab, path) != 0)
		goto out;
	rc = 0;
out:
	fclose(f);
	return rc;
}
