/*
 * lab_run.h: runs a lab's scenario on a private mcscoped: starts the
 * server with the lab's flags (demo.h), reads its trace stream from the
 * first hello, carries out the steps one by one, each waiting for the
 * events that show it done, then stops the server and reads the stream
 * to its end, so the trace holds the whole run.
 *
 * Steps (the run lines of lab.conf; I is a client connection, from 1):
 *   connect N [until=accept|dispatch|conn_new|none]  open N connections, one
 *                     at a time, each waiting for that event; none: only the
 *                     TCP handshake, the server may not have accepted it yet
 *                     (it waits in the listen backlog)
 *   send I 'TEXT' [times=N]  send bytes (\r \n \t \\ \' and \xHH escapes);
 *                     times=N: TEXT N times over, in one write
 *   fill I N          send N value bytes
 *   expect I 'TEXT'   read until exactly TEXT has come
 *   skip I 'TEXT'     read and drop bytes until TEXT has come (a reply too
 *                     long to expect, or one whose first line may differ)
 *   close I           close it and wait for its conn_close, and until its
 *                     worker counts it gone, so a dispatch after sees it gone
 *   ctl 'COMMAND'     a control command, which must answer ok
 *   wait EVENT [count=N] [conn=I]  until the run has shown N such events
 *   load SCENARIO [conns=N] [rate=R] [seconds=S]  mcscope load's scenario
 *                     against the server (8 connections, R requests a
 *                     second, flat out when not given) for S seconds
 *                     (default 1), and until its last reply; every request
 *                     must succeed
 * Each wait gives up after LAB_RUN_WAIT_MS, naming the step (a load after
 * its seconds and LAB_RUN_WAIT_MS more).
 */
#ifndef MCSCOPE_TUI_LAB_RUN_H
#define MCSCOPE_TUI_LAB_RUN_H

#include <stddef.h>

#include "lab.h"
#include "lab_trace.h"

#define LAB_RUN_WAIT_MS 10000
#define LAB_RUN_CONNS 64
/* send's times=N: at most this many copies (and 16 times as many bytes). */
#define LAB_RUN_TIMES_MAX 65536

/* What went wrong with a run. */
enum lab_run_status {
	LAB_RUN_OK = 0,
	LAB_RUN_NO_SERVER = -1,   /* the server did not start (said on stderr) */
	LAB_RUN_STEP_FAILED = -2, /* a step did not do what it should: why says which and how */
	LAB_RUN_STOPPED = -3,     /* a stop signal came */
};

/*
 * Runs steps (the lab's run lines, or a play lab's solution) on a private
 * server started from server with the lab's flags; every line the server
 * sent goes to t, also when the run fails. tsan_log: NULL for a plain
 * server; for one built with ThreadSanitizer, where its reports go
 * (TSan's log_path: tsan_log.PID).
 */
enum lab_run_status lab_run(const struct lab *lab, const char *server, const char *tsan_log,
			    const struct lab_step *steps, int nsteps, struct lab_trace *t, char *why, size_t n);

/* Checks that each step is one the runner knows, with the right words; -1 with a message naming its line. */
int lab_run_check_steps(const struct lab *lab, const struct lab_step *steps, int nsteps);

#endif
