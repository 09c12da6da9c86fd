/*
 * Rendering on a real terminal: the panels painted by term_paint through
 * curses (newterm on a pty) at 80x24 and 200x60, in colour and in
 * monochrome, and read back from what curses holds for the terminal.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "key_table.h"
#include "model.h"
#include "panel.h"
#include "panel_fixture.h"
#include "screen.h"
#include "term_paint.h"
#include "theme.h"

/* An off-screen terminal: curses writes to the pty's slave, a thread drains the master. */
struct term {
	int master;
	FILE *slave;
	SCREEN *scr;
	pthread_t drain;
};

/* Reads and discards the terminal's output until the slave closes, so curses never blocks. */
static void *drain_master(void *arg)
{
	int fd = *(int *)arg;
	char buf[4096];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
	}
}

/* Opens a cols x rows pty, starts curses on it as terminal type, and sets the theme up. */
static void term_open(struct term *t, const char *type, int cols, int rows, bool color,
		      enum dashboard_theme theme)
{
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };

	setlocale(LC_ALL, "C.UTF-8");
	/* The size must come from the pty, not from the environment. */
	unsetenv("LINES");
	unsetenv("COLUMNS");
	t->master = posix_openpt(O_RDWR | O_NOCTTY);
	cr_assert_geq(t->master, 0, "posix_openpt: %s", strerror(errno));
	cr_assert_eq(grantpt(t->master), 0);
	cr_assert_eq(unlockpt(t->master), 0);
	int fd = open(ptsname(t->master), O_RDWR | O_NOCTTY);
	cr_assert_geq(fd, 0, "the pty's slave: %s", strerror(errno));
	cr_assert_eq(ioctl(fd, TIOCSWINSZ, &ws), 0);
	t->slave = fdopen(fd, "r+");
	cr_assert_not_null(t->slave);
	cr_assert_eq(pthread_create(&t->drain, NULL, drain_master, &t->master), 0);
	t->scr = newterm(type, t->slave, t->slave);
	cr_assert_not_null(t->scr, "no terminfo entry for %s (ncurses-base installs it)", type);
	set_term(t->scr);
	cr_assert_eq(LINES, rows, "curses took the pty's size");
	cr_assert_eq(COLS, cols, "curses took the pty's size");
	theme_init(theme, color);
}

/* Ends curses, closes the pty and waits for the drain thread. */
static void term_close(struct term *t)
{
	endwin();
	delscreen(t->scr);
	fclose(t->slave);
	pthread_join(t->drain, NULL);
	close(t->master);
}

/* Draws the model into a grid the terminal's size and paints it; returns the grid. */
static struct screen *paint_model(const struct model *m, const struct panel_view *v)
{
	struct screen *s = screen_create(LINES, COLS, true);

	cr_assert_not_null(s);
	panel_layout_draw(s, m, v);
	term_paint(s);
	return s;
}

/* One cell of what curses holds for the terminal (curscr): character, attributes, colour pair. */
struct term_cell {
	wchar_t ch;
	attr_t attrs;
	short pair;
};

/* Reads the cell at row, col of the terminal. */
static struct term_cell term_cell_at(int row, int col)
{
	cchar_t cc;
	wchar_t wch[CCHARW_MAX + 1] = { 0 };
	struct term_cell out = { 0 };

	cr_assert_eq(mvwin_wch(curscr, row, col, &cc), OK, "cell %d,%d", row, col);
	cr_assert_eq(getcchar(&cc, wch, &out.attrs, &out.pair, NULL), OK);
	out.ch = wch[0];
	return out;
}

/* Reads a row of the terminal as wide characters into buf (COLS + 1 long). */
static wchar_t *term_row_wide(int row, wchar_t *buf)
{
	for (int c = 0; c < COLS; c++)
		buf[c] = term_cell_at(row, c).ch;
	buf[COLS] = L'\0';
	return buf;
}

/* Reads a row of the terminal as UTF-8 text, trailing blanks trimmed, into buf. */
static char *term_row_text(int row, char *buf, size_t size)
{
	wchar_t wide[1024];
	size_t n;

	term_row_wide(row, wide);
	n = wcstombs(buf, wide, size);
	cr_assert_lt(n, size, "row %d does not convert to text", row);
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	return buf;
}

/* Reads the grid's row as the plain-text frame prints it. */
static char *grid_row_text(const struct screen *s, int row, char *buf, size_t size)
{
	struct screen one = { .rows = 1, .cols = s->cols, .utf8 = s->utf8,
			      .cells = s->cells + row * s->cols };
	FILE *out = fmemopen(buf, size, "w");

	cr_assert_not_null(out);
	screen_write_text(&one, out);
	fclose(out);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* Returns the first terminal row holding text, or -1. */
static int term_find_row(const char *text)
{
	char buf[4096];

	for (int r = 0; r < LINES; r++)
		if (strstr(term_row_text(r, buf, sizeof(buf)), text) != NULL)
			return r;
	return -1;
}

/* Returns the column where text starts on a terminal row (text must be there). */
static int term_find_col(int row, const wchar_t *text)
{
	wchar_t wide[1024];
	const wchar_t *at = wcsstr(term_row_wide(row, wide), text);

	cr_assert_not_null(at, "'%ls' not on row %d: %ls", text, row, wide);
	return (int)(at - wide);
}

/* Paints the fixture on a terminal and checks every row and every panel's text. */
static void check_frame(const char *type, bool color, int cols, int rows)
{
	struct model *m = panel_fixture_feed(cols > 100 ? 40 : 6);
	struct panel_view v;
	struct term t;
	char want[4096], got[4096];

	panel_view_init(&v);
	v.keys = &key_table_live; /* as the live dashboard: its keys on the bottom line */
	term_open(&t, type, cols, rows, color, THEME_DEFAULT);
	struct screen *s = paint_model(m, &v);
	/* The terminal holds exactly the frame --once prints. */
	for (int r = 0; r < rows; r++)
		cr_expect_str_eq(term_row_text(r, got, sizeof(got)), grid_row_text(s, r, want, sizeof(want)),
				 "%s %dx%d, row %d", type, cols, rows, r);
	/* Each panel, where the layout puts it. */
	cr_expect_eq(term_find_row("pid 4242"), 0, "the header is the top line");
	cr_expect_eq(term_find_row("Dispatch main"), 1);
	cr_expect_eq(term_find_row("Workers   CQ depth"), 2);
	for (int w = 0; w < 4; w++) {
		char name[8];
		snprintf(name, sizeof(name), " w%d ", w);
		cr_expect_eq(strncmp(term_row_text(3 + w, got, sizeof(got)), name, 4), 0,
			     "w%d's row: %s", w, got);
	}
	int states = term_find_row("drive_machine");
	cr_expect_eq(states, 7);
	cr_expect_gt(term_find_row("waiting "), states, "the states and their counts");
	int conns = term_find_row("Connections");
	cr_expect_geq(conns, states, "the connections beside or below the states");
	cr_expect_gt(term_find_row("listening      "), conns, "the listening conn's row");
	cr_expect_geq(term_find_row("Events (newest first)"), conns);
	cr_expect_eq(term_find_row("? help  q quit"), rows - 1, "the key line is the bottom line");
	term_close(&t);
	screen_destroy(s);
	model_destroy(m);
}

/* One way of showing the screen: a terminal type, colour asked for or not, a size. */
struct frame_case {
	char type[32];  /* an array, not a pointer: cases are copied into the test's process */
	bool color;
	int cols, rows;
};

/* Colour, NO_COLOR's monochrome, and a terminal without colour, each at 80x24 and 200x60. */
ParameterizedTestParameters(term_paint, every_panel_in_every_mode)
{
	static struct frame_case cases[] = {
		{ "xterm-256color", true, 80, 24 }, { "xterm-256color", true, 200, 60 },
		{ "xterm-256color", false, 80, 24 }, { "xterm-256color", false, 200, 60 },
		{ "xterm-mono", true, 80, 24 }, { "xterm-mono", true, 200, 60 },
	};
	return cr_make_param_array(struct frame_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct frame_case *fc, term_paint, every_panel_in_every_mode)
{
	check_frame(fc->type, fc->color, fc->cols, fc->rows);
}

/* Paints the fixture (6 connections, the first selected) on a terminal; returns the grid. */
static struct screen *paint_fixture(struct term *t, struct model **m, const char *type, bool color,
				     enum dashboard_theme theme)
{
	struct panel_view v;

	*m = panel_fixture_feed(6);
	panel_view_init(&v);
	term_open(t, type, 80, 24, color, theme);
	return paint_model(*m, &v);
}

/* The cell where text starts on the first row holding row_text. */
static struct term_cell cell_of(const char *row_text, const wchar_t *text)
{
	int row = term_find_row(row_text);

	cr_assert_geq(row, 0, "no row with '%s'", row_text);
	return term_cell_at(row, term_find_col(row, text));
}

Test(term_paint, colour_gives_each_state_its_own_colour)
{
	struct term t;
	struct model *m;
	struct screen *s = paint_fixture(&t, &m, "xterm-256color", true, THEME_DEFAULT);

	cr_assert(has_colors());
	/* conn 10 was popped by w0 and waits; conn 11 sits in frozen w1's queue, in new_cmd. */
	struct term_cell waiting = cell_of("      10    20 w0", L"waiting");
	struct term_cell new_cmd = cell_of("      11    21 w1", L"new_cmd");
	cr_expect_neq(waiting.pair, 0);
	cr_expect_neq(new_cmd.pair, 0);
	cr_expect_neq(waiting.pair, new_cmd.pair, "two states in one colour");
	term_close(&t);
	screen_destroy(s);
	model_destroy(m);
}

/* Checks that without colour the picture still tells its parts apart by attributes. */
static void check_mono(const char *type, bool color, enum dashboard_theme theme)
{
	struct term t;
	struct model *m;
	struct screen *s = paint_fixture(&t, &m, type, color, theme);

	for (int r = 0; r < LINES; r++)
		for (int c = 0; c < COLS; c++)
			cr_assert_eq(term_cell_at(r, c).pair, 0, "colour at %d,%d in monochrome", r, c);
	cr_expect(term_cell_at(0, 0).attrs & A_REVERSE, "the header stands out");
	/* The selected connection (the first) is reversed, the next one is not. */
	cr_expect(cell_of("       1     9 main", L"1").attrs & A_REVERSE);
	cr_expect_not(cell_of("      10    20 w0", L"10").attrs & A_REVERSE);
	/* A CQ bar: filled and empty cells differ in glyph and in attributes. */
	int w1 = term_find_row(" w1  ");
	int filled = term_find_col(w1, L"\u2588"), empty = term_find_col(w1, L"\u00b7");
	cr_expect_neq(term_cell_at(w1, filled).attrs, term_cell_at(w1, empty).attrs,
		      "a CQ bar's filled and empty cells look alike");
	/* drive_machine: the state just entered is lit; one not entered is not. */
	int states = term_find_row("drive_machine") + 1;
	struct term_cell lit = term_cell_at(states, term_find_col(states, L"waiting"));
	struct term_cell unlit = term_cell_at(states, term_find_col(states, L"read"));
	cr_expect_neq(lit.attrs, unlit.attrs, "the latest transition is not lit without colour");
	term_close(&t);
	screen_destroy(s);
	model_destroy(m);
}

Test(term_paint, no_color_keeps_parts_apart)
{
	check_mono("xterm-256color", false, THEME_DEFAULT);
}

Test(term_paint, the_mono_theme_keeps_parts_apart_on_a_colour_terminal)
{
	check_mono("xterm-256color", true, THEME_MONO);
}

Test(term_paint, the_contrast_theme_is_bold_dark_on_white_and_dims_nothing)
{
	struct term t;
	struct model *m;
	struct screen *s = paint_fixture(&t, &m, "xterm-256color", true, THEME_CONTRAST);
	short fg, bg;

	cr_assert(has_colors());
	cr_assert_eq(pair_content(0, &fg, &bg), OK);
	cr_expect_eq(fg, COLOR_BLACK, "the screen's own colours: black");
	cr_expect_eq(bg, COLOR_WHITE, "on white");
	for (int r = 0; r < LINES; r++)
		for (int c = 0; c < COLS; c++)
			cr_assert_not(term_cell_at(r, c).attrs & A_DIM, "a dimmed cell at %d,%d", r, c);
	struct term_cell waiting = cell_of("      10    20 w0", L"waiting");
	struct term_cell new_cmd = cell_of("      11    21 w1", L"new_cmd");
	cr_expect_neq(waiting.pair, new_cmd.pair, "two states in one colour");
	cr_expect(waiting.attrs & A_BOLD);
	term_close(&t);
	screen_destroy(s);
	model_destroy(m);
}

Test(term_paint, a_mono_terminal_keeps_parts_apart)
{
	check_mono("xterm-mono", true, THEME_DEFAULT);
}
