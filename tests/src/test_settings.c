/* Unit tests: command-line flags. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "dispatch_custom.h"
#include "settings.h"

/* Parses a NULL-terminated argument list after "mcscoped". */
static int parse(struct settings *s, const char **args)
{
	char *argv[32] = { "mcscoped" };
	int argc = 1;

	while (*args != NULL)
		argv[argc++] = (char *)*args++;
	settings_init(s);
	return settings_parse(s, argc, argv);
}

Test(settings, defaults_are_memcacheds)
{
	struct settings s;
	const char *args[] = { NULL };

	cr_assert_eq(parse(&s, args), 0);
	cr_expect_eq(s.port, 11211);
	cr_expect_eq(s.udpport, 0);
	cr_expect_str_eq(s.inter, "127.0.0.1");
	cr_expect_eq(s.num_threads, 4);
	cr_expect_eq(s.maxconns, 1024);
	cr_expect_eq(s.reqs_per_event, 20);
	cr_expect_eq(s.backlog, 1024);
	cr_expect_eq(s.maxbytes, 64u * 1024 * 1024);
	cr_expect_eq(s.item_size_max, 1024u * 1024);
	cr_expect_eq(s.dispatch, DISPATCH_RR);
	cr_expect_eq(s.trace_clients_max, 64);
	cr_expect_eq(s.trace_buffer, 4u * 1024 * 1024);
	cr_expect_eq(s.trace_release, 16u * 1024 * 1024);
	cr_expect_eq(s.idle_timeout, 0);
	settings_destroy(&s);
}

Test(settings, idle_timeout_by_o_as_memcached_spells_it_or_by_a_long_flag)
{
	struct settings s;
	const char *o[] = { "-o", "idle_timeout=7", NULL }, *lng[] = { "--idle-timeout=3", NULL },
		   *list[] = { "-o", "idle_timeout=2,idle_timeout=9", NULL },
		   *both[] = { "--idle-timeout=4", "--extended=idle_timeout=0", NULL };

	cr_assert_eq(parse(&s, o), 0);
	cr_expect_eq(s.idle_timeout, 7);
	settings_destroy(&s);
	cr_assert_eq(parse(&s, lng), 0);
	cr_expect_eq(s.idle_timeout, 3);
	settings_destroy(&s);
	cr_assert_eq(parse(&s, list), 0);
	cr_expect_eq(s.idle_timeout, 9, "the last one given counts");
	settings_destroy(&s);
	cr_assert_eq(parse(&s, both), 0);
	cr_expect_eq(s.idle_timeout, 0);
	settings_destroy(&s);
}

Test(settings, a_bad_o_option_names_the_options_it_knows, .init = cr_redirect_stderr)
{
	struct settings s;
	const char *args[] = { "-o", "idle_time=5", NULL };

	cr_expect_eq(parse(&s, args), -1);
	settings_destroy(&s);
	fflush(stderr);
	cr_expect_stderr_eq_str("mcscoped: -o: unknown option 'idle_time' (known: idle_timeout)\n");
}

Test(settings, short_and_long_forms)
{
	struct settings s;
	const char *args[] = { "-p", "0", "--udp-port=11212", "-l", "::1", "--threads=2", "-c", "10",
			       "-R", "1", "-b", "5", "-m", "8", "-I", "2m", "-vvv",
			       "--dispatch=random", "--seed=7", "--trace-clients=3", "--trace-buffer=64k",
			       "--trace-release=0", NULL };

	cr_assert_eq(parse(&s, args), 0);
	cr_expect_eq(s.port, 0);
	cr_expect_eq(s.udpport, 11212);
	cr_expect_str_eq(s.inter, "::1");
	cr_expect_eq(s.num_threads, 2);
	cr_expect_eq(s.maxconns, 10);
	cr_expect_eq(s.reqs_per_event, 1);
	cr_expect_eq(s.backlog, 5);
	cr_expect_eq(s.maxbytes, 8u * 1024 * 1024);
	cr_expect_eq(s.item_size_max, 2u * 1024 * 1024);
	cr_expect_eq(s.verbose, 3);
	cr_expect_eq(s.dispatch, DISPATCH_RANDOM);
	cr_expect_eq(s.seed, 7);
	cr_expect_eq(s.trace_clients_max, 3);
	cr_expect_eq(s.trace_buffer, 64u * 1024);
	cr_expect_eq(s.trace_release, 0);
	settings_destroy(&s);
}

Test(settings, bad_values_fail_with_the_flag_and_range, .init = cr_redirect_stderr)
{
	const char *cases[][2] = {
		{ "-t", "0" }, { "-t", "257" }, { "-p", "-1" }, { "-p", "65536" }, { "-c", "0" },
		{ "-R", "x" }, { "-m", "0" }, { "-I", "100" }, { "-I", "5q" }, { "-b", "" },
		{ "--dispatch", "nope" }, { "-U", "1e3" }, { "--trace-clients", "0" }, { "--trace-clients", "4097" },
		{ "--trace-buffer", "1k" }, { "--trace-buffer", "2g" }, { "--trace-release", "2g" },
		{ "--trace-release", "-1" },
		{ "--trace-buffer", "1k" }, { "--trace-buffer", "2g" }, { "-o", "" }, { "-o", "idle_timeout" },
		{ "-o", "idle_timeout=x" }, { "-o", "idle_timeout=2592001" }, { "-o", "nope=1" },
		{ "-o", "idle_timeout=1,," }, { "--idle-timeout", "-1" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct settings s;
		const char *args[] = { cases[i][0], cases[i][1], NULL };
		cr_expect_eq(parse(&s, args), -1, "%s '%s' was accepted", cases[i][0], cases[i][1]);
		settings_destroy(&s);
	}
	fflush(stderr);
	cr_expect_stderr_neq_str("");
}

Test(settings, unknown_flags_and_stray_arguments_fail, .init = cr_redirect_stderr)
{
	struct settings s;
	const char *unknown[] = { "--bogus", NULL }, *stray[] = { "extra", NULL },
		   *missing[] = { "-p", NULL }, *too_big[] = { "-m", "1", "-I", "2m", NULL };

	cr_expect_eq(parse(&s, unknown), -1);
	settings_destroy(&s);
	cr_expect_eq(parse(&s, stray), -1);
	settings_destroy(&s);
	cr_expect_eq(parse(&s, missing), -1);
	settings_destroy(&s);
	cr_expect_eq(parse(&s, too_big), -1);
	settings_destroy(&s);
}

Test(settings, help_and_version_ask_to_exit, .init = cr_redirect_stdout)
{
	struct settings s;
	const char *help[] = { "--help", NULL }, *version[] = { "-V", NULL };

	cr_expect_eq(parse(&s, help), 1);
	settings_destroy(&s);
	cr_expect_eq(parse(&s, version), 1);
	settings_destroy(&s);
}

Test(settings, custom_is_refused_where_no_lab_build_plugged_a_policy_in, .init = cr_redirect_stderr)
{
	struct settings s;
	const char *args[] = { "--dispatch=custom", NULL };

	cr_assert(!dispatch_custom_present(), "this test program defines no custom policy");
	cr_expect_eq(parse(&s, args), -1);
	settings_destroy(&s);
	fflush(stderr);
	cr_expect_stderr_eq_str("mcscoped: --dispatch=custom: this mcscoped has no custom policy; a lab build plugs "
				"one in (mcscope lab check, labs of kind code); here: rr, least, random\n");
}
