"""glmnet's conveniences: ``exclude`` (and ``penalty_factor=np.inf``),
``store_cv_results`` (glmnet's ``keep=TRUE``), ``scoring`` (``type.measure``) and
``standardize``.

Two kinds of checks: NumPy re-computations (an excluded feature is a dropped column;
out-of-fold predictions are the folds refitted by hand; ...), and R glmnet's own
outputs, stored in ``tests/glmnet/cv*.json`` by ``tests/glmnet/cv.R`` (driven by
``tests/glmnet/make_cv.py``; the tests read the fixtures and do not need R).
"""
import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal

import fastreg

FIXTURES = Path(__file__).parent / "glmnet"


def problem(n=60, p=10, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3, p) + rng.uniform(-1, 1, p)
    X[:, 1] += 0.7 * X[:, 0]
    y = X[:, :4] @ np.array([1.5, -2.0, 1.0, 0.5]) + rng.standard_normal(n) + 3.0
    return X.astype(dtype), y.astype(dtype)


def weights(n, seed=1):
    return np.random.default_rng(seed).uniform(0.2, 3.0, n)


# ---------------------------------------------------------------------------------------
# exclude / penalty_factor = inf
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_exclude_equals_dropping_the_columns(dtype, sparse, weighted, l1_ratio):
    X, y = problem(dtype=dtype)
    sw = weights(len(y)) if weighted else None
    drop = [1, 6]
    keep = np.setdiff1d(np.arange(X.shape[1]), drop)
    Xf = sp.csc_matrix(X) if sparse else X
    Xd = sp.csc_matrix(X[:, keep]) if sparse else X[:, keep]
    tol = 1e-10 if dtype == np.float64 else 1e-6
    rtol = 1e-7 if dtype == np.float64 else 2e-3
    fit = fastreg.ElasticNet(alpha=0.05, l1_ratio=l1_ratio, exclude=drop, tol=tol)
    fit.fit(Xf, y, sample_weight=sw)
    ref = fastreg.ElasticNet(alpha=0.05, l1_ratio=l1_ratio, tol=tol).fit(
        Xd, y, sample_weight=sw)
    assert_array_equal(fit.coef_[drop], 0)
    assert np.count_nonzero(fit.coef_[keep]) > 3
    assert_allclose(fit.coef_[keep], ref.coef_, rtol=rtol, atol=rtol * 1e-2)
    assert_allclose(fit.intercept_, ref.intercept_, rtol=rtol, atol=rtol)
    # penalty_factor = inf is the same exclusion
    pf = np.ones(X.shape[1])
    pf[drop] = np.inf
    inf = fastreg.ElasticNet(alpha=0.05, l1_ratio=l1_ratio, penalty_factor=pf,
                             tol=tol).fit(Xf, y, sample_weight=sw)
    assert_array_equal(inf.coef_, fit.coef_)


@pytest.mark.parametrize("sparse", [False, True])
def test_exclude_in_cv_and_path(sparse):
    X, y = problem(n=80)
    drop = [0, 3]
    keep = np.setdiff1d(np.arange(X.shape[1]), drop)
    Xf = sp.csr_matrix(X) if sparse else X
    cv = fastreg.LassoCV(cv=4, exclude=drop, tol=1e-10).fit(Xf, y)
    ref = fastreg.LassoCV(cv=4, tol=1e-10).fit(X[:, keep], y)
    # alpha_max (the grid) is computed without the excluded features
    assert_allclose(cv.alphas_, ref.alphas_, rtol=1e-12)
    assert_allclose(cv.mse_path_, ref.mse_path_, rtol=1e-7)
    assert_allclose(cv.alpha_, ref.alpha_, rtol=1e-12)
    assert_array_equal(cv.coef_[drop], 0)
    assert_allclose(cv.coef_[keep], ref.coef_, rtol=1e-7, atol=1e-9)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    alphas, coefs, gaps = fastreg.lasso_path(Xc, yc, alphas=20, exclude=drop,
                                             tol=1e-10)
    ralphas, rcoefs, _ = fastreg.lasso_path(Xc[:, keep], yc, alphas=20, tol=1e-10)
    assert_allclose(alphas, ralphas, rtol=1e-12)
    assert_array_equal(coefs[drop], 0)
    assert_allclose(coefs[keep], rcoefs, rtol=1e-7, atol=1e-9)
    # the duality gap is that of the problem without the excluded features
    assert np.all(gaps <= 1e-10 * (yc @ yc) / len(yc))


def test_exclude_counts_as_factor_one_in_the_rescaling():
    """glmnet resets an excluded feature's factor to 1 before it rescales the
    factors to sum to n_features: the others keep the penalties they would have in
    the full problem."""
    X, y = problem()
    pf = np.linspace(0.5, 2.0, X.shape[1])
    pf[4] = np.inf
    fit = fastreg.Lasso(alpha=0.05, penalty_factor=pf, tol=1e-12).fit(X, y)
    keep = np.delete(np.arange(X.shape[1]), 4)
    scaled = np.where(np.isinf(pf), 1.0, pf)
    scaled = scaled * len(pf) / scaled.sum()
    # the same model on the kept columns, with their factors fixed (sum to p - 1)
    sub = scaled[keep] * (len(keep) / scaled[keep].sum())
    alpha = 0.05 * scaled[keep].sum() / len(keep)
    ref = fastreg.Lasso(alpha=alpha, penalty_factor=sub, tol=1e-12).fit(X[:, keep], y)
    assert fit.coef_[4] == 0
    assert_allclose(fit.coef_[keep], ref.coef_, rtol=1e-8, atol=1e-10)


def test_exclude_with_bounds_and_unpenalized():
    X, y = problem()
    pf = np.ones(X.shape[1])
    pf[2] = 0
    fit = fastreg.Lasso(alpha=0.1, penalty_factor=pf, exclude=[5, 7],
                        lower_bounds=np.where(pf == 0, -np.inf, -0.3)).fit(X, y)
    assert fit.coef_[5] == 0 and fit.coef_[7] == 0
    assert fit.coef_[2] != 0
    assert np.all(fit.coef_ >= -0.3 - 1e-12)


@pytest.mark.parametrize("exclude, match", [
    ([10], r"exclude: feature index 10 is out of range"),
    ([-1], r"exclude: feature index -1 is out of range"),
    ([0.5], r"exclude must be a list of feature indices"),
    ([[0, 1]], r"exclude must be a list of feature indices"),
    (list(range(10)), r"Every feature is excluded"),
])
def test_exclude_errors(exclude, match):
    X, y = problem()
    with pytest.raises(ValueError, match=match):
        fastreg.Lasso(exclude=exclude).fit(X, y)


def test_penalty_factor_errors():
    X, y = problem()
    with pytest.raises(ValueError, match="penalty_factor must be non-negative"):
        fastreg.Lasso(penalty_factor=-np.ones(10)).fit(X, y)
    pf = np.zeros(10)
    pf[0] = np.inf
    with pytest.raises(ValueError, match="that is not excluded"):
        fastreg.Lasso(penalty_factor=pf).fit(X, y)
    with pytest.raises(ValueError, match="not supported for a 2-D y"):
        fastreg.enet_path(X, np.c_[y, y], exclude=[1])


# ---------------------------------------------------------------------------------------
# store_cv_results (glmnet's keep=TRUE) and scoring (type.measure)
# ---------------------------------------------------------------------------------------

def _folds(n, k=4, seed=0):
    from sklearn.model_selection import KFold
    return list(KFold(k, shuffle=True, random_state=seed).split(np.zeros(n)))


def _by_hand(X, y, sw, folds, alphas, l1_ratio, dtype):
    """The out-of-fold predictions refitted fold by fold, alpha by alpha."""
    pred = np.full((len(y), len(alphas)), np.nan)
    for train, test in folds:
        for a, alpha in enumerate(alphas):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fit = fastreg.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-12,
                                         max_iter=100000)
                fit.fit(X[train], y[train],
                        sample_weight=None if sw is None else sw[train])
            pred[test, a] = fit.predict(X[test])
    return pred


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("precompute", ["auto", False])
def test_store_cv_results_equals_refitting_each_fold(dtype, sparse, weighted,
                                                     precompute):
    X, y = problem(n=48, p=6, dtype=dtype)
    sw = weights(len(y)) if weighted else None
    folds = _folds(len(y))
    Xf = sp.csr_matrix(X) if sparse else X
    tol = 1e-12 if dtype == np.float64 else 1e-7
    cv = fastreg.ElasticNetCV(l1_ratio=0.7, alphas=8, cv=folds, tol=tol,
                              precompute=precompute, store_cv_results=True)
    cv.fit(Xf, y, sample_weight=sw)
    assert cv.cv_results_.shape == (len(y), 8)
    assert cv.cv_results_.dtype == dtype
    ref = _by_hand(X.astype(np.float64), y.astype(np.float64), sw, folds, cv.alphas_,
                   0.7, dtype)
    scale = np.abs(ref).max()
    rtol = 1e-8 if dtype == np.float64 else 1e-4
    assert_allclose(cv.cv_results_, ref, rtol=rtol, atol=rtol * scale)
    # the stored predictions give mse_path_ back
    for k, (_, test) in enumerate(folds):
        err = (cv.cv_results_[test] - y[test, None].astype(np.float64)) ** 2
        mse = np.average(err, axis=0, weights=None if sw is None else sw[test])
        assert_allclose(cv.mse_path_[:, k], mse, rtol=10 * rtol)


def test_store_cv_results_leaves_the_default_fit_unchanged():
    X, y = problem(n=80)
    base = fastreg.ElasticNetCV(l1_ratio=[0.5, 1.0], cv=4).fit(X, y)
    kept = fastreg.ElasticNetCV(l1_ratio=[0.5, 1.0], cv=4, store_cv_results=True)
    kept.fit(X, y)
    assert_array_equal(kept.mse_path_, base.mse_path_)
    assert_array_equal(kept.coef_, base.coef_)
    assert (kept.alpha_, kept.alpha_1se_) == (base.alpha_, base.alpha_1se_)
    assert kept.cv_results_.shape == (2, 80, 100)
    assert not hasattr(base, "cv_results_") and not hasattr(base, "score_path_")


def test_store_cv_results_samples_outside_every_test_fold_are_nan():
    X, y = problem(n=40)
    folds = [(np.arange(10, 40), np.arange(0, 10)), (np.arange(0, 30), np.arange(20, 30))]
    cv = fastreg.LassoCV(cv=folds, alphas=5, store_cv_results=True).fit(X, y)
    missing = np.r_[10:20, 30:40]
    assert np.all(np.isnan(cv.cv_results_[missing]))
    assert not np.any(np.isnan(cv.cv_results_[np.r_[0:10, 20:30]]))


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_mae_scoring_from_the_out_of_fold_predictions(sparse, weighted):
    X, y = problem(n=80)
    sw = weights(len(y)) if weighted else None
    folds = _folds(len(y), 5)
    Xf = sp.csr_matrix(X) if sparse else X
    cv = fastreg.LassoCV(cv=folds, scoring="neg_mean_absolute_error",
                         store_cv_results=True).fit(Xf, y, sample_weight=sw)
    mae = np.empty((100, 5))
    for k, (_, test) in enumerate(folds):
        err = np.abs(cv.cv_results_[test] - y[test, None])
        mae[:, k] = np.average(err, axis=0, weights=None if sw is None else sw[test])
    assert_allclose(cv.score_path_, -mae, rtol=1e-12)
    mean = mae.mean(axis=1)
    best = int(np.argmin(mean))
    assert cv.alpha_min_ == cv.alphas_[best]
    assert_allclose(cv.best_score_, -mean[best], rtol=1e-12)
    se = mae[best].std(ddof=1) / np.sqrt(5)
    assert cv.alpha_1se_ == np.max(cv.alphas_[mean <= mean[best] + se])
    # mse_path_ stays the mean squared error (a sparse X without scoring takes the
    # folds from one shared Gram matrix: the same errors up to the summation order)
    mse = fastreg.LassoCV(cv=folds).fit(Xf, y, sample_weight=sw)
    assert_allclose(cv.mse_path_, mse.mse_path_, rtol=1e-12)
    # the 1se rule with this measure
    one = fastreg.LassoCV(cv=folds, scoring="neg_mean_absolute_error",
                          alpha_select="1se").fit(Xf, y, sample_weight=sw)
    assert one.alpha_ == cv.alpha_1se_


def test_scoring_names_and_callables():
    from sklearn.metrics import make_scorer, median_absolute_error, r2_score
    X, y = problem(n=60)
    folds = _folds(len(y), 3)
    kept = fastreg.ElasticNetCV(cv=folds, alphas=10, store_cv_results=True).fit(X, y)
    mse = fastreg.ElasticNetCV(cv=folds, alphas=10,
                               scoring="neg_mean_squared_error").fit(X, y)
    assert_allclose(mse.score_path_, -kept.mse_path_, rtol=1e-10)
    assert mse.alpha_ == kept.alpha_
    r2 = fastreg.ElasticNetCV(cv=folds, alphas=10, scoring="r2").fit(X, y)
    med = fastreg.ElasticNetCV(
        cv=folds, alphas=10,
        scoring=make_scorer(median_absolute_error, greater_is_better=False)).fit(X, y)

    def my_scorer(estimator, P, t):
        return -np.max(np.abs(estimator.predict(P) - t))

    mx = fastreg.ElasticNetCV(cv=folds, alphas=10, scoring=my_scorer).fit(X, y)
    for k, (_, test) in enumerate(folds):
        P, t = kept.cv_results_[test], y[test]
        assert_allclose(r2.score_path_[:, k], [r2_score(t, P[:, a]) for a in range(10)])
        assert_allclose(med.score_path_[:, k],
                        [-median_absolute_error(t, P[:, a]) for a in range(10)])
        assert_allclose(mx.score_path_[:, k], -np.max(np.abs(P - t[:, None]), axis=0))
    assert r2.alpha_ == r2.alphas_[np.argmax(r2.score_path_.mean(axis=1))]


@pytest.mark.parametrize("params, match", [
    (dict(scoring="no_such_scorer"), r"scoring='no_such_scorer' is not a scikit-learn"),
    (dict(scoring=3), r"scoring must be None, a scikit-learn scorer name or a callable"),
    (dict(store_cv_results="yes"), r"store_cv_results"),
])
def test_cv_option_errors(params, match):
    X, y = problem()
    with pytest.raises(ValueError, match=match):
        fastreg.LassoCV(**params).fit(X, y)


# ---------------------------------------------------------------------------------------
# standardize (glmnet's standardize=TRUE)
# ---------------------------------------------------------------------------------------

def glmnet_sd(X, sw=None):
    """glmnet's scale of each column: weighted sd, weights summing to 1, divisor n."""
    w = np.full(len(X), 1 / len(X)) if sw is None else sw / sw.sum()
    m = w @ X
    return np.sqrt(w @ (X - m) ** 2)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_standardize_equals_fitting_prescaled_columns(dtype, sparse, weighted,
                                                      fit_intercept):
    X, y = problem(dtype=dtype)
    X[:, 3] *= 50.0                                # scales far apart
    sw = weights(len(y)) if weighted else None
    s = glmnet_sd(X.astype(np.float64), sw)
    tol = 1e-12 if dtype == np.float64 else 1e-7
    rtol = 1e-8 if dtype == np.float64 else 2e-3
    lower = np.r_[-np.inf, -0.4, np.full(X.shape[1] - 2, -np.inf)]
    Xf = sp.csc_matrix(X) if sparse else X
    fit = fastreg.ElasticNet(alpha=0.05, l1_ratio=0.8, standardize=True, tol=tol,
                             fit_intercept=fit_intercept, lower_bounds=lower)
    fit.fit(Xf, y, sample_weight=sw)
    Xs = (X.astype(np.float64) / s).astype(dtype)
    ref = fastreg.ElasticNet(alpha=0.05, l1_ratio=0.8, tol=tol,
                             fit_intercept=fit_intercept, lower_bounds=lower * s)
    ref.fit(sp.csc_matrix(Xs) if sparse else Xs, y, sample_weight=sw)
    assert np.count_nonzero(fit.coef_) >= 4
    assert_allclose(fit.coef_, ref.coef_ / s, rtol=rtol, atol=rtol * 1e-2)
    assert_allclose(fit.intercept_, ref.intercept_, rtol=rtol, atol=rtol)
    # the bounds hold on the original scale (glmnet's lower.limits)
    assert fit.coef_[1] >= -0.4 * (1 + 1e-6)
    # the user's X is not modified
    if not sparse:
        assert_array_equal(X, problem(dtype=dtype)[0] * np.r_[1, 1, 1, 50.0,
                                                               np.ones(6)].astype(dtype))


def test_standardize_default_and_scale_invariance():
    """standardize=False is scikit-learn's model; with standardize=True, rescaling a
    column rescales its coefficient inversely and changes nothing else."""
    X, y = problem()
    plain = fastreg.Lasso(alpha=0.05).fit(X, y)
    ref = fastreg.Lasso(alpha=0.05, standardize=False).fit(X, y)
    assert_array_equal(plain.coef_, ref.coef_)
    a = fastreg.Lasso(alpha=0.05, standardize=True, tol=1e-12).fit(X, y)
    X2 = X * np.arange(1, 11)
    b = fastreg.Lasso(alpha=0.05, standardize=True, tol=1e-12).fit(X2, y)
    assert_allclose(b.coef_ * np.arange(1, 11), a.coef_, rtol=1e-8, atol=1e-12)
    # a constant column stays out of the model, with or without an intercept
    Xc = np.c_[X, np.full(len(y), 2.0)]
    for fi in (True, False):
        c = fastreg.Lasso(alpha=0.05, standardize=True, fit_intercept=fi).fit(Xc, y)
        assert c.coef_[-1] == 0


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("precompute", ["auto", False])
def test_standardize_cv_scales_each_fold_by_its_training_set(sparse, weighted,
                                                             precompute):
    """As cv.glmnet: each fold is glmnet(standardize=TRUE) on its training set."""
    X, y = problem(n=48, p=6)
    X[:, 2] *= 20
    sw = weights(len(y)) if weighted else None
    folds = _folds(len(y))
    Xf = sp.csr_matrix(X) if sparse else X
    cv = fastreg.LassoCV(cv=folds, alphas=6, standardize=True, tol=1e-12,
                         precompute=precompute, store_cv_results=True)
    cv.fit(Xf, y, sample_weight=sw)
    full = fastreg.Lasso(alpha=cv.alpha_, standardize=True, tol=1e-12).fit(
        X, y, sample_weight=sw)
    assert_allclose(cv.coef_, full.coef_, rtol=1e-8, atol=1e-12)
    assert_allclose(cv.intercept_, full.intercept_, rtol=1e-8)
    for train, test in folds:
        for a, alpha in enumerate(cv.alphas_):
            fit = fastreg.Lasso(alpha=alpha, standardize=True, tol=1e-12).fit(
                X[train], y[train], sample_weight=None if sw is None else sw[train])
            assert_allclose(cv.cv_results_[test, a], fit.predict(X[test]), rtol=1e-8)
    # the grid starts where the standardized problem's solution vanishes
    Xs = X / glmnet_sd(X, sw)
    grid = fastreg.LassoCV(cv=folds, alphas=6).fit(Xs, y, sample_weight=sw).alphas_
    assert_allclose(cv.alphas_, grid, rtol=1e-10)


def test_standardize_errors():
    X, y = problem()
    with pytest.raises(ValueError, match="precompute: a Gram matrix cannot be given "
                                         "with standardize=True"):
        fastreg.Lasso(standardize=True, precompute=X.T @ X).fit(X, y)
    with pytest.raises(ValueError, match="standardize"):
        fastreg.Lasso(standardize="yes").fit(X, y)
    with pytest.raises(ValueError, match="standardize"):
        fastreg.LassoCV(standardize=1).fit(X, y)


# ---------------------------------------------------------------------------------------
# R glmnet's own outputs (tests/glmnet/cv_*.json, made by tests/glmnet/make_cv.py)
# ---------------------------------------------------------------------------------------

def _cases(name):
    return json.loads((FIXTURES / name).read_text())["cases"]


def _case_data(case, load_dataset=None):
    if case["dataset"] is not None:
        X, y = load_dataset(case["dataset"])
        return np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64), None
    inp = case["inputs"]
    sw = None if inp["sample_weight"] is None else np.array(inp["sample_weight"])
    return np.array(inp["X"]), np.array(inp["y"]), sw


def _options(par):
    return dict(standardize=par["standardize"], fit_intercept=par["fit_intercept"],
                exclude=par["exclude"],
                penalty_factor=None if par["penalty_factor"] is None else
                np.array(par["penalty_factor"]),
                lower_bounds=None if par["lower_bounds"] is None else
                np.array(par["lower_bounds"]),
                upper_bounds=None if par["upper_bounds"] is None else
                np.array(par["upper_bounds"]))


FIT_CASES = [(f, c["name"]) for f in ("cv_exclude.json", "cv_standardize.json")
             for c in _cases(f)]


@pytest.mark.parametrize("fixture, name", FIT_CASES)
def test_fits_match_glmnet(fixture, name):
    case = next(c for c in _cases(fixture) if c["name"] == name)
    par = case["params"]
    X, y, sw = _case_data(case)
    Xf = sp.csc_matrix(X) if par["sparse"] else X
    ref_coef = np.array(case["glmnet"]["coef"])
    ref_b = np.array(case["glmnet"]["intercept"])
    scale = np.abs(ref_coef).max()
    for k, alpha in enumerate(par["alphas"]):
        fit = fastreg.ElasticNet(alpha=alpha, l1_ratio=par["l1_ratio"], tol=1e-12,
                                 max_iter=100000, **_options(par))
        fit.fit(Xf, y, sample_weight=sw)
        assert_allclose(fit.coef_, ref_coef[:, k], rtol=1e-6, atol=1e-6 * scale)
        assert_allclose(fit.intercept_, ref_b[k], rtol=1e-6, atol=1e-6 * scale)
        if par["exclude"]:
            assert_array_equal(fit.coef_[par["exclude"]], 0)
    # glmnet's first lambda is fastreg's alpha_max: every penalized coefficient 0
    assert np.abs(ref_coef[:, 0]).max() <= 1e-10 * scale or \
        par["lower_bounds"] is not None


def _check_cv(case, X, y, sw):
    par = case["params"]
    foldid = np.array(case["foldid"])
    K = foldid.max() + 1
    folds = [(np.flatnonzero(foldid != k), np.flatnonzero(foldid == k))
             for k in range(K)]
    mae = par["type_measure"] == "mae"
    cv = fastreg.LassoCV(cv=folds, alphas=par["alphas"], tol=1e-12, max_iter=100000,
                         store_cv_results=True,
                         scoring="neg_mean_absolute_error" if mae else None,
                         **_options(par))
    cv.fit(sp.csr_matrix(X) if par["sparse"] else X, y, sample_weight=sw)
    g = case["glmnet"]
    preval = np.array(g["preval"])
    assert_allclose(cv.cv_results_, preval, rtol=1e-6, atol=1e-6 * np.abs(preval).max())
    # glmnet's cvm: the folds' measures averaged with the folds' total weights
    per_fold = -cv.score_path_ if mae else cv.mse_path_
    fold_w = np.array([len(test) if sw is None else np.sum(sw[test])
                       for _, test in folds])
    cvm = per_fold @ fold_w / fold_w.sum()
    cvsd = np.sqrt(((per_fold - cvm[:, None]) ** 2) @ fold_w / fold_w.sum() / (K - 1))
    assert_allclose(cvm, g["cvm"], rtol=1e-6)
    assert_allclose(cvsd, g["cvsd"], rtol=1e-5)
    equal_folds = sw is None and len(set(np.bincount(foldid))) == 1
    if equal_folds:      # (then fastreg's unweighted mean over folds is glmnet's cvm)
        assert_allclose(cv.alpha_min_, g["lambda_min"][0], rtol=1e-12)
        assert_allclose(cv.alpha_1se_, g["lambda_1se"][0], rtol=1e-12)
    # the final model is glmnet's fit on all the data at lambda.min
    k = int(np.argmin(np.abs(np.array(par["alphas"]) - cv.alpha_)))
    assert_allclose(cv.coef_, np.array(g["coef"])[:, k], rtol=1e-6,
                    atol=1e-6 * np.abs(g["coef"]).max())


@pytest.mark.parametrize("name", [c["name"] for c in _cases("cv_measures.json")
                                  if c["dataset"] is None])
def test_cv_matches_cv_glmnet(name):
    case = next(c for c in _cases("cv_measures.json") if c["name"] == name)
    _check_cv(case, *_case_data(case))


def test_cv_matches_cv_glmnet_on_prostate(load_dataset):
    cases = [c for c in _cases("cv_measures.json") if c["dataset"] == "prostate"]
    assert cases, "regenerate tests/glmnet/cv_measures.json with the shared data"
    for case in cases:
        _check_cv(case, *_case_data(case, load_dataset))


def test_exclude_drops_the_columns_on_wide_data_and_given_gram():
    """The excluded columns are dropped from the problem (no box [0, 0] in the
    kernel): a wide path converges as the one without them, also from a given Gram
    matrix and X^T y (of all the columns) and a warm start of all the features."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 300))
    y = X[:, :5] @ np.ones(5) + 0.1 * rng.standard_normal(40)
    X, y = X - X.mean(axis=0), y - y.mean()
    drop = [0, 150]
    keep = np.setdiff1d(np.arange(300), drop)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a, coefs, gaps = fastreg.lasso_path(X, y, alphas=50, exclude=drop, tol=1e-10)
        ra, ref, _ = fastreg.lasso_path(X[:, keep], y, alphas=50, tol=1e-10)
    assert_allclose(a, ra, rtol=1e-12)
    assert_array_equal(coefs[drop], 0)
    assert_allclose(coefs[keep], ref, rtol=1e-7, atol=1e-9)
    G, Xy = X.T @ X, X.T @ y
    _, cg, _ = fastreg.lasso_path(X, y, alphas=a[:10], exclude=drop, precompute=G,
                                  Xy=Xy, tol=1e-10, coef_init=np.ones(300))
    assert_array_equal(cg[drop], 0)
    assert_allclose(cg[keep], ref[:, :10], rtol=1e-7, atol=1e-9)
    # a warm start from a model that used the excluded features
    est = fastreg.Lasso(alpha=a[20], warm_start=True, tol=1e-10).fit(X, y)
    est.set_params(exclude=drop).fit(X, y)
    assert_array_equal(est.coef_[drop], 0)
    assert_allclose(est.coef_[keep], ref[:, 20], rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n", [60, 12])       # Gram moments / plain folds
def test_multitask_store_cv_results_and_scoring(sparse, weighted, n):
    from sklearn.metrics import mean_absolute_error, r2_score
    X, y = problem(n=n, p=8)
    Y = np.c_[y, 2 * y[::-1] - X[:, 3], X[:, 0]]
    sw = weights(n) if weighted else None
    folds = _folds(n, 3)
    Xf = sp.csr_matrix(X) if sparse else X
    kw = dict(cv=folds, alphas=6, tol=1e-12)
    base = fastreg.MultiTaskLassoCV(**kw).fit(Xf, Y, sample_weight=sw)
    kept = fastreg.MultiTaskLassoCV(store_cv_results=True, **kw).fit(
        Xf, Y, sample_weight=sw)
    # (a sparse X without store_cv_results / scoring takes its folds from one shared
    # Gram matrix: the same errors up to the summation order)
    assert_allclose(kept.mse_path_, base.mse_path_, rtol=1e-11)
    assert kept.cv_results_.shape == (n, 3, 6)
    for k, (train, test) in enumerate(folds):
        for a, alpha in enumerate(kept.alphas_):
            fit = fastreg.MultiTaskLasso(alpha=alpha, tol=1e-12, max_iter=100000).fit(
                X[train], Y[train], sample_weight=None if sw is None else sw[train])
            assert_allclose(kept.cv_results_[test, :, a], fit.predict(X[test]),
                            rtol=1e-7, atol=1e-9 * np.abs(Y).max())
        err = ((kept.cv_results_[test] - Y[test, :, None]) ** 2).mean(axis=1)
        assert_allclose(kept.mse_path_[:, k],
                        np.average(err, axis=0, weights=None if sw is None else sw[test]),
                        rtol=1e-7)
    mae = fastreg.MultiTaskElasticNetCV(scoring="neg_mean_absolute_error", **kw).fit(
        Xf, Y, sample_weight=sw)
    r2 = fastreg.MultiTaskElasticNetCV(scoring="r2", **kw).fit(Xf, Y, sample_weight=sw)
    enet = fastreg.MultiTaskElasticNetCV(store_cv_results=True, **kw).fit(
        Xf, Y, sample_weight=sw)
    for k, (_, test) in enumerate(folds):
        P = enet.cv_results_[test]
        w = None if sw is None else sw[test]
        assert_allclose(mae.score_path_[:, k],
                        [-mean_absolute_error(Y[test], P[:, :, a], sample_weight=w)
                         for a in range(6)], rtol=1e-9)
        assert_allclose(r2.score_path_[:, k],
                        [r2_score(Y[test], P[:, :, a], sample_weight=w)
                         for a in range(6)], rtol=1e-9)
    assert mae.alpha_min_ == mae.alphas_[np.argmax(mae.score_path_.mean(axis=1))]


@pytest.mark.parametrize("kw", [dict(standardize=True), dict(exclude=[0, 3]),
                                dict(standardize=True, exclude=[2])])
def test_cv_path_model_follows_standardize_and_exclude(kw):
    # the CV's whole path on all the data (coef_path_, coef(alpha)) is the same
    # model as its final fit: standardized and with the excluded features at 0
    rng = np.random.default_rng(3)
    X = rng.standard_normal((80, 8)) * np.array([1, 10, 0.1, 3, 1, 5, 0.5, 2])
    y = X[:, :3] @ np.array([1.0, 0.2, 8.0]) + 0.5 * rng.standard_normal(80)
    cv = fastreg.LassoCV(cv=4, tol=1e-12, **kw).fit(X, y)
    coef, intercept = cv.coef(cv.alpha_)
    np.testing.assert_allclose(coef, cv.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(intercept, cv.intercept_, rtol=1e-7)
    for j in kw.get("exclude", []):
        assert np.all(cv.coef_path_[j] == 0)
    exact, _ = cv.coef(0.5 * (cv.alphas_[3] + cv.alphas_[4]), exact=True, train=(X, y))
    ref = fastreg.Lasso(alpha=0.5 * (cv.alphas_[3] + cv.alphas_[4]), tol=1e-12,
                        **kw).fit(X, y)
    np.testing.assert_allclose(exact, ref.coef_, rtol=1e-7, atol=1e-9)
