/* Unit tests for web links' tokens, access codes, their hashes and
 * expiry durations (weblink.h), and serve's bad-guess limit, base URL rule
 * and posted fields. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"
#include "weblink.h"

static void test_token_shape(void **state)
{
    (void)state;
    char tok[WEBLINK_TOKEN_LEN + 1], code[WEBLINK_CODE_LEN + 2];
    at_err err;
    assert_int_equal(weblink_new(tok, code, &err), AT_OK);
    assert_int_equal(strlen(tok), 32);
    assert_true(WEBLINK_TOKEN_BYTES * 8 >= 128);
    assert_true(weblink_token_ok(tok, strlen(tok)));
    for (const char *p = tok; *p; p++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
    assert_int_equal(strlen(code), 11);
    assert_int_equal(code[5], '-');
    for (int i = 0; i < 11; i++)
        if (i != 5)
            assert_non_null(strchr(WEBLINK_CODE_ALPHABET, code[i]));
}

/* 2,000 tokens and codes: no two alike, every symbol of both alphabets
 * used, none of the look-alikes in a code. */
static void test_randomness(void **state)
{
    (void)state;
    enum { N = 2000 };
    char (*toks)[WEBLINK_TOKEN_LEN + 1] = calloc(N, sizeof *toks);
    char (*codes)[WEBLINK_CODE_LEN + 2] = calloc(N, sizeof *codes);
    int seen_t[256] = { 0 }, seen_c[256] = { 0 };
    at_err err;
    for (int i = 0; i < N; i++) {
        assert_int_equal(weblink_new(toks[i], codes[i], &err), AT_OK);
        for (const char *p = toks[i]; *p; p++)
            seen_t[(unsigned char)*p]++;
        for (const char *p = codes[i]; *p; p++)
            seen_c[(unsigned char)*p]++;
    }
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++) {
            assert_string_not_equal(toks[i], toks[j]);
            assert_string_not_equal(codes[i], codes[j]);
        }
    int nt = 0, nc = 0;
    for (int c = 0; c < 256; c++) {
        nt += seen_t[c] > 0;
        nc += seen_c[c] > 0 && c != '-';
    }
    assert_int_equal(nt, 64);
    assert_int_equal(nc, (int)strlen(WEBLINK_CODE_ALPHABET));
    for (const char *bad = "01OIL"; *bad; bad++)
        assert_int_equal(seen_c[(unsigned char)*bad], 0);
    /* each code symbol about equally often: 20,000 draws over 31 symbols,
     * about 645 each; a biased draw (modulo without rejection) would not
     * stay within these bounds for all */
    for (const char *p = WEBLINK_CODE_ALPHABET; *p; p++) {
        assert_true(seen_c[(unsigned char)*p] > 500);
        assert_true(seen_c[(unsigned char)*p] < 800);
    }
    free(toks);
    free(codes);
}

static void test_token_ok(void **state)
{
    (void)state;
    const char *good = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-_";
    assert_true(weblink_token_ok(good, 32));
    assert_false(weblink_token_ok(good, 31));
    assert_false(weblink_token_ok("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/", 32));
    assert_false(weblink_token_ok("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%", 32));
    assert_false(weblink_token_ok("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\0", 32));
    assert_false(weblink_token_ok("", 0));
}

static void test_code_hash(void **state)
{
    (void)state;
    char a[65], b[65], c[65], t[65];
    assert_true(weblink_code_hash("K7QM4-XRP2D", a));
    assert_true(weblink_code_hash("k7qm4xrp2d", b));
    assert_true(weblink_code_hash(" K7QM4 XRP2D ", c));
    assert_string_equal(a, b);
    assert_string_equal(a, c);
    assert_int_equal(strlen(a), 64);
    /* PBKDF2-HMAC-SHA256 of "attune:K7QM4XRP2D", salt "attune access code",
     * 100,000 rounds, as Python's hashlib.pbkdf2_hmac gives it */
    assert_string_equal(a, "a74b167eec5d685ae8b065b3bccfe5892899cd3795ae9c9771180135903c18c6");
    /* the plain hash of links made before: sha256 of "attune:K7QM4XRP2D"
     * (sha256sum) */
    assert_true(weblink_code_hash_plain("k7qm4-xrp2d", t));
    assert_string_equal(t, "ea94791be2bc8c023c03df5459c05e7668d906bf4f35c1fbc40557371d8e5f2f");
    strcpy(t, "untouched");
    assert_false(weblink_code_hash_plain("K7QM4-XRP2", t));
    assert_string_equal(t, "untouched");
    /* the hash is not the token hash of the same text */
    weblink_token_hash("K7QM4XRP2D", 10, t);
    assert_string_not_equal(a, t);
    assert_true(weblink_code_hash("K7QM4-XRP2E", b));
    assert_string_not_equal(a, b);
    /* wrong length, a look-alike, other symbols */
    strcpy(b, "untouched");
    assert_false(weblink_code_hash("K7QM4-XRP2", b));
    assert_false(weblink_code_hash("K7QM4-XRP2DD", b));
    assert_false(weblink_code_hash("K7QM0-XRP2D", b));
    assert_false(weblink_code_hash("K7QMI-XRP2D", b));
    assert_false(weblink_code_hash("K7QM4_XRP2D", b));
    assert_false(weblink_code_hash("", b));
    assert_false(weblink_code_hash(NULL, b));
    assert_string_equal(b, "untouched");
}

static void test_duration(void **state)
{
    (void)state;
    static const struct { const char *text; long secs; } cases[] = {
        { "7d", 7 * 86400 }, { "48h", 48 * 3600 }, { "30m", 1800 }, { "1m", 60 },
        { "1d12h", 36 * 3600 }, { "2h30m", 9000 }, { "366d", 366L * 86400 },
        { "0m", 0 }, { "59s", 0 }, { "367d", 0 }, { "7", 0 }, { "d", 0 }, { "", 0 },
        { "7d ", 0 }, { "-1d", 0 }, { "7D", 0 }, { "1.5h", 0 }, { "99999999999d", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long got = weblink_duration(cases[i].text);
        if (got != cases[i].secs)
            fail_msg("'%s': %ld, want %ld", cases[i].text, got, cases[i].secs);
    }
    assert_int_equal(weblink_duration(NULL), 0);
}

static void test_time_iso(void **state)
{
    (void)state;
    char buf[21];
    weblink_time_iso(0, buf);
    assert_string_equal(buf, "1970-01-01T00:00:00Z");
    weblink_time_iso(1772409600 + 3723, buf);
    assert_string_equal(buf, "2026-03-02T01:02:03Z");
}

static void test_ratelimit(void **state)
{
    (void)state;
    ratelimit *rl = malloc(sizeof *rl);
    long retry = 0;
    ratelimit_init(rl);
    for (int i = 0; i < RATE_MAX; i++) {
        assert_false(ratelimit_blocked(rl, "10.0.0.1", 1000 + i, NULL));
        ratelimit_hit(rl, "10.0.0.1", 1000 + i);
    }
    /* 20 bad guesses in 20 seconds: the address is turned away, others not */
    assert_true(ratelimit_blocked(rl, "10.0.0.1", 1020, &retry));
    assert_int_equal(retry, 1000 + RATE_WINDOW - 1020);
    assert_false(ratelimit_blocked(rl, "10.0.0.2", 1020, NULL));
    /* once the oldest is a minute old, 19 remain in the window */
    assert_true(ratelimit_blocked(rl, "10.0.0.1", 1059, NULL));
    assert_false(ratelimit_blocked(rl, "10.0.0.1", 1060, NULL));
    /* slow guessing never reaches the limit */
    for (int i = 0; i < 200; i++) {
        ratelimit_hit(rl, "10.0.0.3", 5000 + 4L * i);
        assert_false(ratelimit_blocked(rl, "10.0.0.3", 5000 + 4L * i, NULL));
    }
    /* many addresses: the table makes room, and a busy guesser is still caught */
    for (int i = 0; i < RATE_SLOTS * 2; i++) {
        char a[32];
        snprintf(a, sizeof a, "10.1.%d.%d", i / 256, i % 256);
        ratelimit_hit(rl, a, 9000);
    }
    for (int i = 0; i < RATE_MAX; i++)
        ratelimit_hit(rl, "10.9.9.9", 9001);
    assert_true(ratelimit_blocked(rl, "10.9.9.9", 9001, NULL));
    free(rl);
}

static void test_ratelimit_key(void **state)
{
    (void)state;
    static const struct {
        const char *peer, *forwarded, *trusted, *want;
    } cases[] = {
        /* no proxy trusted: the connection's own, whatever the header says */
        { "127.0.0.1", "10.0.0.7", NULL, "127.0.0.1" },
        { "127.0.0.1", NULL, NULL, "127.0.0.1" },
        /* the trusted proxy: the last address it names, spaces around */
        { "127.0.0.1", "10.0.0.7", "127.0.0.1", "10.0.0.7" },
        { "127.0.0.1", "1.2.3.4, 10.0.0.7", "127.0.0.1", "10.0.0.7" },
        { "127.0.0.1", "1.2.3.4 ,  10.0.0.7 ", "127.0.0.1", "10.0.0.7" },
        /* what is not an address, or nothing: the proxy's own */
        { "127.0.0.1", "1.2.3.4, unknown", "127.0.0.1", "127.0.0.1" },
        { "127.0.0.1", "10.0.0.7:5555", "127.0.0.1", "127.0.0.1" },
        { "127.0.0.1", "", "127.0.0.1", "127.0.0.1" },
        { "127.0.0.1", NULL, "127.0.0.1", "127.0.0.1" },
        /* another address than the proxy's: its own */
        { "127.0.0.2", "10.0.0.7", "127.0.0.1", "127.0.0.2" },
        { "10.0.0.9", "10.0.0.7", "10.0.0.8", "10.0.0.9" },
        /* IPv6 by its /64, written one way; loopback as it is */
        { "::1", "2001:db8:1:2:aaaa::1", "::1", "2001:db8:1:2::" },
        { "::1", "2001:DB8:1:2:0:0:0:ffff", "0:0::1", "2001:db8:1:2::" },
        { "2001:db8:1:2:3:4:5:6", NULL, NULL, "2001:db8:1:2::" },
        { "::1", NULL, NULL, "::1" },
        { "?", "10.0.0.7", "127.0.0.1", "?" },
        /* IPv4 visitors of a dual-stack listener, written as IPv6: each its
         * own IPv4 address (not one /64 for all), and a proxy so written is
         * the one --trust-proxy names as IPv4 */
        { "::ffff:10.0.0.7", NULL, NULL, "10.0.0.7" },
        { "::ffff:10.0.0.8", NULL, NULL, "10.0.0.8" },
        { "::ffff:127.0.0.1", "10.0.0.7", "127.0.0.1", "10.0.0.7" },
        { "127.0.0.1", "::ffff:192.0.2.5", "127.0.0.1", "192.0.2.5" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[64];
        ratelimit_key(cases[i].peer, cases[i].forwarded, cases[i].trusted, out, sizeof out);
        assert_string_equal(out, cases[i].want);
    }
}

static void test_visits(void **state)
{
    (void)state;
    visits *v = malloc(sizeof *v);
    char a[VISIT_ID_LEN + 1], b[VISIT_ID_LEN + 1], c[VISIT_ID_LEN + 1], h[65];
    visits_init(v);
    assert_true(visits_open(v, "hash-a", 1000, a));
    assert_true(weblink_token_ok(a, strlen(a)));
    assert_true(visits_open(v, "hash-b", 1000, b));
    assert_string_not_equal(a, b);
    /* the same link typed again: the same visit */
    assert_true(visits_open(v, "hash-a", 1500, c));
    assert_string_equal(a, c);
    assert_true(visits_find(v, a, 1600, h));
    assert_string_equal(h, "hash-a");
    assert_false(visits_find(v, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 1600, h));
    assert_false(visits_find(v, "", 1600, h));
    /* each use keeps it; unused for VISIT_IDLE it is forgotten */
    assert_true(visits_find(v, a, 1600 + VISIT_IDLE - 1, h));
    assert_false(visits_find(v, b, 1000 + VISIT_IDLE, h));
    assert_false(visits_find(v, a, 1600 + 2 * VISIT_IDLE, h));
    /* then the link gets another */
    assert_true(visits_open(v, "hash-a", 1600 + 2 * VISIT_IDLE, c));
    assert_string_not_equal(a, c);
    /* used again and again, a visit still ends VISIT_LIFE after it began */
    long born = 1600 + 2 * VISIT_IDLE, t = born;
    while (t + VISIT_IDLE / 2 < born + VISIT_LIFE) {
        t += VISIT_IDLE / 2;
        assert_true(visits_find(v, c, t, h));
    }
    assert_true(visits_find(v, c, born + VISIT_LIFE - 1, h));
    assert_false(visits_find(v, c, born + VISIT_LIFE, h));
    /* an ID one byte off, at its start or at its end, is not the visit */
    assert_true(visits_open(v, "hash-a", born + VISIT_LIFE, c));
    char off[VISIT_ID_LEN + 1];
    memcpy(off, c, sizeof off);
    off[0] = off[0] == 'A' ? 'B' : 'A';
    assert_false(visits_find(v, off, born + VISIT_LIFE, h));
    memcpy(off, c, sizeof off);
    off[VISIT_ID_LEN - 1] = off[VISIT_ID_LEN - 1] == 'A' ? 'B' : 'A';
    assert_false(visits_find(v, off, born + VISIT_LIFE, h));
    assert_true(visits_find(v, c, born + VISIT_LIFE, h));
    long later = born + VISIT_LIFE + 1;
    /* a full table makes room by the visit used least recently */
    for (int i = 0; i < VISIT_SLOTS; i++) {
        char hash[32];
        snprintf(hash, sizeof hash, "more-%d", i);
        assert_true(visits_open(v, hash, later + i / 2, b));
    }
    long then = later + VISIT_SLOTS / 2;
    assert_true(visits_find(v, b, then, h));
    assert_string_equal(h, "more-4095");
    assert_false(visits_find(v, c, then, h));
    free(v);
}

static void test_base_url(void **state)
{
    (void)state;
    static const struct {
        const char *given, *want;   /* want NULL: refused */
    } cases[] = {
        { NULL, SERVE_DEFAULT_BASE },
        { "https://attune.clinic.lan", "https://attune.clinic.lan" },
        { "https://attune.clinic.lan:8443/", "https://attune.clinic.lan:8443" },
        { "http://[::1]:8080//", "http://[::1]:8080" },
        { "http://host/attune", NULL },          /* a path: the pages are at the root */
        { "https://host:8443/attune/", NULL },
        { "http://host/s", NULL },
        { "http://host/?x", NULL },
        { "http://host#top", NULL },
        { "http://", NULL },
        { "http:///x", NULL },
        { "ftp://host", NULL },
        { "http://ho st", NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = (char *)"unset", why[256] = "";
        int ok = serve_base_url(cases[i].given, &out, why, sizeof why);
        if (cases[i].want) {
            assert_true(ok);
            assert_string_equal(out, cases[i].want);
        } else {
            assert_false(ok);
            assert_null(out);
            assert_non_null(strstr(why, "'--base-url'"));
        }
        free(out);
    }
    char *out = NULL, why[256];
    assert_false(serve_base_url("http://host/attune", &out, why, sizeof why));
    assert_non_null(strstr(why, "without a path"));
}

static void test_form_fields(void **state)
{
    (void)state;
    serve_form *f = calloc(1, sizeof *f);
    /* a long value comes in pieces, appended */
    assert_true(serve_form_add(f, "comment", "ab", 0, 2));
    assert_true(serve_form_add(f, "comment", "cd", 2, 2));
    assert_true(serve_form_add(f, "bond_1", "3", 0, 1));
    assert_true(serve_form_add(f, NULL, "x", 0, 1));
    assert_int_equal(f->n, 2);
    assert_string_equal(f->fields[0].value, "abcd");
    assert_string_equal(f->fields[1].value, "3");
    /* a NUL byte (%00) in a value, first piece or later: refused, not cut */
    assert_false(serve_form_add(f, "bond_2", "3\0junk", 0, 6));
    assert_true(f->nul);
    assert_int_equal(f->n, 2);
    serve_form_release(f);
    assert_false(f->nul);
    assert_true(serve_form_add(f, "comment", "ab", 0, 2));
    assert_false(serve_form_add(f, "comment", "c\0", 2, 2));
    assert_true(f->nul);
    serve_form_release(f);
    /* more than SERVE_MAX_FIELDS */
    for (int i = 0; i < SERVE_MAX_FIELDS; i++)
        assert_true(serve_form_add(f, "x", "1", 0, 1));
    assert_false(serve_form_add(f, "y", "1", 0, 1));
    assert_true(f->too_many);
    assert_false(f->nul);
    serve_form_release(f);
    free(f);
}

static void test_log_clean(void **state)
{
    (void)state;
    static const struct { const char *in, *want; } cases[] = {
        /* the library names the request it could not answer by its path */
        { "Failed to send the response headers for the request for "
          "`/s/Vb3k9yTqP0wZ2mXcR7uN4sLa1eJ8dHfG'. Error: reset\n",
          "Failed to send the response headers for the request for `/s/\xe2\x80\xa6'. "
          "Error: reset\n" },
        { "Failed to send data in request for /s/abc_-XYZ.\n",
          "Failed to send data in request for /s/\xe2\x80\xa6\n" },
        /* and a visit's by its ID */
        { "Failed to send data in request for `/c/Vb3k9yTqP0wZ2mXcR7uN4sLa1eJ8dHfG'.\n",
          "Failed to send data in request for `/c/\xe2\x80\xa6'.\n" },
        /* an escape or a line break in a visitor's address is not passed on */
        { "request for `/\x1b]0;title\x07\r\nx'\n", "request for `/?]0;title???x'\n" },
        { "`/caf\xc3\xa9 ok", "`/caf?? ok" },
        { "no request here\n", "no request here\n" },
        { "", "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sbuf out = SBUF_INIT;
        sbuf_adds(&out, "x: ");
        serve_log_clean(&out, cases[i].in);
        assert_string_equal(sbuf_str(&out) + 3, cases[i].want);
        sbuf_release(&out);
    }
}

static void test_log_method(void **state)
{
    (void)state;
    static const struct { const char *in, *want; } cases[] = {
        { "GET", "GET" }, { "HEAD", "HEAD" }, { "POST", "POST" }, { "DELETE", "DELETE" },
        { "OPTIONS", "OPTIONS" }, { "CONNECT", "CONNECT" },
        /* anything else, however like a method, is "other" */
        { "get", "other" }, { "GET\x1b[31m", "other" }, { "BREW\x1b[2J", "other" },
        { "POSTS", "other" }, { "PROPFIND", "other" }, { "", "other" }, { NULL, "other" },
        { "Vb3k9yTqP0wZ2mXcR7uN4sLa1eJ8dHfG", "other" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(serve_log_method(cases[i].in), cases[i].want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_shape), cmocka_unit_test(test_randomness),
        cmocka_unit_test(test_token_ok), cmocka_unit_test(test_code_hash),
        cmocka_unit_test(test_duration), cmocka_unit_test(test_time_iso),
        cmocka_unit_test(test_ratelimit), cmocka_unit_test(test_ratelimit_key),
        cmocka_unit_test(test_visits),
        cmocka_unit_test(test_base_url),
        cmocka_unit_test(test_form_fields), cmocka_unit_test(test_log_clean),
        cmocka_unit_test(test_log_method),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
