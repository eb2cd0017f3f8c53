"""Cross-validated estimators: `LassoCV`, `ElasticNetCV`, `MultiTaskLassoCV` and
`MultiTaskElasticNetCV`.

The cross-validation engine computes, for every fold and every l1_ratio, the test
mean squared error along the whole alpha grid, with the folds running on threads (the
kernel releases the GIL). In the Gram regime (more training samples than features),
it computes one Gram matrix for all folds: each test block X_k^T W_k X_k once, the
total as their sum, and the training Gram of fold k as total - block k with the
centering correction from the column sums, so that 5-fold CV costs about one Gram
computation instead of five, and no copy of X[train] is made. The final refit reuses
the total Gram.
"""
from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from scipy import sparse
from sklearn import get_config
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._base import LinearPredictMixin, check_finite_fit
from ._engine import (
    Problem,
    abort_epoch,
    alpha_grid,
    gram_for,
    multitask_alpha_max,
    multitask_arrays,
    multitask_gram_fits,
    run_interruptibly,
    solve_multitask,
    unreachable,
    update_strategy,
    warn_if_alpha_max_zero,
    warn_not_converged,
)
from ._linalg import sq_norm
from ._path import enet_path, lasso_path, solve_limited
from ._path_model import PathModelMixin, fit_path, refit_at
from ._penalty import Penalty
from ._prepare import (
    FoldMoments,
    SparseFoldMoments,
    SparsePrepared,
    column_scales,
    folds_partition,
    gram_scales,
    inverse_scales,
    preprocess,
    scale_columns,
    scale_moments,
    sparse_rows,
    take_rows,
    test_mse,
)
from ._relaxed import blend, check_gammas, relaxed_fit, relaxed_path, used_rows
from ._scoring import Scoring
from ._threads import parallel_folds
from ._validation import (
    check_bool,
    check_max_features,
    check_number,
    check_path_params,
    check_precompute,
    check_sample_weight,
    check_selection,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from numpy.typing import ArrayLike
    from scipy.sparse import sparray, spmatrix
    from sklearn.model_selection import BaseCrossValidator
    from typing_extensions import Self


class _PathCV(LinearPredictMixin, RegressorMixin, BaseEstimator):
    """What the cross-validated estimators share: parameter checks, folds, alpha
    grids, running the folds on threads and choosing alpha (and l1_ratio)."""

    _l1_ratio_fixed = None

    def _l1_ratios(self):
        if self._l1_ratio_fixed is not None:
            return np.array([self._l1_ratio_fixed])
        value = self.l1_ratio
        items = np.ravel(np.asarray(value, dtype=object)) \
            if not isinstance(value, str) else [value]
        if not all(isinstance(r, numbers.Real) and not isinstance(r, (bool, np.bool_))
                   for r in items):
            raise ValueError(
                f"The 'l1_ratio' parameter of {type(self).__name__} must be a float in "
                "the range [0.0, 1.0] or an array-like of such floats, got "
                f"{value!r}.")
        return np.atleast_1d(np.asarray(value, dtype=np.float64))

    def _validate_common(self, bools):
        l1_ratios = self._l1_ratios()
        if l1_ratios.ndim != 1 or l1_ratios.size == 0:
            raise ValueError("l1_ratio must be a number or a non-empty list of numbers.")
        for r in l1_ratios:
            check_path_params(float(r), self.eps, self.alphas)
        check_number("max_iter", self.max_iter, low=1, integer=True)
        check_number("tol", self.tol, low=0)
        for name in bools:
            check_bool(name, getattr(self, name))
        check_selection(self.selection)
        if self.alpha_select not in ("min", "1se"):
            raise ValueError("The 'alpha_select' parameter must be 'min' or '1se', got "
                             f"{self.alpha_select!r}.")
        if self.n_jobs is not None:
            check_number("n_jobs", self.n_jobs, integer=True)
        return l1_ratios

    def get_metadata_routing(self):
        """scikit-learn's metadata routing: ``fit``'s extra parameters (e.g.
        ``groups``) go to the splitter's ``split``."""
        return MetadataRouter(owner=self).add_self_request(self).add(
            splitter=check_cv(self.cv),
            method_mapping=MethodMapping().add(caller="fit", callee="split"))

    def _split_params(self, params):
        """Extra ``fit`` parameters reach the splitter through scikit-learn's
        metadata routing only, as in scikit-learn (checked before the data)."""
        if params:
            if not get_config().get("enable_metadata_routing", False):
                raise ValueError(
                    f"Passing extra keyword arguments to {type(self).__name__}.fit is "
                    "only supported if enable_metadata_routing=True, which you can set "
                    "using `sklearn.set_config`. Extra parameters passed are: "
                    f"{sorted(params)}.")
            params = process_routing(self, "fit", **params).splitter.split
        return params

    @staticmethod
    def _check_fold_inputs(y, sw, folds):
        """Clear errors where the CV errors cannot be defined: a test fold whose
        weights are all 0 (its weighted MSE is 0 / 0; scikit-learn raises
        ZeroDivisionError there), or a target so large that its squared errors
        overflow float64."""
        y = np.asarray(y)
        big = float(np.max(np.abs(y))) if y.size else 0.0
        if big * np.sqrt(y.shape[0]) > 2.0 ** 500:
            raise ValueError(
                f"y is too large for cross-validation (max |y| = {big!r}): its squared "
                "errors (mse_path_) overflow float64; rescale y (e.g. divide it by "
                "its standard deviation).")
        if sw is not None:
            for k, (_, test) in enumerate(folds):
                total = float(np.sum(sw[test], dtype=np.float64))
                if not total > 0:
                    raise ValueError(
                        f"sample_weight: the weights of test fold {k} of cv sum to "
                        f"{total!r}; its weighted mean squared error is undefined. "
                        "Each test fold needs a positive total weight (choose other "
                        "folds, e.g. a splitter that spreads the weighted samples).")

    def _folds(self, X, y, params):
        try:
            folds = list(check_cv(self.cv).split(X, y, **params))
        except ValueError as exc:
            raise ValueError(f"cv={self.cv!r} cannot split these data: {exc}") from exc
        if not folds:
            raise ValueError(f"cv={self.cv!r} produced no folds.")
        return folds

    def _grids(self, l1_ratios, alpha_max):
        """The alpha grid of each l1_ratio, as scikit-learn: computed on all the data
        (``alpha_max(l1_ratio)``), or the user's; and whether it was the user's."""
        n_alphas, explicit = check_path_params(float(l1_ratios[0]), self.eps,
                                               self.alphas)
        if explicit is not None:
            return np.tile(explicit, (len(l1_ratios), 1)), True
        maxes = [alpha_max(r) for r in l1_ratios]
        warn_if_alpha_max_zero(min(maxes))
        return np.array([alpha_grid(a, n_alphas, self.eps) for a in maxes]), False

    def _solve_kw(self):
        """The solver options of every solve of the fit; ``epoch``: the abort epoch
        it started in (its kernels stop once it moves, see run_interruptibly)."""
        seed = check_random_state(self.random_state).randint(1, 2**31 - 1)
        return dict(tol=self.tol, max_iter=self.max_iter, selection=self.selection,
                    seed=seed, epoch=abort_epoch())

    def _run(self, jobs):
        """The fold jobs on threads (the kernels release the GIL); returns the test
        MSE as (n_l1_ratio, n_alphas, n_folds). Interrupted, every fold stops before
        KeyboardInterrupt propagates (run_interruptibly)."""
        # (n_folds, n_l1_ratio, n_alphas) -> (n_l1_ratio, n_alphas, n_folds)
        return np.moveaxis(np.asarray(self._run_jobs(jobs)), 0, 2)

    def _run_jobs(self, jobs):
        """The fold jobs on threads; their results in the folds' order."""
        parallel = Parallel(n_jobs=self.n_jobs, verbose=self.verbose, prefer="threads")
        if effective_n_jobs(self.n_jobs) > 1:
            # folds on parallel threads: every BLAS on one thread inside them (the
            # NumPy products of several folds at once, each on all cores, would
            # oversubscribe the machine)
            with parallel_folds:
                per_fold = run_interruptibly(parallel, jobs)
        else:
            per_fold = run_interruptibly(parallel, jobs)
        return per_fold

    def _choose(self, mse, grids, l1_ratios, explicit, score=None):
        """alpha_min_ (smallest mean CV error), alpha_1se_ (glmnet's rule), alpha_,
        l1_ratio_, alphas_ and mse_path_ with scikit-learn's shapes. With ``score``
        (the scorer's values, same shape as mse, greater is better), the choice
        minimizes -score instead of the MSE (glmnet's ``type.measure``); mse_path_
        stays the MSE."""
        loss = mse if score is None else -score
        mean_mse = loss.mean(axis=2)
        if not np.any(np.isfinite(mean_mse)):
            raise ValueError(
                "The cross-validation errors are all NaN or infinite (data too "
                "large for float64, or not finite): no alpha can be chosen.")
        best_mse = np.inf
        for r_idx, mse_r in enumerate(mean_mse):
            i = int(np.argmin(mse_r))
            if mse_r[i] < best_mse:
                best_mse, best_r_idx, best_i = mse_r[i], r_idx, i
        grid = grids[best_r_idx]
        fold_mse = loss[best_r_idx]
        n_folds = fold_mse.shape[1]
        se = fold_mse[best_i].std(ddof=1) / np.sqrt(n_folds) if n_folds > 1 else 0.0
        within = np.flatnonzero(mean_mse[best_r_idx] <= best_mse + se)
        self.alpha_min_ = float(grid[best_i])
        self.alpha_1se_ = float(np.max(grid[within]))
        self.alpha_ = self.alpha_min_ if self.alpha_select == "min" else self.alpha_1se_
        self.l1_ratio_ = float(l1_ratios[best_r_idx])
        # as scikit-learn: one grid per l1_ratio when computed, the user's grid once
        self.alphas_ = grids[0] if (len(l1_ratios) == 1 or explicit) else grids
        self.mse_path_ = mse[0] if len(l1_ratios) == 1 else mse
        if score is not None:
            self.score_path_ = score[0] if len(l1_ratios) == 1 else score
            self.best_score_ = float(-best_mse)

    def _choose_relaxed(self, mse, grids, l1_ratios, explicit, gammas, evaluated):
        """(alpha, gamma) chosen as cv.glmnet(relax=TRUE) does (getOptcv.relaxed):
        the smallest mean CV error over the alphas and the given gammas (ties: the
        largest alpha, then the largest gamma); the 1se choice is the largest alpha
        whose error, for some gamma, is within one standard error of that minimum,
        with the largest such gamma. ``mse`` (n_l1_ratio, n_evaluated, n_folds,
        n_alphas) from the folds; mse_path_ stays gamma = 1's (scikit-learn's)."""
        mse = np.moveaxis(mse, 2, 3)             # (n_l1, n_evaluated, n_alphas, n_folds)
        ones = int(np.flatnonzero(evaluated == 1.0)[0])
        mine = np.searchsorted(evaluated, gammas)
        mse_g = mse[:, mine]
        mean = mse_g.mean(axis=3)
        if not np.any(np.isfinite(mean)):
            raise ValueError(
                "The cross-validation errors are all NaN or infinite (data too "
                "large for float64, or not finite): no alpha can be chosen.")
        best = np.inf
        for r_idx, mean_r in enumerate(mean):
            if np.nanmin(mean_r) < best:
                best, best_r = float(np.nanmin(mean_r)), r_idx
        cvm = mean[best_r]                        # (n_gammas, n_alphas)
        g_min, a_min = _largest_alpha_then_gamma(cvm <= best)
        fold = mse_g[best_r, g_min, a_min]
        n_folds = fold.shape[0]
        se = fold.std(ddof=1) / np.sqrt(n_folds) if n_folds > 1 else 0.0
        g_1se, a_1se = _largest_alpha_then_gamma(cvm <= best + se)
        grid = grids[best_r]
        self.alpha_min_, self.gamma_min_ = float(grid[a_min]), float(gammas[g_min])
        self.alpha_1se_, self.gamma_1se_ = float(grid[a_1se]), float(gammas[g_1se])
        if self.alpha_select == "min":
            self.alpha_, self.gamma_ = self.alpha_min_, self.gamma_min_
        else:
            self.alpha_, self.gamma_ = self.alpha_1se_, self.gamma_1se_
        self.l1_ratio_ = float(l1_ratios[best_r])
        self.gammas_ = gammas
        self.alphas_ = grids[0] if (len(l1_ratios) == 1 or explicit) else grids
        self.mse_path_ = mse[0, ones] if len(l1_ratios) == 1 else mse[:, ones]
        self.mse_path_relaxed_ = mse_g[0] if len(l1_ratios) == 1 else mse_g


def _largest_alpha_then_gamma(mask):
    """(gamma index, alpha index) of the True entry of mask (n_gammas, n_alphas; the
    alphas decreasing, the gammas increasing) with the largest alpha, then the
    largest gamma."""
    a = int(np.flatnonzero(mask.any(axis=0))[0])
    g = int(np.flatnonzero(mask[:, a])[-1])
    return g, a


def _evaluated_gammas(gammas):
    """The gammas whose CV errors the folds compute: the given ones and 1 (for
    mse_path_), sorted; None for the plain CV."""
    return None if gammas is None else np.union1d(gammas, [1.0])


def _relaxed_coefs(problem, coefs, gammas, n_train):
    """The path coefs (p, n_alphas) blended with their relaxed fits (glmnet's
    relax.glmnet, see relaxed_path) for each gamma, side by side, on the features
    nonzero somewhere along the path: (rows, (len(rows), n_gammas * n_alphas))."""
    rows = used_rows(coefs)
    sub = coefs[rows]
    refits = relaxed_path(problem, coefs, n_train, rows)
    return rows, np.hstack([blend(float(g), sub, refits) for g in gammas])


def _by_gamma(errors, gammas):
    """Test errors (n_gammas * n_alphas,) as (n_gammas, n_alphas)."""
    return errors if gammas is None else np.reshape(errors, (len(gammas), -1))


class _OutOfFold:
    """What the fold jobs compute beyond the test MSE when ``scoring`` or
    ``store_cv_results`` asks: the scores of the test predictions (``Scoring``), and
    the predictions themselves; ``collect`` puts the folds together."""

    def __init__(self, scoring, store):
        self.scoring = scoring
        self.store = store

    @classmethod
    def of(cls, est):
        """None when the estimator asks for neither (today's MSE-only jobs)."""
        check_bool("store_cv_results", est.store_cv_results)
        scoring = None if est.scoring is None else Scoring(est.scoring)
        if scoring is None and not est.store_cv_results:
            return None
        return cls(scoring, bool(est.store_cv_results))

    def result(self, mse, preds, y_test, sw_test):
        scores = None if self.scoring is None else \
            [self.scoring(y_test, p, sw_test) for p in preds]
        return mse, scores, preds if self.store else None

    def collect(self, est, per_fold, folds, n_samples, dtype):
        """(mse, score) as (n_l1_ratio, n_alphas, n_folds) (score None without
        scoring); sets ``cv_results_`` (n_samples, n_alphas), or (n_l1_ratio,
        n_samples, n_alphas) for several l1_ratios, NaN for samples in no test
        fold."""
        mse = np.moveaxis(np.asarray([r[0] for r in per_fold]), 0, 2)
        score = None if self.scoring is None else \
            np.moveaxis(np.asarray([r[1] for r in per_fold], dtype=np.float64), 0, 2)
        if self.store:
            n_r = mse.shape[0]
            # (a fold's predictions: (n_test, n_alphas), or (n_test, n_targets,
            # n_alphas) for the multi-task problem)
            shape = per_fold[0][2][0].shape[1:]
            out = np.full((n_r, n_samples) + shape, np.nan, dtype=dtype)
            for (_, test), r in zip(folds, per_fold, strict=True):
                for i, pred in enumerate(r[2]):
                    out[i, test] = pred
            est.cv_results_ = out[0] if n_r == 1 else out
        return mse, score


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
        after another); -1 for all cores.
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
        X, y = validate_data(
            self, X, y, accept_sparse=["csc", "csr", "coo"],
            dtype=[np.float64, np.float32], copy=False, multi_output=True,
            y_numeric=True,
        )
        if sparse.issparse(X) and X.format not in ("csr", "csc"):
            X = sparse.csr_matrix(X)     # rows are cut into folds (sparse_rows)
        if y.ndim == 2 and y.shape[1] != 1:
            raise ValueError(
                f"{type(self).__name__} fits one target; y has {y.shape[1]} columns "
                "(fit one model per column).")
        y = np.ascontiguousarray(column_or_1d(y, warn=True), dtype=X.dtype)
        n_samples, n_features = X.shape
        sw = check_sample_weight(sample_weight, n_samples, X.dtype)
        if sw is not None:
            sw = sw * (n_samples / np.sum(sw))

        folds = self._folds(X, y, params)
        self._check_fold_inputs(y, sw, folds)
        n_train_max = max(len(train) for train, _ in folds)
        penalty = Penalty(n_features, self.penalty_factor, self.lower_bounds,
                          self.upper_bounds, self.positive, self.exclude)
        if sparse.issparse(X):
            prep = SparsePrepared(X, y, self.fit_intercept, sw)
            if not prep.centering_is_safe():
                # columns with means far above their spread are dense anyway, and
                # their implicit centering would lose digits: center explicitly
                X = X.toarray()
        # standardize (glmnet's): the data of every fit scaled to unit-variance
        # columns, each fold by its own training set's scales (as cv.glmnet, which
        # calls glmnet on each training set); full_penalty / full_scale: on all the
        # data (the grid and the final model)
        standardize = bool(self.standardize)
        full_scale = None
        full_penalty = penalty
        if standardize:
            full_scale = inverse_scales(column_scales(X, sw), X.dtype)
            full_penalty = penalty.scaled(full_scale)
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
            moments = FoldMoments(X, y, sw, folds, self.fit_intercept)
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
        # folds on parallel threads: one OpenMP thread per kernel (no oversubscription)
        solve_kw["n_threads"] = 1 if effective_n_jobs(self.n_jobs) > 1 else 0
        gammas = check_gammas(self.gammas)
        evaluated = _evaluated_gammas(gammas)
        if gammas is not None and oof is not None:
            raise ValueError(
                f"scoring={self.scoring!r} and store_cv_results="
                f"{self.store_cv_results!r} are not available with gammas (the relaxed "
                "CV chooses by the mean squared error): use gammas=None, or the "
                "defaults scoring=None, store_cv_results=False.")
        if shared is not None:
            jobs = (delayed(self._gram_fold)(shared, k, train, test, l1_ratios, grids,
                                             penalty, solve_kw, oof, standardize,
                                             gammas=evaluated, limits=limits)
                    for k, (train, test) in enumerate(folds))
        else:
            jobs = (delayed(self._plain_fold)(X, y, sw, train, test, l1_ratios, grids,
                                              penalty, solve_kw, oof, standardize,
                                              gammas=evaluated, limits=limits)
                    for train, test in folds)
        if gammas is not None:
            self._choose_relaxed(self._run(jobs), grids, l1_ratios, explicit, gammas,
                                 evaluated)
        elif oof is None:
            self._choose(self._run(jobs), grids, l1_ratios, explicit)
        else:
            mse, score = oof.collect(self, self._run_jobs(jobs), folds, n_samples,
                                     X.dtype)
            self._choose(mse, grids, l1_ratios, explicit, score)
        folds = jobs = shared = None    # (freed before the final model)

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
        if not conv[0]:
            warn_not_converged(gaps[0], tol_abs, self.l1_ratio_,
                               unreachable(conv, its, self.max_iter), coef.dtype)
        self.coef_ = coef
        self.intercept_ = float(intercept)
        self.dual_gap_ = float(gaps[0])
        self.n_iter_ = int(its[0])
        if self._path_cache is None:
            # the whole path is solved on first use only (coef_path_, predict(X,
            # alpha=), ...): a reference to the data, not a copy
            self._path_data = (X, y, sw)
        return self

    def _precompute(self):
        """precompute as the engine reads it: each fold needs its own centered Gram
        matrix, so True and a given matrix act as 'auto'."""
        pre = self.precompute
        return False if isinstance(pre, (bool, np.bool_)) and not pre else "auto"

    @staticmethod
    def _gram_fold(moments, k, train, test, l1_ratios, grids, penalty, solve_kw,
                   oof=None, standardize=False, gammas=None, limits=(None, None)):
        """Test MSE along every grid for fold k, from the shared Gram moments (with
        ``oof``, an _OutOfFold: also the test predictions and scores; with
        ``standardize``, solved on the training set's unit-variance columns;
        ``gammas``: the relaxed fits' errors too, see _relaxed_coefs; ``limits``:
        max_features / max_features_ever, see _limited_fold_path)."""
        G, Xy, yy, m, my = moments.training_moments(k, len(train))
        scale = None
        if standardize:
            scale = inverse_scales(gram_scales(G, len(train), moments.mu + m, G.dtype),
                                   G.dtype)
            G, Xy = scale_moments(G, Xy, scale)
            penalty = penalty.scaled(scale)
        problem = Problem.gram(G, Xy, yy, len(train), penalty, G.dtype)
        out = []
        preds = []
        for r, grid in zip(l1_ratios, grids, strict=True):
            coefs = _limited_fold_path(problem, float(r), grid, limits, solve_kw)
            if gammas is not None:
                rows, blended = _relaxed_coefs(problem, coefs, gammas, len(train))
                coefs = np.zeros((coefs.shape[0], blended.shape[1]), dtype=coefs.dtype)
                coefs[rows] = blended
            if scale is not None:
                coefs = coefs * scale[:, None]
            intercepts = my - m @ coefs
            out.append(_by_gamma(moments.test_mse(k, coefs, intercepts), gammas))
            if oof is not None:
                # (y_g = y - ybar ~ X_g w + b: the predictions of y add ybar back)
                rows = moments.tests[k]
                preds.append(np.asarray(moments.Xg[rows] @ coefs) + intercepts +
                             moments.ybar)
        if oof is None:
            return out
        rows = moments.tests[k]
        return oof.result(out, preds, moments.yg[rows] + moments.ybar,
                          moments.sw[rows] if moments.weighted else None)

    def _plain_fold(self, X, y, sw, train, test, l1_ratios, grids, penalty, solve_kw,
                    oof=None, standardize=False, gammas=None, limits=(None, None)):
        """Test MSE along every grid for one fold, fitting on a copy of X[train]
        (with ``oof``: also the test predictions and scores; with ``standardize``,
        on the training set's unit-variance columns; ``gammas``: the relaxed fits'
        errors too; ``limits``: see _gram_fold)."""
        sw_train = None if sw is None else sw[train]
        scale = None
        if sparse.issparse(X):
            # (the fold's rows straight into the kernel's CSC arrays, weighted in place)
            X_train = sparse_rows(X, train)
            if standardize:
                scale = inverse_scales(column_scales(X_train, sw_train), X.dtype)
                X_train = scale_columns(X_train, scale)
                penalty = penalty.scaled(scale)
            prep = SparsePrepared(X_train, y[train], self.fit_intercept, sw_train,
                                  own=True)
            del X_train
            strategy = update_strategy(self._precompute(), len(train), X.shape[1],
                                       sparse=prep)
            problem = Problem.sparse(prep, prep.y, penalty, gram=strategy == "full")
        else:
            strategy = update_strategy(self._precompute(), len(train), X.shape[1],
                                       grids.shape[1])
            # (the rows gathered into one Fortran copy, centered in place; as X[train],
            # which is C-ordered, it is centered explicitly)
            X_train = take_rows(X, train)
            if standardize:
                scale = inverse_scales(column_scales(X_train, sw_train), X.dtype)
                np.multiply(X_train, scale, out=X_train)
                penalty = penalty.scaled(scale)
            prep = preprocess(X_train, y[train], self.fit_intercept, sw_train, own=True)
            del X_train
            gram = gram_for(strategy, prep)
            problem = Problem.dense(prep.X, prep.y, penalty, prep.Xmean, prep.norms,
                                    use_gram=strategy == "lazy", gram=gram)
        fits = []
        for r, grid in zip(l1_ratios, grids, strict=True):
            coefs = _limited_fold_path(problem, float(r), grid, limits, solve_kw)
            if gammas is None:
                intercepts = (prep.y_offset - prep.X_offset @ coefs) \
                    if self.fit_intercept else 0.0
                if scale is not None:
                    # (intercepts from the scaled offsets and coefficients: the same)
                    coefs = coefs * scale[:, None]
                fits.append((None, coefs, intercepts))
                continue
            # (the relaxed fits: n_gammas times the columns, on the features that are
            # nonzero somewhere along the path only)
            rows, blended = _relaxed_coefs(problem, coefs, gammas, len(train))
            intercepts = (prep.y_offset - prep.X_offset[rows] @ blended) \
                if self.fit_intercept else 0.0
            if scale is not None:
                blended = blended * scale[rows, None]
            fits.append((rows, blended, intercepts))
        # the test rows are copied once the training copy is freed (never both)
        del problem, prep
        X_test = sparse_rows(X, test) if sparse.issparse(X) else X[test]
        y_test = y[test]
        sw_test = None if sw is None else sw[test]
        out = []
        preds = []
        for rows, coefs, intercepts in fits:
            if rows is not None:
                out.append(_by_gamma(test_mse(X_test[:, rows], y_test, sw_test, coefs,
                                              intercepts), gammas))
                continue
            out.append(test_mse(X_test, y_test, sw_test, coefs, intercepts))
            if oof is not None:
                preds.append(np.asarray(X_test @ coefs) + intercepts)
        if oof is None:
            return out
        return oof.result(out, preds, y_test, sw_test)


class LassoCV(ElasticNetCV):
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
        Threads running the folds in parallel.
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

    _l1_ratio_fixed = 1.0
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

    def fit(self, X: ArrayLike | spmatrix | sparray, y: ArrayLike,
            sample_weight: float | ArrayLike | None = None, **params: Any) -> Self:
        """Fit the model with cross-validation along the alpha grid.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target values.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Sample weights.
        **params : dict
            Routed to the CV splitter's ``split`` (e.g. ``groups``) with
            scikit-learn's metadata routing (``sklearn.set_config(
            enable_metadata_routing=True)``); an error otherwise, as scikit-learn.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        super().fit(X, y, sample_weight=sample_weight, **params)
        del self.l1_ratio_
        return self


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
        sw = check_sample_weight(sample_weight, n_samples, X.dtype)
        if sw is not None:
            sw = sw * (n_samples / np.sum(sw))
        folds = self._folds(X, y, params)
        self._check_fold_inputs(y, sw, folds)
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
        if shared is not None:
            jobs = (delayed(_multitask_moments_fold)(shared, k, len(train), l1_ratios,
                                                     grids, solve_kw, oof)
                    for k, (train, _) in enumerate(folds))
        else:
            jobs = (delayed(_multitask_plain_fold)(X, y, sw, train, test,
                                                   self.fit_intercept, l1_ratios, grids,
                                                   solve_kw, oof)
                    for train, test in folds)
        if oof is None:
            self._choose(self._run(jobs), grids, l1_ratios, explicit)
        else:
            mse, score = oof.collect(self, self._run_jobs(jobs), folds, n_samples,
                                     X.dtype)
            self._choose(mse, grids, l1_ratios, explicit, score)
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
        if not conv[0]:
            warn_not_converged(float(gaps[0]), tol_abs, self.l1_ratio_,
                               unreachable(conv, its, self.max_iter), coef.dtype)
        self.coef_ = coef
        self.intercept_ = np.asarray(intercept, dtype=X.dtype)
        self.dual_gap_ = float(gaps[0])
        self.n_iter_ = int(its[0])
        check_finite_fit(self.coef_, self.intercept_)
        return self


def _limited_fold_path(problem, l1_ratio, grid, limits, solve_kw):
    """A fold's coefficients along the grid; with max_features (limits) its path
    stops on its own, and the alphas it did not reach get its last solution (as
    cv.glmnet's predictions of a shorter fold path)."""
    coefs = solve_limited(problem, l1_ratio, grid, *limits, **solve_kw)[0]
    missing = len(grid) - coefs.shape[1]
    if missing:
        coefs = np.concatenate([coefs, np.repeat(coefs[:, -1:], missing, axis=1)],
                               axis=1)
    return coefs


def _grid_problem(prep, penalty, strategy):
    """The problem of a prepared sparse X on all the data, for its alpha grid only:
    in the Gram form (strategy 'full') the grid needs X^T y alone, so the Gram matrix
    is not computed when no feature is unpenalized and the box point closest to 0 is
    0 (the same X^T y, hence the same grid, as the full problem's)."""
    if strategy == "full" and penalty.unpenalized.size == 0 and \
            not np.any(penalty.start()):
        y = np.ascontiguousarray(prep.y, dtype=prep.dtype)
        problem = Problem(prep.shape[0], prep.shape[1], penalty, float(sq_norm(y)))
        problem.kind = "gram"
        problem.Xy = np.ascontiguousarray(prep.Xty(y), dtype=prep.dtype)
        return problem
    return Problem.sparse(prep, prep.y, penalty, gram=strategy == "full")


def _multitask_intercepts(y_shift, X_shift, coefs):
    """(T, k) intercepts y_shift - coefs[..., a] @ X_shift for each alpha a."""
    return np.asarray(y_shift)[:, None] - np.einsum("tjk,j->tk", coefs, X_shift)


def _multitask_predict(X_test, coefs, intercepts):
    """Predictions (n_test, T, k) of coefs (T, p, k) with intercepts (T, k)."""
    if sparse.issparse(X_test):
        pred = np.stack([np.asarray(X_test @ coefs[..., a].T)
                         for a in range(coefs.shape[2])], axis=2)
    else:
        pred = np.einsum("ij,tjk->itk", np.asarray(X_test), coefs)
    return pred + intercepts[None]


def _multitask_moments_fold(moments, k, n_train, l1_ratios, grids, solve_kw, oof=None):
    """Test MSE along every grid for fold k, solved from the shared moments (with
    ``oof``: also the test predictions and scores)."""
    G, XtY, yy, m, my = moments.training_moments(k, n_train)
    out = []
    preds = []
    # (the test rows: only for the predictions; moments reduced on Dask hold none)
    rows = None if oof is None else moments.tests[k]
    for r, grid in zip(l1_ratios, grids, strict=True):
        coefs = solve_multitask(None, None, float(r), grid, gram=G, XtY=XtY, yy=yy,
                                n_samples=n_train, **solve_kw)[0]
        intercepts = _multitask_intercepts(my, m, coefs)
        out.append(moments.test_mse(k, coefs, intercepts))
        if oof is not None:
            preds.append(_multitask_predict(moments.Xg[rows], coefs, intercepts) +
                         np.asarray(moments.ybar)[None, :, None])
    if oof is None:
        return out
    return oof.result(out, preds, moments.yg[rows] + moments.ybar,
                      moments.sw[rows] if moments.weighted else None)


def _multitask_plain_fold(X, y, sw, train, test, fit_intercept, l1_ratios, grids,
                          solve_kw, oof=None):
    """Test MSE along every grid for one fold, fitting on a copy of X[train] (with
    ``oof``: also the test predictions and scores)."""
    sw_train = None if sw is None else sw[train]
    if sparse.issparse(X):
        prep = SparsePrepared(sparse_rows(X, train), y[train], fit_intercept, sw_train,
                              own=True)
        strategy = "full"
    else:
        prep = preprocess(take_rows(X, train), y[train], fit_intercept, sw_train,
                          own=True)
        strategy = update_strategy("auto", len(train), X.shape[1], grids.shape[1])
    arrays = multitask_arrays(prep, strategy)
    fits = []
    for r, grid in zip(l1_ratios, grids, strict=True):
        coefs = solve_multitask(l1_ratio=float(r), alphas=grid, **arrays,
                                **solve_kw)[0]
        fits.append((coefs, _multitask_intercepts(prep.y_offset, prep.X_offset, coefs)))
    # the test rows are copied once the training copy is freed (never both)
    del arrays, prep
    X_test = sparse_rows(X, test) if sparse.issparse(X) else X[test]
    y_test, sw_test = y[test], None if sw is None else sw[test]
    out = [test_mse(X_test, y_test, sw_test, coefs, intercepts)
           for coefs, intercepts in fits]
    if oof is None:
        return out
    preds = [_multitask_predict(X_test, coefs, intercepts) for coefs, intercepts in fits]
    return oof.result(out, preds, y_test, sw_test)


class MultiTaskLassoCV(MultiTaskElasticNetCV):
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

    _l1_ratio_fixed = 1.0
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

    def fit(self, X: ArrayLike | spmatrix | sparray, y: ArrayLike,
            sample_weight: float | ArrayLike | None = None, **params: Any) -> Self:
        """Fit the model with cross-validation along the alpha grid.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples, n_targets)
            Targets.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Sample weights.
        **params : dict
            Routed to the CV splitter's ``split`` (e.g. ``groups``) with
            scikit-learn's metadata routing (``sklearn.set_config(
            enable_metadata_routing=True)``); an error otherwise, as scikit-learn.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        super().fit(X, y, sample_weight=sample_weight, **params)
        del self.l1_ratio_
        return self
