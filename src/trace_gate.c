#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "settings.h"
#include "trace.h"
#include "trace_gate.h"

/* Main and every worker (-t allows 256). */
#define GATE_THREADS (SETTINGS_MAX_THREADS + 1)

/* One thread waiting at a gate, on its own stack; waiters form a FIFO of arrival. */
struct gate_waiter {
	int thr;
	struct gate_waiter *next;
};

static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static struct {
	bool paused;
	bool shutdown;
	unsigned tokens;                     /* trace points step still lets through */
	unsigned thr_tokens[GATE_THREADS];   /* what step main / step wK still lets that thread through */
	bool frozen[GATE_THREADS];           /* by ring index: 0 main, 1 + K worker K */
	uint64_t break_mask;
	int break_state;
	struct gate_waiter *head, *tail;
} g = { .break_state = -1 };
static unsigned delay_ms[GATE_THREADS]; /* atomic: read before taking the lock */

/* True when anything makes a thread stop or wait; called with gate_lock held. */
static bool gates_active(void)
{
	if (g.paused || g.break_mask != 0 || g.break_state >= 0)
		return true;
	for (int i = 0; i < GATE_THREADS; i++)
		if (g.frozen[i] || __atomic_load_n(&delay_ms[i], __ATOMIC_RELAXED) != 0)
			return true;
	return false;
}

/* Turns the trace points' gate check on or off to match the gates; gate_lock held. */
static void gates_update(void)
{
	if (gates_active() && !g.shutdown)
		__atomic_fetch_or(&trace_on, TRACE_GATES, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&trace_on, ~TRACE_GATES, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&gate_cond);
}

/* True when thread index i must not run on by itself; gate_lock held. */
static bool must_wait(int i)
{
	return !g.shutdown && (g.paused || g.frozen[i]);
}

/* Adds n to a token count; a count that would wrap stays at its most instead. */
static void tokens_add(unsigned *tokens, unsigned n)
{
	*tokens = *tokens > UINT_MAX - n ? UINT_MAX : *tokens + n;
}

/* True when w is the oldest waiter that a step may release; gate_lock held. */
static bool next_to_step(const struct gate_waiter *w)
{
	for (const struct gate_waiter *x = g.head; x != NULL; x = x->next)
		if (!g.frozen[x->thr + 1])
			return x == w;
	return false;
}

/* Sleeps ms milliseconds. */
static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Records a step-mode event from the calling thread. */
static void gate_record(enum wire_event ev, enum wire_event at, uint64_t conn)
{
	/* gate and paused both carry at= and conn=, in that order. */
	struct trace_rec r = { .ev = ev, .v = { at, (int64_t)conn } };

	trace_record(&r);
}

/* Waits while the calling thread is gated. */
void trace_gate(int thr, enum wire_event ev, uint64_t conn, int to_state)
{
	int i = thr + 1;
	unsigned delay;
	struct gate_waiter me = { .thr = thr };

	if (i < 0 || i >= GATE_THREADS)
		return;
	delay = __atomic_load_n(&delay_ms[i], __ATOMIC_RELAXED);
	if (delay > 0)
		sleep_ms(delay);
	pthread_mutex_lock(&gate_lock);
	if (!g.paused && !g.shutdown &&
	    ((g.break_mask >> ev & 1) || (ev == EVT_state && to_state >= 0 && to_state == g.break_state))) {
		g.paused = true;
		gates_update();
		gate_record(EVT_paused, ev, conn);
	}
	if (!must_wait(i)) {
		pthread_mutex_unlock(&gate_lock);
		return;
	}
	if (g.tail != NULL)
		g.tail->next = &me;
	else
		g.head = &me;
	g.tail = &me;
	gate_record(EVT_gate, ev, conn);
	/* A step of its own lets it through whatever the order; a plain step takes the oldest. */
	while (must_wait(i) && g.thr_tokens[i] == 0 && !(g.tokens > 0 && next_to_step(&me)))
		pthread_cond_wait(&gate_cond, &gate_lock);
	if (must_wait(i) && g.thr_tokens[i] > 0)
		g.thr_tokens[i]--;
	else if (must_wait(i))
		g.tokens--;
	/* Leave the FIFO and let the next waiter check for a token. */
	struct gate_waiter **p = &g.head;
	while (*p != &me)
		p = &(*p)->next;
	*p = me.next;
	if (g.tail == &me) {
		g.tail = NULL;
		for (struct gate_waiter *x = g.head; x != NULL; x = x->next)
			g.tail = x;
	}
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

/* Pauses every thread. */
bool trace_gate_pause(void)
{
	bool was;

	pthread_mutex_lock(&gate_lock);
	was = g.paused;
	g.paused = true;
	g.tokens = 0;
	memset(g.thr_tokens, 0, sizeof(g.thr_tokens));
	gates_update();
	pthread_mutex_unlock(&gate_lock);
	return !was;
}

/* Resumes every thread. */
bool trace_gate_resume(void)
{
	bool was;

	pthread_mutex_lock(&gate_lock);
	was = g.paused;
	g.paused = false;
	g.tokens = 0;
	memset(g.thr_tokens, 0, sizeof(g.thr_tokens));
	gates_update();
	pthread_mutex_unlock(&gate_lock);
	return was;
}

/* Lets n trace points through. */
bool trace_gate_step(unsigned n)
{
	bool paused;

	pthread_mutex_lock(&gate_lock);
	paused = g.paused;
	if (paused)
		tokens_add(&g.tokens, n);
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
	return paused;
}

/* True when thread thr waits at a gate now; gate_lock held. */
static bool waiting_now(int thr)
{
	for (const struct gate_waiter *x = g.head; x != NULL; x = x->next)
		if (x->thr == thr)
			return true;
	return false;
}

/* Lets n trace points of one thread through. */
enum trace_gate_step trace_gate_step_thread(int thr, unsigned n)
{
	int i = thr + 1;
	enum trace_gate_step step;

	if (i < 0 || i >= GATE_THREADS)
		return TRACE_GATE_STEP_REFUSED;
	pthread_mutex_lock(&gate_lock);
	if (!must_wait(i)) {
		step = TRACE_GATE_STEP_REFUSED;
	} else {
		/* Kept when it is not at a gate: its next trace points use them, without anyone waiting. */
		step = waiting_now(thr) ? TRACE_GATE_STEP_WAITING : TRACE_GATE_STEP_IDLE;
		tokens_add(&g.thr_tokens[i], n);
		pthread_cond_broadcast(&gate_cond);
	}
	pthread_mutex_unlock(&gate_lock);
	return step;
}

/* Freezes or thaws a worker. */
void trace_gate_freeze(int worker, bool frozen)
{
	if (worker < 0 || worker + 1 >= GATE_THREADS)
		return;
	pthread_mutex_lock(&gate_lock);
	g.frozen[worker + 1] = frozen;
	/* Thawed and not paused, it runs free: steps kept for it would surprise the next freeze. */
	if (!must_wait(worker + 1))
		g.thr_tokens[worker + 1] = 0;
	gates_update();
	pthread_mutex_unlock(&gate_lock);
}

/* Sets a worker's delay. */
void trace_gate_delay(int worker, unsigned ms)
{
	if (worker < 0 || worker + 1 >= GATE_THREADS)
		return;
	pthread_mutex_lock(&gate_lock);
	__atomic_store_n(&delay_ms[worker + 1], ms, __ATOMIC_RELAXED);
	gates_update();
	pthread_mutex_unlock(&gate_lock);
}

/* Reads a worker's delay. */
unsigned trace_gate_delay_of(int worker)
{
	if (worker < 0 || worker + 1 >= GATE_THREADS)
		return 0;
	return __atomic_load_n(&delay_ms[worker + 1], __ATOMIC_RELAXED);
}

/* Sets the breakpoints. */
void trace_gate_break(uint64_t ev_mask, int break_state)
{
	pthread_mutex_lock(&gate_lock);
	g.break_mask = ev_mask;
	g.break_state = break_state;
	gates_update();
	pthread_mutex_unlock(&gate_lock);
}

/* True while paused. */
bool trace_gate_paused(void)
{
	bool paused;

	pthread_mutex_lock(&gate_lock);
	paused = g.paused;
	pthread_mutex_unlock(&gate_lock);
	return paused;
}

/* Clears every gate. */
void trace_gate_reset(void)
{
	pthread_mutex_lock(&gate_lock);
	g.paused = false;
	g.tokens = 0;
	memset(g.thr_tokens, 0, sizeof(g.thr_tokens));
	g.break_mask = 0;
	g.break_state = -1;
	memset(g.frozen, 0, sizeof(g.frozen));
	for (int i = 0; i < GATE_THREADS; i++)
		__atomic_store_n(&delay_ms[i], 0, __ATOMIC_RELAXED);
	gates_update();
	pthread_mutex_unlock(&gate_lock);
}

/* Opens every gate for good. */
void trace_gate_shutdown(void)
{
	pthread_mutex_lock(&gate_lock);
	g.shutdown = true;
	gates_update();
	pthread_mutex_unlock(&gate_lock);
	trace_gate_reset();
}
