/* run_prompt.h: the question-by-question dialogue of 'collect run'.
 *
 * Questions are read from standard input one line at a time (a terminal or
 * a pipe); prompts go to standard output and nothing else is printed on
 * standard error here. */
#ifndef COLLECT_RUN_PROMPT_H
#define COLLECT_RUN_PROMPT_H

#include "dict.h"

typedef struct run_dialog {
    const instrument *in;
    char **vals;              /* in->ncols answers, NULL for blank; the caller owns them */
    unsigned char *visited;   /* per field: asked (or, for descriptive text, shown) */
    int echo;                 /* print each line read, for transcripts of piped input */
    char *line;               /* getline buffer */
    size_t cap;
} run_dialog;

typedef enum run_end {
    RUN_SAVE,                 /* the person typed y at the review */
    RUN_EOF,                  /* end of input before saving */
    RUN_INTERRUPTED           /* Ctrl-C before saving */
} run_end;

/* Installs a SIGINT handler that makes a pending read return, so the
 * dialogue can stop cleanly. */
void run_catch_interrupt(void);

/* Sets up d for instrument in with every answer blank; echo as above. */
void run_dialog_init(run_dialog *d, const instrument *in, int echo);
void run_dialog_release(run_dialog *d);

/* Asks every shown question in order, then shows the review until the
 * person saves or input ends.  On RUN_SAVE d->vals holds the answers, with
 * hidden questions blank and calc columns computed. */
run_end run_dialog_go(run_dialog *d);

/* Whether field i is a question the dialogue asks (not calc, not descriptive). */
int run_is_question(const field *f);

/* The answer to field f as a person reads it ("4 Mostly", "1 ..., 3 ...",
 * "(skipped)"), into out. */
void run_answer_text(const instrument *in, const field *f, char *const *vals, sbuf *out);

#endif
