/*
 * event.h: one line of the trace stream (src/PROTOCOL.md) taken apart.
 *
 * event_parse() does no allocation and copies nothing: the strings in a
 * struct event point into the caller's line, so the line must outlive the
 * struct. The dashboard, the exporter and the CLI all read the stream
 * through it, at hundreds of thousands of lines a second.
 */
#ifndef MCSCOPE_TUI_EVENT_H
#define MCSCOPE_TUI_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* thr= and worker values: the main thread, "none" (last=none) and the idle-timeout thread
 * (wire.h's WIRE_THREAD_NAMES). Workers are 0..N-1. */
#define EVENT_THR_MAIN WIRE_THR_MAIN
#define EVENT_THR_NONE WIRE_THR_NONE
#define EVENT_THR_TIMEOUT WIRE_THR_TIMEOUT

/* The highest worker index a line may name; beyond it the line is malformed. */
#define EVENT_WORKER_MAX (WIRE_THREADS_MAX - 1)

/* The longest line event_parse takes, newline excluded; a longer one is EVENT_E_TOO_LONG. */
#define EVENT_LINE_MAX WIRE_LINE_MAX

/* ev of a line whose event this build does not know (the protocol allows new ones). */
#define EVENT_UNKNOWN (-1)

/* A conn-state value this build does not know. */
#define EVENT_STATE_UNKNOWN (-1)

/* What a line turned out to be. Values below 0 are malformed lines. */
enum event_status {
	EVENT_LINE = 0,          /* an event line; ev may be EVENT_UNKNOWN */
	EVENT_ANSWER_OK = 1,     /* "ok" or "ok <detail>" */
	EVENT_ANSWER_ERROR = 2,  /* "error <reason>" */
	EVENT_E_EMPTY = -1,      /* nothing but blanks */
	EVENT_E_NO_EQUALS = -2,  /* a word without '=' */
	EVENT_E_EMPTY_KEY = -3,  /* "=value" */
	EVENT_E_NO_TS = -4,
	EVENT_E_NO_SEQ = -5,
	EVENT_E_NO_THR = -6,
	EVENT_E_NO_EV = -7,
	EVENT_E_BAD_TS = -8,     /* not a decimal number that fits 64 bits */
	EVENT_E_BAD_SEQ = -9,
	EVENT_E_BAD_THR = -10,   /* not main or wK */
	EVENT_E_BAD_EV = -11,    /* empty */
	EVENT_E_BAD_VALUE = -12, /* a known key whose value is not what PROTOCOL.md says */
	EVENT_E_RANGE = -13,     /* a number beyond its key's range (wire.h's WIRE_KEYS) */
	EVENT_E_TOO_LONG = -14,  /* longer than EVENT_LINE_MAX */
	EVENT_E_NO_WORKER = -15, /* names a worker the hello did not announce (event_check_workers) */
	EVENT_E_LOWEST = EVENT_E_NO_WORKER,
};

/* How a known key's value is read; see event_parse. */
enum event_value_kind {
	EVENT_VAL_STR,   /* only the text */
	EVENT_VAL_NUM,   /* a decimal number, in num */
	EVENT_VAL_THR,   /* main, none or wK, in idx */
	EVENT_VAL_STATE, /* a conn state, in idx (EVENT_STATE_UNKNOWN when this build lacks it) */
};

struct event_value {
	const char *s;   /* the value's text in the line, not nul-terminated */
	uint32_t len;
	int32_t idx;     /* EVENT_VAL_THR and EVENT_VAL_STATE */
	uint64_t num;    /* EVENT_VAL_NUM */
};

struct event {
	uint64_t ts;            /* ns since the server started */
	uint64_t seq;
	int thr;                /* EVENT_THR_MAIN or a worker index */
	int ev;                 /* an enum wire_event, or EVENT_UNKNOWN */
	const char *ev_name;    /* ev= as written, for unknown events */
	uint32_t ev_len;
	const char *text;       /* answers: what follows "ok " or "error " (len 0 when nothing) */
	uint32_t text_len;
	uint64_t present;       /* bit (1 << enum wire_key) for each known key the line has */
	struct event_value val[WIRE_KEY_COUNT];
};

/*
 * Parses one line of len bytes (a trailing "\n" or "\r\n" is allowed and
 * ignored). The four fixed fields may come in any order but must all be
 * there; keys this build does not know are ignored; for a known event the
 * known keys are checked by kind, for an unknown one they are kept as
 * text only. Returns EVENT_LINE, an answer, or a negative enum event_status.
 * Fields of e are only meaningful for what the status says.
 */
enum event_status event_parse(const char *line, size_t len, struct event *e);

/*
 * The check a line needs the stream for: every worker it names (thr=, and
 * to=, last=, next= where they are workers) is one of the threads the last
 * hello announced (0: no hello yet, nothing to check against). Returns
 * EVENT_LINE or EVENT_E_NO_WORKER.
 */
enum event_status event_check_workers(const struct event *e, unsigned threads);

/*
 * Parses one line of a stream whose hello announced threads workers:
 * event_parse, then for an event line event_check_workers. What every
 * reader of a stream or a file calls, so that they agree on what is malformed.
 */
enum event_status event_parse_in(const char *line, size_t len, unsigned threads, struct event *e);

/* True when the line has key. */
static inline bool event_has(const struct event *e, enum wire_key key)
{
	return (e->present >> key) & 1;
}

/* Returns key's value, or NULL when the line lacks it. */
static inline const struct event_value *event_get(const struct event *e, enum wire_key key)
{
	return event_has(e, key) ? &e->val[key] : NULL;
}

/* Returns key's number, or dflt when the line lacks it or it is not a number key. */
uint64_t event_num(const struct event *e, enum wire_key key, uint64_t dflt);

/* Returns key's thread or state index, or dflt when the line lacks it. */
int event_idx(const struct event *e, enum wire_key key, int dflt);

/* True when key's text equals the nul-terminated s. */
bool event_str_eq(const struct event *e, enum wire_key key, const char *s);

/* How event_parse reads key's value in event ev (to= is a worker except in state). */
enum event_value_kind event_value_kind(int ev, enum wire_key key);

/* Returns a short description of a status ("no seq=", "an event line", ...). */
const char *event_status_name(enum event_status st);

/* Looks a state up by its name's n bytes; EVENT_STATE_UNKNOWN when absent. */
int event_state_lookup(const char *name, size_t n);

/* Parses "main", "none", "timeout" or "wK" (n bytes) into *thr; false when it is none of them. */
bool event_thr_parse(const char *s, size_t n, int *thr);

#endif
