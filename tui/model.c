/*
 * model.c: the dashboard's picture of a server, kept from event lines.
 *
 * Counting rules, so that panels can rely on them:
 * - A connection exists from its dispatch on. per_state counts every
 *   connection of a worker that is not closed, queued ones included, by its
 *   state; open counts those a worker has taken (conn_new, the snapshot, or
 *   any worker event naming it).
 * - Every change of a connection's state, worker or closedness goes through
 *   conn_uncount/conn_count, so per_state follows the conns whatever the
 *   events say their previous state was: a live event that repeats what
 *   the snapshot showed changes nothing.
 * - Unknown events and control answers are not counted in events.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "model_index.h"
#include "model_sentence.h"

#define CONNS_MIN_CAP 64

/* Creates a model. */
struct model *model_create(void)
{
	struct model *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->log = calloc(MODEL_LOG_LINES, sizeof(*m->log));
	m->index = model_index_create();
	m->fd_index = model_index_create();
	if (m->log == NULL || m->index == NULL || m->fd_index == NULL) {
		model_destroy(m);
		return NULL;
	}
	m->status = MODEL_CONNECTING;
	m->last_worker = EVENT_THR_NONE;
	m->next_worker = EVENT_THR_NONE;
	m->timeout.last_to = EVENT_THR_NONE;
	return m;
}

/* Frees a model. */
void model_destroy(struct model *m)
{
	if (m == NULL)
		return;
	model_index_destroy(m->index);
	model_index_destroy(m->fd_index);
	free(m->conns);
	free(m->select_buf);
	free(m->log);
	free(m);
}

/* What a model owns on the heap: kept across a reset or a copy, never shared. */
struct model_buffers {
	struct model_conn *conns;
	size_t conns_cap;
	const struct model_conn **select_buf;
	void *index, *fd_index;
	struct model_log_line *log;
};

/* Takes m's buffers out (before m is overwritten). */
static struct model_buffers buffers_of(const struct model *m)
{
	return (struct model_buffers){ m->conns, m->conns_cap, m->select_buf, m->index, m->fd_index,
				       m->log };
}

/* Counts the bytes a model holds. */
size_t model_bytes(const struct model *m)
{
	return sizeof(*m) + MODEL_LOG_LINES * sizeof(*m->log) +
	       m->conns_cap * (sizeof(*m->conns) + sizeof(*m->select_buf)) +
	       model_index_bytes(m->index) + model_index_bytes(m->fd_index);
}

/* Gives m its buffers back. */
static void buffers_restore(struct model *m, const struct model_buffers *b)
{
	m->conns = b->conns;
	m->conns_cap = b->conns_cap;
	m->select_buf = b->select_buf;
	m->index = b->index;
	m->fd_index = b->fd_index;
	m->log = b->log;
}

/* Clears what came from the server; keeps buffers, the status and the tick clock. */
void model_reset(struct model *m)
{
	enum model_status status = m->status;
	struct model_buffers b = buffers_of(m);
	uint64_t tick_ns = m->tick_ns;

	memset(m, 0, sizeof(*m));
	buffers_restore(m, &b);
	/* Live no more until the next hello; a replay stays a replay. */
	m->status = status == MODEL_LIVE ? MODEL_RECONNECTING : status;
	m->tick_ns = tick_ns;
	m->last_worker = EVENT_THR_NONE;
	m->next_worker = EVENT_THR_NONE;
	m->timeout.last_to = EVENT_THR_NONE;
	model_index_clear(m->index);
	model_index_clear(m->fd_index);
}

/* Rebuilds both indexes from the conn array (positions moved); false when out of memory. */
static bool rebuild_indexes(struct model *m)
{
	model_index_clear(m->index);
	model_index_clear(m->fd_index);
	for (size_t i = 0; i < m->nconns; i++) {
		const struct model_conn *c = &m->conns[i];
		if (!model_index_put(m->index, c->id, i))
			return false;
		if (c->fd >= 0 && !c->udp && !c->closed &&
		    !model_index_put(m->fd_index, (uint64_t)c->fd, i))
			return false;
	}
	return true;
}

/* Makes dst the same picture as src, into dst's own buffers; false when out of memory. */
bool model_copy(struct model *dst, const struct model *src)
{
	struct model_buffers b = buffers_of(dst);

	if (b.conns_cap < src->nconns) {
		struct model_conn *conns = realloc(b.conns, src->conns_cap * sizeof(*conns));
		if (conns == NULL)
			return false;
		dst->conns = b.conns = conns;
		const struct model_conn **sel = realloc(b.select_buf, src->conns_cap * sizeof(*sel));
		if (sel == NULL)
			return false;
		dst->select_buf = b.select_buf = sel;
		dst->conns_cap = b.conns_cap = src->conns_cap;
	}
	memcpy(dst, src, sizeof(*dst));
	buffers_restore(dst, &b);
	if (src->nconns > 0)
		memcpy(dst->conns, src->conns, src->nconns * sizeof(*dst->conns));
	memcpy(dst->log, src->log, MODEL_LOG_LINES * sizeof(*dst->log));
	/* The indexes hold positions only, so they are rebuilt rather than copied. */
	return rebuild_indexes(dst);
}

/* Returns worker thr's slot, or NULL for main, none, or a worker beyond what the model keeps. */
static struct model_worker *worker_at(struct model *m, int thr)
{
	return thr >= 0 && thr < MODEL_MAX_WORKERS ? &m->workers[thr] : NULL;
}

/* Returns a policy's number, or -1 for a name this build does not know. */
static int policy_of(const struct event *e)
{
	const struct event_value *v = event_get(e, KEY_dispatch);

	return v != NULL ? wire_policy_from_name(v->s, v->len) : -1;
}

/* Finds a connection for changing. */
static struct model_conn *conn_find(struct model *m, uint64_t id)
{
	size_t pos;

	return model_index_get(m->index, id, &pos) ? &m->conns[pos] : NULL;
}

/* Returns the connection with that id. */
const struct model_conn *model_conn_find(const struct model *m, uint64_t id)
{
	size_t pos;

	return model_index_get(m->index, id, &pos) ? &m->conns[pos] : NULL;
}

/* Takes a connection out of its worker's per_state. */
static void conn_uncount(struct model *m, const struct model_conn *c)
{
	struct model_worker *w = worker_at(m, c->worker);

	if (w != NULL && !c->closed && c->state >= 0 && c->state < conn_max_state &&
	    w->per_state[c->state] > 0)
		w->per_state[c->state]--;
}

/* Puts a connection into its worker's per_state. */
static void conn_count(struct model *m, const struct model_conn *c)
{
	struct model_worker *w = worker_at(m, c->worker);

	if (w != NULL && !c->closed && c->state >= 0 && c->state < conn_max_state)
		w->per_state[c->state]++;
}

/* Appends a state to the path, dropping the oldest when full. */
static void path_push(struct model_conn *c, int state)
{
	if (c->path_len == MODEL_PATH_LEN) {
		memmove(c->path, c->path + 1, MODEL_PATH_LEN - 1);
		c->path_len--;
	}
	c->path[c->path_len++] = (uint8_t)state;
}

/* Moves a connection to a state (and worker); a repeat of the present state changes nothing. */
static void conn_set(struct model *m, struct model_conn *c, int worker, int state, uint64_t ts)
{
	if (state < 0 || state >= conn_max_state)
		state = c->state; /* a state this build lacks: keep what is known */
	if (state == c->state && worker == c->worker)
		return;
	conn_uncount(m, c);
	c->worker = worker;
	if (state != c->state) {
		c->state = state;
		c->state_since = ts;
		path_push(c, state);
	}
	conn_count(m, c);
}

/* Makes room for one more connection; false when out of memory. */
static bool conns_reserve(struct model *m)
{
	size_t cap;
	struct model_conn *conns;
	const struct model_conn **sel;

	if (m->nconns < m->conns_cap)
		return true;
	cap = m->conns_cap ? m->conns_cap * 2 : CONNS_MIN_CAP;
	conns = realloc(m->conns, cap * sizeof(*conns));
	if (conns == NULL)
		return false;
	m->conns = conns;
	/* The select scratch grows here, so selecting never allocates. */
	sel = realloc(m->select_buf, cap * sizeof(*sel));
	if (sel == NULL)
		return false;
	m->select_buf = sel;
	m->conns_cap = cap;
	return true;
}

/* Returns the connection, made on worker in state when new; NULL when out of memory. */
static struct model_conn *conn_get(struct model *m, uint64_t id, int worker, int state,
				   uint64_t ts, bool *created)
{
	struct model_conn *c = conn_find(m, id);

	*created = false;
	if (c != NULL)
		return c;
	if (!conns_reserve(m) || !model_index_put(m->index, id, m->nconns))
		return NULL;
	c = &m->conns[m->nconns++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->fd = -1;
	c->worker = worker;
	c->state = state >= 0 && state < conn_max_state ? state : conn_new_cmd;
	c->state_since = ts;
	path_push(c, c->state);
	conn_count(m, c);
	*created = true;
	return c;
}

/* Marks a connection as taken by its worker, counting it in open once. */
static void conn_open(struct model *m, struct model_conn *c)
{
	struct model_worker *w = worker_at(m, c->worker);

	if (c->opened || c->closed)
		return;
	c->opened = true;
	if (w != NULL)
		w->open++;
}

/* Marks a connection closed (once), taking it out of its worker's counts. */
static void conn_mark_closed(struct model *m, struct model_conn *c, uint64_t ts)
{
	struct model_worker *w = worker_at(m, c->worker);

	if (c->closed)
		return;
	conn_uncount(m, c);
	c->closed = true;
	c->closed_at = ts;
	c->closed_no = ++m->closes;
	m->nclosed++;
	if (c->opened && w != NULL && w->open > 0)
		w->open--;
}

/*
 * Records that c holds its fd. The server closes an fd before the kernel
 * hands it out again, so an open TCP conn listed with the same fd was
 * closed even though its conn_close never came (dropped): close it here,
 * or it would stay listed, and counted, for ever.
 */
static void conn_claim_fd(struct model *m, struct model_conn *c, uint64_t ts)
{
	size_t pos, self = (size_t)(c - m->conns);

	if (c->fd < 0 || c->udp || c->closed)
		return;
	if (model_index_get(m->fd_index, (uint64_t)c->fd, &pos) && pos != self && pos < m->nconns &&
	    m->conns[pos].fd == c->fd && !m->conns[pos].udp)
		conn_mark_closed(m, &m->conns[pos], ts);
	model_index_put(m->fd_index, (uint64_t)c->fd, self);
}

/* Reads transport=. */
static void conn_transport(struct model_conn *c, const struct event *e)
{
	if (event_has(e, KEY_transport))
		c->udp = event_str_eq(e, KEY_transport, "udp");
}

/* Reads fd=. */
static void conn_fd(struct model_conn *c, const struct event *e)
{
	if (event_has(e, KEY_fd))
		c->fd = (int)event_num(e, KEY_fd, 0);
}

/* Returns the connection a worker's event names, taking it onto that worker; NULL without conn=. */
static struct model_conn *worker_conn(struct model *m, const struct event *e, int state)
{
	bool created;
	struct model_conn *c;

	if (!event_has(e, KEY_conn) || e->thr < 0)
		return NULL;
	c = conn_get(m, event_num(e, KEY_conn, 0), e->thr, state, e->ts, &created);
	if (c == NULL || c->closed)
		return c;
	if (c->worker != e->thr) {
		/* The worker that acts on a connection owns it, whatever an older line said. */
		if (c->opened && worker_at(m, c->worker) != NULL && m->workers[c->worker].open > 0)
			m->workers[c->worker].open--;
		c->opened = false;
		conn_set(m, c, e->thr, c->state, e->ts);
	}
	conn_open(m, c);
	return c;
}

/* hello: who the server is. */
static void apply_hello(struct model *m, const struct event *e)
{
	int nworkers = (int)event_num(e, KEY_threads, 0);
	int policy = policy_of(e);

	m->pid = (int)event_num(e, KEY_pid, 0);
	m->tcp_port = (int)event_num(e, KEY_tcp, 0);
	m->udp_port = (int)event_num(e, KEY_udp, 0);
	m->maxconns = (int)event_num(e, KEY_maxconns, 0);
	m->timeout.idle_timeout = (int)event_num(e, KEY_idle_timeout, 0);
	m->nworkers = nworkers > MODEL_MAX_WORKERS ? MODEL_MAX_WORKERS : nworkers;
	if (policy >= 0)
		m->policy = policy;
	/* memcached's last_thread starts at -1, so round robin begins at worker 0. */
	m->last_worker = EVENT_THR_NONE;
	m->next_worker = m->nworkers > 0 ? 0 : EVENT_THR_NONE;
	if (m->status != MODEL_REPLAY)
		m->status = MODEL_LIVE;
}

/* snapshot_worker: a worker's counters as they stand. */
static void apply_snapshot_worker(struct model *m, const struct event *e)
{
	struct model_worker *w = worker_at(m, e->thr);

	if (w == NULL)
		return;
	w->cq_depth = (unsigned)event_num(e, KEY_depth, w->cq_depth);
	w->cq_max_depth = (unsigned)event_num(e, KEY_max_depth, w->cq_max_depth);
	if (w->cq_max_depth < w->cq_depth)
		w->cq_max_depth = w->cq_depth;
	w->open = (unsigned)event_num(e, KEY_open, w->open);
	w->dispatched = event_num(e, KEY_dispatched, w->dispatched);
	w->pending_notify = event_num(e, KEY_pending, w->pending_notify);
	w->delay_ms = (unsigned)event_num(e, KEY_delay, w->delay_ms);
}

/* snapshot_conn: a connection as it stands; already in its worker's open= count. */
static void apply_snapshot_conn(struct model *m, const struct event *e)
{
	int state = event_idx(e, KEY_state, EVENT_STATE_UNKNOWN);
	bool created;
	struct model_conn *c;

	if (!event_has(e, KEY_conn))
		return;
	c = conn_get(m, event_num(e, KEY_conn, 0), e->thr, state, e->ts, &created);
	if (c == NULL)
		return;
	if (c->closed) {
		/* Ids are never reused: a listed connection is open after all. */
		c->closed = false;
		c->closed_at = 0;
		m->nclosed--;
		conn_count(m, c);
	}
	conn_set(m, c, e->thr, state, e->ts);
	conn_fd(c, e);
	conn_transport(c, e);
	conn_claim_fd(m, c, e->ts);
	c->opened = true;
}

/* dispatch: main hands a new connection to a worker. */
static void apply_dispatch(struct model *m, const struct event *e)
{
	int to = event_idx(e, KEY_to, EVENT_THR_NONE);
	int policy = policy_of(e);
	struct model_worker *w = worker_at(m, to);
	struct model_dispatch *d;
	struct model_conn *c;
	bool created;

	if (w == NULL)
		return;
	m->last_worker = to;
	m->next_worker = m->nworkers > 0 ? (to + 1) % m->nworkers : EVENT_THR_NONE;
	if (policy >= 0)
		m->policy = policy;
	if (!event_has(e, KEY_conn))
		return;
	c = conn_get(m, event_num(e, KEY_conn, 0), to,
		     event_idx(e, KEY_init, EVENT_STATE_UNKNOWN), e->ts, &created);
	if (c == NULL || !created)
		return; /* a dispatch the snapshot already showed: counted once */
	conn_fd(c, e);
	conn_transport(c, e);
	conn_claim_fd(m, c, e->ts);
	w->dispatched++;
	d = &m->recent[m->recent_pos];
	d->conn = c->id;
	d->to = to;
	d->ts = e->ts;
	m->recent_pos = (m->recent_pos + 1) % MODEL_RECENT_DISPATCHES;
	if (m->recent_len < MODEL_RECENT_DISPATCHES)
		m->recent_len++;
}

/* cq_push and cq_pop: the depth after the operation is absolute. */
static void apply_depth(struct model_worker *w, const struct event *e)
{
	if (w == NULL || !event_has(e, KEY_depth))
		return;
	w->cq_depth = (unsigned)event_num(e, KEY_depth, 0);
	if (w->cq_depth > w->cq_max_depth)
		w->cq_max_depth = w->cq_depth;
}

/* state: conn_set_state on a worker. */
static void apply_state(struct model *m, const struct event *e)
{
	int from = event_idx(e, KEY_from, EVENT_STATE_UNKNOWN);
	int to = event_idx(e, KEY_to, EVENT_STATE_UNKNOWN);
	struct model_conn *c = worker_conn(m, e, from >= 0 ? from : to);

	if (c == NULL)
		return;
	if (from < 0)
		from = c->state;
	conn_set(m, c, c->worker, to, e->ts);
	if (from >= 0 && from < conn_max_state && to >= 0 && to < conn_max_state) {
		m->transitions[from][to]++;
		m->transition_at[from][to] = e->ts;
		if (wire_transition_find(from, to) < 0)
			m->unlisted_transitions++;
	}
}

/* cmd: process_command. */
static void apply_cmd(struct model *m, const struct event *e)
{
	struct model_conn *c = worker_conn(m, e, EVENT_STATE_UNKNOWN);
	const struct event_value *verb = event_get(e, KEY_verb);
	size_t n;

	if (c == NULL)
		return;
	c->cmds++;
	if (verb != NULL) {
		n = verb->len < sizeof(c->last_verb) - 1 ? verb->len : sizeof(c->last_verb) - 1;
		memcpy(c->last_verb, verb->s, n);
		c->last_verb[n] = '\0';
	}
}

/* conn_close: the connection is gone; it stays listed until it ages out. */
static void apply_conn_close(struct model *m, const struct event *e)
{
	struct model_conn *c;

	if (!event_has(e, KEY_conn))
		return;
	if (event_str_eq(e, KEY_reason, "idle"))
		m->timeout.closed++;
	c = conn_find(m, event_num(e, KEY_conn, 0));
	if (c != NULL)
		conn_mark_closed(m, c, e->ts);
}

/* notify_write from the timeout thread: a kick, 't' and an fd to a worker. */
static void apply_kick(struct model *m, const struct event *e)
{
	m->timeout.kicks++;
	m->timeout.last_to = event_idx(e, KEY_to, EVENT_THR_NONE);
	m->timeout.last_fd = (int)event_num(e, KEY_fd, 0);
	m->timeout.last_ts = e->ts;
}

/* gate and paused-at-a-breakpoint: says what the stopped thread does next. */
static void set_next_step(struct model *m, const struct event *e)
{
	model_sentence_render(e, "next: {thr} will {at:fn}{?conn: conn {conn}}", m->next_step,
			      sizeof(m->next_step));
}

/* Returns the gate record of thread thr (main or a worker the model keeps), or NULL. */
static struct model_gate *gate_of(struct model *m, int thr)
{
	struct model_worker *w = worker_at(m, thr);

	if (thr == EVENT_THR_MAIN)
		return &m->main_gate;
	return w != NULL ? &w->gate : NULL;
}

/* gate: the thread waits before at=; a step of its own would let it do that. */
static void gate_wait(struct model *m, const struct event *e)
{
	struct model_gate *g = gate_of(m, e->thr);
	const struct event_value *at = event_get(e, KEY_at);

	if (g == NULL)
		return;
	g->waiting = true;
	g->at = at != NULL ? wire_event_from_name(at->s, at->len) : EVENT_UNKNOWN;
}

/* resumed: every thread runs on but a frozen worker, which stays at its gate. */
static void gates_open(struct model *m)
{
	m->main_gate.waiting = false;
	for (int i = 0; i < MODEL_MAX_WORKERS; i++)
		m->workers[i].gate.waiting &= m->workers[i].at_gate;
}

/* Appends the event's sentence to the log ring. */
static void log_push(struct model *m, const struct event *e)
{
	struct model_log_line *l = &m->log[m->log_pos];

	l->seq = e->seq;
	l->ts = e->ts;
	l->thr = e->thr;
	l->ev = e->ev;
	model_sentence(e, l->text, sizeof(l->text));
	m->log_pos = (m->log_pos + 1) % MODEL_LOG_LINES;
	if (m->log_len < MODEL_LOG_LINES)
		m->log_len++;
}

/* True for what a server thread did (each one a step), as opposed to the stream's own lines. */
static bool is_thread_event(int ev)
{
	return wire_event_spec(ev)->cls == WIRE_STEP;
}

/* Applies one known event to the state. */
static void apply_event(struct model *m, const struct event *e)
{
	struct model_worker *self = worker_at(m, e->thr);
	struct model_conn *c;

	switch (e->ev) {
	case EVT_hello:
		apply_hello(m, e);
		break;
	case EVT_snapshot_worker:
		apply_snapshot_worker(m, e);
		break;
	case EVT_snapshot_conn:
		apply_snapshot_conn(m, e);
		break;
	case EVT_snapshot_end:
		m->last_worker = event_idx(e, KEY_last, m->last_worker);
		m->next_worker = event_idx(e, KEY_next, m->next_worker);
		break;
	case EVT_dispatch:
		apply_dispatch(m, e);
		break;
	case EVT_cq_push:
		apply_depth(worker_at(m, event_idx(e, KEY_to, EVENT_THR_NONE)), e);
		break;
	case EVT_cq_pop:
		apply_depth(self, e);
		break;
	case EVT_notify_write: {
		struct model_worker *w = worker_at(m, event_idx(e, KEY_to, EVENT_THR_NONE));
		if (w != NULL)
			w->pending_notify++;
		if (e->thr == EVENT_THR_TIMEOUT)
			apply_kick(m, e);
		break;
	}
	case EVT_notify_read:
		if (self != NULL && self->pending_notify > 0)
			self->pending_notify--;
		break;
	case EVT_conn_new:
		c = worker_conn(m, e, EVENT_STATE_UNKNOWN);
		if (c != NULL) {
			conn_fd(c, e);
			conn_transport(c, e);
			conn_claim_fd(m, c, e->ts);
		}
		break;
	case EVT_state:
		apply_state(m, e);
		break;
	case EVT_cmd:
		apply_cmd(m, e);
		break;
	case EVT_conn_close:
		apply_conn_close(m, e);
		break;
	case EVT_policy:
		m->policy = policy_of(e) >= 0 ? policy_of(e) : m->policy;
		break;
	case EVT_delay: {
		struct model_worker *w = worker_at(m, event_idx(e, KEY_to, EVENT_THR_NONE));
		if (w != NULL)
			w->delay_ms = (unsigned)event_num(e, KEY_ms, 0);
		break;
	}
	case EVT_dropped:
		m->dropped += event_num(e, KEY_count, 0);
		break;
	case EVT_accept_pause: {
		const struct event_value *why = event_get(e, KEY_reason);
		snprintf(m->accept_paused, sizeof(m->accept_paused), "%.*s",
			 why != NULL ? (int)why->len : 1, why != NULL ? why->s : "?");
		break;
	}
	case EVT_accept_resume:
		m->accept_paused[0] = '\0';
		break;
	case EVT_paused:
		m->paused = true;
		if (event_has(e, KEY_at))
			set_next_step(m, e);
		break;
	case EVT_resumed:
		m->paused = false;
		m->next_step[0] = '\0';
		gates_open(m);
		break;
	case EVT_gate:
		set_next_step(m, e);
		gate_wait(m, e);
		/* A thread waiting at a gate while nothing is paused has been frozen. */
		if (self != NULL && !m->paused)
			self->at_gate = true;
		break;
	default:
		/* thread_ready, listen, accept, yield: the log tells them. */
		break;
	}
	/* A step of its own: the thread has left its gate (the stream's lines may be the publisher's). */
	if (is_thread_event(e->ev) && gate_of(m, e->thr) != NULL)
		gate_of(m, e->thr)->waiting = false;
	/* A worker that did something has been thawed; snapshot and dropped lines are not its doing. */
	if (self != NULL && e->ev != EVT_gate && e->ev != EVT_snapshot_worker &&
	    e->ev != EVT_snapshot_conn && e->ev != EVT_dropped)
		self->at_gate = false;
}

/* True when a closed connection is no longer listed: too long ago, or too many closes ago. */
static bool conn_expired(const struct model *m, const struct model_conn *c)
{
	return c->closed &&
	       ((m->last_ts > c->closed_at && m->last_ts - c->closed_at > MODEL_CLOSED_KEEP_NS) ||
		m->closes - c->closed_no >= MODEL_CLOSED_MAX);
}

/* Drops expired closed connections, keeping the array dense. */
static void conns_age_out(struct model *m)
{
	size_t keep = 0;

	for (size_t i = 0; i < m->nconns; i++) {
		const struct model_conn *c = &m->conns[i];
		if (conn_expired(m, c)) {
			m->nclosed--;
			continue;
		}
		if (keep != i)
			m->conns[keep] = *c;
		keep++;
	}
	if (keep == m->nconns)
		return;
	m->nconns = keep;
	/* Positions moved: rebuild rather than patch; the tables keep their size, so no allocation. */
	rebuild_indexes(m);
}

/* Applies one parsed line. */
void model_apply(struct model *m, const struct event *e)
{
	if (e->ev < 0 || e->ev >= EVT_MAX)
		return;
	/* A hello on a model that has heard from a server is a reconnect nobody reset for. */
	if (e->ev == EVT_hello && m->events > 0)
		model_reset(m);
	apply_event(m, e);
	if (m->events++ == 0)
		m->first_ts = e->ts;
	if (is_thread_event(e->ev))
		m->thread_events++;
	if (e->ts > m->last_ts)
		m->last_ts = e->ts;
	log_push(m, e);
	/* Bounded between frames too: at twice the closed connections kept, drop the older half. */
	if (m->nclosed > 2 * MODEL_CLOSED_MAX)
		conns_age_out(m);
}

/* Counts or applies one parsed line. */
void model_take(struct model *m, enum event_status st, const struct event *e)
{
	if (st < 0)
		m->malformed++;
	else if (st == EVENT_LINE)
		model_apply(m, e);
}

/* Parses and applies one line. */
enum event_status model_feed(struct model *m, const char *line, size_t len)
{
	struct event e;
	/* nworkers is the last hello's threads= (event_parse keeps it within MODEL_MAX_WORKERS). */
	enum event_status st = event_parse_in(line, len, (unsigned)m->nworkers, &e);

	model_take(m, st, &e);
	return st;
}

/*
 * Counts each worker's open connections from the list. A snapshot is read
 * while the threads run, so a worker's open= can already include a conn
 * whose conn_new follows it; counting the list keeps the two in step.
 */
static void recount_open(struct model *m)
{
	for (int i = 0; i < m->nworkers; i++)
		m->workers[i].open = 0;
	for (size_t i = 0; i < m->nconns; i++) {
		const struct model_conn *c = &m->conns[i];
		if (c->opened && !c->closed && c->worker >= 0 && c->worker < m->nworkers)
			m->workers[c->worker].open++;
	}
}

/* Once per frame. */
void model_tick(struct model *m, uint64_t now_ns)
{
	for (int i = 0; i < m->nworkers; i++) {
		struct model_worker *w = &m->workers[i];
		w->depth_history[w->depth_history_pos] =
			(uint16_t)(w->cq_depth > UINT16_MAX ? UINT16_MAX : w->cq_depth);
		w->depth_history_pos = (w->depth_history_pos + 1) % MODEL_DEPTH_HISTORY;
		if (w->depth_history_len < MODEL_DEPTH_HISTORY)
			w->depth_history_len++;
	}
	conns_age_out(m);
	recount_open(m);
	/* Over a second at least: a few requests a second would read as 0, 70, 0 per frame. */
	if (m->tick_ns != 0 && now_ns < m->tick_ns + MODEL_RATE_WINDOW_NS)
		return;
	if (m->tick_ns != 0 && m->events >= m->tick_events)
		m->events_per_sec = (double)(m->events - m->tick_events) * 1e9 /
				    (double)(now_ns - m->tick_ns);
	m->tick_events = m->events;
	m->tick_ns = now_ns;
}

/* qsort comparators: each ends in the id so the order is total. */
static int by_id(const void *a, const void *b)
{
	const struct model_conn *x = *(const struct model_conn *const *)a;
	const struct model_conn *y = *(const struct model_conn *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Worker, then id. */
static int by_worker(const void *a, const void *b)
{
	const struct model_conn *x = *(const struct model_conn *const *)a;
	const struct model_conn *y = *(const struct model_conn *const *)b;

	if (x->worker != y->worker)
		return x->worker < y->worker ? -1 : 1;
	return by_id(a, b);
}

/* State, then id. */
static int by_state(const void *a, const void *b)
{
	const struct model_conn *x = *(const struct model_conn *const *)a;
	const struct model_conn *y = *(const struct model_conn *const *)b;

	if (x->state != y->state)
		return x->state < y->state ? -1 : 1;
	return by_id(a, b);
}

/* Longest in its state first, then id. */
static int by_age(const void *a, const void *b)
{
	const struct model_conn *x = *(const struct model_conn *const *)a;
	const struct model_conn *y = *(const struct model_conn *const *)b;

	if (x->state_since != y->state_since)
		return x->state_since < y->state_since ? -1 : 1;
	return by_id(a, b);
}

/* Filters and sorts into the scratch array, then copies the first max out. */
size_t model_conns_select(const struct model *m, enum model_sort sort, int worker, int state,
			  const struct model_conn **out, size_t max)
{
	int (*cmp)(const void *, const void *);
	const struct model_conn **sel = m->select_buf;
	size_t n = 0;

	for (size_t i = 0; i < m->nconns; i++) {
		const struct model_conn *c = &m->conns[i];
		if ((worker < 0 || c->worker == worker) && (state < 0 || c->state == state))
			sel[n++] = c;
	}
	switch (sort) {
	case MODEL_SORT_WORKER: cmp = by_worker; break;
	case MODEL_SORT_STATE: cmp = by_state; break;
	case MODEL_SORT_AGE: cmp = by_age; break;
	case MODEL_SORT_ID:
	default: cmp = by_id; break;
	}
	if (n > 1)
		qsort(sel, n, sizeof(*sel), cmp);
	if (out != NULL && n > 0 && max > 0)
		memcpy(out, sel, (n < max ? n : max) * sizeof(*out));
	return n;
}

/* Returns the i-th newest log line. */
const struct model_log_line *model_log_get(const struct model *m, unsigned i)
{
	if (i >= m->log_len)
		return NULL;
	return &m->log[(m->log_pos + MODEL_LOG_LINES - 1 - i) % MODEL_LOG_LINES];
}

/* Returns the i-th newest dispatch. */
const struct model_dispatch *model_recent_get(const struct model *m, unsigned i)
{
	if (i >= m->recent_len)
		return NULL;
	return &m->recent[(m->recent_pos + MODEL_RECENT_DISPATCHES - 1 - i) %
			  MODEL_RECENT_DISPATCHES];
}
