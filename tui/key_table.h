/*
 * key_table.h: the dashboard's keys, one table per screen (live, replay), as
 * tmux's key tables: each binding carries its keys, what they do and its
 * help, so the keys are dispatched, the ? overlay and the bottom line drawn
 * and the README's lists checked from the one place.
 *
 * The tables (keys_*.c) name curses key codes and act on a dashboard; this
 * header and key_table.c need neither, so the panels draw from the tables
 * without curses.
 */
#ifndef MCSCOPE_TUI_KEY_TABLE_H
#define MCSCOPE_TUI_KEY_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct dashboard;

/* The most key codes one binding takes (0..9 takes ten). */
#define KEY_BINDING_CODES 12

/* One binding: its keys, how they are shown, what they do and what for. */
struct key_binding {
	/* Curses key codes, 0 after the last; none for the mouse, which the run loop reads. */
	int codes[KEY_BINDING_CODES];
	const char *label;      /* the keys as the help shows them: "n, Right"; NULL ends a list */
	const char *help;       /* what they do, plain ASCII: "step one event (while paused)" */
	/* When set, the help ends with this list in parentheses (wire_policy_list's signature). */
	const char *(*help_list)(char *buf, size_t n, const char *sep);
	const char *bottom;     /* its words on the bottom line ("n step"), or NULL: not there */
	bool over_help;         /* acts while the ? overlay is up; any other key closes the overlay */
	void (*action)(struct dashboard *d, int key); /* NULL: documented only (the mouse) */
};

/* A screen's keys: lists of bindings, looked up and shown in order. */
struct key_table {
	const char *title;                        /* the ? overlay's first line */
	const struct key_binding *const lists[4]; /* NULL after the last */
};

/* The keys both screens share: help, Esc and quit first; then what to show and how. */
extern const struct key_binding key_bindings_first[];
extern const struct key_binding key_bindings_view[];

/* The keys that steer a live server; the demo's own (its scenes). */
extern const struct key_binding key_bindings_live[];
extern const struct key_binding key_bindings_demo[];

/* The live dashboard's keys, a demo's (the live ones and its scenes'), and a replay's. */
extern const struct key_table key_table_live;
extern const struct key_table key_table_demo;
extern const struct key_table key_table_replay;

/* Returns the i-th binding of the table in order, or NULL past the last. */
const struct key_binding *key_table_at(const struct key_table *t, int i);

/* Returns the binding of key code key, or NULL when the table has none. */
const struct key_binding *key_table_find(const struct key_table *t, int key);

/* Writes a binding's help, its list included, into buf (n bytes); returns buf. */
const char *key_binding_help(const struct key_binding *b, char *buf, size_t n);

/* Writes the bottom line into buf (n bytes): the bindings' words in order, two spaces apart,
 * as many whole ones as fit in width columns; returns buf. */
const char *key_table_bottom_line(const struct key_table *t, char *buf, size_t n, int width);

/* Prints the table as the README lists it: a Markdown table of keys and help. */
void key_table_write_markdown(const struct key_table *t, FILE *out);

/* Prints one list of bindings (up to its NULL label) the same way. */
void key_list_write_markdown(const struct key_binding *list, FILE *out);

#endif
