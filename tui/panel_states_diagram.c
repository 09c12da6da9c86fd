#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "diagram_route.h"
#include "panel.h"

/*
 * The diagram is drawn on a fixed plan, the boxes placed by hand so that it
 * reads like the figure in a textbook: a request's cycle runs left to right
 * on top (new_cmd, waiting, read), down into parse_cmd and back right to left
 * (nread, write, swallow) to new_cmd; closing is a sink along the bottom.
 * The arrows are routed (diagram_route.c), one for every transition of
 * wire.h's table; where lines cross, a cell joins their sides.
 */
#define DIAGRAM_TOP 1                  /* the title row comes first */

enum { UP = DIAGRAM_UP, DOWN = DIAGRAM_DOWN, LEFT = DIAGRAM_LEFT, RIGHT = DIAGRAM_RIGHT };

static const struct diagram_box full_boxes[] = {
	{ conn_listening, 3, 3, 17 }, { conn_new_cmd, 3, 27, 17 }, { conn_waiting, 3, 51, 17 },
	{ conn_read, 3, 75, 17 },
	{ conn_swallow, 12, 3, 17 }, { conn_write, 12, 27, 17 }, { conn_nread, 12, 51, 17 },
	{ conn_parse_cmd, 12, 75, 17 },
	{ conn_mwrite, 20, 27, 17 },
	{ conn_closing, 27, 3, 89 }, { conn_closed, 27, 99, 17 },
};

/* The same plan pressed together for a 120x35 screen: every box keeps its place in the figure. */
static const struct diagram_box compact_boxes[] = {
	{ conn_listening, 2, 2, 15 }, { conn_new_cmd, 2, 22, 15 }, { conn_waiting, 2, 42, 15 },
	{ conn_read, 2, 62, 15 },
	{ conn_swallow, 10, 2, 15 }, { conn_write, 10, 22, 15 }, { conn_nread, 10, 42, 15 },
	{ conn_parse_cmd, 10, 62, 15 },
	{ conn_mwrite, 16, 22, 15 },
	{ conn_closing, 22, 2, 62 }, { conn_closed, 22, 66, 14 },
};

/* A plan: its boxes, and its arrows, routed once, the first time it is drawn. */
struct plan {
	struct diagram_layout layout;
	struct diagram_arrow *arrows;
	pthread_once_t once;
};

static struct plan plans[] = {
	[PANEL_DIAGRAM_FULL] = {
		{ PANEL_STATES_DIAGRAM_ROWS, PANEL_STATES_DIAGRAM_COLS, full_boxes,
		  (int)(sizeof(full_boxes) / sizeof(full_boxes[0])) },
		NULL, PTHREAD_ONCE_INIT },
	[PANEL_DIAGRAM_COMPACT] = {
		{ PANEL_STATES_COMPACT_ROWS, PANEL_STATES_COMPACT_COLS, compact_boxes,
		  (int)(sizeof(compact_boxes) / sizeof(compact_boxes[0])) },
		NULL, PTHREAD_ONCE_INIT },
};

/* Routes one plan's arrows (pthread_once takes no argument, hence one function a plan). */
static void plan_route(struct plan *p)
{
	p->arrows = calloc((size_t)wire_ntransitions, sizeof(*p->arrows));
	if (p->arrows != NULL)
		diagram_route(&p->layout, p->arrows);
}

/* Routes the full plan. */
static void full_route(void)
{
	plan_route(&plans[PANEL_DIAGRAM_FULL]);
}

/* Routes the compact plan. */
static void compact_route(void)
{
	plan_route(&plans[PANEL_DIAGRAM_COMPACT]);
}

/* Returns a plan's arrows (wire_ntransitions of them), NULL when out of memory. */
const struct diagram_arrow *panel_states_diagram_arrows(enum panel_diagram_plan plan)
{
	pthread_once(&plans[plan].once, plan == PANEL_DIAGRAM_FULL ? full_route : compact_route);
	return plans[plan].arrows;
}

/* Returns the largest plan that fits a rectangle (with its title row), or -1. */
int panel_states_diagram_fit(struct rect r)
{
	for (int i = PANEL_DIAGRAM_FULL; i <= PANEL_DIAGRAM_COMPACT; i++)
		if (r.rows > plans[i].layout.rows && r.cols >= plans[i].layout.cols)
			return i;
	return -1;
}

/* How loud a line cell is: the loudest edge through it wins. */
enum { QUIET, LIT, ON_PATH };

/* The lines being drawn: which sides each cell joins, and how loud it is (room for the full plan,
 * the larger). */
_Static_assert(PANEL_STATES_COMPACT_ROWS <= PANEL_STATES_DIAGRAM_ROWS &&
		       PANEL_STATES_COMPACT_COLS <= PANEL_STATES_DIAGRAM_COLS,
	       "the canvas holds either plan");
struct canvas {
	unsigned char sides[PANEL_STATES_DIAGRAM_ROWS][PANEL_STATES_DIAGRAM_COLS];
	unsigned char loud[PANEL_STATES_DIAGRAM_ROWS][PANEL_STATES_DIAGRAM_COLS];
};

/* Joins the sides of a cell, keeping the loudest mark. */
static void canvas_join(struct canvas *cv, int row, int col, int sides, int loud)
{
	if (row < 0 || col < 0 || row >= PANEL_STATES_DIAGRAM_ROWS || col >= PANEL_STATES_DIAGRAM_COLS)
		return;
	cv->sides[row][col] |= (unsigned char)sides;
	if (loud > cv->loud[row][col])
		cv->loud[row][col] = (unsigned char)loud;
}

/* Marks an arrow's cells on the canvas. */
static void canvas_edge(struct canvas *cv, const struct plan *pl, const struct diagram_arrow *e,
			int loud)
{
	const int (*p)[2] = e->pts;

	canvas_join(cv, p[0][0], p[0][1],
		    diagram_side_facing(diagram_box_of(&pl->layout, e->from), p[0][0], p[0][1]), loud);
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

/* Returns the arrowhead of an arrow's last step. */
static wchar_t arrow_glyph(const struct screen *s, const struct diagram_arrow *e)
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

/* Returns where on a box's top border its path steps go: clear of the joints of lines leaving up. */
static int steps_column(const struct diagram_arrow *arrows, const struct diagram_box *b)
{
	int at = 2;

	for (int i = 0; arrows != NULL && i < wire_ntransitions; i++)
		if (arrows[i].routed && arrows[i].from == b->state && arrows[i].pts[0][0] == b->row - 1 &&
		    arrows[i].pts[0][1] - b->col + 2 > at && arrows[i].pts[0][1] - b->col + 2 < b->width - 4)
			at = arrows[i].pts[0][1] - b->col + 2;
	return at;
}

/* Writes a box's label, its state and count, into what the box holds: a big count in thousands
 * or millions, and when even that is too long, the count alone. Returns its length. */
static int box_label(char *out, size_t size, const struct diagram_box *b, unsigned count)
{
	const char *name = panel_state_short(b->state);
	int room = b->width - 2, n = snprintf(out, size, "%s %u", name, count);

	if (n > room && count >= 1000000)
		n = snprintf(out, size, "%s %uM", name, count / 1000000);
	else if (n > room)
		n = snprintf(out, size, "%s %uk", name, count / 1000);
	if (n > room)
		n = snprintf(out, size, "%u", count);
	return n;
}

/* Draws a state's box: its name and count, and the steps of the selected path that were in it. */
static void draw_box(struct screen *s, const struct diagram_arrow *arrows, const struct diagram_box *b,
		     int top, int left, unsigned count, bool lit, const char *steps, bool current)
{
	int border = current ? ROLE_SELECTED : ROLE_DIM, right = left + b->width - 1;
	int row = top + b->row;
	char label[40];

	/* The box's three rows: top border, label, bottom border. */
	_Static_assert(DIAGRAM_BOX_ROWS == 3, "draw_box draws three rows");

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
	int n = box_label(label, sizeof(label), b, count);
	int at = left + 1 + (b->width - 2 - n) / 2;
	screen_puts(s, row + 1, at > left ? at : left + 1, b->width - 2,
		    lit ? ROLE_NEWEST : ROLE_STATE + b->state, label);
	if (steps[0] != '\0') {
		int from = steps_column(arrows, b);
		screen_puts(s, row, left + from, b->width - 2 - from, ROLE_SELECTED, steps);
	}
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
	int top = r.row + DIAGRAM_TOP, left = r.col, fit = panel_states_diagram_fit(r);
	const struct plan *pl = &plans[fit < 0 ? PANEL_DIAGRAM_FULL : fit];
	const struct diagram_arrow *arrows = panel_states_diagram_arrows(fit < 0 ? PANEL_DIAGRAM_FULL : fit);

	panel_state_counts(m, counts);
	memset(&cv, 0, sizeof(cv));
	int title = v->focus == PANEL_STATES ? ROLE_SELECTED : ROLE_TITLE;

	if (sel != NULL)
		screen_printf(s, r.row, r.col, r.cols, title,
			      "drive_machine   conn %llu: its steps numbered, the edges it took marked",
			      (unsigned long long)sel->id);
	else
		screen_puts(s, r.row, r.col, r.cols, title,
			    "drive_machine   conns in each state; the latest transitions lit");
	if (arrows == NULL)
		return;
	for (int i = 0; i < wire_ntransitions; i++) {
		const struct diagram_arrow *e = &arrows[i];
		bool taken = false;

		if (!e->routed)
			continue;
		for (unsigned k = 0; sel != NULL && k + 1 < sel->path_len && !taken; k++)
			taken = sel->path[k] == e->from && sel->path[k + 1] == e->to;
		canvas_edge(&cv, pl, e, taken ? ON_PATH : panel_transition_lit(m, e->from, e->to) ? LIT : QUIET);
	}
	for (int row = 0; row < pl->layout.rows; row++)
		for (int col = 0; col < pl->layout.cols; col++)
			if (cv.sides[row][col] != 0)
				screen_putwc(s, top + row, left + col, loud_role(cv.loud[row][col]),
					     line_glyph(s, cv.sides[row][col]));
	for (int i = 0; i < wire_ntransitions; i++) {
		const struct diagram_arrow *e = &arrows[i];
		if (!e->routed)
			continue;
		const int *end = e->pts[e->n - 1];
		screen_putwc(s, top + end[0], left + end[1], loud_role(cv.loud[end[0]][end[1]]),
			     arrow_glyph(s, e));
	}
	for (int i = 0; i < pl->layout.nboxes; i++) {
		const struct diagram_box *b = &pl->layout.boxes[i];
		char steps[32];

		size_t room = (size_t)b->width - 3;
		path_steps(sel, b->state, steps, room < sizeof(steps) ? room : sizeof(steps));
		draw_box(s, arrows, b, top, left + b->col, counts[b->state],
			 panel_transition_lit(m, -1, b->state), steps,
			 sel != NULL && sel->state == b->state);
	}
	/* Where a line leaves a box, its border shows the joint. */
	for (int i = 0; i < wire_ntransitions; i++) {
		const struct diagram_arrow *e = &arrows[i];
		if (!e->routed)
			continue;
		const int *p = e->pts[0];
		int side = diagram_side_facing(diagram_box_of(&pl->layout, e->from), p[0], p[1]);
		int row = top + p[0] + (side == DOWN) - (side == UP);
		int col = left + p[1] + (side == RIGHT) - (side == LEFT);
		wchar_t joint = side == DOWN ? L'\u2534' : side == UP ? L'\u252c' : side == RIGHT ? L'\u2524' : L'\u251c';
		screen_putwc(s, row, col, sel != NULL && sel->state == e->from ? ROLE_SELECTED : ROLE_DIM,
			     screen_glyph(s, joint, '+'));
	}
}
