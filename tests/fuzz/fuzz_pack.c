/* libFuzzer harness for an administration's packed answers (store_pack.c),
 * the value every reading of a study unpacks and that anyone with sqlite3
 * can rewrite by hand.  SQLite's own JSON reader is the reference.
 *
 * The input is used twice:
 *   - as the text of a stored value (up to its first NUL byte, as a text
 *     column gives it): store_unpack must not fail on anything, and when
 *     SQLite reads the text as a JSON array of strings and nulls, the store
 *     must read it too, into the same answers (a string "" and null are
 *     both blank).  Text with an escaped U+0000 is only read: the store
 *     keeps it as U+FFFD, since an answer holds no NUL, while SQLite ends
 *     the string there;
 *   - as answers, split at each byte 0x01 (a byte 0x02 alone is a blank
 *     given as NULL): store_pack must write JSON that SQLite reads back
 *     into the same answers, with trailing blanks left out, and that
 *     store_unpack reads back alike. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

enum { MAXCOLS = 64 };

static sqlite3 *db;
static sqlite3_stmt *each;    /* the type and text of each element, in order */
static sqlite3_stmt *valid;   /* whether the text is a JSON array */

static void setup(void)
{
    if (db)
        return;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT key, type, value FROM json_each(?1) ORDER BY key", -1,
                           &each, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT json_valid(?1) AND json_type(?1) = 'array'", -1, &valid,
                           NULL) != SQLITE_OK)
        abort();
}

/* Whether SQLite reads json as an array of strings and nulls only. */
static int strings_only(const char *json)
{
    sqlite3_reset(valid);
    sqlite3_bind_text(valid, 1, json, -1, SQLITE_STATIC);
    if (sqlite3_step(valid) != SQLITE_ROW || !sqlite3_column_int(valid, 0))
        return 0;
    sqlite3_reset(each);
    sqlite3_bind_text(each, 1, json, -1, SQLITE_STATIC);
    int ok = 1, rc;
    while ((rc = sqlite3_step(each)) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(each, 1);
        if (strcmp(type, "text") != 0 && strcmp(type, "null") != 0)
            ok = 0;
    }
    return ok && rc == SQLITE_DONE;
}

/* SQLite's reading of json against the store's (vals, n of them); the
 * number of elements SQLite read is returned. */
static size_t same_as_sqlite(const char *json, const char *const *vals, size_t n)
{
    size_t seen = 0;
    sqlite3_reset(each);
    sqlite3_bind_text(each, 1, json, -1, SQLITE_STATIC);
    while (sqlite3_step(each) == SQLITE_ROW) {
        size_t k = (size_t)sqlite3_column_int64(each, 0);
        if (k != seen)
            abort();
        seen++;
        if (k >= n)
            continue;
        const char *v = (const char *)sqlite3_column_text(each, 2);
        int len = sqlite3_column_bytes(each, 2);
        if (!v || !len) {
            if (vals[k])
                abort();   /* blank in SQLite, an answer in the store */
            continue;
        }
        if (!vals[k] || strlen(v) != (size_t)len || strcmp(v, vals[k]) != 0)
            abort();
    }
    return seen;
}

static void read_stored(const uint8_t *data, size_t size)
{
    size_t len = strnlen((const char *)data, size);
    char *text = malloc(len + 1), *copy = malloc(len + 1);
    if (!text || !copy)
        abort();
    memcpy(text, data, len);
    text[len] = '\0';
    memcpy(copy, text, len + 1);
    const char *vals[MAXCOLS];
    int ok = store_unpack(copy, vals, MAXCOLS);
    for (size_t i = 0; i < MAXCOLS; i++)
        if (vals[i] && !*vals[i])
            abort();   /* a blank is NULL, never "" */
    if (!strstr(text, "\\u0000") && strings_only(text)) {
        if (!ok)
            abort();
        same_as_sqlite(text, vals, MAXCOLS);
    }
    free(copy);
    free(text);
}

static void pack_answers(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        abort();
    memcpy(buf, data, size);
    buf[size] = '\0';
    const char *vals[MAXCOLS];
    size_t n = 0;
    char *p = buf;
    for (;;) {
        char *end = memchr(p, 0x01, (size_t)(buf + size - p));
        if (end)
            *end = '\0';
        if (n < MAXCOLS)
            vals[n++] = strcmp(p, "\x02") == 0 ? NULL : p;
        if (!end)
            break;
        p = end + 1;
    }
    /* only answers without a NUL byte are answers (a C string ends there) */
    sbuf out = SBUF_INIT;
    store_pack(&out, vals, n);
    if (!strings_only(out.buf))
        abort();
    const char *norm[MAXCOLS];
    size_t last = 0;
    for (size_t i = 0; i < n; i++) {
        norm[i] = vals[i] && *vals[i] ? vals[i] : NULL;
        if (norm[i])
            last = i + 1;
    }
    if (same_as_sqlite(out.buf, norm, n) != last)
        abort();   /* trailing blanks left out, nothing else */
    const char *back[MAXCOLS];
    if (!store_unpack(out.buf, back, n))
        abort();
    for (size_t i = 0; i < n; i++)
        if ((norm[i] == NULL) != (back[i] == NULL) || (norm[i] && strcmp(norm[i], back[i]) != 0))
            abort();
    sbuf_release(&out);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    read_stored(data, size);
    pack_answers(data, size);
    return 0;
}
