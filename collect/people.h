/* people.h: what the therapist, client and session commands share (add in
 * cmd_people.c, list in people_list.c, set in people_set.c). */
#ifndef COLLECT_PEOPLE_H
#define COLLECT_PEOPLE_H

/* Codes are pseudonyms typed on command lines and kept in CSV files:
 * letters, digits, '-', '_' and '.', at most 64 characters.  A code that is
 * not one is a usage error of cmd (printed; returns 0). */
int people_code_ok(const char *cmd, const char *what, const char *code);
/* A session date: YYYY-MM-DD, and a day that exists (else a usage error). */
int people_date_ok(const char *date);
/* in-person or telehealth (else a usage error of cmd). */
int people_modality_ok(const char *cmd, const char *modality);

/* therapist list, client list, session list [--client C] */
int people_list(const char *kind, int argc, char **argv, const char *db);
/* therapist set, client set, session set */
int therapist_set(int argc, char **argv, const char *db);
int client_set(int argc, char **argv, const char *db);
int session_set(int argc, char **argv, const char *db);

#endif
