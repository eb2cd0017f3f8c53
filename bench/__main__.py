"""Run the benchmark suite and report: `python -m bench [--quick] [--solvers a,b] [--busy]`.

Runs the pytest-benchmark tests of this folder in-process, then prints a table
(workload x solver -> median time, ratio to fastreg, accuracy, multiple of the physical
limit) and writes bench/RESULTS.md and bench/results.png (when matplotlib is installed).
With --busy every cell is also timed with one competing CPU-bound process running
(bench/busy.py), and the table shows each solver's slowdown (busy / quiet) beside
scikit-learn's on the same workload. The exit status is pytest's: non-zero when a
fastreg accuracy check failed.
"""
import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import sys

import pytest

from . import harness, solvers, workloads

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGES = ["numpy", "scipy", "scikit-learn", "fastreg", "celer", "skglm", "glmnet-rs",
            "python-glmnet", "pytest-benchmark", "threadpoolctl"]


# ----------------------------------------------------------------------------- environment


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def environment():
    lines = [f"CPU: {cpu_model()}, {os.cpu_count()} logical cores",
             f"Python {platform.python_version()} on {platform.platform()}"]
    skipped = [(name, solvers.get(name).unavailable) for name in solvers.NAMES]  # imports all
    try:
        from threadpoolctl import threadpool_info
        for pool in threadpool_info():
            lines.append(f"{pool['user_api']}: {pool['internal_api']} "
                         f"{pool.get('version') or ''}, {pool['num_threads']} threads"
                         + (f", {pool['architecture']}" if pool.get("architecture") else "")
                         + f" ({os.path.basename(pool['filepath'])})")
    except ImportError:
        lines.append("threadpoolctl not installed: BLAS/OpenMP threads unknown")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        lines.append(f"{var}={os.environ.get(var, '(unset)')}")
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    lines.append("Packages: " + ", ".join(versions))
    lines += [f"Skipped solver {name}: {reason}" for name, reason in skipped if reason]
    return lines


# ----------------------------------------------------------------------------- table


def _fmt_time(t):
    return f"{t * 1e3:.3g} ms" if t < 1 else f"{t:.3g} s"


def slowdown(record):
    if record.get("status") != "ok" or record.get("busy_median") is None:
        return None
    return record["busy_median"] / record["median"]


def over_busy_target(fastreg_record, records):
    """fastreg's slowdown under one competing process above max(scikit-learn's on the
    same workload, 2) (issue 19's target)."""
    ours = slowdown(fastreg_record)
    theirs = [slowdown(r) for r in records
              if r["workload"] == fastreg_record["workload"] and r["solver"] == "sklearn"]
    theirs = [s for s in theirs if s is not None]
    return ours is not None and ours > max(theirs + [2.0])


def build_rows(records):
    """One row per (workload, solver), in the order the cells ran."""
    fastreg_time = {r["workload"]: r["median"] for r in records
                    if r["solver"] == "fastreg" and r["status"] == "ok"}
    rows = []
    for r in records:
        row = {"workload": r["workload"], "solver": r["solver"], "time": "", "vs": "",
               "subopt": "", "limit": "", "busy": "", "slowdown": "", "note": ""}
        if r["status"] == "ok":
            row["time"] = _fmt_time(r["median"])
            ref = fastreg_time.get(r["workload"])
            row["vs"] = f"{r['median'] / ref:.2f}" if ref else ""
            flag = " FAIL" if (r["solver"] == "fastreg"
                               and r["subopt"] > r["accuracy_threshold"]) else ""
            row["subopt"] = f"{r['subopt']:.1e}{flag}"
            row["limit"] = f"{r['median'] / r['limit']:.1f}" if r["limit"] > 0 else ""
            row["note"] = f"limit = {r['limit_label']} ({_fmt_time(r['limit'])})"
            if r.get("busy_median") is not None:
                row["busy"] = _fmt_time(r["busy_median"])
                row["slowdown"] = f"{r['busy_median'] / r['median']:.2f}"
                if r["solver"] == "fastreg" and over_busy_target(r, records):
                    row["slowdown"] += " OVER"
        elif r["status"] == "cap":
            row["time"] = f"> cap ({harness.CAP_SECONDS:.0f} s)"
        else:
            row["note"] = f"skipped: {r['reason']}"
        rows.append(row)
    return rows


COLUMNS = [("workload", "workload"), ("solver", "solver"), ("time", "median time"),
           ("vs", "time / fastreg"), ("subopt", "rel. subopt."),
           ("limit", "time / limit"), ("note", "note")]


BUSY_COLUMNS = [("busy", "busy time"), ("slowdown", "busy / quiet")]


def columns(rows):
    """The table's columns; the busy ones only when some cell was timed busy."""
    if any(r["busy"] for r in rows):
        return COLUMNS[:-1] + BUSY_COLUMNS + COLUMNS[-1:]
    return COLUMNS


def text_table(rows):
    cols = columns(rows)
    widths = {k: max(len(h), *(len(r[k]) for r in rows)) for k, h in cols[:-1]}
    head = "  ".join(h.ljust(widths[k]) for k, h in cols[:-1]) + "  note"
    out = [head, "-" * len(head)]
    for r in rows:
        out.append("  ".join(r[k].ljust(widths[k]) for k, _ in cols[:-1])
                   + "  " + r["note"])
    return "\n".join(out)


def markdown_table(rows):
    cols = columns(rows)
    out = ["| " + " | ".join(h for _, h in cols) + " |",
           "|" + "---|" * len(cols)]
    for r in rows:
        out.append("| " + " | ".join(r[k].replace("|", "/") for k, _ in cols) + " |")
    return "\n".join(out)


def write_results(path, args, env, rows, png_note):
    mode = "quick" if args.quick else "full"
    today = datetime.date.today().isoformat()
    command = "python -m bench"
    if args.quick:
        command += " --quick"
    if args.keyword:
        command += f' -k "{args.keyword}"'
        mode = f"{mode}-grid subset"
    if args.solvers:
        command += f" --solvers {args.solvers}"
        mode = f"{mode}, some solvers" if "subset" in mode else f"{mode}-grid, some solvers"
    busy_note = ""
    if getattr(args, "busy", False):
        command += " --busy"
        mode = f"{mode}, quiet and busy"
        busy_note = ("\n\"busy time\" is the median of the same calls with one competing "
                     "CPU-bound process running (bench/busy.py); \"busy / quiet\" its ratio to "
                     "the quiet median; OVER marks a fastreg slowdown above max(scikit-learn's "
                     "on the workload, 2).")
    text = f"""# Benchmark results ({mode} run, {today})

Produced by `{command}`; see README.md for how to run
and what each column means. Median over the timed rounds of one call; "time / fastreg" is the
solver's median divided by fastreg's on the same workload (above 1: slower than fastreg);
"rel. subopt." is max over the workload's alphas of (f - f_best) / f(0), where fastreg must
stay below 1e-8 (float64; 1e-5 for float32); "time / limit" is the median divided by the
physical limit of the workload (X^T X once in the Gram regime, one X^T r per alpha when wide).
glmnet's stopping rule is not a duality gap: its accuracy is reported as achieved.
Skipped cells say why (e.g. "not in fastreg yet").{busy_note}

## Machine

{chr(10).join('- ' + line for line in env)}

## Results

{markdown_table(rows)}

{png_note}
"""
    with open(path, "w") as f:
        f.write(text)


def bar_chart(records, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import numpy as np
    except ImportError:
        return "matplotlib not installed: no results.png"
    wls = list(dict.fromkeys(r["workload"] for r in records))
    names = [s for s in solvers.NAMES if any(r["solver"] == s for r in records)]
    width = 0.8 / max(len(names), 1)
    fig, ax = plt.subplots(figsize=(max(8, 0.9 * len(wls) + 2), 5))
    for i, name in enumerate(names):
        times, capped = [], []
        for wl in wls:
            match = [r for r in records if r["workload"] == wl and r["solver"] == name]
            r = match[0] if match else None
            times.append(r["median"] if r and r["status"] == "ok" else
                         harness.CAP_SECONDS if r and r["status"] == "cap" else np.nan)
            capped.append(bool(r and r["status"] == "cap"))
        x = np.arange(len(wls)) + (i - (len(names) - 1) / 2) * width
        bars = ax.bar(x, times, width, label=name)
        for bar, c in zip(bars, capped, strict=True):
            if c:
                bar.set_hatch("//")
                bar.set_alpha(0.5)
    ax.set_yscale("log")
    ax.set_ylabel("median time per call (s, log scale)")
    ax.set_xticks(np.arange(len(wls)))
    ax.set_xticklabels(wls, rotation=60, ha="right", fontsize=8)
    ax.legend(fontsize=8)
    ax.set_title("fastreg benchmark (hatched: exceeded the time cap)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return "![time per workload and solver](results.png)"


# ----------------------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="the foundation grid at reduced size (about a minute)")
    parser.add_argument("--solvers", help=f"comma-separated subset of {','.join(solvers.NAMES)}")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per cell")
    parser.add_argument("--cap", type=float, default=60.0,
                        help="seconds a peer may take on one call before '> cap'")
    parser.add_argument("-k", dest="keyword", help="pytest -k expression to select cells")
    parser.add_argument("--busy", action="store_true",
                        help="also time every cell with one competing CPU-bound process "
                             "running, and report the slowdown (busy / quiet)")
    parser.add_argument("--output", default=HERE, help="folder for RESULTS.md and results.png")
    parser.add_argument("--report-only", action="store_true",
                        help="rebuild the table, RESULTS.md and results.png from the rows "
                             "recorded by the last (possibly interrupted) run")
    args = parser.parse_args(argv)

    env = environment()
    print("\n".join(env))
    os.environ["FASTREG_BENCH_CAP"] = str(args.cap)
    harness.CAP_SECONDS = args.cap
    record_path = os.path.join(workloads.CACHE_DIR, "last-run.jsonl")
    if args.report_only:
        return report(args, env, record_path)
    os.makedirs(workloads.CACHE_DIR, exist_ok=True)
    open(record_path, "w").close()
    os.environ[harness.RECORD_ENV] = record_path
    pytest_args = [HERE, f"--bench-mode={'quick' if args.quick else 'full'}",
                   f"--bench-rounds={args.rounds}", "-p", "no:cacheprovider", "-q",
                   f"--benchmark-json={os.path.join(HERE, 'last-run.json')}",
                   "--benchmark-columns=median,rounds", "--benchmark-sort=name"]
    if args.solvers:
        pytest_args.append(f"--bench-solvers={args.solvers}")
    if args.keyword:
        pytest_args += ["-k", args.keyword]
    if args.busy:
        pytest_args.append("--bench-busy")
    code = pytest.main(pytest_args)
    return report(args, env, record_path) or int(code)


def report(args, env, record_path):
    with open(record_path) as f:
        records = [json.loads(line) for line in f if line.strip()]
    if not records:
        print("no benchmark cell ran")
        return 1
    rows = build_rows(records)
    print("\n" + text_table(rows))
    os.makedirs(args.output, exist_ok=True)
    png_note = bar_chart(records, os.path.join(args.output, "results.png"))
    if not png_note.startswith("!"):
        print(png_note)
    write_results(os.path.join(args.output, "RESULTS.md"), args, env, rows, png_note)
    print(f"\nwrote {os.path.join(args.output, 'RESULTS.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
