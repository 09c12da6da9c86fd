/*
 * model.h: what the dashboard knows about a server, built only from the
 * trace stream (src/PROTOCOL.md). No curses here: panels draw from it, and
 * tests drive it with plain event lines.
 *
 * Memory is bounded whatever the event rate or run length: histories are
 * rings, and closed connections age out after MODEL_CLOSED_KEEP_NS, or
 * sooner when more than MODEL_CLOSED_MAX of them have closed since.
 */
#ifndef MCSCOPE_TUI_MODEL_H
#define MCSCOPE_TUI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "wire.h"

#define MODEL_MAX_WORKERS WIRE_THREADS_MAX
/* events_per_sec is measured over at least this long. */
#define MODEL_RATE_WINDOW_NS 1000000000ULL
#define MODEL_DEPTH_HISTORY 64           /* CQ depth samples per worker, one per model_tick */
#define MODEL_RECENT_DISPATCHES 16
#define MODEL_LOG_LINES 512              /* event log sentences kept */
#define MODEL_LOG_TEXT 128
#define MODEL_PATH_LEN 32                /* a connection's latest states */
#define MODEL_CLOSED_KEEP_NS 5000000000ULL /* closed connections stay listed this long */
#define MODEL_CLOSED_MAX 1024            /* and only the latest this many of them */

enum model_status { MODEL_CONNECTING, MODEL_LIVE, MODEL_RECONNECTING, MODEL_REPLAY };

struct model_conn {
	uint64_t id;
	int fd;
	int worker;                  /* worker index, EVENT_THR_MAIN for the listening conn */
	bool udp;
	int state;                   /* enum conn_states */
	uint64_t state_since;        /* ts of the last state change */
	uint64_t cmds;               /* commands processed */
	char last_verb[16];          /* "" before the first command */
	bool closed;
	uint64_t closed_at;          /* ts of conn_close */
	uint64_t closed_no;          /* which close this was, counting from 1 (model's closes) */
	bool opened;                 /* counted in its worker's open (conn_new, snapshot or a worker's event) */
	uint8_t path[MODEL_PATH_LEN]; /* latest states, oldest first */
	unsigned path_len;
};

/* A thread stopped at a gate, before the step it will take next (from gate's at=). */
struct model_gate {
	bool waiting;                /* it waits at a gate now: a step of its own would move it */
	int at;                      /* enum wire_event it waits before; EVENT_UNKNOWN when this build lacks it */
};

struct model_worker {
	unsigned cq_depth;
	unsigned cq_max_depth;
	uint64_t dispatched;
	unsigned open;               /* open connections */
	unsigned delay_ms;           /* the worker sleeps this long before each event (delay wK MS) */
	uint64_t pending_notify;     /* notify bytes written, not yet read */
	unsigned per_state[conn_max_state];
	uint16_t depth_history[MODEL_DEPTH_HISTORY]; /* ring, newest at depth_history_pos - 1 */
	unsigned depth_history_pos;
	unsigned depth_history_len;
	bool at_gate;                /* seen waiting at a gate while not paused, i.e. frozen by freeze wK */
	struct model_gate gate;      /* until it takes a step, or everything resumes */
};

/* The idle-timeout thread (thr=timeout), which runs when hello says idle_timeout= is not 0: what
 * it sent through the workers' pipes, and what its kicks closed, since the model began. */
struct model_timeout {
	int idle_timeout;            /* seconds, from hello; 0: the server has no timeout thread */
	uint64_t kicks;              /* notify_write byte=t it wrote */
	uint64_t closed;             /* conn_close reason=idle: kicks a worker acted on */
	int last_to;                 /* the worker of the newest kick, EVENT_THR_NONE before one */
	int last_fd;                 /* and the fd it named */
	uint64_t last_ts;            /* and when */
};

struct model_dispatch {
	uint64_t conn;
	int to;
	uint64_t ts;
};

struct model_log_line {
	uint64_t seq;
	uint64_t ts;
	int thr;
	int ev;                      /* enum wire_event */
	char text[MODEL_LOG_TEXT];   /* "w1 cq_pop: took conn 41 off its queue (depth 0)" */
};

struct model {
	enum model_status status;
	/* From hello. */
	int pid, tcp_port, udp_port, maxconns;
	int nworkers;
	int policy;                  /* enum dispatch_policy (wire.h) */
	/* Round robin: the worker picked last, and the one picked next (rr). */
	int last_worker;             /* EVENT_THR_NONE before the first dispatch */
	int next_worker;
	bool paused;
	/* Main stopped accepting (accept_new_conns(false)) and why: "maxconns", "emfile"; "" while it
	 * accepts, also after a reconnect until the next accept_pause. */
	char accept_paused[16];
	char next_step[MODEL_LOG_TEXT]; /* "next: w2 will cq_pop conn 7", "" when not stepping */
	struct model_gate main_gate; /* the main thread's, as each worker's gate */
	uint64_t first_ts, last_ts;  /* ts of the first and newest event */
	uint64_t events;             /* event lines applied */
	uint64_t thread_events;      /* of those, what the server's threads did: each one a step */
	uint64_t dropped;            /* sum of dropped count= */
	uint64_t malformed;          /* lines that did not parse */
	double events_per_sec;       /* over the last model_tick interval */

	struct model_worker workers[MODEL_MAX_WORKERS];
	struct model_timeout timeout;

	/* Connections, open and recently closed, in a dense array (any order). */
	struct model_conn *conns;
	size_t nconns;
	size_t conns_cap;
	size_t nclosed;              /* of those, closed ones */
	uint64_t closes;             /* connections closed so far */
	void *index;                 /* private: id -> position */
	void *fd_index;              /* private: fd -> position of the open TCP conn with it */
	const struct model_conn **select_buf; /* private: model_conns_select's scratch, conns_cap long */

	struct model_dispatch recent[MODEL_RECENT_DISPATCHES]; /* ring, newest at recent_pos - 1 */
	unsigned recent_pos, recent_len;

	struct model_log_line *log;  /* ring of MODEL_LOG_LINES, newest at log_pos - 1 */
	unsigned log_pos, log_len;

	uint64_t transitions[conn_max_state][conn_max_state]; /* counts by from, to */
	uint64_t unlisted_transitions; /* moves wire.h's transitions table lacks (a server out of step) */
	uint64_t transition_at[conn_max_state][conn_max_state]; /* ts of the latest */

	/* private: for events_per_sec */
	uint64_t tick_events;
	uint64_t tick_ns;
};

/* Creates an empty model; NULL when out of memory. */
struct model *model_create(void);

/* Frees the model. */
void model_destroy(struct model *m);

/* Forgets the server (before a reconnect): a new hello and snapshot rebuild everything. */
void model_reset(struct model *m);

/* Makes dst the same picture as src (a replay's checkpoints); false when out of memory. */
bool model_copy(struct model *dst, const struct model *src);

/* Parses one line (event_parse_in with the hello's worker count) and applies it; counts malformed lines.
 * Returns the line's status. */
enum event_status model_feed(struct model *m, const char *line, size_t len);

/* Applies a line already parsed with status st (an event line), or counts it (a malformed one). */
void model_take(struct model *m, enum event_status st, const struct event *e);

/* The bytes m holds, itself and its buffers. */
size_t model_bytes(const struct model *m);

/* Applies one parsed event line (answers are ignored). */
void model_apply(struct model *m, const struct event *e);

/* Once per frame: samples CQ depth histories, ages out closed connections, computes events/s (once a second). */
void model_tick(struct model *m, uint64_t now_ns);

/* Returns the connection with that id, or NULL. */
const struct model_conn *model_conn_find(const struct model *m, uint64_t id);

enum model_sort { MODEL_SORT_ID, MODEL_SORT_WORKER, MODEL_SORT_STATE, MODEL_SORT_AGE };

/* Fills out (up to max) with connections passing the filter (worker < 0: any; state < 0: any),
 * sorted; returns how many passed in all. */
size_t model_conns_select(const struct model *m, enum model_sort sort, int worker, int state,
			  const struct model_conn **out, size_t max);

/* Returns the i-th newest log line (0 = newest), or NULL. */
const struct model_log_line *model_log_get(const struct model *m, unsigned i);

/* Returns the i-th newest dispatch (0 = newest), or NULL. */
const struct model_dispatch *model_recent_get(const struct model *m, unsigned i);

#endif
