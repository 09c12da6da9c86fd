/*
 * trace_publish.h: the publisher thread. It owns the trace socket, turns
 * the threads' records into lines, writes them to every client without
 * ever blocking, and answers control commands. It is never gated.
 */
#ifndef MCSCOPE_TRACE_PUBLISH_H
#define MCSCOPE_TRACE_PUBLISH_H

#include "settings.h"

/* Claims the socket and starts the thread, which also watches signal_fd and calls
 * on_signal(signal_fd) when it is readable (the main thread may be stopped at a gate when a
 * stop signal comes); -1 with a message on failure. */
int trace_publish_start(const struct settings *s, int tcp_port, int udp_port, int signal_fd,
			void (*on_signal)(int signal_fd));

/* Stops the thread, disconnects every client and removes the socket. */
void trace_publish_stop(void);

#endif
