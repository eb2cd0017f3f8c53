"""`Ridge` and `RidgeCV`: drop-in replacements for scikit-learn's estimators.

Ridge has a closed form, so fastreg solves it directly wherever it can:

* the data are centered (weighted means) and rows scaled by sqrt(sample_weight) by
  ``preprocess`` (weights rescaled to sum to n_samples; the penalty is rescaled to
  match, see ``_prepare``); sparse X is never centered explicitly: ``_Design`` applies
  the centering implicitly in every product;
* dense and moderately sized sparse problems: Cholesky factorization (LAPACK) of
  X^T X + alpha I when n_samples >= n_features, of X X^T + alpha I otherwise, one
  factorization per distinct alpha shared by all targets; when the factorization
  fails or its condition estimate says the normal equations lose more than ~8 digits,
  the SVD of X (minimum-norm least squares for alpha == 0);
* large sparse problems: conjugate gradients (SciPy) on the normal equations;
* ``positive=True`` and ``solver='cd'``: the compiled coordinate-descent kernel with
  l1_ratio = 0, stopped on the ridge duality gap.

RidgeCV's leave-one-out errors for every alpha come from one eigendecomposition (or
one SVD): each extra alpha costs O(n_samples * min(n_samples, n_features)) per target.
"""
import inspect
import numbers
import warnings

import numpy as np
from scipy import linalg, sparse
from scipy.linalg import blas, lapack
from scipy.sparse import linalg as sp_linalg
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils.validation import check_is_fitted, validate_data

from ._elastic_net import _check_bool, _check_number, _check_sample_weight
from ._path import (_rescaled_weights, enet_path_arrays, preprocess,
                    warn_not_converged)

_SKLEARN_SOLVERS = ("auto", "svd", "cholesky", "lsqr", "sparse_cg", "sag", "saga",
                    "lbfgs")
_SOLVERS = _SKLEARN_SOLVERS + ("cd",)
# Cholesky is trusted when LAPACK's reciprocal condition estimate of the factored
# matrix is at least this: its forward error (~ eps / rcond) then stays below ~1e-8
_RCOND_MIN = 1e-8
# sparse X: Gram matrices up to this size (min(n_samples, n_features)) are formed and
# factored; larger problems run conjugate gradients
_SPARSE_DIRECT_MAX = 2000


# --------------------------------------------------------------------------------------
# Data: centering, weights, and products with the centered design
# --------------------------------------------------------------------------------------

class _Design:
    """The centered, weighted design Xc = diag(sqrt_sw) (X - 1 mu^T).

    Dense: held explicitly (``X`` is Xc, Fortran float64). Sparse: ``X`` is
    diag(sqrt_sw) X and the centering is applied in every product.
    """

    def __init__(self, X, mu=None, sqrt_sw=None):
        self.X = X
        self.shape = X.shape
        self.implicit = sparse.issparse(X) and mu is not None
        self.mu, self.sqrt_sw = mu, sqrt_sw

    def dot(self, V):
        """Xc @ V."""
        out = np.asarray(self.X @ V)
        if self.implicit:
            out = out - np.multiply.outer(self.sqrt_sw, self.mu @ V)
        return out

    def tdot(self, C):
        """Xc^T @ C."""
        out = np.asarray(self.X.T @ C)
        if self.implicit:
            out = out - np.multiply.outer(self.mu, self.sqrt_sw @ C)
        return out

    def ill_centered(self):
        """Whether forming the centered Gram matrix of sparse X as X^T X - n mu mu^T
        would cancel digits: some column mean much larger than its spread (the error
        grows like (mean / spread)^2 * eps; products with the centered operator only
        like (mean / spread) * eps)."""
        if not self.implicit:
            return False
        n = self.shape[0]
        sq = np.asarray(self.X.multiply(self.X).sum(axis=0)).ravel() / n
        var = np.maximum(sq - (np.sum(self.sqrt_sw ** 2) / n) * self.mu ** 2, 0)
        return bool(np.any(self.mu ** 2 > 1e4 * np.maximum(var, 1e-300)))

    def gram_features(self):
        """Xc^T Xc (n_features, n_features), full symmetric."""
        X = self.X
        if sparse.issparse(X):
            G = np.asarray((X.T @ X).toarray())
            if self.implicit:
                G -= (self.sqrt_sw @ self.sqrt_sw) * np.outer(self.mu, self.mu)
            return G
        return _symmetrize(blas.dsyrk(1.0, X, trans=1))

    def gram_samples(self):
        """Xc Xc^T (n_samples, n_samples), full symmetric."""
        X = self.X
        if sparse.issparse(X):
            K = np.asarray((X @ X.T).toarray())
            if self.implicit:
                Xmu = np.asarray(X @ self.mu)
                s = self.sqrt_sw
                K -= np.outer(Xmu, s) + np.outer(s, Xmu)
                K += (self.mu @ self.mu) * np.outer(s, s)
            return K
        return _symmetrize(blas.dsyrk(1.0, X, trans=0))


def _symmetrize(upper):
    """Full symmetric matrix from the upper triangle BLAS syrk fills."""
    upper = np.triu(upper)
    return upper + np.triu(upper, 1).T


def _prepare(X, Y, fit_intercept, sw):
    """Center and weight float64 data. Returns (design, Yc (n, t), X_offset, y_offset
    (t,), scale) where ``scale = n_samples / sum(sw)``: the prepared problem carries
    the weights rescaled to sum to n_samples, so it solves scikit-learn's ridge with
    penalty ``scale * alpha``, and its squared residuals are ``scale`` times the
    weighted ones."""
    n_samples = X.shape[0]
    scale = 1.0 if sw is None else n_samples / float(np.sum(sw))
    swr = _rescaled_weights(sw, n_samples)
    sqrt_sw = np.ones(n_samples) if swr is None else np.sqrt(swr)
    if not sparse.issparse(X):
        prep = preprocess(X, Y, fit_intercept, sw)
        return (_Design(prep.X, None, sqrt_sw), prep.y, np.asarray(prep.X_offset),
                np.asarray(prep.y_offset), scale)
    if fit_intercept:
        X_offset = np.asarray(sqrt_sw ** 2 @ X).ravel() / n_samples
        y_offset = (sqrt_sw ** 2 @ Y) / n_samples
    else:
        X_offset = np.zeros(X.shape[1])
        y_offset = np.zeros(Y.shape[1])
    Xs = X.tocsr() if swr is None else sparse.diags(sqrt_sw) @ X.tocsr()
    Yc = (Y - y_offset) * sqrt_sw[:, None]
    design = _Design(sparse.csr_matrix(Xs), X_offset if fit_intercept else None,
                     sqrt_sw)
    return design, Yc, X_offset, y_offset, scale


# --------------------------------------------------------------------------------------
# Solvers on prepared data: each returns coef of shape (n_targets, n_features)
# --------------------------------------------------------------------------------------

def _upper_one_norm(A):
    """1-norm of the symmetric matrix whose upper triangle is that of A."""
    T = np.abs(np.triu(A))
    return float(np.max(T.sum(axis=0) + T.sum(axis=1) - np.diag(T))) if len(A) else 0.0


def _cholesky_columns(A, B, alphas):
    """Z with (A + alphas[k] I) Z[:, k] = B[:, k]: one LAPACK factorization per
    distinct alpha. None when a factorization fails or is ill-conditioned."""
    m = A.shape[0]
    Z = np.empty_like(B)
    anorm = _upper_one_norm(A)
    for a in np.unique(alphas):
        cols = np.flatnonzero(alphas == a)
        M = np.array(A, order="F", copy=True)
        M.flat[:: m + 1] += a
        c, info = lapack.dpotrf(M, lower=0, clean=0, overwrite_a=1)
        if info != 0:
            return None
        rcond, info = lapack.dpocon(c, anorm + a, uplo="U")
        if info != 0 or not rcond >= _RCOND_MIN:
            return None
        Z[:, cols], info = lapack.dpotrs(c, B[:, cols], lower=0)
        if info != 0:
            return None
    return Z


def _solve_cholesky(design, Y, alphas):
    """Direct solve through the smaller Gram matrix; None if it is ill-conditioned."""
    n_samples, n_features = design.shape
    if n_samples >= n_features:
        W = _cholesky_columns(design.gram_features(), design.tdot(Y), alphas)
        return None if W is None else W.T
    # p > n: w = Xc^T (Xc Xc^T + alpha I)^{-1} y
    C = _cholesky_columns(design.gram_samples(), Y, alphas)
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


def _solve_svd(design, Y, alphas):
    """SVD of Xc (dense) or eigendecomposition of the smaller Gram matrix (sparse)."""
    if not sparse.issparse(design.X):
        try:
            U, s, Vt = linalg.svd(design.X, full_matrices=False, check_finite=False)
        except linalg.LinAlgError:
            U, s, Vt = linalg.svd(design.X, full_matrices=False, check_finite=False,
                                  lapack_driver="gesvd")
        f = _spectral_filter(s ** 2, alphas, s)
        return (Vt.T @ (f * (U.T @ Y))).T
    n_samples, n_features = design.shape
    if n_samples >= n_features:
        lam, V = linalg.eigh(design.gram_features())
        f = _spectral_filter(lam, alphas)
        return (V @ (f * (V.T @ design.tdot(Y)))).T
    lam, Q = linalg.eigh(design.gram_samples())
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
    use_gram = sparse.issparse(design.X) or n_samples >= n_features
    gram = np.ascontiguousarray(design.gram_features()) if use_gram else None
    X = None if sparse.issparse(design.X) else design.X
    XtY = design.tdot(Y) if use_gram else None
    coef = np.empty((Y.shape[1], n_features))
    n_iter = np.empty(Y.shape[1], dtype=np.int32)
    for k, a in enumerate(alphas):
        yk = np.ascontiguousarray(Y[:, k])
        # the kernel minimizes 1/2 ||y - Xw||^2 + 1/2 (alpha_enet n) ||w||^2, half of
        # the prepared ridge objective when alpha_enet = alpha / n_samples
        coefs, gaps, its, converged, tol_abs = enet_path_arrays(
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


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------

def _check_alpha(alpha):
    """Validate Ridge's ``alpha`` (before seeing data)."""
    if np.ndim(alpha) == 0 and not hasattr(alpha, "__len__"):
        _check_number("alpha", alpha, low=0)
        return
    values = np.asarray(alpha)
    if values.dtype.kind not in "biuf" or values.ndim > 1:
        raise ValueError("The 'alpha' parameter must be a non-negative float or a 1-D "
                         f"array of them (one per target), got {alpha!r}.")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"The 'alpha' parameter must be finite, got {alpha!r}.")
    if np.any(values < 0):
        raise ValueError(f"The 'alpha' parameter must be >= 0, got {alpha!r}.")


def _alphas_per_target(alpha, n_targets):
    alphas = np.atleast_1d(np.asarray(alpha, dtype=np.float64)).ravel()
    if alphas.shape[0] not in (1, n_targets):
        raise ValueError(
            "Number of targets and number of penalties do not correspond: "
            f"{alphas.shape[0]} != {n_targets}"
        )
    return np.broadcast_to(alphas, (n_targets,)).copy()


def _validate_xy(estimator, X, y, accept_sparse, dtype):
    X, y = validate_data(estimator, X, y, accept_sparse=accept_sparse, dtype=dtype,
                         multi_output=True, y_numeric=True)
    return X, y


class _RidgePredictMixin:
    """``predict`` of a fitted ridge model, dense or sparse X."""

    def predict(self, X):
        """Predict with the fitted linear model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predicted values.
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc", "coo"], reset=False,
                          dtype=[np.float64, np.float32])
        return np.asarray(X @ self.coef_.T) + self.intercept_


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

class Ridge(_RidgePredictMixin, MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Linear least squares with L2 regularization.

    Minimizes, exactly as :class:`sklearn.linear_model.Ridge`::

        ||y - Xw - b||^2_2 + alpha * ||w||^2_2

    with sample weights multiplying the squared errors (not rescaled: multiplying them
    by k is the same as dividing alpha by k). Each target may have its own alpha.

    Solvers. Every name scikit-learn accepts is accepted; fastreg serves them with its
    exact solvers:

    * dense X, ``positive=False`` ('auto', 'cholesky', 'lsqr', 'sparse_cg', 'sag',
      'saga'): Cholesky factorization (LAPACK) of X^T X + alpha I (n_samples >=
      n_features) or X X^T + alpha I (n_features > n_samples), one per distinct alpha;
      when it fails or is ill-conditioned (reciprocal condition estimate below 1e-8),
      the SVD of X. 'svd' always uses the SVD. With alpha = 0 and rank-deficient X
      the result is the minimum-norm least-squares solution (never NaN).
    * sparse X (never densified; centering is implicit): the same direct solve on the
      Gram matrix when min(n_samples, n_features) <= 2000, otherwise conjugate
      gradients on the normal equations with relative tolerance ``tol``.
    * ``positive=True`` ('auto' or 'lbfgs') and 'cd' (a fastreg extension):
      coordinate descent in compiled code with covariance updates, stopped when the
      ridge duality gap is at most ``tol * ||y||^2`` (y centered, weighted).

    Computations run in float64; float32 input gives float32 attributes.

    Parameters
    ----------
    alpha : float or array-like of shape (n_targets,), default=1.0
        Penalty (>= 0, finite): one for all targets, or one per target.
    fit_intercept : bool, default=True
        Whether to fit an intercept; if False, the data are assumed centered.
    copy_X : bool, default=True
        Accepted for compatibility: fastreg never writes into X.
    max_iter : int or None, default=None
        Maximum iterations of the iterative solvers (conjugate gradients: SciPy's
        default; coordinate descent: 1000 sweeps). Unused by the direct solvers.
    tol : float, default=1e-4
        Tolerance of the iterative solvers: relative residual of conjugate gradients,
        relative duality gap of coordinate descent. Unused by the direct solvers.
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
        The method used: 'cholesky', 'svd', 'sparse_cg' or 'cd'.
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
        _check_alpha(self.alpha)
        for name in ("fit_intercept", "copy_X", "positive"):
            _check_bool(name, getattr(self, name))
        if self.max_iter is not None:
            _check_number("max_iter", self.max_iter, low=1, integer=True)
        _check_number("tol", self.tol, low=0)
        if not (isinstance(self.solver, str) and self.solver in _SOLVERS):
            raise ValueError(f"The 'solver' parameter must be one of {_SOLVERS}, got "
                             f"{self.solver!r}.")

    def _method(self, is_sparse, n_small):
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
            return "cd"
        if is_sparse and self.fit_intercept and solver in ("svd", "cholesky", "saga"):
            raise ValueError(
                f"solver='{solver}' does not support fitting the intercept "
                "on sparse data. Please set the solver to 'auto' or "
                "'lsqr', 'sparse_cg', 'sag', 'lbfgs' "
                "or set `fit_intercept=False`")
        if solver == "cd":
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
        self._validate_params()
        accept = "csr" if self.solver in ("auto", "sag", "saga") else \
            ["csr", "csc", "coo"]
        X, y = _validate_xy(self, X, y, accept, [np.float64, np.float32])
        dtype = X.dtype
        n_samples, n_features = X.shape
        one_d = "1d" if y.ndim == 1 else (y.shape[1] == 1)
        Y = np.asarray(y, dtype=np.float64).reshape(n_samples, -1)
        alphas = _alphas_per_target(self.alpha, Y.shape[1])
        if sample_weight is not None and isinstance(sample_weight, numbers.Number):
            sw = np.full(n_samples, float(sample_weight))
            _check_number("sample_weight", float(sample_weight), low=0, low_open=True)
        else:
            sw = _check_sample_weight(sample_weight, n_samples, np.float64)
        is_sparse = sparse.issparse(X)
        method = self._method(is_sparse, min(n_samples, n_features))
        X64 = X.astype(np.float64) if X.dtype != np.float64 else X
        design, Yc, X_offset, y_offset, scale = _prepare(X64, Y, self.fit_intercept, sw)
        alphas_p = scale * alphas          # penalty of the prepared problem
        if method == "cholesky" and design.ill_centered():
            # sparse X whose means dwarf their spreads: conjugate gradients on the
            # implicitly centered operator instead of a Gram matrix that cancels
            method = "sparse_cg"
        n_iter = np.ones(Y.shape[1], dtype=np.int32)
        if method == "cholesky":
            coef = _solve_cholesky(design, Yc, alphas_p)
            if coef is None:
                method = "svd"
        if method == "svd":
            coef = _solve_svd(design, Yc, alphas_p)
        elif method == "sparse_cg":
            coef, n_iter = _solve_cg(design, Yc, alphas_p, self.tol, self.max_iter)
        elif method == "cd":
            coef, n_iter = _solve_cd(design, Yc, alphas_p, self.tol,
                                     1000 if self.max_iter is None else self.max_iter,
                                     self.positive)
        if not np.all(np.isfinite(coef)):
            raise ValueError("Ridge produced non-finite coefficients: the input data "
                             "contain values too large for float64; rescale them.")
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

    Per alpha and target: O(n * min(n, p)) operations.
    """

    def __init__(self, design, Y, mode, fit_intercept):
        n_samples, n_features = design.shape
        self.design, self.Y, self.fit_intercept = design, Y, fit_intercept
        self.wide = n_samples <= n_features
        self.sqrt_sw = design.sqrt_sw
        self.svd = mode == "svd"
        if self.svd:
            U, s, Vt = linalg.svd(design.X, full_matrices=False, check_finite=False)
            self.lam, self.s, self.V = s ** 2, s, Vt.T
            if self.wide:
                self.Q = U
            else:
                self.B = U * s
        elif self.wide:
            self.lam, self.Q = linalg.eigh(design.gram_samples())
        else:
            self.lam, self.V = linalg.eigh(design.gram_features())
            self.B = design.dot(self.V)
        M = self.Q if self.wide else self.B
        self.M2 = M ** 2
        self.MtY = M.T @ Y
        self.Mts = M.T @ self.sqrt_sw

    def loo_residuals(self, alpha):
        """Leave-one-out residuals (n, t) of the prepared problem."""
        D = 1.0 / (self.lam + alpha)
        s = self.sqrt_sw
        if self.wide:
            Q = self.Q
            c = Q @ (D[:, None] * self.MtY)
            d = self.M2 @ D
            if self.fit_intercept:
                d -= (Q @ (D * self.Mts)) * s / (s @ s)
            return c / d[:, None]
        B = self.B
        alpha_c = self.Y - B @ (D[:, None] * self.MtY)
        alpha_d = 1.0 - self.M2 @ D
        if self.fit_intercept:
            alpha_d -= (s - B @ (D * self.Mts)) * s / (s @ s)
        return alpha_c / alpha_d[:, None]

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


def _check_cv_alphas(alphas, strict):
    """Validated RidgeCV alphas as a 1-D float array."""
    values = [alphas] if np.ndim(alphas) == 0 else list(np.asarray(alphas).ravel())
    if len(values) == 0:
        raise ValueError("The 'alphas' parameter must not be empty.")
    for index, a in enumerate(values):
        name = "alphas" if len(values) == 1 else f"alphas[{index}]"
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, numbers.Real):
            raise ValueError(f"{name} must be an instance of float, got {a!r}.")
        if not np.isfinite(a):
            raise ValueError(f"{name} == {a}, must be finite.")
        if a < 0 or (strict and a == 0):
            raise ValueError(f"{name} == {a}, must be {'>' if strict else '>='} 0.0."
                             + (" Leave-one-out cross-validation (cv=None) needs "
                                "alpha > 0." if strict else ""))
    return np.asarray(values, dtype=np.float64)


def _scorer_accepts_weights(scorer):
    if hasattr(scorer, "_accept_sample_weight"):
        return scorer._accept_sample_weight()
    return "sample_weight" in inspect.signature(scorer).parameters


class RidgeCV(_RidgePredictMixin, MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Ridge regression with built-in cross-validation of alpha.

    Same model and conventions as :class:`Ridge`; drop-in for
    :class:`sklearn.linear_model.RidgeCV`. With ``cv=None``, efficient leave-one-out
    cross-validation: one eigendecomposition of X^T X or X X^T (the smaller), or one
    SVD of X, gives the leave-one-out residuals of every alpha at O(n_samples *
    min(n_samples, n_features)) per alpha and target, with scikit-learn's exact
    definitions (intercept and sample weights included). Otherwise K-fold: one
    eigendecomposition per training fold gives the model of every alpha, scored like
    :class:`sklearn.model_selection.GridSearchCV` scores :class:`Ridge`; the final model
    is a :class:`Ridge` fit on all data with the best alpha.

    Parameters
    ----------
    alphas : float or array-like of shape (n_alphas,), default=(0.1, 1.0, 10.0)
        Penalties to try (finite; > 0 with ``cv=None``, >= 0 otherwise).
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
            _check_bool(name, getattr(self, name))
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
        sw = _check_sample_weight(sample_weight, n_samples, np.float64)
        if self.cv is None:
            self._fit_loo(X, y, sw, alphas, scorer, dtype)
        else:
            self._fit_kfold(X, y, sw, alphas, dtype)
        return self

    def _fit_loo(self, X, y, sw, alphas, scorer, dtype):
        n_samples = X.shape[0]
        X64 = X.astype(np.float64) if X.dtype != np.float64 else X
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
        design, Yc, X_offset, y_offset, scale = _prepare(X64, Y, self.fit_intercept, sw)
        spectrum = _Spectrum(design, Yc, mode, self.fit_intercept)
        per_target = self.alpha_per_target and n_y > 1
        if self.store_cv_results:
            results = np.empty((n_samples * n_y, len(alphas)))
        sqrt_sw_p = spectrum.sqrt_sw
        best_score = best_alpha = None
        for i, alpha in enumerate(alphas):
            # the prepared problem has penalty scale * alpha and residuals scaled by
            # sqrt(scale * sw): back to scikit-learn's sqrt(sw)-scaled residuals
            looe = spectrum.loo_residuals(scale * alpha) / np.sqrt(scale)
            if scorer is None:
                sq = looe ** 2
                if y.ndim == 1:
                    sq = sq[:, 0]
                score = np.mean(-sq, axis=0) if self.alpha_per_target else np.mean(-sq)
                stored = sq
            else:
                pred = Yc - looe * np.sqrt(scale)
                if sw is not None:
                    pred = pred / sqrt_sw_p[:, None]
                pred = pred + y_offset
                if y.ndim == 1:
                    pred = pred[:, 0]
                kw = {} if sw is None else {"sample_weight": sw}
                if self.alpha_per_target and y.ndim > 1:
                    score = np.asarray([scorer(_Identity(), pred[:, j], y[:, j], **kw)
                                        for j in range(n_y)])
                else:
                    score = scorer(_Identity(), pred, y, **kw)
                stored = pred
            if self.store_cv_results:
                results[:, i] = np.ravel(stored)
            if best_score is None:
                if per_target:
                    best_score = np.reshape(score, -1).copy()
                    best_alpha = np.full(n_y, alpha)
                else:
                    best_score, best_alpha = score, float(alpha)
            elif per_target:
                better = score > best_score
                best_score[better] = score[better]
                best_alpha[better] = alpha
            elif score > best_score:
                best_score, best_alpha = score, float(alpha)
        coef = spectrum.coef(scale * np.broadcast_to(best_alpha, (n_y,)).astype(float))
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
        X64 = X.astype(np.float64) if X.dtype != np.float64 else X
        if sparse.issparse(X64):
            X64 = X64.tocsr()
        Y = np.asarray(y, dtype=np.float64).reshape(X.shape[0], -1)
        scorer = check_scoring(Ridge(), scoring=self.scoring)
        weigh_scores = sw is not None and _scorer_accepts_weights(scorer)
        if sw is not None and not weigh_scores:
            warnings.warn(f"The scoring {scorer} does not support sample_weight, which "
                          "may lead to statistically incorrect results when fitting "
                          f"{self} with sample_weight.", stacklevel=3)
        scores = []
        for train, test in cv.split(X64, y):
            X_test = X64[test]
            design, Yc, X_offset, y_offset, scale = _prepare(
                X64[train], Y[train], self.fit_intercept,
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

