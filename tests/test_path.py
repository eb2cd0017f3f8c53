"""fastreg.lasso_path / fastreg.enet_path against scikit-learn and NumPy.

The path functions solve, for every alpha of the grid, scikit-learn's objective on X and y
as given (no centering)::

    1 / (2 n) ||y - Xw||^2 + alpha l1_ratio ||w||_1 + alpha (1 - l1_ratio) / 2 ||w||^2

For every path we check

* the grid: the same alphas as scikit-learn's (``alphas`` a count: its default grid, also
  with ``positive`` and ``l1_ratio < 1``; an array: sorted in decreasing order);
* the coefficients: every column equal to scikit-learn's (run at ``REF_TOL``) to
  ``COEF_RTOL`` relative to the column's largest reference coefficient; exactly zero where
  the reference column is all zeros;
* the gaps: every returned gap equals the gap recomputed in NumPy (``reference.dual_gap``,
  without intercept) and is <= tol * ||y||^2 / n.

Measured (fastreg at PATH_TOL, scikit-learn at REF_TOL): the worst column differs by 1.7e-7
relative (synthetic "wide", lasso), 1.7e-8 on riboflavin, 4e-9 on leukemia, <= 5e-9 on
diabetes / prostate.
"""
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import linear_model as sk
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

import fastreg
from reference import (
    GAP_ATOL,
    assert_coefs_per_alpha,
    assert_gap,
    dual_gap,
    enet_problem,
    objective,
)

REF_TOL = 1e-12
REF_MAX_ITER = 1_000_000
PATH_TOL = 1e-10
PATH_MAX_ITER = 1_000_000
COEF_RTOL = 1e-6
ALPHA_RTOL = 1e-12  # same formula, different summation order
# returned gap vs the NumPy recomputation: absolute, reference.GAP_ATOL (500 ulps) times
# ||y||^2 / n. Measured on the synthetic grid: <= 13 ulps (an earlier kernel build reached
# 884 ulps on "wide" with l1_ratio 0.1).
PATH_GAP_ATOL = GAP_ATOL


def sk_path(X, y, **params):
    """scikit-learn's enet_path at REF_TOL (single-threaded BLAS: on a busy 2-core machine
    a threaded BLAS made its small Gram products 10-300x slower, measured)."""
    params.setdefault("alphas", 100)
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return sk.enet_path(np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64),
                            tol=REF_TOL, max_iter=REF_MAX_ITER, **params)


def fr_path(X, y, *, tol=PATH_TOL, max_iter=PATH_MAX_ITER, **params):
    """fastreg's enet_path; failing to converge is an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        return fastreg.enet_path(X, y, tol=tol, max_iter=max_iter, **params)


def check_gaps(X, y, alphas, coefs, gaps, l1_ratio, positive, tol, atol_factor=None):
    """Every returned gap equals the NumPy recomputation and is below tol * ||y||^2 / n."""
    assert gaps.shape == (len(alphas),)
    if atol_factor is None:
        atol_factor = PATH_GAP_ATOL
    for k, alpha in enumerate(alphas):
        gap, scale = dual_gap(X, y, coefs[:, k], alpha, l1_ratio, False, positive)
        assert_gap(gaps[k], gap, scale, tol, atol_factor, where=f"alpha #{k} ({alpha:.4g}): ")


def check_coefs(coefs, coefs_ref, rtol=COEF_RTOL):
    """Column by column, relative to the column's largest reference coefficient."""
    assert coefs.ndim == 2
    assert_coefs_per_alpha(coefs, coefs_ref, rtol)


def check_path(X, y, **params):
    """fastreg vs scikit-learn along the same path; returns fastreg's result."""
    a_ref, c_ref, _ = sk_path(X, y, **params)
    alphas, coefs, gaps = fr_path(X, y, **params)
    assert_allclose(alphas, a_ref, rtol=ALPHA_RTOL)
    check_coefs(coefs, c_ref)
    check_gaps(X, y, alphas, coefs, gaps, params.get("l1_ratio", 0.5),
               params.get("positive", False), PATH_TOL)
    return alphas, coefs, gaps


def centered(X, y):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return X - X.mean(axis=0), y - y.mean()


# ---------------------------------------------------------------------------------------
# Equivalence with scikit-learn
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("positive", [False, True], ids=["signed", "positive"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.7, 0.1])
@pytest.mark.parametrize("kind", ["tall", "wide", "correlated"])
def test_synthetic_path(kind, l1_ratio, positive):
    # uncentered data with column means and an offset in y: the path must not center
    X, y, _ = enet_problem(kind)
    _, coefs, _ = check_path(X, y, l1_ratio=l1_ratio, positive=positive)
    if positive:
        assert np.all(coefs >= 0)
    assert np.all(coefs[:, 0] == 0), "the first alpha of the default grid is alpha_max"
    assert np.any(coefs[:, -1] != 0)


def test_lasso_path_is_enet_path_with_l1_ratio_1():
    X, y, _ = enet_problem("correlated")
    a_ref, c_ref, _ = sk_path(X, y, l1_ratio=1.0, alphas=30)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        alphas, coefs, gaps = fastreg.lasso_path(X, y, alphas=30, tol=PATH_TOL,
                                                 max_iter=PATH_MAX_ITER)
    assert_allclose(alphas, a_ref, rtol=ALPHA_RTOL)
    check_coefs(coefs, c_ref)
    check_gaps(X, y, alphas, coefs, gaps, 1.0, False, PATH_TOL)


REAL_PATHS = [
    # (dataset, params); data centered, as a user (or the estimators) would
    *[(name, dict(l1_ratio=l1, positive=pos)) for name in ["diabetes", "prostate"]
      for l1 in [1.0, 0.7] for pos in [False, True]],
    # 30 alphas: the sklearn reference takes 0.8 s (2.5 s with 100)
    ("leukemia", dict(l1_ratio=1.0, eps=1e-2, alphas=30)),
    ("leukemia", dict(l1_ratio=0.7, eps=1e-2, alphas=30)),
    # a few alphas, as fractions of alpha_max (below: sklearn's reference gets slow)
    ("riboflavin", dict(l1_ratio=1.0, alpha_fractions=[0.5, 0.1, 0.03, 0.01])),
]


@pytest.mark.parametrize(
    "name, params", REAL_PATHS,
    ids=[f"{n}-" + "-".join(f"{k}={v}" for k, v in p.items() if k != "alpha_fractions")
         for n, p in REAL_PATHS])
def test_real_path(load_dataset, name, params):
    X, y = centered(*load_dataset(name))
    params = dict(params)
    fractions = params.pop("alpha_fractions", None)
    if fractions is not None:
        a_max = np.max(np.abs(X.T @ y)) / (X.shape[0] * params["l1_ratio"])
        params["alphas"] = a_max * np.asarray(fractions)
    check_path(X, y, **params)


# ---------------------------------------------------------------------------------------
# The grid and the returned values
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("positive", [False, True], ids=["signed", "positive"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.3])
def test_default_grid(positive, l1_ratio):
    X, y, _ = enet_problem("tall")
    y = y - 2 * X[:, 1]  # makes the largest |x_j^T y| negative: positive changes alpha_max
    a_ref = sk_path(X, y, l1_ratio=l1_ratio, positive=positive, alphas=7, eps=1e-2)[0]
    alphas = fastreg.enet_path(X, y, l1_ratio=l1_ratio, positive=positive, alphas=7,
                               eps=1e-2)[0]
    assert alphas.shape == (7,)
    assert_allclose(alphas, a_ref, rtol=ALPHA_RTOL)
    # and by the formula: alpha_max = max_j (|)x_j^T y(|) / (n l1_ratio), ratio eps
    Xy = X.T @ y
    top = max(np.max(Xy), 0) if positive else np.max(np.abs(Xy))
    assert_allclose(alphas[0], top / (X.shape[0] * l1_ratio), rtol=ALPHA_RTOL)
    assert_allclose(alphas[-1] / alphas[0], 1e-2, rtol=ALPHA_RTOL)
    if positive:
        assert top < np.max(np.abs(Xy))  # the test data make the two grids differ


def test_default_alphas_is_100():
    X, y, _ = enet_problem("tall")
    alphas, coefs, gaps = fastreg.lasso_path(X, y)
    assert alphas.shape == (100,) and coefs.shape == (X.shape[1], 100)
    assert gaps.shape == (100,)


def test_unsorted_alphas_are_sorted_decreasing():
    X, y, _ = enet_problem("correlated")
    a_max = np.max(np.abs(X.T @ y)) / X.shape[0]
    given = a_max * np.array([0.01, 0.5, 0.002, 0.1, 0.05])
    alphas, coefs, gaps = fr_path(X, y, l1_ratio=1.0, alphas=given)
    assert_array_equal(alphas, np.sort(given)[::-1])
    a_ref, c_ref, _ = sk_path(X, y, l1_ratio=1.0, alphas=given)
    assert_array_equal(a_ref, alphas)
    check_coefs(coefs, c_ref)
    check_gaps(X, y, alphas, coefs, gaps, 1.0, False, PATH_TOL)


def test_return_n_iter():
    X, y, _ = enet_problem("correlated")
    out = fastreg.enet_path(X, y, l1_ratio=0.8, alphas=10, tol=1e-8, return_n_iter=True)
    assert len(out) == 4
    alphas, coefs, gaps, n_iters = out
    assert len(n_iters) == 10
    assert all(isinstance(i, (int, np.integer)) for i in n_iters)
    assert n_iters[0] <= 1, "alpha_max: the zero start is already optimal"
    assert all(i >= 1 for i in n_iters[1:])
    # the counts are the sweeps actually done: capped by max_iter, more for a tighter tol
    with pytest.warns(ConvergenceWarning):
        capped = fastreg.enet_path(X, y, l1_ratio=0.8, alphas=10, tol=1e-14, max_iter=2,
                                   return_n_iter=True)[3]
    assert max(capped) <= 2
    tight = fastreg.enet_path(X, y, l1_ratio=0.8, alphas=10, tol=1e-12, max_iter=10**6,
                              return_n_iter=True)[3]
    # (>=: once the signs settle, the exact active-set solve reaches 1e-12 as fast)
    assert sum(tight) >= sum(n_iters)


@pytest.mark.parametrize("kind", ["tall", "wide"])
def test_precompute_variants_agree(kind):
    X, y, _ = enet_problem(kind)
    X, y = centered(X, y)
    alphas = fr_path(X, y, l1_ratio=0.9, alphas=30)[0]
    G = X.T @ X
    Xy = X.T @ y
    variants = {"auto": dict(precompute="auto"), "True": dict(precompute=True),
                "False": dict(precompute=False), "gram": dict(precompute=G),
                "gram+Xy": dict(precompute=G, Xy=Xy)}
    results = {name: fr_path(X, y, l1_ratio=0.9, alphas=alphas, **v)
               for name, v in variants.items()}
    base = results["False"][1]
    for a, coefs, gaps in results.values():
        assert_array_equal(a, alphas)
        # measured: agree to 1e-9 relative (all at tol 1e-10)
        check_coefs(coefs, base, rtol=1e-7)
        check_gaps(X, y, a, coefs, gaps, 0.9, False, PATH_TOL)


def test_precompute_wrong_gram_raises():
    X, y, _ = enet_problem("tall")
    with pytest.raises(ValueError, match="precompute"):
        fastreg.lasso_path(X, y, precompute=np.eye(X.shape[1]))
    with pytest.raises(ValueError, match="precompute"):
        fastreg.lasso_path(X, y, precompute=np.eye(X.shape[1] + 1))


def test_coef_init_is_used():
    X, y, _ = enet_problem("correlated")
    alphas, coefs, _ = fr_path(X, y, l1_ratio=1.0, alphas=20)
    target = alphas[[-1]]
    w_star = coefs[:, -1].copy()
    w_init = w_star.copy()
    # warm start at the solution: one sweep is enough; a cold start with one sweep is not
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        _, warm, warm_gap = fastreg.lasso_path(X, y, alphas=target, coef_init=w_init,
                                               max_iter=1, tol=1e-8)
        _, cold, cold_gap = fastreg.lasso_path(X, y, alphas=target, max_iter=1, tol=1e-8)
    assert_array_equal(w_init, w_star, err_msg="coef_init was written into")
    scale = y @ y / len(y)
    assert warm_gap[0] <= 1e-8 * scale
    assert cold_gap[0] > 100 * warm_gap[0]
    assert_allclose(warm[:, 0], w_star, rtol=1e-6, atol=1e-6 * np.max(np.abs(w_star)))
    # and from an arbitrary start, the same solution
    rng = np.random.default_rng(0)
    _, far, far_gap = fr_path(X, y, l1_ratio=1.0, alphas=target,
                              coef_init=rng.normal(size=X.shape[1]))
    check_coefs(far, coefs[:, [-1]])
    with pytest.raises(ValueError, match="coef_init"):
        fastreg.lasso_path(X, y, alphas=target, coef_init=np.zeros(X.shape[1] + 1))


# float32: tol 1e-6 (float32 arithmetic floors the reachable gap near eps32 * ||y||^2).
# Measured against the float64 path: coefficients within 1.3e-5 ("tall") and 1.8e-5
# ("wide") relative to the largest; sklearn's float32 path: 8.9e-6 and 1.4e-5. ("correlated",
# with its nearly duplicated pair, is ill-determined at this gap: 3e-4 for fastreg, 1.1e-3 for
# sklearn, so it is left out.) Recomputed gaps within 4.5e-6 * ||y||^2 / n of the reported
# ones ("wide"): the float32 tolerance F32_GAP_ATOL of test_sklearn_equivalence is 5e-6.
@pytest.mark.parametrize("kind", ["tall", "wide"])
def test_float32_stays_float32(kind):
    X, y, _ = enet_problem(kind, dtype=np.float32)
    alphas, coefs, gaps = fastreg.enet_path(X, y, l1_ratio=0.8, alphas=20, tol=1e-6,
                                            max_iter=10**5)
    assert coefs.dtype == np.float32
    a64, c64, _ = fr_path(X.astype(np.float64), y.astype(np.float64), l1_ratio=0.8,
                          alphas=20)
    assert_allclose(alphas, a64, rtol=1e-5)
    check_coefs(coefs, c64, rtol=1e-4)
    check_gaps(X, y, alphas, coefs, gaps, 0.8, False, 1e-6, atol_factor=5e-6)


def test_float32_below_its_floor_does_not_stall():
    """At a tol float32 cannot reach, the solver warns but still ends near the optimum.

    Measured ("wide", tol 1e-7): scikit-learn's float32 path ends every alpha with a gap
    <= 8e-7 * ||y||^2 / n; fastreg (at the time of writing) stalled at 1.1e-2, 2.9e-3 and
    1.7e-3 at three alphas after 100000 sweeps each.
    """
    X, y, _ = enet_problem("wide", dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        alphas, coefs, _ = fastreg.enet_path(X, y, l1_ratio=0.8, alphas=20, tol=1e-7,
                                             max_iter=10**4)
    gaps = [dual_gap(X, y, coefs[:, k], a, 0.8, False) for k, a in enumerate(alphas)]
    worst = max(g / scale for g, scale in gaps)
    assert worst <= 1e-5, f"float32 path stalled: gap {worst:.2e} * ||y||^2 / n"


# ---------------------------------------------------------------------------------------
# Degenerate paths and bad input
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["y-zero", "X-zero"])
@pytest.mark.parametrize("path", [fastreg.lasso_path, fastreg.enet_path])
def test_alpha_max_zero(path, case):
    X, y, _ = enet_problem("tall")
    X, y = centered(X, y)
    if case == "y-zero":
        y = np.zeros_like(y)   # a constant y after intercept-centering
    else:
        X = np.zeros_like(X)
    with pytest.warns(UserWarning, match="alpha_max"):
        alphas, coefs, gaps = path(X, y, alphas=10)
    assert np.all(np.isfinite(alphas)) and np.all(alphas > 0)
    assert_array_equal(coefs, 0.0)
    assert np.all(np.isfinite(gaps))


BAD_PATH_PARAMS = [
    (dict(eps=0), "eps"),
    (dict(eps=-1e-3), "eps"),
    (dict(eps=np.nan), "eps"),
    (dict(alphas=0), "alphas"),
    (dict(alphas=-3), "alphas"),
    (dict(alphas=[]), "alphas"),
    (dict(alphas=np.array([]).reshape(0, 1)), "alphas"),
    (dict(alphas=[0.1, -0.1]), "alphas"),
    (dict(alphas=[0.1, np.nan]), "alphas"),
    (dict(l1_ratio=-0.1), "l1_ratio"),
    (dict(l1_ratio=1.5), "l1_ratio"),
    (dict(l1_ratio=np.nan), "l1_ratio"),
    (dict(l1_ratio=0.0), "l1_ratio"),          # no L1: no automatic grid
    (dict(l1_ratio=0.0, alphas=10), "l1_ratio"),
    (dict(tol=-1.0), "tol"),
    (dict(max_iter=0), "max_iter"),
    (dict(selection="bogus"), "selection"),
]


@pytest.mark.parametrize("params, name", BAD_PATH_PARAMS,
                         ids=[repr(p) for p, _ in BAD_PATH_PARAMS])
def test_bad_path_params(params, name):
    X, y, _ = enet_problem("tall")
    with pytest.raises(ValueError, match=name):
        fastreg.enet_path(X, y, **params)


def test_l1_ratio_zero_with_explicit_alphas_works():
    X, y, _ = enet_problem("tall")
    X, y = centered(X, y)
    alphas = np.array([1.0, 0.1])
    # (a gap of tol ||y||^2 allows a coefficient error of ~sqrt(2 tol ||y||^2 / (n alpha))
    # by strong convexity: 1e-6 relative needs tol ~1e-14 here)
    _, coefs, gaps = fr_path(X, y, l1_ratio=0.0, alphas=alphas, tol=1e-14)
    # ridge: (X^T X / n + alpha I) w = X^T y / n
    n, p = X.shape
    for k, alpha in enumerate(alphas):
        w = np.linalg.solve(X.T @ X / n + alpha * np.eye(p), X.T @ y / n)
        assert_allclose(coefs[:, k], w, rtol=1e-6, atol=1e-6 * np.max(np.abs(w)))
    check_gaps(X, y, alphas, coefs, gaps, 0.0, False, 1e-14)


def test_path_through_a_saturated_support(load_dataset):
    """leukemia, 57 training rows centered (rank 56), down to alpha_max/1000: the
    support reaches and passes the rank, where G_AA is singular and the exact
    active-set solve takes null steps (the fit is flat along them, the L1 term is
    linear). Every solution matches scikit-learn's objective and has a certified gap."""
    X, y = load_dataset("leukemia")
    X = np.asarray(X[15:], dtype=np.float64)          # KFold(5) fold 0 training rows
    y = np.asarray(y[15:], dtype=np.float64)
    Xc = np.asfortranarray(X - X.mean(0))
    yc = y - y.mean()
    alphas, coefs, gaps = fastreg.lasso_path(Xc, yc, eps=1e-3, tol=1e-10)
    assert np.max(np.count_nonzero(coefs, axis=0)) >= 55
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        _, ref, _ = sk.lasso_path(Xc, yc, alphas=alphas, tol=1e-12, max_iter=200000)
    n = len(yc)

    def objectives(c):
        return np.array([objective(Xc, yc, c[:, k], 0.0, alpha)
                         for k, alpha in enumerate(alphas)])

    ours, theirs = objectives(coefs), objectives(ref)
    assert np.all(ours <= theirs + 1e-10 * (yc @ yc) / n)
    assert np.all(gaps <= 1e-10 * (yc @ yc) / n)


@pytest.mark.parametrize("order", ["F", "C"])
@pytest.mark.parametrize("where", ["X", "y"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_path_rejects_non_finite_input(order, where, bad):
    """NaN or inf in X or y is refused with scikit-learn's message, whether X already
    has the layout the kernel uses (Fortran float64, validated without check_array) or
    not."""
    rng = np.random.default_rng(3)
    X, y = np.asarray(rng.standard_normal((30, 8)), order=order), rng.standard_normal(30)
    if where == "X":
        X[4, 2] = bad
    else:
        y[7] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        fastreg.lasso_path(X, y, alphas=[0.1, 0.01])


def test_path_with_finite_values_whose_sum_overflows():
    """The quick finiteness check sums X; a sum that overflows (finite values near the
    largest float) must not be reported as NaN or infinity: such columns get the
    error about their squared norms, which overflow too, and X is left as it was."""
    rng = np.random.default_rng(4)
    X, y = np.asfortranarray(rng.standard_normal((30, 8))), rng.standard_normal(30)
    X[:, 0] = 1e308
    Xc = X.copy()
    with pytest.raises(ValueError, match="squared norms .* overflow"):
        fastreg.lasso_path(X, y, alphas=[0.1, 0.01])
    assert_array_equal(X, Xc)


@pytest.mark.parametrize("path", [fastreg.lasso_path, fastreg.enet_path])
def test_deprecated_n_alphas_and_alphas_none(path):
    """scikit-learn 1.9's transition: n_alphas and alphas=None warn (FutureWarning)
    and give the same grid as alphas=int; the defaults warn about nothing."""
    X, y, _ = enet_problem("tall")
    with pytest.warns(FutureWarning, match="'n_alphas' was deprecated in 1.9"):
        a_dep, c_dep, _ = path(X, y, n_alphas=7)
    a_int, c_int, _ = path(X, y, alphas=7)
    assert_array_equal(a_dep, a_int)
    assert_array_equal(c_dep, c_int)
    with pytest.warns(FutureWarning, match="'alphas=None' is deprecated"):
        a_none, _, _ = path(X, y, alphas=None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a_default, _, _ = path(X, y)
    assert len(a_none) == len(a_default) == 100
    assert_array_equal(a_none, a_default)


@pytest.mark.parametrize("alphas, error, match", [
    ((1, -1, -100), ValueError, r"alphas\[1\] == -1, must be >= 0.0."),
    ((1, 1.0, "1"), TypeError, r"alphas\[2\] must be an instance of float, not str"),
    ([1.0, np.inf], ValueError, "finite"),
])
def test_alphas_errors_in_sklearn_wording(alphas, error, match):
    X, y, _ = enet_problem("tall")
    with pytest.raises(error, match=match):
        fastreg.lasso_path(X, y, alphas=alphas)
    with pytest.raises(error, match=match):
        fastreg.LassoCV(alphas=alphas).fit(X, y)


def test_unknown_path_parameter_and_wrong_gram_wording():
    X, y, _ = enet_problem("tall")
    with pytest.raises(ValueError, match="Unexpected parameters in params"):
        fastreg.enet_path(X, y, not_a_parameter=1)
    G = np.eye(X.shape[1])
    with pytest.raises(ValueError, match="Gram matrix.*did not pass validation"):
        fastreg.lasso_path(X, y, precompute=G)
    with pytest.raises(ValueError, match="Gram matrix.*did not pass validation"):
        fastreg.Lasso(precompute=G, fit_intercept=False).fit(X, y)


def test_estimators_expose_their_path_function():
    """As scikit-learn: ``Estimator.path`` is the path function its CV uses."""
    for cls in (fastreg.ElasticNet, fastreg.Lasso, fastreg.MultiTaskElasticNet,
                fastreg.MultiTaskLasso, fastreg.ElasticNetCV,
                fastreg.MultiTaskElasticNetCV):
        assert cls.path is fastreg.enet_path
    for cls in (fastreg.LassoCV, fastreg.MultiTaskLassoCV):
        assert cls.path is fastreg.lasso_path


# -- targets and columns near float64's overflow (issue 20, item 4) ------------------

def _scaled_problem():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 8))
    y = X[:, :3] @ np.array([1.0, -2.0, 3.0]) + 0.1 * rng.standard_normal(50)
    return X, y


def _unscaled_penalty(alpha_s, rho_s, s):
    """(alpha, rho) with s coef(X, y, alpha, rho) = coef(X, s y, alpha_s, rho_s): with
    w = s v, the L1 term of the scaled problem divides by s, the L2 term does not:
    alpha rho = alpha_s rho_s / s and alpha (1 - rho) = alpha_s (1 - rho_s). (The other
    way round, an elastic net with both terms active at s = 1e150 needs rho_s within
    1e-150 of 1, which float64 cannot hold: hence this direction.)"""
    l1, l2 = alpha_s * rho_s / s, alpha_s * (1 - rho_s)
    return l1 + l2, l1 / (l1 + l2)


@pytest.mark.parametrize("s", [1e150, 1e160, 1e200, 1e300])
@pytest.mark.parametrize("rho_s", [1.0, 0.5])
@pytest.mark.parametrize("fmt", ["dense", "csc", "gram"])
def test_huge_target_gives_the_scaled_solution(s, rho_s, fmt):
    """y scaled by s up to 1e300 (||y||^2 overflows from ~1e154): the estimators and
    the path functions return s times the solution of (X, y) at the equivalent
    penalty (``_unscaled_penalty``; the Lasso: alpha / s), never silent zeros (before:
    all-zero coefficients from 1e155 on, without a warning). With rho_s = 0.5 the
    equivalent rho is ~1 / s: its duality gap cannot reach tol in float64 (the L1
    threshold is below the rounding of X^T r), so ConvergenceWarnings are expected
    there, on the reference too; the solutions still agree."""
    import scipy.sparse as sparse
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = _scaled_problem()
    alpha_s = 0.05 * s if rho_s == 1.0 else 0.1
    alpha, rho = _unscaled_penalty(alpha_s, rho_s, s)
    Xf = sparse.csc_matrix(X) if fmt == "csc" else X
    pre = True if fmt == "gram" else False
    ref = fastreg.ElasticNet(alpha=alpha, l1_ratio=rho, tol=1e-12).fit(X, y)
    assert np.any(ref.coef_ != 0)
    est = fastreg.ElasticNet(alpha=alpha_s, l1_ratio=rho_s, tol=1e-12,
                             precompute=pre).fit(Xf, s * y)
    assert_allclose(est.coef_ / s, ref.coef_, rtol=1e-8, atol=1e-10)
    assert_allclose(est.intercept_ / s, ref.intercept_, rtol=1e-8, atol=1e-10)
    if rho_s == 1.0:
        las = fastreg.Lasso(alpha=alpha_s, tol=1e-12, precompute=pre).fit(Xf, s * y)
        assert_allclose(las.coef_ / s, ref.coef_, rtol=1e-8, atol=1e-10)
    # the path functions (data as given: centered here), a user grid and the default
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    Xcf = sparse.csc_matrix(Xc) if fmt == "csc" else Xc
    grid_s = np.array([4.0, 1.0, 0.25]) * alpha_s
    grid = np.array([_unscaled_penalty(a, rho_s, s)[0] for a in grid_s])
    _, ref_c, _ = fastreg.enet_path(Xc, yc, l1_ratio=rho, alphas=grid, tol=1e-12)
    _, coefs, _ = fastreg.enet_path(Xcf, s * yc, l1_ratio=rho_s, alphas=grid_s,
                                    tol=1e-12, precompute=pre)
    assert_allclose(coefs / s, ref_c, rtol=1e-8, atol=1e-10)
    if rho_s == 1.0:
        a_ref, c_ref, _ = fastreg.lasso_path(Xc, yc, alphas=10, tol=1e-12)
        a_s, c_s, _ = fastreg.lasso_path(Xcf, s * yc, alphas=10, tol=1e-12,
                                         precompute=pre)
        assert_allclose(a_s / s, a_ref, rtol=1e-10)
        assert_allclose(c_s / s, c_ref, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("s", [1e100, 1e150, 1e200, 1e300])
def test_huge_column_is_not_taken_as_constant(s):
    """A column scaled by s with an intercept: its coefficient is not zeroed as
    "constant" (the test (4 eps mean)^2 overflowed to infinity at 1e200 and dropped
    it, changing the other coefficients silently). Where its squared norm overflows
    (s >= ~1e154) the fit raises a ValueError saying so; below, the column is used.
    A constant column of 1e200 is still constant: coefficient 0, the others as
    without it."""
    X, y = _scaled_problem()
    X[:, 0] += 5.0                     # a mean: the centering matters
    Xs = X.copy()
    Xs[:, 0] *= s
    if s * s * X.shape[0] * 30 < np.finfo(np.float64).max:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est = fastreg.Lasso(alpha=0.05).fit(Xs, y)
        assert est.coef_[0] != 0
    else:
        with pytest.raises(ValueError, match="overflow"):
            fastreg.Lasso(alpha=0.05).fit(Xs, y)
    Xk = X.copy()
    Xk[:, 0] = 3e200
    est = fastreg.Lasso(alpha=0.05, tol=1e-12).fit(Xk, y)
    ref = fastreg.Lasso(alpha=0.05, tol=1e-12).fit(X[:, 1:], y)
    assert est.coef_[0] == 0
    assert_allclose(est.coef_[1:], ref.coef_, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("s", [1e50, 1e100, 1e150])
@pytest.mark.parametrize("fmt", ["dense", "csc"])
@pytest.mark.parametrize("precompute", [False, True])
def test_whole_X_scaled_gives_the_scaled_solution(s, fmt, precompute):
    """X scaled by s up to 1e150 (its Gram matrix near 1e302): with v = s w the
    Lasso of (s X, y, s alpha) is that of (X, y, alpha) divided by s."""
    import scipy.sparse as sparse
    X, y = _scaled_problem()
    ref = fastreg.Lasso(alpha=0.05, tol=1e-12).fit(X, y)
    Xs = sparse.csc_matrix(X * s) if fmt == "csc" else X * s
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = fastreg.Lasso(alpha=0.05 * s, tol=1e-12, precompute=precompute).fit(Xs, y)
    assert_allclose(est.coef_ * s, ref.coef_, rtol=1e-10, atol=1e-12)
    assert_allclose(est.intercept_, ref.intercept_, rtol=1e-10)
