"""Ridge's named iterative solvers ('sparse_cg', 'lsqr', 'sag', 'saga', 'lbfgs';
``fastreg/_ridge_iterative.py``) against scikit-learn's same solver (coefficients,
intercept, ``n_iter_``, ``solver_``, warnings) and against the exact solution."""
import warnings

import numpy as np
import pytest
import sklearn.linear_model as sk
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from scipy.optimize import lsq_linear
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning

from fastreg import Ridge

SOLVERS = ["sparse_cg", "lsqr", "sag", "saga"]


def data(shape, seed=0, n_targets=2):
    """Diabetes (tall, 442 x 10) or its first 8 rows (wide), two targets, weights."""
    X, y = load_diabetes(return_X_y=True)
    rng = np.random.RandomState(seed)
    Y = np.c_[y, 2 * y + 50 * rng.randn(len(y))][:, :n_targets]
    sw = 0.5 + rng.rand(len(y))
    if shape == "wide":
        return X[:8], Y[:8], sw[:8]
    return X, Y, sw


def exact(X, Y, alpha, sw, fit_intercept):
    """The ridge solution by NumPy's least squares on the augmented system."""
    X = X.toarray() if sparse.issparse(X) else np.asarray(X, dtype=np.float64)
    w = np.ones(len(X)) if sw is None else sw
    if fit_intercept:
        X = X - np.average(X, axis=0, weights=w)
        Y = Y - np.average(Y, axis=0, weights=w)
    s = np.sqrt(w)[:, None]
    p = X.shape[1]
    A = np.vstack([s * X, np.sqrt(alpha) * np.eye(p)])
    B = np.vstack([s * Y, np.zeros((p, Y.shape[1]))])
    return np.linalg.lstsq(A, B, rcond=None)[0].T


def rel(a, b):
    return np.max(np.abs(np.asarray(a) - b)) / np.max(np.abs(b))


def fit_both(kw, X, Y, sw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = Ridge(**kw).fit(X, Y, sample_weight=sw)
        ref = sk.Ridge(**kw).fit(X, Y, sample_weight=sw)
    return ours, ref


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("shape", ["tall", "wide"])
@pytest.mark.parametrize("fmt", ["dense", "csr"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_named_solver_matches_sklearn_and_exact(solver, shape, fmt, fit_intercept,
                                                weighted):
    X, Y, sw = data(shape)
    sw = sw if weighted else None
    Xin = sparse.csr_matrix(X) if fmt == "csr" else X
    kw = dict(alpha=0.5, solver=solver, fit_intercept=fit_intercept, tol=1e-10,
              max_iter=100000, random_state=0)
    if solver == "saga" and fmt == "csr" and fit_intercept:
        for est in (Ridge(**kw), sk.Ridge(**kw)):
            with pytest.raises(ValueError, match="does not support fitting the int"):
                est.fit(Xin, Y, sample_weight=sw)
        return
    ours, ref = fit_both(kw, Xin, Y, sw)
    # the algorithm scikit-learn runs (for 'sag' on sparse X with an intercept and
    # tol <= 1e-4: 'sparse_cg'), its iterations (None where scikit-learn's are)
    assert ours.solver_ == ref.solver_ == ours.method_
    if ref.n_iter_ is None:
        assert ours.n_iter_ is None
    else:
        assert_array_equal(ours.n_iter_, ref.n_iter_)
    assert ours.coef_.shape == ref.coef_.shape == (2, X.shape[1])
    assert rel(ours.coef_, ref.coef_) < 1e-8
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-8,
                    atol=1e-8 * np.max(np.abs(Y)))
    # and the exact solution, to the tolerance (sag / saga: a relative change of the
    # coefficients of 1e-10 per epoch leaves ~1e-9)
    w = exact(X, Y, 0.5, sw, fit_intercept)
    assert rel(ours.coef_, w) < 1e-8
    full = Ridge(alpha=0.5, fit_intercept=fit_intercept).fit(X, Y, sample_weight=sw)
    assert_allclose(ours.intercept_, full.intercept_, rtol=1e-7,
                    atol=1e-7 * np.max(np.abs(Y)))


@pytest.mark.parametrize("fmt", ["dense", "csr"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_lbfgs_matches_sklearn_and_bounded_least_squares(fmt, fit_intercept, weighted):
    rng = np.random.RandomState(3)
    X = rng.randn(60, 12)
    Y = np.c_[X @ np.r_[rng.rand(6), -rng.rand(6)], X @ rng.randn(12)] \
        + 0.1 * rng.randn(60, 2)
    sw = 0.5 + rng.rand(60) if weighted else None
    Xin = sparse.csr_matrix(X) if fmt == "csr" else X
    kw = dict(alpha=0.5, solver="lbfgs", positive=True, fit_intercept=fit_intercept,
              tol=1e-12)
    ours, ref = fit_both(kw, Xin, Y, sw)
    assert ours.solver_ == ref.solver_ == ours.method_ == "lbfgs"
    assert ours.n_iter_ is None and ref.n_iter_ is None
    assert np.all(ours.coef_ >= 0)
    assert rel(ours.coef_, ref.coef_) < 1e-7
    # the exact answer: BVLS on the augmented, centered, weighted system
    w = np.ones(60) if sw is None else sw
    Xc = X - np.average(X, axis=0, weights=w) if fit_intercept else X
    Yc = Y - np.average(Y, axis=0, weights=w) if fit_intercept else Y
    A = np.vstack([np.sqrt(w)[:, None] * Xc, np.sqrt(0.5) * np.eye(12)])
    for k in range(2):
        b = np.r_[np.sqrt(w) * Yc[:, k], np.zeros(12)]
        ref_k = lsq_linear(A, b, bounds=(0, np.inf), method="bvls", tol=1e-15).x
        assert_allclose(ours.coef_[k], ref_k, atol=1e-6 * np.max(np.abs(ref_k)))


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_float32(solver, fmt):
    """float32 input: float32 attributes; computed in float64 (scikit-learn computes
    in float32), so within float32 rounding of the exact solution, and near
    scikit-learn's (whose n_iter_ may differ by a few: its rounding)."""
    X, Y, _ = data("tall", n_targets=1)
    X32, y32 = X.astype(np.float32), Y[:, 0].astype(np.float32)
    Xin = sparse.csr_matrix(X32) if fmt == "csr" else X32
    fi = not (solver == "saga" and fmt == "csr")
    kw = dict(alpha=0.5, solver=solver, fit_intercept=fi, tol=1e-8, max_iter=100000,
              random_state=0)
    ours, ref = fit_both(kw, Xin, y32, None)
    assert ours.coef_.dtype == np.float32 and ours.coef_.shape == (10,)
    if fi:
        assert np.asarray(ours.intercept_).dtype == np.float32
    w = exact(X32.astype(np.float64), y32.astype(np.float64)[:, None], 0.5, None,
              fi)[0]
    # (scikit-learn's float32 SAGA stops 5e-4 from it)
    assert rel(ours.coef_, w) < 2e-6
    assert rel(ours.coef_, w) <= max(2e-6, rel(ref.coef_, w))
    assert rel(ours.coef_, ref.coef_) < 1e-3
    assert ours.solver_ == ref.solver_


@pytest.mark.parametrize("solver", ["sag", "saga", "lsqr"])
def test_n_iter_is_max_iter_when_it_stops_there(solver):
    X, Y, _ = data("tall")
    for max_iter in (1, 2, 5):
        est = Ridge(solver=solver, max_iter=max_iter, tol=1e-12)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X, Y)
        assert_array_equal(est.n_iter_, [max_iter, max_iter])


@pytest.mark.parametrize("solver", ["auto", "svd", "cholesky", "sparse_cg"])
def test_n_iter_none(solver):
    """None, as scikit-learn's, for the exact solvers and for 'sparse_cg'."""
    X, Y, _ = data("tall")
    assert Ridge(solver=solver, max_iter=1, tol=1e-1).fit(X, Y).n_iter_ is None
    assert Ridge(positive=True, solver="lbfgs").fit(X, Y).n_iter_ is None


def test_per_target_alphas():
    X, Y, sw = data("tall")
    alphas = np.array([0.1, 3.0])
    for solver in SOLVERS:
        kw = dict(alpha=alphas, solver=solver, tol=1e-10, max_iter=100000,
                  random_state=0)
        ours, ref = fit_both(kw, X, Y, sw)
        assert rel(ours.coef_, ref.coef_) < 1e-8, solver
        for k in range(2):
            assert rel(ours.coef_[k], exact(X, Y[:, k:k + 1], alphas[k], sw,
                                            True)[0]) < 1e-8, solver


def test_loose_tol_matches_sklearn_not_exact():
    """At the default tol the named solvers stop where scikit-learn's stop (same
    iterations, same coefficients), not at the exact solution."""
    X, Y, sw = data("tall")
    w = exact(X, Y, 0.5, sw, True)
    for solver in SOLVERS:
        ours, ref = fit_both(dict(alpha=0.5, solver=solver, random_state=0), X, Y, sw)
        assert rel(ours.coef_, ref.coef_) < 1e-6, solver
        assert rel(ours.coef_, w) > 1e-9, solver
        if ref.n_iter_ is not None:
            assert_array_equal(ours.n_iter_, ref.n_iter_)


def test_lbfgs_warns_when_not_converged():
    X = np.array([[1.0, -1.0], [1.0, 1.0]])
    y = np.array([-1e10, 1e10])
    est = Ridge(alpha=0.01, solver="lbfgs", positive=True, fit_intercept=False,
                tol=1e-12, max_iter=1)
    with pytest.warns(ConvergenceWarning, match="lbfgs solver did not converge"):
        est.fit(X, y)


@pytest.mark.parametrize("weighted", [False, True])
def test_sag_sparse_intercept(weighted):
    """'sag' on sparse X with an intercept: SAG fits the intercept (with
    scikit-learn's UserWarning) at max_iter=None and tol > 1e-4, else 'sparse_cg'."""
    rng = np.random.RandomState(0)
    X = sparse.random(40, 6, density=0.5, random_state=1, format="csr")
    X.data += 5.0
    y = X @ rng.randn(6) + 3.0 + 0.1 * rng.randn(40)
    sw = 1.0 + rng.rand(40) if weighted else None
    kw = dict(solver="sag", tol=1e-3, random_state=0)
    with pytest.warns(UserWarning, match='"sag" solver requires'):
        ours = Ridge(**kw).fit(X, y, sample_weight=sw)
    with pytest.warns(UserWarning, match='"sag" solver requires'):
        ref = sk.Ridge(**kw).fit(X, y, sample_weight=sw)
    assert ours.solver_ == ref.solver_ == "sag"
    assert_array_equal(ours.n_iter_, ref.n_iter_)
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-9)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-9)
    # tol <= 1e-4 (or max_iter given): conjugate gradients, no warning, exact to tol
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        est = Ridge(solver="sag", tol=1e-12, max_iter=100000).fit(X, y,
                                                                   sample_weight=sw)
    assert est.solver_ == "sparse_cg" and est.n_iter_ is None
    full = Ridge().fit(X.toarray(), y, sample_weight=sw)
    assert_allclose(est.coef_, full.coef_, rtol=1e-8)
    assert_allclose(est.intercept_, full.intercept_, rtol=1e-8)


def test_inputs_not_modified_and_one_target_shapes():
    X, Y, sw = data("tall")
    Xs = sparse.csr_matrix(X)
    copies = (X.copy(), Y.copy(), sw.copy(), Xs.data.copy())
    for solver in SOLVERS:
        for Xin in (X, Xs) if solver != "saga" else (X,):
            est = Ridge(solver=solver, random_state=0).fit(Xin, Y[:, 0],
                                                           sample_weight=sw)
            assert est.coef_.shape == (10,) and np.ndim(est.intercept_) == 0
            if est.n_iter_ is not None:
                assert est.n_iter_.shape == (1,)
    assert_array_equal(X, copies[0])
    assert_array_equal(Y, copies[1])
    assert_array_equal(sw, copies[2])
    assert_array_equal(Xs.data, copies[3])


def test_random_state_reproducible():
    X, Y, _ = data("tall")
    for solver in ("sag", "saga"):
        a = Ridge(solver=solver, random_state=7).fit(X, Y)
        b = Ridge(solver=solver, random_state=7).fit(X, Y)
        ref = sk.Ridge(solver=solver, random_state=7).fit(X, Y)
        assert_array_equal(a.coef_, b.coef_)
        assert_allclose(a.coef_, ref.coef_, rtol=1e-9)


@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_cg_unreachable_tol_gives_the_best_iterate_and_warns(fmt):
    # tol=0: CG's residual reaches zero (or stalls) and SciPy's next step divides 0
    # by 0 (scikit-learn then returns NaN coefficients without a word); fastreg
    # returns the last finite iterate and says the tol was not reachable
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 20))
    y = rng.standard_normal(300)
    Xc = X - X.mean(0)
    exact = np.linalg.solve(Xc.T @ Xc + np.eye(20), Xc.T @ (y - y.mean()))
    Xf = sparse.csr_matrix(X) if fmt == "csr" else X
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = Ridge(solver="sparse_cg", tol=0.0, max_iter=2000).fit(Xf, y)
    assert np.all(np.isfinite(est.coef_))
    assert_allclose(est.coef_, exact, rtol=1e-10, atol=1e-13)
    messages = [str(w.message) for w in caught if w.category is ConvergenceWarning]
    assert len(messages) == 1 and "tol=" in messages[0] and "not reachable" in messages[0]


@pytest.mark.parametrize("solver", ["sparse_cg", "lsqr"])
@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_iteration_limit_before_tol_warns(solver, fmt):
    # a tiny nonzero tol (1e-300) that the iterations never certify: they run to
    # max_iter and say so, with the iterate reached (scikit-learn: silent unless
    # verbose); a tol they reach gives no warning
    rng = np.random.default_rng(1)
    X = rng.standard_normal((200, 30))
    y = rng.standard_normal(200)
    Xf = sparse.csr_matrix(X) if fmt == "csr" else X
    ref = sk.Ridge(solver=solver, tol=1e-300, max_iter=5).fit(Xf, y)
    with pytest.warns(ConvergenceWarning, match=r"did not reach tol=1e-300 in 5 "):
        est = Ridge(solver=solver, tol=1e-300, max_iter=5).fit(Xf, y)
    assert_allclose(est.coef_, ref.coef_, rtol=1e-8, atol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        Ridge(solver=solver, tol=1e-6, max_iter=1000).fit(Xf, y)
