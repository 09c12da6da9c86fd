#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "diag.h"
#include "event.h"

/* Prints the usage text. */
static void usage(FILE *out)
{
	fprintf(out,
		"Usage: mcscope events [--socket PATH | -p PORT] [--filter SPEC]\n"
		"Prints mcscoped's live event stream as it comes, one line per event\n"
		"(src/PROTOCOL.md): the hello line, the snapshot, then each event, until the\n"
		"server goes away (exit status 0, with a note on stderr) or Ctrl-C (0).\n"
		"\n"
		CLI_TARGET_HELP
		"  -f, --filter SPEC  have the server send only some events, e.g.\n"
		"                     \"ev=dispatch,cq_push thr=w2\" (event names, main or wK;\n"
		"                     either part may be left out). Lines that come before the\n"
		"                     server confirms it (hello, snapshot) are printed too.\n"
		"  -h, --help         print this help and exit\n"
		"\n"
		"Exit status: 0 at the end of the stream or on Ctrl-C, 1 when the server\n"
		"refuses the filter or output fails, 64 for a bad command line, 69 when\n"
		"nothing answers on the socket.\n");
}

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

/* Runs mcscope events. */
int cmd_events(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_TARGET_LONGOPTS,
		{ "filter", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct client c; /* static: it holds a 64 KiB buffer */
	static char outbuf[64 * 1024];
	struct cli_target target;
	const char *filter = NULL;
	char cmd[CLIENT_CMD_MAX + 1];
	sigset_t wait_mask;
	bool first = true;
	int opt, rc;

	cli_target_init(&target);
	while ((opt = getopt_long(argc, argv, "p:f:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'S':
		case 'p':
			if (!cli_target_option(&target, opt, optarg))
				return cli_usage_error();
			break;
		case 'f':
			filter = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return cli_usage_error();
		}
	}
	if (cli_no_arguments(argc, argv, optind) != 0)
		return CLI_EXIT_USAGE;
	if (filter != NULL && !filter_command(filter, cmd, sizeof(cmd)))
		return cli_usage_error();

	cli_stop_signals(&wait_mask);
	client_init(&c);
	rc = cli_connect(&target, &c);
	if (rc != 0)
		return rc;
	client_set_wait_mask(&c, &wait_mask);
	/* Full buffering, flushed whenever the stream pauses: live, yet one write per burst. */
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

	if (filter != NULL) {
		const char *answer;
		size_t len;

		rc = client_command(&c, cmd, &answer, &len, print_line, NULL);
		if (rc < 0) {
			rc = errno == EINTR && cli_stop_signal() != 0 ? 0 : 1;
			goto cleanup;
		}
		if (rc > 0) {
			diag_error("the server refused the filter: %.*s", (int)len, answer);
			goto cleanup;
		}
		first = false;
	}

	for (;;) {
		const char *line;
		size_t len;

		if (!client_line_ready(&c) && fflush(stdout) != 0) {
			rc = output_failed();
			goto cleanup;
		}
		rc = client_read_line(&c, &line, &len);
		if (rc < 0) {
			if (errno == EINTR && cli_stop_signal() != 0) {
				rc = 0;
			} else {
				diag_error("reading from %s: %s", c.path, strerror(errno));
				rc = 1;
			}
			goto cleanup;
		}
		if (rc == 0) {
			diag_error("the server closed the stream (it stopped, or let this client go)");
			goto cleanup;
		}
		if (first && len >= 5 && memcmp(line, "error", 5) == 0) {
			/* The server turns a client away with one error line, e.g. another uid's. */
			diag_error("%s: %.*s", c.path, (int)len, line);
			rc = CLI_EXIT_UNAVAILABLE;
			goto cleanup;
		}
		first = false;
		print_line(NULL, line, len);
		if (ferror(stdout)) {
			rc = output_failed();
			goto cleanup;
		}
	}
cleanup:
	if (fflush(stdout) != 0 && rc == 0 && errno != EPIPE)
		rc = output_failed();
	client_close(&c);
	return rc;
}
