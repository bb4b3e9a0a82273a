/* Unit tests for answers against an instrument (tests/data/dict/good.csv):
 * normalising values for every validation, checking answer sets
 * (validity, required, hidden), branching, calc fields and scale scores
 * with @MINITEMS.  Expected values were worked out by hand from REDCap's
 * rules; the comments show the arithmetic. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dict_fixture.h"
#include "dict_impl.h"

/* ---- normalising values ------------------------------------------------ */

static const struct {
    const char *form, *field, *in;
    const char *out;   /* the stored value, or NULL when refused */
    const char *why;   /* the reason when refused */
} norm_cases[] = {
    { "intake", "visit_date", "2026-03-01", "2026-03-01", NULL },
    { "intake", "visit_date", "  2026-3-1 ", "2026-03-01", NULL },
    { "intake", "visit_date", "2026/03/01", "2026-03-01", NULL },
    { "intake", "visit_date", "2026-02-30", NULL, "'2026-02-30' is not a date" },
    { "intake", "visit_date", "2019-12-31", NULL, "is 2019-12-31, allowed 2020-01-01 to 2030-12-31" },
    { "intake", "visit_date", "03-01-2026", NULL, "'03-01-2026' is not a date (YYYY-MM-DD)" },
    { "intake", "visit_date_us", "03-01-2026", "2026-03-01", NULL },     /* March 1 */
    { "intake", "visit_date_us", "02/29/2024", "2024-02-29", NULL },     /* a leap day */
    { "intake", "visit_date_us", "02-29-2025", NULL, "'02-29-2025' is not a date" },
    { "intake", "visit_date_us", "2026-03-01", "2026-03-01", NULL },     /* Y-M-D is taken too */
    { "intake", "dob", "31-12-1990", "1990-12-31", NULL },
    { "intake", "dob", "31-12-2999", NULL, "is 31-12-2999, allowed today or earlier" },
    { "intake", "started", "2026-03-01 14:05", "2026-03-01 14:05", NULL },
    { "intake", "started", "2026-03-01T9:05", "2026-03-01 09:05", NULL },
    { "intake", "started", "2026-03-01 24:00", NULL, "'2026-03-01 24:00' is not a date and time (YYYY-MM-DD HH:MM)" },
    { "intake", "started", "2026-03-01", NULL, "'2026-03-01' is not a date and time (YYYY-MM-DD HH:MM)" },
    { "intake", "started_us", "03-01-2026 14:05", "2026-03-01 14:05", NULL },
    { "intake", "started_eu", "01-03-2026 14:05", "2026-03-01 14:05", NULL },
    { "intake", "started_eu", "30-02-2026 14:05", NULL, "'30-02-2026 14:05' is not a date" },
    { "intake", "logged", "2026-03-01 14:05:09", "2026-03-01 14:05:09", NULL },
    { "intake", "logged", "2026-03-01 14:05", NULL, "'2026-03-01 14:05' is not a date and time (YYYY-MM-DD HH:MM:SS)" },
    { "intake", "logged_us", "03-01-2026 14:05:09", "2026-03-01 14:05:09", NULL },
    { "intake", "logged_eu", "01-03-2026 14:05:60", NULL, "'01-03-2026 14:05:60' is not a date and time (DD-MM-YYYY HH:MM:SS)" },
    { "intake", "start_time", "9:30", "09:30", NULL },
    { "intake", "start_time", "07:59", NULL, "is 07:59, allowed 08:00 to 18:00" },
    { "intake", "start_time", "25:00", NULL, "'25:00' is not a time (HH:MM)" },
    { "intake", "duration", "05:30", "05:30", NULL },
    { "intake", "duration", "5:30", NULL, "'5:30' is not a time (MM:SS)" },
    { "intake", "duration", "60:00", NULL, "'60:00' is not a time (MM:SS)" },
    { "intake", "age", "42", "42", NULL },
    { "intake", "age", "+42", "42", NULL },
    { "intake", "age", "17", NULL, "is 17, allowed 18-99" },
    { "intake", "age", "100", NULL, "is 100, allowed 18-99" },
    { "intake", "age", "4.5", NULL, "'4.5' is not an integer" },
    { "intake", "age", "abc", NULL, "'abc' is not an integer" },
    { "intake", "weight", "70.5", "70.5", NULL },
    { "intake", "weight", "1e2", "1e2", NULL },
    { "intake", "weight", ".5", NULL, "is .5, allowed 20-300" },
    { "intake", "weight", "abc", NULL, "'abc' is not a number" },
    { "intake", "weight", "70.", NULL, "'70.' is not a number" },
    { "intake", "weight", "0x40", NULL, "'0x40' is not a number" },
    { "intake", "weight", "70,5", NULL, "'70,5' is not a number" },
    { "intake", "temp", "36.6", "36.6", NULL },
    { "intake", "temp", "36.65", NULL, "'36.65' is not a number with 1 decimal place" },
    { "intake", "temp", "37", NULL, "'37' is not a number with 1 decimal place" },
    { "intake", "dose", "2.50", "2.50", NULL },   /* kept as written */
    { "intake", "dose", "2.5", NULL, "'2.5' is not a number with 2 decimal places" },
    { "intake", "ratio", "0.125", "0.125", NULL },
    { "intake", "tiny", "-1.2345", "-1.2345", NULL },
    { "intake", "tiny", "2.0001", NULL, "is 2.0001, allowed -2 to 2" },
    { "intake", "amount", "3,5", "3,5", NULL },
    { "intake", "amount", "3.5", NULL, "'3.5' is not a number with a decimal comma" },
    { "intake", "amount1", "3,5", "3,5", NULL },
    { "intake", "amount2", "3,50", "3,50", NULL },
    { "intake", "amount2", "3,5", NULL, "'3,5' is not a number with 2 decimal places after a comma" },
    { "intake", "amount2", "10,51", NULL, "is 10,51, allowed 0-10,5" },
    { "intake", "amount3", "0,125", "0,125", NULL },
    { "intake", "amount4", "1,0000", "1,0000", NULL },
    { "intake", "email", "Ann.Lee+x@example.org", "Ann.Lee+x@example.org", NULL },
    { "intake", "email", "ann@example", NULL, "'ann@example' is not an email address" },
    { "intake", "email", "ann@@example.org", NULL, "'ann@@example.org' is not an email address" },
    { "intake", "email", "a b@example.org", NULL, "'a b@example.org' is not an email address" },
    { "intake", "initials", "AbC", "AbC", NULL },
    { "intake", "initials", "A1", NULL, "'A1' has characters other than letters" },
    { "intake", "phone", "615-322-2222", "(615) 322-2222", NULL },
    { "intake", "phone", "(615) 322 2222", "(615) 322-2222", NULL },
    { "intake", "phone", "615.322.2222", "(615) 322-2222", NULL },
    { "intake", "phone", "6153222222", "(615) 322-2222", NULL },
    { "intake", "phone", "115-322-2222", NULL, "'115-322-2222' is not a 10-digit North American phone number" },
    { "intake", "phone", "911-322-2222", NULL, "'911-322-2222' is not a 10-digit North American phone number" },
    { "intake", "phone", "615-122-2222", NULL, "'615-122-2222' is not a 10-digit North American phone number" },
    { "intake", "phone", "615-322-222", NULL, "'615-322-222' is not a 10-digit North American phone number" },
    { "intake", "zip", "37203", "37203", NULL },
    { "intake", "zip", "37203-1234", "37203-1234", NULL },
    { "intake", "zip", "3720", NULL, "'3720' is not a US zip code (12345 or 12345-6789)" },
    { "intake", "zip", "37203-12", NULL, "'37203-12' is not a US zip code (12345 or 12345-6789)" },
    { "intake", "old_int", "5.5", NULL, "'5.5' is not an integer" },
    { "intake", "old_float", "5.5", "5.5", NULL },
    { "intake", "old_date", "2026-03-01", "2026-03-01", NULL },
    { "intake", "old_dt", "2026-03-01 10:00", "2026-03-01 10:00", NULL },
    { "intake", "old_dts", "2026-03-01 10:00:00", "2026-03-01 10:00:00", NULL },
    { "intake", "note", "  free text, anything  ", "free text, anything", NULL },
    { "intake", "note", "   ", NULL, NULL },     /* blank: valid, stored as NULL */
    /* bytes that are not UTF-8: the reason names no terminal (a web form sends
     * them too; collect's terminal adds its own hint) */
    { "intake", "note", "caf\xe9", NULL, "is not UTF-8 text" },
    { "intake", "age", "", NULL, NULL },
    { "session_check", "mood", "2", "2", NULL },
    { "session_check", "mood", "7", NULL, "'7' is not one of 1, 2, 3" },
    { "session_check", "place", "HOME", "home", NULL },   /* the dictionary's spelling of the code */
    { "session_check", "place", "garden", NULL, "'garden' is not one of clinic, home, tele" },
    { "session_check", "rupture", "1", "1", NULL },
    { "session_check", "rupture", "yes", NULL, "'yes' is not one of 1, 0" },
    { "session_check", "agree", "0", "0", NULL },
    { "session_check", "agree", "2", NULL, "'2' is not one of 1, 0" },
    { "session_check", "kind", " 1 ", "1", NULL },
    { "session_check", "kind", "0", "0", NULL },
    { "session_check", "kind", "2", NULL, "'2' is not 0 or 1" },
    { "session_check", "tension", "5", "5", NULL },
    { "session_check", "tension", "0", NULL, "is 0, allowed 1-10" },
    { "session_check", "tension", "11", NULL, "is 11, allowed 1-10" },
    { "session_check", "tension", "5.5", NULL, "'5.5' is not a whole number" },
    { "session_check", "score", "whatever", "whatever", NULL },  /* calc: passed through */
};

static void test_normalize(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof norm_cases / sizeof norm_cases[0]; i++) {
        const dict_field *f = field_named(form_named(&good, norm_cases[i].form), norm_cases[i].field);
        char *out = (char *)"untouched";
        char why[256] = "untouched";
        int ok = field_normalize(f, norm_cases[i].in, &out, why, sizeof why);
        int want_ok = norm_cases[i].why == NULL;
        if (ok != want_ok)
            fail_msg("%s '%s': ok %d (%s), want %d", norm_cases[i].field, norm_cases[i].in, ok, why, want_ok);
        if (ok) {
            if (!norm_cases[i].out)
                assert_null(out);
            else if (!out || strcmp(out, norm_cases[i].out) != 0)
                fail_msg("%s '%s': stored '%s', want '%s'", norm_cases[i].field, norm_cases[i].in,
                         out ? out : "(null)", norm_cases[i].out);
            free(out);
        } else {
            assert_null(out);
            if (strcmp(why, norm_cases[i].why) != 0)
                fail_msg("%s '%s': reason \"%s\", want \"%s\"", norm_cases[i].field,
                         norm_cases[i].in, why, norm_cases[i].why);
        }
    }
}

/* An answer is at most as long as a CSV cell attune reads, so that what is
 * saved can be exported and imported again: 1 MB of text is an answer, one
 * byte more is not (spaces around it aside). */
static void test_normalize_length(void **state)
{
    (void)state;
    const dict_field *f = field_named(form_named(&good, "intake"), "note");
    char *text = xmalloc(FIELD_MAX_ANSWER + 4);
    memset(text, 'a', FIELD_MAX_ANSWER + 1);
    text[FIELD_MAX_ANSWER + 1] = '\0';
    char *out = NULL, why[256] = "";
    assert_int_equal(field_normalize(f, text, &out, why, sizeof why), 0);
    assert_null(out);
    assert_string_equal(why, "is longer than 1 MB (1048576 bytes), the most an answer holds");
    text[FIELD_MAX_ANSWER] = ' ';
    assert_int_equal(field_normalize(f, text, &out, why, sizeof why), 1);
    assert_int_equal(strlen(out), FIELD_MAX_ANSWER);
    free(out);
    free(text);
}

/* field_choice_exact gives what field_normalize stores, for every field
 * of every form and every code of each, and hands the rest (spaces, other
 * case, other codes, blanks) to field_normalize. */
static void test_choice_exact(void **state)
{
    (void)state;
    const char *const others[] = { "", " ", "0", "1", "2", "01", "1.0", " 1", "1 ", "x", "yes",
                                   "Y", "b", "B", "c3", "C3", "home", "Home" };
    size_t exact = 0;
    for (size_t g = 0; g < good.nforms; g++) {
        const dict_instrument *in = &good.forms[g];
        for (size_t i = 0; i < in->nfields; i++) {
            const dict_field *f = &in->fields[i];
            size_t nvals = sizeof others / sizeof others[0] + f->nchoices;
            for (size_t v = 0; v < nvals; v++) {
                const char *value = v < f->nchoices ? f->choices[v].code
                                                    : others[v - f->nchoices];
                const char *code = field_choice_exact(f, value);
                char *out = NULL;
                char why[256];
                int ok = field_normalize(f, value, &out, why, sizeof why);
                if (code) {
                    exact++;
                    if (!ok || !out || strcmp(out, code) != 0)
                        fail_msg("%s '%s': exact '%s', normalised '%s'", f->name, value, code,
                                 ok && out ? out : "(refused)");
                    if (strcmp(value, code) != 0)
                        fail_msg("%s '%s': exact gave another text, '%s'", f->name, value, code);
                } else if (v < f->nchoices && f->type != FT_CHECKBOX) {
                    fail_msg("%s: its code '%s' was not taken as it is", f->name, value);
                }
                free(out);
            }
        }
    }
    /* radio, dropdown, yes/no and true/false codes, and checkbox 0 and 1 */
    assert_true(exact > 20);
    assert_null(field_choice_exact(field_named(form_named(&good, "intake"), "visit_date"),
                                   "2026-03-01"));
    assert_null(field_choice_exact(field_named(form_named(&good, "session_check"), "mood"),
                                   NULL));
}

/* ---- answer sets ------------------------------------------------------- */

/* Fills vals (ncols entries, owned) from "col=value;col=value". */
static char **answer_set(const dict_instrument *in, const char *spec)
{
    char **vals = xcalloc(in->ncols, sizeof *vals);
    char *copy = xstrdup(spec);
    for (char *tok = strtok(copy, ";"); tok; tok = strtok(NULL, ";")) {
        char *eq = strchr(tok, '=');
        assert_non_null(eq);
        *eq = '\0';
        long col = instrument_col(in, tok);
        if (col < 0)
            fail_msg("no column '%s'", tok);
        vals[col] = xstrdup(eq + 1);
    }
    free(copy);
    return vals;
}

static void free_set(const dict_instrument *in, char **vals)
{
    for (size_t i = 0; i < in->ncols; i++)
        free(vals[i]);
    free(vals);
}

#define ALL_GOOD "mood=2;place=home;rupture=1;kind___a=1;kind___b=0;kind___c3=0;tension=5;" \
                 "item1=4;item2=5;item3=2;resolution=4"

static const struct {
    const char *answers;
    const char *problems;   /* joined by '\n' */
} check_cases[] = {
    { ALL_GOOD, "" },
    /* no strain: the strain questions are hidden; unticked boxes are not answers */
    { "mood=2;rupture=0;kind___a=0;kind___b=0;kind___c3=0", "" },
    { "mood=2;rupture=0;tension=5",
      "'a.csv' line 4: 'tension': is answered but hidden by its branching logic" },
    { "mood=2;rupture=0;kind___b=1;resolution=3",
      "'a.csv' line 4: 'kind': is answered but hidden by its branching logic\n"
      "'a.csv' line 4: 'resolution': is answered but hidden by its branching logic" },
    { "", "'a.csv' line 4: 'mood': is required\n'a.csv' line 4: 'rupture': is required" },
    /* a required checkbox needs one option ticked */
    { "mood=2;rupture=1;kind___a=0;kind___b=0", "'a.csv' line 4: 'kind': is required" },
    /* an invalid answer is reported once, not also as missing */
    { "mood=7;rupture=1;kind___a=1;tension=11",
      "'a.csv' line 4: 'mood': '7' is not one of 1, 2, 3\n"
      "'a.csv' line 4: 'tension': is 11, allowed 1-10" },
    { "mood=1;rupture=1;kind___a=1;kind___b=2",
      "'a.csv' line 4: 'kind___b': '2' is not 0 or 1" },
    /* kind_other is shown only when option c3 is ticked */
    { "mood=1;rupture=1;kind___a=1;kind_other=loud",
      "'a.csv' line 4: 'kind_other': is answered but hidden by its branching logic" },
    { "mood=1;rupture=1;kind___c3=1;kind_other=loud", "" },
    /* calc cells are recomputed, never checked */
    { "mood=1;rupture=0;score=abc;total=-1", "" },
};

static void test_check(void **state)
{
    (void)state;
    const dict_instrument *in = form_named(&good, "session_check");
    for (size_t i = 0; i < sizeof check_cases / sizeof check_cases[0]; i++) {
        char **vals = answer_set(in, check_cases[i].answers);
        at_msgs p = AT_MSGS_INIT;
        size_t n = instrument_check(in, (const char *const *)vals, "'a.csv' line 4: ", &p);
        sbuf got = SBUF_INIT;
        for (size_t k = 0; k < p.n; k++)
            sbuf_addf(&got, "%s%s", k ? "\n" : "", p.items[k]);
        assert_int_equal(n, p.n);
        if (strcmp(sbuf_str(&got), check_cases[i].problems) != 0)
            fail_msg("answers '%s':\n got:\n%s\n want:\n%s", check_cases[i].answers, sbuf_str(&got),
                     check_cases[i].problems);
        sbuf_release(&got);
        msgs_release(&p);
        free_set(in, vals);
    }
}

/* The required fields left blank are the ones the check names "is
 * required", in the same order, on every answer set above (an invalid
 * answer is not blank). */
static void test_required_blank(void **state)
{
    (void)state;
    const dict_instrument *in = form_named(&good, "session_check");
    for (size_t i = 0; i < sizeof check_cases / sizeof check_cases[0]; i++) {
        char **vals = answer_set(in, check_cases[i].answers);
        size_t first = SIZE_MAX;
        size_t n = instrument_required_blank(in, (const char *const *)vals, NULL, &first);
        size_t want = 0;
        char named[64] = "";
        for (const char *p = check_cases[i].problems; (p = strstr(p, "': is required")); p++) {
            if (want++ == 0) {
                const char *q = p;
                while (q > check_cases[i].problems && q[-1] != '\'')
                    q--;
                snprintf(named, sizeof named, "%.*s", (int)(p - q), q);
            }
        }
        if (n != want)
            fail_msg("answers '%s': %zu blank, want %zu", check_cases[i].answers, n, want);
        if (n)
            assert_string_equal(in->fields[first].name, named);
        else
            assert_int_equal(first, SIZE_MAX);
        free_set(in, vals);
    }
}

static void test_shown(void **state)
{
    (void)state;
    const dict_instrument *in = form_named(&good, "session_check");
    size_t other = (size_t)instrument_field(in, "kind_other");
    size_t mood = (size_t)instrument_field(in, "mood");
    char **vals = answer_set(in, "rupture=1;kind___c3=1");
    assert_true(instrument_shown(in, other, (const char *const *)vals));
    assert_true(instrument_shown(in, mood, (const char *const *)vals));   /* no branching */
    free(vals[instrument_col(in, "kind___c3")]);
    vals[instrument_col(in, "kind___c3")] = NULL;
    assert_false(instrument_shown(in, other, (const char *const *)vals));
    free_set(in, vals);
}

static void test_compute_and_scale(void **state)
{
    (void)state;
    const dict_instrument *in = form_named(&good, "session_check");
    long score = instrument_col(in, "score"), dbl = instrument_col(in, "double_score");
    long total = instrument_col(in, "total");
    const dict_field *fs = field_named(in, "score"), *ft = field_named(in, "total");

    /* items 4, 5 and reverse-keyed 2 -> 6 - 2 = 4: mean (4 + 5 + 4) / 3 = 13/3,
     * written with 15 significant digits; double_score reads that stored
     * text, so it is 2 * 4.33333333333333 = 8.66666666666666 (not 26/3
     * rounded, 8.66666666666667); total 4 + 5 + 4 = 13 */
    char **vals = answer_set(in, "item1=4;item2=5;item3=2;score=99;double_score=stale");
    instrument_compute(in, vals);
    assert_string_equal(vals[score], "4.33333333333333");
    assert_string_equal(vals[dbl], "8.66666666666666");
    assert_string_equal(vals[total], "13");
    size_t answered = 0;
    double s = instrument_scale(in, fs, (const char *const *)vals, &answered);
    assert_int_equal(answered, 3);
    assert_true(fabs(s - 13.0 / 3.0) < 1e-12);
    free_set(in, vals);

    /* two of three items: the mean of the answered ones, (4 + 4) / 2 = 4,
     * enough for @MINITEMS=2 but not for total's @MINITEMS=3 */
    vals = answer_set(in, "item1=4;item3=2;total=7");
    instrument_compute(in, vals);
    assert_string_equal(vals[score], "4");
    assert_string_equal(vals[dbl], "8");
    assert_null(vals[total]);
    s = instrument_scale(in, ft, (const char *const *)vals, &answered);
    assert_int_equal(answered, 2);
    assert_true(isnan(s));
    free_set(in, vals);

    /* one item: under @MINITEMS=2, so blank, and so is the calc built on it */
    vals = answer_set(in, "item2=3;score=3;double_score=6");
    instrument_compute(in, vals);
    assert_null(vals[score]);
    assert_null(vals[dbl]);
    s = instrument_scale(in, fs, (const char *const *)vals, &answered);
    assert_int_equal(answered, 1);
    assert_true(isnan(s));
    free_set(in, vals);
}

/* A Text Validation Max of "now" is the local time, as answers are
 * written: in a zone 14 hours ahead of UTC, an hour ago is allowed and an
 * hour from now is not (taking UTC for local time would refuse both). */
static void test_now_is_local(void **state)
{
    (void)state;
    char *old_tz = xstrdup(getenv("TZ"));
    setenv("TZ", "XXX-14", 1);
    tzset();
    const char *text = HEADER18 "when,f,,text,When,,,datetime_seconds_ymd,,now,,,,,,,,\n";
    dict_file d;
    at_msgs p = AT_MSGS_INIT;
    at_err err;
    assert_int_equal(dict_parse("now.csv", text, strlen(text), NULL, &d, &p, &err), AT_OK);
    const dict_field *f = &d.forms[0].fields[0];
    time_t t = time(NULL);
    for (int k = -1; k <= 1; k += 2) {
        time_t at = t + k * 3600;
        struct tm tm;
        char when[32], why[256];
        char *out = NULL;
        localtime_r(&at, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        int ok = field_normalize(f, when, &out, why, sizeof why);
        if (ok != (k < 0))
            fail_msg("'%s' (%+d hour): ok %d (%s)", when, k, ok, ok ? "" : why);
        if (!ok)
            assert_non_null(strstr(why, "allowed now or earlier"));
        free(out);
    }
    dict_release(&d);
    msgs_release(&p);
    if (old_tz)
        setenv("TZ", old_tz, 1);
    else
        unsetenv("TZ");
    free(old_tz);
    tzset();
}

/* Min and max cells: a datetime bound may be a bare date, read in the
 * validation's order; number bounds need not have the answers' decimals;
 * exponents; what is not a number is refused with a reason. */
static void test_bounds(void **state)
{
    (void)state;
    double ymd, mdy, dmy, x;
    char why[128], norm[64];
    assert_int_equal(field_bound(FV_DATETIME_YMD, "2026-03-01", &ymd, why, sizeof why), 1);
    assert_int_equal(field_bound(FV_DATETIME_MDY, "03-01-2026", &mdy, why, sizeof why), 1);
    assert_int_equal(field_bound(FV_DATETIME_SECONDS_DMY, "01-03-2026", &dmy, why, sizeof why),
                     1);
    assert_true(ymd == mdy && mdy == dmy);
    assert_true(fmod(ymd, 86400.0) == 0);          /* a day as seconds */
    assert_int_equal(field_bound(FV_NUMBER_1DP, "2.25", &x, why, sizeof why), 1);
    assert_true(x == 2.25);
    assert_int_equal(field_bound(FV_NUMBER_COMMA, "2,5", &x, why, sizeof why), 1);
    assert_true(x == 2.5);
    assert_int_equal(field_bound(FV_NUMBER, "1e+2", &x, why, sizeof why), 1);
    assert_true(x == 100);
    assert_int_equal(field_bound(FV_NUMBER, "1e", &x, why, sizeof why), 0);
    assert_int_equal(field_bound(FV_NUMBER, "abc", &x, why, sizeof why), 0);
    assert_non_null(strstr(why, "'abc' is not a number"));
    char longnum[200];
    memset(longnum, '1', sizeof longnum - 1);
    longnum[sizeof longnum - 1] = '\0';
    assert_int_equal(field_bound(FV_NUMBER, longnum, &x, why, sizeof why), 0);
    /* dates that are not shaped like dates */
    assert_int_equal(field_parse_value(FV_DATE_MDY, "03-01-26", &x, norm, sizeof norm, NULL, 0),
                     0);
    assert_int_equal(field_parse_value(FV_DATE_MDY, "03.01.2026", &x, norm, sizeof norm, NULL,
                                       0), 0);
    assert_int_equal(field_parse_value(FV_DATE_YMD, "2026-03/01", &x, norm, sizeof norm, NULL,
                                       0), 0);
    assert_int_equal(field_parse_value(FV_DATE_YMD, "01-03-2026", &x, norm, sizeof norm, NULL,
                                       0), 0);
    assert_int_equal(field_parse_value(FV_DATE_DMY, "1-3-2026", &x, norm, sizeof norm, NULL, 0),
                     1);
    assert_string_equal(norm, "2026-03-01");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_normalize_length),
        cmocka_unit_test(test_choice_exact),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_required_blank),
        cmocka_unit_test(test_shown),
        cmocka_unit_test(test_compute_and_scale),
    };
    const struct CMUnitTest inline_dicts[] = {
        cmocka_unit_test(test_now_is_local),
        cmocka_unit_test(test_bounds),
    };
    int failed = cmocka_run_group_tests_name("good.csv", tests, load_good, release_good);
    failed += cmocka_run_group_tests_name("inline dictionaries", inline_dicts, NULL, NULL);
    return failed;
}
