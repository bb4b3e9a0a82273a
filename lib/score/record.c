/* record.c: instrument versions cached per store, and answer arrays. */
#include "record.h"
#include "score.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
    long id;
    dict_file dict;
} entry;

struct record_catalog {
    store *s;
    entry *items;
    size_t n, cap;
};

record_catalog *record_catalog_new(store *s)
{
    record_catalog *c = xcalloc(1, sizeof *c);
    c->s = s;
    return c;
}

void record_catalog_free(record_catalog *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        dict_release(&c->items[i].dict);
    free(c->items);
    free(c);
}

const dict_instrument *record_catalog_get(record_catalog *c, long instrument_id, at_err *err)
{
    return record_catalog_get_with(c, c->s, instrument_id, err);
}

const dict_instrument *record_catalog_get_with(record_catalog *c, store *s, long instrument_id,
                                               at_err *err)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->items[i].id == instrument_id)
            return &c->items[i].dict.forms[0];

    instrument_info ii = { 0 };
    at_msgs problems = AT_MSGS_INIT;
    dict_file d = { 0 };
    const dict_instrument *out = NULL;
    if (store_instrument_by_id(s, instrument_id, &ii, err) != AT_OK)
        goto out;
    if (dict_parse_stored(ii.name, ii.dictionary, strlen(ii.dictionary), ii.record_id, &d,
                   &problems, err) != AT_OK) {
        at_fail(err, AT_EINVAL, "stored instrument '%s' version %ld does not load: %s", ii.name,
                ii.version, problems.n ? problems.items[0] : err->msg);
        dict_release(&d);
        goto out;
    }
    if (d.nforms != 1) {
        at_fail(err, AT_EINVAL, "stored instrument '%s' version %ld holds %zu forms", ii.name,
                ii.version, d.nforms);
        dict_release(&d);
        goto out;
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 4;
        c->items = xrealloc(c->items, c->cap * sizeof *c->items);
    }
    c->items[c->n].id = instrument_id;
    c->items[c->n].dict = d;
    out = &c->items[c->n++].dict.forms[0];
out:
    msgs_release(&problems);
    instrument_info_release(&ii);
    return out;
}

const dict_instrument *record_catalog_latest(record_catalog *c, const char *name, long *id, at_err *err)
{
    instrument_info ii = { 0 };
    if (store_instrument_get(c->s, name, 0, &ii, err) != AT_OK)
        return NULL;
    long found = ii.id;
    instrument_info_release(&ii);
    if (id)
        *id = found;
    return record_catalog_get(c, found, err);
}

void record_clear(char **vals, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(vals[i]);
        vals[i] = NULL;
    }
}

void record_fill(const dict_instrument *in, const admin_view *v, char **vals, size_t *unknown)
{
    record_clear(vals, in->ncols);
    /* the borrowed answers of score_fill, copied so the caller owns them */
    score_fill(in, score_columns_match(in, v), v, (const char **)vals, unknown);
    for (size_t c = 0; c < in->ncols; c++)
        if (vals[c])
            vals[c] = xstrdup(vals[c]);
    instrument_compute(in, vals);
}

void record_fill_as(const dict_instrument *in, const dict_instrument *own, const admin_view *v,
                    char **vals, size_t *unknown)
{
    record_fill(in, v, vals, unknown);
    if (own == in || in->ncalc == 0)
        return;
    char **mine = xcalloc(own->ncols ? own->ncols : 1, sizeof *mine);
    record_fill(own, v, mine, NULL);
    for (size_t k = 0; k < in->ncalc; k++) {
        size_t c = in->fields[in->calc_order[k]].col;
        long oc = instrument_col(own, in->cols[c].name);
        free(vals[c]);
        vals[c] = NULL;
        if (oc >= 0 && mine[oc])
            vals[c] = xstrdup(mine[oc]);
    }
    record_clear(mine, own->ncols);
    free(mine);
}
