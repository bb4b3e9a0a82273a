/* collect instrument add | list | show: instruments are REDCap data
 * dictionaries; each form is one instrument, and a changed file is a new
 * version of it. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "html.h"
#include "commands.h"
#include "shipped.h"
#include "table.h"
#include "opt.h"

/* The options of each subcommand: parsing, help and completion. */
typedef struct instrument_args {
    const char *record_id, *out, *version;
    int csv, text, session_fields;
} instrument_args;

static void instrument_opts(int sub, instrument_args *a, opt_spec *specs)
{
    size_t n = 0;
    if (sub == 'a')
        specs[n++] = (opt_spec){ "--record-id", "NAME", "the record identifier field, when it "
                                 "is not called record_id", &a->record_id, NULL };
    if (sub == 'l') {
        specs[n++] = (opt_spec){ "-o", "FILE", "write CSV into FILE", &a->out, NULL };
        specs[n++] = (opt_spec){ "--csv", NULL, "CSV, whatever standard output is", NULL,
                                 &a->csv };
        specs[n++] = (opt_spec){ "--text", NULL, "aligned text, whatever the output is", NULL,
                                 &a->text };
    }
    if (sub == 's' || sub == 'e')
        specs[n++] = (opt_spec){ "--version", "N", "that version (default the latest)",
                                 &a->version, NULL };
    if (sub == 'e') {
        specs[n++] = (opt_spec){ "-o", "FILE", "write FILE instead of standard output", &a->out,
                                 NULL };
        specs[n++] = (opt_spec){ "--output", "FILE", NULL, &a->out, NULL };
        specs[n++] = (opt_spec){ "--session-fields", NULL, "with the fields attune_date and "
                                 "attune_therapist", NULL, &a->session_fields };
    }
    specs[n] = (opt_spec){ NULL, NULL, NULL, NULL, NULL };
}

static const struct { int sub; const char *name; } subs[] = {
    { 'a', "add" }, { 'l', "list" }, { 's', "show" }, { 'e', "export" }, { 'h', "shipped" } };

/* Parses "instrument SUB ..." from argv[2] on, the arguments that are not
 * options into args (NULL: none). */
static int instrument_parse(int sub, int argc, char **argv, instrument_args *a, opt_args *args)
{
    opt_spec specs[5];
    instrument_opts(sub, a, specs);
    return opt_parse("instrument", argc, argv, 2, specs, args);
}

static void usage(void)
{
    fputs("usage: collect instrument add FILE.csv|NAME [--record-id NAME]\n"
          "       collect instrument list [-o FILE] [--csv|--text]\n"
          "       collect instrument show NAME [--version N]\n"
          "       collect instrument export NAME [--version N] [--session-fields] [-o FILE]\n"
          "       collect instrument shipped\n"
          "\n"
          "add   reads a REDCap data dictionary; each Form Name in it becomes an\n"
          "      instrument.  Everything is checked first: every problem is reported\n"
          "      with its line and nothing is stored when there is any.  A form's\n"
          "      branching and calc fields may use only its own fields (a questionnaire\n"
          "      holds one form's answers): one naming another form's field is refused,\n"
          "      and the message names the form to leave out to add the others.  A\n"
          "      form whose text changed becomes a new version; answers stay tied to\n"
          "      the version they were given with.  The first field is the record\n"
          "      identifier when it is named record_id (or NAME); it holds the client\n"
          "      code, never asked.\n"
          "      The file must be UTF-8 text (a UTF-16 file is refused with the command\n"
          "      that converts it); a cell holds at most 1 MB.  NAME instead of a file\n"
          "      adds a shipped instrument (see 'instrument shipped').\n"
          "list  every version: name,version,sha256,added_at,fields,administrations\n"
          "      (the questionnaires given with it).  Aligned text when standard output\n"
          "      is a terminal, CSV when it is not or with -o (which writes FILE whole\n"
          "      or not at all, readable only by you; never the study file or its\n"
          "      -wal/-shm); --csv and --text choose.\n"
          "shipped  lists the instruments that come with attune: name,forms,template,file\n"
          "      (the name 'add' takes; the forms the file holds, whose names the other\n"
          "      commands take, srs_template holding srs; whether a form is a template\n"
          "      still to be given its licensed wording; the file), the files found\n"
          "      from $ATTUNE_INSTRUMENTS (folders separated by ':'), then the installed\n"
          "      share/attune/instruments beside collect's bin/, then, for a collect\n"
          "      run from its build folder, the source tree's instruments/\n"
          "show  prints an instrument's questions, choices, branching, scales and roles\n"
          "      (the latest version unless --version)\n"
          "export writes an instrument's dictionary (the latest version unless\n"
          "      --version) as a REDCap data dictionary CSV, on standard output or into\n"
          "      FILE (-o): the very file that was added when it held this form alone,\n"
          "      else the form's rows under the 18 standard headers.  --session-fields\n"
          "      adds the text fields attune_date and attune_therapist that carry the\n"
          "      session date and the therapist in 'collect export --format redcap'\n", stdout);
    instrument_args dummy;
    opt_spec specs[5];
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        instrument_opts(subs[i].sub, &dummy, specs);
        if (specs[0].name) {
            printf("\ninstrument %s:\n", subs[i].name);
            opt_help(stdout, specs);
        }
    }
}

static size_t count_questions(const dict_instrument *in)
{
    size_t n = 0;
    for (size_t i = 0; i < in->nfields; i++)
        if (in->fields[i].type != FT_CALC && in->fields[i].type != FT_DESCRIPTIVE)
            n++;
    return n;
}

/* "14 questions, scales: bond, goal" into sb */
static void describe(const dict_instrument *in, sbuf *sb)
{
    size_t q = count_questions(in);
    sbuf_addf(sb, "%zu question%s", q, q == 1 ? "" : "s");
    int first = 1;
    for (size_t i = 0; i < in->nfields; i++) {
        if (!in->fields[i].nterms)
            continue;
        sbuf_adds(sb, first ? ", scales: " : ", ");
        sbuf_adds(sb, in->fields[i].name);
        first = 0;
    }
}

/* ---- add --------------------------------------------------------------- */

static int instrument_add(int argc, char **argv, const char *db)
{
    instrument_args a = { 0 };
    opt_args args = { .noun = "file", .max = 1 };
    if (instrument_parse('a', argc, argv, &a, &args) != EXIT_OK)
        return EXIT_USAGE;
    if (!args.n)
        return cli_usage("instrument", "'instrument add' needs a FILE.csv or the NAME of a "
                         "shipped instrument (see 'collect instrument shipped')");
    const char *file = args.v[0], *record_id = a.record_id;
    int rc;

    rc = EXIT_FAIL;
    char *text = NULL;
    size_t len = 0;
    dict_file d = { 0 };
    at_msgs problems = AT_MSGS_INIT;
    store *s = NULL;
    at_err err;
    long *versions = NULL;
    int *added = NULL;
    sbuf form = SBUF_INIT, desc = SBUF_INIT;
    char *shipped = NULL;

    if (shipped_find(file, &shipped))
        file = shipped;
    else if (!strchr(file, '/') && access(file, F_OK) != 0) {
        cli_fail("'%s': no such file, and no shipped instrument of that name (see 'collect "
                 "instrument shipped')", file);
        goto out;
    }
    if (util_read_file(file, &text, &len, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        goto out;
    }
    if (dict_parse(file, text, len, record_id, &d, &problems, &err) != AT_OK) {
        if (problems.n)
            cli_print_msgs(&problems, (size_t)-1);
        else
            cli_fail("%s", err.msg);
        cli_fail("'%s': nothing was stored", file);
        goto out;
    }
    for (size_t w = 0; w < d.warnings.n; w++)
        cli_print_msg("warning", d.warnings.items[w]);
    /* A REDCap project's first field is its record identifier, whatever its
     * name; under another name than record_id it would be asked */
    if (d.nforms && !d.forms[0].record_id && d.forms[0].nfields &&
        d.forms[0].fields[0].type == FT_TEXT)
        fprintf(stderr,
                "collect: warning: '%s' line %ld: the first field, '%s', is asked as a "
                "question; if it is the project's record identifier (REDCap's first field "
                "always is), add the file with --record-id %s\n",
                file, d.forms[0].fields[0].line, d.forms[0].fields[0].name,
                d.forms[0].fields[0].name);

    s = cli_open(db, STORE_WRITE);
    if (!s)
        goto out;
    versions = xcalloc(d.nforms ? d.nforms : 1, sizeof *versions);
    added = xcalloc(d.nforms ? d.nforms : 1, sizeof *added);
    if (store_begin(s, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        goto out;
    }
    for (size_t f = 0; f < d.nforms; f++) {
        long id;
        sbuf_reset(&form);
        dict_write_form(&d.forms[f], &form);
        const dict_instrument *in = &d.forms[f];
        const char **cols = xcalloc(in->ncols ? in->ncols : 1, sizeof *cols);
        for (size_t c = 0; c < in->ncols; c++)
            cols[c] = in->cols[c].name;
        /* a file of one form is kept as it is, so 'instrument export' gives it back */
        const char *stored = d.nforms == 1 && strlen(text) == len ? text : NULL;
        at_status st = store_instrument_add_as(s, in->name, sbuf_str(&form), stored,
                                               in->record_id, cols, in->ncols, &id,
                                               &versions[f], &added[f], &err);
        free(cols);
        if (st != AT_OK) {
            store_rollback(s);
            cli_fail("%s", err.msg);
            cli_fail("'%s': nothing was stored", file);
            goto out;
        }
    }
    if (store_commit(s, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        goto out;
    }
    for (size_t f = 0; f < d.nforms; f++) {
        if (added[f]) {
            sbuf_reset(&desc);
            describe(&d.forms[f], &desc);
            printf("added %s version %ld (%s)\n", d.forms[f].name, versions[f], sbuf_str(&desc));
            if (d.forms[f].is_template)
                fprintf(stderr, "collect: note: '%s' is a template (@TEMPLATE): it is given to "
                        "no one until its licensed wording is pasted into the dictionary, "
                        "@TEMPLATE removed and the file added again\n", d.forms[f].name);
        } else {
            printf("%s version %ld unchanged\n", d.forms[f].name, versions[f]);
        }
    }
    rc = EXIT_OK;
out:
    sbuf_release(&form);
    sbuf_release(&desc);
    free(shipped);
    free(versions);
    free(added);
    store_close(s);
    msgs_release(&problems);
    dict_release(&d);
    free(text);
    return rc;
}

/* ---- list -------------------------------------------------------------- */

struct list_ctx {
    table t;
    store *s;
    record_catalog *cat;
    int text;         /* aligned text: the sha256 cut short */
    int failed;
};

static int list_one(const instrument_info *ii, void *vctx)
{
    struct list_ctx *c = vctx;
    at_err err;
    long uses = 0;
    const dict_instrument *in = record_catalog_get(c->cat, ii->id, &err);
    if (!in || store_instrument_uses(c->s, ii->id, &uses, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        c->failed = 1;
        return 1;
    }
    char sha[13];
    snprintf(sha, sizeof sha, "%s", ii->sha256);
    table_cell(&c->t, ii->name);
    table_long(&c->t, ii->version);
    table_cell(&c->t, c->text ? sha : ii->sha256);
    table_cell(&c->t, ii->added_at);
    table_long(&c->t, (long)in->nfields);
    table_long(&c->t, uses);
    return 0;
}

static int instrument_list(int argc, char **argv, const char *db)
{
    instrument_args a = { 0 };
    opt_args none = { .noun = "instrument list" };
    if (instrument_parse('l', argc, argv, &a, &none) != EXIT_OK)
        return EXIT_USAGE;
    if (a.csv && a.text)
        return cli_usage("instrument", "'--csv' or '--text', not both");
    const char *path = a.out;
    table_style style = a.csv ? TABLE_CSV : a.text ? TABLE_TEXT : TABLE_AUTO;
    /* a file is CSV unless asked otherwise; standard output is text on a terminal */
    if (style == TABLE_AUTO)
        style = path && strcmp(path, "-") != 0 ? TABLE_CSV
                : isatty(STDOUT_FILENO) ? TABLE_TEXT : TABLE_CSV;
    store *s = cli_open(db, STORE_READ);
    if (!s)
        return EXIT_FAIL;
    int rc = EXIT_FAIL;
    outfile out = OUTFILE_INIT;
    struct list_ctx c = { .s = s, .text = style == TABLE_TEXT };
    at_err err;
    static const char *const head[] = { "name", "version", "sha256", "added_at", "fields",
                                        "administrations" };
    table_init(&c.t, head, 6);
    if (cli_open_out(&out, path, s) != 0)
        goto out;
    c.cat = record_catalog_new(s);
    if (store_instrument_each(s, list_one, &c, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        goto out;
    }
    if (c.failed)
        goto out;
    table_write(&c.t, out.fp, style);
    if (outfile_commit(&out, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        goto out;
    }
    rc = EXIT_OK;
out:
    outfile_release(&out);
    record_catalog_free(c.cat);
    table_release(&c.t);
    store_close(s);
    return rc;
}

/* ---- shipped ------------------------------------------------------------ */

/* A shipped file's name is what 'instrument add' takes; the forms it holds
 * are the names run, invite and export take after it (srs_template holds
 * srs), a template marked so. */
static void shipped_row(const char *name, const char *path, void *ctx)
{
    csvout *w = ctx;
    sbuf forms = SBUF_INIT;
    int template = 0;
    shipped_forms(path, &forms, &template);
    csvout_field(w, name);
    csvout_field(w, sbuf_str(&forms));
    csvout_field(w, template ? "yes" : "no");
    csvout_field(w, path);
    csvout_end(w);
    sbuf_release(&forms);
}

static int instrument_shipped(int argc, char **argv)
{
    instrument_args a = { 0 };
    opt_args none = { .noun = "instrument shipped" };
    if (instrument_parse('h', argc, argv, &a, &none) != EXIT_OK)
        return EXIT_USAGE;
    csvout w;
    csvout_init_file(&w, stdout);
    static const char *const head[] = { "name", "forms", "template", "file" };
    csvout_row(&w, head, 4);
    shipped_each(shipped_row, &w);
    return EXIT_OK;
}

/* ---- show -------------------------------------------------------------- */

static void show_field(const dict_instrument *in, const dict_field *f, size_t number)
{
    if (f->section[0])
        printf("\n== %s ==\n", f->section);
    if (f->type == FT_DESCRIPTIVE) {
        printf("     %s  (text shown, not answered)\n", f->name);
        printf("     %s\n", f->label);
    } else {
        if (f->type == FT_CALC)
            printf("     %s  calc", f->name);
        else
            printf("%3zu  %s  %s", number, f->name, field_type_name(f->type));
        if (f->type == FT_TEXT && f->cols[DC_VALIDATION][0])
            printf(" (%s)", f->cols[DC_VALIDATION]);
        if (f->type == FT_SLIDER) {
            /* a slider without validation min/max still has its 0-100 bounds */
            char lo[32], hi[32];
            printf(", %s to %s", f->cols[DC_MIN][0] ? f->cols[DC_MIN] : fmt_num(f->min, lo),
                   f->cols[DC_MAX][0] ? f->cols[DC_MAX] : fmt_num(f->max, hi));
        } else if (f->has_min || f->has_max) {
            printf(", %s to %s", f->has_min ? f->cols[DC_MIN] : "",
                   f->has_max ? f->cols[DC_MAX] : "");
        }
        if (f->required)
            fputs(", required", stdout);
        if (f->identifier)
            fputs(", identifier", stdout);
        putchar('\n');
        printf("     %s\n", f->label);
    }
    if (f->note[0])
        printf("     note: %s\n", f->note);
    if (f->type == FT_SLIDER && f->cols[DC_CHOICES][0]) {
        char *labels = html_to_text(f->cols[DC_CHOICES]);
        printf("     labels: %s\n", labels);
        free(labels);
    }
    if (f->type != FT_CALC)
        for (size_t c = 0; c < f->nchoices; c++) {
            if (f->type == FT_CHECKBOX)
                printf("       %-4s %s  (column %s)\n", f->choices[c].code, f->choices[c].label,
                       in->cols[f->col + c].name);
            else
                printf("       %-4s %s\n", f->choices[c].code, f->choices[c].label);
        }
    if (f->type == FT_CALC)
        printf("     = %s\n", f->cols[DC_CHOICES]);
    if (f->cols[DC_BRANCHING][0])
        printf("     shown if %s\n", f->cols[DC_BRANCHING]);
    if (f->cols[DC_ANNOTATION][0])
        printf("     annotation: %s\n", f->cols[DC_ANNOTATION]);
}

static void show_scales(const dict_instrument *in)
{
    size_t i = 0;
    const dict_field *f = cli_next_scale(in, &i);
    puts(f ? "\nscales:" : "\nscales: none");
    for (; f; f = cli_next_scale(in, &i)) {
        printf("  %s: %s of %zu item%s", f->name, f->scale_is_mean ? "mean" : "sum", f->nterms,
               f->nterms == 1 ? "" : "s");
        if (f->minitems)
            printf(", scored when at least %d are answered", f->minitems);
        if (f->has_alert_below)
            printf(", alert below %g", f->alert_below);
        putchar('\n');
    }
}

static void show_roles(const dict_instrument *in)
{
    int any = 0;
    for (size_t i = 0; i < in->nfields; i++) {
        const dict_field *f = &in->fields[i];
        if (f->role == ROLE_NONE)
            continue;
        if (!any)
            puts("\nroles:");
        any = 1;
        printf("  %-13s %s", field_role_name(f->role), f->name);
        if (f->has_resolved_at)
            printf(" (resolved at %g or more)", f->resolved_at);
        putchar('\n');
    }
    if (!any)
        puts("\nroles: none");
}

/* A stored version of name (version 0: the latest) into ii; 0 after saying
 * why when there is none. */
static int version_get(store *s, const char *name, long version, instrument_info *ii)
{
    at_err err;
    at_status st = store_instrument_get(s, name, version, ii, &err);
    if (st == AT_OK)
        return 1;
    if (st != AT_ENOTFOUND)
        cli_fail("%s", err.msg);
    else if (version)
        cli_fail("instrument '%s': no version %ld (see 'collect instrument list')", name, version);
    else
        cli_no_instrument(name);
    return 0;
}

static int instrument_show(int argc, char **argv, const char *db)
{
    instrument_args a = { 0 };
    opt_args args = { .noun = "instrument", .max = 1 };
    if (instrument_parse('s', argc, argv, &a, &args) != EXIT_OK)
        return EXIT_USAGE;
    if (!args.n)
        return cli_usage("instrument", "'instrument show' needs a NAME");
    const char *name = args.v[0], *vtext = a.version;
    int rc;
    long version = 0;
    if (vtext && (!util_parse_long(vtext, &version) || version < 1))
        return cli_usage("instrument", "version '%s': not a whole number of 1 or more", vtext);

    store *s = cli_open(db, STORE_READ);
    if (!s)
        return EXIT_FAIL;
    rc = EXIT_FAIL;
    instrument_info ii = { 0 };
    record_catalog *cat = record_catalog_new(s);
    at_err err;
    if (!version_get(s, name, version, &ii))
        goto out;
    const dict_instrument *in = record_catalog_get(cat, ii.id, &err);
    if (!in) {
        cli_fail("%s", err.msg);
        goto out;
    }
    sbuf desc = SBUF_INIT;
    describe(in, &desc);
    printf("%s version %ld: %s\n", ii.name, ii.version, sbuf_str(&desc));
    sbuf_release(&desc);
    if (in->record_id)
        printf("record identifier: %s (holds the client code, never asked)\n", in->record_id);
    size_t number = 0;
    for (size_t f = 0; f < in->nfields; f++) {
        const dict_field *fl = &in->fields[f];
        if (fl->type != FT_CALC && fl->type != FT_DESCRIPTIVE)
            number++;
        show_field(in, fl, number);
    }
    show_scales(in);
    show_roles(in);
    rc = EXIT_OK;
out:
    record_catalog_free(cat);
    instrument_info_release(&ii);
    store_close(s);
    return rc;
}

/* ---- export ------------------------------------------------------------ */

/* The two fields that carry the session date and the therapist code in
 * 'export --format redcap', as dictionary rows of form. */
static void session_field_rows(const dict_instrument *in, sbuf *out)
{
    csvout w;
    csvout_init_buf(&w, out);
    if (instrument_field(in, CLI_REDCAP_DATE) >= 0 || instrument_field(in, CLI_REDCAP_THERAPIST) >= 0)
        return;              /* a dictionary taken back from REDCap has them already */
    const char *date[DC_NCOLS] = { 0 }, *therapist[DC_NCOLS] = { 0 };
    date[DC_NAME] = CLI_REDCAP_DATE;
    date[DC_FORM] = in->name;
    date[DC_TYPE] = "text";
    date[DC_LABEL] = "Session date (from attune)";
    date[DC_VALIDATION] = "date_ymd";
    therapist[DC_NAME] = CLI_REDCAP_THERAPIST;
    therapist[DC_FORM] = in->name;
    therapist[DC_TYPE] = "text";
    therapist[DC_LABEL] = "Therapist code (from attune)";
    csvout_row(&w, date, DC_NCOLS);
    csvout_row(&w, therapist, DC_NCOLS);
}

static int instrument_export(int argc, char **argv, const char *db)
{
    instrument_args a = { 0 };
    opt_args args = { .noun = "instrument", .max = 1 };
    if (instrument_parse('e', argc, argv, &a, &args) != EXIT_OK)
        return EXIT_USAGE;
    if (!args.n)
        return cli_usage("instrument", "'instrument export' needs a NAME");
    const char *name = args.v[0], *vtext = a.version, *path = a.out;
    int session_fields = a.session_fields;
    long version = 0;
    if (vtext && (!util_parse_long(vtext, &version) || version < 1))
        return cli_usage("instrument", "version '%s': not a whole number of 1 or more", vtext);

    store *s = cli_open(db, STORE_READ);
    if (!s)
        return EXIT_FAIL;
    int rc = EXIT_FAIL;
    instrument_info ii = { 0 };
    record_catalog *cat = record_catalog_new(s);
    outfile out = OUTFILE_INIT;
    sbuf text = SBUF_INIT;
    at_err err;
    if (!version_get(s, name, version, &ii))
        goto out;
    if (session_fields) {
        const dict_instrument *in = record_catalog_get(cat, ii.id, &err);
        if (!in) {
            cli_fail("%s", err.msg);
            goto out;
        }
        dict_write_form(in, &text);
        session_field_rows(in, &text);
    } else {
        sbuf_adds(&text, ii.dictionary);
    }
    if (cli_open_out(&out, path, s) != 0)
        goto out;
    if (fwrite(text.buf, 1, text.len, out.fp) != text.len || outfile_commit(&out, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        goto out;
    }
    rc = EXIT_OK;
out:
    outfile_release(&out);
    sbuf_release(&text);
    record_catalog_free(cat);
    instrument_info_release(&ii);
    store_close(s);
    return rc;
}

int cmd_instrument(int argc, char **argv, const char *db)
{
    for (size_t i = 0; argc > 2 && i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(argv[1], subs[i].name) == 0) {
            instrument_args dummy;
            opt_spec specs[5];
            instrument_opts(subs[i].sub, &dummy, specs);
            if (opt_complete(argc, argv, 2, specs))
                return EXIT_OK;
        }
    if (cli_wants_help(argc, argv)) {
        usage();
        return EXIT_OK;
    }
    if (argc < 2)
        return cli_usage("instrument", "'instrument' needs a subcommand: add, list, show, "
                         "export or shipped");
    if (strcmp(argv[1], "add") == 0)
        return instrument_add(argc, argv, db);
    if (strcmp(argv[1], "list") == 0)
        return instrument_list(argc, argv, db);
    if (strcmp(argv[1], "show") == 0)
        return instrument_show(argc, argv, db);
    if (strcmp(argv[1], "export") == 0)
        return instrument_export(argc, argv, db);
    if (strcmp(argv[1], "shipped") == 0)
        return instrument_shipped(argc, argv);
    return cli_usage("instrument", "'instrument %s' is not a command", argv[1]);
}
