/*
 * lab.h: a step-through lab, as its folder labs/NN-slug/ declares it in
 * lab.conf (see labs/README.md for the format): its title, kind and time,
 * the values a student's seed picks (vary), the private server's flags,
 * the seeded scenario (run lines), the goals the Lab panel ticks live,
 * the checks with their points and parents, and the hints; a write-code
 * lab also names the student's file (its stub is stub/FILE), the server's
 * file it takes the place of, and the lab's test program.
 *
 * A lab is loaded for one seed: every {name} in a line is replaced by the
 * value the seed picked for it, so two students' labs differ and the same
 * seed always gives the same lab. No curses here.
 */
#ifndef MCSCOPE_TUI_LAB_H
#define MCSCOPE_TUI_LAB_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kinds of lab: enum name, name, what the student does. */
#define LAB_KINDS(X) \
	X(LAB_PREDICT, predict, "predict, then verify on a seeded run") \
	X(LAB_PLAY,    play,    "play the scheduler on the live server") \
	X(LAB_CODE,    code,    "write code, graded by tests and TSan")

#define LAB_KIND_ENUM_(e, name, text) e,
enum lab_kind { LAB_KINDS(LAB_KIND_ENUM_) LAB_KIND_COUNT };
#undef LAB_KIND_ENUM_

#define LAB_NAME_MAX 32     /* a check's, goal's, variable's or probe's name */
#define LAB_VALUE_MAX 96    /* an argument's or a variable's value */
#define LAB_TEXT_MAX 192    /* a title */
#define LAB_LINE_MAX 512    /* a line of lab.conf, after substitution */
#define LAB_ARGS_MAX 6
#define LAB_CHOICES_MAX 8
#define LAB_VARS_MAX 8
#define LAB_RUN_MAX 48
#define LAB_CHECKS_MAX 24
#define LAB_GOALS_MAX 8
#define LAB_HINTS_MAX 8
#define LAB_FILE_MAX 64     /* a code lab's file name ("policy.c", "src/cq.c") */

/* key=value words after a probe's or a detector's name. */
struct lab_args {
	int n;
	char key[LAB_ARGS_MAX][LAB_NAME_MAX];
	char value[LAB_ARGS_MAX][LAB_VALUE_MAX];
};

/* One vary line: a name and the values a seed picks from. */
struct lab_var {
	char name[LAB_NAME_MAX];
	char value[LAB_VALUE_MAX];     /* the one this seed picked */
	int nchoices;
};

/* A condition on the event stream: the Lab panel's checklist, a play lab's graded goals. */
struct lab_goal {
	char name[LAB_NAME_MAX];
	char detector[LAB_NAME_MAX];
	struct lab_args args;
	char title[LAB_TEXT_MAX];
	int line;
};

/* A graded check: a probe run on the trace, its answers compared. */
struct lab_check {
	char name[LAB_NAME_MAX];
	int points;
	char parent[LAB_NAME_MAX];     /* "" for none */
	char probe[LAB_NAME_MAX];
	struct lab_args args;
	char title[LAB_TEXT_MAX];
	int line;
};

/* A step of the seeded scenario, or of a play lab's solution. */
struct lab_step {
	char text[LAB_LINE_MAX];
	int line;
};

struct lab {
	char dir[PATH_MAX];            /* the lab's folder */
	char slug[64];                 /* "01-round-robin" */
	int number;                    /* 1 */
	uint64_t seed;
	char title[LAB_TEXT_MAX];
	enum lab_kind kind;
	int minutes;
	struct lab_var vars[LAB_VARS_MAX];
	int nvars;
	char server[LAB_LINE_MAX];     /* mcscoped's flags, e.g. "-t 4 -R 5" */
	char load[LAB_LINE_MAX];       /* lab start's workload, "" for none */
	struct lab_step run[LAB_RUN_MAX];
	int nrun;
	struct lab_goal goals[LAB_GOALS_MAX];
	int ngoals;
	struct lab_check checks[LAB_CHECKS_MAX];
	int nchecks;
	char hints[LAB_HINTS_MAX][LAB_LINE_MAX];
	int nhints;
	/* A write-code lab's files, "" for the other kinds. */
	char student[LAB_FILE_MAX];    /* the file the student writes ("policy.c"); its stub is stub/FILE */
	char replaces[LAB_FILE_MAX];   /* the server's file it takes the place of ("src/cq.c"); "": added */
	char tests[LAB_FILE_MAX];      /* the lab's test program, in its folder ("test_policy.c"); "": none */
};

/*
 * Loads dir/lab.conf for seed into lab. -1 with a message naming the file
 * and line on a malformed line, an unknown variable or a table that is
 * full.
 */
int lab_load(const char *dir, uint64_t seed, struct lab *lab);

/* The name of a kind ("predict"). */
const char *lab_kind_name(enum lab_kind k);

/* What a kind of lab has the student do. */
const char *lab_kind_text(enum lab_kind k);

/* The value of key in args, or dflt. */
const char *lab_arg(const struct lab_args *args, const char *key, const char *dflt);

/* Finds a check by name; NULL when the lab has none. */
const struct lab_check *lab_check_find(const struct lab *lab, const char *name);

/* Writes "threads=4 conns=12" (the seed's picks) to buf; returns buf. */
const char *lab_variant(const struct lab *lab, char *buf, size_t n);

/* Splits line into words at blanks, quotes ('...') keeping blanks; returns how many (at most max), -1 when a quote is open. */
int lab_split(char *line, char **words, int max);

#endif
