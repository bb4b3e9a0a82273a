/* import_row.c: collect import's reading of a wide file's header and of a
 * row's answers (for both formats: a REDCap row arrives here turned into the
 * wide layout): each cell normalised and checked against the dictionary, the
 * answer set checked whole, and calc values from the file compared with
 * attune's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import.h"
#include "strmap.h"

struct calc_ref {
    importer *im;
    const dict_instrument *in;
};

static void note_calc_ref(long col, void *ctx)
{
    struct calc_ref *r = ctx;
    if (col >= 0 && r->in->fields[r->in->cols[col].field].type == FT_CALC)
        r->im->branch_on_calc = 1;
}

/* Calc values are not saved (they are recomputed whenever they are read), so
 * a row needs them only when a branching logic (of any version a row may
 * name) reads one. */
void import_find_branch_on_calc(importer *im)
{
    for (size_t k = 0; k < im->nvers; k++) {
        struct calc_ref r = { im, im->vers[k].in };
        for (size_t i = 0; i < r.in->nfields; i++)
            if (r.in->fields[i].branching)
                expr_each_ref(r.in->fields[i].branching, note_calc_ref, &r);
    }
}

/* ---- the header ---------------------------------------------------------- */

/* Whether a header names the leading columns as attune.client ... (the
 * layout written today) rather than client ... (written before). */
static int prefixed_layout(const csvrow *row)
{
    for (size_t i = 0; i < row->n; i++)
        if (strncmp(util_trim(row->fields[i]), "attune.", 7) == 0)
            return 1;
    return 0;
}

/* The leading columns a file may leave out: modality, rater and rater_code
 * are blank then. */
static int lead_optional(int l)
{
    return l == LEAD_MODALITY || l == LEAD_RATER || l == LEAD_RATER_CODE;
}

/* Maps an answer or calc column c of in at CSV index i of map. */
static void map_answer(importer *im, long *map, const dict_instrument *in, size_t i, long c)
{
    map[i] = c;
    if (in->fields[in->cols[c].field].type == FT_CALC)
        im->has_calc_cols = 1;
}

/* The earlier version of the instrument that has a column name, 0 when none
 * has. */
static long older_version_with(const importer *im, const char *name)
{
    for (size_t k = 1; k < im->nvers; k++)
        if (instrument_col(im->vers[k].in, name) >= 0)
            return im->vers[k].version;
    return 0;
}

/* Keeps the name of column i, which some version's rows leave blank, for
 * the message about a row that does not. */
static void note_other(importer *im, const csvrow *row, size_t i)
{
    if (!im->other_names)
        im->other_names = xcalloc(row->n ? row->n : 1, sizeof *im->other_names);
    if (!im->other_names[i])
        im->other_names[i] = xstrdup(util_trim(row->fields[i]));
}

/* In a file with an attune.version column: each earlier version's map, the
 * latest's leading and skipped columns as they are, and each answer column
 * (of any version) that version's column of that name, or COL_OTHER. */
static void map_versions(importer *im, const csvrow *row)
{
    im->vers[0].map = im->map;
    for (size_t k = 1; k < im->nvers; k++) {
        import_version *v = &im->vers[k];
        v->map = xmalloc((row->n ? row->n : 1) * sizeof *v->map);
        for (size_t i = 0; i < row->n; i++) {
            long c = im->map[i];
            if (c == COL_LEAD || c == COL_SKIP) {
                v->map[i] = c;
                continue;
            }
            long own = instrument_col(v->in, util_trim(row->fields[i]));
            if (own >= 0)
                map_answer(im, v->map, v->in, i, own);
            else {
                v->map[i] = COL_OTHER;
                note_other(im, row, i);
            }
        }
    }
}

void import_read_header(importer *im, const csvrow *row)
{
    const dict_instrument *in = im->in;
    im->ncsv = row->n;
    im->map = xmalloc((row->n ? row->n : 1) * sizeof *im->map);
    int prefixed = prefixed_layout(row);
    const char *const *lead_names = prefixed ? cli_wide_lead : cli_wide_lead_old;
    im->blank_date_unknown = prefixed;
    for (int l = 0; l < NLEAD; l++) {
        im->lead[l] = -1;
        im->lead_name[l] = lead_names[l];
    }
    strmap seen = STRMAP_INIT;
    int told[NLEAD] = { 0 };   /* a leading column already reported */
    int versioned = 0;         /* the file has an attune.version column */
    for (size_t i = 0; prefixed && i < row->n; i++)
        versioned |= strcmp(util_trim(row->fields[i]), CLI_WIDE_VERSION) == 0;

    for (size_t i = 0; i < row->n; i++) {
        const char *name = util_trim(row->fields[i]);
        if (import_column_again(im, &seen, row->line, name)) {
            im->map[i] = COL_SKIP;
            continue;
        }
        if (prefixed && strcmp(name, CLI_WIDE_STATUS) == 0) {
            im->status_col = (long)i;
            im->map[i] = COL_LEAD;
            continue;
        }
        if (prefixed && strcmp(name, CLI_WIDE_VERSION) == 0) {
            im->version_col = (long)i;
            im->map[i] = COL_LEAD;
            continue;
        }
        int lead = -1;
        for (int l = 0; l < NLEAD; l++)
            if (strcmp(name, lead_names[l]) == 0)
                lead = l;
        long c = instrument_col(in, name);
        if (lead >= 0 && c >= 0) {
            /* client ... in a file without attune.* columns, and a field of that name */
            import_problem(im, &im->reading, row->line, name, "both a field of '%s' and, in a "
                           "file whose leading columns are not named attune.client, "
                           "attune.session, ..., the %s column; name the leading columns as "
                           "'collect export' writes them", in->name, name);
            told[lead] = 1;
            im->map[i] = COL_SKIP;
            continue;
        }
        if (lead >= 0) {
            im->lead[lead] = (long)i;
            im->map[i] = COL_LEAD;
            continue;
        }
        long older = c < 0 ? older_version_with(im, name) : 0;
        if (c < 0 && older && versioned) {
            im->map[i] = COL_OTHER;   /* an earlier version's: map_versions maps it */
            note_other(im, row, i);
            continue;
        }
        if (c < 0 && older) {
            import_problem(im, &im->reading, row->line, name, "not a column of version %ld of "
                           "'%s', the latest, but of version %ld: a file of answers given "
                           "with an earlier version names each row's version in an %s "
                           "column, as 'collect export' writes it%s", im->vers[0].version,
                           in->name, older, CLI_WIDE_VERSION,
                           prefixed ? "" : " (with the leading columns named attune.client, "
                                           "attune.therapist, ...)");
            im->map[i] = COL_SKIP;
            continue;
        }
        if (c < 0) {
            if (in->record_id && strcmp(name, in->record_id) == 0)
                import_problem(im, &im->reading, row->line, name, "the record identifier has no column "
                               "here: the %s column holds it", lead_names[LEAD_CLIENT]);
            else if (*name == '\0')
                import_problem(im, &im->reading, row->line, name, "a column without a name (column %zu)",
                               i + 1);
            else if (strncmp(name, "redcap_", 7) == 0)
                import_problem(im, &im->reading, row->line, name, "not a column of '%s' (a "
                               "REDCap export is read with --format redcap)", in->name);
            else
                import_problem(im, &im->reading, row->line, name, "not a column of '%s'", in->name);
            im->map[i] = COL_SKIP;
            continue;
        }
        map_answer(im, im->map, in, i, c);
    }
    /* a header with no leading column in either layout is missing them as
     * 'collect export' names them today, not as in the older layout */
    int any_lead = prefixed;
    for (int l = 0; l < NLEAD; l++)
        any_lead |= im->lead[l] >= 0 || told[l];
    const char *const *missing = any_lead ? lead_names : cli_wide_lead;
    for (int l = 0; l < NLEAD; l++)
        if (im->lead[l] < 0 && !lead_optional(l) && !told[l])
            import_problem(im, &im->reading, row->line, missing[l], "the column is missing");
    strmap_release(&seen, NULL);
    if (versioned)
        map_versions(im, row);
    im->header_bad = im->reading.msgs->n > 0;
}

/* ---- the answers --------------------------------------------------------- */

void import_read_status(importer *im, const csvrow *row)
{
    if (im->status_col < 0)
        return;
    const char *v = util_trim(row->fields[im->status_col]);
    if (strcasecmp(v, "partial") == 0)
        im->row_partial = 1;
    else if (*v && strcasecmp(v, "complete") != 0)
        import_problem(im, &im->reading, row->line, CLI_WIDE_STATUS,
                       "'%s' is not a status: partial or complete (blank is complete)", v);
}

void import_read_version(importer *im, const csvrow *row)
{
    size_t k = 0;
    if (im->version_col < 0)
        return;
    {
        const char *cell = util_trim(row->fields[im->version_col]);
        long n = 0;
        int ok = !*cell;
        if (*cell && util_parse_long(cell, &n))
            for (size_t j = 0; j < im->nvers; j++)
                if (im->vers[j].version == n) {
                    k = j;
                    ok = 1;
                }
        im->row_version_bad = !ok;
        if (!ok) {
            sbuf have = SBUF_INIT;   /* "1, 2 and 4", oldest first */
            for (size_t j = im->nvers; j-- > 0;)
                sbuf_addf(&have, "%s%ld", j == im->nvers - 1 ? "" : j ? ", " : " and ",
                          im->vers[j].version);
            import_problem(im, &im->reading, row->line, CLI_WIDE_VERSION,
                           "'%s' is not a version of '%s' (it has %s %s; blank is the "
                           "latest)", cell, im->vers[0].in->name,
                           im->nvers == 1 ? "only version" : "versions", sbuf_str(&have));
            sbuf_release(&have);
        }
    }
    im->row_ver = k;
    im->in = im->vers[k].in;
    im->map = im->vers[k].map;
    im->instrument_id = im->vers[k].instrument_id;
}

/* Normalises the row's answers into im->vals and checks them as a whole. */
/* Whether a calc value from the file agrees with attune's: the file's is
 * blank (not given), or it is the same number (to 1e-9 relative, so 2 and
 * 2.0 agree and a last-digit rounding does not count) or the same text. */
static int calc_agrees(const char *file, const char *ours, int decimal_comma)
{
    if (!file || !*file)
        return 1;
    if (!ours || !*ours)
        return 0;
    if (strcmp(file, ours) == 0)     /* mostly: the file's export of the same value */
        return 1;
    /* a file separated by semicolons, as a spreadsheet saves it where a
     * comma marks the decimals: 4,5 there is the number 4.5 */
    char point[64];
    const char *comma = decimal_comma ? strchr(file, ',') : NULL;
    if (comma && !strchr(comma + 1, ',') && strlen(file) < sizeof point) {
        strcpy(point, file);
        point[comma - file] = '.';
        file = point;
    }
    double a, b;
    if (util_parse_double(file, &a) && util_parse_double(ours, &b))
        return fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
    return strcmp(file, ours) == 0;
}

/* Compares the file's calc values with the ones just computed. */
static void compare_calcs(importer *im, const csvrow *row, const char *client)
{
    const dict_instrument *in = im->in;
    for (size_t c = 0; c < in->ncols; c++) {
        if (in->fields[in->cols[c].field].type != FT_CALC || !im->calc_in[c])
            continue;
        const char *ours = im->vals[c];
        if (calc_agrees(im->calc_in[c], ours, im->semicolons))
            continue;
        sbuf sb = SBUF_INIT;
        sbuf_addf(&sb, "'%s' line %ld: '%s': the file has %s, attune computes %s", im->path,
                  row->line, in->cols[c].name, *im->calc_in[c] ? im->calc_in[c] : "a blank",
                  ours && *ours ? ours : "a blank");
        if (im->redcap && client)
            sbuf_addf(&sb, " (record '%s')", client);
        msgs_addf(&im->warnings, "%s", sbuf_str(&sb));
        sbuf_release(&sb);
    }
}

/* A form REDCap marks complete may still have required answers blank:
 * REDCap lets its user save past the prompt, and its data import does not
 * ask for them.  attune calls such an administration partial, and says so. */
static void redcap_required_blank(importer *im, const csvrow *row)
{
    const dict_instrument *in = im->in;
    size_t first = 0;
    size_t n = instrument_required_blank(in, (const char *const *)im->vals, im->valid, &first);
    if (!n)
        return;
    im->row_partial = 1;
    const char *client = im->lead[LEAD_CLIENT] >= 0
                             ? util_trim(row->fields[im->lead[LEAD_CLIENT]]) : "";
    sbuf sb = SBUF_INIT;
    sbuf_addf(&sb, "'%s' line %ld: '%s'", im->path, row->line, in->fields[first].name);
    if (n > 1)
        sbuf_addf(&sb, " and %zu more required field%s", n - 1, n > 2 ? "s" : "");
    sbuf_addf(&sb, " left blank in a form REDCap marks complete (record '%s'): imported as "
              "partial", client);
    msgs_addf(&im->warnings, "%s", sbuf_str(&sb));
    sbuf_release(&sb);
}

void import_clear_vals(importer *im)
{
    for (size_t c = 0; c < im->maxcols; c++) {
        if (!im->borrowed[c])
            free(im->vals[c]);
        im->vals[c] = NULL;
        im->borrowed[c] = 0;
    }
}

/* A checkbox option's column holding 0 (not ticked) where the row's version
 * has the checkbox but not that option: nothing to store, so no problem. */
static int unticked_other_option(const dict_instrument *in, const char *col, const char *cell)
{
    const char *sep = strstr(col, "___");
    if (strcmp(cell, "0") != 0 || !sep)
        return 0;
    char *base = xstrndup(col, (size_t)(sep - col));
    long f = instrument_field(in, base);
    free(base);
    return f >= 0 && in->fields[f].type == FT_CHECKBOX;
}

void import_check_answers(importer *im, const csvrow *row)
{
    const dict_instrument *in = im->in;
    char why[256];
    size_t before = im->reading.msgs->n;
    import_clear_vals(im);
    memset(im->valid, 0, in->ncols);
    if (im->has_calc_cols)
        memset(im->calc_in, 0, in->ncols * sizeof *im->calc_in);
    for (size_t i = 0; i < im->ncsv; i++) {
        long c = im->map[i];
        const char *raw = row->fields[i];
        if (c == COL_OTHER && !im->row_version_bad && *util_trim(row->fields[i]) &&
            !unticked_other_option(in, im->other_names[i], util_trim(row->fields[i])))
            import_problem(im, &im->reading, row->line, im->other_names[i],
                           "version %ld of '%s', %s, has no such column",
                           im->vers[im->row_ver].version, in->name,
                           *util_trim(row->fields[im->version_col])
                               ? "the row's " CLI_WIDE_VERSION
                               : "the latest (the row's " CLI_WIDE_VERSION " is blank)");
        if (c < 0)
            continue;
        const dict_field *f = &in->fields[in->cols[c].field];
        if (f->type == FT_CALC) {     /* recomputed, never trusted: compared below */
            im->calc_in[c] = util_trim(row->fields[i]);
            continue;
        }
        if (!*raw)
            continue;
        /* a choice's code as it is: the dictionary's text, not a copy */
        const char *code = field_choice_exact(f, raw);
        if (code) {
            im->vals[c] = (char *)code;
            im->borrowed[c] = 1;
            im->valid[c] = 1;
            continue;
        }
        char *out = NULL;
        if (field_normalize(f, raw, &out, why, sizeof why)) {
            im->vals[c] = out;
            im->valid[c] = 1;
        } else {
            /* keep the raw text: the check below names it with its reason */
            im->vals[c] = xstrdup(raw);
        }
    }
    if (im->branch_on_calc || im->has_calc_cols)
        instrument_compute(in, im->vals);
    if (im->redcap && !im->row_partial)
        redcap_required_blank(im, row);
    instrument_check_as(in, (const char *const *)im->vals, im->valid, im->row_partial,
                        import_prefix(im, &im->reading, row->line), im->reading.msgs);
    if (im->has_calc_cols && im->reading.msgs->n == before)
        compare_calcs(im, row, im->lead[LEAD_CLIENT] >= 0
                                   ? util_trim(row->fields[im->lead[LEAD_CLIENT]]) : NULL);
}

