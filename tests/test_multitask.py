"""Multi-task problems: fastreg.enet_path / lasso_path with a 2-D y and the estimators
MultiTaskElasticNet / MultiTaskLasso, against scikit-learn and NumPy.

With y of shape (n, T) the path functions solve, for every alpha, scikit-learn's
multi-task elastic net on X and Y as given (no centering), W of shape (p, T)::

    1 / (2 n) ||Y - XW||_F^2 + alpha l1_ratio sum_j ||W_j||_2
    + alpha (1 - l1_ratio) / 2 ||W||_F^2

and return scikit-learn's shapes: coefs (T, p, n_alphas). For every path we check

* the grid: scikit-learn's default grid for a 2-D y (alpha_max from the row norms of
  X^T Y), or the given alphas sorted in decreasing order;
* the coefficients: equal to scikit-learn's (both at tol = ``TOL``) to ``COEF_RTOL``
  relative to the largest reference coefficient of the same alpha; exactly zero where
  the reference is all zeros;
* the gaps: every returned gap equals the multi-task duality gap recomputed here in
  NumPy (``reference.multitask_dual_gap``, written from scikit-learn's definition) and is
  <= tol * ||Y||_F^2 / n;
* the optimality conditions, in NumPy: for a nonzero row, x_j^T R / n - a2 W_j =
  a1 W_j / ||W_j||; for a zero row, ||x_j^T R|| / n <= a1 (a1 = alpha l1_ratio,
  a2 = alpha (1 - l1_ratio)).

Measured (fastreg and scikit-learn both at tol 1e-10): the worst alpha differs by
<= 1.2e-8 relative on the synthetic problems, 5.6e-8 on riboflavin, 4e-10 on ames; the
worst KKT residual of a nonzero row is 5.3e-8 (relative to a1), zero rows satisfy
||x_j^T R|| / n <= a1 to rounding; float32 at tol = 10 eps differs from the float64
reference by <= 9e-5.
"""
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from sklearn import linear_model as sk
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

import fastreg
from fastreg._engine import solve_multitask
from reference import (
    GAP_ATOL,
    GAP_RTOL,
    assert_coefs_per_alpha,
    assert_gap,
    multitask_dual_gap,
    multitask_kkt,
)

TOL = 1e-10
MAX_ITER = 1_000_000
COEF_RTOL = 1e-6
ALPHA_RTOL = 1e-12
# gap recomputed in NumPy vs returned: a difference of terms of size ||Y||^2, so an
# absolute tolerance of a few hundred ulps of ||Y||^2 / n (reference.GAP_ATOL, GAP_RTOL)
# KKT residuals relative to a1, at tol 1e-10 (measured <= 5.3e-8)
KKT_RTOL = 1e-5
# float32: tolerance 10 eps; the coefficients then differ from the float64 solution by
# O(sqrt(gap)), i.e. sqrt(tol) relative
EPS32 = float(np.finfo(np.float32).eps)
TOL32 = 10 * EPS32
COEF_RTOL32 = float(np.sqrt(TOL32))


# ---------------------------------------------------------------------------------------
# Problems and references
# ---------------------------------------------------------------------------------------

def make_problem(kind, n_targets=3, seed=0):
    """Uncentered synthetic problems (column means, offsets in Y): the path must not
    center. 'tall': n > p; 'wide': p > n; 'correlated': p > n, AR(0.9) columns."""
    rng = np.random.default_rng(seed)
    n, p = {"tall": (120, 30), "wide": (40, 150), "correlated": (60, 100)}[kind]
    if kind == "correlated":
        X = np.empty((n, p))
        X[:, 0] = rng.standard_normal(n)
        for j in range(1, p):
            X[:, j] = 0.9 * X[:, j - 1] + np.sqrt(1 - 0.81) * rng.standard_normal(n)
    else:
        X = rng.standard_normal((n, p))
    X += rng.uniform(-1, 1, p)
    W = np.zeros((p, n_targets))
    support = rng.choice(p, 8, replace=False)
    W[support] = rng.standard_normal((8, n_targets))
    Y = X @ W + 0.5 * rng.standard_normal((n, n_targets)) + rng.uniform(-2, 2, n_targets)
    return X, Y


def sk_path(X, Y, **params):
    """scikit-learn's enet_path with a 2-D y, at TOL (single-threaded BLAS)."""
    params.setdefault("tol", TOL)
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return sk.enet_path(np.asarray(X, dtype=np.float64),
                            np.asarray(Y, dtype=np.float64), max_iter=MAX_ITER,
                            **params)


def fr_path(X, Y, *, tol=TOL, **params):
    """fastreg's enet_path; failing to converge is an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        return fastreg.enet_path(X, Y, tol=tol, max_iter=MAX_ITER, **params)


def check_coefs(coefs, ref, rtol=COEF_RTOL):
    """Alpha by alpha, relative to the largest reference coefficient of that alpha."""
    assert_coefs_per_alpha(coefs, ref, rtol)


def check_gaps(X, Y, alphas, coefs, gaps, l1_ratio, tol, gap_atol=GAP_ATOL):
    """Returned gaps = NumPy's, and <= tol * ||Y||^2 / n."""
    assert gaps.shape == (len(alphas),)
    for k, alpha in enumerate(alphas):
        gap, scale = multitask_dual_gap(X, Y, coefs[..., k], alpha, l1_ratio)
        assert_gap(gaps[k], gap, scale, tol, gap_atol, where=f"alpha #{k} ({alpha:.4g}): ")


def check_kkt(X, Y, alphas, coefs, l1_ratio, rtol=KKT_RTOL):
    """Optimality conditions of every solution (l1_ratio > 0)."""
    for k, alpha in enumerate(alphas):
        a1, a2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
        res, zero_rows = multitask_kkt(X, Y, coefs[..., k].T, a1, a2)
        worst = np.max(res, initial=0.0)
        assert worst <= rtol * a1, f"alpha #{k}: nonzero rows violate KKT by {worst:.3e}"
        if zero_rows.size:
            top = np.max(zero_rows)
            assert top <= a1 * (1 + rtol), (
                f"alpha #{k}: a zero row has ||x_j^T R|| / n = {top:.6e} > a1 = {a1:.6e}")


def check_path(X, Y, **params):
    """fastreg vs scikit-learn along the same path (alphas, coefs, gaps, KKT)."""
    l1_ratio = params.get("l1_ratio", 0.5)
    a_ref, c_ref, _ = sk_path(X, Y, **params)
    alphas, coefs, gaps = fr_path(X, Y, **params)
    assert_allclose(alphas, a_ref, rtol=ALPHA_RTOL)
    check_coefs(coefs, c_ref)
    check_gaps(X, Y, alphas, coefs, gaps, l1_ratio, TOL)
    if l1_ratio > 0:
        check_kkt(X, Y, alphas, coefs, l1_ratio)
    return alphas, coefs, gaps


# ---------------------------------------------------------------------------------------
# Equivalence with scikit-learn, gaps and KKT
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.1])
@pytest.mark.parametrize("kind", ["tall", "wide", "correlated"])
def test_synthetic_path(kind, l1_ratio):
    X, Y = make_problem(kind)
    alphas, coefs, gaps = check_path(X, Y, l1_ratio=l1_ratio, alphas=25)
    assert coefs.shape == (Y.shape[1], X.shape[1], 25)
    assert np.all(coefs[..., 0] == 0), "the first alpha of the default grid is alpha_max"
    # the group penalty: a row is zero or nonzero for every target at once
    rows = np.abs(coefs).sum(axis=0) > 0
    assert np.all((coefs != 0).any(axis=0) == rows)
    assert np.any(rows[:, -1])


@pytest.mark.parametrize("precompute", [True, False, "auto", "gram"])
@pytest.mark.parametrize("n_alphas", [4, 15])
def test_precompute(precompute, n_alphas):
    # covariance updates (given, full or lazily built Gram) and residual updates give
    # scikit-learn's solutions, which ignores precompute with a 2-D y
    X, Y = make_problem("tall")
    if precompute == "gram":
        precompute = X.T @ X
    check_path(X, Y, l1_ratio=0.7, alphas=n_alphas, precompute=precompute)


def test_bad_gram_raises():
    X, Y = make_problem("tall")
    with pytest.raises(ValueError, match="Gram"):
        fastreg.enet_path(X, Y, precompute=np.eye(X.shape[1]))
    with pytest.raises(ValueError, match="shape"):
        fastreg.enet_path(X, Y, precompute=np.eye(X.shape[1] + 1))


def test_explicit_alphas_and_lasso_path():
    X, Y = make_problem("wide")
    alphas = [0.05, 0.5, 0.2]
    a, c, g = check_path(X, Y, l1_ratio=1.0, alphas=alphas)
    assert_array_equal(a, sorted(alphas, reverse=True))
    a2, c2, g2 = fastreg.lasso_path(X, Y, alphas=alphas, tol=TOL, max_iter=MAX_ITER)
    assert_array_equal(a2, a)
    assert_array_equal(c2, c)


def test_ridge_l1_ratio_0():
    # no L1 penalty: the ridge gap ("formulation B"); explicit alphas are required
    X, Y = make_problem("tall")
    check_path(X, Y, l1_ratio=0.0, alphas=[10.0, 1.0, 0.1])
    with pytest.raises(ValueError, match="l1_ratio"):
        fastreg.enet_path(X, Y, l1_ratio=0.0)


@pytest.mark.parametrize("kind", ["tall", "wide", "correlated"])
def test_float32(kind):
    X, Y = make_problem(kind)
    X32, Y32 = X.astype(np.float32), Y.astype(np.float32)
    alphas, coefs, gaps = fr_path(X32, Y32, l1_ratio=0.8, alphas=15, tol=TOL32)
    assert coefs.dtype == np.float32
    _, ref, _ = sk_path(X, Y, l1_ratio=0.8, alphas=alphas)
    check_coefs(coefs, ref, rtol=COEF_RTOL32)
    # the gap of the float32 solution, recomputed in float64, is below tol (the kernel
    # measures it in float32 arithmetic: rounding of a few float32 ulps of ||Y||^2)
    check_gaps(X32, Y32, alphas, coefs, gaps, 0.8, TOL32, gap_atol=10 * EPS32)


@pytest.mark.parametrize("n_targets", [1, 2])
def test_single_column_y(n_targets):
    # y of shape (n, 1) is a multi-task problem with one task, as in scikit-learn:
    # coefs (1, p, k); with one task the group norm is |w|, so the solutions are also
    # those of the 1-D path
    X, Y = make_problem("tall", n_targets=n_targets)
    y = Y[:, :1]
    alphas, coefs, gaps = check_path(X, y, l1_ratio=0.6, alphas=12)
    assert coefs.shape == (1, X.shape[1], 12)
    a1, c1, _ = fr_path(X, y[:, 0], l1_ratio=0.6, alphas=12)
    assert_allclose(a1, alphas, rtol=ALPHA_RTOL)
    check_coefs(coefs[0], c1)


def test_return_n_iter_and_shapes():
    X, Y = make_problem("wide", n_targets=4)
    out = fastreg.enet_path(X, Y, alphas=6, return_n_iter=True, tol=1e-8)
    ref = sk_path(X, Y, alphas=6, return_n_iter=True, tol=1e-8)
    assert len(out) == len(ref) == 4
    for mine, theirs in zip(out[:3], ref[:3], strict=True):
        assert np.shape(mine) == np.shape(theirs)
    n_iters = out[3]
    assert isinstance(n_iters, list) and len(n_iters) == 6
    assert all(isinstance(i, int) for i in n_iters)
    assert n_iters[0] == 0, "alpha_max: W = 0 is optimal before any sweep"
    assert all(i > 0 for i in n_iters[1:])


def test_xy_and_grid():
    # the default grid: scikit-learn's (row norms of X^T Y), also from a given Xy
    X, Y = make_problem("correlated")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a_ref = sk.enet_path(X, Y, l1_ratio=0.3, alphas=8, max_iter=1)[0]
    a_mine = fr_path(X, Y, l1_ratio=0.3, alphas=8, tol=1e-6)[0]
    assert_allclose(a_mine, a_ref, rtol=ALPHA_RTOL)
    alpha_max = np.max(np.linalg.norm(X.T @ Y, axis=1)) / (X.shape[0] * 0.3)
    assert_allclose(a_mine[0], alpha_max, rtol=1e-12)
    a_xy = fr_path(X, Y, l1_ratio=0.3, alphas=8, Xy=2 * X.T @ Y, tol=1e-6)[0]
    assert_allclose(a_xy, 2 * a_ref, rtol=ALPHA_RTOL)
    # as scikit-learn, Xy sets the grid only: the solutions are those of X and Y, also
    # with covariance updates (n > p)
    X, Y = make_problem("tall")
    for precompute in ("auto", True):
        check_path(X, Y, l1_ratio=0.3, alphas=4, Xy=-X.T @ Y, precompute=precompute)
    with pytest.raises(ValueError, match="Xy"):
        fastreg.enet_path(X, Y, Xy=X.T @ Y[:, 0])


def test_coef_init_warm_start():
    X, Y = make_problem("correlated")
    alphas, coefs, _ = fr_path(X, Y, l1_ratio=0.9, alphas=10)
    target = alphas[-1:]
    # from the solution: converged before the first sweep
    _, c, g, it = fastreg.enet_path(X, Y, l1_ratio=0.9, alphas=target,
                                    coef_init=coefs[..., -1], tol=TOL,
                                    return_n_iter=True)
    assert it == [0]
    assert_array_equal(c[..., 0], coefs[..., -1])
    # from a wrong start: the same solution
    start = np.ones((Y.shape[1], X.shape[1]))
    _, c2, _ = fr_path(X, Y, l1_ratio=0.9, alphas=target, coef_init=start)
    check_coefs(c2, coefs[..., -1:])
    with pytest.raises(ValueError, match="coef_init"):
        fastreg.enet_path(X, Y, alphas=target, coef_init=start.T)


def test_max_iter_warns():
    X, Y = make_problem("correlated")
    with pytest.warns(ConvergenceWarning, match="Duality gap"):
        fastreg.enet_path(X, Y, alphas=5, tol=1e-14, max_iter=2)


# ---------------------------------------------------------------------------------------
# Kernel invariants: screening, strong rule, update strategy, order
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["tall", "wide", "correlated"])
def test_options_give_the_same_solution(kind):
    X, Y = make_problem(kind, n_targets=4)
    X, Y = np.asfortranarray(X), np.asfortranarray(Y)
    alphas = fastreg.enet_path(X, Y, l1_ratio=0.9, alphas=20, tol=1e-2)[0]
    runs = {}
    for screening in (True, False):
        for strong_rule in (True, False):
            for mode in ("naive", "lazy", "gram"):
                coefs, gaps, n_iter, converged, tol_abs = solve_multitask(
                    X, Y, 0.9, alphas, gram=X.T @ X if mode == "gram" else None,
                    use_gram=mode == "lazy", tol=TOL, max_iter=MAX_ITER,
                    screening=screening, strong_rule=strong_rule)
                assert np.all(converged)
                check_gaps(X, Y, alphas, coefs, gaps, 0.9, TOL)
                runs[screening, strong_rule, mode] = coefs
    coefs, gaps, _, converged, _ = solve_multitask(
        X, Y, 0.9, alphas, tol=TOL, max_iter=MAX_ITER, selection="random", seed=3)
    assert np.all(converged)
    runs["random"] = coefs
    ref = runs[True, True, "naive"]
    for coefs in runs.values():
        check_coefs(coefs, ref)
    check_kkt(X, Y, alphas, ref, 0.9)


def test_zero_column_and_zero_target():
    X, Y = make_problem("wide")
    X[:, 3] = 0
    alphas, coefs, gaps = check_path(X, Y, l1_ratio=0.5, alphas=8)
    assert np.all(coefs[:, 3] == 0)
    # a zero Y: alpha_max = 0, scikit-learn's constant grid and zero coefficients
    with pytest.warns(UserWarning, match="alpha_max"):
        a, c, g = fastreg.enet_path(X, np.zeros_like(Y), alphas=3)
    a_ref, _, _ = sk.enet_path(X, np.zeros_like(Y), alphas=3)
    assert_array_equal(a, a_ref)
    assert_array_equal(c, 0.0)
    assert_array_equal(g, 0.0)


# ---------------------------------------------------------------------------------------
# Real data
# ---------------------------------------------------------------------------------------

def _targets_from_features(X, y, k):
    """Y = [y, the k columns of X most correlated with y] (removed from X), centered:
    correlated real targets."""
    X = np.asarray(X, dtype=np.float64)
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    score = np.abs(Xc.T @ yc) / np.maximum(np.linalg.norm(Xc, axis=0), 1e-300)
    picked = np.argsort(score)[::-1][:k]
    Y = np.column_stack([yc] + [Xc[:, j] / np.std(Xc[:, j]) for j in picked])
    return np.delete(Xc, picked, axis=1), Y


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_riboflavin(load_dataset, l1_ratio):
    # 71 x 4088, highly correlated genes; 5 targets: the production rate and the four
    # genes most correlated with it
    X, y = load_dataset("riboflavin")
    X, Y = _targets_from_features(X, y, 4)
    check_path(X, Y, l1_ratio=l1_ratio, alphas=10, eps=3e-2)


def test_ames(load_dataset):
    # 2930 x 274, unscaled one-hot columns, n > p (covariance updates); targets: the
    # price (in 100k$), its log, and the feature most correlated with it
    X, y = load_dataset("ames")
    X, Y = _targets_from_features(X, y / 1e5, 1)
    Y = np.column_stack([Y, np.log(y) - np.mean(np.log(y))])
    check_path(X, Y, l1_ratio=0.9, alphas=12, eps=1e-2)


# ---------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------

def test_positive_raises():
    # as scikit-learn: no positivity constraint for a 2-D y
    X, Y = make_problem("tall")
    with pytest.raises(ValueError, match="positive=True is not allowed for multi-output"):
        fastreg.enet_path(X, Y, positive=True)
    with pytest.raises(ValueError, match="positive=True is not allowed for multi-output"):
        fastreg.lasso_path(X, Y[:, :1], positive=True)


@pytest.mark.parametrize("case, match", [
    ("length", "inconsistent numbers of samples"),
    ("nan-y", "NaN"),
    ("inf-X", "infinity"),
    ("no-targets", "0 feature"),
    ("3d", "dim 3"),
])
def test_bad_input(case, match):
    X, Y = make_problem("tall")
    if case == "length":
        Y = Y[:-1]
    elif case == "nan-y":
        Y[3, 1] = np.nan
    elif case == "inf-X":
        X[2, 2] = np.inf
    elif case == "no-targets":
        Y = Y[:, :0]
    elif case == "3d":
        Y = Y[:, :, None]
    with pytest.raises(ValueError, match=match):
        fastreg.enet_path(X, Y, alphas=3)


def test_unsupported_options_raise():
    # the single-task extensions (penalty factors, bounds)
    X, Y = make_problem("tall")
    for name in ("penalty_factor", "lower_bounds", "upper_bounds"):
        with pytest.raises(ValueError, match="not supported for a 2-D y"):
            fastreg.enet_path(X, Y, alphas=3, **{name: np.ones(X.shape[1])})


def test_bad_input_without_checks():
    # check_input=False skips finiteness checks only: shapes are still checked
    X, Y = make_problem("tall")
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        fastreg.enet_path(X, Y[:-1], alphas=3, check_input=False)
    with pytest.raises(ValueError, match="1-D, or 2-D"):
        fastreg.enet_path(X, Y[:, :, None], alphas=3, check_input=False)


# ---------------------------------------------------------------------------------------
# Estimators: MultiTaskElasticNet, MultiTaskLasso
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("fit_intercept", [True, False], ids=["intercept", "no-intercept"])
@pytest.mark.parametrize("kind", ["tall", "wide"])
@pytest.mark.parametrize("name", ["MultiTaskElasticNet", "MultiTaskLasso"])
def test_estimator_vs_sklearn(name, kind, fit_intercept, weighted):
    X, Y = make_problem(kind, n_targets=4)
    sw = np.random.default_rng(1).uniform(0.2, 3, X.shape[0]) if weighted else None
    params = dict(alpha=0.05, fit_intercept=fit_intercept, tol=TOL, max_iter=MAX_ITER)
    if name == "MultiTaskElasticNet":
        params["l1_ratio"] = 0.6
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = getattr(sk, name)(**params).fit(X, Y, sample_weight=sw)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est = getattr(fastreg, name)(**params).fit(X, Y, sample_weight=sw)
    assert est.coef_.shape == ref.coef_.shape == (4, X.shape[1])
    big = np.max(np.abs(ref.coef_))
    assert_allclose(est.coef_, ref.coef_, rtol=COEF_RTOL, atol=COEF_RTOL * big)
    assert np.shape(est.intercept_) == np.shape(ref.intercept_)
    assert_allclose(est.intercept_, ref.intercept_, rtol=COEF_RTOL,
                    atol=COEF_RTOL * max(1.0, np.max(np.abs(ref.intercept_))))
    assert_allclose(est.eps_, ref.eps_, rtol=1e-12)
    assert 0 <= est.dual_gap_ <= est.eps_ / X.shape[0]
    assert isinstance(est.n_iter_, int) and est.n_iter_ > 0
    assert_allclose(est.predict(X), ref.predict(X), rtol=1e-6,
                    atol=1e-6 * np.max(np.abs(Y)))
    assert_array_equal(est.sparse_coef_.toarray(), est.coef_)


def test_estimator_float32_warm_start_and_errors():
    X, Y = make_problem("wide")
    est = fastreg.MultiTaskLasso(alpha=0.1, tol=TOL32).fit(X.astype(np.float32),
                                                          Y.astype(np.float32))
    assert est.coef_.dtype == np.float32
    ref = sk.MultiTaskLasso(alpha=0.1, tol=TOL, max_iter=MAX_ITER).fit(X, Y)
    big = np.max(np.abs(ref.coef_))
    assert_allclose(est.coef_, ref.coef_, rtol=COEF_RTOL32, atol=COEF_RTOL32 * big)
    # warm start from the solution: no sweep needed
    warm = fastreg.MultiTaskElasticNet(alpha=0.1, l1_ratio=0.5, tol=1e-8,
                                       warm_start=True).fit(X, Y)
    coef = warm.coef_.copy()
    assert warm.fit(X, Y).n_iter_ == 0
    assert_array_equal(warm.coef_, coef)
    with pytest.raises(ValueError, match="mono-task"):
        fastreg.MultiTaskLasso().fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="mono-task"):
        fastreg.MultiTaskElasticNet().fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="l1_ratio"):
        fastreg.MultiTaskElasticNet(l1_ratio=1.5).fit(X, Y)


@pytest.mark.parametrize("container", [sparse.csr_matrix, sparse.csc_matrix])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(200, 30), (40, 80)])
def test_sparse_X_equals_dense_and_sklearn(container, fit_intercept, weighted, shape):
    """Sparse X for the multi-task estimator (solved in Gram form from the sparse
    products, centering implicit): the dense fit's solution and scikit-learn's, and a
    duality gap recomputed in NumPy on the dense data."""
    rng = np.random.default_rng(11)
    n, p = shape
    dense = np.where(rng.random((n, p)) < 0.2, rng.standard_normal((n, p)) + 2.0, 0.0)
    W = np.zeros((p, 3))
    W[:5] = rng.standard_normal((5, 3))
    Y = dense @ W + 0.1 * rng.standard_normal((n, 3)) + 2.0
    sw = rng.uniform(0.5, 2.0, n) if weighted else None
    kw = dict(alpha=0.01, l1_ratio=0.7, tol=1e-12, fit_intercept=fit_intercept)
    ours = fastreg.MultiTaskElasticNet(**kw).fit(container(dense), Y, sample_weight=sw)
    ref_dense = fastreg.MultiTaskElasticNet(**kw).fit(dense, Y, sample_weight=sw)
    ref = sk.MultiTaskElasticNet(**kw, max_iter=10**6).fit(dense, Y, sample_weight=sw)
    scale = np.max(np.abs(ref.coef_))
    assert_allclose(ours.coef_, ref_dense.coef_, atol=1e-8 * scale)
    assert_allclose(ours.coef_, ref.coef_, atol=1e-7 * scale)
    assert_allclose(ours.intercept_, ref.intercept_, atol=1e-7 * max(scale, 1))
    assert_array_equal(np.all(ours.coef_ == 0, axis=0),
                       np.all(ref_dense.coef_ == 0, axis=0))
    # the gap recomputed on the centered, weighted dense data
    swn = np.ones(n) if sw is None else sw * n / sw.sum()
    Xc, Yc = dense, Y
    if fit_intercept:
        Xc = dense - np.average(dense, axis=0, weights=swn)
        Yc = Y - np.average(Y, axis=0, weights=swn)
    root = np.sqrt(swn)[:, None]
    gap, yy = multitask_dual_gap(root * Xc, root * Yc, ours.coef_, kw["alpha"],
                                 kw["l1_ratio"])
    assert gap <= 1e-12 * yy + GAP_ATOL * yy
    assert_allclose(gap, ours.dual_gap_, rtol=GAP_RTOL, atol=GAP_ATOL * yy)


@pytest.mark.parametrize("shape", [(150, 20), (30, 60)])
def test_sparse_X_path(shape):
    """A 2-D y with sparse X: the path of the dense X, and scikit-learn's grid."""
    rng = np.random.default_rng(12)
    n, p = shape
    dense = np.where(rng.random((n, p)) < 0.3, rng.standard_normal((n, p)), 0.0)
    Y = dense[:, :3] @ rng.standard_normal((3, 2)) + 0.1 * rng.standard_normal((n, 2))
    a_s, c_s, g_s = fastreg.lasso_path(sparse.csc_matrix(dense), Y, alphas=12, tol=1e-12)
    a_d, c_d, _ = fastreg.lasso_path(dense, Y, alphas=12, tol=1e-12)
    a_r, _, _ = sk.lasso_path(dense, Y, alphas=12)
    assert_allclose(a_s, a_d, rtol=1e-12)
    assert_allclose(a_s, a_r, rtol=1e-12)
    assert_allclose(c_s, c_d, atol=1e-8 * np.max(np.abs(c_d)))
    assert np.all(g_s <= 1e-12 * np.sum(Y ** 2) / n * (1 + 1e-6))
