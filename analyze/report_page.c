/* report_page.c: the report as one self-contained HTML page (styles in the
 * page, charts as inline SVG, nothing fetched from anywhere; every word
 * from the study goes through html_escape) or as PDF pages drawn with
 * cairo: the title on the first page, a page for each client that needs
 * attention, and the rest named under the last of them. */
#include "report.h"

#include <cairo-pdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

enum { PAGE_W = 595, PAGE_H = 842, MARGIN = 40 };

struct rpage {
    FILE *out;
    int pdf;
    const an_opts *o;
    long blocks;
    sbuf html;
    /* PDF */
    cairo_surface_t *surface;
    cairo_t *cr;
    canvas *cv;
    double y;
    int page_open;
    long pages;
    int write_failed;
};

/* Writes the HTML gathered so far and empties the buffer, so that the page
 * is never held whole in memory. */
static void html_flush(rpage *p)
{
    if (p->html.len && fwrite(p->html.buf, 1, p->html.len, p->out) != p->html.len)
        p->write_failed = 1;
    sbuf_reset(&p->html);
}

static const cv_color INK = { 0.1, 0.1, 0.1 }, GREY = { 0.4, 0.4, 0.4 };

static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static const char page_style[] =
    "body{font-family:\"DejaVu Sans\",Verdana,sans-serif;color:#1a1a1a;max-width:52em;"
    "margin:1.5em auto;padding:0 1em;line-height:1.4;overflow-wrap:anywhere}\n"
    "h1{font-size:1.5em;margin-bottom:0.2em}\n"
    "p.about{color:#555;margin-top:0}\n"
    "section.client{border-top:2px solid #1a1a1a;margin-top:1.5em;padding-top:0.5em}\n"
    "h2{font-size:1.2em;margin:0.2em 0}\n"
    "h2 .when{font-weight:normal;color:#555;font-size:0.85em}\n"
    "ul.alerts li{margin:0.2em 0}\n"
    "div.chart svg{max-width:100%;height:auto}\n"
    "blockquote{margin:0.3em 0 0.3em 1em;padding-left:0.7em;border-left:3px solid #999}\n"
    "p.changes{color:#333;font-style:italic}\n"
    "@media print{section.client{page-break-inside:avoid}}\n";

static const char page_title[] = "Before the next sessions";

/* The line under the title: whose alerts, and which selection. */
static void about_text(const an_opts *o, sbuf *out)
{
    sbuf_adds(out, "Alerts from each client's latest questionnaire");
    if (o->rater && strcmp(o->rater, "client") != 0)
        sbuf_addf(out, " (the %s's)", o->rater);
    if (o->instrument)
        sbuf_addf(out, ", instrument %s", o->instrument);
    if (o->to)
        sbuf_addf(out, ", sessions up to %s", o->to);
    sbuf_adds(out, ".");
}

rpage *rpage_start(FILE *out, int pdf, const an_opts *o)
{
    rpage *p = xcalloc(1, sizeof *p);
    p->out = out;
    p->pdf = pdf;
    p->o = o;
    if (pdf) {
        p->surface = cairo_pdf_surface_create_for_stream(to_file, out, PAGE_W, PAGE_H);
        chart_pdf_fixed(p->surface);
        cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, page_title);
        p->cr = cairo_create(p->surface);
        p->cv = canvas_cairo(p->cr);
        return p;
    }
    sbuf *h = &p->html;
    sbuf_addf(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                 "<title>%s</title>\n<style>\n", page_title);
    sbuf_adds(h, page_style);
    sbuf_addf(h, "</style>\n</head>\n<body>\n<h1>%s</h1>\n<p class=\"about\">", page_title);
    sbuf about = SBUF_INIT;
    about_text(o, &about);
    html_escape(h, about.buf);
    sbuf_release(&about);
    sbuf_adds(h, "</p>\n");
    return p;
}

/* ---- HTML ---------------------------------------------------------------- */

static void html_rupture(sbuf *h, const rlatest *r)
{
    char b[32];
    sbuf_addf(h, "<div class=\"rupture\">\n<h3>Latest reported rupture: session %ld", r->session);
    if (r->date && r->date[0]) {
        sbuf_adds(h, " on ");
        html_escape(h, r->date);
    }
    if (r->by)
        sbuf_addf(h, " (the %s&#39;s questionnaire)", r->by);
    sbuf_adds(h, "</h3>\n<p>");
    if (r->kinds.len) {
        html_escape(h, r->kinds.buf);
        sbuf_adds(h, ". ");
    }
    if (!isnan(r->tension)) {
        snprintf(b, sizeof b, "%g", r->tension);
        sbuf_addf(h, "Tension %s. ", b);
    }
    sbuf_adds(h, r->resolved == 1 ? "Resolved." : r->resolved == 0 ? "Not resolved."
                                                                   : "Resolution not rated.");
    sbuf_adds(h, "</p>\n");
    for (size_t i = 0; i < r->nnotes; i++) {
        sbuf_adds(h, "<p class=\"note-label\">");
        html_escape(h, r->notes[i].label);
        sbuf_adds(h, "</p>\n<blockquote>");
        html_escape(h, r->notes[i].text);
        sbuf_adds(h, "</blockquote>\n");
    }
    sbuf_adds(h, "</div>\n");
}

static void html_block(rpage *p, const rblock *b)
{
    sbuf *h = &p->html;
    sbuf_adds(h, "<section class=\"client\" id=\"client-");
    sbuf_addf(h, "%ld", p->blocks);
    sbuf_adds(h, "\">\n<h2>");
    html_escape(h, b->client);
    sbuf_adds(h, " <span class=\"when\">");
    if (b->therapist && b->therapist[0]) {
        sbuf_adds(h, "therapist ");
        html_escape(h, b->therapist);
        sbuf_adds(h, ", ");
    }
    sbuf_addf(h, "session %ld", b->session);
    if (b->date && b->date[0]) {
        sbuf_adds(h, " on ");
        html_escape(h, b->date);
    }
    sbuf_adds(h, "</span></h2>\n<ul class=\"alerts\">\n");
    for (size_t i = 0; i < b->now->n; i++) {
        sbuf_adds(h, "<li class=\"alert ");
        html_escape(h, b->now->a[i].code);
        sbuf_adds(h, "\">");
        html_escape(h, b->now->a[i].detail);
        sbuf_adds(h, "</li>\n");
    }
    sbuf_adds(h, "</ul>\n");
    if (b->chart) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "c%ld-", p->blocks);
        sbuf_adds(h, "<div class=\"chart\">\n");
        chart_svg(h, prefix, CHART_W, CHART_H, paint_client, b->chart);
        sbuf_adds(h, "</div>\n");
    }
    if (b->rupture)
        html_rupture(h, b->rupture);
    if (b->changes) {
        sbuf_addf(h, "<p class=\"changes\">Since session %ld: ", b->since);
        html_escape(h, b->changes);
        sbuf_adds(h, ".</p>\n");
    }
    sbuf_adds(h, "</section>\n");
    html_flush(p);
}

/* ---- PDF ----------------------------------------------------------------- */

/* Ends the page open, with its number at the foot. */
static void pdf_close(rpage *p)
{
    if (!p->page_open)
        return;
    char b[32];
    snprintf(b, sizeof b, "page %ld", p->pages);
    cv_text(p->cv, PAGE_W / 2.0, PAGE_H - 20, b, 8.5, 0, CV_MIDDLE, GREY);
    cairo_show_page(p->cr);
    p->page_open = 0;
}

static void pdf_para(rpage *p, const char *s, double x, double size, int bold, cv_color c);

/* A new page; the first begins with the title and the line under it. */
static void pdf_page(rpage *p)
{
    pdf_close(p);
    p->page_open = 1;
    p->pages++;
    p->y = MARGIN + 10;
    if (p->pages > 1)
        return;
    sbuf about = SBUF_INIT;
    about_text(p->o, &about);
    p->y -= 10;
    pdf_para(p, page_title, MARGIN, 18, 1, INK);
    pdf_para(p, about.buf, MARGIN, 10.5, 0, GREY);
    sbuf_release(&about);
    p->y += 14;
    cairo_set_source_rgb(p->cr, INK.r, INK.g, INK.b);
    cairo_set_line_width(p->cr, 1);
    cairo_move_to(p->cr, MARGIN, p->y);
    cairo_line_to(p->cr, PAGE_W - MARGIN, p->y);
    cairo_stroke(p->cr);
    p->y += 10;
}

/* Room for h more points on the page, else a new page. */
static void pdf_room(rpage *p, double h)
{
    if (!p->page_open || p->y + h > PAGE_H - MARGIN)
        pdf_page(p);
}

typedef struct pdf_line {
    rpage *p;
    double size, x;
    int bold;
    cv_color c;
} pdf_line;

static double pts(const char *s, size_t n, void *ctx)
{
    pdf_line *l = ctx;
    char *t = xstrndup(s, n);
    double w = cv_text_width(t, l->size, l->bold);
    free(t);
    return w;
}

static void pdf_put(const char *s, size_t n, void *ctx)
{
    pdf_line *l = ctx;
    char *t = xstrndup(s, n);
    pdf_room(l->p, l->size * 1.4);
    l->p->y += l->size * 1.4;
    cv_text(l->p->cv, l->x, l->p->y, t, l->size, l->bold, CV_LEFT, l->c);
    free(t);
}

static void pdf_para(rpage *p, const char *s, double x, double size, int bold, cv_color c)
{
    pdf_line l = { p, size, x, bold, c };
    wrap_text(s, PAGE_W - MARGIN - x, pts, &l, pdf_put, &l);
}

static void pdf_block(rpage *p, const rblock *b)
{
    sbuf sb = SBUF_INIT;
    if (p->blocks || !p->page_open)
        pdf_page(p);   /* a page of its own for each client; the first shares the title's */
    sbuf_adds(&sb, b->client);
    pdf_para(p, sb.buf, MARGIN, 15, 1, INK);
    sbuf_reset(&sb);
    if (b->therapist && b->therapist[0])
        sbuf_addf(&sb, "therapist %s, ", b->therapist);
    sbuf_addf(&sb, "session %ld%s%s", b->session, b->date && b->date[0] ? " on " : "",
              b->date ? b->date : "");
    pdf_para(p, sb.buf, MARGIN, 10.5, 0, GREY);
    p->y += 6;
    for (size_t i = 0; i < b->now->n; i++) {
        pdf_room(p, 15);
        cv_mark(p->cv, CV_DOT, MARGIN + 4, p->y + 10.5, 4, INK);
        pdf_para(p, b->now->a[i].detail, MARGIN + 14, 10.5, 0, INK);
        p->y += 2;
    }
    if (b->chart) {
        double scale = (PAGE_W - 2.0 * MARGIN) / CHART_W;
        pdf_room(p, CHART_H * scale + 10);
        p->y += 8;
        cairo_save(p->cr);
        cairo_translate(p->cr, MARGIN, p->y);
        cairo_scale(p->cr, scale, scale);
        draw_client(p->cv, b->chart, 0, 0, CHART_W, CHART_H);
        cairo_restore(p->cr);
        p->y += CHART_H * scale;
    }
    if (b->rupture) {
        const rlatest *r = b->rupture;
        char n1[32];
        p->y += 8;
        sbuf_reset(&sb);
        sbuf_addf(&sb, "Latest reported rupture: session %ld%s%s", r->session,
                  r->date && r->date[0] ? " on " : "", r->date ? r->date : "");
        if (r->by)
            sbuf_addf(&sb, " (the %s's questionnaire)", r->by);
        pdf_para(p, sb.buf, MARGIN, 11.5, 1, INK);
        sbuf_reset(&sb);
        if (r->kinds.len)
            sbuf_addf(&sb, "%s. ", r->kinds.buf);
        if (!isnan(r->tension)) {
            snprintf(n1, sizeof n1, "%g", r->tension);
            sbuf_addf(&sb, "Tension %s. ", n1);
        }
        sbuf_adds(&sb, r->resolved == 1 ? "Resolved." : r->resolved == 0 ? "Not resolved."
                                                                        : "Resolution not rated.");
        pdf_para(p, sb.buf, MARGIN, 10.5, 0, INK);
        for (size_t i = 0; i < r->nnotes; i++) {
            pdf_para(p, r->notes[i].label, MARGIN, 10, 0, GREY);
            sbuf_reset(&sb);
            sbuf_addf(&sb, "\xe2\x80\x9c%s\xe2\x80\x9d", r->notes[i].text);
            pdf_para(p, sb.buf, MARGIN + 14, 10.5, 0, INK);
        }
    }
    if (b->changes) {
        p->y += 8;
        sbuf_reset(&sb);
        sbuf_addf(&sb, "Since session %ld: %s.", b->since, b->changes);
        pdf_para(p, sb.buf, MARGIN, 10.5, 0, GREY);
    }
    sbuf_release(&sb);
}

/* ---- both ---------------------------------------------------------------- */

void rpage_block(rpage *p, const rblock *b)
{
    if (p->pdf)
        pdf_block(p, b);
    else
        html_block(p, b);
    p->blocks++;
}

/* The closing line: the clients without alerts, or, when the selection
 * held no questionnaire of the rater at all, that there was nothing to
 * report on (not "no alerts", which would read as good news). */
static void quiet_line(const rpage *p, const char *quiet, const char *never, sbuf *out)
{
    const char *rater = p->o->rater ? p->o->rater : "rater";
    if (!*quiet && p->blocks == 0) {
        sbuf_addf(out, "No questionnaires from the %s to report on.", rater);
        return;
    }
    if (*quiet)
        sbuf_addf(out, "No alerts: %s%s", quiet, *never ? "." : "");
    if (*never)
        sbuf_addf(out, "%sNo questionnaire from the %s yet: %s.", out->len ? " " : "", rater,
                  never);
}

int rpage_end(rpage *p, const char *quiet, const char *never)
{
    if (p->pdf) {
        if (*quiet || *never || p->blocks == 0) {
            /* under the last client's block when it fits there */
            if (p->page_open)
                p->y += 24;
            pdf_room(p, 60);
            sbuf sb = SBUF_INIT;
            quiet_line(p, quiet, never, &sb);
            pdf_para(p, sb.buf, MARGIN, 11, 0, INK);
            sbuf_release(&sb);
        }
        pdf_close(p);
        cairo_status_t st = cairo_status(p->cr);
        canvas_free(p->cv);
        p->cv = NULL;
        cairo_destroy(p->cr);
        p->cr = NULL;
        cairo_surface_finish(p->surface);
        if (st == CAIRO_STATUS_SUCCESS)
            st = cairo_surface_status(p->surface);
        if (st != CAIRO_STATUS_SUCCESS) {
            an_fail("writing the report failed: %s", cairo_status_to_string(st));
            return -1;
        }
        return 0;
    }
    sbuf *h = &p->html;
    sbuf line = SBUF_INIT;
    quiet_line(p, quiet, never, &line);
    if (line.len) {
        sbuf_adds(h, "<section class=\"quiet\">\n<p>");
        html_escape(h, line.buf);
        sbuf_adds(h, "</p>\n</section>\n");
    }
    sbuf_release(&line);
    sbuf_adds(h, "</body>\n</html>\n");
    html_flush(p);
    if (p->write_failed) {
        an_fail("writing the report failed");
        return -1;
    }
    return 0;
}

void rpage_free(rpage *p)
{
    if (!p)
        return;
    canvas_free(p->cv);
    if (p->cr)
        cairo_destroy(p->cr);
    if (p->surface)
        cairo_surface_destroy(p->surface);
    sbuf_release(&p->html);
    free(p);
}
