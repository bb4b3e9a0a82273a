/* field_parse.c: numbers, dates, datetimes and times in the shapes REDCap's
 * text validations define, and the validation names themselves. */
#include "dict_impl.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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
    { "time_hh_mm_ss", FV_TIME_HH_MM_SS },
    { "email", FV_EMAIL },
    { "alpha_only", FV_ALPHA_ONLY },
    { "phone", FV_PHONE },
    { "zipcode", FV_ZIPCODE },
    { "mrn_10d", FV_MRN_10D },
    { "mrn_generic", FV_MRN_GENERIC },
    { "vmrn", FV_VMRN },
    { "ssn", FV_SSN },
    { "phone_australia", FV_PHONE_AUSTRALIA },
    { "postalcode_australia", FV_POSTALCODE_AUSTRALIA },
    { "postalcode_canada", FV_POSTALCODE_CANADA },
    { "postalcode_french", FV_POSTALCODE_FRENCH },
    { "postalcode_germany", FV_POSTALCODE_GERMANY },
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
    return v >= FV_INTEGER && v <= FV_TIME_HH_MM_SS;
}

static int is_date(field_valid v)
{
    return v >= FV_DATE_YMD && v <= FV_DATE_DMY;
}

static int is_datetime(field_valid v)
{
    return v >= FV_DATETIME_YMD && v <= FV_DATETIME_SECONDS_DMY;
}

void field_why(char *why, size_t whysz, const char *fmt, ...)
{
    if (!why || !whysz)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whysz, fmt, ap);
    va_end(ap);
}

size_t field_ndigits(const char *s)
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
    size_t a = field_ndigits(p);
    p += a;
    if (dp == 0)
        return a > 0 && *p == '\0';
    if (dp > 0) {
        if (a == 0 || *p != point)
            return 0;
        p++;
        size_t b = field_ndigits(p);
        return b == (size_t)dp && p[b] == '\0';
    }
    if (*p == point) {
        p++;
        size_t b = field_ndigits(p);
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
        size_t e = field_ndigits(p);
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
    return util_parse_double(buf, out);
}

/* Reads 1 or 2 digits (or exactly `exact` digits when non-zero) at *p. */
static int read_num(const char **p, int exact, int *out)
{
    size_t n = field_ndigits(*p);
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
    if (field_ndigits(p) == 4) {
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
    if (!util_valid_iso_date(iso))
        return -1;
    *days = util_iso_date_days(iso);
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

int field_parse_value(field_valid v, const char *s, double *key, char *norm, size_t normsz,
                      char *why, size_t whysz)
{
    int dp;
    char point = '.';
    switch (v) {
    case FV_INTEGER: {
        long x;
        if (!number_shape(s, '.', 0) || !util_parse_long(s, &x)) {
            field_why(why, whysz, "'%s' is not an integer", s);
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
    case FV_TIME_MM_SS:
    case FV_TIME_HH_MM_SS: {
        const char *p = s;
        int secs;
        int parts = v == FV_TIME_HH_MM_SS ? 3 : 2;
        if (!parse_clock(&p, parts, v == FV_TIME, &secs, norm, normsz) || *p) {
            field_why(why, whysz, "'%s' is not a time (%s)", s,
                      v == FV_TIME ? "HH:MM" : v == FV_TIME_MM_SS ? "MM:SS" : "HH:MM:SS");
            return 0;
        }
        *key = secs;
        return 1;
    }
    default: {   /* dates and datetimes */
        const char *p = s;
        char iso[11], hm[40] = "";
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
            field_why(why, whysz, "'%s' is not a %s (%s%s)", s, is_date(v) ? "date" : "date and time",
                date_form(v), is_date(v) ? "" : seconds ? " HH:MM:SS" : " HH:MM");
            return 0;
        }
        if (r < 0) {
            field_why(why, whysz, "'%s' is not a date", s);
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
            field_why(why, whysz, "'%s' is not a number", s);
        else if (dp < 0)
            field_why(why, whysz, "'%s' is not a number with a decimal comma", s);
        else
            field_why(why, whysz, "'%s' is not a number with %d decimal place%s%s", s, dp,
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
        /* local time, as the answers are written */
        time_t t = time(NULL);
        struct tm tm;
        char today[11];
        localtime_r(&t, &tm);
        strftime(today, sizeof today, "%Y-%m-%d", &tm);
        *out = (double)util_iso_date_days(today);
        if (is_datetime(v))
            *out *= 86400.0;
        if (is_datetime(v) && strcasecmp(cell, "now") == 0)
            *out += tm.tm_hour * 3600.0 + tm.tm_min * 60.0 + tm.tm_sec;
        return 1;
    }
    if (v >= FV_NUMBER && v <= FV_NUMBER_4DP_COMMA) {
        /* bounds of number fields need not have the answers' decimals */
        if (number_shape(cell, '.', -1) || number_shape(cell, ',', -1))
            if (number_value(cell, out))
                return 1;
        field_why(why, whysz, "'%s' is not a number", cell);
        return 0;
    }
    if (is_datetime(v)) {
        /* a datetime bound may be a bare date */
        field_valid dv = FV_DATE_YMD;
        if (v == FV_DATETIME_MDY || v == FV_DATETIME_SECONDS_MDY)
            dv = FV_DATE_MDY;
        else if (v == FV_DATETIME_DMY || v == FV_DATETIME_SECONDS_DMY)
            dv = FV_DATE_DMY;
        if (field_parse_value(dv, cell, out, norm, sizeof norm, NULL, 0)) {
            *out *= 86400.0;
            return 1;
        }
    }
    return field_parse_value(v, cell, out, norm, sizeof norm, why, whysz);
}
