/* report_changes.c: the report's line of what changed against the rater's
 * questionnaire before: which alerts are new, which are over, and which the
 * latest questionnaire had nothing to say about. */
#include "report.h"

#include <string.h>

#define EARLIER "earlier_unresolved_rupture"

/* Whether two names an alert is about are the same (NULL for none). */
static int same_name(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) == 0 : a == b;
}

/* Whether alerts a and b are about the same instrument and rater. */
static int same_about(const alert *a, const alert *b)
{
    return same_name(a->instrument, b->instrument) && same_name(a->rater, b->rater);
}

/* Whether an alert a of one session and b of another are about the same
 * matter: the same code on the same instrument and rater; and an earlier
 * rupture still not known to be resolved continues the rupture not
 * resolved (or the earlier one) of the session before, while a rupture not
 * resolved at the latest session is new after an earlier one that was only
 * carried along.  `a_later` says a is of the later session. */
static int same_matter(const alert *a, const alert *b, int a_later)
{
    if (!same_about(a, b))
        return 0;
    if (strcmp(a->code, b->code) == 0)
        return 1;
    const char *later = a_later ? a->code : b->code, *earlier = a_later ? b->code : a->code;
    return strcmp(later, EARLIER) == 0 && strcmp(earlier, "unresolved_rupture") == 0;
}

/* The key an alert's words are looked up by. */
static const char *alert_key(const char *code)
{
    return strcmp(code, EARLIER) == 0 ? "unresolved_rupture" : code;
}

/* Plain words for what an alert is about. */
static const char *alert_words(const char *key)
{
    static const char *const words[][2] = {
        { "unresolved_rupture", "rupture not resolved" },
        { "wants_to_talk", "wants to talk about it" },
        { "not_talked_about", "rupture not talked about" },
        { "low_alliance", "low alliance" },
        { "alliance_drop", "alliance drop" },
        { "client_only_rupture", "rupture only the client reported" },
        { "unscored", "questionnaire not scored" },
        { "no_questionnaire", "no questionnaire" },
        { "drop_not_checked", "alliance drop not checked" },
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(words[i][0], key) == 0)
            return words[i][1];
    return key;
}

/* Whether l has, among its first n, an alert about the same matter as a
 * (l of the later session when a_later is 0). */
static int has_same(const alerts *l, size_t n, const alert *a, int a_later)
{
    for (size_t i = 0; i < n && i < l->n; i++)
        if (same_matter(a, &l->a[i], a_later))
            return 1;
    return 0;
}

/* Whether l has, among its first n, an alert with code about the same
 * instrument and rater as a. */
static int has_code(const alerts *l, size_t n, const char *code, const alert *a)
{
    for (size_t i = 0; i < n && i < l->n; i++)
        if (strcmp(l->a[i].code, code) == 0 && same_about(&l->a[i], a))
            return 1;
    return 0;
}

/* What the change line names of the alert a: NAME_INSTRUMENT when the
 * alerts now and before hold alerts of a's kind (its words) about another
 * instrument, NAME_RATER when they hold one about a's instrument from
 * another rater. */
enum { NAME_INSTRUMENT = 1, NAME_RATER = 2 };

static int names_of(const alerts *now, const alerts *before, const alert *a)
{
    const char *key = alert_key(a->code);
    const alerts *lists[] = { now, before };
    int names = 0;
    for (size_t j = 0; j < 2; j++)
        for (size_t i = 0; i < lists[j]->n; i++) {
            const alert *b = &lists[j]->a[i];
            if (strcmp(alert_key(b->code), key) != 0)
                continue;
            if (!same_name(a->instrument, b->instrument))
                names |= NAME_INSTRUMENT;
            else if (!same_name(a->rater, b->rater))
                names |= NAME_RATER;
        }
    if (!a->instrument)
        names &= ~NAME_INSTRUMENT;
    if (!a->rater)
        names &= ~NAME_RATER;
    return names;
}

/* Whether the latest questionnaires could have repeated an alert about
 * key: the alerts that follow from a reported rupture need one reported
 * now, those about the alliance score need a score now. */
static int could_repeat(const char *key, const rfacts *now)
{
    if (strcmp(key, "unresolved_rupture") == 0 || strcmp(key, "wants_to_talk") == 0 ||
        strcmp(key, "not_talked_about") == 0)
        return now->rupture;
    if (strcmp(key, "client_only_rupture") == 0)
        return now->client_rupture;
    if (strcmp(key, "low_alliance") == 0 || strcmp(key, "alliance_drop") == 0)
        return now->scored;
    return 1;
}

/* Adds a's words to list, with the instrument (and rater) it is about in
 * brackets when alerts of its kind are about more than one:
 * "alliance drop (psq_client)". */
static void add_to(sbuf *list, const char *head, const alert *a, const alerts *now,
                   const alerts *before)
{
    sbuf_addf(list, "%s%s", list->len ? ", " : head, alert_words(alert_key(a->code)));
    int names = names_of(now, before, a);
    if (names == NAME_INSTRUMENT)
        sbuf_addf(list, " (%s)", a->instrument);
    else if (names == NAME_RATER)
        sbuf_addf(list, " (rated by the %s)", a->rater);
    else if (names)
        sbuf_addf(list, " (%s, rated by the %s)", a->instrument, a->rater);
}

void rchanges(const alerts *now, const alerts *before, const rfacts *facts, sbuf *out)
{
    if (before->n == 0) {
        sbuf_adds(out, "every alert is new; there were none then");
        return;
    }
    sbuf fresh = SBUF_INIT, gone = SBUF_INIT, unsaid = SBUF_INIT;
    for (size_t i = 0; i < now->n; i++) {
        const alert *a = &now->a[i];
        if (!has_same(before, before->n, a, 1) && !has_code(now, i, a->code, a))
            add_to(&fresh, "new: ", a, now, before);
    }
    for (size_t i = 0; i < before->n; i++) {
        const alert *a = &before->a[i];
        /* an earlier rupture carried along is over when a rupture is
         * reported again: as resolved (no longer), or not (new) */
        if (has_same(now, now->n, a, 0) || has_code(before, i, a->code, a) ||
            (strcmp(a->code, EARLIER) == 0 && has_code(now, now->n, "unresolved_rupture", a)))
            continue;
        if (could_repeat(alert_key(a->code), facts))
            add_to(&gone, "no longer: ", a, now, before);
        else
            add_to(&unsaid, "not reported this time: ", a, now, before);
    }
    const sbuf *parts[] = { &fresh, &gone, &unsaid };
    for (size_t i = 0; i < 3; i++)
        if (parts[i]->len)
            sbuf_addf(out, "%s%s", out->len ? "; " : "", parts[i]->buf);
    if (!out->len)
        sbuf_adds(out, "the same alerts as then");
    sbuf_release(&fresh);
    sbuf_release(&gone);
    sbuf_release(&unsaid);
}
