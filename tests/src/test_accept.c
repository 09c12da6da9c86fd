/* Unit tests: accept pausing (accept.c), on an event base of the test's own. */
#include <criterion/criterion.h>
#include <event2/event.h>
#include <string.h>

#include "accept.h"
#include "settings.h"
#include "stats.h"

static struct event_base *base;
static int stops, starts;

/* Stands in for conn_listening_enable: counts what accept pausing asks of the listening conns. */
static void listening(bool on)
{
	if (on)
		starts++;
	else
		stops++;
}

/* A limit of 2 conns, 2 of them open, accepting. */
static void setup(void)
{
	base = event_base_new();
	cr_assert_not_null(base);
	settings.maxconns = 2;
	memset(&server_stats, 0, sizeof(server_stats));
	server_stats.curr_conns = 2;
	cr_assert_eq(accept_init(base, listening), 0);
}

/* Frees the events and the base. */
static void teardown(void)
{
	accept_destroy();
	event_base_free(base);
}

TestSuite(accept, .init = setup, .fini = teardown);

/* Runs whatever callbacks are ready on the base, without waiting. */
static void run_ready(void)
{
	cr_assert_neq(event_base_loop(base, EVLOOP_NONBLOCK), -1);
}

Test(accept, at_the_limit_a_close_resumes_accepting)
{
	accept_new_conns(false, ACCEPT_PAUSE_MAXCONNS);
	cr_assert_eq(stops, 1);
	cr_assert_eq(server_stats.listen_disabled_num, 1);
	run_ready();
	cr_assert_eq(starts, 0, "no conn closed: still paused");

	accept_conn_closed();
	cr_assert_eq(server_stats.curr_conns, 1);
	run_ready();
	cr_assert_eq(starts, 1);
}

Test(accept, pausing_twice_stops_the_listening_conns_once)
{
	accept_new_conns(false, ACCEPT_PAUSE_MAXCONNS);
	accept_new_conns(false, ACCEPT_PAUSE_MAXCONNS);
	cr_assert_eq(stops, 1);
	cr_assert_eq(server_stats.listen_disabled_num, 1);
}

Test(accept, a_close_before_the_pause_is_not_waited_for)
{
	/* The conn that reached the limit has closed again by the time accepting stops. */
	server_stats.curr_conns = 1;
	accept_new_conns(false, ACCEPT_PAUSE_MAXCONNS);
	cr_assert_eq(stops, 1);
	run_ready();
	cr_assert_eq(starts, 1);
}

Test(accept, a_close_while_accepting_changes_nothing_but_the_count)
{
	accept_conn_closed();
	run_ready();
	cr_assert_eq(server_stats.curr_conns, 1);
	cr_assert_eq(stops + starts, 0);
}

Test(accept, out_of_descriptors_tries_again_on_a_timer)
{
	server_stats.curr_conns = 1;
	accept_new_conns(false, ACCEPT_PAUSE_EMFILE);
	cr_assert_eq(stops, 1);
	/* Blocks until the retry timer fires, and no longer. */
	cr_assert_neq(event_base_loop(base, EVLOOP_ONCE), -1);
	cr_assert_eq(starts, 1);
}
