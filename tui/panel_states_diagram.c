#include <stdlib.h>
#include <string.h>

#include "panel.h"

/*
 * The diagram is drawn on a fixed plan, laid out once by hand so that it
 * reads like the figure in a textbook: a request's cycle runs left to right
 * on top (new_cmd, waiting, read), down into parse_cmd and back right to left
 * (nread, write, swallow) to new_cmd; closing is a sink along the bottom.
 * Each of memcached's transitions is a line of waypoints through the lanes
 * between the boxes; where lines meet or cross, a cell joins their sides.
 */
#define DIAGRAM_TOP 1                  /* the title row comes first */
#define BOX_H 3

enum { UP = 1, DOWN = 2, LEFT = 4, RIGHT = 8 };

struct box {
	int state, row, col, width;
};

static const struct box boxes[] = {
	{ conn_listening, 3, 0, 17 }, { conn_new_cmd, 3, 24, 17 }, { conn_waiting, 3, 48, 17 },
	{ conn_read, 3, 72, 17 },
	{ conn_swallow, 10, 0, 17 }, { conn_write, 10, 24, 17 }, { conn_nread, 10, 48, 17 },
	{ conn_parse_cmd, 10, 72, 17 },
	{ conn_mwrite, 17, 24, 17 },
	{ conn_closing, 23, 0, 89 }, { conn_closed, 23, 96, 17 },
};

#define MAX_POINTS 5

/* A transition and its route: (row, col) points from the cell next to the source box to the
 * cell next to the target box, where the arrowhead goes; each step is straight. */
struct edge {
	int from, to;
	int n;
	int pts[MAX_POINTS][2];
};

/* memcached's transitions, as its drive_machine makes them. */
static const struct edge edges[] = {
	/* listening accepts; the new fd starts on a worker in new_cmd (dispatch_conn_new). */
	{ conn_listening, conn_new_cmd, 2, { { 4, 17 }, { 4, 23 } } },
	{ conn_new_cmd, conn_waiting, 2, { { 4, 41 }, { 4, 47 } } },
	{ conn_new_cmd, conn_parse_cmd, 5, { { 2, 30 }, { 0, 30 }, { 0, 94 }, { 11, 94 }, { 11, 89 } } },
	{ conn_waiting, conn_read, 2, { { 4, 65 }, { 4, 71 } } },
	{ conn_read, conn_waiting, 4, { { 2, 78 }, { 1, 78 }, { 1, 56 }, { 2, 56 } } },
	{ conn_read, conn_parse_cmd, 2, { { 6, 80 }, { 9, 80 } } },
	{ conn_read, conn_closing, 5, { { 4, 89 }, { 4, 91 }, { 21, 91 }, { 21, 86 }, { 22, 86 } } },
	{ conn_parse_cmd, conn_waiting, 4, { { 9, 76 }, { 8, 76 }, { 8, 56 }, { 6, 56 } } },
	{ conn_parse_cmd, conn_nread, 2, { { 11, 71 }, { 11, 65 } } },
	{ conn_parse_cmd, conn_write, 4, { { 13, 76 }, { 14, 76 }, { 14, 36 }, { 13, 36 } } },
	{ conn_parse_cmd, conn_mwrite, 4, { { 13, 80 }, { 15, 80 }, { 15, 32 }, { 16, 32 } } },
	{ conn_parse_cmd, conn_closing, 2, { { 13, 84 }, { 22, 84 } } },
	{ conn_nread, conn_write, 2, { { 11, 47 }, { 11, 41 } } },
	{ conn_nread, conn_closing, 2, { { 13, 56 }, { 22, 56 } } },
	/* A value too large: the error is written, then the value swallowed (write_and_go). */
	{ conn_write, conn_swallow, 2, { { 11, 23 }, { 11, 17 } } },
	{ conn_write, conn_new_cmd, 2, { { 9, 32 }, { 6, 32 } } },
	{ conn_write, conn_closing, 4, { { 13, 26 }, { 15, 26 }, { 15, 20 }, { 22, 20 } } },
	{ conn_mwrite, conn_new_cmd, 5, { { 18, 41 }, { 18, 44 }, { 7, 44 }, { 7, 36 }, { 6, 36 } } },
	{ conn_mwrite, conn_closing, 2, { { 20, 32 }, { 22, 32 } } },
	{ conn_swallow, conn_new_cmd, 4, { { 9, 8 }, { 7, 8 }, { 7, 28 }, { 6, 28 } } },
	{ conn_closing, conn_closed, 2, { { 24, 89 }, { 24, 95 } } },
	/* UDP: closing a UDP "conn" goes back to reading its one socket. */
	{ conn_closing, conn_read, 4, { { 22, 68 }, { 7, 68 }, { 7, 74 }, { 6, 74 } } },
};

#define NBOXES (sizeof(boxes) / sizeof(boxes[0]))
#define NEDGES (sizeof(edges) / sizeof(edges[0]))

/* How loud a line cell is: the loudest edge through it wins. */
enum { QUIET, LIT, ON_PATH };

/* The lines being drawn: which sides each cell joins, and how loud it is. */
struct canvas {
	unsigned char sides[PANEL_STATES_DIAGRAM_ROWS][PANEL_STATES_DIAGRAM_COLS];
	unsigned char loud[PANEL_STATES_DIAGRAM_ROWS][PANEL_STATES_DIAGRAM_COLS];
};

/* Returns the box of a state. */
static const struct box *box_of(int state)
{
	for (size_t i = 0; i < NBOXES; i++)
		if (boxes[i].state == state)
			return &boxes[i];
	return NULL;
}

/* Joins the sides of a cell, keeping the loudest mark. */
static void canvas_join(struct canvas *cv, int row, int col, int sides, int loud)
{
	if (row < 0 || col < 0 || row >= PANEL_STATES_DIAGRAM_ROWS || col >= PANEL_STATES_DIAGRAM_COLS)
		return;
	cv->sides[row][col] |= (unsigned char)sides;
	if (loud > cv->loud[row][col])
		cv->loud[row][col] = (unsigned char)loud;
}

/* Returns the side of (row, col) that faces box b. */
static int side_facing(const struct box *b, int row, int col)
{
	if (row < b->row)
		return DOWN;
	if (row >= b->row + BOX_H)
		return UP;
	return col < b->col ? RIGHT : LEFT;
}

/* Marks an edge's cells on the canvas. */
static void canvas_edge(struct canvas *cv, const struct edge *e, int loud)
{
	const int (*p)[2] = e->pts;

	canvas_join(cv, p[0][0], p[0][1], side_facing(box_of(e->from), p[0][0], p[0][1]), loud);
	for (int i = 0; i + 1 < e->n; i++) {
		int dr = (p[i + 1][0] > p[i][0]) - (p[i + 1][0] < p[i][0]);
		int dc = (p[i + 1][1] > p[i][1]) - (p[i + 1][1] < p[i][1]);
		int out = dr > 0 ? DOWN : dr < 0 ? UP : dc > 0 ? RIGHT : LEFT;
		int in = dr > 0 ? UP : dr < 0 ? DOWN : dc > 0 ? LEFT : RIGHT;

		for (int r = p[i][0], c = p[i][1]; r != p[i + 1][0] || c != p[i + 1][1];) {
			canvas_join(cv, r, c, out, loud);
			r += dr;
			c += dc;
			canvas_join(cv, r, c, in, loud);
		}
	}
}

/* Returns the line character joining the given sides. */
static wchar_t line_glyph(const struct screen *s, int sides)
{
	static const wchar_t utf8[16] = {
		L' ', L'\u2502', L'\u2502', L'\u2502', L'\u2500', L'\u2518', L'\u2510', L'\u2524',
		L'\u2500', L'\u2514', L'\u250c', L'\u251c', L'\u2500', L'\u2534', L'\u252c', L'\u253c',
	};

	if (s->utf8)
		return utf8[sides & 15];
	if ((sides & (UP | DOWN)) == 0)
		return L'-';
	return (sides & (LEFT | RIGHT)) == 0 ? L'|' : L'+';
}

/* Returns the arrowhead of an edge's last step. */
static wchar_t arrow_glyph(const struct screen *s, const struct edge *e)
{
	const int *a = e->pts[e->n - 2], *b = e->pts[e->n - 1];

	if (b[0] > a[0])
		return screen_glyph(s, L'\u25bc', 'v');
	if (b[0] < a[0])
		return screen_glyph(s, L'\u25b2', '^');
	return b[1] > a[1] ? screen_glyph(s, L'\u25b6', '>') : screen_glyph(s, L'\u25c0', '<');
}

/* Returns the role of a line cell. */
static int loud_role(int loud)
{
	return loud == ON_PATH ? ROLE_SELECTED : loud == LIT ? ROLE_NEWEST : ROLE_DIM;
}

/* Draws a state's box: its name and count, and the steps of the selected path that were in it. */
static void draw_box(struct screen *s, const struct box *b, int top, int left, unsigned count,
		     bool lit, const char *steps, bool current)
{
	int border = current ? ROLE_SELECTED : ROLE_DIM, right = left + b->width - 1;
	int row = top + b->row;
	char label[40];

	for (int c = left + 1; c < right; c++) {
		screen_putwc(s, row, c, border, screen_glyph(s, L'\u2500', '-'));
		screen_putwc(s, row + 2, c, border, screen_glyph(s, L'\u2500', '-'));
	}
	screen_putwc(s, row, left, border, screen_glyph(s, L'\u250c', '+'));
	screen_putwc(s, row, right, border, screen_glyph(s, L'\u2510', '+'));
	screen_putwc(s, row + 2, left, border, screen_glyph(s, L'\u2514', '+'));
	screen_putwc(s, row + 2, right, border, screen_glyph(s, L'\u2518', '+'));
	screen_putwc(s, row + 1, left, border, screen_glyph(s, L'\u2502', '|'));
	screen_putwc(s, row + 1, right, border, screen_glyph(s, L'\u2502', '|'));
	int n = snprintf(label, sizeof(label), "%s %u", panel_state_short(b->state), count);
	int at = left + 1 + (b->width - 2 - n) / 2;
	screen_puts(s, row + 1, at > left ? at : left + 1, b->width - 2,
		    lit ? ROLE_NEWEST : ROLE_STATE + b->state, label);
	if (steps[0] != '\0')
		screen_puts(s, row, left + 2, b->width - 4, ROLE_SELECTED, steps);
}

/* Returns the connection selected in the Connections panel when its details are on, or NULL. */
static const struct model_conn *selected_conn(const struct model *m, const struct panel_view *v)
{
	const struct model_conn *c = NULL;
	const struct model_conn **all;

	if (!v->show_details || v->focus != PANEL_CONNS || m->nconns == 0)
		return NULL;
	all = malloc(sizeof(*all) * m->nconns);
	if (all == NULL)
		return NULL;
	size_t n = model_conns_select(m, v->sort, v->filter_worker, v->filter_state, all, m->nconns);
	if (v->conn_selected >= 0 && (size_t)v->conn_selected < n && (size_t)v->conn_selected < m->nconns)
		c = all[v->conn_selected];
	free(all);
	return c;
}

/* Lists the steps of a path that were in a state (" 2 5 "), the latest that fit in width. */
static void path_steps(const struct model_conn *c, int state, char *out, size_t width)
{
	char buf[160] = "";
	size_t len = 0;

	out[0] = '\0';
	if (c == NULL)
		return;
	for (unsigned i = 0; i < c->path_len && len + 5 < sizeof(buf); i++)
		if (c->path[i] == state)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %u", i + 1);
	if (len == 0)
		return;
	/* Keep the latest steps: drop whole numbers from the front until the rest fits. */
	const char *from = buf;
	while (strlen(from) + 1 > width - 1) {
		const char *next = strchr(from + 1, ' ');
		if (next == NULL)
			break;
		from = next;
	}
	snprintf(out, width, "%s ", from);
}

/* Draws drive_machine's states as a diagram of boxes and arrows. */
void panel_states_diagram_draw(struct screen *s, const struct model *m, const struct panel_view *v,
			       struct rect r)
{
	static struct canvas cv;
	unsigned counts[conn_max_state];
	const struct model_conn *sel = selected_conn(m, v);
	int top = r.row + DIAGRAM_TOP, left = r.col;

	panel_state_counts(m, counts);
	memset(&cv, 0, sizeof(cv));
	if (sel != NULL)
		screen_printf(s, r.row, r.col, r.cols, ROLE_TITLE,
			      "drive_machine   conn %llu: its steps numbered, the edges it took marked",
			      (unsigned long long)sel->id);
	else
		screen_puts(s, r.row, r.col, r.cols, ROLE_TITLE,
			    "drive_machine   conns in each state; the latest transitions lit");
	for (size_t i = 0; i < NEDGES; i++) {
		const struct edge *e = &edges[i];
		bool taken = false;

		for (unsigned k = 0; sel != NULL && k + 1 < sel->path_len && !taken; k++)
			taken = sel->path[k] == e->from && sel->path[k + 1] == e->to;
		canvas_edge(&cv, e, taken ? ON_PATH : panel_transition_lit(m, e->from, e->to) ? LIT : QUIET);
	}
	for (int row = 0; row < PANEL_STATES_DIAGRAM_ROWS; row++)
		for (int col = 0; col < PANEL_STATES_DIAGRAM_COLS; col++)
			if (cv.sides[row][col] != 0)
				screen_putwc(s, top + row, left + col, loud_role(cv.loud[row][col]),
					     line_glyph(s, cv.sides[row][col]));
	for (size_t i = 0; i < NEDGES; i++) {
		const struct edge *e = &edges[i];
		const int *end = e->pts[e->n - 1];
		screen_putwc(s, top + end[0], left + end[1], loud_role(cv.loud[end[0]][end[1]]),
			     arrow_glyph(s, e));
	}
	for (size_t i = 0; i < NBOXES; i++) {
		const struct box *b = &boxes[i];
		char steps[32];

		size_t room = (size_t)b->width - 3;
		path_steps(sel, b->state, steps, room < sizeof(steps) ? room : sizeof(steps));
		draw_box(s, b, top, left + b->col, counts[b->state],
			 panel_transition_lit(m, -1, b->state), steps,
			 sel != NULL && sel->state == b->state);
	}
	/* Where a line leaves a box, its border shows the joint. */
	for (size_t i = 0; i < NEDGES; i++) {
		const int *p = edges[i].pts[0];
		int side = side_facing(box_of(edges[i].from), p[0], p[1]);
		int row = top + p[0] + (side == DOWN) - (side == UP);
		int col = left + p[1] + (side == RIGHT) - (side == LEFT);
		wchar_t joint = side == DOWN ? L'\u2534' : side == UP ? L'\u252c' : side == RIGHT ? L'\u2524' : L'\u251c';
		screen_putwc(s, row, col, sel != NULL && sel->state == edges[i].from ? ROLE_SELECTED : ROLE_DIM,
			     screen_glyph(s, joint, '+'));
	}
}
