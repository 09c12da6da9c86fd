/*
 * load.h: mcscope load, a workload generator for mcscoped (or memcached).
 *
 * One thread, one libevent loop. Each scenario drives N client slots
 * (struct load_conn): a TCP connection, or a UDP socket for the udp
 * scenario. Every request is queued with what its reply must be (struct
 * load_expect) and every reply is checked byte for byte against the text
 * protocol; values follow a pattern derived from their key and length, so
 * a get can be checked even when other connections rewrite the key.
 *
 * Modules: load_proto (requests and reply checks), load_stats (latency
 * histograms and the summary), load_conn (a TCP client connection),
 * load_udp (a UDP client socket), load_scenario (what each scenario does),
 * load_run (the loop: pacing, deadline, stopping, progress line),
 * load_main (one whole workload and its summary). They make a library of
 * their own: mcscope load and mcscope demo run it, and so can a test.
 */
#ifndef MCSCOPE_TUI_LOAD_H
#define MCSCOPE_TUI_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

struct event;
struct event_base;
struct evbuffer;
struct bufferevent;

/* The workloads: enum name, name, what it does (mcscope load --help). */
#define LOAD_SCENARIOS(X) \
	X(LOAD_MIXED,    mixed,    "set/get/delete/incr on a seeded, skewed key space") \
	X(LOAD_BURST,    burst,    "open all N connections at once, one request each, close; repeat") \
	X(LOAD_SLOW,     slow,     "every command sent a few bytes at a time, with pauses") \
	X(LOAD_PIPELINE, pipeline, "50 gets in one write per connection (the -R budget)") \
	X(LOAD_BIGVALUE, bigvalue, "set and read back 100-500 KB values") \
	X(LOAD_BIGSLOW,  bigslow,  "set 100-500 KB values sent in pieces with pauses, read them back") \
	X(LOAD_CHURN,    churn,    "connect, one request, close, in a loop") \
	X(LOAD_IDLE,     idle,     "hold N connections, a version on each every 2-4 s") \
	X(LOAD_UDP,      udp,      "set/get in framed datagrams to -U PORT")

#define LOAD_SCENARIO_ENUM_(e, name, text) e,
enum load_scenario { LOAD_SCENARIOS(LOAD_SCENARIO_ENUM_) LOAD_N_SCENARIOS };
#undef LOAD_SCENARIO_ENUM_

/* How a request's bytes go out. */
enum load_send {
	LOAD_SEND_WHOLE,  /* in one write */
	LOAD_SEND_DRIP,   /* a few bytes at a time, with short pauses */
	LOAD_SEND_PIECES, /* a few KB at a time, with pauses a person can see */
};

enum load_op { LOAD_OP_GET, LOAD_OP_SET, LOAD_OP_DELETE, LOAD_OP_INCR, LOAD_OP_VERSION, LOAD_N_OPS };

/* Why a request failed. */
enum load_err {
	LOAD_ERR_REPLY,   /* a reply that is not what the protocol says */
	LOAD_ERR_CLOSED,  /* the server closed the connection (or reset it) */
	LOAD_ERR_TIMEOUT, /* no reply within LOAD_REPLY_TIMEOUT_US */
	LOAD_ERR_CONNECT, /* a connection attempt failed */
	LOAD_N_ERRS
};

/* How long a reply may take before the request counts as failed. */
#define LOAD_REPLY_TIMEOUT_US 5000000ULL
/* After the duration: how long requests already sent may still be answered. */
#define LOAD_DRAIN_US 2000000ULL
/* Pause before reconnecting after a failure, so a dead server is not hammered. */
#define LOAD_RETRY_US 100000ULL
/* Longest key the scenarios make (memcached allows 250). */
#define LOAD_KEY_MAX 64
/* Most requests one connection has outstanding (pipeline's batch). */
#define LOAD_QUEUE_MAX 64
#define LOAD_PIPELINE_DEPTH 50

/* One request sent, and what its reply must be. */
struct load_expect {
	enum load_op op;
	char key[LOAD_KEY_MAX];
	size_t keylen;
	size_t vlen;      /* set: the value's length; get: the length a hit must have, 0 for any */
	bool numeric;     /* set: store "0" (a counter for incr) instead of the pattern */
	uint64_t sent_us; /* when its last byte was handed to the socket */
};

/* ---- load_proto: the text protocol from the client side ---- */

enum load_check { LOAD_CHECK_MORE, LOAD_CHECK_OK, LOAD_CHECK_BAD };

/* The flags a value stored under key carries. */
uint32_t load_value_flags(const char *key, size_t keylen);

/* Fills dst with the n bytes a value of that key and length holds. */
void load_value_fill(char *dst, const char *key, size_t keylen, size_t n);

/* Appends the request for e (a set stores vlen pattern bytes; incr adds delta) to out; -1 when out of memory. */
int load_proto_request(struct evbuffer *out, const struct load_expect *e, uint64_t delta);

/*
 * Checks the reply at the start of buf against e. LOAD_CHECK_OK: *used is
 * its length, *hit says whether a get found the key. LOAD_CHECK_MORE: *need
 * is the total length to wait for. LOAD_CHECK_BAD: why says what is wrong.
 */
enum load_check load_proto_check(const struct load_expect *e, const char *buf, size_t len,
				 size_t *used, size_t *need, bool *hit, char *why, size_t whylen);

/* ---- load_stats: latencies and counts ---- */

#define LOAD_HIST_SUB 32
#define LOAD_HIST_BUCKETS (64 * LOAD_HIST_SUB)

/* Latencies in microseconds, in log-linear buckets (about 3% wide). */
struct load_hist {
	uint64_t count;
	uint64_t max;
	uint64_t buckets[LOAD_HIST_BUCKETS];
};

struct load_stats {
	struct load_hist op[LOAD_N_OPS];
	uint64_t op_errors[LOAD_N_OPS];
	uint64_t errors[LOAD_N_ERRS]; /* connect errors are not any op's */
	uint64_t hits, misses;
	uint64_t connects;
};

/* Counts one answered request. */
void load_stats_ok(struct load_stats *s, enum load_op op, uint64_t usec);

/* Counts one failed request (op is ignored for LOAD_ERR_CONNECT). */
void load_stats_error(struct load_stats *s, enum load_op op, enum load_err err);

/* Answered requests, all ops. */
uint64_t load_stats_requests(const struct load_stats *s);

/* Failures of every kind. */
uint64_t load_stats_errors(const struct load_stats *s);

/* The latency at or below which fraction p of the samples fall (bucket upper bound, at most max). */
uint64_t load_hist_percentile(const struct load_hist *h, double p);

/* Adds from's samples to into. */
void load_hist_merge(struct load_hist *into, const struct load_hist *from);

/* The name of an op, as in the summary. */
const char *load_op_name(enum load_op op);

/* Prints the per-op table and the totals line. */
void load_stats_print(FILE *out, const struct load_stats *s, double seconds);

/* ---- load_conn / load_udp: one client slot ---- */

struct load_run;

struct load_conn {
	struct load_run *run;
	unsigned id;
	uint64_t rng;
	struct bufferevent *bev; /* TCP; NULL while closed */
	bool connected;
	int ufd;                 /* UDP; -1 when not used */
	struct event *uev;       /* its read event */
	struct load_expect q[LOAD_QUEUE_MAX]; /* outstanding requests, oldest first */
	size_t qhead, qlen;
	size_t need;             /* input bytes to wait for before checking again */
	struct event *timer;     /* the scenario's wait, pacing, drip or retry */
	struct event *timeout;   /* the oldest request's reply deadline */
	struct evbuffer *drip;   /* slow: bytes still to send */
	enum load_send drip_how; /* how they go out */
	uint16_t udp_id;         /* udp: the request id awaited */
	uint16_t udp_count;      /* udp: datagrams of the reply, 0 before the first */
	uint64_t udp_seen;       /* udp: bitmap of datagrams received */
	struct evbuffer *udp_parts[16];
	/* The scenario's own state. */
	int phase;
	unsigned n;
	bool paced;              /* a pacing slot is already claimed for the next send */
	bool round_member;       /* burst: takes part in the current round */
	unsigned on_conn;        /* requests sent since this connection opened */
};

/* Sets up slot id of run (no socket yet); -1 with a message on failure. */
int load_conn_init(struct load_conn *c, struct load_run *run, unsigned id);

/* Closes the socket and frees everything. */
void load_conn_free(struct load_conn *c);

/* Starts connecting; the scenario's next step runs once connected (or its down hook on failure). */
void load_conn_open(struct load_conn *c);

/* Closes the connection; outstanding requests are dropped uncounted. */
void load_conn_close(struct load_conn *c);

/* True while a TCP connection is open or opening. */
bool load_conn_is_open(const struct load_conn *c);

/* Queues e and sends its request, whole or in pieces as how says; false when the connection failed. */
bool load_conn_send(struct load_conn *c, const struct load_expect *e, uint64_t delta, enum load_send how);

/* Runs the scenario's next step after usec microseconds. */
void load_conn_wait(struct load_conn *c, uint64_t usec);

/* Counts what is outstanding as failed with err and closes; the down hook follows. */
void load_conn_fail(struct load_conn *c, enum load_err err);

/* Opens the UDP socket (connected to the run's UDP address); -1 with a message on failure. */
int load_udp_open(struct load_conn *c);

/* Sends e's request in one datagram; false on failure (counted). */
bool load_udp_send(struct load_conn *c, const struct load_expect *e);

/* Sends "version" over UDP to addr and waits up to timeout_ms for a well-formed reply; false with a message. */
bool load_udp_probe(const struct sockaddr *addr, socklen_t len, int timeout_ms);

/* ---- load_scenario ---- */

/* A scenario's name; NULL when out of range. */
const char *load_scenario_name(enum load_scenario s);

/* The scenario called name; -1 when there is none. */
int load_scenario_from_name(const char *name);

/* What a scenario does, in a few words; NULL when out of range. */
const char *load_scenario_text(enum load_scenario s);

/* Writes every scenario's name, separated by sep ("mixed, burst, ..."), into buf; returns buf. */
const char *load_scenario_list(char *buf, size_t n, const char *sep);

/* burst: the round timer's callback, which opens every connection of a new round. */
void load_scenario_round(int fd, short what, void *arg);

/* Starts every slot. */
void load_scenario_start(struct load_run *run);

/* The slot is idle (connected, or every reply in, or a wait over): its next step. */
void load_scenario_next(struct load_conn *c);

/* The slot's connection went away (connected before or not) and is closed now. */
void load_scenario_down(struct load_conn *c, bool was_connected);

/* ---- load_run: the loop ---- */

struct load_opts {
	const char *host;
	int port;
	int udp_port;
	unsigned conns;
	double rate;      /* requests per second in total; 0 = as fast as possible */
	double duration;  /* seconds */
	uint64_t seed;
	enum load_scenario scenario;
	bool progress;    /* draw the progress line on stderr */
	unsigned reconnect;        /* close and reopen a connection after this many requests; 0 never */
	uint64_t reply_timeout_us; /* a reply later than this fails the request */
	/* The caller knows the server is up (the demo started it): no probe first, so that every
	 * connection the server sees is one of the workload's. */
	bool no_probe;
};

struct load_run {
	struct load_opts opts;
	struct event_base *base;
	struct sockaddr_storage addr, uaddr;
	socklen_t addrlen, uaddrlen;
	struct load_conn *conns;
	struct load_stats stats;
	double next_slot_us;   /* pacing: when the next request may go */
	uint64_t start_us, end_us;
	bool stopping;
	int stop_signal;
	unsigned complaints;   /* detailed failure messages printed so far */
	unsigned round_left;   /* burst: slots of this round not done yet */
	bool round_failed;     /* burst: a connection of this round failed */
	struct event *deadline, *drain, *progress_ev, *stop_ev, *round_timer;
};

/* Microseconds on the monotonic clock. */
uint64_t load_now_us(void);

/* A pseudo-random number from *state (splitmix64). */
uint64_t load_rand(uint64_t *state);

/* Claims pacing slots for n requests; returns how long to wait before sending them. */
uint64_t load_run_slot(struct load_run *run, unsigned n);

/* Prints a detailed failure message, for the first few failures only. */
void load_run_complain(struct load_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Ends the run early or at the deadline: no new requests, the sent ones get LOAD_DRAIN_US. */
void load_run_stop(struct load_run *run);

/* A slot has nothing outstanding any more; ends the loop once all are so while stopping. */
void load_run_check_done(struct load_run *run);

/* Resolves host and ports, probes the server (unless no_probe); CLI exit status (0, 69) with a message. */
int load_run_prepare(struct load_run *run, const struct load_opts *opts);

/*
 * Runs the workload to the end and fills run->stats; -1 with a message on
 * setup failure. When stop.h's pipe is set up (stop_init), a stop signal
 * ends the run early, as the deadline does (run->stop_signal says which),
 * and a second one at once.
 */
int load_run_execute(struct load_run *run);

/* Frees what prepare and execute made. */
void load_run_free(struct load_run *run);

/* ---- load_main: one whole workload ---- */

/* Prints the summary of a finished run on out: its options, then load_stats_print's table. */
void load_summary_print(FILE *out, const struct load_run *run);

/*
 * Runs the workload o describes, printing the summary on stdout when
 * asked; returns mcscope load's exit status: 0 when no request failed, 1
 * when one did (or setup failed), 69 when the server cannot be reached.
 */
int load_main(const struct load_opts *o, bool summary);

#endif
