#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "resp.h"
#include "thread.h"
#include "trace.h"

struct worker *workers;
int num_workers;

/* conn_new and conn_close, as the server handed them in. */
static struct thread_conn_ops conn_ops;

/* Start-up: the main thread waits here until every worker has reported in. */
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t init_cond = PTHREAD_COND_INITIALIZER;
static int init_count;

/* Counts a worker in and wakes the main thread (memcached's register_thread_initialized). */
static void register_thread_initialized(void)
{
	pthread_mutex_lock(&init_lock);
	init_count++;
	pthread_cond_signal(&init_cond);
	pthread_mutex_unlock(&init_lock);
}

/* Waits until count workers have reported in since the last reset. */
static void wait_for_thread_registration(int count)
{
	pthread_mutex_lock(&init_lock);
	while (init_count < count)
		pthread_cond_wait(&init_cond, &init_lock);
	pthread_mutex_unlock(&init_lock);
}

/* Closes every connection a stopping worker owns. */
static void thread_close_conns(struct worker *w)
{
	for (;;) {
		pthread_mutex_lock(&w->conns_lock);
		struct thread_conn_link *link = w->conns;
		pthread_mutex_unlock(&w->conns_lock);
		if (link == NULL)
			break;
		conn_ops.conn_close(link->conn, CLOSE_SHUTDOWN);
	}
}

/* Takes queued connections off the CQ and makes them conns of this worker. */
static void thread_accept_queued(struct worker *w)
{
	unsigned depth;
	CQ_ITEM *item;

	/* cq_pop records under the CQ lock; the gate waits before it, naming the conn it will take. */
	if (TRACE_ON())
		TRACE_GATE(cq_pop, cq_peek_conn(&w->new_conn_queue));
	item = cq_pop(&w->new_conn_queue, &depth);

	if (item == NULL)
		return;
	struct conn *c = conn_ops.conn_new(item->sfd, item->conn_id, item->init_state,
					   item->event_flags, item->read_buffer_size, item->transport,
					   w->base, w);
	if (c == NULL) {
		log_error("thread_libevent_process: cannot create a conn for fd %d", item->sfd);
		if (item->transport == TRANSPORT_TCP)
			close(item->sfd);
		__atomic_fetch_sub(&w->open_conns, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&server_stats.rejected_conns, 1, __ATOMIC_RELAXED);
		__atomic_fetch_sub(&server_stats.curr_conns, 1, __ATOMIC_SEQ_CST);
	}
	cqi_free(item);
}

/* After a 't': reads the fd that follows it and closes that conn if it is still idle. */
static void thread_read_timeout(struct worker *w, int pipe_fd)
{
	int sfd;
	/* The timeout thread wrote 't' and the fd in one write of less than PIPE_BUF bytes, so
	 * the fd is in the pipe already. */
	ssize_t n = read(pipe_fd, &sfd, sizeof(sfd));

	if (n != (ssize_t)sizeof(sfd)) {
		log_error("worker %d: notify pipe: 't' without its fd", w->index);
		return;
	}
	TRACE(notify_read, NOTIFY_TIMEOUT, sfd);
	conn_ops.conn_close_idle(w, sfd);
}

/* Reads one command byte from the notify pipe and does what it says (memcached's name). */
static void thread_libevent_process(evutil_socket_t fd, short which, void *arg)
{
	struct worker *w = arg;
	char byte;
	ssize_t n = read(fd, &byte, 1);

	if (n != 1) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		log_error("worker %d: notify pipe read failed", w->index);
		return;
	}
	__atomic_fetch_add(&w->notify_read, 1, __ATOMIC_RELAXED);
	if (byte == NOTIFY_TIMEOUT) {
		thread_read_timeout(w, fd);
		return;
	}
	TRACE(notify_read, byte, WIRE_ABSENT);
	switch (byte) {
	case NOTIFY_NEW_CONN:
		thread_accept_queued(w);
		break;
	case NOTIFY_PAUSE:
		TRACE(thread_ready);
		register_thread_initialized();
		break;
	case NOTIFY_STOP:
		thread_close_conns(w);
		event_base_loopbreak(w->base);
		break;
	default:
		log_error("worker %d: unknown notify byte 0x%02x", w->index, (unsigned char)byte);
		break;
	}
}

/* A worker's thread: its own event loop until told to stop. */
static void *worker_libevent(void *arg)
{
	struct worker *w = arg;

	trace_thread_register(w->index);
	event_base_loop(w->base, 0);
	return NULL;
}

/* Sets up one worker's base, pipe and queue (memcached's setup_thread); -1 on failure. */
static int setup_thread(struct worker *w, int index, struct storage *storage)
{
	int fds[2];

	w->index = index;
	w->storage = storage;
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
		log_error("cannot create a notify pipe: %s", strerror(errno));
		return -1;
	}
	w->notify_receive_fd = fds[0];
	w->notify_send_fd = fds[1];
	w->base = event_base_new();
	if (w->base == NULL) {
		log_error("cannot create a worker event base");
		goto fail;
	}
	event_assign(&w->notify_event, w->base, w->notify_receive_fd, EV_READ | EV_PERSIST,
		     thread_libevent_process, w);
	if (event_add(&w->notify_event, NULL) != 0) {
		log_error("cannot watch a notify pipe");
		goto fail;
	}
	cq_init(&w->new_conn_queue, index);
	if (pthread_mutex_init(&w->conns_lock, NULL) != 0)
		fatal("setup_thread: pthread_mutex_init failed");
	return 0;
fail:
	if (w->base != NULL)
		event_base_free(w->base);
	w->base = NULL;
	close(fds[0]);
	close(fds[1]);
	return -1;
}

/* Writes a message of n bytes, a command byte first, to a worker's notify pipe in one write. */
static int notify_send(struct worker *w, const void *msg, size_t n)
{
	__atomic_fetch_add(&w->notify_written, 1, __ATOMIC_RELAXED);
	for (;;) {
		ssize_t written = write(w->notify_send_fd, msg, n);
		if (written == (ssize_t)n)
			return 0;
		if (written < 0 && errno == EINTR)
			continue;
		/* A pipe writes up to PIPE_BUF bytes whole or not at all: nothing of it was sent. */
		__atomic_fetch_sub(&w->notify_written, 1, __ATOMIC_RELAXED);
		return -1;
	}
}

/* Writes a command byte to a worker. */
int thread_notify(struct worker *w, char byte)
{
	/* Recorded before the write, so the worker's notify_read always comes later. */
	TRACE(notify_write, w->index, byte, WIRE_ABSENT);
	return notify_send(w, &byte, 1);
}

/* Writes 't' and an fd to a worker. */
int thread_notify_timeout(struct worker *w, int fd)
{
	char msg[1 + sizeof(int)] = { NOTIFY_TIMEOUT };

	memcpy(msg + 1, &fd, sizeof(fd));
	TRACE_LOCKED(notify_write, w->index, NOTIFY_TIMEOUT, fd);
	return notify_send(w, msg, sizeof(msg));
}

/* Creates and starts the workers. */
int thread_init(int nthreads, struct storage *storage, const struct thread_conn_ops *ops)
{
	conn_ops = *ops;
	workers = aligned_alloc(64, sizeof(*workers) * (size_t)nthreads);
	if (workers == NULL) {
		log_error("cannot allocate %d workers", nthreads);
		return -1;
	}
	memset(workers, 0, sizeof(*workers) * (size_t)nthreads);
	for (int i = 0; i < nthreads; i++) {
		if (setup_thread(&workers[i], i, storage) != 0)
			goto fail;
		num_workers = i + 1;
	}
	for (int i = 0; i < nthreads; i++) {
		int rc = pthread_create(&workers[i].thread_id, NULL, worker_libevent, &workers[i]);
		if (rc != 0) {
			log_error("cannot start a worker thread: %s", strerror(rc));
			goto fail;
		}
	}
	/* Each worker reports in through its own pipe, so a worker that answers is a worker that listens. */
	for (int i = 0; i < nthreads; i++)
		if (thread_notify(&workers[i], NOTIFY_PAUSE) != 0)
			fatal("thread_init: cannot write to a fresh notify pipe");
	wait_for_thread_registration(nthreads);
	return 0;
fail:
	/* Stops and joins the started ones (thread_id set) and frees them all. */
	thread_stop();
	thread_free();
	return -1;
}

/* Stops and joins every worker. */
void thread_stop(void)
{
	for (int i = 0; workers != NULL && i < num_workers; i++)
		if (workers[i].thread_id != 0)
			thread_notify(&workers[i], NOTIFY_STOP);
	for (int i = 0; workers != NULL && i < num_workers; i++) {
		if (workers[i].thread_id != 0)
			pthread_join(workers[i].thread_id, NULL);
		workers[i].thread_id = 0;
	}
}

/* Frees the stopped workers. */
void thread_free(void)
{
	if (workers == NULL)
		return;
	for (int i = 0; i < num_workers; i++) {
		struct worker *w = &workers[i];
		event_del(&w->notify_event);
		cq_destroy(&w->new_conn_queue);
		pthread_mutex_destroy(&w->conns_lock);
		event_base_free(w->base);
		close(w->notify_receive_fd);
		close(w->notify_send_fd);
	}
	free(workers);
	workers = NULL;
	num_workers = 0;
}

/* Counts a conn handed to a worker. */
void thread_count_dispatch(struct worker *w)
{
	__atomic_fetch_add(&w->open_conns, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&w->dispatched, 1, __ATOMIC_RELAXED);
}

/* Puts a conn on its worker's list. */
void thread_conn_add(struct worker *w, struct thread_conn_link *link, struct conn *c)
{
	link->conn = c;
	link->prev = NULL;
	pthread_mutex_lock(&w->conns_lock);
	link->next = w->conns;
	if (w->conns != NULL)
		w->conns->prev = link;
	w->conns = link;
	pthread_mutex_unlock(&w->conns_lock);
}

/* Takes a conn off its worker's list. */
void thread_conn_remove(struct worker *w, struct thread_conn_link *link)
{
	pthread_mutex_lock(&w->conns_lock);
	if (link->prev != NULL)
		link->prev->next = link->next;
	else
		w->conns = link->next;
	if (link->next != NULL)
		link->next->prev = link->prev;
	pthread_mutex_unlock(&w->conns_lock);
	__atomic_fetch_sub(&w->open_conns, 1, __ATOMIC_RELAXED);
}

/* Calls fn for one worker's conns. */
void thread_worker_conn_foreach(struct worker *w, void (*fn)(struct conn *c, int thr, void *arg),
				void *arg)
{
	pthread_mutex_lock(&w->conns_lock);
	for (struct thread_conn_link *link = w->conns; link != NULL; link = link->next)
		fn(link->conn, w->index, arg);
	pthread_mutex_unlock(&w->conns_lock);
}

/* Calls fn for every worker's conns. */
void thread_conn_foreach(void (*fn)(struct conn *c, int thr, void *arg), void *arg)
{
	for (int i = 0; i < num_workers; i++)
		thread_worker_conn_foreach(&workers[i], fn, arg);
}

/* Returns a worker's open conns. */
uint64_t thread_open_conns(struct worker *w)
{
	return __atomic_load_n(&w->open_conns, __ATOMIC_RELAXED);
}

/* Reads a worker's counters. */
void thread_counters_read(struct worker *w, struct thread_counters *out)
{
	/* Written first, as a byte is counted written before it is sent: read passes it only when
	 * a byte is both sent and read between the two loads. */
	out->notify_written = __atomic_load_n(&w->notify_written, __ATOMIC_RELAXED);
	out->notify_read = __atomic_load_n(&w->notify_read, __ATOMIC_RELAXED);
	out->open_conns = __atomic_load_n(&w->open_conns, __ATOMIC_RELAXED);
	out->dispatched = __atomic_load_n(&w->dispatched, __ATOMIC_RELAXED);
}

/* Sums every worker's counters. */
void thread_stats_aggregate(struct thread_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < num_workers; i++) {
#define THREAD_SUM_(name) out->name += STATS_GET(&workers[i].stats, name);
		STATS_THREAD_FIELDS(THREAD_SUM_)
#undef THREAD_SUM_
	}
}

/* Writes "stats threads". */
void thread_stats_write(struct resp *out)
{
	for (int i = 0; i < num_workers; i++) {
		struct worker *w = &workers[i];
		unsigned depth, max_depth;

		cq_depth(&w->new_conn_queue, &depth, &max_depth);
		resp_printf(out,
			    "STAT w%d:dispatched %llu\r\n"
			    "STAT w%d:open_conns %llu\r\n"
			    "STAT w%d:cq_depth %u\r\n"
			    "STAT w%d:cq_max_depth %u\r\n"
			    "STAT w%d:notify_read %llu\r\n",
			    i, (unsigned long long)__atomic_load_n(&w->dispatched, __ATOMIC_RELAXED),
			    i, (unsigned long long)__atomic_load_n(&w->open_conns, __ATOMIC_RELAXED),
			    i, depth, i, max_depth,
			    i, (unsigned long long)__atomic_load_n(&w->notify_read, __ATOMIC_RELAXED));
	}
}
