/* libFuzzer harness for the dictionary reader: any bytes as a data
 * dictionary.  A dictionary that loads must also survive what the store
 * does with it: each form written back out (dict_write_form) parses again,
 * and writing that again gives the same bytes (the store hashes them).
 * Every calc and branching expression is then evaluated on a blank answer
 * set and checked, as a first save would. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"

static void exercise(const dict_instrument *in)
{
    char **vals = calloc(in->ncols ? in->ncols : 1, sizeof *vals);
    at_msgs problems = AT_MSGS_INIT;
    instrument_compute(in, vals);
    instrument_check(in, (const char *const *)vals, "", &problems);
    for (size_t i = 0; i < in->nfields; i++) {
        instrument_shown(in, i, (const char *const *)vals);
        if (in->fields[i].nterms)
            instrument_scale(in, &in->fields[i], (const char *const *)vals, NULL);
    }
    for (size_t c = 0; c < in->ncols; c++)
        free(vals[c]);
    free(vals);
    msgs_release(&problems);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dict_file d;
    at_msgs problems = AT_MSGS_INIT;
    at_err err;
    if (dict_parse("fuzz.csv", (const char *)data, size, NULL, &d, &problems, &err) == AT_OK) {
        for (size_t k = 0; k < d.nforms; k++) {
            const dict_instrument *in = &d.forms[k];
            exercise(in);
            sbuf once = SBUF_INIT, twice = SBUF_INIT;
            dict_write_form(in, &once);
            dict_file again;
            at_msgs p2 = AT_MSGS_INIT;
            if (dict_parse("again.csv", once.buf, once.len, in->record_id, &again, &p2, &err) !=
                AT_OK) {
                fprintf(stderr, "a form written back does not load: %s\n%s\n", err.msg,
                        p2.n ? p2.items[0] : "");
                abort();
            }
            if (again.nforms != 1) {
                fprintf(stderr, "a form written back loads as %zu forms\n", again.nforms);
                abort();
            }
            dict_write_form(&again.forms[0], &twice);
            if (once.len != twice.len || memcmp(once.buf, twice.buf, once.len) != 0) {
                fprintf(stderr, "writing a form twice gives different bytes:\n%s\n---\n%s\n",
                        once.buf, twice.buf);
                abort();
            }
            dict_release(&again);
            msgs_release(&p2);
            sbuf_release(&once);
            sbuf_release(&twice);
        }
        dict_release(&d);
    }
    msgs_release(&problems);
    return 0;
}
