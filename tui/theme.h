/*
 * theme.h: how roles look on this terminal: the default colours (256 or
 * 16), the high-contrast ones (dark on white), or none (mono, NO_COLOR).
 */
#ifndef MCSCOPE_TUI_THEME_H
#define MCSCOPE_TUI_THEME_H

#include <stdbool.h>

#include "dashboard_opts.h"
#include "screen.h"

/* Sets the theme up for the terminal curses opened; color false (NO_COLOR): monochrome whatever the theme. */
void theme_init(enum dashboard_theme theme, bool color);

/* Returns the curses attributes (colour pair included) of a role. */
int theme_attr(int role);

#endif
