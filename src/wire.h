/*
 * wire.h: the lists that mcscoped and the mcscope tools both know.
 *
 * Each list is an X-macro so that a name is written once and every
 * enum, string table and parser is generated from it: the server and the
 * dashboard can never disagree about what a state or an event is called.
 */
#ifndef MCSCOPE_WIRE_H
#define MCSCOPE_WIRE_H

/* memcached 1.4's conn states, in memcached's order. */
#define WIRE_CONN_STATES(X) \
	X(conn_listening)   \
	X(conn_new_cmd)     \
	X(conn_waiting)     \
	X(conn_read)        \
	X(conn_parse_cmd)   \
	X(conn_write)       \
	X(conn_nread)       \
	X(conn_swallow)     \
	X(conn_closing)     \
	X(conn_mwrite)      \
	X(conn_closed)

enum conn_states {
#define WIRE_ENUM_(name) name,
	WIRE_CONN_STATES(WIRE_ENUM_)
#undef WIRE_ENUM_
	conn_max_state
};

/* Returns the name of a conn state ("conn_read"), or "conn_unknown". */
const char *wire_state_name(enum conn_states state);

/* Looks a state up by name; returns -1 when there is no such state. */
int wire_state_from_name(const char *name);

#endif
