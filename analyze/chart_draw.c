/* chart_draw.c: the client chart and the repair picture, drawn on a canvas.
 *
 * Readable in grey and with colour-vision deficiency: every series differs
 * by mark shape and line style as well as by colour (Okabe-Ito colours),
 * and the alert zone is named in words. */
#include "chart.h"
#include "chart_place.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const cv_color INK = { 0.10, 0.10, 0.10 }, GREY = { 0.45, 0.45, 0.45 },
                      GRID = { 0.88, 0.88, 0.88 }, BAND = { 0.97, 0.87, 0.80 },
                      BLUE = { 0.00, 0.45, 0.70 }, VERMILION = { 0.84, 0.37, 0.00 },
                      GREEN = { 0.00, 0.62, 0.45 }, WHITE = { 1, 1, 1 },
                      EDGE = { 0.60, 0.40, 0.25 };

typedef struct axis {
    double lo, hi, step;
    double p0, p1;      /* where lo and hi fall on the page */
} axis;

static double ax_pos(const axis *a, double v)
{
    return a->p0 + (v - a->lo) / (a->hi - a->lo) * (a->p1 - a->p0);
}

/* Round limits and a step giving about five ticks. */
static void ax_nice(axis *a, double lo, double hi)
{
    if (!(hi > lo)) {
        lo -= 0.5;
        hi += 0.5;
    }
    double raw = (hi - lo) / 5, mag = pow(10, floor(log10(raw))), f = raw / mag;
    double step = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    a->step = step * mag;
    a->lo = floor(lo / a->step + 1e-9) * a->step;
    a->hi = ceil(hi / a->step - 1e-9) * a->step;
}

static const char *tick_text(double v, char buf[32])
{
    snprintf(buf, 32, "%.2f", v);
    char *e = buf + strlen(buf) - 1;
    while (*e == '0')
        *e-- = '\0';
    if (*e == '.')
        *e = '\0';
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
    return buf;
}

/* Horizontal grid lines with their values at the left. */
static void y_grid(canvas *cv, const axis *y, double x0, double x1, int percent)
{
    char b[32], t[40];
    for (double v = y->lo; v <= y->hi + y->step / 1000; v += y->step) {
        double py = ax_pos(y, v);
        cv_line(cv, x0, py, x1, py, (cv_pen){ GRID, 1, 0 });
        if (percent)
            snprintf(t, sizeof t, "%.0f%%", v * 100);
        else
            snprintf(t, sizeof t, "%s", tick_text(v, b));
        cv_text(cv, x0 - 6, py + 4, t, 10, 0, CV_RIGHT, INK);
    }
}

/* The part of a fitted line from xa to xb that lies between ylo and yhi,
 * as its ends on the page; 0 when none of it does. */
static int fit_ends(const chart_fit *f, const axis *x, const axis *y, double xa, double xb,
                    double ylo, double yhi, place_seg *out)
{
    double a = f->intercept, b = f->slope;
    if (b != 0) {
        double x1 = (ylo - a) / b, x2 = (yhi - a) / b;
        double lo = fmin(x1, x2), hi = fmax(x1, x2);
        xa = fmax(xa, lo);
        xb = fmin(xb, hi);
    } else if (a < ylo || a > yhi) {
        return 0;
    }
    if (!(xb > xa))
        return 0;
    *out = (place_seg){ ax_pos(x, xa), ax_pos(y, a + b * xa), ax_pos(x, xb),
                        ax_pos(y, a + b * xb) };
    return 1;
}

/* A fitted line from xa to xb, the part of it between ylo and yhi. */
static void draw_fit(canvas *cv, const chart_fit *f, const axis *x, const axis *y, double xa,
                     double xb, double ylo, double yhi, cv_pen pen)
{
    place_seg e;
    if (!fit_ends(f, x, y, xa, xb, ylo, yhi, &e))
        return;
    cv_group(cv, "fit", NULL, f->label);
    cv_line(cv, e.ax, e.ay, e.bx, e.by, pen);
    cv_group_end(cv);
}

/* ---- the legend --------------------------------------------------------- */

typedef struct legend {
    canvas *cv;
    double x0, x, y, right;
} legend;

enum { KEY_LINE, KEY_BAND };

static void key(legend *l, int kind, cv_pen pen, int has_mark, cv_shape s, cv_color mc,
                const char *text)
{
    double w = 30 + cv_text_width(text, 10, 0) + 18;
    if (l->x + w > l->right && l->x > l->x0) {
        l->x = l->x0;
        l->y += 17;
    }
    double cx = l->x + 12, cy = l->y - 3.5;
    if (kind == KEY_BAND)
        cv_rect(l->cv, l->x, cy - 6, 24, 12, BAND);
    else if (pen.width > 0)
        cv_line(l->cv, l->x, cy, l->x + 24, cy, pen);
    if (has_mark)
        cv_mark(l->cv, s, cx, cy, 8, mc);
    cv_text(l->cv, l->x + 30, l->y, text, 10, 0, CV_LEFT, INK);
    l->x += w;
}

static const cv_pen NOPEN = { { 0, 0, 0 }, 0, 0 };

/* ---- the client chart --------------------------------------------------- */

static double sess_x(const axis *x, long session)
{
    return ax_pos(x, (double)session);
}

static void client_ranges(const chart_client *ch, axis *x, axis *y)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < ch->n; i++) {
        double v[2] = { ch->s[i].score, ch->s[i].therapist_score };
        for (int k = 0; k < 2; k++)
            if (!isnan(v[k])) {
                lo = fmin(lo, v[k]);
                hi = fmax(hi, v[k]);
            }
    }
    for (size_t i = 0; i < ch->n; i++)
        if (ch->s[i].has_alert) {
            lo = fmin(lo, ch->s[i].alert_below);
            hi = fmax(hi, ch->s[i].alert_below);
        }
    if (!isfinite(lo))
        lo = 0, hi = 1;
    /* room under the lowest score for the rupture marks */
    double span = hi > lo ? hi - lo : 1;
    ax_nice(y, lo - span * 0.22, hi + span * 0.1);
    x->lo = ch->n ? (double)ch->s[0].session - 0.5 : 0;
    x->hi = ch->n ? (double)ch->s[ch->n - 1].session + 0.5 : 1;
}

/* The first and the last session with a score of the drawn series, into
 * *a and *b (a fitted line rests on these and runs no further); 0 when
 * no session has one. */
static int scored_span(const chart_client *ch, double *a, double *b)
{
    int any = 0;
    for (size_t i = 0; i < ch->n; i++)
        if (!isnan(ch->s[i].score)) {
            if (!any)
                *a = (double)ch->s[i].session;
            *b = (double)ch->s[i].session;
            any = 1;
        }
    return any;
}

/* Whether the chart has any score to draw (the client's or the therapist's). */
static int any_score(const chart_client *ch)
{
    for (size_t i = 0; i < ch->n; i++)
        if (!isnan(ch->s[i].score) ||
            (ch->therapist_instrument && !isnan(ch->s[i].therapist_score)))
            return 1;
    return 0;
}

/* "3 of 4 items answered, 4 needed" and the like, of an unscored session. */
static void unscored_words(const chart_session *s, char *b, size_t n)
{
    if (s->answered < 0)
        snprintf(b, n, "not answered");
    else if (s->needed > 0)
        snprintf(b, n, "%ld of %ld items answered, %ld needed", s->answered, s->nterms,
                 s->needed);
    else
        snprintf(b, n, "%ld of %ld items answered", s->answered, s->nterms);
}

/* How many units apart axis labels go: 1, 2, 5, 10, 20, 50, ... whichever
 * first leaves `need` points between two, `room` being one unit's width. */
static long label_step(double room, double need)
{
    static const long m[] = { 1, 2, 5 };
    for (long mag = 1;; mag *= 10)
        for (size_t i = 0; i < 3; i++)
            if (room * (double)(m[i] * mag) >= need || mag > 100000000)
                return m[i] * mag;
}

static void session_label(canvas *cv, const chart_session *s, double px, double y)
{
    char b[32];
    cv_line(cv, px, y, px, y + 4, (cv_pen){ INK, 1, 0 });
    snprintf(b, sizeof b, "%ld", s->session);
    cv_text(cv, px, y + 15, b, 10, 0, CV_MIDDLE, INK);
    if (s->date[0])
        cv_text(cv, px, y + 27, s->date + 5, 9, 0, CV_MIDDLE, GREY);
}

/* The session numbers under the axis (and the dates under them): every
 * session when there is room, else the sessions whose numbers are
 * multiples of a step wide enough that no two labels touch, and then any
 * other session with room on both sides (so that sessions 1, 3, 5, ...
 * under a step of 10 are labelled too). */
static void session_labels(canvas *cv, const chart_client *ch, const axis *x, double y)
{
    const double need = 38;
    long every = label_step((x->p1 - x->p0) / (x->hi - x->lo), need);
    unsigned char *on = xcalloc(ch->n ? ch->n : 1, 1);
    for (size_t i = 0; i < ch->n; i++)
        on[i] = every == 1 || ch->s[i].session % every == 0;
    /* the latest and the first session first, then the others in order,
     * so that both ends of the series are labelled where there is room */
    for (size_t k = 0; k < ch->n; k++) {
        size_t i = k == 0 ? ch->n - 1 : k == 1 ? 0 : k - 1;
        if (on[i])
            continue;
        double px = sess_x(x, ch->s[i].session);
        int room = 1;
        for (size_t j = 0; j < ch->n && room; j++)
            room = !on[j] || fabs(sess_x(x, ch->s[j].session) - px) >= need;
        on[i] = (unsigned char)room;
    }
    /* the year under the first labelled date, and under each labelled
     * date whose year is not the one before's (a chart across new year) */
    char year[5] = "";
    for (size_t i = 0; i < ch->n; i++)
        if (on[i]) {
            double px = sess_x(x, ch->s[i].session);
            session_label(cv, &ch->s[i], px, y);
            if (ch->s[i].date[0] && memcmp(ch->s[i].date, year, 4) != 0) {
                memcpy(year, ch->s[i].date, 4);
                cv_text(cv, px, y + 38, year, 9, 0, CV_MIDDLE, GREY);
            }
        }
    free(on);
}

/* The points of the client's series (or the therapist's) on the page, in
 * px and py (the caller frees both); returns how many. */
static size_t series_points(const chart_client *ch, const axis *x, const axis *y, int therapist,
                            double **px_out, double **py_out)
{
    double *px = xmalloc((ch->n ? ch->n : 1) * sizeof *px);
    double *py = xmalloc((ch->n ? ch->n : 1) * sizeof *py);
    size_t n = 0;
    for (size_t i = 0; i < ch->n; i++) {
        double v = therapist ? ch->s[i].therapist_score : ch->s[i].score;
        if (isnan(v))
            continue;
        px[n] = sess_x(x, ch->s[i].session);
        py[n++] = ax_pos(y, v);
    }
    *px_out = px, *py_out = py;
    return n;
}

static void draw_series(canvas *cv, const chart_client *ch, const axis *x, const axis *y,
                        int therapist)
{
    double *px, *py;
    size_t n = series_points(ch, x, y, therapist, &px, &py);
    cv_polyline(cv, px, py, n, therapist ? (cv_pen){ VERMILION, 1.6, 1 }
                                          : (cv_pen){ BLUE, 2.2, 0 });
    char id[32], tip[96], b[32];
    for (size_t i = 0, k = 0; i < ch->n; i++) {
        double v = therapist ? ch->s[i].therapist_score : ch->s[i].score;
        if (isnan(v))
            continue;
        snprintf(id, sizeof id, "%s%ld", therapist ? "t" : "s", ch->s[i].session);
        snprintf(tip, sizeof tip, "session %ld%s%s: %salliance %s", ch->s[i].session,
                 ch->s[i].date[0] ? ", " : "", ch->s[i].date,
                 therapist ? "therapist's " : "", tick_text(v, b));
        cv_group(cv, therapist ? "therapist-session" : "session", id, tip);
        cv_mark(cv, therapist ? CV_SQUARE : CV_DOT, px[k], py[k], therapist ? 7.5 : 8.5,
                therapist ? VERMILION : BLUE);
        cv_group_end(cv);
        k++;
    }
    free(px);
    free(py);
}

static double score_at(const chart_client *ch, long session)
{
    for (size_t i = 0; i < ch->n; i++)
        if (ch->s[i].session == session)
            return ch->s[i].score;
    return NAN;
}

/* A label beside the mark at x, baseline y: on its right, or on its left
 * where the right would pass xmax or cross a line the left is clear of
 * (the left only while it stays right of xmin); left out when each side
 * would cover a mark or a label placed before. */
static void label(canvas *cv, placed *pl, double x, double y, double xmin, double xmax,
                  const char *t, double size, int bold)
{
    double w = cv_text_width(t, size, bold);
    place_box side[2];
    size_t n = 0;
    if (x + 8 + w <= xmax)
        side[n++] = (place_box){ x + 8, y - size, x + 8 + w, y + 2 };
    if (!n || x - 8 - w >= xmin)
        side[n++] = (place_box){ x - 8 - w, y - size, x - 8, y + 2 };
    int k = place_beside(pl, side, n);
    if (k >= 0)
        cv_text(cv, side[k].x0, y, t, size, bold, CV_LEFT, INK);
}

static void draw_episodes(canvas *cv, const chart_client *ch, const axis *x, const axis *y,
                          placed *pl)
{
    char id[32], tip[160], b1[32], b2[32], b3[32], t[48];
    for (size_t i = 0; i < ch->nep; i++) {
        const episode *e = &ch->ep[i];
        double rx = sess_x(x, e->rupture_session), ry = ax_pos(y, e->rupture_score) + 14;
        snprintf(id, sizeof id, "e%ld", e->rupture_session);
        snprintf(tip, sizeof tip, "rupture at session %ld: alliance fell from %s to %s (drop %s); %s",
                 e->rupture_session, tick_text(e->pre_score, b1), tick_text(e->rupture_score, b2),
                 tick_text(e->drop, b3),
                 e->repaired ? "repaired" : e->censored ? "open (too few sessions since)"
                                                        : "not repaired");
        cv_group(cv, "episode", id, tip);
        if (e->repaired) {
            double qx = sess_x(x, e->repair_session);
            double qy = ax_pos(y, score_at(ch, e->repair_session)) + 14;
            cv_line(cv, rx, ry, qx, qy, (cv_pen){ GREEN, 1.4, 2 });
            cv_mark(cv, CV_UP, qx, qy, 10, GREEN);
        }
        cv_mark(cv, CV_DOWN, rx, ry, 10, INK);
        snprintf(t, sizeof t, "\xe2\x88\x92%s%s", tick_text(e->drop, b1),
                 e->repaired ? "" : e->censored ? ", open" : ", not repaired");
        label(cv, pl, rx, ry + 4, x->p0, x->p1 + 20, t, 9.5, 1);
        cv_group_end(cv);
    }
}

static void draw_reported(canvas *cv, const chart_client *ch, const axis *x, double sy,
                          placed *pl)
{
    char id[32], tip[128], b[32], t[16];
    for (size_t i = 0; i < ch->n; i++) {
        const chart_session *s = &ch->s[i];
        if (s->reported != 1)
            continue;
        double px = sess_x(x, s->session);
        snprintf(id, sizeof id, "r%ld", s->session);
        snprintf(tip, sizeof tip, "session %ld: rupture reported, tension %s, %s", s->session,
                 isnan(s->tension) ? "not rated" : tick_text(s->tension, b),
                 s->resolved == 1 ? "resolved" : s->resolved == 0 ? "not resolved"
                                                                  : "resolution not rated");
        cv_group(cv, "reported", id, tip);
        cv_mark(cv, s->resolved == 1 ? CV_DIAMOND_OPEN : CV_DIAMOND, px, sy, 10, INK);
        if (!isnan(s->tension)) {
            snprintf(t, sizeof t, "%s", tick_text(s->tension, b));
            label(cv, pl, px, sy + 4, x->p0, x->p1 + 20, t, 9.5, 0);
        }
        cv_group_end(cv);
    }
}

/* A stretch of sessions given with one alert cut-off (or none): the
 * sessions of one version, or of versions with the same cut-off. */
typedef struct zone_run {
    double x0, x1;          /* on the page: halfway to the sessions either side */
    long from;              /* its first session */
    int has;
    double below;
} zone_run;

/* The chart's stretches, in session order, into runs (ch->n of room);
 * returns how many. */
static size_t zone_runs(const chart_client *ch, const axis *x, zone_run *runs)
{
    size_t n = 0;
    for (size_t i = 0; i < ch->n; i++) {
        const chart_session *s = &ch->s[i];
        if (n && runs[n - 1].has == s->has_alert &&
            (!s->has_alert || runs[n - 1].below == s->alert_below))
            continue;
        double edge = i ? ax_pos(x, ((double)ch->s[i - 1].session + (double)s->session) / 2)
                        : x->p0;
        if (n)
            runs[n - 1].x1 = edge;
        runs[n++] = (zone_run){ edge, x->p1, s->session, s->has_alert, s->alert_below };
    }
    return n;
}

/* Where the version changes (chart_change), halfway between the session
 * before and the change's session, on the page. */
static double change_x(const chart_client *ch, const axis *x, const chart_change *c)
{
    for (size_t i = 1; i < ch->n; i++)
        if (ch->s[i].session == c->session)
            return ax_pos(x, ((double)ch->s[i - 1].session + (double)c->session) / 2);
    return sess_x(x, c->session);
}

/* "alert zone: under X" in the zone z (place_alert says where: clear of
 * every mark and line); left out when every place is taken (the legend
 * names the zone too). */
static void alert_label(canvas *cv, placed *pl, double below, const place_zone *z)
{
    char b[64], n1[32];
    snprintf(b, sizeof b, "alert zone: under %s", tick_text(below, n1));
    double size = 9.5, w = cv_text_width(b, size, 0), tx, ty;
    if (place_alert(pl, z, w, size, 2, &tx, &ty))
        cv_text(cv, tx, ty, b, size, 0, CV_LEFT, INK);
}

/* Notes the lines drawn over the plot (the fitted line, the series, the
 * repairs), which the alert zone's label keeps off, and a label beside its
 * mark where it can. */
static void note_lines(placed *pl, const chart_client *ch, const axis *x, const axis *y)
{
    place_seg e;
    double fa, fb;
    if (ch->fit.has && scored_span(ch, &fa, &fb) &&
        fit_ends(&ch->fit, x, y, fa, fb, y->lo, y->hi, &e))
        place_line(pl, e.ax, e.ay, e.bx, e.by);
    for (int therapist = 0; therapist < (ch->therapist_instrument ? 2 : 1); therapist++) {
        double *px, *py;
        size_t n = series_points(ch, x, y, therapist, &px, &py);
        for (size_t i = 1; i < n; i++)
            place_line(pl, px[i - 1], py[i - 1], px[i], py[i]);
        free(px);
        free(py);
    }
    for (size_t i = 0; i < ch->nep; i++)
        if (ch->ep[i].repaired)
            place_line(pl, sess_x(x, ch->ep[i].rupture_session),
                       ax_pos(y, ch->ep[i].rupture_score) + 14,
                       sess_x(x, ch->ep[i].repair_session),
                       ax_pos(y, score_at(ch, ch->ep[i].repair_session)) + 14);
}

/* "the client's" and the like (callers may skip the leading "the "). */
static const char *rater_words(const char *rater)
{
    if (strcmp(rater, "client") == 0)
        return "the client's";
    if (strcmp(rater, "therapist") == 0)
        return "the therapist's";
    if (strcmp(rater, "observer") == 0)
        return "the observer's";
    return "the rater's";
}

void draw_client(canvas *cv, const chart_client *ch, double x0, double y0, double w, double h)
{
    char b[256], n1[32];
    axis x, y;
    double left = x0 + 62, right = x0 + w - 24, top = y0 + 86, bottom = y0 + h - 108;
    cv_rect(cv, x0, y0, w, h, WHITE);
    snprintf(b, sizeof b, "%s: alliance by session", ch->client);
    cv_text_fit(cv, x0 + 16, y0 + 24, b, 15, 1, w - 32, INK);
    snprintf(b, sizeof b, "%s%s%s%s%s%s", ch->instrument ? ch->instrument : "no alliance score",
             ch->instrument ? ", " : "", ch->instrument ? rater_words(ch->rater) : "",
             ch->instrument ? " rating" : "", ch->therapist ? "; therapist " : "",
             ch->therapist ? ch->therapist : "");
    if (ch->rule[0])
        snprintf(b + strlen(b), sizeof b - strlen(b), "; ruptures by the rule %s", ch->rule);
    cv_text_fit(cv, x0 + 16, y0 + 42, b, 10.5, 0, w - 32, GREY);
    /* the notes: the therapist's scores left out, the instrument's versions */
    b[0] = '\0';
    if (ch->therapist_elsewhere)
        snprintf(b, sizeof b, "the therapist's own scores are on another scale and are not drawn");
    for (size_t i = 0; i < ch->nchange; i++)
        snprintf(b + strlen(b), sizeof b - strlen(b), "%s%s version %ld from session %ld: %s",
                 b[0] ? "; " : "", ch->instrument, ch->change[i].version, ch->change[i].session,
                 ch->change[i].what);
    if (b[0])
        cv_text_fit(cv, x0 + 16, y0 + 56, b, 10.5, 0, w - 32, GREY);

    client_ranges(ch, &x, &y);
    x.p0 = left, x.p1 = right;
    y.p0 = bottom, y.p1 = top;
    /* without any score, no scale and no alert zone: a note says why */
    int scores = any_score(ch);
    zone_run *runs = xmalloc((ch->n ? ch->n : 1) * sizeof *runs);
    size_t nruns = scores ? zone_runs(ch, &x, runs) : 0;
    for (size_t i = 0; i < nruns; i++)
        if (runs[i].has && runs[i].below > y.lo) {
            double ty = ax_pos(&y, fmin(runs[i].below, y.hi));
            cv_rect(cv, runs[i].x0, ty, runs[i].x1 - runs[i].x0, bottom - ty, BAND);
        }
    if (scores) {
        y_grid(cv, &y, left, right, 0);
    } else {
        long nq = 0, most = -1, nterms = 0;
        for (size_t i = 0; i < ch->n; i++)
            if (ch->s[i].unscored) {
                nq++;
                if (ch->s[i].answered > most)
                    most = ch->s[i].answered, nterms = ch->s[i].nterms;
            }
        if (nq && most >= 0)
            snprintf(b, sizeof b, "no questionnaire could be scored (at most %ld of %ld items "
                     "answered)", most, nterms);
        else if (nq)
            snprintf(b, sizeof b, "no questionnaire could be scored");
        else
            snprintf(b, sizeof b, "no alliance score in these questionnaires");
        cv_text(cv, (left + right) / 2, (top + bottom) / 2, b, 11, 0, CV_MIDDLE, INK);
    }
    /* the marks' places first, so that no label covers one */
    double sy = top - 16;    /* the strip of reported ruptures above the plot */
    placed pl = { 0 };
    for (size_t i = 0; i < ch->n; i++) {
        double px = sess_x(&x, ch->s[i].session);
        if (ch->s[i].reported == 1)
            place_mark(&pl, px - 6, sy - 7, px + 6, sy + 7);
        double v[2] = { ch->s[i].score, ch->therapist_instrument ? ch->s[i].therapist_score : NAN };
        for (int k = 0; k < 2; k++)
            if (!isnan(v[k])) {
                double py = ax_pos(&y, v[k]);
                place_mark(&pl, px - 5, py - 5, px + 5, py + 5);
            }
        if (ch->s[i].unscored)
            place_mark(&pl, px - 5, bottom - 14, px + 5, bottom - 4);
    }
    for (size_t i = 0; i < ch->nep; i++) {
        double px = sess_x(&x, ch->ep[i].rupture_session);
        double py = ax_pos(&y, ch->ep[i].rupture_score) + 14;
        place_mark(&pl, px - 6, py - 6, px + 6, py + 6);
        if (ch->ep[i].repaired) {
            double qx = sess_x(&x, ch->ep[i].repair_session);
            double qy = ax_pos(&y, score_at(ch, ch->ep[i].repair_session)) + 14;
            place_mark(&pl, qx - 6, qy - 6, qx + 6, qy + 6);
        }
    }
    note_lines(&pl, ch, &x, &y);
    /* a version change: a dotted line down the plot, "version N" beside it */
    for (size_t i = 0; i < ch->nchange; i++) {
        double cx = change_x(ch, &x, &ch->change[i]);
        char t[40];
        cv_group(cv, "version", NULL, ch->change[i].what);
        cv_line(cv, cx, top, cx, bottom, (cv_pen){ GREY, 1, 2 });
        snprintf(t, sizeof t, "version %ld", ch->change[i].version);
        label(cv, &pl, cx - 4, top + 12, left, right, t, 9, 0);
        cv_group_end(cv);
        place_line(&pl, cx, top, cx, bottom);
    }
    for (size_t i = 0; i < nruns; i++)
        if (runs[i].has && runs[i].below > y.lo && runs[i].below <= y.hi) {
            double ty = ax_pos(&y, runs[i].below);
            cv_line(cv, runs[i].x0, ty, runs[i].x1, ty, (cv_pen){ EDGE, 1, 0 });
            place_zone z = { runs[i].x0, runs[i].x1, top, ty, bottom };
            alert_label(cv, &pl, runs[i].below, &z);
        }
    cv_line(cv, left, bottom, right, bottom, (cv_pen){ INK, 1, 0 });
    cv_line(cv, left, top, left, bottom, (cv_pen){ INK, 1, 0 });
    session_labels(cv, ch, &x, bottom);
    cv_text(cv, (left + right) / 2, bottom + 51, "session (number, month-day, year)", 10.5, 0,
            CV_MIDDLE, INK);
    cv_text_up(cv, x0 + 18, (top + bottom) / 2, "alliance score", 10.5, INK);

    cv_text(cv, left - 6, sy + 4, "reported", 9.5, 0, CV_RIGHT, GREY);
    cv_line(cv, left, sy, right, sy, (cv_pen){ GRID, 1, 0 });

    double fa, fb;
    if (ch->fit.has && scored_span(ch, &fa, &fb))
        draw_fit(cv, &ch->fit, &x, &y, fa, fb, y.lo, y.hi, (cv_pen){ GREY, 1.2, 3 });
    /* a questionnaire that could not be scored: a ring at the plot's foot */
    int unscored = 0;
    for (size_t i = 0; i < ch->n; i++) {
        const chart_session *s = &ch->s[i];
        if (!s->unscored)
            continue;
        char id[32], tip[128], why[64];
        unscored_words(s, why, sizeof why);
        snprintf(id, sizeof id, "u%ld", s->session);
        snprintf(tip, sizeof tip, "session %ld%s%s: not scored, %s", s->session,
                 s->date[0] ? ", " : "", s->date, why);
        cv_group(cv, "unscored", id, tip);
        cv_mark(cv, CV_RING, sess_x(&x, s->session), bottom - 9, 8, GREY);   /* not a score */
        label(cv, &pl, sess_x(&x, s->session), bottom - 5.5, left, right, "not scored", 9,
              0);
        cv_group_end(cv);
        unscored = 1;
    }
    if (ch->therapist_instrument)
        draw_series(cv, ch, &x, &y, 1);
    draw_series(cv, ch, &x, &y, 0);
    draw_episodes(cv, ch, &x, &y, &pl);
    draw_reported(cv, ch, &x, sy, &pl);
    place_release(&pl);

    int repaired = 0, reported = 0, resolved = 0;
    for (size_t i = 0; i < ch->nep; i++)
        repaired |= ch->ep[i].repaired;
    for (size_t i = 0; i < ch->n; i++)
        if (ch->s[i].reported == 1) {
            reported |= ch->s[i].resolved != 1;
            resolved |= ch->s[i].resolved == 1;
        }
    legend l = { cv, x0 + 16, x0 + 16, bottom + 66, x0 + w - 16 };
    if (scores) {
        snprintf(b, sizeof b, "%s alliance score (%s)", rater_words(ch->rater) + 4,
                 ch->instrument ? ch->instrument : "none");
        key(&l, KEY_LINE, (cv_pen){ BLUE, 2.2, 0 }, 1, CV_DOT, BLUE, b);
    }
    if (unscored)
        key(&l, KEY_LINE, NOPEN, 1, CV_RING, GREY,
            "questionnaire not scored (too few items answered)");
    if (ch->therapist_instrument) {
        snprintf(b, sizeof b, "therapist's own score (%s)", ch->therapist_instrument);
        key(&l, KEY_LINE, (cv_pen){ VERMILION, 1.6, 1 }, 1, CV_SQUARE, VERMILION, b);
    }
    if (ch->fit.has)
        key(&l, KEY_LINE, (cv_pen){ GREY, 1.2, 3 }, 0, CV_DOT, GREY, ch->fit.label);
    if (ch->has_alert && scores) {
        /* "alert zone (under 3.5)", or with cut-offs that change, "(under 3.5,
         * under 4.5 from session 6)" */
        snprintf(b, sizeof b, "alert zone (");
        for (size_t i = 0; i < nruns; i++) {
            size_t len = strlen(b);
            if (i == 0 && runs[i].has)
                snprintf(b + len, sizeof b - len, "under %s", tick_text(runs[i].below, n1));
            else if (i == 0)
                snprintf(b + len, sizeof b - len, "none");
            else
                snprintf(b + len, sizeof b - len, ", %s%s from session %ld",
                         runs[i].has ? "under " : "none",
                         runs[i].has ? tick_text(runs[i].below, n1) : "",
                         runs[i].from);
        }
        snprintf(b + strlen(b), sizeof b - strlen(b), ")");
        key(&l, KEY_BAND, NOPEN, 0, CV_DOT, INK, b);
    }
    free(runs);
    if (ch->nep)
        key(&l, KEY_LINE, NOPEN, 1, CV_DOWN, INK, "rupture: a drop the rule counts (its size)");
    if (repaired)
        key(&l, KEY_LINE, (cv_pen){ GREEN, 1.4, 2 }, 1, CV_UP, GREEN,
            "repaired: back to the pre-drop score");
    if (reported)
        key(&l, KEY_LINE, NOPEN, 1, CV_DIAMOND, INK, "reported rupture, not resolved (tension)");
    if (resolved)
        key(&l, KEY_LINE, NOPEN, 1, CV_DIAMOND_OPEN, INK, "reported rupture, resolved (tension)");
}

/* ---- the repair picture ------------------------------------------------- */

double repair_height(const chart_repair *rp)
{
    return 62 + (double)(rp->n ? rp->n : 1) * PANEL_H + 44;
}

/* A repair chart's fitted line: dashes and dots for the growth model's, dots
 * for a least-squares line, so that the two kinds read apart. */
enum { FIT_MODEL_DASH = 4, FIT_OLS_DASH = 2 };

static int fit_dash(const chart_fit *f)
{
    return strncmp(f->label, "growth", 6) == 0 ? FIT_MODEL_DASH : FIT_OLS_DASH;
}

static void draw_rate(canvas *cv, const chart_panel *p, const axis *x, const axis *y,
                      int resolved)
{
    double *px = xmalloc((p->nw ? p->nw : 1) * sizeof *px);
    double *py = xmalloc((p->nw ? p->nw : 1) * sizeof *py);
    double *rate = xmalloc((p->nw ? p->nw : 1) * sizeof *rate);
    size_t n = 0;
    double first = 0, last = 0;   /* the weeks the rate has points in */
    for (size_t k = 0; k < p->nw; k++) {
        const chart_week *w = &p->w[k];
        long den = resolved ? w->rated : w->answered, num = resolved ? w->resolved : w->ruptures;
        if (den == 0)
            continue;
        if (n == 0)
            first = (double)w->week;
        last = (double)w->week;
        rate[n] = (double)num / (double)den;
        px[n] = ax_pos(x, (double)w->week);
        py[n] = ax_pos(y, rate[n]);
        n++;
    }
    cv_pen pen = resolved ? (cv_pen){ VERMILION, 1.6, 1 } : (cv_pen){ BLUE, 2.2, 0 };
    cv_polyline(cv, px, py, n, pen);
    const chart_fit *f = resolved ? &p->fit_resolved : &p->fit_rupture;
    /* the line over the weeks its rate has points in, not the whole panel:
     * a resolved rate's line says nothing of weeks without a rated rupture */
    if (f->has)
        draw_fit(cv, f, x, y, first, last, 0, 1, (cv_pen){ pen.c, 1.1, fit_dash(f) });
    char id[32], tip[96];
    for (size_t k = 0, i = 0; k < p->nw; k++) {
        const chart_week *w = &p->w[k];
        long den = resolved ? w->rated : w->answered, num = resolved ? w->resolved : w->ruptures;
        if (den == 0)
            continue;
        snprintf(id, sizeof id, "%s-%s-w%ld", p->therapist, resolved ? "res" : "rup", w->week);
        snprintf(tip, sizeof tip, "week %ld: %ld of %ld %s", w->week, num, den,
                 resolved ? "ruptures resolved" : "questionnaires with a rupture");
        cv_group(cv, resolved ? "resolved-rate" : "rupture-rate", id, tip);
        cv_mark(cv, resolved ? CV_SQUARE : CV_DOT, px[i], py[i], resolved ? 7.5 : 8.5, pen.c);
        cv_group_end(cv);
        i++;
    }
    free(px);
    free(py);
    free(rate);
}

static void draw_panel(canvas *cv, const chart_panel *p, double x0, double y0, double w)
{
    char b[320], t[32];
    double left = x0 + 62, right = x0 + w - 24, top = y0 + 34, bottom = y0 + PANEL_H - 56;
    long ruptures = 0, answered = 0;
    for (size_t k = 0; k < p->nw; k++) {
        ruptures += p->w[k].ruptures;
        answered += p->w[k].answered;
    }
    snprintf(b, sizeof b, "%s%s%s%s: %ld questionnaires, %ld with a rupture",
             p->therapist[0] ? "therapist " : "no therapist", p->therapist,
             p->cohort[0] ? ", cohort " : "", p->cohort, answered, ruptures);
    if (p->undated)
        snprintf(b + strlen(b), sizeof b - strlen(b), "; %zu more without a date, not shown",
                 p->undated);
    cv_text_fit(cv, x0 + 16, y0 + 18, b, 11.5, 1, w - 32, INK);
    axis x = { -0.5, (double)(p->nw ? p->nw : 1) - 0.5, 1, left, right };
    axis y = { 0, 1, 0.25, bottom, top };
    y_grid(cv, &y, left, right, 1);
    cv_line(cv, left, bottom, right, bottom, (cv_pen){ INK, 1, 0 });
    cv_line(cv, left, top, left, bottom, (cv_pen){ INK, 1, 0 });
    size_t every = (size_t)label_step((right - left) / (x.hi - x.lo), 26);
    for (size_t k = 0; k < p->nw; k += every) {
        double px = ax_pos(&x, (double)k);
        cv_line(cv, px, bottom, px, bottom + 4, (cv_pen){ INK, 1, 0 });
        snprintf(t, sizeof t, "%zu", k);
        cv_text(cv, px, bottom + 15, t, 10, 0, CV_MIDDLE, INK);
    }
    cv_text(cv, (left + right) / 2, bottom + 31, "week since the therapist's first session", 10.5,
            0, CV_MIDDLE, INK);
    cv_text_up(cv, x0 + 18, (top + bottom) / 2, "share", 10.5, INK);
    cv_group(cv, "panel", p->therapist, NULL);
    draw_rate(cv, p, &x, &y, 0);
    draw_rate(cv, p, &x, &y, 1);
    cv_group_end(cv);
}

void draw_repair(canvas *cv, const chart_repair *rp, double x0, double y0, double w)
{
    double h = repair_height(rp);
    cv_rect(cv, x0, y0, w, h, WHITE);
    cv_text_fit(cv, x0 + 16, y0 + 24, rp->title, 15, 1, w - 32, INK);
    char b[320];
    snprintf(b, sizeof b, "ruptures %s questionnaires reported, and how many of them were resolved, by week",
             rp->rater && strcmp(rp->rater, "all") == 0 ? "every rater's"
                                                         : rater_words(rp->rater ? rp->rater
                                                                                 : "client"));
    if (rp->n && rp->undated_alone)
        snprintf(b + strlen(b), sizeof b - strlen(b), "; %zu questionnaires without a date "
                 "(of trainees with no dated one) not shown", rp->undated_alone);
    cv_text_fit(cv, x0 + 16, y0 + 42, b, 10.5, 0, w - 32, GREY);
    if (rp->n == 0)
        cv_text(cv, x0 + 16, y0 + 90,
                rp->undated ? "no week for the questionnaires with rupture items: their "
                              "sessions have no date"
                            : "no questionnaires with rupture items in this selection",
                11, 0, CV_LEFT, INK);
    for (size_t i = 0; i < rp->n; i++)
        draw_panel(cv, &rp->p[i], x0, y0 + 56 + (double)i * PANEL_H, w);
    legend l = { cv, x0 + 16, x0 + 16, y0 + h - 22, x0 + w - 16 };
    key(&l, KEY_LINE, (cv_pen){ BLUE, 2.2, 0 }, 1, CV_DOT, BLUE, "rupture rate");
    key(&l, KEY_LINE, (cv_pen){ VERMILION, 1.6, 1 }, 1, CV_SQUARE, VERMILION,
        "resolved rate (of rated ruptures)");
    int model = 0, ols = 0, none = 0;
    for (size_t i = 0; i < rp->n; i++) {
        const chart_fit *f[2] = { &rp->p[i].fit_rupture, &rp->p[i].fit_resolved };
        for (int k = 0; k < 2; k++)
            if (f[k]->has && strncmp(f[k]->label, "growth", 6) == 0)
                model = 1;
            else if (f[k]->has)
                ols = 1;
            else
                none = 1;
    }
    /* a rate without a line has too few questionnaires or weeks for one
     * (as trends leaves its slope blank): the last key says so */
    const char *lines[2] = { "growth model lines", "least-squares lines" };
    int last = ols ? 1 : 0;
    for (int k = 0; k < 2; k++)
        if (k ? ols : model) {
            snprintf(b, sizeof b, "%s (each in its rate's colour%s)", lines[k],
                     none && k == last ? "; none for a rate with too few questionnaires" : "");
            key(&l, KEY_LINE, (cv_pen){ GREY, 1.1, k ? FIT_OLS_DASH : FIT_MODEL_DASH }, 0, CV_DOT,
                GREY, b);
        }
}
