"""Penalty factors and coefficient bounds: against an accelerated proximal-gradient
reference written here, the KKT conditions recomputed in NumPy, and bad input."""
import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn import linear_model as sk

import fastreg
from reference import kkt_residuals


def problem(n=80, p=12, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + rng.uniform(-1, 1, p)
    X[:, 1] += 0.8 * X[:, 0]                       # some correlation
    y = X @ rng.standard_normal(p) + rng.standard_normal(n) + 2.0
    return X, y


def reference(X, y, alpha, l1_ratio, pf, lower, upper, fit_intercept, sw=None,
              iters=60000):
    """FISTA on the objective with per-feature factors pf (already rescaled) and the
    box [lower, upper]: the prox of t -> a |t| + box is the soft-threshold, clipped."""
    n, p = X.shape
    sw = np.ones(n) if sw is None else sw * (n / np.sum(sw))
    if fit_intercept:
        X = X - np.average(X, axis=0, weights=sw)
        y = y - np.average(y, weights=sw)
    root = np.sqrt(sw)
    X, y = X * root[:, None], y * root
    l2 = alpha * (1 - l1_ratio) * pf
    L = np.linalg.norm(X, 2) ** 2 / n + np.max(l2)
    w = np.clip(np.zeros(p), lower, upper)
    z, t = w.copy(), 1.0
    for _ in range(iters):
        v = z - (-X.T @ (y - X @ z) / n + l2 * z) / L
        thr = alpha * l1_ratio * pf / L
        w_new = np.clip(np.sign(v) * np.maximum(np.abs(v) - thr, 0), lower, upper)
        t_new = (1 + np.sqrt(1 + 4 * t * t)) / 2
        z = w_new + (t - 1) / t_new * (w_new - w)
        w, t = w_new, t_new
    return w


def check_kkt(X, y, coef, alpha, l1_ratio, pf, lower, upper, atol):
    """Optimality of the centered problem, in NumPy: for each feature, the gradient
    of the smooth part plus the penalty's subgradient is in the box's normal cone."""
    Xc, yc = X - X.mean(0), y - y.mean()
    # at a bound (to 1e-12), the residual may push outwards
    r = kkt_residuals(Xc, yc, coef, alpha * l1_ratio * pf, alpha * (1 - l1_ratio) * pf,
                      lower=lower, upper=upper, bound_atol=1e-12, per_sample=True)
    bad = np.flatnonzero(np.abs(r) > atol)
    assert bad.size == 0, list(zip(bad, coef[bad], r[bad], strict=True))


CASES = {
    "factors": dict(penalty_factor=np.linspace(0.2, 3, 12)),
    "box": dict(lower_bounds=-0.4, upper_bounds=np.r_[0.6, np.full(11, 0.3)]),
    "box_without_zero": dict(lower_bounds=np.r_[0.2, np.full(11, -np.inf)],
                             upper_bounds=np.r_[np.inf, -0.1, np.full(10, np.inf)]),
    "factors_and_box": dict(penalty_factor=np.linspace(3, 0.5, 12), lower_bounds=-0.2,
                            upper_bounds=0.5),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("sparse_X", [False, True])
def test_against_reference_and_kkt(case, l1_ratio, sparse_X):
    X, y = problem()
    params = CASES[case]
    p = X.shape[1]
    pf = params.get("penalty_factor", np.ones(p))
    pf = pf * p / pf.sum()
    lower = np.broadcast_to(params.get("lower_bounds", -np.inf), p).astype(float)
    upper = np.broadcast_to(params.get("upper_bounds", np.inf), p).astype(float)
    alpha = 0.08
    est = fastreg.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14,
                             max_iter=100000, **params)
    est.fit(sp.csc_matrix(X) if sparse_X else X, y)
    ref = reference(X, y, alpha, l1_ratio, pf, lower, upper, True)
    assert_allclose(est.coef_, ref, atol=1e-8)
    assert np.all(est.coef_ >= lower) and np.all(est.coef_ <= upper)
    check_kkt(X, y, est.coef_, alpha, l1_ratio, pf, lower, upper, atol=1e-8)
    # the intercept is the one of the centered problem
    assert_allclose(est.intercept_, y.mean() - X.mean(0) @ est.coef_, atol=1e-10)


def test_weights_and_float32():
    X, y = problem(seed=2)
    sw = np.random.default_rng(0).uniform(0.3, 3, X.shape[0])
    params = dict(penalty_factor=np.linspace(0.5, 2, 12), lower_bounds=-0.3,
                  upper_bounds=0.4)
    pf = params["penalty_factor"] * 12 / params["penalty_factor"].sum()
    ref = reference(X, y, 0.05, 0.7, pf, -0.3, 0.4, True, sw)
    est = fastreg.ElasticNet(alpha=0.05, l1_ratio=0.7, tol=1e-14, max_iter=100000,
                             **params).fit(X, y, sample_weight=sw)
    assert_allclose(est.coef_, ref, atol=1e-8)
    est32 = fastreg.ElasticNet(alpha=0.05, l1_ratio=0.7, tol=1e-6, **params).fit(
        X.astype(np.float32), y.astype(np.float32), sample_weight=sw)
    assert est32.coef_.dtype == np.float32
    assert_allclose(est32.coef_, ref, atol=2e-3)


def test_factors_equal_rescaled_columns_in_sklearn():
    """Lasso with factors v_j is the Lasso on columns x_j / v_j, coefficients / v_j."""
    X, y = problem(seed=4)
    v = np.linspace(0.5, 2.5, 12)
    v = v * 12 / v.sum()                 # already summing to p: no rescaling
    ours = fastreg.Lasso(alpha=0.05, tol=1e-14, penalty_factor=v).fit(X, y)
    theirs = sk.Lasso(alpha=0.05, tol=1e-14, max_iter=100000).fit(X / v, y)
    assert_allclose(ours.coef_, theirs.coef_ / v, rtol=1e-7, atol=1e-10)
    # all-equal factors are the unweighted problem (glmnet's rescaling)
    same = fastreg.Lasso(alpha=0.05, tol=1e-14, penalty_factor=np.full(12, 7.0)).fit(X, y)
    plain = fastreg.Lasso(alpha=0.05, tol=1e-14).fit(X, y)
    assert_allclose(same.coef_, plain.coef_, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("sparse_X", [False, True])
@pytest.mark.parametrize("precompute", ["auto", True, False])
def test_unpenalized_features(sparse_X, precompute):
    X, y = problem(seed=5)
    pf = np.ones(12)
    pf[[2, 7]] = 0
    alpha = 50.0                             # every penalized feature is zero
    est = fastreg.Lasso(alpha=alpha, penalty_factor=pf, tol=1e-14,
                        precompute=precompute)
    est.fit(sp.csr_matrix(X) if sparse_X else X, y)
    mask = np.ones(12, bool)
    mask[[2, 7]] = False
    assert np.all(est.coef_[mask] == 0)
    ols = sk.LinearRegression().fit(X[:, [2, 7]], y)
    assert_allclose(est.coef_[[2, 7]], ols.coef_, rtol=1e-10)
    # at a small alpha: the reference, and X_U^T R = 0 exactly (KKT)
    small = fastreg.Lasso(alpha=0.02, penalty_factor=pf, tol=1e-14,
                          precompute=precompute).fit(
        sp.csr_matrix(X) if sparse_X else X, y)
    pf_s = pf * 12 / pf.sum()
    assert_allclose(small.coef_, reference(X, y, 0.02, 1.0, pf_s, -np.inf, np.inf,
                                           True, iters=200000), atol=1e-8)
    check_kkt(X, y, small.coef_, 0.02, 1.0, pf_s, np.full(12, -np.inf),
              np.full(12, np.inf), atol=1e-9)


def test_path_grid_and_cv_with_factors():
    X, y = problem(seed=6)
    pf = np.r_[0.0, np.linspace(0.5, 2, 11)]
    yc = y - y.mean()
    Xc = X - X.mean(0)
    alphas, coefs, gaps = fastreg.lasso_path(Xc, yc, penalty_factor=pf, tol=1e-12)
    # the grid starts where the penalized features just all vanish
    assert np.all(coefs[1:, 0] == 0) and coefs[0, 0] != 0
    _, c2, _ = fastreg.lasso_path(Xc, yc, penalty_factor=pf, tol=1e-12,
                                  alphas=[alphas[0] * 0.97])
    assert np.any(c2[1:, 0] != 0)
    pf = pf + 0.25          # (an unpenalized feature cannot also be bounded)
    cv = fastreg.LassoCV(penalty_factor=pf, lower_bounds=-1, upper_bounds=1, cv=4,
                         tol=1e-10).fit(X, y)
    assert cv.alpha_ in cv.alphas_
    assert np.all(np.abs(cv.coef_) <= 1)
    refit = fastreg.Lasso(alpha=cv.alpha_, penalty_factor=pf, lower_bounds=-1,
                          upper_bounds=1, tol=1e-10).fit(X, y)
    assert_allclose(cv.coef_, refit.coef_, rtol=1e-6, atol=1e-9)


def test_positive_is_lower_bound_zero():
    X, y = problem(seed=7)
    a = fastreg.ElasticNet(alpha=0.05, positive=True, tol=1e-14).fit(X, y)
    b = fastreg.ElasticNet(alpha=0.05, lower_bounds=0.0, upper_bounds=np.inf,
                           tol=1e-14).fit(X, y)
    assert_allclose(a.coef_, b.coef_, rtol=1e-9, atol=1e-12)


def test_constant_column_with_bounds_excluding_zero():
    X, y = problem(seed=8)
    X[:, 3] = 4.0                            # absorbed by the intercept
    est = fastreg.Lasso(alpha=0.05, lower_bounds=np.r_[0, 0, 0, 0.5, np.zeros(8)],
                        upper_bounds=np.inf, tol=1e-12).fit(X, y)
    assert est.coef_[3] == 0.5               # the bound closest to 0
    plain = fastreg.Lasso(alpha=0.05, positive=True, tol=1e-12).fit(X, y)
    assert_allclose(est.predict(X), plain.predict(X), rtol=1e-9)


@pytest.mark.parametrize("params, match", [
    (dict(penalty_factor=np.ones(5)), "penalty_factor has shape"),
    (dict(penalty_factor=-np.ones(12)), "non-negative"),
    (dict(penalty_factor=np.r_[np.nan, np.ones(11)]), "NaN"),
    (dict(penalty_factor=np.full(12, np.inf)), "Every feature is excluded"),
    (dict(penalty_factor=np.zeros(12)), "every feature"),
    (dict(lower_bounds=1.0, upper_bounds=0.0), "lower_bounds > upper_bounds"),
    (dict(lower_bounds=np.inf), "lower_bounds must be < inf"),
    (dict(upper_bounds=np.ones(3)), "upper_bounds has shape"),
    (dict(penalty_factor=np.r_[0, np.ones(11)], lower_bounds=0.0), "cannot also have"),
    (dict(penalty_factor=np.r_[0, np.ones(11)], positive=True), "cannot also have"),
    (dict(lower_bounds="a"), "numeric"),
])
def test_bad_penalty_input(params, match):
    X, y = problem()
    for est in (fastreg.ElasticNet(**params), fastreg.ElasticNetCV(cv=3, **params)):
        with pytest.raises(ValueError, match=match):
            est.fit(X, y)
    path_params = {k: v for k, v in params.items() if k != "positive"}
    with pytest.raises(ValueError, match=match):
        fastreg.enet_path(X, y, positive=params.get("positive", False), **path_params)


def test_huge_finite_bounds_equal_no_bounds():
    """Bounds near the largest float: the gap formula must not overflow into a false
    certificate (h* written as t (v -/+ l1))."""
    X, y = problem(seed=9)
    big = np.finfo(np.float64).max
    plain = fastreg.Lasso(alpha=0.05, tol=1e-12).fit(X, y)
    for bound in (big, 1e300, 1e10):
        est = fastreg.Lasso(alpha=0.05, tol=1e-12, lower_bounds=-bound,
                            upper_bounds=bound).fit(X, y)
        assert_allclose(est.coef_, plain.coef_, rtol=1e-7, atol=1e-9)
        assert est.dual_gap_ <= 1e-12 * np.var(y)


@pytest.mark.parametrize("bounds", [dict(lower_bounds=0.7), dict(upper_bounds=-0.1),
                                    dict(lower_bounds=-0.3, upper_bounds=0.1)])
def test_float32_bounds_not_representable(bounds):
    """float32(0.7) < 0.7: the bounds are rounded inwards, never a spurious error."""
    X, y = problem(seed=10)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    est = fastreg.Lasso(alpha=0.01, tol=1e-6, warm_start=True, **bounds)
    est.fit(X32, y32)
    est.fit(X32, y32)                       # warm start from a clipped solution
    lo = bounds.get("lower_bounds", -np.inf)
    hi = bounds.get("upper_bounds", np.inf)
    assert np.all(est.coef_ >= lo) and np.all(est.coef_ <= hi)
    ref = fastreg.Lasso(alpha=0.01, tol=1e-12, **bounds).fit(X, y)
    assert_allclose(est.coef_, ref.coef_, atol=2e-3)
    fastreg.lasso_path(X32 - X32.mean(0), y32 - y32.mean(), alphas=5, **bounds)


def test_grid_starts_at_the_box_point_closest_to_zero():
    X, y = problem(seed=11)
    Xc, yc = X - X.mean(0), y - y.mean()
    lower = np.r_[1.0, np.full(11, -np.inf)]        # feature 0 can never be 0
    alphas, coefs, _ = fastreg.lasso_path(Xc, yc, lower_bounds=lower, tol=1e-12)
    assert coefs[0, 0] == 1.0 and np.all(coefs[1:, 0] == 0)
    _, c2, _ = fastreg.lasso_path(Xc, yc, lower_bounds=lower, tol=1e-12,
                                  alphas=[alphas[0] * 0.97])
    assert np.any(c2[1:, 0] != 0)
    # no feature can be 0: the grid still spans the scale of the gradients
    alphas, _, _ = fastreg.lasso_path(Xc, yc, lower_bounds=0.5, alphas=10)
    assert alphas[0] > 1e-6


def test_huge_penalty_factors_are_rescaled_without_overflow():
    X, y = problem(seed=12)
    a = fastreg.Lasso(alpha=0.05, tol=1e-12, penalty_factor=np.full(12, 1e308)).fit(X, y)
    b = fastreg.Lasso(alpha=0.05, tol=1e-12).fit(X, y)
    assert_allclose(a.coef_, b.coef_, rtol=1e-9, atol=1e-12)


def test_unpenalized_with_sparse_columns_of_very_different_scales():
    """A legitimately tiny column (1e-7 next to 1e3) keeps its coefficient when other
    features are unpenalized (the projected norms are judged column by column)."""
    rng = np.random.default_rng(13)
    X = rng.standard_normal((120, 6))
    X[:, 1] *= 1e-7
    X[:, 2] *= 1e3
    y = X[:, 1] * 1e7 + X[:, 3] + 0.1 * rng.standard_normal(120)
    pf = np.ones(6)
    pf[0] = 0
    # (a coefficient of 1e7 costs alpha * 1e7: a small alpha keeps it)
    kw = dict(alpha=1e-9, penalty_factor=pf, tol=1e-8)    # (condition number ~1e20)
    dense = fastreg.Lasso(**kw).fit(X, y)
    sparse_fit = fastreg.Lasso(precompute=False, **kw).fit(sp.csc_matrix(X), y)
    assert abs(dense.coef_[1] - 1e7) < 5e5
    assert_allclose(sparse_fit.coef_, dense.coef_, rtol=1e-3, atol=1e-3)
