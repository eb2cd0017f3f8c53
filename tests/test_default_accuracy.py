"""At default parameters fastreg is at least as close to the exact answer as
scikit-learn.

Both libraries stop at the same certificate (duality gap <= tol * ||y||^2 / n), but
scikit-learn only checks it once its coordinate updates are small, which takes it well
past the certificate; fastreg asks its kernel for three more digits (``working_tol`` in
``fastreg/_engine.py``: min(tol, max(tol / 1000, 1e-8)) in float64). Here, for each real
dataset and a few synthetic designs, fastreg and scikit-learn at their defaults are
compared with the exact answer (fastreg at tol=1e-12, a certified gap), on

* ``mse_path_`` (max relative error over the grid and the folds), ``alpha_``,
  ``alpha_1se_`` (scikit-learn's computed from its ``mse_path_`` by glmnet's rule) and
  ``coef_`` (relative error in norm) of LassoCV / ElasticNetCV with 5 unshuffled folds;
* ``coef_`` of Lasso / ElasticNet at the exact CV's alpha.

Each test fails when fastreg's error exceeds scikit-learn's (errors below ``FLOOR``
count as exact: both libraries then agree to rounding). Measured at the time of
writing (LassoCV, max relative error of mse_path_, scikit-learn / fastreg): diabetes
9.8e-5 / 1e-12, prostate 5.1e-5 / 1.5e-5, california 4.3e-4 / 3.5e-6, ames 1.8e-3 /
1.8e-12, leukemia 1.1e-1 / 8.2e-7, riboflavin 2.0e-1 / 7.2e-5.
"""
import warnings

import numpy as np
import pytest
from scipy import sparse
from sklearn import linear_model as sk
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold

import fastreg

FLOOR = 1e-9          # relative errors below this are rounding
EXACT = dict(tol=1e-12, max_iter=10**6)
REAL = ["diabetes", "prostate", "california_housing", "ames", "leukemia", "riboflavin"]


def synthetic(kind):
    rng = np.random.default_rng(7)
    n, p = {"tall": (2000, 40), "wide": (80, 400), "sparse": (1500, 120),
            "weighted": (600, 30)}[kind]
    Z = rng.standard_normal((n, p))
    X = Z + 0.7 * np.roll(Z, 1, axis=1)                 # correlated neighbours
    if kind == "sparse":
        X = sparse.csr_matrix(np.where(rng.random((n, p)) < 0.05, X + 2.0, 0.0))
    w = np.zeros(p)
    w[:8] = rng.standard_normal(8) * 2
    y = np.asarray(X @ w).ravel() + rng.standard_normal(n) + 3.0
    sw = rng.uniform(0.2, 3.0, n) if kind == "weighted" else None
    return X, y, sw


def rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), np.finfo(float).tiny))


def alpha_1se(alphas, mse_path):
    """glmnet's one-standard-error rule on a (n_alphas, n_folds) mse_path_."""
    mean = mse_path.mean(axis=1)
    i = int(np.argmin(mean))
    se = mse_path[i].std(ddof=1) / np.sqrt(mse_path.shape[1])
    return float(np.max(alphas[mean <= mean[i] + se]))


def chosen(est):
    """(alphas, mse_path) of the chosen l1_ratio."""
    if est.mse_path_.ndim == 2:
        return est.alphas_, est.mse_path_
    r = int(np.argmin(np.abs(np.atleast_1d(est.l1_ratio) - est.l1_ratio_)))
    return est.alphas_[r], est.mse_path_[r]


def cv_errors(est, exact):
    mse = est.mse_path_
    return {
        "mse_path_": float(np.max(np.abs(mse - exact.mse_path_) / np.abs(exact.mse_path_))),
        "alpha_": abs(est.alpha_ - exact.alpha_) / exact.alpha_,
        "alpha_1se_": abs(alpha_1se(*chosen(est)) - exact.alpha_1se_) /
        exact.alpha_1se_,
        "coef_": rel(est.coef_, exact.coef_),
    }


def assert_at_least_as_accurate(ours, theirs):
    for key, err in ours.items():
        assert err <= max(theirs[key], FLOOR), (
            f"{key}: fastreg {err:.3e} from the exact answer, scikit-learn "
            f"{theirs[key]:.3e}")


def check_cv(X, y, sw, fastreg_cls, sk_cls, **kw):
    cv = KFold(5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)     # scikit-learn's defaults
        exact = fastreg_cls(cv=cv, **EXACT, **kw).fit(X, y, sample_weight=sw)
        ours = fastreg_cls(cv=cv, **kw).fit(X, y, sample_weight=sw)
        theirs = sk_cls(cv=cv, **kw).fit(X, y, sample_weight=sw)
    assert_allclose_grid(ours, theirs, exact)
    if hasattr(exact, "l1_ratio_"):
        assert ours.l1_ratio_ == exact.l1_ratio_ or theirs.l1_ratio_ != exact.l1_ratio_
    assert_at_least_as_accurate(cv_errors(ours, exact), cv_errors(theirs, exact))
    return exact


def assert_allclose_grid(*ests):
    for est in ests[1:]:
        np.testing.assert_allclose(est.alphas_, ests[0].alphas_, rtol=1e-10)


def check_fit(X, y, sw, alpha, fastreg_cls, sk_cls, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        exact = fastreg_cls(alpha=alpha, **EXACT, **kw).fit(X, y, sample_weight=sw)
        ours = fastreg_cls(alpha=alpha, **kw).fit(X, y, sample_weight=sw)
        theirs = sk_cls(alpha=alpha, **kw).fit(X, y, sample_weight=sw)
    assert rel(ours.coef_, exact.coef_) <= max(rel(theirs.coef_, exact.coef_), FLOOR)
    assert abs(ours.intercept_ - exact.intercept_) <= max(
        abs(theirs.intercept_ - exact.intercept_), FLOOR * max(abs(exact.intercept_), 1))


@pytest.mark.parametrize("name", REAL)
def test_lasso_cv_and_fit_real(load_dataset, name):
    X, y = load_dataset(name)
    exact = check_cv(X, y, None, fastreg.LassoCV, sk.LassoCV)
    check_fit(X, y, None, exact.alpha_, fastreg.Lasso, sk.Lasso)


@pytest.mark.parametrize("name", ["diabetes", "prostate", "ames"])
def test_elastic_net_cv_and_fit_real(load_dataset, name):
    X, y = load_dataset(name)
    exact = check_cv(X, y, None, fastreg.ElasticNetCV, sk.ElasticNetCV,
                     l1_ratio=[0.1, 0.5, 0.9])
    check_fit(X, y, None, exact.alpha_, fastreg.ElasticNet, sk.ElasticNet,
              l1_ratio=exact.l1_ratio_)


@pytest.mark.parametrize("kind", ["tall", "wide", "sparse", "weighted"])
def test_synthetic(kind):
    X, y, sw = synthetic(kind)
    exact = check_cv(X, y, sw, fastreg.LassoCV, sk.LassoCV)
    check_fit(X, y, sw, exact.alpha_, fastreg.Lasso, sk.Lasso)
    exact = check_cv(X, y, sw, fastreg.ElasticNetCV, sk.ElasticNetCV, l1_ratio=0.5)
    check_fit(X, y, sw, exact.alpha_, fastreg.ElasticNet, sk.ElasticNet, l1_ratio=0.5)


def test_working_tol():
    """The kernel's target: three more digits, never below 1e-8 (float64) / 1e-5
    (float32) unless asked; below that the extra digits grow back (two at 1e-10,
    three from 1e-11), not below 1e-13 / 1e-6 unless tol is; never looser than
    tol."""
    from fastreg._engine import working_tol
    f64, f32 = np.float64, np.float32
    assert working_tol(1e-4, f64) == pytest.approx(1e-7)
    assert working_tol(1e-2, f64) == pytest.approx(1e-5)
    assert working_tol(1e-8, f64) == 1e-8
    assert working_tol(1e-10, f64) == pytest.approx(1e-12)
    assert working_tol(1e-11, f64) == pytest.approx(1e-13)
    assert working_tol(1e-12, f64) == 1e-13
    assert working_tol(1e-15, f64) == 1e-15
    assert working_tol(1e-4, f32) == 1e-5
    assert working_tol(1e-6, f32) == pytest.approx(1e-6)
    for tol in (1e-1, 1e-4, 1e-7, 1e-9, 1e-10, 1e-12, 1e-16):
        assert working_tol(tol, f64) <= tol
        assert working_tol(tol, f32) <= tol


def test_dual_gap_not_negative():
    """A computed gap below 0 is rounding: reported as 0 (the README's quickstart once
    showed -7.9e-13)."""
    from sklearn.datasets import load_diabetes
    X, y = load_diabetes(return_X_y=True)
    for alpha in np.geomspace(1.0, 1e-4, 12):
        est = fastreg.Lasso(alpha=alpha, tol=1e-14).fit(X, y)
        assert est.dual_gap_ >= 0
    _, _, gaps = fastreg.lasso_path(X - X.mean(0), y - y.mean(), alphas=30, tol=1e-14)
    assert np.all(gaps >= 0)
