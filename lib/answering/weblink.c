/* weblink.c: tokens, access codes, their hashes, expiries (weblink.h). */
#include "weblink.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include <nettle/pbkdf2.h>
#include <nettle/sha2.h>

#include "store.h"

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* n random bytes from the kernel, retrying after a signal or a short read. */
static at_status random_bytes(unsigned char *buf, size_t n, at_err *err)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(buf + got, n - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return at_fail(err, AT_EIO, "no random bytes from the operating system: %s",
                           strerror(r < 0 ? errno : EIO));
        got += (size_t)r;
    }
    return AT_OK;
}

at_status weblink_new(char tok[WEBLINK_TOKEN_LEN + 1], char code[WEBLINK_CODE_LEN + 2],
                      at_err *err)
{
    unsigned char raw[WEBLINK_TOKEN_BYTES];
    at_status rc = random_bytes(raw, sizeof raw, err);
    if (rc != AT_OK)
        return rc;
    /* 24 bytes are 8 groups of 3, 4 symbols each */
    char *o = tok;
    for (size_t i = 0; i < sizeof raw; i += 3) {
        unsigned v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 | raw[i + 2];
        *o++ = b64url[(v >> 18) & 63];
        *o++ = b64url[(v >> 12) & 63];
        *o++ = b64url[(v >> 6) & 63];
        *o++ = b64url[v & 63];
    }
    *o = '\0';
    /* each symbol from one byte below the largest multiple of the alphabet's
     * size, so every symbol is equally likely */
    const size_t na = sizeof WEBLINK_CODE_ALPHABET - 1;
    const unsigned limit = 256 - 256 % na;
    size_t k = 0;
    while (k < WEBLINK_CODE_LEN) {
        unsigned char b[16];
        if ((rc = random_bytes(b, sizeof b, err)) != AT_OK)
            return rc;
        for (size_t i = 0; i < sizeof b && k < WEBLINK_CODE_LEN; i++)
            if (b[i] < limit) {
                if (k == WEBLINK_CODE_LEN / 2)
                    *code++ = '-';
                *code++ = WEBLINK_CODE_ALPHABET[b[i] % na];
                k++;
            }
    }
    *code = '\0';
    return AT_OK;
}

int weblink_token_ok(const char *text, size_t len)
{
    if (len != WEBLINK_TOKEN_LEN)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!memchr(b64url, text[i], sizeof b64url - 1) || !text[i])
            return 0;
    return 1;
}

void weblink_token_hash(const char *tok, size_t len, char hex[65])
{
    store_sha256(tok, len, hex);
}

/* The code as typed with case, spaces and dashes taken out, after the
 * prefix "attune:" (which keeps a code's hash apart from any token's), in
 * norm; its length, 0 when it is not a code. */
static size_t code_norm(const char *typed, char norm[8 + WEBLINK_CODE_LEN + 1])
{
    strcpy(norm, "attune:");
    size_t n = strlen(norm), k = 0;
    for (const char *p = typed ? typed : ""; *p; p++) {
        char c = *p;
        if (c == ' ' || c == '-' || c == '\t')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (!strchr(WEBLINK_CODE_ALPHABET, c) || k == WEBLINK_CODE_LEN)
            return 0;
        norm[n + k++] = c;
    }
    return k == WEBLINK_CODE_LEN ? n + k : 0;
}

int weblink_code_hash(const char *typed, char hex[65])
{
    char norm[8 + WEBLINK_CODE_LEN + 1];
    size_t n = code_norm(typed, norm);
    if (!n)
        return 0;
    static const char salt[] = "attune access code";
    uint8_t key[SHA256_DIGEST_SIZE];
    pbkdf2_hmac_sha256(n, (const uint8_t *)norm, WEBLINK_CODE_ROUNDS, sizeof salt - 1,
                       (const uint8_t *)salt, sizeof key, key);
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof key; i++) {
        hex[2 * i] = digits[key[i] >> 4];
        hex[2 * i + 1] = digits[key[i] & 15];
    }
    hex[64] = '\0';
    return 1;
}

int weblink_code_hash_plain(const char *typed, char hex[65])
{
    char norm[8 + WEBLINK_CODE_LEN + 1];
    size_t n = code_norm(typed, norm);
    if (!n)
        return 0;
    store_sha256(norm, n, hex);
    return 1;
}

long weblink_duration(const char *text)
{
    long total = 0;
    const char *p = text;
    if (!p || !*p)
        return 0;
    while (*p) {
        if (*p < '0' || *p > '9')
            return 0;
        long v = 0;
        while (*p >= '0' && *p <= '9') {
            v = v * 10 + (*p++ - '0');
            if (v > 1000000)
                return 0;
        }
        long unit = *p == 'd' ? 86400 : *p == 'h' ? 3600 : *p == 'm' ? 60 : 0;
        if (!unit)
            return 0;
        p++;
        total += v * unit;
        if (total > 366L * 86400)
            return 0;
    }
    return total >= 60 ? total : 0;
}

void weblink_time_iso(time_t t, char buf[21])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
