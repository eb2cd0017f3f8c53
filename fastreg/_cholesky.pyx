"""An interruptible Cholesky factorization (Ridge's large solves, issue 20).

LAPACK's dpotrf is one call that no signal interrupts: of order 6000 it runs for
seconds. ``potrf_upper`` factors by panels in place (right-looking, as LAPACK's
blocked dpotrf: dpotrf on a diagonal block, its row panel, dsyrk / dgemm updates of
the trailing upper triangle), every call on the matrix itself (leading dimension m: no
copies), each of at most about ``block_macs`` multiply-adds, without the GIL. Between
calls, once about ``block_macs`` of work was done since the last look, it takes the GIL
and runs Python's signal handlers (PyErr_CheckSignals): a handler's exception
(KeyboardInterrupt) propagates at once, the matrix left partly factored. Calls that run
slowly (a busy machine) make the next ones smaller, down to about 5 ms each.

The row panel U12 = U11^-T A12 is formed as inv(U11)^T A12 (the inverse of the
diagonal block's factor in a scratch block, then dtrmm by chunks of columns): OpenBLAS's
dtrmm runs at about twice the speed of its dtrsm on panels of a few hundred rows, which
was most of the blocked factorization's cost over LAPACK's single call; the backward
error ||U^T U - A|| / ||A|| is the same as with dtrsm (5e-16 for condition numbers 1e2
to 1e15, order 3000). Order 4000 at one thread: 1.01x LAPACK's CPU time (the blocked
Python version before: 1.35x; bench/RESULTS.md, branch interrupts).
"""
import numpy as np

from cpython.exc cimport PyErr_CheckSignals
from scipy.linalg.cython_blas cimport dgemm, dsyrk, dtrmm, dtrsm
from scipy.linalg.cython_lapack cimport dlacpy, dpotrf, dtrtri

# OpenBLAS runs dpotrf from order 128 and dtrtri from about 192 on its threads, with a
# synchronization that collapses on a busy machine (2 threads, load 16 on 2 cores: a
# dpotrf of order 128 took 0.6 s instead of 5e-5 s at one thread; of order 384, up to
# 2.9 s): the LAPACK calls here are of orders at most SMALL, which it runs on one
# thread; only the level-3 BLAS calls (dgemm, dsyrk, dtrmm) are threaded
cdef int SMALL = 96


# the duration aimed at for one BLAS call, and the smallest call (multiply-adds)
cdef double TARGET_SECONDS = 0.005
cdef long long MIN_MACS = 1 << 18

cdef extern from "<time.h>" nogil:
    ctypedef int clockid_t
    cdef struct timespec:
        long tv_sec
        long tv_nsec
    int clock_gettime(clockid_t clk, timespec* tp)
    clockid_t CLOCK_MONOTONIC


cdef struct State:
    long long done        # work since the last look at the signals
    long long limit       # the work of one call: at most block_macs, smaller when slow
    long long block_macs
    double last           # when the last call ended


cdef inline double _now() noexcept nogil:
    cdef timespec ts
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return ts.tv_sec + 1e-9 * ts.tv_nsec


cdef inline int _check(State* st, long long work) except -1:
    """After a call of ``work`` multiply-adds: adapt the size of the next calls to the
    speed this one ran at (on a busy machine a threaded BLAS call can run 50x slower:
    the calls then shrink so that each still lasts about TARGET_SECONDS, down to
    MIN_MACS); run the signal handlers once ``limit`` work was done since the last
    look."""
    cdef double now = _now()
    cdef double seconds = now - st.last
    cdef long long fit
    st.last = now
    if seconds > 0 and work >= MIN_MACS:
        fit = <long long> (work / seconds * TARGET_SECONDS)
        st.limit = max(MIN_MACS, min(st.block_macs, fit))
    st.done += work
    if st.done >= st.limit:
        st.done = 0
        PyErr_CheckSignals()
    return 0


cdef int _trtri_upper(double* t, int ldt, int n, int sb) noexcept nogil:
    """inv(U) in place, U (n x n, upper, at t) by blocks of sb columns (LAPACK's
    blocked dtrtri: each block column's rows above the diagonal by dtrmm and dtrsm,
    its diagonal block by dtrtri of order <= sb). Returns LAPACK's info."""
    cdef int j0 = 0, jb, info = 0
    cdef double one = 1.0, minus = -1.0
    while j0 < n:
        jb = min(sb, n - j0)
        if j0 > 0:
            # T[:j0, j] = -inv(U[:j0, :j0]) U[:j0, j] inv(U[j, j])
            dtrmm(b"L", b"U", b"N", b"N", &j0, &jb, &one, t, &ldt,
                  t + <Py_ssize_t> j0 * ldt, &ldt)
            dtrsm(b"R", b"U", b"N", b"N", &j0, &jb, &minus,
                  t + j0 + <Py_ssize_t> j0 * ldt, &ldt, t + <Py_ssize_t> j0 * ldt, &ldt)
        dtrtri(b"U", b"N", &jb, t + j0 + <Py_ssize_t> j0 * ldt, &ldt, &info)
        if info != 0:
            return j0 + info
        j0 += jb
    return 0


cdef int _potrf(double* a, int lda, int m, int nb, int sb, State* st,
                double* t, double* ts) except -1:
    """The blocked factorization of the m x m matrix at a (see potrf_upper), panels
    of nb; the diagonal blocks by the same algorithm with panels of sb (when sb > 0;
    else by one dpotrf), the inverse of their factor by _trtri_upper with blocks of
    sb. Scratch: t (nb x nb), ts (sb x sb). Returns LAPACK's info (>= 0)."""
    cdef int ldt = nb
    cdef int k0, kb, k1, j0, jb, r0, rb, info = 0, cols, rows
    cdef double one = 1.0, minus = -1.0
    k0 = 0
    while k0 < m:
        kb = min(nb, m - k0)
        if sb > 0:
            info = _potrf(a + k0 + <Py_ssize_t> k0 * lda, lda, kb, sb, 0, st, ts, NULL)
        else:
            with nogil:
                dpotrf(b"U", &kb, a + k0 + <Py_ssize_t> k0 * lda, &lda, &info)
            _check(st, <long long> kb * kb * kb // 3)
        if info != 0:
            return k0 + info
        k1 = k0 + kb
        if k1 == m:
            break
        # the row panel U12 = inv(U11)^T A12, by chunks of columns
        with nogil:
            dlacpy(b"U", &kb, &kb, a + k0 + <Py_ssize_t> k0 * lda, &lda, t, &ldt)
            if sb > 0:
                info = _trtri_upper(t, ldt, kb, sb)
            else:
                dtrtri(b"U", b"N", &kb, t, &ldt, &info)
        if info != 0:                     # (not reached: U11's diagonal is positive)
            return k0 + info
        _check(st, <long long> kb * kb * kb // 6)
        j0 = k1
        while j0 < m:
            cols = <int> max(1, min(m - k1, 2 * st.limit // (<long long> kb * kb)))
            jb = min(cols, m - j0)
            with nogil:
                dtrmm(b"L", b"U", b"T", b"N", &kb, &jb, &one, t, &ldt,
                      a + k0 + <Py_ssize_t> j0 * lda, &lda)
            _check(st, <long long> kb * kb * jb // 2)
            j0 += jb
        # the trailing upper triangle A22 -= U12^T U12, by column blocks of nb: the
        # rows above the diagonal block by dgemm (chunks of rows), the block by dsyrk
        j0 = k1
        while j0 < m:
            jb = min(nb, m - j0)
            r0 = k1
            while r0 < j0:
                rows = <int> max(1, st.limit // (<long long> jb * kb))
                rb = min(rows, j0 - r0)
                with nogil:
                    dgemm(b"T", b"N", &rb, &jb, &kb, &minus,
                          a + k0 + <Py_ssize_t> r0 * lda, &lda,
                          a + k0 + <Py_ssize_t> j0 * lda, &lda, &one,
                          a + r0 + <Py_ssize_t> j0 * lda, &lda)
                _check(st, <long long> rb * jb * kb)
                r0 += rb
            with nogil:
                dsyrk(b"U", b"T", &jb, &kb, &minus, a + k0 + <Py_ssize_t> j0 * lda, &lda,
                      &one, a + j0 + <Py_ssize_t> j0 * lda, &lda)
            _check(st, <long long> jb * jb * kb // 2)
            j0 += jb
        k0 = k1
    return 0


def potrf_upper(double[::1, :] F, int nb, long long block_macs, int sb=SMALL):
    """The upper Cholesky factor of F (Fortran order, upper triangle read), in place,
    by panels of nb columns, their diagonal blocks by panels of sb (0: one dpotrf);
    the strict lower triangle is left as it was. Returns LAPACK's info: 0, or the
    order of the first leading minor that is not positive definite (F then partly
    factored)."""
    cdef int m = F.shape[0]
    cdef State st
    cdef double[::1, :] T
    cdef double[::1, :] Ts
    if F.shape[1] != m:
        raise ValueError(f"F must be square, got shape {F.shape[0]} x {F.shape[1]}")
    if nb < 1 or sb < 0:
        raise ValueError(f"nb must be >= 1 and sb >= 0, got {nb} and {sb}")
    if m == 0:
        return 0
    sb = 0 if sb >= nb else sb
    T = np.zeros((nb, nb), order="F")
    Ts = np.zeros((max(sb, 1), max(sb, 1)), order="F")
    st.done = 0
    st.block_macs = block_macs if block_macs > 1 else 1
    st.limit = st.block_macs
    st.last = _now()
    return _potrf(&F[0, 0], m, m, nb, sb, &st, &T[0, 0], &Ts[0, 0])


cdef int _gram_tiles(double* g, int ldg, double* a, int lda, int n, int k,
                     bint trans, int nb, State* st) except -1:
    """G += D^T D on the upper triangle of G (k x k at g), D = a (n x k, ``trans``)
    or a^T (a: k x n): tiles of G (blocks of nb rows above each diagonal block of nb
    columns by dgemm, the diagonal block by dsyrk), each tile's sum over the n
    products by chunks of at most about st.limit multiply-adds (at least 256 products
    per call, all n when the tile fits)."""
    cdef int j0, jb, r0, rb, l0, lb, area
    cdef double one = 1.0
    cdef double* dj
    cdef double* dr
    cdef Py_ssize_t step = lda if trans else 1      # D[:, j] at a + j * step
    cdef Py_ssize_t inner = 1 if trans else lda     # D[l, :] at a + l * inner
    j0 = 0
    while j0 < k:
        jb = min(nb, k - j0)
        r0 = 0
        while r0 <= j0:
            # the tile G[r0:r0 + rb, j0:j0 + jb]: above the diagonal, or the diagonal
            # block itself (r0 == j0)
            rb = jb if r0 == j0 else min(nb, j0 - r0)
            area = rb * jb
            l0 = 0
            while l0 < n:
                lb = <int> min(<long long> n - l0,
                               max(256, st.limit // max(area, 1)))
                dj = a + j0 * step + l0 * inner
                dr = a + r0 * step + l0 * inner
                with nogil:
                    if r0 == j0:
                        if trans:
                            dsyrk(b"U", b"T", &jb, &lb, &one, dj, &lda, &one,
                                  g + j0 + <Py_ssize_t> j0 * ldg, &ldg)
                        else:
                            dsyrk(b"U", b"N", &jb, &lb, &one, dj, &lda, &one,
                                  g + j0 + <Py_ssize_t> j0 * ldg, &ldg)
                    elif trans:
                        dgemm(b"T", b"N", &rb, &jb, &lb, &one, dr, &lda, dj, &lda,
                              &one, g + r0 + <Py_ssize_t> j0 * ldg, &ldg)
                    else:
                        dgemm(b"N", b"T", &rb, &jb, &lb, &one, dr, &lda, dj, &lda,
                              &one, g + r0 + <Py_ssize_t> j0 * ldg, &ldg)
                _check(st, <long long> (area // 2 if r0 == j0 else area) * lb)
                l0 += lb
            if r0 == j0:
                break
            r0 += rb
        j0 += jb
    return 0


def gram_add(double[::1, :] G, double[::1, :] a, bint trans, long long block_macs,
             int nb=512):
    """G += a^T a (``trans``) or a a^T on the upper triangle of G (Fortran, k x k), in
    place, by BLAS calls on tiles of G of at most about ``block_macs`` multiply-adds
    (smaller when they run slowly: about TARGET_SECONDS each), Python's signal
    handlers run between them (a handler's exception propagates, G partly updated).
    The same products as one dsyrk call (beta = 1), summed in another order."""
    cdef int k = G.shape[0]
    cdef int n = a.shape[0] if trans else a.shape[1]
    cdef int ka = a.shape[1] if trans else a.shape[0]
    cdef State st
    if G.shape[1] != k or ka != k:
        raise ValueError(f"G must be {ka} x {ka}, got {G.shape[0]} x {G.shape[1]}")
    if nb < 1:
        raise ValueError(f"nb must be >= 1, got {nb}")
    if k == 0 or n == 0:
        return
    st.done = 0
    st.block_macs = block_macs if block_macs > 1 else 1
    st.limit = st.block_macs
    st.last = _now()
    _gram_tiles(&G[0, 0], k, &a[0, 0], a.shape[0], n, k, trans, nb, &st)
