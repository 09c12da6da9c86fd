#include <event2/event.h>

#include "dispatch.h"
#include "log.h"
#include "thread.h"
#include "trace.h"

struct dispatcher dispatcher;

static uint64_t next_conn_id;

/* Sets up a dispatcher. */
void dispatch_init(struct dispatcher *d, enum dispatch_policy policy, uint64_t seed)
{
	__atomic_store_n(&d->policy, policy, __ATOMIC_RELAXED);
	__atomic_store_n(&d->last_thread, -1, __ATOMIC_RELAXED);
	/* xorshift must not start at 0; splitmix the seed so that 0, 1, 2... differ widely. */
	seed += 0x9e3779b97f4a7c15ULL;
	seed = (seed ^ (seed >> 30)) * 0xbf58476d1ce4e5b9ULL;
	seed = (seed ^ (seed >> 27)) * 0x94d049bb133111ebULL;
	seed ^= seed >> 31;
	d->rng = seed != 0 ? seed : 1;
}

/* Returns the next xorshift64* number. */
static uint64_t dispatch_random(struct dispatcher *d)
{
	d->rng ^= d->rng >> 12;
	d->rng ^= d->rng << 25;
	d->rng ^= d->rng >> 27;
	return d->rng * 0x2545f4914f6cdd1dULL;
}

/* Asks the custom policy; a pick out of range goes to w0, said once, so a student's bug cannot crash the server. */
static int dispatch_custom(struct dispatcher *d, const struct dispatch_view *v)
{
	static bool told;
	int tid;

	if (!dispatch_custom_present())
		return (d->last_thread + 1) % v->nthreads;
	tid = dispatch_custom_select(v);
	if (tid >= 0 && tid < v->nthreads)
		return tid;
	if (!told)
		log_error("dispatch_conn_new: the custom policy picked worker %d of %d; w0 gets the connection "
			  "(said once)", tid, v->nthreads);
	told = true;
	return 0;
}

/* Picks a worker. */
int dispatch_select(struct dispatcher *d, enum transport transport, const struct dispatch_view *v)
{
	enum dispatch_policy policy = __atomic_load_n(&d->policy, __ATOMIC_RELAXED);
	struct dispatch_view mine = *v;
	int tid = 0;

	/* The policy sees the dispatcher's own last pick. */
	mine.last_thread = d->last_thread;
	/* UDP sockets go to every worker in turn whatever the policy, as in memcached. */
	if (transport == TRANSPORT_UDP)
		policy = DISPATCH_RR;
	switch (policy) {
	case DISPATCH_RR:
		tid = (d->last_thread + 1) % v->nthreads;
		break;
	case DISPATCH_LEAST:
		for (int i = 1; i < v->nthreads; i++)
			if (v->open_conns[i] < v->open_conns[tid])
				tid = i;
		break;
	case DISPATCH_RANDOM:
		tid = (int)(dispatch_random(d) % (uint64_t)v->nthreads);
		break;
	case DISPATCH_CUSTOM:
		tid = dispatch_custom(d, &mine);
		break;
	}
	__atomic_store_n(&d->last_thread, tid, __ATOMIC_RELAXED);
	return tid;
}

/* Returns a fresh connection id. */
uint64_t dispatch_next_conn_id(void)
{
	return __atomic_add_fetch(&next_conn_id, 1, __ATOMIC_RELAXED);
}

/* Hands a new connection to a worker. */
int dispatch_conn_new(int sfd, uint64_t conn_id, enum conn_states init_state, int event_flags,
		      int read_buffer_size, enum transport transport)
{
	int last = dispatcher.last_thread;
	uint64_t open[SETTINGS_MAX_THREADS];
	unsigned depth[SETTINGS_MAX_THREADS], max_depth;
	struct dispatch_view view = { .nthreads = num_workers, .last_thread = last, .open_conns = open,
				      .cq_depth = depth };
	CQ_ITEM *item;
	struct worker *w;
	int tid;

	/* A CQ's depth costs its lock: only the custom policy looks at it. (Switched meanwhile,
	 * a custom policy sees depths of 0 for one connection.) */
	bool depths = __atomic_load_n(&dispatcher.policy, __ATOMIC_RELAXED) == DISPATCH_CUSTOM;
	for (int i = 0; i < num_workers; i++) {
		open[i] = thread_open_conns(&workers[i]);
		depth[i] = 0;
		if (depths)
			cq_depth(&workers[i].new_conn_queue, &depth[i], &max_depth);
	}
	item = cqi_new();
	if (item == NULL) {
		log_error("dispatch_conn_new: out of memory for a queue item; closing fd %d", sfd);
		return -1;
	}
	tid = dispatch_select(&dispatcher, transport, &view);
	w = &workers[tid];

	item->sfd = sfd;
	item->conn_id = conn_id;
	item->init_state = init_state;
	item->event_flags = event_flags;
	item->read_buffer_size = read_buffer_size;
	item->transport = transport;

	TRACE(dispatch, (int64_t)conn_id, sfd, tid, last < 0 ? -2 : last,
	      __atomic_load_n(&dispatcher.policy, __ATOMIC_RELAXED), transport, init_state);
	/* Counted here, not when the worker picks it up, so "least" sees queued conns too. */
	thread_count_dispatch(w);
	/* cq_push records under the CQ lock; a gate must wait outside it. */
	TRACE_GATE(cq_push, conn_id);
	cq_push(&w->new_conn_queue, item);
	if (thread_notify(w, NOTIFY_NEW_CONN) != 0)
		log_error("dispatch_conn_new: cannot wake worker %d", tid);
	return tid;
}
