/* lab_build.c: a write-code lab's server and tests, built with meson from the student's file. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "lab_build.h"
#include "lab_exec.h"

/* The most setup arguments, and the bytes of them all. */
#define SETUP_ARGS_MAX 16
#define SETUP_TEXT_MAX (8 * PATH_MAX)
/* The most of meson setup's output kept, and the lines of it a failure shows. */
#define SETUP_SAID_MAX 65536
#define SETUP_SHOW_LINES 12

/* True when path exists. */
static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Finds the source tree. */
int lab_build_source(const char *dir, char *out, size_t n, bool *given)
{
	const char *env = getenv("MCSCOPE_SOURCE");
	char built[PATH_MAX], resolved[PATH_MAX], probe[PATH_MAX + 32];

	*given = true;
	if (dir == NULL && env != NULL && env[0] != '\0')
		dir = env;
	if (dir == NULL) {
		/* The labs directory this mcscope was built with is the tree's labs/. */
		*given = false;
		snprintf(built, sizeof(built), "%s", MCSCOPE_LABS_DIR);
		char *slash = strrchr(built, '/');
		if (slash != NULL && slash != built)
			*slash = '\0';
		dir = built;
	}
	if (realpath(dir, resolved) == NULL) {
		diag_error("mcscoped's source tree %s: %s (give it with --source DIR or $MCSCOPE_SOURCE)", dir,
			   strerror(errno));
		return -1;
	}
	snprintf(probe, sizeof(probe), "%s/labs/meson.build", resolved);
	bool ok = exists(probe);
	snprintf(probe, sizeof(probe), "%s/src/meson.build", resolved);
	if (!ok || !exists(probe)) {
		diag_error("%s is not mcscoped's source tree (no src/meson.build and labs/meson.build; give the "
			   "tree with --source DIR or $MCSCOPE_SOURCE)", resolved);
		return -1;
	}
	if (strlen(resolved) >= n) {
		diag_error("path too long: %s", resolved);
		return -1;
	}
	strcpy(out, resolved);
	return 0;
}

/* Keeps the compiler's words of ninja's output. */
void lab_build_words(const char *in, char *out, size_t n)
{
	size_t used = 0;
	bool skip_next = false;

	out[0] = '\0';
	for (const char *p = in; *p != '\0' && used + 1 < n;) {
		size_t len = strcspn(p, "\n");
		unsigned done, total;
		char tail;
		bool keep = !skip_next;
		skip_next = false;
		if (sscanf(p, "[%u/%u%c", &done, &total, &tail) == 3 && tail == ']')
			keep = false;
		else if (strncmp(p, "FAILED: ", 8) == 0)
			keep = false, skip_next = true; /* the command line follows */
		else if (strncmp(p, "ninja: ", 7) == 0 && strncmp(p, "ninja: error: ", 14) != 0)
			keep = false;
		if (keep) {
			size_t room = n - 1 - used;
			size_t take = len + (p[len] == '\n') < room ? len + (p[len] == '\n') : room;
			memcpy(out + used, p, take);
			used += take;
			out[used] = '\0';
		}
		p += len + (p[len] == '\n');
	}
}

/* Removes a file or an empty directory, for nftw. */
static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

/* Removes an old build directory: only one meson made (or an empty one); -1 with a message. */
static int remove_build(const char *dir)
{
	char mark[PATH_MAX + 32];

	snprintf(mark, sizeof(mark), "%s/meson-private", dir);
	if (!exists(mark) && rmdir(dir) != 0 && errno != ENOENT) {
		diag_error("%s is in the way of the lab build and is not one: remove it, or give another --work",
			   dir);
		return -1;
	}
	if (exists(dir) && nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
		diag_error("cannot remove the old lab build %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Reads a small file into buf; false when it cannot. */
static bool read_small(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	size_t got;

	if (f == NULL)
		return false;
	got = fread(buf, 1, n - 1, f);
	buf[got] = '\0';
	fclose(f);
	return true;
}

/* Writes text to path; -1 with a message. */
static int write_small(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		goto fail;
	bool wrote = fputs(text, f) >= 0;
	if (fclose(f) != 0 || !wrote)
		goto fail;
	return 0;
fail:
	diag_error("cannot write %s: %s", path, strerror(errno));
	return -1;
}

/* Configures the build in b->dir unless it is configured with the same arguments; -1 after saying why. */
static int setup(struct lab_build *b, char *const *argv, const char *build_root)
{
	char stamp_path[PATH_MAX + 32], log[PATH_MAX + 32], text[SETUP_TEXT_MAX], old[SETUP_TEXT_MAX];
	char mark[PATH_MAX + 48], *said;
	size_t used = 0;
	int code, rc = -1;

	for (int i = 0; argv[i] != NULL; i++)
		used += (size_t)snprintf(text + used, used < sizeof(text) ? sizeof(text) - used : 0, "%s\n", argv[i]);
	if (used >= sizeof(text)) {
		diag_error("the lab build's paths are too long");
		return -1;
	}
	snprintf(stamp_path, sizeof(stamp_path), "%s/%s.setup", build_root, b->tsan ? "tsan" : "plain");
	snprintf(log, sizeof(log), "%s/%s-setup.log", build_root, b->tsan ? "tsan" : "plain");
	snprintf(mark, sizeof(mark), "%s/meson-private/coredata.dat", b->dir);
	if (exists(mark) && read_small(stamp_path, old, sizeof(old)) && strcmp(old, text) == 0)
		return 0;
	/* Another source tree, file or option: start afresh rather than reconfigure across trees. */
	unlink(stamp_path);
	if (remove_build(b->dir) != 0)
		return -1;
	if ((said = malloc(SETUP_SAID_MAX)) == NULL) {
		diag_error("out of memory");
		return -1;
	}
	struct lab_exec x = { .argv = argv, .log = log, .timeout_ms = LAB_BUILD_SETUP_MS };
	enum lab_exec_status st = lab_exec_run(&x, said, SETUP_SAID_MAX, &code);
	if (st == LAB_EXEC_NOT_RUN)
		goto out;
	if (st != LAB_EXEC_OK) {
		/* meson says what went wrong last. */
		const char *last = lab_exec_tail(said, SETUP_SHOW_LINES);
		diag_error("configuring the lab build (meson setup) %s; it said last:", lab_exec_status_text(st));
		fprintf(stderr, "%s%s(all of it: %s)\n", last, last[0] && last[strlen(last) - 1] != '\n' ? "\n" : "",
			log);
		goto out;
	}
	rc = write_small(stamp_path, text);
out:
	free(said);
	return rc;
}

/* Makes a build. */
enum lab_build_status lab_build_make(struct lab_build *b, const struct lab *lab, const char *source,
				     const char *work_dir, bool tsan)
{
	char work[PATH_MAX], labdir[PATH_MAX], root[PATH_MAX + 16];
	char student[PATH_MAX + 96], replaces[PATH_MAX + 32], tests[PATH_MAX + 96], shipped[PATH_MAX + 80], *said;
	char *argv[SETUP_ARGS_MAX];
	int argc = 0, code;

	memset(b, 0, sizeof(*b));
	b->tsan = tsan;
	b->status = LAB_BUILD_ERROR;
	if (realpath(work_dir, work) == NULL || realpath(lab->dir, labdir) == NULL) {
		diag_error("%s: %s", work_dir, strerror(errno));
		return b->status;
	}
	snprintf(root, sizeof(root), "%s/build", work);
	if (mkdir(root, 0755) != 0 && errno != EEXIST) {
		diag_error("cannot make %s: %s", root, strerror(errno));
		return b->status;
	}
	if (snprintf(b->dir, sizeof(b->dir), "%s/%s", root, tsan ? "tsan" : "plain") >= (int)sizeof(b->dir) ||
	    snprintf(b->log, sizeof(b->log), "%s/%s.log", root, tsan ? "tsan" : "plain") >= (int)sizeof(b->log) ||
	    snprintf(b->server, sizeof(b->server), "%s/labs/mcscoped-lab", b->dir) >= (int)sizeof(b->server) ||
	    snprintf(b->tests, sizeof(b->tests), "%s/labs/lab-tests", b->dir) >= (int)sizeof(b->tests)) {
		diag_error("the lab build's paths under %s are too long", root);
		return b->status;
	}
	if (lab->tests[0] == '\0')
		b->tests[0] = '\0';
	snprintf(shipped, sizeof(shipped), "%s/%s", source, lab->replaces);
	if (lab->replaces[0] != '\0' && !exists(shipped)) {
		diag_error("%s/lab.conf: the student's file replaces %s, which the source tree %s does not have", lab->dir,
			   lab->replaces, source);
		return b->status;
	}
	snprintf(student, sizeof(student), "-Dlab_student=%s/%s", work, lab->student);
	snprintf(replaces, sizeof(replaces), "-Dlab_replaces=%s", lab->replaces);
	snprintf(tests, sizeof(tests), "-Dlab_tests=%s%s%s", lab->tests[0] ? labdir : "", lab->tests[0] ? "/" : "",
		 lab->tests);
	argv[argc++] = "meson";
	argv[argc++] = "setup";
	argv[argc++] = "--buildtype=debug";
	argv[argc++] = "-Dwerror=true";
	argv[argc++] = "-Db_colorout=never";
	if (tsan) {
		argv[argc++] = "-Db_sanitize=thread";
		/* The sanitizer's runtime resolves at load time, as in ./run's build-tsan. */
		argv[argc++] = "-Db_lundef=false";
	}
	argv[argc++] = student;
	argv[argc++] = replaces;
	argv[argc++] = tests;
	argv[argc++] = b->dir;
	argv[argc++] = (char *)source;
	argv[argc] = NULL;
	if (setup(b, argv, root) != 0)
		return b->status;

	char *const ninja[] = { "ninja", "-C", b->dir, NULL };
	struct lab_exec x = { .argv = ninja, .log = b->log, .timeout_ms = LAB_BUILD_COMPILE_MS };
	if ((said = malloc(LAB_BUILD_WORDS_MAX)) == NULL) {
		diag_error("out of memory");
		return b->status;
	}
	enum lab_exec_status rc = lab_exec_run(&x, said, LAB_BUILD_WORDS_MAX, &code);
	if (rc == LAB_EXEC_OK) {
		b->status = LAB_BUILD_OK;
	} else if (rc == LAB_EXEC_FAILED) {
		lab_build_words(said, b->words, sizeof(b->words));
		b->status = LAB_BUILD_COMPILE;
	} else if (rc != LAB_EXEC_NOT_RUN) {
		diag_error("compiling the lab build (ninja -C %s) %s", b->dir, lab_exec_status_text(rc));
	}
	free(said);
	return b->status;
}
