"""Block coordinate descent of the multi-task kernel on a working set (see
_cd_multitask.pyx for the problem and the layouts): the block update of a row, sweeps,
the gaps of the problem restricted to W and to its nonzero rows, and the objective check
of an Anderson point. The solver loop that drives them is the single-task kernel's
(_cd_solver._inner_solve, for P.T > 0)."""
from cython cimport floating
from libc.math cimport sqrt

from ._blas cimport _copy
from ._cd_common cimport _dsum_dot, _next_pos
from ._cd_problem cimport Problem, Inner


cdef inline void _update(Problem* P, Inner* S, int i, floating* wW) noexcept nogil:
    """One block update of working-set position i (feature S.W[i])."""
    cdef int t, T = P.T
    cdef floating* w = wW + <size_t> i * T
    cdef floating* z = <floating*> S.z
    cdef floating* delta = <floating*> S.delta
    cdef floating d = (<floating*> S.dW)[i]
    cdef floating new
    cdef double nz, scale
    cdef bint changed = False
    if S.gram:
        for t in range(T):
            z[t] = (<floating*> S.qW)[i + <size_t> t * S.m]
    else:
        # z = R.T @ x_j
        _xtr(P.n, T, <floating*> S.R, _xcol(P, <floating*> P.X, S.W[i]), z)
    # z += ||x_j||^2 W_j
    for t in range(T):
        z[t] += d * w[t]
    nz = sqrt(_sq(T, z))
    if nz <= P.l1 or d + P.l2 <= 0:
        scale = 0
    else:
        scale = (1.0 - P.l1 / nz) / (d + P.l2)
    for t in range(T):
        new = <floating> (z[t] * scale)
        delta[t] = w[t] - new
        if delta[t] != 0:
            changed = True
        w[t] = new
    if changed:
        if S.gram:
            # Q_W += outer(G[W, j], W_j_old - W_j_new)
            _rank1(S.m, T, (<floating*> S.GW) + <size_t> i * S.m, delta,
                   <floating*> S.qW)
        else:
            # R += outer(x_j, W_j_old - W_j_new)
            _rank1(P.n, T, _xcol(P, <floating*> P.X, S.W[i]), delta, <floating*> S.R)


cdef void _sweep(Problem* P, Inner* S, const int* pos, int k, floating* wW) noexcept nogil:
    """One pass of block coordinate descent over the working-set positions pos[:k]."""
    cdef int t
    for t in range(k):
        _update(P, S, _next_pos(pos, k, t, P.random, &P.rng), wW)


cdef void _inner_gaps(Problem* P, Inner* S, floating* wW, double* gap_W,
                      double* gap_A) noexcept nogil:
    """Duality gaps of the problem restricted to W and to its nonzero rows A."""
    cdef int i, t, T = P.T
    cdef floating* g = NULL
    cdef floating* wi
    cdef floating* gi
    cdef double v, dn_A = 0, dn_W = 0, x2_A = 0, x2_W = 0, w_l21 = 0, w_l2sq = 0
    cdef double RR = 0, Ry = 0, wb = 0, wq = 0, wsq, gsq
    if not S.gram:
        g = <floating*> S.gW
        for i in range(S.m):
            # g[:, i] = R.T @ x_j
            _xtr(P.n, T, <floating*> S.R, _xcol(P, <floating*> P.X, S.W[i]), g + <size_t> i * T)
        RR = _dsum_dot(<size_t> P.n * T, <floating*> S.R, <floating*> S.R)
        Ry = _dsum_dot(<size_t> P.n * T, <floating*> S.R, <floating*> P.y)
    for i in range(S.m):
        wi = wW + <size_t> i * T
        if S.gram:
            # row i of Q_W, gathered
            gi = <floating*> S.z
            for t in range(T):
                gi[t] = (<floating*> S.qW)[i + <size_t> t * S.m]
        else:
            gi = g + <size_t> i * T
        v = _sq_shift(T, gi, P.l2, wi)
        gsq = _sq(T, gi)
        if v > dn_W:
            dn_W = v
        x2_W += gsq
        wsq = _sq(T, wi)
        if wsq > 0:
            if v > dn_A:
                dn_A = v
            x2_A += gsq
            w_l21 += sqrt(wsq)
            w_l2sq += wsq
            if S.gram:
                for t in range(T):
                    wb += <double> wi[t] * (<floating*> S.bW)[i + <size_t> t * S.m]
                wq += _dsum_dot(T, wi, gi)
    if S.gram:
        RR = P.yy - wb - wq
        Ry = P.yy - wb
        if RR < 0:
            RR = 0
    gap_W[0] = _gap(P.l1, P.l2, w_l21, w_l2sq, RR, Ry, sqrt(dn_W), x2_W)
    gap_A[0] = _gap(P.l1, P.l2, w_l21, w_l2sq, RR, Ry, sqrt(dn_A), x2_A)


cdef double _objective_change(Problem* P, Inner* S, floating* w0, floating* w1,
                              floating* v0, floating* v1) noexcept nogil:
    """P(W1) - P(W0) on W, from the residuals (naive) or Q_W (Gram) v0, v1 at W0, W1.

    Written with differences only, so that it stays accurate when W1 is close to W0:
    naive: 0.5 <R1 - R0, R1 + R0>; Gram: with Q1 = Q0 - G (W1 - W0),
    -<W1 - W0, Q0> + 0.5 <W1 - W0, G (W1 - W0)> = -0.5 <W1 - W0, Q0 + Q1>.
    """
    cdef int i, t, T = P.T
    cdef size_t k
    cdef double d = 0, dw
    for i in range(S.m):
        k = <size_t> i * T
        d += P.l1 * (sqrt(_sq(T, w1 + k)) - sqrt(_sq(T, w0 + k)))
        for t in range(T):
            d += 0.5 * P.l2 * (<double> w1[k + t] - w0[k + t]) * \
                (<double> w1[k + t] + w0[k + t])
            if S.gram:
                # (Q_W is (m, T))
                dw = <double> w1[k + t] - w0[k + t]
                d -= 0.5 * dw * (<double> v0[i + <size_t> t * S.m] + v1[i + <size_t> t * S.m])
    if not S.gram:
        for k in range(<size_t> P.n * T):
            d += 0.5 * (<double> v1[k] - v0[k]) * (<double> v1[k] + v0[k])
    return d


cdef void _anderson_accept(Problem* P, Inner* S, int nA, floating* wW) noexcept nogil:
    """Keep the Anderson point S.wacc (the solver loop's _anderson) if it lowers the
    objective on W: the residual (naive) or Q_W (Gram) at it, then the change."""
    cdef int t, i, c, T = P.T
    cdef floating* wacc = <floating*> S.wacc
    cdef floating* vacc = <floating*> S.vacc
    cdef floating* delta = <floating*> S.delta
    cdef floating* cur
    cdef bint moved
    # residual (naive) or Q_W (Gram) at W_acc
    if not S.gram:
        cur = <floating*> S.R
        # vacc = R
        _copy(P.n * T, cur, vacc)
    else:
        cur = <floating*> S.qW
        # vacc = Q_W
        _copy(S.m * T, cur, vacc)
    for t in range(nA):
        i = S.act[t]
        moved = False
        for c in range(T):
            delta[c] = wW[<size_t> i * T + c] - wacc[<size_t> i * T + c]
            if delta[c] != 0:
                moved = True
        if not moved:
            continue
        if not S.gram:
            # R_acc += outer(x_j, W_j - W_acc_j)
            _rank1(P.n, T, _xcol(P, <floating*> P.X, S.W[i]), delta, vacc)
        else:
            # Q_acc += outer(G[W, j], W_j - W_acc_j)
            _rank1(S.m, T, (<floating*> S.GW) + <size_t> i * S.m, delta, vacc)
    if _objective_change(P, S, wW, wacc, cur, vacc) < 0:
        # wW = wacc;  R (or Q_W) = vacc
        _copy(S.m * T, wacc, wW)
        _copy(P.n * T if not S.gram else S.m * T, vacc, cur)
