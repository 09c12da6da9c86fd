/*
 * trace_format.c: records as lines. Nothing here knows one event from
 * another: wire.h's WIRE_EVENTS says which keys each line has and how each
 * value is written, and the publisher writes every line through here at
 * hundreds of thousands a second, so numbers are written by hand.
 */
#include <stdio.h>
#include <string.h>

#include "trace_format.h"
#include "wire.h"

_Static_assert(TRACE_LINE_MAX <= WIRE_LINE_MAX, "readers take every line a server writes");

/* The part of buf still free. */
struct line {
	char *p, *end;
};

/* Appends n bytes, as many as fit. */
static void put(struct line *l, const char *s, size_t n)
{
	size_t room = (size_t)(l->end - l->p);

	if (n > room)
		n = room;
	memcpy(l->p, s, n);
	l->p += n;
}

/* Appends a nul-terminated string. */
static void put_str(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

/* Appends a number in decimal. */
static void put_u64(struct line *l, uint64_t v)
{
	char digits[20];
	int i = (int)sizeof(digits);

	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(l, digits + i, sizeof(digits) - (size_t)i);
}

/* Appends a thread's name: wK, or main, timeout, none (wire.h's WIRE_THREAD_NAMES). */
static void put_thr(struct line *l, int64_t thr)
{
	const char *name = wire_thr_name((int)thr);

	if (name != NULL) {
		put_str(l, name);
	} else if (thr < 0) {
		put_str(l, "none");
	} else {
		put(l, "w", 1);
		put_u64(l, (uint64_t)thr);
	}
}

/* Appends one value as its kind is written. */
static void put_value(struct line *l, enum wire_kind kind, int64_t v, const struct trace_rec *r)
{
	char byte = (char)v;

	switch (kind) {
	case WIRE_KIND_NUM:
		put_u64(l, (uint64_t)v);
		break;
	case WIRE_KIND_THR:
		put_thr(l, v);
		break;
	case WIRE_KIND_STATE:
		put_str(l, wire_state_name((enum conn_states)v));
		break;
	case WIRE_KIND_POLICY:
		put_str(l, wire_policy_name((enum dispatch_policy)v));
		break;
	case WIRE_KIND_TRANSPORT:
		put_str(l, wire_transport_name((enum transport)v));
		break;
	case WIRE_KIND_REASON:
		put_str(l, wire_close_reason_name((enum close_reason)v));
		break;
	case WIRE_KIND_PAUSE:
		put_str(l, wire_accept_pause_name((enum accept_pause_reason)v));
		break;
	case WIRE_KIND_BYTE:
		put(l, &byte, 1);
		break;
	case WIRE_KIND_EVENT:
		put_str(l, wire_event_name((enum wire_event)v) != NULL ? wire_event_name((enum wire_event)v)
								       : "unknown");
		break;
	case WIRE_KIND_TEXT:
		put(l, r->s, strnlen(r->s, sizeof(r->s)));
		break;
	case WIRE_KIND_STATES:
		for (int i = 0; i < conn_max_state; i++) {
			if (i > 0)
				put(l, ",", 1);
			put_str(l, wire_state_name((enum conn_states)i));
		}
		break;
	case WIRE_KIND_COUNT:
		break;
	}
}

/* Writes a thread's name. */
const char *trace_thr_name(int thr, char *buf, size_t len)
{
	struct line l = { buf, buf + (len > 0 ? len - 1 : 0) };

	put_thr(&l, thr);
	if (len > 0)
		*l.p = '\0';
	return buf;
}

/* Writes a record's line. */
size_t trace_format(const struct trace_rec *r, char *buf)
{
	struct line l = { buf, buf + TRACE_LINE_MAX - 1 }; /* room for the newline */
	const struct wire_event_spec *spec = wire_event_spec(r->ev);
	int slot = 0;

	put_str(&l, "ts=");
	put_u64(&l, r->ts);
	put_str(&l, " seq=");
	put_u64(&l, r->seq);
	put_str(&l, " thr=");
	put_thr(&l, r->thr);
	put_str(&l, " ev=");
	put_str(&l, spec != NULL ? spec->name : "unknown");
	for (int i = 0; spec != NULL && i < spec->nkeys; i++) {
		enum wire_kind kind = spec->keys[i].kind;
		int64_t v = 0;

		if (kind != WIRE_KIND_TEXT && kind != WIRE_KIND_STATES) {
			v = r->v[slot++];
			if (v == WIRE_ABSENT)
				continue;
		}
		put(&l, " ", 1);
		put_str(&l, wire_key_name(spec->keys[i].key));
		put(&l, "=", 1);
		put_value(&l, kind, v, r);
	}
	*l.p++ = '\n';
	return (size_t)(l.p - buf);
}
