/*
 * ctl_parse.h: turns one control line from a trace-socket client (the
 * "Control commands" table of PROTOCOL.md) into a struct ctl_cmd. Parsing
 * only: nothing here touches the server, so every rule can be unit tested.
 */
#ifndef MCSCOPE_CTL_PARSE_H
#define MCSCOPE_CTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "settings.h"
#include "wire.h"

/* The longest control line, in bytes, without its newline (a trailing \r counts). */
#define CTL_LINE_MAX 4096

/* The most workers a thr= mask can name; matches -t's limit. */
#define CTL_MAX_WORKERS 256

/* The thr_mask bit of the timeout thread: after every worker a server can have. */
#define CTL_THR_TIMEOUT_BIT (CTL_MAX_WORKERS + 1)

/* Words of thr_mask: bit 0 is main, bit k+1 is worker k, then the timeout thread's. */
#define CTL_THR_WORDS ((CTL_THR_TIMEOUT_BIT + 1 + 63) / 64)

/* step's thr when it names no thread: any, in the order the threads reached their gates (the
 * wire's "none"). */
#define CTL_THR_ANY (-2)

/* step N's bounds, and delay's in ms. */
#define CTL_STEP_MAX 1000000u
#define CTL_DELAY_MAX_MS ((unsigned)WIRE_DELAY_MAX_MS)

/* One parsed command. Fields a command does not use keep their defaults: 0, false, -1 for worker
 * and break_state, CTL_THR_ANY for thr. */
struct ctl_cmd {
	enum wire_ctl cmd;
	bool off;                        /* filter off, break off */
	unsigned count;                  /* step: 1..CTL_STEP_MAX, 1 when not given */
	int thr;                         /* step main / step wK: -1 main or the worker; CTL_THR_ANY */
	int worker;                      /* freeze, thaw, delay: the worker */
	unsigned delay_ms;               /* delay: 0..CTL_DELAY_MAX_MS, 0 clears */
	enum dispatch_policy policy;     /* dispatch */
	uint64_t ev_mask;                /* filter, break ev=: bit (1 << enum wire_event); filter without ev= has every event */
	uint64_t thr_mask[CTL_THR_WORDS]; /* filter: see ctl_thr_bit; without thr= it has main and every worker */
	int break_state;                 /* break state to=: an enum conn_states */
};

/* Returns thread thr's bit in a thr_mask: main (-1), a worker index, or the timeout thread; a
 * bit past the mask for any other thr. */
static inline unsigned ctl_thr_bit(int thr)
{
	if (thr == WIRE_THR_TIMEOUT)
		return CTL_THR_TIMEOUT_BIT;
	return thr >= WIRE_THR_MAIN && thr < CTL_MAX_WORKERS ? (unsigned)(thr + 1) : CTL_THR_WORDS * 64;
}

/* Tells whether thr_mask names thread thr: main (-1), a worker index, or the timeout thread. */
static inline bool ctl_thr_mask_has(const uint64_t mask[CTL_THR_WORDS], int thr)
{
	unsigned bit = ctl_thr_bit(thr);

	return bit < CTL_THR_WORDS * 64 && ((mask[bit / 64] >> (bit % 64)) & 1) != 0;
}

/* Tells whether a command's thr_mask names thread thr. */
static inline bool ctl_thr_has(const struct ctl_cmd *cmd, int thr)
{
	return ctl_thr_mask_has(cmd->thr_mask, thr);
}

/*
 * Parses line (len bytes, newline already removed) for a server with
 * nthreads workers. Returns 0 with out filled in, or -1 with out untouched
 * and a one-line reason in err (no newline, no "error " prefix), e.g.
 * "no worker w9 (w0-w3)". Any bytes at all are safe to pass.
 */
int ctl_parse(const char *line, size_t len, int nthreads, struct ctl_cmd *out, char *err, size_t errlen);

#endif
