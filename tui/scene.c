#include <stdlib.h>
#include <string.h>

#include "scene.h"

/*
 * The scenes, in the order a lecture meets them. Each is paced so that its
 * idea is on the screen within a few seconds of starting it, and slowly
 * enough that a class can follow what happens.
 */
static const struct scene scene_table[] = {
	{
		.name = "overview",
		.title = "The whole picture",
		.idea = "a mixed workload: main hands each new conn to the next worker, which runs drive_machine",
		.server = "-t 4",
		.load = { LOAD_MIXED, 6, 4.0, 6 },
	},
	{
		.name = "round-robin",
		.title = "Round robin",
		.idea = "a new connection every second: dispatch_conn_new gives each to the next worker in turn",
		.server = "-t 4",
		.load = { LOAD_CHURN, 1, 1.0, 0 },
	},
	{
		.name = "handoff",
		.title = "The hand-off in slow motion",
		.idea = "one event every 500 ms: accept, dispatch_conn_new, cq_push, the notify byte, cq_pop, conn_new",
		.server = "-t 2",
		.load = { LOAD_IDLE, 1, 1.0, 0 },
		.slowmo_ms = 500,
	},
	{
		.name = "cq-backlog",
		.title = "CQ backlog",
		.idea = "w1 is frozen: main keeps pushing conns onto its CQ; thawed, w1 pops them all (6 s, then 3 s)",
		.server = "-t 2",
		/* Half the new connections go to w1 and stay there: its queue grows by one or two a second. */
		.load = { LOAD_CHURN, 6, 3.0, 0 },
		.cues = { { 0, "freeze w1" }, { 6000, "thaw w1" } },
		.cycle_ms = 9000,
	},
	{
		.name = "drive-machine",
		.title = "drive_machine: a big value",
		.idea = "a 100-500 KB set comes in pieces: its conn waits in conn_nread over many reads, then writes",
		.server = "-t 2",
		.load = { LOAD_BIGSLOW, 1, 0.5, 0 },
	},
	{
		.name = "fairness",
		.title = "Fairness with -R",
		.idea = "-R 4, 50 pipelined gets: after 4 a conn yields and the other conn on w0 runs (w0 slowed down)",
		.server = "-t 1 -R 4",
		.load = { LOAD_PIPELINE, 2, 100.0, 0 },
		/* Slowed so that the yields and the turns can be read as they scroll by. */
		.cues = { { 0, "delay w0 20" } },
	},
	{
		.name = "accept-pause",
		.title = "Accept pause with -c",
		.idea = "-c 4: at 4 open conns main stops accepting; the rest wait in the backlog until one closes",
		.server = "-t 2 -c 4",
		/* Six connections held two to four seconds each: four in, two waiting, one let in at a time. */
		.load = { LOAD_IDLE, 6, 5.0, 2 },
	},
	{
		.name = "udp",
		.title = "UDP: a conn per worker",
		.idea = "-U: the UDP socket, dup'd, is a conn on every worker in conn_read; datagrams are served there",
		.server = "-t 4",
		.udp = true,
		.load = { LOAD_UDP, 2, 2.0, 0 },
	},
	{
		.name = "policies",
		.title = "Dispatch policies, one slow worker",
		.idea = "w1 sleeps 150 ms before each event; rr, least and random take turns (8 s each): who feeds w1?",
		.server = "-t 3",
		.load = { LOAD_CHURN, 3, 3.0, 0 },
		.cues = { { 0, "delay w1 150" },
			  { 8000, "dispatch least" },
			  { 16000, "dispatch random" },
			  { 24000, "dispatch rr" } },
		.cycle_ms = 24000,
	},
};

#define NSCENES ((int)(sizeof(scene_table) / sizeof(scene_table[0])))

/* Counts the scenes. */
int scene_count(void)
{
	return NSCENES;
}

/* Returns the i-th scene. */
const struct scene *scene_at(int i)
{
	return i >= 0 && i < NSCENES ? &scene_table[i] : NULL;
}

/* Finds a scene by name or number. */
int scene_find(const char *name)
{
	char *end;
	long n;

	for (int i = 0; i < NSCENES; i++)
		if (strcmp(scene_table[i].name, name) == 0)
			return i;
	n = strtol(name, &end, 10);
	if (end != name && *end == '\0' && n >= 1 && n <= NSCENES)
		return (int)n - 1;
	return -1;
}

/* Lists the names. */
const char *scene_names(char *buf, size_t n, const char *sep)
{
	size_t at = 0;

	if (n > 0)
		buf[0] = '\0';
	for (int i = 0; i < NSCENES && at < n; i++)
		at += (size_t)snprintf(buf + at, n - at, "%s%s", i > 0 ? sep : "", scene_table[i].name);
	return buf;
}

/* Prints the list. */
void scene_list_print(FILE *out)
{
	for (int i = 0; i < NSCENES; i++)
		fprintf(out, "%2d  %-14s %s\n    %s\n", i + 1, scene_table[i].name, scene_table[i].title,
			scene_table[i].idea);
}

/* Splits the flags into words. */
int scene_flags(const struct scene *s, char *buf, size_t n, char **argv, int max)
{
	int argc = 0;
	char *p;

	if (strlen(s->server) >= n)
		return -1;
	strcpy(buf, s->server);
	for (p = strtok(buf, " "); p != NULL; p = strtok(NULL, " ")) {
		if (argc == max)
			return -1;
		argv[argc++] = p;
	}
	if (argc < max)
		argv[argc] = NULL;
	return argc;
}

/* The latest time cue c comes round in (from_ms, to_ms], or -1 when it does not. */
static int64_t cue_due(const struct scene *s, const struct scene_cue *c, int64_t from_ms, int64_t to_ms)
{
	int64_t at = c->at_ms;

	if (to_ms < at)
		return -1;
	if (s->cycle_ms > 0)
		at += (to_ms - at) / s->cycle_ms * s->cycle_ms;
	return at > from_ms ? at : -1;
}

/* Lists the cues due. */
int scene_cues_due(const struct scene *s, int64_t from_ms, int64_t to_ms, const char **cmds, int max)
{
	int64_t when[SCENE_CUES_MAX];
	int n = 0;

	for (int i = 0; i < SCENE_CUES_MAX && s->cues[i].cmd != NULL && n < max; i++) {
		int64_t t = cue_due(s, &s->cues[i], from_ms, to_ms);
		if (t < 0)
			continue;
		/* In the order they come; cues at the same time in the table's order. */
		int k = n++;
		for (; k > 0 && when[k - 1] > t; k--) {
			when[k] = when[k - 1];
			cmds[k] = cmds[k - 1];
		}
		when[k] = t;
		cmds[k] = s->cues[i].cmd;
	}
	return n;
}

/* Finds the next cue. */
const char *scene_next_cue(const struct scene *s, int64_t at_ms, unsigned *in_ms)
{
	const char *next = NULL;
	int64_t best = -1;

	for (int i = 0; i < SCENE_CUES_MAX && s->cues[i].cmd != NULL; i++) {
		int64_t t = s->cues[i].at_ms;
		if (t <= at_ms && s->cycle_ms == 0)
			continue;
		if (t <= at_ms)
			t += ((at_ms - t) / s->cycle_ms + 1) * s->cycle_ms;
		if (best < 0 || t < best) {
			best = t;
			next = s->cues[i].cmd;
		}
	}
	if (next != NULL)
		*in_ms = (unsigned)(best - at_ms);
	return next;
}
