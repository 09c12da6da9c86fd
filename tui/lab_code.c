/* lab_code.c: a write-code lab's checks: its builds, its tests, its runs. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "lab_code.h"
#include "lab_exec.h"
#include "lab_probe.h"
#include "lab_run.h"

/* The most of a test program's output kept to report from. */
#define TESTS_OUTPUT_MAX 65536
/* The most of the compiler's lines, or of a failed test program's, a check's report shows. */
#define SHOW_LINES 16
/* The most of a TSan report file read. */
#define REPORT_MAX 65536

/* Sets code up. */
void lab_code_init(struct lab_code *code, const struct lab *lab, const char *source, const char *work_dir)
{
	memset(code, 0, sizeof(*code));
	code->lab = lab;
	code->source = source;
	code->work_dir = work_dir;
	lab_trace_init(&code->trace);
}

/* Frees the trace. */
void lab_code_free(struct lab_code *code)
{
	lab_trace_free(&code->trace);
}

/* The build that did not compile. */
const struct lab_build *lab_code_failed_build(const struct lab_code *code)
{
	if (code->plain.status == LAB_BUILD_COMPILE)
		return &code->plain;
	if (code->tsan.status == LAB_BUILD_COMPILE)
		return &code->tsan;
	return NULL;
}

/* Appends at most lines lines of text (each ending in a newline) to why after its text. */
static void put_lines(char *why, size_t n, const char *text, int lines)
{
	size_t used = strlen(why);

	for (const char *p = text; *p != '\0' && lines > 0 && used + 1 < n; lines--) {
		size_t len = strcspn(p, "\n");
		int m = snprintf(why + used, n - used, "%.*s\n", (int)len, p);
		if (m < 0)
			break;
		used += (size_t)m < n - used ? (size_t)m : n - used - 1;
		p += len + (p[len] == '\n');
	}
	/* The report ends each check's lines itself. */
	if (used > 0 && why[used - 1] == '\n')
		why[used - 1] = '\0';
}

/* Makes the plain or TSan build once; 0 when it is there, -1 with why. */
static int need_build(struct lab_code *code, bool tsan, char *why, size_t n)
{
	struct lab_build *b = tsan ? &code->tsan : &code->plain;

	if (b->status == LAB_BUILD_NOT_YET)
		lab_build_make(b, code->lab, code->source, code->work_dir, tsan);
	switch (b->status) {
	case LAB_BUILD_OK:
		return 0;
	case LAB_BUILD_COMPILE:
		snprintf(why, n, "%s does not compile%s; the compiler said:\n", code->lab->student,
			 tsan ? " with ThreadSanitizer" : "");
		put_lines(why, n, b->words, SHOW_LINES);
		return -1;
	default:
		snprintf(why, n, "the lab build%s could not be made (said above)", tsan ? " with ThreadSanitizer" : "");
		return -1;
	}
}

/* Makes the run on the plain lab server once; 0 when it went through, -1 with why. */
static int need_run(struct lab_code *code, char *why, size_t n)
{
	if (need_build(code, false, why, n) != 0)
		return -1;
	if (!code->ran) {
		code->ran = true;
		enum lab_run_status rs = lab_run(code->lab, code->plain.server, NULL, code->lab->run, code->lab->nrun,
						 &code->trace, code->run_error, sizeof(code->run_error));
		if (rs == LAB_RUN_NO_SERVER)
			snprintf(code->run_error, sizeof(code->run_error), "the lab server did not start (its words are above)");
		else if (rs == LAB_RUN_STOPPED)
			snprintf(code->run_error, sizeof(code->run_error), "stopped");
		else if (rs == LAB_RUN_OK && code->trace.full)
			snprintf(code->run_error, sizeof(code->run_error),
				 "the run made more than %d trace lines: the lab's workload is too big to check", LAB_TRACE_MAX_LINES);
	}
	if (code->run_error[0] != '\0') {
		snprintf(why, n, "the run on the lab server failed: %s", code->run_error);
		return -1;
	}
	return 0;
}

/* Writes "N of M failed:" and the lines of out that start with "FAIL" to why; false when there are none. */
static bool fail_lines(const char *out, char *why, size_t n)
{
	int failed = 0, total = 0;
	size_t used;

	for (const char *p = out; *p != '\0'; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n')) {
		failed += strncmp(p, "FAIL ", 5) == 0;
		total += strncmp(p, "FAIL ", 5) == 0 || strncmp(p, "ok ", 3) == 0;
	}
	if (failed == 0)
		return false;
	used = (size_t)snprintf(why, n, "%d of %d tests failed:", failed, total);
	for (const char *p = out; *p != '\0' && used + 1 < n;) {
		size_t len = strcspn(p, "\n");
		if (strncmp(p, "FAIL ", 5) == 0) {
			int m = snprintf(why + used, n - used, "\n%.*s", (int)len, p);
			if (m < 0)
				break;
			used += (size_t)m < n - used ? (size_t)m : n - used - 1;
		}
		p += len + (p[len] == '\n');
	}
	return true;
}

/* tests name=GROUP [sanitize=thread]: the lab's test program. */
static int probe_tests(struct lab_code *code, const struct lab_check *c, char *why, size_t n)
{
	const char *name = lab_arg(&c->args, "name", "");
	bool tsan = lab_arg(&c->args, "sanitize", NULL) != NULL;
	char log[PATH_MAX + 64], *out, gist[LAB_OUTPUT_MAX];
	int status = 0, rc = -1;

	if (need_build(code, tsan, why, n) != 0)
		return -1;
	const struct lab_build *b = tsan ? &code->tsan : &code->plain;
	snprintf(log, sizeof(log), "%s/build/tests-%s%s.log", code->work_dir, name, tsan ? "-tsan" : "");
	if ((out = malloc(TESTS_OUTPUT_MAX)) == NULL) {
		snprintf(why, n, "out of memory");
		return -1;
	}
	char *const argv[] = { (char *)b->tests, (char *)name, NULL };
	struct lab_exec x = { .argv = argv, .log = log, .timeout_ms = LAB_CODE_TESTS_MS, .tsan = tsan };
	enum lab_exec_status st = lab_exec_run(&x, out, TESTS_OUTPUT_MAX, &status);
	if (tsan && strstr(out, "FATAL: ThreadSanitizer") != NULL) {
		snprintf(why, n, "ThreadSanitizer could not run the tests: ");
		put_lines(why, n, strstr(out, "FATAL: ThreadSanitizer"), 2);
	} else if (tsan && lab_exec_tsan_excerpt(out, gist, sizeof(gist))) {
		snprintf(why, n, "a ThreadSanitizer report:\n");
		put_lines(why, n, gist, 40);
		size_t used = strlen(why);
		snprintf(why + used, n - used, "\n(the whole report: %s)", log);
	} else if (st == LAB_EXEC_OK) {
		rc = 0;
	} else if (st == LAB_EXEC_TIMEOUT) {
		snprintf(why, n, "the tests did not finish within %d s (a deadlock?); their last words:\n",
			 LAB_CODE_TESTS_MS / 1000);
		put_lines(why, n, lab_exec_tail(out, 4), 4);
	} else if (st != LAB_EXEC_FAILED) {
		snprintf(why, n, "the tests %s", lab_exec_status_text(st));
	} else if (!fail_lines(out, why, n)) {
		if (status > 128)
			snprintf(why, n, "the tests were killed by signal %d (%s); their last words:\n", status - 128,
				 strsignal(status - 128));
		else
			snprintf(why, n, "the tests ended with exit status %d; their last words:\n", status);
		put_lines(why, n, lab_exec_tail(out, SHOW_LINES), SHOW_LINES);
	}
	free(out);
	return rc;
}

/* Empties the directory TSan's server reports go to (made when missing); -1 with a message. */
static int clear_reports(const char *dir)
{
	char path[PATH_MAX + 300];
	struct dirent *de;
	DIR *d;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		diag_error("cannot make %s: %s", dir, strerror(errno));
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		diag_error("cannot open %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "server.", 7) == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			unlink(path);
		}
	closedir(d);
	return 0;
}

/* Reads the first report file in dir into buf, its path into path; false when there is none. */
static bool read_report(const char *dir, char *buf, size_t n, char *path, size_t pathlen)
{
	struct dirent *de;
	bool found = false;
	DIR *d = opendir(dir);

	if (d == NULL)
		return false;
	while (!found && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "server.", 7) != 0)
			continue;
		snprintf(path, pathlen, "%s/%s", dir, de->d_name);
		FILE *f = fopen(path, "r");
		if (f == NULL)
			continue;
		size_t got = fread(buf, 1, n - 1, f);
		buf[got] = '\0';
		fclose(f);
		found = got > 0;
	}
	closedir(d);
	return found;
}

/* Makes the run on the TSan lab server once, and what it says. */
static void tsan_run(struct lab_code *code)
{
	char dir[PATH_MAX + 32], log[PATH_MAX + 48], path[PATH_MAX + 300], gist[LAB_OUTPUT_MAX], *report;
	char why[1024];
	struct lab_trace t;

	code->tsan_ran = true;
	snprintf(dir, sizeof(dir), "%s/build/tsan-reports", code->work_dir);
	snprintf(log, sizeof(log), "%s/server", dir);
	if (clear_reports(dir) != 0 || (report = malloc(REPORT_MAX)) == NULL) {
		snprintf(code->tsan_said, sizeof(code->tsan_said), "the reports' directory %s cannot be used", dir);
		return;
	}
	lab_trace_init(&t);
	enum lab_run_status rs = lab_run(code->lab, code->tsan.server, log, code->lab->run, code->lab->nrun, &t, why,
					 sizeof(why));
	if (rs == LAB_RUN_NO_SERVER)
		snprintf(why, sizeof(why), "the lab server did not start (its words are above)");
	else if (rs == LAB_RUN_STOPPED)
		snprintf(why, sizeof(why), "stopped");
	if (read_report(dir, report, REPORT_MAX, path, sizeof(path))) {
		if (lab_exec_tsan_excerpt(report, gist, sizeof(gist))) {
			snprintf(code->tsan_said, sizeof(code->tsan_said), "a ThreadSanitizer report:\n");
			put_lines(code->tsan_said, sizeof(code->tsan_said), gist, 40);
		} else {
			snprintf(code->tsan_said, sizeof(code->tsan_said), "ThreadSanitizer said:\n");
			put_lines(code->tsan_said, sizeof(code->tsan_said), report, 4);
		}
		size_t used = strlen(code->tsan_said);
		snprintf(code->tsan_said + used, sizeof(code->tsan_said) - used, "\n(the whole report: %s)", path);
	} else if (why[0] != '\0') {
		snprintf(code->tsan_said, sizeof(code->tsan_said), "the run on the ThreadSanitizer build failed: %s",
			 why);
	} else {
		code->tsan_pass = true;
		snprintf(code->tsan_said, sizeof(code->tsan_said), "no report; the run traced %zu events", t.n);
	}
	lab_trace_free(&t);
	free(report);
}

/* Runs a code lab's check. */
int lab_code_probe(void *arg, const struct lab_check *c, struct lab_answers *found, char *why, size_t n)
{
	struct lab_code *code = arg;

	switch (lab_probe_of(c)) {
	case PROBE_BUILD:
		return need_build(code, false, why, n);
	case PROBE_TESTS:
		return probe_tests(code, c, why, n);
	case PROBE_TSAN:
		if (need_build(code, true, why, n) != 0)
			return -1;
		if (!code->tsan_ran)
			tsan_run(code);
		snprintf(why, n, "%s", code->tsan_said);
		return code->tsan_pass ? 0 : -1;
	default:
		if (need_run(code, why, n) != 0)
			return -1;
		return lab_probe_run(code->lab, c, &code->trace, found, why, n);
	}
}
