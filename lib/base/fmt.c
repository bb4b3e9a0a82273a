/* fmt.c: numbers as text for tables, without printf's cost on the common
 * values.
 *
 * fmt_num must write exactly what printf's "%.15g" writes, as every CSV
 * table goes through it.  Whole numbers under 1e15 are written as integers.
 * Other values from 1e-4 up to 1e15 are rounded to 15 significant digits
 * in exact integer arithmetic: the double is m * 2^e with m < 2^53, and
 * m * 10^s * 2^e for the s that leaves 15 digits before the point is
 * m * 5^s * 2^(e + s), a product under 2^96 and a shift.  The quotient is
 * rounded to nearest with ties to even, as glibc's printf rounds in the
 * default rounding mode, and written in %g's fixed form.  Anything else
 * (and a machine without a 128-bit integer type) goes to snprintf. */
#include "util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

size_t fmt_int(long long x, char buf[32])
{
    char digits[24];
    char *d = digits + sizeof digits;
    /* the magnitude in unsigned arithmetic, so LLONG_MIN has one too */
    unsigned long long u = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;
    do {
        *--d = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t n = 0;
    if (x < 0)
        buf[n++] = '-';
    size_t nd = (size_t)(digits + sizeof digits - d);
    memcpy(buf + n, d, nd);
    n += nd;
    buf[n] = '\0';
    return n;
}

#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 u128;

enum { DIGITS = 15 };
static const uint64_t lo15 = 100000000000000ULL;    /* 10^14: the least 15-digit number */
static const uint64_t hi15 = 1000000000000000ULL;   /* 10^15 */

/* floor(a * 10^s) and how the rest compares with one half (-1, 0, 1) for
 * a = m * 2^e, 2^52 <= m < 2^53, 0 <= s <= 18. */
static uint64_t scaled(uint64_t m, int e, int s, int *half)
{
    static const uint64_t pow5[] = {
        1ULL, 5ULL, 25ULL, 125ULL, 625ULL, 3125ULL, 15625ULL, 78125ULL, 390625ULL,
        1953125ULL, 9765625ULL, 48828125ULL, 244140625ULL, 1220703125ULL, 6103515625ULL,
        30517578125ULL, 152587890625ULL, 762939453125ULL, 3814697265625ULL
    };
    u128 n = (u128)m * pow5[s];
    int sh = e + s;
    *half = -1;
    if (sh >= 0)        /* m >= 2^52, so the product is past 15 digits */
        return UINT64_MAX;
    int k = -sh;
    if (k >= 127)
        return 0;
    u128 one = (u128)1 << k;
    u128 rest = n & (one - 1);
    u128 mid = one >> 1;
    *half = rest < mid ? -1 : rest > mid;
    return (uint64_t)(n >> k);
}

/* %.15g of x, 1e-4 <= |x| < 1e15 and not a whole number; 0 when the
 * rounded value falls outside %g's fixed form (then printf decides). */
static int fmt_exact(double x, char buf[32])
{
    double a = fabs(x);
    int e2;
    double f = frexp(a, &e2);                   /* a = f * 2^e2, 0.5 <= f < 1 */
    uint64_t m = (uint64_t)ldexp(f, 53);        /* exact: a = m * 2^(e2 - 53) */
    int e = e2 - 53;
    /* a is in [2^(e2-1), 2^e2), so floor(log10 a) is this or one more */
    int x10 = (int)floor((e2 - 1) * 0.30102999566398120);
    int half = 0;
    uint64_t q = 0;
    for (int tries = 0; tries < 3; tries++) {
        int s = DIGITS - 1 - x10;
        if (s < 0 || s > 18)
            return 0;
        q = scaled(m, e, s, &half);
        if (q >= hi15)
            x10++;
        else if (q < lo15)
            x10--;
        else
            break;
    }
    if (q < lo15 || q >= hi15)
        return 0;
    if (half > 0 || (half == 0 && (q & 1)))
        q++;
    if (q == hi15) {                            /* 9.99...95 rounds up to 10 */
        q = lo15;
        x10++;
    }
    if (x10 < -4 || x10 >= DIGITS)
        return 0;

    char d[DIGITS];
    for (int i = DIGITS - 1; i >= 0; i--) {
        d[i] = (char)('0' + q % 10);
        q /= 10;
    }
    int nd = DIGITS;                            /* trailing zeros are dropped */
    while (nd > 1 && d[nd - 1] == '0')
        nd--;
    size_t n = 0;
    if (x < 0)
        buf[n++] = '-';
    if (x10 >= 0) {
        int whole = x10 + 1;
        memcpy(buf + n, d, (size_t)whole);
        n += (size_t)whole;
        if (nd > whole) {
            buf[n++] = '.';
            memcpy(buf + n, d + whole, (size_t)(nd - whole));
            n += (size_t)(nd - whole);
        }
    } else {
        buf[n++] = '0';
        buf[n++] = '.';
        for (int i = 0; i < -x10 - 1; i++)
            buf[n++] = '0';
        memcpy(buf + n, d, (size_t)nd);
        n += (size_t)nd;
    }
    buf[n] = '\0';
    return 1;
}
#endif

/* %.15g of x when x * 10 or x * 100 is a whole number (a half, a quarter:
 * many scale means) and |x| < 1e12.  That product m is then within a
 * relative 2^-53 of x * 10^d, and m / 10^d has at most 14 significant
 * digits, so x lies far closer to it than half a step of 15-digit
 * rounding: %.15g writes m / 10^d, without trailing zeros (x * 100 can be
 * whole where x * 10 was not: 0.1 - 2^-56 writes "0.1").  0 otherwise. */
static int fmt_short(double x, char buf[32])
{
    if (!(fabs(x) < 1e12))
        return 0;
    for (int d = 1; d <= 2; d++) {
        double y = x * (d == 1 ? 10.0 : 100.0);
        long long m = (long long)y;
        if ((double)m != y)
            continue;
        unsigned long long u = m < 0 ? 0ULL - (unsigned long long)m : (unsigned long long)m;
        unsigned long long scale = d == 1 ? 10 : 100;
        size_t n = 0;
        if (m < 0)
            buf[n++] = '-';
        n += fmt_int((long long)(u / scale), buf + n);
        char frac[2] = { 0, 0 };
        unsigned long long f = u % scale;
        for (int i = d - 1; i >= 0; i--) {
            frac[i] = (char)('0' + f % 10);
            f /= 10;
        }
        int nf = d;
        while (nf > 0 && frac[nf - 1] == '0')
            nf--;
        if (nf) {
            buf[n++] = '.';
            memcpy(buf + n, frac, (size_t)nf);
            n += (size_t)nf;
        }
        buf[n] = '\0';
        return 1;
    }
    return 0;
}

const char *fmt_num(double x, char buf[32])
{
    if (!isfinite(x)) {
        buf[0] = '\0';
        return buf;
    }
    if (x > -1e15 && x < 1e15) {
        /* a whole number under 1e15 has at most 15 digits, which %.15g
         * writes as an integer; -0 keeps its sign, as %.15g does */
        long long i = (long long)x;
        if ((double)i == x) {
            if (i == 0 && signbit(x))
                memcpy(buf, "-0", 3);
            else
                fmt_int(i, buf);
            return buf;
        }
        if (fmt_short(x, buf))
            return buf;
#ifdef __SIZEOF_INT128__
        if (fabs(x) >= 1e-4 && fmt_exact(x, buf))
            return buf;
#endif
    }
    snprintf(buf, 32, "%.15g", x);
    return buf;
}
