#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dashboard_opts.h"
#include "diag.h"

const struct cli_option dashboard_options[] = {
	[DASHBOARD_OPT_ONCE] = { "once", 0, NULL,
				 "print one plain-text frame and exit (for scripts and CI)" },
	[DASHBOARD_OPT_FRAMES] = { "frames", 0, "N", "print N plain-text frames, one every -d, and exit" },
	[DASHBOARD_OPT_SIZE] = { "size", 0, "CxR", "the plain-text frame's size (default 80x24)" },
	[DASHBOARD_OPT_DELAY] = { "delay", 'd', "TENTHS",
				  "time between frames, tenths of a second (default 1; 0.3 s is 30 "
				  "frames a second, the fastest)" },
	[DASHBOARD_OPT_NO_MOUSE] = { "no-mouse", 0, NULL,
				     "don't take the mouse (by default clicks select and the wheel "
				     "scrolls)" },
	[DASHBOARD_OPT_THEME] = { "theme", 0, "NAME",
				  "colours: default, contrast (dark on white, for a projector in a "
				  "bright room) or mono" },
	{ NULL },
};

#define DASHBOARD_THEME_NAME_(e, name, text) #name,
static const char *const theme_names[] = { DASHBOARD_THEMES(DASHBOARD_THEME_NAME_) };
#undef DASHBOARD_THEME_NAME_

/* The theme's name. */
const char *dashboard_theme_name(enum dashboard_theme t)
{
	return t < DASHBOARD_THEME_COUNT ? theme_names[t] : "?";
}

/* Lists the themes. */
const char *dashboard_theme_list(char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int t = 0; t < DASHBOARD_THEME_COUNT && used < n; t++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", t ? ", " : "", theme_names[t]);
	return buf;
}

/* Sets the defaults. */
void dashboard_opts_init(struct dashboard_opts *o)
{
	*o = (struct dashboard_opts){ .mouse = true, .interval_ms = 100, .rows = 24, .cols = 80 };
}

/* Applies the screen options. */
bool dashboard_opts_set(struct dashboard_opts *o, const char *const given[DASHBOARD_OPT_N])
{
	const char *arg;
	int tenths;
	char extra;

	if (given[DASHBOARD_OPT_ONCE] != NULL)
		o->once = true;
	arg = given[DASHBOARD_OPT_FRAMES];
	if (arg != NULL &&
	    (sscanf(arg, "%d%c", &o->frames, &extra) != 1 || o->frames < 1 || o->frames > 100000)) {
		diag_error("--frames: invalid value '%s' (allowed: 1-100000)", arg);
		return false;
	}
	arg = given[DASHBOARD_OPT_SIZE];
	if (arg != NULL && (sscanf(arg, "%dx%d%c", &o->cols, &o->rows, &extra) != 2 || o->cols < 40 ||
			    o->cols > 1000 || o->rows < 10 || o->rows > 1000)) {
		diag_error("--size: invalid value '%s' (allowed: 40x10 to 1000x1000)", arg);
		return false;
	}
	arg = given[DASHBOARD_OPT_DELAY];
	if (arg != NULL) {
		if (sscanf(arg, "%d%c", &tenths, &extra) != 1 || tenths < 1 || tenths > 100) {
			diag_error("-d/--delay: invalid value '%s' (allowed: 1-100 tenths)", arg);
			return false;
		}
		o->interval_ms = tenths * 100;
	}
	if (given[DASHBOARD_OPT_NO_MOUSE] != NULL)
		o->mouse = false;
	arg = given[DASHBOARD_OPT_THEME];
	if (arg != NULL) {
		char list[128];
		int t;
		for (t = 0; t < DASHBOARD_THEME_COUNT && strcmp(arg, theme_names[t]) != 0; t++)
			;
		if (t == DASHBOARD_THEME_COUNT) {
			diag_error("--theme: unknown theme '%s' (allowed: %s)", arg,
				   dashboard_theme_list(list, sizeof(list)));
			return false;
		}
		o->theme = (enum dashboard_theme)t;
	}
	return true;
}

/* Checks for a terminal. */
bool dashboard_can_run(const struct dashboard_opts *o)
{
	if (o->once || o->frames > 0 || (isatty(0) && isatty(1)))
		return true;
	diag_error("the live dashboard needs a terminal; --once or --frames N print text");
	return false;
}
