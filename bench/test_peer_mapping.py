"""Check numerically that the sklearnex and glum adapters solve scikit-learn's problem.

Not a benchmark: each adapter, run on a small workload at a tight tolerance, must reach
scikit-learn's objective (elastic net and lasso: relative suboptimality against a
tol=1e-14 scikit-learn fit; Ridge: the exact solution), for a single alpha and, where the
peer has one, for a path.
"""
import warnings

import numpy as np
import pytest
from sklearn.linear_model import ElasticNet, Ridge

from bench import solvers, workloads


def _workload(family, l1_ratio, alphas, tol=1e-12):
    X, y = workloads.synthetic(300, 30, seed=3)
    y = 3.0 * y + 5.0
    spec = workloads.Spec(id="mapping", family=family, source=("synthetic",),
                          l1_ratio=l1_ratio)
    return workloads.Workload(spec=spec, X=np.asfortranarray(X), y=y,
                              alphas=np.asarray(alphas, dtype=np.float64), tol=tol,
                              accuracy=0.0, X64=X, y64=y)


def _objective(X, y, w, alpha, l1_ratio):
    r = (y - y.mean()) - (X - X.mean(axis=0)) @ w
    return (r @ r / (2 * len(y)) + alpha * l1_ratio * np.abs(w).sum()
            + 0.5 * alpha * (1 - l1_ratio) * w @ w)


def _solver(name):
    solver = solvers.get(name)
    if solver.unavailable:
        pytest.skip(solver.unavailable)
    return solver


@pytest.mark.parametrize("name", ["sklearnex", "glum"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.1])
@pytest.mark.parametrize("family", ["fit", "path"])
def test_enet_mapping_matches_sklearn(name, l1_ratio, family):
    solver = _solver(name)
    X, y = workloads.synthetic(300, 30, seed=3)
    y = 3.0 * y + 5.0
    amax = workloads.alpha_max(X, y, l1_ratio)
    alphas = [amax / 20] if family == "fit" else list(amax * np.geomspace(1, 1e-2, 5))
    wl = _workload(family, l1_ratio, alphas)
    try:
        call = solver.build(wl)
    except solvers.Unsupported as exc:
        assert family == "path" and name == "sklearnex", exc
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = call()
        coefs = np.asarray(result.coefs).reshape(X.shape[1], -1)
        for k, alpha in enumerate(alphas):
            ref = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14,
                             max_iter=10**6).fit(X, y)
            f_ref = _objective(X, y, ref.coef_, alpha, l1_ratio)
            f_null = _objective(X, y, np.zeros(X.shape[1]), alpha, l1_ratio)
            f = _objective(X, y, coefs[:, k], alpha, l1_ratio)
            assert (f - f_ref) / f_null < 1e-9, (k, alpha)


@pytest.mark.parametrize("name", ["sklearnex", "glum"])
def test_ridge_mapping_matches_sklearn(name):
    solver = _solver(name)
    wl = _workload("ridge", 0.0, [7.0], tol=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coef = solver.build(wl)().coefs
    ref = Ridge(alpha=7.0).fit(wl.X64, wl.y64).coef_
    assert np.max(np.abs(coef - ref)) <= 1e-7 * np.max(np.abs(ref))
