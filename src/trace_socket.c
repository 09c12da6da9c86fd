#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "trace_socket.h"

/* Writes the default path. */
int trace_socket_default_path(int port, char *buf, size_t len)
{
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	int n;

	if (runtime != NULL && runtime[0] == '/')
		n = snprintf(buf, len, "%s/mcscope/%d.sock", runtime, port);
	else
		n = snprintf(buf, len, "/tmp/mcscope-%u/%d.sock", (unsigned)getuid(), port);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Makes sure the socket's directory exists, is ours and is private; -1 with a message. */
static int ensure_private_dir(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		log_error("cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		log_error("%s is not a directory", dir);
		return -1;
	}
	/* Only a directory we made (or own) may hold the socket: another user could watch it. */
	if (st.st_uid != getuid()) {
		log_error("%s belongs to uid %u, not to us (uid %u)", dir, (unsigned)st.st_uid,
			  (unsigned)getuid());
		return -1;
	}
	return 0;
}

/* True when a server answers on the socket at path. */
static int socket_is_live(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int live;

	if (fd < 0)
		return 0;
	live = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
	close(fd);
	return live;
}

/* Binds and listens on the trace socket. */
int trace_socket_listen(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old_mask;
	int fd, rc;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		log_error("trace socket path too long: %s", path);
		return -1;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);
	if (ensure_private_dir(path) != 0)
		return -1;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_error("%s exists and is not a socket", path);
			return -1;
		}
		if (socket_is_live(&addr)) {
			log_error("another mcscoped is serving the trace socket %s", path);
			return -1;
		}
		/* Left behind by a server that died: ours to replace. */
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_error("cannot create the trace socket: %s", strerror(errno));
		return -1;
	}
	/* The mode is set at bind time: never let the socket exist with wider rights. */
	old_mask = umask(0177);
	rc = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old_mask);
	if (rc != 0 || chmod(path, 0600) != 0 || listen(fd, 64) != 0) {
		log_error("cannot listen on the trace socket %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
