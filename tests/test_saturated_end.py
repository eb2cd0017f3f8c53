"""The saturated end of wide lasso paths (p > n, support at the rank of X): inner solves
on G[W, W] while the working set is at most 2 n, and exact solves whose null steps
(G_AA singular) come from the failed Cholesky pivot. Solutions checked in NumPy."""
import numpy as np
import pytest

from fastreg import _engine, lasso_path


def _wide(n, p, seed=0, rho=0.6):
    rng = np.random.default_rng(seed)
    X = np.empty((n, p), order="F")
    X[:, 0] = rng.standard_normal(n)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho ** 2) * rng.standard_normal(n)
    w = np.zeros(p)
    w[rng.choice(p, p // 10, replace=False)] = rng.choice([-1.0, 1.0], p // 10)
    return X, X @ w + 0.3 * rng.standard_normal(n)


def _gaps(X, y, alphas, coefs):
    """scikit-learn's duality gap of each alpha (X, y centered), relative to ||y||^2 / n."""
    n = X.shape[0]
    out = []
    for a, w in zip(alphas, coefs.T, strict=True):
        r = y - X @ w
        theta = r / max(n * a, np.max(np.abs(X.T @ r)))
        primal = r @ r / (2 * n) + a * np.abs(w).sum()
        dual = (y @ y - (y - n * a * theta) @ (y - n * a * theta)) / (2 * n)
        out.append((primal - dual) / (y @ y / n))
    return np.array(out)


def _traced_path(X, y, **kw):
    _engine.TRACE = []
    try:
        alphas, coefs, _ = lasso_path(X, y, **kw)
        counters = np.vstack(_engine.TRACE)
    finally:
        _engine.TRACE = None
    return alphas, coefs, counters


@pytest.mark.parametrize("tol", [1e-4, 1e-8])
def test_wide_path_inner_solves_on_the_block_up_to_2n(tol):
    n, p = 60, 600
    X, y = _wide(n, p)
    Xc, yc = X - X.mean(0), y - y.mean()
    alphas, coefs, counters = _traced_path(Xc, yc, eps=1e-3, alphas=60, tol=tol)
    f = list(_engine.TRACE_FIELDS)
    ws_max = counters[:, f.index("ws_max")]
    assert ws_max.max() > n          # the saturated end has working sets beyond n
    small = ws_max <= 2 * n
    assert np.all(counters[small, f.index("residual_inner")] == 0)
    assert np.all(_gaps(Xc, yc, alphas, coefs) <= tol)
    assert np.all((coefs != 0).sum(axis=0) <= n + 4)


def test_singular_active_set_null_steps():
    # duplicated columns: every G_AA holding both copies of a column is singular (the
    # exact solve's null steps), and the solution is not unique, but its gap is
    n, p = 40, 150
    X, y = _wide(n, p, seed=3)
    X = np.asfortranarray(np.hstack([X, X[:, :50]]))
    Xc, yc = X - X.mean(0), y - y.mean()
    alphas, coefs, _ = _traced_path(Xc, yc, eps=1e-3, alphas=50, tol=1e-8)
    assert np.all(_gaps(Xc, yc, alphas, coefs) <= 1e-8)
    # KKT: |x_j^T r| / n <= alpha, with equality on the support
    for a, w in zip(alphas, coefs.T, strict=True):
        c = Xc.T @ (yc - Xc @ w) / n
        assert np.all(np.abs(c) <= a * (1 + 1e-5))
