/* collect init: create a new study store. */
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "opt.h"

static void usage(void)
{
    fputs("usage: collect [--db FILE] init\n"
          "\n"
          "Creates a new, empty study file (SQLite, readable only by you): ./attune.db,\n"
          "$ATTUNE_DB when set, or FILE given with --db.  An existing file is never\n"
          "touched, with one exception: a study file of an older attune is brought up\n"
          "to this version's schema (2), in one transaction that keeps every answer\n"
          "and the audit trail; any command that writes does the same on first use.\n", stdout);
}

int cmd_init(int argc, char **argv, const char *db)
{
    if (cli_wants_help(argc, argv)) {
        usage();
        return EXIT_OK;
    }
    static const opt_spec none[] = { { NULL, NULL, NULL, NULL, NULL } };
    opt_args args = { .noun = "init" };
    if (opt_parse("init", argc, argv, 1, none, &args) != EXIT_OK)
        return EXIT_USAGE;

    const char *path = db && *db ? db : store_default_path();
    struct stat st;
    if (stat(path, &st) == 0) {
        store *old = NULL;
        at_err err;
        if (store_open(path, STORE_READ, &old, &err) == AT_OK) {
            store_close(old);
            return cli_fail("'%s': already a study store; nothing was changed", path);
        }
        /* an older schema opens for writing (which migrates it); a newer one
         * or another program's file is refused again, untouched */
        if (err.code == AT_EVERSION && store_open(path, STORE_WRITE, &old, &err) == AT_OK) {
            store_close(old);
            printf("'%s': brought up to schema %d; every answer and the audit trail are kept\n",
                   path, STORE_SCHEMA_VERSION);
            return EXIT_OK;
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
    return EXIT_OK;
}
