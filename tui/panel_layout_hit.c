#include "panel.h"

/* True when (row, col) is inside r. */
static bool rect_has(struct rect r, int row, int col)
{
	return row >= r.row && row < r.row + r.rows && col >= r.col && col < r.col + r.cols;
}

/* Says what a point of the screen shows. */
struct panel_hit panel_layout_hit(int rows, int cols, const struct model *m,
				  const struct panel_view *v, int row, int col)
{
	struct panel_hit hit = { PANEL_COUNT, -1 };
	struct panel_rects r;

	panel_layout_view(rows, cols, m, v, &r);
	/* The bottom line is drawn last, over whatever panel reaches it. */
	if (rect_has(r.bottom, row, col))
		return hit;
	if (rect_has(r.workers, row, col)) {
		/* The dispatch line and the column heads come first, then a row per worker. */
		int i = row - r.workers.row - 2;
		hit.panel = PANEL_WORKERS;
		if (i >= 0 && i < m->nworkers)
			hit.item = i;
	} else if (rect_has(r.conns, row, col)) {
		int i = v->conn_scroll + row - r.conns.row - 2;
		size_t total = model_conns_select(m, v->sort, v->filter_worker, v->filter_state, NULL, 0);
		hit.panel = PANEL_CONNS;
		if (row - r.conns.row >= 2 && i >= 0 && (size_t)i < total)
			hit.item = i;
	} else if (rect_has(r.log, row, col)) {
		hit.panel = PANEL_LOG;
	} else if (rect_has(r.states, row, col)) {
		hit.panel = PANEL_STATES;
	}
	return hit;
}
