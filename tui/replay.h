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
 * them, so the model counts the malformed ones as it does live.
 */
#ifndef MCSCOPE_TUI_REPLAY_H
#define MCSCOPE_TUI_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

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

/* One event of the file. */
struct replay_event {
	size_t from;       /* where the lines this step feeds begin in data */
	uint64_t at;       /* recorded time since the first event, ns, never decreasing */
};

struct replay {
	char *data;                /* the whole file */
	size_t len;
	struct replay_event *events; /* nevents + 1: the last entry's from is len */
	size_t nevents;
	size_t start;              /* the first whole picture: the position after the snapshot */
	uint64_t lines;            /* in the file */
	uint64_t malformed;        /* lines in the file that do not parse */
	uint64_t first_malformed;  /* the line number of the first, 0 when none */

	struct model *model;       /* the picture at pos */
	size_t pos;                /* events applied */

	/* Playback. */
	bool playing;
	bool at_end;               /* play ran into the end (cleared by any move) */
	double speed;
	uint64_t clock;            /* where play has got to, recorded ns like at */
	uint64_t wall;             /* the wall ns replay_tick last saw, 0 before the first */

	/* private: the model's recorded-time ticks, and the checkpoints that make a step back cheap */
	uint64_t next_tick;
	struct replay_checkpoint *checkpoints; /* [i] is the picture at i * checkpoint_every */
	size_t ncheckpoints;
	size_t checkpoint_every;
};

/*
 * Reads and indexes the file ("-" is standard input) and puts the model at
 * the start. Returns REPLAY_OK, or another status with a message that names
 * the file. On success *out must be given to replay_close.
 */
enum replay_status replay_open(const char *path, struct replay **out);

/* Frees everything. */
void replay_close(struct replay *r);

/* Puts the model at position pos (clamped to 0..nevents); false when out of memory. */
bool replay_seek(struct replay *r, size_t pos);

/* Puts the model at the last event at or before at ns into the recording (never before the start). */
bool replay_seek_time(struct replay *r, uint64_t at);

/* The position of the last event at or before at ns into the recording, never before the start. */
size_t replay_position_at(const struct replay *r, uint64_t at);

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
