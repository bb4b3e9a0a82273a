/* store_fixture.h: a private temporary directory per test and small
 * helpers for the store's unit tests (include after cmocka.h). */
#ifndef ATTUNE_STORE_FIXTURE_H
#define ATTUNE_STORE_FIXTURE_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"

typedef struct fixture {
    char dir[64];
    char db[128];
} fixture;

static inline int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/attune-store-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->db, sizeof f->db, "%s/study.db", f->dir);
    *state = f;
    return 0;
}

static inline int teardown(void **state)
{
    fixture *f = *state;
    DIR *d = opendir(f->dir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", f->dir, e->d_name);
        chmod(p, 0700);
        unlink(p);
    }
    if (d)
        closedir(d);
    chmod(f->dir, 0700);
    rmdir(f->dir);
    free(f);
    return 0;
}

static inline store *open_ok(const char *path, store_mode mode)
{
    store *s = NULL;
    at_err err;
    at_status rc = store_open(path, mode, &s, &err);
    if (rc != AT_OK)
        fail_msg("store_open: %s", err.msg);
    return s;
}

static inline char *slurp(const char *path, size_t *len)
{
    char *data = NULL;
    at_err err;
    assert_int_equal(util_read_file(path, &data, len, &err), AT_OK);
    return data;
}

static inline void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* A connection of the test's own to the store's file, as another program
 * (sqlite3, R's DBI) would open it: what it sees is what was committed. */
static inline sqlite3 *db_open(store *s, int writable)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(store_path(s), &db,
                                     writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY,
                                     NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    return db;
}

/* Runs sql on such a connection with foreign keys on; SQLite's result code. */
static inline int file_exec(store *s, const char *sql)
{
    sqlite3 *db = db_open(s, 1);
    sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

/* The integer sql's first row gives on connection db; -1 without a row. */
static inline long conn_long(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long v = -1;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static inline long db_long(store *s, const char *sql)
{
    sqlite3 *db = db_open(s, 0);
    long v = conn_long(db, sql);
    sqlite3_close(db);
    return v;
}

static inline char *db_text(store *s, const char *sql)
{
    sqlite3 *db = db_open(s, 0);
    sqlite3_stmt *st = NULL;
    char *v = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        v = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

#endif
