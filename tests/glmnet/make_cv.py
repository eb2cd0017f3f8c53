"""Regenerate the R glmnet fixtures tests/glmnet/cv_*.json (needs Rscript with glmnet).

    python tests/glmnet/make_cv.py           # from the repository root

For each case it writes the inputs into a temporary folder, runs tests/glmnet/cv.R on
them and stores inputs and glmnet's outputs together (the real dataset, prostate, is
not copied: its case names it, and the test loads it from the shared data folder).
fastreg's (alpha, l1_ratio) are given to glmnet as (lambda, mixing) =
(alpha * f, l1_ratio / f) with f = l1_ratio + (1 - l1_ratio) * sd_w(y) (glmnet scales
y by its weighted 1/n standard deviation before it applies lambda; see
bench/solvers.py ``to_glmnet``); the grid is fastreg's own.
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import fastreg

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("FASTREG_DATA") or HERE.parent.parent.parent / "shared" / "data")


def glmnet_ys(y, sw, fit_intercept):
    w = np.full(len(y), 1 / len(y)) if sw is None else sw / np.sum(sw)
    yc = y - w @ y if fit_intercept else y
    return float(np.sqrt(w @ yc ** 2))


def to_glmnet(alphas, l1_ratio, ys):
    f = l1_ratio + (1 - l1_ratio) * ys
    return np.asarray(alphas) * f, l1_ratio / f


def synthetic(n, p, seed, sparse_density=None):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.3, 4, p) + rng.uniform(-2, 2, p)
    if sparse_density is not None:
        X = X * (rng.uniform(size=(n, p)) < sparse_density)
    X[:, 1] += 0.6 * X[:, 0]
    beta = np.zeros(p)
    beta[:5] = [1.2, -0.8, 0.6, 0.4, -0.3]
    y = X @ beta + rng.standard_normal(n) + 1.5
    return X, 3.0 * y     # sd(y) far from 1: a wrong L2 mapping shows


def fmt(v):
    return ";".join("Inf" if np.isposinf(x) else "-Inf" if np.isneginf(x) else
                    repr(float(x)) for x in np.asarray(v, dtype=float).ravel())


def run_r(X, y, sw, lambdas, mixing, spec, foldid=None):
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        np.savetxt(d / "X.csv", X, delimiter=",", fmt="%.17g")
        np.savetxt(d / "y.csv", y, fmt="%.17g")
        np.savetxt(d / "lambda.csv", lambdas, fmt="%.17g")
        if sw is not None:
            np.savetxt(d / "w.csv", sw, fmt="%.17g")
        if foldid is not None:
            np.savetxt(d / "foldid.csv", foldid + 1, fmt="%d")
        rows = dict(mixing=repr(float(mixing)), cv="0", type_measure="mse", sparse="0",
                    standardize="0", intercept="1", exclude="", penalty_factor="",
                    lower="", upper="")
        rows.update(spec)
        (d / "spec.csv").write_text("".join(f"{k},{v}\n" for k, v in rows.items()))
        subprocess.run(["Rscript", str(HERE / "cv.R"), str(d)], check=True)
        out = {}
        for name in ("coef", "cvm", "cvsd", "lambda_min", "lambda_1se", "preval"):
            f = d / f"{name}.csv"
            if f.exists():
                out[name] = np.loadtxt(f, delimiter=",", ndmin=1).tolist()
        return out


def case(name, X, y, *, l1_ratio=1.0, sw=None, standardize=False, fit_intercept=True,
         exclude=None, penalty_factor=None, lower=None, upper=None, sparse=False,
         n_alphas=8, cv=None, type_measure="mse", dataset=None, store_inputs=True):
    """One fixture case: fastreg's grid (LassoCV/ElasticNetCV's alphas_ with these
    options) solved by glmnet."""
    folds = None
    if cv is not None:
        foldid = cv
        folds = [(np.flatnonzero(foldid != k), np.flatnonzero(foldid == k))
                 for k in range(foldid.max() + 1)]
    grid_cv = folds if folds is not None else 2
    est = fastreg.ElasticNetCV(l1_ratio=l1_ratio, alphas=n_alphas, cv=grid_cv,
                               standardize=standardize, fit_intercept=fit_intercept,
                               exclude=exclude, penalty_factor=penalty_factor,
                               lower_bounds=lower, upper_bounds=upper)
    est.fit(X, y, sample_weight=sw)
    alphas = est.alphas_
    ys = glmnet_ys(y, sw, fit_intercept)
    lambdas, mixing = to_glmnet(alphas, l1_ratio, ys)
    spec = dict(standardize=str(int(standardize)), intercept=str(int(fit_intercept)),
                sparse=str(int(sparse)))
    if exclude is not None:
        spec["exclude"] = fmt(np.asarray(exclude) + 1)
    if penalty_factor is not None:
        spec["penalty_factor"] = fmt(penalty_factor)
    if lower is not None:
        spec["lower"] = fmt(np.broadcast_to(lower, X.shape[1]))
    if upper is not None:
        spec["upper"] = fmt(np.broadcast_to(upper, X.shape[1]))
    if cv is not None:
        spec.update(cv="1", type_measure=type_measure)
    out = run_r(X, y, sw, lambdas, mixing, spec, foldid=None if cv is None else cv)
    coef = np.array(out.pop("coef"))
    result = dict(
        name=name, dataset=dataset,
        params=dict(l1_ratio=l1_ratio, alphas=alphas.tolist(), standardize=standardize,
                    fit_intercept=fit_intercept, sparse=sparse,
                    exclude=None if exclude is None else list(map(int, exclude)),
                    penalty_factor=None if penalty_factor is None else
                    [float(v) for v in penalty_factor],
                    lower_bounds=None if lower is None else
                    np.broadcast_to(lower, X.shape[1]).tolist(),
                    upper_bounds=None if upper is None else
                    np.broadcast_to(upper, X.shape[1]).tolist(),
                    type_measure=type_measure),
        glmnet=dict(lambda_=lambdas.tolist(), mixing=float(mixing),
                    intercept=coef[0].tolist(), coef=coef[1:].tolist(), **out))
    if store_inputs:
        result["inputs"] = dict(X=X.tolist(), y=y.tolist(),
                                sample_weight=None if sw is None else sw.tolist())
    if cv is not None:
        result["foldid"] = cv.tolist()
    return result


def main():
    rng = np.random.default_rng(7)
    X, y = synthetic(60, 10, 0)
    Xs, ys = synthetic(80, 12, 1, sparse_density=0.35)
    sw = rng.uniform(0.3, 3.0, 60)
    sws = rng.uniform(0.3, 3.0, 80)
    pf = np.linspace(0.5, 2.0, 10)
    pf[6] = np.inf
    fixtures = {
        "cv_exclude.json": [
            case("lasso_exclude", X, y, exclude=[2, 8]),
            case("enet_exclude_pf_inf_weights", X, y, l1_ratio=0.5, sw=sw,
                 exclude=[2], penalty_factor=pf),
            case("sparse_lasso_exclude", Xs, ys, exclude=[0, 5], sparse=True),
        ],
        "cv_standardize.json": [
            case("lasso_standardize", X, y, standardize=True),
            case("enet_standardize_weights", X, y, l1_ratio=0.5, sw=sw,
                 standardize=True),
            case("sparse_enet_standardize_weights", Xs, ys, l1_ratio=0.7, sw=sws,
                 standardize=True, sparse=True),
            case("lasso_standardize_no_intercept", X, y, standardize=True,
                 fit_intercept=False),
            case("lasso_standardize_bounds", X, y, standardize=True,
                 lower=-0.3, upper=np.r_[np.full(5, 0.8), np.full(5, np.inf)]),
        ],
    }
    # cv.glmnet: the lasso (its lambda then maps to one alpha in every fold; for the
    # elastic net each fold's own sd(y) would change the L2 weight's mapping)
    foldid60 = np.tile(np.arange(5), 12)[rng.permutation(60)]
    measures = [
        case("cv_mae", X, y, n_alphas=20, cv=foldid60, type_measure="mae"),
        case("cv_mse_keep", X, y, n_alphas=20, cv=foldid60, type_measure="mse"),
        case("cv_mae_standardize", X, y, n_alphas=20, cv=foldid60, type_measure="mae",
             standardize=True),
        case("cv_mae_sparse_weights", Xs, ys, sw=sws, n_alphas=15,
             cv=np.tile(np.arange(4), 20)[rng.permutation(80)], type_measure="mae",
             sparse=True),
    ]
    if (DATA / "load.py").is_file():
        sys.path.insert(0, str(DATA))
        from load import load
        Xp, yp = load("prostate")
        foldp = np.arange(len(yp)) % 5
        measures.append(case("prostate_cv_mae_standardize", np.asarray(Xp), np.asarray(yp),
                             n_alphas=30, cv=foldp, type_measure="mae", standardize=True,
                             dataset="prostate", store_inputs=False))
    fixtures["cv_measures.json"] = measures
    for name, cases in fixtures.items():
        (HERE / name).write_text(json.dumps(dict(
            made_by="tests/glmnet/make_cv.py + tests/glmnet/cv.R, R glmnet " +
            subprocess.run(["Rscript", "-e", "cat(as.character(packageVersion('glmnet')))"],
                           capture_output=True, text=True).stdout,
            cases=cases)) + "\n")
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()
