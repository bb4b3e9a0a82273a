/* expr_impl.h: the expression tree, shared by the parser (expr.c) and the
 * evaluator (expr_eval.c).  Not part of the public interface. */
#ifndef ATTUNE_EXPR_IMPL_H
#define ATTUNE_EXPR_IMPL_H

#include "expr.h"

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

typedef enum fnid {
    F_IF, F_SUM, F_MEAN, F_MIN, F_MAX, F_ABS, F_ROUND, F_ROUNDUP, F_ROUNDDOWN, F_SQRT
} fnid;

struct expr_func {
    const char *name;
    fnid id;
    int minargs, maxargs;     /* maxargs -1: any number */
};

extern const struct expr_func expr_funcs[];
extern const size_t expr_nfuncs;

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

#endif
