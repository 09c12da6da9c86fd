/*
 * replay.h: a recorded trace (what 'mcscope record' writes) played back
 * into a struct model: stepping one event forward or back, seeking to an
 * event or a time, and playing at a speed by the recorded ts= clock.
 *
 * No curses here: the dashboard draws the model as it draws a live one,
 * and tests drive a replay with plain files.
 *
 * The position is the number of events applied. An event is a line the
 * model counts (a known ev=); the other lines (malformed ones, answers,
 * events this build does not know) are fed along with the event before
 * them, so the model counts the malformed ones as it does live. Lines are
 * read by trace_reader, as export reads them.
 *
 * The file is not kept in memory: an index of file offsets every few
 * events and a bounded set of model checkpoints let any position be
 * rebuilt by reading a stretch of the file again.
 */
#ifndef MCSCOPE_TUI_REPLAY_H
#define MCSCOPE_TUI_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"
#include "trace_reader.h"

/* Speeds the keys and --speed allow. */
#define REPLAY_SPEED_MIN (1.0 / 64)
#define REPLAY_SPEED_MAX 1024.0

/* The longest a viewer waits, in wall time, for the next event while playing: idle gaps shrink to it. */
#define REPLAY_GAP_MAX_NS 1000000000ULL

/* The model is ticked (CQ history sample, ageing, events/s) every this much recorded time. */
#define REPLAY_TICK_NS 100000000ULL

/* What replay_open found. */
enum replay_status {
	REPLAY_OK = 0,
	REPLAY_UNREADABLE = -1, /* cannot be opened or read */
	REPLAY_NOT_TRACE = -2,  /* empty, binary, or no hello line first */
	REPLAY_NO_MEMORY = -3,
};

struct replay {
	size_t nevents;
	size_t start;              /* the first whole picture: the position after the snapshot */
	struct trace_counts counts; /* the file's lines, and its malformed ones (trace_reader's count) */

	struct model *model;       /* the picture at pos */
	size_t pos;                /* events applied */

	/* Playback. */
	bool playing;
	bool at_end;               /* play ran into the end (cleared by any move) */
	double speed;
	uint64_t clock;            /* where play has got to, recorded ns like at */
	uint64_t wall;             /* the wall ns replay_tick last saw, 0 before the first */

	/*
	 * private: the file is read again to move, so memory is bounded by
	 * these, not by the file: a mark every mark_every events (at most
	 * REPLAY_MARKS of them), the block of events around pos, and the
	 * model checkpoints (at most REPLAY_CHECKPOINTS, REPLAY_CHECKPOINT_BYTES).
	 */
	FILE *file;
	struct trace_reader *reader;
	uint64_t at;               /* recorded time of the last event applied, 0 at position 0 */
	uint64_t length;           /* the last event's */
	uint64_t end_offset;       /* the file's length as indexed */
	struct replay_mark *marks;
	size_t nmarks, mark_every;
	struct replay_event *block; /* the events from block_first on, and the one after (mark_every + 1) */
	size_t block_first, block_len; /* block_len 0: none loaded */
	uint64_t next_tick;
	struct replay_checkpoint *checkpoints; /* [i] is the picture at i * checkpoint_every */
	size_t ncheckpoints;
	size_t checkpoint_every;
	size_t checkpoint_bytes;   /* what the taken ones hold */
};

/*
 * Reads and indexes the file ("-" is standard input, copied to a
 * temporary file) and puts the model at the start. Returns REPLAY_OK, or
 * another status with a message that names the file. On success *out must
 * be given to replay_close.
 */
enum replay_status replay_open(const char *path, struct replay **out);

/*
 * The same over an open, seekable stream (fmemopen will do), named name in
 * messages (it must outlive the replay). The replay owns in from then on,
 * and closes it in replay_close (or here, on failure).
 */
enum replay_status replay_open_stream(FILE *in, const char *name, struct replay **out);

/* The bytes the replay holds (its index, block, model and checkpoints): bounded, whatever the file. */
size_t replay_bytes(const struct replay *r);

/* Frees everything. */
void replay_close(struct replay *r);

/* Puts the model at position pos (clamped to 0..nevents); false when out of memory. */
bool replay_seek(struct replay *r, size_t pos);

/* Puts the model at the last event at or before at ns into the recording (never before the start). */
bool replay_seek_time(struct replay *r, uint64_t at);

/* The position of the last event at or before at ns into the recording, never before the start
 * (reads the file: SIZE_MAX when it cannot be read). */
size_t replay_position_at(struct replay *r, uint64_t at);

/* Recorded ns since the first event of event i (0-based; i < nevents); UINT64_MAX when unreadable. */
uint64_t replay_event_time(struct replay *r, size_t i);

/* Recorded ns since the first event at the position (0 at position 0). */
uint64_t replay_time(const struct replay *r);

/* The recording's length in ns (the last event's time). */
uint64_t replay_length(const struct replay *r);

/* One event forward (stops playing); false at the end. */
bool replay_step(struct replay *r);

/* One event back (stops playing); false at position 0. */
bool replay_step_back(struct replay *r);

/* Starts or stops playing; playing from the end starts over. */
void replay_play(struct replay *r, bool on);

/* Sets the speed, clamped to REPLAY_SPEED_MIN..REPLAY_SPEED_MAX. */
void replay_set_speed(struct replay *r, double speed);

/* While playing: applies every event due by wall time now_ns (any monotonic clock). */
void replay_tick(struct replay *r, uint64_t now_ns);

#endif
