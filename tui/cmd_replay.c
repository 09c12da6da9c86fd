/* mcscope replay: the dashboard over a recorded trace. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "dashboard.h"
#include "diag.h"
#include "replay.h"

enum { REPLAY_SPEED, REPLAY_AT, REPLAY_EVENT };

static const struct cli_option replay_options[] = {
	[REPLAY_SPEED] = { "speed", 0, "X", "play X times as fast (%{speed_min}-%{speed_max}, default 1)" },
	[REPLAY_AT] = { "at", 0, "SECONDS", "start this far into the recording (decimals allowed)" },
	[REPLAY_EVENT] = { "event", 0, "N", "start after N events ('end': after the last)" },
	{ NULL },
};

static const struct cmd_value replay_values[] = {
	{ "speed_min", REPLAY_SPEED_MIN, NULL },
	{ "speed_max", REPLAY_SPEED_MAX, NULL },
	{ NULL },
};

/* What replay_check leaves for replay_exec. */
struct replay_state {
	double speed;
	double at;          /* -1: not given */
	const char *event;  /* --event as given, or NULL */
	uint64_t event_n;   /* its number, unless "end" */
};

/* Checks where to start and how fast, before the file is read. */
static int replay_check(struct cmd_ctx *ctx)
{
	struct replay_state *st = ctx->state;
	const char *arg;

	st->speed = 1;
	st->at = -1;
	if ((arg = ctx->values[REPLAY_SPEED]) != NULL &&
	    !cli_parse_double("--speed", arg, REPLAY_SPEED_MIN, REPLAY_SPEED_MAX, &st->speed))
		return cli_usage_error();
	if ((arg = ctx->values[REPLAY_AT]) != NULL && !cli_parse_double("--at", arg, 0, 1e9, &st->at))
		return cli_usage_error();
	if ((arg = ctx->values[REPLAY_EVENT]) != NULL) {
		if (strcmp(arg, "end") != 0 && !cli_parse_uint("--event", arg, 0, UINT64_MAX, &st->event_n))
			return cli_usage_error();
		st->event = arg;
	}
	if (st->at >= 0 && st->event != NULL) {
		diag_error("--at and --event both say where to start: give one");
		return cli_usage_error();
	}
	return 0;
}

/* Reads the trace and shows it on the dashboard. */
static int replay_exec(struct cmd_ctx *ctx)
{
	const struct replay_state *st = ctx->state;
	const char *file = ctx->argv[0];
	bool to_end = st->event != NULL && strcmp(st->event, "end") == 0;
	struct replay *r;
	int rc;

	switch (replay_open(file, &r)) {
	case REPLAY_OK:
		break;
	case REPLAY_NOT_TRACE:
		return CLI_EXIT_DATAERR;
	case REPLAY_UNREADABLE:
		return CLI_EXIT_NOINPUT;
	case REPLAY_NO_MEMORY:
	default:
		return 1;
	}
	if (st->event != NULL && !to_end && st->event_n > r->nevents) {
		diag_error("--event: %s is past the end (%s has %zu events; 'end' is the last)",
			   st->event, file, r->nevents);
		replay_close(r);
		return cli_usage_error();
	}
	trace_counts_report(&r->counts, r->reader->name);
	replay_set_speed(r, st->speed);
	if (!(st->at >= 0 ? replay_seek_time(r, (uint64_t)(st->at * 1e9))
			  : st->event == NULL || replay_seek(r, to_end ? r->nevents : (size_t)st->event_n))) {
		diag_error("cannot move to the start asked for in %s", file);
		replay_close(r);
		return 1;
	}
	ctx->screen.replay = r;
	rc = dashboard_run(&ctx->screen);
	replay_close(r);
	return rc;
}

const struct cmd_entry cmd_replay_entry = {
	.name = "replay",
	.summary = "the dashboard over a saved trace: play, step, seek",
	.usage = "[--once | --frames N] [--size COLSxROWS] [-d TENTHS] [--speed X] "
		 "[--at SECONDS | --event N|end] [--no-mouse] FILE",
	.text = "The dashboard over a trace saved by 'mcscope record' (or the dashboard's r): the "
		"same screen, played by the recorded clock, with pause, single steps forward and back, "
		"speed and seeking. It starts playing from the first whole picture (after the "
		"snapshot); a wait of more than a second between events is cut to a second. '?' lists "
		"the keys. FILE '-' reads standard input (through a temporary copy: the file is read "
		"again to move, never kept in memory). Malformed lines are skipped and counted, as "
		"export counts them.",
	.options = replay_options,
	.notes = "In batch mode (--once, --frames) the frames are printed at once, each -d times "
		 "--speed further into the recording.",
	.exit_status = "Exit status: 0 on q, Ctrl-C or the last frame; 1 out of memory, or FILE "
		       "changed while it was replayed; 64 bad command line; 65 FILE is not a trace; 66 "
		       "FILE cannot be read.",
	.values = replay_values,
	.flags = CMD_SCREEN | CMD_STOP,
	.args_min = 1,
	.args_max = 1,
	.args_missing = "no trace file given",
	.state_size = sizeof(struct replay_state),
	.check = replay_check,
	.exec = replay_exec,
};
