"""warm_start as a continuation (fastreg/_base.py: Continuation): warm-start fits that
stop by max_iter, repeated on the same data and parameters, return exactly what one fit
with the summed max_iter returns; anything changed in between starts from coef_."""
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

import fastreg

ESTIMATORS = [
    (fastreg.ElasticNet, dict(alpha=0.02, l1_ratio=0.7)),
    (fastreg.Lasso, dict(alpha=0.02)),
    (fastreg.MultiTaskLasso, dict(alpha=0.02)),
    (fastreg.MultiTaskElasticNet, dict(alpha=0.02, l1_ratio=0.7)),
]


def problem(multitask, dtype=np.float64, n=40, p=60, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p) + 0.8 * rng.randn(n, 1)   # correlated columns: slow sweeps
    w = np.zeros((p, 2))
    w[:12] = rng.randn(12, 2)
    Y = X @ w + 0.3 * rng.randn(n, 2) + 3.0
    y = Y if multitask else Y[:, 0]
    return X.astype(dtype), y.astype(dtype), rng.uniform(0.2, 3, n)


def fit(est, X, y, sw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, sample_weight=sw)


def same_fit(a, b):
    assert_array_equal(a.coef_, b.coef_)
    assert_array_equal(a.intercept_, b.intercept_)
    assert_array_equal(a.dual_gap_, b.dual_gap_)
    assert a.n_iter_ == b.n_iter_


@pytest.mark.parametrize("Est, params", ESTIMATORS)
@pytest.mark.parametrize("layout", ["dense", "csc", "csr"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_continuation_equals_one_fit(Est, params, layout, dtype, fit_intercept,
                                     weighted):
    multitask = Est.__name__.startswith("MultiTask")
    X, y, sw = problem(multitask, dtype)
    if layout != "dense":
        X = sparse.csc_matrix(X) if layout == "csc" else sparse.csr_array(X)
    sw = sw if weighted else None
    params = dict(params, tol=1e-12, fit_intercept=fit_intercept)
    est = Est(max_iter=4, warm_start=True, **params)
    for k in (1, 2, 3):
        fit(est, X, y, sw)
        one = fit(Est(max_iter=4 * k, **params), X, y, sw)
        assert one.n_iter_ == 4 * k    # not converged: a real test of the replay
        same_fit(est, one)
    # a budget that converges: the one-shot fit's answer, and nothing is kept
    est.set_params(max_iter=5000)
    fit(est, X, y, sw)
    one = fit(Est(max_iter=12 + 5000, **params), X, y, sw)
    assert one.n_iter_ < 12 + 5000
    same_fit(est, one)
    assert not hasattr(est, "_warm_state")


def warm_from_coef(est, coef, X, y, sw):
    """A warm-start fit from coef alone (what any warm start did before)."""
    ref = clone(est)
    ref.coef_ = coef.copy()
    return fit(ref, X, y, sw)


@pytest.mark.parametrize("Est, params", ESTIMATORS)
@pytest.mark.parametrize("change", ["X in place", "y", "weights", "alpha", "tol",
                                    "coef_", "sparse X"])
def test_changes_between_fits_do_not_replay(Est, params, change):
    multitask = Est.__name__.startswith("MultiTask")
    X, y, sw = problem(multitask)
    Xs = sparse.csc_matrix(X)
    est = Est(max_iter=4, warm_start=True, tol=1e-12, **params)
    fit(est, Xs if change == "sparse X" else X, y, sw)
    assert hasattr(est, "_warm_state")
    if change == "X in place":
        X[3, 5] = np.nextafter(X[3, 5], np.inf)     # one ulp of one entry
    elif change == "sparse X":
        Xs.data[7] *= -1
    elif change == "y":
        y = y.copy()
        y[0] += 1e-9
    elif change == "weights":
        sw = sw.copy()
        sw[[0, 1]] = sw[[1, 0]]
    elif change == "alpha":
        est.set_params(alpha=params["alpha"] * 1.01)
    elif change == "tol":
        est.set_params(tol=1e-11)
    else:
        est.coef_ = est.coef_ * 1.0001
    data = (Xs if change == "sparse X" else X, y, sw)
    ref = warm_from_coef(est, est.coef_, *data)
    fit(est, *data)
    same_fit(est, ref)
    # ... and the replayed fit would have differed: the check is not vacuous
    assert not np.array_equal(est.coef_,
                              fit(clone(est).set_params(max_iter=8), *data).coef_)


def test_converged_fit_keeps_nothing():
    X, y, _ = problem(False)
    est = fastreg.Lasso(alpha=0.05, warm_start=True, tol=1e-6).fit(X, y)
    assert est.n_iter_ < est.max_iter
    assert not hasattr(est, "_warm_state")


def test_user_arrays_untouched_and_state_private():
    X, y, sw = problem(True)
    X0, y0, sw0 = X.copy(), y.copy(), sw.copy()
    est = fit(fastreg.MultiTaskLasso(alpha=0.02, max_iter=3, tol=1e-12,
                                     warm_start=True), X, y, sw)
    fit(est, X, y, sw)
    assert_array_equal(X, X0)
    assert_array_equal(y, y0)
    assert_array_equal(sw, sw0)
    # a private attribute: not a fitted attribute, not a parameter
    assert "_warm_state" not in est.get_params()
    assert not hasattr(clone(est), "_warm_state")
