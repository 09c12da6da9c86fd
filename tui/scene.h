/*
 * scene.h: mcscope demo's scenes, one idea of memcached's threading model
 * each, declared once in one table (scene.c): a name and a title, a line
 * on what to watch, the server flags the idea needs, the workload that
 * shows it (a load scenario, connections, rate), the dispatch policy, and
 * cues: control commands sent at set times after the scene starts (a
 * freeze at once, a thaw six seconds in), over and over when the scene
 * has a cycle. A scene may also run in slow motion (slowmo.h).
 *
 * The demo (demo_scene.h) starts the server and the workload; the
 * dashboard sends the policy and the cues. No curses, no processes here.
 */
#ifndef MCSCOPE_TUI_SCENE_H
#define MCSCOPE_TUI_SCENE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "load.h"
#include "wire.h"

#define SCENE_CUES_MAX 6
/* The most words of a scene's server flags. */
#define SCENE_FLAGS_MAX 12

/* A control command sent at_ms after the scene starts (and every cycle_ms after that, when the
 * scene has a cycle). */
struct scene_cue {
	unsigned at_ms;
	const char *cmd;            /* NULL ends the list */
};

/* The workload a scene runs (mcscope load's). */
struct scene_load {
	enum load_scenario scenario;
	unsigned conns;
	double rate;                /* requests per second in all */
	unsigned reconnect;         /* each connection reconnects after this many requests; 0 never */
};

struct scene {
	const char *name;           /* what --scene takes: "cq-backlog" */
	const char *title;          /* the header's: "CQ backlog" */
	const char *idea;           /* one line: what the screen shows, what to watch */
	const char *server;         /* mcscoped's flags: "-t 2 -R 4" */
	bool udp;                   /* the server also listens on a free UDP port (-U) */
	struct scene_load load;
	enum dispatch_policy policy;
	struct scene_cue cues[SCENE_CUES_MAX];
	unsigned cycle_ms;          /* the cues come again every cycle_ms; 0: once */
	unsigned slowmo_ms;         /* slow motion at this pace from the start; 0: none */
};

/* How many scenes there are. */
int scene_count(void);

/* The i-th scene (from 0), or NULL past the last. */
const struct scene *scene_at(int i);

/* The index of the scene called name, or numbered so (from 1); -1 when there is none. */
int scene_find(const char *name);

/* Writes every scene's name, separated by sep, into buf; returns buf. */
const char *scene_names(char *buf, size_t n, const char *sep);

/* Prints mcscope demo --list-scenes: number, name and title, and the idea under them. */
void scene_list_print(FILE *out);

/*
 * Splits the scene's server flags into words, copied into buf (n bytes):
 * argv gets at most max of them, then NULL. Returns how many; -1 when
 * they do not fit.
 */
int scene_flags(const struct scene *s, char *buf, size_t n, char **argv, int max);

/*
 * The cues due in the time from from_ms (excluded; -1 before the scene's
 * start) to to_ms (included), both counted from the scene's start, in the
 * order they come: their commands into cmds (at most max). A cue that came
 * round more than once in that time counts once. Returns how many.
 */
int scene_cues_due(const struct scene *s, int64_t from_ms, int64_t to_ms, const char **cmds, int max);

/* The next cue after at_ms (from the scene's start): its command, and *in_ms how long until it;
 * NULL when no cue is to come. */
const char *scene_next_cue(const struct scene *s, int64_t at_ms, unsigned *in_ms);

#endif
