#ifndef DIFF_BYTES_H
#define DIFF_BYTES_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* A growable byte string: streams, replies, datagrams. NUL bytes are data. */
struct bytes {
	char *p;
	size_t n;
	size_t cap;
};

void bytes_add(struct bytes *b, const void *s, size_t n);
void bytes_adds(struct bytes *b, const char *s);
void bytes_addc(struct bytes *b, char c);
void bytes_addf(struct bytes *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bytes_reset(struct bytes *b);
void bytes_free(struct bytes *b);
/* Prints b as shell commands whose output is exactly b (printf(1) and tr(1)). */
void bytes_print_shell(FILE *f, const struct bytes *b);
/* Prints b for reading: C escapes, a line per "\n", long runs of one byte counted. */
void bytes_print_c(FILE *f, const struct bytes *b, const char *indent);

#endif
