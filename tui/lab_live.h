/*
 * lab_live.h: a lab on the live dashboard: every line the server sends
 * goes through the lab's goal detectors, so the Lab panel's checklist
 * ticks the moment the events show a goal reached; the lines are kept,
 * and when the last goal is reached they are saved as the proof trace
 * that mcscope lab check verifies again. No curses here.
 */
#ifndef MCSCOPE_TUI_LAB_LIVE_H
#define MCSCOPE_TUI_LAB_LIVE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "lab.h"
#include "lab_goal.h"
#include "lab_trace.h"

struct lab_live {
	const struct lab *lab;
	struct lab_goal_state goals[LAB_GOALS_MAX];
	int ngoals, reached;
	struct lab_trace trace;     /* every line since the hello */
	bool started;               /* the hello has come */
	bool done;                  /* every goal reached (and the proof saved, or said why not) */
	char proof_path[PATH_MAX];  /* where the proof goes */
	char status[PATH_MAX + 256]; /* what the panel's last line says */
};

/* Sets l up for lab, saving its proof to proof_path; -1 with a message when a goal is not valid. */
int lab_live_init(struct lab_live *l, const struct lab *lab, const char *proof_path);

/* Frees the kept lines. */
void lab_live_free(struct lab_live *l);

/* Feeds one line the server sent (with or without its newline). */
void lab_live_feed(struct lab_live *l, const char *line, size_t len);

#endif
