"""The exact active-set solve (see _cd_exact.pxd).

Once the support and the signs s of w_A settle, the solution on a working set solves
the linear system (G_AA + l2 I) w_A = X_A^T y - l1 s_A (w = 0 elsewhere on W), solved by
Cholesky in double precision: from a factor kept and extended between solves in Gram
inner mode (_chol_solve; along an elastic-net path, whose l2 changes with every alpha,
the factor of a nearby l2 preconditions conjugate gradients), else by LAPACK's dposv.
"""
from cython cimport floating
from libc.math cimport fabs, sqrt, INFINITY
from ._cd_pool cimport _pool_alloc, _pool_free

from scipy.linalg.cython_blas cimport dtrsv, dtrsm, dsyrk, ddot, dnrm2
from scipy.linalg.cython_lapack cimport dposv, dsyev, dpotrf

from ._blas cimport _dot, _axpy, _copy, _syrk_t
from ._cd_problem cimport Problem, Inner, NEWTON_ROUNDS
from ._cd_columns cimport _sdot, _bdot, _qtdot, _saxpy, _xcopy
from ._cd_gram cimport _sparse_block
from ._cd_inner cimport _objective_change


# the relative residual at which _chol_cg stops
cdef double CG_RTOL = 1e-12


cdef bint _pivot_null_direction(double* H, int k, double* d) noexcept nogil:
    """d = a unit null vector of the Gram matrix H = X_K^T X_K (k x k, both triangles
    stored; destroyed) from the pivot where its Cholesky factorization fails: column r
    of H is then (to rounding) a combination of the first r, G_FF c = G_Fr, so that
    d = (c, -1, 0, ...) has d^T H d = the failed pivot ~ 0, i.e. X_K d ~ 0 and H d ~ 0.
    Two factorizations of at most k^3 / 3 flops, against the ~9 k^3 of the
    eigendecomposition (_null_direction, the fallback): on the saturated end of a wide
    path (support at the rank of X, k ~ 500) the latter took 40% of the path's time.
    False if H is positive definite or the pivot is not at rounding level."""
    cdef char lo = b'L'
    cdef char nt = b'N'
    cdef char tr = b'T'
    cdef int info = 0, r, i, one = 1
    cdef double piv, nrm = 0
    cdef double* C = <double*> _pool_alloc(<size_t> k * k * sizeof(double))
    if C == NULL or k <= 0:
        _pool_free(C)
        return False
    for i in range(k * k):
        C[i] = H[i]
    # H[:, :] = numpy.linalg.cholesky(H)  (lower; fails at the first non-positive pivot)
    dpotrf(&lo, &k, H, &k, &info)
    if info <= 0:
        _pool_free(C)
        return False
    r = info - 1
    if r > 0:
        # C[:r, :r] = numpy.linalg.cholesky(C[:r, :r])  (the upper triangle of C, and so
        # C[:r, r] = G_Fr, is left as it was)
        dpotrf(&lo, &r, C, &k, &info)
        if info != 0:
            _pool_free(C)
            return False
    for i in range(r):
        d[i] = C[i + <size_t> r * k]
    # the pivot: G_rr - G_rF G_FF^-1 G_Fr; d[:r] = c = G_FF^-1 G_Fr
    piv = C[r + <size_t> r * k]
    if r > 0:
        dtrsv(&lo, &nt, &nt, &r, C, &k, d, &one)
        for i in range(r):
            piv -= d[i] * d[i]
        dtrsv(&lo, &tr, &nt, &r, C, &k, d, &one)
    if fabs(piv) > 1e-8 * fabs(C[r + <size_t> r * k]):
        _pool_free(C)
        return False
    d[r] = -1.0
    for i in range(r + 1, k):
        d[i] = 0
    for i in range(k):
        nrm += d[i] * d[i]
    nrm = sqrt(nrm)
    for i in range(k):
        d[i] /= nrm
    _pool_free(C)
    return True


cdef bint _null_direction(double* H, int k, double* d) noexcept nogil:
    """d = a unit vector of the null space of the symmetric positive semi-definite H
    (k x k, destroyed), if H is singular (smallest eigenvalue <= 1e-10 of the largest)."""
    cdef char jobz = b'V'
    cdef char uplo = b'L'
    cdef int info = 0, lwork = 3 * k, i
    cdef double* evals = <double*> _pool_alloc(<size_t> k * sizeof(double))
    cdef double* work = <double*> _pool_alloc(<size_t> lwork * sizeof(double))
    cdef bint found = False
    if evals != NULL and work != NULL and k > 0:
        # evals, H[:, :] = numpy.linalg.eigh(H)  (ascending eigenvalues)
        dsyev(&jobz, &uplo, &k, H, &k, evals, work, &lwork, &info)
        if info == 0 and evals[0] <= 1e-10 * fabs(evals[k - 1]):
            for i in range(k):
                d[i] = H[i]          # eigenvector of the smallest eigenvalue
            found = True
    _pool_free(evals)
    _pool_free(work)
    return found


# ------------------------------------------------------------------ kept Cholesky factor

cdef void _chol_truncate(Inner* S, int r) noexcept nogil:
    """Keep the factor of the first r features of the cache (a leading block of a
    Cholesky factor is the factor of the leading block)."""
    cdef int i
    for i in range(r, S.chol_k):
        S.chol_pos[S.chol_f[i]] = -1
    if r < S.chol_k:
        S.chol_k = r


cdef void _chol_delete(Inner* S, int j) noexcept nogil:
    """Remove the feature at cache position j from the factor: the rows below it keep
    their first j columns, and the trailing block L33 becomes the factor of
    L33 L33^T + l l^T (l = L[j+1:, j], a rank-one update by rotations, O((k - j)^2)),
    moved up and left by one."""
    cdef double* L = S.chol_L
    cdef int ld = S.chol_cap, k = S.chol_k, a, b, i
    cdef double rr, cc, ss, li, xl
    cdef double* x = L + j + 1 + <size_t> j * ld      # l, overwritten
    cdef double* col
    # the rank-one update of L33 (rows and columns j+1..k-1), in place
    for i in range(j + 1, k):
        col = L + <size_t> i * ld
        li = col[i]
        xl = x[i - j - 1]
        rr = sqrt(li * li + xl * xl)
        cc = rr / li
        ss = xl / li
        col[i] = rr
        for a in range(i + 1, k):
            col[a] = (col[a] + ss * x[a - j - 1]) / cc
            x[a - j - 1] = cc * x[a - j - 1] - ss * col[a]
    # the first j columns: rows j+1.. up by one
    for b in range(j):
        col = L + <size_t> b * ld
        for a in range(j, k - 1):
            col[a] = col[a + 1]
    # columns j+1.. to the left (and rows up) by one
    for b in range(j, k - 1):
        col = L + <size_t> b * ld
        for a in range(b, k - 1):
            col[a] = L[a + 1 + <size_t> (b + 1) * ld]
    S.chol_pos[S.chol_f[j]] = -1
    for i in range(j, k - 1):
        S.chol_f[i] = S.chol_f[i + 1]
        S.chol_pos[S.chol_f[i]] = i
    S.chol_k = k - 1


cdef void _chol_keep(Inner* S, const int* posK, int k) noexcept nogil:
    """Remove from the cache the features not in K: by rank-one updates
    (_chol_delete), unless they are so many that appending the rows after the first
    of them again costs less; then truncate the cache to its longest prefix in K."""
    cdef int c, r = 0, pj, out = 0
    cdef double cost = 0
    for c in range(k):
        S.inK[posK[c]] = 1
    while r < S.chol_k:
        pj = S.wpos[S.chol_f[r]]
        if pj < 0 or S.inK[pj] == 0:
            break
        r += 1
    for c in range(r, S.chol_k):
        pj = S.wpos[S.chol_f[c]]
        if pj < 0 or S.inK[pj] == 0:
            out += 1
            # the rotations of its trailing block, the rows and columns moved
            cost += <double> (S.chol_k - c) * (S.chol_k - c) + 0.5 * S.chol_k * S.chol_k
    if out > 0 and cost <= 0.125 * (S.chol_k - r) * S.chol_k * S.chol_k:
        # (appending the k - r rows again costs about (k - r) k^2 / 2 multiply-adds,
        # BLAS 3 at a few times the speed of the rotations)
        c = S.chol_k - 1
        while c >= r:
            pj = S.wpos[S.chol_f[c]]
            if pj < 0 or S.inK[pj] == 0:
                _chol_delete(S, c)
            c -= 1
        r = S.chol_k
    for c in range(k):
        S.inK[posK[c]] = 0
    _chol_truncate(S, r)


cdef bint _chol_reserve(Problem* P, Inner* S, int k) noexcept nogil:
    """Room for a k x k factor (the kept part copied over). False if memory ran out."""
    cdef int c, i, new_cap
    cdef double* grown
    if k <= S.chol_cap:
        return True
    new_cap = max(k, 2 * S.chol_cap)
    if new_cap > P.p:
        new_cap = P.p
    grown = <double*> _pool_alloc(<size_t> new_cap * new_cap * sizeof(double))
    if grown == NULL:
        return False
    for c in range(S.chol_k):
        for i in range(c, S.chol_k):
            grown[i + <size_t> c * new_cap] = S.chol_L[i + <size_t> c * S.chol_cap]
    _pool_free(S.chol_L)
    S.chol_L = grown
    S.chol_cap = new_cap
    return True


cdef bint _chol_factor(Inner* S, const floating* GW, const int* posK,
                       int k) noexcept nogil:
    """The factor of G_KK + l2 I afresh (one blocked factorization, LAPACK), in the
    order of posK. False if it is not positive definite."""
    cdef double* L = S.chol_L
    cdef int c, i, j, pj, info = 0
    cdef char lo = b'L'
    _chol_truncate(S, 0)
    for c in range(k):
        pj = posK[c]
        for i in range(c, k):
            L[i + <size_t> c * S.chol_cap] = GW[posK[i] + <size_t> pj * S.m]
        L[c + <size_t> c * S.chol_cap] += S.l2W[pj]
    # L[:k, :k] = numpy.linalg.cholesky(G_KK + l2 I)  (lower triangle)
    dpotrf(&lo, &k, L, &S.chol_cap, &info)
    if info != 0:
        return False
    for c in range(k):
        j = S.W[posK[c]]
        S.chol_f[c] = j
        S.chol_pos[j] = c
    S.chol_k = k
    return True


cdef bint _chol_append(Problem* P, Inner* S, const floating* GW, const int* posK,
                       int k) noexcept nogil:
    """Append the features of K not in the cache, as one block: with the cached factor
    L11 of the features F, L21 = G_NF L11^-T (a triangular solve, BLAS 3) and L22 the
    factor of G_NN + l2 I - L21 L21^T, at the factor's own l2 (S.chol_l2). False if a
    pivot is not positive."""
    cdef double* L = S.chol_L
    cdef double shift = 1.0 if S.chol_l2 == P.l2 else S.chol_l2 / P.l2
    cdef double* L21
    cdef double* L22
    cdef int c, i, j, pj, q = 0, info = 0, r = S.chol_k, ld = S.chol_cap
    cdef double done = 1.0, dminus = -1.0
    cdef char rs = b'R'
    cdef char lo = b'L'
    cdef char nt = b'N'
    cdef char tr = b'T'
    for c in range(k):
        j = S.W[posK[c]]
        if S.chol_pos[j] < 0:
            S.chol_f[r + q] = j
            q += 1
    if q == 0:
        return True
    L21 = L + r
    L22 = L + r + <size_t> r * ld
    for c in range(q):
        pj = S.wpos[S.chol_f[r + c]]
        for i in range(r):
            L21[c + <size_t> i * ld] = GW[S.wpos[S.chol_f[i]] + <size_t> pj * S.m]
        for i in range(c, q):
            L22[i + <size_t> c * ld] = GW[S.wpos[S.chol_f[r + i]] + <size_t> pj * S.m]
        L22[c + <size_t> c * ld] += S.l2W[pj] if shift == 1.0 else S.l2W[pj] * shift
    if r > 0 and q <= APPEND_TRSV:
        # row by row (a few rows: DTRSM would first copy all of L11)
        for c in range(q):
            # L21[c, :] = inv(L11) @ L21[c, :]
            dtrsv(&lo, &nt, &nt, &r, L, &ld, L21 + c, &ld)
    elif r > 0:
        # L21 = L21 @ inv(L11).T
        dtrsm(&rs, &lo, &tr, &nt, &q, &r, &done, L, &ld, L21, &ld)
    if r > 0:
        # L22 -= L21 @ L21.T  (lower triangle)
        dsyrk(&lo, &nt, &q, &r, &dminus, L21, &ld, &done, L22, &ld)
    # L22 = numpy.linalg.cholesky(L22)  (lower triangle)
    dpotrf(&lo, &q, L22, &ld, &info)
    if info != 0:
        return False
    for c in range(q):
        S.chol_pos[S.chol_f[r + c]] = r + c
    S.chol_k = r + q
    return True


cdef inline void _scaled_solves(Inner* S, const double* d, int k, const double* v,
                                double* out) noexcept nogil:
    """out = inv(L) @ (d * inv(L.T) @ v) for the kept factor L (k x k)."""
    cdef int c, one = 1
    cdef char lo = b'L'
    cdef char nt = b'N'
    cdef char tr = b'T'
    for c in range(k):
        out[c] = v[c]
    dtrsv(&lo, &tr, &nt, &k, S.chol_L, &S.chol_cap, out, &one)
    for c in range(k):
        out[c] *= d[c]
    dtrsv(&lo, &nt, &nt, &k, S.chol_L, &S.chol_cap, out, &one)


cdef bint _chol_cg(Problem* P, Inner* S, const floating* GW, int k,
                   double* x) noexcept nogil:
    """x = (G_KK + l2 I)^-1 x for the cached features K (in cache order), from the
    kept factor L L^T = M = G_KK + l2' I of a nearby l2' (_chol_near): with
    D = M - (G_KK + l2 I) (diagonal, (l2' - l2) times the penalty factors),
    G_KK + l2 I = L (I - L^-1 D L^-T) L^T, and the middle system is solved by
    conjugate gradients, two triangular solves per iteration (O(k^2)); its matrix
    differs from I by at most |l2' - l2| / l2': each iteration gains two digits or
    more at the ~7% steps of the default grid. Stops at a relative residual of
    CG_RTOL; False if that is not reached in CG_MAX iterations (or memory ran
    out), x then unchanged."""
    cdef double* d = <double*> _pool_alloc(5 * <size_t> k * sizeof(double))
    cdef double* r
    cdef double* u
    cdef double* q
    cdef double* b
    cdef int c, it, one = 1
    cdef double cn, rr, rr_new, pq, step, ratio = S.chol_l2 / P.l2 - 1.0
    cdef char lo = b'L'
    cdef char nt = b'N'
    cdef char tr = b'T'
    cdef bint ok = False
    if d == NULL:
        return False
    r = d + k
    u = r + k
    q = u + k
    b = q + k
    for c in range(k):
        d[c] = S.l2W[S.wpos[S.chol_f[c]]] * ratio
        b[c] = x[c]
    # x = inv(L) @ b: the middle system's right-hand side, and its first iterate
    dtrsv(&lo, &nt, &nt, &k, S.chol_L, &S.chol_cap, x, &one)
    cn = dnrm2(&k, x, &one)
    # r = inv(L) @ (d * inv(L.T) @ x)  (the residual of that iterate)
    _scaled_solves(S, d, k, x, r)
    for c in range(k):
        u[c] = r[c]
    rr = ddot(&k, r, &one, r, &one)
    for it in range(CG_MAX + 1):
        if rr <= CG_RTOL * CG_RTOL * cn * cn:
            ok = True
            break
        if it == CG_MAX:
            break
        # q = u - inv(L) @ (d * inv(L.T) @ u)
        _scaled_solves(S, d, k, u, q)
        for c in range(k):
            q[c] = u[c] - q[c]
        pq = ddot(&k, u, &one, q, &one)
        if not pq > 0:
            break
        step = rr / pq
        for c in range(k):
            x[c] += step * u[c]
            r[c] -= step * q[c]
        rr_new = ddot(&k, r, &one, r, &one)
        for c in range(k):
            u[c] = r[c] + (rr_new / rr) * u[c]
        rr = rr_new
    if ok:
        # x = inv(L.T) @ x
        dtrsv(&lo, &tr, &nt, &k, S.chol_L, &S.chol_cap, x, &one)
    else:
        for c in range(k):
            x[c] = b[c]
    _pool_free(d)
    return ok


cdef bint _chol_solve(Problem* P, Inner* S, const floating* GW, const int* posK, int k,
                      double* b, double* x) noexcept nogil:
    """x = (G_KK + l2 I)^-1 b for the working-set positions posK[:k] (b, x in that
    order; GW = G[W, W]), from the cached factor, updated: the cache drops the features no
    longer in K (_chol_keep) and appends the others (_chol_append, O(k^2) per
    row), so that along a path, where the active set changes by a few features per
    alpha, an exact solve costs O(k^2) instead of the O(k^3) of a factorization. A
    factor made at a nearby l2 (an elastic-net path: l2 changes with alpha) is kept
    and extended at its own l2, and preconditions conjugate gradients (_chol_cg);
    when they do not converge, the factor is made afresh at this l2.
    False when a pivot is not safely positive (G_KK singular or nearly so) or memory
    runs out; the caller then factors afresh.
    """
    cdef int c, one = 1
    cdef char lo = b'L'
    cdef char nt = b'N'
    cdef char tr = b'T'
    if not _chol_near(P, S):
        _chol_truncate(S, 0)
        S.chol_l2 = P.l2
    _chol_keep(S, posK, k)
    if not _chol_reserve(P, S, k):
        return False
    if 3 * (k - S.chol_k) > k:
        # (many rows to add: one blocked factorization beats row appends)
        if not _chol_factor(S, GW, posK, k):
            return False
        S.chol_l2 = P.l2
    if not _chol_append(P, S, GW, posK, k):
        return False
    # K is now exactly the cached features (in cache order): solve L L^T x = b
    for c in range(k):
        x[S.chol_pos[S.W[posK[c]]]] = b[c]
    if S.chol_l2 != P.l2 and not _chol_cg(P, S, GW, k, x):
        if not _chol_factor(S, GW, posK, k):
            return False
        S.chol_l2 = P.l2
        for c in range(k):
            x[S.chol_pos[S.W[posK[c]]]] = b[c]
    if S.chol_l2 == P.l2:
        # x = inv(L) @ x;  x = inv(L.T) @ x
        dtrsv(&lo, &nt, &nt, &k, S.chol_L, &S.chol_cap, x, &one)
        dtrsv(&lo, &tr, &nt, &k, S.chol_L, &S.chol_cap, x, &one)
    # back to the order of posK (b is free now)
    for c in range(k):
        b[c] = x[S.chol_pos[S.W[posK[c]]]]
    for c in range(k):
        x[c] = b[c]
    return True


# ------------------------------------------------------------------ active-set rounds

cdef inline void _system_matrix(Inner* S, const floating* GW, const floating* GA,
                                const int* idx, int k, int nA, double* H) noexcept nogil:
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


cdef void _active_system(Problem* P, Inner* S, int nA, floating* wW, floating* XA,
                         floating* GA, double* xty, int* feats) noexcept nogil:
    """xty = X_A^T y for the active positions S.act[:nA], and in residual inner mode
    G_AA (GA, and the dense columns XA): X_A^T y = X_A^T R + G_AA w_A. feats: (nA,)
    scratch."""
    cdef int a, b
    if not S.gram and P.sparse:
        # G_AA from the sparse columns
        for b in range(nA):
            feats[b] = S.W[S.act[b]]
        _sparse_block(P, feats, nA, GA)
    elif not S.gram:
        for b in range(nA):
            _xcopy(P, S.W[S.act[b]], XA + <size_t> b * P.n)
        # GA = XA.T @ XA
        _syrk_t(nA, P.n, XA, P.n, GA, nA)
    for b in range(nA):
        if S.gram:
            xty[b] = (<floating*> S.bW)[S.act[b]]
            continue
        if P.sparse:
            # x~_j^T R = x_j^T R_s - B_j^T t
            xty[b] = _sdot(P, S.W[S.act[b]], <floating*> S.R) - \
                _bdot(P, <floating*> P.B, S.W[S.act[b]], S.t)
        else:
            # xty[b] = XA[:, b] @ R
            xty[b] = _dot(P.n, XA + <size_t> b * P.n, <floating*> S.R)
        for a in range(nA):
            xty[b] += <double> GA[a + <size_t> b * nA] * wW[S.act[a]]


cdef int _null_step(Inner* S, const floating* GW, const floating* GA, int nA,
                    double* H, double* z, double* cur, int* idx, int k) noexcept nogil:
    """G_KK + l2 I (in H) is singular: l2 = 0 and more active features than the rank
    of X_K (e.g. n features of centered data, of rank n - 1), where coordinate descent
    crawls. Along a null direction d of G_KK the fit X w does not change and the L1
    term is linear: step along d in its descending sense until a coefficient reaches 0
    (it leaves K). Returns the new size of K, or -1 when there is no such step."""
    cdef int c, hit = -1, kk = 0
    cdef double slope = 0, t = INFINITY, wi
    if not _pivot_null_direction(H, k, z):
        _system_matrix(S, GW, GA, idx, k, nA, H)
        if not _null_direction(H, k, z):
            return -1
    for c in range(k):
        slope += S.l1W[S.act[idx[c]]] * (1.0 if cur[idx[c]] > 0 else -1.0) * z[c]
    if slope > 0:
        for c in range(k):
            z[c] = -z[c]
    for c in range(k):
        wi = cur[idx[c]]
        if wi * z[c] < 0 and -wi / z[c] < t:
            t = -wi / z[c]
            hit = c
    if hit < 0:
        return -1
    for c in range(k):
        if c == hit:
            cur[idx[c]] = 0          # reached zero: leaves the active set
        else:
            cur[idx[c]] += t * z[c]
            idx[kk] = idx[c]
            kk += 1
    return kk


cdef int _partial_step(const double* z, double* cur, int* idx, int k,
                       double* t_out) noexcept nogil:
    """Step from cur towards the system's solution z on K = idx[:k], stopping where a
    coefficient would change sign (the objective is that system's quadratic along the
    step, so the partial step decreases it too); that coefficient leaves K. Returns
    the new size of K; t_out receives the step (1: the full step)."""
    cdef int c, kk = 0
    cdef double t = 1.0, wi
    for c in range(k):
        wi = cur[idx[c]]
        if z[c] * wi <= 0:
            t = min(t, wi / (wi - z[c]))
    for c in range(k):
        wi = cur[idx[c]]
        wi = wi + t * (z[c] - wi)
        if t < 1 and wi * cur[idx[c]] <= 1e-14 * cur[idx[c]] * cur[idx[c]]:
            cur[idx[c]] = 0          # reached zero: leaves the active set
        else:
            cur[idx[c]] = wi
            idx[kk] = idx[c]
            kk += 1
    t_out[0] = t
    return kk


cdef bint _accept(Problem* P, Inner* S, int nA, const double* cur, const floating* XA,
                  floating* wW) noexcept nogil:
    """Move w_W to the exact solve's point (cur on the active positions) if that lowers
    the objective, with q_W (Gram) or the residual (naive) brought along."""
    cdef floating* GW = <floating*> S.GW
    cdef floating* wacc = <floating*> S.wacc
    cdef floating* vacc = <floating*> S.vacc
    cdef floating delta
    cdef int b, i
    cdef bint ok
    for i in range(S.m):
        wacc[i] = wW[i]
    for b in range(nA):
        wacc[S.act[b]] = <floating> cur[b]
    if S.gram:
        # vacc = qW (q_W at the new point below)
        _copy(S.m, <floating*> S.qW, vacc)
        for b in range(nA):
            i = S.act[b]
            delta = wacc[i] - wW[i]
            if delta != 0:
                # vacc -= delta * G[W, W[i]]
                _axpy(S.m, -delta, GW + <size_t> i * S.m, vacc)
        ok = _objective_change(P, S, wW, wacc, <floating*> S.qW, vacc) < 0
        if ok:
            # qW = vacc
            _copy(S.m, vacc, <floating*> S.qW)
    else:
        # vacc = R (the residual at the new point below)
        _copy(P.n, <floating*> S.R, vacc)
        for b in range(nA):
            delta = wacc[S.act[b]] - wW[S.act[b]]
            if delta != 0:
                if P.sparse:
                    _saxpy(P, S.W[S.act[b]], -delta, vacc)   # sparse residual R_s
                else:
                    # vacc -= delta * XA[:, b]
                    _axpy(P.n, -delta, XA + <size_t> b * P.n, vacc)
        ok = _objective_change(P, S, wW, wacc, <floating*> S.R, vacc) < 0
        if ok:
            # R = vacc
            _copy(P.n, vacc, <floating*> S.R)
            if P.sparse:
                _qtdot(P, <floating*> S.R, S.t)
    if ok:
        # wW = wacc
        _copy(S.m, wacc, wW)
    return ok


cdef inline void _free_scratch(double* H, double* z, double* xty, double* cur, double* zb,
                               int* idx, int* posK, void* XA, void* GA) noexcept nogil:
    _pool_free(H)
    _pool_free(z)
    _pool_free(xty)
    _pool_free(cur)
    _pool_free(zb)
    _pool_free(idx)
    _pool_free(posK)
    _pool_free(XA)
    _pool_free(GA)


cdef bint _newton(Problem* P, Inner* S, int nA, floating* wW) noexcept nogil:
    """Exact solve on the active positions S.act[:nA], for the current sign pattern.

    The system (G_AA + l2 I) w_A = X_A^T y - l1 s_A is solved (kept factor, else
    dposv); the step towards its solution stops where a coefficient would change sign,
    that coefficient leaves A and the system is solved again, up to NEWTON_ROUNDS times
    (an active-set method); a singular system takes a null step instead. The result is
    kept if the objective decreased; the duality gap checked after it decides whether
    it is the solution (the caller goes on with coordinate descent otherwise). G_AA
    comes from G[W, W] (Gram inner mode) or from X_A^T X_A (residual inner mode).
    """
    cdef int b, c, _round, info = 0, one = 1, k
    cdef char uplo = b'L'
    cdef floating* GW = <floating*> S.GW
    cdef floating* XA = NULL
    cdef floating* GA = NULL
    cdef double* H = <double*> _pool_alloc(<size_t> nA * nA * sizeof(double))
    cdef double* z = <double*> _pool_alloc(<size_t> nA * sizeof(double))
    cdef double* xty = <double*> _pool_alloc(<size_t> nA * sizeof(double))
    cdef double* cur = <double*> _pool_alloc(<size_t> nA * sizeof(double))
    cdef int* idx = <int*> _pool_alloc(<size_t> nA * sizeof(int))
    cdef int* posK = <int*> _pool_alloc(<size_t> nA * sizeof(int))
    cdef double* zb = <double*> _pool_alloc(<size_t> nA * sizeof(double))
    cdef double t
    cdef bint ok = False
    if posK == NULL or zb == NULL or S.chol_f == NULL:
        _pool_free(posK)
        _pool_free(zb)
        posK = NULL
        zb = NULL
    if not S.gram:
        if not P.sparse:
            XA = <floating*> _pool_alloc(<size_t> nA * P.n * sizeof(floating))
        GA = <floating*> _pool_alloc(<size_t> nA * nA * sizeof(floating))
    if H == NULL or z == NULL or xty == NULL or cur == NULL or idx == NULL or \
            (not S.gram and ((XA == NULL and not P.sparse) or GA == NULL)):
        _free_scratch(H, z, xty, cur, zb, idx, posK, XA, GA)
        return False
    _active_system(P, S, nA, wW, XA, GA, xty, idx)
    # the starting point, and K = its nonzero positions
    k = 0
    for b in range(nA):
        cur[b] = wW[S.act[b]]
        if cur[b] != 0:
            idx[k] = b
            k += 1
    for _round in range(NEWTON_ROUNDS):
        # (G_KK + l2 I) z = X_K^T y - l1 s_K on the remaining positions K = idx[:k]
        _system_rhs(S, xty, cur, idx, k, z)
        info = 1
        if S.gram and posK != NULL:
            # from the factor kept between solves, when it can be extended
            for c in range(k):
                posK[c] = S.act[idx[c]]
                zb[c] = z[c]
            if _chol_solve(P, S, GW, posK, k, zb, z):
                info = 0
            else:
                _system_rhs(S, xty, cur, idx, k, z)
        if info != 0:
            _system_matrix(S, GW, GA, idx, k, nA, H)
            info = 0
            # z = numpy.linalg.solve(H, z)  (Cholesky)
            dposv(&uplo, &k, &one, H, &k, z, &k, &info)
        if info != 0:
            _system_matrix(S, GW, GA, idx, k, nA, H)
            k = _null_step(S, GW, GA, nA, H, z, cur, idx, k)
            if k < 0:
                break
            ok = True
            if k == 0:
                break
            continue
        k = _partial_step(z, cur, idx, k, &t)
        ok = True
        if t >= 1 or k == 0:
            break
    if ok:
        ok = _accept(P, S, nA, cur, XA, wW)
    _free_scratch(H, z, xty, cur, zb, idx, posK, XA, GA)
    return ok


# ------------------------------------------------------------------ test hook

def _factor_ops(G, pf, ops):
    """Test hook: run the kept factor's operations on the Gram matrix G (p x p,
    float32 or float64, Fortran; the working set is all features) with penalty
    factors pf, and return (features, L, x) after them: the cached features in cache
    order, their factor (k x k, lower) and, for a final 'solve', its solution.
    ops: a sequence of ('l2', value) (set P.l2), ('solve', K, b) (_chol_solve on the
    feature list K with right-hand side b, in the order of K), ('keep', K)
    (_chol_keep), ('delete', position) (_chol_delete), ('factor', K) (_chol_factor
    at P.l2), ('append', K) (_chol_append)."""
    import numpy as np
    if G.dtype not in (np.float32, np.float64):
        raise TypeError("G must be float32 or float64")
    return _factor_ops_typed(np.asfortranarray(G), pf, ops)


def _factor_ops_typed(floating[::1, :] G, pf, ops):
    import numpy as np
    cdef Problem P
    cdef Inner S
    cdef int p = G.shape[0], i, k = 0
    cdef int[::1] W = np.arange(p, dtype=np.intc)
    cdef int[::1] chol_f = np.zeros(p, dtype=np.intc)
    cdef int[::1] chol_pos = np.full(p, -1, dtype=np.intc)
    cdef int[::1] wpos = np.arange(p, dtype=np.intc)
    cdef int[::1] inK = np.zeros(p, dtype=np.intc)
    cdef int[::1] posK
    cdef double[::1] pfv = np.ascontiguousarray(pf, dtype=np.float64)
    cdef double[::1] l2W = np.zeros(p)
    cdef double[::1] bv, xv
    x = None
    P.p = p
    P.l2 = 0
    S.m = p
    S.W = &W[0]
    S.chol_f = &chol_f[0]
    S.chol_pos = &chol_pos[0]
    S.wpos = &wpos[0]
    S.inK = &inK[0]
    S.l2W = &l2W[0]
    S.chol_L = NULL
    S.chol_k = 0
    S.chol_cap = 0
    S.chol_l2 = 0
    try:
        for op in ops:
            name = op[0]
            if name == "l2":
                P.l2 = float(op[1])
                for i in range(p):
                    l2W[i] = P.l2 * pfv[i]
                continue
            if name == "delete":
                if not 0 <= op[1] < S.chol_k:
                    raise ValueError("position out of the factor")
                _chol_delete(&S, op[1])
                continue
            posK = np.ascontiguousarray(op[1], dtype=np.intc)
            k = posK.shape[0]
            if k > 0 and (np.min(op[1]) < 0 or np.max(op[1]) >= p):
                raise ValueError("features out of range")
            if not _chol_reserve(&P, &S, max(k, 1)):
                raise MemoryError
            ok = True
            if name == "solve":
                bv = np.array(op[2], dtype=np.float64)
                xv = np.zeros(k)
                ok = _chol_solve(&P, &S, &G[0, 0], &posK[0], k, &bv[0], &xv[0])
                x = np.asarray(xv).copy()
            elif name == "keep":
                _chol_keep(&S, &posK[0], k)
            elif name == "factor":
                ok = _chol_factor(&S, &G[0, 0], &posK[0], k)
                S.chol_l2 = P.l2
            elif name == "append":
                ok = _chol_append(&P, &S, &G[0, 0], &posK[0], k)
            else:
                raise ValueError(f"unknown operation {name!r}")
            if not ok:
                x = None
                if name != "solve":
                    raise np.linalg.LinAlgError(f"{name} failed")
        feats = np.array([S.chol_f[i] for i in range(S.chol_k)], dtype=np.intp)
        L = np.zeros((S.chol_k, S.chol_k))
        for i in range(S.chol_k):
            for k in range(i, S.chol_k):
                L[k, i] = S.chol_L[k + <size_t> i * S.chol_cap]
        return feats, L, x, S.chol_l2
    finally:
        _pool_free(S.chol_L)
