"""Two builds of fastreg, and peers, on workloads of the grid, at a ladder of tols,
interleaved at one thread: `python -m bench.abpath --old /work/wt-main`.

One worker process per build (fastreg imported from that tree, this tree's harness;
OMP_NUM_THREADS=1 and every BLAS on one thread) loads the workloads once; each round
the parent asks every worker in turn for one call of each (solver, workload, tol)
cell, so that the builds share the machine's state. A cell reports the median CPU
seconds of the call (`time.process_time`) over the rounds, the suboptimality (the
grid's measure) and, for fastreg, the kernel's counters of one more (untimed) call,
summed over the path (`fastreg._engine.TRACE`; ws_max: the largest). Peers (`--peers
glmnet-rs`) run in the new build's worker at their own tol.

    python -m bench.abpath --old /work/wt-main --tols 1e-2,1e-4,1e-8 --rounds 5
"""
import argparse
import dataclasses
import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np

WORKLOADS = ("path-we8there-sparse", "path-wide500x5000-f64")
COUNTERS = ("sweeps", "outer", "inner_gaps", "ws_max")


def _serve():
    """The worker: reads one JSON command a line, answers one JSON line."""
    from threadpoolctl import threadpool_limits

    from . import solvers, workloads
    threadpool_limits(1)
    # the answers on the real stdout; whatever the harness prints goes to stderr
    answers, sys.stdout = sys.stdout, sys.stderr
    cache, calls = {}, {}
    for line in sys.stdin:
        cmd = json.loads(line)
        wid, solver, tol = cmd["workload"], cmd["solver"], cmd["tol"]
        if wid not in cache:
            cache[wid] = workloads.get(wid)
        wl = cache[wid]
        key = (wid, solver, tol)
        if key not in calls:
            w = wl if tol is None else dataclasses.replace(wl, tol=tol)
            calls[key] = solvers.get(solver).build(w)
        call = calls[key]
        out = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if cmd.get("trace"):
                from fastreg import _engine
                _engine.TRACE = []
                try:
                    result = call()
                    rows = np.vstack(_engine.TRACE)
                finally:
                    _engine.TRACE = None
                fields = list(_engine.TRACE_FIELDS)
                out["trace"] = {f: float(rows[:, fields.index(f)].max() if f == "ws_max"
                                         else rows[:, fields.index(f)].sum())
                                for f in COUNTERS if f in fields}
            else:
                t0 = time.process_time()
                result = call()
                out["seconds"] = time.process_time() - t0
        out["subopt"] = workloads.suboptimality(wl, result.coefs, result.alphas,
                                                result.l1_ratio)
        print(json.dumps(out), file=answers, flush=True)


class Worker:
    """A worker process: fastreg imported from `tree`, the harness (this bench
    package) from this tree."""

    def __init__(self, tree):
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
                   MKL_NUM_THREADS="1")
        env.pop("PYTHONPATH", None)
        code = (f"import sys; sys.path.insert(0, {tree!r}); import fastreg; "
                f"sys.path.insert(0, {here!r}); from bench.abpath import _serve; _serve()")
        self.proc = subprocess.Popen([sys.executable, "-c", code], cwd=tree, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)

    def ask(self, **cmd):
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("worker died")
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--old", help="the other tree (built in place)")
    ap.add_argument("--new", default=os.getcwd(), help="this build's tree")
    ap.add_argument("-w", "--workloads", default=",".join(WORKLOADS))
    ap.add_argument("--tols", default="1e-2,1e-3,1e-4,1e-8")
    ap.add_argument("--peers", default="glmnet-rs")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    if args.serve:
        return _serve()
    builds = {"new": Worker(args.new)}
    if args.old:
        builds["old"] = Worker(args.old)
    tols = [float(t) for t in args.tols.split(",")]
    peers = [p for p in args.peers.split(",") if p]
    cells = []
    for wid in args.workloads.split(","):
        cells += [(wid, name, None) for name in peers]
        cells += [(wid, b, t) for t in tols for b in builds]
    times = {c: [] for c in cells}
    info = {}
    try:
        for c in cells:     # warm-up, and the counters
            wid, who, tol = c
            worker = builds.get(who, builds["new"])
            solver = "fastreg" if who in builds else who
            info[c] = worker.ask(workload=wid, solver=solver, tol=tol,
                                 trace=who in builds)
        for _ in range(args.rounds):
            for c in cells:
                wid, who, tol = c
                worker = builds.get(who, builds["new"])
                solver = "fastreg" if who in builds else who
                times[c].append(worker.ask(workload=wid, solver=solver, tol=tol)["seconds"])
    finally:
        for w in builds.values():
            w.close()
    print(f"one thread, CPU seconds, median of {args.rounds} interleaved rounds\n")
    print("| workload | solver | tol | time (ms) | subopt | new / old time | "
          + " | ".join(COUNTERS) + " |")
    print("|" + "---|" * (6 + len(COUNTERS)))
    for c in cells:
        wid, who, tol = c
        med = 1e3 * float(np.median(times[c]))
        ratio = ""
        if who == "new" and "old" in builds:
            ratio = f"{med / (1e3 * float(np.median(times[(wid, 'old', tol)]))):.2f}"
        tr = info[c].get("trace", {})
        cnt = " | ".join(f"{tr[f]:.0f}" if f in tr else "" for f in COUNTERS)
        print(f"| {wid} | {who if who in builds else who} | "
              f"{'' if tol is None else f'{tol:g}'} | {med:.1f} | "
              f"{info[c]['subopt']:.1e} | {ratio} | {cnt} |")


if __name__ == "__main__":
    sys.exit(main())
