/* canvas.c: the charts' drawing operations on cairo and as SVG text. */
#include "canvas.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>

struct canvas {
    cairo_t *cr;        /* the cairo face; NULL for SVG */
    sbuf *svg;
    const char *prefix;
};

static cairo_surface_t *measure_s;   /* for measuring text */
static cairo_t *measure_c;
static PangoLayout *measure_l;
static PangoLayout *draw_l;              /* for drawing, moved onto each context */
static PangoFontDescription *fonts[2];   /* regular and bold, made once */
static cairo_font_face_t *faces[2];      /* the same for cairo's own text */
static cairo_font_options_t *font_opts;

/* Rendering options fixed here, so the same text gives the same pixels
 * whatever the user's font settings. */
static const cairo_font_options_t *fixed_options(void)
{
    if (!font_opts) {
        font_opts = cairo_font_options_create();
        cairo_font_options_set_antialias(font_opts, CAIRO_ANTIALIAS_GRAY);
        cairo_font_options_set_hint_style(font_opts, CAIRO_HINT_STYLE_NONE);
        cairo_font_options_set_hint_metrics(font_opts, CAIRO_HINT_METRICS_OFF);
    }
    return font_opts;
}

/* Text in the scripts before Hebrew in Unicode (Latin, Greek, Cyrillic,
 * Armenian and their marks), all of which the chart font has, is drawn
 * with cairo's own text operations, glyph by glyph; anything else (a
 * script written right to left, one whose letters join or combine, one
 * the font lacks) is laid out by Pango. */
static int needs_layout(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0xC0)
            continue;
        if (*p >= 0xE0)                          /* U+0800 and above */
            return 1;
        if (((p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu)) >= 0x590)
            return 1;
    }
    return 0;
}

static void cairo_font(cairo_t *cr, double size, int bold)
{
    bold = bold != 0;
    if (!faces[bold])
        faces[bold] = cairo_toy_font_face_create(CANVAS_FONT, CAIRO_FONT_SLANT_NORMAL,
                                                 bold ? CAIRO_FONT_WEIGHT_BOLD
                                                      : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_face(cr, faces[bold]);
    cairo_set_font_size(cr, size);
    cairo_set_font_options(cr, fixed_options());
}

/* Sets l to s in the chart font (size in its context's units).  Pango
 * takes each character the chart font lacks (Chinese, Japanese, Korean,
 * and other scripts) from a font that has it, and shapes and orders the
 * text as its script needs. */
static void set_layout(PangoLayout *l, const char *s, double size, int bold)
{
    bold = bold != 0;
    if (!fonts[bold]) {
        fonts[bold] = pango_font_description_from_string(CANVAS_FONT);
        pango_font_description_set_weight(fonts[bold],
                                          bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    }
    pango_font_description_set_absolute_size(fonts[bold], size * PANGO_SCALE);
    pango_layout_set_font_description(l, fonts[bold]);
    pango_layout_set_text(l, s, -1);
}

static PangoLayout *layout_on(cairo_t *cr)
{
    PangoContext *pc = pango_cairo_create_context(cr);
    pango_cairo_context_set_font_options(pc, fixed_options());
    pango_context_set_round_glyph_positions(pc, FALSE);   /* as measured */
    PangoLayout *l = pango_layout_new(pc);
    g_object_unref(pc);
    return l;
}

canvas *canvas_cairo(cairo_t *cr)
{
    canvas *c = xcalloc(1, sizeof *c);
    c->cr = cr;
    return c;
}

/* Numbers in SVG: two decimals are finer than a screen shows. */
static void num(sbuf *sb, double x)
{
    char b[32];
    snprintf(b, sizeof b, "%.2f", x);
    char *e = b + strlen(b) - 1;
    while (*e == '0')
        *e-- = '\0';
    if (*e == '.')
        *e = '\0';
    if (strcmp(b, "-0") == 0)
        strcpy(b, "0");
    sbuf_adds(sb, b);
}

static void attr(sbuf *sb, const char *name, double x)
{
    sbuf_addf(sb, " %s=\"", name);
    num(sb, x);
    sbuf_addc(sb, '"');
}

static void color(sbuf *sb, cv_color c)
{
    sbuf_addf(sb, "#%02x%02x%02x", (unsigned)lround(c.r * 255), (unsigned)lround(c.g * 255),
              (unsigned)lround(c.b * 255));
}

canvas *canvas_svg(sbuf *out, double w, double h, const char *prefix)
{
    canvas *c = xcalloc(1, sizeof *c);
    c->svg = out;
    c->prefix = prefix ? prefix : "";
    sbuf_adds(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"");
    attr(out, "width", w);
    attr(out, "height", h);
    sbuf_adds(out, " viewBox=\"0 0 ");
    num(out, w);
    sbuf_addc(out, ' ');
    num(out, h);
    sbuf_adds(out, "\" font-family=\"" CANVAS_FONT ", sans-serif\">\n");
    return c;
}

void canvas_free(canvas *c)
{
    if (!c)
        return;
    if (c->svg)
        sbuf_adds(c->svg, "</svg>\n");
    free(c);
}

void cv_group(canvas *c, const char *cls, const char *id, const char *tip)
{
    if (!c->svg)
        return;
    sbuf_adds(c->svg, "<g");
    if (cls) {
        sbuf_adds(c->svg, " class=\"");
        html_escape(c->svg, cls);
        sbuf_addc(c->svg, '"');
    }
    if (id) {
        sbuf_adds(c->svg, " id=\"");
        html_escape(c->svg, c->prefix);
        html_escape(c->svg, id);
        sbuf_addc(c->svg, '"');
    }
    sbuf_adds(c->svg, ">");
    if (tip) {
        sbuf_adds(c->svg, "<title>");
        html_escape(c->svg, tip);
        sbuf_adds(c->svg, "</title>");
    }
    sbuf_addc(c->svg, '\n');
}

void cv_group_end(canvas *c)
{
    if (c->svg)
        sbuf_adds(c->svg, "</g>\n");
}

static void set_color(cairo_t *cr, cv_color col)
{
    cairo_set_source_rgb(cr, col.r, col.g, col.b);
}

void cv_rect(canvas *c, double x, double y, double w, double h, cv_color fill)
{
    if (c->cr) {
        set_color(c->cr, fill);
        cairo_rectangle(c->cr, x, y, w, h);
        cairo_fill(c->cr);
        return;
    }
    sbuf_adds(c->svg, "<rect");
    attr(c->svg, "x", x);
    attr(c->svg, "y", y);
    attr(c->svg, "width", w);
    attr(c->svg, "height", h);
    sbuf_adds(c->svg, " fill=\"");
    color(c->svg, fill);
    sbuf_adds(c->svg, "\"/>\n");
}

/* on and off lengths, by cv_pen.dash */
static const struct {
    double len[4];
    int n;
} dashes[5] = { { { 0 }, 0 },
                { { 6, 3.5 }, 2 },
                { { 1.5, 2.5 }, 2 },
                { { 11, 5 }, 2 },
                { { 10, 3, 2, 3 }, 4 } };
enum { NDASHES = sizeof dashes / sizeof dashes[0] };

static void cairo_pen(cairo_t *cr, cv_pen p)
{
    set_color(cr, p.c);
    cairo_set_line_width(cr, p.width);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, p.dash == 2 ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT);
    if (p.dash > 0 && p.dash < NDASHES)
        cairo_set_dash(cr, dashes[p.dash].len, dashes[p.dash].n, 0);
    else
        cairo_set_dash(cr, NULL, 0, 0);
}

static void svg_pen(sbuf *sb, cv_pen p)
{
    sbuf_adds(sb, " fill=\"none\" stroke=\"");
    color(sb, p.c);
    sbuf_addc(sb, '"');
    attr(sb, "stroke-width", p.width);
    if (p.dash > 0 && p.dash < NDASHES) {
        sbuf_adds(sb, " stroke-dasharray=\"");
        for (int k = 0; k < dashes[p.dash].n; k++) {
            if (k)
                sbuf_addc(sb, ' ');
            num(sb, dashes[p.dash].len[k]);
        }
        sbuf_addc(sb, '"');
        if (p.dash == 2)
            sbuf_adds(sb, " stroke-linecap=\"round\"");
    }
    sbuf_adds(sb, " stroke-linejoin=\"round\"");
}

void cv_line(canvas *c, double x1, double y1, double x2, double y2, cv_pen p)
{
    double x[2] = { x1, x2 }, y[2] = { y1, y2 };
    cv_polyline(c, x, y, 2, p);
}

void cv_polyline(canvas *c, const double *x, const double *y, size_t n, cv_pen p)
{
    if (n < 2)
        return;
    if (c->cr) {
        cairo_new_path(c->cr);
        cairo_move_to(c->cr, x[0], y[0]);
        for (size_t i = 1; i < n; i++)
            cairo_line_to(c->cr, x[i], y[i]);
        cairo_pen(c->cr, p);
        cairo_stroke(c->cr);
        cairo_set_dash(c->cr, NULL, 0, 0);
        return;
    }
    sbuf_adds(c->svg, "<polyline points=\"");
    for (size_t i = 0; i < n; i++) {
        if (i)
            sbuf_addc(c->svg, ' ');
        num(c->svg, x[i]);
        sbuf_addc(c->svg, ',');
        num(c->svg, y[i]);
    }
    sbuf_addc(c->svg, '"');
    svg_pen(c->svg, p);
    sbuf_adds(c->svg, "/>\n");
}

/* The outline of a shape as points (circles aside). */
static size_t shape_points(cv_shape s, double x, double y, double r, double *px, double *py)
{
    switch (s) {
    case CV_SQUARE:
        px[0] = x - r, py[0] = y - r, px[1] = x + r, py[1] = y - r;
        px[2] = x + r, py[2] = y + r, px[3] = x - r, py[3] = y + r;
        return 4;
    case CV_DOWN:
        px[0] = x - r * 1.15, py[0] = y - r * 0.8, px[1] = x + r * 1.15, py[1] = y - r * 0.8;
        px[2] = x, py[2] = y + r * 1.2;
        return 3;
    case CV_UP:
        px[0] = x - r * 1.15, py[0] = y + r * 0.8, px[1] = x + r * 1.15, py[1] = y + r * 0.8;
        px[2] = x, py[2] = y - r * 1.2;
        return 3;
    case CV_DIAMOND:
    case CV_DIAMOND_OPEN:
        px[0] = x, py[0] = y - r * 1.25, px[1] = x + r, py[1] = y;
        px[2] = x, py[2] = y + r * 1.25, px[3] = x - r, py[3] = y;
        return 4;
    default:
        return 0;
    }
}

static int shape_filled(cv_shape s)
{
    return s == CV_DOT || s == CV_DOWN || s == CV_DIAMOND;
}

void cv_mark(canvas *c, cv_shape s, double x, double y, double size, cv_color col)
{
    double r = size / 2, px[4], py[4];
    size_t n = shape_points(s, x, y, r, px, py);
    int filled = shape_filled(s);
    double lw = 1.6;
    if (c->cr) {
        cairo_t *cr = c->cr;
        cairo_new_path(cr);
        if (n == 0) {
            cairo_arc(cr, x, y, filled ? r : r - lw / 2, 0, 2 * M_PI);
        } else {
            cairo_move_to(cr, px[0], py[0]);
            for (size_t i = 1; i < n; i++)
                cairo_line_to(cr, px[i], py[i]);
            cairo_close_path(cr);
        }
        if (filled) {
            set_color(cr, col);
            cairo_fill(cr);
        } else {
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_fill_preserve(cr);
            cv_pen p = { col, lw, 0 };
            cairo_pen(cr, p);
            cairo_stroke(cr);
        }
        return;
    }
    sbuf *sb = c->svg;
    if (n == 0) {
        sbuf_adds(sb, "<circle");
        attr(sb, "cx", x);
        attr(sb, "cy", y);
        attr(sb, "r", filled ? r : r - lw / 2);
    } else {
        sbuf_adds(sb, "<polygon points=\"");
        for (size_t i = 0; i < n; i++) {
            if (i)
                sbuf_addc(sb, ' ');
            num(sb, px[i]);
            sbuf_addc(sb, ',');
            num(sb, py[i]);
        }
        sbuf_addc(sb, '"');
    }
    if (filled) {
        sbuf_adds(sb, " fill=\"");
        color(sb, col);
        sbuf_addc(sb, '"');
    } else {
        sbuf_adds(sb, " fill=\"#ffffff\" stroke=\"");
        color(sb, col);
        sbuf_addc(sb, '"');
        attr(sb, "stroke-width", lw);
    }
    sbuf_adds(sb, "/>\n");
}

static cairo_t *measure_cr(void)
{
    if (!measure_c) {
        measure_s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
        measure_c = cairo_create(measure_s);
    }
    return measure_c;
}

/* Made only for text that needs it: a run that meets none never starts
 * Pango. */
static PangoLayout *measure_layout(void)
{
    if (!measure_l)
        measure_l = layout_on(measure_cr());
    return measure_l;
}

void canvas_cleanup(void)
{
    int pango = measure_l || draw_l;
    int used = pango || faces[0] || faces[1];
    if (measure_l)
        g_object_unref(measure_l);
    if (draw_l)
        g_object_unref(draw_l);
    draw_l = NULL;
    if (measure_c)
        cairo_destroy(measure_c);
    if (measure_s)
        cairo_surface_destroy(measure_s);
    measure_l = NULL;
    measure_c = NULL;
    measure_s = NULL;
    for (int i = 0; i < 2; i++) {
        if (fonts[i])
            pango_font_description_free(fonts[i]);
        if (faces[i])
            cairo_font_face_destroy(faces[i]);
        fonts[i] = NULL;
        faces[i] = NULL;
    }
    if (font_opts)
        cairo_font_options_destroy(font_opts);
    font_opts = NULL;
    if (pango) {
        /* Pango's font map lets go of the fonts it keeps only when shut
         * down.  Fontconfig, which it loads on a thread of its own, cannot
         * be finished safely then (FcFini asserts on a cache still held),
         * so cairo's and fontconfig's caches are left to the end of the
         * process (tests/lsan.supp says so to the leak checker) */
        PangoFontMap *fm = pango_cairo_font_map_get_default();
        if (PANGO_IS_FC_FONT_MAP(fm))
            pango_fc_font_map_shutdown(PANGO_FC_FONT_MAP(fm));
        pango_cairo_font_map_set_default(NULL);
    } else if (used) {
        /* cairo's and fontconfig's caches, so that a leak checker sees none */
        cairo_debug_reset_static_data();
        FcFini();
    }
}

double cv_text_width(const char *s, double size, int bold)
{
    if (needs_layout(s)) {
        PangoLayout *l = measure_layout();
        PangoRectangle ink, logical;
        set_layout(l, s, size, bold);
        pango_layout_get_extents(l, &ink, &logical);
        return (double)logical.width / PANGO_SCALE;
    }
    cairo_text_extents_t te;
    cairo_t *cr = measure_cr();
    cairo_font(cr, size, bold);
    cairo_text_extents(cr, s, &te);
    return te.x_advance;
}

/* Draws s on cr with its baseline's left end at the current point. */
static void show_text(cairo_t *cr, const char *s, double size, int bold)
{
    if (!needs_layout(s)) {
        cairo_font(cr, size, bold);
        cairo_show_text(cr, s);
        return;
    }
    if (!draw_l)
        draw_l = layout_on(cr);
    else
        pango_cairo_update_layout(cr, draw_l);
    set_layout(draw_l, s, size, bold);
    double base = (double)pango_layout_get_baseline(draw_l) / PANGO_SCALE;
    cairo_rel_move_to(cr, 0, -base);
    pango_cairo_show_layout(cr, draw_l);
}

static void svg_text(canvas *c, double x, double y, const char *s, double size, int bold,
                     cv_anchor a, cv_color col, int up)
{
    static const char *const anchors[] = { "start", "middle", "end" };
    sbuf *sb = c->svg;
    sbuf_adds(sb, "<text");
    attr(sb, "x", x);
    attr(sb, "y", y);
    attr(sb, "font-size", size);
    if (bold)
        sbuf_adds(sb, " font-weight=\"bold\"");
    if (a != CV_LEFT)
        sbuf_addf(sb, " text-anchor=\"%s\"", anchors[a]);
    if (up) {
        sbuf_adds(sb, " transform=\"rotate(-90 ");
        num(sb, x);
        sbuf_addc(sb, ' ');
        num(sb, y);
        sbuf_addc(sb, ')');
        sbuf_addc(sb, '"');
    }
    sbuf_adds(sb, " fill=\"");
    color(sb, col);
    sbuf_adds(sb, "\">");
    html_escape(sb, s);
    sbuf_adds(sb, "</text>\n");
}

void cv_text(canvas *c, double x, double y, const char *s, double size, int bold,
             cv_anchor a, cv_color col)
{
    if (!c->cr) {
        svg_text(c, x, y, s, size, bold, a, col, 0);
        return;
    }
    cairo_t *cr = c->cr;
    double w = a == CV_LEFT ? 0 : cv_text_width(s, size, bold);
    set_color(cr, col);
    cairo_move_to(cr, a == CV_LEFT ? x : a == CV_MIDDLE ? x - w / 2 : x - w, y);
    show_text(cr, s, size, bold);
    cairo_new_path(cr);
}

void cv_text_fit(canvas *c, double x, double y, const char *s, double size, int bold,
                 double maxw, cv_color col)
{
    double w = cv_text_width(s, size, bold);
    if (w <= maxw) {
        cv_text(c, x, y, s, size, bold, CV_LEFT, col);
        return;
    }
    double small = size / 2;
    if (w * small / size <= maxw) {
        /* a size in whole tenths of a point, for the same bytes on every run */
        double fit = floor(size * maxw / w * 10) / 10;
        cv_text(c, x, y, s, fit < small ? small : fit, bold, CV_LEFT, col);
        return;
    }
    /* the most whole characters that fit with the ellipsis */
    size_t n = strlen(s), keep = 0;
    char *t = xmalloc(n + 4);
    for (size_t k = 0; k < n;) {
        size_t next = utf8_next(s, k, n);
        memcpy(t, s, next);
        memcpy(t + next, "\xe2\x80\xa6", 4);
        if (cv_text_width(t, small, bold) > maxw)
            break;
        keep = k = next;
    }
    memcpy(t, s, keep);
    memcpy(t + keep, "\xe2\x80\xa6", 4);
    cv_text(c, x, y, t, small, bold, CV_LEFT, col);
    free(t);
}

void cv_text_up(canvas *c, double x, double y, const char *s, double size, cv_color col)
{
    if (!c->cr) {
        svg_text(c, x, y, s, size, 0, CV_MIDDLE, col, 1);
        return;
    }
    cairo_t *cr = c->cr;
    double w = cv_text_width(s, size, 0);
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, -M_PI / 2);
    set_color(cr, col);
    cairo_move_to(cr, -w / 2, 0);
    show_text(cr, s, size, 0);
    cairo_new_path(cr);
    cairo_restore(cr);
}
