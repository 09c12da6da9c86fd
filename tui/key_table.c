#include <stdio.h>
#include <string.h>

#include "key_table.h"

/* Returns the i-th binding in order. */
const struct key_binding *key_table_at(const struct key_table *t, int i)
{
	for (size_t l = 0; l < sizeof(t->lists) / sizeof(t->lists[0]) && t->lists[l] != NULL; l++) {
		for (const struct key_binding *b = t->lists[l]; b->label != NULL; b++)
			if (i-- == 0)
				return b;
	}
	return NULL;
}

/* Finds a key's binding. */
const struct key_binding *key_table_find(const struct key_table *t, int key)
{
	const struct key_binding *b;

	/* 0 ends a binding's codes: it is no key. */
	if (key == 0)
		return NULL;
	for (int i = 0; (b = key_table_at(t, i)) != NULL; i++)
		for (int c = 0; c < KEY_BINDING_CODES && b->codes[c] != 0; c++)
			if (b->codes[c] == key)
				return b;
	return NULL;
}

/* Writes a binding's help. */
const char *key_binding_help(const struct key_binding *b, char *buf, size_t n)
{
	char list[128];

	if (b->help_list == NULL)
		snprintf(buf, n, "%s", b->help);
	else
		snprintf(buf, n, "%s (%s)", b->help, b->help_list(list, sizeof(list), ", "));
	return buf;
}

/* Writes the bottom line. */
const char *key_table_bottom_line(const struct key_table *t, char *buf, size_t n, int width)
{
	const struct key_binding *b;
	size_t len = 0;

	if (n == 0)
		return buf;
	buf[0] = '\0';
	for (int i = 0; (b = key_table_at(t, i)) != NULL; i++) {
		if (b->bottom == NULL)
			continue;
		/* Whole ones only: words cut in half read as a different key. */
		size_t need = (len > 0 ? 2 : 0) + strlen(b->bottom);
		if (len + need > (size_t)(width > 0 ? width : 0) || len + need >= n)
			break;
		len += (size_t)snprintf(buf + len, n - len, "%s%s", len > 0 ? "  " : "", b->bottom);
	}
	return buf;
}

/* Prints one row of the README's list. */
static void write_row(const struct key_binding *b, FILE *out)
{
	char help[256];

	fprintf(out, "| `%s` | %s |\n", b->label, key_binding_help(b, help, sizeof(help)));
}

/* Prints the table as the README lists it. */
void key_table_write_markdown(const struct key_table *t, FILE *out)
{
	const struct key_binding *b;

	fputs("| key | does |\n|---|---|\n", out);
	for (int i = 0; (b = key_table_at(t, i)) != NULL; i++)
		write_row(b, out);
}

/* Prints one list. */
void key_list_write_markdown(const struct key_binding *list, FILE *out)
{
	fputs("| key | does |\n|---|---|\n", out);
	for (const struct key_binding *b = list; b->label != NULL; b++)
		write_row(b, out);
}
