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
from libc.math cimport INFINITY
from libc.stdlib cimport malloc, free
from libc.stdint cimport uint32_t, int32_t, int64_t
from libc.string cimport memset

import numpy as np

from ._blas cimport _copy
from ._cd_common cimport ScoreIdx, _nonzero_columns
from ._cd_problem cimport Problem, Inner, NAIVE, GRAM, ANDERSON_K
from ._cd_passes cimport fastreg_max_threads
from ._cd_solver cimport _solve

from ._cd_passes import column_stats  # noqa: F401 (part of this module's API)


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
                floating is double and bounds)
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
