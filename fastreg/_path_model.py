"""Models that keep their whole path: `ElasticNetPath`, `LassoPath`, and what they
share with the cross-validated estimators (`PathModelMixin`): ``coef_path_``,
``intercept_path_``, ``coef(alpha)`` and ``predict(X, alpha=...)`` at any alpha
(glmnet's ``predict(fit, s=)``), ``exact=True`` refits, and ``summary()`` (glmnet's
``print(fit)``: Df, %Dev, alpha).

A path is fitted by the engine like every other front end (``_prepare`` centers and
weights, ``_engine`` builds the Problem, ``_path.solve_limited`` solves the grid and
stops at ``max_features``); this module adds no centering and no kernel call of its
own.
"""
from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Literal

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._base import LinearPredictMixin, SparseCoefMixin, check_finite_fit
from ._engine import (
    Problem,
    gram_for,
    unreachable,
    update_strategy,
    warn_not_converged,
)
from ._path import solve_grid
from ._penalty import Penalty
from ._prepare import (
    preprocess,
    sparse_or_dense,
    standardized,
)
from ._validation import (
    check_bool,
    check_max_features,
    check_path_params,
    check_precompute,
    check_sample_weight,
    check_solver_params,
)

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray
    from scipy.sparse import sparray, spmatrix
    from typing_extensions import Self

# ---------------------------------------------------------------------------------------
# Fitting a whole path (shared by ElasticNetPath and the CV estimators' coef_path_)
# ---------------------------------------------------------------------------------------

def _full_problem(X, y, sw, fit_intercept, penalty, precompute, n_path):
    """(problem, X_offset, y_offset) of the data (validated X, 1-D y, weights or None)
    for a path of n_path alphas: the engine's strategy, centering by ``_prepare``."""
    n_samples, n_features = X.shape
    if sparse.issparse(X):
        X, prep = sparse_or_dense(X, y, fit_intercept, sw)
    if sparse.issparse(X):
        strategy = update_strategy(precompute, n_samples, n_features, n_path,
                                   sparse=prep)
        problem = Problem.sparse(prep, prep.y, penalty, gram=strategy == "full")
    else:
        strategy = update_strategy(precompute, n_samples, n_features, n_path)
        prep = preprocess(X, y, fit_intercept, sw, implicit=strategy == "residual")
        problem = Problem.dense(prep.X, prep.y, penalty, prep.Xmean, prep.norms,
                                use_gram=strategy == "lazy",
                                gram=gram_for(strategy, prep))
    return problem, prep.X_offset, prep.y_offset


def deviance_ratios(X, y, sw, coefs, fit_intercept):
    """glmnet's ``dev.ratio`` of each solution (the intercept at its optimum, as
    fitted): 1 - dev / nulldev, dev the (weighted) residual sum of squares and
    nulldev that of the weighted mean of y (of 0 without an intercept). From the
    weighted (centered) moments of the path's support S: ``dev = nulldev - 2 w^T b
    + w^T G w`` with G = X_S^T W X_S and b = X_S^T W y (O(n |S|^2) once, no
    n x n_alphas residuals)."""
    y64 = np.asarray(y, dtype=np.float64)
    w = np.ones_like(y64) if sw is None else np.asarray(sw, dtype=np.float64)
    ybar = float(np.average(y64, weights=w)) if fit_intercept else 0.0
    yc = y64 - ybar
    null = float(w @ yc ** 2)
    support = np.flatnonzero(np.any(coefs != 0, axis=1))
    k = coefs.shape[1]
    if support.size:
        if sparse.issparse(X):
            XS = sparse.csc_matrix(X)[:, support].astype(np.float64)
            G = np.asarray((XS.T @ XS.multiply(w[:, None])).toarray())
            b = np.asarray(XS.T @ (w * yc)).ravel()
            if fit_intercept:
                xbar = np.asarray(XS.T @ w).ravel() / np.sum(w)
                G -= np.sum(w) * np.outer(xbar, xbar)
        else:
            XS = np.asarray(X[:, support], dtype=np.float64)
            if fit_intercept:
                XS = XS - np.average(XS, axis=0, weights=w)
            WX = XS * w[:, None]
            G = XS.T @ WX
            b = WX.T @ yc
        W = np.asarray(coefs[support], dtype=np.float64)
        dev = null - 2 * (b @ W) + np.einsum("jk,jk->k", W, G @ W)
        dev = np.maximum(dev, 0.0)
    else:
        dev = np.full(k, null)
    if not null > 0:
        return np.where(dev > 0, -np.inf, 0.0)
    return 1.0 - dev / null


def fit_path(X, y, sw, *, l1_ratio, grid, n_alphas, eps, fit_intercept, penalty,
             precompute, tol, max_iter, selection, seed, max_features=None,
             max_features_ever=None, epoch=-1, warn=True, standardize=False):
    """The whole path on validated data: a dict with ``alphas``, ``coefs`` (p, k),
    ``intercepts`` (k,), ``gaps``, ``n_iter`` and ``dev_ratio`` (k may be shorter than
    the grid with ``max_features``). ``grid``: the alphas (decreasing) or None for
    the default grid of ``n_alphas`` values down to ``eps`` times alpha_max."""
    n_path = n_alphas if grid is None else len(grid)
    X_data = X
    X, penalty, scale = standardized(X, sw, penalty, standardize)
    problem, X_offset, y_offset = _full_problem(X, y, sw, fit_intercept, penalty,
                                                precompute, n_path)
    grid, coefs, gaps, its, conv = solve_grid(
        problem, l1_ratio, grid, n_alphas, eps, max_features, max_features_ever,
        tol=tol, max_iter=max_iter, selection=selection, seed=seed, epoch=epoch,
        warn=warn)
    coefs = np.asarray(coefs)
    if fit_intercept:
        intercepts = (y_offset - X_offset @ coefs).astype(coefs.dtype)
    else:
        intercepts = np.zeros(coefs.shape[1], dtype=coefs.dtype)
    if scale is not None:
        # (the intercepts from the scaled offsets and coefficients: the same)
        coefs = coefs * scale[:, None]
    X = X_data
    check_finite_fit(coefs, intercepts)
    return dict(alphas=np.asarray(grid, dtype=np.float64)[:coefs.shape[1]].copy(),
                coefs=coefs, intercepts=intercepts, gaps=np.asarray(gaps),
                n_iter=np.asarray(its, dtype=np.int64),
                dev_ratio=deviance_ratios(X, y, sw, coefs, fit_intercept))


def refit_at(X, y, sw, alphas, coef_inits, *, l1_ratio, fit_intercept, penalty,
             precompute, tol, max_iter, selection, seed, standardize=False):
    """The exact solutions at the given alphas (glmnet's ``exact=TRUE``), each solved
    on its own, warm-started from its coef_init (columns of coef_inits (p, m)), on one
    problem built once: (coefs (p, m), intercepts (m,))."""
    X, penalty, scale = standardized(X, sw, penalty, standardize)
    if scale is not None:
        coef_inits = np.where(scale[:, None] > 0, coef_inits /
                              np.where(scale > 0, scale, 1)[:, None], 0)
    problem, X_offset, y_offset = _full_problem(X, y, sw, fit_intercept, penalty,
                                                precompute, 1)
    m = len(alphas)
    out = np.empty((problem.n_full, m), dtype=X.dtype)
    for i, alpha in enumerate(alphas):
        coefs, gaps, its, conv, tol_abs = problem.solve(
            l1_ratio, [float(alpha)], coef_init=coef_inits[:, i], tol=tol,
            max_iter=max_iter, selection=selection, seed=seed)
        if not conv[0]:
            warn_not_converged(float(gaps[0]), tol_abs, l1_ratio,
                               unreachable(conv, its, max_iter), coefs.dtype)
        out[:, i] = coefs[:, 0]
    intercepts = (y_offset - X_offset @ out).astype(np.float64) if fit_intercept \
        else np.zeros(m)
    if scale is not None:
        out = out * scale[:, None]
    return out, intercepts


def interpolation_weights(alphas, s):
    """glmnet's ``lambda.interp``: for each requested alpha s, the indices (left,
    right) of the two fitted alphas around it (alphas decreasing: alphas[left] >= s
    >= alphas[right]) and the weight ``frac`` of the left one, linear in alpha: the
    solution at s is ``frac * coef[left] + (1 - frac) * coef[right]``. An s outside
    [alphas[-1], alphas[0]] is clamped to the nearest end (glmnet's rule: the
    solution at the end of the path)."""
    alphas = np.asarray(alphas, dtype=np.float64)
    s = np.asarray(s, dtype=np.float64)
    k = alphas.shape[0]
    if k == 1:
        zeros = np.zeros(s.shape, dtype=np.intp)
        return zeros, zeros, np.ones(s.shape)
    s = np.clip(s, alphas[-1], alphas[0])
    # position of s in the increasing reversed grid
    rev = alphas[::-1]
    pos = np.clip(np.searchsorted(rev, s, side="left"), 1, k - 1)
    hi = k - pos                 # index (decreasing grid) of the larger alpha ...
    left = hi - 1
    right = hi
    exact = alphas[right] == s   # (s on a fitted alpha: that one alone)
    span = alphas[left] - alphas[right]
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(span > np.finfo(np.float64).eps * max(alphas[0], 1e-300),
                        (s - alphas[right]) / span, 1.0)
    frac = np.where(exact, 0.0, frac)
    return left, right, frac


class PathTable:
    """glmnet's ``print(fit)`` of a path: per alpha, ``df`` (nonzero coefficients),
    ``percent_dev`` (% deviance explained, weighted) and ``alpha``. ``print`` it for
    glmnet's table; ``to_pandas()`` for a DataFrame (pandas needed)."""

    def __init__(self, df, percent_dev, alpha):
        self.df = np.asarray(df)
        self.percent_dev = np.asarray(percent_dev)
        self.alpha = np.asarray(alpha)

    def __len__(self):
        return len(self.alpha)

    def to_pandas(self):
        """The table as a pandas DataFrame (columns Df, %Dev, Alpha; index 1..k)."""
        import pandas as pd
        return pd.DataFrame({"Df": self.df, "%Dev": self.percent_dev,
                             "Alpha": self.alpha},
                            index=pd.RangeIndex(1, len(self) + 1))

    def __str__(self):
        rows = [("", "Df", "%Dev", "Alpha")]
        rows += [(str(i + 1), str(int(d)), f"{p:.2f}", f"{a:.4g}")
                 for i, (d, p, a) in enumerate(zip(self.df, self.percent_dev,
                                                   self.alpha, strict=True))]
        widths = [max(len(r[c]) for r in rows) for c in range(4)]
        return "\n".join(" ".join(cell.rjust(w) for cell, w in zip(r, widths,
                                                                    strict=True))
                         for r in rows)

    __repr__ = __str__


# ---------------------------------------------------------------------------------------
# What a model with a whole path offers
# ---------------------------------------------------------------------------------------

class PathModelMixin:
    """``coef(alpha)``, ``predict(X, alpha=)`` and ``summary()`` from the path that
    ``_path_result()`` returns (a dict of ``fit_path``), and ``exact=True`` refits
    through ``_refit(X, y, sw, alphas, coef_inits)``."""

    def _path_result(self):
        raise NotImplementedError

    def _named_alpha(self, alpha):
        """alpha="min" / "1se": the CV estimators' alpha_min_ / alpha_1se_."""
        raise ValueError(
            f"alpha={alpha!r}: 'min' and '1se' are the alphas chosen by "
            "cross-validation (LassoCV / ElasticNetCV); expected a number >= 0 or an "
            "array of them.")

    def _alphas_requested(self, alpha):
        if isinstance(alpha, str):
            if alpha not in ("min", "1se"):
                raise ValueError(
                    f"alpha={alpha!r}: expected a number >= 0, an array of them, "
                    "'min' or '1se'.")
            return np.float64(self._named_alpha(alpha)), True
        values = np.asarray(alpha, dtype=object)
        scalar = values.ndim == 0
        flat = values.ravel()
        if values.ndim > 1 or flat.size == 0 or not all(
                isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))
                for v in flat):
            raise ValueError(
                f"alpha={alpha!r}: expected a number >= 0, a 1-D array of them, 'min' "
                "or '1se'.")
        arr = flat.astype(np.float64)
        if not np.all(np.isfinite(arr)) or np.any(arr < 0):
            raise ValueError(f"alpha={alpha!r}: expected finite values >= 0.")
        return (arr[0] if scalar else arr), scalar

    def coef(self, alpha: float | ArrayLike | str, *, exact: bool = False,
             train: tuple | None = None) -> tuple[NDArray, float | NDArray]:
        """Coefficients and intercept at any alpha (glmnet's ``coef(fit, s=)``).

        Parameters
        ----------
        alpha : float, array-like of float, 'min' or '1se'
            The alpha(s). Between two fitted alphas, the solution is interpolated
            linearly in alpha (glmnet's ``lambda.interp``; the Lasso path is
            piecewise linear in alpha, so between two alphas where no feature
            enters or leaves this is exact); outside the fitted range, the solution
            at the nearest end of the path (glmnet's rule). 'min' and '1se': a
            cross-validated estimator's ``alpha_min_`` and ``alpha_1se_``.
        exact : bool, default=False
            Solve at ``alpha`` instead (glmnet's ``exact=TRUE``), warm-started from
            the fitted solution at the nearest alpha; works at any alpha >= 0.
        train : tuple, default=None
            With ``exact=True``: the data the model was fitted on, ``(X, y)`` or
            ``(X, y, sample_weight)`` (as glmnet, which asks for ``x=`` and ``y=``:
            the model does not keep its training data).

        Returns
        -------
        coef : ndarray of shape (n_features,) or (n_features, n_requested)
            The coefficients (one column per requested alpha for an array).
        intercept : float or ndarray of shape (n_requested,)
            The intercept(s).
        """
        result = self._path_result()
        s, scalar = self._alphas_requested(alpha)
        check_bool("exact", exact)
        s_arr = np.atleast_1d(s)
        if exact:
            if train is None or not isinstance(train, (tuple, list)) or \
                    len(train) not in (2, 3):
                raise ValueError(
                    "exact=True solves at alpha on the training data, which the model "
                    "does not keep: pass train=(X, y) or train=(X, y, sample_weight), "
                    f"the data it was fitted on (got train={type(train).__name__}).")
            X, y, sw = self._training_arrays(*train)
            log_grid = np.log(np.maximum(result["alphas"], 1e-300))
            near = np.argmin(np.abs(log_grid[None, :] -
                                    np.log(np.maximum(s_arr, 1e-300))[:, None]), axis=1)
            coefs, intercepts = self._refit(X, y, sw, s_arr, result["coefs"][:, near])
        else:
            left, right, frac = interpolation_weights(result["alphas"], s_arr)
            C = result["coefs"]
            coefs = (C[:, left] * frac + C[:, right] * (1 - frac)).astype(C.dtype)
            b = result["intercepts"].astype(np.float64)
            intercepts = b[left] * frac + b[right] * (1 - frac)
        if scalar:
            return coefs[:, 0], float(intercepts[0])
        return coefs, intercepts

    def predict(self, X: ArrayLike | spmatrix | sparray,
                alpha: float | ArrayLike | str | None = None, *, exact: bool = False,
                train: tuple | None = None) -> NDArray:
        """Predict with the model, at its own alpha or at any alpha of the path.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.
        alpha : float, array-like of float, 'min' or '1se', default=None
            None: the model's ``coef_`` and ``intercept_``. Otherwise the alpha(s)
            at which to predict, as in :meth:`coef` (interpolated linearly in alpha
            between fitted alphas, as glmnet's ``predict(fit, newx, s=)``).
        exact : bool, default=False
            Solve at ``alpha`` (glmnet's ``exact=TRUE``); needs ``train``.
        train : tuple, default=None
            ``(X, y)`` or ``(X, y, sample_weight)``: the training data, for
            ``exact=True``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_requested)
            Predictions (one column per requested alpha for an array of alphas).
        """
        if alpha is None:
            if exact:
                raise ValueError("exact=True needs an alpha (alpha=None predicts with "
                                 "coef_).")
            return LinearPredictMixin.predict(self, X)
        check_is_fitted(self)
        coef, intercept = self.coef(alpha, exact=exact, train=train)
        X = validate_data(self, X, accept_sparse=["csr", "csc", "coo"], reset=False,
                          dtype=[np.float64, np.float32])
        return np.asarray(X @ coef) + intercept

    def summary(self) -> PathTable:
        """glmnet's ``print(fit)``: for each alpha of the path, the number of
        nonzero coefficients (Df), the percentage of (weighted) deviance explained,
        ``100 * (1 - RSS / RSS_null)`` with RSS_null that of the (weighted) mean of
        y (of 0 without an intercept) (%Dev), and the alpha.

        Returns
        -------
        table : PathTable
            ``table.df``, ``table.percent_dev``, ``table.alpha`` (arrays); ``print``
            shows glmnet's table, ``table.to_pandas()`` gives a DataFrame.
        """
        result = self._path_result()
        return PathTable(np.count_nonzero(result["coefs"], axis=0),
                         np.round(100 * result["dev_ratio"], 2), result["alphas"])

    def _training_arrays(self, X, y, sample_weight=None):
        """The training data of an exact refit, validated as in fit."""
        X = validate_data(self, X, accept_sparse=["csc", "csr", "coo"], reset=False,
                          dtype=[np.float64, np.float32])
        y = np.ascontiguousarray(column_or_1d(y), dtype=X.dtype)
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"train: X has {X.shape[0]} rows and y {y.shape[0]}; "
                             "expected the data the model was fitted on.")
        sw = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        return X, y, sw


# ---------------------------------------------------------------------------------------
# The estimators
# ---------------------------------------------------------------------------------------

class ElasticNetPath(PathModelMixin, LinearPredictMixin, SparseCoefMixin,
                     RegressorMixin, BaseEstimator):
    """The elastic net along a whole grid of alphas, kept as one model (glmnet's
    ``glmnet`` object).

    ``fit`` solves the path once (warm starts, screening and the Gram matrix shared
    by all alphas, as :func:`fastreg.enet_path`, with an intercept, sample weights,
    penalty factors and bounds as :class:`fastreg.ElasticNet`). Then
    ``coef(alpha)`` and ``predict(X, alpha=...)`` answer at any alpha: linear
    interpolation in alpha between the two nearest fitted alphas, as glmnet's
    ``predict(fit, s=)`` (or ``exact=True``: solved at that alpha), and
    ``summary()`` prints glmnet's table (Df, %Dev, alpha). ``predict(X)`` without an
    alpha uses the last (smallest) alpha fitted.

    Parameters
    ----------
    l1_ratio : float, default=0.5
        Mixing parameter in [0, 1] (1: the Lasso; glmnet's ``alpha``); 0 requires an
        explicit array of alphas.
    eps : float, default=1e-3
        Length of the default grid: ``alpha_min / alpha_max = eps`` (glmnet's
        ``lambda.min.ratio``).
    alphas : int or array-like, default=100
        Number of alphas of the default grid (glmnet's ``nlambda``), or the alphas
        themselves (glmnet's ``lambda``; solved in decreasing order).
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    precompute : 'auto' or bool, default='auto'
        Update strategy, as in :func:`fastreg.enet_path` (the solutions do not
        depend on it).
    max_iter : int, default=1000
        Maximum number of coordinate-descent sweeps per alpha.
    tol : float, default=1e-4
        Tolerance on the duality gap of each solution, relative to ``||y||^2 /
        n_samples`` (scikit-learn's rule).
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Seed of the random coordinate order when ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Coordinate order.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty factors (glmnet's ``penalty.factor``), as in
        :class:`fastreg.ElasticNet`.
    lower_bounds : float or array-like of shape (n_features,), default=None
        Lower bounds on the coefficients (glmnet's ``lower.limits``).
    upper_bounds : float or array-like of shape (n_features,), default=None
        Upper bounds on the coefficients (glmnet's ``upper.limits``).
    max_features : int, default=None
        glmnet's ``dfmax``: the path stops at the first alpha whose solution has more
        than ``max_features`` nonzero coefficients (that solution is the last one
        fitted); the alphas after it are not fitted and ``alphas_`` is shorter than
        the grid, as glmnet's ``lambda``.
    max_features_ever : int, default=None
        glmnet's ``pmax``: the path stops before the first alpha at which more than
        ``max_features_ever`` features have been nonzero somewhere along the path
        (that alpha is not fitted).

    Attributes
    ----------
    alphas_ : ndarray of shape (n_alphas,)
        The alphas fitted, decreasing.
    coef_path_ : ndarray of shape (n_features, n_alphas)
        Coefficients along the path (``enet_path``'s layout).
    intercept_path_ : ndarray of shape (n_alphas,)
        Intercepts along the path.
    dual_gap_path_ : ndarray of shape (n_alphas,)
        Duality gap of each solution, on the scale of the objective.
    n_iter_path_ : ndarray of shape (n_alphas,)
        Coordinate-descent sweeps of each alpha (0 where the warm start was already
        the solution).
    n_iter_ : int
        The largest of ``n_iter_path_``.
    dev_ratio_path_ : ndarray of shape (n_alphas,)
        Fraction of (weighted) deviance explained at each alpha (glmnet's
        ``dev.ratio``).
    coef_ : ndarray of shape (n_features,)
        Coefficients at the last (smallest) alpha fitted (used by ``predict(X)``).
    intercept_ : float
        Intercept at the last alpha fitted.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    LassoPath : The same with ``l1_ratio=1``.
    enet_path : The same path as arrays, on data as given (no intercept).
    ElasticNetCV : Chooses alpha along the path by cross-validation (its
        ``coef_path_`` and ``predict(X, alpha=)`` work the same way).
    fastreg.plotting.plot_path : Draws the path (``xvar="alpha"``, ``"norm"`` or
        ``"dev"``).

    Notes
    -----
    Each alpha's solution minimizes :class:`ElasticNet`'s objective (``n`` =
    n_samples, ``b`` the intercept, sample weights rescaled to sum to n)::

        (1 / (2 * n)) * ||y - X w - b||_2^2
            + alpha * l1_ratio * ||w||_1
            + 0.5 * alpha * (1 - l1_ratio) * ||w||_2^2

    glmnet's ``lambda`` is this alpha when y is scaled as glmnet scales it (see
    :class:`ElasticNet`'s Notes); with the same data and grid, ``coef(alpha)`` is
    glmnet's ``coef(fit, s=lambda)``: the interpolation weight of the larger of the
    two fitted alphas ``a_l > s > a_r`` around s is ``(s - a_r) / (a_l - a_r)``.
    Where a feature enters or leaves between two fitted alphas the interpolated
    coefficients are not a solution; ``exact=True`` is.

    Unlike glmnet, ``max_features`` applies to a given grid too, and the path may
    stop at its first alphas (glmnet checks ``dfmax`` on its own grid only, and
    from its 5th lambda on).

    Examples
    --------
    >>> import numpy as np
    >>> import fastreg
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> path = fastreg.ElasticNetPath(l1_ratio=1.0, alphas=20).fit(X, y)
    >>> path.coef_path_.shape                 # (features, alphas)
    (10, 20)
    >>> coef, intercept = path.coef(0.5)      # between two fitted alphas
    >>> np.flatnonzero(coef)
    array([2, 3, 6, 8])
    >>> path.predict(X[:2], alpha=[1.0, 0.1]).round(1)
    array([[181.1, 202.7],
           [112. ,  73.8]])
    >>> table = path.summary()                # print(table): glmnet's print(fit)
    >>> table.df[:6]                          # nonzero coefficients
    array([0, 2, 2, 3, 4, 4])
    >>> table.percent_dev[:3]                 # % deviance explained
    array([ 0.  , 22.96, 34.84])

    glmnet's ``dfmax``: stop once more than 4 features are in the model:

    >>> short = fastreg.ElasticNetPath(l1_ratio=1.0, alphas=20, max_features=4)
    >>> short.fit(X, y).alphas_.shape, int(np.count_nonzero(short.coef_))
    ((7,), 5)
    """

    _l1_ratio_fixed = None

    def __init__(self, *, l1_ratio: float = 0.5, eps: float = 1e-3,
                 alphas: int | ArrayLike = 100, fit_intercept: bool = True,
                 precompute: bool | Literal["auto"] = "auto", max_iter: int = 1000,
                 tol: float = 1e-4, positive: bool = False,
                 random_state: int | np.random.RandomState | None = None,
                 selection: Literal["cyclic", "random"] = "cyclic",
                 penalty_factor: ArrayLike | None = None,
                 lower_bounds: float | ArrayLike | None = None,
                 upper_bounds: float | ArrayLike | None = None,
                 max_features: int | None = None,
                 max_features_ever: int | None = None) -> None:
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.max_features = max_features
        self.max_features_ever = max_features_ever

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _l1_ratio(self):
        return self.l1_ratio if self._l1_ratio_fixed is None else self._l1_ratio_fixed

    def _validate_params(self):
        l1_ratio = self._l1_ratio()
        n_alphas, grid = check_path_params(l1_ratio, self.eps, self.alphas)
        check_solver_params(self.tol, self.max_iter, self.selection)
        for name in ("fit_intercept", "positive"):
            check_bool(name, getattr(self, name))
        check_precompute(self.precompute)
        if hasattr(self.precompute, "__array__") and not isinstance(self.precompute,
                                                                   str):
            raise ValueError("precompute: a Gram matrix is not accepted by "
                             f"{type(self).__name__} (it centers X for the intercept); "
                             "expected 'auto', True or False.")
        check_max_features(self.max_features, self.max_features_ever)
        return float(l1_ratio), n_alphas, grid

    def _solver_params(self):
        return dict(l1_ratio=float(self._l1_ratio()), fit_intercept=self.fit_intercept,
                    penalty=self._penalty, precompute=self.precompute, tol=self.tol,
                    max_iter=self.max_iter, selection=self.selection, seed=self._seed)

    def fit(self, X: ArrayLike | spmatrix | sparray, y: ArrayLike,
            sample_weight: float | ArrayLike | None = None) -> Self:
        """Fit the whole path.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (float32 stays float32).
        y : array-like of shape (n_samples,)
            Target values.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Sample weights (rescaled to sum to n_samples).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        l1_ratio, n_alphas, grid = self._validate_params()
        X, y = validate_data(self, X, y, accept_sparse=["csc", "csr", "coo"],
                             dtype=[np.float64, np.float32], copy=False,
                             multi_output=True, y_numeric=True)
        if y.ndim == 2 and y.shape[1] != 1:
            raise ValueError(f"{type(self).__name__} fits one target; y has "
                             f"{y.shape[1]} columns (fit one model per column).")
        y = np.ascontiguousarray(column_or_1d(y, warn=True), dtype=X.dtype)
        if sparse.issparse(X) and X.format not in ("csc", "csr"):
            X = X.tocsc()
        n_samples, n_features = X.shape
        sw = check_sample_weight(sample_weight, n_samples, X.dtype)
        self._penalty = Penalty(n_features, self.penalty_factor, self.lower_bounds,
                                self.upper_bounds, self.positive)
        self._seed = check_random_state(self.random_state).randint(1, 2**31 - 1)
        result = fit_path(X, y, sw, grid=grid, n_alphas=n_alphas, eps=self.eps,
                          max_features=self.max_features,
                          max_features_ever=self.max_features_ever,
                          **self._solver_params())
        self._result = result
        self.alphas_ = result["alphas"]
        self.coef_path_ = result["coefs"]
        self.intercept_path_ = result["intercepts"]
        self.dual_gap_path_ = result["gaps"]
        self.n_iter_path_ = result["n_iter"]
        self.n_iter_ = int(np.max(result["n_iter"]))
        self.dev_ratio_path_ = result["dev_ratio"]
        self.coef_ = np.ascontiguousarray(result["coefs"][:, -1])
        self.intercept_ = float(result["intercepts"][-1])
        return self

    def _path_result(self):
        check_is_fitted(self, "coef_path_")
        return self._result

    def _refit(self, X, y, sw, alphas, coef_inits):
        return refit_at(X, y, sw, alphas, coef_inits, **self._solver_params())


class LassoPath(ElasticNetPath):
    """The Lasso along a whole grid of alphas, kept as one model: :class:`ElasticNetPath`
    with ``l1_ratio=1`` (glmnet's ``glmnet(x, y)``).

    Parameters
    ----------
    eps : float, default=1e-3
        Length of the default grid: ``alpha_min / alpha_max = eps``.
    alphas : int or array-like, default=100
        Number of alphas of the default grid, or the alphas themselves.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    precompute : 'auto' or bool, default='auto'
        Update strategy (the solutions do not depend on it).
    max_iter : int, default=1000
        Maximum number of coordinate-descent sweeps per alpha.
    tol : float, default=1e-4
        Tolerance on the duality gap of each solution.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Seed of the random coordinate order when ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Coordinate order.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty factors (glmnet's ``penalty.factor``).
    lower_bounds : float or array-like of shape (n_features,), default=None
        Lower bounds on the coefficients.
    upper_bounds : float or array-like of shape (n_features,), default=None
        Upper bounds on the coefficients.
    max_features : int, default=None
        glmnet's ``dfmax`` (see :class:`ElasticNetPath`).
    max_features_ever : int, default=None
        glmnet's ``pmax`` (see :class:`ElasticNetPath`).

    Attributes
    ----------
    alphas_ : ndarray of shape (n_alphas,)
        The alphas fitted, decreasing.
    coef_path_ : ndarray of shape (n_features, n_alphas)
        Coefficients along the path.
    intercept_path_ : ndarray of shape (n_alphas,)
        Intercepts along the path.
    dual_gap_path_ : ndarray of shape (n_alphas,)
        Duality gap of each solution.
    n_iter_path_ : ndarray of shape (n_alphas,)
        Coordinate-descent sweeps of each alpha.
    n_iter_ : int
        The largest of ``n_iter_path_``.
    dev_ratio_path_ : ndarray of shape (n_alphas,)
        Fraction of deviance explained at each alpha.
    coef_ : ndarray of shape (n_features,)
        Coefficients at the last alpha fitted.
    intercept_ : float
        Intercept at the last alpha fitted.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    ElasticNetPath : L1 and L2 penalties mixed.
    LassoCV : Chooses alpha by cross-validation.
    lasso_path : The same path as arrays (no intercept).

    Notes
    -----
    Each alpha's solution minimizes :class:`Lasso`'s objective (``n`` = n_samples,
    ``b`` the intercept)::

        (1 / (2 * n)) * ||y - X w - b||_2^2 + alpha * ||w||_1

    which is glmnet's with ``lambda = alpha`` (``standardize=FALSE``). The Lasso
    path is piecewise linear in alpha, so ``coef(alpha)``'s interpolation is the
    solution wherever no feature enters or leaves between the two fitted alphas.

    Examples
    --------
    >>> import fastreg
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> path = fastreg.LassoPath(alphas=50).fit(X, y)
    >>> table = path.summary()
    >>> int(table.df[-1]), float(table.percent_dev[-1])
    (10, 51.76)
    """

    _l1_ratio_fixed = 1.0

    def __init__(self, *, eps: float = 1e-3, alphas: int | ArrayLike = 100,
                 fit_intercept: bool = True,
                 precompute: bool | Literal["auto"] = "auto", max_iter: int = 1000,
                 tol: float = 1e-4, positive: bool = False,
                 random_state: int | np.random.RandomState | None = None,
                 selection: Literal["cyclic", "random"] = "cyclic",
                 penalty_factor: ArrayLike | None = None,
                 lower_bounds: float | ArrayLike | None = None,
                 upper_bounds: float | ArrayLike | None = None,
                 max_features: int | None = None,
                 max_features_ever: int | None = None) -> None:
        super().__init__(
            l1_ratio=1.0, eps=eps, alphas=alphas, fit_intercept=fit_intercept,
            precompute=precompute, max_iter=max_iter, tol=tol, positive=positive,
            random_state=random_state, selection=selection,
            penalty_factor=penalty_factor, lower_bounds=lower_bounds,
            upper_bounds=upper_bounds, max_features=max_features,
            max_features_ever=max_features_ever)
