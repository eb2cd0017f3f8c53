"""Entry-point set-up shared by _cd_fast.enet_path and _cd_multitask.multitask_enet_path
(see _cd_entry.pxd). Every buffer is a zeroed NumPy array appended to the caller's
``keep`` list, alive while the kernel runs; the buffers the kernel grows itself (G[W, W],
the slot cache, the centered copy of X_W, the lazy Gram columns, the Cholesky factor)
are given back to the pool (_cd_pool) by _path_free."""
from libc.math cimport sqrt
from libc.stdint cimport uint32_t
from ._cd_pool cimport _pool_alloc, _pool_free

import numpy as np

from ._cd_abort cimport _abort_init, _abort_raise
from ._cd_common cimport ScoreIdx
from ._cd_problem cimport Problem, Inner, GRAM, ANDERSON_K


cdef int _check_path(int n_alphas, int n_l2s, int n_gaps, int n_iters,
                     int max_iter) except -1:
    """The per-alpha arrays have one entry per alpha; max_iter >= 1."""
    if n_l2s != n_alphas or n_gaps != n_alphas or n_iters != n_alphas:
        raise ValueError("l1s, l2s, gaps and n_iters must have the same length")
    if max_iter < 1:
        raise ValueError("max_iter must be >= 1")
    return 0


cdef int _check_blas_sizes(size_t largest, str kernel) except -1:
    """BLAS takes int sizes: every matrix must have fewer than 2**31 entries."""
    if largest >= 2**31:
        raise ValueError(f"fastreg's {kernel} kernel supports fewer than 2**31 entries "
                         "per matrix")
    return 0


cdef int _set_common(Problem* P, int n, int p, int mode, double yy, double tol,
                     bint screening, bint random, uint32_t seed, int epoch,
                     void* norms, double eps) except -1:
    """The sizes, update mode, tolerances, options and interrupt state of a problem
    (P zeroed before). eps: the floating type's machine epsilon (float32: sqrt(eps) =
    3.5e-4, float64: 1.5e-8, relative to ||y||^2)."""
    P.n = n
    P.p = p
    P.mode = mode
    P.yy = yy
    P.tol = tol
    P.stall_gap = sqrt(eps) * yy
    P.gap_rnd = 16 * eps * yy
    P.gap_eps = eps * yy
    _abort_init(&P.abort, epoch)
    P.screening = screening
    P.random = random
    P.rng = seed if seed != 0 else 1
    P.norms = norms
    return 0


cdef void* _buf(list keep, size_t n, size_t itemsize) except NULL:
    """A zeroed buffer of n items (at least one), kept alive by keep."""
    cdef unsigned char[::1] a = np.zeros(max(n, 1) * itemsize, dtype=np.uint8)
    keep.append(a)
    return <void*> &a[0]


cdef int* _ibuf(list keep, size_t n, int fill) except NULL:
    """An int buffer of n items (at least one) filled with `fill`, kept alive by keep."""
    cdef int[::1] a = np.full(max(n, 1), fill, dtype=np.intc)
    keep.append(a)
    return &a[0]


cdef int _gram_init(Problem* P, list keep, void* G) except -1:
    """The Gram columns of P (P.p, P.mode set): those of a full symmetric G given
    (row j of G is its column j), or room for the lazy ones in Gram mode."""
    cdef int k, p = P.p
    P.G.slot = _ibuf(keep, p, -1)
    P.G.p = p
    if G != NULL:
        P.G.Gcols = G
        for k in range(p):
            P.G.slot[k] = k
        P.G.n_cols = p
        P.G.cap = p
        P.G.lazy = False
    else:
        P.G.lazy = P.mode == GRAM
    return 0


cdef int _inner_alloc(Inner* S, list keep, int n, int p, int T,
                      size_t item) except -1:
    """The working-set state both kernels use, for rows of T values per position
    (item: the floating type's size): positions, slots, coefficients, Q_W, B_W, the
    diagonal, gradient scratch and the Anderson iterates."""
    cdef size_t pT = <size_t> p * T
    n = max(n, 1)
    S.W = _ibuf(keep, p, 0)
    S.act = _ibuf(keep, 2 * <size_t> p, 0)
    S.xslot = _ibuf(keep, p, -1)
    S.slot_feat = _ibuf(keep, p, 0)
    S.gw_feat = _ibuf(keep, p, 0)
    S.gw_pos = _ibuf(keep, p, -1)
    S.gw_runs = _ibuf(keep, 4 * <size_t> p, 0)
    S.wW = _buf(keep, pT, item)
    S.qW = _buf(keep, pT, item)
    S.bW = _buf(keep, pT, item)
    S.gW = _buf(keep, pT, item)
    S.dW = _buf(keep, p, item)
    S.hist = _buf(keep, (ANDERSON_K + 1) * pT, item)
    S.wacc = _buf(keep, pT, item)
    S.vacc = _buf(keep, <size_t> max(n, p) * T, item)
    return 0


cdef ScoreIdx* _cand_alloc(int p) except NULL:
    """Room for the working-set candidates of p features (freed by the caller)."""
    cdef ScoreIdx* cand = <ScoreIdx*> _pool_alloc(<size_t> max(p, 1) * sizeof(ScoreIdx))
    if cand == NULL:
        raise MemoryError("fastreg: could not allocate the working-set candidates")
    return cand


cdef void _path_free(Problem* P, Inner* S) noexcept:
    """Free what the kernel grew itself along the path."""
    _pool_free(S.GW)
    _pool_free(S.XW)
    _pool_free(S.XR)
    _pool_free(S.GS)
    _pool_free(S.chol_L)
    if P.G.lazy:
        _pool_free(P.G.Gcols)
    S.GW = S.XW = S.XR = S.GS = NULL
    S.chol_L = NULL
    P.G.Gcols = NULL


cdef int _path_raise(Problem* P, int status) except -1:
    """The error of a path that ended with `status` < 0 (-2: interrupted, -1: out of
    memory)."""
    if status == -2:
        _abort_raise(&P.abort)
    if status < 0:
        raise MemoryError("fastreg: could not allocate the Gram matrix columns")
    return 0
