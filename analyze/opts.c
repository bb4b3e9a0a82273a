/* opts.c: the command-line options every analysis shares, and their checks. */
#include "analyze.h"
#include "opt.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int an_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = say_vfail(fmt, ap);
    va_end(ap);
    return rc;
}

int an_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = say_vusage(cmd, fmt, ap);
    va_end(ap);
    return rc;
}

void an_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say_vnote(fmt, ap);
    va_end(ap);
}

static int number_opt(const char *cmd, const char *name, const char *v, double lo, double hi,
                      double *out)
{
    if (!util_parse_double(v, out) || !isfinite(*out))
        return an_usage(cmd, "'%s' is '%s', not a number", name, v);
    if (*out < lo || *out > hi)
        return an_usage(cmd, "'%s' is %s, allowed %g to %g", name, v, lo, hi);
    return EXIT_OK;
}

static int choose(const char *cmd, const char *name, const char *v, const char *const *words,
                  int *out)
{
    for (int i = 0; words[i]; i++)
        if (strcmp(v, words[i]) == 0) {
            *out = i;
            return EXIT_OK;
        }
    sbuf sb = SBUF_INIT;
    for (int i = 0; words[i]; i++)
        sbuf_addf(&sb, "%s%s", i ? ", " : "", words[i]);
    int rc = an_usage(cmd, "'%s' is '%s', allowed %s", name, v, sbuf_str(&sb));
    sbuf_release(&sb);
    return rc;
}

static void opts_defaults(an_opts *o, const char *cmd)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    o->rater = "client";
    o->ep.rule = RULE_SD;
    o->ep.k = 1;
    o->ep.window = 3;
    o->ep.cutoff = NAN;
    o->reliability = NAN;
    o->resolved_at = NAN;
    o->by = BY_CLIENT;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = cores >= 2 ? 2 : 1;
}

enum opt_id {
    O_DB, O_INSTRUMENT, O_CLIENT, O_THERAPIST, O_COHORT, O_RATER, O_FROM, O_TO, O_OUT,
    O_PAIRWISE, O_ITEMS, O_RULE, O_K, O_WINDOW, O_CUTOFF, O_RELIABILITY, O_RESOLVED_AT,
    O_BY, O_OVER, O_FORMAT, O_OUT_DIR, O_ALL, O_THREADS, O_SCALE, O_ML, O_TIME, O_CENTER,
    O_THERAPIST_LEVEL, O_RANEF, O_PAIR
};

/* Every option of every analysis: its name, value and help line (the help
 * of an analysis's own options is in its help text: NULL here), which
 * analyses take it (bit 0: every one), and the section of the help it is
 * listed in. */
enum { SEC_NONE, SEC_WHICH, SEC_OUTPUT, SEC_EPISODE };

static const struct opt {
    opt_spec spec;      /* name, metavar (NULL: a flag), help */
    enum opt_id id;
    unsigned bit;
    int section;
} opt_table[] = {
    { { "--instrument", "NAME", "one instrument (every version); default every instrument",
        NULL, NULL }, O_INSTRUMENT, 0, SEC_WHICH },
    { { "--rater", "R", "client (default), therapist, observer, or all", NULL, NULL }, O_RATER, 0,
      SEC_WHICH },
    { { "--client", "C", "one client", NULL, NULL }, O_CLIENT, 0, SEC_WHICH },
    { { "--therapist", "T", "sessions with one therapist", NULL, NULL }, O_THERAPIST, 0,
      SEC_WHICH },
    { { "--cohort", "NAME", "sessions of therapists in one cohort", NULL, NULL }, O_COHORT, 0,
      SEC_WHICH },
    { { "--from", "YYYY-MM-DD", "sessions on or after this date", NULL, NULL }, O_FROM, 0,
      SEC_WHICH },
    { { "--to", "YYYY-MM-DD", "sessions on or before this date", NULL, NULL }, O_TO, 0,
      SEC_WHICH },
    { { "-o", "FILE", "write to FILE instead of standard output; the file is readable only by "
        "you and written whole or not at all, and may not be the study file or its -wal/-shm",
        NULL, NULL }, O_OUT, 0, SEC_OUTPUT },
    { { "--output", "FILE", "the same as -o", NULL, NULL }, O_OUT, 0, SEC_OUTPUT },
    /* chart's own: a file it draws, never standard output (listed in its
     * help in place of the two above) */
    { { "-o", "FILE", "the chart's file, with --client, --therapist or --cohort (--all "
        "writes into --out-dir instead); its extension, .svg, .png or .pdf, names the format; "
        "the file is readable only by you and written whole or not at all, and may not be the "
        "study file or its -wal/-shm", NULL, NULL }, O_OUT, OPT_ALL, SEC_OUTPUT },
    { { "--output", "FILE", "the same as -o", NULL, NULL }, O_OUT, OPT_ALL, SEC_OUTPUT },
    { { "--db", "STUDY", "the study: an SQLite file or a postgresql:// URL (default $ATTUNE_DB, "
        "else ./attune.db); it is opened read-only and never changed", NULL, NULL }, O_DB, 0, SEC_OUTPUT },
    { { "--threads", "N", "1: one thread; 2: the study is read and scored on two threads, "
        "each reading half the clients, while the analyses run (default 2 on a machine with two "
        "or more cores); the output is the same either way", NULL, NULL }, O_THREADS, 0,
      SEC_OUTPUT },
    { { "--pairwise", NULL, NULL, NULL, NULL }, O_PAIRWISE, OPT_PAIRWISE, SEC_NONE },
    { { "--items", NULL, NULL, NULL, NULL }, O_ITEMS, OPT_ITEMS, SEC_NONE },
    { { "--rule", "sd|rci|abs|sudden", "default sd", NULL, NULL }, O_RULE, OPT_EPISODE,
      SEC_EPISODE },
    { { "--k", "K", "sd rule: threshold = K x the client's SD (default 1)", NULL, NULL }, O_K,
      OPT_EPISODE, SEC_EPISODE },
    { { "--reliability", "R", "rci and sudden rules: r (default the scale's complete-case "
        "alpha)", NULL, NULL }, O_RELIABILITY, OPT_EPISODE, SEC_EPISODE },
    { { "--cutoff", "X", "abs rule: the threshold (required); sudden rule: the drop cutoff "
        "(default the RCI threshold)", NULL, NULL }, O_CUTOFF, OPT_EPISODE, SEC_EPISODE },
    { { "--window", "W", "repair within the next W scored sessions (default 3)", NULL, NULL },
      O_WINDOW, OPT_EPISODE, SEC_EPISODE },
    { { "--resolved-at", "X", NULL, NULL, NULL }, O_RESOLVED_AT, OPT_RESOLVED, SEC_NONE },
    { { "--by", "client|therapist|cohort", NULL, NULL, NULL }, O_BY, OPT_BY, SEC_NONE },
    { { "--over", "session|week", NULL, NULL, NULL }, O_OVER, OPT_OVER, SEC_NONE },
    { { "--format", "F", NULL, NULL, NULL }, O_FORMAT, OPT_FORMAT, SEC_NONE },
    { { "--out-dir", "DIR", NULL, NULL, NULL }, O_OUT_DIR, OPT_OUTDIR, SEC_NONE },
    { { "--all", NULL, NULL, NULL, NULL }, O_ALL, OPT_ALL, SEC_NONE },
    { { "--scale", "NAME", NULL, NULL, NULL }, O_SCALE, OPT_GROWTH, SEC_NONE },
    { { "--ml", NULL, NULL, NULL, NULL }, O_ML, OPT_GROWTH, SEC_NONE },
    { { "--time", "session|week", NULL, NULL, NULL }, O_TIME, OPT_GROWTH, SEC_NONE },
    { { "--center", "none|grand|client", NULL, NULL, NULL }, O_CENTER, OPT_GROWTH, SEC_NONE },
    { { "--therapist-level", NULL, NULL, NULL, NULL }, O_THERAPIST_LEVEL, OPT_GROWTH, SEC_NONE },
    { { "--ranef", "FILE", NULL, NULL, NULL }, O_RANEF, OPT_GROWTH, SEC_NONE },
    { { "--pair", "client,therapist|observer,therapist", NULL, NULL, NULL }, O_PAIR, OPT_PAIR,
      SEC_NONE },
};
enum { NOPTS = sizeof opt_table / sizeof opt_table[0] };

/* The options an analysis taking allowed has, of one section (-1: every
 * section), as an opt_spec list ended by a NULL name. */
static void opts_of(unsigned allowed, int section, opt_spec *out)
{
    size_t n = 0;
    for (size_t i = 0; i < NOPTS; i++) {
        const struct opt *o = &opt_table[i];
        if ((o->bit && !(o->bit & allowed)) || (section >= 0 && o->section != section))
            continue;
        /* -o goes with the analyses that write one file; chart's is its own */
        if (o->id == O_OUT && !o->bit && (allowed & OPT_OUTDIR))
            continue;
        out[n++] = o->spec;
    }
    out[n] = (opt_spec){ NULL, NULL, NULL, NULL, NULL };
}

static void print_help(const char *usage, const char *help, unsigned allowed)
{
    static const struct { int section; const char *title; } sections[] = {
        { SEC_EPISODE, "episode rule (see the README for the formulas):" },
        { SEC_WHICH, "which administrations:" },
        { SEC_OUTPUT, "output:" },
    };
    opt_spec specs[NOPTS + 1];
    size_t wide = 0;
    for (size_t k = 0; k < sizeof sections / sizeof sections[0]; k++) {
        opts_of(allowed, sections[k].section, specs);
        size_t w = opt_width(specs);
        wide = w > wide ? w : wide;
    }
    fputs(usage, stdout);
    fputs(help, stdout);
    for (size_t k = 0; k < sizeof sections / sizeof sections[0]; k++) {
        opts_of(allowed, sections[k].section, specs);
        if (!specs[0].name)
            continue;
        printf("\n%s\n", sections[k].title);
        opt_help_at(stdout, specs, wide);
    }
}

static const struct opt *opt_find(const char *arg, const char **inline_value)
{
    *inline_value = NULL;
    for (size_t i = 0; i < NOPTS; i++) {
        const char *name = opt_table[i].spec.name;
        size_t n = strlen(name);
        if (strncmp(arg, name, n) != 0)
            continue;
        if (arg[n] == '\0')
            return &opt_table[i];
        if (arg[n] == '=' && n > 2) {
            *inline_value = arg + n + 1;
            return &opt_table[i];
        }
    }
    return NULL;
}

/* Applies one option's value; returns EXIT_OK or a usage error. */
static int opt_apply(const char *cmd, const struct opt *op, const char *v, an_opts *o,
                     int *has_k)
{
    static const char *const raters[] = { "client", "therapist", "observer", "all", NULL };
    static const char *const rules[] = { "sd", "rci", "abs", "sudden", NULL };
    static const char *const bys[] = { "client", "therapist", "cohort", NULL };
    static const char *const overs[] = { "session", "week", NULL };
    static const char *const formats[] = { "text", "csv", "html", "pdf", NULL };
    static const char *const chart_formats[] = { "svg", "png", "pdf", NULL };
    static const int chart_format_ids[] = { FMT_SVG, FMT_PNG, FMT_PDF };
    static const char *const times[] = { "session", "week", NULL };
    static const char *const centers[] = { "none", "grand", "client", NULL };
    static const char *const pairs[] = { "client,therapist", "observer,therapist", NULL };
    const char *name = op->spec.name;
    int rc = EXIT_OK, pick = 0;
    long w;

    switch (op->id) {
    case O_DB: o->db = v; break;
    case O_INSTRUMENT: o->instrument = v; break;
    case O_CLIENT: o->client = v; break;
    case O_THERAPIST: o->therapist = v; break;
    case O_COHORT: o->cohort = v; break;
    case O_OUT: o->out = v; break;
    case O_OUT_DIR: o->out_dir = v; break;
    case O_THREADS:
        if (!util_parse_long(v, &w) || w < 1 || w > 2)
            return an_usage(cmd, "'%s' is '%s', allowed 1 or 2", name, v);
        o->threads = (int)w;
        break;
    case O_PAIRWISE: o->pairwise = 1; break;
    case O_ALL: o->all = 1; break;
    case O_ITEMS: o->items = 1; break;
    case O_RATER:
        if ((rc = choose(cmd, name, v, raters, &pick)) == EXIT_OK)
            o->rater = pick == 3 ? NULL : raters[pick];
        break;
    case O_FROM:
    case O_TO:
        if (!util_valid_iso_date(v))
            return an_usage(cmd, "'%s' is '%s', not a date (YYYY-MM-DD)", name, v);
        if (op->id == O_FROM)
            o->from = v;
        else
            o->to = v;
        break;
    case O_RULE:
        if ((rc = choose(cmd, name, v, rules, &pick)) == EXIT_OK) {
            o->ep.rule = (episode_rule)pick;
            o->rule_given = 1;
        }
        break;
    case O_K:
        rc = number_opt(cmd, name, v, -INFINITY, INFINITY, &o->ep.k);
        if (rc == EXIT_OK && !(o->ep.k > 0 && o->ep.k <= 100))
            rc = an_usage(cmd, "'%s' is %s, allowed more than 0, up to 100", name, v);
        *has_k = 1;
        break;
    case O_WINDOW:
        if (!util_parse_long(v, &w) || w < 1 || w > 1000)
            return an_usage(cmd, "'%s' is '%s', allowed a whole number 1 to 1000", name, v);
        o->ep.window = (int)w;
        break;
    case O_CUTOFF:
        rc = number_opt(cmd, name, v, 0, 1e15, &o->ep.cutoff);
        o->has_cutoff = 1;
        break;
    case O_RELIABILITY:
        rc = number_opt(cmd, name, v, 0, 1, &o->reliability);
        o->has_reliability = 1;
        break;
    case O_RESOLVED_AT:
        rc = number_opt(cmd, name, v, -1e15, 1e15, &o->resolved_at);
        o->has_resolved_at = 1;
        break;
    case O_BY:
        if ((rc = choose(cmd, name, v, bys, &pick)) == EXIT_OK) {
            o->by = 1u << pick;
            o->by_given = 1;
        }
        break;
    case O_OVER:
        if ((rc = choose(cmd, name, v, overs, &pick)) == EXIT_OK)
            o->over_week = pick == 1;
        break;
    case O_FORMAT:
        if (strcmp(cmd, "chart") == 0) {
            if ((rc = choose(cmd, name, v, chart_formats, &pick)) == EXIT_OK)
                o->format = chart_format_ids[pick];
        } else if ((rc = choose(cmd, name, v, formats, &pick)) == EXIT_OK) {
            o->format = pick;
            o->format_csv = pick == FMT_CSV;
        }
        break;
    case O_SCALE: o->scale = v; break;
    case O_RANEF: o->ranef = v; break;
    case O_ML: o->ml = 1; break;
    case O_THERAPIST_LEVEL: o->therapist_level = 1; break;
    case O_TIME:
        if ((rc = choose(cmd, name, v, times, &pick)) == EXIT_OK)
            o->time_week = pick == 1;
        break;
    case O_CENTER:
        if ((rc = choose(cmd, name, v, centers, &pick)) == EXIT_OK)
            o->center = pick;
        break;
    case O_PAIR:
        if ((rc = choose(cmd, name, v, pairs, &pick)) == EXIT_OK)
            o->pair_observer = pick == 1;
        break;
    }
    return rc;
}

/* chart: what to draw, and where. */
static int chart_checks(const char *cmd, const an_opts *o)
{
    if (o->all) {
        if (!o->out_dir)
            return an_usage(cmd, "'--all' needs '--out-dir DIR'");
        if (o->out)
            return an_usage(cmd, "'--all' writes into '--out-dir DIR', not '-o'");
        return EXIT_OK;
    }
    if (o->out_dir)
        return an_usage(cmd, "'--out-dir' goes with '--all'");
    if (o->format != FMT_TEXT)
        return an_usage(cmd, "'--format' goes with '--all'; with '-o' the file's extension "
                             "names the format");
    if (!o->client && !o->therapist && !o->cohort)
        return an_usage(cmd, "say what to draw: '--client C', '--all', '--therapist T' or "
                             "'--cohort NAME'");
    if (!o->out || strcmp(o->out, "-") == 0)
        return an_usage(cmd, "give '-o FILE.svg', '-o FILE.png' or '-o FILE.pdf'");
    const char *dot = strrchr(o->out, '.');
    if (!dot || (strcasecmp(dot, ".svg") != 0 && strcasecmp(dot, ".png") != 0 &&
                 strcasecmp(dot, ".pdf") != 0))
        return an_usage(cmd, "'%s': the file name must end in .svg, .png or .pdf", o->out);
    return EXIT_OK;
}

int opts_parse(int argc, char **argv, unsigned allowed, const char *usage, const char *help,
               an_opts *o, int *done)
{
    const char *cmd = argv[0];
    const char *db = o->db;
    int has_k = 0, rc;
    opts_defaults(o, cmd);
    o->db = db;
    *done = 0;
    opt_spec specs[NOPTS + 1];
    opts_of(allowed, -1, specs);
    if (opt_complete(argc, argv, 1, specs)) {
        *done = 1;
        return EXIT_OK;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            print_help(usage, help, allowed);
            *done = 1;
            return EXIT_OK;
        }
    }

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (a[0] != '-' || a[1] == '\0')
            return an_usage(cmd, "unexpected argument '%s'", a);
        const struct opt *op = opt_find(a, &v);
        if (!op)
            return an_usage(cmd, "unknown option '%s'", a);
        if (op->bit && !(op->bit & allowed))
            return an_usage(cmd, "'%s' does not apply to '%s'", op->spec.name, cmd);
        if (!op->spec.metavar && v)
            return an_usage(cmd, "'%s' takes no value", op->spec.name);
        if (op->spec.metavar && !v) {
            if (i + 1 >= argc)
                return an_usage(cmd, "'%s' needs a value", op->spec.name);
            v = argv[++i];
        }
        if ((rc = opt_apply(cmd, op, v, o, &has_k)) != EXIT_OK)
            return rc;
    }

    if (o->from && o->to && strcmp(o->from, o->to) > 0)
        return an_usage(cmd, "'--from' %s is after '--to' %s", o->from, o->to);
    if (allowed & OPT_EPISODE) {
        episode_rule r = o->ep.rule;
        if (has_k && r != RULE_SD)
            return an_usage(cmd, "'--k' applies to the sd rule only");
        if (o->has_reliability && r != RULE_RCI && r != RULE_SUDDEN)
            return an_usage(cmd, "'--reliability' applies to the rci and sudden rules only");
        if (o->has_cutoff && r != RULE_ABS && r != RULE_SUDDEN)
            return an_usage(cmd, "'--cutoff' applies to the abs and sudden rules only");
        if (r == RULE_ABS && !o->has_cutoff)
            return an_usage(cmd, "'--rule abs' needs '--cutoff X'");
        if (r == RULE_SUDDEN && o->has_cutoff && o->has_reliability)
            return an_usage(cmd, "'--reliability' is not used when '--cutoff' is given");
    }
    if (o->ranef && outpath_same(o->ranef, o->out))
        return an_usage(cmd, "'--ranef %s' is where the growth table goes too (%s): give "
                        "each table a file of its own", o->ranef,
                        o->out && strcmp(o->out, "-") != 0 ? "-o" : "standard output");
    if (allowed & OPT_ALL)
        return chart_checks(cmd, o);
    if ((allowed & OPT_OUTDIR) && o->out)
        return an_usage(cmd, "'-o' does not apply to '%s'; give '--out-dir DIR'", cmd);
    if ((allowed & OPT_OUTDIR) && !o->out_dir)
        return an_usage(cmd, "'--out-dir DIR' is required");
    if (o->format == FMT_PDF && (!o->out || strcmp(o->out, "-") == 0))
        return an_usage(cmd, "'--format pdf' needs '-o FILE.pdf'");
    return EXIT_OK;
}

void opts_rule_text(const an_opts *o, double value, char *buf, size_t n)
{
    char num[32];
    switch (o->ep.rule) {
    case RULE_SD:
        snprintf(buf, n, "sd k=%s w=%d", an_fmt(o->ep.k, num), o->ep.window);
        break;
    case RULE_RCI:
        snprintf(buf, n, "rci r=%s w=%d", an_fmt(value, num), o->ep.window);
        break;
    case RULE_ABS:
        snprintf(buf, n, "abs cutoff=%s w=%d", an_fmt(o->ep.cutoff, num), o->ep.window);
        break;
    case RULE_SUDDEN:
        snprintf(buf, n, "sudden cutoff=%s w=%d", an_fmt(value, num), o->ep.window);
        break;
    }
}

const char *an_fmt(double x, char buf[32])
{
    fmt_num(x, buf);
    if (!buf[0])
        strcpy(buf, "NA");
    return buf;
}

double an_num(const char *s)
{
    double d;
    xval v = { XV_STR, 0.0, s };
    return s && xval_number(v, &d) ? d : NAN;
}

int an_open_out(outfile *o, const char *path, const char *study)
{
    at_err err;
    *o = (outfile)OUTFILE_INIT;
    if (outpath_check(path, study, &err) != AT_OK || outfile_open(o, path, &err) != AT_OK) {
        an_fail("%s", err.msg);
        return -1;
    }
    return 0;
}

int an_close_out(outfile *o, int ok)
{
    at_err err;
    if (!ok || !o->fp) {
        outfile_release(o);
        return 0;
    }
    if (outfile_commit(o, &err) != AT_OK) {
        an_fail("%s", err.msg);
        return -1;
    }
    return 0;
}
