"""Concurrent fits from Python threads: `python -m bench.concurrency`.

Thread pools are how Dask's threaded scheduler, joblib's threading backend and many
services run fits. This runner times the same batch of fits (default: eight
`Lasso(alpha=0.01)` fits, each on its own Gaussian 4000 x 600 design with a pure-noise
target) one after the other, then from 2, 4 and 8 Python threads at once, for fastreg
and scikit-learn, interleaved round by round. It prints the wall time of each batch
(median over the rounds) and its ratio to the serial batch of the same library: at most
1 means the threads do not slow each other down beyond sharing the cores.
"""
import argparse
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

LIBRARIES = ("fastreg", "sklearn")


def designs(n_fits, n, p, order, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_fits):
        X = rng.standard_normal((n, p))
        out.append((np.asfortranarray(X) if order == "F" else X, rng.standard_normal(n)))
    return out


def estimator(library, alpha):
    if library == "fastreg":
        import fastreg
        return fastreg.Lasso(alpha=alpha)
    from sklearn.linear_model import Lasso
    return Lasso(alpha=alpha)


def batch(library, data, alpha, n_threads):
    """Wall seconds to fit every design, on `n_threads` Python threads (0: serially)."""
    def fit(Xy):
        return estimator(library, alpha).fit(*Xy).coef_

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        if n_threads == 0:
            coefs = [fit(Xy) for Xy in data]
        else:
            with ThreadPoolExecutor(n_threads) as pool:
                coefs = list(pool.map(fit, data))
        seconds = time.perf_counter() - t0
    return seconds, coefs


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.concurrency",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--fits", type=int, default=8)
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--p", type=int, default=600)
    parser.add_argument("--alpha", type=float, default=0.01)
    parser.add_argument("--order", choices=("C", "F"), default="C")
    parser.add_argument("--threads", default="2,4,8")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    data = designs(args.fits, args.n, args.p, args.order)
    counts = [0] + [int(t) for t in args.threads.split(",")]
    times = {(lib, t): [] for lib in LIBRARIES for t in counts}
    reference = {}
    for lib in LIBRARIES:                      # warm-up, and the serial answers
        reference[lib] = batch(lib, data, args.alpha, 0)[1]
    for _ in range(args.rounds):
        for t in counts:
            for lib in LIBRARIES:
                seconds, coefs = batch(lib, data, args.alpha, t)
                # the threads must not change any answer
                for a, b in zip(coefs, reference[lib], strict=True):
                    if not np.allclose(a, b, rtol=1e-7, atol=1e-10):
                        sys.exit(f"{lib} on {t} threads gave another answer")
                times[lib, t].append(seconds)
    print(f"{args.fits} fits of Lasso(alpha={args.alpha}) on {args.n} x {args.p} "
          f"({args.order}-ordered), median of {args.rounds} rounds")
    print("| threads | " + " | ".join(f"{lib} (s) | {lib} / serial" for lib in LIBRARIES)
          + " |")
    print("|---|" + "---|---|" * len(LIBRARIES))
    for t in counts:
        cells = []
        for lib in LIBRARIES:
            med = float(np.median(times[lib, t]))
            serial = float(np.median(times[lib, 0]))
            cells += [f"{med:.3f}", f"{med / serial:.2f}"]
        print(f"| {'serial' if t == 0 else t} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
