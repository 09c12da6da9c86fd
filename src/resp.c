#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "resp.h"
#include "storage.h"

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif

#define RESP_MIN_SEGS 16
#define RESP_MIN_ARENA 512
/* What resp_printf tries first; most protocol lines fit. */
#define RESP_PRINTF_GUESS 128

/* Prepares an empty reply. */
void resp_init(struct resp *r, struct storage *st)
{
	memset(r, 0, sizeof(*r));
	r->storage = st;
}

/* Gives back the item references of segments from index first on. */
static void release_items(struct resp *r, int first)
{
	for (int i = first; i < r->nsegs; i++) {
		if (r->segs[i].item != NULL) {
			storage_item_release(r->storage, r->segs[i].item);
			r->segs[i].item = NULL;
		}
	}
}

/* Empties the reply and keeps its buffers for the next one. */
void resp_reset(struct resp *r)
{
	release_items(r, 0);
	r->nsegs = 0;
	r->arenalen = 0;
	r->cur = 0;
	r->curoff = 0;
	r->total = 0;
	r->start_next = false;
}

/* Releases everything. */
void resp_destroy(struct resp *r)
{
	resp_reset(r);
	free(r->segs);
	free(r->arena);
	r->segs = NULL;
	r->arena = NULL;
	r->segsize = 0;
	r->arenasize = 0;
}

/* Makes room for one more segment. */
static int reserve_seg(struct resp *r)
{
	struct resp_seg *segs;
	int size;

	if (r->nsegs < r->segsize)
		return 0;
	if (r->segsize > INT_MAX / 2)
		return -1;
	size = r->segsize ? r->segsize * 2 : RESP_MIN_SEGS;
	segs = realloc(r->segs, (size_t)size * sizeof(*segs));
	if (segs == NULL)
		return -1;
	r->segs = segs;
	r->segsize = size;
	return 0;
}

/* Makes room for n more arena bytes. */
static int reserve_arena(struct resp *r, size_t n)
{
	size_t size = r->arenasize ? r->arenasize : RESP_MIN_ARENA;
	char *arena;

	if (n > SIZE_MAX - r->arenalen)
		return -1;
	if (r->arenalen + n <= r->arenasize)
		return 0;
	while (size < r->arenalen + n) {
		if (size > SIZE_MAX / 2)
			return -1;
		size *= 2;
	}
	arena = realloc(r->arena, size);
	if (arena == NULL)
		return -1;
	r->arena = arena;
	r->arenasize = size;
	return 0;
}

/* Adds the start marker resp_start_next asked for, if it is still to come. */
static int start_pending(struct resp *r)
{
	if (!r->start_next)
		return 0;
	if (reserve_seg(r) < 0)
		return -1;
	r->segs[r->nsegs++] = (struct resp_seg){ .off = r->arenalen, .start = true };
	r->start_next = false;
	return 0;
}

/* Turns n bytes just written at the end of the arena into reply text. */
static int commit_text(struct resp *r, size_t n)
{
	struct resp_seg *last;

	if (start_pending(r) < 0)
		return -1;
	last = r->nsegs ? &r->segs[r->nsegs - 1] : NULL;

	/* Text that follows text in the arena joins its segment: fewer iovecs. A
	 * response's first segment may take text too: it still starts there. */
	if (last != NULL && last->item == NULL && last->off + last->len == r->arenalen) {
		last->len += n;
	} else {
		if (reserve_seg(r) < 0)
			return -1;
		r->segs[r->nsegs++] = (struct resp_seg){ .item = NULL, .off = r->arenalen, .len = n };
	}
	r->arenalen += n;
	r->total += n;
	return 0;
}

/* Appends text. */
int resp_add(struct resp *r, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (reserve_arena(r, n) < 0)
		return -1;
	memcpy(r->arena + r->arenalen, s, n);
	return commit_text(r, n);
}

/* Appends a nul-terminated string. */
int resp_add_str(struct resp *r, const char *s)
{
	return resp_add(r, s, strlen(s));
}

/* Appends formatted text, straight into the arena. */
int resp_printf(struct resp *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (reserve_arena(r, RESP_PRINTF_GUESS) < 0)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(r->arena + r->arenalen, r->arenasize - r->arenalen, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= r->arenasize - r->arenalen) {
		if (reserve_arena(r, (size_t)n + 1) < 0)
			return -1;
		va_start(ap, fmt);
		vsnprintf(r->arena + r->arenalen, r->arenasize - r->arenalen, fmt, ap);
		va_end(ap);
	}
	return commit_text(r, (size_t)n);
}

/* Begins a new response: an empty segment that marks where. */
int resp_start(struct resp *r)
{
	/* The response the caller's command began, empty so far, comes first. */
	if (start_pending(r) < 0 || reserve_seg(r) < 0)
		return -1;
	r->segs[r->nsegs++] = (struct resp_seg){ .off = r->arenalen, .start = true };
	return 0;
}

/* Makes the next bytes queued begin a new response. */
void resp_start_next(struct resp *r)
{
	r->start_next = r->nsegs > 0;
}

/* Appends an item's value, sent from the item itself. */
int resp_add_item(struct resp *r, struct item *it)
{
	if (start_pending(r) < 0 || reserve_seg(r) < 0) {
		storage_item_release(r->storage, it);
		return -1;
	}
	r->segs[r->nsegs++] = (struct resp_seg){ .item = it, .off = 0, .len = it->nbytes };
	r->total += it->nbytes;
	return 0;
}

/* Drops the tail of the reply past len bytes. */
void resp_truncate(struct resp *r, size_t len)
{
	size_t pos = r->total;

	/* At len == total there may still be response starts to drop. */
	if (len > r->total)
		return;
	while (r->nsegs > 0) {
		struct resp_seg *seg = &r->segs[r->nsegs - 1];
		size_t start = pos - seg->len;

		if (start < len) {
			seg->len = len - start;
			break;
		}
		/* A response that began right at len begins again with what comes next. */
		if (seg->start && start == len)
			r->start_next = true;
		if (seg->item != NULL)
			storage_item_release(r->storage, seg->item);
		r->nsegs--;
		pos = start;
	}
	r->total = len;
	if (r->nsegs == 0)
		r->start_next = false;
	/* Arena text past the last surviving text segment is unused now; text
	 * further back may still be in use, so only this case gives space back. */
	if (r->nsegs == 0)
		r->arenalen = 0;
	else if (r->segs[r->nsegs - 1].item == NULL)
		r->arenalen = r->segs[r->nsegs - 1].off + r->segs[r->nsegs - 1].len;
	if (r->cur > r->nsegs) {
		r->cur = r->nsegs;
		r->curoff = 0;
	}
}

/* Returns where a segment's bytes start. */
static char *seg_base(const struct resp *r, const struct resp_seg *seg)
{
	return seg->item != NULL ? item_data(seg->item) + seg->off : r->arena + seg->off;
}

/* Sends iovecs, on a socket without raising SIGPIPE. */
static ssize_t send_iov(int fd, struct iovec *iov, int iovcnt)
{
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = (size_t)iovcnt };
	ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL);

	/* Pipes and files work too, for tools that write a reply out. */
	if (n < 0 && errno == ENOTSOCK)
		n = writev(fd, iov, iovcnt);
	return n;
}

/* Moves the write position n bytes on. */
static void advance(struct resp *r, size_t n)
{
	while (n > 0 && r->cur < r->nsegs) {
		size_t left = r->segs[r->cur].len - r->curoff;

		if (n < left) {
			r->curoff += n;
			return;
		}
		n -= left;
		r->cur++;
		r->curoff = 0;
	}
}

/* Skips segments with nothing left to send. */
static void skip_empty(struct resp *r)
{
	while (r->cur < r->nsegs && r->segs[r->cur].len == r->curoff) {
		r->cur++;
		r->curoff = 0;
	}
}

/* Writes what the socket takes, at most IOV_MAX segments per call. */
enum resp_status resp_write(struct resp *r, int fd, size_t *written)
{
	struct iovec iov[IOV_MAX < 1024 ? IOV_MAX : 1024];
	const int maxiov = (int)(sizeof(iov) / sizeof(iov[0]));
	size_t sent = 0;
	enum resp_status status = RESP_DONE;

	for (;;) {
		int n = 0;
		ssize_t w;

		skip_empty(r);
		if (r->cur >= r->nsegs)
			break;
		for (int i = r->cur; i < r->nsegs && n < maxiov; i++) {
			const struct resp_seg *seg = &r->segs[i];
			size_t skip = i == r->cur ? r->curoff : 0;

			if (seg->len == skip)
				continue;
			iov[n].iov_base = seg_base(r, seg) + skip;
			iov[n].iov_len = seg->len - skip;
			n++;
		}
		w = send_iov(fd, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			status = (errno == EAGAIN || errno == EWOULDBLOCK) ? RESP_AGAIN : RESP_ERROR;
			break;
		}
		if (w == 0) {
			/* Nothing taken from a non-empty write: the peer is gone. */
			status = RESP_ERROR;
			break;
		}
		sent += (size_t)w;
		advance(r, (size_t)w);
	}
	if (written != NULL)
		*written = sent;
	return status;
}

/* Copies part of the reply out, flattened. */
size_t resp_copy(const struct resp *r, size_t off, char *dst, size_t n)
{
	size_t copied = 0;

	for (int i = 0; i < r->nsegs && copied < n; i++) {
		const struct resp_seg *seg = &r->segs[i];
		size_t take;

		if (off >= seg->len) {
			off -= seg->len;
			continue;
		}
		take = seg->len - off;
		if (take > n - copied)
			take = n - copied;
		memcpy(dst + copied, seg_base(r, seg) + off, take);
		copied += take;
		off = 0;
	}
	return copied;
}
