/* mcscope events: the live stream on standard output. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "diag.h"
#include "event.h"
#include "stop.h"

enum { EVENTS_FILTER };

/* What events_check leaves for events_exec. */
struct events_state {
	char filter[CLIENT_CMD_MAX + 1]; /* "filter <spec>" */
};

static const struct cli_option events_options[] = {
	[EVENTS_FILTER] = { "filter", 'f', "SPEC",
			    "have the server send only some events, e.g. \"ev=dispatch,cq_push thr=w2\" "
			    "(event names, main or wK; either part may be left out). Lines that come "
			    "before the server confirms it (hello, snapshot) are printed too." },
	{ NULL },
};

/* Checks one comma-separated list of a filter part; false with a message naming what is wrong. */
static bool filter_list_ok(const char *part, const char *list, size_t n)
{
	size_t i = 0;

	if (n == 0) {
		diag_error("--filter: '%s=' names nothing", part);
		return false;
	}
	while (i <= n) {
		const char *item = list + i;
		const char *comma = memchr(item, ',', n - i);
		size_t len = comma != NULL ? (size_t)(comma - item) : n - i;
		int thr;
		bool ok = part[0] == 'e' ? wire_event_from_name(item, len) >= 0
					 : event_thr_parse(item, len, &thr) && thr != EVENT_THR_NONE;

		if (!ok) {
			diag_error("--filter: %s '%.*s' %s", part[0] == 'e' ? "event" : "thread",
				   (int)len, item,
				   part[0] == 'e' ? "is not an event name (see src/PROTOCOL.md)"
						  : "is not main or wK");
			return false;
		}
		i += len + 1;
	}
	return true;
}

/*
 * Checks a filter spec and writes "filter <spec>" to cmd: "off", or ev=
 * and thr= parts. The server checks it too; this catches a typo before
 * connecting, with a clearer message. False with a message when bad.
 */
static bool filter_command(const char *spec, char *cmd, size_t cap)
{
	const char *p = spec;
	size_t at;
	bool ev = false, thr = false, off = false, any = false;

	at = (size_t)snprintf(cmd, cap, "filter");
	while (*p != '\0') {
		const char *word;
		size_t n;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		word = p;
		while (*p != '\0' && *p != ' ')
			p++;
		n = (size_t)(p - word);
		if (n == 3 && memcmp(word, "off", 3) == 0) {
			off = true;
		} else if (n >= 3 && memcmp(word, "ev=", 3) == 0 && !ev) {
			if (!filter_list_ok("ev", word + 3, n - 3))
				return false;
			ev = true;
		} else if (n >= 4 && memcmp(word, "thr=", 4) == 0 && !thr) {
			if (!filter_list_ok("thr", word + 4, n - 4))
				return false;
			thr = true;
		} else {
			diag_error("--filter: '%.*s' is not ev=..., thr=... or off (each at most once)",
				   (int)n, word);
			return false;
		}
		any = true;
		if (at + 1 + n >= cap) {
			diag_error("--filter: too long");
			return false;
		}
		cmd[at++] = ' ';
		memcpy(cmd + at, word, n);
		at += n;
		cmd[at] = '\0';
	}
	if (!any || (off && (ev || thr))) {
		diag_error("--filter: give ev=..., thr=..., both, or off alone");
		return false;
	}
	return true;
}

/* Reports a failed write to stdout; a reader that went away (EPIPE) ends the command quietly. */
static int output_failed(void)
{
	if (errno == EPIPE)
		return 0;
	diag_error("writing to standard output: %s", strerror(errno));
	return 1;
}

/* Prints one stream line. */
static void print_line(void *arg, const char *line, size_t len)
{
	fwrite(line, 1, len, stdout);
	putchar('\n');
}

/* Checks --filter into the filter command before anything is connected. */
static int events_check(struct cmd_ctx *ctx)
{
	struct events_state *st = ctx->state;

	if (ctx->values[EVENTS_FILTER] != NULL &&
	    !filter_command(ctx->values[EVENTS_FILTER], st->filter, sizeof(st->filter)))
		return cli_usage_error();
	return 0;
}

/* Prints the stream until it ends or a stop comes. */
static int events_exec(struct cmd_ctx *ctx)
{
	static char outbuf[64 * 1024];
	struct client *c = ctx->client;
	const struct events_state *st = ctx->state;
	int rc = 0;

	/* Full buffering, flushed whenever the stream pauses: live, yet one write per burst. */
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	print_line(NULL, ctx->greeting, ctx->greeting_len);

	if (ctx->values[EVENTS_FILTER] != NULL) {
		const char *answer;
		size_t len;

		rc = client_command(c, st->filter, &answer, &len, print_line, NULL);
		if (rc < 0) {
			rc = errno == EINTR && stop_signal() != 0 ? 0 : 1;
			goto cleanup;
		}
		if (rc > 0) {
			diag_error("the server refused the filter: %.*s", (int)len, answer);
			goto cleanup;
		}
	}

	for (;;) {
		const char *line;
		size_t len;

		if (!client_line_ready(c) && fflush(stdout) != 0) {
			rc = output_failed();
			goto cleanup;
		}
		rc = client_read_line(c, &line, &len);
		if (rc <= 0) {
			rc = cmd_stream_ended(c, rc);
			goto cleanup;
		}
		print_line(NULL, line, len);
		if (ferror(stdout)) {
			rc = output_failed();
			goto cleanup;
		}
	}
cleanup:
	if (fflush(stdout) != 0 && rc == 0 && errno != EPIPE)
		rc = output_failed();
	return rc;
}

const struct cmd_entry cmd_events_entry = {
	.name = "events",
	.summary = "print the live event stream",
	.usage = "[--socket PATH | -p PORT] [--filter SPEC]",
	.text = "Prints mcscoped's live event stream as it comes, one line per event "
		"(src/PROTOCOL.md): the hello line, the snapshot, then each event, until the server "
		"goes away (exit status 0, with a note on stderr) or Ctrl-C (0).",
	.options = events_options,
	.exit_status = "Exit status: 0 at the end of the stream or on Ctrl-C, 1 when the server "
		       "refuses the filter or output fails, 64 for a bad command line, 69 when "
		       "nothing answers on the socket.",
	.flags = CMD_CONNECT,
	.state_size = sizeof(struct events_state),
	.check = events_check,
	.exec = events_exec,
};
