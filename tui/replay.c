/*
 * replay.c: a recorded trace played into a model.
 *
 * Stepping back rebuilds the picture: the model only goes forward (it
 * keeps counters and rings, not undo records), so position k is reached by
 * feeding events from a checkpoint, a copy of the model taken the first
 * time play passed a multiple of checkpoint_every. There are at most
 * REPLAY_CHECKPOINTS of them, holding at most REPLAY_CHECKPOINT_BYTES (past
 * it every other one is dropped and the spacing doubles), so memory stays
 * bounded whatever the file's length and a step back costs at most
 * checkpoint_every events of feeding (a few milliseconds), not the whole
 * file again.
 *
 * The file itself is read again rather than kept: one pass at open notes
 * where every mark_every-th event begins (a mark: its offset, the recorded
 * clock there, the workers in force), at most REPLAY_MARKS of them (past it
 * every other one is dropped and the spacing doubles). To move, the block
 * of events around the position is read again from its mark.
 *
 * The model is ticked by the recorded clock (every REPLAY_TICK_NS of it)
 * as events are fed, never by the wall clock: the picture at a position is
 * then the same however it was reached, and events/s is the recorded rate
 * whatever the playback speed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "replay.h"

/* At most this many checkpoints, at least this many events apart, holding at most this much. */
#define REPLAY_CHECKPOINTS 128
#define REPLAY_CHECKPOINT_MIN 4096
#define REPLAY_CHECKPOINT_BYTES (64u << 20)

/* At most this many marks, at first this many events apart. */
#define REPLAY_MARKS 65536
#define REPLAY_MARK_EVERY 256

/* Ticks owed at once beyond this only repeat the same CQ depth samples. */
#define REPLAY_TICKS_MAX MODEL_DEPTH_HISTORY

/* One tick of play applies at most this many events, so keys stay quick at any speed. */
#define REPLAY_TICK_EVENTS_MAX 200000

struct replay_checkpoint {
	struct model *model;      /* NULL until play has passed it */
	uint64_t next_tick;
	uint64_t at;
};

/* The recorded clock: times never decrease, and each server run continues where the last ended. */
struct replay_clock {
	uint64_t now;             /* the latest event's time */
	uint64_t run_base;        /* the ts of the run's hello */
	uint64_t run_offset;      /* the time the run began at */
};

/* Where event i = k * mark_every begins, with what reading on from there needs. */
struct replay_mark {
	uint64_t from;            /* the offset its lines begin at (0 for event 0: all before the hello) */
	uint64_t at;              /* its time */
	struct replay_clock clock; /* before it */
	unsigned threads;         /* the workers in force where it begins */
};

/* One event of the block read again. */
struct replay_event {
	uint64_t from;
	uint64_t at;
	unsigned threads;
};

/* True for the lines a server sends a new client before live events. */
static bool is_snapshot(int ev)
{
	return ev == EVT_hello || ev == EVT_snapshot_worker || ev == EVT_snapshot_conn ||
	       ev == EVT_snapshot_end;
}

/* True when the reader's line is an event: a line the model counts. */
static bool is_event(const struct trace_reader *rd)
{
	return rd->status == EVENT_LINE && rd->event.ev >= 0 && rd->event.ev < EVT_MAX;
}

/*
 * Advances the clock by one event and returns its time. Lines of different
 * threads may come slightly out of ts order, and a second hello (the server
 * restarted while recording) starts its clock over.
 */
static uint64_t clock_step(struct replay_clock *c, const struct event *e)
{
	uint64_t at;

	if (e->ev == EVT_hello) {
		c->run_base = e->ts;
		c->run_offset = c->now;
	}
	at = e->ts >= c->run_base ? c->run_offset + (e->ts - c->run_base) : c->run_offset;
	if (at > c->now)
		c->now = at;
	return c->now;
}

/* Keeps every other mark when they are too many; their spacing doubles. */
static void marks_thin(struct replay *r)
{
	for (size_t i = 0; 2 * i < r->nmarks; i++)
		r->marks[i] = r->marks[2 * i];
	r->nmarks = (r->nmarks + 1) / 2;
	r->mark_every *= 2;
}

/* Reads the whole file once: counts its events, finds the start, sets the marks. */
static enum replay_status index_file(struct replay *r)
{
	struct trace_reader *rd = r->reader;
	struct replay_clock clock = { 0 };
	bool snapshot = true;
	enum trace_read got;

	r->mark_every = REPLAY_MARK_EVERY;
	r->marks = malloc(REPLAY_MARKS * sizeof(*r->marks));
	if (r->marks == NULL)
		return REPLAY_NO_MEMORY;
	for (;;) {
		unsigned threads = rd->threads; /* in force where the next line begins */
		struct replay_clock before = clock;

		got = trace_reader_next(rd);
		if (got != TRACE_READ_LINE)
			break;
		if (!is_event(rd))
			continue;
		uint64_t at = clock_step(&clock, &rd->event);
		if (r->nevents % r->mark_every == 0 && r->nmarks == REPLAY_MARKS)
			marks_thin(r);
		if (r->nevents % r->mark_every == 0)
			r->marks[r->nmarks++] = (struct replay_mark){
				/* The first step also feeds whatever came before the hello. */
				.from = r->nevents == 0 ? 0 : rd->line_offset,
				.at = at, .clock = before, .threads = r->nevents == 0 ? 0 : threads,
			};
		r->nevents++;
		if (snapshot && is_snapshot(rd->event.ev) && (rd->event.ev != EVT_hello || r->nevents == 1))
			r->start = r->nevents;
		else
			snapshot = false;
	}
	r->counts = rd->counts;
	if (got == TRACE_READ_UNREADABLE)
		return REPLAY_UNREADABLE;
	if (got == TRACE_READ_NOT_TRACE)
		return REPLAY_NOT_TRACE;
	r->length = clock.now;
	r->end_offset = rd->offset;
	r->block = malloc((r->mark_every + 1) * sizeof(*r->block));
	return r->block != NULL ? REPLAY_OK : REPLAY_NO_MEMORY;
}

/* Reads the block of events that holds event i again, unless it is the one loaded; false when unreadable. */
static bool block_load(struct replay *r, size_t i)
{
	size_t m = i / r->mark_every, n = 0;
	size_t want = r->nevents - m * r->mark_every;
	const struct replay_mark *mark = &r->marks[m];
	struct replay_clock clock = mark->clock;
	struct trace_reader *rd = r->reader;

	if (r->block_len > 0 && r->block_first == m * r->mark_every)
		return true;
	r->block_len = 0;
	if (want > r->mark_every)
		want = r->mark_every;
	if (!trace_reader_seek(rd, mark->from, mark->threads))
		return false;
	while (n < want) {
		unsigned threads = rd->threads;
		if (trace_reader_next(rd) != TRACE_READ_LINE) {
			diag_error("%s changed while it was replayed", rd->name);
			return false;
		}
		if (!is_event(rd))
			continue;
		r->block[n] = (struct replay_event){
			.from = n == 0 ? mark->from : rd->line_offset,
			.at = clock_step(&clock, &rd->event),
			.threads = n == 0 ? mark->threads : threads,
		};
		n++;
	}
	/* The sentinel: where the block's last event's lines end. */
	r->block[n].from = m + 1 < r->nmarks ? r->marks[m + 1].from : r->end_offset;
	r->block_first = m * r->mark_every;
	r->block_len = n;
	return true;
}

/* Event i of the file, its block loaded; NULL when unreadable. */
static const struct replay_event *replay_event_at(struct replay *r, size_t i)
{
	return block_load(r, i) ? &r->block[i - r->block_first] : NULL;
}

/* The time of event i. */
uint64_t replay_event_time(struct replay *r, size_t i)
{
	const struct replay_event *ev = i < r->nevents ? replay_event_at(r, i) : NULL;

	return ev != NULL ? ev->at : UINT64_MAX;
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
	r->at = 0;
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

/* Drops every other checkpoint (never the first, the picture at 0); their spacing doubles. */
static void checkpoints_thin(struct replay *r)
{
	for (size_t i = 1; i < r->ncheckpoints; i += 2) {
		if (r->checkpoints[i].model != NULL)
			r->checkpoint_bytes -= model_bytes(r->checkpoints[i].model);
		model_destroy(r->checkpoints[i].model);
	}
	for (size_t i = 0; 2 * i < r->ncheckpoints; i++)
		r->checkpoints[i] = r->checkpoints[2 * i];
	r->ncheckpoints = (r->ncheckpoints + 1) / 2;
	r->checkpoint_every *= 2;
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
	c->at = r->at;
	r->checkpoint_bytes += model_bytes(c->model);
	while (r->checkpoint_bytes > REPLAY_CHECKPOINT_BYTES && r->ncheckpoints > 1)
		checkpoints_thin(r);
	return true;
}

/* Applies the next event and the lines that follow it; false when out of memory or unreadable. */
static bool feed_one(struct replay *r)
{
	const struct replay_event *ev = replay_event_at(r, r->pos);
	struct trace_reader *rd = r->reader;
	uint64_t end;

	if (ev == NULL)
		return false;
	end = ev[1].from;
	tick_until(r, ev->at);
	r->at = ev->at;
	if (!trace_reader_seek(rd, ev->from, ev->threads))
		return false;
	while (rd->offset < end) {
		if (trace_reader_next(rd) != TRACE_READ_LINE) {
			diag_error("%s changed while it was replayed", rd->name);
			return false;
		}
		model_take(r->model, rd->status, &rd->event);
	}
	r->pos++;
	return checkpoint_take(r);
}

/* Copies a stream that cannot seek (a pipe) to a temporary file; the copy, or NULL with a message. */
static FILE *seekable_copy(FILE *in, const char *name)
{
	FILE *copy = tmpfile();
	char buf[1 << 16];
	size_t n;

	if (copy == NULL) {
		diag_error("cannot copy %s to a temporary file: %s", name, strerror(errno));
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, copy) != n) {
			diag_error("cannot copy %s to a temporary file: %s", name, strerror(errno));
			goto fail;
		}
	if (ferror(in)) {
		diag_error("cannot read %s: %s", name, strerror(errno));
		goto fail;
	}
	if (fflush(copy) != 0 || fseeko(copy, 0, SEEK_SET) != 0) {
		diag_error("cannot copy %s to a temporary file: %s", name, strerror(errno));
		goto fail;
	}
	return copy;
fail:
	fclose(copy);
	return NULL;
}

/* Opens a file, or standard input through a temporary copy. */
enum replay_status replay_open(const char *path, struct replay **out)
{
	const char *name;
	FILE *in = trace_file_open(path, &name), *copy;
	struct stat st;

	*out = NULL;
	if (in == NULL)
		return REPLAY_UNREADABLE;
	/* Stepping reads the file again: a pipe is kept on disk, never in memory. */
	if (fstat(fileno(in), &st) != 0 || !S_ISREG(st.st_mode)) {
		copy = seekable_copy(in, name);
		if (in != stdin)
			fclose(in);
		if (copy == NULL)
			return REPLAY_UNREADABLE;
		in = copy;
	}
	return replay_open_stream(in, name, out);
}

/* Opens and indexes a trace. */
enum replay_status replay_open_stream(FILE *in, const char *name, struct replay **out)
{
	struct replay *r = calloc(1, sizeof(*r));
	enum replay_status st = REPLAY_NO_MEMORY;

	*out = NULL;
	if (r == NULL)
		goto fail;
	r->file = in;
	r->reader = malloc(sizeof(*r->reader));
	if (r->reader == NULL)
		goto fail;
	trace_reader_init(r->reader, in, name);
	st = index_file(r);
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
	*out = r;
	return REPLAY_OK;
fail:
	if (st == REPLAY_NO_MEMORY)
		diag_error("out of memory reading %s", name);
	if (r != NULL)
		replay_close(r);
	else
		fclose(in);
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
	free(r->marks);
	free(r->block);
	free(r->reader);
	if (r->file != NULL && r->file != stdin)
		fclose(r->file);
	free(r);
}

/* Counts what the replay holds. */
size_t replay_bytes(const struct replay *r)
{
	size_t n = sizeof(*r) + sizeof(*r->reader) + REPLAY_MARKS * sizeof(*r->marks) +
		   (r->mark_every + 1) * sizeof(*r->block) +
		   r->ncheckpoints * sizeof(*r->checkpoints) + r->checkpoint_bytes;

	return n + (r->model != NULL ? model_bytes(r->model) : 0);
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
		r->at = r->checkpoints[c].at;
	}
	while (r->pos < pos)
		if (!feed_one(r))
			return false;
	r->clock = replay_time(r);
	r->at_end = false;
	return true;
}

/* The last position whose time is at or before at. */
size_t replay_position_at(struct replay *r, uint64_t at)
{
	size_t lo = 0, hi = r->nmarks, pos, end;

	/* The last mark whose event is due, then the first event after it that is not. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->marks[mid].at <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return r->start;
	pos = (lo - 1) * r->mark_every;
	end = pos + r->mark_every < r->nevents ? pos + r->mark_every : r->nevents;
	if (!block_load(r, pos))
		return SIZE_MAX;
	while (pos < end && r->block[pos - r->block_first].at <= at)
		pos++;
	return pos > r->start ? pos : r->start;
}

/* Seeks to a time. */
bool replay_seek_time(struct replay *r, uint64_t at)
{
	size_t pos = replay_position_at(r, at);

	if (pos == SIZE_MAX || !replay_seek(r, pos))
		return false;
	if (at > replay_time(r) && r->pos < r->nevents)
		r->clock = at;
	return true;
}

/* The time at the position. */
uint64_t replay_time(const struct replay *r)
{
	return r->at;
}

/* The recording's length. */
uint64_t replay_length(const struct replay *r)
{
	return r->length;
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
		uint64_t next = replay_event_time(r, r->pos);
		if (next != UINT64_MAX && next > r->clock + gap)
			r->clock = next - gap;
	}
	r->clock += (uint64_t)((double)dt * r->speed);
	while (r->pos < r->nevents && replay_event_time(r, r->pos) <= r->clock &&
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
