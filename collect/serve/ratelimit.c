/* ratelimit.c: the bad-guess limit (serve.h). */
#include "serve.h"

#include <arpa/inet.h>
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

/* addr (an IPv4 or IPv6 address as text) into *ip, the family into *v6;
 * 0 when it is not one */
/* An address into ip; an IPv4 address written as IPv6 (::ffff:a.b.c.d, as a
 * dual-stack listener sees IPv4 visitors) is taken as the IPv4 one. */
static int parse_ip(const char *addr, unsigned char ip[16], int *v6)
{
    *v6 = strchr(addr, ':') != NULL;
    if (inet_pton(*v6 ? AF_INET6 : AF_INET, addr, ip) != 1)
        return 0;
    if (*v6 && IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)(const void *)ip)) {
        memmove(ip, ip + 12, 4);
        *v6 = 0;
    }
    return 1;
}

void ratelimit_key(const char *peer, const char *forwarded, const char *trusted, char *out,
                   size_t size)
{
    unsigned char ip[16], tip[16];
    int v6 = 0, tv6 = 0;
    char last[64] = "";
    if (forwarded && trusted && parse_ip(peer, ip, &v6) && parse_ip(trusted, tip, &tv6) &&
        v6 == tv6 && memcmp(ip, tip, v6 ? 16 : 4) == 0) {
        /* the last of the list: the address the proxy took the request
         * from (each proxy adds its own peer at the end; what comes before
         * is what the visitor sent, and may be made up) */
        const char *p = strrchr(forwarded, ',');
        p = p ? p + 1 : forwarded;
        p += strspn(p, " \t");
        size_t n = strcspn(p, " \t");
        if (n < sizeof last) {
            memcpy(last, p, n);
            last[n] = '\0';
        }
    }
    /* the forwarded address when it is one, else the connection's own */
    if (!last[0] || !parse_ip(last, ip, &v6)) {
        if (!parse_ip(peer, ip, &v6)) {
            snprintf(out, size, "%s", peer);
            return;
        }
    }
    /* one host may hold a whole IPv6 /64 and change addresses within it at
     * will: it counts as one (loopback, ::1, is one address anyway) */
    if (v6 && !IN6_IS_ADDR_LOOPBACK((const struct in6_addr *)(const void *)ip))
        memset(ip + 8, 0, 8);
    char text[INET6_ADDRSTRLEN];
    if (!inet_ntop(v6 ? AF_INET6 : AF_INET, ip, text, sizeof text))
        snprintf(text, sizeof text, "?");
    snprintf(out, size, "%s", text);
}
