"""Check numerically the parameter mappings of bench/dask_peers.py (dask-ml and Spark
MLlib solving fastreg's Lasso / ElasticNet / Ridge problems), on small data.

Not a benchmark, skipped when a peer is not installed (``pip install -e
".[bench-dask]"``; Spark needs Java): each peer, run at a tight tolerance, must reach
the objective of fastreg's certified solution (tol=1e-12), computed from the moments
as the benchmark computes it.
"""
import os

import numpy as np
import pytest

import fastreg

da = pytest.importorskip("dask.array")
import dask  # noqa: E402

from bench.dask_peers import Moments, daskml_params, spark_params  # noqa: E402

N, P = 3000, 8


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N, P)) + np.arange(P) * 0.3
    y = X @ np.arange(1.0, P + 1) + 3.0 + 5.0 * rng.standard_normal(N)
    with dask.config.set(scheduler="threads"):
        mom = Moments.of(da.from_array(X, chunks=(500, P)), da.from_array(y, chunks=500))
    alpha_max = float(np.max(np.abs(mom.cxy))) / N
    problems = [("lasso", alpha_max / 5, 1.0), ("enet", alpha_max / 5, 0.5),
                ("ridge", 0.05 * N, 0.0)]
    best = {}
    for kind, alpha, r in problems:
        est = fastreg.Ridge(alpha=alpha).fit(X, y) if kind == "ridge" else \
            fastreg.ElasticNet(alpha=alpha, l1_ratio=r, tol=1e-12).fit(X, y)
        best[kind] = (alpha, r, mom.objective(kind, est.coef_, est.intercept_, alpha, r))
    return X, y, mom, best


def test_moments_objective(data):
    """The objective from the moments is the one from the rows."""
    X, y, mom, best = data
    est = fastreg.Lasso(alpha=best["lasso"][0]).fit(X, y)
    r = y - X @ est.coef_ - est.intercept_
    direct = r @ r / (2 * N) + best["lasso"][0] * np.abs(est.coef_).sum()
    assert mom.objective("lasso", est.coef_, est.intercept_, best["lasso"][0]) == \
        pytest.approx(direct, rel=1e-12)


@pytest.mark.parametrize("kind", ["lasso", "ridge"])
def test_daskml_mapping(data, kind):
    pytest.importorskip("dask_ml")
    from dask_ml.linear_model import LinearRegression
    X, y, mom, best = data
    alpha, r, f_best = best[kind]
    kw = daskml_params(kind, alpha, N, r)
    # (the same objective by a solver that converges on small data; dask-glm
    # penalizes its intercept: fitted on centered data without one)
    kw["solver"] = "proximal_grad" if kind == "lasso" else "lbfgs"
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    with dask.config.set(scheduler="threads"):
        est = LinearRegression(max_iter=200, fit_intercept=False, tol=1e-10, **kw).fit(
            da.from_array(Xc, chunks=(500, P)), da.from_array(yc, chunks=500))
    b0 = y.mean() - X.mean(axis=0) @ est.coef_
    f = mom.objective(kind, est.coef_, b0, alpha, r)
    assert abs(f - f_best) <= 1e-4 * f_best


@pytest.mark.parametrize("kind", ["lasso", "enet", "ridge"])
def test_spark_mapping(data, kind, tmp_path_factory):
    pytest.importorskip("pyspark")
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    from bench.dask_peers import spark_fit, spark_frame, spark_session
    X, y, mom, best = data
    alpha, r, f_best = best[kind]
    path = os.path.join(tmp_path_factory.mktemp("spark"), "t.parquet")
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(P)])
    frame["y"] = y
    frame.to_parquet(path)
    try:
        spark = spark_session("1g")
    except Exception as exc:        # (no Java)
        pytest.skip(f"Spark does not start: {exc}")
    spark.sparkContext.setLogLevel("ERROR")
    reg, enet = spark_params(kind, alpha, N, mom.sigma_y, r)
    model = spark_fit(spark_frame(spark, path, P), reg, enet, tol=1e-12, max_iter=1000)
    f = mom.objective(kind, model.coefficients.toArray(), model.intercept, alpha, r)
    assert abs(f - f_best) <= 1e-8 * f_best
