/*
 * model_sentence.c: wire.h's sentences, rendered. A sentence is compiled
 * once into a list of steps (text, a value, a condition over the next
 * steps), so that telling hundreds of thousands of events a second costs
 * no parsing and no name lookups.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "model_sentence.h"

#define STEPS_MAX 32

enum step_kind {
	STEP_TEXT,   /* text, len bytes */
	STEP_THR,    /* the thread that did it */
	STEP_VALUE,  /* key's value as the line writes it, "?" without one */
	STEP_FN,     /* what the event named by key's value does */
	STEP_PLURAL, /* "s" unless key's value is 1 */
	STEP_IF,     /* the next skip steps, only when key is there and not 0 */
	STEP_UNLESS, /* the next skip steps, only when it is not */
};

struct step {
	enum step_kind kind;
	enum wire_key key;
	const char *text;
	unsigned len;
	unsigned skip;
};

struct sentence {
	struct step steps[STEPS_MAX];
	unsigned nsteps;
};

static struct sentence compiled[EVT_MAX];
static pthread_once_t compiled_once = PTHREAD_ONCE_INIT;

/* Where a sentence is being written. */
struct out {
	char *p, *end;
};

/* Appends n bytes, as many as fit. */
static void put(struct out *o, const char *s, size_t n)
{
	size_t room = (size_t)(o->end - o->p);

	if (n > room)
		n = room;
	memcpy(o->p, s, n);
	o->p += n;
}

/* Adds one step; false when the sentence has too many. */
static bool add(struct sentence *s, struct step st)
{
	if (s->nsteps == STEPS_MAX)
		return false;
	s->steps[s->nsteps++] = st;
	return true;
}

/* Returns the end of the {...} that starts at t (the matching '}'), or NULL. */
static const char *closing_brace(const char *t, const char *end)
{
	int depth = 0;

	for (; t < end; t++) {
		if (*t == '{')
			depth++;
		else if (*t == '}' && --depth == 0)
			return t;
	}
	return NULL;
}

/* Compiles t..end into s; false when it is not a sentence (the text is then shown as it is). */
static bool compile(struct sentence *s, const char *t, const char *end)
{
	while (t < end) {
		const char *open = memchr(t, '{', (size_t)(end - t)), *close, *name, *colon;
		struct step st = { .kind = STEP_TEXT };
		int key;

		if (open == NULL)
			open = end;
		if (open > t && !add(s, (struct step){ STEP_TEXT, 0, t, (unsigned)(open - t), 0 }))
			return false;
		if (open == end)
			return true;
		close = closing_brace(open, end);
		if (close == NULL)
			return false;
		name = open + 1;
		if (*name == '?' || *name == '!') {
			st.kind = *name == '?' ? STEP_IF : STEP_UNLESS;
			name++;
		}
		colon = memchr(name, ':', (size_t)(close - name));
		size_t nlen = (size_t)((colon != NULL ? colon : close) - name);
		if (nlen == 3 && memcmp(name, "thr", 3) == 0 && st.kind == STEP_TEXT) {
			st.kind = STEP_THR;
		} else {
			key = wire_key_from_name(name, nlen);
			if (key < 0)
				return false;
			st.key = (enum wire_key)key;
		}
		if (st.kind == STEP_IF || st.kind == STEP_UNLESS) {
			unsigned at = s->nsteps;
			if (colon == NULL || !add(s, st) || !compile(s, colon + 1, close))
				return false;
			s->steps[at].skip = s->nsteps - at - 1;
		} else if (st.kind == STEP_TEXT) {
			st.kind = STEP_VALUE;
			if (colon != NULL && close - colon - 1 == 2 && memcmp(colon + 1, "fn", 2) == 0)
				st.kind = STEP_FN;
			else if (colon != NULL && close - colon - 1 == 1 && colon[1] == 's')
				st.kind = STEP_PLURAL;
			else if (colon != NULL)
				return false;
			if (!add(s, st))
				return false;
		} else if (!add(s, st)) {
			return false;
		}
		t = close + 1;
	}
	return true;
}

/* Compiles every event's sentence. */
static void compile_all(void)
{
	for (int ev = 0; ev < EVT_MAX; ev++) {
		const char *text = wire_event_spec(ev)->sentence;
		struct sentence *s = &compiled[ev];

		if (!compile(s, text, text + strlen(text))) {
			/* A sentence wire.h got wrong shows as written rather than not at all. */
			s->nsteps = 0;
			add(s, (struct step){ STEP_TEXT, 0, text, (unsigned)strlen(text), 0 });
		}
	}
}

/* True when key is on the line and its value is not "0". */
static bool value_set(const struct event *e, enum wire_key key)
{
	return event_has(e, key) && !(e->val[key].len == 1 && e->val[key].s[0] == '0');
}

/* Appends the thread's name. */
static void put_thr(struct out *o, int thr)
{
	char buf[16];
	int n;

	if (wire_thr_name(thr) != NULL)
		n = snprintf(buf, sizeof(buf), "%s", wire_thr_name(thr));
	else
		n = snprintf(buf, sizeof(buf), "w%d", thr);
	put(o, buf, (size_t)n);
}

/* Writes the steps of s for e. */
static void render(const struct sentence *s, const struct event *e, struct out *o)
{
	for (unsigned i = 0; i < s->nsteps; i++) {
		const struct step *st = &s->steps[i];
		const struct event_value *v = st->kind != STEP_TEXT && st->kind != STEP_THR
						      ? event_get(e, st->key) : NULL;
		char fb[64];

		switch (st->kind) {
		case STEP_TEXT:
			put(o, st->text, st->len);
			break;
		case STEP_THR:
			put_thr(o, e->thr);
			break;
		case STEP_VALUE:
			if (v != NULL)
				put(o, v->s, v->len);
			else
				put(o, "?", 1);
			break;
		case STEP_FN: {
			const char *fn = v != NULL ? model_sentence_function(v->s, v->len, fb, sizeof(fb)) : "?";
			put(o, fn, strlen(fn));
			break;
		}
		case STEP_PLURAL:
			if (v == NULL || v->len != 1 || v->s[0] != '1')
				put(o, "s", 1);
			break;
		case STEP_IF:
		case STEP_UNLESS:
			if (value_set(e, st->key) != (st->kind == STEP_IF))
				i += st->skip;
			break;
		}
	}
}

/* Writes a template filled in from e. */
void model_sentence_render(const struct event *e, const char *template, char *buf, size_t n)
{
	struct sentence s = { .nsteps = 0 };
	struct out o = { buf, buf + n - 1 };

	if (n == 0)
		return;
	if (!compile(&s, template, template + strlen(template))) {
		s.nsteps = 0;
		add(&s, (struct step){ STEP_TEXT, 0, template, (unsigned)strlen(template), 0 });
	}
	render(&s, e, &o);
	*o.p = '\0';
}

/* Names what an event does. */
const char *model_sentence_function(const char *ev_name, size_t len, char *buf, size_t n)
{
	const struct wire_event_spec *spec = wire_event_spec(wire_event_from_name(ev_name, len));

	if (spec != NULL)
		return spec->function;
	snprintf(buf, n, "%.*s", (int)len, ev_name);
	return buf;
}

/* Writes the sentence. */
void model_sentence(const struct event *e, char *buf, size_t n)
{
	struct out o = { buf, buf + n - 1 };

	if (n == 0)
		return;
	pthread_once(&compiled_once, compile_all);
	if (e->ev >= 0 && e->ev < EVT_MAX) {
		render(&compiled[e->ev], e, &o);
	} else {
		put_thr(&o, e->thr);
		put(&o, " ", 1);
		if (e->ev_name != NULL)
			put(&o, e->ev_name, e->ev_len);
	}
	*o.p = '\0';
}
