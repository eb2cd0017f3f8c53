"""The out-of-core design of the Dask benchmark (bench/dask_peers.py), written once to
disk a chunk at a time (never whole in memory):

    python -m bench.dask_data --rows 10000000 --features 100 --dir /work/notes/dask2/data

- ``X/`` and ``y/``: ``.npy`` stacks (one file per chunk of rows plus the ``info`` file
  of ``dask.array.to_npy_stack``), read lazily by ``dask.array.from_npy_stack``;
- ``parquet/``: the same rows as a Parquet dataset (one file per chunk, columns
  ``x0..x{p-1}`` and ``y``) for Spark (with ``--parquet``; needs pyarrow).

The design: X standard normal plus a column offset (mean 0..4.95), the first 10
coefficients 1..10 (the others 0), y = X coef + 3 + 10 N(0, 1): chunk i from its own
seed, so any chunk can be regenerated alone and the data do not depend on the order
of writing.
"""
import argparse
import os
import pickle

import numpy as np


def chunk(i, rows, p, seed=0):
    rng = np.random.default_rng([seed, i])
    X = rng.standard_normal((rows, p))
    X += np.arange(p) * 0.05
    coef = np.zeros(p)
    k = min(10, p)
    coef[:k] = np.arange(1.0, k + 1.0)
    y = X @ coef + 3.0 + 10.0 * rng.standard_normal(rows)
    return X, y


def write(directory, n, p, rows, parquet=False, seed=0):
    """Write the stacks (and the Parquet dataset); skips what exists already."""
    sizes = [min(rows, n - s) for s in range(0, n, rows)]
    xdir, ydir, pdir = (os.path.join(directory, d) for d in ("X", "y", "parquet"))
    for d in (xdir, ydir) + ((pdir,) if parquet else ()):
        os.makedirs(d, exist_ok=True)
    for d, chunks in ((xdir, (tuple(sizes), (p,))), (ydir, (tuple(sizes),))):
        with open(os.path.join(d, "info"), "wb") as f:
            pickle.dump({"chunks": chunks, "dtype": np.dtype(np.float64), "axis": 0}, f)
    for i, m in enumerate(sizes):
        xpath = os.path.join(xdir, f"{i}.npy")
        ppath = os.path.join(pdir, f"part-{i:05d}.parquet")
        need_npy = not os.path.exists(xpath)
        need_pq = parquet and not os.path.exists(ppath)
        if not (need_npy or need_pq):
            continue
        X, y = chunk(i, m, p, seed)
        if need_npy:
            np.save(os.path.join(ydir, f"{i}.npy"), y)
            np.save(xpath + ".tmp.npy", X)
            os.replace(xpath + ".tmp.npy", xpath)
        if need_pq:
            import pyarrow as pa
            import pyarrow.parquet as pq
            cols = {f"x{j}": X[:, j] for j in range(p)}
            cols["y"] = y
            pq.write_table(pa.table(cols), ppath + ".tmp", compression="none")
            os.replace(ppath + ".tmp", ppath)
    return xdir, ydir, pdir


def read(directory):
    """(X, y) as lazy dask arrays over the ``.npy`` stacks (memory maps)."""
    import dask.array as da
    X = da.from_npy_stack(os.path.join(directory, "X"), mmap_mode="r")
    y = da.from_npy_stack(os.path.join(directory, "y"), mmap_mode="r")
    return X, y


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--chunk", type=int, default=250_000)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--parquet", action="store_true")
    args = parser.parse_args()
    write(args.dir, args.rows, args.features, args.chunk, parquet=args.parquet)


if __name__ == "__main__":
    main()
