"""The public path functions, ``enet_path`` and ``lasso_path``: scikit-learn's
signatures and results, solved by the engine (``fastreg/_engine.py``).

A 1-D y is the elastic net of one target; a 2-D y (n_samples, n_targets) is
scikit-learn's multi-task problem, one problem coupling every target through a
row-wise group penalty (W of shape (n_features, n_targets), W_j its row j)::

    (1 / (2 * n_samples)) * ||Y - X W||_F^2
    + alpha * l1_ratio * sum_j ||W_j||_2 + 0.5 * alpha * (1 - l1_ratio) * ||W||_F^2

with the default grid from ``alpha_max = max_j ||x_j^T Y||_2 / (n * l1_ratio)``.
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from scipy import sparse as sp
from sklearn.utils import check_random_state

from ._engine import (
    Problem,
    alpha_grid,
    check_gram,
    gram_for,
    multitask_alpha_max,
    multitask_arrays,
    multitask_gram_fits,
    solve_multitask,
    unreachable,
    update_strategy,
    warn_if_alpha_max_zero,
    warn_not_converged,
)
from ._penalty import Penalty
from ._prepare import Prepared, SparsePrepared
from ._validation import (
    check_bool,
    check_max_features,
    check_path_params,
    check_precompute,
    check_solver_params,
    validate_multitask_input,
    validate_path_input,
)

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray
    from scipy.sparse import sparray, spmatrix


def enet_path(X: ArrayLike | spmatrix | sparray, y: ArrayLike, *, l1_ratio: float = 0.5,
              eps: float = 1e-3, n_alphas: int | str = "deprecated",
              alphas: int | ArrayLike | None | str = "warn",
              precompute: bool | Literal["auto"] | ArrayLike = "auto",
              Xy: ArrayLike | None = None, copy_X: bool = True,
              coef_init: ArrayLike | None = None, verbose: bool | int = False,
              return_n_iter: bool = False, positive: bool = False,
              check_input: bool = True, **params: Any,
              ) -> (tuple[NDArray, NDArray, NDArray]
                    | tuple[NDArray, NDArray, NDArray, list[int]]):
    """Compute the elastic-net path with coordinate descent.

    Same signature, return values and objective as
    :func:`sklearn.linear_model.enet_path` for a 1-D target::

        1 / (2 * n_samples) * ||y - Xw||^2_2
        + alpha * l1_ratio * ||w||_1 + 0.5 * alpha * (1 - l1_ratio) * ||w||^2_2

    X and y are used as given (no centering: center them first, or use the
    estimators, to fit an intercept). The whole path runs in compiled code: warm
    starts, the sequential strong rule, working sets and the Gram matrix (when used)
    shared by all alphas. Every solution that converged (else a ConvergenceWarning)
    has a duality gap ``<= tol * ||y||^2 / n_samples``.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data (sparse: CSC used as is, other formats converted once).
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Target values; 2-D: the multi-task problem (see the module's docstring).
    l1_ratio : float, default=0.5
        Mixing parameter, in [0, 1]; 0 requires an explicit array of alphas.
    eps : float, default=1e-3
        Length of the default grid: ``alpha_min / alpha_max = eps``.
    n_alphas : int, default='deprecated'
        Deprecated (scikit-learn 1.9): use ``alphas=n_alphas``; warns.
    alphas : int or array-like, default=100
        Number of alphas of the default grid, or the alphas themselves (solved in
        decreasing order); ``None`` means 100, with scikit-learn 1.9's FutureWarning.
    precompute : 'auto', bool or array-like of shape (n_features, n_features), \
            default='auto'
        Covariance updates on a Gram matrix ('auto' when n_samples > n_features: the
        full X^T X for paths of 10 alphas or more, columns built lazily for the
        features that enter a working set for shorter ones), residual updates
        (False), or the given Gram matrix.
    Xy : array-like of shape (n_features,), default=None
        ``X.T @ y``, if already computed (used with a Gram matrix).
    copy_X : bool, default=True
        Accepted for compatibility: X is never modified.
    coef_init : array-like of shape (n_features,), default=None
        Initial coefficients (warm start of the first alpha).
    verbose : bool or int, default=False
        Accepted for compatibility; nothing is printed.
    return_n_iter : bool, default=False
        Whether to return the number of sweeps of each alpha.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    check_input : bool, default=True
        If False, skip the finiteness checks of X and y (shapes are always checked).
    **params : kwargs
        ``tol`` (default 1e-4), ``max_iter`` (default 1000), ``selection``
        ('cyclic' or 'random') and ``random_state``; beyond scikit-learn,
        ``penalty_factor``, ``lower_bounds``, ``upper_bounds`` and ``exclude``
        (glmnet's, as in :class:`fastreg.ElasticNet`; the default grid then starts at
        the smallest alpha whose solution is zero on the penalized features);
        ``max_features`` (glmnet's ``dfmax``: the path stops at the first alpha whose
        solution has more nonzero coefficients, that solution being the last
        returned) and ``max_features_ever`` (glmnet's ``pmax``: the path stops before
        the first alpha at which more features have ever been nonzero); the arrays
        returned are then shorter than the grid, as glmnet's (1-D y only).

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        The alphas along the path, decreasing.
    coefs : ndarray of shape (n_features, n_alphas) or \
            (n_targets, n_features, n_alphas)
        Coefficients along the path.
    dual_gaps : ndarray of shape (n_alphas,)
        Duality gap of each solution, on the scale of the objective above.
    n_iters : list of int
        Coordinate-descent sweeps of each alpha (only if ``return_n_iter``).

    See Also
    --------
    lasso_path : The same with ``l1_ratio=1``.
    ElasticNet : One alpha, with an intercept (its ``path`` is this function).
    ElasticNetCV : Chooses alpha along this path by cross-validation.
    MultiTaskElasticNet : The estimator of the 2-D y problem.
    sklearn.linear_model.enet_path : The scikit-learn function this one replaces.
        R's ``glmnet(x, y, alpha=l1_ratio)`` also computes a whole path (it
        centers x and y and fits the intercept; see :class:`ElasticNet`'s Notes
        for its scaling).

    Notes
    -----
    For a 1-D y, each alpha's solution minimizes scikit-learn's objective (``n`` =
    n_samples; no intercept: X and y as given)::

        (1 / (2 * n)) * ||y - X w||_2^2
            + alpha * l1_ratio * ||w||_1
            + 0.5 * alpha * (1 - l1_ratio) * ||w||_2^2

    (with ``penalty_factor`` v: ``alpha * sum_j v_j * (l1_ratio * |w_j| + 0.5 *
    (1 - l1_ratio) * w_j^2)``). For a 2-D y, the multi-task problem, with W of
    shape (n_features, n_targets) and W_j its row j (``coefs[:, j, k]`` in the
    output)::

        (1 / (2 * n)) * ||Y - X W||_Fro^2
            + alpha * l1_ratio * sum_j ||W_j||_2
            + 0.5 * alpha * (1 - l1_ratio) * ||W||_Fro^2

    The default grid has ``alphas`` values from ``alpha_max = max_j |x_j^T y| /
    (n * l1_ratio)`` (``max_j ||x_j^T Y||_2 / (n * l1_ratio)`` for a 2-D y), the
    smallest alpha whose solution is zero, down to ``eps * alpha_max``, evenly
    spaced on a log scale. ``tol``: each solution is returned as converged when its
    duality gap (``dual_gaps``, on the scale of the objective) is at most ``tol *
    ||y||_2^2 / n``, scikit-learn's rule; else a ``ConvergenceWarning``.

    Examples
    --------
    >>> import numpy as np
    >>> import fastreg
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> X, y = X - X.mean(axis=0), y - y.mean()   # center: no intercept here
    >>> alphas, coefs, gaps = fastreg.enet_path(X, y, l1_ratio=0.5, alphas=5)
    >>> np.round(alphas, 3).tolist()      # from alpha_max down to alpha_max / 1000
    [4.296, 0.764, 0.136, 0.024, 0.004]
    >>> coefs.shape                              # (features, alphas)
    (10, 5)
    >>> (coefs != 0).sum(axis=0)                 # nonzero coefficients
    array([ 0,  9, 10, 10, 10])
    >>> bool(np.all(gaps <= 1e-4 * (y @ y) / len(y)))   # every gap within tol
    True

    With a 2-D y, the multi-task problem (a feature is kept for every target or
    for none):

    >>> Y = np.column_stack([y, y + X[:, 0] * 100])
    >>> alphas, coefs, gaps = fastreg.enet_path(X, Y, alphas=[10.0, 1.0])
    >>> coefs.shape                              # (targets, features, alphas)
    (2, 10, 2)
    """
    penalty_factor = params.pop("penalty_factor", None)
    lower_bounds = params.pop("lower_bounds", None)
    upper_bounds = params.pop("upper_bounds", None)
    exclude = params.pop("exclude", None)
    tol = params.pop("tol", 1e-4)
    max_iter = params.pop("max_iter", 1000)
    selection = params.pop("selection", "cyclic")
    random_state = params.pop("random_state", None)
    max_features = params.pop("max_features", None)
    max_features_ever = params.pop("max_features_ever", None)
    if params:
        raise ValueError(f"Unexpected parameters in params: {sorted(params)}.")
    alphas = _deprecated_alphas(n_alphas, alphas)
    check_max_features(max_features, max_features_ever)
    if np.ndim(y) == 2 and not (max_features is None and max_features_ever is None):
        raise ValueError("max_features and max_features_ever are not supported for a "
                         "2-D y (the multi-task problem).")
    check_solver_params(tol, max_iter, selection)
    check_precompute(precompute)
    for name, value in (("positive", positive), ("check_input", check_input),
                        ("return_n_iter", return_n_iter)):
        check_bool(name, value)
    n_alphas, alphas = check_path_params(l1_ratio, eps, alphas)
    seed = check_random_state(random_state).randint(1, 2**31 - 1)
    path = _multitask_path if np.ndim(y) == 2 else _single_task_path
    alphas, coefs, gaps, n_iters = path(
        X, y, l1_ratio=l1_ratio, eps=eps, n_alphas=n_alphas, alphas=alphas,
        precompute=precompute, Xy=Xy, coef_init=coef_init, positive=positive,
        check_input=check_input, tol=tol, max_iter=max_iter, selection=selection,
        seed=seed, penalty_factor=penalty_factor, lower_bounds=lower_bounds,
        upper_bounds=upper_bounds, exclude=exclude, max_features=max_features,
        max_features_ever=max_features_ever)
    if return_n_iter:
        return alphas, coefs, gaps, [int(i) for i in n_iters]
    return alphas, coefs, gaps


def _deprecated_alphas(n_alphas, alphas):
    """scikit-learn 1.9's transition: ``n_alphas`` deprecated for ``alphas=int``, and
    ``alphas=None`` for ``alphas=100`` (each with its FutureWarning)."""
    if not (isinstance(n_alphas, str) and n_alphas == "deprecated"):
        warnings.warn(
            "'n_alphas' was deprecated in 1.9 and will be removed in 1.11. 'alphas' now "
            "accepts an integer value which removes the need to pass 'n_alphas'. Pass "
            "an explicit value to 'alphas' and leave 'n_alphas' to its default value to "
            "silence this warning.", FutureWarning, stacklevel=3)
        if isinstance(alphas, str) and alphas == "warn":
            return n_alphas
    if isinstance(alphas, str) and alphas == "warn":
        return 100
    if alphas is None:
        warnings.warn(
            "'alphas=None' is deprecated and will be removed in 1.11, at which point "
            "the default value will be set to 100. Set 'alphas=100' to silence this "
            "warning.", FutureWarning, stacklevel=3)
        return 100
    return alphas


def _single_task_path(X, y, *, l1_ratio, eps, n_alphas, alphas, precompute, Xy,
                      coef_init, positive, check_input, tol, max_iter, selection, seed,
                      penalty_factor, lower_bounds, upper_bounds, exclude,
                      max_features=None, max_features_ever=None):
    """enet_path for a 1-D y (X and y as given: no centering)."""
    X, y, Xy = validate_path_input(X, y, Xy, check_input)
    n_samples, n_features = X.shape
    penalty = Penalty(n_features, penalty_factor, lower_bounds, upper_bounds, positive,
                      exclude)
    n_path = n_alphas or len(alphas)
    if sp.issparse(X):
        prep = SparsePrepared(X, y, False, None)
        strategy = update_strategy(precompute, n_samples, n_features, n_path,
                                   sparse=prep)
        if strategy == "user":
            gram = check_gram(precompute, None, X.dtype, G_ref=prep.gram())
            problem = Problem.gram(gram, prep.Xty(prep.y) if Xy is None else Xy,
                                   float(prep.y.astype(np.float64) @ prep.y),
                                   n_samples, penalty, X.dtype, y=prep.y)
        else:
            problem = Problem.sparse(prep, prep.y, penalty, gram=strategy == "full")
    else:
        strategy = update_strategy(precompute, n_samples, n_features, n_path)
        gram = gram_for(strategy, Prepared(X, y, None, None), precompute)
        problem = Problem.dense(X, y, penalty, use_gram=strategy == "lazy", gram=gram)
        if Xy is not None and problem.kind == "dense" and problem.unpen is None:
            # (the problem holds y / y_scale: Xy too)
            Xy = Xy if problem.y_scale == 1.0 else Xy / problem.y_scale
            if problem.keep is not None:
                Xy = np.ascontiguousarray(np.asarray(Xy)[problem.keep])
            problem.Xy = Xy
            if strategy != "residual":
                problem.kw["Xy"] = Xy
    problem.user_gram = strategy == "user"
    alphas, coefs, gaps, n_iters, _ = solve_grid(
        problem, l1_ratio, alphas, n_alphas, eps, max_features, max_features_ever,
        coef_init=coef_init, tol=tol, max_iter=max_iter, selection=selection,
        seed=seed)
    return np.asarray(alphas)[:coefs.shape[1]], coefs, gaps, n_iters


def solve_grid(problem, l1_ratio, alphas, n_alphas, eps, max_features=None,
               max_features_ever=None, *, max_iter, warn=True, **kw):
    """The path of a built single-target problem, as enet_path and the whole-path
    models solve it: on ``alphas``, or (None) on the default grid of ``n_alphas``
    values from the problem's alpha_max down to ``eps`` times it (a warning when
    alpha_max is 0); stopped by ``max_features`` / ``max_features_ever``
    (solve_limited); a ConvergenceWarning unless ``warn`` is False when a solution
    did not converge. Returns (alphas, coefs, gaps, n_iters, converged)."""
    if alphas is None:
        a_max = problem.alpha_max(l1_ratio)
        alphas = alpha_grid(a_max, n_alphas, eps)
        warn_if_alpha_max_zero(a_max, stacklevel=5)
    coefs, gaps, n_iters, converged, tol_abs = solve_limited(
        problem, l1_ratio, alphas, max_features, max_features_ever, max_iter=max_iter,
        **kw)
    if warn and not np.all(converged):
        warn_not_converged(float(np.max(gaps)), tol_abs, l1_ratio,
                           unreachable(converged, n_iters, max_iter), coefs.dtype)
    return alphas, coefs, gaps, n_iters, converged


# alphas solved per kernel call while a limit on the number of features is watched
# (the kernel is called again, warm-started, until the limit is passed)
LIMITED_CHUNK = 10


def solve_limited(problem, l1_ratio, alphas, max_features=None,
                  max_features_ever=None, **kw):
    """``problem.solve(l1_ratio, alphas, **kw)`` that stops early, as glmnet's
    ``dfmax`` / ``pmax`` (both None: the whole grid in one call).

    ``max_features``: the path stops at the first alpha whose solution has more than
    that many nonzero coefficients; that solution is the last one returned (glmnet's
    ``dfmax``). ``max_features_ever``: the path stops before the first alpha at which
    more than that many features have been nonzero at some solution of the path so
    far; that alpha is not returned (glmnet's ``pmax``). The grid is solved
    ``LIMITED_CHUNK`` alphas per kernel call (twice as many in the next call while
    the count is below half the limit), each call warm-started from the last
    solution, so that the alphas after the stop are never solved. Returns the
    engine's (coefs, gaps, n_iters, converged, tol_abs), truncated to the alphas
    solved."""
    if max_features is None and max_features_ever is None:
        return problem.solve(l1_ratio, alphas, **kw)
    alphas = np.asarray(alphas, dtype=np.float64)
    init = kw.pop("coef_init", None)
    ever = np.zeros(problem.n_features, dtype=bool)
    parts = []
    tol_abs = None
    start, chunk = 0, LIMITED_CHUNK
    limit = min(m for m in (max_features, max_features_ever) if m is not None)
    while start < len(alphas):
        coefs, gaps, its, conv, tol_abs = problem.solve(
            l1_ratio, alphas[start:start + chunk], coef_init=init, **kw)
        start += chunk
        nonzero = coefs != 0
        cut = None
        if max_features is not None:
            over = np.flatnonzero(np.count_nonzero(nonzero, axis=0) > max_features)
            if over.size:
                cut = int(over[0]) + 1
        if max_features_ever is not None:
            seen = np.logical_or.accumulate(nonzero | ever[:, None], axis=1)
            over = np.flatnonzero(np.count_nonzero(seen, axis=0) > max_features_ever)
            if over.size:
                cut = int(over[0]) if cut is None else min(cut, int(over[0]))
            ever = seen[:, -1]
        if cut is not None:
            coefs, gaps, its, conv = coefs[:, :cut], gaps[:cut], its[:cut], conv[:cut]
        parts.append((coefs, gaps, its, conv))
        if cut is not None:
            break
        init = coefs[:, -1]
        # (each call costs a kernel set-up: while the counts are far below the limit,
        # twice as many alphas in the next call)
        seen_now = max(int(np.count_nonzero(init)), int(np.count_nonzero(ever)))
        chunk = 2 * chunk if 2 * seen_now < limit else LIMITED_CHUNK
    coefs = np.asfortranarray(np.concatenate([c for c, _, _, _ in parts], axis=1))
    if coefs.shape[1] == 0:
        raise ValueError(
            f"max_features_ever={max_features_ever}: the solution at the first alpha "
            f"({alphas[0]:.6g}) already has more nonzero coefficients than that (e.g. "
            "unpenalized features); expected a limit that leaves at least one alpha.")
    return (coefs, np.concatenate([g for _, g, _, _ in parts]),
            np.concatenate([i for _, _, i, _ in parts]),
            np.concatenate([c for _, _, _, c in parts]), tol_abs)


def _multitask_path(X, y, *, l1_ratio, eps, n_alphas, alphas, precompute, Xy, coef_init,
                    positive, check_input, tol, max_iter, selection, seed,
                    penalty_factor, lower_bounds, upper_bounds, exclude,
                    max_features=None, max_features_ever=None):
    """enet_path for a 2-D y: the multi-task problem. scikit-learn accepts
    ``precompute`` with a 2-D y (and checks a given Gram matrix) but always uses
    residual updates; the solutions are the same."""
    if positive:
        raise ValueError("positive=True is not allowed for multi-output (y.ndim != 1)")
    if not (penalty_factor is None and lower_bounds is None and upper_bounds is None
            and exclude is None):
        raise ValueError("penalty_factor, lower_bounds, upper_bounds and exclude are "
                         "not supported for a 2-D y (the multi-task problem).")
    X, Y, Xy = validate_multitask_input(X, y, Xy, check_input)
    n_samples, n_features = X.shape
    n_path = n_alphas if alphas is None else len(alphas)
    if sp.issparse(X):
        # the multi-task kernel has no sparse column access: the Gram form, from the
        # sparse products (or a dense copy of a very wide X)
        prep = SparsePrepared(X, Y, False, None)
        if multitask_gram_fits(prep):
            user = update_strategy(precompute, n_samples, n_features) == "user"
            gram = check_gram(precompute, None, X.dtype, G_ref=prep.gram()) if user \
                else None
            arrays = multitask_arrays(prep, "full", gram)
        else:
            X = X.toarray(order="F")
    if not sp.issparse(X):
        strategy = update_strategy(precompute, n_samples, n_features, n_path)
        gram = gram_for(strategy, Prepared(X, Y, None, None), precompute)
        arrays = multitask_arrays(Prepared(X, Y, None, None), strategy, gram)
        # scikit-learn uses a given Xy for the grid only, never in the multi-task
        # solve: the kernel gets X^T Y computed here, so that Xy cannot change it
        if arrays["use_gram"] or (alphas is None and Xy is None):
            arrays["XtY"] = X.T @ Y
    if alphas is None:
        a_max = multitask_alpha_max(arrays["XtY"] if Xy is None else Xy, n_samples,
                                    l1_ratio)
        alphas = alpha_grid(a_max, n_alphas, eps)
        warn_if_alpha_max_zero(a_max, stacklevel=4)
    coefs, gaps, n_iters, converged, tol_abs = solve_multitask(
        l1_ratio=l1_ratio, alphas=alphas, **arrays, coef_init=coef_init, tol=tol,
        max_iter=max_iter, selection=selection, seed=seed)
    if not np.all(converged):
        warn_not_converged(float(np.max(gaps)), tol_abs, l1_ratio,
                           unreachable(converged, n_iters, max_iter), coefs.dtype)
    return alphas, coefs, gaps, n_iters


def lasso_path(X: ArrayLike | spmatrix | sparray, y: ArrayLike, *, eps: float = 1e-3,
               n_alphas: int | str = "deprecated",
               alphas: int | ArrayLike | None | str = "warn",
               precompute: bool | Literal["auto"] | ArrayLike = "auto",
               Xy: ArrayLike | None = None, copy_X: bool = True,
               coef_init: ArrayLike | None = None, verbose: bool | int = False,
               return_n_iter: bool = False, positive: bool = False, **params: Any,
               ) -> (tuple[NDArray, NDArray, NDArray]
                     | tuple[NDArray, NDArray, NDArray, list[int]]):
    """Compute the Lasso path with coordinate descent.

    :func:`enet_path` with ``l1_ratio=1``; same signature, return values and
    objective as :func:`sklearn.linear_model.lasso_path` for a 1-D target::

        (1 / (2 * n_samples)) * ||y - Xw||^2_2 + alpha * ||w||_1

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Target values; 2-D: the multi-task Lasso.
    eps : float, default=1e-3
        Length of the default grid: ``alpha_min / alpha_max = eps``.
    n_alphas : int, default='deprecated'
        Deprecated (scikit-learn 1.9): use ``alphas=n_alphas``; warns.
    alphas : int or array-like, default=100
        Number of alphas of the default grid, or the alphas themselves (``None``:
        100, with a FutureWarning).
    precompute : 'auto', bool or array-like of shape (n_features, n_features), \
            default='auto'
        As in :func:`enet_path`.
    Xy : array-like of shape (n_features,), default=None
        ``X.T @ y``, if already computed.
    copy_X : bool, default=True
        Accepted for compatibility: X is never modified.
    coef_init : array-like of shape (n_features,), default=None
        Initial coefficients.
    verbose : bool or int, default=False
        Accepted for compatibility.
    return_n_iter : bool, default=False
        Whether to return the number of sweeps of each alpha.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    **params : kwargs
        ``tol``, ``max_iter``, ``selection``, ``random_state``, ``check_input``,
        ``penalty_factor``, ``lower_bounds``, ``upper_bounds``, ``exclude``,
        ``max_features``, ``max_features_ever`` (glmnet's ``dfmax`` / ``pmax``; see
        :func:`enet_path`).

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        The alphas along the path, decreasing.
    coefs : ndarray of shape (n_features, n_alphas) or \
            (n_targets, n_features, n_alphas)
        Coefficients along the path.
    dual_gaps : ndarray of shape (n_alphas,)
        Duality gap of each solution.
    n_iters : list of int
        Sweeps of each alpha (only if ``return_n_iter``).

    See Also
    --------
    enet_path : The elastic-net path (L1 and L2 penalties mixed).
    Lasso : One alpha, with an intercept (its ``path`` is :func:`enet_path`).
    LassoCV : Chooses alpha along this path by cross-validation.
    MultiTaskLasso : The estimator of the 2-D y problem.
    fastreg.plotting.plot_path : Draws the path.
    sklearn.linear_model.lasso_path : The scikit-learn function this one replaces.
        R's ``glmnet(x, y)`` also computes a whole Lasso path.

    Notes
    -----
    For a 1-D y, each alpha's solution minimizes scikit-learn's objective (``n`` =
    n_samples; no intercept: X and y as given)::

        (1 / (2 * n)) * ||y - X w||_2^2 + alpha * ||w||_1

    and for a 2-D y the multi-task Lasso's, ``(1 / (2 * n)) * ||Y - X W||_Fro^2 +
    alpha * sum_j ||W_j||_2`` (W_j: row j of W, feature j's coefficients for every
    target). The default grid runs from ``alpha_max = max_j |x_j^T y| / n``, the
    smallest alpha whose solution is zero, down to ``eps * alpha_max``. ``tol``:
    each solution's duality gap is at most ``tol * ||y||_2^2 / n`` (else a
    ``ConvergenceWarning``), scikit-learn's rule.

    Examples
    --------
    >>> import numpy as np
    >>> import fastreg
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> X, y = X - X.mean(axis=0), y - y.mean()   # center: no intercept here
    >>> alphas, coefs, gaps = fastreg.lasso_path(X, y, alphas=5)
    >>> np.round(alphas, 3).tolist()
    [2.148, 0.382, 0.068, 0.012, 0.002]
    >>> (coefs != 0).sum(axis=0)                 # features enter one after another
    array([ 0,  4,  7,  9, 10])
    >>> bool(np.isclose(alphas[0], np.max(np.abs(X.T @ y)) / len(y)))   # alpha_max
    True
    """
    return enet_path(X, y, l1_ratio=1.0, eps=eps, n_alphas=n_alphas, alphas=alphas,
                     precompute=precompute, Xy=Xy, copy_X=copy_X,
                     coef_init=coef_init, verbose=verbose,
                     return_n_iter=return_n_iter, positive=positive, **params)
