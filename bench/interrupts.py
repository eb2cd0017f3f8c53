"""Interrupt latencies of every front end (issue 20): each case of
``tests/test_interrupts.py`` repeated, SIGINT 0.4 to 1.35 s after the child started its
computation, four children at a time.

    python -m bench.interrupts [--repeats 20] [-k LassoCV] [--cases Lasso,LassoCV-2]

Prints one row per case: how many children stopped on time (KeyboardInterrupt within
0.2 s of SIGINT, estimator unfitted, exit code 0), the median and largest latency, the
largest time from the KeyboardInterrupt to the process's end (its interpreter shutdown,
with an abandoned LAPACK call still running where there is one) and the exit codes
seen. Exits with status 1 when a child did not.
"""
import argparse
import collections
import importlib.util
import statistics
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests" / "test_interrupts.py"


def _load_tests():
    spec = importlib.util.spec_from_file_location("_fastreg_test_interrupts", TESTS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_case(T, case, repeats, at_once=4):
    """(latencies, exit codes, failures, exit times) of ``repeats`` children of
    ``case``."""
    delays = [0.4 + 0.05 * (k % 20) for k in range(repeats)]
    latencies, codes, failures, exits = [], collections.Counter(), [], []
    for start in range(0, repeats, at_once):
        for report, code, err in T.run_children(case, delays[start:start + at_once]):
            codes[code] += 1
            if report["latency"] is not None:
                latencies.append(report["latency"])
            if report.get("exit_s") is not None:
                exits.append(report["exit_s"])
            ok = (code == 0 and report["outcome"] == "interrupted" and
                  report["latency"] < T.LATENCY and not report["fitted"])
            if not ok:
                failures.append((report, code, err[-500:]))
    return latencies, codes, failures, exits


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("-k", default="", help="only the cases containing this")
    parser.add_argument("--cases", default="", help="comma-separated cases, in this order")
    args = parser.parse_args(argv)
    T = _load_tests()
    print("| case | stopped on time | median latency s | max latency s | max exit s | "
          "exit codes |")
    print("|---|---|---|---|---|---|")
    bad = False
    for case in args.cases.split(",") if args.cases else T.CASES + T.RIDGE_CASES:
        if args.k not in case:
            continue
        latencies, codes, failures, exits = run_case(T, case, args.repeats)
        ok = args.repeats - len(failures)
        codes_text = ", ".join(f"{c}: {k}x" for c, k in sorted(codes.items()))
        print(f"| {case} | {ok}/{args.repeats} | {statistics.median(latencies or [0]):.3f} | "
              f"{max(latencies or [0]):.3f} | {max(exits or [0]):.2f} | {codes_text} |",
              flush=True)
        for failure in failures:
            print("   failed:", failure, file=sys.stderr)
        bad = bad or bool(failures)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
