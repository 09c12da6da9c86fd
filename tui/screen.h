/*
 * screen.h: the dashboard's picture as a grid of cells, each a character
 * and a semantic role (never a colour). Panels draw into it; the curses
 * front end paints it with a theme once per frame, and --once prints it as
 * plain text, so both show exactly the same thing.
 */
#ifndef MCSCOPE_TUI_SCREEN_H
#define MCSCOPE_TUI_SCREEN_H

#include <stdbool.h>
#include <stdio.h>
#include <wchar.h>

#include "wire.h"

/* What a cell shows; a theme maps roles to colours and attributes. */
enum role {
	ROLE_TEXT,
	ROLE_DIM,
	ROLE_TITLE,      /* panel titles and column heads */
	ROLE_HEADER,     /* the top line */
	ROLE_ALERT,      /* PAUSED, FROZEN, dropped events */
	ROLE_POINTER,    /* the round-robin pointer */
	ROLE_NEWEST,     /* the newest dispatch, the latest transitions */
	ROLE_BAR,        /* CQ depth bars and sparklines */
	ROLE_SELECTED,   /* the selected row */
	ROLE_STATE,      /* + enum conn_states: one role per state */
	ROLE_MAX = ROLE_STATE + conn_max_state,
};

struct cell {
	wchar_t ch;
	unsigned char role;
};

struct screen {
	int rows, cols;
	bool utf8;       /* false: ASCII stand-ins for box and block characters */
	struct cell *cells;
};

/* Creates a blank rows x cols screen; NULL when out of memory. */
struct screen *screen_create(int rows, int cols, bool utf8);

/* Frees it. */
void screen_destroy(struct screen *s);

/* Changes the size (blanking it); -1 when out of memory. */
int screen_resize(struct screen *s, int rows, int cols);

/* Blanks every cell. */
void screen_clear(struct screen *s);

/* Writes one character; outside the screen it is dropped. */
void screen_putwc(struct screen *s, int row, int col, int role, wchar_t ch);

/* Writes a UTF-8 string, clipped at maxw columns (and the screen's edge); returns the columns used. */
int screen_puts(struct screen *s, int row, int col, int maxw, int role, const char *text);

/* Formats and writes like screen_puts. */
int screen_printf(struct screen *s, int row, int col, int maxw, int role, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Sets the role of n cells from (row, col) on, keeping their characters. */
void screen_paint(struct screen *s, int row, int col, int n, int role);

/* Picks the UTF-8 character, or its ASCII stand-in on a non-UTF-8 screen. */
wchar_t screen_glyph(const struct screen *s, wchar_t utf8, char ascii);

/* Prints the screen as plain text (trailing blanks trimmed) in the current locale. */
void screen_write_text(const struct screen *s, FILE *out);

#endif
