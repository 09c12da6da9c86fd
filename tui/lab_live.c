/* lab_live.c: a lab's goals, ticked from the live stream. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lab_live.h"

/* Sets l up for a lab. */
int lab_live_init(struct lab_live *l, const struct lab *lab, const char *proof_path)
{
	char conf[PATH_MAX + 16];

	memset(l, 0, sizeof(*l));
	l->lab = lab;
	lab_trace_init(&l->trace);
	snprintf(conf, sizeof(conf), "%s/lab.conf", lab->dir);
	for (int i = 0; i < lab->ngoals; i++)
		if (lab_goal_init(&l->goals[i], &lab->goals[i], conf) != 0)
			return -1;
	l->ngoals = lab->ngoals;
	snprintf(l->proof_path, sizeof(l->proof_path), "%s", proof_path);
	snprintf(l->status, sizeof(l->status), "%d goal%s to reach", l->ngoals, l->ngoals == 1 ? "" : "s");
	return 0;
}

/* Frees the kept lines. */
void lab_live_free(struct lab_live *l)
{
	lab_trace_free(&l->trace);
}

/* Saves the proof once every goal is reached. */
static void finish(struct lab_live *l)
{
	l->done = true;
	if (l->trace.full) {
		snprintf(l->status, sizeof(l->status),
			 "every goal reached, but the run was too long to keep as a proof: start again");
		return;
	}
	/* What went wrong goes to the panel, not to the terminal the dashboard owns. */
	FILE *f = fopen(l->proof_path, "w");
	bool ok = f != NULL && lab_trace_write(&l->trace, f);
	int err = errno;
	if (f != NULL && fclose(f) != 0 && ok) {
		ok = false;
		err = errno;
	}
	if (!ok)
		snprintf(l->status, sizeof(l->status), "every goal reached, but the proof could not be saved to %s: %s",
			 l->proof_path, strerror(err));
	else
		snprintf(l->status, sizeof(l->status), "every goal reached: proof saved to %s (mcscope lab check %d)",
			 l->proof_path, l->lab->number);
}

/* Feeds one line. */
void lab_live_feed(struct lab_live *l, const char *line, size_t len)
{
	struct event e;

	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (event_parse(line, len, &e) != EVENT_LINE)
		return;
	if (e.ev == EVT_hello)
		l->started = true;
	if (!l->started || l->done)
		return;
	lab_trace_add(&l->trace, line, len);
	for (int i = 0; i < l->ngoals; i++)
		if (lab_goal_feed(&l->goals[i], &e))
			l->reached++;
	if (l->ngoals > 0 && l->reached == l->ngoals)
		finish(l);
	else if (l->reached > 0)
		snprintf(l->status, sizeof(l->status), "%d of %d goals reached", l->reached, l->ngoals);
}
