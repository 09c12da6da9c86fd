/*
 * wire.h: the lists that mcscoped and the mcscope tools both know.
 *
 * Each list is an X-macro so that a name is written once and every
 * enum, string table and parser is generated from it: the server and the
 * dashboard can never disagree about what a state or an event is called.
 */
#ifndef MCSCOPE_WIRE_H
#define MCSCOPE_WIRE_H

#include <stddef.h>

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

/* The trace protocol's version: the v= of the hello line. See PROTOCOL.md. */
#define WIRE_VERSION 1

/*
 * Event types of the trace stream, in no particular order; each line says
 * ev=<name>. What keys each carries is in PROTOCOL.md.
 */
#define WIRE_EVENTS(X)       \
	X(hello)             \
	X(snapshot_worker)   \
	X(snapshot_conn)     \
	X(snapshot_end)      \
	X(thread_ready)      \
	X(listen)            \
	X(accept)            \
	X(dispatch)          \
	X(cq_push)           \
	X(notify_write)      \
	X(notify_read)       \
	X(cq_pop)            \
	X(conn_new)          \
	X(state)             \
	X(cmd)               \
	X(yield)             \
	X(conn_close)        \
	X(accept_pause)      \
	X(accept_resume)     \
	X(policy)            \
	X(dropped)           \
	X(paused)            \
	X(resumed)           \
	X(gate)              \
	X(delay)

enum wire_event {
#define WIRE_EVENT_ENUM_(name) EVT_##name,
	WIRE_EVENTS(WIRE_EVENT_ENUM_)
#undef WIRE_EVENT_ENUM_
	EVT_MAX
};

/* Keys that event lines carry (besides ts, seq, thr and ev). */
#define WIRE_KEYS(X) \
	X(v) X(pid) X(threads) X(dispatch) X(tcp) X(udp) X(maxconns) X(reqs_per_event) \
	X(states) X(transport) X(fd) X(port) X(conn) X(peer) X(to) X(last) X(init) \
	X(depth) X(max_depth) X(byte) X(from) X(verb) X(keys) X(bytes) X(reason) \
	X(count) X(open) X(dispatched) X(pending) X(state) X(worker) X(next) X(at) X(ms) X(delay)

enum wire_key {
#define WIRE_KEY_ENUM_(name) KEY_##name,
	WIRE_KEYS(WIRE_KEY_ENUM_)
#undef WIRE_KEY_ENUM_
	WIRE_KEY_COUNT
};

/* Control commands a trace-socket client may send, one per line. */
#define WIRE_CTL_COMMANDS(X) \
	X(pause) X(resume) X(step) X(freeze) X(thaw) X(break) X(dispatch) X(delay) X(filter)

enum wire_ctl {
#define WIRE_CTL_ENUM_(name) CTL_##name,
	WIRE_CTL_COMMANDS(WIRE_CTL_ENUM_)
#undef WIRE_CTL_ENUM_
	CTL_MAX
};

/* Why a connection closed (conn_close reason=). */
#define WIRE_CLOSE_REASONS(X) X(normal) X(eof) X(error) X(quit) X(shutdown)

/* Returns an event's name, or NULL when out of range. */
const char *wire_event_name(enum wire_event ev);

/* Looks an event up by name (n bytes); -1 when unknown. */
int wire_event_from_name(const char *name, size_t n);

/* Returns a key's name, or NULL when out of range. */
const char *wire_key_name(enum wire_key key);

/* Looks a key up by name (n bytes); -1 when unknown. */
int wire_key_from_name(const char *name, size_t n);

/* Returns a control command's name, or NULL when out of range. */
const char *wire_ctl_name(enum wire_ctl cmd);

/* Looks a control command up by name (n bytes); -1 when unknown. */
int wire_ctl_from_name(const char *name, size_t n);

/* Returns the name of a conn state ("conn_read"), or "conn_unknown". */
const char *wire_state_name(enum conn_states state);

/* Looks a state up by name; returns -1 when there is no such state. */
int wire_state_from_name(const char *name);

#endif
