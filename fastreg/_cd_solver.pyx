"""The solver loop of one problem (see _cd_solver.pxd): the outer loop (gradient,
gap, check of the features left out, screening, working set) and the inner solve on
the working set (sweeps, Anderson, exact solves)."""
from cython cimport floating
from libc.math cimport fabs, sqrt, INFINITY
from libc.stdint cimport int64_t
from libc.stdlib cimport qsort

from ._blas cimport _axpy, _copy, _gemv_n
from ._cd_abort cimport _poll
from ._cd_common cimport (
    ScoreIdx, StopState, _take_best, _cmp_int, _grow, _stop_init, _stop_now,
    _stop_after_check, _inner_done, _phase_done, _active_rows, _hist_put,
    _anderson_weights, _anderson_point,
)
from ._cd_problem cimport (
    Problem, Inner, NAIVE, GRAM, ANDERSON_K, WS_MIN, WS_GROW, STRONG_EXTRA, NEWTON_MAX,
    BLOCK_GAIN, BLOCK_SWEEPS, XR_MAX_ELEMS, T_OUTER, T_SWEEPS, T_GRAD, T_WS_MAX, T_WS_SUM,
    T_BLOCK, T_EXACT, T_CERTIFY, T_GRAM_INNER, T_RES_INNER, T_SWITCH, T_INNER_GAPS,
)
from ._cd_prox cimport _clip, _pf, _lo, _hi, _veff
from ._cd_columns cimport _qtdot, _xaxpy, _xcopy, _all_features, _support
from ._cd_passes cimport _residual, _full_grad
from ._cd_gram cimport _sparse_block, _ensure_cols, _gram_block_kept, _slot_block
from ._cd_gap cimport (
    _full_gap, _inner_gaps, _gap_plain_scale, _ref_set, _all_grad, _certify,
)
from ._cd_inner cimport _sweep, _anderson_accept, _extrapolate
from ._cd_exact cimport _newton, _chol_near, _chol_solve_cost
from ._cd_mt_inner cimport (
    _sweep as _mt_sweep, _inner_gaps as _mt_inner_gaps,
    _anderson_accept as _mt_anderson_accept,
)


# Plain sweeps (_working_set): a cold working set is every kept feature when at least
# 1 / PLAIN_DEN of them violate the optimality conditions, G[W, W] of all of them does
# not pay (_block_pays) and X_W has at most PLAIN_MAX_ELEMS elements (with its centered
# copy, a few MiB: the residual sweeps then run from the cache, at the speed of the
# block's covariance updates; beyond it, on 4000 x 600, they measured slower than the
# ranked working sets and their blocks). An active phase of such a solve ends once its
# gap is at most PHASE_FRAC times that of W (the rest is features of W it leaves out).
cdef enum:
    STRONG_DENSE = 4
    PLAIN_DEN = 3
    PLAIN_MAX_ELEMS = 1 << 20
cdef double PHASE_FRAC = 0.3

# ------------------------------------------------------------------ inner solve

# (the stall rule, _stalled and its constants: _cd_common.pxd)

# One inner solve serves both kernels. What differs is the kernel's own step on W: the
# single-task coordinate updates, gaps and Anderson check (_cd_inner, _cd_gap), or, for
# a multi-task problem (P.T > 0 tasks, rows of T values per position), the block
# versions (_cd_mt_inner); the choice is made per sweep, never per coordinate. The
# exact active-set solve, the early gap checks of an active phase and the switch to
# G[W, W] are single-task steps (P.T == 0).


cdef inline int _tasks(Problem* P) noexcept nogil:
    """Values per working-set position: the tasks of a multi-task problem, else 1."""
    return P.T if P.T > 0 else 1


cdef inline void _k_sweep(Problem* P, Inner* S, const int* pos, int k,
                          floating* wW) noexcept nogil:
    """The kernel's sweep over the working-set positions pos[:k]."""
    if P.T > 0:
        _mt_sweep(P, S, pos, k, wW)
    else:
        _sweep(P, S, pos, k, wW)


cdef inline void _k_gaps(Problem* P, Inner* S, floating* wW, double* gap_W,
                         double* gap_A) noexcept nogil:
    """The kernel's gaps of the problem restricted to W and to its nonzero part."""
    _count(P, T_INNER_GAPS, 1)
    if P.T > 0:
        _mt_inner_gaps(P, S, wW, gap_W, gap_A)
    else:
        _inner_gaps(P, S, wW, gap_W, gap_A)


cdef void _anderson(Problem* P, Inner* S, int nA, floating* wW) noexcept nogil:
    """Extrapolate the last ANDERSON_K + 1 iterates of the active positions (S.hist:
    iterate k, row t at hist[(k nA + t) T]) into S.wacc, and keep it if the kernel's
    check accepts it (its bounds, a lower objective)."""
    cdef int T = _tasks(P)
    cdef double C[ANDERSON_K * ANDERSON_K]
    cdef double z[ANDERSON_K]
    if not _anderson_weights(<floating*> S.hist, <size_t> nA * T, ANDERSON_K, C, z):
        return
    # w_acc = sum_k z_k w^(k+1) on the active positions, w elsewhere (exact zeros of
    # the last iterate kept)
    _anderson_point(<floating*> S.hist, nA, T, ANDERSON_K, z, S.act, wW,
                    <floating*> S.wacc, S.m)
    if P.T > 0:
        _mt_anderson_accept(P, S, nA, wW)
    else:
        _anderson_accept(P, S, nA, wW)


cdef inline void _count(Problem* P, int k, double v) noexcept nogil:
    """Add v to counter k of the current solve's trace (if traced)."""
    if P.trace != NULL:
        P.trace[k] += v


cdef inline double _block_cost(Problem* P, Inner* S, int m) noexcept nogil:
    """Dense residual mode: the cost of G[W, W] for the working set S.W[:m] from the
    slot cache (_slot_block: the new columns' products with the slots), in units of a
    coordinate update's element operations."""
    cdef int i, k_new = 0
    cdef double s0 = S.n_slots
    for i in range(m):
        if S.xslot[S.W[i]] < 0:
            k_new += 1
    if S.n_slots + k_new > 2 * m + 64:
        # (_slot_block empties the cache)
        k_new = m
        s0 = 0
    return <double> P.n * k_new * (s0 + 0.5 * k_new + 1) / BLOCK_GAIN


cdef inline bint _block_pays(Problem* P, Inner* S, int m) noexcept nogil:
    """Dense residual mode: whether to make G[W, W] now (covariance updates) rather
    than sweep with residual updates: when it costs at most BLOCK_SWEEPS residual
    sweeps over W beyond the residual sweeps made since the last block (S.credit). A
    solve that starts without the block makes it once its residual sweeps have cost
    as much (_inner_solve; at most twice the cost of the better choice in hindsight):
    a large block on a well-conditioned design that converges in a few sweeps costs
    more than the sweeps (4000 x 600, 315 nonzeros: n m^2 / 2 against ~10 n m)."""
    cdef double cost = _block_cost(P, S, m)
    if cost > S.credit + BLOCK_SWEEPS * 2.0 * P.n * m:
        return False
    S.credit = max(S.credit - cost, 0.0)
    return True


cdef enum:
    # sparse X: the sweeps over which G[W, W] must pay for its making
    # (_sparse_block_pays; no cache: it is made again at every working set)
    SPARSE_BLOCK_SWEEPS = 8


cdef inline bint _sparse_block_pays(Problem* P, int m, double nnz_W) noexcept nogil:
    """Sparse X: whether to make G[W, W] rather than sweep with residual updates, in
    element operations. A residual sweep over W costs its updates (a dot and an axpy on
    each column's nonzeros, plus r) and its gaps (X_W^T R, Q^T R, ||R||^2, R^T y): 3
    nnz(X_W) + 2 m r + (r + 2) n; a sweep on the block m^2 (its gaps O(m)). The block
    is made when it is cheaper per sweep and its making (_sparse_block: each column
    scattered once and gathered by those after it, (m + 1) / 2 (nnz(X_W) + m r)) is
    paid back by the difference within SPARSE_BLOCK_SWEEPS sweeps. For a dense X stored
    sparse and n < m <= 2 n this takes the block on small problems, as the dense rule
    (_block_pays) does, and not on larger ones (48 x 300 folds: m up to about 36)."""
    cdef double res = 3.0 * nnz_W + 2.0 * m * P.r + (P.r + 2.0) * P.n
    cdef double cost = 0.5 * (m + 1) * (nnz_W + <double> m * P.r)
    return <double> m * m < res and cost <= SPARSE_BLOCK_SWEEPS * (res - <double> m * m)


cdef int _switch_to_gram(Problem* P, Inner* S, floating* wW) noexcept nogil:
    """Dense residual mode, between two phases of an inner solve: make G[W, W] and go
    on with covariance updates. S.gW must hold X_W^T R at the current residual (the
    last _inner_gaps). Returns -1 if memory ran out."""
    cdef int i, m = S.m
    if not _grow(&S.GW, &S.gw_cap, <size_t> m * m, <size_t> P.p * P.p, sizeof(floating)):
        return -1
    _count(P, T_BLOCK, _block_cost(P, S, m) * BLOCK_GAIN)
    if _slot_block(P, S, m, <floating*> S.GW) < 0:
        return -1
    for i in range(m):
        (<floating*> S.qW)[i] = (<floating*> S.gW)[i]
        (<floating*> S.bW)[i] = (<floating*> S.gW)[i]
    # bW = X_W^T y = X_W^T R + G[W, W] @ w_W
    _gemv_n(m, m, 1.0, <floating*> S.GW, m, wW, 1.0, <floating*> S.bW)
    S.gram = True
    S.use_xr = False
    _count(P, T_SWITCH, 1)
    return 0


cdef inline double _sweep_work(Problem* P, Inner* S, int k) noexcept nogil:
    """Element operations of a sweep over k working-set positions (for _poll)."""
    return <double> k * _tasks(P) * (S.m if S.gram else S.col_cost)


cdef inline int _sign_flips(int nA, const floating* a, const floating* b) noexcept nogil:
    """The positions t < nA where a[t] and b[t] have opposite signs."""
    cdef int t, flips = 0
    for t in range(nA):
        if a[t] * b[t] < 0:
            flips += 1
    return flips


cdef inline int _rows_missing(Inner* S, int nA) noexcept nogil:
    """The active features the kept Cholesky factor has no row for."""
    cdef int t, n_new = 0
    for t in range(nA):
        if S.chol_pos[S.W[S.act[t]]] < 0:
            n_new += 1
    return n_new


cdef inline bint _exact_early(Problem* P, Inner* S, int nA, floating* hist,
                              floating* wW) noexcept nogil:
    """Whether to try the exact solve after the second sweep of an active phase (Gram
    inner mode): when the kept factor covers the active set but for a row or two, it
    costs about two sweeps (made at a nearby l2, _chol_near: a few more); tried if no
    sign changed since the phase started."""
    cdef int t, flips = 0
    if not (nA <= NEWTON_MAX and not P.box and _chol_near(P, S) and
            S.chol_k >= nA - 2):
        return False
    for t in range(nA):
        if hist[t] * wW[S.act[t]] < 0:
            flips += 1
    return flips == 0 and _rows_missing(S, nA) <= 2


cdef inline bint _exact_worth_it(Problem* P, Inner* S, int nA, int phase_sweeps,
                                 bint stable, int tries) noexcept nogil:
    """Whether to try the exact solve at the end of an Anderson block: when the signs
    hold, when G_AA can be factored or made so by a few null steps (with l2 = 0, G_AA
    is singular once A has more features than the rank of X, at most n), and once the
    sweeps of this phase cost a tenth of it (tried more often, it slows paths at the
    default tol; less often, the hard p > n end at tol 1e-8)."""
    cdef double sweep_cost = <double> phase_sweeps * nA * (S.m if S.gram else S.col_cost)
    cdef double solve_cost = <double> nA * nA * nA / 3
    if not S.gram:
        solve_cost += <double> nA * nA * S.col_cost / 2
    elif S.chol_f != NULL and _chol_near(P, S):
        # the kept factor needs a row per feature it lacks
        solve_cost = min(solve_cost, <double> _rows_missing(S, nA) * nA * nA +
                         _chol_solve_cost(P, S, nA))
    return (stable and tries < 3 and nA <= NEWTON_MAX and not P.box and
            not (P.l2 == 0 and nA > P.rank_max + 4) and sweep_cost >= 0.1 * solve_cost)


cdef inline bint _try_exact(Problem* P, Inner* S, int nA, double eps, int* tries,
                            double* gap_W, double* gap_A, floating* wW) noexcept nogil:
    """An exact solve of the active positions (_newton), and the gaps after it if it
    succeeded; True when it brought the gap on all of W to eps."""
    tries[0] += 1
    _count(P, T_EXACT, 1)
    if not _newton(P, S, nA, wW):
        return False
    _k_gaps(P, S, wW, gap_W, gap_A)
    return gap_W[0] <= eps


cdef bint _active_phase(Problem* P, Inner* S, int nA, double eps, int budget,
                        int* sweeps, floating* wW, bint plain) noexcept nogil:
    """Sweeps over the nonzero positions S.act[:nA] only (glmnet's active-set cycling),
    Anderson-accelerated every ANDERSON_K sweeps, with exact solves when they pay
    (single task), until that part is solved (or as solved as rounding allows).
    Returns True when the gap on all of W reached eps (the inner solve is over).
    plain: the phase also ends once its gap is at most PHASE_FRAC times that of W."""
    cdef floating* hist = <floating*> S.hist
    cdef size_t L = <size_t> nA * _tasks(P)
    cdef double gap_W, gap_A, gap_A_prev = INFINITY
    cdef int k = 0, newton_tries = 0, phase_sweeps = 0
    cdef bint stable, single = P.T == 0
    _hist_put(hist, wW, S.act, nA, _tasks(P))
    while sweeps[0] < budget:
        _k_sweep(P, S, S.act, nA, wW)
        sweeps[0] += 1
        phase_sweeps += 1
        if _poll(&P.abort, _sweep_work(P, S, nA)):
            return False
        k += 1
        _hist_put(hist + k * L, wW, S.act, nA, _tasks(P))
        if single and S.gram and k < ANDERSON_K and sweeps[0] <= 2 * ANDERSON_K:
            # on G[W, W] the gap costs O(m), a sweep O(m nA): check it after each of
            # the first sweeps (a solve from an extrapolated start on a path often
            # needs one or two)
            _k_gaps(P, S, wW, &gap_W, &gap_A)
            if gap_W <= eps:
                return True
            if k == 2 and newton_tries == 0 and _exact_early(P, S, nA, hist, wW) and \
                    _try_exact(P, S, nA, eps, &newton_tries, &gap_W, &gap_A, wW):
                return True
        if k == ANDERSON_K:
            # signs of the active coefficients (nearly all) unchanged over the block?
            stable = single and _sign_flips(nA, hist, hist + ANDERSON_K * nA) <= nA // 100
            _anderson(P, S, nA, wW)
            _k_gaps(P, S, wW, &gap_W, &gap_A)
            if gap_W <= eps:
                return True
            if single and _exact_worth_it(P, S, nA, phase_sweeps, stable, newton_tries) \
                    and _try_exact(P, S, nA, eps, &newton_tries, &gap_W, &gap_A, wW):
                return True
            k = 0
            _hist_put(hist, wW, S.act, nA, _tasks(P))
            if _phase_done(gap_A, gap_A_prev, eps, P.gap_rnd) or \
                    (plain and gap_A <= PHASE_FRAC * gap_W):
                return False
            gap_A_prev = gap_A
    return False


cdef int _inner_solve(Problem* P, Inner* S, double eps, int budget,
                      floating* wW) noexcept nogil:
    """_inner_run of a working set (not plain sweeps)."""
    return _inner_run(P, S, eps, budget, wW, False)


cdef int _inner_run(Problem* P, Inner* S, double eps, int budget,
                    floating* wW, bint plain) noexcept nogil:
    """Solve the problem restricted to W until its gap is <= eps; returns the sweeps
    (-1 if memory ran out).

    A sweep over W, then sweeps over its nonzero part (_active_phase), then a sweep
    over W again. At least one sweep is always made. Stops early when interrupted
    (P.abort) or when the gap has stalled (_stalled: eps may be below what rounding
    lets the gap of W certify; the outer loop then decides). Dense residual mode
    without G[W, W] (_block_pays): once the residual sweeps of the solve have cost as
    much as the block, it is made and the solve goes on with covariance updates.
    plain (W is every kept feature, _working_set): the active phases end early
    (PHASE_FRAC), so that the sweeps over W bring the features they miss in sooner.
    """
    cdef int sweeps = 0, nA, i, flat = 0, done
    cdef int* allpos = S.act + S.m   # second half of act: 0..m-1
    cdef double gap_W, gap_A, best = INFINITY, cost = 0
    cdef bint may_switch = P.T == 0 and not S.gram and P.mode == NAIVE and \
        not P.sparse and S.m <= P.n
    if may_switch:
        cost = _block_cost(P, S, S.m)
    for i in range(S.m):
        allpos[i] = i
    while True:
        _k_sweep(P, S, allpos, S.m, wW)
        sweeps += 1
        if not S.gram:
            S.credit += _sweep_work(P, S, S.m)
        _k_gaps(P, S, wW, &gap_W, &gap_A)
        if _inner_done(gap_W, eps, P.gap_eps, sweeps, budget, &best, &flat) or \
                _poll(&P.abort, _sweep_work(P, S, S.m)):
            return sweeps
        if may_switch and not S.gram and S.credit >= cost:
            # (S.gW holds X_W^T R from _inner_gaps)
            if _switch_to_gram(P, S, wW) < 0:
                return -1
            S.credit = max(S.credit - cost, 0.0)
        nA = _active_rows(S.m, _tasks(P), wW, S.act)
        if plain and sweeps == 1 and PLAIN_DEN * nA < S.m:
            # the first sweep left a small support (correlated columns): its blocks
            # will be small, and ranked working sets from w = 0 find it for less
            for i in range(S.m):
                wW[i] = 0
            return sweeps
        if nA == 0:
            continue
        done = sweeps
        if _active_phase(P, S, nA, eps, budget, &sweeps, wW, plain):
            return sweeps
        if not S.gram:
            S.credit += (sweeps - done) * _sweep_work(P, S, nA)
        if sweeps >= budget or P.abort.status:
            return sweeps


# ------------------------------------------------------------------ outer loop


cdef int _gradient(Problem* P, floating* w, floating* R, floating* g, int* feats,
                   int n_kept, int* supp, int* n_supp, bint first, bint strong,
                   int* n_screened) noexcept nogil:
    """The residual and the gradient on the kept features feats[:n_kept], at the top
    of an outer iteration. Returns the new count of kept features, or -1 if memory ran
    out; n_supp receives the support's size (supp[:n_supp])."""
    cdef int i, t
    cdef double s
    n_supp[0] = _support(feats, n_kept, w, supp)
    if P.mode == GRAM and \
            _ensure_cols(&P.G, <floating*> P.X, P.n, supp, n_supp[0]) < 0:
        return -1
    if P.fresh and first:
        # the previous alpha of the path ended with R and the gradient of this w on
        # every nonzero column (its final full-problem check): one pass saved; or,
        # after a certified check, on the features it computed: the others stay out
        # while their bounds show them feasible and below the strong rule's threshold
        # (otherwise they are computed now)
        if P.partial:
            i = -1
            if P.l1 > 0:
                t = 0
                for i in range(n_kept):
                    if P.exact[feats[i]]:
                        feats[t] = feats[i]
                        t += 1
                _gap_plain_scale(P, w, g, feats, t, &s)
                _count(P, T_CERTIFY, 1)
                i = _certify(P, w, R, g, feats, t, s,
                             2 * P.l1 - P.l1_prev if strong else INFINITY)
            if i < 0:
                _count(P, T_GRAD, 1)
                n_kept = _all_grad(P, w, R, g, feats, n_supp[0], supp)
            else:
                n_screened[0] = P.n_nz - i
                n_kept = i
            n_supp[0] = _support(feats, n_kept, w, supp)
    else:
        if P.mode == NAIVE:
            # R = y - X[:, supp] @ w[supp], afresh: coordinate updates let rounding
            # errors drift R away from y - Xw (visible in float32), and the gap must
            # be that of w
            _residual(P, w, supp, n_supp[0], R)
        _count(P, T_GRAD, 1)
        _full_grad(P, w, R, g, feats, n_kept, n_supp[0], supp)
        if n_kept == P.n_nz:
            _ref_set(P, R, g)
    P.fresh = False
    P.partial = False
    return n_kept


cdef double _check_left_out(Problem* P, floating* w, floating* R, floating* g,
                            int* feats, int* n_kept, int n_supp, const int* supp,
                            int* n_screened, double* s) noexcept nogil:
    """KKT check of the screened features: the gap of the full problem. With bounds,
    only the features whose bound does not show the dual point s R feasible are
    computed (the others cannot lower s, so the gap is the full problem's all the
    same); the next alpha starts from those."""
    cdef int i = -1
    if P.bounds and P.has_ref:
        _count(P, T_CERTIFY, 1)
        i = _certify(P, w, R, g, feats, n_kept[0], s[0], INFINITY)
    if i >= 0:
        n_kept[0] = i
        n_screened[0] = P.n_nz - i    # still out: checked again if the loop goes on
        P.partial = True
    else:
        _count(P, T_GRAD, 1)
        n_kept[0] = _all_grad(P, w, R, g, feats, n_supp, supp)
        n_screened[0] = 0
    return _full_gap(P, w, R, g, feats, n_kept[0], s)


cdef int _screen(Problem* P, floating* w, floating* R, floating* g, int* feats,
                 int n_kept, int* supp, double gap, double s,
                 int* n_screened) noexcept nogil:
    """Gap Safe screening of feats[:n_kept]: theta* is within sqrt(2 gap) of
    theta = s R, so w*_j = 0 is certain when s |x_j^T R - l2_j w_j| + sqrt(2 gap)
    ||x~_j|| < l1_j (one-sided at a bound 0), x~_j = [x_j; sqrt(l2_j) e_j]. Returns
    the count of features kept (compacted in feats)."""
    cdef floating* norms = <floating*> P.norms
    cdef double radius2 = 2 * (max(gap, 0.0) + P.gap_rnd), v, d, pfj, l1j, lo, hi
    cdef double radius = sqrt(radius2)
    cdef bint plain = P.pf == NULL and not P.box, safe
    cdef int i, j, t = 0, zeroed = 0, n_supp
    for i in range(n_kept):
        j = feats[i]
        if plain:
            # the same test without penalty factors and bounds
            v = s * (g[j] - P.l2 * w[j])
            if not P.positive:
                v = fabs(v)
            # v + radius ||x~_j|| < l1, squared (no square root per feature: the loop
            # runs over every kept feature at each outer iteration)
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
            n_screened[0] += 1
            if w[j] != 0:
                if P.mode == NAIVE:
                    # R += w_j x_j
                    _xaxpy(P, j, w[j], R)
                w[j] = 0
                zeroed += 1
        else:
            feats[t] = j
            t += 1
    if zeroed > 0:
        # a screened feature was nonzero: the gradient of the others changed
        n_supp = _support(feats, t, w, supp)
        _full_grad(P, w, R, g, feats, t, n_supp, supp)
    return t


cdef inline bint _strong_kept(Problem* P, floating* w, floating* g, int j) noexcept nogil:
    """Whether the sequential strong rule keeps feature j: a nonzero one, or one with
    |x_j^T R| >= v_j (2 l1 - l1_prev)."""
    return w[j] != 0 or P.l1 == 0 or _veff(g[j], _lo(P, j), _hi(P, j)) >= \
        _pf(P, j) * (2 * P.l1 - P.l1_prev)


cdef inline int _strong_count(Problem* P, floating* w, floating* g, const int* feats,
                              int n_kept) noexcept nogil:
    """The size of the working set the strong rule makes of feats[:n_kept] (0: it
    keeps nothing, and candidates are ranked instead)."""
    cdef int i, m = 0
    for i in range(n_kept):
        if _strong_kept(P, w, g, feats[i]):
            m += 1
    return m


cdef int _working_set(Problem* P, Inner* S, floating* w, floating* g, const int* feats,
                      int n_kept, ScoreIdx* cand, double s, bint use_strong, int cap,
                      int* ws_size, int* n_viol, bint* plain) noexcept nogil:
    """S.W[:m] = the support + the strong rule's survivors (use_strong; on a sparse X
    also the max(WS_MIN, m / STRONG_EXTRA) best-ranked others; on a dense X under the
    p > 2 n cap (cap < p) only the max(WS_MIN, support / STRONG_DENSE) best-ranked
    survivors: at the saturated end of the 500 x 5000 path ~60% of the rule's set were
    zero features that stayed zero, and the smaller G[W, W] / sweeps cost 0.77x), or + the
    best-ranked candidates: the features closest to violating the optimality
    conditions, by their distance to the dual constraint in units of the column norm
    (celer's ranking), as many as the working set may grow to, and no more than cap
    (beyond the support). n_viol receives the violators left out (ranked sets only);
    plain (on entry: whether it may be) whether W is every kept feature for plain
    sweeps (see PLAIN_DEN; ranked sets only). Returns m (sorted in S.W) and sets S.m,
    S.wpos."""
    cdef floating* norms = <floating*> P.norms
    cdef int i, j, t, m = 0, n_cand = 0, n_cand_viol = 0
    cdef double v, d, pfj
    # dense p > 2 n (cap < p, see _solve): the strong rule's zero features are ranked,
    # and at most max(WS_MIN, support / STRONG_DENSE) of them taken
    cdef bint trim = use_strong and not P.sparse and cap < P.p
    for i in range(S.m):
        S.wpos[S.W[i]] = -1     # W is rebuilt below
    n_viol[0] = 0
    for i in range(n_kept):
        j = feats[i]
        if w[j] != 0 or P.l1 == 0:
            S.W[m] = j
            m += 1
            continue
        pfj = _pf(P, j)
        v = _veff(g[j], _lo(P, j), _hi(P, j))
        if use_strong and _strong_kept(P, w, g, j) and not trim:
            S.W[m] = j
            m += 1
        elif use_strong and not P.sparse and not _strong_kept(P, w, g, j):
            continue
        else:
            # ranked by the signed square of the distance, the same order without a
            # square root
            d = P.l1 * pfj - s * v
            cand[n_cand].score = d * fabs(d) / (norms[j] + P.l2 * pfj)
            cand[n_cand].j = j
            n_cand += 1
            if v > P.l1 * pfj:
                n_cand_viol += 1
    if n_cand == 0 or use_strong:
        plain[0] = False
    if trim and n_cand > 0:
        m += _take_best(cand, n_cand, max(WS_MIN, m // STRONG_DENSE), S.W, m)
    elif use_strong and n_cand > 0:
        # sparse X: the best-ranked others join the strong rule's set. At the
        # saturated end of a sparse path (we8there, 2154 features in W) the rule misses
        # two or three features at each alpha; found only after the solve, each such
        # feature multiplied the gap of the next outer iteration by 5 to 20 (the dual
        # scaling), about ten sweeps over W to win back
        m += _take_best(cand, n_cand, min(max(WS_MIN, m // STRONG_EXTRA),
                                          max(cap, m) - m), S.W, m)
    elif n_cand > 0:
        ws_size[0] = max(ws_size[0], max(
            m + min(WS_GROW * m, n_cand_viol + n_cand_viol / 2 + WS_MIN), WS_MIN))
        # plain sweeps: every kept feature (none left out by the cap of a dense p > 2 n
        # solve), when many violate and G[W, W] of them all would not pay (_block_pays,
        # all columns new: n m (m / 2 + 1) / BLOCK_GAIN against BLOCK_SWEEPS sweeps of
        # 2 n m) on a small X
        plain[0] = plain[0] and P.mode == NAIVE and not P.sparse and n_kept <= cap and \
            PLAIN_DEN * n_cand_viol >= n_kept and \
            0.5 * n_kept + 1 > 2.0 * BLOCK_SWEEPS * BLOCK_GAIN and \
            <double> P.n * n_kept <= PLAIN_MAX_ELEMS
        t = _take_best(cand, n_cand, min(n_kept if plain[0] else ws_size[0], max(cap, m)) - m,
                       S.W, m)
        m += t
        for i in range(t, n_cand):
            j = cand[i].j
            if _veff(g[j], _lo(P, j), _hi(P, j)) > P.l1 * _pf(P, j):
                n_viol[0] += 1
    if m == 0:
        return 0
    qsort(S.W, m, sizeof(int), _cmp_int)
    S.m = m
    for i in range(m):
        S.wpos[S.W[i]] = i
    if not plain[0]:
        ws_size[0] = max(ws_size[0], m)
    return m


cdef double _gap_at(Problem* P, floating* w, floating* R, floating* g, int* feats,
                    int* supp) noexcept nogil:
    """The gap of the full problem at w, from a fresh residual and gradient."""
    cdef int i, n_kept = _all_features(P, feats)
    cdef int n_supp = _support(feats, n_kept, w, supp)
    cdef double s
    if P.mode == NAIVE:
        # R = y - X[:, supp] @ w[supp]
        _copy(P.n, <floating*> P.y, R)
        for i in range(n_supp):
            _xaxpy(P, supp[i], -w[supp[i]], R)
    _full_grad(P, w, R, g, feats, n_kept, n_supp, supp)
    return _full_gap(P, w, R, g, feats, n_kept, &s)


cdef int _gram_block(Problem* P, Inner* S, floating* w, floating* g) noexcept nogil:
    """G[W, W], X_W^T y (bW) and X_W^T R (qW) of the working set, for covariance
    updates. Returns -1 if memory ran out."""
    cdef int i, m = S.m
    cdef floating* GW
    # G[W, W] grows geometrically, never beyond p x p
    if not _grow(&S.GW, &S.gw_cap, <size_t> m * m, <size_t> P.p * P.p, sizeof(floating)):
        return -1
    GW = <floating*> S.GW
    if P.mode == GRAM:
        if _gram_block_kept(P, S, m, GW) < 0:
            return -1
        for i in range(m):
            # bW[i] = Xy[W[i]]
            (<floating*> S.bW)[i] = (<floating*> P.Xy)[S.W[i]]
    else:
        if P.sparse:
            _sparse_block(P, S.W, m, GW)
        elif _slot_block(P, S, m, GW) < 0:
            # G[W, W] = X~_W^T X~_W, its new columns from gathered copies
            return -1
        for i in range(m):
            (<floating*> S.bW)[i] = g[S.W[i]]
        # bW = X_W^T y = X_W^T R + G[W, W] @ w_W
        _gemv_n(m, m, 1.0, GW, m, <floating*> S.wW, 1.0, <floating*> S.bW)
    for i in range(m):
        (<floating*> S.qW)[i] = g[S.W[i]]
    return 0


cdef int _inner_setup(Problem* P, Inner* S, floating* w, floating* R,
                      floating* g) noexcept nogil:
    """The compact state of the working set S.W[:S.m] and the inner strategy:
    covariance updates on G[W, W] whenever an update on it (m element operations)
    costs no more than a residual update (2 n: a dot and an axpy), i.e. m <= 2 n, and
    the block pays for its making (dense: _block_pays; sparse: _sparse_block_pays),
    and always in Gram mode; residual updates on X otherwise. On the saturated end of a
    wide path (n < m <= 2 n) the block also gives the exact solve its kept Cholesky
    factor and the gaps of W in O(m): the 500 x 5000 path's last quarter took 10569
    residual sweeps at tol 1e-8, 341 with the block. Returns -1 if memory ran out."""
    cdef floating* norms = <floating*> P.norms
    cdef floating* wW = <floating*> S.wW
    cdef int i, j, t, m = S.m
    cdef int64_t nnz_W = 0
    cdef double v, pfj
    for i in range(m):
        j = S.W[i]
        wW[i] = w[j]
        (<floating*> S.dW)[i] = norms[j]
        pfj = _pf(P, j)
        S.l1W[i] = P.l1 * pfj
        S.l2W[i] = P.l2 * pfj
        S.loW[i] = _lo(P, j)
        S.hiW[i] = _hi(P, j)
    S.gram = P.mode == GRAM or m <= 2 * P.n
    if S.gram and P.mode == NAIVE and not P.sparse:
        S.gram = _block_pays(P, S, m)
        if S.gram:
            _count(P, T_BLOCK, _block_cost(P, S, m) * BLOCK_GAIN)
    if P.sparse:
        for i in range(m):
            nnz_W += P.Xptr[S.W[i] + 1] - P.Xptr[S.W[i]]
        S.gram = S.gram and _sparse_block_pays(P, m, <double> nnz_W)
    S.col_cost = 2.0 * P.n
    if P.sparse and not S.gram:
        S.col_cost = 2.0 * nnz_W / m + P.r
        # R_s = R - Q (B_W w_W), the residual of the sparse part alone
        for t in range(P.r):
            v = 0
            for i in range(m):
                v += <double> (<floating*> P.B)[<size_t> S.W[i] * P.r + t] * wW[i]
            # R -= v * Q[:, t]
            _axpy(P.n, <floating> -v, (<floating*> P.Q) + <size_t> t * P.n, R)
        _qtdot(P, R, S.t)
    S.use_xr = False
    if not S.gram and P.Xmean != NULL and not P.sparse and P.rs == 1 and \
            <double> P.n * m <= XR_MAX_ELEMS:
        # implicit centering: sweep on a centered copy of X_W (a pass over X_W, about
        # half a sweep; a coordinate update is then a BLAS dot and axpy instead of
        # centered loops, about twice as fast)
        if _grow(&S.XR, &S.xr_cap, <size_t> P.n * m, <size_t> P.n * m, sizeof(floating)):
            for i in range(m):
                _xcopy(P, S.W[i], (<floating*> S.XR) + <size_t> i * P.n)
            S.use_xr = True
    if S.gram:
        return _gram_block(P, S, w, g)
    return 0


cdef int _solve(Problem* P, floating* w, floating* R, floating* g, int* feats,
                int* supp, ScoreIdx* cand, Inner* S, int max_iter,
                double* gap_out) noexcept nogil:
    """Solve one problem from the warm start w. Returns the number of sweeps,
    -1 if memory ran out, -2 if interrupted (P.abort). R (naive) must hold y - X w on
    entry.

    Stops when the gap is <= P.tol, after max_iter sweeps, or when the gap of the full
    problem, below P.stall_gap, stalls (_stalled over outer iterations): the tolerance
    is then below what rounding lets the gap certify (tol = 0, say), and w is as good
    as the solver can make it; the caller tells it from n_iter < max_iter."""
    cdef int n_iter = 0, n_kept, n_supp, ws_size = 0, i, j, m
    cdef int n_screened = 0, outer = 0, n_viol, ws_cap = P.p
    cdef bint strong, use_strong, stop, plain = False
    cdef double gap, gap0, s, eps, gap_prev = INFINITY
    cdef StopState st
    cdef floating* norms = <floating*> P.norms
    cdef floating* wW = <floating*> S.wW

    # features with a zero column take the value of their bounds closest to 0
    if P.n_nz < P.p:
        for j in range(P.p):
            if norms[j] == 0:
                w[j] = <floating> _clip(0.0, _lo(P, j), _hi(P, j))
    n_kept = _all_features(P, feats)
    strong = P.l1_prev > P.l1 and P.l1 > 0
    _stop_init(&st, P.screening)
    if P.T == 0 and P.mode == NAIVE and not P.sparse and P.p > 2 * P.n:
        # dense p > n: working sets of at most 2 n features keep the inner solves on
        # G[W, W] (_inner_setup). At the saturated end of a loose path the strong
        # rule's set passes 2 n (a loose solve leaves more nonzeros than the rank of
        # X); the ranked candidates are taken instead, up to 2 n. The cap is lifted
        # for the rest of the solve once an outer iteration fails to halve the gap
        # (with violators left out of W, the gap can stall above a tight tol)
        ws_cap = 2 * P.n

    while True:
        n_kept = _gradient(P, w, R, g, feats, n_kept, supp, &n_supp, outer == 0, strong,
                           &n_screened)
        if n_kept < 0:
            return -1
        if _poll(&P.abort, <double> P.n * n_kept + P.p):
            return -2
        gap = _full_gap(P, w, R, g, feats, n_kept, &s)
        stop = _stop_now(&st, gap, P.tol, P.stall_gap, n_iter, max_iter)
        if stop and n_screened > 0:
            gap0 = gap
            gap = _check_left_out(P, w, R, g, feats, &n_kept, n_supp, supp, &n_screened,
                                  &s)
            stop = _stop_after_check(&st, gap, gap0, P.tol, P.gap_rnd, n_iter, max_iter)
        if stop:
            break
        if st.screen and P.l1 > 0:
            n_kept = _screen(P, w, R, g, feats, n_kept, supp, gap, s, &n_screened)
        if outer > 0 and gap > 0.5 * gap_prev:
            ws_cap = P.p
        gap_prev = gap

        # working set: support + strong-rule survivors, or the best-ranked candidates
        # (the strong rule's set is taken unless it is empty or passes the cap)
        use_strong = strong and outer == 0
        if use_strong:
            m = _strong_count(P, w, g, feats, n_kept)
            use_strong = 0 < m <= ws_cap
        plain = outer == 0
        m = _working_set(P, S, w, g, feats, n_kept, cand, s, use_strong, ws_cap,
                         &ws_size, &n_viol, &plain)
        if m == 0:
            # every feature was screened out (w = 0 is optimal), or nothing can enter
            # (rounding): report the gap of the full problem at w and stop
            gap = _gap_at(P, w, R, g, feats, supp)
            break
        if _inner_setup(P, S, w, R, g) < 0:
            return -1
        if outer == 0 and P.extrap > 0:
            _extrapolate(P, S, wW)

        # inner precision: celer's 0.3 * gap while features outside W still violate
        # the optimality conditions; the final tolerance once W holds every violator.
        # The strong rule's set is solved to 0.3 * gap too with residual updates (it
        # can miss features at every alpha of a path, found out only after the solve)
        if n_viol == 0 and not (use_strong and P.mode == NAIVE):
            eps = P.tol
        else:
            eps = max(0.3 * gap, P.tol)
        _count(P, T_OUTER, 1)
        _count(P, T_WS_SUM, m)
        if P.trace != NULL:
            P.trace[T_WS_MAX] = max(P.trace[T_WS_MAX], <double> m)
        _count(P, T_GRAM_INNER if S.gram else T_RES_INNER, 1)
        i = _inner_run(P, S, eps, max_iter - n_iter, wW, plain)
        if i < 0:
            return -1
        n_iter += i
        for i in range(m):
            w[S.W[i]] = wW[i]
        if plain:
            # (its first sweep may have gone back to w = 0: no gap to halve)
            gap_prev = INFINITY
        if P.abort.status:
            return -2
        # (the residual is recomputed from w at the top of the loop)
        outer += 1
    gap_out[0] = gap
    _count(P, T_SWEEPS, n_iter)
    # R and g now belong to w on every nonzero column: the next alpha starts from them
    P.fresh = True
    return n_iter
