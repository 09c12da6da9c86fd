#include "panel.h"

/* Sets the view's defaults. */
void panel_view_init(struct panel_view *v)
{
	*v = (struct panel_view){
		.focus = PANEL_CONNS,
		.sort = MODEL_SORT_ID,
		.filter_worker = -1,
		.filter_state = -1,
	};
}

/* The diagram needs its own width plus room for the connections beside it, and a few events. */
#define DIAGRAM_MIN_COLS (PANEL_STATES_DIAGRAM_COLS + 2 + 60)
#define DIAGRAM_MIN_LOG 6
/* The fewest rows the panels keep under a lab's checklist; fewer and the checklist is left out. */
#define LAB_MIN_REST 12
/* The compact diagram leaves the connections (and the events) a column beside it: 28 columns at
 * least, so that it shows in the demo's pane beside the deck (118 of a 220-column terminal). */
#define COMPACT_MIN_COLS (PANEL_STATES_COMPACT_COLS + 2 + 28)
/* The events under the compact diagram: a title and four (120x40 with a scene's line). */
#define COMPACT_MIN_LOG 5

/* Computes where each panel goes on a rows x cols screen. */
void panel_layout_compute(int rows, int cols, const struct model *m, struct panel_rects *out)
{
	/* The dispatch line, the heading, a row per worker and one for the timeout thread. */
	int workers = 2 + (m->nworkers > 0 ? m->nworkers : 1) + (m->timeout.idle_timeout > 0 ? 1 : 0);
	int states = cols >= 120 ? 2 : 3;

	out->header = (struct rect){ 0, 0, 1, cols };
	/* Keep at least a few rows for connections and events on small screens. */
	if (workers > rows / 3)
		workers = rows / 3 > 3 ? rows / 3 : 3;
	out->workers = (struct rect){ 1, 0, workers, cols };
	int row = 1 + workers;
	int rest = rows - row - 1;
	if (cols >= DIAGRAM_MIN_COLS && rest >= PANEL_STATES_DIAGRAM_ROWS + 1 + DIAGRAM_MIN_LOG) {
		/* Large screens: the state diagram, the events under it, the connections beside both. */
		int left = PANEL_STATES_DIAGRAM_COLS + 2;
		out->states = (struct rect){ row, 0, PANEL_STATES_DIAGRAM_ROWS + 1, left - 1 };
		out->log = (struct rect){ row + PANEL_STATES_DIAGRAM_ROWS + 2, 0,
					  rest - PANEL_STATES_DIAGRAM_ROWS - 2, left - 1 };
		out->conns = (struct rect){ row, left, rest, cols - left };
		out->bottom = (struct rect){ rows - 1, 0, 1, cols };
		return;
	}
	if (cols >= COMPACT_MIN_COLS && rest >= PANEL_STATES_COMPACT_ROWS + 1) {
		/* A projector's 120x35: the compact diagram, the connections beside it; the events
		 * under it when they have a few rows there (the sentences want its width), else under
		 * the connections. */
		int left = PANEL_STATES_COMPACT_COLS + 2, diagram = PANEL_STATES_COMPACT_ROWS + 1;
		out->bottom = (struct rect){ rows - 1, 0, 1, cols };
		if (rest >= diagram + COMPACT_MIN_LOG) {
			out->states = (struct rect){ row, 0, diagram, left - 1 };
			out->log = (struct rect){ row + diagram, 0, rest - diagram, left - 1 };
			out->conns = (struct rect){ row, left, rest, cols - left };
			return;
		}
		int conns = rest * 3 / 5;
		out->states = (struct rect){ row, 0, rest, left - 1 };
		out->conns = (struct rect){ row, left, conns, cols - left };
		out->log = (struct rect){ row + conns, left, rest - conns, cols - left };
		return;
	}
	out->states = (struct rect){ row, 0, states, cols };
	row += states;
	rest = rows - row - 1;
	if (cols >= 160) {
		/* Wide screens: connections and events side by side. */
		out->conns = (struct rect){ row, 0, rest + 1, cols / 2 - 1 };
		out->log = (struct rect){ row, cols / 2 + 1, rest + 1, cols - cols / 2 - 1 };
	} else {
		int conns = rest * 3 / 5;
		out->conns = (struct rect){ row, 0, conns, cols };
		out->log = (struct rect){ row + conns, 0, rest - conns, cols };
	}
	out->bottom = (struct rect){ rows - 1, 0, 1, cols };
}

/* Where each panel goes as the view shows them. */
void panel_layout_view(int rows, int cols, const struct model *m, const struct panel_view *v,
		       struct panel_rects *out)
{
	/* A scene's line is the header's second row; a lab's checklist is a band across the screen
	 * over the bottom line (its lines name paths and ports: they want the width). The rest is
	 * laid out as on a screen that much shorter. */
	int scene = v->scene != NULL && rows >= 12 ? 1 : 0;
	int lab = v->zoomed || rows - scene - panel_lab_rows(v) < LAB_MIN_REST ? 0 : panel_lab_rows(v);
	struct rect *below[] = { &out->workers, &out->states, &out->conns, &out->log };

	panel_layout_compute(rows - scene - lab, cols, m, out);
	for (size_t i = 0; scene > 0 && i < sizeof(below) / sizeof(below[0]); i++)
		below[i]->row++;
	out->header.rows += scene;
	out->bottom.row = rows - 1;
	out->lab = (struct rect){ rows - 1 - lab, 0, lab, cols };
	if (v->zoomed) {
		struct rect body = { 1 + scene, 0, rows - 2 - scene, cols }, none = { 0, 0, 0, 0 };
		out->workers = v->focus == PANEL_WORKERS ? body : none;
		out->states = v->focus == PANEL_STATES ? body : none;
		out->conns = v->focus == PANEL_CONNS ? body : none;
		out->log = v->focus == PANEL_LOG ? body : none;
	}
}

/* Lays out and draws every panel. */
void panel_layout_draw(struct screen *s, const struct model *m, const struct panel_view *v)
{
	struct panel_rects r;
	char keys[256];

	screen_clear(s);
	panel_layout_view(s->rows, s->cols, m, v, &r);
	panel_header_draw(s, m, v, r.header);
	panel_workers_draw(s, m, v, r.workers);
	panel_states_draw(s, m, v, r.states);
	panel_conns_draw(s, m, v, r.conns);
	panel_lab_draw(s, v, r.lab);
	panel_log_draw(s, m, v, r.log);
	if (v->message != NULL)
		screen_puts(s, r.bottom.row, 0, s->cols, ROLE_DIM, v->message);
	else if (v->keys != NULL)
		screen_puts(s, r.bottom.row, 0, s->cols, ROLE_DIM,
			    key_table_bottom_line(v->keys, keys, sizeof(keys), s->cols));
	if (v->show_help)
		panel_help_draw(s, v, (struct rect){ 0, 0, s->rows, s->cols });
}
