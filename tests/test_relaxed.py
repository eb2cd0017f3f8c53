"""The relaxed lasso (``gamma`` of Lasso / ElasticNet, ``gammas`` of LassoCV /
ElasticNetCV), against R glmnet's ``relax=TRUE`` (fixtures in tests/glmnet/relax.json,
made by tests/glmnet/relax_make.py and relax.R; no R needed here) and against
least-squares refits computed in NumPy."""
import json
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from sklearn.model_selection import PredefinedSplit

import fastreg
from fastreg._engine import Problem
from fastreg._penalty import Penalty
from fastreg._prepare import preprocess
from fastreg._relaxed import blend, relaxed_path

FIXTURE = json.loads((Path(__file__).parent / "glmnet" / "relax.json").read_text())
CASES = {c["name"]: c for c in FIXTURE["cases"]}
FIT_CASES = [n for n, c in CASES.items() if c["kind"] == "fit" and n != "wide"]
CV_CASES = [n for n, c in CASES.items() if c["kind"] == "cv"]
SYNTHETIC = [n for n in CASES if "X" in CASES[n]["inputs"]]
REAL = [n for n in CASES if "dataset" in CASES[n]["inputs"]]
GLMNET_EPS = 1e-5        # blend.relaxed(epsilon=1e-5): glmnet's gamma is max(gamma, eps)


def inputs(c, load_dataset=None):
    """The case's X, y: stored in the fixture, or rows of a shared real dataset."""
    if "X" in c["inputs"]:
        X, y = np.array(c["inputs"]["X"]), np.array(c["inputs"]["y"])
    else:
        X, y = load_dataset(c["inputs"]["dataset"])
        rows = c["inputs"]["rows"]
        X, y = np.array(X)[:rows], np.array(y)[:rows]
    if c["sparse"]:
        X = sparse.csr_matrix(X)
    return X, y


def split(names):
    """(synthetic, real) cases among names (the real ones need the shared data, and
    their tests are marked slow by conftest.py through load_dataset)."""
    return [n for n in names if n in SYNTHETIC], [n for n in names if n in REAL]


def estimator_kw(c):
    return dict(fit_intercept=c["fit_intercept"], penalty_factor=c["penalty_factor"],
                lower_bounds=c["lower_bounds"], upper_bounds=c["upper_bounds"],
                tol=1e-13, max_iter=100000)


def matrix(values, n_rows):
    """An R matrix (column-major, as written by relax.R) as (n_rows, n_cols)."""
    return np.reshape(values, (-1, n_rows)).T


def fit(c, X, y, alpha, gamma):
    est = fastreg.ElasticNet(alpha=alpha, l1_ratio=c["l1_ratio"], gamma=gamma,
                             **estimator_kw(c))
    return est.fit(X, y, sample_weight=c["sample_weight"])


def scale(c):
    g = c["glmnet"]
    return max(1.0, np.max(np.abs(g["relaxed_beta"])), np.max(np.abs(g["a0"])))


@pytest.mark.parametrize("name", split(FIT_CASES)[0])
def test_relaxed_fits_equal_glmnet(name):
    c = CASES[name]
    check_fit_case(c, *inputs(c))


@pytest.mark.parametrize("name", split(FIT_CASES)[1])
def test_relaxed_fits_equal_glmnet_real_data(name, load_dataset):
    c = CASES[name]
    check_fit_case(c, *inputs(c, load_dataset))


def check_fit_case(c, X, y):
    """Lasso / ElasticNet(gamma=0) is glmnet's relaxed fit (fit$relaxed) at every
    lambda; gamma=1 its penalized fit; gamma=0.25, 0.5 coef(fit, gamma=)."""
    g = c["glmnet"]
    p = X.shape[1]
    beta, rbeta = matrix(g["beta"], p), matrix(g["relaxed_beta"], p)
    assert g["relaxed_lambda"] == g["lambda"]          # (every support refitted)
    tol = 1e-6 * scale(c)
    for j, alpha in enumerate(c["alphas"]):
        plain = fit(c, X, y, alpha, 1.0)
        np.testing.assert_allclose(plain.coef_, beta[:, j], rtol=0, atol=tol)
        np.testing.assert_allclose(plain.intercept_, g["a0"][j], rtol=0, atol=tol)
        relaxed = fit(c, X, y, alpha, 0.0)
        np.testing.assert_allclose(relaxed.coef_, rbeta[:, j], rtol=0, atol=tol)
        np.testing.assert_allclose(relaxed.intercept_, g["relaxed_a0"][j], rtol=0,
                                   atol=tol)
        for gamma in (0.25, 0.5):
            ref = matrix(g[f"blend_{gamma:g}"], p + 1)[:, j]
            est = fit(c, X, y, alpha, gamma)
            np.testing.assert_allclose(est.coef_, ref[1:], rtol=0, atol=tol)
            np.testing.assert_allclose(est.intercept_, ref[0], rtol=0, atol=tol)


def test_bounds_case_exercises_the_box():
    """The bounds fixture has relaxed fits at the bounds (glmnet's refit keeps
    lower.limits / upper.limits) that an unbounded refit would cross."""
    c = CASES["bounds"]
    rbeta = np.asarray(c["glmnet"]["relaxed_beta"])
    assert np.any(np.isclose(rbeta, -0.5)) or np.any(np.isclose(rbeta, 1.2))


def test_wide_path_follows_glmnet_maxp():
    """n=20 < p=40: supports of more than n - 3 features are not refitted; their
    relaxed fit is the last refitted alpha's (relax.glmnet's maxp, blend.relaxed's
    extend), as glmnet's coef(fit, gamma=0.5)."""
    c = CASES["wide"]
    X, y = inputs(c)
    n, p = X.shape
    g = c["glmnet"]
    assert len(g["relaxed_lambda"]) < len(g["lambda"])
    prep = preprocess(X, y, True, None)
    problem = Problem.dense(prep.X, prep.y, Penalty(p), prep.Xmean, prep.norms)
    coefs = problem.solve(1.0, c["alphas"], tol=1e-13, max_iter=100000)[0]
    np.testing.assert_allclose(coefs, matrix(g["beta"], p), atol=1e-6)
    refits = relaxed_path(problem, coefs, n)
    for gamma in (0.25, 0.5):
        ref = matrix(g[f"blend_{gamma:g}"], p + 1)
        ours = blend(gamma, coefs, refits)
        np.testing.assert_allclose(ours, ref[1:], rtol=0, atol=1e-6 * np.abs(ref).max())
        np.testing.assert_allclose(prep.y_offset - prep.X_offset @ ours, ref[0],
                                   rtol=0, atol=1e-6 * np.abs(ref).max())


@pytest.mark.parametrize("name", split(CV_CASES)[0])
def test_cv_equals_cv_glmnet(name):
    c = CASES[name]
    check_cv_case(c, *inputs(c))


@pytest.mark.parametrize("name", split(CV_CASES)[1])
def test_cv_equals_cv_glmnet_real_data(name, load_dataset):
    c = CASES[name]
    check_cv_case(c, *inputs(c, load_dataset))


def check_cv_case(c, X, y):
    """LassoCV(gammas=) on glmnet's folds: the mean CV errors of every gamma
    (relaxed$statlist cvm, cvsd), (lambda.min, gamma.min), (lambda.1se, gamma.1se)
    and the final model (coef(cv, s='lambda.min', gamma='gamma.min'))."""
    g = c["glmnet"]
    cv = PredefinedSplit(np.asarray(c["foldid"]) - 1)
    # glmnet predicts gamma = 0 as gamma = 1e-5 (blend.relaxed's epsilon)
    gammas = np.maximum(g["gamma"], GLMNET_EPS)
    est = fastreg.LassoCV(alphas=c["alphas"], cv=cv, gammas=gammas,
                          **estimator_kw(c)).fit(X, y)
    np.testing.assert_array_equal(est.gammas_, gammas)
    k = est.mse_path_relaxed_.shape[-1]
    for i in range(len(gammas)):
        fold = est.mse_path_relaxed_[i]
        np.testing.assert_allclose(fold.mean(axis=1), g[f"cvm_{i + 1}"], rtol=1e-6)
        np.testing.assert_allclose(fold.std(axis=1, ddof=1) / np.sqrt(k),
                                   g[f"cvsd_{i + 1}"], rtol=1e-5)
    np.testing.assert_allclose(est.alpha_min_, g["lambda_min"][0], rtol=1e-12)
    assert est.gamma_min_ == max(g["gamma_min"][0], GLMNET_EPS)
    np.testing.assert_allclose(est.alpha_1se_, g["lambda_1se"][0], rtol=1e-12)
    assert est.gamma_1se_ == max(g["gamma_1se"][0], GLMNET_EPS)
    assert (est.alpha_, est.gamma_) == (est.alpha_min_, est.gamma_min_)
    ref = np.asarray(g["coef_min"])
    atol = 1e-6 * max(1.0, np.abs(ref).max())
    np.testing.assert_allclose(est.coef_, ref[1:], rtol=0, atol=atol)
    np.testing.assert_allclose(est.intercept_, ref[0], rtol=0, atol=atol)
    # with gamma = 0 itself the errors differ by ~1e-5 only, and the alphas that share
    # a support tie exactly at gamma = 0 (the same refit): the largest one is chosen
    exact = fastreg.LassoCV(alphas=c["alphas"], cv=cv, gammas=g["gamma"],
                            **estimator_kw(c)).fit(X, y)
    assert exact.gamma_min_ == g["gamma_min"][0]
    assert exact.alpha_min_ >= est.alpha_min_ or exact.gamma_min_ > 0
    # gamma = 1's errors stay scikit-learn's mse_path_ (the plain LassoCV's)
    plain = fastreg.LassoCV(alphas=c["alphas"], cv=cv, **estimator_kw(c)).fit(X, y)
    np.testing.assert_allclose(est.mse_path_, plain.mse_path_, rtol=1e-10)
    assert not hasattr(plain, "gamma_") and not hasattr(plain, "mse_path_relaxed_")


# -- without glmnet -------------------------------------------------------------------

def make_data(seed=0, n=70, p=15, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[:, 2] += 3.0                                  # an offset column (centering)
    X[rng.random((n, p)) < 0.4] = 0.0               # sparse-friendly
    y = X[:, :5] @ np.array([2.0, -1.0, 1.5, 0.5, -0.8]) + rng.standard_normal(n) + 2.0
    return X.astype(dtype), y.astype(dtype)


def lstsq_refit(X, y, S, sw=None, fit_intercept=True):
    """Weighted least squares on the columns S (and an intercept), in NumPy."""
    X = np.asarray(X, dtype=np.float64)
    w = np.ones(len(y)) if sw is None else np.asarray(sw, dtype=np.float64)
    A = X[:, S]
    if fit_intercept:
        A = np.column_stack([np.ones(len(y)), A])
    r = np.sqrt(w)
    c = np.linalg.lstsq(A * r[:, None], np.asarray(y, np.float64) * r, rcond=None)[0]
    coef = np.zeros(X.shape[1])
    coef[S] = c[1:] if fit_intercept else c
    return coef, (float(c[0]) if fit_intercept else 0.0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("as_sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("options", [{}, {"precompute": True},
                                     {"penalty_factor": np.r_[0.0, 2.0, np.ones(13)]},
                                     {"l1_ratio": 0.6}])
def test_gamma_zero_is_least_squares_on_the_support(dtype, as_sparse, weighted,
                                                    fit_intercept, options):
    X, y = make_data(dtype=dtype)
    sw = np.random.default_rng(3).uniform(0.3, 2.0, len(y)) if weighted else None
    options = dict(options)
    l1_ratio = options.pop("l1_ratio", 1.0)
    kw = dict(alpha=0.15, l1_ratio=l1_ratio, fit_intercept=fit_intercept,
              tol=1e-10 if dtype == np.float64 else 1e-6, **options)
    Xf = sparse.csr_matrix(X) if as_sparse else X
    X_before = X.copy()
    plain = fastreg.ElasticNet(**kw).fit(Xf, y, sample_weight=sw)
    S = np.flatnonzero(plain.coef_)
    assert 0 < S.size < X.shape[1]
    ref, b = lstsq_refit(X, y, S, sw, fit_intercept)
    tol = 1e-10 if dtype == np.float64 else 2e-4
    for gamma in (0.0, 0.3):
        est = fastreg.ElasticNet(gamma=gamma, **kw).fit(Xf, y, sample_weight=sw)
        assert est.coef_.dtype == dtype
        want = gamma * plain.coef_.astype(np.float64) + (1 - gamma) * ref
        np.testing.assert_allclose(est.coef_, want, rtol=0, atol=tol * np.abs(ref).max())
        np.testing.assert_allclose(est.intercept_, gamma * plain.intercept_ +
                                   (1 - gamma) * b, rtol=0, atol=tol * max(1, abs(b)))
        assert est.dual_gap_ == plain.dual_gap_          # the penalized fit's gap
    np.testing.assert_array_equal(X, X_before)


def test_gamma_one_is_the_plain_fit_bit_for_bit():
    X, y = make_data()
    for Xf in (X, sparse.csc_matrix(X)):
        a = fastreg.Lasso(alpha=0.1).fit(Xf, y)
        b = fastreg.Lasso(alpha=0.1, gamma=1.0).fit(Xf, y)
        np.testing.assert_array_equal(a.coef_, b.coef_)
        assert a.intercept_ == b.intercept_
    for gammas in (None, (1.0,), [1, 1.0], np.array([1.0])):
        a = fastreg.LassoCV(cv=4).fit(X, y)
        b = fastreg.LassoCV(cv=4, gammas=gammas).fit(X, y)
        np.testing.assert_array_equal(a.mse_path_, b.mse_path_)
        np.testing.assert_array_equal(a.coef_, b.coef_)
        assert (a.alpha_, a.alpha_1se_) == (b.alpha_, b.alpha_1se_)
        assert not hasattr(b, "gamma_") and not hasattr(b, "mse_path_relaxed_")


def test_dense_equals_sparse_and_weights_equal_repeated_rows():
    X, y = make_data(5)
    counts = np.random.default_rng(1).integers(1, 4, len(y))
    Xr, yr = np.repeat(X, counts, axis=0), np.repeat(y, counts)
    kw = dict(alpha=0.1, gamma=0.2, tol=1e-12)
    dense = fastreg.Lasso(**kw).fit(X, y, sample_weight=counts)
    sparse_fit = fastreg.Lasso(**kw).fit(sparse.csr_matrix(X), y, sample_weight=counts)
    repeated = fastreg.Lasso(**kw).fit(Xr, yr)
    for other in (sparse_fit, repeated):
        np.testing.assert_allclose(other.coef_, dense.coef_, rtol=0, atol=1e-9)
        np.testing.assert_allclose(other.intercept_, dense.intercept_, atol=1e-9)
    cv_kw = dict(cv=3, gammas=[0.0, 0.5], tol=1e-12)
    a = fastreg.LassoCV(**cv_kw).fit(X, y)
    b = fastreg.LassoCV(**cv_kw).fit(sparse.csr_matrix(X), y)
    np.testing.assert_allclose(a.mse_path_relaxed_, b.mse_path_relaxed_, rtol=1e-8)
    assert (a.alpha_, a.gamma_) == (b.alpha_, b.gamma_)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-9)


def test_bounds_are_kept_by_the_refit():
    """glmnet's refit keeps lower.limits / upper.limits: the relaxed fit is the
    bounded least squares on the support (here checked by its KKT conditions)."""
    X, y = make_data(2)
    kw = dict(alpha=0.05, tol=1e-12, lower_bounds=-0.5, upper_bounds=1.2)
    plain = fastreg.Lasso(**kw).fit(X, y)
    est = fastreg.Lasso(gamma=0.0, **kw).fit(X, y)
    S = np.flatnonzero(plain.coef_)
    w = est.coef_[S]
    assert np.all(w >= -0.5 - 1e-12) and np.all(w <= 1.2 + 1e-12)
    free, _ = lstsq_refit(X, y, S)
    assert np.any(free[S] > 1.2) or np.any(free[S] < -0.5)       # the box is active
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    grad = Xc[:, S].T @ (yc - Xc[:, S] @ w)                      # minus the gradient
    inside = (w > -0.5 + 1e-9) & (w < 1.2 - 1e-9)
    np.testing.assert_allclose(grad[inside], 0, atol=1e-8 * np.abs(Xc.T @ yc).max())
    assert np.all(grad[w >= 1.2 - 1e-9] >= -1e-8) and np.all(grad[w <= -0.5 + 1e-9] <= 1e-8)
    pos = fastreg.Lasso(alpha=0.05, positive=True, gamma=0.0, tol=1e-12).fit(X, y)
    assert np.all(pos.coef_ >= 0)


def test_multitarget_gamma_is_per_target():
    X, y = make_data(4)
    Y = np.column_stack([y, -0.5 * y + X[:, 7]])
    both = fastreg.ElasticNet(alpha=0.1, gamma=0.4, tol=1e-12).fit(X, Y)
    for k in range(2):
        one = fastreg.ElasticNet(alpha=0.1, gamma=0.4, tol=1e-12).fit(X, Y[:, k])
        np.testing.assert_allclose(both.coef_[k], one.coef_, atol=1e-10)
        np.testing.assert_allclose(both.intercept_[k], one.intercept_, atol=1e-10)


def test_support_larger_than_maxp_is_not_refitted():
    """A single fit has no path to borrow a refit from (glmnet's maxp = n - 3)."""
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((10, 30)), rng.standard_normal(10)
    plain = fastreg.Lasso(alpha=1e-3, tol=1e-10, max_iter=100000).fit(X, y)
    assert np.count_nonzero(plain.coef_) > 7
    with pytest.warns(UserWarning, match="maxp"):
        est = fastreg.Lasso(alpha=1e-3, gamma=0.0, tol=1e-10, max_iter=100000).fit(X, y)
    np.testing.assert_array_equal(est.coef_, plain.coef_)


def test_cv_choice_over_l1_ratios_and_gammas():
    X, y = make_data(6)
    est = fastreg.ElasticNetCV(l1_ratio=[0.5, 1.0], gammas=[0.0, 0.5, 1.0], cv=3,
                               alphas=12, tol=1e-10).fit(X, y)
    assert est.mse_path_relaxed_.shape == (2, 3, 12, 3)
    assert est.mse_path_.shape == (2, 12, 3)
    np.testing.assert_array_equal(est.mse_path_, est.mse_path_relaxed_[:, 2])
    mean = est.mse_path_relaxed_.mean(axis=3)
    r, g, a = np.unravel_index(np.argmin(mean), mean.shape)
    assert est.l1_ratio_ == [0.5, 1.0][r]
    assert est.gamma_min_ == est.gammas_[g]
    assert est.alpha_min_ == est.alphas_[r, a]
    one = fastreg.ElasticNetCV(l1_ratio=[0.5, 1.0], gammas=[0.0, 0.5, 1.0], cv=3,
                               alphas=12, tol=1e-10, alpha_select="1se").fit(X, y)
    assert (one.alpha_, one.gamma_) == (one.alpha_1se_, one.gamma_1se_)
    assert one.alpha_1se_ >= one.alpha_min_
    ref = fastreg.ElasticNet(alpha=one.alpha_, l1_ratio=one.l1_ratio_, gamma=one.gamma_,
                             tol=1e-10).fit(X, y)
    np.testing.assert_allclose(one.coef_, ref.coef_, atol=1e-8)


def test_cv_float32():
    X, y = make_data(7, dtype=np.float32)
    est = fastreg.LassoCV(cv=3, gammas=[0.0, 0.5]).fit(X, y)
    assert est.coef_.dtype == np.float32
    ref = fastreg.LassoCV(cv=3, gammas=[0.0, 0.5]).fit(X.astype(np.float64),
                                                        y.astype(np.float64))
    np.testing.assert_allclose(est.mse_path_relaxed_, ref.mse_path_relaxed_, rtol=1e-3)


@pytest.mark.parametrize("gamma", [-0.1, 1.5, np.nan, "0.5", None, True, [0.5]])
def test_bad_gamma(gamma):
    X, y = make_data()
    with pytest.raises(ValueError, match="'gamma' parameter"):
        fastreg.Lasso(gamma=gamma).fit(X, y)
    with pytest.raises(ValueError, match="'gamma' parameter"):
        fastreg.ElasticNet(gamma=gamma).fit(X, y)


@pytest.mark.parametrize("gammas", [[], [-0.1], [0.5, 2.0], [[0.1, 0.2]], "0.5",
                                    [np.nan], [True]])
def test_bad_gammas(gammas):
    X, y = make_data()
    with pytest.raises(ValueError, match="'gammas' parameter"):
        fastreg.LassoCV(gammas=gammas).fit(X, y)


def test_dask_fronts():
    pytest.importorskip("dask")
    import dask.array as da

    import fastreg.dask as fd
    X, y = make_data(8, n=120)
    dX, dy = da.from_array(X, chunks=40), da.from_array(y, chunks=40)
    a = fd.Lasso(alpha=0.1, gamma=0.3, tol=1e-12).fit(dX, dy)
    b = fastreg.Lasso(alpha=0.1, gamma=0.3, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-10)
    folds = np.arange(120) % 4
    a = fd.LassoCV(gammas=[0, 0.5], tol=1e-12, cv=4).fit(
        dX, dy, fold_ids=da.from_array(folds, chunks=40))
    b = fastreg.LassoCV(gammas=[0, 0.5], tol=1e-12, cv=PredefinedSplit(folds)).fit(X, y)
    assert (a.alpha_, a.gamma_) == (b.alpha_, b.gamma_)
    np.testing.assert_allclose(a.mse_path_relaxed_, b.mse_path_relaxed_, rtol=1e-10)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-10)
    assert a.to_in_memory().gamma_ == a.gamma_


def test_huge_target():
    """A target whose squares overflow is held scaled by the engine; the refit
    scales back with it."""
    X, y = make_data(9)
    s = 2.0 ** 600
    a = fastreg.Lasso(alpha=0.2, gamma=0.3, tol=1e-12).fit(X, y)
    b = fastreg.Lasso(alpha=0.2 * s, gamma=0.3, tol=1e-12).fit(X, y * s)
    np.testing.assert_allclose(b.coef_ / s, a.coef_, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(b.intercept_ / s, a.intercept_, rtol=1e-12)


def test_relaxed_path_same_on_every_problem_form():
    """relaxed_path from a dense X (residual, implicit centering, a full Gram matrix),
    a sparse X and a Gram form gives the same refits (each takes its own route to
    the support's moments)."""
    from fastreg._prepare import SparsePrepared
    X, y = make_data(10)
    n, p = X.shape
    pen = Penalty(p)
    prep = preprocess(np.asfortranarray(X), y, True, None, implicit=True)
    explicit = preprocess(X, y, True, None)
    G = explicit.X.T @ explicit.X
    sp_prep = SparsePrepared(sparse.csc_matrix(X), y, True, None)
    problems = [
        Problem.dense(prep.X, prep.y, pen, prep.Xmean, prep.norms),
        Problem.dense(explicit.X, explicit.y, pen, gram=G),
        Problem.gram(G, explicit.X.T @ explicit.y, float(explicit.y @ explicit.y), n,
                     pen, X.dtype),
        Problem.sparse(sp_prep, sp_prep.y, pen),
    ]
    alphas = problems[0].alpha_max(1.0) * np.geomspace(1, 1e-3, 30)
    coefs = problems[0].solve(1.0, alphas, tol=1e-12)[0]
    ref = relaxed_path(problems[0], coefs, n)
    assert len({tuple(np.flatnonzero(c)) for c in coefs.T}) > 5
    for problem in problems[1:]:
        np.testing.assert_allclose(relaxed_path(problem, coefs, n), ref, rtol=0,
                                   atol=1e-10 * np.abs(ref).max())
    for j in range(0, 30, 7):
        S = np.flatnonzero(coefs[:, j])
        np.testing.assert_allclose(ref[:, j], lstsq_refit(X, y, S)[0], atol=1e-10)


@pytest.mark.parametrize("form", ["gram", "plain", "sparse"])
def test_cv_errors_are_the_folds_relaxed_fits(form):
    """Each fold's errors in mse_path_relaxed_ are those of Lasso(alpha, gamma) fitted
    on its training rows (weights, an unpenalized feature, bounds), whatever route
    the CV takes (shared Gram moments, per-fold copies, sparse)."""
    from sklearn.model_selection import KFold
    X, y = make_data(11, n=90, p=12)
    sw = np.random.default_rng(2).uniform(0.5, 2.0, len(y))
    pf = np.r_[0.0, np.ones(11)]
    kw = dict(penalty_factor=pf, upper_bounds=np.r_[np.inf, np.full(11, 1.2)],
              tol=1e-12, max_iter=100000)
    Xf = sparse.csr_matrix(X) if form == "sparse" else X
    gammas = [0.0, 0.4]
    est = fastreg.LassoCV(cv=KFold(3), alphas=8, gammas=gammas,
                          precompute=False if form == "plain" else "auto", **kw)
    est.fit(Xf, y, sample_weight=sw)
    for k, (train, test) in enumerate(KFold(3).split(X)):
        for g_i, gamma in enumerate(gammas):
            for a_i, alpha in enumerate(est.alphas_):
                fit = fastreg.Lasso(alpha=alpha, gamma=gamma, **kw).fit(
                    X[train], y[train], sample_weight=sw[train])
                err = np.average((y[test] - fit.predict(X[test])) ** 2,
                                 weights=sw[test])
                np.testing.assert_allclose(est.mse_path_relaxed_[g_i, a_i, k], err,
                                           rtol=1e-8)


@pytest.mark.parametrize("as_sparse", [False, True])
def test_relaxed_with_excluded_features_equals_dropping_them(as_sparse):
    # exclude drops the columns inside the engine: the refit on the support must
    # work on the kept features and give the fit on X without the excluded ones
    rng = np.random.default_rng(7)
    X = rng.standard_normal((60, 12))
    y = X[:, :4] @ np.array([3.0, -2.0, 1.5, 1.0]) + 0.3 * rng.standard_normal(60)
    keep = np.setdiff1d(np.arange(12), [1, 7])
    Xf = sparse.csr_matrix(X) if as_sparse else X
    Xk = sparse.csr_matrix(X[:, keep]) if as_sparse else X[:, keep]
    kw = dict(alpha=0.2, gamma=0.3, tol=1e-12)
    got = fastreg.Lasso(exclude=[1, 7], **kw).fit(Xf, y)
    ref = fastreg.Lasso(**kw).fit(Xk, y)
    assert np.all(got.coef_[[1, 7]] == 0)
    np.testing.assert_allclose(got.coef_[keep], ref.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got.intercept_, ref.intercept_, rtol=1e-9)
    cv_kw = dict(cv=4, gammas=[0, 0.5, 1], tol=1e-10)
    cv = fastreg.LassoCV(exclude=[1, 7], **cv_kw).fit(Xf, y)
    cv_ref = fastreg.LassoCV(**cv_kw).fit(Xk, y)
    np.testing.assert_allclose(cv.mse_path_relaxed_, cv_ref.mse_path_relaxed_,
                               rtol=1e-7)
    assert (cv.alpha_, cv.gamma_) == pytest.approx((cv_ref.alpha_, cv_ref.gamma_))
    np.testing.assert_allclose(cv.coef_[keep], cv_ref.coef_, rtol=1e-7, atol=1e-10)


def test_gammas_with_scoring_is_a_clear_error():
    X = np.random.default_rng(0).standard_normal((30, 4))
    with pytest.raises(ValueError, match="not available with gammas"):
        fastreg.LassoCV(gammas=[0, 1], scoring="neg_mean_absolute_error").fit(
            X, X[:, 0])


def test_blocked_cholesky_refit_equals_lapacks(monkeypatch):
    """Supports above BLOCKED_CHOLESKY are factored by the interruptible blocked
    Cholesky (issue 20): the same relaxed fits, with and without bounds, as LAPACK's
    single call (the threshold lowered to reach it on a small support)."""
    from fastreg import _relaxed
    X, y = make_data()
    fits = {}
    for limit in (10**9, 2):
        monkeypatch.setattr(_relaxed, "BLOCKED_CHOLESKY", limit)
        fits[limit] = [fastreg.ElasticNet(alpha=0.15, gamma=0.0, **kw).fit(X, y).coef_
                       for kw in ({}, {"upper_bounds": 0.5})]
    for a, b in zip(fits[10**9], fits[2], strict=True):
        assert np.count_nonzero(a) > 2
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-12 * np.abs(a).max())
