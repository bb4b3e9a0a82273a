/* libFuzzer harness for the expression engine: parse, bind, evaluate.  The
 * input's first line is an expression; the next lines are the answers of
 * the fields a, b, c, d and of the checkbox options k(1), k(2), k(x).  An
 * expression that parses is bound (an unknown field is an error, not a
 * crash), evaluated, formatted and searched for scale terms. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr.h"

static const char *const names[] = { "a", "b", "c", "d" };
static const char *const codes[] = { "1", "2", "x" };
enum { NPLAIN = 4, NCOLS = 7 };

static long resolve(const char *field, const char *code, void *ctx)
{
    (void)ctx;
    if (code) {
        if (strcasecmp(field, "k") != 0)
            return -1;
        for (int i = 0; i < 3; i++)
            if (strcasecmp(code, codes[i]) == 0)
                return NPLAIN + i;
        return -1;
    }
    for (int i = 0; i < NPLAIN; i++)
        if (strcasecmp(field, names[i]) == 0)
            return i;
    return -1;
}

static void count_ref(long col, void *ctx)
{
    if (col < 0 || col >= NCOLS)
        abort();                        /* a bound reference is a real column */
    ++*(size_t *)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    char *lines[1 + NCOLS] = { 0 };
    char *p = text;
    for (int i = 0; i < 1 + NCOLS && p; i++) {
        lines[i] = p;
        p = strchr(p, '\n');
        if (p)
            *p++ = '\0';
    }
    const char *vals[NCOLS];
    for (int i = 0; i < NCOLS; i++)
        vals[i] = lines[1 + i];         /* NULL (blank) when the input has no such line */

    expr *e = NULL;
    at_err err;
    size_t pos = 0;
    if (expr_parse(lines[0], &e, &pos, &err) == AT_OK &&
        expr_bind(e, resolve, NULL, &err) == AT_OK) {
        char buf[64];
        xval v = expr_eval(e, vals);
        xval_format(v, buf);
        xval_truthy(v);
        double x;
        xval_number(v, &x);
        size_t refs = 0;
        expr_each_ref(e, count_ref, &refs);
        const expr **terms = NULL;
        int mean = 0;
        expr_scale_terms(e, &terms, &mean);
        free(terms);
    }
    expr_free(e);
    free(text);
    return 0;
}
