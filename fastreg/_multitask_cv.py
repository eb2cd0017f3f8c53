"""Cross-validated multi-task estimators: `MultiTaskElasticNetCV` and
`MultiTaskLassoCV` (several targets sharing one set of features; the choice, the
grids and the folds are ``_cv_base._PathCV``'s, the fold jobs ``_cv_folds``').
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from joblib import delayed
from scipy import sparse
from sklearn.base import MultiOutputMixin
from sklearn.utils.validation import validate_data

from ._base import check_finite_fit
from ._cv_base import _LassoCVMixin, _nbytes, _PathCV
from ._cv_folds import _multitask_moments_fold, _multitask_plain_fold, _OutOfFold
from ._engine import (
    multitask_alpha_max,
    multitask_arrays,
    multitask_gram_fits,
    solve_multitask,
    update_strategy,
)
from ._path import enet_path, lasso_path
from ._prepare import (
    FoldMoments,
    SparseFoldMoments,
    SparsePrepared,
    folds_partition,
    preprocess,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from numpy.typing import ArrayLike
    from scipy.sparse import sparray, spmatrix
    from sklearn.model_selection import BaseCrossValidator
    from typing_extensions import Self


class MultiTaskElasticNetCV(MultiOutputMixin, _PathCV):
    """Multi-task elastic net with the regularization chosen by cross-validation.

    Same parameters, attributes and results as
    :class:`sklearn.linear_model.MultiTaskElasticNetCV` (same alpha grid, same folds,
    same mean squared errors: per fold the weighted mean over test samples of the
    squared error, averaged over the targets; the same choice), plus glmnet's
    one-standard-error rule (``alpha_1se_``, ``alpha_select``). The objective of each
    fit is :class:`fastreg.MultiTaskElasticNet`'s. When the training sets have more
    samples than features and the test sets partition the samples, every fold is
    solved from one set of Gram moments (X^T X, X^T Y per test block), without a copy
    of X[train].

    Parameters
    ----------
    l1_ratio : float or list of float, default=0.5
        Mixing parameter(s) in [0, 1] to cross-validate (1: the multi-task Lasso).
    eps : float, default=1e-3
        Length of the default grid: ``alpha_min / alpha_max = eps``.
    alphas : int or array-like, default=100
        Number of alphas of the default grid (computed for each l1_ratio on all the
        data from ``max_j ||x_j^T Y||_2``), or the alphas themselves.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    max_iter : int, default=1000
        Maximum number of block coordinate-descent sweeps per alpha.
    tol : float, default=1e-4
        Tolerance on the duality gap of each solution, relative to
        ``||Y||_Fro^2 / n_samples``.
    cv : int, cross-validation generator or iterable, default=None
        Folds, as in scikit-learn (None: 5-fold).
    copy_X : bool, default=True
        Accepted for compatibility: X is never modified.
    verbose : bool or int, default=0
        Verbosity of the parallel fold jobs.
    n_jobs : int, default=None
        Threads running the folds in parallel; -1 for all cores.
    random_state : int, RandomState instance or None, default=None
        Seed of the random feature order when ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Feature order.
    alpha_select : {'min', '1se'}, default='min'
        Which alpha the final model uses: the smallest mean CV error (scikit-learn's
        choice) or the largest alpha within one standard error of it (glmnet's).
    scoring : str, callable or None, default=None
        The CV measure that chooses alpha, as in :class:`ElasticNetCV` (None: the
        mean squared error over samples and targets); a scorer gets the predictions
        of all the targets at once (scikit-learn's metrics average over them).
    store_cv_results : bool, default=False
        Keep the out-of-fold predictions in ``cv_results_`` (glmnet's
        ``keep=TRUE``).

    Attributes
    ----------
    alpha_ : float
        The alpha used by the final model (per ``alpha_select``).
    alpha_min_ : float
        The alpha with the smallest mean CV error.
    alpha_1se_ : float
        The largest alpha within one standard error of the minimum.
    l1_ratio_ : float
        The best l1_ratio.
    alphas_ : ndarray of shape (n_alphas,) or (n_l1_ratio, n_alphas)
        The alpha grid(s).
    mse_path_ : ndarray of shape (n_alphas, n_folds) or (n_l1_ratio, n_alphas, n_folds)
        Test mean squared error of every fold along the grid(s).
    score_path_ : ndarray of the shape of ``mse_path_``
        The ``scoring`` of every fold along the grid(s) (only with ``scoring``).
    best_score_ : float
        The mean CV score at ``alpha_min_`` (only with ``scoring``).
    cv_results_ : ndarray of shape (n_samples, n_targets, n_alphas) or \
            (n_l1_ratio, n_samples, n_targets, n_alphas)
        Out-of-fold predictions (only with ``store_cv_results=True``; NaN for a
        sample in no test fold).
    coef_ : ndarray of shape (n_targets, n_features)
        Coefficients of the final model.
    intercept_ : ndarray of shape (n_targets,)
        Intercept of the final model.
    dual_gap_ : float
        Duality gap of the final model.
    n_iter_ : int
        Sweeps used by the final model.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    MultiTaskLassoCV : The same with ``l1_ratio=1``.
    MultiTaskElasticNet : The model of one alpha (the final model is one).
    ElasticNetCV : One target.
    sklearn.linear_model.MultiTaskElasticNetCV : The scikit-learn estimator this
        one replaces. R's ``cv.glmnet(x, y, family="mgaussian", alpha=l1_ratio)``
        is the glmnet counterpart.

    Notes
    -----
    Each fit minimizes :class:`MultiTaskElasticNet`'s objective (W of shape
    (n_features, n_targets), ``coef_`` its transpose, W_j its row j, ``n`` =
    n_samples of the fit, ``b`` the intercepts)::

        (1 / (2 * n)) * ||Y - X W - b||_Fro^2
            + alpha * l1_ratio * sum_j ||W_j||_2
            + 0.5 * alpha * (1 - l1_ratio) * ||W||_Fro^2

    and is returned as converged when its duality gap is at most ``tol *
    ||Y||_Fro^2 / n`` (Y centered when an intercept is fitted), scikit-learn's rule.
    The default grid runs from ``alpha_max = max_j ||x_j^T (Y - mean(Y))||_2 / (n *
    l1_ratio)`` down to ``eps * alpha_max``; ``alpha_min_``, ``alpha_1se_`` and
    ``alpha_select`` are as in :class:`ElasticNetCV`.

    Examples
    --------
    >>> import numpy as np
    >>> import fastreg
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 8))
    >>> W = np.zeros((8, 3))
    >>> W[:2] = [[1, 2, -1], [0.5, -1, 2]]     # features 0, 1 drive all 3 targets
    >>> Y = X @ W + 0.1 * rng.standard_normal((50, 3))
    >>> cv = fastreg.MultiTaskElasticNetCV(l1_ratio=[0.5, 1.0], cv=5).fit(X, Y)
    >>> cv.mse_path_.shape                    # (l1_ratios, alphas, folds)
    (2, 100, 5)
    >>> cv.coef_.shape                        # (targets, features)
    (3, 8)
    >>> bool(cv.alpha_1se_ >= cv.alpha_min_)
    True
    """

    path = staticmethod(enet_path)

    def __init__(self, *, l1_ratio: float | ArrayLike = 0.5, eps: float = 1e-3,
                 alphas: int | ArrayLike = 100, fit_intercept: bool = True,
                 max_iter: int = 1000, tol: float = 1e-4,
                 cv: int | BaseCrossValidator | Iterable | None = None, copy_X: bool = True,
                 verbose: bool | int = 0, n_jobs: int | None = None,
                 random_state: int | np.random.RandomState | None = None,
                 selection: Literal["cyclic", "random"] = "cyclic",
                 alpha_select: Literal["min", "1se"] = "min",
                 scoring: str | Any = None, store_cv_results: bool = False) -> None:
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.copy_X = copy_X
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.selection = selection
        self.alpha_select = alpha_select
        self.scoring = scoring
        self.store_cv_results = store_cv_results

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        tags.input_tags.sparse = True
        return tags

    def fit(self, X: ArrayLike | spmatrix | sparray, y: ArrayLike,
            sample_weight: float | ArrayLike | None = None, **params: Any) -> Self:
        """Fit the model with cross-validation along the alpha grid(s).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples, n_targets)
            Targets (2-D; for one target use :class:`fastreg.ElasticNetCV`).
        sample_weight : float or array-like of shape (n_samples,), default=None
            Sample weights, used to fit and to weight each fold's test MSE.
        **params : dict
            Routed to the CV splitter's ``split`` (e.g. ``groups``) with
            scikit-learn's metadata routing (``sklearn.set_config(
            enable_metadata_routing=True)``); an error otherwise, as scikit-learn.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        l1_ratios = self._validate_common(("fit_intercept", "copy_X"))
        oof = _OutOfFold.of(self)
        params = self._split_params(params)
        X, y = validate_data(self, X, y, accept_sparse=["csc", "csr", "coo"],
                             dtype=[np.float64, np.float32], multi_output=True,
                             y_numeric=True)
        if y.ndim == 1:
            name = type(self).__name__[len("MultiTask"):]
            raise ValueError(f"For mono-task outputs, use {name}: y must be 2-D "
                             "(n_samples, n_targets).")
        y = np.asarray(y, dtype=X.dtype)
        n_samples, n_features = X.shape
        sw, folds = self._weights_and_folds(X, y, sample_weight, params)
        n_train_max = max(len(train) for train, _ in folds)
        moments = None
        if sparse.issparse(X):
            # the multi-task kernel takes a sparse X in Gram form (or a dense copy)
            if X.format not in ("csr", "csc"):
                X = sparse.csr_matrix(X)     # rows are cut into folds (sparse_rows)
            prep = SparsePrepared(X, y, self.fit_intercept, sw)
            if not multitask_gram_fits(prep):
                X = X.toarray()
        if sparse.issparse(X):
            XtY = prep.Xty(prep.y)
            prep = None        # (a copy of X: made again for the final model)
        elif update_strategy("auto", n_train_max, n_features) != "residual" and \
                folds_partition(folds, n_samples):
            moments = FoldMoments(X, y, sw, folds, self.fit_intercept)
            G, XtY, yy, m_all, my_all = moments.training_moments(None, n_samples)
        else:
            prep = preprocess(X, y, self.fit_intercept, sw)
            XtY = prep.X.T @ prep.y
            prep = None        # (a copy of X: made again for the final model)
        grids, explicit = self._grids(
            l1_ratios, lambda r: multitask_alpha_max(XtY, n_samples, r))
        solve_kw = self._solve_kw()
        shared = moments
        if oof is None and sparse.issparse(X) and folds_partition(folds, n_samples):
            # the folds in Gram form from the shared Gram matrix (see ElasticNetCV)
            shared = SparseFoldMoments(X, y, sw, folds, self.fit_intercept)
        self._copied_folds = 0 if shared is not None else _nbytes(X)  # (see _fold_jobs)
        if shared is not None:
            jobs = (delayed(_multitask_moments_fold)(shared, k, len(train), l1_ratios,
                                                     grids, solve_kw, oof)
                    for k, (train, _) in enumerate(folds))
        else:
            jobs = (delayed(_multitask_plain_fold)(X, y, sw, train, test,
                                                   self.fit_intercept, l1_ratios, grids,
                                                   solve_kw, oof)
                    for train, test in folds)
        self._cross_validate(jobs, oof, folds, n_samples, X.dtype, grids, l1_ratios,
                             explicit)
        folds = jobs = shared = None    # (freed before the final model)

        # final model on all the data (the total moments when they were computed)
        if moments is not None:
            coefs, gaps, its, conv, tol_abs = solve_multitask(
                None, None, self.l1_ratio_, [self.alpha_], gram=G, XtY=XtY, yy=yy,
                n_samples=n_samples, **solve_kw)
            coef = np.ascontiguousarray(coefs[..., 0])
            intercept = (moments.ybar + my_all) - coef @ (moments.mu + m_all)
        else:
            if prep is None:
                prep = SparsePrepared(X, y, self.fit_intercept, sw) if \
                    sparse.issparse(X) else preprocess(X, y, self.fit_intercept, sw)
            strategy = update_strategy("auto", n_samples, n_features, 1)
            coefs, gaps, its, conv, tol_abs = solve_multitask(
                l1_ratio=self.l1_ratio_, alphas=[self.alpha_],
                **multitask_arrays(prep, strategy), **solve_kw)
            coef = np.ascontiguousarray(coefs[..., 0])
            intercept = prep.y_offset - coef @ prep.X_offset
        if not self.fit_intercept:
            intercept = np.zeros(coef.shape[0], dtype=X.dtype)
        self._set_final(coef, np.asarray(intercept, dtype=X.dtype), gaps, its, conv,
                        tol_abs)
        check_finite_fit(self.coef_, self.intercept_)
        return self



class MultiTaskLassoCV(_LassoCVMixin, MultiTaskElasticNetCV):
    """Multi-task Lasso with the regularization chosen by cross-validation.

    Same parameters, attributes and results as
    :class:`sklearn.linear_model.MultiTaskLassoCV`, plus ``alpha_1se_`` and
    ``alpha_select`` (glmnet's one-standard-error rule); see
    :class:`MultiTaskElasticNetCV` for the engine. The objective of each fit is
    :class:`fastreg.MultiTaskLasso`'s.

    Parameters
    ----------
    eps : float, default=1e-3
        Length of the default grid: ``alpha_min / alpha_max = eps``.
    alphas : int or array-like, default=100
        Number of alphas of the default grid, or the alphas themselves.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    max_iter : int, default=1000
        Maximum number of block coordinate-descent sweeps per alpha.
    tol : float, default=1e-4
        Tolerance on the duality gap of each solution.
    copy_X : bool, default=True
        Accepted for compatibility: X is never modified.
    cv : int, cross-validation generator or iterable, default=None
        Folds, as in scikit-learn (None: 5-fold).
    verbose : bool or int, default=False
        Verbosity of the parallel fold jobs.
    n_jobs : int, default=None
        Threads running the folds in parallel.
    random_state : int, RandomState instance or None, default=None
        Seed of the random feature order when ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Feature order.
    alpha_select : {'min', '1se'}, default='min'
        Which alpha the final model uses (see :class:`MultiTaskElasticNetCV`).
    scoring : str, callable or None, default=None
        The CV measure that chooses alpha (see :class:`MultiTaskElasticNetCV`).
    store_cv_results : bool, default=False
        Keep the out-of-fold predictions in ``cv_results_`` (n_samples, n_targets,
        n_alphas).

    Attributes
    ----------
    alpha_ : float
        The alpha used by the final model.
    alpha_min_ : float
        The alpha with the smallest mean CV error.
    alpha_1se_ : float
        The largest alpha within one standard error of the minimum CV error.
    alphas_ : ndarray of shape (n_alphas,)
        The alpha grid.
    mse_path_ : ndarray of shape (n_alphas, n_folds)
        Test mean squared error of every fold along the grid.
    coef_ : ndarray of shape (n_targets, n_features)
        Coefficients of the final model.
    intercept_ : ndarray of shape (n_targets,)
        Intercept of the final model.
    dual_gap_ : float
        Duality gap of the final model.
    n_iter_ : int
        Sweeps used by the final model.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    MultiTaskElasticNetCV : Cross-validates l1_ratio too.
    MultiTaskLasso : The model of one alpha (the final model is one).
    LassoCV : One target.
    sklearn.linear_model.MultiTaskLassoCV : The scikit-learn estimator this one
        replaces. R's ``cv.glmnet(x, y, family="mgaussian")`` is the glmnet
        counterpart.

    Notes
    -----
    Each fit minimizes :class:`MultiTaskLasso`'s objective (W of shape
    (n_features, n_targets), ``coef_`` its transpose, W_j its row j, ``n`` =
    n_samples of the fit, ``b`` the intercepts)::

        (1 / (2 * n)) * ||Y - X W - b||_Fro^2 + alpha * sum_j ||W_j||_2

    and is returned as converged when its duality gap is at most ``tol *
    ||Y||_Fro^2 / n`` (Y centered when an intercept is fitted). The grid, the folds
    and the choice of alpha are :class:`MultiTaskElasticNetCV`'s.

    Examples
    --------
    >>> import numpy as np
    >>> import fastreg
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 8))
    >>> W = np.zeros((8, 3))
    >>> W[:2] = [[1, 2, -1], [0.5, -1, 2]]     # features 0, 1 drive all 3 targets
    >>> Y = X @ W + 0.1 * rng.standard_normal((50, 3))
    >>> cv = fastreg.MultiTaskLassoCV(cv=5, alpha_select="1se").fit(X, Y)
    >>> np.flatnonzero(np.any(cv.coef_ != 0, axis=0))   # kept for every target
    array([0, 1])
    """

    path = staticmethod(lasso_path)

    def __init__(self, *, eps: float = 1e-3, alphas: int | ArrayLike = 100,
                 fit_intercept: bool = True, max_iter: int = 1000, tol: float = 1e-4,
                 copy_X: bool = True, cv: int | BaseCrossValidator | Iterable | None = None,
                 verbose: bool | int = False, n_jobs: int | None = None,
                 random_state: int | np.random.RandomState | None = None,
                 selection: Literal["cyclic", "random"] = "cyclic",
                 alpha_select: Literal["min", "1se"] = "min",
                 scoring: str | Any = None, store_cv_results: bool = False) -> None:
        super().__init__(
            l1_ratio=1.0, eps=eps, alphas=alphas, fit_intercept=fit_intercept,
            max_iter=max_iter, tol=tol, cv=cv, copy_X=copy_X, verbose=verbose,
            n_jobs=n_jobs, random_state=random_state, selection=selection,
            alpha_select=alpha_select, scoring=scoring,
            store_cv_results=store_cv_results)
