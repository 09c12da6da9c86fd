/* Rendering: the panels drawn from a model fed with event lines, read back as text. */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "panel.h"
#include "screen.h"

/* A server with 4 workers: 6 connections dispatched round robin, one mid-set, w1 frozen. */
static const char *const session[] = {
	"ts=1000 seq=1 thr=main ev=hello v=1 pid=4242 threads=4 dispatch=rr tcp=11211 udp=0 maxconns=1024 reqs_per_event=20 states=conn_listening,conn_new_cmd,conn_waiting,conn_read,conn_parse_cmd,conn_write,conn_nread,conn_swallow,conn_closing,conn_mwrite,conn_closed",
	"ts=1001 seq=1 thr=w0 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0",
	"ts=1002 seq=1 thr=w1 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0",
	"ts=1003 seq=1 thr=w2 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0",
	"ts=1004 seq=1 thr=w3 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0",
	"ts=1005 seq=1 thr=main ev=snapshot_conn conn=1 fd=9 transport=tcp state=conn_listening",
	"ts=1006 seq=1 thr=main ev=snapshot_end last=none next=w0",
};

/* Feeds the session plus n connections dispatched round robin. */
static struct model *feed(int n)
{
	struct model *m = model_create();
	char line[256];
	unsigned long long seq = 2, ts = 2000;

	cr_assert_not_null(m);
	for (size_t i = 0; i < sizeof(session) / sizeof(session[0]); i++)
		model_feed(m, session[i], strlen(session[i]));
	for (int c = 0; c < n; c++) {
		int w = c % 4, id = 10 + c;
		const char *last = c == 0 ? "none" : (char[]){ 'w', (char)('0' + (c - 1) % 4), 0 };
		snprintf(line, sizeof(line), "ts=%llu seq=%llu thr=main ev=dispatch conn=%d fd=%d to=w%d last=%s dispatch=rr transport=tcp init=conn_new_cmd",
			 ts++, seq++, id, 20 + c, w, last);
		model_feed(m, line, strlen(line));
		snprintf(line, sizeof(line), "ts=%llu seq=%llu thr=main ev=cq_push to=w%d conn=%d depth=1", ts++, seq++, w, id);
		model_feed(m, line, strlen(line));
		if (w == 1)
			continue; /* w1 is frozen: its conns wait in its queue */
		snprintf(line, sizeof(line), "ts=%llu seq=%llu thr=w%d ev=cq_pop conn=%d depth=0", ts++, seq++, w, id);
		model_feed(m, line, strlen(line));
		snprintf(line, sizeof(line), "ts=%llu seq=%llu thr=w%d ev=conn_new conn=%d fd=%d transport=tcp", ts++, seq++, w, id, 20 + c);
		model_feed(m, line, strlen(line));
		snprintf(line, sizeof(line), "ts=%llu seq=%llu thr=w%d ev=state conn=%d fd=%d from=conn_new_cmd to=conn_waiting", ts++, seq++, w, id, 20 + c);
		model_feed(m, line, strlen(line));
	}
	model_tick(m, 1000000000ULL);
	return m;
}

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
	struct model *m = feed(6);
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
	struct model *m = feed(8);
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
	struct model *m = feed(40);
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
	struct model *m = feed(6);
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
	struct model *m = feed(2);
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
