#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

int log_verbosity;

/* Prints an error line on stderr. */
void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mcscoped: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Prints a message when the verbosity asks for it. */
void log_verbose(int level, const char *fmt, ...)
{
	va_list ap;

	if (__atomic_load_n(&log_verbosity, __ATOMIC_RELAXED) < level)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* Reports an impossible condition and aborts. */
void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mcscoped: fatal: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}
