"""Issue 19's RidgeCV target: RidgeCV over 100 alphas / one Ridge.fit on tall data,
two fastreg trees interleaved.

    python -m bench.ridgecv_ratio --old ../wt-old [--repeat K] [--p 100,200,400,600,1000]
                                  [--n 20000] [--threads 1,2] [--order F]

Per width p: ``bench.workloads.synthetic(n, p)`` (Fortran X, or C with ``--order C``; intercept),
``Ridge(alpha=1).fit`` and ``RidgeCV(alphas=np.logspace(-3, 3, 100)).fit``, one worker
process per tree and thread count (PYTHONPATH and working directory set to that tree,
OMP / OpenBLAS threads set), the trees alternating call by call. Prints per tree the
medians of CPU time (process_time) and of wall time, and RidgeCV / Ridge.fit of each.
"""
import argparse
import os
import statistics

from .ridge_ab import Worker

_WORKER = r"""
import json, sys, time, warnings
import numpy as np
import fastreg
from bench import workloads
warnings.simplefilter("ignore")
data = {}
alphas = np.logspace(-3, 3, 100)
sys.stdout.write("ready\n"); sys.stdout.flush()
for line in sys.stdin:
    n, p, label, order = line.split()
    key = (int(n), int(p))
    if key not in data:
        data.clear()
        X, y = workloads.synthetic(*key)
        data[key] = (np.ascontiguousarray(X) if order == "C" else X), y
    X, y = data[key]
    make = (lambda: fastreg.Ridge(alpha=1.0)) if label == "fit" else \
        (lambda: fastreg.RidgeCV(alphas=alphas))
    t0 = time.perf_counter(); c0 = time.process_time()
    m = make().fit(X, y)
    out = {"t": time.perf_counter() - t0, "cpu": time.process_time() - c0,
           "alpha": float(getattr(m, "alpha_", 0.0)), "coef0": float(m.coef_[0])}
    sys.stdout.write(json.dumps(out) + "\n"); sys.stdout.flush()
"""


def main(argv=None):
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--old", required=True)
    a.add_argument("--new", default=os.getcwd())
    a.add_argument("--repeat", type=int, default=5)
    a.add_argument("--n", type=int, default=20000)
    a.add_argument("--p", default="100,200,400,600,1000")
    a.add_argument("--threads", default="1,2")
    a.add_argument("--order", default="F", choices=["C", "F"])
    args = a.parse_args(argv)
    widths = [int(v) for v in args.p.split(",")]
    print("| threads | p | tree | Ridge.fit cpu ms | RidgeCV cpu ms | ratio cpu | "
          "Ridge.fit wall ms | RidgeCV wall ms | ratio wall | alpha_ |")
    print("|---" * 10 + "|")
    for threads in (int(v) for v in args.threads.split(",")):
        workers = {w: Worker(tree, threads, _WORKER)
                   for w, tree in (("old", args.old), ("new", args.new))}
        try:
            for p in widths:
                t = {(w, lab): [] for w in workers for lab in ("fit", "cv")}
                alpha = {}
                for r in range(args.repeat):
                    for w in (["old", "new"] if r % 2 == 0 else ["new", "old"]):
                        for lab in ("fit", "cv"):
                            out = workers[w].ask(str(args.n), str(p), lab,
                                                  args.order)
                            t[w, lab].append(out)
                            if lab == "cv":
                                alpha[w] = out["alpha"]
                for w in workers:
                    med = {(lab, k): statistics.median(o[k] for o in t[w, lab])
                           for lab in ("fit", "cv") for k in ("cpu", "t")}
                    print(f"| {threads} | {p} | {w} | {med['fit', 'cpu'] * 1e3:.0f} | "
                          f"{med['cv', 'cpu'] * 1e3:.0f} | "
                          f"{med['cv', 'cpu'] / med['fit', 'cpu']:.2f} | "
                          f"{med['fit', 't'] * 1e3:.0f} | {med['cv', 't'] * 1e3:.0f} | "
                          f"{med['cv', 't'] / med['fit', 't']:.2f} | {alpha[w]:.4g} |",
                          flush=True)
        finally:
            for w in workers.values():
                w.close()


if __name__ == "__main__":
    main()
