"""Passes over all of a dense X, split between OpenMP threads, and the column statistics.

The passes over all of a dense X (gradient, residual, the block G[W, W]) are split into
P.n_threads chunks run on OpenMP threads, each calling single-threaded BLAS (the kernel
runs with BLAS limited to one thread: coordinate updates are too short to share).
Passes below PAR_MIN elements stay on one thread: a path makes hundreds of them, and a
second thread pays only when the pass is long enough to absorb the start of each
parallel region and a core still busy elsewhere (BLAS threads of a preceding NumPy
product keep spinning for a while; a short region can wait a whole scheduler time
slice for a thread whose core is taken).
"""
from cython cimport floating
from cython.parallel cimport prange
from libc.stdint cimport int64_t

import numpy as np

from ._blas cimport _axpy, _copy, _gemv_t, _gemv_n
from ._cd_problem cimport Problem, NAIVE, PAR_MIN_ONCE, PAR_MIN_STATS
from ._cd_common cimport _gcol
from ._cd_columns cimport _sdot, _bdot, _qtdot, _xdot, _xaxpy


cdef void _grad_dense(Problem* P, floating* R, floating* g) noexcept nogil:
    """g = X^T R for every column of a dense X (no centering)."""
    cdef floating* X = <floating*> P.X
    cdef int T = _chunks(P, <double> P.n * P.p), t, c0, c1
    if T == 1:
        if P.rs == 1:
            # g = X.T @ R  (Fortran X)
            _gemv_t(P.n, P.p, 1.0, X, P.n, R, 0.0, g)
        else:
            # g = X.T @ R  (C X: the Fortran view X.T of shape (p, n))
            _gemv_n(P.p, P.n, 1.0, X, P.p, R, 0.0, g)
        return
    for t in prange(T, num_threads=T, schedule="static"):
        c0 = <int> ((<int64_t> P.p * t) // T)
        c1 = <int> ((<int64_t> P.p * (t + 1)) // T)
        if c1 > c0:
            if P.rs == 1:
                # g[c0:c1] = X[:, c0:c1].T @ R
                _gemv_t(P.n, c1 - c0, 1.0, X + <size_t> c0 * P.n, P.n, R, 0.0, g + c0)
            else:
                # g[c0:c1] = X[:, c0:c1].T @ R  (C X)
                _gemv_n(c1 - c0, P.n, 1.0, X + c0, P.p, R, 0.0, g + c0)


cdef void _residual(Problem* P, floating* w, const int* supp, int n_supp,
                    floating* R) noexcept nogil:
    """R = y - X~[:, supp] @ w[supp], afresh."""
    cdef int T = 1, t, i, j, r0, r1
    cdef double shift
    if not P.sparse and P.rs == 1:
        T = _chunks(P, <double> P.n * n_supp, PAR_MIN_ONCE)
    if T == 1:
        # R = y
        _copy(P.n, <floating*> P.y, R)
        for i in range(n_supp):
            j = supp[i]
            _xaxpy(P, j, -w[j], R)
        return
    # dense Fortran X, by blocks of rows: R_b = y_b - X_b w + (Xmean @ w)
    shift = 0
    if P.Xmean != NULL:
        for i in range(n_supp):
            shift += <double> (<floating*> P.Xmean)[supp[i]] * w[supp[i]]
    for t in prange(T, num_threads=T, schedule="static"):
        r0 = <int> ((<int64_t> P.n * t) // T)
        r1 = <int> ((<int64_t> P.n * (t + 1)) // T)
        _row_block_residual(P, w, supp, n_supp, r0, r1, <floating> shift, R)


cdef void _row_block_residual(Problem* P, floating* w, const int* supp, int n_supp,
                              int r0, int r1, floating shift, floating* R) noexcept nogil:
    cdef int i, j, r
    cdef floating* X = <floating*> P.X
    if r1 <= r0:
        return
    # R[r0:r1] = y[r0:r1]
    _copy(r1 - r0, (<floating*> P.y) + r0, R + r0)
    for i in range(n_supp):
        j = supp[i]
        # R[r0:r1] -= w[j] * X[r0:r1, j]
        _axpy(r1 - r0, -w[j], X + <size_t> j * P.n + r0, R + r0)
    if shift != 0:
        for r in range(r0, r1):
            R[r] += shift


cdef void _full_grad(Problem* P, floating* w, floating* R, floating* g,
                     const int* feats, int k, int n_supp, const int* supp) noexcept nogil:
    """g[j] = x_j^T R for j in feats (naive), or g = X^T y - G w (Gram, all features)."""
    cdef int i, j, s
    cdef floating* col
    cdef double rsum
    if P.mode == NAIVE:
        if P.sparse:
            # g = X.T @ R - B.T @ (Q.T @ R)
            _qtdot(P, R, P.tbuf)
            for i in range(k):
                j = feats[i]
                g[j] = <floating> (_sdot(P, j, R) - _bdot(P, <floating*> P.B, j, P.tbuf))
        elif 8 * k >= P.p:
            # one gemv over every column beats k separate dots unless few are kept
            # (entries outside feats are harmless: they are read only after their
            # own recomputation)
            # g = X.T @ R - Xmean * sum(R)
            _grad_dense(P, R, g)
            if P.Xmean != NULL:
                rsum = 0
                for i in range(P.n):
                    rsum += R[i]
                for j in range(P.p):
                    g[j] -= <floating> ((<floating*> P.Xmean)[j] * rsum)
        else:
            for i in range(k):
                j = feats[i]
                g[j] = <floating> _xdot(P, j, R)
    else:
        # g = Xy - G[:, supp] @ w[supp]
        _copy(P.p, <floating*> P.Xy, g)
        for i in range(n_supp):
            s = supp[i]
            col = _gcol(&P.G, <floating*> P.G.Gcols, s)
            # g -= w[s] * G[:, s]
            _axpy(P.p, -w[s], col, g)


cdef inline void _column_sums_dot(const floating* x, const floating* y, Py_ssize_t n,
                                  double* s_out, double* q_out,
                                  double* d_out) noexcept nogil:
    if floating is float:
        fastreg_sums_dot_f(x, y, n, s_out, q_out, d_out)
    else:
        fastreg_sums_dot_d(x, y, n, s_out, q_out, d_out)


def column_stats(const floating[::1, :] X, const floating[::1] y=None):
    """Column sums and sums of squares of a Fortran X, in one pass (float64); with y,
    X^T y from the same pass.

    Returns (sums, sumsq, finite, Xty): ``finite`` is False when a sum is not finite,
    which NaN or infinity in X always cause (and, as a false alarm, squares
    overflowing); ``Xty`` is None without y. One pass replaces four (a finiteness
    check, the means, the norms, the first gradient) for the implicitly centered fits
    of tall X, where reading X dominates; the columns are shared among OpenMP threads.
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1], j
    sums = np.empty(p, dtype=np.float64)
    sumsq = np.empty(p, dtype=np.float64)
    xty = np.zeros(p, dtype=np.float64)
    cdef double[::1] s_v = sums, q_v = sumsq, d_v = xty
    cdef int T = fastreg_max_threads() if <double> n * p >= PAR_MIN_STATS else 1
    cdef bint with_y = y is not None
    if with_y and y.shape[0] != n:
        raise ValueError("y must have X.shape[0] entries")
    if p > 0 and n > 0:
        with nogil:
            for j in prange(p, num_threads=T, schedule="static"):
                _column_sums_dot(&X[0, j], &y[0] if with_y else NULL, n, &s_v[j],
                                 &q_v[j], &d_v[j])
    else:
        sums[:] = 0
        sumsq[:] = 0
    finite = bool(np.all(np.isfinite(sums)) and np.all(np.isfinite(sumsq)))
    return sums, sumsq, finite, (xty if with_y else None)


cdef enum:
    # the tiles of center_into_fortran: 64 bytes of rows (one cache line of each output
    # column written whole) by TRANSPOSE_COLS columns (measured, 1000 x 600 float64:
    # 0.26 ms against 0.85 with 64 x 64 tiles and 0.95 for NumPy's strided copy)
    TRANSPOSE_LINE = 64
    TRANSPOSE_COLS = 128


def center_into_fortran(const floating[:, :] X, const floating[::1] offset,
                        floating[:, :] out):
    """out = X - offset (offset (p,), broadcast over the rows) for X with contiguous
    rows (a C-ordered array or a block of its columns) into out with contiguous
    columns (Fortran, or a block of its columns), by tiles: the same elementwise subtraction as
    np.subtract(X, offset, out=out), hence the same bits, without NumPy's strided
    transposition (about 2-4x slower on 1000 x 600 / 4000 x 600). One thread; the
    caller splits a large X in blocks of columns (_blocks: interruptible between)."""
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1], i0, i1, j0, j1, i, j
    cdef Py_ssize_t rs = X.strides[0] // sizeof(floating)
    cdef Py_ssize_t cs = out.strides[1] // sizeof(floating)
    cdef Py_ssize_t xs = X.strides[1] // sizeof(floating)
    cdef Py_ssize_t os = out.strides[0] // sizeof(floating)
    cdef const floating* x
    cdef floating* o
    cdef floating c
    cdef Py_ssize_t ti = TRANSPOSE_LINE // sizeof(floating)
    if offset.shape[0] != p or out.shape[0] != n or out.shape[1] != p:
        raise ValueError("center_into_fortran: X, offset and out do not match")
    # (a dimension of length 1 has any stride)
    if (p > 1 and xs != 1) or (n > 1 and (os != 1 or rs < 0)) or (p > 1 and cs < 0):
        raise ValueError("center_into_fortran: X must have contiguous rows, out "
                         "contiguous columns")
    if n == 0 or p == 0:
        return
    x = &X[0, 0]
    o = &out[0, 0]
    with nogil:
        i0 = 0
        while i0 < n:
            i1 = min(i0 + ti, n)
            j0 = 0
            while j0 < p:
                j1 = min(j0 + TRANSPOSE_COLS, p)
                for j in range(j0, j1):
                    c = offset[j]
                    for i in range(i0, i1):
                        o[i + j * cs] = x[i * rs + j] - c
                j0 = j1
            i0 = i1
