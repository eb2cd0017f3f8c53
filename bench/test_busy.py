"""Smoke tests of the busy-machine option (bench/busy.py, `--busy`, `--bench-busy`).

Not a benchmark and no timing asserted: the competing process burns CPU only while
resumed, ends when stopped, on Ctrl-C and when its parent dies; a cell run with
--bench-busy records a busy median, and the report shows the slowdown columns.
"""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from bench import __main__ as runner
from bench import busy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _gone(pid, within=5.0):
    """True once process ``pid`` has ended (or is a zombie) within ``within`` s."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


def _cpu(pid):
    seconds = busy.cpu_seconds(pid)
    if seconds is None:
        pytest.skip("no /proc/<pid>/stat to read CPU time from")
    return seconds


def test_competitor_spins_only_when_resumed_and_stops():
    with busy.Competitor() as c:
        pid = c.proc.pid
        a = _cpu(pid)
        time.sleep(0.3)
        b = _cpu(pid)
        with c.running():                    # running: a busy loop (on a loaded
            deadline = time.monotonic() + 20  # machine it gets a share of a core)
            while _cpu(pid) - b < 0.05 and time.monotonic() < deadline:
                time.sleep(0.05)
        d = _cpu(pid)
        assert b - a < 0.05                  # paused: SIGSTOP
        assert d - b >= 0.05
        assert c.alive
    assert c.proc is None
    assert _gone(pid)
    c.stop()                                 # stopping twice is harmless


def _script_child(code):
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": ROOT})
    pid = int(proc.stdout.readline())
    return proc, pid


def test_competitor_stopped_on_ctrl_c():
    proc, pid = _script_child(
        "import time\nfrom bench import busy\n"
        "with busy.Competitor() as c:\n"
        "    c.resume(); print(c.proc.pid, flush=True)\n"
        "    try:\n        time.sleep(60)\n    except KeyboardInterrupt:\n        pass\n")
    try:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
        assert _gone(pid)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_competitor_ends_when_its_parent_is_killed():
    proc, pid = _script_child(
        "import time\nfrom bench import busy\n"
        "c = busy.Competitor().start(); c.resume(); print(c.proc.pid, flush=True)\n"
        "time.sleep(60)\n")
    proc.kill()                               # SIGKILL: no clean-up in the parent
    proc.wait(timeout=20)
    assert _gone(pid, within=10)


def test_cell_records_busy_median(tmp_path):
    record = tmp_path / "rows.jsonl"
    env = {**os.environ, "PYTHONPATH": ROOT, "FASTREG_BENCH_RECORD": str(record)}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "bench/test_fit.py", "-q", "-p", "no:cacheprovider",
         "--bench-busy", "--bench-rounds=1", "--bench-solvers=fastreg",
         "-k", "fit-lasso-leukemia-a10-f64", "--benchmark-disable-gc"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 5), proc.stdout + proc.stderr
    rows = [json.loads(line) for line in record.read_text().splitlines() if line.strip()]
    assert len(rows) == 1
    if rows[0]["status"] == "skip":           # the real data are not on this machine
        pytest.skip(rows[0]["reason"])
    assert rows[0]["status"] == "ok"
    assert rows[0]["busy_median"] > 0


def _rows(fr_quiet, fr_busy, sk_quiet, sk_busy):
    base = dict(workload="w", status="ok", subopt=0.0, accuracy_threshold=1e-8, limit=0.0,
                limit_label="x")
    return [dict(base, solver="fastreg", median=fr_quiet, busy_median=fr_busy),
            dict(base, solver="sklearn", median=sk_quiet, busy_median=sk_busy)]


def test_report_shows_slowdowns_and_flags_over_target():
    rows = runner.build_rows(_rows(0.1, 0.5, 1.0, 2.0))     # 5x against 2x
    table = runner.markdown_table(rows)
    assert "busy / quiet" in table and "5.00 OVER" in table and "| 2.00 |" in table
    rows = runner.build_rows(_rows(0.1, 0.25, 1.0, 3.0))    # 2.5x against 3x
    assert "OVER" not in runner.markdown_table(rows)
    quiet = runner.build_rows([dict(r, busy_median=None) for r in _rows(1, 1, 1, 1)])
    assert "busy" not in runner.markdown_table(quiet)
