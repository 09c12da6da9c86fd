/*
 * lab_build.h: a write-code lab's build. mcscoped's own meson project,
 * configured in the student's work folder with the lab build's options
 * (labs/meson.build: -Dlab_student, -Dlab_replaces, -Dlab_tests), builds
 * the server's sources with the student's file in place as a separate
 * binary, mcscoped-lab, and the lab's test program, lab-tests, from the
 * same objects; the shipped server is untouched. Two builds, each made
 * once and then brought up to date by ninja: WORK/build/plain and, with
 * ThreadSanitizer, WORK/build/tsan. Warnings are errors, as in the
 * project's own builds.
 */
#ifndef MCSCOPE_TUI_LAB_BUILD_H
#define MCSCOPE_TUI_LAB_BUILD_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "lab.h"

/* The most of the compiler's words a build keeps for its report. */
#define LAB_BUILD_WORDS_MAX 8192
/* How long configuring, and compiling, may take. */
#define LAB_BUILD_SETUP_MS 120000
#define LAB_BUILD_COMPILE_MS 300000

/* How a build went. */
enum lab_build_status {
	LAB_BUILD_NOT_YET = 0,
	LAB_BUILD_OK,
	LAB_BUILD_COMPILE,  /* the student's file does not compile (or link): words has the compiler's */
	LAB_BUILD_ERROR,    /* it could not be configured or run (meson missing, say): said on stderr */
};

struct lab_build {
	bool tsan;
	enum lab_build_status status;
	char dir[PATH_MAX];      /* WORK/build/plain */
	char log[PATH_MAX];      /* WORK/build/plain.log: what the last compile said */
	char server[PATH_MAX];   /* DIR/labs/mcscoped-lab */
	char tests[PATH_MAX];    /* DIR/labs/lab-tests, "" when the lab has none */
	char words[LAB_BUILD_WORDS_MAX]; /* the compiler's words when it failed */
};

/*
 * Finds mcscoped's source tree: dir when given (--source), else
 * $MCSCOPE_SOURCE, else the tree this mcscope was built from (the parent
 * of its labs directory) into out. -1 with a message when the tree has no
 * labs/meson.build and src/meson.build; *given says whether the user named it.
 */
int lab_build_source(const char *dir, char *out, size_t n, bool *given);

/*
 * Makes lab's build (tsan: with ThreadSanitizer) from source, with the
 * student's file WORK/FILE, in work_dir/build: configures it when it is
 * new or its options changed, then compiles it. Sets and returns b->status.
 */
enum lab_build_status lab_build_make(struct lab_build *b, const struct lab *lab, const char *source,
				     const char *work_dir, bool tsan);

/* Keeps the compiler's own words of ninja's output in (not its progress, commands or summary) in out. */
void lab_build_words(const char *in, char *out, size_t n);

#endif
