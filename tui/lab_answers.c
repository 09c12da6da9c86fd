/* lab_answers.c: KEY = VALUE pairs and how answers compare. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "lab_answers.h"

/* Empties a. */
void lab_answers_clear(struct lab_answers *a)
{
	a->n = 0;
}

/* Finds key's index, or -1. */
static int find(const struct lab_answers *a, const char *key)
{
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->key[i], key) == 0)
			return i;
	return -1;
}

/* Adds or replaces key's value. */
bool lab_answers_set(struct lab_answers *a, const char *key, const char *value)
{
	int i = find(a, key);

	if (strlen(key) >= LAB_ANSWER_KEY_MAX || strlen(value) >= LAB_ANSWER_VALUE_MAX)
		return false;
	if (i < 0) {
		if (a->n == LAB_ANSWERS_MAX)
			return false;
		i = a->n++;
		strcpy(a->key[i], key);
		a->line[i] = 0;
	}
	strcpy(a->value[i], value);
	return true;
}

/* The value of key. */
const char *lab_answers_get(const struct lab_answers *a, const char *key)
{
	int i = find(a, key);

	return i < 0 ? NULL : a->value[i];
}

/* Trims blanks at both ends in place; returns the start. */
static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		s[--len] = '\0';
	return s;
}

/* Reads an answers file. */
int lab_answers_load(struct lab_answers *a, const char *path, const struct lab_answers *known)
{
	char buf[LAB_ANSWER_VALUE_MAX + LAB_ANSWER_KEY_MAX + 16];
	FILE *f = fopen(path, "r");
	int lineno = 0, rc = 0;

	lab_answers_clear(a);
	if (f == NULL) {
		diag_error("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(buf, sizeof(buf), f) != NULL) {
		lineno++;
		if (strchr(buf, '\n') == NULL && !feof(f)) {
			diag_error("%s:%d: line too long (at most %d bytes)", path, lineno,
				   LAB_ANSWER_VALUE_MAX);
			rc = -2;
			break;
		}
		buf[strcspn(buf, "\n")] = '\0';
		char *line = trim(buf);
		if (*line == '\0' || *line == '#')
			continue;
		char *eq = strchr(line, '=');
		if (eq == NULL) {
			diag_error("%s:%d: expected 'KEY = VALUE' (e.g. 'conn1 = w0'), got '%s'", path, lineno, line);
			rc = -2;
			break;
		}
		*eq = '\0';
		char *key = trim(line), *value = trim(eq + 1);
		bool word = *key != '\0';
		for (const char *p = key; *p != '\0'; p++)
			if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
				word = false;
		if (!word) {
			diag_error("%s:%d: expected 'KEY = VALUE' with KEY one word of letters, digits and _, "
				   "got key '%s'", path, lineno, key);
			rc = -2;
			break;
		}
		if (known != NULL && lab_answers_get(known, key) == NULL) {
			char list[1024] = "";
			for (int i = 0; i < known->n && strlen(list) + LAB_ANSWER_KEY_MAX + 2 < sizeof(list); i++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? " " : "",
					 known->key[i]);
			diag_error("%s:%d: '%s' is not a question of this lab; its keys are: %s", path, lineno,
				   key, list);
			rc = -2;
			break;
		}
		if (lab_answers_get(a, key) != NULL) {
			diag_error("%s:%d: '%s' answered twice", path, lineno, key);
			rc = -2;
			break;
		}
		if (!lab_answers_set(a, key, value)) {
			diag_error("%s:%d: too many answers (at most %d)", path, lineno, LAB_ANSWERS_MAX);
			rc = -2;
			break;
		}
		a->line[a->n - 1] = lineno;
	}
	if (rc == 0 && ferror(f)) {
		diag_error("cannot read %s: %s", path, strerror(errno));
		rc = -1;
	}
	fclose(f);
	return rc;
}

/* Writes value's comparable form. */
void lab_answer_normal(const char *value, char *out, size_t n)
{
	size_t used = 0;
	const char *p = value;

	if (n == 0)
		return;
	for (;;) {
		/* Words are separated by blanks, commas, semicolons and arrows. */
		while (*p != '\0' && (isspace((unsigned char)*p) || strchr(",;>", *p) != NULL ||
				      (*p == '-' && p[1] == '>')))
			p++;
		if (*p == '\0')
			break;
		if (strncasecmp(p, "conn_", 5) == 0 && isalpha((unsigned char)p[5]))
			p += 5;
		if (used > 0 && used + 1 < n)
			out[used++] = ' ';
		while (*p != '\0' && !isspace((unsigned char)*p) && strchr(",;>", *p) == NULL &&
		       !(*p == '-' && p[1] == '>')) {
			if (used + 1 < n)
				out[used++] = (char)tolower((unsigned char)*p);
			p++;
		}
	}
	out[used] = '\0';
}

/* True when there is no answer. */
bool lab_answer_missing(const char *value)
{
	char norm[LAB_ANSWER_VALUE_MAX];

	lab_answer_normal(value, norm, sizeof(norm));
	return norm[0] == '\0' || strcmp(norm, "?") == 0;
}

/* True when the two are the same answer. */
bool lab_answer_equal(const char *a, const char *b)
{
	char na[LAB_ANSWER_VALUE_MAX], nb[LAB_ANSWER_VALUE_MAX];

	lab_answer_normal(a, na, sizeof(na));
	lab_answer_normal(b, nb, sizeof(nb));
	return strcmp(na, nb) == 0;
}
