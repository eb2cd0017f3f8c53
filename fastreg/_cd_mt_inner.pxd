"""The multi-task kernel's block updates on a working set (see _cd_mt_inner.pyx) and
the inline helpers on rows of T values that it shares with _cd_multitask.pyx: squared
norms, the group duality gap from its scalar ingredients, columns of X, R^T x and rank-1
updates. Layouts as in _cd_multitask.pyx: X (n, p) and R (n, T) Fortran, rows of T
values per feature or working-set position."""
from cython cimport floating

from ._blas cimport _dot, _axpy
from ._cd_problem cimport Problem, Inner


cdef inline double _sq(int T, const floating* a) noexcept nogil:
    """||a||^2 accumulated in double precision."""
    cdef double s = 0
    cdef int t
    for t in range(T):
        s += <double> a[t] * a[t]
    return s


cdef inline double _sq_shift(int T, const floating* g, double c,
                             const floating* w) noexcept nogil:
    """||g - c w||^2 in double precision."""
    cdef double s = 0, v
    cdef int t
    for t in range(T):
        v = g[t] - c * w[t]
        s += v * v
    return s


cdef inline double _gap(double l1, double l2, double w_l21, double w_l2sq, double RR,
                        double Ry, double dnorm, double XtR_sq) noexcept nogil:
    """Duality gap from its scalar ingredients (the one formula every mode uses).

    w_l21 = sum_j ||W_j||, dnorm = max_j ||x_j^T R - l2 W_j||, XtR_sq = ||X^T R||_F^2
    (only used when l1 = 0).
    """
    cdef double primal, s
    if l1 > 0:
        primal = 0.5 * (RR + l2 * w_l2sq) + l1 * w_l21
        s = l1 / dnorm if dnorm > l1 else 1.0
        return primal - (-0.5 * s * s * (RR + l2 * w_l2sq) + s * Ry)
    if l2 > 0:
        return RR + 0.5 * l2 * w_l2sq - Ry + XtR_sq / (2 * l2)
    return XtR_sq


cdef inline floating* _xcol(Problem* P, floating* X, int j) noexcept nogil:
    """Column j of X = P.X (Fortran)."""
    return X + <size_t> j * P.cs


cdef inline void _xtr(int n, int T, const floating* R, const floating* x,
                      floating* z) noexcept nogil:
    """z = R.T @ x, R column-major (n, T): one dot per task (cheaper than a GEMV call
    for the small T of multi-task problems)."""
    cdef int t
    for t in range(T):
        # z[t] = x @ R[:, t]
        z[t] = _dot(n, x, R + <size_t> t * n)


cdef inline void _rank1(int n, int T, const floating* x, const floating* d,
                        floating* R) noexcept nogil:
    """R += outer(x, d), R column-major (n, T): one axpy per nonzero d[t]."""
    cdef int t
    for t in range(T):
        if d[t] != 0:
            # R[:, t] += d[t] * x
            _axpy(n, d[t], x, R + <size_t> t * n)


cdef void _sweep(Problem* P, Inner* S, const int* pos, int k, floating* wW) noexcept nogil
cdef void _inner_gaps(Problem* P, Inner* S, floating* wW, double* gap_W,
                      double* gap_A) noexcept nogil
cdef void _anderson_accept(Problem* P, Inner* S, int nA, floating* wW) noexcept nogil
