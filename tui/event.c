#include <pthread.h>
#include <string.h>

#include "event.h"

_Static_assert(WIRE_KEY_COUNT <= 64, "event.present has one bit per key");
_Static_assert(EVT_MAX < 255 && WIRE_KEY_COUNT < 255 && conn_max_state < 255,
	       "name index slots hold index + 1 in a byte");

/*
 * wire.c looks names up with a linear scan, fine for a command line but
 * not for every key of half a million lines a second, so each list gets an
 * open-addressing table built once from wire.c's own names.
 */
#define INDEX_SLOTS 256

struct name_index {
	uint8_t slot[INDEX_SLOTS]; /* index + 1; 0 is empty */
	const char *name[INDEX_SLOTS];
	uint8_t len[INDEX_SLOTS];
};

static struct name_index event_index, key_index, state_index;
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

/* FNV-1a, folded to a slot number. */
static unsigned name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return (h ^ (h >> 16)) % INDEX_SLOTS;
}

/* Adds name as index i. */
static void index_add(struct name_index *ix, const char *name, int i)
{
	size_t n = strlen(name);
	unsigned h = name_hash(name, n);

	while (ix->slot[h] != 0)
		h = (h + 1) % INDEX_SLOTS;
	ix->slot[h] = (uint8_t)(i + 1);
	ix->name[h] = name;
	ix->len[h] = (uint8_t)n;
}

/* Finds the n bytes of s; -1 when absent. */
static int index_find(const struct name_index *ix, const char *s, size_t n)
{
	unsigned h = name_hash(s, n);

	while (ix->slot[h] != 0) {
		if (ix->len[h] == n && memcmp(ix->name[h], s, n) == 0)
			return ix->slot[h] - 1;
		h = (h + 1) % INDEX_SLOTS;
	}
	return -1;
}

/* How each event's keys read, from wire.h's declarations; keys an event lacks are plain text. */
static uint8_t key_kinds[EVT_MAX][WIRE_KEY_COUNT];

/* The parser's reading of a wire.h kind. */
static enum event_value_kind kind_reading(enum wire_kind kind)
{
	switch (kind) {
	case WIRE_KIND_NUM:
		return EVENT_VAL_NUM;
	case WIRE_KIND_THR:
		return EVENT_VAL_THR;
	case WIRE_KIND_STATE:
		return EVENT_VAL_STATE;
	default:
		return EVENT_VAL_STR;
	}
}

/* How key reads in a known event ev, once the tables are built. */
static enum event_value_kind kind_of(int ev, enum wire_key key)
{
	return (enum event_value_kind)key_kinds[ev][key];
}

/* Fills the tables from wire.c's names and declarations. */
static void index_build(void)
{
	for (int i = 0; i < EVT_MAX; i++)
		index_add(&event_index, wire_event_name((enum wire_event)i), i);
	for (int i = 0; i < WIRE_KEY_COUNT; i++)
		index_add(&key_index, wire_key_name((enum wire_key)i), i);
	for (int i = 0; i < conn_max_state; i++)
		index_add(&state_index, wire_state_name((enum conn_states)i), i);
	for (int ev = 0; ev < EVT_MAX; ev++) {
		const struct wire_event_spec *spec = wire_event_spec(ev);
		for (int k = 0; k < spec->nkeys; k++)
			key_kinds[ev][spec->keys[k].key] = (uint8_t)kind_reading(spec->keys[k].kind);
	}
}

/* Returns how a key's value reads in event ev. */
enum event_value_kind event_value_kind(int ev, enum wire_key key)
{
	if ((unsigned)key >= WIRE_KEY_COUNT || ev < 0 || ev >= EVT_MAX)
		return EVENT_VAL_STR;
	pthread_once(&index_once, index_build);
	return kind_of(ev, key);
}

/* Parses a whole decimal number of n bytes that fits 64 bits; false when it is not one. */
static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* Parses wK, or a thread wire.h names (main, none, timeout). */
bool event_thr_parse(const char *s, size_t n, int *thr)
{
	uint64_t k;

	if (wire_thr_from_name(s, n, thr))
		return true;
	/* "w" then digits, without a leading zero unless it is w0: one spelling per worker. */
	if (n < 2 || s[0] != 'w' || (s[1] == '0' && n > 2) || !parse_u64(s + 1, n - 1, &k) ||
	    k > EVENT_WORKER_MAX)
		return false;
	*thr = (int)k;
	return true;
}

/* Looks a state up. */
int event_state_lookup(const char *name, size_t n)
{
	pthread_once(&index_once, index_build);
	return index_find(&state_index, name, n);
}

/* Reads a known key's value by kind; EVENT_LINE, or why it is not what the kind wants. */
static enum event_status value_read(enum wire_key key, struct event_value *v,
				    enum event_value_kind kind)
{
	switch (kind) {
	case EVENT_VAL_NUM:
		if (!parse_u64(v->s, v->len, &v->num))
			return EVENT_E_BAD_VALUE;
		/* A reader sizes a track, a row or a table by some of them: no number a server cannot send. */
		return wire_key_in_range(key, v->num) ? EVENT_LINE : EVENT_E_RANGE;
	case EVENT_VAL_THR:
		return event_thr_parse(v->s, v->len, &v->idx) ? EVENT_LINE : EVENT_E_BAD_VALUE;
	case EVENT_VAL_STATE:
		/* A state this build lacks is news, not damage: keep the line. */
		v->idx = index_find(&state_index, v->s, v->len);
		return EVENT_LINE;
	case EVENT_VAL_STR:
		break;
	}
	return EVENT_LINE;
}

/* Recognises "ok", "ok ...", "error" and "error ...". */
static bool answer_parse(const char *p, size_t n, struct event *e, enum event_status *st)
{
	size_t word;

	if (n >= 2 && memcmp(p, "ok", 2) == 0 && (n == 2 || p[2] == ' ')) {
		*st = EVENT_ANSWER_OK;
		word = 2;
	} else if (n >= 5 && memcmp(p, "error", 5) == 0 && (n == 5 || p[5] == ' ')) {
		*st = EVENT_ANSWER_ERROR;
		word = 5;
	} else {
		return false;
	}
	e->text = p + (n > word ? word + 1 : n);
	e->text_len = (uint32_t)(n > word ? n - word - 1 : 0);
	return true;
}

/* Bits for the fixed fields seen so far. */
enum { SEEN_TS = 1, SEEN_SEQ = 2, SEEN_THR = 4, SEEN_EV = 8 };

/* Handles one of ts, seq, thr, ev; returns 0, -1 when the key is not one of them, or an error. */
static int fixed_field(struct event *e, const char *k, size_t klen, const char *v, size_t vlen,
		       unsigned *seen)
{
	switch (klen) {
	case 2:
		if (k[0] == 't' && k[1] == 's') {
			*seen |= SEEN_TS;
			return parse_u64(v, vlen, &e->ts) ? 0 : EVENT_E_BAD_TS;
		}
		if (k[0] == 'e' && k[1] == 'v') {
			*seen |= SEEN_EV;
			if (vlen == 0)
				return EVENT_E_BAD_EV;
			e->ev_name = v;
			e->ev_len = (uint32_t)vlen;
			e->ev = index_find(&event_index, v, vlen);
			return 0;
		}
		return -1;
	case 3:
		if (memcmp(k, "seq", 3) == 0) {
			*seen |= SEEN_SEQ;
			return parse_u64(v, vlen, &e->seq) ? 0 : EVENT_E_BAD_SEQ;
		}
		if (memcmp(k, "thr", 3) == 0) {
			*seen |= SEEN_THR;
			return event_thr_parse(v, vlen, &e->thr) && e->thr != EVENT_THR_NONE
				       ? 0 : EVENT_E_BAD_THR;
		}
		return -1;
	default:
		return -1;
	}
}

/* Parses one line. */
enum event_status event_parse(const char *line, size_t len, struct event *e)
{
	const char *p = line, *end;
	unsigned seen = 0;
	enum event_status st;

	pthread_once(&index_once, index_build);
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > EVENT_LINE_MAX)
		return EVENT_E_TOO_LONG;
	end = line + len;
	e->present = 0;
	e->thr = EVENT_THR_MAIN;
	e->ev = EVENT_UNKNOWN;
	e->ev_name = NULL;
	e->ev_len = 0;
	e->text = NULL;
	e->text_len = 0;
	if (answer_parse(line, len, e, &st))
		return st;

	while (p < end) {
		const char *word, *eq, *v;
		size_t klen, vlen;
		int key, rc;

		while (p < end && *p == ' ')
			p++;
		if (p == end)
			break;
		word = p;
		while (p < end && *p != ' ')
			p++;
		eq = memchr(word, '=', (size_t)(p - word));
		if (eq == NULL)
			return EVENT_E_NO_EQUALS;
		klen = (size_t)(eq - word);
		if (klen == 0)
			return EVENT_E_EMPTY_KEY;
		v = eq + 1;
		vlen = (size_t)(p - v);
		rc = fixed_field(e, word, klen, v, vlen, &seen);
		if (rc == 0)
			continue;
		if (rc != -1)
			return (enum event_status)rc;
		key = index_find(&key_index, word, klen);
		if (key < 0)
			continue; /* a key from a newer server */
		e->present |= (uint64_t)1 << key;
		e->val[key].s = v;
		e->val[key].len = (uint32_t)vlen;
		e->val[key].idx = 0;
		e->val[key].num = 0;
	}

	if (seen == 0)
		return EVENT_E_EMPTY;
	if (!(seen & SEEN_TS))
		return EVENT_E_NO_TS;
	if (!(seen & SEEN_SEQ))
		return EVENT_E_NO_SEQ;
	if (!(seen & SEEN_THR))
		return EVENT_E_NO_THR;
	if (!(seen & SEEN_EV))
		return EVENT_E_NO_EV;

	/* Kinds are checked once ev is known, wherever it stood in the line (to= depends on it). */
	if (e->ev != EVENT_UNKNOWN) {
		for (uint64_t bits = e->present; bits != 0; bits &= bits - 1) {
			enum wire_key key = (enum wire_key)__builtin_ctzll(bits);
			enum event_status vst = value_read(key, &e->val[key], kind_of(e->ev, key));
			if (vst != EVENT_LINE)
				return vst;
		}
	}
	return EVENT_LINE;
}

/* Checks the workers a line names against the hello's count. */
enum event_status event_check_workers(const struct event *e, unsigned threads)
{
	static const enum wire_key worker_keys[] = { KEY_to, KEY_last, KEY_next };

	if (threads == 0)
		return EVENT_LINE;
	if (e->thr >= 0 && (unsigned)e->thr >= threads)
		return EVENT_E_NO_WORKER;
	for (size_t i = 0; i < sizeof(worker_keys) / sizeof(worker_keys[0]); i++) {
		int w = event_idx(e, worker_keys[i], EVENT_THR_NONE);
		/* A state's to= is a conn state, which event_idx gives too: only thread keys count. */
		if (w >= 0 && event_value_kind(e->ev, worker_keys[i]) == EVENT_VAL_THR &&
		    (unsigned)w >= threads)
			return EVENT_E_NO_WORKER;
	}
	return EVENT_LINE;
}

/* Parses a line of a stream. */
enum event_status event_parse_in(const char *line, size_t len, unsigned threads, struct event *e)
{
	enum event_status st = event_parse(line, len, e);

	/* A hello announces the count itself: its own line is checked by event_parse. */
	if (st != EVENT_LINE || e->ev == EVT_hello)
		return st;
	return event_check_workers(e, threads);
}

/* Returns a number key's value. */
uint64_t event_num(const struct event *e, enum wire_key key, uint64_t dflt)
{
	/* A key is present only once event_parse built the tables. */
	if (!event_has(e, key) || e->ev < 0 || kind_of(e->ev, key) != EVENT_VAL_NUM)
		return dflt;
	return e->val[key].num;
}

/* Returns a thread or state key's index. */
int event_idx(const struct event *e, enum wire_key key, int dflt)
{
	enum event_value_kind kind;

	if (!event_has(e, key) || e->ev < 0)
		return dflt;
	kind = kind_of(e->ev, key);
	if (kind != EVENT_VAL_THR && kind != EVENT_VAL_STATE)
		return dflt;
	return e->val[key].idx;
}

/* Compares key's text with s. */
bool event_str_eq(const struct event *e, enum wire_key key, const char *s)
{
	size_t n = strlen(s);

	return event_has(e, key) && e->val[key].len == n && memcmp(e->val[key].s, s, n) == 0;
}

/* Describes a status. */
const char *event_status_name(enum event_status st)
{
	switch (st) {
	case EVENT_LINE: return "an event line";
	case EVENT_ANSWER_OK: return "an ok answer";
	case EVENT_ANSWER_ERROR: return "an error answer";
	case EVENT_E_EMPTY: return "an empty line";
	case EVENT_E_NO_EQUALS: return "a word without '='";
	case EVENT_E_EMPTY_KEY: return "a word with nothing before '='";
	case EVENT_E_NO_TS: return "no ts=";
	case EVENT_E_NO_SEQ: return "no seq=";
	case EVENT_E_NO_THR: return "no thr=";
	case EVENT_E_NO_EV: return "no ev=";
	case EVENT_E_BAD_TS: return "ts= is not a 64-bit decimal number";
	case EVENT_E_BAD_SEQ: return "seq= is not a 64-bit decimal number";
	case EVENT_E_BAD_THR: return "thr= is not main or wK";
	case EVENT_E_BAD_EV: return "ev= is empty";
	case EVENT_E_BAD_VALUE: return "a key's value is not of its kind";
	case EVENT_E_RANGE: return "a number beyond its key's range";
	case EVENT_E_TOO_LONG: return "a line longer than the protocol's longest";
	case EVENT_E_NO_WORKER: return "a worker the hello did not announce";
	}
	return "an unknown status";
}
