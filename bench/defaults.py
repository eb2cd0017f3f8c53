"""What users run: fastreg against scikit-learn at default parameters.

    python -m bench.defaults [--repeat K] [--quick] [-k SUBSTRING] [--busy]

For each workload (real datasets from ``../shared/data`` and the synthetic 20000 x 500
design of the main grid) and each estimator at its defaults -- ``LassoCV(cv=5)``,
``ElasticNetCV(cv=5)``, ``Lasso(alpha=...)`` at the exact CV's alpha, ``Ridge()``,
``RidgeCV()`` -- both libraries are timed in the same process, alternately (median of
``--repeat`` calls each), and their results compared with the exact answer (fastreg
at tol=1e-12; Ridge's exact answer is its closed form, which both solve directly):

* CV: max relative error of ``mse_path_`` over grid and folds, and whether ``alpha_``
  is the exact CV's;
* fits: relative error of ``coef_`` in norm.

Prints a Markdown table (ratios, not seconds, are what carries over between machines).

With ``--busy``, each repeat also times both libraries with one competing CPU-bound
process running (bench/busy.py; paused during the quiet calls), and the table adds each
library's slowdown (busy / quiet medians); "OVER" marks a fastreg slowdown above
max(scikit-learn's, 2).
"""
import argparse
import statistics
import time
import warnings

import numpy as np
from sklearn import linear_model as sk
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold

import fastreg

from . import busy, workloads

DATASETS = ["diabetes", "prostate", "california_housing", "ames", "leukemia",
            "riboflavin", "synthetic"]
QUICK = ["diabetes", "prostate", "ames"]


def load(name):
    if name == "synthetic":
        return workloads.synthetic(20000, 500)
    X, y = workloads.real(name)
    return (X.toarray() if hasattr(X, "toarray") else np.asarray(X)), y


def timed(make, X, y, repeat):
    times, est = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        est = make().fit(X, y)
        times.append(time.perf_counter() - start)
    return statistics.median(times), est


def mse_error(est, exact):
    return float(np.max(np.abs(est.mse_path_ - exact.mse_path_) / exact.mse_path_))


def coef_error(est, exact):
    return float(np.linalg.norm(est.coef_ - exact.coef_) /
                 max(np.linalg.norm(exact.coef_), np.finfo(float).tiny))


def same(alpha, exact):
    """The same grid point (grids computed two ways differ by an ulp)."""
    return "yes" if np.isclose(alpha, exact, rtol=1e-10) else "no"


def rows_for(name, repeat, competitor=None, only=""):
    X, y = load(name)
    cv = KFold(5)
    cases = []
    exact_cv = {}
    for label, ours, theirs, kw in (
            ("LassoCV(cv=5)", fastreg.LassoCV, sk.LassoCV, {}),
            ("ElasticNetCV(cv=5)", fastreg.ElasticNetCV, sk.ElasticNetCV, {})):
        exact = ours(cv=cv, tol=1e-12, max_iter=10**6, **kw).fit(X, y)
        exact_cv[label] = exact
        cases.append((label, lambda o=ours, k=kw: o(cv=cv, **k),
                      lambda t=theirs, k=kw: t(cv=cv, **k), exact, "cv"))
    alpha = exact_cv["LassoCV(cv=5)"].alpha_
    exact = fastreg.Lasso(alpha=alpha, tol=1e-12, max_iter=10**6).fit(X, y)
    cases.append(("Lasso(alpha=alpha_)", lambda: fastreg.Lasso(alpha=alpha),
                  lambda: sk.Lasso(alpha=alpha), exact, "fit"))
    exact = sk.Ridge(solver="svd").fit(X, y)
    cases.append(("Ridge()", fastreg.Ridge, sk.Ridge, exact, "fit"))
    exact = sk.RidgeCV(alphas=(0.1, 1.0, 10.0)).fit(X, y)
    cases.append(("RidgeCV()", fastreg.RidgeCV, sk.RidgeCV, exact, "ridgecv"))
    for label, ours, theirs, exact, kind in cases:
        if only not in label:
            continue
        t_fr, t_sk, b_fr, b_sk = [], [], [], []
        for _ in range(repeat):                 # alternate the two libraries
            t_fr.append(timed(ours, X, y, 1)[0])
            t_sk.append(timed(theirs, X, y, 1)[0])
            if competitor is not None:          # ... and quiet / busy
                with competitor.running():
                    b_fr.append(timed(ours, X, y, 1)[0])
                    b_sk.append(timed(theirs, X, y, 1)[0])
        fr = ours().fit(X, y)
        skr = theirs().fit(X, y)
        if kind == "cv":
            acc = (f"{mse_error(skr, exact):.1e} / {mse_error(fr, exact):.1e}",
                   f"{same(skr.alpha_, exact.alpha_)} / {same(fr.alpha_, exact.alpha_)}")
        elif kind == "ridgecv":
            acc = (f"{coef_error(skr, exact):.1e} / {coef_error(fr, exact):.1e}",
                   f"{same(skr.alpha_, exact.alpha_)} / {same(fr.alpha_, exact.alpha_)}")
        else:
            acc = (f"{coef_error(skr, exact):.1e} / {coef_error(fr, exact):.1e}", "")
        ms_sk, ms_fr = statistics.median(t_sk), statistics.median(t_fr)
        row = (name, label, f"{ms_sk * 1e3:.1f}", f"{ms_fr * 1e3:.1f}",
               f"{ms_sk / ms_fr:.1f}", *acc)
        if competitor is not None:
            row += busy_columns(ms_sk, ms_fr, statistics.median(b_sk),
                                statistics.median(b_fr))
        yield row


def busy_columns(ms_sk, ms_fr, busy_sk, busy_fr):
    """Busy medians and slowdowns (busy / quiet) of both libraries; OVER when fastreg's
    exceeds max(scikit-learn's, 2)."""
    s_sk, s_fr = busy_sk / ms_sk, busy_fr / ms_fr
    flag = " OVER" if s_fr > max(s_sk, 2.0) else ""
    return (f"{busy_sk * 1e3:.1f}", f"{busy_fr * 1e3:.1f}", f"{s_sk:.2f}",
            f"{s_fr:.2f}{flag}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="small datasets only")
    parser.add_argument("-k", default="", help="only datasets whose name contains this")
    parser.add_argument("--busy", action="store_true",
                        help="also time each call with one competing CPU-bound process "
                             "running; add the slowdowns (busy / quiet)")
    parser.add_argument("--estimators", default="",
                        help="only estimators whose label contains this (e.g. LassoCV)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)    # scikit-learn at defaults
    names = [n for n in (QUICK if args.quick else DATASETS) if args.k in n]
    head = ["data", "estimator", "scikit-learn ms", "fastreg ms", "scikit-learn / fastreg",
            "error vs exact (sklearn / fastreg)", "exact alpha_ chosen (sklearn / fastreg)"]
    if args.busy:
        head += ["scikit-learn busy ms", "fastreg busy ms", "scikit-learn busy / quiet",
                 "fastreg busy / quiet"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    competitor = busy.Competitor() if args.busy else None
    try:
        if competitor is not None:
            competitor.start()
        for name in names:
            try:
                for row in rows_for(name, args.repeat, competitor, args.estimators):
                    print("| " + " | ".join(row) + " |", flush=True)
            except workloads.DataMissing as exc:
                print(f"| {name} | skipped: {exc} |" + " |" * (len(head) - 2))
    finally:
        if competitor is not None:
            competitor.stop()


if __name__ == "__main__":
    main()
