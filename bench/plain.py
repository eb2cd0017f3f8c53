"""Plain, well-conditioned designs: `python -m bench.plain [--quick]`.

The benchmark grid (`python -m bench`) has real data sets and a few synthetic paths;
it has no plain dense design with a large support, where scikit-learn's cyclic sweeps
converge in a handful of epochs and every extra pass of a solver shows. This runner
sweeps such designs: Gaussian columns (independent) and AR(1) columns (correlation
0.6^|i-j|), n in {1000, 4000, 20000}, p in {100, 600, 2000}, a target with a sparse
truth (10% of the features) and noise (and Gaussian columns with a pure-noise target,
"noise": the densest solutions), `Lasso(alpha)` with an intercept at alpha_max
times 1/2, 1/5, 1/10, 1/30 and 1/100 (a cell whose solution has more than half the
features nonzero is left out), X in C and in Fortran order, at the default tol (1e-4)
and at 1e-8.

Every library fits the same cell round by round (interleaved), and the table shows the
median time of each, its ratio to fastreg's (above 1: fastreg is faster) and the
relative duality gap each one reached, recomputed in NumPy (the gap of the centered
problem over ||y - mean(y)||^2 / (2 n)), so that accuracy is compared along with time.
`--old PYTHON` also times fastreg as installed for another interpreter (e.g. main's
build in another virtual environment) in a worker process, in the same rounds: the
"old" column. `--clock cpu` reports process CPU time instead of wall time (on a loaded
machine; with OMP_NUM_THREADS=1 every library then runs on one thread). `--trace` adds
the kernel's counters of one more (untimed) fastreg fit of each cell
(`fastreg._engine.TRACE`): outer iterations, sweeps, the largest working set and the
G[W, W] products (millions of element products), to see where a cell's time goes.

    python -m bench.plain --quick
    python -m bench.plain --quick --old /work/venv/bin/python --clock cpu
"""
import argparse
import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np

DIVISORS = (2, 5, 10, 30, 100)
LIBRARIES = ("fastreg", "sklearn", "sklearnex")
TOLS = (1e-4, 1e-8)


def design(kind, n, p, seed=0):
    """(X Fortran, y): Gaussian or AR(1) columns, y = X w* + noise (10% of the
    features in w*, signal-to-noise ratio 2); "noise": Gaussian columns and a
    pure-noise y (about half the features nonzero at alpha_max / 5)."""
    rng = np.random.default_rng([seed, n, p, ("gaussian", "ar1", "noise").index(kind)])
    X = rng.standard_normal((n, p))
    if kind == "ar1":
        rho = 0.6
        for j in range(1, p):
            X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho ** 2) * X[:, j]
    X = np.asfortranarray(X)
    if kind == "noise":
        return X, rng.standard_normal(n)
    w = np.zeros(p)
    support = rng.choice(p, max(1, p // 10), replace=False)
    w[support] = rng.choice([-1.0, 1.0], support.size) * rng.uniform(0.5, 2.0, support.size)
    signal = X @ w
    noise = rng.standard_normal(n)
    y = signal + noise * (np.std(signal) / (2.0 * np.std(noise)))
    return X, y


def alpha_max(X, y):
    return float(np.max(np.abs(X.T @ (y - y.mean()))) / X.shape[0])


def relative_gap(X, y, coef, alpha):
    """The duality gap of the centered Lasso at coef, over its value at w = 0."""
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    n = X.shape[0]
    R = yc - Xc @ coef
    dual_norm = np.max(np.abs(Xc.T @ R))
    s = min(1.0, alpha * n / dual_norm) if dual_norm > 0 else 1.0
    primal = R @ R / (2 * n) + alpha * np.abs(coef).sum()
    dual = s * (R @ yc) / n - s * s * (R @ R) / (2 * n)
    return max(primal - dual, 0.0) / (yc @ yc / (2 * n))


def estimator(library, alpha, tol):
    if library == "fastreg":
        import fastreg
        return fastreg.Lasso(alpha=alpha, tol=tol, max_iter=100_000)
    if library == "sklearn":
        from sklearn.linear_model import Lasso
        return Lasso(alpha=alpha, tol=tol, max_iter=100_000)
    if library == "sklearnex":
        from daal4py.sklearn.linear_model import Lasso
        return Lasso(alpha=alpha, tol=tol, max_iter=100_000)
    raise ValueError(library)


class Cells:
    """The designs (and their C-ordered copies) of the cells, built once."""

    def __init__(self):
        self.data = {}

    def get(self, kind, n, p, order):
        key = (kind, n, p)
        if key not in self.data:
            X, y = design(kind, n, p)
            self.data[key] = {"F": X, "C": np.ascontiguousarray(X), "y": y,
                              "amax": alpha_max(X, y)}
        d = self.data[key]
        return d[order], d["y"], d["amax"]

    def drop(self):
        self.data.clear()


def fit_once(cells, library, cell, clock):
    """(seconds, coef) of one fit of `cell`."""
    X, y, amax = cells.get(cell["kind"], cell["n"], cell["p"], cell["order"])
    est = estimator(library, amax / cell["div"], cell["tol"])
    timer = time.process_time if clock == "cpu" else time.perf_counter
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = timer()
        est.fit(X, y)
        seconds = timer() - t0
    return seconds, np.asarray(est.coef_, dtype=np.float64)


TRACED = ("outer", "sweeps", "ws_max", "block_products")


def trace_once(cells, cell):
    """The kernel's counters (TRACED) of one fastreg fit of `cell`."""
    from fastreg import _engine
    from fastreg._cd_fast import TRACE_FIELDS
    _engine.TRACE = []
    try:
        fit_once(cells, "fastreg", cell, "wall")
        rows = _engine.TRACE
    finally:
        _engine.TRACE = None
    out = {}
    for k in TRACED:
        v = [r[:, TRACE_FIELDS.index(k)] for r in rows]
        # (one alpha per fit; the largest working set is a maximum, the rest sums)
        out[k] = float(max((x.max() for x in v), default=0) if k == "ws_max" else
                       sum(x.sum() for x in v))
    return out


def worker():
    """`--worker`: fit the cells read from stdin (one JSON object a line) with this
    interpreter's fastreg; answer each with {"seconds", "coef"}."""
    cells = Cells()
    for line in sys.stdin:
        cell = json.loads(line)
        if cell.get("drop"):
            cells.drop()
            print("{}", flush=True)
            continue
        seconds, coef = fit_once(cells, "fastreg", cell, cell["clock"])
        print(json.dumps({"seconds": seconds, "coef": coef.tolist()}), flush=True)


class Old:
    """fastreg of another interpreter, in a worker process."""

    def __init__(self, python):
        # run as a script: its folder (bench/) is then the first on sys.path, and the
        # worker imports the fastreg of its own environment, not this checkout's
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        self.proc = subprocess.Popen(
            [python, os.path.abspath(__file__), "--worker"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, env=env, cwd=os.path.dirname(
                os.path.abspath(__file__)))

    def fit(self, cell, clock):
        self.proc.stdin.write(json.dumps(dict(cell, clock=clock)) + "\n")
        self.proc.stdin.flush()
        out = json.loads(self.proc.stdout.readline())
        return out["seconds"], np.asarray(out["coef"])

    def drop(self):
        self.proc.stdin.write(json.dumps({"drop": True}) + "\n")
        self.proc.stdin.flush()
        self.proc.stdout.readline()

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def grid(quick):
    if quick:
        shapes = [(1000, 100), (1000, 600), (4000, 100), (4000, 600)]
        divisors = (2, 5, 30)
    else:
        shapes = [(n, p) for n in (1000, 4000, 20000) for p in (100, 600, 2000)]
        divisors = DIVISORS
    for n, p in shapes:
        for kind in ("gaussian", "ar1", "noise"):
            yield kind, n, p, divisors


def available(libraries):
    out = []
    for lib in libraries:
        try:
            estimator(lib, 1.0, 1e-4)
            out.append(lib)
        except ImportError as exc:
            print(f"[plain] {lib} left out: {exc}", file=sys.stderr)
    return out


def run(args):
    libraries = available(args.libraries.split(","))
    if "fastreg" not in libraries:
        sys.exit("fastreg is required")
    old = Old(args.old) if args.old else None
    names = (["old"] if old else []) + libraries
    cells = Cells()
    rows = []
    for kind, n, p, divisors in grid(args.quick):
        if args.k and args.k not in f"{kind}-{n}x{p}":
            continue
        for div in divisors:
            # (the support of the solution: the cell stays if at most half the features)
            X, y, amax = cells.get(kind, n, p, "F")
            probe = estimator("fastreg", amax / div, 1e-8)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                probe.fit(X, y)
            nnz = int(np.count_nonzero(probe.coef_))
            if nnz > p // 2:
                continue
            for order in ("C", "F"):
                for tol in TOLS:
                    cell = dict(kind=kind, n=n, p=p, div=div, order=order, tol=tol)
                    times = {name: [] for name in names}
                    coefs = {}
                    for r in range(args.rounds + 1):
                        for name in names:
                            if name == "old":
                                s, c = old.fit(cell, args.clock)
                            else:
                                s, c = fit_once(cells, name, cell, args.clock)
                            if r > 0:          # (round 0: warm-up)
                                times[name].append(s)
                            coefs[name] = c
                    X, y, amax = cells.get(kind, n, p, "F")
                    row = dict(cell, nnz=nnz)
                    if args.trace:
                        row["trace"] = trace_once(cells, cell)
                    for name in names:
                        row[name] = float(np.median(times[name]))
                        row[name + "_gap"] = relative_gap(X, y, coefs[name], amax / div)
                    rows.append(row)
                    print(line(row, names, args.trace), flush=True)
        cells.drop()
        if old:
            old.drop()
    if old:
        old.close()
    return names, rows


def header(names, trace=False):
    cols = ["design", "n x p", "alpha_max /", "nnz", "order", "tol"]
    for name in names:
        cols += [f"{name} (ms)", "gap"]
        if name != "fastreg":
            cols.append("/ fastreg")
    if trace:
        cols += ["outer", "sweeps", "max WS", "G[W, W] (M)"]
    return "| " + " | ".join(cols) + " |\n|" + "---|" * len(cols)


def line(row, names, trace=False):
    cols = [row["kind"], f"{row['n']} x {row['p']}", str(row["div"]), str(row["nnz"]),
            row["order"], f"{row['tol']:g}"]
    for name in names:
        cols += [f"{1e3 * row[name]:.1f}", f"{row[name + '_gap']:.1e}"]
        if name != "fastreg":
            cols.append(f"{row[name] / row['fastreg']:.2f}")
    if trace:
        t = row["trace"]
        cols += [f"{t['outer']:.0f}", f"{t['sweeps']:.0f}", f"{t['ws_max']:.0f}",
                 f"{t['block_products'] / 1e6:.1f}"]
    return "| " + " | ".join(cols) + " |"


def summary(names, rows):
    out = []
    for name in names:
        if name == "fastreg":
            continue
        ratios = np.array([r[name] / r["fastreg"] for r in rows])
        out.append(f"{name} / fastreg: min {ratios.min():.2f}, median "
                   f"{np.median(ratios):.2f}, cells where fastreg is slower "
                   f"{int(np.sum(ratios < 1))} of {len(ratios)}")
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="n in {1000, 4000}, p in {100, 600}, alpha_max / 2, 5, 30")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--libraries", default=",".join(LIBRARIES))
    ap.add_argument("--old", metavar="PYTHON",
                    help="also time the fastreg of this interpreter (column 'old')")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    ap.add_argument("-k", help="only the designs whose 'kind-nxp' contains this")
    ap.add_argument("--trace", action="store_true",
                    help="add the kernel's counters of fastreg's fit of each cell")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        return worker()
    names = (["old"] if args.old else []) + \
        [lib for lib in args.libraries.split(",")]
    print(header(names, args.trace), flush=True)
    names, rows = run(args)
    print()
    print(summary(names, rows))


if __name__ == "__main__":
    main()
