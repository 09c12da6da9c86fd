/*
 * keys_live.c: the live dashboard's keys: the ones that steer the server,
 * between the shared ones.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dashboard.h"
#include "key_table.h"

/* Pauses the server, or lets it run on; in slow motion, holds it or lets it go on. */
static void toggle_pause(struct dashboard *d, int key)
{
	if (d->slowmo.on) {
		/* The server is paused between steps anyway: space stops the steps, not the server. */
		slowmo_hold(&d->slowmo, !d->slowmo.held);
		snprintf(d->message, sizeof(d->message), "%s",
			 d->slowmo.held ? "slow motion held: space goes on, n steps, a ends slow motion"
					: "slow motion goes on");
		return;
	}
	dashboard_control(d, d->model->paused ? "resume" : "pause");
}

/* a turns slow motion on or off; > makes it faster, < slower. */
static void slow_motion(struct dashboard *d, int key)
{
	if (key == 'a') {
		dashboard_slowmo_set(d, !d->slowmo.on);
		if (d->slowmo.on)
			snprintf(d->message, sizeof(d->message),
				 "slow motion: one event every %u ms (< slower, > faster, space holds, a ends)",
				 d->slowmo.ms);
		else
			snprintf(d->message, sizeof(d->message), "slow motion off: the server runs");
		return;
	}
	slowmo_pace(&d->slowmo, key == '>' ? 1 : -1);
	snprintf(d->message, sizeof(d->message), "slow motion: one event every %u ms%s", d->slowmo.ms,
		 d->slowmo.on ? "" : " (a starts it)");
}


/* Lets a paused server take one step. */
static void step(struct dashboard *d, int key)
{
	if (!d->model->paused)
		snprintf(d->message, sizeof(d->message), "not paused: space pauses, then n steps");
	else
		dashboard_control(d, "step 1");
}

/* m steps the main thread alone, s the selected worker alone (while paused, or while it is frozen). */
static void step_thread(struct dashboard *d, int key)
{
	int w = d->view.selected_worker;
	char cmd[64];

	if (key == 'm') {
		if (!d->model->paused)
			snprintf(d->message, sizeof(d->message), "not paused: space pauses, then m steps main");
		else
			dashboard_control(d, "step main");
		return;
	}
	if (w < 0 || w >= d->model->nworkers)
		return;
	if (!d->model->paused && !d->frozen[w] && !d->model->workers[w].at_gate) {
		snprintf(d->message, sizeof(d->message),
			 "not paused: space pauses (or f freezes w%d), then s steps it", w);
		return;
	}
	snprintf(cmd, sizeof(cmd), "step w%d", w);
	dashboard_control(d, cmd);
}

/* Freezes the selected worker, or thaws the one this dashboard froze. */
static void toggle_freeze(struct dashboard *d, int key)
{
	int w = d->view.selected_worker;
	char cmd[64];

	if (w < 0 || w >= d->model->nworkers)
		return;
	d->frozen[w] = !d->frozen[w];
	snprintf(cmd, sizeof(cmd), "%s w%d", d->frozen[w] ? "freeze" : "thaw", w);
	dashboard_control(d, cmd);
}

/* Switches the server to the next dispatch policy. */
static void next_policy(struct dashboard *d, int key)
{
	/* Only a lab build's server has custom: the key cycles the policies every server has. */
	int next = d->model->policy >= 0 && d->model->policy < DISPATCH_BUILTIN - 1 ? d->model->policy + 1 : 0;
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "dispatch %s", wire_policy_name((enum dispatch_policy)next));
	dashboard_control(d, cmd);
}

/* Starts or stops writing every line the server sends to a trace file. */
static void toggle_recording(struct dashboard *d, int key)
{
	char name[64];
	time_t now = time(NULL);

	if (d->recording != NULL) {
		fclose(d->recording);
		d->recording = NULL;
		snprintf(d->message, sizeof(d->message), "recording stopped");
		return;
	}
	strftime(name, sizeof(name), "mcscope-%Y%m%d-%H%M%S.trace", localtime(&now));
	d->recording = fopen(name, "wx");
	if (d->recording == NULL)
		snprintf(d->message, sizeof(d->message), "cannot create %s", name);
	else
		snprintf(d->message, sizeof(d->message), "recording to %s (r stops)", name);
}

/* Between the shared first keys and the view's: the ones that steer the server. */
const struct key_binding key_bindings_live[] = {
	{ .codes = { ' ' }, .label = "space", .help = "pause / resume the server", .bottom = "space pause",
	  .action = toggle_pause },
	{ .codes = { 'n', KEY_RIGHT }, .label = "n, Right", .help = "step one event (while paused)",
	  .bottom = "n step", .action = step },
	{ .codes = { 'm', 's' }, .label = "m / s",
	  .help = "step main / the selected worker alone (paused or frozen)", .action = step_thread },
	{ .codes = { 'f' }, .label = "f", .help = "freeze / thaw the selected worker", .bottom = "f freeze",
	  .action = toggle_freeze },
	{ .codes = { 'd' }, .label = "d", .help = "next dispatch policy", .help_list = wire_policy_builtin_list,
	  .bottom = "d policy", .action = next_policy },
	{ .codes = { 'r' }, .label = "r", .help = "start / stop recording to a trace file",
	  .action = toggle_recording },
	{ .codes = { 'a', '<', '>' }, .label = "a, < / >",
	  .help = "slow motion (a step on a timer) on / off, slower / faster", .bottom = "a slowmo",
	  .action = slow_motion },
	{ .label = NULL },
};

const struct key_table key_table_live = {
	.title = "mcscope keys",
	.lists = { key_bindings_first, key_bindings_live, key_bindings_view },
};
