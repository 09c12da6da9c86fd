#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"

/* Creates a screen. */
struct screen *screen_create(int rows, int cols, bool utf8)
{
	struct screen *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->utf8 = utf8;
	if (screen_resize(s, rows, cols) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* Frees a screen. */
void screen_destroy(struct screen *s)
{
	if (s != NULL)
		free(s->cells);
	free(s);
}

/* Resizes and blanks. */
int screen_resize(struct screen *s, int rows, int cols)
{
	struct cell *cells;

	if (rows < 1 || cols < 1)
		rows = cols = 1;
	cells = realloc(s->cells, sizeof(*cells) * (size_t)rows * (size_t)cols);
	if (cells == NULL)
		return -1;
	s->cells = cells;
	s->rows = rows;
	s->cols = cols;
	screen_clear(s);
	return 0;
}

/* Blanks every cell. */
void screen_clear(struct screen *s)
{
	for (int i = 0; i < s->rows * s->cols; i++)
		s->cells[i] = (struct cell){ L' ', ROLE_TEXT };
}

/* Writes one character. */
void screen_putwc(struct screen *s, int row, int col, int role, wchar_t ch)
{
	if (row < 0 || col < 0 || row >= s->rows || col >= s->cols)
		return;
	s->cells[row * s->cols + col] = (struct cell){ ch, (unsigned char)role };
}

/* Writes a UTF-8 string. */
int screen_puts(struct screen *s, int row, int col, int maxw, int role, const char *text)
{
	mbstate_t st;
	int used = 0;
	size_t left = strlen(text);

	memset(&st, 0, sizeof(st));
	if (maxw < 0)
		maxw = INT_MAX;
	while (left > 0 && used < maxw && col + used < s->cols) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, text, left, &st);
		if (n == (size_t)-1 || n == (size_t)-2) {
			/* Not valid in this locale: show the byte as '?' and go on. */
			wc = L'?';
			n = 1;
			memset(&st, 0, sizeof(st));
		} else if (n == 0) {
			break;
		}
		if (!s->utf8 && wc > 0x7e)
			wc = L'?';
		screen_putwc(s, row, col + used, role, wc);
		used++;
		text += n;
		left -= n;
	}
	return used;
}

/* Formats and writes. */
int screen_printf(struct screen *s, int row, int col, int maxw, int role, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return screen_puts(s, row, col, maxw, role, buf);
}

/* Sets roles. */
void screen_paint(struct screen *s, int row, int col, int n, int role)
{
	for (int i = 0; i < n; i++)
		if (row >= 0 && row < s->rows && col + i >= 0 && col + i < s->cols)
			s->cells[row * s->cols + col + i].role = (unsigned char)role;
}

/* Picks a glyph. */
wchar_t screen_glyph(const struct screen *s, wchar_t utf8, char ascii)
{
	return s->utf8 ? utf8 : (wchar_t)ascii;
}

/* Prints the screen as text. */
void screen_write_text(const struct screen *s, FILE *out)
{
	for (int r = 0; r < s->rows; r++) {
		int last = s->cols - 1;

		while (last >= 0 && s->cells[r * s->cols + last].ch == L' ')
			last--;
		for (int c = 0; c <= last; c++) {
			char mb[MB_LEN_MAX];
			mbstate_t st;
			memset(&st, 0, sizeof(st));
			size_t n = wcrtomb(mb, s->cells[r * s->cols + c].ch, &st);
			if (n == (size_t)-1)
				fputc('?', out);
			else
				fwrite(mb, 1, n, out);
		}
		fputc('\n', out);
	}
}
