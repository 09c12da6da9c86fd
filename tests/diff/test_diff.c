/* The differential test's own parts: the reproducer it prints is exactly the
 * stream it sent, and the allowlist it reads is well formed and does what it says. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff_allow.h"
#include "diff_bytes.h"

/* Runs the shell commands bytes_print_shell wrote for b and returns what they print. */
static struct bytes run_shell(const struct bytes *b)
{
	struct bytes cmd = { 0 }, out = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	FILE *sh;
	char buf[4096];
	size_t n;

	cr_assert_not_null(mem);
	bytes_print_shell(mem, b);
	fclose(mem);
	bytes_add(&cmd, text, len);
	bytes_addc(&cmd, '\0');
	free(text);
	sh = popen(cmd.p, "r");
	cr_assert_not_null(sh);
	while ((n = fread(buf, 1, sizeof(buf), sh)) > 0)
		bytes_add(&out, buf, n);
	cr_assert_eq(pclose(sh), 0, "the reproducer failed: %s", cmd.p);
	bytes_free(&cmd);
	return out;
}

Test(diff_bytes, shell_reproducer_prints_the_stream_byte_for_byte)
{
	unsigned seed = 1;

	/* Every byte value, quotes, percent signs, backslashes, long runs. */
	for (int round = 0; round < 60; round++) {
		struct bytes b = { 0 }, got;

		for (int i = 0; i < 256 && round == 0; i++)
			bytes_addc(&b, (char)i);
		bytes_adds(&b, "set k 0 0 5\r\n'%s'\\n\r\n");
		for (int i = 0, n = rand_r(&seed) % 300; i < n; i++) {
			char c = (char)(rand_r(&seed) % 4 ? rand_r(&seed) % 256 : 'x');
			size_t run = rand_r(&seed) % 10 == 0 ? 40 + rand_r(&seed) % 100 : 1;

			for (size_t k = 0; k < run; k++)
				bytes_addc(&b, c);
		}
		got = run_shell(&b);
		cr_assert_eq(got.n, b.n, "round %d: %zu bytes back for %zu", round, got.n, b.n);
		cr_assert(memcmp(got.p, b.p, b.n) == 0, "round %d: other bytes back", round);
		bytes_free(&b);
		bytes_free(&got);
	}
}

/* Loads the allowlist file of the source tree. */
static void load(struct allow *a)
{
	const char *root = getenv("MCSCOPE_SOURCE_ROOT");
	char path[4096];

	cr_assert_not_null(root, "MCSCOPE_SOURCE_ROOT is not set");
	snprintf(path, sizeof(path), "%s/tests/diff/allowlist", root);
	cr_assert(allow_load(a, path), "%s does not load", path);
}

Test(diff_allow, the_allowlist_loads_and_skips_what_it_names)
{
	struct allow a;

	load(&a);
	cr_assert_gt(a.nskip, 0);
	cr_assert(allow_skips(&a, "stats", 5));
	cr_assert(allow_skips(&a, "stats slabs\r\n", 13));
	cr_assert(allow_skips(&a, "  mg foo v", 10));
	/* memcached reads a line up to its first NUL. */
	cr_assert(allow_skips(&a, "stats\0junk", 10));
	cr_assert_not(allow_skips(&a, "statsx", 6));
	cr_assert_not(allow_skips(&a, "get stats", 9));
	cr_assert_not(allow_skips(&a, "", 0));
	allow_free(&a);
}

/* Loads an allowlist of the given text from a scratch file. */
static void load_text(struct allow *a, const char *text)
{
	char path[] = "/tmp/mcdiff-allow.XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	cr_assert(allow_load(a, path), "'%s' does not load", text);
	unlink(path);
}

Test(diff_allow, a_reply_prefix_is_compared_up_to_the_prefix)
{
	struct allow a;
	struct bytes r = { 0 };

	load_text(&a, "reply VERSION -- a reason\nnote anything at all -- a reason\n");
	bytes_adds(&r, "END\r\nVERSION 1.6.18\r\nVALUE k 0 1\r\nVERSION x\r\nEND\r\nVERSION");
	allow_normalise(&a, &r);
	bytes_addc(&r, '\0');
	/* A value's bytes are cut too, on both sides alike, so nothing is hidden;
	 * the prefix alone, with nothing after it, stays as it is. */
	cr_assert_str_eq(r.p, "END\r\nVERSION <allowlist>\r\nVALUE k 0 1\r\n"
			      "VERSION <allowlist>\r\nEND\r\nVERSION");
	bytes_free(&r);
	allow_free(&a);
}

Test(diff_allow, an_entry_without_a_reason_is_refused)
{
	char path[] = "/tmp/mcdiff-allow.XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	struct allow a;

	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	fputs("# a comment\nskip stats\n", f);
	fclose(f);
	cr_assert_not(allow_load(&a, path));
	f = fopen(path, "w");
	fputs("skip stats -- a reason\nfrobnicate x -- why\n", f);
	fclose(f);
	cr_assert_not(allow_load(&a, path), "an unknown kind must be refused");
	unlink(path);
}
