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
