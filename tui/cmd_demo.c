/* mcscope demo: a private server, a paced workload and the dashboard, in one command; its scenes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "dashboard.h"
#include "demo_scene.h"
#include "diag.h"
#include "model.h"
#include "scene.h"
#include "slowmo.h"
#include "stop.h"

/* The overview's workload, one a person can follow: a request every quarter second or so, and a
 * new connection every couple of seconds. */
#define DEMO_CONNS 6
#define DEMO_RATE 4.0
#define DEMO_RECONNECT 6
#define DEMO_THREADS 4

enum {
	DEMO_THREADS_OPT,
	DEMO_CONNS_OPT,
	DEMO_RATE_OPT,
	DEMO_RECONNECT_OPT,
	DEMO_SCENE_OPT,
	DEMO_LIST_SCENES_OPT,
	DEMO_SLOWMO_OPT,
	DEMO_SERVER_OPT,
	DEMO_RECORD_OPT,
};

static const struct cli_option demo_options[] = {
	[DEMO_THREADS_OPT] = { "threads", 't', "N",
			       "the server's worker threads, 1-%{max_threads} (default %{threads})" },
	[DEMO_CONNS_OPT] = { "conns", 'c', "N", "workload connections, 1-1000 (default %{conns})" },
	[DEMO_RATE_OPT] = { "rate", 'r', "R", "requests per second in all, 0.1-100000 (default %{rate})" },
	[DEMO_RECONNECT_OPT] = { "reconnect-interval", 0, "N",
				 "each connection closes and reconnects after N requests, 1-1000000, "
				 "so new connections keep being dispatched (default %{reconnect})" },
	[DEMO_SCENE_OPT] = { "scene", 0, "NAME",
			     "start at this scene (its name or number; default the first, overview)" },
	[DEMO_LIST_SCENES_OPT] = { "list-scenes", 0, NULL,
				   "list the scenes: number, name, title and what each shows, and exit" },
	[DEMO_SLOWMO_OPT] = { "slowmo", 0, "MS",
			      "slow motion: step the server one event every MS ms, %{slowmo_min}-%{slowmo_max}, "
			      "in every scene without a pace of its own (a toggles it, < and > change it)" },
	[DEMO_SERVER_OPT] = { "server", 0, "PATH",
			      "the mcscoped to run (default: $MCSCOPED, else the one next to this "
			      "program, else mcscoped on $PATH)" },
	[DEMO_RECORD_OPT] = { "record", 0, "FILE",
			      "save everything the server sends, its hello and snapshot first, to FILE "
			      "(replaced) for mcscope replay; a scene with a server of its own "
			      "continues it" },
	{ NULL },
};

/* Writes the scenes' names for the help. */
static const char *names(char *buf, size_t n)
{
	return scene_names(buf, n, ", ");
}

static const struct cmd_value demo_values[] = {
	{ "max_threads", MODEL_MAX_WORKERS, NULL },
	{ "threads", DEMO_THREADS, NULL },
	{ "conns", DEMO_CONNS, NULL },
	{ "rate", DEMO_RATE, NULL },
	{ "reconnect", DEMO_RECONNECT, NULL },
	{ "slowmo_min", SLOWMO_MIN_MS, NULL },
	{ "slowmo_max", SLOWMO_MAX_MS, NULL },
	{ "scenes", 0, names },
	{ NULL },
};

struct demo_state {
	bool list;            /* --list-scenes */
	int scene;            /* the first scene, an index */
	int threads;
	struct scene_load load; /* the overview's */
	unsigned slowmo_ms;   /* --slowmo, 0 when not given */
	const char *server;   /* --server, or NULL */
	const char *record;   /* --record, or NULL */
	struct demo_scenes scenes;
};

/* Reads --scene; 0, or the usage error's status with the scenes listed. */
static int check_scene(struct demo_state *st, const char *arg)
{
	char list[512];

	st->scene = scene_find(arg);
	if (st->scene >= 0)
		return 0;
	diag_error("--scene: no scene '%s'; the scenes are: %s (mcscope demo --list-scenes)", arg,
		   scene_names(list, sizeof(list), ", "));
	return cli_usage_error();
}

/* Checks the overview's own options into the state: -t, -c, -r, --reconnect-interval. */
static int check_overview(struct cmd_ctx *ctx)
{
	struct demo_state *st = ctx->state;
	static const int own[] = { DEMO_THREADS_OPT, DEMO_CONNS_OPT, DEMO_RATE_OPT, DEMO_RECONNECT_OPT };
	static const char *const flag[] = { "-t/--threads", "-c/--conns", "-r/--rate", "--reconnect-interval" };
	const char *arg;
	uint64_t n;

	/* A scene's idea depends on its own workers and workload: these shape only the overview. */
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		if (ctx->values[own[i]] != NULL && st->scene != 0) {
			diag_error("%s shapes the overview; scene %s brings its own server and workload",
				   flag[i], scene_at(st->scene)->name);
			return cli_usage_error();
		}
	}
	st->threads = DEMO_THREADS;
	st->load = (struct scene_load){ LOAD_MIXED, DEMO_CONNS, DEMO_RATE, DEMO_RECONNECT };
	if ((arg = ctx->values[DEMO_THREADS_OPT]) != NULL) {
		if (!cli_parse_uint("-t/--threads", arg, 1, MODEL_MAX_WORKERS, &n))
			return cli_usage_error();
		st->threads = (int)n;
	}
	if ((arg = ctx->values[DEMO_CONNS_OPT]) != NULL) {
		if (!cli_parse_uint("-c/--conns", arg, 1, 1000, &n))
			return cli_usage_error();
		st->load.conns = (unsigned)n;
	}
	if ((arg = ctx->values[DEMO_RATE_OPT]) != NULL &&
	    !cli_parse_double("-r/--rate", arg, 0.1, 100000, &st->load.rate))
		return cli_usage_error();
	if ((arg = ctx->values[DEMO_RECONNECT_OPT]) != NULL) {
		if (!cli_parse_uint("--reconnect-interval", arg, 1, 1000000, &n))
			return cli_usage_error();
		st->load.reconnect = (unsigned)n;
	}
	return 0;
}

/* Checks the options into the state. */
static int demo_check(struct cmd_ctx *ctx)
{
	struct demo_state *st = ctx->state;
	const char *arg;
	uint64_t n;
	int rc;

	st->list = ctx->values[DEMO_LIST_SCENES_OPT] != NULL;
	if ((arg = ctx->values[DEMO_SCENE_OPT]) != NULL && (rc = check_scene(st, arg)) != 0)
		return rc;
	if ((rc = check_overview(ctx)) != 0)
		return rc;
	if ((arg = ctx->values[DEMO_SLOWMO_OPT]) != NULL) {
		if (!cli_parse_uint("--slowmo", arg, SLOWMO_MIN_MS, SLOWMO_MAX_MS, &n))
			return cli_usage_error();
		st->slowmo_ms = (unsigned)n;
	}
	if ((arg = ctx->values[DEMO_SERVER_OPT]) != NULL) {
		if (arg[0] == '\0') {
			diag_error("--server: empty path");
			return cli_usage_error();
		}
		st->server = arg;
	}
	if ((arg = ctx->values[DEMO_RECORD_OPT]) != NULL) {
		if (arg[0] == '\0') {
			diag_error("--record: empty file name");
			return cli_usage_error();
		}
		st->record = arg;
	}
	/* The list needs no terminal; the dashboard does. */
	if (!st->list && !dashboard_can_run(&ctx->screen))
		return cli_usage_error();
	return 0;
}

/* Starts the scene's server, shows it on the dashboard, and stops everything after. */
static int demo_exec(struct cmd_ctx *ctx)
{
	struct demo_state *st = ctx->state;
	char server[4096];
	int rc = 1;

	if (st->list) {
		scene_list_print(stdout);
		printf("\nStart one with: mcscope demo --scene NAME; while it runs, ] and [ go to the next "
		       "and the previous.\n");
		return 0;
	}
	if (demo_find_server(st->server, server, sizeof(server)) != 0)
		return 1;
	/* Made before anything starts: a file that cannot be written stops nothing half-way. */
	if (st->record != NULL && (ctx->screen.record = fopen(st->record, "we")) == NULL) {
		diag_error("--record: cannot create %s: %s", st->record, strerror(errno));
		return 73;
	}
	demo_scenes_init(&st->scenes, server, st->scene, (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32));
	demo_scenes_overview(&st->scenes, st->threads, &st->load);
	if (demo_scenes_start(&st->scenes) != 0) {
		/* Ctrl-C while it started is a quit like any other. */
		rc = stop_signal() != 0 ? 0 : 1;
		goto out;
	}
	ctx->screen.socket_path = st->scenes.demo.socket_path;
	ctx->screen.scenes = &st->scenes.iface;
	ctx->screen.slowmo_ms = st->slowmo_ms;
	rc = dashboard_run(&ctx->screen);
	ctx->screen.record = NULL; /* the dashboard closed it */
out:
	if (ctx->screen.record != NULL)
		fclose(ctx->screen.record);
	demo_scenes_stop(&st->scenes);
	return rc;
}

const struct cmd_entry cmd_demo_entry = {
	.name = "demo",
	.summary = "start a private server and a workload, and watch them; its scenes",
	.usage = "[--scene NAME] [--slowmo MS] [-t N] [-c CONNS] [-r RATE] [--reconnect-interval N] "
		 "[--server PATH] [dashboard options]\n--list-scenes",
	.text = "Starts a private mcscoped (a free port on 127.0.0.1, its trace socket in a fresh "
		"private directory), drives it with a workload paced so that a person can follow it, "
		"and shows it on the dashboard. Quitting (q, Ctrl-C, SIGTERM, SIGHUP, the terminal "
		"closing) stops the workload and the server.\n"
		"\n"
		"The demo plays scenes, one idea of memcached's threading model each: a scene sets the "
		"server's flags (restarting it when they differ), the workload, the dispatch policy and "
		"any freeze, delay or slow motion, so that the screen shows its idea within a few "
		"seconds. ] goes to the next scene, [ to the previous; the header names the one "
		"running. Without --scene the demo starts at the first, the overview, which -t, -c, -r "
		"and --reconnect-interval shape.",
	.options = demo_options,
	.notes = "Scenes: %{scenes}.\n"
		 "\n"
		 "Slow motion pauses the server and lets one event through every MS ms with the "
		 "server's own step control, the next one only once the last one's event is in: what "
		 "the screen shows is what the server did, in its order. The header says SLOWMO; "
		 "space holds it.",
	.exit_status = "Exit status: 0 on q, Ctrl-C or the last frame; 1 when the server or the "
		       "workload cannot start; 64 bad command line (an unknown scene: the message "
		       "lists them); 73 when the --record file cannot be made.",
	.values = demo_values,
	.flags = CMD_SCREEN_OPTS | CMD_STOP,
	.state_size = sizeof(struct demo_state),
	.check = demo_check,
	.exec = demo_exec,
};
