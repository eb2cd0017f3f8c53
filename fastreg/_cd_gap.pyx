"""Duality gap and certification (see _cd_gap.pxd)."""
from cython cimport floating
from libc.math cimport fabs, sqrt, INFINITY

from ._blas cimport _copy, _gemv_t
from ._cd_problem cimport Problem, Inner, NAIVE
from ._cd_prox cimport _pf, _lo, _hi
from ._cd_common cimport _dsum_dot
from ._cd_columns cimport _sdot, _bdot, _qtdot, _xdot, _xdots, _all_features
from ._cd_passes cimport _full_grad


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


cdef void _inner_gaps(Problem* P, Inner* S, floating* wW, double* gap_W,
                      double* gap_A) noexcept nogil:
    """Duality gaps of the problem restricted to W and to its nonzero part A."""
    cdef int i
    cdef floating* g
    cdef floating wi
    cdef double RR = 0, Ry = 0, wb = 0, wq = 0, s_W, s_A, h_W = 0, h_A = 0, v, c
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
                               _bdot(P, <floating*> P.B, S.W[i], S.t))
        RR = _dsum_dot(P.n, <floating*> S.R, <floating*> S.R)
        Ry = _dsum_dot(P.n, <floating*> S.R, <floating*> P.y)
        for k in range(P.r):
            c = 0
            for i in range(S.m):
                c += <double> (<floating*> P.B)[<size_t> S.W[i] * P.r + k] * wW[i]
            RR += 2 * c * S.t[k] + c * c
    elif not S.gram:
        g = <floating*> S.gW
        if S.use_xr:
            # g = XR^T R
            _gemv_t(P.n, S.m, 1.0, <floating*> S.XR, P.n, <floating*> S.R, 0.0, g)
        else:
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
    # Rref = R
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
