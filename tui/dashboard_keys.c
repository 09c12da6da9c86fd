#include <stdio.h>
#include <string.h>

#include "dashboard.h"
#include "key_table.h"

/* Sends a control command quietly. */
bool dashboard_send(struct dashboard *d, const char *cmd)
{
	int w;
	char word[8], extra;

	if (!d->connected || client_send(&d->client, cmd) != 0)
		return false;
	/* A scene's freeze is the f key's to undo: the dashboard keeps the one list of what it froze. */
	if (sscanf(cmd, "%7s w%d%c", word, &w, &extra) == 2 && w >= 0 && w < MODEL_MAX_WORKERS &&
	    (strcmp(word, "freeze") == 0 || strcmp(word, "thaw") == 0))
		d->frozen[w] = strcmp(word, "freeze") == 0;
	return true;
}

/* Sends a control command. */
void dashboard_control(struct dashboard *d, const char *cmd)
{
	if (!dashboard_send(d, cmd))
		snprintf(d->message, sizeof(d->message), "not connected: '%s' not sent", cmd);
	else
		snprintf(d->message, sizeof(d->message), "sent: %s", cmd);
}

/* Reports an answer. */
void dashboard_answer(struct dashboard *d, enum event_status st, const char *line, size_t len)
{
	char text[64], thr[16], tail[8];
	unsigned count;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (st == EVENT_ANSWER_ERROR) {
		snprintf(d->message, sizeof(d->message), "server: %.*s", (int)len, line);
		return;
	}
	if (st != EVENT_ANSWER_OK || len >= sizeof(text))
		return;
	memcpy(text, line, len);
	text[len] = '\0';
	/* "ok step w2 1 idle": the thread was not at a gate, so the step only waits for it. */
	if (sscanf(text, "ok step %15s %u %7s", thr, &count, tail) != 3 || strcmp(tail, "idle") != 0)
		return;
	snprintf(d->message, sizeof(d->message),
		 "%s is idle in its event loop: the step%s for its next trace point", thr,
		 count == 1 ? " waits" : "s wait");
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
