#ifndef DIFF_ALLOW_H
#define DIFF_ALLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "diff_bytes.h"

#define ALLOW_MAX 64

/* The intended differences (tests/diff/allowlist). */
struct allow {
	const char *skip[ALLOW_MAX];       /* verbs never sent */
	size_t nskip;
	const char *reply[ALLOW_MAX];      /* reply-line prefixes compared up to the prefix */
	size_t nreply;
};

/* Reads the allowlist file; false with a message on a bad file. */
bool allow_load(struct allow *a, const char *path);
/* Frees what allow_load read. */
void allow_free(struct allow *a);
/* True when the line (up to its first NUL or newline, as memcached reads it) starts
 * with a skipped verb. */
bool allow_skips(const struct allow *a, const char *line, size_t n);
/* Cuts every line of r that starts with an allowed reply prefix down to the prefix. */
void allow_normalise(const struct allow *a, struct bytes *r);

#endif
