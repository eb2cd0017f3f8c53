"""The solver loop of one problem (see _cd_solver.pxd)."""
from cython cimport floating
from libc.math cimport fabs, sqrt, INFINITY
from libc.stdint cimport int64_t
from libc.stdlib cimport qsort
from libc.string cimport memcpy

from ._blas cimport _axpy, _copy, _gemv_n
from ._cd_common cimport ScoreIdx, _select_smallest, _cmp_int, _grow
from ._cd_problem cimport (
    Problem, Inner, NAIVE, GRAM, ANDERSON_K, WS_MIN, NEWTON_MAX,
)
from ._cd_prox cimport _clip, _pf, _lo, _hi, _veff
from ._cd_columns cimport _gcol, _qtdot, _xaxpy, _all_features, _support
from ._cd_passes cimport _residual, _full_grad
from ._cd_gram cimport _sparse_block, _ensure_cols, _slot_block
from ._cd_gap cimport _full_gap, _inner_gaps, _gap_plain_scale, _ref_set, _all_grad, _certify
from ._cd_inner cimport _sweep, _anderson, _extrapolate
from ._cd_exact cimport _newton


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
