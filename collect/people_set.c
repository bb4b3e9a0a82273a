/* collect client set, therapist set, session set: changing what is recorded
 * about a client, a therapist or a session, each change kept in the audit
 * trail ('collect log') with who made it, when, and the reason given. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "people.h"

/* Reads the options of "KIND set [CODE] ..." into a; the one argument,
 * when the command takes one (code not NULL), into *code. */
static int set_args(const char *kind, int argc, char **argv, people_args *a, const char **code)
{
    char none[32];
    snprintf(none, sizeof none, "%s set", kind);
    opt_args args = { .noun = code ? kind : none, .max = code ? 1 : 0 };
    if (people_parse(kind, 's', argc, argv, a, &args) != EXIT_OK)
        return EXIT_USAGE;
    if (code && !args.n)
        return cli_usage(kind, "'%s set' needs a %s CODE", kind, kind);
    if (code)
        *code = args.v[0];
    return EXIT_OK;
}

/* The failure of a change: what is missing, or the store's reason. */
static int set_failed(at_status st, const at_err *err)
{
    (void)st;
    return cli_fail("%s; nothing was changed", err->msg);
}

int client_set(int argc, char **argv, const char *db)
{
    const char *code = NULL;
    people_args a = { 0 };
    int rc = set_args("client", argc, argv, &a, &code);
    if (rc != EXIT_OK)
        return rc;
    const char *therapist = a.therapist, *from = a.from, *reason = a.reason;
    if (!therapist)
        return cli_usage("client", "'client set' needs --therapist T");
    long n = 0;
    if (!people_code_ok("client", "client code", code) ||
        !people_code_ok("client", "therapist code", therapist) ||
        (from && !cli_session_number("client", from, &n)))
        return EXIT_USAGE;
    store *s = cli_open(db, STORE_WRITE);
    if (!s)
        return EXIT_FAIL;
    at_err err;
    store_change ch;
    char *was = NULL;
    at_status st = store_client_find(s, code, &was, &err);
    if (st == AT_ENOTFOUND) {
        rc = cli_no_client(code);
        goto out;
    }
    if (st == AT_OK)
        st = store_client_move(s, code, therapist, n, reason, cli_who(), &ch, &err);
    if (st == AT_ENOTFOUND)
        rc = cli_fail("therapist '%s': no such therapist; add it first with 'collect "
                      "therapist add %s'", therapist, therapist);
    else if (st != AT_OK)
        rc = set_failed(st, &err);
    else if (!ch.client && !ch.sessions)
        printf("client %s: therapist %s already%s; nothing changed\n", code, therapist,
               n ? " for those sessions" : "");
    else {
        if (ch.client) {
            printf("client %s: therapist %s (was %s) ", code, therapist, was ? was : "none");
            if (n)
                printf("from session %ld on\n", n);
            else
                printf("from the next session on\n");
        }
        if (ch.sessions)
            printf("client %s: %ld recorded session%s from session %ld on moved to "
                   "therapist %s\n", code, ch.sessions, ch.sessions == 1 ? "" : "s", n,
                   therapist);
    }
out:
    free(was);
    store_close(s);
    return rc;
}

int therapist_set(int argc, char **argv, const char *db)
{
    const char *code = NULL;
    people_args a = { 0 };
    int rc = set_args("therapist", argc, argv, &a, &code);
    if (rc != EXIT_OK)
        return rc;
    const char *cohort = a.cohort, *reason = a.reason;
    if (!cohort)
        return cli_usage("therapist", "'therapist set' needs --cohort NAME (\"\" removes it)");
    if (!people_code_ok("therapist", "therapist code", code) ||
        (*cohort && !people_code_ok("therapist", "cohort name", cohort)))
        return EXIT_USAGE;
    store *s = cli_open(db, STORE_WRITE);
    if (!s)
        return EXIT_FAIL;
    at_err err;
    store_change ch;
    at_status st = store_therapist_set_cohort(s, code, cohort, reason, cli_who(), &ch, &err);
    if (st == AT_ENOTFOUND)
        rc = cli_fail("therapist '%s': no such therapist; add it with 'collect therapist add "
                      "%s' or check the code", code, code);
    else if (st != AT_OK)
        rc = set_failed(st, &err);
    else if (!ch.therapist)
        printf("therapist %s: %s%s already; nothing changed\n", code, *cohort ? "cohort " : "no cohort",
               cohort);
    else if (*cohort)
        printf("therapist %s: cohort %s\n", code, cohort);
    else
        printf("therapist %s: no cohort now\n", code);
    store_close(s);
    return rc;
}

int session_set(int argc, char **argv, const char *db)
{
    people_args a = { 0 };
    int rc = set_args("session", argc, argv, &a, NULL);
    if (rc != EXIT_OK)
        return rc;
    const char *client = a.client, *number = a.session, *date = a.date, *modality = a.modality,
               *reason = a.reason;
    if (!client || !number)
        return cli_usage("session", "'session set' needs --client C and --session N");
    if (!date && !modality)
        return cli_usage("session", "'session set' needs --date D or --modality M (or both)");
    long n;
    if (!cli_session_number("session", number, &n) || (date && !people_date_ok(date)) ||
        (modality && !people_modality_ok("session", modality)))
        return EXIT_USAGE;
    store *s = cli_open(db, STORE_WRITE);
    if (!s)
        return EXIT_FAIL;
    at_err err;
    store_change ch;
    session_info was = { 0 };
    at_status st = store_client_find(s, client, NULL, &err);
    if (st == AT_ENOTFOUND) {
        rc = cli_no_client(client);
        goto out;
    }
    if (st == AT_OK)
        st = store_session_get(s, client, n, &was, &err);
    if (st == AT_ENOTFOUND) {
        rc = cli_no_session(client, n);
        goto out;
    }
    if (st == AT_OK)
        st = store_session_set(s, client, n, date, modality, reason, cli_who(), &ch, &err);
    if (st != AT_OK) {
        rc = set_failed(st, &err);
        goto out;
    }
    if (!ch.date && !ch.modality)
        printf("client %s session %ld: already so; nothing changed\n", client, n);
    if (ch.date)
        printf("client %s session %ld: date %s (was %s)\n", client, n, date, was.date);
    if (ch.modality)
        printf("client %s session %ld: modality %s (was %s)\n", client, n, modality,
               was.modality ? was.modality : "not recorded");
out:
    session_info_release(&was);
    store_close(s);
    return rc;
}
