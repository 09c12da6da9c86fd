/*
 * stop.h: how every mcscope command learns that it is to stop.
 *
 * SIGINT, SIGTERM and SIGHUP ask a command to stop; SIGALRM ends a wait
 * that stop_alarm timed. A handler notes which came and writes a byte to
 * a pipe, so a poll() loop, a client's blocking read (client_set_stop_fd)
 * and a libevent loop all learn of it the same way: stop_fd() turns
 * readable, and stays so. stop_signal() then says which signal it was.
 */
#ifndef MCSCOPE_TUI_STOP_H
#define MCSCOPE_TUI_STOP_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Catches the stop signals (a fresh pipe each call, so a forked child gets
 * its own) and ignores SIGPIPE, so that a closed output shows as EPIPE.
 * Returns 0, or -1 with a message.
 */
int stop_init(void);

/* The pipe's read end: readable once a stop signal came; -1 before stop_init. */
int stop_fd(void);

/* The stop signal that came first (SIGINT, SIGTERM, SIGHUP), else SIGALRM when the timer went off, else 0. */
int stop_signal(void);

/* Empties the pipe; returns how many signals came since the last call (a loop that counts them). */
unsigned stop_drain(void);

/* Arms SIGALRM for seconds from now; 0 disarms it and forgets one that came meanwhile. Keeps errno. */
void stop_alarm(double seconds);

/*
 * fork(), with the stop signals held in the child until it calls
 * stop_default: one sent to it at once then takes effect, instead of
 * running this process's handler in the child. Returns as fork does.
 */
pid_t stop_fork(void);

/* In a forked child: the signals' default handling, none blocked, and no pipe. */
void stop_default(void);

#endif
