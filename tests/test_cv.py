"""fastreg.LassoCV / fastreg.ElasticNetCV against scikit-learn, and the one-SE rule.

With the same folds (a shuffled KFold with a fixed seed), fastreg's cross-validation must
reproduce scikit-learn's: the same alpha grid(s) ``alphas_``, the same test errors
``mse_path_`` (to ``MSE_RTOL``), the same choice ``alpha_`` / ``l1_ratio_``, and a final
model equal to scikit-learn's (to ``COEF_RTOL``) whose ``dual_gap_`` is the gap recomputed in
NumPy. The cases cover both CV engines: one shared Gram matrix (training sets larger than
p and test sets partitioning the samples: diabetes, prostate, ames, california_housing) and
per-fold copies (riboflavin, p >> n; a ShuffleSplit, whose test sets do not partition).

Tolerances, measured. scikit-learn runs at REF_TOL, fastreg at CV_TOL = 1e-12: at 1e-10 the
test errors of california_housing (unscaled features) differ from scikit-learn's by 9.0e-7
relative at one alpha (the fold's gap 3e-11 * ||y||^2 / n moves the weakly determined
coefficients enough), at 1e-11 by 1.5e-11. At CV_TOL the worst difference over the cases
below is ~1e-9 (riboflavin 1.5e-10, ames 1e-12, diabetes 7e-10).
"""
import warnings

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import linear_model as sk
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, ShuffleSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import fastreg
from reference import GAP_ATOL, assert_gap, dual_gap, enet_problem, normalized_weights

REF_TOL = 1e-12
REF_MAX_ITER = 1_000_000
CV_TOL = 1e-12
CV_MAX_ITER = 1_000_000
MSE_RTOL = 1e-6
COEF_RTOL = 1e-6
ALPHA_RTOL = 1e-12
# dual_gap_ vs NumPy: absolute, reference.GAP_ATOL (500 ulps) times ||y_s||^2 / n


def kfold(n_splits=5):
    return KFold(n_splits, shuffle=True, random_state=0)


def weights(n):
    return np.random.default_rng(0).uniform(0.2, 3.0, size=n)


def make_cv(module, l1_ratio, **params):
    """LassoCV when l1_ratio is None, else ElasticNetCV(l1_ratio=...)."""
    if l1_ratio is None:
        return module.LassoCV(**params)
    return module.ElasticNetCV(l1_ratio=l1_ratio, **params)


def fit_reference(X, y, sample_weight=None, l1_ratio=None, **params):
    """scikit-learn at REF_TOL, single-threaded BLAS (a threaded BLAS on this busy 2-core
    machine made its small Gram products 10-300x slower, measured)."""
    est = make_cv(sk, l1_ratio, tol=REF_TOL, max_iter=REF_MAX_ITER, **params)
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, sample_weight=sample_weight)


def fit_fastreg(X, y, sample_weight=None, l1_ratio=None, **params):
    est = make_cv(fastreg, l1_ratio, tol=params.pop("tol", CV_TOL),
                  max_iter=params.pop("max_iter", CV_MAX_ITER), **params)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        return est.fit(X, y, sample_weight=sample_weight)


def grid_of(est, r):
    """The alpha grid of l1_ratio #r (alphas_ is 1-D when it is shared)."""
    return est.alphas_ if est.alphas_.ndim == 1 else est.alphas_[r]


def chosen_index(est):
    """(l1_ratio index, alpha index) of est.alpha_ in its grid."""
    r = 0
    if est.mse_path_.ndim == 3:
        r = int(np.flatnonzero(np.asarray(est.l1_ratio) == est.l1_ratio_)[0])
    grid = grid_of(est, r)
    i = int(np.argmin(np.abs(grid - est.alpha_)))
    assert_allclose(grid[i], est.alpha_, rtol=ALPHA_RTOL)
    return r, i


def check_same_choice(est, ref):
    """Same alpha (and l1_ratio); a near tie in scikit-learn's own errors (runner-up within
    2 * MSE_RTOL of the minimum) accepts either of the tied choices."""
    mean_ref = np.atleast_2d(ref.mse_path_.mean(axis=-1))
    r, i = chosen_index(est)
    r_ref, i_ref = chosen_index(ref)
    if (r, i) == (r_ref, i_ref):
        return
    best = mean_ref[r_ref, i_ref]
    assert mean_ref[r, i] <= best * (1 + 2 * MSE_RTOL), (
        f"fastreg chose (l1_ratio #{r}, alpha #{i}) = {est.alpha_:.6g}, sklearn "
        f"(#{r_ref}, #{i_ref}) = {ref.alpha_:.6g}; sklearn's mean error there is "
        f"{mean_ref[r, i] / best - 1:.2e} relative above its minimum")


def check_final_gap(est, X, y, sample_weight, fit_intercept, positive, tol):
    l1_ratio = getattr(est, "l1_ratio_", 1.0)
    gap, scale = dual_gap(X, y, est.coef_, est.alpha_, l1_ratio, fit_intercept, positive,
                          sample_weight)
    assert_gap(est.dual_gap_, gap, scale, tol, GAP_ATOL, where="dual_gap_: ")


def check_cv_agreement(est, ref, X, y, sample_weight=None, fit_intercept=True,
                       positive=False, alphas_shape=True):
    if alphas_shape:
        assert est.alphas_.shape == ref.alphas_.shape
    for r in range(est.mse_path_.shape[0] if est.mse_path_.ndim == 3 else 1):
        assert_allclose(grid_of(est, r), grid_of(ref, r), rtol=ALPHA_RTOL)
    assert est.mse_path_.shape == ref.mse_path_.shape
    assert_allclose(est.mse_path_, ref.mse_path_, rtol=MSE_RTOL)
    check_same_choice(est, ref)
    if hasattr(ref, "l1_ratio_") and isinstance(est, fastreg.ElasticNetCV) and \
            not isinstance(est, fastreg.LassoCV):
        assert est.l1_ratio_ == ref.l1_ratio_
    # the final model
    big = np.max(np.abs(ref.coef_))
    if big == 0:
        assert_array_equal(est.coef_, 0.0)
    else:
        assert_allclose(est.coef_, ref.coef_, rtol=COEF_RTOL, atol=COEF_RTOL * big)
    if fit_intercept:
        sw = normalized_weights(X.shape[0], sample_weight)
        size = abs(np.average(y, weights=sw)) + \
            np.abs(np.average(X, axis=0, weights=sw)) @ np.abs(ref.coef_)
        assert abs(est.intercept_ - ref.intercept_) <= COEF_RTOL * size
    else:
        assert est.intercept_ == 0.0
    check_final_gap(est, X, y, sample_weight, fit_intercept, positive, CV_TOL)
    assert isinstance(est.n_iter_, (int, np.integer))


# ---------------------------------------------------------------------------------------
# Equivalence with scikit-learn on real data
# ---------------------------------------------------------------------------------------

ENET_RATIOS = [0.1, 0.5, 0.9, 1.0]
CV_CASES = [
    # (dataset, l1_ratio (None: LassoCV), extras, params)
    *[("diabetes", None, (), dict(fit_intercept=fi, positive=pos))
      for fi in [True, False] for pos in [False, True]],
    ("diabetes", None, ("weighted",), {}),
    ("diabetes", ENET_RATIOS, (), {}),
    ("diabetes", ENET_RATIOS, ("weighted",), dict(positive=True)),
    ("prostate", None, (), {}),
    ("prostate", None, (), dict(fit_intercept=False, positive=True)),
    ("prostate", None, ("weighted",), {}),
    ("prostate", ENET_RATIOS, ("weighted",), {}),
    # Gram regime, unscaled one-hot features
    ("ames", None, (), {}),
    ("ames", None, ("weighted",), dict(positive=True)),
    ("ames", [0.5, 1.0], (), dict(alphas=30)),
    # tall
    ("california_housing", None, (), {}),
    ("california_housing", None, ("weighted",), dict(fit_intercept=False)),
    ("california_housing", [0.5, 0.9], ("weighted",), {}),
    # wide: per-fold copies. eps 3e-2 keeps sklearn's reference at 1e-12 under 1 s
    # (eps 1e-2: 5.6 s; eps 1e-3: 40 s)
    ("riboflavin", None, (), dict(alphas=20, cv=3, eps=3e-2)),
    ("riboflavin", [0.5, 1.0], ("weighted",), dict(alphas=10, cv=3, eps=3e-2)),
]


def _case_id(case):
    name, l1, extras, params = case
    parts = [name, "lasso" if l1 is None else "enet"] + list(extras)
    parts += [f"{k}={v}" for k, v in params.items() if k != "cv"]
    return "-".join(parts)


@pytest.mark.parametrize("name, l1_ratio, extras, params", CV_CASES,
                         ids=[_case_id(c) for c in CV_CASES])
def test_cv_matches_sklearn(load_dataset, name, l1_ratio, extras, params):
    X, y = load_dataset(name)
    params = dict(params)
    params["cv"] = kfold(params.pop("cv", 5))
    sw = weights(X.shape[0]) if "weighted" in extras else None
    ref = fit_reference(X, y, sw, l1_ratio, **params)
    est = fit_fastreg(X, y, sw, l1_ratio, **params)
    check_cv_agreement(est, ref, X, y, sw, params.get("fit_intercept", True),
                       params.get("positive", False))
    assert_allclose(est.predict(X), ref.predict(X), rtol=1e-6,
                    atol=1e-6 * np.std(y))


@pytest.mark.parametrize("precompute", ["auto", False])
def test_cv_non_partitioning_splitter(load_dataset, precompute):
    """ShuffleSplit's test sets overlap and leave samples out: the per-fold moments."""
    X, y = load_dataset("ames")
    cv = ShuffleSplit(n_splits=3, test_size=0.25, random_state=0)
    ref = fit_reference(X, y, cv=cv, alphas=30)
    est = fit_fastreg(X, y, cv=cv, alphas=30, precompute=precompute)
    check_cv_agreement(est, ref, X, y)


@pytest.mark.parametrize("case", ["weighted", "plain", "offset"])
def test_cv_gram_engine_equals_per_fold_engine(load_dataset, case):
    """The shared-Gram engine (weighted: a centered copy of X; plain: the moments of X
    itself, its means being small against the spread; offset: means 1e3 times the
    spread, centered copy) against fitting each fold on its own rows."""
    from fastreg._prepare import FoldMoments
    X, y = load_dataset("ames")
    sw = weights(X.shape[0]) if case == "weighted" else None
    X = np.asfortranarray(X - X.mean(axis=0) + 0.5 * X.std(axis=0))
    if case == "offset":
        X = X + 1e3 * X.std(axis=0)
    moments = FoldMoments(X, y, sw, list(kfold().split(X)), True)
    assert (moments.Xg is X) == (case == "plain")
    gram = fit_fastreg(X, y, sw, [0.5, 1.0], cv=kfold(), alphas=30)
    plain = fit_fastreg(X, y, sw, [0.5, 1.0], cv=kfold(), alphas=30, precompute=False)
    # measured: 4e-12 relative
    assert_allclose(gram.mse_path_, plain.mse_path_, rtol=1e-9)
    # the same grid point (its alpha_max comes from X^T y computed two ways: 1 ulp)
    assert_allclose(gram.alpha_, plain.alpha_, rtol=1e-12)
    assert gram.l1_ratio_ == plain.l1_ratio_


def test_cv_synthetic_float32():
    """float32 stays float32. Measured at tol 1e-6: mse_path_ within 2.8e-4 of the float64
    reference (near alpha_max, where a fold's fit stops after one sweep with a gap of
    2.4e-7 * ||y||^2 / n, inside its tolerance; sklearn's float32 overshoots to 4.7e-6)."""
    X, y, _ = enet_problem("tall", dtype=np.float32)
    est = fastreg.LassoCV(cv=kfold(), tol=1e-6, max_iter=10**5).fit(X, y)
    assert est.coef_.dtype == np.float32
    ref = fit_reference(X.astype(np.float64), y.astype(np.float64), cv=kfold())
    assert_allclose(est.alphas_, ref.alphas_, rtol=1e-5)
    assert_allclose(est.mse_path_, ref.mse_path_, rtol=1e-3)
    assert chosen_index(est) == chosen_index(ref)


# ---------------------------------------------------------------------------------------
# Threads, groups, composition
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, l1_ratio, params", [
    ("ames", [0.5, 1.0], dict(alphas=30)),                     # shared Gram
    ("riboflavin", [0.5, 1.0], dict(alphas=10, eps=3e-2)),     # per-fold copies
    ("diabetes", None, dict(precompute=False)),
])
def test_n_jobs_gives_identical_results(load_dataset, name, l1_ratio, params):
    X, y = load_dataset(name)
    sw = weights(X.shape[0])
    one = make_cv(fastreg, l1_ratio, cv=kfold(), n_jobs=1, **params).fit(X, y, sw)
    two = make_cv(fastreg, l1_ratio, cv=kfold(), n_jobs=2, **params).fit(X, y, sw)
    # the same solves; with folds on threads NumPy's BLAS runs on one thread, which
    # may round the test-error products differently in the last bit
    assert_allclose(one.mse_path_, two.mse_path_, rtol=1e-13)
    assert_allclose(one.coef_, two.coef_, rtol=1e-13)
    assert one.alpha_ == two.alpha_
    assert_allclose(one.intercept_, two.intercept_, rtol=1e-13)


def test_groups_reach_the_splitter(load_dataset):
    X, y = load_dataset("diabetes")
    groups = np.random.default_rng(0).integers(0, 12, size=X.shape[0])
    folds = list(GroupKFold(n_splits=4).split(X, y, groups))
    est = fastreg.LassoCV(cv=GroupKFold(n_splits=4), tol=CV_TOL, max_iter=CV_MAX_ITER)
    # as scikit-learn: fit parameters reach the splitter through metadata routing only
    with pytest.raises(ValueError, match="only supported if enable_metadata_routing"):
        est.fit(X, y, groups=groups)
    with sklearn.config_context(enable_metadata_routing=True):
        est.fit(X, y, groups=groups)
    explicit = fit_fastreg(X, y, cv=folds)
    assert_array_equal(est.mse_path_, explicit.mse_path_)
    assert est.alpha_ == explicit.alpha_
    # and the same as scikit-learn on those folds
    ref = fit_reference(X, y, cv=folds)
    check_cv_agreement(est, ref, X, y)
    with pytest.raises(ValueError, match="groups"):
        fastreg.LassoCV(cv=GroupKFold(n_splits=4)).fit(X, y)


def test_gridsearchcv_over_lasso(load_dataset):
    """GridSearchCV(fastreg.Lasso()) on LassoCV's grid and folds makes LassoCV's choice."""
    X, y = load_dataset("diabetes")
    cv_est = fit_fastreg(X, y, cv=kfold(), alphas=30)
    search = GridSearchCV(fastreg.Lasso(tol=CV_TOL, max_iter=CV_MAX_ITER),
                          {"alpha": list(cv_est.alphas_)}, cv=kfold(),
                          scoring="neg_mean_squared_error").fit(X, y)
    # GridSearchCV orders the candidates as given (decreasing alphas)
    assert_allclose(-search.cv_results_["mean_test_score"], cv_est.mse_path_.mean(axis=1),
                    rtol=MSE_RTOL)
    assert search.best_params_["alpha"] == cv_est.alpha_
    assert_allclose(search.best_estimator_.coef_, cv_est.coef_, rtol=COEF_RTOL,
                    atol=COEF_RTOL * np.max(np.abs(cv_est.coef_)))


def test_lassocv_in_pipeline(load_dataset):
    X, y = load_dataset("prostate")
    params = dict(cv=kfold(), tol=CV_TOL, max_iter=CV_MAX_ITER)
    pipe = make_pipeline(StandardScaler(), fastreg.LassoCV(**params)).fit(X, y)
    with threadpool_limits(limits=1, user_api="blas"):
        pipe_ref = make_pipeline(StandardScaler(), sk.LassoCV(**params)).fit(X, y)
    assert pipe[-1].alpha_ == pytest.approx(pipe_ref[-1].alpha_, rel=ALPHA_RTOL)
    assert_allclose(pipe.predict(X), pipe_ref.predict(X), rtol=1e-6,
                    atol=1e-6 * np.std(y))
    assert_allclose(pipe[-1].mse_path_, pipe_ref[-1].mse_path_, rtol=MSE_RTOL)


# ---------------------------------------------------------------------------------------
# The one-standard-error rule
# ---------------------------------------------------------------------------------------

def alpha_1se_by_definition(est):
    """glmnet's lambda.1se from mse_path_: the largest alpha whose mean CV error is within
    one standard error (std over folds, ddof=1, / sqrt(n_folds)) of the minimum, for the
    best l1_ratio."""
    mse = est.mse_path_ if est.mse_path_.ndim == 3 else est.mse_path_[None]
    mean = mse.mean(axis=2)
    r, i = np.unravel_index(np.argmin(mean), mean.shape)
    n_folds = mse.shape[2]
    se = mse[r, i].std(ddof=1) / np.sqrt(n_folds)
    within = mean[r] <= mean[r, i] + se
    grid = grid_of(est, r)
    return grid[i], np.max(grid[within])


@pytest.mark.parametrize("name, l1_ratio", [
    ("diabetes", None), ("prostate", None), ("diabetes", [0.2, 0.7, 1.0]),
    ("california_housing", None),
])
def test_alpha_1se(load_dataset, name, l1_ratio):
    X, y = load_dataset(name)
    est = fit_fastreg(X, y, l1_ratio=l1_ratio, cv=kfold(10))
    a_min, a_1se = alpha_1se_by_definition(est)
    assert est.alpha_min_ == pytest.approx(a_min, rel=1e-15)
    assert est.alpha_ == est.alpha_min_  # alpha_select='min', the default
    assert est.alpha_1se_ == pytest.approx(a_1se, rel=1e-15)
    assert est.alpha_1se_ >= est.alpha_min_


def test_alpha_1se_differs_from_min(load_dataset):
    """On diabetes (10-fold) the one-SE alpha is strictly larger: the test above is not
    satisfied by alpha_1se_ = alpha_min_."""
    X, y = load_dataset("diabetes")
    est = fit_fastreg(X, y, cv=kfold(10))
    assert est.alpha_1se_ > est.alpha_min_


@pytest.mark.parametrize("l1_ratio", [None, [0.3, 1.0]])
def test_alpha_select_1se(load_dataset, l1_ratio):
    X, y = load_dataset("diabetes")
    sw = weights(X.shape[0])
    by_min = fit_fastreg(X, y, sw, l1_ratio, cv=kfold(10))
    by_1se = fit_fastreg(X, y, sw, l1_ratio, cv=kfold(10), alpha_select="1se")
    assert_array_equal(by_1se.mse_path_, by_min.mse_path_)
    assert by_1se.alpha_1se_ == by_min.alpha_1se_
    assert by_1se.alpha_min_ == by_min.alpha_min_
    assert by_1se.alpha_ == by_1se.alpha_1se_
    assert by_1se.alpha_1se_ > by_1se.alpha_min_
    # the final model is the elastic net at alpha_1se_ on all the data
    l1 = getattr(by_1se, "l1_ratio_", 1.0)
    single = fastreg.ElasticNet(alpha=by_1se.alpha_1se_, l1_ratio=l1, tol=CV_TOL,
                                max_iter=CV_MAX_ITER).fit(X, y, sample_weight=sw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = sk.ElasticNet(alpha=by_1se.alpha_1se_, l1_ratio=l1, tol=REF_TOL,
                            max_iter=REF_MAX_ITER).fit(X, y, sample_weight=sw)
    for other in (single, ref):
        big = np.max(np.abs(other.coef_))
        assert_allclose(by_1se.coef_, other.coef_, rtol=COEF_RTOL, atol=COEF_RTOL * big)
        assert by_1se.intercept_ == pytest.approx(other.intercept_, rel=COEF_RTOL)
    check_final_gap(by_1se, X, y, sw, True, False, CV_TOL)


# ---------------------------------------------------------------------------------------
# Degenerate data and bad input
# ---------------------------------------------------------------------------------------

def degenerate(case):
    X, y, _ = enet_problem("tall")
    if case == "y-constant":
        y = np.full_like(y, 3.0)  # zero after intercept-centering
    else:
        X = np.zeros_like(X)
    return X, y


@pytest.mark.parametrize("case", ["y-constant", "X-zero"])
@pytest.mark.parametrize("cls", [fastreg.LassoCV, fastreg.ElasticNetCV])
def test_cv_alpha_max_zero(cls, case):
    X, y = degenerate(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        est = cls(cv=3).fit(X, y)
    assert np.all(np.isfinite(est.mse_path_))
    assert np.all(np.isfinite(est.alphas_)) and np.isfinite(est.alpha_)
    assert est.alpha_ > 0
    assert_array_equal(est.coef_, 0.0)
    assert est.intercept_ == pytest.approx(np.mean(y), rel=1e-12)
    assert_allclose(est.predict(X), np.mean(y), rtol=1e-12)


@pytest.mark.parametrize("case", ["y-constant", "X-zero"])
@pytest.mark.parametrize("cls", [fastreg.LassoCV, fastreg.ElasticNetCV])
def test_cv_alpha_max_zero_warns(cls, case):
    """As the path functions: an all-zero grid is announced (scikit-learn is silent)."""
    X, y = degenerate(case)
    with pytest.warns(UserWarning, match="alpha_max"):
        cls(cv=3).fit(X, y)


BAD_CV_PARAMS = [
    (dict(eps=0), "eps"),
    (dict(eps=-1e-3), "eps"),
    (dict(eps=np.nan), "eps"),
    (dict(alphas=0), "alphas"),
    (dict(alphas=-5), "alphas"),
    (dict(alphas=[]), "alphas"),
    (dict(alphas=[1.0, -0.5]), "alphas"),
    (dict(cv=20), r"\bcv\b"),
    (dict(alpha_select="2se"), "alpha_select"),
]
BAD_ENET_PARAMS = [
    (dict(l1_ratio=1.5), "l1_ratio"),
    (dict(l1_ratio=-0.1), "l1_ratio"),
    (dict(l1_ratio=[0.5, 1.2]), "l1_ratio"),
    (dict(l1_ratio=[]), "l1_ratio"),
    (dict(l1_ratio=0.0), "l1_ratio"),                 # no grid without explicit alphas
    (dict(l1_ratio=[0.0, 0.5], alphas=30), "l1_ratio"),
]
BAD_CASES = [(cls, p, m) for cls in (fastreg.LassoCV, fastreg.ElasticNetCV)
             for p, m in BAD_CV_PARAMS] + \
            [(fastreg.ElasticNetCV, p, m) for p, m in BAD_ENET_PARAMS]


@pytest.mark.parametrize("cls, params, name", BAD_CASES,
                         ids=[f"{c.__name__}-{p!r}" for c, p, _ in BAD_CASES])
def test_bad_cv_params(cls, params, name):
    X, y, _ = enet_problem("tall")
    X, y = X[:15], y[:15]   # 15 samples: cv=20 is too many folds
    est = cls(**params)
    with pytest.raises(ValueError, match=name):
        est.fit(X, y)


def test_l1_ratio_zero_with_explicit_alphas():
    X, y, _ = enet_problem("tall")
    alphas = [1.0, 0.1, 0.01]
    est = fit_fastreg(X, y, l1_ratio=[0.0, 0.5], alphas=alphas, cv=kfold())
    ref = fit_reference(X, y, l1_ratio=[0.0, 0.5], alphas=alphas, cv=kfold())
    check_cv_agreement(est, ref, X, y, alphas_shape=False)


@pytest.mark.parametrize("l1_ratio", [None, 0.5, [0.5, 1.0]])
def test_explicit_alphas_give_1d_alphas_(l1_ratio):
    """scikit-learn: with an explicit alpha array, alphas_ is that array, shape (n_alphas,),
    whatever the number of l1_ratios (2-D only for default grids, one per l1_ratio)."""
    X, y, _ = enet_problem("tall")
    alphas = [0.5, 0.05, 0.005, 0.1]
    est = make_cv(fastreg, l1_ratio, alphas=alphas, cv=3).fit(X, y)
    ref = make_cv(sk, l1_ratio, alphas=alphas, cv=3).fit(X, y)
    assert ref.alphas_.shape == (4,)
    assert est.alphas_.shape == ref.alphas_.shape
    assert_array_equal(est.alphas_, ref.alphas_)


def test_overlapping_or_repeated_folds_do_not_use_the_shared_gram():
    """Folds whose test sets repeat an index, or whose train set overlaps the test
    set, are not a partition: each fold must then be fitted on its own rows."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 5))
    y = X @ rng.standard_normal(5) + 0.1 * rng.standard_normal(40)
    idx = np.arange(40)
    # lengths add up to n and the test sets cover every row once, counting a
    # repeated index once: only an exact check tells these from a partition
    repeated = [(idx[12:], np.r_[idx[:10], idx[:2]]),
                (np.r_[idx[:10], idx[20:]], idx[10:20]),
                (idx[:20], idx[20:])]
    overlapping = [(idx[5:35], idx[:10]),
                   (np.r_[idx[:10], idx[25:]], idx[10:25]),
                   (idx[:25], idx[25:])]
    for folds in (repeated, overlapping):
        a = fastreg.LassoCV(cv=folds, tol=1e-12, max_iter=10**5).fit(X, y)
        b = sk.LassoCV(cv=folds, tol=1e-12, max_iter=10**5, alphas=100).fit(X, y)
        assert_allclose(a.mse_path_, b.mse_path_, rtol=1e-6)


def test_fold_blocks_recomputed_when_not_kept(monkeypatch):
    """Past a memory budget the shared-Gram engine keeps only the total and recomputes
    each fold's block from its rows: the same mse_path_ as with every block kept."""
    from fastreg import _prepare
    rng = np.random.default_rng(4)
    X = rng.standard_normal((80, 6)) + 3.0
    y = X @ rng.standard_normal(6) + rng.standard_normal(80)
    sw = rng.uniform(0.5, 2.0, 80)
    cv = KFold(4, shuffle=True, random_state=0)
    kept = fastreg.ElasticNetCV(l1_ratio=[0.5, 1.0], cv=cv, tol=1e-12).fit(
        X, y, sample_weight=sw)
    monkeypatch.setattr(_prepare.FoldMoments, "MEMORY", 0)
    recomputed = fastreg.ElasticNetCV(l1_ratio=[0.5, 1.0], cv=cv, tol=1e-12).fit(
        X, y, sample_weight=sw)
    assert_allclose(recomputed.mse_path_, kept.mse_path_, rtol=1e-10)
    assert_allclose(recomputed.coef_, kept.coef_, rtol=1e-10)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shuffle", [False, True])
def test_fold_test_mse_from_moments(weighted, shuffle):
    """The shared-Gram engine computes each fold's test MSE from the fold's moments
    (O(p^2) per alpha): equal to the MSE over the test rows, also where that sum
    cancels (a noise-free fit, whose residuals vanish), which falls back to the rows."""
    from fastreg._prepare import FoldMoments
    rng = np.random.default_rng(6)
    n, p = 120, 7
    X = rng.standard_normal((n, p)) + 2.0
    w_true = rng.standard_normal(p)
    y = X @ w_true + 0.5
    sw = rng.uniform(0.5, 2.0, n) if weighted else None
    folds = list(KFold(4, shuffle=shuffle, random_state=0 if shuffle else None).split(X))
    moments = FoldMoments(X, y, sw, folds, True)
    coefs = np.column_stack([rng.standard_normal(p), 0.5 * w_true, w_true])
    for k, (_, test) in enumerate(folds):
        Xt, yt = moments.Xg[test], moments.yg[test]
        # intercepts in the engine's centered frame; the last column fits exactly
        b = np.array([0.3, -0.2, float(np.average(moments.yg - moments.Xg @ w_true))])
        res = Xt @ coefs + b - yt[:, None]
        expected = np.average(res ** 2, axis=0,
                              weights=None if sw is None else sw[test])
        got = moments.test_mse(k, coefs, b)
        assert_allclose(got[:2], expected[:2], rtol=1e-10)
        # the cancelling case: both are rounding noise of the exact 0 (the moments
        # alone would give noise of the size of y'y, about 1e-14 here)
        assert expected[2] < 1e-20 and 0 <= got[2] < 1e-20


@pytest.mark.parametrize("fmt", ["dense", "csr", "multitask"])
@pytest.mark.parametrize("weighted", [False, True])
def test_fold_test_errors_over_the_support_only(fmt, weighted):
    """The fold test errors multiply only the features nonzero at some alpha (a
    sparse path's products are then small and run on one BLAS thread): the same
    errors as the product over every feature, from the rows and from the moments."""
    import scipy.sparse as sparse

    from fastreg._prepare import FoldMoments, support_rows, test_mse
    rng = np.random.default_rng(7)
    n, p, k = 40, 60, 5
    X = rng.standard_normal((n, p)) + 1.0
    y = rng.standard_normal((n, 2)) if fmt == "multitask" else rng.standard_normal(n)
    sw = rng.uniform(0.5, 2.0, n) if weighted else None
    shape = (2, p, k) if fmt == "multitask" else (p, k)
    coefs = np.zeros(shape)
    support = [3, 17, 41]
    coefs[..., support, :] = rng.standard_normal(coefs[..., support, :].shape)
    b = rng.standard_normal((2, k)) if fmt == "multitask" else rng.standard_normal(k)
    axis = 1 if fmt == "multitask" else 0
    assert_array_equal(support_rows(coefs, axis), support)
    assert support_rows(np.ones(shape), axis) is None          # dense: every feature
    Xt = sparse.csr_matrix(X) if fmt == "csr" else X
    if fmt == "multitask":
        res = np.stack([X @ coefs[..., a].T + b[:, a] - y for a in range(k)], axis=2)
        expected = np.average((res ** 2).mean(axis=1), axis=0, weights=sw)
    else:
        expected = np.average((X @ coefs + b - y[:, None]) ** 2, axis=0, weights=sw)
    assert_allclose(test_mse(Xt, y, sw, coefs, b), expected, rtol=1e-12)
    if fmt == "dense":
        folds = list(KFold(4).split(X))
        moments = FoldMoments(X, y, sw, folds, True)
        for j, (_, test) in enumerate(folds):
            res = moments.Xg[test] @ coefs + b - moments.yg[test][:, None]
            want = np.average(res ** 2, axis=0, weights=None if sw is None else sw[test])
            assert_allclose(moments.test_mse(j, coefs, b), want, rtol=1e-10)


# -- extreme weights, zero-weight folds, huge targets (issue 20, items 4 and 6) ------

@pytest.mark.parametrize("big", [1e8, 1e12, 1e17, 1e20, 1e300])
@pytest.mark.parametrize("fmt", ["dense", "csr"])
@pytest.mark.parametrize("seed", [0, 1])
def test_cv_with_one_extreme_weight_matches_sklearn(big, fmt, seed):
    """One weight `big` times the others: the test block holding it carries nearly
    all the weight, and the training moments as total minus block lose every digit
    (before: ZeroDivisionError in _cv.py from 1e17 on). They are then summed from
    the training rows; the fit matches scikit-learn's (alpha_, mse_path_, coef_)."""
    import scipy.sparse as sparse
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 60))
    X = rng.standard_normal((n, 5))
    y = X[:, 0] + 0.1 * rng.standard_normal(n)
    sw = np.ones(n)
    sw[int(rng.integers(n))] = big
    Xf = sparse.csr_matrix(X) if fmt == "csr" else X
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = fastreg.LassoCV(cv=3, tol=1e-10).fit(Xf, y, sample_weight=sw)
        ref = sk.LassoCV(cv=3, tol=1e-10).fit(X, y, sample_weight=sw)
    assert_allclose(ours.alphas_, ref.alphas_, rtol=1e-12)
    assert_allclose(ours.alpha_, ref.alpha_, rtol=1e-12)
    assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-6)
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("estimator", [fastreg.LassoCV, fastreg.ElasticNetCV,
                                       fastreg.MultiTaskLassoCV])
def test_cv_test_fold_with_zero_weights_is_a_clear_error(estimator):
    """A test fold whose weights are all 0 has no weighted MSE (0 / 0): a ValueError
    naming sample_weight and the fold (scikit-learn: ZeroDivisionError "Weights sum
    to zero"; before: UnboundLocalError best_r_idx)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 5))
    y = X[:, 0] + 0.1 * rng.standard_normal(30)
    if estimator is fastreg.MultiTaskLassoCV:
        y = np.column_stack([y, y])
    sw = np.ones(30)
    sw[:10] = 0
    with pytest.raises(ValueError, match=r"sample_weight.*test fold 0.*sum to 0"):
        estimator(cv=KFold(3)).fit(X, y, sample_weight=sw)


@pytest.mark.parametrize("s", [1e155, 1e200, 1e300])
def test_cv_on_a_target_whose_squares_overflow_is_a_clear_error(s):
    """y scaled by s: the CV errors (mse_path_, in y's squared units) overflow
    float64; a ValueError naming y (before: UnboundLocalError best_r_idx)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 5))
    y = X[:, 0] + 0.1 * rng.standard_normal(30)
    with pytest.raises(ValueError, match="y is too large"):
        fastreg.LassoCV(cv=3).fit(X, s * y)
    big = fastreg.LassoCV(cv=3).fit(X, 1e100 * y)      # representable: fitted
    ref = fastreg.LassoCV(cv=3).fit(X, y)
    assert_allclose(big.alpha_ / 1e100, ref.alpha_, rtol=1e-10)
    assert_allclose(big.coef_ / 1e100, ref.coef_, rtol=1e-6, atol=1e-9)
