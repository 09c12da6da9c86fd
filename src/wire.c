#include <stdio.h>
#include <string.h>

#include "wire.h"

static const char *const state_names[] = {
#define WIRE_NAME_(name) #name,
	WIRE_CONN_STATES(WIRE_NAME_)
#undef WIRE_NAME_
};

static const char *const event_names[] = {
#define WIRE_NAME_(name) #name,
	WIRE_EVENTS(WIRE_NAME_)
#undef WIRE_NAME_
};

static const char *const key_names[] = {
#define WIRE_NAME_(name) #name,
	WIRE_KEYS(WIRE_NAME_)
#undef WIRE_NAME_
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

/* Joins the policy names. */
const char *wire_policy_list(char *buf, size_t n, const char *sep)
{
	size_t at = 0;

	if (n == 0)
		return buf;
	buf[0] = '\0';
	for (int i = 0; i < DISPATCH_MAX && at < n; i++) {
		int m = snprintf(buf + at, n - at, "%s%s", i > 0 ? sep : "", policy_names[i]);
		if (m < 0)
			break;
		at += (size_t)m;
	}
	return buf;
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
