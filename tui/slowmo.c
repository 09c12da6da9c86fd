#include "slowmo.h"

/* Returns ms within the pace's bounds. */
static unsigned clamp(unsigned ms)
{
	if (ms < SLOWMO_MIN_MS)
		return SLOWMO_MIN_MS;
	return ms > SLOWMO_MAX_MS ? SLOWMO_MAX_MS : ms;
}

/* Sets s up off. */
void slowmo_init(struct slowmo *s, unsigned ms)
{
	*s = (struct slowmo){ .ms = clamp(ms) };
}

/* Starts stepping. */
void slowmo_start(struct slowmo *s)
{
	slowmo_init(s, s->ms);
	s->on = true;
}

/* Stops stepping. */
void slowmo_stop(struct slowmo *s)
{
	slowmo_init(s, s->ms);
}

/* Holds stepping or lets it go on. */
void slowmo_hold(struct slowmo *s, bool held)
{
	s->held = held;
}

/* Changes the pace. */
unsigned slowmo_pace(struct slowmo *s, int faster)
{
	s->ms = clamp(faster > 0 ? s->ms / 2 : s->ms * 2);
	return s->ms;
}

/* Says what to send now. */
enum slowmo_send slowmo_tick(struct slowmo *s, uint64_t now_ms, bool paused, uint64_t thread_events)
{
	if (!s->on)
		return SLOWMO_NOTHING;
	if (!paused) {
		/* A resume drops the steps not yet taken: the one awaited will not come. */
		s->stepping = false;
		s->paused_seen = false;
		if (s->held || (s->pause_sent_ms != 0 && now_ms - s->pause_sent_ms < SLOWMO_PAUSE_RETRY_MS))
			return SLOWMO_NOTHING;
		s->pause_sent_ms = now_ms;
		return SLOWMO_PAUSE;
	}
	s->pause_sent_ms = 0;
	if (!s->paused_seen) {
		/* Events recorded just before the pause may still be on their way: let them come in
		 * before counting, so that none of them passes for a step's. */
		s->paused_seen = true;
		s->due_ms = now_ms + s->ms;
	}
	if (s->stepping) {
		if (thread_events == s->events)
			return SLOWMO_NOTHING;
		s->stepping = false;
		s->due_ms = now_ms + s->ms;
	}
	if (s->held || now_ms < s->due_ms)
		return SLOWMO_NOTHING;
	s->stepping = true;
	s->events = thread_events;
	return SLOWMO_STEP;
}

/* Says how long until there may be something to send. */
int slowmo_wait_ms(const struct slowmo *s, uint64_t now_ms)
{
	if (!s->on || s->held || s->stepping)
		return -1;
	if (s->pause_sent_ms != 0)
		return (int)(s->pause_sent_ms + SLOWMO_PAUSE_RETRY_MS > now_ms
				     ? s->pause_sent_ms + SLOWMO_PAUSE_RETRY_MS - now_ms
				     : 0);
	if (!s->paused_seen)
		return 0;
	return (int)(s->due_ms > now_ms ? s->due_ms - now_ms : 0);
}
