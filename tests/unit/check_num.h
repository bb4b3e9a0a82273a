/* check_num.h: comparing numbers with their references in unit tests
 * (include after cmocka.h).  A failure names the expression, the line, the
 * value got and the value wanted with 17 significant digits. */
#ifndef ATTUNE_CHECK_NUM_H
#define ATTUNE_CHECK_NUM_H

#include <math.h>

#define NA NAN
#define REL 1e-9      /* relative tolerance where the arithmetic is the same */

static inline void check_close_at(double got, double want, double rel, const char *what, int line)
{
    double tol = rel * fmax(fabs(want), 1e-300);
    if (!(fabs(got - want) <= tol))
        fail_msg("line %d: %s is %.17g, want %.17g (rel tol %g)", line, what, got, want, rel);
}
/* got within rel (relative) of want */
#define check_close(got, want, rel) check_close_at((got), (want), (rel), #got, __LINE__)

static inline void check_abs_at(double got, double want, double tol, const char *what, int line)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("line %d: %s is %.17g, want %.17g (abs tol %g)", line, what, got, want, tol);
}
/* got within tol (absolute) of want */
#define check_abs(got, want, tol) check_abs_at((got), (want), (tol), #got, __LINE__)

#define check_nan(v)                                                                          \
    do {                                                                                      \
        if (!isnan(v))                                                                        \
            fail_msg("line %d: %s is %.17g, want NaN", __LINE__, #v, (v));                    \
    } while (0)

#endif
