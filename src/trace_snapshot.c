#include <event2/buffer.h>
#include <unistd.h>

#include "conn.h"
#include "dispatch.h"
#include "settings.h"
#include "thread.h"
#include "trace.h"
#include "trace_format.h"
#include "trace_gate.h"
#include "trace_snapshot.h"

struct snapshot_ctx {
	struct evbuffer *out;
	uint64_t seq;
};

/* Stamps a snapshot record (every line carries the seq of the newest event) and appends its line. */
static void snapshot_add(const struct snapshot_ctx *ctx, struct trace_rec r, int thr)
{
	char line[TRACE_LINE_MAX];

	r.ts = trace_now();
	r.seq = ctx->seq;
	r.thr = (int16_t)thr;
	evbuffer_add(ctx->out, line, trace_format(&r, line));
}

/* Appends one snapshot_conn line. */
static void snapshot_conn(struct conn *c, int thr, void *arg)
{
	snapshot_add(arg, TRACE_REC(snapshot_conn, (int64_t)c->id, c->sfd, c->transport,
				    __atomic_load_n(&c->state, __ATOMIC_RELAXED)),
		     thr);
}

/* Appends hello and the snapshot. */
void trace_snapshot_write(struct evbuffer *out, int tcp_port, int udp_port)
{
	struct snapshot_ctx ctx = { out, trace_last_seq() };
	int last;

	snapshot_add(&ctx, TRACE_REC(hello, WIRE_VERSION, getpid(), num_workers,
				     __atomic_load_n(&dispatcher.policy, __ATOMIC_RELAXED), tcp_port,
				     udp_port, settings.maxconns, settings.reqs_per_event,
				     settings.idle_timeout),
		     TRACE_THR_MAIN);
	for (int i = 0; i < num_workers; i++) {
		struct worker *w = &workers[i];
		struct thread_counters n;
		unsigned depth, max_depth;
		uint64_t pending;

		thread_counters_read(w, &n);
		pending = n.notify_written > n.notify_read ? n.notify_written - n.notify_read : 0;
		cq_depth(&w->new_conn_queue, &depth, &max_depth);
		snapshot_add(&ctx, TRACE_REC(snapshot_worker, depth, max_depth, (int64_t)n.open_conns,
					     (int64_t)n.dispatched, (int64_t)pending,
					     trace_gate_delay_of(i)),
			     i);
	}
	conn_foreach(snapshot_conn, &ctx);
	/* A client that comes while the server is paused (--paused, say) must know it. */
	if (trace_gate_paused())
		snapshot_add(&ctx, TRACE_REC(paused, WIRE_ABSENT, WIRE_ABSENT), TRACE_THR_MAIN);
	last = __atomic_load_n(&dispatcher.last_thread, __ATOMIC_RELAXED);
	snapshot_add(&ctx, TRACE_REC(snapshot_end, last < 0 ? -2 : last,
				     num_workers > 0 ? (last + 1) % num_workers : 0),
		     TRACE_THR_MAIN);
}
