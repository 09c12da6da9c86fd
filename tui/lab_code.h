/*
 * lab_code.h: grading a lab of kind code (write code, xv6 style). Each
 * check's probe is run here for lab_grade_with:
 *   build        the plain lab build (lab_build) compiles;
 *   tests        the lab's test program, from the plain build or the
 *                ThreadSanitizer one, passes a group of its tests (and,
 *                under TSan, makes no report);
 *   tsan         the lab's run lines on a TSan build of the lab server
 *                make no report;
 *   the others   the trace probes (lab_probe.h), on the trace of the run
 *                lines on the plain lab server.
 * What a probe needs (a build, a run) is made once, by the first check
 * that needs it, and only when that check's parent passed: a file that
 * fails its unit tests costs no server run.
 */
#ifndef MCSCOPE_TUI_LAB_CODE_H
#define MCSCOPE_TUI_LAB_CODE_H

#include <stdbool.h>
#include <stddef.h>

#include "lab.h"
#include "lab_answers.h"
#include "lab_build.h"
#include "lab_grade.h"
#include "lab_trace.h"

/* How long the lab's test program may take (a deadlock is the student's bug, not a hang of ours). */
#define LAB_CODE_TESTS_MS 120000

struct lab_code {
	const struct lab *lab;
	const char *source;          /* mcscoped's source tree */
	const char *work_dir;        /* the student's folder: their file, build/ */
	struct lab_build plain, tsan;
	/* The run lines on the plain lab server. */
	bool ran;
	struct lab_trace trace;
	char run_error[1024];        /* "" when the run went through */
	/* The run lines on the TSan build: what the tsan probe says. */
	bool tsan_ran, tsan_pass;
	char tsan_said[LAB_OUTPUT_MAX];
};

/* Sets code up for lab (nothing built or run yet). */
void lab_code_init(struct lab_code *code, const struct lab *lab, const char *source, const char *work_dir);

/* Frees the run's trace. */
void lab_code_free(struct lab_code *code);

/* lab_grade_with's probe for a code lab: arg is its struct lab_code. */
int lab_code_probe(void *arg, const struct lab_check *c, struct lab_answers *found, char *why, size_t n);

/* The build that did not compile (the plain one first), NULL when none failed so. */
const struct lab_build *lab_code_failed_build(const struct lab_code *code);

#endif
