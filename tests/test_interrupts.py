"""Interrupts (issue 20, item 2): every fit, path and CV stops within 0.2 s of SIGINT,
raising KeyboardInterrupt, leaves the estimator unfitted, and the process exits
normally afterwards, also with the folds on threads (n_jobs=2).

Each case runs in a child process that starts a long computation and prints READY;
the parent sends SIGINT about a second later. The child notes when it caught the
KeyboardInterrupt (time.monotonic, one clock for every process), checks that the
estimator has no ``coef_`` and prints one line of JSON; the parent takes the latency
from the moment it sent the signal (not from when Python's handler ran: a computation
that keeps the main thread from running it would hide there), and checks it and the
exit code.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

import pytest

LATENCY = 0.2          # seconds from SIGINT to KeyboardInterrupt
REPEATS_THREADS = 20   # repetitions of the n_jobs=2 case

CHILD = textwrap.dedent("""
    import json, os, signal, sys, time
    import numpy as np
    import fastreg

    case = sys.argv[1]
    rng = np.random.default_rng(0)

    def hard(n, p):
        # strongly correlated columns: slow coordinate descent
        X = rng.standard_normal((n, p))
        X = X[:, :1] + 0.05 * X
        y = X @ (rng.standard_normal(p) * (rng.random(p) < 0.3)) + rng.standard_normal(n)
        return np.asfortranarray(X), y

    model = None
    if case == "lasso":
        X, y = hard(200, 300)
        model = fastreg.Lasso(alpha=1e-5, tol=0.0, max_iter=10**9)
        work = lambda: model.fit(X, y)
    elif case == "path":
        X = np.asfortranarray(rng.standard_normal((500, 20000)))
        y = X[:, :50] @ rng.standard_normal(50) + rng.standard_normal(500)
        work = lambda: fastreg.lasso_path(X, y, eps=1e-5, alphas=300, tol=1e-10)
    elif case == "multitask":
        X, _ = hard(200, 300)
        Y = X @ rng.standard_normal((300, 3)) * 0.1 + rng.standard_normal((200, 3))
        model = fastreg.MultiTaskLasso(alpha=1e-5, tol=0.0, max_iter=10**9)
        work = lambda: model.fit(X, Y)
    elif case in ("lassocv2", "lassocv1"):
        X, y = hard(300, 400)
        model = fastreg.LassoCV(cv=4, eps=1e-6, alphas=200, tol=0.0, max_iter=10**9,
                                n_jobs=2 if case == "lassocv2" else 1)
        work = lambda: model.fit(X, y)
    elif case == "enetcv":
        X, y = hard(300, 400)
        model = fastreg.ElasticNetCV(l1_ratio=[0.5, 0.9], cv=3, eps=1e-6, alphas=100,
                                     tol=0.0, max_iter=10**9, n_jobs=2)
        work = lambda: model.fit(X, y)
    print("READY", flush=True)
    start = time.monotonic()
    try:
        work()
        outcome = "finished"
    except KeyboardInterrupt:
        outcome = "interrupted"
    end = time.monotonic()
    print(json.dumps(dict(outcome=outcome, caught=end, ran=end - start,
                          fitted=model is not None and hasattr(model, "coef_"))),
          flush=True)
""")


def run_children(case, delays, timeout=120):
    """One child per delay, run at the same time; each gets SIGINT its delay after it
    printed READY. Returns their (report, exit code, stderr)."""
    env = dict(os.environ, OMP_NUM_THREADS="2")
    # (from the temporary folder: `python -c` imports from the current directory, which
    # must not be a source checkout without the compiled modules)
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, case], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env,
                              cwd=tempfile.gettempdir())
             for _ in delays]
    results = []
    try:
        ready = []
        for proc in procs:
            line = proc.stdout.readline()
            assert line.strip() == "READY", (line, proc.stderr.read())
            ready.append(time.monotonic())
        sent = [None] * len(procs)
        for t in sorted(range(len(procs)), key=lambda i: ready[i] + delays[i]):
            time.sleep(max(0.0, ready[t] + delays[t] - time.monotonic()))
            sent[t] = time.monotonic()
            procs[t].send_signal(signal.SIGINT)
        for proc, when in zip(procs, sent, strict=True):
            out, err = proc.communicate(timeout=timeout)
            lines = [ln for ln in out.splitlines() if ln.startswith("{")]
            assert lines, (out, err, proc.returncode)
            report = json.loads(lines[-1])
            report["latency"] = report["caught"] - when
            results.append((report, proc.returncode, err))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    return results


def check(results):
    """Every child was interrupted within LATENCY, unfitted, and exited with 0; returns
    the latencies."""
    for report, code, err in results:
        assert code == 0, (code, err[-2000:])
        assert report["outcome"] == "interrupted", report
        assert report["latency"] is not None and report["latency"] < LATENCY, report
        assert not report["fitted"], report
    return [report["latency"] for report, _, _ in results]


@pytest.mark.parametrize("case", ["lasso", "path", "multitask", "lassocv1", "enetcv"])
def test_interrupt(case):
    check(run_children(case, [1.0]))


@pytest.mark.slow
def test_interrupt_threads_repeated():
    """LassoCV(n_jobs=2), REPEATS_THREADS times (four children at a time, SIGINT
    0.4 to 1.35 s after the start): the folds on threads stop too, and the process
    exits normally (it used to crash or hang in OpenBLAS's shutdown in 4 of 12 runs)."""
    delays = [0.4 + 0.05 * k for k in range(REPEATS_THREADS)]
    latencies = []
    for start in range(0, REPEATS_THREADS, 4):
        latencies += check(run_children("lassocv2", delays[start:start + 4]))
    assert len(latencies) == REPEATS_THREADS
