/*
 * keys_replay.c: a replay's keys: the ones that steer playback, between the
 * shared ones; the keys that steer a live server only say so.
 */
#include <curses.h>
#include <stdio.h>

#include "dashboard.h"
#include "key_table.h"

/* How far } and { jump. */
#define JUMP_NS 10000000000ULL

/* Plays the recording, or pauses it. */
static void toggle_play(struct dashboard *d, int key)
{
	struct replay *r = d->opts.replay;

	replay_play(r, !r->playing);
}

/* n and Right go one event forward, b and Left one back. */
static void step(struct dashboard *d, int key)
{
	struct replay *r = d->opts.replay;

	if (key == 'n' || key == KEY_RIGHT) {
		if (!replay_step(r))
			snprintf(d->message, sizeof(d->message), "the end: no event after %zu", r->pos);
	} else if (!replay_step_back(r)) {
		snprintf(d->message, sizeof(d->message), "the start: no event before");
	}
}

/* ] and > double the speed, [ and < halve it. */
static void change_speed(struct dashboard *d, int key)
{
	struct replay *r = d->opts.replay;

	replay_set_speed(r, key == ']' || key == '>' ? r->speed * 2 : r->speed / 2);
	snprintf(d->message, sizeof(d->message), "speed %.4gx", r->speed);
}

/* Seeks to a time, keeping play going when it was. */
static void seek_time(struct dashboard *d, uint64_t at)
{
	if (!replay_seek_time(d->opts.replay, at))
		snprintf(d->message, sizeof(d->message), "out of memory");
}

/* } and Shift-Right jump 10 s forward, { and Shift-Left 10 s back. */
static void jump(struct dashboard *d, int key)
{
	uint64_t now = replay_time(d->opts.replay);

	if (key == '}' || key == KEY_SRIGHT)
		seek_time(d, now + JUMP_NS);
	else
		seek_time(d, now > JUMP_NS ? now - JUMP_NS : 0);
}

/* A digit jumps to its tenth of the recording: 0 the start, 9 90% in. */
static void jump_tenth(struct dashboard *d, int key)
{
	seek_time(d, replay_length(d->opts.replay) / 10 * (uint64_t)(key - '0'));
}

/* g and Home go to the start; G and End to the end, where play stops. */
static void go_to_end(struct dashboard *d, int key)
{
	struct replay *r = d->opts.replay;

	if (key == 'g' || key == KEY_HOME) {
		replay_seek(r, r->start);
		return;
	}
	replay_seek(r, r->nevents);
	r->playing = false;
}

/* Says that a key which steers a live server does nothing to a recording. */
static void cannot_steer(struct dashboard *d, int key)
{
	snprintf(d->message, sizeof(d->message),
		 "a replay cannot steer the server: '%c' works on a live one", key);
}

/* Between the shared first keys and the view's: the ones that steer playback. */
static const struct key_binding key_bindings_replay[] = {
	{ .codes = { ' ' }, .label = "space", .help = "play / pause the recording",
	  .bottom = "space play/pause", .action = toggle_play },
	{ .codes = { 'n', KEY_RIGHT, 'b', KEY_LEFT }, .label = "n, Right / b, Left",
	  .help = "one event forward / one event back", .bottom = "n/b step", .action = step },
	{ .codes = { ']', '>', '[', '<' }, .label = "] / [, > / <", .help = "double / halve the speed",
	  .bottom = "[ ] speed", .action = change_speed },
	{ .codes = { '}', KEY_SRIGHT, '{', KEY_SLEFT }, .label = "} / {, Shift-Right / Left",
	  .help = "jump 10 s forward / back", .bottom = "{ } 10s", .action = jump },
	{ .codes = { '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' }, .label = "0 .. 9",
	  .help = "jump to 0%, 10%, ... 90% of the recording", .action = jump_tenth },
	{ .codes = { 'g', KEY_HOME, 'G', KEY_END }, .label = "g, Home / G, End",
	  .help = "go to the start / the end", .bottom = "g/G start/end", .action = go_to_end },
	{ .codes = { 'm', 's', 'f', 'd', 'r' }, .label = "m, s, f, d, r",
	  .help = "steer a live server: here they only say so", .action = cannot_steer },
	{ .label = NULL },
};

const struct key_table key_table_replay = {
	.title = "mcscope replay keys",
	.lists = { key_bindings_first, key_bindings_replay, key_bindings_view },
};
