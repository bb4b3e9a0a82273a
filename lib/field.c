/* field.c: checking and normalising one answer against its field, with
 * REDCap's text validations. */
#include "dict_impl.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    field_valid v;
} valid_names[] = {
    { "integer", FV_INTEGER },
    { "number", FV_NUMBER },
    { "number_1dp", FV_NUMBER_1DP },
    { "number_2dp", FV_NUMBER_2DP },
    { "number_3dp", FV_NUMBER_3DP },
    { "number_4dp", FV_NUMBER_4DP },
    { "number_comma_decimal", FV_NUMBER_COMMA },
    { "number_1dp_comma_decimal", FV_NUMBER_1DP_COMMA },
    { "number_2dp_comma_decimal", FV_NUMBER_2DP_COMMA },
    { "number_3dp_comma_decimal", FV_NUMBER_3DP_COMMA },
    { "number_4dp_comma_decimal", FV_NUMBER_4DP_COMMA },
    { "date_ymd", FV_DATE_YMD },
    { "date_mdy", FV_DATE_MDY },
    { "date_dmy", FV_DATE_DMY },
    { "datetime_ymd", FV_DATETIME_YMD },
    { "datetime_mdy", FV_DATETIME_MDY },
    { "datetime_dmy", FV_DATETIME_DMY },
    { "datetime_seconds_ymd", FV_DATETIME_SECONDS_YMD },
    { "datetime_seconds_mdy", FV_DATETIME_SECONDS_MDY },
    { "datetime_seconds_dmy", FV_DATETIME_SECONDS_DMY },
    { "time", FV_TIME },
    { "time_mm_ss", FV_TIME_MM_SS },
    { "email", FV_EMAIL },
    { "alpha_only", FV_ALPHA_ONLY },
    { "phone", FV_PHONE },
    { "zipcode", FV_ZIPCODE },
    /* names older REDCap versions wrote */
    { "int", FV_INTEGER },
    { "float", FV_NUMBER },
    { "date", FV_DATE_YMD },
    { "datetime", FV_DATETIME_YMD },
    { "datetime_seconds", FV_DATETIME_SECONDS_YMD },
};

int field_valid_lookup(const char *name, field_valid *out)
{
    for (size_t i = 0; i < sizeof valid_names / sizeof valid_names[0]; i++) {
        if (strcasecmp(name, valid_names[i].name) == 0) {
            *out = valid_names[i].v;
            return 1;
        }
    }
    return 0;
}

int field_valid_ordered(field_valid v)
{
    return v >= FV_INTEGER && v <= FV_TIME_MM_SS;
}

static int is_date(field_valid v)
{
    return v >= FV_DATE_YMD && v <= FV_DATE_DMY;
}

static int is_datetime(field_valid v)
{
    return v >= FV_DATETIME_YMD && v <= FV_DATETIME_SECONDS_DMY;
}

static void say(char *why, size_t whysz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(char *why, size_t whysz, const char *fmt, ...)
{
    if (!why || !whysz)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whysz, fmt, ap);
    va_end(ap);
}

/* Counts the digits at s. */
static size_t ndigits(const char *s)
{
    size_t n = 0;
    while (isdigit((unsigned char)s[n]))
        n++;
    return n;
}

/* REDCap's number shapes.  dp < 0: a general number (sign, optional point,
 * optional exponent); dp == 0: an integer; dp > 0: exactly dp decimals after
 * the point, an optional minus and nothing else. */
static int number_shape(const char *s, char point, int dp)
{
    const char *p = s;
    if (*p == '-' || (*p == '+' && dp <= 0))
        p++;
    size_t a = ndigits(p);
    p += a;
    if (dp == 0)
        return a > 0 && *p == '\0';
    if (dp > 0) {
        if (a == 0 || *p != point)
            return 0;
        p++;
        size_t b = ndigits(p);
        return b == (size_t)dp && p[b] == '\0';
    }
    if (*p == point) {
        p++;
        size_t b = ndigits(p);
        if (b == 0)
            return 0;
        p += b;
    } else if (a == 0) {
        return 0;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        size_t e = ndigits(p);
        if (e == 0)
            return 0;
        p += e;
    }
    return *p == '\0';
}

/* The numeric value of a number written with point or comma. */
static int number_value(const char *s, double *out)
{
    char buf[128];
    size_t n = strlen(s);
    if (n >= sizeof buf)
        return 0;
    for (size_t i = 0; i <= n; i++)
        buf[i] = s[i] == ',' ? '.' : s[i];
    return parse_double(buf, out);
}

/* Reads 1 or 2 digits (or exactly `exact` digits when non-zero) at *p. */
static int read_num(const char **p, int exact, int *out)
{
    size_t n = ndigits(*p);
    if (n == 0 || (exact && n != (size_t)exact) || (!exact && n > 2))
        return 0;
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + ((*p)[i] - '0');
    *p += n;
    *out = v;
    return 1;
}

/* Parses a date in Y-M-D or the order the validation names, '-' or '/'
 * between the parts.  Stores the ISO text and the day number.  Returns 1 ok,
 * 0 when it is not shaped like a date, -1 when the day does not exist. */
static int parse_date(field_valid order, const char **pp, char iso[11], long *days)
{
    const char *p = *pp;
    int y, m, d;
    if (ndigits(p) == 4) {
        if (!read_num(&p, 4, &y) || (*p != '-' && *p != '/'))
            return 0;
        char sep = *p++;
        if (!read_num(&p, 0, &m) || *p++ != sep || !read_num(&p, 0, &d))
            return 0;
    } else {
        int a, b;
        if (order == FV_DATE_YMD || order == FV_DATETIME_YMD || order == FV_DATETIME_SECONDS_YMD)
            return 0;
        if (!read_num(&p, 0, &a) || (*p != '-' && *p != '/'))
            return 0;
        char sep = *p++;
        if (!read_num(&p, 0, &b) || *p++ != sep || !read_num(&p, 4, &y))
            return 0;
        int mdy = order == FV_DATE_MDY || order == FV_DATETIME_MDY || order == FV_DATETIME_SECONDS_MDY;
        m = mdy ? a : b;
        d = mdy ? b : a;
    }
    snprintf(iso, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
    *pp = p;
    if (!valid_iso_date(iso))
        return -1;
    *days = iso_date_days(iso);
    return 1;
}

/* Parses H:MM or HH:MM (hours 0-23), or MM:SS, or HH:MM:SS. */
static int parse_clock(const char **pp, int parts, int loose_hour, int *secs, char *out, size_t outsz)
{
    const char *p = *pp;
    int v[3] = { 0, 0, 0 };
    if (!read_num(&p, loose_hour ? 0 : 2, &v[0]))
        return 0;
    for (int i = 1; i < parts; i++)
        if (*p++ != ':' || !read_num(&p, 2, &v[i]) || v[i] > 59)
            return 0;
    if (parts == 2 && !loose_hour) {          /* MM:SS */
        if (v[0] > 59)
            return 0;
        *secs = v[0] * 60 + v[1];
        snprintf(out, outsz, "%02d:%02d", v[0], v[1]);
    } else {
        if (v[0] > 23)
            return 0;
        *secs = v[0] * 3600 + v[1] * 60 + v[2];
        if (parts == 3)
            snprintf(out, outsz, "%02d:%02d:%02d", v[0], v[1], v[2]);
        else
            snprintf(out, outsz, "%02d:%02d", v[0], v[1]);
    }
    *pp = p;
    return 1;
}

static const char *date_form(field_valid v)
{
    switch (v) {
    case FV_DATE_MDY: case FV_DATETIME_MDY: case FV_DATETIME_SECONDS_MDY: return "MM-DD-YYYY";
    case FV_DATE_DMY: case FV_DATETIME_DMY: case FV_DATETIME_SECONDS_DMY: return "DD-MM-YYYY";
    default: return "YYYY-MM-DD";
    }
}

/* Parses an ordered value (number, date, datetime, time) for validation v:
 * its sort key into *key and its stored form into norm.  Returns 0 with a
 * reason when it does not fit. */
static int parse_ordered(field_valid v, const char *s, double *key, char *norm, size_t normsz,
                         char *why, size_t whysz)
{
    int dp;
    char point = '.';
    switch (v) {
    case FV_INTEGER: {
        long x;
        if (!number_shape(s, '.', 0) || !parse_long(s, &x)) {
            say(why, whysz, "'%s' is not an integer", s);
            return 0;
        }
        *key = (double)x;
        snprintf(norm, normsz, "%ld", x);
        return 1;
    }
    case FV_NUMBER: dp = -1; break;
    case FV_NUMBER_1DP: case FV_NUMBER_2DP: case FV_NUMBER_3DP: case FV_NUMBER_4DP:
        dp = 1 + (int)(v - FV_NUMBER_1DP);
        break;
    case FV_NUMBER_COMMA: dp = -1; point = ','; break;
    case FV_NUMBER_1DP_COMMA: case FV_NUMBER_2DP_COMMA:
    case FV_NUMBER_3DP_COMMA: case FV_NUMBER_4DP_COMMA:
        dp = 1 + (int)(v - FV_NUMBER_1DP_COMMA);
        point = ',';
        break;
    case FV_TIME:
    case FV_TIME_MM_SS: {
        const char *p = s;
        int secs;
        if (!parse_clock(&p, 2, v == FV_TIME, &secs, norm, normsz) || *p) {
            say(why, whysz, "'%s' is not a time (%s)", s, v == FV_TIME ? "HH:MM" : "MM:SS");
            return 0;
        }
        *key = secs;
        return 1;
    }
    default: {   /* dates and datetimes */
        const char *p = s;
        char iso[11], hm[16] = "";
        long days = 0;
        int secs = 0;
        int seconds = v >= FV_DATETIME_SECONDS_YMD && v <= FV_DATETIME_SECONDS_DMY;
        int r = parse_date(v, &p, iso, &days);
        int shaped = r != 0;
        if (shaped && is_datetime(v)) {
            if (*p == ' ' || *p == 'T') {
                p++;
                shaped = parse_clock(&p, seconds ? 3 : 2, 1, &secs, hm, sizeof hm);
            } else {
                shaped = 0;
            }
        }
        if (!shaped || *p) {
            say(why, whysz, "'%s' is not a %s (%s%s)", s, is_date(v) ? "date" : "date and time",
                date_form(v), is_date(v) ? "" : seconds ? " HH:MM:SS" : " HH:MM");
            return 0;
        }
        if (r < 0) {
            say(why, whysz, "%s is not a date", iso);
            return 0;
        }
        if (is_date(v)) {
            snprintf(norm, normsz, "%s", iso);
            *key = (double)days;
        } else {
            snprintf(norm, normsz, "%s %s", iso, hm);
            *key = (double)days * 86400.0 + secs;
        }
        return 1;
    }
    }
    if (!number_shape(s, point, dp) || !number_value(s, key)) {
        if (dp < 0 && point == '.')
            say(why, whysz, "'%s' is not a number", s);
        else if (dp < 0)
            say(why, whysz, "'%s' is not a number with a decimal comma", s);
        else
            say(why, whysz, "'%s' is not a number with %d decimal place%s%s", s, dp,
                dp == 1 ? "" : "s", point == ',' ? " after a comma" : "");
        return 0;
    }
    snprintf(norm, normsz, "%s", s);
    return 1;
}

int field_bound(field_valid v, const char *cell, double *out, char *why, size_t whysz)
{
    char norm[64];
    if ((is_date(v) || is_datetime(v)) && (strcasecmp(cell, "today") == 0 || strcasecmp(cell, "now") == 0)) {
        char today[11];
        today_iso(today);
        *out = (double)iso_date_days(today);
        if (is_datetime(v) && strcasecmp(cell, "now") == 0) {
            char now[21];
            now_iso(now);
            *out = (double)iso_date_days(now) * 86400.0 +
                   ((now[11] - '0') * 10 + (now[12] - '0')) * 3600.0 +
                   ((now[14] - '0') * 10 + (now[15] - '0')) * 60.0 +
                   (now[17] - '0') * 10 + (now[18] - '0');
        } else if (is_datetime(v)) {
            *out *= 86400.0;
        }
        return 1;
    }
    if (v >= FV_NUMBER && v <= FV_NUMBER_4DP_COMMA) {
        /* bounds of number fields need not have the answers' decimals */
        if (number_shape(cell, '.', -1) || number_shape(cell, ',', -1))
            if (number_value(cell, out))
                return 1;
        say(why, whysz, "'%s' is not a number", cell);
        return 0;
    }
    if (is_datetime(v)) {
        /* a datetime bound may be a bare date */
        field_valid dv = FV_DATE_YMD;
        if (v == FV_DATETIME_MDY || v == FV_DATETIME_SECONDS_MDY)
            dv = FV_DATE_MDY;
        else if (v == FV_DATETIME_DMY || v == FV_DATETIME_SECONDS_DMY)
            dv = FV_DATE_DMY;
        if (parse_ordered(dv, cell, out, norm, sizeof norm, NULL, 0)) {
            *out *= 86400.0;
            return 1;
        }
    }
    return parse_ordered(v, cell, out, norm, sizeof norm, why, whysz);
}

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
    size_t n = ndigits(s);
    if (n != 5)
        return 0;
    if (s[5] == '\0')
        return 1;
    return s[5] == '-' && ndigits(s + 6) == 4 && s[10] == '\0';
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
        say(why, whysz, "is %s, allowed %s", shown, r);
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
            say(why, whysz, "'%s' is not an email address", s);
            return 0;
        }
        break;
    case FV_ALPHA_ONLY:
        for (const char *p = s; *p; p++) {
            if (!isalpha((unsigned char)*p)) {
                say(why, whysz, "'%s' has characters other than letters", s);
                return 0;
            }
        }
        break;
    case FV_PHONE:
        if (!normal_phone(s, norm)) {
            say(why, whysz, "'%s' is not a 10-digit North American phone number", s);
            return 0;
        }
        *out = xstrdup(norm);
        return 1;
    case FV_ZIPCODE:
        if (!valid_zip(s)) {
            say(why, whysz, "'%s' is not a US zip code (12345 or 12345-6789)", s);
            return 0;
        }
        break;
    default:
        if (!parse_ordered(f->valid, s, &key, norm, sizeof norm, why, whysz))
            return 0;
        if (!in_range(f, key, norm, why, whysz))
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
    char *s = xstrndup(value, n);
    int ok = 1;
    switch (f->type) {
    case FT_CHECKBOX:
        if (strcmp(s, "0") != 0 && strcmp(s, "1") != 0) {
            say(why, whysz, "'%s' is not 0 or 1", s);
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
            say(why, whysz, "'%s' is not one of %s", s, list);
            ok = 0;
        } else if (strcmp(code, s) != 0) {
            free(s);
            s = xstrdup(code);
        }
        break;
    }
    case FT_SLIDER: {
        long x;
        if (!number_shape(s, '.', 0) || !parse_long(s, &x)) {
            say(why, whysz, "'%s' is not a whole number", s);
            ok = 0;
            break;
        }
        char norm[32];
        snprintf(norm, sizeof norm, "%ld", x);
        if (!in_range(f, (double)x, norm, why, whysz)) {
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
