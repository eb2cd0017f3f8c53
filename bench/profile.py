"""Where the time of a path goes, alpha by alpha: `python -m bench.profile`.

Runs fastreg's path on a workload of the grid (default: the hard end of a wide path,
`path-wide500x5000-f64`, and the sparse `path-we8there-sparse`) at each `--tols`, with
the kernel's counters on (`fastreg._engine.TRACE`: outer iterations, sweeps, gradient
passes, working-set sizes, Gram-block products, exact-solve attempts, certifications,
inner strategies), and prints for each tol the time, the suboptimality (the grid's
measure) and the counters summed over blocks of alphas (`--blocks`, the last block is
the small-alpha end).

    python -m bench.profile --tols 1e-4,1e-8
    python -m bench.profile -w path-leukemia-f64 --blocks 5
"""
import argparse
import time
import warnings

import numpy as np

from . import solvers, workloads

DEFAULT = ("path-wide500x5000-f64", "path-we8there-sparse")


def traced_path(wl, tol):
    """(seconds, counters (n_alphas, fields), result) of fastreg's path at tol."""
    from fastreg import _engine
    call = solvers.get("fastreg").build(workloads.Workload(
        wl.spec, wl.X, wl.y, wl.alphas, tol, wl.accuracy, wl.X64, wl.y64))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        call()                      # warm-up, untimed
        t0 = time.perf_counter()
        result = call()
        seconds = time.perf_counter() - t0
        _engine.TRACE = []
        try:
            call()
            counters = np.vstack(_engine.TRACE)
        finally:
            _engine.TRACE = None
    return seconds, counters, result


def table(wl, tols, blocks):
    from fastreg._engine import TRACE_FIELDS
    fields = ("sweeps", "outer", "grad_passes", "ws_max", "block_products",
              "exact_tries", "certify", "switches")
    cols = [TRACE_FIELDS.index(f) for f in fields]
    n = len(wl.alphas)
    edges = np.linspace(0, n, blocks + 1).astype(int)
    lines = [f"### {wl.id}: {n} alphas, alpha_max down to alpha_max * {wl.spec.eps:g}",
             "",
             "| tol | time (s) | subopt | alphas | " + " | ".join(fields) + " |",
             "|" + "---|" * (4 + len(fields))]
    for tol in tols:
        seconds, counters, result = traced_path(wl, tol)
        subopt = workloads.suboptimality(wl, result.coefs, result.alphas, result.l1_ratio)
        for b in range(blocks):
            part = counters[edges[b]:edges[b + 1]]
            vals = []
            for f, c in zip(fields, cols, strict=True):
                v = part[:, c].max() if f == "ws_max" else part[:, c].sum()
                vals.append(f"{v / 1e6:.1f}M" if f == "block_products" else f"{v:.0f}")
            head = (f"{tol:g} | {seconds:.3f} | {subopt:.1e}" if b == 0 else " | | ")
            lines.append(f"| {head} | {edges[b]}-{edges[b + 1] - 1} | " +
                         " | ".join(vals) + " |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-w", "--workloads", default=",".join(DEFAULT))
    ap.add_argument("--tols", default="1e-4,1e-6,1e-8")
    ap.add_argument("--blocks", type=int, default=4)
    args = ap.parse_args(argv)
    tols = [float(t) for t in args.tols.split(",")]
    for spec_id in args.workloads.split(","):
        try:
            wl = workloads.get(spec_id)
        except workloads.DataMissing as exc:
            print(f"{spec_id}: data missing ({exc})")
            continue
        print(table(wl, tols, args.blocks))
        print()


if __name__ == "__main__":
    main()
