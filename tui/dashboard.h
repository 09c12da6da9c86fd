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
#include "replay.h"
#include "screen.h"

struct dashboard_opts {
	const char *socket_path;
	bool once;         /* print one plain-text frame and exit */
	int frames;        /* batch mode: print this many frames (0: live curses) */
	bool mouse;
	int interval_ms;   /* between frames */
	int rows, cols;    /* batch mode screen size */
	struct replay *replay; /* the events come from this recording, not socket_path */
	/* Called once, when the first snapshot has been read; returns NULL or what went wrong. */
	const char *(*on_attached)(void *arg);
	void *on_attached_arg;
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
	struct panel_replay replay_view; /* the header's copy of where the replay stands */
};

/* getopt_long entries of the screen options every dashboard-like command takes. */
enum { DASHBOARD_OPT_ONCE = 300, DASHBOARD_OPT_FRAMES, DASHBOARD_OPT_SIZE, DASHBOARD_OPT_NO_MOUSE };
#define DASHBOARD_LONGOPTS \
	{ "once", no_argument, NULL, DASHBOARD_OPT_ONCE }, \
	{ "frames", required_argument, NULL, DASHBOARD_OPT_FRAMES }, \
	{ "size", required_argument, NULL, DASHBOARD_OPT_SIZE }, \
	{ "delay", required_argument, NULL, 'd' }, \
	{ "no-mouse", no_argument, NULL, DASHBOARD_OPT_NO_MOUSE }

/* Their help lines. */
#define DASHBOARD_OPTS_HELP \
	"      --once         print one plain-text frame and exit (for scripts and CI)\n" \
	"      --frames N     print N plain-text frames, one every -d, and exit\n" \
	"      --size CxR     the plain-text frame's size (default 80x24)\n" \
	"  -d, --delay TENTHS time between frames, tenths of a second (default 1; 0.3 s is\n" \
	"                     30 frames a second, the fastest)\n" \
	"      --no-mouse     don't take the mouse (by default clicks select and the wheel\n" \
	"                     scrolls)\n"

/* Sets the defaults: live, mouse on, 10 frames a second, 80x24 text frames. */
void dashboard_opts_init(struct dashboard_opts *o);

/* Handles one of DASHBOARD_LONGOPTS (opt and optarg); 1 when it was one, 0 when not, -1 with a message when its value is bad. */
int dashboard_option(struct dashboard_opts *o, int opt, const char *arg);

/* Checks that live mode has a terminal; false with a message. */
bool dashboard_can_run(const struct dashboard_opts *o);

/* Runs the dashboard until q, a signal or (batch mode) the last frame; returns the exit status. */
int dashboard_run(const struct dashboard_opts *opts);

/* Handles one key or mouse event (a curses key code). */
void dashboard_key(struct dashboard *d, int key);

/* Handles a left click at (row, col): focuses the panel there and selects its worker or connection. */
void dashboard_click(struct dashboard *d, int row, int col);

/* Sends one control command to the server, noting a failure on the bottom line. */
void dashboard_control(struct dashboard *d, const char *cmd);

/* Replay: shows the recording from its start, with the replay's header and keys. */
void dashboard_replay_start(struct dashboard *d);

/* Replay: plays on to monotonic time now_ms (batch mode passes a clock of its own). */
void dashboard_replay_tick(struct dashboard *d, uint64_t now_ms);

#endif
