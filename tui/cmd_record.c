/* mcscope record: the stream saved to a file as it comes. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "diag.h"
#include "stop.h"

/* The longest --duration: a day more than any class. */
#define RECORD_MAX_DURATION_S (31.0 * 24 * 3600)

enum { RECORD_OUTPUT, RECORD_DURATION };

static const struct cli_option record_options[] = {
	[RECORD_OUTPUT] = { "output", 'o', "FILE",
			    "where to save it; '-' is standard output "
			    "(default: mcscope-YYYYMMDD-HHMMSS.trace, never overwritten)" },
	[RECORD_DURATION] = { "duration", 'd', "S", "stop after S seconds (decimals allowed)" },
	{ NULL },
};

/* What record_check leaves for record_exec. */
struct record_state {
	double duration; /* 0: until stopped */
};

/* Writes all n bytes to fd; false on failure. */
static bool write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Counts the newlines in n bytes. */
static uint64_t count_lines(const char *p, size_t n)
{
	uint64_t lines = 0;
	const char *end = p + n;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		lines++;
		p++;
	}
	return lines;
}

/* Opens the output: stdout for "-", name (truncated) when given, else a new dated file. */
static int open_output(const char *name, char *made, size_t cap)
{
	int fd;

	if (name != NULL && strcmp(name, "-") == 0) {
		snprintf(made, cap, "standard output");
		return STDOUT_FILENO;
	}
	if (name != NULL) {
		snprintf(made, cap, "%s", name);
		fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	} else {
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		strftime(made, cap, "mcscope-%Y%m%d-%H%M%S.trace", &tm);
		/* O_EXCL: a default name must never replace an earlier recording. */
		fd = open(made, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	}
	if (fd < 0)
		diag_error("cannot create %s: %s", made, strerror(errno));
	return fd;
}

/* Seconds since start. */
static double elapsed(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Prints the one-line summary. */
static void summary(uint64_t lines, uint64_t bytes, const struct timespec *start, const char *to)
{
	fprintf(stderr, "%s: %" PRIu64 " lines, %" PRIu64 " bytes in %.1f s to %s\n", diag_prog(),
		lines, bytes, elapsed(start), to);
}

/* Checks the output name and the duration before anything is connected. */
static int record_check(struct cmd_ctx *ctx)
{
	struct record_state *st = ctx->state;
	const char *arg;
	char *end;

	if ((arg = ctx->values[RECORD_OUTPUT]) != NULL && arg[0] == '\0') {
		diag_error("-o: empty file name");
		return cli_usage_error();
	}
	if ((arg = ctx->values[RECORD_DURATION]) != NULL) {
		errno = 0;
		st->duration = strtod(arg, &end);
		if (errno != 0 || end == arg || *end != '\0' || !isfinite(st->duration) ||
		    st->duration <= 0 || st->duration > RECORD_MAX_DURATION_S) {
			diag_error("--duration: invalid value '%s' (allowed: seconds, more than 0, "
				   "at most %.0f)", arg, RECORD_MAX_DURATION_S);
			return cli_usage_error();
		}
	}
	return 0;
}

/* Saves the stream until a stop, the duration or the server's end. */
static int record_exec(struct cmd_ctx *ctx)
{
	const struct record_state *st = ctx->state;
	struct client *c = ctx->client;
	char made[4096];
	struct timespec start;
	uint64_t lines = 0, bytes = 0;
	size_t len;
	int rc = 0, fd;

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (st->duration > 0)
		stop_alarm(st->duration);
	fd = open_output(ctx->values[RECORD_OUTPUT], made, sizeof(made));
	if (fd < 0) {
		rc = CLI_EXIT_CANTCREAT;
		goto cleanup;
	}
	/* The first line, which the connection checked is not a refusal. */
	if (!write_all(fd, ctx->greeting, ctx->greeting_len) || !write_all(fd, "\n", 1))
		goto write_failed;
	lines = 1;
	bytes = ctx->greeting_len + 1;

	for (;;) {
		const char *data;

		rc = client_read_block(c, &data, &len);
		if (rc <= 0) {
			rc = cmd_stream_ended(c, rc);
			break;
		}
		if (!write_all(fd, data, len))
			goto write_failed;
		lines += count_lines(data, len);
		bytes += len;
	}
	/* A file is worth a sync at the end; a pipe or terminal cannot and need not. */
	if (fd != STDOUT_FILENO && fdatasync(fd) != 0 && errno != EINVAL) {
		diag_error("writing %s: %s", made, strerror(errno));
		rc = 1;
	}
	summary(lines, bytes, &start, made);
	goto cleanup;

write_failed:
	if (errno == EPIPE) {
		rc = 0; /* whoever read standard output is gone */
	} else {
		diag_error("writing %s: %s", made, strerror(errno));
		rc = 1;
	}
	summary(lines, bytes, &start, made);
cleanup:
	stop_alarm(0);
	if (fd >= 0 && fd != STDOUT_FILENO)
		close(fd);
	return rc;
}

const struct cmd_entry cmd_record_entry = {
	.name = "record",
	.summary = "save the event stream to a file",
	.usage = "[--socket PATH | -p PORT] [-o FILE] [--duration S]",
	.text = "Saves mcscoped's event stream, hello and snapshot included, as it comes, until "
		"Ctrl-C, SIGTERM, the duration, or the server going away. Each block of lines is "
		"written as soon as it arrives, so a crash loses little. At the end a summary (lines, "
		"bytes, seconds) goes to stderr. Convert the file with "
		"'mcscope export --perfetto FILE'.",
	.options = record_options,
	.exit_status = "Exit status: 0 when stopped as above, 1 when reading or writing fails, 64 "
		       "for a bad command line, 69 when nothing answers on the socket, 73 when the "
		       "file cannot be made.",
	.flags = CMD_CONNECT,
	.state_size = sizeof(struct record_state),
	.check = record_check,
	.exec = record_exec,
};
