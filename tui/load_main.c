/* load_main.c: one whole workload of mcscope load, and its summary. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "load.h"

/* Prints the summary. */
void load_summary_print(FILE *out, const struct load_run *run)
{
	const struct load_opts *o = &run->opts;
	double secs = (double)(run->end_us - run->start_us) / 1e6;

	fprintf(out, "scenario=%s host=%s port=%d conns=%u rate=%g duration=%g seed=%" PRIu64,
		load_scenario_name(o->scenario), o->host,
		o->scenario == LOAD_UDP ? o->udp_port : o->port, o->conns, o->rate, o->duration,
		o->seed);
	if (run->stop_signal != 0)
		fprintf(out, " stopped_by=%s", strsignal(run->stop_signal));
	fprintf(out, " elapsed=%.2f\n", secs);
	load_stats_print(out, &run->stats, secs);
	fflush(out);
}

/* Runs one workload. */
int load_main(const struct load_opts *o, bool print_summary)
{
	struct load_run *run;
	int rc;

	/* The histograms make the run too big for the stack. */
	run = malloc(sizeof(*run));
	if (run == NULL) {
		diag_error("out of memory");
		return 1;
	}
	rc = load_run_prepare(run, o);
	if (rc != 0)
		goto cleanup;
	if (load_run_execute(run) != 0) {
		rc = 1;
		goto cleanup;
	}
	if (print_summary)
		load_summary_print(stdout, run);
	rc = load_stats_errors(&run->stats) > 0 ? 1 : 0;
cleanup:
	load_run_free(run);
	free(run);
	return rc;
}
