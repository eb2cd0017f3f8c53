"""LassoCV / ElasticNetCV on a tall Fortran X with an intercept and no weights: the
finiteness check and the fold moments' centering check come from one pass over X
(_prepare.finite_column_stats): scikit-learn's errors, the same moments and results."""
import numpy as np
import pytest
import sklearn
from sklearn import linear_model as sk
from sklearn.model_selection import KFold

import fastreg
from fastreg import _prepare


def _data(n=300, p=20, shift=0.0, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n, p)) + shift, dtype=dtype)
    w = np.zeros(p)
    w[:4] = [2.0, -1.0, 0.5, 1.5]
    return X, (X @ w + rng.standard_normal(n)).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("est", ["LassoCV", "ElasticNetCV"])
def test_non_finite_X_scikit_learn_error(dtype, bad, est):
    X, y = _data(dtype=dtype)
    X[7, 3] = bad
    assert X.flags.f_contiguous
    with pytest.raises(ValueError) as ours:
        getattr(fastreg, est)(cv=3).fit(X, y)
    with pytest.raises(ValueError) as theirs:
        getattr(sk, est)(cv=3).fit(X, y)
    assert str(ours.value) == str(theirs.value)


def test_non_finite_y_still_checked():
    X, y = _data()
    y[5] = np.nan
    with pytest.raises(ValueError, match="Input y contains NaN"):
        fastreg.LassoCV(cv=3).fit(X, y)


def test_finite_column_stats():
    X, _ = _data(shift=5.0)
    sums, sumsq = _prepare.finite_column_stats(X, "LassoCV")
    np.testing.assert_allclose(sums, X.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(sumsq, (X ** 2).sum(axis=0), rtol=1e-12)
    # finite values whose squares overflow: no error, no statistics
    big = np.asfortranarray(np.full((10, 2), 1e200))
    assert _prepare.finite_column_stats(big, "LassoCV") is None
    bad = X.copy(order="F")
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        _prepare.finite_column_stats(bad, "LassoCV")
    with sklearn.config_context(assume_finite=True):
        assert _prepare.finite_column_stats(bad, "LassoCV") is None


@pytest.mark.parametrize("shift", [0.0, 1e3])      # no centering / centered copy
def test_fold_moments_given_stats_same_bits(shift):
    X, y = _data(shift=shift)
    folds = list(KFold(5).split(X))
    stats = _prepare.finite_column_stats(X, "LassoCV")
    a = _prepare.FoldMoments(X, y, None, folds, True)
    b = _prepare.FoldMoments(X, y, None, folds, True, stats=stats)
    assert (a.Xg is X) == (b.Xg is X) == (shift == 0.0)
    np.testing.assert_array_equal(a.mu, b.mu)
    for ma, mb in zip(a.total, b.total, strict=True):
        np.testing.assert_array_equal(ma, mb)


@pytest.mark.parametrize("shift", [0.0, 1e3])
@pytest.mark.parametrize("est", ["LassoCV", "ElasticNetCV"])
def test_fused_fit_as_scikit_learn(shift, est):
    X, y = _data(shift=shift)
    X_before = X.copy()
    cv = KFold(5)
    ours = getattr(fastreg, est)(cv=cv, tol=1e-10, max_iter=100000).fit(X, y)
    np.testing.assert_array_equal(X, X_before)
    ref = getattr(sk, est)(cv=cv, tol=1e-10, max_iter=100000).fit(X, y)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-6)
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-8)
