/* commands.h: collect's commands, one file each (cmd_NAME.c). */
#ifndef COLLECT_COMMANDS_H
#define COLLECT_COMMANDS_H

int cmd_init(int argc, char **argv, const char *db);
int cmd_instrument(int argc, char **argv, const char *db);
int cmd_therapist(int argc, char **argv, const char *db);
int cmd_client(int argc, char **argv, const char *db);
int cmd_session(int argc, char **argv, const char *db);
int cmd_run(int argc, char **argv, const char *db);
int cmd_import(int argc, char **argv, const char *db);
int cmd_export(int argc, char **argv, const char *db);
int cmd_amend(int argc, char **argv, const char *db);
int cmd_log(int argc, char **argv, const char *db);
int cmd_invite(int argc, char **argv, const char *db);
int cmd_serve(int argc, char **argv, const char *db);

#endif
