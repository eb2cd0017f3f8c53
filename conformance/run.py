"""Run scikit-learn's own linear-model tests against fastreg (drop-in fidelity).

    python conformance/run.py [--keep] [--strict] [-- extra pytest args]

The test modules are taken from the installed scikit-learn (its wheel ships them),
copied into a temporary folder and run by pytest with the plugin
``_fastreg_conformance`` (beside this file), which rebinds the public names they import
from ``sklearn.linear_model`` to fastreg's and deselects the tests that never reach one.
The results (pytest's JUnit XML) are compared with ``known_failures.txt``:

* exit 1 when a test fails that is not listed there (a regression), or when pytest
  could not run (collection error, no test);
* a listed test that now passes is reported ("fixed: remove from known_failures");
  with ``--strict`` that also exits 1.

See README.md beside this file.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TEST_MODULES = (
    "test_coordinate_descent.py",
    "test_sparse_coordinate_descent.py",
    "test_ridge.py",
)
EXPECTED_SKLEARN = "1.9"


def read_list(path):
    # the same parser as the plugin's (imported lazily: the plugin imports fastreg)
    from _fastreg_conformance import read_list as _read
    return _read(str(path))


def sklearn_tests_dir():
    import sklearn
    tests = Path(sklearn.__file__).resolve().parent / "linear_model" / "tests"
    missing = [m for m in TEST_MODULES if not (tests / m).is_file()]
    if missing:
        sys.exit(f"conformance: the installed scikit-learn {sklearn.__version__} has no "
                 f"{', '.join(missing)} in {tests} (a wheel without its tests?)")
    return sklearn.__version__, tests


def parse_junit(path):
    """{nodeid: 'passed' | 'failed' | 'skipped' | 'xfailed'} and {nodeid: message}."""
    results, messages = {}, {}
    root = ET.parse(path).getroot()
    for case in root.iter("testcase"):
        classname, name = case.get("classname", ""), case.get("name", "")
        parts = classname.split(".")
        nodeid = "::".join([parts[0] + ".py"] + parts[1:] + [name])
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "failed"
                lines = [ln.strip() for ln in (child.get("message") or "").splitlines()]
                messages[nodeid] = " | ".join(ln for ln in lines[:4] if ln)
                break
            if child.tag == "skipped":
                outcome = "xfailed" if child.get("type") == "pytest.xfail" else "skipped"
        # an error in teardown after a pass gives two entries: failed wins
        if results.get(nodeid) != "failed":
            results[nodeid] = outcome
    return results, messages


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (printed) for inspection")
    parser.add_argument("--strict", action="store_true",
                        help="also exit 1 when a known failure now passes")
    parser.add_argument("--known", default=str(HERE / "known_failures.txt"))
    parser.add_argument("--deselect", default=str(HERE / "deselect.txt"))
    parser.add_argument("--float32", choices=("0", "1"), default="1",
                        help="run scikit-learn's float32 variants "
                             "(SKLEARN_RUN_FLOAT32_TESTS, default 1)")
    parser.add_argument("pytest_args", nargs="*",
                        help="after --: more pytest arguments (e.g. -k lasso)")
    args = parser.parse_args(argv)

    version, tests = sklearn_tests_dir()
    if not version.startswith(EXPECTED_SKLEARN + "."):
        print(f"conformance: note: the lists are for scikit-learn {EXPECTED_SKLEARN}, "
              f"this is {version}; expect stale entries")
    tmp = Path(tempfile.mkdtemp(prefix="fastreg-conformance-"))
    try:
        for m in TEST_MODULES:
            shutil.copy(tests / m, tmp / m)
        # an empty ini file: the folder is its own rootdir, no other configuration
        (tmp / "pytest.ini").write_text("[pytest]\n")
        junit = tmp / "junit.xml"
        report_path = tmp / "selection.json"
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(HERE)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        env["FASTREG_CONFORMANCE_REPORT"] = str(report_path)
        env["FASTREG_CONFORMANCE_DESELECT"] = str(Path(args.deselect).resolve())
        env["SKLEARN_RUN_FLOAT32_TESTS"] = args.float32
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "-p", "sklearn.conftest", "-p", "_fastreg_conformance",
               "--junitxml", str(junit), "-o", "junit_family=xunit1",
               "--tb=line", "-rN", *TEST_MODULES, *args.pytest_args]
        print(f"conformance: scikit-learn {version} tests from {tests}")
        print("conformance: running", " ".join(cmd[2:]), flush=True)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        (tmp / "pytest.log").write_text(proc.stdout + proc.stderr)
        if not junit.exists() or not report_path.exists() or proc.returncode not in (0, 1):
            print(proc.stdout[-5000:], proc.stderr[-5000:])
            print(f"conformance: pytest did not run the tests (exit {proc.returncode})")
            return 1
        return summarize(args, junit, report_path, elapsed)
    finally:
        if args.keep:
            print(f"conformance: kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def summarize(args, junit, report_path, elapsed):
    results, messages = parse_junit(junit)
    sel = json.loads(report_path.read_text())
    known = read_list(args.known)
    listed_deselect = read_list(args.deselect)
    counts = Counter(results.values())
    failed = {t for t, o in results.items() if o == "failed"}
    passed = {t for t, o in results.items() if o == "passed"}
    regressions = sorted(failed - set(known))
    known_failing = failed & set(known)
    fixed = sorted(passed & set(known))
    stale_known = sorted(t for t in known if t not in results)
    n_auto, n_list = len(sel["auto_deselected"]), len(sel["list_deselected"])

    print(f"conformance: rebound to fastreg: {', '.join(sel['rebound'])}")
    if sel["targets_kept"]:
        print("conformance: targets fastreg lacks (tests use scikit-learn's): "
              + ", ".join(sel["targets_kept"]))
    broken = [f"{mod}: {n} is not fastreg's" for mod, info in sorted(sel["modules"].items())
              for n in info.get("not_rebound", [])]
    broken += [f"{leak} was bound to fastreg's (scikit-learn itself would use it)"
               for leak in sel["leaks"]]
    for line in broken:
        print(f"conformance: REBINDING FAILED: {line}")
    for mod, info in sorted(sel["modules"].items()):
        if info["kept_other"]:
            print(f"conformance: {mod}: other names stay scikit-learn's: "
                  + ", ".join(info["kept_other"]))
    print(f"conformance: {len(sel['collected'])} collected; deselected {n_auto} that "
          f"never reach a rebound name (they test scikit-learn) and {n_list} listed in "
          f"deselect.txt")
    subset = bool(args.pytest_args)   # e.g. -k: entries outside it are not stale
    if sel["deselect_stale"] and not subset:
        print(f"conformance: {len(sel['deselect_stale'])} deselect.txt entries not "
              "collected (stale):")
        for t in sel["deselect_stale"]:
            print(f"  {t}")
    if counts["skipped"] or counts["xfailed"]:
        print(f"conformance: also {counts['skipped']} skipped, {counts['xfailed']} "
              "xfailed (scikit-learn's own marks: missing array-API libraries, ...)")

    # per-group table
    groups = defaultdict(lambda: Counter())
    for t, (group, _) in known.items():
        o = results.get(t)
        groups[group]["listed"] += 1
        groups[group]["failing" if o == "failed" else
                      "now passing" if o == "passed" else "not run"] += 1
    width = max([len(g) for g in groups] + [30])
    print()
    print(f"{'known-failure group':<{width}}  listed  failing  now passing  not run")
    for g, c in groups.items():
        print(f"{g:<{width}}  {c['listed']:>6}  {c['failing']:>7}  "
              f"{c['now passing']:>11}  {c['not run']:>7}")
    print(f"{'(not listed: regressions)':<{width}}  {'':>6}  {len(regressions):>7}")
    dgroups = Counter(g for t, (g, _) in listed_deselect.items()
                      if t in sel["list_deselected"])
    if dgroups:
        print()
        print(f"{'deselect.txt group':<{width}}  deselected")
        for g, n in dgroups.items():
            print(f"{g:<{width}}  {n:>10}")
    print()

    for t in fixed:
        print(f"fixed: remove from known_failures: {t}")
    if stale_known and not subset:
        print(f"conformance: {len(stale_known)} known_failures entries did not run "
              "(renamed or deselected?):")
        for t in stale_known:
            print(f"  {t}")
    for t in regressions:
        print(f"REGRESSION: {t}  # {messages.get(t, '')[:300]}")
    n_run = counts["passed"] + counts["failed"]
    rate = 100.0 * counts["passed"] / n_run if n_run else 0.0
    print(f"conformance: pass rate {rate:.1f}% of the {n_run} tests run on fastreg; "
          f"{elapsed:.0f} s")
    print(f"conformance: {counts['passed']} passed, {counts['failed']} failed "
          f"({len(known_failing)} known), {n_auto + n_list} deselected")
    if n_run == 0:
        print("conformance: no test ran")
        return 1
    if broken:
        return 1
    if regressions:
        return 1
    if fixed and args.strict:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
