"""The path engine: from validated arrays to calls of the compiled kernel.

Everything that translates scikit-learn's parameters into the kernel's problem lives
here, in one place:

* centering and sample weights: X and y are centered (weighted means) when an intercept
  is fitted and rows are scaled by sqrt(sample_weight), with the weights rescaled to sum
  to n_samples, exactly as scikit-learn does, so that ``alpha`` means the same thing;
* penalties: the kernel minimizes n_samples times scikit-learn's objective, so it gets
  ``l1 = alpha * l1_ratio * n`` and ``l2 = alpha * (1 - l1_ratio) * n``;
* tolerance: the kernel stops when its duality gap is <= ``tol * ||y||^2`` (y centered
  and weighted), scikit-learn's rule; gaps are reported divided by n_samples, the scale
  of scikit-learn's ``dual_gap_``;
* update strategy: residual ("naive") updates on X, or covariance updates on a Gram
  matrix, either given, computed in full (``precompute=True``) or built lazily column
  by column inside the kernel (``precompute="auto"`` when n_samples > n_features).
"""
import os
import threading
import warnings

import numpy as np
from threadpoolctl import ThreadpoolController

from ._cd_fast import enet_path as _enet_path_kernel
from ._linalg import sq_norm


def _kernel_blas_controller():
    """Threadpool controller of the BLAS the kernels call: SciPy's (through
    scipy.linalg.cython_blas). Limiting only that one leaves NumPy's BLAS alone:
    toggling its thread count around every kernel call was measured to leave its
    worker threads spinning, taking a core from the kernel (40% of the samples of a
    profile of 20 fits on 20000 x 500)."""
    import scipy
    controller = ThreadpoolController()
    scipy_dir = os.path.dirname(os.path.dirname(scipy.__file__))
    own = controller.select(user_api="blas")
    scipy_libs = [lib for lib in own.lib_controllers
                  if os.path.realpath(lib.filepath).startswith(
                      os.path.realpath(os.path.join(scipy_dir, "scipy")))]
    if not scipy_libs:
        # SciPy linked against a shared BLAS (e.g. conda's): limit that one
        return own
    own.lib_controllers = scipy_libs
    return own


class _SingleThreadedBlas:
    """Context manager: BLAS on one thread while kernels run (thread-safe).

    The kernels call BLAS on small blocks between cheap coordinate updates; a threaded
    BLAS then spends more time waking and synchronizing its threads than computing
    (measured: a 20000 x 500 x 10 GEMM took 10x longer on two threads than on one on a
    busy 2-core machine). Large one-off products (full Gram matrices) are computed
    outside the kernels with NumPy's threaded BLAS. Kernels may run on several Python
    threads at once (cross-validation folds): the limit is set by the first to enter
    and lifted by the last to leave.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._depth = 0
        self._controller = None
        self._restore = None

    def __enter__(self):
        with self._lock:
            if self._depth == 0:
                if self._controller is None:
                    # created once: inspecting the loaded libraries is slow
                    self._controller = _kernel_blas_controller()
                self._restore = self._controller.limit(limits=1, user_api="blas")
            self._depth += 1
        return self

    def __exit__(self, *exc):
        with self._lock:
            self._depth -= 1
            if self._depth == 0:
                self._restore.restore_original_limits()
                self._restore = None
        return False


single_threaded_blas = _SingleThreadedBlas()


def _rescaled_weights(sample_weight, n_samples):
    """Weights rescaled to sum to n_samples (None stays None)."""
    if sample_weight is None:
        return None
    return sample_weight * (n_samples / np.sum(sample_weight))


class Prepared:
    """Data ready for the kernel: X (Fortran, or C in residual mode), y, the offsets of
    the intercept, and, for implicit centering, the column means the kernel subtracts
    itself (``Xmean``) with the norms of the centered columns (``norms``)."""

    def __init__(self, X, y, X_offset, y_offset, Xmean=None, norms=None, Xty=None):
        self.X, self.y, self.X_offset, self.y_offset = X, y, X_offset, y_offset
        self.Xmean, self.norms = Xmean, norms
        # X^T y with the columns of X as stored (implicit centering: not yet centered),
        # when column_stats computed it; the kernel then skips its first pass over X
        self.Xty = Xty


def center_target(y, sample_weight, dtype):
    """(y_offset, y - y_offset) as preprocess computes them (the fused statistics of
    ElasticNet.fit rely on getting the very same centered y)."""
    y_offset = np.average(y, axis=0, weights=sample_weight).astype(dtype, copy=False)
    return y_offset, (y - y_offset).astype(dtype, copy=False)


def _implicit_centering(X, X_offset, sq=None):
    """Norms of the centered columns from one pass over X (or from its column sums
    of squares sq), or None when subtracting the means inside the kernel would lose
    digits (means much larger than spreads)."""
    n_samples, n_features = X.shape
    if sq is None:
        sq = np.einsum("ij,ij->j", X, X, dtype=np.float64)
    if not np.all(np.isfinite(sq)):
        return None      # (squares overflow: the explicit route reports it)
    norms = sq - n_samples * X_offset.astype(np.float64) ** 2
    # sum of squares minus n mean^2 cancels for columns whose mean dwarfs their
    # spread (more than 20 bits lost): those are recomputed exactly (centered), a
    # block at a time, to tell constant columns from merely offset ones
    suspect = np.flatnonzero(norms <= 1e-6 * sq)
    step = max(1, 2**20 // max(n_samples, 1))
    for start in range(0, suspect.size, step):
        cols = suspect[start:start + step]
        block = X[:, cols] - X_offset[cols]
        norms[cols] = np.einsum("ij,ij->j", block, block, dtype=np.float64)
    norms = norms.astype(X.dtype)
    spread = norms / n_samples
    mean2 = X_offset.astype(np.float64) ** 2
    # zero spread up to the rounding of the values (as in the explicit centering)
    constant = norms <= n_samples * (4 * np.finfo(X.dtype).eps) ** 2 * mean2
    if np.any(~constant & (mean2 > 1e4 * spread)):
        return None
    norms[constant | (norms < 0)] = 0
    return norms


def preprocess(X, y, fit_intercept, sample_weight, implicit=False, stats=None):
    """Center (weighted) and scale by sqrt(weights); never writes into X or y.

    Returns a ``Prepared``. X and y are copied only when they have to change
    (centering, weights, memory order); otherwise the user's arrays are used read-only.
    With ``implicit`` (residual updates only), an unweighted float64 Fortran X with
    well-scaled columns is not copied: the kernel centers it on the fly. ``stats``:
    (column sums, column sums of squares, X^T (y - y_offset) or None) of X from
    ``column_stats``, if computed.
    """
    dtype = X.dtype
    n_samples = X.shape[0]
    sw = _rescaled_weights(sample_weight, n_samples)
    if fit_intercept:
        if stats is not None and sw is None:
            X_offset = (stats[0] / n_samples).astype(dtype)
        else:
            X_offset = np.average(X, axis=0, weights=sw).astype(dtype, copy=False)
        y_offset, yc = center_target(y, sw, dtype)
        # (C-ordered X is copied: on it the kernel's column accesses are strided, and
        # measured slower than the Fortran copy saves)
        if implicit and sw is None and dtype == np.float64 and X.flags.f_contiguous:
            norms = _implicit_centering(X, X_offset,
                                        None if stats is None else stats[1])
            if norms is not None:
                return Prepared(X, yc, X_offset, y_offset, X_offset, norms,
                                None if stats is None else stats[2])
        Xc = np.empty(X.shape, dtype=dtype, order="F")
        np.subtract(X, X_offset, out=Xc)
        if sw is not None:
            root = np.sqrt(sw).astype(dtype, copy=False)
            Xc *= root[:, None]
            yc = yc * (root[:, None] if yc.ndim > 1 else root)
        # a constant column centers to rounding noise, not to 0: drop it explicitly
        norms = np.einsum("ij,ij->j", Xc, Xc)
        eps = np.finfo(dtype).eps
        scale = 1 if sw is None else np.max(sw)
        norms[norms <= n_samples * scale * (4 * eps * X_offset) ** 2] = 0
        return Prepared(Xc, np.asarray(yc, dtype=dtype), X_offset, y_offset,
                        norms=norms)
    else:
        X_offset = np.zeros(X.shape[1], dtype=dtype)
        y_offset = np.zeros(y.shape[1:], dtype=dtype) if y.ndim > 1 else dtype.type(0)
        Xc = np.asfortranarray(X)
        yc = y
    if sw is not None:
        root = np.sqrt(sw).astype(dtype, copy=False)
        if Xc is X:
            Xc = np.asfortranarray(X * root[:, None])
        else:
            Xc *= root[:, None]
        yc = yc * (root[:, None] if yc.ndim > 1 else root)
    return Prepared(Xc, np.asarray(yc, dtype=dtype), X_offset, y_offset)


def prepared_Xty(prep):
    """X~^T y~ of prepared data (X~ centered, explicitly or implicitly)."""
    Xty = prep.X.T @ prep.y
    if prep.Xmean is not None:
        Xty = Xty - prep.Xmean * np.sum(prep.y)
    return Xty


def check_gram(G, X, dtype, G_ref=None):
    """Validate a user-supplied Gram matrix against the (preprocessed) dense X, or
    against the Gram matrix G_ref computed from a sparse X."""
    n_features = X.shape[1] if G_ref is None else G_ref.shape[0]
    G = np.asarray(G)
    if G.shape != (n_features, n_features):
        raise ValueError(
            f"precompute: the Gram matrix has shape {G.shape}, expected "
            f"({n_features}, {n_features}) for X with {n_features} features."
        )
    if not np.all(np.isfinite(G)):
        raise ValueError("precompute: the Gram matrix contains NaN or infinity.")
    G = np.ascontiguousarray(G, dtype=dtype)
    # one column is enough to catch a Gram matrix of other data
    j = int(np.argmax(np.diag(G))) if n_features else 0
    expected = X.T @ X[:, j] if G_ref is None else G_ref[:, j]
    rtol = 1e-4 if dtype == np.float32 else 1e-7
    scale = max(float(np.max(np.abs(expected))), np.finfo(dtype).tiny)
    if np.max(np.abs(G[:, j] - expected)) > rtol * scale * \
            max(1, 1 if X is None else X.shape[0]) ** 0.5:
        raise ValueError(
            "precompute: the Gram matrix does not match X.T @ X (after centering and "
            "sample-weight scaling, if any). Pass precompute=True to compute it."
        )
    return G


def enet_path_arrays(X, y, l1_ratio, alphas, *, gram=None, use_gram=False, Xy=None,
                     yy=None, n_samples=None, coef_init=None, tol=1e-4, max_iter=1000,
                     positive=False, selection="cyclic", seed=1, screening=True,
                     Xmean=None, norms=None, sparse=None, penalty=None, tol_yy=None,
                     n_threads=0, Xty=None):
    """Solve the elastic net on preprocessed arrays along ``alphas`` (one target).

    X is Fortran (n, p) (or C in residual mode), or None when ``gram`` is given
    together with ``Xy``, ``yy`` (= y @ y) and ``n_samples``; y is 1-D (may be None
    with a Gram matrix). ``Xmean``/``norms``: implicit centering (see preprocess).
    ``sparse``: dict of the kernel's sparse arguments (X_data, X_indices, X_indptr,
    Q, B; X is then None); ``penalty``: a Penalty (factors, bounds; its ``positive``
    replaces ``positive``); ``tol_yy``: the ||y||^2 that ``tol`` is relative to, when
    it is not y @ y (unpenalized features projected out of y); ``n_threads``: OpenMP
    threads of the kernel's passes over X (0: OpenMP's default; 1 when the caller
    runs kernels on threads itself); ``Xty``: X^T y with X's columns as stored
    (residual updates; spares the kernel its first pass over X when w starts at 0).
    Returns coefs (p, k), dual gaps (k,) on scikit-learn's scale, n_iter (k,), a
    converged mask (k,) and the absolute tolerance on scikit-learn's scale.
    """
    if sparse is not None:
        dtype = sparse["X_data"].dtype
        n_features = sparse["X_indptr"].shape[0] - 1
    else:
        dtype = (gram if X is None else X).dtype
        n_features = gram.shape[0] if X is None else X.shape[1]
    extra = {} if sparse is None else dict(sparse)
    if penalty is not None:
        positive = penalty.positive
        extra.update(penalty.kernel_kwargs(dtype))
    if n_samples is None:
        n_samples = y.shape[0]
    alphas = np.asarray(alphas, dtype=np.float64)
    l1s = np.ascontiguousarray(alphas * l1_ratio * n_samples)
    l2s = np.ascontiguousarray(alphas * (1.0 - l1_ratio) * n_samples)
    w = np.zeros(n_features, dtype=dtype) if coef_init is None else \
        np.array(coef_init, dtype=dtype, copy=True).ravel()
    if w.shape != (n_features,):
        raise ValueError(f"coef_init has shape {np.shape(coef_init)}, expected "
                         f"({n_features},).")
    if not np.all(np.isfinite(w)):
        raise ValueError("coef_init contains NaN or infinity.")
    if penalty is not None and penalty.lower is not None:
        w = penalty.clip(w)
    elif positive:
        w = np.maximum(w, 0)
    if gram is not None:
        norms = np.ascontiguousarray(np.diag(gram), dtype=dtype)
    elif norms is None:
        norms = np.einsum("ij,ij->j", X, X, dtype=dtype)
    norms = np.ascontiguousarray(norms, dtype=dtype)
    if not np.all(np.isfinite(norms)):
        raise ValueError(
            "The squared norms of some columns of X overflow the floating-point type "
            "(values too large, or infinite): rescale X.")
    if gram is not None or use_gram:
        if Xy is None:
            Xy = X.T @ y
        Xy = np.ascontiguousarray(Xy, dtype=dtype)
    else:
        Xy = None
    if yy is None:
        yy = sq_norm(y)
    if tol_yy is None:
        tol_yy = yy
    k = len(alphas)
    coefs = np.empty((n_features, k), dtype=dtype, order="F")
    gaps = np.empty(k, dtype=np.float64)
    n_iters = np.empty(k, dtype=np.int32)
    y_arg = np.ascontiguousarray(y, dtype=dtype) \
        if (X is not None or sparse is not None) else None
    with single_threaded_blas:
        _enet_path_kernel(
            w, l1s, l2s, X, y_arg, gram, Xy, norms, yy, tol * tol_yy, int(max_iter),
            bool(positive), bool(use_gram), bool(screening), selection == "random",
            int(seed), coefs, gaps, n_iters, True,
            None if Xmean is None else np.ascontiguousarray(Xmean, dtype=dtype),
            n_samples=int(n_samples), n_threads=int(n_threads),
            g0=None if Xty is None or X is None or gram is not None or use_gram
            else np.ascontiguousarray(Xty, dtype=dtype), **extra,
        )
    # sklearn reports the gap of its objective, which is the kernel's divided by n
    gaps /= n_samples
    tol_abs = tol * tol_yy / n_samples
    return coefs, gaps, n_iters, gaps <= tol_abs, tol_abs


def warn_not_converged(gap, tol_abs, l1_ratio):
    from sklearn.exceptions import ConvergenceWarning
    message = (
        "Objective did not converge. You might want to increase the number of "
        f"iterations (max_iter). Duality gap: {gap:.6e}, tolerance: {tol_abs:.3e}."
    )
    if l1_ratio == 0:
        message += (" With no L1 penalty, fastreg.Ridge-style direct solvers are "
                    "faster and exact.")
    warnings.warn(message, ConvergenceWarning, stacklevel=3)


def alpha_max(X, y, l1_ratio, positive=False, Xy=None):
    """Smallest alpha whose solution is all zeros, on preprocessed (centered,
    weighted) arrays: max_j |x_j^T y| / (n * l1_ratio) (max_j x_j^T y if positive).
    """
    n_samples = y.shape[0]
    Xy = X.T @ y if Xy is None else np.asarray(Xy)
    top = max(0.0, float(np.max(Xy))) if positive else float(np.max(np.abs(Xy)))
    return top / (n_samples * l1_ratio)


def alpha_grid(a_max, n_alphas, eps):
    """scikit-learn's default grid: n_alphas values log-spaced from a_max to eps*a_max."""
    if a_max <= np.finfo(np.float64).resolution:
        return np.full(n_alphas, np.finfo(np.float64).resolution)
    return np.geomspace(a_max, a_max * eps, num=n_alphas)


def check_path_params(l1_ratio, eps, alphas):
    """Validate the path parameters; returns (n_alphas or None, alphas array or None)."""
    if isinstance(l1_ratio, bool) or not isinstance(l1_ratio, (int, float, np.number)) \
            or not 0 <= l1_ratio <= 1:
        raise ValueError(f"l1_ratio must be a number in [0, 1], got {l1_ratio!r}.")
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.number)) \
            or not np.isfinite(eps) or eps <= 0:
        raise ValueError(f"eps must be a positive finite number, got {eps!r}.")
    if alphas is None or isinstance(alphas, (int, np.integer)) and \
            not isinstance(alphas, bool):
        n_alphas = 100 if alphas is None else int(alphas)
        if n_alphas < 1:
            raise ValueError(
                f"alphas, as a number of alphas, must be >= 1, got {n_alphas}.")
        if l1_ratio == 0:
            raise ValueError(
                "l1_ratio=0 (no L1 penalty) has no alpha_max, so no automatic alpha "
                "grid: pass an explicit array of alphas.")
        return n_alphas, None
    arr = np.asarray(alphas, dtype=np.float64).ravel() if not isinstance(alphas, str) \
        else None
    if arr is None or arr.size == 0:
        raise ValueError(f"alphas must be an int or a non-empty array, got {alphas!r}.")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError("alphas must be finite and non-negative.")
    return None, np.sort(arr)[::-1]


def _ready_dense(X, y):
    """Whether X and y are already what check_array would return, and finite: a plain
    float Fortran ndarray X and a 1-D contiguous y of its dtype, with finite sums (a
    non-finite sum, from NaN, inf or overflow, goes through check_array's own
    diagnosis). Spares a path on small data check_array's generic work (0.2 ms a call
    on leukemia, 2% of its path)."""
    if not (type(X) is np.ndarray and type(y) is np.ndarray and X.ndim == 2 and
            X.dtype in (np.float32, np.float64) and y.dtype == X.dtype and
            X.flags.f_contiguous and y.ndim == 1 and y.flags.c_contiguous and
            X.shape[0] >= 1 and X.shape[1] >= 1 and y.shape[0] == X.shape[0]):
        return False
    with np.errstate(all="ignore"):
        return bool(np.isfinite(np.add.reduce(X, axis=None)) and
                    np.isfinite(np.add.reduce(y)))


def _validate_path_input(X, y, Xy, check_input):
    from scipy import sparse as sp
    from sklearn.utils.validation import check_array, check_consistent_length
    if _ready_dense(X, y):
        pass
    elif check_input or sp.issparse(X):
        X = check_array(X, accept_sparse=["csc", "csr", "coo"],
                        dtype=[np.float64, np.float32], order="F", input_name="X",
                        ensure_all_finite=bool(check_input) or "allow-nan")
        if sp.issparse(X) and not np.all(np.isfinite(X.data)):
            raise ValueError("Input X contains NaN or infinity.")
        y = check_array(y, dtype=X.dtype, ensure_2d=False, input_name="y",
                        ensure_all_finite=bool(check_input))
        check_consistent_length(X, y)
    else:
        X = np.asfortranarray(X)
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64, order="F")
        y = np.asarray(y, dtype=X.dtype)
        check_consistent_length(X, y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, or 2-D (n_samples, n_targets) for the "
                         f"multi-task problem; got shape {y.shape}.")
    if Xy is not None:
        Xy = np.asarray(Xy, dtype=X.dtype).ravel()
        if Xy.shape != (X.shape[1],):
            raise ValueError(f"Xy has shape {np.shape(Xy)}, expected ({X.shape[1]},).")
    return X, np.ascontiguousarray(y), Xy


LAZY_GRAM_MAX_ALPHAS = 10   # longer paths with n > p compute the full Gram matrix


def enet_path(X, y, *, l1_ratio=0.5, eps=1e-3, alphas=None, precompute="auto",
              Xy=None, copy_X=True, coef_init=None, verbose=False,
              return_n_iter=False, positive=False, check_input=True, **params):
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
        Target values; 2-D: the multi-task problem (see ``fastreg/_multitask.py``).
    l1_ratio : float, default=0.5
        Mixing parameter, in [0, 1]; 0 requires an explicit array of alphas.
    eps : float, default=1e-3
        Length of the default grid: ``alpha_min / alpha_max = eps``.
    alphas : int or array-like, default=None
        Number of alphas of the default grid (None: 100), or the alphas themselves
        (solved in decreasing order).
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
        ``penalty_factor``, ``lower_bounds`` and ``upper_bounds`` (glmnet's, as in
        :class:`fastreg.ElasticNet`; the default grid then starts at the smallest alpha
        whose solution is zero on the penalized features).

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
    """
    from scipy import sparse as sp
    from sklearn.utils import check_random_state
    from ._penalty import Penalty
    from ._problem import Problem, SparsePrepared
    penalty_factor = params.pop("penalty_factor", None)
    lower_bounds = params.pop("lower_bounds", None)
    upper_bounds = params.pop("upper_bounds", None)
    tol = params.pop("tol", 1e-4)
    max_iter = params.pop("max_iter", 1000)
    selection = params.pop("selection", "cyclic")
    random_state = params.pop("random_state", None)
    if params:
        raise ValueError(f"Unexpected parameters: {sorted(params)}.")
    if not np.isfinite(tol) or tol < 0:
        raise ValueError(f"tol must be a non-negative number, got {tol!r}.")
    if int(max_iter) != max_iter or max_iter < 1:
        raise ValueError(f"max_iter must be an integer >= 1, got {max_iter!r}.")
    if selection not in ("cyclic", "random"):
        raise ValueError(f"selection must be 'cyclic' or 'random', got {selection!r}.")
    n_alphas, alpha_arr = check_path_params(l1_ratio, eps, alphas)
    if np.ndim(y) == 2:  # scikit-learn's multi-task problem: fastreg/_multitask.py
        from ._multitask import multitask_enet_path
        return multitask_enet_path(
            X, y, l1_ratio=l1_ratio, eps=eps, n_alphas=n_alphas, alphas=alpha_arr,
            precompute=precompute, Xy=Xy, coef_init=coef_init,
            return_n_iter=return_n_iter, positive=positive, check_input=check_input,
            tol=tol, max_iter=max_iter, selection=selection, random_state=random_state,
            penalty_factor=penalty_factor, lower_bounds=lower_bounds,
            upper_bounds=upper_bounds)
    X, y, Xy = _validate_path_input(X, y, Xy, check_input)
    n_samples, n_features = X.shape
    penalty = Penalty(n_features, penalty_factor, lower_bounds, upper_bounds, positive)
    n_path = n_alphas or len(alpha_arr)

    user_gram = hasattr(precompute, "__array__")
    if not (user_gram or isinstance(precompute, (bool, np.bool_)) or
            (isinstance(precompute, str) and precompute == "auto")):
        raise ValueError(
            f"precompute must be 'auto', a bool or a Gram matrix, got {precompute!r}.")
    if sp.issparse(X):
        prep = SparsePrepared(X, y, False, None)
        if user_gram:
            gram = check_gram(precompute, None, X.dtype, G_ref=prep.gram())
            problem = Problem.gram(gram, prep.Xty(prep.y) if Xy is None else Xy,
                                   float(prep.y.astype(np.float64) @ prep.y),
                                   n_samples, penalty, X.dtype)
        else:
            problem = Problem.sparse(prep, prep.y, penalty, gram=(
                "auto" if isinstance(precompute, str) else bool(precompute)))
    else:
        gram = None
        use_gram = False
        if user_gram:
            gram = check_gram(precompute, X, X.dtype)
            use_gram = True
        elif precompute is True:
            gram = np.ascontiguousarray(X.T @ X)
            use_gram = True
        elif isinstance(precompute, str):
            # n > p: covariance updates. A path of many alphas ends up needing most
            # Gram columns: one threaded SYRK for all of them is several times cheaper
            # than computing them one working set at a time (measured: 20000 x 1000,
            # 100 alphas, 1.9 s lazily against 0.2 s for X^T X). A short path builds
            # the columns lazily, only for the features that enter a working set.
            use_gram = n_samples > n_features
            if use_gram and n_path >= LAZY_GRAM_MAX_ALPHAS:
                gram = np.ascontiguousarray(X.T @ X)
        problem = Problem.dense(X, y, penalty, use_gram=use_gram, gram=gram)
        if Xy is not None and problem.kind == "dense" and problem.unpen is None:
            problem.Xy = Xy
            if use_gram:
                problem.kw["Xy"] = Xy

    if alpha_arr is None:
        a_max = problem.alpha_max(l1_ratio)
        alpha_arr = alpha_grid(a_max, n_alphas, eps)
        if a_max <= np.finfo(np.float64).resolution:
            warnings.warn(
                "alpha_max is 0 (y is constant or orthogonal to every column of X): "
                "every coefficient of the path is zero.", UserWarning, stacklevel=2)
    seed = check_random_state(random_state).randint(1, 2**31 - 1)
    coefs, gaps, n_iters, converged, tol_abs = problem.solve(
        l1_ratio, alpha_arr, coef_init=coef_init, tol=tol, max_iter=max_iter,
        selection=selection, seed=seed,
    )
    if not np.all(converged):
        warn_not_converged(float(np.max(gaps)), tol_abs, l1_ratio)
    if return_n_iter:
        return alpha_arr, coefs, gaps, [int(i) for i in n_iters]
    return alpha_arr, coefs, gaps


def lasso_path(X, y, *, eps=1e-3, alphas=None, precompute="auto", Xy=None,
               copy_X=True, coef_init=None, verbose=False, return_n_iter=False,
               positive=False, **params):
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
    alphas : int or array-like, default=None
        Number of alphas of the default grid (None: 100), or the alphas themselves.
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
        ``penalty_factor``, ``lower_bounds``, ``upper_bounds`` (see :func:`enet_path`).

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
    """
    return enet_path(X, y, l1_ratio=1.0, eps=eps, alphas=alphas,
                     precompute=precompute, Xy=Xy, copy_X=copy_X,
                     coef_init=coef_init, verbose=verbose,
                     return_n_iter=return_n_iter, positive=positive, **params)
