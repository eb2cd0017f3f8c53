"""Inner coordinate descent, the objective check of an Anderson point and path
extrapolation (see _cd_inner.pxd)."""
from cython cimport floating
from libc.math cimport fabs
from libc.stdint cimport int64_t

from ._blas cimport _axpy, _copy, _dot
from ._cd_common cimport _rand_int
from ._cd_problem cimport Problem, Inner
from ._cd_prox cimport _prox, _clip
from ._cd_columns cimport _sdot, _bdot, _qtdot, _xdot, _saxpy, _xaxpy


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
    elif S.use_xr:
        # R -= (new - old) * x~_j  (the centered copy)
        _axpy(P.n, old - new, (<floating*> S.XR) + <size_t> i * P.n, <floating*> S.R)
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
    elif S.use_xr:
        z = <floating> _dot(P.n, (<floating*> S.XR) + <size_t> i * P.n,
                            <floating*> S.R) + dW[i] * old
    elif P.sparse:
        # sparse residual R_s = y - X w with t = Q^T R_s (the residual is R_s + Q B w):
        # x~_j @ R = x_j @ R_s - B_j @ t
        z = <floating> (_sdot(P, j, <floating*> S.R) - _bdot(P, <floating*> P.B, j, S.t)) + \
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


cdef inline void _sparse_sweep(Problem* P, Inner* S, const int* pos, int k,
                               floating* wW) noexcept nogil:
    """_sweep on a sparse X with residual updates: the arithmetic of _update and
    _apply, in one loop without their per-coordinate dispatch (on we8there's short
    columns, 27 nonzeros on average, a coordinate update takes ~25 ns, and the call
    and branches were a measurable part of it)."""
    cdef floating* data = <floating*> P.Xdata
    cdef floating* B = <floating*> P.B
    cdef int* ind = P.Xind
    cdef int64_t* ptr = P.Xptr
    cdef floating* R = <floating*> S.R
    cdef floating* dW = <floating*> S.dW
    cdef double* tQ = S.t
    cdef bint positive = P.positive, box = P.box
    cdef int t, i, j, c, r = P.r
    cdef int64_t kk
    cdef floating old, new, z, d
    for t in range(k):
        i = pos[t]
        j = S.W[i]
        old = wW[i]
        # x~_j @ R = x_j @ R_s - B_j @ t  (R_s = y - X w, t = Q^T R_s)
        z = <floating> (_sdot(P, j, R) - _bdot(P, B, j, tQ)) + dW[i] * old
        new = _prox(z, S.l1W[i], dW[i] + S.l2W[i], positive)
        if box:
            new = <floating> _clip(new, S.loW[i], S.hiW[i])
        if new != old:
            wW[i] = new
            # R_s -= (new - old) * x_j (its nonzeros only);  t -= (new - old) * B_j
            d = new - old
            for kk in range(ptr[j], ptr[j + 1]):
                R[ind[kk]] -= d * data[kk]
            for c in range(r):
                tQ[c] -= (<double> new - old) * B[<size_t> j * r + c]


cdef void _sweep(Problem* P, Inner* S, const int* pos, int k, floating* wW) noexcept nogil:
    """One pass of coordinate descent over the working-set positions pos[:k]."""
    cdef int t, _t
    if P.sparse and not S.gram and not S.use_xr and not P.random:
        _sparse_sweep(P, S, pos, k, wW)
    elif P.random:
        for _t in range(k):
            _update(P, S, pos[_rand_int(k, &P.rng)], wW)
    else:
        for t in range(k):
            _update(P, S, pos[t], wW)


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


cdef void _anderson_accept(Problem* P, Inner* S, int nA, floating* wW) noexcept nogil:
    """Keep the Anderson point S.wacc (the solver loop's _anderson) if it respects the
    bounds and lowers the objective on W: the residual (naive) or q_W (Gram) at it,
    then the change."""
    cdef int t, i
    cdef floating* wacc = <floating*> S.wacc
    cdef floating* vacc = <floating*> S.vacc
    cdef floating* cur = <floating*> (S.qW if S.gram else S.R)
    cdef floating delta
    if P.positive or P.box:
        for t in range(nA):
            i = S.act[t]
            if (P.positive and wacc[i] < 0) or (P.box and (wacc[i] < S.loW[i] or
                                                           wacc[i] > S.hiW[i])):
                return
    # vacc = R (naive) or qW (Gram), then moved to w_acc
    _copy(S.m if S.gram else P.n, cur, vacc)
    for t in range(nA):
        i = S.act[t]
        delta = wacc[i] - wW[i]
        if delta == 0:
            continue
        if S.gram:
            # vacc -= delta * G[W, W[i]]
            _axpy(S.m, -delta, (<floating*> S.GW) + <size_t> i * S.m, vacc)
        elif P.sparse:
            _saxpy(P, S.W[i], -delta, vacc)   # sparse residual R_s
        else:
            _xaxpy(P, S.W[i], -delta, vacc)
    if _objective_change(P, S, wW, wacc, cur, vacc) < 0:
        # wW = wacc;  R (or qW) = vacc
        _copy(S.m, wacc, wW)
        _copy(P.n if not S.gram else S.m, vacc, cur)
        if P.sparse and not S.gram:
            _qtdot(P, cur, S.t)


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
