"""The state of a solve, shared by the compiled kernel modules: the problem
(``Problem``: data, penalties, options and the caches kept along a path) and the
working-set state of an inner solve (``Inner``), as C structs, and the tuning
constants. Pointers to the problem's data are ``void*`` of its floating type.

The multi-task kernel (_cd_multitask.pyx) uses the same structs for its dense X with
``T`` tasks: y is then Y (n, T) Fortran, Xy is X^T Y (p, T) Fortran, and every
per-position buffer of ``Inner`` holds a row of T values per position (the fields
marked "multi-task" are its own; the single-task kernel leaves them zero)."""
from libc.stdint cimport uint32_t, int64_t

from ._cd_abort cimport Abort
from ._cd_common cimport GramCache


cdef enum:
    NAIVE = 0
    GRAM = 1
    ANDERSON_K = 5   # iterates used by Anderson extrapolation
    WS_MIN = 10      # smallest working set beyond the support
    # a ranked working set grows by up to WS_GROW times the support (celer doubles it,
    # 1; on a dense solution, 4000 x 600 with 315 nonzeros, doubling from WS_MIN took
    # six outer iterations, a gradient pass and a partial solve each)
    WS_GROW = 1
    # sparse X: the strong rule's first working set of an alpha is joined by the
    # max(WS_MIN, m / STRONG_EXTRA) best-ranked other features (see _working_set)
    STRONG_EXTRA = 100
    NEWTON_MAX = 2000   # largest active set solved exactly (Cholesky, nA^3 / 3 flops)
    NEWTON_ROUNDS = 8   # active-set rounds of one exact solve
    PANEL_MIN_ROWS = 4096   # _slot_block: row panels instead of a copy of the columns
    PANEL_ELEMS = 1 << 17   # elements of one panel (1 MiB in float64)
    # dense residual mode: a multiply-add of the G[W, W] block (GEMM / SYRK, threaded)
    # costs 1 / BLOCK_GAIN of a coordinate update's element operation (a dot and an
    # axpy on a column); and the block is built up front when it costs at most
    # BLOCK_SWEEPS residual sweeps over W (see _block_pays)
    BLOCK_GAIN = 6
    BLOCK_SWEEPS = 16
    # the largest copy of the centered columns of W (elements) for residual sweeps
    # under implicit centering (Inner.XR: 64 MiB in float64)
    XR_MAX_ELEMS = 1 << 23


# Counters of one solve (enet_path's `trace`, for benchmarks and tests): a row of
# N_TRACE doubles per alpha
cdef enum:
    T_OUTER = 0      # outer iterations
    T_SWEEPS = 1     # sweeps (n_iter)
    T_GRAD = 2       # passes computing the gradient of the kept features
    T_WS_MAX = 3     # largest working set
    T_WS_SUM = 4     # sum of the working-set sizes
    T_BLOCK = 5      # element products of new G[W, W] columns (n per product)
    T_EXACT = 6      # exact-solve attempts
    T_CERTIFY = 7    # certifications of left-out features by their bounds
    T_GRAM_INNER = 8   # inner solves with covariance updates on G[W, W]
    T_RES_INNER = 9    # inner solves with residual updates
    T_SWITCH = 10    # inner solves switched from residual to covariance updates
    T_INNER_GAPS = 11   # gaps of working sets (each an X_W^T R in residual mode)
    N_TRACE = 12


# Passes over all of a dense X below these sizes (elements) stay on one thread (see
# _cd_passes.pyx)
cdef enum:
    PAR_MIN = 1 << 21        # the gradient: a pass per alpha at least
    PAR_MIN_ONCE = 1 << 18   # passes made a few times per solve (residual, G[W, W])
    PAR_MIN_STATS = 1 << 22  # column_stats: one pass before the solve


cdef struct Problem:
    # data, as void pointers of the problem's floating type
    int n
    int p
    int mode
    void* X           # (n, p); NULL when a full Gram matrix is given
    # X[i, j] is at X + i * rs + j * cs: Fortran (1, n) or C (p, 1); Gram mode requires
    # Fortran
    size_t rs
    size_t cs
    # (p,) naive mode: column means to subtract (implicit centering), or NULL when X is
    # used as it is
    void* Xmean
    void* y           # (n,) naive mode
    void* Xy          # (p,) Gram mode
    double yy         # y @ y
    void* norms       # (p,) squared column norms (diagonal of G)
    # sparse X (naive mode): CSC arrays, and the low-rank correction of the columns:
    # the kernel works with X~ = X - Q B (Q (n, r) orthonormal, Fortran; B = Q^T X,
    # (r, p) Fortran), i.e. centering (r = 1) and unpenalized features projected out
    bint sparse
    void* Xdata
    int* Xind
    int64_t* Xptr
    void* Q
    void* B
    int r
    double* tbuf      # (r,) scratch: Q^T v
    void* scat        # (n,) scratch, all zero between uses
    # per-feature penalty factors (> 0) and bounds; NULL: all 1 / no bounds
    double* pf
    double* lb
    double* ub
    bint box          # lb / ub given (then `positive` is folded into them)
    GramCache G       # columns of the Gram matrix (Gram mode)
    # penalties and options
    double l1
    double l2
    double l1_prev    # l1 of the previous solution on a path (strong rule); 0: none
    double tol        # absolute tolerance on the duality gap
    # below this gap, a solve that stops making progress stops (rounding: see _solve)
    double stall_gap
    # rounding allowance of a computed gap (a gap below it certifies nothing more):
    # what Gap Safe screening adds to the gap, so that rounding never screens out a
    # nonzero coefficient
    double gap_rnd
    # eps ||y||^2: a gap below it is rounding noise (an inner solve stops there)
    double gap_eps
    Abort abort       # interrupts (_cd_abort.pxd)
    bint positive
    bint screening
    bint random
    uint32_t rng
    # R (naive) and g = gradient on every nonzero column are those of the current w (set
    # by the previous solve of a path)
    bint fresh
    int rank_max      # a bound on the rank of X: n_samples (also in Gram mode)
    int n_threads     # OpenMP threads for the passes over X (1: none)
    int* nz           # (p,) nz[:n_nz]: the features whose column is not zero
    int n_nz
    # (p,) on a path: the solution two alphas back (the warm start w is the one of the
    # previous alpha), or NULL
    void* w_prev
    # step of the linear extrapolation of the path from w_prev through w: (l1 - l1_prev)
    # / (l1_prev - l1 two alphas back); 0: none
    double extrap
    # Bounds on the correlations of the features a solve left out (dense residual
    # mode, plain penalties, float64; see _certify): |x~_j^T R| <= cref[j] +
    # cnorm[j] (||R - Rref|| + rnd), from the last pass over every column (at Rref)
    bint bounds       # enabled
    bint has_ref      # cref and Rref hold such a pass
    double* cref      # (p,) |x~_j^T Rref|
    double* cnorm     # (p,) ||x~_j||
    void* Rref        # (n,)
    double rnd        # rounding allowance of cref, in units of ||x~_j||
    char* exact       # (p,) after a certified check: g[j] is x~_j^T R
    # g is exact only where exact[j] (the previous solve certified the others by their
    # bounds)
    bint partial
    # multi-task: the number of tasks, and (p, T) scratch for X^T R in Gram mode
    int T
    void* gT
    # (N_TRACE,) the counters of the current solve, or NULL
    double* trace


cdef struct Inner:
    # compact working-set state, as void pointers of the problem's floating type
    bint gram         # covariance updates on G[W, W] (else residual updates on X)
    int m             # |W|
    int* W            # feature index of each working-set position
    void* wW          # (m,) coefficients on W
    void* qW          # (m,) Gram mode: X_W^T R;   unused in naive mode
    void* bW          # (m,) Gram mode: X_W^T y
    void* GW          # (m, m) Gram mode: G[W, W], column-major
    size_t gw_cap     # allocated entries of GW
    void* dW          # (m,) diagonal: ||x_j||^2
    # naive problem, Gram inner solve: a cache of gathered columns X~[:, j] ("slots",
    # in the order the features first entered a working set) and of their inner
    # products, so that a growing working set computes only its new columns' share of
    # G[W, W] (see _slot_block)
    void* XW          # (n, slot_cap) the gathered columns, column-major
    void* GS          # (slot_cap, slot_cap) GS[a, b] = x~_a^T x~_b (both triangles)
    int* xslot        # (p,) slot of a feature, or -1
    int* slot_feat    # (p,) feature of a slot
    int n_slots
    int slot_cap
    # G[W, W] kept from the last block made (dense naive and Gram mode, see _gw_update):
    # the features it holds, in their order (gw_feat[:gw_m]; gw_m = 0: nothing kept)
    # and each one's position there (gw_pos, -1 otherwise), so that the next block
    # moves what it shares with it instead of gathering it again
    int* gw_feat      # (p,)
    int* gw_pos       # (p,)
    int* gw_runs      # (4 p,) scratch: runs of rows moved, new rows, old places
    int gw_m
    void* R           # (n,) naive mode: residual y - X w
    void* gW          # (m,) naive mode: X_W^T R scratch
    # Anderson scratch
    void* hist        # ((K + 1) * m)
    void* wacc        # (m,)
    void* vacc        # (max(n, m),)  R or q at the extrapolated point
    int* act          # (m,) positions of the nonzero coefficients
    double* t         # (r,) sparse residual mode: Q^T R_s (R holds R_s = y - X w)
    # residual mode: flops of one column operation (2 n, or the mean nonzeros of the
    # sparse columns of W)
    double col_cost
    # Cholesky factor of G_FF + l2 I kept between exact solves (Gram inner mode), for
    # the features F = chol_f[:chol_k] in the order they were added (see _chol_solve)
    double* chol_L    # (chol_cap, chol_cap) column-major, lower triangle
    int* chol_f       # (p,)
    int* chol_pos     # (p,) position of a feature in chol_f, or -1
    int* wpos         # (p,) position of a feature in W, or -1
    int* inK          # (p,) scratch, all 0 between uses
    int chol_k
    int chol_cap
    double chol_l2    # P.l2 the factor was built with
    # per-position penalties and bounds
    double* l1W
    double* l2W
    double* loW
    double* hiW
    # multi-task: (T,) scratch of a block update
    void* z
    void* delta
    # dense residual mode with implicit centering: the centered columns of W, copied
    # (n, m) column-major, for BLAS sweeps (see _inner_setup), or NULL
    void* XR
    size_t xr_cap
    bint use_xr
    # dense residual mode: element operations of the residual-update sweeps made since
    # the last G[W, W] block was paid for (see _block_pays)
    double credit
