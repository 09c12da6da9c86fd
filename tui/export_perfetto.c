#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "event.h"
#include "export_perfetto.h"
#include "trace_reader.h"

/* Thread ids in the output: main is 1, worker K is 2 + K (0 would mean "no thread"). */
#define TID_MAIN 1

/* The pid when the hello has none (a pid of 0 reads as "no process"). */
#define PID_FALLBACK 1

/* How an event shows on its thread's track. */
enum show {
	SHOW_INSTANT, /* an "i" event */
	SHOW_SLICE,   /* an "X" slice of no length */
	SHOW_NONE,    /* only on a counter or connection track */
};

struct event_look {
	const char *name;
	enum show show;
};

/*
 * How an event shows, from its declaration in wire.h: a thread's step is a
 * slice named after what it does in memcached; the snapshot's worker and
 * connection lines only feed counters and connection tracks; every other
 * line is an instant named after the event.
 */
static struct event_look look_of(int ev)
{
	const struct wire_event_spec *spec = wire_event_spec(ev);

	if (spec->cls == WIRE_STEP)
		return (struct event_look){ spec->function, SHOW_SLICE };
	if (ev == EVT_snapshot_worker || ev == EVT_snapshot_conn)
		return (struct event_look){ NULL, SHOW_NONE };
	return (struct event_look){ spec->name, SHOW_INSTANT };
}

/* Room for one event's args object; keys that do not fit are left out. */
#define ARGS_MAX 1024

/*
 * A slice that spans several events of one thread (dispatch_conn_new,
 * thread_libevent_process). Its length is known only at its last event,
 * so it is written then; its args are rendered when it opens.
 */
struct span {
	bool open;
	int ev;            /* the event that opened it */
	uint64_t start, last;
	uint64_t flow;     /* bind_id of its outgoing flow, 0 for none */
	char args[ARGS_MAX];
};

struct thread_track {
	bool named;
	struct span span;
};

/* One connection's track. */
struct conn_track {
	uint64_t id;       /* 0: an empty slot (ids start at 1) */
	int tid;
	uint64_t start;    /* when its lifetime slice began */
	bool state_known;
	uint64_t since;    /* when the current state began */
	char state[32];    /* the current state's name */
};

struct exporter {
	FILE *out;
	struct export_stats *st;
	uint64_t pid;
	uint64_t last_ts;            /* the latest ts seen: where open slices end */
	struct thread_track *threads; /* [0] main, [1 + K] wK */
	size_t nthreads;
	struct conn_track *conns;    /* open addressing, linear probing, power-of-two size */
	size_t conn_slots, conn_used;
	bool failed;                 /* out of memory */
};

/* Writes one trace event object, comma-separated from the previous one. */
static void emit(struct exporter *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(struct exporter *x, const char *fmt, ...)
{
	va_list ap;

	fputs(x->st->written == 0 ? "[\n" : ",\n", x->out);
	va_start(ap, fmt);
	vfprintf(x->out, fmt, ap);
	va_end(ap);
	x->st->written++;
}

/* Formats ns as microseconds with three decimals (exact). */
static const char *us(char buf[32], uint64_t ns)
{
	snprintf(buf, 32, "%" PRIu64 ".%03u", ns / 1000, (unsigned)(ns % 1000));
	return buf;
}

/* Appends a JSON string of n bytes to buf at *at (cap bytes); false when it does not fit. */
static bool put_json_string(char *buf, size_t cap, size_t *at, const char *s, size_t n)
{
	size_t o = *at;

	if (o + 2 > cap)
		return false;
	buf[o++] = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\') {
			if (o + 2 > cap)
				return false;
			buf[o++] = '\\';
			buf[o++] = (char)ch;
		} else if (ch < 0x20 || ch >= 0x7f) {
			/* Bytes past ASCII are not known to be UTF-8: keep them as Latin-1 code points. */
			if (o + 6 > cap)
				return false;
			snprintf(buf + o, 7, "\\u%04x", ch);
			o += 6;
		} else {
			if (o + 1 > cap)
				return false;
			buf[o++] = (char)ch;
		}
	}
	if (o + 1 > cap)
		return false;
	buf[o++] = '"';
	*at = o;
	return true;
}

/* Appends raw text; false when it does not fit. */
static bool put_raw(char *buf, size_t cap, size_t *at, const char *s)
{
	size_t n = strlen(s);

	if (*at + n > cap)
		return false;
	memcpy(buf + *at, s, n);
	*at += n;
	return true;
}

/* Renders a line's seq and known keys as a JSON object (numbers as numbers) into buf. */
static void render_args(const struct event *e, char *buf, size_t cap)
{
	size_t at = 0;
	char num[32];

	snprintf(buf, cap, "{\"seq\":%" PRIu64, e->seq);
	at = strlen(buf);
	for (uint64_t bits = e->present; bits != 0; bits &= bits - 1) {
		enum wire_key key = (enum wire_key)__builtin_ctzll(bits);
		const char *name = wire_key_name(key);
		size_t mark = at;
		/* cap - 2 keeps room for the closing brace and the nul. */
		bool ok = put_raw(buf, cap - 2, &at, ",\"") && put_raw(buf, cap - 2, &at, name) &&
			  put_raw(buf, cap - 2, &at, "\":");

		if (ok && event_value_kind(e->ev, key) == EVENT_VAL_NUM) {
			snprintf(num, sizeof(num), "%" PRIu64, e->val[key].num);
			ok = put_raw(buf, cap - 2, &at, num);
		} else if (ok) {
			ok = put_json_string(buf, cap - 2, &at, e->val[key].s, e->val[key].len);
		}
		if (!ok) {
			at = mark; /* leave the key out whole */
			break;
		}
	}
	buf[at++] = '}';
	buf[at] = '\0';
}

/* Returns thread thr's place in the track table: main 0, the timeout thread 1, worker K K + 2. */
static size_t track_index(int thr)
{
	return thr == EVENT_THR_MAIN ? 0 : thr == EVENT_THR_TIMEOUT ? 1 : (size_t)thr + 2;
}

/* Returns the thread of track table place i. */
static int track_thr(size_t i)
{
	return i == 0 ? EVENT_THR_MAIN : i == 1 ? EVENT_THR_TIMEOUT : (int)i - 2;
}

/* Returns thread thr's track, growing the table; NULL when out of memory. */
static struct thread_track *thread_get(struct exporter *x, int thr)
{
	size_t i = track_index(thr);

	if (i >= x->nthreads) {
		size_t n = x->nthreads == 0 ? 8 : x->nthreads;
		struct thread_track *t;

		while (n <= i)
			n *= 2;
		t = realloc(x->threads, n * sizeof(*t));
		if (t == NULL) {
			x->failed = true;
			return NULL;
		}
		memset(t + x->nthreads, 0, (n - x->nthreads) * sizeof(*t));
		x->threads = t;
		x->nthreads = n;
	}
	return &x->threads[i];
}

/* Returns thr's tid in the output: main, the workers, then the timeout thread after any worker. */
static int tid_of(int thr)
{
	if (thr == EVENT_THR_TIMEOUT)
		return TID_MAIN + 2 + EVENT_WORKER_MAX;
	return thr == EVENT_THR_MAIN ? TID_MAIN : TID_MAIN + 1 + thr;
}

/* Names thread thr's track (once) and gives it its place in the list. */
static void thread_name(struct exporter *x, int thr)
{
	struct thread_track *t = thread_get(x, thr);
	char name[16];

	if (t == NULL || t->named)
		return;
	t->named = true;
	if (wire_thr_name(thr) != NULL)
		snprintf(name, sizeof(name), "%s", wire_thr_name(thr));
	else
		snprintf(name, sizeof(name), "w%d", thr);
	emit(x, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%" PRIu64 ",\"tid\":%d,"
		"\"args\":{\"name\":\"%s\"}}", x->pid, tid_of(thr), name);
	emit(x, "{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":%" PRIu64 ",\"tid\":%d,"
		"\"args\":{\"sort_index\":%d}}", x->pid, tid_of(thr), tid_of(thr));
}

/* Writes a slice of thread thr: an X of dur ns with args, and a flow end when flow is set. */
static void slice(struct exporter *x, int thr, const char *name, uint64_t ts, uint64_t dur,
		  const char *args, const char *flow_dir, uint64_t flow)
{
	char t[32], d[32], bind[64] = "";

	if (flow != 0)
		snprintf(bind, sizeof(bind), ",\"bind_id\":\"0x%" PRIx64 "\",\"%s\":true", flow,
			 flow_dir);
	emit(x, "{\"name\":\"%s\",\"cat\":\"mcscope\",\"ph\":\"X\",\"ts\":%s,\"dur\":%s,"
		"\"pid\":%" PRIu64 ",\"tid\":%d%s,\"args\":%s}",
	     name, us(t, ts), us(d, dur), x->pid, tid_of(thr), bind, args);
}

/* Writes an instant on thread thr; name is already a JSON string. */
static void instant(struct exporter *x, int thr, const char *json_name, uint64_t ts,
		    const char *args)
{
	char t[32];

	emit(x, "{\"name\":%s,\"cat\":\"mcscope\",\"ph\":\"i\",\"s\":\"t\",\"ts\":%s,"
		"\"pid\":%" PRIu64 ",\"tid\":%d,\"args\":%s}",
	     json_name, us(t, ts), x->pid, tid_of(thr), args);
}

/* Writes worker's CQ depth at ts on its counter track. */
static void counter(struct exporter *x, int worker, uint64_t ts, uint64_t depth)
{
	char t[32];

	if (worker < 0)
		return;
	emit(x, "{\"name\":\"CQ w%d\",\"cat\":\"mcscope\",\"ph\":\"C\",\"ts\":%s,"
		"\"pid\":%" PRIu64 ",\"tid\":%d,\"args\":{\"depth\":%" PRIu64 "}}",
	     worker, us(t, ts), x->pid, tid_of(worker), depth);
}

/* Writes thread thr's open span, ending at its last event. */
static void span_close(struct exporter *x, int thr, struct thread_track *t)
{
	struct span *s = &t->span;

	if (!s->open)
		return;
	slice(x, thr, look_of(s->ev).name, s->start, s->last - s->start, s->args, "flow_out",
	      s->flow);
	s->open = false;
}

/* True when ev is a step inside the span that opener began. */
static bool span_continues(int opener, int ev)
{
	if (opener == EVT_dispatch)
		return ev == EVT_cq_push || ev == EVT_notify_write;
	if (opener == EVT_notify_read)
		return ev == EVT_cq_pop || ev == EVT_conn_new;
	return false;
}

/* True when ev is the last step of opener's span. */
static bool span_ends(int opener, int ev)
{
	return (opener == EVT_dispatch && ev == EVT_notify_write) ||
	       (opener == EVT_notify_read && ev == EVT_conn_new);
}

/* Finds conn id's slot: its own, or the empty one where it would go. */
static struct conn_track *conn_slot(struct exporter *x, uint64_t id)
{
	size_t mask = x->conn_slots - 1;
	size_t i = (size_t)((id * 0x9e3779b97f4a7c15ull) >> 20) & mask;

	while (x->conns[i].id != 0 && x->conns[i].id != id)
		i = (i + 1) & mask;
	return &x->conns[i];
}

/* Returns conn id's track, or NULL when it has none. */
static struct conn_track *conn_find(struct exporter *x, uint64_t id)
{
	struct conn_track *c;

	if (x->conn_slots == 0 || id == 0)
		return NULL;
	c = conn_slot(x, id);
	return c->id == id ? c : NULL;
}

/* Doubles the table; false when out of memory. */
static bool conn_grow(struct exporter *x)
{
	size_t old_slots = x->conn_slots;
	struct conn_track *old = x->conns;
	size_t n = old_slots == 0 ? 64 : old_slots * 2;

	x->conns = calloc(n, sizeof(*x->conns));
	if (x->conns == NULL) {
		x->conns = old;
		x->failed = true;
		return false;
	}
	x->conn_slots = n;
	for (size_t i = 0; i < old_slots; i++)
		if (old[i].id != 0)
			*conn_slot(x, old[i].id) = old[i];
	free(old);
	return true;
}

/* Adds conn id; NULL when out of memory. */
static struct conn_track *conn_add(struct exporter *x, uint64_t id)
{
	struct conn_track *c;

	if ((x->conn_used + 1) * 2 > x->conn_slots && !conn_grow(x))
		return NULL;
	c = conn_slot(x, id);
	memset(c, 0, sizeof(*c));
	c->id = id;
	x->conn_used++;
	return c;
}

/* Removes c, moving later entries of its run back so that lookups need no tombstones. */
static void conn_remove(struct exporter *x, struct conn_track *c)
{
	size_t mask = x->conn_slots - 1;
	size_t hole = (size_t)(c - x->conns), i = hole;

	x->conns[hole].id = 0;
	x->conn_used--;
	for (;;) {
		size_t home;

		i = (i + 1) & mask;
		if (x->conns[i].id == 0)
			return;
		home = (size_t)((x->conns[i].id * 0x9e3779b97f4a7c15ull) >> 20) & mask;
		/* Move it into the hole unless its home lies cyclically in (hole, i]. */
		if ((i > hole && (home <= hole || home > i)) || (i < hole && home <= hole && home > i)) {
			x->conns[hole] = x->conns[i];
			x->conns[i].id = 0;
			hole = i;
		}
	}
}

/* Writes one async slice of conn c's track, from start to end. */
static void conn_slice(struct exporter *x, const struct conn_track *c, const char *json_name,
		       uint64_t start, uint64_t end)
{
	char t0[32], t1[32];

	emit(x, "{\"name\":%s,\"cat\":\"conn\",\"ph\":\"b\",\"id\":\"0x%" PRIx64 "\",\"ts\":%s,"
		"\"pid\":%" PRIu64 ",\"tid\":%d}", json_name, c->id, us(t0, start), x->pid, c->tid);
	emit(x, "{\"name\":%s,\"cat\":\"conn\",\"ph\":\"e\",\"id\":\"0x%" PRIx64 "\",\"ts\":%s,"
		"\"pid\":%" PRIu64 ",\"tid\":%d}", json_name, c->id, us(t1, end), x->pid, c->tid);
}

/* Writes a state's name as a JSON string into out. */
static void state_json(const char *state, char *out, size_t cap)
{
	size_t at = 0;

	if (!put_json_string(out, cap - 1, &at, state, strlen(state)))
		at = 0, put_raw(out, cap - 1, &at, "\"?\"");
	out[at] = '\0';
}

/* Ends c's current state slice at ts. */
static void conn_state_end(struct exporter *x, struct conn_track *c, uint64_t ts)
{
	char name[80];

	if (!c->state_known)
		return;
	state_json(c->state, name, sizeof(name));
	conn_slice(x, c, name, c->since, ts);
	c->state_known = false;
}

/* Begins state (n bytes) on c at ts. */
static void conn_state_begin(struct conn_track *c, const char *state, size_t n, uint64_t ts)
{
	if (n >= sizeof(c->state))
		n = sizeof(c->state) - 1;
	memcpy(c->state, state, n);
	c->state[n] = '\0';
	c->state_known = true;
	c->since = ts;
}

/*
 * Opens conn id's lifetime on thread thr at ts, unless it is open already:
 * snapshot lines and the live events they already reflect may both come,
 * so every step here is idempotent.
 */
static struct conn_track *conn_open(struct exporter *x, uint64_t id, int thr, uint64_t ts)
{
	struct conn_track *c = conn_find(x, id);
	char name[48], t[32];

	if (c != NULL || id == 0)
		return c;
	c = conn_add(x, id);
	if (c == NULL)
		return NULL;
	c->tid = tid_of(thr);
	c->start = ts;
	/* The lifetime's b goes out now, before any state's, so equal timestamps keep the nesting. */
	snprintf(name, sizeof(name), "\"conn %" PRIu64 "\"", id);
	emit(x, "{\"name\":%s,\"cat\":\"conn\",\"ph\":\"b\",\"id\":\"0x%" PRIx64 "\",\"ts\":%s,"
		"\"pid\":%" PRIu64 ",\"tid\":%d}", name, id, us(t, ts), x->pid, c->tid);
	return c;
}

/* Ends c's current state and its lifetime at ts and forgets it. */
static void conn_finish(struct exporter *x, struct conn_track *c, uint64_t ts)
{
	char name[48], t[32];

	if (ts < c->since)
		ts = c->since;
	if (ts < c->start)
		ts = c->start;
	conn_state_end(x, c, ts);
	snprintf(name, sizeof(name), "\"conn %" PRIu64 "\"", c->id);
	emit(x, "{\"name\":%s,\"cat\":\"conn\",\"ph\":\"e\",\"id\":\"0x%" PRIx64 "\",\"ts\":%s,"
		"\"pid\":%" PRIu64 ",\"tid\":%d}", name, c->id, us(t, ts), x->pid, c->tid);
	conn_remove(x, c);
}

/* Updates the connection tracks for one event. */
static void conn_update(struct exporter *x, const struct event *e)
{
	uint64_t id = event_num(e, KEY_conn, 0);
	struct conn_track *c = conn_find(x, id);
	const struct event_value *v;

	switch (e->ev) {
	case EVT_snapshot_conn:
	case EVT_conn_new:
		c = conn_open(x, id, e->thr, e->ts);
		v = event_get(e, KEY_state);
		if (c != NULL && !c->state_known && v != NULL)
			conn_state_begin(c, v->s, v->len, e->ts);
		break;
	case EVT_state:
		if (c == NULL) {
			/* Its start was before the recording or dropped: begin it here. */
			c = conn_open(x, id, e->thr, e->ts);
			if (c == NULL)
				break;
		}
		/* A change the snapshot already showed comes with an older ts: nothing new. */
		if (c->state_known && e->ts < c->since)
			break;
		v = event_get(e, KEY_to);
		if (v == NULL)
			break;
		if (!c->state_known) {
			/* The state it had since conn_new is the first change's from=. */
			const struct event_value *from = event_get(e, KEY_from);
			if (from != NULL && e->ts > c->start) {
				conn_state_begin(c, from->s, from->len, c->start);
			}
		}
		if (c->state_known && v->len == strlen(c->state) &&
		    memcmp(v->s, c->state, v->len) == 0)
			break;
		conn_state_end(x, c, e->ts);
		conn_state_begin(c, v->s, v->len, e->ts);
		break;
	case EVT_conn_close:
		if (c != NULL && e->ts >= c->start)
			conn_finish(x, c, e->ts);
		break;
	default:
		break;
	}
}

/* Converts one event line. */
static void convert(struct exporter *x, const struct event *e)
{
	struct thread_track *t;
	char args[ARGS_MAX];
	struct event_look look;
	int to;

	if (e->ts > x->last_ts)
		x->last_ts = e->ts;
	thread_name(x, e->thr);
	t = thread_get(x, e->thr);
	if (t == NULL)
		return;
	render_args(e, args, sizeof(args));

	if (e->ev == EVENT_UNKNOWN) {
		char name[160];
		size_t at = 0;
		if (!put_json_string(name, sizeof(name) - 1, &at, e->ev_name, e->ev_len))
			at = 0, put_raw(name, sizeof(name) - 1, &at, "\"unknown\"");
		name[at] = '\0';
		span_close(x, e->thr, t);
		instant(x, e->thr, name, e->ts, args);
		return;
	}

	/* A span ends before anything that is not one of its steps (its end is its last step). */
	if (t->span.open && !span_continues(t->span.ev, e->ev))
		span_close(x, e->thr, t);

	look = look_of(e->ev);
	if (e->ev == EVT_dispatch || e->ev == EVT_notify_read) {
		struct span *s = &t->span;
		s->open = true;
		s->ev = e->ev;
		s->start = s->last = e->ts;
		/* The connection id names the flow: unique, and the same on both ends. */
		s->flow = e->ev == EVT_dispatch ? event_num(e, KEY_conn, 0) : 0;
		memcpy(s->args, args, sizeof(args));
	} else if (look.show == SHOW_SLICE) {
		uint64_t flow = e->ev == EVT_cq_pop ? event_num(e, KEY_conn, 0) : 0;
		slice(x, e->thr, look.name, e->ts, 0, args, "flow_in", flow);
	} else if (look.show == SHOW_INSTANT) {
		char name[64];
		snprintf(name, sizeof(name), "\"%s\"", look.name);
		instant(x, e->thr, name, e->ts, args);
	}
	if (t->span.open && span_continues(t->span.ev, e->ev) && e->ts >= t->span.start) {
		t->span.last = e->ts;
		if (span_ends(t->span.ev, e->ev))
			span_close(x, e->thr, t);
	}

	switch (e->ev) {
	case EVT_cq_push:
		to = event_idx(e, KEY_to, EVENT_THR_NONE);
		if (event_has(e, KEY_depth))
			counter(x, to, e->ts, event_num(e, KEY_depth, 0));
		break;
	case EVT_cq_pop:
	case EVT_snapshot_worker:
		if (event_has(e, KEY_depth))
			counter(x, e->thr, e->ts, event_num(e, KEY_depth, 0));
		break;
	default:
		break;
	}
	conn_update(x, e);
}

/* Writes the process and main-thread names and a track name for every worker the hello announces. */
static void start(struct exporter *x, const struct event *hello)
{
	uint64_t threads = event_num(hello, KEY_threads, 0);

	x->pid = event_num(hello, KEY_pid, 0);
	if (x->pid == 0 || x->pid > INT32_MAX)
		x->pid = PID_FALLBACK;
	emit(x, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%" PRIu64 ",\"tid\":%d,"
		"\"args\":{\"name\":\"mcscoped (pid %" PRIu64 ")\"}}",
	     x->pid, TID_MAIN, event_num(hello, KEY_pid, 0));
	thread_name(x, EVENT_THR_MAIN);
	/* event_parse keeps threads= within WIRE_THREADS_MAX. */
	for (uint64_t k = 0; k < threads; k++)
		thread_name(x, (int)k);
}

/* Ends everything still open at the last timestamp of the trace. */
static void finish(struct exporter *x)
{
	for (size_t i = 0; i < x->nthreads; i++)
		if (x->threads[i].span.open)
			span_close(x, track_thr(i), &x->threads[i]);
	/* Removal moves entries back, possibly behind the scan: sweep until none is left. */
	while (x->conn_used > 0)
		for (size_t i = 0; i < x->conn_slots; i++)
			while (x->conns[i].id != 0)
				conn_finish(x, &x->conns[i], x->last_ts);
}

/* Converts a whole trace. */
int export_perfetto(FILE *in, const char *in_name, FILE *(*open_out)(void *arg), void *arg,
		    struct export_stats *st)
{
	struct exporter x = { .st = st };
	struct trace_reader *rd = malloc(sizeof(*rd));
	enum trace_read got;
	bool stopped = false;
	int rc = EXPORT_FAILED;

	memset(st, 0, sizeof(*st));
	if (rd == NULL) {
		diag_error("out of memory");
		return EXPORT_FAILED;
	}
	trace_reader_init(rd, in, in_name);
	while ((got = trace_reader_next(rd)) == TRACE_READ_LINE) {
		const struct event *e = &rd->event;

		if (stopped || rd->status != EVENT_LINE) {
			/* Answers, and everything after a second hello; malformed lines are the reader's count. */
			st->ignored += rd->status >= 0;
			continue;
		}
		if (x.out == NULL) {
			/* The reader has checked that the first line is a hello. */
			x.out = open_out(arg);
			if (x.out == NULL)
				goto cleanup;
			start(&x, e);
		} else if (e->ev == EVT_hello) {
			/* Another server run: its ids and clock start over, so it cannot share tracks. */
			diag_error("%s: line %" PRIu64 " starts a second server run; only the first is "
				   "exported", in_name, rd->counts.lines);
			stopped = true;
			st->ignored++;
			continue;
		}
		if (e->ev == EVENT_UNKNOWN)
			st->unknown++;
		st->events++;
		convert(&x, e);
		if (x.failed)
			break;
	}
	st->counts = rd->counts;
	if (got == TRACE_READ_NOT_TRACE || got == TRACE_READ_UNREADABLE) {
		rc = got == TRACE_READ_NOT_TRACE ? EXPORT_NOT_TRACE : EXPORT_UNREADABLE;
		goto cleanup;
	}
	if (x.failed) {
		diag_error("out of memory");
		goto cleanup;
	}
	finish(&x);
	fputs("\n]\n", x.out);
	if (fflush(x.out) != 0 || ferror(x.out)) {
		diag_error("writing the JSON: %s", strerror(errno));
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(rd);
	free(x.threads);
	free(x.conns);
	return rc;
}
