/*
 * fuzz_ctl_parse.c: libFuzzer target for the control commands (ctl_parse).
 *
 * The input is one control line, newline already removed, parsed for
 * servers of several sizes. Besides not crashing, ctl_parse must keep its
 * word (ctl_parse.h): on failure out is untouched and err holds one line;
 * on success the command is one of wire.h's and its fields are in range.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stops the run with why, naming the server size the line was parsed for. */
static void broken(const char *why, int nthreads)
{
	fprintf(stderr, "fuzz_ctl_parse: %s (nthreads %d)\n", why, nthreads);
	abort();
}

/* Parses the line for nthreads workers into an err of errlen bytes and checks the result. */
static void parse_for(const char *line, size_t len, int nthreads, size_t errlen)
{
	struct ctl_cmd out, before;
	char err[256];

	memset(&out, 0xa5, sizeof(out));
	before = out;
	memset(err, '#', sizeof(err));
	if (ctl_parse(line, len, nthreads, &out, err, errlen) != 0) {
		if (memcmp(&out, &before, sizeof(out)) != 0)
			broken("a refused line changed out", nthreads);
		if (memchr(err, '\0', errlen) == NULL || strchr(err, '\n') != NULL)
			broken("err is not one nul-terminated line", nthreads);
		if (errlen > 8 && err[0] == '\0')
			broken("a refused line without a reason", nthreads);
		if (err[errlen] != '#')
			broken("err written past errlen", nthreads);
		return;
	}
	if ((unsigned)out.cmd >= CTL_MAX)
		broken("a command outside wire.h's table", nthreads);
	if (out.cmd == CTL_step && (out.count < 1 || out.count > CTL_STEP_MAX))
		broken("step count out of range", nthreads);
	if (out.cmd == CTL_delay && out.delay_ms > CTL_DELAY_MAX_MS)
		broken("delay out of range", nthreads);
	if (out.worker >= nthreads || out.worker < -1 || out.thr >= nthreads)
		broken("a worker the server does not have", nthreads);
}

/* Parses one line for servers without workers, with one, four and the most. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int sizes[] = { 0, 1, 4, CTL_MAX_WORKERS };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		parse_for((const char *)data, size, sizes[i], 255);
	/* A short err must be cut, not overrun. */
	parse_for((const char *)data, size, 4, 8);
	return 0;
}
