"""Run one cell (workload x solver): build, guard the time cap, time, check accuracy, record.

Each cell is one pytest-benchmark test with one timed call (`benchmark.pedantic`, several
rounds of that one call). Peers first run once in a separate Python process with a time
limit: a peer that exceeds the cap is reported "> cap" and never run in the test process.
Timings are never asserted; fastreg's accuracy is asserted after timing.
"""
import json
import math
import os
import signal
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

from . import busy, workloads
from . import solvers as solvers_mod

CAP_SECONDS = float(os.environ.get("FASTREG_BENCH_CAP", "60"))
RECORD_ENV = "FASTREG_BENCH_RECORD"


def record(**row):
    """Append one result row (JSON line) for the runner; a no-op outside `python -m bench`."""
    path = os.environ.get(RECORD_ENV)
    if path:
        with open(path, "a") as f:
            f.write(json.dumps(row) + "\n")


def skip(wl_id, solver, reason, status="skip"):
    record(workload=wl_id, solver=solver, status=status, reason=reason)
    print(f"\n[bench] {solver} on {wl_id}: {status}: {reason}")
    pytest.skip(f"{solver} on {wl_id}: {reason}")


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# seconds a child may spend loading the workload before its first call is timed
SETUP_ALLOWANCE = 120


def _child_first_call(spec_id, solver_name, cap):
    """In the child: load, build, and time the first call; SIGALRM (default action:
    the process ends) stops it at the cap, even inside compiled code."""
    wl = workloads.get(spec_id)
    call = _quiet(solvers_mod.get(solver_name).build(wl))
    signal.alarm(max(1, math.ceil(cap)))
    t0 = time.perf_counter()
    call()
    seconds = time.perf_counter() - t0
    signal.alarm(0)
    print(f"FIRST_CALL_SECONDS {seconds!r}")


def _first_call_within_cap(spec_id, solver_name, cap, errors=None):
    """Run the solver's first call on the workload in a fresh Python process. Returns
    ("ok" | "error" | "cap", seconds or None); on "error", the child's last line of
    stderr (its exception) is appended to `errors` when given.

    Not a fork of the test process: OpenBLAS shuts its threads down around a fork()
    and restarts them afterwards, and in the parent every later switch of the BLAS
    thread count (fastreg limits SciPy's BLAS around its kernel) then left a spinning
    thread behind, which took ~4 ms from each of the next small fastreg cells (the
    leukemia fits at alpha_max/100: 6.3 ms against 2.3 ms alone).
    """
    code = ("from bench.harness import _child_first_call; "
            f"_child_first_call({spec_id!r}, {solver_name!r}, {float(cap)!r})")
    try:
        proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                              text=True, timeout=cap + SETUP_ALLOWANCE)
    except subprocess.TimeoutExpired:
        return "cap", float(cap)
    if proc.returncode == -signal.SIGALRM:
        return "cap", float(cap)
    if proc.returncode != 0 or "FIRST_CALL_SECONDS" not in proc.stdout:
        if errors is not None:
            errors.append(child_error(proc.stderr, proc.returncode))
        return "error", None
    return "ok", float(proc.stdout.rsplit("FIRST_CALL_SECONDS", 1)[1].split()[0])


def child_error(stderr, returncode):
    """What a failed child says: the last line of its stderr (a Python traceback ends
    with the exception), else its exit status."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if lines:
        return lines[-1][:160]
    if returncode < 0:
        return f"killed by signal {-returncode}"
    return f"exit status {returncode}"


def _quiet(call):
    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning & co: accuracy is measured
            return call()
    return run


def busy_rounds(call, n_rounds, inside, quiet_median):
    """Median seconds of ``n_rounds`` calls with the session's competing process
    running (the peer's own clock when it reports one, as for the quiet rounds), after
    an untimed call when the cell is short (the quiet rounds too follow one)."""
    walls = []
    inside.clear()
    with busy.current.running():
        if quiet_median < 1.0:
            call()              # untimed, as before the quiet rounds (warm caches)
        for _ in range(n_rounds):
            t0 = time.perf_counter()
            out = call()
            walls.append(time.perf_counter() - t0)
            if getattr(out, "seconds", None) is not None:
                inside.append(out.seconds)
    return float(np.median(inside if inside else walls))


def run_cell(benchmark, spec, solver_name, rounds):
    try:
        wl = workloads.get(spec.id)
    except workloads.DataMissing as exc:
        skip(spec.id, solver_name, str(exc))
    solver = solvers_mod.get(solver_name)
    try:
        call = _quiet(solver.build(wl))
    except solvers_mod.Unsupported as exc:
        skip(spec.id, solver_name, str(exc))

    # a pause before the first call, for every solver: generating or loading the
    # workload (NumPy's threaded BLAS) leaves OpenBLAS threads spinning for ~0.1 s,
    # and the calls made meanwhile measured up to 2.8x their steady time (a tall
    # fit: 36, 31, 18 ms, then 13 ms from the fourth call on; 24, 15, 13 after 0.3 s)
    time.sleep(0.3)
    first = None
    if solver.peer:
        outcome, first = _first_call_within_cap(spec.id, solver_name, CAP_SECONDS)
        if outcome == "cap":
            skip(spec.id, solver_name, f"> cap ({CAP_SECONDS:.0f} s)", status="cap")
    if solver.needs_warmup or not solver.peer:
        # untimed first call: JIT compilation for peers; for fastreg, it also turns an
        # exception on an input it does not take yet (e.g. sparse) into a skip
        t0 = time.perf_counter()
        try:
            call()
        except Exception as exc:
            if solver_name == "fastreg":
                skip(spec.id, solver_name,
                     f"not in fastreg yet (raises {type(exc).__name__}: {exc})"[:300])
            raise
        first = time.perf_counter() - t0
    # one round for slow cells, a few for the rest
    n_rounds = 1 if first is not None and first > 10 else rounds
    inside = []        # seconds a peer measured itself (Result.seconds), per round

    def timed_call():
        out = call()
        if getattr(out, "seconds", None) is not None:
            inside.append(out.seconds)
        return out
    result = benchmark.pedantic(timed_call, rounds=n_rounds, iterations=1,
                                warmup_rounds=0)

    subopt = workloads.suboptimality(wl, result.coefs, result.alphas, result.l1_ratio)
    label, limit = workloads.physical_limit(spec.id)
    stats = benchmark.stats.stats
    benchmark.extra_info.update(subopt=subopt, limit=limit, limit_label=label)
    median = stats.median
    if inside:
        # (the peer's own clock, e.g. R's system.time: its start-up excluded)
        median = float(np.median(inside))
        benchmark.extra_info.update(inside_median=median, wall_median=stats.median)
    busy_median = None
    if busy.current is not None:
        busy_median = busy_rounds(call, n_rounds, inside, median)
        benchmark.extra_info.update(busy_median=busy_median)
    record(workload=spec.id, solver=solver_name, status="ok", median=median,
           busy_median=busy_median, rounds=n_rounds, subopt=subopt, limit=limit, limit_label=label,
           accuracy_threshold=wl.accuracy, data=workloads.describe(spec.source),
           n=wl.X.shape[0], p=wl.X.shape[1], dtype=wl.X.dtype.name)
    if solver_name == "fastreg":
        assert subopt <= wl.accuracy, (
            f"fastreg on {spec.id}: relative suboptimality {subopt:.2e} > {wl.accuracy:.0e}")
