"""`Ridge` and `RidgeCV`: drop-in replacements for scikit-learn's estimators.

Ridge has a closed form, so fastreg solves it directly wherever it can. The parts, in
the order of a fit:

* ``_ridge_validation``: the penalties and the data, checked as scikit-learn checks
  them;
* ``_ridge_design``: centering and sample weights (``_prepare``) into a ``_Design``
  that never writes into, and where it can never copies or densifies, the caller's X;
* ``_ridge_solvers``: the direct solvers (Cholesky factorization of the smaller Gram
  matrix, with a condition check; the SVD), conjugate gradients for large sparse X,
  and the coordinate-descent kernel (``positive=True``, ``solver='cd'``);
* ``_ridge_positive``: ``positive=True`` on sparse X with many features, or with
  alpha = 0: gradient projection and conjugate gradients (GPCG) on products with X
  (no p x p matrix);
* ``_ridge_iterative``: the named iterative solvers ('sparse_cg', 'lsqr', 'sag',
  'saga', 'lbfgs'), which run that algorithm with scikit-learn's semantics (which
  one runs: ``resolve``; running it: ``solve``, ``solve_sag``);
* ``_ridge_loo``: RidgeCV's leave-one-out errors of every alpha from one
  eigendecomposition (or one SVD).

This module chooses the method (``Ridge._method``) and holds the estimators.
Everything is computed in float64; float32 input gives float32 attributes.
"""
from __future__ import annotations

import inspect
import numbers
import warnings
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin, is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils import assert_all_finite

from ._base import LinearPredictMixin
from ._blocks import check_finite
from ._ridge_design import _Design, _finish, _prepare  # noqa: F401  (_Design: tests)
from ._ridge_iterative import ITERATIVE, resolve, solve, solve_sag
from ._ridge_loo import _Spectrum, loo_solver
from ._ridge_positive import _solve_positive
from ._ridge_solvers import (
    _solve_cd,
    _solve_cg,
    _solve_cholesky,
    _solve_scaled_primal,
    _solve_svd,
    badly_scaled,
    wide_design,
)
from ._ridge_validation import (
    _alphas_per_target,
    _check_alpha,
    _check_cv_alphas,
    _check_finite_x,
    _raise_not_finite,
    _validate_xy,
)
from ._threads import serial_scope
from ._validation import check_bool, check_number, check_sample_weight

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from numpy.typing import ArrayLike
    from scipy.sparse import sparray, spmatrix
    from sklearn.model_selection import BaseCrossValidator
    from typing_extensions import Self

_SKLEARN_SOLVERS = ("auto", "svd", "cholesky", "lsqr", "sparse_cg", "sag", "saga",
                    "lbfgs")
_SOLVERS = _SKLEARN_SOLVERS + ("cd",)
# sparse X: Gram matrices up to this size (min(n_samples, n_features)) are formed and
# factored; larger problems run conjugate gradients (a 2000 x 2000 Gram matrix takes
# 32 MB and its factorization ~3 GFlop; both grow as the square and the cube beyond)
_SPARSE_DIRECT_MAX = 2000


def _direct_work(X):
    """Multiply-adds of a direct solve on X (its stored values times min(n, p): the
    Gram matrix; the factorization and the products with X are of that order), for
    ``serial_scope``; 0 (no scope) when X has no shape yet (a list)."""
    shape = getattr(X, "shape", None)
    if shape is None or len(shape) != 2:
        return 0
    n, p = shape
    size = X.nnz if sparse.issparse(X) else n * p
    return float(size) * min(n, p)


class _RidgeEstimator(LinearPredictMixin, MultiOutputMixin, RegressorMixin,
                      BaseEstimator):
    """What Ridge and RidgeCV share: scikit-learn's parameter storage (every
    parameter of ``__init__`` kept as given) and tags (several targets; sparse X
    where ``_accepts_sparse``)."""

    def _store_params(self, params):
        """``self.name = value`` for each parameter of ``__init__`` (its locals())."""
        for name, value in params.items():
            if name != "self":
                setattr(self, name, value)

    def _accepts_sparse(self):
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = self._accepts_sparse()
        return tags


class Ridge(_RidgeEstimator):
    """Linear least squares with L2 regularization.

    A drop-in replacement for :class:`sklearn.linear_model.Ridge`: the same objective
    (see Notes, and mind its scale: not divided by 2 n as for the Lasso), parameters
    and attributes, solved exactly by default. Each target may have its own alpha.

    Solvers. Every name scikit-learn accepts is accepted. 'auto' (the default),
    'cholesky' and 'svd' are fastreg's exact solvers; a named iterative solver runs
    that algorithm, as scikit-learn's does:

    * dense X, ``positive=False`` ('auto', 'cholesky'): Cholesky factorization
      (LAPACK) of X^T X + alpha I (n_samples >= n_features) or X X^T + alpha I
      (n_features > n_samples), one per distinct alpha,
      formed from X itself without a centered copy when X is float64 and unweighted
      (X^T X summed over blocks of rows centered in a small buffer; X X^T centered
      after the product, the solution refined on products with X); when the
      factorization fails or is ill-conditioned (reciprocal condition
      estimate of the equilibrated matrix below 1e-8, times the rounding factor of
      implicit centering), the same on explicitly centered X, then the primal
      normal equations on columns rescaled by powers of two (a badly scaled column
      of wide X; X^T X overflowing), then the one-sided Jacobi SVD of X. 'svd' uses
      the SVD, except that a badly scaled column goes the rescaled-column way. With
      alpha = 0 and rank-deficient X the result is the minimum-norm least-squares
      solution (never NaN).
    * sparse X with 'auto' (or 'cholesky' without an intercept; never densified;
      centering is implicit, except for columns whose means exceed their spreads,
      which are centered densely): the same direct solve on the Gram matrix when
      min(n_samples, n_features) <= 2000, otherwise conjugate gradients on the
      normal equations with relative tolerance ``tol``.
    * ``positive=True`` with 'auto', and 'cd' (a fastreg extension):
      coordinate descent in compiled code with covariance updates, stopped when the
      ridge duality gap is at most ``tol * ||y||^2`` (y centered, weighted). For
      sparse X with more than 2000 features, and for alpha = 0, ``positive=True``
      runs gradient projection and conjugate gradients (GPCG) on products with X
      (no n_features^2 matrix), stopped when the gap is at most ``tol`` times the
      objective (alpha = 0: when every projected gradient entry is at most
      ``tol * ||X^T y||_inf``), then solved exactly on the face it found;
      ``solver='cd'`` with alpha = 0 and ``positive=False`` is solved directly.
    * the named iterative solvers, with scikit-learn 1.9's meaning of ``tol`` and
      ``max_iter``, its ``n_iter_`` and its warnings (dense or sparse X, centered
      implicitly on sparse X; rows weighted by sqrt(sample_weight)):
      'sparse_cg' SciPy's conjugate gradients on the normal equations (primal when
      n_samples >= n_features, at most ``max_iter`` iterations; dual otherwise,
      where, as in scikit-learn, ``max_iter`` is not applied), relative residual
      ``tol``; 'lsqr' SciPy's LSQR (``damp = sqrt(alpha)``, ``atol = btol = tol``,
      ``iter_lim = max_iter``); 'sag' and 'saga' scikit-learn's SAG / SAGA (its
      public ``ridge_regression``; ``random_state`` used; default ``max_iter``
      1000); 'lbfgs' (``positive=True`` only) SciPy's L-BFGS-B from 0 (``tol``;
      ``max_iter`` default 15000), with a ConvergenceWarning when it does not
      converge. As in scikit-learn, 'sag' on sparse X with an intercept runs SAG
      (fitting the intercept, with a UserWarning that it needs many iterations) only
      at ``max_iter=None`` and ``tol > 1e-4``, 'sparse_cg' otherwise.

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
        Maximum iterations of the iterative solvers (the named ones: as in
        scikit-learn, see "Solvers"; conjugate gradients under 'auto': SciPy's
        default; coordinate descent: 1000 sweeps; GPCG: 1000 iterations).
        Unused by the direct solvers.
    tol : float, default=1e-4
        Tolerance of the iterative solvers: the named ones' as in scikit-learn (see
        "Solvers"); relative residual of conjugate gradients under 'auto', relative
        duality gap of coordinate descent and GPCG. Unused by the direct solvers.
    solver : {'auto', 'svd', 'cholesky', 'lsqr', 'sparse_cg', 'sag', 'saga', \
'lbfgs', 'cd'}, default='auto'
        See "Solvers" above: 'auto', 'cholesky' and 'svd' solve exactly; 'sparse_cg',
        'lsqr', 'sag', 'saga' and 'lbfgs' run that iterative algorithm with
        scikit-learn's semantics. As in scikit-learn, 'lbfgs' requires ``positive=True``,
        ``positive=True`` requires 'auto' or 'lbfgs' (or 'cd'), and sparse X with an
        intercept rejects 'svd', 'cholesky' and 'saga'.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        The order of the samples of 'sag' and 'saga' (as in scikit-learn); unused by
        the other solvers.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Weight vector(s).
    intercept_ : float or ndarray of shape (n_targets,)
        Intercept; 0.0 when ``fit_intercept=False``.
    n_iter_ : None or ndarray of shape (n_targets,)
        Iterations per target. As in scikit-learn: None for the exact solves and for
        'sparse_cg' and 'lbfgs', the iterations of 'lsqr' and the epochs of 'sag' /
        'saga' (float32 input: these may differ from scikit-learn's by a few, which
        computes in float32). fastreg's own iterative methods ('auto' with
        ``positive=True`` or on large sparse X; 'cd') give their iterations.
    solver_ : str
        The solver name scikit-learn's ``Ridge`` reports for the same call (the
        requested solver, 'auto' resolved as scikit-learn resolves it), so that code
        reading it keeps working; what fastreg computed is in ``method_``.
    method_ : str
        The method fastreg used: 'cholesky', 'svd', 'sparse_cg', 'cd' or 'gpcg', or
        the named iterative solver that ran ('sparse_cg', 'lsqr', 'sag', 'saga',
        'lbfgs').
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    RidgeCV : Chooses alpha by (efficient leave-one-out) cross-validation.
    ElasticNet : Adds an L1 penalty, which sets coefficients exactly to zero (its
        ``alpha`` is on another scale: ``ElasticNet(alpha=a, l1_ratio=0)`` is
        ``Ridge(alpha=a * n_samples)``).
    fastreg.plotting.plot_path : Draws the exact Ridge path of a fitted Ridge.
    sklearn.linear_model.Ridge : The scikit-learn estimator this one replaces. R's
        ``glmnet(x, y, alpha=0)`` fits a ridge on the elastic net's scale.

    Notes
    -----
    The objective, exactly scikit-learn's (``b`` the intercept)::

        ||y - X w - b||_2^2 + alpha * ||w||_2^2

    the squared error summed, not averaged, so that alpha is not on the scale of
    :class:`Lasso` and :class:`ElasticNet` (there, ``(1 / (2 n)) * ||y - X w -
    b||^2 + 0.5 * alpha * ||w||^2`` for ``l1_ratio=0``). With ``sample_weight`` s,
    the squared error is ``sum_i s_i * (y_i - x_i w - b)^2`` (weights not
    rescaled). With 2-D y, each target is its own ridge problem, with its own alpha
    when ``alpha`` is an array. Without ``positive``, the solution is ``w = (Xc^T Xc
    + alpha I)^-1 Xc^T yc`` (Xc, yc centered when an intercept is fitted), computed
    directly by the exact solvers, approached to ``tol`` by the iterative ones;
    ``tol`` and ``max_iter`` matter only for the iterative solvers (see "Solvers"
    above).

    Examples
    --------
    >>> import numpy as np
    >>> import fastreg
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> ridge = fastreg.Ridge(alpha=1.0).fit(X, y)
    >>> print(np.round(ridge.coef_, 1))
    [  29.5  -83.2  306.4  201.6    5.9  -29.5 -152.   117.3  262.9  111.9]
    >>> ridge.method_                     # what fastreg ran
    'cholesky'
    >>> # the closed form of the objective, on the centered data
    >>> Xc, yc = X - X.mean(axis=0), y - y.mean()
    >>> w = np.linalg.solve(Xc.T @ Xc + 1.0 * np.eye(10), Xc.T @ yc)
    >>> bool(np.allclose(ridge.coef_, w))
    True
    """

    def __init__(self, alpha: float | ArrayLike = 1.0, *, fit_intercept: bool = True,
                 copy_X: bool = True, max_iter: int | None = None, tol: float = 1e-4,
                 solver: Literal["auto", "svd", "cholesky", "lsqr", "sparse_cg", "sag",
                                 "saga", "lbfgs", "cd"] = "auto",
                 positive: bool = False,
                 random_state: int | np.random.RandomState | None = None) -> None:
        self._store_params(locals())

    def _accepts_sparse(self):
        return (self.solver != "svd") and (
            self.solver != "cholesky" or not self.fit_intercept)

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
            if solver == "lbfgs":
                return "lbfgs"
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
        named = resolve(solver, is_sparse, self.fit_intercept, self.max_iter, self.tol)
        if named is not None:
            return named
        if is_sparse and n_small > _SPARSE_DIRECT_MAX:
            return "sparse_cg"
        return "cholesky"

    def _sklearn_solver(self, is_sparse, method):
        """The name scikit-learn 1.9 gives ``solver_`` for this call: the requested
        solver, 'auto' resolved as scikit-learn resolves it ('lbfgs' with
        ``positive``; for sparse X with an intercept 'sparse_cg', or 'sag' where
        scikit-learn keeps it; 'sparse_cg' for other sparse X, 'cholesky' for dense),
        and 'svd' where a Cholesky solve fell back to the SVD. fastreg's own solver
        'cd' reports the method it ran."""
        solver = self.solver
        if solver == "cd":
            return method
        if solver in ITERATIVE:
            return method                  # resolved as scikit-learn resolves it
        if self.positive:
            return "lbfgs"
        if is_sparse and self.fit_intercept and solver in ("auto", "sag", "sparse_cg"):
            keeps_sag = solver == "sag" and self.max_iter is None and self.tol > 1e-4
            return "sag" if keeps_sag else "sparse_cg"
        if solver == "auto":
            solver = "sparse_cg" if is_sparse else "cholesky"
        if solver == "cholesky" and method == "svd":
            return "svd"
        return solver

    def fit(self, X: ArrayLike | spmatrix | sparray, y: ArrayLike,
            sample_weight: float | ArrayLike | None = None) -> Self:
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
        with serial_scope(_direct_work(X)):
            return self._fit(X, y, sample_weight)

    def _fit(self, X, y, sample_weight):
        alpha = self._validate_params()
        accept = "csr" if self.solver in ("auto", "sag", "saga") else \
            ["csr", "csc", "coo"]
        # X's finiteness: checked below, or, for the Cholesky solve of dense X, on the
        # diagonal of its Gram matrix (NaN or infinity anywhere in X shows there)
        source = X
        X, y = _validate_xy(self, X, y, accept, [np.float64, np.float32],
                            ensure_all_finite=False)
        # (a sparse X converted by the validation is fastreg's own: weights scale it
        # in place)
        own = sparse.issparse(X) and not (
            hasattr(source, "data") and np.shares_memory(X.data, source.data))
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
        if is_sparse:
            assert_all_finite(X, estimator_name=type(self).__name__, input_name="X")
        elif method != "cholesky":
            # (by blocks of columns: SIGINT is handled between them)
            check_finite(X, estimator_name=type(self).__name__, input_name="X")
        if self.solver in ITERATIVE and method in ("sag", "saga"):
            coef, n_iter, X_offset, y_offset = solve_sag(
                method, X, Y, alphas, sw, self.fit_intercept, self.tol, self.max_iter,
                self.random_state)
            return self._set_fitted(coef, X, X_offset, y_offset, one_d, dtype, n_iter,
                                    method, is_sparse)
        # dense float64 X without weights is not copied for Cholesky: centered inside
        # the products (see _Design.normal_equations and gram_samples)
        design, Yc, X_offset, y_offset, scale = _prepare(
            X, Y, self.fit_intercept, sw, implicit=method == "cholesky", own=own)
        alphas_p = scale * alphas          # penalty of the prepared problem
        max_iter = 1000 if self.max_iter is None else self.max_iter
        n_iter = None                      # exact solves (as scikit-learn's)
        jacobi = False
        if self.solver in ITERATIVE:
            # the named algorithm, on scikit-learn's scale (alphas, not alphas_p)
            coef, n_iter = solve(method, design, Yc, alphas, scale, self.tol,
                                 self.max_iter, self.positive)
            return self._set_fitted(coef, X, X_offset, y_offset, one_d, dtype, n_iter,
                                    method, is_sparse)
        if method == "cholesky":
            # (X is not checked for NaN / infinity before: no warnings from them)
            with np.errstate(over="ignore", invalid="ignore"):
                coef = _solve_cholesky(design, Yc, alphas_p)
            if not design.finite:
                _check_finite_x(X)         # else X^T X overflowed: solved below
            if X_offset is None:
                X_offset = design.mu
            if coef is None and design.centered and not design.sparse:
                # implicit centering cost too many digits here: center explicitly
                design = design.explicit()
                with np.errstate(over="ignore", invalid="ignore"):
                    coef = _solve_cholesky(design, Yc, alphas_p)
            if coef is None and n_features <= max(n_samples, _SPARSE_DIRECT_MAX):
                # a badly scaled column (or X^T X overflowing): columns rescaled
                coef = _solve_scaled_primal(design, Yc, alphas_p)
            if coef is None:
                method, jacobi = "svd", True
        if method == "svd":
            coef = None
            if not design.sparse and not jacobi:
                with np.errstate(over="ignore", invalid="ignore"):
                    jacobi = badly_scaled(design.col_sq_norms(), np.min(alphas_p))
                if jacobi and n_features <= max(n_samples, _SPARSE_DIRECT_MAX) \
                        and np.all(alphas_p > 0):
                    # the SVD loses a badly scaled column's small directions (the
                    # Jacobi SVD too, in its coefficients, on wide X): rescaled columns
                    coef = _solve_scaled_primal(design, Yc, alphas_p)
            if coef is None:
                coef = _solve_svd(design, Yc, alphas_p, jacobi=jacobi)
        elif method == "sparse_cg":
            coef, n_iter = _solve_cg(design, Yc, alphas_p, self.tol, self.max_iter)
        elif method == "cd":
            coef, n_iter = _solve_cd(design, Yc, alphas_p, self.tol, max_iter,
                                     self.positive)
        elif method == "gpcg":
            coef, n_iter = _solve_positive(design, Yc, alphas_p, self.tol, max_iter)
        return self._set_fitted(coef, X, X_offset, y_offset, one_d, dtype, n_iter,
                                method, is_sparse)

    def _set_fitted(self, coef, X, X_offset, y_offset, one_d, dtype, n_iter, method,
                    is_sparse):
        """The fitted attributes from coef (n_targets, n_features) and the offsets."""
        if not np.all(np.isfinite(coef)):
            _raise_not_finite(X)
        self.coef_, self.intercept_ = _finish(coef, X_offset, y_offset,
                                              self.fit_intercept, one_d, dtype)
        self.n_iter_ = n_iter
        self.method_ = method
        self.solver_ = self._sklearn_solver(is_sparse, method)
        return self


# --------------------------------------------------------------------------------------
# RidgeCV
# --------------------------------------------------------------------------------------

class _Identity(RegressorMixin, BaseEstimator):
    """Regressor whose predictions are its input: scores precomputed predictions."""

    def predict(self, X):
        return X


def _scorer_accepts_weights(scorer):
    """Whether ``scorer`` takes sample weights, as scikit-learn's GridSearchCV decides
    it: a scikit-learn scorer's metadata request of ``score`` (public
    ``get_metadata_routing``: the parameters of its score function, or of the
    estimator's ``score`` method), otherwise the callable's signature."""
    request = getattr(scorer, "get_metadata_routing", None)
    score = getattr(request(), "score", None) if request is not None else None
    if score is not None:
        return "sample_weight" in score.requests
    return "sample_weight" in inspect.signature(scorer).parameters


class RidgeCV(_RidgeEstimator):
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
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    Ridge : The model of one alpha (the final model is one).
    ElasticNetCV : Cross-validated L1 + L2 penalties (on the elastic net's scale).
    sklearn.linear_model.RidgeCV : The scikit-learn estimator this one replaces.
        R's ``cv.glmnet(x, y, alpha=0)`` is the glmnet counterpart (K-fold, on
        the elastic net's scale).

    Notes
    -----
    Each alpha's model minimizes :class:`Ridge`'s objective (``b`` the
    intercept)::

        ||y - X w - b||_2^2 + alpha * ||w||_2^2

    With ``cv=None``, the score of an alpha is, by default, minus the mean squared
    leave-one-out error (weighted with sample weights): the error on sample i of
    the model fitted without sample i, obtained for every i and every alpha from
    one decomposition of X, ``e_i = (y_i - yhat_i) / (1 - h_ii)`` with h the
    diagonal of the hat matrix (intercept included). The selected alpha maximizes
    the score (the first of equal scores).

    Examples
    --------
    >>> import numpy as np
    >>> import fastreg
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> cv = fastreg.RidgeCV(alphas=np.logspace(-3, 3, 13)).fit(X, y)
    >>> print(f"{cv.alpha_:.3g} {cv.best_score_:.1f}")   # leave-one-out
    0.00316 -2999.8
    >>> cv5 = fastreg.RidgeCV(alphas=np.logspace(-3, 3, 13), cv=5).fit(X, y)
    >>> print(f"{cv5.alpha_:.3g} {cv5.best_score_:.3f}")  # 5-fold, R^2
    0.001 0.482
    """

    def __init__(self, alphas: float | ArrayLike = (0.1, 1.0, 10.0), *,
                 fit_intercept: bool = True, scoring: str | Callable | None = None,
                 cv: int | BaseCrossValidator | Iterable | None = None,
                 gcv_mode: Literal["auto", "svd", "eigen"] | None = None,
                 store_cv_results: bool = False,
                 alpha_per_target: bool = False) -> None:
        self._store_params(locals())

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

    def fit(self, X: ArrayLike | spmatrix | sparray, y: ArrayLike,
            sample_weight: float | ArrayLike | None = None, **params: Any) -> Self:
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
        with serial_scope(_direct_work(X)):
            return self._fit(X, y, sample_weight)

    def _fit(self, X, y, sample_weight):
        alphas = self._validate_params()
        scorer = None if self.scoring is None else check_scoring(self, self.scoring)
        # (plain float arrays skip validate_data's conversions: see _validate_xy; X's
        # finiteness is checked here, dense X by blocks of columns' sums)
        X, y = _validate_xy(self, X, y, ["csr", "csc", "coo"], [np.float64, np.float32],
                            ensure_all_finite=False)
        if sparse.issparse(X):
            assert_all_finite(X, estimator_name=type(self).__name__, input_name="X")
        else:
            check_finite(X, estimator_name=type(self).__name__)
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
        # dense float64 X without weights is not copied (centered inside the
        # products: see _Design; loo_solver copies it for _DirectLOO)
        design, Yc, X_offset, y_offset, scale = _prepare(
            X, Y, self.fit_intercept, sw, implicit=True)
        if X_offset is None:
            X_offset = design.mu
        if n_samples <= X.shape[1]:
            design = wide_design(design)
        spectrum = loo_solver(design, Yc, mode, self.fit_intercept, scale * alphas)
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
        if scorer is None and results is None:
            # the default score: mean squared residuals of every alpha from one pass
            # over the rows, without the (n_samples, n_alphas, n_targets) residuals
            sums = spectrum.loo_sq_sums(alphas * scale, scale)
            if y.ndim == 1:
                scores = -sums[:, 0] / n_samples
            elif self.alpha_per_target:
                scores = -sums / n_samples
            else:
                scores = -sums.sum(axis=1) / (n_samples * n_y)
            for i, alpha in enumerate(alphas):
                select(i, alpha, scores[i], None)
        blocks = () if scorer is None and results is None else \
            spectrum.loo_blocks(alphas * scale)
        for block, looe_block in blocks:
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
                None if sw is None else sw[train], own=True)
            spectrum = _Spectrum(design, Yc, "eigen", self.fit_intercept,
                                 alpha_min=scale * float(np.min(alphas)))
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

