/*
 * ctl_parse.c: the control-line grammar. A line is tokens separated by
 * spaces or tabs, with an optional trailing \r (telnet and socat's crlf
 * send one). Names are exact and lowercase, as the stream prints them.
 *
 * A worker is written exactly as the stream writes it, "w" and the index
 * in decimal with no leading zero: "w01" is rejected rather than read as
 * w1, so a name a client sends is always one it could have received.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctl_parse.h"

_Static_assert(EVT_MAX <= 64, "ev_mask holds one bit per event");

/* A command and up to three arguments; more are counted, not kept. */
#define CTL_MAX_TOKENS 4

/* How much of a client's token an error message quotes. */
#define QUOTE_MAX 40

struct token {
	const char *p;
	size_t n;
};

struct parser {
	struct token tok[CTL_MAX_TOKENS];
	int ntok;     /* every token on the line, even those not kept */
	int nthreads;
	char range[24]; /* the valid workers, for messages: "w0-w3" */
	char *err;
	size_t errlen;
};

/* Writes the reason into err and returns -1. */
__attribute__((format(printf, 2, 3)))
static int fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->errlen == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ps->err, ps->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Length of a token as quoted in a message; long junk would swamp the reason. */
static int qlen(struct token t)
{
	return t.n > QUOTE_MAX ? QUOTE_MAX : (int)t.n;
}

/* "..." when a quoted token was cut, "" otherwise. */
static const char *qmore(struct token t)
{
	return t.n > QUOTE_MAX ? "..." : "";
}

/* Tells whether token t is exactly word. */
static bool tok_is(struct token t, const char *word)
{
	return t.n == strlen(word) && memcmp(t.p, word, t.n) == 0;
}

/* If t starts with prefix, moves the rest into *rest and returns true. */
static bool tok_prefix(struct token t, const char *prefix, struct token *rest)
{
	size_t n = strlen(prefix);

	if (t.n < n || memcmp(t.p, prefix, n) != 0)
		return false;
	rest->p = t.p + n;
	rest->n = t.n - n;
	return true;
}

/* Parses a decimal number in [0, max]; false for anything else (signs, junk, too big). */
static bool parse_uint(struct token t, unsigned max, unsigned *out)
{
	unsigned long long v = 0;

	if (t.n == 0)
		return false;
	for (size_t i = 0; i < t.n; i++) {
		if (t.p[i] < '0' || t.p[i] > '9')
			return false;
		v = v * 10 + (unsigned)(t.p[i] - '0');
		if (v > max)
			return false;
	}
	*out = (unsigned)v;
	return true;
}

/* Parses a worker name into its index; -1 with err set when it is not one of this server's. */
static int parse_worker(struct parser *ps, struct token t, int *out)
{
	unsigned v = 0;
	struct token digits;

	if (!tok_prefix(t, "w", &digits) || digits.n == 0 || (digits.p[0] == '0' && digits.n > 1))
		return fail(ps, "bad worker name '%.*s%s' (%s)", qlen(t), t.p, qmore(t), ps->range);
	for (size_t i = 0; i < digits.n; i++)
		if (digits.p[i] < '0' || digits.p[i] > '9')
			return fail(ps, "bad worker name '%.*s%s' (%s)", qlen(t), t.p, qmore(t), ps->range);
	if (!parse_uint(digits, CTL_MAX_WORKERS, &v) || v >= (unsigned)ps->nthreads)
		return fail(ps, "no worker %.*s%s (%s)", qlen(t), t.p, qmore(t), ps->range);
	*out = (int)v;
	return 0;
}

/* Parses "a,b,c" after ev= into a mask of events. */
static int parse_events(struct parser *ps, struct token list, uint64_t *mask)
{
	const char *p = list.p, *end = list.p + list.n;

	if (list.n == 0)
		return fail(ps, "ev= needs at least one event");
	*mask = 0;
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		struct token name = { p, (size_t)((comma != NULL ? comma : end) - p) };
		int ev;

		if (name.n == 0)
			return fail(ps, "empty event name in ev=");
		ev = wire_event_from_name(name.p, name.n);
		if (ev < 0)
			return fail(ps, "unknown event '%.*s%s'", qlen(name), name.p, qmore(name));
		*mask |= UINT64_C(1) << ev;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

/* Parses "main,timeout,w0,..." after thr= into a thread mask. */
static int parse_threads(struct parser *ps, struct token list, uint64_t mask[CTL_THR_WORDS])
{
	const char *p = list.p, *end = list.p + list.n;

	if (list.n == 0)
		return fail(ps, "thr= needs at least one thread (main, timeout, %s)", ps->range);
	memset(mask, 0, CTL_THR_WORDS * sizeof(mask[0]));
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		struct token name = { p, (size_t)((comma != NULL ? comma : end) - p) };
		unsigned bit;
		int thr;

		if (name.n == 0)
			return fail(ps, "empty thread name in thr=");
		if (!wire_thr_from_name(name.p, name.n, &thr) || thr == WIRE_THR_NONE) {
			if (parse_worker(ps, name, &thr) < 0)
				return -1;
		}
		bit = ctl_thr_bit(thr);
		mask[bit / 64] |= UINT64_C(1) << (bit % 64);
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

/* Checks that the command got between min and max arguments. */
static int want_args(struct parser *ps, int min, int max, const char *usage)
{
	int nargs = ps->ntok - 1;

	if (nargs > max)
		return fail(ps, "too many arguments (usage: %s)", usage);
	if (nargs < min)
		return fail(ps, "missing argument (usage: %s)", usage);
	return 0;
}

/* freeze wK / thaw wK. */
static int parse_freeze_thaw(struct parser *ps, struct ctl_cmd *c, const char *name)
{
	if (ps->ntok < 2)
		return fail(ps, "%s needs a worker (%s)", name, ps->range);
	if (ps->ntok > 2)
		return fail(ps, "too many arguments (usage: %s wK)", name);
	return parse_worker(ps, ps->tok[1], &c->worker);
}

/* step [main|wK] [N]. */
static int parse_step(struct parser *ps, struct ctl_cmd *c)
{
	static const char usage[] = "step [main|wK] [N]";
	int at = 1;

	if (want_args(ps, 0, 2, usage) < 0)
		return -1;
	c->count = 1;
	/* A thread's name starts with a letter, a count with a digit: either may be left out. */
	if (ps->ntok > at && tok_is(ps->tok[at], "main")) {
		c->thr = -1;
		at++;
	} else if (ps->ntok > at && ps->tok[at].p[0] == 'w') {
		if (parse_worker(ps, ps->tok[at], &c->thr) < 0)
			return -1;
		at++;
	}
	if (at == 2 && ps->ntok > at && (tok_is(ps->tok[at], "main") || ps->tok[at].p[0] == 'w'))
		return fail(ps, "step names one thread (usage: %s)", usage);
	if (ps->ntok > at + 1)
		return fail(ps, "too many arguments (usage: %s)", usage);
	if (ps->ntok == at + 1 && (!parse_uint(ps->tok[at], CTL_STEP_MAX, &c->count) || c->count == 0))
		return fail(ps, "step count must be 1-%u", CTL_STEP_MAX);
	return 0;
}

/* break ev=<ev,...> / break state to=<conn state> / break off. */
static int parse_break(struct parser *ps, struct ctl_cmd *c)
{
	static const char usage[] = "break ev=<ev,...> | break state to=<conn state> | break off";
	struct token arg, rest;
	char name[32];

	if (ps->ntok < 2)
		return fail(ps, "break needs ev=<ev,...>, state to=<conn state> or off");
	arg = ps->tok[1];
	if (tok_is(arg, "off")) {
		c->off = true;
		return want_args(ps, 1, 1, usage);
	}
	if (tok_prefix(arg, "ev=", &rest)) {
		if (want_args(ps, 1, 1, usage) < 0)
			return -1;
		return parse_events(ps, rest, &c->ev_mask);
	}
	if (!tok_is(arg, "state"))
		return fail(ps, "unknown break argument '%.*s%s' (usage: %s)", qlen(arg), arg.p, qmore(arg), usage);
	if (ps->ntok < 3 || !tok_prefix(ps->tok[2], "to=", &rest))
		return fail(ps, "break state needs to=<conn state>");
	if (want_args(ps, 2, 2, usage) < 0)
		return -1;
	if (rest.n == 0)
		return fail(ps, "to= needs a conn state");
	/* Too long to be a state; the copy is only to nul-terminate it. */
	if (rest.n >= sizeof(name))
		return fail(ps, "unknown conn state '%.*s%s'", qlen(rest), rest.p, qmore(rest));
	memcpy(name, rest.p, rest.n);
	name[rest.n] = '\0';
	c->break_state = wire_state_from_name(name);
	if (c->break_state < 0)
		return fail(ps, "unknown conn state '%s'", name);
	return 0;
}

/* dispatch POLICY. */
static int parse_dispatch(struct parser *ps, struct ctl_cmd *c)
{
	struct token arg;
	char list[64], alternatives[64], usage[80];
	int policy;

	wire_policy_list(list, sizeof(list), ", ");
	if (ps->ntok < 2)
		return fail(ps, "dispatch needs a policy (%s)", list);
	arg = ps->tok[1];
	snprintf(usage, sizeof(usage), "dispatch %s",
		 wire_policy_list(alternatives, sizeof(alternatives), "|"));
	if (want_args(ps, 1, 1, usage) < 0)
		return -1;
	policy = wire_policy_from_name(arg.p, arg.n);
	if (policy < 0)
		return fail(ps, "unknown dispatch policy '%.*s%s' (%s)", qlen(arg), arg.p, qmore(arg), list);
	c->policy = (enum dispatch_policy)policy;
	return 0;
}

/* delay wK <ms>. */
static int parse_delay(struct parser *ps, struct ctl_cmd *c)
{
	if (ps->ntok < 2)
		return fail(ps, "delay needs a worker (%s) and milliseconds (0-%u)", ps->range, CTL_DELAY_MAX_MS);
	if (want_args(ps, 1, 2, "delay wK <ms>") < 0)
		return -1;
	if (parse_worker(ps, ps->tok[1], &c->worker) < 0)
		return -1;
	if (ps->ntok < 3)
		return fail(ps, "delay needs milliseconds (0-%u)", CTL_DELAY_MAX_MS);
	if (!parse_uint(ps->tok[2], CTL_DELAY_MAX_MS, &c->delay_ms))
		return fail(ps, "delay must be 0-%u ms", CTL_DELAY_MAX_MS);
	return 0;
}

/* filter ev=<ev,...> thr=<thr,...> (either, in either order) / filter off. */
static int parse_filter(struct parser *ps, struct ctl_cmd *c)
{
	static const char usage[] = "filter ev=<ev,...> thr=<thr,...> | filter off";
	bool have_ev = false, have_thr = false;

	if (ps->ntok < 2)
		return fail(ps, "filter needs ev=<ev,...>, thr=<thr,...> or off");
	if (tok_is(ps->tok[1], "off")) {
		c->off = true;
		return want_args(ps, 1, 1, usage);
	}
	if (want_args(ps, 1, 2, usage) < 0)
		return -1;
	for (int i = 1; i < ps->ntok; i++) {
		struct token arg = ps->tok[i], rest;

		if (tok_prefix(arg, "ev=", &rest)) {
			if (have_ev)
				return fail(ps, "ev= given twice");
			have_ev = true;
			if (parse_events(ps, rest, &c->ev_mask) < 0)
				return -1;
		} else if (tok_prefix(arg, "thr=", &rest)) {
			if (have_thr)
				return fail(ps, "thr= given twice");
			have_thr = true;
			if (parse_threads(ps, rest, c->thr_mask) < 0)
				return -1;
		} else {
			return fail(ps, "unknown filter argument '%.*s%s' (usage: %s)", qlen(arg), arg.p, qmore(arg), usage);
		}
	}
	/* A part left out lets everything through, so the caller needs only test bits. */
	if (!have_ev)
		c->ev_mask = EVT_MAX == 64 ? UINT64_MAX : (UINT64_C(1) << EVT_MAX) - 1;
	if (!have_thr) {
		for (unsigned bit = 0; bit <= (unsigned)ps->nthreads; bit++)
			c->thr_mask[bit / 64] |= UINT64_C(1) << (bit % 64);
		c->thr_mask[CTL_THR_TIMEOUT_BIT / 64] |= UINT64_C(1) << (CTL_THR_TIMEOUT_BIT % 64);
	}
	return 0;
}

/* Splits the line into tokens, keeping the first CTL_MAX_TOKENS. */
static void tokenize(struct parser *ps, const char *line, size_t len)
{
	size_t i = 0;

	ps->ntok = 0;
	for (;;) {
		size_t start;

		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			return;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		if (ps->ntok < CTL_MAX_TOKENS)
			ps->tok[ps->ntok] = (struct token){ line + start, i - start };
		ps->ntok++;
	}
}

/* Parses one control line. */
int ctl_parse(const char *line, size_t len, int nthreads, struct ctl_cmd *out, char *err, size_t errlen)
{
	struct parser ps = { .err = err, .errlen = errlen };
	struct ctl_cmd c;
	struct token name;
	int cmd, rc;

	if (errlen > 0)
		err[0] = '\0';
	/* -t allows no more, and thr_mask has room for no more. */
	ps.nthreads = nthreads < 0 ? 0 : nthreads > CTL_MAX_WORKERS ? CTL_MAX_WORKERS : nthreads;
	if (ps.nthreads == 0)
		snprintf(ps.range, sizeof(ps.range), "no workers");
	else if (ps.nthreads == 1)
		snprintf(ps.range, sizeof(ps.range), "w0");
	else
		snprintf(ps.range, sizeof(ps.range), "w0-w%d", ps.nthreads - 1);

	if (len > CTL_LINE_MAX)
		return fail(&ps, "line too long (max %d bytes)", CTL_LINE_MAX);
	if (len > 0 && line[len - 1] == '\r')
		len--;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];

		if ((ch < 0x20 && ch != '\t') || ch >= 0x7f)
			return fail(&ps, "binary data in command");
	}
	tokenize(&ps, line, len);
	if (ps.ntok == 0)
		return fail(&ps, "empty command");

	name = ps.tok[0];
	cmd = wire_ctl_from_name(name.p, name.n);
	if (cmd < 0)
		return fail(&ps, "unknown command '%.*s%s'", qlen(name), name.p, qmore(name));

	memset(&c, 0, sizeof(c));
	c.cmd = (enum wire_ctl)cmd;
	c.worker = -1;
	c.break_state = -1;
	c.thr = CTL_THR_ANY;
	switch (c.cmd) {
	case CTL_pause:
		rc = want_args(&ps, 0, 0, "pause");
		break;
	case CTL_resume:
		rc = want_args(&ps, 0, 0, "resume");
		break;
	case CTL_step:
		rc = parse_step(&ps, &c);
		break;
	case CTL_freeze:
		rc = parse_freeze_thaw(&ps, &c, "freeze");
		break;
	case CTL_thaw:
		rc = parse_freeze_thaw(&ps, &c, "thaw");
		break;
	case CTL_break:
		rc = parse_break(&ps, &c);
		break;
	case CTL_dispatch:
		rc = parse_dispatch(&ps, &c);
		break;
	case CTL_delay:
		rc = parse_delay(&ps, &c);
		break;
	case CTL_filter:
		rc = parse_filter(&ps, &c);
		break;
	default:
		/* A command added to wire.h without a parser here. */
		rc = fail(&ps, "command '%s' is not supported", wire_ctl_name(c.cmd));
		break;
	}
	if (rc < 0)
		return -1;
	*out = c;
	return 0;
}
