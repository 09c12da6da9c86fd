/* lab_dir.c: finding labs, and the student's state for each. */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "lab_dir.h"

#define STATE_FILE ".lab-state"

#define LAB_STATUS_TEXT_(e, text) text,
static const char *const status_names[] = { LAB_STATUSES(LAB_STATUS_TEXT_) };
#undef LAB_STATUS_TEXT_
/* As the state file writes them. */
static const char *const status_words[] = { "not-started", "in-progress", "passed" };

/* What a status is called. */
const char *lab_status_name(enum lab_status s)
{
	return s < LAB_STATUS_COUNT ? status_names[s] : "?";
}

/* The labs directory. */
const char *lab_dir_root(const char *dir)
{
	const char *env = getenv("MCSCOPE_LABS");

	if (dir != NULL)
		return dir;
	if (env != NULL && env[0] != '\0')
		return env;
	return MCSCOPE_LABS_DIR;
}

/* True when name is NN-slug. */
static bool is_lab_name(const char *name)
{
	return name[0] >= '0' && name[0] <= '9' && name[1] >= '0' && name[1] <= '9' && name[2] == '-' &&
	       name[3] != '\0';
}

/* Orders paths by name. */
static int compare_paths(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Lists the labs. */
int lab_dir_list(const char *root, char paths[][PATH_MAX], int max)
{
	DIR *d = opendir(root);
	struct dirent *de;
	int n = 0;

	if (d == NULL) {
		diag_error("cannot open the labs directory %s: %s", root, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL && n < max) {
		char conf[PATH_MAX + 16];
		if (!is_lab_name(de->d_name))
			continue;
		if (snprintf(paths[n], PATH_MAX, "%s/%s", root, de->d_name) >= PATH_MAX)
			continue;
		snprintf(conf, sizeof(conf), "%s/lab.conf", paths[n]);
		if (access(conf, R_OK) == 0)
			n++;
	}
	closedir(d);
	qsort(paths, (size_t)n, PATH_MAX, compare_paths);
	return n;
}

/* Finds a lab. */
int lab_dir_find(const char *root, const char *which, char *path, size_t n)
{
	static char paths[LAB_DIR_MAX_LABS][PATH_MAX];
	char *end;
	long number = strtol(which, &end, 10);
	int count = lab_dir_list(root, paths, LAB_DIR_MAX_LABS);

	if (count < 0)
		return -1;
	for (int i = 0; i < count; i++) {
		const char *base = strrchr(paths[i], '/') + 1;
		bool hit = (*end == '\0' && end != which && strtol(base, NULL, 10) == number) ||
			   strcmp(base, which) == 0 || strcmp(base + 3, which) == 0;
		if (hit && strlen(paths[i]) < n) {
			strcpy(path, paths[i]);
			return 0;
		}
	}
	diag_error("no lab '%s' in %s; the labs are:", which, root);
	for (int i = 0; i < count; i++)
		fprintf(stderr, "  %s\n", strrchr(paths[i], '/') + 1);
	return -1;
}

/* The student's folder for a lab. */
int lab_dir_work(const char *lab_path, const char *work, char *out, size_t n)
{
	const char *base = strrchr(lab_path, '/');

	base = base != NULL ? base + 1 : lab_path;
	if (work == NULL) {
		if (strlen(lab_path) >= n)
			goto too_long;
		strcpy(out, lab_path);
		return 0;
	}
	if (mkdir(work, 0755) != 0 && errno != EEXIST) {
		diag_error("cannot make %s: %s", work, strerror(errno));
		return -1;
	}
	if ((size_t)snprintf(out, n, "%s/%s", work, base) >= n)
		goto too_long;
	if (mkdir(out, 0755) != 0 && errno != EEXIST) {
		diag_error("cannot make %s: %s", out, strerror(errno));
		return -1;
	}
	return 0;
too_long:
	diag_error("path too long: %s", lab_path);
	return -1;
}

/* Reads the state. */
void lab_state_load(const char *work_dir, struct lab_state *s)
{
	char path[PATH_MAX + 16], word[32];
	FILE *f;

	s->status = LAB_NOT_STARTED;
	s->hints = 0;
	snprintf(path, sizeof(path), "%s/%s", work_dir, STATE_FILE);
	if ((f = fopen(path, "r")) == NULL)
		return;
	/* A damaged state file costs the student only the progress it held. */
	if (fscanf(f, "status=%31s hints=%d", word, &s->hints) >= 1)
		for (int i = 0; i < LAB_STATUS_COUNT; i++)
			if (strcmp(word, status_words[i]) == 0)
				s->status = (enum lab_status)i;
	if (s->hints < 0 || s->hints > 1000)
		s->hints = 0;
	fclose(f);
}

/* Writes the state. */
int lab_state_save(const char *work_dir, const struct lab_state *s)
{
	char path[PATH_MAX + 16];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", work_dir, STATE_FILE);
	if ((f = fopen(path, "w")) == NULL) {
		diag_error("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "status=%s\nhints=%d\n", status_words[s->status], s->hints);
	if (fclose(f) != 0) {
		diag_error("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
