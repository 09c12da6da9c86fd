#include <stdio.h>
#include <string.h>

#include "wire.h"

static const char *const state_names[] = {
#define WIRE_NAME_(name) #name,
	WIRE_CONN_STATES(WIRE_NAME_)
#undef WIRE_NAME_
};

static const char *const event_names[] = {
#define WIRE_NAME_(name, ...) #name,
	WIRE_EVENTS(WIRE_NAME_)
#undef WIRE_NAME_
};

/* Each event's keys, then the table of events, both from WIRE_EVENTS. A key list ends in a
 * sentinel so that an event without keys still has an array. */
#define K(key, kind) { KEY_##key, WIRE_KIND_##kind },
#define WIRE_KEYS_OF_(name, cls, keys, ...) \
	static const struct wire_key_spec keys_##name[] = { keys { WIRE_KEY_COUNT, WIRE_KIND_COUNT } };
WIRE_EVENTS(WIRE_KEYS_OF_)
#undef WIRE_KEYS_OF_
#undef K

static const struct wire_event_spec event_specs[] = {
#define WIRE_SPEC_(name, cls, keys, function, sentence) \
	{ #name, cls, keys_##name, (int)(sizeof(keys_##name) / sizeof(keys_##name[0])) - 1, \
	  function, sentence },
	WIRE_EVENTS(WIRE_SPEC_)
#undef WIRE_SPEC_
};

_Static_assert(sizeof(event_specs) / sizeof(event_specs[0]) == EVT_MAX, "one spec per event");
#define WIRE_CHECK_VALUES_(name, ...) \
	_Static_assert(WIRE_NVALUES_##name <= WIRE_VALUES_MAX, #name " has more values than a record holds");
WIRE_EVENTS(WIRE_CHECK_VALUES_)
#undef WIRE_CHECK_VALUES_

static const char *const key_names[] = {
#define WIRE_NAME_(name, ...) #name,
	WIRE_KEYS(WIRE_NAME_)
#undef WIRE_NAME_
};

/* Each key's range, from WIRE_KEYS. */
static const struct {
	uint64_t min, max;
} key_ranges[] = {
#define WIRE_RANGE_(name, min, max) { min, max },
	WIRE_KEYS(WIRE_RANGE_)
#undef WIRE_RANGE_
};

static const char *const ctl_names[] = {
#define WIRE_NAME_(name) #name,
	WIRE_CTL_COMMANDS(WIRE_NAME_)
#undef WIRE_NAME_
};

#define WIRE_NAME2_(e, name, ...) #name,
#define WIRE_TEXT3_(e, name, text) text,
static const char *const policy_names[] = { WIRE_POLICIES(WIRE_NAME2_) };
static const char *const policy_texts[] = { WIRE_POLICIES(WIRE_TEXT3_) };
static const char *const transport_names[] = { WIRE_TRANSPORTS(WIRE_NAME2_) };
static const char *const close_reason_names[] = { WIRE_CLOSE_REASONS(WIRE_NAME2_) };
static const char *const accept_pause_names[] = { WIRE_ACCEPT_PAUSE_REASONS(WIRE_NAME2_) };
#undef WIRE_NAME2_
#undef WIRE_TEXT3_

/* The threads that are no worker: each one's thr value and name. */
static const struct {
	int thr;
	const char *name;
} thread_names[] = {
#define WIRE_THR_ROW_(e, value, name, text) { e, #name },
	WIRE_THREAD_NAMES(WIRE_THR_ROW_)
#undef WIRE_THR_ROW_
};

const struct wire_transition wire_transitions[] = {
#define WIRE_TRANSITION_(from, to, why) { from, to, why },
	WIRE_TRANSITIONS(WIRE_TRANSITION_)
#undef WIRE_TRANSITION_
};
const int wire_ntransitions = (int)(sizeof(wire_transitions) / sizeof(wire_transitions[0]));

/* Finds name (n bytes) in a table of count names; -1 when absent. */
static int lookup(const char *const *table, int count, const char *name, size_t n)
{
	for (int i = 0; i < count; i++)
		if (strncmp(table[i], name, n) == 0 && table[i][n] == '\0')
			return i;
	return -1;
}

/* Returns table[i], or "unknown" when i is out of range. */
static const char *name_at(const char *const *table, int count, int i)
{
	return i >= 0 && i < count ? table[i] : "unknown";
}

#define COUNT_OF(table) ((int)(sizeof(table) / sizeof(table[0])))

/* Returns an event's name. */
const char *wire_event_name(enum wire_event ev)
{
	return (unsigned)ev < EVT_MAX ? event_names[ev] : NULL;
}

/* Looks an event up by name. */
int wire_event_from_name(const char *name, size_t n)
{
	return lookup(event_names, EVT_MAX, name, n);
}

/* Returns a key's name. */
const char *wire_key_name(enum wire_key key)
{
	return (unsigned)key < WIRE_KEY_COUNT ? key_names[key] : NULL;
}

/* Looks a key up by name. */
int wire_key_from_name(const char *name, size_t n)
{
	return lookup(key_names, WIRE_KEY_COUNT, name, n);
}

/* Checks a number against its key's range. */
bool wire_key_in_range(enum wire_key key, uint64_t v)
{
	return (unsigned)key < WIRE_KEY_COUNT && v >= key_ranges[key].min && v <= key_ranges[key].max;
}

/* Returns a control command's name. */
const char *wire_ctl_name(enum wire_ctl cmd)
{
	return (unsigned)cmd < CTL_MAX ? ctl_names[cmd] : NULL;
}

/* Looks a control command up by name. */
int wire_ctl_from_name(const char *name, size_t n)
{
	return lookup(ctl_names, CTL_MAX, name, n);
}

/* Returns the name of a conn state. */
const char *wire_state_name(enum conn_states state)
{
	if ((unsigned)state >= conn_max_state)
		return "conn_unknown";
	return state_names[state];
}

/* Looks a state up by name. */
int wire_state_from_name(const char *name)
{
	return lookup(state_names, conn_max_state, name, strlen(name));
}

/* Finds a transition. */
int wire_transition_find(int from, int to)
{
	for (int i = 0; i < wire_ntransitions; i++)
		if ((int)wire_transitions[i].from == from && (int)wire_transitions[i].to == to)
			return i;
	return -1;
}

/* Returns a policy's name. */
const char *wire_policy_name(enum dispatch_policy policy)
{
	return name_at(policy_names, COUNT_OF(policy_names), (int)policy);
}

/* Looks a policy up by name. */
int wire_policy_from_name(const char *name, size_t n)
{
	return lookup(policy_names, COUNT_OF(policy_names), name, n);
}

/* Returns what a policy does. */
const char *wire_policy_text(enum dispatch_policy policy)
{
	return (unsigned)policy < DISPATCH_MAX ? policy_texts[policy] : "";
}

/* Writes the names of the first count policies, separated by sep, into buf; returns buf. */
static const char *policy_list(char *buf, size_t n, const char *sep, int count)
{
	size_t at = 0;

	if (n == 0)
		return buf;
	buf[0] = '\0';
	for (int i = 0; i < count && at < n; i++) {
		int m = snprintf(buf + at, n - at, "%s%s", i > 0 ? sep : "", policy_names[i]);
		if (m < 0)
			break;
		at += (size_t)m;
	}
	return buf;
}

/* Joins the policy names. */
const char *wire_policy_list(char *buf, size_t n, const char *sep)
{
	return policy_list(buf, n, sep, DISPATCH_MAX);
}

/* Lists the policies every server has. */
const char *wire_policy_builtin_list(char *buf, size_t n, const char *sep)
{
	return policy_list(buf, n, sep, DISPATCH_BUILTIN);
}

/* Returns a named thread's name. */
const char *wire_thr_name(int thr)
{
	for (int i = 0; i < COUNT_OF(thread_names); i++)
		if (thread_names[i].thr == thr)
			return thread_names[i].name;
	return NULL;
}

/* Looks a named thread up. */
bool wire_thr_from_name(const char *name, size_t n, int *thr)
{
	for (int i = 0; i < COUNT_OF(thread_names); i++)
		if (strncmp(thread_names[i].name, name, n) == 0 && thread_names[i].name[n] == '\0') {
			*thr = thread_names[i].thr;
			return true;
		}
	return false;
}

/* Returns a transport's name. */
const char *wire_transport_name(enum transport transport)
{
	return name_at(transport_names, COUNT_OF(transport_names), (int)transport);
}

/* Returns a close reason's name. */
const char *wire_close_reason_name(enum close_reason reason)
{
	return name_at(close_reason_names, COUNT_OF(close_reason_names), (int)reason);
}

/* Returns an accept pause reason's name. */
const char *wire_accept_pause_name(enum accept_pause_reason reason)
{
	return name_at(accept_pause_names, COUNT_OF(accept_pause_names), (int)reason);
}

/* Returns an event's declaration. */
const struct wire_event_spec *wire_event_spec(int ev)
{
	return ev >= 0 && ev < EVT_MAX ? &event_specs[ev] : NULL;
}

/* Returns a key's kind in an event. */
int wire_event_kind(int ev, enum wire_key key)
{
	const struct wire_event_spec *spec = wire_event_spec(ev);

	for (int i = 0; spec != NULL && i < spec->nkeys; i++)
		if (spec->keys[i].key == key)
			return (int)spec->keys[i].kind;
	return -1;
}

/* Returns the record value that holds a key. */
int wire_event_slot(int ev, enum wire_key key)
{
	static const int takes[WIRE_KIND_COUNT] = {
#define WIRE_TAKES_OF_(name, n) n,
		WIRE_KINDS(WIRE_TAKES_OF_)
#undef WIRE_TAKES_OF_
	};
	const struct wire_event_spec *spec = wire_event_spec(ev);
	int slot = 0;

	for (int i = 0; spec != NULL && i < spec->nkeys; i++) {
		if (spec->keys[i].key == key)
			return takes[spec->keys[i].kind] ? slot : -1;
		slot += takes[spec->keys[i].kind];
	}
	return -1;
}
