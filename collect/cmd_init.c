/* collect init: create a new study store. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "opt.h"

static int roles_wanted;
static const opt_spec init_opts[] = {
    { "--postgres-roles", NULL,
      "on a PostgreSQL study (new or existing), also make the roles S_read, S_collect "
      "and S_serve for its schema S and give them their rights (see the README)", NULL,
      &roles_wanted },
    { NULL, NULL, NULL, NULL, NULL },
};

static void usage(void)
{
    fputs("usage: collect [--db STUDY] init [--postgres-roles]\n"
          "\n"
          "Creates a new, empty study: an SQLite file readable only by you (./attune.db,\n"
          "$ATTUNE_DB when set, or FILE given with --db), or, for --db\n"
          "postgresql://[user@]host[:port]/dbname[?...], the schema 'attune' (or the first\n"
          "of the URL's search_path) on that PostgreSQL server.  An existing study is\n"
          "never touched, with one exception: a study file of an older attune is\n"
          "brought up to this version's schema (3), in one transaction that keeps every\n"
          "answer and the audit trail; any command that writes does the same on first\n"
          "use.\n"
          "\n", stdout);
    opt_help(stdout, init_opts);
}

/* --postgres-roles: the study's roles, and how to give them. */
static int make_roles(const char *path)
{
    store *s = cli_open(path, STORE_WRITE);
    if (!s)
        return EXIT_FAIL;
    char *schema = NULL;
    at_err err;
    at_status rc = store_roles(s, &schema, &err);
    store_close(s);
    if (rc != AT_OK)
        return cli_fail("%s", err.msg);
    printf("roles for the study in schema \"%s\" (made when missing, rights given again):\n"
           "  %s_read     reads everything: researchers (analyze, export)\n"
           "  %s_collect  reads and writes everything: clinicians (import, run, amend, invite)\n"
           "  %s_serve    for collect serve: reads links, instruments and sessions,\n"
           "                adds answers, and cannot read stored answers back\n"
           "give one to a login role, for example: GRANT %s_read TO alice;\n",
           schema, schema, schema, schema, schema);
    free(schema);
    return EXIT_OK;
}

int cmd_init(int argc, char **argv, const char *db)
{
    if (cli_wants_help(argc, argv)) {
        usage();
        return EXIT_OK;
    }
    opt_args args = { .noun = "init" };
    if (opt_parse("init", argc, argv, 1, init_opts, &args) != EXIT_OK)
        return EXIT_USAGE;
    int roles = roles_wanted;

    const char *path = db && *db ? db : store_default_path();
    store *old = NULL;
    at_err err;
    at_status orc = store_open(path, STORE_READ, &old, &err);
    if (orc == AT_OK) {
        store_close(old);
        if (roles)
            return make_roles(path);
        return cli_fail("'%s': already a study store; nothing was changed", path);
    }
    if (orc != AT_ENOTFOUND) {
        /* an older schema opens for writing (which migrates it); a newer one
         * or another program's file is refused again, untouched */
        if (orc == AT_EVERSION && store_open(path, STORE_WRITE, &old, &err) == AT_OK) {
            store_close(old);
            printf("'%s': brought up to schema %d; every answer and the audit trail are kept\n",
                   path, STORE_SCHEMA_VERSION);
            return roles ? make_roles(path) : EXIT_OK;
        }
        return cli_fail("%s; init leaves it as it is (choose another name with --db)",
                        err.msg);
    }

    store *s = cli_open(path, STORE_CREATE);
    if (!s)
        return EXIT_FAIL;
    store_close(s);
    printf("created study store '%s'\n"
           "next (the client questionnaire that comes with attune, a therapist and\n"
           "a client by code, then the questionnaire after a session):\n"
           "  collect instrument add client_post_session\n"
           "  collect therapist add T01\n"
           "  collect client add C01 --therapist T01\n"
           "  collect run client_post_session --client C01\n", path);
    return roles ? make_roles(path) : EXIT_OK;
}
