/*
 * diagram_route.c: a shortest-path search per arrow over the diagram's
 * free cells (Dijkstra's, on cells and the direction a line enters them,
 * so a turn can cost more than a step). Arrows are routed one after the
 * other, the short ones between neighbouring boxes first, each around the
 * lines already drawn.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "diagram_route.h"
#include "wire.h"

/* What a route pays for, per cell: cheap routes are short, straight and apart. */
#define COST_STEP 2
#define COST_TURN 7      /* each corner */
#define COST_CROSS 14    /* crossing another line at right angles */
#define COST_ALONGSIDE 5 /* running next to another line */
#define COST_HUG_BOX 4   /* running right beside a box */
#define COST_NEAR_HEAD 6 /* passing next to another arrow's end */

/* An arrow this many cells long or shorter joins neighbours: the main road. */
#define SHORT_ARROW 8
#define COST_CROSS_MAIN 60 /* crossing the main road, only when there is no other way */

/* An arrow leaving or entering a box on the side away from the other box. */
#define COST_FACING_AWAY 20

/* How many times the arrows are routed again, those that found no way first. */
#define ROUTE_ROUNDS 8

/* Directions, as indexes: the order of the DIAGRAM_ side bits. */
enum { D_UP, D_DOWN, D_LEFT, D_RIGHT, D_COUNT };

static const int drow[D_COUNT] = { -1, 1, 0, 0 };
static const int dcol[D_COUNT] = { 0, 0, -1, 1 };

/* The grid as routing sees it. */
struct grid {
	int rows, cols;
	unsigned char *box;    /* a box's cell */
	unsigned char *sides;  /* sides joined by lines routed so far */
	unsigned char *end;    /* an arrow starts or ends here */
	unsigned char *near;   /* next to a box's cell */
	unsigned char *guard;  /* next to an arrow's end: no crossing there */
	unsigned char *main;   /* on a short arrow between neighbours */
};

/* A search state: a cell and the direction a line entered it. */
struct node {
	int cost;
	int state;
};

struct heap {
	struct node *v;
	int n, cap;
};

/* Returns the reverse of direction d. */
static int reverse(int d)
{
	return d ^ 1;
}

/* Returns the side bit of direction d. */
static int bit(int d)
{
	return 1 << d;
}

/* Pushes a node; false when out of memory. */
static bool heap_push(struct heap *h, struct node x)
{
	if (h->n == h->cap) {
		int cap = h->cap ? h->cap * 2 : 1024;
		struct node *v = realloc(h->v, (size_t)cap * sizeof(*v));
		if (v == NULL)
			return false;
		h->v = v;
		h->cap = cap;
	}
	int i = h->n++;
	/* Ties go to the earlier push, so the same layout always gets the same routes. */
	while (i > 0 && (h->v[(i - 1) / 2].cost > x.cost ||
			 (h->v[(i - 1) / 2].cost == x.cost && h->v[(i - 1) / 2].state > x.state))) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = x;
	return true;
}

/* Pops the cheapest node. */
static struct node heap_pop(struct heap *h)
{
	struct node top = h->v[0], last = h->v[--h->n];
	int i = 0;

	for (;;) {
		int c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && (h->v[c + 1].cost < h->v[c].cost ||
				     (h->v[c + 1].cost == h->v[c].cost && h->v[c + 1].state < h->v[c].state)))
			c++;
		if (h->v[c].cost > last.cost || (h->v[c].cost == last.cost && h->v[c].state > last.state))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n > 0)
		h->v[i] = last;
	return top;
}

/* True when (r, c) is on the grid. */
static bool inside(const struct grid *g, int r, int c)
{
	return r >= 0 && c >= 0 && r < g->rows && c < g->cols;
}

/* Returns the box of a state. */
const struct diagram_box *diagram_box_of(const struct diagram_layout *layout, int state)
{
	for (int i = 0; i < layout->nboxes; i++)
		if (layout->boxes[i].state == state)
			return &layout->boxes[i];
	return NULL;
}

/* Returns the side of (row, col) that faces box b. */
int diagram_side_facing(const struct diagram_box *b, int row, int col)
{
	if (row < b->row)
		return DIAGRAM_DOWN;
	if (row >= b->row + DIAGRAM_BOX_ROWS)
		return DIAGRAM_UP;
	return col < b->col ? DIAGRAM_RIGHT : DIAGRAM_LEFT;
}

/*
 * Returns the direction a line leaves box b by when it starts at (r, c), or
 * -1 when (r, c) cannot be an end of a line at b: it must be beside one of
 * the box's sides (the label row only, on the left and right), free, and
 * not next to another end on that side, so that arrowheads stay apart.
 */
static int end_direction(const struct grid *g, const struct diagram_box *b, int r, int c)
{
	int d = -1;

	if (!inside(g, r, c) || g->box[r * g->cols + c] || g->sides[r * g->cols + c] ||
	    g->end[r * g->cols + c])
		return -1;
	if ((r == b->row - 1 || r == b->row + DIAGRAM_BOX_ROWS) && c > b->col &&
	    c < b->col + b->width - 1) {
		d = r < b->row ? D_UP : D_DOWN;
		for (int dc = -1; dc <= 1; dc += 2)
			if (inside(g, r, c + dc) && g->end[r * g->cols + c + dc])
				return -1;
	} else if (r == b->row + 1 && (c == b->col - 1 || c == b->col + b->width)) {
		d = c < b->col ? D_LEFT : D_RIGHT;
	}
	return d;
}

/* What entering cell (r, c) in direction d costs, beyond the step; -1 when it may not. */
static int entry_cost(const struct grid *g, int r, int c, int d)
{
	int at = r * g->cols + c, cost = 0;
	int across = d == D_UP || d == D_DOWN ? DIAGRAM_LEFT | DIAGRAM_RIGHT : DIAGRAM_UP | DIAGRAM_DOWN;

	if (g->box[at] || g->end[at])
		return -1;
	if (g->sides[at] != 0) {
		/* Only straight across a straight line. */
		if (g->sides[at] != across || g->guard[at])
			return -1;
		cost += g->main[at] ? COST_CROSS_MAIN : COST_CROSS;
	}
	for (int side = 0; side < D_COUNT; side++) {
		int nr = r + drow[side], nc = c + dcol[side];
		if (!inside(g, nr, nc))
			continue;
		int n = nr * g->cols + nc;
		if (g->end[n])
			cost += COST_NEAR_HEAD;
		/* A neighbour across the line's way that runs the same way. */
		if ((side == D_UP || side == D_DOWN) != (d == D_UP || d == D_DOWN) &&
		    (g->sides[n] & (bit(d) | bit(reverse(d)))) == (bit(d) | bit(reverse(d))))
			cost += COST_ALONGSIDE;
	}
	if (g->near[at])
		cost += COST_HUG_BOX;
	return cost;
}

/* Joins the sides of a cell. */
static void join(struct grid *g, int r, int c, int sides)
{
	g->sides[r * g->cols + c] |= (unsigned char)sides;
}

/* What leaving box a by direction d costs when b lies the other way. */
static int facing_cost(const struct diagram_box *a, const struct diagram_box *b, int d)
{
	int ar = a->row + 1, ac = a->col + a->width / 2, br = b->row + 1, bc = b->col + b->width / 2;
	bool away;

	switch (d) {
	case D_UP: away = br > a->row + DIAGRAM_BOX_ROWS; break;
	case D_DOWN: away = br < a->row; break;
	case D_LEFT: away = bc > a->col + a->width; break;
	default: away = bc < a->col; break;
	}
	(void)ar;
	(void)ac;
	return away ? COST_FACING_AWAY : 0;
}

/* Routes one arrow from box a to box b around what is drawn; false when there is no way. */
static bool route_one(struct grid *g, const struct diagram_box *a, const struct diagram_box *b,
		      struct diagram_arrow *out, int *dist, int *prev, struct heap *h)
{
	int ncells = g->rows * g->cols, nstates = ncells * D_COUNT, found = -1;

	for (int i = 0; i < 2 * nstates; i++) {
		dist[i] = INT_MAX;
		prev[i] = -1;
	}
	h->n = 0;
	/* Every free cell beside a is a start, the line leaving a straight away. */
	for (int r = a->row - 1; r <= a->row + DIAGRAM_BOX_ROWS; r++) {
		for (int c = a->col - 1; c <= a->col + a->width; c++) {
			int d = end_direction(g, a, r, c);
			if (d < 0)
				continue;
			int s = (r * g->cols + c) * D_COUNT + d;
			dist[s] = facing_cost(a, b, d);
			if (!heap_push(h, (struct node){ dist[s], s }))
				return false;
		}
	}
	while (h->n > 0) {
		struct node x = heap_pop(h);

		if (x.cost > dist[x.state])
			continue;
		/* Done: the end node of the cheapest route, whose last cell is prev's. */
		if (x.state >= nstates) {
			found = prev[x.state];
			break;
		}
		int cell = x.state / D_COUNT, d = x.state % D_COUNT, r = cell / g->cols, c = cell % g->cols;

		/* A free cell beside b, heading into b, ends a route; as the end pays for facing away
		 * from a, it is an end node of its own, settled in turn. */
		if (prev[x.state] >= 0 && end_direction(g, b, r, c) == reverse(d)) {
			int done = nstates + x.state;
			int cost = x.cost + facing_cost(b, a, end_direction(g, b, r, c));
			if (cost < dist[done]) {
				dist[done] = cost;
				prev[done] = x.state;
				if (!heap_push(h, (struct node){ cost, done }))
					return false;
			}
			continue;
		}
		for (int nd = 0; nd < D_COUNT; nd++) {
			int nr = r + drow[nd], nc = c + dcol[nd], extra;

			if (nd == reverse(d) || !inside(g, nr, nc))
				continue;
			/* No corner where another line runs. */
			if (nd != d && g->sides[cell] != 0)
				continue;
			extra = entry_cost(g, nr, nc, nd);
			if (extra < 0)
				continue;
			int ns = (nr * g->cols + nc) * D_COUNT + nd;
			int cost = x.cost + COST_STEP + extra + (nd != d ? COST_TURN : 0);
			if (cost < dist[ns]) {
				dist[ns] = cost;
				prev[ns] = x.state;
				if (!heap_push(h, (struct node){ cost, ns }))
					return false;
			}
		}
	}
	if (found < 0)
		return false;

	/* Walk back to the start, keeping the corners. */
	int cells[4096], n = 0;
	for (int s = found; s >= 0 && n < (int)(sizeof(cells) / sizeof(cells[0])); s = prev[s])
		cells[n++] = s;
	out->n = 0;
	for (int i = n - 1; i >= 0; i--) {
		int cell = cells[i] / D_COUNT, d = cells[i] % D_COUNT;
		bool corner = i == n - 1 || i == 0 || cells[i - 1] % D_COUNT != d;
		if (corner && out->n < DIAGRAM_MAX_POINTS) {
			out->pts[out->n][0] = cell / g->cols;
			out->pts[out->n][1] = cell % g->cols;
			out->n++;
		}
	}
	if (out->n < 2 || out->pts[out->n - 1][0] != found / D_COUNT / g->cols ||
	    out->pts[out->n - 1][1] != found / D_COUNT % g->cols)
		return false;
	/* Draw it into the grid, so that later arrows go around it. */
	for (int i = n - 1; i > 0; i--) {
		int from = cells[i] / D_COUNT, to = cells[i - 1] / D_COUNT, d = cells[i - 1] % D_COUNT;
		join(g, from / g->cols, from % g->cols, bit(d));
		join(g, to / g->cols, to % g->cols, bit(reverse(d)));
	}
	int first = cells[n - 1] / D_COUNT, last = found / D_COUNT;
	join(g, first / g->cols, first % g->cols, diagram_side_facing(a, first / g->cols, first % g->cols));
	join(g, last / g->cols, last % g->cols, diagram_side_facing(b, last / g->cols, last % g->cols));
	g->end[first] = g->end[last] = 1;
	/* A short arrow between neighbours is the main road: crossing it costs the most. */
	if (n <= SHORT_ARROW)
		for (int i = 0; i < n; i++)
			g->main[cells[i] / D_COUNT] = 1;
	for (int dr = -1; dr <= 1; dr++)
		for (int dc = -1; dc <= 1; dc++)
			for (int k = 0; k < 2; k++) {
				int cell = k == 0 ? first : last, r = cell / g->cols + dr, c = cell % g->cols + dc;
				if (abs(dr) + abs(dc) <= 1 && inside(g, r, c))
					g->guard[r * g->cols + c] = 1;
			}
	out->routed = true;
	return true;
}

/* Orders arrows: between neighbours in a row first, then the shorter ones. */
static int route_order(const struct diagram_layout *layout, int i)
{
	const struct diagram_box *a = diagram_box_of(layout, wire_transitions[i].from);
	const struct diagram_box *b = diagram_box_of(layout, wire_transitions[i].to);
	int dr = abs(a->row - b->row), dc = abs((a->col + a->width / 2) - (b->col + b->width / 2));

	if (a->row == b->row) {
		int lo = a->col < b->col ? a->col + a->width : b->col + b->width;
		int hi = a->col < b->col ? b->col : a->col;
		bool between = false;
		for (int k = 0; k < layout->nboxes; k++)
			between |= layout->boxes[k].row == a->row && layout->boxes[k].col >= lo &&
				   layout->boxes[k].col < hi;
		if (!between)
			return 0;
	}
	return 1 + dr * 4 + dc;
}

/* Routes every transition. */
int diagram_route(const struct diagram_layout *layout, struct diagram_arrow *arrows)
{
	int ncells = layout->rows * layout->cols, routed = 0;
	struct grid g = { layout->rows, layout->cols, NULL, NULL, NULL, NULL, NULL, NULL };
	int *order = malloc(sizeof(int) * (size_t)wire_ntransitions);
	int *keys = malloc(sizeof(int) * (size_t)wire_ntransitions);
	/* Each cell and direction, and an end node for each. */
	int *dist = malloc(sizeof(int) * (size_t)ncells * D_COUNT * 2);
	int *prev = malloc(sizeof(int) * (size_t)ncells * D_COUNT * 2);
	struct heap h = { NULL, 0, 0 };

	g.box = calloc((size_t)ncells, 1);
	g.sides = calloc((size_t)ncells, 1);
	g.end = calloc((size_t)ncells, 1);
	g.near = calloc((size_t)ncells, 1);
	g.guard = calloc((size_t)ncells, 1);
	g.main = calloc((size_t)ncells, 1);
	for (int i = 0; i < wire_ntransitions; i++)
		arrows[i] = (struct diagram_arrow){ .from = wire_transitions[i].from,
						    .to = wire_transitions[i].to };
	if (order == NULL || keys == NULL || dist == NULL || prev == NULL || g.box == NULL ||
	    g.sides == NULL || g.end == NULL || g.near == NULL || g.guard == NULL ||
	    g.main == NULL)
		goto out;
	for (int k = 0; k < layout->nboxes; k++) {
		const struct diagram_box *b = &layout->boxes[k];
		for (int r = b->row; r < b->row + DIAGRAM_BOX_ROWS; r++)
			for (int c = b->col; c < b->col + b->width; c++)
				if (inside(&g, r, c))
					g.box[r * g.cols + c] = 1;
	}
	for (int r = 0; r < g.rows; r++)
		for (int c = 0; c < g.cols; c++)
			for (int d = 0; d < D_COUNT; d++)
				if (inside(&g, r + drow[d], c + dcol[d]) &&
				    g.box[(r + drow[d]) * g.cols + c + dcol[d]])
					g.near[r * g.cols + c] = 1;
	for (int i = 0; i < wire_ntransitions; i++) {
		keys[i] = route_order(layout, i);
		order[i] = i;
	}
	/* Insertion sort: a few dozen arrows, and stable, so ties keep the table's order. */
	for (int i = 1; i < wire_ntransitions; i++)
		for (int j = i; j > 0 && keys[order[j - 1]] > keys[order[j]]; j--) {
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	/* Arrows that find no way are routed earlier in the next round, before those in their way. */
	for (int round = 0; round < ROUTE_ROUNDS; round++) {
		int first_free = 0, nfailed = 0;

		memset(g.sides, 0, (size_t)ncells);
		memset(g.end, 0, (size_t)ncells);
		memset(g.guard, 0, (size_t)ncells);
		memset(g.main, 0, (size_t)ncells);
		routed = 0;
		for (int i = 0; i < wire_ntransitions; i++) {
			int t = order[i];
			const struct diagram_box *a = diagram_box_of(layout, wire_transitions[t].from);
			const struct diagram_box *b = diagram_box_of(layout, wire_transitions[t].to);

			arrows[t] = (struct diagram_arrow){ .from = wire_transitions[t].from,
							    .to = wire_transitions[t].to };
			if (a != NULL && b != NULL && route_one(&g, a, b, &arrows[t], dist, prev, &h))
				routed++;
			else
				keys[nfailed++] = t;
		}
		if (nfailed == 0)
			break;
		/* Move the failed ones to just after the neighbours' arrows, keeping their order. */
		while (first_free < wire_ntransitions && route_order(layout, order[first_free]) == 0)
			first_free++;
		for (int f = nfailed - 1; f >= 0; f--) {
			int at = 0;
			while (order[at] != keys[f])
				at++;
			if (at <= first_free)
				continue; /* a neighbours' arrow, or already first */
			memmove(&order[first_free + 1], &order[first_free], sizeof(int) * (size_t)(at - first_free));
			order[first_free] = keys[f];
		}
	}
out:
	free(h.v);
	free(order);
	free(keys);
	free(dist);
	free(prev);
	free(g.box);
	free(g.sides);
	free(g.end);
	free(g.near);
	free(g.guard);
	free(g.main);
	return routed;
}
