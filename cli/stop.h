/* stop.h: what collect and analyze do when they are stopped from outside
 * (Ctrl-C, SIGTERM, the terminal closed) in the middle of writing files. */
#ifndef ATTUNE_CLI_STOP_H
#define ATTUNE_CLI_STOP_H

/* Installs, for SIGINT, SIGTERM and SIGHUP, a handler that removes the
 * temporary file of every output not yet complete (outfile_discard_pending)
 * and then ends the program as the signal would have: a table cut off
 * leaves neither a partial copy of the study's data nor a stray file
 * behind, and the file it was to replace stays as it was.  A signal ignored
 * when the program started (nohup) stays ignored.  A command that stops
 * cleanly on its own (collect run, import) installs its handler after. */
void stop_discard_outputs(void);

/* Makes fn the handler of SIGINT, SIGTERM and SIGHUP, without SA_RESTART
 * (a read under way returns), except for a signal ignored when the program
 * started (nohup's SIGHUP, a background job's SIGINT), which stays
 * ignored. */
void stop_handle(void (*fn)(int));

#endif
