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

import numpy as np
from scipy import linalg
from scipy.linalg import lapack
from scipy.sparse import linalg as sp_linalg
from sklearn.exceptions import ConvergenceWarning

from ._engine import solve_arrays, warn_not_converged
from ._ridge_design import _full

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


def _cholesky_columns(M, B, alphas, kappa=0.0, gram_times=None):
    """Z with (M + alphas[k] I) Z[:, k] = B[:, k] from the upper triangle of M: one
    LAPACK factorization per distinct alpha, the last one in place (M is consumed).
    None when a factorization fails or is ill-conditioned (reciprocal condition
    estimate rcond below _RCOND_MIN).

    ``kappa`` is the rounding of M beyond eps (implicit centering, see _Design): the
    solve then errs by up to ~kappa eps / rcond. Above _REFINE_FROM, the solution is
    refined (Wilkinson's iterative refinement: residuals with ``gram_times``, the
    exact Gram matrix applied through products with X, whose rounding grows only
    like sqrt(kappa); corrections from the same factorization) until the correction
    stops shrinking or reaches rounding; None if the last one is not below _REFINED
    of the solution, or if kappa eps / rcond is too large (> 0.1) to refine."""
    m = M.shape[0]
    eps = np.finfo(np.float64).eps
    # the 1-norm of the symmetric matrix is at most its upper triangle's largest
    # column sum plus its largest row sum (an overestimate by at most 2x):
    # U = np.abs(np.triu(M)); anorm = U.sum(axis=0).max() + U.sum(axis=1).max()
    anorm = (lapack.dlantr("1", M, uplo="U") + lapack.dlantr("I", M, uplo="U")) \
        if m else 0.0
    if np.all(alphas == alphas[0]):
        groups = [(alphas[0], slice(None))]
    else:
        groups = [(a, np.flatnonzero(alphas == a)) for a in np.unique(alphas)]
    Z = np.empty_like(B)
    for i, (a, cols) in enumerate(groups):
        last = i == len(groups) - 1
        F = M if last and M.flags.f_contiguous else np.array(M, order="F", copy=True)
        F.flat[:: m + 1] += a
        # c = linalg.cholesky(M + a I) (upper: c^T c = M + a I), in place
        c, info = lapack.dpotrf(F, lower=0, clean=0, overwrite_a=1)
        if info != 0:
            return None
        # rcond ~ 1 / (||M + a I||_1 ||(M + a I)^{-1}||_1), estimated from c
        rcond, info = lapack.dpocon(c, anorm + a, uplo="U")
        if info != 0 or not rcond >= _RCOND_MIN:
            return None
        # z = linalg.cho_solve((c, False), B[:, cols])
        z, info = lapack.dpotrs(c, B[:, cols], lower=0)
        if info != 0:
            return None
        error = kappa * eps / rcond
        if error > _REFINE_FROM:
            if gram_times is None or error > 0.1:
                return None
            change = np.inf
            for _ in range(_REFINE_STEPS):
                residual = B[:, cols] - gram_times(z) - a * z
                dz, info = lapack.dpotrs(c, residual, lower=0)    # cho_solve
                z = z + dz
                last, change = change, np.linalg.norm(dz) / max(np.linalg.norm(z),
                                                                np.finfo(float).tiny)
                # done: the error left is about kappa eps / rcond (< 0.1) times the
                # last correction; or the residual's own rounding stops the progress
                if change <= _REFINED or change > 0.5 * last:
                    break
            if not change <= _REFINED:
                return None
        Z[:, cols] = z
    return Z


def _solve_cholesky(design, Y, alphas):
    """Direct solve through the smaller Gram matrix; None if it is ill-conditioned."""
    n_samples, n_features = design.shape
    if n_samples >= n_features:
        rhs = design.tdot(Y)
        G = design.gram_features()
        if not design.finite:
            return None
        W = _cholesky_columns(G, rhs, alphas, design.kappa,
                              lambda Z: design.tdot(design.dot(Z)))
        return None if W is None else W.T
    # p > n: w = Xc^T (Xc Xc^T + alpha I)^{-1} y
    K = design.gram_samples()
    if not design.finite:
        return None
    C = _cholesky_columns(K, Y, alphas, design.kappa,
                          lambda C: design.dot(design.tdot(C)))
    return None if C is None else design.tdot(C).T


def _spectral_filter(s2, alphas, s=None):
    """f[j, k] = s_j / (s_j^2 + alpha_k) (or 1 / (lambda_j + alpha_k) when s is None);
    for alpha == 0, directions with s_j^2 below rounding get 0 (minimum norm)."""
    s2 = np.maximum(s2, 0)
    top = s2.max() if len(s2) else 0.0
    keep = s2 > top * (max(len(s2), 1) * np.finfo(np.float64).eps) ** (
        1 if s is None else 2)
    denom = s2[:, None] + alphas[None, :]
    num = np.ones_like(s2) if s is None else s
    with np.errstate(divide="ignore", invalid="ignore"):
        f = num[:, None] / denom
    f[~np.isfinite(f) | ((alphas[None, :] == 0) & ~keep[:, None])] = 0
    return f


def _svd(X):
    """Thin SVD of dense X (divide and conquer, QR iteration if that fails)."""
    try:
        return linalg.svd(X, full_matrices=False, check_finite=False)
    except linalg.LinAlgError:
        return linalg.svd(X, full_matrices=False, check_finite=False,
                          lapack_driver="gesvd")


def _solve_svd(design, Y, alphas):
    """SVD of Xc (dense) or eigendecomposition of the smaller Gram matrix (sparse)."""
    if not design.sparse:
        U, s, Vt = _svd(design.fortran())
        f = _spectral_filter(s ** 2, alphas, s)
        return (Vt.T @ (f * (U.T @ Y))).T
    n_samples, n_features = design.shape
    if n_samples >= n_features:
        lam, V = linalg.eigh(design.gram_features(), lower=False, driver="evd")
        f = _spectral_filter(lam, alphas)
        return (V @ (f * (V.T @ design.tdot(Y)))).T
    lam, Q = linalg.eigh(design.gram_samples(), lower=False, driver="evd")
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
