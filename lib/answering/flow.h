/* flow.h: one questionnaire as a respondent goes through it.
 *
 * The flow is the state of one administration being answered: which
 * question is on screen among the ones shown now, the answers so far,
 * branching re-applied after every change, going back, skipping, clearing,
 * the review, changing one answer from the review, and saving.  It knows
 * nothing of terminals or HTTP: `collect run` (a terminal) and `collect
 * serve` (a web form) are two faces on it, so a question is asked, shown and
 * checked the same way by both.
 *
 * Screens: the flow is always at one of
 *   FLOW_QUESTION  a question (flow_field tells which field);
 *   FLOW_REVIEW    the list of the questions shown with their answers;
 *   FLOW_DONE      saved (flow_mark_saved), nothing more to ask.
 * A question screen may carry descriptive texts to show above the
 * question: the shown descriptive fields between the previous shown
 * question and this one (flow_texts).  Descriptive fields after the last
 * question are the form's closing text (flow_closing), shown at the end.
 *
 * Moving: flow_next takes the current question's answer as final and goes
 * to the next shown question not yet answered in this pass, or to the
 * review when there is none; after flow_change from the review it goes
 * through the questions the change newly shows and then back to the review.
 * flow_back returns to the question before (in the order they were
 * reached), skipping any that branching has since hidden.
 *
 * Answers are the instrument's column array (dict.h): in->ncols strings,
 * NULL for blank, with calc columns computed and hidden questions cleared
 * after every change.  The flow owns them. */
#ifndef ATTUNE_FLOW_H
#define ATTUNE_FLOW_H

#include <stddef.h>
#include "dict.h"
#include "store.h"
#include "util.h"

typedef struct flow flow;

typedef enum flow_screen { FLOW_QUESTION, FLOW_REVIEW, FLOW_DONE } flow_screen;

/* A flow at the first question (or the review when the form asks none),
 * every answer blank.  in must outlive the flow. */
flow *flow_new(const dict_instrument *in);
void flow_free(flow *fl);                        /* NULL is fine */
const dict_instrument *flow_instrument(const flow *fl);

flow_screen flow_where(const flow *fl);
/* The field index (into in->fields) of the question on screen; only
 * meaningful at FLOW_QUESTION. */
size_t flow_field(const flow *fl);

/* The descriptive fields to show above the question on screen, in order:
 * up to max field indexes into idx; returns how many there are. */
size_t flow_texts(const flow *fl, size_t *idx, size_t max);
/* The form's closing texts (shown descriptive fields after its last
 * question), as flow_texts.  When there are none, a face shows
 * flow_closing_default(). */
size_t flow_closing(const flow *fl, size_t *idx, size_t max);
/* Who answers: "client" (the default), "therapist" or "observer".  It
 * chooses flow_closing_default's words: a client is told who reads the
 * answers; a therapist or an observer only that they are saved. */
void flow_set_rater(flow *fl, const char *rater);
const char *flow_closing_default(const flow *fl);

/* Where the question on screen stands among the questions shown now:
 * *k of *n.  *exact is 0 when branching could still change the count (a
 * question after this one has branching logic), so a face says "question k
 * of about n". */
void flow_position(const flow *fl, size_t *k, size_t *n, int *exact);
/* The most questions there can be: the ones shown now and every later one
 * that branching may still show (so "question k of at most m" never has to
 * grow). */
size_t flow_most(const flow *fl);
/* The position as both faces word it: "Question 4 of 9", or "Question 4 of
 * at most 14" while branching may still add questions; the count used
 * (9, 14) into *of when not NULL. */
void flow_position_text(const flow *fl, char *buf, size_t size, size_t *of);

/* The answers (in->ncols entries, NULL blank). */
const char *const *flow_values(const flow *fl);
int flow_answered(const flow *fl, size_t field);

/* Answering the question on screen (nothing moves; flow_next moves).
 * Each returns 1 when taken, else 0 with the reason in why (a sentence a
 * respondent reads, e.g. "the answer is 7, allowed 1 to 5").
 *
 * flow_answer_typed: the answer as typed on one line: a choice's code (any
 * case), for yes/no also y, yes, n, no (any case), for true/false also t,
 * true, f, false; for a radio or dropdown also a choice's whole label, and
 * y/yes/n/no for its choices labelled Yes and No; for a checkbox one or more codes separated by commas or
 * spaces; otherwise the value, normalised by its validation.  "" is refused
 * (use flow_clear).
 * flow_answer_columns: the answer as a form posts it: vals[j] for each of
 * the field's columns (a checkbox: non-NULL and not "0"/"" means ticked;
 * other fields: one value, NULL or "" meaning blank, which clears it). */
int flow_answer_typed(flow *fl, const char *typed, char *why, size_t whysz);
int flow_answer_columns(flow *fl, const char *const *vals, char *why, size_t whysz);
/* Clears the answer on screen. */
void flow_clear(flow *fl);

/* Moves on.  Returns 0, with why, when the question on screen is required
 * and has no answer; otherwise 1. */
int flow_next(flow *fl, char *why, size_t whysz);
/* Goes back one question; 0 when there is none before (nothing changes).
 * flow_can_back says beforehand whether it would move. */
int flow_back(flow *fl);
int flow_can_back(const flow *fl);
/* flow_clear then flow_next: 0, with why, for a required question. */
int flow_skip(flow *fl, char *why, size_t whysz);

/* The review: the shown questions in order, up to max field indexes into
 * idx; returns how many.  flow_change(k) (1-based, as listed) goes to that
 * question; 0 when k is out of range. */
size_t flow_review_list(const flow *fl, size_t *idx, size_t max);
int flow_change(flow *fl, size_t k);
/* Jumps to the review (from a question whose answer is kept as it is). */
void flow_to_review(flow *fl);

/* "complete" when every shown question other than a notes field has an
 * answer, else "partial". */
const char *flow_status(const flow *fl);
/* The same of an answer set of in (in->ncols, NULL blank, calc columns
 * computed), as a questionnaire saved with those answers would be. */
const char *flow_status_of(const dict_instrument *in, const char *const *vals);

/* The answer to field f as a respondent reads it ("4 Mostly", "1 ..., 3
 * ...", "(skipped)"). */
void flow_answer_text(const dict_instrument *in, const dict_field *f, const char *const *vals, sbuf *out);
/* Whether field f is asked (not calc, not descriptive). */
int flow_is_question(const dict_field *f);

/* Saving: the flow gives rec its answers (calc columns blank, as stored)
 * and status for the call, and the
 * administration is saved (store_admin_save, one transaction).  The flow
 * is then at FLOW_DONE.  A shown required question without an answer is
 * AT_EINVAL: nothing is saved and the flow goes to that question.  On any
 * other failure nothing is saved and the flow is unchanged, so the save can
 * be tried again. */
at_status flow_save(flow *fl, store *s, admin_rec *rec, int replace, const char *who,
                    long *admin_id, long *session_out, at_err *err);
/* Marks the flow saved without saving through it (a face that saved
 * another way). */
void flow_mark_saved(flow *fl);

/* Keeping a flow between requests (a web link resumed after its tab was
 * closed): flow_state_write gives the place and history as a short string
 * (caller frees); flow_state_read restores a new flow from the answers
 * (in->ncols, NULL blank, as flow_values gave them) and that string.
 * Returns 0 when the string does not fit the instrument (the flow then
 * goes to the first shown question without an answer, or the review). */
char *flow_state_write(const flow *fl);
int flow_state_read(flow *fl, const char *const *vals, const char *state);

#endif
