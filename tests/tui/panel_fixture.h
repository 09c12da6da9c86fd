/*
 * panel_fixture.h: a model fed as a 4-worker server would feed it, for the
 * tests that draw panels (into the cell grid or onto a terminal).
 */
#ifndef MCSCOPE_TESTS_PANEL_FIXTURE_H
#define MCSCOPE_TESTS_PANEL_FIXTURE_H

#include "model.h"
#include "screen.h"

/* Hello and snapshot of 4 workers, then n connections dispatched round robin; w1 is
 * frozen, so its connections wait in its queue; the others reach conn_waiting. */
struct model *panel_fixture_feed(int n);

/* Returns the screen's text, a line a row (malloc'd). */
char *panel_fixture_text(const struct screen *s);

#endif
