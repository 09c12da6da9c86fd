/*
 * dashboard_scene.c: a demo's scenes on the live dashboard. The demo
 * (demo_scene.c) owns the processes; the dashboard plays each scene on its
 * own connection: the policy and the cues go out as the keys' commands do,
 * so that f, space and n act on what the scene set up. Leaving a scene
 * first undoes what it set (a pause, freezes, delays, a breakpoint), so
 * that the workload's last requests are answered and it stops at once,
 * and a server kept for the next scene starts it clean; then the dashboard
 * connects afresh, and the new scene's picture starts empty.
 */
#include <stdio.h>
#include <string.h>

#include "dashboard.h"
#include "scene.h"

/* Sends the cues due from the last ones sent up to now. */
static void send_cues(struct dashboard *d, const struct scene *s, uint64_t now_ms)
{
	const char *cmds[SCENE_CUES_MAX];
	int64_t at = (int64_t)(now_ms - d->scene_start_ms);
	int n = scene_cues_due(s, d->scene_cued_ms, at, cmds, SCENE_CUES_MAX);

	for (int i = 0; i < n; i++)
		dashboard_send(d, cmds[i]);
	d->scene_cued_ms = at;
}

/* Starts the scene. */
void dashboard_scene_attached(struct dashboard *d, uint64_t now_ms)
{
	const struct dashboard_scenes *scenes = d->opts.scenes;
	const struct scene *s;
	const char *err;
	char cmd[64];
	int number;

	if (scenes == NULL || !d->scene_pending)
		return;
	d->scene_pending = false;
	s = scenes->current(scenes->arg, &number);
	d->scene_start_ms = now_ms;
	d->scene_cued_ms = -1;
	snprintf(cmd, sizeof(cmd), "dispatch %s", wire_policy_name(s->policy));
	dashboard_send(d, cmd);
	send_cues(d, s, now_ms);
	unsigned ms = s->slowmo_ms > 0 ? s->slowmo_ms : d->opts.slowmo_ms;
	if (ms > 0) {
		slowmo_init(&d->slowmo, ms);
		dashboard_slowmo_set(d, true);
		/* Paused before the workload's first connection, so that its hand-off is stepped too. */
		dashboard_slowmo_tick(d, now_ms);
	} else {
		dashboard_slowmo_set(d, false);
	}
	err = scenes->start_load(scenes->arg);
	if (err != NULL)
		snprintf(d->message, sizeof(d->message), "%s", err);
}

/* Undoes what the scene set on the server: a pause, breakpoints, freezes, delays. */
static void undo(struct dashboard *d)
{
	const struct model *m = d->model;
	char cmd[64];

	if (!d->connected)
		return;
	/* Either answers ok when there is nothing to undo, and tells nobody. */
	dashboard_send(d, "resume");
	dashboard_send(d, "break off");
	for (int w = 0; w < m->nworkers; w++) {
		if (d->frozen[w] || m->workers[w].at_gate) {
			snprintf(cmd, sizeof(cmd), "thaw w%d", w);
			dashboard_send(d, cmd);
		}
		if (m->workers[w].delay_ms > 0) {
			snprintf(cmd, sizeof(cmd), "delay w%d 0", w);
			dashboard_send(d, cmd);
		}
	}
}

/* Leaves the scene for the one delta scenes on. */
static void change(struct dashboard *d, int delta)
{
	const struct dashboard_scenes *scenes = d->opts.scenes;
	const char *err;

	undo(d);
	slowmo_stop(&d->slowmo);
	if (d->connected) {
		client_close(&d->client);
		d->connected = false;
	}
	memset(d->frozen, 0, sizeof(d->frozen));
	err = scenes->go(scenes->arg, delta);
	d->scene_pending = true;
	snprintf(d->message, sizeof(d->message), "%s", err != NULL ? err : "");
	/* Should the server not answer yet, the run loop keeps trying, as after any disconnect. */
	if (!dashboard_connect(d))
		d->model->status = MODEL_RECONNECTING;
}

/* Writes the scene's line for the header. */
static void describe(struct dashboard *d, uint64_t now_ms)
{
	const struct dashboard_scenes *scenes = d->opts.scenes;
	int number;
	const struct scene *s = scenes->current(scenes->arg, &number);
	const char *next;
	unsigned in_ms;

	snprintf(d->scene_title, sizeof(d->scene_title), "Scene %d/%d  %s", number, scene_count(), s->title);
	d->view.scene = d->scene_title;
	d->view.scene_number = number;
	d->view.scene_idea = s->idea;
	d->view.scene_cue = NULL;
	if (d->scene_pending) {
		d->view.scene_cue = "starting";
		return;
	}
	next = scene_next_cue(s, (int64_t)(now_ms - d->scene_start_ms), &in_ms);
	if (next == NULL)
		return;
	/* Rounded up: "in 0 s" would read as done. */
	snprintf(d->scene_cue, sizeof(d->scene_cue), "%s in %u s", next, (in_ms + 999) / 1000);
	d->view.scene_cue = d->scene_cue;
}

/* Moves scenes and sends the cues due. */
void dashboard_scene_tick(struct dashboard *d, uint64_t now_ms)
{
	const struct dashboard_scenes *scenes = d->opts.scenes;
	int number;

	if (scenes == NULL)
		return;
	if (d->scene_go != 0) {
		int delta = d->scene_go;
		d->scene_go = 0;
		change(d, delta);
	}
	if (!d->scene_pending && d->connected && d->synced)
		send_cues(d, scenes->current(scenes->arg, &number), now_ms);
	describe(d, now_ms);
}

/* Says how long until the next cue. */
int dashboard_scene_wait_ms(const struct dashboard *d, uint64_t now_ms)
{
	const struct dashboard_scenes *scenes = d->opts.scenes;
	unsigned in_ms;
	int number;

	if (scenes == NULL || d->scene_pending)
		return -1;
	if (scene_next_cue(scenes->current(scenes->arg, &number), (int64_t)(now_ms - d->scene_start_ms),
			   &in_ms) == NULL)
		return -1;
	return (int)in_ms;
}
