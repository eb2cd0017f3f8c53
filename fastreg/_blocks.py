"""Single NumPy passes over a large dense X done a block of columns at a time (issue
20): Python runs a signal handler only between two bytecodes, so a SIGINT that lands in
one call over the whole of a 200 MB X waits for its end (0.1-0.5 s); between blocks of
about 8 MB (a few milliseconds each) it is handled at once. Every pass here is
elementwise or a reduction of each column on its own, so the blocks give the same bits
as the single call; arrays of less than ``LARGE`` values keep the single call."""
import numpy as np
from sklearn.utils import assert_all_finite

BLOCK = 2**20          # values per block (8 MB in float64)
LARGE = 4 * BLOCK      # below this, one call


def column_steps(X, block=BLOCK):
    """Column ranges (j0, j1) of blocks of about ``block`` values of the 2-D X, or
    None when X is small (a single call)."""
    n, p = X.shape
    if X.size < max(LARGE, 2 * block) or p < 2:
        return None
    step = max(1, block // max(n, 1))
    return [(j0, min(j0 + step, p)) for j0 in range(0, p, step)]


def finite_sum(X):
    """Whether np.add.reduce(X, axis=None) would be finite, a block of columns at a
    time (a block's sum is finite when the whole one is, except after an overflow)."""
    steps = column_steps(X)
    with np.errstate(all="ignore"):
        if steps is None:
            return bool(np.isfinite(np.add.reduce(X, axis=None)))
        return all(np.isfinite(np.add.reduce(X[:, j0:j1], axis=None))
                   for j0, j1 in steps)


def check_finite(X, estimator_name=None, input_name="X"):
    """scikit-learn's finiteness check of a dense float X (its error, its message), a
    block of columns at a time: a block whose sum is not finite (NaN, inf, or an
    overflow of finite values) is checked elementwise, and a non-finite value is
    reported by scikit-learn's own check of the whole of X."""
    steps = column_steps(X) or [(0, X.shape[1])]
    with np.errstate(over="ignore", invalid="ignore"):
        for j0, j1 in steps:
            block = X[:, j0:j1]
            if not np.isfinite(np.sum(block)) and not np.isfinite(block).all():
                assert_all_finite(X, input_name=input_name,
                                  estimator_name=estimator_name)


def column_mean(X):
    """np.average(X, axis=0), a block of columns at a time."""
    steps = column_steps(X)
    if steps is None:
        return np.average(X, axis=0)
    return np.concatenate([np.average(X[:, j0:j1], axis=0) for j0, j1 in steps])


def subtract_into(X, offset, out):
    """np.subtract(X, offset, out=out) (offset (p,)), a block of columns at a time."""
    steps = column_steps(X)
    if steps is None:
        np.subtract(X, offset, out=out)
        return
    for j0, j1 in steps:
        np.subtract(X[:, j0:j1], offset[j0:j1], out=out[:, j0:j1])


def column_sq_norms(Xc, dtype=None):
    """np.einsum("ij,ij->j", Xc, Xc, dtype=dtype), a block of columns at a time."""
    steps = column_steps(Xc)
    if steps is None:
        return np.einsum("ij,ij->j", Xc, Xc, dtype=dtype)
    parts = []
    for j0, j1 in steps:
        block = Xc[:, j0:j1]
        parts.append(np.einsum("ij,ij->j", block, block, dtype=dtype))
    return np.concatenate(parts)
