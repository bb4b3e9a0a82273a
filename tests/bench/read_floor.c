/* read_floor.c: the least that reading a study through SQLite costs, for
 * tests/bench/analyze.sh (a benchmark tool, not part of attune).
 *
 * usage: read_floor STUDY scan|rowid|order|walk
 *   scan   the bare scan the benchmark times in sqlite3: count(*) and
 *          sum(length(answers)) of administrations, here in one statement
 *          stepped from C, so that the three modes differ only in what
 *          they read;
 *   rowid  every column analyze reads from administrations (id, session,
 *          instrument version, rater, rater code, status, the packed
 *          answers), in row id order, the cheapest order there is;
 *   order  analyze's order alone: the same walk, with only the columns
 *          the indexes hold (no row of a session or an administration is
 *          read);
 *   walk   the statement analyze runs for its ordered pass (clients by
 *          code, their sessions by number, each session's administrations
 *          by rater, rater code and id), every column of it.
 * Each column is fetched with the sqlite3_column_* call that analyze's
 * reading makes and its bytes are counted; nothing else is done with the
 * rows.  The study is opened as attune opens it (read-only, without
 * SQLite's per-call locking).  Prints the rows and the bytes fetched. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

static const char *const scan_sql =
    "SELECT count(*), sum(length(answers)) FROM administrations";

static const char *const rowid_sql =
    "SELECT id, session_id, instrument_id, rater, rater_code, status, answers"
    " FROM administrations";

#define WALK_FROM                                                                         \
    " FROM clients c"                                                                     \
    " CROSS JOIN sessions se ON se.client_id = c.id"                                      \
    " CROSS JOIN administrations a ON a.session_id = se.id"                               \
    " ORDER BY c.code, se.number, a.rater, a.rater_code, a.id"

static const char *const order_sql =
    "SELECT a.id, c.code, se.number, a.rater, a.rater_code" WALK_FROM;

static const char *const walk_sql =
    "SELECT a.id, c.code, se.therapist_id, se.number, se.date, coalesce(se.modality, ''),"
    " a.instrument_id, a.rater, a.rater_code, a.status, NULL, NULL, NULL, a.answers"
    WALK_FROM;

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s STUDY scan|rowid|order|walk\n", argv[0]);
        return 2;
    }
    const char *sql = strcmp(argv[2], "scan") == 0    ? scan_sql
                      : strcmp(argv[2], "rowid") == 0 ? rowid_sql
                      : strcmp(argv[2], "order") == 0 ? order_sql
                      : strcmp(argv[2], "walk") == 0  ? walk_sql
                                                      : NULL;
    if (!sql) {
        fprintf(stderr, "%s: unknown mode '%s'\n", argv[0], argv[2]);
        return 2;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return 1;
    }
    long long rows = 0, bytes = 0, ints = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int n = sqlite3_column_count(st);
        for (int k = 0; k < n; k++) {
            if (sqlite3_column_type(st, k) == SQLITE_INTEGER) {
                ints += sqlite3_column_int64(st, k);
            } else {
                const unsigned char *t = sqlite3_column_text(st, k);
                if (t)
                    bytes += sqlite3_column_bytes(st, k);
            }
        }
        rows++;
    }
    int failed = step != SQLITE_DONE;
    if (failed)
        fprintf(stderr, "%s: %s\n", argv[1], sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    printf("%lld rows, %lld bytes of text, integers summing to %lld\n", rows, bytes, ints);
    return failed;
}
