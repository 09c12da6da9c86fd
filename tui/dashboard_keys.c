#include <stdio.h>

#include "dashboard.h"
#include "key_table.h"

/* Sends a control command. */
void dashboard_control(struct dashboard *d, const char *cmd)
{
	if (!d->connected || client_send(&d->client, cmd) != 0)
		snprintf(d->message, sizeof(d->message), "not connected: '%s' not sent", cmd);
	else
		snprintf(d->message, sizeof(d->message), "sent: %s", cmd);
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

/* Handles one key: the screen's key table says what it does. */
void dashboard_key(struct dashboard *d, int key)
{
	const struct key_binding *b = d->view.keys != NULL ? key_table_find(d->view.keys, key) : NULL;

	d->message[0] = '\0';
	/* The overlay hides the screen: the first other key only closes it. */
	if (d->view.show_help && (b == NULL || !b->over_help)) {
		d->view.show_help = false;
		return;
	}
	if (b != NULL && b->action != NULL)
		b->action(d, key);
}
