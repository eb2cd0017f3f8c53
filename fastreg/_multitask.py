"""The multi-task estimators ``MultiTaskElasticNet`` / ``MultiTaskLasso``: one problem
coupling every target through a row-wise group penalty (see ``fastreg/_path.py`` for
the objective), solved by the engine's ``solve_multitask``."""
from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from ._base import (
    Continuation,
    LinearPredictMixin,
    SparseCoefMixin,
    check_finite_fit,
    fitted_intercept,
)
from ._engine import (
    multitask_arrays,
    multitask_gram_fits,
    solve_multitask,
    unreachable,
    update_strategy,
    warn_not_converged,
)
from ._path import enet_path
from ._prepare import SparsePrepared, preprocess
from ._validation import check_bool, check_number, check_sample_weight, check_solver_params

if TYPE_CHECKING:
    from numpy.typing import ArrayLike
    from scipy.sparse import sparray, spmatrix
    from typing_extensions import Self


class MultiTaskElasticNet(LinearPredictMixin, SparseCoefMixin, MultiOutputMixin,
                          RegressorMixin, BaseEstimator):
    """Multi-task elastic net: L1/L2 mixed-norm and L2 penalties, several targets.

    A drop-in replacement for :class:`sklearn.linear_model.MultiTaskElasticNet`: the
    same objective (see Notes), parameters and attributes. A feature is selected for
    every target or for none. Solved by block coordinate descent in compiled code
    (working sets, active-set cycling, Gap Safe screening, Anderson acceleration).

    Parameters
    ----------
    alpha : float, default=1.0
        Constant that multiplies the penalty terms.
    l1_ratio : float, default=0.5
        Mixing parameter, ``0 <= l1_ratio <= 1``: 1 is the multi-task Lasso (L1/L2
        penalty only), 0 is ridge.
    fit_intercept : bool, default=True
        Whether to fit an intercept; if False, the data are assumed centered.
    copy_X : bool, default=True
        Accepted for compatibility: fastreg never writes into X.
    max_iter : int, default=1000
        Maximum number of block coordinate-descent sweeps (over a working set or its
        nonzero rows).
    tol : float, default=1e-4
        Tolerance on the duality gap, relative to ``||Y||_Fro^2 / n_samples``.
    warm_start : bool, default=False
        Start from the previous solution (``coef_``) when refitting. A refit on the
        same data and parameters after a fit that stopped by ``max_iter`` continues
        it: the result equals one fit with the summed ``max_iter`` (it solves again
        from that fit's start; ``n_iter_`` counts all sweeps).
    random_state : int, RandomState instance or None, default=None
        Seed of the random feature order when ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Visit features in order, or at random.

    Attributes
    ----------
    coef_ : ndarray of shape (n_targets, n_features)
        Coefficients (W transposed); a column is zero for every target or nonzero.
    sparse_coef_ : sparse matrix of shape (n_targets, n_features)
        Sparse representation of ``coef_``.
    intercept_ : ndarray of shape (n_targets,) or float
        Intercept (0.0 when ``fit_intercept=False``, as scikit-learn).
    n_iter_ : int
        Sweeps used.
    dual_gap_ : float
        Duality gap at the solution, on the scale of the objective above.
    eps_ : float
        The tolerance on the gap on the kernel's scale, ``tol * ||Y||_Fro^2``
        (scikit-learn's ``eps_``).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    MultiTaskLasso : The same with ``l1_ratio=1``.
    MultiTaskElasticNetCV : Chooses alpha (and l1_ratio) by cross-validation.
    enet_path : With a 2-D y, the solutions of this problem along a grid of alphas.
    ElasticNet : Each target on its own (each its own set of features).
    sklearn.linear_model.MultiTaskElasticNet : The scikit-learn estimator this one
        replaces. R's ``glmnet(x, y, family="mgaussian", alpha=l1_ratio)`` is the
        glmnet counterpart.

    Notes
    -----
    The objective, exactly scikit-learn's, with W of shape (n_features, n_targets)
    (``coef_`` is its transpose), W_j its row j (feature j's coefficients for every
    target), ``n`` = n_samples and ``b`` the intercepts::

        (1 / (2 * n)) * ||Y - X W - b||_Fro^2
            + alpha * l1_ratio * sum_j ||W_j||_2
            + 0.5 * alpha * (1 - l1_ratio) * ||W||_Fro^2

    The middle term, the L2,1 norm of W (the sum of its rows' Euclidean norms), is
    what makes a whole row zero or not. With ``sample_weight`` s (rescaled to sum
    to n), the squared error is ``sum_i s_i * ||Y_i - x_i W - b||_2^2``.

    ``tol``: a solution is returned as converged when its duality gap is at most
    ``tol * ||Y||_Fro^2 / n`` (Y centered when an intercept is fitted),
    scikit-learn's rule and scale; ``dual_gap_`` is on the scale of the objective,
    ``eps_`` is that bound times n.

    Examples
    --------
    >>> import numpy as np
    >>> import fastreg
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 8))
    >>> W = np.zeros((8, 3))
    >>> W[:2] = [[1, 2, -1], [0.5, -1, 2]]     # features 0, 1 drive all 3 targets
    >>> Y = X @ W + 0.1 * rng.standard_normal((50, 3))
    >>> model = fastreg.MultiTaskElasticNet(alpha=0.5, l1_ratio=0.5).fit(X, Y)
    >>> model.coef_.shape                     # (targets, features)
    (3, 8)
    >>> np.flatnonzero(np.any(model.coef_ != 0, axis=0))   # kept for every target
    array([0, 1])
    >>> print(np.round(model.coef_[:, :2], 1))
    [[ 0.6  0.3]
     [ 1.2 -0.7]
     [-0.6  1.3]]
    """

    _l1_ratio_fixed = None
    path = staticmethod(enet_path)

    def __init__(self, alpha: float = 1.0, *, l1_ratio: float = 0.5,
                 fit_intercept: bool = True, copy_X: bool = True, max_iter: int = 1000,
                 tol: float = 1e-4, warm_start: bool = False,
                 random_state: int | np.random.RandomState | None = None,
                 selection: Literal["cyclic", "random"] = "cyclic") -> None:
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.selection = selection

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        tags.input_tags.sparse = True
        return tags

    def _l1_ratio(self):
        return self.l1_ratio if self._l1_ratio_fixed is None else self._l1_ratio_fixed

    def _validate_params(self, l1_ratio):
        check_number("alpha", self.alpha, low=0)
        check_number("l1_ratio", l1_ratio, low=0, high=1)
        check_solver_params(self.tol, self.max_iter, self.selection)
        for name in ("fit_intercept", "copy_X", "warm_start"):
            check_bool(name, getattr(self, name))

    def fit(self, X: ArrayLike | spmatrix | sparray, y: ArrayLike,
            sample_weight: float | ArrayLike | None = None) -> Self:
        """Fit the model by block coordinate descent.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (float32 stays float32, anything else becomes float64).
            Sparse X is solved in Gram form (its X^T X from the sparse products,
            centering implicit) when it has no more features than samples and at
            most 4096 features, on a dense copy otherwise.
        y : array-like of shape (n_samples, n_targets)
            Targets (2-D; for one target use :class:`fastreg.ElasticNet`).
        sample_weight : float or array-like of shape (n_samples,), default=None
            Sample weights, rescaled internally to sum to n_samples.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        l1_ratio = self._l1_ratio()
        self._validate_params(l1_ratio)
        X, y = validate_data(self, X, y, accept_sparse=["csc", "csr", "coo"],
                             dtype=[np.float64, np.float32], multi_output=True,
                             y_numeric=True)
        if y.ndim == 1:
            name = "ElasticNet" if self._l1_ratio_fixed is None else "Lasso"
            raise ValueError(f"For mono-task outputs, use {name}: y must be 2-D "
                             "(n_samples, n_targets).")
        y = np.asarray(y, dtype=X.dtype)
        n_samples, n_features = X.shape
        n_targets = y.shape[1]
        sw = check_sample_weight(sample_weight, n_samples, X.dtype)
        data = (X, y, sw)
        if sparse.issparse(X):
            prep = SparsePrepared(X, y, self.fit_intercept, sw)
            if not multitask_gram_fits(prep):
                X = X.toarray(order="F")
        if not sparse.issparse(X):
            prep = preprocess(X, y, self.fit_intercept, sw)
        if self.warm_start and hasattr(self, "coef_") and \
                np.shape(self.coef_) == (n_targets, n_features):
            init = self.coef_
        else:
            init = None
        warm = Continuation(self, data, init)
        seed = check_random_state(self.random_state).randint(1, 2**31 - 1)
        # one alpha: covariance updates on lazily built Gram columns when n > p
        strategy = update_strategy("auto", n_samples, n_features, 1)
        coefs, gaps, n_iter, converged, tol_abs = solve_multitask(
            l1_ratio=l1_ratio, alphas=[self.alpha], **multitask_arrays(prep, strategy),
            coef_init=warm.start, tol=self.tol, max_iter=warm.max_iter,
            selection=self.selection, seed=seed)
        if not converged[0]:
            warn_not_converged(float(gaps[0]), tol_abs, l1_ratio,
                               unreachable(converged, n_iter, warm.max_iter), X.dtype)
        self.coef_ = np.ascontiguousarray(coefs[..., 0])
        self.dual_gap_ = float(gaps[0])
        self.eps_ = tol_abs * n_samples
        self.n_iter_ = int(n_iter[0])
        self.intercept_ = fitted_intercept(prep, self.coef_, self.fit_intercept)
        check_finite_fit(self.coef_, self.intercept_)
        warm.record(not converged[0] and int(n_iter[0]) >= warm.max_iter)
        return self


class MultiTaskLasso(MultiTaskElasticNet):
    """Multi-task Lasso: L1/L2 mixed-norm penalty, several targets.

    A drop-in replacement for :class:`sklearn.linear_model.MultiTaskLasso`. This is
    :class:`MultiTaskElasticNet` with ``l1_ratio=1``; see it for the solver and the
    stopping rule.

    Parameters
    ----------
    alpha : float, default=1.0
        Constant that multiplies the L1/L2 term.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    copy_X : bool, default=True
        Accepted for compatibility: fastreg never writes into X.
    max_iter : int, default=1000
        Maximum number of block coordinate-descent sweeps.
    tol : float, default=1e-4
        Tolerance on the duality gap, relative to ``||Y||_Fro^2 / n_samples``.
    warm_start : bool, default=False
        Start from the previous solution (``coef_``) when refitting. A refit on the
        same data and parameters after a fit that stopped by ``max_iter`` continues
        it: the result equals one fit with the summed ``max_iter`` (it solves again
        from that fit's start; ``n_iter_`` counts all sweeps).
    random_state : int, RandomState instance or None, default=None
        Seed of the random feature order when ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Visit features in order, or at random.

    Attributes
    ----------
    coef_ : ndarray of shape (n_targets, n_features)
        Coefficients.
    sparse_coef_ : sparse matrix of shape (n_targets, n_features)
        Sparse representation of ``coef_``.
    intercept_ : ndarray of shape (n_targets,) or float
        Intercept.
    n_iter_ : int
        Sweeps used.
    dual_gap_ : float
        Duality gap at the solution.
    eps_ : float
        ``tol * ||Y||_Fro^2`` (scikit-learn's ``eps_``).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    MultiTaskElasticNet : L1/L2 and L2 penalties mixed.
    MultiTaskLassoCV : Chooses alpha by cross-validation.
    lasso_path : With a 2-D y, the solutions of this problem along a grid of alphas.
    Lasso : Each target on its own (each its own set of features).
    sklearn.linear_model.MultiTaskLasso : The scikit-learn estimator this one
        replaces. R's ``glmnet(x, y, family="mgaussian")`` is the glmnet
        counterpart.

    Notes
    -----
    The objective, exactly scikit-learn's (W of shape (n_features, n_targets),
    ``coef_`` its transpose, W_j its row j, ``n`` = n_samples, ``b`` the
    intercepts)::

        (1 / (2 * n)) * ||Y - X W - b||_Fro^2 + alpha * sum_j ||W_j||_2

    a group lasso whose groups are the rows of W (the L2,1 norm): a feature is in
    the model for every target or for none. The solution is zero for ``alpha >=
    max_j ||x_j^T (Y - mean(Y))||_2 / n`` (without weights). ``tol`` is as in
    :class:`MultiTaskElasticNet`.

    Examples
    --------
    >>> import numpy as np
    >>> import fastreg
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 8))
    >>> W = np.zeros((8, 3))
    >>> W[:2] = [[1, 2, -1], [0.5, -1, 2]]     # features 0, 1 drive all 3 targets
    >>> Y = X @ W + 0.1 * rng.standard_normal((50, 3))
    >>> model = fastreg.MultiTaskLasso(alpha=0.1).fit(X, Y)
    >>> np.flatnonzero(np.any(model.coef_ != 0, axis=0))   # kept for every target
    array([0, 1])
    >>> print(np.round(model.coef_[:, :2], 2))
    [[ 0.96  0.45]
     [ 1.91 -0.96]
     [-0.95  1.89]]
    """

    _l1_ratio_fixed = 1.0

    def __init__(self, alpha: float = 1.0, *, fit_intercept: bool = True,
                 copy_X: bool = True, max_iter: int = 1000, tol: float = 1e-4,
                 warm_start: bool = False,
                 random_state: int | np.random.RandomState | None = None,
                 selection: Literal["cyclic", "random"] = "cyclic") -> None:
        super().__init__(
            alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept, copy_X=copy_X,
            max_iter=max_iter, tol=tol, warm_start=warm_start,
            random_state=random_state, selection=selection)
