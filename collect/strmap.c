/* strmap.c: open addressing with linear probing, FNV-1a hashes, kept at
 * most half full. */
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static size_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return (size_t)h;
}

void strmap_release(strmap *m, void (*free_val)(void *))
{
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key)
            continue;
        free(m->slots[i].key);
        if (free_val)
            free_val(m->slots[i].val);
    }
    free(m->slots);
    m->slots = NULL;
    m->cap = m->n = 0;
}

static strmap_slot *find(const strmap *m, const char *key, size_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        strmap_slot *sl = &m->slots[i];
        if (!sl->key || (sl->hash == h && strcmp(sl->key, key) == 0))
            return sl;
    }
}

void **strmap_get(const strmap *m, const char *key)
{
    if (!m->cap)
        return NULL;
    strmap_slot *sl = find(m, key, hash_str(key));
    return sl->key ? &sl->val : NULL;
}

static void grow(strmap *m)
{
    size_t oldcap = m->cap;
    strmap_slot *old = m->slots;
    m->cap = oldcap ? oldcap * 2 : 64;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].key)
            *find(m, old[i].key, old[i].hash) = old[i];
    free(old);
}

void **strmap_put(strmap *m, const char *key, int *added)
{
    if (2 * (m->n + 1) > m->cap)
        grow(m);
    size_t h = hash_str(key);
    strmap_slot *sl = find(m, key, h);
    *added = !sl->key;
    if (!sl->key) {
        sl->key = xstrdup(key);
        sl->hash = h;
        sl->val = NULL;
        m->n++;
    }
    return &sl->val;
}
