#include <stdlib.h>
#include <string.h>

#include "model_index.h"

#define INDEX_MIN_SLOTS 64

struct index_slot {
	uint64_t id;
	size_t pos1; /* position + 1; 0 marks an empty slot */
};

struct model_index {
	struct index_slot *slot;
	size_t cap;   /* a power of two */
	size_t count;
};

/* Scrambles an id: ids are handed out in order, and linear probing hates runs. */
static size_t id_hash(uint64_t id)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdULL;
	id ^= id >> 33;
	id *= 0xc4ceb9fe1a85ec53ULL;
	id ^= id >> 33;
	return (size_t)id;
}

/* Returns the slot holding id, or the empty slot where it would go. */
static struct index_slot *slot_find(struct index_slot *slot, size_t cap, uint64_t id)
{
	size_t mask = cap - 1, h = id_hash(id) & mask;

	while (slot[h].pos1 != 0 && slot[h].id != id)
		h = (h + 1) & mask;
	return &slot[h];
}

/* Creates an index. */
struct model_index *model_index_create(void)
{
	struct model_index *ix = calloc(1, sizeof(*ix));

	if (ix == NULL)
		return NULL;
	ix->slot = calloc(INDEX_MIN_SLOTS, sizeof(*ix->slot));
	if (ix->slot == NULL) {
		free(ix);
		return NULL;
	}
	ix->cap = INDEX_MIN_SLOTS;
	return ix;
}

/* Frees an index. */
void model_index_destroy(struct model_index *ix)
{
	if (ix == NULL)
		return;
	free(ix->slot);
	free(ix);
}

/* Empties the table. */
void model_index_clear(struct model_index *ix)
{
	memset(ix->slot, 0, ix->cap * sizeof(*ix->slot));
	ix->count = 0;
}

/* Doubles the table, rehashing every entry; false when out of memory. */
static bool index_grow(struct model_index *ix)
{
	size_t cap = ix->cap * 2;
	struct index_slot *slot = calloc(cap, sizeof(*slot));

	if (slot == NULL)
		return false;
	for (size_t i = 0; i < ix->cap; i++)
		if (ix->slot[i].pos1 != 0)
			*slot_find(slot, cap, ix->slot[i].id) = ix->slot[i];
	free(ix->slot);
	ix->slot = slot;
	ix->cap = cap;
	return true;
}

/* Inserts or moves id. */
bool model_index_put(struct model_index *ix, uint64_t id, size_t pos)
{
	struct index_slot *s;

	/* Kept at most half full so probes stay short. */
	if ((ix->count + 1) * 2 > ix->cap && !index_grow(ix))
		return false;
	s = slot_find(ix->slot, ix->cap, id);
	if (s->pos1 == 0)
		ix->count++;
	s->id = id;
	s->pos1 = pos + 1;
	return true;
}

/* Returns the table's size. */
size_t model_index_slots(const struct model_index *ix)
{
	return ix->cap;
}

/* Counts the index's bytes. */
size_t model_index_bytes(const struct model_index *ix)
{
	return sizeof(*ix) + ix->cap * sizeof(*ix->slot);
}

/* Looks id up. */
bool model_index_get(const struct model_index *ix, uint64_t id, size_t *pos)
{
	const struct index_slot *s = slot_find(ix->slot, ix->cap, id);

	if (s->pos1 == 0)
		return false;
	*pos = s->pos1 - 1;
	return true;
}
