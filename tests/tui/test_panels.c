/* Rendering: the panels drawn from a model fed with event lines, read back as text. */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "key_table.h"
#include "model.h"
#include "panel_fixture.h"
#include "panel.h"
#include "screen.h"

/* Draws the model at cols x rows and returns the text (malloc'd). */
static char *render(struct model *m, int cols, int rows, bool utf8, struct panel_view *v)
{
	struct screen *s = screen_create(rows, cols, utf8);

	cr_assert_not_null(s);
	panel_layout_draw(s, m, v);
	char *text = panel_fixture_text(s);
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
	/* The states as two rows of names and counts, as ever at this size: no diagram. */
	cr_expect_not_null(strstr(text, "\ndrive_machine   conns in each state; the latest transitions lit\n"
				     "listening 1 \u203anew_cmd 2 \u203awaiting 4 \u203aread 0 \u203aparse_cmd 0 "
				     "\u203anread 0 \u203aswallow 0\n"
				     "write 0 \u203amwrite 0 \u203aclosing 0 \u203aclosed 0\n"), "%s", text);
	cr_expect_null(strstr(text, "\u250c"), "no boxes at 80x24:\n%s", text);
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

Test(panels, the_timeout_thread_has_a_row_and_its_kick_is_in_the_log)
{
	static const char *const lines[] = {
		"ts=1000 seq=1 thr=main ev=hello v=1 pid=4242 threads=2 dispatch=rr tcp=11211 udp=0 maxconns=1024 reqs_per_event=20 idle_timeout=5 states=conn_listening,conn_new_cmd,conn_waiting,conn_read,conn_parse_cmd,conn_write,conn_nread,conn_swallow,conn_closing,conn_mwrite,conn_closed",
		"ts=1001 seq=1 thr=w0 ev=snapshot_worker depth=0 max_depth=0 open=1 dispatched=1 pending=0 delay=0",
		"ts=1002 seq=1 thr=w1 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0 delay=0",
		"ts=1003 seq=1 thr=w0 ev=snapshot_conn conn=2 fd=27 transport=tcp state=conn_read",
		"ts=1004 seq=1 thr=main ev=snapshot_end last=w0 next=w1",
		"ts=6000 seq=2 thr=timeout ev=notify_write to=w0 byte=t fd=27",
		"ts=6001 seq=3 thr=w0 ev=notify_read byte=t fd=27",
		"ts=6002 seq=4 thr=w0 ev=state conn=2 fd=27 from=conn_read to=conn_closing",
		"ts=6003 seq=5 thr=w0 ev=state conn=2 fd=27 from=conn_closing to=conn_closed",
		"ts=6004 seq=6 thr=w0 ev=conn_close conn=2 fd=27 reason=idle",
	};
	struct model *m = model_create(), *plain = panel_fixture_feed(2);
	struct panel_view v;

	cr_assert_not_null(m);
	panel_view_init(&v);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		model_feed(m, lines[i], strlen(lines[i]));
	char *text = render(m, 80, 24, false, &v);
	char *row = strstr(text, "\n tmo ");
	cr_assert_not_null(row, "no row for the timeout thread:\n%s", text);
	*strchr(row + 1, '\n') = '\0';
	cr_expect_str_eq(row + 1, " tmo  conn_timeout: idle > 5 s  kicks 1  closed idle 1   last 't' fd 27 -> w0");
	row[strlen(row)] = '\n';
	cr_expect_not_null(strstr(text, "timeout notify: wrote 't' and fd 27 to w0's pipe"), "%s", text);
	cr_expect_not_null(strstr(text, "w0 thread_libevent_process: read 't' and fd 27"), "%s", text);
	cr_expect_not_null(strstr(text, "w0 conn_close: conn 2 (idle)"), "%s", text);
	free(text);
	/* A server without an idle timeout has no such thread, and no row for it. */
	text = render(plain, 80, 24, false, &v);
	cr_expect_null(strstr(text, " tmo "), "%s", text);
	free(text);
	model_destroy(plain);
	model_destroy(m);
}

Test(panels, frozen_and_delayed_workers_are_marked)
{
	struct model *m = panel_fixture_feed(8);
	struct panel_view v;
	const char gate[] = "ts=9000000000 seq=900 thr=w1 ev=gate at=notify_read conn=0\n";
	const char delay[] = "ts=9000000001 seq=901 thr=main ev=delay to=w2 ms=250\n";

	panel_view_init(&v);
	model_feed(m, gate, sizeof(gate) - 1);
	model_feed(m, delay, sizeof(delay) - 1);
	char *text = render(m, 80, 24, true, &v);
	char *w1 = strstr(text, "\n w1 "), *w2 = strstr(text, "\n w2 ");
	cr_assert(w1 != NULL && w2 != NULL, "%s", text);
	cr_expect(memmem(w1, (size_t)(strchr(w1 + 1, '\n') - w1), "FROZEN", 6) != NULL, "%s", text);
	cr_expect(memmem(w2, (size_t)(strchr(w2 + 1, '\n') - w2), "DELAY 250ms", 11) != NULL, "%s",
		  text);
	free(text);
	model_destroy(m);
}

/* Returns a copy of the rendered line that starts with prefix, without its newline (malloc'd). */
static char *line_of(const char *text, const char *prefix)
{
	char with_nl[32];
	const char *line, *nl;

	snprintf(with_nl, sizeof(with_nl), "\n%s", prefix);
	line = strstr(text, with_nl);
	cr_assert_not_null(line, "no line '%s' in:\n%s", prefix, text);
	line++;
	nl = strchr(line, '\n');
	return strndup(line, nl != NULL ? (size_t)(nl - line) : strlen(line));
}

/* True when s ends with tail. */
static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

Test(panels, stopped_threads_show_what_they_do_next)
{
	struct model *m = panel_fixture_feed(8);
	struct panel_view v;
	static const char *const lines[] = {
		"ts=9000000000 seq=900 thr=main ev=paused",
		"ts=9000000001 seq=901 thr=main ev=gate at=dispatch conn=30",
		"ts=9000000002 seq=902 thr=w2 ev=gate at=cq_pop conn=31",
	};

	setlocale(LC_ALL, "C.UTF-8");
	panel_view_init(&v);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		model_feed(m, lines[i], strlen(lines[i]));
	char *text = render(m, 80, 24, true, &v);
	char *dispatch = line_of(text, "Dispatch"), *w2 = line_of(text, " w2 "), *w0 = line_of(text, " w0 ");
	/* At the end of each thread's line, where nothing cuts it off. */
	cr_expect(ends_with(dispatch, " main next dispatch"), "'%s'", dispatch);
	cr_expect(ends_with(w2, " next cq_pop"), "'%s'", w2);
	cr_expect_null(strstr(w0, "next"), "w0 is not at a gate: '%s'", w0);
	free(dispatch);
	free(w2);
	free(w0);
	free(text);
	model_destroy(m);
}

Test(panels, a_held_display_says_so_in_the_header)
{
	struct model *m = panel_fixture_feed(6);
	struct panel_view v;

	setlocale(LC_ALL, "C.UTF-8");
	panel_view_init(&v);
	v.display_held = true;
	char *text = render(m, 80, 24, true, &v);
	const char *marker = strstr(text, "DISPLAY HELD (p)");
	cr_expect(marker != NULL && marker < strchr(text, '\n'), "%s", text);
	free(text);
	model_destroy(m);
}

Test(panels, the_header_says_main_stopped_accepting_and_slow_motion)
{
	struct model *m = panel_fixture_feed(6);
	struct panel_view v;
	const char *pause = "ts=9000 seq=90 thr=main ev=accept_pause reason=maxconns";

	setlocale(LC_ALL, "C.UTF-8");
	model_feed(m, pause, strlen(pause));
	panel_view_init(&v);
	v.slowmo_ms = 250;
	char *text = render(m, 80, 24, true, &v);
	const char *first_end = strchr(text, '\n');
	const char *marker = strstr(text, "NOT ACCEPTING (maxconns)  SLOWMO 250ms");
	cr_expect(marker != NULL && marker < first_end, "%s", text);
	free(text);
	model_destroy(m);
}

Test(panels, a_scene_takes_the_header_s_second_row)
{
	struct model *m = panel_fixture_feed(6);
	struct panel_view v, plain;
	struct panel_rects with, without;

	setlocale(LC_ALL, "C.UTF-8");
	panel_view_init(&v);
	panel_view_init(&plain);
	v.scene = "Scene 4/9  CQ backlog";
	v.scene_idea = "w1 is frozen: main keeps pushing conns onto its CQ; thawed, w1 pops them all";
	v.scene_cue = "thaw w1 in 3 s";
	char *text = render(m, 80, 24, true, &v);
	const char *second = strchr(text, '\n') + 1;
	cr_expect_eq(strncmp(second, " Scene 4/9  CQ backlog  w1 is frozen", 36), 0, "%s", text);
	const char *cue = strstr(second, " thaw w1 in 3 s\n");
	cr_expect(cue != NULL && cue - second == 80 - 16, "the cue, whole, at the right end:\n%s", text);
	cr_expect_eq(lines_of(text), 24);
	free(text);
	/* Everything under it moves down a row; the bottom line stays the last. */
	panel_layout_view(24, 80, m, &v, &with);
	panel_layout_view(24, 80, m, &plain, &without);
	cr_expect_eq(with.header.rows, 2);
	cr_expect_eq(with.workers.row, without.workers.row + 1);
	cr_expect_eq(with.bottom.row, 23);
	cr_expect_eq(without.bottom.row, 23);
	/* A click lands where the panels are drawn. */
	struct panel_hit hit = panel_layout_hit(24, 80, m, &v, with.workers.row + 3, 5);
	cr_expect_eq(hit.panel, PANEL_WORKERS);
	cr_expect_eq(hit.item, 1);
	/* Zoomed, the panel in focus has every row between the scene's line and the bottom line. */
	v.zoomed = true;
	panel_layout_view(24, 80, m, &v, &with);
	cr_expect_eq(with.conns.row, 2);
	cr_expect_eq(with.conns.rows, 21);
	cr_expect_eq(with.header.rows, 2);
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
	static const int sizes[][2] = { { 80, 24 }, { 200, 60 } };
	struct model *m = panel_fixture_feed(6);
	struct panel_view v;

	setlocale(LC_ALL, "C");
	panel_view_init(&v);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *text = render(m, sizes[i][0], sizes[i][1], false, &v);
		for (const char *p = text; *p != '\0'; p++)
			cr_expect((unsigned char)*p < 0x80, "a non-ASCII byte on an ASCII screen:\n%s", text);
		if (sizes[i][0] == 200)
			cr_expect_not_null(strstr(text, "|  listening 1  +------>|   new_cmd 2   +------>|"),
					   "the diagram in ASCII:\n%s", text);
		free(text);
	}
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
	v.keys = &key_table_live;
	v.show_help = true;
	char *text = render(m, 80, 24, true, &v);
	cr_expect_not_null(strstr(text, "PAUSED"), "%s", text);
	cr_expect_not_null(strstr(text, "mcscope keys"), "%s", text);
	cr_expect_not_null(strstr(text, "step one event"), "%s", text);
	free(text);
	model_destroy(m);
}

/* Finds where needle first appears in the rendered text: its row and column; false when absent. */
static bool find_in(const char *text, const char *needle, int *row, int *col)
{
	const char *at = strstr(text, needle), *line = text;

	if (at == NULL)
		return false;
	*row = 0;
	for (const char *p = text; p < at; p++) {
		if (*p == '\n') {
			(*row)++;
			line = p + 1;
		}
	}
	/* Columns are characters: count the UTF-8 lead bytes. */
	*col = 0;
	for (const char *p = line; p < at; p++)
		*col += ((unsigned char)*p & 0xc0) != 0x80;
	return true;
}

/* Returns the row of the rendered text where needle first appears, or -1. */
static int row_of(const char *text, const char *needle)
{
	int row, col;

	return find_in(text, needle, &row, &col) ? row : -1;
}

/* Returns the column where needle first appears, or -1. */
static int col_of(const char *text, const char *needle)
{
	int row, col;

	return find_in(text, needle, &row, &col) ? col : -1;
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
	int conn_col = col_of(text, "      11    21 w1") + 5;
	hit = panel_layout_hit(rows, cols, m, &v, row_of(text, "      11    21 w1"), conn_col);
	cr_expect_eq(hit.panel, PANEL_CONNS);
	cr_expect_eq(hit.item, 3, "%dx%d:\n%s", cols, rows, text);
	hit = panel_layout_hit(rows, cols, m, &v, row_of(text, "    conn    fd"), conn_col);
	cr_expect_eq(hit.panel, PANEL_CONNS);
	cr_expect_eq(hit.item, -1, "the column heads are no connection");
	int events = row_of(text, "Events (newest first)");
	hit = panel_layout_hit(rows, cols, m, &v, events + 1, col_of(text, "Events (newest") + 3);
	cr_expect_eq(hit.panel, PANEL_LOG, "%dx%d", cols, rows);
	hit = panel_layout_hit(rows, cols, m, &v, 0, 5);
	cr_expect_eq(hit.panel, PANEL_COUNT, "the header takes no focus");
	hit = panel_layout_hit(rows, cols, m, &v, rows - 1, 5);
	cr_expect_eq(hit.panel, PANEL_COUNT, "the status line takes no focus");
	hit = panel_layout_hit(rows, cols, m, &v, rows + 3, cols + 3);
	cr_expect_eq(hit.panel, PANEL_COUNT, "off the screen");
	/* Scrolled by one, the same row shows the next connection. */
	v.conn_scroll = 1;
	hit = panel_layout_hit(rows, cols, m, &v, row_of(text, "      11    21 w1"), conn_col);
	cr_expect_eq(hit.item, 4);
	/* Tall screens have blank rows below the last connection: they select none. */
	v.conn_scroll = 0;
	if (rows > 24) {
		hit = panel_layout_hit(rows, cols, m, &v, row_of(text, "      13    23 w3") + 1, conn_col);
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

/* The role of the cell at row, col. */
static int role_at(const struct screen *s, int row, int col)
{
	return s->cells[row * s->cols + col].role;
}

/* The role of the cell delta columns from where needle starts in the text (needle must be there). */
static int role_near(const struct screen *s, const char *text, const char *needle, int delta)
{
	int row, col;

	cr_assert(find_in(text, needle, &row, &col), "no '%s' in:\n%s", needle, text);
	return role_at(s, row, col + delta);
}

/* Expects a box for every state and an arrowhead for every transition of wire.h's table inside the
 * states panel of a screen drawn by panel_layout_draw. */
static void expect_whole_diagram(const struct screen *s, const struct model *m, const char *text)
{
	struct panel_rects r;
	int arrows = 0;

	for (int st = 0; st < conn_max_state; st++)
		cr_expect_not_null(strstr(text, panel_state_short(st)), "no box for %s", wire_state_name(st));
	panel_layout_compute(s->rows, s->cols, m, &r);
	for (int row = 0; row < s->rows; row++) {
		for (int col = 0; col < s->cols; col++) {
			wchar_t ch = s->cells[row * s->cols + col].ch;
			bool head = ch == L'\u25b6' || ch == L'\u25c0' || ch == L'\u25b2' || ch == L'\u25bc';
			bool inside = row >= r.states.row && row < r.states.row + r.states.rows &&
				      col >= r.states.col && col < r.states.col + r.states.cols;
			arrows += head && inside;
		}
	}
	cr_expect_eq(arrows, wire_ntransitions, "%s", text);
}

Test(panels, two_hundred_by_sixty_draws_the_state_diagram)
{
	struct model *m = panel_fixture_feed(40);
	struct screen *s = screen_create(60, 200, true);
	struct panel_view v;

	setlocale(LC_ALL, "C.UTF-8");
	panel_view_init(&v);
	panel_layout_draw(s, m, &v);
	char *text = panel_fixture_text(s);
	/* A request's cycle along the top, each box with its live count, arrows between. */
	cr_expect_not_null(strstr(text, "\u2502  listening 1  \u251c\u2500\u2500\u2500\u2500\u2500\u2500\u25b6"
				     "\u2502  new_cmd 10   \u251c\u2500\u2500\u2500\u2500\u2500\u2500\u25b6"
				     "\u2502  waiting 30   \u251c\u2500\u2500\u2500\u2500\u2500\u2500\u25b6"
				     "\u2502    read 0     \u2502"), "%s", text);
	/* Swallow the value, then write its error (memcached 1.6's order); closing into closed. */
	cr_expect_not_null(strstr(text, "\u2502   swallow 0   \u251c\u2500\u2500\u2500\u2500\u2500\u2500\u25b6"
				     "\u2502    write 0    \u2502"), "%s", text);
	cr_expect_not_null(strstr(text, "closing 0"), "%s", text);
	cr_expect_not_null(strstr(text, "\u251c\u2500\u2500\u2500\u2500\u2500\u2500\u25b6\u2502   closed 0"),
			   "%s", text);
	expect_whole_diagram(s, m, text);
	/* The latest transition (new_cmd to waiting) is lit; read to parse_cmd, never taken, is not. */
	cr_expect_eq(role_near(s, text, "\u25b6\u2502  waiting 30", 0), ROLE_NEWEST);
	cr_expect_eq(role_near(s, text, "\u25b6\u2502    read 0", 0), ROLE_DIM);
	cr_expect_eq(role_near(s, text, "waiting 30", 0), ROLE_NEWEST, "the state just entered");
	free(text);
	screen_destroy(s);
	model_destroy(m);
}

Test(panels, a_projectors_120x35_draws_the_compact_diagram_beside_the_connections_and_events)
{
	struct model *m = panel_fixture_feed(40);
	struct screen *s = screen_create(35, 120, true);
	struct panel_view v;

	setlocale(LC_ALL, "C.UTF-8");
	panel_view_init(&v);
	panel_layout_draw(s, m, &v);
	char *text = panel_fixture_text(s);
	/* The cycle along the top in narrower boxes, closer together; nothing zoomed. */
	cr_expect_not_null(strstr(text, "\u2502 listening 1 \u251c\u2500\u2500\u2500\u2500\u25b6"
				     "\u2502 new_cmd 10  \u251c"), "%s", text);
	expect_whole_diagram(s, m, text);
	int conns_row, conns_col, log_row, log_col, diagram_row, diagram_col;
	cr_assert(find_in(text, "Connections", &conns_row, &conns_col), "%s", text);
	cr_assert(find_in(text, "Events (newest first)", &log_row, &log_col), "%s", text);
	cr_assert(find_in(text, "drive_machine", &diagram_row, &diagram_col), "%s", text);
	cr_expect_eq(conns_row, diagram_row, "the connections beside the diagram:\n%s", text);
	cr_expect_geq(conns_col, PANEL_STATES_COMPACT_COLS, "%s", text);
	cr_expect(log_row > conns_row && log_col == conns_col, "the events under the connections:\n%s", text);
	cr_expect_not_null(strstr(text, " conn wkr  tr  state        in cmd"), "the narrow list:\n%s", text);
	cr_expect_not_null(strstr(text, "   10 w0   tcp waiting "), "%s", text);
	cr_expect_eq(role_near(s, text, "waiting 30", 0), ROLE_NEWEST, "the state just entered");
	free(text);

	/* Five rows more (120x40): the events go under the diagram, where their sentences fit. */
	screen_destroy(s);
	s = screen_create(40, 120, true);
	panel_layout_draw(s, m, &v);
	text = panel_fixture_text(s);
	cr_assert(find_in(text, "Events (newest first)", &log_row, &log_col), "%s", text);
	cr_expect(log_col == 0 && log_row > diagram_row + PANEL_STATES_COMPACT_ROWS, "%s", text);
	expect_whole_diagram(s, m, text);
	free(text);

	/* The demo's pane beside the deck (118 columns): the diagram still, the list without times. */
	screen_destroy(s);
	s = screen_create(40, 118, true);
	panel_layout_draw(s, m, &v);
	text = panel_fixture_text(s);
	expect_whole_diagram(s, m, text);
	cr_expect_not_null(strstr(text, " conn wkr  tr  state     cmd"), "%s", text);
	free(text);

	/* Two rows less than 120x35 and the list of states comes back: the diagram is never cut. */
	screen_destroy(s);
	s = screen_create(33, 120, true);
	panel_layout_draw(s, m, &v);
	text = panel_fixture_text(s);
	cr_expect_null(strstr(text, "\u2502 listening 1 \u251c"), "%s", text);
	cr_expect_not_null(strstr(text, "listening 1"), "%s", text);
	free(text);
	screen_destroy(s);
	model_destroy(m);
}

Test(panels, a_big_count_in_a_compact_box_is_shown_in_thousands_not_cut)
{
	struct model *m = panel_fixture_feed(1400);
	struct screen *s = screen_create(35, 120, true);
	struct panel_view v;
	char line[160];

	/* 1,050 conns parsing a command: "parse_cmd 1050" is a cell wider than the box holds. */
	for (int c = 0; c < 1400; c++) {
		if (c % 4 == 1)
			continue; /* w1's conns wait in its queue */
		snprintf(line, sizeof(line),
			 "ts=%d seq=%d thr=w%d ev=state conn=%d fd=%d from=conn_waiting to=conn_parse_cmd",
			 900000 + c, 900000 + c, c % 4, 10 + c, 20 + c);
		model_feed(m, line, strlen(line));
	}
	setlocale(LC_ALL, "C.UTF-8");
	panel_view_init(&v);
	panel_layout_draw(s, m, &v);
	char *text = panel_fixture_text(s);
	cr_expect_not_null(strstr(text, "parse_cmd 1k"), "%s", text);
	free(text);
	screen_destroy(s);
	model_destroy(m);
}

Test(panels, the_selected_connections_path_in_the_diagram)
{
	struct model *m = panel_fixture_feed(40);
	struct screen *s = screen_create(60, 200, true);
	struct panel_view v;

	setlocale(LC_ALL, "C.UTF-8");
	panel_view_init(&v);
	v.show_details = true;
	v.conn_selected = 1; /* by id: the listening conn, then conn 10 */
	panel_layout_draw(s, m, &v);
	char *text = panel_fixture_text(s);
	cr_expect_not_null(strstr(text, "conn 10: its steps numbered"), "%s", text);
	/* conn 10 went new_cmd (step 1), then waiting (step 2): the numbers sit on the boxes. */
	int one_row, one_col, two_row, two_col, box_row, box_col;
	cr_assert(find_in(text, "\u2500 1 \u2500", &one_row, &one_col), "%s", text);
	cr_assert(find_in(text, "\u2500 2 \u2500", &two_row, &two_col), "%s", text);
	cr_assert(find_in(text, "new_cmd 10", &box_row, &box_col));
	cr_expect_eq(one_row, box_row - 1, "step 1 on new_cmd's box");
	cr_expect(one_col > box_col - 10 && one_col < box_col, "step 1 on new_cmd's box");
	cr_assert(find_in(text, "waiting 30", &box_row, &box_col));
	cr_expect_eq(two_row, box_row - 1, "step 2 on waiting's box");
	cr_expect(two_col > box_col - 10 && two_col < box_col, "step 2 on waiting's box");
	cr_expect_eq(role_at(s, one_row, one_col + 1), ROLE_SELECTED);
	/* The edge it took is marked, its present state's box too; the others are not. */
	cr_expect_eq(role_near(s, text, "\u25b6\u2502  waiting 30", 0), ROLE_SELECTED);
	cr_expect_eq(role_near(s, text, "\u25b6\u2502  waiting 30", 1), ROLE_SELECTED);
	cr_expect_eq(role_near(s, text, "\u2502    read 0", 0), ROLE_DIM);
	cr_expect_eq(role_near(s, text, "\u25b6\u2502  new_cmd 10", 0), ROLE_DIM);
	free(text);
	screen_destroy(s);
	model_destroy(m);
}

Test(panels, zoom_gives_the_focused_panel_the_whole_screen)
{
	struct model *m = panel_fixture_feed(6);
	struct panel_view v;

	setlocale(LC_ALL, "C.UTF-8");
	panel_view_init(&v);
	v.zoomed = true;
	/* The state diagram needs 116 columns: zoomed, it fits a 120x35 screen. */
	v.focus = PANEL_STATES;
	char *text = render(m, 120, 35, true, &v);
	cr_expect(strstr(text, "mcscope") != NULL, "the header stays:\n%s", text);
	cr_expect(strstr(text, "drive_machine") != NULL, "%s", text);
	cr_expect(strstr(text, "new_cmd") != NULL, "%s", text);
	cr_expect(strstr(text, "Connections") == NULL, "the other panels are gone:\n%s", text);
	cr_expect(strstr(text, "Events (newest first)") == NULL, "%s", text);
	struct panel_hit hit = panel_layout_hit(35, 120, m, &v, 20, 60);
	cr_expect_eq(hit.panel, PANEL_STATES);
	free(text);

	/* The events zoomed: a row for every line the screen has. */
	v.focus = PANEL_LOG;
	text = render(m, 80, 24, true, &v);
	cr_expect_eq(row_of(text, "Events (newest first)"), 1, "%s", text);
	cr_expect(strstr(text, "Workers") == NULL, "%s", text);
	free(text);

	/* Back: every panel again. */
	v.zoomed = false;
	text = render(m, 80, 24, true, &v);
	cr_expect(strstr(text, "Connections") != NULL && strstr(text, "Events (newest first)") != NULL, "%s", text);
	free(text);
	model_destroy(m);
}
