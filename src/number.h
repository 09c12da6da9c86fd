/*
 * number.h: memcached's number parsing, for byte-exact answers.
 *
 * memcached reads every number of its text protocol with strtoul, strtoull
 * or strtol behind its safe_strto* checks, on an LP64 machine: leading
 * white space and a sign are taken, the number must be followed by the end
 * of the string or white space (anything may come after that), a value
 * out of the 64-bit range is refused, a negative number that comes out as
 * a huge unsigned one is refused when its text holds a '-', and the 32-bit
 * results are the 64-bit ones cut to 32 bits. These functions give the
 * same answers on a byte range that need not be nul-terminated: the end of
 * the range counts as the string's end, and a nul byte ends it too.
 */
#ifndef MCSCOPE_NUMBER_H
#define MCSCOPE_NUMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses as memcached's safe_strtoull: an unsigned 64-bit number. */
bool number_u64(const char *s, size_t n, uint64_t *out);

/* Parses as memcached's safe_strtoul into a uint32_t: the 64-bit value cut to 32 bits. */
bool number_u32(const char *s, size_t n, uint32_t *out);

/* Parses as memcached's safe_strtol into an int32_t: a signed 64-bit value cut to 32 bits. */
bool number_i32(const char *s, size_t n, int32_t *out);

#endif
