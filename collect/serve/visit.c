/* visit.c: the access code's visits (serve.h). */
#include "serve.h"

#include <stdio.h>
#include <string.h>

#include "weblink.h"

_Static_assert(VISIT_ID_LEN == WEBLINK_TOKEN_LEN, "a visit's ID is made as a token");

void visits_init(visits *v)
{
    memset(v, 0, sizeof *v);
}

static int fresh(const visit *s, long now)
{
    return s->id[0] && now - s->last < VISIT_IDLE && now - s->born < VISIT_LIFE;
}

/* every byte looked at, so the time taken tells nothing of where an ID
 * that was guessed differs from one in the table */
static int same_id(const char *a, const char *b)
{
    unsigned char d = 0;
    for (size_t i = 0; i < VISIT_ID_LEN; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

int visits_open(visits *v, const char *hash, long now, char id[VISIT_ID_LEN + 1])
{
    visit *room = NULL;
    for (size_t i = 0; i < VISIT_SLOTS; i++) {
        visit *s = &v->slots[i];
        if (fresh(s, now) && strcmp(s->hash, hash) == 0) {
            s->last = now;
            memcpy(id, s->id, VISIT_ID_LEN + 1);
            return 1;
        }
        /* an empty or stale slot, else the one used least recently */
        if (!room || (fresh(room, now) && (!fresh(s, now) || s->last < room->last)))
            room = s;
    }
    char code[WEBLINK_CODE_LEN + 2];
    at_err err;
    if (weblink_new(room->id, code, &err) != AT_OK) {
        room->id[0] = '\0';
        return 0;
    }
    snprintf(room->hash, sizeof room->hash, "%s", hash);
    room->last = room->born = now;
    memcpy(id, room->id, VISIT_ID_LEN + 1);
    return 1;
}

int visits_find(visits *v, const char *id, long now, char hash[65])
{
    if (!weblink_token_ok(id, strlen(id)))
        return 0;
    for (size_t i = 0; i < VISIT_SLOTS; i++) {
        visit *s = &v->slots[i];
        if (fresh(s, now) && same_id(s->id, id)) {
            s->last = now;
            memcpy(hash, s->hash, 65);
            return 1;
        }
    }
    return 0;
}
