/*
 * model_index.h: connection id -> position in the model's conns array.
 *
 * An open-addressing hash table: the dashboard looks a connection up for
 * nearly every event line, so a scan of thousands of conns will not do.
 * Positions change only when the model compacts its array, and then it
 * rebuilds the index, so there is no single-entry removal.
 */
#ifndef MCSCOPE_TUI_MODEL_INDEX_H
#define MCSCOPE_TUI_MODEL_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct model_index;

/* Creates an empty index; NULL when out of memory. */
struct model_index *model_index_create(void);

/* Frees the index. */
void model_index_destroy(struct model_index *ix);

/* Forgets every entry, keeping the table's memory. */
void model_index_clear(struct model_index *ix);

/* Maps id to pos, replacing any earlier position; false when out of memory. */
bool model_index_put(struct model_index *ix, uint64_t id, size_t pos);

/* Returns how many slots the table has (its memory), for bounds checks. */
size_t model_index_slots(const struct model_index *ix);

/* Returns the bytes the index holds, itself and its table. */
size_t model_index_bytes(const struct model_index *ix);

/* Finds id's position; false when id is absent. */
bool model_index_get(const struct model_index *ix, uint64_t id, size_t *pos);

#endif
