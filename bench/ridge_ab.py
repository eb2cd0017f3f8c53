"""Two fastreg trees side by side on the default Ridge / RidgeCV cells, interleaved.

    python -m bench.ridge_ab --old ../wt-old [--repeat K] [--busy] [-k DATA] [--cpu]
                             [--estimators Ridge()] [--threads N]

One worker process per tree (PYTHONPATH and working directory set to that tree), both
alive for the whole run; each cell alternates the trees call by call, and inside each
worker fastreg's fit and scikit-learn's (``bench.defaults``' protocol), quiet and, with
``--busy``, with one competing CPU-bound process (bench/busy.py). Prints, per tree,
the medians, scikit-learn / fastreg in the same worker, and the busy slowdowns.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

from . import busy

_WORKER = r"""
import json, sys, time, warnings
import numpy as np
from sklearn import linear_model as sk
import fastreg
from bench import defaults
warnings.simplefilter("ignore")
data = {}
est = {"Ridge()": (fastreg.Ridge, sk.Ridge), "RidgeCV()": (fastreg.RidgeCV, sk.RidgeCV)}
sys.stdout.write("ready\n"); sys.stdout.flush()
for line in sys.stdin:
    name, label, lib = line.split()
    if name not in data:
        data[name] = defaults.load(name)
    X, y = data[name]
    make = est[label][0 if lib == "fr" else 1]
    if lib == "coef":
        m = est[label][0]().fit(X, y)
        out = {"coef": np.ravel(m.coef_).tolist(), "alpha": float(getattr(m, "alpha_", 0))}
    else:
        t0 = time.perf_counter(); c0 = time.process_time()
        make().fit(X, y)
        out = {"t": time.perf_counter() - t0, "cpu": time.process_time() - c0}
    sys.stdout.write(json.dumps(out) + "\n"); sys.stdout.flush()
"""


class Worker:
    def __init__(self, tree, threads=None, script=_WORKER):
        env = dict(os.environ, PYTHONPATH=tree)
        if threads:
            env.update(OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
        self.proc = subprocess.Popen([sys.executable, "-c", script], cwd=tree, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        assert self.proc.stdout.readline().strip() == "ready"

    def ask(self, *words):
        self.proc.stdin.write(" ".join(words) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--old", required=True)
    p.add_argument("--new", default=os.getcwd())
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--busy", action="store_true")
    p.add_argument("-k", default="")
    p.add_argument("--estimators", default="")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--cpu", action="store_true",
                   help="CPU time of each call (process_time) instead of wall time: "
                        "with --threads 1, what a loaded machine does not distort")
    a = p.parse_args(argv)
    names = [n for n in ("diabetes", "prostate", "california_housing", "ames",
                         "leukemia", "riboflavin", "synthetic") if a.k in n]
    labels = [e for e in ("Ridge()", "RidgeCV()") if a.estimators in e]
    key = "cpu" if a.cpu else "t"
    workers = {"old": Worker(a.old, a.threads), "new": Worker(a.new, a.threads)}
    comp = busy.Competitor().start() if a.busy else None
    head = "| data | estimator | tree | sklearn ms | fastreg ms | sklearn / fastreg |"
    if a.busy:
        head += " sklearn busy/quiet | fastreg busy/quiet |"
    print(head)
    print("|---" * (head.count("|") - 1) + "|")
    try:
        for name in names:
            for label in labels:
                t = {(w, lib, b): [] for w in workers for lib in ("fr", "sk")
                     for b in (0, 1)}
                for r in range(a.repeat):
                    order = ["old", "new"] if r % 2 == 0 else ["new", "old"]
                    for w in order:
                        for lib in ("fr", "sk"):
                            t[w, lib, 0].append(workers[w].ask(name, label, lib)[key])
                    if comp is not None:
                        with comp.running():
                            for w in order:
                                for lib in ("fr", "sk"):
                                    t[w, lib, 1].append(
                                        workers[w].ask(name, label, lib)[key])
                for w in workers:
                    fr, skl = (statistics.median(t[w, lib, 0]) for lib in ("fr", "sk"))
                    row = (f"| {name} | {label} | {w} | {skl * 1e3:.2f} | "
                           f"{fr * 1e3:.2f} | {skl / fr:.2f} |")
                    if comp is not None:
                        bfr, bsk = (statistics.median(t[w, lib, 1])
                                    for lib in ("fr", "sk"))
                        sfr, ssk = bfr / fr, bsk / skl
                        flag = " OVER" if sfr > max(ssk, 2.0) else ""
                        row += f" {ssk:.2f} | {sfr:.2f}{flag} |"
                    print(row, flush=True)
    finally:
        if comp is not None:
            comp.stop()
        for w in workers.values():
            w.close()


if __name__ == "__main__":
    main()
