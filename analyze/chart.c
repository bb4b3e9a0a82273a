/* chart.c: `analyze chart`: a client's alliance chart (--client C, or one
 * per client with --all --out-dir DIR), or the repair picture of a
 * therapist (--therapist T) or of a cohort's trainees (--cohort NAME). */
#include "chart.h"

#include <stdlib.h>
#include <string.h>

typedef struct chart_run {
    const an_ctx *cx;
    FILE *out;
    chart_format format;
    int per_client;             /* --client or --all */
    long drawn;
    int failed;
    chart_gather g;
    chart_repair rep;
} chart_run;

/* A file name for a client code: letters, digits, '-' and '_' as they are,
 * anything else (and a leading '.') as %XX, so two codes never share a file. */
static void file_name(sbuf *sb, const char *dir, const char *code, chart_format f)
{
    static const char *const ext[] = { "svg", "png", "pdf" };
    sbuf_addf(sb, "%s/", dir);
    for (const unsigned char *p = (const unsigned char *)code; *p; p++) {
        int safe = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                   (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
                   (*p == '.' && p != (const unsigned char *)code);
        if (safe)
            sbuf_addc(sb, (char)*p);
        else
            sbuf_addf(sb, "%%%02X", *p);
    }
    sbuf_addf(sb, ".%s", ext[f]);
}

static void *chart_start(const an_ctx *cx, FILE *out, FILE *extra)
{
    (void)extra;
    const an_opts *o = cx->o;
    chart_run *cr = xcalloc(1, sizeof *cr);
    cr->cx = cx;
    cr->out = out;
    cr->per_client = o->client || o->all;
    cr->format = o->all ? (o->format == FMT_PNG ? CF_PNG : o->format == FMT_PDF ? CF_PDF : CF_SVG)
                        : (chart_format)chart_format_of(o->out);
    gather_init(&cr->g, cx);
    if (o->all && an_make_dir(o->out_dir) != 0) {
        free(cr);
        return NULL;
    }
    if (!cr->per_client) {
        sbuf t = SBUF_INIT;
        if (o->therapist)
            sbuf_addf(&t, "Repair by week: therapist %s", o->therapist);
        else
            sbuf_addf(&t, "Repair by week: cohort %s, one panel per trainee", o->cohort);
        cr->rep.title = sbuf_detach(&t);
        cr->rep.rater = xstrdup(o->rater ? o->rater : "all");   /* NULL: --rater all */
    }
    return cr;
}

static void chart_row(void *st, const an_row *r)
{
    chart_run *cr = st;
    if (cr->failed)
        return;
    if (cr->per_client)
        gather_row(&cr->g, r);
    else
        repair_row(&cr->rep, r);
}

static int write_client(chart_run *cr, const chart_client *ch)
{
    const an_opts *o = cr->cx->o;
    if (!o->all)
        return chart_write(cr->out, o->out, cr->format, CHART_W, CHART_H, paint_client, ch);
    sbuf path = SBUF_INIT;
    outfile f = OUTFILE_INIT;
    file_name(&path, o->out_dir, ch->client, cr->format);
    int rc = an_open_out(&f, path.buf, store_path(cr->cx->s));
    if (rc == 0)
        rc = chart_write(f.fp, path.buf, cr->format, CHART_W, CHART_H, paint_client, ch);
    if (an_close_out(&f, rc == 0) != 0)
        rc = -1;
    sbuf_release(&path);
    return rc;
}

static void chart_client_end(void *st, const an_client *c)
{
    chart_run *cr = st;
    if (!cr->per_client || cr->failed) {
        gather_reset(&cr->g);
        return;
    }
    if (gather_client(&cr->g, c)) {
        if (write_client(cr, &cr->g.cur) != 0)
            cr->failed = 1;
        else
            cr->drawn++;
    }
    gather_reset(&cr->g);
}

static int chart_finish(void *st)
{
    chart_run *cr = st;
    const an_opts *o = cr->cx->o;
    if (cr->failed)
        return -1;
    if (!cr->per_client) {
        repair_finish(&cr->rep);
        return chart_write(cr->out, o->out, cr->format, CHART_W, repair_height(&cr->rep),
                           paint_repair, &cr->rep);
    }
    if (cr->drawn == 0) {
        if (o->client)
            an_fail("'%s': no alliance scores or reported ruptures to draw", o->client);
        else
            an_fail("no client has alliance scores or reported ruptures to draw");
        return -1;
    }
    if (o->all && o->client == NULL)
        an_note("%ld charts written into '%s'", cr->drawn, o->out_dir);
    return 0;
}

static void chart_free(void *st)
{
    chart_run *cr = st;
    if (!cr)
        return;
    gather_release(&cr->g);
    repair_release(&cr->rep);
    free(cr);
}

static unsigned chart_flags(const an_opts *o)
{
    return AN_ALL_RATERS | episodes_flags(o);
}

const an_analysis an_chart = {
    .name = "chart",
    .summary = "alliance charts per client, repair by week per trainee",
    .help =
        "Draws charts with cairo:\n"
        "  --client C -o FILE.svg|png|pdf\n"
        "      the client's alliance score by session (the rater's, dots on a solid\n"
        "      line; the therapist's own score as squares on a dashed line), the\n"
        "      instrument's @ALERT-BELOW as a shaded zone, each rupture the episode\n"
        "      rule finds (a filled triangle with the drop) and its repair (a hollow\n"
        "      triangle) or \"open\" when too few sessions followed, each rupture the\n"
        "      rater reported (a filled diamond when not resolved, hollow when resolved,\n"
        "      with its tension), and the least-squares line of the scores\n"
        "  --all --out-dir DIR [--format svg|png|pdf]\n"
        "      one chart per client, DIR/CODE.svg (default svg)\n"
        "  --therapist T -o FILE   the repair picture of one therapist: the share of\n"
        "      questionnaires reporting a rupture and the share of rated ruptures\n"
        "      resolved, by week since the therapist's first session in the selection,\n"
        "      with the growth model's lines (the questionnaires on the week, with a\n"
        "      random intercept per client, by REML, as trends fits them; least-squares\n"
        "      lines of the weekly rates when there are fewer than 3 clients)\n"
        "  --cohort NAME -o FILE   the same, one panel per trainee of the cohort\n"
        "\n"
        "  --resolved-at X     a resolution of X or more counts as resolved\n"
        "\n"
        "The format follows the file's extension.  The same data give the same bytes.\n"
        "Shapes and line styles tell the series apart as well as colours, so the\n"
        "charts read in grey print and with colour-vision deficiency.\n",
    .options = OPT_EPISODE | OPT_RESOLVED | OPT_FORMAT | OPT_OUTDIR | OPT_ALL,
    .flags = chart_flags,
    .start = chart_start,
    .row = chart_row,
    .client_end = chart_client_end,
    .finish = chart_finish,
    .free = chart_free,
};
