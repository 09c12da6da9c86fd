#include <stdio.h>

#include "dashboard.h"
#include "key_table.h"

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
	d->view.keys = &key_table_replay;
	/* Play on from where the command line put it; at the end there is nothing to play. */
	if (d->opts.replay->pos < d->opts.replay->nevents)
		replay_play(d->opts.replay, true);
	/* Batch mode has said so on stderr; a terminal would wipe that out. */
	if (d->opts.replay->counts.malformed > 0 && !d->opts.once && d->opts.frames == 0)
		snprintf(d->message, sizeof(d->message),
			 "%llu malformed lines skipped (the first: line %llu, %s)",
			 (unsigned long long)d->opts.replay->counts.malformed,
			 (unsigned long long)d->opts.replay->counts.first_malformed,
			 event_status_name(d->opts.replay->counts.first_status));
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
