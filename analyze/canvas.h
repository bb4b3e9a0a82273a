/* canvas.h: the few drawing operations the charts use, on two faces: a
 * cairo context (PNG and PDF, and the report's PDF pages) and SVG text
 * written element by element, so that an SVG chart has one element per
 * mark (class and id) and its words stay text, escaped by html_escape.
 *
 * Coordinates are points from the top left.  Text is measured in the chart
 * font (DejaVu Sans) on both faces, so both lay out alike: with cairo's own
 * text operations for the simple scripts that font holds, and laid out by
 * Pango for any other (other fonts giving the characters it lacks). */
#ifndef ANALYZE_CANVAS_H
#define ANALYZE_CANVAS_H

#include <cairo.h>

#include "util.h"

#define CANVAS_FONT "DejaVu Sans"

typedef struct cv_color {
    double r, g, b;
} cv_color;

typedef enum cv_shape {
    CV_DOT,           /* filled circle */
    CV_SQUARE,        /* hollow square */
    CV_DOWN,          /* filled triangle pointing down */
    CV_UP,            /* hollow triangle pointing up */
    CV_DIAMOND,       /* filled diamond */
    CV_DIAMOND_OPEN,  /* hollow diamond */
    CV_RING           /* hollow circle */
} cv_shape;

typedef enum cv_anchor { CV_LEFT, CV_MIDDLE, CV_RIGHT } cv_anchor;

/* A line's look: width in points, dash 0 solid, 1 dashed, 2 dotted, 3 long
 * dashes, 4 dashes and dots. */
typedef struct cv_pen {
    cv_color c;
    double width;
    int dash;
} cv_pen;

typedef struct canvas canvas;

/* Draws on cr (the caller owns it and its surface). */
canvas *canvas_cairo(cairo_t *cr);
/* Writes an SVG element of w x h points into out; ids get prefix. */
canvas *canvas_svg(sbuf *out, double w, double h, const char *prefix);
/* Ends the drawing (the SVG's closing tag) and frees c; NULL is fine. */
void canvas_free(canvas *c);

/* A group of elements: in SVG a <g> with class cls and id prefix-id
 * (either may be NULL), and a <title> tip when tip is given. */
void cv_group(canvas *c, const char *cls, const char *id, const char *tip);
void cv_group_end(canvas *c);

void cv_rect(canvas *c, double x, double y, double w, double h, cv_color fill);
void cv_line(canvas *c, double x1, double y1, double x2, double y2, cv_pen p);
void cv_polyline(canvas *c, const double *x, const double *y, size_t n, cv_pen p);
/* A mark of the given shape and size (its width) centred on x, y. */
void cv_mark(canvas *c, cv_shape s, double x, double y, double size, cv_color col);
/* Text with its baseline at y. */
void cv_text(canvas *c, double x, double y, const char *s, double size, int bold,
             cv_anchor a, cv_color col);
/* Left-anchored text no wider than maxw: in a smaller size when it would
 * pass maxw (down to half of size), then cut short with an ellipsis,
 * so a long client code or instrument name never runs off the picture. */
void cv_text_fit(canvas *c, double x, double y, const char *s, double size, int bold,
                 double maxw, cv_color col);
/* The same turned a quarter left (for a y-axis label). */
void cv_text_up(canvas *c, double x, double y, const char *s, double size, cv_color col);
/* The width of s in the chart font. */
double cv_text_width(const char *s, double size, int bold);

/* Frees the text-measuring context and the font caches at the end of a
 * run (every surface and context must be gone by then). */
void canvas_cleanup(void);

#endif
