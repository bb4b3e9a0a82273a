/* strmap.h: a hash map from strings to pointers, for the bookkeeping of a
 * large import (which clients, sessions and administrations a file names).
 *
 * Ownership: the map copies each key and frees the copies in
 * strmap_release; values are the caller's (strmap_release can free them). */
#ifndef COLLECT_STRMAP_H
#define COLLECT_STRMAP_H

#include <stddef.h>

typedef struct strmap_slot {
    char *key;      /* NULL: empty slot */
    size_t hash;
    void *val;
} strmap_slot;

typedef struct strmap {
    strmap_slot *slots;
    size_t cap;     /* 0 or a power of two */
    size_t n;
} strmap;

#define STRMAP_INIT { NULL, 0, 0 }

/* Frees the keys, calls free_val (when not NULL) on each value, and leaves
 * the map empty. */
void strmap_release(strmap *m, void (*free_val)(void *));

/* The value slot of key, or NULL when key is absent. */
void **strmap_get(const strmap *m, const char *key);

/* The value slot of key, added (with value NULL) when absent; *added says
 * which. */
void **strmap_put(strmap *m, const char *key, int *added);

#endif
