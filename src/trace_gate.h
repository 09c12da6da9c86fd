/*
 * trace_gate.h: step mode. A thread reaching a trace point while it is
 * gated (pause, freeze, a breakpoint) waits there, before the traced step
 * happens, and says so with a gate event. Gates are only ever taken
 * outside every other lock, so a waiting thread holds nothing anyone needs.
 */
#ifndef MCSCOPE_TRACE_GATE_H
#define MCSCOPE_TRACE_GATE_H

#include <stdbool.h>
#include <stdint.h>

#include "wire.h"

/* Waits while thr is gated; to_state is the new state of a state event, else -1. */
void trace_gate(int thr, enum wire_event ev, uint64_t conn, int to_state);

/* Stops every thread at its next trace point, dropping steps not yet taken; false when already paused. */
bool trace_gate_pause(void);

/* Lets every thread run, dropping steps not yet taken; false when not paused. */
bool trace_gate_resume(void);

/* Lets n more trace points through while paused; false when not paused. */
bool trace_gate_step(unsigned n);

/* What step main / step wK found. */
enum trace_gate_step {
	TRACE_GATE_STEP_REFUSED, /* the thread is neither paused nor frozen: there is nothing to step */
	TRACE_GATE_STEP_WAITING, /* it waits at a gate now and moves at once */
	TRACE_GATE_STEP_IDLE,    /* it is not at a gate (idle in its event loop, or on its way to
				    its next trace point): its next trace points take the steps */
};

/* Lets n more trace points of thread thr (TRACE_THR_MAIN or a worker) through, while the others
 * stay stopped; refused unless paused, or thr is a frozen worker. Never waits. */
enum trace_gate_step trace_gate_step_thread(int thr, unsigned n);

/* Freezes or thaws one worker (thawed and not paused, its steps of its own are dropped). */
void trace_gate_freeze(int worker, bool frozen);

/* Sets a worker's delay before each trace point (0 clears). */
void trace_gate_delay(int worker, unsigned ms);

/* A worker's delay in ms (0: none). */
unsigned trace_gate_delay_of(int worker);

/* Pauses when one of the events in ev_mask, or a state event to break_state (-1: none), is next. */
void trace_gate_break(uint64_t ev_mask, int break_state);

/* True while paused. */
bool trace_gate_paused(void);

/* Opens every gate and clears freezes, delays, breakpoints and steps (the last controller left). */
void trace_gate_reset(void);

/* Opens every gate for good: the server is shutting down. */
void trace_gate_shutdown(void);

#endif
