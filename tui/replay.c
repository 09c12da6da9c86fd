/*
 * replay.c: a recorded trace played into a model.
 *
 * Stepping back rebuilds the picture: the model only goes forward (it
 * keeps counters and rings, not undo records), so position k is reached by
 * feeding events from a checkpoint, a copy of the model taken the first
 * time play passed a multiple of checkpoint_every. There are at most
 * REPLAY_CHECKPOINTS of them, so memory stays bounded whatever the file's
 * length and a step back costs at most checkpoint_every events of feeding
 * (a few milliseconds), not the whole file again.
 *
 * The model is ticked by the recorded clock (every REPLAY_TICK_NS of it)
 * as events are fed, never by the wall clock: the picture at a position is
 * then the same however it was reached, and events/s is the recorded rate
 * whatever the playback speed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "replay.h"

/* At most this many checkpoints, at least this many events apart. */
#define REPLAY_CHECKPOINTS 128
#define REPLAY_CHECKPOINT_MIN 4096

/* Ticks owed at once beyond this only repeat the same CQ depth samples. */
#define REPLAY_TICKS_MAX MODEL_DEPTH_HISTORY

/* One tick of play applies at most this many events, so keys stay quick at any speed. */
#define REPLAY_TICK_EVENTS_MAX 200000

struct replay_checkpoint {
	struct model *model;      /* NULL until play has passed it */
	uint64_t next_tick;
};

/* Reads all of fd into a malloc'd buffer; false with errno set. */
static bool read_all(int fd, char **data, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap), *grown;

	if (buf == NULL)
		return false;
	for (;;) {
		ssize_t got;
		if (n == cap) {
			grown = realloc(buf, cap * 2);
			if (grown == NULL)
				goto fail;
			buf = grown;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto fail;
		if (got == 0)
			break;
		n += (size_t)got;
	}
	*data = buf;
	*len = n;
	return true;
fail:
	free(buf);
	return false;
}

/* Returns the length of the line at p (its newline included), at most end - p. */
static size_t line_len(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl != NULL ? (size_t)(nl - p) + 1 : (size_t)(end - p);
}

/* True for the lines a server sends a new client before live events. */
static bool is_snapshot(int ev)
{
	return ev == EVT_hello || ev == EVT_snapshot_worker || ev == EVT_snapshot_conn ||
	       ev == EVT_snapshot_end;
}

/* Appends an event to the index, growing it; false when out of memory. */
static bool index_push(struct replay *r, size_t *cap, size_t from, uint64_t at)
{
	if (r->nevents + 1 >= *cap) {
		size_t grown_cap = *cap ? *cap * 2 : 1024;
		struct replay_event *grown = realloc(r->events, grown_cap * sizeof(*grown));
		if (grown == NULL)
			return false;
		r->events = grown;
		*cap = grown_cap;
	}
	r->events[r->nevents++] = (struct replay_event){ .from = from, .at = at };
	return true;
}

/*
 * Finds the events and their recorded times. Times never decrease: lines of
 * different threads may come slightly out of ts order, and a second hello
 * (the server restarted while recording) starts its clock over, so each run
 * continues where the one before ended.
 */
static enum replay_status index_file(struct replay *r, const char *name)
{
	const char *p = r->data, *end = r->data + r->len;
	uint64_t run_base = 0, run_offset = 0, now = 0;
	size_t cap = 0;
	bool snapshot = true;
	struct event e;

	for (; p < end; p += line_len(p, end)) {
		size_t n = line_len(p, end);
		enum event_status st = event_parse(p, n, &e);

		r->lines++;
		if (st < 0) {
			r->malformed++;
			if (r->first_malformed == 0)
				r->first_malformed = r->lines;
		}
		if (r->nevents == 0) {
			if (st == EVENT_E_EMPTY)
				continue;
			if (st != EVENT_LINE || e.ev != EVT_hello) {
				diag_error("%s: not an mcscope trace (line %llu is not a hello line; "
					   "'mcscope record' makes traces)", name,
					   (unsigned long long)r->lines);
				return REPLAY_NOT_TRACE;
			}
			if (event_num(&e, KEY_v, 0) > WIRE_VERSION) {
				diag_error("%s: trace protocol v%llu is newer than this mcscope reads (v%d)",
					   name, (unsigned long long)event_num(&e, KEY_v, 0), WIRE_VERSION);
				return REPLAY_NOT_TRACE;
			}
		}
		if (st != EVENT_LINE || e.ev < 0 || e.ev >= EVT_MAX)
			continue;
		if (e.ev == EVT_hello) {
			run_base = e.ts;
			run_offset = now;
		}
		uint64_t at = e.ts >= run_base ? run_offset + (e.ts - run_base) : run_offset;
		if (at > now)
			now = at;
		/* The first step also feeds whatever came before the hello. */
		if (!index_push(r, &cap, r->nevents == 0 ? 0 : (size_t)(p - r->data), now))
			return REPLAY_NO_MEMORY;
		if (snapshot && is_snapshot(e.ev) && (e.ev != EVT_hello || r->nevents == 1))
			r->start = r->nevents;
		else
			snapshot = false;
	}
	if (r->nevents == 0) {
		diag_error("%s: not an mcscope trace (%s)", name,
			   r->lines == 0 ? "it is empty" : "it has no hello line");
		return REPLAY_NOT_TRACE;
	}
	/* The sentinel: the last step feeds up to the end of the file. */
	r->events[r->nevents].from = r->len;
	r->events[r->nevents].at = now;
	return REPLAY_OK;
}

/* Forgets the picture: position 0. */
static void rewind_model(struct replay *r)
{
	model_reset(r->model);
	/* model_reset keeps the rate clock for a live reconnect; a replay starts it over. */
	r->model->tick_ns = 0;
	r->model->tick_events = 0;
	r->model->events_per_sec = 0;
	r->model->status = MODEL_REPLAY;
	r->pos = 0;
	r->next_tick = REPLAY_TICK_NS;
}

/* Ticks the model for the recorded time up to at. */
static void tick_until(struct replay *r, uint64_t at)
{
	unsigned n = 0;

	while (r->next_tick <= at && n++ < REPLAY_TICKS_MAX) {
		model_tick(r->model, r->next_tick);
		r->next_tick += REPLAY_TICK_NS;
	}
	if (r->next_tick <= at)
		r->next_tick = (at / REPLAY_TICK_NS + 1) * REPLAY_TICK_NS;
}

/* Keeps a copy of the picture when pos is a checkpoint not taken yet; false when out of memory. */
static bool checkpoint_take(struct replay *r)
{
	struct replay_checkpoint *c;

	if (r->pos % r->checkpoint_every != 0 || r->pos / r->checkpoint_every >= r->ncheckpoints)
		return true;
	c = &r->checkpoints[r->pos / r->checkpoint_every];
	if (c->model != NULL)
		return true;
	c->model = model_create();
	if (c->model == NULL || !model_copy(c->model, r->model)) {
		model_destroy(c->model);
		c->model = NULL;
		return false;
	}
	c->next_tick = r->next_tick;
	return true;
}

/* Applies the next event and the lines that follow it; false when out of memory. */
static bool feed_one(struct replay *r)
{
	const struct replay_event *ev = &r->events[r->pos];
	const char *p = r->data + ev->from, *end = r->data + ev[1].from;

	tick_until(r, ev->at);
	for (size_t n; p < end; p += n) {
		n = line_len(p, end);
		model_feed(r->model, p, n);
	}
	r->pos++;
	return checkpoint_take(r);
}

/* Opens and indexes a trace. */
enum replay_status replay_open(const char *path, struct replay **out)
{
	struct replay *r = calloc(1, sizeof(*r));
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
	enum replay_status st = REPLAY_NO_MEMORY;
	int fd = -1;

	*out = NULL;
	if (r == NULL)
		goto fail;
	fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !read_all(fd, &r->data, &r->len)) {
		diag_error("cannot read %s: %s", name, strerror(errno));
		st = errno == ENOMEM ? REPLAY_NO_MEMORY : REPLAY_UNREADABLE;
		goto fail;
	}
	st = index_file(r, name);
	if (st != REPLAY_OK)
		goto fail;
	st = REPLAY_NO_MEMORY;
	r->checkpoint_every = r->nevents / REPLAY_CHECKPOINTS + 1;
	if (r->checkpoint_every < REPLAY_CHECKPOINT_MIN)
		r->checkpoint_every = REPLAY_CHECKPOINT_MIN;
	r->ncheckpoints = r->nevents / r->checkpoint_every + 1;
	r->checkpoints = calloc(r->ncheckpoints, sizeof(*r->checkpoints));
	r->model = model_create();
	if (r->checkpoints == NULL || r->model == NULL)
		goto fail;
	r->model->status = MODEL_REPLAY;
	r->speed = 1.0;
	rewind_model(r);
	if (!checkpoint_take(r) || !replay_seek(r, r->start))
		goto fail;
	if (fd > STDIN_FILENO)
		close(fd);
	*out = r;
	return REPLAY_OK;
fail:
	if (st == REPLAY_NO_MEMORY)
		diag_error("out of memory reading %s", name);
	if (fd > STDIN_FILENO)
		close(fd);
	replay_close(r);
	return st;
}

/* Frees a replay. */
void replay_close(struct replay *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->checkpoints != NULL && i < r->ncheckpoints; i++)
		model_destroy(r->checkpoints[i].model);
	free(r->checkpoints);
	model_destroy(r->model);
	free(r->events);
	free(r->data);
	free(r);
}

/* Moves the picture to pos, from the nearest checkpoint when that is closer than pos itself. */
bool replay_seek(struct replay *r, size_t pos)
{
	if (pos > r->nevents)
		pos = r->nevents;
	size_t c = pos / r->checkpoint_every;
	if (c >= r->ncheckpoints)
		c = r->ncheckpoints - 1;
	while (c > 0 && r->checkpoints[c].model == NULL)
		c--;
	size_t from = c * r->checkpoint_every;
	/* Going back, or far forward past a picture already kept: start from the checkpoint. */
	if (pos < r->pos || from > r->pos) {
		if (!model_copy(r->model, r->checkpoints[c].model))
			return false;
		r->pos = from;
		r->next_tick = r->checkpoints[c].next_tick;
	}
	while (r->pos < pos)
		if (!feed_one(r))
			return false;
	r->clock = replay_time(r);
	r->at_end = false;
	return true;
}

/* The last position whose time is at or before at. */
size_t replay_position_at(const struct replay *r, uint64_t at)
{
	size_t lo = 0, hi = r->nevents;

	/* Binary search for the first event later than at: every event before it is due. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->events[mid].at <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > r->start ? lo : r->start;
}

/* Seeks to a time. */
bool replay_seek_time(struct replay *r, uint64_t at)
{
	if (!replay_seek(r, replay_position_at(r, at)))
		return false;
	if (at > replay_time(r) && r->pos < r->nevents)
		r->clock = at;
	return true;
}

/* The time at the position. */
uint64_t replay_time(const struct replay *r)
{
	return r->pos > 0 ? r->events[r->pos - 1].at : 0;
}

/* The recording's length. */
uint64_t replay_length(const struct replay *r)
{
	return r->events[r->nevents].at;
}

/* One event forward. */
bool replay_step(struct replay *r)
{
	r->playing = false;
	if (r->pos >= r->nevents)
		return false;
	return replay_seek(r, r->pos + 1);
}

/* One event back. */
bool replay_step_back(struct replay *r)
{
	r->playing = false;
	if (r->pos == 0)
		return false;
	return replay_seek(r, r->pos - 1);
}

/* Starts or stops. */
void replay_play(struct replay *r, bool on)
{
	if (on && r->pos >= r->nevents)
		replay_seek(r, r->start);
	r->playing = on;
	r->at_end = false;
	r->wall = 0;
	if (r->clock < replay_time(r))
		r->clock = replay_time(r);
}

/* Sets the speed. */
void replay_set_speed(struct replay *r, double speed)
{
	if (!(speed >= REPLAY_SPEED_MIN))
		speed = REPLAY_SPEED_MIN;
	if (speed > REPLAY_SPEED_MAX)
		speed = REPLAY_SPEED_MAX;
	r->speed = speed;
}

/* Plays on by the wall time since the last tick. */
void replay_tick(struct replay *r, uint64_t now_ns)
{
	uint64_t dt = r->wall != 0 && now_ns > r->wall ? now_ns - r->wall : 0;
	unsigned n = 0;

	r->wall = now_ns;
	if (!r->playing)
		return;
	if (r->pos < r->nevents) {
		/* An idle stretch of the recording takes at most REPLAY_GAP_MAX_NS of the viewer's time. */
		uint64_t gap = (uint64_t)((double)REPLAY_GAP_MAX_NS * r->speed);
		uint64_t next = r->events[r->pos].at;
		if (next > r->clock + gap)
			r->clock = next - gap;
	}
	r->clock += (uint64_t)((double)dt * r->speed);
	while (r->pos < r->nevents && r->events[r->pos].at <= r->clock &&
	       n++ < REPLAY_TICK_EVENTS_MAX)
		if (!feed_one(r))
			break;
	if (n > REPLAY_TICK_EVENTS_MAX)
		r->clock = replay_time(r); /* behind: catch up from here rather than pile up a debt */
	if (r->pos >= r->nevents) {
		r->playing = false;
		r->at_end = true;
	}
}
