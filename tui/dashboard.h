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
#include "slowmo.h"

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
	struct slowmo slowmo;       /* slow motion: a, < and >; space holds it */
	int scene_go;               /* ] and [ asked to move this many scenes on; 0: none */
	bool scene_pending;         /* the scene starts (policy, cues, workload) once a snapshot is in */
	uint64_t scene_start_ms;    /* when it started: its cues count from there */
	int64_t scene_cued_ms;      /* its cues are sent up to this long after the start */
	char scene_title[96], scene_cue[64]; /* the scene's line, as the header shows it */
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

/* Connects (again) to the server's socket, the model started afresh; false when nothing answers yet. */
bool dashboard_connect(struct dashboard *d);

/* Sends one control command to the server, noting a failure on the bottom line. */
void dashboard_control(struct dashboard *d, const char *cmd);

/* Sends one control command without a word on the bottom line (slow motion's steps, a scene's
 * cues); a freeze or thaw is noted as the f key notes it. False when it could not be sent. */
bool dashboard_send(struct dashboard *d, const char *cmd);

/* Slow motion on (the server paused, then stepped on a timer) or off (the server resumed). */
void dashboard_slowmo_set(struct dashboard *d, bool on);

/* Once a turn of the loop: sends slow motion's pause or next step when they are due. */
void dashboard_slowmo_tick(struct dashboard *d, uint64_t now_ms);

/* A scene not started yet starts, now that a snapshot is in: its policy, its first cues, slow
 * motion, then its workload. */
void dashboard_scene_attached(struct dashboard *d, uint64_t now_ms);

/* Once a turn of the loop: the move to another scene that ] or [ asked for, the cues now due, and
 * the scene's line for the header. */
void dashboard_scene_tick(struct dashboard *d, uint64_t now_ms);

/* How long from now_ms until the scene's next cue; -1 when none is to come. */
int dashboard_scene_wait_ms(const struct dashboard *d, uint64_t now_ms);

/* Reports the answer to a control command (len bytes, its newline included) on the bottom line:
 * an error, or a step left waiting for a thread with nothing to do. */
void dashboard_answer(struct dashboard *d, enum event_status st, const char *line, size_t len);

/* Replay: shows the recording from its start, with the replay's header and keys. */
void dashboard_replay_start(struct dashboard *d);

/* Replay: plays on to monotonic time now_ms (batch mode passes a clock of its own). */
void dashboard_replay_tick(struct dashboard *d, uint64_t now_ms);

#endif
