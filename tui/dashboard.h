/*
 * dashboard.h: the live dashboard: a model fed from the trace socket, the
 * panels drawn from it on a timer, and keys that steer the server.
 */
#ifndef MCSCOPE_TUI_DASHBOARD_H
#define MCSCOPE_TUI_DASHBOARD_H

#include <stdbool.h>
#include <stdio.h>

#include "client.h"
#include "model.h"
#include "panel.h"
#include "screen.h"

struct dashboard_opts {
	const char *socket_path;
	bool once;         /* print one plain-text frame and exit */
	int frames;        /* batch mode: print this many frames (0: live curses) */
	bool mouse;
	int interval_ms;   /* between frames */
	int rows, cols;    /* batch mode screen size */
};

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
};

/* Runs the dashboard until q, a signal or (batch mode) the last frame; returns the exit status. */
int dashboard_run(const struct dashboard_opts *opts);

/* Handles one key or mouse event (a curses key code). */
void dashboard_key(struct dashboard *d, int key);

/* Sends one control command to the server, noting a failure in the status line. */
void dashboard_control(struct dashboard *d, const char *cmd);

#endif
