/*
 * lab_dir.h: where labs are and where a student's work on one goes. The
 * labs are the NN-slug folders of a labs directory; a student's files for
 * a lab (answers.txt, the state, the traces) go in its folder, or in
 * WORK/NN-slug when a work directory is given.
 */
#ifndef MCSCOPE_TUI_LAB_DIR_H
#define MCSCOPE_TUI_LAB_DIR_H

#include <limits.h>
#include <stddef.h>

#define LAB_DIR_MAX_LABS 99

/* The student's progress on a lab. */
#define LAB_STATUSES(X) \
	X(LAB_NOT_STARTED, "not started") \
	X(LAB_IN_PROGRESS, "in progress") \
	X(LAB_PASSED,      "passed")

#define LAB_STATUS_ENUM_(e, text) e,
enum lab_status { LAB_STATUSES(LAB_STATUS_ENUM_) LAB_STATUS_COUNT };
#undef LAB_STATUS_ENUM_

struct lab_state {
	enum lab_status status;
	int hints;          /* hints shown so far */
};

/* The labs directory: dir when given, else $MCSCOPE_LABS, else the source tree's labs/. */
const char *lab_dir_root(const char *dir);

/* Lists the NN-slug folders of root, sorted, as full paths; returns how many, -1 with a message. */
int lab_dir_list(const char *root, char paths[][PATH_MAX], int max);

/*
 * Finds the lab named by which ("1", "01", "01-round-robin" or
 * "round-robin") in root into path; -1 with a message listing the labs
 * when there is no such lab.
 */
int lab_dir_find(const char *root, const char *which, char *path, size_t n);

/* The student's folder for the lab in lab_path: lab_path itself, or work/NN-slug (made when missing); -1 with a message. */
int lab_dir_work(const char *lab_path, const char *work, char *out, size_t n);

/* Reads the state in the work folder (not started when there is none). */
void lab_state_load(const char *work_dir, struct lab_state *s);

/* Writes the state; -1 with a message. */
int lab_state_save(const char *work_dir, const struct lab_state *s);

/* What a status is called ("in progress"). */
const char *lab_status_name(enum lab_status s);

#endif
