#include <stdint.h>
#ifdef __GLIBC__ /* stdint.h has told us */
#include <malloc.h>
#endif

#include "log.h"
#include "settings.h"
#include "trace.h"
#include "trace_release.h"

/* What departed clients held since memory was last handed back: the publisher's alone. */
static size_t pending;

/* Counts what a departing client held; true when enough has gone to hand memory back. */
bool trace_release_left(size_t held, bool last)
{
	pending += held;
	if (pending == 0 || (pending < settings.trace_release && !last))
		return false;
	log_verbose(1, "trace: clients that left held %zu bytes: returning free memory\n", pending);
	pending = 0;
	return true;
}

/* Hands free memory back to the system. */
void trace_release_run(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
	__atomic_fetch_add(&trace_counters.trims, 1, __ATOMIC_RELAXED);
#endif
	/* Other allocators return free memory on their own terms. */
}
