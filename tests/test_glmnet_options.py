"""glmnet's conveniences: ``exclude`` (and ``penalty_factor=np.inf``),
``store_cv_results`` (glmnet's ``keep=TRUE``), ``scoring`` (``type.measure``) and
``standardize``.

Two kinds of checks: NumPy re-computations (an excluded feature is a dropped column;
out-of-fold predictions are the folds refitted by hand; ...), and R glmnet's own
outputs, stored in ``tests/glmnet/cv*.json`` by ``tests/glmnet/cv.R`` (driven by
``tests/glmnet/make_cv.py``; the tests read the fixtures and do not need R).
"""
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal

import fastreg

FIXTURES = Path(__file__).parent / "glmnet"


def problem(n=60, p=10, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3, p) + rng.uniform(-1, 1, p)
    X[:, 1] += 0.7 * X[:, 0]
    y = X[:, :4] @ np.array([1.5, -2.0, 1.0, 0.5]) + rng.standard_normal(n) + 3.0
    return X.astype(dtype), y.astype(dtype)


def weights(n, seed=1):
    return np.random.default_rng(seed).uniform(0.2, 3.0, n)


# ---------------------------------------------------------------------------------------
# exclude / penalty_factor = inf
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_exclude_equals_dropping_the_columns(dtype, sparse, weighted, l1_ratio):
    X, y = problem(dtype=dtype)
    sw = weights(len(y)) if weighted else None
    drop = [1, 6]
    keep = np.setdiff1d(np.arange(X.shape[1]), drop)
    Xf = sp.csc_matrix(X) if sparse else X
    Xd = sp.csc_matrix(X[:, keep]) if sparse else X[:, keep]
    tol = 1e-10 if dtype == np.float64 else 1e-6
    rtol = 1e-7 if dtype == np.float64 else 2e-3
    fit = fastreg.ElasticNet(alpha=0.05, l1_ratio=l1_ratio, exclude=drop, tol=tol)
    fit.fit(Xf, y, sample_weight=sw)
    ref = fastreg.ElasticNet(alpha=0.05, l1_ratio=l1_ratio, tol=tol).fit(
        Xd, y, sample_weight=sw)
    assert_array_equal(fit.coef_[drop], 0)
    assert np.count_nonzero(fit.coef_[keep]) > 3
    assert_allclose(fit.coef_[keep], ref.coef_, rtol=rtol, atol=rtol * 1e-2)
    assert_allclose(fit.intercept_, ref.intercept_, rtol=rtol, atol=rtol)
    # penalty_factor = inf is the same exclusion
    pf = np.ones(X.shape[1])
    pf[drop] = np.inf
    inf = fastreg.ElasticNet(alpha=0.05, l1_ratio=l1_ratio, penalty_factor=pf,
                             tol=tol).fit(Xf, y, sample_weight=sw)
    assert_array_equal(inf.coef_, fit.coef_)


@pytest.mark.parametrize("sparse", [False, True])
def test_exclude_in_cv_and_path(sparse):
    X, y = problem(n=80)
    drop = [0, 3]
    keep = np.setdiff1d(np.arange(X.shape[1]), drop)
    Xf = sp.csr_matrix(X) if sparse else X
    cv = fastreg.LassoCV(cv=4, exclude=drop, tol=1e-10).fit(Xf, y)
    ref = fastreg.LassoCV(cv=4, tol=1e-10).fit(X[:, keep], y)
    # alpha_max (the grid) is computed without the excluded features
    assert_allclose(cv.alphas_, ref.alphas_, rtol=1e-12)
    assert_allclose(cv.mse_path_, ref.mse_path_, rtol=1e-7)
    assert_allclose(cv.alpha_, ref.alpha_, rtol=1e-12)
    assert_array_equal(cv.coef_[drop], 0)
    assert_allclose(cv.coef_[keep], ref.coef_, rtol=1e-7, atol=1e-9)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    alphas, coefs, gaps = fastreg.lasso_path(Xc, yc, alphas=20, exclude=drop,
                                             tol=1e-10)
    ralphas, rcoefs, _ = fastreg.lasso_path(Xc[:, keep], yc, alphas=20, tol=1e-10)
    assert_allclose(alphas, ralphas, rtol=1e-12)
    assert_array_equal(coefs[drop], 0)
    assert_allclose(coefs[keep], rcoefs, rtol=1e-7, atol=1e-9)
    # the duality gap is that of the problem without the excluded features
    assert np.all(gaps <= 1e-10 * (yc @ yc) / len(yc))


def test_exclude_counts_as_factor_one_in_the_rescaling():
    """glmnet resets an excluded feature's factor to 1 before it rescales the
    factors to sum to n_features: the others keep the penalties they would have in
    the full problem."""
    X, y = problem()
    pf = np.linspace(0.5, 2.0, X.shape[1])
    pf[4] = np.inf
    fit = fastreg.Lasso(alpha=0.05, penalty_factor=pf, tol=1e-12).fit(X, y)
    keep = np.delete(np.arange(X.shape[1]), 4)
    scaled = np.where(np.isinf(pf), 1.0, pf)
    scaled = scaled * len(pf) / scaled.sum()
    # the same model on the kept columns, with their factors fixed (sum to p - 1)
    sub = scaled[keep] * (len(keep) / scaled[keep].sum())
    alpha = 0.05 * scaled[keep].sum() / len(keep)
    ref = fastreg.Lasso(alpha=alpha, penalty_factor=sub, tol=1e-12).fit(X[:, keep], y)
    assert fit.coef_[4] == 0
    assert_allclose(fit.coef_[keep], ref.coef_, rtol=1e-8, atol=1e-10)


def test_exclude_with_bounds_and_unpenalized():
    X, y = problem()
    pf = np.ones(X.shape[1])
    pf[2] = 0
    fit = fastreg.Lasso(alpha=0.1, penalty_factor=pf, exclude=[5, 7],
                        lower_bounds=np.where(pf == 0, -np.inf, -0.3)).fit(X, y)
    assert fit.coef_[5] == 0 and fit.coef_[7] == 0
    assert fit.coef_[2] != 0
    assert np.all(fit.coef_ >= -0.3 - 1e-12)


@pytest.mark.parametrize("exclude, match", [
    ([10], r"exclude: feature index 10 is out of range"),
    ([-1], r"exclude: feature index -1 is out of range"),
    ([0.5], r"exclude must be a list of feature indices"),
    ([[0, 1]], r"exclude must be a list of feature indices"),
    (list(range(10)), r"Every feature is excluded"),
])
def test_exclude_errors(exclude, match):
    X, y = problem()
    with pytest.raises(ValueError, match=match):
        fastreg.Lasso(exclude=exclude).fit(X, y)


def test_penalty_factor_errors():
    X, y = problem()
    with pytest.raises(ValueError, match="penalty_factor must be non-negative"):
        fastreg.Lasso(penalty_factor=-np.ones(10)).fit(X, y)
    pf = np.zeros(10)
    pf[0] = np.inf
    with pytest.raises(ValueError, match="that is not excluded"):
        fastreg.Lasso(penalty_factor=pf).fit(X, y)
    with pytest.raises(ValueError, match="not supported for a 2-D y"):
        fastreg.enet_path(X, np.c_[y, y], exclude=[1])
