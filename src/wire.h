/*
 * wire.h: the lists that mcscoped and the mcscope tools both know.
 *
 * Each list is an X-macro so that a name is written once and every
 * enum, string table and parser is generated from it: the server and the
 * dashboard can never disagree about what a state or an event is called.
 */
#ifndef MCSCOPE_WIRE_H
#define MCSCOPE_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/*
 * Every move drive_machine makes from one state to another, with why, in a
 * few words. The server's trace tests, the dashboard's diagram and the
 * lab checkers read this table; a move missing here is a move the picture
 * would not teach. The first row is the one move that is not one conn's
 * conn_set_state: the listening conn accepts, and dispatch_conn_new starts
 * the new conn on a worker in conn_new_cmd.
 */
#define WIRE_TRANSITIONS(X) \
	X(conn_listening, conn_new_cmd,   "accept: dispatch_conn_new starts the new conn on a worker") \
	X(conn_new_cmd,   conn_waiting,   "nothing buffered: wait for the next command") \
	X(conn_new_cmd,   conn_parse_cmd, "a command is already buffered (pipelined)") \
	X(conn_new_cmd,   conn_write,     "replies held while input was buffered go out: it ran out, or -R yields") \
	X(conn_new_cmd,   conn_closing,   "the -R yield cannot re-arm its event, the worker stops, or idle too long") \
	X(conn_waiting,   conn_read,      "the read event is armed: stop until the socket is readable") \
	X(conn_waiting,   conn_closing,   "the read event cannot be re-armed") \
	X(conn_read,      conn_waiting,   "no data yet") \
	X(conn_read,      conn_parse_cmd, "data arrived") \
	X(conn_read,      conn_closing,   "EOF, a socket error, no memory for the buffer, or idle too long (the timeout thread's 't')") \
	X(conn_parse_cmd, conn_waiting,   "no whole line yet") \
	X(conn_parse_cmd, conn_new_cmd,   "noreply, or the reply held: more input is buffered (memcached 1.6)") \
	X(conn_parse_cmd, conn_write,     "a one-line reply (out_string), or the held ones before a wait") \
	X(conn_parse_cmd, conn_mwrite,    "get/gets: the values to send") \
	X(conn_parse_cmd, conn_nread,     "set, add, ...: read the value") \
	X(conn_parse_cmd, conn_swallow,   "the value is too large (or no memory): discard it, then answer") \
	X(conn_parse_cmd, conn_closing,   "quit, a line too long, HTTP, or the binary protocol") \
	X(conn_nread,     conn_new_cmd,   "the value is stored; noreply, or the reply held") \
	X(conn_nread,     conn_write,     "the value is stored (or refused): the reply") \
	X(conn_nread,     conn_closing,   "EOF while reading the value") \
	X(conn_swallow,   conn_new_cmd,   "the value is discarded; noreply, or the error held") \
	X(conn_swallow,   conn_write,     "the value is discarded: now its error (memcached 1.6's order)") \
	X(conn_swallow,   conn_closing,   "EOF while discarding the value") \
	X(conn_write,     conn_new_cmd,   "the reply is sent (write_and_go)") \
	X(conn_write,     conn_closing,   "quit after what was held; the client went away; no write event") \
	X(conn_mwrite,    conn_new_cmd,   "the values are sent") \
	X(conn_mwrite,    conn_closing,   "the client went away, or the write event cannot be re-armed") \
	X(conn_closing,   conn_closed,    "TCP: conn_close frees the conn; accepting may resume") \
	X(conn_closing,   conn_read,      "UDP: the one shared socket reads on")

struct wire_transition {
	enum conn_states from, to;
	const char *why;
};

/* The transitions table, and its length. */
extern const struct wire_transition wire_transitions[];
extern const int wire_ntransitions;

/* Returns the index of from -> to in wire_transitions, or -1 when the table lacks it. */
int wire_transition_find(int from, int to);

/*
 * The dispatch policies (dispatch_select): enum name, wire name, what it
 * does. custom is last: it is the one a lab build plugs in
 * (dispatch_custom.h); the shipped server refuses it.
 */
#define WIRE_POLICIES(X) \
	X(DISPATCH_RR,     rr,     "memcached's round robin") \
	X(DISPATCH_LEAST,  least,  "fewest open connections, ties to the lowest worker") \
	X(DISPATCH_RANDOM, random, "seeded pseudo-random") \
	X(DISPATCH_CUSTOM, custom, "the policy a lab build plugs in (mcscope lab); none here")

/* Each list makes an enum, and a count of its names kept out of the enum so that switches stay exhaustive. */
#define WIRE_ENUM2_(e, ...) e,
#define WIRE_COUNT2_(...) + 1

enum dispatch_policy { WIRE_POLICIES(WIRE_ENUM2_) };
enum { DISPATCH_MAX = 0 WIRE_POLICIES(WIRE_COUNT2_) };
/* The policies every mcscoped has: all but custom. */
enum { DISPATCH_BUILTIN = DISPATCH_CUSTOM };

/* A connection's transport. */
#define WIRE_TRANSPORTS(X) \
	X(TRANSPORT_TCP, tcp) \
	X(TRANSPORT_UDP, udp)

enum transport { WIRE_TRANSPORTS(WIRE_ENUM2_) };
enum { TRANSPORT_MAX = 0 WIRE_TRANSPORTS(WIRE_COUNT2_) };

/* Why a connection closed (conn_close reason=). */
#define WIRE_CLOSE_REASONS(X) \
	X(CLOSE_NORMAL,   normal,   "closed by the server") \
	X(CLOSE_EOF,      eof,      "the client closed it") \
	X(CLOSE_ERROR,    error,    "a socket error, a line too long, or no memory") \
	X(CLOSE_QUIT,     quit,     "the client sent quit") \
	X(CLOSE_SHUTDOWN, shutdown, "the server is stopping") \
	X(CLOSE_IDLE,     idle,     "idle longer than -o idle_timeout: the timeout thread's 't'")

enum close_reason { WIRE_CLOSE_REASONS(WIRE_ENUM2_) };
enum { CLOSE_MAX = 0 WIRE_CLOSE_REASONS(WIRE_COUNT2_) };

/* Why the main thread stopped accepting (accept_pause and accept_resume reason=). */
#define WIRE_ACCEPT_PAUSE_REASONS(X) \
	X(ACCEPT_PAUSE_MAXCONNS, maxconns, "-c connections are open") \
	X(ACCEPT_PAUSE_EMFILE,   emfile,   "out of file descriptors")

enum accept_pause_reason { WIRE_ACCEPT_PAUSE_REASONS(WIRE_ENUM2_) };
enum { ACCEPT_PAUSE_MAX = 0 WIRE_ACCEPT_PAUSE_REASONS(WIRE_COUNT2_) };

/* The trace protocol's version: the v= of the hello line. See PROTOCOL.md. */
#define WIRE_VERSION 1

/* The most workers a server has (-t 1-256): a hello announcing more (or none) is malformed. */
#define WIRE_THREADS_MAX 256

/*
 * The thr= values that name no worker (a worker is its index, 0 up, written wK): the main
 * thread, none (no thread yet: last= before the first dispatch) and memcached 1.5's third kind,
 * the conn_timeout thread that -o idle_timeout starts.
 */
#define WIRE_THREAD_NAMES(X) \
	X(WIRE_THR_MAIN,    -1, main,    "the main thread: it listens, accepts and dispatches") \
	X(WIRE_THR_NONE,    -2, none,    "no thread") \
	X(WIRE_THR_TIMEOUT, -3, timeout, "the conn_timeout thread: it kicks idle connections")

enum wire_thr {
#define WIRE_THR_ENUM_(e, value, ...) e = value,
	WIRE_THREAD_NAMES(WIRE_THR_ENUM_)
#undef WIRE_THR_ENUM_
};

/* The most client connections a server allows at once (-c 1-1048576). */
#define WIRE_MAXCONNS_MAX 1048576

/* The most requests a connection serves before yielding (-R 1-1000000). */
#define WIRE_REQS_PER_EVENT_MAX 1000000

/* The longest a worker may be delayed before each event (delay wK MS), in ms. */
#define WIRE_DELAY_MAX_MS 10000

/* The longest idle timeout (-o idle_timeout 0-2592000, 30 days), in seconds. */
#define WIRE_IDLE_TIMEOUT_MAX (60 * 60 * 24 * 30)

/* The largest value a server stores (-I up to 1024m), in bytes. */
#define WIRE_ITEM_SIZE_MAX (1024ULL * 1024 * 1024)

/*
 * The longest line a reader takes, newline excluded. A server writes at most
 * 512 bytes a line (src/trace_format.h), an answer a few dozen: a longer line is
 * not the protocol's, and a reader skips it to the next newline without
 * keeping it, so a hostile or broken file costs no more than this a line.
 */
#define WIRE_LINE_MAX 4096

/*
 * Keys that event lines carry (besides ts, seq, thr and ev), each with the
 * range its number must be in where the key is a number (WIRE_KIND_NUM): a
 * line outside it is malformed, so no reader sizes a table or indexes an
 * array by a number no server can send. Keys that are not numbers say 0, ANY.
 */
#define WIRE_ANY UINT64_MAX
#define WIRE_KEYS(X) \
	X(v, 0, 65535) X(pid, 0, INT32_MAX) X(threads, 1, WIRE_THREADS_MAX) X(dispatch, 0, WIRE_ANY) \
	X(tcp, 0, 65535) X(udp, 0, 65535) X(maxconns, 1, WIRE_MAXCONNS_MAX) \
	X(reqs_per_event, 1, WIRE_REQS_PER_EVENT_MAX) X(states, 0, WIRE_ANY) \
	X(transport, 0, WIRE_ANY) X(fd, 0, INT32_MAX) X(port, 0, 65535) X(conn, 0, WIRE_ANY) \
	X(peer, 0, WIRE_ANY) X(to, 0, WIRE_ANY) X(last, 0, WIRE_ANY) X(init, 0, WIRE_ANY) \
	X(depth, 0, UINT32_MAX) X(max_depth, 0, UINT32_MAX) X(byte, 0, WIRE_ANY) \
	X(from, 0, WIRE_ANY) X(verb, 0, WIRE_ANY) X(keys, 0, UINT32_MAX) \
	X(bytes, 0, WIRE_ITEM_SIZE_MAX) X(reason, 0, WIRE_ANY) X(count, 0, WIRE_ANY) \
	X(open, 0, UINT32_MAX) X(dispatched, 0, WIRE_ANY) X(pending, 0, WIRE_ANY) \
	X(state, 0, WIRE_ANY) X(worker, 0, WIRE_ANY) X(next, 0, WIRE_ANY) X(at, 0, WIRE_ANY) \
	X(ms, 0, WIRE_DELAY_MAX_MS) X(delay, 0, WIRE_DELAY_MAX_MS) \
	X(idle_timeout, 0, WIRE_IDLE_TIMEOUT_MAX)

enum wire_key {
#define WIRE_KEY_ENUM_(name, ...) KEY_##name,
	WIRE_KEYS(WIRE_KEY_ENUM_)
#undef WIRE_KEY_ENUM_
	WIRE_KEY_COUNT
};

/*
 * How a key's value is written on the wire. A trace record keeps one
 * number per key, in the order the event lists its keys, except for the
 * kinds that take none (TEXT comes from the record's text, STATES is fixed).
 */
#define WIRE_KINDS(X) \
	X(NUM,       1) /* a whole number */ \
	X(THR,       1) /* a thread: wK (K) or one of WIRE_THREAD_NAMES */ \
	X(STATE,     1) /* a conn state */ \
	X(POLICY,    1) /* a dispatch policy */ \
	X(TRANSPORT, 1) /* tcp or udp */ \
	X(REASON,    1) /* why a connection closed */ \
	X(PAUSE,     1) /* why accepting stopped */ \
	X(BYTE,      1) /* a notify byte, as its character */ \
	X(EVENT,     1) /* an event's name */ \
	X(TEXT,      0) /* the record's text: a peer address, a verb */ \
	X(STATES,    0) /* every conn state, comma separated, in memcached's order */

enum wire_kind {
#define WIRE_KIND_ENUM_(name, takes) WIRE_KIND_##name,
	WIRE_KINDS(WIRE_KIND_ENUM_)
#undef WIRE_KIND_ENUM_
	WIRE_KIND_COUNT
};

/* How many record values a kind takes (WIRE_TAKES_NUM is 1, WIRE_TAKES_TEXT 0). */
#define WIRE_KIND_TAKES_(name, takes) WIRE_TAKES_##name = takes,
enum { WIRE_KINDS(WIRE_KIND_TAKES_) };
#undef WIRE_KIND_TAKES_

/* A value that leaves its key out of the line (paused without a breakpoint has no at=). */
#define WIRE_ABSENT INT64_MIN

/* What an event is: a thread's step (each one a trace point, gated in step mode), part of the
 * picture a client gets on connecting, or a line about the stream and its controls. */
enum wire_event_class { WIRE_STEP, WIRE_SNAPSHOT, WIRE_STREAM };

/*
 * The events of the trace stream, each declared once (as memcached's
 * logger declares its entries): its class; its keys, each K(key, kind),
 * in the order the line writes them (a trace point passes its values in
 * that order: TRACE(dispatch, conn, fd, to, last, policy, transport, init));
 * what it does in memcached's words (the dashboard's "next: w2 will cq_pop",
 * the exporter's slice names); and how the dashboard's log tells it.
 *
 * A sentence is text with {key} for a value as the line writes it ("?" when
 * the line lacks it; {thr} is the thread), {key:fn} for what the event
 * named by an EVENT value does, {key:s} for "s" unless the value is 1,
 * and {?key:...} / {!key:...} for text shown only when the value is there
 * and not 0 / only when it is not.
 */
#define WIRE_EVENTS(X) \
	X(hello, WIRE_SNAPSHOT, \
	  K(v, NUM) K(pid, NUM) K(threads, NUM) K(dispatch, POLICY) K(tcp, NUM) K(udp, NUM) \
	  K(maxconns, NUM) K(reqs_per_event, NUM) K(idle_timeout, NUM) K(states, STATES), \
	  "hello", "{thr} hello: pid {pid}, {threads} workers, dispatch {dispatch}, tcp {tcp}" \
	  "{?idle_timeout:, idle timeout {idle_timeout} s}") \
	X(snapshot_worker, WIRE_SNAPSHOT, \
	  K(depth, NUM) K(max_depth, NUM) K(open, NUM) K(dispatched, NUM) K(pending, NUM) \
	  K(delay, NUM), \
	  "snapshot_worker", "{thr} snapshot: queue depth {depth}, {open} open, {dispatched} dispatched") \
	X(snapshot_conn, WIRE_SNAPSHOT, \
	  K(conn, NUM) K(fd, NUM) K(transport, TRANSPORT) K(state, STATE), \
	  "snapshot_conn", "{thr} snapshot: conn {conn} fd {fd} {state}") \
	X(snapshot_end, WIRE_SNAPSHOT, K(last, THR) K(next, THR), \
	  "snapshot_end", "{thr} snapshot end: last {last}, next {next}") \
	X(thread_ready, WIRE_STEP, , \
	  "register_thread_initialized", "{thr} register_thread_initialized: ready") \
	X(listen, WIRE_STEP, K(transport, TRANSPORT) K(fd, NUM) K(port, NUM), \
	  "server_socket", "{thr} server_socket: {transport} port {port} fd {fd}") \
	X(accept, WIRE_STEP, K(conn, NUM) K(fd, NUM) K(peer, TEXT), \
	  "accept", "{thr} drive_machine: accept conn {conn} fd {fd} from {peer}") \
	X(dispatch, WIRE_STEP, \
	  K(conn, NUM) K(fd, NUM) K(to, THR) K(last, THR) K(dispatch, POLICY) \
	  K(transport, TRANSPORT) K(init, STATE), \
	  "dispatch_conn_new", "{thr} dispatch_conn_new: conn {conn} -> {to} ({dispatch})") \
	X(cq_push, WIRE_STEP, K(to, THR) K(conn, NUM) K(depth, NUM), \
	  "cq_push", "{thr} cq_push: conn {conn} onto {to}'s queue (depth {depth})") \
	X(notify_write, WIRE_STEP, K(to, THR) K(byte, BYTE) K(fd, NUM), \
	  "write the notify byte", "{thr} notify: wrote '{byte}'{?fd: and fd {fd}} to {to}'s pipe") \
	X(notify_read, WIRE_STEP, K(byte, BYTE) K(fd, NUM), \
	  "thread_libevent_process", "{thr} thread_libevent_process: read '{byte}'{?fd: and fd {fd}}") \
	X(cq_pop, WIRE_STEP, K(conn, NUM) K(depth, NUM), \
	  "cq_pop", "{thr} cq_pop: took conn {conn} (depth {depth})") \
	X(conn_new, WIRE_STEP, K(conn, NUM) K(fd, NUM) K(transport, TRANSPORT), \
	  "conn_new", "{thr} conn_new: conn {conn} fd {fd} ({transport})") \
	X(state, WIRE_STEP, K(conn, NUM) K(fd, NUM) K(from, STATE) K(to, STATE), \
	  "conn_set_state", "{thr} conn_set_state: conn {conn} {from} -> {to}") \
	X(cmd, WIRE_STEP, K(conn, NUM) K(verb, TEXT) K(keys, NUM) K(bytes, NUM), \
	  "process_command", \
	  "{thr} process_command: conn {conn} {verb} ({keys} key{keys:s}{?bytes:, {bytes} bytes})") \
	X(yield, WIRE_STEP, K(conn, NUM), \
	  "yield", "{thr} drive_machine: conn {conn} yields (-R budget spent)") \
	X(conn_close, WIRE_STEP, K(conn, NUM) K(fd, NUM) K(reason, REASON), \
	  "conn_close", "{thr} conn_close: conn {conn} ({reason})") \
	X(accept_pause, WIRE_STEP, K(reason, PAUSE), \
	  "accept_new_conns(false)", "{thr} accept_new_conns: stop accepting ({reason})") \
	X(accept_resume, WIRE_STEP, K(reason, PAUSE), \
	  "accept_new_conns(true)", "{thr} accept_new_conns: accepting again ({reason})") \
	X(policy, WIRE_STREAM, K(dispatch, POLICY), \
	  "policy", "{thr} dispatch policy now {dispatch}") \
	X(dropped, WIRE_STREAM, K(count, NUM), \
	  "dropped", "{thr} lost {count} events (dropped)") \
	X(paused, WIRE_STREAM, K(at, EVENT) K(conn, NUM), \
	  "paused", "{thr} paused{?at: before {at:fn}{?conn: conn {conn}}}") \
	X(resumed, WIRE_STREAM, , \
	  "resumed", "{thr} resumed: every thread runs on") \
	X(gate, WIRE_STREAM, K(at, EVENT) K(conn, NUM), \
	  "gate", "{thr} waits at a gate{?at: before {at:fn}{?conn: conn {conn}}}") \
	X(delay, WIRE_STREAM, K(to, THR) K(ms, NUM), \
	  "delay", "{thr} delay: {to} {?ms:sleeps {ms} ms before each event}{!ms:runs at full speed again}")

enum wire_event {
#define WIRE_EVENT_ENUM_(name, ...) EVT_##name,
	WIRE_EVENTS(WIRE_EVENT_ENUM_)
#undef WIRE_EVENT_ENUM_
	EVT_MAX
};

/* How many values each event's record carries: WIRE_NVALUES_dispatch is 7. */
#define K(key, kind) + WIRE_TAKES_##kind
#define WIRE_NVALUES_(name, cls, keys, ...) WIRE_NVALUES_##name = 0 keys,
enum { WIRE_EVENTS(WIRE_NVALUES_) };
#undef WIRE_NVALUES_
#undef K

/* The most values an event's record carries. */
#define WIRE_VALUES_MAX 9

/* One key of an event, as WIRE_EVENTS declares it. */
struct wire_key_spec {
	enum wire_key key;
	enum wire_kind kind;
};

/* One event, as WIRE_EVENTS declares it. */
struct wire_event_spec {
	const char *name;
	enum wire_event_class cls;
	const struct wire_key_spec *keys;
	int nkeys;
	const char *function; /* what it does in memcached's words */
	const char *sentence; /* how the dashboard's log tells it */
};

/* Returns an event's declaration, or NULL when out of range. */
const struct wire_event_spec *wire_event_spec(int ev);

/* Returns the kind of key in event ev, or -1 when the event does not carry it. */
int wire_event_kind(int ev, enum wire_key key);

/* Returns which record value holds key in event ev, or -1 when none does. */
int wire_event_slot(int ev, enum wire_key key);

/* Control commands a trace-socket client may send, one per line. */
#define WIRE_CTL_COMMANDS(X) \
	X(pause) X(resume) X(step) X(freeze) X(thaw) X(break) X(dispatch) X(delay) X(filter)

enum wire_ctl {
#define WIRE_CTL_ENUM_(name) CTL_##name,
	WIRE_CTL_COMMANDS(WIRE_CTL_ENUM_)
#undef WIRE_CTL_ENUM_
	CTL_MAX
};

/* Returns an event's name, or NULL when out of range. */
const char *wire_event_name(enum wire_event ev);

/* Looks an event up by name (n bytes); -1 when unknown. */
int wire_event_from_name(const char *name, size_t n);

/* Returns a key's name, or NULL when out of range. */
const char *wire_key_name(enum wire_key key);

/* Looks a key up by name (n bytes); -1 when unknown. */
int wire_key_from_name(const char *name, size_t n);

/* True when v is in the range WIRE_KEYS gives key's numbers. */
bool wire_key_in_range(enum wire_key key, uint64_t v);

/* Returns a control command's name, or NULL when out of range. */
const char *wire_ctl_name(enum wire_ctl cmd);

/* Looks a control command up by name (n bytes); -1 when unknown. */
int wire_ctl_from_name(const char *name, size_t n);

/* Returns the name of a conn state ("conn_read"), or "conn_unknown". */
const char *wire_state_name(enum conn_states state);

/* Looks a state up by name; returns -1 when there is no such state. */
int wire_state_from_name(const char *name);

/* Returns a policy's name ("rr"), or "unknown". */
const char *wire_policy_name(enum dispatch_policy policy);

/* Looks a policy up by name (n bytes); -1 when unknown. */
int wire_policy_from_name(const char *name, size_t n);

/* Returns what a policy does, in a few words, or "". */
const char *wire_policy_text(enum dispatch_policy policy);

/* Writes every policy's name, separated by sep ("rr, least, random, custom"), into buf; returns buf. */
const char *wire_policy_list(char *buf, size_t n, const char *sep);

/* Writes the names of the policies every server has (all but custom) into buf; returns buf. */
const char *wire_policy_builtin_list(char *buf, size_t n, const char *sep);

/* Returns the name of a thread that is no worker ("main", "timeout"), NULL for any other thr. */
const char *wire_thr_name(int thr);

/* Looks up a thread that is no worker by name (n bytes); false when the name is none of them. */
bool wire_thr_from_name(const char *name, size_t n, int *thr);

/* Returns a transport's name ("tcp"), or "unknown". */
const char *wire_transport_name(enum transport transport);

/* Returns a close reason's name ("eof"), or "unknown". */
const char *wire_close_reason_name(enum close_reason reason);

/* Returns an accept pause reason's name ("maxconns"), or "unknown". */
const char *wire_accept_pause_name(enum accept_pause_reason reason);

#endif
