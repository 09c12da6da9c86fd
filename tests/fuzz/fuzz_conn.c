/* fuzz_conn.c: a worker and a conn on a socket, run by drive_machine for a fuzz target. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "clock.h"
#include "fuzz_conn.h"
#include "log.h"
#include "proto_text.h"
#include "settings.h"
#include "stats_write.h"
#include "storage.h"
#include "thread.h"

/* A small store: eviction is within an input's reach, and the smallest table (storage_destroy
 * walks every bucket, once per input) keeps runs fast. */
#define FUZZ_STORE_BYTES (1u << 20)

/* The one worker: "stats threads" and "stats conns" see it through workers. */
static struct worker fuzz_worker;
/* Drive calls made for the current input. */
static size_t fuzz_calls;

/* Sets up the worker. */
void fuzz_conn_setup(void)
{
	settings_init(&settings);
	clock_init();
	log_verbosity = 0;
	proto_text_set_stats(stats_write);
	fuzz_worker.base = event_base_new();
	if (fuzz_worker.base == NULL) {
		fprintf(stderr, "fuzz_conn_setup: cannot create an event base\n");
		abort();
	}
	cq_init(&fuzz_worker.new_conn_queue, 0);
	if (pthread_mutex_init(&fuzz_worker.conns_lock, NULL) != 0)
		abort();
	workers = &fuzz_worker;
	num_workers = 1;
}

/* Makes a fresh store and a conn on sfd. */
struct conn *fuzz_conn_open(int sfd, enum transport transport)
{
	static uint64_t next_id = 1;
	bool tcp = transport == TRANSPORT_TCP;
	struct conn *c;

	/* "verbosity" in one input must not make every later one log. */
	log_verbosity = 0;
	fuzz_calls = 0;
	fuzz_worker.storage = storage_create(FUZZ_STORE_BYTES, settings.item_size_max);
	if (fuzz_worker.storage == NULL)
		abort();
	/* What drive_listening (TCP) and server_socket (UDP) ask dispatch_conn_new for. */
	c = conn_new(sfd, next_id++, tcp ? conn_new_cmd : conn_read, EV_READ | EV_PERSIST,
		     tcp ? DATA_BUFFER_SIZE : UDP_READ_BUFFER_SIZE, transport, fuzz_worker.base,
		     &fuzz_worker);
	if (c == NULL) {
		fprintf(stderr, "fuzz_conn_open: conn_new failed\n");
		abort();
	}
	return c;
}

/* True when the conn has closed. */
bool fuzz_conn_closed(void)
{
	return fuzz_worker.conns == NULL;
}

/* Runs drive_machine once. */
void fuzz_conn_drive(struct conn *c, size_t max)
{
	if (++fuzz_calls > max) {
		fprintf(stderr, "fuzz_conn_drive: no progress after %zu calls (conn in %s)\n", max,
			wire_state_name(c->state));
		abort();
	}
	drive_machine(c);
}

/* True when the conn waits for bytes that are not there. */
bool fuzz_conn_waits(const struct conn *c)
{
	int pending = 0;

	return (c->ev_flags & EV_READ) && ioctl(c->sfd, FIONREAD, &pending) == 0 && pending == 0;
}

/* Frees the store. */
void fuzz_conn_finish(void)
{
	storage_destroy(fuzz_worker.storage);
	fuzz_worker.storage = NULL;
}

