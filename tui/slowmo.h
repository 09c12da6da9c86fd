/*
 * slowmo.h: slow motion: the server stepped one event every few hundred
 * milliseconds, so that a class watches a hand-off happen without anyone
 * pressing n. Only the server's own step control moves it (pause, then
 * "step 1" on a timer), so what the screen shows is what the server did,
 * in its order.
 *
 * One step at a time: the next step is sent only once the last one's
 * event has come in, and a whole pace after it. A step sent while no
 * thread waits at a gate is kept by the server for the next thread that
 * comes; were steps sent on the clock alone they would pile up while the
 * server is idle and come out as a burst. Pacing from the event's arrival
 * keeps any two stepped events at least the pace apart.
 *
 * This module decides what to send and when; the dashboard sends it. No
 * curses, no sockets.
 */
#ifndef MCSCOPE_TUI_SLOWMO_H
#define MCSCOPE_TUI_SLOWMO_H

#include <stdbool.h>
#include <stdint.h>

#define SLOWMO_DEFAULT_MS 500
#define SLOWMO_MIN_MS 50
#define SLOWMO_MAX_MS 5000
/* A pause that went unanswered (another client resumed the server, say) is sent again after this. */
#define SLOWMO_PAUSE_RETRY_MS 1000

/* What the dashboard should send the server now. */
enum slowmo_send { SLOWMO_NOTHING, SLOWMO_PAUSE, SLOWMO_STEP };

struct slowmo {
	bool on;
	bool held;            /* space held it: nothing is stepped, the server stays paused */
	unsigned ms;          /* the pace: at least this long between two stepped events */
	bool stepping;        /* a step was sent and its event has not come yet */
	uint64_t events;      /* the server's thread events counted when that step was sent */
	bool paused_seen;     /* the server has been seen paused since slow motion began */
	uint64_t due_ms;      /* the next step goes no earlier */
	uint64_t pause_sent_ms; /* when a pause was last sent, 0 when none is awaited */
};

/* Sets s up off, at pace ms (clamped to SLOWMO_MIN_MS..SLOWMO_MAX_MS). */
void slowmo_init(struct slowmo *s, unsigned ms);

/* Starts stepping at s's pace: pauses the server first when it runs. */
void slowmo_start(struct slowmo *s);

/* Stops stepping (the dashboard resumes the server). */
void slowmo_stop(struct slowmo *s);

/* Holds stepping, or lets it go on (space while in slow motion). */
void slowmo_hold(struct slowmo *s, bool held);

/* Halves the pace (faster > 0) or doubles it, within the bounds; returns the new pace. */
unsigned slowmo_pace(struct slowmo *s, int faster);

/*
 * What to send at monotonic time now_ms, the server being paused or not
 * and having done thread_events events (the model's thread_events) so
 * far; a step or a pause returned counts as sent.
 */
enum slowmo_send slowmo_tick(struct slowmo *s, uint64_t now_ms, bool paused, uint64_t thread_events);

/* How long from now_ms until slowmo_tick may have something to send, if no event comes first;
 * -1 when only an event can change that. */
int slowmo_wait_ms(const struct slowmo *s, uint64_t now_ms);

#endif
