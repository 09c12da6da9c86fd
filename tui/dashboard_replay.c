#include <curses.h>
#include <stdio.h>

#include "dashboard.h"

/* How far } and { jump. */
#define JUMP_NS 10000000000ULL

/* Copies where the replay stands into the header's view of it. */
static void update_view(struct dashboard *d)
{
	const struct replay *r = d->opts.replay;

	d->replay_view = (struct panel_replay){
		.event = r->pos,
		.events = r->nevents,
		.at_ns = replay_time(r),
		.length_ns = replay_length(r),
		.speed = r->speed,
		.playing = r->playing,
	};
}

/* Shows the recording from its start. */
void dashboard_replay_start(struct dashboard *d)
{
	d->synced = true;
	d->view.replay = &d->replay_view;
	/* Play on from where the command line put it; at the end there is nothing to play. */
	if (d->opts.replay->pos < d->opts.replay->nevents)
		replay_play(d->opts.replay, true);
	/* Batch mode has said so on stderr; a terminal would wipe that out. */
	if (d->opts.replay->malformed > 0 && !d->opts.once && d->opts.frames == 0)
		snprintf(d->message, sizeof(d->message),
			 "%llu malformed lines skipped (the first: line %llu)",
			 (unsigned long long)d->opts.replay->malformed,
			 (unsigned long long)d->opts.replay->first_malformed);
	update_view(d);
}

/* Plays on. */
void dashboard_replay_tick(struct dashboard *d, uint64_t now_ms)
{
	struct replay *r = d->opts.replay;

	replay_tick(r, now_ms * 1000000ULL);
	if (r->at_end) {
		r->at_end = false;
		snprintf(d->message, sizeof(d->message),
			 "end of the recording: space plays it again, b steps back");
	}
	update_view(d);
}

/* Seeks to a time, keeping play going when it was. */
static void seek_time(struct dashboard *d, uint64_t at)
{
	if (!replay_seek_time(d->opts.replay, at))
		snprintf(d->message, sizeof(d->message), "out of memory");
}

/* Handles a playback key. */
bool dashboard_replay_key(struct dashboard *d, int key)
{
	struct replay *r = d->opts.replay;
	uint64_t now = replay_time(r);

	switch (key) {
	case ' ':
		replay_play(r, !r->playing);
		break;
	case 'n':
	case KEY_RIGHT:
		if (!replay_step(r))
			snprintf(d->message, sizeof(d->message), "the end: no event after %zu", r->pos);
		break;
	case 'b':
	case KEY_LEFT:
		if (!replay_step_back(r))
			snprintf(d->message, sizeof(d->message), "the beginning: no event before");
		break;
	case ']':
	case '>':
		replay_set_speed(r, r->speed * 2);
		snprintf(d->message, sizeof(d->message), "speed %.4gx", r->speed);
		break;
	case '[':
	case '<':
		replay_set_speed(r, r->speed / 2);
		snprintf(d->message, sizeof(d->message), "speed %.4gx", r->speed);
		break;
	case '}':
	case KEY_SRIGHT:
		seek_time(d, now + JUMP_NS);
		break;
	case '{':
	case KEY_SLEFT:
		seek_time(d, now > JUMP_NS ? now - JUMP_NS : 0);
		break;
	case 'g':
	case KEY_HOME:
		replay_seek(r, r->start);
		break;
	case 'G':
	case KEY_END:
		replay_seek(r, r->nevents);
		r->playing = false;
		break;
	case 'f':
	case 'd':
	case 'r':
		snprintf(d->message, sizeof(d->message),
			 "a replay cannot steer the server: '%c' works on a live one", key);
		break;
	default:
		if (key >= '0' && key <= '9') {
			seek_time(d, replay_length(r) / 10 * (uint64_t)(key - '0'));
			break;
		}
		return false;
	}
	update_view(d);
	return true;
}
