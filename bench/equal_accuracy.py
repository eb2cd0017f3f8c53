"""fastreg against each peer at equal accuracy: `python -m bench.equal_accuracy`.

The grid's table (`python -m bench`) runs every solver at one tolerance (1e-8, or its
mapping for the peers whose stopping rules differ) and reports the accuracy each one
reached. A user who is content with a peer's accuracy would rather know how fast
fastreg gets there. For each workload of the grid (paths, single fits, CV, Ridge,
RidgeCV, multi-task; tall, wide and sparse) and each peer, this runner times the peer,
runs fastreg over a ladder of `tol` (1e-2, 1e-3, ... down to 1e-12, and at least down to
the grid's tol, stopping once it is as accurate as every peer of the workload), and
reports the fastest fastreg rung whose suboptimality is at or below the peer's, beside
fastreg at the grid's tol (the tol-1e-8 table's cell) measured in the same run. Ridge
and RidgeCV are direct solves in fastreg (tol does not apply): one rung, "direct".
A peer that cannot solve the workload's problem gets a row "n/a" with the reason.

Suboptimality is the grid's measure: max over the workload's alphas of
(f(w) - f_best) / f(0), in float64 (bench.workloads), with f_best from a reference
solved much tighter than any cell (scikit-learn at tol 1e-12; fastreg at tol 1e-14 on
the wide / multi-task-wide workloads; the exact normal equations for Ridge), lowered
whenever a solver does better. CV cells are measured at the alpha each solver selected
(its final refit). Values below `FLOOR` (rounding of the objective) count as `FLOOR`.

Timing: every solver of a workload (its peers and fastreg's rungs) is called once
untimed, then `--rounds` timed rounds, each round calling every one of them in turn
(interleaved: the machine's load falls on all alike), median of the rounds. By default
on one thread for everyone (`--threads 1`: the process re-runs itself with
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS / NUMBA_NUM_THREADS set, and
oneDAL's threads set through daal4py; R glmnet runs in a child with the same
environment, timed inside R). A peer whose first call (in a child process) exceeds
`--cap` seconds is reported "n/a: over the cap"; a call slower than `--long` seconds is
timed once (its untimed call), marked "(1 call)". Cross-validation cells with n_jobs 2
are left out (one thread for everyone; their accuracy is the n_jobs 1 cell's).

    python -m bench.equal_accuracy --quick            # six workloads, every family: minutes
    python -m bench.equal_accuracy -k ridge --jsonl r.jsonl   # a selection, rows kept
    python -m bench.equal_accuracy --table r.jsonl p.jsonl    # the Markdown of kept rows
    python -m bench.equal_accuracy --clock cpu -k tall   # CPU seconds (a loaded machine)
    python -m bench --quick && python -m bench.equal_accuracy --recorded-peers
        # (CI) the peers' rows of the last `python -m bench` run, not timed again
"""
import argparse
import dataclasses
import json
import os
import sys
import time

import numpy as np

from . import solvers, workloads
from .harness import _quiet

FLOOR = 1e-15
LADDER = tuple(10.0 ** -k for k in range(2, 13))
DIRECT = ("ridge", "ridgecv")  # fastreg's direct solves: tol does not apply
HERE = os.path.dirname(os.path.abspath(__file__))
QUICK = ("fit-lasso-leukemia-a10-f64", "path-leukemia-f64", "cv-lassocv-leukemia-j1-f64",
         "ridge-riboflavin-f64", "ridgecv-riboflavin-f64", "mtfit-tall10000x300-a10-f64")
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
              "NUMBA_NUM_THREADS")

# Why a peer cannot solve a family's problem, where its adapter only says "no such
# family" (bench/solvers.py raises the other reasons itself).
_NA = {
    "sklearnex": {
        "path": "oneDAL has no path (sklearnex runs scikit-learn's lasso_path)",
        "cv": "oneDAL has no LassoCV / ElasticNetCV (sklearnex runs scikit-learn's)",
        "ridgecv": "oneDAL has no RidgeCV (sklearnex runs scikit-learn's)",
        "mtpath": "oneDAL has no multi-task Lasso",
        "mtfit": "oneDAL has no multi-task Lasso",
        "mtcv": "oneDAL has no multi-task Lasso"},
    "celer": {
        "ridge": "celer has no Ridge (its elastic net needs l1_ratio > 0)",
        "ridgecv": "celer has no Ridge",
        "mtcv": "celer's MultiTaskLassoCV does not run with scikit-learn 1.9 "
                "(removed _validate_data)"},
    "skglm": {
        "ridgecv": "skglm has no leave-one-out RidgeCV (nor Ridge)",
        "mtcv": "skglm's CV estimator has no multi-task datafit"},
    "glum": {
        "ridgecv": "glum cross-validates on K folds, not RidgeCV's leave-one-out",
        "mtpath": "glum fits one response", "mtfit": "glum fits one response",
        "mtcv": "glum fits one response"},
}
for _name in ("glmnet-rs", "python-glmnet", "R-glmnet"):
    _NA[_name] = {"ridgecv": "cv.glmnet cross-validates on K folds, not RidgeCV's "
                             "leave-one-out"}


def na_reason(peer, family, reason):
    if reason.startswith("no ") and f" in {peer}" in reason:
        return _NA.get(peer, {}).get(family, reason)
    return reason


# ----------------------------------------------------------------------------- threads


def limit_threads(n, argv):
    """Re-run this process with every threading runtime at `n` threads (they read their
    environment once, when loaded), unless that is already so."""
    if n is None or os.environ.get("FASTREG_EQACC_THREADS") == str(n):
        return
    env = dict(os.environ, FASTREG_EQACC_THREADS=str(n), **{k: str(n) for k in THREAD_ENV})
    args = [sys.executable, "-m", "bench.equal_accuracy"] + list(argv)
    sys.stdout.flush()
    os.execve(sys.executable, args, env)


def _onedal_threads():
    n = os.environ.get("FASTREG_EQACC_THREADS")
    if n:
        try:
            import daal4py
            daal4py.daalinit(int(n))
        except Exception:  # sklearnex missing: its cells say so
            pass


# ----------------------------------------------------------------------------- timing


CLOCK = "wall"  # or "cpu" (--clock): time.process_time, R's user + system


def timed_call(call, clock=None):
    """(seconds, result): the peer's own clock when it reports one (R glmnet: R's
    system.time, without R's start-up and the transfer of the data). With the "cpu"
    clock, the CPU seconds of this process (every thread of it) instead of wall time:
    on a loaded machine a one-thread call's wall time is mostly waiting for a core."""
    cpu = (clock or CLOCK) == "cpu"
    now = time.process_time if cpu else time.perf_counter
    t0 = now()
    result = call()
    elapsed = now() - t0
    own = getattr(result, "cpu_seconds" if cpu else "seconds", None)
    return (own or elapsed), result


@dataclasses.dataclass
class Entry:
    """One solver of a workload: a peer, or one rung of fastreg's ladder."""
    name: str
    call: object
    tol: float | None = None
    subopt: float = float("nan")
    first: float = float("nan")
    times: list = dataclasses.field(default_factory=list)
    once: bool = False  # timed once (its untimed call): slower than --long

    def median(self):
        return float(np.median(self.times)) if self.times else self.first


def _subopt(wl, result):
    return workloads.suboptimality(wl, result.coefs, result.alphas, result.l1_ratio)


def first(entry, wl, long_call, warmup=False):
    """The untimed call (its seconds kept for the calls timed once). A peer that
    compiles on its first call (skglm's numba) makes a second one when the first was
    long, so that a once-timed cell does not count the compilation."""
    entry.first, result = timed_call(entry.call)
    if warmup and entry.first > long_call:
        entry.first, result = timed_call(entry.call)
    entry.subopt = _subopt(wl, result)
    entry.once = entry.first > long_call


def interleaved(entries, rounds):
    """`rounds` rounds, each calling every entry once (alternating the order)."""
    timed = [e for e in entries if not e.once]
    for r in range(rounds):
        for e in (timed if r % 2 == 0 else timed[::-1]):
            e.times.append(timed_call(e.call)[0])


def tols_for(wl):
    return (None,) if wl.spec.family in DIRECT else LADDER


def fastreg_entry(wl, tol):
    built = wl if tol is None else dataclasses.replace(wl, tol=tol)
    return Entry("fastreg", _quiet(solvers.get("fastreg").build(built)), tol)


def build_ladder(wl, target, long_call):
    """fastreg's rungs, loosest first, until at or below `target` and the grid's tol."""
    rungs = []
    for tol in tols_for(wl):
        rung = fastreg_entry(wl, tol)
        first(rung, wl, long_call)
        rungs.append(rung)
        if max(rung.subopt, FLOOR) <= target and (tol is None or tol <= wl.tol * 1.0001):
            break
    return rungs


def match(rungs, peer_subopt):
    """The fastest rung at least as accurate as the peer, or None."""
    ok = [r for r in rungs if max(r.subopt, FLOOR) <= max(peer_subopt, FLOOR)]
    return min(ok, key=lambda r: r.median()) if ok else None


def _grid_rung(wl, rungs):
    for r in rungs:
        if r.tol is None or abs(r.tol - wl.tol) <= 1e-4 * wl.tol:
            return r
    return None


def _row(wl_id, peer, rungs, grid, threads):
    row = dict(workload=wl_id, peer=peer.name, peer_time=peer.median(),
               peer_subopt=peer.subopt, peer_once=peer.once, threads=threads, clock=CLOCK,
               rungs=[(r.tol, r.median(), r.subopt) for r in rungs])
    best = match(rungs, peer.subopt)
    if best is None:
        row.update(tol=None, time=None, subopt=None, ratio=None,
                   floor=min(r.subopt for r in rungs))
    else:
        row.update(tol=best.tol, time=best.median(), subopt=best.subopt,
                   ratio=peer.median() / best.median())
    if grid is not None:
        row.update(grid_tol=grid.tol, grid_time=grid.median(), grid_subopt=grid.subopt)
    return row


def measure(wl_id, peers, rounds, cap, long_call, recorded=None):
    """Rows of one workload: n/a rows, then one per peer that solved it."""
    from .harness import _first_call_within_cap
    wl = workloads.get(wl_id)
    threads = os.environ.get("FASTREG_EQACC_THREADS", "default")
    rows, entries = [], []
    for name in peers:
        if recorded is not None:
            e = Entry(name, None, subopt=recorded[name]["subopt"],
                      first=recorded[name]["median"])
            entries.append(e)
            continue
        try:
            call = _quiet(solvers.get(name).build(wl))
        except solvers.Unsupported as exc:
            rows.append(dict(workload=wl_id, peer=name,
                             na=na_reason(name, wl.spec.family, str(exc))))
            continue
        if cap:
            errors = []
            status, seconds = _first_call_within_cap(wl_id, name, cap, errors)
            if status != "ok":
                why = f"over the cap ({cap:g} s)" if status == "cap" else \
                    "its first call failed" + (f" ({errors[0]})" if errors else "")
                rows.append(dict(workload=wl_id, peer=name, na=why))
                continue
        e = Entry(name, call)
        try:
            first(e, wl, long_call, solvers.get(name).needs_warmup)
        except Exception as exc:  # a peer's own failure on this workload
            rows.append(dict(workload=wl_id, peer=name,
                             na=f"failed: {type(exc).__name__}: {str(exc)[:120]}"))
            continue
        entries.append(e)
    if not entries:
        return rows
    target = min(max(e.subopt, FLOOR) for e in entries)
    rungs = build_ladder(wl, target, long_call)
    interleaved([e for e in entries if e.call is not None] + rungs, rounds)
    grid = _grid_rung(wl, rungs)
    rows += [_row(wl_id, e, rungs, grid, threads) for e in entries]
    return rows


# ----------------------------------------------------------------------------- output


def _fmt_time(t, once=False):
    if t is None:
        return ""
    s = f"{t * 1e3:.3g} ms" if t < 1 else f"{t:.3g} s"
    return s + " (1 call)" if once else s


def _fmt_tol(t):
    return "direct" if t is None else f"{t:.0e}"


HEADER = ("workload", "peer", "peer time", "peer subopt", "fastreg tol", "fastreg time",
          "fastreg subopt", "peer / fastreg", "fastreg at grid tol (time, subopt)")


def format_row(r):
    grid = ""
    if r.get("grid_time") is not None:
        grid = (f"{_fmt_tol(r['grid_tol'])}: {_fmt_time(r['grid_time'])}, "
                f"{r['grid_subopt']:.1e}")
    head = (r["workload"], r["peer"], _fmt_time(r["peer_time"], r.get("peer_once")),
            f"{r['peer_subopt']:.1e}")
    if r["ratio"] is None:
        return head + (f"not reached (fastreg's best {r['floor']:.1e})", "", "", "", grid)
    return head + (_fmt_tol(r["tol"]), _fmt_time(r["time"]), f"{r['subopt']:.1e}",
                   f"{r['ratio']:.2f}", grid)


def markdown(rows):
    done = [r for r in rows if "na" not in r]
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(format_row(r)) + " |" for r in done]
    na = {}
    for r in rows:
        if "na" in r:
            na.setdefault((r["peer"], r["na"]), []).append(r["workload"])
    if na:
        lines += ["", "n/a (the peer cannot solve the workload's problem, or did not run):",
                  ""]
        lines += [f"- {peer}: {why}: {', '.join(wls)}" for (peer, why), wls in na.items()]
    losses = [r for r in done if r["ratio"] is None or r["ratio"] < 1]
    lines += ["", f"Cells where the peer is faster at equal accuracy (or fastreg does not "
                  f"reach its accuracy): {len(losses)} of {len(done)}", ""]
    lines += [f"- {r['workload']} / {r['peer']}: " + (
        f"{r['ratio']:.2f} (peer {_fmt_time(r['peer_time'])} at {r['peer_subopt']:.1e}; "
        f"fastreg {_fmt_time(r['time'])} at tol {_fmt_tol(r['tol'])}, {r['subopt']:.1e})"
        if r["ratio"] is not None else
        f"not reached (peer at {r['peer_subopt']:.1e}, fastreg's best {r['floor']:.1e})")
        for r in losses]
    return "\n".join(lines)


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


def grid_workloads(quick, keyword):
    ids = list(QUICK) if quick else [s.id for s in workloads.specs("full")
                                     if s.n_jobs == 1]
    return [i for i in ids if not keyword or keyword in i]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.equal_accuracy",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"only {', '.join(QUICK)} (a few minutes)")
    parser.add_argument("-k", dest="keyword", help="only workloads whose id contains this")
    parser.add_argument("--peers", help="comma-separated peers (default: all)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (median)")
    parser.add_argument("--threads", default="1",
                        help="threads of every runtime, for everyone ('default': leave "
                             "the environment alone)")
    parser.add_argument("--cap", type=float, default=60.0,
                        help="seconds a peer's first call may take (in a child process); "
                             "0: no cap, no child")
    parser.add_argument("--long", type=float, default=10.0,
                        help="calls slower than this are timed once")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall time, or CPU time of the process (R glmnet: R's user + "
                             "system): with --threads 1 on a loaded machine, cpu measures "
                             "the work instead of the wait for a core")
    parser.add_argument("--jsonl", help="append each row (JSON) to this file")
    parser.add_argument("--table", nargs="+", metavar="JSONL",
                        help="only print the Markdown of rows kept by --jsonl runs")
    parser.add_argument("--output", help="also write the table (Markdown) to this file")
    parser.add_argument("--records", default=os.path.join(workloads.CACHE_DIR,
                                                          "last-run.jsonl"),
                        help="with --recorded-peers: the rows of a `python -m bench` run")
    parser.add_argument("--recorded-peers", action="store_true",
                        help="the workloads and peers of a `python -m bench` run, with the "
                             "peers' recorded times and accuracies (not timed again)")
    args = parser.parse_args(argv)

    if args.table:
        rows = []
        for path in args.table:
            with open(path) as f:
                rows += [json.loads(line) for line in f if line.strip()]
        print(markdown(rows))
        return 0
    limit_threads(None if args.threads == "default" else int(args.threads), argv)
    global CLOCK
    CLOCK = args.clock
    _onedal_threads()

    names = [n for n in solvers.NAMES if n != "fastreg"]
    if args.peers:
        names = [n.strip() for n in args.peers.split(",")]
        unknown = set(names) - set(solvers.NAMES)
        if unknown:
            parser.error(f"unknown peers {sorted(unknown)}; known: {solvers.NAMES}")
    if args.recorded_peers:
        records = read_records(args.records)
        plan = [(wl_id, {k: v for k, v in by.items() if k != "fastreg" and k in names})
                for wl_id, by in records.items()
                if not args.keyword or args.keyword in wl_id]
        plan = [(wl_id, rec) for wl_id, rec in plan if rec]
    else:
        plan = [(wl_id, None) for wl_id in grid_workloads(args.quick, args.keyword)]
    rows = []
    for wl_id, recorded in plan:
        try:
            found = measure(wl_id, list(recorded) if recorded else names, args.rounds,
                            args.cap, args.long, recorded)
        except workloads.DataMissing as exc:
            found = [dict(workload=wl_id, peer=n, na=f"data missing: {exc}") for n in names]
        rows += found
        for r in found:
            print("  ".join(format_row(r)) if "na" not in r else
                  f"{r['workload']}  {r['peer']}  n/a: {r['na']}", flush=True)
            if args.jsonl:
                with open(args.jsonl, "a") as f:
                    f.write(json.dumps(r) + "\n")
    if not any("na" not in r for r in rows):
        print("no workload with a peer that solved it")
        return 1
    table = markdown(rows)
    print("\n" + table)
    if args.output:
        with open(args.output, "w") as f:
            f.write(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
