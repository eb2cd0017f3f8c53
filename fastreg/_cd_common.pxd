"""Helpers shared by the single-task and the multi-task kernels: the Gram matrix
columns (``GramCache``, filled by _cd_gram._ensure_cols), working-set selection, the
random coordinate order, buffer growth, double-precision dot products and the weights of
Anderson acceleration. All ``noexcept nogil`` and inlined into the kernels."""
from cython cimport floating
from libc.math cimport INFINITY, fabs, sqrt
from libc.stdint cimport uint32_t
from libc.stdlib cimport qsort

from ._cd_pool cimport _pool_realloc


# the stall rule of both kernels: a gap that has set no new low (by a fraction
# 1 - STALL_DROP of its size) for STALL_ROUNDS rounds has stalled (an inner solve then
# hands back to its outer loop; a solve below P.stall_gap stops, as solved as rounding
# allows); an active phase goes on while its gap drops by 1 - STALL_DROP_A per block
cdef extern from *:
    """
    #define FASTREG_STALL_DROP (1.0 - 1e-6)
    #define FASTREG_STALL_DROP_A 0.99
    """
    const double STALL_DROP "FASTREG_STALL_DROP"
    const double STALL_DROP_A "FASTREG_STALL_DROP_A"

cdef enum:
    STALL_ROUNDS = 3


cdef inline bint _stalled(double gap, double level, double* best,
                          int* flat) noexcept nogil:
    """One round of the stall check: whether `gap` (below `level`) has not improved
    on the best by a fraction 1 - STALL_DROP of its size for STALL_ROUNDS rounds (a
    computed gap may be below 0: rounding)."""
    if gap > level:
        return False
    if best[0] == INFINITY or gap < best[0] - (1 - STALL_DROP) * fabs(best[0]):
        best[0] = gap
        flat[0] = 0
        return False
    flat[0] += 1
    return flat[0] >= STALL_ROUNDS

cdef struct ScoreIdx:
    double score
    int j


cdef struct GramCache:
    # columns of the Gram matrix X^T X: the column of feature j starts at
    # Gcols + slot[j] * p; either a full symmetric G (slot[j] = j) or columns computed
    # lazily (lazy = True), the first time j enters a working set, and kept for the
    # rest of the path (n_cols of them, room for cap)
    void* Gcols
    int* slot
    int p
    int n_cols
    int cap
    bint lazy


cdef inline floating* _gcol(GramCache* C, floating* Gcols, int j) noexcept nogil:
    """Column j of the Gram matrix, from its columns Gcols = C.Gcols (requires
    slot[j] >= 0)."""
    return Gcols + <size_t> C.slot[j] * C.p


cdef inline double _dsum_dot(size_t n, const floating* a, const floating* b) noexcept nogil:
    """a @ b accumulated in double precision."""
    cdef double s = 0
    cdef size_t i
    for i in range(n):
        s += <double> a[i] * b[i]
    return s


cdef inline void _select_smallest(ScoreIdx* a, int n, int t) noexcept nogil:
    """Reorder a[:n] so that its t smallest scores are in a[:t] (quickselect, O(n))."""
    cdef int lo = 0, hi = n - 1, i, j, mid
    cdef double pivot
    cdef ScoreIdx tmp
    if t <= 0 or t >= n:
        return
    while hi > lo:
        mid = lo + (hi - lo) // 2
        # median of three as pivot
        if a[mid].score < a[lo].score:
            tmp = a[mid]
            a[mid] = a[lo]
            a[lo] = tmp
        if a[hi].score < a[lo].score:
            tmp = a[hi]
            a[hi] = a[lo]
            a[lo] = tmp
        if a[hi].score < a[mid].score:
            tmp = a[hi]
            a[hi] = a[mid]
            a[mid] = tmp
        pivot = a[mid].score
        i = lo
        j = hi
        while i <= j:
            while a[i].score < pivot:
                i += 1
            while a[j].score > pivot:
                j -= 1
            if i <= j:
                tmp = a[i]
                a[i] = a[j]
                a[j] = tmp
                i += 1
                j -= 1
        # now a[lo..j] <= pivot <= a[i..hi]
        if t - 1 <= j:
            hi = j
        elif t - 1 >= i:
            lo = i
        else:
            return


cdef inline int _take_best(ScoreIdx* cand, int n_cand, int t, int* W,
                           int m) noexcept nogil:
    """Append the t best-ranked candidates (smallest scores; t clipped to [0, n_cand])
    to the working set W[:m]. Returns that t: cand[t:n_cand] hold the others."""
    cdef int i
    if t > n_cand:
        t = n_cand
    if t < 0:
        t = 0
    _select_smallest(cand, n_cand, t)
    for i in range(t):
        W[m + i] = cand[i].j
    return t


cdef inline int _cmp_int(const void* a, const void* b) noexcept nogil:
    cdef int ia = (<int*> a)[0]
    cdef int ib = (<int*> b)[0]
    return (ia > ib) - (ia < ib)


cdef inline uint32_t _rand_int(uint32_t end, uint32_t* state) noexcept nogil:
    """Uniform integer in [0, end) (xorshift32)."""
    cdef uint32_t x = state[0]
    x ^= x << 13
    x ^= x >> 17
    x ^= x << 5
    state[0] = x
    return x % end


cdef inline bint _grow(void** buf, size_t* cap, size_t need, size_t limit,
                       size_t itemsize) noexcept nogil:
    """Make buf hold at least `need` items: twice that, at most `limit` (>= need).
    Returns False if memory ran out (buf and cap unchanged)."""
    cdef size_t new_cap
    cdef void* grown
    if need <= cap[0]:
        return True
    new_cap = min(2 * need, limit)
    grown = _pool_realloc(buf[0], new_cap * itemsize)
    if grown == NULL:
        return False
    buf[0] = grown
    cap[0] = new_cap
    return True


# Column access. Dense X: x~_j = X[:, j] - Xmean[j] (Xmean NULL: X[:, j]). Sparse X:
# x~_j = X[:, j] - Q B[:, j], with the CSC column X[:, j] and the dense low-rank part
# (r = 0: none). The residual mode of the kernel only touches X through these.


cdef inline bint _cholesky_solve_ones(double* C, int K, double* z) noexcept nogil:
    """Solve C z = 1 for a small SPD matrix C (overwritten by its Cholesky factor)."""
    cdef int i, j, k
    cdef double s
    for j in range(K):
        s = C[j * K + j]
        for k in range(j):
            s -= C[j * K + k] * C[j * K + k]
        if s <= 0:
            return False
        C[j * K + j] = sqrt(s)
        for i in range(j + 1, K):
            s = C[i * K + j]
            for k in range(j):
                s -= C[i * K + k] * C[j * K + k]
            C[i * K + j] = s / C[j * K + j]
    for i in range(K):  # L u = 1
        s = 1.0
        for k in range(i):
            s -= C[i * K + k] * z[k]
        z[i] = s / C[i * K + i]
    for i in range(K - 1, -1, -1):  # L^T z = u
        s = z[i]
        for k in range(i + 1, K):
            s -= C[k * K + i] * z[k]
        z[i] = s / C[i * K + i]
    return True


cdef inline int _nonzero_columns(const floating* norms, int p, int* feats) noexcept nogil:
    """feats[:k] = the features whose squared column norm is not zero; returns k."""
    cdef int j, k = 0
    for j in range(p):
        if norms[j] > 0:
            feats[k] = j
            k += 1
    return k


cdef inline bint _anderson_weights(const floating* hist, size_t L, int K, double* C,
                                   double* c) noexcept nogil:
    """Anderson weights of the last K+1 iterates hist[k * L : (k + 1) * L], k = 0..K:
    c minimizes ||sum_k c_k (x_{k+1} - x_k)|| subject to sum_k c_k = 1 (Gram matrix of
    the differences, regularized by 1e-12 of its trace; C is K x K scratch). False when
    no extrapolation is defined (no movement, or a singular system)."""
    cdef int k, q
    cdef size_t e
    cdef double s, ctot = 0, trace = 0
    for k in range(K):
        for q in range(k + 1):
            s = 0
            for e in range(L):
                s += (<double> hist[(k + 1) * L + e] - hist[k * L + e]) * \
                     (<double> hist[(q + 1) * L + e] - hist[q * L + e])
            C[k * K + q] = s
            C[q * K + k] = s
        trace += C[k * K + k]
    if trace == 0:
        return False
    for k in range(K):
        C[k * K + k] += 1e-12 * trace
    if not _cholesky_solve_ones(C, K, c):
        return False
    for k in range(K):
        ctot += c[k]
    if ctot == 0:
        return False
    for k in range(K):
        c[k] = c[k] / ctot
    return True


# --- pieces of the solver loop both kernels run (rows of T values per position: the
# single-task kernel is T = 1)

cdef struct StopState:
    # the stall rule of an outer loop and whether screening still runs (_stop_now,
    # _stop_after_check)
    double best
    int flat
    bint stalled
    bint screen


cdef inline void _stop_init(StopState* st, bint screening) noexcept nogil:
    st.best = INFINITY
    st.flat = 0
    st.stalled = False
    st.screen = screening


cdef inline bint _stop_now(StopState* st, double gap, double tol, double stall_gap,
                           int n_iter, int max_iter) noexcept nogil:
    """Whether the outer loop stops at this gap: tol reached, no sweeps left, or the
    gap, below stall_gap, has stalled (st.stalled)."""
    st.stalled = _stalled(gap, stall_gap, &st.best, &st.flat)
    return gap <= tol or n_iter >= max_iter or st.stalled


cdef inline bint _stop_after_check(StopState* st, double gap, double gap0, double tol,
                                   double gap_rnd, int n_iter,
                                   int max_iter) noexcept nogil:
    """The stop decision again once the features set aside by screening were checked
    (gap0: the gap before): a stall stands unless they raised the gap; if they did,
    their gap is the full problem's from here on (no more screening, which would set
    them aside again, and a new stall count)."""
    cdef bint stop = gap <= tol or n_iter >= max_iter or \
        (st.stalled and gap <= max(gap0, 0.0) / STALL_DROP + gap_rnd)
    if st.stalled and not stop:
        st.best = INFINITY
        st.flat = 0
        st.screen = False
    return stop


cdef inline int _next_pos(const int* pos, int k, int t, bint random,
                          uint32_t* rng) noexcept nogil:
    """The t-th position of a sweep over pos[:k]: in order, or drawn at random (with
    replacement)."""
    if random:
        return pos[_rand_int(k, rng)]
    return pos[t]


cdef inline bint _row_nonzero(int T, const floating* w) noexcept nogil:
    """Whether a row of T values has a nonzero entry."""
    cdef int t
    for t in range(T):
        if w[t] != 0:
            return True
    return False


cdef inline int _active_rows(int m, int T, const floating* wW, int* act) noexcept nogil:
    """act[:nA] = the positions i < m whose row wW[i * T : (i + 1) * T] is nonzero;
    returns nA."""
    cdef int i, nA = 0
    for i in range(m):
        if _row_nonzero(T, wW + <size_t> i * T):
            act[nA] = i
            nA += 1
    return nA


cdef inline void _hist_put(floating* h, const floating* wW, const int* act, int nA,
                           int T) noexcept nogil:
    """h[t * T : (t + 1) * T] = the row of position act[t], t < nA (an iterate of the
    active rows, kept for Anderson extrapolation)."""
    cdef int t, c
    for t in range(nA):
        for c in range(T):
            h[<size_t> t * T + c] = wW[<size_t> act[t] * T + c]


cdef inline void _anderson_point(const floating* hist, int nA, int T, int K,
                                 const double* z, const int* act, const floating* wW,
                                 floating* wacc, int m) noexcept nogil:
    """wacc = the Anderson extrapolation sum_k z_k x_{k+1} of the iterates hist (K + 1
    of nA rows of T) on the active rows act[:nA], wW on the other rows of the m
    positions; an active row that is exactly zero in the last iterate stays zero."""
    cdef size_t L = <size_t> nA * T
    cdef int t, c, k, i
    cdef double s
    for i in range(m * T):
        wacc[i] = wW[i]
    for t in range(nA):
        i = act[t]
        if not _row_nonzero(T, hist + K * L + <size_t> t * T):
            for c in range(T):
                wacc[<size_t> i * T + c] = 0
            continue
        for c in range(T):
            s = 0
            for k in range(K):
                s += z[k] * hist[(k + 1) * L + <size_t> t * T + c]
            wacc[<size_t> i * T + c] = <floating> s


cdef inline int _ws_close(int* W, int m, int* ws_size) noexcept nogil:
    """Sort the working set W[:m] and let the size it may grow to be at least m;
    returns m."""
    if m == 0:
        return 0
    qsort(W, m, sizeof(int), _cmp_int)
    ws_size[0] = max(ws_size[0], m)
    return m


cdef inline bint _inner_done(double gap_W, double eps, double gap_eps, int sweeps,
                             int budget, double* best, int* flat) noexcept nogil:
    """Whether an inner solve stops after a sweep over W: its gap reached eps or
    rounding noise (gap_eps), no sweeps left, or the gap stalled (_stalled: eps may be
    below what rounding lets the gap of W certify; the outer loop then decides)."""
    return gap_W <= eps or gap_W <= gap_eps or sweeps >= budget or \
        _stalled(gap_W, INFINITY, best, flat)


cdef inline bint _phase_done(double gap_A, double gap_A_prev, double eps,
                             double gap_rnd) noexcept nogil:
    """Whether an active phase (sweeps over the nonzero part of W) is over after an
    Anderson block: that part is solved, or as solved as rounding allows (its gap at
    rounding level, or no longer dropping by 1 - STALL_DROP_A: rounding can make it
    drift down for ever); the inner solve then goes back to a sweep over W."""
    return gap_A <= eps or gap_A <= gap_rnd or \
        gap_A >= gap_A_prev - (1 - STALL_DROP_A) * fabs(gap_A_prev)
