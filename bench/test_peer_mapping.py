"""Check numerically that the sklearnex and glum adapters, and the multi-task
adapters of celer, skglm and R glmnet, solve scikit-learn's problem.

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


def _mt_workload(family, alphas, fit_intercept, tol=1e-12):
    X, Y = workloads.synthetic_multitask(200, 40, 3, seed=1)
    Y = 3.0 * Y + 5.0
    if not fit_intercept:  # the grid's multi-task paths run on centered data
        X, Y = X - X.mean(axis=0), Y - Y.mean(axis=0)
    spec = workloads.Spec(id="mapping-mt", family=family, source=("synthetic_mt",),
                          fit_intercept=fit_intercept)
    X = np.asfortranarray(X)
    return workloads.Workload(spec=spec, X=X, y=np.ascontiguousarray(Y),
                              alphas=np.asarray(alphas, dtype=np.float64), tol=tol,
                              accuracy=0.0, X64=X, y64=Y)


def _mt_objective(X, Y, W, alpha):
    R = (Y - Y.mean(axis=0)) - (X - X.mean(axis=0)) @ W.T
    return np.sum(R * R) / (2 * len(Y)) + alpha * np.linalg.norm(W, axis=0).sum()


def _full_mode_only(request, name):
    """skglm's multi-task solver compiles (numba) for 20 s to minutes on a loaded
    machine, and every R glmnet call starts R: their multi-task checks run with
    `--bench-mode=full` (python -m bench, or pytest bench --bench-mode=full), not in the
    quick run CI makes."""
    if name in ("skglm", "R-glmnet") and \
            request.config.getoption("--bench-mode", default="full") != "full":
        pytest.skip(f"{name}'s multi-task check: --bench-mode=full only")


@pytest.mark.parametrize("name", ["celer", "skglm", "R-glmnet"])
@pytest.mark.parametrize("family", ["mtfit", "mtpath"])
def test_multitask_mapping_matches_sklearn(name, family, request):
    """Multi-task Lasso (the grid's mtfit with intercept, mtpath on centered data)."""
    from sklearn.linear_model import MultiTaskLasso
    _full_mode_only(request, name)
    solver = _solver(name)
    probe = _mt_workload(family, [1.0], True)
    amax = workloads.alpha_max(probe.X64, probe.y64, 1.0)
    alphas = [amax / 20] if family == "mtfit" else list(amax * np.geomspace(1, 1e-2, 5))
    wl = _mt_workload(family, alphas, family == "mtfit")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coefs = np.asarray(solver.build(wl)().coefs).reshape(wl.y.shape[1], wl.X.shape[1], -1)
        for k, alpha in enumerate(alphas):
            ref = MultiTaskLasso(alpha=alpha, tol=1e-14, max_iter=10**6,
                                 fit_intercept=wl.spec.fit_intercept).fit(wl.X64, wl.y64)
            f_ref = _mt_objective(wl.X64, wl.y64, ref.coef_, alpha)
            f_null = _mt_objective(wl.X64, wl.y64, np.zeros_like(ref.coef_), alpha)
            f = _mt_objective(wl.X64, wl.y64, coefs[:, :, k], alpha)
            assert abs(f - f_ref) / f_null < 1e-9, (k, alpha)


def test_r_glmnet_multitask_cv_matches_fastreg(request):
    """R glmnet's mgaussian cross-validation on the grid's folds and alphas picks
    fastreg's MultiTaskLassoCV alpha and coefficients."""
    import fastreg
    _full_mode_only(request, "R-glmnet")
    solver = _solver("R-glmnet")
    wl = _mt_workload("mtcv", [], True, tol=1e-14)
    result = solver.build(wl)()
    cv = fastreg.MultiTaskLassoCV(alphas=workloads.N_ALPHAS, cv=solvers._cv_folds(200),
                                  tol=1e-14, max_iter=10**6).fit(wl.X, wl.y)
    np.testing.assert_allclose(result.alphas[0], cv.alpha_, rtol=1e-9)
    np.testing.assert_allclose(result.coefs, cv.coef_, rtol=1e-5, atol=1e-6)

