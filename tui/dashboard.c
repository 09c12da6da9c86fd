#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dashboard.h"
#include "diag.h"
#include "stop.h"
#include "term_paint.h"
#include "theme.h"

#define RECONNECT_MS 500

/* Returns a monotonic time in ms. */
static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Connects (again). */
bool dashboard_connect(struct dashboard *d)
{
	client_init(&d->client);
	if (client_connect(&d->client, d->opts.socket_path) != 0)
		return false;
	/* Never wait for the server: the screen and the keys come first. */
	fcntl(d->client.fd, F_SETFL, fcntl(d->client.fd, F_GETFL) | O_NONBLOCK);
	model_reset(d->model);
	d->model->status = MODEL_CONNECTING;
	d->synced = false;
	d->connected = true;
	return true;
}

/* Starts the event source: the recording, or the server's socket; false when nothing answers. */
static bool source_start(struct dashboard *d)
{
	if (d->opts.replay == NULL)
		return dashboard_connect(d);
	dashboard_replay_start(d);
	return true;
}

/* Once a frame: a replay plays on, a live model takes its samples by the clock. */
static void source_tick(struct dashboard *d, uint64_t now)
{
	if (d->opts.replay != NULL)
		dashboard_replay_tick(d, now);
	else
		model_tick(d->model, now * 1000000ULL);
}

/* Runs the on_attached hook the first time a snapshot is in, and starts a scene waiting for one. */
static void attached(struct dashboard *d)
{
	const char *(*hook)(void *) = d->opts.on_attached;
	const char *err;

	dashboard_scene_attached(d, now_ms());
	if (hook == NULL)
		return;
	d->opts.on_attached = NULL;
	err = hook(d->opts.on_attached_arg);
	if (err != NULL)
		snprintf(d->message, sizeof(d->message), "%s", err);
}

/* Feeds every complete line the socket has; false when the server went away. */
static bool dashboard_read(struct dashboard *d)
{
	const char *data;
	size_t len;

	for (;;) {
		int rc = client_read_block(&d->client, &data, &len);
		if (rc < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return true;
		if (rc <= 0)
			return false;
		/* Flushed block by block, as mcscope record writes: a crash loses little. */
		if (d->recording != NULL && (fwrite(data, 1, len, d->recording) != len ||
					     fflush(d->recording) != 0)) {
			snprintf(d->message, sizeof(d->message), "recording stopped: %s", strerror(errno));
			fclose(d->recording);
			d->recording = NULL;
		}
		while (len > 0) {
			const char *nl = memchr(data, '\n', len);
			size_t n = nl != NULL ? (size_t)(nl - data) + 1 : len;
			enum event_status st = model_feed(d->model, data, n);
			if (d->opts.on_line != NULL)
				d->opts.on_line(d->opts.on_line_arg, data, n);
			if (!d->synced && memmem(data, n, " ev=snapshot_end", 16) != NULL) {
				d->synced = true;
				attached(d);
			}
			if (st == EVENT_ANSWER_OK || st == EVENT_ANSWER_ERROR)
				dashboard_answer(d, st, data, n);
			data += n;
			len -= n;
		}
	}
}

/* Shows the selected connection's path through the states on the bottom line. */
static void describe_selection(struct dashboard *d)
{
	const struct model_conn *one[1];
	struct panel_view *v = &d->view;

	if (!v->show_details || v->focus != PANEL_CONNS)
		return;
	const struct model_conn **all = malloc(sizeof(*all) * (d->model->nconns + 1));
	if (all == NULL)
		return;
	size_t n = model_conns_select(d->model, v->sort, v->filter_worker, v->filter_state, all,
				      d->model->nconns + 1);
	if ((size_t)v->conn_selected < n) {
		one[0] = all[v->conn_selected];
		int at = snprintf(d->message, sizeof(d->message), "conn %llu:",
				  (unsigned long long)one[0]->id);
		for (unsigned i = 0; i < one[0]->path_len && at < (int)sizeof(d->message) - 20; i++)
			at += snprintf(d->message + at, sizeof(d->message) - (size_t)at, " %s",
				       panel_state_short(one[0]->path[i]));
	}
	free(all);
}

/* Draws the model into the grid. */
static void render(struct dashboard *d)
{
	describe_selection(d);
	d->view.message = d->message[0] != '\0' ? d->message : NULL;
	d->view.slowmo_ms = d->slowmo.on ? d->slowmo.ms : 0;
	d->view.slowmo_held = d->slowmo.held;
	panel_layout_draw(d->screen, d->model, &d->view);
}

/* Scenes and slow motion, once a turn of the loop: what is due is sent. */
static void timers_tick(struct dashboard *d, uint64_t now)
{
	dashboard_scene_tick(d, now);
	dashboard_slowmo_tick(d, now);
}

/* How long the loop may sleep from now before a frame (at next_frame), a cue or a step is due. */
static int timers_wait(const struct dashboard *d, uint64_t now, uint64_t next_frame)
{
	int wait = next_frame > now ? (int)(next_frame - now) : 0;
	int cue = dashboard_scene_wait_ms(d, now), step = slowmo_wait_ms(&d->slowmo, now);

	if (cue >= 0 && cue < wait)
		wait = cue;
	if (step >= 0 && step < wait)
		wait = step;
	return wait;
}

/* Batch mode: frames of plain text on stdout, for scripts and CI. */
static int run_batch(struct dashboard *d)
{
	int frames = d->opts.once ? 1 : d->opts.frames;

	if (!source_start(d))
		return 69;
	/* The first frame shows at least the whole snapshot. */
	while (!d->synced) {
		struct pollfd p[2] = { { .fd = d->client.fd, .events = POLLIN },
				       { .fd = stop_fd(), .events = POLLIN } };
		int rc = poll(p, 2, 10000);
		if (rc < 0 && errno == EINTR)
			continue;
		if (p[1].revents != 0)
			return 0;
		if (rc <= 0 || !dashboard_read(d)) {
			diag_error("the server sent no snapshot");
			return 1;
		}
	}
	for (int f = 0; f < frames && stop_signal() == 0; f++) {
		if (f > 0) {
			uint64_t until = now_ms() + (uint64_t)d->opts.interval_ms;
			/* A replay has no need to wait: its frames are -d apart on a clock of its own. */
			for (uint64_t t = now_ms(); d->opts.replay == NULL && t < until && stop_signal() == 0;
			     t = now_ms()) {
				struct pollfd p[2] = { { .fd = d->client.fd, .events = POLLIN },
						       { .fd = stop_fd(), .events = POLLIN } };
				timers_tick(d, t);
				if (poll(p, 2, timers_wait(d, t, until)) > 0 && p[0].revents != 0 &&
				    !dashboard_read(d)) {
					d->model->status = MODEL_RECONNECTING;
					break;
				}
			}
			fputs("\f\n", stdout);
		}
		source_tick(d, d->opts.replay != NULL ? (uint64_t)(f + 1) * (uint64_t)d->opts.interval_ms
						      : now_ms());
		if (d->opts.replay == NULL)
			timers_tick(d, now_ms());
		render(d);
		screen_write_text(d->screen, stdout);
		fflush(stdout);
	}
	return 0;
}

/* Live mode: curses, keys, a frame every interval, reconnecting when the server goes away. */
static int run_live(struct dashboard *d)
{
	uint64_t next_frame = 0, next_retry = 0;

	if (!source_start(d))
		return 69;
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	theme_init(d->opts.theme, getenv("NO_COLOR") == NULL || getenv("NO_COLOR")[0] == '\0');
	if (d->opts.mouse && mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL) != 0)
		mouseinterval(0); /* a press selects at once: no wait to tell clicks from drags */
	screen_resize(d->screen, LINES, COLS);
	while (!d->quit && stop_signal() == 0) {
		uint64_t now = now_ms();
		struct pollfd p[3] = { { .fd = 0, .events = POLLIN }, { .fd = -1, .events = POLLIN },
				       { .fd = stop_fd(), .events = POLLIN } };
		int wait = timers_wait(d, now, next_frame);

		if (d->connected)
			p[1].fd = d->client.fd;
		if (poll(p, 3, wait) < 0 && errno != EINTR)
			break;
		if (p[2].revents != 0)
			break;
		if (d->connected && (p[1].revents & (POLLIN | POLLHUP | POLLERR)) && !dashboard_read(d)) {
			/* The server went away: keep the last picture, say so, and try again. */
			client_close(&d->client);
			d->connected = false;
			d->model->status = MODEL_RECONNECTING;
			next_retry = now_ms() + RECONNECT_MS;
		}
		for (int key; (key = getch()) != ERR;) {
			if (key == KEY_RESIZE) {
				/* The one place a resize is handled: the next frame is drawn at the new size. */
				screen_resize(d->screen, LINES, COLS);
				clear();
			} else if (key == KEY_MOUSE) {
				MEVENT ev;
				if (getmouse(&ev) != OK)
					continue;
				if (ev.bstate & BUTTON1_PRESSED)
					dashboard_click(d, ev.y, ev.x);
				else if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED))
					dashboard_key(d, ev.bstate & BUTTON4_PRESSED ? KEY_UP : KEY_DOWN);
			} else {
				dashboard_key(d, key);
			}
		}
		now = now_ms();
		if (d->opts.replay == NULL)
			timers_tick(d, now);
		if (!d->connected && d->opts.replay == NULL && now >= next_retry) {
			next_retry = now + RECONNECT_MS;
			if (dashboard_connect(d))
				d->message[0] = '\0';
		}
		if (now >= next_frame) {
			next_frame = now + (uint64_t)d->opts.interval_ms;
			/* Events only update the model; drawing costs the same at any event rate. */
			source_tick(d, now);
			if (!d->view.display_held)
				render(d);
			term_paint(d->screen);
		}
	}
	endwin();
	return 0;
}

/* Runs the dashboard. */
int dashboard_run(const struct dashboard_opts *opts)
{
	struct dashboard d;
	int rc = 1;

	memset(&d, 0, sizeof(d));
	d.opts = *opts;
	setlocale(LC_ALL, "");
	d.model = opts->replay != NULL ? opts->replay->model : model_create();
	d.screen = screen_create(opts->rows, opts->cols, strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
	if (d.model == NULL || d.screen == NULL) {
		diag_error("out of memory");
		goto out;
	}
	panel_view_init(&d.view);
	/* A replay's start puts its own. */
	d.view.keys = opts->scenes != NULL ? &key_table_demo : &key_table_live;
	slowmo_init(&d.slowmo, opts->slowmo_ms > 0 ? opts->slowmo_ms : SLOWMO_DEFAULT_MS);
	/* A demo's scenes start slow motion themselves, each as it needs. */
	if (opts->slowmo_ms > 0 && opts->scenes == NULL)
		slowmo_start(&d.slowmo);
	d.scene_pending = opts->scenes != NULL;
	d.recording = opts->record;
	d.view.lab = opts->lab;
	d.view.lab_port = opts->lab_port;
	if (opts->once || opts->frames > 0)
		rc = run_batch(&d);
	else
		rc = run_live(&d);
	if (rc == 69)
		diag_error("nothing answers on %s (is mcscoped running?)", opts->socket_path);
out:
	if (d.connected)
		client_close(&d.client);
	if (d.recording != NULL)
		fclose(d.recording);
	screen_destroy(d.screen);
	if (opts->replay == NULL)
		model_destroy(d.model);
	return rc;
}
