"""Column access: the kernel touches X only through these (inlined) helpers.

Also the feature lists of a solve (nonzero columns, support).

Dense X: x~_j = X[:, j] - Xmean[j] (Xmean NULL: X[:, j]), Fortran or C order (the
strides P.rs, P.cs). Sparse X: x~_j = X[:, j] - Q B[:, j], with the CSC column X[:, j]
and the dense low-rank part Q B (r = 0: none). Lazy Gram matrix: column j of G at
slot[j] (GramCache, _cd_common.pxd).
"""
from cython cimport floating
from libc.stdint cimport int64_t
from libc.string cimport memset, memcpy

from ._blas cimport _dot, _axpy, _copy
from ._cd_common cimport _dsum_dot
from ._cd_problem cimport Problem


cdef inline double _sdot(Problem* P, int j, const floating* v) noexcept nogil:
    """X[:, j] @ v for a sparse column (without the low-rank part)."""
    cdef floating* data = <floating*> P.Xdata
    cdef int* ind = P.Xind
    cdef int64_t k = P.Xptr[j], end = P.Xptr[j + 1]
    cdef double a0 = 0, a1 = 0, a2 = 0, a3 = 0
    # four partial sums: the additions of one column do not wait for each other
    while k + 4 <= end:
        a0 += data[k] * v[ind[k]]
        a1 += data[k + 1] * v[ind[k + 1]]
        a2 += data[k + 2] * v[ind[k + 2]]
        a3 += data[k + 3] * v[ind[k + 3]]
        k += 4
    while k < end:
        a0 += data[k] * v[ind[k]]
        k += 1
    return (a0 + a1) + (a2 + a3)


cdef inline double _bdot(Problem* P, const floating* B, int j,
                         const double* t) noexcept nogil:
    """B[:, j] @ t, with B = P.B (r, p)"""
    cdef const floating* b = B + <size_t> j * P.r
    cdef double acc = 0
    cdef int k
    for k in range(P.r):
        acc += b[k] * t[k]
    return acc


cdef inline void _qtdot(Problem* P, const floating* v, double* t) noexcept nogil:
    """t = Q^T v"""
    cdef int k
    for k in range(P.r):
        t[k] = _dsum_dot(P.n, (<floating*> P.Q) + <size_t> k * P.n, v)


cdef inline double _vsum(int n, const floating* v) noexcept nogil:
    """sum(v) in four independent double sums."""
    cdef double a0 = 0, a1 = 0, a2 = 0, a3 = 0
    cdef int i, n4 = n - n % 4
    for i in range(0, n4, 4):
        a0 += v[i]
        a1 += v[i + 1]
        a2 += v[i + 2]
        a3 += v[i + 3]
    for i in range(n4, n):
        a0 += v[i]
    return (a0 + a1) + (a2 + a3)


cdef inline double _cdot(int n, const floating* x, floating mu,
                         const floating* v) noexcept nogil:
    """(x - mu) @ v over n contiguous entries, in four independent double sums (the
    same terms as one running sum, in another order)."""
    cdef double a0 = 0, a1 = 0, a2 = 0, a3 = 0
    cdef int i, n4 = n - n % 4
    for i in range(0, n4, 4):
        a0 += (x[i] - mu) * v[i]
        a1 += (x[i + 1] - mu) * v[i + 1]
        a2 += (x[i + 2] - mu) * v[i + 2]
        a3 += (x[i + 3] - mu) * v[i + 3]
    for i in range(n4, n):
        a0 += (x[i] - mu) * v[i]
    return (a0 + a1) + (a2 + a3)


cdef inline double _xdot(Problem* P, int j, const floating* v) noexcept nogil:
    """x~_j @ v, with x~_j the column as the kernel sees it (centered, corrected)."""
    cdef floating* x
    cdef floating mu
    cdef double acc = 0
    cdef size_t i, rs = P.rs
    cdef int k
    if P.sparse:
        acc = _sdot(P, j, v)
        for k in range(P.r):
            acc -= (<floating*> P.B)[<size_t> j * P.r + k] * \
                _dsum_dot(P.n, (<floating*> P.Q) + <size_t> k * P.n, v)
        return acc
    x = (<floating*> P.X) + <size_t> j * P.cs
    if P.Xmean == NULL and rs == 1:
        # x @ v
        return _dot(P.n, x, v)
    mu = 0 if P.Xmean == NULL else (<floating*> P.Xmean)[j]
    if rs == 1 and floating is double:
        # (x - mu) @ v = x @ v - mu sum(v): BLAS on the column (float64 only: implicit
        # centering is used only where the means do not dwarf the spreads, and v = R
        # sums to about 0)
        return _dot(P.n, x, v) - mu * _vsum(P.n, v)
    if rs == 1:
        return _cdot(P.n, x, mu, v)
    for i in range(<size_t> P.n):
        acc += (x[i * rs] - mu) * v[i]
    return acc


cdef inline void _xdots(Problem* P, const int* feats, int k, const floating* v,
                        floating* out) noexcept nogil:
    """out[i] = x~_j @ v for j = feats[i] (the low-rank part of Q^T v computed once)."""
    cdef int i
    if P.sparse:
        _qtdot(P, v, P.tbuf)
        for i in range(k):
            out[i] = <floating> (_sdot(P, feats[i], v) -
                                 _bdot(P, <floating*> P.B, feats[i], P.tbuf))
    else:
        for i in range(k):
            out[i] = <floating> _xdot(P, feats[i], v)


cdef inline void _saxpy(Problem* P, int j, floating a, floating* v) noexcept nogil:
    """v += a * X[:, j] for a sparse column (without the low-rank part)."""
    cdef floating* data = <floating*> P.Xdata
    cdef int64_t kk
    for kk in range(P.Xptr[j], P.Xptr[j + 1]):
        v[P.Xind[kk]] += a * data[kk]


cdef inline void _xaxpy(Problem* P, int j, floating a, floating* v) noexcept nogil:
    """v += a * x~_j"""
    cdef floating* x
    cdef floating* data
    cdef floating mu
    cdef size_t i, rs = P.rs
    cdef int64_t kk
    cdef int k
    if P.sparse:
        data = <floating*> P.Xdata
        for kk in range(P.Xptr[j], P.Xptr[j + 1]):
            v[P.Xind[kk]] += a * data[kk]
        for k in range(P.r):
            # v -= a * B[k, j] * Q[:, k]
            _axpy(P.n, -a * (<floating*> P.B)[<size_t> j * P.r + k],
                  (<floating*> P.Q) + <size_t> k * P.n, v)
        return
    x = (<floating*> P.X) + <size_t> j * P.cs
    if P.Xmean == NULL and rs == 1:
        # v += a * x
        _axpy(P.n, a, x, v)
        return
    mu = 0 if P.Xmean == NULL else (<floating*> P.Xmean)[j]
    if rs == 1 and floating is double:
        # v += a x (BLAS), then v -= a mu (a pass over v alone, in cache)
        _axpy(P.n, a, x, v)
        mu = a * mu
        for i in range(<size_t> P.n):
            v[i] -= mu
        return
    if rs == 1:
        # (unit stride: a loop the compiler vectorizes)
        for i in range(<size_t> P.n):
            v[i] += a * (x[i] - mu)
        return
    for i in range(<size_t> P.n):
        v[i] += a * (x[i * rs] - mu)


cdef inline void _xcopy(Problem* P, int j, floating* v) noexcept nogil:
    """v[:] = x~_j"""
    cdef floating* x
    cdef floating mu
    cdef size_t i, rs = P.rs
    if P.sparse:
        memset(v, 0, <size_t> P.n * sizeof(floating))
        _xaxpy(P, j, 1, v)
        return
    x = (<floating*> P.X) + <size_t> j * P.cs
    if P.Xmean == NULL and rs == 1:
        # v[:] = x
        _copy(P.n, x, v)
        return
    mu = 0 if P.Xmean == NULL else (<floating*> P.Xmean)[j]
    for i in range(<size_t> P.n):
        v[i] = x[i * rs] - mu


cdef inline void _xcopy_rows(Problem* P, int j, int r0, int r1, floating* v) noexcept nogil:
    """v[:r1 - r0] = x~_j[r0:r1] (dense X)"""
    cdef floating* x = (<floating*> P.X) + <size_t> j * P.cs
    cdef floating mu = 0 if P.Xmean == NULL else (<floating*> P.Xmean)[j]
    cdef size_t i, rs = P.rs
    if mu == 0 and rs == 1:
        memcpy(v, x + r0, <size_t> (r1 - r0) * sizeof(floating))
        return
    for i in range(<size_t> r0, <size_t> r1):
        v[i - r0] = x[i * rs] - mu


cdef inline int _all_features(Problem* P, int* feats) noexcept nogil:
    """feats[:k] = the features with a nonzero column (P.nz); returns k."""
    memcpy(feats, P.nz, <size_t> P.n_nz * sizeof(int))
    return P.n_nz


cdef inline int _support(const int* feats, int k, floating* w, int* supp) noexcept nogil:
    """supp[:s] = the features of feats[:k] with a nonzero coefficient; returns s."""
    cdef int i, s = 0
    for i in range(k):
        if w[feats[i]] != 0:
            supp[s] = feats[i]
            s += 1
    return s
