"""Check numerically that our glmnet adapters solve scikit-learn's problem.

Not a benchmark: with standardize=False and the (lambda, mixing) mapping of
`solvers.to_glmnet`, each glmnet wrapper must reach scikit-learn's objective at a tight
threshold, for the lasso and for the elastic net (where the naive mapping
lambda = alpha, mixing = l1_ratio is measurably wrong: the check below shows it).
"""
import warnings

import numpy as np
import pytest

from bench import solvers, workloads


def _problem():
    X, y = workloads.synthetic(200, 40, seed=1)
    return X, 3.0 * y + 5.0  # sd(y) far from 1, so a wrong L2 mapping shows


def _objective(X, y, w, alpha, l1_ratio):
    r = (y - y.mean()) - (X - X.mean(axis=0)) @ w
    return (r @ r / (2 * len(y)) + alpha * l1_ratio * np.abs(w).sum()
            + 0.5 * alpha * (1 - l1_ratio) * w @ w)


@pytest.mark.parametrize("name", ["glmnet-rs", "python-glmnet", "R-glmnet"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.1])
def test_glmnet_mapping_matches_sklearn(name, l1_ratio):
    from sklearn.linear_model import ElasticNet

    solver = solvers.get(name)
    if solver.unavailable:
        pytest.skip(solver.unavailable)
    X, y = _problem()
    alpha = workloads.alpha_max(X, y, l1_ratio) / 20
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=10**6).fit(X, y)
    f_ref = _objective(X, y, ref.coef_, alpha, l1_ratio)
    f_null = _objective(X, y, np.zeros(X.shape[1]), alpha, l1_ratio)

    ys = solvers.glmnet_scale(y, fit_intercept=True)
    lambdas, mixing = solvers.to_glmnet([alpha], l1_ratio, ys)
    coefs = solver.solve_path(np.asfortranarray(X), y, lambdas, mixing, True, 1e-14)
    f = _objective(X, y, coefs[:, 0], alpha, l1_ratio)
    assert (f - f_ref) / f_null < 1e-10

    if l1_ratio < 1:  # the naive mapping solves another problem
        naive = solver.solve_path(np.asfortranarray(X), y, np.array([alpha]), l1_ratio, True,
                                  1e-14)
        assert (_objective(X, y, naive[:, 0], alpha, l1_ratio) - f_ref) / f_null > 1e-6


def test_r_glmnet_sparse_and_cv_match_fastreg():
    """R glmnet's adapter on sparse X and its cross-validation (the same folds)."""
    import scipy.sparse as sp

    import fastreg
    solver = solvers.get("R-glmnet")
    if solver.unavailable:
        pytest.skip(solver.unavailable)
    X, y = _problem()
    Xs = sp.csc_matrix(np.where(np.abs(X) > 0.8, X, 0.0))
    alpha = workloads.alpha_max(Xs.toarray(), y, 1.0) / 10
    ref = fastreg.Lasso(alpha=alpha, tol=1e-14).fit(Xs, y)
    ys = solvers.glmnet_scale(y, fit_intercept=True)
    lambdas, mixing = solvers.to_glmnet([alpha], 1.0, ys)
    coefs = solver.solve_path(Xs, y, lambdas, mixing, True, 1e-14)
    np.testing.assert_allclose(coefs[:, 0], ref.coef_, rtol=1e-5, atol=1e-6)
    assert solver._seconds > 0
    foldid = np.arange(len(y)) % 5
    grid = np.geomspace(alpha * 5, alpha / 5, 10)
    folds = [(np.flatnonzero(foldid != k), np.flatnonzero(foldid == k)) for k in range(5)]
    cv = fastreg.LassoCV(alphas=grid, cv=folds, tol=1e-14).fit(X, y)
    err, idx, coef = solver.solve_cv(np.asfortranarray(X), y, grid, 1.0, 1e-14, foldid, 1)
    assert grid[idx] == cv.alpha_
    np.testing.assert_allclose(err, cv.mse_path_.mean(axis=1)[idx], rtol=1e-6)
    np.testing.assert_allclose(coef, cv.coef_, rtol=1e-5, atol=1e-6)
