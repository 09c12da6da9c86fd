#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dashboard.h"

/* Sends a control command. */
void dashboard_control(struct dashboard *d, const char *cmd)
{
	if (!d->connected || client_send(&d->client, cmd) != 0)
		snprintf(d->message, sizeof(d->message), "not connected: '%s' not sent", cmd);
	else
		snprintf(d->message, sizeof(d->message), "sent: %s", cmd);
}

/* Starts or stops writing every line the server sends to a trace file. */
static void toggle_recording(struct dashboard *d)
{
	char name[64];
	time_t now = time(NULL);

	if (d->recording != NULL) {
		fclose(d->recording);
		d->recording = NULL;
		snprintf(d->message, sizeof(d->message), "recording stopped");
		return;
	}
	strftime(name, sizeof(name), "mcscope-%Y%m%d-%H%M%S.trace", localtime(&now));
	d->recording = fopen(name, "wx");
	if (d->recording == NULL)
		snprintf(d->message, sizeof(d->message), "cannot create %s", name);
	else
		snprintf(d->message, sizeof(d->message), "recording to %s (r stops)", name);
}

/* Moves the selection in the focused panel by delta rows. */
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
	case PANEL_COUNT:
		break;
	}
}

/* Cycles the connection filter: every worker in turn, then every state, then off. */
static void cycle_filter(struct panel_view *v, const struct model *m)
{
	if (v->filter_state >= 0) {
		v->filter_state = v->filter_state + 1 < conn_closed ? v->filter_state + 1 : -1;
		return;
	}
	if (v->filter_worker + 1 < m->nworkers) {
		v->filter_worker++;
		return;
	}
	v->filter_worker = -1;
	v->filter_state = conn_new_cmd;
}

/* Handles a left click. */
void dashboard_click(struct dashboard *d, int row, int col)
{
	struct panel_view *v = &d->view;
	struct panel_hit hit;

	d->message[0] = '\0';
	if (v->show_help) {
		v->show_help = false;
		return;
	}
	hit = panel_layout_hit(d->screen->rows, d->screen->cols, d->model, v, row, col);
	if (hit.panel == PANEL_COUNT)
		return;
	v->focus = hit.panel;
	if (hit.panel == PANEL_WORKERS && hit.item >= 0)
		v->selected_worker = hit.item;
	else if (hit.panel == PANEL_CONNS && hit.item >= 0)
		v->conn_selected = hit.item;
}

/* Handles one key. */
void dashboard_key(struct dashboard *d, int key)
{
	struct panel_view *v = &d->view;
	char cmd[64];

	d->message[0] = '\0';
	if (v->show_help && key != '?' && key != 'q') {
		v->show_help = false;
		return;
	}
	if (d->opts.replay != NULL && dashboard_replay_key(d, key))
		return;
	switch (key) {
	case 'q':
		d->quit = true;
		break;
	case '?':
	case KEY_F(1):
		v->show_help = !v->show_help;
		break;
	case 27: /* Esc */
		v->show_help = v->show_details = false;
		break;
	case ' ':
		dashboard_control(d, d->model->paused ? "resume" : "pause");
		break;
	case 'n':
	case KEY_RIGHT:
		if (!d->model->paused)
			snprintf(d->message, sizeof(d->message), "not paused: space pauses, then n steps");
		else
			dashboard_control(d, "step 1");
		break;
	case 'f':
		if (v->selected_worker < 0 || v->selected_worker >= d->model->nworkers)
			break;
		d->frozen[v->selected_worker] = !d->frozen[v->selected_worker];
		snprintf(cmd, sizeof(cmd), "%s w%d", d->frozen[v->selected_worker] ? "freeze" : "thaw",
			 v->selected_worker);
		dashboard_control(d, cmd);
		break;
	case 'd':
		snprintf(cmd, sizeof(cmd), "dispatch %s",
			 wire_policy_name((enum dispatch_policy)((d->model->policy + 1) % DISPATCH_MAX)));
		dashboard_control(d, cmd);
		break;
	case 'p':
		v->display_held = !v->display_held;
		break;
	case '+':
		if (d->opts.interval_ms > 34)
			d->opts.interval_ms = d->opts.interval_ms * 2 / 3;
		snprintf(d->message, sizeof(d->message), "refresh every %d ms", d->opts.interval_ms);
		break;
	case '-':
		if (d->opts.interval_ms < 2000)
			d->opts.interval_ms = d->opts.interval_ms * 3 / 2;
		snprintf(d->message, sizeof(d->message), "refresh every %d ms", d->opts.interval_ms);
		break;
	case '\t':
		v->focus = (enum panel_id)((v->focus + 1) % PANEL_COUNT);
		break;
	case KEY_UP:
	case 'k':
		move_selection(d, -1);
		break;
	case KEY_DOWN:
	case 'j':
		move_selection(d, 1);
		break;
	case KEY_PPAGE:
		move_selection(d, -10);
		break;
	case KEY_NPAGE:
		move_selection(d, 10);
		break;
	case '/':
		cycle_filter(v, d->model);
		v->conn_scroll = v->conn_selected = 0;
		break;
	case 's':
		v->sort = (enum model_sort)((v->sort + 1) % (MODEL_SORT_AGE + 1));
		break;
	case '\n':
	case '\r': /* Enter, as the terminal sends it once nonl() is on */
	case KEY_ENTER:
		v->show_details = !v->show_details;
		break;
	case 'r':
		toggle_recording(d);
		break;
	default:
		break;
	}
}
