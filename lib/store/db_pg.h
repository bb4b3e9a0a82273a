/* db_pg.h: opening and watching a PostgreSQL connection (db_pg.c), for
 * store.c; statements go through db.h. */
#ifndef ATTUNE_DB_PG_H
#define ATTUNE_DB_PG_H

#include "db.h"

/* Connects to url (a libpq connection URL); nonzero on failure, with *msg
 * (the caller frees) saying why. */
int dbpg_connect(const char *url, db_pg **out, char **msg);
void dbpg_close(db_pg *c);
/* Whether the link to the server was lost. */
int dbpg_lost(db_pg *c);
/* The settings (SQL) the connection is given again whenever its link to
 * the server is made again. */
void dbpg_set_setup(db_pg *c, const char *sql);
/* Connects again when the link was lost; nonzero when that fails.  A
 * statement or command sent with no transaction open does this itself, and
 * is sent again once, when the link broke under it. */
int dbpg_reconnect(db_pg *c);
/* Whether url sets the connection option key (then *value, a copy); -1
 * when url cannot be parsed (then *msg says why). */
int dbpg_has_option(const char *url, const char *key, char **value, char **msg);

#endif
