"""Cross-validated estimators: `LassoCV` and `ElasticNetCV`.

The cross-validation engine computes, for every fold and every l1_ratio, the test
mean squared error along the whole alpha grid, with the folds running on threads (the
kernel releases the GIL). In the Gram regime (more training samples than features),
it computes one Gram matrix for all folds: each test block X_k^T W_k X_k once, the
total as their sum, and the training Gram of fold k as total - block k with the
centering correction from the column sums, so that 5-fold CV costs about one Gram
computation instead of five, and no copy of X[train] is made. The final refit reuses
the total Gram.
"""
import warnings

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from scipy import sparse
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state
from sklearn.utils.validation import column_or_1d, validate_data

from ._elastic_net import (
    LinearPredictMixin, _check_bool, _check_number, _check_sample_weight,
)
from ._path import (
    LAZY_GRAM_MAX_ALPHAS, alpha_grid, check_path_params, preprocess, warn_not_converged,
)
from ._penalty import Penalty
from ._cd_fast import column_stats
from ._problem import CANCELLATION, Problem, SparsePrepared, centering_is_safe


_CONTROLLER = []


def _all_blas_controller():
    """A threadpoolctl controller of every loaded library, made once (inspecting the
    loaded libraries is slow)."""
    if not _CONTROLLER:
        from threadpoolctl import ThreadpoolController
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0]


def _partition(folds, n_samples):
    """Whether the test sets partition the samples and each train set is the rest
    (exactly: no repeated index, no overlap)."""
    counts = np.zeros(n_samples, dtype=np.int64)
    for train, test in folds:
        test_count = np.bincount(np.asarray(test, dtype=np.intp), minlength=n_samples)
        train_count = np.bincount(np.asarray(train, dtype=np.intp),
                                  minlength=n_samples)
        if np.any(test_count > 1) or np.any(train_count + test_count != 1):
            return False
        counts += test_count
    return bool(np.all(counts == 1))


class _GramFolds:
    """Weighted moments of the globally centered data, per test block and in total.

    With X_g = X - mu (mu the weighted mean over all samples when fitting an
    intercept, 0 otherwise), the training Gram of a fold, centered on the training
    mean and with its weights rescaled to sum to n_train as scikit-learn does, is
    c * (M_T - S_T m m^T) with M_T = M - M_k, S_T = S - S_k, m = (s - s_k) / S_T,
    c = n_train / S_T. Centering globally first keeps m small, so the subtraction
    does not cancel digits; without weights, when the means are already small against
    the spread (squared ratio below CANCELLATION), X itself is used (mu = 0, no copy).
    """

    def __init__(self, X, y, sw, folds, fit_intercept):
        n = X.shape[0]
        dtype = X.dtype
        self.fit_intercept = fit_intercept
        self.weighted = sw is not None
        self.sw = np.ones(n, dtype=dtype) if sw is None else sw
        self.Xg = None
        if fit_intercept:
            if self.weighted:
                self.mu = np.average(X, axis=0, weights=self.sw).astype(dtype)
                self.ybar = dtype.type(np.average(y, weights=self.sw))
            else:
                self.ybar = dtype.type(np.mean(y, dtype=np.float64))
                if X.flags.f_contiguous:
                    sums, sumsq, _, _ = column_stats(X)
                    mean = sums / n
                    spread = np.maximum(sumsq / n - mean ** 2, 0.0)
                    # means small against the spread: the fold moments of X itself
                    # lose few digits in their centering (M - S m m^T), and X is not
                    # copied
                    if np.all(mean ** 2 <= CANCELLATION[np.dtype(dtype)] * spread):
                        self.Xg = X
                        self.mu = np.zeros(X.shape[1], dtype=dtype)
                    else:
                        self.mu = mean.astype(dtype)
                else:
                    self.mu = X.mean(axis=0, dtype=np.float64).astype(dtype)
        else:
            self.mu = np.zeros(X.shape[1], dtype=dtype)
            self.ybar = dtype.type(0)
        if self.Xg is None:
            self.Xg = np.empty(X.shape, dtype=dtype, order="F")
            np.subtract(X, self.mu, out=self.Xg)
        self.yg = (y - self.ybar).astype(dtype)
        # a test set of consecutive rows (KFold without shuffling) is read as a view
        self.tests = [self._rows(test) for _, test in folds]
        self.blocks = [self._moments(test) for test in self.tests]
        self.total = tuple(sum(b[i] for b in self.blocks) for i in range(6))
        p = X.shape[1]
        if (len(folds) + 1) * p * p * dtype.itemsize > self.MEMORY:
            # keep only the total Gram; a fold's block is recomputed from its rows
            # when the fold runs (the same flops, n_jobs blocks in memory at a time)
            self.blocks = [(None,) + b[1:] for b in self.blocks]

    MEMORY = 2 * 2**30   # bytes of p x p blocks kept between the folds

    @staticmethod
    def _rows(idx):
        idx = np.asarray(idx, dtype=np.intp)
        if idx.size > 0 and idx[-1] - idx[0] == idx.size - 1 and \
                np.all(np.diff(idx) == 1):
            return slice(int(idx[0]), int(idx[-1]) + 1)
        return idx

    def _moments(self, rows):
        Xr = self.Xg[rows]
        yr = self.yg[rows]
        if self.weighted:
            sw = self.sw[rows]
            Xw = Xr * np.sqrt(sw)[:, None]
            M = Xw.T @ Xw
            v = Xr.T @ (sw * yr)
            s = sw @ Xr
            S = float(np.sum(sw, dtype=np.float64))
            syy = float(sw.astype(np.float64) @ yr ** 2)
            sy = float(sw @ yr)
        else:
            M = Xr.T @ Xr       # (a syrk; on a view of consecutive rows, no copy)
            v = Xr.T @ yr
            s = Xr.sum(axis=0)
            S = float(Xr.shape[0])
            syy = float(yr.astype(np.float64) @ yr)
            sy = float(np.sum(yr, dtype=np.float64))
        return (M, v, s, sy, syy, S)

    def test_mse(self, k, coefs, intercepts):
        """Weighted mean squared test error of fold k for each column of coefs, with
        intercepts in the globally centered frame (y_g ~ X_g w + b).

        In float64 from the fold's moments (sum_i s_i r_i^2 = y'y - 2 w'v + w'M w
        - 2 b (s_y - s'w) + b^2 S, O(p^2) per alpha instead of a pass over the test
        rows), except where that sum cancels more than a millionth of its terms'
        size (nearly perfect fits): those columns are computed from the rows.
        """
        M, v, s, sy, syy, S = self.blocks[k]
        if M is None or self.Xg.dtype != np.float64:
            rows = self.tests[k]
            sw = self.sw[rows] if self.weighted else None
            return _test_mse(self.Xg[rows], self.yg[rows], sw, coefs, intercepts)
        coefs = np.asarray(coefs, dtype=np.float64)
        Mw = M @ coefs
        quad = np.einsum("ij,ij->j", coefs, Mw)
        lin = v @ coefs
        sw_ = s @ coefs
        b = np.asarray(intercepts, dtype=np.float64)
        total = syy - 2 * lin + quad - 2 * b * (sy - sw_) + b * b * S
        scale = syy + np.abs(2 * lin) + np.abs(quad) + np.abs(2 * b * (sy - sw_)) + \
            b * b * S
        bad = ~(total >= 1e-6 * scale)
        if np.any(bad):
            rows = self.tests[k]
            sw = self.sw[rows] if self.weighted else None
            total[bad] = S * _test_mse(self.Xg[rows], self.yg[rows], sw, coefs[:, bad],
                                       b[bad] if b.ndim else b)
        return total / S

    def problem(self, k, n_train):
        """(G, Xy, yy, mean shift of X, mean shift of y) of fold k's training set;
        k=None for all samples."""
        M, v, s, sy, syy, S = self.total
        if k is not None:
            Mk, vk, sk, syk, syyk, Sk = self.blocks[k]
            if Mk is None:
                Mk = self._moments(self.tests[k])[0]
            M, v, s, sy, syy, S = M - Mk, v - vk, s - sk, sy - syk, syy - syyk, S - Sk
        c = n_train / S
        if self.fit_intercept:
            m = s / S
            my = sy / S
            G = c * (M - S * np.outer(m, m))
            Xy = c * (v - S * m * my)
            yy = c * (syy - S * my * my)
        else:
            m = np.zeros_like(s)
            my = 0.0
            G, Xy, yy = c * M, c * v, c * syy
        dtype = self.Xg.dtype
        return (np.ascontiguousarray(G, dtype=dtype), Xy.astype(dtype), float(yy),
                m.astype(dtype), my)


def _test_mse(X_test, y_test, sw_test, coefs, intercepts):
    """Weighted mean squared error of each column of coefs on the test set."""
    residues = np.asarray(X_test @ coefs) + intercepts - y_test[:, None]
    if sw_test is None:
        return np.mean(residues ** 2, axis=0)
    return np.average(residues ** 2, axis=0, weights=sw_test)


class ElasticNetCV(LinearPredictMixin, RegressorMixin, BaseEstimator):
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
    alpha_select : {'min', '1se'}, default='min'
        Which alpha the final model uses: the one with the smallest mean CV error
        (scikit-learn's choice), or the largest alpha whose mean CV error is within
        one standard error of that minimum (glmnet's ``lambda.1se``), for the best
        l1_ratio.

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
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.
    """

    _l1_ratio_fixed = None

    def __init__(self, *, l1_ratio=0.5, eps=1e-3, alphas=100, fit_intercept=True,
                 precompute="auto", max_iter=1000, tol=1e-4, cv=None, copy_X=True,
                 verbose=0, n_jobs=None, positive=False, random_state=None,
                 selection="cyclic", penalty_factor=None, lower_bounds=None,
                 upper_bounds=None, alpha_select="min"):
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _l1_ratios(self):
        if self._l1_ratio_fixed is not None:
            return np.array([self._l1_ratio_fixed])
        return np.atleast_1d(np.asarray(self.l1_ratio, dtype=np.float64))

    def _validate_params(self):
        l1_ratios = self._l1_ratios()
        if l1_ratios.ndim != 1 or l1_ratios.size == 0:
            raise ValueError("l1_ratio must be a number or a non-empty list of numbers.")
        for r in l1_ratios:
            check_path_params(float(r), self.eps, self.alphas)
        _check_number("max_iter", self.max_iter, low=1, integer=True)
        _check_number("tol", self.tol, low=0)
        for name in ("fit_intercept", "copy_X", "positive"):
            _check_bool(name, getattr(self, name))
        if self.selection not in ("cyclic", "random"):
            raise ValueError("The 'selection' parameter must be 'cyclic' or 'random', "
                             f"got {self.selection!r}.")
        if self.alpha_select not in ("min", "1se"):
            raise ValueError("The 'alpha_select' parameter must be 'min' or '1se', got "
                             f"{self.alpha_select!r}.")
        pre = self.precompute
        if not (isinstance(pre, (bool, np.bool_)) or (isinstance(pre, str) and
                pre == "auto") or hasattr(pre, "__array__")):
            raise ValueError("The 'precompute' parameter must be 'auto', a bool or an "
                             f"array, got {pre!r}.")
        if self.n_jobs is not None:
            _check_number("n_jobs", self.n_jobs, integer=True)
        return l1_ratios

    def fit(self, X, y, sample_weight=None, **params):
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
            Passed to the CV splitter's ``split`` (e.g. ``groups``).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        l1_ratios = self._validate_params()
        X, y = validate_data(
            self, X, y, accept_sparse=["csc", "csr", "coo"],
            dtype=[np.float64, np.float32], copy=False, multi_output=True,
            y_numeric=True,
        )
        if sparse.issparse(X):
            X = sparse.csr_matrix(X)     # rows are cut into folds
        if y.ndim == 2 and y.shape[1] != 1:
            raise ValueError(
                f"{type(self).__name__} fits one target; y has {y.shape[1]} columns "
                "(fit one model per column).")
        y = np.ascontiguousarray(column_or_1d(y, warn=True), dtype=X.dtype)
        n_samples, n_features = X.shape
        sw = _check_sample_weight(sample_weight, n_samples, X.dtype)
        if sw is not None:
            sw = sw * (n_samples / np.sum(sw))

        try:
            folds = list(check_cv(self.cv).split(X, y, **params))
        except ValueError as exc:
            raise ValueError(f"cv={self.cv!r} cannot split these data: {exc}") from exc
        if not folds:
            raise ValueError(f"cv={self.cv!r} produced no folds.")
        n_train_max = max(len(train) for train, _ in folds)
        no_gram = isinstance(self.precompute, (bool, np.bool_)) and not self.precompute
        penalty = Penalty(n_features, self.penalty_factor, self.lower_bounds,
                          self.upper_bounds, self.positive)
        if sparse.issparse(X):
            prep = SparsePrepared(X, y, self.fit_intercept, sw)
            if not centering_is_safe(prep):
                # columns with means far above their spread are dense anyway, and
                # their implicit centering would lose digits: center explicitly
                X = X.toarray()
        is_sparse = sparse.issparse(X)
        use_gram = (not is_sparse and not no_gram and n_train_max > n_features
                    and _partition(folds, n_samples))
        engine = None
        if is_sparse:
            full = Problem.sparse(prep, prep.y, penalty,
                                  gram=False if no_gram else "auto")
        elif use_gram:
            engine = _GramFolds(X, y, sw, folds, self.fit_intercept)
            G, Xy, yy, m_all, my_all = engine.problem(None, n_samples)
            full = Problem.gram(G, Xy, yy, n_samples, penalty, X.dtype)
        else:
            prep = preprocess(X, y, self.fit_intercept, sw, implicit=True)
            full = Problem.dense(prep.X, prep.y, penalty, prep.Xmean, prep.norms)

        # alpha grids, as scikit-learn: on all the data, for each l1_ratio
        n_alphas, explicit = check_path_params(float(l1_ratios[0]), self.eps,
                                               self.alphas)
        if explicit is None:
            maxes = [full.alpha_max(r) for r in l1_ratios]
            grids = np.array([alpha_grid(a, n_alphas, self.eps) for a in maxes])
            if min(maxes) <= np.finfo(np.float64).resolution:
                warnings.warn(
                    "alpha_max is 0 (y is constant or orthogonal to every column of X): "
                    "every coefficient is zero.", UserWarning, stacklevel=2)
        else:
            grids = np.tile(explicit, (len(l1_ratios), 1))

        seed = check_random_state(self.random_state).randint(1, 2**31 - 1)
        # folds on parallel threads: one OpenMP thread per kernel (no oversubscription)
        solve_kw = dict(tol=self.tol, max_iter=self.max_iter,
                        selection=self.selection, seed=seed,
                        n_threads=1 if effective_n_jobs(self.n_jobs) > 1 else 0)
        if use_gram:
            jobs = (delayed(self._gram_fold)(engine, k, train, test, l1_ratios, grids,
                                             penalty, solve_kw)
                    for k, (train, test) in enumerate(folds))
        else:
            jobs = (delayed(self._plain_fold)(X, y, sw, train, test, l1_ratios, grids,
                                              penalty, solve_kw)
                    for train, test in folds)
        if effective_n_jobs(self.n_jobs) > 1:
            # folds on parallel threads: every BLAS on one thread inside them (the
            # NumPy products of several folds at once, each on all cores, oversubscribe
            # the machine: measured 2.5x slower than n_jobs=1 on 20000 x 500)
            with _all_blas_controller().limit(limits=1, user_api="blas"):
                per_fold = Parallel(n_jobs=self.n_jobs, verbose=self.verbose,
                                    prefer="threads")(jobs)
        else:
            per_fold = Parallel(n_jobs=self.n_jobs, verbose=self.verbose,
                                prefer="threads")(jobs)
        # (n_folds, n_l1_ratio, n_alphas) -> (n_l1_ratio, n_alphas, n_folds)
        mse = np.moveaxis(np.asarray(per_fold), 0, 2)
        mean_mse = mse.mean(axis=2)

        best_mse = np.inf
        for r_idx, (r, mse_r) in enumerate(zip(l1_ratios, mean_mse)):
            i = int(np.argmin(mse_r))
            if mse_r[i] < best_mse:
                best_mse, best_r_idx, best_i = mse_r[i], r_idx, i
        grid = grids[best_r_idx]
        fold_mse = mse[best_r_idx]
        n_folds = fold_mse.shape[1]
        se = fold_mse[best_i].std(ddof=1) / np.sqrt(n_folds) if n_folds > 1 else 0.0
        within = np.flatnonzero(mean_mse[best_r_idx] <= best_mse + se)
        self.alpha_min_ = float(grid[best_i])
        self.alpha_1se_ = float(np.max(grid[within]))
        self.alpha_ = self.alpha_min_ if self.alpha_select == "min" else self.alpha_1se_
        self.l1_ratio_ = float(l1_ratios[best_r_idx])
        # as scikit-learn: one grid per l1_ratio when computed, the user's grid once
        self.alphas_ = grids[0] if (len(l1_ratios) == 1 or explicit is not None) \
            else grids
        self.mse_path_ = mse[0] if len(l1_ratios) == 1 else mse

        # final model on all the data (the total Gram when it was computed)
        coefs, gaps, its, conv, tol_abs = full.solve(self.l1_ratio_, [self.alpha_],
                                                     **solve_kw)
        coef = coefs[:, 0]
        if engine is not None:
            intercept = (engine.ybar + my_all) - (engine.mu + m_all) @ coef
        else:
            intercept = prep.y_offset - prep.X_offset @ coef if self.fit_intercept \
                else 0.0
        if not conv[0]:
            warn_not_converged(gaps[0], tol_abs, self.l1_ratio_)
        self.coef_ = coef
        self.intercept_ = float(intercept)
        self.dual_gap_ = float(gaps[0])
        self.n_iter_ = int(its[0])
        return self

    @staticmethod
    def _gram_fold(engine, k, train, test, l1_ratios, grids, penalty, solve_kw):
        """Test MSE along every grid for fold k, from the shared Gram moments."""
        G, Xy, yy, m, my = engine.problem(k, len(train))
        problem = Problem.gram(G, Xy, yy, len(train), penalty, G.dtype)
        out = []
        for r, grid in zip(l1_ratios, grids):
            coefs, _, _, _, _ = problem.solve(float(r), grid, **solve_kw)
            intercepts = my - m @ coefs
            out.append(engine.test_mse(k, coefs, intercepts))
        return out

    def _plain_fold(self, X, y, sw, train, test, l1_ratios, grids, penalty, solve_kw):
        """Test MSE along every grid for one fold, fitting on a copy of X[train]."""
        sw_train = None if sw is None else sw[train]
        no_gram = isinstance(self.precompute, (bool, np.bool_)) and not self.precompute
        if sparse.issparse(X):
            prep = SparsePrepared(X[train], y[train], self.fit_intercept, sw_train)
            problem = Problem.sparse(prep, prep.y, penalty,
                                     gram=False if no_gram else "auto")
        else:
            use_gram = not no_gram and len(train) > X.shape[1]
            prep = preprocess(X[train], y[train], self.fit_intercept, sw_train,
                              implicit=not use_gram)
            # covariance updates: one Gram matrix for the fold's whole grid(s), or its
            # columns built lazily for a short grid (as enet_path)
            lazy = use_gram and grids.shape[1] < LAZY_GRAM_MAX_ALPHAS
            gram = np.ascontiguousarray(prep.X.T @ prep.X) if use_gram and not lazy \
                else None
            problem = Problem.dense(prep.X, prep.y, penalty, prep.Xmean, prep.norms,
                                    use_gram=lazy, gram=gram)
        X_test = X[test]
        y_test = y[test]
        sw_test = None if sw is None else sw[test]
        out = []
        for r, grid in zip(l1_ratios, grids):
            coefs, _, _, _, _ = problem.solve(float(r), grid, **solve_kw)
            intercepts = (prep.y_offset - prep.X_offset @ coefs) if self.fit_intercept \
                else 0.0
            out.append(_test_mse(X_test, y_test, sw_test, coefs, intercepts))
        return out


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
    alpha_select : {'min', '1se'}, default='min'
        Which alpha the final model uses (see :class:`ElasticNetCV`).

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
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.
    """

    _l1_ratio_fixed = 1.0

    def __init__(self, *, eps=1e-3, alphas=100, fit_intercept=True,
                 precompute="auto", max_iter=1000, tol=1e-4, copy_X=True, cv=None,
                 verbose=False, n_jobs=None, positive=False, random_state=None,
                 selection="cyclic", penalty_factor=None, lower_bounds=None,
                 upper_bounds=None, alpha_select="min"):
        super().__init__(
            l1_ratio=1.0, eps=eps, alphas=alphas, fit_intercept=fit_intercept,
            precompute=precompute, max_iter=max_iter, tol=tol, cv=cv, copy_X=copy_X,
            verbose=verbose, n_jobs=n_jobs, positive=positive,
            random_state=random_state, selection=selection,
            penalty_factor=penalty_factor, lower_bounds=lower_bounds,
            upper_bounds=upper_bounds, alpha_select=alpha_select,
        )

    def fit(self, X, y, sample_weight=None, **params):
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
            Passed to the CV splitter's ``split`` (e.g. ``groups``).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        super().fit(X, y, sample_weight=sample_weight, **params)
        del self.l1_ratio_
        return self
