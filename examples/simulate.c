/* simulate.c: attune-simulate writes a synthetic alliance-rupture study as a
 * wide CSV (the import format) or in long form, for demos and benchmarks.
 *
 * The columns come from the instrument model of a data dictionary, so the
 * output always follows the dictionary.  Each client has a latent alliance
 * level (a proportion of each item's range) that drifts upward over sessions
 * with noise; now and then a rupture pulls it down, and with some probability
 * it is repaired within a few sessions.  Answers are filled by role (the
 * alliance scale's items, rupture, tension, addressed, resolution, follow-up,
 * kinds, markers, strategies); fields the branching hides are left blank and
 * calc fields are computed by the instrument.  The same seed gives the same
 * bytes. */
#include <errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csvio.h"
#include "dict.h"
#include "util.h"

static const char *prog = "attune-simulate";

typedef struct opts {
    const char *instrument;
    const char *dictionary;   /* NULL: instruments/<instrument>.csv */
    const char *out;          /* NULL or "-": standard output */
    const char *rater;
    const char *start;
    long administrations;
    long per_client;
    long therapists;
    unsigned long seed;
    int long_form;
} opts;

/* One item of the alliance scale: its column, range and keying. */
typedef struct item {
    size_t col;
    const dict_field *f;
    int reverse;
} item;

/* What happened in one session, as the rater saw it. */
typedef struct story {
    int reported;       /* the rater reports a strain */
    double tension;     /* 0..1 of the field's range */
    int addressed;
    double resolution;  /* 0..1 */
    int followup;
} story;

typedef struct client_state {
    double base, slope;
    double deficit;     /* how far a rupture has pulled the level down */
    int repair_left;    /* sessions until repaired; 0 when not repairing */
    double rupture_rate;
    int tele;
} client_state;

static void usage(FILE *fp)
{
    fprintf(fp,
        "usage: attune-simulate [options]\n"
        "\n"
        "Writes a synthetic study as CSV: a latent alliance per client over weekly\n"
        "sessions, with ruptures that are often, not always, repaired.\n"
        "\n"
        "  --instrument NAME         form to simulate (default client_post_session)\n"
        "  --dictionary FILE         data dictionary holding it\n"
        "                            (default instruments/NAME.csv)\n"
        "  --administrations N       rows to write (default 1000)\n"
        "  --sessions-per-client N   sessions per client (default 10)\n"
        "  --therapists N            therapists T001.. (default 50)\n"
        "  --rater R                 client, therapist or observer (default client)\n"
        "  --start YYYY-MM-DD        date of the first sessions (default 2025-09-01); clients\n"
        "                            join weekly over half a year: collect import takes no\n"
        "                            session dated later than today\n"
        "  --seed N                  random seed (default 1); same seed, same output; the\n"
        "                            sessions (dates, modality) depend only on the seed and\n"
        "                            the counts, so files of several instruments describe\n"
        "                            the same sessions\n"
        "  --long                    long form: client,therapist,session,date,modality,\n"
        "                            rater,rater_code,instrument,version,field,value\n"
        "                            (one row per non-blank answer, calc fields left out)\n"
        "  -o FILE                   write to FILE instead of standard output\n"
        "  --help                    show this help\n"
        "\n"
        "example: attune-simulate --administrations 100000 -o study.csv\n");
}

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: ", prog);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\ntry '%s --help'\n", prog);
    return 2;
}

static int parse_count(const char *opt, const char *s, long min, long *out)
{
    long v;
    if (!s || !util_parse_long(s, &v) || v < min) {
        fprintf(stderr, "%s: %s: '%s' is not a whole number of at least %ld\ntry '%s --help'\n",
                prog, opt, s ? s : "", min, prog);
        return 0;
    }
    *out = v;
    return 1;
}

/* Returns 0 to go on, or an exit status. */
static int parse_args(int argc, char **argv, opts *o, int *done)
{
    *done = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            *done = 1;
            return 0;
        } else if (!strcmp(a, "--long")) {
            o->long_form = 1;
            continue;
        }
        static const char *valued[] = { "--instrument", "--dictionary", "-o", "--output",
                                        "--rater", "--start", "--administrations",
                                        "--sessions-per-client", "--therapists", "--seed" };
        int known = 0;
        for (size_t k = 0; k < sizeof valued / sizeof *valued; k++)
            known |= !strcmp(a, valued[k]);
        if (!known)
            return bad_usage(a[0] == '-' ? "unknown option '%s'" : "unexpected argument '%s'", a);
        if (!v)
            return bad_usage("'%s' needs a value", a);
        i++;
        if (!strcmp(a, "--instrument")) {
            o->instrument = v;
        } else if (!strcmp(a, "--dictionary")) {
            o->dictionary = v;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            o->out = v;
        } else if (!strcmp(a, "--rater")) {
            if (strcmp(v, "client") && strcmp(v, "therapist") && strcmp(v, "observer"))
                return bad_usage("--rater: '%s' is not client, therapist or observer", v);
            o->rater = v;
        } else if (!strcmp(a, "--start")) {
            if (!util_valid_iso_date(v))
                return bad_usage("--start: '%s' is not a date (YYYY-MM-DD)", v);
            o->start = v;
        } else if (!strcmp(a, "--administrations")) {
            if (!parse_count(a, v, 0, &o->administrations))
                return 2;
        } else if (!strcmp(a, "--sessions-per-client")) {
            if (!parse_count(a, v, 1, &o->per_client))
                return 2;
        } else if (!strcmp(a, "--therapists")) {
            if (!parse_count(a, v, 1, &o->therapists))
                return 2;
        } else if (!strcmp(a, "--seed")) {
            long s;
            if (!parse_count(a, v, 0, &s))
                return 2;
            o->seed = (unsigned long)s;
        }
    }
    return 0;
}

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* Width of zero-padded codes: enough digits for n, at least 2. */
static int digits_for(long n)
{
    int d = snprintf(NULL, 0, "%ld", n);
    return d < 2 ? 2 : d;
}

static void days_to_iso(long days, char buf[11])
{
    time_t t = (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 11, "%Y-%m-%d", &tm);
}

/* The numeric range of a field's answers: choice codes for radio and
 * dropdown, min/max for a slider or a number.  Returns 0 when it has none. */
static int field_range(const dict_field *f, double *lo, double *hi)
{
    if (f->type == FT_SLIDER) {
        *lo = f->has_min ? f->min : 0;
        *hi = f->has_max ? f->max : 100;
        return 1;
    }
    if (f->type == FT_TEXT && f->has_min && f->has_max) {
        *lo = f->min;
        *hi = f->max;
        return 1;
    }
    int any = 0;
    for (size_t k = 0; k < f->nchoices; k++) {
        double c;
        if (!util_parse_double(f->choices[k].code, &c))
            continue;
        if (!any || c < *lo)
            *lo = c;
        if (!any || c > *hi)
            *hi = c;
        any = 1;
    }
    return any;
}

/* The answer closest to position p (0..1) of the field's range, or a random
 * choice when the field has no numeric range.  The caller frees it. */
static char *pick_at(const dict_field *f, double p, gsl_rng *r)
{
    double lo, hi;
    p = clamp01(p);
    if (!field_range(f, &lo, &hi)) {
        if (f->nchoices == 0)
            return NULL;
        return xstrdup(f->choices[gsl_rng_uniform_int(r, f->nchoices)].code);
    }
    double want = lo + p * (hi - lo);
    if (f->nchoices == 0) {
        char buf[32];
        snprintf(buf, sizeof buf, "%ld", lround(want));
        return xstrdup(buf);
    }
    size_t best = 0;
    double bestd = INFINITY;
    for (size_t k = 0; k < f->nchoices; k++) {
        double c;
        if (util_parse_double(f->choices[k].code, &c) && fabs(c - want) < bestd) {
            bestd = fabs(c - want);
            best = k;
        }
    }
    return xstrdup(f->choices[best].code);
}

static void ref_first(long col, void *ctx)
{
    long *first = ctx;
    if (*first < 0)
        *first = col;
}

/* Finds the items of the alliance scale and whether each is reverse-keyed,
 * by evaluating its term at both ends of the item's range. */
static size_t find_items(const dict_instrument *in, item **out)
{
    *out = NULL;
    long a = instrument_role(in, ROLE_ALLIANCE);
    if (a < 0 || in->fields[a].nterms == 0)
        return 0;
    const dict_field *af = &in->fields[a];
    item *items = xcalloc(af->nterms, sizeof *items);
    const char **vals = xcalloc(in->ncols, sizeof *vals);
    size_t n = 0;
    for (size_t t = 0; t < af->nterms; t++) {
        long col = -1;
        expr_each_ref(af->terms[t], ref_first, &col);
        if (col < 0)
            continue;
        const dict_field *f = &in->fields[in->cols[col].field];
        double lo, hi;
        char los[32], his[32];
        if (!field_range(f, &lo, &hi))
            continue;
        snprintf(los, sizeof los, "%.15g", lo);
        snprintf(his, sizeof his, "%.15g", hi);
        vals[col] = los;
        xval vlo = expr_eval(af->terms[t], vals);
        vals[col] = his;
        xval vhi = expr_eval(af->terms[t], vals);
        vals[col] = NULL;
        items[n].col = (size_t)col;
        items[n].f = f;
        items[n].reverse = vlo.kind == XV_NUM && vhi.kind == XV_NUM && vhi.num < vlo.num;
        n++;
    }
    free(vals);
    *out = items;
    return n;
}

static const char *other_texts[] = {
    "The session felt rushed.",
    "The connection kept dropping.",
    "I was not sure the homework fits my week.",
    "We ran out of time for what I came with.",
};
static const char *comments[] = {
    "Thank you.",
    "This week was hard.",
    "I would like more time on the plan for work.",
    "Helpful session.",
};

/* Ticks options of a checkbox: one, sometimes two or three. */
static void fill_checkbox(const dict_field *f, int many, char **vals, gsl_rng *r)
{
    size_t n = f->ncol;
    int *on = xcalloc(n ? n : 1, sizeof *on);
    size_t picks = 1 + (gsl_rng_uniform(r) < 0.3) + (many && gsl_rng_uniform(r) < 0.3);
    for (size_t k = 0; k < picks && n > 0; k++) {
        size_t c = gsl_rng_uniform_int(r, n);
        /* the last option of a rupture-kind list is usually "other": rarer */
        if (f->role == ROLE_RUPTURE_KIND && c == n - 1 && gsl_rng_uniform(r) < 0.7)
            c = gsl_rng_uniform_int(r, n);
        on[c] = 1;
    }
    for (size_t k = 0; k < n; k++)
        vals[f->col + k] = xstrdup(on[k] ? "1" : "0");
    free(on);
}

static int item_index(const item *items, size_t nitems, size_t col)
{
    for (size_t k = 0; k < nitems; k++)
        if (items[k].col == col)
            return (int)k;
    return -1;
}

/* Fills one administration's answers into vals (all NULL on entry). */
static void fill_answers(const dict_instrument *in, const item *items, size_t nitems, double level,
                         const story *st, char **vals, gsl_rng *r)
{
    for (size_t i = 0; i < in->nfields; i++) {
        const dict_field *f = &in->fields[i];
        if (f->type == FT_DESCRIPTIVE || f->type == FT_CALC)
            continue;
        if (!instrument_shown(in, i, (const char *const *)vals))
            continue;
        int it = f->ncol == 1 ? item_index(items, nitems, f->col) : -1;
        char *v = NULL;
        if (it >= 0) {
            if (gsl_rng_uniform(r) < 0.01 && !f->required)
                continue;
            double p = level + gsl_ran_gaussian(r, 0.15);
            v = pick_at(f, items[it].reverse ? 1 - p : p, r);
        } else {
            switch (f->role) {
            case ROLE_RUPTURE:
                v = xstrdup(st->reported ? "1" : "0");
                break;
            case ROLE_TENSION:
                v = pick_at(f, st->tension, r);
                break;
            case ROLE_ADDRESSED:
                v = xstrdup(st->addressed ? "1" : "0");
                break;
            case ROLE_RESOLUTION:
                v = pick_at(f, st->resolution, r);
                break;
            case ROLE_FOLLOWUP:
                v = xstrdup(st->followup ? "1" : "0");
                break;
            case ROLE_ALLIANCE:
                v = pick_at(f, level + gsl_ran_gaussian(r, 0.08), r);
                break;
            case ROLE_RUPTURE_KIND:
            case ROLE_MARKER:
                fill_checkbox(f, 0, vals, r);
                continue;
            case ROLE_STRATEGY:
                if (st->addressed || gsl_rng_uniform(r) < 0.4)
                    fill_checkbox(f, 1, vals, r);
                else
                    for (size_t k = 0; k < f->ncol; k++)
                        vals[f->col + k] = xstrdup("0");
                continue;
            default:
                if (f->type == FT_CHECKBOX) {
                    for (size_t k = 0; k < f->ncol; k++)
                        vals[f->col + k] = xstrdup("0");
                    continue;
                }
                if (f->type == FT_NOTES) {
                    if (gsl_rng_uniform(r) < 0.04)
                        v = xstrdup(comments[gsl_rng_uniform_int(r, 4)]);
                } else if (f->type == FT_TEXT) {
                    /* free text shown by branching: an "other, please say" answer */
                    if (f->valid == FV_NONE && (f->branching || f->required))
                        v = xstrdup(other_texts[gsl_rng_uniform_int(r, 4)]);
                } else {
                    v = pick_at(f, st->reported ? st->resolution : gsl_rng_uniform(r), r);
                }
                break;
            }
        }
        vals[f->col] = v;
    }
    instrument_compute(in, vals);
}

/* Advances a client by one session and says what the rater saw. */
static double next_session(client_state *c, long s, int rater_therapist, story *st, gsl_rng *r)
{
    memset(st, 0, sizeof *st);
    int rupture = 0;
    double drop = 0;
    if (c->repair_left > 0) {
        c->deficit -= c->deficit / c->repair_left;
        c->repair_left--;
    } else {
        c->deficit *= 0.9;   /* an unrepaired strain fades slowly */
    }
    if (s > 1 && gsl_rng_uniform(r) < c->rupture_rate) {
        rupture = 1;
        drop = 0.1 + fabs(gsl_ran_gaussian(r, 0.12));
        c->deficit += drop;
        c->repair_left = gsl_rng_uniform(r) < 0.7 ? 1 + (int)gsl_rng_uniform_int(r, 3) : 0;
    }
    double level = c->base + c->slope * (double)(s - 1) - c->deficit + gsl_ran_gaussian(r, 0.04);

    /* therapists notice more strains than clients report, and some that
     * clients never felt */
    double see = rater_therapist ? 0.8 : 0.7, extra = rater_therapist ? 0.08 : 0.04;
    if (rupture ? gsl_rng_uniform(r) < see : gsl_rng_uniform(r) < extra) {
        double size = rupture ? drop : 0.08;
        int repairing = c->repair_left > 0;
        st->reported = 1;
        st->tension = clamp01(size / 0.35 + gsl_ran_gaussian(r, 0.15));
        st->addressed = gsl_rng_uniform(r) < (repairing ? 0.7 : 0.3);
        st->resolution = clamp01((st->addressed ? 0.65 : 0.3) + (repairing ? 0.1 : 0)
                                 + gsl_ran_gaussian(r, 0.2));
        st->followup = gsl_rng_uniform(r) < (st->resolution < 0.75 ? 0.55 : 0.08);
    }
    return clamp01(level);
}

static void emit_long(csvout *w, const dict_instrument *in, const char *const *lead,
                      char *const *vals)
{
    for (size_t j = 0; j < in->ncols; j++) {
        if (!vals[j] || !vals[j][0] || in->fields[in->cols[j].field].type == FT_CALC)
            continue;
        for (int k = 0; k < 7; k++)
            csvout_field(w, lead[k]);
        csvout_field(w, in->name);
        csvout_field(w, "1");
        csvout_field(w, in->cols[j].name);
        csvout_field(w, vals[j]);
        csvout_end(w);
    }
}

static void emit_wide(csvout *w, const dict_instrument *in, const char *const *lead,
                      char *const *vals)
{
    for (int k = 0; k < 7; k++)
        csvout_field(w, lead[k]);
    for (size_t j = 0; j < in->ncols; j++)
        csvout_field(w, vals[j]);
    csvout_end(w);
}

static void emit_header(csvout *w, const dict_instrument *in, int long_form)
{
    /* the wide layout names its leading columns attune.client ..., which no
     * field can be called; the long one keeps field names in cells */
    static const char *names[] = { "client", "therapist", "session", "date", "modality",
                                   "rater", "rater_code", "instrument", "version", "field",
                                   "value" };
    for (int k = 0; k < (long_form ? 11 : 7); k++) {
        if (long_form) {
            csvout_field(w, names[k]);
        } else {
            char name[32];
            snprintf(name, sizeof name, "attune.%s", names[k]);
            csvout_field(w, name);
        }
    }
    for (size_t j = 0; !long_form && j < in->ncols; j++)
        csvout_field(w, in->cols[j].name);
    csvout_end(w);
}

static void simulate(const opts *o, const dict_instrument *in, csvout *w)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, o->seed);
    /* the schedule (dates, modality) has a stream of its own, so that every
     * instrument simulated with one seed describes the same sessions: a
     * client file and a therapist file import into one study */
    gsl_rng *sched = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(sched, o->seed ^ 0x5eed5eedUL);
    item *items;
    size_t nitems = find_items(in, &items);
    double *ther_effect = xcalloc((size_t)o->therapists, sizeof *ther_effect);
    for (long t = 0; t < o->therapists; t++)
        ther_effect[t] = gsl_ran_gaussian(r, 0.05);
    long nclients = (o->administrations + o->per_client - 1) / o->per_client;
    int cw = digits_for(nclients), tw = digits_for(o->therapists);
    int therapist_rater = !strcmp(o->rater, "therapist");
    long start = util_iso_date_days(o->start);
    char **vals = xcalloc(in->ncols ? in->ncols : 1, sizeof *vals);

    emit_header(w, in, o->long_form);
    long left = o->administrations;
    for (long c = 0; c < nclients; c++) {
        long t = c % o->therapists;
        client_state cs = { 0 };
        cs.base = 0.78 + ther_effect[t] + gsl_ran_gaussian(r, 0.1);
        cs.slope = 0.006 + gsl_ran_gaussian(r, 0.006);
        cs.rupture_rate = 0.04 + 0.14 * gsl_rng_uniform(r);
        cs.tele = gsl_rng_uniform(sched) < 0.35;
        /* clients join over half a year, on different weekdays */
        long day = start + 7 * ((c / o->therapists) % 26) + c % 5;
        char ccode[32], tcode[32], num[32], date[11];
        snprintf(ccode, sizeof ccode, "C%0*ld", cw, c + 1);
        snprintf(tcode, sizeof tcode, "T%0*ld", tw, t + 1);
        const char *rcode = therapist_rater ? tcode : !strcmp(o->rater, "client") ? ccode : "O01";
        for (long s = 1; s <= o->per_client && left > 0; s++, left--) {
            story st;
            double level = next_session(&cs, s, therapist_rater, &st, r);
            int tele = gsl_rng_uniform(sched) < 0.1 ? !cs.tele : cs.tele;
            snprintf(num, sizeof num, "%ld", s);
            days_to_iso(day, date);
            const char *lead[7] = { ccode, tcode, num, date, tele ? "telehealth" : "in-person",
                                    o->rater, rcode };
            fill_answers(in, items, nitems, level, &st, vals, r);
            if (o->long_form)
                emit_long(w, in, lead, vals);
            else
                emit_wide(w, in, lead, vals);
            for (size_t j = 0; j < in->ncols; j++) {
                free(vals[j]);
                vals[j] = NULL;
            }
            day += gsl_rng_uniform(sched) < 0.06 ? 14 : 7;   /* a missed week now and then */
        }
    }
    free(vals);
    free(ther_effect);
    free(items);
    gsl_rng_free(r);
    gsl_rng_free(sched);
}

int main(int argc, char **argv)
{
    opts o = { "client_post_session", NULL, NULL, "client", "2025-09-01",
               1000, 10, 50, 1, 0 };
    int done, rc = parse_args(argc, argv, &o, &done);
    if (rc || done)
        return rc;

    int status = 1;
    char *path = NULL, *text = NULL;
    size_t len = 0;
    dict_file d = { 0 };
    at_msgs problems = AT_MSGS_INIT;
    at_err err;
    FILE *fp = NULL;
    const dict_instrument *in = NULL;
    csvout w;
    at_err_clear(&err);

    if (o.dictionary) {
        path = xstrdup(o.dictionary);
    } else {
        sbuf sb = SBUF_INIT;
        sbuf_addf(&sb, "instruments/%s.csv", o.instrument);
        path = sbuf_detach(&sb);
    }
    if (util_read_file(path, &text, &len, &err) != AT_OK) {
        fprintf(stderr, "%s: %s%s\n", prog, err.msg,
                o.dictionary ? "" : " (name the dictionary with --dictionary FILE)");
        goto out;
    }
    if (dict_parse(path, text, len, NULL, &d, &problems, &err) != AT_OK) {
        for (size_t k = 0; k < problems.n; k++)
            fprintf(stderr, "%s: %s\n", prog, problems.items[k]);
        fprintf(stderr, "%s: %s\n", prog, err.msg);
        goto out;
    }
    for (size_t k = 0; k < d.nforms; k++)
        if (!strcmp(d.forms[k].name, o.instrument))
            in = &d.forms[k];
    if (!in) {
        fprintf(stderr, "%s: '%s': no form named '%s'\n", prog, path, o.instrument);
        goto out;
    }
    if (o.out && strcmp(o.out, "-")) {
        fp = fopen(o.out, "w");
        if (!fp) {
            fprintf(stderr, "%s: '%s': %s\n", prog, o.out, strerror(errno));
            goto out;
        }
    }
    csvout_init_file(&w, fp ? fp : stdout);
    simulate(&o, in, &w);
    if (fflush(fp ? fp : stdout) != 0 || ferror(fp ? fp : stdout)) {
        fprintf(stderr, "%s: '%s': write failed: %s\n", prog, o.out ? o.out : "stdout",
                strerror(errno));
        goto out;
    }
    status = 0;
out:
    if (fp && fclose(fp) != 0 && status == 0) {
        fprintf(stderr, "%s: '%s': %s\n", prog, o.out, strerror(errno));
        status = 1;
    }
    dict_release(&d);
    msgs_release(&problems);
    free(text);
    free(path);
    return status;
}
