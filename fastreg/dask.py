"""fastreg on Dask: Lasso, ElasticNet, Ridge, the multi-task Lasso and ElasticNet and
their cross-validated versions for data larger than memory or spread over a cluster.

``fit`` takes a dask array (chunked by rows; chunks across columns are merged) or a
dask dataframe (feature names kept), y and ``sample_weight`` as dask arrays / series
(or in-memory arrays). One pass over the data computes, per chunk of rows and per
cross-validation fold, the weighted count, the column and target means and the
co-moments X^T W X, X^T W y, y^T W y about them; Dask merges the chunks in a tree
(Chan's update of means and co-moments: no digits lost to large column means). The
client then receives (folds) p x p matrices and solves everything (alpha grid, every
fold's path, the choice of alpha, the final model) with the engine the in-memory
estimators use: ``fastreg.dask.LassoCV(cv=5)`` gives the ``alpha_``, ``mse_path_`` and
``coef_`` of ``fastreg.LassoCV(cv=5)`` on the same data in memory.

The estimators take the parameters of their in-memory counterparts (which they
subclass) and have their fitted attributes; ``to_in_memory()`` returns the in-memory
estimator with those attributes, for serving. ``predict`` and ``score`` on a dask
collection return lazy dask arrays.

Limits: n_samples must exceed n_features (otherwise the data fit in memory: use the
in-memory estimators); the client holds (folds + 1) p x p float64 matrices, at most
``client_memory`` bytes (a ``fit`` argument, default 2 GiB); each task of the pass
holds its chunk and folds x p x p moments. The multi-task estimators
(``MultiTaskLasso``, ``MultiTaskElasticNet`` and their CV) take a 2-D y: the pass gives
X^T W Y and the trace of Y^T W Y per fold. ``RidgeCV``'s leave-one-out (``cv=None``)
reads the data twice (the second pass for every row's leverage).

glmnet's ``standardize`` and the CV estimators' ``max_features`` /
``max_features_ever`` follow from the moments (the column scales are the weighted
standard deviations); ``scoring`` and ``store_cv_results`` of ``LassoCV`` /
``ElasticNetCV`` are refused: they need out-of-fold predictions of every row.

Folds (``cv``): an int or ``KFold`` without shuffling gives scikit-learn's
``KFold`` on the global row order (each row's fold from its position, no memory on
the client); another splitter whose test sets partition the rows (e.g. ``KFold(5,
shuffle=True, random_state=0)``) is run on the client from the row count (n_samples
bytes there); ``fit(..., fold_ids=...)`` takes a dask array of fold ids in
[0, cv) (glmnet's ``foldid``).
"""
import inspect as _inspect
import numbers
import warnings

import numpy as np
from sklearn.model_selection import KFold, check_cv
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from . import _cv, _elastic_net, _multitask, _ridge
from ._dask_moments import (
    align_rows,
    align_targets,
    as_dask_array,
    check_client_memory,
    check_weights_scalar,
    is_dask_collection,
    kfold_ids,
    known_rows,
    loo_pass,
    one_pass,
    splitter_ids,
)
from ._engine import (
    Problem,
    multitask_alpha_max,
    ridge_solve,
    solve_multitask,
    unreachable,
    warn_not_converged,
)
from ._path import solve_limited
from ._penalty import Penalty
from ._prepare import gram_scales, inverse_scales, scale_moments
from ._relaxed import check_gammas, relaxed_fit

__all__ = ["ElasticNet", "ElasticNetCV", "Lasso", "LassoCV", "MultiTaskElasticNet",
           "MultiTaskElasticNetCV", "MultiTaskLasso", "MultiTaskLassoCV", "Ridge",
           "RidgeCV"]

_DATA_DOC = """X : dask array or dask dataframe of shape (n_samples, n_features)
            Training data, chunked by rows (chunks across columns are merged); a
            dataframe's column names become ``feature_names_in_``. An in-memory
            array is read as one chunk (with a warning).
        y : dask array or dask series of shape (n_samples,)
            Target values (one target), chunked like X's rows or rechunked to them.
        sample_weight : dask array of shape (n_samples,), float or None, default=None
            Sample weights (non-negative, not all zero), as in memory."""
_Y_DOC = """y : dask array or dask series of shape (n_samples,)
            Target values (one target), chunked like X's rows or rechunked to them."""
_TARGETS_DOC = """y : dask array or dask dataframe of shape (n_samples, n_targets)
            Target values (2-D), chunked like X's rows or rechunked to them."""
_FOLDS_DOC = """fold_ids : dask array of shape (n_samples,) of ints, default=None
            Each row's fold, in [0, cv) (glmnet's ``foldid``); ``cv`` is then the
            number of folds. None: the folds of ``cv``."""
_MEMORY_DOC = """client_memory : int, default=None
            Bytes the client may hold for the (folds + 1) p x p float64 moments
            (None: 2 GiB); above it, fit raises before the pass."""


def _doc(own, in_memory):
    """The class docstring: its own text, then the in-memory estimator's
    parameters and attributes (the same)."""
    parent = in_memory.__doc__
    start = parent.index("    Parameters\n")
    return own.rstrip() + "\n\n    The parameters and attributes of :class:`fastreg." + \
        in_memory.__name__ + "`:\n\n" + parent[start:]


class _DaskFront:
    """What the Dask estimators share: reading the data, the one pass, predict,
    score and the conversion to the in-memory estimator."""

    _in_memory = None

    # -- data --------------------------------------------------------------------------
    _targets = False      # (the multi-task estimators: 2-D y)

    def _read(self, X, y, sample_weight, need_rows):
        """(X, y, w) as aligned dask arrays, with n_features_in_ / feature_names_in_
        set; ``need_rows``: the fold assignment needs the row counts of the chunks."""
        if not is_dask_collection(X):
            warnings.warn(f"{type(self).__name__} got an in-memory X: it is read as one "
                          "chunk; the in-memory fastreg estimators are faster on it.",
                          UserWarning, stacklevel=3)
        X, names = as_dask_array(X, "X", lengths=need_rows)
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D (n_samples, n_features), got shape "
                             f"{X.shape}.")
        if X.dtype.kind not in "biuf":
            raise ValueError(f"X must be numeric, got dtype {X.dtype}.")
        if X.shape[1] == 0:
            raise ValueError("X has 0 features: at least one is required.")
        y_arr, _ = as_dask_array(y, "y")
        if self._targets:
            if y_arr.ndim != 2:
                name = type(self).__name__[len("MultiTask"):]
                raise ValueError(f"For mono-task outputs, use fastreg.dask.{name}: y "
                                 "must be 2-D (n_samples, n_targets).")
            y = align_targets(y_arr, X)
        elif y_arr.ndim == 2 and y_arr.shape[1] != 1:
            raise ValueError(f"{type(self).__name__} fits one target; y has shape "
                             f"{y_arr.shape} (fit one model per column, or use "
                             "fastreg.dask.MultiTask*).")
        else:
            y = align_rows(y_arr, X, "y")
        w = align_rows(check_weights_scalar(sample_weight), X, "sample_weight")
        if known_rows(X) and X.shape[0] <= X.shape[1]:
            raise ValueError(self._wide_message(X.shape[0], X.shape[1]))
        self.n_features_in_ = int(X.shape[1])
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        return X, y, w

    @staticmethod
    def _wide_message(n, p):
        return (f"X has {n} samples and {p} features: fastreg.dask solves from the "
                "p x p moments and needs n_samples > n_features. Data this wide fit in "
                "memory: use the in-memory fastreg estimator on X.compute().")

    @staticmethod
    def _dtype(X):
        return np.dtype(np.float32) if X.dtype == np.float32 else np.dtype(np.float64)

    def _moments(self, X, y, w, fold, n_folds, client_memory):
        check_client_memory(n_folds, X.shape[1], client_memory)
        moments = one_pass(X, y, w, fold, n_folds, self.fit_intercept, self._dtype(X),
                           rows_mse=fold is not None)
        n = int(np.sum(moments.counts))
        if n <= X.shape[1]:
            raise ValueError(self._wide_message(n, X.shape[1]))
        return moments, n

    def _fold_ids(self, X, fold_ids):
        """(fold ids as a dask array chunked like X, number of folds)."""
        cv = 5 if self.cv is None else self.cv
        if fold_ids is not None:
            if not isinstance(cv, numbers.Integral) or isinstance(cv, bool) or cv < 2:
                raise ValueError(f"With fold_ids, cv must be the number of folds (an int "
                                 f">= 2), got cv={cv!r}.")
            ids = align_rows(fold_ids, X, "fold_ids")
            return ids, int(cv)
        if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
            if cv < 2:
                raise ValueError(f"cv must be at least 2 folds, got cv={cv!r}.")
            return kfold_ids(X, int(cv)), int(cv)
        if isinstance(cv, KFold) and not cv.shuffle:
            return kfold_ids(X, cv.get_n_splits()), cv.get_n_splits()
        return splitter_ids(X, check_cv(cv))

    # -- prediction ----------------------------------------------------------------------
    def _predict_input(self, X):
        check_is_fitted(self)
        import dask.dataframe as dd
        if isinstance(X, dd.DataFrame):
            names = [str(c) for c in X.columns]
            ref = getattr(self, "feature_names_in_", None)
            if ref is not None and list(ref) != names:
                raise ValueError(
                    "The feature names should match those that were passed during fit: "
                    f"got {names}, fitted on {list(ref)}.")
        X, _ = as_dask_array(X, "X")
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[-1]} features, but {type(self).__name__} "
                             f"is expecting {self.n_features_in_} features as input.")
        return X.rechunk({1: -1}) if X.numblocks[1] > 1 else X

    def predict(self, X):
        """Predict with the fitted linear model: X @ coef_ + intercept_.

        Parameters
        ----------
        X : dask array or dask dataframe of shape (n_samples, n_features)
            Samples (an in-memory array gives an in-memory result).

        Returns
        -------
        y_pred : dask array of shape (n_samples,)
            Lazy predictions (computed with ``.compute()``).
        """
        lazy = is_dask_collection(X)
        pred = self._linear(self._predict_input(X))
        return pred if lazy else pred.compute()

    def _linear(self, Xd):
        coef = np.asarray(self.coef_)
        return Xd @ (coef.T if coef.ndim == 2 else coef) + np.asarray(self.intercept_)

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R^2 of the prediction.

        Parameters
        ----------
        X : dask array or dask dataframe of shape (n_samples, n_features)
            Samples.
        y : dask array or dask series of shape (n_samples,)
            True values.
        sample_weight : dask array of shape (n_samples,), float or None, default=None
            Sample weights of the R^2.

        Returns
        -------
        score : 0-d dask array (float for in-memory X and y)
            Lazy R^2 (``float(score)`` computes it).
        """
        import dask.array as da
        lazy = is_dask_collection(X) or is_dask_collection(y)
        pred = self._linear(self._predict_input(X))
        y, _ = as_dask_array(y, "y")
        y = y.reshape(-1) if y.ndim == 2 and pred.ndim == 1 else y
        w = check_weights_scalar(sample_weight)
        if w is None:
            w = da.ones_like(y if y.ndim == 1 else y[:, 0], dtype=np.float64)
        else:
            w, _ = as_dask_array(w, "sample_weight")
        y = y.astype(np.float64)
        if y.ndim == 2:           # (several targets: the mean of their R^2)
            w = w[:, None]
        ybar = (w * y).sum(axis=0) / w.sum()
        r2 = 1.0 - (w * (y - pred) ** 2).sum(axis=0) / (w * (y - ybar) ** 2).sum(axis=0)
        r2 = r2.mean() if r2.ndim else r2
        return r2 if lazy else float(r2.compute())

    # -- serving ----------------------------------------------------------------------
    _fitted = ("coef_", "intercept_", "dual_gap_", "eps_", "n_iter_", "n_features_in_",
               "feature_names_in_", "alpha_", "alpha_min_", "alpha_1se_", "l1_ratio_",
               "alphas_", "mse_path_", "best_score_", "method_", "solver_",
               "gamma_", "gamma_min_", "gamma_1se_", "gammas_", "mse_path_relaxed_")

    def to_in_memory(self):
        """The fitted in-memory fastreg estimator (same parameters and fitted
        attributes), for serving on in-memory data."""
        check_is_fitted(self)
        est = self._in_memory(**self.get_params())
        for name in self._fitted:
            if hasattr(self, name):
                setattr(est, name, getattr(self, name))
        return est


# ---------------------------------------------------------------------------------------
# ElasticNet, Lasso
# ---------------------------------------------------------------------------------------

class ElasticNet(_DaskFront, _elastic_net.ElasticNet):
    """:class:`fastreg.ElasticNet` fitted on Dask collections from one pass of
    sufficient statistics (see the module docstring). Same parameters and attributes;
    ``precompute`` and ``copy_X`` are accepted and have no effect (the fit is always
    from the Gram moments)."""

    _in_memory = _elastic_net.ElasticNet

    def fit(self, X, y, sample_weight=None, *, client_memory=None):
        """Fit from one pass over X, y (and the weights)."""
        l1_ratio = self._l1_ratio()
        self._validate_params(l1_ratio)
        X, y, w = self._read(X, y, sample_weight, need_rows=False)
        n_features = X.shape[1]
        penalty = Penalty(n_features, self.penalty_factor, self.lower_bounds,
                          self.upper_bounds, self.positive, self.exclude)
        moments, n = self._moments(X, y, w, None, 1, client_memory)
        if self.alpha == 0:
            warnings.warn(
                "With alpha=0, this algorithm does not converge well. You are advised "
                "to use the LinearRegression estimator", stacklevel=2)
        G, Xy, yy, m, my = moments.training_moments(None, n)
        scale = None
        if self.standardize:
            # glmnet's standardize, as in memory: solved on unit-variance columns
            # (the weighted standard deviations, from the centered moments)
            scale = _scales(moments, n)
            G, Xy = scale_moments(G, Xy, scale)
            penalty = penalty.scaled(scale)
        problem = Problem.gram(G, Xy, yy, n, penalty, G.dtype)
        init = None
        if self.warm_start and hasattr(self, "coef_") and \
                np.shape(self.coef_) == (n_features,):
            init = self.coef_
            if scale is not None:
                init = np.where(scale > 0, init / np.where(scale > 0, scale, 1), 0)
        seed = check_random_state(self.random_state).randint(1, 2**31 - 1)
        coefs, gaps, its, conv, tol_abs = problem.solve(
            l1_ratio, [self.alpha], coef_init=init, tol=self.tol, max_iter=self.max_iter,
            selection=self.selection, seed=seed)
        if not conv[0]:
            warn_not_converged(gaps[0], tol_abs, l1_ratio)
        coef = relaxed_fit(problem, coefs[:, 0], self.gamma, n)
        self.coef_ = np.ascontiguousarray(coef if scale is None else coef * scale)
        self.dual_gap_ = gaps[0]
        self.n_iter_ = int(its[0])
        self.intercept_ = _intercept(moments, m, my, self.coef_, self.fit_intercept)
        return self


def _scales(moments, n):
    """glmnet's column scales 1 / sd (0 for a constant column) of all the data: the
    weighted standard deviations about the weighted means (centered with or without
    an intercept, as ``column_scales`` in memory), from the centered moments."""
    fit_intercept = moments.fit_intercept
    moments.fit_intercept = True
    try:
        G, _, _, m, _ = moments.training_moments(None, n)
    finally:
        moments.fit_intercept = fit_intercept
    return inverse_scales(gram_scales(G, n, moments.mu + m, G.dtype), G.dtype)


def _intercept(moments, m, my, coef, fit_intercept):
    if not fit_intercept:
        return 0.0
    return float((moments.ybar + my) - (moments.mu + m) @ coef)


class Lasso(ElasticNet, _elastic_net.Lasso):
    """:class:`fastreg.Lasso` fitted on Dask collections (see :class:`ElasticNet`)."""

    _in_memory = _elastic_net.Lasso
    _l1_ratio_fixed = 1.0
    __init__ = _elastic_net.Lasso.__init__


# ---------------------------------------------------------------------------------------
# ElasticNetCV, LassoCV
# ---------------------------------------------------------------------------------------

class ElasticNetCV(_DaskFront, _cv.ElasticNetCV):
    """:class:`fastreg.ElasticNetCV` fitted on Dask collections: every fold's moments
    come out of the one pass (fold k's training problem is the total minus block k,
    its test errors come from block k's moments), then the in-memory CV engine runs on
    them (same grid, same folds, same errors, same choice). ``precompute`` has no
    effect."""

    _in_memory = _cv.ElasticNetCV

    def fit(self, X, y, sample_weight=None, *, fold_ids=None, client_memory=None):
        """Fit with cross-validation from one pass over the data."""
        l1_ratios = self._validate_params()
        name = type(self).__name__
        if self.scoring is not None:
            raise ValueError(
                f"scoring={self.scoring!r}: fastreg.dask.{name} scores the folds by "
                "their mean squared error, computed from each fold's moments; another "
                "scorer needs every row's out-of-fold prediction for every alpha (a "
                "second pass over the data per fold), which fastreg.dask does not do. "
                "Use scoring=None, or the in-memory fastreg estimator.")
        if self.store_cv_results:
            raise ValueError(
                f"store_cv_results=True: fastreg.dask.{name} does not keep the "
                "n_samples x n_alphas out-of-fold predictions (they would be as large "
                "as the data, on the client); mse_path_ holds the folds' errors. Use "
                "store_cv_results=False, or the in-memory fastreg estimator.")
        if self.standardize and not self.fit_intercept:
            raise ValueError(
                f"standardize=True with fit_intercept=False: fastreg.dask.{name} "
                "scales each fold by its training set's standard deviations from the "
                "centered Gram moments, which it keeps only with an intercept; use "
                "fit_intercept=True, or the in-memory fastreg estimator.")
        X, y, w = self._read(X, y, sample_weight, need_rows=fold_ids is None)
        n_features = X.shape[1]
        penalty = Penalty(n_features, self.penalty_factor, self.lower_bounds,
                          self.upper_bounds, self.positive, self.exclude)
        fold, n_folds = self._fold_ids(X, fold_ids)
        moments, n = self._moments(X, y, w, fold, n_folds, client_memory)
        n_train = n - moments.counts
        if np.any(moments.counts == 0):
            raise ValueError(f"fold {int(np.argmin(moments.counts))} of the {n_folds} "
                             "folds has no rows.")
        G, Xy, yy, m_all, my_all = moments.training_moments(None, n)
        standardize = bool(self.standardize)
        full_scale = None
        full_penalty = penalty
        if standardize:
            # (each fold scaled by its own training set's scales, as in memory)
            full_scale = _scales(moments, n)
            G, Xy = scale_moments(G, Xy, full_scale)
            full_penalty = penalty.scaled(full_scale)
        full = Problem.gram(G, Xy, yy, n, full_penalty, G.dtype)
        grids, explicit = self._grids(l1_ratios, full.alpha_max)
        solve_kw = self._solve_kw()
        limits = self._limits()
        if limits != (None, None):
            # as in memory (and cv.glmnet): the path on all the data first, truncated
            # at max_features; the folds are scored on the alphas it reached
            reached = solve_limited(full, float(l1_ratios[0]), grids[0], *limits,
                                    **solve_kw)[0]
            grids = grids[:, :reached.shape[1]]
        from joblib import delayed, effective_n_jobs
        solve_kw["n_threads"] = 1 if effective_n_jobs(self.n_jobs) > 1 else 0
        gammas = check_gammas(self.gammas)
        evaluated = _cv._evaluated_gammas(gammas)
        # (the fold job reads only len(train))
        jobs = (delayed(self._gram_fold)(moments, k, range(int(n_train[k])), None,
                                         l1_ratios, grids, penalty, solve_kw,
                                         standardize=standardize, gammas=evaluated,
                                         limits=limits)
                for k in range(n_folds))
        if gammas is None:
            self._choose(self._run(jobs), grids, l1_ratios, explicit)
        else:
            self._choose_relaxed(self._run(jobs), grids, l1_ratios, explicit, gammas,
                                 evaluated)
        coefs, gaps, its, conv, tol_abs = full.solve(self.l1_ratio_, [self.alpha_],
                                                     **solve_kw)
        if not conv[0]:
            warn_not_converged(gaps[0], tol_abs, self.l1_ratio_)
        coef = coefs[:, 0] if gammas is None else \
            relaxed_fit(full, coefs[:, 0], self.gamma_, n)
        if full_scale is not None:
            coef = coef * full_scale
        self.coef_ = np.ascontiguousarray(coef)
        self.intercept_ = _intercept(moments, m_all, my_all, self.coef_,
                                     self.fit_intercept)
        self.dual_gap_ = float(gaps[0])
        self.n_iter_ = int(its[0])
        return self


class LassoCV(ElasticNetCV, _cv.LassoCV):
    """:class:`fastreg.LassoCV` fitted on Dask collections (see
    :class:`ElasticNetCV`)."""

    _in_memory = _cv.LassoCV
    _l1_ratio_fixed = 1.0
    __init__ = _cv.LassoCV.__init__

    def fit(self, X, y, sample_weight=None, *, fold_ids=None, client_memory=None):
        """Fit with cross-validation from one pass over the data."""
        ElasticNetCV.fit(self, X, y, sample_weight=sample_weight, fold_ids=fold_ids,
                         client_memory=client_memory)
        del self.l1_ratio_
        return self


# ---------------------------------------------------------------------------------------
# MultiTaskElasticNet, MultiTaskLasso and their CV (2-D y)
# ---------------------------------------------------------------------------------------

def _multitask_intercept(moments, m, my, coef, fit_intercept, dtype):
    if not fit_intercept:
        return np.zeros(coef.shape[0], dtype=dtype)
    return np.asarray((moments.ybar + my) - coef @ (moments.mu + m), dtype=dtype)


class MultiTaskElasticNet(_DaskFront, _multitask.MultiTaskElasticNet):
    """:class:`fastreg.MultiTaskElasticNet` fitted on Dask collections (2-D y) from
    one pass of sufficient statistics: X^T W X, X^T W Y and the trace of Y^T W Y about
    the weighted means, solved by the in-memory multi-task engine in Gram form."""

    _in_memory = _multitask.MultiTaskElasticNet
    _targets = True

    def fit(self, X, y, sample_weight=None, *, client_memory=None):
        """Fit from one pass over X, Y (and the weights)."""
        l1_ratio = self._l1_ratio()
        self._validate_params(l1_ratio)
        X, y, w = self._read(X, y, sample_weight, need_rows=False)
        n_features, n_targets = X.shape[1], y.shape[1]
        dtype = self._dtype(X)
        moments, n = self._moments(X, y, w, None, 1, client_memory)
        G, XtY, yy, m, my = moments.training_moments(None, n)
        init = None
        if self.warm_start and hasattr(self, "coef_") and \
                np.shape(self.coef_) == (n_targets, n_features):
            init = self.coef_
        seed = check_random_state(self.random_state).randint(1, 2**31 - 1)
        coefs, gaps, its, conv, tol_abs = solve_multitask(
            None, None, l1_ratio, [self.alpha], gram=G, XtY=XtY, yy=yy, n_samples=n,
            coef_init=init, tol=self.tol, max_iter=self.max_iter,
            selection=self.selection, seed=seed)
        if not conv[0]:
            warn_not_converged(float(gaps[0]), tol_abs, l1_ratio,
                               unreachable(conv, its, self.max_iter), dtype)
        self.coef_ = np.ascontiguousarray(coefs[..., 0])
        self.dual_gap_ = float(gaps[0])
        self.eps_ = tol_abs * n
        self.n_iter_ = int(its[0])
        self.intercept_ = _multitask_intercept(moments, m, my, self.coef_,
                                               self.fit_intercept, dtype)
        return self


class MultiTaskLasso(MultiTaskElasticNet, _multitask.MultiTaskLasso):
    """:class:`fastreg.MultiTaskLasso` fitted on Dask collections (see
    :class:`MultiTaskElasticNet`)."""

    _in_memory = _multitask.MultiTaskLasso
    _l1_ratio_fixed = 1.0
    __init__ = _multitask.MultiTaskLasso.__init__


class MultiTaskElasticNetCV(_DaskFront, _cv.MultiTaskElasticNetCV):
    """:class:`fastreg.MultiTaskElasticNetCV` fitted on Dask collections (2-D y): every
    fold's X^T W X, X^T W Y and Y^T W Y come out of the one pass; fold k trains on the
    total minus block k and is tested on block k's moments (the mean over the test
    rows and the targets of the squared errors), with the in-memory grid, folds and
    choice of alpha."""

    _in_memory = _cv.MultiTaskElasticNetCV
    _targets = True

    def fit(self, X, y, sample_weight=None, *, fold_ids=None, client_memory=None):
        """Fit with cross-validation from one pass over the data."""
        l1_ratios = self._validate_common(("fit_intercept", "copy_X"))
        X, y, w = self._read(X, y, sample_weight, need_rows=fold_ids is None)
        dtype = self._dtype(X)
        fold, n_folds = self._fold_ids(X, fold_ids)
        moments, n = self._moments(X, y, w, fold, n_folds, client_memory)
        if np.any(moments.counts == 0):
            raise ValueError(f"fold {int(np.argmin(moments.counts))} of the {n_folds} "
                             "folds has no rows.")
        n_train = n - moments.counts
        G, XtY, yy, m_all, my_all = moments.training_moments(None, n)
        grids, explicit = self._grids(
            l1_ratios, lambda r: multitask_alpha_max(XtY, n, r))
        solve_kw = self._solve_kw()
        from joblib import delayed
        jobs = (delayed(_cv._multitask_moments_fold)(moments, k, int(n_train[k]),
                                                     l1_ratios, grids, solve_kw)
                for k in range(n_folds))
        self._choose(self._run(jobs), grids, l1_ratios, explicit)
        coefs, gaps, its, conv, tol_abs = solve_multitask(
            None, None, self.l1_ratio_, [self.alpha_], gram=G, XtY=XtY, yy=yy,
            n_samples=n, **solve_kw)
        if not conv[0]:
            warn_not_converged(float(gaps[0]), tol_abs, self.l1_ratio_,
                               unreachable(conv, its, self.max_iter), dtype)
        self.coef_ = np.ascontiguousarray(coefs[..., 0])
        self.intercept_ = _multitask_intercept(moments, m_all, my_all, self.coef_,
                                               self.fit_intercept, dtype)
        self.dual_gap_ = float(gaps[0])
        self.n_iter_ = int(its[0])
        return self


class MultiTaskLassoCV(MultiTaskElasticNetCV, _cv.MultiTaskLassoCV):
    """:class:`fastreg.MultiTaskLassoCV` fitted on Dask collections (see
    :class:`MultiTaskElasticNetCV`)."""

    _in_memory = _cv.MultiTaskLassoCV
    _l1_ratio_fixed = 1.0
    __init__ = _cv.MultiTaskLassoCV.__init__

    def fit(self, X, y, sample_weight=None, *, fold_ids=None, client_memory=None):
        """Fit with cross-validation from one pass over the data."""
        MultiTaskElasticNetCV.fit(self, X, y, sample_weight=sample_weight,
                                  fold_ids=fold_ids, client_memory=client_memory)
        del self.l1_ratio_
        return self


# ---------------------------------------------------------------------------------------
# Ridge, RidgeCV
# ---------------------------------------------------------------------------------------

def _ridge_coefs(G, Xy, yy, n_train, S_train, alphas, positive, tol, max_iter, dtype):
    """Ridge coefficients (p, k) of the prepared moments (weights rescaled to sum to
    n_train: the penalty alpha becomes alpha * n_train / S_train), by the engine."""
    scale = n_train / S_train
    if not positive:
        return ridge_solve(np.asarray(alphas, dtype=np.float64) * scale, gram=G, XY=Xy,
                           yy=yy)[0], np.ones(len(alphas), dtype=np.int32)
    problem = Problem.gram(G, Xy, yy, n_train, Penalty(G.shape[0], positive=True), dtype)
    coefs, its = [], []
    for a in alphas:
        # (the kernel's l2 is alpha_enet * n_train: alpha_enet = scale * alpha / n_train)
        c, gaps, it, conv, tol_abs = problem.solve(0.0, [a * scale / n_train], tol=tol,
                                                   max_iter=max_iter)
        if not conv[0]:
            warn_not_converged(gaps[0], tol_abs, 0.0)
        coefs.append(c[:, 0])
        its.append(max(int(it[0]), 1))
    return np.stack(coefs, axis=1), np.asarray(its, dtype=np.int32)


class Ridge(_DaskFront, _ridge.Ridge):
    """:class:`fastreg.Ridge` fitted on Dask collections from one pass of sufficient
    statistics: the exact solution from one eigendecomposition of the p x p Gram
    matrix (``positive=True``: coordinate descent on it). ``solver`` is accepted and
    has no effect. One target, one alpha."""

    _in_memory = _ridge.Ridge

    def fit(self, X, y, sample_weight=None, *, client_memory=None):
        """Fit from one pass over X, y (and the weights)."""
        alpha = self._validate_params()
        if alpha.size != 1:
            raise ValueError(f"alpha: fastreg.dask.Ridge fits one target with one "
                             f"alpha, got {alpha.size} alphas.")
        X, y, w = self._read(X, y, sample_weight, need_rows=False)
        moments, n = self._moments(X, y, w, None, 1, client_memory)
        G, Xy, yy, m, my = moments.training_moments(None, n)
        max_iter = 1000 if self.max_iter is None else self.max_iter
        coefs, its = _ridge_coefs(G, Xy, yy, n, moments.total[5], alpha, self.positive,
                                  self.tol, max_iter, G.dtype)
        dtype = self._dtype(X)
        self.coef_ = coefs[:, 0].astype(dtype)
        self.intercept_ = _intercept(moments, m, my, self.coef_, self.fit_intercept)
        self.n_iter_ = its
        self.method_ = "cd" if self.positive else "eigh"
        self.solver_ = "lbfgs" if self.positive else \
            ("cholesky" if self.solver == "auto" else self.solver)
        return self


class RidgeCV(_DaskFront, _ridge.RidgeCV):
    """:class:`fastreg.RidgeCV` on Dask collections.

    ``cv=None`` (the default, as in memory): exact leave-one-out, in two passes over
    the data. The first gives the moments; the client takes one eigendecomposition of
    the p x p Gram matrix; the second pass computes, chunk by chunk, every row's
    leverage h_ii (intercept included) and residual for every alpha, and sums the
    squared leave-one-out errors e_i = sqrt(w_i) (y_i - yhat_i) / (1 - h_ii) (scored as
    in memory: minus their mean by default, ``scoring='neg_mean_squared_error'`` or
    ``'r2'`` from the same sums). ``store_cv_results`` is not available on Dask (it
    would hold n_samples x n_alphas values on the client).

    ``cv=K`` folds: one pass gives every fold's moments; each fold's ridge path from
    one eigendecomposition of its training Gram matrix; the test scores from the
    fold's moments (R^2 weighted by the sample weights, as scikit-learn's
    GridSearchCV scores Ridge, or ``scoring='neg_mean_squared_error'``). The final
    model is :class:`Ridge` on all the moments at the best alpha. One target.
    """

    _in_memory = _ridge.RidgeCV
    _scorings = (None, "r2", "neg_mean_squared_error")

    def fit(self, X, y, sample_weight=None, *, fold_ids=None, client_memory=None):
        """Fit with leave-one-out (two passes) or K-fold cross-validation (one pass)
        of alpha."""
        if self.scoring not in self._scorings:
            raise ValueError(f"scoring={self.scoring!r}: fastreg.dask.RidgeCV computes "
                             f"the scores from moments, for scoring in {self._scorings}.")
        if self.cv is None and fold_ids is None:
            return self._fit_loo(X, y, sample_weight, client_memory)
        alphas = self._validate_params()
        X, y, w = self._read(X, y, sample_weight, need_rows=fold_ids is None)
        fold, n_folds = self._fold_ids(X, fold_ids)
        moments, n = self._moments(X, y, w, fold, n_folds, client_memory)
        if np.any(moments.counts == 0):
            raise ValueError(f"fold {int(np.argmin(moments.counts))} of the {n_folds} "
                             "folds has no rows.")
        scores = np.empty((n_folds, len(alphas)))
        for k in range(n_folds):
            n_train = int(n - moments.counts[k])
            G, Xy, yy, m, my = moments.training_moments(k, n_train)
            S_train = moments.total[5] - moments.blocks[k][5]
            coefs, _ = _ridge_coefs(G, Xy, yy, n_train, S_train, alphas, False,
                                    1e-4, 1000, G.dtype)
            mse = moments.test_mse(k, coefs, my - m @ coefs)
            S_k = moments.blocks[k][5]
            if self.scoring == "neg_mean_squared_error":
                scores[k] = -mse
            else:
                sst = moments.block_sst[k]
                scores[k] = 1.0 - mse * S_k / sst if sst > 0 else \
                    np.where(mse == 0, 1.0, 0.0)
        mean = scores.mean(axis=0)
        best = int(np.argmax(mean))
        self.alpha_ = alphas[best]
        self.best_score_ = mean[best]
        G, Xy, yy, m, my = moments.training_moments(None, n)
        coefs, _ = _ridge_coefs(G, Xy, yy, n, moments.total[5], [self.alpha_], False,
                                1e-4, 1000, G.dtype)
        self.coef_ = coefs[:, 0].astype(self._dtype(X))
        self.intercept_ = _intercept(moments, m, my, self.coef_, self.fit_intercept)
        return self

    def _fit_loo(self, X, y, sample_weight, client_memory):
        """Exact leave-one-out from two passes (moments, then leverages)."""
        if self.store_cv_results:
            raise ValueError("store_cv_results=True: fastreg.dask.RidgeCV does not "
                             "keep the n_samples x n_alphas leave-one-out values on the "
                             "client; pass store_cv_results=False.")
        alphas = np.asarray(self._validate_params(), dtype=np.float64)
        X, y, w = self._read(X, y, sample_weight, need_rows=False)
        moments, n = self._moments(X, y, w, None, 1, client_memory)
        G, Xy, yy, m, my = moments.training_moments(None, n)
        S = float(moments.total[5])
        scale = n / S                     # (G and Xy are the moments times n / S)
        lam, V = np.linalg.eigh(np.asarray(G, dtype=np.float64))
        q = V.T @ np.asarray(Xy, dtype=np.float64)
        shrink = 1.0 / (np.maximum(lam, 0.0)[:, None] + scale * alphas[None, :])
        mu = np.asarray(moments.mu + m, dtype=np.float64)
        ybar = float(moments.ybar + my)
        sums = loo_pass(X, y, w, mu, ybar, V, q, shrink, scale, 1.0 / S,
                        self.fit_intercept)
        if self.scoring is None:
            scores = -sums / n
        elif self.scoring == "neg_mean_squared_error":
            scores = -sums / S
        else:
            sst = float(moments.block_sst[0])
            scores = 1.0 - sums / sst if sst > 0 else np.where(sums == 0, 1.0, 0.0)
        best = int(np.argmax(scores))
        self.alpha_ = float(alphas[best])
        self.best_score_ = float(scores[best])
        coef = V @ (q * shrink[:, best])
        self.coef_ = coef.astype(self._dtype(X))
        self.intercept_ = _intercept(moments, m, my, self.coef_, self.fit_intercept)
        return self



for _cls in (ElasticNet, Lasso, ElasticNetCV, LassoCV, MultiTaskElasticNet,
             MultiTaskLasso, MultiTaskElasticNetCV, MultiTaskLassoCV, Ridge, RidgeCV):
    _cls.__doc__ = _doc(_cls.__doc__, _cls._in_memory)
    if "fit" in vars(_cls):
        _folds = "fold_ids" in _inspect.signature(_cls.fit).parameters
        _data = _DATA_DOC.replace(_Y_DOC, _TARGETS_DOC) if _cls._targets else _DATA_DOC
        _cls.fit.__doc__ = _cls.fit.__doc__ + "\n\n        Parameters\n        ----------\n" \
            "        " + _data + "\n" + ("        " + _FOLDS_DOC + "\n" if _folds else "") + \
            "        " + _MEMORY_DOC + "\n\n        Returns\n        -------\n" \
            "        self : object\n            The fitted estimator.\n        "
del _cls, _folds, _data
