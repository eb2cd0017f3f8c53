"""fastreg.dask: the estimators on Dask collections, from one pass of per-fold moments,
against the in-memory estimators on the same data (real and synthetic), chunking
invariance, the folds, bad chunks, lazy prediction, and a LocalCluster of processes
(a fit, and GridSearchCV over in-memory estimators with joblib's dask backend)."""
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, KFold

import fastreg

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
import dask  # noqa: E402

import fastreg.dask as fd  # noqa: E402
from reference import documented_names  # noqa: E402


def rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def chunked(X, y, rows=97, w=None):
    out = [da.from_array(X, chunks=(rows, X.shape[1])), da.from_array(y, chunks=rows)]
    if w is not None:
        out.append(da.from_array(w, chunks=rows))
    return out


@pytest.fixture(autouse=True)
def threaded_scheduler():
    """The local threaded scheduler (the cluster tests set their own client)."""
    with dask.config.set(scheduler="threads"):
        yield


def synthetic(n=1200, p=12, seed=0, mean=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + mean
    coef = rng.standard_normal(p) * (rng.random(p) < 0.6)
    y = (X - mean) @ coef + 0.5 * rng.standard_normal(n) + 3.0
    return X, y


def test_import_fastreg_does_not_import_dask():
    code = "import sys, fastreg; print(any(m.split('.')[0] in ('dask', 'distributed') " \
        "for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tempfile.gettempdir())   # (not the source folder)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("name", fd.__all__)
def test_documented(name):
    import inspect
    cls = getattr(fd, name)
    for func, doc in [(cls.__init__, inspect.getdoc(cls)), (cls.fit, None),
                      (cls.predict, None), (cls.score, None)]:
        doc = doc or inspect.getdoc(func)
        params = [p for p in inspect.signature(func).parameters if p != "self"]
        missing = set(params) - documented_names("\n" + doc, "Parameters")
        assert not missing, f"{name}.{func.__name__}: undocumented {missing}"
    assert "exact leave-one-out, in two passes" in inspect.getdoc(fd.RidgeCV)


# ---------------------------------------------------------------------------------------
# moments
# ---------------------------------------------------------------------------------------

def test_moments_lose_no_digits_on_large_means():
    """Columns with mean 1e6 and sd 1: the merged centered moments equal the two-pass
    centered ones in float64 (a naive X^T X - n m m^T would keep ~4 digits)."""
    from fastreg._dask_moments import one_pass
    X, y = synthetic(n=3000, p=6, mean=1e6)
    w = np.random.default_rng(1).uniform(0.5, 2, X.shape[0])
    Xd, yd, wd = chunked(X, y, 211, w)
    moments = one_pass(Xd, yd, wd, None, 1, True, np.float64)
    G, Xy, yy, m, my = moments.training_moments(None, X.shape[0])
    sw = w * (X.shape[0] / w.sum())
    mu = np.average(X, axis=0, weights=sw)
    Xc = (X - mu) * np.sqrt(sw)[:, None]
    yc = (y - np.average(y, weights=sw)) * np.sqrt(sw)
    # (the data themselves are rounded at 1e6 * eps = 1e-10 of their spread)
    assert rel(G, Xc.T @ Xc) < 1e-9
    assert rel(Xy, Xc.T @ yc) < 1e-9
    assert abs(yy - yc @ yc) / (yc @ yc) < 1e-9
    assert rel(moments.mu + m, mu) < 1e-14
    # the uncentered sums would have lost the digits
    naive = (X * sw[:, None]).T @ X - X.shape[0] * np.outer(mu, mu)
    assert rel(naive, Xc.T @ Xc) > 1e-6


# ---------------------------------------------------------------------------------------
# equality with the in-memory estimators
# ---------------------------------------------------------------------------------------

def check_cv_equal(dask_est, mem_est, tol=1e-8):
    assert rel(dask_est.alpha_, mem_est.alpha_) < tol
    assert rel(dask_est.alpha_1se_, mem_est.alpha_1se_) < tol
    assert rel(dask_est.alphas_, mem_est.alphas_) < tol
    assert rel(dask_est.mse_path_, mem_est.mse_path_) < tol
    assert rel(dask_est.coef_, mem_est.coef_) < tol
    assert np.all(np.abs(dask_est.intercept_ - mem_est.intercept_) <=
                  tol * np.maximum(1.0, np.abs(mem_est.intercept_)))


@pytest.mark.parametrize("name", ["diabetes", "california_housing", "ames"])
def test_lassocv_equals_in_memory_on_real_data(load_dataset, name):
    X, y = load_dataset(name)
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    est = fd.LassoCV(cv=5, alphas=30).fit(*chunked(X, y, max(X.shape[0] // 7, 50)))
    ref = fastreg.LassoCV(cv=5, alphas=30).fit(X, y)
    check_cv_equal(est, ref)


def test_elasticnetcv_weights_penalty_factor_bounds_large_means():
    X, y = synthetic(n=1500, p=10, mean=1e6)
    rng = np.random.default_rng(2)
    w = rng.uniform(0, 3, X.shape[0])
    kw = dict(cv=4, l1_ratio=[0.3, 0.9], alphas=25, lower_bounds=-0.8,
              upper_bounds=np.r_[np.full(5, 0.9), np.full(5, np.inf)],
              penalty_factor=np.r_[0.5, 2.0, np.ones(8)])
    est = fd.ElasticNetCV(**kw).fit(*chunked(X, y, 173, w))
    ref = fastreg.ElasticNetCV(**kw).fit(X, y, sample_weight=w)
    check_cv_equal(est, ref)
    assert est.l1_ratio_ == ref.l1_ratio_


def test_unpenalized_feature_and_bounds():
    X, y = synthetic(n=800, p=8, seed=3)
    kw = dict(cv=3, alphas=20, lower_bounds=np.r_[-np.inf, np.zeros(7)],
              penalty_factor=np.r_[0.0, np.ones(7)])
    est = fd.LassoCV(**kw).fit(*chunked(X, y, 100))
    ref = fastreg.LassoCV(**kw).fit(X, y)
    check_cv_equal(est, ref)


@pytest.mark.parametrize("mean", [0.0, 1e6])
def test_lasso_elasticnet_equal_in_memory(mean):
    X, y = synthetic(n=1000, p=9, seed=4, mean=mean)
    w = np.random.default_rng(5).uniform(0.2, 2, X.shape[0])
    for cls, mem, kw in [
            (fd.Lasso, fastreg.Lasso, dict(alpha=0.02)),
            (fd.ElasticNet, fastreg.ElasticNet,
             dict(alpha=0.05, l1_ratio=0.4, lower_bounds=-0.5, upper_bounds=1.0,
                  penalty_factor=np.r_[3.0, np.ones(8)]))]:
        est = cls(tol=1e-10, **kw).fit(*chunked(X, y, 89, w))
        # (covariance updates on the Gram matrix: the same iterations)
        ref = mem(tol=1e-10, precompute=True, **kw).fit(X, y, sample_weight=w)
        assert rel(est.coef_, ref.coef_) < 1e-8
        assert abs(est.intercept_ - ref.intercept_) < 1e-8 * max(1, abs(ref.intercept_))
        assert est.dual_gap_ <= est.tol * np.var(y)
        # the default strategy (residual updates): the same solution up to tol
        ref2 = mem(tol=1e-10, **kw).fit(X, y, sample_weight=w)
        assert rel(est.coef_, ref2.coef_) < 1e-4


@pytest.mark.parametrize("positive", [False, True])
def test_ridge_equals_in_memory(positive):
    X, y = synthetic(n=900, p=7, seed=6, mean=1e6 if not positive else 0.0)
    w = np.random.default_rng(7).uniform(0.1, 2, X.shape[0])
    est = fd.Ridge(alpha=5.0, positive=positive, tol=1e-10).fit(*chunked(X, y, 64, w))
    ref = fastreg.Ridge(alpha=5.0, positive=positive, tol=1e-10).fit(
        X, y, sample_weight=w)
    assert rel(est.coef_, ref.coef_) < (1e-8 if not positive else 1e-6)
    assert abs(est.intercept_ - ref.intercept_) < 1e-6 * max(1, abs(ref.intercept_))


@pytest.mark.parametrize("scoring", [None, "neg_mean_squared_error"])
def test_ridgecv_kfold_equals_in_memory(scoring):
    X, y = synthetic(n=700, p=6, seed=8, mean=100.0)
    w = np.random.default_rng(9).uniform(0.1, 2, X.shape[0])
    alphas = [0.01, 1.0, 30.0, 1e3, 1e5]
    est = fd.RidgeCV(alphas=alphas, cv=4, scoring=scoring).fit(*chunked(X, y, 77, w))
    ref = fastreg.RidgeCV(alphas=alphas, cv=4, scoring=scoring).fit(
        X, y, sample_weight=w)
    assert est.alpha_ == ref.alpha_
    assert abs(est.best_score_ - ref.best_score_) < 1e-9 * max(1, abs(ref.best_score_))
    assert rel(est.coef_, ref.coef_) < 1e-8


@pytest.mark.parametrize("mean, weighted, fit_intercept",
                         [(0.0, False, True), (1e6, True, True), (0.0, True, False)])
def test_ridgecv_leave_one_out_equals_in_memory(mean, weighted, fit_intercept):
    """cv=None: exact leave-one-out from a second pass (every row's leverage for every
    alpha), the in-memory RidgeCV's alpha_, best_score_ and coef_ for each scoring."""
    X, y = synthetic(n=700, p=6, seed=24, mean=mean)
    w = np.random.default_rng(25).uniform(0.1, 2, X.shape[0]) if weighted else None
    alphas = [1e-3, 0.1, 1.0, 30.0, 1e3, 1e5]
    for scoring in [None, "neg_mean_squared_error", "r2"]:
        kw = dict(alphas=alphas, scoring=scoring, fit_intercept=fit_intercept)
        est = fd.RidgeCV(**kw).fit(*chunked(X, y, 77, w))
        ref = fastreg.RidgeCV(**kw).fit(X, y, sample_weight=w)
        assert est.alpha_ == ref.alpha_
        assert rel(est.best_score_, ref.best_score_) < 1e-8
        assert rel(est.coef_, ref.coef_) < 1e-8
        assert abs(est.intercept_ - ref.intercept_) < 1e-8 * max(1, abs(ref.intercept_))
    # the scores select among the alphas (not the first one by default)
    assert fd.RidgeCV(alphas=[1e5, 1.0]).fit(*chunked(X, y, 77)).alpha_ == 1.0
    with pytest.raises(ValueError, match="store_cv_results"):
        fd.RidgeCV(store_cv_results=True).fit(*chunked(X, y, 77))


# ---------------------------------------------------------------------------------------
# multi-task (2-D y)
# ---------------------------------------------------------------------------------------

def synthetic_targets(n=700, p=8, T=3, seed=20, mean=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + mean
    W = rng.standard_normal((T, p)) * (rng.random(p) < 0.6)
    Y = (X - mean) @ W.T + 0.5 * rng.standard_normal((n, T)) + np.arange(T)
    return X, Y, rng.uniform(0.2, 2.0, n)


@pytest.mark.parametrize("mean, weighted, fit_intercept",
                         [(0.0, False, True), (1e6, True, True), (0.0, True, False)])
def test_multitask_equal_in_memory(mean, weighted, fit_intercept):
    """MultiTaskLasso / MultiTaskElasticNet and their CV from the one pass with 2-D y
    (X^T W Y and the trace of Y^T W Y per fold): the in-memory results to 1e-8."""
    X, Y, w = synthetic_targets(mean=mean)
    Xd, Yd = da.from_array(X, chunks=(97, 8)), da.from_array(Y, chunks=(83, 2))
    wd = da.from_array(w, chunks=97) if weighted else None
    w = w if weighted else None
    for cls, mem, kw in [
            (fd.MultiTaskLasso, fastreg.MultiTaskLasso, dict(alpha=0.05)),
            (fd.MultiTaskElasticNet, fastreg.MultiTaskElasticNet,
             dict(alpha=0.1, l1_ratio=0.3))]:
        est = cls(tol=1e-12, fit_intercept=fit_intercept, **kw).fit(
            Xd, Yd, sample_weight=wd)
        ref = mem(tol=1e-12, fit_intercept=fit_intercept, **kw).fit(
            X, Y, sample_weight=w)
        assert rel(est.coef_, ref.coef_) < 1e-8
        assert rel(est.intercept_, ref.intercept_) < 1e-8 or not fit_intercept
        assert est.coef_.shape == ref.coef_.shape == (3, 8)
        assert est.intercept_.shape == (3,)
    for cls, mem, kw in [
            (fd.MultiTaskLassoCV, fastreg.MultiTaskLassoCV, dict(cv=4, alphas=20)),
            (fd.MultiTaskElasticNetCV, fastreg.MultiTaskElasticNetCV,
             dict(cv=3, alphas=15, l1_ratio=[0.4, 0.9]))]:
        est = cls(fit_intercept=fit_intercept, **kw).fit(Xd, Yd, sample_weight=wd)
        ref = mem(fit_intercept=fit_intercept, **kw).fit(X, Y, sample_weight=w)
        check_cv_equal(est, ref)
        if cls is fd.MultiTaskElasticNetCV:
            assert est.l1_ratio_ == ref.l1_ratio_
        else:
            assert not hasattr(est, "l1_ratio_")


def test_multitask_dataframe_folds_predict_score():
    pd = pytest.importorskip("pandas")
    X, Y, _ = synthetic_targets(n=500, p=5, T=2, seed=21)
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(5)])
    Xdf = dd.from_pandas(frame, npartitions=4)
    Ydf = dd.from_pandas(pd.DataFrame(Y, columns=["a", "b"]), npartitions=4)
    ids = np.random.default_rng(22).integers(0, 3, X.shape[0])
    folds = [(np.flatnonzero(ids != k), np.flatnonzero(ids == k)) for k in range(3)]
    est = fd.MultiTaskLassoCV(cv=3, alphas=12).fit(
        Xdf, Ydf, fold_ids=da.from_array(ids, chunks=125))
    ref = fastreg.MultiTaskLassoCV(cv=folds, alphas=12).fit(frame, Y)
    check_cv_equal(est, ref)
    assert list(est.feature_names_in_) == list(frame.columns)
    pred = est.predict(Xdf)
    assert isinstance(pred, da.Array) and pred.shape[1] == 2
    assert np.allclose(pred.compute(), ref.predict(frame), rtol=1e-10, atol=1e-10)
    assert float(est.score(Xdf, Ydf)) == pytest.approx(ref.score(frame, Y), rel=1e-10)
    served = est.to_in_memory()
    assert type(served) is fastreg.MultiTaskLassoCV
    assert np.allclose(served.predict(frame), pred.compute(), rtol=1e-12)
    # shuffled KFold on the client; the errors on 1-D y and on mismatched rows
    cv = KFold(4, shuffle=True, random_state=1)
    est = fd.MultiTaskElasticNetCV(cv=cv, alphas=10, l1_ratio=0.5).fit(Xdf, Ydf)
    check_cv_equal(est, fastreg.MultiTaskElasticNetCV(cv=cv, alphas=10,
                                                      l1_ratio=0.5).fit(frame, Y))
    with pytest.raises(ValueError, match="For mono-task outputs, use fastreg.dask.Lasso"):
        fd.MultiTaskLasso().fit(da.from_array(X), da.from_array(Y[:, 0]))
    with pytest.raises(ValueError, match="y has 499 rows, X has 500"):
        fd.MultiTaskLasso().fit(da.from_array(X), da.from_array(Y[:-1]))
    with pytest.raises(ValueError, match="fastreg.dask.MultiTask"):
        fd.Lasso().fit(da.from_array(X), da.from_array(Y))


def test_multitask_nearly_perfect_fit_and_nan():
    """Test errors that cancel in the moments come from the rows; NaN in Y raises."""
    X, _, _ = synthetic_targets(n=400, p=5, seed=23)
    W = np.arange(1.0, 11.0).reshape(2, 5)
    Y = X @ W.T + 1e-7 * np.random.default_rng(0).standard_normal((400, 2))
    alphas = np.geomspace(1e-2, 1e-9, 8)
    est = fd.MultiTaskLassoCV(cv=4, alphas=alphas).fit(*chunked(X, Y, 50))
    ref = fastreg.MultiTaskLassoCV(cv=4, alphas=alphas).fit(X, Y)
    assert np.allclose(est.mse_path_, ref.mse_path_, rtol=1e-5, atol=1e-16)
    assert est.alpha_ == ref.alpha_
    Y[123, 1] = np.nan
    with pytest.raises(ValueError, match="Input y contains NaN"):
        fd.MultiTaskLasso().fit(*chunked(X, Y, 50))


# ---------------------------------------------------------------------------------------
# chunking, folds
# ---------------------------------------------------------------------------------------

def test_chunking_invariance(monkeypatch):
    X, y = synthetic(n=600, p=8, seed=10, mean=50.0)
    w = np.random.default_rng(11).uniform(0.5, 1.5, X.shape[0])
    fits = []
    for rows in [(600,), (1, 7, 250, 3, 339), (3,) * 200]:
        Xd = da.from_array(X, chunks=(rows, (5, 3)))        # (columns merged too)
        yd = da.from_array(y, chunks=(rows,))
        wd = da.from_array(w, chunks=(rows,))
        fits.append(fd.ElasticNetCV(cv=5, alphas=20, l1_ratio=0.7).fit(
            Xd, yd, sample_weight=wd))
    for other in fits[1:]:
        assert rel(other.mse_path_, fits[0].mse_path_) < 1e-10
        assert rel(other.coef_, fits[0].coef_) < 1e-10
        assert other.alpha_ == pytest.approx(fits[0].alpha_, rel=1e-10)
    # a chunk's rows centered a few rows at a time (uneven last block)
    import fastreg._dask_moments as moments_module
    monkeypatch.setattr(moments_module, "BLOCK_VALUES", 7 * 9)
    est = fd.ElasticNetCV(cv=5, alphas=20, l1_ratio=0.7).fit(
        da.from_array(X, chunks=(100, 8)), da.from_array(y, chunks=100),
        sample_weight=da.from_array(w, chunks=100))
    assert rel(est.mse_path_, fits[0].mse_path_) < 1e-10
    assert rel(est.coef_, fits[0].coef_) < 1e-10
    monkeypatch.undo()
    # y and the weights chunked unlike X are rechunked to X's rows
    est = fd.ElasticNetCV(cv=5, alphas=20, l1_ratio=0.7).fit(
        da.from_array(X, chunks=(50, 8)), da.from_array(y, chunks=33),
        sample_weight=da.from_array(w, chunks=200))
    assert rel(est.coef_, fits[0].coef_) < 1e-10


def test_user_fold_ids_and_shuffled_kfold():
    X, y = synthetic(n=500, p=6, seed=12)
    Xd, yd = chunked(X, y, 61)
    ids = np.random.default_rng(13).integers(0, 4, X.shape[0])
    folds = [(np.flatnonzero(ids != k), np.flatnonzero(ids == k)) for k in range(4)]
    est = fd.LassoCV(cv=4, alphas=15).fit(Xd, yd, fold_ids=da.from_array(ids, chunks=50))
    check_cv_equal(est, fastreg.LassoCV(cv=folds, alphas=15).fit(X, y))
    cv = KFold(5, shuffle=True, random_state=3)
    est = fd.LassoCV(cv=cv, alphas=15).fit(Xd, yd)
    check_cv_equal(est, fastreg.LassoCV(cv=cv, alphas=15).fit(X, y))
    with pytest.raises(ValueError, match=r"fold_ids must lie in \[0, 3\)"):
        fd.LassoCV(cv=3).fit(Xd, yd, fold_ids=da.from_array(ids, chunks=50))


def test_nearly_perfect_fit_test_errors_from_the_rows():
    """Test errors that cancel in the moments are recomputed from the rows."""
    X, _ = synthetic(n=400, p=5, seed=14)
    y = X @ np.arange(1.0, 6.0) + 2.0 + 1e-7 * np.random.default_rng(0).standard_normal(400)
    est = fd.LassoCV(cv=4, alphas=np.geomspace(1e-2, 1e-9, 8)).fit(*chunked(X, y, 50))
    ref = fastreg.LassoCV(cv=4, alphas=np.geomspace(1e-2, 1e-9, 8)).fit(X, y)
    assert np.allclose(est.mse_path_, ref.mse_path_, rtol=1e-5, atol=1e-16)
    assert est.alpha_ == ref.alpha_


# ---------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------

@pytest.fixture
def no_solve(monkeypatch):
    """Any solve fails the test: the errors must come before one."""
    def forbidden(*args, **kwargs):
        raise AssertionError("a problem was built before the error")
    monkeypatch.setattr(fd.Problem, "gram", forbidden)
    monkeypatch.setattr(fd, "ridge_solve", forbidden)


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_nan_inf_in_one_chunk(no_solve, value):
    X, y = synthetic(n=300, p=4)
    X = X.copy()
    X[250, 2] = value
    for est in (fd.Lasso(), fd.LassoCV(cv=3), fd.Ridge(), fd.RidgeCV(cv=3)):
        with pytest.raises(ValueError, match=r"X contains NaN or infinity \(rows 240\.\.269"):
            est.fit(*chunked(X, y, 30))
    y2 = y.copy()
    y2[5] = value
    with pytest.raises(ValueError, match="y contains NaN or infinity"):
        fd.Lasso().fit(*chunked(X[:200], y2[:200], 30))


def test_bad_chunks_and_shapes(no_solve):
    X, y = synthetic(n=300, p=4)
    Xd, yd = chunked(X, y, 30)
    # a chunk whose column count differs from the declared one
    good = da.from_array(X[:150], chunks=(50, 4))
    liar = da.from_delayed(dask.delayed(lambda: X[150:, :3])(), shape=(150, 4),
                           dtype=np.float64)
    with pytest.raises(ValueError, match="has 3 columns, expected 4"):
        fd.Lasso().fit(da.concatenate([good, liar]), yd)
    with pytest.raises(ValueError, match="y has 299 rows, X has 300"):
        fd.Lasso().fit(Xd, yd[:299])
    w = np.ones(300)
    w[123] = -1
    with pytest.raises(ValueError, match="Negative values in sample_weight"):
        fd.LassoCV(cv=3).fit(Xd, yd, sample_weight=da.from_array(w, chunks=40))
    with pytest.raises(ValueError, match="fits one target"):
        fd.Lasso().fit(Xd, da.stack([yd, yd], axis=1))
    with pytest.raises(ValueError, match="needs n_samples > n_features"):
        fd.Lasso().fit(*chunked(X[:4], y[:4], 2))
    with pytest.raises(ValueError, match=r"\(5 \+ 1\) x 4\^2 float64.*fewer folds"):
        fd.LassoCV(cv=5).fit(Xd, yd, client_memory=100)
    # y partitioned unlike X, with unknown chunk sizes
    pd = pytest.importorskip("pandas")
    Xdf = dd.from_pandas(pd.DataFrame(X), npartitions=3).to_dask_array()
    ydf = dd.from_pandas(pd.Series(y), npartitions=3).repartition(
        divisions=[0, 50, 150, 299]).to_dask_array()
    with pytest.raises(ValueError, match=r"y: its chunk for a chunk of rows of X has "
                       r"shape \(\d+,\), expected \(100,\)"):
        fd.Lasso().fit(Xdf, ydf)
    with pytest.raises(ValueError, match="y is split into 2 chunks of rows and X into 3"):
        fd.Lasso().fit(Xdf, dd.from_pandas(pd.Series(y), npartitions=2).to_dask_array())


# ---------------------------------------------------------------------------------------
# dataframes, prediction, serving
# ---------------------------------------------------------------------------------------

def test_dataframe_feature_names_lazy_predict_and_in_memory_copy():
    pd = pytest.importorskip("pandas")
    X, y = synthetic(n=500, p=5, seed=15)
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(5)])
    Xdf = dd.from_pandas(frame, npartitions=4)
    ydf = dd.from_pandas(pd.Series(y), npartitions=4)
    est = fd.LassoCV(cv=5, alphas=20).fit(Xdf, ydf)
    ref = fastreg.LassoCV(cv=5, alphas=20).fit(frame, y)
    check_cv_equal(est, ref)
    assert list(est.feature_names_in_) == list(ref.feature_names_in_)
    pred = est.predict(Xdf)
    assert isinstance(pred, da.Array)            # lazy
    assert np.allclose(pred.compute(), ref.predict(frame), rtol=1e-10, atol=1e-10)
    score = est.score(Xdf, ydf)
    assert isinstance(score, da.Array)
    assert float(score) == pytest.approx(ref.score(frame, y), rel=1e-10)
    with pytest.raises(ValueError, match="feature names should match"):
        est.predict(dd.from_pandas(frame.rename(columns={"f0": "g"}), npartitions=2))
    served = est.to_in_memory()
    assert type(served) is fastreg.LassoCV
    assert served.get_params() == est.get_params()
    for name in ("coef_", "intercept_", "alpha_", "alpha_1se_", "mse_path_",
                 "feature_names_in_", "n_features_in_"):
        assert np.array_equal(getattr(served, name), getattr(est, name))
    assert np.allclose(served.predict(frame), pred.compute(), rtol=1e-12)


# ---------------------------------------------------------------------------------------
# a LocalCluster of processes
# ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(n_workers=2, processes=True,
                                           threads_per_worker=1, dashboard_address=":0")
        client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_cluster_fit_equals_threaded(client):
    X, y = synthetic(n=2000, p=10, seed=16, mean=1e3)
    with dask.config.set(scheduler="threads"):
        local = fd.ElasticNetCV(cv=5, alphas=20).fit(*chunked(X, y, 150))
    with dask.config.set(scheduler=client.get):
        remote = fd.ElasticNetCV(cv=5, alphas=20).fit(*chunked(X, y, 150))
    assert rel(remote.mse_path_, local.mse_path_) < 1e-12
    assert rel(remote.coef_, local.coef_) < 1e-12


def test_gridsearch_on_dask_backend(client):
    import joblib
    X, y = synthetic(n=400, p=8, seed=17)
    grid = {"alpha": [0.003, 0.03, 0.3], "l1_ratio": [0.2, 0.8]}
    serial = GridSearchCV(fastreg.ElasticNet(), grid, cv=3, n_jobs=1).fit(X, y)
    with joblib.parallel_backend("dask"):
        parallel = GridSearchCV(fastreg.ElasticNet(), grid, cv=3, n_jobs=-1).fit(X, y)
    assert parallel.best_params_ == serial.best_params_
    assert np.allclose(parallel.cv_results_["mean_test_score"],
                       serial.cv_results_["mean_test_score"], rtol=1e-12)


def test_killed_worker_same_result(client):
    """One worker's process killed in the middle of a fit: Dask recomputes its lost
    chunks on the other one (its nanny restarts it) and the fit is identical."""
    import os
    import signal
    import threading
    import time
    X, y = synthetic(n=1600, p=6, seed=18)

    def slow(block):
        time.sleep(0.15)
        return block

    def data():
        Xd = da.from_array(X, chunks=(100, 6)).map_blocks(slow, dtype=np.float64)
        return Xd, da.from_array(y, chunks=100)

    with dask.config.set(scheduler="threads"):
        ref = fd.LassoCV(cv=4, alphas=15).fit(*data())
    pids = client.run(os.getpid)
    victim = sorted(pids.values())[0]
    killed = []

    def kill():
        os.kill(victim, signal.SIGKILL)
        killed.append(time.monotonic())

    timer = threading.Timer(0.8, kill)
    with dask.config.set(scheduler=client.get):
        timer.start()
        try:
            est = fd.LassoCV(cv=4, alphas=15).fit(*data())
        finally:
            timer.cancel()
        done = time.monotonic()
    assert killed and killed[0] < done                   # killed during the fit
    assert victim not in client.run(os.getpid).values()
    assert np.array_equal(est.mse_path_, ref.mse_path_)
    assert np.array_equal(est.coef_, ref.coef_)


def test_guide_examples_run(capsys):
    """The code of docs/guide/dask.md runs as written (its LocalCluster included)."""
    import re
    from pathlib import Path
    text = (Path(__file__).resolve().parent.parent / "docs" / "guide" /
            "dask.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 2
    # (the cluster's workers as threads of this process: the same code, a faster start)
    cluster = "LocalCluster(n_workers=2, threads_per_worker=1)"
    assert cluster in blocks[0]
    blocks[0] = blocks[0].replace(cluster, cluster[:-1] + ", processes=False, "
                                  "dashboard_address=':0')")
    for code in blocks:
        exec(compile(code, "docs/guide/dask.md", "exec"), {"__name__": "__main__"})
    printed = capsys.readouterr().out.split()
    assert 0.5 < float(printed[-1].strip("[]")) < 10   # (the last ElasticNet coef)


def test_without_intercept():
    X, y = synthetic(n=700, p=6, seed=19, mean=2.0)
    w = np.random.default_rng(20).uniform(0.5, 2, X.shape[0])
    est = fd.ElasticNetCV(cv=3, alphas=15, fit_intercept=False).fit(*chunked(X, y, 90, w))
    ref = fastreg.ElasticNetCV(cv=3, alphas=15, fit_intercept=False).fit(
        X, y, sample_weight=w)
    check_cv_equal(est, ref)
    assert est.intercept_ == 0.0
    est = fd.Ridge(alpha=2.0, fit_intercept=False).fit(*chunked(X, y, 90, w))
    ref = fastreg.Ridge(alpha=2.0, fit_intercept=False).fit(X, y, sample_weight=w)
    assert rel(est.coef_, ref.coef_) < 1e-10
    assert est.intercept_ == ref.intercept_ == 0.0


# ---------------------------------------------------------------------------------------
# glmnet's options of issue 17: standardize, max_features; scoring / store_cv_results
# ---------------------------------------------------------------------------------------

def scaled_synthetic(seed, mean):
    """Columns of very different spreads (0.01 to 100), with large means."""
    X, y = synthetic(n=1100, p=8, seed=seed, mean=0.0)
    spread = np.geomspace(0.01, 100, X.shape[1])
    return X * spread + mean, y


@pytest.mark.parametrize("mean", [0.0, 1e6])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_standardize_lasso_elasticnet_equal_in_memory(mean, fit_intercept):
    """standardize=True: the column scales (weighted standard deviations) from the
    centered moments, as in memory, with and without intercept, weights, bounds."""
    X, y = scaled_synthetic(21, 0.0 if not fit_intercept else mean)
    w = np.random.default_rng(22).uniform(0.2, 2, X.shape[0])
    for cls, mem, kw in [
            (fd.Lasso, fastreg.Lasso, dict(alpha=0.05)),
            (fd.ElasticNet, fastreg.ElasticNet,
             dict(alpha=0.1, l1_ratio=0.5, lower_bounds=-0.5, upper_bounds=2.0,
                  penalty_factor=np.r_[3.0, np.ones(7)]))]:
        kw.update(standardize=True, fit_intercept=fit_intercept, tol=1e-12)
        est = cls(**kw).fit(*chunked(X, y, 89, w))
        ref = mem(precompute=True, **kw).fit(X, y, sample_weight=w)
        assert rel(est.coef_, ref.coef_) < 1e-8
        assert abs(est.intercept_ - ref.intercept_) < 1e-8 * max(1, abs(ref.intercept_))
        plain = cls(**{**kw, "standardize": False}).fit(*chunked(X, y, 89, w))
        assert rel(plain.coef_, ref.coef_) > 1e-3     # (the option changes the fit)


@pytest.mark.parametrize("mean", [0.0, 1e6])
def test_standardize_cv_equal_in_memory(mean):
    X, y = scaled_synthetic(23, mean)
    w = np.random.default_rng(24).uniform(0.2, 2, X.shape[0])
    kw = dict(cv=4, alphas=25, standardize=True, tol=1e-10)
    est = fd.LassoCV(**kw).fit(*chunked(X, y, 131, w))
    ref = fastreg.LassoCV(**kw).fit(X, y, sample_weight=w)
    check_cv_equal(est, ref)
    kw = dict(kw, l1_ratio=[0.3, 0.8], lower_bounds=-0.5)
    est = fd.ElasticNetCV(**kw).fit(*chunked(X, y, 131, w))
    ref = fastreg.ElasticNetCV(**kw).fit(X, y, sample_weight=w)
    check_cv_equal(est, ref)
    assert est.l1_ratio_ == ref.l1_ratio_
    with pytest.raises(ValueError, match="standardize=True with fit_intercept=False"):
        fd.LassoCV(standardize=True, fit_intercept=False).fit(*chunked(X, y, 131))


@pytest.mark.parametrize("limit", [{"max_features": 3}, {"max_features_ever": 4}])
def test_max_features_cv_equal_in_memory(limit):
    """max_features / max_features_ever: the path on all the data truncated, the
    folds scored on the alphas it reached (a shorter alphas_ and mse_path_)."""
    X, y = synthetic(n=1000, p=12, seed=25, mean=3.0)
    kw = dict(cv=4, alphas=40, tol=1e-10, **limit)
    est = fd.LassoCV(**kw).fit(*chunked(X, y, 120))
    ref = fastreg.LassoCV(**kw).fit(X, y)
    assert len(ref.alphas_) < 40
    assert est.mse_path_.shape == ref.mse_path_.shape
    check_cv_equal(est, ref)
    est = fd.ElasticNetCV(l1_ratio=0.6, **kw).fit(*chunked(X, y, 120))
    ref = fastreg.ElasticNetCV(l1_ratio=0.6, **kw).fit(X, y)
    check_cv_equal(est, ref)


@pytest.mark.parametrize("kw, name", [(dict(scoring="r2"), "scoring='r2'"),
                                      (dict(store_cv_results=True),
                                       "store_cv_results=True")])
def test_scoring_store_cv_results_refused(no_solve, kw, name):
    """Both need every row's out-of-fold predictions: refused before the pass, with
    the parameter named and the reason."""
    X, y = synthetic(n=300, p=5)
    for cls in (fd.LassoCV, fd.ElasticNetCV):
        with pytest.raises(ValueError, match=name.replace("(", r"\(")) as err:
            cls(cv=3, **kw).fit(*chunked(X, y, 50))
        assert "out-of-fold prediction" in str(err.value)
