/* Rendering: the panels drawn from a model fed with event lines, read back as text. */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "panel_fixture.h"
#include "panel.h"
#include "screen.h"

/* Draws the model at cols x rows and returns the text (malloc'd). */
static char *render(struct model *m, int cols, int rows, bool utf8, struct panel_view *v)
{
	struct screen *s = screen_create(rows, cols, utf8);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	panel_layout_draw(s, m, v);
	screen_write_text(s, out);
	fclose(out);
	screen_destroy(s);
	return text;
}

/* Counts the lines of text. */
static int lines_of(const char *text)
{
	int n = 0;
	for (; *text != '\0'; text++)
		n += *text == '\n';
	return n;
}

Test(panels, eighty_by_twenty_four_shows_every_part)
{
	struct model *m = panel_fixture_feed(6);
	struct panel_view v;

	setlocale(LC_ALL, "C.UTF-8");
	panel_view_init(&v);
	char *text = render(m, 80, 24, true, &v);
	cr_assert_eq(lines_of(text), 24);
	cr_expect_not_null(strstr(text, "pid 4242"), "%s", text);
	cr_expect_not_null(strstr(text, "4 threads  rr"), "%s", text);
	cr_expect_not_null(strstr(text, "Dispatch main"), "%s", text);
	cr_expect_not_null(strstr(text, "next w2"), "the rr pointer after 6 dispatches:\n%s", text);
	for (int w = 0; w < 4; w++) {
		char name[8];
		snprintf(name, sizeof(name), " w%d", w);
		cr_expect_not_null(strstr(text, name), "no row for w%d:\n%s", w, text);
	}
	cr_expect_not_null(strstr(text, "drive_machine"), "%s", text);
	cr_expect_not_null(strstr(text, "waiting 4"), "4 conns in conn_waiting:\n%s", text);
	cr_expect_not_null(strstr(text, "Connections"), "%s", text);
	cr_expect_not_null(strstr(text, "Events"), "%s", text);
	/* No line is wider than the screen. */
	for (char *line = text; *line != '\0';) {
		char *nl = strchr(line, '\n');
		size_t chars = 0;
		for (char *p = line; p < nl; p++)
			chars += ((unsigned char)*p & 0xc0) != 0x80;
		cr_expect_leq(chars, 80);
		line = nl + 1;
	}
	free(text);
	model_destroy(m);
}

Test(panels, a_frozen_workers_queue_shows_in_its_row)
{
	struct model *m = panel_fixture_feed(8);
	struct panel_view v;

	setlocale(LC_ALL, "C.UTF-8");
	panel_view_init(&v);
	char *text = render(m, 80, 24, false, &v);
	char *row = strstr(text, " w1 ");
	cr_assert_not_null(row, "%s", text);
	/* Two conns pushed onto w1 and never popped: depth 1 (absolute from the last push). */
	cr_expect_not_null(strstr(row, "[#"), "w1's bar is empty:\n%s", text);
	free(text);
	model_destroy(m);
}

Test(panels, two_hundred_by_sixty_uses_the_room)
{
	struct model *m = panel_fixture_feed(40);
	struct panel_view v;

	setlocale(LC_ALL, "C.UTF-8");
	panel_view_init(&v);
	char *text = render(m, 200, 60, true, &v);
	cr_assert_eq(lines_of(text), 60);
	int listed = 0;
	for (int id = 10; id < 50; id++) {
		char needle[16];
		snprintf(needle, sizeof(needle), "%8d ", id);
		listed += strstr(text, needle) != NULL;
	}
	cr_expect_geq(listed, 30, "only %d of 40 connections listed at 200x60:\n%s", listed, text);
	free(text);
	model_destroy(m);
}

Test(panels, ascii_only_when_the_terminal_is_not_utf8)
{
	struct model *m = panel_fixture_feed(6);
	struct panel_view v;

	setlocale(LC_ALL, "C");
	panel_view_init(&v);
	char *text = render(m, 80, 24, false, &v);
	for (const char *p = text; *p != '\0'; p++)
		cr_expect((unsigned char)*p < 0x80, "a non-ASCII byte on an ASCII screen:\n%s", text);
	free(text);
	model_destroy(m);
}

Test(panels, paused_and_help_are_loud)
{
	struct model *m = panel_fixture_feed(2);
	struct panel_view v;
	const char *paused = "ts=9000 seq=90 thr=main ev=paused";

	setlocale(LC_ALL, "C.UTF-8");
	model_feed(m, paused, strlen(paused));
	panel_view_init(&v);
	v.show_help = true;
	char *text = render(m, 80, 24, true, &v);
	cr_expect_not_null(strstr(text, "PAUSED"), "%s", text);
	cr_expect_not_null(strstr(text, "mcscope keys"), "%s", text);
	cr_expect_not_null(strstr(text, "step one event"), "%s", text);
	free(text);
	model_destroy(m);
}

/* Returns the row of the rendered text where needle first appears, or -1. */
static int row_of(const char *text, const char *needle)
{
	const char *at = strstr(text, needle);
	int row = 0;

	if (at == NULL)
		return -1;
	for (const char *p = text; p < at; p++)
		row += *p == '\n';
	return row;
}

/* Clicks land on what the screen shows there, at 80x24 (panels stacked) and 200x60 (side by side). */
static void check_hits(int cols, int rows)
{
	struct model *m = panel_fixture_feed(6);
	struct panel_view v;
	struct panel_hit hit;

	setlocale(LC_ALL, "C.UTF-8");
	panel_view_init(&v);
	v.sort = MODEL_SORT_WORKER;
	char *text = render(m, cols, rows, true, &v);
	for (int w = 0; w < 4; w++) {
		char name[8];
		snprintf(name, sizeof(name), "\n w%d ", w);
		hit = panel_layout_hit(rows, cols, m, &v, row_of(text, name) + 1, 10);
		cr_expect_eq(hit.panel, PANEL_WORKERS, "%dx%d", cols, rows);
		cr_expect_eq(hit.item, w, "a click on w%d's row at %dx%d", w, cols, rows);
	}
	hit = panel_layout_hit(rows, cols, m, &v, row_of(text, "Dispatch main"), 3);
	cr_expect_eq(hit.panel, PANEL_WORKERS);
	cr_expect_eq(hit.item, -1, "the dispatch line is no worker");
	/* Sorted by worker, conn 11 (on w1) is the fourth row: the listening conn, 10 and 14 on w0, 11. */
	hit = panel_layout_hit(rows, cols, m, &v, row_of(text, "      11    21 w1"), 30);
	cr_expect_eq(hit.panel, PANEL_CONNS);
	cr_expect_eq(hit.item, 3, "%dx%d:\n%s", cols, rows, text);
	hit = panel_layout_hit(rows, cols, m, &v, row_of(text, "    conn    fd"), 5);
	cr_expect_eq(hit.panel, PANEL_CONNS);
	cr_expect_eq(hit.item, -1, "the column heads are no connection");
	int events = row_of(text, "Events (newest first)");
	int col = cols >= 160 ? cols - 10 : 5;
	hit = panel_layout_hit(rows, cols, m, &v, events + 1, col);
	cr_expect_eq(hit.panel, PANEL_LOG, "%dx%d", cols, rows);
	hit = panel_layout_hit(rows, cols, m, &v, 0, 5);
	cr_expect_eq(hit.panel, PANEL_COUNT, "the header takes no focus");
	hit = panel_layout_hit(rows, cols, m, &v, rows - 1, 5);
	cr_expect_eq(hit.panel, PANEL_COUNT, "the status line takes no focus");
	hit = panel_layout_hit(rows, cols, m, &v, rows + 3, cols + 3);
	cr_expect_eq(hit.panel, PANEL_COUNT, "off the screen");
	/* Scrolled by one, the same row shows the next connection. */
	v.conn_scroll = 1;
	hit = panel_layout_hit(rows, cols, m, &v, row_of(text, "      11    21 w1"), 30);
	cr_expect_eq(hit.item, 4);
	/* Tall screens have blank rows below the last connection: they select none. */
	v.conn_scroll = 0;
	if (rows > 24) {
		hit = panel_layout_hit(rows, cols, m, &v, row_of(text, "      13    23 w3") + 1, 30);
		cr_expect_eq(hit.panel, PANEL_CONNS);
		cr_expect_eq(hit.item, -1, "a blank row below the list is no connection");
	}
	free(text);
	model_destroy(m);
}

Test(panels, clicks_hit_what_is_drawn_at_80x24)
{
	check_hits(80, 24);
}

Test(panels, clicks_hit_what_is_drawn_at_200x60)
{
	check_hits(200, 60);
}
