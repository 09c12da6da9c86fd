#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"

/* Nesting deeper than this is refused rather than recursed into. */
#define JSON_MAX_DEPTH 64

struct reader {
	const char *p, *end, *start;
	char *err;
	size_t errlen;
	bool failed;
};

/* Records the first error and where it happened. */
static void fail(struct reader *r, const char *why)
{
	if (!r->failed)
		snprintf(r->err, r->errlen, "%s at byte %zu", why, (size_t)(r->p - r->start));
	r->failed = true;
}

/* Skips JSON's four whitespace characters. */
static void skip_ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static bool parse_value(struct reader *r, struct json *v, int depth);

/* Appends one byte to a growing string. */
static bool put(char **s, size_t *n, size_t *cap, char c)
{
	if (*n + 1 >= *cap) {
		size_t ncap = *cap == 0 ? 32 : *cap * 2;
		char *t = realloc(*s, ncap);
		if (t == NULL)
			return false;
		*s = t;
		*cap = ncap;
	}
	(*s)[(*n)++] = c;
	(*s)[*n] = '\0';
	return true;
}

/* Appends a code point as UTF-8. */
static bool put_utf8(char **s, size_t *n, size_t *cap, unsigned cp)
{
	if (cp < 0x80)
		return put(s, n, cap, (char)cp);
	if (cp < 0x800)
		return put(s, n, cap, (char)(0xc0 | (cp >> 6))) &&
		       put(s, n, cap, (char)(0x80 | (cp & 0x3f)));
	if (cp < 0x10000)
		return put(s, n, cap, (char)(0xe0 | (cp >> 12))) &&
		       put(s, n, cap, (char)(0x80 | ((cp >> 6) & 0x3f))) &&
		       put(s, n, cap, (char)(0x80 | (cp & 0x3f)));
	return put(s, n, cap, (char)(0xf0 | (cp >> 18))) &&
	       put(s, n, cap, (char)(0x80 | ((cp >> 12) & 0x3f))) &&
	       put(s, n, cap, (char)(0x80 | ((cp >> 6) & 0x3f))) &&
	       put(s, n, cap, (char)(0x80 | (cp & 0x3f)));
}

/* Reads four hex digits. */
static bool hex4(struct reader *r, unsigned *out)
{
	unsigned v = 0;

	if (r->end - r->p < 4)
		return false;
	for (int i = 0; i < 4; i++) {
		char c = *r->p++;
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return false;
	}
	*out = v;
	return true;
}

/* Checks one UTF-8 sequence starting at r->p (first byte >= 0x80) and copies it. */
static bool utf8_seq(struct reader *r, char **s, size_t *n, size_t *cap)
{
	unsigned char c = (unsigned char)*r->p;
	int more;
	unsigned cp, min;

	if (c >= 0xc2 && c <= 0xdf) {
		more = 1, cp = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		more = 2, cp = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		more = 3, cp = c & 0x07, min = 0x10000;
	} else {
		return false;
	}
	if (r->end - r->p <= more)
		return false;
	for (int i = 1; i <= more; i++) {
		unsigned char cc = (unsigned char)r->p[i];
		if ((cc & 0xc0) != 0x80)
			return false;
		cp = (cp << 6) | (cc & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return false;
	for (int i = 0; i <= more; i++)
		if (!put(s, n, cap, r->p[i]))
			return false;
	r->p += more + 1;
	return true;
}

/* Parses a string; *out is malloc'd. */
static bool parse_string(struct reader *r, char **out)
{
	char *s = NULL;
	size_t n = 0, cap = 0;

	r->p++; /* the opening quote */
	if (!put(&s, &n, &cap, '\0'))
		goto bad;
	n = 0;
	for (;;) {
		unsigned char c;

		if (r->p >= r->end) {
			fail(r, "unterminated string");
			goto bad;
		}
		c = (unsigned char)*r->p;
		if (c == '"') {
			r->p++;
			*out = s;
			return true;
		}
		if (c < 0x20) {
			fail(r, "control character in a string");
			goto bad;
		}
		if (c >= 0x80) {
			if (!utf8_seq(r, &s, &n, &cap)) {
				fail(r, "invalid UTF-8 in a string");
				goto bad;
			}
			continue;
		}
		r->p++;
		if (c != '\\') {
			if (!put(&s, &n, &cap, (char)c))
				goto bad;
			continue;
		}
		if (r->p >= r->end) {
			fail(r, "unterminated escape");
			goto bad;
		}
		c = (unsigned char)*r->p++;
		switch (c) {
		case '"': case '\\': case '/':
			put(&s, &n, &cap, (char)c);
			break;
		case 'b': put(&s, &n, &cap, '\b'); break;
		case 'f': put(&s, &n, &cap, '\f'); break;
		case 'n': put(&s, &n, &cap, '\n'); break;
		case 'r': put(&s, &n, &cap, '\r'); break;
		case 't': put(&s, &n, &cap, '\t'); break;
		case 'u': {
			unsigned cp, lo;
			if (!hex4(r, &cp)) {
				fail(r, "bad \\u escape");
				goto bad;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u') {
					fail(r, "lone high surrogate");
					goto bad;
				}
				r->p += 2;
				if (!hex4(r, &lo) || lo < 0xdc00 || lo > 0xdfff) {
					fail(r, "bad low surrogate");
					goto bad;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				fail(r, "lone low surrogate");
				goto bad;
			}
			put_utf8(&s, &n, &cap, cp);
			break;
		}
		default:
			fail(r, "unknown escape");
			goto bad;
		}
	}
bad:
	if (!r->failed)
		fail(r, "out of memory");
	free(s);
	return false;
}

/* Parses a number by RFC 8259's grammar. */
static bool parse_number(struct reader *r, struct json *v)
{
	const char *s = r->p;
	char buf[64];

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p < r->end && *r->p == '0') {
		r->p++;
	} else if (r->p < r->end && *r->p >= '1' && *r->p <= '9') {
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	} else {
		fail(r, "bad number");
		return false;
	}
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9') {
			fail(r, "no digits after '.'");
			return false;
		}
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9') {
			fail(r, "no digits in the exponent");
			return false;
		}
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if ((size_t)(r->p - s) >= sizeof(buf)) {
		fail(r, "number too long for this checker");
		return false;
	}
	memcpy(buf, s, (size_t)(r->p - s));
	buf[r->p - s] = '\0';
	v->type = JSON_NUMBER;
	v->num = strtod(buf, NULL);
	return true;
}

/* Matches a literal word. */
static bool literal(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0) {
		fail(r, "unexpected character");
		return false;
	}
	r->p += n;
	return true;
}

/* Appends a slot to an array or object. */
static struct json *grow(struct reader *r, struct json *v, size_t *cap)
{
	if (v->n == *cap) {
		size_t ncap = *cap == 0 ? 8 : *cap * 2;
		struct json *items = realloc(v->items, ncap * sizeof(*items));
		if (items == NULL) {
			fail(r, "out of memory");
			return NULL;
		}
		v->items = items;
		if (v->type == JSON_OBJECT) {
			char **keys = realloc(v->keys, ncap * sizeof(*keys));
			if (keys == NULL) {
				fail(r, "out of memory");
				return NULL;
			}
			v->keys = keys;
		}
		*cap = ncap;
	}
	memset(&v->items[v->n], 0, sizeof(v->items[0]));
	return &v->items[v->n];
}

/* Parses an array or an object. */
static bool parse_container(struct reader *r, struct json *v, int depth)
{
	bool object = *r->p == '{';
	char close = object ? '}' : ']';
	size_t cap = 0;

	v->type = object ? JSON_OBJECT : JSON_ARRAY;
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return true;
	}
	for (;;) {
		struct json *item;
		char *key = NULL;

		skip_ws(r);
		if (object) {
			if (r->p >= r->end || *r->p != '"') {
				fail(r, "expected a key");
				return false;
			}
			if (!parse_string(r, &key))
				return false;
			skip_ws(r);
			if (r->p >= r->end || *r->p != ':') {
				free(key);
				fail(r, "expected ':'");
				return false;
			}
			r->p++;
		}
		item = grow(r, v, &cap);
		if (item == NULL) {
			free(key);
			return false;
		}
		if (object)
			v->keys[v->n] = key;
		v->n++;
		if (!parse_value(r, item, depth + 1))
			return false;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			return true;
		}
		fail(r, object ? "expected ',' or '}'" : "expected ',' or ']'");
		return false;
	}
}

/* Parses any value. */
static bool parse_value(struct reader *r, struct json *v, int depth)
{
	skip_ws(r);
	if (depth > JSON_MAX_DEPTH) {
		fail(r, "nested too deeply");
		return false;
	}
	if (r->p >= r->end) {
		fail(r, "unexpected end");
		return false;
	}
	switch (*r->p) {
	case '{':
	case '[':
		return parse_container(r, v, depth);
	case '"':
		v->type = JSON_STRING;
		return parse_string(r, &v->str);
	case 't':
		v->type = JSON_BOOL;
		v->b = true;
		return literal(r, "true");
	case 'f':
		v->type = JSON_BOOL;
		return literal(r, "false");
	case 'n':
		v->type = JSON_NULL;
		return literal(r, "null");
	default:
		return parse_number(r, v);
	}
}

/* Frees what a value holds. */
static void free_inner(struct json *v)
{
	free(v->str);
	for (size_t i = 0; i < v->n; i++) {
		free_inner(&v->items[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
}

/* Parses a whole text. */
struct json *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct reader r = { text, text + len, text, err, errlen, false };
	struct json *v = calloc(1, sizeof(*v));

	if (v == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (parse_value(&r, v, 0)) {
		skip_ws(&r);
		if (r.p != r.end)
			fail(&r, "text after the value");
	}
	if (r.failed) {
		json_free(v);
		return NULL;
	}
	return v;
}

/* Frees a parsed value. */
void json_free(struct json *v)
{
	if (v == NULL)
		return;
	free_inner(v);
	free(v);
}

/* Finds an object's member. */
const struct json *json_get(const struct json *obj, const char *key)
{
	if (obj == NULL || obj->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return &obj->items[i];
	return NULL;
}

/* Returns a string member. */
const char *json_str(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);

	return v != NULL && v->type == JSON_STRING ? v->str : NULL;
}

/* Returns a number member. */
double json_num(const struct json *obj, const char *key, double dflt)
{
	const struct json *v = json_get(obj, key);

	return v != NULL && v->type == JSON_NUMBER ? v->num : dflt;
}

/* Tells whether a member is true. */
bool json_true(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);

	return v != NULL && v->type == JSON_BOOL && v->b;
}
