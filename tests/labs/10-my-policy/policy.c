/*
 * policy.c: lab 10's reference: the least deep CQ, ties to the lowest
 * worker.
 */
#include "dispatch_custom.h"

/* Picks the worker whose CQ holds the fewest connections now. */
int dispatch_custom_select(const struct dispatch_view *v)
{
	int best = 0;

	for (int i = 1; i < v->nthreads; i++)
		/* Strictly fewer: on a tie the lower worker keeps it. */
		if (v->cq_depth[i] < v->cq_depth[best])
			best = i;
	return best;
}
