/* expr.h: REDCap's expression language (the subset in DESIGN.md), used by
 * branching logic and calc fields.
 *
 * An expression is parsed once into a tree, bound once to an instrument's
 * columns (so a reference to an unknown field fails at load time), and then
 * evaluated for each answer set.  Strings in a result point into the
 * answers, into the tree, or (text made by a function such as concat or
 * upper) into scratch memory of the calling thread that stays valid until
 * that thread's next expr_eval.
 *
 * The functions are REDCap's special functions: if, sum, mean, min, max,
 * median, stdev, abs, round, roundup, rounddown, sqrt, log, exponential,
 * isnumber, isinteger, isblankormissingcode, datediff, year, month, day,
 * contains, not_contain, starts_with, ends_with, left, right, mid, length,
 * find, replace_text, upper, lower, trim, concat, concat_ws (expr_func.c
 * gives the rules of the newer ones).  Smart variables and references into
 * other events or instances are refused by expr_parse, naming them.
 *
 * Blank rules follow REDCap: arithmetic and comparisons other than = and <>
 * with a blank operand give blank; sum, mean, min and max skip blanks (blank
 * when every argument is blank); [x] = '' is true when x is blank; a blank
 * condition is false.  An unticked checkbox option [x(code)] reads as 0, as
 * in REDCap, even when its cell is blank.  Division by zero, sqrt of a
 * negative number and overflow give blank.
 *
 * Details REDCap leaves open: ^ groups right to left (2^3^2 = 512); round()
 * takes halves away from zero, roundup() goes towards +infinity and
 * rounddown() towards -infinity; all three first take x * 10^d to 15
 * significant digits, so round(2.675, 2) is 2.68. */
#ifndef ATTUNE_EXPR_H
#define ATTUNE_EXPR_H

#include <stddef.h>
#include "util.h"

typedef struct expr expr;

typedef enum xval_kind { XV_BLANK, XV_NUM, XV_STR } xval_kind;

typedef struct xval {
    xval_kind kind;
    double num;        /* XV_NUM */
    const char *str;   /* XV_STR: borrowed */
} xval;

/* Parses src.  On error returns AT_EINVAL, sets *errpos to the 1-based
 * character position and writes the reason into err.  The caller owns *out
 * and frees it with expr_free. */
at_status expr_parse(const char *src, expr **out, size_t *errpos, at_err *err);

void expr_free(expr *e);

/* Resolves a reference [field] (code == NULL) or [field(code)] to a column
 * index of the answer array; returns -1 when there is no such column. */
typedef long (*expr_resolve_fn)(const char *field, const char *code, void *ctx);

/* Binds every reference in e; on the first unknown one returns AT_EINVAL with
 * a message naming it (e.g. "unknown field 'sesion'"). */
at_status expr_bind(expr *e, expr_resolve_fn resolve, void *ctx, at_err *err);

/* Evaluates a bound expression.  vals[i] is the answer in column i as REDCap
 * stores it, NULL or "" for blank.  A string that parses as a number is a
 * number in arithmetic and comparisons. */
xval expr_eval(const expr *e, const char *const *vals);

/* Truth of a value: blank is false, a number is true when non-zero, a string
 * is true when it is a non-zero number or "true" (case-insensitive). */
int xval_truthy(xval v);

/* The number v stands for in arithmetic: a number, or text that is a plain
 * decimal number (sign, digits, point, exponent; not hex, inf or nan).
 * Returns 1 and stores it in *out, or 0 for blank and other text. */
int xval_number(xval v, double *out);

/* Writes v as REDCap would store it: blank -> "", numbers without a trailing
 * ".0" and with up to 15 significant digits.  Returns buf. */
const char *xval_format(xval v, char buf[64]);

/* Calls fn for every column referenced by a bound expression (repeats allowed). */
void expr_each_ref(const expr *e, void (*fn)(long col, void *ctx), void *ctx);

/* When e is a scale expression, sum(...), mean(...) or a chain of +, stores
 * its terms (borrowed pointers into e; the caller frees only the array) and
 * whether it is a mean, and returns the number of terms.  Returns 0 for any
 * other expression. */
size_t expr_scale_terms(const expr *e, const expr ***terms, int *is_mean);

/* How a scale expression's value follows from its terms' values, so that
 * scoring, which needs each term's value anyway, need not evaluate the
 * terms a second time: sum(...) or mean(...) of them, or a + chain that
 * adds them left to right (([a] + [b]) + [c]); EXPR_SCALE_OTHER for any
 * other expression, such as [a] + ([b] + [c]), whose additions go in
 * another order. */
typedef enum expr_scale_form {
    EXPR_SCALE_OTHER, EXPR_SCALE_SUM, EXPR_SCALE_MEAN, EXPR_SCALE_PLUS
} expr_scale_form;

/* The form of e, a scale expression (expr_scale_terms gives its terms). */
expr_scale_form expr_scale_form_of(const expr *e);

/* The value of a scale of form (not EXPR_SCALE_OTHER) from its n terms'
 * values: ok[i] says whether term i is a number (xval_number), x[i] is
 * then that number.  Gives what xval_number(expr_eval(scale)) gives: the
 * same additions in the same order, the same blanks (sum and mean skip
 * terms that are not numbers and are blank when none is; a + chain is
 * blank when a term is, or when a partial sum overflows).  Returns 1 and
 * stores the number, or 0 for blank. */
int expr_scale_value(expr_scale_form form, const double *x, const unsigned char *ok, size_t n,
                     double *out);

/* An item term of the forms [q] and (K - [q]), q a field or a checkbox
 * option, compiled so that its value is read without walking the tree. */
typedef struct expr_item {
    const expr *e;          /* the term (borrowed) */
    long col;               /* the column q is bound to; -1: not of these forms */
    int reverse;            /* K - [q] */
    int checkbox;           /* [q(code)]: an unticked option reads 0 */
    double k;
} expr_item;

/* Compiles bound expression e into *out; returns 0 (and out->col -1, the
 * term then evaluated as an expression) when e is not of the forms
 * expr_item takes. */
int expr_item_compile(const expr *e, expr_item *out);

/* The values of n terms: ok[i] and x[i] are what xval_number(expr_eval(
 * items[i].e, vals), &x[i]) gives, exactly, with x[i] NaN where ok[i] is
 * 0.  Returns how many are numbers. */
size_t expr_items_number(const expr_item *items, size_t n, const char *const *vals, double *x,
                         unsigned char *ok);

#endif
