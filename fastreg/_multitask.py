"""The multi-task elastic net: paths with a 2-D target, and the estimators
``MultiTaskElasticNet`` / ``MultiTaskLasso``.

scikit-learn's ``enet_path`` / ``lasso_path`` given a 2-D ``y`` of shape
(n_samples, n_targets) solve the *multi-task* elastic net, one problem coupling every
target through a row-wise group penalty (W of shape (n_features, n_targets), W_j its
row j)::

    (1 / (2 * n_samples)) * ||Y - X W||_F^2
    + alpha * l1_ratio * sum_j ||W_j||_2 + 0.5 * alpha * (1 - l1_ratio) * ||W||_F^2

This module translates that call for the compiled kernel
(``fastreg/_cd_multitask.pyx``), with the same scaling rules as the single-task
engine (``fastreg/_path.py``):

* penalties: ``l1 = alpha * l1_ratio * n``, ``l2 = alpha * (1 - l1_ratio) * n``;
* tolerance: the kernel stops when its duality gap is <= ``tol * ||Y||_F^2``,
  scikit-learn's rule for the multi-task problem; gaps are reported divided by n;
* default grid: ``alpha_max = max_j ||x_j^T Y||_2 / (n * l1_ratio)`` (the row norms of
  X^T Y), log-spaced down to ``eps * alpha_max``, as scikit-learn's ``_alpha_grid``;
* update strategy: residual updates on X (``precompute=False``, and 'auto' when
  n_samples <= n_features), or covariance updates: the gradient is X^T Y - G W and
  the blocks are updated through G, given, computed in full (``precompute=True``, and
  'auto' on a path of 10 alphas or more) or column by column inside the kernel ('auto'
  on a shorter path). scikit-learn accepts ``precompute`` with a 2-D y (and checks a
  given Gram matrix) but always uses residual updates; the solutions are the same.

Return shapes are scikit-learn's: coefs (n_targets, n_features, n_alphas).
"""
import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ._cd_multitask import multitask_enet_path as _multitask_kernel
from ._elastic_net import (LinearPredictMixin, _check_bool, _check_number,
                           _check_sample_weight)
from ._path import (alpha_grid, check_gram, preprocess, single_threaded_blas,
                    warn_not_converged)

# paths of at least this many alphas with n_samples > n_features compute X^T X once
# ('auto'); shorter ones let the kernel compute the Gram columns it needs
GRAM_MIN_ALPHAS = 10


def multitask_alpha_max(XtY, n_samples, l1_ratio):
    """Smallest alpha whose solution is all zeros: max_j ||(X^T Y)_j||_2 / (n l1_ratio),
    XtY of shape (n_features, n_targets)."""
    if XtY.size == 0:
        return 0.0
    top = float(np.sqrt(np.max(np.einsum("jt,jt->j", XtY, XtY))))
    return top / (n_samples * l1_ratio)


def _validate(X, Y, Xy, check_input):
    """X (n, p) Fortran float32/float64, Y (n, T) Fortran of X's dtype, Xy (p, T)."""
    from sklearn.utils.validation import check_array, check_consistent_length
    if check_input:
        X = check_array(X, accept_sparse=False, dtype=[np.float64, np.float32],
                        order="F", input_name="X")
        Y = check_array(Y, dtype=X.dtype, order="F", ensure_2d=True, input_name="y")
    else:
        X = np.asfortranarray(X)
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64, order="F")
        Y = np.asfortranarray(Y, dtype=X.dtype)
        if X.ndim != 2 or Y.ndim != 2:
            raise ValueError(f"X and y must be 2-D here, got shapes {X.shape} and "
                             f"{Y.shape}.")
    check_consistent_length(X, Y)
    if Y.shape[1] == 0:
        raise ValueError("y has 0 targets (shape (n_samples, 0)): at least one is "
                         "required.")
    if Xy is not None:
        Xy = np.asarray(Xy, dtype=X.dtype)
        if Xy.shape != (X.shape[1], Y.shape[1]):
            raise ValueError(f"Xy has shape {Xy.shape}, expected "
                             f"({X.shape[1]}, {Y.shape[1]}) = (n_features, n_targets) "
                             "for a 2-D y.")
    return X, Y, Xy


def multitask_path_arrays(X, Y, l1_ratio, alphas, *, gram=None, use_gram=False, XtY=None,
                          coef_init=None, tol=1e-4, max_iter=1000, selection="cyclic",
                          seed=1, screening=True, strong_rule=True):
    """Solve the multi-task elastic net on ready arrays along ``alphas``.

    X (n, p) Fortran and Y (n, T) Fortran of the same floating dtype. Covariance
    updates with ``gram`` (X^T X, (p, p)) or, with ``use_gram``, on Gram columns the
    kernel computes when features enter a working set; ``XtY`` = X^T Y (p, T)
    (computed if None). Residual updates on X otherwise.
    ``coef_init``: (T, p). Returns coefs (T, p, k), dual gaps (k,) on scikit-learn's
    scale, n_iter (k,), a converged mask (k,) and the absolute tolerance on
    scikit-learn's scale.
    """
    dtype = X.dtype
    n_samples, n_features = X.shape
    n_targets = Y.shape[1]
    alphas = np.asarray(alphas, dtype=np.float64)
    l1s = np.ascontiguousarray(alphas * l1_ratio * n_samples)
    l2s = np.ascontiguousarray(alphas * (1.0 - l1_ratio) * n_samples)
    if coef_init is None:
        W = np.zeros((n_targets, n_features), dtype=dtype, order="F")
    else:
        W = np.array(coef_init, dtype=dtype, order="F", copy=True)
        if W.shape != (n_targets, n_features):
            raise ValueError(f"coef_init has shape {np.shape(coef_init)}, expected "
                             f"({n_targets}, {n_features}) = (n_targets, n_features).")
        if not np.all(np.isfinite(W)):
            raise ValueError("coef_init contains NaN or infinity.")
    Y64 = Y.astype(np.float64, copy=False)
    yy = float(np.einsum("it,it->", Y64, Y64))
    k = len(alphas)
    coefs = np.empty((n_targets, n_features, k), dtype=dtype, order="F")
    gaps = np.empty(k, dtype=np.float64)
    n_iters = np.empty(k, dtype=np.int32)
    use_gram = use_gram or gram is not None
    if gram is not None:
        gram = np.ascontiguousarray(gram, dtype=dtype)
        norms = np.ascontiguousarray(np.diag(gram), dtype=dtype)
    else:
        norms = np.einsum("ij,ij->j", X, X, dtype=dtype)
    if use_gram:
        if XtY is None:
            XtY = X.T @ Y
        B = np.asfortranarray(XtY, dtype=dtype)
        Y_arg = None
    else:
        B = None
        Y_arg = np.asfortranarray(Y)
    X_arg = None if gram is not None else np.asfortranarray(X)
    with single_threaded_blas:
        _multitask_kernel(
            W, l1s, l2s, X_arg, Y_arg, gram, B, norms, yy, tol * yy, int(max_iter),
            use_gram, bool(screening), selection == "random", int(seed), coefs, gaps,
            n_iters, bool(strong_rule),
        )
    # scikit-learn reports the gap of its objective, which is the kernel's divided by n
    gaps /= n_samples
    tol_abs = tol * yy / n_samples
    return coefs, gaps, n_iters, gaps <= tol_abs, tol_abs


def multitask_enet_path(X, y, *, l1_ratio, eps, n_alphas, alphas, precompute, Xy,
                        coef_init, return_n_iter, positive, check_input, tol, max_iter,
                        selection, random_state, penalty_factor=None, lower_bounds=None,
                        upper_bounds=None):
    """``enet_path`` for a 2-D y (called by ``fastreg._path.enet_path``, whose
    parameters arrive here checked: ``n_alphas`` or ``alphas`` (decreasing) is set)."""
    import warnings

    if positive:
        raise ValueError("positive=True is not allowed for multi-output (y.ndim != 1)")
    if not (penalty_factor is None and lower_bounds is None and upper_bounds is None):
        raise ValueError("penalty_factor, lower_bounds and upper_bounds are not "
                         "supported for a 2-D y (the multi-task problem).")
    X, Y, Xy = _validate(X, y, Xy, check_input)
    n_samples, n_features = X.shape
    k = n_alphas if alphas is None else len(alphas)

    gram = None
    use_gram = False
    if hasattr(precompute, "__array__"):
        gram = check_gram(precompute, X, X.dtype)
    elif precompute is True:
        gram = X.T @ X
    elif isinstance(precompute, str) and precompute == "auto":
        # n > p: covariance updates, with X^T X computed once (threaded BLAS) for a
        # long path, its columns built lazily for the features that enter a working
        # set on a short one
        use_gram = n_samples > n_features
        if use_gram and k >= GRAM_MIN_ALPHAS:
            gram = X.T @ X
    elif precompute is not False:
        raise ValueError(
            f"precompute must be 'auto', a bool or a Gram matrix, got {precompute!r}.")
    use_gram = use_gram or gram is not None
    # scikit-learn uses a given Xy for the grid only, never in the multi-task solve:
    # the kernel gets X^T Y computed here, so that Xy cannot change the solution
    XtY = X.T @ Y if (use_gram or (alphas is None and Xy is None)) else None

    if alphas is None:
        a_max = multitask_alpha_max(XtY if Xy is None else Xy, n_samples, l1_ratio)
        alphas = alpha_grid(a_max, n_alphas, eps)
        if a_max <= np.finfo(np.float64).resolution:
            warnings.warn(
                "alpha_max is 0 (y is constant or orthogonal to every column of X): "
                "every coefficient of the path is zero.", UserWarning, stacklevel=3)
    seed = check_random_state(random_state).randint(1, 2**31 - 1)
    coefs, gaps, n_iters, converged, tol_abs = multitask_path_arrays(
        X, Y, l1_ratio, alphas, gram=gram, use_gram=use_gram, XtY=XtY,
        coef_init=coef_init, tol=tol,
        max_iter=max_iter, selection=selection, seed=seed,
    )
    if not np.all(converged):
        warn_not_converged(float(np.max(gaps)), tol_abs, l1_ratio)
    if return_n_iter:
        return alphas, coefs, gaps, [int(i) for i in n_iters]
    return alphas, coefs, gaps


# ---------------------------------------------------------------------------------------
# Estimators
# ---------------------------------------------------------------------------------------

class MultiTaskElasticNet(LinearPredictMixin, MultiOutputMixin, RegressorMixin,
                          BaseEstimator):
    """Multi-task elastic net: L1/L2 mixed-norm and L2 penalties, several targets.

    Minimizes, exactly as :class:`sklearn.linear_model.MultiTaskElasticNet`, with W of
    shape (n_features, n_targets) (``coef_`` is its transpose) and W_j its rows::

        (1 / (2 * n_samples)) * ||Y - XW - b||^2_Fro
        + alpha * l1_ratio * sum_j ||W_j||_2 + 0.5 * alpha * (1 - l1_ratio) * ||W||_Fro^2

    with sample weights entering the squared error (rescaled to sum to n_samples). A
    feature is selected for every target or for none. Solved by block coordinate
    descent in compiled code (working sets, active-set cycling, Gap Safe screening,
    Anderson acceleration); it stops when the duality gap is at most
    ``tol * ||Y||_Fro^2 / n_samples`` (Y centered when an intercept is fitted),
    scikit-learn's rule, so a given ``tol`` certifies the same accuracy.

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
        Start from the previous solution (``coef_``) when refitting.
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
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.
    """

    _l1_ratio_fixed = None

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, copy_X=True,
                 max_iter=1000, tol=1e-4, warm_start=False, random_state=None,
                 selection="cyclic"):
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
        tags.input_tags.sparse = False
        return tags

    def _l1_ratio(self):
        return self.l1_ratio if self._l1_ratio_fixed is None else self._l1_ratio_fixed

    def _validate_params(self, l1_ratio):
        _check_number("alpha", self.alpha, low=0)
        _check_number("l1_ratio", l1_ratio, low=0, high=1)
        _check_number("max_iter", self.max_iter, low=1, integer=True)
        _check_number("tol", self.tol, low=0)
        for name in ("fit_intercept", "copy_X", "warm_start"):
            _check_bool(name, getattr(self, name))
        if self.selection not in ("cyclic", "random"):
            raise ValueError(
                "The 'selection' parameter must be 'cyclic' or 'random', got "
                f"{self.selection!r}.")

    def fit(self, X, y, sample_weight=None):
        """Fit the model by block coordinate descent.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (float32 stays float32, anything else becomes float64).
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
        X, y = validate_data(self, X, y, accept_sparse=False,
                             dtype=[np.float64, np.float32], multi_output=True,
                             y_numeric=True)
        if y.ndim == 1:
            name = "ElasticNet" if self._l1_ratio_fixed is None else "Lasso"
            raise ValueError(f"For mono-task outputs, use {name}: y must be 2-D "
                             "(n_samples, n_targets).")
        y = np.asarray(y, dtype=X.dtype)
        n_samples, n_features = X.shape
        n_targets = y.shape[1]
        sw = _check_sample_weight(sample_weight, n_samples, X.dtype)
        prep = preprocess(X, y, self.fit_intercept, sw)
        if self.warm_start and hasattr(self, "coef_") and \
                np.shape(self.coef_) == (n_targets, n_features):
            init = self.coef_
        else:
            init = None
        seed = check_random_state(self.random_state).randint(1, 2**31 - 1)
        # one alpha: covariance updates on lazily built Gram columns when n > p
        coefs, gaps, n_iter, converged, tol_abs = multitask_path_arrays(
            prep.X, np.asfortranarray(prep.y), l1_ratio, [self.alpha],
            use_gram=n_samples > n_features, coef_init=init, tol=self.tol,
            max_iter=self.max_iter, selection=self.selection, seed=seed)
        if not converged[0]:
            warn_not_converged(float(gaps[0]), tol_abs, l1_ratio)
        self.coef_ = np.ascontiguousarray(coefs[..., 0])
        self.dual_gap_ = float(gaps[0])
        self.eps_ = tol_abs * n_samples
        self.n_iter_ = int(n_iter[0])
        if self.fit_intercept:
            self.intercept_ = prep.y_offset - prep.X_offset @ self.coef_.T
        else:
            self.intercept_ = 0.0
        if not (np.all(np.isfinite(self.coef_)) and np.all(np.isfinite(self.intercept_))):
            raise ValueError(
                "Coordinate descent produced non-finite coefficients: the input data "
                "contain values too large for the floating-point type; rescale them.")
        return self

    @property
    def sparse_coef_(self):
        """Sparse representation of the fitted ``coef_``."""
        check_is_fitted(self)
        return sparse.csr_matrix(self.coef_)


class MultiTaskLasso(MultiTaskElasticNet):
    """Multi-task Lasso: L1/L2 mixed-norm penalty, several targets.

    Minimizes, exactly as :class:`sklearn.linear_model.MultiTaskLasso`::

        (1 / (2 * n_samples)) * ||Y - XW - b||^2_Fro + alpha * sum_j ||W_j||_2

    This is :class:`MultiTaskElasticNet` with ``l1_ratio=1``; see it for the solver,
    the stopping rule and the attributes.

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
        Start from the previous solution when refitting.
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
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.
    """

    _l1_ratio_fixed = 1.0

    def __init__(self, alpha=1.0, *, fit_intercept=True, copy_X=True, max_iter=1000,
                 tol=1e-4, warm_start=False, random_state=None, selection="cyclic"):
        super().__init__(
            alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept, copy_X=copy_X,
            max_iter=max_iter, tol=tol, warm_start=warm_start,
            random_state=random_state, selection=selection)
