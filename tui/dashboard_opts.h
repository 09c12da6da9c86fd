/*
 * dashboard_opts.h: what the dashboard is given to run: its screen
 * options, which every command that shows the dashboard takes (mcscope,
 * demo, replay), the check that live mode has a terminal, and where the
 * events come from.
 */
#ifndef MCSCOPE_TUI_DASHBOARD_OPTS_H
#define MCSCOPE_TUI_DASHBOARD_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli.h"

/* The colour schemes: enum name, name, what it is for (--theme). */
#define DASHBOARD_THEMES(X) \
	X(THEME_DEFAULT,  default,  "colours on the terminal's own background") \
	X(THEME_CONTRAST, contrast, "bold dark colours on white, for a projector in a bright room") \
	X(THEME_MONO,     mono,     "no colour: bold, reverse and underline (also when NO_COLOR is set)")

#define DASHBOARD_THEME_ENUM_(e, name, text) e,
enum dashboard_theme { DASHBOARD_THEMES(DASHBOARD_THEME_ENUM_) DASHBOARD_THEME_COUNT };
#undef DASHBOARD_THEME_ENUM_

struct replay;
struct lab_live;
struct scene;

/*
 * A demo's scenes, which the dashboard plays (demo_scene.h makes them):
 * the demo owns the processes, the dashboard sends each scene's policy and
 * cues on its own connection, so that its keys and the scene agree on
 * what is frozen and paused.
 */
struct dashboard_scenes {
	void *arg;
	/* The scene now running, and its number (from 1) in *number. */
	const struct scene *(*current)(void *arg, int *number);
	/* Moves delta scenes on, round the end: stops the workload, and restarts the server when the
	 * next scene needs other flags (the dashboard has disconnected first). NULL, or what went wrong. */
	const char *(*go)(void *arg, int delta);
	/* Starts the scene's workload, its commands sent; NULL, or what went wrong. */
	const char *(*start_load)(void *arg);
};

struct dashboard_opts {
	const char *socket_path;
	bool once;         /* print one plain-text frame and exit */
	int frames;        /* batch mode: print this many frames (0: live curses) */
	bool mouse;
	enum dashboard_theme theme;
	int interval_ms;   /* between frames */
	int rows, cols;    /* batch mode screen size */
	struct replay *replay; /* the events come from this recording, not socket_path */
	/* Called once, when the first snapshot has been read; returns NULL or what went wrong. */
	const char *(*on_attached)(void *arg);
	void *on_attached_arg;
	/* Called with every line the server sends, after the model has it; NULL: none. */
	void (*on_line)(void *arg, const char *line, size_t len);
	void *on_line_arg;
	/* A lab's goals for the Lab panel, and the lab server's TCP port; NULL: no lab. */
	const struct lab_live *lab;
	int lab_port;
	/* A demo's scenes; NULL: none (] and [ say so). */
	const struct dashboard_scenes *scenes;
	/* Slow motion from the start at this pace (and in every scene without a pace of its own); 0: off. */
	unsigned slowmo_ms;
	/* Every line the server sends is written here too, from the first (demo --record); NULL:
	 * none. The dashboard closes it. */
	FILE *record;
};

/* The screen options, by index in dashboard_options. */
enum {
	DASHBOARD_OPT_ONCE,
	DASHBOARD_OPT_FRAMES,
	DASHBOARD_OPT_SIZE,
	DASHBOARD_OPT_DELAY,
	DASHBOARD_OPT_NO_MOUSE,
	DASHBOARD_OPT_THEME,
	DASHBOARD_OPT_N
};

/* --once, --frames N, --size CxR, -d/--delay TENTHS, --no-mouse, --theme NAME. */
extern const struct cli_option dashboard_options[];

/* Sets the defaults: live, mouse on, 10 frames a second, 80x24 text frames. */
void dashboard_opts_init(struct dashboard_opts *o);

/*
 * Applies the screen options given: given[i] is dashboard_options[i]'s
 * argument ("" for a flag), NULL when it was not given. False with a
 * message naming the option when a value is bad.
 */
bool dashboard_opts_set(struct dashboard_opts *o, const char *const given[DASHBOARD_OPT_N]);

/* The theme's name ("contrast"). */
const char *dashboard_theme_name(enum dashboard_theme t);

/* Writes "default, contrast, mono" to buf; returns buf. */
const char *dashboard_theme_list(char *buf, size_t n);

/* Checks that live mode has a terminal; false with a message. */
bool dashboard_can_run(const struct dashboard_opts *o);

#endif
