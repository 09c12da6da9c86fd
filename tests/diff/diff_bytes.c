#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "diff_bytes.h"

/* A run of one byte at least this long is printed as a count, not spelled out. */
#define RUN_MIN 48

/* Makes room for n more bytes; out of memory is fatal for a test program. */
static void reserve(struct bytes *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;

	if (b->n + n <= b->cap)
		return;
	while (cap < b->n + n)
		cap *= 2;
	b->p = realloc(b->p, cap);
	if (b->p == NULL) {
		fprintf(stderr, "mcdiff: out of memory\n");
		exit(2);
	}
	b->cap = cap;
}

/* Appends n bytes. */
void bytes_add(struct bytes *b, const void *s, size_t n)
{
	if (n == 0)
		return;
	reserve(b, n);
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

/* Appends a C string without its NUL. */
void bytes_adds(struct bytes *b, const char *s)
{
	bytes_add(b, s, strlen(s));
}

/* Appends one byte. */
void bytes_addc(struct bytes *b, char c)
{
	bytes_add(b, &c, 1);
}

/* Appends printf-formatted text. */
void bytes_addf(struct bytes *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	reserve(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

/* Empties b, keeping its memory. */
void bytes_reset(struct bytes *b)
{
	b->n = 0;
}

/* Frees b's memory. */
void bytes_free(struct bytes *b)
{
	free(b->p);
	*b = (struct bytes){ 0 };
}

/* Length of the run of equal bytes at p. */
static size_t run_length(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && *q == *p)
		q++;
	return (size_t)(q - p);
}

/* Writes one byte the way printf(1)'s format and tr(1) read it back. */
static void put_shell_byte(FILE *f, unsigned char c, bool for_tr)
{
	if (c == '\'')
		fputs("'\\''", f);
	else if (c == '\\')
		fputs("\\\\", f);
	else if (c == '%' && !for_tr)
		fputs("%%", f);
	else if (c == '\r')
		fputs("\\r", f);
	else if (c == '\n')
		fputs("\\n", f);
	else if (c < 0x20 || c >= 0x7f)
		fprintf(f, "\\%03o", c);
	else
		fputc(c, f);
}

/* Prints b as shell commands whose output is exactly b (printf(1) and tr(1)). */
void bytes_print_shell(FILE *f, const struct bytes *b)
{
	const char *p = b->p, *end = b->p + b->n;
	bool open = false;

	fputs("{ ", f);
	while (p < end) {
		size_t run = run_length(p, end);

		if (run >= RUN_MIN && *p != ' ') {
			if (open)
				fputs("'; ", f);
			fprintf(f, "printf '%%%zus' '' | tr ' ' '", run);
			put_shell_byte(f, (unsigned char)*p, true);
			fputs("'; ", f);
			open = false;
			p += run;
			continue;
		}
		if (!open) {
			fputs("printf '", f);
			/* A format that starts with '-' would be read as an option. */
			if (*p == '-') {
				fputs("\\055", f);
				p++;
				open = true;
				continue;
			}
		}
		open = true;
		put_shell_byte(f, (unsigned char)*p, false);
		p++;
	}
	if (open)
		fputs("'; ", f);
	fputs("}", f);
}

/* Prints b for reading: C escapes, a line per "\n", long runs of one byte counted. */
void bytes_print_c(FILE *f, const struct bytes *b, const char *indent)
{
	const char *p = b->p, *end = b->p + b->n;
	bool bol = true;

	if (b->n == 0)
		fprintf(f, "%s(nothing)\n", indent);
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		size_t run = run_length(p, end);

		if (bol)
			fprintf(f, "%s\"", indent);
		bol = false;
		if (run >= RUN_MIN) {
			fprintf(f, "\" <%zu x ", run);
			if (c >= 0x20 && c < 0x7f)
				fprintf(f, "'%c'", c);
			else
				fprintf(f, "0x%02x", c);
			fputs("> \"", f);
			p += run;
			continue;
		}
		switch (c) {
		case '\r': fputs("\\r", f); break;
		case '\n': fputs("\\n\"\n", f); bol = true; break;
		case '\t': fputs("\\t", f); break;
		case '\0': fputs("\\0", f); break;
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		default:
			if (c < 0x20 || c >= 0x7f)
				fprintf(f, "\\x%02x", c);
			else
				fputc(c, f);
		}
		p++;
	}
	if (!bol)
		fputs("\"\n", f);
}
