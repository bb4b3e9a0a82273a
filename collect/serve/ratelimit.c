/* ratelimit.c: the bad-guess limit (serve.h). */
#include "serve.h"

#include <stdio.h>
#include <string.h>

void ratelimit_init(ratelimit *rl)
{
    memset(rl, 0, sizeof *rl);
}

static rate_slot *find(const ratelimit *rl, const char *addr)
{
    for (size_t i = 0; i < RATE_SLOTS; i++)
        if (rl->slots[i].n && strcmp(rl->slots[i].addr, addr) == 0)
            return (rate_slot *)&rl->slots[i];
    return NULL;
}

/* The number of bad guesses of slot within the window ending at now, and
 * the oldest of them into *oldest. */
static size_t recent(const rate_slot *sl, long now, long *oldest)
{
    size_t k = 0;
    *oldest = now;
    for (size_t i = 0; i < sl->n; i++)
        if (sl->hits[i] > now - RATE_WINDOW) {
            k++;
            if (sl->hits[i] < *oldest)
                *oldest = sl->hits[i];
        }
    return k;
}

void ratelimit_hit(ratelimit *rl, const char *addr, long now)
{
    rate_slot *sl = find(rl, addr);
    if (!sl) {
        /* an empty slot, else the one seen least recently */
        sl = &rl->slots[0];
        for (size_t i = 0; i < RATE_SLOTS; i++) {
            if (!rl->slots[i].n) {
                sl = &rl->slots[i];
                break;
            }
            if (rl->slots[i].last < sl->last)
                sl = &rl->slots[i];
        }
        memset(sl, 0, sizeof *sl);
        snprintf(sl->addr, sizeof sl->addr, "%s", addr);
    }
    sl->hits[sl->next] = now;
    sl->next = (sl->next + 1) % RATE_MAX;
    if (sl->n < RATE_MAX)
        sl->n++;
    sl->last = now;
}

int ratelimit_blocked(const ratelimit *rl, const char *addr, long now, long *retry)
{
    const rate_slot *sl = find(rl, addr);
    long oldest = now;
    if (!sl || recent(sl, now, &oldest) < RATE_MAX)
        return 0;
    if (retry)
        *retry = oldest + RATE_WINDOW - now;
    return 1;
}
