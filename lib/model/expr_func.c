/* expr_func.c: the table of REDCap's special functions the parser knows,
 * and those that take their arguments all at once (everything from median
 * on; expr_eval.c walks the others): the statistics, logarithms, type tests
 * and date arithmetic here, the text functions in expr_text.c; and the
 * scratch memory their results live in.
 *
 * Blank rules, as REDCap applies them:
 * - median and stdev skip blanks and text, like sum; median is blank without
 *   a number, stdev (the sample standard deviation, n - 1) with fewer than
 *   two;
 * - a number function (log, exponential, year, month, day, datediff) with a
 *   blank or unusable argument is blank;
 * - the tests (isnumber, isinteger, isblankormissingcode) are always 0 or 1:
 *   blank is not a number. */
#include "expr_impl.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* ---- the functions the parser knows, with their numbers of arguments ---- */

const struct expr_func expr_funcs[] = {
    { "if", F_IF, 3, 3 },
    { "sum", F_SUM, 1, -1 },
    { "mean", F_MEAN, 1, -1 },
    { "min", F_MIN, 1, -1 },
    { "max", F_MAX, 1, -1 },
    { "abs", F_ABS, 1, 1 },
    { "round", F_ROUND, 1, 2 },
    { "roundup", F_ROUNDUP, 1, 2 },
    { "rounddown", F_ROUNDDOWN, 1, 2 },
    { "sqrt", F_SQRT, 1, 1 },
    { "median", F_MEDIAN, 1, -1 },
    { "stdev", F_STDEV, 1, -1 },
    { "log", F_LOG, 1, 2 },
    { "exponential", F_EXPONENTIAL, 1, 1 },
    { "isnumber", F_ISNUMBER, 1, 1 },
    { "isinteger", F_ISINTEGER, 1, 1 },
    { "isblankormissingcode", F_ISBLANK, 1, 1 },
    { "datediff", F_DATEDIFF, 3, 5 },
    { "year", F_YEAR, 1, 1 },
    { "month", F_MONTH, 1, 1 },
    { "day", F_DAY, 1, 1 },
    { "contains", F_CONTAINS, 2, 2 },
    { "not_contain", F_NOT_CONTAIN, 2, 2 },
    { "starts_with", F_STARTS_WITH, 2, 2 },
    { "ends_with", F_ENDS_WITH, 2, 2 },
    { "left", F_LEFT, 2, 2 },
    { "right", F_RIGHT, 2, 2 },
    { "mid", F_MID, 3, 3 },
    { "length", F_LENGTH, 1, 1 },
    { "find", F_FIND, 2, 2 },
    { "replace_text", F_REPLACE_TEXT, 3, 3 },
    { "upper", F_UPPER, 1, 1 },
    { "lower", F_LOWER, 1, 1 },
    { "trim", F_TRIM, 1, 1 },
    { "concat", F_CONCAT, 1, -1 },
    { "concat_ws", F_CONCAT_WS, 2, -1 },
};
const size_t expr_nfuncs = sizeof expr_funcs / sizeof expr_funcs[0];

/* ---- scratch memory ------------------------------------------------------ */

/* A thread's scratch: a list of blocks, newest first.  A reset keeps the
 * newest block (the largest so far, usually) and frees the rest. */
typedef struct block {
    struct block *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
} block;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void blocks_free(void *p)
{
    block *b = p;
    while (b) {
        block *next = b->next;
        free(b);
        b = next;
    }
}

static void scratch_key_make(void)
{
    pthread_key_create(&scratch_key, blocks_free);
}

static block *scratch_head(void)
{
    pthread_once(&scratch_once, scratch_key_make);
    return pthread_getspecific(scratch_key);
}

void expr_scratch_reset(void)
{
    block *b = scratch_head();
    if (!b)
        return;
    blocks_free(b->next);
    b->next = NULL;
    b->used = 0;
}

void *expr_scratch(size_t n)
{
    const size_t align = alignof(max_align_t);
    n = (n + align - 1) / align * align;
    if (n == 0)
        n = align;
    block *b = scratch_head();
    if (!b || b->cap - b->used < n) {
        size_t cap = b ? 2 * b->cap : 4096;
        if (cap < n)
            cap = n;
        block *nb = xmalloc(sizeof *nb + cap);
        nb->next = b;
        nb->used = 0;
        nb->cap = cap;
        pthread_setspecific(scratch_key, nb);
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

/* ---- numbers ------------------------------------------------------------- */

/* median and stdev of the numbers among the arguments (GSL) */
static xval stats(fnid fn, const xval *args, size_t n)
{
    double *xs = expr_scratch((n ? n : 1) * sizeof *xs);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (xval_number(args[i], &xs[k]))
            k++;
    if (fn == F_MEDIAN) {
        if (k == 0)
            return xv_blank();
        gsl_sort(xs, 1, k);
        return xv_number(gsl_stats_median_from_sorted_data(xs, 1, k));
    }
    if (k < 2)
        return xv_blank();
    return xv_number(gsl_stats_sd(xs, 1, k));
}

/* log(x) is the natural logarithm, log(x, base) another base. */
static xval logarithm(const xval *args, size_t n)
{
    double x, base = 0.0;
    if (!xval_number(args[0], &x) || x <= 0.0)
        return xv_blank();
    if (n == 1)
        return xv_number(log(x));
    if (!xval_number(args[1], &base) || base <= 0.0 || base == 1.0)
        return xv_blank();
    return xv_number(log(x) / log(base));
}

/* A plain whole number: optional sign, then digits, spaces around allowed. */
static int integer_text(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '+' || *s == '-')
        s++;
    if (!isdigit((unsigned char)*s))
        return 0;
    while (isdigit((unsigned char)*s))
        s++;
    while (isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

static xval is_integer(xval v)
{
    double x;
    if (v.kind == XV_NUM)
        return xv_truth(v.num == trunc(v.num));
    return xv_truth(v.kind == XV_STR && integer_text(v.str) && xval_number(v, &x));
}

/* ---- dates --------------------------------------------------------------- */

/* Reads exactly n digits at *pp. */
static int digits_at(const char **pp, int n, int *out)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*pp)[i]))
            return 0;
        x = x * 10 + ((*pp)[i] - '0');
    }
    *pp += n;
    *out = x;
    return 1;
}

/* HH:MM or HH:MM:SS at *pp into seconds since midnight. */
static int clock_at(const char **pp, double *secs)
{
    int h, m, sec = 0;
    const char *p = *pp;
    if (!digits_at(&p, 2, &h) || *p++ != ':' || !digits_at(&p, 2, &m))
        return 0;
    if (*p == ':') {
        p++;
        if (!digits_at(&p, 2, &sec))
            return 0;
    }
    if (h > 23 || m > 59 || sec > 59)
        return 0;
    *secs = h * 3600.0 + m * 60.0 + sec;
    *pp = p;
    return 1;
}

/* A date at *pp in the given order ('y' Y-M-D, 'm' M-D-Y, 'd' D-M-Y), '-'
 * or '/' between the parts, into days since 1970-01-01. */
static int date_at(const char **pp, char order, long *days, int ymd[3])
{
    const char *p = *pp;
    int a, b, c, y, m, d;
    char sep;
    if (order == 'y') {
        if (!digits_at(&p, 4, &a) || (*p != '-' && *p != '/'))
            return 0;
        sep = *p++;
        if (!digits_at(&p, 2, &b) || *p++ != sep || !digits_at(&p, 2, &c))
            return 0;
        y = a, m = b, d = c;
    } else {
        if (!digits_at(&p, 2, &a) || (*p != '-' && *p != '/'))
            return 0;
        sep = *p++;
        if (!digits_at(&p, 2, &b) || *p++ != sep || !digits_at(&p, 4, &c))
            return 0;
        y = c, m = order == 'm' ? a : b, d = order == 'm' ? b : a;
    }
    char iso[40];   /* room for any int, though digits_at read at most four digits */
    snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
    if (!util_valid_iso_date(iso))
        return 0;
    *days = util_iso_date_days(iso);
    if (ymd) {
        ymd[0] = y;
        ymd[1] = m;
        ymd[2] = d;
    }
    *pp = p;
    return 1;
}

int expr_moment(const char *s, char order, double *secs)
{
    char today[11];
    double clock = 0.0;
    long days;
    while (isspace((unsigned char)*s))
        s++;
    if (strcasecmp(s, "today") == 0 || strcasecmp(s, "now") == 0) {
        util_today_iso(today);
        *secs = util_iso_date_days(today) * 86400.0;
        if (tolower((unsigned char)s[0]) == 'n') {
            time_t t = time(NULL);
            struct tm tm;
            localtime_r(&t, &tm);
            *secs += tm.tm_hour * 3600.0 + tm.tm_min * 60.0 + tm.tm_sec;
        }
        return 1;
    }
    const char *p = s;
    if (clock_at(&p, &clock) && *p == '\0') {
        *secs = clock;
        return 1;
    }
    p = s;
    if (!date_at(&p, order, &days, NULL) &&
        !(order != 'y' && (p = s, date_at(&p, 'y', &days, NULL))))
        return 0;
    if (*p == ' ' || *p == 'T') {
        p++;
        if (!clock_at(&p, &clock))
            return 0;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p)
        return 0;
    *secs = days * 86400.0 + clock;
    return 1;
}

/* datediff(d1, d2, unit [, format] [, signed]): d2 - d1 in the unit (a
 * year is 365.2425 days, a month 30.44, as REDCap counts them), not
 * rounded; its absolute value unless signed is true. */
static xval datediff(const xval *args, size_t n)
{
    static const struct { char unit; double secs; } units[] = {
        { 'y', 365.2425 * 86400.0 }, { 'M', 30.44 * 86400.0 }, { 'd', 86400.0 },
        { 'h', 3600.0 }, { 'm', 60.0 }, { 's', 1.0 },
    };
    char order = 'y';
    int is_signed = 0;
    const char *unit = expr_text_of(args[2]);
    if (n >= 4) {
        const char *f = expr_text_of(args[3]);
        if (strcasecmp(f, "mdy") == 0 || strcasecmp(f, "dmy") == 0 || strcasecmp(f, "ymd") == 0)
            order = (char)tolower((unsigned char)f[0]);
        else if (n == 4)
            is_signed = xval_truthy(args[3]);
        else
            return xv_blank();
    }
    if (n == 5)
        is_signed = xval_truthy(args[4]);
    double per = 0.0, a, b;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(unit) == 1 && unit[0] == units[i].unit)
            per = units[i].secs;
    if (per == 0.0 || args[0].kind == XV_BLANK || args[1].kind == XV_BLANK ||
        !expr_moment(expr_text_of(args[0]), order, &a) || !expr_moment(expr_text_of(args[1]), order, &b))
        return xv_blank();
    double d = (b - a) / per;
    return xv_number(is_signed ? d : fabs(d));
}

/* year(), month(), day() of a date or a date and time (Y-M-D). */
static xval date_part(fnid fn, xval v)
{
    const char *p = expr_text_of(v);
    long days;
    int ymd[3];
    while (isspace((unsigned char)*p))
        p++;
    if (!date_at(&p, 'y', &days, ymd))
        return xv_blank();
    return xv_number(ymd[fn == F_YEAR ? 0 : fn == F_MONTH ? 1 : 2]);
}

xval expr_apply(fnid fn, const xval *args, size_t n)
{
    double x;
    switch (fn) {
    case F_MEDIAN:
    case F_STDEV:
        return stats(fn, args, n);
    case F_LOG:
        return logarithm(args, n);
    case F_EXPONENTIAL:
        return xval_number(args[0], &x) ? xv_number(exp(x)) : xv_blank();
    case F_ISNUMBER:
        return xv_truth(xval_number(args[0], &x));
    case F_ISINTEGER:
        return is_integer(args[0]);
    case F_ISBLANK:
        return xv_truth(args[0].kind == XV_BLANK);
    case F_DATEDIFF:
        return datediff(args, n);
    case F_YEAR:
    case F_MONTH:
    case F_DAY:
        return date_part(fn, args[0]);
    default:
        return expr_apply_text(fn, args, n);
    }
}
