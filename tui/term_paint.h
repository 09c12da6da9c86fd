/*
 * term_paint.h: puts the screen grid on a curses terminal, each role in its
 * theme's colours and attributes. Kept apart from the dashboard's loop so
 * that tests can paint into an off-screen terminal and read it back.
 */
#ifndef MCSCOPE_TUI_TERM_PAINT_H
#define MCSCOPE_TUI_TERM_PAINT_H

#include "screen.h"

/* Paints the grid on curses' current screen (stdscr) and updates the terminal in one go. */
void term_paint(const struct screen *s);

#endif
