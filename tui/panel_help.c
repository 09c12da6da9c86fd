#include <string.h>

#include "panel.h"
#include "scene.h"

/* Writes the ? overlay's line for scene i (from 0): the one running marked. */
static const char *scene_line(const struct panel_view *v, int i, char *buf, size_t n)
{
	const struct scene *sc = scene_at(i);

	snprintf(buf, n, "%s %d  %-14s %s", i + 1 == v->scene_number ? ">" : " ", i + 1, sc->name,
		 sc->title);
	return buf;
}

/* Draws the ? overlay. */
void panel_help_draw(struct screen *s, const struct panel_view *v, struct rect r)
{
	const struct key_table *t = v->keys;
	const struct key_binding *b;
	char help[256];
	int n = 0, label_w = 0, text_w;

	if (t == NULL)
		return;
	/* Sized to the text (labels and help are ASCII: a byte is a column). */
	text_w = (int)strlen(t->title);
	for (; (b = key_table_at(t, n)) != NULL; n++)
		if ((int)strlen(b->label) > label_w)
			label_w = (int)strlen(b->label);
	for (int i = 0; (b = key_table_at(t, i)) != NULL; i++) {
		int line_w = label_w + 2 + (int)strlen(key_binding_help(b, help, sizeof(help)));
		if (line_w > text_w)
			text_w = line_w;
	}
	/* A demo's scenes under the keys: a blank line, a title and a line each. */
	int scenes = v->scene_number > 0 ? scene_count() : 0;
	for (int i = 0; i < scenes; i++)
		if ((int)strlen(scene_line(v, i, help, sizeof(help))) > text_w)
			text_w = (int)strlen(help);
	int extra = scenes > 0 ? scenes + 2 : 0;
	/* The title, a blank line and a line per binding, in a margin of a row and two columns;
	 * cut to r on a small screen. */
	int w = text_w + 4 < r.cols ? text_w + 4 : r.cols;
	int h = n + 4 + extra < r.rows ? n + 4 + extra : r.rows;
	/* An odd spare row goes above it, so that the header's PAUSED stays in sight. */
	int top = r.row + (r.rows - h + 1) / 2, left = r.col + (r.cols - w) / 2;
	int text_cols = w - 4 > 0 ? w - 4 : 0;

	for (int row = top; row < top + h; row++)
		for (int col = left; col < left + w; col++)
			screen_putwc(s, row, col, ROLE_SELECTED, L' ');
	if (text_cols == 0)
		return;
	for (int line = 0; line < n + 2 && line + 2 < h; line++) {
		int row = top + 1 + line;
		if (line == 0)
			screen_puts(s, row, left + 2, text_cols, ROLE_TITLE, t->title);
		else if (line > 1)
			screen_printf(s, row, left + 2, text_cols, ROLE_SELECTED, "%-*s  %s", label_w,
				      key_table_at(t, line - 2)->label,
				      key_binding_help(key_table_at(t, line - 2), help, sizeof(help)));
	}
	for (int line = 0; line + 1 < extra && n + 3 + line + 2 < h; line++) {
		int row = top + n + 3 + line;
		if (line == 0)
			screen_puts(s, row, left + 2, text_cols, ROLE_TITLE, "Scenes (] next, [ previous)");
		else
			screen_puts(s, row, left + 2, text_cols,
				    line == v->scene_number ? ROLE_TITLE : ROLE_SELECTED,
				    scene_line(v, line - 1, help, sizeof(help)));
	}
}
