/*
 * lab_exec.h: runs a program for a code lab (meson, ninja, the lab's test
 * program) and keeps what it says: stdout and stderr together, all of it
 * in a log file and the start of it in memory. The program runs in a
 * process group of its own that dies with mcscope, within a time limit;
 * at the limit, or on a stop signal, the whole group is killed, so no
 * compiler or test is left behind.
 *
 * A program built with ThreadSanitizer runs with lab_exec_tsan_child's
 * environment: TSAN_OPTIONS that say where its reports go, and the
 * address space randomisation off where the kernel's is wider than the
 * TSan runtime of GCC 12 copies with (vm.mmap_rnd_bits > 28), as ./run's
 * tsan_wrapper does with setarch -R.
 */
#ifndef MCSCOPE_TUI_LAB_EXEC_H
#define MCSCOPE_TUI_LAB_EXEC_H

#include <stdbool.h>
#include <stddef.h>

/* The exit status a ThreadSanitizer program gets when it reported (TSan's own default). */
#define LAB_EXEC_TSAN_EXIT 66

/* How a run ended. */
enum lab_exec_status {
	LAB_EXEC_OK = 0,      /* exit status 0 */
	LAB_EXEC_FAILED,      /* another exit status, or a signal */
	LAB_EXEC_TIMEOUT,     /* killed at the time limit */
	LAB_EXEC_NOT_RUN,     /* it could not be started (not installed, say) */
	LAB_EXEC_STOPPED,     /* a stop signal came: killed */
};

struct lab_exec {
	char *const *argv;    /* NULL-ended; argv[0] is looked up on $PATH */
	const char *log;      /* every byte it writes goes here too; NULL for none */
	int timeout_ms;
	bool tsan;            /* a ThreadSanitizer program: lab_exec_tsan_child(tsan_log) in the child */
	const char *tsan_log; /* where TSan writes its reports (log_path); NULL: on stderr */
};

/*
 * Runs x; out gets the start of its output (n bytes, nul-terminated).
 * Returns how it ended; *code is the exit status (or 128 + the signal).
 * LAB_EXEC_NOT_RUN and a log that cannot be written say why on stderr.
 */
enum lab_exec_status lab_exec_run(const struct lab_exec *x, char *out, size_t n, int *code);

/*
 * In a forked child about to exec a ThreadSanitizer program: TSAN_OPTIONS
 * and no address randomisation where the kernel's is too wide for it.
 * log_path NULL: reports on stderr, the program stopped at the first (a
 * test); else reports to log_path.PID and the program runs on (a server,
 * whose run must end as planned), exiting LAB_EXEC_TSAN_EXIT at the end.
 */
void lab_exec_tsan_child(const char *log_path);

/*
 * Writes the gist of the first ThreadSanitizer report in text to out: its
 * WARNING line, each access with the two innermost frames of its stack
 * (function and file:line), the location and the SUMMARY. False when
 * text holds no report.
 */
bool lab_exec_tsan_excerpt(const char *text, char *out, size_t n);

/* The last lines of a program's output (at most lines of them): where it says what went wrong. */
const char *lab_exec_tail(const char *text, int lines);

/* What a status is, in words ("timed out"). */
const char *lab_exec_status_text(enum lab_exec_status s);

#endif
