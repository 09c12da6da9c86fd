/*
 * lab_answers.h: KEY = VALUE pairs: a student's predictions (the answers
 * file), and what a probe found in a run. Values compare as words, so
 * "conn_read -> conn_parse_cmd", "read, parse_cmd" and "READ parse_cmd"
 * are the same answer; "?" is no answer yet.
 */
#ifndef MCSCOPE_TUI_LAB_ANSWERS_H
#define MCSCOPE_TUI_LAB_ANSWERS_H

#include <stdbool.h>
#include <stddef.h>

#define LAB_ANSWERS_MAX 64
#define LAB_ANSWER_KEY_MAX 32
#define LAB_ANSWER_VALUE_MAX 512

struct lab_answers {
	int n;
	char key[LAB_ANSWERS_MAX][LAB_ANSWER_KEY_MAX];
	char value[LAB_ANSWERS_MAX][LAB_ANSWER_VALUE_MAX];
	int line[LAB_ANSWERS_MAX];   /* where the answers file gave it; 0 when not from a file */
};

/* Empties a. */
void lab_answers_clear(struct lab_answers *a);

/* Adds or replaces key's value; false when full or a part is too long. */
bool lab_answers_set(struct lab_answers *a, const char *key, const char *value);

/* The value of key, or NULL. */
const char *lab_answers_get(const struct lab_answers *a, const char *key);

/*
 * Reads an answers file. Returns 0; -1 with a message when it cannot be
 * read; -2 with a message naming the line and the expected format when a
 * line is not "KEY = VALUE", a key comes twice, or (when known is not
 * NULL) a key is not one of known's.
 */
int lab_answers_load(struct lab_answers *a, const char *path, const struct lab_answers *known);

/* Writes value's comparable form (lower case words, "conn_" dropped, one space between) to out. */
void lab_answer_normal(const char *value, char *out, size_t n);

/* True when the student's value is no answer ("?" or empty). */
bool lab_answer_missing(const char *value);

/* True when the two values are the same answer. */
bool lab_answer_equal(const char *a, const char *b);

#endif
