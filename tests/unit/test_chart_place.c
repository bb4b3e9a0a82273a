/* Unit tests for where a chart's labels go (analyze/chart_place.h): the
 * segment and box tests, and the alert zone's label kept off the fitted
 * line, the series and the marks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "chart_place.h"

/* The client chart's plot (chart_draw.c: 720 x 420 points) with the zone's
 * edge where a threshold of 3.5 falls on an axis from 2 to 5, and the alert
 * label's size there ("alert zone: under 3.5" at 9.5 points). */
static const place_zone Z = { 62, 696, 86, 199, 312 };
static const double W = 99.79, ASC = 9.5, DESC = 2;

static void test_seg_meets(void **state)
{
    (void)state;
    const place_box b = { 10, 10, 20, 20 };
    static const struct { place_seg s; int meets; const char *what; } cases[] = {
        { { 0, 15, 30, 15 }, 1, "across, both ends outside" },
        { { 12, 12, 18, 18 }, 1, "wholly inside" },
        { { 0, 0, 30, 30 }, 1, "the diagonal" },
        { { 15, 0, 15, 30 }, 1, "vertical, across" },
        { { 0, 25, 30, 25 }, 0, "parallel, under it" },
        { { 25, 0, 25, 30 }, 0, "parallel, right of it" },
        { { 0, 9, 9, 0 }, 0, "past the corner" },
        { { 0, 19.9, 19.9, 0 }, 0, "just short of the corner" },
        { { 0, 20.1, 20.1, 0 }, 1, "just over the corner" },
        { { 0, 15, 9.9, 15 }, 0, "stops short" },
        { { 0, 15, 10, 15 }, 1, "touches the side" },
        { { 30, 15, 15, 15 }, 1, "ends inside, drawn backwards" },
        { { 15, 15, 15, 15 }, 1, "a point inside" },
        { { 5, 5, 5, 5 }, 0, "a point outside" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (place_seg_meets(&cases[i].s, &b) != cases[i].meets)
            fail_msg("%s: got %d", cases[i].what, !cases[i].meets);
}

static void test_boxes_meet(void **state)
{
    (void)state;
    const place_box a = { 0, 0, 10, 10 };
    const place_box in = { 2, 2, 3, 3 }, over = { 9, 9, 12, 12 }, touch = { 10, 0, 20, 10 },
                    apart = { 0, 11, 10, 20 };
    assert_true(place_boxes_meet(&a, &in));
    assert_true(place_boxes_meet(&in, &a));
    assert_true(place_boxes_meet(&a, &over));
    assert_false(place_boxes_meet(&a, &touch));
    assert_false(place_boxes_meet(&a, &apart));
}

/* The label at x, y: its box, and whether it keeps PLACE_LINE_GAP off every
 * line and off every box but its own (the last one taken), inside the plot. */
static place_box label_box(double x, double y)
{
    return (place_box){ x, y - ASC, x + W, y + DESC };
}

static void assert_clear(const placed *pl, double x, double y)
{
    place_box b = label_box(x, y);
    place_box wide = { b.x0 - PLACE_LINE_GAP, b.y0 - PLACE_LINE_GAP, b.x1 + PLACE_LINE_GAP,
                       b.y1 + PLACE_LINE_GAP };
    for (size_t i = 0; i < pl->nseg; i++)
        if (place_seg_meets(&pl->seg[i], &wide))
            fail_msg("the label at %g,%g lies on the line %g,%g %g,%g", x, y, pl->seg[i].ax,
                     pl->seg[i].ay, pl->seg[i].bx, pl->seg[i].by);
    assert_true(pl->n >= 1);
    const place_box *own = &pl->box[pl->n - 1];
    assert_true(own->x0 == b.x0 && own->y0 == b.y0 && own->x1 == b.x1 && own->y1 == b.y1);
    for (size_t i = 0; i + 1 < pl->n; i++)
        if (place_boxes_meet(&b, &pl->box[i]))
            fail_msg("the label at %g,%g covers the mark %g,%g %g,%g", x, y, pl->box[i].x0,
                     pl->box[i].y0, pl->box[i].x1, pl->box[i].y1);
    assert_true(b.x0 >= Z.left && b.x1 <= Z.right && b.y0 >= Z.top && b.y1 <= Z.bottom);
}

/* Nothing in the way: under the edge at the right end, as charts always had it. */
static void test_alert_free(void **state)
{
    (void)state;
    placed pl = { 0 };
    double x, y;
    assert_int_equal(place_alert(&pl, &Z, W, ASC, DESC, &x, &y), 1);
    assert_true(fabs(x - (Z.right - 4 - W)) < 1e-9);
    assert_true(fabs(y - (Z.edge + 13)) < 1e-9);
    assert_clear(&pl, x, y);
    place_release(&pl);
}

/* A client whose scores fall into the zone at the last sessions: the
 * least-squares line runs down through the right end just under the edge,
 * where the label used to go (this is the chart that showed the label on
 * the line), and the series falls across the edge there too. */
static void test_alert_off_the_fitted_line(void **state)
{
    (void)state;
    placed pl = { 0 };
    static const double sx[8] = { 101.62, 180.88, 260.12, 339.38, 418.62, 497.88, 577.12, 656.38 };
    static const double sy[8] = { 161.33, 161.33, 123.67, 161.33, 161.33, 123.67, 236.67, 274.33 };
    for (int i = 0; i < 8; i++)
        place_mark(&pl, sx[i] - 5, sy[i] - 5, sx[i] + 5, sy[i] + 5);
    place_mark(&pl, 577.12 - 6, 250.67 - 6, 577.12 + 6, 250.67 + 6);   /* the drop's triangle */
    place_line(&pl, 101.62, 126.81, 656.38, 224.11);                      /* the fitted line */
    for (int i = 1; i < 8; i++)
        place_line(&pl, sx[i - 1], sy[i - 1], sx[i], sy[i]);
    /* the old place, under the right end, is on the fitted line */
    place_box old = label_box(Z.right - 4 - W, Z.edge + 13);
    assert_true(place_seg_meets(&pl.seg[0], &old));
    double x, y;
    assert_int_equal(place_alert(&pl, &Z, W, ASC, DESC, &x, &y), 1);
    assert_clear(&pl, x, y);
    /* the next place in order: under the edge at the left end */
    assert_true(fabs(x - (Z.left + 4)) < 1e-9);
    assert_true(fabs(y - (Z.edge + 13)) < 1e-9);
    place_release(&pl);
}

/* Lines through both ends under the edge: the zone's bottom corner; with
 * both bottom corners taken by marks too, somewhere else clear of all. */
static void test_alert_corners_taken(void **state)
{
    (void)state;
    placed pl = { 0 };
    place_line(&pl, Z.left, Z.edge + 8, Z.left + 200, Z.edge + 8);
    place_line(&pl, Z.right, Z.edge + 8, Z.right - 200, Z.edge + 8);
    double x, y;
    assert_int_equal(place_alert(&pl, &Z, W, ASC, DESC, &x, &y), 1);
    assert_clear(&pl, x, y);
    assert_true(fabs(x - (Z.right - 4 - W)) < 1e-9);
    assert_true(fabs(y - (Z.bottom - 4 - DESC)) < 1e-9);
    place_release(&pl);

    pl = (placed){ 0 };
    place_line(&pl, Z.left, Z.edge + 8, Z.left + 200, Z.edge + 8);
    place_line(&pl, Z.right, Z.edge + 8, Z.right - 200, Z.edge + 8);
    place_mark(&pl, Z.left, Z.bottom - 20, Z.left + 40, Z.bottom);
    place_mark(&pl, Z.right - 40, Z.bottom - 20, Z.right, Z.bottom);
    place_line(&pl, Z.left, Z.edge - 8, Z.right, Z.edge - 8);   /* over the edge, all along */
    assert_int_equal(place_alert(&pl, &Z, W, ASC, DESC, &x, &y), 1);
    assert_clear(&pl, x, y);
    assert_true(y > Z.edge);    /* in the zone */
    place_release(&pl);
}

/* The zone crossed everywhere: no label, and nothing taken. */
static void test_alert_nowhere(void **state)
{
    (void)state;
    placed pl = { 0 };
    for (double px = Z.left; px < Z.right; px += 20)
        place_line(&pl, px, Z.top, px, Z.bottom);
    double x = -1, y = -1;
    assert_int_equal(place_alert(&pl, &Z, W, ASC, DESC, &x, &y), 0);
    assert_int_equal(pl.n, 0);
    place_release(&pl);
}

/* A fixed sequence of numbers in [0, 1) (a 64-bit LCG's high bits). */
static double rnd(unsigned long long *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*r >> 33) / 2147483648.0;
}

/* Random series, fitted lines and marks: wherever the label goes, it is
 * clear of them all. */
/* A label beside its mark: its right side, else its left where the right
 * crosses a line and the left does not, else the first side clear of the
 * marks, else none; the side chosen is taken. */
static void test_beside(void **state)
{
    (void)state;
    const place_box side[2] = { { 108, 90, 140, 101 }, { 60, 90, 92, 101 } };
    placed pl = { 0 };
    assert_int_equal(place_beside(&pl, side, 2), 0);
    assert_int_equal(pl.n, 1);
    assert_int_equal(place_beside(&pl, side, 2), 1);     /* the right is taken now */
    assert_int_equal(place_beside(&pl, side, 2), -1);    /* and so is the left */
    place_release(&pl);

    place_line(&pl, 100, 80, 150, 110);                  /* a line through the right */
    assert_int_equal(place_beside(&pl, side, 2), 1);
    place_release(&pl);

    place_line(&pl, 100, 95, 150, 95);                   /* a line just off the right: */
    place_line(&pl, 100, 88.5, 150, 88.5);               /* within the gap all the same */
    assert_int_equal(place_beside(&pl, side, 2), 1);
    place_release(&pl);

    place_line(&pl, 50, 95, 150, 95);                    /* through both: the right */
    assert_int_equal(place_beside(&pl, side, 2), 0);
    place_release(&pl);

    place_line(&pl, 50, 95, 95, 95);                     /* through the left; */
    place_mark(&pl, 120, 85, 130, 95);                   /* a mark on the right */
    assert_int_equal(place_beside(&pl, side, 1), -1);
    assert_int_equal(place_beside(&pl, side, 2), 1);
    place_release(&pl);
}

static void test_alert_random(void **state)
{
    (void)state;
    unsigned long long r = 12345;
    int placed_n = 0;
    for (int round = 0; round < 2000; round++) {
        placed pl = { 0 };
        int n = 3 + (int)(rnd(&r) * 12);
        double px = 0, py = 0, qx = 0, qy = 0;
        for (int i = 0; i < n; i++) {
            qx = Z.left + 40 + (Z.right - Z.left - 80) * i / (n - 1);
            qy = Z.top + 10 + rnd(&r) * (Z.bottom - Z.top - 20);
            place_mark(&pl, qx - 5, qy - 5, qx + 5, qy + 5);
            if (i)
                place_line(&pl, px, py, qx, qy);
            px = qx, py = qy;
        }
        place_line(&pl, Z.left + 40, Z.top + rnd(&r) * (Z.bottom - Z.top), qx,
                   Z.top + rnd(&r) * (Z.bottom - Z.top));
        double x, y;
        if (place_alert(&pl, &Z, W, ASC, DESC, &x, &y)) {
            assert_clear(&pl, x, y);
            placed_n++;
        }
        place_release(&pl);
    }
    /* most such charts have room for it */
    assert_true(placed_n > 1600);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seg_meets),
        cmocka_unit_test(test_boxes_meet),
        cmocka_unit_test(test_alert_free),
        cmocka_unit_test(test_alert_off_the_fitted_line),
        cmocka_unit_test(test_alert_corners_taken),
        cmocka_unit_test(test_alert_nowhere),
        cmocka_unit_test(test_alert_random),
        cmocka_unit_test(test_beside),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
