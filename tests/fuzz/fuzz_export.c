/*
 * fuzz_export.c: libFuzzer target for the trace reader of mcscope export
 * (export_perfetto).
 *
 * The input is a trace file, read from a stream as the command reads one.
 * Whenever the export succeeds, what it wrote must be JSON: the tests'
 * strict JSON reader checks it, as it checks the exporter's output there.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "export_perfetto.h"
#include "json_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where the JSON goes: memory, to be checked. */
struct output {
	FILE *f;
	char *text;
	size_t len;
};

/* Opens the output once the input has proved to be a trace (export_perfetto's callback). */
static FILE *open_out(void *arg)
{
	struct output *o = arg;

	o->f = open_memstream(&o->text, &o->len);
	return o->f;
}

/* Exports the input and checks the JSON. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* fmemopen refuses an empty buffer: read an empty input from an empty file instead. */
	FILE *in = size > 0 ? fmemopen((void *)data, size, "r") : tmpfile();
	struct output o = { 0 };
	struct export_stats st;
	int rc;

	if (in == NULL)
		abort();
	rc = export_perfetto(in, "fuzz input", open_out, &o, &st);
	fclose(in);
	if (o.f != NULL && fclose(o.f) != 0)
		abort();
	if (rc == 0) {
		char err[256];
		struct json *v = json_parse(o.text, o.len, err, sizeof(err));

		if (v == NULL) {
			fprintf(stderr, "fuzz_export: the export is not JSON: %s\n", err);
			abort();
		}
		json_free(v);
	}
	free(o.text);
	return 0;
}
