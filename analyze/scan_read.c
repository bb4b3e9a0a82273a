/* scan_read.c: reading and scoring the study on two threads (--threads 2).
 *
 * The clients, in code order, are cut into blocks of consecutive codes.
 * Reader 0 reads and scores blocks 0, 2, 4, ..., reader 1 blocks 1, 3,
 * 5, ..., each with its own connection to the run's snapshot, and each
 * hands its rows over in batches through a handoff of its own, the last
 * batch of a block marked as such.  This thread takes block 0 from reader
 * 0, block 1 from reader 1, and so on, and gives the rows to the analyses:
 * the rows of one reading, in its order, so the output is the same bytes.
 *
 * A batch keeps copies of everything a row holds (its strings as offsets
 * into one buffer, its numbers in another), so the store may move on: the
 * answers as one copy of the text the view unpacked them in, and a header
 * string that is the same as in one of the two rows before as that row's
 * copy.
 * Each reader has batches for a block or more, so it can read a block
 * ahead while this thread is still taking the other reader's; a batch's
 * buffers are made when it is first filled, and the batch given back last
 * is the next taken, so only the batches in use take memory. */
#include "scan_int.h"
#include "handoff.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
    BATCH_ROWS = 512,
    BLOCK_ROWS = 4096,      /* the administrations of a block, about */
    NBATCH = 16,            /* per reader: room for two blocks */
    MIN_BLOCKS = 32,        /* so that the last blocks are a small part */
    NSAMPLE = 8, SAMPLE = 32    /* runs of clients counted to size the blocks */
};

enum { S_CLIENT, S_THERAPIST, S_COHORT, S_DATE, S_MODALITY, S_INSTRUMENT, S_RATER,
       S_RATER_CODE, S_STATUS, S_SOURCE, S_STARTED, S_FINISHED, NSTR };

typedef struct rec {
    long id, session, instrument_id, version;
    size_t str[NSTR];           /* offsets into the batch's text */
    const an_form *form;
    int rater_ok;
    double alliance, role[ROLE_STRATEGY + 1];
    size_t vals, nums, counts;  /* first entries in valoff, nums and counts */
} rec;

typedef struct batch {
    handoff_item link;          /* first: the handoff's */
    rec *rows;                  /* BATCH_ROWS, made when first filled */
    size_t n;
    int end;                    /* the last batch of its block */
    int failed;                 /* the reading stopped here: the reader's err says why */
    sbuf text;
    size_t *valoff;             /* offset + 1 into text, 0 for blank */
    size_t nvo, cvo;
    double *nums;               /* per row: its scale scores, then their terms */
    size_t nnum, cnum;
    size_t *counts;             /* per row: answered terms per scale */
    size_t ncnt, ccnt;
    size_t recent[NSTR][2];     /* per header string, the last two texts kept, */
    int nrecent[NSTR];          /* as offsets into text */
} batch;

/* The blocks: block b is the clients from from[b] to from[b + 1] (NULL:
 * no bound), from[0] and from[n] being NULL. */
typedef struct blocks {
    char **from;
    size_t n;
} blocks;

typedef struct reader {
    scan_reader rd;
    const admin_filter *flt;
    const blocks *bl;
    size_t first;               /* its blocks: first, first + 2, ... */
    handoff *h;
    batch *cur;                 /* the batch being filled */
    int cancelled;              /* the consumer stopped it */
    at_status status;
    pthread_t thread;
} reader;

/* ---- batches ------------------------------------------------------------- */

static size_t keep_str(batch *b, const char *s)
{
    size_t at = b->text.len;
    if (!s)
        s = "";
    sbuf_add(&b->text, s, strlen(s) + 1);   /* with its NUL */
    return at;
}

/* Keeps header string k of a row: most are the same as in one of the two
 * rows before (a client's code and cohort for all its rows, a session's
 * date for both its forms, the instrument and rater alternating between
 * them), and then share that row's copy. */
static size_t keep_header(batch *b, int k, const char *s)
{
    size_t *recent = b->recent[k];
    if (!s)
        s = "";
    for (int i = 0; i < b->nrecent[k]; i++)
        if (strcmp(b->text.buf + recent[i], s) == 0)
            return recent[i];
    size_t at = keep_str(b, s);
    recent[1] = recent[0];
    recent[0] = at;
    if (b->nrecent[k] < 2)
        b->nrecent[k]++;
    return at;
}

#define GROW(arr, n, cap, need)                                                   \
    do {                                                                          \
        if ((n) + (need) > (cap)) {                                               \
            (cap) = ((n) + (need)) * 2;                                           \
            (arr) = xrealloc((arr), (cap) * sizeof *(arr));                       \
        }                                                                         \
    } while (0)

/* Copies a produced row into b. */
static void batch_add(batch *b, const an_row *r)
{
    const admin_view *v = r->v;
    const an_form *f = r->form;
    const dict_instrument *in = f->in;
    rec *x = &b->rows[b->n++];
    x->id = v->id;
    x->session = v->session;
    x->instrument_id = v->instrument_id;
    x->version = v->version;
    const char *strs[NSTR] = { v->client, v->therapist, v->cohort, v->date, v->modality,
                               v->instrument, v->rater, v->rater_code, v->status, v->source,
                               v->started_at, v->finished_at };
    for (int k = 0; k < NSTR; k++)
        x->str[k] = keep_header(b, k, strs[k]);
    x->form = f;
    x->rater_ok = r->rater_ok;
    x->alliance = r->alliance;
    memcpy(x->role, r->role, sizeof x->role);
    GROW(b->valoff, b->nvo, b->cvo, in->ncols);
    x->vals = b->nvo;
    /* the answers point into the view's text: copied whole, each answer is
     * at its offset there (a computed calc is elsewhere, copied alone) */
    const char *const *vals = r->vals;
    uintptr_t lo = (uintptr_t)v->text;
    size_t len = v->text_len, ncols = in->ncols;
    size_t base = b->text.len + 1, *vo = b->valoff + b->nvo;
    int outside = 0;
    if (v->text)
        sbuf_add(&b->text, v->text, len);
    for (size_t c = 0; c < ncols; c++) {   /* no branch: p - lo wraps when p < lo */
        uintptr_t p = (uintptr_t)vals[c];
        vo[c] = p ? base + (size_t)(p - lo) : 0;
        outside |= p && p - lo >= len;
    }
    for (size_t c = 0; outside && c < ncols; c++) {
        uintptr_t p = (uintptr_t)vals[c];
        if (p && p - lo >= len)
            vo[c] = keep_str(b, vals[c]) + 1;
    }
    b->nvo += ncols;
    GROW(b->nums, b->nnum, b->cnum, f->nscales + f->nterms);
    x->nums = b->nnum;
    if (f->nscales)
        memcpy(b->nums + b->nnum, r->scale_score, f->nscales * sizeof *b->nums);
    b->nnum += f->nscales;
    for (size_t i = 0; i < f->nscales; i++) {
        size_t k = in->fields[f->scales[i].field].nterms;
        if (k)
            memcpy(b->nums + b->nnum, r->scale_terms[i], k * sizeof *b->nums);
        b->nnum += k;
    }
    GROW(b->counts, b->ncnt, b->ccnt, f->nscales);
    x->counts = b->ncnt;
    if (f->nscales)
        memcpy(b->counts + b->ncnt, r->scale_answered, f->nscales * sizeof *b->counts);
    b->ncnt += f->nscales;
}

static void batch_reset(batch *b)
{
    if (!b->rows)
        b->rows = xcalloc(BATCH_ROWS, sizeof *b->rows);
    b->n = 0;
    b->end = b->failed = 0;
    sbuf_reset(&b->text);
    b->nvo = b->nnum = b->ncnt = 0;
    memset(b->nrecent, 0, sizeof b->nrecent);
}

static void batch_free(batch *b)
{
    free(b->rows);
    sbuf_release(&b->text);
    free(b->valoff);
    free(b->nums);
    free(b->counts);
    free(b);
}

/* The rows of batch b, one by one, to the analyses. */
static void consume_batch(scan *sc, const batch *b, const char ***vals, size_t *vcap,
                          const double ***terms, size_t *tcap)
{
    for (size_t i = 0; i < b->n; i++) {
        const rec *x = &b->rows[i];
        const an_form *f = x->form;
        const dict_instrument *in = f->in;
        const char *t = b->text.buf;
        admin_view v = { 0 };
        v.id = x->id;
        v.session = x->session;
        v.instrument_id = x->instrument_id;
        v.version = x->version;
        const char **strs[NSTR] = { &v.client, &v.therapist, &v.cohort, &v.date, &v.modality,
                                    &v.instrument, &v.rater, &v.rater_code, &v.status,
                                    &v.source, &v.started_at, &v.finished_at };
        for (int k = 0; k < NSTR; k++)
            *strs[k] = t + x->str[k];
        GROW(*vals, 0, *vcap, in->ncols ? in->ncols : 1);
        for (size_t c = 0; c < in->ncols; c++) {
            size_t o = b->valoff[x->vals + c];
            (*vals)[c] = o ? t + o - 1 : NULL;
        }
        GROW(*terms, 0, *tcap, f->nscales ? f->nscales : 1);
        const double *nums = b->nums ? b->nums + x->nums : NULL;   /* no scale: no numbers */
        for (size_t s = 0, at = f->nscales; s < f->nscales; s++) {
            (*terms)[s] = nums + at;
            at += in->fields[f->scales[s].field].nterms;
        }
        an_row r;
        r.v = &v;
        r.form = f;
        r.vals = *vals;
        r.rater_ok = x->rater_ok;
        r.scale_score = nums;
        r.scale_answered = b->counts ? b->counts + x->counts : NULL;
        r.scale_terms = *terms;
        memcpy(r.role, x->role, sizeof r.role);
        r.alliance = x->alliance;
        scan_consume(sc, &r);
    }
}

/* ---- the blocks ------------------------------------------------------------ */

typedef struct codes {
    char **code;
    size_t n, cap;
} codes;

static int add_code(const char *code, const char *therapist, void *ctx)
{
    (void)therapist;
    codes *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 1024;
        c->code = xrealloc(c->code, c->cap * sizeof *c->code);
    }
    c->code[c->n++] = xstrdup(code);
    return 0;
}

static void blocks_release(blocks *bl)
{
    for (size_t b = 0; b <= bl->n && bl->from; b++)
        free(bl->from[b]);
    free(bl->from);
    memset(bl, 0, sizeof *bl);
}

/* The administrations flt selects per client, judged from NSAMPLE runs of
 * SAMPLE clients spread over the codes c[0..n). */
static at_status rows_per_client(store *s, const admin_filter *flt, char *const *c, size_t n,
                                 double *per, at_err *err)
{
    long rows = 0;
    size_t counted = 0, last = 0;
    for (size_t k = 0; k < NSAMPLE; k++) {
        size_t at = n * k / NSAMPLE, end = at + SAMPLE < n ? at + SAMPLE : n;
        if (at < last)   /* few clients: the runs would overlap */
            at = last;
        if (at >= end)
            continue;
        admin_filter f = *flt;
        f.client_from = c[at];
        f.client_to = end < n ? c[end] : NULL;
        long count = 0;
        at_status rc = store_admin_count(s, &f, &count, err);
        if (rc != AT_OK)
            return rc;
        rows += count;
        counted += end - at;
        last = end;
    }
    *per = counted ? (double)rows / (double)counted : 0;
    return AT_OK;
}

/* Cuts the study's clients (in the order the rows come) into blocks of
 * about BLOCK_ROWS selected administrations, and at least MIN_BLOCKS
 * blocks; one client is one block. */
static at_status blocks_make(store *s, const admin_filter *flt, blocks *bl, at_err *err)
{
    codes c = { 0 };
    double each = 0;
    memset(bl, 0, sizeof *bl);
    at_status rc = flt->client ? AT_OK : store_client_each(s, add_code, &c, err);
    if (rc == AT_OK && c.n)
        rc = rows_per_client(s, flt, c.code, c.n, &each, err);
    if (rc == AT_OK) {
        size_t most = c.n / MIN_BLOCKS ? c.n / MIN_BLOCKS : 1;
        size_t per = each * (double)most > BLOCK_ROWS ? (size_t)(BLOCK_ROWS / each) : most;
        if (per == 0)
            per = 1;
        bl->n = c.n ? (c.n + per - 1) / per : 1;
        bl->from = xcalloc(bl->n + 1, sizeof *bl->from);
        for (size_t b = 1; b < bl->n; b++) {
            bl->from[b] = c.code[b * per];
            c.code[b * per] = NULL;
        }
    }
    for (size_t i = 0; i < c.n; i++)
        free(c.code[i]);
    free(c.code);
    return rc;
}

/* ---- the readers ------------------------------------------------------------ */

/* Sends the batch being filled; marked, it ends a block (sent even when
 * empty then). */
static void send_batch(reader *rd, int end, int failed)
{
    batch *b = rd->cur;
    rd->cur = NULL;
    if (end || b->n) {
        b->end = end;
        b->failed = failed;
        handoff_send(rd->h, &b->link);
    } else {
        handoff_give(rd->h, &b->link);
    }
}

/* The batch to fill: 0, or 1 when the consumer has stopped the reader. */
static int have_batch(reader *rd)
{
    if (rd->cur)
        return 0;
    if (!(rd->cur = (batch *)handoff_take(rd->h))) {
        rd->cancelled = 1;
        return 1;
    }
    batch_reset(rd->cur);
    return 0;
}

static int read_admin(const admin_view *v, void *ctx)
{
    reader *rd = ctx;
    if (have_batch(rd))
        return 1;
    an_row r;
    const an_form *f = scan_produce(&rd->rd, v, &r);
    if (!f)
        return 1;
    batch_add(rd->cur, &r);
    score_uncompute(f, rd->rd.vals);
    if (rd->cur->n == BATCH_ROWS)
        send_batch(rd, 0, 0);
    return 0;
}

static void *reader_main(void *arg)
{
    reader *rd = arg;
    for (size_t b = rd->first; b < rd->bl->n; b += 2) {
        admin_filter f = *rd->flt;
        f.client_from = rd->bl->from[b];
        f.client_to = rd->bl->from[b + 1];
        rd->status = store_admin_each(rd->rd.s, &f, read_admin, rd, &rd->rd.err);
        if (rd->status == AT_OK && rd->rd.failed)
            rd->status = rd->rd.err.code != AT_OK ? rd->rd.err.code : AT_EINVAL;
        if (rd->cancelled || have_batch(rd))
            break;
        send_batch(rd, 1, rd->status != AT_OK);
        if (rd->status != AT_OK)
            break;
    }
    if (rd->cur)
        handoff_give(rd->h, &rd->cur->link);
    rd->cur = NULL;
    handoff_finish(rd->h);
    return NULL;
}

static void reader_init(reader *rd, const scan *sc, store *s, int all_scales,
                        const admin_filter *flt, const blocks *bl, size_t first)
{
    memset(rd, 0, sizeof *rd);
    scan_reader_init(&rd->rd, sc->cx, s, all_scales);
    rd->flt = flt;
    rd->bl = bl;
    rd->first = first;
    rd->h = handoff_new();
    for (int k = 0; k < NBATCH; k++)
        handoff_give(rd->h, &((batch *)xcalloc(1, sizeof(batch)))->link);
}

static void reader_release(reader *rd)
{
    batch *b;
    while ((b = (batch *)handoff_drain(rd->h)))
        batch_free(b);
    handoff_free(rd->h);
    scan_reader_release(&rd->rd);
}

/* Stops a running reader and waits for its thread to end. */
static void reader_stop(reader *rd)
{
    handoff_cancel(rd->h);
    pthread_join(rd->thread, NULL);
}

at_status scan_two_readers(scan *sc, const admin_filter *flt, int all_scales, int *ran,
                           at_err *err)
{
    const an_ctx *cx = sc->cx;
    blocks bl;
    *ran = 0;
    at_status rc = blocks_make(cx->s, flt, &bl, err);
    if (rc != AT_OK) {
        *ran = 1;
        return rc;
    }
    reader r[2];
    store *conn[2] = { cx->s, cx->s2 };
    int started = 0;
    for (int k = 0; k < 2; k++) {
        reader_init(&r[k], sc, conn[k], all_scales, flt, &bl, (size_t)k);
        if (started == k && thread_start(&r[k].thread, reader_main, &r[k]) == 0)
            started++;
    }
    if (started == 2) {
        *ran = 1;
        const char **vals = NULL;
        const double **terms = NULL;
        size_t vcap = 0, tcap = 0;
        reader *stop = NULL;
        for (size_t b = 0; b < bl.n && !stop; b++) {
            reader *rd = &r[b % 2];
            int end = 0;
            while (!end && !stop) {
                batch *x = (batch *)handoff_receive(rd->h);
                if (!x) {   /* a reader ends with a marked batch: not reached */
                    stop = rd;
                    break;
                }
                consume_batch(sc, x, &vals, &vcap, &terms, &tcap);
                end = x->end;
                if (x->failed)
                    stop = rd;
                handoff_give(rd->h, &x->link);
            }
        }
        free(vals);
        free(terms);
        for (int k = 0; k < 2; k++)
            reader_stop(&r[k]);
        if (stop) {
            rc = stop->status != AT_OK ? stop->status : AT_EINVAL;
            *err = stop->rd.err;
            if (stop->status == AT_OK)
                at_fail(err, rc, "'%s': the reading of the study stopped early",
                        store_path(cx->s));
        }
    } else if (started == 1) {
        /* no second thread: the first is stopped, and the reading is done on
         * this one (nothing has been consumed) */
        reader_stop(&r[0]);
    }
    for (int k = 0; k < 2; k++)
        reader_release(&r[k]);
    blocks_release(&bl);
    return rc;
}
