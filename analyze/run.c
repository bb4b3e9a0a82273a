/* run.c: opening the store for a command, the whole-sample pass, and the
 * driver of a single analysis. */
#include "analyze.h"

#include <stdlib.h>
#include <string.h>

typedef struct seek {
    const char *therapist, *cohort;
    int therapist_found, cohort_found;
} seek;

static int seek_one(const char *code, const char *cohort, void *ctx)
{
    seek *k = ctx;
    if (k->therapist && strcmp(code, k->therapist) == 0)
        k->therapist_found = 1;
    if (k->cohort && cohort && strcmp(cohort, k->cohort) == 0)
        k->cohort_found = 1;
    return 0;
}

/* A name given on the command line that the study does not have is an
 * error, not an empty table: it is most likely a typing slip. */
static int check_names(store *s, const an_opts *o)
{
    at_err err;
    if (o->instrument) {
        instrument_info ii = { 0 };
        at_status st = store_instrument_get(s, o->instrument, 0, &ii, &err);
        instrument_info_release(&ii);
        if (st == AT_ENOTFOUND) {
            an_fail("'%s': no such instrument in the study ('collect instrument list' "
                    "shows them)", o->instrument);
            return -1;
        }
        if (st != AT_OK) {
            an_fail("%s", err.msg);
            return -1;
        }
    }
    at_status found = o->client ? store_client_find(s, o->client, NULL, &err) : AT_OK;
    if (found == AT_ENOTFOUND) {
        an_fail("'%s': no such client in the study ('collect client list' shows them)",
                o->client);
        return -1;
    }
    if (found != AT_OK) {
        an_fail("%s", err.msg);
        return -1;
    }
    if (o->therapist || o->cohort) {
        seek k = { o->therapist, o->cohort, 0, 0 };
        if (store_therapist_each(s, seek_one, &k, &err) != AT_OK) {
            an_fail("%s", err.msg);
            return -1;
        }
        if (o->therapist && !k.therapist_found) {
            an_fail("'%s': no such therapist in the study ('collect therapist list' "
                    "shows them)", o->therapist);
            return -1;
        }
        if (o->cohort && !k.cohort_found) {
            an_fail("'%s': no therapist of the study is in this cohort ('collect "
                    "therapist list' shows the cohorts)", o->cohort);
            return -1;
        }
    }
    return 0;
}

int run_open(an_run *r, an_opts *o)
{
    at_err err;
    memset(r, 0, sizeof *r);
    r->o = o;
    if (store_open(o->db, STORE_READ, &r->s, &err) != AT_OK) {
        an_fail("%s", err.msg);
        return -1;
    }
    if (check_names(r->s, o) != 0)
        goto fail;
    /* every pass and every lookup of the run reads one snapshot of the study,
     * whatever collect writes meanwhile; with two reading threads the
     * second has a connection of its own */
    store *all[3] = { r->s };
    size_t n = 1;
    at_status st = store_open(store_path(r->s), STORE_READ, &r->lookup, &err);
    if (st == AT_OK) {
        all[n++] = r->lookup;
        if (o->threads > 1 &&
            (st = store_open(store_path(r->s), STORE_READ, &r->s2, &err)) == AT_OK)
            all[n++] = r->s2;
    }
    if (st != AT_OK || store_read_together(all, n, &err) != AT_OK) {
        an_fail("%s", err.msg);
        store_close(r->lookup);
        store_close(r->s2);
        r->lookup = r->s2 = NULL;
        goto fail;
    }
    r->cat = record_catalog_new(r->s);
    r->forms = forms_new();
    r->cx.o = o;
    r->cx.s = r->s;
    r->cx.s2 = r->s2;
    r->cx.lookup = r->lookup;
    r->cx.cat = r->cat;
    r->cx.forms = r->forms;
    r->cx.prep = NULL;
    return 0;
fail:
    store_close(r->s);
    r->s = NULL;
    return -1;
}

int run_selects(const an_opts *o)
{
    return o->client || o->therapist || o->cohort || o->from || o->to;
}

int run_prepare(an_run *r, unsigned flags)
{
    if (!(flags & AN_PREP))
        return 0;
    /* One rule for every filter: the rci baseline (SD0 and r) comes from
     * the whole study, every client, therapist and date, for the
     * instrument and rater asked for; the selection only chooses whose
     * episodes are reported. */
    an_opts whole = *r->o;
    whole.client = whole.therapist = whole.cohort = whole.from = whole.to = NULL;
    an_ctx cx = r->cx;
    cx.o = &whole;
    const an_analysis *a = &an_prep_pass;
    void *st = a->start(&cx, NULL, NULL);
    if (!st)
        return -1;
    int rc = scan_run(&cx, &a, &st, 1, 0);
    if (rc == 0)
        rc = a->finish(st);
    if (rc == 0) {
        prep_take(st, &r->prep);
        r->cx.prep = &r->prep;
    }
    a->free(st);
    return rc;
}

void run_close(an_run *r)
{
    prep_release(&r->prep);
    forms_free(r->forms);
    record_catalog_free(r->cat);
    store_close(r->s);
    store_close(r->s2);
    store_close(r->lookup);
    memset(r, 0, sizeof *r);
}

static void count_row(void *st, const an_row *r)
{
    if (r->rater_ok)
        (*(long *)st)++;
}

const an_analysis an_count = { .name = "count", .row = count_row };

size_t an_ncolumns(const char *const *columns)
{
    size_t n = 0;
    while (columns && columns[n])
        n++;
    return n;
}

void run_note_empty(const an_opts *o, long count, int every)
{
    const char *what = every ? "every table is empty" : "the table is empty";
    if (count)
        return;
    if (o->rater)
        an_note("no questionnaire by rater %s in the selection; %s%s", o->rater, what,
                strcmp(o->rater, "client") == 0
                    ? " (the default rater is client; --rater chooses another)"
                    : "");
    else
        an_note("no questionnaire in the selection; %s", what);
}

int an_run_single(const an_analysis *a, int argc, char **argv, const char *db)
{
    an_opts o;
    an_run run;
    int done = 0, rc;
    char usage[160];
    snprintf(usage, sizeof usage, "usage: analyze %s [OPTIONS]\n\n", a->name);
    o.db = db;
    rc = opts_parse(argc, argv, a->options, usage, a->help, &o, &done);
    if (rc != EXIT_OK || done)
        return rc;
    if (run_open(&run, &o) != 0)
        return EXIT_FAIL;

    unsigned flags = a->flags ? a->flags(&o) : 0;
    outfile out = OUTFILE_INIT;
    void *st = NULL;
    int bad = -1;
    if (run_prepare(&run, flags) != 0)
        goto out;
    if (an_open_out(&out, o.out, store_path(run.s)) != 0)
        goto out;
    if (!(st = a->start(&run.cx, out.fp, NULL)))
        goto out;
    long count = 0;
    const an_analysis *list[2] = { a, &an_count };
    void *sts[2] = { st, &count };
    bad = scan_run(&run.cx, list, sts, 2, 1);
    if (bad == 0)
        bad = a->finish(st);
    if (bad == 0 && !(flags & AN_OWN_NOTE))
        run_note_empty(&o, count, 0);
out:
    if (st)
        a->free(st);
    if (an_close_out(&out, bad == 0) != 0)   /* no half-written table is left behind */
        bad = -1;
    run_close(&run);
    return bad ? EXIT_FAIL : EXIT_OK;
}
