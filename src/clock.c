#include "clock.h"

static time_t process_started;
static rel_time_t current_time;
static unsigned advanced;

/* Reads CLOCK_MONOTONIC in nanoseconds. */
uint64_t clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Records the start time. */
void clock_init(void)
{
	/* Started two seconds ago, so rel times 0 and 1 keep their meanings. */
	process_started = time(NULL) - 2;
	__atomic_store_n(&current_time, 2, __ATOMIC_RELAXED);
}

/* Re-reads the wall clock. */
void clock_tick(void)
{
	time_t now = time(NULL) - process_started;
	unsigned extra = __atomic_load_n(&advanced, __ATOMIC_RELAXED);

	if (now < 2)
		now = 2;
	__atomic_store_n(&current_time, (rel_time_t)now + extra, __ATOMIC_RELAXED);
}

/* Returns the current rel time. */
rel_time_t clock_now(void)
{
	return __atomic_load_n(&current_time, __ATOMIC_RELAXED);
}

/* Returns the unix start time. */
time_t clock_process_started(void)
{
	return process_started;
}

/* Moves the clock forward. */
void clock_advance(unsigned seconds)
{
	__atomic_fetch_add(&advanced, seconds, __ATOMIC_RELAXED);
	__atomic_fetch_add(&current_time, seconds, __ATOMIC_RELAXED);
}

/* Converts a protocol exptime to rel time. */
rel_time_t clock_realtime(int64_t exptime)
{
	rel_time_t now = clock_now();

	if (exptime == 0)
		return 0;
	if (exptime < 0)
		return 1;
	if (exptime > CLOCK_REALTIME_MAXDELTA) {
		/* Absolute unix time; one at or before our start is already past. */
		if (exptime <= process_started)
			return 1;
		int64_t rel = exptime - process_started;
		return rel > UINT32_MAX ? UINT32_MAX : (rel_time_t)rel;
	}
	return (rel_time_t)(exptime + now);
}
