#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "demo_scene.h"
#include "diag.h"

/* While the server is paused, requests wait as long as the viewer likes. */
#define SCENE_REPLY_TIMEOUT_US (24 * 3600 * 1000000ULL)
#define SCENE_LOAD_DURATION 86400.0

/* Returns the scene at index i, the overview as the command line shaped it. */
static const struct scene *scene_of(const struct demo_scenes *ds, int i)
{
	return i == 0 ? &ds->overview : scene_at(i);
}

/* The dashboard's: the scene now running. */
static const struct scene *current(void *arg, int *number)
{
	struct demo_scenes *ds = arg;

	*number = ds->current + 1;
	return scene_of(ds, ds->current);
}

/* Starts the current scene's server with its flags, and a free UDP port when it needs one. */
static int start_server(struct demo_scenes *ds)
{
	const struct scene *s = scene_of(ds, ds->current);
	char buf[128], port[16], *flags[SCENE_FLAGS_MAX + 3];
	int n = scene_flags(s, buf, sizeof(buf), flags, SCENE_FLAGS_MAX);

	if (n < 0) {
		diag_error("scene %s: too many server flags: %s", s->name, s->server);
		return -1;
	}
	if (s->udp) {
		int udp = demo_free_udp_port();
		if (udp < 0)
			return -1;
		snprintf(port, sizeof(port), "%d", udp);
		flags[n++] = "-U";
		flags[n++] = port;
	}
	flags[n] = NULL;
	ds->running_flags[0] = '\0';
	if (demo_start_server(&ds->demo, ds->server, flags) != 0)
		return -1;
	snprintf(ds->running_flags, sizeof(ds->running_flags), "%s", s->server);
	ds->running_udp = s->udp;
	return 0;
}

/* True when the server is still running; one that died is reaped and forgotten. */
static bool server_alive(struct demo_scenes *ds)
{
	if (ds->demo.server <= 0)
		return false;
	if (waitpid(ds->demo.server, NULL, WNOHANG) == 0)
		return true;
	ds->demo.server = 0;
	return false;
}

/* True when the running server is the one scene s needs. */
static bool server_fits(struct demo_scenes *ds, const struct scene *s)
{
	return server_alive(ds) && strcmp(ds->running_flags, s->server) == 0 && ds->running_udp == s->udp;
}

/* The dashboard's: moves delta scenes on. */
static const char *go(void *arg, int delta)
{
	static char why[128];
	struct demo_scenes *ds = arg;
	int n = scene_count();

	demo_stop_load(&ds->demo);
	ds->current = ((ds->current + delta) % n + n) % n;
	if (server_fits(ds, scene_of(ds, ds->current)))
		return NULL;
	demo_stop(&ds->demo);
	if (start_server(ds) == 0)
		return NULL;
	snprintf(why, sizeof(why), "scene %s: the server did not start (] or [ tries another scene)",
		 scene_of(ds, ds->current)->name);
	return why;
}

/* The dashboard's: starts the scene's workload. */
static const char *start_load(void *arg)
{
	struct demo_scenes *ds = arg;
	const struct scene *s = scene_of(ds, ds->current);
	struct load_opts o = {
		.host = "127.0.0.1",
		.conns = s->load.conns,
		.rate = s->load.rate,
		.duration = SCENE_LOAD_DURATION,
		.seed = ds->seed++,
		.scenario = s->load.scenario,
		.reconnect = s->load.reconnect,
		.reply_timeout_us = SCENE_REPLY_TIMEOUT_US,
		/* Every connection on the screen is then one of the scene's own. */
		.no_probe = true,
	};

	if (ds->demo.server == 0)
		return "no server runs: ] or [ tries another scene";
	return demo_start_load(&ds->demo, &o) == 0 ? NULL : "the workload did not start";
}

/* Sets the scenes up. */
void demo_scenes_init(struct demo_scenes *ds, const char *server, int first, uint64_t seed)
{
	memset(ds, 0, sizeof(*ds));
	ds->iface = (struct dashboard_scenes){ .arg = ds, .current = current, .go = go, .start_load = start_load };
	ds->server = server;
	ds->current = first;
	ds->seed = seed;
	ds->overview = *scene_at(0);
	demo_init(&ds->demo);
}

/* Shapes the overview. */
void demo_scenes_overview(struct demo_scenes *ds, int threads, const struct scene_load *load)
{
	snprintf(ds->overview_flags, sizeof(ds->overview_flags), "-t %d", threads);
	ds->overview.server = ds->overview_flags;
	ds->overview.load = *load;
}

/* Starts the first scene's server. */
int demo_scenes_start(struct demo_scenes *ds)
{
	return start_server(ds);
}

/* Stops everything. */
void demo_scenes_stop(struct demo_scenes *ds)
{
	demo_stop(&ds->demo);
	ds->running_flags[0] = '\0';
}
