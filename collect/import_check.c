/* import_check.c: collect import's checks of a row's leading cells, its
 * session and its administration.  Rows are saved as they come, in one
 * transaction, so a row's session and administration are checked against
 * the store, which answers for the study and for the rows before it alike,
 * by the rules the store's own save applies (store_session_check). */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

static void lines_add(line_list *l, long line)
{
    line_run *r = l->nrun ? &l->run[l->nrun - 1] : NULL;
    uint32_t at = (uint32_t)line;
    l->n++;
    if (r && l->n - r->seq == 1 && at > l->last) {
        r->step = at - l->last;       /* a run's second row sets its spacing */
    } else if (!r || at - l->last != r->step || at <= l->last) {
        if (l->nrun == l->cap) {
            l->cap = l->cap ? 2 * l->cap : 16;
            l->run = xrealloc(l->run, l->cap * sizeof *l->run);
        }
        l->run[l->nrun++] = (line_run){ .seq = (uint32_t)l->n, .line = at, .step = 0 };
    }
    l->last = at;
}

static long lines_get(const line_list *l, long seq)
{
    if (seq < 1 || (size_t)seq > l->n)
        return 0;
    /* the last run that starts at or before seq */
    size_t lo = 0, hi = l->nrun;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->run[mid].seq <= (uint32_t)seq)
            lo = mid;
        else
            hi = mid;
    }
    const line_run *r = &l->run[lo];
    return (long)r->line + (long)(seq - (long)r->seq) * (long)r->step;
}

void import_release_lines(importer *im)
{
    free(im->admin_lines.run);
    free(im->session_lines.run);
    memset(&im->admin_lines, 0, sizeof im->admin_lines);
    memset(&im->session_lines, 0, sizeof im->session_lines);
}

void import_saved(importer *im, long line, int made_session)
{
    lines_add(&im->admin_lines, line);
    if (made_session)
        lines_add(&im->session_lines, line);
}

/* Appends a non-negative number (rows are many: no printf here). */
static void add_num(sbuf *sb, long x)
{
    char buf[24];
    size_t i = sizeof buf;
    do {
        buf[--i] = (char)('0' + x % 10);
        x /= 10;
    } while (x > 0 && i > 0);
    sbuf_add(sb, buf + i, sizeof buf - i);
}

const char *import_prefix(importer *im, import_side *sd, long line)
{
    sbuf_reset(&sd->prefix);
    sbuf_addc(&sd->prefix, '\'');
    sbuf_adds(&sd->prefix, im->path);
    sbuf_adds(&sd->prefix, "' line ");
    add_num(&sd->prefix, line);
    sbuf_adds(&sd->prefix, ": ");
    return sbuf_str(&sd->prefix);
}

void import_problem(importer *im, import_side *sd, long line, const char *col,
                    const char *fmt, ...)
{
    sbuf sb = SBUF_INIT;
    va_list ap;
    sbuf_addf(&sb, "'%s' line %ld: '%s': ", im->path, line, col);
    va_start(ap, fmt);
    sbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    msgs_addf(sd->msgs, "%s", sbuf_str(&sb));
    sbuf_release(&sb);
}

/* ---- the leading cells --------------------------------------------------- */

static int has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 1;
    return 0;
}

/* A code in a leading column follows the rule every code of the study
 * does (store_code_problem): a name or an e-mail address in the client
 * column is refused, not stored as a pseudonym. */
static void check_code(importer *im, long line, int lead, const char *code)
{
    const char *why = store_code_problem(code);
    if (!why)
        return;
    if (has_control(code))
        import_problem(im, &im->reading, line, im->lead_name[lead],
                       "the code has a control character");
    else
        import_problem(im, &im->reading, line, im->lead_name[lead], "'%.64s%s' is not a code: %s",
                       code, strlen(code) > STORE_CODE_MAX ? "..." : "", why);
}

int import_column_again(importer *im, strmap *seen, long line, const char *name)
{
    sbuf low = SBUF_INIT;
    for (const char *c = name; *c; c++)
        sbuf_addc(&low, (char)tolower((unsigned char)*c));
    int added;
    void **first = strmap_put(seen, sbuf_str(&low), &added);
    sbuf_release(&low);
    if (added) {
        *first = (void *)name;   /* the header row outlives the map */
        return 0;
    }
    if (strcmp((const char *)*first, name) == 0)
        import_problem(im, &im->reading, line, name, "the column appears twice");
    else
        import_problem(im, &im->reading, line, name, "the column appears twice (as '%s' "
                       "too: names are matched without regard to case)",
                       (const char *)*first);
    return 1;
}

int import_blank_row(const csvrow *row)
{
    for (size_t i = 0; i < row->n; i++)
        if (*util_trim(row->fields[i]))
            return 0;
    return 1;
}

/* A leading cell without the spaces around it; NULL when blank. */
static const char *cell(const csvrow *row, long i)
{
    if (i < 0)              /* a column the file leaves out */
        return NULL;
    const char *v = util_trim(row->fields[i]);
    return *v ? v : NULL;
}

size_t import_check_lead(importer *im, const csvrow *row, lead_vals *lv)
{
    import_side *sd = &im->reading;
    size_t before = sd->msgs->n;
    long line = row->line;
    lv->client = cell(row, im->lead[LEAD_CLIENT]);
    lv->therapist = cell(row, im->lead[LEAD_THERAPIST]);
    lv->date = cell(row, im->lead[LEAD_DATE]);
    lv->modality = cell(row, im->lead[LEAD_MODALITY]);
    lv->rater = cell(row, im->lead[LEAD_RATER]);
    lv->rater_code = cell(row, im->lead[LEAD_RATER_CODE]);
    const char *session = cell(row, im->lead[LEAD_SESSION]);

    if (!lv->client)
        import_problem(im, sd, line, im->lead_name[LEAD_CLIENT], "a client code is required");
    else
        check_code(im, line, LEAD_CLIENT, lv->client);
    if (lv->therapist)
        check_code(im, line, LEAD_THERAPIST, lv->therapist);
    if (lv->rater_code && !(lv->client && strcmp(lv->rater_code, lv->client) == 0))
        check_code(im, line, LEAD_RATER_CODE, lv->rater_code);

    lv->session = 0;
    if (!session)
        import_problem(im, sd, line, im->lead_name[LEAD_SESSION], "a session number is required");
    else if (!util_parse_long(session, &lv->session) || lv->session < 1)
        import_problem(im, sd, line, im->lead_name[LEAD_SESSION], "'%s' is not a session number (1, 2, 3, ...)",
                       session);

    if (lv->date && !util_valid_iso_date(lv->date))
        import_problem(im, sd, line, im->lead_name[LEAD_DATE], "'%s' is not a date (YYYY-MM-DD)", lv->date);
    if (lv->modality && !store_is_modality(lv->modality))
        import_problem(im, sd, line, im->lead_name[LEAD_MODALITY], "'%s' is not in-person or telehealth",
                       lv->modality);
    if (!lv->rater)
        lv->rater = "client";
    if (lv->client && strcmp(lv->rater, "client") == 0) {
        const char *canon = store_rater_code(lv->rater, lv->client, lv->rater_code);
        if (!canon)
            import_problem(im, sd, line, im->lead_name[LEAD_RATER_CODE], "a client's own rating takes the "
                           "client's code ('%s'), not '%s'", lv->client, lv->rater_code);
        else
            lv->rater_code = canon;
    }
    else if (!store_is_rater(lv->rater))
        import_problem(im, sd, line, im->lead_name[LEAD_RATER], "'%s' is not client, therapist or observer",
                       lv->rater);
    return sd->msgs->n - before;
}

/* ---- sessions and administrations ---------------------------------------- */

static void rater_words(sbuf *sb, const lead_vals *lv)
{
    sbuf_addf(sb, "%s %s rating", store_rater_article(lv->rater), lv->rater);
    if (lv->rater_code)
        sbuf_addf(sb, " by '%s'", lv->rater_code);
}

static size_t db_problem(importer *im, long line, const at_err *err)
{
    msgs_addf(&im->problems, "%s%s", import_prefix(im, &im->saving, line), err->msg);
    im->db_failed = 1;
    return 1;
}

/* The instrument's answer columns (calc fields are recomputed, so never
 * missed) that no column of the file fills. */
static void find_absent(importer *im, import_version *v)
{
    const dict_instrument *in = v->in;
    unsigned char *have = xcalloc(in->ncols ? in->ncols : 1, 1);
    for (size_t i = 0; i < im->ncsv; i++)
        if (v->map[i] >= 0)
            have[v->map[i]] = 1;
    v->absent = xmalloc((in->ncols ? in->ncols : 1) * sizeof *v->absent);
    for (size_t c = 0; c < in->ncols; c++)
        if (!have[c] && in->fields[in->cols[c].field].type != FT_CALC)
            v->absent[v->nabsent++] = (long)c;
    free(have);
    v->absent_made = 1;
}

struct absent_ctx {
    importer *im;
    const import_version *v;
    const lead_vals *lv;
    long line;
};

static void check_absent(size_t n, const char *const *names, const char *const *values,
                         void *vctx)
{
    struct absent_ctx *a = vctx;
    importer *im = a->im;
    const import_version *v = a->v;
    sbuf list = SBUF_INIT;
    const char *first = NULL;
    size_t found = 0;
    int ident = 0;   /* one of them is an Identifier field */
    int free_text = 0;   /* one of them is free-form text */
    for (size_t k = 0; k < v->nabsent; k++) {
        const char *name = v->in->cols[v->absent[k]].name;
        const dict_field *f = &v->in->fields[v->in->cols[v->absent[k]].field];
        for (size_t i = 0; i < n; i++)
            if (values[i] && *values[i] && strcmp(names[i], name) == 0) {
                ident |= f->identifier;
                free_text |= cli_free_text(f);
                if (!first)
                    first = name;
                if (found < 5)
                    sbuf_addf(&list, "%s'%s'", found ? ", " : "", name);
                found++;
                break;
            }
    }
    if (found > 5)
        sbuf_addf(&list, " and %zu more", found - 5);
    /* why an export may have left them out, when it would have */
    char hint[160] = "";
    if (ident || free_text)
        snprintf(hint, sizeof hint, " (an export leaves %s out unless %s is given)",
                 ident ? "fields marked Identifier" : "free-form text",
                 ident ? "--include-identifiers" : "--include-free-text");
    if (found)
        import_problem(im, &im->saving, a->line, first,
                       "session %ld of client '%s' has an answer to %s in the study, which "
                       "--replace would blank: the file has no column for %s%s; add the "
                       "column%s, blank where an answer is to be cleared",
                       a->lv->session, a->lv->client, sbuf_str(&list),
                       found == 1 ? "it" : "them", hint, found == 1 ? "" : "s");
    sbuf_release(&list);

    /* answers of another version of the instrument, to questions the row's
     * version has not: a replacement with it would drop them */
    size_t other = 0;
    first = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!values[i] || !*values[i] || instrument_col(v->in, names[i]) >= 0)
            continue;
        if (!first)
            first = names[i];
        if (other < 5)
            sbuf_addf(&list, "%s'%s'", other ? ", " : "", names[i]);
        other++;
    }
    if (other > 5)
        sbuf_addf(&list, " and %zu more", other - 5);
    if (other)
        msgs_addf(&im->save_warnings, "%ssession %ld of client '%s' had an answer to %s, "
                  "given with another version of '%s', which version %ld, the row's, has "
                  "not: the replacement drops %s (the audit trail keeps %s)",
                  import_prefix(im, &im->saving, a->line), a->lv->session,
                  a->lv->client, sbuf_str(&list), v->in->name, v->version,
                  other == 1 ? "it" : "them", other == 1 ? "it" : "them");
    sbuf_release(&list);
}

/* A replacement from a file without some of the answer columns would blank
 * the answers stored under them: a problem, named by column, rather than a
 * loss nobody asked for (the trail would keep them, but nothing says so). */
static void keeps_absent(importer *im, import_version *v, long admin_id, const lead_vals *lv,
                         long line)
{
    if (!v->absent_made)
        find_absent(im, v);
    if (!v->nabsent && im->nvers == 1)
        return;   /* nothing left out, and no other version's answers to drop */
    struct absent_ctx a = { im, v, lv, line };
    at_err err;
    if (store_admin_answers(im->s, admin_id, check_absent, &a, &err) != AT_OK)
        db_problem(im, line, &err);
}

size_t import_check_store(importer *im, import_version *v, const lead_vals *lv, long line,
                          int *exists, int *replaces)
{
    const char *const cols[] = { im->lead_name[LEAD_THERAPIST], im->lead_name[LEAD_DATE],
                                 im->lead_name[LEAD_MODALITY] };
    size_t before = im->problems.n;
    session_check sc;
    at_err err;
    *exists = 0;
    *replaces = 0;
    if (store_session_check(im->s, lv->client, lv->session, lv->rater, lv->therapist, lv->date,
                            lv->modality, &sc, &err) != AT_OK)
        return db_problem(im, line, &err);
    *exists = sc.exists;
    char where[48], why[512];
    long from = lines_get(&im->session_lines, sc.seq);
    if (sc.seq)
        snprintf(where, sizeof where, "on line %ld", from);
    else
        snprintf(where, sizeof where, "in the study");
    /* a session dated later than today (the row's date, or the session's
     * own) takes no questionnaire: the rule store_admin_save applies */
    if (sc.conflicts & SESSION_LATER) {
        store_session_reason(im->s, SESSION_LATER, lv->client, lv->session, lv->date, where, why,
                             sizeof why);
        import_problem(im, &im->saving, line, im->lead_name[LEAD_DATE], "%s", why);
    }
    at_err big;
    if (!sc.exists && store_check_session(lv->session, 0, &big) != AT_OK)
        import_problem(im, &im->saving, line, im->lead_name[LEAD_SESSION], "%s", big.msg);
    if (!sc.exists)
        return im->problems.n - before;   /* a new session has no administrations yet */
    const char *given[] = { lv->therapist, lv->date, lv->modality };
    for (int k = 0; k < 3; k++)
        if (sc.conflicts & (1u << k)) {
            store_session_reason(im->s, 1u << k, lv->client, lv->session, given[k], where, why,
                                 sizeof why);
            import_problem(im, &im->saving, line, cols[k], "%s", why);
        }

    long admin_id = 0, seq = 0;
    if (store_admin_dup(im->s, sc.id, v->instrument_id, lv->rater, lv->rater_code, &admin_id,
                        &seq, &err) != AT_OK)
        return db_problem(im, line, &err);
    if (!admin_id)
        return im->problems.n - before;
    sbuf what = SBUF_INIT;
    rater_words(&what, lv);
    if (seq)
        import_problem(im, &im->saving, line, im->lead_name[LEAD_SESSION],
                       "%s for session %ld of client '%s' is already on line %ld",
                       sbuf_str(&what), lv->session, lv->client,
                       lines_get(&im->admin_lines, seq));
    else if (im->replace) {
        *replaces = 1;
        if (!lv->version_bad)   /* the row's version is not known */
            keeps_absent(im, v, admin_id, lv, line);
    }
    else
        import_problem(im, &im->saving, line, im->lead_name[LEAD_SESSION],
                       "session %ld of client '%s' already has %s of '%s' in the study "
                       "(--replace replaces it)", lv->session, lv->client, sbuf_str(&what),
                       v->in->name);
    sbuf_release(&what);
    return im->problems.n - before;
}
