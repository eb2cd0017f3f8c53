"""fastreg against each peer at equal accuracy: `python -m bench.equal_accuracy`.

The grid's table (`python -m bench`) runs every solver at one tolerance (1e-8, or its
mapping for the peers whose stopping rules differ) and reports the accuracy each one
reached. A user who is content with a peer's accuracy would rather know how fast
fastreg gets there. This runner takes the peers' rows of the last `python -m bench` run
(median time and relative suboptimality per workload), runs fastreg on the same
workloads over a ladder of `tol` (1e-2, 1e-3, ... down to 1e-12, stopping once it is
more accurate than every peer of that workload), and reports for each (workload, peer)
the fastest fastreg rung whose suboptimality is at or below the peer's. The peers that
ran in that run are timed again here, beside fastreg's ladder, so every ratio comes from
one run (`--recorded-peers` uses the recorded times instead).

Suboptimality is the grid's measure (max over the workload's alphas of
(f(w) - f_best) / f(0), computed in float64 by bench.workloads); values below
`FLOOR` (the rounding of the objective) count as `FLOOR`, so a peer that reached
rounding is matched by a fastreg run that reached rounding too. Timing: the median of
`--rounds` calls after one untimed call, as the grid's cells. Ratios above 1: the peer
is slower than fastreg at the peer's own accuracy.

    python -m bench --quick                 # or the full grid: the peers' rows
    python -m bench.equal_accuracy --quick  # then this (-k to select workloads)
"""
import argparse
import dataclasses
import json
import os
import sys
import time
import warnings

import numpy as np

from . import solvers, workloads

FLOOR = 1e-15
LADDER = tuple(10.0 ** -k for k in range(2, 13))
HERE = os.path.dirname(os.path.abspath(__file__))


def read_records(path):
    """The ok rows of a `python -m bench` run, {workload: {solver: row}}."""
    if not os.path.exists(path):
        sys.exit(f"no benchmark records at {path}: run `python -m bench` first")
    by_workload = {}
    with open(path) as f:
        for line in f:
            row = json.loads(line) if line.strip() else None
            if row and row["status"] == "ok":
                by_workload.setdefault(row["workload"], {})[row["solver"]] = row
    return by_workload


def time_call(call, rounds):
    """(median seconds, result) over `rounds` calls after one untimed call."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning & co: accuracy is measured
        result = call()
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            result = call()
            elapsed = time.perf_counter() - t0
            # a peer timed inside its own process (R glmnet: R's system.time, without
            # R's start-up and the transfer of the data) reports its seconds
            seconds = getattr(result, "seconds", None)
            times.append(seconds if seconds else elapsed)
    return float(np.median(times)), result


def ladder(wl, target, rounds, tols=LADDER):
    """fastreg on `wl` at each tol of `tols` (loosest first) until its suboptimality is
    at or below `target`: a list of (tol, median seconds, suboptimality)."""
    fastreg = solvers.get("fastreg")
    rungs = []
    for tol in tols:
        call = fastreg.build(dataclasses.replace(wl, tol=tol))
        seconds, result = time_call(call, rounds)
        subopt = workloads.suboptimality(wl, result.coefs, result.alphas, result.l1_ratio)
        rungs.append((tol, seconds, subopt))
        if max(subopt, FLOOR) <= target:
            break
    return rungs


def match(rungs, peer_subopt):
    """The fastest rung at least as accurate as the peer, or None."""
    ok = [r for r in rungs if max(r[2], FLOOR) <= max(peer_subopt, FLOOR)]
    return min(ok, key=lambda r: r[1]) if ok else None


def retime_peer(wl, name, rounds):
    """The peer's median time and suboptimality on `wl`, measured here (so that its
    ratio to fastreg's ladder comes from one run on one machine state)."""
    seconds, result = time_call(solvers.get(name).build(wl), rounds)
    subopt = workloads.suboptimality(wl, result.coefs, result.alphas, result.l1_ratio)
    return dict(median=seconds, subopt=subopt)


def rows_for(workload_id, peers, rounds, retime=True):
    wl = workloads.get(workload_id)
    if retime:
        peers = {name: retime_peer(wl, name, rounds) for name in peers}
    target = min(max(r["subopt"], FLOOR) for r in peers.values())
    rungs = ladder(wl, target, rounds)
    out = []
    for name, peer in peers.items():
        best = match(rungs, peer["subopt"])
        row = dict(workload=workload_id, peer=name, peer_time=peer["median"],
                   peer_subopt=peer["subopt"])
        if best is None:
            row.update(tol=None, time=None, subopt=None, ratio=None)
        else:
            row.update(tol=best[0], time=best[1], subopt=best[2],
                       ratio=peer["median"] / best[1])
        out.append(row)
    return out, rungs


def _fmt_time(t):
    return "" if t is None else (f"{t * 1e3:.3g} ms" if t < 1 else f"{t:.3g} s")


HEADER = ("workload", "peer", "peer time", "peer subopt", "fastreg tol", "fastreg time",
          "fastreg subopt", "peer / fastreg")


def format_row(r):
    if r["tol"] is None:
        return (r["workload"], r["peer"], _fmt_time(r["peer_time"]),
                f"{r['peer_subopt']:.1e}", "not reached", "", "", "")
    return (r["workload"], r["peer"], _fmt_time(r["peer_time"]), f"{r['peer_subopt']:.1e}",
            f"{r['tol']:.0e}", _fmt_time(r["time"]), f"{r['subopt']:.1e}",
            f"{r['ratio']:.2f}")


def markdown(rows):
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(format_row(r)) + " |" for r in rows]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.equal_accuracy",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--records", default=os.path.join(workloads.CACHE_DIR,
                                                          "last-run.jsonl"),
                        help="the rows of a `python -m bench` run (default: the last one)")
    parser.add_argument("-k", dest="keyword", help="only workloads whose id contains this")
    parser.add_argument("--rounds", type=int, default=3, help="timed calls per rung")
    parser.add_argument("--output", help="also write the table (Markdown) to this file")
    parser.add_argument("--recorded-peers", action="store_true",
                        help="use the peers' recorded times instead of timing them again "
                             "here, beside fastreg's ladder")
    args = parser.parse_args(argv)

    records = read_records(args.records)
    rows, ladders = [], {}
    for workload_id, by_solver in records.items():
        if args.keyword and args.keyword not in workload_id:
            continue
        peers = {k: v for k, v in by_solver.items() if k != "fastreg"}
        if not peers:
            continue
        found, rungs = rows_for(workload_id, peers, args.rounds,
                                retime=not args.recorded_peers)
        rows += found
        ladders[workload_id] = rungs
        for r in found:
            print("  ".join(format_row(r)), flush=True)
    if not rows:
        print("no workload with a peer's row in the records")
        return 1
    print("\nfastreg's ladders (tol: median time, suboptimality):")
    for workload_id, rungs in ladders.items():
        print(f"  {workload_id}: " + ", ".join(
            f"{t:.0e}: {_fmt_time(s)}, {o:.1e}" for t, s, o in rungs))
    table = markdown(rows)
    print("\n" + table)
    if args.output:
        with open(args.output, "w") as f:
            f.write(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
