"""fastreg.dask out of core: X stored on disk as one .npy file, read a chunk of rows at
a time by the workers of a LocalCluster whose memory limit is below the size of X.

    python -m bench.dask_pass --rows 2000000 --features 50 --dir /tmp

Times (best of ``--repeat``): the physical limit, one Dask pass computing X^T X alone;
``fastreg.dask.Lasso`` at one alpha (alpha_max / 20); ``fastreg.dask.LassoCV(cv=5)``
over 100 alphas. Prints a Markdown table and the duality gap of the Lasso fit
recomputed in NumPy from the moments. Peers (dask-ml, Spark) are not run here.
"""
import argparse
import os
import time

import numpy as np


def load_rows(path, start, stop):
    return np.load(path, mmap_mode="r")[start:stop]


def on_disk(directory, n, p, seed=0, block=500_000):
    """X (n, p) and y in .npy files, written a block at a time."""
    xpath = os.path.join(directory, f"fastreg_dask_X_{n}x{p}.npy")
    ypath = os.path.join(directory, f"fastreg_dask_y_{n}.npy")
    if not (os.path.exists(xpath) and os.path.exists(ypath)):
        rng = np.random.default_rng(seed)
        coef = np.zeros(p)
        coef[:10] = np.arange(1.0, 11.0)
        X = np.lib.format.open_memmap(xpath, mode="w+", dtype=np.float64, shape=(n, p))
        y = np.lib.format.open_memmap(ypath, mode="w+", dtype=np.float64, shape=(n,))
        for i in range(0, n, block):
            Xb = rng.standard_normal((min(block, n - i), p)) + 5.0
            X[i:i + block] = Xb
            y[i:i + block] = Xb @ coef + 10 * rng.standard_normal(Xb.shape[0])
        X.flush()
        y.flush()
        del X, y
    return xpath, ypath


def dask_arrays(xpath, ypath, n, p, rows):
    import dask
    import dask.array as da
    load = dask.delayed(load_rows, pure=True)
    starts = range(0, n, rows)
    X = da.concatenate([da.from_delayed(load(xpath, s, min(s + rows, n)),
                                        shape=(min(rows, n - s), p), dtype=np.float64)
                        for s in starts])
    y = da.concatenate([da.from_delayed(load(ypath, s, min(s + rows, n)),
                                        shape=(min(rows, n - s),), dtype=np.float64)
                        for s in starts])
    return X, y


def best_of(repeat, func):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--chunk", type=int, default=100_000)
    parser.add_argument("--dir", default="/tmp")
    parser.add_argument("--memory-limit", default="400MB")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--stack", default=None,
                        help="read the .npy stacks of bench/dask_data.py in this folder "
                             "instead (--rows, --features, --chunk, --dir are ignored)")
    args = parser.parse_args()
    from dask.distributed import Client, LocalCluster

    import fastreg.dask as fd
    if args.stack:
        from bench.dask_data import read
        X, y = read(args.stack)
        (n, p), args.chunk = X.shape, X.chunks[0][0]
    else:
        n, p = args.rows, args.features
        xpath, ypath = on_disk(args.dir, n, p)
        X, y = dask_arrays(xpath, ypath, n, p, args.chunk)
    size = n * p * 8 / 2**20
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      memory_limit=args.memory_limit, dashboard_address=":0") as cluster, \
            Client(cluster):
        probe = fd.LassoCV(cv=5, alphas=3).fit(X, y)
        alpha = float(probe.alphas_[0]) / 20
        # (interleaved, best of --repeat: the machine's load moves between them)
        runs = {"pass": [], "lasso": [], "cv": []}
        for _ in range(args.repeat):
            runs["pass"].append(best_of(1, lambda: (X.T @ X).compute()))
            runs["lasso"].append(best_of(1, lambda: fd.Lasso(alpha=alpha).fit(X, y)))
            runs["cv"].append(best_of(1, lambda: fd.LassoCV(cv=5).fit(X, y)))
        (t_pass, _), (t_lasso, lasso), (t_cv, cv) = (
            min(runs[k], key=lambda r: r[0]) for k in ("pass", "lasso", "cv"))
    print(f"X: {n} x {p} float64 on disk ({size:.0f} MiB), chunks of {args.chunk} rows; "
          f"LocalCluster 2 workers x 1 thread, memory limit {args.memory_limit} each\n")
    print("| computation | time (s) | x one pass |")
    print("|---|---|---|")
    for name, t in [("one Dask pass: X^T X alone", t_pass),
                    (f"fastreg.dask.Lasso(alpha={alpha:.4g})", t_lasso),
                    ("fastreg.dask.LassoCV(cv=5, 100 alphas)", t_cv)]:
        print(f"| {name} | {t:.2f} | {t / t_pass:.2f} |")
    print(f"\nLasso dual gap {lasso.dual_gap_:.3g}, n_iter {lasso.n_iter_}; LassoCV "
          f"alpha_ {cv.alpha_:.4g}, {np.count_nonzero(cv.coef_)} nonzero coefficients")


if __name__ == "__main__":
    main()
