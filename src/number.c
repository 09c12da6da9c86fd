#include <string.h>

#include "number.h"

/* White space as isspace() has it in the C locale. */
static bool is_space(char ch)
{
	return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

/* What strtoull/strtoll read: the magnitude of the digits, their sign, and whether
 * they overflowed 64 bits. */
struct scan {
	uint64_t mag;
	bool neg;
	bool overflow;
};

/* Reads [space][sign]digits as strto* does, then checks what follows the digits as
 * memcached does; false when there are no digits or they are followed by anything
 * but the end or white space. */
static bool scan(const char *s, size_t n, struct scan *sc)
{
	size_t i = 0, digits;

	/* A nul ends the string strto* sees. */
	n = strnlen(s, n);
	while (i < n && is_space(s[i]))
		i++;
	sc->neg = false;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		sc->neg = s[i++] == '-';
	sc->mag = 0;
	sc->overflow = false;
	for (digits = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (sc->mag > (UINT64_MAX - d) / 10)
			sc->overflow = true;
		sc->mag = sc->mag * 10 + d;
	}
	return digits > 0 && (i == n || is_space(s[i]));
}

/* Parses as memcached's safe_strtoull: an unsigned 64-bit number. */
bool number_u64(const char *s, size_t n, uint64_t *out)
{
	struct scan sc;
	uint64_t v;

	*out = 0;
	if (!scan(s, n, &sc) || sc.overflow)
		return false;
	/* strtoull negates a minus-signed number in unsigned arithmetic. */
	v = sc.neg ? (uint64_t)0 - sc.mag : sc.mag;
	/* safe_strtoull refuses a '-' anywhere in the text only when the result
	 * would be negative as a signed number: "-0" is 0, "-18446744073709551615" 1. */
	if ((int64_t)v < 0 && memchr(s, '-', strnlen(s, n)) != NULL)
		return false;
	*out = v;
	return true;
}

/* Parses as memcached's safe_strtoul into a uint32_t: the 64-bit value cut to 32 bits. */
bool number_u32(const char *s, size_t n, uint32_t *out)
{
	uint64_t v;
	bool ok = number_u64(s, n, &v);

	/* unsigned long is 64 bits: memcached stores it through a uint32_t pointer. */
	*out = (uint32_t)v;
	return ok;
}

/* Parses as memcached's safe_strtol into an int32_t: a signed 64-bit value cut to 32 bits. */
bool number_i32(const char *s, size_t n, int32_t *out)
{
	struct scan sc;
	uint64_t v;

	*out = 0;
	if (!scan(s, n, &sc) || sc.overflow)
		return false;
	/* strtol's range is [-2^63, 2^63 - 1]; beyond it, ERANGE. */
	if (sc.mag > (uint64_t)INT64_MAX + (sc.neg ? 1 : 0))
		return false;
	v = sc.neg ? (uint64_t)0 - sc.mag : sc.mag;
	/* long is 64 bits: memcached keeps its low 32 in an int32_t. */
	*out = (int32_t)(uint32_t)v;
	return true;
}
