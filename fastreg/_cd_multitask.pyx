"""Block coordinate descent for the multi-task elastic net (fused float32 / float64).

Problem solved, for each penalty pair (l1, l2) of a path, with W of shape
(n_features, n_tasks) and W_j its row j (feature j across the tasks):

    P(W) = 0.5 * ||Y - X W||_F^2 + l1 * sum_j ||W_j||_2 + 0.5 * l2 * ||W||_F^2

which is ``n_samples`` times scikit-learn's MultiTaskElasticNet objective when
``l1 = alpha * l1_ratio * n`` and ``l2 = alpha * (1 - l1_ratio) * n`` (the Python layer,
``fastreg/_multitask.py``, does this scaling and the centering; X and Y arrive here
ready to use).

Dual and stopping rule (scikit-learn's ``enet_coordinate_descent_multi_task``, so that
``tol`` certifies the same accuracy): with R = Y - X W and XtA = X^T R - l2 W,

* l1 > 0: theta = s R with s = min(1, l1 / max_j ||XtA_j||_2) (the group dual norm), and
  gap = P(W) - (-0.5 s^2 (||R||_F^2 + l2 ||W||_F^2) + s <R, Y>);
* l1 = 0 < l2 (ridge): gap = ||R||_F^2 + 0.5 l2 ||W||_F^2 - <R, Y> + ||X^T R||_F^2 / (2 l2);
* l1 = l2 = 0: gap = ||X^T R||_F^2 (first-order condition, as scikit-learn);

the solve stops when gap <= tol (the caller passes tol * ||Y||_F^2). The gap returned
is always that of the full problem: features set aside by screening or left out of the
working set are checked again before a solution is returned.

Algorithm (the single-task kernel's, ``_cd_fast.pyx``, with rows W_j as blocks):

* block update of feature j (Simon, Friedman & Hastie 2013, "A blockwise descent
  algorithm for group-penalized multiresponse and multinomial regression", sec. 3):
  z = x_j^T R + ||x_j||^2 W_j (1 x T), W_j <- z max(0, 1 - l1 / ||z||) / (||x_j||^2 + l2),
  then a rank-1 update of the residual, R -= x_j (W_j_new - W_j_old)^T (BLAS ger);
* outer loop: full gradient X^T R (one GEMM) or, with a Gram matrix, X^T Y - G W; the
  duality gap; Gap Safe screening with the group dual norm (Ndiaye, Fercoq, Gramfort &
  Salmon 2015, "Gap safe screening rules for sparse multi-task and multi-class
  models", NeurIPS, sec. 3; 2017 JMLR 18, eq. 11): feature j is zero at the optimum
  when (1 - ||XtA_j|| / max(l1, ||XtA||_{2,inf})) / sqrt(||x_j||^2 + l2) > sqrt(2 gap) / l1;
* working sets (Massias, Gramfort & Salmon 2018, "Celer", sec. 3): the support plus the
  features closest to violating ||x_j^T R|| <= l1; on a path, the first working set of
  each alpha comes from the sequential strong rule ||x_j^T R|| >= 2 l1_k - l1_{k-1}
  (Tibshirani et al. 2012, JRSS-B 74, eq. 6; group version sec. 4);
* inner loop on the working set W: cyclic (or random) block coordinate descent with
  glmnet's active-set cycling (a sweep over W, then sweeps over the nonzero rows only
  until they are solved, then a sweep over W again), Anderson-accelerated on the
  nonzero rows (Bertrand & Massias 2021, alg. 1) with an objective check; on a small
  working set (|W| <= n_samples, or always in Gram mode) the updates act on
  Q_W = X_W^T R through G[W, W] (O(|W| T) per update instead of O(n T)), in naive
  mode from the single-task kernel's cache of products of the columns that entered
  the working sets so far (_cd_gram._slot_block). The loop is the single-task kernel's
  (_cd_solver._inner_solve, without its exact solves), with this kernel's block
  updates, gaps and Anderson check (_cd_mt_inner);
* naive mode: residual R = Y - X W (recomputed from W at every outer iteration, so
  that the gap is that of W), gradient X^T R by one GEMM; Gram mode: gradient
  X^T Y - G W, with G either given in full or built lazily: the column X^T x_j is
  computed (one GEMM for all new features of a working set) the first time j enters
  a working set, and kept for the rest of the path.

Each sweep over W or over its nonzero rows counts as one iteration (``n_iter``).

Layouts: X (n, p) Fortran; Y and R (n, T) Fortran; W, X^T Y and every gradient are
stored as (T, p) Fortran arrays, so that the row W_j of a feature is contiguous.
"""
from cython cimport floating
from libc.math cimport sqrt
from libc.stdint cimport uint32_t, int32_t
from libc.string cimport memset

import numpy as np

from ._cd_common cimport (
    ScoreIdx, StopState, _take_best, _grow, _nonzero_columns, _gcol, _dsum_dot,
    _stop_init, _stop_now, _stop_after_check, _row_nonzero, _ws_close,
)
from ._cd_pool cimport _pool_free
from ._cd_problem cimport Problem, Inner, NAIVE, GRAM, WS_MIN
from ._cd_gram cimport _ensure_cols, _gram_gather, _slot_block
from ._cd_abort cimport _poll
from ._cd_entry cimport (
    _check_path, _check_blas_sizes, _set_common, _buf, _gram_init, _inner_alloc,
    _cand_alloc, _path_free, _path_raise,
)
from ._cd_mt_inner cimport _sq, _sq_shift, _gap, _xcol
from ._cd_solver cimport _inner_solve
from ._blas cimport _copy, _gemv_t, _gemm_tn, _gemm_nt, _ger


# The problem and working-set state are _cd_problem.pxd's Problem and Inner (with
# P.T tasks: y is Y (n, T), Xy is X^T Y (p, T), rows of T values per working-set
# position); the stall rule, the working-set ranking, the Anderson weights and iterates
# are _cd_common.pxd's, the Gram columns and G[W, W] blocks _cd_gram's, the block
# updates on a working set and the helpers on rows of T _cd_mt_inner's.


# --- residual and gradient of the full problem ------------------------------------------

cdef void _residual(Problem* P, floating* W, floating* R, const int* supp,
                    int n_supp) noexcept nogil:
    """R = Y - X[:, supp] @ W[supp] (naive mode), afresh."""
    cdef int i, j
    # R = Y
    _copy(P.n * P.T, <floating*> P.y, R)
    for i in range(n_supp):
        j = supp[i]
        # R -= outer(x_j, W_j)
        _ger(P.n, P.T, -1.0, _xcol(P, <floating*> P.X, j), W + <size_t> j * P.T, R, P.n)


cdef void _full_grad(Problem* P, floating* W, floating* R, floating* g,
                     const int* feats, int k, const int* supp, int n_supp) noexcept nogil:
    """g[:, j] = x_j^T R for j in feats (naive), or g = X^T Y - G W (Gram, all j).

    g is (T, p) Fortran: the gradient row of feature j is g + j * T.
    """
    cdef int i, j, s, t, T = P.T
    cdef floating* gT
    if P.mode == NAIVE:
        if k == P.p:
            # g = R.T @ X
            _gemm_tn(T, P.p, P.n, R, P.n, <floating*> P.X, P.n, g, T)
        else:
            for i in range(k):
                j = feats[i]
                # g[:, j] = R.T @ x_j
                _gemv_t(P.n, T, 1.0, R, P.n, _xcol(P, <floating*> P.X, j), 0.0, g + <size_t> j * T)
    else:
        # g.T = B - G[:, supp] @ W[supp], in the (p, T) layout (long BLAS vectors)
        gT = <floating*> P.gT
        # gT = B  (X^T Y)
        _copy(T * P.p, <floating*> P.Xy, gT)
        for i in range(n_supp):
            s = supp[i]
            # gT -= outer(G[:, s], W_s)
            _ger(P.p, T, -1.0, _gcol(&P.G, <floating*> P.G.Gcols, s), W + <size_t> s * T,
                 gT, P.p)
        for t in range(T):
            for j in range(P.p):
                g[<size_t> j * T + t] = gT[<size_t> t * P.p + j]


cdef double _full_gap(Problem* P, floating* W, floating* R, floating* g,
                      const int* feats, int k, double* dnorm_out) noexcept nogil:
    """Duality gap of the problem restricted to feats (all features when k == p).

    g must hold x_j^T R for j in feats; W is zero outside feats.
    """
    cdef int i, j, t, T = P.T
    cdef double v, dnorm = 0, xtr2 = 0, w_l21 = 0, w_l2sq = 0, RR, Ry, wB = 0, wq = 0
    cdef double wsq
    cdef floating* wj
    cdef floating* gj
    for i in range(k):
        j = feats[i]
        wj = W + <size_t> j * T
        gj = g + <size_t> j * T
        v = _sq_shift(T, gj, P.l2, wj)
        if v > dnorm:
            dnorm = v
        xtr2 += _sq(T, gj)
        wsq = _sq(T, wj)
        if wsq > 0:
            w_l21 += sqrt(wsq)
            w_l2sq += wsq
            if P.mode == GRAM:
                for t in range(T):
                    wB += <double> wj[t] * (<floating*> P.Xy)[<size_t> t * P.p + j]
                wq += _dsum_dot(T, wj, gj)
    dnorm = sqrt(dnorm)
    if P.mode == NAIVE:
        RR = _dsum_dot(<size_t> P.n * T, R, R)
        Ry = _dsum_dot(<size_t> P.n * T, R, <floating*> P.y)
    else:
        # ||Y - XW||^2 = <Y, Y> - <W, B> - <W, Q> and <R, Y> = <Y, Y> - <W, B>
        RR = P.yy - wB - wq
        Ry = P.yy - wB
        if RR < 0:
            RR = 0
    dnorm_out[0] = dnorm
    return _gap(P.l1, P.l2, w_l21, w_l2sq, RR, Ry, dnorm, xtr2)


# --- the working-set solver: the block updates are _cd_mt_inner's, the inner solve
# (sweeps, active phases, Anderson) the single-task kernel's _cd_solver._inner_solve


cdef inline int _support(Problem* P, const int* feats, int k, floating* W,
                         int* supp) noexcept nogil:
    """supp[:s] = the features of feats[:k] with a nonzero row; returns s."""
    cdef int i, s = 0
    for i in range(k):
        if _row_nonzero(P.T, W + <size_t> feats[i] * P.T):
            supp[s] = feats[i]
            s += 1
    return s


cdef int _screen(Problem* P, floating* W, floating* R, floating* g, int* feats,
                 int n_kept, int* supp, double gap, double dmax,
                 int* n_screened) noexcept nogil:
    """Gap Safe screening of feats[:n_kept]: ||x~_j^T theta*|| < 1 is certain when
    (1 - ||x_j^T theta||) / ||x~_j|| > sqrt(2 gap) / l1, x~_j = [x_j; sqrt(l2) e_j].
    Returns the count of features kept (compacted in feats)."""
    cdef floating* norms = <floating*> P.norms
    cdef floating* wj
    cdef double radius = sqrt(2 * (max(gap, 0.0) + P.gap_rnd)) / P.l1, v, d
    cdef int i, j, t = 0, zeroed = 0, n_supp, T = P.T
    for i in range(n_kept):
        j = feats[i]
        wj = W + <size_t> j * T
        v = sqrt(_sq_shift(T, g + <size_t> j * T, P.l2, wj)) / dmax
        d = (1 - v) / sqrt(norms[j] + P.l2)
        if d > radius:
            n_screened[0] += 1
            if _row_nonzero(T, wj):
                if P.mode == NAIVE:
                    # R += outer(x_j, W_j)
                    _ger(P.n, T, 1.0, _xcol(P, <floating*> P.X, j), wj, R, P.n)
                memset(wj, 0, T * sizeof(floating))
                zeroed += 1
        else:
            feats[t] = j
            t += 1
    if zeroed > 0:
        # a screened feature was nonzero: the gradient of the others changed
        n_supp = _support(P, feats, t, W, supp)
        _full_grad(P, W, R, g, feats, t, supp, n_supp)
    return t


cdef int _working_set(Problem* P, Inner* S, floating* W, floating* g, const int* feats,
                      int n_kept, ScoreIdx* cand, double dmax, bint use_strong,
                      int* ws_size, int* n_viol) noexcept nogil:
    """S.W[:m] = the nonzero rows + the strong rule's survivors (use_strong), or + the
    best-ranked candidates (distance of ||x_j^T R|| to the dual constraint in units of
    the column norm); n_viol receives the violators left out. Returns m (sorted in
    S.W) and sets S.m."""
    cdef floating* norms = <floating*> P.norms
    cdef double thresh = 2 * P.l1 - P.l1_prev, v
    cdef int i, j, t, m = 0, n_cand = 0, T = P.T
    n_viol[0] = 0
    for i in range(n_kept):
        j = feats[i]
        if P.l1 == 0 or _row_nonzero(T, W + <size_t> j * T):
            S.W[m] = j
            m += 1
            continue
        v = sqrt(_sq(T, g + <size_t> j * T))
        if use_strong:
            if v >= thresh:
                S.W[m] = j
                m += 1
        else:
            cand[n_cand].score = (dmax - v) / sqrt(norms[j] + P.l2)
            cand[n_cand].j = j
            n_cand += 1
    if n_cand > 0:
        ws_size[0] = max(ws_size[0], max(2 * m, WS_MIN))
        t = _take_best(cand, n_cand, ws_size[0] - m, S.W, m)
        m += t
        for i in range(t, n_cand):
            j = cand[i].j
            if _sq(T, g + <size_t> j * T) > P.l1 * P.l1:
                n_viol[0] += 1
    if m > 0:
        S.m = _ws_close(S.W, m, ws_size)
    return m


cdef inline bint _strong_rule_keeps(Problem* P, floating* W, floating* g,
                                    const int* feats, int n_kept) noexcept nogil:
    """Whether the sequential strong rule keeps a feature of feats[:n_kept] (a nonzero
    row, or ||x_j^T R|| >= 2 l1 - l1_prev); if not, candidates are ranked instead."""
    cdef int i, j, T = P.T
    for i in range(n_kept):
        j = feats[i]
        if _row_nonzero(T, W + <size_t> j * T) or \
                sqrt(_sq(T, g + <size_t> j * T)) >= 2 * P.l1 - P.l1_prev:
            return True
    return False


cdef int _inner_setup(Problem* P, Inner* S, floating* W, floating* g) noexcept nogil:
    """The compact state of the working set S.W[:S.m]: updates of Q_W through G[W, W]
    whenever that block is smaller than X[:, W] (always with a Gram matrix), residual
    updates on X otherwise. Returns -1 if memory ran out."""
    cdef floating* norms = <floating*> P.norms
    cdef floating* wW = <floating*> S.wW
    cdef floating* GW
    cdef int i, t, m = S.m, T = P.T
    for i in range(m):
        # wW[i] = W[W_i]  (row of T)
        _copy(T, W + <size_t> S.W[i] * T, wW + <size_t> i * T)
        (<floating*> S.dW)[i] = norms[S.W[i]]
    S.gram = P.mode == GRAM or m <= P.n
    S.col_cost = 2.0 * P.n
    if not S.gram:
        return 0
    if not _grow(&S.GW, &S.gw_cap, <size_t> m * m, <size_t> P.p * P.p, sizeof(floating)):
        return -1
    GW = <floating*> S.GW
    if P.mode == GRAM:
        if _gram_gather(&P.G, <floating*> P.X, P.n, S.W, m, GW) < 0:
            return -1
        for t in range(T):
            for i in range(m):
                (<floating*> S.bW)[i + <size_t> t * m] = \
                    (<floating*> P.Xy)[S.W[i] + <size_t> t * P.p]
    else:
        # G[W, W] = X_W^T X_W: the slot cache's products (_cd_gram), computed only for
        # the features new to the working sets of the path
        if _slot_block(P, S, m, GW) < 0:
            return -1
        # X_W^T Y = X_W^T R + G[W, W] W_W:  B_W = Q_W + G[W, W] @ wW.T
        for t in range(T):
            for i in range(m):
                (<floating*> S.bW)[i + <size_t> t * m] = g[<size_t> S.W[i] * T + t]
        # bW += GW @ wW.T
        _gemm_nt(m, T, m, GW, m, wW, T, 1.0, <floating*> S.bW, m)
    for t in range(T):
        for i in range(m):
            (<floating*> S.qW)[i + <size_t> t * m] = g[<size_t> S.W[i] * T + t]
    return 0


cdef int _solve(Problem* P, floating* W, floating* R, floating* g, int* feats,
                int* supp, ScoreIdx* cand, Inner* S, int max_iter,
                double* gap_out) noexcept nogil:
    """Solve one problem from the warm start W. Returns the number of sweeps,
    -1 if memory ran out, -2 if interrupted (P.abort). Stops at a gap <= P.tol,
    after max_iter sweeps, or when the gap, below P.stall_gap, stalls (the
    tolerance is then below what rounding can certify), as the single-task _solve."""
    cdef int n_iter = 0, n_kept, n_supp, ws_size = 0, i, j, m
    cdef int n_screened = 0, outer = 0, n_viol, T = P.T
    cdef bint strong, use_strong, stop
    cdef double gap, gap0, dnorm, dmax, eps
    cdef StopState st
    cdef floating* norms = <floating*> P.norms
    cdef floating* wW = <floating*> S.wW

    # features with a zero column are zero at the optimum
    for j in range(P.p):
        if norms[j] == 0:
            memset(W + <size_t> j * T, 0, T * sizeof(floating))
    n_kept = _nonzero_columns(<floating*> P.norms, P.p, feats)
    strong = P.l1_prev > P.l1 and P.l1 > 0
    _stop_init(&st, P.screening)

    while True:
        n_supp = _support(P, feats, n_kept, W, supp)
        if P.mode == GRAM and \
                _ensure_cols(&P.G, <floating*> P.X, P.n, supp, n_supp) < 0:
            return -1
        if P.mode == NAIVE:
            # R = Y - X W afresh: block updates let rounding errors drift R away from
            # Y - X W, and the gap must be that of W
            _residual(P, W, R, supp, n_supp)
        _full_grad(P, W, R, g, feats, n_kept, supp, n_supp)
        if _poll(&P.abort, <double> (P.n if P.mode == NAIVE else n_supp) * n_kept * T):
            return -2
        gap = _full_gap(P, W, R, g, feats, n_kept, &dnorm)
        stop = _stop_now(&st, gap, P.tol, P.stall_gap, n_iter, max_iter)
        if stop and n_screened > 0:
            # check of the screened features: the gap of the full problem
            gap0 = gap
            n_kept = _nonzero_columns(<floating*> P.norms, P.p, feats)
            n_screened = 0
            _full_grad(P, W, R, g, feats, n_kept, supp, n_supp)
            gap = _full_gap(P, W, R, g, feats, n_kept, &dnorm)
            stop = _stop_after_check(&st, gap, gap0, P.tol, P.gap_rnd, n_iter, max_iter)
        if stop:
            break
        dmax = dnorm if dnorm > P.l1 else P.l1
        if st.screen and P.l1 > 0:
            n_kept = _screen(P, W, R, g, feats, n_kept, supp, gap, dmax, &n_screened)

        # working set: support + strong-rule survivors, or the best-ranked candidates
        use_strong = strong and outer == 0 and _strong_rule_keeps(P, W, g, feats, n_kept)
        m = _working_set(P, S, W, g, feats, n_kept, cand, dmax, use_strong, &ws_size,
                         &n_viol)
        if m == 0:
            # every feature was screened out (W = 0 is optimal), or nothing can enter
            # (rounding): report the gap of the full problem at W and stop
            n_kept = _nonzero_columns(<floating*> P.norms, P.p, feats)
            n_supp = _support(P, feats, n_kept, W, supp)
            if P.mode == NAIVE:
                _residual(P, W, R, supp, n_supp)
            _full_grad(P, W, R, g, feats, n_kept, supp, n_supp)
            gap = _full_gap(P, W, R, g, feats, n_kept, &dnorm)
            break
        if _inner_setup(P, S, W, g) < 0:
            return -1

        # inner precision: celer's 0.3 * gap while features outside W still violate the
        # optimality conditions; the final tolerance once W holds every violator
        eps = P.tol if (use_strong or n_viol == 0) else max(0.3 * gap, P.tol)
        i = _inner_solve(P, S, eps, max_iter - n_iter, wW)
        if i < 0:
            return -1
        n_iter += i
        for i in range(m):
            # W[W_i] = wW[i]  (row of T)
            _copy(T, wW + <size_t> i * T, W + <size_t> S.W[i] * T)
        if P.abort.status:
            return -2
        # (the residual is recomputed from W at the top of the loop)
        outer += 1
    gap_out[0] = gap
    return n_iter


cdef list _workspace(Problem* P, Inner* S, floating[::1, :] W, const floating[:, ::1] G):
    """Allocate the workspace of a path (_cd_entry's buffers with rows of T) and point
    P and S into it; returns the arrays, to be kept alive while P and S are in use."""
    cdef size_t item = sizeof(floating)
    cdef list keep = []
    _gram_init(P, keep, <void*> &G[0, 0] if G is not None else NULL)
    _inner_alloc(S, keep, P.n, P.p, P.T, item)
    P.gT = _buf(keep, <size_t> P.p * P.T, item)
    S.z = _buf(keep, P.T, item)
    S.delta = _buf(keep, P.T, item)
    return keep


cdef int _set_data(Problem* P, const floating[::1, :] X, const floating[::1, :] Y,
                   const floating[:, ::1] G, const floating[::1, :] B) except -1:
    """The data of the problem into P (P.n, P.p, P.T and P.mode set), their shapes
    checked: X (n, p) Fortran, Y (n, T) in naive mode, G (p, p) and B = X^T Y (p, T)
    in Gram mode."""
    cdef int n = P.n, p = P.p, T = P.T
    if X is not None:
        if n == 0 or X.shape[1] != p:
            raise ValueError("X must have shape (n_samples, W.shape[1]), n_samples > 0")
        P.X = <void*> &X[0, 0]
        P.rs = 1
        P.cs = n
    if P.mode == NAIVE:
        if Y is None or Y.shape[0] != n or Y.shape[1] != T:
            raise ValueError("Y must have shape (X.shape[0], W.shape[0])")
        P.y = <void*> &Y[0, 0]
        return 0
    if G is not None and (G.shape[0] != p or G.shape[1] != p):
        raise ValueError("G must have shape (W.shape[1], W.shape[1])")
    if B is None or B.shape[0] != p or B.shape[1] != T:
        raise ValueError("B must have shape (W.shape[1], W.shape[0])")
    P.Xy = <void*> &B[0, 0]
    return 0


def multitask_enet_path(
    floating[::1, :] W,
    const double[::1] l1s,
    const double[::1] l2s,
    const floating[::1, :] X,
    const floating[::1, :] Y,
    const floating[:, ::1] G,
    const floating[::1, :] B,
    const floating[::1] norms,
    double yy,
    double tol,
    int max_iter,
    bint use_gram,
    bint screening,
    bint random,
    uint32_t seed,
    floating[::1, :, :] coefs,
    double[::1] gaps,
    int32_t[::1] n_iters,
    bint strong_rule=True,
    int epoch=-1,
):
    """Solve the multi-task elastic net along a path of penalties, warm-starting each.

    Parameters
    ----------
    W : (T, p) Fortran: initial coefficients (scikit-learn's layout, the row W_j of a
        feature contiguous); holds the last solution on return.
    l1s, l2s : (k,) penalties l1, l2 of each problem (decreasing l1 on a path).
    X : (n, p) Fortran array, or None when G is given.
    Y : (n, T) Fortran targets (residual updates), or None.
    G : (p, p) full Gram matrix X^T X, or None (built lazily from X if use_gram).
    B : (p, T) Fortran: X^T Y (Gram mode), or None.
    norms : (p,) squared column norms of X (the diagonal of G).
    yy : ||Y||_F^2.
    tol : absolute tolerance on the duality gap (scikit-learn's tol * ||Y||_F^2).
    max_iter : maximum number of sweeps for each problem.
    use_gram : covariance (Gram) updates; otherwise residual (naive) updates on X.
    screening : Gap Safe screening.
    random : visit the features in random order (with replacement), not cyclically.
    seed : seed of the random order.
    coefs : (T, p, k) Fortran output: the solution of each problem.
    gaps : (k,) output: the duality gap of each solution (on the scale of P(W)).
    n_iters : (k,) output: sweeps used by each problem.
    strong_rule : first working set from the sequential strong rule on a path.
    epoch : the abort epoch of the caller's fit (-1: the current one); interrupts and
        unreachable tolerances as in _cd_fast.enet_path.
    """
    cdef int n_alphas = l1s.shape[0]
    cdef int p = W.shape[1]
    cdef int T = W.shape[0]
    cdef int n = X.shape[0] if X is not None else 0
    cdef int k, status = 0
    cdef Problem P
    cdef Inner S
    cdef double gap
    dtype = np.float32 if floating is float else np.float64

    # every size is checked here: the nogil code below trusts them
    if p == 0 or T == 0:
        raise ValueError("at least one feature and one task are required")
    if X is None and G is None:
        raise ValueError("either X or G is required")
    _check_path(n_alphas, l2s.shape[0], gaps.shape[0], n_iters.shape[0], max_iter)
    if coefs.shape[0] != T or coefs.shape[1] != p or coefs.shape[2] != n_alphas:
        raise ValueError("coefs must have shape (W.shape[0], W.shape[1], len(l1s))")
    if norms.shape[0] != p:
        raise ValueError("norms must have shape (W.shape[1],)")
    _check_blas_sizes(max(<size_t> p * T, <size_t> n * T, <size_t> n * p,
                          <size_t> p * p if G is not None else 0), "multi-task")
    memset(&P, 0, sizeof(Problem))
    memset(&S, 0, sizeof(Inner))
    _set_common(&P, n, p, GRAM if (use_gram or G is not None) else NAIVE, yy, tol,
                screening, random, seed, epoch, <void*> &norms[0], np.finfo(dtype).eps)
    P.T = T
    P.n_threads = 1      # (no OpenMP passes: the G[W, W] products on one thread)
    _set_data(&P, X, Y, G, B)
    keep = _workspace(&P, &S, W, G)
    cdef floating[::1, :] R = np.zeros((max(n, 1), T), dtype=dtype, order="F")
    cdef floating[::1, :] g = np.zeros((T, p), dtype=dtype, order="F")
    cdef int[::1] feats = np.zeros(p, dtype=np.intc)
    cdef int[::1] supp = np.zeros(p, dtype=np.intc)
    S.R = <void*> &R[0, 0]      # the inner residual updates act on R itself
    cdef ScoreIdx* cand = _cand_alloc(p)
    try:
        with nogil:
            for k in range(n_alphas):
                P.l1 = l1s[k]
                P.l2 = l2s[k]
                P.l1_prev = l1s[k - 1] if (k > 0 and strong_rule) else 0.0
                status = _solve(&P, &W[0, 0], &R[0, 0], &g[0, 0], &feats[0], &supp[0],
                                cand, &S, max_iter, &gap)
                if status < 0:
                    break
                # coefs[:, :, k] = W
                _copy(p * T, &W[0, 0], &coefs[0, 0, k])
                gaps[k] = gap
                n_iters[k] = status
    finally:
        _pool_free(cand)
        _path_free(&P, &S)
    del keep
    _path_raise(&P, status)
