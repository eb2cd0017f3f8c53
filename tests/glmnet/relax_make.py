"""Rebuild tests/glmnet/relax.json: the inputs of every case, R glmnet's relaxed fits.

    python tests/glmnet/relax_make.py          # needs R with glmnet (4.1) and the data

Writes the inputs of each case to a temporary folder, runs ``Rscript
tests/glmnet/relax.R <folder>`` and gathers its outputs with the inputs into
relax.json. Synthetic inputs are stored in the fixture (small); the real datasets
(prostate, diabetes) are named by their rows, read from ../shared/data (or
FASTREG_DATA) by the tests, not copied into the project.

The mapping to glmnet: scikit-learn's (alpha, l1_ratio) is glmnet's (lambda, alpha) =
(alpha * f, l1_ratio / f) with f = l1_ratio + (1 - l1_ratio) * sd(y) (glmnet's 1/n
standard deviation of y, its root mean square without an intercept), as
bench/solvers.py's ``to_glmnet``; for the lasso lambda = alpha.
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def data_dir():
    if os.environ.get("FASTREG_DATA"):
        return Path(os.environ["FASTREG_DATA"])
    return HERE.parent.parent.parent / "shared" / "data"


def load_real(name, rows):
    sys.path.insert(0, str(data_dir()))
    from load import load
    X, y = load(name)
    return np.asarray(X)[:rows], np.asarray(y)[:rows]


def real_inputs(name, rows):
    X, y = load_real(name, rows)
    return X, y, {"dataset": name, "rows": rows}


def synthetic(seed, n, p, sparse_share=0.0, offset=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + offset
    if sparse_share:
        X[rng.random((n, p)) < sparse_share] = 0.0
    w = np.zeros(p)
    w[: min(5, p)] = [2.0, -1.5, 1.0, 0.7, -0.4][: min(5, p)]
    y = X @ w + 0.8 * rng.standard_normal(n) + 1.5
    X, y = np.round(X, 6), np.round(y, 6)        # exact in the fixture's text
    return X, y, {"X": X.tolist(), "y": y.tolist()}


def glmnet_scale(y, fit_intercept):
    yc = y - y.mean() if fit_intercept else y
    return float(np.sqrt(np.mean(yc ** 2)))


def alpha_max(X, y, sw, fit_intercept, l1_ratio, pf=None):
    w = np.ones(len(y)) if sw is None else sw * len(y) / np.sum(sw)
    if fit_intercept:
        X = X - np.average(X, axis=0, weights=w)
        y = y - np.average(y, weights=w)
    g = np.abs(X.T @ (w * y)) / len(y)
    if pf is not None:
        pf = pf * len(pf) / np.sum(pf)
        g = np.where(pf > 0, g / np.where(pf > 0, pf, 1), 0)
    return float(np.max(g)) / l1_ratio


def case(name, kind, X, y, stored, *, n_alphas=15, eps=1e-2, l1_ratio=1.0,
         fit_intercept=True, sparse=False, sw=None, pf=None, lower=None, upper=None,
         n_folds=None, gammas=None, seed=0):
    amax = alpha_max(X, y, sw, fit_intercept, l1_ratio, pf)
    # (from 0.9 alpha_max: at alpha_max itself the support is a matter of rounding)
    alphas = amax * np.geomspace(0.9, eps, n_alphas)
    f = l1_ratio + (1 - l1_ratio) * glmnet_scale(y, fit_intercept)
    c = dict(name=name, kind=kind, inputs=stored, alphas=alphas.tolist(),
             l1_ratio=l1_ratio, fit_intercept=fit_intercept, sparse=sparse,
             lambdas=(alphas * f).tolist(), mixing=l1_ratio / f)
    for key, v in (("sample_weight", sw), ("penalty_factor", pf),
                   ("lower_bounds", lower), ("upper_bounds", upper)):
        c[key] = None if v is None else np.asarray(v, dtype=float).tolist()
    if kind == "cv":
        rng = np.random.default_rng(seed)
        c["foldid"] = (rng.permutation(np.arange(len(y)) % n_folds) + 1).tolist()
        c["gammas"] = list(gammas)
    return c, X, y


def cases():
    out = []
    X, y, s = real_inputs("prostate", 97)
    out.append(case("prostate", "fit", X, y, s))
    X, y, s = synthetic(1, 60, 12)
    out.append(case("dense", "fit", X, y, s))
    rng = np.random.default_rng(11)
    out.append(case("weights", "fit", X, y, s,
                    sw=np.round(rng.uniform(0.2, 3.0, len(y)), 3)))
    out.append(case("no_intercept", "fit", X, y, s, fit_intercept=False))
    pf = np.ones(12)
    pf[[1, 4]] = 2.0
    pf[6] = 0.0
    out.append(case("penalty_factor", "fit", X, y, s, pf=pf))
    lo = np.full(12, -0.5)
    up = np.full(12, 1.2)
    out.append(case("bounds", "fit", X, y, s, lower=lo, upper=up))
    out.append(case("enet", "fit", X, y, s, l1_ratio=0.5))
    Xs, ys, ss = synthetic(2, 80, 15, sparse_share=0.7, offset=0.0)
    out.append(case("sparse", "fit", Xs, ys, ss, sparse=True))
    out.append(case("sparse_weights", "fit", Xs, ys, ss, sparse=True,
                    sw=np.round(np.random.default_rng(12).uniform(0.2, 3.0, 80), 3)))
    Xw, yw, sw_ = synthetic(3, 20, 40)
    out.append(case("wide", "fit", Xw, yw, sw_, n_alphas=30, eps=1e-3))
    # cross-validation: equal folds (glmnet weights each fold's error by its size,
    # scikit-learn does not: equal sizes make the two the same)
    X, y, s = real_inputs("prostate", 95)
    out.append(case("cv_prostate", "cv", X, y, s, n_alphas=30, n_folds=5,
                    gammas=[0.0, 0.25, 0.5, 0.75, 1.0], seed=5))
    X, y, s = real_inputs("diabetes", 440)
    out.append(case("cv_diabetes", "cv", X, y, s, n_alphas=40, n_folds=5,
                    gammas=[0.0, 0.5, 1.0], seed=6))
    X, y, s = synthetic(4, 100, 15)
    out.append(case("cv_dense", "cv", X, y, s, n_alphas=25, n_folds=4,
                    gammas=[0.0, 0.5], seed=7))
    out.append(case("cv_sparse", "cv", Xs, ys, ss, sparse=True, n_alphas=25,
                    n_folds=4, gammas=[0.0, 0.2, 0.6, 1.0], seed=8))
    return out


def write(folder, c, X, y):
    folder.mkdir()
    np.savetxt(folder / "x.csv", X, delimiter=",", fmt="%.17g")
    np.savetxt(folder / "y.csv", y, fmt="%.17g")
    np.savetxt(folder / "lambda.csv", c["lambdas"], fmt="%.17g")
    for key, f in (("sample_weight", "w"), ("penalty_factor", "pf"),
                   ("lower_bounds", "lower"), ("upper_bounds", "upper"),
                   ("foldid", "foldid"), ("gammas", "gamma")):
        if c.get(key) is not None:
            np.savetxt(folder / f"{f}.csv", c[key], fmt="%.17g")
    (folder / "params.dcf").write_text(
        f"kind: {c['kind']}\nsparse: {int(c['sparse'])}\n"
        f"intercept: {int(c['fit_intercept'])}\nmixing: {c['mixing']!r}\n")


def read_out(path):
    out = {}
    for line in path.read_text().splitlines():
        key, *vals = line.split(" ")
        out[key] = [float(v) for v in vals if v]
    return out


def main():
    all_cases = cases()
    with tempfile.TemporaryDirectory() as tmp:
        for i, (c, X, y) in enumerate(all_cases):
            write(Path(tmp) / f"{i:02d}_{c['name']}", c, X, y)
        subprocess.run(["Rscript", str(HERE / "relax.R"), tmp], check=True)
        version = subprocess.run(
            ["Rscript", "-e", "cat(as.character(packageVersion('glmnet')))"],
            check=True, capture_output=True, text=True).stdout.strip()
        for i, (c, _, _) in enumerate(all_cases):
            c["glmnet"] = read_out(Path(tmp) / f"{i:02d}_{c['name']}" / "out.txt")
    doc = {"made_by": "tests/glmnet/relax_make.py (tests/glmnet/relax.R)",
           "glmnet_version": version, "cases": [c for c, _, _ in all_cases]}
    (HERE / "relax.json").write_text(json.dumps(doc) + "\n")


if __name__ == "__main__":
    main()
