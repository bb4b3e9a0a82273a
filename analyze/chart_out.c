/* chart_out.c: a drawing written whole as SVG, PNG or PDF, the same bytes
 * for the same data (no dates, a fixed font and fixed rendering options). */
#include "chart.h"

#include <cairo-pdf.h>
#include <string.h>
#include <strings.h>

int chart_format_of(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot)
        return -1;
    if (strcasecmp(dot, ".svg") == 0)
        return CF_SVG;
    if (strcasecmp(dot, ".png") == 0)
        return CF_PNG;
    if (strcasecmp(dot, ".pdf") == 0)
        return CF_PDF;
    return -1;
}

static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int len)
{
    FILE *fp = closure;
    return fwrite(data, 1, len, fp) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

void chart_svg(sbuf *sb, const char *prefix, double w, double h, chart_paint_fn paint,
               const void *what)
{
    canvas *cv = canvas_svg(sb, w, h, prefix);
    paint(cv, what);
    canvas_free(cv);
}

/* The pages of a PDF carry no creation or change date, so that the same
 * data give the same file. */
void chart_pdf_fixed(cairo_surface_t *s)
{
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, "");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "attune analyze");
}

int chart_write(FILE *out, const char *name, chart_format f, double w, double h,
                chart_paint_fn paint, const void *what)
{
    cairo_status_t st;
    if (f == CF_SVG) {
        sbuf sb = SBUF_INIT;
        sbuf_adds(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        chart_svg(&sb, "", w, h, paint, what);
        size_t ok = fwrite(sb.buf, 1, sb.len, out);
        st = ok == sb.len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
        sbuf_release(&sb);
    } else if (f == CF_PNG) {
        const double scale = 2;   /* sharp on screens that have more pixels per point */
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(w * scale),
                                                        (int)(h * scale));
        cairo_t *cr = cairo_create(s);
        cairo_scale(cr, scale, scale);
        canvas *cv = canvas_cairo(cr);
        paint(cv, what);
        canvas_free(cv);
        st = cairo_status(cr);
        cairo_destroy(cr);
        if (st == CAIRO_STATUS_SUCCESS)
            st = cairo_surface_write_to_png_stream(s, to_file, out);
        cairo_surface_destroy(s);
    } else {
        cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_file, out, w, h);
        chart_pdf_fixed(s);
        cairo_t *cr = cairo_create(s);
        canvas *cv = canvas_cairo(cr);
        paint(cv, what);
        canvas_free(cv);
        cairo_show_page(cr);
        st = cairo_status(cr);
        cairo_destroy(cr);
        cairo_surface_finish(s);
        if (st == CAIRO_STATUS_SUCCESS)
            st = cairo_surface_status(s);
        cairo_surface_destroy(s);
    }
    if (st != CAIRO_STATUS_SUCCESS) {
        an_fail("'%s': drawing the chart failed: %s", name, cairo_status_to_string(st));
        return -1;
    }
    return 0;
}

void paint_client(canvas *cv, const void *p)
{
    draw_client(cv, p, 0, 0, CHART_W, CHART_H);
}

void paint_repair(canvas *cv, const void *p)
{
    draw_repair(cv, p, 0, 0, CHART_W);
}
