"""Old / new fastreg trees and scikit-learn interleaved on the default CV cells.

    python -m bench.cv_ab --old TREE --new TREE [--repeat K] [-k SUBSTRING]
                          [--estimators SUBSTRING] [--one-thread]

Each tree runs in a long-lived child process of its own (``PYTHONPATH=TREE``, started
in TREE) that loads the data once; the parent alternates, round by round, the old
tree's fit, the new tree's fit and scikit-learn's (in the old tree's child), and
prints per cell the medians of wall and CPU time (the child's process time: all its
threads), the ratios, the median over the rounds of new / old (wall and CPU of the
same round), and how far the new tree's results are from the old one's (``mse_path_``
max relative difference, ``alpha_`` equal, ``coef_`` max absolute difference). With
``--one-thread`` the children run with OMP_NUM_THREADS=1 (and the BLAS limited by
threadpoolctl): CPU time at one thread, less sensitive to a loaded machine.

The datasets and estimators are bench.defaults' CV cells: LassoCV(cv=KFold(5)) and
ElasticNetCV(cv=KFold(5)) at default parameters.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np

ESTIMATORS = ["LassoCV(cv=5)", "ElasticNetCV(cv=5)"]


def _child(one_thread):
    """Reads commands (JSON lines) on stdin, answers on stdout."""
    import time
    import warnings
    from contextlib import nullcontext

    from sklearn import linear_model as sk
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import KFold

    import fastreg

    from . import defaults

    warnings.simplefilter("ignore", ConvergenceWarning)
    limit = nullcontext()
    if one_thread:
        from threadpoolctl import threadpool_limits
        limit = threadpool_limits(1)
    data = {}
    out = sys.stdout
    sys.stdout = sys.stderr          # (only answers on the protocol's stream)
    with limit:
        for line in sys.stdin:
            cmd = json.loads(line)
            if cmd["op"] == "quit":
                break
            name = cmd["data"]
            if name not in data:
                data[name] = defaults.load(name)
            X, y = data[name]
            lib = fastreg if cmd["lib"] == "fastreg" else sk
            cls = getattr(lib, cmd["est"].split("(")[0])
            wall, cpu = time.perf_counter(), time.process_time()
            est = cls(cv=KFold(5)).fit(X, y)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if cmd.get("save"):
                np.savez(cmd["save"], mse=est.mse_path_, alpha=est.alpha_,
                         coef=est.coef_, intercept=est.intercept_)
            out.write(json.dumps({"wall": wall, "cpu": cpu}) + "\n")
            out.flush()


class Child:
    def __init__(self, tree, one_thread):
        env = dict(os.environ, PYTHONPATH=os.path.abspath(tree))
        if one_thread:
            env["OMP_NUM_THREADS"] = "1"
        args = [sys.executable, "-m", "bench.cv_ab", "--child"]
        if one_thread:
            args.append("--one-thread")
        self.proc = subprocess.Popen(args, cwd=tree, env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def fit(self, **cmd):
        self.proc.stdin.write(json.dumps(dict(op="fit", **cmd)) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("a child process ended (see its error above)")
        return json.loads(line)

    def close(self):
        try:
            self.proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
            self.proc.stdin.close()
        except OSError:
            pass
        self.proc.wait()


def compare(old_file, new_file):
    a, b = np.load(old_file), np.load(new_file)
    mse = float(np.max(np.abs(a["mse"] - b["mse"]) / np.abs(a["mse"])))
    same = "yes" if float(a["alpha"]) == float(b["alpha"]) else "no"
    coef = float(np.max(np.abs(a["coef"] - b["coef"]))) if a["coef"].size else 0.0
    return f"{mse:.1e}", same, f"{coef:.1e}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old")
    parser.add_argument("--new")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("-k", default="synthetic",
                        help="only datasets whose name contains this")
    parser.add_argument("--estimators", default="",
                        help="only estimators whose label contains this")
    parser.add_argument("--one-thread", action="store_true")
    parser.add_argument("--no-sklearn", action="store_true",
                        help="old / new only (no scikit-learn calls)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.one_thread)
        return
    if not (args.old and args.new):
        parser.error("--old and --new are required")
    from .defaults import DATASETS
    names = [n for n in DATASETS if args.k in n]
    ests = [e for e in ESTIMATORS if args.estimators in e]
    old, new = Child(args.old, args.one_thread), Child(args.new, args.one_thread)
    head = ["data", "estimator", "scikit-learn ms", "old ms", "new ms",
            "scikit-learn / old", "scikit-learn / new", "old CPU ms", "new CPU ms",
            "new / old wall (per round)", "new / old CPU (per round)",
            "mse_path_ rel. diff", "alpha_ same", "coef_ max diff"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head), flush=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name in names:
                for est in ests:
                    files = [os.path.join(tmp, f"{w}.npz") for w in ("old", "new")]
                    # (warm-up calls: the data loaded, the results saved)
                    old.fit(lib="fastreg", est=est, data=name, save=files[0])
                    new.fit(lib="fastreg", est=est, data=name, save=files[1])
                    times = {"old": [], "new": [], "sk": []}
                    for r in range(args.repeat):
                        pair = [("old", old), ("new", new)]
                        for who, child in (pair if r % 2 == 0 else pair[::-1]):
                            times[who].append(child.fit(lib="fastreg", est=est,
                                                        data=name))
                        if not args.no_sklearn:
                            times["sk"].append(old.fit(lib="sklearn", est=est,
                                                       data=name))

                    def med(who, key, times=times):
                        return statistics.median(t[key] for t in times[who]) * 1e3
                    wall_r = statistics.median(
                        n["wall"] / o["wall"] for o, n in zip(times["old"], times["new"],
                                                              strict=True))
                    cpu_r = statistics.median(
                        n["cpu"] / o["cpu"] for o, n in zip(times["old"], times["new"],
                                                            strict=True))
                    sk_ms = med("sk", "wall") if times["sk"] else float("nan")
                    row = [name, est, f"{sk_ms:.1f}", f"{med('old', 'wall'):.1f}",
                           f"{med('new', 'wall'):.1f}",
                           f"{sk_ms / med('old', 'wall'):.2f}",
                           f"{sk_ms / med('new', 'wall'):.2f}",
                           f"{med('old', 'cpu'):.1f}", f"{med('new', 'cpu'):.1f}",
                           f"{wall_r:.3f}", f"{cpu_r:.3f}", *compare(*files)]
                    print("| " + " | ".join(row) + " |", flush=True)
    finally:
        old.close()
        new.close()


if __name__ == "__main__":
    main()
