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
import functools
import warnings

import numpy as np
from threadpoolctl import ThreadpoolController

from ._cd_fast import enet_path as _enet_path_kernel


@functools.cache
def _blas_controller():
    """Threadpool controller, created once (inspecting the loaded libraries is slow)."""
    return ThreadpoolController()


def single_threaded_blas():
    """Context manager: BLAS on one thread while a kernel runs.

    The kernels call BLAS on small blocks between cheap coordinate updates; a threaded
    BLAS then spends more time waking and synchronizing its threads than computing
    (measured: a 20000 x 500 x 10 GEMM took 10x longer on two threads than on one on a
    busy 2-core machine). Large one-off products (the full Gram matrix) are computed
    outside the kernels with NumPy's threaded BLAS.
    """
    return _blas_controller().limit(limits=1, user_api="blas")


def _rescaled_weights(sample_weight, n_samples):
    """Weights rescaled to sum to n_samples (None stays None)."""
    if sample_weight is None:
        return None
    return sample_weight * (n_samples / np.sum(sample_weight))


def preprocess(X, y, fit_intercept, sample_weight):
    """Center (weighted) and scale by sqrt(weights); never writes into X or y.

    Returns Fortran X, y (1-D or 2-D, C order per target column access), X_offset,
    y_offset. X and y are copied only when they have to change (centering, weights,
    memory order); otherwise the user's arrays are used read-only.
    """
    dtype = X.dtype
    n_samples = X.shape[0]
    sw = _rescaled_weights(sample_weight, n_samples)
    if fit_intercept:
        X_offset = np.average(X, axis=0, weights=sw).astype(dtype, copy=False)
        y_offset = np.average(y, axis=0, weights=sw).astype(dtype, copy=False)
        Xc = np.empty(X.shape, dtype=dtype, order="F")
        np.subtract(X, X_offset, out=Xc)
        yc = (y - y_offset).astype(dtype, copy=False)
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
    return Xc, np.asarray(yc, dtype=dtype), X_offset, y_offset


def check_gram(G, X, dtype):
    """Validate a user-supplied Gram matrix against the (preprocessed) X."""
    n_features = X.shape[1]
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
    expected = X.T @ X[:, j]
    rtol = 1e-4 if dtype == np.float32 else 1e-7
    scale = max(float(np.max(np.abs(expected))), np.finfo(dtype).tiny)
    if np.max(np.abs(G[:, j] - expected)) > rtol * scale * max(1, X.shape[0]) ** 0.5:
        raise ValueError(
            "precompute: the Gram matrix does not match X.T @ X (after centering and "
            "sample-weight scaling, if any). Pass precompute=True to compute it."
        )
    return G


def enet_path_arrays(X, y, l1_ratio, alphas, *, gram=None, use_gram=False, Xy=None,
                     coef_init=None, tol=1e-4, max_iter=1000, positive=False,
                     selection="cyclic", seed=1, screening=True):
    """Solve the elastic net on preprocessed arrays along ``alphas`` (one target).

    X is Fortran (n, p) or None when ``gram`` is given; y is 1-D. Returns
    coefs (p, k), dual gaps (k,) on scikit-learn's scale, and n_iter (k,).
    """
    dtype = (gram if X is None else X).dtype
    n_samples = y.shape[0]
    n_features = gram.shape[0] if X is None else X.shape[1]
    alphas = np.asarray(alphas, dtype=np.float64)
    l1s = np.ascontiguousarray(alphas * l1_ratio * n_samples)
    l2s = np.ascontiguousarray(alphas * (1.0 - l1_ratio) * n_samples)
    w = np.zeros(n_features, dtype=dtype) if coef_init is None else \
        np.array(coef_init, dtype=dtype, copy=True)
    if gram is not None:
        norms = np.ascontiguousarray(np.diag(gram), dtype=dtype)
    else:
        norms = np.einsum("ij,ij->j", X, X, dtype=dtype)
    if gram is not None or use_gram:
        if Xy is None:
            Xy = X.T @ y
        Xy = np.ascontiguousarray(Xy, dtype=dtype)
    else:
        Xy = None
    yy = float(np.dot(y.astype(np.float64), y.astype(np.float64)))
    k = len(alphas)
    coefs = np.empty((n_features, k), dtype=dtype, order="F")
    gaps = np.empty(k, dtype=np.float64)
    n_iters = np.empty(k, dtype=np.int32)
    y_arg = np.ascontiguousarray(y, dtype=dtype) if X is not None else None
    with single_threaded_blas():
        _enet_path_kernel(
            w, l1s, l2s, X, y_arg, gram, Xy, norms, yy, tol * yy, int(max_iter),
            bool(positive), bool(use_gram), bool(screening), selection == "random",
            int(seed), coefs, gaps, n_iters,
        )
    # sklearn reports the gap of its objective, which is the kernel's divided by n
    gaps /= n_samples
    converged = gaps <= tol * yy / n_samples
    return coefs, gaps, n_iters, converged, tol * yy / n_samples


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
