/* trace_snapshot.h: the hello line and the snapshot of the present a new trace client gets first. */
#ifndef MCSCOPE_TRACE_SNAPSHOT_H
#define MCSCOPE_TRACE_SNAPSHOT_H

struct evbuffer;

/* Appends hello, a snapshot_worker per worker, a snapshot_conn per conn and snapshot_end. */
void trace_snapshot_write(struct evbuffer *out, int tcp_port, int udp_port);

#endif
