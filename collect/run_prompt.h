/* run_prompt.h: the terminal face of the questionnaire flow (lib/answering/flow.h)
 * for 'collect run'.
 *
 * Questions are read from standard input one line at a time (a terminal or
 * a pipe); prompts go to standard output, wrapped at word boundaries to the
 * terminal's width, and nothing else is printed on standard error here. */
#ifndef COLLECT_RUN_PROMPT_H
#define COLLECT_RUN_PROMPT_H

#include "dict.h"
#include "flow.h"

typedef struct run_dialog {
    const dict_instrument *in;
    flow *fl;                 /* the answers and the place in the questionnaire */
    unsigned char *printed;   /* per field: 1 its text shown, 2 its section header shown */
    int echo;                 /* print each line read, for transcripts of piped input */
    char *line;               /* getline buffer */
    size_t cap;
} run_dialog;

typedef enum run_end {
    RUN_SAVE,                 /* the person typed y at the review */
    RUN_QUIT,                 /* the person typed q at the review */
    RUN_EOF,                  /* end of input before saving */
    RUN_INTERRUPTED,          /* Ctrl-C before saving */
    RUN_CONTINUE              /* (inside the dialogue: the review goes back to a question) */
} run_end;

/* Sets up d for instrument in with every answer blank; echo as above. */
void run_dialog_init(run_dialog *d, const dict_instrument *in, int echo);
void run_dialog_release(run_dialog *d);

/* Asks every shown question in order, then shows the review until the
 * person saves, stops or input ends.  On RUN_SAVE the flow is at its review,
 * ready for flow_save. */
run_end run_dialog_go(run_dialog *d);

/* Prints text wrapped to the terminal's width, as the questions are. */
void run_say(const char *text);

/* Prints the form's closing text (or the flow's default one). */
void run_say_closing(const run_dialog *d);

/* Appends text to out wrapped at word boundaries to width columns, every
 * line indented by indent spaces and ended by a newline; a word longer than
 * the width stays whole on its own line. */
void run_wrap(const char *text, size_t indent, size_t width, sbuf *out);
/* The width run wraps its text to: the terminal's, else $COLUMNS, else 80
 * (at most 100), less one. */
size_t run_width(void);

#endif
