/* Unit tests for dictionaries that must be refused: each problem is
 * reported with the file and line, every problem in a file is reported, and
 * nothing is handed back.  The dictionaries are built inline (header on line
 * 1, rows from line 2), so every expected line number can be read off. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "dict_fixture.h"

/* Asserts that some problem contains needle. */
static void assert_problem(const at_msgs *p, const char *needle)
{
    for (size_t i = 0; i < p->n; i++)
        if (strstr(p->items[i], needle))
            return;
    dump_problems(p);
    fail_msg("no problem contains \"%s\"", needle);
}

/* ---- bad dictionaries -------------------------------------------------- */

typedef struct rowdef {
    const char *name, *form, *type, *choices, *valid, *min, *max, *branch, *req, *ann;
    const char *matrix, *rank;
} rowdef;

/* A dictionary text: the header on line 1, rows on lines 2, 3, ... */
static char *build(const rowdef *rows)
{
    sbuf sb = SBUF_INIT;
    csvout w;
    sbuf_adds(&sb, HEADER18);
    csvout_init_buf(&w, &sb);
    for (const rowdef *r = rows; r->name; r++) {
        const char *cells[DC_NCOLS] = { 0 };
        cells[DC_NAME] = r->name;
        cells[DC_FORM] = r->form ? r->form : "f";
        cells[DC_TYPE] = r->type ? r->type : "text";
        cells[DC_LABEL] = "A question";
        cells[DC_CHOICES] = r->choices;
        cells[DC_VALIDATION] = r->valid;
        cells[DC_MIN] = r->min;
        cells[DC_MAX] = r->max;
        cells[DC_BRANCHING] = r->branch;
        cells[DC_REQUIRED] = r->req;
        cells[DC_ANNOTATION] = r->ann;
        cells[DC_MATRIX_GROUP] = r->matrix;
        cells[DC_MATRIX_RANKING] = r->rank;
        csvout_row(&w, cells, DC_NCOLS);
    }
    return sbuf_detach(&sb);
}

#define RADIO(n) { .name = n, .type = "radio", .choices = "1, Low | 2, High" }
#define CHECKBOX(n) { .name = n, .type = "checkbox", .choices = "1, One | 2, Two" }

static const struct bad_case {
    rowdef rows[5];
    const char *want;
} bad_cases[] = {
    { { RADIO("mood"), { .name = "x", .type = "scale" } },
      "'bad.csv' line 3: 'x': unknown field type 'scale'" },
    { { { .name = "x", .type = "" } }, "'bad.csv' line 2: 'x': no field type" },
    { { { .name = "x", .valid = "mrn_11d" } }, "'bad.csv' line 2: 'x': unknown validation 'mrn_11d'" },
    { { { .name = "x", .type = "radio", .choices = "1 Low | 2, High" } },
      "'bad.csv' line 2: 'x': choice '1 Low' has no comma between code and label" },
    { { { .name = "x", .type = "radio", .choices = "1, a || 2, b" } },
      "'bad.csv' line 2: 'x': choice 2 is empty" },
    { { { .name = "x", .type = "dropdown", .choices = "1, a | 2, b | 1, c" } },
      "'bad.csv' line 2: 'x': choice code '1' appears twice" },
    { { { .name = "x", .type = "checkbox", .choices = "a, A | A, B" } },
      "'bad.csv' line 2: 'x': choice code 'A' appears twice" },   /* same column x___a */
    { { { .name = "x", .type = "checkbox" } }, "'bad.csv' line 2: 'x': a checkbox field needs choices" },
    { { { .name = "x", .type = "radio", .choices = "  " } }, "'bad.csv' line 2: 'x': a radio field needs choices" },
    { { { .name = "x", .type = "checkbox", .choices = "a/b, One" } },
      "'bad.csv' line 2: 'x': choice code 'a/b' may hold only letters, digits, underscores, '.' and '-'" },
    { { { .name = "x", .type = "radio", .choices = "1 2, One" } },
      "'bad.csv' line 2: 'x': choice code '1 2' may hold only letters, digits, underscores, '.' and '-'" },
    /* REDCap writes both as the column x____1 */
    { { { .name = "x", .type = "checkbox", .choices = "-1, Minus one | _1, Other" } },
      "'bad.csv' line 2: 'x': choice codes '-1' and '_1' give the same column 'x____1'" },
    { { { .name = "x", .type = "radio", .choices = ", One" } }, "'bad.csv' line 2: 'x': choice 1 has no code" },
    /* branching syntax error: 26 characters, the ')' is missing at 27 */
    { { RADIO("mood"), { .name = "x", .branch = "[mood] = 1 and ([mood] = 2" } },
      "'bad.csv' line 3: 'x': branching logic: expected ')' at position 27" },
    { { RADIO("mood"), { .name = "x", .type = "calc", .choices = "sum([mood],)" } },
      "'bad.csv' line 3: 'x': calculation: unexpected ')' at position 12" },
    { { RADIO("mood"), { .name = "x", .branch = "[moood] = 1" } },
      "'bad.csv' line 3: 'x': branching logic: unknown field 'moood'" },
    { { RADIO("mood"), { .name = "x", .form = "g", .branch = "[mood] = 1" } },
      "'bad.csv' line 3: 'x': branching logic: 'mood' is on form 'f', not on 'g'" },
    /* REDCap allows another form's field, but a questionnaire holds one
     * form: the message says which form to leave out to add the others */
    { { RADIO("mood"), { .name = "x", .form = "g", .branch = "[mood] = 1" } },
      "'bad.csv' line 3: 'x': branching logic: 'mood' is on form 'f', not on 'g': a form sees "
      "only its own answers (a questionnaire holds one form), so 'g' cannot be added with this "
      "branching logic; leave form 'g' out of the file (or the reference out of the branching "
      "logic) to add the other forms" },
    { { RADIO("mood"), { .name = "x", .form = "g", .type = "calc", .choices = "[mood] * 2" } },
      "'bad.csv' line 3: 'x': calculation: 'mood' is on form 'f', not on 'g': a form sees only "
      "its own answers (a questionnaire holds one form), so 'g' cannot be added with this "
      "calculation; leave form 'g' out of the file (or the reference out of the calculation) "
      "to add the other forms" },
    { { CHECKBOX("kind"), { .name = "x", .branch = "[kind] = 1" } },
      "'bad.csv' line 3: 'x': branching logic: 'kind' is a checkbox: name one option, as [kind(code)]" },
    { { CHECKBOX("kind"), { .name = "x", .branch = "[kind(9)] = 1" } },
      "'bad.csv' line 3: 'x': branching logic: checkbox 'kind' has no option '9'" },
    { { RADIO("mood"), { .name = "x", .branch = "[mood(1)] = 1" } },
      "'bad.csv' line 3: 'x': branching logic: 'mood' is not a checkbox, so [mood(1)] has no meaning" },
    { { { .name = "record_id" }, { .name = "x", .branch = "[record_id] = '1'" } },
      "'bad.csv' line 3: 'x': branching logic: 'record_id' is the record identifier" },
    { { RADIO("mood"), { .name = "x" }, RADIO("mood") },
      "'bad.csv' line 4: 'mood': the variable name is already used on line 2" },
    { { { .name = "total", .type = "calc", .choices = "[total] + 1" } },
      "'bad.csv' line 2: 'total': the calculation refers to 'total' itself" },
    { { { .name = "a", .type = "calc", .choices = "[b] + 1" },
        { .name = "b", .type = "calc", .choices = "[c] * 2" },
        { .name = "c", .type = "calc", .choices = "[a] - 1" } },
      "'bad.csv' line 2: 'a': calculations refer to each other in a circle: a -> b -> c -> a" },
    { { { .name = "x", .type = "calc" } }, "'bad.csv' line 2: 'x': a calc field needs a calculation" },
    { { { .name = "x", .ann = "@HIDDEN @ROLE=boss" } },
      "'bad.csv' line 2: 'x': @ROLE=boss is not a role" },
    { { { .name = "x", .type = "yesno", .ann = "@ROLE" } },
      "'bad.csv' line 2: 'x': @ROLE needs a value (@ROLE=...)" },
    { { RADIO("i1"), RADIO("i2"), { .name = "s", .type = "calc", .choices = "mean([i1], [i2])", .ann = "@MINITEMS=0" } },
      "'bad.csv' line 4: 's': @MINITEMS=0 is not a positive whole number" },
    { { RADIO("i1"), RADIO("i2"), { .name = "s", .type = "calc", .choices = "mean([i1], [i2])", .ann = "@MINITEMS=1.5" } },
      "'bad.csv' line 4: 's': @MINITEMS=1.5 is not a positive whole number" },
    { { RADIO("i1"), RADIO("i2"), { .name = "s", .type = "calc", .choices = "[i1] + [i2]", .ann = "@MINITEMS=3" } },
      "'bad.csv' line 4: 's': @MINITEMS=3 is more than the scale's 2 items" },
    { { RADIO("i1"), { .name = "s", .type = "calc", .choices = "[i1] * 2", .ann = "@MINITEMS=1" } },
      "'bad.csv' line 3: 's': @MINITEMS is for a scale" },
    { { { .name = "x", .type = "slider", .ann = "@ROLE=alliance @ALERT-BELOW=low" } },
      "'bad.csv' line 2: 'x': @ALERT-BELOW=low is not a number" },
    { { { .name = "x", .type = "slider", .ann = "@ALERT-BELOW=30" } },
      "'bad.csv' line 2: 'x': @ALERT-BELOW belongs on the @ROLE=alliance field" },
    { { RADIO("x"), { .name = "y", .type = "radio", .choices = "1, a | 2, b", .ann = "@ROLE=resolution @RESOLVED-AT=4 @RESOLVED-AT=5" } },
      "'bad.csv' line 3: 'y': @RESOLVED-AT is given twice" },
    { { { .name = "x", .ann = "@ROLE=rupture" } }, "'bad.csv' line 2: 'x': @ROLE=rupture needs a yesno field, or choices with the codes 1 (yes) and 0 (no)" },
    /* 1 and 2 is a yes/no of another convention, not read as 1 and 0 */
    { { { .name = "x", .type = "radio", .choices = "1, Yes | 2, No", .ann = "@ROLE=rupture" } },
      "'bad.csv' line 2: 'x': @ROLE=rupture needs a yesno field, or choices with the codes 1 (yes) and 0 (no)" },
    { { { .name = "x", .type = "radio", .choices = "1, Yes | 9, Rather not say", .ann = "@ROLE=followup" } },
      "'bad.csv' line 2: 'x': @ROLE=followup needs a yesno field, or choices with the codes 1 (yes) and 0 (no)" },
    { { RADIO("x"), { .name = "m", .type = "radio", .choices = "1, a", .ann = "@ROLE=marker" } },
      "'bad.csv' line 3: 'm': @ROLE=marker needs a checkbox field" },
    { { { .name = "x", .ann = "@ROLE=alliance" } },
      "'bad.csv' line 2: 'x': @ROLE=alliance needs a number" },
    { { { .name = "x", .type = "yesno", .ann = "@ROLE=rupture" }, { .name = "y", .type = "yesno", .ann = "@ROLE=rupture" } },
      "'bad.csv' line 3: 'y': @ROLE=rupture is already on 'x' (line 2)" },
    { { { .name = "x", .valid = "date_ymd", .min = "2020-13-01" } },
      "'bad.csv' line 2: 'x': Text Validation Min: '2020-13-01' is not a date" },
    { { { .name = "x", .valid = "integer", .min = "10", .max = "1" } },
      "'bad.csv' line 2: 'x': the minimum is above the maximum" },
    { { { .name = "x", .valid = "email", .max = "10" } },
      "'bad.csv' line 2: 'x': Text Validation Max is given, but its validation takes no range" },
    { { { .name = "x", .min = "1" } },
      "'bad.csv' line 2: 'x': Text Validation Min is given, but the field has no validation" },
    { { { .name = "x", .type = "slider", .max = "lots" } },
      "'bad.csv' line 2: 'x': slider maximum 'lots' is not a number" },
    { { { .name = "x", .req = "maybe" } },
      "'bad.csv' line 2: 'x': Required Field? is 'maybe', expected y or nothing" },
    { { { .name = "Mood" } }, "'bad.csv' line 2: 'Mood': a variable name is lower-case letters" },
    { { { .name = "x", .form = " " } }, "'bad.csv' line 2: 'x': no form name" },
    { { { .name = "x", .type = "checkbox", .choices = "1, a" }, { .name = "x___1" } },
      "'bad.csv' line 2: 'x': column 'x___1' clashes with the field on line 3" },
    { { RADIO("a"), { .name = "b", .form = "g" }, { .name = "c" } },
      "'bad.csv' line 4: 'c': form 'f' has rows above, and form 'g' (line 3) comes between: a "
      "form's fields are adjacent rows" },
    /* names REDCap gives columns of its own in exports */
    { { RADIO("a"), { .name = "f_complete", .type = "yesno" } },
      "'bad.csv' line 3: 'f_complete': the name is the column of a form's status in REDCap's "
      "exports, so a field cannot have it" },
    { { RADIO("a"), { .name = "g_timestamp", .form = "g" } },
      "'bad.csv' line 3: 'g_timestamp': the name is the column of a survey's time" },
    { { { .name = "redcap_event_name" } },
      "'bad.csv' line 2: 'redcap_event_name': the name is a column REDCap's exports and imports hold" },
    /* matrix groups as REDCap draws them: adjacent radio or checkbox fields
     * sharing their choices; ranking for radio matrices */
#define IN_MATRIX(n, t, ch, m) { .name = n, .type = t, .choices = ch, .matrix = m }
    { { IN_MATRIX("a", "radio", "1, Low | 2, High", "m"), IN_MATRIX("b", "dropdown", "1, Low | 2, High", "m") },
      "'bad.csv' line 3: 'b': a field in matrix group 'm' is radio or checkbox, not dropdown" },
    { { IN_MATRIX("a", "radio", "1, Low | 2, High", "m"), IN_MATRIX("b", "checkbox", "1, Low | 2, High", "m") },
      "'bad.csv' line 3: 'b': matrix group 'm' is of radio fields (line 2), not checkbox" },
    { { IN_MATRIX("a", "radio", "1, Low | 2, High", "m"), IN_MATRIX("b", "radio", "1, Low | 2, Top", "m") },
      "'bad.csv' line 3: 'b': the choices differ from those of 'a' (line 2): the fields of matrix "
      "group 'm' share their choices" },
    { { IN_MATRIX("a", "radio", "1, Low | 2, High", "m"), RADIO("c"),
        IN_MATRIX("b", "radio", "1, Low | 2, High", "m") },
      "'bad.csv' line 4: 'b': matrix group 'm' is on line 2 already, with other fields between" },
    { { IN_MATRIX("a", "radio", "1, Low | 2, High", "My matrix") },
      "'bad.csv' line 2: 'a': matrix group name 'My matrix' is not lower-case letters" },
    { { { .name = "a", .type = "radio", .choices = "1, Low | 2, High", .rank = "y" } },
      "'bad.csv' line 2: 'a': Matrix Ranking? is y, but the field is in no matrix group" },
    { { { .name = "a", .type = "checkbox", .choices = "1, Low | 2, High", .matrix = "m", .rank = "y" } },
      "'bad.csv' line 2: 'a': Matrix Ranking? is for radio fields, not checkboxes" },
    { { { .name = "a", .type = "radio", .choices = "1, Low | 2, High", .matrix = "m", .rank = "1" } },
      "'bad.csv' line 2: 'a': Matrix Ranking? is '1', expected y or nothing" },
};

static void test_bad_dictionaries(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        char *text = build(bad_cases[i].rows);
        dict_file d;
        at_msgs p = AT_MSGS_INIT;
        at_err err;
        at_status st = dict_parse("bad.csv", text, strlen(text), NULL, &d, &p, &err);
        if (st != AT_EINVAL)
            fail_msg("case %zu loaded; want \"%s\"", i, bad_cases[i].want);
        assert_int_equal(d.nforms, 0);   /* nothing is handed back */
        if (p.n != 1) {
            dump_problems(&p);
            fail_msg("case %zu: %zu problems, want 1: \"%s\"", i, p.n, bad_cases[i].want);
        }
        assert_problem(&p, bad_cases[i].want);
        assert_string_equal(err.msg, "'bad.csv': 1 problem");
        msgs_release(&p);
        free(text);
    }
}

static void expect_problems(const char *name, const char *text, const char *const *want, size_t n)
{
    dict_file d;
    at_msgs p = AT_MSGS_INIT;
    at_err err;
    assert_int_equal(dict_parse(name, text, strlen(text), NULL, &d, &p, &err), AT_EINVAL);
    if (p.n != n)
        dump_problems(&p);
    assert_int_equal(p.n, n);
    for (size_t i = 0; i < n; i++)
        assert_problem(&p, want[i]);
    msgs_release(&p);
}

static void test_bad_files(void **state)
{
    (void)state;
    const char *empty[] = { "'e.csv' line 1: the file is empty" };
    expect_problems("e.csv", "", empty, 1);
    expect_problems("e.csv", "\n\n", empty, 1);
    const char *header_only[] = { "'h.csv' line 1: the dictionary has a header but no fields" };
    expect_problems("h.csv", HEADER18, header_only, 1);
    /* unbalanced quotes: the CSV reader's message, with the line */
    const char *quotes[] = { "'q.csv' line 3: malformed CSV" };
    expect_problems("q.csv", HEADER18 "a,f,,text,Fine,,,,,,,,,,,,,\n"
                    "b,f,,text,\"Not closed,,,,,,,,,,,,,\nc,f,,text,C,,,,,,,,,,,,,\n", quotes, 1);
    /* an unknown header is named; the column it replaced is missing */
    const char *unknown[] = { "'u.csv' line 1: unknown column 'Colour'",
                              "'u.csv' line 1: missing column 'Field Note'" };
    expect_problems("u.csv",
        "Variable / Field Name,Form Name,Section Header,Field Type,Field Label,Choices OR Calculations,"
        "Colour,Text Validation Type OR Show Slider Number,Text Validation Min,Text Validation Max,"
        "Identifier?,Branching Logic (Show field only if...),Required Field?,Custom Alignment,"
        "Question Number (surveys only),Matrix Group Name,Matrix Ranking?\nx,f,,text,X,,,,,,,,,,,,\n",
        unknown, 2);
    const char *notcsv[] = { "'n.csv' line 1: not a REDCap data dictionary (unknown column 'hello world')" };
    expect_problems("n.csv", "hello world\nthis is not a dictionary\n", notcsv, 1);
    const char *extra[] = { "'x.csv' line 2: the row has 19 cells, the header 18" };
    expect_problems("x.csv", HEADER18 "x,f,,text,X,,,,,,,,,,,,,,surplus\n", extra, 1);
    /* a cell left out moves an annotation into Matrix Ranking: refused,
     * not read as a row whose last cells are blank (and the cell that
     * landed there is no Matrix Ranking either) */
    const char *missing[] = { "'m.csv' line 3: the row has 17 cells, the header 18 (a cell is "
                              "missing: every row has one for each column, blank or not)",
                              "'m.csv' line 3: 'intro': Matrix Ranking? is '@TEMPLATE', expected y "
                              "or nothing" };
    expect_problems("m.csv", HEADER18 "x,f,,text,X,,,,,,,,,,,,,\n"
                             "intro,f,,descriptive,Hello,,,,,,,,,,,,@TEMPLATE\n", missing, 2);
}

/* Every problem in a file is reported, each with its line. */
static void test_all_problems_reported(void **state)
{
    (void)state;
    static const rowdef rows[] = {
        { .name = "mood", .type = "radio", .choices = "1 Low | 2, High" },          /* line 2 */
        { .name = "x", .type = "scale" },                                            /* line 3 */
        { .name = "ok", .type = "yesno" },                                           /* line 4 */
        { .name = "y", .branch = "[ok] = 1 and" },                                   /* line 5 */
        { .name = "ok", .type = "notes" },                                           /* line 6 */
        { .name = "s", .type = "calc", .choices = "[s] + [ok]", .ann = "@ROLE=boss" }, /* line 7 */
        { 0 },
    };
    char *text = build(rows);
    dict_file d;
    at_msgs p = AT_MSGS_INIT;
    at_err err;
    assert_int_equal(dict_parse("m.csv", text, strlen(text), NULL, &d, &p, &err), AT_EINVAL);
    assert_string_equal(err.msg, "'m.csv': 6 problems");
    assert_int_equal(p.n, 6);
    assert_problem(&p, "'m.csv' line 2: 'mood': choice '1 Low' has no comma");
    assert_problem(&p, "'m.csv' line 3: 'x': unknown field type 'scale'");
    assert_problem(&p, "'m.csv' line 5: 'y': branching logic: unexpected end of expression at position 13");
    assert_problem(&p, "'m.csv' line 6: 'ok': the variable name is already used on line 4");
    assert_problem(&p, "'m.csv' line 7: 's': the calculation refers to 's' itself");
    assert_problem(&p, "'m.csv' line 7: 's': @ROLE=boss is not a role");
    /* in the order of the file's lines, as a person fixes them */
    long last = 0;
    for (size_t i = 0; i < p.n; i++) {
        long line = strtol(p.items[i] + strlen("'m.csv' line "), NULL, 10);
        if (line < last) {
            dump_problems(&p);
            fail_msg("problem %zu is of line %ld, after one of line %ld", i + 1, line, last);
        }
        last = line;
    }
    msgs_release(&p);
    free(text);
}

/* A dictionary a study already holds loads whatever rules the reader has
 * gained since it was stored: what dict_parse refuses is a warning of
 * dict_parse_stored, and the form is whole.  A text with no form at all is
 * refused by both. */
static void test_stored_dictionaries(void **state)
{
    (void)state;
    static const rowdef mixed[] = { IN_MATRIX("a", "radio", "1, Low | 2, High", "m"),
                                    IN_MATRIX("b", "checkbox", "1, Low | 2, High", "m"),
                                    { .name = "f_complete" },
                                    { 0 } };
    char *text = build(mixed);
    dict_file d;
    at_msgs p = AT_MSGS_INIT;
    at_err err;
    assert_int_equal(dict_parse("stored", text, strlen(text), NULL, &d, &p, &err), AT_EINVAL);
    assert_int_equal(p.n, 2);
    msgs_release(&p);
    assert_int_equal(dict_parse_stored("stored", text, strlen(text), NULL, &d, &p, &err), AT_OK);
    assert_int_equal(p.n, 0);
    assert_int_equal(d.nforms, 1);
    assert_int_equal(d.forms[0].nfields, 3);
    assert_string_equal(d.forms[0].fields[1].name, "b");
    assert_int_equal(d.forms[0].fields[1].type, FT_CHECKBOX);
    assert_problem(&d.warnings, "'stored' line 3: 'b': matrix group 'm' is of radio fields");
    assert_problem(&d.warnings, "'stored' line 4: 'f_complete'");
    dict_release(&d);
    free(text);

    const char *empty = HEADER18;
    assert_int_equal(dict_parse_stored("stored", empty, strlen(empty), NULL, &d, &p, &err),
                     AT_EINVAL);
    assert_problem(&p, "no fields");
    assert_int_equal(d.nforms, 0);
    msgs_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_dictionaries),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_all_problems_reported),
        cmocka_unit_test(test_stored_dictionaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
