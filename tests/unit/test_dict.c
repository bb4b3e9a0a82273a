/* Unit tests for the data dictionary reader: tests/data/dict/good.csv
 * (every field type and validation, two forms), tests/data/dict/old17.csv
 * (17 columns, older header wording), header variants, writing and reading back, and the shipped
 * instruments.  Bad dictionaries are in test_dict_bad.c, answers against an
 * instrument in test_field.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dict_fixture.h"

/* ---- good.csv ---------------------------------------------------------- */

static void test_good_forms(void **state)
{
    (void)state;
    assert_int_equal(good.nforms, 2);
    assert_string_equal(good.forms[0].name, "intake");         /* order of first appearance */
    assert_string_equal(good.forms[1].name, "session_check");
    for (size_t k = 0; k < 2; k++) {
        const dict_instrument *in = &good.forms[k];
        assert_string_equal(in->record_id, "record_id");
        assert_string_equal(in->record_id_row[DC_NAME], "record_id");
        assert_string_equal(in->record_id_row[DC_FORM], in->name);
        assert_int_equal(instrument_field(in, "record_id"), -1);  /* never asked */
        assert_int_equal(instrument_col(in, "record_id"), -1);
    }
    /* rows 3-36 of intake, without the file and signature fields */
    assert_int_equal(good.forms[0].nfields, 32);
    assert_int_equal(good.warnings.n, 2);
    assert_string_equal(good.warnings.items[0],
                        "'dict/good.csv' line 34: 'consent_file' is a file upload field, left out");
    assert_string_equal(good.warnings.items[1],
                        "'dict/good.csv' line 35: 'consent_sig' is a signature field, left out");
}

static void test_good_validations(void **state)
{
    (void)state;
    const dict_instrument *in = form_named(&good, "intake");
    static const struct {
        const char *name;
        field_valid v;
    } want[] = {
        { "visit_date", FV_DATE_YMD }, { "visit_date_us", FV_DATE_MDY }, { "dob", FV_DATE_DMY },
        { "started", FV_DATETIME_YMD }, { "started_us", FV_DATETIME_MDY },
        { "started_eu", FV_DATETIME_DMY }, { "logged", FV_DATETIME_SECONDS_YMD },
        { "logged_us", FV_DATETIME_SECONDS_MDY }, { "logged_eu", FV_DATETIME_SECONDS_DMY },
        { "start_time", FV_TIME }, { "duration", FV_TIME_MM_SS }, { "age", FV_INTEGER },
        { "weight", FV_NUMBER }, { "temp", FV_NUMBER_1DP }, { "dose", FV_NUMBER_2DP },
        { "ratio", FV_NUMBER_3DP }, { "tiny", FV_NUMBER_4DP }, { "amount", FV_NUMBER_COMMA },
        { "amount1", FV_NUMBER_1DP_COMMA }, { "amount2", FV_NUMBER_2DP_COMMA },
        { "amount3", FV_NUMBER_3DP_COMMA }, { "amount4", FV_NUMBER_4DP_COMMA },
        { "email", FV_EMAIL }, { "initials", FV_ALPHA_ONLY }, { "phone", FV_PHONE },
        { "zip", FV_ZIPCODE }, { "old_int", FV_INTEGER }, { "old_float", FV_NUMBER },
        { "old_date", FV_DATE_YMD }, { "old_dt", FV_DATETIME_YMD },
        { "old_dts", FV_DATETIME_SECONDS_YMD }, { "note", FV_NONE },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const dict_field *f = field_named(in, want[i].name);
        if (f->valid != want[i].v)
            fail_msg("'%s': validation %d, want %d", want[i].name, f->valid, want[i].v);
        assert_int_equal(f->type, want[i].v == FV_NONE ? FT_NOTES : FT_TEXT);
    }
    const dict_field *f = field_named(in, "visit_date");
    assert_true(f->required);
    assert_false(f->identifier);
    assert_true(f->has_min && f->has_max);
    /* dates compare as days since 1970-01-01: 2020-01-01 is day 18262
     * (50 years of 365 days plus 12 leap days, 1972-2016) */
    assert_true(f->min == 18262.0);
    assert_string_equal(f->cols[DC_SECTION], "Visit");
    assert_int_equal(f->line, 3);
    assert_true(field_named(in, "email")->identifier);
    assert_true(field_named(in, "dob")->identifier);
    f = field_named(in, "start_time");
    assert_true(f->min == 8 * 3600.0 && f->max == 18 * 3600.0);   /* times as seconds */
    f = field_named(in, "amount2");
    assert_true(f->min == 0.0 && f->max == 10.5);                 /* "10,5" */
    assert_string_equal(field_named(in, "note")->cols[DC_NOTE], "Optional");
}

static void test_good_session_form(void **state)
{
    (void)state;
    const dict_instrument *in = form_named(&good, "session_check");
    /* columns: the descriptive field has none, the checkbox one per option
     * (codes lower-cased), calc fields are included */
    static const char *const cols[] = {
        "mood", "place", "rupture", "kind___a", "kind___b", "kind___c3", "kind_other", "tension",
        "agree", "double_score", "item1", "item2", "item3", "score", "total", "resolution",
    };
    assert_int_equal(in->ncols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; i < in->ncols; i++)
        assert_string_equal(in->cols[i].name, cols[i]);
    const dict_field *kind = field_named(in, "kind");
    assert_int_equal(kind->col, 3);
    assert_int_equal(kind->ncol, 3);
    assert_int_equal(in->cols[5].choice, 2);
    assert_int_equal(in->cols[5].field, (size_t)instrument_field(in, "kind"));
    assert_string_equal(kind->choices[0].code, "A");
    assert_string_equal(kind->choices[0].label, "I felt misunderstood");
    assert_int_equal(field_named(in, "intro")->ncol, 0);
    assert_int_equal(field_named(in, "intro")->type, FT_DESCRIPTIVE);

    const dict_field *mood = field_named(in, "mood");
    assert_int_equal(mood->nchoices, 3);
    /* no spaces around '|', and a label that holds a comma */
    assert_string_equal(mood->choices[1].code, "2");
    assert_string_equal(mood->choices[1].label, "Middle, neither high nor low");
    assert_string_equal(mood->choices[2].label, "High");
    assert_int_equal(field_named(in, "place")->type, FT_DROPDOWN);

    const dict_field *yn = field_named(in, "rupture");
    assert_int_equal(yn->nchoices, 2);
    assert_string_equal(yn->choices[0].code, "1");
    assert_string_equal(yn->choices[0].label, "Yes");
    assert_string_equal(yn->choices[1].code, "0");
    assert_string_equal(yn->choices[1].label, "No");
    const dict_field *tf = field_named(in, "agree");
    assert_string_equal(tf->choices[0].label, "True");
    assert_string_equal(tf->choices[1].code, "0");
    assert_string_equal(tf->choices[1].label, "False");

    const dict_field *sl = field_named(in, "tension");
    assert_int_equal(sl->type, FT_SLIDER);
    assert_true(sl->min == 1.0 && sl->max == 10.0);
    assert_string_equal(sl->cols[DC_CHOICES], "Slight | Moderate | Strong");
    assert_non_null(sl->branching);

    /* scales and tags */
    const dict_field *score = field_named(in, "score");
    assert_int_equal(score->nterms, 3);
    assert_true(score->scale_is_mean);
    assert_int_equal(score->minitems, 2);
    assert_int_equal(score->role, ROLE_ALLIANCE);
    assert_true(score->has_alert_below && score->alert_below == 3.5);
    const dict_field *total = field_named(in, "total");
    assert_int_equal(total->nterms, 3);
    assert_false(total->scale_is_mean);
    assert_int_equal(total->minitems, 3);
    /* the @ROLE inside @DEFAULT's quoted value is not a tag */
    assert_int_equal(total->role, ROLE_NONE);
    const dict_field *dbl = field_named(in, "double_score");
    assert_int_equal(dbl->nterms, 0);
    assert_null(dbl->terms);
    const dict_field *res = field_named(in, "resolution");
    assert_true(res->has_resolved_at && res->resolved_at == 4.0);
    assert_int_equal(instrument_role(in, ROLE_RESOLUTION), instrument_field(in, "resolution"));
    assert_int_equal(instrument_role(in, ROLE_RUPTURE_KIND), instrument_field(in, "kind"));
    assert_int_equal(instrument_role(in, ROLE_MARKER), -1);
    assert_string_equal(field_role_name(ROLE_RUPTURE_KIND), "rupture-kind");
    assert_string_equal(field_type_name(FT_TRUEFALSE), "truefalse");

    /* calc order: score before double_score, which refers to it although
     * it comes first in the file */
    assert_int_equal(in->ncalc, 3);
    size_t pos_score = 99, pos_double = 99;
    for (size_t i = 0; i < in->ncalc; i++) {
        if (in->calc_order[i] == (size_t)instrument_field(in, "score"))
            pos_score = i;
        if (in->calc_order[i] == (size_t)instrument_field(in, "double_score"))
            pos_double = i;
    }
    assert_true(pos_score < pos_double && pos_double < in->ncalc);
}

/* ---- writing and reading back ------------------------------------------ */

static void assert_same_instrument(const dict_instrument *a, const dict_instrument *b)
{
    assert_string_equal(a->name, b->name);
    assert_int_equal(a->nfields, b->nfields);
    assert_int_equal(a->ncols, b->ncols);
    assert_int_equal(a->ncalc, b->ncalc);
    assert_int_equal(!a->record_id, !b->record_id);
    if (a->record_id) {
        assert_string_equal(a->record_id, b->record_id);
        for (int d = 0; d < DC_NCOLS; d++)
            assert_string_equal(a->record_id_row[d], b->record_id_row[d]);
    }
    for (size_t i = 0; i < a->ncols; i++) {
        assert_string_equal(a->cols[i].name, b->cols[i].name);
        assert_int_equal(a->cols[i].field, b->cols[i].field);
        assert_int_equal(a->cols[i].choice, b->cols[i].choice);
    }
    for (size_t i = 0; i < a->ncalc; i++)
        assert_int_equal(a->calc_order[i], b->calc_order[i]);
    for (size_t i = 0; i < a->nfields; i++) {
        const dict_field *f = &a->fields[i], *g = &b->fields[i];
        for (int d = 0; d < DC_NCOLS; d++)
            assert_string_equal(f->cols[d], g->cols[d]);
        assert_int_equal(f->type, g->type);
        assert_int_equal(f->valid, g->valid);
        assert_int_equal(f->nchoices, g->nchoices);
        for (size_t k = 0; k < f->nchoices; k++) {
            assert_string_equal(f->choices[k].code, g->choices[k].code);
            assert_string_equal(f->choices[k].label, g->choices[k].label);
        }
        assert_int_equal(f->has_min, g->has_min);
        assert_int_equal(f->has_max, g->has_max);
        assert_true(f->min == g->min && f->max == g->max);
        assert_int_equal(f->required, g->required);
        assert_int_equal(f->identifier, g->identifier);
        assert_int_equal(!f->branching, !g->branching);
        assert_int_equal(!f->calc, !g->calc);
        assert_int_equal(f->nterms, g->nterms);
        assert_int_equal(f->scale_is_mean, g->scale_is_mean);
        assert_int_equal(f->role, g->role);
        assert_int_equal(f->minitems, g->minitems);
        assert_int_equal(f->has_alert_below, g->has_alert_below);
        assert_true(f->alert_below == g->alert_below);
        assert_int_equal(f->has_resolved_at, g->has_resolved_at);
        assert_true(f->resolved_at == g->resolved_at);
        assert_int_equal(f->col, g->col);
        assert_int_equal(f->ncol, g->ncol);
    }
}

/* Writes each form, parses the text, compares, and writes again. */
static void round_trip(const dict_file *d)
{
    for (size_t k = 0; k < d->nforms; k++) {
        sbuf text = SBUF_INIT, again = SBUF_INIT;
        dict_write_form(&d->forms[k], &text);
        dict_file back;
        at_msgs p = AT_MSGS_INIT;
        at_err err;
        if (dict_parse("written.csv", text.buf, text.len, NULL, &back, &p, &err) != AT_OK) {
            dump_problems(&p);
            fail_msg("%s", err.msg);
        }
        assert_int_equal(back.nforms, 1);
        assert_same_instrument(&d->forms[k], &back.forms[0]);
        dict_write_form(&back.forms[0], &again);
        assert_string_equal(text.buf, again.buf);
        msgs_release(&p);
        dict_release(&back);
        sbuf_release(&text);
        sbuf_release(&again);
    }
}

static void test_write_round_trip(void **state)
{
    (void)state;
    round_trip(&good);
    sbuf text = SBUF_INIT;
    dict_write_form(form_named(&good, "session_check"), &text);
    /* 18 REDCap headers, the record identifier first, then the fields */
    const char *want_start =
        "Variable / Field Name,Form Name,Section Header,Field Type,Field Label,"
        "\"Choices, Calculations, OR Slider Labels\",Field Note,"
        "Text Validation Type OR Show Slider Number,Text Validation Min,Text Validation Max,"
        "Identifier?,Branching Logic (Show field only if...),Required Field?,Custom Alignment,"
        "Question Number (surveys only),Matrix Group Name,Matrix Ranking?,Field Annotation\n"
        "record_id,session_check,,text,Record ID,,,,,,,,,,,,,\n"
        "intro,session_check,,descriptive,A few questions about today's session.,,,,,,,,,,,,,\n";
    assert_int_equal(strncmp(text.buf, want_start, strlen(want_start)), 0);
    sbuf_release(&text);
}

static void test_old17(void **state)
{
    (void)state;
    dict_file d;
    at_msgs p = AT_MSGS_INIT;
    /* the first field is not record_id, so it is an ordinary question */
    at_status st = load_file("dict/old17.csv", &d, &p);
    if (st != AT_OK)
        dump_problems(&p);
    assert_int_equal(st, AT_OK);
    assert_int_equal(d.nforms, 1);
    const dict_instrument *in = &d.forms[0];
    assert_null(in->record_id);
    assert_int_equal(in->nfields, 4);
    const dict_field *code = field_named(in, "client_code");
    assert_true(code->identifier && code->required);
    assert_string_equal(code->cols[DC_ANNOTATION], "");
    const dict_field *energy = field_named(in, "energy");
    assert_true(energy->min == 0.0 && energy->max == 100.0);   /* slider default */
    assert_string_equal(field_named(in, "feeling")->choices[2].label, "Good");
    assert_int_equal(field_named(in, "sum_score")->nterms, 2);
    round_trip(&d);
    dict_release(&d);

    /* the same file with the identifier named on the command line */
    char *path = data_path("dict/old17.csv"), *text;
    size_t len;
    at_err err;
    assert_int_equal(util_read_file(path, &text, &len, &err), AT_OK);
    assert_int_equal(dict_parse("old17.csv", text, len, "client_code", &d, &p, &err), AT_OK);
    assert_string_equal(d.forms[0].record_id, "client_code");
    assert_int_equal(d.forms[0].nfields, 3);
    assert_int_equal(instrument_col(&d.forms[0], "client_code"), -1);
    dict_release(&d);
    free(text);
    free(path);
    msgs_release(&p);
}

/* Headers are matched by name, in any order, case and spacing. */
static void test_header_variants(void **state)
{
    (void)state;
    const char *text =
        "form name, FIELD TYPE ,Variable / Field Name,Field Label,Choices OR Calculations,"
        "Section Header,Field Note,Text Validation Type OR Show Slider Number,Text Validation Min,"
        "Text Validation Max,Identifier,Branching Logic (Show field only if...),Required Field?,"
        "Custom Alignment,Question Number (surveys only),Matrix Group Name,Matrix Ranking?,"
        "Field Annotation\n"
        "f,radio,mood,Mood,\"1, Low | 2, High\",,,,,,,,y,,,,,@ROLE=tension\n";
    dict_file d;
    at_msgs p = AT_MSGS_INIT;
    at_err err;
    at_status st = dict_parse("v.csv", text, strlen(text), NULL, &d, &p, &err);
    if (st != AT_OK)
        dump_problems(&p);
    assert_int_equal(st, AT_OK);
    const dict_field *f = &d.forms[0].fields[0];
    assert_string_equal(f->name, "mood");
    assert_int_equal(f->type, FT_RADIO);
    assert_int_equal(f->nchoices, 2);
    assert_true(f->required);
    assert_int_equal(f->role, ROLE_TENSION);
    dict_release(&d);
}

/* Choice codes as REDCap takes them: a checkbox may have a negative code
 * (-99 for "unknown") and codes with '.', whose columns REDCap names with
 * '_' in their place (x____99, x___1_5); branching names the code as it is. */
static void test_checkbox_codes(void **state)
{
    (void)state;
    const char *text = HEADER18
        "kind,f,,checkbox,Kind,\"1, One | 1.5, Half | -99, Unknown | A, Letter\",,,,,,,,,,,,\n"
        "why,f,,text,Why,,,,,,,[kind(-99)] = '1',,,,,,\n"
        "mood,f,,radio,Mood,\"-1, Worse | 0, Same | 1, Better\",,,,,,,,,,,,\n";
    dict_file d;
    at_msgs p = AT_MSGS_INIT;
    at_err err;
    at_status st = dict_parse("codes.csv", text, strlen(text), NULL, &d, &p, &err);
    if (st != AT_OK)
        dump_problems(&p);
    assert_int_equal(st, AT_OK);
    const dict_instrument *in = &d.forms[0];
    const char *const want[] = { "kind___1", "kind___1_5", "kind____99", "kind___a", "why", "mood" };
    assert_int_equal(in->ncols, 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(in->cols[i].name, want[i]);
    assert_int_equal(instrument_col(in, "kind____99"), 2);
    const char *vals[6] = { "0", "0", "1", "0", NULL, NULL };
    assert_true(instrument_shown(in, 1, vals));
    vals[2] = "0";
    assert_false(instrument_shown(in, 1, vals));
    dict_release(&d);
    msgs_release(&p);
}

/* REDCap's action tags that keep a field from being asked there load, with
 * a warning naming the line: attune asks the field all the same.  On a
 * calc (never asked) and with tags that still show it to respondents
 * (@HIDDEN-FORM) nothing is said. */
static void test_redcap_tags_warned(void **state)
{
    (void)state;
    const char *text = HEADER18
        "a,f,,text,A,,,,,,,,,,,,,\"@HIDDEN @DEFAULT='1'\"\n"
        "b,f,,text,B,,,,,,,,,,,,,\"@CALCTEXT(if([a] = '1', 'x', 'y'))\"\n"
        "c,f,,calc,C,1,,,,,,,,,,,,@HIDDEN\n"
        "d,f,,text,D,,,,,,,,,,,,,@HIDDEN-FORM\n"
        "e,f,,descriptive,E,,,,,,,,,,,,,@hidden-survey\n";
    dict_file d;
    at_msgs p = AT_MSGS_INIT;
    at_err err;
    at_status st = dict_parse("tags.csv", text, strlen(text), NULL, &d, &p, &err);
    if (st != AT_OK)
        dump_problems(&p);
    assert_int_equal(st, AT_OK);
    assert_int_equal(d.warnings.n, 3);
    assert_string_equal(d.warnings.items[0], "'tags.csv' line 2: 'a': @HIDDEN hides it in REDCap, "
                        "but attune asks it (of the action tags, attune follows only its own)");
    assert_string_equal(d.warnings.items[1], "'tags.csv' line 3: 'b': @CALCTEXT computes it in "
                        "REDCap, but attune asks it (of the action tags, attune follows only its own)");
    assert_string_equal(d.warnings.items[2], "'tags.csv' line 6: 'e': @HIDDEN-SURVEY hides it in "
                        "surveys in REDCap, but attune shows it (of the action tags, attune follows "
                        "only its own)");
    dict_release(&d);
    msgs_release(&p);
}

/* The roles each shipped form must carry (instruments/README.md): the
 * client's and therapist's questionnaires an alliance score and the rupture
 * items, the observer's rating markers and strategies, the two licensed
 * templates an alliance score. */
static const struct {
    const char *form;
    field_role roles[6];       /* ROLE_NONE ends the list */
} shipped[] = {
    { "client_post_session", { ROLE_ALLIANCE, ROLE_RUPTURE, ROLE_RUPTURE_KIND, ROLE_RESOLUTION,
                               ROLE_FOLLOWUP, ROLE_NONE } },
    { "therapist_post_session", { ROLE_ALLIANCE, ROLE_RUPTURE, ROLE_MARKER, ROLE_STRATEGY,
                                  ROLE_RESOLUTION, ROLE_NONE } },
    { "observer_session_rating", { ROLE_RUPTURE, ROLE_MARKER, ROLE_STRATEGY, ROLE_RESOLUTION,
                                   ROLE_NONE } },
    { "wai_sr", { ROLE_ALLIANCE, ROLE_NONE } },
    { "srs", { ROLE_ALLIANCE, ROLE_NONE } },
};
#define NSHIPPED (sizeof shipped / sizeof shipped[0])

/* Every shipped instrument loads without problems, starts with the record
 * identifier, has its roles and survives a round trip. */
static void test_shipped_instruments(void **state)
{
    (void)state;
    char *dir = data_path("../../instruments");
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    int seen[NSHIPPED] = { 0 };
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 5 || strcmp(de->d_name + n - 4, ".csv") != 0)
            continue;
        sbuf path = SBUF_INIT;
        sbuf_addf(&path, "%s/%s", dir, de->d_name);
        char *text;
        size_t len;
        at_err err;
        assert_int_equal(util_read_file(path.buf, &text, &len, &err), AT_OK);
        dict_file d;
        at_msgs p = AT_MSGS_INIT;
        at_status st = dict_parse(de->d_name, text, len, NULL, &d, &p, &err);
        if (st != AT_OK) {
            dump_problems(&p);
            fail_msg("%s: %s", de->d_name, err.msg);
        }
        assert_true(d.nforms >= 1);
        for (size_t k = 0; k < d.nforms; k++) {
            const dict_instrument *in = &d.forms[k];
            assert_non_null(in->record_id);   /* they load into REDCap unchanged */
            for (size_t s = 0; s < NSHIPPED; s++) {
                if (strcmp(in->name, shipped[s].form) != 0)
                    continue;
                seen[s]++;
                for (const field_role *r = shipped[s].roles; *r != ROLE_NONE; r++)
                    if (instrument_role(in, *r) < 0)
                        fail_msg("%s: no @ROLE=%s", in->name, field_role_name(*r));
            }
        }
        round_trip(&d);
        dict_release(&d);
        msgs_release(&p);
        free(text);
        sbuf_release(&path);
    }
    closedir(dp);
    free(dir);
    for (size_t s = 0; s < NSHIPPED; s++)
        if (seen[s] != 1)
            fail_msg("form '%s' is shipped %d times, want once", shipped[s].form, seen[s]);
}

/* Column lookup by name (instrument_col searches an index made at parse
 * time) against a plain search through the columns in order: every column
 * by its name and in other letter cases, and names that fall before, between
 * and after them. */
static long col_in_order(const dict_instrument *in, const char *name)
{
    for (size_t i = 0; i < in->ncols; i++)
        if (strcasecmp(in->cols[i].name, name) == 0)
            return (long)i;
    return -1;
}

static void test_col_lookup(void **state)
{
    (void)state;
    for (size_t k = 0; k < good.nforms; k++) {
        const dict_instrument *in = &good.forms[k];
        assert_true(in->ncols > 5);
        for (size_t i = 0; i < in->ncols; i++) {
            char name[128], other[130];
            snprintf(name, sizeof name, "%s", in->cols[i].name);
            assert_int_equal(instrument_col(in, name), (long)i);
            for (char *p = name; *p; p++)
                *p = (char)toupper((unsigned char)*p);
            assert_int_equal(instrument_col(in, name), (long)i);
            snprintf(other, sizeof other, "%sx", in->cols[i].name);
            assert_int_equal(instrument_col(in, other), col_in_order(in, other));
            snprintf(other, sizeof other, "%.*s", (int)strlen(in->cols[i].name) - 1,
                     in->cols[i].name);
            assert_int_equal(instrument_col(in, other), col_in_order(in, other));
        }
        static const char *const absent[] = { "", "0", "a", "zzzz", "~", "record_id" };
        for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
            assert_int_equal(instrument_col(in, absent[i]), -1);
    }
    /* the checkbox option columns of session_check are found too */
    const dict_instrument *in = form_named(&good, "session_check");
    size_t boxes = 0;
    for (size_t i = 0; i < in->ncols; i++)
        if (in->cols[i].choice >= 0) {
            assert_int_equal(instrument_col(in, in->cols[i].name), (long)i);
            boxes++;
        }
    assert_int_equal(boxes, 3);
    assert_int_equal(instrument_col(in, "KIND___C3"), instrument_col(in, "kind___c3"));
}

int main(void)
{
    const struct CMUnitTest with_good[] = {
        cmocka_unit_test(test_good_forms),
        cmocka_unit_test(test_good_validations),
        cmocka_unit_test(test_good_session_form),
        cmocka_unit_test(test_write_round_trip),
        cmocka_unit_test(test_col_lookup),
    };
    const struct CMUnitTest others[] = {
        cmocka_unit_test(test_old17),
        cmocka_unit_test(test_header_variants),
        cmocka_unit_test(test_checkbox_codes),
        cmocka_unit_test(test_redcap_tags_warned),
        cmocka_unit_test(test_shipped_instruments),
    };
    int failed = cmocka_run_group_tests_name("good.csv", with_good, load_good, release_good);
    failed += cmocka_run_group_tests_name("dictionaries", others, NULL, NULL);
    return failed;
}
