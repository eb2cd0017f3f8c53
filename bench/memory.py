"""Peak extra memory of every public estimator, fastreg against scikit-learn (issue 20).

    python -m bench.memory [--quick] [--n 10000] [--p 200] [-k LassoCV] [--libs fastreg]
    python -m bench.memory --n-jobs 1,2 -k CV  # the CV estimators also with n_jobs=2
    python -m bench.memory --dataset hockey     # the older table: sparse X vs its dense copy

Every case (estimator x layout of X (C- or Fortran-ordered, CSR or CSC) x with /
without sample_weight (x n_jobs of the CV estimators, ``--n-jobs``), for fastreg and
for scikit-learn) runs in a fresh Python process, twice:

* **tracemalloc** (the ``trace`` columns): the peak of the memory allocated through
  Python's allocators during the call, which covers every NumPy and SciPy array buffer
  (NumPy registers its data allocations with tracemalloc). The data exist before the
  measurement starts, so the peak is the extra memory of the call. It misses what
  compiled code allocates with C's malloc: fastreg's kernels (the lazily built Gram
  columns, the working set's G[W, W] block and, in residual mode, its gathered columns
  X[:, W]; scratch of the exact active-set solve) and LAPACK / BLAS workspaces;
* **RSS** (the ``rss`` columns, a separate process without tracemalloc): the rise of the
  process's peak resident set size (Linux ``VmHWM``, reset through
  ``/proc/self/clear_refs`` after the data are made and after a warm-up fit on 200 rows
  that starts the BLAS / OpenMP thread pools) over the resident size before the call.
  This counts the kernels' and LAPACK's own allocations too, at page granularity, and
  is the number the bound is read on; tracemalloc is the one the tests assert (it is
  exact and deterministic), and the two agree within a few percent of X where the
  kernels allocate little.

Peaks are reported as multiples of the size of X (dense: ``X.nbytes``; sparse: its
data + indices + indptr) next to the bound (``bound`` column, the same multiple), and
cells above it are marked. The bound is ``tests/test_memory.py``'s ``allowance`` (one
definition, loaded from there; see its docstring): one copy of X, plus c p x p float64
matrices (c = 8; a CV: folds + 8 + 2 n_jobs), plus v vectors of n float64 (v = 6 + 2 T
for T targets; a CV: 6 + 2 T + 2 folds, the fold indices and one fold's test errors), plus 1
MiB of small blocks and Python objects. The default shapes make p^2 small against X
so that a copy of X shows: dense 20000 x 100 (one p x p matrix is 0.005 X), sparse
40000 x 100 with 25% of the values (1M values, 11.6 MiB; p^2 float64 is 0.007 X).
The data: standard normal X, y = X[:, :10] @ 1 + noise (three targets for the
multi-task estimators), weights uniform in [0.5, 1.5]; cv=5, 20 alphas.
"""
import argparse
import functools
import gc
import importlib.util
import json
import os
import re
import subprocess
import sys
import tracemalloc
import warnings

import numpy as np

# --------------------------------------------------------------------------- cases

ESTIMATORS = ("Lasso", "ElasticNet", "LassoCV", "ElasticNetCV", "MultiTaskLasso",
              "MultiTaskElasticNet", "MultiTaskLassoCV", "MultiTaskElasticNetCV",
              "Ridge", "RidgeCV", "lasso_path", "enet_path")
PATHS = ("lasso_path", "enet_path")
MULTITASK = tuple(e for e in ESTIMATORS if e.startswith("MultiTask"))
PARALLEL = tuple(e for e in ESTIMATORS if e.endswith("CV") and e != "RidgeCV")  # n_jobs
N_ALPHAS = 20


LAYOUTS = ("C", "F", "sparse", "csc")


def make_data(n, p, layout, weighted, n_targets=1, seed=0, density=0.05):
    """(X, y, sample_weight) of a case; layout 'C', 'F', 'sparse' (CSR) or 'csc'
    (the same sparse matrix as CSC)."""
    from scipy import sparse as sp
    rng = np.random.default_rng(seed)
    if layout in ("sparse", "csc"):
        X = sp.random(n, p, density=density, format="csr", random_state=seed,
                      data_rvs=rng.standard_normal)
        if layout == "csc":
            X = X.tocsc()
        signal = np.asarray(X[:, :10].sum(axis=1)).ravel()
    else:
        X = rng.standard_normal((n, p))
        X = np.asfortranarray(X) if layout == "F" else np.ascontiguousarray(X)
        signal = X[:, :10].sum(axis=1)
    noise = rng.standard_normal((n, n_targets))
    y = signal[:, None] + noise if n_targets > 1 else signal + noise[:, 0]
    sw = rng.uniform(0.5, 1.5, n) if weighted else None
    return X, y, sw


def x_bytes(X):
    if hasattr(X, "indptr"):
        return X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    return X.nbytes


def allowance_function():
    """``allowance`` of tests/test_memory.py (the one definition of the bound)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    spec = importlib.util.spec_from_file_location(
        "_memory_bound", os.path.join(root, "tests", "test_memory.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.allowance


def make_call(lib, name, X, y, sw, n_jobs=None):
    """A function running the case's fit (or path) once (``n_jobs``: of a CV
    estimator)."""
    if lib == "fastreg":
        import fastreg as mod
    else:
        from sklearn import linear_model as mod
    alpha = 0.01
    cls = getattr(mod, name)
    if name in PATHS:
        kw = {"l1_ratio": 0.5} if name == "enet_path" else {}
        return functools.partial(cls, X, y, alphas=N_ALPHAS, **kw)
    params = {
        "Lasso": dict(alpha=alpha), "ElasticNet": dict(alpha=alpha, l1_ratio=0.5),
        "LassoCV": dict(alphas=N_ALPHAS, cv=5),
        "ElasticNetCV": dict(alphas=N_ALPHAS, cv=5, l1_ratio=0.5),
        "MultiTaskLasso": dict(alpha=alpha),
        "MultiTaskElasticNet": dict(alpha=alpha, l1_ratio=0.5),
        "MultiTaskLassoCV": dict(alphas=N_ALPHAS, cv=5),
        "MultiTaskElasticNetCV": dict(alphas=N_ALPHAS, cv=5, l1_ratio=0.5),
        "Ridge": dict(alpha=1.0), "RidgeCV": dict(alphas=np.logspace(-2, 2, 10)),
    }[name]
    if n_jobs is not None and name in PARALLEL:
        params["n_jobs"] = n_jobs
    est = cls(**params)
    kw = {} if sw is None else {"sample_weight": sw}
    return functools.partial(est.fit, X, y, **kw)


def _status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def run_child(lib, name, layout, weighted, n, p, mode, n_jobs=None, serial_limit=None,
              density=0.05):
    """One measurement in this (fresh) process; returns a dict. ``serial_limit``: the
    size of X above which fastreg's CV folds that copy their training rows run one at
    a time (``fastreg._cv_base.SERIAL_COPIES_BYTES``, 256 MiB), lowered for the
    ``--serial`` table."""
    warnings.simplefilter("ignore")
    if serial_limit is not None and lib == "fastreg":
        from fastreg import _cv_base
        _cv_base.SERIAL_COPIES_BYTES = serial_limit
    n_targets = 3 if name in MULTITASK else 1
    X, y, sw = make_data(n, p, layout, weighted, n_targets, density=density)
    # warm-up on 200 rows: imports, BLAS and OpenMP thread pools, lazy modules
    small = X[:200]
    make_call(lib, name, small, y[:200], None if sw is None else sw[:200])()
    call = make_call(lib, name, X, y, sw, n_jobs)
    gc.collect()
    out = {"x_bytes": x_bytes(X), "p2_bytes": p * p * 8}
    if mode == "trace":
        tracemalloc.start()
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        call()
        out["peak"] = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
    else:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")             # reset VmHWM to the current resident size
        base = _status("VmRSS")
        call()
        out["peak"] = _status("VmHWM") - base
    return out


def measure(lib, name, layout, weighted, n, p, mode, n_jobs=None, serial_limit=None,
            density=0.05):
    """run_child in a fresh interpreter; None when the case is not supported."""
    cmd = [sys.executable, "-m", "bench.memory", "--child",
           json.dumps([lib, name, layout, weighted, n, p, mode, n_jobs, serial_limit,
                       density])]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=root)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cases(pattern=None, n_jobs=(None,)):
    for name in ESTIMATORS:
        for layout in LAYOUTS:
            for weighted in (False, True):
                if weighted and name in PATHS:
                    continue               # the path functions take no sample_weight
                for jobs in (n_jobs if name in PARALLEL else (None,)):
                    label = f"{name} {layout}{' w' if weighted else ''}" + \
                        ("" if jobs is None else f" j{jobs}")
                    if pattern and not re.search(pattern, label):
                        continue
                    yield name, layout, weighted, jobs


def bound(name, n, p, x_nbytes, n_jobs):
    """The case's bound in bytes (tests/test_memory.py's allowance)."""
    folds = 5 if name in PARALLEL else 0
    return allowance_function()(x_nbytes, n, p, targets=3 if name in MULTITASK else 1,
                                folds=folds, n_jobs=n_jobs or 1)


def _cell(r, limit=None):
    if r is None:
        return "-"
    if "error" in r:
        return "n/a"
    above = limit is not None and r["peak"] > limit
    return f"{r['peak'] / r['x_bytes']:.2f}" + (" **above**" if above else "")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--dataset", help="the sparse-vs-dense Lasso table on a real "
                        "dataset (e.g. hockey) instead")
    parser.add_argument("--alpha-divisor", type=float, default=100.0)
    parser.add_argument("--n", type=int, default=20000, help="rows of a dense X")
    parser.add_argument("--p", type=int, default=100)
    parser.add_argument("--sparse-n", type=int, default=40000, help="rows of a sparse X")
    parser.add_argument("--density", type=float, default=0.25, help="of a sparse X")
    parser.add_argument("--quick", action="store_true",
                        help="n=4000, p=100; sparse 8000 x 100")
    parser.add_argument("-k", default=None, help="regex on 'Estimator layout [w]'")
    parser.add_argument("--libs", default="fastreg,sklearn")
    parser.add_argument("--modes", default="trace,rss")
    parser.add_argument("--json", default=None, help="also write the results here")
    parser.add_argument("--table", default=None, help="print the table of a --json "
                        "file again (the bound recomputed) instead of measuring")
    parser.add_argument("--n-jobs", default=None, help="n_jobs of the CV estimators, "
                        "comma-separated (e.g. 1,2); default: theirs (None)")
    parser.add_argument("--serial", action="store_true", help="the table of the CV "
                        "folds that copy their training rows (more features than "
                        "training rows), n_jobs=2: one at a time above "
                        "SERIAL_COPIES_BYTES (lowered to --serial-limit) against the "
                        "folds in parallel (the limit not reached); default X 500 x 1500")
    parser.add_argument("--serial-limit", type=int, default=2**20)
    args = parser.parse_args(argv)
    if args.serial:
        n, p = (args.n, args.p) if "--n" in (argv or sys.argv) else (500, 1500)
        serial_table(n, p, args.serial_limit, args.modes.split(","), args.k)
        return
    if args.child:
        print(json.dumps(run_child(*json.loads(args.child))))
        return
    if args.dataset:
        sparse_vs_dense(args.dataset, args.alpha_divisor)
        return
    if args.table:
        with open(args.table) as f:
            saved = json.load(f)
        table(saved["n"], saved["sparse_n"], saved["p"], saved["density"],
              saved["libs"], saved["modes"], saved["rows"])
        return
    n, p = (4000, 100) if args.quick else (args.n, args.p)
    sparse_n = 8000 if args.quick else args.sparse_n
    n_jobs = (None,) if args.n_jobs is None else \
        tuple(int(j) for j in args.n_jobs.split(","))
    libs = args.libs.split(",")
    modes = args.modes.split(",")
    rows = []
    for name, layout, weighted, jobs in cases(args.k, n_jobs):
        sparse = layout in ("sparse", "csc")
        res = {f"{lib} {mode}": measure(lib, name, layout, weighted, sparse_n if sparse
                                        else n, p, mode, jobs, density=args.density)
               for mode in modes for lib in libs}
        rows.append(dict(name=name, layout=layout, weighted=weighted, n_jobs=jobs,
                         results=res))
        table(n, sparse_n, p, args.density, libs, modes, rows[-1:], head=len(rows) == 1)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(n=n, sparse_n=sparse_n, p=p, density=args.density, libs=libs,
                           modes=modes, rows=rows), f, indent=1)


def table(n, sparse_n, p, density, libs, modes, rows, head=True):
    """Print the rows of the main table (fastreg's trace cells above the bound
    marked)."""
    if head:
        print(f"X: dense {n} x {p} float64 ({n * p * 8 / 2**20:.1f} MiB); sparse "
              f"{sparse_n} x {p}, {density:.0%} of the values, CSR ('sparse') or CSC "
              f"('csc'); peak extra memory / size of X ({', '.join(modes)}); bound: "
              "tests/test_memory.py's allowance / size of X (fastreg trace cells "
              "above it marked)")
        heads = [f"{lib} {mode}" for mode in modes for lib in libs]
        print("| estimator | X | weights | " + " | ".join(heads) + " | bound |")
        print("|---|---|---|" + "---|" * len(heads) + "---|")
    for row in rows:
        res = row["results"]
        r = next((v for v in res.values() if v and "x_bytes" in v), None)
        rows_n = sparse_n if row["layout"] in ("sparse", "csc") else n
        limit = None if r is None else \
            bound(row["name"], rows_n, p, r["x_bytes"], row["n_jobs"])
        cells = [_cell(res[f"{lib} {mode}"],
                       limit if (lib, mode) == ("fastreg", "trace") else None)
                 for mode in modes for lib in libs]
        label = row["name"] if row["n_jobs"] is None else \
            f"{row['name']} (n_jobs={row['n_jobs']})"
        extra = "" if limit is None else f"{limit / r['x_bytes']:.2f}"
        print(f"| {label} | {row['layout']} | {'yes' if row['weighted'] else 'no'} | "
              + " | ".join(cells) + f" | {extra} |", flush=True)


SERIAL = ("LassoCV", "ElasticNetCV", "MultiTaskLassoCV")


def serial_table(n, p, limit, modes, pattern=None):
    """Peak extra memory of the CV estimators whose folds copy their training rows
    (p > the training rows of a fold), n_jobs=2, C- and Fortran-ordered X, with and
    without weights: fastreg with X above SERIAL_COPIES_BYTES (lowered to ``limit``:
    the folds one at a time) and below it (two folds at once), and scikit-learn."""
    print(f"X: {n} x {p} float64 ({n * p * 8 / 2**20:.1f} MiB), cv=5, n_jobs=2; "
          f"SERIAL_COPIES_BYTES lowered to {limit} B (one fold at a time) or not "
          "reached (two at once); peak extra memory / size of X")
    heads = [f"{what} {mode}" for mode in modes
             for what in ("fastreg serial", "fastreg parallel", "sklearn")]
    print("| estimator | X | weights | " + " | ".join(heads) + " |")
    print("|---|---|---|" + "---|" * len(heads))
    for name in SERIAL:
        for layout in ("C", "F"):
            for weighted in (False, True):
                label = f"{name} {layout}{' w' if weighted else ''}"
                if pattern and not re.search(pattern, label):
                    continue
                cells = []
                for mode in modes:
                    for lib, lim in (("fastreg", limit), ("fastreg", 2**62),
                                     ("sklearn", None)):
                        cells.append(_cell(measure(lib, name, layout, weighted, n, p,
                                                   mode, 2, lim)))
                print(f"| {name} | {layout} | {'yes' if weighted else 'no'} | "
                      + " | ".join(cells) + " |", flush=True)


def sparse_vs_dense(dataset, divisor):
    """Peak memory (tracemalloc) of a sparse Lasso.fit against a fit on the dense copy
    (issue 5). The dense copy is Fortran-ordered, as scipy's CSC ``toarray`` returns
    it, so its fit centers implicitly and copies nothing."""
    import fastreg

    from .workloads import real

    def peak_bytes(fn):
        tracemalloc.start()
        tracemalloc.reset_peak()
        try:
            fn()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    X, y = real(dataset)
    n, p = X.shape
    Xd = X.toarray()
    alpha = float(np.max(np.abs(Xd.T @ (y - y.mean())))) / n / divisor
    rows = []
    for label, data in (("sparse CSC", X), ("dense copy", Xd)):
        for precompute in ("auto", False):
            est = fastreg.Lasso(alpha=alpha, tol=1e-8, precompute=precompute)
            peak = peak_bytes(functools.partial(est.fit, data, y))
            rows.append((label, precompute, peak, np.count_nonzero(est.coef_)))
    nnz = X.nnz
    print(f"{dataset}: {n} x {p}, {nnz} nonzeros ({nnz / (n * p):.2%}); "
          f"X as CSC {(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes) / 2**20:.1f} "
          f"MiB, dense {Xd.nbytes / 2**20:.1f} MiB; Lasso at alpha_max/{divisor:g}")
    print("| X | precompute | peak memory of fit (MiB) | nonzero coefficients |")
    print("|---|---|---|---|")
    for label, pre, peak, nz in rows:
        print(f"| {label} | {pre!r} | {peak / 2**20:.1f} | {nz} |")


if __name__ == "__main__":
    main()
