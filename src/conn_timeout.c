#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "conn_timeout.h"
#include "log.h"
#include "settings.h"
#include "stats.h"
#include "thread.h"
#include "trace.h"

static pthread_t timeout_thread;
static bool timeout_started;
/* Whether the thread runs on; it sleeps on timeout_cond, so that a stop need not wait. */
static pthread_mutex_t timeout_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t timeout_cond;
static bool do_run_conn_timeout_thread;

/* One pass over the conns: when it started, and the oldest last command of a conn not yet
 * idle long enough, from which the next expiry follows. */
struct timeout_pass {
	rel_time_t now;
	rel_time_t oldest;
};

/* True when c waits for its next command (memcached: conn_new_cmd or conn_read), over TCP. */
static bool conn_waits_for_command(const struct conn *c)
{
	enum conn_states state = __atomic_load_n(&c->state, __ATOMIC_RELAXED);

	return c->transport == TRANSPORT_TCP && (state == conn_new_cmd || state == conn_read);
}

/* Tells whether a conn is idle. */
bool conn_is_idle(const struct conn *c, rel_time_t now, int idle_timeout)
{
	rel_time_t last = __atomic_load_n(&c->last_cmd_time, __ATOMIC_RELAXED);

	return idle_timeout > 0 && conn_waits_for_command(c) && now > last &&
	       now - last > (rel_time_t)idle_timeout;
}

/* The timeout thread, under c's worker's list lock: kicks c if it is idle, else notes when it
 * could be. */
static void timeout_check(struct conn *c, int thr, void *arg)
{
	struct timeout_pass *pass = arg;
	rel_time_t last = __atomic_load_n(&c->last_cmd_time, __ATOMIC_RELAXED);

	if (conn_is_idle(c, pass->now, settings.idle_timeout)) {
		if (thread_notify_timeout(c->worker, c->sfd) != 0)
			log_error("conn_timeout: cannot notify worker %d about fd %d", thr, c->sfd);
		return;
	}
	if (conn_waits_for_command(c) && last < pass->oldest)
		pass->oldest = last;
}

/* Seconds until the soonest next expiry: at least 1, at most idle_timeout + 1 (a conn that
 * starts to wait now expires no sooner). */
static unsigned timeout_sleep_seconds(const struct timeout_pass *pass, int idle_timeout)
{
	rel_time_t waited = pass->now > pass->oldest ? pass->now - pass->oldest : 0;
	long long sleep = (long long)idle_timeout + 1 - (long long)waited;

	return sleep < 1 ? 1 : (unsigned)sleep;
}

/* The conn_timeout thread: a pass over every conn, then a sleep, until stopped. */
static void *conn_timeout_thread(void *arg)
{
	trace_thread_register(TRACE_THR_TIMEOUT);
	pthread_mutex_lock(&timeout_lock);
	while (do_run_conn_timeout_thread) {
		struct timeout_pass pass;
		struct timespec until;
		unsigned secs;

		pthread_mutex_unlock(&timeout_lock);
		pass.now = clock_now();
		pass.oldest = pass.now;
		thread_conn_foreach(timeout_check, &pass);
		secs = timeout_sleep_seconds(&pass, settings.idle_timeout);
		log_verbose(3, "idle timeout thread finished pass, sleeping for %us\n", secs);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += (time_t)secs;
		pthread_mutex_lock(&timeout_lock);
		/* memcached sleeps in usleep; a condition lets a stop wake it at once. */
		while (do_run_conn_timeout_thread &&
		       pthread_cond_timedwait(&timeout_cond, &timeout_lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&timeout_lock);
	return NULL;
}

/* Finds the TCP conn on an fd (a worker's list walk). */
struct conn_by_fd {
	int fd;
	struct conn *found;
};

/* Remembers c when it is the conn on the fd looked for. */
static void conn_match_fd(struct conn *c, int thr, void *arg)
{
	struct conn_by_fd *q = arg;

	if (c->sfd == q->fd && c->transport == TRANSPORT_TCP)
		q->found = c;
}

/* Closes a worker's idle conn on fd. */
bool conn_close_idle(struct worker *w, int fd)
{
	struct conn_by_fd q = { fd, NULL };

	thread_worker_conn_foreach(w, conn_match_fd, &q);
	/* Only this worker takes conns off its list, so the conn found outlives the walk. */
	if (q.found == NULL || !conn_is_idle(q.found, clock_now(), settings.idle_timeout))
		return false;
	log_verbose(2, "<%d closing idle connection\n", fd);
	STATS_INCR(&w->stats, idle_kicks);
	q.found->close_reason = CLOSE_IDLE;
	conn_set_state(q.found, conn_closing);
	drive_machine(q.found);
	return true;
}

/* Starts the timeout thread. */
int start_conn_timeout_thread(void)
{
	pthread_condattr_t attr;
	int rc;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	rc = pthread_cond_init(&timeout_cond, &attr);
	pthread_condattr_destroy(&attr);
	if (rc != 0) {
		log_error("cannot set up the conn_timeout thread: %s", strerror(rc));
		return -1;
	}
	do_run_conn_timeout_thread = true;
	rc = pthread_create(&timeout_thread, NULL, conn_timeout_thread, NULL);
	if (rc != 0) {
		log_error("cannot start the conn_timeout thread: %s", strerror(rc));
		pthread_cond_destroy(&timeout_cond);
		return -1;
	}
	timeout_started = true;
	return 0;
}

/* Stops the timeout thread. */
void stop_conn_timeout_thread(void)
{
	if (!timeout_started)
		return;
	pthread_mutex_lock(&timeout_lock);
	do_run_conn_timeout_thread = false;
	pthread_cond_signal(&timeout_cond);
	pthread_mutex_unlock(&timeout_lock);
	pthread_join(timeout_thread, NULL);
	pthread_cond_destroy(&timeout_cond);
	timeout_started = false;
}
