/*
 * fuzz_event.c: libFuzzer target for the trace line parser (event_parse)
 * and the dashboard's model that the parsed stream feeds.
 *
 * The input is a stretch of the trace stream, split into lines as the
 * client splits it. Each line is parsed and checked against event.h's
 * word (statuses in range, values pointing into the line itself), then fed
 * to one model, as mcscope does with a live stream.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stops the run with why. */
static void broken(const char *why, const char *line, size_t len)
{
	fprintf(stderr, "fuzz_event: %s in \"%.*s\"\n", why, (int)(len > 200 ? 200 : len), line);
	abort();
}

/* True when [s, s + n) lies within the line. */
static bool within(const char *s, size_t n, const char *line, size_t len)
{
	return s >= line && s <= line + len && n <= (size_t)(line + len - s);
}

/* Parses a line and checks what event_parse says of it. */
static void check_line(const char *line, size_t len)
{
	struct event e;
	enum event_status st = event_parse(line, len, &e);

	if (st < EVENT_E_LOWEST || st > EVENT_ANSWER_ERROR)
		broken("a status outside enum event_status", line, len);
	if (event_status_name(st) == NULL)
		broken("a status without a name", line, len);
	if (st == EVENT_ANSWER_OK || st == EVENT_ANSWER_ERROR) {
		if (!within(e.text, e.text_len, line, len))
			broken("answer text outside the line", line, len);
		return;
	}
	if (st != EVENT_LINE)
		return;
	if (e.ev != EVENT_UNKNOWN && (e.ev < 0 || e.ev >= EVT_MAX))
		broken("ev outside wire.h's events", line, len);
	if ((e.thr < 0 && e.thr != EVENT_THR_MAIN && e.thr != EVENT_THR_TIMEOUT) ||
	    e.thr > EVENT_WORKER_MAX)
		broken("thr out of range", line, len);
	if (!within(e.ev_name, e.ev_len, line, len))
		broken("ev= outside the line", line, len);
	for (int k = 0; k < WIRE_KEY_COUNT; k++) {
		if (!event_has(&e, (enum wire_key)k))
			continue;
		if (!within(e.val[k].s, e.val[k].len, line, len))
			broken("a value outside the line", line, len);
		(void)event_num(&e, (enum wire_key)k, 0);
		(void)event_idx(&e, (enum wire_key)k, 0);
		(void)event_str_eq(&e, (enum wire_key)k, "conn_read");
	}
}

/* Parses every line of the input and feeds the model with them. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct model *m = model_create();
	uint64_t now = 0;

	if (m == NULL)
		abort();
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl != NULL ? nl + 1 : end) - p);

		/* An exact-size copy, so that ASan sees a read past the line's end. */
		char *line = malloc(len > 0 ? len : 1);

		if (line == NULL)
			abort();
		memcpy(line, p, len);
		check_line(line, len);
		model_feed(m, line, len);
		free(line);
		/* The dashboard ticks the model once a frame. */
		now += 50000000;
		model_tick(m, now);
		p += len;
	}
	model_destroy(m);
	return 0;
}
