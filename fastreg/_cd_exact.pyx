"""The exact active-set solve (see _cd_exact.pxd)."""
from cython cimport floating
from libc.math cimport fabs, INFINITY
from libc.stdlib cimport malloc, free

from scipy.linalg.cython_blas cimport dtrsv, dtrsm, dsyrk
from scipy.linalg.cython_lapack cimport dposv, dsyev, dpotrf

from ._blas cimport _dot, _axpy, _copy, _syrk_t
from ._cd_problem cimport Problem, Inner, NEWTON_ROUNDS
from ._cd_columns cimport _sdot, _bdot, _qtdot, _saxpy, _xcopy
from ._cd_gram cimport _sparse_block
from ._cd_inner cimport _objective_change


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
