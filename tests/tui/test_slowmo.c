/*
 * Slow motion's timing (tui/slowmo.c) on a clock of the test's own: it
 * pauses a running server, steps one event at a time, never sends a step
 * before the last one's event has come and a whole pace has passed since,
 * holds while space holds it, and pauses again when someone resumed.
 */
#include <criterion/criterion.h>

#include "slowmo.h"

Test(slowmo, off_it_sends_nothing)
{
	struct slowmo s;

	slowmo_init(&s, 500);
	cr_expect_eq(slowmo_tick(&s, 1000, false, 0), SLOWMO_NOTHING);
	cr_expect_eq(slowmo_tick(&s, 1000, true, 0), SLOWMO_NOTHING);
	cr_expect_eq(slowmo_wait_ms(&s, 1000), -1);
}

Test(slowmo, it_pauses_then_steps_one_event_a_pace_apart)
{
	struct slowmo s;

	slowmo_init(&s, 500);
	slowmo_start(&s);
	cr_expect_eq(slowmo_tick(&s, 1000, false, 10), SLOWMO_PAUSE);
	cr_expect_eq(slowmo_tick(&s, 1001, false, 10), SLOWMO_NOTHING, "one pause, not one a tick");
	cr_expect_eq(slowmo_wait_ms(&s, 1001), SLOWMO_PAUSE_RETRY_MS - 1);
	/* Paused: a pace for what was on its way, then the first step. */
	cr_expect_eq(slowmo_tick(&s, 1010, true, 12), SLOWMO_NOTHING);
	cr_expect_eq(slowmo_wait_ms(&s, 1010), 500);
	cr_expect_eq(slowmo_tick(&s, 1509, true, 12), SLOWMO_NOTHING);
	cr_expect_eq(slowmo_tick(&s, 1510, true, 12), SLOWMO_STEP);
	/* Its event has not come: nothing more, however long it takes. */
	cr_expect_eq(slowmo_tick(&s, 9000, true, 12), SLOWMO_NOTHING);
	cr_expect_eq(slowmo_wait_ms(&s, 9000), -1, "only an event moves it on");
	/* It came at 9000: the next step a whole pace after that. */
	cr_expect_eq(slowmo_tick(&s, 9000, true, 13), SLOWMO_NOTHING);
	cr_expect_eq(slowmo_tick(&s, 9499, true, 13), SLOWMO_NOTHING);
	cr_expect_eq(slowmo_wait_ms(&s, 9499), 1);
	cr_expect_eq(slowmo_tick(&s, 9500, true, 13), SLOWMO_STEP);
	cr_expect_eq(slowmo_tick(&s, 9600, true, 14), SLOWMO_NOTHING);
	cr_expect_eq(slowmo_tick(&s, 10100, true, 14), SLOWMO_STEP);
}

Test(slowmo, space_holds_it_and_lets_it_go_on)
{
	struct slowmo s;

	slowmo_init(&s, 200);
	slowmo_start(&s);
	cr_expect_eq(slowmo_tick(&s, 0, true, 0), SLOWMO_NOTHING);
	cr_expect_eq(slowmo_tick(&s, 200, true, 0), SLOWMO_STEP);
	slowmo_hold(&s, true);
	cr_expect_eq(slowmo_tick(&s, 300, true, 1), SLOWMO_NOTHING);
	cr_expect_eq(slowmo_tick(&s, 5000, true, 1), SLOWMO_NOTHING, "held, nothing is stepped");
	cr_expect_eq(slowmo_wait_ms(&s, 5000), -1);
	slowmo_hold(&s, false);
	cr_expect_eq(slowmo_tick(&s, 5001, true, 1), SLOWMO_STEP);
}

Test(slowmo, a_resume_from_elsewhere_is_paused_again)
{
	struct slowmo s;

	slowmo_init(&s, 100);
	slowmo_start(&s);
	cr_expect_eq(slowmo_tick(&s, 0, true, 0), SLOWMO_NOTHING);
	cr_expect_eq(slowmo_tick(&s, 100, true, 0), SLOWMO_STEP);
	/* Resumed: the step awaited was dropped by the server; pause, wait a pace, step. */
	cr_expect_eq(slowmo_tick(&s, 150, false, 0), SLOWMO_PAUSE);
	cr_expect_eq(slowmo_tick(&s, 160, true, 40), SLOWMO_NOTHING);
	cr_expect_eq(slowmo_tick(&s, 260, true, 40), SLOWMO_STEP);
	/* A pause nobody answered is sent again, after a while. */
	cr_expect_eq(slowmo_tick(&s, 300, false, 41), SLOWMO_PAUSE);
	cr_expect_eq(slowmo_tick(&s, 300 + SLOWMO_PAUSE_RETRY_MS - 1, false, 41), SLOWMO_NOTHING);
	cr_expect_eq(slowmo_tick(&s, 300 + SLOWMO_PAUSE_RETRY_MS, false, 41), SLOWMO_PAUSE);
	slowmo_stop(&s);
	cr_expect_eq(slowmo_tick(&s, 9000, false, 41), SLOWMO_NOTHING);
	cr_expect_eq(s.ms, 100u, "stopping keeps the pace");
}

Test(slowmo, the_pace_halves_and_doubles_within_bounds)
{
	struct slowmo s;

	slowmo_init(&s, 10);
	cr_expect_eq(s.ms, (unsigned)SLOWMO_MIN_MS);
	slowmo_init(&s, 500);
	cr_expect_eq(slowmo_pace(&s, 1), 250u);
	cr_expect_eq(slowmo_pace(&s, -1), 500u);
	for (int i = 0; i < 10; i++)
		slowmo_pace(&s, 1);
	cr_expect_eq(s.ms, (unsigned)SLOWMO_MIN_MS);
	for (int i = 0; i < 10; i++)
		slowmo_pace(&s, -1);
	cr_expect_eq(s.ms, (unsigned)SLOWMO_MAX_MS);
}
