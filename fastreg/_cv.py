"""Cross-validated estimators: `LassoCV`, `ElasticNetCV` (and, from
``_multitask_cv``, `MultiTaskLassoCV` and `MultiTaskElasticNetCV`).

The cross-validation engine computes, for every fold and every l1_ratio, the test
mean squared error along the whole alpha grid, with the folds running on threads (the
kernel releases the GIL). In the Gram regime (more training samples than features),
it computes one Gram matrix for all folds: each test block X_k^T W_k X_k once, the
total as their sum, and the training Gram of fold k as total - block k with the
centering correction from the column sums, so that 5-fold CV costs about one Gram
computation instead of five, and no copy of X[train] is made. The final refit reuses
the total Gram. What the estimators share (checks, grids, running the folds, the
choice) is in ``_cv_base``, the fold jobs in ``_cv_folds``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from joblib import delayed
from scipy import sparse
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._cv_base import _LassoCVMixin, _nbytes, _PathCV
from ._cv_folds import (
    _evaluated_gammas,
    _gram_fold,
    _grid_needs_xty_only,
    _grid_problem,
    _multitask_moments_fold,
    _OutOfFold,
    _plain_fold,
    _with_deferred,
    _xty_problem,
)
from ._engine import Problem, update_strategy
from ._multitask_cv import MultiTaskElasticNetCV, MultiTaskLassoCV
from ._path import enet_path, lasso_path
from ._path_model import PathModelMixin, fit_path, refit_at
from ._penalty import Penalty
from ._prepare import (
    FoldMoments,
    SparseFoldMoments,
    SparsePrepared,
    finite_column_stats,
    folds_partition,
    preprocess,
    scale_columns,
    scale_moments,
    sparse_or_dense,
    standard_scales,
)
from ._relaxed import check_gammas, relaxed_fit
from ._threads import fold_workers
from ._validation import check_max_features, check_path_params, check_precompute

if TYPE_CHECKING:
    from collections.abc import Iterable

    from numpy.typing import ArrayLike
    from scipy.sparse import sparray, spmatrix
    from sklearn.model_selection import BaseCrossValidator
    from typing_extensions import Self

# (fastreg.dask reads the multi-task estimators and these fold helpers from here)
__all__ = ["ElasticNetCV", "LassoCV", "MultiTaskElasticNetCV", "MultiTaskLassoCV",
           "_evaluated_gammas", "_multitask_moments_fold"]


class ElasticNetCV(PathModelMixin, _PathCV):
    """Elastic net with the regularization chosen by cross-validation.

    Same parameters, attributes and results as
    :class:`sklearn.linear_model.ElasticNetCV` (same alpha grid, same folds, same
    mean squared errors, same choice), plus glmnet's one-standard-error rule: the
    attribute ``alpha_1se_`` and the parameter ``alpha_select``.

    Parameters
    ----------
    l1_ratio : float or list of float, default=0.5
        Mixing parameter(s) in [0, 1] to cross-validate (1: Lasso, 0: ridge; 0
        requires an explicit array of alphas).
    eps : float, default=1e-3
        Length of the default grid: ``alpha_min / alpha_max = eps``.
    alphas : int or array-like, default=100
        Number of alphas of the default grid (computed for each l1_ratio on all the
        data), or the alphas themselves.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    precompute : 'auto', bool or array-like, default='auto'
        'auto' and True: in the Gram regime (training sets with more samples than
        features), one Gram matrix shared by all folds; False: residual updates in
        every fold. A Gram array is accepted for compatibility and treated as True
        (each fold needs its own centered Gram matrix).
    max_iter : int, default=1000
        Maximum number of coordinate-descent sweeps per alpha.
    tol : float, default=1e-4
        Tolerance on the duality gap of each solution, relative to
        ``||y||^2 / n_samples`` (scikit-learn's rule).
    cv : int, cross-validation generator or iterable, default=None
        Folds, as in scikit-learn (None: 5-fold). Extra ``fit`` keyword arguments
        (e.g. ``groups``) are passed to the splitter.
    copy_X : bool, default=True
        Accepted for compatibility: X is never modified.
    verbose : bool or int, default=0
        Verbosity of the parallel fold jobs.
    n_jobs : int, default=None
        Threads running the folds in parallel (each fold solves its l1_ratios one
        after another); -1 for all cores. None: folds that solve from one shared
        Gram matrix (more training samples than features, see the guide), when they
        are large enough to pay, run on one thread per core, at most the OpenMP /
        BLAS thread limits (OMP_NUM_THREADS, threadpoolctl), with the same results
        as on one thread; other folds one after another. A joblib
        ``parallel_config`` applies as to scikit-learn.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Seed of the random coordinate order when ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Coordinate order.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty factors (glmnet's ``penalty.factor``), as in
        :class:`fastreg.ElasticNet`; the grid starts where the penalized features are
        all zero.
    lower_bounds : float or array-like of shape (n_features,), default=None
        Lower bounds on the coefficients (glmnet's ``lower.limits``).
    upper_bounds : float or array-like of shape (n_features,), default=None
        Upper bounds on the coefficients (glmnet's ``upper.limits``).
    exclude : array-like of int, default=None
        Indices of features left out of the model (glmnet's ``exclude``), as in
        :class:`fastreg.ElasticNet`.
    scoring : str, callable or None, default=None
        The CV measure that chooses alpha (glmnet's ``type.measure``): None is the
        mean squared error (scikit-learn's choice, ``mse_path_``); else a
        scikit-learn scorer name (e.g. ``"neg_mean_absolute_error"``, glmnet's
        ``"mae"``) or a callable ``scorer(estimator, X, y)``, greater is better,
        evaluated on each fold's out-of-fold predictions at every alpha (no
        refit; ``estimator.predict(X)`` returns X, the predictions). With
        ``sample_weight``, the scorer is called with the test fold's weights
        (``sample_weight=``). The one-standard-error rule uses the same measure.
    store_cv_results : bool, default=False
        Keep the out-of-fold predictions (glmnet's ``keep=TRUE``, its
        ``fit.preval``) in ``cv_results_``: for every sample, the prediction at
        every alpha of the model fitted without the sample's test fold.
    standardize : bool, default=False
        glmnet's ``standardize=TRUE``, as in :class:`fastreg.ElasticNet`: every fit
        solves on unit-variance columns (each fold with its own training set's
        scales, as ``cv.glmnet``; the grid and the final model with those of all
        the data) and reports coefficients on the original scale.
    alpha_select : {'min', '1se'}, default='min'
        Which alpha the final model uses: the one with the smallest mean CV error
        (scikit-learn's choice), or the largest alpha whose mean CV error is within
        one standard error of that minimum (glmnet's ``lambda.1se``), for the best
        l1_ratio.
    gammas : array-like of floats in [0, 1], default=None
        The relaxed lasso (glmnet's ``cv.glmnet(relax=TRUE, gamma=)``): the gammas
        to cross-validate with alpha (see :class:`ElasticNet`'s ``gamma``), e.g.
        glmnet's ``[0, 0.25, 0.5, 0.75, 1]``. None (or ``[1]``): the plain elastic
        net, exactly as without this parameter. See Notes.
    max_features : int, default=None
        glmnet's ``dfmax``, as cv.glmnet: the path on all the data stops at the first
        alpha whose solution has more nonzero coefficients (kept), ``alphas_`` is
        that truncated grid, and each fold's path stops by the same rule (the alphas
        it did not reach are scored with its last solution). One l1_ratio only.
    max_features_ever : int, default=None
        glmnet's ``pmax``: the same, stopping before the first alpha at which more
        features have ever been nonzero along the path.

    Attributes
    ----------
    alpha_ : float
        The alpha used by the final model (per ``alpha_select``).
    alpha_min_ : float
        The alpha with the smallest mean CV error.
    alpha_1se_ : float
        The largest alpha whose mean CV error is within one standard error of the
        minimum (standard error over the folds).
    l1_ratio_ : float
        The best l1_ratio.
    alphas_ : ndarray of shape (n_alphas,) or (n_l1_ratio, n_alphas)
        The alpha grid(s).
    mse_path_ : ndarray of shape (n_alphas, n_folds) or (n_l1_ratio, n_alphas, n_folds)
        Test mean squared error of every fold along the grid(s).
    gamma_ : float
        With ``gammas``: the gamma of the final model (per ``alpha_select``).
    gamma_min_, gamma_1se_ : float
        With ``gammas``: the gammas of the ``(alpha_min_, gamma_min_)`` and
        ``(alpha_1se_, gamma_1se_)`` choices (glmnet's ``gamma.min``, ``gamma.1se``).
    gammas_ : ndarray of shape (n_gammas,)
        With ``gammas``: the gammas, sorted, without repeats.
    mse_path_relaxed_ : ndarray of shape (n_gammas, n_alphas, n_folds) or \
            (n_l1_ratio, n_gammas, n_alphas, n_folds)
        With ``gammas``: test mean squared error of every fold along the grid(s),
        for each of ``gammas_`` (``mse_path_`` stays gamma = 1's).
    score_path_ : ndarray of the shape of ``mse_path_``
        The ``scoring`` of every fold along the grid(s) (only with ``scoring``).
    best_score_ : float
        The mean CV score at ``alpha_min_`` (only with ``scoring``).
    cv_results_ : ndarray of shape (n_samples, n_alphas) or \
            (n_l1_ratio, n_samples, n_alphas)
        Out-of-fold predictions (only with ``store_cv_results=True``): row i holds
        the predictions of sample i by the models of the fold that held it out,
        along ``alphas_`` (NaN for a sample in no test fold; with overlapping test
        folds, the last fold's).
    coef_path_ : ndarray of shape (n_features, n_alphas)
        Coefficients along the grid of ``l1_ratio_`` fitted on all the data
        (glmnet's ``cv$glmnet.fit``), computed on first use (see Notes); with it
        ``coef(alpha)``, ``predict(X, alpha=...)`` (any alpha, ``'min'``, ``'1se'``)
        and ``summary()``, as :class:`ElasticNetPath`.
    intercept_path_ : ndarray of shape (n_alphas,)
        Intercepts along the same path.
    coef_ : ndarray of shape (n_features,)
        Coefficients of the final model.
    intercept_ : float
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
    LassoCV : The same with ``l1_ratio=1``.
    ElasticNet : The model of one alpha (the final model is one).
    enet_path : The solutions along a grid of alphas, without cross-validation.
    MultiTaskElasticNetCV : Several targets that share one set of features.
    RidgeCV : The L2 penalty alone, with efficient leave-one-out.
    sklearn.linear_model.ElasticNetCV : The scikit-learn estimator this one
        replaces. R's ``cv.glmnet(x, y, alpha=l1_ratio)`` is the glmnet
        counterpart (its ``lambda.min`` and ``lambda.1se`` are ``alpha_min_`` and
        ``alpha_1se_``).

    Notes
    -----
    Each fit minimizes :class:`ElasticNet`'s objective (``n`` = n_samples of the
    fit, ``b`` the intercept)::

        (1 / (2 * n)) * ||y - X w - b||_2^2
            + alpha * l1_ratio * ||w||_1
            + 0.5 * alpha * (1 - l1_ratio) * ||w||_2^2

    and is returned as converged when its duality gap is at most ``tol *
    ||y||_2^2 / n`` (y centered when an intercept is fitted), scikit-learn's rule.

    The default grid, for each l1_ratio, has ``alphas`` values from ``alpha_max =
    max_j |x_j^T (y - mean(y))| / (n * l1_ratio)`` (where every coefficient is
    zero) down to ``eps * alpha_max``, evenly spaced on a log scale, computed on
    all the data, as scikit-learn's. For every fold and l1_ratio the whole grid is
    solved on the training samples, warm-started from one alpha to the next, and
    the mean squared error on the test samples recorded (``mse_path_``). The CV
    error of an alpha is the mean over the folds; ``alpha_min_`` minimizes it, and
    ``alpha_1se_`` is the largest alpha whose CV error is at most the minimum plus
    one standard error (the folds' standard deviation at the minimum, divided by
    the square root of the number of folds): glmnet's one-standard-error rule, a
    sparser model that cross-validation cannot tell apart from the best one.

    With ``gammas`` (the relaxed lasso, as ``cv.glmnet(relax=TRUE)``): each fold's
    path is blended with its least-squares refits on each alpha's support in that
    fold (one Cholesky solve per distinct support; supports of more than
    ``n_train - 3`` features take the last refitted alpha's, glmnet's ``maxp``
    rule), and ``(alpha, gamma)`` is chosen as glmnet's ``getOptcv.relaxed``: the
    smallest mean CV error over every alpha and gamma (ties: the largest alpha,
    then the largest gamma), and for ``1se`` the largest alpha whose error is, for
    some gamma, within one standard error of that minimum, with the largest such
    gamma. The final model is :class:`ElasticNet` at ``(alpha_, gamma_)`` on all
    the data. glmnet's CV error weights each fold by its size (scikit-learn's, and
    fastreg's, does not: the same with equal folds), and predicts ``gamma = 0`` as
    ``gamma = 1e-5``.

    The whole path on all the data (``coef_path_``, ``intercept_path_``,
    ``coef(alpha)``, ``predict(X, alpha=...)``, ``summary()``) is solved on first
    use, not by ``fit`` (it costs 0.14 to 2.6 times a 5-fold fit, measured on
    riboflavin and california_housing: more than the fit where the folds share one
    Gram matrix). Until then the estimator keeps a reference to the data ``fit``
    validated (no copy: data changed in place after ``fit`` change that path; not
    pickled: use the path once before pickling to keep it). With ``max_features``
    it is solved in ``fit`` (the folds need its length).

    Examples
    --------
    >>> import numpy as np
    >>> import fastreg
    >>> from fastreg.datasets import make_correlated_groups
    >>> X, y, coef = make_correlated_groups(random_state=0)  # 15 of 100 informative
    >>> cv = fastreg.ElasticNetCV(l1_ratio=[0.5, 1.0], cv=5).fit(X, y)
    >>> cv.mse_path_.shape                    # (l1_ratios, alphas, folds)
    (2, 100, 5)
    >>> print(cv.l1_ratio_, round(cv.alpha_, 3), round(cv.alpha_1se_, 3))
    1.0 0.484 0.846
    >>> int(np.count_nonzero(cv.coef_))      # features in the final model
    12
    """

    path = staticmethod(enet_path)
    # (the fold job on shared moments; fastreg.dask runs it on its sums too)
    _gram_fold = staticmethod(_gram_fold)

    def __init__(self, *, l1_ratio: float | ArrayLike = 0.5, eps: float = 1e-3,
                 alphas: int | ArrayLike = 100, fit_intercept: bool = True,
                 precompute: bool | Literal["auto"] | ArrayLike = "auto",
                 max_iter: int = 1000, tol: float = 1e-4,
                 cv: int | BaseCrossValidator | Iterable | None = None, copy_X: bool = True,
                 verbose: bool | int = 0, n_jobs: int | None = None,
                 positive: bool = False,
                 random_state: int | np.random.RandomState | None = None,
                 selection: Literal["cyclic", "random"] = "cyclic",
                 penalty_factor: ArrayLike | None = None,
                 lower_bounds: float | ArrayLike | None = None,
                 upper_bounds: float | ArrayLike | None = None,
                 alpha_select: Literal["min", "1se"] = "min",
                 gammas: ArrayLike | None = None,
                 exclude: ArrayLike | None = None, scoring: str | Any = None,
                 store_cv_results: bool = False, standardize: bool = False,
                 max_features: int | None = None,
                 max_features_ever: int | None = None) -> None:
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.copy_X = copy_X
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.alpha_select = alpha_select
        self.gammas = gammas
        self.exclude = exclude
        self.scoring = scoring
        self.store_cv_results = store_cv_results
        self.standardize = standardize
        self.max_features = max_features
        self.max_features_ever = max_features_ever

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _validate_params(self):
        l1_ratios = self._validate_common(("fit_intercept", "copy_X", "positive",
                                           "standardize"))
        check_precompute(self.precompute)
        check_gammas(self.gammas)
        check_max_features(self.max_features, self.max_features_ever)
        if self._limits() != (None, None) and len(l1_ratios) > 1:
            raise ValueError(
                "max_features / max_features_ever: a path truncated at a number of "
                "features is cross-validated for one l1_ratio at a time (as "
                f"cv.glmnet); got l1_ratio={self.l1_ratio!r}.")
        return l1_ratios

    def _limits(self):
        return (getattr(self, "max_features", None),
                getattr(self, "max_features_ever", None))

    # -- the whole path on all the data (coef_path_, predict(X, alpha=), coef) ------
    def _path_settings(self):
        r = self._l1_ratio_fixed if self._l1_ratio_fixed is not None else \
            self.l1_ratio_
        return dict(l1_ratio=float(r), fit_intercept=self.fit_intercept,
                    penalty=self._penalty, precompute=self._precompute(),
                    tol=self.tol, max_iter=self.max_iter, selection=self.selection,
                    seed=self._seed, standardize=bool(self.standardize))

    def _chosen_grid(self):
        grid = np.asarray(self.alphas_)
        if grid.ndim == 2:
            ratios = self._l1_ratios()
            grid = grid[int(np.argmin(np.abs(ratios - self.l1_ratio_)))]
        return grid

    def _path_result(self):
        check_is_fitted(self, "alphas_")
        if self.__dict__.get("_path_cache") is None:
            data = self.__dict__.get("_path_data")
            if data is None:
                raise AttributeError(
                    "The whole path (coef_path_, intercept_path_, predict(X, alpha=), "
                    "coef(), summary()) is computed on first use from the training "
                    "data, which a pickled or copied estimator (or one fitted by "
                    "fastreg.dask) does not carry: use it once before pickling, or "
                    "refit in memory.")
            X, y, sw = data
            self._path_cache = fit_path(X, y, sw, grid=self._chosen_grid(),
                                        n_alphas=None, eps=self.eps,
                                        **self._path_settings())
            self._path_data = None
        return self._path_cache

    def _refit(self, X, y, sw, alphas, coef_inits):
        return refit_at(X, y, sw, alphas, coef_inits, **self._path_settings())

    def _named_alpha(self, alpha):
        return self.alpha_min_ if alpha == "min" else self.alpha_1se_

    @property
    def coef_path_(self):
        """Coefficients along ``alphas_`` (of ``l1_ratio_``) fitted on all the data,
        shape (n_features, n_alphas): glmnet's ``cv$glmnet.fit$beta``. Computed on
        first use (see Notes)."""
        return self._path_result()["coefs"]

    @property
    def intercept_path_(self):
        """Intercepts along ``alphas_`` fitted on all the data, shape (n_alphas,)."""
        return self._path_result()["intercepts"]

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_path_data", None)      # (the training data are not pickled)
        return state

    def fit(self, X: ArrayLike | spmatrix | sparray, y: ArrayLike,
            sample_weight: float | ArrayLike | None = None, **params: Any) -> Self:
        """Fit the model with cross-validation along the alpha grid(s).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target values.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Sample weights, used to fit and to weight each fold's test MSE (the CV
            error is the unweighted mean over folds, as scikit-learn).
        **params : dict
            Routed to the CV splitter's ``split`` (e.g. ``groups``) with
            scikit-learn's metadata routing (``sklearn.set_config(
            enable_metadata_routing=True)``); an error otherwise, as scikit-learn.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        l1_ratios = self._validate_params()
        oof = _OutOfFold.of(self)
        params = self._split_params(params)
        # a tall float Fortran X fitted with an intercept and no weights: its
        # finiteness check and the fold moments' centering check (column sums and
        # sums of squares, see FoldMoments) come from one pass over X (column_stats)
        # instead of two; scikit-learn's error if X is not finite
        fused = (self.fit_intercept and sample_weight is None and
                 isinstance(X, np.ndarray) and X.ndim == 2 and
                 X.dtype in (np.float64, np.float32) and X.flags.f_contiguous and
                 X.shape[0] > X.shape[1])
        X, y = validate_data(
            self, X, y, accept_sparse=["csc", "csr", "coo"],
            dtype=[np.float64, np.float32], copy=False, multi_output=True,
            y_numeric=True, ensure_all_finite=not fused,
        )
        stats = finite_column_stats(X, type(self).__name__) if fused else None
        if sparse.issparse(X) and X.format not in ("csr", "csc"):
            X = sparse.csr_matrix(X)     # rows are cut into folds (sparse_rows)
        if y.ndim == 2 and y.shape[1] != 1:
            raise ValueError(
                f"{type(self).__name__} fits one target; y has {y.shape[1]} columns "
                "(fit one model per column).")
        y = np.ascontiguousarray(column_or_1d(y, warn=True), dtype=X.dtype)
        n_samples, n_features = X.shape
        sw, folds = self._weights_and_folds(X, y, sample_weight, params)
        n_train_max = max(len(train) for train, _ in folds)
        penalty = Penalty(n_features, self.penalty_factor, self.lower_bounds,
                          self.upper_bounds, self.positive, self.exclude)
        if sparse.issparse(X):
            # (columns with means far above their spread: X densified, see
            # sparse_or_dense; C-ordered, as the folds' rows are cut from it)
            X, prep = sparse_or_dense(X, y, self.fit_intercept, sw, order="C")
        # standardize (glmnet's): the data of every fit scaled to unit-variance
        # columns, each fold by its own training set's scales (as cv.glmnet, which
        # calls glmnet on each training set); full_penalty / full_scale: on all the
        # data (the grid and the final model)
        standardize = bool(self.standardize)
        full_penalty, full_scale = standard_scales(X, sw, penalty, standardize)
        moments = None
        # the problem on all the data, for the alpha grid and the final model; when it
        # holds a copy of X (sparse, C-ordered or weighted X) it is freed while the
        # folds run and made again for the final model (see _full_problem)
        rebuild = False
        if sparse.issparse(X):
            strategy = update_strategy(self._precompute(), n_samples, n_features,
                                       sparse=prep)
            if standardize:
                prep = SparsePrepared(scale_columns(X, full_scale), y,
                                      self.fit_intercept, sw)
            full = _grid_problem(prep, full_penalty, strategy)
            rebuild = True
        elif update_strategy(self._precompute(), n_train_max, n_features) != \
                "residual" and folds_partition(folds, n_samples) and \
                (self.fit_intercept or not standardize):
            # covariance updates in every fold, from one set of moments
            moments = FoldMoments(X, y, sw, folds, self.fit_intercept,
                                  stats=stats,
                                  defer=self._defer_moments(folds, l1_ratios, X,
                                                            penalty, standardize))
            if moments.deferred is not None:
                # (the total Gram matrix is made beside the folds' paths: the grid
                # needs X^T y alone; the final model's problem is made after them)
                _, Xy, yy, m_all, my_all = moments.training_moments(None, n_samples,
                                                                    gram=False)
                full = _xty_problem(Xy, yy, n_samples, full_penalty, X.dtype)
            else:
                G, Xy, yy, m_all, my_all = moments.training_moments(None, n_samples)
                if standardize:
                    G, Xy = scale_moments(G, Xy, full_scale)
                full = Problem.gram(G, Xy, yy, n_samples, full_penalty, X.dtype)
        else:
            Xs = X if not standardize else scale_columns(X, full_scale)
            prep = preprocess(Xs, y, self.fit_intercept, sw, implicit=True,
                              own=standardize)
            full = Problem.dense(prep.X, prep.y, full_penalty, prep.Xmean, prep.norms)
            rebuild = prep.X is not X
            del Xs

        grids, explicit = self._grids(l1_ratios, full.alpha_max)
        if rebuild:
            full = prep = None
        shared = moments
        if oof is None and not standardize and sparse.issparse(X) and \
                strategy == "full" and \
                min(len(train) for train, _ in folds) > n_features and \
                folds_partition(folds, n_samples):
            # covariance updates in every fold from the shared Gram matrix: a fold
            # job holds its training Gram and its test rows, not a training copy
            shared = SparseFoldMoments(X, y, sw, folds, self.fit_intercept)
        solve_kw = self._solve_kw()
        self._penalty, self._seed = penalty, solve_kw["seed"]
        self._path_cache = self._path_data = None
        limits = self._limits()
        if limits != (None, None):
            # as cv.glmnet: the path on all the data first, truncated at
            # max_features; the folds are scored on the alphas it reached
            self.l1_ratio_ = float(l1_ratios[0])
            self._path_cache = fit_path(
                X, y, sw, grid=grids[0], n_alphas=None, eps=self.eps,
                max_features=limits[0], max_features_ever=limits[1], epoch=solve_kw[
                    "epoch"], **self._path_settings())
            grids = grids[:, :len(self._path_cache["alphas"])]
        # folds that copy their training rows run one at a time (see _run_jobs); on
        # parallel threads: one OpenMP thread per kernel (no oversubscription)
        self._copied_folds = 0 if shared is not None else _nbytes(X)
        solve_kw["n_threads"] = 1 if self._fold_jobs() > 1 else 0
        gammas = check_gammas(self.gammas)
        evaluated = _evaluated_gammas(gammas)
        if gammas is not None and oof is not None:
            raise ValueError(
                f"scoring={self.scoring!r} and store_cv_results="
                f"{self.store_cv_results!r} are not available with gammas (the relaxed "
                "CV chooses by the mean squared error): use gammas=None, or the "
                "defaults scoring=None, store_cv_results=False.")
        workers = None
        if shared is not None:
            # (by default on threads, see fold_workers; one OpenMP thread per kernel)
            workers = fold_workers(self.n_jobs, len(folds),
                                   n_features ** 2 * X.dtype.itemsize,
                                   n_features ** 2 * grids.size)
            if workers is not None:
                solve_kw["n_threads"] = 1
            jobs = (delayed(_gram_fold)(shared, k, train, test, l1_ratios, grids,
                                        penalty, solve_kw, oof, standardize,
                                        gammas=evaluated, limits=limits)
                    for k, (train, test) in enumerate(folds))
            jobs = _with_deferred(moments, jobs, workers)
        else:
            jobs = (delayed(_plain_fold)(X, y, sw, train, test, l1_ratios, grids,
                                         penalty, solve_kw, oof, standardize,
                                         gammas=evaluated, limits=limits,
                                         fit_intercept=self.fit_intercept,
                                         precompute=self._precompute())
                    for train, test in folds)
        if gammas is not None:
            self._choose_relaxed(self._run(jobs, workers), grids, l1_ratios, explicit,
                                 gammas, evaluated)
        else:
            self._cross_validate(jobs, oof, folds, n_samples, X.dtype, grids, l1_ratios,
                                 explicit, workers)
        folds = jobs = shared = None    # (freed before the final model)
        if moments is not None and moments.deferred is not None:
            G, Xy, yy, _, _ = moments.training_moments(None, n_samples)
            full = Problem.gram(G, Xy, yy, n_samples, full_penalty, X.dtype)
            del G

        # final model on all the data (the total Gram when it was computed)
        if rebuild:
            Xs = X if not standardize else scale_columns(X, full_scale)
            if sparse.issparse(X):
                prep = SparsePrepared(Xs, y, self.fit_intercept, sw)
                full = Problem.sparse(prep, prep.y, full_penalty,
                                      gram=strategy == "full")
            else:
                prep = preprocess(Xs, y, self.fit_intercept, sw, implicit=True,
                                  own=standardize)
                full = Problem.dense(prep.X, prep.y, full_penalty, prep.Xmean,
                                     prep.norms)
            del Xs
        coefs, gaps, its, conv, tol_abs = full.solve(self.l1_ratio_, [self.alpha_],
                                                     **solve_kw)
        coef = coefs[:, 0]
        if gammas is not None:
            coef = relaxed_fit(full, coef, self.gamma_, n_samples)
        if moments is not None:
            if standardize:
                coef = coef * full_scale
            intercept = (moments.ybar + my_all) - (moments.mu + m_all) @ coef
        else:
            # (from the scaled offsets and coefficients: the same intercept)
            intercept = prep.y_offset - prep.X_offset @ coef if self.fit_intercept \
                else 0.0
            if standardize:
                coef = coef * full_scale
        self._set_final(coef, float(intercept), gaps, its, conv, tol_abs)
        if self._path_cache is None:
            # the whole path is solved on first use only (coef_path_, predict(X,
            # alpha=), ...): a reference to the data, not a copy
            self._path_data = (X, y, sw)
        return self

    def _defer_moments(self, folds, l1_ratios, X, penalty, standardize):
        """Whether the fold moments defer their last block's Gram product
        (FoldMoments ``defer``): when the folds will run on threads by default
        (``fold_workers``) and their last round holds one fold (5 folds on 2
        threads), that product runs beside the fold's path instead of before every
        path; only where the alpha grid needs X^T y alone (``_grid_needs_xty_only``;
        no excluded feature, no standardize)."""
        if standardize or penalty.excluded.size or not _grid_needs_xty_only(penalty):
            return False
        n_alphas, explicit = check_path_params(float(l1_ratios[0]), self.eps,
                                               self.alphas)
        n_grid = len(l1_ratios) * (n_alphas if explicit is None else len(explicit))
        p = X.shape[1]
        workers = fold_workers(self.n_jobs, len(folds), p ** 2 * X.dtype.itemsize,
                               p ** 2 * n_grid)
        return workers is not None and workers >= 2 and len(folds) % workers == 1

    def _precompute(self):
        """precompute as the engine reads it: each fold needs its own centered Gram
        matrix, so True and a given matrix act as 'auto'."""
        pre = self.precompute
        return False if isinstance(pre, (bool, np.bool_)) and not pre else "auto"



class LassoCV(_LassoCVMixin, ElasticNetCV):
    """Lasso with the regularization chosen by cross-validation.

    Same parameters, attributes and results as :class:`sklearn.linear_model.LassoCV`,
    plus ``alpha_1se_`` and ``alpha_select`` (glmnet's one-standard-error rule); see
    :class:`ElasticNetCV` for the engine.

    Parameters
    ----------
    eps : float, default=1e-3
        Length of the default grid: ``alpha_min / alpha_max = eps``.
    alphas : int or array-like, default=100
        Number of alphas of the default grid, or the alphas themselves.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    precompute : 'auto', bool or array-like, default='auto'
        As in :class:`ElasticNetCV`.
    max_iter : int, default=1000
        Maximum number of coordinate-descent sweeps per alpha.
    tol : float, default=1e-4
        Tolerance on the duality gap of each solution.
    copy_X : bool, default=True
        Accepted for compatibility: X is never modified.
    cv : int, cross-validation generator or iterable, default=None
        Folds, as in scikit-learn (None: 5-fold).
    verbose : bool or int, default=False
        Verbosity of the parallel fold jobs.
    n_jobs : int, default=None
        Threads running the folds in parallel (None: see :class:`ElasticNetCV`).
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Seed of the random coordinate order when ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Coordinate order.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty factors, as in :class:`fastreg.Lasso`.
    lower_bounds : float or array-like of shape (n_features,), default=None
        Lower bounds on the coefficients.
    upper_bounds : float or array-like of shape (n_features,), default=None
        Upper bounds on the coefficients.
    exclude : array-like of int, default=None
        Indices of features left out of the model (glmnet's ``exclude``).
    scoring : str, callable or None, default=None
        The CV measure that chooses alpha (glmnet's ``type.measure``), as in
        :class:`ElasticNetCV`; None: the mean squared error.
    store_cv_results : bool, default=False
        Keep the out-of-fold predictions in ``cv_results_`` (glmnet's
        ``keep=TRUE``).
    standardize : bool, default=False
        glmnet's ``standardize=TRUE`` (see :class:`ElasticNetCV`).
    alpha_select : {'min', '1se'}, default='min'
        Which alpha the final model uses (see :class:`ElasticNetCV`).
    gammas : array-like of floats in [0, 1], default=None
        The relaxed lasso's gammas to cross-validate with alpha (glmnet's
        ``cv.glmnet(relax=TRUE, gamma=)``; see :class:`ElasticNetCV`). None: the
        plain lasso.
    max_features : int, default=None
        glmnet's ``dfmax`` (see :class:`ElasticNetCV`): the grid stops at the first
        alpha whose full-data solution has more nonzero coefficients.
    max_features_ever : int, default=None
        glmnet's ``pmax`` (see :class:`ElasticNetCV`).

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
    gamma_ : float
        With ``gammas``: the gamma of the final model (per ``alpha_select``).
    gamma_min_, gamma_1se_ : float
        With ``gammas``: the gammas of the ``(alpha_min_, gamma_min_)`` and
        ``(alpha_1se_, gamma_1se_)`` choices (glmnet's ``gamma.min``, ``gamma.1se``).
    gammas_ : ndarray of shape (n_gammas,)
        With ``gammas``: the gammas, sorted, without repeats.
    mse_path_relaxed_ : ndarray of shape (n_gammas, n_alphas, n_folds) or \
            (n_l1_ratio, n_gammas, n_alphas, n_folds)
        With ``gammas``: test mean squared error of every fold along the grid(s),
        for each of ``gammas_`` (``mse_path_`` stays gamma = 1's).
    score_path_ : ndarray of shape (n_alphas, n_folds)
        The ``scoring`` of every fold along the grid (only with ``scoring``).
    best_score_ : float
        The mean CV score at ``alpha_min_`` (only with ``scoring``).
    cv_results_ : ndarray of shape (n_samples, n_alphas)
        Out-of-fold predictions along ``alphas_`` (only with
        ``store_cv_results=True``; see :class:`ElasticNetCV`).
    coef_path_ : ndarray of shape (n_features, n_alphas)
        Coefficients along ``alphas_`` fitted on all the data, computed on first use
        (see :class:`ElasticNetCV`'s Notes); with ``coef(alpha)``, ``predict(X,
        alpha=...)`` (any alpha, ``'min'``, ``'1se'``) and ``summary()``.
    intercept_path_ : ndarray of shape (n_alphas,)
        Intercepts along the same path.
    coef_ : ndarray of shape (n_features,)
        Coefficients of the final model.
    intercept_ : float
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
    ElasticNetCV : Cross-validates l1_ratio too.
    Lasso : The model of one alpha (the final model is one).
    lasso_path : The solutions along a grid of alphas, without cross-validation.
    MultiTaskLassoCV : Several targets that share one set of features.
    sklearn.linear_model.LassoCV : The scikit-learn estimator this one replaces.
        R's ``cv.glmnet(x, y)`` is the glmnet counterpart (its ``lambda.min`` and
        ``lambda.1se`` are ``alpha_min_`` and ``alpha_1se_``).

    Notes
    -----
    Each fit minimizes :class:`Lasso`'s objective (``n`` = n_samples of the fit,
    ``b`` the intercept)::

        (1 / (2 * n)) * ||y - X w - b||_2^2 + alpha * ||w||_1

    and is returned as converged when its duality gap is at most ``tol *
    ||y||_2^2 / n`` (y centered when an intercept is fitted), scikit-learn's rule.
    The grid, the folds and the choice of alpha are :class:`ElasticNetCV`'s:
    ``alpha_min_`` minimizes the mean CV error, ``alpha_1se_`` is the largest alpha
    within one standard error of that minimum (glmnet's ``lambda.1se``), and
    ``alpha_select`` says which of the two the final model uses.

    Examples
    --------
    >>> import numpy as np
    >>> import fastreg
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> cv = fastreg.LassoCV(cv=5).fit(X, y)
    >>> print(f"{cv.alpha_min_:.3g} {cv.alpha_1se_:.3g}")
    0.00375 0.187
    >>> int(np.count_nonzero(cv.coef_))       # at alpha_min_, scikit-learn's choice
    9
    >>> sparse = fastreg.LassoCV(cv=5, alpha_select="1se").fit(X, y)
    >>> int(np.count_nonzero(sparse.coef_))   # at alpha_1se_: a sparser model
    6

    The relaxed lasso (glmnet's ``cv.glmnet(relax=TRUE)``): alpha and gamma chosen
    together, the errors of every gamma in ``mse_path_relaxed_``:

    >>> relaxed = fastreg.LassoCV(cv=5, gammas=[0, 0.25, 0.5, 0.75, 1]).fit(X, y)
    >>> print(f"{relaxed.alpha_:.3g} {relaxed.gamma_}")
    0.00809 0.0
    >>> relaxed.mse_path_relaxed_.shape       # (n_gammas, n_alphas, n_folds)
    (5, 100, 5)
    >>> # glmnet's 1se rule across the gammas: least squares on 4 features
    >>> one = fastreg.LassoCV(cv=5, gammas=[0, 0.25, 0.5, 0.75, 1],
    ...                       alpha_select="1se").fit(X, y)
    >>> print(f"{one.alpha_:.3g} {one.gamma_}", int(np.count_nonzero(one.coef_)))
    0.656 0.0 4

    glmnet's ``type.measure = "mae"`` and ``keep = TRUE``: alpha chosen by the mean
    absolute error of the out-of-fold predictions, which are kept:

    >>> mae = fastreg.LassoCV(cv=5, scoring="neg_mean_absolute_error",
    ...                       store_cv_results=True).fit(X, y)
    >>> print(f"{mae.alpha_min_:.3g} {mae.alpha_1se_:.3g}")
    0.00403 0.152
    >>> mae.cv_results_.shape, mae.score_path_.shape   # (samples, alphas), (alphas, folds)
    ((442, 100), (100, 5))
    >>> bool(np.all(mae.score_path_ <= 0))             # scores: greater is better
    True

    The whole path on all the data, as glmnet's ``predict(cvfit, newx, s=)``:

    >>> cv.coef_path_.shape                   # (features, alphas)
    (10, 100)
    >>> cv.predict(X[:2], alpha="1se").round(1)
    array([201.2,  78.9])
    >>> cv.predict(X[:2], alpha=[1.0, 0.3]).round(1)   # any alphas (interpolated)
    array([[181.1, 201. ],
           [112. ,  82.8]])
    """

    path = staticmethod(lasso_path)

    def __init__(self, *, eps: float = 1e-3, alphas: int | ArrayLike = 100,
                 fit_intercept: bool = True,
                 precompute: bool | Literal["auto"] | ArrayLike = "auto",
                 max_iter: int = 1000, tol: float = 1e-4, copy_X: bool = True,
                 cv: int | BaseCrossValidator | Iterable | None = None,
                 verbose: bool | int = False, n_jobs: int | None = None,
                 positive: bool = False,
                 random_state: int | np.random.RandomState | None = None,
                 selection: Literal["cyclic", "random"] = "cyclic",
                 penalty_factor: ArrayLike | None = None,
                 lower_bounds: float | ArrayLike | None = None,
                 upper_bounds: float | ArrayLike | None = None,
                 alpha_select: Literal["min", "1se"] = "min",
                 gammas: ArrayLike | None = None,
                 exclude: ArrayLike | None = None, scoring: str | Any = None,
                 store_cv_results: bool = False, standardize: bool = False,
                 max_features: int | None = None,
                 max_features_ever: int | None = None) -> None:
        super().__init__(
            l1_ratio=1.0, eps=eps, alphas=alphas, fit_intercept=fit_intercept,
            precompute=precompute, max_iter=max_iter, tol=tol, cv=cv, copy_X=copy_X,
            verbose=verbose, n_jobs=n_jobs, positive=positive,
            random_state=random_state, selection=selection,
            penalty_factor=penalty_factor, lower_bounds=lower_bounds,
            upper_bounds=upper_bounds, alpha_select=alpha_select, gammas=gammas,
            exclude=exclude, scoring=scoring, store_cv_results=store_cv_results,
            standardize=standardize, max_features=max_features,
            max_features_ever=max_features_ever,
        )

