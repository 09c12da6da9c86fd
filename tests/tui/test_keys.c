/*
 * The dashboard's key tables (tui/keys_*.c): each key bound once, the keys
 * both screens share written once, the keys doing what their help says, the
 * ? overlay and the bottom line drawn from the tables, and the README
 * listing every key of each table with its help.
 */
#include <criterion/criterion.h>
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dashboard.h"
#include "key_table.h"
#include "panel.h"
#include "panel_fixture.h"
#include "replay.h"
#include "scene.h"
#include "screen.h"

/* Both tables, with what the tests call them. */
static const struct {
	const char *name;
	const struct key_table *table;
	const char *readme_section; /* the README heading whose text lists the table; NULL: see below */
} tables[] = {
	{ "live", &key_table_live, "## The dashboard" },
	{ "replay", &key_table_replay, "### mcscope replay" },
	/* The README lists the live keys once, and under the demo only its own (below). */
	{ "demo", &key_table_demo, NULL },
};

/* Where the README lists the demo's own keys. */
#define README_DEMO_SECTION "### mcscope demo: scenes and slow motion"

#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/* Returns how many bindings a table has. */
static int count_of(const struct key_table *t)
{
	int n = 0;

	while (key_table_at(t, n) != NULL)
		n++;
	return n;
}

/* Returns the table's Markdown, as key_table_write_markdown prints it (malloc'd). */
static char *markdown_of(const struct key_table *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	cr_assert_not_null(out);
	key_table_write_markdown(t, out);
	fclose(out);
	return text;
}

Test(keys, every_binding_has_keys_help_and_an_action)
{
	for (size_t i = 0; i < NTABLES; i++) {
		const struct key_binding *b;
		cr_expect_not_null(tables[i].table->title);
		for (int k = 0; (b = key_table_at(tables[i].table, k)) != NULL; k++) {
			char help[256];
			cr_expect(b->label[0] != '\0' && b->help[0] != '\0', "%s #%d", tables[i].name, k);
			/* Only the mouse, which the run loop reads, has no codes and no action. */
			cr_expect_eq(b->codes[0] != 0, b->action != NULL, "%s: %s", tables[i].name, b->label);
			/* The overlay sizes itself by bytes: a byte must be a column. */
			key_binding_help(b, help, sizeof(help));
			for (const char *p = b->label; *p != '\0'; p++)
				cr_expect(*p >= ' ' && *p <= '~', "%s: '%s' is not plain ASCII", tables[i].name, b->label);
			for (const char *p = help; *p != '\0'; p++)
				cr_expect(*p >= ' ' && *p <= '~', "%s: '%s' is not plain ASCII", tables[i].name, help);
		}
	}
}

Test(keys, no_key_is_bound_twice_in_a_table)
{
	for (size_t i = 0; i < NTABLES; i++) {
		const struct key_binding *b;
		for (int k = 0; (b = key_table_at(tables[i].table, k)) != NULL; k++)
			for (int c = 0; c < KEY_BINDING_CODES && b->codes[c] != 0; c++)
				cr_expect_eq(key_table_find(tables[i].table, b->codes[c]), b,
					     "%s: key %d of '%s' is bound before it", tables[i].name,
					     b->codes[c], b->label);
	}
	cr_expect_null(key_table_find(&key_table_live, 'b'), "b steps back in a replay only");
	cr_expect_null(key_table_find(&key_table_live, 0));
}

Test(keys, the_shared_keys_are_the_same_bindings_in_both_tables)
{
	static const int shared[] = { '?', KEY_F(1), 27, 'q', 'p', '+', '-', '\t', KEY_UP, KEY_DOWN,
				      'k', 'j', KEY_PPAGE, KEY_NPAGE, '/', 'o', '\n', '\r', KEY_ENTER };

	for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++) {
		const struct key_binding *b = key_table_find(&key_table_live, shared[i]);
		cr_expect_not_null(b, "key %d", shared[i]);
		cr_expect_eq(b, key_table_find(&key_table_replay, shared[i]), "key %d written twice",
			     shared[i]);
	}
	/* Space, n and Right steer the server live and the playback in a replay. */
	cr_expect_neq(key_table_find(&key_table_live, ' '), key_table_find(&key_table_replay, ' '));
	cr_expect_neq(key_table_find(&key_table_live, 'n'), key_table_find(&key_table_replay, 'n'));
	/* m and s step one thread of a live server; a replay only says so. */
	cr_expect_neq(key_table_find(&key_table_live, 'm'), key_table_find(&key_table_replay, 'm'));
	cr_expect_neq(key_table_find(&key_table_live, 's'), key_table_find(&key_table_replay, 's'));
}

Test(keys, d_lists_the_policies_every_server_knows)
{
	char help[256], want[256], list[128];

	snprintf(want, sizeof(want), "next dispatch policy (%s)",
		 wire_policy_builtin_list(list, sizeof(list), ", "));
	cr_expect_str_eq(key_binding_help(key_table_find(&key_table_live, 'd'), help, sizeof(help)), want);
	cr_expect_not_null(strstr(want, "rr, least"), "%s", want);
	/* custom is a lab build's alone: a shipped server would refuse it. */
	cr_expect_null(strstr(want, "custom"), "%s", want);
}

Test(keys, the_bottom_line_takes_whole_words_in_order)
{
	char line[256];

	cr_expect_str_eq(key_table_bottom_line(&key_table_live, line, sizeof(line), 80),
			 "? help  q quit  space pause  n step  f freeze  d policy  a slowmo  Tab panel");
	cr_expect_str_eq(key_table_bottom_line(&key_table_demo, line, sizeof(line), 80),
			 "? help  q quit  space pause  n step  f freeze  d policy  a slowmo  ] scene",
			 "the demo's scenes before the panels");
	cr_expect_str_eq(key_table_bottom_line(&key_table_replay, line, sizeof(line), 80),
			 "? help  q quit  space play/pause  n/b step  [ ] speed  { } 10s  g/G start/end");
	cr_expect_str_eq(key_table_bottom_line(&key_table_replay, line, sizeof(line), 100),
			 "? help  q quit  space play/pause  n/b step  [ ] speed  { } 10s  g/G start/end"
			 "  Tab panel", "a wide screen has room for one more");
	cr_expect_str_eq(key_table_bottom_line(&key_table_live, line, sizeof(line), 17), "? help  q quit",
			 "never half a binding's words");
	cr_expect_str_eq(key_table_bottom_line(&key_table_live, line, sizeof(line), 0), "");
	cr_expect_str_eq(key_table_bottom_line(&key_table_live, line, 10, 80), "? help", "the buffer's end");
}

/* A dashboard on the panel fixture (4 workers, not connected), with a table's keys. */
static void dashboard_on_fixture(struct dashboard *d, const struct key_table *keys)
{
	memset(d, 0, sizeof(*d));
	d->opts.interval_ms = 100;
	d->model = panel_fixture_feed(6);
	d->screen = screen_create(24, 80, true);
	cr_assert_not_null(d->screen);
	panel_view_init(&d->view);
	d->view.keys = keys;
}

/* Frees what dashboard_on_fixture made. */
static void dashboard_free(struct dashboard *d)
{
	screen_destroy(d->screen);
	model_destroy(d->model);
}

Test(keys, the_overlay_takes_the_first_other_key_and_closes)
{
	struct dashboard d;

	dashboard_on_fixture(&d, &key_table_live);
	dashboard_key(&d, '?');
	cr_expect(d.view.show_help);
	dashboard_key(&d, 'p');
	cr_expect_not(d.view.show_help, "p closed the overlay");
	cr_expect_not(d.view.display_held, "and did nothing else");
	dashboard_key(&d, KEY_F(1));
	cr_expect(d.view.show_help);
	dashboard_key(&d, '?');
	cr_expect_not(d.view.show_help, "? closes it too");
	dashboard_key(&d, '?');
	dashboard_key(&d, 'q');
	cr_expect(d.quit, "q quits from the overlay");
	dashboard_free(&d);
}

Test(keys, the_shared_keys_change_only_the_view)
{
	struct dashboard d;

	dashboard_on_fixture(&d, &key_table_live);
	dashboard_key(&d, 'p');
	cr_expect(d.view.display_held);
	char *held = panel_fixture_text(d.screen);
	const char *marker = strstr(held, "DISPLAY HELD (p)");
	cr_expect(marker != NULL && marker < strchr(held, '\n'), "the held picture is marked:\n%s", held);
	free(held);
	dashboard_key(&d, 'p');
	cr_expect_not(d.view.display_held);
	dashboard_key(&d, '+');
	cr_expect_eq(d.opts.interval_ms, 66);
	cr_expect_str_eq(d.message, "refresh every 66 ms");
	dashboard_key(&d, '-');
	cr_expect_eq(d.opts.interval_ms, 99);
	cr_expect_eq(d.view.focus, PANEL_CONNS);
	dashboard_key(&d, '\t');
	cr_expect_eq(d.view.focus, PANEL_LOG);
	dashboard_key(&d, '\t');
	cr_expect_eq(d.view.focus, PANEL_WORKERS);
	dashboard_key(&d, 'j');
	dashboard_key(&d, KEY_DOWN);
	cr_expect_eq(d.view.selected_worker, 2);
	dashboard_key(&d, KEY_NPAGE);
	cr_expect_eq(d.view.selected_worker, 3, "the last worker");
	dashboard_key(&d, KEY_UP);
	cr_expect_eq(d.view.selected_worker, 2);
	dashboard_key(&d, '/');
	cr_expect_eq(d.view.filter_worker, 0);
	dashboard_key(&d, 'o');
	cr_expect_eq(d.view.sort, MODEL_SORT_WORKER);
	dashboard_key(&d, '\r');
	cr_expect(d.view.show_details);
	dashboard_key(&d, '?');
	dashboard_key(&d, 27);
	cr_expect_not(d.view.show_help, "Esc's first press only closes the overlay");
	cr_expect(d.view.show_details);
	dashboard_key(&d, 27);
	cr_expect_not(d.view.show_details);
	cr_expect_not(d.quit);
	dashboard_free(&d);
}

Test(keys, the_live_keys_steer_the_server)
{
	struct dashboard d;

	dashboard_on_fixture(&d, &key_table_live);
	dashboard_key(&d, ' ');
	cr_expect_str_eq(d.message, "not connected: 'pause' not sent");
	dashboard_key(&d, 'n');
	cr_expect_str_eq(d.message, "not paused: space pauses, then n steps");
	d.view.selected_worker = 2;
	dashboard_key(&d, 'f');
	cr_expect(d.frozen[2]);
	cr_expect_str_eq(d.message, "not connected: 'freeze w2' not sent");
	dashboard_key(&d, 'f');
	cr_expect_not(d.frozen[2]);
	cr_expect_str_eq(d.message, "not connected: 'thaw w2' not sent");
	dashboard_key(&d, 'd');
	cr_expect_str_eq(d.message, "not connected: 'dispatch least' not sent");
	/* After random comes rr again, and a lab build's custom goes on to rr: custom is never offered. */
	int was = d.model->policy;
	d.model->policy = DISPATCH_RANDOM;
	dashboard_key(&d, 'd');
	cr_expect_str_eq(d.message, "not connected: 'dispatch rr' not sent");
	d.model->policy = DISPATCH_CUSTOM;
	dashboard_key(&d, 'd');
	cr_expect_str_eq(d.message, "not connected: 'dispatch rr' not sent");
	d.model->policy = was;

	/* m steps main alone, s the selected worker alone: while paused, s also while it is frozen. */
	dashboard_key(&d, 'm');
	cr_expect_str_eq(d.message, "not paused: space pauses, then m steps main");
	dashboard_key(&d, 's');
	cr_expect_str_eq(d.message, "not paused: space pauses (or f freezes w2), then s steps it");
	d.frozen[2] = true;
	dashboard_key(&d, 's');
	cr_expect_str_eq(d.message, "not connected: 'step w2' not sent");
	d.frozen[2] = false;
	const char paused[] = "ts=9000 seq=900 thr=main ev=paused\n";
	model_feed(d.model, paused, sizeof(paused) - 1);
	dashboard_key(&d, 'm');
	cr_expect_str_eq(d.message, "not connected: 'step main' not sent");
	d.view.selected_worker = 3;
	dashboard_key(&d, 's');
	cr_expect_str_eq(d.message, "not connected: 'step w3' not sent");
	dashboard_key(&d, 'x');
	cr_expect_str_eq(d.message, "", "an unbound key clears the message, nothing more");
	dashboard_free(&d);
}

Test(keys, the_answers_say_when_a_step_waits_for_an_idle_thread)
{
	struct dashboard d;
	static const char idle_w2[] = "ok step w2 1 idle\n", idle_main[] = "ok step main 3 idle\n";

	dashboard_on_fixture(&d, &key_table_live);
	snprintf(d.message, sizeof(d.message), "sent: step w2");
	dashboard_answer(&d, EVENT_ANSWER_OK, "ok step w2 1\n", 13);
	cr_expect_str_eq(d.message, "sent: step w2", "a thread at a gate moved: nothing to add");
	dashboard_answer(&d, EVENT_ANSWER_OK, "ok step 1\n", 10);
	cr_expect_str_eq(d.message, "sent: step w2");
	dashboard_answer(&d, EVENT_ANSWER_OK, idle_w2, sizeof(idle_w2) - 1);
	cr_expect_str_eq(d.message,
			 "w2 is idle in its event loop: the step waits for its next trace point");
	dashboard_answer(&d, EVENT_ANSWER_OK, idle_main, sizeof(idle_main) - 1);
	cr_expect_str_eq(d.message,
			 "main is idle in its event loop: the steps wait for its next trace point");
	dashboard_answer(&d, EVENT_ANSWER_ERROR, "error not paused (send pause first)\r\n", 37);
	cr_expect_str_eq(d.message, "server: error not paused (send pause first)");
	dashboard_free(&d);
}

/* Writes a recording: hello, a snapshot of two workers, then n events a second apart; returns
 * the opened replay. */
static struct replay *replay_of(int n)
{
	char path[] = "/tmp/mcscope-test-keys-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	struct replay *r = NULL;

	cr_assert_not_null(f);
	fputs("ts=1000000000 seq=1 thr=main ev=hello v=1 pid=4242 threads=2 dispatch=rr tcp=11211 udp=0 maxconns=1024 reqs_per_event=20 states=conn_listening,conn_new_cmd,conn_waiting,conn_read,conn_parse_cmd,conn_write,conn_nread,conn_swallow,conn_closing,conn_mwrite,conn_closed\n"
	      "ts=1000000001 seq=1 thr=w0 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0\n"
	      "ts=1000000002 seq=1 thr=w1 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0\n"
	      "ts=1000000003 seq=1 thr=main ev=snapshot_end last=none next=w0\n", f);
	for (int i = 0; i < n; i++)
		fprintf(f, "ts=%d000000000 seq=%d thr=main ev=dispatch conn=%d fd=%d to=w%d last=none dispatch=rr transport=tcp init=conn_new_cmd\n",
			2 + i, 2 + i, 10 + i, 20 + i, i % 2);
	fclose(f);
	cr_assert_eq(replay_open(path, &r), REPLAY_OK);
	unlink(path);
	return r;
}

Test(keys, the_replay_keys_steer_playback)
{
	struct dashboard d;
	struct replay *r = replay_of(60);

	memset(&d, 0, sizeof(d));
	d.opts.replay = r;
	d.model = r->model;
	d.screen = screen_create(24, 80, true);
	panel_view_init(&d.view);
	d.view.keys = &key_table_replay;
	size_t start = r->pos;
	dashboard_key(&d, ' ');
	cr_expect(r->playing);
	dashboard_key(&d, ' ');
	cr_expect_not(r->playing);
	dashboard_key(&d, 'n');
	cr_expect_eq(r->pos, start + 1);
	dashboard_key(&d, KEY_LEFT);
	cr_expect_eq(r->pos, start);
	dashboard_key(&d, 'G');
	cr_expect_eq(r->pos, r->nevents);
	dashboard_key(&d, 'n');
	cr_expect_not_null(strstr(d.message, "the end: no event after"), "%s", d.message);
	dashboard_key(&d, KEY_HOME);
	cr_expect_eq(r->pos, r->start);
	dashboard_key(&d, ']');
	cr_expect_str_eq(d.message, "speed 2x");
	dashboard_key(&d, '<');
	dashboard_key(&d, '<');
	cr_expect_str_eq(d.message, "speed 0.5x");
	dashboard_key(&d, '5');
	cr_expect_eq(replay_time(r), replay_length(r) / 2, "5: half way");
	dashboard_key(&d, '{');
	cr_expect_eq(replay_time(r), replay_length(r) / 2 - 10000000000ULL, "{: 10 s back");
	for (const char *k = "msfdr"; *k != '\0'; k++) {
		char want[96];
		snprintf(want, sizeof(want), "a replay cannot steer the server: '%c' works on a live one", *k);
		dashboard_key(&d, *k);
		cr_expect_str_eq(d.message, want);
	}
	cr_expect_not(d.recording != NULL, "r records nothing");
	dashboard_key(&d, 'p');
	cr_expect(d.view.display_held, "p as live");
	screen_destroy(d.screen);
	replay_close(r);
}

/* Draws the fixture at cols x rows with the table's overlay up; returns the screen. */
static struct screen *overlay_at(const struct key_table *t, int cols, int rows)
{
	struct model *m = panel_fixture_feed(6);
	struct screen *s = screen_create(rows, cols, true);
	struct panel_view v;

	cr_assert_not_null(s);
	panel_view_init(&v);
	v.keys = t;
	v.show_help = true;
	panel_layout_draw(s, m, &v);
	model_destroy(m);
	return s;
}

Test(keys, the_overlay_shows_every_key_whole_and_is_sized_to_them)
{
	setlocale(LC_ALL, "C.UTF-8");
	for (size_t i = 0; i < NTABLES; i++) {
		const struct key_table *t = tables[i].table;
		const struct key_binding *b;
		struct screen *s = overlay_at(t, 80, 24);
		char *text = panel_fixture_text(s), help[256];
		int widest = (int)strlen(t->title), label_w = 0;

		cr_expect_not_null(strstr(text, t->title), "%s", text);
		for (int k = 0; (b = key_table_at(t, k)) != NULL; k++)
			if ((int)strlen(b->label) > label_w)
				label_w = (int)strlen(b->label);
		for (int k = 0; (b = key_table_at(t, k)) != NULL; k++) {
			char line[320];
			snprintf(line, sizeof(line), "%-*s  %s", label_w, b->label,
				 key_binding_help(b, help, sizeof(help)));
			cr_expect_not_null(strstr(text, line), "%s: '%s' missing or cut:\n%s",
					   tables[i].name, line, text);
			if ((int)strlen(line) > widest)
				widest = (int)strlen(line);
		}
		/* Alone on a blank screen, it covers exactly its text and a margin around it. */
		struct screen *alone = screen_create(24, 80, true);
		struct panel_view v;
		int top = -1, bottom = -1, left = -1, right = -1;
		panel_view_init(&v);
		v.keys = t;
		panel_help_draw(alone, &v, (struct rect){ 0, 0, 24, 80 });
		for (int row = 0; row < alone->rows; row++) {
			for (int col = 0; col < alone->cols; col++) {
				if (alone->cells[row * alone->cols + col].role == ROLE_TEXT)
					continue;
				top = top < 0 ? row : top;
				bottom = row;
				left = left < 0 || col < left ? col : left;
				right = col > right ? col : right;
			}
		}
		cr_expect_eq(right - left + 1, widest + 4, "%s: %d wide for %d of text", tables[i].name,
			     right - left + 1, widest);
		cr_expect_eq(bottom - top + 1, count_of(t) + 4, "%s: title, blank, keys, margins",
			     tables[i].name);
		screen_destroy(alone);
		cr_expect_leq(widest + 4, 80, "%s: the overlay fits 80 columns", tables[i].name);
		free(text);
		screen_destroy(s);
	}
}

Test(keys, the_demo_s_overlay_lists_its_scenes_with_the_running_one_marked)
{
	struct screen *s = screen_create(50, 120, true);
	struct panel_view v;
	char line[128];

	setlocale(LC_ALL, "C.UTF-8");
	panel_view_init(&v);
	v.keys = &key_table_demo;
	v.scene_number = 4;
	panel_help_draw(s, &v, (struct rect){ 0, 0, 50, 120 });
	char *text = panel_fixture_text(s);
	cr_expect_not_null(strstr(text, "Scenes (] next, [ previous)"), "%s", text);
	for (int i = 0; i < scene_count(); i++) {
		snprintf(line, sizeof(line), "%s %d  %-14s %s", i == 3 ? ">" : " ", i + 1, scene_at(i)->name,
			 scene_at(i)->title);
		cr_expect_not_null(strstr(text, line), "'%s' missing:\n%s", line, text);
	}
	free(text);

	/* No demo, no scenes. */
	v.scene_number = 0;
	screen_clear(s);
	panel_help_draw(s, &v, (struct rect){ 0, 0, 50, 120 });
	text = panel_fixture_text(s);
	cr_expect_null(strstr(text, "Scenes"), "%s", text);
	free(text);
	screen_destroy(s);
}

Test(keys, the_overlay_never_writes_outside_its_rectangle)
{
	static const struct rect small[] = { { 2, 3, 6, 20 }, { 0, 0, 1, 1 }, { 4, 10, 3, 3 },
					     { 1, 1, 0, 0 } };

	for (size_t i = 0; i < NTABLES; i++) {
		for (size_t k = 0; k < sizeof(small) / sizeof(small[0]); k++) {
			struct screen *s = screen_create(12, 30, true);
			struct panel_view v;
			struct rect r = small[k];
			int inside = 0;

			panel_view_init(&v);
			v.keys = tables[i].table;
			panel_help_draw(s, &v, r);
			for (int row = 0; row < s->rows; row++) {
				for (int col = 0; col < s->cols; col++) {
					struct cell c = s->cells[row * s->cols + col];
					bool in = row >= r.row && row < r.row + r.rows && col >= r.col &&
						  col < r.col + r.cols;
					if (!in)
						cr_expect(c.ch == L' ' && c.role == ROLE_TEXT,
							  "%s in %dx%d at %d,%d: wrote (%d,%d)", tables[i].name,
							  r.cols, r.rows, r.row, r.col, row, col);
					inside += in && c.role != ROLE_TEXT;
				}
			}
			cr_expect_eq(inside, r.rows * r.cols, "%s: the overlay covers its rectangle",
				     tables[i].name);
			screen_destroy(s);
		}
	}
	/* A whole screen too small for it: cut, on the screen. */
	struct screen *s = overlay_at(&key_table_replay, 30, 8);
	char *text = panel_fixture_text(s);
	cr_expect_not_null(strstr(text, "mcscope replay"), "%s", text);
	free(text);
	screen_destroy(s);
}

/* The README's text (malloc'd), from the path the build gives. */
static char *readme(void)
{
	const char *path = getenv("MCSCOPE_README");
	FILE *in;
	long len;
	char *text;

	cr_assert_not_null(path, "MCSCOPE_README is not set (meson sets it)");
	in = fopen(path, "r");
	cr_assert_not_null(in, "cannot read %s", path);
	cr_assert(fseek(in, 0, SEEK_END) == 0 && (len = ftell(in)) > 0 && fseek(in, 0, SEEK_SET) == 0);
	text = malloc((size_t)len + 1);
	cr_assert_not_null(text);
	cr_assert_eq(fread(text, 1, (size_t)len, in), (size_t)len);
	text[len] = '\0';
	fclose(in);
	return text;
}

/* Cuts text down to a section: from its heading's line to the next heading of level 2 or 3
 * (in place). */
static char *section(char *text, const char *heading)
{
	char line[128];
	char *at, *end2, *end3;

	snprintf(line, sizeof(line), "\n%s", heading);
	at = strstr(text, line);
	cr_assert_not_null(at, "the README has no '%s'", heading);
	at++;
	end2 = strstr(at, "\n## ");
	end3 = strstr(at, "\n### ");
	if (end2 == NULL || (end3 != NULL && end3 < end2))
		end2 = end3;
	if (end2 != NULL)
		end2[1] = '\0';
	return at;
}

Test(keys, the_readme_lists_every_key_with_its_help)
{
	for (size_t i = 0; i < NTABLES; i++) {
		const struct key_table *t = tables[i].table;
		const struct key_binding *b;
		if (tables[i].readme_section == NULL)
			continue;
		char *text = readme(), *md = markdown_of(t), help[256];
		const char *sec = section(text, tables[i].readme_section);
		bool all = true;

		for (int k = 0; (b = key_table_at(t, k)) != NULL; k++) {
			char row[320];
			snprintf(row, sizeof(row), "| `%s` | %s |\n", b->label,
				 key_binding_help(b, help, sizeof(help)));
			all &= strstr(sec, row) != NULL;
			cr_expect_not_null(strstr(sec, row), "README, %s: no row '%.*s'",
					   tables[i].readme_section, (int)strlen(row) - 1, row);
		}
		/* The whole list, so that no key the table has dropped lingers there. */
		cr_expect(all && strstr(sec, md) != NULL,
			  "README, %s: its key list is not the %s table's; it should read:\n%s",
			  tables[i].readme_section, tables[i].name, md);
		free(md);
		free(text);
	}
}

Test(keys, the_readme_lists_the_demo_s_own_keys_under_the_demo)
{
	char *text = readme(), *md = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&md, &len);
	const char *sec = section(text, README_DEMO_SECTION);

	cr_assert_not_null(out);
	key_list_write_markdown(key_bindings_demo, out);
	fclose(out);
	cr_expect_not_null(strstr(sec, md), "README, %s: its key list should read:\n%s", README_DEMO_SECTION, md);
	/* The demo's table is the live one with the scenes' keys added, nothing left out. */
	const struct key_binding *b;
	for (int k = 0; (b = key_table_at(&key_table_live, k)) != NULL; k++)
		if (b->codes[0] != 0)
			cr_expect_eq(key_table_find(&key_table_demo, b->codes[0]), b, "%s", b->label);
	free(md);
	free(text);
}

Test(keys, the_scene_keys_ask_the_run_loop_to_move)
{
	struct dashboard d;
	struct dashboard_scenes scenes = { 0 };

	dashboard_on_fixture(&d, &key_table_demo);
	dashboard_key(&d, ']');
	cr_expect_str_eq(d.message, "no scenes here: they come with mcscope demo");
	cr_expect_eq(d.scene_go, 0);
	d.opts.scenes = &scenes;
	dashboard_key(&d, ']');
	dashboard_key(&d, ']');
	dashboard_key(&d, '[');
	cr_expect_eq(d.scene_go, 1, "two on, one back: one on, at the loop's next turn");
	dashboard_free(&d);
}

Test(keys, slow_motion_turns_on_holds_and_changes_pace)
{
	struct dashboard d;

	dashboard_on_fixture(&d, &key_table_live);
	slowmo_init(&d.slowmo, SLOWMO_DEFAULT_MS);
	dashboard_key(&d, 'a');
	cr_expect(d.slowmo.on);
	cr_expect_str_eq(d.message, "slow motion: one event every 500 ms (< slower, > faster, space holds, a ends)");
	dashboard_key(&d, '>');
	cr_expect_eq(d.slowmo.ms, 250u);
	cr_expect_str_eq(d.message, "slow motion: one event every 250 ms");
	dashboard_key(&d, '<');
	dashboard_key(&d, '<');
	cr_expect_eq(d.slowmo.ms, 1000u);
	/* Space holds slow motion: it sends the server nothing. */
	dashboard_key(&d, ' ');
	cr_expect(d.slowmo.held);
	cr_expect_str_eq(d.message, "slow motion held: space goes on, n steps, a ends slow motion");
	dashboard_key(&d, ' ');
	cr_expect_not(d.slowmo.held);
	dashboard_key(&d, 'a');
	cr_expect_not(d.slowmo.on);
	cr_expect_str_eq(d.message, "slow motion off: the server runs");
	dashboard_key(&d, '>');
	cr_expect_str_eq(d.message, "slow motion: one event every 500 ms (a starts it)");
	/* The header says so. */
	char *text;
	d.slowmo.on = true;
	d.view.slowmo_ms = 500;
	d.view.slowmo_held = true;
	panel_layout_draw(d.screen, d.model, &d.view);
	text = panel_fixture_text(d.screen);
	cr_expect(strstr(text, "SLOWMO 500ms held") != NULL && strstr(text, "SLOWMO") < strchr(text, '\n'),
		  "%s", text);
	free(text);
	dashboard_free(&d);
}
