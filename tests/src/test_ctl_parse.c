/* Unit tests: the control-line parser. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_parse.h"

#define EV(name) (UINT64_C(1) << EVT_##name)
#define ALL_EVENTS ((UINT64_C(1) << EVT_MAX) - 1)

static struct ctl_cmd got;
static char err[256];

/* Parses len bytes for a server with nthreads workers, from an exact-size copy so ASan sees any over-read. */
static int parse_n(const char *line, size_t len, int nthreads)
{
	char *copy = NULL;
	int rc;

	if (line != NULL) {
		copy = malloc(len > 0 ? len : 1);
		cr_assert_not_null(copy);
		memcpy(copy, line, len);
	}
	memset(err, '#', sizeof(err));
	memset(&got, 0xab, sizeof(got));
	rc = ctl_parse(copy, len, nthreads, &got, err, sizeof(err));
	free(copy);
	return rc;
}

/* Parses a C string for a 4-worker server. */
static int parse(const char *line)
{
	return parse_n(line, strlen(line), 4);
}

/* The struct a command gets before its arguments fill it in. */
static struct ctl_cmd base(enum wire_ctl cmd)
{
	struct ctl_cmd c;

	memset(&c, 0, sizeof(c));
	c.cmd = cmd;
	c.worker = -1;
	c.break_state = -1;
	c.thr = CTL_THR_ANY;
	return c;
}

/* Asserts that line parses (for nthreads workers) into exactly want. */
static void expect_ok_n(const char *line, int nthreads, struct ctl_cmd want)
{
	cr_assert_eq(parse_n(line, strlen(line), nthreads), 0, "'%s': %s", line, err);
	cr_expect_eq(got.cmd, want.cmd, "'%s': cmd", line);
	cr_expect_eq(got.off, want.off, "'%s': off", line);
	cr_expect_eq(got.count, want.count, "'%s': count %u", line, got.count);
	cr_expect_eq(got.thr, want.thr, "'%s': thr %d", line, got.thr);
	cr_expect_eq(got.worker, want.worker, "'%s': worker %d", line, got.worker);
	cr_expect_eq(got.delay_ms, want.delay_ms, "'%s': delay_ms %u", line, got.delay_ms);
	cr_expect_eq(got.policy, want.policy, "'%s': policy", line);
	cr_expect_eq(got.ev_mask, want.ev_mask, "'%s': ev_mask %#llx", line,
		     (unsigned long long)got.ev_mask);
	for (int i = 0; i < CTL_THR_WORDS; i++)
		cr_expect_eq(got.thr_mask[i], want.thr_mask[i], "'%s': thr_mask[%d] %#llx", line, i,
			     (unsigned long long)got.thr_mask[i]);
	cr_expect_eq(got.break_state, want.break_state, "'%s': break_state %d", line,
		     got.break_state);
}

/* expect_ok_n for a 4-worker server. */
static void expect_ok(const char *line, struct ctl_cmd want)
{
	expect_ok_n(line, 4, want);
}

/* Asserts that line (len bytes, nthreads workers) is refused with reason why and out untouched. */
static void expect_bad_n(const char *line, size_t len, int nthreads, const char *why)
{
	unsigned char untouched[sizeof(got)];
	const char *shown = line != NULL ? line : "";

	cr_assert_eq(parse_n(line, len, nthreads), -1, "'%.*s' was accepted", (int)len, shown);
	cr_expect_str_eq(err, why, "'%.*s'", (int)(len > 60 ? 60 : len), shown);
	memset(untouched, 0xab, sizeof(untouched));
	cr_expect(memcmp(&got, untouched, sizeof(got)) == 0, "a refused line leaves out alone");
}

/* expect_bad_n for a C string and a 4-worker server. */
static void expect_bad(const char *line, const char *why)
{
	expect_bad_n(line, strlen(line), 4, why);
}

Test(ctl_parse, pause_and_resume)
{
	expect_ok("pause", base(CTL_pause));
	expect_ok("resume", base(CTL_resume));
}

Test(ctl_parse, step)
{
	struct ctl_cmd want = base(CTL_step);

	want.count = 1;
	expect_ok("step", want);
	expect_ok("step 1", want);
	want.count = 25;
	expect_ok("step 25", want);
	want.count = 1000000;
	expect_ok("step 1000000", want);
	want.count = 7;
	expect_ok("step 007", want);
}

Test(ctl_parse, step_one_thread)
{
	struct ctl_cmd want = base(CTL_step);

	want.count = 1;
	want.thr = -1;
	expect_ok("step main", want);
	want.count = 5;
	expect_ok("step main 5", want);
	want.count = 1;
	want.thr = 0;
	expect_ok("step w0", want);
	want.thr = 3;
	want.count = 1000000;
	expect_ok("step w3 1000000", want);
	want.thr = 2;
	want.count = 2;
	expect_ok(" step\tw2  2 \r", want);
	/* One worker: w0 is the only name. */
	want.thr = 0;
	want.count = 1;
	expect_ok_n("step w0", 1, want);
}

Test(ctl_parse, bad_step_threads)
{
	expect_bad("step w4", "no worker w4 (w0-w3)");
	expect_bad("step w9 2", "no worker w9 (w0-w3)");
	expect_bad("step w01", "bad worker name 'w01' (w0-w3)");
	expect_bad("step w", "bad worker name 'w' (w0-w3)");
	expect_bad("step wx 2", "bad worker name 'wx' (w0-w3)");
	expect_bad_n("step w0", 7, 0, "no worker w0 (no workers)");
	expect_bad("step main w1", "step names one thread (usage: step [main|wK] [N])");
	expect_bad("step w1 w2", "step names one thread (usage: step [main|wK] [N])");
	expect_bad("step w1 main", "step names one thread (usage: step [main|wK] [N])");
	expect_bad("step 2 w1", "too many arguments (usage: step [main|wK] [N])");
	expect_bad("step main 1 2", "too many arguments (usage: step [main|wK] [N])");
	expect_bad("step w1 0", "step count must be 1-1000000");
	expect_bad("step main 1000001", "step count must be 1-1000000");
	expect_bad("step main x", "step count must be 1-1000000");
	/* Names are exact and lowercase, as the stream writes them. */
	expect_bad("step MAIN", "step count must be 1-1000000");
	expect_bad("step W1", "step count must be 1-1000000");
	expect_bad("step mainx", "step count must be 1-1000000");
}

Test(ctl_parse, freeze_and_thaw)
{
	struct ctl_cmd want = base(CTL_freeze);

	want.worker = 0;
	expect_ok("freeze w0", want);
	want.worker = 3;
	expect_ok("freeze w3", want);
	want = base(CTL_thaw);
	want.worker = 2;
	expect_ok("thaw w2", want);
}

Test(ctl_parse, break_forms)
{
	struct ctl_cmd want = base(CTL_break);

	want.ev_mask = EV(accept) | EV(dispatch);
	expect_ok("break ev=accept,dispatch", want);
	want.ev_mask = EV(gate);
	expect_ok("break ev=gate,gate", want);

	want = base(CTL_break);
	want.break_state = conn_read;
	expect_ok("break state to=conn_read", want);
	want.break_state = conn_listening;
	expect_ok("break state to=conn_listening", want);

	want = base(CTL_break);
	want.off = true;
	expect_ok("break off", want);
}

Test(ctl_parse, dispatch)
{
	struct ctl_cmd want = base(CTL_dispatch);

	want.policy = DISPATCH_RR;
	expect_ok("dispatch rr", want);
	want.policy = DISPATCH_LEAST;
	expect_ok("dispatch least", want);
	want.policy = DISPATCH_RANDOM;
	expect_ok("dispatch random", want);
}

Test(ctl_parse, delay)
{
	struct ctl_cmd want = base(CTL_delay);

	want.worker = 1;
	want.delay_ms = 250;
	expect_ok("delay w1 250", want);
	want.worker = 3;
	want.delay_ms = 0;
	expect_ok("delay w3 0", want);
	want.worker = 0;
	want.delay_ms = 10000;
	expect_ok("delay w0 10000", want);
}

Test(ctl_parse, filter_forms)
{
	struct ctl_cmd want = base(CTL_filter);

	want.ev_mask = EV(cq_push) | EV(cq_pop);
	want.thr_mask[0] = 1u << 0 | 1u << 3; /* main, w2 */
	expect_ok("filter ev=cq_push,cq_pop thr=main,w2", want);
	expect_ok("filter thr=w2,main ev=cq_pop,cq_push", want);

	/* A part left out means everything: all events, or main, w0-w3 and the timeout thread. */
	want.ev_mask = EV(state);
	want.thr_mask[0] = 0x1f;
	want.thr_mask[CTL_THR_TIMEOUT_BIT / 64] |= UINT64_C(1) << (CTL_THR_TIMEOUT_BIT % 64);
	expect_ok("filter ev=state", want);
	want.ev_mask = ALL_EVENTS;
	memset(want.thr_mask, 0, sizeof(want.thr_mask));
	want.thr_mask[0] = 1u << 4; /* w3 */
	expect_ok("filter thr=w3", want);
	cr_assert_not(ctl_thr_has(&got, WIRE_THR_TIMEOUT));

	/* The timeout thread by name, on a bit of its own after every worker a server can have. */
	memset(want.thr_mask, 0, sizeof(want.thr_mask));
	want.thr_mask[0] = 1u << 1; /* w0 */
	want.thr_mask[CTL_THR_TIMEOUT_BIT / 64] |= UINT64_C(1) << (CTL_THR_TIMEOUT_BIT % 64);
	expect_ok("filter thr=timeout,w0", want);
	cr_assert(ctl_thr_has(&got, WIRE_THR_TIMEOUT));
	cr_assert_not(ctl_thr_has(&got, WIRE_THR_MAIN));

	want = base(CTL_filter);
	want.off = true;
	expect_ok("filter off", want);
}

Test(ctl_parse, filter_thread_mask_spans_words)
{
	struct ctl_cmd want = base(CTL_filter);

	want.ev_mask = ALL_EVENTS;
	want.thr_mask[0] = 1u << 1;              /* w0 */
	want.thr_mask[1] = UINT64_C(1) << 0;     /* w63 */
	want.thr_mask[4] = UINT64_C(1) << 0;     /* w255 */
	expect_ok_n("filter thr=w0,w63,w255", 256, want);
	cr_assert(ctl_thr_has(&got, 0));
	cr_assert(ctl_thr_has(&got, 63));
	cr_assert(ctl_thr_has(&got, 255));
	cr_assert_not(ctl_thr_has(&got, 62));
	cr_assert_not(ctl_thr_has(&got, -1));
	cr_assert_not(ctl_thr_has(&got, 256), "out of range is never set");

	want = base(CTL_filter);
	want.ev_mask = EV(accept);
	for (int bit = 0; bit <= 256; bit++)
		want.thr_mask[bit / 64] |= UINT64_C(1) << (bit % 64);
	want.thr_mask[CTL_THR_TIMEOUT_BIT / 64] |= UINT64_C(1) << (CTL_THR_TIMEOUT_BIT % 64);
	expect_ok_n("filter ev=accept", 256, want);
	cr_assert_not(ctl_thr_has(&got, 256), "out of range is never set, next to the timeout bit");

	want = base(CTL_freeze);
	want.worker = 255;
	expect_ok_n("freeze w255", 256, want);
	expect_bad_n("freeze w256", 11, 256, "no worker w256 (w0-w255)");
}

Test(ctl_parse, every_wire_name_parses)
{
	char line[128];

	for (int ev = 0; ev < EVT_MAX; ev++) {
		struct ctl_cmd want = base(CTL_break);

		want.ev_mask = UINT64_C(1) << ev;
		snprintf(line, sizeof(line), "break ev=%s", wire_event_name((enum wire_event)ev));
		expect_ok(line, want);
	}
	for (int st = 0; st < conn_max_state; st++) {
		struct ctl_cmd want = base(CTL_break);

		want.break_state = st;
		snprintf(line, sizeof(line), "break state to=%s", wire_state_name((enum conn_states)st));
		expect_ok(line, want);
	}
	/* Every command is known, whatever it makes of no arguments. */
	for (int cmd = 0; cmd < CTL_MAX; cmd++) {
		const char *name = wire_ctl_name((enum wire_ctl)cmd);

		if (parse(name) < 0)
			cr_expect(strncmp(err, "unknown command", 15) != 0, "%s: %s", name, err);
		else
			cr_expect_eq(got.cmd, (enum wire_ctl)cmd);
	}
}

Test(ctl_parse, spacing_tabs_and_trailing_cr)
{
	struct ctl_cmd want = base(CTL_pause);

	expect_ok("pause\r", want);
	expect_ok("   pause   ", want);
	want = base(CTL_step);
	want.count = 3;
	expect_ok("  step    3  \r", want);
	want = base(CTL_delay);
	want.worker = 1;
	want.delay_ms = 20;
	expect_ok("\tdelay \t w1\t20\r", want);
	want = base(CTL_filter);
	want.ev_mask = EV(accept);
	want.thr_mask[0] = 1;
	expect_ok("filter   ev=accept    thr=main", want);
}

Test(ctl_parse, empty_and_unknown_commands)
{
	expect_bad("", "empty command");
	expect_bad("    ", "empty command");
	expect_bad("\r", "empty command");
	expect_bad_n(NULL, 0, 4, "empty command");
	expect_bad("foo", "unknown command 'foo'");
	expect_bad("PAUSE", "unknown command 'PAUSE'");
	expect_bad("pausex", "unknown command 'pausex'");
	expect_bad("paus", "unknown command 'paus'");
	expect_bad("ev=accept", "unknown command 'ev=accept'");
	expect_bad("stats", "unknown command 'stats'");
	expect_bad("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		   "unknown command 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'");
}

Test(ctl_parse, extra_arguments)
{
	expect_bad("pause now", "too many arguments (usage: pause)");
	expect_bad("resume 1", "too many arguments (usage: resume)");
	expect_bad("step 1 2", "too many arguments (usage: step [main|wK] [N])");
	expect_bad("freeze w1 w2", "too many arguments (usage: freeze wK)");
	expect_bad("thaw w1 now", "too many arguments (usage: thaw wK)");
	expect_bad("dispatch rr least", "too many arguments (usage: dispatch rr|least|random|custom)");
	expect_bad("delay w1 5 6", "too many arguments (usage: delay wK <ms>)");
	expect_bad("break off now", "too many arguments (usage: break ev=<ev,...> | "
		   "break state to=<conn state> | break off)");
	expect_bad("break ev=accept ev=state", "too many arguments (usage: break ev=<ev,...> | "
		   "break state to=<conn state> | break off)");
	expect_bad("break state to=conn_read to=conn_write", "too many arguments (usage: "
		   "break ev=<ev,...> | break state to=<conn state> | break off)");
	expect_bad("filter off now", "too many arguments (usage: filter ev=<ev,...> "
		   "thr=<thr,...> | filter off)");
	expect_bad("filter ev=accept thr=main x", "too many arguments (usage: filter "
		   "ev=<ev,...> thr=<thr,...> | filter off)");
}

Test(ctl_parse, bad_step_counts)
{
	static const char *const lines[] = {
		"step 0", "step -1", "step +1", "step 1000001", "step 1x", "step x",
		"step 1.5", "step 0x10", "step 99999999999999999999999",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		expect_bad(lines[i], "step count must be 1-1000000");
}

Test(ctl_parse, bad_workers)
{
	expect_bad("freeze", "freeze needs a worker (w0-w3)");
	expect_bad("thaw", "thaw needs a worker (w0-w3)");
	expect_bad("freeze w9", "no worker w9 (w0-w3)");
	expect_bad("freeze w4", "no worker w4 (w0-w3)");
	expect_bad("thaw w256", "no worker w256 (w0-w3)");
	expect_bad("freeze w99999999999999999999", "no worker w99999999999999999999 (w0-w3)");
	expect_bad("freeze w", "bad worker name 'w' (w0-w3)");
	expect_bad("freeze w-1", "bad worker name 'w-1' (w0-w3)");
	expect_bad("freeze wx", "bad worker name 'wx' (w0-w3)");
	expect_bad("freeze w1x", "bad worker name 'w1x' (w0-w3)");
	expect_bad("freeze w01", "bad worker name 'w01' (w0-w3)");
	expect_bad("freeze w00", "bad worker name 'w00' (w0-w3)");
	expect_bad("freeze W1", "bad worker name 'W1' (w0-w3)");
	expect_bad("freeze 1", "bad worker name '1' (w0-w3)");
	expect_bad("freeze main", "bad worker name 'main' (w0-w3)");
	expect_bad("freeze w+1", "bad worker name 'w+1' (w0-w3)");
	/* The range in the message follows the server's worker count. */
	expect_bad_n("freeze w1", 9, 1, "no worker w1 (w0)");
	expect_bad_n("freeze w0", 9, 0, "no worker w0 (no workers)");
	expect_bad_n("thaw", 4, 8, "thaw needs a worker (w0-w7)");
}

Test(ctl_parse, bad_break)
{
	expect_bad("break", "break needs ev=<ev,...>, state to=<conn state> or off");
	expect_bad("break ev=", "ev= needs at least one event");
	expect_bad("break ev=nope", "unknown event 'nope'");
	expect_bad("break ev=accept,nope", "unknown event 'nope'");
	expect_bad("break ev=accept,", "empty event name in ev=");
	expect_bad("break ev=,accept", "empty event name in ev=");
	expect_bad("break ev=accept,,state", "empty event name in ev=");
	expect_bad("break ev=ACCEPT", "unknown event 'ACCEPT'");
	expect_bad("break ev", "unknown break argument 'ev' (usage: break ev=<ev,...> | "
		   "break state to=<conn state> | break off)");
	expect_bad("break state", "break state needs to=<conn state>");
	expect_bad("break state from=conn_read", "break state needs to=<conn state>");
	expect_bad("break state to=", "to= needs a conn state");
	expect_bad("break state to=conn_nope", "unknown conn state 'conn_nope'");
	expect_bad("break state to=read", "unknown conn state 'read'");
	expect_bad("break state to=conn_max_state", "unknown conn state 'conn_max_state'");
	expect_bad("break state to=conn_readconn_readconn_readconn_readconn_read",
		   "unknown conn state 'conn_readconn_readconn_readconn_readconn...'");
}

Test(ctl_parse, bad_dispatch)
{
	expect_bad("dispatch", "dispatch needs a policy (rr, least, random, custom)");
	expect_bad("dispatch fastest", "unknown dispatch policy 'fastest' (rr, least, random, custom)");
	expect_bad("dispatch RR", "unknown dispatch policy 'RR' (rr, least, random, custom)");
	expect_bad("dispatch rrrrrrrrrrrrrrrrrrrrrrrrrrrr",
		   "unknown dispatch policy 'rrrrrrrrrrrrrrrrrrrrrrrrrrrr' (rr, least, random, custom)");
}

Test(ctl_parse, bad_delay)
{
	expect_bad("delay", "delay needs a worker (w0-w3) and milliseconds (0-10000)");
	expect_bad("delay w1", "delay needs milliseconds (0-10000)");
	expect_bad("delay w1 10001", "delay must be 0-10000 ms");
	expect_bad("delay w1 -5", "delay must be 0-10000 ms");
	expect_bad("delay w1 5ms", "delay must be 0-10000 ms");
	expect_bad("delay w1 99999999999999999999", "delay must be 0-10000 ms");
	expect_bad("delay w7 5", "no worker w7 (w0-w3)");
	expect_bad("delay 5 w1", "bad worker name '5' (w0-w3)");
}

Test(ctl_parse, bad_filter)
{
	static const char usage[] = "(usage: filter ev=<ev,...> thr=<thr,...> | filter off)";
	char why[160];

	expect_bad("filter", "filter needs ev=<ev,...>, thr=<thr,...> or off");
	expect_bad("filter ev=", "ev= needs at least one event");
	expect_bad("filter ev=bogus", "unknown event 'bogus'");
	expect_bad("filter thr=", "thr= needs at least one thread (main, timeout, w0-w3)");
	expect_bad("filter thr=none", "bad worker name 'none' (w0-w3)");
	expect_bad("filter thr=w4", "no worker w4 (w0-w3)");
	expect_bad("filter thr=main,,w1", "empty thread name in thr=");
	expect_bad("filter thr=w1,", "empty thread name in thr=");
	expect_bad("filter thr=MAIN", "bad worker name 'MAIN' (w0-w3)");
	expect_bad("filter ev=accept ev=state", "ev= given twice");
	expect_bad("filter thr=main thr=w0", "thr= given twice");
	snprintf(why, sizeof(why), "unknown filter argument 'foo=bar' %s", usage);
	expect_bad("filter foo=bar", why);
	snprintf(why, sizeof(why), "unknown filter argument 'ev' %s", usage);
	expect_bad("filter ev", why);
	snprintf(why, sizeof(why), "unknown filter argument 'x' %s", usage);
	expect_bad("filter x off", why);
}

Test(ctl_parse, binary_data)
{
	expect_bad_n("pa\0use", 6, 4, "binary data in command");
	expect_bad_n("pause\0", 6, 4, "binary data in command");
	expect_bad("pause\x01", "binary data in command");
	expect_bad("pause\x7f", "binary data in command");
	expect_bad("\xff\xfe\xfd", "binary data in command");
	expect_bad("step \xc3\xa9", "binary data in command");
	expect_bad("pa\rse", "binary data in command");
	expect_bad("pause\r\r", "binary data in command");
	expect_bad("pause\n", "binary data in command");
	expect_bad("\x1b[A", "binary data in command");
}

Test(ctl_parse, line_length_limit)
{
	char *line = malloc(5000);
	struct ctl_cmd want = base(CTL_pause);

	cr_assert_not_null(line);
	memset(line, 'a', 5000);
	expect_bad_n(line, 5000, 4, "line too long (max 4096 bytes)");

	/* Exactly CTL_LINE_MAX bytes is allowed; one more is not, \r or not. */
	memset(line, ' ', 5000);
	memcpy(line, "pause", 5);
	cr_assert_eq(parse_n(line, CTL_LINE_MAX, 4), 0, "%s", err);
	cr_assert_eq(got.cmd, want.cmd);
	expect_bad_n(line, CTL_LINE_MAX + 1, 4, "line too long (max 4096 bytes)");
	line[CTL_LINE_MAX] = '\r';
	expect_bad_n(line, CTL_LINE_MAX + 1, 4, "line too long (max 4096 bytes)");
	free(line);
}

Test(ctl_parse, small_or_missing_error_buffer)
{
	char small[8];
	struct ctl_cmd c;

	memset(small, '#', sizeof(small));
	cr_assert_eq(ctl_parse("foo", 3, 4, &c, small, sizeof(small)), -1);
	cr_assert_str_eq(small, "unknown", "cut short and still terminated");
	cr_assert_eq(ctl_parse("foo", 3, 4, &c, NULL, 0), -1);
	cr_assert_eq(ctl_parse("pause", 5, 4, &c, NULL, 0), 0);
	cr_assert_eq(c.cmd, CTL_pause);
	/* A success clears a stale reason. */
	memset(small, '#', sizeof(small));
	cr_assert_eq(ctl_parse("pause", 5, 4, &c, small, sizeof(small)), 0);
	cr_assert_str_eq(small, "");
}

/* xorshift64: a fixed sequence, so a failure replays. */
static uint64_t next_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

Test(ctl_parse, random_junk_is_answered)
{
	/* Pieces of real commands, so some junk gets past the first checks. */
	static const char *const pieces[] = {
		"pause", "resume", "step", "freeze", "thaw", "break", "dispatch", "delay",
		"filter", "off", "state", "to=", "to=conn_read", "ev=", "ev=accept", "thr=",
		"thr=main", "w", "w0", "w3", "w9", "w01", "rr", "least", "random", "0", "1",
		"10000", "1000000", "-1", ",", "=", " ", "  ", "\t", "\r", "conn_", "accept,",
		"main,", "99999999999999999999",
	};
	uint64_t state = 0x9e3779b97f4a7c15u;
	char *line = malloc(CTL_LINE_MAX + 200);
	int accepted = 0;

	cr_assert_not_null(line);
	for (int iter = 0; iter < 5000; iter++) {
		uint64_t r = next_rand(&state);
		size_t len = 0, want = r % 8 == 0 ? (size_t)(next_rand(&state) % (CTL_LINE_MAX + 100))
						      : (size_t)(next_rand(&state) % 60);
		bool bytes = (r >> 8) % 3 == 0;
		int rc;

		while (len < want) {
			uint64_t x = next_rand(&state);

			if (bytes || x % 5 == 0) {
				line[len++] = (char)(x >> 16);
			} else {
				const char *p = pieces[(x >> 8) % (sizeof(pieces) / sizeof(pieces[0]))];
				size_t n = strlen(p);

				if (len + n + 1 > CTL_LINE_MAX + 200)
					break;
				memcpy(line + len, p, n);
				len += n;
				if (x % 3 != 0)
					line[len++] = ' ';
			}
		}
		rc = parse_n(line, len, (int)((r >> 32) % 10) - 1);
		cr_assert(rc == 0 || rc == -1, "iteration %d: rc %d", iter, rc);
		cr_assert_not_null(memchr(err, '\0', sizeof(err)), "iteration %d: err terminated", iter);
		if (rc == 0) {
			accepted++;
			cr_assert_lt(got.cmd, CTL_MAX);
			cr_assert_str_eq(err, "");
		} else {
			cr_assert_neq(err[0], '\0', "iteration %d: a reason", iter);
			cr_assert_null(strchr(err, '\n'), "iteration %d: one line", iter);
		}
	}
	/* Not a correctness check: only that the generator reaches the parsers behind the checks. */
	cr_assert_gt(accepted, 10, "accepted %d", accepted);
	free(line);
}
