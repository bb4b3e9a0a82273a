/* qr.c: QR codes of links (qr.h). */
#include "qr.h"

#include <cairo.h>
#include <errno.h>
#include <qrencode.h>
#include <string.h>
#include <strings.h>

#define QUIET 4      /* the light margin, in modules, the standard asks for */
#define PNG_SCALE 8  /* pixels per module */

static QRcode *encode(const char *text, at_err *err)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        at_fail(err, AT_EINVAL, "cannot make a QR code of the link: %s", strerror(errno));
    return q;
}

/* Whether module (x, y) is dark; outside the symbol (the margin) light. */
static int dark(const QRcode *q, int x, int y)
{
    if (x < 0 || y < 0 || x >= q->width || y >= q->width)
        return 0;
    return q->data[y * q->width + x] & 1;
}

at_status qr_terminal(const char *text, FILE *fp, at_err *err)
{
    QRcode *q = encode(text, err);
    if (!q)
        return err ? err->code : AT_EINVAL;
    const int m = 2;   /* a narrower margin is enough beside a terminal's dark edge */
    for (int y = -m; y < q->width + m; y += 2) {
        for (int x = -m; x < q->width + m; x++) {
            /* the upper half block: foreground the top module, background the bottom */
            int top = dark(q, x, y), bottom = dark(q, x, y + 1);
            fprintf(fp, "\033[%d;%dm\xe2\x96\x80", top ? 30 : 97, bottom ? 40 : 107);
        }
        fputs("\033[0m\n", fp);
    }
    QRcode_free(q);
    return AT_OK;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcasecmp(s + n - k, suffix) == 0;
}

int qr_file_kind_ok(const char *path)
{
    return path && (ends_with(path, ".png") || ends_with(path, ".svg"));
}

static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS
                                                : CAIRO_STATUS_WRITE_ERROR;
}

static int write_png(const QRcode *q, FILE *fp)
{
    int side = (q->width + 2 * QUIET) * PNG_SCALE;
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
    cairo_t *cr = cairo_create(sf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int y = 0; y < q->width; y++)
        for (int x = 0; x < q->width; x++)
            if (dark(q, x, y))
                cairo_rectangle(cr, (x + QUIET) * PNG_SCALE, (y + QUIET) * PNG_SCALE, PNG_SCALE,
                                PNG_SCALE);
    cairo_fill(cr);
    cairo_destroy(cr);
    int ok = cairo_surface_write_to_png_stream(sf, png_write, fp) == CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(sf);
    return ok;
}

static void write_svg(const QRcode *q, FILE *fp)
{
    int side = q->width + 2 * QUIET;
    fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
            "height=\"%d\" shape-rendering=\"crispEdges\">\n"
            "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n<path fill=\"#000\" d=\"",
            side, side, side * PNG_SCALE, side * PNG_SCALE, side, side);
    /* one run of dark modules in a row is one rectangle */
    for (int y = 0; y < q->width; y++)
        for (int x = 0; x < q->width; x++) {
            if (!dark(q, x, y))
                continue;
            int run = 1;
            while (dark(q, x + run, y))
                run++;
            fprintf(fp, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run, run);
            x += run - 1;
        }
    fputs("\"/>\n</svg>\n", fp);
}

at_status qr_file_begin(outfile *o, const char *text, const char *path, at_err *err)
{
    *o = (outfile)OUTFILE_INIT;
    if (!qr_file_kind_ok(path))
        return at_fail(err, AT_EINVAL, "'%s': a QR code is written as .png or .svg", path);
    QRcode *q = encode(text, err);
    if (!q)
        return err ? err->code : AT_EINVAL;
    at_status rc = outfile_open(o, path, err);
    if (rc == AT_OK) {
        if (ends_with(path, ".png")) {
            if (!write_png(q, o->fp))
                rc = at_fail(err, AT_EIO, "'%s': cannot write the PNG", path);
        } else {
            write_svg(q, o->fp);
        }
    }
    /* what is written reaches the file now: a full disk shows here, before
     * the caller does what the file is for */
    if (rc == AT_OK && (fflush(o->fp) != 0 || ferror(o->fp)))
        rc = at_fail(err, AT_EIO, "'%s': cannot write: %s", path, strerror(errno));
    if (rc != AT_OK)
        outfile_release(o);
    QRcode_free(q);
    return rc;
}
