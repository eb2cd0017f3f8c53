"""Models that keep their whole path (ElasticNetPath, LassoPath, the CV estimators'
coef_path_ / predict(X, alpha=)) and max_features (glmnet's dfmax / pmax).

Checked against R glmnet's outputs stored in tests/glmnet/path.json (made by
tests/glmnet/path_make.py with tests/glmnet/path.R; no R needed here), and by NumPy:
the interpolation formula by hand, exact=True against a fresh tight fit, dense ==
sparse, weights == repeated rows, float32 == float64, and the errors.
"""
import json
import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

import fastreg
from fastreg._path_model import interpolation_weights

HERE = Path(__file__).resolve().parent
CASES = json.loads((HERE / "glmnet" / "path.json").read_text())
TIGHT = dict(tol=1e-12, max_iter=100000)


def _synthetic(case):
    # the generator of tests/glmnet/path_make.py
    rng = np.random.default_rng(case["seed"])
    n, p = case["n"], case["p"]
    X = rng.standard_normal((n, p))
    if case.get("sparse_share"):
        X[rng.random((n, p)) < case["sparse_share"]] = 0.0
    coef = np.zeros(p)
    coef[: p // 3] = rng.uniform(-2, 2, p // 3)
    y = X @ coef + 0.5 * rng.standard_normal(n) + 3.0
    w = rng.uniform(0.2, 3.0, n) if case.get("weights") else None
    return X, y, w


@pytest.fixture
def case_data(request):
    case = request.param
    if "dataset" in case:
        load_dataset = request.getfixturevalue("load_dataset")
        X, y = load_dataset(case["dataset"])
        X = np.asarray(X.toarray() if hasattr(X, "toarray") else X, dtype=np.float64)
        rows = case.get("rows") or X.shape[0]
        cols = case.get("cols") or X.shape[1]
        X, y, w = X[:rows, :cols], np.asarray(y, dtype=np.float64)[:rows], None
    else:
        X, y, w = _synthetic(case)
    if case.get("sparse"):
        X = sparse.csc_matrix(X)
    return case, X, y, w


def _beta(values, p):
    """R's column-major (p, k) matrix."""
    return np.asarray(values).reshape(-1, p).T


def _by_kind(kind):
    return [pytest.param(c, id=c["name"]) for c in CASES if c["kind"] == kind]


def _scale(y, coefs):
    return max(float(np.max(np.abs(coefs))), 1e-3 * float(np.std(y)), 1e-12)


@pytest.mark.parametrize("case_data", _by_kind("path"), indirect=True)
def test_path_matches_glmnet(case_data):
    case, X, y, w = case_data
    ref = case["glmnet"]
    p = X.shape[1]
    model = fastreg.ElasticNetPath(l1_ratio=case["l1_ratio"], alphas=case["alphas"],
                                   fit_intercept=case["intercept"], **TIGHT)
    model.fit(X, y, sample_weight=w)
    beta = _beta(ref["beta"], p)
    scale = _scale(y, beta)
    np.testing.assert_allclose(model.alphas_ * case["glmnet_factor"], ref["lambda"],
                               rtol=1e-12)
    np.testing.assert_allclose(model.coef_path_, beta, atol=1e-6 * scale)
    np.testing.assert_allclose(model.intercept_path_, ref["a0"],
                               atol=1e-6 * max(scale, abs(np.mean(y))))
    # print(fit): Df, %Dev, Lambda (glmnet's Df counts its nonzeros; at alpha_max
    # exactly, rounding can leave it a coefficient of ~1e-17, not counted here)
    table = model.summary()
    np.testing.assert_array_equal(np.count_nonzero(beta, axis=0), ref["df"])
    np.testing.assert_array_equal(
        table.df, np.count_nonzero(np.abs(beta) > 1e-12 * scale, axis=0))
    np.testing.assert_allclose(model.dev_ratio_path_, ref["dev_ratio"], atol=1e-8)
    np.testing.assert_allclose(table.percent_dev, ref["print_dev"], atol=0.011)
    np.testing.assert_allclose(table.alpha, model.alphas_)
    # predict(fit, newx, s=) and coef(fit, s=) off the grid (glmnet's lambda.interp),
    # beyond both ends too (clamped)
    s = np.asarray(case["s_alpha"])
    coef_ref = _beta(ref["coef_interp"], p + 1)
    coef, intercept = model.coef(s)
    np.testing.assert_allclose(coef, coef_ref[1:], atol=1e-6 * scale)
    np.testing.assert_allclose(intercept, coef_ref[0],
                               atol=1e-6 * max(scale, abs(np.mean(y))))
    pred_ref = np.asarray(ref["pred_interp"]).reshape(len(s), -1).T
    pred = model.predict(X[:5], alpha=s)
    np.testing.assert_allclose(pred, pred_ref, atol=1e-6 * np.std(y) + 1e-9)
    # exact=TRUE: solved at s
    se = np.asarray(case["s_exact"])
    exact_ref = _beta(ref["coef_exact"], p + 1)
    train = (X, y) if w is None else (X, y, w)
    coef_e, b_e = model.coef(se, exact=True, train=train)
    np.testing.assert_allclose(coef_e, exact_ref[1:], atol=1e-6 * scale)
    np.testing.assert_allclose(b_e, exact_ref[0], atol=1e-6 * max(scale, abs(np.mean(y))))


@pytest.mark.parametrize("case_data", _by_kind("dfmax"), indirect=True)
def test_dfmax_truncation_matches_glmnet(case_data):
    """glmnet's dfmax on its own lambda sequence: the path ends at the first lambda
    with more than dfmax nonzero coefficients, which is returned; fastreg's
    max_features on the same (untruncated) sequence stops at the same one."""
    case, X, y, w = case_data
    ref = case["glmnet"]
    alphas = np.asarray(ref["full_lambda"]) / case["glmnet_factor"]
    model = fastreg.ElasticNetPath(l1_ratio=case["l1_ratio"], alphas=alphas,
                                   max_features=case["dfmax"], **TIGHT).fit(X, y)
    k = len(ref["lambda"])
    assert len(model.alphas_) == k > 5
    np.testing.assert_array_equal(np.count_nonzero(model.coef_path_, axis=0), ref["df"])
    assert ref["df"][-1] > case["dfmax"] >= ref["df"][-2]
    beta = _beta(ref["beta"], X.shape[1])
    np.testing.assert_allclose(model.coef_path_, beta, atol=1e-6 * _scale(y, beta))
    # the same stop through enet_path (the arrays of the path functions)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    a, coefs, gaps = fastreg.enet_path(Xc, yc, l1_ratio=case["l1_ratio"], alphas=alphas,
                                       max_features=case["dfmax"], **TIGHT)
    assert len(a) == coefs.shape[1] == len(gaps) == k
    np.testing.assert_allclose(coefs, beta, atol=1e-6 * _scale(y, beta))


@pytest.mark.parametrize("case_data", _by_kind("pmax"), indirect=True)
def test_pmax_truncation_matches_glmnet(case_data):
    """glmnet's pmax on a given sequence: the path stops before the first lambda at
    which more than pmax features have ever been nonzero."""
    case, X, y, w = case_data
    ref = case["glmnet"]
    model = fastreg.ElasticNetPath(l1_ratio=case["l1_ratio"], alphas=case["alphas"],
                                   max_features_ever=case["pmax"], **TIGHT)
    model.fit(X, y, sample_weight=w)
    k = len(ref["lambda"])
    assert len(model.alphas_) == k < len(case["alphas"])
    beta = _beta(ref["beta"], X.shape[1])
    np.testing.assert_array_equal(np.count_nonzero(beta, axis=0), ref["df"])
    # (glmnet's Df at alpha_max exactly may count a coefficient of ~1e-17)
    np.testing.assert_array_equal(
        np.count_nonzero(model.coef_path_, axis=0),
        np.count_nonzero(np.abs(beta) > 1e-12 * _scale(y, beta), axis=0))
    np.testing.assert_allclose(model.coef_path_, beta, atol=1e-6 * _scale(y, beta))
    np.testing.assert_allclose(model.intercept_path_, ref["a0"], atol=1e-6 * np.std(y))


@pytest.mark.parametrize("case_data", _by_kind("cvpmax"), indirect=True)
def test_cv_pmax_matches_cv_glmnet(case_data):
    """cv.glmnet(lambda=, pmax=, foldid=): the full-data path truncated at pmax gives
    the alphas; every fold is truncated on its own and scored on them (a fold that
    stops early keeps its last solution): the same CV curve and choices."""
    case, X, y, w = case_data
    ref = case["glmnet"]
    f = case["glmnet_factor"]
    Estimator = fastreg.LassoCV if case["l1_ratio"] == 1 else fastreg.ElasticNetCV
    extra = {} if case["l1_ratio"] == 1 else {"l1_ratio": case["l1_ratio"]}
    cv = Estimator(alphas=case["alphas"], cv=5, max_features_ever=case["pmax"], **extra,
                   **TIGHT).fit(X, y)
    np.testing.assert_allclose(cv.alphas_ * f, ref["lambda"], rtol=1e-12)
    np.testing.assert_allclose(cv.mse_path_.mean(axis=1), ref["cvm"], rtol=1e-6)
    nzero = np.count_nonzero(cv.coef_path_, axis=0)
    # (at alpha_max exactly glmnet's rounding may leave one coefficient of ~1e-17)
    np.testing.assert_array_equal(nzero[1:], ref["nzero"][1:])
    assert ref["nzero"][0] - nzero[0] in (0, 1)
    assert cv.alpha_min_ * f == pytest.approx(ref["lambda_min"][0], rel=1e-12)


# ---------------------------------------------------------------------------------------
# NumPy-derived checks
# ---------------------------------------------------------------------------------------

def _data(n=60, p=20, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    coef = np.zeros(p)
    coef[:6] = rng.uniform(-3, 3, 6)
    y = X @ coef + 0.3 * rng.standard_normal(n) + 1.0
    return X.astype(dtype), y.astype(dtype)


def test_interpolation_by_hand():
    """glmnet's lambda.interp: weight (s - a_r) / (a_l - a_r) on the larger of the
    two fitted alphas around s, clamped outside the grid."""
    X, y = _data()
    model = fastreg.ElasticNetPath(l1_ratio=0.8, alphas=12, **TIGHT).fit(X, y)
    a, C, b = model.alphas_, model.coef_path_, model.intercept_path_
    for i in range(len(a) - 1):
        for t in (0.0, 0.25, 0.9):
            s = a[i + 1] + t * (a[i] - a[i + 1])
            coef, intercept = model.coef(s)
            np.testing.assert_allclose(coef, t * C[:, i] + (1 - t) * C[:, i + 1],
                                       rtol=1e-12, atol=1e-14)
            assert intercept == pytest.approx(t * b[i] + (1 - t) * b[i + 1], rel=1e-12)
    # on a fitted alpha: that solution; beyond the ends: the end's solution (glmnet)
    np.testing.assert_array_equal(model.coef(a[3])[0], C[:, 3])
    np.testing.assert_array_equal(model.coef(10 * a[0])[0], C[:, 0])
    np.testing.assert_array_equal(model.coef(a[-1] / 10)[0], C[:, -1])
    np.testing.assert_array_equal(model.coef(0.0)[0], C[:, -1])
    left, right, frac = interpolation_weights(a, [a[0], a[-1]])
    np.testing.assert_allclose(frac * a[left] + (1 - frac) * a[right], [a[0], a[-1]])
    # several alphas at once: one column each, as predict
    coefs, intercepts = model.coef([a[2], a[5]])
    np.testing.assert_array_equal(coefs, C[:, [2, 5]])
    np.testing.assert_allclose(model.predict(X, alpha=[a[2], a[5]]),
                               X @ C[:, [2, 5]] + b[[2, 5]], rtol=1e-12)
    np.testing.assert_allclose(model.predict(X), X @ C[:, -1] + b[-1], rtol=1e-12)


def test_lasso_interpolation_is_exact_where_the_support_is_constant():
    """The Lasso path is piecewise linear in alpha: between two fitted alphas with
    the same support and signs, the interpolated coefficients are the solution."""
    X, y = _data()
    model = fastreg.LassoPath(alphas=40, **TIGHT).fit(X, y)
    signs = np.sign(model.coef_path_)
    same = [i for i in range(len(model.alphas_) - 1)
            if np.array_equal(signs[:, i], signs[:, i + 1]) and signs[:, i].any()]
    assert len(same) > 10
    for i in same[::4]:
        s = 0.5 * (model.alphas_[i] + model.alphas_[i + 1])
        fresh = fastreg.Lasso(alpha=s, **TIGHT).fit(X, y)
        coef, intercept = model.coef(s)
        np.testing.assert_allclose(coef, fresh.coef_, atol=1e-8)
        assert intercept == pytest.approx(fresh.intercept_, abs=1e-8)


@pytest.mark.parametrize("alpha_factor", [0.37, 1.7, 3.0, 1e-4])
def test_exact_equals_a_fresh_tight_fit(alpha_factor):
    """exact=True solves at alpha (warm-started), inside or outside the grid."""
    X, y = _data()
    w = np.random.default_rng(3).uniform(0.5, 2, len(y))
    model = fastreg.ElasticNetPath(l1_ratio=0.6, alphas=15, **TIGHT)
    model.fit(X, y, sample_weight=w)
    alpha = alpha_factor * model.alphas_[4]
    fresh = fastreg.ElasticNet(alpha=alpha, l1_ratio=0.6, **TIGHT).fit(
        X, y, sample_weight=w)
    coef, intercept = model.coef(alpha, exact=True, train=(X, y, w))
    np.testing.assert_allclose(coef, fresh.coef_, atol=1e-9)
    assert intercept == pytest.approx(fresh.intercept_, abs=1e-9)
    pred = model.predict(X[:4], alpha=alpha, exact=True, train=(X, y, w))
    np.testing.assert_allclose(pred, fresh.predict(X[:4]), atol=1e-8)


def test_dense_equals_sparse_and_float32():
    X, y = _data(80, 25, seed=4)
    X[np.random.default_rng(1).random(X.shape) < 0.5] = 0.0
    kw = dict(l1_ratio=0.9, alphas=20, penalty_factor=np.r_[0.5, np.ones(24)],
              lower_bounds=-1.5, **TIGHT)
    dense = fastreg.ElasticNetPath(**kw).fit(X, y)
    for Xs in (sparse.csc_matrix(X), sparse.csr_matrix(X), sparse.coo_matrix(X)):
        sp = fastreg.ElasticNetPath(**kw).fit(Xs, y)
        np.testing.assert_allclose(sp.alphas_, dense.alphas_, rtol=1e-12)
        np.testing.assert_allclose(sp.coef_path_, dense.coef_path_, atol=1e-9)
        np.testing.assert_allclose(sp.intercept_path_, dense.intercept_path_, atol=1e-9)
        np.testing.assert_allclose(sp.dev_ratio_path_, dense.dev_ratio_path_, atol=1e-10)
        np.testing.assert_allclose(sp.predict(sparse.csr_matrix(Xs)[:5], alpha=0.05),
                                   dense.predict(X[:5], alpha=0.05), atol=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # (float32 cannot certify every tight gap)
        single = fastreg.ElasticNetPath(**{**kw, "tol": 1e-6}).fit(
            X.astype(np.float32), y.astype(np.float32))
    assert single.coef_path_.dtype == np.float32
    np.testing.assert_allclose(single.alphas_, dense.alphas_, rtol=1e-5)
    np.testing.assert_allclose(single.coef_path_, dense.coef_path_, atol=2e-3)
    assert single.predict(X[:3].astype(np.float32), alpha=0.05).shape == (3,)


def test_weights_equal_repeated_rows():
    X, y = _data(40, 15, seed=5)
    counts = np.random.default_rng(2).integers(0, 4, len(y))
    counts[0] = 1
    kw = dict(l1_ratio=0.5, alphas=25, **TIGHT)
    weighted = fastreg.ElasticNetPath(**kw).fit(X, y, sample_weight=counts)
    repeated = fastreg.ElasticNetPath(**kw).fit(np.repeat(X, counts, axis=0),
                                                np.repeat(y, counts))
    np.testing.assert_allclose(weighted.alphas_, repeated.alphas_, rtol=1e-12)
    np.testing.assert_allclose(weighted.coef_path_, repeated.coef_path_, atol=1e-9)
    np.testing.assert_allclose(weighted.intercept_path_, repeated.intercept_path_,
                               atol=1e-9)
    np.testing.assert_allclose(weighted.dev_ratio_path_, repeated.dev_ratio_path_,
                               atol=1e-10)


def test_deviance_ratio_by_hand():
    X, y = _data()
    w = np.random.default_rng(8).uniform(0.1, 2, len(y))
    for intercept in (True, False):
        model = fastreg.ElasticNetPath(alphas=8, fit_intercept=intercept).fit(
            X, y, sample_weight=w)
        pred = X @ model.coef_path_ + model.intercept_path_
        null = y - np.average(y, weights=w) if intercept else y
        expected = 1 - (w @ (y[:, None] - pred) ** 2) / (w @ null ** 2)
        np.testing.assert_allclose(model.dev_ratio_path_, expected, rtol=1e-10, atol=1e-14)
        table = model.summary()
        np.testing.assert_allclose(table.percent_dev, np.round(100 * expected, 2))
        np.testing.assert_array_equal(table.df, np.count_nonzero(model.coef_path_, 0))
        lines = str(table).splitlines()
        assert lines[0].split() == ["Df", "%Dev", "Alpha"] and len(lines) == 9
        assert lines[1].split() == ["1", str(table.df[0]), f"{table.percent_dev[0]:.2f}",
                                    f"{model.alphas_[0]:.4g}"]


def test_max_features_chunks_equal_the_whole_path_truncated():
    """The path solved a chunk of alphas at a time up to the stop is the whole path
    truncated; the stop is where the nonzero count first exceeds max_features
    (kept), or where the ever-nonzero count first exceeds max_features_ever
    (dropped)."""
    X, y = _data(50, 40, seed=6)
    Xc, yc = X - X.mean(0), y - y.mean()
    alphas, coefs, _ = fastreg.enet_path(Xc, yc, l1_ratio=0.7, alphas=60, **TIGHT)
    counts = np.count_nonzero(coefs, axis=0)
    ever = np.count_nonzero(np.logical_or.accumulate(coefs != 0, axis=1), axis=0)
    for m in (0, 3, int(counts[25]), int(counts.max())):
        over = np.flatnonzero(counts > m)
        k = over[0] + 1 if over.size else len(alphas)
        a, c, g, it = fastreg.enet_path(Xc, yc, l1_ratio=0.7, alphas=alphas,
                                        max_features=m, return_n_iter=True, **TIGHT)
        assert len(a) == c.shape[1] == len(g) == len(it) == k
        np.testing.assert_allclose(c, coefs[:, :k], atol=1e-9)
        over = np.flatnonzero(ever > m)
        k = over[0] if over.size else len(alphas)
        if k == 0:
            continue
        a, c, g = fastreg.enet_path(Xc, yc, l1_ratio=0.7, alphas=alphas,
                                    max_features_ever=m, **TIGHT)
        assert len(a) == k
        np.testing.assert_allclose(c, coefs[:, :k], atol=1e-9)


def test_cv_path_and_predict_at_min_and_1se():
    X, y = _data(100, 20, seed=9)
    cv = fastreg.LassoCV(cv=4, **TIGHT).fit(X, y)
    path = fastreg.LassoPath(alphas=cv.alphas_, **TIGHT).fit(X, y)
    np.testing.assert_allclose(cv.coef_path_, path.coef_path_, atol=1e-10)
    np.testing.assert_allclose(cv.intercept_path_, path.intercept_path_, atol=1e-10)
    coef, intercept = cv.coef("min")
    np.testing.assert_allclose(coef, cv.coef_, atol=1e-9)
    np.testing.assert_allclose(cv.predict(X[:5], alpha="min"), cv.predict(X[:5]),
                               atol=1e-8)
    i = int(np.flatnonzero(cv.alphas_ == cv.alpha_1se_)[0])
    np.testing.assert_allclose(cv.coef("1se")[0], cv.coef_path_[:, i])
    np.testing.assert_allclose(cv.predict(X[:5], alpha=[cv.alpha_1se_, 0.01]),
                               path.predict(X[:5], alpha=[cv.alpha_1se_, 0.01]),
                               atol=1e-8)
    assert len(cv.summary()) == len(cv.alphas_)
    # the training data are not pickled: the path travels once computed
    restored = pickle.loads(pickle.dumps(cv))
    np.testing.assert_array_equal(restored.coef_path_, cv.coef_path_)
    fresh = pickle.loads(pickle.dumps(fastreg.LassoCV(cv=4).fit(X, y)))
    with pytest.raises(AttributeError, match="computed on first use"):
        _ = fresh.coef_path_
    assert "_path_data" not in pickle.loads(pickle.dumps(
        fastreg.LassoCV(cv=4).fit(X, y))).__dict__


def test_elasticnetcv_path_is_at_the_chosen_l1_ratio():
    X, y = _data(90, 15, seed=10)
    cv = fastreg.ElasticNetCV(l1_ratio=[0.3, 0.9], cv=3, **TIGHT).fit(X, y)
    k = [0.3, 0.9].index(cv.l1_ratio_)
    path = fastreg.ElasticNetPath(l1_ratio=cv.l1_ratio_, alphas=cv.alphas_[k],
                                  **TIGHT).fit(X, y)
    np.testing.assert_allclose(cv.coef_path_, path.coef_path_, atol=1e-10)


def test_cv_max_features_scores_truncated_folds():
    """LassoCV(max_features=m) as cv.glmnet(dfmax=m): the alphas are those of the
    full-data path truncated at m; each fold is solved with the same limit, and the
    alphas it did not reach are scored with its last solution."""
    from sklearn.model_selection import KFold

    X, y = _data(100, 30, seed=11)
    m = 6
    cv = fastreg.LassoCV(cv=5, alphas=50, max_features=m, **TIGHT).fit(X, y)
    full = fastreg.LassoCV(cv=5, alphas=50, **TIGHT).fit(X, y)
    counts = np.count_nonzero(full.coef_path_, axis=0)
    k = int(np.flatnonzero(counts > m)[0]) + 1
    np.testing.assert_allclose(cv.alphas_, full.alphas_[:k])
    assert cv.mse_path_.shape == (k, 5)
    assert np.count_nonzero(cv.coef_path_[:, -1]) > m
    for fold, (train, test) in enumerate(KFold(5).split(X)):
        path = fastreg.LassoPath(alphas=cv.alphas_, max_features=m, **TIGHT).fit(
            X[train], y[train])
        pred = X[test] @ path.coef_path_ + path.intercept_path_
        mse = np.mean((y[test, None] - pred) ** 2, axis=0)
        mse = np.r_[mse, np.repeat(mse[-1], k - len(mse))]
        np.testing.assert_allclose(cv.mse_path_[:, fold], mse, rtol=1e-7)
    assert cv.alpha_ in cv.alphas_


@pytest.mark.parametrize("alpha, match", [
    ("max", "expected a number >= 0, an array of them, 'min' or '1se'"),
    (-1.0, "expected finite values >= 0"),
    (np.nan, "expected finite values >= 0"),
    ([[0.1]], "a 1-D array"),
    ([], "a 1-D array"),
    (True, "a 1-D array"),
])
def test_bad_alpha_is_a_clear_error(alpha, match):
    X, y = _data()
    model = fastreg.LassoPath(alphas=5).fit(X, y)
    with pytest.raises(ValueError, match=f"alpha=.*{match}"):
        model.coef(alpha)
    with pytest.raises(ValueError, match=match):
        model.predict(X, alpha=alpha)


def test_other_errors_name_the_parameter():
    X, y = _data()
    model = fastreg.LassoPath(alphas=5).fit(X, y)
    with pytest.raises(ValueError, match="'min' and '1se' are the alphas chosen by "
                                         "cross-validation"):
        model.coef("min")
    with pytest.raises(ValueError, match=r"exact=True .* pass train=\(X, y\)"):
        model.coef(0.1, exact=True)
    with pytest.raises(ValueError, match="exact=True needs an alpha"):
        model.predict(X, exact=True)
    with pytest.raises(ValueError, match="train: X has 60 rows and y 59"):
        model.coef(0.1, exact=True, train=(X, y[:-1]))
    for bad in (-1, 1.5, True, "5"):
        with pytest.raises(ValueError, match=f"max_features must be None or an int >= "
                                             f"0 .*got {bad!r}"):
            fastreg.LassoPath(max_features=bad).fit(X, y)
        with pytest.raises(ValueError, match="max_features_ever must be None or an int"):
            fastreg.lasso_path(X, y, alphas=5, max_features_ever=bad)
    with pytest.raises(ValueError, match="one l1_ratio at a time"):
        fastreg.ElasticNetCV(l1_ratio=[0.5, 1.0], max_features=3).fit(X, y)
    with pytest.raises(ValueError, match="not supported for a 2-D y"):
        fastreg.enet_path(X, np.c_[y, y], alphas=5, max_features=3)
    with pytest.raises(ValueError, match="max_features_ever=0: the solution at the "
                                         "first alpha"):
        fastreg.LassoPath(alphas=5, penalty_factor=np.r_[0, np.ones(19)],
                          max_features_ever=0).fit(X, y)
    with pytest.raises(ValueError, match="fits one target"):
        fastreg.LassoPath().fit(X, np.c_[y, y])
    with pytest.raises(AttributeError):
        _ = fastreg.LassoPath().coef_path_
    from sklearn.exceptions import NotFittedError
    with pytest.raises(NotFittedError):
        fastreg.LassoCV().coef(0.1)


def test_user_arrays_are_not_modified():
    X, y = _data()
    w = np.ones(len(y))
    copies = X.copy(), y.copy(), w.copy()
    model = fastreg.ElasticNetPath(alphas=6).fit(X, y, sample_weight=w)
    model.coef(0.1, exact=True, train=(X, y, w))
    model.predict(X, alpha=0.2)
    for a, b in zip((X, y, w), copies, strict=True):
        np.testing.assert_array_equal(a, b)


def test_dask_cv_max_features_equals_in_memory():
    da = pytest.importorskip("dask.array")
    from fastreg import dask as fdask

    X, y = _data(100, 10)
    est = fdask.LassoCV(max_features=3).fit(da.from_array(X, chunks=50),
                                            da.from_array(y, chunks=50))
    ref = fastreg.LassoCV(max_features=3).fit(X, y)
    np.testing.assert_allclose(est.alphas_, ref.alphas_, rtol=1e-10)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-8, atol=1e-12)


def test_summary_as_a_dataframe():
    pd = pytest.importorskip("pandas")
    X, y = _data()
    table = fastreg.LassoPath(alphas=7).fit(X, y).summary()
    frame = table.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["Df", "%Dev", "Alpha"] and list(frame.index) == \
        list(range(1, 8))
    np.testing.assert_array_equal(frame["Df"], table.df)


def test_exact_at_several_alphas_and_on_the_cv_estimators():
    X, y = _data(80, 20, seed=12)
    Xs = sparse.csc_matrix(X)
    cv = fastreg.LassoCV(cv=4, **TIGHT).fit(Xs, y)
    coefs, intercepts = cv.coef([cv.alpha_min_, 0.05, 10.0], exact=True,
                                train=(Xs, y))
    np.testing.assert_allclose(coefs[:, 0], cv.coef_, atol=1e-9)
    for k, alpha in enumerate([cv.alpha_min_, 0.05, 10.0]):
        fresh = fastreg.Lasso(alpha=alpha, **TIGHT).fit(X, y)
        np.testing.assert_allclose(coefs[:, k], fresh.coef_, atol=1e-9)
        assert intercepts[k] == pytest.approx(fresh.intercept_, abs=1e-9)
    np.testing.assert_allclose(cv.predict(Xs[:3], alpha="min", exact=True,
                                          train=(Xs, y)), cv.predict(Xs[:3]), atol=1e-8)
