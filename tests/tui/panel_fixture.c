/* The fixture model for the panel tests: event lines as mcscoped writes them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "panel_fixture.h"

/* A server with 4 workers: 6 connections dispatched round robin, one mid-set, w1 frozen. */
static const char *const session[] = {
	"ts=1000 seq=1 thr=main ev=hello v=1 pid=4242 threads=4 dispatch=rr tcp=11211 udp=0 maxconns=1024 reqs_per_event=20 states=conn_listening,conn_new_cmd,conn_waiting,conn_read,conn_parse_cmd,conn_write,conn_nread,conn_swallow,conn_closing,conn_mwrite,conn_closed",
	"ts=1001 seq=1 thr=w0 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0",
	"ts=1002 seq=1 thr=w1 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0",
	"ts=1003 seq=1 thr=w2 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0",
	"ts=1004 seq=1 thr=w3 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0",
	"ts=1005 seq=1 thr=main ev=snapshot_conn conn=1 fd=9 transport=tcp state=conn_listening",
	"ts=1006 seq=1 thr=main ev=snapshot_end last=none next=w0",
};

/* Feeds the session plus n connections dispatched round robin. */
struct model *panel_fixture_feed(int n)
{
	struct model *m = model_create();
	char line[256];
	unsigned long long seq = 2, ts = 2000;

	cr_assert_not_null(m);
	for (size_t i = 0; i < sizeof(session) / sizeof(session[0]); i++)
		model_feed(m, session[i], strlen(session[i]));
	for (int c = 0; c < n; c++) {
		int w = c % 4, id = 10 + c;
		const char *last = c == 0 ? "none" : (char[]){ 'w', (char)('0' + (c - 1) % 4), 0 };
		snprintf(line, sizeof(line), "ts=%llu seq=%llu thr=main ev=dispatch conn=%d fd=%d to=w%d last=%s dispatch=rr transport=tcp init=conn_new_cmd",
			 ts++, seq++, id, 20 + c, w, last);
		model_feed(m, line, strlen(line));
		snprintf(line, sizeof(line), "ts=%llu seq=%llu thr=main ev=cq_push to=w%d conn=%d depth=1", ts++, seq++, w, id);
		model_feed(m, line, strlen(line));
		if (w == 1)
			continue; /* w1 is frozen: its conns wait in its queue */
		snprintf(line, sizeof(line), "ts=%llu seq=%llu thr=w%d ev=cq_pop conn=%d depth=0", ts++, seq++, w, id);
		model_feed(m, line, strlen(line));
		snprintf(line, sizeof(line), "ts=%llu seq=%llu thr=w%d ev=conn_new conn=%d fd=%d transport=tcp", ts++, seq++, w, id, 20 + c);
		model_feed(m, line, strlen(line));
		snprintf(line, sizeof(line), "ts=%llu seq=%llu thr=w%d ev=state conn=%d fd=%d from=conn_new_cmd to=conn_waiting", ts++, seq++, w, id, 20 + c);
		model_feed(m, line, strlen(line));
	}
	model_tick(m, 1000000000ULL);
	return m;
}

/* Returns the screen's text. */
char *panel_fixture_text(const struct screen *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	cr_assert_not_null(out);
	screen_write_text(s, out);
	fclose(out);
	return text;
}
