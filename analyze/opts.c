/* opts.c: the command-line options every analysis shares, and their checks. */
#include "analyze.h"

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

static const char common_help[] =
    "\n"
    "which administrations:\n"
    "  --instrument NAME   one instrument (every version); default every instrument\n"
    "  --rater R           client (default), therapist, observer, or all\n"
    "  --client C          one client\n"
    "  --therapist T       sessions with one therapist\n"
    "  --cohort NAME       sessions of therapists in one cohort\n"
    "  --from YYYY-MM-DD   sessions on or after this date\n"
    "  --to YYYY-MM-DD     sessions on or before this date\n"
    "output:\n";

static const char out_help[] =
    "  -o FILE             write to FILE instead of standard output; the file is\n"
    "                      readable only by you and written whole or not at all,\n"
    "                      and may not be the study file or its -wal/-shm\n";

static const char db_help[] =
    "  --db FILE           the study file (default $ATTUNE_DB, else ./attune.db);\n"
    "                      it is opened read-only and never changed\n"
    "  --threads N         1: one thread; 2: the study is read and scored on a second\n"
    "                      thread while the analyses run (default 2 on a machine with\n"
    "                      two or more cores); the output is the same either way\n";

static const char episode_help[] =
    "episode rule (see the README for the formulas):\n"
    "  --rule sd|rci|abs|sudden   default sd\n"
    "  --k K               sd rule: threshold = K x the client's SD (default 1)\n"
    "  --reliability R     rci and sudden rules: r (default the scale's complete-case alpha)\n"
    "  --cutoff X          abs rule: the threshold (required); sudden rule: the drop cutoff\n"
    "                      (default the RCI threshold)\n"
    "  --window W          repair within the next W scored sessions (default 3)\n";

static void print_help(const char *usage, const char *help, unsigned allowed)
{
    fputs(usage, stdout);
    fputs(help, stdout);
    if (allowed & OPT_EPISODE) {
        fputc('\n', stdout);
        fputs(episode_help, stdout);
    }
    fputs(common_help, stdout);
    if (!(allowed & OPT_OUTDIR))
        fputs(out_help, stdout);
    fputs(db_help, stdout);
}

static int number_opt(const char *cmd, const char *name, const char *v, double lo, double hi,
                      double *out)
{
    if (!parse_double(v, out) || !isfinite(*out))
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

static const struct opt {
    const char *name;
    enum opt_id id;
    unsigned bit;       /* 0: common to every command */
    int takes_value;
} opt_table[] = {
    { "--db", O_DB, 0, 1 },
    { "--instrument", O_INSTRUMENT, 0, 1 },
    { "--client", O_CLIENT, 0, 1 },
    { "--therapist", O_THERAPIST, 0, 1 },
    { "--cohort", O_COHORT, 0, 1 },
    { "--rater", O_RATER, 0, 1 },
    { "--from", O_FROM, 0, 1 },
    { "--to", O_TO, 0, 1 },
    { "-o", O_OUT, 0, 1 },
    { "--output", O_OUT, 0, 1 },
    { "--pairwise", O_PAIRWISE, OPT_PAIRWISE, 0 },
    { "--items", O_ITEMS, OPT_ITEMS, 0 },
    { "--rule", O_RULE, OPT_EPISODE, 1 },
    { "--k", O_K, OPT_EPISODE, 1 },
    { "--window", O_WINDOW, OPT_EPISODE, 1 },
    { "--cutoff", O_CUTOFF, OPT_EPISODE, 1 },
    { "--reliability", O_RELIABILITY, OPT_EPISODE, 1 },
    { "--resolved-at", O_RESOLVED_AT, OPT_RESOLVED, 1 },
    { "--by", O_BY, OPT_BY, 1 },
    { "--over", O_OVER, OPT_OVER, 1 },
    { "--format", O_FORMAT, OPT_FORMAT, 1 },
    { "--out-dir", O_OUT_DIR, OPT_OUTDIR, 1 },
    { "--all", O_ALL, OPT_ALL, 0 },
    { "--threads", O_THREADS, 0, 1 },
    { "--scale", O_SCALE, OPT_GROWTH, 1 },
    { "--ml", O_ML, OPT_GROWTH, 0 },
    { "--time", O_TIME, OPT_GROWTH, 1 },
    { "--center", O_CENTER, OPT_GROWTH, 1 },
    { "--therapist-level", O_THERAPIST_LEVEL, OPT_GROWTH, 0 },
    { "--ranef", O_RANEF, OPT_GROWTH, 1 },
    { "--pair", O_PAIR, OPT_PAIR, 1 },
};

static const struct opt *opt_find(const char *arg, const char **inline_value)
{
    *inline_value = NULL;
    for (size_t i = 0; i < sizeof opt_table / sizeof opt_table[0]; i++) {
        const char *name = opt_table[i].name;
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
    const char *name = op->name;
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
        if (!parse_long(v, &w) || w < 1 || w > 2)
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
        if (!valid_iso_date(v))
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
        rc = number_opt(cmd, name, v, 0, 100, &o->ep.k);
        if (rc == EXIT_OK && !(o->ep.k > 0))
            rc = an_usage(cmd, "'%s' must be more than 0", name);
        *has_k = 1;
        break;
    case O_WINDOW:
        if (!parse_long(v, &w) || w < 1 || w > 1000)
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
            return an_usage(cmd, "'%s' does not apply to '%s'", op->name, cmd);
        if (!op->takes_value && v)
            return an_usage(cmd, "'%s' takes no value", op->name);
        if (op->takes_value && !v) {
            if (i + 1 >= argc)
                return an_usage(cmd, "'%s' needs a value", op->name);
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
