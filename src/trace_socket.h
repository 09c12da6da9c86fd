/* trace_socket.h: where the trace socket lives and how it is claimed safely. */
#ifndef MCSCOPE_TRACE_SOCKET_H
#define MCSCOPE_TRACE_SOCKET_H

#include <stddef.h>

/* Writes the default path for a TCP port: $XDG_RUNTIME_DIR/mcscope/<port>.sock, else
 * /tmp/mcscope-<uid>/<port>.sock; -1 when it does not fit. */
int trace_socket_default_path(int port, char *buf, size_t len);

/* Creates the directory (0700, ours), replaces a stale socket, binds and listens (0600);
 * returns the listening fd, or -1 with a message. */
int trace_socket_listen(const char *path);

#endif
