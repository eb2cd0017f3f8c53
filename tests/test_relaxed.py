"""The relaxed lasso (``gamma`` of Lasso / ElasticNet, ``gammas`` of LassoCV /
ElasticNetCV), against R glmnet's ``relax=TRUE`` (fixtures in tests/glmnet/relax.json,
made by tests/glmnet/relax_make.py and relax.R; no R needed here) and against
least-squares refits computed in NumPy."""
import json
import sys
import warnings
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


def inputs(c, data_dir=None):
    if "X" in c["inputs"]:
        X, y = np.array(c["inputs"]["X"]), np.array(c["inputs"]["y"])
    else:
        sys.path.insert(0, str(data_dir))
        from load import load
        X, y = load(c["inputs"]["dataset"])
        rows = c["inputs"]["rows"]
        X, y = np.asarray(X)[:rows], np.asarray(y)[:rows]
    if c["sparse"]:
        X = sparse.csr_matrix(X)
    return X, y


@pytest.fixture
def case_data(request):
    name = request.param
    c = CASES[name]
    if name in REAL:
        data_dir = request.getfixturevalue("data_dir")
        return c, *inputs(c, data_dir)
    return c, *inputs(c)


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


@pytest.mark.parametrize("case_data", FIT_CASES, indirect=True)
def test_relaxed_fits_equal_glmnet(case_data):
    """Lasso / ElasticNet(gamma=0) is glmnet's relaxed fit (fit$relaxed) at every
    lambda; gamma=1 its penalized fit; gamma=0.25, 0.5 coef(fit, gamma=)."""
    c, X, y = case_data
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


@pytest.mark.parametrize("case_data", CV_CASES, indirect=True)
def test_cv_equals_cv_glmnet(case_data):
    """LassoCV(gammas=) on glmnet's folds: the mean CV errors of every gamma
    (relaxed$statlist cvm, cvsd), (lambda.min, gamma.min), (lambda.1se, gamma.1se)
    and the final model (coef(cv, s='lambda.min', gamma='gamma.min'))."""
    c, X, y = case_data
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
