/*
 * model_sentence.h: one event line told as a short sentence for the
 * dashboard's log, naming the memcached function the event mirrors, so a
 * reader can follow the stream with memcached's source open beside it:
 *
 *   main dispatch_conn_new: conn 41 -> w1 (rr)
 *   w1 conn_set_state: conn 41 conn_waiting -> conn_read
 *
 * Each event's sentence is declared in src/wire.h (WIRE_EVENTS), in the
 * small template language described there; this module renders it.
 * Sentences fit an 80-column log with room for a timestamp.
 */
#ifndef MCSCOPE_TUI_MODEL_SENTENCE_H
#define MCSCOPE_TUI_MODEL_SENTENCE_H

#include <stddef.h>

#include "event.h"

/* Writes the sentence for an event line into buf (n bytes, nul-terminated, cut to fit). */
void model_sentence(const struct event *e, char *buf, size_t n);

/* Writes template (wire.h's sentence language) filled in from e into buf (n bytes, cut to fit). */
void model_sentence_render(const struct event *e, const char *template, char *buf, size_t n);

/* What the event of that name does in memcached's words ("state" -> "conn_set_state"), for
 * saying what a stopped thread does next; the name itself for an event this build lacks. */
const char *model_sentence_function(const char *ev_name, size_t len, char *buf, size_t n);

#endif
