/* log.h: messages on stderr, at memcached's verbosity levels. */
#ifndef MCSCOPE_LOG_H
#define MCSCOPE_LOG_H

/* 0 quiet, 1 errors and warnings (-v), 2 commands (-vv), 3 state changes (-vvv). */
extern int log_verbosity;

/* Prints "mcscoped: <message>" on stderr, whatever the verbosity. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the message as it is when the verbosity is at least level. */
void log_verbose(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reports something that cannot happen and aborts. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
