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
  |x_j^T r| >= 2 l1_k - l1_{k-1} (Tibshirani et al. 2012, JRSS-B 74, eq. 6); a cold
  solve on a small dense X where a third of the features violate at the start takes
  every feature at once (plain sweeps, _cd_solver._working_set);
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

Modules (one concern each; inline helpers in .pxd files, the others in .pyx/.pxd
pairs, lowest layer first): _cd_problem.pxd (the Problem / Inner state), _cd_prox.pxd
(prox and bounds), _cd_columns.pxd (column access), _cd_common.pxd (shared with the
multi-task kernel: Gram columns, working-set selection, Anderson weights), _cd_passes
(OpenMP passes over X, column_stats, center_into_fortran; C helpers in
_cd_passes.h), _cd_gram (Gram columns and G[W, W] caches), _cd_gap (gaps and
certification), _cd_inner (coordinate updates, Anderson, path extrapolation),
_cd_exact (the exact active-set solve),
_cd_solver (the solver loop), _cd_entry (the entry-point set-up shared with the
multi-task kernel) and this module (the entry point).
"""
from cython cimport floating
from libc.math cimport INFINITY
from libc.stdint cimport uint32_t, int32_t, int64_t
from libc.string cimport memset

import numpy as np

from ._blas cimport _copy
from ._cd_common cimport ScoreIdx, _nonzero_columns
from ._cd_entry cimport (
    _check_path, _set_common, _buf, _ibuf, _gram_init, _inner_alloc, _cand_alloc,
    _path_free, _path_raise,
)
from ._cd_pool cimport _pool_free
from ._cd_problem cimport Problem, Inner, NAIVE, GRAM, N_TRACE
from ._cd_passes cimport fastreg_max_threads
from ._cd_solver cimport _solve

from ._cd_passes import column_stats, center_into_fortran  # no-cython-lint (re-exported)

# the columns of enet_path's `trace` (the T_* constants of _cd_problem.pxd)
TRACE_FIELDS = ("outer", "sweeps", "grad_passes", "ws_max", "ws_sum", "block_products",
                "exact_tries", "certify", "gram_inner", "residual_inner", "switches",
                "inner_gaps")


cdef int _set_sparse(Problem* P, const floating[::1] X_data, const int32_t[::1] X_indices,
                     const int64_t[::1] X_indptr, const floating[::1, :] Q,
                     const floating[::1, :] B) except -1:
    """Sparse X into P, its CSC structure checked (the nogil code trusts its indices),
    and the low-rank correction Q B of rank r (0: none)."""
    cdef int64_t kk, nnz
    cdef int k, n = P.n, p = P.p
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
    if Q is not None and (Q.shape[1] < 1 or Q.shape[0] != n or B.shape[0] != Q.shape[1] or
                          B.shape[1] != p):
        raise ValueError("Q must have shape (n, r) and B (r, p), r >= 1")
    P.sparse = True
    P.Xdata = <void*> &X_data[0] if nnz > 0 else NULL
    P.Xind = <int*> &X_indices[0] if nnz > 0 else NULL
    P.Xptr = <int64_t*> &X_indptr[0]
    if Q is not None:
        P.r = Q.shape[1]
        P.Q = <void*> &Q[0, 0]
        P.B = <void*> &B[0, 0]
    return 0


cdef int _set_penalty(Problem* P, floating[::1] w, const double[::1] penalty_factor,
                      const double[::1] lower, const double[::1] upper) except -1:
    """Penalty factors and bounds into P, checked: factors positive and finite; bounds
    ordered, feasible and holding w."""
    cdef int k, p = w.shape[0]
    if penalty_factor is not None:
        if penalty_factor.shape[0] != p:
            raise ValueError("penalty_factor must have shape (p,)")
        for k in range(p):
            if not (penalty_factor[k] > 0 and penalty_factor[k] < INFINITY):
                raise ValueError("penalty_factor must be positive and finite")
        P.pf = <double*> &penalty_factor[0]
    if (lower is None) != (upper is None):
        raise ValueError("lower and upper go together")
    if lower is None:
        return 0
    if P.positive:
        raise ValueError("fold positive into lower")
    if lower.shape[0] != p or upper.shape[0] != p:
        raise ValueError("lower and upper must have shape (p,)")
    for k in range(p):
        if not (lower[k] <= upper[k] and lower[k] < INFINITY and upper[k] > -INFINITY):
            raise ValueError("bounds must satisfy lower <= upper, lower < inf, "
                             "upper > -inf")
        if not (lower[k] <= w[k] <= upper[k]):
            raise ValueError("w must satisfy the bounds on entry")
    P.box = True
    P.lb = <double*> &lower[0]
    P.ub = <double*> &upper[0]
    return 0


cdef int _check_sizes(int n, int p, const double[::1] l1s, const double[::1] l2s,
                      floating[::1, :] coefs, double[::1] gaps, int32_t[::1] n_iters,
                      const floating[::1] norms, const floating[:, ::1] G,
                      const floating[::1] Xy, const floating[::1] g0,
                      const floating[::1] y, bint y_of_X) except -1:
    """The sizes of the per-alpha and per-feature arrays (O(1))."""
    cdef int n_alphas = l1s.shape[0]
    if p == 0:
        raise ValueError("at least one feature is required")
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
    if y is not None and y_of_X and y.shape[0] != n:
        raise ValueError("y must have shape (X.shape[0],)")
    return 0


cdef int _check_modes(int n, int p, const floating[:, :] X, const floating[:, ::1] G,
                      const floating[::1] y, bint use_gram, const floating[::1] Xmean,
                      const floating[::1] X_data, const int32_t[::1] X_indices,
                      const int64_t[::1] X_indptr, const floating[::1, :] Q,
                      const floating[::1, :] B) except -1:
    """The combinations of data arguments a mode accepts (O(1)): implicit centering
    with residual updates only; sparse X with residual updates, its index arrays and
    a non-empty y, without X, G or Xmean."""
    if Xmean is not None and (use_gram or G is not None):
        raise ValueError("Xmean (implicit centering) is for residual updates only")
    if Xmean is not None and Xmean.shape[0] != p:
        raise ValueError("Xmean must have shape (p,)")
    if X_data is not None:
        if X is not None or G is not None or use_gram or Xmean is not None:
            raise ValueError("sparse X (X_data) is for residual updates, without X, G "
                             "or Xmean")
        if X_indices is None or X_indptr is None or y is None or n == 0:
            raise ValueError("sparse X needs X_indices, X_indptr and a non-empty y")
    elif X_indices is not None or X_indptr is not None or Q is not None or \
            B is not None:
        raise ValueError("X_indices, X_indptr, Q and B are for sparse X (X_data)")
    return 0


cdef int _set_data(Problem* P, const floating[:, :] X, const floating[::1] y,
                   const floating[::1] Xy, const floating[::1] Xmean,
                   bint lazy_gram) except -1:
    """Dense X (if given), implicit centering, and the target of the mode into P
    (P.mode set): y in naive mode, X^T y in Gram mode."""
    if X is not None:
        _set_dense(P, X, lazy_gram, Xmean)
    if Xmean is not None:
        P.Xmean = <void*> &Xmean[0]
    if P.mode == NAIVE:
        if y is None:
            raise ValueError("y is required in naive mode")
        P.y = <void*> &y[0]
    elif Xy is None:
        raise ValueError("Xy is required in Gram mode")
    else:
        P.Xy = <void*> &Xy[0]
    return 0


cdef void _start_from_g0(Problem* P, const floating[::1] y, const floating[::1] g0,
                         floating[::1] R, floating[::1] g) noexcept:
    """The first solve starts from w = 0 with the gradient given (g0 = X^T y, X as
    stored): R = y, g = X~^T y = g0 - Xmean * sum(y), as _full_grad computes it."""
    cdef double rsum = 0
    cdef int k
    # R = y
    _copy(P.n, &y[0], &R[0])
    for k in range(P.n):
        rsum += y[k]
    for k in range(P.p):
        g[k] = g0[k]
        if P.Xmean != NULL:
            g[k] -= <floating> ((<floating*> P.Xmean)[k] * rsum)
    P.fresh = True


cdef int _set_dense(Problem* P, const floating[:, :] X, bint use_gram,
                    const floating[::1] Xmean) except -1:
    """Dense X into P: its pointer and strides (unit stride along the columns, Fortran,
    or along the rows, C), and the column means of implicit centering."""
    cdef int n = X.shape[0], p = P.p
    cdef size_t item = sizeof(floating)
    if X.shape[0] == 0 or X.shape[1] != p:
        raise ValueError("X must have shape (n_samples, w.shape[0]), n_samples > 0")
    P.X = <void*> &X[0, 0]
    if <size_t> X.strides[0] == item and (p == 1 or <size_t> X.strides[1] == n * item):
        P.rs, P.cs = 1, n
    elif <size_t> X.strides[1] == item and (n == 1 or <size_t> X.strides[0] == p * item):
        P.rs, P.cs = p, 1
        if n == 1:
            P.rs, P.cs = 1, 1
    else:
        raise ValueError("X must be Fortran or C contiguous")
    if use_gram and P.rs != 1 and n > 1:
        raise ValueError("X must be Fortran contiguous in Gram mode")
    return 0


cdef list _workspace(Problem* P, Inner* S, floating[::1] w, const floating[::1] norms,
                     const floating[:, ::1] G):
    """Allocate the workspace of a path and point P and S into it (the buffers both
    kernels use: _cd_entry); returns the arrays, to be kept alive while P and S are in
    use."""
    cdef int n = max(P.n, 1), p = P.p, r = max(P.r, 1)
    cdef size_t item = sizeof(floating), f64 = sizeof(double)
    cdef list keep = []
    _gram_init(P, keep, <void*> &G[0, 0] if G is not None else NULL)
    _inner_alloc(S, keep, n, p, 1, item)
    P.nz = _ibuf(keep, p, 0)
    P.n_nz = _nonzero_columns(&norms[0], p, P.nz)
    # bounds for the features left out of a solve (see _certify)
    cdef double[::1] cnorm = np.sqrt(np.maximum(np.asarray(norms, dtype=np.float64), 0))
    keep.append(cnorm)
    P.cref = <double*> _buf(keep, p, f64)
    P.cnorm = &cnorm[0]
    P.Rref = _buf(keep, n, item)
    P.exact = <char*> _buf(keep, p, 1)
    # the inner solve's own state (exact solves, per-position penalties and bounds)
    S.chol_f = _ibuf(keep, p, 0)
    S.chol_pos = _ibuf(keep, p, -1)
    S.wpos = _ibuf(keep, p, -1)
    S.inK = _ibuf(keep, p, 0)
    S.l1W = <double*> _buf(keep, 4 * <size_t> p, f64)
    S.l2W = S.l1W + p
    S.loW = S.l1W + 2 * p
    S.hiW = S.l1W + 3 * p
    P.tbuf = <double*> _buf(keep, 2 * <size_t> r, f64)
    S.t = <double*> _buf(keep, r, f64)
    P.scat = _buf(keep, n, item)
    return keep


cdef int _path(Problem* P, Inner* S, floating[::1] w, const double[::1] l1s,
               const double[::1] l2s, floating[::1] R, floating[::1] g, int[::1] feats,
               int[::1] supp, ScoreIdx* cand, floating[::1, :] coefs, double[::1] gaps,
               int32_t[::1] n_iters, int max_iter, bint strong_rule,
               bint extrapolate, double[:, ::1] trace) noexcept nogil:
    """The solves of the path, each from the last solution (and, extrapolate, from
    the line through the last two on a decreasing path); trace (or None) gets each
    solve's counters in its row k. Returns 0, or the negative status of a solve that
    failed (-1: memory, -2: interrupted)."""
    cdef int k, status
    cdef double gap
    # (the residual R = y - X w is computed by _solve)
    for k in range(l1s.shape[0]):
        P.l1 = l1s[k]
        P.l2 = l2s[k]
        P.l1_prev = l1s[k - 1] if (k > 0 and strong_rule) else 0.0
        # extrapolate along a decreasing path from the last two solutions
        P.extrap = 0
        if extrapolate and k >= 2 and l1s[k - 2] > l1s[k - 1] > l1s[k]:
            P.extrap = min((l1s[k - 1] - l1s[k]) / (l1s[k - 2] - l1s[k - 1]), 2.0)
            P.w_prev = <void*> &coefs[0, k - 2]
        if trace is not None:
            P.trace = &trace[k, 0]
        status = _solve(P, &w[0], &R[0], &g[0], &feats[0], &supp[0], cand, S, max_iter,
                        &gap)
        if status < 0:
            return status
        # coefs[:, k] = w
        _copy(P.p, &w[0], &coefs[0, k])
        gaps[k] = gap
        n_iters[k] = status
    return 0


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
    bint bounds=True,
    int epoch=-1,
    double[:, ::1] trace=None,
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
    bounds : certify the features a solve left out by bounds on their correlations
        from the last pass over every column (see _certify; dense residual mode with
        plain penalties, float64); False computes every left-out feature (tests).
    epoch : the abort epoch of the caller's fit (_cd_abort.abort_epoch(); -1: the
        current one). The kernel raises KeyboardInterrupt within milliseconds once
        the epoch moves, or (on the main thread) when a signal handler raises; w,
        coefs, gaps and n_iters then hold partial results.
    trace : (k, N_TRACE) float64, zeros, or None: counters of each solve, added into
        row k (see the T_* constants of _cd_problem.pxd and TRACE_FIELDS): outer
        iterations, sweeps, gradient passes, working-set sizes, Gram-block products,
        exact-solve attempts, certifications, inner strategies, gaps of working sets.

    A solve whose gap stalls below what rounding can certify (tol below the
    floating-point type's reach, e.g. 0) stops there with n_iters < max_iter and a
    gap above tol.
    """
    # O(1) checks of every size here (the nogil code trusts them); _set_sparse and
    # _set_penalty check the contents of sparse X, penalty factors and bounds
    if w.shape[0] >= 2**31 or (X is not None and X.shape[0] >= 2**31):
        raise ValueError("fastreg supports fewer than 2**31 samples and features")
    cdef int n_alphas = l1s.shape[0]
    cdef int p = w.shape[0]
    cdef bint sparse = X_data is not None
    cdef int n = X.shape[0] if X is not None else (y.shape[0] if sparse else 0)
    cdef int status = 0
    cdef Problem P
    cdef Inner S
    if G is None and X is None and not sparse:
        raise ValueError("either X, X_data or G is required")
    _check_sizes(n, p, l1s, l2s, coefs, gaps, n_iters, norms, G, Xy, g0, y, X is not None)
    _check_path(n_alphas, l2s.shape[0], gaps.shape[0], n_iters.shape[0], max_iter)
    if trace is not None and (trace.shape[0] != n_alphas or trace.shape[1] != N_TRACE):
        raise ValueError("trace must have shape (len(l1s), len(TRACE_FIELDS))")
    _check_modes(n, p, X, G, y, use_gram, Xmean, X_data, X_indices, X_indptr, Q, B)

    memset(&P, 0, sizeof(Problem))
    memset(&S, 0, sizeof(Inner))
    _set_common(&P, n, p, GRAM if (use_gram or G is not None) else NAIVE, yy, tol,
                screening, random, seed, epoch, <void*> &norms[0],
                np.finfo(np.float32 if floating is float else np.float64).eps)
    P.rank_max = n if (X is not None or sparse) else (n_samples if n_samples > 0 else p)
    P.n_threads = n_threads if n_threads > 0 else fastreg_max_threads()
    P.positive = positive
    if X_data is not None:
        _set_sparse(&P, X_data, X_indices, X_indptr, Q, B)
    _set_penalty(&P, w, penalty_factor, lower, upper)
    _set_data(&P, X, y, Xy, Xmean, use_gram and G is None)
    P.bounds = (P.mode == NAIVE and not P.sparse and P.pf == NULL and not P.box and
                floating is double and bounds)

    keep = _workspace(&P, &S, w, norms, G)
    dtype = np.float32 if floating is float else np.float64
    cdef floating[::1] R = np.zeros(max(n, 1), dtype=dtype)
    cdef floating[::1] g = np.zeros(p, dtype=dtype)
    cdef int[::1] feats = np.zeros(p, dtype=np.intc)
    cdef int[::1] supp = np.zeros(p, dtype=np.intc)
    S.R = <void*> &R[0]     # the inner solve updates the residual in place
    if g0 is not None and P.mode == NAIVE and not P.sparse and not P.box and n > 0 \
            and not np.any(w):
        _start_from_g0(&P, y, g0, R, g)
    cdef ScoreIdx* cand = _cand_alloc(p)
    try:
        with nogil:
            status = _path(&P, &S, w, l1s, l2s, R, g, feats, supp, cand, coefs, gaps,
                           n_iters, max_iter, strong_rule, extrapolate, trace)
    finally:
        _pool_free(cand)
        _path_free(&P, &S)
    del keep
    _path_raise(&P, status)
