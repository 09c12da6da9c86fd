/*
 * diag.h: messages on stderr, each starting with the name of the command
 * that prints it ("mcscope events: ..."), so a message from a library
 * module still says which command failed.
 */
#ifndef MCSCOPE_TUI_DIAG_H
#define MCSCOPE_TUI_DIAG_H

/* Sets the prefix of every message (a static string); "mcscope" until set. */
void diag_set_prog(const char *prog);

/* Returns the prefix. */
const char *diag_prog(void);

/* Prints "<prog>: <message>\n" on stderr. */
void diag_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the message as diag_error does and aborts: only for what cannot happen (a table that contradicts itself). */
void diag_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
