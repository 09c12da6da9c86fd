#include "accept.h"
#include "log.h"
#include "settings.h"
#include "stats.h"
#include "trace.h"

static bool accepting = true;    /* main thread only */
static enum accept_pause_reason pause_reason; /* main thread only: why accepting stopped */
static int accept_paused;        /* atomic: tells closing workers to wake the main thread */
static void (*listening_enable)(bool on);
static struct event *resume_event;
static struct event *emfile_retry_event;

/* Starts or stops accepting. */
void accept_new_conns(bool do_accept, enum accept_pause_reason reason)
{
	if (do_accept == accepting)
		return;
	accepting = do_accept;
	if (!do_accept) {
		pause_reason = reason;
		__atomic_store_n(&accept_paused, 1, __ATOMIC_SEQ_CST);
		listening_enable(false);
		__atomic_fetch_add(&server_stats.listen_disabled_num, 1, __ATOMIC_RELAXED);
		TRACE(accept_pause, reason);
		log_verbose(1, "stopped accepting: %s\n",
			    reason == ACCEPT_PAUSE_EMFILE ? "out of file descriptors" : "maxconns");
		if (reason == ACCEPT_PAUSE_EMFILE) {
			/* A descriptor may come free outside the server too: try again soon. */
			struct timeval tv = { 0, 10000 };
			evtimer_add(emfile_retry_event, &tv);
		} else if (__atomic_load_n(&server_stats.curr_conns, __ATOMIC_SEQ_CST) <
			   (uint64_t)settings.maxconns) {
			/* A conn closed between our check and the pause: don't wait for another. */
			event_active(resume_event, EV_TIMEOUT, 0);
		}
		return;
	}
	__atomic_store_n(&accept_paused, 0, __ATOMIC_SEQ_CST);
	TRACE(accept_resume, pause_reason);
	listening_enable(true);
	log_verbose(1, "accepting again\n");
}

/* Main thread: a conn closed while accepting was paused. */
static void resume_cb(evutil_socket_t fd, short which, void *arg)
{
	if (!accepting &&
	    __atomic_load_n(&server_stats.curr_conns, __ATOMIC_SEQ_CST) < (uint64_t)settings.maxconns)
		accept_new_conns(true, ACCEPT_PAUSE_MAXCONNS);
}

/* Main thread: try accepting again after running out of descriptors. */
static void emfile_retry_cb(evutil_socket_t fd, short which, void *arg)
{
	resume_cb(fd, which, arg);
}

/* Counts a client connection closed and wakes a paused main thread. */
void accept_conn_closed(void)
{
	__atomic_fetch_sub(&server_stats.curr_conns, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&accept_paused, __ATOMIC_SEQ_CST))
		event_active(resume_event, EV_TIMEOUT, 0);
}

/* Sets up accept pausing. */
int accept_init(struct event_base *base, void (*listening)(bool on))
{
	listening_enable = listening;
	resume_event = event_new(base, -1, 0, resume_cb, NULL);
	emfile_retry_event = evtimer_new(base, emfile_retry_cb, NULL);
	if (resume_event == NULL || emfile_retry_event == NULL) {
		log_error("cannot set up the main event loop");
		accept_destroy();
		return -1;
	}
	return 0;
}

/* Frees what accept_init set up. */
void accept_destroy(void)
{
	if (resume_event != NULL)
		event_free(resume_event);
	if (emfile_retry_event != NULL)
		event_free(emfile_retry_event);
	resume_event = emfile_retry_event = NULL;
}
