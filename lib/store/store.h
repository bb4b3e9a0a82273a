/* store.h: the study store, one SQLite file per study.
 *
 * Schema 3 (STRICT tables, foreign keys on, WAL, busy timeout, version in
 * PRAGMA user_version, application marker in the meta table):
 *   meta(key, value)
 *   therapists(id, code UNIQUE, cohort)
 *   clients(id, code UNIQUE, therapist_id)
 *   sessions(id, client_id, therapist_id, number, date, modality; UNIQUE(client_id, number))
 *   instruments(id, name, version, sha256, dictionary, record_id, added_at;
 *               UNIQUE(name, version), UNIQUE(name, sha256))
 *     dictionary is the form as dict_write_form writes it, or the whole file it
 *     was read from when that held this form alone; sha256 is always that of
 *     the form as dict_write_form writes it; record_id names its
 *     record identifier field (NULL when the form has none), which reading
 *     the text back needs
 *   instrument_columns(instrument_id, position, name; PRIMARY KEY(instrument_id, position))
 *     a version's answer columns in order (the instrument model's columns)
 *   administrations(id, session_id, instrument_id, rater, rater_code, status,
 *                   started_at, finished_at, source, answers)
 *     answers: a JSON array of the administration's answers in its version's
 *     column order, each a string or null for blank (trailing blanks left
 *     out); calc columns are always null, as they are recomputed whenever
 *     they are read
 *   responses: a view, one row (administration_id, field, value) per answer
 *   audit(id, at, who, action, administration_id, field, old, new, reason, who_name)
 *     who is the operating-system account, who_name the name given with it
 *   invitations(id, token_hash UNIQUE, code_hash UNIQUE, session_id, instrument_id,
 *               rater, rater_code, created_at, expires_at, state, answers,
 *               flow_state, changed_at, administration_id)
 *     one private web link for one administration (schema 3): the sha256 of
 *     its token and of its access code, never the token or code; state
 *     pending, started, answered or revoked (a pending or started link past
 *     expires_at reads as expired); answers so far packed as
 *     administrations.answers, and where the respondent is (the flow's
 *     state), so a closed page resumes; administration_id the one its
 *     answers made (or, after an import --replace, the one replacing it)
 *
 * Schema 1 kept one row of a responses table per answer; opening a schema-1
 * file for writing migrates it in one transaction (store_migrate.c), and
 * then to schema 3, which adds invitations and the source 'web' (the
 * administrations table is made anew, keeping every row and id).
 *
 * Every function that writes runs in one transaction (its own, or the one
 * opened with store_begin).  Strings returned inside views belong to the
 * store and are valid only during the callback. */
#ifndef ATTUNE_STORE_H
#define ATTUNE_STORE_H

#include <signal.h>
#include <stddef.h>
#include "util.h"

#define STORE_SCHEMA_VERSION 3

typedef struct store store;

typedef enum store_mode {
    STORE_READ,     /* read-only; the file must be an attune store */
    STORE_WRITE,    /* read-write; the file must be an attune store (migrated forward) */
    STORE_CREATE    /* read-write; creates the file (mode 0600) when absent */
} store_mode;

/* Opens path ("" or NULL: $ATTUNE_DB, else ./attune.db).  A file that is not
 * SQLite or not an attune store gets AT_ENOTSTORE, one from a newer attune
 * AT_EVERSION; either way the file is left untouched. */
at_status store_open(const char *path, store_mode mode, store **out, at_err *err);
void store_close(store *s);             /* NULL is fine */
const char *store_path(const store *s);

/* The schema version a study had when store_open brought it up to
 * STORE_SCHEMA_VERSION (a study of an earlier attune opened for writing),
 * 0 when it did not. */
long store_migrated_from(const store *s);

/* A study another program is writing to is waited for: up to max_ms
 * (default 60 s) for every statement, in growing steps; after notice_ms
 * (default 1 s) notice, when not NULL, is called once per wait with the
 * study's path, so a person can be told.  Applies to stores opened after
 * the call.  A write that still finds the study busy fails with AT_EDB and
 * a message saying so, and its transaction leaves nothing behind. */
void store_wait_defaults(long max_ms, long notice_ms,
                         void (*notice)(const char *path, long max_ms, void *ctx), void *ctx);

/* A wait for a busy study ends early, as if its bound were reached, once
 * *flag is not 0 (NULL: never); a program sets the flag when it is asked to
 * stop (its signal handler), so a person is not kept waiting after pressing
 * Ctrl-C and what they typed can still be kept elsewhere. */
void store_wait_stop(const volatile sig_atomic_t *flag);

/* The default path: $ATTUNE_DB or "attune.db". */
const char *store_default_path(void);
/* On a study on a PostgreSQL server, makes (when missing) three roles and
 * gives them their rights on the study's schema S: S_read reads everything
 * (researchers), S_collect reads and writes everything (clinicians and
 * coordinators), S_serve is what `collect serve` needs (links, instruments
 * and sessions, adding answers; no stored answers read back).  *schema is
 * S (caller frees).  An SQLite study is refused. */
at_status store_roles(store *s, char **schema, at_err *err);

/* Reading from one snapshot: a read transaction on s, held until
 * store_read_end (or store_close), so that every read in between sees the
 * study as it was when it began, whatever others write meanwhile. */
at_status store_read_begin(store *s, at_err *err);
void store_read_end(store *s);
/* Begins read transactions on the n stores s[0..n) (connections to one
 * study) that all see the same study, retrying a few times while others
 * write; AT_EBUSY when they never agree.  On failure none is left reading. */
at_status store_read_together(store *const *s, size_t n, at_err *err);

/* Transactions grouping several writes (import).  Nested begin is an error.
 * A write call that fails inside such a transaction undoes the whole
 * transaction at once, not only its own part (calls refused for their
 * arguments before they touch the file leave it as it was): later writes are
 * refused, and store_commit reports that nothing was saved.  Either
 * store_commit or store_rollback ends the transaction; both always do. */
at_status store_begin(store *s, at_err *err);
/* The same for many saves at once (an import): SQLite's foreign-key checks
 * are off for the transaction, and store_commit checks instead, once, that
 * every row made in it has its parent rows, refusing to commit (and undoing
 * everything) when one does not.  New sessions and administrations get
 * their ids from the store and their rows go to SQLite in batches
 * (DB_BATCH), so a failure to write one may be told by a later save or by
 * store_commit; it undoes the whole transaction all the same. */
at_status store_begin_bulk(store *s, at_err *err);
at_status store_commit(store *s, at_err *err);
void store_rollback(store *s);

/* People.  Duplicates give AT_EEXIST; an unknown therapist AT_ENOTFOUND. */
at_status store_therapist_add(store *s, const char *code, const char *cohort, at_err *err);
at_status store_client_add(store *s, const char *code, const char *therapist, at_err *err);
/* AT_OK when the client exists, AT_ENOTFOUND when not (err untouched), or
 * the database's error; the client's therapist code into *therapist (caller
 * frees, NULL when none) if therapist is not NULL. */
at_status store_client_find(store *s, const char *code, char **therapist, at_err *err);

/* Sessions.  number 0 = next number for the client; date NULL = today;
 * therapist NULL = the client's therapist; modality NULL = none recorded,
 * else "in-person" or "telehealth".  The number used goes to *number_out. */
at_status store_session_add(store *s, const char *client, const char *therapist, long number,
                            const char *date, const char *modality, long *number_out,
                            at_err *err);

/* The number the client's next session would get (1 for a client without
 * sessions or not in the study). */
at_status store_session_next_number(store *s, const char *client, long *number, at_err *err);

typedef struct session_info {
    long id;
    long number;
    char *therapist;   /* caller frees, NULL when none */
    char *date;        /* caller frees */
    char *modality;    /* caller frees, NULL when none */
} session_info;
/* Finds a client's session; AT_ENOTFOUND when absent. */
at_status store_session_get(store *s, const char *client, long number, session_info *out,
                            at_err *err);
/* The first session of a client numbered after number (gaps in the numbers
 * skipped); AT_ENOTFOUND when there is none. */
at_status store_session_after(store *s, const char *client, long number, session_info *out,
                              at_err *err);
void session_info_release(session_info *si);

/* Instruments.  Adds a version when text's sha256 is new for that name
 * (*added = 1) or finds the existing one (*added = 0).  record_id is the
 * name of the form's record identifier field, NULL when it has none; cols
 * are the version's ncols answer column names, in the order its answers are
 * given and stored (distinct, none empty). */
at_status store_instrument_add(store *s, const char *name, const char *text,
                               const char *record_id, const char *const *cols, size_t ncols,
                               long *id, long *version, int *added, at_err *err);
/* The same, storing the text stored (when not NULL) as the version's
 * dictionary instead of text: the file the form was read from, so that it
 * can be written back byte for byte.  The version is still told by text's
 * sha256 (the form as dict_write_form writes it), so the same form read
 * from a file written differently is the same version. */
at_status store_instrument_add_as(store *s, const char *name, const char *text,
                                  const char *stored, const char *record_id,
                                  const char *const *cols, size_t ncols, long *id,
                                  long *version, int *added, at_err *err);

typedef struct instrument_info {
    long id;
    char *name;
    long version;
    char *sha256;
    char *dictionary;
    char *added_at;
    char *record_id;   /* NULL when the form has no record identifier */
} instrument_info;
/* The latest version of name (version 0) or a given version. */
at_status store_instrument_get(store *s, const char *name, long version, instrument_info *out,
                               at_err *err);
/* Fetches a version by its row id. */
at_status store_instrument_by_id(store *s, long id, instrument_info *out, at_err *err);
void instrument_info_release(instrument_info *ii);
/* Calls fn for each instrument version, ordered by name and version. */
at_status store_instrument_each(store *s, int (*fn)(const instrument_info *ii, void *ctx),
                                void *ctx, at_err *err);

/* Saving an administration: the session is created when it does not exist
 * (with the given therapist, date, modality), and refused when it exists
 * with a different therapist, date or modality (store_session_conflict).  A
 * second administration for the same session, instrument name, rater and
 * rater code is AT_EEXIST unless replace, which deletes the old one and
 * records in the audit trail the replacement and every answer it changed
 * (old and new value).  who is an optional name recorded beside the
 * operating-system account, never instead of it. */
typedef struct admin_rec {
    const char *client;
    const char *therapist;   /* NULL: the client's therapist */
    long session;            /* 0: next number */
    const char *date;        /* NULL: today for a new session (unknown with date_unknown);
                                when given, must match */
    int date_unknown;        /* a new session without a date gets none, not today's */
    const char *modality;    /* NULL: not recorded */
    long instrument_id;
    const char *rater;       /* "client", "therapist" or "observer" */
    const char *rater_code;  /* NULL or "" allowed */
    const char *status;      /* "complete" or "partial" */
    const char *source;      /* "interactive", "import" or "web" */
    const char *started_at;  /* NULL: now */
    const char *finished_at; /* NULL: now */
    const char *const *values; /* n answers in the version's column order (the cols of
                                  store_instrument_add; fewer: the rest blank);
                                  NULL or "" is blank; NULL when packed is given */
    size_t n;
    const char *packed;      /* NULL, or the n answers as store_pack_append packed them
                                (packed_len bytes), so the save need not */
    size_t packed_len;
} admin_rec;

/* Appends n answers (in a version's column order, NULL or "" blank) to out,
 * packed as the store keeps an administration's answers: for admin_rec's
 * packed, made where the time costs less (another thread). */
void store_pack_append(sbuf *out, const char *const *values, size_t n);

at_status store_admin_save(store *s, const admin_rec *rec, int replace, const char *who,
                           long *admin_id, long *session_out, at_err *err);

/* The rater code an administration is stored with: a client's own rating
 * always has the client's code (blank is taken as it), so a session holds
 * one client rating per instrument whatever the file or command said; other
 * raters' codes are as given ("" for none).  NULL when the code given for a
 * client's own rating is another one. */
const char *store_rater_code(const char *rater, const char *client, const char *code);

/* The number of the client's latest session dated today (local time), 0
 * when there is none. */
at_status store_session_today(store *s, const char *client, long *number, at_err *err);

/* Checking a save before making it, as an import does for each row, by the
 * same rules store_admin_save applies.  The lookups are cached statements,
 * and store_admin_save does not repeat the ones just made. */
enum { SESSION_THERAPIST = 1, SESSION_DATE = 2, SESSION_MODALITY = 4, SESSION_LATER = 8 };
typedef struct session_check {
    int exists;          /* the client has that session (stored, or made in the open transaction) */
    long id;             /* its row id when it exists */
    long seq;            /* made in the open transaction: its place among the sessions made
                            there (1, 2, ...); 0 otherwise */
    unsigned conflicts;  /* SESSION_* bits: the given values that disagree with it, and
                            SESSION_LATER when it (existing or not) would be dated
                            later than today: it cannot hold a questionnaire saved now */
} session_check;
/* Looks up a client's session (for a save by rater) and compares it with
 * the therapist, date and modality a save would give (NULL: not given; a blank agrees with anything,
 * and a modality where none is recorded is added, not a conflict), and the
 * date it would have (its own, else the one given) with today
 * (store_session_later). */
at_status store_session_check(store *s, const char *client, long number, const char *rater,
                              const char *therapist, const char *date, const char *modality,
                              session_check *out, at_err *err);
/* The reason for one SESSION_* bit of the last store_session_check, where
 * saying where the session comes from ("in the study", "on line 4"): e.g.
 * "session 3 of client 'C01' is dated 2026-03-02 (in the study), not
 * 2026-03-09"; for SESSION_LATER given is the date the save gives (NULL:
 * none). */
void store_session_reason(store *s, unsigned bit, const char *client, long number,
                          const char *given, const char *where, char *buf, size_t size);
/* The administration a save into session_id (store_session_check's id)
 * would meet: the same instrument name, rater and rater code.  *admin_id is
 * 0 when there is none; *seq, as in session_check, when it was made in the
 * open transaction. */
at_status store_admin_dup(store *s, long session_id, long instrument_id, const char *rater,
                          const char *rater_code, long *admin_id, long *seq, at_err *err);
/* What the open transaction has saved: administrations, and the distinct
 * clients, therapists and sessions they belong to (out[0..3]). */
at_status store_txn_counts(store *s, size_t out[4], at_err *err);

/* Reading administrations, in client code, session number, rater, rater
 * code, id order.  A filter field left NULL (or 0) matches all. */
typedef struct admin_filter {
    const char *instrument;  /* name, all versions */
    const char *client;
    const char *therapist;
    const char *cohort;
    const char *rater;
    const char *from_date;   /* inclusive */
    const char *to_date;     /* inclusive */
    long session;
    /* Clients whose code is at least client_from and below client_to (NULL:
     * no bound on that side), codes compared byte by byte, the order the
     * rows come in: a reading can be split into runs of clients. */
    const char *client_from, *client_to;
    /* The ratings with this rater code: a therapist's rating stored without
     * one is the session therapist's, and "" finds it and the one stored with
     * the session therapist's code (STORE_SAME_RATER_CODE in store_int.h) */
    const char *rater_code;
    /* Leave out what only an export shows: source, started_at and
     * finished_at read as "" (three columns a row fewer to read and copy). */
    int brief;
} admin_filter;

typedef struct admin_view {
    long id;
    const char *client;
    const char *therapist;   /* "" when none */
    const char *cohort;      /* "" when none */
    long session;
    const char *date;
    const char *modality;    /* "" when none */
    const char *instrument;
    long instrument_id;
    long version;
    const char *rater;
    const char *rater_code;
    const char *status;
    const char *source;
    const char *started_at;
    const char *finished_at;
    size_t n;                /* the columns of the version */
    const char *const *fields;  /* their names, in the version's order */
    const char *const *values;  /* the answers in that order, NULL for blank */
    const char *text;        /* the text values point into, text_len bytes (NULL when
                                they are not in one text): a reader keeping a copy of
                                the answers may copy it whole */
    size_t text_len;
} admin_view;

/* How many administrations match (what store_admin_each would give). */
at_status store_admin_count(store *s, const admin_filter *flt, long *count, at_err *err);
/* Whether any administration matches: the first found ends the search. */
at_status store_admin_any(store *s, const admin_filter *flt, int *any, at_err *err);

/* Calls fn for each matching administration; a non-zero return stops. */
at_status store_admin_each(store *s, const admin_filter *flt,
                           int (*fn)(const admin_view *v, void *ctx), void *ctx, at_err *err);

/* Calls fn with the stored answers of administration admin_id: the n
 * columns of its version by name, and their values (NULL for blank).
 * AT_ENOTFOUND when there is no such administration. */
at_status store_admin_answers(store *s, long admin_id,
                              void (*fn)(size_t n, const char *const *names,
                                         const char *const *values, void *ctx),
                              void *ctx, at_err *err);

/* Amends one answer of an existing administration, recording who, when, the
 * old and new values and the reason in the audit trail.  value NULL or ""
 * clears it.  AT_ENOTFOUND when there is no such administration. */
at_status store_amend(store *s, long admin_id, const char *field, const char *value,
                      const char *reason, const char *who, at_err *err);

/* Sets the status ("complete" or "partial") of an existing administration,
 * recording it in the audit trail as an amend of the field attune.status
 * (old and new status, who, when, the reason).  The same status writes
 * nothing.  AT_ENOTFOUND when there is no such administration. */
at_status store_admin_set_status(store *s, long admin_id, const char *status,
                                 const char *reason, const char *who, at_err *err);

/* Finds the administration of instrument (any version) for a client's
 * session, rater and rater code (NULL = any code, but only when unique;
 * several is AT_EINVAL, the message naming who gave each).  A therapist's
 * rating stored without a code is the session therapist's: that
 * therapist's code finds it, and "" finds one stored with that code, as a
 * save takes them for the same rating. */
at_status store_admin_find(store *s, const char *instrument, const char *client, long session,
                           const char *rater, const char *rater_code, long *admin_id,
                           long *instrument_id, at_err *err);

/* The audit trail in the order it was written.  action "amend": field, old
 * and new value ("" = no answer).  action "replace": a row without a field
 * has old and new as "administration N (status)" of the replaced and the
 * replacing one, and a row for each field whose value changed has its old
 * and new value, as an amend's; earlier rows about the replaced
 * administration move to the one replacing it.  A
 * change to a client, therapist or session (store_client_move and its kin)
 * is an "amend" without an instrument, with its subject in client, session
 * or therapist and the field as "client.therapist", "session.date" and so
 * on.  Text is "" when absent. */
typedef struct audit_view {
    long id;
    const char *at, *who, *action;
    const char *instrument;            /* "" when not about an administration */
    const char *client;                /* the administration's or the change's; "" for none */
    const char *therapist;             /* the session's therapist, or the therapist changed */
    long session;                      /* 0 when none */
    const char *rater, *rater_code, *field, *old_value, *new_value, *reason;
} audit_view;
at_status store_audit_each(store *s, int (*fn)(const audit_view *v, void *ctx), void *ctx,
                           at_err *err);

/* Lists therapists (code, cohort) and clients (code, therapist), ordered by
 * code; "" stands for no cohort or no therapist.  A non-zero return stops. */
at_status store_therapist_each(store *s, int (*fn)(const char *code, const char *cohort, void *ctx),
                               void *ctx, at_err *err);
at_status store_client_each(store *s, int (*fn)(const char *code, const char *therapist, void *ctx),
                            void *ctx, at_err *err);

/* Web links (store_invite.c).  The caller makes the token and the access
 * code and passes their sha256 (store_sha256); the store never sees either.
 * Times are ISO UTC (now_iso). */
typedef struct invite_rec {
    const char *client;      /* must exist */
    long session;            /* the client's session; made (today, the client's
                                therapist) in the same transaction when absent */
    long instrument_id;      /* the version the link gives */
    const char *rater;       /* "client", "therapist" or "observer" */
    const char *rater_code;  /* as store_rater_code takes it */
    const char *token_hash;  /* 64 hex digits */
    const char *code_hash;   /* 64 hex digits */
    const char *expires_at;  /* ISO UTC, after now */
} invite_rec;
/* Makes a link, one transaction.  AT_EEXIST when the session already holds
 * that rating (instrument name, rater, rater code) or a pending or started
 * link for it (revoke that one first), or when a hash is already used;
 * AT_ENOTFOUND for an unknown client.  The link's id into *id. */
at_status store_invite_add(store *s, const invite_rec *rec, long *id, at_err *err);

typedef struct invite_view {
    long id;
    const char *instrument;
    long instrument_id;
    long version;
    const char *client;
    long session;
    const char *rater, *rater_code;
    const char *created_at, *expires_at;
    const char *state;       /* as it reads now: pending, started, answered, expired, revoked */
    const char *flow_state;  /* NULL when none saved */
    size_t n;                /* the version's columns */
    const char *const *values;  /* the answers so far, NULL for blank */
} invite_view;
/* Finds a link by the sha256 of its token (by_code 0) or of its access code
 * (by_code 1) and calls fn once with it (the view is valid during the
 * call); AT_ENOTFOUND when there is none (err untouched). */
at_status store_invite_find(store *s, const char *hash, int by_code,
                            int (*fn)(const invite_view *v, void *ctx), void *ctx, at_err *err);
/* Calls fn for each link in id order (values and flow_state left out: n is
 * 0); a non-zero return stops. */
at_status store_invite_each(store *s, int (*fn)(const invite_view *v, void *ctx), void *ctx,
                            at_err *err);
/* Keeps a link's answers so far (n in column order, NULL blank) and the
 * flow's state string; a pending link becomes started.  AT_EEXIST when the
 * link is no longer open (answered, revoked or expired): nothing is kept. */
at_status store_invite_progress(store *s, long id, const char *const *values, size_t n,
                                const char *flow_state, at_err *err);
/* Revokes a pending or started link.  AT_ENOTFOUND for no such link,
 * AT_EEXIST when it is answered or revoked already (err says which). */
at_status store_invite_revoke(store *s, long id, at_err *err);
/* The final save of a link: the administration (rec, source "web"; its
 * client, session, instrument version, rater and rater code are taken from
 * the link, whatever rec says) and the link becoming answered, in one
 * transaction, so a link is answered once even when two requests or two
 * servers save it at the same moment: the second gets AT_EEXIST and saves
 * nothing.  AT_EEXIST too for a revoked or expired link.  AT_EINVAL when
 * the session has that rating already, recorded another way since the link
 * was made (run, import): nothing is saved and the link stays open. */
at_status store_invite_answer(store *s, long id, const admin_rec *rec, const char *who,
                              long *admin_id, at_err *err);
/* Listing what the study holds, ordered by code (and session number).
 * Strings are "" when absent and belong to the store, valid only during the
 * callback; a non-zero return stops. */
typedef struct therapist_view {
    const char *code, *cohort;
    long clients;        /* clients whose therapist this is */
    long sessions;       /* sessions held by this therapist */
} therapist_view;
typedef struct client_view {
    const char *code, *therapist;
    long sessions;
    const char *last_date;   /* the date of the highest-numbered session */
    long administrations;    /* questionnaires given, every instrument and rater */
} client_view;
typedef struct session_view {
    const char *client;
    long number;
    const char *date, *therapist, *modality;
    long administrations;
} session_view;
at_status store_therapist_list(store *s, int (*fn)(const therapist_view *v, void *ctx),
                               void *ctx, at_err *err);
at_status store_client_list(store *s, int (*fn)(const client_view *v, void *ctx), void *ctx,
                            at_err *err);
/* Every session, or one client's (client not NULL; AT_ENOTFOUND when there is
 * no such client). */
at_status store_session_list(store *s, const char *client,
                             int (*fn)(const session_view *v, void *ctx), void *ctx,
                             at_err *err);
/* How many administrations were given with an instrument version. */
at_status store_instrument_uses(store *s, long instrument_id, long *count, at_err *err);

/* Changing what is recorded about people and sessions.  Each change is one
 * transaction and one audit row per value changed: action 'amend', no
 * administration, field naming what changed and whose it is
 * ("client.therapist:C01", "session.therapist:C01:4", "session.date:C01:4",
 * "session.modality:C01:4", "therapist.cohort:T01"; store_audit_each splits
 * these back into the field and its client, session or therapist), the old
 * and new value, the optional reason and who.  A value already as asked
 * changes nothing and writes no row.  *out says what changed (zeroed on
 * failure). */
typedef struct store_change {
    int client;        /* the client's own therapist */
    long sessions;     /* sessions given another therapist */
    int therapist;     /* the therapist's cohort */
    int date, modality;
} store_change;
/* A client moves to therapist from session number from on (0: from the
 * client's next session, so no recorded session changes): the client's
 * therapist becomes it, and so does that of each recorded session numbered
 * from or more.  Refused (AT_EINVAL) when such a session holds a therapist's
 * questionnaire given by another therapist (its rater code, or the
 * session's therapist when blank): those answers stay with who gave them.
 * AT_ENOTFOUND for an unknown client or therapist. */
at_status store_client_move(store *s, const char *client, const char *therapist, long from,
                            const char *reason, const char *who, store_change *out,
                            at_err *err);
/* Sets a therapist's cohort (NULL or "" removes it). */
at_status store_therapist_set_cohort(store *s, const char *code, const char *cohort,
                                     const char *reason, const char *who, store_change *out,
                                     at_err *err);
/* Sets a session's date and/or modality (NULL: left as it is; a modality is
 * "in-person" or "telehealth").  A session comes before its questionnaires:
 * a date later than the day (local time) its first questionnaire was saved
 * is refused (AT_EINVAL, store_session_later), as is an unknown client or
 * session (AT_ENOTFOUND). */
at_status store_session_set(store *s, const char *client, long number, const char *date,
                            const char *modality, const char *reason, const char *who,
                            store_change *out, at_err *err);

/* A session comes before its questionnaires: the rule, in one place.
 * Whether a session dated date (YYYY-MM-DD; NULL or "" when its date is
 * unknown) is later than day (YYYY-MM-DD, local time; NULL: today), the day
 * its first questionnaire was saved, or the day one would be, by more than
 * a day (the leeway of a clinician's local day ahead of this machine's,
 * as a link's server may be): a session so dated cannot hold it.
 * store_session_set refuses a date later than its first questionnaire's
 * day, exactly (both days this machine's); store_admin_save refuses a save
 * (a questionnaire is not saved into a session dated later than the day it
 * is saved), and store_session_check reports it (SESSION_LATER), so that a
 * face can refuse before asking anything. */
int store_session_later(const char *date, const char *day);

/* The rule for a client, therapist or rater code and a cohort name: up to
 * STORE_CODE_MAX of the letters a-z and A-Z, digits, '-', '_' and '.', so a
 * code is a pseudonym and never a name with spaces, an e-mail address or a
 * line of free text.  NULL when code follows it; else why not, in words for
 * the person who wrote it (a static string). */
#define STORE_CODE_MAX 64
const char *store_code_problem(const char *code);

/* A new session's number is from 1 to STORE_SESSION_MAX (a million sessions
 * of one client is a typing slip, and the next number after the last must
 * exist; a session a study holds keeps its number, whatever it is).
 * store_check_session: AT_EINVAL with the reason for a number outside them,
 * 0 allowed when zero_ok (the next session). */
#define STORE_SESSION_MAX 999999L
at_status store_check_session(long number, int zero_ok, at_err *err);

/* The raters and the modalities a study knows (NULL-terminated), and
 * whether a word is one of them. */
extern const char *const store_raters[];      /* client, therapist, observer */
extern const char *const store_modalities[];  /* in-person, telehealth */
int store_is_rater(const char *word);
int store_is_modality(const char *word);
/* "an" before a rater's word that starts with a vowel ("an observer
 * rating"), else "a" ("a client rating"). */
const char *store_rater_article(const char *rater);

/* Lowercase hex sha256 of text into hex[65]. */
void store_sha256(const char *text, size_t len, char hex[65]);

#endif
