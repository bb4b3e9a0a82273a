/* collect therapist list, client list, session list: what the study holds,
 * as aligned text on a terminal and CSV otherwise (or as asked). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "people.h"
#include "table.h"

static int therapist_row(const therapist_view *v, void *ctx)
{
    table *t = ctx;
    table_cell(t, v->code);
    table_cell(t, v->cohort);
    table_long(t, v->clients);
    table_long(t, v->sessions);
    return 0;
}

static int client_row(const client_view *v, void *ctx)
{
    table *t = ctx;
    table_cell(t, v->code);
    table_cell(t, v->therapist);
    table_long(t, v->sessions);
    table_cell(t, v->last_date);
    table_long(t, v->administrations);
    return 0;
}

static int session_row(const session_view *v, void *ctx)
{
    table *t = ctx;
    table_cell(t, v->client);
    table_long(t, v->number);
    table_cell(t, v->date);
    table_cell(t, v->therapist);
    table_cell(t, v->modality);
    table_long(t, v->administrations);
    return 0;
}

int people_list(const char *kind, int argc, char **argv, const char *db)
{
    people_args a = { 0 };
    char none[32];
    snprintf(none, sizeof none, "%s list", kind);
    opt_args args = { .noun = none };
    if (people_parse(kind, 'l', argc, argv, &a, &args) != EXIT_OK)
        return EXIT_USAGE;
    if (a.csv && a.text)
        return cli_usage(kind, "'--csv' or '--text', not both");
    table_style style = a.csv ? TABLE_CSV : a.text ? TABLE_TEXT : TABLE_AUTO;
    const char *client = a.client;
    store *s = cli_open(db, STORE_READ);
    if (!s)
        return EXIT_FAIL;
    table t;
    at_err err;
    at_status st;
    if (strcmp(kind, "therapist") == 0) {
        static const char *const head[] = { "therapist", "cohort", "clients", "sessions" };
        table_init(&t, head, 4);
        st = store_therapist_list(s, therapist_row, &t, &err);
    } else if (strcmp(kind, "client") == 0) {
        static const char *const head[] = { "client", "therapist", "sessions", "last_date",
                                            "questionnaires" };
        table_init(&t, head, 5);
        st = store_client_list(s, client_row, &t, &err);
    } else {
        static const char *const head[] = { "client", "session", "date", "therapist",
                                            "modality", "questionnaires" };
        table_init(&t, head, 6);
        st = store_session_list(s, client, session_row, &t, &err);
    }
    int rc = EXIT_OK;
    if (st == AT_ENOTFOUND && client)
        rc = cli_no_client(client);
    else if (st != AT_OK)
        rc = cli_fail("%s", err.msg);
    else
        table_write(&t, stdout, style);
    table_release(&t);
    store_close(s);
    return rc;
}
