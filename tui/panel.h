/*
 * panel.h: the dashboard's panels. Each draws one part of the model into a
 * rectangle of the screen grid, and nothing else: no curses, no input.
 */
#ifndef MCSCOPE_TUI_PANEL_H
#define MCSCOPE_TUI_PANEL_H

#include <stdbool.h>
#include <stdint.h>

struct diagram_arrow;
struct lab_live;

#include "key_table.h"
#include "model.h"
#include "screen.h"

struct rect {
	int row, col, rows, cols;
};

/* The panels that take focus, in the order Tab visits them. */
enum panel_id { PANEL_WORKERS, PANEL_STATES, PANEL_CONNS, PANEL_LOG, PANEL_COUNT };

/* Where a replay stands, for the header. */
struct panel_replay {
	uint64_t event, events;     /* events applied, and in the file */
	uint64_t at_ns, length_ns;  /* recorded time at the position, and in all */
	double speed;
	bool playing;
};

/* What the person at the keyboard chose: focus, selection, scrolling, sorting, filters. */
struct panel_view {
	enum panel_id focus;
	int selected_worker;
	int conn_selected;          /* index in the sorted, filtered list */
	int conn_scroll;
	enum model_sort sort;
	int filter_worker;          /* -1: every worker */
	int filter_state;           /* -1: every state */
	int log_scroll;
	bool display_held;          /* p: the display is held: the picture stands still */
	bool zoomed;                /* z: the focused panel has the whole screen (tmux's zoom) */
	bool show_help;
	bool show_details;          /* Enter on a connection */
	const char *message;        /* what the bottom line says, or NULL: the keys */
	const struct key_table *keys; /* the screen's keys, for ? and the bottom line; NULL: none */
	const struct panel_replay *replay; /* NULL: live */
	const struct lab_live *lab; /* the Lab panel's goals; NULL: no Lab panel */
	int lab_port;               /* the lab server's TCP port, for the student's own clients */
	/* A demo's scene, on a line of its own under the header: "Scene 4/9  CQ backlog", what to
	 * watch, and right-aligned what it does next ("thaw w1 in 3 s"); NULL: no scene (or nothing next). */
	const char *scene, *scene_idea, *scene_cue;
	int scene_number;           /* its number, from 1 (the ? overlay lists the scenes); 0: none */
	unsigned slowmo_ms;         /* slow motion's pace, 0 when off: the header says SLOWMO */
	bool slowmo_held;           /* space holds it */
};

/* Where each part of the screen goes, for a screen size. */
struct panel_rects {
	struct rect header, workers, states, conns, log, bottom;
	struct rect lab;            /* the Lab panel, above the events; rows 0 when none */
};

/* What a point on the screen shows: a panel (PANEL_COUNT: none that takes focus) and, in it,
 * the worker (its index) or the connection (its index in the sorted, filtered list); -1: none. */
struct panel_hit {
	enum panel_id panel;
	int item;
};

/* Sets the view's defaults. */
void panel_view_init(struct panel_view *v);

/* Lays out and draws every panel for the screen's size. */
void panel_layout_draw(struct screen *s, const struct model *m, const struct panel_view *v);

/* Computes where each panel goes on a rows x cols screen. */
void panel_layout_compute(int rows, int cols, const struct model *m, struct panel_rects *out);

/* Where each panel goes as the view shows them: panel_layout_compute's places, a demo's scene
 * on the header's second row, the Lab panel taken from the events' first rows, or, zoomed, the
 * focused panel on every row between the header and the bottom line and the others nowhere. */
void panel_layout_view(int rows, int cols, const struct model *m, const struct panel_view *v,
		       struct panel_rects *out);

/* Says what the cell at (row, col) of a rows x cols screen shows, as panel_layout_draw lays
 * it out: for mouse clicks. */
struct panel_hit panel_layout_hit(int rows, int cols, const struct model *m,
				  const struct panel_view *v, int row, int col);

/* The top line: server, policy, uptime, rate, drops, connection status, PAUSED, NOT ACCEPTING,
 * FROZEN, SLOWMO, DISPLAY HELD; and on a second row, when r has one, the demo's scene. */
void panel_header_draw(struct screen *s, const struct model *m, const struct panel_view *v,
		       struct rect r);

/* The dispatch line and a row per worker: rr pointer, CQ bar and history, notify, conns per state. */
void panel_workers_draw(struct screen *s, const struct model *m, const struct panel_view *v,
			struct rect r);

/* memcached's drive_machine states with live counts and the latest transitions lit. */
void panel_states_draw(struct screen *s, const struct model *m, const struct panel_view *v,
		       struct rect r);

/* The diagram's sizes (the panel adds its title row): the full plan on large screens and zoomed,
 * the compact one (narrower boxes, closer together) from 120x35 up. */
#define PANEL_STATES_DIAGRAM_ROWS 30
#define PANEL_STATES_DIAGRAM_COLS 116
#define PANEL_STATES_COMPACT_ROWS 25
#define PANEL_STATES_COMPACT_COLS 84

/* The diagram's plans. */
enum panel_diagram_plan { PANEL_DIAGRAM_FULL, PANEL_DIAGRAM_COMPACT };

/* drive_machine's states as boxes with live counts and arrows following memcached's transitions,
 * the latest lit; with a connection's details on, its path (panel_states_draw calls it when the
 * rectangle has room). */
void panel_states_diagram_draw(struct screen *s, const struct model *m, const struct panel_view *v,
			       struct rect r);

/* Returns the plan that fits a rectangle, or -1 when neither does. */
int panel_states_diagram_fit(struct rect r);

/* A plan's arrows, one per transition of wire.h's table (wire_ntransitions), routed once; NULL
 * when out of memory. */
const struct diagram_arrow *panel_states_diagram_arrows(enum panel_diagram_plan plan);

/* Counts the open connections in each state. */
void panel_state_counts(const struct model *m, unsigned counts[conn_max_state]);

/* True when the transition from -> to (from -1: from any state) is among the latest (lit up). */
bool panel_transition_lit(const struct model *m, int from, int to);

/* A row per connection, sorted and filtered. */
void panel_conns_draw(struct screen *s, const struct model *m, const struct panel_view *v,
		      struct rect r);

/* The latest events as sentences, the next step on top while stepping. */
void panel_log_draw(struct screen *s, const struct model *m, const struct panel_view *v,
		    struct rect r);

/* The rows the Lab panel takes: a title, a row per goal, the status line. */
int panel_lab_rows(const struct panel_view *v);

/* The Lab panel: the lab's goals as a checklist, ticked as the events reach them. */
void panel_lab_draw(struct screen *s, const struct panel_view *v, struct rect r);

/* The ? overlay: every key of the view's table with its help, sized to them, centred in r
 * and never outside it. */
void panel_help_draw(struct screen *s, const struct panel_view *v, struct rect r);

/* A replay's top line up to the alerts: position, time, speed, then the server; returns the next column. */
int panel_replay_header_draw(struct screen *s, const struct model *m, const struct panel_view *v,
			     struct rect r);

/* Returns a state's short name ("waiting" for conn_waiting). */
const char *panel_state_short(int state);

#endif
