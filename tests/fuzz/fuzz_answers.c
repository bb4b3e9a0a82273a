/* libFuzzer harness for the checks every imported row goes through: any
 * bytes as an answer file for one of two instruments (the shipped
 * client_post_session, with branching, checkboxes and scales, and the test
 * dictionary export_demo, with validated text, dates and identifiers; the
 * first byte chooses).  As collect import does, the header maps cells to
 * answer columns by name, each cell is checked and normalised against its
 * field, calc fields are computed and the whole answer set is checked
 * (required answers, branching); then each scale is scored.  A cell that
 * normalises must normalise to itself again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "dict.h"

static dict_file dicts[2];
static const char *const files[2] = { ATTUNE_SOURCE_DIR "/instruments/client_post_session.csv",
                                      ATTUNE_SOURCE_DIR "/tests/data/export_demo.csv" };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (int i = 0; i < 2; i++) {
        char *text = NULL;
        size_t len = 0;
        at_err err;
        if (util_read_file(files[i], &text, &len, &err) != AT_OK ||
            dict_parse(files[i], text, len, NULL, &dicts[i], NULL, &err) != AT_OK) {
            fprintf(stderr, "%s\n", err.msg);
            abort();
        }
        free(text);
    }
    return 0;
}

typedef struct rows {
    const dict_instrument *in;
    long *map;          /* CSV index -> answer column, -1 none */
    size_t nmap;
    char **vals;
} rows;

static int check_row(const csvrow *row, void *ctx)
{
    rows *r = ctx;
    const dict_instrument *in = r->in;
    if (row->index == 0) {
        r->nmap = row->n;
        r->map = xcalloc(row->n ? row->n : 1, sizeof *r->map);
        for (size_t i = 0; i < row->n; i++)
            r->map[i] = instrument_col(in, row->fields[i]);
        return 0;
    }
    for (size_t i = 0; i < row->n && i < r->nmap; i++) {
        long c = r->map[i];
        if (c < 0)
            continue;
        const dict_field *f = &in->fields[in->cols[c].field];
        char *out = NULL, why[512];
        if (!field_normalize(f, row->fields[i], &out, why, sizeof why))
            continue;
        if (out) {
            char *again = NULL;
            if (!field_normalize(f, out, &again, why, sizeof why) || !again ||
                strcmp(again, out) != 0) {
                fprintf(stderr, "'%s': '%s' normalises to '%s', then to '%s' (%s)\n", f->name,
                        row->fields[i], out, again ? again : "(blank)", why);
                abort();
            }
            free(again);
        }
        free(r->vals[c]);
        r->vals[c] = out;
    }
    at_msgs problems = AT_MSGS_INIT;
    instrument_compute(in, r->vals);
    instrument_check(in, (const char *const *)r->vals, "'fuzz.csv' line 2: ", &problems);
    for (size_t i = 0; i < in->nfields; i++)
        if (in->fields[i].nterms) {
            double terms[256];
            size_t answered = 0;
            if (in->fields[i].nterms <= 256)
                instrument_scale_terms(in, &in->fields[i], (const char *const *)r->vals,
                                       &answered, terms);
        }
    msgs_release(&problems);
    for (size_t c = 0; c < in->ncols; c++) {
        free(r->vals[c]);
        r->vals[c] = NULL;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const dict_instrument *in = &dicts[data[0] % 2].forms[0];
    rows r = { .in = in };
    r.vals = xcalloc(in->ncols, sizeof *r.vals);
    at_err err;
    csvin_read_mem("fuzz.csv", (const char *)data + 1, size - 1, check_row, &r, &err);
    for (size_t c = 0; c < in->ncols; c++)
        free(r.vals[c]);
    free(r.vals);
    free(r.map);
    return 0;
}
