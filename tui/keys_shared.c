/*
 * keys_shared.c: the keys the live dashboard and a replay share: help, Esc
 * and quit, and the keys that change only what is shown and how.
 */
#include <curses.h>
#include <stdio.h>

#include "dashboard.h"
#include "key_table.h"

/* The Esc key's code: curses has no name for it. */
#define KEY_CODE_ESC 27

/* Shows or hides the ? overlay. */
static void toggle_help(struct dashboard *d, int key)
{
	d->view.show_help = !d->view.show_help;
}

/* Closes the overlay and the connection's details. */
static void close_overlays(struct dashboard *d, int key)
{
	d->view.show_help = d->view.show_details = false;
}

/* Ends the dashboard. */
static void quit(struct dashboard *d, int key)
{
	d->quit = true;
}

/* Holds the display, or lets it run again. */
static void toggle_hold(struct dashboard *d, int key)
{
	d->view.display_held = !d->view.display_held;
	/* The run loop draws nothing while the display is held: draw the held picture once
	 * more here, so that it carries its DISPLAY HELD marker. */
	if (d->view.display_held) {
		d->view.message = NULL;
		panel_layout_draw(d->screen, d->model, &d->view);
	}
}

/* + draws more often, - less, within 34 ms and 2 s. */
static void change_refresh(struct dashboard *d, int key)
{
	int *ms = &d->opts.interval_ms;

	if (key == '+' && *ms > 34)
		*ms = *ms * 2 / 3;
	else if (key == '-' && *ms < 2000)
		*ms = *ms * 3 / 2;
	snprintf(d->message, sizeof(d->message), "refresh every %d ms", *ms);
}

/* Moves the focus to the next panel. */
static void next_panel(struct dashboard *d, int key)
{
	d->view.focus = (enum panel_id)((d->view.focus + 1) % PANEL_COUNT);
}

/* Moves the selection in the focused panel by delta rows (the events panel scrolls). */
static void move_selection(struct dashboard *d, int delta)
{
	struct panel_view *v = &d->view;

	switch (v->focus) {
	case PANEL_WORKERS:
		v->selected_worker += delta;
		if (v->selected_worker >= d->model->nworkers)
			v->selected_worker = d->model->nworkers - 1;
		if (v->selected_worker < 0)
			v->selected_worker = 0;
		break;
	case PANEL_CONNS: {
		int total = (int)d->model->nconns;
		v->conn_selected += delta;
		if (v->conn_selected >= total)
			v->conn_selected = total - 1;
		if (v->conn_selected < 0)
			v->conn_selected = 0;
		/* Keep the selection on screen; the panel shows about a third of the rows. */
		int page = d->screen->rows / 3 > 1 ? d->screen->rows / 3 : 1;
		if (v->conn_selected < v->conn_scroll)
			v->conn_scroll = v->conn_selected;
		if (v->conn_selected >= v->conn_scroll + page)
			v->conn_scroll = v->conn_selected - page + 1;
		break;
	}
	case PANEL_LOG:
		v->log_scroll += delta;
		if (v->log_scroll < 0)
			v->log_scroll = 0;
		if (v->log_scroll >= MODEL_LOG_LINES)
			v->log_scroll = MODEL_LOG_LINES - 1;
		break;
	case PANEL_STATES:
	case PANEL_COUNT:
		break;
	}
}

/* Tab: the next panel; z gives the panel in focus the whole screen, or puts it back (tmux's zoom). */
static void panel_key(struct dashboard *d, int key)
{
	if (key == 'z')
		d->view.zoomed = !d->view.zoomed;
	else
		next_panel(d, key);
}

/* Up and k move up a row, Down and j down. */
static void move_row(struct dashboard *d, int key)
{
	move_selection(d, key == KEY_UP || key == 'k' ? -1 : 1);
}

/* PgUp moves up ten rows, PgDn down. */
static void move_page(struct dashboard *d, int key)
{
	move_selection(d, key == KEY_PPAGE ? -10 : 10);
}

/* Cycles the connection filter: every worker in turn, then every state, then off. */
static void cycle_filter(struct dashboard *d, int key)
{
	struct panel_view *v = &d->view;

	v->conn_scroll = v->conn_selected = 0;
	if (v->filter_state >= 0) {
		v->filter_state = v->filter_state + 1 < conn_closed ? v->filter_state + 1 : -1;
		return;
	}
	if (v->filter_worker + 1 < d->model->nworkers) {
		v->filter_worker++;
		return;
	}
	v->filter_worker = -1;
	v->filter_state = conn_new_cmd;
}

/* Sorts the connections in the next order (the panel names it). */
static void next_sort(struct dashboard *d, int key)
{
	d->view.sort = (enum model_sort)((d->view.sort + 1) % (MODEL_SORT_AGE + 1));
}

/* Shows or hides the selected connection's path. */
static void toggle_details(struct dashboard *d, int key)
{
	d->view.show_details = !d->view.show_details;
}

/* First on both screens: the help, closing what covers the panels, quitting. */
const struct key_binding key_bindings_first[] = {
	{ .codes = { '?', KEY_F(1) }, .label = "?, F1", .help = "show / hide this help",
	  .bottom = "? help", .over_help = true, .action = toggle_help },
	{ .codes = { KEY_CODE_ESC }, .label = "Esc", .help = "close the help and the connection's path",
	  .action = close_overlays },
	{ .codes = { 'q' }, .label = "q", .help = "quit", .bottom = "q quit", .over_help = true,
	  .action = quit },
	{ .label = NULL },
};

/* Last on both screens: what is shown and how; nothing reaches the server. */
const struct key_binding key_bindings_view[] = {
	{ .codes = { 'p' }, .label = "p", .help = "hold the display (p again lets it run)",
	  .action = toggle_hold },
	{ .codes = { '+', '-' }, .label = "+ / -", .help = "faster / slower refresh",
	  .action = change_refresh },
	{ .codes = { '\t', 'z' }, .label = "Tab / z", .help = "next panel / zoom it to the whole screen and back",
	  .bottom = "Tab panel", .action = panel_key },
	{ .codes = { KEY_UP, KEY_DOWN, 'k', 'j' }, .label = "Up / Down, k / j",
	  .help = "move in the panel in focus", .action = move_row },
	{ .codes = { KEY_PPAGE, KEY_NPAGE }, .label = "PgUp / PgDn", .help = "move 10 rows",
	  .action = move_page },
	{ .codes = { '/' }, .label = "/", .help = "filter connections (worker, then state)",
	  .action = cycle_filter },
	{ .codes = { 'o' }, .label = "o", .help = "cycle the connections' sort order",
	  .action = next_sort },
	/* '\r' is Enter as the terminal sends it once nonl() is on. */
	{ .codes = { '\n', '\r', KEY_ENTER }, .label = "Enter",
	  .help = "show / hide the selected connection's path", .action = toggle_details },
	/* One row for both: the ? overlay must leave the header in sight at 24 rows. */
	{ .label = "click / wheel", .help = "click selects a worker or a conn, wheel scrolls" },
	{ .label = NULL },
};
