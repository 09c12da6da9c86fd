/*
 * The demo's scene table (tui/scene.c): names unique and fit for a command
 * line, every scene's server flags accepted by the server's own parser,
 * every cue a control command the server's own parser takes for that
 * scene's workers, a workload the load library can run, and the cues
 * coming at their times, once or every cycle.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_parse.h"
#include "scene.h"
#include "settings.h"

/* Parses a scene's flags with mcscoped's parser into s; 0 when it takes them. */
static int parse_flags(const struct scene *sc, struct settings *s)
{
	char buf[256], *argv[SCENE_FLAGS_MAX + 2] = { "mcscoped" };
	int argc = scene_flags(sc, buf, sizeof(buf), argv + 1, SCENE_FLAGS_MAX);

	cr_assert_geq(argc, 0, "%s: flags '%s' too long", sc->name, sc->server);
	settings_init(s);
	return settings_parse(s, argc + 1, argv);
}

Test(scene, names_are_unique_and_fit_a_command_line)
{
	cr_assert_geq(scene_count(), 9, "at least the overview and the eight ideas");
	for (int i = 0; i < scene_count(); i++) {
		const struct scene *a = scene_at(i);
		cr_expect(a->name[0] != '\0' && strlen(a->name) <= 14, "%s", a->name);
		for (const char *p = a->name; *p != '\0'; p++)
			cr_expect(islower((unsigned char)*p) || *p == '-', "'%s': lower case and '-' only", a->name);
		for (int k = i + 1; k < scene_count(); k++)
			cr_expect_str_neq(a->name, scene_at(k)->name, "scene %d and %d", i + 1, k + 1);
		/* The header and the list show them whole at 80 columns. */
		cr_expect(a->title[0] != '\0' && strlen(a->title) <= 36, "%s: title '%s'", a->name, a->title);
		cr_expect(a->idea[0] != '\0' && strlen(a->idea) <= 100, "%s: idea '%s' (%zu)", a->name, a->idea,
			  strlen(a->idea));
	}
	cr_expect_null(scene_at(scene_count()));
	cr_expect_null(scene_at(-1));
}

Test(scene, the_lecture_s_ideas_are_all_there)
{
	static const char *const wanted[] = { "round-robin", "handoff", "cq-backlog", "drive-machine",
					      "fairness", "accept-pause", "udp", "policies" };

	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		cr_expect_geq(scene_find(wanted[i]), 0, "no scene %s", wanted[i]);
	cr_expect_eq(scene_find("overview"), 0, "the demo's default comes first");
}

Test(scene, found_by_name_or_number)
{
	cr_expect_eq(scene_find("1"), 0);
	cr_expect_eq(scene_find("cq-backlog"), scene_find("4"));
	cr_expect_eq(scene_find("0"), -1);
	char last[16];
	snprintf(last, sizeof(last), "%d", scene_count() + 1);
	cr_expect_eq(scene_find(last), -1);
	cr_expect_eq(scene_find("3x"), -1);
	cr_expect_eq(scene_find(""), -1);
	cr_expect_eq(scene_find("CQ-backlog"), -1);
}

Test(scene, every_scene_s_flags_parse_with_the_server_s_parser)
{
	for (int i = 0; i < scene_count(); i++) {
		const struct scene *sc = scene_at(i);
		struct settings s;
		cr_expect_eq(parse_flags(sc, &s), 0, "%s: mcscoped refuses '%s'", sc->name, sc->server);
		/* The demo picks the port, the address, the trace socket and the UDP port itself. */
		cr_expect(strstr(sc->server, "-p") == NULL && strstr(sc->server, "-l") == NULL &&
				  strstr(sc->server, "-U") == NULL && strstr(sc->server, "trace") == NULL,
			  "%s: '%s'", sc->name, sc->server);
		settings_destroy(&s);
	}
}

Test(scene, every_cue_is_a_command_the_scene_s_server_takes)
{
	for (int i = 0; i < scene_count(); i++) {
		const struct scene *sc = scene_at(i);
		struct settings s;
		unsigned last = 0;
		cr_assert_eq(parse_flags(sc, &s), 0);
		for (int c = 0; c < SCENE_CUES_MAX && sc->cues[c].cmd != NULL; c++) {
			struct ctl_cmd cmd;
			char err[256];
			const char *line = sc->cues[c].cmd;
			cr_expect_eq(ctl_parse(line, strlen(line), s.num_threads, &cmd, err, sizeof(err)), 0,
				     "%s: '%s' with -t %d: %s", sc->name, line, s.num_threads, err);
			cr_expect_geq(sc->cues[c].at_ms, last, "%s: cues in the order they come", sc->name);
			cr_expect(sc->cycle_ms == 0 || sc->cues[c].at_ms <= sc->cycle_ms, "%s: '%s' after the cycle",
				  sc->name, line);
			last = sc->cues[c].at_ms;
		}
		cr_expect((int)sc->policy >= 0 && (int)sc->policy < (int)DISPATCH_MAX, "%s", sc->name);
		settings_destroy(&s);
	}
}

Test(scene, every_workload_is_one_the_load_library_runs)
{
	for (int i = 0; i < scene_count(); i++) {
		const struct scene *sc = scene_at(i);
		cr_expect(sc->load.scenario >= 0 && sc->load.scenario < LOAD_N_SCENARIOS, "%s", sc->name);
		/* mcscope load's own bounds. */
		cr_expect(sc->load.conns >= 1 && sc->load.conns <= 1000, "%s", sc->name);
		cr_expect(sc->load.rate >= 0.1 && sc->load.rate <= 100000, "%s", sc->name);
		cr_expect_eq(sc->load.scenario == LOAD_UDP, sc->udp, "%s: UDP workload and -U go together",
			     sc->name);
		cr_expect(sc->slowmo_ms == 0 || (sc->slowmo_ms >= 50 && sc->slowmo_ms <= 5000), "%s", sc->name);
	}
}

Test(scene, the_list_has_every_scene_s_number_name_title_and_idea)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	cr_assert_not_null(out);
	scene_list_print(out);
	fclose(out);
	for (int i = 0; i < scene_count(); i++) {
		const struct scene *sc = scene_at(i);
		char line[128];
		snprintf(line, sizeof(line), "%2d  %-14s %s\n    %s\n", i + 1, sc->name, sc->title, sc->idea);
		cr_expect_not_null(strstr(text, line), "no '%s' in:\n%s", line, text);
	}
	free(text);

	char names[512];
	scene_names(names, sizeof(names), ", ");
	cr_expect_eq(strncmp(names, "overview, round-robin, ", 23), 0, "%s", names);
	scene_names(names, 12, ", ");
	cr_expect_str_eq(names, "overview, r", "cut at the buffer's end");
}

/* A scene of its own for the cue tests: two cues, and a cycle when cycle_ms is set. */
static struct scene cue_scene(unsigned cycle_ms)
{
	return (struct scene){ .name = "t",
			       .cues = { { 0, "freeze w1" }, { 6000, "thaw w1" } },
			       .cycle_ms = cycle_ms };
}

Test(scene, cues_come_once_at_their_times)
{
	struct scene s = cue_scene(0);
	const char *cmds[4];
	unsigned in;

	cr_assert_eq(scene_cues_due(&s, -1, 0, cmds, 4), 1, "the start's cue at once");
	cr_expect_str_eq(cmds[0], "freeze w1");
	cr_expect_eq(scene_cues_due(&s, 0, 5999, cmds, 4), 0);
	cr_assert_eq(scene_cues_due(&s, 5999, 6000, cmds, 4), 1);
	cr_expect_str_eq(cmds[0], "thaw w1");
	cr_expect_eq(scene_cues_due(&s, 6000, 100000, cmds, 4), 0, "once only");
	cr_expect_eq(scene_cues_due(&s, -1, 100000, cmds, 4), 2, "a long wait: each cue once");
	cr_expect_str_eq(cmds[0], "freeze w1");
	cr_expect_str_eq(cmds[1], "thaw w1");
	cr_expect_eq(scene_cues_due(&s, -1, 100000, cmds, 1), 1, "no more than asked for");

	cr_expect_str_eq(scene_next_cue(&s, 100, &in), "thaw w1");
	cr_expect_eq(in, 5900);
	cr_expect_null(scene_next_cue(&s, 6000, &in), "nothing after the last");
}

Test(scene, cues_come_every_cycle)
{
	struct scene s = cue_scene(9000);
	const char *cmds[4];
	unsigned in;

	cr_expect_eq(scene_cues_due(&s, -1, 0, cmds, 4), 1);
	cr_expect_eq(scene_cues_due(&s, 5000, 6000, cmds, 4), 1);
	cr_assert_eq(scene_cues_due(&s, 8999, 9000, cmds, 4), 1, "the cycle's start again");
	cr_expect_str_eq(cmds[0], "freeze w1");
	cr_assert_eq(scene_cues_due(&s, 14000, 15000, cmds, 4), 1);
	cr_expect_str_eq(cmds[0], "thaw w1");
	/* A loop held up across a cycle's end: in the order they come, each once. */
	cr_assert_eq(scene_cues_due(&s, 5000, 9500, cmds, 4), 2);
	cr_expect_str_eq(cmds[0], "thaw w1");
	cr_expect_str_eq(cmds[1], "freeze w1");

	cr_expect_str_eq(scene_next_cue(&s, 7000, &in), "freeze w1");
	cr_expect_eq(in, 2000);
	cr_expect_str_eq(scene_next_cue(&s, 9000, &in), "thaw w1");
	cr_expect_eq(in, 6000);
}

Test(scene, flags_that_do_not_fit_are_refused)
{
	const struct scene *sc = scene_at(scene_find("fairness"));
	char buf[64], *argv[8];

	cr_assert_eq(scene_flags(sc, buf, sizeof(buf), argv, 8), 4);
	cr_expect_str_eq(argv[0], "-t");
	cr_expect_str_eq(argv[3], "4");
	cr_expect_null(argv[4]);
	cr_expect_eq(scene_flags(sc, buf, sizeof(buf), argv, 3), -1, "more words than room");
	cr_expect_eq(scene_flags(sc, buf, 4, argv, 8), -1, "more bytes than room");
}
