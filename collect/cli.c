/* cli.c: helpers shared by collect's commands. */
#include "cli.h"
#include "shipped.h"
#include "stop.h"

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const cli_wide_lead[7] = { "attune.client", "attune.therapist", "attune.session",
                                       "attune.date", "attune.modality", "attune.rater",
                                       "attune.rater_code" };
const char *const cli_wide_lead_old[7] = { "client", "therapist", "session", "date",
                                           "modality", "rater", "rater_code" };

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = say_vfail(fmt, ap);
    va_end(ap);
    return rc;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = say_vusage(cmd, fmt, ap);
    va_end(ap);
    return rc;
}

void cli_print_msg(const char *kind, const char *msg)
{
    /* a message quotes what a file held: its control bytes are shown as
     * \xNN, never sent to the terminal as they are */
    sbuf sb = SBUF_INIT;
    sbuf_add_visible(&sb, msg);
    fprintf(stderr, "collect: %s%s%s\n", kind ? kind : "", kind ? ": " : "", sbuf_str(&sb));
    sbuf_release(&sb);
}

void cli_print_msgs(const at_msgs *m, size_t max)
{
    size_t shown = m->n < max ? m->n : max;
    for (size_t i = 0; i < shown; i++)
        cli_print_msg(NULL, m->items[i]);
    if (m->n > shown)
        fprintf(stderr, "collect: ... and %zu more problems\n", m->n - shown);
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    }
    return 0;
}

/* Tells a person at a terminal that the study is busy and collect waits. */
static void busy_notice(const char *path, long max_ms, void *ctx)
{
    (void)ctx;
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "collect: '%s' is busy (another program is writing to it); waiting "
                "up to %ld s\n", path, max_ms / 1000);
}

const char *cli_not_utf8(const char *answer)
{
    size_t n = strlen(answer);
    return utf8_check(answer, n) < n ? "the answer is not UTF-8 text (set the terminal to UTF-8)"
                                   : NULL;
}

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

void cli_catch_stop(void)
{
    stop_handle(on_stop);   /* no SA_RESTART: a read in progress returns */
    store_wait_stop(&stop_signal);
}

int cli_stop_signal(void)
{
    return stop_signal;
}

const char *cli_stop_words(int sig)
{
    return sig == SIGHUP ? "the terminal was closed" :
           sig == SIGTERM ? "stopped by the system or another program (SIGTERM)" :
                            "interrupted";
}

long cli_wait_ms(long default_ms)
{
    long secs;
    const char *w = getenv("ATTUNE_WAIT");
    if (w && util_parse_long(w, &secs) && secs >= 0 && secs <= 24L * 3600)
        return secs * 1000;
    return default_ms;
}

store *cli_open(const char *db, store_mode mode)
{
    store *s = NULL;
    at_err err;
    /* what a person typed is worth a long wait */
    store_wait_defaults(cli_wait_ms(CLI_BUSY_WAIT_MS), 1000, busy_notice, NULL);
    if (store_open(db, mode, &s, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        return NULL;
    }
    /* a study copied from elsewhere (a USB stick, a shared folder) may have
     * come with another file's mode: say so, as it holds personal data */
    struct stat sb;
    if (stat(store_path(s), &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & 077))
        fprintf(stderr, "collect: warning: '%s' can be read or changed by other accounts on "
                "this machine (mode %03o); it holds personal data: 'chmod 600 %s' keeps it "
                "to its owner\n", store_path(s), (unsigned)(sb.st_mode & 0777), store_path(s));
    if (store_migrated_from(s))
        fprintf(stderr, "collect: '%s' was brought up from schema %ld (an earlier attune) to "
                "schema %d, keeping everything\n", store_path(s), store_migrated_from(s),
                STORE_SCHEMA_VERSION);
    return s;
}

int cli_open_out(outfile *o, const char *path, const store *s)
{
    at_err err;
    *o = (outfile)OUTFILE_INIT;
    if (outpath_check(path, store_path(s), &err) != AT_OK || outfile_open(o, path, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        return -1;
    }
    return 0;
}

static const char *who_name;

void cli_set_who(const char *name)
{
    who_name = name;
}

const char *cli_who(void)
{
    return who_name;
}

int cli_free_text(const dict_field *f)
{
    return f->type == FT_NOTES || (f->type == FT_TEXT && f->valid == FV_NONE);
}

int cli_col_exported(const dict_instrument *in, size_t c, unsigned include)
{
    const dict_field *f = &in->fields[in->cols[c].field];
    if (include & CLI_EXPORT_IDENTIFIERS)
        return 1;
    if (f->identifier)
        return 0;
    return !cli_free_text(f) || (include & CLI_EXPORT_FREE_TEXT);
}

const dict_field *cli_next_scale(const dict_instrument *in, size_t *i)
{
    while (*i < in->nfields) {
        const dict_field *f = &in->fields[(*i)++];
        if (f->nterms)
            return f;
    }
    return NULL;
}

int cli_help_or_complete(int argc, char **argv, const opt_spec *opts, void (*usage)(void))
{
    if (opt_complete(argc, argv, 1, opts))
        return 1;
    if (!cli_wants_help(argc, argv))
        return 0;
    usage();
    fputc('\n', stdout);
    opt_help(stdout, opts);
    return 1;
}

int cli_session_number(const char *cmd, const char *text, long *out)
{
    long n;
    if (!util_parse_long(text, &n) || n < 1) {
        cli_usage(cmd, "session number '%s': not a whole number of 1 or more", text);
        return 0;
    }
    *out = n;
    return 1;
}

char *cli_therapist_code(store *s, const char *rater, const char *rater_code,
                         const char *client, long session)
{
    if (!rater || strcmp(rater, "therapist") != 0 || (rater_code && *rater_code))
        return NULL;
    at_err err;
    char *code = NULL;
    session_info si = { 0 };
    if (session && store_session_get(s, client, session, &si, &err) == AT_OK) {
        code = si.therapist;
        si.therapist = NULL;
        session_info_release(&si);
    } else if (store_client_find(s, client, &code, &err) != AT_OK) {
        code = NULL;
    }
    if (code && !*code) {
        free(code);
        code = NULL;
    }
    return code;
}

int cli_default_rater_ok(store *s, const char *cmd, const char *instrument)
{
    static const char *const others[] = { "therapist", "observer" };
    at_err err;
    long n[2] = { 0, 0 };
    int by_client = 0;
    admin_filter flt = { .instrument = instrument, .rater = "client" };
    if (store_admin_any(s, &flt, &by_client, &err) != AT_OK || by_client)
        return 1;   /* a reading that fails is no reason to refuse; the save says more */
    /* counted only to say why the form is refused */
    for (int k = 0; k < 2; k++) {
        flt.rater = others[k];
        if (store_admin_count(s, &flt, &n[k], &err) != AT_OK)
            return 1;
    }
    if (!n[0] && !n[1])
        return 1;
    int k = n[1] > n[0];
    cli_fail("'%s' has been answered in this study by %s%s only (%ld time%s), never by a "
             "client: say who answers with '%s --rater %s' (or --rater client if the client "
             "does)", instrument, n[0] && n[1] ? "therapist" : others[k],
             n[0] && n[1] ? "s and observers" : "s", n[0] + n[1],
             n[0] + n[1] == 1 ? "" : "s", cmd, others[k]);
    return 0;
}

int cli_no_client(const char *code)
{
    return cli_fail("client '%s': no such client; add it with 'collect client add %s' or check "
                    "the code", code, code);
}

int cli_no_instrument(const char *name)
{
    /* the name of a shipped file that holds forms of other names (srs_template
     * holds srs): the form's name is the one to use */
    char *path = NULL;
    sbuf forms = SBUF_INIT;
    int template = 0;
    int rc;
    if (shipped_find(name, &path) && shipped_forms(path, &forms, &template) &&
        strcmp(sbuf_str(&forms), name) != 0)
        rc = cli_fail("instrument '%s': no such instrument; '%s' names a shipped file, which "
                      "holds the form%s %s: name the form ('collect instrument add %s' adds "
                      "the file; see 'collect instrument list')", name, name,
                      strchr(sbuf_str(&forms), ' ') ? "s" : "", sbuf_str(&forms), name);
    else
        rc = cli_fail("instrument '%s': no such instrument; add it with 'collect instrument "
                      "add FILE.csv' (see 'collect instrument list')", name);
    free(path);
    sbuf_release(&forms);
    return rc;
}

const dict_instrument *cli_instrument_latest(record_catalog *cat, const char *name, long *iid)
{
    at_err err;
    const dict_instrument *in = record_catalog_latest(cat, name, iid, &err);
    if (!in && err.code == AT_ENOTFOUND)
        cli_no_instrument(name);
    else if (!in)
        cli_fail("%s", err.msg);
    return in;
}

int cli_no_session(const char *client, long number)
{
    return cli_fail("client '%s' has no session %ld (see 'collect session list --client %s')",
                    client, number, client);
}

int cli_rater_ok(const char *cmd, const char *rater)
{
    if (store_is_rater(rater))
        return 1;
    cli_usage(cmd, "rater '%s': use client, therapist or observer", rater);
    return 0;
}
