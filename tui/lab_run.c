/* lab_run.c: a lab's scenario, step by step, on a private server. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "demo.h"
#include "diag.h"
#include "lab_exec.h"
#include "lab_run.h"
#include "stop.h"

/* How long the stream may take to end once the server was asked to stop. */
#define DRAIN_MS 5000

/* One client connection of the scenario. */
struct run_conn {
	int fd;           /* -1 when closed */
	uint64_t id;      /* the server's conn=; 0 until its accept is seen */
	char peer[64];    /* our end's address, as the accept names it */
	char in[65536];   /* bytes read and not yet expected */
	size_t inlen;
};

struct run {
	const struct lab *lab;
	struct demo demo;
	struct client client;
	struct lab_trace *t;
	struct run_conn conns[LAB_RUN_CONNS];
	int nconns;
	char *why;
	size_t whylen;
	const struct lab_step *step;
};

/* Milliseconds on the monotonic clock. */
static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Says why the current step failed; returns LAB_RUN_STEP_FAILED. */
static int step_failed(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int step_failed(struct run *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->step != NULL)
		snprintf(r->why, r->whylen, "lab.conf:%d (run %s): %s", r->step->line, r->step->text, msg);
	else
		snprintf(r->why, r->whylen, "%s", msg);
	return LAB_RUN_STEP_FAILED;
}

/* Reads every line the stream has ready into the trace; -1 when it ended or failed. */
static int drain_ready(struct run *r)
{
	const char *line;
	size_t len;

	do {
		int rc = client_read_line(&r->client, &line, &len);
		if (rc <= 0)
			return -1;
		lab_trace_add(r->t, line, len);
	} while (client_line_ready(&r->client));
	return 0;
}

/*
 * Waits up to the deadline for the stream (and fd for events, when not -1);
 * reads what the stream has. 1 when fd is ready, 0 when the time is up or
 * only the stream moved, -1 when the stream ended or a stop came.
 */
static int pump(struct run *r, int fd, short events, uint64_t deadline)
{
	struct pollfd p[3] = {
		{ .fd = r->client.fd, .events = POLLIN },
		{ .fd = stop_fd(), .events = POLLIN },
		{ .fd = fd, .events = events },
	};
	uint64_t now = now_ms();
	int timeout = now >= deadline ? 0 : (int)(deadline - now);

	if (client_line_ready(&r->client))
		return drain_ready(r) == 0 ? 0 : -1;
	int rc = poll(p, fd >= 0 ? 3 : 2, timeout);
	if (rc < 0)
		return errno == EINTR ? 0 : -1;
	if (p[1].revents != 0)
		return -1;
	if (p[0].revents != 0 && drain_ready(r) != 0)
		return -1;
	return fd >= 0 && p[2].revents != 0 ? 1 : 0;
}

/* Finds an event in the trace from line *from on; advances *from past it. */
static bool find_event(struct run *r, size_t *from, int ev, uint64_t conn, struct event *e)
{
	for (; *from < r->t->n; (*from)++)
		if (lab_trace_event(r->t, *from, e) == EVENT_LINE && e->ev == ev &&
		    (conn == 0 || event_num(e, KEY_conn, 0) == conn)) {
			(*from)++;
			return true;
		}
	return false;
}

/* Waits for the count-th event ev (of conn, when not 0) in the whole run. */
static int wait_event(struct run *r, int ev, uint64_t conn, unsigned long count)
{
	uint64_t deadline = now_ms() + LAB_RUN_WAIT_MS;
	size_t from = 0;
	unsigned long seen = 0;
	struct event e;

	for (;;) {
		while (find_event(r, &from, ev, conn, &e))
			if (++seen >= count)
				return 0;
		if (now_ms() >= deadline)
			return step_failed(r, "no %s%s within %d s (saw %lu of %lu)", wire_event_name(ev),
					   conn ? " of that connection" : "", LAB_RUN_WAIT_MS / 1000, seen, count);
		if (pump(r, -1, 0, deadline) < 0)
			return stop_signal() ? LAB_RUN_STOPPED : step_failed(r, "the trace stream ended");
	}
}

/* Turns 'TEXT' escapes into bytes; returns the length, -1 on a bad escape. */
static ssize_t unescape(const char *in, char *out, size_t n)
{
	size_t len = 0;

	for (; *in != '\0'; in++) {
		char c = *in;
		if (c == '\\') {
			in++;
			switch (*in) {
			case 'r': c = '\r'; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '\\': c = '\\'; break;
			case '\'': c = '\''; break;
			case 'x':
				if (!isxdigit((unsigned char)in[1]) || !isxdigit((unsigned char)in[2]))
					return -1;
				char hex[3] = { in[1], in[2], '\0' };
				c = (char)strtol(hex, NULL, 16);
				in += 2;
				break;
			default:
				return -1;
			}
		}
		if (len == n)
			return -1;
		out[len++] = c;
	}
	return (ssize_t)len;
}

/* The connection a step names (1-based); NULL after saying why. */
static struct run_conn *conn_of(struct run *r, const char *word)
{
	char *end;
	long i = strtol(word, &end, 10);

	if (*end != '\0' || i < 1 || i > r->nconns || r->conns[i - 1].fd < 0) {
		step_failed(r, "no open client connection %s", word);
		return NULL;
	}
	return &r->conns[i - 1];
}

/* Waits for the accept of connection c (found by its peer address) and keeps its conn=. */
static int wait_accept(struct run *r, struct run_conn *c)
{
	uint64_t deadline = now_ms() + LAB_RUN_WAIT_MS;
	size_t from = 0;
	struct event e;

	while (c->id == 0) {
		while (c->id == 0 && find_event(r, &from, EVT_accept, 0, &e))
			if (event_str_eq(&e, KEY_peer, c->peer))
				c->id = event_num(&e, KEY_conn, 0);
		if (c->id != 0)
			break;
		if (now_ms() >= deadline)
			return step_failed(r, "client connection %d was not accepted within %d s",
					   (int)(c - r->conns) + 1, LAB_RUN_WAIT_MS / 1000);
		if (pump(r, -1, 0, deadline) < 0)
			return stop_signal() ? LAB_RUN_STOPPED : step_failed(r, "the trace stream ended");
	}
	return 0;
}

/* Opens one connection; unless until is -1 (none), waits for its accept, then for until's event. */
static int open_conn(struct run *r, int until)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)r->demo.tcp_port) };
	socklen_t len = sizeof(sin);

	if (r->nconns == LAB_RUN_CONNS)
		return step_failed(r, "more than %d client connections", LAB_RUN_CONNS);
	struct run_conn *c = &r->conns[r->nconns];
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		return step_failed(r, "cannot connect to 127.0.0.1:%d: %s", r->demo.tcp_port, strerror(errno));
	c->inlen = 0;
	c->id = 0;
	r->nconns++;
	fcntl(c->fd, F_SETFL, O_NONBLOCK);
	getsockname(c->fd, (struct sockaddr *)&sin, &len);
	snprintf(c->peer, sizeof(c->peer), "127.0.0.1:%d", ntohs(sin.sin_port));
	if (until < 0)
		return 0;
	int rc = wait_accept(r, c);
	if (rc != 0 || until == EVT_accept)
		return rc;
	return wait_event(r, until, c->id, 1);
}

/* Sends n bytes on a connection, reading the stream meanwhile. */
static int send_bytes(struct run *r, struct run_conn *c, const char *buf, size_t n)
{
	uint64_t deadline = now_ms() + LAB_RUN_WAIT_MS;

	while (n > 0) {
		ssize_t w = send(c->fd, buf, n, MSG_NOSIGNAL);
		if (w > 0) {
			buf += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return step_failed(r, "send: %s", strerror(errno));
		if (now_ms() >= deadline)
			return step_failed(r, "the server took no bytes for %d s", LAB_RUN_WAIT_MS / 1000);
		if (pump(r, c->fd, POLLOUT, deadline) < 0)
			return stop_signal() ? LAB_RUN_STOPPED : step_failed(r, "the trace stream ended");
	}
	return 0;
}

/* Writes bytes as a quoted, escaped text for messages. */
static void quote(const char *in, size_t len, char *out, size_t n)
{
	size_t used = 0;

	for (size_t i = 0; i < len && used + 5 < n; i++) {
		unsigned char ch = (unsigned char)in[i];
		if (ch == '\r')
			used += (size_t)snprintf(out + used, n - used, "\\r");
		else if (ch == '\n')
			used += (size_t)snprintf(out + used, n - used, "\\n");
		else if (ch < 32 || ch > 126)
			used += (size_t)snprintf(out + used, n - used, "\\x%02x", ch);
		else
			out[used++] = (char)ch;
	}
	out[used] = '\0';
}

/* Reads until exactly want has come. */
static int expect_bytes(struct run *r, struct run_conn *c, const char *want, size_t n)
{
	uint64_t deadline = now_ms() + LAB_RUN_WAIT_MS;
	char a[256], b[256];

	if (n > sizeof(c->in))
		return step_failed(r, "expected text longer than %zu bytes", sizeof(c->in));
	while (c->inlen < n) {
		ssize_t got = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
		if (got > 0) {
			c->inlen += (size_t)got;
			continue;
		}
		if (got == 0)
			break;
		if (errno != EAGAIN && errno != EINTR)
			return step_failed(r, "recv: %s", strerror(errno));
		if (now_ms() >= deadline)
			break;
		if (pump(r, c->fd, POLLIN, deadline) < 0)
			return stop_signal() ? LAB_RUN_STOPPED : step_failed(r, "the trace stream ended");
	}
	if (c->inlen < n || memcmp(c->in, want, n) != 0) {
		quote(want, n, a, sizeof(a));
		quote(c->in, c->inlen, b, sizeof(b));
		return step_failed(r, "expected '%s', got '%s'", a, b);
	}
	c->inlen -= n;
	memmove(c->in, c->in + n, c->inlen);
	return 0;
}

/* Reads and drops bytes until want has come (want too); keeps what follows it. */
static int skip_bytes(struct run *r, struct run_conn *c, const char *want, size_t n)
{
	uint64_t deadline = now_ms() + LAB_RUN_WAIT_MS;
	char a[256];

	if (n == 0 || n > sizeof(c->in) / 2)
		return step_failed(r, "skip needs a text of 1-%zu bytes", sizeof(c->in) / 2);
	for (;;) {
		char *hit = memmem(c->in, c->inlen, want, n);
		if (hit != NULL) {
			c->inlen -= (size_t)(hit - c->in) + n;
			memmove(c->in, hit + n, c->inlen);
			return 0;
		}
		/* Only a tail shorter than want can still be the start of it. */
		if (c->inlen >= n) {
			memmove(c->in, c->in + c->inlen - (n - 1), n - 1);
			c->inlen = n - 1;
		}
		ssize_t got = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
		if (got > 0) {
			c->inlen += (size_t)got;
			continue;
		}
		if (got < 0 && errno != EAGAIN && errno != EINTR)
			return step_failed(r, "recv: %s", strerror(errno));
		if (got == 0 || now_ms() >= deadline) {
			quote(want, n, a, sizeof(a));
			return step_failed(r, "'%s' did not come (%s)", a, got == 0 ? "the server closed" : "time is up");
		}
		if (pump(r, c->fd, POLLIN, deadline) < 0)
			return stop_signal() ? LAB_RUN_STOPPED : step_failed(r, "the trace stream ended");
	}
}

/* Counts the trace's dispatches to worker thr minus its conn_closes: its open connections, as the events tell. */
static uint64_t trace_open(const struct run *r, int thr)
{
	uint64_t open = 0;
	struct event e;

	for (size_t k = 0; k < r->t->n; k++) {
		if (lab_trace_event(r->t, k, &e) != EVENT_LINE)
			continue;
		if (e.ev == EVT_dispatch && event_idx(&e, KEY_to, -1) == thr)
			open++;
		else if (e.ev == EVT_conn_close && e.thr == thr && open > 0)
			open--;
	}
	return open;
}

/* Reads worker thr's open count from a fresh snapshot (a second trace client); -1 when it cannot. */
static int snapshot_open(struct run *r, int thr, uint64_t *open)
{
	struct client *peek = malloc(sizeof(*peek));
	const char *line;
	size_t len;
	int rc = -1;

	if (peek == NULL)
		return -1;
	client_init(peek);
	if (client_connect(peek, r->demo.socket_path) == 0) {
		while (client_read_line(peek, &line, &len) > 0) {
			struct event e;
			if (event_parse(line, len, &e) != EVENT_LINE)
				continue;
			if (e.ev == EVT_snapshot_worker && e.thr == thr) {
				*open = event_num(&e, KEY_open, 0);
				rc = 0;
			}
			if (e.ev == EVT_snapshot_end)
				break;
		}
	}
	client_close(peek);
	free(peek);
	return rc;
}

/* Waits until id's worker counts it gone (its conn_close comes a moment before), as a next dispatch must. */
static int wait_settled(struct run *r, uint64_t id)
{
	uint64_t deadline = now_ms() + LAB_RUN_WAIT_MS, open = 0;
	size_t from = 0;
	struct event e;

	if (!find_event(r, &from, EVT_dispatch, id, &e))
		return 0;
	int thr = event_idx(&e, KEY_to, -1);
	for (;;) {
		if (snapshot_open(r, thr, &open) != 0)
			return step_failed(r, "cannot read a snapshot from the trace socket");
		if (open == trace_open(r, thr))
			return 0;
		if (now_ms() >= deadline)
			return step_failed(r, "w%d counts %llu open connections, the events %llu", thr,
					   (unsigned long long)open, (unsigned long long)trace_open(r, thr));
		if (pump(r, -1, 0, now_ms() + 1) < 0)
			return stop_signal() ? LAB_RUN_STOPPED : step_failed(r, "the trace stream ended");
	}
}

/* The conn= of a connection, waiting for its accept when a connect did not. */
static int conn_id(struct run *r, struct run_conn *c, uint64_t *id)
{
	int rc = c->id != 0 ? 0 : wait_accept(r, c);

	*id = c->id;
	return rc;
}

/* Keeps every line a control command's answer comes after. */
static void record_line(void *arg, const char *line, size_t len)
{
	lab_trace_add(arg, line, len);
}

/* Sends TEXT times times, in one write. */
static int send_times(struct run *r, struct run_conn *c, const char *text, size_t len, unsigned long times)
{
	if (times == 0 || times > LAB_RUN_TIMES_MAX || len * times > LAB_RUN_TIMES_MAX * 16)
		return step_failed(r, "times must be 1-%d and the bytes at most %d", LAB_RUN_TIMES_MAX,
				   LAB_RUN_TIMES_MAX * 16);
	char *buf = malloc(len * times);
	if (buf == NULL)
		return step_failed(r, "out of memory");
	for (unsigned long i = 0; i < times; i++)
		memcpy(buf + i * len, text, len);
	int rc = send_bytes(r, c, buf, len * times);
	free(buf);
	return rc;
}

/* Reads a load step's words into o: SCENARIO [conns=N] [rate=R] [seconds=S]; false when they are not that. */
static bool load_words(int n, char **w, struct load_opts *o)
{
	int scenario = n >= 2 ? load_scenario_from_name(w[1]) : -1;

	if (scenario < 0 || scenario == LOAD_UDP)
		return false;
	o->scenario = (enum load_scenario)scenario;
	o->conns = 8;
	o->duration = 1;
	o->rate = 0;
	for (int i = 2; i < n; i++) {
		char *end;
		if (strncmp(w[i], "conns=", 6) == 0) {
			unsigned long v = strtoul(w[i] + 6, &end, 10);
			if (*end != '\0' || v < 1 || v > 1000)
				return false;
			o->conns = (unsigned)v;
		} else if (strncmp(w[i], "rate=", 5) == 0) {
			unsigned long v = strtoul(w[i] + 5, &end, 10);
			if (*end != '\0' || v < 1 || v > 100000)
				return false;
			o->rate = (double)v;
		} else if (strncmp(w[i], "seconds=", 8) == 0) {
			unsigned long v = strtoul(w[i] + 8, &end, 10);
			if (*end != '\0' || v < 1 || v > 60)
				return false;
			o->duration = (double)v;
		} else {
			return false;
		}
	}
	return true;
}

/* Runs a workload to its end, reading the stream meanwhile. */
static int run_load(struct run *r, int n, char **w)
{
	struct load_opts o = { .host = "127.0.0.1", .rate = 0, .seed = r->lab->seed,
			       .reply_timeout_us = LOAD_REPLY_TIMEOUT_US };
	char said[512] = "";
	int status = 0;

	if (!load_words(n, w, &o))
		return step_failed(r, "expected 'load SCENARIO [conns=1-1000] [rate=1-100000] [seconds=1-60]'");
	if (demo_start_load(&r->demo, &o) != 0)
		return step_failed(r, "the workload did not start");
	uint64_t deadline = now_ms() + (uint64_t)(o.duration * 1000) + LAB_RUN_WAIT_MS;
	pid_t pid = r->demo.load;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		pid_t got = waitpid(pid, &status, WNOHANG);
		if (got == pid)
			break;
		if (now_ms() >= deadline) {
			if (pidfd >= 0)
				close(pidfd);
			return step_failed(r, "the workload did not end within %.0f s", o.duration + LAB_RUN_WAIT_MS / 1000);
		}
		/* Without a pidfd, look again every 50 ms. */
		if (pump(r, pidfd, POLLIN, pidfd >= 0 ? deadline : now_ms() + 50) < 0) {
			if (pidfd >= 0)
				close(pidfd);
			return stop_signal() ? LAB_RUN_STOPPED : step_failed(r, "the trace stream ended");
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	r->demo.load = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	FILE *f = fopen(r->demo.load_log, "r");
	if (f != NULL) {
		size_t got = fread(said, 1, sizeof(said) - 1, f);
		said[got] = '\0';
		said[strcspn(said, "\n")] = '\0';
		fclose(f);
	}
	return step_failed(r, "the workload failed (exit status %d): %s", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			   said[0] ? said : "it said nothing");
}

/* The event a connect step waits for: until=EVENT, or -1 for until=none; -2 when not known. */
static int connect_until(int n, char **w)
{
	const char *until = n >= 3 && strncmp(w[2], "until=", 6) == 0 ? w[2] + 6 : "conn_new";

	if (n >= 3 && strncmp(w[2], "until=", 6) != 0)
		return -2;
	if (strcmp(until, "none") == 0)
		return -1;
	int ev = wire_event_from_name(until, strlen(until));
	return ev >= 0 ? ev : -2;
}

/* Carries out one step. */
static int run_step(struct run *r, char *text)
{
	char *w[6], buf[LAB_LINE_MAX];
	int n = lab_split(text, w, 6), rc;
	struct run_conn *c;
	uint64_t id;
	ssize_t len;

	if (n < 1)
		return step_failed(r, "an empty step");
	if (strcmp(w[0], "connect") == 0) {
		long count = n >= 2 ? strtol(w[1], NULL, 10) : 0;
		int ev = connect_until(n, w);
		for (long i = 0; i < count; i++)
			if ((rc = open_conn(r, ev)) != 0)
				return rc;
		return 0;
	}
	if (strcmp(w[0], "send") == 0 || strcmp(w[0], "expect") == 0 || strcmp(w[0], "skip") == 0) {
		if ((c = conn_of(r, w[1])) == NULL)
			return LAB_RUN_STEP_FAILED;
		if ((len = unescape(w[2], buf, sizeof(buf))) < 0)
			return step_failed(r, "a bad escape in '%s'", w[2]);
		if (w[0][1] == 'k')
			return skip_bytes(r, c, buf, (size_t)len);
		if (w[0][0] == 'e')
			return expect_bytes(r, c, buf, (size_t)len);
		if (n == 4 && strncmp(w[3], "times=", 6) == 0)
			return send_times(r, c, buf, (size_t)len, strtoul(w[3] + 6, NULL, 10));
		return send_bytes(r, c, buf, (size_t)len);
	}
	if (strcmp(w[0], "fill") == 0) {
		if ((c = conn_of(r, w[1])) == NULL)
			return LAB_RUN_STEP_FAILED;
		long total = strtol(w[2], NULL, 10);
		memset(buf, 'x', sizeof(buf));
		for (long done = 0; done < total;) {
			size_t chunk = (size_t)(total - done) < sizeof(buf) ? (size_t)(total - done) : sizeof(buf);
			if ((rc = send_bytes(r, c, buf, chunk)) != 0)
				return rc;
			done += (long)chunk;
		}
		return 0;
	}
	if (strcmp(w[0], "close") == 0) {
		if ((c = conn_of(r, w[1])) == NULL)
			return LAB_RUN_STEP_FAILED;
		if ((rc = conn_id(r, c, &id)) != 0)
			return rc;
		close(c->fd);
		c->fd = -1;
		if ((rc = wait_event(r, EVT_conn_close, id, 1)) != 0)
			return rc;
		return wait_settled(r, id);
	}
	if (strcmp(w[0], "ctl") == 0) {
		const char *answer;
		size_t alen;
		rc = client_command(&r->client, w[1], &answer, &alen, record_line, r->t);
		if (rc < 0)
			return stop_signal() ? LAB_RUN_STOPPED : step_failed(r, "the trace stream ended");
		if (rc != 0)
			return step_failed(r, "the server answered '%.*s'", (int)alen, answer);
		return 0;
	}
	if (strcmp(w[0], "wait") == 0) {
		int ev = wire_event_from_name(w[1], strlen(w[1]));
		unsigned long count = 1;
		uint64_t conn = 0;
		for (int i = 2; i < n; i++) {
			if (strncmp(w[i], "count=", 6) == 0) {
				count = strtoul(w[i] + 6, NULL, 10);
			} else if (strncmp(w[i], "conn=", 5) == 0) {
				if ((c = conn_of(r, w[i] + 5)) == NULL)
					return LAB_RUN_STEP_FAILED;
				if ((rc = conn_id(r, c, &conn)) != 0)
					return rc;
			} else {
				return step_failed(r, "expected count=N or conn=I, got '%s'", w[i]);
			}
		}
		return wait_event(r, ev, conn, count);
	}
	if (strcmp(w[0], "load") == 0)
		return run_load(r, n, w);
	return step_failed(r, "unknown step '%s'", w[0]);
}

/* The words each step takes: name, least and most words in all. */
static const struct {
	const char *name;
	int min, max;
	const char *usage;
} step_forms[] = {
	{ "connect", 2, 3, "connect N [until=accept|dispatch|conn_new|none]" },
	{ "send", 3, 4, "send I 'TEXT' [times=N]" },
	{ "fill", 3, 3, "fill I N" },
	{ "expect", 3, 3, "expect I 'TEXT'" },
	{ "skip", 3, 3, "skip I 'TEXT'" },
	{ "close", 2, 2, "close I" },
	{ "ctl", 2, 2, "ctl 'COMMAND'" },
	{ "wait", 2, 4, "wait EVENT [count=N] [conn=I]" },
	{ "load", 2, 5, "load SCENARIO [conns=N] [rate=R] [seconds=S]" },
};

/* Checks the steps' words before anything starts. */
int lab_run_check_steps(const struct lab *lab, const struct lab_step *steps, int nsteps)
{
	for (int i = 0; i < nsteps; i++) {
		char copy[LAB_LINE_MAX], *w[6];
		strcpy(copy, steps[i].text);
		int n = lab_split(copy, w, 6);
		size_t k;
		for (k = 0; k < sizeof(step_forms) / sizeof(step_forms[0]); k++)
			if (n > 0 && strcmp(w[0], step_forms[k].name) == 0)
				break;
		if (n <= 0 || k == sizeof(step_forms) / sizeof(step_forms[0])) {
			diag_error("%s/lab.conf:%d: unknown step '%s'", lab->dir, steps[i].line, steps[i].text);
			return -1;
		}
		bool ok = n >= step_forms[k].min && n <= step_forms[k].max;
		if (ok && strcmp(w[0], "wait") == 0)
			ok = wire_event_from_name(w[1], strlen(w[1])) >= 0;
		else if (ok && strcmp(w[0], "connect") == 0)
			ok = connect_until(n, w) != -2;
		else if (ok && strcmp(w[0], "send") == 0 && n == 4)
			ok = strncmp(w[3], "times=", 6) == 0;
		else if (ok && strcmp(w[0], "load") == 0) {
			struct load_opts o;
			ok = load_words(n, w, &o);
		}
		if (!ok) {
			diag_error("%s/lab.conf:%d: expected '%s', got '%s'", lab->dir, steps[i].line,
				   step_forms[k].usage, steps[i].text);
			return -1;
		}
	}
	return 0;
}

/* Asks the server to stop and reads the stream to its end. */
static void finish(struct run *r)
{
	uint64_t deadline = now_ms() + DRAIN_MS;

	for (int i = 0; i < r->nconns; i++)
		if (r->conns[i].fd >= 0)
			close(r->conns[i].fd);
	r->nconns = 0;
	if (r->demo.server > 0 && r->client.fd >= 0) {
		const char *answer;
		size_t len;
		/* An answer is a barrier: every event of the run so far is read before the stop, whose
		 * last write is non-blocking and so may lose a tail too big for the socket. */
		client_command(&r->client, "filter off", &answer, &len, record_line, r->t);
		kill(r->demo.server, SIGTERM);
		while (now_ms() < deadline && pump(r, -1, 0, deadline) == 0)
			;
	}
	client_close(&r->client);
	demo_stop(&r->demo);
}

/* Runs the steps. */
enum lab_run_status lab_run(const struct lab *lab, const char *server, const char *tsan_log,
			    const struct lab_step *steps, int nsteps, struct lab_trace *t, char *why, size_t n)
{
	struct run r = { .lab = lab, .t = t, .why = why, .whylen = n };
	char flags_buf[LAB_LINE_MAX], *flags[DEMO_FLAGS_MAX + 1];
	const char *line;
	size_t len;
	int rc = LAB_RUN_OK;

	why[0] = '\0';
	client_init(&r.client);
	demo_init(&r.demo);
	strcpy(flags_buf, lab->server);
	int nflags = lab_split(flags_buf, flags, DEMO_FLAGS_MAX);
	if (nflags < 0) {
		snprintf(why, n, "%s/lab.conf: an open quote in the server line", lab->dir);
		return LAB_RUN_STEP_FAILED;
	}
	flags[nflags] = NULL;
	if (tsan_log != NULL) {
		r.demo.server_setup = lab_exec_tsan_child;
		r.demo.server_setup_arg = tsan_log;
	}
	if (demo_start_server(&r.demo, server, flags) != 0) {
		demo_stop(&r.demo);
		return stop_signal() ? LAB_RUN_STOPPED : LAB_RUN_NO_SERVER;
	}
	client_set_stop_fd(&r.client, stop_fd());
	if (client_connect(&r.client, r.demo.socket_path) != 0) {
		rc = LAB_RUN_NO_SERVER;
		goto out;
	}
	/* The hello and the snapshot, then the steps. */
	do {
		if (client_read_line(&r.client, &line, &len) <= 0) {
			rc = stop_signal() ? LAB_RUN_STOPPED : step_failed(&r, "the trace stream ended before its snapshot");
			goto out;
		}
		lab_trace_add(t, line, len);
	} while (strstr(t->lines[t->n - 1], " ev=snapshot_end") == NULL);
	for (int i = 0; i < nsteps && rc == LAB_RUN_OK; i++) {
		char text[LAB_LINE_MAX];
		r.step = &steps[i];
		strcpy(text, steps[i].text);
		rc = run_step(&r, text);
	}
out:
	finish(&r);
	return rc;
}
