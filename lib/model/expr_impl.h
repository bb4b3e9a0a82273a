/* expr_impl.h: the expression tree, shared by the parser (expr.c) and the
 * evaluator (expr_eval.c).  Not part of the public interface. */
#ifndef ATTUNE_EXPR_IMPL_H
#define ATTUNE_EXPR_IMPL_H

#include "expr.h"
#include <math.h>

/* The highest tree the parser builds (levels of operands below the top);
 * evaluation keeps a stack of this many frames. */
#define EXPR_MAX_HEIGHT 100

/* Operator kinds; the parser relies on each precedence level being a
 * contiguous range (ADD..SUB, MUL..DIV, EQ..GE). */
typedef enum nkind {
    N_NUM, N_STR, N_REF, N_NEG, N_NOT,
    N_ADD, N_SUB, N_MUL, N_DIV, N_POW,
    N_EQ, N_NE, N_LT, N_LE, N_GT, N_GE,
    N_AND, N_OR, N_CALL
} nkind;

/* Functions up to F_SQRT are evaluated step by step in expr_eval.c; from
 * F_MEDIAN on, every argument is evaluated first and expr_apply (expr_func.c)
 * computes the value from them. */
typedef enum fnid {
    F_IF, F_SUM, F_MEAN, F_MIN, F_MAX, F_ABS, F_ROUND, F_ROUNDUP, F_ROUNDDOWN, F_SQRT,
    F_MEDIAN, F_STDEV, F_LOG, F_EXPONENTIAL, F_ISNUMBER, F_ISINTEGER, F_ISBLANK,
    F_DATEDIFF, F_YEAR, F_MONTH, F_DAY,
    F_CONTAINS, F_NOT_CONTAIN, F_STARTS_WITH, F_ENDS_WITH, F_LEFT, F_RIGHT, F_MID,
    F_LENGTH, F_FIND, F_REPLACE_TEXT, F_UPPER, F_LOWER, F_TRIM, F_CONCAT, F_CONCAT_WS
} fnid;

struct expr_func {
    const char *name;
    fnid id;
    int minargs, maxargs;     /* maxargs -1: any number */
};

extern const struct expr_func expr_funcs[];
extern const size_t expr_nfuncs;

/* Computes function fn (F_MEDIAN or later) from its n evaluated arguments;
 * expr_apply_text does it for the text functions (expr_text.c). */
xval expr_apply(fnid fn, const xval *args, size_t n);
xval expr_apply_text(fnid fn, const xval *args, size_t n);

/* Text of n bytes copied into the scratch memory, blank when n is 0; and
 * the text a value stands for ("" for blank, a number as REDCap writes it,
 * in the scratch memory). */
xval expr_text_n(const char *s, size_t n);
const char *expr_text_of(xval v);

/* Scratch memory for one evaluation: text made by functions and argument
 * lists.  expr_scratch_reset frees what the previous evaluation on this
 * thread took; expr_scratch returns n bytes (aligned for any type) that stay
 * valid until the next reset on this thread.  Never fails (xmalloc). */
void expr_scratch_reset(void);
void *expr_scratch(size_t n);

/* Whether a text is a date, a date and time, or a time of day that
 * datediff() takes: Y-M-D (or M-D-Y / D-M-Y when order is 'm' / 'd'), with
 * an optional HH:MM or HH:MM:SS, or a time HH:MM[:SS] alone, or 'today' and
 * 'now'.  Stores its seconds since 1970-01-01 (a time alone: since
 * midnight) and returns 1; returns 0 otherwise. */
int expr_moment(const char *s, char order, double *secs);

struct expr {
    nkind kind;
    fnid fn;                  /* N_CALL */
    double num;               /* N_NUM */
    char *str;                /* N_STR: the text; N_REF: the field name */
    char *code;               /* N_REF: the checkbox option, NULL otherwise */
    long col;                 /* N_REF: the bound column, -1 before binding */
    expr **kids;              /* operands or arguments */
    size_t nkids;
    size_t pos;               /* byte offset in the source */
    size_t height;            /* levels of operands below: 0 for a leaf */
};

/* Values: blank; a number (NaN and infinities, as from 0/0, sqrt(-1) or an
 * overflow, are blank); a truth value as 1 or 0. */
static inline xval xv_blank(void)
{
    xval v = { XV_BLANK, 0.0, NULL };
    return v;
}

static inline xval xv_number(double x)
{
    if (!isfinite(x))
        return xv_blank();
    xval v = { XV_NUM, x, NULL };
    return v;
}

static inline xval xv_truth(int b)
{
    return xv_number(b ? 1.0 : 0.0);
}

#endif
