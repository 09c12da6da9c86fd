/*
 * demo_scene.h: mcscope demo's scenes (scene.h) as processes: the private
 * server each scene needs and the workload that shows its idea (demo.h).
 * Moving to another scene stops the workload, and restarts the server only
 * when the next scene needs other flags; the dashboard plays the rest on
 * its own connection (dashboard_scene.c): policy, cues, slow motion.
 *
 * The first scene, the overview, is the demo without --scene: the command
 * line's -t, -c, -r and --reconnect-interval shape it.
 */
#ifndef MCSCOPE_TUI_DEMO_SCENE_H
#define MCSCOPE_TUI_DEMO_SCENE_H

#include <stdbool.h>
#include <stdint.h>

#include "dashboard_opts.h"
#include "demo.h"
#include "scene.h"

struct demo_scenes {
	struct dashboard_scenes iface; /* what the dashboard calls, with this as its arg */
	struct demo demo;              /* the processes now running */
	const char *server;            /* the mcscoped to run */
	int current;                   /* the scene now running, an index in scene.h's table */
	struct scene overview;         /* the first scene, as the command line shapes it */
	char overview_flags[32];
	char running_flags[128];       /* the running server's scene flags; "" when none runs */
	bool running_udp;              /* and whether it listens on UDP */
	uint64_t seed;                 /* the next workload's seed */
};

/* Sets ds up to start at scene first (an index) with the server binary server; nothing runs yet. */
void demo_scenes_init(struct demo_scenes *ds, const char *server, int first, uint64_t seed);

/* Gives the overview the command line's workers and workload. */
void demo_scenes_overview(struct demo_scenes *ds, int threads, const struct scene_load *load);

/* Starts the first scene's server (its workload waits for the dashboard); -1 with a message, or
 * without one when a stop signal came first. */
int demo_scenes_start(struct demo_scenes *ds);

/* Stops the workload and the server, and removes the private directory. */
void demo_scenes_stop(struct demo_scenes *ds);

#endif
