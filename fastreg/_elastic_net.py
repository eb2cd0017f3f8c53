"""`ElasticNet` and `Lasso`: drop-in replacements for scikit-learn's estimators."""
import numbers
import warnings

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils import assert_all_finite
from sklearn.utils.validation import check_is_fitted, validate_data

from ._cd_fast import column_stats
from ._linalg import sq_norm
from ._path import center_target, check_gram, preprocess, warn_not_converged
from ._penalty import Penalty
from ._problem import Problem, SparsePrepared, centering_is_safe


def _check_number(name, value, *, low=None, high=None, integer=False,
                  low_open=False):
    """Raise a ValueError naming the parameter unless value is a number in range."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ValueError(
            f"The '{name}' parameter must be {'an int' if integer else 'a real number'}"
            f", got {value!r} of type {type(value).__name__}."
        )
    if not np.isfinite(value):
        raise ValueError(f"The '{name}' parameter must be finite, got {value!r}.")
    if low is not None and (value < low or (low_open and value == low)):
        bound = f"> {low}" if low_open else f">= {low}"
        raise ValueError(f"The '{name}' parameter must be {bound}, got {value!r}.")
    if high is not None and value > high:
        raise ValueError(f"The '{name}' parameter must be <= {high}, got {value!r}.")


def _check_bool(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"The '{name}' parameter must be a bool, got {value!r}.")


def _check_sample_weight(sample_weight, n_samples, dtype):
    """Validated 1-D weights (None if absent or a scalar, as scikit-learn)."""
    if sample_weight is None or isinstance(sample_weight, numbers.Number):
        return None
    sw = np.asarray(sample_weight)
    if sw.dtype.kind not in "biuf":
        raise ValueError(
            f"sample_weight must be numeric, got an array of dtype {sw.dtype}."
        )
    sw = sw.astype(dtype, copy=True)
    if sw.ndim != 1 or sw.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight.shape == {sw.shape}, expected ({n_samples},): one weight "
            "per sample."
        )
    if not np.all(np.isfinite(sw)):
        raise ValueError("sample_weight contains NaN or infinity.")
    if np.any(sw < 0):
        raise ValueError("Negative values in sample_weight are not allowed.")
    if not np.sum(sw) > 0:
        raise ValueError("sample_weight must not be all zero: its sum must be positive.")
    return sw


class LinearPredictMixin:
    """``predict`` of a fitted linear model: X @ coef_.T + intercept_ (dense or sparse
    X); shared by the L1 / elastic-net and the ridge estimators."""

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


class ElasticNet(LinearPredictMixin, MultiOutputMixin, RegressorMixin,
                 BaseEstimator):
    """Linear regression with combined L1 and L2 priors as regularizer.

    Minimizes, exactly as :class:`sklearn.linear_model.ElasticNet`::

        1 / (2 * n_samples) * ||y - Xw - b||^2_2
        + alpha * l1_ratio * ||w||_1
        + 0.5 * alpha * (1 - l1_ratio) * ||w||^2_2

    with sample weights entering the squared error (rescaled to sum to n_samples).
    Solved by coordinate descent in compiled code with working sets, active-set
    cycling, Gap Safe screening and Anderson acceleration; it stops when the duality
    gap is at most ``tol * ||y||^2 / n_samples`` (y centered when an intercept is
    fitted), scikit-learn's rule, so a given ``tol`` certifies the same accuracy.

    Parameters
    ----------
    alpha : float, default=1.0
        Constant that multiplies the penalty terms. ``alpha = 0`` is ordinary least
        squares (warns; use :class:`sklearn.linear_model.LinearRegression`).
    l1_ratio : float, default=0.5
        The ElasticNet mixing parameter, ``0 <= l1_ratio <= 1``: 1 is the Lasso
        (L1), 0 is ridge (L2).
    fit_intercept : bool, default=True
        Whether to fit an intercept; if False, the data are assumed centered.
    precompute : bool, 'auto' or array-like of shape (n_features, n_features), \
            default='auto'
        Update strategy (the solution does not depend on it). 'auto' and False:
        residual updates on X between working sets, covariance updates on the small
        block G[W, W] of each working set W (residual updates when W has more
        features than X has samples); with 2-D y and n_samples > n_features, 'auto'
        computes one full Gram matrix shared by the targets. True: covariance updates
        on the full Gram matrix X^T X computed once. An array: that Gram matrix (of the
        centered, weighted X), checked against X. (scikit-learn's default is False;
        fastreg's 'auto' picks the faster strategy.)
    max_iter : int, default=1000
        Maximum number of coordinate-descent sweeps (over a working set or its
        nonzero part).
    copy_X : bool, default=True
        Accepted for compatibility: fastreg never writes into X, whatever its value.
    tol : float, default=1e-4
        Tolerance on the duality gap, relative to ``||y||^2 / n_samples``.
    warm_start : bool, default=False
        Start from the previous solution (``coef_``) when refitting.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Seed of the random coordinate order when ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Visit coordinates in order, or at random.
    penalty_factor : array-like of shape (n_features,), default=None
        Non-negative factors multiplying each feature's penalty (glmnet's
        ``penalty.factor``), rescaled to sum to n_features as glmnet does; 0 leaves a
        feature unpenalized (always in the model; it cannot also be bounded).
    lower_bounds : float or array-like of shape (n_features,), default=None
        Lower bounds on the coefficients (glmnet's ``lower.limits``);
        ``positive=True`` is ``lower_bounds=0``.
    upper_bounds : float or array-like of shape (n_features,), default=None
        Upper bounds on the coefficients (glmnet's ``upper.limits``).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Coefficients; exact zeros where the solution is zero.
    sparse_coef_ : sparse matrix of shape (n_features,) or (n_targets, n_features)
        Sparse representation of ``coef_``.
    intercept_ : float or ndarray of shape (n_targets,)
        Intercept.
    n_iter_ : int or list of int
        Coordinate-descent sweeps used (per target).
    dual_gap_ : float or ndarray of shape (n_targets,)
        Duality gap at the solution, on the scale of the objective above.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.
    """

    _l1_ratio_fixed = None

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True,
                 precompute="auto", max_iter=1000, copy_X=True, tol=1e-4,
                 warm_start=False, positive=False, random_state=None,
                 selection="cyclic", penalty_factor=None, lower_bounds=None,
                 upper_bounds=None):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.copy_X = copy_X
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = True
        return tags

    def _validate_params(self, l1_ratio):
        _check_number("alpha", self.alpha, low=0)
        _check_number("l1_ratio", l1_ratio, low=0, high=1)
        _check_number("max_iter", self.max_iter, low=1, integer=True)
        _check_number("tol", self.tol, low=0)
        for name in ("fit_intercept", "copy_X", "warm_start", "positive"):
            _check_bool(name, getattr(self, name))
        if self.selection not in ("cyclic", "random"):
            raise ValueError(
                "The 'selection' parameter must be 'cyclic' or 'random', got "
                f"{self.selection!r}."
            )
        pre = self.precompute
        if not (isinstance(pre, (bool, np.bool_)) or (isinstance(pre, str) and
                pre == "auto") or hasattr(pre, "__array__")):
            raise ValueError(
                "The 'precompute' parameter must be a bool, 'auto' or an array of "
                f"shape (n_features, n_features), got {pre!r}."
            )

    def _l1_ratio(self):
        return self.l1_ratio if self._l1_ratio_fixed is None else self._l1_ratio_fixed

    def fit(self, X, y, sample_weight=None, check_input=True):
        """Fit the model by coordinate descent.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (float32 stays float32, anything else becomes float64).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Sample weights, rescaled internally to sum to n_samples.
        check_input : bool, default=True
            If False, skip the finiteness checks of X and y (they are still converted
            to a supported dtype and layout, so the kernel is always safe).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        l1_ratio = self._l1_ratio()
        self._validate_params(l1_ratio)
        # A float64 Fortran X fitted with an intercept and residual updates is centered
        # implicitly: its finiteness check, means and norms come from one pass over X
        # (column_stats), instead of three (measured: 20000 x 500, Lasso at
        # alpha_max/10, 16 ms -> 11 ms; scikit-learn's error if X is not finite)
        fused = (check_input and self.fit_intercept and sample_weight is None and
                 isinstance(X, np.ndarray) and X.dtype == np.float64 and
                 X.ndim == 2 and X.flags.f_contiguous and
                 self._strategy(X.shape[0], X.shape[1],
                                1 if np.ndim(y) == 1 else np.shape(y)[1]) == "naive")
        # no order requested: preprocess() writes the centered Fortran copy in one pass
        X, y = validate_data(
            self, X, y, accept_sparse=["csc", "csr", "coo"],
            dtype=[np.float64, np.float32], copy=False, multi_output=True,
            y_numeric=True, ensure_all_finite=bool(check_input) and not fused,
        )
        stats = None
        y = np.asarray(y, dtype=X.dtype)
        if fused:
            # with a single target, the same pass gives X^T y~ (y~ centered exactly as
            # preprocess centers it): the solve's first gradient, one pass fewer
            yc = center_target(y, None, X.dtype)[1] if y.ndim == 1 else None
            sums, sumsq, finite, Xty = column_stats(
                X, None if yc is None else np.ascontiguousarray(yc))
            if finite:
                stats = (sums, sumsq, Xty)
            else:
                assert_all_finite(X, input_name="X")   # raises, unless squares overflowed
        n_samples, n_features = X.shape
        sw = _check_sample_weight(sample_weight, n_samples, X.dtype)
        penalty = Penalty(n_features, self.penalty_factor, self.lower_bounds,
                          self.upper_bounds, self.positive)
        if self.alpha == 0:
            warnings.warn(
                "With alpha=0, this algorithm does not converge well. You are advised "
                "to use the LinearRegression estimator", stacklevel=2,
            )

        n_targets = 1 if y.ndim == 1 else y.shape[1]
        # a single target, even as a column (n, 1), gives 1-D attributes (as sklearn)
        single = n_targets == 1
        strategy = self._strategy(n_samples, n_features, n_targets)
        if sparse.issparse(X):
            prep = SparsePrepared(X, y, self.fit_intercept, sw)
            if not centering_is_safe(prep):
                # columns with means far above their spread are dense anyway, and
                # their implicit centering would lose digits: center explicitly
                X = X.toarray(order="F")
        if sparse.issparse(X):
            gram = self._gram_sparse(prep, strategy)
        else:
            prep = preprocess(X, y, self.fit_intercept, sw,
                              implicit=strategy == "naive", stats=stats)
            gram = self._gram(prep, strategy)
        Y = prep.y[:, None] if prep.y.ndim == 1 else prep.y
        if self.warm_start and hasattr(self, "coef_") and \
                np.shape(self.coef_) == ((n_features,) if single
                                         else (n_targets, n_features)):
            init = np.atleast_2d(self.coef_)
        else:
            init = None
        seed = check_random_state(self.random_state).randint(1, 2**31 - 1)

        coef = np.empty((n_targets, n_features), dtype=X.dtype)
        gaps = np.empty(n_targets, dtype=X.dtype)
        n_iter = []
        for k in range(n_targets):
            yk = np.ascontiguousarray(Y[:, k])
            if sparse.issparse(X):
                if gram is not None:
                    problem = Problem.gram(gram, prep.Xty(yk), float(
                        sq_norm(yk)), n_samples,
                        penalty, X.dtype)
                else:
                    problem = Problem.sparse(prep, yk, penalty, gram=False)
            else:
                problem = Problem.dense(prep.X, yk, penalty, prep.Xmean, prep.norms,
                                        gram=gram, Xty=prep.Xty if single else None)
            coefs, g, its, converged, tol_abs = problem.solve(
                l1_ratio, [self.alpha],
                coef_init=None if init is None else init[k], tol=self.tol,
                max_iter=self.max_iter, selection=self.selection, seed=seed,
            )
            if not converged[0]:
                warn_not_converged(g[0], tol_abs, l1_ratio)
            coef[k] = coefs[:, 0]
            gaps[k] = g[0]
            n_iter.append(int(its[0]))

        if single:
            self.coef_ = coef[0]
            self.dual_gap_ = gaps[0]
            self.n_iter_ = n_iter[0]
        else:
            self.coef_ = coef
            self.dual_gap_ = gaps
            self.n_iter_ = n_iter
        if self.fit_intercept:
            # shape as sklearn: scalar for 1-D y, (n_targets,) for 2-D y, even (1,)
            self.intercept_ = prep.y_offset - prep.X_offset @ self.coef_.T
        else:
            self.intercept_ = 0.0
        if not (np.all(np.isfinite(self.coef_)) and np.all(np.isfinite(self.intercept_))):
            raise ValueError(
                "Coordinate descent produced non-finite coefficients: the input data "
                "contain values too large for the floating-point type; rescale them."
            )
        return self

    def _strategy(self, n_samples, n_features, n_targets):
        """'naive' (residual updates; covariance updates inside each working set, on
        the block G[W, W] the kernel forms), 'user' (the given Gram matrix) or 'full'
        (a full Gram matrix computed here)."""
        pre = self.precompute
        if isinstance(pre, (bool, np.bool_)):
            return "full" if pre else "naive"
        if hasattr(pre, "__array__"):
            return "user"
        # 'auto': for one alpha, residual updates need a few passes over X instead of
        # a Gram matrix; several targets share one full Gram matrix when n > p
        if isinstance(pre, str) and n_targets > 1 and n_samples > n_features:
            return "full"
        return "naive"

    def _gram_sparse(self, prep, strategy):
        """The Gram matrix (float64) for sparse X, or None for residual updates.
        'auto' takes it when n > p, p is small and centering does not cancel."""
        n, p = prep.shape
        if strategy == "user":
            G = np.asarray(self.precompute, dtype=np.float64)
            if G.shape != (p, p) or not np.all(np.isfinite(G)):
                raise ValueError(
                    f"precompute: the Gram matrix must be finite with shape ({p}, {p}).")
            if self.fit_intercept and not np.allclose(prep.X_offset, 0):
                warnings.warn(
                    "Gram matrix was provided but X was centered to fit intercept: "
                    "recomputing Gram matrix.", UserWarning, stacklevel=3)
                return prep.gram()
            expected = prep.gram()
            if not np.allclose(G, expected, rtol=1e-6,
                               atol=1e-9 * max(1.0, float(np.max(np.abs(expected))))):
                raise ValueError(
                    "precompute: the Gram matrix does not match X.T @ X (after "
                    "centering and sample-weight scaling, if any).")
            return G
        if strategy == "full" or (strategy == "naive" and isinstance(
                self.precompute, str) and prep.gram_pays()):
            return prep.gram()
        return None

    def _gram(self, prep, strategy):
        """The Gram matrix for the covariance strategies, None for 'naive'."""
        Xc = prep.X
        if strategy == "user":
            if self.fit_intercept and not np.allclose(prep.X_offset, 0):
                warnings.warn(
                    "Gram matrix was provided but X was centered to fit intercept: "
                    "recomputing Gram matrix.", UserWarning, stacklevel=3,
                )
                return np.ascontiguousarray(Xc.T @ Xc)
            return check_gram(self.precompute, Xc, Xc.dtype)
        if strategy == "full":
            return np.ascontiguousarray(Xc.T @ Xc)
        return None

    @property
    def sparse_coef_(self):
        """Sparse representation of the fitted ``coef_``."""
        check_is_fitted(self)
        return sparse.csr_matrix(np.atleast_2d(self.coef_))

class Lasso(ElasticNet):
    """Linear model trained with an L1 prior as regularizer (the Lasso).

    Minimizes, exactly as :class:`sklearn.linear_model.Lasso`::

        (1 / (2 * n_samples)) * ||y - Xw - b||^2_2 + alpha * ||w||_1

    This is :class:`ElasticNet` with ``l1_ratio=1``; see it for the solver, the
    stopping rule and the attributes.

    Parameters
    ----------
    alpha : float, default=1.0
        Constant that multiplies the L1 term. ``alpha = 0`` is ordinary least squares
        (warns).
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    precompute : bool, 'auto' or array-like of shape (n_features, n_features), \
            default='auto'
        Update strategy, as in :class:`ElasticNet`.
    copy_X : bool, default=True
        Accepted for compatibility: fastreg never writes into X.
    max_iter : int, default=1000
        Maximum number of coordinate-descent sweeps.
    tol : float, default=1e-4
        Tolerance on the duality gap, relative to ``||y||^2 / n_samples``.
    warm_start : bool, default=False
        Start from the previous solution when refitting.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Seed of the random coordinate order when ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Visit coordinates in order, or at random.
    penalty_factor : array-like of shape (n_features,), default=None
        Non-negative factors multiplying each feature's penalty (glmnet's
        ``penalty.factor``), rescaled to sum to n_features as glmnet does; 0 leaves a
        feature unpenalized (always in the model; it cannot also be bounded).
    lower_bounds : float or array-like of shape (n_features,), default=None
        Lower bounds on the coefficients (glmnet's ``lower.limits``);
        ``positive=True`` is ``lower_bounds=0``.
    upper_bounds : float or array-like of shape (n_features,), default=None
        Upper bounds on the coefficients (glmnet's ``upper.limits``).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Coefficients; exact zeros where the solution is zero.
    sparse_coef_ : sparse matrix of shape (n_features,) or (n_targets, n_features)
        Sparse representation of ``coef_``.
    intercept_ : float or ndarray of shape (n_targets,)
        Intercept.
    n_iter_ : int or list of int
        Coordinate-descent sweeps used (per target).
    dual_gap_ : float or ndarray of shape (n_targets,)
        Duality gap at the solution, on the scale of the objective.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.
    """

    _l1_ratio_fixed = 1.0

    def __init__(self, alpha=1.0, *, fit_intercept=True, precompute="auto",
                 copy_X=True, max_iter=1000, tol=1e-4, warm_start=False,
                 positive=False, random_state=None, selection="cyclic",
                 penalty_factor=None, lower_bounds=None, upper_bounds=None):
        super().__init__(
            alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept,
            precompute=precompute, max_iter=max_iter, copy_X=copy_X, tol=tol,
            warm_start=warm_start, positive=positive, random_state=random_state,
            selection=selection, penalty_factor=penalty_factor,
            lower_bounds=lower_bounds, upper_bounds=upper_bounds,
        )
