"""What the cross-validated estimators share (``_PathCV``): parameter checks, the
folds and their checks, the alpha grids, the solver options, running the fold jobs
on threads (interruptibly) and choosing alpha, l1_ratio (and the relaxed lasso's
gamma) from the folds' errors, as scikit-learn and glmnet do. The estimators are in
``_cv`` and ``_multitask_cv``, the fold jobs in ``_cv_folds``.
"""
from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np
from joblib import Parallel, effective_n_jobs
from sklearn import get_config
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing

from ._base import LinearPredictMixin
from ._engine import (
    abort_epoch,
    alpha_grid,
    run_interruptibly,
    unreachable,
    warn_if_alpha_max_zero,
    warn_not_converged,
)
from ._prepare import rescaled_weights
from ._threads import parallel_folds
from ._validation import (
    check_bool,
    check_number,
    check_path_params,
    check_sample_weight,
    check_solver_params,
)

if TYPE_CHECKING:
    from numpy.typing import ArrayLike
    from scipy.sparse import sparray, spmatrix
    from typing_extensions import Self

# folds that copy their training rows run one at a time once X holds more bytes than
# this (see _PathCV._fold_jobs)
SERIAL_COPIES_BYTES = 2**28


def _nbytes(X):
    """The bytes of a dense or sparse X."""
    if hasattr(X, "indptr"):
        return X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    return np.asarray(X).nbytes


def _split_rows(X, splitter):
    """What the splitter is given as X. scikit-learn's splitters read only the number
    of rows of X, and convert a sparse X other than CSR to a CSR copy to read it
    (``indexable``): they get an (n, 0) array instead of a sparse X. Any other
    splitter gets X itself."""
    from scipy import sparse
    if sparse.issparse(X) and \
            type(splitter).__module__.startswith("sklearn.model_selection."):
        return np.empty((X.shape[0], 0))
    return X


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
        check_solver_params(self.tol, self.max_iter, self.selection)
        for name in bools:
            check_bool(name, getattr(self, name))
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
        splitter = check_cv(self.cv)
        try:
            folds = list(splitter.split(_split_rows(X, splitter), y, **params))
        except ValueError as exc:
            raise ValueError(f"cv={self.cv!r} cannot split these data: {exc}") from exc
        if not folds:
            raise ValueError(f"cv={self.cv!r} produced no folds.")
        return folds

    def _weights_and_folds(self, X, y, sample_weight, params):
        """The sample weights rescaled to sum to n_samples (None without), and the
        folds, checked (see _check_fold_inputs)."""
        n_samples = X.shape[0]
        sw = rescaled_weights(check_sample_weight(sample_weight, n_samples, X.dtype),
                              n_samples)
        folds = self._folds(X, y, params)
        self._check_fold_inputs(y, sw, folds)
        return sw, folds

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

    def _run(self, jobs, workers=None):
        """The fold jobs on threads (the kernels release the GIL); returns the test
        MSE as (n_l1_ratio, n_alphas, n_folds). Interrupted, every fold stops before
        KeyboardInterrupt propagates (run_interruptibly). ``workers``: see _run_jobs."""
        # (n_folds, n_l1_ratio, n_alphas) -> (n_l1_ratio, n_alphas, n_folds)
        return np.moveaxis(np.asarray(self._run_jobs(jobs, workers)), 0, 2)

    # the bytes of X when the fit's fold jobs copy their training rows, else 0 (fit)
    _copied_folds = 0

    def _fold_jobs(self):
        """How many fold jobs run at once: ``n_jobs``, but one when the folds copy
        their training rows (no shared moments: more features than training rows,
        or a sparse X with the options that need each fold's rows) and X is larger
        than ``SERIAL_COPIES_BYTES``: k such folds at once would hold k (1 - 1/cv)
        copies of X, more than the one copy a fit may hold; one at a time, each
        kernel's passes over its copy take every core (1.9x slower than two folds
        at once on 2 cores: below that size, speed wins)."""
        k = effective_n_jobs(self.n_jobs)
        return 1 if self._copied_folds > SERIAL_COPIES_BYTES else k

    def _run_jobs(self, jobs, workers=None):
        """The fold jobs on threads; their results in the folds' order. ``workers``
        (from ``fold_workers``): the threads to use instead of ``n_jobs``'s; every
        BLAS then on one thread, also when it is 1, so that the folds give the same
        bits on any number of threads."""
        n_jobs = self._fold_jobs() if workers is None else workers
        # (jobs that wait for each other, see _cv_folds._DeferredFirst, share memory:
        # threads, whatever backend a joblib parallel_config names)
        restore = getattr(jobs, "restore", None)
        parallel = Parallel(n_jobs=n_jobs, verbose=self.verbose, prefer="threads",
                            require=None if restore is None else "sharedmem")
        if workers is not None or n_jobs > 1:
            # folds on parallel threads: every BLAS on one thread inside them (the
            # NumPy products of several folds at once, each on all cores, would
            # oversubscribe the machine)
            with parallel_folds:
                per_fold = run_interruptibly(parallel, jobs)
        else:
            per_fold = run_interruptibly(parallel, jobs)
        # (jobs run in another order than the folds', see _cv_folds._DeferredFirst)
        return per_fold if restore is None else restore(per_fold)

    def _cross_validate(self, jobs, oof, folds, n_samples, dtype, grids, l1_ratios,
                        explicit, workers=None):
        """Runs the fold jobs and chooses from their test errors (with ``oof``, an
        _OutOfFold: by its scores, and keeps its predictions)."""
        if oof is None:
            self._choose(self._run(jobs, workers), grids, l1_ratios, explicit)
        else:
            mse, score = oof.collect(self, self._run_jobs(jobs, workers), folds,
                                     n_samples, dtype)
            self._choose(mse, grids, l1_ratios, explicit, score)

    def _set_final(self, coef, intercept, gaps, its, conv, tol_abs):
        """The final model's attributes (a warning when it did not converge)."""
        if not conv[0]:
            warn_not_converged(float(gaps[0]), tol_abs, self.l1_ratio_,
                               unreachable(conv, its, self.max_iter), coef.dtype)
        self.coef_ = coef
        self.intercept_ = intercept
        self.dual_gap_ = float(gaps[0])
        self.n_iter_ = int(its[0])

    def _choose(self, mse, grids, l1_ratios, explicit, score=None):
        """alpha_min_ (smallest mean CV error), alpha_1se_ (glmnet's rule), alpha_,
        l1_ratio_, alphas_ and mse_path_ with scikit-learn's shapes. With ``score``
        (the scorer's values, same shape as mse, greater is better), the choice
        minimizes -score instead of the MSE (glmnet's ``type.measure``); mse_path_
        stays the MSE."""
        loss = mse if score is None else -score
        mean_mse = loss.mean(axis=2)
        _check_finite_errors(mean_mse)
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
        _check_finite_errors(mean)
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


def _check_finite_errors(mean):
    """The mean CV errors must leave an alpha to choose."""
    if not np.any(np.isfinite(mean)):
        raise ValueError(
            "The cross-validation errors are all NaN or infinite (data too "
            "large for float64, or not finite): no alpha can be chosen.")


class _LassoCVMixin:
    """LassoCV and MultiTaskLassoCV: l1_ratio fixed at 1, and not an attribute of
    the fit (as scikit-learn's)."""

    _l1_ratio_fixed = 1.0

    def fit(self, X: ArrayLike | spmatrix | sparray, y: ArrayLike,
            sample_weight: float | ArrayLike | None = None, **params: Any) -> Self:
        """Fit the model with cross-validation along the alpha grid.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values (2-D, one column a target, for the multi-task estimator).
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


def _largest_alpha_then_gamma(mask):
    """(gamma index, alpha index) of the True entry of mask (n_gammas, n_alphas; the
    alphas decreasing, the gammas increasing) with the largest alpha, then the
    largest gamma."""
    a = int(np.flatnonzero(mask.any(axis=0))[0])
    g = int(np.flatnonzero(mask[:, a])[-1])
    return g, a

