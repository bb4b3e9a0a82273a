/* field.c: checking and normalising one answer against its field. */
#include "dict_impl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int valid_email(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@'))
        return 0;
    /* local part: runs of [A-Za-z0-9_'-] joined by single '.' or '+' */
    int run = 0;
    for (const char *p = s; p < at; p++) {
        if (isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '\'')
            run++;
        else if ((*p == '.' || *p == '+') && run)
            run = 0;
        else
            return 0;
    }
    if (!run)
        return 0;
    /* domain: two or more labels of [A-Za-z0-9-], the last 2-63 letters */
    int labels = 0;
    const char *p = at + 1;
    for (;;) {
        const char *q = p;
        int letters = 1;
        while (isalnum((unsigned char)*q) || *q == '-') {
            if (!isalpha((unsigned char)*q))
                letters = 0;
            q++;
        }
        if (q == p)
            return 0;
        labels++;
        if (*q == '\0')
            return labels >= 2 && letters && q - p >= 2 && q - p <= 63;
        if (*q != '.')
            return 0;
        p = q + 1;
    }
}

/* North American numbers as REDCap takes them: (NXX) NXX-XXXX with spaces,
 * dots or dashes, area code and exchange starting 2-9 and not N11. */
static int normal_phone(const char *s, char out[16])
{
    char d[10];
    int n = 0;
    const char *p = s;
    int paren = *p == '(';
    if (paren)
        p++;
    for (int group = 0; group < 3; group++) {
        int want = group == 2 ? 4 : 3;
        for (int i = 0; i < want; i++) {
            if (!isdigit((unsigned char)*p))
                return 0;
            d[n++] = *p++;
        }
        if (group == 0 && paren && *p++ != ')')
            return 0;
        if (group < 2) {
            while (*p == ' ')
                p++;
            if (*p == '-' || *p == '.')
                p++;
            while (*p == ' ')
                p++;
        }
    }
    if (*p)
        return 0;
    if (d[0] < '2' || d[3] < '2')
        return 0;
    if ((d[1] == '1' && d[2] == '1') || (d[1] == '0' && d[2] == '0') || (d[4] == '1' && d[5] == '1'))
        return 0;
    snprintf(out, 16, "(%.3s) %.3s-%.4s", d, d + 3, d + 6);
    return 1;
}

static int valid_zip(const char *s)
{
    size_t n = field_ndigits(s);
    if (n != 5)
        return 0;
    if (s[5] == '\0')
        return 1;
    return s[5] == '-' && field_ndigits(s + 6) == 4 && s[10] == '\0';
}

/* "1-5", "-2 to 2", "1 or more", "5 or less" (dates: "or later"/"or earlier"). */
static void range_text(const field *f, char *buf, size_t bufsz)
{
    char a[64], b[64];
    const char *mn = f->cols[DC_MIN], *mx = f->cols[DC_MAX];
    if (f->type == FT_SLIDER || !*mn)
        mn = fmt_num(f->min, a);
    if (f->type == FT_SLIDER || !*mx)
        mx = fmt_num(f->max, b);
    int numeric = f->type == FT_SLIDER || (f->valid >= FV_INTEGER && f->valid <= FV_NUMBER_4DP_COMMA);
    if (f->has_min && f->has_max) {
        if (numeric && f->min >= 0)
            snprintf(buf, bufsz, "%s-%s", mn, mx);
        else
            snprintf(buf, bufsz, "%s to %s", mn, mx);
    } else if (f->has_min) {
        snprintf(buf, bufsz, "%s or %s", mn, numeric ? "more" : "later");
    } else {
        snprintf(buf, bufsz, "%s or %s", mx, numeric ? "less" : "earlier");
    }
}

static int in_range(const field *f, double key, const char *shown, char *why, size_t whysz)
{
    if ((f->has_min && key < f->min) || (f->has_max && key > f->max)) {
        char r[160];
        range_text(f, r, sizeof r);
        field_why(why, whysz, "is %s, allowed %s", shown, r);
        return 0;
    }
    return 1;
}

static int check_text(const field *f, const char *s, char **out, char *why, size_t whysz)
{
    char norm[128];
    double key;
    switch (f->valid) {
    case FV_NONE:
        break;
    case FV_EMAIL:
        if (!valid_email(s)) {
            field_why(why, whysz, "'%s' is not an email address", s);
            return 0;
        }
        break;
    case FV_ALPHA_ONLY:
        for (const char *p = s; *p; p++) {
            if (!isalpha((unsigned char)*p)) {
                field_why(why, whysz, "'%s' has characters other than letters", s);
                return 0;
            }
        }
        break;
    case FV_PHONE:
        if (!normal_phone(s, norm)) {
            field_why(why, whysz, "'%s' is not a 10-digit North American phone number", s);
            return 0;
        }
        *out = xstrdup(norm);
        return 1;
    case FV_ZIPCODE:
        if (!valid_zip(s)) {
            field_why(why, whysz, "'%s' is not a US zip code (12345 or 12345-6789)", s);
            return 0;
        }
        break;
    default:
        if (!field_parse_value(f->valid, s, &key, norm, sizeof norm, why, whysz))
            return 0;
        if (!in_range(f, key, s, why, whysz))   /* as typed, so it can be found */
            return 0;
        *out = xstrdup(norm);
        return 1;
    }
    *out = xstrdup(s);
    return 1;
}

static void list_codes(const field *f, char *buf, size_t bufsz)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < f->nchoices && used < bufsz; i++) {
        int n = snprintf(buf + used, bufsz - used, "%s%s", i ? ", " : "", f->choices[i].code);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

int field_normalize(const field *f, const char *value, char **out, char *why, size_t whysz)
{
    *out = NULL;
    if (why && whysz)
        why[0] = '\0';
    if (!value)
        return 1;
    while (isspace((unsigned char)*value))
        value++;
    size_t n = strlen(value);
    while (n && isspace((unsigned char)value[n - 1]))
        n--;
    if (n == 0)
        return 1;
    if (utf8_check(value, n) < n) {    /* typed in a terminal with another encoding */
        field_why(why, whysz, "is not UTF-8 text (set the terminal to UTF-8)");
        return 0;
    }
    char *s = xstrndup(value, n);
    int ok = 1;
    switch (f->type) {
    case FT_CHECKBOX:
        if (strcmp(s, "0") != 0 && strcmp(s, "1") != 0) {
            field_why(why, whysz, "'%s' is not 0 or 1", s);
            ok = 0;
        }
        break;
    case FT_RADIO:
    case FT_DROPDOWN:
    case FT_YESNO:
    case FT_TRUEFALSE: {
        const char *code = NULL;
        for (size_t i = 0; i < f->nchoices && !code; i++)
            if (strcmp(s, f->choices[i].code) == 0)
                code = f->choices[i].code;
        for (size_t i = 0; i < f->nchoices && !code; i++)
            if (strcasecmp(s, f->choices[i].code) == 0)
                code = f->choices[i].code;
        if (!code) {
            char list[512];
            list_codes(f, list, sizeof list);
            field_why(why, whysz, "'%s' is not one of %s", s, list);
            ok = 0;
        } else if (strcmp(code, s) != 0) {
            free(s);
            s = xstrdup(code);
        }
        break;
    }
    case FT_SLIDER: {
        double x;
        char norm[64];
        if (!field_parse_value(FV_INTEGER, s, &x, norm, sizeof norm, NULL, 0)) {
            field_why(why, whysz, "'%s' is not a whole number", s);
            ok = 0;
            break;
        }
        if (!in_range(f, x, norm, why, whysz)) {
            ok = 0;
            break;
        }
        free(s);
        s = xstrdup(norm);
        break;
    }
    case FT_TEXT: {
        char *t = NULL;
        ok = check_text(f, s, &t, why, whysz);
        free(s);
        s = t;
        break;
    }
    default:   /* notes, calc and descriptive take the text as it is */
        break;
    }
    if (!ok) {
        free(s);
        return 0;
    }
    *out = s;
    return 1;
}
