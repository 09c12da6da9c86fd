/* mcscope export: a recorded trace converted for other viewers. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "diag.h"
#include "export_perfetto.h"

enum { EXPORT_PERFETTO };

static const struct cli_option export_options[] = {
	[EXPORT_PERFETTO] = { "perfetto", 'P', NULL, "the output format (the only one so far)" },
	{ NULL },
};

/* What open_out needs, and what it did. */
struct output {
	const char *name;   /* "-" for stdout */
	FILE *in;
	FILE *out;
	bool cant_create;
};

/* Opens the output once the input has proved to be a trace (export_perfetto's callback). */
static FILE *open_out(void *arg)
{
	struct output *o = arg;
	struct stat in_st, out_st;

	if (strcmp(o->name, "-") == 0) {
		o->out = stdout;
		return o->out;
	}
	/* Writing over the input would destroy it before it is read. */
	if (fstat(fileno(o->in), &in_st) == 0 && stat(o->name, &out_st) == 0 &&
	    in_st.st_dev == out_st.st_dev && in_st.st_ino == out_st.st_ino) {
		diag_error("%s is the input too", o->name);
		o->cant_create = true;
		return NULL;
	}
	o->out = fopen(o->name, "w");
	if (o->out == NULL) {
		diag_error("cannot create %s: %s", o->name, strerror(errno));
		o->cant_create = true;
	}
	return o->out;
}

/* Makes the default output name from the input's (malloc'd); NULL when out of memory. */
static char *default_output(const char *in)
{
	size_t n = strlen(in);
	const char *ext = ".trace";
	size_t e = strlen(ext);
	char *out;

	if (strcmp(in, "-") == 0)
		return strdup("-");
	if (n > e && strcmp(in + n - e, ext) == 0)
		n -= e;
	out = malloc(n + sizeof(".json"));
	if (out != NULL) {
		memcpy(out, in, n);
		memcpy(out + n, ".json", sizeof(".json"));
	}
	return out;
}

/* Checks that a format is named. */
static int export_check(struct cmd_ctx *ctx)
{
	if (ctx->values[EXPORT_PERFETTO] == NULL) {
		diag_error("say which format: --perfetto");
		return cli_usage_error();
	}
	return 0;
}

/* Converts IN into OUT. */
static int export_exec(struct cmd_ctx *ctx)
{
	struct output o = { 0 };
	struct export_stats st;
	const char *in_name = ctx->argv[0];
	char *out_name;
	int rc;

	out_name = ctx->argc > 1 ? strdup(ctx->argv[1]) : default_output(in_name);
	if (out_name == NULL) {
		diag_error("out of memory");
		return 1;
	}
	o.name = out_name;
	o.in = trace_file_open(in_name, &in_name);
	if (o.in == NULL) {
		free(out_name);
		return CLI_EXIT_NOINPUT;
	}

	rc = export_perfetto(o.in, in_name, open_out, &o, &st);
	if (o.out != NULL && o.out != stdout && fclose(o.out) != 0 && rc == 0) {
		diag_error("writing %s: %s", o.name, strerror(errno));
		rc = EXPORT_FAILED;
	}
	if (rc == EXPORT_NOT_TRACE) {
		rc = CLI_EXIT_DATAERR;
	} else if (rc == EXPORT_UNREADABLE) {
		rc = CLI_EXIT_NOINPUT;
	} else if (rc != 0) {
		/* A half-written JSON file is worse than none. */
		if (o.out != NULL && o.out != stdout)
			remove(o.name);
		rc = o.cant_create ? CLI_EXIT_CANTCREAT : 1;
	} else {
		trace_counts_report(&st.counts, in_name);
		fprintf(stderr, "%s: %" PRIu64 " lines, %" PRIu64 " events -> %" PRIu64
			" JSON events in %s", diag_prog(), st.counts.lines, st.events, st.written,
			strcmp(o.name, "-") == 0 ? "standard output" : o.name);
		if (st.unknown > 0)
			fprintf(stderr, "; %" PRIu64 " events of unknown types kept as instants",
				st.unknown);
		if (st.ignored > 0)
			fprintf(stderr, "; %" PRIu64 " lines ignored", st.ignored);
		fputc('\n', stderr);
	}
	if (o.in != stdin)
		fclose(o.in);
	free(out_name);
	return rc;
}

const struct cmd_entry cmd_export_entry = {
	.name = "export",
	.summary = "convert a saved trace (--perfetto: Chrome/Perfetto JSON)",
	.usage = "--perfetto IN [OUT]",
	.text = "Converts a trace saved by 'mcscope record' into a Chrome/Perfetto JSON trace: open "
		"it in https://ui.perfetto.dev or chrome://tracing. It has a track per thread (main, "
		"w0, ...) with a slice per event named after the memcached function it mirrors, a flow "
		"arrow from each dispatch_conn_new to the worker's cq_pop of that connection, a CQ "
		"depth counter per worker, and a track per connection with its lifetime and its "
		"states.",
	.options = export_options,
	.notes = "IN '-' reads standard input. OUT defaults to IN with .trace replaced by .json (or "
		 ".json added), or standard output when IN is '-'; '-' is standard output. Lines that "
		 "are not protocol lines are skipped and counted in the summary on stderr.",
	.exit_status = "Exit status: 0 on success, 1 when writing fails, 64 for a bad command line, "
		       "65 when IN is not a trace, 66 when IN cannot be read, 73 when OUT cannot be "
		       "made.",
	.args_min = 1,
	.args_max = 2,
	.args_missing = "no input file given",
	.check = export_check,
	.exec = export_exec,
};
