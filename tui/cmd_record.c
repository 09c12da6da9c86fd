#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "diag.h"

/* The longest --duration: a day more than any class. */
#define RECORD_MAX_DURATION_S (31.0 * 24 * 3600)

/* Prints the usage text. */
static void usage(FILE *out)
{
	fprintf(out,
		"Usage: mcscope record [--socket PATH | -p PORT] [-o FILE] [--duration S]\n"
		"Saves mcscoped's event stream, hello and snapshot included, as it comes,\n"
		"until Ctrl-C, SIGTERM, the duration, or the server going away. Each block\n"
		"of lines is written as soon as it arrives, so a crash loses little. At the\n"
		"end a summary (lines, bytes, seconds) goes to stderr. Convert the file with\n"
		"'mcscope export --perfetto FILE'.\n"
		"\n"
		CLI_TARGET_HELP
		"  -o, --output FILE  where to save it; '-' is standard output\n"
		"                     (default: mcscope-YYYYMMDD-HHMMSS.trace, never overwritten)\n"
		"  -d, --duration S   stop after S seconds (decimals allowed)\n"
		"  -h, --help         print this help and exit\n"
		"\n"
		"Exit status: 0 when stopped as above, 1 when reading or writing fails, 64 for\n"
		"a bad command line, 69 when nothing answers on the socket, 73 when the file\n"
		"cannot be made.\n");
}

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

/* Runs mcscope record. */
int cmd_record(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_TARGET_LONGOPTS,
		{ "output", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct client c; /* static: it holds a 64 KiB buffer */
	struct cli_target target;
	const char *output = NULL;
	double duration = 0;
	char made[4096];
	sigset_t wait_mask;
	struct timespec start;
	uint64_t lines = 0, bytes = 0;
	const char *line;
	size_t len;
	int opt, rc, fd = -1;
	char *end;

	cli_target_init(&target);
	while ((opt = getopt_long(argc, argv, "p:o:d:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'S':
		case 'p':
			if (!cli_target_option(&target, opt, optarg))
				return cli_usage_error();
			break;
		case 'o':
			if (optarg[0] == '\0') {
				diag_error("-o: empty file name");
				return cli_usage_error();
			}
			output = optarg;
			break;
		case 'd':
			errno = 0;
			duration = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' || !isfinite(duration) ||
			    duration <= 0 || duration > RECORD_MAX_DURATION_S) {
				diag_error("--duration: invalid value '%s' (allowed: seconds, more than 0, "
					   "at most %.0f)", optarg, RECORD_MAX_DURATION_S);
				return cli_usage_error();
			}
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

	cli_stop_signals(&wait_mask);
	client_init(&c);
	rc = cli_connect(&target, &c);
	if (rc != 0)
		return rc;
	client_set_wait_mask(&c, &wait_mask);
	clock_gettime(CLOCK_MONOTONIC, &start);
	if (duration > 0)
		cli_alarm(duration);

	/* The first line decides whether there is anything to save: a refusal is not a trace. */
	rc = client_read_line(&c, &line, &len);
	if (rc <= 0) {
		if (rc < 0 && errno == EINTR && cli_stop_signal() != 0) {
			diag_error("stopped before the server sent anything: nothing saved");
			rc = 0;
		} else {
			diag_error("%s: the server sent nothing", c.path);
			rc = CLI_EXIT_UNAVAILABLE;
		}
		goto cleanup;
	}
	if (len >= 5 && memcmp(line, "error", 5) == 0) {
		diag_error("%s: %.*s", c.path, (int)len, line);
		rc = CLI_EXIT_UNAVAILABLE;
		goto cleanup;
	}
	fd = open_output(output, made, sizeof(made));
	if (fd < 0) {
		rc = CLI_EXIT_CANTCREAT;
		goto cleanup;
	}
	/* read_line cut the newline off; the buffer still has it right after the line. */
	if (!write_all(fd, line, len) || !write_all(fd, "\n", 1))
		goto write_failed;
	lines = 1;
	bytes = len + 1;

	for (;;) {
		const char *data;

		rc = client_read_block(&c, &data, &len);
		if (rc < 0) {
			if (errno == EINTR && cli_stop_signal() != 0) {
				rc = 0;
			} else {
				diag_error("reading from %s: %s", c.path, strerror(errno));
				rc = 1;
			}
			break;
		}
		if (rc == 0) {
			diag_error("the server closed the stream (it stopped, or let this client go)");
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
	cli_alarm(0);
	if (fd >= 0 && fd != STDOUT_FILENO)
		close(fd);
	client_close(&c);
	return rc;
}
