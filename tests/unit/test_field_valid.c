/* Unit tests for the validations of REDCap's default list added after the
 * first set (tests/data/dict/validations.csv): what each accepts and
 * refuses and how the value is stored, the respondent's hint for every
 * validation, and calc fields and branching that use the newer functions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict_fixture.h"
#include "dict_impl.h"
#include "record.h"

static dict_file dict;

static int load(void **state)
{
    (void)state;
    at_msgs problems = AT_MSGS_INIT;
    at_status st = load_file("dict/validations.csv", &dict, &problems);
    dump_problems(&problems);
    msgs_release(&problems);
    return st == AT_OK ? 0 : -1;
}

static int unload(void **state)
{
    (void)state;
    dict_release(&dict);
    return 0;
}

static const struct {
    const char *field, *in;
    const char *out;   /* stored value, NULL when refused */
    const char *why;
} cases[] = {
    { "mrn", "0123456789", "0123456789", NULL },
    { "mrn", " 0123456789 ", "0123456789", NULL },
    { "mrn", "123456789", NULL, "'123456789' is not a medical record number of 10 digits" },
    { "mrn", "01234567890", NULL, "'01234567890' is not a medical record number of 10 digits" },
    { "mrn", "01234-6789", NULL, "'01234-6789' is not a medical record number of 10 digits" },
    { "mrn_any", "AB-12_x", "AB-12_x", NULL },
    { "mrn_any", "AB 12", NULL, "'AB 12' is not a medical record number (letters, digits, - and _)" },
    { "mrn_any", "12.5", NULL, "'12.5' is not a medical record number (letters, digits, - and _)" },
    { "vmrn", "1234", "1234", NULL },
    { "vmrn", "123456789", "123456789", NULL },
    { "vmrn", "0123", NULL, "'0123' is not a medical record number of 4 to 9 digits without leading zeros" },
    { "vmrn", "123", NULL, "'123' is not a medical record number of 4 to 9 digits without leading zeros" },
    { "vmrn", "1234567890", NULL, "'1234567890' is not a medical record number of 4 to 9 digits without leading zeros" },
    { "ssn", "123-45-6789", "123-45-6789", NULL },
    { "ssn", "123456789", NULL, "'123456789' is not a social security number (123-45-6789)" },
    { "ssn", "123-45-678", NULL, "'123-45-678' is not a social security number (123-45-6789)" },
    { "ssn", "123-4a-6789", NULL, "'123-4a-6789' is not a social security number (123-45-6789)" },
    { "phone_au", "02 9123 4567", "02 9123 4567", NULL },
    { "phone_au", "(03) 9123 4567", "(03) 9123 4567", NULL },
    { "phone_au", "0412345678", "0412345678", NULL },
    { "phone_au", "01 9123 4567", NULL, "'01 9123 4567' is not an Australian phone number (area code 02-08 and 8 digits)" },
    { "phone_au", "(09) 9123 4567", NULL, "'(09) 9123 4567' is not an Australian phone number (area code 02-08 and 8 digits)" },
    { "phone_au", "02 9123 456", NULL, "'02 9123 456' is not an Australian phone number (area code 02-08 and 8 digits)" },
    { "phone_au", "02-9123-4567", NULL, "'02-9123-4567' is not an Australian phone number (area code 02-08 and 8 digits)" },
    { "post_au", "2000", "2000", NULL },
    { "post_au", "200", NULL, "'200' is not an Australian postcode (4 digits)" },
    { "post_ca", "K1A 0B1", "K1A 0B1", NULL },
    { "post_ca", "k1a0b1", "k1a0b1", NULL },
    { "post_ca", "D1A 0B1", NULL, "'D1A 0B1' is not a Canadian postal code (A1A 1A1)" },
    { "post_ca", "K1A 0B", NULL, "'K1A 0B' is not a Canadian postal code (A1A 1A1)" },
    { "post_ca", "KAA 0B1", NULL, "'KAA 0B1' is not a Canadian postal code (A1A 1A1)" },
    { "post_fr", "75008", "75008", NULL },
    { "post_fr", "01000", "01000", NULL },
    { "post_fr", "00123", NULL, "'00123' is not a French postal code (5 digits)" },
    { "post_fr", "99123", NULL, "'99123' is not a French postal code (5 digits)" },
    { "post_fr", "7500", NULL, "'7500' is not a French postal code (5 digits)" },
    { "post_de", "10115", "10115", NULL },
    { "post_de", "01067", "01067", NULL },
    { "post_de", "00999", NULL, "'00999' is not a German postal code (5 digits, not starting 00)" },
    { "post_de", "1011", NULL, "'1011' is not a German postal code (5 digits, not starting 00)" },
    { "clock", "14:05:09", "14:05:09", NULL },
    { "clock", "08:00:00", "08:00:00", NULL },
    { "clock", "07:59:59", NULL, "is 07:59:59, allowed 08:00:00 to 20:30:00" },
    { "clock", "20:30:01", NULL, "is 20:30:01, allowed 08:00:00 to 20:30:00" },
    { "clock", "14:05", NULL, "'14:05' is not a time (HH:MM:SS)" },
    { "clock", "9:05:00", NULL, "'9:05:00' is not a time (HH:MM:SS)" },
    { "clock", "14:05:60", NULL, "'14:05:60' is not a time (HH:MM:SS)" },
    { "clock", "24:00:00", NULL, "'24:00:00' is not a time (HH:MM:SS)" },
};

static void test_normalize(void **state)
{
    (void)state;
    const dict_instrument *in = form_named(&dict, "checks");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const dict_field *f = field_named(in, cases[i].field);
        char *out = NULL, why[256];
        int ok = field_normalize(f, cases[i].in, &out, why, sizeof why);
        if (cases[i].out) {
            if (!ok)
                fail_msg("%s '%s' refused: %s", cases[i].field, cases[i].in, why);
            assert_string_equal(out, cases[i].out);
        } else {
            if (ok)
                fail_msg("%s '%s' taken as '%s'", cases[i].field, cases[i].in, out ? out : "");
            if (strcmp(why, cases[i].why) != 0)
                fail_msg("%s '%s': got \"%s\", want \"%s\"", cases[i].field, cases[i].in, why,
                         cases[i].why);
        }
        free(out);
    }
}

/* Every validation has its own hint, and the names REDCap writes map to
 * them. */
static void test_hints(void **state)
{
    (void)state;
    static const char *const names[] = {
        "integer", "number", "number_1dp", "number_2dp", "number_3dp", "number_4dp",
        "number_comma_decimal", "number_1dp_comma_decimal", "number_2dp_comma_decimal",
        "number_3dp_comma_decimal", "number_4dp_comma_decimal", "date_ymd", "date_mdy",
        "date_dmy", "datetime_ymd", "datetime_mdy", "datetime_dmy", "datetime_seconds_ymd",
        "datetime_seconds_mdy", "datetime_seconds_dmy", "time", "time_mm_ss", "time_hh_mm_ss",
        "email", "alpha_only", "phone", "zipcode", "mrn_10d", "mrn_generic", "vmrn", "ssn",
        "phone_australia", "postalcode_australia", "postalcode_canada", "postalcode_french",
        "postalcode_germany",
    };
    const size_t n = sizeof names / sizeof names[0];
    const char *hints[64];
    hints[0] = field_valid_hint(FV_NONE);
    assert_string_equal(hints[0], "text on one line");
    for (size_t i = 0; i < n; i++) {
        field_valid v;
        if (!field_valid_lookup(names[i], &v))
            fail_msg("'%s' is not known", names[i]);
        assert_int_equal((int)v, (int)i + 1);       /* the enum follows the list */
        hints[i + 1] = field_valid_hint(v);
        assert_string_not_equal(hints[i + 1], "text");
        for (size_t k = 0; k <= i; k++)
            if (strcmp(hints[k], hints[i + 1]) == 0)
                fail_msg("'%s' has the hint of another validation: %s", names[i], hints[k]);
    }
    assert_int_equal(n + 1, (size_t)FV_POSTALCODE_GERMANY + 1);
    assert_string_equal(field_valid_hint(FV_TIME_HH_MM_SS), "a time with seconds, HH:MM:SS");
    assert_string_equal(field_valid_hint((field_valid)999), "text");
}

/* datediff, rounddown, upper, concat, left and right in calc fields, and
 * branching on the result. */
static void test_calc(void **state)
{
    (void)state;
    const dict_instrument *in = form_named(&dict, "checks");
    char **vals = calloc(in->ncols, sizeof *vals);
    vals[instrument_col(in, "mrn_any")] = strdup("ab-77_q");
    vals[instrument_col(in, "dob")] = strdup("1960-03-02");
    vals[instrument_col(in, "seen")] = strdup("2026-03-01");
    instrument_compute(in, vals);
    assert_string_equal(vals[instrument_col(in, "age")], "65");   /* a day short of 66 */
    assert_string_equal(vals[instrument_col(in, "initials")], "AQ");
    long older = instrument_field(in, "older");
    assert_true(instrument_shown(in, (size_t)older, (const char *const *)vals));
    free(vals[instrument_col(in, "seen")]);
    vals[instrument_col(in, "seen")] = strdup("2025-03-01");
    instrument_compute(in, vals);
    assert_string_equal(vals[instrument_col(in, "age")], "64");
    assert_false(instrument_shown(in, (size_t)older, (const char *const *)vals));
    free(vals[instrument_col(in, "dob")]);
    vals[instrument_col(in, "dob")] = NULL;
    instrument_compute(in, vals);
    assert_null(vals[instrument_col(in, "age")]);                 /* blank date: blank age */
    assert_false(instrument_shown(in, (size_t)older, (const char *const *)vals));
    record_clear(vals, in->ncols);
    free(vals);
}

/* A smart variable is refused when the dictionary loads, with its line. */
static void test_refused_at_load(void **state)
{
    (void)state;
    sbuf sb = SBUF_INIT;
    char *path = data_path("dict/validations.csv"), *text = NULL;
    size_t len;
    at_err err;
    assert_int_equal(util_read_file(path, &text, &len, &err), AT_OK);
    sbuf_add(&sb, text, len);
    sbuf_adds(&sb, "ev,checks,,calc,Event,\"if([event-name] = 'week_1_arm_1', 1, 0)\",,,,,,,,,,,,\n");
    dict_file d = { 0 };
    at_msgs problems = AT_MSGS_INIT;
    assert_int_equal(dict_parse("v.csv", sbuf_str(&sb), sb.len, NULL, &d, &problems, &err),
                     AT_EINVAL);
    assert_int_equal(problems.n, 1);
    assert_non_null(strstr(problems.items[0], "'v.csv' line 18: "));
    assert_non_null(strstr(problems.items[0], "'[event-name]' is a REDCap smart variable"));
    msgs_release(&problems);
    dict_release(&d);
    sbuf_release(&sb);
    free(text);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_hints),
        cmocka_unit_test(test_calc),
        cmocka_unit_test(test_refused_at_load),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
