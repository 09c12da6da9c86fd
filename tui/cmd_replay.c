#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "dashboard.h"
#include "diag.h"
#include "replay.h"

/* Prints the usage text. */
static void usage(FILE *out)
{
	fprintf(out,
		"Usage: mcscope replay [--once | --frames N] [--size COLSxROWS] [-d TENTHS]\n"
		"                      [--speed X] [--at SECONDS | --event N|end] [--no-mouse] FILE\n"
		"The dashboard over a trace saved by 'mcscope record' (or the dashboard's r):\n"
		"the same screen, played by the recorded clock, with pause, single steps\n"
		"forward and back, speed and seeking. It starts playing from the first whole\n"
		"picture (after the snapshot); a wait of more than a second between events\n"
		"is cut to a second. '?' lists the keys. FILE '-' reads standard input.\n"
		"\n"
		"      --speed X      play X times as fast (%g-%g, default 1)\n"
		"      --at SECONDS   start this far into the recording (decimals allowed)\n"
		"      --event N      start after N events ('end': after the last)\n"
		DASHBOARD_OPTS_HELP
		"  -h, --help         print this help and exit\n"
		"In batch mode (--once, --frames) the frames are printed at once, each -d\n"
		"times --speed further into the recording.\n"
		"\n"
		"Exit status: 0 on q, Ctrl-C or the last frame; 1 out of memory; 64 bad command\n"
		"line; 65 FILE is not a trace; 66 FILE cannot be read.\n",
		REPLAY_SPEED_MIN, REPLAY_SPEED_MAX);
}

/* Runs mcscope replay. */
int cmd_replay(int argc, char **argv)
{
	enum { OPT_SPEED = 400, OPT_AT, OPT_EVENT };
	static const struct option longopts[] = {
		DASHBOARD_LONGOPTS,
		{ "speed", required_argument, NULL, OPT_SPEED },
		{ "at", required_argument, NULL, OPT_AT },
		{ "event", required_argument, NULL, OPT_EVENT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dashboard_opts opts;
	struct replay *r;
	const char *event_arg = NULL;
	double speed = 1, at = -1;
	uint64_t event = 0;
	int opt, rc;

	dashboard_opts_init(&opts);
	while ((opt = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_SPEED:
			if (!cli_parse_double("--speed", optarg, REPLAY_SPEED_MIN, REPLAY_SPEED_MAX, &speed))
				return cli_usage_error();
			break;
		case OPT_AT:
			if (!cli_parse_double("--at", optarg, 0, 1e9, &at))
				return cli_usage_error();
			break;
		case OPT_EVENT:
			if (strcmp(optarg, "end") != 0 &&
			    !cli_parse_uint("--event", optarg, 0, UINT64_MAX, &event))
				return cli_usage_error();
			event_arg = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			if (dashboard_option(&opts, opt, optarg) != 1)
				return cli_usage_error();
			break;
		}
	}
	if (at >= 0 && event_arg != NULL) {
		diag_error("--at and --event both say where to start: give one");
		return cli_usage_error();
	}
	if (optind == argc || argc - optind > 1) {
		diag_error(optind == argc ? "no trace file given" : "too many arguments: one FILE");
		return cli_usage_error();
	}
	if (!dashboard_can_run(&opts))
		return cli_usage_error();

	switch (replay_open(argv[optind], &r)) {
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
	if (event_arg != NULL && strcmp(event_arg, "end") != 0 && event > r->nevents) {
		diag_error("--event: %s is past the end (%s has %zu events; 'end' is the last)",
			   event_arg, argv[optind], r->nevents);
		replay_close(r);
		return cli_usage_error();
	}
	if (r->malformed > 0)
		diag_error("%s: %llu malformed lines skipped (the first: line %llu)", argv[optind],
			   (unsigned long long)r->malformed, (unsigned long long)r->first_malformed);
	replay_set_speed(r, speed);
	if (!(at >= 0 ? replay_seek_time(r, (uint64_t)(at * 1e9))
		      : event_arg == NULL || replay_seek(r, strcmp(event_arg, "end") == 0 ? r->nevents
											 : (size_t)event))) {
		diag_error("out of memory");
		replay_close(r);
		return 1;
	}
	opts.replay = r;
	rc = dashboard_run(&opts);
	replay_close(r);
	return rc;
}
