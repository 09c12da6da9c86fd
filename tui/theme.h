/* theme.h: how roles look on this terminal: 256 colours, 16, or none (NO_COLOR, mono). */
#ifndef MCSCOPE_TUI_THEME_H
#define MCSCOPE_TUI_THEME_H

#include <stdbool.h>

#include "screen.h"

/* Sets colours up for the terminal curses opened; color false: monochrome. */
void theme_init(bool color);

/* Returns the curses attributes (colour pair included) of a role. */
int theme_attr(int role);

#endif
