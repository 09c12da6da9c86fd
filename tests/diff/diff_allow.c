#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_allow.h"

/* Adds the words of s (up to "--") to list; false when the list is full. */
static bool add_words(const char **list, size_t *n, char *s)
{
	for (char *w = strtok(s, " \t"); w != NULL; w = strtok(NULL, " \t")) {
		if (strcmp(w, "--") == 0)
			break;
		if (*n == ALLOW_MAX)
			return false;
		list[(*n)++] = strdup(w);
	}
	return true;
}

/* Reads the allowlist file; false with a message on a bad file. */
bool allow_load(struct allow *a, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	unsigned lineno = 0;
	bool ok = true;

	*a = (struct allow){ 0 };
	if (f == NULL) {
		fprintf(stderr, "mcdiff: %s: cannot open the allowlist\n", path);
		return false;
	}
	while (ok && fgets(line, sizeof(line), f) != NULL) {
		char *kind, *rest, *reason = strstr(line, " -- ");

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
			continue;
		kind = strtok(line, " \t");
		rest = kind + strlen(kind) + 1;
		if (reason == NULL || strlen(reason) <= 4) {
			fprintf(stderr, "mcdiff: %s:%u: an entry needs \" -- reason\"\n", path, lineno);
			ok = false;
		} else if (strcmp(kind, "skip") == 0) {
			ok = add_words(a->skip, &a->nskip, rest);
		} else if (strcmp(kind, "reply") == 0) {
			ok = add_words(a->reply, &a->nreply, rest);
		} else if (strcmp(kind, "note") == 0) {
			/* A difference the streams never reach: listed here so that the list is whole. */
		} else {
			fprintf(stderr, "mcdiff: %s:%u: unknown kind '%s' (skip, reply, note)\n",
				path, lineno, kind);
			ok = false;
		}
	}
	fclose(f);
	if (!ok)
		allow_free(a);
	return ok;
}

/* Frees what allow_load read. */
void allow_free(struct allow *a)
{
	for (size_t i = 0; i < a->nskip; i++)
		free((char *)a->skip[i]);
	for (size_t i = 0; i < a->nreply; i++)
		free((char *)a->reply[i]);
	*a = (struct allow){ 0 };
}

/* True when the line (up to its first NUL or newline, as memcached reads it) starts
 * with a skipped verb. */
bool allow_skips(const struct allow *a, const char *line, size_t n)
{
	size_t start = 0, end;

	if (n == 0)
		return false;
	while (start < n && line[start] == ' ')
		start++;
	end = start;
	while (end < n && line[end] != ' ' && line[end] != '\0' && line[end] != '\n' &&
	       line[end] != '\r')
		end++;
	for (size_t i = 0; i < a->nskip; i++)
		if (strlen(a->skip[i]) == end - start &&
		    memcmp(a->skip[i], line + start, end - start) == 0)
			return true;
	return false;
}

/* Cuts every line of r that starts with an allowed reply prefix down to the prefix. */
void allow_normalise(const struct allow *a, struct bytes *r)
{
	struct bytes out = { 0 };
	size_t in = 0;

	while (in < r->n) {
		const char *line = r->p + in;
		const char *nl = memchr(line, '\n', r->n - in);
		size_t len = nl ? (size_t)(nl - line) + 1 : r->n - in;
		bool cut = false;

		for (size_t i = 0; i < a->nreply && !cut; i++) {
			size_t pn = strlen(a->reply[i]);

			if (len > pn && memcmp(line, a->reply[i], pn) == 0) {
				bytes_add(&out, line, pn);
				bytes_adds(&out, " <allowlist>\r\n");
				cut = true;
			}
		}
		if (!cut)
			bytes_add(&out, line, len);
		in += len;
	}
	bytes_free(r);
	*r = out;
}
