"""Ridge's direct and conjugate-gradient solvers on a prepared problem (``_Design``,
centered and weighted targets Y (n, t), one penalty per target). Each returns coef of
shape (n_targets, n_features):

* ``_solve_cholesky``: Cholesky factorization (LAPACK) of X^T X + alpha I when
  n_samples >= n_features, of X X^T + alpha I otherwise, one factorization per
  distinct alpha shared by all targets; None when the factorization fails or its
  condition estimate says the normal equations lose more than ~8 digits (counting the
  rounding of implicit centering): the caller then centers explicitly, then uses
  ``_solve_svd``;
* ``_solve_svd``: the SVD of X (dense) or the eigendecomposition of the smaller Gram
  matrix (sparse); minimum-norm least squares for alpha == 0;
* ``_solve_cg``: conjugate gradients (SciPy) on the normal equations (large sparse X);
* ``_solve_cd``: the compiled coordinate-descent kernel with l1_ratio = 0, stopped on
  the ridge duality gap (``positive=True``, ``solver='cd'``).
"""
import warnings
from contextlib import nullcontext

import numpy as np
from scipy import linalg
from scipy.linalg import lapack
from scipy.sparse import linalg as sp_linalg
from sklearn.exceptions import ConvergenceWarning

from . import _cholesky, _lapack_nogil
from ._engine import solve_arrays, warn_not_converged
from ._linalg import sq_norm
from ._ridge_design import _full
from ._threads import kernel_scope

# Cholesky is trusted when LAPACK's reciprocal condition estimate of the factored
# matrix is at least this: its forward error (~ eps / rcond) then stays below ~1e-8
_RCOND_MIN = 1e-8
# implicitly centered Gram matrices: refine the solution when its error bound
# kappa eps / rcond exceeds _REFINE_FROM; accepted once a correction is below
# _REFINED (relative): what is left is at most a tenth of that
_REFINE_FROM = 1e-10
_REFINED = 1e-10
# refinement steps at most: each shrinks the error by about kappa eps / rcond (< 0.1),
# so a few reach rounding; more would mean the refinement is not converging
_REFINE_STEPS = 4
# below _RCOND_MIN, with the two halves of the Gram product (``split``: the dual
# system of a wide design), Cholesky is still used when eps / rcond (the error
# contraction of one refinement step) is at most _REFINE_RHO, refined until the
# residual is within _BACKWARD eps of its own rounding bound, in at most
# _BACKWARD_STEPS corrections (see _refine_backward)
_REFINE_RHO = 0.05
_BACKWARD = 4.0
_BACKWARD_STEPS = 8
_CANCEL = 1e-9
# the wide dual keeps X's implicit centering while ||X||_F^2 is at most this many
# times ||Xc||_F^2 (the rounding of implicit centering relative to that of Xc)
_IMPLICIT_MAX = 16.0


# Interrupts (SIGINT within 0.2 s, issue 20). A LAPACK call cannot be interrupted, and
# SciPy's wrappers hold the GIL (no signal handler runs until they return):
# * Cholesky factorizations of order above _BLOCKED_POTRF run by panels of
#   _potrf_panel(m) columns (_cholesky.potrf_upper: right-looking, in place, each
#   BLAS call at most ~_BLOCK_MACS multiply-adds, ~1.5 ms on one core of the
#   development machine, Python's signal handlers run between calls); as fast as
#   LAPACK's single call (CPU time at one thread, order 4000: 1.01x; see
#   bench/RESULTS.md, branch interrupts);
# * SVDs (Ridge(solver="svd"), RidgeCV's gcv_mode="svd", the Jacobi SVD of badly
#   scaled designs) and eigendecompositions (RidgeCV's eigen mode, sparse SVD mode)
#   call LAPACK without the GIL (_lapack_nogil: dgesdd, dgesvd, dgejsv, dsyevd; the
#   same routines of the same library as SciPy's wrappers, the same workspace sizes)
#   on a worker thread of its own while the main thread runs the signal handlers
#   every 5 ms: KeyboardInterrupt there is raised at once, and the worker, which owns
#   every buffer the call writes to, finishes its one LAPACK call in the background
#   and frees them; at exit, while one still runs, the process ends before the C
#   libraries' destructors (OpenBLAS's would pull its threads from under it).
_BLOCKED_POTRF = 1024
_BLOCK_MACS = 1 << 26
# wide solves with fewer samples than this run their refinement (matrix-vector
# products with X, small factorizations) with SciPy's BLAS on one thread: each of
# those calls is short, and waking a second thread for it (or one still spinning
# after NumPy's Gram product) costs more than it gains
_SMALL_DUAL = 256


def potrf_upper(F):
    """The upper Cholesky factor of F (Fortran, upper triangle valid), in place:
    (F, info) as ``lapack.dpotrf(F, lower=0, clean=0, overwrite_a=1)``, by panels
    above order _BLOCKED_POTRF (``_cholesky.potrf_upper``: interruptible between
    BLAS calls; the same operations as LAPACK's own blocked factorization)."""
    m = F.shape[0]
    if m <= _BLOCKED_POTRF or not F.flags.f_contiguous or F.dtype != np.float64 \
            or not F.flags.writeable:
        return lapack.dpotrf(F, lower=0, clean=0, overwrite_a=1)
    return F, _cholesky.potrf_upper(F, _potrf_panel(m), _BLOCK_MACS)


def _potrf_panel(m):
    """The panel width of the blocked factorization of order m: the faster of 256 and
    384 on the development machine (256 at orders 1200-2000, 384 at 4000)."""
    return 256 if m < 3000 else 384


def _lapack_error(routine, what, info):
    """The LinAlgError of a LAPACK call that returned ``info`` != 0."""
    if info < 0:
        return linalg.LinAlgError(
            f"{what}: LAPACK's {routine} rejected its argument {-info} (info={info}; "
            f"for the matrix, argument 4 of dgesdd: it holds NaN).")
    return linalg.LinAlgError(f"{what}: LAPACK's {routine} did not converge "
                              f"(info={info}).")


# operations below which a decomposition runs on the calling thread (~10 ms or less:
# a thread would cost more than the latency it saves)
_THREAD_MIN_WORK = 2.0 ** 27


def eigh(M, lower=True):
    """``linalg.eigh(M, lower=lower, driver="evd", check_finite=False)``: the same
    LAPACK call (dsyevd, the same workspace) without the GIL, on a worker thread
    while this one runs the signal handlers (_lapack_nogil: SIGINT stops the wait at
    once; see above). LinAlgError when it fails."""
    n = M.shape[0]
    if n == 0:
        return linalg.eigh(M, lower=lower, driver="evd", check_finite=False)
    info, out = _lapack_nogil.decompose("syevd", M, bool(lower), _THREAD_MIN_WORK)
    if info != 0:
        raise _lapack_error("dsyevd", f"the eigendecomposition of order {n}", info)
    return out


def _power_of_two(v):
    """The powers of two nearest to v > 0 (1 where v is 0, negative or not finite):
    scaling by them is exact."""
    v = np.asarray(v, dtype=np.float64)
    ok = np.isfinite(v) & (v > 0)
    out = np.ones_like(v)
    out[ok] = np.ldexp(1.0, np.rint(np.log2(v[ok])).astype(int))
    return out


def equilibrated_cholesky(F, shift, diag):
    """Cholesky factor of d (F + diag(shift)) d, in place in F (Fortran, upper
    triangle valid), d the powers of two nearest to 1 / sqrt(diag + shift) (exact
    scaling; see _cholesky_columns). Returns (c, d, rcond), c upper triangular with
    c^T c the equilibrated matrix and rcond LAPACK's estimate of its reciprocal
    condition number; None when the factorization fails."""
    m = F.shape[0]
    F.flat[:: m + 1] += shift
    d = 1.0 / _power_of_two(np.sqrt(diag + shift))
    F *= d[:, None]
    F *= d[None, :]
    # the 1-norm of the symmetric matrix is at most its upper triangle's largest
    # column sum plus its largest row sum (an overestimate by at most 2x):
    # U = np.abs(np.triu(F)); anorm = U.sum(axis=0).max() + U.sum(axis=1).max()
    anorm = (lapack.dlantr("1", F, uplo="U") + lapack.dlantr("I", F, uplo="U")) \
        if m else 0.0
    # c = linalg.cholesky(F) (upper: c^T c = F), in place
    c, info = potrf_upper(F)
    if info != 0:
        return None
    if m == 0:
        return c, d, 1.0
    # rcond ~ 1 / (||F||_1 ||F^{-1}||_1), estimated from c
    rcond, info = lapack.dpocon(c, anorm, uplo="U")
    if info != 0 or not rcond > 0:
        return None
    return c, d, rcond


def _refine_backward(c, d, B, z, shift, split, rho):
    """Iterative refinement of z, (M + diag(shift)) z = B with M = outer(inner(.)) =
    Xc Xc^T the Gram matrix of a wide design, from the Cholesky factor c of the
    equilibrated matrix d (M + diag(shift)) d; returns (z, inner(z)), or None when it
    does not converge. Residuals come from the products with Xc (``split``), whose rounding is
    that of Xc itself, not that of the squared, ill-conditioned M.

    What the caller uses is v = inner(z) = Xc^T z (the coefficients): z is accepted
    once a correction moves v by at most _BACKWARD eps (||Xc||_F ||z|| + ||v||) in
    every column, the rounding of computing v = Xc^T z at all, i.e. of an exact
    solve on X perturbed at rounding (a backward-stable solve; the SVD's error is of
    that size). A correction of the residual r moves v by Xc^T (M + alpha I)^-1 r,
    so what remains of the error is about ``rho`` (the contraction of one step: eps
    times the condition number of the equilibrated matrix, with the rounding of
    implicit centering) times the last correction. Refused (None) when rho exceeds
    _REFINE_RHO, when a correction does not shrink by half, or after
    _BACKWARD_STEPS corrections."""
    if not rho <= _REFINE_RHO:
        return None
    inner, outer, norms = split
    eps = np.finfo(np.float64).eps
    v = inner(z)
    last = np.inf
    for _ in range(_BACKWARD_STEPS):
        residual = B - outer(v) - shift[:, None] * z
        dz, info = lapack.dpotrs(c, d[:, None] * residual, lower=0)
        if info != 0:
            return None
        dz *= d[:, None]
        dv = inner(dz)
        z = z + dz
        v = v + dv
        # rounding of v = Xc^T z, entry by entry: |x_j|^T |z| <= ||x_j|| ||z||
        floor = eps * (norms[:, None] * np.sqrt(np.einsum("ij,ij->j", z, z))
                       + np.abs(v))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(dv == 0, 0.0, np.abs(dv) / floor)
        worst = np.max(ratio) if ratio.size else 0.0
        if not np.isfinite(worst):
            return None
        if worst <= _BACKWARD:
            # the product Xc^T z itself rounds each coefficient by up to
            # eps ||x_j|| ||z||: refused where that is above _CANCEL of it
            with np.errstate(divide="ignore", invalid="ignore"):
                lost = np.where(norms[:, None] == 0, 0.0,
                                eps * norms[:, None] * np.sqrt(
                                    np.einsum("ij,ij->j", z, z)) / np.abs(v))
            return (z, v) if np.max(lost, initial=0.0) <= _CANCEL else None
        if worst > 0.5 * last:
            return None
        last = worst
    return None


def _cholesky_columns(M, B, alphas, kappa=0.0, gram_times=None, pen=None, split=None,
                      inner_out=None):
    """Z with (M + alphas[k] diag(pen)) Z[:, k] = B[:, k] from the upper triangle of M
    (pen: ones when None): one LAPACK factorization per distinct alpha, the last one
    in place (M is consumed). None when a factorization fails or is ill-conditioned
    (reciprocal condition estimate rcond below _RCOND_MIN).

    The matrix is equilibrated first, d (M + a pen) d with d the powers of two nearest
    to 1 / sqrt(its diagonal): exact, so the factor is the same up to that scaling,
    and Cholesky's accuracy depends only on the condition of the equilibrated matrix
    (van der Sluis): rcond is that of the equilibrated matrix, so a badly scaled
    column alone does not reject the factorization.

    ``kappa`` is the rounding of M beyond eps (implicit centering, see _Design): a
    scalar (relative to the matrix) or, per diagonal entry, what the centering
    subtracted from it (relative to that entry plus the penalty, its max is the
    rounding of the equilibrated matrix); the solve then errs by up to ~kappa eps /
    rcond. Above _REFINE_FROM, the solution is
    refined (Wilkinson's iterative refinement: residuals with ``gram_times``, the
    exact Gram matrix applied through products with X, whose rounding grows only
    like sqrt(kappa); corrections from the same factorization) until the correction
    stops shrinking or reaches rounding; None if the last one is not below _REFINED
    of the solution, or if kappa eps / rcond is too large (> 0.1) to refine.

    ``inner_out`` (a list): receives inner(Z) (``split``'s products with Xc^T, the
    coefficients of a wide design) when every column was refined, which computed
    it."""
    m = M.shape[0]
    eps = np.finfo(np.float64).eps
    pen = np.ones(m) if pen is None else pen
    if np.all(alphas == alphas[0]):
        groups = [(alphas[0], slice(None))]
    else:
        groups = [(a, np.flatnonzero(alphas == a)) for a in np.unique(alphas)]
    diag = M.diagonal().copy()
    Z = np.empty_like(B)
    V = None
    if inner_out is not None and split is not None:
        V = np.empty((len(split[2]), B.shape[1]))
    work = None
    for i, (a, cols) in enumerate(groups):
        last = i == len(groups) - 1
        if last and M.flags.f_contiguous:
            F = M
        else:
            # one buffer for every group's copy (a fresh 32 MB copy of order 2000
            # took 0.14 s of page faults on the busy machine, the signal handlers
            # waiting), copied by blocks of columns (interruptible between them)
            work = np.empty(M.shape, order="F") if work is None else work
            _copy_columns(work, M)
            F = work
        factor = equilibrated_cholesky(F, a * pen, diag)
        if factor is None:
            return None
        c, d, rcond = factor
        if not rcond >= _RCOND_MIN and (split is None or m == 0):
            return None
        # z = d * linalg.cho_solve((c, False), d * B[:, cols])
        z, info = lapack.dpotrs(c, d[:, None] * B[:, cols], lower=0)
        if info != 0:
            return None
        z *= d[:, None]
        if np.ndim(kappa):
            with np.errstate(divide="ignore", invalid="ignore"):
                k = np.max(kappa / (diag + a * pen)) if m else 0.0
            k = np.inf if not k >= 0 else k
        else:
            k = kappa
        error = k * eps / rcond
        refined = None
        if split is not None and (k + 1.0) * eps / rcond > _REFINE_FROM:
            refined = _refine_backward(c, d, B[:, cols], z, a * pen, split,
                                       (k + 1.0) * eps / rcond)
            if refined is None and not rcond >= _RCOND_MIN:
                return None
        if refined is not None:
            z, v = refined
            if V is not None:
                V[:, cols] = v
        else:
            V = None
        if refined is None and error > _REFINE_FROM:
            if gram_times is None or error > 0.1:
                return None
            change = np.inf
            for _ in range(_REFINE_STEPS):
                residual = B[:, cols] - gram_times(z) - (a * pen)[:, None] * z
                dz, info = lapack.dpotrs(c, d[:, None] * residual, lower=0)
                z = z + d[:, None] * dz
                last, change = change, np.linalg.norm(d[:, None] * dz) / max(
                    np.linalg.norm(z), np.finfo(float).tiny)
                # done: the error left is about kappa eps / rcond (< 0.1) times the
                # last correction; or the residual's own rounding stops the progress
                if change <= _REFINED or change > 0.5 * last:
                    break
            if not change <= _REFINED:
                return None
        Z[:, cols] = z
    if V is not None:
        inner_out.append(V)
    return Z


def _copy_columns(out, M, width=256):
    """out[...] = M by blocks of ``width`` columns: Python's signal handlers run between
    them (issue 20's interrupts)."""
    for j in range(0, M.shape[1], width):
        out[:, j:j + width] = M[:, j:j + width]


def _solve_cholesky(design, Y, alphas):
    """Direct solve through the smaller Gram matrix; None if it is ill-conditioned."""
    n_samples, n_features = design.shape
    if n_samples >= n_features:
        G, rhs = design.normal_equations(Y)
        if not design.finite:
            return None
        W = _cholesky_columns(G, rhs, alphas, design.kappa,
                              lambda Z: design.tdot(design.dot(Z)))
        return None if W is None else W.T
    # p > n: w = Xc^T (Xc Xc^T + alpha I)^{-1} y
    design = wide_design(design)
    if not design.finite:
        return None
    K = design.gram_samples()
    if not design.finite:
        return None
    return _wide_solve(design, K, Y, alphas)


def wide_design(design):
    """The design a wide solve works on: X itself, centered inside the products,
    unless X's squares are far above its centered ones (||A||_F^2 = ||Xc||_F^2 +
    sum(s^2) ||mu||^2 > _IMPLICIT_MAX ||Xc||_F^2): the implicit centering of X X^T
    and of the refinement's residuals (see _wide_solve) would then round at the size
    of X, not of Xc, and X is centered explicitly (a copy of X: 1 / n_samples of the
    work of X X^T). ``finite`` False when the means are not finite (NaN or infinity
    in X)."""
    if not design.centered or design.sparse:
        return design
    if not np.all(np.isfinite(design.mu)):
        design.finite = False
        return design
    with np.errstate(over="ignore", invalid="ignore"):
        centered = float(np.sum(design.col_sq_norms()))
        raw = centered + sq_norm(design.sqrt_sw) * sq_norm(design.mu)
    return design if raw <= _IMPLICIT_MAX * centered else design.explicit()


def _wide_solve(design, K, Y, alphas):
    """Coefficients (t, p) of a wide design (``wide_design``) from its Gram matrix K =
    Xc Xc^T (upper triangle valid, consumed): w = Xc^T z with (K + alpha I) z = y,
    z by Cholesky refined on products with X (``_cholesky_columns``' ``split``,
    which also gives Xc^T z); None if ill-conditioned."""
    V = []
    # few samples: the products with X (matrix-vector) and the small factorizations
    # on one thread (see _SMALL_DUAL)
    with kernel_scope if K.shape[0] < _SMALL_DUAL else nullcontext():
        C = _cholesky_columns(K, Y, alphas, design.kappa,
                              lambda C: design.dot(design.tdot(C)),
                              split=(design.tdot, design.dot,
                                     np.sqrt(design.col_sq_norms())), inner_out=V)
    if C is None:
        return None
    return (V[0] if V else design.tdot(C)).T


def _solve_scaled_primal(design, Y, alphas):
    """The primal normal equations of the design with its columns divided by powers
    of two near their largest magnitudes: (Xs^T Xs + alpha diag(1 / scales^2)) z =
    Xs^T y, w = z / scales; neither overflows nor loses a badly scaled column (see
    _cholesky_columns). For the cases the direct solves reject: a wide design whose
    X X^T is ill-conditioned by one column, or X^T X that overflows. None if this
    is ill-conditioned too."""
    scales = design.column_scales()
    scaled = design.scaled(scales)
    with np.errstate(over="ignore", invalid="ignore"):
        G, rhs = scaled.normal_equations(Y)
        if not scaled.finite:
            return None
        Z = _cholesky_columns(G, rhs, alphas, scaled.kappa,
                              lambda Z: scaled.tdot(scaled.dot(Z)),
                              pen=scales ** -2.0)
    if Z is None:
        return None
    return (Z / scales[:, None]).T


def _spectral_filter(s2, alphas, s=None):
    """f[j, k] = s_j / (s_j^2 + alpha_k) (or 1 / (lambda_j + alpha_k) when s is None);
    for alpha == 0, directions with s_j^2 below rounding get 0 (minimum norm). With s,
    computed as 1 / (s_j + alpha_k / s_j): no overflow of s_j^2 for huge s_j."""
    if s is not None:
        s = np.maximum(s, 0)
        top = s.max() if len(s) else 0.0
        keep = s > top * max(len(s), 1) * np.finfo(np.float64).eps
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            f = 1.0 / (s[:, None] + alphas[None, :] / s[:, None])
        f[~np.isfinite(f) | (s[:, None] == 0)
          | ((alphas[None, :] == 0) & ~keep[:, None])] = 0
        return f
    s2 = np.maximum(s2, 0)
    top = s2.max() if len(s2) else 0.0
    keep = s2 > top * max(len(s2), 1) * np.finfo(np.float64).eps
    denom = s2[:, None] + alphas[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        f = 1.0 / denom
    f[~np.isfinite(f) | ((alphas[None, :] == 0) & ~keep[:, None])] = 0
    return f


def _svd(X):
    """Thin SVD (U, s, Vt) of dense X: divide and conquer (dgesdd), QR iteration
    (dgesvd) if that does not converge; as ``linalg.svd(X, full_matrices=False,
    check_finite=False)`` (the same LAPACK calls and workspace), without the GIL on a
    worker thread (SIGINT stops the wait at once; see above). LinAlgError when both
    fail or X holds NaN."""
    m, n = X.shape
    k = min(m, n)
    if k == 0:
        return linalg.svd(X, full_matrices=False, check_finite=False)
    info, out = _lapack_nogil.decompose("gesdd", X, False, _THREAD_MIN_WORK)
    if info > 0:
        info, out = _lapack_nogil.decompose("gesvd", X, False, _THREAD_MIN_WORK)
        routine = "dgesdd, then dgesvd"
    else:
        routine = "dgesdd"
    if info != 0:
        raise _lapack_error(routine, f"the SVD of the {m} x {n} design", info)
    return out


def _jacobi_svd(X):
    """Thin SVD (U, s, Vt) of dense X by LAPACK's preconditioned one-sided Jacobi
    (dgejsv, JOBA='F'): accurate in the small singular values and their vectors when
    X is a well-conditioned matrix between diagonal scalings of its rows and columns
    (a badly scaled column), where the bidiagonalizing SVD loses them (its error is
    eps times the largest singular value). Several times slower than ``_svd``; the
    solver of badly scaled problems. ``_svd`` if LAPACK reports a failure. Without
    the GIL on a worker thread, as ``_svd``."""
    m, n = X.shape
    if m < n:
        U, s, Vt = _jacobi_svd(X.T)
        return Vt.T, s, U.T
    if n == 0:
        return _svd(X)
    info, out = _lapack_nogil.decompose("gejsv", X, False, _THREAD_MIN_WORK)
    if info != 0:
        return _svd(X)
    sva, u, v, work = out
    # dgejsv returns the singular values as sva * (work[1] / work[0])
    with np.errstate(over="ignore"):
        s = sva * (work[1] / work[0])
    if not np.all(np.isfinite(s)):
        return _svd(X)
    return u, s, v.T


def badly_scaled(diag, alpha_min):
    """Whether a Gram matrix with this diagonal has columns so unequally scaled that
    a normwise-stable decomposition of it (eigh; the SVD of X) resolves the smallest
    column's curvature (its diagonal plus the smallest penalty) to fewer than 8
    digits: its error is about eps times the largest diagonal entry. True also when
    the diagonal overflowed."""
    diag = np.asarray(diag)
    if not np.all(np.isfinite(diag)):
        return True
    pos = diag[diag > 0]
    if len(pos) == 0:
        return False
    return bool(np.finfo(np.float64).eps * pos.max() > 1e-8 * (pos.min() + alpha_min))


def _solve_svd(design, Y, alphas, jacobi=False):
    """SVD of Xc (dense; by one-sided Jacobi when ``jacobi``) or eigendecomposition of
    the smaller Gram matrix (sparse)."""
    if not design.sparse:
        U, s, Vt = (_jacobi_svd if jacobi else _svd)(design.fortran())
        f = _spectral_filter(None, alphas, s)
        return (Vt.T @ (f * (U.T @ Y))).T
    n_samples, n_features = design.shape
    if n_samples >= n_features:
        lam, V = eigh(design.gram_features(), lower=False)
        f = _spectral_filter(lam, alphas)
        return (V @ (f * (V.T @ design.tdot(Y)))).T
    lam, Q = eigh(design.gram_samples(), lower=False)
    f = _spectral_filter(lam, alphas)
    return design.tdot(Q @ (f * (Q.T @ Y))).T


def _solve_cg(design, Y, alphas, tol, max_iter):
    """Conjugate gradients on the normal equations (primal when n >= p, dual
    otherwise), relative residual tolerance ``tol``. Returns coef and iterations."""
    n_samples, n_features = design.shape
    primal = n_samples >= n_features
    m = n_features if primal else n_samples
    coef = np.empty((Y.shape[1], n_features))
    n_iter = np.zeros(Y.shape[1], dtype=np.int32)
    for k, a in enumerate(alphas):
        if primal:
            def matvec(v, a=a):
                return design.tdot(design.dot(v)) + a * v
            rhs = design.tdot(Y[:, k])
        else:
            def matvec(v, a=a):
                return design.dot(design.tdot(v)) + a * v
            rhs = Y[:, k]
        op = sp_linalg.LinearOperator((m, m), matvec=matvec, dtype=np.float64)
        count = [0]

        def callback(xk, count=count):
            count[0] += 1
        z, info = sp_linalg.cg(op, rhs, rtol=tol, maxiter=max_iter, callback=callback)
        if info > 0:
            warnings.warn(f"sparse_cg did not converge after {info} iterations.",
                          ConvergenceWarning, stacklevel=4)
        coef[k] = z if primal else design.tdot(z)
        n_iter[k] = max(count[0], 1)
    return coef, n_iter


def _solve_cd(design, Y, alphas, tol, max_iter, positive):
    """Coordinate descent (compiled kernel, l1_ratio = 0) stopped on the ridge duality
    gap; covariance updates on the Gram matrix when n >= p or X is sparse."""
    n_samples, n_features = design.shape
    use_gram = design.sparse or n_samples >= n_features
    gram = np.ascontiguousarray(_full(design.gram_features())) if use_gram else None
    X = None if use_gram else design.fortran()
    XtY = design.tdot(Y) if use_gram else None
    coef = np.empty((Y.shape[1], n_features))
    n_iter = np.empty(Y.shape[1], dtype=np.int32)
    for k, a in enumerate(alphas):
        yk = np.ascontiguousarray(Y[:, k])
        # the kernel minimizes 1/2 ||y - Xw||^2 + 1/2 (alpha_enet n) ||w||^2, half of
        # the prepared ridge objective when alpha_enet = alpha / n_samples
        coefs, gaps, its, converged, tol_abs = solve_arrays(
            X, None if X is None else yk, 0.0, [a / n_samples], gram=gram,
            use_gram=use_gram, Xy=None if XtY is None else XtY[:, k],
            yy=float(yk @ yk), n_samples=n_samples, tol=tol, max_iter=max_iter,
            positive=positive,
        )
        if not converged[0]:
            warn_not_converged(gaps[0], tol_abs, 0.0)
        coef[k] = coefs[:, 0]
        n_iter[k] = max(int(its[0]), 1)
    return coef, n_iter
