/*
 * dashboard.h: the live dashboard: a model fed from the trace socket, the
 * panels drawn from it on a timer, and keys that steer the server.
 */
#ifndef MCSCOPE_TUI_DASHBOARD_H
#define MCSCOPE_TUI_DASHBOARD_H

#include <stdbool.h>
#include <stdio.h>

#include "client.h"
#include "dashboard_opts.h"
#include "model.h"
#include "panel.h"
#include "replay.h"
#include "screen.h"

struct dashboard {
	struct dashboard_opts opts;
	struct client client;
	bool connected;
	bool synced;       /* the snapshot has been read since connecting */
	struct model *model;
	struct screen *screen;
	struct panel_view view;
	bool quit;
	bool frozen[MODEL_MAX_WORKERS]; /* workers this dashboard froze */
	FILE *recording;
	char message[160];
	struct panel_replay replay_view; /* the header's copy of where the replay stands */
};

/*
 * Runs the dashboard until q, a stop signal (stop.h, when set up) or
 * (batch mode) the last frame; returns the exit status.
 */
int dashboard_run(const struct dashboard_opts *opts);

/* Handles one key or mouse event (a curses key code). */
void dashboard_key(struct dashboard *d, int key);

/* Handles a left click at (row, col): focuses the panel there and selects its worker or connection. */
void dashboard_click(struct dashboard *d, int row, int col);

/* Sends one control command to the server, noting a failure on the bottom line. */
void dashboard_control(struct dashboard *d, const char *cmd);

/* Reports the answer to a control command (len bytes, its newline included) on the bottom line:
 * an error, or a step left waiting for a thread with nothing to do. */
void dashboard_answer(struct dashboard *d, enum event_status st, const char *line, size_t len);

/* Replay: shows the recording from its start, with the replay's header and keys. */
void dashboard_replay_start(struct dashboard *d);

/* Replay: plays on to monotonic time now_ms (batch mode passes a clock of its own). */
void dashboard_replay_tick(struct dashboard *d, uint64_t now_ms);

#endif
