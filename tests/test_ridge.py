"""Ridge and RidgeCV: exactness (against independent solutions, brute-force leave-one-out
and scikit-learn), solver agreement, scikit-learn API conformance and input validation."""
import signal
import time
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import sparse
from scipy.optimize import lsq_linear, nnls
from sklearn import linear_model as sk
from sklearn.model_selection import KFold

from fastreg import _ridge
from fastreg._ridge import Ridge, RidgeCV
from reference import ridge_objective

DATASETS = ["diabetes", "prostate", "riboflavin", "california_housing", "ames"]


def rel_err(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300)


def exact_ridge(X, y, alpha, sw=None, fit_intercept=True):
    """Independent solution: normal equations of [X, 1] with an unpenalized intercept,
    in extended precision where available."""
    n, p = X.shape
    sw = np.ones(n) if sw is None else sw
    A = np.hstack([X, np.ones((n, 1))]) if fit_intercept else X
    A = A.astype(np.longdouble)
    P = np.eye(A.shape[1], dtype=np.longdouble) * alpha
    if fit_intercept:
        P[-1, -1] = 0
    M = A.T @ (A * sw[:, None]) + P
    sol = np.linalg.solve(M.astype(np.float64), (A.T @ (sw * y)).astype(np.float64))
    # one step of refinement in extended precision
    r = (A.T @ (sw * y)) - M @ sol
    sol = sol + np.linalg.solve(M.astype(np.float64), r.astype(np.float64))
    return (sol[:p], sol[p]) if fit_intercept else (sol, 0.0)


def make(n, p, n_targets=None, seed=0, offset=3.0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p) + offset
    w = rng.randn(p)
    y = X @ w + rng.randn(n) if n_targets is None else \
        X @ rng.randn(p, n_targets) + rng.randn(n, n_targets)
    return X, y, rng.rand(n) * 2 + 0.05


# --------------------------------------------------------------------------------------
# Ridge: exactness and agreement of the solvers
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("n, p", [(60, 12), (12, 60)])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_ridge_exact_all_solvers(n, p, fit_intercept, weighted):
    X, y, sw = make(n, p)
    sw = sw if weighted else None
    coef, b = exact_ridge(X, y, 0.3, sw, fit_intercept)
    fits = {
        "cholesky": Ridge(0.3, fit_intercept=fit_intercept).fit(X, y, sw),
        "svd": Ridge(0.3, fit_intercept=fit_intercept, solver="svd").fit(X, y, sw),
        "cd": Ridge(0.3, fit_intercept=fit_intercept, solver="cd", tol=1e-15,
                    max_iter=100000).fit(X, y, sw),
        "sparse": Ridge(0.3, fit_intercept=fit_intercept).fit(sparse.csr_matrix(X), y,
                                                              sw),
        "sparse_cd": Ridge(0.3, fit_intercept=fit_intercept, solver="cd", tol=1e-15,
                           max_iter=100000).fit(sparse.csc_matrix(X), y, sw),
    }
    assert fits["cholesky"].method_ == "cholesky"
    for name, est in fits.items():
        tol = 1e-7 if "cd" in name else 1e-9
        assert rel_err(est.coef_, coef) < tol, name
        assert abs(est.intercept_ - b) <= tol * (1 + abs(b)), name
    ref = sk.Ridge(0.3, fit_intercept=fit_intercept).fit(X, y, sw)
    assert rel_err(fits["cholesky"].coef_, ref.coef_) < 1e-9


def test_sparse_conjugate_gradients(monkeypatch):
    """Large sparse problems run CG with implicit centering: exact to its tolerance."""
    monkeypatch.setattr(_ridge, "_SPARSE_DIRECT_MAX", 0)
    for n, p in [(80, 15), (15, 80)]:
        X, y, sw = make(n, p)
        Xs = sparse.random(n, p, density=0.3, random_state=1, format="csr") + \
            sparse.csr_matrix(X * (np.abs(X) > 3.5))
        coef, b = exact_ridge(Xs.toarray(), y, 2.0, sw)
        est = Ridge(2.0, tol=1e-12).fit(Xs, y, sample_weight=sw)
        assert est.method_ == "sparse_cg" and np.all(est.n_iter_ >= 1)
        assert rel_err(est.coef_, coef) < 1e-8
        assert abs(est.intercept_ - b) < 1e-8 * (1 + abs(b))
        # the default tol=1e-4 is looser, but not wildly
        loose = Ridge(2.0).fit(Xs, y, sample_weight=sw)
        assert 0 < rel_err(loose.coef_, coef) < 1e-2


def test_multi_target_and_alpha_per_target():
    X, Y, sw = make(40, 8, n_targets=3)
    alphas = np.array([0.1, 5.0, 0.1])          # two distinct: two factorizations
    est = Ridge(alpha=alphas).fit(X, Y, sample_weight=sw)
    assert est.coef_.shape == (3, 8) and est.intercept_.shape == (3,)
    for k in range(3):
        coef, b = exact_ridge(X, Y[:, k], alphas[k], sw)
        assert rel_err(est.coef_[k], coef) < 1e-9
        assert abs(est.intercept_[k] - b) < 1e-9 * (1 + abs(b))
    ref = sk.Ridge(alpha=alphas).fit(X, Y, sample_weight=sw)
    assert rel_err(est.coef_, ref.coef_) < 1e-9
    # a single target as a column: the shapes of scikit-learn
    col = Ridge().fit(X, Y[:, :1])
    ref = sk.Ridge().fit(X, Y[:, :1])
    assert col.coef_.shape == ref.coef_.shape
    assert np.shape(col.intercept_) == np.shape(ref.intercept_)
    assert np.shape(Ridge().fit(X, Y[:, 0]).intercept_) == ()


def test_scalar_sample_weight_scales_the_loss():
    X, y, _ = make(30, 5)
    a = Ridge(alpha=2.0).fit(X, y, sample_weight=4.0)
    b = Ridge(alpha=0.5).fit(X, y)
    assert_allclose(a.coef_, b.coef_, rtol=1e-10)
    assert_allclose(a.coef_, sk.Ridge(alpha=2.0).fit(X, y, sample_weight=4.0).coef_,
                    rtol=1e-9)


F32_EPS = float(np.finfo(np.float32).eps)


@pytest.mark.filterwarnings("ignore::scipy.linalg.LinAlgWarning")
@pytest.mark.parametrize("name", ["diabetes", "riboflavin", "ames", "california_housing",
                                  "synthetic"])
@pytest.mark.parametrize("alpha", [1.0, 1e-3])
def test_float32_is_at_least_as_accurate_as_sklearn(load_dataset, name, alpha):
    """float32 data: scikit-learn solves in float32 (error up to ~cond * eps32);
    fastreg solves in float64 and rounds the result to float32, the dtype
    scikit-learn returns. Its coefficients are the exact solution for the float32
    data to the rounding of the output, and differ from scikit-learn's by no more
    than scikit-learn's own error (bounded by 10 cond eps32)."""
    if name == "synthetic":
        rng = np.random.RandomState(0)
        X = rng.randn(500, 50) + 3
        y = X @ rng.randn(50) + rng.randn(500)
    else:
        X, y = load_dataset(name)
    X32, y32 = np.asarray(X, np.float32), np.asarray(y, np.float32)
    X64, y64 = X32.astype(np.float64), y32.astype(np.float64)
    exact = sk.Ridge(alpha, solver="svd").fit(X64, y64)
    Xc = X64 - X64.mean(0)
    s = np.linalg.svd(Xc, compute_uv=False)
    low = s[-1] ** 2 if Xc.shape[0] >= Xc.shape[1] else 0.0
    cond = (s[0] ** 2 + alpha) / (low + alpha)
    ours = Ridge(alpha).fit(X32, y32)
    ref = sk.Ridge(alpha).fit(X32, y32)
    assert ours.coef_.dtype == ref.coef_.dtype == np.float32
    assert np.asarray(ours.intercept_).dtype == np.asarray(ref.intercept_).dtype
    err_ours = rel_err(ours.coef_, exact.coef_)
    err_ref = rel_err(ref.coef_, exact.coef_)
    assert err_ours < F32_EPS
    assert err_ours <= err_ref + F32_EPS
    assert rel_err(ours.coef_, ref.coef_) < 10 * cond * F32_EPS
    assert abs(ours.intercept_ - exact.intercept_) <= \
        F32_EPS * (abs(exact.intercept_) + np.abs(X64.mean(0)) @ np.abs(exact.coef_))


def test_float32_other_paths_and_ridgecv():
    """float32 on the other paths (weights, sparse, positive, several targets) and
    RidgeCV: float32 attributes as scikit-learn's, float64 accuracy underneath."""
    X, Y, sw = make(50, 10, n_targets=2)
    X32, Y32 = X.astype(np.float32), Y.astype(np.float32)
    X64, Y64 = X32.astype(np.float64), Y32.astype(np.float64)
    for Xin, kw in [(X32, {}), (sparse.csr_matrix(X32), {}),
                    (X32, {"positive": True, "tol": 1e-12}), (X32, {"solver": "svd"})]:
        ours = Ridge(alpha=1.0, **kw).fit(Xin, Y32, sample_weight=sw)
        ref = sk.Ridge(alpha=1.0, **kw).fit(Xin, Y32, sample_weight=sw)
        exact = sk.Ridge(alpha=1.0, **{**kw, "tol": 1e-14}).fit(X64, Y64, sw)
        assert ours.coef_.dtype == ours.intercept_.dtype == ref.coef_.dtype
        assert rel_err(ours.coef_, exact.coef_) < F32_EPS
    kw = dict(alphas=np.logspace(-2, 2, 9), store_cv_results=True)
    for Xin in (X32, sparse.csr_matrix(X32)):
        ours = RidgeCV(**kw).fit(Xin, Y32[:, 0], sample_weight=sw)
        ref32 = sk.RidgeCV(**kw).fit(Xin, Y32[:, 0], sample_weight=sw)
        ref64 = sk.RidgeCV(**kw).fit(X64, Y64[:, 0], sample_weight=sw)
        assert ours.coef_.dtype == ref32.coef_.dtype == np.float32
        assert ours.cv_results_.dtype == ref32.cv_results_.dtype == np.float32
        assert type(ours.alpha_) is type(ref32.alpha_)
        assert ours.alpha_ == ref64.alpha_
        assert rel_err(ours.coef_, ref64.coef_) < F32_EPS
        assert_allclose(ours.cv_results_, ref64.cv_results_, rtol=F32_EPS)


def test_positive_is_exact():
    """positive=True (coordinate descent) against bounded least squares (BVLS, exact)
    on the augmented system [Xc; sqrt(alpha) I]."""
    rng = np.random.RandomState(3)
    X = rng.randn(50, 12)
    y = X @ np.r_[rng.rand(6), -rng.rand(6)] + 0.1 * rng.randn(50)
    alpha = 0.5
    Xc, yc = X - X.mean(0), y - y.mean()
    aug = np.vstack([Xc, np.sqrt(alpha) * np.eye(12)])
    ref = lsq_linear(aug, np.r_[yc, np.zeros(12)], bounds=(0, np.inf), method="bvls",
                     tol=1e-15).x
    assert np.sum(ref == 0) >= 3
    for Xin in (X, sparse.csr_matrix(X)):
        est = Ridge(alpha, positive=True, tol=1e-14, max_iter=10**5).fit(Xin, y)
        assert est.method_ == "cd" and np.all(est.coef_ >= 0)
        assert_allclose(est.coef_, ref, atol=1e-8)
        # a named 'lbfgs' runs L-BFGS-B (tests/test_ridge_iterative.py)
        named = Ridge(alpha, positive=True, solver="lbfgs", tol=1e-14).fit(Xin, y)
        assert named.method_ == "lbfgs" and np.all(named.coef_ >= 0)
        assert_allclose(named.coef_, ref, atol=1e-6)
    skl = sk.Ridge(alpha, positive=True, tol=1e-12).fit(X, y)
    assert_allclose(est.coef_, skl.coef_, atol=1e-5)


def test_alpha_zero_rank_deficient_is_minimum_norm():
    rng = np.random.RandomState(0)
    B = rng.randn(30, 4)
    X = np.hstack([B, B[:, :2] + B[:, 2:3]])      # rank 4, 6 columns
    y = rng.randn(30)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for Xin, fi in ((X, False), (X, True), (X[:3], True), (X[:3], False)):
            yin = y[:len(Xin)]
            est = Ridge(alpha=0.0, fit_intercept=fi).fit(Xin, yin)
            assert np.all(np.isfinite(est.coef_))
            Xc = Xin - Xin.mean(0) if fi else Xin
            yc = yin - yin.mean() if fi else yin
            assert_allclose(est.coef_, np.linalg.pinv(Xc) @ yc, atol=1e-10)
            # (3 rows without intercept: X X^T is regular, the dual Cholesky solve
            # is already the minimum-norm solution)
            assert est.method_ == ("cholesky" if (len(Xin), fi) == (3, False)
                                   else "svd")


def test_ill_conditioned_falls_back_to_svd():
    """Cholesky is rejected when its condition estimate would cost digits; the SVD is
    then accurate where the normal equations are not."""
    rng = np.random.RandomState(1)
    U, _ = np.linalg.qr(rng.randn(200, 8))
    V, _ = np.linalg.qr(rng.randn(8, 8))
    X = U @ np.diag(np.logspace(0, -7, 8)) @ V.T
    y = rng.randn(200)
    est = Ridge(alpha=1e-12, fit_intercept=False).fit(X, y)
    assert est.method_ == "svd"
    s = np.logspace(0, -7, 8)
    exact = V @ (s / (s ** 2 + 1e-12) * (U.T @ y))
    assert rel_err(est.coef_, exact) < 1e-8


@pytest.mark.parametrize("name", DATASETS)
def test_ridge_matches_sklearn_on_real_data(load_dataset, name):
    X, y = load_dataset(name)
    alpha = 1.0
    ours = Ridge(alpha=alpha).fit(X, y)
    ref = sk.Ridge(alpha=alpha).fit(X, y)
    assert rel_err(ours.coef_, ref.coef_) < 1e-8
    assert abs(ours.intercept_ - ref.intercept_) <= 1e-8 * (1 + abs(ref.intercept_))
    # with weights
    sw = np.random.RandomState(0).rand(X.shape[0]) + 0.5
    ours = Ridge(alpha=alpha).fit(X, y, sample_weight=sw)
    ref = sk.Ridge(alpha=alpha).fit(X, y, sample_weight=sw)
    assert rel_err(ours.coef_, ref.coef_) < 1e-8


# --------------------------------------------------------------------------------------
# RidgeCV: leave-one-out by brute force, modes, scikit-learn
# --------------------------------------------------------------------------------------

def brute_force_loo(X, y, alpha, sw, fit_intercept):
    """sw_i * (y_i - prediction of the model fit without row i)^2."""
    out = np.empty(len(y))
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        coef, b = exact_ridge(X[keep], y[keep], alpha, sw[keep], fit_intercept)
        out[i] = sw[i] * (y[i] - X[i] @ coef - b) ** 2
    return out


@pytest.mark.parametrize("n, p", [(25, 6), (8, 20)])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("gcv_mode", [None, "svd", "eigen"])
@pytest.mark.parametrize("weighted", [False, True])
def test_loo_errors_by_brute_force(n, p, fit_intercept, gcv_mode, weighted):
    X, y, sw = make(n, p, seed=n)
    sw_used = sw if weighted else np.ones(n)
    alphas = [0.01, 1.0, 30.0]
    est = RidgeCV(alphas=alphas, fit_intercept=fit_intercept, gcv_mode=gcv_mode,
                  store_cv_results=True).fit(X, y, sample_weight=sw if weighted
                                              else None)
    assert est.cv_results_.shape == (n, 3)
    for k, alpha in enumerate(alphas):
        expected = brute_force_loo(X, y, alpha, sw_used, fit_intercept)
        assert_allclose(est.cv_results_[:, k], expected, rtol=1e-7, atol=1e-10)
    scores = -est.cv_results_.mean(axis=0)
    assert est.alpha_ == alphas[int(np.argmax(scores))]
    assert_allclose(est.best_score_, scores.max(), rtol=1e-12)
    coef, b = exact_ridge(X, y, est.alpha_, sw_used, fit_intercept)
    assert rel_err(est.coef_, coef) < 1e-8


def test_loo_sparse_equals_dense():
    X, y, sw = make(40, 10, seed=5)
    X[np.abs(X - 3) < 0.8] = 0
    alphas = np.logspace(-2, 2, 9)
    for n_rows in (40, 8):
        kw = dict(alphas=alphas, store_cv_results=True)
        d = RidgeCV(**kw).fit(X[:n_rows], y[:n_rows], sample_weight=sw[:n_rows])
        s = RidgeCV(**kw).fit(sparse.csr_matrix(X[:n_rows]), y[:n_rows],
                              sample_weight=sw[:n_rows])
        assert_allclose(s.cv_results_, d.cv_results_, rtol=1e-7, atol=1e-12)
        assert_allclose(s.coef_, d.coef_, rtol=1e-8)


@pytest.mark.parametrize("scoring", [None, "neg_mean_absolute_error", "r2"])
@pytest.mark.parametrize("alpha_per_target", [False, True])
def test_ridgecv_matches_sklearn_multi_target(scoring, alpha_per_target):
    X, Y, sw = make(40, 9, n_targets=3, seed=2)
    Y[:, 1] *= 40
    kw = dict(alphas=np.logspace(-3, 3, 25), scoring=scoring, store_cv_results=True,
              alpha_per_target=alpha_per_target)
    for w in (None, sw):
        ours = RidgeCV(**kw).fit(X, Y, sample_weight=w)
        ref = sk.RidgeCV(**kw).fit(X, Y, sample_weight=w)
        assert_allclose(ours.alpha_, ref.alpha_, rtol=0)
        assert_allclose(ours.best_score_, ref.best_score_, rtol=1e-9)
        assert_allclose(ours.cv_results_, ref.cv_results_, rtol=1e-8, atol=1e-10)
        assert rel_err(ours.coef_, ref.coef_) < 1e-9
        assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-9)


def test_ridgecv_kfold_matches_sklearn():
    X, y, sw = make(60, 15, seed=4)
    alphas = np.logspace(-2, 3, 12)
    for cv in (5, KFold(4, shuffle=True, random_state=0)):
        for scoring in (None, "neg_mean_squared_error"):
            for Xin in (X, sparse.csr_matrix(X)):
                ours = RidgeCV(alphas=alphas, cv=cv, scoring=scoring).fit(
                    Xin, y, sample_weight=sw)
                ref = sk.RidgeCV(alphas=alphas, cv=cv, scoring=scoring).fit(
                    X, y, sample_weight=sw)
                assert ours.alpha_ == ref.alpha_
                assert_allclose(ours.best_score_, ref.best_score_, rtol=1e-9)
                assert rel_err(ours.coef_, ref.coef_) < 1e-9


@pytest.mark.parametrize("name", DATASETS)
def test_ridgecv_matches_sklearn_on_real_data(load_dataset, name):
    X, y = load_dataset(name)
    alphas = np.logspace(-3, 3, 30)
    ours = RidgeCV(alphas=alphas).fit(X, y)
    ref = sk.RidgeCV(alphas=alphas).fit(X, y)
    assert ours.alpha_ == ref.alpha_
    # (ames: LOO scores of ~1e9 from residuals of an ill-conditioned problem)
    assert_allclose(ours.best_score_, ref.best_score_, rtol=1e-7)
    # against the SVD solution at the selected alpha: 1e-8; against scikit-learn 1e-8
    # too, except on ames, where scikit-learn's own coef_ is off by 7e-7 (fastreg's:
    # 2e-10) from the SVD solution
    exact = Ridge(alpha=ours.alpha_, solver="svd").fit(X, y).coef_
    assert rel_err(ours.coef_, exact) < 1e-8
    assert rel_err(ours.coef_, ref.coef_) < (1e-6 if name == "ames" else 1e-8)
    if X.shape[1] < 500:   # the SVD mode agrees with the eigen mode
        svd = RidgeCV(alphas=alphas, gcv_mode="svd").fit(X, y)
        assert svd.alpha_ == ours.alpha_
        assert rel_err(svd.coef_, ours.coef_) < 1e-8


# --------------------------------------------------------------------------------------
# Validation and scikit-learn conformance
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("alpha, match", [
    (-1.0, "'alpha' parameter must be >= 0"),
    (np.nan, "'alpha' parameter must be finite"),
    (np.inf, "'alpha' parameter must be finite"),
    ([1.0, -2.0], "'alpha' parameter must be >= 0"),
    ([1.0, np.nan], "'alpha' parameter must be finite"),
    ([1.0, 2.0, 3.0], "Number of targets and number of penalties do not correspond"),
    ("big", "'alpha' parameter must be"),
])
def test_ridge_bad_alpha(alpha, match):
    X, Y, _ = make(10, 3, n_targets=2)
    with pytest.raises(ValueError, match=match):
        Ridge(alpha=alpha).fit(X, Y)


def test_ridge_bad_inputs():
    X, y, _ = make(10, 3)
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Ridge().fit(Xn, y)
    with pytest.raises(ValueError, match="infinity"):
        Ridge().fit(X, np.r_[np.inf, y[1:]])
    with pytest.raises(ValueError, match="'lbfgs' solver can be used only when"):
        Ridge(solver="lbfgs").fit(X, y)
    with pytest.raises(ValueError, match="solver='svd' does not support positive"):
        Ridge(solver="svd", positive=True).fit(X, y)
    with pytest.raises(ValueError, match="does not support fitting the intercept"):
        Ridge(solver="cholesky").fit(sparse.csr_matrix(X), y)
    with pytest.raises(TypeError, match="SVD solver does not support sparse"):
        Ridge(solver="svd", fit_intercept=False).fit(sparse.csr_matrix(X), y)
    with pytest.raises(ValueError, match="'solver' parameter"):
        Ridge(solver="newton").fit(X, y)
    with pytest.raises(ValueError, match="sample_weight"):
        Ridge().fit(X, y, sample_weight=-np.ones(10))
    # every solver name of scikit-learn is accepted: the exact ones exact, the named
    # iterative ones (tests/test_ridge_iterative.py) exact to their tolerance
    ref = Ridge().fit(X, y).coef_
    for solver in ("svd", "cholesky"):
        assert_allclose(Ridge(solver=solver).fit(X, y).coef_, ref, rtol=1e-10)
    for solver in ("lsqr", "sparse_cg", "sag", "saga"):
        est = Ridge(solver=solver, tol=1e-12, max_iter=10**5, random_state=0)
        assert_allclose(est.fit(X, y).coef_, ref, rtol=1e-8)


@pytest.mark.parametrize("n, p", [(30, 5), (5, 30)])
@pytest.mark.parametrize("order", ["F", "C"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_ridge_non_finite_X_on_the_fast_path(n, p, order, bad):
    """Dense float64 X is checked for NaN / infinity on the diagonal of its Gram
    matrix (no separate pass over X): the same errors as scikit-learn, no warnings."""
    rng = np.random.RandomState(0)
    X = np.asarray(rng.randn(n, p), order=order)
    X[2, 3] = bad
    y = rng.randn(n)
    with pytest.raises(ValueError) as ours:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            Ridge().fit(X, y)
    with pytest.raises(ValueError) as ref:
        sk.Ridge().fit(X, y)
    assert str(ours.value) == str(ref.value)
    # finite values too large for the squares: solved on rescaled columns (exact
    # scaling by powers of two), never NaN coefficients, no warnings
    X[2, 3] = 1e200
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = Ridge().fit(X, y)
    assert np.all(np.isfinite(est.coef_)) and np.isfinite(est.intercept_)


def test_ridgecv_bad_inputs():
    X, y, _ = make(10, 3)
    with pytest.raises(ValueError, match=r"alphas\[1\] == 0.0, must be > 0"):
        RidgeCV(alphas=[1.0, 0.0]).fit(X, y)
    with pytest.raises(ValueError, match="must be finite"):
        RidgeCV(alphas=[1.0, np.inf]).fit(X, y)
    with pytest.raises(ValueError, match="must be >= 0"):
        RidgeCV(alphas=[1.0, -1.0], cv=3).fit(X, y)
    RidgeCV(alphas=[0.0, 1.0], cv=3).fit(X, y)        # alpha = 0 is fine with K-fold
    with pytest.raises(ValueError, match="store_cv_results=True are incompatible"):
        RidgeCV(cv=3, store_cv_results=True).fit(X, y)
    with pytest.raises(ValueError, match="alpha_per_target=True are incompatible"):
        RidgeCV(cv=3, alpha_per_target=True).fit(X, y)
    with pytest.raises(ValueError, match="gcv_mode"):
        RidgeCV(gcv_mode="qr").fit(X, y)
    with pytest.warns(FutureWarning, match="'svd' mode is not supported for sparse"):
        RidgeCV(gcv_mode="svd").fit(sparse.csr_matrix(X), y)


def test_ridgecv_kfold_alpha_zero_is_minimum_norm():
    """K-fold RidgeCV at alpha=0 on rank-deficient folds fits the minimum-norm least
    squares of each fold, as scikit-learn's Ridge does (not 1 / ~0 eigenvalues)."""
    from sklearn.linear_model import RidgeCV as SkRidgeCV
    rng = np.random.default_rng(0)
    Xh = rng.standard_normal((10, 40))
    X = np.r_[Xh, Xh, Xh]
    y = rng.standard_normal(30)
    cv = KFold(3, shuffle=True, random_state=0)
    ours = RidgeCV(alphas=[0.0], cv=cv).fit(X, y)
    ref = SkRidgeCV(alphas=[0.0], cv=cv).fit(X, y)
    assert ours.best_score_ == pytest.approx(ref.best_score_, rel=1e-6)


def test_sparse_large_means_keep_accuracy():
    """Sparse columns whose means dwarf their spreads: the centered Gram matrix formed
    as X^T X - n mu mu^T would lose (mean / spread)^2 * eps; fastreg then solves on the
    implicitly centered operator and matches the dense solution."""
    rng = np.random.default_rng(0)
    X = 1e6 + rng.standard_normal((200, 5))
    y = X @ rng.standard_normal(5) + rng.standard_normal(200)
    dense = sk.Ridge(alpha=1e-6).fit(X, y)
    ours = _ridge.Ridge(alpha=1e-6, tol=1e-10).fit(sparse.csr_matrix(X), y)
    assert_allclose(ours.coef_, dense.coef_, rtol=1e-5)


# --------------------------------------------------------------------------------------
# Dense X without a centered copy; the safe path when that would cancel digits
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("order", ["F", "C"])
@pytest.mark.parametrize("n, p", [(3000, 400), (150, 3000)])
def test_dense_fit_does_not_copy_X(order, n, p):
    """The Cholesky route centers inside the products (X^T X - n mu mu^T, or the
    centered X X^T from X X^T itself): the fit allocates a Gram matrix, not a copy of
    X, in either memory order, and the result is the exact one."""
    import tracemalloc
    rng = np.random.RandomState(0)
    X = np.asarray(rng.randn(n, p) + 2.0, order=order)
    y = X[:, :5] @ np.ones(5) + rng.randn(n)
    est = Ridge(alpha=1.0)
    tracemalloc.start()
    est.fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert est.method_ == "cholesky"
    gram = min(n, p) ** 2 * 8
    assert peak < gram + X.nbytes / 4, (peak, X.nbytes)
    Xc = X - X.mean(0)
    exact = np.linalg.solve(Xc.T @ Xc + np.eye(p), Xc.T @ (y - y.mean()))
    assert rel_err(est.coef_, exact) < 1e-10
    assert abs(est.intercept_ - (y.mean() - X.mean(0) @ exact)) < 1e-8


def svd_ridge(X, y, alpha):
    """Reference with an intercept for data with large means: centered in extended
    precision, then the SVD solution (backward stable in the centered data)."""
    Xl = X.astype(np.longdouble)
    Xc = (Xl - Xl.mean(axis=0)).astype(np.float64)
    yc = y - y.mean()
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    coef = Vt.T @ (s / (s ** 2 + alpha) * (U.T @ yc))
    b = float(y.mean() - (Xl.mean(axis=0) @ coef.astype(np.longdouble)))
    return coef, b


@pytest.mark.parametrize("n, p", [(300, 6), (6, 40)])
@pytest.mark.parametrize("offset", [1e2, 1e6, 1e9])
def test_dense_large_means_stay_exact(monkeypatch, n, p, offset):
    """Columns whose means dwarf their spreads: a Gram matrix centered after the
    product (X^T X - n mu mu^T) would lose ~(mean / spread)^2 * eps (1e-3 relative at
    offset 1e6). fastreg sums the Gram matrix over blocks of X centered into a small
    buffer: as accurate as an explicitly centered copy, without the copy, so the
    long problems need neither refinement nor a copy of X (before: refined at 1e6,
    copied at 1e9); exact to 1e-8 in all cases."""
    rng = np.random.RandomState(1)
    X = offset + rng.randn(n, p)
    y = X @ rng.randn(p) + rng.randn(n)
    explicit_calls, refine_calls = [], []
    explicit = _ridge._Design.explicit
    monkeypatch.setattr(_ridge._Design, "explicit",
                        lambda self: explicit_calls.append(1) or explicit(self))
    dot = _ridge._Design.dot
    monkeypatch.setattr(_ridge._Design, "dot",
                        lambda self, V: refine_calls.append(1) or dot(self, V))
    alpha = 1e-3
    est = Ridge(alpha=alpha).fit(X, y)
    coef, b = svd_ridge(X, y, alpha)
    assert rel_err(est.coef_, coef) < 1e-8
    assert abs(est.intercept_ - b) < 1e-8 * (1 + abs(b))
    assert est.method_ == "cholesky"
    if n > p:     # (p > n: X X^T + alpha I is itself ill-conditioned at alpha 1e-3)
        assert not explicit_calls
        assert not refine_calls


# --------------------------------------------------------------------------------------
# positive=True without a Gram matrix (sparse, many features) and with alpha = 0
# --------------------------------------------------------------------------------------

def positive_reference(X, y, alpha, sw=None):
    """Exact non-negative ridge with an unpenalized intercept: bounded least squares
    (BVLS, an active-set method that terminates exactly) on [Xc; sqrt(alpha) I];
    scipy's NNLS for alpha = 0."""
    n, p = X.shape
    sw = np.ones(n) if sw is None else sw
    root = np.sqrt(sw)
    Xc = (X - sw @ X / sw.sum()) * root[:, None]
    yc = (y - sw @ y / sw.sum()) * root
    if alpha == 0:
        return nnls(Xc, yc, maxiter=100 * p)[0]
    aug = np.vstack([Xc, np.sqrt(alpha) * np.eye(p)])
    return lsq_linear(aug, np.r_[yc, np.zeros(p)], bounds=(0, np.inf), method="bvls",
                      tol=1e-15).x


def sparse_signed(n, p, density, seed):
    rng = np.random.RandomState(seed)
    X = sparse.random(n, p, density=density, random_state=seed, format="csr")
    X.data = rng.randn(X.nnz)
    y = X @ rng.randn(p) + 0.1 * rng.randn(n)
    return X, y, rng.rand(n) + 0.5


@pytest.mark.parametrize("n, p", [(80, 30), (30, 80)])
@pytest.mark.parametrize("alpha", [1e-3, 1.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_positive_sparse_without_gram(monkeypatch, n, p, alpha, weighted):
    """Sparse X with more features than _SPARSE_DIRECT_MAX: positive=True runs on
    products with X only (no Gram matrix is formed) and is exact against BVLS."""
    monkeypatch.setattr(_ridge, "_SPARSE_DIRECT_MAX", 10)

    def no_gram(self):
        raise AssertionError("a Gram matrix was formed")
    monkeypatch.setattr(_ridge._Design, "gram_features", no_gram)
    monkeypatch.setattr(_ridge._Design, "gram_samples", no_gram)
    X, y, sw = sparse_signed(n, p, 0.3, seed=n + p)
    sw = sw if weighted else None
    ref = positive_reference(X.toarray(), y, alpha, sw)
    assert 0 < np.sum(ref > 0) < p
    est = Ridge(alpha, positive=True, tol=1e-12).fit(X, y, sample_weight=sw)
    assert est.method_ == "gpcg" and np.all(est.coef_ >= 0)
    assert rel_err(est.coef_, ref) < 1e-9
    # scikit-learn's L-BFGS-B on the dense copy, tight: fastreg's objective is lower
    # or equal (scikit-learn's own solution is only accurate to its tolerance)
    skl = sk.Ridge(alpha, positive=True, tol=1e-12).fit(X.toarray(), y, sw)

    def objective(coef, b):
        return ridge_objective(X, y, coef, b, alpha, sw)
    assert objective(est.coef_, est.intercept_) <= \
        objective(skl.coef_, skl.intercept_) * (1 + 1e-12)
    # at the default tolerance too
    est = Ridge(alpha, positive=True).fit(X, y, sample_weight=sw)
    skl = sk.Ridge(alpha, positive=True).fit(X.toarray(), y, sw)
    assert objective(est.coef_, est.intercept_) <= \
        objective(skl.coef_, skl.intercept_) * (1 + 1e-12)


def test_positive_sparse_multi_target_large_means(monkeypatch):
    """Several targets with their own alphas, and columns with means much larger than
    their spreads (centered densely inside the design): still exact."""
    monkeypatch.setattr(_ridge, "_SPARSE_DIRECT_MAX", 10)
    X, _, sw = sparse_signed(70, 25, 0.3, seed=3)
    X = sparse.hstack([X, sparse.csr_matrix(1e4 + np.random.RandomState(0).randn(70, 3))
                       ]).tocsr()
    rng = np.random.RandomState(4)
    Y = np.column_stack([X @ rng.randn(28), X @ rng.rand(28)]) + rng.randn(70, 2)
    alphas = np.array([0.5, 2.0])
    est = Ridge(alphas, positive=True, tol=1e-12).fit(X, Y, sample_weight=sw)
    assert est.method_ == "gpcg"
    for k in range(2):
        ref = positive_reference(X.toarray(), Y[:, k], alphas[k], sw)
        assert rel_err(est.coef_[k], ref) < 1e-8


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e3])
@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_positive_alpha_zero_is_nnls(scale, fmt):
    """alpha = 0 with positive=True is non-negative least squares at any scale of X
    (the coordinate-descent kernel has no ridge dual to stop on there)."""
    rng = np.random.RandomState(5)
    X = rng.randn(60, 12) * scale
    y = X @ rng.randn(12) + 0.01 * scale * rng.randn(60)
    ref = positive_reference(X, y, 0.0)
    assert 0 < np.sum(ref > 0) < 12
    Xin = X if fmt == "dense" else sparse.csr_matrix(X)
    est = Ridge(0.0, positive=True, tol=1e-12).fit(Xin, y)
    assert est.method_ == "gpcg"
    assert rel_err(est.coef_, ref) < 1e-9
    # p > n: the solution is not unique; the objective is NNLS's
    Xw, yw = X[:8], y[:8]
    est = Ridge(0.0, positive=True, tol=1e-12).fit(
        Xw if fmt == "dense" else sparse.csr_matrix(Xw), yw)
    ref = positive_reference(Xw, yw, 0.0)
    Xc, yc = Xw - Xw.mean(0), yw - yw.mean()
    assert np.all(est.coef_ >= 0)
    assert np.sum((yc - Xc @ est.coef_) ** 2) <= \
        np.sum((yc - Xc @ ref) ** 2) + 1e-12 * (yc @ yc)


@pytest.mark.parametrize("scale", [1e-3, 1e3])
def test_cd_alpha_zero_is_least_squares(scale):
    """solver='cd' with alpha = 0 (no ridge dual: the kernel's least-squares stopping
    rule is not scale-invariant) is solved directly: least squares at any scale."""
    rng = np.random.RandomState(6)
    X = rng.randn(50, 10) * scale
    y = X @ rng.randn(10) + scale * rng.randn(50)
    est = Ridge(0.0, solver="cd").fit(X, y)
    Xc, yc = X - X.mean(0), y - y.mean()
    assert rel_err(est.coef_, np.linalg.lstsq(Xc, yc, rcond=None)[0]) < 1e-10


# --------------------------------------------------------------------------------------
# RidgeCV on sparse X whose column means dwarf their spreads
# --------------------------------------------------------------------------------------

def solve_longdouble(M, b):
    """Gaussian elimination with partial pivoting in extended precision."""
    M, b = M.copy(), b.copy()
    m = len(b)
    for i in range(m):
        piv = i + int(np.argmax(np.abs(M[i:, i])))
        M[[i, piv]], b[[i, piv]] = M[[piv, i]], b[[piv, i]]
        f = M[i + 1:, i] / M[i, i]
        M[i + 1:, i:] -= np.outer(f, M[i, i:])
        b[i + 1:] -= f * b[i]
    x = np.zeros(m, dtype=b.dtype)
    for i in range(m - 1, -1, -1):
        x[i] = (b[i] - M[i, i + 1:] @ x[i + 1:]) / M[i, i]
    return x


def loo_longdouble(X, y, sw, alpha):
    """sw_i (y_i - prediction without row i)^2, each fit centered and solved in
    extended precision (primal or dual, whichever system is smaller)."""
    L = np.longdouble
    n, p = X.shape
    out = np.empty(n)
    for i in range(n):
        keep = np.arange(n) != i
        A, b, w = X[keep].astype(L), y[keep].astype(L), sw[keep].astype(L)
        mu, ym = w @ A / w.sum(), w @ b / w.sum()
        Ac, bc = (A - mu) * np.sqrt(w)[:, None], (b - ym) * np.sqrt(w)
        if p <= n - 1:
            coef = solve_longdouble(Ac.T @ Ac + alpha * np.eye(p, dtype=L), Ac.T @ bc)
        else:
            coef = Ac.T @ solve_longdouble(Ac @ Ac.T + alpha * np.eye(n - 1, dtype=L), bc)
        out[i] = float(L(sw[i]) * (L(y[i]) - (X[i].astype(L) - mu) @ coef - ym) ** 2)
    return out


@pytest.mark.parametrize("n, p", [(60, 12), (12, 30)])
@pytest.mark.parametrize("weighted", [False, True])
def test_ridgecv_sparse_large_means_matches_dense(n, p, weighted):
    """Leave-one-out on sparse X with columns of mean 1e5 and spread 1 (and truly
    sparse ones): implicit centering of those would cancel ~10 digits in the Gram
    matrix; fastreg centers them densely (they are nearly all nonzero) and agrees
    with scikit-learn on the dense copy, and with an extended-precision brute force
    at least as well as scikit-learn does (at the smallest alphas both lose digits:
    the problem is ill-conditioned there)."""
    rng = np.random.RandomState(n)
    dense_cols = 1e5 + rng.randn(n, 3)
    Xs = sparse.random(n, p - 3, density=0.3, random_state=n, format="csr")
    X = sparse.hstack([Xs, sparse.csr_matrix(dense_cols)]).tocsr()
    Xd = X.toarray()
    y = Xd @ rng.randn(p) + rng.randn(n)
    sw = rng.rand(n) + 0.5 if weighted else None
    alphas = np.logspace(-4, 2, 7)
    kw = dict(alphas=alphas, store_cv_results=True)
    ours = RidgeCV(**kw).fit(X, y, sample_weight=sw)
    ref = sk.RidgeCV(**kw).fit(Xd, y, sample_weight=sw)
    assert ours.alpha_ == ref.alpha_
    well = alphas >= 1e-2
    # (squared errors: compared against the largest of each alpha)
    assert_allclose(ours.cv_results_[:, well], ref.cv_results_[:, well], rtol=1e-7,
                    atol=1e-9 * ref.cv_results_.max())
    for k, alpha in enumerate(alphas):
        exact = loo_longdouble(Xd, y, np.ones(n) if sw is None else sw, alpha)
        err_ours = np.max(np.abs(ours.cv_results_[:, k] - exact)) / exact.max()
        err_ref = np.max(np.abs(ref.cv_results_[:, k] - exact)) / exact.max()
        assert err_ours <= max(2 * err_ref, 1e-9), (alpha, err_ours, err_ref)
    assert rel_err(ours.coef_, ref.coef_) < 1e-8
    assert abs(ours.intercept_ - ref.intercept_) < 1e-8 * abs(ref.intercept_)
    # Ridge on the same data, through the same design
    est = Ridge(alpha=ours.alpha_).fit(X, y, sample_weight=sw)
    assert rel_err(est.coef_, sk.Ridge(alpha=ours.alpha_).fit(Xd, y, sw).coef_) < 1e-8


# --------------------------------------------------------------------------------------
# alpha / alphas: accepted exactly as scikit-learn accepts them
# --------------------------------------------------------------------------------------

def outcome(estimator, X, y):
    try:
        return estimator.fit(X, y)
    except (ValueError, TypeError, IndexError) as exc:
        return exc


# factories (a generator is consumed by its first use)
RIDGE_ALPHAS_1 = {
    "True": lambda: True, "False": lambda: False, "int 1": lambda: 1, "int 0": lambda: 0,
    "np.int64": lambda: np.int64(2), "np.float32": lambda: np.float32(0.5),
    "np.float16": lambda: np.float16(1), "1.5": lambda: 1.5, "1e308": lambda: 1e308,
    "[1.0]": lambda: [1.0], "[[1.0]]": lambda: [[1.0]], "[[[1.0]]]": lambda: [[[1.0]]],
    "0-d array": lambda: np.array(1.0), "2-d array": lambda: np.array([[1.0]]),
    "tuple": lambda: (2.0,), "['1.0']": lambda: ["1.0"], "range": lambda: range(1, 2),
    "object array": lambda: np.array([1.0], dtype=object), "[True]": lambda: [True],
    "np.bool_": lambda: np.bool_(True), "inf": lambda: np.inf, "-inf": lambda: -np.inf,
    "nan": lambda: np.nan, "-1.0": lambda: -1.0, "'1.0'": lambda: "1.0",
    "None": lambda: None, "complex": lambda: 1 + 0j, "[complex]": lambda: [1 + 0j],
    "set": lambda: {1.0}, "[None]": lambda: [None], "[1.0, 'a']": lambda: [1.0, "a"],
    "[]": lambda: [], "[[]]": lambda: [[]], "[inf]": lambda: [np.inf],
    "[nan]": lambda: [np.nan], "generator": lambda: (a for a in [1.0]),
    "two for one target": lambda: [1.0, 2.0],
}
RIDGE_ALPHAS_2 = {
    "[1.0, 2.0]": lambda: [1.0, 2.0], "[[1.0, 2.0]]": lambda: [[1.0, 2.0]],
    "column": lambda: np.array([[1.0], [2.0]]), "strings": lambda: ["1.0", "2"],
    "bools": lambda: np.array([True, False]), "uint8": lambda: np.array([1, 2], np.uint8),
    "three for two": lambda: [1.0, 2.0, 3.0], "scalar": lambda: 3.0,
}
# scikit-learn validates scalars only: array entries < 0 pass (fastreg: an error)
NEGATIVE_ARRAYS = {"[-1.0]": lambda: [-1.0], "0-d -1": lambda: np.array(-1.0),
                   "[1.0, -1.0]": lambda: [1.0, -1.0]}


@pytest.mark.parametrize("n_targets, make_alpha", [
    *[(1, f) for f in RIDGE_ALPHAS_1.values()], *[(2, f) for f in RIDGE_ALPHAS_2.values()]
], ids=[*RIDGE_ALPHAS_1, *RIDGE_ALPHAS_2])
def test_ridge_alpha_accepted_as_sklearn(n_targets, make_alpha):
    """Each alpha is accepted (with the same coefficients) or rejected by both."""
    X, y, _ = make(20, 4, n_targets=None if n_targets == 1 else n_targets, seed=7)
    ours = outcome(Ridge(alpha=make_alpha()), X, y)
    ref = outcome(sk.Ridge(alpha=make_alpha()), X, y)
    assert isinstance(ours, Exception) == isinstance(ref, Exception), (ours, ref)
    if isinstance(ours, Exception):
        assert isinstance(ours, ValueError) and "alpha" in str(ours) \
            or "penalties" in str(ours), ours
    else:
        assert_allclose(ours.coef_, ref.coef_, rtol=1e-10)


@pytest.mark.parametrize("make_alpha", NEGATIVE_ARRAYS.values(), ids=list(NEGATIVE_ARRAYS))
@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_ridge_negative_alpha_arrays_are_rejected(make_alpha, fmt):
    """Deliberately stricter than scikit-learn, which checks scalar alphas only and
    fits a negative penalty given in an array (an indefinite problem, or NaN on
    sparse X): fastreg rejects it, as it rejects a negative scalar."""
    X, Y, _ = make(20, 4, n_targets=2, seed=7)
    Xin = X if fmt == "dense" else sparse.csr_matrix(X)
    assert not isinstance(outcome(sk.Ridge(alpha=make_alpha()), Xin, Y), Exception)
    with pytest.raises(ValueError, match="'alpha' parameter must be >= 0"):
        Ridge(alpha=make_alpha()).fit(Xin, Y)


RIDGECV_ALPHAS = {
    "True": lambda: True, "False": lambda: False, "1": lambda: 1, "0": lambda: 0,
    "0.0": lambda: 0.0, "0.5": lambda: 0.5, "np.bool_": lambda: np.bool_(True),
    "inf": lambda: np.inf, "nan": lambda: np.nan, "-1.0": lambda: -1.0,
    "[True, 2.0]": lambda: [True, 2.0], "[True]": lambda: [True],
    "[np.bool_]": lambda: [np.bool_(True)], "[1.0, -1.0]": lambda: [1.0, -1.0],
    "[0.0, 1.0]": lambda: [0.0, 1.0], "[[1.0, 2.0]]": lambda: [[1.0, 2.0]],
    "[[1.0], [2.0]]": lambda: [[1.0], [2.0]], "2-d array": lambda: np.array([[0.1, 1.0]]),
    "'1.0'": lambda: "1.0", "['1.0']": lambda: ["1.0"],
    "['1.0', 2.0]": lambda: ["1.0", 2.0],
    "tuple": lambda: (0.1, 1.0), "0-d array": lambda: np.array(2.0),
    "[np.float32]": lambda: [np.float32(1.5)], "[np.int64]": lambda: [np.int64(3)],
    "complex": lambda: 1 + 0j, "[complex]": lambda: [1 + 0j], "None": lambda: None,
    "[None]": lambda: [None], "object array": lambda: np.array([1.0, 2.0], dtype=object),
    "range": lambda: range(1, 4), "[1e308]": lambda: [1e308],
}


@pytest.mark.parametrize("cv", [None, 3])
@pytest.mark.parametrize("make_alphas", RIDGECV_ALPHAS.values(), ids=list(RIDGECV_ALPHAS))
def test_ridgecv_alphas_accepted_as_sklearn(make_alphas, cv):
    """Each alphas is accepted (same alpha_ and coefficients) or rejected by both;
    except a scalar with K-fold, which scikit-learn documents but fails on (a
    TypeError from its grid search): fastreg accepts it."""
    X, y, _ = make(20, 4, seed=7)
    ours = outcome(RidgeCV(alphas=make_alphas(), cv=cv), X, y)
    ref = outcome(sk.RidgeCV(alphas=make_alphas(), cv=cv), X, y)
    if cv is not None and np.ndim(make_alphas()) == 0 and not isinstance(ours, Exception):
        assert isinstance(ref, TypeError)
        ref = sk.RidgeCV(alphas=[make_alphas()], cv=cv).fit(X, y)
    assert isinstance(ours, Exception) == isinstance(ref, Exception), (ours, ref)
    if not isinstance(ours, Exception):
        assert ours.alpha_ == ref.alpha_
        assert_allclose(ours.coef_, ref.coef_, rtol=1e-9)
    else:
        assert isinstance(ours, ValueError) and "alphas" in str(ours), ours


@pytest.mark.parametrize("cv", [None, 3])
@pytest.mark.parametrize("alphas", [[1.0, np.inf], [np.nan, 1.0], []])
def test_ridgecv_non_finite_or_empty_alphas_are_rejected(alphas, cv):
    """Deliberately stricter than scikit-learn, which fits an infinite alpha (zero
    coefficients), or returns NaN coefficients for an empty grid: clear errors."""
    X, y, _ = make(20, 4, seed=7)
    with pytest.raises(ValueError, match="finite|must not be empty"):
        RidgeCV(alphas=alphas, cv=cv).fit(X, y)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["auto", "svd", "cholesky", "lsqr", "sparse_cg", "sag",
                                    "saga", "lbfgs"])
@pytest.mark.parametrize("fmt", ["dense", "csr", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("positive", [False, True])
def test_every_sklearn_solver_name(solver, fmt, fit_intercept, positive):
    """Every solver name of scikit-learn, on dense and sparse X, with and without an
    intercept and positivity: fastreg raises exactly when scikit-learn does (same
    exception type) and otherwise returns the exact solution (its exact solvers) or
    approaches it to the tolerance (the named iterative ones, as scikit-learn's)."""
    X, y, _ = make(40, 8, seed=9)
    Xin = X if fmt == "dense" else getattr(sparse, f"{fmt}_matrix")(X)
    kw = dict(alpha=0.7, solver=solver, fit_intercept=fit_intercept, positive=positive)
    # positive=True runs the iterative solvers, whose tol bounds the duality gap: the
    # coefficients' error is about sqrt(gap / alpha) (strong convexity), so 1e-9
    # needs a gap of ~1e-18 relative to ||y||^2, i.e. tol at the rounding floor
    ours = outcome(Ridge(tol=1e-16 if positive else 1e-12, **kw), Xin, y)
    ref = outcome(sk.Ridge(tol=1e-10, max_iter=100000, random_state=0, **kw), Xin, y)
    assert type(ours) is type(ref) if isinstance(ref, Exception) else \
        not isinstance(ours, Exception), (ours, ref)
    if isinstance(ours, Exception):
        return
    # solver_ is scikit-learn's name for the call (what fastreg ran is method_)
    assert ours.solver_ == ref.solver_
    if positive:
        exact = positive_reference(X, y, 0.7) if fit_intercept else lsq_linear(
            np.vstack([X, np.sqrt(0.7) * np.eye(8)]), np.r_[y, np.zeros(8)],
            bounds=(0, np.inf), method="bvls", tol=1e-15).x
    else:
        exact = exact_ridge(X, y, 0.7, fit_intercept=fit_intercept)[0]
    assert rel_err(ours.coef_, exact) < 1e-9
    assert rel_err(ref.coef_, exact) < 1e-4


@pytest.mark.filterwarnings("ignore:.*sag.*solver requires:UserWarning")
@pytest.mark.parametrize("solver", ["auto", "sag", "sparse_cg", "lsqr"])
def test_solver_name_sparse_intercept_loose_tol(solver):
    """scikit-learn keeps 'sag' for sparse X with an intercept only at max_iter=None
    and tol > 1e-4 (and says 'sparse_cg' for 'auto'): solver_ follows it."""
    X, y, _ = make(30, 5, seed=2)
    Xs = sparse.csr_matrix(X)
    ours = Ridge(solver=solver, tol=1e-3).fit(Xs, y)
    ref = sk.Ridge(solver=solver, tol=1e-3).fit(Xs, y)
    assert ours.solver_ == ref.solver_


def test_kfold_scores_weighted_when_the_scorer_takes_weights():
    """K-fold RidgeCV weights the test scores exactly when the scorer takes
    sample_weight (as GridSearchCV decides it), and warns otherwise: 'r2' and a
    function with a sample_weight parameter get the weights, 'neg_max_error' (whose
    metric has none) and a function without one are called unweighted, with
    scikit-learn's warning."""
    X, y, sw = make(48, 5, seed=4)
    cv = KFold(4)
    alphas = [0.1, 3.0, 100.0]
    seen = []

    def weighted_mse(est, X_test, y_test, sample_weight=None):
        seen.append(sample_weight)
        return -np.average((est.predict(X_test) - y_test) ** 2, weights=sample_weight)

    def unweighted_mse(est, X_test, y_test):
        return -np.mean((est.predict(X_test) - y_test) ** 2)

    def fold_scores(score):
        """Mean over the folds of score(model at alpha, test fold) per alpha."""
        return [np.mean([score(Ridge(alpha=a).fit(X[tr], y[tr], sample_weight=sw[tr]), te)
                         for tr, te in cv.split(X)]) for a in alphas]

    for scoring, weighted in [("r2", True), (weighted_mse, True),
                              ("neg_max_error", False), (unweighted_mse, False)]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            est = RidgeCV(alphas=alphas, cv=cv, scoring=scoring).fit(X, y, sample_weight=sw)
        warned = [w for w in caught if "does not support sample_weight" in str(w.message)]
        assert len(warned) == (0 if weighted else 1), scoring
        if scoring == "r2":
            expected = fold_scores(lambda m, te: m.score(X[te], y[te], sample_weight=sw[te]))
            assert_allclose(est.best_score_, max(expected), rtol=1e-12)
    assert len(seen) == 4 * len(alphas)
    assert all(s is not None and len(s) == 12 for s in seen)


SCALES = [1e0, 1e4, 1e6, 1e8, 1e15, 1e50, 1e100, 1e150, 1e200]


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("shape", [(20, 5), (6, 10)])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_ridge_badly_scaled_column_is_exact(scale, shape, fit_intercept, fmt):
    """One column scaled by 1e0 .. 1e200: every coefficient within 1e-12 (relative) of
    the exact rational solve, dense and sparse, long and wide. Cholesky's accuracy
    does not depend on the column scaling (the check is on the equilibrated matrix);
    the wide problems and X^T X overflowing are solved on rescaled columns, the SVD
    fallback is the one-sided Jacobi SVD (relative accuracy). Before: 1e-8 .. 100%
    errors (scikit-learn: 50%-130% on the wide ones) and a ValueError at 1e200."""
    from reference import exact_ridge_rational
    rng = np.random.default_rng(0 if shape[0] > shape[1] else 1)
    X = rng.standard_normal(shape)
    y = rng.standard_normal(shape[0])
    X[:, 1] *= scale
    exact = exact_ridge_rational(X, y, 1.0, fit_intercept)
    Xf = sparse.csr_matrix(X) if fmt == "csr" else X
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = Ridge(alpha=1.0, fit_intercept=fit_intercept).fit(Xf, y)
    assert np.max(np.abs(est.coef_ - exact) / np.abs(exact)) < 1e-12
    if fmt == "dense":
        for solver in ("svd", "cholesky"):
            coef = Ridge(alpha=1.0, fit_intercept=fit_intercept,
                         solver=solver).fit(X, y).coef_
            assert np.max(np.abs(coef - exact) / np.abs(exact)) < 1e-12, solver


@pytest.mark.parametrize("scale", [1e0, 1e8, 1e15, 1e50, 1e150])
@pytest.mark.parametrize("shape", [(20, 5), (6, 10)])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("gcv_mode", [None, "svd"])
def test_ridgecv_badly_scaled_column_picks_the_exact_loo_alpha(scale, shape,
                                                               fit_intercept, gcv_mode):
    """RidgeCV picks the alpha the exact leave-one-out errors (rational solves) pick,
    and its leave-one-out errors match them, whatever one column's scale (dense X:
    the one-sided Jacobi SVD when a column is badly scaled). Before: alpha 10 instead
    of 0.1 from scale 1e8 (scikit-learn: also at 1e150)."""
    from reference import exact_ridge_loo
    alphas = (0.1, 1.0, 10.0)
    rng = np.random.default_rng(0 if shape[0] > shape[1] else 1)
    X = rng.standard_normal(shape)
    y = X[:, 0] + 0.3 * rng.standard_normal(shape[0])
    X[:, 1] *= scale
    loo = exact_ridge_loo(X, y, alphas, fit_intercept)
    est = RidgeCV(alphas=alphas, fit_intercept=fit_intercept, gcv_mode=gcv_mode,
                  store_cv_results=True).fit(X, y)
    assert est.alpha_ == alphas[int(np.argmin(loo))]
    assert_allclose(est.cv_results_.mean(axis=0), loo, rtol=1e-9)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("big", [1e3, 1e4, 1e5])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_wide_ill_conditioned_dual_is_cholesky_refined(seed, big, fit_intercept):
    """A wide design dominated by one large common pattern (raw expression values,
    like leukemia's 72 x 7129): X X^T + alpha I has a condition number of 1e8 .. 1e14,
    beyond what an unrefined Cholesky solve of the normal equations can be trusted
    with (before: rejected, so Ridge ran the SVD, 10-30x slower than scikit-learn's
    Cholesky on leukemia). Refined on residuals from products with X, the solve is
    as accurate as scikit-learn's SVD solve (its error times a small factor, against
    the exact rational solution) and stays a Cholesky solve."""
    from reference import exact_ridge_rational
    rng = np.random.default_rng(seed)
    n, p = 8, 24
    X = rng.standard_normal((n, p)) + big * np.outer(
        1 + 0.1 * rng.standard_normal(n), rng.uniform(0.5, 2, p))
    y = rng.standard_normal(n)
    exact = exact_ridge_rational(X, y, 1.0, fit_intercept)
    est = Ridge(alpha=1.0, fit_intercept=fit_intercept).fit(X, y)
    svd = sk.Ridge(alpha=1.0, fit_intercept=fit_intercept, solver="svd").fit(X, y)
    if big <= 1e4:
        # (at 1e5 some coefficients cancel in X^T z beyond what the dual can keep:
        # those solves fall back to the SVD)
        assert est.method_ == "cholesky"
    assert rel_err(est.coef_, exact) <= max(8 * rel_err(svd.coef_, exact), 1e-13)
    cv = RidgeCV(alphas=[1.0], fit_intercept=fit_intercept).fit(X, y)
    assert rel_err(cv.coef_, exact) <= max(8 * rel_err(svd.coef_, exact), 1e-13)


def test_leukemia_ridge_is_cholesky(load_dataset):
    """leukemia at defaults (X X^T + I: equilibrated condition number ~4e11) is
    solved by refined Cholesky, to scikit-learn's SVD answer (before: the SVD)."""
    X, y = load_dataset("leukemia")
    est = Ridge().fit(X, y)
    ref = sk.Ridge(solver="svd").fit(X, y)
    assert est.method_ == "cholesky"
    assert rel_err(est.coef_, ref.coef_) < 1e-12
    assert abs(est.intercept_ - ref.intercept_) <= 1e-12 * (1 + abs(ref.intercept_))


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridgecv_direct_loo_matches_exact(monkeypatch, weighted, fit_intercept):
    """Long dense problems with a badly scaled column and few alphas take one
    equilibrated Cholesky factorization per alpha (``_DirectLOO``, instead of the
    one-sided Jacobi SVD, several times slower: ames' RidgeCV() was 0.6x
    scikit-learn's speed): its leave-one-out errors match the exact ones (rational
    solves), and with weights and two targets (per target) the Jacobi SVD's."""
    from fastreg import _ridge_loo
    from fastreg._ridge_design import _prepare
    from reference import exact_ridge_loo
    rng = np.random.default_rng(5)
    X = rng.standard_normal((25, 6))
    X[:, 2] *= 1e7
    Y = np.column_stack([X[:, 0] + 0.3 * rng.standard_normal(25),
                         rng.standard_normal(25)])
    sw = rng.uniform(0.5, 2.0, 25) if weighted else None
    alphas = (0.1, 1.0, 10.0)
    design, Yc, *_, scale = _prepare(X, Y, fit_intercept, sw)
    solver = _ridge_loo.loo_solver(design, Yc, "eigen", fit_intercept,
                                   scale * np.asarray(alphas))
    assert isinstance(solver, _ridge_loo._DirectLOO)

    def fit():
        return RidgeCV(alphas=alphas, fit_intercept=fit_intercept,
                       alpha_per_target=True, store_cv_results=True).fit(
            X, Y, sample_weight=sw)
    est = fit()
    if not weighted:
        for t in range(2):
            loo = exact_ridge_loo(X, Y[:, t], alphas, fit_intercept)
            assert_allclose(est.cv_results_[:, t].mean(axis=0), loo, rtol=1e-9)
            assert est.alpha_[t] == alphas[int(np.argmin(loo))]
    monkeypatch.setattr(_ridge_loo, "_DIRECT_MAX_ALPHAS", 0)     # the Jacobi SVD
    ref = fit()
    assert_allclose(est.cv_results_, ref.cv_results_, rtol=1e-8)
    assert_allclose(est.alpha_, ref.alpha_)
    assert_allclose(est.coef_, ref.coef_, rtol=1e-9)
    assert_allclose(est.intercept_, ref.intercept_, rtol=1e-9)


# --------------------------------------------------------------------------------------
# Interrupts (issue 20): the Cholesky factorization and the eigendecomposition
# --------------------------------------------------------------------------------------

def test_blocked_cholesky_is_lapacks(monkeypatch):
    """Above _BLOCKED_POTRF the factorization runs by blocks (interruptible between
    LAPACK / BLAS calls): the factor LAPACK's single call gives, and the same failure
    (info: the order of the first non-positive leading minor)."""
    from scipy.linalg import lapack

    from fastreg import _ridge_solvers
    monkeypatch.setattr(_ridge_solvers, "_BLOCKED_POTRF", 50)
    monkeypatch.setattr(_ridge_solvers, "_BLOCK_MACS", 300 * 40 * 40)
    # (panels of 37 columns: a last panel of 4, chunks of the row panel and of the
    # trailing update's rows)
    monkeypatch.setattr(_ridge_solvers, "_potrf_panel", lambda m: 37)
    rng = np.random.default_rng(0)
    B = rng.standard_normal((300, 320))
    A = np.asfortranarray(B @ B.T)
    ref, info = lapack.dpotrf(A, lower=0, clean=1)
    assert info == 0
    c, info = _ridge_solvers.potrf_upper(A.copy(order="F"))
    assert info == 0
    assert_allclose(np.triu(c), ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    bad = A.copy(order="F")
    bad[137, 137] = -1.0
    assert lapack.dpotrf(bad, lower=0)[1] == 138
    assert _ridge_solvers.potrf_upper(bad.copy(order="F"))[1] == 138
    # and through Ridge: the same coefficients
    X, y = B[:, :200].T.copy(), rng.standard_normal(320)[:200]
    est = Ridge(alpha=0.5).fit(X, y)
    monkeypatch.setattr(_ridge_solvers, "_BLOCKED_POTRF", 10**9)
    ref = Ridge(alpha=0.5).fit(X, y).coef_
    assert_allclose(est.coef_, ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())


def test_blocked_cholesky_runs_signal_handlers():
    """The blocked factorization runs Python's signal handlers between its BLAS calls:
    a handler's exception (here SIGALRM's, 5 ms into a factorization of order 3000)
    stops it, and the accuracy of a whole factorization is LAPACK's (backward error
    within a few eps, ill-conditioned too)."""
    from scipy.linalg import lapack

    from fastreg import _cholesky

    class Alarm(Exception):
        pass

    def handler(signum, frame):
        raise Alarm
    rng = np.random.default_rng(5)
    m = 3000
    B = rng.standard_normal((m, m + 10))
    A = np.asfortranarray(B @ B.T)
    old = signal.signal(signal.SIGALRM, handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.005)
        with pytest.raises(Alarm):
            _cholesky.potrf_upper(A.copy(order="F"), 256, 1 << 22)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    Q, _ = np.linalg.qr(rng.standard_normal((600, 600)))
    for cond in (1e2, 1e12):
        M = (Q * np.logspace(0, -np.log10(cond), 600)) @ Q.T
        M = np.asfortranarray((M + M.T) / 2)
        F = M.copy(order="F")
        assert _cholesky.potrf_upper(F, 64, 1 << 16) == 0
        U = np.triu(F)
        assert np.linalg.norm(U.T @ U - M) <= 20 * np.finfo(float).eps * np.linalg.norm(M)
        assert np.array_equal(np.tril(F, -1), np.tril(M, -1))   # lower left as it was
        ref = np.triu(lapack.dpotrf(M, lower=0)[0])
        assert_allclose(U, ref, rtol=0, atol=1e-9 * np.abs(ref).max())


def test_nogil_decompositions_are_scipys(monkeypatch):
    """The SVDs and eigendecompositions without the GIL (_lapack_nogil, on a worker
    thread or in place) are SciPy's bit for bit: the same LAPACK routines, options
    and workspace sizes; and so are Ridge(solver="svd") / RidgeCV's results."""
    from scipy import linalg
    from scipy.linalg import lapack

    from fastreg import _lapack_nogil, _ridge_solvers
    rng = np.random.default_rng(2)
    for limit in (0.0, np.inf):                  # on the worker thread, in place
        monkeypatch.setattr(_ridge_solvers, "_THREAD_MIN_WORK", limit)
        for shape in [(70, 40), (40, 70), (1, 5), (5, 1), (300, 300)]:
            X = rng.standard_normal(shape)
            for got, ref in zip(_ridge_solvers._svd(X),
                                linalg.svd(X, full_matrices=False, check_finite=False),
                                strict=True):
                np.testing.assert_array_equal(got, ref)
            info, got = _lapack_nogil.decompose("gesvd", X, False, limit)
            assert info == 0
            for g, ref in zip(got, linalg.svd(X, full_matrices=False,
                                              lapack_driver="gesvd"), strict=True):
                np.testing.assert_array_equal(g, ref)
            Xj = (X if shape[0] >= shape[1] else X.T).copy()
            Xj[:, 0] *= 1e9
            sva, u, v, work, _, info = lapack.dgejsv(np.asfortranarray(Xj), joba=2,
                                                     jobu=0, jobv=0)
            assert info == 0
            U, s, Vt = _ridge_solvers._jacobi_svd(Xj)
            np.testing.assert_array_equal(U, u)
            np.testing.assert_array_equal(Vt, v.T)
            np.testing.assert_array_equal(s, sva * (work[1] / work[0]))
        for n in (1, 7, 120):
            M = rng.standard_normal((n, n))
            M = M + M.T
            M[0, -1] += 1.0                      # (the triangle read matters)
            for lower in (True, False):
                for got, ref in zip(_ridge_solvers.eigh(M, lower),
                                    linalg.eigh(M, lower=lower, driver="evd",
                                                check_finite=False), strict=True):
                    np.testing.assert_array_equal(got, ref)
    X, y = rng.standard_normal((70, 40)), rng.standard_normal(70)
    results = {}
    for limit in (0.0, np.inf):
        monkeypatch.setattr(_ridge_solvers, "_THREAD_MIN_WORK", limit)
        results[limit] = (
            Ridge(alpha=0.3, solver="svd").fit(X, y).coef_,
            RidgeCV(alphas=(0.1, 1, 10), gcv_mode="svd",
                    store_cv_results=True).fit(X, y).cv_results_,
            RidgeCV(alphas=(0.1, 1, 10), gcv_mode="eigen",
                    store_cv_results=True).fit(X, y).cv_results_)
    for a, b in zip(results[0.0], results[np.inf], strict=True):
        np.testing.assert_array_equal(a, b)


def test_nogil_decompositions_check_info(monkeypatch):
    """LAPACK's info codes become clear LinAlgErrors: NaN in X (dgesdd's illegal
    argument 4); a dgesdd that does not converge falls back to dgesvd (SciPy's QR
    iteration), and if that fails too the error names both; a failing dsyevd names
    itself and the order. The decomposed arrays are never modified."""
    from scipy import linalg

    from fastreg import _lapack_nogil, _ridge_solvers
    rng = np.random.default_rng(4)
    X = rng.standard_normal((30, 20))
    X[3, 4] = np.nan
    before = X.copy()
    with pytest.raises(linalg.LinAlgError, match=r"dgesdd rejected its argument 4"):
        _ridge_solvers._svd(X)
    np.testing.assert_array_equal(X, before)
    decompose = _lapack_nogil.decompose
    calls = []

    def failing(routine, A, lower, limit, fail=("gesdd",)):
        calls.append(routine)
        info, out = decompose(routine, A, lower, limit)
        return (5, out) if routine in fail else (info, out)
    X = rng.standard_normal((30, 20))
    monkeypatch.setattr(_lapack_nogil, "decompose", failing)
    for got, ref in zip(_ridge_solvers._svd(X),
                        linalg.svd(X, full_matrices=False, lapack_driver="gesvd"),
                        strict=True):
        np.testing.assert_array_equal(got, ref)
    assert calls == ["gesdd", "gesvd"]
    monkeypatch.setattr(_lapack_nogil, "decompose",
                        lambda r, A, lower, limit: failing(r, A, lower, limit,
                                                           ("gesdd", "gesvd", "syevd")))
    with pytest.raises(linalg.LinAlgError,
                       match=r"SVD of the 30 x 20 design: LAPACK's dgesdd, then dgesvd "
                             r"did not converge \(info=5\)"):
        _ridge_solvers._svd(X)
    with pytest.raises(linalg.LinAlgError,
                       match=r"eigendecomposition of order 20: LAPACK's dsyevd did not "
                             r"converge"):
        _ridge_solvers.eigh(X.T @ X)
    with pytest.raises(ValueError, match="bad shape"):
        decompose("syevd", X, False, 0.0)


@pytest.mark.parametrize("which", ["svd", "eigh"])
def test_nogil_decompositions_run_signal_handlers(which):
    """While the LAPACK call runs on its worker thread, the main thread runs Python's
    signal handlers: SIGALRM's handler runs 0.25 s into a decomposition of seconds,
    while it is still running (SciPy's wrappers hold the GIL: the handler ran only
    once it had ended), its exception stops the wait, and the process goes on (the
    abandoned call ends in the background on its own buffers)."""
    from fastreg import _lapack_nogil, _ridge_solvers

    class Alarm(Exception):
        pass
    seen = {}
    rng = np.random.default_rng(5)
    X = np.asfortranarray(rng.standard_normal((2000, 1500)))
    M = np.asfortranarray(X.T @ X)

    def handler(signum, frame):
        seen["running"] = _lapack_nogil.running()
        raise Alarm
    old = signal.signal(signal.SIGALRM, handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.25)
        with pytest.raises(Alarm):
            if which == "svd":
                _ridge_solvers._svd(X)
            else:
                _ridge_solvers.eigh(M)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert seen["running"] >= 1          # (the handler ran during the call)
    # the abandoned call ends by itself (and frees its buffers); results as before
    while _lapack_nogil.running():
        time.sleep(0.05)
    lam, V = _ridge_solvers.eigh(M[:50, :50])
    assert_allclose(lam, np.linalg.eigvalsh(M[:50, :50]), rtol=1e-10)


@pytest.mark.slow
@pytest.mark.parametrize("case, delay", [("potrf", 0.5), ("Ridge", 0.3),
                                         ("RidgeCV", 1.5), ("Ridge-svd", 1.0),
                                         ("RidgeCV-svd", 1.0), ("Ridge-sag", 1.0)])
def test_ridge_interrupt(case, delay):
    """SIGINT during a large Ridge / RidgeCV fit (the Gram product, the blocked
    Cholesky factorization of order 6000, the eigendecomposition of order 2000 and
    the SVDs, both without the GIL on a worker thread; scikit-learn's SAG on a helper
    thread): KeyboardInterrupt within
    0.2 s of the signal, the estimator left unfitted, and the process exits normally
    (exit code 0, the abandoned LAPACK call still running). The children are
    test_interrupts.py's (one harness)."""
    from test_interrupts import check, run_children
    check(run_children(case, [delay], timeout=300))


def refined_ridge(X, y, alpha):
    """The ridge solution with an intercept to about extended precision: X centered
    in long double, the equilibrated normal equations solved in float64 and refined
    with long double residuals (primal or dual, the smaller system)."""
    L = np.longdouble
    Xc = X.astype(L) - X.astype(L).mean(axis=0)
    yc = y.astype(L) - y.astype(L).mean()
    X64 = Xc.astype(np.float64)
    wide = X.shape[0] < X.shape[1]
    M = (X64 @ X64.T if wide else X64.T @ X64) + alpha * np.eye(min(X.shape))
    d = 1.0 / np.sqrt(np.diag(M))
    Me = M * d[:, None] * d[None, :]

    def solve(r):
        return (d * np.linalg.solve(Me, d * r.astype(np.float64))).astype(L)
    b = yc if wide else Xc.T @ yc
    z = solve(b)
    for _ in range(8):
        r = b - (Xc @ (Xc.T @ z) if wide else Xc.T @ (Xc @ z)) - L(alpha) * z
        z = z + solve(r)
    return (Xc.T @ z if wide else z).astype(np.float64)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["ames", "california_housing", "leukemia",
                                  "riboflavin"])
def test_defaults_at_least_as_accurate_as_sklearn(load_dataset, name):
    """Ridge() and RidgeCV() at their defaults: coefficients at least as close to the
    exact solution (extended-precision refinement) as scikit-learn's. Before: ames
    1.2e-11 and california 7.4e-11 (implicit centering refined to 1e-10 of the
    solution) against scikit-learn's 3.4e-12 / 2.2e-14; now the long designs' Gram
    matrix is centered by blocks."""
    X, y = load_dataset(name)
    X = np.asarray(X.toarray() if sparse.issparse(X) else X, dtype=np.float64)
    exact = refined_ridge(X, y, 1.0)
    ours, ref = Ridge().fit(X, y), sk.Ridge().fit(X, y)
    assert rel_err(ours.coef_, exact) <= 1.5 * rel_err(ref.coef_, exact) + 1e-15
    cv, ref_cv = RidgeCV().fit(X, y), sk.RidgeCV().fit(X, y)
    assert cv.alpha_ == ref_cv.alpha_
    exact = refined_ridge(X, y, cv.alpha_)
    assert rel_err(cv.coef_, exact) <= 1.5 * rel_err(ref_cv.coef_, exact) + 1e-15
