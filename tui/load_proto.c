/*
 * load_proto.c: memcached's text protocol from the client side: the
 * requests mcscope load sends and an exact check of every reply.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "load.h"

/* Values only hold these, so no value can look like a line end. */
static const char value_alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
#define ALPHABET_LEN (sizeof(value_alphabet) - 1)

/* A header line longer than this is wrong, not unfinished. */
#define LINE_MAX_LEN 1024
/* The largest value a get may announce (well over memcached's -I limit). */
#define VALUE_MAX (64u * 1024 * 1024)

/* Hashes a key (FNV-1a). */
static uint32_t key_hash(const char *key, size_t keylen)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < keylen; i++) {
		h ^= (unsigned char)key[i];
		h *= 16777619u;
	}
	return h;
}

/* Returns the flags for key. */
uint32_t load_value_flags(const char *key, size_t keylen)
{
	return key_hash(key, keylen) & 0xffff;
}

/* Fills a value with its pattern. */
void load_value_fill(char *dst, const char *key, size_t keylen, size_t n)
{
	/* Depends on the length too, so a value cut short or run together with another shows. */
	size_t at = (key_hash(key, keylen) + n) % ALPHABET_LEN;

	for (size_t i = 0; i < n; i++) {
		dst[i] = value_alphabet[at];
		at = (at + 7) % ALPHABET_LEN;
	}
}

/* True when data is the pattern of key and length n. */
static bool value_matches(const char *data, const char *key, size_t keylen, size_t n)
{
	size_t at = (key_hash(key, keylen) + n) % ALPHABET_LEN;

	for (size_t i = 0; i < n; i++) {
		if (data[i] != value_alphabet[at])
			return false;
		at = (at + 7) % ALPHABET_LEN;
	}
	return true;
}

/* Appends a request. */
int load_proto_request(struct evbuffer *out, const struct load_expect *e, uint64_t delta)
{
	int k = (int)e->keylen;
	char *data;
	int rc;

	switch (e->op) {
	case LOAD_OP_GET:
		return evbuffer_add_printf(out, "get %.*s\r\n", k, e->key) < 0 ? -1 : 0;
	case LOAD_OP_DELETE:
		return evbuffer_add_printf(out, "delete %.*s\r\n", k, e->key) < 0 ? -1 : 0;
	case LOAD_OP_INCR:
		return evbuffer_add_printf(out, "incr %.*s %" PRIu64 "\r\n", k, e->key, delta) < 0 ? -1 : 0;
	case LOAD_OP_VERSION:
		return evbuffer_add(out, "version\r\n", 9);
	case LOAD_OP_SET:
		if (e->numeric)
			return evbuffer_add_printf(out, "set %.*s 0 0 1\r\n0\r\n", k, e->key) < 0 ? -1 : 0;
		if (evbuffer_add_printf(out, "set %.*s %" PRIu32 " 0 %zu\r\n", k, e->key,
					load_value_flags(e->key, e->keylen), e->vlen) < 0)
			return -1;
		data = malloc(e->vlen + 2);
		if (data == NULL)
			return -1;
		load_value_fill(data, e->key, e->keylen, e->vlen);
		memcpy(data + e->vlen, "\r\n", 2);
		rc = evbuffer_add(out, data, e->vlen + 2);
		free(data);
		return rc;
	case LOAD_N_OPS:
		break;
	}
	return -1;
}

/* True when s (n bytes) is a decimal number that fits 64 bits. */
static bool is_u64(const char *s, size_t n)
{
	uint64_t v = 0;

	if (n == 0 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return true;
}

/* True when the line (without its CRLF) is exactly word. */
static bool line_is(const char *line, size_t n, const char *word)
{
	return n == strlen(word) && memcmp(line, word, n) == 0;
}

/* Parses a decimal field ending at a space or the line's end; advances *p. */
static bool take_number(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	size_t n = 0;

	while (s + n < end && s[n] != ' ')
		n++;
	if (!is_u64(s, n))
		return false;
	*v = strtoull(s, NULL, 10);
	*p = s + n;
	return true;
}

/* Checks a get reply: END, or VALUE key flags bytes, the data and END. */
static enum load_check check_get(const struct load_expect *e, const char *buf, size_t len,
				 size_t linelen, size_t *used, size_t *need, bool *hit, char *why,
				 size_t whylen)
{
	const char *p = buf + 6, *end = buf + linelen;
	uint64_t flags, bytes;
	size_t total;

	if (line_is(buf, linelen, "END")) {
		*used = linelen + 2;
		*hit = false;
		return LOAD_CHECK_OK;
	}
	if (linelen < 6 || memcmp(buf, "VALUE ", 6) != 0)
		goto bad_line;
	if ((size_t)(end - p) <= e->keylen || memcmp(p, e->key, e->keylen) != 0 || p[e->keylen] != ' ')
		goto bad_line;
	p += e->keylen + 1;
	if (!take_number(&p, end, &flags) || p >= end || *p != ' ')
		goto bad_line;
	p++;
	if (!take_number(&p, end, &bytes) || p != end || bytes > VALUE_MAX)
		goto bad_line;
	if (flags != load_value_flags(e->key, e->keylen)) {
		snprintf(why, whylen, "get %.*s: flags %" PRIu64 ", stored %" PRIu32, (int)e->keylen,
			 e->key, flags, load_value_flags(e->key, e->keylen));
		return LOAD_CHECK_BAD;
	}
	if (e->vlen != 0 && bytes != e->vlen) {
		snprintf(why, whylen, "get %.*s: %" PRIu64 " bytes, stored %zu", (int)e->keylen,
			 e->key, bytes, e->vlen);
		return LOAD_CHECK_BAD;
	}
	total = linelen + 2 + (size_t)bytes + 2 + 5;
	if (len < total) {
		*need = total;
		return LOAD_CHECK_MORE;
	}
	p = buf + linelen + 2;
	if (!value_matches(p, e->key, e->keylen, (size_t)bytes)) {
		snprintf(why, whylen, "get %.*s: the %" PRIu64 " bytes of data are not what was stored",
			 (int)e->keylen, e->key, bytes);
		return LOAD_CHECK_BAD;
	}
	if (memcmp(p + bytes, "\r\nEND\r\n", 7) != 0) {
		snprintf(why, whylen, "get %.*s: no \\r\\nEND\\r\\n after the data", (int)e->keylen, e->key);
		return LOAD_CHECK_BAD;
	}
	*used = total;
	*hit = true;
	return LOAD_CHECK_OK;
bad_line:
	snprintf(why, whylen, "get %.*s: reply '%.*s'", (int)e->keylen, e->key,
		 (int)(linelen < 120 ? linelen : 120), buf);
	return LOAD_CHECK_BAD;
}

/* Checks a reply. */
enum load_check load_proto_check(const struct load_expect *e, const char *buf, size_t len,
				 size_t *used, size_t *need, bool *hit, char *why, size_t whylen)
{
	const char *crlf = memmem(buf, len < LINE_MAX_LEN ? len : LINE_MAX_LEN, "\r\n", 2);
	size_t linelen;
	bool ok = false;

	*hit = false;
	if (crlf == NULL) {
		if (len >= LINE_MAX_LEN) {
			snprintf(why, whylen, "%s: a reply line longer than %d bytes",
				 load_op_name(e->op), LINE_MAX_LEN);
			return LOAD_CHECK_BAD;
		}
		*need = len + 1;
		return LOAD_CHECK_MORE;
	}
	linelen = (size_t)(crlf - buf);
	switch (e->op) {
	case LOAD_OP_GET:
		return check_get(e, buf, len, linelen, used, need, hit, why, whylen);
	case LOAD_OP_SET:
		ok = line_is(buf, linelen, "STORED");
		break;
	case LOAD_OP_DELETE:
		ok = line_is(buf, linelen, "DELETED") || line_is(buf, linelen, "NOT_FOUND");
		*hit = line_is(buf, linelen, "DELETED");
		break;
	case LOAD_OP_INCR:
		*hit = is_u64(buf, linelen);
		ok = *hit || line_is(buf, linelen, "NOT_FOUND");
		break;
	case LOAD_OP_VERSION:
		ok = linelen > 8 && memcmp(buf, "VERSION ", 8) == 0;
		for (size_t i = 8; ok && i < linelen; i++)
			ok = buf[i] > ' ' && buf[i] < 0x7f;
		break;
	case LOAD_N_OPS:
		break;
	}
	if (!ok) {
		snprintf(why, whylen, "%s %.*s: reply '%.*s'", load_op_name(e->op), (int)e->keylen,
			 e->key, (int)(linelen < 120 ? linelen : 120), buf);
		return LOAD_CHECK_BAD;
	}
	*used = linelen + 2;
	return LOAD_CHECK_OK;
}
