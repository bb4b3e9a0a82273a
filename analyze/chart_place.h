/* chart_place.h: where a chart's text labels go, as geometry alone (no
 * drawing, no fonts), so that the rules can be tested on their own.
 *
 * Everything is in page points from the top left, as on the canvas.  A
 * chart notes each mark it draws as a box and each line as a segment; a
 * label is then given the first of its places that is clear of them.  The
 * labels drawn beside their marks (a drop's size, a tension) keep off the
 * marks and the labels placed before them, and off the lines where a side
 * of the mark is clear of them; the alert zone's label, which may go
 * anywhere in its zone, keeps off the lines always. */
#ifndef ANALYZE_CHART_PLACE_H
#define ANALYZE_CHART_PLACE_H

#include <stddef.h>

typedef struct place_box {
    double x0, y0, x1, y1;      /* x0 <= x1, y0 <= y1 */
} place_box;

typedef struct place_seg {
    double ax, ay, bx, by;      /* a straight piece of a drawn line, end to end */
} place_seg;

/* The boxes (marks, and the labels placed) and the lines of one chart.
 * Starts zeroed ({ 0 }); place_release frees what it holds. */
typedef struct placed {
    place_box *box;
    size_t n, cap;
    place_seg *seg;
    size_t nseg, segcap;
} placed;

/* How far a label keeps from a line (points, either side):
 * more than half the widest line the charts draw. */
#define PLACE_LINE_GAP 2.0

/* Whether the insides of two boxes overlap (boxes that only touch do not). */
int place_boxes_meet(const place_box *a, const place_box *b);
/* Whether the segment passes through the box or touches it. */
int place_seg_meets(const place_seg *s, const place_box *b);

/* Keeps a box as taken (a mark: always). */
void place_mark(placed *pl, double x0, double y0, double x1, double y1);
/* Notes a line from a to b. */
void place_line(placed *pl, double ax, double ay, double bx, double by);

/* The first of the n boxes c that is clear of the boxes taken and, by
 * PLACE_LINE_GAP, of the lines; else the first clear of the boxes alone (a
 * label beside its mark is better across a line than left out).  Returns
 * its index, the box taken, or -1 when each covers a box. */
int place_beside(placed *pl, const place_box *c, size_t n);

/* The alert zone on the plot: between left and right, from its edge (the
 * line at the threshold) down to the plot's bottom; top is the plot's top. */
typedef struct place_zone {
    double left, right, top, edge, bottom;
} place_zone;

/* The place of the alert zone's label, w wide, reaching asc above its
 * baseline and desc below: the first clear of every box taken and, by
 * PLACE_LINE_GAP, of every line, among: under the edge at the right end,
 * at the left end; in the zone's bottom right corner, bottom left; over
 * the edge at the right, at the left; then further along the edge and
 * lower in the zone, from right to left; then further along over the
 * edge.  Every place lies inside the plot, 4 points from its sides.
 * Returns 1 with *x, *y the left end of the baseline (and the box taken),
 * or 0 when every place is covered (the legend names the zone too). */
int place_alert(placed *pl, const place_zone *z, double w, double asc, double desc, double *x,
                double *y);

void place_release(placed *pl);

#endif
