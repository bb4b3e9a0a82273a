/* field.c: checking and normalising one answer against its field. */
#include "dict_impl.h"
#include "csvio.h"

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

/* Whether s is n digits, or between lo and hi digits when n is 0. */
static int all_digits(const char *s, size_t lo, size_t hi)
{
    size_t n = field_ndigits(s);
    return s[n] == '\0' && n >= lo && n <= hi;
}

/* Australian numbers: an area code 02-08 (in brackets or not), then eight
 * digits, spaces allowed between them: (02) 9123 4567, 0412 345 678. */
static int valid_phone_au(const char *p)
{
    if (*p == '(') {
        if (p[1] != '0' || p[2] < '2' || p[2] > '8' || p[3] != ')')
            return 0;
        p += 4;
    } else {
        if (p[0] != '0' || p[1] < '2' || p[1] > '8')
            return 0;
        p += 2;
    }
    int n = 0;
    for (; *p; p++) {
        if (isdigit((unsigned char)*p))
            n++;
        else if (*p != ' ')
            return 0;
    }
    return n == 8;
}

/* Canadian postal codes: A1A 1A1 (the space optional, any case); the
 * first letter is one Canada Post gives out. */
static int valid_postal_ca(const char *s)
{
    static const char first[] = "ABCEGHJKLMNPRSTVXY";
    char c = (char)toupper((unsigned char)s[0]);
    if (!c || !strchr(first, c) || !isdigit((unsigned char)s[1]) || !isalpha((unsigned char)s[2]))
        return 0;
    const char *p = s + 3;
    while (*p == ' ')
        p++;
    return isdigit((unsigned char)p[0]) && isalpha((unsigned char)p[1]) &&
           isdigit((unsigned char)p[2]) && p[3] == '\0';
}

/* The validations whose rule is a shape of letters and digits; returns
 * -1 when v is not one of them, else whether s fits, with the reason. */
static int check_code(field_valid v, const char *s, char *why, size_t whysz)
{
    int ok;
    const char *what;
    switch (v) {
    case FV_MRN_10D:
        ok = all_digits(s, 10, 10);
        what = "a medical record number of 10 digits";
        break;
    case FV_MRN_GENERIC:
        ok = *s != '\0';
        for (const char *p = s; *p; p++)
            if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
                ok = 0;
        what = "a medical record number (letters, digits, - and _)";
        break;
    case FV_VMRN:
        ok = s[0] != '0' && all_digits(s, 4, 9);
        what = "a medical record number of 4 to 9 digits without leading zeros";
        break;
    case FV_SSN:
        ok = field_ndigits(s) == 3 && s[3] == '-' && field_ndigits(s + 4) == 2 && s[6] == '-' &&
             all_digits(s + 7, 4, 4);
        what = "a social security number (123-45-6789)";
        break;
    case FV_PHONE_AUSTRALIA:
        ok = valid_phone_au(s);
        what = "an Australian phone number (area code 02-08 and 8 digits)";
        break;
    case FV_POSTALCODE_AUSTRALIA:
        ok = all_digits(s, 4, 4);
        what = "an Australian postcode (4 digits)";
        break;
    case FV_POSTALCODE_CANADA:
        ok = valid_postal_ca(s);
        what = "a Canadian postal code (A1A 1A1)";
        break;
    case FV_POSTALCODE_FRENCH:
        /* five digits, the first two a department from 01 to 98 */
        ok = all_digits(s, 5, 5) && strncmp(s, "00", 2) != 0 && strncmp(s, "99", 2) != 0;
        what = "a French postal code (5 digits)";
        break;
    case FV_POSTALCODE_GERMANY:
        ok = all_digits(s, 5, 5) && strncmp(s, "00", 2) != 0;
        what = "a German postal code (5 digits, not starting 00)";
        break;
    default:
        return -1;
    }
    if (!ok)
        field_why(why, whysz, "'%s' is not %s", s, what);
    return ok;
}

const char *field_valid_hint(field_valid v)
{
    switch (v) {
    case FV_NONE: return "text on one line";
    case FV_INTEGER: return "a whole number";
    case FV_NUMBER: return "a number";
    case FV_NUMBER_1DP: return "a number with 1 decimal, e.g. 2.5";
    case FV_NUMBER_2DP: return "a number with 2 decimals, e.g. 2.50";
    case FV_NUMBER_3DP: return "a number with 3 decimals, e.g. 2.500";
    case FV_NUMBER_4DP: return "a number with 4 decimals, e.g. 2.5000";
    case FV_NUMBER_COMMA: return "a number, with a decimal comma";
    case FV_NUMBER_1DP_COMMA: return "a number with 1 decimal after a comma, e.g. 2,5";
    case FV_NUMBER_2DP_COMMA: return "a number with 2 decimals after a comma, e.g. 2,50";
    case FV_NUMBER_3DP_COMMA: return "a number with 3 decimals after a comma, e.g. 2,500";
    case FV_NUMBER_4DP_COMMA: return "a number with 4 decimals after a comma, e.g. 2,5000";
    case FV_DATE_YMD: return "a date, YYYY-MM-DD";
    case FV_DATE_MDY: return "a date, MM-DD-YYYY";
    case FV_DATE_DMY: return "a date, DD-MM-YYYY";
    case FV_DATETIME_YMD: return "a date and time, YYYY-MM-DD HH:MM";
    case FV_DATETIME_MDY: return "a date and time, MM-DD-YYYY HH:MM";
    case FV_DATETIME_DMY: return "a date and time, DD-MM-YYYY HH:MM";
    case FV_DATETIME_SECONDS_YMD: return "a date and time, YYYY-MM-DD HH:MM:SS";
    case FV_DATETIME_SECONDS_MDY: return "a date and time, MM-DD-YYYY HH:MM:SS";
    case FV_DATETIME_SECONDS_DMY: return "a date and time, DD-MM-YYYY HH:MM:SS";
    case FV_TIME: return "a time, HH:MM";
    case FV_TIME_MM_SS: return "minutes and seconds, MM:SS";
    case FV_TIME_HH_MM_SS: return "a time with seconds, HH:MM:SS";
    case FV_EMAIL: return "an email address";
    case FV_ALPHA_ONLY: return "letters only";
    case FV_PHONE: return "a phone number, e.g. (615) 555-0100";
    case FV_ZIPCODE: return "a zip code, 12345 or 12345-6789";
    case FV_MRN_10D: return "a medical record number of 10 digits";
    case FV_MRN_GENERIC: return "a medical record number: letters, digits, - or _";
    case FV_VMRN: return "a medical record number of 4 to 9 digits, not starting with 0";
    case FV_SSN: return "a social security number, 123-45-6789";
    case FV_PHONE_AUSTRALIA: return "an Australian phone number, e.g. 02 9123 4567";
    case FV_POSTALCODE_AUSTRALIA: return "an Australian postcode, 4 digits";
    case FV_POSTALCODE_CANADA: return "a Canadian postal code, e.g. K1A 0B1";
    case FV_POSTALCODE_FRENCH: return "a French postal code, 5 digits";
    case FV_POSTALCODE_GERMANY: return "a German postal code, 5 digits";
    }
    return "text";
}

/* "1-5", "-2 to 2", "1 or more", "5 or less" (dates: "or later"/"or earlier"). */
static void range_text(const dict_field *f, char *buf, size_t bufsz)
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

static int in_range(const dict_field *f, double key, const char *shown, char *why, size_t whysz)
{
    if ((f->has_min && key < f->min) || (f->has_max && key > f->max)) {
        char r[160];
        range_text(f, r, sizeof r);
        field_why(why, whysz, "is %s, allowed %s", shown, r);
        return 0;
    }
    return 1;
}

static int check_text(const dict_field *f, const char *s, char **out, char *why, size_t whysz)
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
        if (!field_valid_ordered(f->valid)) {
            if (!check_code(f->valid, s, why, whysz))
                return 0;
            break;
        }
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

static void list_codes(const dict_field *f, char *buf, size_t bufsz)
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

const char *field_choice_exact(const dict_field *f, const char *value)
{
    if (!value)
        return NULL;
    switch (f->type) {
    case FT_CHECKBOX:
        return strcmp(value, "0") == 0 ? "0" : strcmp(value, "1") == 0 ? "1" : NULL;
    case FT_RADIO:
    case FT_DROPDOWN:
    case FT_YESNO:
    case FT_TRUEFALSE:
        for (size_t i = 0; i < f->nchoices; i++)
            if (strcmp(value, f->choices[i].code) == 0)
                return f->choices[i].code;
        return NULL;
    default:
        return NULL;
    }
}

const char *field_word_code(const dict_field *f, const char *a)
{
    static const char *const yes[] = { "y", "yes", NULL }, *const no[] = { "n", "no", NULL };
    static const char *const tr[] = { "t", "true", NULL }, *const fa[] = { "f", "false", NULL };
    int radio = f->type == FT_RADIO || f->type == FT_DROPDOWN;
    const char *const *one = f->type == FT_TRUEFALSE ? tr : yes;
    const char *const *zero = f->type == FT_TRUEFALSE ? fa : no;
    if (!radio && f->type != FT_YESNO && f->type != FT_TRUEFALSE)
        return NULL;
    if (radio) {
        for (size_t c = 0; c < f->nchoices; c++)
            if (strcasecmp(a, f->choices[c].code) == 0)
                return NULL;           /* a code: taken as one */
        for (size_t c = 0; c < f->nchoices; c++)
            if (strcasecmp(a, f->choices[c].label) == 0)
                return f->choices[c].code;
    }
    const char *want = NULL;
    for (size_t i = 0; one[i] && !want; i++)
        if (strcasecmp(a, one[i]) == 0)
            want = "yes";
    for (size_t i = 0; zero[i] && !want; i++)
        if (strcasecmp(a, zero[i]) == 0)
            want = "no";
    if (!want)
        return NULL;
    if (!radio)
        return strcmp(want, "yes") == 0 ? "1" : "0";
    for (size_t c = 0; c < f->nchoices; c++)
        if (strcasecmp(f->choices[c].label, want) == 0)
            return f->choices[c].code;
    return NULL;
}

_Static_assert((long)FIELD_MAX_ANSWER == (long)CSVIN_MAX_CELL,
               "an answer saved must fit in a cell that import reads");

int field_normalize(const dict_field *f, const char *value, char **out, char *why, size_t whysz)
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
    if (utf8_check(value, n) < n) {
        field_why(why, whysz, "is not UTF-8 text");
        return 0;
    }
    if (n > FIELD_MAX_ANSWER) {
        field_why(why, whysz, "is longer than 1 MB (%d bytes), the most an answer holds",
                  FIELD_MAX_ANSWER);
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
