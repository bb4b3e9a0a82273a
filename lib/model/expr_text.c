/* expr_text.c: REDCap's text functions: contains, not_contain,
 * starts_with, ends_with, left, right, mid, length, find, replace_text,
 * upper, lower, trim, concat and concat_ws.
 *
 * Blank rules, as REDCap applies them: the tests are always 0 or 1 (blank
 * text contains nothing and is in nothing); the functions read a blank as
 * empty text and give blank for an empty result; a count (left's n, mid's
 * start) that is not a number gives blank.  Text is counted in characters
 * (UTF-8), not bytes.  contains, not_contain, starts_with, ends_with and
 * find ignore the case of ASCII letters, as REDCap's do; replace_text is
 * exact; upper and lower change ASCII letters only. */
#include "expr_impl.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Text of n bytes copied into the scratch; blank when empty. */
xval expr_text_n(const char *s, size_t n)
{
    if (n == 0)
        return xv_blank();
    char *t = expr_scratch(n + 1);
    memcpy(t, s, n);
    t[n] = '\0';
    xval v = { XV_STR, 0.0, t };
    return v;
}

/* The text a value stands for: "" for blank, a number as REDCap writes it
 * (into the scratch). */
const char *expr_text_of(xval v)
{
    if (v.kind == XV_STR)
        return v.str;
    if (v.kind == XV_BLANK)
        return "";
    char buf[64];
    xval_format(v, buf);
    size_t n = strlen(buf);
    char *t = expr_scratch(n + 1);
    memcpy(t, buf, n + 1);
    return t;
}

/* A whole number argument (counts and positions), 0 when it is not one. */
static int whole_arg(xval v, long *out)
{
    double x;
    if (!xval_number(v, &x) || !isfinite(x) || fabs(x) > 1e9)
        return 0;
    *out = (long)trunc(x);
    return 1;
}

/* ---- text ---------------------------------------------------------------- */

/* Bytes taken by the first n characters of s (all of it when shorter). */
static size_t char_bytes(const char *s, long n)
{
    size_t i = 0;
    while (s[i] && n > 0) {
        i++;
        while ((s[i] & 0xC0) == 0x80)
            i++;
        n--;
    }
    return i;
}

static long char_count(const char *s)
{
    long n = 0;
    for (; *s; s++)
        if ((*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* Where needle first occurs in hay, ASCII case ignored; NULL when nowhere. */
static const char *find_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (strncasecmp(p, needle, n) == 0)
            return p;
    return n == 0 ? hay : NULL;
}

/* The tests of one text against another: contains, not_contain,
 * starts_with, ends_with.  An empty needle never matches (REDCap's blank
 * contains nothing and is in nothing). */
static xval text_test(fnid fn, xval a, xval b)
{
    const char *hay = expr_text_of(a), *needle = expr_text_of(b);
    size_t nh = strlen(hay), nn = strlen(needle);
    int hit;
    if (nn == 0 || nn > nh)
        hit = 0;
    else if (fn == F_STARTS_WITH)
        hit = strncasecmp(hay, needle, nn) == 0;
    else if (fn == F_ENDS_WITH)
        hit = strncasecmp(hay + nh - nn, needle, nn) == 0;
    else
        hit = find_nocase(hay, needle) != NULL;
    return xv_truth(fn == F_NOT_CONTAIN ? !hit : hit);
}

/* left(text, n), right(text, n), mid(text, start, n): characters counted
 * from 1; a negative count takes nothing. */
static xval text_cut(fnid fn, const xval *args)
{
    const char *s = expr_text_of(args[0]);
    long n, start = 1;
    if (fn == F_MID && !whole_arg(args[1], &start))
        return xv_blank();
    if (!whole_arg(args[fn == F_MID ? 2 : 1], &n))
        return xv_blank();
    if (n <= 0)
        return xv_blank();
    if (fn == F_RIGHT) {
        long len = char_count(s);
        start = len - n + 1 > 1 ? len - n + 1 : 1;
    }
    if (start < 1) {           /* mid from before the text: the part that overlaps it */
        n += start - 1;
        start = 1;
        if (n <= 0)
            return xv_blank();
    }
    size_t from = char_bytes(s, start - 1);
    return expr_text_n(s + from, char_bytes(s + from, n));
}

static xval find_text(xval needle, xval hay)
{
    const char *h = expr_text_of(hay), *n = expr_text_of(needle);
    if (!*n)
        return xv_number(0.0);
    const char *at = find_nocase(h, n);
    if (!at)
        return xv_number(0.0);
    long pos = 1;
    for (const char *p = h; p < at; p++)
        if ((*p & 0xC0) != 0x80)
            pos++;
    return xv_number((double)pos);
}

static xval replace_text(const xval *args)
{
    const char *s = expr_text_of(args[0]), *from = expr_text_of(args[1]), *to = expr_text_of(args[2]);
    size_t nf = strlen(from), nt = strlen(to), count = 0;
    if (nf == 0)
        return expr_text_n(s, strlen(s));
    for (const char *p = strstr(s, from); p; p = strstr(p + nf, from))
        count++;
    size_t len = strlen(s) + count * nt - count * nf;
    char *out = expr_scratch(len + 1), *o = out;
    for (const char *p = s;;) {
        const char *hit = strstr(p, from);
        if (!hit) {
            strcpy(o, p);
            break;
        }
        memcpy(o, p, (size_t)(hit - p));
        o += hit - p;
        memcpy(o, to, nt);
        o += nt;
        p = hit + nf;
    }
    return expr_text_n(out, len);
}

static xval change_case(fnid fn, xval v)
{
    const char *s = expr_text_of(v);
    size_t n = strlen(s);
    char *t = expr_scratch(n + 1);
    for (size_t i = 0; i <= n; i++) {
        unsigned char c = (unsigned char)s[i];
        t[i] = (char)(c >= 0x80 ? c : fn == F_UPPER ? toupper(c) : tolower(c));
    }
    return expr_text_n(t, n);
}

static xval trim_text(xval v)
{
    const char *s = expr_text_of(v);
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return expr_text_n(s, n);
}

/* concat(a, b, ...) joins its arguments; concat_ws(sep, a, b, ...) puts sep
 * between the ones that are not blank. */
static xval concat(fnid fn, const xval *args, size_t n)
{
    size_t first = fn == F_CONCAT_WS ? 1 : 0, len = 0;
    const char *sep = fn == F_CONCAT_WS ? expr_text_of(args[0]) : "";
    const char **parts = expr_scratch(n * sizeof *parts);
    size_t np = 0;
    for (size_t i = first; i < n; i++) {
        if (args[i].kind == XV_BLANK)
            continue;
        parts[np] = expr_text_of(args[i]);
        len += strlen(parts[np]) + (np ? strlen(sep) : 0);
        np++;
    }
    char *out = expr_scratch(len + 1), *o = out;
    for (size_t i = 0; i < np; i++) {
        if (i) {
            strcpy(o, sep);
            o += strlen(sep);
        }
        strcpy(o, parts[i]);
        o += strlen(parts[i]);
    }
    return expr_text_n(out, len);
}

xval expr_apply_text(fnid fn, const xval *args, size_t n)
{
    switch (fn) {
    case F_CONTAINS:
    case F_NOT_CONTAIN:
    case F_STARTS_WITH:
    case F_ENDS_WITH:
        return text_test(fn, args[0], args[1]);
    case F_LEFT:
    case F_RIGHT:
    case F_MID:
        return text_cut(fn, args);
    case F_LENGTH:
        return xv_number((double)char_count(expr_text_of(args[0])));
    case F_FIND:
        return find_text(args[0], args[1]);
    case F_REPLACE_TEXT:
        return replace_text(args);
    case F_UPPER:
    case F_LOWER:
        return change_case(fn, args[0]);
    case F_TRIM:
        return trim_text(args[0]);
    case F_CONCAT:
    case F_CONCAT_WS:
        return concat(fn, args, n);
    default:
        return xv_blank();
    }
}
