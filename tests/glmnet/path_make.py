"""Rebuild tests/glmnet/path.json: the inputs of every case and R glmnet's outputs.

    python tests/glmnet/path_make.py          # needs R with glmnet (4.1) and the data

Writes the inputs of each case to a temporary folder, runs ``Rscript
tests/glmnet/path.R <folder>`` and gathers its outputs with the inputs into
path.json. Synthetic inputs are rebuilt by the tests from their seed (``synthetic``
below, NumPy's default_rng); the real datasets are named by their rows and columns,
read from ../shared/data (or FASTREG_DATA), not copied into the project.

The mapping to glmnet: scikit-learn's (alpha, l1_ratio) is glmnet's (lambda, alpha) =
(alpha * f, l1_ratio / f) with f = l1_ratio + (1 - l1_ratio) * sd(y), sd(y) glmnet's
weighted 1/n standard deviation of y (its root mean square without an intercept), as
bench/solvers.py's ``to_glmnet``; for the lasso lambda = alpha. Each case's grid of
alphas (stored) is given to glmnet as lambdas, so both fit the same grid.
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


def load_real(name, rows=None, cols=None):
    sys.path.insert(0, str(data_dir()))
    from load import load
    X, y = load(name)
    X = np.asarray(X.toarray() if hasattr(X, "toarray") else X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    rows = X.shape[0] if rows is None else rows
    cols = X.shape[1] if cols is None else cols
    return X[:rows, :cols], y[:rows]


def synthetic(seed, n, p, sparse_share=0.0, weights=False):
    """(X, y, w) of a synthetic case, from its seed (the tests call this too)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if sparse_share:
        X[rng.random((n, p)) < sparse_share] = 0.0
    coef = np.zeros(p)
    coef[: p // 3] = rng.uniform(-2, 2, p // 3)
    y = X @ coef + 0.5 * rng.standard_normal(n) + 3.0
    w = rng.uniform(0.2, 3.0, n) if weights else None
    return X, y, w


def inputs(case):
    """(X, y, w) of a case: a real dataset's rows and columns, or a synthetic one."""
    if "dataset" in case:
        X, y = load_real(case["dataset"], case.get("rows"), case.get("cols"))
        return X, y, None
    return synthetic(case["seed"], case["n"], case["p"], case.get("sparse_share", 0.0),
                     case.get("weights", False))


def glmnet_factor(y, w, l1_ratio, intercept):
    w = np.ones_like(y) if w is None else w
    ybar = np.average(y, weights=w) if intercept else 0.0
    sd = np.sqrt(np.average((y - ybar) ** 2, weights=w))
    return l1_ratio + (1 - l1_ratio) * sd


def alpha_max(X, y, w, l1_ratio, intercept):
    w = np.ones_like(y) if w is None else w / np.mean(w)
    if intercept:
        xbar = np.average(X, axis=0, weights=w)
        ybar = np.average(y, weights=w)
    else:
        xbar, ybar = 0.0, 0.0
    return np.max(np.abs((X - xbar).T @ (w * (y - ybar)))) / (len(y) * l1_ratio)


CASES = [
    dict(name="diabetes_lasso", kind="path", dataset="diabetes", l1_ratio=1.0,
         intercept=True, n_alphas=30),
    dict(name="prostate_enet", kind="path", dataset="prostate", l1_ratio=0.5,
         intercept=True, n_alphas=25),
    dict(name="riboflavin_lasso", kind="path", dataset="riboflavin", cols=300,
         l1_ratio=1.0, intercept=True, n_alphas=25, eps=0.05),
    dict(name="dense_weights_enet", kind="path", seed=1, n=80, p=25, weights=True,
         l1_ratio=0.7, intercept=True, n_alphas=30),
    dict(name="sparse_lasso", kind="path", seed=2, n=100, p=40, sparse_share=0.6,
         sparse=True, l1_ratio=1.0, intercept=True, n_alphas=30),
    dict(name="dense_nointercept_lasso", kind="path", seed=3, n=60, p=20,
         l1_ratio=1.0, intercept=False, n_alphas=20),
    dict(name="dfmax_dense", kind="dfmax", seed=4, n=100, p=30, l1_ratio=1.0,
         intercept=True, dfmax=8, nlambda=100, lmr=1e-3),
    dict(name="dfmax_riboflavin_enet", kind="dfmax", dataset="riboflavin", cols=300,
         l1_ratio=0.5, intercept=True, dfmax=15, nlambda=100, lmr=1e-2),
    dict(name="pmax_dense", kind="pmax", seed=5, n=100, p=30, l1_ratio=1.0,
         intercept=True, pmax=7, n_alphas=60),
    dict(name="cvpmax_dense", kind="cvpmax", seed=7, n=100, p=30, l1_ratio=1.0,
         intercept=True, pmax=8, n_alphas=50),
    # (the lasso only: for l1_ratio < 1 cv.glmnet's folds solve glmnet's problem
    # scaled by each fold's own sd(y), another problem than the full-data mapping)
    dict(name="cvpmax_riboflavin_lasso", kind="cvpmax", dataset="riboflavin",
         cols=400, rows=70, l1_ratio=1.0, intercept=True, pmax=12, n_alphas=40,
         eps=0.01),
    dict(name="pmax_sparse_weights", kind="pmax", seed=6, n=120, p=30,
         sparse_share=0.5, sparse=True, weights=True, l1_ratio=1.0, intercept=True,
         pmax=9, n_alphas=60),
]


def write_case(folder, case):
    X, y, w = inputs(case)
    folder.mkdir()
    np.savetxt(folder / "x.csv", X, delimiter=",", fmt="%.17g")
    np.savetxt(folder / "y.csv", y, fmt="%.17g")
    if w is not None:
        np.savetxt(folder / "w.csv", w, fmt="%.17g")
    r = case["l1_ratio"]
    f = glmnet_factor(y, w, r, case["intercept"])
    params = dict(kind=case["kind"], mixing=repr(float(r / f)),
                  intercept="1" if case["intercept"] else "0",
                  sparse="1" if case.get("sparse") else "0")
    if case["kind"] in ("path", "pmax", "cvpmax"):
        a_max = alpha_max(X, y, w, r, case["intercept"])
        alphas = np.geomspace(a_max, a_max * case.get("eps", 1e-3), case["n_alphas"])
        case["alphas"] = alphas.tolist()
        np.savetxt(folder / "lambda.csv", alphas * f, fmt="%.17g")
    if case["kind"] == "path":
        # off-grid alphas: between grid points, on them, beyond both ends
        a = alphas
        s = np.concatenate([np.sqrt(a[:-1:4] * a[1::4]), 0.3 * a[3:4] + 0.7 * a[4:5],
                            a[[2]], [1.5 * a[0], 0.5 * a[-1]]])
        case["s_alpha"] = s.tolist()
        case["s_exact"] = [float(np.sqrt(a[5] * a[6])), float(0.5 * (a[10] + a[11]))]
        np.savetxt(folder / "s.csv", s * f, fmt="%.17g")
        np.savetxt(folder / "s_exact.csv", np.array(case["s_exact"]) * f, fmt="%.17g")
        newx = X[:5]
        np.savetxt(folder / "newx.csv", newx, delimiter=",", fmt="%.17g")
    if case["kind"] in ("pmax", "cvpmax"):
        params["pmax"] = str(case["pmax"])
    if case["kind"] == "cvpmax":
        # 5 contiguous folds of equal size (fastreg's KFold(5) without shuffling)
        foldid = np.repeat(np.arange(1, 6), len(y) // 5)
        np.savetxt(folder / "foldid.csv", foldid, fmt="%d")
    if case["kind"] == "dfmax":
        params.update(dfmax=str(case["dfmax"]), nlambda=str(case["nlambda"]),
                      lmr=repr(case["lmr"]))
    case["glmnet_factor"] = float(f)
    with open(folder / "params.dcf", "w") as fh:
        for k, v in params.items():
            fh.write(f"{k}: {v}\n")


def read_out(path):
    out = {}
    for line in path.read_text().splitlines():
        name, *values = line.split(" ")
        out[name] = [float(v) for v in values if v not in ("", "NA")]
    return out


def main():
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for case in CASES:
            write_case(root / case["name"], case)
        subprocess.run(["Rscript", str(HERE / "path.R"), str(root)], check=True)
        for case in CASES:
            case["glmnet"] = read_out(root / case["name"] / "out.txt")
    # one case a line (compact: the fixture is mostly the zeros of the paths)
    (HERE / "path.json").write_text(
        "[\n" + ",\n".join(json.dumps(case, separators=(",", ":")) for case in CASES)
        + "\n]\n")


if __name__ == "__main__":
    main()
