#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "diag.h"

static const char *diag_prefix = "mcscope";

/* Sets the prefix. */
void diag_set_prog(const char *prog)
{
	diag_prefix = prog;
}

/* Returns the prefix. */
const char *diag_prog(void)
{
	return diag_prefix;
}

/* Prints "prefix: message" in one write, so that another writer's line cannot interleave. */
static void diag_vprint(const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "%s: %s\n", diag_prefix, msg);
}

/* Prints one message line. */
void diag_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vprint(fmt, ap);
	va_end(ap);
}

/* Prints the message and aborts. */
void diag_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vprint(fmt, ap);
	va_end(ap);
	abort();
}
