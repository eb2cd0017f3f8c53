"""`Ridge` and `RidgeCV`: drop-in replacements for scikit-learn's estimators.

Ridge has a closed form, so fastreg solves it directly wherever it can:

* ``_prepare`` centers the data (weighted means) and scales rows by sqrt(sample_weight)
  (weights rescaled to sum to n_samples; the penalty is rescaled to match) into a
  ``_Design``: dense float64 X without weights is not copied (the centering is applied
  inside the products, and the Gram matrix is X^T X - n mu mu^T), other dense X is
  centered into one float64 copy; sparse X is never densified (implicit centering),
  except for the few columns whose means exceed their spreads (dense, centered);
* dense and moderately sized sparse problems: Cholesky factorization (LAPACK) of
  X^T X + alpha I when n_samples >= n_features, of X X^T + alpha I otherwise, one
  factorization per distinct alpha shared by all targets; when the factorization
  fails or its condition estimate says the normal equations lose more than ~8 digits
  (counting the rounding of implicit centering), explicit centering, then the SVD of X
  (minimum-norm least squares for alpha == 0);
* large sparse problems: conjugate gradients (SciPy) on the normal equations;
* ``positive=True`` and ``solver='cd'``: the compiled coordinate-descent kernel with
  l1_ratio = 0, stopped on the ridge duality gap; ``positive=True`` on sparse X with
  many features, or with alpha = 0: gradient projection and conjugate gradients
  (GPCG) on products with X (no p x p matrix).

Everything is computed in float64; float32 input gives float32 attributes.

RidgeCV's leave-one-out errors for every alpha come from one eigendecomposition (or
one SVD): each extra alpha costs O(n_samples * min(n_samples, n_features)) per target,
run for blocks of alphas as matrix products.
"""
import inspect
import numbers
import warnings
from contextlib import nullcontext

import numpy as np
from scipy import linalg, sparse
from scipy.linalg import blas, lapack
from scipy.sparse import linalg as sp_linalg
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils import assert_all_finite
from sklearn.utils.validation import (
    _check_feature_names, _check_n_features, validate_data,
)

from ._base import LinearPredictMixin
from ._engine import single_threaded_blas, solve_arrays, warn_not_converged
from ._linalg import gram, matmul, sq_norm, vdot
from ._prepare import rescaled_weights
from ._validation import check_bool, check_number, check_sample_weight

_SKLEARN_SOLVERS = ("auto", "svd", "cholesky", "lsqr", "sparse_cg", "sag", "saga",
                    "lbfgs")
_SOLVERS = _SKLEARN_SOLVERS + ("cd",)
# Cholesky is trusted when LAPACK's reciprocal condition estimate of the factored
# matrix is at least this: its forward error (~ eps / rcond) then stays below ~1e-8
_RCOND_MIN = 1e-8
# implicitly centered Gram matrices: refine the solution when its error bound
# kappa eps / rcond exceeds _REFINE_FROM; accepted once a correction is below
# _REFINED (relative): what is left is at most a tenth of that
_REFINE_FROM = 1e-10
_REFINED = 1e-10
_REFINE_STEPS = 4
# sparse X: Gram matrices up to this size (min(n_samples, n_features)) are formed and
# factored; larger problems run conjugate gradients
_SPARSE_DIRECT_MAX = 2000
# eigendecompositions of matrices smaller than this run on one thread
_SMALL_EIGH = 256


# --------------------------------------------------------------------------------------
# Data: centering, weights, and products with the centered design
# --------------------------------------------------------------------------------------

def _full(upper):
    """The full symmetric matrix whose upper triangle is that of ``upper``."""
    upper = np.triu(upper)
    return upper + np.triu(upper, 1).T


class _Design:
    """The centered, weighted design Xc = diag(s) (X - 1 mu^T), s = sqrt(sample_weight),
    in the form each solver needs, never written into the caller's X.

    Held as two column blocks (``cols`` = their column indices; None: one block, the
    implicit one, holds every column):

    * implicit block ``A`` = diag(s) X (dense: Fortran or C, possibly the caller's own
      array; sparse: CSR): its centering by the (weighted) column means ``mu`` (None:
      already centered, or no intercept) is applied inside every product, so sparse X
      stays sparse and dense X is not copied. With ``lazy_mean`` (dense X, no
      weights) the means are computed on first need (by BLAS: X^T 1 / n);
    * explicit block ``D`` (sparse X only): the columns whose mean exceeds their spread,
      densified and centered. Implicit centering of those would cancel digits (the
      Gram matrix X^T X - n mu mu^T loses ~(mean / spread)^2 digits); they are at least
      half nonzero, so their dense copy costs at most 4/3 of their sparse storage.

    Forming a Gram matrix sets ``kappa``: sum(s^2) ||mu||^2 over its largest diagonal
    entry, the factor by which the rounding error of the implicitly centered Gram
    matrix exceeds that of explicitly centered data; and ``finite``: whether its
    diagonal is finite (NaN or infinity anywhere in X makes it NaN or infinite).
    """

    def __init__(self, A, mu=None, sqrt_sw=None, D=None, cols=None, lazy_mean=False):
        n = A.shape[0]
        self.A, self._mu, self.D, self.cols = A, mu, D, cols
        self.sparse = sparse.issparse(A)
        self._lazy = lazy_mean and mu is None and not self.sparse
        self.centered = mu is not None or self._lazy   # centering is implicit
        self.sqrt_sw = np.ones(n) if sqrt_sw is None else sqrt_sw
        p = A.shape[1] + (0 if D is None else D.shape[1])
        self.shape = (n, p)
        self.kappa, self.finite = 0.0, True

    @property
    def mu(self):
        """Column means of the implicit block (None without implicit centering)."""
        if self._lazy and self._mu is None:
            n = self.shape[0]
            self._mu = matmul(self.A, np.full(n, 1.0 / n), trans_a=True)
        return self._mu

    # products ------------------------------------------------------------------------

    def _split(self, V):
        if self.cols is None:
            return V, None
        return V[self.cols[0]], V[self.cols[1]]

    def dot(self, V):
        """Xc @ V (V of shape (p,) or (p, k))."""
        Vi, Ve = self._split(V)
        out = np.asarray(self.A @ Vi) if self.sparse else matmul(self.A, Vi)
        mu = self.mu
        if mu is not None:
            out = out - np.multiply.outer(self.sqrt_sw, mu @ Vi)
        if self.D is not None:
            out = out + self.D @ Ve
        return out

    def tdot(self, C):
        """Xc^T @ C (C of shape (n,) or (n, k)) as A^T (C - s (s^T C) / (s^T s)): with mu
        the weighted means, Xc^T C = A^T C - mu (s^T C) = A^T P C, P the projection
        off s; the means are not needed."""
        if self.centered:
            s = self.sqrt_sw
            C = C - np.multiply.outer(s, vdot(s, C) / sq_norm(s))
        if self.sparse:
            out_i = np.asarray(self.A.T @ C)
        elif C.ndim == 2 and C.shape[1] == 1:
            # BLAS gemv: gemm is several times slower on a single column
            out_i = matmul(self.A, C[:, 0], trans_a=True)[:, None]
        else:
            out_i = matmul(self.A, C, trans_a=True)
        if self.cols is None:
            out = out_i
        else:
            out = np.empty((self.shape[1],) + np.shape(C)[1:])
            out[self.cols[0]] = out_i
            out[self.cols[1]] = self.D.T @ C
        return out

    def col_sq_norms(self):
        """Squared norms of the columns of Xc (the diagonal of Xc^T Xc)."""
        A, mu = self.A, self.mu
        if self.sparse:
            sq = np.asarray(A.multiply(A).sum(axis=0)).ravel()
        else:
            sq = np.einsum("ij,ij->j", A, A)
        if mu is not None:
            sq = np.maximum(sq - sq_norm(self.sqrt_sw) * mu ** 2, 0)
        if self.cols is None:
            return sq
        out = np.empty(self.shape[1])
        out[self.cols[0]] = sq
        out[self.cols[1]] = np.einsum("ij,ij->j", self.D, self.D)
        return out

    # Gram matrices (upper triangle valid; set kappa and finite) -----------------------

    def _check(self, M, shift):
        diag = np.diag(M)
        self.finite = bool(np.all(np.isfinite(diag)))
        top = float(np.max(diag)) if len(diag) else 0.0
        self.kappa = shift / top if top > 0 else (np.inf if shift else 0.0)

    def gram_features(self):
        """Xc^T Xc (n_features, n_features); its upper triangle is valid."""
        A, s = self.A, self.sqrt_sw
        if self.sparse:
            Gi = np.asarray((A.T @ A).toarray())
        else:
            Gi = gram(A, features=True)
        mu = self.mu
        shift = 0.0
        if mu is not None and len(mu):
            ss = sq_norm(s)
            shift = ss * sq_norm(mu)
            # Gi -= sum(s^2) mu mu^T  (upper triangle, in place)
            Gi = blas.dsyr(-ss, mu, a=Gi, lower=0, overwrite_a=1)
        if self.cols is None:
            G = Gi
        else:
            imp, exp = self.cols
            G = np.empty((self.shape[1],) * 2)
            G[np.ix_(imp, imp)] = _full(Gi)
            cross = np.asarray(A.T @ self.D)
            if mu is not None:
                cross -= np.outer(mu, s @ self.D)
            G[np.ix_(imp, exp)] = cross
            G[np.ix_(exp, imp)] = cross.T
            G[np.ix_(exp, exp)] = self.D.T @ self.D
        self._check(G, shift)
        return G

    def gram_samples(self):
        """Xc Xc^T (n_samples, n_samples); its upper triangle is valid. The centering
        is done on the Gram matrix of the implicit block itself: with K = A A^T and
        v = A mu = K s / (s @ s) (mu being the weighted means), Xc Xc^T = K - v s^T
        - s v^T + (mu @ mu) s s^T, one rank-2 update, no further pass over X."""
        A, s = self.A, self.sqrt_sw
        if self.sparse:
            K = np.asarray((A @ A.T).toarray())
        else:
            K = gram(A, features=False)
        shift = 0.0
        if self.centered and A.shape[1]:
            ss = sq_norm(s)
            v = blas.dsymv(1.0 / ss, K, s, lower=0)       # A mu
            mm = float(vdot(s, v)) / ss                         # mu @ mu
            shift = ss * mm
            # K -= u s^T + s u^T with u = v - (mu @ mu) / 2 s
            K = blas.dsyr2(-1.0, v - 0.5 * mm * s, s, a=K, lower=0, overwrite_a=1)
        if self.D is not None:
            K = _full(K) + self.D @ self.D.T
        self._check(K, shift)
        return K

    # explicit forms -------------------------------------------------------------------

    def fortran(self):
        """Xc as a dense Fortran array (dense designs only), copied only if needed."""
        A, mu = self.A, self.mu
        if mu is None:
            return np.asfortranarray(A)
        Xc = np.empty(self.shape, order="F")
        np.subtract(A, np.multiply.outer(self.sqrt_sw, mu), out=Xc)
        return Xc

    def explicit(self):
        """The same design with dense X centered explicitly (no cancellation)."""
        if self.sparse or not self.centered:
            return self
        return _Design(self.fortran(), None, self.sqrt_sw)


# sparse columns whose squared mean exceeds _SPLIT_RATIO times their variance go to the
# explicit dense block of _Design
_SPLIT_RATIO = 1.0


def _prepare(X, Y, fit_intercept, sw, implicit=False):
    """Center and weight the data. Returns (design, Yc (n, t), X_offset, y_offset (t,),
    scale) where ``scale = n_samples / sum(sw)``: the prepared problem carries the
    weights rescaled to sum to n_samples, so it solves scikit-learn's ridge with
    penalty ``scale * alpha``, and its squared residuals are ``scale`` times the
    weighted ones.

    Dense X is copied (centered, weighted, in float64, Fortran order) unless
    ``implicit`` allows a float64 X without weights to be used as it is, centered
    inside the products (``_Design.explicit`` undoes that when it costs accuracy);
    its means are then computed when first needed, and X_offset is None (read
    ``design.mu``).
    """
    n_samples, n_features = X.shape
    scale = 1.0 if sw is None else n_samples / float(np.sum(sw))
    swr = rescaled_weights(sw, n_samples)
    sqrt_sw = np.ones(n_samples) if swr is None else np.sqrt(swr)
    if fit_intercept:
        if swr is None:
            y_offset = Y.mean(axis=0)
        else:
            y_offset = (swr @ Y) / n_samples
        Yc = Y - y_offset
    else:
        y_offset = np.zeros(Y.shape[1])
        Yc = Y
    if swr is not None:
        Yc = Yc * sqrt_sw[:, None]

    if sparse.issparse(X):
        X = sparse.csr_matrix(X, dtype=np.float64)
        Xs = X if swr is None else sparse.csr_matrix(sparse.diags(sqrt_sw) @ X)
        if not fit_intercept:
            return (_Design(Xs, None, sqrt_sw), Yc, np.zeros(n_features), y_offset,
                    scale)
        w = np.ones(n_samples) if swr is None else swr
        X_offset = np.asarray(w @ X).ravel() / n_samples
        sq = np.asarray(Xs.multiply(Xs).sum(axis=0)).ravel() / n_samples
        var = np.maximum(sq - X_offset ** 2, 0)
        exp = np.flatnonzero(X_offset ** 2 > _SPLIT_RATIO * var)
        if len(exp) == 0:
            return _Design(Xs, X_offset, sqrt_sw), Yc, X_offset, y_offset, scale
        imp = np.setdiff1d(np.arange(n_features), exp)
        D = np.asfortranarray(Xs[:, exp].toarray())
        D -= np.multiply.outer(sqrt_sw, X_offset[exp])
        design = _Design(sparse.csr_matrix(Xs[:, imp]), X_offset[imp], sqrt_sw, D,
                         (imp, exp))
        return design, Yc, X_offset, y_offset, scale

    if implicit and swr is None and X.dtype == np.float64:
        # X as it is; its means come with the first product (X_offset: design.mu)
        return (_Design(X, lazy_mean=fit_intercept), Yc,
                None if fit_intercept else np.zeros(n_features), y_offset, scale)
    if not fit_intercept:
        X_offset = np.zeros(n_features)
    elif swr is None and X.dtype == np.float64 and X.flags.f_contiguous:
        # BLAS (X^T 1 / n): much faster than a reduction along the first axis
        X_offset = matmul(X, np.full(n_samples, 1.0 / n_samples), trans_a=True)
    elif swr is None:
        X_offset = np.mean(X, axis=0, dtype=np.float64)
    else:
        X_offset = np.asarray(swr @ X, dtype=np.float64) / n_samples
    Xc = np.empty(X.shape, order="F")
    if fit_intercept:
        np.subtract(X, X_offset, out=Xc)
    else:
        Xc[...] = X
    if swr is not None:
        Xc *= sqrt_sw[:, None]
    return _Design(Xc, None, sqrt_sw), Yc, X_offset, y_offset, scale


# --------------------------------------------------------------------------------------
# Solvers on prepared data: each returns coef of shape (n_targets, n_features)
# --------------------------------------------------------------------------------------

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
    # column sum plus its largest row sum (an overestimate by at most 2x)
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
        c, info = lapack.dpotrf(F, lower=0, clean=0, overwrite_a=1)
        if info != 0:
            return None
        rcond, info = lapack.dpocon(c, anorm + a, uplo="U")
        if info != 0 or not rcond >= _RCOND_MIN:
            return None
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
                dz, info = lapack.dpotrs(c, residual, lower=0)
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


def _solve_positive(design, Y, alphas, tol, max_iter):
    """Non-negative ridge by gradient projection and conjugate gradients (GPCG: Moré
    and Toraldo, "On the solution of large quadratic programming problems with bound
    constraints", SIAM J. Optim. 1(1), 1991, alg. 5.1), on products with Xc only:
    X is never densified and no p x p matrix is formed.

    Minimizes f(w) = 1/2 ||y - Xc w||^2 + 1/2 a ||w||^2 subject to w >= 0 (half the
    prepared ridge objective). Each iteration: projected gradient steps (from the
    exact minimizer along -g, projected Armijo search) while they change the set of
    zero coefficients and still decrease f substantially; then conjugate gradients on
    the nonzero coefficients (the others held at 0) until an iteration gains less than
    a tenth of the best one, and a projected search along that direction. On the
    optimal face the conjugate gradients solve the problem: the method ends exactly.

    Stops when the ridge duality gap (the kernel's formulation B with positive parts)
    is at most ``tol * 2 f(w)``, for a = 0 (non-negative least squares, no bounded
    dual) when every projected gradient entry is at most ``tol * ||Xc^T y||_inf``,
    or when no step decreases f beyond rounding; then polishes the result to the
    exact minimizer on its face (see below).
    """
    n_samples, n_features = design.shape
    coef = np.zeros((Y.shape[1], n_features))
    n_iter = np.zeros(Y.shape[1], dtype=np.int32)
    eps = np.finfo(np.float64).eps
    for k, a in enumerate(alphas):
        y = Y[:, k]
        yy = float(y @ y)
        w = np.zeros(n_features)
        r = y.copy()                         # y - Xc w
        u = design.tdot(r)                   # Xc^T r
        scale0 = float(np.max(np.abs(u))) if n_features else 0.0
        f = 0.5 * yy

        def measure(w, u, f):
            """Relative optimality measure: the gap over the objective 2 f(w) (for a
            good fit much smaller than ||y||^2: stricter than the kernel's rule), or
            the largest projected gradient entry over ||Xc^T y||_inf."""
            if a > 0:
                gap = 0.5 * a * (w @ w) - u @ w + np.sum(np.maximum(u, 0) ** 2) / (2 * a)
                return gap / (2 * f) if f > 0 else 0.0
            g = -u
            pg = np.where(w > 0, g, np.minimum(g, 0))
            return float(np.max(np.abs(pg))) / scale0 if scale0 > 0 else 0.0

        def search(w, r, f, g, d, t):
            """Projected Armijo search along P(w + t d) (sufficient decrease 1/4 of the
            linear model); returns (w, r, f, moved)."""
            for _ in range(60):
                w_new = np.maximum(w + t * d, 0)
                step = w_new - w
                if not np.any(step):
                    return w, r, f, False
                z = design.dot(step)
                r_new = r - z
                f_new = 0.5 * float(r_new @ r_new) + 0.5 * a * float(w_new @ w_new)
                if f_new <= f + 0.25 * float(g @ step):
                    return w_new, r_new, f_new, True
                t *= 0.5
            return w, r, f, False

        def face_matvec(free):
            def matvec(v):
                full = np.zeros(n_features)
                full[free] = v
                return design.tdot(design.dot(full))[free] + a * v
            return matvec

        rel = measure(w, u, f)
        it = 0
        stalled = False
        while rel > tol and it < max_iter and not stalled:
            it += 1
            f_start = f
            # gradient projection steps
            best = 0.0
            progress = False
            while True:
                g = a * w - u
                d = np.where((w > 0) | (g < 0), -g, 0.0)
                Xd = design.dot(d)
                curv = float(Xd @ Xd) + a * float(d @ d)
                if curv <= 0:
                    stalled = True
                    break
                zero_before = w == 0
                w, r, f_new, moved = search(w, r, f, g, d, float(d @ d) / curv)
                gain, f = f - f_new, f_new
                u = design.tdot(r)
                best = max(best, gain)
                progress |= moved
                if (not moved or np.array_equal(w == 0, zero_before)
                        or gain <= 0.1 * best):
                    break
            rel = measure(w, u, f)
            if rel <= tol or stalled:
                break
            # conjugate gradients on the face of the nonzero coefficients
            g = a * w - u
            free = np.flatnonzero(w > 0)
            if len(free) == 0:
                stalled = not progress
                continue
            z = np.zeros(len(free))
            res = -g[free]
            p = res.copy()
            rr = float(res @ res)
            best = 0.0
            matvec = face_matvec(free)
            for _ in range(max(len(free), 1)):
                Hp = matvec(p)
                pHp = float(p @ Hp)
                if pHp <= 0 or rr <= (eps * scale0) ** 2:
                    break
                step = rr / pHp
                z += step * p
                res -= step * Hp
                gain = 0.5 * step * rr
                best = max(best, gain)
                rr_new = float(res @ res)
                p = res + (rr_new / rr) * p
                rr = rr_new
                if gain <= 0.1 * best:
                    break
            d = np.zeros(n_features)
            d[free] = z
            w, r, f, moved = search(w, r, f, g, d, 1.0)
            u = design.tdot(r)
            rel = measure(w, u, f)
            # neither phase decreases f beyond rounding any more
            stalled = not (progress or moved) or f_start - f <= 4 * eps * abs(f)
        # polish: the exact minimizer on the face found (a tight CG solve); if it
        # leaves the feasible set, step to the boundary, drop the coefficients that
        # reach 0 and solve again (Lawson and Hanson, "Solving least squares
        # problems", 1974, ch. 23); kept only if it lowers f. On the optimal face this
        # is the solution to rounding (kept when f is equal up to rounding: near the
        # solution f is flat while the coefficients still move).
        free = np.flatnonzero(w > 0)
        for _ in range(10):
            if not len(free):
                break
            g = a * w - u
            op = sp_linalg.LinearOperator((len(free),) * 2, matvec=face_matvec(free),
                                          dtype=np.float64)
            z, _ = sp_linalg.cg(op, -g[free], rtol=1e-14, maxiter=4 * len(free) + 20)
            wf = w[free]
            blocked = np.flatnonzero(wf + z <= 0)
            ratios = wf[blocked] / -z[blocked]      # where each reaches 0, in (0, 1]
            theta = float(np.min(ratios)) if len(blocked) else 1.0
            w_new = w.copy()
            w_new[free] = np.maximum(wf + theta * z, 0)
            w_new[free[blocked[ratios <= theta]]] = 0
            r_new = r - design.dot(w_new - w)
            f_new = 0.5 * float(r_new @ r_new) + 0.5 * a * float(w_new @ w_new)
            if f_new > f + 4 * eps * abs(f):       # (equal up to rounding is fine)
                break
            w, r, f = w_new, r_new, f_new
            u = design.tdot(r)
            rel = measure(w, u, f)
            free = np.flatnonzero(w > 0)
            if theta == 1:
                break
        if rel > tol:
            warnings.warn(
                f"Non-negative ridge did not converge after {it} iterations: relative "
                f"gap {rel:.2e}, tolerance {tol:.2e}. Increase max_iter or tol.",
                ConvergenceWarning, stacklevel=4)
        coef[k] = w
        n_iter[k] = max(it, 1)
    return coef, n_iter


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------

def _is_array_like(value):
    """scikit-learn's "array-like" parameter type: anything with a length, a shape or
    an array interface that is not a scalar (0-d arrays count, strings do not)."""
    return (hasattr(value, "__len__") or hasattr(value, "shape")
            or hasattr(value, "__array__")) and not np.isscalar(value)


def _check_real(name, value, strict):
    """An alpha of RidgeCV: a finite real >= 0 (> 0 if strict); Python bools count, as
    numbers.Real (scikit-learn's wording)."""
    if not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r} of type "
                         f"{type(value).__name__}.")
    if not np.isfinite(value):
        raise ValueError(f"{name} == {value!r}, must be finite.")
    if value < 0 or (strict and value == 0):
        raise ValueError(f"{name} == {value!r}, must be {'>' if strict else '>='} 0.")


def _check_alpha(alpha):
    """Ridge's ``alpha`` as a 1-D float64 array, accepted as scikit-learn accepts it: a
    real number >= 0, or any array-like of numbers (of any shape: it is flattened; its
    entries are converted as NumPy converts them, strings of numbers included).
    Unlike scikit-learn, which checks scalars only, array entries must be finite and
    >= 0 too (a negative penalty is no ridge; scikit-learn fails on them later, or
    returns NaN or an indefinite solve)."""
    if not _is_array_like(alpha):
        if not isinstance(alpha, numbers.Real):
            raise ValueError("The 'alpha' parameter must be a real number >= 0 or an "
                             f"array-like of them, got {alpha!r} of type "
                             f"{type(alpha).__name__}.")
        values = np.array([float(alpha)])
    else:
        try:
            values = np.asarray(alpha, dtype=np.float64).ravel()
        except (TypeError, ValueError) as exc:
            raise ValueError("The 'alpha' parameter must be a real number >= 0 or an "
                             f"array-like of them, got {alpha!r} ({exc}).") from None
    if not np.all(np.isfinite(values)):
        raise ValueError(f"The 'alpha' parameter must be finite, got {alpha!r}.")
    if np.any(values < 0):
        raise ValueError(f"The 'alpha' parameter must be >= 0, got {alpha!r}.")
    return values


def _alphas_per_target(alphas, n_targets):
    if alphas.shape[0] not in (1, n_targets):
        raise ValueError(
            "Number of targets and number of penalties do not correspond: "
            f"{alphas.shape[0]} != {n_targets}"
        )
    return np.broadcast_to(alphas, (n_targets,)).copy()


def _check_cv_alphas(alphas, strict):
    """RidgeCV's ``alphas`` as a 1-D float64 array, accepted as scikit-learn accepts
    them: a real number > 0, or a 1-D array-like whose entries are real numbers
    (instances of numbers.Real: Python bools count, NumPy bools and strings do not),
    > 0 for leave-one-out (``strict``), >= 0 for K-fold. Unlike scikit-learn, entries
    must be finite, the array must not be empty, and a scalar also works with K-fold
    (scikit-learn then fails with a TypeError)."""
    if not _is_array_like(alphas):
        _check_real("alphas", alphas, strict=True)
        return np.array([float(alphas)])
    if isinstance(alphas, np.ndarray) and alphas.ndim == 1 and \
            alphas.dtype.kind in "iuf" and len(alphas):
        # every entry is a numbers.Real: check the values at once, report the first
        values = alphas.astype(np.float64)
        bad = ~np.isfinite(values) | (values < 0) | ((values == 0) & strict)
        if np.any(bad):
            index = int(np.argmax(bad))
            _check_real("alphas" if len(values) == 1 else f"alphas[{index}]",
                        alphas[index], strict)
        return values
    if isinstance(alphas, (np.ndarray, list, tuple)):
        if np.ndim(alphas) == 0:
            raise ValueError("alphas must be a real number or a 1-D array-like of them, "
                             f"got the 0-d array {alphas!r}.")
        values = list(alphas)
    else:
        values = np.asarray(alphas)
        if values.ndim != 1 or values.dtype.kind not in "biuf":
            raise ValueError("alphas must be a real number or a 1-D array-like of them, "
                             f"got {alphas!r}.")
        values = values.astype(np.float64).tolist()
    if len(values) == 0:
        raise ValueError("The 'alphas' parameter must not be empty.")
    for index, a in enumerate(values):
        name = "alphas" if len(values) == 1 else f"alphas[{index}]"
        _check_real(name, a, strict)
    return np.asarray(values, dtype=np.float64)


def _validate_xy(estimator, X, y, accept_sparse, dtype, ensure_all_finite=True):
    if (not ensure_all_finite and type(X) is np.ndarray and type(y) is np.ndarray
            and X.ndim == 2 and X.dtype in (np.float64, np.float32)
            and min(X.shape) >= 1 and y.dtype.kind == "f" and y.ndim in (1, 2)
            and y.shape[0] == X.shape[0] and min(y.shape) >= 1 and np.isfinite(y).all()):
        # plain float arrays need none of validate_data's conversions (it would return
        # them as they are): only what it records (n_features_in_, and the removal of
        # feature_names_in_ left by an earlier fit on a DataFrame); on small data
        # validate_data costs ~15% of the solve
        _check_n_features(estimator, X, reset=True)
        _check_feature_names(estimator, X, reset=True)
        return X, y
    X, y = validate_data(estimator, X, y, accept_sparse=accept_sparse, dtype=dtype,
                         multi_output=True, y_numeric=True,
                         ensure_all_finite=ensure_all_finite)
    return X, y


def _raise_not_finite(X):
    """After a solve produced NaN or infinity: scikit-learn's error if X is not finite,
    otherwise an overflow."""
    assert_all_finite(X, estimator_name="Ridge", input_name="X")
    raise ValueError("Ridge produced non-finite values: the input data contain values "
                     "too large for float64; rescale them.")


def _finish(coef, X_offset, y_offset, fit_intercept, one_d, dtype):
    """coef_ and intercept_ in scikit-learn's shapes from coef (t, p)."""
    coef = coef.astype(dtype, copy=False)
    if one_d:
        coef = coef[0]
    if fit_intercept:
        y_off = y_offset[0] if y_offset.ndim == 1 and one_d == "1d" else y_offset
        intercept = (np.asarray(y_off, dtype=dtype)
                     - X_offset.astype(dtype) @ coef.T)
    else:
        intercept = 0.0
    return coef, intercept


# --------------------------------------------------------------------------------------
# Ridge
# --------------------------------------------------------------------------------------

class Ridge(LinearPredictMixin, MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Linear least squares with L2 regularization.

    Minimizes, exactly as :class:`sklearn.linear_model.Ridge`::

        ||y - Xw - b||^2_2 + alpha * ||w||^2_2

    with sample weights multiplying the squared errors (not rescaled: multiplying them
    by k is the same as dividing alpha by k). Each target may have its own alpha.

    Solvers. Every name scikit-learn accepts is accepted; fastreg serves them with its
    exact solvers:

    * dense X, ``positive=False`` ('auto', 'cholesky', 'lsqr', 'sparse_cg', 'sag',
      'saga'): Cholesky factorization (LAPACK) of X^T X + alpha I (n_samples >=
      n_features) or X X^T + alpha I (n_features > n_samples), one per distinct alpha,
      formed from X itself without a centered copy when X is float64 and unweighted;
      when the factorization fails or is ill-conditioned (reciprocal condition
      estimate below 1e-8, times the rounding factor of implicit centering), the same
      on explicitly centered X, then the SVD of X. 'svd' always uses the SVD. With
      alpha = 0 and rank-deficient X the result is the minimum-norm least-squares
      solution (never NaN).
    * sparse X (never densified; centering is implicit, except for columns whose
      means exceed their spreads, which are centered densely): the same direct
      solve on the Gram matrix when min(n_samples, n_features) <= 2000, otherwise
      conjugate gradients on the normal equations with relative tolerance ``tol``.
    * ``positive=True`` ('auto' or 'lbfgs') and 'cd' (a fastreg extension):
      coordinate descent in compiled code with covariance updates, stopped when the
      ridge duality gap is at most ``tol * ||y||^2`` (y centered, weighted). For
      sparse X with more than 2000 features, and for alpha = 0, ``positive=True``
      runs gradient projection and conjugate gradients (GPCG) on products with X
      (no n_features^2 matrix), stopped when the gap is at most ``tol`` times the
      objective (alpha = 0: when every projected gradient entry is at most
      ``tol * ||X^T y||_inf``), then solved exactly on the face it found;
      ``solver='cd'`` with alpha = 0 and ``positive=False`` is solved directly.

    Computations run in float64; float32 input gives float32 attributes (as
    scikit-learn's), at least as accurate as scikit-learn's float32 solves.

    Parameters
    ----------
    alpha : float or array-like of shape (n_targets,), default=1.0
        Penalty (>= 0, finite): one for all targets, or one per target. As in
        scikit-learn, any array-like is flattened and converted to floats.
    fit_intercept : bool, default=True
        Whether to fit an intercept; if False, the data are assumed centered.
    copy_X : bool, default=True
        Accepted for compatibility: fastreg never writes into X.
    max_iter : int or None, default=None
        Maximum iterations of the iterative solvers (conjugate gradients: SciPy's
        default; coordinate descent: 1000 sweeps; GPCG: 1000 iterations).
        Unused by the direct solvers.
    tol : float, default=1e-4
        Tolerance of the iterative solvers: relative residual of conjugate gradients,
        relative duality gap of coordinate descent and GPCG (see "Solvers"). Unused
        by the direct solvers.
    solver : {'auto', 'svd', 'cholesky', 'lsqr', 'sparse_cg', 'sag', 'saga', \
'lbfgs', 'cd'}, default='auto'
        See "Solvers" above. As in scikit-learn, 'lbfgs' requires ``positive=True``,
        ``positive=True`` requires 'auto' or 'lbfgs' (or 'cd'), and sparse X with an
        intercept rejects 'svd', 'cholesky' and 'saga'.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Accepted for compatibility: no fastreg solver is randomized.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Weight vector(s).
    intercept_ : float or ndarray of shape (n_targets,)
        Intercept; 0.0 when ``fit_intercept=False``.
    n_iter_ : ndarray of shape (n_targets,)
        Iterations per target: 1 for a direct solve (scikit-learn gives None there).
    solver_ : str
        The method used: 'cholesky', 'svd', 'sparse_cg', 'cd' or 'gpcg'.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, copy_X=True, max_iter=None,
                 tol=1e-4, solver="auto", positive=False, random_state=None):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.positive = positive
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = (self.solver != "svd") and (
            self.solver != "cholesky" or not self.fit_intercept)
        return tags

    def _validate_params(self):
        """Validate the parameters; returns alpha as a 1-D float64 array."""
        for name in ("fit_intercept", "copy_X", "positive"):
            check_bool(name, getattr(self, name))
        if self.max_iter is not None:
            check_number("max_iter", self.max_iter, low=1, integer=True)
        check_number("tol", self.tol, low=0)
        if not (isinstance(self.solver, str) and self.solver in _SOLVERS):
            raise ValueError(f"The 'solver' parameter must be one of {_SOLVERS}, got "
                             f"{self.solver!r}.")
        return _check_alpha(self.alpha)

    def _method(self, is_sparse, n_small, n_features, alphas):
        """The method serving ``self.solver``, with scikit-learn's constraints."""
        solver = self.solver
        if solver == "lbfgs" and not self.positive:
            raise ValueError("'lbfgs' solver can be used only when positive=True. "
                             "Please use another solver.")
        if self.positive:
            if solver not in ("auto", "lbfgs", "cd"):
                raise ValueError(
                    f"solver='{solver}' does not support positive fitting. Please"
                    " set the solver to 'auto' or 'lbfgs', or set `positive=False`")
            # coordinate descent on the Gram matrix, unless that is a large dense
            # matrix for sparse X; alpha = 0 has no ridge dual to stop the kernel on
            if np.any(alphas == 0) or (is_sparse and n_features > _SPARSE_DIRECT_MAX):
                return "gpcg"
            return "cd"
        if is_sparse and self.fit_intercept and solver in ("svd", "cholesky", "saga"):
            raise ValueError(
                f"solver='{solver}' does not support fitting the intercept "
                "on sparse data. Please set the solver to 'auto' or "
                "'lsqr', 'sparse_cg', 'sag', 'lbfgs' "
                "or set `fit_intercept=False`")
        if solver == "cd" and not np.any(alphas == 0):
            return "cd"
        if solver == "svd":
            if is_sparse:
                raise TypeError("SVD solver does not support sparse inputs currently")
            return "svd"
        if is_sparse and n_small > _SPARSE_DIRECT_MAX:
            return "sparse_cg"
        return "cholesky"

    def fit(self, X, y, sample_weight=None):
        """Fit the ridge regression model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Sample weights (a float gives every sample the same weight).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        alpha = self._validate_params()
        accept = "csr" if self.solver in ("auto", "sag", "saga") else \
            ["csr", "csc", "coo"]
        # X's finiteness: checked below, or, for the Cholesky solve of dense X, on the
        # diagonal of its Gram matrix (NaN or infinity anywhere in X shows there)
        X, y = _validate_xy(self, X, y, accept, [np.float64, np.float32],
                            ensure_all_finite=False)
        dtype = X.dtype
        n_samples, n_features = X.shape
        one_d = "1d" if y.ndim == 1 else (y.shape[1] == 1)
        Y = np.asarray(y, dtype=np.float64).reshape(n_samples, -1)
        alphas = _alphas_per_target(alpha, Y.shape[1])
        if sample_weight is not None and isinstance(sample_weight, numbers.Number):
            sw = np.full(n_samples, float(sample_weight))
            check_number("sample_weight", float(sample_weight), low=0, low_open=True)
        else:
            sw = check_sample_weight(sample_weight, n_samples, np.float64)
        is_sparse = sparse.issparse(X)
        method = self._method(is_sparse, min(n_samples, n_features), n_features, alphas)
        if is_sparse or method != "cholesky":
            assert_all_finite(X, estimator_name=type(self).__name__, input_name="X")
        # dense float64 X without weights is not copied for Cholesky: centered inside
        # the products (the Gram matrix is X^T X - n mu mu^T, checked for cancellation)
        design, Yc, X_offset, y_offset, scale = _prepare(
            X, Y, self.fit_intercept, sw, implicit=method == "cholesky")
        alphas_p = scale * alphas          # penalty of the prepared problem
        max_iter = 1000 if self.max_iter is None else self.max_iter
        n_iter = np.ones(Y.shape[1], dtype=np.int32)
        if method == "cholesky":
            # (X is not checked for NaN / infinity before: no warnings from them)
            with np.errstate(over="ignore", invalid="ignore"):
                coef = _solve_cholesky(design, Yc, alphas_p)
            if not design.finite:
                _raise_not_finite(X)
            if X_offset is None:
                X_offset = design.mu
            if coef is None and design.centered and not design.sparse:
                # implicit centering cost too many digits here: center explicitly
                design = design.explicit()
                coef = _solve_cholesky(design, Yc, alphas_p)
            if coef is None:
                method = "svd"
        if method == "svd":
            coef = _solve_svd(design, Yc, alphas_p)
        elif method == "sparse_cg":
            coef, n_iter = _solve_cg(design, Yc, alphas_p, self.tol, self.max_iter)
        elif method == "cd":
            coef, n_iter = _solve_cd(design, Yc, alphas_p, self.tol, max_iter,
                                     self.positive)
        elif method == "gpcg":
            coef, n_iter = _solve_positive(design, Yc, alphas_p, self.tol, max_iter)
        if not np.all(np.isfinite(coef)):
            _raise_not_finite(X)
        self.coef_, self.intercept_ = _finish(coef, X_offset, y_offset,
                                              self.fit_intercept, one_d, dtype)
        self.n_iter_ = n_iter
        self.solver_ = method
        return self



# --------------------------------------------------------------------------------------
# RidgeCV
# --------------------------------------------------------------------------------------

class _Spectrum:
    """One decomposition of a prepared problem giving, for any alpha, the ridge
    coefficients and the leave-one-out residuals (Rifkin & Lippert, "Notes on
    regularized least squares", MIT-CSAIL-TR-2007-025, 2007).

    With G = Xc Xc^T + alpha I and c = G^{-1} y, the leave-one-out residuals are
    c / diag(G^{-1}); with an intercept (the column sqrt_sw, centered out of Xc),
    diag(G^{-1}) loses G^{-1} sqrt_sw * sqrt_sw / sum(sw) (scikit-learn's _RidgeGCV).

    * wide (n <= p): G^{-1} = Q diag(1 / (lam + alpha)) Q^T with Xc Xc^T = Q lam Q^T
      (eigendecomposition, or Q = U, lam = s^2 of the SVD of Xc);
    * long (n > p): alpha G^{-1} = I - B diag(1 / (lam + alpha)) B^T with B = Xc V,
      Xc^T Xc = V lam V^T (or B = U s from the SVD).

    Per alpha and target: O(n * min(n, p)) operations, run for blocks of alphas at
    once as matrix products (one pass over B or Q per block, not per alpha).
    """

    def __init__(self, design, Y, mode, fit_intercept):
        n_samples, n_features = design.shape
        self.design, self.Y, self.fit_intercept = design, Y, fit_intercept
        self.wide = n_samples <= n_features
        self.sqrt_sw = design.sqrt_sw
        self.svd = mode == "svd"
        if self.svd:
            U, s, Vt = _svd(design.fortran())
            self.lam, self.s, self.V = s ** 2, s, Vt.T
            if self.wide:
                self.Q = U
            else:
                self.B = U * s
        else:
            # (the full matrix: LAPACK's tridiagonal reduction from the lower triangle
            # was the more accurate on badly scaled real data, e.g. ames). Divide and
            # conquer (evd): the default MRRR driver (evr) took 8 ms instead of 0.3 on
            # riboflavin's 71 x 71 centered Gram matrix (its zero eigenvalue, with
            # OpenBLAS threads), and 1.6x evd's time at 1000 x 1000
            self.gram = _full(design.gram_samples() if self.wide
                              else design.gram_features())
            self.kappa = design.kappa
            # small: SciPy's LAPACK on one thread (no gain from two, and its threads
            # lost to NumPy's, still spinning after the Gram product: 8 ms against
            # 0.3 on riboflavin's 71 x 71)
            with single_threaded_blas if len(self.gram) < _SMALL_EIGH else nullcontext():
                lam, vectors = linalg.eigh(self.gram, driver="evd", check_finite=False)
            self.lam = np.maximum(lam, 0)   # a Gram matrix: rounding made some < 0
            if self.wide:
                self.Q = vectors
            else:
                self.V = vectors
                A = design.A
                if (design.mu is None and design.D is None and not design.sparse
                        and A.flags.f_contiguous):
                    # B = Xc V in C order, computed as B^T = V^T Xc^T (SciPy's BLAS):
                    # loo_residuals reads it by blocks of rows
                    self.B = blas.dgemm(1.0, vectors, A, trans_a=1, trans_b=1).T
                else:
                    self.B = design.dot(self.V)
        M = self.Q if self.wide else self.B
        self.MtY = M.T @ Y
        self.Mts = M.T @ self.sqrt_sw

    def loo_residuals(self, alphas, rows=1 << 20):
        """Leave-one-out residuals (n, len(alphas), t) of the prepared problem, by
        blocks of rows of Q or B of about ``rows`` floats (their squares are formed
        block by block, never in full)."""
        n, t = self.Y.shape
        k = len(alphas)
        D = 1.0 / (self.lam[:, None] + alphas[None, :])             # (r, k)
        r = len(self.lam)
        DY = (D[:, :, None] * self.MtY[:, None, :]).reshape(r, k * t)
        s = self.sqrt_sw
        ss = sq_norm(s)
        # the intercept's share of the diagonal: the column s, centered out of Xc.
        # Wide: it lies in the null space of Xc Xc^T, so it is one of Q's columns
        # (Q^T s != 0); long: B^T s = V^T Xc^T s = 0, so only s s^T / (s^T s) is left.
        DQs = D * self.Mts[:, None] if self.fit_intercept and self.wide else None
        out = np.empty((n, k, t))
        M = self.Q if self.wide else self.B
        step = max(1, rows // max(r, 1))
        for start in range(0, n, step):
            i = slice(start, min(start + step, n))
            Mi = M[i]
            fit = matmul(Mi, DY).reshape(-1, k, t)
            diag = matmul(Mi * Mi, D)                                 # (rows, k)
            if self.wide:
                c = fit
                if DQs is not None:
                    diag -= matmul(Mi, DQs) * (s[i] / ss)[:, None]
            else:
                c = self.Y[i, None, :] - fit
                diag = 1.0 - diag
                if self.fit_intercept:
                    diag -= (s[i] * s[i] / ss)[:, None]
            out[i] = c / diag[:, :, None]
        return out

    def loo_blocks(self, alphas, size=1 << 22):
        """(indices, residuals (n, len(indices), t)) for consecutive blocks of alphas
        whose residuals take about ``size`` floats."""
        n, t = self.Y.shape
        step = max(1, size // max(n * t, 1))
        for start in range(0, len(alphas), step):
            block = range(start, min(start + step, len(alphas)))
            yield block, self.loo_residuals(alphas[start:start + step])

    def final_coef(self, alphas):
        """Coefficients (t, p) as accurate as Ridge's: the SVD mode's own, otherwise a
        Cholesky solve of the Gram matrix (with Ridge's condition check), then the
        SVD of dense X; consumes the Gram matrix. The eigenvectors give the
        leave-one-out residuals, but their coefficients lose digits on badly
        conditioned problems where a Cholesky solve or the SVD does not."""
        if self.svd:
            return self.coef(alphas)
        design, Y = self.design, self.Y
        if self.wide:
            C = _cholesky_columns(self.gram, Y, alphas, self.kappa,
                                  lambda C: design.dot(design.tdot(C)))
            coef = None if C is None else design.tdot(C).T
        else:
            W = _cholesky_columns(self.gram, design.tdot(Y), alphas, self.kappa,
                                  lambda Z: design.tdot(design.dot(Z)))
            coef = None if W is None else W.T
        if coef is None:
            coef = self.coef(alphas) if design.sparse else _solve_svd(design, Y, alphas)
        return coef

    def coef(self, alphas):
        """Coefficients (t, p) for alphas[k] on target k (minimum norm at alpha 0)."""
        D = _spectral_filter(self.lam, alphas)
        if not self.wide:                 # B^T y = V^T Xc^T y
            return (self.V @ (D * self.MtY)).T
        if self.svd:                      # Q^T y = U^T y
            return (self.V @ (self.s[:, None] * D * self.MtY)).T
        return self.design.tdot(self.Q @ (D * self.MtY)).T


class _Identity(RegressorMixin, BaseEstimator):
    """Regressor whose predictions are its input: scores precomputed predictions."""

    def predict(self, X):
        return X


def _scorer_accepts_weights(scorer):
    if hasattr(scorer, "_accept_sample_weight"):
        return scorer._accept_sample_weight()
    return "sample_weight" in inspect.signature(scorer).parameters


class RidgeCV(LinearPredictMixin, MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Ridge regression with built-in cross-validation of alpha.

    Same model and conventions as :class:`Ridge`; drop-in for
    :class:`sklearn.linear_model.RidgeCV`. With ``cv=None``, efficient leave-one-out
    cross-validation: one eigendecomposition of X^T X or X X^T (the smaller), or one
    SVD of X, gives the leave-one-out residuals of every alpha at O(n_samples *
    min(n_samples, n_features)) per alpha and target, with scikit-learn's exact
    definitions (intercept and sample weights included); the final coefficients come
    from Ridge's solver at the selected alpha (a Cholesky solve of the same Gram
    matrix with Ridge's condition check, else the SVD). Otherwise K-fold: one
    eigendecomposition per training fold gives the model of every alpha, scored like
    :class:`sklearn.model_selection.GridSearchCV` scores :class:`Ridge`; the final model
    is a :class:`Ridge` fit on all data with the best alpha.

    Sparse X is not densified, except for the columns whose means exceed their
    spreads (centered densely: implicit centering would cancel digits there).

    Parameters
    ----------
    alphas : float or array-like of shape (n_alphas,), default=(0.1, 1.0, 10.0)
        Penalties to try: a float > 0 or a 1-D sequence of real numbers (finite, not
        empty; > 0 with ``cv=None``, >= 0 otherwise), as scikit-learn accepts them;
        unlike scikit-learn, a float also works with K-fold.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    scoring : str, callable or None, default=None
        Scorer. None: negative mean squared error (weighted by sample_weight) of the
        leave-one-out residuals with ``cv=None``; the estimator's R^2 otherwise.
    cv : int, cross-validation generator, iterable or None, default=None
        None: efficient leave-one-out. Otherwise as
        :func:`sklearn.model_selection.check_cv` (an int gives KFold).
    gcv_mode : {'auto', 'svd', 'eigen'} or None, default=None
        Leave-one-out decomposition: 'svd' the SVD of X (dense X; sparse falls back to
        'eigen' with a FutureWarning, as scikit-learn); 'auto', 'eigen' and None the
        eigendecomposition of X X^T (n_samples <= n_features) or X^T X.
    store_cv_results : bool, default=False
        Store ``cv_results_`` (only with ``cv=None``).
    alpha_per_target : bool, default=False
        Choose alpha for each target separately (only with ``cv=None``).

    Attributes
    ----------
    alpha_ : float or ndarray of shape (n_targets,)
        Selected alpha (per target with ``alpha_per_target=True``).
    best_score_ : float or ndarray of shape (n_targets,)
        Score of the selected alpha.
    cv_results_ : ndarray of shape (n_samples, n_alphas) or \
(n_samples, n_targets, n_alphas)
        With ``store_cv_results=True``: the weighted squared leave-one-out errors when
        ``scoring`` is None, the leave-one-out predictions otherwise.
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Weight vector(s).
    intercept_ : float or ndarray of shape (n_targets,)
        Intercept; 0.0 when ``fit_intercept=False``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.
    """

    def __init__(self, alphas=(0.1, 1.0, 10.0), *, fit_intercept=True, scoring=None,
                 cv=None, gcv_mode=None, store_cv_results=False,
                 alpha_per_target=False):
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.scoring = scoring
        self.cv = cv
        self.gcv_mode = gcv_mode
        self.store_cv_results = store_cv_results
        self.alpha_per_target = alpha_per_target

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = True
        return tags

    def _validate_params(self):
        for name in ("fit_intercept", "store_cv_results", "alpha_per_target"):
            check_bool(name, getattr(self, name))
        if self.gcv_mode not in (None, "auto", "svd", "eigen"):
            raise ValueError("The 'gcv_mode' parameter must be 'auto', 'svd', 'eigen' "
                             f"or None, got {self.gcv_mode!r}.")
        if not (self.scoring is None or isinstance(self.scoring, str)
                or callable(self.scoring)):
            raise ValueError("The 'scoring' parameter must be a str, a callable or "
                             f"None, got {self.scoring!r}.")
        if self.cv is not None:
            if self.store_cv_results:
                raise ValueError("cv!=None and store_cv_results=True are incompatible")
            if self.alpha_per_target:
                raise ValueError("cv!=None and alpha_per_target=True are incompatible")
        return _check_cv_alphas(self.alphas, strict=self.cv is None)

    def fit(self, X, y, sample_weight=None, **params):
        """Fit the ridge model, choosing alpha by cross-validation.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Sample weights. They weight the fits and the scores (leave-one-out
            errors; K-fold test scores when the scorer accepts weights, as
            scikit-learn's GridSearchCV).
        **params : dict
            Not supported (scikit-learn routes metadata here); must be empty.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        if params:
            raise ValueError(f"RidgeCV.fit got unexpected parameters {sorted(params)}: "
                             "fastreg does not route metadata.")
        alphas = self._validate_params()
        scorer = None if self.scoring is None else check_scoring(self, self.scoring)
        X, y = _validate_xy(self, X, y, ["csr", "csc", "coo"], [np.float64, np.float32])
        dtype = X.dtype
        n_samples = X.shape[0]
        if sample_weight is not None and isinstance(sample_weight, numbers.Number):
            sample_weight = np.full(n_samples, float(sample_weight))
        sw = check_sample_weight(sample_weight, n_samples, np.float64)
        if self.cv is None:
            self._fit_loo(X, y, sw, alphas, scorer, dtype)
        else:
            self._fit_kfold(X, y, sw, alphas, dtype)
        return self

    def _fit_loo(self, X, y, sw, alphas, scorer, dtype):
        n_samples = X.shape[0]
        Y = np.asarray(y, dtype=np.float64).reshape(n_samples, -1)
        n_y = Y.shape[1]
        mode = "eigen"
        if self.gcv_mode == "svd":
            if sparse.issparse(X):
                warnings.warn(
                    "The 'svd' mode is not supported for sparse X, we fallback to "
                    "`gcv_mode='eigen'`. Passing `gcv_mode='svd'` on sparse X will raise "
                    "an error in 1.11, use the default or pass `gcv_mode='eigen'` to "
                    "suppress this warning.", FutureWarning, stacklevel=3)
            else:
                mode = "svd"
        design, Yc, X_offset, y_offset, scale = _prepare(X, Y, self.fit_intercept, sw)
        spectrum = _Spectrum(design, Yc, mode, self.fit_intercept)
        per_target = self.alpha_per_target and n_y > 1
        results = np.empty((n_samples * n_y, len(alphas))) if self.store_cv_results \
            else None
        sqrt_sw_p = spectrum.sqrt_sw
        best = {"score": None, "alpha": None}

        def select(i, alpha, score, stored):
            """Keep the first best score (per target with alpha_per_target)."""
            if results is not None:
                results[:, i] = np.ravel(stored)
            if best["score"] is None:
                if per_target:
                    best["score"] = np.reshape(score, -1).copy()
                    best["alpha"] = np.full(n_y, alpha)
                else:
                    best["score"], best["alpha"] = score, float(alpha)
            elif per_target:
                better = score > best["score"]
                best["score"][better] = score[better]
                best["alpha"][better] = alpha
            elif score > best["score"]:
                best["score"], best["alpha"] = score, float(alpha)
        # the prepared problem has penalty scale * alpha and residuals scaled by
        # sqrt(scale * sw): back to scikit-learn's sqrt(sw)-scaled residuals
        for block, looe_block in spectrum.loo_blocks(alphas * scale):
            looe_block = looe_block / np.sqrt(scale)        # (n, len(block), n_y)
            if scorer is None:
                # squared errors and their means, for the whole block at once
                sq_block = looe_block ** 2
                if y.ndim == 1:
                    sq_block = sq_block[:, :, 0]
                    scores = -np.mean(sq_block, axis=0)
                elif self.alpha_per_target:
                    scores = -np.mean(sq_block, axis=0)
                else:
                    scores = -np.mean(sq_block, axis=(0, 2))
            for j, i in enumerate(block):
                alpha = alphas[i]
                if scorer is None:
                    score, stored = scores[j], sq_block[:, j]
                else:
                    looe = looe_block[:, j]
                    pred = Yc - looe * np.sqrt(scale)
                    if sw is not None:
                        pred = pred / sqrt_sw_p[:, None]
                    pred = pred + y_offset
                    if y.ndim == 1:
                        pred = pred[:, 0]
                    kw = {} if sw is None else {"sample_weight": sw}
                    if self.alpha_per_target and y.ndim > 1:
                        score = np.asarray([scorer(_Identity(), pred[:, m], y[:, m], **kw)
                                            for m in range(n_y)])
                    else:
                        score = scorer(_Identity(), pred, y, **kw)
                    stored = pred
                select(i, alpha, score, stored)
        best_score, best_alpha = best["score"], best["alpha"]
        coef = spectrum.final_coef(
            scale * np.broadcast_to(best_alpha, (n_y,)).astype(float))
        one_d = "1d" if y.ndim == 1 else (n_y == 1)
        self.coef_, self.intercept_ = _finish(coef, X_offset, y_offset,
                                              self.fit_intercept, one_d, dtype)
        self.alpha_ = best_alpha
        self.best_score_ = best_score
        if self.store_cv_results:
            shape = (n_samples, len(alphas)) if y.ndim == 1 else \
                (n_samples, n_y, len(alphas))
            self.cv_results_ = results.reshape(shape).astype(dtype, copy=False)

    def _fit_kfold(self, X, y, sw, alphas, dtype):
        cv = check_cv(self.cv, y, classifier=is_classifier(self))
        if sparse.issparse(X):
            X = X.tocsr()
        Y = np.asarray(y, dtype=np.float64).reshape(X.shape[0], -1)
        scorer = check_scoring(Ridge(), scoring=self.scoring)
        weigh_scores = sw is not None and _scorer_accepts_weights(scorer)
        if sw is not None and not weigh_scores:
            warnings.warn(f"The scoring {scorer} does not support sample_weight, which "
                          "may lead to statistically incorrect results when fitting "
                          f"{self} with sample_weight.", stacklevel=3)
        scores = []
        for train, test in cv.split(X, y):
            X_test = X[test]
            design, Yc, X_offset, y_offset, scale = _prepare(
                X[train], Y[train], self.fit_intercept,
                None if sw is None else sw[train])
            spectrum = _Spectrum(design, Yc, "eigen", self.fit_intercept)
            fold = []
            for alpha in alphas:
                model = Ridge(alpha=alpha, fit_intercept=self.fit_intercept)
                coef = spectrum.coef(np.full(Y.shape[1], scale * alpha))
                model.coef_, model.intercept_ = _finish(
                    coef, X_offset, y_offset, self.fit_intercept,
                    "1d" if y.ndim == 1 else Y.shape[1] == 1, dtype)
                model.n_features_in_ = X.shape[1]
                kw = {"sample_weight": sw[test]} if weigh_scores else {}
                fold.append(scorer(model, X_test, y[test], **kw))
            scores.append(fold)
        mean = np.mean(np.asarray(scores, dtype=np.float64), axis=0)
        best = int(np.argmax(mean))
        self.alpha_ = alphas[best]
        self.best_score_ = mean[best]
        final = Ridge(alpha=self.alpha_, fit_intercept=self.fit_intercept).fit(
            X, y, sample_weight=sw)
        self.coef_, self.intercept_ = final.coef_, final.intercept_

