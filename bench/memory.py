"""Peak memory of a sparse fit against a fit on the dense copy (issue 5).

    python -m bench.memory [--dataset hockey] [--alpha-divisor 100]

Measured with tracemalloc (NumPy and SciPy register their array buffers with it): the
peak of the arrays allocated during ``fit``; the input matrix is allocated before the
measurement starts. (The dense copy is Fortran-ordered, as scipy's CSC ``toarray``
returns it, so its fit centers implicitly and copies nothing.)
"""
import argparse
import functools
import tracemalloc

import numpy as np

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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="hockey")
    parser.add_argument("--alpha-divisor", type=float, default=100.0)
    args = parser.parse_args(argv)
    X, y = real(args.dataset)
    n, p = X.shape
    Xd = X.toarray()
    alpha = float(np.max(np.abs(Xd.T @ (y - y.mean())))) / n / args.alpha_divisor
    rows = []
    for label, data in (("sparse CSC", X), ("dense copy", Xd)):
        for precompute in ("auto", False):
            est = fastreg.Lasso(alpha=alpha, tol=1e-8, precompute=precompute)
            peak = peak_bytes(functools.partial(est.fit, data, y))
            rows.append((label, precompute, peak, np.count_nonzero(est.coef_)))
    nnz = X.nnz
    print(f"{args.dataset}: {n} x {p}, {nnz} nonzeros ({nnz / (n * p):.2%}); "
          f"X as CSC {(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes) / 2**20:.1f} "
          f"MiB, dense {Xd.nbytes / 2**20:.1f} MiB; Lasso at alpha_max/"
          f"{args.alpha_divisor:g}")
    print("| X | precompute | peak memory of fit (MiB) | nonzero coefficients |")
    print("|---|---|---|---|")
    for label, pre, peak, nz in rows:
        print(f"| {label} | {pre!r} | {peak / 2**20:.1f} | {nz} |")


if __name__ == "__main__":
    main()
