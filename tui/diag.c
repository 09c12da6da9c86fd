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

/* Prints one message line. */
void diag_error(const char *fmt, ...)
{
	va_list ap;

	/* One fprintf per part would let another writer's line interleave; build it whole. */
	char msg[1024];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", diag_prefix, msg);
}

/* Prints the message and aborts. */
void diag_fatal(const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", diag_prefix, msg);
	abort();
}
