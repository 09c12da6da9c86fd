/*
 * dashboard_slowmo.c: slow motion on the live dashboard: slowmo.c says
 * when to pause and when to step, this sends it on the dashboard's own
 * connection, so that the steps are the server's and the keys (space, n)
 * act on the same paused server.
 */
#include "dashboard.h"

/* Turns slow motion on or off. */
void dashboard_slowmo_set(struct dashboard *d, bool on)
{
	if (on) {
		slowmo_start(&d->slowmo);
		return;
	}
	bool was = d->slowmo.on;
	slowmo_stop(&d->slowmo);
	/* Off means the server runs again, as it did before slow motion paused it. */
	if (was && d->model->paused)
		dashboard_send(d, "resume");
}

/* Sends what slow motion asks for. */
void dashboard_slowmo_tick(struct dashboard *d, uint64_t now_ms)
{
	/* The model must know whether the server is paused: only after its snapshot. */
	if (!d->connected || !d->synced)
		return;
	switch (slowmo_tick(&d->slowmo, now_ms, d->model->paused, d->model->thread_events)) {
	case SLOWMO_PAUSE:
		dashboard_send(d, "pause");
		break;
	case SLOWMO_STEP:
		dashboard_send(d, "step 1");
		break;
	case SLOWMO_NOTHING:
		break;
	}
}
