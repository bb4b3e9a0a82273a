/* chart_place.c: where a chart's labels go (chart_place.h). */
#include "chart_place.h"

#include <stdlib.h>

#include "util.h"

int place_boxes_meet(const place_box *a, const place_box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* Liang-Barsky: the part of the segment (a + t (b - a), 0 <= t <= 1) on
 * the inner side of each of the box's four sides; it meets the box when
 * some t is left. */
int place_seg_meets(const place_seg *s, const place_box *b)
{
    double dx = s->bx - s->ax, dy = s->by - s->ay;
    double p[4] = { -dx, dx, -dy, dy };
    double q[4] = { s->ax - b->x0, b->x1 - s->ax, s->ay - b->y0, b->y1 - s->ay };
    double t0 = 0, t1 = 1;
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return 0;   /* parallel to this side and outside it */
            continue;
        }
        double t = q[i] / p[i];
        if (p[i] < 0) {
            if (t > t1)
                return 0;
            if (t > t0)
                t0 = t;
        } else {
            if (t < t0)
                return 0;
            if (t < t1)
                t1 = t;
        }
    }
    return t0 <= t1;
}

void place_mark(placed *pl, double x0, double y0, double x1, double y1)
{
    if (pl->n == pl->cap) {
        pl->cap = pl->cap ? 2 * pl->cap : 64;
        pl->box = xrealloc(pl->box, pl->cap * sizeof *pl->box);
    }
    pl->box[pl->n++] = (place_box){ x0, y0, x1, y1 };
}

void place_line(placed *pl, double ax, double ay, double bx, double by)
{
    if (pl->nseg == pl->segcap) {
        pl->segcap = pl->segcap ? 2 * pl->segcap : 64;
        pl->seg = xrealloc(pl->seg, pl->segcap * sizeof *pl->seg);
    }
    pl->seg[pl->nseg++] = (place_seg){ ax, ay, bx, by };
}

static int clear_of_boxes(const placed *pl, const place_box *b)
{
    for (size_t i = 0; i < pl->n; i++)
        if (place_boxes_meet(b, &pl->box[i]))
            return 0;
    return 1;
}

static int clear_of_lines(const placed *pl, const place_box *b)
{
    place_box wide = { b->x0 - PLACE_LINE_GAP, b->y0 - PLACE_LINE_GAP, b->x1 + PLACE_LINE_GAP,
                       b->y1 + PLACE_LINE_GAP };
    for (size_t i = 0; i < pl->nseg; i++)
        if (place_seg_meets(&pl->seg[i], &wide))
            return 0;
    return 1;
}

int place_beside(placed *pl, const place_box *c, size_t n)
{
    long first = -1;
    for (size_t i = 0; i < n; i++) {
        if (!clear_of_boxes(pl, &c[i]))
            continue;
        if (clear_of_lines(pl, &c[i])) {
            first = (long)i;
            break;
        }
        if (first < 0)
            first = (long)i;
    }
    if (first >= 0)
        place_mark(pl, c[first].x0, c[first].y0, c[first].x1, c[first].y1);
    return (int)first;
}

typedef struct spot_try {
    placed *pl;
    const place_zone *z;
    double w, asc, desc;
} spot_try;

/* Whether the label fits at x, y (its baseline's left end): inside the
 * plot, clear of the boxes and the lines; it is taken when it does. */
static int spot(const spot_try *t, double x, double y)
{
    const place_zone *z = t->z;
    place_box b = { x, y - t->asc, x + t->w, y + t->desc };
    if (b.x0 < z->left + 4 - 1e-9 || b.x1 > z->right - 4 + 1e-9 || b.y0 < z->top ||
        b.y1 > z->bottom)
        return 0;
    if (!clear_of_boxes(t->pl, &b) || !clear_of_lines(t->pl, &b))
        return 0;
    place_mark(t->pl, b.x0, b.y0, b.x1, b.y1);
    return 1;
}

int place_alert(placed *pl, const place_zone *z, double w, double asc, double desc, double *x,
                double *y)
{
    enum { ROWS = 4, COLS = 8 };
    spot_try t = { pl, z, w, asc, desc };
    double under = z->edge + 13, over = z->edge - 5, low = z->bottom - 4 - desc;
    double xr = z->right - 4 - w, xl = z->left + 4;
    int deep = low >= under;    /* room in the zone below the first row */
    double corner[6][2] = {
        { xr, under }, { xl, under }, { xr, low }, { xl, low }, { xr, over }, { xl, over },
    };
    for (int i = 0; i < 6; i++) {
        if (!deep && (i == 2 || i == 3))
            continue;
        if (spot(&t, corner[i][0], corner[i][1])) {
            *x = corner[i][0], *y = corner[i][1];
            return 1;
        }
    }
    /* rows 0 ... rows under the edge, lower and lower; the last one over it */
    int rows = deep ? ROWS : 0;
    for (int r = 0; r <= rows + 1; r++)
        for (int c = 0; c <= COLS; c++) {
            double py = r > rows ? over : rows ? under + (low - under) * r / rows : under;
            double px = xr + (xl - xr) * c / COLS;
            if (spot(&t, px, py)) {
                *x = px, *y = py;
                return 1;
            }
        }
    return 0;
}

void place_release(placed *pl)
{
    if (!pl)
        return;
    free(pl->box);
    free(pl->seg);
    *pl = (placed){ 0 };
}
