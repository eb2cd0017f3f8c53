"""Gram matrix blocks and caches (see _cd_gram.pxd)."""
from cython cimport floating
from cython.parallel cimport prange
from libc.stdint cimport int64_t
from ._cd_pool cimport _pool_alloc, _pool_realloc, _pool_free
from libc.string cimport memcpy, memmove

from ._blas cimport _copy, _gemm_tn, _syrk_upper
from ._cd_common cimport GramCache, _gcol
from ._cd_problem cimport Problem, Inner, PANEL_MIN_ROWS, PANEL_ELEMS, PAR_MIN_ONCE
from ._cd_columns cimport _sdot, _xcopy, _xcopy_rows
from ._cd_passes cimport _chunks


cdef void _sparse_block(Problem* P, const int* W, int m, floating* GW) noexcept nogil:
    """GW = X~_W^T X~_W (m x m) for sparse X: X_W^T X_W - B_W^T B_W (Q orthonormal),
    each column of X_W scattered once into a dense buffer and dotted with the others."""
    cdef floating* scat = <floating*> P.scat
    cdef floating* data = <floating*> P.Xdata
    cdef floating* B = <floating*> P.B
    cdef int a, b, ja, jb, k
    cdef int64_t kk
    cdef double acc
    for a in range(m):
        ja = W[a]
        for kk in range(P.Xptr[ja], P.Xptr[ja + 1]):
            scat[P.Xind[kk]] = data[kk]
        for b in range(a, m):
            jb = W[b]
            acc = _sdot(P, jb, scat)
            for k in range(P.r):
                acc -= <double> B[<size_t> ja * P.r + k] * B[<size_t> jb * P.r + k]
            GW[<size_t> a * m + b] = <floating> acc
            GW[<size_t> b * m + a] = <floating> acc
        for kk in range(P.Xptr[ja], P.Xptr[ja + 1]):
            scat[P.Xind[kk]] = 0


cdef int _gram_gather(GramCache* C, const floating* X, int n, const int* W, int m,
                      floating* GW) noexcept nogil:
    """G[W, W] (m x m, column-major) from the lazy Gram columns, computing the missing
    ones first. Returns -1 if memory ran out."""
    cdef int i, t
    cdef floating* col
    if _ensure_cols(C, X, n, W, m) < 0:
        return -1
    for i in range(m):
        # GW[:, i] = G[W, W[i]]
        col = _gcol(C, <floating*> C.Gcols, W[i])
        for t in range(m):
            GW[<size_t> i * m + t] = col[W[t]]
    return 0


cdef void _gw_forget(Inner* S) noexcept nogil:
    """Nothing of G[W, W] kept (its source changed: see _slot_block)."""
    cdef int i
    for i in range(S.gw_m):
        S.gw_pos[S.gw_feat[i]] = -1
    S.gw_m = 0


cdef inline void _move_runs(floating* GW, int m0, int m, const int* runs, int n_runs,
                            int c, int b, bint up) noexcept nogil:
    """Move the runs of rows (old row, new row, length) of old column c (GW as m0 x m0)
    to new column b (GW as m x m): those moving to lower addresses (up = False, in
    increasing order) or to higher ones (up, in decreasing order)."""
    cdef int t, q
    cdef int64_t d
    for q in range(n_runs):
        t = n_runs - 1 - q if up else q
        d = (<int64_t> runs[3 * t + 1] + <int64_t> b * m) - \
            (<int64_t> runs[3 * t] + <int64_t> c * m0)
        if (d > 0) if up else (d < 0):
            memmove(GW + runs[3 * t + 1] + <size_t> b * m,
                    GW + runs[3 * t] + <size_t> c * m0, runs[3 * t + 2] * sizeof(floating))


cdef void _gw_update(Inner* S, int p, int m, floating* GW, const floating* base,
                     size_t ld, const int* cidx, const int* ridx) noexcept nogil:
    """GW = G[W, W] (m x m, column-major) for the working set S.W[:m], where G[W[a],
    W[b]] is base[cidx[b] ld + ridx[a]], from the block GW already holds (the kept
    G[F, F], F = S.gw_feat[:S.gw_m]): the entries of the features F shares with W, in
    the same order, are moved in place, each once, by runs of rows (the same runs in
    every column), and only the rows and columns of the features new to W are
    gathered. At the saturated end of a wide path W changes by a few features from one
    alpha to the next; gathering all of it again read m^2 scattered entries of the
    source at every outer iteration (the gather was 10-24% of the 500 x 5000 path at
    tol 1e-8). A block that shares less than half of W, or not in the same order, is
    gathered whole. The values are those of a full gather. Scratch: S.gw_runs (the
    runs and then the new rows, 3 k + m - k <= 3 p; the old places of W, p).

    In place: the map from an entry's old place to its new one is increasing (both
    layouts are column-major in the order of the features), so the entries moving
    down, moved in increasing order, never overwrite one not yet moved, nor do those
    moving up, moved afterwards in decreasing order."""
    cdef int m0 = S.gw_m, k = 0, a, b, o, t, last = -1, n_runs = 0, n_new = 0
    # (not S.act[m:2m]: _inner_run's positions, kept across _switch_to_gram)
    cdef int* omap = S.gw_runs + 3 * <size_t> p
    cdef int* runs = S.gw_runs
    cdef int* new_rows
    cdef const floating* col
    cdef bint ordered = True
    for b in range(m):
        o = S.gw_pos[S.W[b]]
        omap[b] = o
        if o >= 0:
            k += 1
            ordered = ordered and o > last
            last = o
    if not (ordered and 2 * k >= m and m0 > 0):
        for b in range(m):
            col = base + <size_t> cidx[b] * ld
            for a in range(m):
                GW[a + <size_t> b * m] = col[ridx[a]]
    elif not (k == m and m0 == m):
        # runs of shared features consecutive in both blocks: (old, new, length)
        for b in range(m):
            o = omap[b]
            if o < 0:
                continue
            if n_runs > 0 and runs[3 * n_runs - 3] + runs[3 * n_runs - 1] == o and \
                    runs[3 * n_runs - 2] + runs[3 * n_runs - 1] == b:
                runs[3 * n_runs - 1] += 1
            else:
                runs[3 * n_runs] = o
                runs[3 * n_runs + 1] = b
                runs[3 * n_runs + 2] = 1
                n_runs += 1
        for b in range(m):
            if omap[b] >= 0:
                _move_runs(GW, m0, m, runs, n_runs, omap[b], b, False)
        for b in range(m - 1, -1, -1):
            if omap[b] >= 0:
                _move_runs(GW, m0, m, runs, n_runs, omap[b], b, True)
        # the new features' rows and columns
        new_rows = runs + 3 * n_runs
        for a in range(m):
            if omap[a] < 0:
                new_rows[n_new] = a
                n_new += 1
        for b in range(m):
            col = base + <size_t> cidx[b] * ld
            if omap[b] < 0:
                for a in range(m):
                    GW[a + <size_t> b * m] = col[ridx[a]]
            else:
                for t in range(n_new):
                    GW[new_rows[t] + <size_t> b * m] = col[ridx[new_rows[t]]]
    _gw_forget(S)
    for b in range(m):
        S.gw_feat[b] = S.W[b]
        S.gw_pos[S.W[b]] = b
    S.gw_m = m


cdef int _gram_block_kept(Problem* P, Inner* S, int m, floating* GW) noexcept nogil:
    """Gram mode: GW = G[W, W] for S.W[:m] from the Gram columns (the missing lazy ones
    computed first), what it shares with the last block moved (_gw_update). Returns -1
    if memory ran out."""
    cdef GramCache* C = &P.G
    cdef int i
    if _ensure_cols(C, <floating*> P.X, P.n, S.W, m) < 0:
        return -1
    for i in range(m):
        S.act[i] = C.slot[S.W[i]]
    _gw_update(S, P.p, m, GW, <floating*> C.Gcols, <size_t> C.p, S.act, S.W)
    return 0


cdef int _ensure_cols(GramCache* C, const floating* X, int n, const int* feats,
                      int k) noexcept nogil:
    """Lazy Gram: compute the missing columns X^T x_j, j in feats, with one GEMM
    (X: (n, C.p) Fortran).

    Returns -1 if memory could not be allocated.
    """
    cdef int i, j, n_new = 0, new_cap, p = C.p
    cdef floating* block
    cdef floating* dest
    cdef void* grown
    if not C.lazy:
        return 0
    for i in range(k):
        if C.slot[feats[i]] < 0:
            n_new += 1
    if n_new == 0:
        return 0
    if C.n_cols + n_new > C.cap:
        new_cap = max(2 * C.cap, C.n_cols + n_new)
        new_cap = min(new_cap, p)
        grown = _pool_realloc(C.Gcols, <size_t> new_cap * p * sizeof(floating))
        if grown == NULL:
            return -1
        C.Gcols = grown
        C.cap = new_cap
    block = <floating*> _pool_alloc(<size_t> n_new * n * sizeof(floating))
    if block == NULL:
        return -1
    n_new = 0
    for i in range(k):
        j = feats[i]
        if C.slot[j] < 0:
            # block[:, n_new] = X[:, j]
            _copy(n, X + <size_t> j * n, block + <size_t> n_new * n)
            C.slot[j] = C.n_cols + n_new
            n_new += 1
    dest = (<floating*> C.Gcols) + <size_t> C.n_cols * p
    # Gcols[:, n_cols:n_cols + n_new] = X.T @ block
    _gemm_tn(p, n_new, n, X, n, block, n, dest, p)
    C.n_cols += n_new
    _pool_free(block)
    return 0


cdef int _panel_products(Problem* P, Inner* S, int s0, int s1, int r0, int r1,
                         floating* dest, int ld) noexcept nogil:
    """dest[:s1, :s1 - s0] = X~[r0:r1, slots]^T X~[r0:r1, slots s0:s1] (upper triangle
    of the new block), by panels of rows gathered into a small buffer (no copy of the
    columns as long as X). Returns -1 if the buffer could not be allocated."""
    cdef int b = max(PANEL_ELEMS // max(s1, 1), 64), rb, rows, c, a
    cdef floating* buf = <floating*> _pool_alloc(<size_t> b * s1 * sizeof(floating))
    cdef floating zero = 0
    cdef bint first = True
    if buf == NULL:
        return -1
    rb = r0
    while rb < r1:
        rows = min(b, r1 - rb)
        for c in range(s1):
            _xcopy_rows(P, S.slot_feat[c], rb, rb + rows, buf + <size_t> c * rows)
        # the slots before s0 against the new ones (GEMM), the new ones among
        # themselves (upper triangle, SYRK: half the products)
        if s0 > 0:
            # dest[:s0, :] (+)= buf[:, :s0].T @ buf[:, s0:s1]
            _gemm_tn(s0, s1 - s0, rows, buf, rows, buf + <size_t> s0 * rows, rows, dest,
                     ld, zero)
        # dest[s0:s1, :] (+)= buf[:, s0:s1].T @ buf[:, s0:s1]  (upper triangle)
        _syrk_upper(s1 - s0, rows, buf + <size_t> s0 * rows, rows, zero, dest + s0, ld)
        zero = 1
        first = False
        rb += rows
    if first:
        for c in range(s1 - s0):
            for a in range(s1):
                dest[a + <size_t> c * ld] = 0
    _pool_free(buf)
    return 0


cdef int _slot_reserve(Problem* P, Inner* S, const floating* old_GS, int s0, int s1,
                       bint panels) noexcept nogil:
    """Room for s1 slots (the gathered columns XW unless panels, the products GS, the
    upper triangles of the first s0 columns of old_GS = S.GS kept). Returns -1 if
    memory ran out."""
    cdef int lda = max(P.n, 1), b
    cdef int new_cap = min(max(2 * s1, 16), P.p)
    cdef floating* GS
    cdef void* grown
    if not panels:
        grown = _pool_realloc(S.XW, <size_t> lda * new_cap * sizeof(floating))
        if grown == NULL:
            return -1
        S.XW = grown
    GS = <floating*> _pool_alloc(<size_t> new_cap * new_cap * sizeof(floating))
    if GS == NULL:
        return -1
    for b in range(s0):
        # (both triangles: see _slot_block)
        memcpy(GS + <size_t> b * new_cap, old_GS + <size_t> b * S.slot_cap,
               s0 * sizeof(floating))
    _pool_free(S.GS)
    S.GS = <void*> GS
    S.slot_cap = new_cap
    return 0


cdef int _slot_products(Problem* P, Inner* S, floating* XW, floating* GS, int s0, int s1,
                        bint panels) noexcept nogil:
    """GS[:s1, s0:s1] = X~_slots^T X~_new (upper triangle), for the new slots s0:s1
    (GS = S.GS; XW = S.XW, the gathered columns, unless panels): one product, or a
    sum over row blocks split between OpenMP threads (block 0 into GS, the others into
    a buffer added afterwards). Returns -1 if memory ran out."""
    cdef int n = P.n, lda = max(P.n, 1), k_new = s1 - s0, cap = S.slot_cap
    cdef int T = _chunks(P, <double> n * k_new, PAR_MIN_ONCE), t, r0, r1, a, b, i
    cdef int failed = 0
    cdef floating* part = NULL
    cdef floating* dest
    if T > 1:
        part = <floating*> _pool_alloc(<size_t> (T - 1) * s1 * k_new * sizeof(floating))
        if part == NULL:
            T = 1
    if T == 1:
        if panels:
            return _panel_products(P, S, s0, s1, 0, n, GS + <size_t> s0 * cap, cap)
        for i in range(s0, s1):
            _xcopy(P, S.slot_feat[i], XW + <size_t> i * lda)
        # GS[:s1, s0:s1] = XW[:, :s1].T @ XW[:, s0:s1]
        _gemm_tn(s1, k_new, n, XW, lda, XW + <size_t> s0 * lda, lda,
                 GS + <size_t> s0 * cap, cap)
        return 0
    if not panels:
        for i in prange(s0, s1, num_threads=T, schedule="static"):
            _xcopy(P, S.slot_feat[i], XW + <size_t> i * lda)
    for t in prange(T, num_threads=T, schedule="static"):
        r0 = <int> ((<int64_t> n * t) // T)
        r1 = <int> ((<int64_t> n * (t + 1)) // T)
        if panels:
            if t == 0:
                failed += _panel_products(P, S, s0, s1, r0, r1, GS + <size_t> s0 * cap, cap)
            else:
                failed += _panel_products(P, S, s0, s1, r0, r1,
                                          part + <size_t> (t - 1) * s1 * k_new, s1)
        elif t == 0:
            # GS[:s1, s0:s1] = XW[r0:r1, :s1].T @ XW[r0:r1, s0:s1]
            _gemm_tn(s1, k_new, r1 - r0, XW + r0, lda,
                     XW + <size_t> s0 * lda + r0, lda, GS + <size_t> s0 * cap, cap)
        else:
            # part[t - 1] = XW[r0:r1, :s1].T @ XW[r0:r1, s0:s1]
            _gemm_tn(s1, k_new, r1 - r0, XW + r0, lda,
                     XW + <size_t> s0 * lda + r0, lda,
                     part + <size_t> (t - 1) * s1 * k_new, s1)
    for t in range(1, T):
        dest = part + <size_t> (t - 1) * s1 * k_new
        for b in range(k_new):
            # (rows up to the diagonal: the panels set the upper triangle only)
            for a in range(s0 + b + 1):
                GS[a + <size_t> (s0 + b) * cap] += dest[a + <size_t> b * s1]
    _pool_free(part)
    return -1 if failed != 0 else 0


cdef int _slot_block(Problem* P, Inner* S, int m, floating* GW) noexcept nogil:
    """GW = X~_W^T X~_W (m x m, full) for dense naive problems, from a cache of the
    products of the "slots" (the features of the working sets so far, in the order they
    entered): a growing working set computes only its new columns' products with the
    slots (X~_S^T x~_new), so that a working set growing 10 -> 20 -> ... -> m pays
    about n m^2 in all instead of n m^2 per size. Short X (n < PANEL_MIN_ROWS) keeps a
    copy of the slots' columns (XW); tall X gathers panels of rows of all the slots at
    each growth instead (no first touch of a copy as long as X, a page fault per 4 KiB;
    a panel is reused in cache). The cache is emptied when keeping it would hold more
    than 2 m + 64 slots (working sets of a path that moved on), and with it the kept
    G[W, W]. Returns -1 if memory ran out."""
    cdef int i, j, a, sa, sb, s0, s1, k_new = 0, cap
    cdef bint panels = P.n >= PANEL_MIN_ROWS
    cdef floating* GS
    cdef int* sl
    for i in range(m):
        if S.xslot[S.W[i]] < 0:
            k_new += 1
    if S.n_slots + k_new > 2 * m + 64:
        for i in range(S.n_slots):
            S.xslot[S.slot_feat[i]] = -1
        S.n_slots = 0
        k_new = m
        # (the products are made again: the kept block is not used, so that G[W, W]
        # is always the current products')
        _gw_forget(S)
    s0 = S.n_slots
    s1 = s0 + k_new
    if s1 > S.slot_cap and _slot_reserve(P, S, <floating*> S.GS, s0, s1, panels) < 0:
        return -1
    for i in range(m):
        j = S.W[i]
        if S.xslot[j] < 0:
            S.xslot[j] = S.n_slots
            S.slot_feat[S.n_slots] = j
            S.n_slots += 1
    if k_new > 0 and _slot_products(P, S, <floating*> S.XW, <floating*> S.GS, s0, s1,
                                    panels) < 0:
        return -1
    GS = <floating*> S.GS
    cap = S.slot_cap
    # the new columns' products mirrored into the lower triangle, once per slot: the
    # gather below then reads columns of GS only (from the upper triangle alone, half
    # its reads went along rows of GS, a cache miss each: 16% of the 500 x 5000 path's
    # time at tol 1e-8, where G[W, W] of ~750 features is gathered at every alpha)
    for sb in range(s0, s1):
        for sa in range(sb):
            GS[sb + <size_t> sa * cap] = GS[sa + <size_t> sb * cap]
    # GW[a, b] = GS[slot a, slot b], with the slots of W in S.act[:m] (scratch here:
    # the inner solve sets the active positions after G[W, W] is made), one load per
    # element instead of two dependent ones
    sl = S.act
    for a in range(m):
        sl[a] = S.xslot[S.W[a]]
    # (what G[W, W] shares with the last block is moved, not gathered: _gw_update)
    _gw_update(S, P.p, m, GW, GS, <size_t> cap, sl, sl)
    return 0
