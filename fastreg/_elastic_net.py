"""`ElasticNet` and `Lasso`: drop-in replacements for scikit-learn's estimators."""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Literal

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.utils import assert_all_finite, check_random_state
from sklearn.utils.validation import validate_data

from ._base import (
    Continuation,
    LinearPredictMixin,
    SparseCoefMixin,
    check_finite_fit,
    fitted_intercept,
)
from ._blocks import check_finite, column_steps
from ._engine import (
    Problem,
    gram_for,
    unreachable,
    update_strategy,
    warn_not_converged,
)
from ._linalg import sq_norm
from ._path import enet_path
from ._penalty import Penalty
from ._prepare import (
    center_target,
    column_stats_blocks,
    preprocess,
    sparse_or_dense,
    standardized,
)
from ._relaxed import check_gamma, relaxed_fit
from ._validation import (
    check_bool,
    check_number,
    check_precompute,
    check_sample_weight,
    check_solver_params,
    check_standardize_precompute,
    plain_fit_data,
)

if TYPE_CHECKING:
    from numpy.typing import ArrayLike
    from scipy.sparse import sparray, spmatrix
    from typing_extensions import Self


class ElasticNet(LinearPredictMixin, SparseCoefMixin, MultiOutputMixin, RegressorMixin,
                 BaseEstimator):
    """Linear regression with combined L1 and L2 priors as regularizer.

    A drop-in replacement for :class:`sklearn.linear_model.ElasticNet`: the same
    objective (see Notes), parameters, attributes and stopping rule, solved by
    coordinate descent in compiled code (working sets, active-set cycling, Gap Safe
    screening, Anderson acceleration). Beyond scikit-learn: glmnet's per-feature
    penalty factors and coefficient bounds.

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
        Start from the previous solution (``coef_``) when refitting. A refit on the
        same data and parameters after a fit that stopped by ``max_iter`` continues
        it: the result equals one fit with the summed ``max_iter`` (it solves again
        from that fit's start; ``n_iter_`` counts all sweeps).
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
    gamma : float in [0, 1], default=1.0
        The relaxed lasso's mixing (glmnet's ``relax=TRUE`` with its ``gamma``): the
        coefficients are ``gamma * w + (1 - gamma) * w_ls``, with w the penalized
        solution and w_ls the least-squares refit on w's support (same intercept,
        weights and bounds, no penalty). 1 (the default) is the penalized fit itself,
        at no extra cost; 0 the refit alone. See Notes.
    exclude : array-like of int, default=None
        Indices of features to leave out of the model (glmnet's ``exclude``; the
        same as ``penalty_factor=np.inf`` for them): their coefficients are 0 and they
        take no part in the default alpha grid or the duality gap.
    standardize : bool, default=False
        Solve on columns scaled to unit variance and report the coefficients on
        the original scale (glmnet's ``standardize=TRUE``, its default; fastreg's
        default False is scikit-learn's model). The scale of a column is its
        weighted standard deviation with divisor n (weights rescaled to sum to 1,
        the column centered even without an intercept), as glmnet's; the penalty
        then applies to the standardized coefficients (``penalty_factor`` too),
        while ``lower_bounds`` / ``upper_bounds`` bound the coefficients on the
        original scale, as in glmnet. Constant columns get coefficient 0. A sparse
        X is scaled in a copy of its values, never densified; ``dual_gap_`` is
        that of the standardized problem.

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
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    Lasso : The same model with ``l1_ratio=1``.
    ElasticNetCV : Chooses alpha (and l1_ratio) by cross-validation.
    enet_path : The solutions along a whole grid of alphas.
    MultiTaskElasticNet : Several targets that share one set of features.
    Ridge : The L2 penalty alone, solved directly (on Ridge's own alpha scale).
    sklearn.linear_model.ElasticNet : The scikit-learn estimator this one replaces.
        R's ``glmnet(x, y, alpha=l1_ratio)`` fits the same model, with its
        ``lambda`` in the role of ``alpha`` (see Notes).

    Notes
    -----
    The objective, exactly scikit-learn's (``n`` = n_samples, ``b`` the
    intercept)::

        (1 / (2 * n)) * ||y - X w - b||_2^2
            + alpha * l1_ratio * ||w||_1
            + 0.5 * alpha * (1 - l1_ratio) * ||w||_2^2

    With ``sample_weight`` s (rescaled to sum to n), the squared error is
    ``sum_i s_i * (y_i - x_i w - b)^2``. With ``penalty_factor`` v (rescaled to sum
    to n_features), the penalty is ``alpha * sum_j v_j * (l1_ratio * |w_j| + 0.5 *
    (1 - l1_ratio) * w_j^2)``; ``lower_bounds`` and ``upper_bounds`` constrain each
    ``w_j``. ``Lasso`` is ``l1_ratio = 1``.

    ``tol``: a solution is returned as converged when its duality gap is at most
    ``tol * ||y||_2^2 / n`` (y centered when an intercept is fitted, and weighted
    with sample weights): scikit-learn's rule and scale, so a given ``tol``
    certifies the same accuracy in both libraries, and ``dual_gap_`` is on the
    scale of the objective above. The solver aims further, at ``min(tol, max(tol /
    1000, 1e-8))`` (``1e-5`` in float32), so that at the default ``tol`` the
    results are at least as close to the exact solution as scikit-learn's. A
    ``ConvergenceWarning`` is raised when ``max_iter`` sweeps do not reach ``tol``.
    Without an L1 term (``l1_ratio=0`` or ``alpha=0``, and no bounds) the problem is
    a ridge, or least squares, and is solved exactly (``n_iter_`` is 1), whatever
    ``tol``.

    glmnet minimizes the same objective for its gaussian family, but by default
    standardizes x, and it scales y to unit variance before it computes its
    ``lambda``; to compare, pass a standardized y (1/n variance) and
    ``standardize = FALSE``.

    ``gamma < 1`` (the relaxed lasso, glmnet's ``glmnet(..., relax=TRUE)`` and
    ``coef(fit, gamma=)``): after the penalized fit, the least-squares problem on
    the features where it is nonzero is solved (a Cholesky solve on their Gram
    block; bounded least squares when ``lower_bounds`` / ``upper_bounds`` /
    ``positive`` bind, as glmnet's refit keeps its limits; penalty factors play no
    role) and blended with it; the intercept blends the same way. ``dual_gap_`` and
    ``n_iter_`` are the penalized fit's. A support of more than ``n_samples - 3``
    features (glmnet's ``maxp``) is not refitted (a warning; the coefficients are
    the penalized ones). glmnet blends at ``max(gamma, 1e-5)``; fastreg's
    ``gamma=0`` is the refit exactly.

    Examples
    --------
    >>> import numpy as np
    >>> import fastreg
    >>> from fastreg.datasets import make_correlated_groups
    >>> X, y, coef = make_correlated_groups(random_state=0)  # 15 of 100 informative
    >>> enet = fastreg.ElasticNet(alpha=0.5, l1_ratio=0.5).fit(X, y)
    >>> lasso = fastreg.Lasso(alpha=0.5).fit(X, y)
    >>> # informative features kept: the elastic net keeps the groups whole
    >>> print(np.count_nonzero(enet.coef_[:15]), np.count_nonzero(lasso.coef_[:15]))
    15 10
    >>> # the certificate of tol: duality gap <= tol * ||y - mean(y)||^2 / n
    >>> bool(enet.dual_gap_ <= enet.tol * np.var(y))
    True

    glmnet's penalty factors: a factor of 0 leaves a feature unpenalized, so it is
    always in the model:

    >>> factors = np.ones(100)
    >>> factors[50] = 0                     # a pure-noise feature, never penalized
    >>> fit = fastreg.ElasticNet(alpha=0.5, penalty_factor=factors).fit(X, y)
    >>> bool(fit.coef_[50] != 0), bool(lasso.coef_[50] == 0)
    (True, True)

    The relaxed fit (glmnet's ``relax=TRUE``): the same support, least-squares
    coefficients on it at ``gamma=0``:

    >>> relaxed = fastreg.ElasticNet(alpha=0.5, gamma=0.0).fit(X, y)
    >>> bool(np.all((relaxed.coef_ != 0) == (enet.coef_ != 0)))
    True
    >>> bool(np.abs(relaxed.coef_).sum() > np.abs(enet.coef_).sum())   # less shrunk
    True
    """

    _l1_ratio_fixed = None
    path = staticmethod(enet_path)

    def __init__(self, alpha: float = 1.0, *, l1_ratio: float = 0.5,
                 fit_intercept: bool = True,
                 precompute: bool | Literal["auto"] | ArrayLike = "auto",
                 max_iter: int = 1000, copy_X: bool = True, tol: float = 1e-4,
                 warm_start: bool = False, positive: bool = False,
                 random_state: int | np.random.RandomState | None = None,
                 selection: Literal["cyclic", "random"] = "cyclic",
                 penalty_factor: ArrayLike | None = None,
                 lower_bounds: float | ArrayLike | None = None,
                 upper_bounds: float | ArrayLike | None = None,
                 gamma: float = 1.0, exclude: ArrayLike | None = None,
                 standardize: bool = False) -> None:
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
        self.gamma = gamma
        self.exclude = exclude
        self.standardize = standardize

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = True
        return tags

    def _validate_params(self, l1_ratio):
        check_number("alpha", self.alpha, low=0)
        check_number("l1_ratio", l1_ratio, low=0, high=1)
        check_solver_params(self.tol, self.max_iter, self.selection)
        check_gamma(self.gamma)
        for name in ("fit_intercept", "copy_X", "warm_start", "positive",
                     "standardize"):
            check_bool(name, getattr(self, name))
        check_precompute(self.precompute)
        check_standardize_precompute(self.standardize, self.precompute)

    def _strategy(self, n_samples, n_features, n_targets, sparse_prep=None):
        """The engine's update strategy for this fit (one alpha, each target on its
        own)."""
        return update_strategy(self.precompute, n_samples, n_features, 1,
                               n_fits=n_targets, single_alpha_fit=True,
                               sparse=sparse_prep)

    def _l1_ratio(self):
        return self.l1_ratio if self._l1_ratio_fixed is None else self._l1_ratio_fixed

    def fit(self, X: ArrayLike | spmatrix | sparray, y: ArrayLike,
            sample_weight: float | ArrayLike | None = None,
            check_input: bool = True) -> Self:
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
            If False, skip the finiteness checks of X and y. Without sample weights
            a dense X must then be Fortran-ordered (column-major), as scikit-learn
            requires (ValueError otherwise); layouts and dtypes are otherwise still
            converted, so the kernel is always safe.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        l1_ratio = self._l1_ratio()
        self._validate_params(l1_ratio)
        check_bool("check_input", check_input)
        if not check_input and sample_weight is None and isinstance(X, np.ndarray) \
                and X.ndim == 2 and not X.flags.f_contiguous:
            raise ValueError(
                "With check_input=False, X must be a Fortran-ordered (column-major) "
                "array, as scikit-learn requires; got a C-ordered one. Pass "
                "np.asfortranarray(X), or check_input=True.")
        # A float64 Fortran X fitted with an intercept and residual updates is centered
        # implicitly: its finiteness check, means and norms come from one pass over X
        # (column_stats), instead of three (measured: 20000 x 500, Lasso at
        # alpha_max/10, 16 ms -> 11 ms; scikit-learn's error if X is not finite)
        fused = (check_input and self.fit_intercept and sample_weight is None and
                 not self.standardize and
                 isinstance(X, np.ndarray) and X.dtype == np.float64 and
                 X.ndim == 2 and X.flags.f_contiguous and
                 self._strategy(X.shape[0], X.shape[1],
                                1 if np.ndim(y) == 1 else np.shape(y)[1]) == "residual")
        # a large float ndarray X is checked for finiteness a block at a time (_blocks:
        # interruptible between blocks), with scikit-learn's error
        blocked = (check_input and not fused and isinstance(X, np.ndarray) and
                   X.dtype in (np.float64, np.float32) and X.ndim == 2 and
                   column_steps(X) is not None)
        # no order requested: preprocess() writes the centered Fortran copy in one pass
        data = plain_fit_data(self, X, y, bool(check_input) and not fused and not blocked)
        X, y = data if data is not None else validate_data(
            self, X, y, accept_sparse=["csc", "csr", "coo"],
            dtype=[np.float64, np.float32], copy=False, multi_output=True,
            y_numeric=True,
            ensure_all_finite=bool(check_input) and not fused and not blocked,
        )
        if blocked:
            check_finite(X, estimator_name=type(self).__name__)
        stats = None
        y = np.asarray(y, dtype=X.dtype)
        if fused:
            # with a single target, the same pass gives X^T y~ (y~ centered exactly as
            # preprocess centers it): the solve's first gradient, one pass fewer
            yc = center_target(y, None, X.dtype)[1] if y.ndim == 1 else None
            sums, sumsq, finite, Xty = column_stats_blocks(
                X, None if yc is None else np.ascontiguousarray(yc))
            if finite:
                stats = (sums, sumsq, Xty)
            else:
                # (raises, unless squares overflowed; scikit-learn's message)
                assert_all_finite(X, input_name="X", estimator_name=type(self).__name__)
        n_samples, n_features = X.shape
        sw = check_sample_weight(sample_weight, n_samples, X.dtype)
        data = (X, y, sw)
        penalty = Penalty(n_features, self.penalty_factor, self.lower_bounds,
                          self.upper_bounds, self.positive, self.exclude)
        # glmnet's standardize: solved on X with unit-variance columns
        X, penalty, scale = standardized(X, sw, penalty, self.standardize)
        if self.alpha == 0:
            warnings.warn(
                "With alpha=0, this algorithm does not converge well. You are advised "
                "to use the LinearRegression estimator", stacklevel=2,
            )

        n_targets = 1 if y.ndim == 1 else y.shape[1]
        # a single target, even as a column (n, 1), gives 1-D attributes (as sklearn)
        single = n_targets == 1
        if sparse.issparse(X):
            X, prep = sparse_or_dense(X, y, self.fit_intercept, sw)
        if sparse.issparse(X):
            strategy = self._strategy(n_samples, n_features, n_targets, prep)
        else:
            strategy = self._strategy(n_samples, n_features, n_targets)
            prep = preprocess(X, y, self.fit_intercept, sw,
                              implicit=strategy == "residual", stats=stats,
                              own=scale is not None)
        gram = gram_for(strategy, prep, self.precompute, self.fit_intercept)
        Y = prep.y[:, None] if prep.y.ndim == 1 else prep.y
        if self.warm_start and hasattr(self, "coef_") and \
                np.shape(self.coef_) == ((n_features,) if single
                                         else (n_targets, n_features)):
            init = np.atleast_2d(self.coef_)
            if scale is not None:
                init = np.where(scale > 0, init / np.where(scale > 0, scale, 1), 0)
        else:
            init = None
        warm = Continuation(self, data, init)
        init, max_iter = warm.start, warm.max_iter
        seed = check_random_state(self.random_state).randint(1, 2**31 - 1)

        coef = np.empty((n_targets, n_features), dtype=X.dtype)
        gaps = np.empty(n_targets, dtype=X.dtype)
        n_iter, stopped = [], False
        for k in range(n_targets):
            yk = np.ascontiguousarray(Y[:, k])
            if sparse.issparse(X):
                if gram is not None:
                    problem = Problem.gram(gram, prep.Xty(yk), float(
                        sq_norm(yk)), n_samples,
                        penalty, X.dtype, y=yk)
                else:
                    problem = Problem.sparse(prep, yk, penalty, gram=False)
            else:
                problem = Problem.dense(prep.X, yk, penalty, prep.Xmean, prep.norms,
                                        gram=gram, Xty=prep.Xty if single else None)
            problem.user_gram = strategy == "user"
            coefs, g, its, converged, tol_abs = problem.solve(
                l1_ratio, [self.alpha],
                coef_init=None if init is None else init[k], tol=self.tol,
                max_iter=max_iter, selection=self.selection, seed=seed,
            )
            if not converged[0]:
                stopped |= int(its[0]) >= max_iter
                warn_not_converged(g[0], tol_abs, l1_ratio,
                                   unreachable(converged, its, max_iter), X.dtype)
            coef[k] = coefs[:, 0] if self.gamma == 1 else \
                relaxed_fit(problem, coefs[:, 0], self.gamma, n_samples)
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
        self.intercept_ = fitted_intercept(prep, self.coef_, self.fit_intercept)
        if scale is not None:
            # (the intercept from the scaled offsets and coefficients is the same)
            self.coef_ = self.coef_ * scale
        check_finite_fit(self.coef_, self.intercept_)
        warm.record(stopped)
        return self


class Lasso(ElasticNet):
    """Linear model trained with an L1 prior as regularizer (the Lasso).

    A drop-in replacement for :class:`sklearn.linear_model.Lasso`. This is
    :class:`ElasticNet` with ``l1_ratio=1``; see it for the solver and the stopping
    rule.

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
        Start from the previous solution (``coef_``) when refitting. A refit on the
        same data and parameters after a fit that stopped by ``max_iter`` continues
        it: the result equals one fit with the summed ``max_iter`` (it solves again
        from that fit's start; ``n_iter_`` counts all sweeps).
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Seed of the random coordinate order when ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Visit coordinates in order, or at random.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty factors (glmnet's ``penalty.factor``), as in
        :class:`ElasticNet`.
    lower_bounds : float or array-like of shape (n_features,), default=None
        Lower bounds on the coefficients (glmnet's ``lower.limits``), as in
        :class:`ElasticNet`.
    upper_bounds : float or array-like of shape (n_features,), default=None
        Upper bounds on the coefficients (glmnet's ``upper.limits``).
    gamma : float in [0, 1], default=1.0
        The relaxed lasso's mixing (glmnet's ``relax=TRUE``): ``gamma * w + (1 -
        gamma) * w_ls`` with w_ls the least-squares refit on w's support, as in
        :class:`ElasticNet`; 1 (the default) is the lasso itself.
    exclude : array-like of int, default=None
        Indices of features left out of the model (glmnet's ``exclude``), as in
        :class:`ElasticNet`.
    standardize : bool, default=False
        glmnet's ``standardize=TRUE``: solved on unit-variance columns, coefficients
        reported on the original scale, as in :class:`ElasticNet`.

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
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    ElasticNet : L1 and L2 penalties mixed; keeps correlated features together.
    LassoCV : Chooses alpha by cross-validation (with the one-standard-error rule).
    lasso_path : The solutions along a whole grid of alphas.
    MultiTaskLasso : Several targets that share one set of features.
    sklearn.linear_model.Lasso : The scikit-learn estimator this one replaces. R's
        ``glmnet(x, y, alpha=1)`` fits the same model, with its ``lambda`` in the
        role of ``alpha`` (see :class:`ElasticNet`'s Notes for its scaling of y).

    Notes
    -----
    The objective, exactly scikit-learn's (``n`` = n_samples, ``b`` the
    intercept)::

        (1 / (2 * n)) * ||y - X w - b||_2^2 + alpha * ||w||_1

    with sample weights, penalty factors and bounds as in :class:`ElasticNet`. The
    solution is zero for ``alpha >= max_j |x_j^T (y - mean(y))| / n`` (without
    weights or penalty factors).

    ``tol``: a solution is returned as converged when its duality gap is at most
    ``tol * ||y||_2^2 / n`` (y centered when an intercept is fitted), scikit-learn's
    rule and scale; ``dual_gap_`` is reported on the scale of the objective.

    Examples
    --------
    >>> import numpy as np
    >>> import fastreg
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> lasso = fastreg.Lasso(alpha=0.5).fit(X, y)
    >>> np.flatnonzero(lasso.coef_)           # the features it keeps
    array([2, 3, 6, 8])
    >>> print(np.round(lasso.coef_[[2, 3, 6, 8]], 1))
    [471.  136.5 -58.3 408. ]
    >>> round(lasso.score(X, y), 3)           # R^2
    0.455
    >>> bool(lasso.dual_gap_ <= lasso.tol * np.var(y))   # the certificate of tol
    True

    Non-negative coefficients, or any bounds (glmnet's ``lower.limits`` and
    ``upper.limits``):

    >>> bounded = fastreg.Lasso(alpha=0.5, lower_bounds=-50, upper_bounds=300)
    >>> bounded = bounded.fit(X, y)
    >>> print(bounded.coef_.min() >= -50, bounded.coef_.max() <= 300)
    True True

    The relaxed lasso (glmnet's ``relax=TRUE``): ``gamma=0`` is least squares on
    the lasso's support, ``gamma=0.5`` halfway:

    >>> relaxed = fastreg.Lasso(alpha=0.5, gamma=0.0).fit(X, y)
    >>> print(np.round(relaxed.coef_[[2, 3, 6, 8]], 1))
    [ 555.3  269.7 -194.   485. ]
    >>> half = fastreg.Lasso(alpha=0.5, gamma=0.5).fit(X, y)
    >>> bool(np.allclose(half.coef_, (lasso.coef_ + relaxed.coef_) / 2))
    True

    glmnet's ``exclude`` (0-based indices here) and ``standardize = TRUE``:

    >>> np.flatnonzero(fastreg.Lasso(alpha=0.5, exclude=[2]).fit(X, y).coef_)
    array([3, 6, 8, 9])
    >>> std = fastreg.Lasso(alpha=2.0, standardize=True).fit(X, y)
    >>> scaled = fastreg.Lasso(alpha=2.0).fit(X / X.std(axis=0), y)
    >>> bool(np.allclose(std.coef_, scaled.coef_ / X.std(axis=0)))  # original scale
    True
    """

    _l1_ratio_fixed = 1.0

    def __init__(self, alpha: float = 1.0, *, fit_intercept: bool = True,
                 precompute: bool | Literal["auto"] | ArrayLike = "auto",
                 copy_X: bool = True, max_iter: int = 1000, tol: float = 1e-4,
                 warm_start: bool = False, positive: bool = False,
                 random_state: int | np.random.RandomState | None = None,
                 selection: Literal["cyclic", "random"] = "cyclic",
                 penalty_factor: ArrayLike | None = None,
                 lower_bounds: float | ArrayLike | None = None,
                 upper_bounds: float | ArrayLike | None = None,
                 gamma: float = 1.0, exclude: ArrayLike | None = None,
                 standardize: bool = False) -> None:
        super().__init__(
            alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept,
            precompute=precompute, max_iter=max_iter, copy_X=copy_X, tol=tol,
            warm_start=warm_start, positive=positive, random_state=random_state,
            selection=selection, penalty_factor=penalty_factor,
            lower_bounds=lower_bounds, upper_bounds=upper_bounds, gamma=gamma,
            exclude=exclude, standardize=standardize,
        )
