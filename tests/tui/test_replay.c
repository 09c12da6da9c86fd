/*
 * Replay (tui/replay.c) over trace files the tests write: stepping forward
 * and back lands on the same picture as feeding the prefix, seeking by
 * event and by time, playing at a speed with idle gaps cut short, bad
 * files refused; then mcscope replay as a user runs it, and a recording of
 * a real mcscoped played back.
 */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/harness.h"
#include "cli_run.h"
#include "diag.h"
#include "export_perfetto.h"
#include "model.h"
#include "panel.h"
#include "replay.h"

#define EXIT_USAGE 64
#define EXIT_DATAERR 65
#define EXIT_NOINPUT 66

#define MS 1000000ULL
#define SEC 1000000000ULL

/* A trace being written: its lines, and which of them are events the model counts. */
struct fixture {
	char path[64];
	FILE *f;
	uint64_t ts, seq;
	size_t events;
	size_t nlines;
	char **lines;
	bool *is_event;
};

/* Starts a trace file with a hello and a snapshot of two idle workers, at ts. */
static void fixture_begin(struct fixture *x, uint64_t ts)
{
	memset(x, 0, sizeof(*x));
	strcpy(x->path, "/tmp/mcscope-test-replay-XXXXXX");
	int fd = mkstemp(x->path);
	cr_assert_geq(fd, 0);
	x->f = fdopen(fd, "w");
	cr_assert_not_null(x->f);
	x->ts = ts;
}

/* Appends a raw line (no ts/seq added). */
static void fixture_raw(struct fixture *x, const char *line, bool is_event)
{
	x->lines = realloc(x->lines, (x->nlines + 1) * sizeof(*x->lines));
	x->is_event = realloc(x->is_event, (x->nlines + 1) * sizeof(*x->is_event));
	cr_assert(x->lines != NULL && x->is_event != NULL);
	x->lines[x->nlines] = strdup(line);
	x->is_event[x->nlines++] = is_event;
	x->events += is_event;
	fprintf(x->f, "%s\n", line);
}

/* Appends an event line stamped gap ns after the last one. */
__attribute__((format(printf, 3, 4)))
static void fixture_event(struct fixture *x, uint64_t gap, const char *fmt, ...)
{
	char body[400], line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	x->ts += gap;
	snprintf(line, sizeof(line), "ts=%llu seq=%llu %s", (unsigned long long)x->ts,
		 (unsigned long long)++x->seq, body);
	fixture_raw(x, line, true);
}

/* The hello and snapshot of a server with two workers and its listening conn. */
static void fixture_snapshot(struct fixture *x)
{
	fixture_event(x, 0, "thr=main ev=hello v=1 pid=4242 threads=2 dispatch=rr tcp=11211 udp=0 "
		      "maxconns=1024 reqs_per_event=20 states=conn_listening,conn_new_cmd,"
		      "conn_waiting,conn_read,conn_parse_cmd,conn_write,conn_nread,conn_swallow,"
		      "conn_closing,conn_mwrite,conn_closed");
	fixture_event(x, 10, "thr=w0 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0");
	fixture_event(x, 10, "thr=w1 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0");
	fixture_event(x, 10, "thr=main ev=snapshot_conn conn=1 fd=9 transport=tcp state=conn_listening");
	fixture_event(x, 10, "thr=main ev=snapshot_end last=none next=w0");
}

/* One connection's whole life, gap ns between its events: 9 events. */
static void fixture_conn(struct fixture *x, int id, uint64_t gap, bool close)
{
	int w = id % 2;

	fixture_event(x, gap, "thr=main ev=dispatch conn=%d fd=%d to=w%d last=none dispatch=rr transport=tcp init=conn_new_cmd", id, 10 + id, w);
	fixture_event(x, gap, "thr=main ev=cq_push to=w%d conn=%d depth=1", w, id);
	fixture_event(x, gap, "thr=main ev=notify_write to=w%d byte=c", w);
	fixture_event(x, gap, "thr=w%d ev=notify_read byte=c", w);
	fixture_event(x, gap, "thr=w%d ev=cq_pop conn=%d depth=0", w, id);
	fixture_event(x, gap, "thr=w%d ev=conn_new conn=%d fd=%d transport=tcp", w, id, 10 + id);
	fixture_event(x, gap, "thr=w%d ev=state conn=%d fd=%d from=conn_new_cmd to=conn_waiting", w, id, 10 + id);
	fixture_event(x, gap, "thr=w%d ev=cmd conn=%d verb=get keys=1 bytes=0", w, id);
	if (close)
		fixture_event(x, gap, "thr=w%d ev=conn_close conn=%d fd=%d reason=quit", w, id, 10 + id);
	else
		fixture_event(x, gap, "thr=w%d ev=state conn=%d fd=%d from=conn_waiting to=conn_read", w, id, 10 + id);
}

/* Closes the file (the lines stay for direct feeding). */
static void fixture_end(struct fixture *x)
{
	cr_assert_eq(fclose(x->f), 0);
	x->f = NULL;
}

/* Removes the file and frees the lines. */
static void fixture_free(struct fixture *x)
{
	unlink(x->path);
	for (size_t i = 0; i < x->nlines; i++)
		free(x->lines[i]);
	free(x->lines);
	free(x->is_event);
}

/*
 * A small trace, all within a few ms (no recorded-time ticks): snapshot,
 * 4 connections, with a malformed line, an answer, an unknown event and a
 * blank line among them.
 */
static void small_trace(struct fixture *x)
{
	fixture_begin(x, 5 * SEC);
	fixture_snapshot(x);
	fixture_conn(x, 2, 1000, true);
	fixture_raw(x, "this is not a trace line", false);
	fixture_conn(x, 3, 1000, false);
	fixture_raw(x, "ok paused", false);
	fixture_raw(x, "ts=5000900000 seq=99 thr=main ev=from_the_future x=1", false);
	fixture_conn(x, 4, 1000, false);
	fixture_raw(x, "", false);
	fixture_conn(x, 5, 1000, true);
	fixture_end(x);
}

/* The model fed directly with every line before the (k+1)-th event (all of them for k = every event). */
static struct model *feed_prefix(const struct fixture *x, size_t k)
{
	struct model *m = model_create();
	size_t seen = 0;

	cr_assert_not_null(m);
	m->status = MODEL_REPLAY;
	for (size_t i = 0; i < x->nlines; i++) {
		if (x->is_event[i] && seen++ == k)
			break;
		model_feed(m, x->lines[i], strlen(x->lines[i]));
	}
	return m;
}

/* The model drawn at 200x60 (malloc'd text). */
static char *picture(const struct model *m)
{
	struct screen *s = screen_create(60, 200, true);
	struct panel_view v;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	panel_view_init(&v);
	panel_layout_draw(s, m, &v);
	screen_write_text(s, out);
	fclose(out);
	screen_destroy(s);
	return text;
}

/* Fails unless a and b are the same picture, counters and workers included. */
static void expect_same_model(const struct model *a, const struct model *b, const char *what)
{
	char *ta = picture(a), *tb = picture(b);

	cr_expect_eq(a->events, b->events, "%s: events %llu vs %llu", what,
		     (unsigned long long)a->events, (unsigned long long)b->events);
	cr_expect_eq(a->malformed, b->malformed, "%s: malformed %llu vs %llu", what,
		     (unsigned long long)a->malformed, (unsigned long long)b->malformed);
	cr_expect_eq(a->nconns, b->nconns, "%s: conns %zu vs %zu", what, a->nconns, b->nconns);
	cr_expect_eq(memcmp(a->workers, b->workers, sizeof(a->workers)), 0, "%s: workers differ", what);
	cr_expect_eq(memcmp(a->transitions, b->transitions, sizeof(a->transitions)), 0,
		     "%s: transitions differ", what);
	cr_expect_eq(a->log_len, b->log_len, "%s: log lengths differ", what);
	cr_expect_str_eq(ta, tb, "%s: the pictures differ", what);
	free(ta);
	free(tb);
}

/* Opens the fixture; fails the test when it is refused. */
static struct replay *open_ok(const struct fixture *x)
{
	struct replay *r;

	cr_assert_eq(replay_open(x->path, &r), REPLAY_OK, "%s refused", x->path);
	return r;
}

static void setup(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	diag_set_prog("test_replay");
}

TestSuite(replay, .init = setup);

Test(replay, opens_at_the_first_whole_picture)
{
	struct fixture x;
	struct replay *r;

	small_trace(&x);
	r = open_ok(&x);
	cr_expect_eq(r->nevents, x.events);
	cr_expect_eq(r->nevents, 5 + 4 * 9);
	cr_expect_eq(r->start, 5, "the start is after hello and the 4 snapshot lines");
	cr_expect_eq(r->pos, r->start);
	cr_expect_eq(r->model->status, MODEL_REPLAY);
	cr_expect_eq(r->model->nworkers, 2);
	cr_expect_eq(r->counts.malformed, 2, "the garbage and the blank line");
	cr_expect_eq(r->counts.first_malformed, 15);
	struct model *direct = feed_prefix(&x, r->start);
	expect_same_model(r->model, direct, "at the start");
	model_destroy(direct);
	replay_close(r);
	fixture_free(&x);
}

/* Fails unless the replay is at k and shows what feeding k events directly shows. */
static void expect_prefix(const struct replay *r, const struct fixture *x, size_t k, const char *how)
{
	char what[64];
	struct model *direct = feed_prefix(x, k);

	cr_assert_eq(r->pos, k);
	snprintf(what, sizeof(what), "%s to %zu", how, k);
	expect_same_model(r->model, direct, what);
	model_destroy(direct);
}

Test(replay, every_step_forward_and_back_is_the_fed_prefix)
{
	struct fixture x;
	struct replay *r;

	small_trace(&x);
	r = open_ok(&x);
	cr_assert(replay_seek(r, 0));
	for (size_t k = 1; k <= r->nevents; k++) {
		cr_assert(replay_step(r));
		expect_prefix(r, &x, k, "forward");
	}
	cr_expect_not(replay_step(r), "a step past the end");
	cr_expect_eq(r->model->malformed, 2, "every malformed line counted once");
	for (size_t k = r->nevents; k-- > 0;) {
		cr_assert(replay_step_back(r));
		expect_prefix(r, &x, k, "back");
	}
	cr_expect_not(replay_step_back(r), "a step before the beginning");
	replay_close(r);
	fixture_free(&x);
}

/* Fails unless a step back from target + 1 shows what a replay opened afresh and sought to target shows. */
static void expect_back_is_straight(struct replay *r, const struct fixture *x, size_t target)
{
	char what[64];
	struct replay *straight;

	cr_assert(replay_seek(r, target + 1));
	cr_assert(replay_step_back(r));
	straight = open_ok(x);
	cr_assert(replay_seek(straight, target));
	snprintf(what, sizeof(what), "back to %zu", target);
	expect_same_model(r->model, straight->model, what);
	replay_close(straight);
}

Test(replay, steps_back_across_checkpoints_match_a_straight_run)
{
	struct fixture x;
	struct replay *r;

	/* 12,600 events over 38 s of recorded time: checkpoints, and ticks by the recorded clock. */
	fixture_begin(&x, 1 * SEC);
	fixture_snapshot(&x);
	for (int c = 0; c < 1400; c++)
		fixture_conn(&x, 2 + c, 3 * MS, c % 5 != 0);
	fixture_end(&x);
	r = open_ok(&x);
	cr_assert_gt(r->nevents, 3 * 4096);
	cr_assert(replay_seek(r, r->nevents));
	cr_expect_gt(r->model->events_per_sec, 0, "events/s comes from the recorded clock");
	size_t targets[] = { r->nevents - 1, 12289, 12288, 9000, 8193, 8192, 8191, 4097, 100, 12500, 5 };
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		expect_back_is_straight(r, &x, targets[i]);
	replay_close(r);
	fixture_free(&x);
}

Test(replay, seeks_by_time)
{
	struct fixture x;
	struct replay *r;

	fixture_begin(&x, 7 * SEC);
	fixture_snapshot(&x);
	fixture_conn(&x, 2, 100 * MS, true);  /* 100 .. 900 ms */
	fixture_conn(&x, 3, 1 * SEC, true);   /* 1.9 .. 9.9 s */
	fixture_end(&x);
	r = open_ok(&x);
	cr_expect_eq(replay_length(r), 9900 * MS + 40);
	cr_assert(replay_seek_time(r, 0));
	cr_expect_eq(r->pos, r->start, "time 0 is the first whole picture");
	cr_assert(replay_seek_time(r, 450 * MS));
	cr_expect_eq(r->pos, 5 + 4, "4 events of conn 2 by 450 ms");
	cr_expect_eq(replay_time(r), 400 * MS + 40);
	cr_assert(replay_seek_time(r, 5 * SEC));
	cr_expect_eq(r->pos, 5 + 9 + 4, "4 events of conn 3 by 5 s");
	cr_assert(replay_seek_time(r, 1000 * SEC));
	cr_expect_eq(r->pos, r->nevents);
	cr_assert(replay_seek_time(r, 450 * MS));
	cr_expect_eq(r->pos, 5 + 4, "and back again");
	replay_close(r);
	fixture_free(&x);
}

Test(replay, a_second_server_run_continues_the_clock)
{
	struct fixture x;
	struct replay *r;

	fixture_begin(&x, 50 * SEC);
	fixture_snapshot(&x);
	fixture_conn(&x, 2, 100 * MS, true);
	x.ts = 1 * SEC; /* the server restarted: its clock starts over */
	fixture_snapshot(&x);
	fixture_conn(&x, 2, 100 * MS, true);
	fixture_end(&x);
	r = open_ok(&x);
	cr_expect_eq(r->start, 5);
	cr_expect_eq(replay_length(r), 2 * (900 * MS + 40));
	for (size_t i = 1; i < r->nevents; i++)
		cr_expect_geq(replay_event_time(r, i), replay_event_time(r, i - 1), "time went back at event %zu", i);
	cr_assert(replay_seek(r, r->nevents));
	cr_expect_eq(r->model->nconns, 2, "the second run's picture: listening conn and conn 2");
	replay_close(r);
	fixture_free(&x);
}

Test(replay, plays_at_its_speed_and_cuts_idle_gaps)
{
	struct fixture x;
	struct replay *r;
	uint64_t wall = 1000 * SEC;

	fixture_begin(&x, 3 * SEC);
	fixture_snapshot(&x);
	fixture_conn(&x, 2, 1 * SEC, true);     /* one event a second: 1 .. 9 s */
	x.ts += 600 * SEC;                       /* ten idle minutes */
	fixture_conn(&x, 3, 1 * SEC, true);
	fixture_end(&x);
	r = open_ok(&x);
	replay_set_speed(r, 2);
	replay_play(r, true);
	replay_tick(r, wall);
	cr_expect_eq(r->pos, r->start, "the first tick only starts the clock");
	wall += 2 * SEC;
	replay_tick(r, wall);
	cr_expect_eq(r->pos, r->start + 4, "2 s at 2x: 4 recorded seconds, 4 events");
	replay_play(r, false);
	wall += 100 * SEC;
	replay_tick(r, wall);
	cr_expect_eq(r->pos, r->start + 4, "paused: nothing moves");
	replay_set_speed(r, 1);
	replay_play(r, true);
	replay_tick(r, wall);
	for (int i = 0; i < 5; i++) {
		wall += 1 * SEC;
		replay_tick(r, wall);
	}
	cr_expect_eq(r->pos, r->start + 9, "conn 2 done after 5 more seconds at 1x");
	/* Ten idle minutes take at most REPLAY_GAP_MAX_NS of the viewer's time. */
	wall += REPLAY_GAP_MAX_NS;
	replay_tick(r, wall);
	cr_expect_eq(r->pos, r->start + 10, "the gap was cut to a second");
	cr_expect(r->playing);
	wall += 100 * SEC;
	replay_tick(r, wall);
	cr_expect_eq(r->pos, r->nevents);
	cr_expect_not(r->playing, "play stops at the end");
	cr_expect(r->at_end);
	replay_play(r, true);
	cr_expect_eq(r->pos, r->start, "playing from the end starts over");
	replay_set_speed(r, 1e9);
	cr_expect_eq(r->speed, REPLAY_SPEED_MAX);
	replay_set_speed(r, 0);
	cr_expect_eq(r->speed, REPLAY_SPEED_MIN);
	replay_close(r);
	fixture_free(&x);
}

/* Appends a line of n bytes (a known event's start, then padding) that no reader may keep. */
static void fixture_too_long(struct fixture *x, size_t n)
{
	char *line = malloc(n + 1);

	cr_assert_not_null(line);
	memset(line, 'p', n);
	memcpy(line, "ts=1 seq=1 thr=w0 ev=yield conn=2 x=", 36);
	line[n] = '\0';
	fixture_raw(x, line, false);
	free(line);
}

/*
 * A trace with every kind of bad line a reader must skip and count: junk,
 * a line too long, workers and numbers beyond the hello's, and a second run
 * (a restart with fewer workers, where w1 is no more).
 */
static void hostile_trace(struct fixture *x)
{
	fixture_begin(x, 5 * SEC);
	fixture_snapshot(x);
	fixture_conn(x, 2, 1000, true);
	fixture_raw(x, "garbage", false);
	fixture_too_long(x, 1 << 20);
	fixture_raw(x, "ts=5000900000 seq=98 thr=w2 ev=yield conn=2", false);
	fixture_raw(x, "ts=5000900000 seq=99 thr=main ev=cq_push to=w7 conn=3 depth=1", false);
	fixture_raw(x, "ts=5000900000 seq=99 thr=w0 ev=cq_pop conn=3 depth=4294967296", false);
	fixture_conn(x, 3, 1000, false);
	fixture_event(x, 1000, "thr=main ev=hello v=1 pid=4243 threads=1 dispatch=rr tcp=11211 udp=0");
	fixture_raw(x, "ts=5000900000 seq=99 thr=w1 ev=yield conn=3", false);
	fixture_event(x, 1000, "thr=w0 ev=yield conn=3");
	fixture_too_long(x, EVENT_LINE_MAX + 1);
	fixture_event(x, 1000, "thr=w0 ev=yield conn=3");
	fixture_end(x);
}

/* A FILE to export to, discarded. */
static FILE *to_nowhere(void *arg)
{
	return arg;
}

Test(replay, replay_and_export_count_the_same_malformed_lines)
{
	struct fixture x;
	struct replay *r;
	struct export_stats st;
	FILE *in, *out = fopen("/dev/null", "w");

	hostile_trace(&x);
	r = open_ok(&x);
	cr_expect_eq(r->counts.malformed, 7, "junk, 2 too long, w2, to=w7, a depth, w1 after the restart");
	cr_expect_eq(r->counts.too_long, 2);
	cr_expect_eq(r->counts.first_malformed, 15);
	cr_expect_eq(r->counts.first_status, EVENT_E_NO_EQUALS);
	cr_expect_eq(r->counts.lines, x.nlines);
	in = fopen(x.path, "r");
	cr_assert(in != NULL && out != NULL);
	cr_assert_eq(export_perfetto(in, x.path, to_nowhere, out, &st), 0);
	cr_expect_eq(memcmp(&st.counts, &r->counts, sizeof(st.counts)), 0,
		     "export: %llu malformed of %llu lines, replay: %llu of %llu",
		     (unsigned long long)st.counts.malformed, (unsigned long long)st.counts.lines,
		     (unsigned long long)r->counts.malformed, (unsigned long long)r->counts.lines);
	fclose(in);
	fclose(out);
	/* Stepping reads the file again, skipping the same lines as feeding them does. */
	cr_assert(replay_seek(r, 0));
	for (size_t k = 1; k <= r->nevents; k++) {
		cr_assert(replay_step(r));
		expect_prefix(r, &x, k, "forward");
	}
	cr_expect_eq(r->model->nworkers, 1, "the second run's hello");
	cr_expect_eq(r->model->malformed, 2, "a model counts from its hello: w1 and a line too long");
	for (size_t k = r->nevents; k-- > 0;) {
		cr_assert(replay_step_back(r));
		expect_prefix(r, &x, k, "back");
	}
	replay_close(r);
	fixture_free(&x);
}

Test(replay, a_large_file_is_read_again_not_kept)
{
	struct fixture x;
	struct replay *r;
	struct stat st;
	char pad[1001];

	/* 60,000 events of a kilobyte each (unknown keys pad them): 60 MB of file. */
	memset(pad, 'p', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	memcpy(pad, "pad=", 4);
	fixture_begin(&x, 1 * SEC);
	fixture_snapshot(&x);
	for (int i = 0; i < 60000; i++) {
		x.ts += 1000;
		fprintf(x.f, "ts=%llu seq=%llu thr=w%d ev=yield conn=%d %s\n", (unsigned long long)x.ts,
			(unsigned long long)++x.seq, i % 2, 1 + i % 2, pad);
	}
	fixture_end(&x);
	cr_assert_eq(stat(x.path, &st), 0);
	cr_assert_gt(st.st_size, 60 * 1000 * 1000);
	r = open_ok(&x);
	cr_expect_eq(r->nevents, 5 + 60000u);
	/* Every checkpoint taken, the end reached, a step back across one, a seek by time. */
	cr_assert(replay_seek(r, r->nevents));
	cr_assert(replay_seek(r, 40000));
	cr_assert(replay_step_back(r));
	cr_assert(replay_seek_time(r, replay_event_time(r, 5 + 29999)));
	cr_expect_eq(r->pos, 5 + 30000u);
	size_t held = replay_bytes(r);
	cr_expect_lt(held, (size_t)16 << 20, "%zu bytes held", held);
	cr_expect_lt(held, (size_t)st.st_size / 4, "%zu bytes held for %lld of file", held,
		     (long long)st.st_size);
	replay_close(r);
	fixture_free(&x);
}

Test(replay, checkpoints_of_a_crowded_picture_are_thinned_to_their_budget)
{
	struct fixture x;
	struct replay *r;

	/* 30,000 connections that never close (each checkpoint a copy of them all), then 90,000 events. */
	fixture_begin(&x, 1 * SEC);
	fixture_snapshot(&x);
	for (int c = 0; c < 30000; c++) {
		x.ts += 1000;
		fprintf(x.f, "ts=%llu seq=%llu thr=main ev=dispatch conn=%d fd=%d to=w%d last=none "
			"dispatch=rr transport=tcp init=conn_new_cmd\n", (unsigned long long)x.ts,
			(unsigned long long)++x.seq, 2 + c, 10 + c, c % 2);
	}
	for (int i = 0; i < 90000; i++) {
		x.ts += 1000;
		fprintf(x.f, "ts=%llu seq=%llu thr=w%d ev=yield conn=%d\n", (unsigned long long)x.ts,
			(unsigned long long)++x.seq, i % 2, 2 + i % 30000);
	}
	fixture_end(&x);
	r = open_ok(&x);
	size_t every = r->checkpoint_every;
	cr_assert(replay_seek(r, r->nevents));
	cr_expect_gt(r->checkpoint_every, every, "some were dropped");
	cr_expect_leq(r->checkpoint_bytes, (size_t)64 << 20);
	cr_expect_lt(replay_bytes(r), (size_t)80 << 20, "%zu bytes held", replay_bytes(r));
	/* Back across what is left: the same picture as a straight run. */
	expect_back_is_straight(r, &x, 70000);
	replay_close(r);
	fixture_free(&x);
}

/* Writes len bytes to a new temp file; returns its path in buf. */
static void write_file(char *buf, const char *data, size_t len)
{
	strcpy(buf, "/tmp/mcscope-test-replay-XXXXXX");
	int fd = mkstemp(buf);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

Test(replay, refuses_what_is_not_a_trace)
{
	static const char binary[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0";
	static const struct {
		const char *data;
		size_t len;
	} cases[] = {
		{ "", 0 },
		{ "\n\n\n", 3 },
		{ binary, sizeof(binary) - 1 },
		{ "hello world\n", 12 },
		{ "ts=1 seq=1 thr=main ev=accept conn=2 fd=3 peer=x\n", 49 },
		{ "ts=1 seq=1 thr=main ev=hello v=99 threads=1\n", 44 },
	};
	char path[64];
	struct replay *r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(path, cases[i].data, cases[i].len);
		cr_expect_eq(replay_open(path, &r), REPLAY_NOT_TRACE, "case %zu", i);
		cr_expect_null(r);
		unlink(path);
	}
	cr_expect_eq(replay_open("/nonexistent/run.trace", &r), REPLAY_UNREADABLE);
	cr_expect_eq(replay_open("/tmp", &r), REPLAY_UNREADABLE, "a directory");
}

/* Runs mcscope and checks its exit status. */
static void run(const char *const *args, int want, char **out, char **err)
{
	int rc = cli_run(args, NULL, out, err);

	cr_assert_eq(rc, want, "mcscope %s ...: exit %d, want %d\nstdout: %s\nstderr: %s", args[0],
		     rc, want, *out, *err);
}

Test(replay, once_prints_the_first_whole_picture)
{
	struct fixture x;
	char *out, *err;

	small_trace(&x);
	const char *args[] = { "replay", "--once", x.path, NULL };
	run(args, 0, &out, &err);
	cr_expect_not_null(strstr(out, " replay "), "%s", out);
	cr_expect_not_null(strstr(out, "event 5/41  0:00.0/0:00.0 "), "position and time at 80x24:\n%s", out);
	cr_expect_not_null(strstr(out, "2 threads  rr"), "%s", out);
	cr_expect_not_null(strstr(out, "listening 1"), "%s", out);
	cr_expect_not_null(strstr(out, "space play/pause"), "the replay's keys:\n%s", out);
	cr_expect_not_null(strstr(err, "2 malformed lines skipped (the first: line 15, a word without '=')"), "%s", err);
	free(out);
	free(err);
	fixture_free(&x);
}

Test(replay, event_end_and_frames)
{
	struct fixture x;
	char *out, *err;

	small_trace(&x);
	const char *end_args[] = { "replay", "--once", "--event", "end", x.path, NULL };
	run(end_args, 0, &out, &err);
	cr_expect_not_null(strstr(out, "event 41/41"), "%s", out);
	cr_expect_not_null(strstr(out, "read 2"), "conns 3 and 4 end in conn_read:\n%s", out);
	free(out);
	free(err);
	const char *at_args[] = { "replay", "--frames", "3", "--size", "100x30", "--event", "14",
				  x.path, NULL };
	run(at_args, 0, &out, &err);
	cr_expect_not_null(strstr(out, "event 14/41"), "%s", out);
	cr_expect_not_null(strstr(out, "event 41/41"), "a frame -d later the whole 30 us are played:\n%s", out);
	cr_expect_not_null(strstr(out, "\f\n"), "frames are separated by form feeds");
	free(out);
	free(err);
	fixture_free(&x);
}

Test(replay, bad_command_lines_and_files)
{
	struct fixture x;
	char *out, *err, path[64];

	small_trace(&x);
	const char *const usage_cases[][8] = {
		{ "replay", NULL },
		{ "replay", "--once", NULL },
		{ "replay", "--once", x.path, x.path, NULL },
		{ "replay", "--once", "--speed", "0", x.path, NULL },
		{ "replay", "--once", "--speed", "fast", x.path, NULL },
		{ "replay", "--once", "--at", "-1", x.path, NULL },
		{ "replay", "--once", "--at", "1", "--event", "2", x.path },
		{ "replay", "--once", "--event", "42", x.path, NULL },
		{ "replay", "--once", "--event", "x", x.path, NULL },
		{ "replay", "--bogus", x.path, NULL },
	};
	for (size_t i = 0; i < sizeof(usage_cases) / sizeof(usage_cases[0]); i++) {
		run(usage_cases[i], EXIT_USAGE, &out, &err);
		cr_expect_neq(err[0], '\0', "case %zu: no message", i);
		free(out);
		free(err);
	}
	write_file(path, "\x01\x02\x03 not text\n", 14);
	const char *garbage[] = { "replay", "--once", path, NULL };
	run(garbage, EXIT_DATAERR, &out, &err);
	cr_expect_not_null(strstr(err, "not an mcscope trace"), "%s", err);
	cr_expect_str_eq(out, "");
	free(out);
	free(err);
	unlink(path);
	const char *missing[] = { "replay", "--once", "/nonexistent/run.trace", NULL };
	run(missing, EXIT_NOINPUT, &out, &err);
	cr_expect_not_null(strstr(err, "cannot read /nonexistent/run.trace"), "%s", err);
	free(out);
	free(err);
	const char *help[] = { "replay", "--help", NULL };
	run(help, 0, &out, &err);
	cr_expect_eq(strncmp(out, "Usage: mcscope replay ", 22), 0, "%s", out);
	cr_expect_not_null(strstr(out, "Exit status"), "%s", out);
	free(out);
	free(err);
	fixture_free(&x);
}

Test(replay, a_recording_of_a_real_server_plays_back)
{
	char dir[] = "/tmp/mcscope-test-replay-XXXXXX", sock[128], trace[128], cmd[160];
	struct server_proc srv;
	struct cli_proc rec;
	int conns[3];
	char *out, *err;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "--trace-socket=%s/t.sock", dir);
	snprintf(trace, sizeof(trace), "%s/run.trace", dir);
	const char *srv_args[] = { "-t", "2", sock, NULL };
	cr_assert(harness_start(&srv, srv_args), "mcscoped did not start");
	/* Connections open for the whole recording are in it, by the snapshot or by their events. */
	for (int i = 0; i < 3; i++) {
		conns[i] = harness_connect(srv.tcp_port);
		cr_assert_geq(conns[i], 0);
		char *reply = harness_cmd(conns[i], "set k 0 0 1\r\nx\r\n", "STORED\r\n");
		cr_assert_not_null(reply);
		free(reply);
	}
	const char *rec_args[] = { "record", "--socket", sock + strlen("--trace-socket="), "-o", trace,
				   "--duration", "1", NULL };
	cr_assert(cli_start(&rec, rec_args, NULL));
	int fd = harness_connect(srv.tcp_port);
	char *reply = harness_cmd(fd, "get k\r\n", "END\r\n");
	cr_assert_not_null(reply);
	free(reply);
	int rec_rc = cli_wait(&rec, CLI_DEADLINE_MS);
	char *rec_err = cli_slurp(rec.err_fd);
	cr_expect_eq(rec_rc, 0, "record failed: %s", rec_err);
	free(rec_err);
	cli_done(&rec);

	const char *args[] = { "replay", "--once", "--event", "end", trace, NULL };
	run(args, 0, &out, &err);
	cr_expect_not_null(strstr(out, " replay "), "%s", out);
	cr_expect_not_null(strstr(out, " w0 "), "%s", out);
	cr_expect_not_null(strstr(out, " w1 "), "%s", out);
	cr_expect_not_null(strstr(out, "listening 1"), "%s", out);
	int listed = 0;
	for (const char *p = out; (p = strstr(p, " tcp ")) != NULL; p++)
		listed++;
	cr_expect_geq(listed, 4, "the listening conn and the 3 open clients:\n%s", out);
	cr_expect_str_eq(err, "");
	free(out);
	free(err);

	for (int i = 0; i < 3; i++)
		close(conns[i]);
	close(fd);
	harness_stop(&srv);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}
