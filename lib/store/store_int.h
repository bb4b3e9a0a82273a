/* store_int.h: what the store's files (store.c, store_sql.c, store_catalog.c,
 * store_admin.c, store_view.c) share; not part of the public contract (that
 * is store.h).
 *
 * Prepared statements are kept in s->st, prepared on first use and reset
 * after each use.  The lookup caches (last therapist, client, session,
 * instrument and duplicate check seen) live only inside one transaction:
 * they are cleared when a transaction starts and whenever anything is
 * rolled back, so a cached id always names a row that exists.  The column
 * names of instrument versions are kept for the store's life (a version
 * never changes once added). */
#ifndef ATTUNE_STORE_INT_H
#define ATTUNE_STORE_INT_H

#include <time.h>
#include "db.h"
#include "store.h"

enum store_stmt {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_PG_LOCK,
    ST_THERAPIST_ID,
    ST_THERAPIST_INS,
    ST_CLIENT_GET,
    ST_CLIENT_THERAPIST,
    ST_CLIENT_INS,
    ST_SESSION_GET,
    ST_SESSION_NEXT,
    ST_SESSION_INS,
    ST_SESSION_INS_ID,
    ST_SESSION_SET_MODALITY,
    ST_SESSION_SET_DATE,
    ST_INSTR_NAME,
    ST_ADMIN_DUP,
    ST_ADMIN_INS,
    ST_ADMIN_INS_ID,
    ST_ADMIN_DEL,
    ST_ADMIN_ANSWERS,
    ST_ADMIN_SET_ANSWERS,
    ST_ADMIN_STATUS,
    ST_ADMIN_SET_STATUS,
    ST_AUDIT_INS,
    ST_AUDIT_REPOINT,
    ST_INVITE_REPOINT,
    ST_COLS_GET,
    ST_COLS_INS,
    ST_THERAPIST_CODE,
    ST_MAX_IDS,
    ST_SESSION_WALK,
    ST_SESSION_BY_CODE,
    ST_SESSION_AFTER,
    ST_ORPHANS,
    ST_INVITE_BY_TOKEN,
    ST_INVITE_BY_CODE,
    ST_INVITE_PROGRESS,
    ST_COUNT
};

/* The answer column names of one instrument version. */
typedef struct store_cols {
    long id;
    size_t n;
    char **names;
} store_cols;

struct store {
    db_conn conn;                         /* its connection, SQLite or PostgreSQL */
    char *path;
    store_mode mode;
    int in_txn;                      /* store_begin is open */
    int txn_lost;                    /* that transaction was undone after an error */
    db_stmt *st[ST_COUNT];
    store_cols **cols;               /* versions whose columns were read (each allocated
                                        once, so pointers to them stay valid) */
    size_t ncols, colscap;
    sbuf pack;                       /* the answers of the save being written */
    char *account;                   /* the operating-system account, found once */
    /* the largest administration and session ids when the open transaction
     * began: larger ones were made inside it */
    long admin0, session0, client0;
    /* in a transaction on PostgreSQL, or a bulk one on SQLite, the largest
     * session and administration ids made so far in it: the next rows are
     * given the ids after them, so their inserts can wait in batches
     * (DB_BATCH) rather than go one a statement (writers take turns, so
     * nobody else makes rows meanwhile) */
    long session_top, admin_top;
    int bulk;                        /* the open transaction is store_begin_bulk's */
    long cache_before;               /* PRAGMA cache_size before it, given back after */
    int reading;                     /* a read transaction of store_read_begin is open */
    /* the sessions, clients and therapists the open transaction's saves
     * touched, as bits by row id, and how many of each */
    struct { unsigned char *bits; size_t cap, count; } touched[3];
    size_t txn_saves;
    long migrated_from;              /* the schema this open brought the study up from, 0: none */
    long busy_since;                 /* when the current wait for a busy study began (ms) */
    int busy_told;
    struct { char *code; long id; } therapist;
    struct { char *code; long id, therapist_id; } client;
    struct {
        long id, client_id, number, therapist_id;  /* therapist_id 0: none */
        char *date, *modality;                     /* modality NULL: none */
        /* known to hold no administration by the rater named (read with it
         * by the walk, and nothing saved into it since) */
        int none_by;
        char rater[16];
    } session;
    struct { long id; char *name; } instrument;
    /* the last duplicate check: session, instrument name, rater, rater code
     * and the administration found (0: none) */
    struct { long session_id, found; char *key; char status[16]; } dup;
    /* the client last created in this transaction, and the highest session
     * number created for it since (0: none): a higher number is a new session */
    struct { long client_id, top; } made;
    /* a client's sessions read in number order, left open between lookups
     * (an import asks for them one after the other): on the row of number
     * at (LONG_MAX past the last) */
    struct { int on; long client_id, at; char rater[16]; } walk;
    struct { time_t at; char text[21], day[11]; } clock;   /* see clock_now in store_admin.c */
};

/* The statement id, ready to bind; NULL with err filled on failure. */
db_stmt *store_stmt(store *s, enum store_stmt id, at_err *err);
/* Steps a statement that returns no rows, then resets it. */
at_status store_exec(store *s, enum store_stmt id, at_err *err);
/* Fills err from the connection's last error. */
at_status store_dberr(store *s, at_err *err);

/* Prepares sql into *st (NULL on failure), which the caller finalizes.
 * store_prepare_many is for a statement that may return many rows. */
at_status store_prepare(store *s, const char *sql, db_stmt **st, at_err *err);
at_status store_prepare_many(store *s, const char *sql, db_stmt **st, at_err *err);
/* ... and for an INSERT into a table with an id, whose id db_last_id gives. */
at_status store_prepare_insert(store *s, const char *sql, db_stmt **st, at_err *err);
/* Steps st once and resets it: AT_OK when it ran to its end without a row,
 * and then *rowid (when not NULL) is the id of the row it inserted. */
at_status store_step_done(store *s, db_stmt *st, long *rowid, at_err *err);
/* Steps st once, copies the first n columns of its row as integers into
 * out[0..n-1] (zeros when there is no row) and resets it: AT_OK with a row,
 * AT_ENOTFOUND without one (err untouched). */
at_status store_step_ints(store *s, db_stmt *st, long *out, int n, at_err *err);
/* Runs sql, which takes no parameters, calling row on each row it returns
 * until row returns nonzero. */
at_status store_query_each(store *s, const char *sql,
                           int (*row)(db_stmt *st, void *ctx), void *ctx, at_err *err);
void store_cache_reset(store *s);
/* Ends the session walk (before a write to sessions, a commit or a rollback). */
void store_walk_stop(store *s);
/* Forgets the column names read (after a rollback). */
void store_cols_forget(store *s);

/* Write bracket: a transaction of its own, or nothing inside the one
 * store_begin opened.  store_wend commits its own transaction when st is
 * AT_OK; otherwise it rolls back, and inside store_begin's transaction that
 * undoes the whole transaction and marks it lost (store_wbegin then refuses
 * and store_commit reports that nothing was saved).  It returns the final
 * status and keeps the first error message. */
at_status store_wbegin(store *s, at_err *err);
at_status store_wend(store *s, at_status st, at_err *err);

/* Therapist id by code (cached); create: insert when missing, else
 * AT_ENOTFOUND. */
at_status store_therapist_id(store *s, const char *code, int create, long *id, at_err *err);
/* Client id and its therapist id (0 when none) by code (cached);
 * AT_ENOTFOUND when missing (err may be NULL for a silent probe). */
at_status store_client_id(store *s, const char *code, long *id, long *therapist_id,
                          at_err *err);
at_status store_client_insert(store *s, const char *code, long therapist_id, long *id,
                              at_err *err);
/* Next session number of a client. */
at_status store_session_next(store *s, long client_id, long *number, at_err *err);
at_status store_session_insert(store *s, long client_id, long therapist_id, long number,
                               const char *date, const char *modality, long *id,
                               at_err *err);

/* The column names of an instrument version, read once (a version without
 * answer columns, only descriptive fields, has none); NULL with err set on a
 * database error.  Forgotten when a transaction is undone, since the id of
 * a version added in it may be used again. */
const store_cols *store_cols_get(store *s, long instrument_id, at_err *err);
/* Position of a column name in cols; -1 when absent. */
long store_cols_find(const store_cols *c, const char *name);

/* Packs n answers (column order, NULL or "" blank) into out (store_pack.c). */
void store_pack(sbuf *out, const char *const *values, size_t n);
/* Unpacks text (a packed value, changed in place) into vals[0..n), pointers
 * into text, NULL for blank; values past n are ignored.  Returns 0 when
 * text is not such a value. */
int store_unpack(char *text, const char **vals, size_t n);

/* The account name of the effective user (getpwuid), else its number. */
const char *store_account(store *s);

/* Migrates schema 1 to 2 inside the open transaction (store_migrate.c). */
at_status store_migrate_2(store *s, at_err *err);
/* The state a web link reads as at time ?2 (past its expiry an open link
 * is expired), and the columns store_invite.c reads of a link. */
#define STORE_INVITE_STATE \
    "CASE WHEN i.state IN ('pending', 'started') AND i.expires_at <= ?2 THEN 'expired'" \
    " ELSE i.state END"
#define STORE_INVITE_VIEW \
    "SELECT i.id, a.name, i.instrument_id, a.version, c.code, se.number, i.rater," \
    " i.rater_code, i.created_at, i.expires_at, " STORE_INVITE_STATE ", i.flow_state, i.answers" \
    " FROM invitations i JOIN instruments a ON a.id = i.instrument_id" \
    " JOIN sessions se ON se.id = i.session_id JOIN clients c ON c.id = se.client_id"

/* The one rule of which stored rating a rater code names, as SQL:
 * whether administration A (a table alias) is the rating with rater code
 * P (an SQL value, a parameter) in a session whose therapist's code is the
 * SQL value T (NULL when none): the same code, or, for a therapist's
 * rating, a blank code and the session therapist's code standing for each
 * other (a therapist's questionnaire without a code is the session
 * therapist's own).  A client's rating always has the client's code
 * (store_rater_code).  STORE_RATED_BY is who gave A: its code, or the
 * session therapist's for a therapist's rating without one. */
#define STORE_SAME_RATER_CODE(A, T, P)                                                   \
    "(" A ".rater_code = " P " OR (" A ".rater = 'therapist'"                             \
    " AND (" A ".rater_code = '' OR " P " = '') AND " T " IN (" A ".rater_code, " P ")))"
#define STORE_RATED_BY(A, T)                                                             \
    "(CASE WHEN " A ".rater = 'therapist' AND " A ".rater_code = ''"                      \
    " THEN coalesce(" T ", '') ELSE " A ".rater_code END)"

/* Migrates schema 2 to 3 (web links) inside the open transaction. */
at_status store_migrate_3(store *s, at_err *err);
/* Rewrites a schema-3 administrations table's source check from an IN
 * list to the same rule as an OR chain, in place, when it has the first;
 * a study it cannot rewrite (busy with another writer, say) is left as it
 * is.  Returns AT_OK either way (store_migrate.c). */
at_status store_retext_3(store *s, at_err *err);

/* The PostgreSQL backend's opening (store_pg.c): whether path is a
 * PostgreSQL URL; connecting s (path, mode set), with its schema made,
 * checked or brought forward; making a lost connection again before a
 * write (forgetting the statements prepared on the old one). */
int store_pg_url(const char *path);
at_status store_pg_open(store *s, at_err *err);
at_status store_pg_reconnect(store *s, at_err *err);

/* Checks shared by the public functions. */
at_status store_check_code(const char *what, const char *code, at_err *err);
/* The rater code a rating is stored with (store_rater_code), into *out,
 * checked: AT_EINVAL when a client's own rating names another code or the
 * code is not one (store_check_code). */
at_status store_check_rater_code(const char *rater, const char *client, const char *code,
                                 const char **out, at_err *err);
at_status store_check_date(const char *date, at_err *err);
at_status store_check_modality(const char *modality, at_err *err);
/* The local date (YYYY-MM-DD) of a stored time (UTC, "YYYY-MM-DDTHH:MM:SSZ")
 * into day, "" when it is not one; returns day. */
const char *store_local_day(const char *utc, char day[11]);

/* Splits an audit field of a change without an administration
 * ("session.date:C01:4") into field (a copy, cut to "session.date") and
 * its subject (pointers into field, NULL when absent; session 0). */
void store_audit_subject(const char *stored, char *field, size_t size, const char **client,
                         const char **therapist, long *session);

/* Whether the store gives new sessions and administrations their ids
 * (session_top, admin_top) and batches their inserts. */
static inline int store_ids_given(const store *s)
{
    return s->in_txn && (s->conn.pg || s->bulk);
}

static inline void store_bind_str(db_stmt *st, int i, const char *v)
{
    db_bind_text(st, i, v);
}

/* Binds a row id, NULL for 0 (none). */
static inline void store_bind_id(db_stmt *st, int i, long id)
{
    if (id)
        db_bind_int64(st, i, id);
    else
        db_bind_null_int64(st, i);
}

/* A text column, "" for NULL. */
static inline const char *store_col(db_stmt *st, int i)
{
    const char *t = db_column_text(st, i);
    return t ? t : "";
}

#endif
