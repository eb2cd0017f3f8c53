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


def _kkt_violation(X, y, sw, alpha, w, b):
    """max_j (|c_j| - alpha)+ over all features, and max |c_j - alpha sign(w_j)| on the
    support, relative to alpha: c = X^T (sw * r) / sum(sw), r = y - X w - b
    (scikit-learn's weighted objective, weights rescaled to sum to n_samples)."""
    r = y - X @ w - b
    c = X.T @ (sw * r) / sw.sum()
    supp = w != 0
    out = max(0.0, float(np.max(np.abs(c) - alpha)))
    on = float(np.max(np.abs(c[supp] - alpha * np.sign(w[supp])))) if supp.any() else 0.0
    return out / alpha, on / alpha, abs(float(np.sum(sw * r))) / sw.sum()


@pytest.mark.filterwarnings("ignore:The tolerance was not reachable")
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sparse", [False, True])
def test_saturated_path_with_a_trimmed_strong_set(dtype, sparse):
    """Dense p > 2 n paths rank the strong rule's zero features and take at most
    max(WS_MIN, support / 4) of them into the first working set of an alpha
    (_cd_solver._working_set); the features left out are found by the gap. At the
    saturated end (support at the rank of X) the path, with weights and an intercept,
    still matches scikit-learn at a tight tol and satisfies the KKT conditions
    recomputed in NumPy (sparse X: the same path through the sparse kernel)."""
    import scipy.sparse as sp
    from sklearn.linear_model import Lasso as SkLasso

    import fastreg
    n, p = 50, 500
    X, y = _wide(n, p, seed=5, rho=0.3)
    y = y + 3.0
    rng = np.random.default_rng(1)
    sw = rng.uniform(0.5, 2.0, n)
    X = X.astype(dtype)
    y = y.astype(dtype)
    Xin = sp.csc_matrix(X) if sparse else np.asfortranarray(X)
    # (float32: the solver stops where rounding stalls the gap, and warns)
    model = fastreg.LassoPath(eps=1e-3, alphas=30, tol=1e-10, max_iter=100_000)
    _engine.TRACE = []
    try:
        model.fit(Xin, y, sample_weight=sw)
        counters = np.vstack(_engine.TRACE)
    finally:
        _engine.TRACE = None
    f = list(_engine.TRACE_FIELDS)
    coefs, b = model.coef_path_, model.intercept_path_
    nnz = (coefs != 0).sum(axis=0)
    assert nnz[-1] >= n - 5                  # the support saturates (rank n - 1)
    assert np.all(nnz <= n + 4)
    if not sparse:
        assert np.all(counters[:, f.index("ws_max")] <= 2 * n)
    X64, y64 = X.astype(np.float64), y.astype(np.float64)
    # (float32: rounding of X^T r against alpha_max / 1000)
    rtol = 5e-4 if dtype == np.float32 else 1e-6
    for k, a in enumerate(model.alphas_):
        out, on, icpt = _kkt_violation(X64, y64, sw, a, coefs[:, k].astype(np.float64),
                                       float(b[k]))
        assert out <= rtol and on <= rtol and icpt <= rtol * np.abs(y64).max()
    # scikit-learn at a few alphas of the saturated end (its coordinate descent is slow
    # there: only the last alphas, from the previous one's solution)
    sk = SkLasso(alpha=model.alphas_[-4], tol=1e-12, max_iter=1_000_000,
                 warm_start=True)
    for k in range(len(model.alphas_) - 4, len(model.alphas_)):
        sk.set_params(alpha=model.alphas_[k])
        sk.fit(X64, y64, sample_weight=sw)
        scale = np.abs(sk.coef_).max()
        np.testing.assert_allclose(coefs[:, k], sk.coef_, atol=50 * rtol * scale)
        np.testing.assert_allclose(b[k], sk.intercept_, atol=50 * rtol * max(scale, 3))
