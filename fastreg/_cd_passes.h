/* C helpers of fastreg's compiled kernels: the OpenMP thread count and the
   vectorized column statistics of column_stats (included by _cd_passes.pxd). */
#ifndef FASTREG_CD_PASSES_H
#define FASTREG_CD_PASSES_H

#include <Python.h>

#ifdef _OPENMP
#include <omp.h>
static inline int fastreg_max_threads(void) { return omp_get_max_threads(); }
#else
static inline int fastreg_max_threads(void) { return 1; }
#endif

/* Column sum, sum of squares (and dot product with y), in one pass over x,
   memory-bound: four partial sums of each kind in two-lane vectors (GCC and Clang
   vector extensions; elsewhere, plain loops), so that no addition waits on the
   one before (C's order of additions would chain them all). */
#if defined(__GNUC__) || defined(__clang__)
typedef double fastreg_v2d __attribute__((vector_size(16)));
#define FASTREG_SUMS_BODY(T)                                                      \
    fastreg_v2d s0 = {0, 0}, s1 = {0, 0}, q0 = {0, 0}, q1 = {0, 0};               \
    fastreg_v2d d0 = {0, 0}, d1 = {0, 0};                                         \
    double s, q, d;                                                               \
    Py_ssize_t i = 0;                                                             \
    for (; i + 4 <= n; i += 4) {                                                  \
        fastreg_v2d a = {(double) x[i], (double) x[i + 1]};                       \
        fastreg_v2d b = {(double) x[i + 2], (double) x[i + 3]};                   \
        s0 += a; s1 += b; q0 += a * a; q1 += b * b;                               \
        if (y != NULL) {                                                          \
            fastreg_v2d c = {(double) y[i], (double) y[i + 1]};                   \
            fastreg_v2d e = {(double) y[i + 2], (double) y[i + 3]};               \
            d0 += a * c; d1 += b * e;                                             \
        }                                                                         \
    }                                                                             \
    s = (s0[0] + s0[1]) + (s1[0] + s1[1]);                                        \
    q = (q0[0] + q0[1]) + (q1[0] + q1[1]);                                        \
    d = (d0[0] + d0[1]) + (d1[0] + d1[1]);
#else
#define FASTREG_SUMS_BODY(T) double s = 0, q = 0, d = 0; Py_ssize_t i = 0;
#endif
#define FASTREG_SUMS_FN(NAME, T)                                                  \
static inline void NAME(const T* x, const T* y, Py_ssize_t n, double* s_out,             \
                 double* q_out, double* d_out) {                                  \
    FASTREG_SUMS_BODY(T)                                                          \
    for (; i < n; i++) {                                                          \
        double v = x[i];                                                          \
        s += v; q += v * v;                                                       \
        if (y != NULL) d += v * (double) y[i];                                    \
    }                                                                             \
    *s_out = s; *q_out = q; *d_out = d;                                           \
}
FASTREG_SUMS_FN(fastreg_sums_dot_d, double)
FASTREG_SUMS_FN(fastreg_sums_dot_f, float)

#endif
