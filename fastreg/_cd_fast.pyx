"""Coordinate-descent kernels for the elastic net (fused float32 / float64).

Problem solved, for each penalty pair (l1, l2) of a path:

    P(w) = 0.5 * ||y - X w||^2 + sum_j v_j (l1 |w_j| + 0.5 l2 w_j^2),  lo_j <= w_j <= hi_j

(v_j: penalty factors, default 1; bounds default (-inf, inf), [0, inf) if positive),
which is ``n_samples`` times scikit-learn's ElasticNet objective when
``l1 = alpha * l1_ratio * n`` and ``l2 = alpha * (1 - l1_ratio) * n`` (the Python layer
does this scaling, the centering and the sample-weight rescaling; X and y arrive here
already centered / weighted, or, for sparse X, with the centering as a low-rank
correction X - Q B that the column-access helpers apply).

Dual and stopping rule (scikit-learn's, so that ``tol`` certifies the same accuracy):
with R = y - X w and XtA = X^T R - l2 w,

* l1 > 0 ("formulation A", the Lasso dual of the problem augmented with sqrt(l2) I):
  theta = s R with s = min(1, l1 / ||XtA||_inf)  (||.||_inf -> max(.) if positive), and
  gap = P(w) - (-0.5 s^2 (||R||^2 + l2 ||w||^2) + s R^T y);
* l1 = 0 < l2 ("formulation B", ridge): gap = ||R||^2 + 0.5 l2 ||w||^2 - R^T y
  + ||X^T R||^2 / (2 l2)   (positive parts of X^T R if positive);

with penalty factors and bounds (``_gap_add``, ``_gap``): l1 and l2 become v_j l1 and
v_j l2 feature by feature; s only scales for features whose violated side is unbounded,
and the conjugate of the bounded penalty, sum_j h*_j(s XtA_j) (zero without finite
bounds), enters the dual; with finite bounds, the dual point scaled for every feature is
tried too and the smaller gap kept. Formulation B uses the conjugate of the bounded
ridge term. The solve stops when gap <= tol (the caller passes tol * ||y||^2). The gap
is always that of the full problem: features set aside by screening are checked once
more before a solution is returned, and readmitted if they violate the optimality
conditions.

Algorithm (one function, ``_solve``, shared by both update strategies):

* outer loop: full gradient X^T R (naive mode) or q = X^T y - G w (Gram mode), duality
  gap, Gap Safe screening (Fercoq, Gramfort & Salmon 2015; Ndiaye et al. 2017, JMLR 18,
  eq. 11), and a working set W = support + the features closest to violating the
  optimality conditions (Massias, Gramfort & Salmon 2018, "Celer", sec. 3); on a path,
  the first working set of each alpha is given by the sequential strong rule
  |x_j^T r| >= 2 l1_k - l1_{k-1} (Tibshirani et al. 2012, JRSS-B 74, eq. 6);
* inner loop on W: cyclic (or random) coordinate descent with glmnet's active-set
  cycling (Friedman, Hastie & Tibshirani 2010, sec. 2.6): a sweep over W, then sweeps
  over the nonzero coordinates only until they are solved, then a sweep over W again;
  sweeps over the nonzero coordinates are Anderson-accelerated (Bertrand & Massias 2021,
  "Anderson acceleration of coordinate descent", alg. 1) with an objective check;
* naive mode updates the residual R with columns of X (Fortran or C X, O(n) per
  update; sparse CSC X: O(nonzeros of the column), the residual kept as R_s = y - X w
  with t = Q^T R_s for the low-rank part, in the inner loop);
  Gram mode updates q with columns of G = X^T X (O(|W|) per update). G is either given
  in full or built lazily: the column X^T x_j is computed (one GEMM for all new
  features of a working set) the first time j enters a working set, and kept for the
  rest of the path.

Each sweep over W or over its nonzero part counts as one iteration (``n_iter``).
"""
from cython cimport floating
from cython.parallel cimport prange
from libc.math cimport fabs, sqrt, INFINITY
from libc.stdlib cimport malloc, realloc, free, qsort
from libc.stdint cimport uint32_t, int32_t, int64_t
from libc.string cimport memset, memcpy

cdef bint _bounds_on = True


def _set_bounds(bint v):
    """Tests: switch the bounds of _certify off (every left-out feature computed)."""
    global _bounds_on
    _bounds_on = v


import numpy as np

from ._cd_common cimport (
    ScoreIdx, _select_smallest, _cmp_int, _rand_int, _grow, _anderson_weights,
    _nonzero_columns,
)

from scipy.linalg.cython_lapack cimport dposv, dsyev, dpotrf
from scipy.linalg.cython_blas cimport dtrsv, dtrsm

cdef extern from *:
    """
    #ifdef _OPENMP
    #include <omp.h>
    static int fastreg_max_threads(void) { return omp_get_max_threads(); }
    #else
    static int fastreg_max_threads(void) { return 1; }
    #endif
    """
    int fastreg_max_threads() noexcept nogil

from ._blas cimport _dot, _axpy, _copy, _gemv_t, _gemv_n, _gemm_tn, _syrk_t, _syrk_upper
from scipy.linalg.cython_blas cimport dsyrk

cdef enum:
    NAIVE = 0
    GRAM = 1
    ANDERSON_K = 5   # iterates used by Anderson extrapolation
    WS_MIN = 10      # smallest working set beyond the support
    NEWTON_MAX = 2000   # largest active set solved exactly (Cholesky, nA^3 / 3 flops)
    NEWTON_ROUNDS = 8   # active-set rounds of one exact solve
    PANEL_MIN_ROWS = 4096   # _slot_block: row panels instead of a copy of the columns
    PANEL_ELEMS = 1 << 17   # elements of one panel (1 MiB in float64)


cdef struct Problem:
    # data, as void pointers of the problem's floating type
    int n
    int p
    int mode
    void* X           # (n, p); NULL when a full Gram matrix is given
    size_t rs         # X[i, j] is at X + i * rs + j * cs: Fortran (1, n) or C (p, 1);
    size_t cs         #   Gram mode requires Fortran
    void* Xmean       # (p,) naive mode: column means to subtract (implicit centering),
                      #   or NULL when X is used as it is
    void* y           # (n,) naive mode
    void* Xy          # (p,) Gram mode
    double yy         # y @ y
    void* norms       # (p,) squared column norms (diagonal of G)
    # sparse X (naive mode): CSC arrays, and the low-rank correction of the columns:
    # the kernel works with X~ = X - Q B (Q (n, r) orthonormal, Fortran; B = Q^T X,
    # (r, p) Fortran), i.e. centering (r = 1) and unpenalized features projected out
    bint sparse
    void* Xdata
    int* Xind
    int64_t* Xptr
    void* Q
    void* B
    int r
    double* tbuf      # (r,) scratch: Q^T v
    void* scat        # (n,) scratch, all zero between uses
    # per-feature penalty factors (> 0) and bounds; NULL: all 1 / no bounds
    double* pf
    double* lb
    double* ub
    bint box          # lb / ub given (then `positive` is folded into them)
    # Gram columns: the column of feature j starts at Gcols + slot[j] * p
    void* Gcols
    int* slot
    int n_cols
    int cap
    bint lazy
    # penalties and options
    double l1
    double l2
    double l1_prev    # l1 of the previous solution on a path (strong rule); 0: none
    double tol        # absolute tolerance on the duality gap
    bint positive
    bint screening
    bint random
    uint32_t rng
    bint fresh        # R (naive) and g = gradient on every nonzero column are those of
                      #   the current w (set by the previous solve of a path)
    int rank_max      # a bound on the rank of X: n_samples (also in Gram mode)
    int n_threads     # OpenMP threads for the passes over X (1: none)
    int* nz           # (p,) nz[:n_nz]: the features whose column is not zero
    int n_nz
    void* w_prev      # (p,) on a path: the solution two alphas back (the warm start w
                      #   is the one of the previous alpha), or NULL
    double extrap     # step of the linear extrapolation of the path from w_prev through
                      #   w: (l1 - l1_prev) / (l1_prev - l1 two alphas back); 0: none
    # Bounds on the correlations of the features a solve left out (dense residual
    # mode, plain penalties, float64; see _certify): |x~_j^T R| <= cref[j] +
    # cnorm[j] (||R - Rref|| + rnd), from the last pass over every column (at Rref)
    bint bounds       # enabled
    bint has_ref      # cref and Rref hold such a pass
    double* cref      # (p,) |x~_j^T Rref|
    double* cnorm     # (p,) ||x~_j||
    void* Rref        # (n,)
    double rnd        # rounding allowance of cref, in units of ||x~_j||
    char* exact       # (p,) after a certified check: g[j] is x~_j^T R
    bint partial      # g is exact only where exact[j] (the previous solve certified the
                      #   others by their bounds)


cdef inline floating _prox(floating z, double l1, double denom, bint positive) noexcept nogil:
    """argmin_t 0.5 denom t^2 - z t + l1 |t|   (t >= 0 if positive)."""
    if denom <= 0:
        return 0
    if z > l1:
        return <floating> ((z - l1) / denom)
    if z < -l1 and not positive:
        return <floating> ((z + l1) / denom)
    return 0


cdef inline double _clip(double t, double lo, double hi) noexcept nogil:
    if t < lo:
        return lo
    if t > hi:
        return hi
    return t


cdef inline double _pf(Problem* P, int j) noexcept nogil:
    return 1.0 if P.pf == NULL else P.pf[j]


cdef inline double _lo(Problem* P, int j) noexcept nogil:
    """Lower bound of coefficient j."""
    if P.box:
        return P.lb[j]
    return 0.0 if P.positive else -INFINITY


cdef inline double _hi(Problem* P, int j) noexcept nogil:
    """Upper bound of coefficient j."""
    return P.ub[j] if P.box else INFINITY


cdef inline double _veff(double v, double lo, double hi) noexcept nogil:
    """How far the gradient v = x_j^T R pushes coefficient j away from 0 in a
    direction its bounds allow (|v| without bounds, v if positive)."""
    cdef double e = -INFINITY
    if hi > 0:
        e = v
    if lo < 0 and -v > e:
        e = -v
    return e


cdef inline double _dual_limit(double xta, double l1j, double lo, double hi) noexcept nogil:
    """Largest s for which s * xta satisfies the dual constraint of a feature whose
    bound on that side is infinite (INFINITY when no scaling is needed)."""
    if xta > l1j and hi == INFINITY:
        return l1j / xta
    if xta < -l1j and lo == -INFINITY:
        return l1j / -xta
    return INFINITY


cdef inline double _hstar_l1(double v, double l1j, double lo, double hi) noexcept nogil:
    """Conjugate of t -> l1j |t| on [lo, hi]: sup_t v t - l1j |t| (a piecewise linear
    concave function: its sup is at a finite bound or at 0)."""
    cdef double best = -INFINITY, val
    if lo <= 0 and hi >= 0:
        best = 0
    # v t - l1j |t| = t (v - l1j) for t >= 0, t (v + l1j) for t <= 0 (no inf - inf
    # for huge bounds)
    if lo > -INFINITY:
        val = lo * (v - l1j) if lo >= 0 else lo * (v + l1j)
        if not val <= best:
            best = val
    if hi < INFINITY:
        val = hi * (v - l1j) if hi >= 0 else hi * (v + l1j)
        if not val <= best:
            best = val
    return best


cdef inline double _hstar_l2(double v, double l2j, double lo, double hi) noexcept nogil:
    """Conjugate of t -> 0.5 l2j t^2 on [lo, hi]: sup_t v t - 0.5 l2j t^2."""
    cdef double t = _clip(v / l2j, lo, hi)
    return v * t - 0.5 * l2j * t * t


cdef inline double _dsum_dot(int n, const floating* a, const floating* b) noexcept nogil:
    """a @ b accumulated in double precision."""
    cdef double s = 0
    cdef int i
    for i in range(n):
        s += <double> a[i] * b[i]
    return s


cdef struct GapSums:
    # per-feature ingredients of the duality gap, summed over a set of features
    double w_l1       # sum_j l1_j |w_j|
    double w_l2       # sum_j l2_j w_j^2
    double smin       # l1 > 0: min_j of the dual scaling limits (_dual_limit)
    double smin_all   # l1 > 0: the same, as if every bound were infinite (with far
                      #   finite bounds, scaling beats paying h*_l1 at the bound)
    double h          # l1 = 0 < l2: sum_j h*_l2(x_j^T R); l1 = l2 = 0: squared
                      #   gradient along the feasible directions


cdef inline void _gap_init(GapSums* a) noexcept nogil:
    a.w_l1 = 0
    a.w_l2 = 0
    a.smin = INFINITY
    a.smin_all = INFINITY
    a.h = 0


cdef inline void _gap_add(GapSums* a, double l1, double l2, double wj, double gj,
                          double l1j, double l2j, double lo, double hi) noexcept nogil:
    """Add feature j (coefficient wj, gj = x_j^T R, penalties l1j, l2j, bounds)."""
    cdef double lim
    a.w_l1 += l1j * fabs(wj)
    a.w_l2 += l2j * wj * wj
    if l1 > 0:
        lim = _dual_limit(gj - l2j * wj, l1j, lo, hi)
        if lim < a.smin:
            a.smin = lim
        lim = _dual_limit(gj - l2j * wj, l1j, -INFINITY, INFINITY)
        if lim < a.smin_all:
            a.smin_all = lim
    elif l2 > 0:
        a.h += _hstar_l2(gj, l2j, lo, hi)
    elif (gj > 0 and wj < hi) or (gj < 0 and wj > lo):
        a.h += gj * gj


cdef inline double _gap_scale(GapSums* a) noexcept nogil:
    """The scaling s of the dual point theta = s R (formulation A)."""
    return a.smin if a.smin < 1 else 1.0


cdef inline double _gap_scale_all(GapSums* a) noexcept nogil:
    """The scaling that makes theta = s R feasible for every feature, bounded or not."""
    return a.smin_all if a.smin_all < 1 else 1.0


cdef double _gap(double l1, double l2, GapSums* a, double RR, double Ry,
                 double h_box, double s=-1) noexcept nogil:
    """Duality gap from its ingredients (the one formula every mode uses).

    RR = ||R||^2, Ry = R^T y; h_box = sum_j h*_l1(s (x_j^T R - l2_j w_j)) over the
    features (nonzero only with finite bounds), with s the dual scaling
    (_gap_scale(a) when not given).
    """
    cdef double primal, gap
    if l1 > 0:
        primal = 0.5 * (RR + a.w_l2) + a.w_l1
        if s < 0:
            s = _gap_scale(a)
        gap = primal - (-0.5 * s * s * (RR + a.w_l2) + s * Ry - h_box)
    elif l2 > 0:
        gap = RR + 0.5 * a.w_l2 - Ry + a.h
    else:
        gap = a.h  # least squares: first-order condition, as scikit-learn
    if gap != gap:
        return INFINITY     # NaN (overflow): certifies nothing
    return gap


cdef inline floating* _gcol(Problem* P, int j, floating* dummy) noexcept nogil:
    """Column j of the Gram matrix (requires slot[j] >= 0)."""
    return (<floating*> P.Gcols) + <size_t> P.slot[j] * P.p


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


cdef inline double _bdot(Problem* P, int j, const double* t,
                         const floating* dummy) noexcept nogil:
    """B[:, j] @ t  (dummy: selects the floating type)"""
    cdef floating* b = (<floating*> P.B) + <size_t> j * P.r
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
        return _dot(P.n, x, v)
    mu = 0 if P.Xmean == NULL else (<floating*> P.Xmean)[j]
    for i in range(<size_t> P.n):
        acc += (x[i * rs] - mu) * v[i]
    return acc


cdef void _xdots(Problem* P, const int* feats, int k, const floating* v,
                 floating* out) noexcept nogil:
    """out[i] = x~_j @ v for j = feats[i] (the low-rank part of Q^T v computed once)."""
    cdef int i
    if P.sparse:
        _qtdot(P, v, P.tbuf)
        for i in range(k):
            out[i] = <floating> (_sdot(P, feats[i], v) - _bdot(P, feats[i], P.tbuf, v))
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
        _axpy(P.n, a, x, v)
        return
    mu = 0 if P.Xmean == NULL else (<floating*> P.Xmean)[j]
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
        _copy(P.n, x, v)
        return
    mu = 0 if P.Xmean == NULL else (<floating*> P.Xmean)[j]
    for i in range(<size_t> P.n):
        v[i] = x[i * rs] - mu


cdef void _sparse_block(Problem* P, const int* W, int m, floating* GW) noexcept nogil:
    """GW = X~_W^T X~_W (m x m) for sparse X: X_W^T X_W - B_W^T B_W (Q orthonormal),
    each column of X_W scattered once into a dense buffer and dotted with the others."""
    cdef floating* scat = <floating*> P.scat
    cdef floating* data = <floating*> P.Xdata
    cdef floating* B = <floating*> P.B
    cdef int a, b, ja, jb, k
    cdef int64_t kk
    cdef double acc
    for a in range(m):
        ja = W[a]
        for kk in range(P.Xptr[ja], P.Xptr[ja + 1]):
            scat[P.Xind[kk]] = data[kk]
        for b in range(a, m):
            jb = W[b]
            acc = _sdot(P, jb, scat)
            for k in range(P.r):
                acc -= <double> B[<size_t> ja * P.r + k] * B[<size_t> jb * P.r + k]
            GW[<size_t> a * m + b] = <floating> acc
            GW[<size_t> b * m + a] = <floating> acc
        for kk in range(P.Xptr[ja], P.Xptr[ja + 1]):
            scat[P.Xind[kk]] = 0


cdef int _ensure_cols(Problem* P, const int* feats, int k, floating* dummy) noexcept nogil:
    """Lazy Gram: compute the missing columns X^T x_j, j in feats, with one GEMM.

    Returns -1 if memory could not be allocated.
    """
    cdef int i, j, n_new = 0, new_cap
    cdef floating* block
    cdef floating* X = <floating*> P.X
    cdef floating* dest
    cdef void* grown
    if not P.lazy:
        return 0
    for i in range(k):
        if P.slot[feats[i]] < 0:
            n_new += 1
    if n_new == 0:
        return 0
    if P.n_cols + n_new > P.cap:
        new_cap = max(2 * P.cap, P.n_cols + n_new)
        new_cap = min(new_cap, P.p)
        grown = realloc(P.Gcols, <size_t> new_cap * P.p * sizeof(floating))
        if grown == NULL:
            return -1
        P.Gcols = grown
        P.cap = new_cap
    block = <floating*> malloc(<size_t> n_new * P.n * sizeof(floating))
    if block == NULL:
        return -1
    n_new = 0
    for i in range(k):
        j = feats[i]
        if P.slot[j] < 0:
            # block[:, n_new] = X[:, j]
            _copy(P.n, X + <size_t> j * P.n, block + <size_t> n_new * P.n)
            P.slot[j] = P.n_cols + n_new
            n_new += 1
    dest = (<floating*> P.Gcols) + <size_t> P.n_cols * P.p
    # Gcols[:, n_cols:n_cols + n_new] = X.T @ block
    _gemm_tn(P.p, n_new, P.n, X, P.n, block, P.n, dest, P.p)
    P.n_cols += n_new
    free(block)
    return 0



# ------------------------------------------------------------------ passes over X
# The passes over all of a dense X (gradient, residual, the block G[W, W]) are split
# into P.n_threads chunks run on OpenMP threads, each calling single-threaded BLAS
# (the kernel runs with BLAS limited to one thread: coordinate updates are too short
# to share). Passes below PAR_MIN elements stay on one thread: a path makes hundreds
# of them, and a second thread pays only when the pass is long enough to absorb the
# start of each parallel region and a core still busy elsewhere (NumPy's BLAS threads
# keep spinning for a while after a product: measured on leukemia, 72 x 7129, a path
# took 2x longer split in two right after a NumPy product, 20% less on a quiet machine;
# a single short region can wait a whole scheduler time slice, ~7 ms in the benchmark
# runs, for a thread whose core is taken).

cdef enum:
    PAR_MIN = 1 << 21        # the gradient: a pass per alpha at least
    PAR_MIN_ONCE = 1 << 18   # passes made a few times per solve (residual, G[W, W])
    PAR_MIN_STATS = 1 << 22  # column_stats: one pass before the solve


cdef inline int _chunks(Problem* P, double work, double least=PAR_MIN) noexcept nogil:
    """How many threads a pass of `work` elements over X gets."""
    if P.n_threads <= 1 or work < least:
        return 1
    return P.n_threads


cdef void _grad_dense(Problem* P, floating* R, floating* g) noexcept nogil:
    """g = X^T R for every column of a dense X (no centering)."""
    cdef floating* X = <floating*> P.X
    cdef int T = _chunks(P, <double> P.n * P.p), t, c0, c1
    if T == 1:
        if P.rs == 1:
            _gemv_t(P.n, P.p, 1.0, X, P.n, R, 0.0, g)
        else:
            _gemv_n(P.p, P.n, 1.0, X, P.p, R, 0.0, g)
        return
    for t in prange(T, num_threads=T, schedule="static"):
        c0 = <int> ((<int64_t> P.p * t) // T)
        c1 = <int> ((<int64_t> P.p * (t + 1)) // T)
        if c1 > c0:
            if P.rs == 1:
                _gemv_t(P.n, c1 - c0, 1.0, X + <size_t> c0 * P.n, P.n, R, 0.0, g + c0)
            else:
                _gemv_n(c1 - c0, P.n, 1.0, X + c0, P.p, R, 0.0, g + c0)


cdef void _residual(Problem* P, floating* w, const int* supp, int n_supp,
                    floating* R) noexcept nogil:
    """R = y - X~[:, supp] @ w[supp], afresh."""
    cdef int T = 1, t, i, j, r0, r1
    cdef double shift
    cdef floating* X = <floating*> P.X
    if not P.sparse and P.rs == 1:
        T = _chunks(P, <double> P.n * n_supp, PAR_MIN_ONCE)
    if T == 1:
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
    _copy(r1 - r0, (<floating*> P.y) + r0, R + r0)
    for i in range(n_supp):
        j = supp[i]
        _axpy(r1 - r0, -w[j], X + <size_t> j * P.n + r0, R + r0)
    if shift != 0:
        for r in range(r0, r1):
            R[r] += shift


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


cdef int _panel_products(Problem* P, Inner* S, int s0, int s1, int r0, int r1,
                         floating* dest, int ld) noexcept nogil:
    """dest[:s1, :s1 - s0] = X~[r0:r1, slots]^T X~[r0:r1, slots s0:s1] (upper triangle
    of the new block), by panels of rows gathered into a small buffer (no copy of the
    columns as long as X). Returns -1 if the buffer could not be allocated."""
    cdef int b = max(PANEL_ELEMS // max(s1, 1), 64), rb, rows, c, a
    cdef floating* buf = <floating*> malloc(<size_t> b * s1 * sizeof(floating))
    cdef floating zero = 0
    cdef bint first = True
    if buf == NULL:
        return -1
    rb = r0
    while rb < r1:
        rows = min(b, r1 - rb)
        for c in range(s1):
            _xcopy_rows(P, S.slot_feat[c], rb, rb + rows, buf + <size_t> c * rows)
        # the slots before s0 against the new ones (GEMM), the new ones among
        # themselves (upper triangle, SYRK: half the products)
        if s0 > 0:
            _gemm_tn(s0, s1 - s0, rows, buf, rows, buf + <size_t> s0 * rows, rows, dest,
                     ld, zero)
        _syrk_upper(s1 - s0, rows, buf + <size_t> s0 * rows, rows, zero, dest + s0, ld)
        zero = 1
        first = False
        rb += rows
    if first:
        for c in range(s1 - s0):
            for a in range(s1):
                dest[a + <size_t> c * ld] = 0
    free(buf)
    return 0


cdef int _slot_block(Problem* P, Inner* S, int m, floating* GW) noexcept nogil:
    """GW = X~_W^T X~_W (m x m, full) for dense naive problems, from a cache of the
    products of the "slots" (the features of the working sets so far, in the order they
    entered): a growing working set computes only its new columns' products with the
    slots (X~_S^T x~_new, a GEMM split over row blocks between OpenMP threads), so that
    a working set growing 10 -> 20 -> ... -> m pays about n m^2 in all instead of
    n m^2 per size (the old block recomputed in full). Short X (n < PANEL_MIN_ROWS)
    keeps a copy of the slots' columns (XW); tall X gathers panels of rows of all the
    slots at each growth instead: the copy's first touch cost a page fault per 4 KiB
    (20000 x 500 Lasso at alpha_max/100: 10% of the fit), and a panel is reused in
    cache. The cache is emptied when keeping it would hold more than 2 m + 64 slots
    (working sets of a path that moved on). Returns -1 if memory ran out."""
    cdef int n = P.n, lda = max(P.n, 1), i, j, a, b, sa, sb, s0, s1, k_new = 0
    cdef int T, t, r0, r1, cap, new_cap, failed = 0
    cdef bint panels = P.n >= PANEL_MIN_ROWS
    cdef floating* XW
    cdef floating* GS
    cdef floating* old_GS
    cdef floating* part = NULL
    cdef floating* dest
    cdef void* grown
    for i in range(m):
        if S.xslot[S.W[i]] < 0:
            k_new += 1
    if S.n_slots + k_new > 2 * m + 64:
        for i in range(S.n_slots):
            S.xslot[S.slot_feat[i]] = -1
        S.n_slots = 0
        k_new = m
    s0 = S.n_slots
    s1 = s0 + k_new
    if s1 > S.slot_cap:
        new_cap = min(max(2 * s1, 16), P.p)
        if not panels:
            grown = realloc(S.XW, <size_t> lda * new_cap * sizeof(floating))
            if grown == NULL:
                return -1
            S.XW = grown
        old_GS = <floating*> S.GS
        GS = <floating*> malloc(<size_t> new_cap * new_cap * sizeof(floating))
        if GS == NULL:
            return -1
        for b in range(s0):
            memcpy(GS + <size_t> b * new_cap, old_GS + <size_t> b * S.slot_cap,
                   (b + 1) * sizeof(floating))
        free(old_GS)
        S.GS = <void*> GS
        S.slot_cap = new_cap
    XW = <floating*> S.XW
    GS = <floating*> S.GS
    cap = S.slot_cap
    for i in range(m):
        j = S.W[i]
        if S.xslot[j] < 0:
            S.xslot[j] = S.n_slots
            S.slot_feat[S.n_slots] = j
            S.n_slots += 1
    if k_new > 0:
        # GS[:s1, s0:s1] = X~_slots^T X~_new
        T = _chunks(P, <double> n * k_new, PAR_MIN_ONCE)
        if T > 1:
            part = <floating*> malloc(<size_t> (T - 1) * s1 * k_new * sizeof(floating))
            if part == NULL:
                T = 1
        if T == 1:
            if panels:
                failed = _panel_products(P, S, s0, s1, 0, n, GS + <size_t> s0 * cap, cap)
            else:
                for i in range(s0, s1):
                    _xcopy(P, S.slot_feat[i], XW + <size_t> i * lda)
                _gemm_tn(s1, k_new, n, XW, lda, XW + <size_t> s0 * lda, lda,
                         GS + <size_t> s0 * cap, cap)
        else:
            if not panels:
                for i in prange(s0, s1, num_threads=T, schedule="static"):
                    _xcopy(P, S.slot_feat[i], XW + <size_t> i * lda)
            # the sum over row blocks: block 0 into GS, the others into part
            for t in prange(T, num_threads=T, schedule="static"):
                r0 = <int> ((<int64_t> n * t) // T)
                r1 = <int> ((<int64_t> n * (t + 1)) // T)
                if panels:
                    if t == 0:
                        failed += _panel_products(P, S, s0, s1, r0, r1,
                                                  GS + <size_t> s0 * cap, cap)
                    else:
                        failed += _panel_products(P, S, s0, s1, r0, r1,
                                                  part + <size_t> (t - 1) * s1 * k_new,
                                                  s1)
                elif t == 0:
                    _gemm_tn(s1, k_new, r1 - r0, XW + r0, lda,
                             XW + <size_t> s0 * lda + r0, lda, GS + <size_t> s0 * cap, cap)
                else:
                    _gemm_tn(s1, k_new, r1 - r0, XW + r0, lda,
                             XW + <size_t> s0 * lda + r0, lda,
                             part + <size_t> (t - 1) * s1 * k_new, s1)
            for t in range(1, T):
                dest = part + <size_t> (t - 1) * s1 * k_new
                for b in range(k_new):
                    # (rows up to the diagonal: the panels set the upper triangle only)
                    for a in range(s0 + b + 1):
                        GS[a + <size_t> (s0 + b) * cap] += dest[a + <size_t> b * s1]
            free(part)
        if failed != 0:
            return -1
    for b in range(m):
        sb = S.xslot[S.W[b]]
        for a in range(m):
            sa = S.xslot[S.W[a]]
            GW[a + <size_t> b * m] = GS[sa + <size_t> sb * cap] if sa <= sb else \
                GS[sb + <size_t> sa * cap]
    return 0


cdef void _full_grad(Problem* P, floating* w, floating* R, floating* g,
                     const int* feats, int k, int n_supp, const int* supp) noexcept nogil:
    """g[j] = x_j^T R for j in feats (naive), or g = X^T y - G w (Gram, all features)."""
    cdef int i, j, s
    cdef floating* X = <floating*> P.X
    cdef floating* col
    cdef double rsum
    if P.mode == NAIVE:
        if P.sparse:
            # g = X.T @ R - B.T @ (Q.T @ R)
            _qtdot(P, R, P.tbuf)
            for i in range(k):
                j = feats[i]
                g[j] = <floating> (_sdot(P, j, R) - _bdot(P, j, P.tbuf, R))
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
            col = _gcol(P, s, w)
            _axpy(P.p, -w[s], col, g)


cdef void _gap_plain(Problem* P, floating* w, floating* g, const int* feats, int k,
                     GapSums* a) noexcept nogil:
    """_gap_add over feats[:k] without penalty factors and bounds, l1 > 0: the same
    sums (min_j l1 / v_j = l1 / max_j v_j), without a branch per feature."""
    cdef int i, j
    cdef double wj, v, vmax = 0, sabs = 0, ssq = 0
    for i in range(k):
        j = feats[i]
        wj = w[j]
        v = g[j] - P.l2 * wj
        if not P.positive:
            v = fabs(v)
        if v > vmax:
            vmax = v
        sabs += fabs(wj)
        ssq += wj * wj
    a.w_l1 = P.l1 * sabs
    a.w_l2 = P.l2 * ssq
    if vmax > P.l1:
        a.smin = P.l1 / vmax
    a.smin_all = a.smin     # (used with bounds only)


cdef double _full_gap(Problem* P, floating* w, floating* R, floating* g,
                      const int* feats, int k, double* s_out) noexcept nogil:
    """Duality gap of the problem restricted to feats (all features when k == p).

    g must hold x_j^T R for j in feats; w is zero outside feats. s_out receives the
    scaling of the dual point (theta = s R).
    """
    cdef int i, j
    cdef double RR, Ry, wXy, wq, s, s2, h_box = 0, h_box2 = 0, pfj, v, gap, gap2
    cdef GapSums a
    _gap_init(&a)
    if P.pf == NULL and not P.box and P.l1 > 0:
        # the common case in one branch-light pass: the dual scaling is
        # l1 / max_j |x_j^T R - l2 w_j| (its positive part with positive=True)
        _gap_plain(P, w, g, feats, k, &a)
    else:
        for i in range(k):
            j = feats[i]
            pfj = _pf(P, j)
            _gap_add(&a, P.l1, P.l2, w[j], g[j], P.l1 * pfj, P.l2 * pfj, _lo(P, j),
                     _hi(P, j))
    s = _gap_scale(&a)
    s2 = _gap_scale_all(&a)
    if P.box and P.l1 > 0:
        for i in range(k):
            j = feats[i]
            pfj = _pf(P, j)
            v = g[j] - P.l2 * pfj * w[j]
            h_box += _hstar_l1(s * v, P.l1 * pfj, P.lb[j], P.ub[j])
            h_box2 += _hstar_l1(s2 * v, P.l1 * pfj, P.lb[j], P.ub[j])
    if P.mode == NAIVE:
        RR = _dsum_dot(P.n, R, R)
        Ry = _dsum_dot(P.n, R, <floating*> P.y)
    else:
        wXy = 0
        wq = 0
        for i in range(k):
            j = feats[i]
            if w[j] != 0:
                wXy += <double> w[j] * (<floating*> P.Xy)[j]
                wq += <double> w[j] * g[j]
        # ||y - Xw||^2 = y'y - w'Xy - w'q  and  R'y = y'y - w'Xy, with q = Xy - G w
        RR = P.yy - wXy - wq
        Ry = P.yy - wXy
        if RR < 0:
            RR = 0
    gap = _gap(P.l1, P.l2, &a, RR, Ry, h_box, s)
    if P.box and P.l1 > 0:
        # both dual points are feasible: keep the better bound
        gap2 = _gap(P.l1, P.l2, &a, RR, Ry, h_box2, s2)
        if gap2 < gap:
            gap = gap2
            s = s2
    s_out[0] = s
    return gap


cdef struct Inner:
    # compact working-set state, as void pointers of the problem's floating type
    bint gram         # covariance updates on G[W, W] (else residual updates on X)
    int m             # |W|
    int* W            # feature index of each working-set position
    void* wW          # (m,) coefficients on W
    void* qW          # (m,) Gram mode: X_W^T R;   unused in naive mode
    void* bW          # (m,) Gram mode: X_W^T y
    void* GW          # (m, m) Gram mode: G[W, W], column-major
    size_t gw_cap     # allocated entries of GW
    void* dW          # (m,) diagonal: ||x_j||^2
    # naive problem, Gram inner solve: a cache of gathered columns X~[:, j] ("slots",
    # in the order the features first entered a working set) and of their inner
    # products, so that a growing working set computes only its new columns' share of
    # G[W, W] (see _slot_block)
    void* XW          # (n, slot_cap) the gathered columns, column-major
    void* GS          # (slot_cap, slot_cap) GS[a, b] = x~_a^T x~_b for slots a <= b
    int* xslot        # (p,) slot of a feature, or -1
    int* slot_feat    # (p,) feature of a slot
    int n_slots
    int slot_cap
    void* R           # (n,) naive mode: residual y - X w
    void* gW          # (m,) naive mode: X_W^T R scratch
    # Anderson scratch
    void* hist        # ((K + 1) * m)
    void* wacc        # (m,)
    void* vacc        # (max(n, m),)  R or q at the extrapolated point
    int* act          # (m,) positions of the nonzero coefficients
    double* t         # (r,) sparse residual mode: Q^T R_s (R holds R_s = y - X w)
    double col_cost   # residual mode: flops of one column operation (2 n, or the
                      #   mean nonzeros of the sparse columns of W)
    # Cholesky factor of G_FF + l2 I kept between exact solves (Gram inner mode), for
    # the features F = chol_f[:chol_k] in the order they were added (see _chol_solve)
    double* chol_L    # (chol_cap, chol_cap) column-major, lower triangle
    int* chol_f       # (p,)
    int* chol_pos     # (p,) position of a feature in chol_f, or -1
    int* wpos         # (p,) position of a feature in W, or -1
    int* inK          # (p,) scratch, all 0 between uses
    int chol_k
    int chol_cap
    double chol_l2    # P.l2 the factor was built with
    # per-position penalties and bounds
    double* l1W
    double* l2W
    double* loW
    double* hiW


cdef inline void _apply(Problem* P, Inner* S, int i, floating old,
                        floating new) noexcept nogil:
    """Bring the inner state (q_W, or the residual) in line with w_W[i]: old -> new."""
    cdef int j = S.W[i], k
    cdef floating* data
    cdef floating* R
    cdef floating* Bj
    cdef int64_t kk
    if S.gram:
        # q_W -= (new - old) * G[W, j]
        _axpy(S.m, old - new, (<floating*> S.GW) + <size_t> i * S.m, <floating*> S.qW)
    elif P.sparse:
        # R_s -= (new - old) * x_j (its nonzeros only);  t -= (new - old) * B_j
        data = <floating*> P.Xdata
        R = <floating*> S.R
        for kk in range(P.Xptr[j], P.Xptr[j + 1]):
            R[P.Xind[kk]] -= (new - old) * data[kk]
        Bj = (<floating*> P.B) + <size_t> j * P.r
        for k in range(P.r):
            S.t[k] -= (<double> new - old) * Bj[k]
    else:
        # R -= (new - old) * x_j
        _xaxpy(P, j, old - new, <floating*> S.R)


cdef inline void _update(Problem* P, Inner* S, int i, floating* wW) noexcept nogil:
    """One coordinate-descent update of working-set position i."""
    cdef floating* dW = <floating*> S.dW
    cdef floating old = wW[i]
    cdef floating z, new
    cdef int j = S.W[i]
    if S.gram:
        z = (<floating*> S.qW)[i] + dW[i] * old
    elif P.sparse:
        # sparse residual R_s = y - X w with t = Q^T R_s (the residual is R_s + Q B w):
        # x~_j @ R = x_j @ R_s - B_j @ t
        z = <floating> (_sdot(P, j, <floating*> S.R) - _bdot(P, j, S.t, dW)) + \
            dW[i] * old
    else:
        # z = x_j @ (R + w_j x_j)
        z = <floating> _xdot(P, j, <floating*> S.R) + dW[i] * old
    new = _prox(z, S.l1W[i], dW[i] + S.l2W[i], P.positive)
    if P.box:
        new = <floating> _clip(new, S.loW[i], S.hiW[i])
    if new != old:
        wW[i] = new
        _apply(P, S, i, old, new)


cdef void _sweep(Problem* P, Inner* S, const int* pos, int k, floating* wW) noexcept nogil:
    """One pass of coordinate descent over the working-set positions pos[:k]."""
    cdef int t
    if P.random:
        for t in range(k):
            _update(P, S, pos[_rand_int(k, &P.rng)], wW)
    else:
        for t in range(k):
            _update(P, S, pos[t], wW)


cdef void _inner_gaps(Problem* P, Inner* S, floating* wW, double* gap_W,
                      double* gap_A) noexcept nogil:
    """Duality gaps of the problem restricted to W and to its nonzero part A."""
    cdef int i
    cdef floating* g
    cdef floating wi
    cdef double RR = 0, Ry = 0, wb = 0, wq = 0, s_W, s_A, h_W = 0, h_A = 0, v, hv, c
    cdef double s_W2, s_A2, h_W2 = 0, h_A2 = 0
    cdef int k
    cdef GapSums aW, aA
    if not S.gram and P.sparse:
        # R = R_s + Q c with c = B_W w_W:  ||R||^2 = ||R_s||^2 + 2 c^T t + ||c||^2,
        # R^T y = R_s^T y (y is orthogonal to Q)
        g = <floating*> S.gW
        _qtdot(P, <floating*> S.R, S.t)      # t = Q^T R_s afresh (no drift)
        for i in range(S.m):
            g[i] = <floating> (_sdot(P, S.W[i], <floating*> S.R) -
                               _bdot(P, S.W[i], S.t, g))
        RR = _dsum_dot(P.n, <floating*> S.R, <floating*> S.R)
        Ry = _dsum_dot(P.n, <floating*> S.R, <floating*> P.y)
        for k in range(P.r):
            c = 0
            for i in range(S.m):
                c += <double> (<floating*> P.B)[<size_t> S.W[i] * P.r + k] * wW[i]
            RR += 2 * c * S.t[k] + c * c
    elif not S.gram:
        g = <floating*> S.gW
        _xdots(P, S.W, S.m, <floating*> S.R, g)
        RR = _dsum_dot(P.n, <floating*> S.R, <floating*> S.R)
        Ry = _dsum_dot(P.n, <floating*> S.R, <floating*> P.y)
    else:
        g = <floating*> S.qW
    _gap_init(&aW)
    _gap_init(&aA)
    for i in range(S.m):
        wi = wW[i]
        _gap_add(&aW, P.l1, P.l2, wi, g[i], S.l1W[i], S.l2W[i], S.loW[i], S.hiW[i])
        if wi != 0:
            _gap_add(&aA, P.l1, P.l2, wi, g[i], S.l1W[i], S.l2W[i], S.loW[i],
                     S.hiW[i])
            if S.gram:
                wb += <double> wi * (<floating*> S.bW)[i]
                wq += <double> wi * g[i]
    if P.box and P.l1 > 0:
        s_W = _gap_scale(&aW)
        s_A = _gap_scale(&aA)
        s_W2 = _gap_scale_all(&aW)
        s_A2 = _gap_scale_all(&aA)
        for i in range(S.m):
            v = g[i] - S.l2W[i] * wW[i]
            h_W += _hstar_l1(s_W * v, S.l1W[i], S.loW[i], S.hiW[i])
            h_W2 += _hstar_l1(s_W2 * v, S.l1W[i], S.loW[i], S.hiW[i])
            if wW[i] != 0:
                h_A += _hstar_l1(s_A * v, S.l1W[i], S.loW[i], S.hiW[i])
                h_A2 += _hstar_l1(s_A2 * v, S.l1W[i], S.loW[i], S.hiW[i])
    if S.gram:
        RR = P.yy - wb - wq
        Ry = P.yy - wb
        if RR < 0:
            RR = 0
    gap_W[0] = _gap(P.l1, P.l2, &aW, RR, Ry, h_W)
    gap_A[0] = _gap(P.l1, P.l2, &aA, RR, Ry, h_A)
    if P.box and P.l1 > 0:
        gap_W[0] = min(gap_W[0], _gap(P.l1, P.l2, &aW, RR, Ry, h_W2, s_W2))
        gap_A[0] = min(gap_A[0], _gap(P.l1, P.l2, &aA, RR, Ry, h_A2, s_A2))


cdef double _objective_change(Problem* P, Inner* S, floating* w0, floating* w1,
                              floating* v0, floating* v1) noexcept nogil:
    """P(w1) - P(w0) on W, from the residuals (naive) or q_W (Gram) v0, v1 at w0, w1.

    Written with differences only, so that it stays accurate when w1 is close to w0
    (a difference of two objectives of size ||y||^2 would lose every digit in float32):
    naive: 0.5 (R1 - R0)^T (R1 + R0); Gram: with q1 = q0 - G (w1 - w0),
    -(w1 - w0)^T q0 + 0.5 (w1 - w0)^T G (w1 - w0) = -0.5 (w1 - w0)^T (q0 + q1).
    """
    cdef int i, k
    cdef double d = 0, dw, a0, a1
    cdef double* c0 = P.tbuf
    cdef double* c1 = P.tbuf + P.r
    cdef floating* Q = <floating*> P.Q
    for i in range(S.m):
        d += S.l1W[i] * (fabs(w1[i]) - fabs(w0[i])) + \
            0.5 * S.l2W[i] * (<double> w1[i] - w0[i]) * (<double> w1[i] + w0[i])
        if S.gram:
            dw = <double> w1[i] - w0[i]
            d -= 0.5 * dw * (<double> v0[i] + v1[i])
    if not S.gram and P.sparse and P.r > 0:
        # v0, v1 are sparse residuals R_s: the residuals are R_s + Q c, c = B_W w
        for k in range(P.r):
            c0[k] = 0
            c1[k] = 0
            for i in range(S.m):
                c0[k] += <double> (<floating*> P.B)[<size_t> S.W[i] * P.r + k] * w0[i]
                c1[k] += <double> (<floating*> P.B)[<size_t> S.W[i] * P.r + k] * w1[i]
        for i in range(P.n):
            a0 = v0[i]
            a1 = v1[i]
            for k in range(P.r):
                a0 += Q[<size_t> k * P.n + i] * c0[k]
                a1 += Q[<size_t> k * P.n + i] * c1[k]
            d += 0.5 * (a1 - a0) * (a1 + a0)
    elif not S.gram:
        for i in range(P.n):
            d += 0.5 * (<double> v1[i] - v0[i]) * (<double> v1[i] + v0[i])
    return d


cdef void _anderson(Problem* P, Inner* S, int nA, floating* wW) noexcept nogil:
    """Extrapolate the last K+1 iterates on the active positions; keep it if better.

    hist[k * nA + t] holds the value at position act[t] after the k-th sweep.
    """
    cdef int k, t, i, K = ANDERSON_K
    cdef floating* hist = <floating*> S.hist
    cdef floating* wacc = <floating*> S.wacc
    cdef floating* vacc = <floating*> S.vacc
    cdef floating* cur
    cdef floating delta
    cdef double C[ANDERSON_K * ANDERSON_K]
    cdef double z[ANDERSON_K]
    cdef double s
    if not _anderson_weights(hist, <size_t> nA, K, C, z):
        return
    # w_acc = sum_k c_k w^(k+1) on the active positions, w elsewhere
    for i in range(S.m):
        wacc[i] = wW[i]
    for t in range(nA):
        if hist[K * nA + t] == 0:
            # keep the exact zeros of the last coordinate-descent iterate
            wacc[S.act[t]] = 0
            continue
        s = 0
        for k in range(K):
            s += z[k] * hist[(k + 1) * nA + t]
        wacc[S.act[t]] = <floating> s
        if (P.positive and s < 0) or (P.box and (s < S.loW[S.act[t]] or
                                                 s > S.hiW[S.act[t]])):
            return
    # residual (naive) or q_W (Gram) at w_acc
    if not S.gram:
        cur = <floating*> S.R
        _copy(P.n, cur, vacc)
        for t in range(nA):
            i = S.act[t]
            delta = wacc[i] - wW[i]
            if delta != 0:
                if P.sparse:
                    _saxpy(P, S.W[i], -delta, vacc)   # sparse residual R_s
                else:
                    _xaxpy(P, S.W[i], -delta, vacc)
    else:
        cur = <floating*> S.qW
        _copy(S.m, cur, vacc)
        for t in range(nA):
            i = S.act[t]
            delta = wacc[i] - wW[i]
            if delta != 0:
                _axpy(S.m, -delta, (<floating*> S.GW) + <size_t> i * S.m, vacc)
    if _objective_change(P, S, wW, wacc, cur, vacc) < 0:
        _copy(S.m, wacc, wW)
        _copy(P.n if not S.gram else S.m, vacc, cur)
        if P.sparse and not S.gram:
            _qtdot(P, cur, S.t)


cdef bint _null_direction(double* H, int k, double* d) noexcept nogil:
    """d = a unit vector of the null space of the symmetric positive semi-definite H
    (k x k, destroyed), if H is singular (smallest eigenvalue <= 1e-10 of the largest)."""
    cdef char jobz = b'V'
    cdef char uplo = b'L'
    cdef int info = 0, lwork = 3 * k, i
    cdef double* evals = <double*> malloc(<size_t> k * sizeof(double))
    cdef double* work = <double*> malloc(<size_t> lwork * sizeof(double))
    cdef bint found = False
    if evals != NULL and work != NULL and k > 0:
        dsyev(&jobz, &uplo, &k, H, &k, evals, work, &lwork, &info)
        if info == 0 and evals[0] <= 1e-10 * fabs(evals[k - 1]):
            for i in range(k):
                d[i] = H[i]          # eigenvector of the smallest eigenvalue
            found = True
    free(evals)
    free(work)
    return found



cdef void _chol_truncate(Inner* S, int r) noexcept nogil:
    """Keep the factor of the first r features of the cache (a leading block of a
    Cholesky factor is the factor of the leading block)."""
    cdef int i
    for i in range(r, S.chol_k):
        S.chol_pos[S.chol_f[i]] = -1
    if r < S.chol_k:
        S.chol_k = r


cdef bint _chol_solve(Problem* P, Inner* S, const int* posK, int k, double* b,
                      double* x, floating* dummy) noexcept nogil:
    """x = (G_KK + l2 I)^-1 b for the working-set positions posK[:k] (b, x in that
    order), from the cached factor, updated: the cache keeps its longest prefix of
    features still in K and appends the others, one row each (a triangular solve,
    O(k^2)), so that along a path, where the active set changes by a few features
    per alpha, an exact solve costs O(k^2) instead of the O(k^3) of a factorization.
    False when a pivot is not safely positive (G_KK singular or nearly so) or memory
    runs out; the caller then factors afresh.
    """
    cdef floating* GW = <floating*> S.GW
    cdef int i, c, r, j, pj, new_cap, one = 1, info, q
    cdef double done = 1.0, dminus = -1.0
    cdef double* L
    cdef double* L21
    cdef double* L22
    cdef char rs = b'R'
    cdef double* grown
    cdef char lo = b'L'
    cdef char nt = b'N'
    cdef char tr = b'T'
    if P.l2 != S.chol_l2:
        _chol_truncate(S, 0)
        S.chol_l2 = P.l2
    # the longest prefix of the cached features that are all in K stays
    for c in range(k):
        S.inK[posK[c]] = 1
    r = 0
    while r < S.chol_k:
        pj = S.wpos[S.chol_f[r]]
        if pj < 0 or S.inK[pj] == 0:
            break
        r += 1
    for c in range(k):
        S.inK[posK[c]] = 0
    _chol_truncate(S, r)
    if k > S.chol_cap:
        new_cap = max(k, 2 * S.chol_cap)
        if new_cap > P.p:
            new_cap = P.p
        grown = <double*> malloc(<size_t> new_cap * new_cap * sizeof(double))
        if grown == NULL:
            return False
        for c in range(S.chol_k):
            for i in range(c, S.chol_k):
                grown[i + <size_t> c * new_cap] = S.chol_L[i + <size_t> c * S.chol_cap]
        free(S.chol_L)
        S.chol_L = grown
        S.chol_cap = new_cap
    L = S.chol_L
    if 3 * (k - S.chol_k) > k:
        # many rows to add: one blocked factorization (LAPACK) beats row appends
        _chol_truncate(S, 0)
        for c in range(k):
            pj = posK[c]
            for i in range(c, k):
                L[i + <size_t> c * S.chol_cap] = GW[posK[i] + <size_t> pj * S.m]
            L[c + <size_t> c * S.chol_cap] += S.l2W[pj]
        info = 0
        dpotrf(&lo, &k, L, &S.chol_cap, &info)
        if info != 0:
            return False
        for c in range(k):
            j = S.W[posK[c]]
            S.chol_f[c] = j
            S.chol_pos[j] = c
        S.chol_k = k
    # append the features of K not in the cache, as one block: with the cached
    # factor L11, L21 = G_NF L11^-T (a triangular solve, BLAS 3) and L22 the factor of
    # G_NN + l2 I - L21 L21^T
    r = S.chol_k
    q = 0
    for c in range(k):
        j = S.W[posK[c]]
        if S.chol_pos[j] < 0:
            S.chol_f[r + q] = j
            q += 1
    if q > 0:
        L21 = L + r
        L22 = L + r + <size_t> r * S.chol_cap
        for c in range(q):
            pj = S.wpos[S.chol_f[r + c]]
            for i in range(r):
                L21[c + <size_t> i * S.chol_cap] = GW[S.wpos[S.chol_f[i]] + <size_t> pj * S.m]
            for i in range(c, q):
                L22[i + <size_t> c * S.chol_cap] = \
                    GW[S.wpos[S.chol_f[r + i]] + <size_t> pj * S.m]
            L22[c + <size_t> c * S.chol_cap] += S.l2W[pj]
        if r > 0:
            dtrsm(&rs, &lo, &tr, &nt, &q, &r, &done, L, &S.chol_cap, L21, &S.chol_cap)
            dsyrk(&lo, &nt, &q, &r, &dminus, L21, &S.chol_cap, &done, L22, &S.chol_cap)
        info = 0
        dpotrf(&lo, &q, L22, &S.chol_cap, &info)
        if info != 0:
            return False
        for c in range(q):
            S.chol_pos[S.chol_f[r + c]] = r + c
        S.chol_k = r + q
    # K is now exactly the cached features (in cache order): solve L L^T x = b
    for c in range(k):
        x[S.chol_pos[S.W[posK[c]]]] = b[c]
    dtrsv(&lo, &nt, &nt, &k, L, &S.chol_cap, x, &one)
    dtrsv(&lo, &tr, &nt, &k, L, &S.chol_cap, x, &one)
    # back to the order of posK (b is free now)
    for c in range(k):
        b[c] = x[S.chol_pos[S.W[posK[c]]]]
    for c in range(k):
        x[c] = b[c]
    return True


cdef inline void _system_matrix(Inner* S, floating* GW, floating* GA, const int* idx,
                                int k, int nA, double* H) noexcept nogil:
    """H = G_KK + l2 I for the active positions K = act[idx[:k]] (from G[W, W] in Gram
    inner mode, else from G_AA of the active positions)."""
    cdef int a, c
    for c in range(k):
        for a in range(k):
            if S.gram:
                H[a + <size_t> c * k] = GW[S.act[idx[a]] + <size_t> S.act[idx[c]] * S.m]
            else:
                H[a + <size_t> c * k] = GA[idx[a] + <size_t> idx[c] * nA]
        H[c + <size_t> c * k] += S.l2W[S.act[idx[c]]]


cdef inline void _system_rhs(Inner* S, const double* xty, const double* cur,
                             const int* idx, int k, double* z) noexcept nogil:
    """z = X_K^T y - l1 s_K for the signs s of cur on K."""
    cdef int c
    for c in range(k):
        z[c] = xty[idx[c]] - S.l1W[S.act[idx[c]]] * (1.0 if cur[idx[c]] > 0 else -1.0)


cdef bint _newton(Problem* P, Inner* S, int nA, floating* wW) noexcept nogil:
    """Exact solve on the active positions, for the current sign pattern.

    Once the support and the signs s of w_A settle, the solution on W solves the linear
    system (G_AA + l2 I) w_A = X_A^T y - l1 s_A (w = 0 elsewhere on W). It is solved by
    Cholesky (LAPACK, double precision). The step towards it stops where a coefficient
    would change sign (the objective is that system's quadratic along the step, so the
    partial step decreases it too); that coefficient leaves A and the system is solved
    again, up to NEWTON_ROUNDS times (an active-set method). The result is kept if the
    objective decreased; the duality gap checked after it decides whether it is the
    solution (the caller goes on with coordinate descent otherwise). G_AA comes from the
    G[W, W] block (Gram inner mode) or from X_A^T X_A (residual inner mode, where
    X_A^T y = X_A^T R + G_AA w_A).
    """
    cdef int a, b, c, i, r, info = 0, one = 1, k, kk
    cdef char uplo = b'L'
    cdef floating* GW = <floating*> S.GW
    cdef floating* wacc = <floating*> S.wacc
    cdef floating* vacc = <floating*> S.vacc
    cdef floating* XA = NULL
    cdef floating* GA = NULL
    cdef double* H = <double*> malloc(<size_t> nA * nA * sizeof(double))
    cdef double* z = <double*> malloc(<size_t> nA * sizeof(double))
    cdef double* xty = <double*> malloc(<size_t> nA * sizeof(double))
    cdef double* cur = <double*> malloc(<size_t> nA * sizeof(double))
    cdef int* idx = <int*> malloc(<size_t> nA * sizeof(int))
    cdef int* posK = <int*> malloc(<size_t> nA * sizeof(int))
    cdef double* zb = <double*> malloc(<size_t> nA * sizeof(double))
    cdef double t, wi, slope
    cdef int hit
    cdef floating delta
    cdef bint ok = False
    if posK == NULL or zb == NULL or S.chol_f == NULL:
        free(posK)
        free(zb)
        posK = NULL
        zb = NULL
    if not S.gram:
        if not P.sparse:
            XA = <floating*> malloc(<size_t> nA * P.n * sizeof(floating))
        GA = <floating*> malloc(<size_t> nA * nA * sizeof(floating))
    if H == NULL or z == NULL or xty == NULL or cur == NULL or idx == NULL or \
            (not S.gram and ((XA == NULL and not P.sparse) or GA == NULL)):
        free(H); free(z); free(xty); free(cur); free(idx); free(XA); free(GA)
        free(posK); free(zb)
        return False
    if not S.gram and P.sparse:
        # G_AA from the sparse columns (idx holds their features for now)
        for b in range(nA):
            idx[b] = S.W[S.act[b]]
        _sparse_block(P, idx, nA, GA)
    elif not S.gram:
        # G_AA = X_A^T X_A
        for b in range(nA):
            _xcopy(P, S.W[S.act[b]], XA + <size_t> b * P.n)
        _syrk_t(nA, P.n, XA, P.n, GA, nA)
    # X_A^T y, and the starting point
    for b in range(nA):
        if S.gram:
            xty[b] = (<floating*> S.bW)[S.act[b]]
        else:
            if P.sparse:
                # x~_j^T R = x_j^T R_s - B_j^T t
                xty[b] = _sdot(P, S.W[S.act[b]], <floating*> S.R) - \
                    _bdot(P, S.W[S.act[b]], S.t, GA)
            else:
                xty[b] = _dot(P.n, XA + <size_t> b * P.n, <floating*> S.R)
            for a in range(nA):
                xty[b] += <double> GA[a + <size_t> b * nA] * wW[S.act[a]]
    k = 0
    for b in range(nA):
        cur[b] = wW[S.act[b]]
        if cur[b] != 0:
            idx[k] = b
            k += 1
    for r in range(NEWTON_ROUNDS):
        # (G_KK + l2 I) z = X_K^T y - l1 s_K on the remaining positions K = idx[:k]
        _system_rhs(S, xty, cur, idx, k, z)
        info = 1
        if S.gram and posK != NULL:
            # from the factor kept between solves, when it can be extended
            for c in range(k):
                posK[c] = S.act[idx[c]]
                zb[c] = z[c]
            if _chol_solve(P, S, posK, k, zb, z, wW):
                info = 0
            else:
                _system_rhs(S, xty, cur, idx, k, z)
        if info != 0:
            _system_matrix(S, GW, GA, idx, k, nA, H)
            info = 0
            dposv(&uplo, &k, &one, H, &k, z, &k, &info)
        if info != 0:
            # G_KK + l2 I is singular: l2 = 0 and more active features than the rank of
            # X_K (e.g. n features of centered data, of rank n - 1), where coordinate
            # descent crawls. Along a null direction d of G_KK the fit X w does not
            # change and the L1 term is linear: step along d in its descending sense
            # until a coefficient reaches 0 (it leaves K), then solve again.
            _system_matrix(S, GW, GA, idx, k, nA, H)
            if not _null_direction(H, k, z):
                break
            slope = 0
            for c in range(k):
                slope += S.l1W[S.act[idx[c]]] * (1.0 if cur[idx[c]] > 0 else -1.0) * z[c]
            if slope > 0:
                for c in range(k):
                    z[c] = -z[c]
            t = INFINITY
            hit = -1
            for c in range(k):
                wi = cur[idx[c]]
                if wi * z[c] < 0 and -wi / z[c] < t:
                    t = -wi / z[c]
                    hit = c
            if hit < 0:
                break
            kk = 0
            for c in range(k):
                if c == hit:
                    cur[idx[c]] = 0          # reached zero: leaves the active set
                else:
                    cur[idx[c]] += t * z[c]
                    idx[kk] = idx[c]
                    kk += 1
            k = kk
            ok = True
            if k == 0:
                break
            continue
        t = 1.0
        for c in range(k):
            wi = cur[idx[c]]
            if z[c] * wi <= 0:
                t = min(t, wi / (wi - z[c]))
        ok = True
        kk = 0
        for c in range(k):
            wi = cur[idx[c]]
            wi = wi + t * (z[c] - wi)
            if t < 1 and wi * cur[idx[c]] <= 1e-14 * cur[idx[c]] * cur[idx[c]]:
                cur[idx[c]] = 0          # reached zero: leaves the active set
            else:
                cur[idx[c]] = wi
                idx[kk] = idx[c]
                kk += 1
        k = kk
        if t >= 1 or k == 0:
            break
    if ok:
        for i in range(S.m):
            wacc[i] = wW[i]
        for b in range(nA):
            wacc[S.act[b]] = <floating> cur[b]
        # q_W (Gram) or the residual (naive) at the new point, and the objective check
        if S.gram:
            _copy(S.m, <floating*> S.qW, vacc)
            for b in range(nA):
                i = S.act[b]
                delta = wacc[i] - wW[i]
                if delta != 0:
                    _axpy(S.m, -delta, GW + <size_t> i * S.m, vacc)
            ok = _objective_change(P, S, wW, wacc, <floating*> S.qW, vacc) < 0
            if ok:
                _copy(S.m, vacc, <floating*> S.qW)
        else:
            _copy(P.n, <floating*> S.R, vacc)
            for b in range(nA):
                delta = wacc[S.act[b]] - wW[S.act[b]]
                if delta != 0:
                    if P.sparse:
                        _saxpy(P, S.W[S.act[b]], -delta, vacc)   # sparse residual R_s
                    else:
                        _axpy(P.n, -delta, XA + <size_t> b * P.n, vacc)
            ok = _objective_change(P, S, wW, wacc, <floating*> S.R, vacc) < 0
            if ok:
                _copy(P.n, vacc, <floating*> S.R)
                if P.sparse:
                    _qtdot(P, <floating*> S.R, S.t)
        if ok:
            _copy(S.m, wacc, wW)
    free(H); free(z); free(xty); free(cur); free(idx); free(XA); free(GA)
    free(posK); free(zb)
    return ok


cdef int _inner_solve(Problem* P, Inner* S, double eps, int budget,
                      floating* wW) noexcept nogil:
    """Solve the problem restricted to W until its gap is <= eps; returns the sweeps.

    At least one sweep is always made.
    """
    cdef int sweeps = 0, nA, k, t, i
    cdef int* allpos = S.act + S.m   # second half of act: 0..m-1
    cdef floating* hist = <floating*> S.hist
    cdef double gap_W, gap_A, gap_A_prev
    cdef bint stable
    cdef int newton_tries, flips, phase_sweeps, n_new
    cdef double sweep_cost, solve_cost
    for i in range(S.m):
        allpos[i] = i
    while True:
        _sweep(P, S, allpos, S.m, wW)
        sweeps += 1
        _inner_gaps(P, S, wW, &gap_W, &gap_A)
        if gap_W <= eps or sweeps >= budget:
            return sweeps
        # active-set cycling on the nonzero coefficients, Anderson-accelerated
        nA = 0
        for i in range(S.m):
            if wW[i] != 0:
                S.act[nA] = i
                nA += 1
        if nA == 0:
            continue
        k = 0
        for t in range(nA):
            hist[t] = wW[S.act[t]]
        gap_A_prev = INFINITY
        newton_tries = 0
        phase_sweeps = 0
        while sweeps < budget:
            _sweep(P, S, S.act, nA, wW)
            sweeps += 1
            phase_sweeps += 1
            k += 1
            for t in range(nA):
                hist[k * nA + t] = wW[S.act[t]]
            if S.gram and k < ANDERSON_K and sweeps <= 2 * ANDERSON_K:
                # on G[W, W] the gap costs O(m), a sweep O(m nA): check it after each
                # of the first sweeps (a solve from an extrapolated start on a path
                # often needs one or two)
                _inner_gaps(P, S, wW, &gap_W, &gap_A)
                if gap_W <= eps:
                    return sweeps
                if k == 2 and newton_tries == 0 and nA <= NEWTON_MAX and not P.box and \
                        P.l2 == S.chol_l2 and S.chol_k >= nA - 2:
                    # the kept factor covers the active set but for a row or two: an
                    # exact solve costs about two sweeps; try it if no sign changed
                    flips = 0
                    n_new = 0
                    for t in range(nA):
                        if hist[t] * wW[S.act[t]] < 0:
                            flips += 1
                        if S.chol_pos[S.W[S.act[t]]] < 0:
                            n_new += 1
                    if flips == 0 and n_new <= 2:
                        newton_tries += 1
                        if _newton(P, S, nA, wW):
                            _inner_gaps(P, S, wW, &gap_W, &gap_A)
                            if gap_W <= eps:
                                return sweeps
            if k == ANDERSON_K:
                # signs of the active coefficients (nearly all) unchanged over the block?
                flips = 0
                for t in range(nA):
                    if hist[t] * hist[ANDERSON_K * nA + t] < 0:
                        flips += 1
                stable = flips <= nA // 100
                _anderson(P, S, nA, wW)
                _inner_gaps(P, S, wW, &gap_W, &gap_A)
                if gap_W <= eps:
                    return sweeps
                # the exact solve: when the signs hold, when it can be factored or made
                # so by a few null steps (with l2 = 0, G_AA is singular once A has more
                # features than the rank of X, at most n), and
                # once the sweeps of this phase cost a tenth of it (measured balance:
                # tried more often it slows paths at the default tol, less often the
                # hard p > n end at tol 1e-8)
                sweep_cost = <double> phase_sweeps * nA * (S.m if S.gram else S.col_cost)
                solve_cost = <double> nA * nA * nA / 3
                if not S.gram:
                    solve_cost += <double> nA * nA * S.col_cost / 2
                elif S.chol_f != NULL and P.l2 == S.chol_l2:
                    # the kept factor needs a row per feature it lacks
                    n_new = 0
                    for t in range(nA):
                        if S.chol_pos[S.W[S.act[t]]] < 0:
                            n_new += 1
                    solve_cost = min(solve_cost, (n_new + 2.0) * nA * nA)
                if (stable and newton_tries < 3 and nA <= NEWTON_MAX and not P.box and
                        not (P.l2 == 0 and nA > P.rank_max + 4) and sweep_cost >= 0.1 * solve_cost):
                    newton_tries += 1
                    if _newton(P, S, nA, wW):
                        _inner_gaps(P, S, wW, &gap_W, &gap_A)
                        if gap_W <= eps:
                            return sweeps
                k = 0
                for t in range(nA):
                    hist[t] = wW[S.act[t]]
                if gap_A <= eps or gap_A >= gap_A_prev:
                    # the nonzero part is solved, or as solved as rounding allows:
                    # back to a sweep over W
                    break
                gap_A_prev = gap_A
        if sweeps >= budget:
            return sweeps


cdef void _extrapolate(Problem* P, Inner* S, floating* wW) noexcept nogil:
    """Start the solve on a path from the linear extrapolation of the last two solutions.

    While the support and signs hold, the lasso solution is affine in alpha
    (w_A = G_AA^-1 (X_A^T y - n alpha s_A)), so w + extrap * (w - w_prev) is the next
    solution exactly, and otherwise off by O(step^2) instead of the O(step) of the
    plain warm start. A coefficient whose extrapolation crosses zero (or starts from
    zero) starts at zero; the result is clipped to the bounds. Only the start moves:
    the solve and its duality-gap stop are unchanged.
    """
    cdef floating* wp = <floating*> P.w_prev
    cdef floating old, new
    cdef double e
    cdef int i
    for i in range(S.m):
        old = wW[i]
        if old == 0:
            continue
        e = old + P.extrap * (<double> old - wp[S.W[i]])
        if (e > 0) != (old > 0):
            e = 0
        if P.box:
            e = _clip(e, S.loW[i], S.hiW[i])
        new = <floating> e
        if new != old:
            wW[i] = new
            _apply(P, S, i, old, new)


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


cdef void _gap_plain_scale(Problem* P, floating* w, floating* g, const int* feats,
                           int k, double* s_out) noexcept nogil:
    """The dual scaling s of _full_gap over feats[:k] (plain penalties, l1 > 0)."""
    cdef GapSums a
    _gap_init(&a)
    _gap_plain(P, w, g, feats, k, &a)
    s_out[0] = _gap_scale(&a)


cdef void _ref_set(Problem* P, floating* R, floating* g) noexcept nogil:
    """g holds x~_j^T R for every nonzero column: make (R, |g|) the bounds' reference."""
    cdef int i, j
    cdef double rr = 0
    if not P.bounds:
        return
    _copy(P.n, R, <floating*> P.Rref)
    for i in range(P.n_nz):
        j = P.nz[i]
        P.cref[j] = fabs(g[j])
    rr = sqrt(_dsum_dot(P.n, R, R))
    # a computed dot product x^T r is within n eps ||x|| ||r|| of the exact one
    P.rnd = 4.0 * P.n * 1.1102230246251565e-16 * rr
    P.has_ref = True


cdef inline double _ref_dist(Problem* P, floating* R) noexcept nogil:
    """||R - Rref|| plus the rounding allowance."""
    cdef double d = 0, e
    cdef int i
    cdef floating* Rr = <floating*> P.Rref
    for i in range(P.n):
        e = <double> R[i] - Rr[i]
        d += e * e
    return sqrt(d) * (1 + 1e-12) + P.rnd


cdef int _all_grad(Problem* P, floating* w, floating* R, floating* g, int* feats,
                   int n_supp, const int* supp) noexcept nogil:
    """Every nonzero column back in feats, its correlation with R computed (one pass
    over X), and the bounds' reference moved there. Returns the count of feats."""
    cdef int k = _all_features(P, feats)
    _full_grad(P, w, R, g, feats, k, n_supp, supp)
    _ref_set(P, R, g)
    return k


cdef int _certify(Problem* P, floating* w, floating* R, floating* g, int* feats,
                  int n_kept, double s, double limit) noexcept nogil:
    """The features outside feats[:n_kept] (all with w = 0): those whose bound keeps
    s |x~_j^T R| <= l1 and |x~_j^T R| < limit are left out; the others get their exact
    correlation in g and are appended to feats. Returns the new count, or -1 when more
    than a quarter of the columns would need computing (a pass over all of X is then
    cheaper: the caller makes it). exact[] marks the features of feats on return."""
    cdef int i, j, k = n_kept
    cdef double D = _ref_dist(P, R), b
    for i in range(P.n_nz):
        P.exact[P.nz[i]] = 0
    for i in range(n_kept):
        P.exact[feats[i]] = 1
    # the features the bounds do not certify, listed after feats[:n_kept]
    for i in range(P.n_nz):
        j = P.nz[i]
        if P.exact[j]:
            continue
        b = P.cref[j] + P.cnorm[j] * D
        if s * b <= P.l1 and b < limit:
            continue
        feats[k] = j
        k += 1
    if 4 * (k - n_kept) > P.n_nz:
        return -1
    for i in range(n_kept, k):
        j = feats[i]
        g[j] = <floating> _xdot(P, j, R)
        P.exact[j] = 1
    return k


cdef int _solve(Problem* P, floating* w, floating* R, floating* g, int* feats,
                int* supp, ScoreIdx* cand, Inner* S, int max_iter,
                double* gap_out) noexcept nogil:
    """Solve one problem from the warm start w. Returns the number of sweeps,
    or -1 if memory ran out. R (naive) must hold y - X w on entry."""
    cdef int n_iter = 0, n_kept, n_supp, n_cand, ws_size = 0, i, j, t, m, sweeps
    cdef int n_screened = 0, outer = 0, n_viol, zeroed
    cdef bint strong, use_strong, plain, safe
    cdef double gap, s, radius, radius2, eps, v, d, pfj, l1j, l2j, lo, hi
    cdef int64_t nnz_W
    cdef int n_cand_viol
    cdef floating* norms = <floating*> P.norms
    cdef floating* wW = <floating*> S.wW
    cdef floating* GW
    cdef floating* col

    # features with a zero column take the value of their bounds closest to 0
    if P.n_nz < P.p:
        for j in range(P.p):
            if norms[j] == 0:
                w[j] = <floating> _clip(0.0, _lo(P, j), _hi(P, j))
    n_kept = _all_features(P, feats)
    strong = P.l1_prev > P.l1 and P.l1 > 0

    while True:
        # support, and the gradient on the kept features
        n_supp = _support(feats, n_kept, w, supp)
        if P.mode == GRAM and _ensure_cols(P, supp, n_supp, w) < 0:
            return -1
        if P.fresh and outer == 0:
            # the previous alpha of the path ended with R and the gradient of this w
            # on every nonzero column (its final full-problem check): one pass saved;
            # or, after a certified check, on the features it computed: the others
            # stay out while their bounds show them feasible and below the strong
            # rule's threshold (otherwise they are computed now)
            if P.partial:
                i = -1
                if P.l1 > 0:
                    t = 0
                    for i in range(n_kept):
                        if P.exact[feats[i]]:
                            feats[t] = feats[i]
                            t += 1
                    _gap_plain_scale(P, w, g, feats, t, &s)
                    i = _certify(P, w, R, g, feats, t, s,
                                 2 * P.l1 - P.l1_prev if strong else INFINITY)
                if i < 0:
                    n_kept = _all_grad(P, w, R, g, feats, n_supp, supp)
                else:
                    n_screened = P.n_nz - i
                    n_kept = i
                n_supp = _support(feats, n_kept, w, supp)
        else:
            if P.mode == NAIVE:
                # R = y - X[:, supp] @ w[supp], afresh: coordinate updates let rounding
                # errors drift R away from y - Xw (visible in float32), and the gap
                # must be that of w
                _residual(P, w, supp, n_supp, R)
            _full_grad(P, w, R, g, feats, n_kept, n_supp, supp)
            if n_kept == P.n_nz:
                _ref_set(P, R, g)
        P.fresh = False
        P.partial = False
        gap = _full_gap(P, w, R, g, feats, n_kept, &s)

        if (gap <= P.tol or n_iter >= max_iter) and n_screened > 0:
            # KKT check of the screened features: the gap of the full problem. With
            # bounds, only the features whose bound does not show the dual point
            # s R feasible are computed (the others cannot lower s, so the gap is the
            # full problem's all the same); the next alpha starts from those
            i = -1
            if P.bounds and P.has_ref:
                i = _certify(P, w, R, g, feats, n_kept, s, INFINITY)
            if i >= 0:
                n_kept = i
                n_screened = P.n_nz - n_kept   # still out: checked again if the loop goes on
                P.partial = True
            else:
                n_kept = _all_grad(P, w, R, g, feats, n_supp, supp)
                n_screened = 0
            gap = _full_gap(P, w, R, g, feats, n_kept, &s)
        if gap <= P.tol or n_iter >= max_iter:
            break

        # Gap Safe screening: theta* is within sqrt(2 gap) of theta = s R, so
        # w*_j = 0 is certain when s |x_j^T R - l2_j w_j| + sqrt(2 gap) ||x~_j|| < l1_j
        # (one-sided at a bound 0), x~_j = [x_j; sqrt(l2_j) e_j]
        if P.screening and P.l1 > 0:
            radius = sqrt(2 * gap)
            radius2 = 2 * gap
            zeroed = 0
            t = 0
            plain = P.pf == NULL and not P.box
            for i in range(n_kept):
                j = feats[i]
                if plain:
                    # the same test without penalty factors and bounds
                    v = s * (g[j] - P.l2 * w[j])
                    if not P.positive:
                        v = fabs(v)
                    # v + radius ||x~_j|| < l1, squared (no square root per feature:
                    # the loop runs over every kept feature at each outer iteration)
                    safe = v < P.l1 and radius2 * (norms[j] + P.l2) < (P.l1 - v) * (P.l1 - v)
                else:
                    pfj = _pf(P, j)
                    l1j = P.l1 * pfj
                    lo = _lo(P, j)
                    hi = _hi(P, j)
                    v = s * (g[j] - P.l2 * pfj * w[j])
                    d = radius * sqrt(norms[j] + P.l2 * pfj)
                    safe = lo <= 0 and hi >= 0 and (hi == 0 or v + d < l1j) and \
                        (lo == 0 or v - d > -l1j)
                if safe:
                    n_screened += 1
                    if w[j] != 0:
                        if P.mode == NAIVE:
                            # R += w_j x_j
                            _xaxpy(P, j, w[j], R)
                        w[j] = 0
                        zeroed += 1
                else:
                    feats[t] = j
                    t += 1
            n_kept = t
            if zeroed > 0:
                # a screened feature was nonzero: the gradient of the others changed
                n_supp = _support(feats, n_kept, w, supp)
                _full_grad(P, w, R, g, feats, n_kept, n_supp, supp)

        # working set: support + strong-rule survivors, or the best-ranked candidates
        use_strong = strong and outer == 0
        for i in range(S.m):
            S.wpos[S.W[i]] = -1     # W is rebuilt below
        m = 0
        n_cand = 0
        n_cand_viol = 0
        n_viol = 0
        if use_strong:
            # the strong rule keeps nothing new: rank candidates instead
            for i in range(n_kept):
                j = feats[i]
                if w[j] != 0 or _veff(g[j], _lo(P, j), _hi(P, j)) >= \
                        _pf(P, j) * (2 * P.l1 - P.l1_prev):
                    break
            else:
                use_strong = False
        for i in range(n_kept):
            j = feats[i]
            if w[j] != 0 or P.l1 == 0:
                S.W[m] = j
                m += 1
                continue
            pfj = _pf(P, j)
            v = _veff(g[j], _lo(P, j), _hi(P, j))
            if use_strong:
                if v >= pfj * (2 * P.l1 - P.l1_prev):
                    S.W[m] = j
                    m += 1
            else:
                # distance to the dual constraint, in units of the column norm; ranked
                # by its signed square, the same order without a square root
                d = P.l1 * pfj - s * v
                cand[n_cand].score = d * fabs(d) / (norms[j] + P.l2 * pfj)
                cand[n_cand].j = j
                n_cand += 1
                if v > P.l1 * pfj:
                    n_cand_viol += 1
        if n_cand > 0:
            ws_size = max(ws_size, max(m + min(m, n_cand_viol + n_cand_viol / 2 + WS_MIN),
                                       WS_MIN))
            t = ws_size - m
            if t > n_cand:
                t = n_cand
            if t < 0:
                t = 0
            _select_smallest(cand, n_cand, t)
            for i in range(t):
                S.W[m] = cand[i].j
                m += 1
            for i in range(t, n_cand):
                j = cand[i].j
                if _veff(g[j], _lo(P, j), _hi(P, j)) > P.l1 * _pf(P, j):
                    n_viol += 1
        if m == 0:
            # every feature was screened out (w = 0 is optimal), or nothing can enter
            # (rounding): report the gap of the full problem at w and stop
            n_kept = _all_features(P, feats)
            n_supp = _support(feats, n_kept, w, supp)
            if P.mode == NAIVE:
                _copy(P.n, <floating*> P.y, R)
                for i in range(n_supp):
                    _xaxpy(P, supp[i], -w[supp[i]], R)
            _full_grad(P, w, R, g, feats, n_kept, n_supp, supp)
            gap = _full_gap(P, w, R, g, feats, n_kept, &s)
            break
        qsort(S.W, m, sizeof(int), _cmp_int)
        S.m = m
        for i in range(m):
            S.wpos[S.W[i]] = i
        ws_size = max(ws_size, m)

        # compact state on W
        for i in range(m):
            j = S.W[i]
            wW[i] = w[j]
            (<floating*> S.dW)[i] = norms[j]
            pfj = _pf(P, j)
            S.l1W[i] = P.l1 * pfj
            S.l2W[i] = P.l2 * pfj
            S.loW[i] = _lo(P, j)
            S.hiW[i] = _hi(P, j)
        # inner strategy: covariance updates on G[W, W] whenever that block is smaller
        # than X[:, W] (always in Gram mode); residual updates on X otherwise
        S.gram = P.mode == GRAM or m <= P.n
        if P.sparse:
            # covariance updates cost m per update, sparse residual updates the
            # column's nonzeros: the block pays off while m^2 < nnz(X_W)
            nnz_W = 0
            for i in range(m):
                nnz_W += P.Xptr[S.W[i] + 1] - P.Xptr[S.W[i]]
            S.gram = S.gram and <double> m * m <= <double> nnz_W + <double> m * P.r
        S.col_cost = 2.0 * P.n
        if P.sparse and not S.gram:
            S.col_cost = 2.0 * nnz_W / m + P.r
            # R_s = R - Q (B_W w_W), the residual of the sparse part alone
            for t in range(P.r):
                v = 0
                for i in range(m):
                    v += <double> (<floating*> P.B)[<size_t> S.W[i] * P.r + t] * wW[i]
                _axpy(P.n, <floating> -v, (<floating*> P.Q) + <size_t> t * P.n, R)
            _qtdot(P, R, S.t)
        if S.gram:
            # G[W, W] grows geometrically, never beyond p x p
            if not _grow(&S.GW, &S.gw_cap, <size_t> m * m, <size_t> P.p * P.p,
                         sizeof(floating)):
                return -1
            GW = <floating*> S.GW
            if P.mode == GRAM:
                if _ensure_cols(P, S.W, m, w) < 0:
                    return -1
                for i in range(m):
                    col = _gcol(P, S.W[i], w)
                    for t in range(m):
                        GW[<size_t> i * m + t] = col[S.W[t]]
                    (<floating*> S.bW)[i] = (<floating*> P.Xy)[S.W[i]]
            else:
                if P.sparse:
                    _sparse_block(P, S.W, m, GW)
                else:
                    # G[W, W] = X~_W^T X~_W, its new columns from gathered copies
                    if _slot_block(P, S, m, GW) < 0:
                        return -1
                # X_W^T y = X_W^T R + G[W, W] w_W
                for i in range(m):
                    (<floating*> S.bW)[i] = g[S.W[i]]
                _gemv_n(m, m, 1.0, GW, m, wW, 1.0, <floating*> S.bW)
            for i in range(m):
                (<floating*> S.qW)[i] = g[S.W[i]]

        if outer == 0 and P.extrap > 0:
            _extrapolate(P, S, wW)

        # inner precision: celer's 0.3 * gap while features outside W still violate the
        # optimality conditions; the final tolerance once W holds every violator. The
        # strong rule's set is solved to 0.3 * gap too with residual updates: at the
        # end of we8there's path it missed features at every alpha, and solving it to
        # the final tolerance before finding them out doubled the sweeps (path 242 ->
        # 164 ms); in covariance mode, where the rule held, that cost 4-5%
        if n_viol == 0 and not (use_strong and P.mode == NAIVE):
            eps = P.tol
        else:
            eps = max(0.3 * gap, P.tol)
        sweeps = _inner_solve(P, S, eps, max_iter - n_iter, wW)
        n_iter += sweeps
        for i in range(m):
            w[S.W[i]] = wW[i]
        # (the residual is recomputed from w at the top of the loop)
        outer += 1
    gap_out[0] = gap
    # R and g now belong to w on every nonzero column: the next alpha starts from them
    P.fresh = True
    return n_iter


cdef extern from *:
    """
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
    static void NAME(const T* x, const T* y, Py_ssize_t n, double* s_out,             \
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
    """
    void fastreg_sums_dot_d(const double* x, const double* y, Py_ssize_t n,
                            double* s_out, double* q_out, double* d_out) noexcept nogil
    void fastreg_sums_dot_f(const float* x, const float* y, Py_ssize_t n,
                            double* s_out, double* q_out, double* d_out) noexcept nogil


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


def enet_path(
    floating[::1] w,
    const double[::1] l1s,
    const double[::1] l2s,
    const floating[:, :] X,
    const floating[::1] y,
    const floating[:, ::1] G,
    const floating[::1] Xy,
    const floating[::1] norms,
    double yy,
    double tol,
    int max_iter,
    bint positive,
    bint use_gram,
    bint screening,
    bint random,
    uint32_t seed,
    floating[::1, :] coefs,
    double[::1] gaps,
    int32_t[::1] n_iters,
    bint strong_rule=True,
    const floating[::1] Xmean=None,
    const floating[::1] X_data=None,
    const int32_t[::1] X_indices=None,
    const int64_t[::1] X_indptr=None,
    const floating[::1, :] Q=None,
    const floating[::1, :] B=None,
    const double[::1] penalty_factor=None,
    const double[::1] lower=None,
    const double[::1] upper=None,
    bint extrapolate=True,
    int n_threads=0,
    int n_samples=0,
    const floating[::1] g0=None,
):
    """Solve the elastic net along a path of penalties, warm-starting each solve.

    Parameters
    ----------
    w : (p,) initial coefficients; holds the last solution on return.
    l1s, l2s : (k,) penalties l1, l2 of each problem (decreasing l1 on a path).
    X : (n, p) array, Fortran or C contiguous (Fortran in Gram mode), or None when G
        is given.
    y : (n,) target (naive mode), or None; centered when Xmean is given.
    G : (p, p) full Gram matrix X^T X, or None (built lazily from X if use_gram).
    Xy : (p,) X^T y (Gram mode), or None.
    norms : (p,) squared column norms of X (the diagonal of G).
    yy : y @ y.
    tol : absolute tolerance on the duality gap (scikit-learn's tol * y @ y).
    max_iter : maximum number of sweeps for each problem.
    positive : constrain the coefficients to be non-negative.
    use_gram : covariance (Gram) updates; otherwise residual (naive) updates on X.
    screening : Gap Safe screening.
    random : visit coordinates in random order (with replacement) instead of cyclically.
    seed : seed of the random order.
    coefs : (p, k) Fortran output: the solution of each problem.
    gaps : (k,) output: the duality gap of each solution (on the scale of P(w)).
    n_iters : (k,) output: sweeps used by each problem.
    strong_rule : first working set from the sequential strong rule on a path.
    Xmean : (p,) column means (naive mode): the kernel then works with the centered
        columns X[:, j] - Xmean[j] without a centered copy of X (norms must be those
        of the centered columns).
    X_data, X_indices, X_indptr : sparse X in CSC form (naive mode, X None): values,
        row indices (int32) and column pointers (int64, p + 1); n is y's length.
    Q, B : (n, r) with orthonormal columns and (r, p), both Fortran, r >= 1: the
        kernel then works with the columns of X - Q B (sparse X only; B = Q^T X).
        Centering is r = 1 with Q the normalized sqrt(sample weights); norms must be
        those of the corrected columns.
    penalty_factor : (p,) positive factors: feature j has penalties
        (l1 * penalty_factor[j], l2 * penalty_factor[j]).
    lower, upper : (p,) bounds on the coefficients (both or neither; lower <= upper,
        lower < inf, upper > -inf); w must satisfy them on entry. `positive` must then
        be False (fold it into lower).
    n_samples : rows of X behind a given Gram matrix (0: unknown, or X is given);
        with l2 = 0 the exact active-set solve expects G_AA singular past this size.
    n_threads : OpenMP threads for the passes over dense X (0: OpenMP's default, which
        follows OMP_NUM_THREADS and threadpoolctl; 1 when the caller runs kernels in
        parallel itself).
    g0 : (p,) X^T y with X's columns as stored (before the Xmean correction), dense
        naive mode: when the first solve starts from w = 0, its gradient X~^T y then
        needs no pass over X (column_stats computes it with the column statistics).
    extrapolate : on a decreasing path, start each solve (from the third on) at the
        linear extrapolation of the two previous solutions (see _extrapolate).
    """
    if w.shape[0] >= 2**31 or (X is not None and X.shape[0] >= 2**31):
        raise ValueError("fastreg supports fewer than 2**31 samples and features")
    cdef int n_alphas = l1s.shape[0]
    cdef int p = w.shape[0]
    cdef bint sparse = X_data is not None
    cdef int n = X.shape[0] if X is not None else (y.shape[0] if sparse else 0)
    cdef int64_t kk, nnz
    cdef int r = 0
    cdef int k, status = 0
    cdef Problem P
    cdef Inner S
    cdef double gap, rsum
    dtype = np.float32 if floating is float else np.float64

    # every size is checked here: the nogil code below trusts them
    if G is None and X is None and not sparse:
        raise ValueError("either X, X_data or G is required")
    if p == 0:
        raise ValueError("at least one feature is required")
    if l2s.shape[0] != n_alphas or gaps.shape[0] != n_alphas or \
            n_iters.shape[0] != n_alphas:
        raise ValueError("l1s, l2s, gaps and n_iters must have the same length")
    if coefs.shape[0] != p or coefs.shape[1] != n_alphas:
        raise ValueError("coefs must have shape (w.shape[0], len(l1s))")
    if norms.shape[0] != p:
        raise ValueError("norms must have shape (w.shape[0],)")
    if G is not None and (G.shape[0] != p or G.shape[1] != p):
        raise ValueError("G must have shape (w.shape[0], w.shape[0])")
    if Xy is not None and Xy.shape[0] != p:
        raise ValueError("Xy must have shape (w.shape[0],)")
    if g0 is not None and g0.shape[0] != p:
        raise ValueError("g0 must have shape (w.shape[0],)")
    if y is not None and X is not None and y.shape[0] != n:
        raise ValueError("y must have shape (X.shape[0],)")
    if max_iter < 1:
        raise ValueError("max_iter must be >= 1")
    if sparse:
        if X is not None or G is not None or use_gram or Xmean is not None:
            raise ValueError("sparse X (X_data) is for residual updates, without X, G "
                             "or Xmean")
        if X_indices is None or X_indptr is None or y is None or n == 0:
            raise ValueError("sparse X needs X_indices, X_indptr and a non-empty y")
        if X_indptr.shape[0] != p + 1 or X_indptr[0] != 0:
            raise ValueError("X_indptr must have p + 1 entries, starting at 0")
        for k in range(p):
            if X_indptr[k + 1] < X_indptr[k]:
                raise ValueError("X_indptr must be non-decreasing")
        nnz = X_indptr[p]
        if X_data.shape[0] != nnz or X_indices.shape[0] != nnz:
            raise ValueError("X_data and X_indices must have X_indptr[-1] entries")
        for kk in range(nnz):
            if X_indices[kk] < 0 or X_indices[kk] >= n:
                raise ValueError("X_indices out of range [0, n_samples)")
        if (Q is None) != (B is None):
            raise ValueError("Q and B go together")
        if Q is not None:
            r = Q.shape[1]
            if r < 1 or Q.shape[0] != n or B.shape[0] != r or B.shape[1] != p:
                raise ValueError("Q must have shape (n, r) and B (r, p), r >= 1")
    elif X_indices is not None or X_indptr is not None or Q is not None or \
            B is not None:
        raise ValueError("X_indices, X_indptr, Q and B are for sparse X (X_data)")
    if penalty_factor is not None:
        if penalty_factor.shape[0] != p:
            raise ValueError("penalty_factor must have shape (p,)")
        for k in range(p):
            if not (penalty_factor[k] > 0 and penalty_factor[k] < INFINITY):
                raise ValueError("penalty_factor must be positive and finite")
    if (lower is None) != (upper is None):
        raise ValueError("lower and upper go together")
    if lower is not None:
        if positive:
            raise ValueError("fold positive into lower")
        if lower.shape[0] != p or upper.shape[0] != p:
            raise ValueError("lower and upper must have shape (p,)")
        for k in range(p):
            if not (lower[k] <= upper[k] and lower[k] < INFINITY and
                    upper[k] > -INFINITY):
                raise ValueError("bounds must satisfy lower <= upper, lower < inf, "
                                 "upper > -inf")
            if not (lower[k] <= w[k] <= upper[k]):
                raise ValueError("w must satisfy the bounds on entry")
    memset(&P, 0, sizeof(Problem))
    memset(&S, 0, sizeof(Inner))
    P.n = n
    P.p = p
    P.rank_max = n if (X is not None or sparse) else (n_samples if n_samples > 0 else p)
    P.n_threads = n_threads if n_threads > 0 else fastreg_max_threads()
    P.mode = GRAM if (use_gram or G is not None) else NAIVE
    P.yy = yy
    P.tol = tol
    P.positive = positive
    P.screening = screening
    P.random = random
    P.rng = seed if seed != 0 else 1
    P.norms = <void*> &norms[0]
    if sparse:
        P.sparse = True
        P.Xdata = <void*> &X_data[0] if nnz > 0 else NULL
        P.Xind = <int*> &X_indices[0] if nnz > 0 else NULL
        P.Xptr = <int64_t*> &X_indptr[0]
        P.r = r
        if r > 0:
            P.Q = <void*> &Q[0, 0]
            P.B = <void*> &B[0, 0]
    if penalty_factor is not None:
        P.pf = <double*> &penalty_factor[0]
    if lower is not None:
        P.box = True
        P.lb = <double*> &lower[0]
        P.ub = <double*> &upper[0]
    cdef size_t item = sizeof(floating)
    if X is not None:
        if X.shape[0] == 0 or X.shape[1] != p:
            raise ValueError("X must have shape (n_samples, w.shape[0]), n_samples > 0")
        P.X = <void*> &X[0, 0]
        # unit stride along the columns (Fortran) or along the rows (C)
        if <size_t> X.strides[0] == item and (p == 1 or <size_t> X.strides[1] == n * item):
            P.rs, P.cs = 1, n
        elif <size_t> X.strides[1] == item and (n == 1 or <size_t> X.strides[0] == p * item):
            P.rs, P.cs = p, 1
            if n == 1:
                P.rs, P.cs = 1, 1
        else:
            raise ValueError("X must be Fortran or C contiguous")
        if use_gram and G is None and P.rs != 1 and n > 1:
            raise ValueError("X must be Fortran contiguous in Gram mode")
    if Xmean is not None:
        if use_gram or G is not None:
            raise ValueError("Xmean (implicit centering) is for residual updates only")
        if Xmean.shape[0] != p:
            raise ValueError("Xmean must have shape (p,)")
        P.Xmean = <void*> &Xmean[0]
    if P.mode == NAIVE:
        if y is None:
            raise ValueError("y is required in naive mode")
        P.y = <void*> &y[0]
    elif Xy is None:
        raise ValueError("Xy is required in Gram mode")
    else:
        P.Xy = <void*> &Xy[0]

    slot = np.full(p, -1, dtype=np.intc)
    cdef int[::1] slot_v = slot
    P.slot = &slot_v[0]
    if G is not None:
        P.Gcols = <void*> &G[0, 0]     # row j of a symmetric G is its column j
        for k in range(p):
            slot_v[k] = k
        P.n_cols = p
        P.cap = p
        P.lazy = False
    else:
        P.lazy = P.mode == GRAM

    # workspace
    R = np.zeros(max(n, 1), dtype=dtype)
    g = np.zeros(p, dtype=dtype)
    feats = np.zeros(p, dtype=np.intc)
    nz = np.zeros(p, dtype=np.intc)
    cdef int[::1] nz_v = nz
    P.nz = &nz_v[0]
    P.n_nz = _nonzero_columns(&norms[0], p, &nz_v[0])
    # bounds for the features left out of a solve (see _certify)
    cref = np.zeros(p, dtype=np.float64)
    cnorm = np.sqrt(np.maximum(np.asarray(norms, dtype=np.float64), 0))
    Rref = np.zeros(max(n, 1), dtype=dtype)
    exact = np.zeros(p, dtype=np.int8)
    cdef double[::1] cref_v = cref, cnorm_v = cnorm
    cdef floating[::1] Rref_v = Rref
    cdef signed char[::1] exact_v = exact
    P.cref = &cref_v[0]
    P.cnorm = &cnorm_v[0]
    P.Rref = <void*> &Rref_v[0]
    P.exact = <char*> &exact_v[0]
    P.bounds = (P.mode == NAIVE and not P.sparse and P.pf == NULL and not P.box and
                floating is double and _bounds_on)
    supp = np.zeros(p, dtype=np.intc)

    Wi = np.zeros(p, dtype=np.intc)
    chol_f = np.zeros(p, dtype=np.intc)
    chol_pos = np.full(p, -1, dtype=np.intc)
    wpos = np.full(p, -1, dtype=np.intc)
    inK = np.zeros(p, dtype=np.intc)
    xslot = np.full(p, -1, dtype=np.intc)
    slot_feat = np.zeros(p, dtype=np.intc)
    cdef int[::1] chol_f_v = chol_f, chol_pos_v = chol_pos, wpos_v = wpos, inK_v = inK
    cdef int[::1] xslot_v = xslot, slot_feat_v = slot_feat
    S.xslot = &xslot_v[0]
    S.slot_feat = &slot_feat_v[0]
    S.chol_f = &chol_f_v[0]
    S.chol_pos = &chol_pos_v[0]
    S.wpos = &wpos_v[0]
    S.inK = &inK_v[0]
    act = np.zeros(2 * p, dtype=np.intc)
    wW = np.zeros(p, dtype=dtype)
    qW = np.zeros(p, dtype=dtype)
    bW = np.zeros(p, dtype=dtype)
    dW = np.zeros(p, dtype=dtype)
    gW = np.zeros(p, dtype=dtype)
    hist = np.zeros((ANDERSON_K + 1) * p, dtype=dtype)
    wacc = np.zeros(p, dtype=dtype)
    vacc = np.zeros(max(n, p), dtype=dtype)
    cdef floating[::1] R_v = R
    cdef floating[::1] g_v = g
    cdef int[::1] feats_v = feats
    cdef int[::1] supp_v = supp
    cdef ScoreIdx* cand = <ScoreIdx*> malloc(<size_t> p * sizeof(ScoreIdx))
    if cand == NULL:
        raise MemoryError("fastreg: could not allocate the working-set candidates")
    cdef int[::1] W_v = Wi
    cdef int[::1] act_v = act
    cdef floating[::1] wW_v = wW, qW_v = qW, bW_v = bW, dW_v = dW, gW_v = gW
    cdef floating[::1] hist_v = hist, wacc_v = wacc, vacc_v = vacc
    S.W = &W_v[0]
    S.act = &act_v[0]
    S.wW = <void*> &wW_v[0]
    S.qW = <void*> &qW_v[0]
    S.bW = <void*> &bW_v[0]
    S.dW = <void*> &dW_v[0]
    S.gW = <void*> &gW_v[0]
    S.R = <void*> &R_v[0]
    S.hist = <void*> &hist_v[0]
    S.wacc = <void*> &wacc_v[0]
    S.vacc = <void*> &vacc_v[0]
    per_pos = np.zeros((4, p), dtype=np.float64)
    cdef double[:, ::1] per_pos_v = per_pos
    S.l1W = &per_pos_v[0, 0]
    S.l2W = &per_pos_v[1, 0]
    S.loW = &per_pos_v[2, 0]
    S.hiW = &per_pos_v[3, 0]
    tbuf = np.zeros(2 * max(r, 1), dtype=np.float64)
    scat = np.zeros(max(n, 1), dtype=dtype)
    cdef double[::1] tbuf_v = tbuf
    cdef floating[::1] scat_v = scat
    P.tbuf = &tbuf_v[0]
    tinner = np.zeros(max(r, 1), dtype=np.float64)
    cdef double[::1] tinner_v = tinner
    S.t = &tinner_v[0]
    P.scat = <void*> &scat_v[0]
    if g0 is not None and P.mode == NAIVE and not P.sparse and not P.box and n > 0 \
            and not np.any(w):
        # the gradient at w = 0 is given: R = y, g = X~^T y, as _full_grad computes it
        _copy(n, &y[0], &R_v[0])
        rsum = 0
        for k in range(n):
            rsum += y[k]
        for k in range(p):
            g_v[k] = g0[k]
            if P.Xmean != NULL:
                g_v[k] -= <floating> ((<floating*> P.Xmean)[k] * rsum)
        P.fresh = True
    try:
        with nogil:
            # (the residual R = y - X w is computed by _solve)
            for k in range(n_alphas):
                P.l1 = l1s[k]
                P.l2 = l2s[k]
                P.l1_prev = l1s[k - 1] if (k > 0 and strong_rule) else 0.0
                # extrapolate along a decreasing path from the last two solutions
                P.extrap = 0
                if extrapolate and k >= 2 and l1s[k - 2] > l1s[k - 1] > l1s[k]:
                    P.extrap = min((l1s[k - 1] - l1s[k]) / (l1s[k - 2] - l1s[k - 1]), 2.0)
                    P.w_prev = <void*> &coefs[0, k - 2]
                status = _solve(&P, &w[0], &R_v[0], &g_v[0], &feats_v[0],
                                &supp_v[0], cand, &S, max_iter, &gap)
                if status < 0:
                    break
                _copy(p, &w[0], &coefs[0, k])
                gaps[k] = gap
                n_iters[k] = status
    finally:
        free(cand)
        free(S.GW)
        free(S.XW)
        free(S.GS)
        free(S.chol_L)
        if P.lazy:
            free(P.Gcols)
    if status < 0:
        raise MemoryError("fastreg: could not allocate the Gram matrix columns")

