/* import_check.c: collect import's checks of a row's leading cells, its
 * session and its administration.  The importer keeps, for every client,
 * session and administration the file names, what the store said on first
 * sight and what the rows before have added, so the file is checked as if
 * each row were already saved. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

static void sess_free(void *p)
{
    sess *x = p;
    if (!x)
        return;
    free(x->therapist);
    free(x->date);
    free(x->modality);
    free(x);
}

static void client_free(void *p)
{
    client_ent *c = p;
    if (!c)
        return;
    free(c->therapist);
    free(c);
}

void import_release_maps(importer *im)
{
    strmap_release(&im->clients, client_free);
    strmap_release(&im->sessions, sess_free);
    strmap_release(&im->admins, NULL);
    strmap_release(&im->therapists, NULL);
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

const char *import_prefix(importer *im, long line)
{
    sbuf_reset(&im->prefix);
    sbuf_addc(&im->prefix, '\'');
    sbuf_adds(&im->prefix, im->path);
    sbuf_adds(&im->prefix, "' line ");
    add_num(&im->prefix, line);
    sbuf_adds(&im->prefix, ": ");
    return sbuf_str(&im->prefix);
}

void import_problem(importer *im, long line, const char *col, const char *fmt, ...)
                    {
                    sbuf sb = SBUF_INIT;
    va_list ap;
    sbuf_addf(&sb, "'%s' line %ld: '%s': ", im->path, line, col);
    va_start(ap, fmt);
    sbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    msgs_addf(&im->problems, "%s", sbuf_str(&sb));
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

char *import_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

int import_blank_row(const csvrow *row)
{
    for (size_t i = 0; i < row->n; i++)
        if (*import_trim(row->fields[i]))
            return 0;
    return 1;
}

/* A leading cell without the spaces around it; NULL when blank. */
static const char *cell(const csvrow *row, long i)
{
    const char *v = import_trim(row->fields[i]);
    return *v ? v : NULL;
}

size_t import_check_lead(importer *im, const csvrow *row, lead_vals *lv)
{
    size_t before = im->problems.n;
    long line = row->line;
    lv->client = cell(row, im->lead[LEAD_CLIENT]);
    lv->therapist = cell(row, im->lead[LEAD_THERAPIST]);
    lv->date = cell(row, im->lead[LEAD_DATE]);
    lv->modality = cell(row, im->lead[LEAD_MODALITY]);
    lv->rater = cell(row, im->lead[LEAD_RATER]);
    lv->rater_code = cell(row, im->lead[LEAD_RATER_CODE]);
    const char *session = cell(row, im->lead[LEAD_SESSION]);

    if (!lv->client)
        import_problem(im, line, "client", "a client code is required");
    else if (has_control(lv->client))
        import_problem(im, line, "client", "the code has a control character");
    if (lv->therapist && has_control(lv->therapist))
        import_problem(im, line, "therapist", "the code has a control character");
    if (lv->rater_code && has_control(lv->rater_code))
        import_problem(im, line, "rater_code", "the code has a control character");

    lv->session = 0;
    if (!session)
        import_problem(im, line, "session", "a session number is required");
    else if (!parse_long(session, &lv->session) || lv->session < 1)
        import_problem(im, line, "session", "'%s' is not a session number (1, 2, 3, ...)",
                       session);

    if (lv->date && !valid_iso_date(lv->date))
        import_problem(im, line, "date", "'%s' is not a date (YYYY-MM-DD)", lv->date);
    if (lv->modality && strcmp(lv->modality, "in-person") != 0 &&
        strcmp(lv->modality, "telehealth") != 0)
        import_problem(im, line, "modality", "'%s' is not in-person or telehealth",
                       lv->modality);
    if (!lv->rater)
        lv->rater = "client";
    else if (strcmp(lv->rater, "client") != 0 && strcmp(lv->rater, "therapist") != 0 &&
             strcmp(lv->rater, "observer") != 0)
        import_problem(im, line, "rater", "'%s' is not client, therapist or observer",
                       lv->rater);
    return im->problems.n - before;
}

/* ---- sessions and administrations ---------------------------------------- */

static client_ent *client_get(importer *im, const char *code, const char *therapist)
{
    int added;
    void **slot = strmap_put(&im->clients, code, &added);
    if (added) {
        client_ent *c = xcalloc(1, sizeof *c);
        char *t = NULL;
        c->in_store = store_client_exists(im->s, code, &t);
        /* a new client gets the therapist of the first row that names it */
        c->therapist = c->in_store ? t : xstrdup(therapist);
        if (!c->in_store)
            free(t);
        *slot = c;
    }
    return *slot;
}

static void session_key(importer *im, const char *client, long number)
{
    sbuf_reset(&im->key);
    sbuf_adds(&im->key, client);
    sbuf_addc(&im->key, '\x1f');
    add_num(&im->key, number);
}

static const char *where(const sess *x, char buf[32])
{
    if (x->in_store)
        return "in the study";
    snprintf(buf, 32, "on line %ld", x->line);
    return buf;
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Blank cells agree with anything. */
sess *import_check_session(importer *im, const lead_vals *lv, long line)
{
    client_ent *c = client_get(im, lv->client, lv->therapist);
    session_key(im, lv->client, lv->session);
    int added;
    void **slot = strmap_put(&im->sessions, sbuf_str(&im->key), &added);
    if (added) {
        sess *x = xcalloc(1, sizeof *x);
        session_info si = { 0 };
        at_err err;
        *slot = x;
        if (c->in_store && store_session_get(im->s, lv->client, lv->session, &si, &err) == AT_OK) {
            x->in_store = 1;
            x->therapist = si.therapist;
            x->date = si.date;
            x->modality = si.modality;
        } else {
            /* a new session: made as the store will make it */
            x->line = line;
            x->therapist = xstrdup(lv->therapist ? lv->therapist : c->therapist);
            x->date = xstrdup(lv->date ? lv->date : im->today);
            x->modality = xstrdup(lv->modality);
            session_info_release(&si);
            return x;
        }
    }
    sess *x = *slot;
    char buf[32];
    if (lv->therapist && !same(lv->therapist, x->therapist)) {
        if (x->therapist)
            import_problem(im, line, "therapist",
                           "session %ld of client '%s' is with therapist '%s' (%s), not '%s'",
                           lv->session, lv->client, x->therapist, where(x, buf), lv->therapist);
        else
            import_problem(im, line, "therapist",
                           "session %ld of client '%s' has no therapist (%s), not '%s'",
                           lv->session, lv->client, where(x, buf), lv->therapist);
    }
    if (lv->date && strcmp(lv->date, x->date) != 0)
        import_problem(im, line, "date", "session %ld of client '%s' is dated %s (%s), not %s",
                       lv->session, lv->client, x->date, where(x, buf), lv->date);
    if (lv->modality && x->modality && strcmp(lv->modality, x->modality) != 0)
        import_problem(im, line, "modality", "session %ld of client '%s' is %s (%s), not %s",
                       lv->session, lv->client, x->modality, where(x, buf), lv->modality);
    else if (lv->modality && !x->modality)
        x->modality = xstrdup(lv->modality);   /* the store records it then */
    return x;
}

static void rater_words(sbuf *sb, const lead_vals *lv)
{
    sbuf_addf(sb, "a %s rating", lv->rater);
    if (lv->rater_code)
        sbuf_addf(sb, " by '%s'", lv->rater_code);
}

void import_check_admin(importer *im, const lead_vals *lv, const sess *x, long line,
                        int *replaces)
{
    *replaces = 0;
    session_key(im, lv->client, lv->session);
    sbuf_addc(&im->key, '\x1f');
    sbuf_adds(&im->key, lv->rater);
    sbuf_addc(&im->key, '\x1f');
    sbuf_adds(&im->key, lv->rater_code ? lv->rater_code : "");
    int added;
    void **slot = strmap_put(&im->admins, sbuf_str(&im->key), &added);
    sbuf what = SBUF_INIT;
    if (!added) {
        rater_words(&what, lv);
        import_problem(im, line, "session",
                       "%s for session %ld of client '%s' is already on line %ld",
                       sbuf_str(&what), lv->session, lv->client, (long)(intptr_t)*slot);
        goto out;
    }
    *slot = (void *)(intptr_t)line;
    if (!x->in_store)
        goto out;   /* a new session has no administrations yet */
    long admin_id = 0, instrument_id = 0;
    at_err err;
    at_status st = store_admin_find(im->s, im->in->name, lv->client, lv->session, lv->rater,
                                    lv->rater_code ? lv->rater_code : "", &admin_id,
                                    &instrument_id, &err);
    if (st == AT_OK && im->replace) {
        *replaces = 1;
    } else if (st == AT_OK) {
        rater_words(&what, lv);
        import_problem(im, line, "session",
                       "session %ld of client '%s' already has %s of '%s' in the study "
                       "(--replace replaces it)", lv->session, lv->client, sbuf_str(&what),
                       im->in->name);
    } else if (st != AT_ENOTFOUND) {
        import_problem(im, line, "session", "%s", err.msg);
    }
out:
    sbuf_release(&what);
}
