/* import_redcap.c: collect import --format redcap, the CSV REDCap's Export
 * Data writes (raw values, variable names as headers).
 *
 * Each row of the file is turned into the wide import's row: the leading
 * cells (client from the record identifier, the session number from the
 * repeat instance of a repeating instrument or event, the event or
 * --session, therapist and date from the fields --therapist-field and
 * --date-field name; a therapist blank on an instance's row from the
 * record's own row at that event, a date not) followed by the file's
 * own cells, of which the instrument's columns are answers and the rest
 * (other forms, REDCap's own columns) are skipped.  From there the rows are
 * checked and saved exactly as a wide file's are.
 *
 * Which rows are the instrument's: a row of a repeating instrument says so
 * in redcap_repeat_instrument (rows of other repeating forms are skipped);
 * any other row is taken when it holds an answer to the instrument (an
 * unticked checkbox option, which REDCap writes as 0 in every row, is none)
 * or a <form>_complete above 0, so the rows of events the form is not in,
 * and the rows that hold only other forms, are left alone. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "strmap.h"

/* An event: the session number it stands for. */
typedef struct event_info {
    long session;
} event_info;

typedef struct redcap_map {
    long record, event, rep_form, rep_inst, complete, therapist, date;  /* file columns, -1 none */
    strmap events;              /* event name -> event_info */
    strmap arms;                /* arm -> events seen in it so far (as a counter) */
    sbuf order;                 /* events in the order numbered, for the note */
    char **given;               /* --events, split */
    size_t ngiven;
    size_t skipped;             /* columns of other forms */
    int labels;                 /* the header is of REDCap's export of labels */
    sbuf skipped_names;
    char session[24];           /* the leading cells made for the row being read */
    char date_cell[64];
    const dict_field *date_field;   /* the instrument's field --date-field names, or NULL */
    char client_col[256];
    char complete_col[256];
    /* the event rows of the record being read, for the check of the order
     * events are numbered in (REDCap writes a record's events in the
     * project's order) */
    char *last_record, *last_event;
    long last_session;
    /* the first record whose events came out of their order: a problem
     * only for a form with rows numbered by their event (by_event), so
     * kept until one is, and told once */
    long order_line;            /* 0 none */
    sbuf order_why;
    int order_told;
    /* the form's rows of the record being read, for sessions numbered on
     * through a record's events when the form repeats at more than one */
    char *form_record, *form_event;
    long form_base;             /* the sessions of the record's earlier events */
    long form_max;              /* the record's highest session so far */
    int form_repeated;          /* an instance row of the form was in the record */
    int by_event;               /* a row of the form was numbered by its event */
    sbuf spread;                /* the first such numbering, for the note */
    /* the record's own row at an event (no repeat instrument or instance),
     * where REDCap writes the fields of forms that do not repeat, before
     * the record's instances: the therapist and date cells found there */
    char *base_record, *base_event, *base_therapist, *base_date;
    long base_line;
    sbuf therapist_from_base;   /* the first instance given the row's therapist, for the note */
    sbuf date_on_base;          /* the first instance whose date was only there, for the warning */
} redcap_map;

/* "_arm_N" at the end of a unique event name, or "" for none. */
static const char *arm_of(const char *event)
{
    const char *a = strstr(event, "_arm_");
    while (a) {
        const char *p = a + 5;
        if (*p >= '0' && *p <= '9') {
            while (*p >= '0' && *p <= '9')
                p++;
            if (*p == '\0')
                return a;
        }
        a = strstr(a + 1, "_arm_");
    }
    return "";
}

static void split_events(redcap_map *m, const char *list)
{
    char *copy = xstrdup(list), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        tok = util_trim(tok);
        if (!*tok)
            continue;
        m->given = xrealloc(m->given, (m->ngiven + 1) * sizeof *m->given);
        m->given[m->ngiven++] = xstrdup(tok);
    }
    free(copy);
}

/* The session an event given in --events stands for: its place among the
 * listed events of its arm (an entry without an arm counts in every arm);
 * 0 when it is not listed. */
static long listed_session(const redcap_map *m, const char *event)
{
    const char *arm = arm_of(event);
    size_t base = strlen(event) - strlen(arm);
    long place = 0;
    for (size_t k = 0; k < m->ngiven; k++) {
        const char *g = m->given[k];
        const char *garm = arm_of(g);
        if (*garm && strcmp(garm, arm) != 0)
            continue;                      /* another arm's event */
        place++;
        if (strcmp(g, event) == 0 ||
            (!*garm && strlen(g) == base && strncmp(g, event, base) == 0))
            return place;
    }
    return 0;
}

/* Whether a header is that of REDCap's export of labels rather than of
 * raw data: a checkbox option's column as that export names it
 * ("Label (choice=...)") or the form status's "Complete?" (marks no raw
 * header has), or, when no cell names one of the form's fields (answers
 * 0), a cell that is a field's label (a label may also be a field's name,
 * matched already as an answer column). */
static int labels_header(const dict_instrument *in, const csvrow *row, size_t answers)
{
    for (size_t i = 0; i < row->n; i++) {
        const char *cell = util_trim(row->fields[i]);
        if (strstr(cell, "(choice=") || strcmp(cell, "Complete?") == 0)
            return 1;
    }
    for (size_t i = 0; i < row->n && !answers; i++) {
        const char *cell = util_trim(row->fields[i]);
        if (!*cell)
            continue;
        for (size_t k = 0; k < in->nfields; k++)
            if (in->fields[k].type != FT_DESCRIPTIVE && strcmp(cell, in->fields[k].label) == 0)
                return 1;
    }
    return 0;
}

/* The form's checkbox a "name___code" column is of, when the code is none
 * of its choices; NULL for any other column. */
static const dict_field *stray_choice(const dict_instrument *in, const char *name)
{
    const char *sep = strstr(name, "___");
    if (!sep || sep == name)
        return NULL;
    char field[256];
    snprintf(field, sizeof field, "%.*s", (int)(sep - name), name);
    long f = instrument_field(in, field);
    return f >= 0 && in->fields[f].type == FT_CHECKBOX ? &in->fields[f] : NULL;
}

void redcap_header(importer *im, const csvrow *row)
{
    const dict_instrument *in = im->in;
    redcap_map *m = xcalloc(1, sizeof *m);
    im->rc = m;
    im->blank_date_unknown = 1;
    m->record = m->event = m->rep_form = m->rep_inst = m->complete = m->therapist = m->date = -1;
    im->ncsv = row->n + NLEAD;
    im->map = xmalloc(im->ncsv * sizeof *im->map);
    for (int l = 0; l < NLEAD; l++) {
        im->lead[l] = l;
        im->map[l] = COL_LEAD;
    }
    if (im->opt_events)
        split_events(m, im->opt_events);

    const char *rid = im->opt_record_id ? im->opt_record_id
                      : in->record_id ? in->record_id
                      : row->n ? util_trim(row->fields[0]) : "record_id";
    snprintf(m->client_col, sizeof m->client_col, "%s", rid);
    const char *therapist = im->opt_therapist, *date = im->opt_date;
    /* the columns export --format redcap writes, unless others are named */
    for (size_t i = 0; i < row->n; i++) {
        const char *name = util_trim(row->fields[i]);
        if (!im->opt_therapist && strcmp(name, CLI_REDCAP_THERAPIST) == 0)
            therapist = CLI_REDCAP_THERAPIST;
        if (!im->opt_date && strcmp(name, CLI_REDCAP_DATE) == 0)
            date = CLI_REDCAP_DATE;
    }

    sbuf complete = SBUF_INIT, stamp = SBUF_INIT;
    sbuf_addf(&complete, "%s_complete", in->name);
    snprintf(m->complete_col, sizeof m->complete_col, "%s", sbuf_str(&complete));
    sbuf_addf(&stamp, "%s_timestamp", in->name);
    strmap seen = STRMAP_INIT;
    size_t answers = 0;
    for (size_t i = 0; i < row->n; i++) {
        const char *name = util_trim(row->fields[i]);
        long *slot = &im->map[NLEAD + i];
        *slot = COL_SKIP;
        if (import_column_again(im, &seen, row->line, name))
            continue;
        if (therapist && strcmp(name, therapist) == 0)
            m->therapist = (long)i;
        if (date && strcmp(name, date) == 0) {
            m->date = (long)i;
            long f = instrument_field(in, name);
            m->date_field = f >= 0 ? &in->fields[f] : NULL;
        }
        long c = instrument_col(in, name);
        const dict_field *cb;
        if (strcmp(name, rid) == 0) {
            m->record = (long)i;
        } else if (strcmp(name, "redcap_event_name") == 0) {
            m->event = (long)i;
        } else if (strcmp(name, "redcap_repeat_instrument") == 0) {
            m->rep_form = (long)i;
        } else if (strcmp(name, "redcap_repeat_instance") == 0) {
            m->rep_inst = (long)i;
        } else if (strcmp(name, sbuf_str(&complete)) == 0) {
            m->complete = (long)i;
        } else if (c >= 0) {
            *slot = c;
            answers++;
            if (in->fields[in->cols[c].field].type == FT_CALC)
                im->has_calc_cols = 1;
        } else if (strcmp(name, sbuf_str(&stamp)) == 0 ||
                   strcmp(name, "redcap_survey_identifier") == 0 ||
                   strcmp(name, "redcap_data_access_group") == 0 ||
                   m->therapist == (long)i || m->date == (long)i) {
            /* REDCap's own columns, and the therapist and date fields */
        } else if (*name == '\0') {
            import_problem(im, &im->reading, row->line, name, "a column without a name (column %zu)",
                           i + 1);
        } else if ((cb = stray_choice(in, name)) != NULL) {
            sbuf codes = SBUF_INIT;
            for (size_t k = 0; k < cb->nchoices; k++)
                sbuf_addf(&codes, "%s%s", k ? ", " : "", cb->choices[k].code);
            import_problem(im, &im->reading, row->line, name, "'%s' has no choice '%s' (its "
                           "choices: %s)", cb->name, strstr(name, "___") + 3, sbuf_str(&codes));
            sbuf_release(&codes);
        } else {
            if (m->skipped < 5)
                sbuf_addf(&m->skipped_names, "%s%s", m->skipped ? ", " : "", name);
            m->skipped++;
        }
    }
    if (m->record < 0)
        import_problem(im, &im->reading, row->line, rid, "the column is missing (the record "
                       "identifier, which gives the client; another is named with --record-id)");
    if (im->opt_therapist && m->therapist < 0)
        import_problem(im, &im->reading, row->line, im->opt_therapist,
                       "the column is missing (named by --therapist-field)");
    if (im->opt_date && m->date < 0)
        import_problem(im, &im->reading, row->line, im->opt_date,
                       "the column is missing (named by --date-field)");
    if (im->opt_events && m->event < 0)
        import_problem(im, &im->reading, row->line, "redcap_event_name", "the column is missing, "
                       "but --events was given (the file is not from a longitudinal project)");
    m->labels = m->complete < 0 && labels_header(in, row, answers);
    if (m->labels)
        import_problem(im, &im->reading, row->line, in->name, "'%s' cannot be read from this file: "
                       "its header holds field labels, as REDCap's export of labels writes; "
                       "export the raw data (variable names and codes) instead", in->name);
    else if (!answers && m->complete < 0)
        import_problem(im, &im->reading, row->line, in->name, "no column of '%s' is in the file "
                       "(is it the export of another project?)", in->name);
    if (m->rep_form >= 0 && m->rep_inst < 0)
        import_problem(im, &im->reading, row->line, "redcap_repeat_instance",
                       "the column is missing, but redcap_repeat_instrument is there");

    im->lead_name[LEAD_CLIENT] = m->client_col;
    im->lead_name[LEAD_THERAPIST] = therapist ? (m->therapist >= 0 ? therapist : "therapist")
                                              : "therapist";
    im->lead_name[LEAD_SESSION] = m->rep_form >= 0 || m->rep_inst >= 0 ? "redcap_repeat_instance"
                                  : m->event >= 0 ? "redcap_event_name" : "session";
    im->lead_name[LEAD_DATE] = date && m->date >= 0 ? date : "date";
    im->lead_name[LEAD_MODALITY] = "modality";
    im->lead_name[LEAD_RATER] = "rater";
    im->lead_name[LEAD_RATER_CODE] = "rater_code";
    strmap_release(&seen, NULL);
    sbuf_release(&complete);
    sbuf_release(&stamp);
    im->header_bad = im->reading.msgs->n > 0;
}

/* The session an event stands for: as --events lists it, or numbered in
 * the order events first appear in the file (on any row, the form's or
 * not), within each arm.  0 (after a problem) when --events does not list
 * it. */
static long event_session(importer *im, long line, const char *event)
{
    redcap_map *m = im->rc;
    int added;
    void **slot = strmap_put(&m->events, event, &added);
    if (!added)
        return ((event_info *)*slot)->session;
    event_info *e = xcalloc(1, sizeof *e);
    *slot = e;
    if (m->ngiven) {
        e->session = listed_session(m, event);
        if (!e->session)
            import_problem(im, &im->reading, line, "redcap_event_name",
                           "'%s' is not one of the events given with --events", event);
        return e->session;
    }
    void **arm = strmap_put(&m->arms, arm_of(event), &added);
    e->session = (long)(size_t)*arm + 1;
    *arm = (void *)(size_t)e->session;
    sbuf_addf(&m->order, "%s%s = session %ld", m->order.len ? ", " : "", event, e->session);
    return e->session;
}

/* Whether the row holds an answer of the instrument.  A calc value is
 * none (REDCap may fill one in where nothing was asked), and neither is an
 * unticked checkbox option: REDCap writes 0 in every option column of a
 * form that was never filled in, so only a ticked one (1) tells that the
 * form was answered. */
static int has_answers(const importer *im, const csvrow *row)
{
    const dict_instrument *in = im->in;
    for (size_t i = 0; i < row->n; i++) {
        long c = im->map[NLEAD + i];
        if (c < 0)
            continue;
        field_type t = in->fields[in->cols[c].field].type;
        const char *cell = util_trim(row->fields[i]);
        if (t != FT_CALC && *cell && !(t == FT_CHECKBOX && strcmp(cell, "0") == 0))
            return 1;
    }
    return 0;
}

/* Tells the first record whose events came out of their order (see
 * check_order), once, when the form has a row numbered by its event: the
 * form's sessions are then out of their order too.  A form numbered by its
 * repeat instances alone is not numbered by events, so it is not told. */
static void tell_order(importer *im)
{
    redcap_map *m = im->rc;
    if (!m->order_line || m->order_told || !m->by_event)
        return;
    m->order_told = 1;
    import_problem(im, &im->reading, m->order_line, "redcap_event_name", "%s",
                   sbuf_str(&m->order_why));
}

/* Numbered in the order events first appear, a record's events must come
 * in rising order, as REDCap writes them: one that comes after an event of
 * a higher number shows that the first rows did not hold every event in
 * its place (a record without the first events, say), and the numbers
 * would put sessions out of their order.  Every event row is checked,
 * whichever form it holds (the numbering is that of every form), and the
 * first misorder is kept; it is a problem only for a form numbered by its
 * events (tell_order), and told once: --events tells the order. */
static void check_order(importer *im, long line, const csvrow *row, long session)
{
    redcap_map *m = im->rc;
    const char *record = m->record >= 0 ? util_trim(row->fields[m->record]) : "";
    const char *event = util_trim(row->fields[m->event]);
    if (m->last_record && strcmp(m->last_record, record) == 0) {
        if (session < m->last_session && !m->order_line) {
            m->order_line = line;
            sbuf_addf(&m->order_why, "record '%s' has '%s' after '%s', but '%s' first appears "
                      "later in the file, so numbered in the order events first appear, the "
                      "sessions would be out of their order (session %ld after session %ld): "
                      "give the events' order with --events E1,E2,... (as the project's list "
                      "of events has them)",
                      record, event, m->last_event, m->last_event, session, m->last_session);
            tell_order(im);
        }
    } else {
        free(m->last_record);
        m->last_record = xstrdup(record);
    }
    free(m->last_event);
    m->last_event = xstrdup(event);
    m->last_session = session;
}

/* Where the form's row of `event` in `record` starts counting: 0 for the
 * first event of the form in the record, else the highest session its
 * earlier events took (REDCap writes a record's rows together, its events
 * in order, so a form repeating at two events gives its second event's
 * instances the sessions after the first's). */
static long form_base(redcap_map *m, const char *record, const char *event)
{
    if (!m->form_record || strcmp(m->form_record, record) != 0) {
        free(m->form_record);
        free(m->form_event);
        m->form_record = xstrdup(record);
        m->form_event = xstrdup(event);
        m->form_base = m->form_max = 0;
        m->form_repeated = 0;
    } else if (strcmp(m->form_event, event) != 0) {
        free(m->form_event);
        m->form_event = xstrdup(event);
        m->form_base = m->form_max;
    }
    return m->form_base;
}

/* Keeps the therapist and date cells of a record's own row (see
 * redcap_map), for the instances of the record's event that follow. */
static void remember_base(redcap_map *m, const csvrow *row)
{
    free(m->base_record);
    free(m->base_event);
    free(m->base_therapist);
    free(m->base_date);
    m->base_record = xstrdup(m->record >= 0 ? util_trim(row->fields[m->record]) : "");
    m->base_event = xstrdup(m->event >= 0 ? util_trim(row->fields[m->event]) : "");
    m->base_therapist = xstrdup(m->therapist >= 0 ? util_trim(row->fields[m->therapist]) : "");
    m->base_date = xstrdup(m->date >= 0 ? util_trim(row->fields[m->date]) : "");
    m->base_line = row->line;
}

/* Whether the record's own row last kept is that of record at event. */
static int base_of(const redcap_map *m, const char *record, const char *event)
{
    return m->base_record && strcmp(m->base_record, record) == 0 &&
           strcmp(m->base_event, event) == 0;
}

int redcap_row(importer *im, const csvrow *row, csvrow *out)
{
    redcap_map *m = im->rc;
    const dict_instrument *in = im->in;
    long line = row->line;
    size_t before = im->reading.msgs->n;
    const char *form = m->rep_form >= 0 ? util_trim(row->fields[m->rep_form]) : "";
    const char *status = m->complete >= 0 ? util_trim(row->fields[m->complete]) : "";
    /* an instance without a repeating instrument: the row's event repeats */
    const char *inst = m->rep_inst >= 0 ? util_trim(row->fields[m->rep_inst]) : "";
    /* every event in the file takes its place in the order, whether this
     * form was filled in at it or not, so that each form of the project
     * numbers the events alike; a repeating event's rows are numbered by
     * instance instead */
    if (m->event >= 0 && !m->ngiven && !*inst && *util_trim(row->fields[m->event]))
        check_order(im, line, row, event_session(im, line, util_trim(row->fields[m->event])));
    if (!*form && !*inst)
        remember_base(m, row);
    if (*form && strcmp(form, in->name) != 0)
        return 0;                                 /* another repeating form's row */
    if (!has_answers(im, row) && (!*status || strcmp(status, "0") == 0))
        return 0;                                 /* nothing of this form here */

    long session = im->opt_session ? im->opt_session : 1;
    const char *record = m->record >= 0 ? util_trim(row->fields[m->record]) : "";
    const char *event = m->event >= 0 ? util_trim(row->fields[m->event]) : "";
    long base = form_base(m, record, event);
    if (*form || *inst) {      /* a repeating instrument's or event's instance */
        long instance;
        if (!util_parse_long(inst, &instance) || instance < 1 || instance > LONG_MAX - base) {
            import_problem(im, &im->reading, line, "redcap_repeat_instance",
                           "'%s' is not an instance number (1, 2, 3, ...)", inst);
            session = 0;
        } else {
            session = base + instance;
            m->form_repeated = 1;
            if (base && !m->spread.len)
                sbuf_addf(&m->spread, "record '%s', %s instance %ld = session %ld", record,
                          event, instance, session);
        }
    } else if (m->event >= 0) {
        if (!*event) {
            import_problem(im, &im->reading, line, "redcap_event_name", "no event is given");
            session = 0;
        } else if (m->form_repeated) {
            /* an event after the record's instances of the form: the
             * session after them */
            session = base + 1;
        } else {
            session = event_session(im, line, event);
            m->by_event = 1;
            tell_order(im);     /* a misorder seen before matters now */
        }
    }
    if (session > m->form_max)
        m->form_max = session;
    if (*status && strcmp(status, "0") != 0 && strcmp(status, "1") != 0 &&
        strcmp(status, "2") != 0)
        import_problem(im, &im->reading, line, m->complete_col, "'%s' is not a form status "
                       "(0 incomplete, 1 unverified, 2 complete)", status);
    im->row_partial = *status && strcmp(status, "2") != 0;

    snprintf(m->session, sizeof m->session, "%ld", session > 0 ? session : 1);
    m->date_cell[0] = '\0';
    if (m->date >= 0) {
        /* a field of the form is read as its validation reads it (a date
         * in the order date_mdy or date_dmy names); a date and time gives
         * its date */
        const char *d = util_trim(row->fields[m->date]);
        /* a date on the record's own row only is one date for the whole
         * record, not that of each of its instances: not used (the
         * sessions stay undated), with a warning */
        if (!*d && (*form || *inst) && base_of(m, record, event) && *m->base_date &&
            !m->date_on_base.len)
            sbuf_addf(&m->date_on_base, "record '%s', line %ld", record, m->base_line);
        char *norm = NULL, why[200];
        if (m->date_field && *d) {
            if (!field_normalize(m->date_field, d, &norm, why, sizeof why))
                d = "";   /* not one: the field's own check names the cell, once */
            else if (norm)
                d = norm;
        }
        int n = strlen(d) > 10 && (d[10] == ' ' || d[10] == 'T') ? 10
                                                                 : (int)sizeof m->date_cell - 1;
        snprintf(m->date_cell, sizeof m->date_cell, "%.*s", n, d);
        free(norm);
    }
    static char empty[1] = "";
    out->fields[LEAD_CLIENT] = m->record >= 0 ? row->fields[m->record] : empty;
    out->fields[LEAD_THERAPIST] = m->therapist >= 0 ? row->fields[m->therapist] : empty;
    /* a therapist field of a form that does not repeat is written on the
     * record's own row alone: the instances of that record and event take
     * it from there */
    if (m->therapist >= 0 && !*util_trim(row->fields[m->therapist]) && (*form || *inst) &&
        base_of(m, record, event) && *m->base_therapist) {
        out->fields[LEAD_THERAPIST] = m->base_therapist;
        if (!m->therapist_from_base.len)
            sbuf_addf(&m->therapist_from_base, "record '%s', line %ld", record, m->base_line);
    }
    out->fields[LEAD_SESSION] = m->session;   /* "1" after a problem: the row is not saved */
    out->fields[LEAD_DATE] = m->date_cell;
    out->fields[LEAD_MODALITY] = empty;
    out->fields[LEAD_RATER] = im->opt_rater ? (char *)im->opt_rater : empty;
    out->fields[LEAD_RATER_CODE] = im->opt_rater_code ? (char *)im->opt_rater_code : empty;
    for (size_t i = 0; i < row->n; i++)
        out->fields[NLEAD + i] = row->fields[i];
    out->n = row->n + NLEAD;
    return im->reading.msgs->n > before ? -1 : 1;
}

void redcap_finish(importer *im)
{
    redcap_map *m = im->rc;
    if (!m)
        return;
    if (m->order.len && m->by_event)
        msgs_addf(&im->notes, "'%s': the events were taken as sessions in the order they first "
                  "appear (--events sets another): %s", im->path, sbuf_str(&m->order));
    if (m->spread.len)
        msgs_addf(&im->notes, "'%s': '%s' repeats at more than one event of a record, so its "
                  "sessions were numbered on through each record's events in the order the "
                  "file has them, the instances of an event after those of the events before "
                  "it (%s)", im->path, im->in->name, sbuf_str(&m->spread));
    if (m->therapist_from_base.len)
        msgs_addf(&im->notes, "'%s': '%s' is blank on the rows of '%s', so each instance "
                  "took the therapist from its record's own row at its event (the row without "
                  "a repeat instrument, where REDCap writes the fields of forms that do not "
                  "repeat; first: %s)", im->path, im->lead_name[LEAD_THERAPIST], im->in->name,
                  sbuf_str(&m->therapist_from_base));
    if (m->date_on_base.len)
        msgs_addf(&im->warnings, "'%s': '%s' is on the record's own row (the row without a "
                  "repeat instrument; first: %s), not on the rows of '%s': that is one date for "
                  "the whole record, not a session's, so it was not used and sessions without "
                  "a date of their own are undated (a later import may date them); name a "
                  "date field of '%s' with --date-field", im->path, im->lead_name[LEAD_DATE],
                  sbuf_str(&m->date_on_base), im->in->name, im->in->name);
    if (m->skipped && !m->labels)     /* labels are no columns of other forms */
        msgs_addf(&im->notes, "'%s': %zu column%s that %s not of '%s' (other forms) %s left "
                  "out: %s%s", im->path, m->skipped, m->skipped == 1 ? "" : "s",
                  m->skipped == 1 ? "is" : "are", im->in->name, m->skipped == 1 ? "was" : "were",
                  sbuf_str(&m->skipped_names), m->skipped > 5 ? ", ..." : "");
}

void redcap_release(importer *im)
{
    redcap_map *m = im->rc;
    if (!m)
        return;
    strmap_release(&m->events, free);
    free(m->last_record);
    free(m->last_event);
    sbuf_release(&m->order_why);
    free(m->form_record);
    free(m->form_event);
    sbuf_release(&m->spread);
    free(m->base_record);
    free(m->base_event);
    free(m->base_therapist);
    free(m->base_date);
    sbuf_release(&m->therapist_from_base);
    sbuf_release(&m->date_on_base);
    strmap_release(&m->arms, NULL);
    sbuf_release(&m->order);
    sbuf_release(&m->skipped_names);
    for (size_t k = 0; k < m->ngiven; k++)
        free(m->given[k]);
    free(m->given);
    free(m);
    im->rc = NULL;
}
