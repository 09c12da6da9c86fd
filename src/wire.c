#include <string.h>

#include "wire.h"

static const char *const state_names[] = {
#define WIRE_NAME_(name) #name,
	WIRE_CONN_STATES(WIRE_NAME_)
#undef WIRE_NAME_
};

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
	for (int i = 0; i < conn_max_state; i++)
		if (strcmp(state_names[i], name) == 0)
			return i;
	return -1;
}
