"""fastreg.dask out of core against dask-ml and Spark MLlib, on the design of
bench/dask_data.py (X and y as .npy stacks read lazily by dask, the same rows as
Parquet for Spark):

    python -m bench.dask_data --rows 10000000 --features 100 --dir DIR --parquet
    python -m bench.dask_peers --dir DIR --stage fastreg   # then daskml, spark, table

Each stage appends its rows to DIR/results.json (run them one at a time: the Dask
cluster is closed before Spark starts, so the peak memory is one of them).

- fastreg and dask-ml run on a ``LocalCluster`` of 2 worker processes x 1 thread whose
  memory limit (``--memory-limit`` each) is below the size of X: out of core.
- Spark runs in ``local[2]`` with ``--spark-memory`` for its driver, reading Parquet.
- Objectives: every result is scored on fastreg's objective (Lasso / ElasticNet:
  1/(2n) ||y - X b - b0||^2 + penalty; Ridge: ||y - X b - b0||^2 + alpha ||b||^2),
  computed exactly from the centered moments of the data (one pass, not timed); the
  relative suboptimality is against the best objective found (fastreg at tol=1e-12).
- Passes over X: counted for the Dask runs (how often the first chunk of X is read,
  a file line per read); for Spark the number of Spark jobs of the fit.

Parameter mappings (checked numerically on small data by bench/test_dask_peers.py):

- dask-ml ``LinearRegression`` (dask-glm) minimizes sum (y - X b)^2 + lamduh R(b)
  with R = |b|_1 ('l1'), |b|^2 / 2 ('l2'), w |b|_1 + (1 - w) |b|^2 / 2 ('elastic_net',
  w = 0.5) and lamduh = 1 / C: C = 1 / (2 n alpha) for Lasso / ElasticNet (l1_ratio
  0.5), C = 1 / (2 alpha) for Ridge. Its intercept is a column of ones inside b and
  is penalized too (fastreg's is not): part of its suboptimality.
- Spark ``LinearRegression(standardization=False)`` minimizes (found from the KKT
  conditions of its solutions) 1/(2n) ||y - X b - b0||^2 + regParam (e |b|_1 +
  (1 - e) |b|^2 / (2 s)), s the label's standard deviation (population), e =
  elasticNetParam: for fastreg's alpha and l1_ratio r, regParam = alpha (r + (1 - r) s)
  and e = alpha r / regParam (Lasso: regParam = alpha, e = 1); Ridge: regParam =
  alpha s / n, e = 0.
"""
import argparse
import json
import os
import time

import numpy as np

MARK = "pass_marks.log"


# ---------------------------------------------------------------------------------------
# objectives from the moments
# ---------------------------------------------------------------------------------------

class Moments:
    """n, column means, target mean and the centered co-moments of (X, y)."""

    def __init__(self, n, mu, ybar, cxx, cxy, cyy):
        self.n, self.mu, self.ybar = float(n), np.asarray(mu), float(ybar)
        self.cxx, self.cxy, self.cyy = np.asarray(cxx), np.asarray(cxy), float(cyy)

    @classmethod
    def of(cls, X, y):
        from fastreg._dask_moments import one_pass
        m = one_pass(X, y, None, None, 1, True, np.float64)
        M, v, _, _, syy, S = m.blocks[0]
        return cls(S, m.mu, m.ybar, M, v, syy)

    def sse(self, coef, intercept):
        coef = np.asarray(coef, dtype=np.float64)
        shift = self.ybar - self.mu @ coef - float(intercept)
        return float(self.cyy - 2 * coef @ self.cxy + coef @ self.cxx @ coef +
                     self.n * shift ** 2)

    def objective(self, kind, coef, intercept, alpha, l1_ratio=1.0):
        coef = np.asarray(coef, dtype=np.float64)
        if kind == "ridge":
            return self.sse(coef, intercept) + alpha * coef @ coef
        return self.sse(coef, intercept) / (2 * self.n) + alpha * (
            l1_ratio * np.abs(coef).sum() + 0.5 * (1 - l1_ratio) * coef @ coef)

    @property
    def sigma_y(self):
        return float(np.sqrt(self.cyy / self.n))


# ---------------------------------------------------------------------------------------
# parameter mappings
# ---------------------------------------------------------------------------------------

def daskml_params(kind, alpha, n, l1_ratio=1.0):
    """dask-ml LinearRegression keyword arguments for fastreg's problem."""
    if kind == "ridge":
        return dict(penalty="l2", C=1.0 / (2.0 * alpha), solver="lbfgs")
    if kind == "lasso":
        return dict(penalty="l1", C=1.0 / (2.0 * n * alpha), solver="admm")
    if l1_ratio != 0.5:
        raise ValueError("dask-ml's 'elastic_net' penalty has the weight 0.5 only.")
    return dict(penalty="elastic_net", C=1.0 / (2.0 * n * alpha), solver="admm")


def spark_params(kind, alpha, n, sigma_y, l1_ratio=1.0):
    """(regParam, elasticNetParam) of Spark's LinearRegression(standardization=False)."""
    if kind == "ridge":
        return alpha * sigma_y / n, 0.0
    r = 1.0 if kind == "lasso" else l1_ratio
    if r == 1.0:
        return alpha, 1.0
    reg = alpha * (r + (1.0 - r) * sigma_y)
    return reg, min(1.0, alpha * r / reg)


# ---------------------------------------------------------------------------------------
# the data, with the passes counted
# ---------------------------------------------------------------------------------------

def _mark(block, path, block_info=None):
    if block_info is not None and block_info[0]["chunk-location"][0] == 0:
        with open(path, "a") as f:
            f.write("x\n")
    return block


def counted(X, directory):
    """X with a line written to DIR/pass_marks.log each time its first chunk is read."""
    return X.map_blocks(_mark, os.path.join(directory, MARK), dtype=X.dtype)


def passes(directory):
    path = os.path.join(directory, MARK)
    if not os.path.exists(path):
        return 0
    with open(path) as f:
        return sum(1 for _ in f)


def reset_passes(directory):
    path = os.path.join(directory, MARK)
    if os.path.exists(path):
        os.remove(path)


def timed(func):
    t0 = time.perf_counter()
    out = func()
    return time.perf_counter() - t0, out


# ---------------------------------------------------------------------------------------
# stages
# ---------------------------------------------------------------------------------------

def problems(mom, n):
    """The benchmark's problems: (name, kind, alpha, l1_ratio)."""
    alpha_max = float(np.max(np.abs(mom.cxy))) / n
    return [("Lasso", "lasso", alpha_max / 20, 1.0),
            ("ElasticNet", "enet", alpha_max / 10, 0.5),
            ("Ridge", "ridge", 0.01 * n, 0.0)]


def load_results(directory):
    path = os.path.join(directory, "results.json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return {"rows": []}


def save_results(directory, results):
    with open(os.path.join(directory, "results.json"), "w") as f:
        json.dump(results, f, indent=1)


def add_row(results, directory, **row):
    results["rows"] = [r for r in results["rows"]
                       if (r["problem"], r["method"]) != (row["problem"], row["method"])]
    results["rows"].append(row)
    save_results(directory, results)
    print(row, flush=True)


def cluster(memory_limit):
    from dask.distributed import Client, LocalCluster
    c = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                     memory_limit=memory_limit, dashboard_address=":0")
    return c, Client(c)


def stage_fastreg(args, results):
    import fastreg.dask as fd
    from bench.dask_data import read
    X, y = read(args.dir)
    n, p = X.shape
    Xc = counted(X, args.dir)
    c, client = cluster(args.memory_limit)
    try:
        mom = Moments.of(X, y)
        results["moments"] = dict(n=mom.n, mu=mom.mu.tolist(), ybar=mom.ybar,
                                  cxx=mom.cxx.tolist(), cxy=mom.cxy.tolist(), cyy=mom.cyy)
        results["setup"] = dict(n=n, p=p, chunk=int(X.chunks[0][0]),
                                memory_limit=args.memory_limit,
                                x_bytes=int(n * p * 8))
        save_results(args.dir, results)
        reset_passes(args.dir)
        t_pass = min(timed(lambda: (Xc.T @ Xc).compute())[0] for _ in range(args.repeat))
        add_row(results, args.dir, problem="one pass", method="dask: X^T X alone",
                time=t_pass, passes=passes(args.dir) / args.repeat)
        for name, kind, alpha, l1_ratio in problems(mom, n):
            def fit(tol=None, kind=kind, alpha=alpha, l1_ratio=l1_ratio):
                kw = {} if tol is None else dict(tol=tol)
                if kind == "ridge":
                    return fd.Ridge(alpha=alpha).fit(Xc, y)
                if kind == "lasso":
                    return fd.Lasso(alpha=alpha, **kw).fit(Xc, y)
                return fd.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, **kw).fit(Xc, y)
            best = fit(tol=1e-12)
            f_best = mom.objective(kind, best.coef_, best.intercept_, alpha, l1_ratio)
            results.setdefault("best", {})[name] = dict(
                objective=f_best, alpha=alpha, l1_ratio=l1_ratio, kind=kind,
                coef=np.asarray(best.coef_).tolist(), intercept=float(best.intercept_))
            reset_passes(args.dir)
            times = []
            for _ in range(args.repeat):
                t, est = timed(fit)
                times.append(t)
            f = mom.objective(kind, est.coef_, est.intercept_, alpha, l1_ratio)
            add_row(results, args.dir, problem=name, method="fastreg.dask", time=min(times),
                    passes=passes(args.dir) / args.repeat, objective=f,
                    nnz=int(np.count_nonzero(est.coef_)),
                    gap=float(getattr(est, "dual_gap_", np.nan)))
        reset_passes(args.dir)
        t, cv = timed(lambda: fd.LassoCV(cv=5).fit(Xc, y))
        results["lassocv"] = dict(alphas=np.asarray(cv.alphas_).tolist(),
                                  alpha_=float(cv.alpha_))
        add_row(results, args.dir, problem="LassoCV (5 folds x 100 alphas)",
                method="fastreg.dask", time=t, passes=passes(args.dir),
                alpha_=float(cv.alpha_), nnz=int(np.count_nonzero(cv.coef_)),
                cv_mse=float(np.min(cv.mse_path_.mean(axis=1))))
    finally:
        client.close()
        c.close()


def stage_daskml(args, results):
    import dask_ml
    from dask_ml.linear_model import LinearRegression

    from bench.dask_data import read
    X, y = read(args.dir)
    n, _ = X.shape
    Xc = counted(X, args.dir)
    mom = Moments(**results["moments"])
    c, client = cluster(args.memory_limit)
    try:
        for name, best in results["best"].items():
            kind, alpha, l1_ratio = best["kind"], best["alpha"], best["l1_ratio"]
            if kind == "enet":
                # (dask-glm 0.4.0: the elastic net's proximal operator returns its
                # input, so admm / proximal_grad solve it unpenalized, and lbfgs stops
                # on the L1 gradient at 0: no correct elastic net to time)
                continue
            kw = daskml_params(kind, alpha, n, l1_ratio)
            max_iter = args.admm_iter if kw["solver"] == "admm" else args.lbfgs_iter
            reset_passes(args.dir)
            t, est = timed(lambda kw=kw, max_iter=max_iter: LinearRegression(
                max_iter=max_iter, **kw).fit(Xc, y))
            f = mom.objective(kind, est.coef_, est.intercept_, alpha, l1_ratio)
            add_row(results, args.dir, problem=name,
                    method=f"dask-ml {dask_ml.__version__} {kw['solver']} "
                           f"(max_iter={max_iter})",
                    time=t, passes=passes(args.dir), objective=f,
                    nnz=int(np.count_nonzero(est.coef_)))
    finally:
        client.close()
        c.close()


def spark_session(memory):
    os.environ.setdefault("PYSPARK_PYTHON", os.sys.executable)
    from pyspark.sql import SparkSession
    return (SparkSession.builder.master("local[2]").appName("fastreg-bench")
            .config("spark.driver.memory", memory)
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.local.dir", os.environ.get("SPARK_LOCAL_DIRS", "/tmp"))
            .getOrCreate())


def spark_frame(spark, path, p):
    from pyspark.ml.feature import VectorAssembler
    df = spark.read.parquet(path)
    return VectorAssembler(inputCols=[f"x{j}" for j in range(p)],
                           outputCol="features").transform(df).select("features", "y")


def spark_fit(df, reg, enet, tol=1e-6, max_iter=100, solver="auto"):
    from pyspark.ml.regression import LinearRegression
    return LinearRegression(featuresCol="features", labelCol="y", regParam=reg,
                            elasticNetParam=enet, standardization=False, tol=tol,
                            maxIter=max_iter, fitIntercept=True, solver=solver).fit(df)


def _jobs(sc):
    return len(sc.statusTracker().getJobIdsForGroup("bench"))


def stage_spark(args, results):
    import pyspark
    mom = Moments(**results["moments"])
    n, p = int(mom.n), len(mom.mu)
    spark = spark_session(args.spark_memory)
    sc = spark.sparkContext
    try:
        df = spark_frame(spark, os.path.join(args.dir, "parquet"), p)
        for name, best in results["best"].items():
            kind, alpha, l1_ratio = best["kind"], best["alpha"], best["l1_ratio"]
            reg, enet = spark_params(kind, alpha, n, mom.sigma_y, l1_ratio)
            if args.spark_only and name not in args.spark_only.split(","):
                continue
            sc.setJobGroup("bench", name)
            j0 = _jobs(sc)
            t, model = timed(lambda reg=reg, enet=enet: spark_fit(
                df, reg, enet, solver=args.spark_solver))
            coef = model.coefficients.toArray()
            f = mom.objective(kind, coef, model.intercept, alpha, l1_ratio)
            add_row(results, args.dir, problem=name,
                    method=f"Spark MLlib {pyspark.__version__} (local[2], "
                           f"solver={args.spark_solver})",
                    time=t, passes=_jobs(sc) - j0, objective=f,
                    nnz=int(np.count_nonzero(coef)),
                    iterations=int(model.summary.totalIterations))
        if args.spark_cv_alphas:
            from pyspark.ml.evaluation import RegressionEvaluator
            from pyspark.ml.regression import LinearRegression
            from pyspark.ml.tuning import CrossValidator, ParamGridBuilder
            alphas = np.asarray(results["lassocv"]["alphas"])
            if args.spark_cv_alphas == 1:
                # one alpha: the grid's nearest to fastreg's alpha_ (a fit whose cost is
                # that of the fits near the optimum, not of the all-zero alpha_max)
                pick = alphas[[int(np.argmin(np.abs(np.log(alphas) - np.log(
                    results["lassocv"]["alpha_"]))))]]
            else:
                pick = alphas[np.linspace(0, len(alphas) - 1, args.spark_cv_alphas)
                              .round().astype(int)]
            lr = LinearRegression(featuresCol="features", labelCol="y",
                                  elasticNetParam=1.0, standardization=False)
            grid = ParamGridBuilder().addGrid(
                lr.regParam, [float(spark_params("lasso", a, n, mom.sigma_y)[0])
                              for a in pick]).build()
            cv = CrossValidator(estimator=lr, estimatorParamMaps=grid, numFolds=5,
                                evaluator=RegressionEvaluator(labelCol="y",
                                                              metricName="rmse"),
                                parallelism=1, seed=0)
            sc.setJobGroup("bench", "cv")
            j0 = _jobs(sc)
            t, model = timed(lambda: cv.fit(df))
            k = len(pick)
            best_reg = model.bestModel.getOrDefault("regParam")
            add_row(results, args.dir, problem="LassoCV (5 folds x 100 alphas)",
                    method=f"Spark CrossValidator ({k} of the 100 alphas, 5 folds; "
                           f"100 alphas extrapolated)",
                    time=t, passes=_jobs(sc) - j0, extrapolated_100=t * 100 / k,
                    alpha_=float(best_reg),
                    alphas_timed=[float(a) for a in pick],
                    cv_rmse=[float(m) for m in model.avgMetrics])
    finally:
        spark.stop()


def table(results):
    rows = results["rows"]
    best = results.get("best", {})
    t_pass = next(r["time"] for r in rows if r["problem"] == "one pass")
    s = results["setup"]
    lines = [f"X: {s['n']:,} x {s['p']} float64 on disk ({s['x_bytes'] / 2**30:.2f} GiB, "
             f"chunks of {s['chunk']:,} rows); LocalCluster of 2 workers x 1 thread, "
             f"memory limit {s['memory_limit']} each", "",
             "| problem | method | time (s) | x one pass | passes over X | "
             "objective - best (relative) | nonzeros |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        sub = ""
        if "objective" in r and r["problem"] in best:
            fb = best[r["problem"]]["objective"]
            sub = f"{(r['objective'] - fb) / abs(fb):.2e}"
        elif "alpha_" in r:
            sub = f"alpha_ = {r['alpha_']:.4g}"
        t = f"{r['time']:.1f}"
        if "extrapolated_100" in r:
            t += f" (100 alphas: ~{r['extrapolated_100']:.0f})"
        lines.append(f"| {r['problem']} | {r['method']} | {t} | "
                     f"{r['time'] / t_pass:.2f} | {r['passes']:g} | {sub} | "
                     f"{r.get('nnz', '')} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--stage", choices=["fastreg", "daskml", "spark", "table"],
                        required=True)
    parser.add_argument("--memory-limit", default="1.5GiB")
    parser.add_argument("--spark-memory", default="3g")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--admm-iter", type=int, default=5)
    parser.add_argument("--lbfgs-iter", type=int, default=20)
    parser.add_argument("--spark-cv-alphas", type=int, default=2)
    parser.add_argument("--spark-solver", default="normal",
                        help="'normal': one pass for the normal equations, then "
                             "OWL-QN on the driver; 'l-bfgs': a pass per iteration")
    parser.add_argument("--spark-only", default=None,
                        help="comma-separated problems to fit with Spark")
    args = parser.parse_args()
    results = load_results(args.dir)
    if args.stage == "fastreg":
        stage_fastreg(args, results)
    elif args.stage == "daskml":
        stage_daskml(args, results)
    elif args.stage == "spark":
        stage_spark(args, results)
    print(table(load_results(args.dir)))


if __name__ == "__main__":
    main()
