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

/* Finds name (n bytes) in a table of count names; -1 when absent. */
static int lookup(const char *const *table, int count, const char *name, size_t n)
{
	for (int i = 0; i < count; i++)
		if (strncmp(table[i], name, n) == 0 && table[i][n] == '\0')
			return i;
	return -1;
}

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
