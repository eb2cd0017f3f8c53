"""A tolerance below what the floating-point type can certify (tol = 0, 1e-16, 1e-14 in
float64) must give the best solution the solver can reach: a primal objective (recomputed
here in NumPy) never worse than at a reachable tolerance, and one ConvergenceWarning that
says the tolerance was not reachable and which gap was reached (issue 20, item 1).

The designs are small and strongly correlated (every column close to the first), where
the kernels used to stop far from the optimum whatever max_iter."""
import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

import fastreg

# the reachable tolerance each tight fit is compared with, and the rounding slack of the
# comparison (relative to ||y - mean||^2 / n, the objective at w = 0 times two)
REFERENCE_TOL = {np.float64: 1e-10, np.float32: 1e-4}
SLACK = {np.float64: 1e-12, np.float32: 2e-5}


def correlated_problem(seed, multitask=False):
    """The issue's generator: columns X[:, :1] + 0.05 X, a sparse truth, noise."""
    rng = np.random.default_rng(seed)
    n, p = int(rng.integers(10, 40)), int(rng.integers(5, 40))
    X = rng.standard_normal((n, p))
    X = X[:, :1] + 0.05 * X
    T = 3 if multitask else 1
    beta = rng.standard_normal((p, T)) * (rng.random((p, T)) < 0.4)
    Y = X @ beta + 0.5 * rng.standard_normal((n, T))
    y = Y if multitask else Y[:, 0]
    yc = y - y.mean(axis=0)
    corr = X.T @ yc
    top = np.max(np.linalg.norm(corr, axis=1)) if multitask else np.max(np.abs(corr))
    return X, y, top / n


def objective(X, y, coef, intercept, alpha, l1_ratio):
    """scikit-learn's (multi-task) elastic-net objective, in float64."""
    X = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)
    coef = np.asarray(coef, dtype=np.float64)
    n = X.shape[0]
    if y.ndim == 1:
        r = y - X @ coef - intercept
        l1 = np.sum(np.abs(coef))
    else:
        r = y - X @ coef.T - intercept
        l1 = np.sum(np.linalg.norm(coef, axis=0))
    return (0.5 * np.sum(r * r) / n + alpha * l1_ratio * l1 +
            0.5 * alpha * (1 - l1_ratio) * np.sum(coef * coef))


def fit(kind, X, y, alpha, l1_ratio, tol):
    """(objective, gap, tolerance on the gap's scale, convergence warnings) of one fit
    or path (the path's objective: the sum over its alphas, on centered data)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if kind == "path":
            Xc = X - X.mean(axis=0) if not sp.issparse(X) else X
            yc = y - y.mean(axis=0)
            alphas = alpha * np.array([30.0, 3.0, 1.0])
            _, coefs, gaps = fastreg.enet_path(Xc, yc, l1_ratio=l1_ratio, alphas=alphas,
                                               tol=tol, max_iter=100_000)
            obj = sum(objective(Xc, yc, coefs[..., k], 0.0, a, l1_ratio)
                      for k, a in enumerate(alphas))
            gap = float(np.max(gaps))
            yy = np.sum(yc.astype(np.float64) ** 2)
        else:
            if kind == "lasso":
                model = fastreg.Lasso(alpha=alpha, tol=tol, max_iter=100_000)
            else:
                cls = fastreg.ElasticNet if kind == "enet" else fastreg.MultiTaskElasticNet
                model = cls(alpha=alpha, l1_ratio=l1_ratio, tol=tol, max_iter=100_000)
            model.fit(X, y)
            obj = objective(X, y, model.coef_, model.intercept_, alpha, l1_ratio)
            gap = float(np.max(model.dual_gap_))
            yc = y - y.mean(axis=0)
            yy = np.sum(yc.astype(np.float64) ** 2)
    conv = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    return obj, gap, tol * yy / X.shape[0], conv


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000),
       kind=st.sampled_from(["lasso", "enet", "multitask", "path"]),
       dtype=st.sampled_from([np.float64, np.float32]),
       sparse=st.booleans(),
       tol=st.sampled_from([0.0, 1e-16, 1e-14]),
       scale=st.sampled_from([3e-3, 3e-2]))
@example(seed=38, kind="lasso", dtype=np.float64, sparse=False, tol=0.0, scale=3e-3)
@example(seed=38, kind="lasso", dtype=np.float64, sparse=False, tol=1e-14, scale=3e-3)
def test_tight_tolerance_never_worse(seed, kind, dtype, sparse, tol, scale):
    X, y, a_max = correlated_problem(seed, multitask=kind == "multitask")
    X, y = X.astype(dtype), y.astype(dtype)
    if sparse:
        X = sp.csc_matrix(X)
    l1_ratio = 1.0 if kind in ("lasso", "path") else 0.7
    alpha = a_max * scale / l1_ratio
    obj_ref, _, _, _ = fit(kind, X, y, alpha, l1_ratio, REFERENCE_TOL[dtype])
    obj, gap, tol_abs, conv = fit(kind, X, y, alpha, l1_ratio, tol)
    yc = y - y.mean(axis=0)
    scale_obj = np.sum(yc.astype(np.float64) ** 2) / X.shape[0]
    assert obj <= obj_ref + SLACK[dtype] * scale_obj, (obj - obj_ref) / scale_obj
    # one warning, and only when the tolerance was not met; it says so and gives the gap
    assert len(conv) == (0 if gap <= tol_abs else 1), [str(w.message) for w in conv]
    if conv:
        message = str(conv[0].message)
        assert "not reachable" in message
        reached = re.search(r"stopped when the gap stopped decreasing, at (\S+) \(", message)
        assert reached and np.isclose(float(reached.group(1)), gap, rtol=1e-5), message


def test_unreachable_stops_before_max_iter():
    """Stuck is not slow: at tol=0 the fit stops on its own, long before a huge
    max_iter, at the gap a reachable tolerance gets to."""
    X, y, a_max = correlated_problem(38)
    alpha = 3e-3 * a_max
    ref = fastreg.Lasso(alpha=alpha, tol=1e-12).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="not reachable"):
        tight = fastreg.Lasso(alpha=alpha, tol=0.0, max_iter=10**6).fit(X, y)
    assert tight.n_iter_ < 10**4
    assert tight.dual_gap_ <= 10 * max(ref.dual_gap_, 1e-15 * np.var(y))
