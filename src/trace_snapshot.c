#include <event2/buffer.h>
#include <stdio.h>
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

/* Appends one snapshot_conn line. */
static void snapshot_conn(struct conn *c, int thr, void *arg)
{
	struct snapshot_ctx *ctx = arg;
	char line[TRACE_LINE_MAX];
	size_t n = trace_format_prefix(line, sizeof(line), trace_now(), ctx->seq, thr,
				       EVT_snapshot_conn);

	evbuffer_add(ctx->out, line, n);
	evbuffer_add_printf(ctx->out, " conn=%llu fd=%d transport=%s state=%s\n",
			    (unsigned long long)c->id, c->sfd,
			    wire_transport_name(c->transport),
			    wire_state_name(__atomic_load_n(&c->state, __ATOMIC_RELAXED)));
}

/* Appends the hello line. */
static void snapshot_hello(struct evbuffer *out, uint64_t seq, int tcp_port, int udp_port)
{
	char line[TRACE_LINE_MAX];
	size_t n = trace_format_prefix(line, sizeof(line), trace_now(), seq, TRACE_THR_MAIN,
				       EVT_hello);

	evbuffer_add(out, line, n);
	evbuffer_add_printf(out,
			    " v=%d pid=%d threads=%d dispatch=%s tcp=%d udp=%d maxconns=%d"
			    " reqs_per_event=%d states=",
			    WIRE_VERSION, (int)getpid(), num_workers,
			    wire_policy_name(__atomic_load_n(&dispatcher.policy, __ATOMIC_RELAXED)),
			    tcp_port, udp_port, settings.maxconns, settings.reqs_per_event);
	for (int i = 0; i < conn_max_state; i++)
		evbuffer_add_printf(out, "%s%s", i > 0 ? "," : "", wire_state_name((enum conn_states)i));
	evbuffer_add(out, "\n", 1);
}

/* Appends hello and the snapshot. */
void trace_snapshot_write(struct evbuffer *out, int tcp_port, int udp_port)
{
	struct snapshot_ctx ctx = { out, trace_last_seq() };
	char line[TRACE_LINE_MAX], name[16];
	size_t n;

	snapshot_hello(out, ctx.seq, tcp_port, udp_port);
	for (int i = 0; i < num_workers; i++) {
		struct worker *w = &workers[i];
		unsigned depth, max_depth;
		uint64_t written = __atomic_load_n(&w->notify_written, __ATOMIC_RELAXED);
		uint64_t read = __atomic_load_n(&w->notify_read, __ATOMIC_RELAXED);

		cq_depth(&w->new_conn_queue, &depth, &max_depth);
		n = trace_format_prefix(line, sizeof(line), trace_now(), ctx.seq, i,
					EVT_snapshot_worker);
		evbuffer_add(out, line, n);
		evbuffer_add_printf(out,
				    " depth=%u max_depth=%u open=%llu dispatched=%llu pending=%llu delay=%u\n",
				    depth, max_depth,
				    (unsigned long long)__atomic_load_n(&w->open_conns, __ATOMIC_RELAXED),
				    (unsigned long long)__atomic_load_n(&w->dispatched, __ATOMIC_RELAXED),
				    (unsigned long long)(written > read ? written - read : 0),
				    trace_gate_delay_of(i));
	}
	conn_foreach(snapshot_conn, &ctx);

	int last = __atomic_load_n(&dispatcher.last_thread, __ATOMIC_RELAXED);
	n = trace_format_prefix(line, sizeof(line), trace_now(), ctx.seq, TRACE_THR_MAIN,
				EVT_snapshot_end);
	evbuffer_add(out, line, n);
	evbuffer_add_printf(out, " last=%s next=w%d\n",
			    trace_thr_name(last < 0 ? -2 : last, name, sizeof(name)),
			    num_workers > 0 ? (last + 1) % num_workers : 0);
}
