/* Unit tests: the state diagram's arrows, routed from wire.h's transitions table. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "diagram_route.h"
#include "panel.h"

/* True when (r, c) is beside box b's side, the way an arrow may touch it. */
static bool beside(const struct diagram_box *b, int r, int c)
{
	bool above_below = (r == b->row - 1 || r == b->row + DIAGRAM_BOX_ROWS) && c > b->col &&
			   c < b->col + b->width - 1;
	bool left_right = r == b->row + 1 && (c == b->col - 1 || c == b->col + b->width);

	return above_below || left_right;
}

/* The arrows of one of the dashboard's plans (the layouts are private). */
static const struct diagram_arrow *arrows_or_fail(enum panel_diagram_plan plan)
{
	const struct diagram_arrow *a = panel_states_diagram_arrows(plan);

	cr_assert_not_null(a);
	return a;
}

/* Every transition of the table has an arrow in a plan. */
static void expect_every_transition(enum panel_diagram_plan plan)
{
	const struct diagram_arrow *a = arrows_or_fail(plan);

	for (int i = 0; i < wire_ntransitions; i++) {
		cr_expect_eq(a[i].from, (int)wire_transitions[i].from);
		cr_expect_eq(a[i].to, (int)wire_transitions[i].to);
		cr_expect(a[i].routed, "no arrow for %s -> %s", wire_state_name(wire_transitions[i].from),
			  wire_state_name(wire_transitions[i].to));
		cr_expect_geq(a[i].n, 2);
	}
}

Test(diagram_route, every_transition_of_the_table_has_an_arrow)
{
	expect_every_transition(PANEL_DIAGRAM_FULL);
}

Test(diagram_route, the_compact_plan_has_an_arrow_for_every_transition_too)
{
	expect_every_transition(PANEL_DIAGRAM_COMPACT);
}

/* A plan's arrows are straight steps inside rows x cols that never share a cell going the same way. */
static void expect_straight_and_apart(enum panel_diagram_plan plan, int rows, int cols)
{
	const struct diagram_arrow *a = arrows_or_fail(plan);
	static unsigned char sides[PANEL_STATES_DIAGRAM_ROWS][PANEL_STATES_DIAGRAM_COLS];

	memset(sides, 0, sizeof(sides));
	for (int i = 0; i < wire_ntransitions; i++) {
		for (int k = 0; k + 1 < a[i].n; k++) {
			int r = a[i].pts[k][0], c = a[i].pts[k][1];
			int r2 = a[i].pts[k + 1][0], c2 = a[i].pts[k + 1][1];
			cr_assert(r == r2 || c == c2, "%s -> %s: a diagonal step",
				  wire_state_name(a[i].from), wire_state_name(a[i].to));
			int dr = (r2 > r) - (r2 < r), dc = (c2 > c) - (c2 < c);
			int axis = dr != 0 ? 1 : 2;
			for (; r != r2 || c != c2; r += dr, c += dc) {
				cr_assert(r >= 0 && c >= 0 && r < rows && c < cols);
				if (r == a[i].pts[k][0] && c == a[i].pts[k][1] && k > 0)
					continue; /* a corner is counted with the step into it */
				cr_expect_eq(sides[r][c] & axis, 0, "two arrows run along (%d, %d)", r, c);
				sides[r][c] |= (unsigned char)axis;
			}
		}
	}
}

Test(diagram_route, arrows_are_straight_steps_that_never_share_a_cell_going_the_same_way)
{
	expect_straight_and_apart(PANEL_DIAGRAM_FULL, PANEL_STATES_DIAGRAM_ROWS, PANEL_STATES_DIAGRAM_COLS);
	expect_straight_and_apart(PANEL_DIAGRAM_COMPACT, PANEL_STATES_COMPACT_ROWS,
				  PANEL_STATES_COMPACT_COLS);
}

Test(diagram_route, routing_a_layout_twice_gives_the_same_arrows_and_ends_beside_the_boxes)
{
	static const struct diagram_box boxes[] = {
		{ conn_listening, 3, 3, 17 }, { conn_new_cmd, 3, 27, 17 }, { conn_waiting, 3, 51, 17 },
		{ conn_read, 3, 75, 17 }, { conn_swallow, 12, 3, 17 }, { conn_write, 12, 27, 17 },
		{ conn_nread, 12, 51, 17 }, { conn_parse_cmd, 12, 75, 17 }, { conn_mwrite, 20, 27, 17 },
		{ conn_closing, 27, 3, 89 }, { conn_closed, 27, 99, 17 },
	};
	const struct diagram_layout layout = { 30, 116, boxes, 11 };
	struct diagram_arrow *one = calloc((size_t)wire_ntransitions, sizeof(*one));
	struct diagram_arrow *two = calloc((size_t)wire_ntransitions, sizeof(*two));

	cr_assert(one != NULL && two != NULL);
	cr_expect_eq(diagram_route(&layout, one), wire_ntransitions);
	cr_expect_eq(diagram_route(&layout, two), wire_ntransitions);
	cr_expect_eq(memcmp(one, two, sizeof(*one) * (size_t)wire_ntransitions), 0);
	for (int i = 0; i < wire_ntransitions; i++) {
		const struct diagram_box *from = diagram_box_of(&layout, one[i].from);
		const struct diagram_box *to = diagram_box_of(&layout, one[i].to);
		const int *first = one[i].pts[0], *last = one[i].pts[one[i].n - 1];
		cr_expect(beside(from, first[0], first[1]), "%s -> %s starts away from its box",
			  wire_state_name(one[i].from), wire_state_name(one[i].to));
		cr_expect(beside(to, last[0], last[1]), "%s -> %s ends away from its box",
			  wire_state_name(one[i].from), wire_state_name(one[i].to));
	}
	free(one);
	free(two);
}

Test(diagram_route, a_box_walled_in_gets_no_arrow_and_the_rest_still_do)
{
	/* closed, two cells wide in the corner against closing, has no free side: closing -> closed
	 * has no way. */
	static const struct diagram_box boxes[] = {
		{ conn_listening, 3, 3, 17 }, { conn_new_cmd, 3, 27, 17 }, { conn_waiting, 3, 51, 17 },
		{ conn_read, 3, 75, 17 }, { conn_swallow, 12, 3, 17 }, { conn_write, 12, 27, 17 },
		{ conn_nread, 12, 51, 17 }, { conn_parse_cmd, 12, 75, 17 }, { conn_mwrite, 20, 27, 17 },
		{ conn_closing, 27, 3, 97 }, { conn_closed, 27, 100, 2 },
	};
	const struct diagram_layout layout = { 30, 102, boxes, 11 };
	struct diagram_arrow *a = calloc((size_t)wire_ntransitions, sizeof(*a));

	cr_assert_not_null(a);
	cr_expect_eq(diagram_route(&layout, a), wire_ntransitions - 1);
	cr_expect_not(a[wire_transition_find(conn_closing, conn_closed)].routed);
	free(a);
}
