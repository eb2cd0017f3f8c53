"""The relaxed lasso's cost: `python -m bench.relaxed`.

For each dataset it times, interleaved round by round in one process:

- the plain lasso path (100 alphas, eps 1e-3: the problem prepared and solved) and
  the relaxed fits of every alpha on it (``relaxed_path``: one least-squares refit
  per distinct support, on the problem the engine already holds), so that
  "relaxed path / path" is 1 + refits / path;
- ``LassoCV(cv=5)`` and ``LassoCV(cv=5, gammas=[0, .25, .5, .75, 1])`` (glmnet's
  default gammas);

and prints the medians and the ratios relaxed / plain. With ``--r``, R glmnet's
``cv.glmnet(relax=TRUE)`` and ``cv.glmnet`` (same lambdas, same folds,
``standardize=FALSE``, its default thresh) are timed inside R with ``system.time``
(process start-up and data loading excluded) on the first dataset.
"""
import argparse
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.model_selection import PredefinedSplit

from bench.workloads import DataMissing, real

GAMMAS = [0.0, 0.25, 0.5, 0.75, 1.0]

R_SCRIPT = r"""
suppressPackageStartupMessages(library(glmnet))
d <- commandArgs(trailingOnly = TRUE)[1]
x <- as.matrix(read.csv(file.path(d, "x.csv"), header = FALSE)); dimnames(x) <- NULL
y <- scan(file.path(d, "y.csv"), quiet = TRUE)
lam <- scan(file.path(d, "lambda.csv"), quiet = TRUE)
foldid <- as.integer(scan(file.path(d, "foldid.csv"), quiet = TRUE))
rounds <- as.integer(commandArgs(trailingOnly = TRUE)[2])
rel <- plain <- numeric(rounds)
for (i in seq_len(rounds)) {
  plain[i] <- system.time(cv.glmnet(x, y, lambda = lam, foldid = foldid,
                                    standardize = FALSE))[["elapsed"]]
  rel[i] <- system.time(cv.glmnet(x, y, lambda = lam, foldid = foldid,
                                  standardize = FALSE, relax = TRUE,
                                  gamma = c(0, 0.25, 0.5, 0.75, 1)))[["elapsed"]]
}
cat(median(plain), median(rel), "\n")
"""


def lasso_problem(X, y):
    from fastreg._engine import Problem, update_strategy
    from fastreg._penalty import Penalty
    from fastreg._prepare import preprocess
    n, p = X.shape
    strategy = update_strategy("auto", n, p, 100)
    prep = preprocess(np.asfortranarray(X), y, True, None,
                      implicit=strategy == "residual")
    if strategy == "full":
        G = prep.X.T @ prep.X
        return Problem.dense(prep.X, prep.y, Penalty(p), prep.Xmean, prep.norms,
                             gram=G)
    return Problem.dense(prep.X, prep.y, Penalty(p), prep.Xmean, prep.norms,
                         use_gram=strategy == "lazy")


def timed(fn, fill=0.2):
    """(seconds per call, result): a call faster than ``fill`` seconds is repeated
    until the repeats fill that time, and their mean is taken."""
    t0 = time.perf_counter()
    out = fn()
    t = time.perf_counter() - t0
    if t >= fill:
        return t, out
    k = max(1, int(fill / max(t, 1e-6)))
    t0 = time.perf_counter()
    for _ in range(k):
        fn()
    return (time.perf_counter() - t0) / k, out


def bench_dataset(name, rounds):
    from fastreg import LassoCV
    from fastreg._relaxed import relaxed_path
    X, y = real(name)
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    folds = np.arange(n) % 5
    cv = PredefinedSplit(folds)
    problem = lasso_problem(X, y)
    alphas = problem.alpha_max(1.0) * np.geomspace(1, 1e-3, 100)
    rows = {"path": [], "refits": [], "LassoCV": [], "LassoCV(gammas)": []}
    info = {}
    for _ in range(rounds):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # the path: the problem prepared and solved; the refits of the relaxed
            # path on that problem, timed on their own
            pr = lasso_problem(X, y)
            t, (c, *_) = timed(lambda: lasso_problem(X, y).solve(1.0, alphas))
            rows["path"].append(t)
            t, _ = timed(lambda pr=pr, c=c: relaxed_path(pr, c, n))
            rows["refits"].append(t)
            info["supports"] = len({tuple(np.flatnonzero(c[:, j]))
                                    for j in range(c.shape[1])})
            info["max support"] = int(np.max(np.count_nonzero(c, axis=0)))
            t, _ = timed(lambda: LassoCV(alphas=alphas, cv=cv).fit(X, y))
            rows["LassoCV"].append(t)
            t, _ = timed(lambda: LassoCV(alphas=alphas, cv=cv, gammas=GAMMAS).fit(X, y))
            rows["LassoCV(gammas)"].append(t)
    med = {k: float(np.median(v)) for k, v in rows.items()}
    return X, y, alphas, folds, med, info


def r_times(X, y, alphas, folds, rounds):
    with tempfile.TemporaryDirectory() as d:
        np.savetxt(Path(d) / "x.csv", X, delimiter=",", fmt="%.17g")
        np.savetxt(Path(d) / "y.csv", y, fmt="%.17g")
        np.savetxt(Path(d) / "lambda.csv", alphas, fmt="%.17g")
        np.savetxt(Path(d) / "foldid.csv", folds + 1, fmt="%d")
        (Path(d) / "t.R").write_text(R_SCRIPT)
        out = subprocess.run(["Rscript", str(Path(d) / "t.R"), d, str(rounds)],
                             check=True, capture_output=True, text=True).stdout
    plain, rel = (float(v) for v in out.split())
    return plain, rel


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.relaxed",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", default="diabetes,california_housing,ames,"
                        "riboflavin")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--r", action="store_true", help="time R glmnet too")
    args = parser.parse_args(argv)
    print("| dataset | n x p | distinct supports (max size) | path | refits | "
          "relaxed path / path | LassoCV | LassoCV(gammas) | ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    first = None
    for name in args.datasets.split(","):
        try:
            X, y, alphas, folds, med, info = bench_dataset(name, args.rounds)
        except DataMissing as exc:
            print(f"| {name} | skipped: {exc} |")
            continue
        first = first or (name, X, y, alphas, folds, med)
        print(f"| {name} | {X.shape[0]} x {X.shape[1]} | {info['supports']} "
              f"({info['max support']}) | {med['path']:.4f} s | "
              f"{med['refits']:.4f} s | "
              f"{1 + med['refits'] / med['path']:.2f} | {med['LassoCV']:.3f} s | "
              f"{med['LassoCV(gammas)']:.3f} s | "
              f"{med['LassoCV(gammas)'] / med['LassoCV']:.2f} |")
    if args.r and first is not None:
        name, X, y, alphas, folds, med = first
        plain, rel = r_times(X, y, alphas, folds, args.rounds)
        print()
        print(f"R glmnet on {name} (100 lambdas, the same 5 folds, system.time inside "
              "R, median of the rounds):")
        print("| | cv.glmnet | cv.glmnet(relax=TRUE) | ratio |")
        print("|---|---|---|---|")
        print(f"| R glmnet | {plain:.3f} s | {rel:.3f} s | {rel / plain:.1f} |")
        print(f"| fastreg | {med['LassoCV']:.3f} s | {med['LassoCV(gammas)']:.3f} s | "
              f"{med['LassoCV(gammas)'] / med['LassoCV']:.2f} |")
        print(f"| R / fastreg | {plain / med['LassoCV']:.1f} | "
              f"{rel / med['LassoCV(gammas)']:.1f} | |")


if __name__ == "__main__":
    main()
