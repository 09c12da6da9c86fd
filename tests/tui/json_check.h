/*
 * json_check.h: a small, strict JSON reader for the tests (RFC 8259: no
 * trailing commas, no comments, valid escapes and UTF-8, nothing after the
 * value), so that the exporter's output is checked by something that does
 * not share its code, and what it says can be looked at.
 */
#ifndef MCSCOPE_TESTS_JSON_CHECK_H
#define MCSCOPE_TESTS_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	bool b;
	double num;
	char *str;            /* JSON_STRING, unescaped, nul-terminated */
	size_t n;             /* items in an array or object */
	struct json *items;   /* array items, or object values */
	char **keys;          /* object keys */
};

/* Parses text (len bytes); NULL with a reason and the byte offset in err when it is not JSON. */
struct json *json_parse(const char *text, size_t len, char *err, size_t errlen);

/* Frees a parsed value. */
void json_free(struct json *v);

/* Returns an object's member, or NULL. */
const struct json *json_get(const struct json *obj, const char *key);

/* Returns an object's string member, or NULL when absent or not a string. */
const char *json_str(const struct json *obj, const char *key);

/* Returns an object's number member, or dflt. */
double json_num(const struct json *obj, const char *key, double dflt);

/* True when an object's member is the boolean true. */
bool json_true(const struct json *obj, const char *key);

#endif
