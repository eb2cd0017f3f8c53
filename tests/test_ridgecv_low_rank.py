"""RidgeCV's low-rank filter (_ridge_loo._low_rank_filter): on tall designs the
leave-one-out diagonal and fit go through a truncated SVD of D = 1 / (lam + alpha);
the results must match scikit-learn's RidgeCV and an exact float128 leave-one-out."""
import numpy as np
import pytest
from scipy import sparse
from sklearn.linear_model import RidgeCV as SkRidgeCV

import fastreg._ridge_loo as loo
from fastreg import RidgeCV

ALPHAS = np.logspace(-3, 3, 100)


def _design(n=1500, p=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    return X, y


def _exact_loo(X, y, sw, alpha, fit_intercept):
    """Mean squared (sqrt(sw)-scaled) leave-one-out residuals from the closed form
    on the hat matrix, in long double."""
    Xl = np.asarray(X, dtype=np.longdouble)
    s = np.sqrt(np.asarray(sw, dtype=np.longdouble))
    if fit_intercept:
        Xl = np.hstack([Xl, np.ones((len(Xl), 1), dtype=np.longdouble)])
    A = Xl * s[:, None]
    b = np.asarray(y, dtype=np.longdouble) * s
    pen = np.eye(A.shape[1], dtype=np.longdouble) * alpha
    if fit_intercept:
        pen[-1, -1] = 0
    G = A.T @ A + pen
    # solve by Gaussian elimination in long double (numpy.linalg has no float128)
    Ginv = _inv(G)
    AG = A @ Ginv
    h = np.sum(AG * A, axis=1)
    res = (b - AG @ (A.T @ b)) / (1 - h)
    return float(np.mean(res ** 2))


def _inv(G):
    n = len(G)
    M = np.hstack([G.copy(), np.eye(n, dtype=G.dtype)])
    for c in range(n):
        piv = c + int(np.argmax(np.abs(M[c:, c])))
        M[[c, piv]] = M[[piv, c]]
        M[c] /= M[c, c]
        others = np.arange(n) != c
        M[others] -= np.outer(M[others, c], M[c])
    return M[:, n:]


def test_low_rank_filter_accuracy():
    rng = np.random.default_rng(3)
    lam = np.sort(rng.uniform(1e4, 3e4, 60))
    D = 1.0 / (lam[:, None] + ALPHAS[None, :])
    L, R = loo._low_rank_filter(D)
    assert L.shape[1] < 15
    err = np.abs(L @ R - D) / D.min(axis=0)
    assert err.max() < 1e3 * np.finfo(float).eps
    # not worth it / not applicable: None
    assert loo._low_rank_filter(D[:, :5]) is None
    assert loo._low_rank_filter(np.full((20, 20), np.inf)) is None
    wild = 1.0 / (np.logspace(-8, 8, 60)[:, None] + ALPHAS[None, :])
    res = loo._low_rank_filter(wild)
    if res is not None:
        assert np.max(np.abs(res[0] @ res[1] - wild) / wild.min(axis=0)) < 1e-12


@pytest.fixture
def used(monkeypatch):
    calls = []
    orig = loo._low_rank_filter

    def spy(D):
        out = orig(D)
        calls.append(out is not None)
        return out
    monkeypatch.setattr(loo, "_low_rank_filter", spy)
    return calls


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("order", ["C", "F"])
def test_matches_sklearn(used, fit_intercept, weighted, order):
    X, y = _design()
    X = np.asarray(X, order=order)
    sw = np.random.default_rng(5).uniform(0.5, 2, len(y)) if weighted else None
    ours = RidgeCV(alphas=ALPHAS, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    assert any(used)
    theirs = SkRidgeCV(alphas=ALPHAS, fit_intercept=fit_intercept).fit(
        X, y, sample_weight=sw)
    assert ours.alpha_ == theirs.alpha_
    np.testing.assert_allclose(ours.best_score_, theirs.best_score_, rtol=1e-11)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-10, atol=1e-12)
    # cv results (the loo_blocks path) agree with the default score's path
    stored = RidgeCV(alphas=ALPHAS, fit_intercept=fit_intercept,
                     store_cv_results=True).fit(X, y, sample_weight=sw)
    sk_stored = SkRidgeCV(alphas=ALPHAS, fit_intercept=fit_intercept,
                          store_cv_results=True).fit(X, y, sample_weight=sw)
    if not weighted:   # (with weights, the stored values are the unscaled errors)
        np.testing.assert_allclose(-stored.cv_results_.mean(axis=0).min(),
                                   ours.best_score_, rtol=1e-11)
    np.testing.assert_allclose(stored.cv_results_, sk_stored.cv_results_,
                               rtol=1e-7, atol=1e-12 * np.max(sk_stored.cv_results_))


def test_sparse_equals_dense(used):
    X, y = _design(n=1200, p=30, seed=2)
    X[np.abs(X) < 0.8] = 0
    dense = RidgeCV(alphas=ALPHAS).fit(X, y)
    sp = RidgeCV(alphas=ALPHAS).fit(sparse.csr_matrix(X), y)
    assert any(used)
    assert dense.alpha_ == sp.alpha_
    np.testing.assert_allclose(dense.best_score_, sp.best_score_, rtol=1e-11)
    np.testing.assert_allclose(dense.coef_, sp.coef_, rtol=1e-10)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_exact_float128(used, fit_intercept):
    X, y = _design(n=3000, p=60, seed=7)
    sw = np.random.default_rng(8).uniform(0.5, 2, len(y))
    alphas = np.logspace(-2, 1, 100)
    ours = RidgeCV(alphas=alphas, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    assert any(used)
    exact = _exact_loo(X, y, sw, ours.alpha_, fit_intercept)
    np.testing.assert_allclose(-ours.best_score_, exact, rtol=1e-12)
    # the neighbours of the chosen alpha score no better, exactly
    j = int(np.flatnonzero(alphas == ours.alpha_)[0])
    for jj in (j - 1, j + 1):
        if 0 <= jj < len(alphas):
            assert _exact_loo(X, y, sw, alphas[jj], fit_intercept) >= exact


def test_interpolated_filter_accuracy():
    """Chebyshev interpolation in alpha: every entry of D within max(64, r) ulps of
    itself on a spectrum spread over decades (where the SVD's normwise floor loses the
    small entries), the eigenvalues near the alphas kept exactly."""
    eps = np.finfo(float).eps
    lam = np.concatenate([np.logspace(3.5, 5, 55), [1e-2, 0.3, 2.0, 40.0, 900.0]])
    D = 1.0 / (lam[:, None] + ALPHAS[None, :])
    L, R = loo._interpolated_filter(lam, ALPHAS)
    assert L.shape[1] < 25
    assert np.max(np.abs(L @ R - D) / D) <= max(64, len(lam)) * eps
    # the smallest eigenvalues' rows are D's own (exactly)
    for j in (55, 56, 57):
        col = np.flatnonzero(L[j])
        assert len(col) == 1 and L[j, col[0]] == 1.0
        assert np.array_equal(R[col[0]], D[j])
    # an alpha on an interpolation point, duplicates: still exact to rounding
    alphas = np.concatenate([ALPHAS, [ALPHAS[0], 500.0005]])
    D2 = 1.0 / (lam[:, None] + alphas[None, :])
    L2, R2 = loo._interpolated_filter(lam, alphas)
    assert np.max(np.abs(L2 @ R2 - D2) / D2) <= max(64, len(lam)) * eps
    # not applicable / not worth it
    assert loo._interpolated_filter(lam, ALPHAS[:5]) is None
    assert loo._interpolated_filter(lam, np.full(20, 3.0)) is None
    assert loo._interpolated_filter(np.full(20, np.inf), ALPHAS) is None
    assert loo._interpolated_filter(np.logspace(-9, -4, 60), ALPHAS) is None


def _ar1(n, p, rho=0.6, seed=0, mean=0.0):
    rng = np.random.default_rng(seed)
    X = np.empty((n, p), order="F")
    X[:, 0] = rng.standard_normal(n)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho ** 2) * rng.standard_normal(n)
    y = X[:, :5] @ rng.uniform(0.5, 2, 5) + rng.standard_normal(n)
    return X + mean, y


@pytest.fixture
def interpolated(monkeypatch):
    calls = []
    orig = loo._interpolated_filter

    def spy(lam, alphas):
        out = orig(lam, alphas)
        calls.append(out is not None)
        return out
    monkeypatch.setattr(loo, "_interpolated_filter", spy)
    return calls


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("mean", [0.0, 1e4])
def test_interpolated_matches_sklearn_and_exact(interpolated, order, mean):
    """A tall correlated design (spectrum spread 20x: the SVD filter does not apply)
    with large column means (X centered by blocks inside the products, not copied):
    the interpolated filter's scores match scikit-learn's and the exact float128 ones;
    X is left as it was."""
    X, y = _ar1(4000, 40, mean=mean)
    X = np.asarray(X, order=order)
    X0 = X.copy()
    alphas = np.logspace(-3, 2, 100)
    ours = RidgeCV(alphas=alphas).fit(X, y)
    assert any(interpolated)
    assert np.array_equal(X, X0)
    theirs = SkRidgeCV(alphas=alphas).fit(X, y)
    assert ours.alpha_ == theirs.alpha_
    np.testing.assert_allclose(ours.best_score_, theirs.best_score_, rtol=1e-10)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-9, atol=1e-12)
    # (the reference from X centered in long double: the intercept's column beside
    # means of 1e4 would cost the elimination 8 digits; the hat matrix is the same)
    Xl = np.asarray(X, dtype=np.longdouble)
    exact = _exact_loo(Xl - Xl.mean(axis=0), y, np.ones(len(y)), ours.alpha_, True)
    np.testing.assert_allclose(-ours.best_score_, exact, rtol=1e-12)
    stored = RidgeCV(alphas=alphas, store_cv_results=True).fit(X, y)
    np.testing.assert_allclose(-stored.cv_results_.mean(axis=0).min(),
                               ours.best_score_, rtol=1e-11)
