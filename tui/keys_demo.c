/*
 * keys_demo.c: mcscope demo's keys: the live dashboard's, and the ones that
 * move between its scenes.
 */
#include <stdio.h>

#include "dashboard.h"
#include "key_table.h"

/* ] goes to the next scene, [ to the one before; the run loop makes the move between two frames. */
static void change_scene(struct dashboard *d, int key)
{
	if (d->opts.scenes == NULL) {
		snprintf(d->message, sizeof(d->message), "no scenes here: they come with mcscope demo");
		return;
	}
	d->scene_go += key == ']' ? 1 : -1;
}

/* After the live keys: the scenes'. */
const struct key_binding key_bindings_demo[] = {
	{ .codes = { ']', '[' }, .label = "] / [", .help = "next / previous scene", .bottom = "] scene",
	  .action = change_scene },
	{ .label = NULL },
};

const struct key_table key_table_demo = {
	.title = "mcscope demo keys",
	.lists = { key_bindings_first, key_bindings_live, key_bindings_demo, key_bindings_view },
};
