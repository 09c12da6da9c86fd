#include <errno.h>
#include <fcntl.h>
#include <event2/thread.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "accept.h"
#include "conn.h"
#include "conn_timeout.h"
#include "dispatch.h"
#include "log.h"
#include "proto_text.h"
#include "server.h"
#include "stats_write.h"
#include "storage.h"
#include "thread.h"
#include "trace.h"
#include "trace_gate.h"
#include "trace_publish.h"

/* Exit status when a socket can't be set up (sysexits' EX_OSERR, as memcached uses). */
#define EXIT_SOCKET 71

/* The main thread's event base. */
static struct event_base *main_base;
/* The item store every worker shares. */
static struct storage *server_storage;
/* Made active by whichever thread reads a stop signal; it ends the main loop in the main thread. */
static struct event *stop_event;

/* The signals that stop the server, all alike: a terminal's (INT, QUIT, HUP when it goes away) and
 * a supervisor's (TERM). None may kill it outright, which would leave its trace socket behind. */
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

/* Handles a pending stop signal on the signal fd, if any: opens every gate and ends the main
 * loop (any thread: the publisher calls it too, as the main thread may be stopped at a gate). */
static void server_signal_read(int signal_fd)
{
	struct signalfd_siginfo info;

	if (read(signal_fd, &info, sizeof(info)) != (ssize_t)sizeof(info))
		return;
	log_verbose(1, "Signal handled: %s.\n", strsignal((int)info.ssi_signo));
	trace_gate_shutdown();
	/* Not event_base_loopbreak here: a break asked for before the main thread enters its loop
	 * is forgotten when it does, and the publisher may read the signal that early. An active
	 * event waits for the loop. */
	event_active(stop_event, EV_TIMEOUT, 0);
}

/* Main thread: a stop signal was read; leave the main loop. */
static void stop_cb(evutil_socket_t fd, short which, void *arg)
{
	event_base_loopbreak(main_base);
}

/* Main thread: a stop signal arrived. */
static void signal_cb(evutil_socket_t fd, short which, void *arg)
{
	server_signal_read((int)fd);
}

/* Blocks the stop signals in every thread and returns a signalfd for them, -1 on failure. */
static int stop_signals_fd(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaddset(&mask, stop_signals[i]);
	/* Before any thread starts, so that every thread inherits the mask. */
	if (pthread_sigmask(SIG_BLOCK, &mask, NULL) != 0)
		return -1;
	return signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* Main thread: memcached's clock handler, once a second. */
static void clock_cb(evutil_socket_t fd, short which, void *arg)
{
	clock_tick();
}

/* Returns the local port of a bound socket. */
static int bound_port(int sfd)
{
	struct sockaddr_storage addr;
	socklen_t len = sizeof(addr);

	if (getsockname(sfd, (struct sockaddr *)&addr, &len) != 0)
		return -1;
	if (addr.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&addr)->sin6_port);
	return ntohs(((struct sockaddr_in *)&addr)->sin_port);
}

/* Binds every address of s->inter for one transport (memcached's server_socket); the port used, or -1. */
static int server_socket(const struct settings *s, int port, enum transport transport)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE, .ai_family = AF_UNSPEC };
	struct addrinfo *ai = NULL;
	char portstr[16];
	int bound = 0, rc;

	hints.ai_socktype = transport == TRANSPORT_UDP ? SOCK_DGRAM : SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%d", port);
	rc = getaddrinfo(s->inter, portstr, &hints, &ai);
	if (rc != 0) {
		log_error("cannot listen on %s: %s", s->inter, gai_strerror(rc));
		return -1;
	}
	for (struct addrinfo *next = ai; next != NULL; next = next->ai_next) {
		int one = 1;
		int sfd = socket(next->ai_family, next->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
				 next->ai_protocol);
		if (sfd < 0)
			continue;
		if (next->ai_family == AF_INET6)
			setsockopt(sfd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		setsockopt(sfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bound > 0) {
			/* With port 0, every address shares the port the first one got. */
			if (next->ai_family == AF_INET6)
				((struct sockaddr_in6 *)next->ai_addr)->sin6_port = htons((uint16_t)port);
			else
				((struct sockaddr_in *)next->ai_addr)->sin_port = htons((uint16_t)port);
		}
		if (bind(sfd, next->ai_addr, next->ai_addrlen) != 0) {
			int err = errno;
			close(sfd);
			if (err == EADDRNOTAVAIL || err == EAFNOSUPPORT)
				continue;
			log_error("cannot listen on %s port %d (%s): %s", s->inter, port,
				  wire_transport_name(transport), strerror(err));
			freeaddrinfo(ai);
			return -1;
		}
		port = bound_port(sfd);
		TRACE(listen, transport, sfd, port);
		if (transport == TRANSPORT_TCP) {
			if (listen(sfd, s->backlog) != 0) {
				log_error("listen() failed: %s", strerror(errno));
				close(sfd);
				freeaddrinfo(ai);
				return -1;
			}
			if (conn_new(sfd, dispatch_next_conn_id(), conn_listening, EV_READ | EV_PERSIST, 1,
				     TRANSPORT_TCP, main_base, NULL) == NULL) {
				log_error("cannot create the listening conn");
				close(sfd);
				freeaddrinfo(ai);
				return -1;
			}
			log_verbose(2, "<%d server listening (tcp)\n", sfd);
		} else {
			/* One UDP socket, a dup for every worker: each reads and replies on its own fd. */
			for (int i = 0; i < num_workers; i++) {
				int fd = i == 0 ? sfd : fcntl(sfd, F_DUPFD_CLOEXEC, 0);
				if (fd < 0 || dispatch_conn_new(fd, dispatch_next_conn_id(), conn_read,
								EV_READ | EV_PERSIST,
								UDP_READ_BUFFER_SIZE, TRANSPORT_UDP) < 0) {
					log_error("cannot hand the UDP socket to worker %d", i);
					if (fd >= 0)
						close(fd);
					freeaddrinfo(ai);
					return -1;
				}
			}
			log_verbose(2, "<%d server listening (udp)\n", sfd);
		}
		bound++;
	}
	freeaddrinfo(ai);
	if (bound == 0) {
		log_error("cannot listen on %s port %d: no usable address", s->inter, port);
		return -1;
	}
	return port;
}

/* Tells whoever started us that we accept, on --ready-fd. */
static void report_ready(const struct settings *s, int tcp_port, int udp_port)
{
	char line[64];
	int n;

	if (s->ready_fd < 0)
		return;
	n = snprintf(line, sizeof(line), "tcp=%d udp=%d\n", tcp_port, udp_port);
	if (write(s->ready_fd, line, (size_t)n) != n)
		log_error("--ready-fd %d: write failed: %s", s->ready_fd, strerror(errno));
	close(s->ready_fd);
}

/* conn.c's functions the workers make and close conns with: thread.c, which conn.c calls for
 * its bookkeeping, is handed them rather than calling conn.c. */
static const struct thread_conn_ops worker_conn_ops = { conn_new, conn_close, conn_close_idle };

/* Runs the server. */
int server_run(const struct settings *s)
{
	struct event *signal_event = NULL, *clock_event = NULL;
	int signal_fd = stop_signals_fd();
	struct timeval one_second = { 1, 0 };
	int status = EXIT_SOCKET;
	int tcp_port, udp_port = 0;

	signal(SIGPIPE, SIG_IGN);
	log_verbosity = s->verbose;
	clock_init();
	if (evthread_use_pthreads() != 0) {
		log_error("libevent has no thread support");
		return 1;
	}
	if (signal_fd < 0) {
		log_error("cannot set up signal handling: %s", strerror(errno));
		return 1;
	}
	main_base = event_base_new();
	server_storage = storage_create(s->maxbytes, s->item_size_max);
	if (main_base == NULL || server_storage == NULL) {
		log_error("out of memory at start-up");
		status = 1;
		goto out;
	}
	if (accept_init(main_base, conn_listening_enable) != 0) {
		status = 1;
		goto out;
	}
	signal_event = event_new(main_base, signal_fd, EV_READ | EV_PERSIST, signal_cb, NULL);
	clock_event = event_new(main_base, -1, EV_PERSIST, clock_cb, NULL);
	stop_event = event_new(main_base, -1, 0, stop_cb, NULL);
	if (signal_event == NULL || clock_event == NULL || stop_event == NULL ||
	    event_add(signal_event, NULL) != 0 ||
	    evtimer_add(clock_event, &one_second) != 0) {
		log_error("cannot set up the main event loop");
		status = 1;
		goto out;
	}
	dispatch_init(&dispatcher, s->dispatch, s->seed);
	proto_text_set_stats(stats_write);
	if (trace_init(s->num_threads, s->idle_timeout > 0) != 0) {
		status = 1;
		goto out;
	}
	trace_thread_register(TRACE_THR_MAIN);
	if (thread_init(s->num_threads, server_storage, &worker_conn_ops) != 0) {
		status = 1;
		goto out;
	}
	if (s->idle_timeout > 0 && start_conn_timeout_thread() != 0) {
		status = 1;
		goto out;
	}
	/* UDP first, as memcached does, so each worker's UDP conn takes one round-robin turn. */
	if (s->udpport > 0 && (udp_port = server_socket(s, s->udpport, TRANSPORT_UDP)) < 0)
		goto out;
	if ((tcp_port = server_socket(s, s->port, TRANSPORT_TCP)) < 0)
		goto out;
	if (!s->no_trace && trace_publish_start(s, tcp_port, udp_port, signal_fd,
						    server_signal_read) != 0)
		goto out;
	/* Set up first, then paused: the first thing a controller steps through is an accept. */
	if (s->paused)
		trace_gate_pause();
	report_ready(s, tcp_port, udp_port);
	event_base_dispatch(main_base);
	status = 0;
out:
	/* No thread may wait at a gate while the server stops. */
	trace_gate_shutdown();
	conn_close_listening();
	/* Before the workers: it walks their conns and writes to their pipes. */
	stop_conn_timeout_thread();
	thread_stop();
	/* After the workers, so that clients see their shutdown events; before the
	 * workers are freed, since a client's snapshot reads them. */
	trace_publish_stop();
	thread_free();
	trace_destroy();
	cqi_freelist_destroy();
	if (signal_event != NULL)
		event_free(signal_event);
	close(signal_fd);
	if (clock_event != NULL)
		event_free(clock_event);
	if (stop_event != NULL)
		event_free(stop_event);
	stop_event = NULL;
	accept_destroy();
	if (server_storage != NULL)
		storage_destroy(server_storage);
	if (main_base != NULL)
		event_base_free(main_base);
	server_storage = NULL;
	main_base = NULL;
	libevent_global_shutdown();
	return status;
}
