/*
 * lab_grade.h: grading, after xv6's gradelib: each check passes or fails
 * with its points; a check whose parent failed fails too, with a note;
 * the score is the points of the checks that passed. A failure always
 * says what was expected and what came instead, never a bare FAIL. The
 * result prints as a report ending in "Score: x/y", and writes as
 * Gradescope's results.json.
 */
#ifndef MCSCOPE_TUI_LAB_GRADE_H
#define MCSCOPE_TUI_LAB_GRADE_H

#include <stdbool.h>
#include <stdio.h>

#include "lab.h"
#include "lab_answers.h"
#include "lab_trace.h"

#define LAB_OUTPUT_MAX 6144

struct lab_result {
	const struct lab_check *check;
	bool pass;
	int score;
	char output[LAB_OUTPUT_MAX]; /* expected vs got, or the parent that failed; on a pass, a note or "" */
};

struct lab_grade {
	struct lab_result results[LAB_CHECKS_MAX];
	int n;
	int score, max;
};

/*
 * Grades the lab's checks on trace t. run_error says why the run failed
 * ("" when it did not): the checks without a parent fail with it. a holds
 * the student's answers (NULL for a lab without predictions); answers_path
 * names them in messages. only: grade just that check and its ancestors
 * (NULL: every check).
 */
void lab_grade(const struct lab *lab, const struct lab_trace *t, const char *run_error,
	       const struct lab_answers *a, const char *answers_path, const char *only, struct lab_grade *g);

/*
 * Runs check c's probe: 0 with what it found (nothing, for a check with no
 * answers to compare) and, in why, a note to show even on a pass; -1 with
 * why (what came instead of what the check expects).
 */
typedef int (*lab_grade_probe)(void *arg, const struct lab_check *c, struct lab_answers *found, char *why,
			       size_t n);

/* As lab_grade, each check's probe run by probe(arg, ...) (a write-code lab's, lab_code.h). */
void lab_grade_with(const struct lab *lab, lab_grade_probe probe, void *arg, const char *run_error,
		    const struct lab_answers *a, const char *answers_path, const char *only, struct lab_grade *g);

/* Prints each check's PASS or FAIL, points and what failed, then "Score: x/y". */
void lab_grade_print(const struct lab_grade *g, FILE *out);

/* Writes the result as Gradescope's results.json to path (header is its top-level output); -1 with a message. */
int lab_grade_json(const struct lab_grade *g, const char *header, const char *path);

#endif
