"""Helpers shared by the single-task and the multi-task kernels: the Gram matrix
columns (``GramCache``, filled by _cd_gram._ensure_cols), working-set selection, the
random coordinate order, buffer growth, double-precision dot products and the weights of
Anderson acceleration. All ``noexcept nogil`` and inlined into the kernels."""
from cython cimport floating
from libc.math cimport INFINITY, fabs, sqrt
from libc.stdint cimport uint32_t
from libc.stdlib cimport realloc


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
    grown = realloc(buf[0], new_cap * itemsize)
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
