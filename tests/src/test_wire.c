/* Unit tests: wire.h's tables, and PROTOCOL.md written from the same facts. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

/* Reads a file of the source tree (MCSCOPE_SOURCE_ROOT is the top); the caller frees it. */
static char *read_source(const char *rel)
{
	const char *root = getenv("MCSCOPE_SOURCE_ROOT");
	char path[4096];
	FILE *f;
	char *text;
	long n;

	cr_assert_not_null(root, "MCSCOPE_SOURCE_ROOT is not set (meson sets it)");
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot read %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = malloc((size_t)n + 1);
	cr_assert_not_null(text);
	cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* Finds the table row of event name ("| `name` |" at a line's start); NULL when there is none. */
static const char *protocol_row(const char *doc, const char *name)
{
	char head[64];
	const char *p = doc;

	snprintf(head, sizeof(head), "| `%s` |", name);
	while ((p = strstr(p, head)) != NULL) {
		if (p == doc || p[-1] == '\n')
			return p;
		p++;
	}
	return NULL;
}

/* Returns the cell'th cell of a table row (0: the event), its length in *n; cells end at a '|'
 * that is not escaped ("rr\\|least" is one cell). */
static const char *row_cell(const char *row, int cell, size_t *n)
{
	const char *end = strchr(row, '\n'), *start = NULL;
	int bars = 0;

	if (end == NULL)
		end = row + strlen(row);
	for (const char *p = row; p < end; p++) {
		if (*p != '|' || (p > row && p[-1] == '\\'))
			continue;
		if (bars == cell + 1) {
			*n = (size_t)(p - start);
			return start;
		}
		start = p + 1;
		bars++;
	}
	cr_assert_fail("a row with fewer than %d cells: %.*s", cell + 1, (int)(end - row), row);
	return NULL;
}

/* True for a character a key's name may have. */
static bool key_char(char c)
{
	return islower((unsigned char)c) || c == '_';
}

/* Writes the keys a row's third cell names ("key=" words), in order and once each, as "a b c". */
static void row_keys(const char *row, char *out, size_t n)
{
	size_t len, at = 0;
	const char *cell = row_cell(row, 2, &len);

	out[0] = '\0';
	for (size_t i = 1; i < len; i++) {
		size_t w = i;
		char word[48], seen[520];

		if (cell[i] != '=' || !key_char(cell[i - 1]))
			continue;
		while (w > 0 && key_char(cell[w - 1]))
			w--;
		snprintf(word, sizeof(word), " %.*s ", (int)(i - w), cell + w);
		snprintf(seen, sizeof(seen), " %s ", out);
		if (strstr(seen, word) == NULL)
			at += (size_t)snprintf(out + at, n - at, "%s%.*s", at > 0 ? " " : "", (int)(i - w),
					       cell + w);
	}
}

Test(wire, protocol_md_lists_every_event_with_the_keys_wire_h_declares)
{
	char *doc = read_source("src/PROTOCOL.md");

	for (int ev = 0; ev < EVT_MAX; ev++) {
		const struct wire_event_spec *spec = wire_event_spec(ev);
		const char *row = protocol_row(doc, spec->name);
		char want[512] = "", got[512];
		size_t at = 0;

		cr_expect_not_null(row, "PROTOCOL.md has no row for the %s event", spec->name);
		if (row == NULL)
			continue;
		for (int k = 0; k < spec->nkeys; k++)
			at += (size_t)snprintf(want + at, sizeof(want) - at, "%s%s", k > 0 ? " " : "",
					       wire_key_name(spec->keys[k].key));
		row_keys(row, got, sizeof(got));
		cr_expect_str_eq(got, want, "PROTOCOL.md's %s row names keys '%s'; wire.h declares '%s'",
				 spec->name, got, want);
	}
	free(doc);
}

Test(wire, protocol_md_names_the_policies_wire_h_lists)
{
	char *doc = read_source("src/PROTOCOL.md");
	char list[64], want[96];

	wire_policy_list(list, sizeof(list), "\\|");
	snprintf(want, sizeof(want), "dispatch=%s", list);
	cr_expect_not_null(strstr(doc, want), "PROTOCOL.md never says %s", want);
	free(doc);
}

Test(wire, every_event_fits_a_record_and_every_key_is_declared_once)
{
	for (int ev = 0; ev < EVT_MAX; ev++) {
		const struct wire_event_spec *spec = wire_event_spec(ev);
		int values = 0;

		cr_expect_str_eq(spec->name, wire_event_name((enum wire_event)ev));
		cr_expect(spec->function[0] != '\0' && spec->sentence[0] != '\0', "%s", spec->name);
		for (int k = 0; k < spec->nkeys; k++) {
			enum wire_kind kind = spec->keys[k].kind;
			if (kind != WIRE_KIND_TEXT && kind != WIRE_KIND_STATES)
				cr_expect_eq(wire_event_slot(ev, spec->keys[k].key), values++, "%s: %s",
					     spec->name, wire_key_name(spec->keys[k].key));
			cr_expect_eq(wire_event_kind(ev, spec->keys[k].key), (int)kind);
			for (int j = 0; j < k; j++)
				cr_expect_neq(spec->keys[j].key, spec->keys[k].key, "%s names %s twice",
					      spec->name, wire_key_name(spec->keys[k].key));
		}
		cr_expect_leq(values, WIRE_VALUES_MAX);
	}
	cr_expect_eq(wire_event_slot(EVT_dispatch, KEY_init), 6);
	cr_expect_eq(wire_event_slot(EVT_accept, KEY_peer), -1, "TEXT takes no value");
	cr_expect_eq(wire_event_slot(EVT_state, KEY_depth), -1);
}

Test(wire, transitions_are_unique_and_name_real_states)
{
	for (int i = 0; i < wire_ntransitions; i++) {
		const struct wire_transition *t = &wire_transitions[i];
		cr_expect_lt((int)t->from, conn_max_state);
		cr_expect_lt((int)t->to, conn_max_state);
		cr_expect_neq(t->from, t->to, "a transition changes the state");
		cr_expect(t->why[0] != '\0');
		cr_expect_eq(wire_transition_find(t->from, t->to), i, "%s -> %s twice",
			     wire_state_name(t->from), wire_state_name(t->to));
	}
	cr_expect_eq(wire_transition_find(conn_read, conn_nread), -1);
	cr_expect_eq(wire_transition_find(conn_closed, conn_read), -1, "closed is the end");
}

Test(wire, names_and_lookups_agree)
{
	char list[64];

	for (int p = 0; p < DISPATCH_MAX; p++)
		cr_expect_eq(wire_policy_from_name(wire_policy_name((enum dispatch_policy)p),
						   strlen(wire_policy_name((enum dispatch_policy)p))), p);
	cr_expect_str_eq(wire_policy_list(list, sizeof(list), ", "), "rr, least, random, custom");
	cr_expect_str_eq(wire_policy_builtin_list(list, sizeof(list), "|"), "rr|least|random");
	cr_expect_eq(wire_policy_from_name("rand", 4), -1);
}

/* A name is its n bytes: one with a nul inside names nothing, and the lookup reads no table
 * name past its end (a trace line with "dispatch=rr\0..." once made it read past "rr"). */
Test(wire, a_name_with_a_nul_in_it_is_no_name)
{
	cr_expect_eq(wire_policy_from_name("rr\0", 3), -1);
	cr_expect_eq(wire_policy_from_name("rr\0xyz", 6), -1);
	cr_expect_eq(wire_event_from_name("cmd\0\0\0\0", 7), -1);
	cr_expect_eq(wire_key_from_name("conn\0", 5), -1);
	cr_expect_eq(wire_ctl_from_name("step\0", 5), -1);
	cr_expect_eq(wire_policy_from_name("rr", 2), 0, "the name itself still");
	cr_expect_str_eq(wire_policy_name((enum dispatch_policy)DISPATCH_MAX), "unknown");
	cr_expect_str_eq(wire_transport_name(TRANSPORT_UDP), "udp");
	cr_expect_str_eq(wire_close_reason_name(CLOSE_SHUTDOWN), "shutdown");
	cr_expect_str_eq(wire_accept_pause_name(ACCEPT_PAUSE_EMFILE), "emfile");
}
