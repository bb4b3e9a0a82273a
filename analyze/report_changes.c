/* report_changes.c: the report's line of what changed against the rater's
 * questionnaire before: which alerts are new, which are over, and which the
 * latest questionnaire had nothing to say about. */
#include "report.h"

#include <string.h>

#define EARLIER "earlier_unresolved_rupture"

/* Whether an alert `code` of one session and `other` of another are about
 * the same matter: an earlier rupture still not known to be resolved
 * continues the rupture not resolved (or the earlier one) of the session
 * before; a rupture not resolved at the latest session is new after an
 * earlier one that was only carried along.  `code_later` says code is of
 * the later session. */
static int same_matter(const char *code, const char *other, int code_later)
{
    if (strcmp(code, other) == 0)
        return 1;
    const char *later = code_later ? code : other, *earlier = code_later ? other : code;
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
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(words[i][0], key) == 0)
            return words[i][1];
    return key;
}

/* Whether l has, among its first n, an alert about the same matter as
 * code (l of the later session when code_later is 0). */
static int has_same(const alerts *l, size_t n, const char *code, int code_later)
{
    for (size_t i = 0; i < n && i < l->n; i++)
        if (same_matter(code, l->a[i].code, code_later))
            return 1;
    return 0;
}

/* Whether l has code among its first n. */
static int has_code(const alerts *l, size_t n, const char *code)
{
    for (size_t i = 0; i < n && i < l->n; i++)
        if (strcmp(l->a[i].code, code) == 0)
            return 1;
    return 0;
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

static void add_to(sbuf *list, const char *head, const char *words)
{
    sbuf_addf(list, "%s%s", list->len ? ", " : head, words);
}

void rchanges(const alerts *now, const alerts *before, const rfacts *facts, sbuf *out)
{
    if (before->n == 0) {
        sbuf_adds(out, "every alert is new; there were none then");
        return;
    }
    sbuf fresh = SBUF_INIT, gone = SBUF_INIT, unsaid = SBUF_INIT;
    for (size_t i = 0; i < now->n; i++) {
        const char *code = now->a[i].code;
        if (!has_same(before, before->n, code, 1) && !has_code(now, i, code))
            add_to(&fresh, "new: ", alert_words(alert_key(code)));
    }
    for (size_t i = 0; i < before->n; i++) {
        const char *code = before->a[i].code, *key = alert_key(code);
        /* an earlier rupture carried along is over when a rupture is
         * reported again: as resolved (no longer), or not (new) */
        if (has_same(now, now->n, code, 0) || has_code(before, i, code) ||
            (strcmp(code, EARLIER) == 0 && has_code(now, now->n, "unresolved_rupture")))
            continue;
        if (could_repeat(key, facts))
            add_to(&gone, "no longer: ", alert_words(key));
        else
            add_to(&unsaid, "not reported this time: ", alert_words(key));
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
