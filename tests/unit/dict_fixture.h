/* dict_fixture.h: what the dictionary tests share (include after cmocka.h):
 * reading files from tests/data, looking up forms and fields, and the
 * dictionary tests/data/dict/good.csv loaded once for a group of tests. */
#ifndef ATTUNE_DICT_FIXTURE_H
#define ATTUNE_DICT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"

/* A path under the test data folder ($ATTUNE_TEST_DATA, set by ctest);
 * the caller frees it. */
static inline char *data_path(const char *rel)
{
    const char *dir = getenv("ATTUNE_TEST_DATA");
    sbuf sb = SBUF_INIT;
    sbuf_addf(&sb, "%s/%s", dir ? dir : "tests/data", rel);
    return sbuf_detach(&sb);
}

/* Parses the dictionary at data path rel, named rel in messages. */
static inline at_status load_file(const char *rel, dict_file *d, at_msgs *problems)
{
    char *path = data_path(rel), *text = NULL;
    size_t len = 0;
    at_err err;
    if (util_read_file(path, &text, &len, &err) != AT_OK)
        fail_msg("%s", err.msg);
    at_status st = dict_parse(rel, text, len, NULL, d, problems, &err);
    free(text);
    free(path);
    return st;
}

static inline const dict_instrument *form_named(const dict_file *d, const char *name)
{
    for (size_t i = 0; i < d->nforms; i++)
        if (strcmp(d->forms[i].name, name) == 0)
            return &d->forms[i];
    fail_msg("no form '%s'", name);
    return NULL;
}

static inline const dict_field *field_named(const dict_instrument *in, const char *name)
{
    long i = instrument_field(in, name);
    if (i < 0)
        fail_msg("no field '%s' in '%s'", name, in->name);
    return &in->fields[i];
}

static inline void dump_problems(const at_msgs *p)
{
    for (size_t i = 0; i < p->n; i++)
        print_message("  problem: %s\n", p->items[i]);
}

/* The 18 headers of a REDCap data dictionary, in REDCap's order, for
 * dictionaries written inline. */
#define HEADER18 "Variable / Field Name,Form Name,Section Header,Field Type,Field Label," \
    "\"Choices, Calculations, OR Slider Labels\",Field Note," \
    "Text Validation Type OR Show Slider Number,Text Validation Min,Text Validation Max," \
    "Identifier?,Branching Logic (Show field only if...),Required Field?,Custom Alignment," \
    "Question Number (surveys only),Matrix Group Name,Matrix Ranking?,Field Annotation\n"

/* tests/data/dict/good.csv, loaded by load_good as a group's setup and
 * released by release_good as its teardown. */
static dict_file good __attribute__((unused));

static inline int load_good(void **state)
{
    (void)state;
    at_msgs p = AT_MSGS_INIT;
    at_status st = load_file("dict/good.csv", &good, &p);
    if (st != AT_OK)
        dump_problems(&p);
    msgs_release(&p);
    return st == AT_OK ? 0 : -1;
}

static inline int release_good(void **state)
{
    (void)state;
    dict_release(&good);
    return 0;
}

#endif
