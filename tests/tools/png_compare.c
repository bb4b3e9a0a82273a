/* png_compare: compares a PNG with a reference PNG, pixel by pixel, with a
 * tolerance; read with cairo's own PNG reader.
 *
 * usage: png_compare REFERENCE.png IMAGE.png [MAX_PIXELS [CHANNEL_DIFF]]
 * A pixel differs when one of its channels differs by more than
 * CHANNEL_DIFF (default 40 of 255); the images match when their sizes are
 * equal and at most MAX_PIXELS pixels differ (default 100).  Prints
 * "matches" (exit 0) or what differs and where (exit 1); 2 for a file
 * that cannot be read. */
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>

static cairo_surface_t *load(const char *path)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "png_compare: '%s': %s\n", path,
                cairo_status_to_string(cairo_surface_status(s)));
        cairo_surface_destroy(s);
        return NULL;
    }
    /* the same pixel layout for both, whatever each file holds */
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    cairo_surface_t *rgb = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(rgb);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_surface(cr, s, 0, 0);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    cairo_surface_flush(rgb);
    return rgb;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5) {
        fputs("usage: png_compare REFERENCE.png IMAGE.png [MAX_PIXELS [CHANNEL_DIFF]]\n", stderr);
        return 2;
    }
    long max_pixels = argc > 3 ? strtol(argv[3], NULL, 10) : 100;
    int channel = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 40;
    cairo_surface_t *a = load(argv[1]), *b = load(argv[2]);
    int rc = 2;
    if (!a || !b)
        goto out;
    int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
    if (w != cairo_image_surface_get_width(b) || h != cairo_image_surface_get_height(b)) {
        printf("differs: %dx%d against %dx%d\n", cairo_image_surface_get_width(b),
               cairo_image_surface_get_height(b), w, h);
        rc = 1;
        goto out;
    }
    const unsigned char *pa = cairo_image_surface_get_data(a), *pb = cairo_image_surface_get_data(b);
    int sa = cairo_image_surface_get_stride(a), sb = cairo_image_surface_get_stride(b);
    long differ = 0;
    int x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const unsigned char *p = pa + (size_t)y * sa + 4 * (size_t)x;
            const unsigned char *q = pb + (size_t)y * sb + 4 * (size_t)x;
            int off = 0;
            for (int c = 0; c < 3; c++)
                if (abs(p[c] - q[c]) > channel)
                    off = 1;
            if (!off)
                continue;
            differ++;
            if (x < x0) x0 = x;
            if (y < y0) y0 = y;
            if (x > x1) x1 = x;
            if (y > y1) y1 = y;
        }
    if (differ > max_pixels) {
        printf("differs: %ld pixels (more than %ld) between (%d,%d) and (%d,%d)\n", differ,
               max_pixels, x0, y0, x1, y1);
        rc = 1;
    } else {
        printf("matches\n");
        rc = 0;
    }
out:
    if (a)
        cairo_surface_destroy(a);
    if (b)
        cairo_surface_destroy(b);
    return rc;
}
