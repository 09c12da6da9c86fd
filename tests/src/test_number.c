#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"

/* The checks memcached puts around strtoull, as its documentation of safe_strtoull
 * describes them, here on libc itself: the reference the byte-range parser must match. */
static bool ref_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE || end == s)
		return false;
	if (!(*end == '\0' || *end == ' ' || (*end >= '\t' && *end <= '\r')))
		return false;
	if ((long long)v < 0 && strchr(s, '-') != NULL)
		return false;
	*out = v;
	return true;
}

/* The same around strtol, cut to 32 bits as memcached stores it. */
static bool ref_i32(const char *s, int32_t *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno == ERANGE || end == s)
		return false;
	if (!(*end == '\0' || *end == ' ' || (*end >= '\t' && *end <= '\r')))
		return false;
	*out = (int32_t)(uint32_t)(unsigned long)v;
	return true;
}

static const char *const texts[] = {
	"0", "1", "+1", "-1", "-0", " 12", "\t12", "12 ", "12\r", "12\tx", "12x", "x12", "", " ",
	"+", "-", "+-1", "1 2", "4294967295", "4294967296", "4294967297", "-4294967296",
	"2147483647", "2147483648", "-2147483648", "-2147483649",
	"9223372036854775807", "9223372036854775808", "-9223372036854775808",
	"-9223372036854775809", "18446744073709551615", "18446744073709551616",
	"-18446744073709551615", "-18446744073709551616", "000000000000000000000000000042",
	"\v\f\n7", "7\n", "1-", "1 -", "99999999999999999999999",
};

Test(number, matches_strtoull_and_strtol_with_memcacheds_checks)
{
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		const char *t = texts[i];
		uint64_t want = 0, got = 0;
		int32_t want32 = 0, got32 = 0;
		bool ok = ref_u64(t, &want), ok32 = ref_i32(t, &want32);

		cr_assert_eq(number_u64(t, strlen(t), &got), ok, "u64 \"%s\"", t);
		cr_assert_eq(number_i32(t, strlen(t), &got32), ok32, "i32 \"%s\"", t);
		cr_assert(!ok || got == want, "u64 \"%s\"", t);
		cr_assert(!ok32 || got32 == want32, "i32 \"%s\"", t);
	}
}

Test(number, u32_is_the_64_bit_value_cut)
{
	uint32_t v;

	cr_assert(number_u32("4294967296", 10, &v));
	cr_assert_eq(v, 0);
	cr_assert(number_u32("18446744073709551615", 20, &v));
	cr_assert_eq(v, UINT32_MAX);
	cr_assert_not(number_u32("-1", 2, &v));
	cr_assert(number_u32("-0", 2, &v));
	cr_assert_eq(v, 0);
}

Test(number, the_range_end_and_a_nul_end_the_string)
{
	uint64_t v;

	/* Not nul-terminated: the digits run to the end of the range. */
	cr_assert(number_u64("12345", 2, &v));
	cr_assert_eq(v, 12);
	/* A nul ends it, whatever follows. */
	cr_assert(number_u64("5\0x", 3, &v));
	cr_assert_eq(v, 5);
	/* The '-' that refuses a huge value is looked for before the nul only. */
	cr_assert(number_u64("18446744073709551615\0-", 22, &v));
	cr_assert_not(number_u64("18446744073709551615 -", 22, &v));
	/* White space alone is no number, even where strtoull would read past the range. */
	cr_assert_not(number_u64(" \r\n", 3, &v));
}
