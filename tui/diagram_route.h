/*
 * diagram_route.h: the state diagram's arrows, routed. A layout places a
 * box per conn state by hand, so the diagram reads like a textbook figure;
 * the arrows between them are found here, one for every transition of
 * wire.h's table, so that a move added to the table gets its arrow without
 * anyone drawing it. No curses: the panel draws what this computes.
 *
 * Each arrow is a line of straight steps through the free cells between
 * the boxes, from a cell beside its source box to a cell beside its target,
 * where the arrowhead goes. Lines never share a step or turn where another
 * line runs; they may cross one at right angles. Among the routes allowed,
 * the cheapest wins: few cells, few turns, few crossings, and no running
 * alongside another line or a box when that can be helped.
 */
#ifndef MCSCOPE_TUI_DIAGRAM_ROUTE_H
#define MCSCOPE_TUI_DIAGRAM_ROUTE_H

#include <stdbool.h>

/* A box is this many rows: its top border, its label, its bottom border. */
#define DIAGRAM_BOX_ROWS 3

/* The most corners an arrow has, ends included. */
#define DIAGRAM_MAX_POINTS 24

/* Sides of a cell a line joins. */
enum { DIAGRAM_UP = 1, DIAGRAM_DOWN = 2, DIAGRAM_LEFT = 4, DIAGRAM_RIGHT = 8 };

struct diagram_box {
	int state;           /* enum conn_states */
	int row, col, width; /* its top-left cell and width; DIAGRAM_BOX_ROWS high */
};

struct diagram_layout {
	int rows, cols;
	const struct diagram_box *boxes;
	int nboxes;
};

/* One transition's arrow: (row, col) corners from the cell beside its source to its head. */
struct diagram_arrow {
	int from, to;        /* the transition, as in wire_transitions */
	bool routed;         /* false when no route was found */
	int n;
	int pts[DIAGRAM_MAX_POINTS][2];
};

/*
 * Routes an arrow for every transition of wire_transitions on layout, into
 * arrows[i] for wire_transitions[i] (wire_ntransitions of them); returns
 * how many were routed. The same layout always gets the same routes.
 */
int diagram_route(const struct diagram_layout *layout, struct diagram_arrow *arrows);

/* Returns the box of a state in layout, or NULL. */
const struct diagram_box *diagram_box_of(const struct diagram_layout *layout, int state);

/* Returns the side of the cell (row, col) that faces box b (the side a line joins b by). */
int diagram_side_facing(const struct diagram_box *b, int row, int col);

#endif
