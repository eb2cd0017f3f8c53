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

The child first installs Python's default SIGINT handler: a process started from a
backgrounded shell (``cmd &``) inherits SIGINT ignored (SIG_IGN), and Python then
installs no handler, so such a child never sees the signal and runs to the end (one
such LassoCV(n_jobs=2) child once did). What fastreg does under SIG_IGN and under a
handler of the user's own is checked separately (``test_sigint_ignored``,
``test_custom_handler``).

Every case once here (the module is slow-marked: CI runs it); ``python -m
bench.interrupts`` repeats every case 20 times and prints the latency table (in
bench/RESULTS.md).
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np
import pytest

import fastreg

LATENCY = 0.2          # seconds from SIGINT to KeyboardInterrupt
REPEATS_THREADS = 20   # repetitions of the n_jobs=2 case

CHILD = textwrap.dedent("""
    import json, os, signal, sys, time
    import numpy as np
    import scipy.sparse as sp
    import fastreg

    case, mode = sys.argv[1], sys.argv[2]

    class Custom(Exception):
        pass

    def custom(signum, frame):
        raise Custom("the user's handler")

    # (SIG_IGN may be inherited from the shell: see the module's docstring)
    signal.signal(signal.SIGINT, {"default": signal.default_int_handler,
                                  "ignore": signal.SIG_IGN, "custom": custom}[mode])
    rng = np.random.default_rng(0)

    def hard(n, p):
        # strongly correlated columns: slow coordinate descent
        X = rng.standard_normal((n, p))
        X = X[:, :1] + 0.05 * X
        y = X @ (rng.standard_normal(p) * (rng.random(p) < 0.3)) + rng.standard_normal(n)
        return np.asfortranarray(X), y

    def hard_sparse(n, p, density):
        X = sp.random(n, p, density=density, format="csc", random_state=0,
                      data_rvs=rng.standard_normal)
        X = (X + sp.csc_matrix(np.outer(rng.random(n) < density,
                                        np.ones(p)) * 0.5)).tocsc()
        y = X @ (rng.standard_normal(p) * (rng.random(p) < 0.3)) + rng.standard_normal(n)
        return X, np.asarray(y).ravel()

    def tall(n, p):
        X = np.asfortranarray(rng.standard_normal((n, p)))
        return X, X[:, :20] @ np.ones(20) + rng.standard_normal(n)

    long = dict(tol=0.0, max_iter=10**9)
    model = None
    if case == "Lasso":
        X, y = hard(200, 300)
        model = fastreg.Lasso(alpha=1e-5, **long)
    elif case == "ElasticNet":
        # (300 x 400 ends by itself in 0.4 s on an idle machine: before the signal)
        X, y = hard(600, 800)
        model = fastreg.ElasticNet(alpha=1e-5, l1_ratio=0.9, **long)
    elif case == "Lasso-precompute":
        # the one X^T X product takes seconds: SIGINT arrives during it (12000 x 2000
        # ends by itself in 1.8 s on an idle machine: too close to the signal)
        X, y = tall(16000, 2500)
        model = fastreg.Lasso(alpha=1e-4, precompute=True)
    elif case == "Lasso-sparse":
        X, y = hard_sparse(400, 600, 0.1)
        model = fastreg.Lasso(alpha=1e-6, **long)
    elif case == "MultiTaskLasso":
        X, _ = hard(200, 300)
        y = X @ rng.standard_normal((300, 3)) * 0.1 + rng.standard_normal((200, 3))
        model = fastreg.MultiTaskLasso(alpha=1e-5, **long)
    elif case in ("LassoCV-1", "LassoCV-2"):
        X, y = hard(300, 400)
        model = fastreg.LassoCV(cv=4, eps=1e-6, alphas=200, n_jobs=int(case[-1]),
                                **long)
    elif case in ("ElasticNetCV-1", "ElasticNetCV-2"):
        X, y = hard(300, 400)
        model = fastreg.ElasticNetCV(l1_ratio=[0.5, 0.9], cv=3, eps=1e-6, alphas=100,
                                     n_jobs=int(case[-1]), **long)
    elif case == "LassoCV-tall-2":
        # the fold moments (X^T X of every test block) take seconds (20000 x 1500 ends
        # by itself in 1.0 s on an idle machine: at the signal)
        X, y = tall(40000, 2000)
        model = fastreg.LassoCV(cv=3, n_jobs=2)
    elif case == "LassoCV-deferred":
        # default threads: the fold moments on threads, the last block's product
        # beside the last fold's path (FoldMoments defer), SIGINT in either phase
        # (correlated columns and tol=0: tall(20000, 500) at tol=1e-10 ends by itself
        # in 0.5 s on an idle machine, before the signal; this runs for tens of s)
        X, y = hard(20000, 500)
        model = fastreg.LassoCV(cv=5, eps=1e-5, alphas=300, **long)
    elif case == "LassoCV-sparse-2":
        X, y = hard_sparse(400, 600, 0.1)
        model = fastreg.LassoCV(cv=3, eps=1e-6, alphas=100, n_jobs=2, **long)
    elif case == "MultiTaskLassoCV-2":
        X, _ = hard(200, 300)
        y = X @ rng.standard_normal((300, 3)) * 0.1 + rng.standard_normal((200, 3))
        model = fastreg.MultiTaskLassoCV(cv=3, eps=1e-6, alphas=100, n_jobs=2, **long)
    elif case == "LassoCV-short-2":
        # a CV that ends by itself in a second or two (for SIG_IGN)
        X, y = hard(300, 400)
        model = fastreg.LassoCV(cv=3, alphas=100, eps=1e-5, tol=1e-10, n_jobs=2)
    elif case == "potrf":
        # the blocked Cholesky factorization of order 6000 (Ridge's large solves)
        from fastreg import _ridge_solvers
        m = 6000
        A = rng.random((m, m))
        A = np.asfortranarray(A + A.T + 2 * m * np.eye(m))
    elif case == "Ridge":
        # the Gram product, then one blocked Cholesky factorization of order 2000 per
        # target (a penalty of its own each): as many targets as make the
        # factorizations last 3 s here, measured (one target ended before the signal
        # on a quiet machine)
        from fastreg import _ridge_solvers
        X = rng.standard_normal((6000, 2000))
        G = np.asfortranarray(X.T @ X)
        start = time.monotonic()
        _ridge_solvers.potrf_upper(G)
        t = int(min(200, max(4, np.ceil(3.0 / (time.monotonic() - start)))))
        y = rng.standard_normal((6000, t))
        model = fastreg.Ridge(alpha=np.linspace(1.0, 2.0, t))
    elif case == "Ridge-svd":
        # the SVD in its forked child
        X, y = rng.standard_normal((6000, 2000)), rng.standard_normal(6000)
        model = fastreg.Ridge(solver="svd")
    elif case in ("RidgeCV", "RidgeCV-svd"):
        # the eigendecomposition of order 2000 (eigen), the SVD of X (svd), each in
        # its forked child
        X, y = rng.standard_normal((2300, 2000)), rng.standard_normal(2300)
        model = fastreg.RidgeCV(alphas=np.logspace(-2, 2, 20),
                                gcv_mode="svd" if case.endswith("svd") else None)
    elif case == "Ridge-sag":
        # scikit-learn's SAG (its epochs without the GIL) at tol=0: as many epochs as
        # last about 4 s here, measured (the abandoned SAG then ends by itself)
        X, y = tall(4000, 100)
        start = time.monotonic()
        fastreg.Ridge(solver="sag", tol=0.0, max_iter=20, random_state=0).fit(X, y)
        epochs = int(min(10**5, max(40, 80 / (time.monotonic() - start))))
        model = fastreg.Ridge(solver="sag", tol=0.0, max_iter=epochs, random_state=0)
    if case == "potrf":
        work = lambda: _ridge_solvers.potrf_upper(A)
    elif case == "lasso_path":
        X = np.asfortranarray(rng.standard_normal((500, 20000)))
        y = X[:, :50] @ rng.standard_normal(50) + rng.standard_normal(500)
        work = lambda: fastreg.lasso_path(X, y, eps=1e-5, alphas=300, tol=1e-10)
    elif case == "enet_path-precompute":
        X, y = tall(16000, 2500)
        work = lambda: fastreg.enet_path(X, y, l1_ratio=0.5, precompute=True)
    else:
        work = lambda: model.fit(X, y)
    start = time.monotonic()
    print("READY", start, flush=True)
    try:
        work()
        outcome = "finished"
    except KeyboardInterrupt:
        outcome = "interrupted"
    except Custom:
        outcome = "custom"
    end = time.monotonic()
    print(json.dumps(dict(outcome=outcome, caught=end, ran=end - start,
                          fitted=model is not None and hasattr(model, "coef_"))),
          flush=True)
""")

CASES = ["Lasso", "ElasticNet", "Lasso-precompute", "Lasso-sparse", "MultiTaskLasso",
         "lasso_path", "enet_path-precompute", "LassoCV-1", "LassoCV-2",
         "ElasticNetCV-1", "ElasticNetCV-2", "LassoCV-tall-2", "LassoCV-sparse-2",
         "MultiTaskLassoCV-2", "LassoCV-deferred"]
# Ridge's (tests/test_ridge.py::test_ridge_interrupt, with their delays)
RIDGE_CASES = ["potrf", "Ridge", "Ridge-svd", "RidgeCV", "RidgeCV-svd", "Ridge-sag"]


def run_children(case, delays, timeout=120, mode="default"):
    """One child per delay, run at the same time; each gets SIGINT its delay after it
    printed READY. Returns their (report, exit code, stderr)."""
    env = dict(os.environ, OMP_NUM_THREADS="2")
    # (from the temporary folder: `python -c` imports from the current directory, which
    # must not be a source checkout without the compiled modules)
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, case, mode],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env, cwd=tempfile.gettempdir())
             for _ in delays]
    results = []
    try:
        ready = []
        for proc in procs:
            line = proc.stdout.readline().split()
            assert line[:1] == ["READY"], (line, proc.stderr.read())
            # (the child's own start: the children are read one after the other, and
            # a slow first one made the others' signals seconds late, after their
            # fits had ended)
            ready.append(float(line[1]))
        sent, took = [None] * len(procs), [None] * len(procs)
        for t in sorted(range(len(procs)), key=lambda i: ready[i] + delays[i]):
            time.sleep(max(0.0, ready[t] + delays[t] - time.monotonic()))
            before = time.monotonic()
            os.kill(procs[t].pid, signal.SIGINT)
            # the signal is pending in the child once kill returns: the latency is
            # counted from then (this process, descheduled on a busy machine between
            # taking the time and the kill, would count its own delay otherwise)
            sent[t] = time.monotonic()
            took[t] = sent[t] - before
        # when each child ended (its exit after the report: e.g. OpenBLAS's shutdown
        # with an abandoned LAPACK call still running; the pipes carry a few lines)
        ended = [None] * len(procs)
        deadline = time.monotonic() + timeout
        while None in ended and time.monotonic() < deadline:
            for i, proc in enumerate(procs):
                if ended[i] is None and proc.poll() is not None:
                    ended[i] = time.monotonic()
            time.sleep(0.01)
        for proc, when, end in zip(procs, sent, ended, strict=True):
            out, err = proc.communicate(timeout=timeout)
            lines = [ln for ln in out.splitlines() if ln.startswith("{")]
            if lines:
                report = json.loads(lines[-1])
                report["latency"] = report["caught"] - when
                # seconds from the KeyboardInterrupt to the process's end
                report["exit_s"] = None if end is None else end - report["caught"]
            else:
                # (killed before its report: check() fails on it, with what it wrote)
                report = dict(outcome="no report", latency=None, fitted=None,
                              out=out[-500:])
            report["kill_s"] = took[len(results)]
            results.append((report, proc.returncode, err))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    return results


def check(results, outcome="interrupted"):
    """Every child was interrupted within LATENCY, unfitted, and exited with 0; returns
    the latencies."""
    for report, code, err in results:
        assert code == 0, (code, err[-2000:])
        assert report["outcome"] == outcome, report
        assert report["latency"] is not None and report["latency"] < LATENCY, report
        assert not report["fitted"], report
    return [report["latency"] for report, _, _ in results]


@pytest.mark.parametrize("case", CASES)
def test_interrupt(case):
    check(run_children(case, [1.0]))


@pytest.mark.parametrize("case", ["Lasso", "LassoCV-2"])
def test_custom_handler(case):
    """A SIGINT handler of the user's own that raises: its exception stops the fit
    as KeyboardInterrupt does (the folds on threads too), and the process exits
    normally."""
    check(run_children(case, [1.0], mode="custom"), outcome="custom")


def test_sigint_ignored():
    """SIGINT ignored (SIG_IGN): the fit does not notice it and ends normally, folds on
    threads included."""
    for report, code, err in run_children("LassoCV-short-2", [0.3], mode="ignore"):
        assert code == 0, (code, err[-2000:])
        assert report["outcome"] == "finished" and report["fitted"], report


def test_gram_product_is_interrupted_in_place_of_being_awaited():
    """The engine's dense X^T X (precompute=True; a path function: no centering copy
    before it) is one BLAS call of seconds: SIGINT half a second into it stops the
    fit within LATENCY, long before the product would have ended (main: 2.3 s)."""
    latencies = check(run_children("enet_path-precompute", [0.5]))
    assert max(latencies) < LATENCY


@pytest.mark.slow
def test_interrupt_deferred_moments_repeated():
    """LassoCV at default threads with the last fold's moments deferred (see
    FoldMoments ``defer``): SIGINT 0.2 to 1.6 s after the start, in the moments, the
    deferred product beside the last fold's path, or the folds: every child stops and
    exits normally."""
    delays = [0.2 + 0.2 * k for k in range(8)]
    latencies = []
    for start in range(0, len(delays), 4):
        latencies += check(run_children("LassoCV-deferred", delays[start:start + 4]))
    assert len(latencies) == len(delays)


@pytest.mark.slow
def test_interrupt_threads_repeated():
    """LassoCV(n_jobs=2), REPEATS_THREADS times (four children at a time, SIGINT
    0.4 to 1.35 s after the start): the folds on threads stop too, and the process
    exits normally (it used to crash or hang in OpenBLAS's shutdown in 4 of 12 runs)."""
    delays = [0.4 + 0.05 * k for k in range(REPEATS_THREADS)]
    latencies = []
    for start in range(0, REPEATS_THREADS, 4):
        latencies += check(run_children("LassoCV-2", delays[start:start + 4]))
    assert len(latencies) == REPEATS_THREADS


def _large_X(order="F", dtype=np.float64, shape=(2500, 2000)):
    """A dense X of more than _blocks.LARGE values (several blocks of columns)."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal(shape) * 3 + rng.standard_normal(shape[1]) * 10
    return np.asarray(X, dtype=dtype, order=order)


@pytest.mark.parametrize("order", ["F", "C"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_blocked_passes_give_the_same_bits(order, dtype):
    """The passes over a large X a block of columns at a time (column means, centering
    copy, column norms) give exactly what the single NumPy calls give."""
    from fastreg import _blocks
    X = _large_X(order, dtype)
    assert len(_blocks.column_steps(X)) > 1
    mean = np.average(X, axis=0)
    got = _blocks.column_mean(X)
    assert got.dtype == mean.dtype and np.array_equal(got, mean)
    offset = mean.astype(dtype)
    expected = np.empty(X.shape, dtype=dtype, order="F")
    np.subtract(X, offset, out=expected)
    centered = np.empty_like(expected)
    _blocks.subtract_into(X, offset, centered)
    assert np.array_equal(centered, expected)
    norms = np.einsum("ij,ij->j", expected, expected)
    got = _blocks.column_sq_norms(expected)
    assert got.dtype == norms.dtype and np.array_equal(got, norms)


@pytest.mark.parametrize("precompute", [True, False])
def test_blocked_fit_is_bitwise_the_single_call_fit(monkeypatch, precompute):
    """Lasso on a large X: the same coefficients, bit for bit, as with every pass in one
    call (LARGE raised above the size of X), and X is left as it was."""
    from fastreg import _blocks
    X = _large_X()
    y = X[:, :10] @ np.arange(1.0, 11.0) + np.random.default_rng(4).standard_normal(
        X.shape[0])
    X_before = X.copy()
    blocked = fastreg.Lasso(alpha=0.05, precompute=precompute).fit(X, y)
    monkeypatch.setattr(_blocks, "LARGE", 10**18)
    single = fastreg.Lasso(alpha=0.05, precompute=precompute).fit(X, y)
    assert np.array_equal(blocked.coef_, single.coef_)
    assert blocked.intercept_ == single.intercept_
    assert np.array_equal(X, X_before)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_blocked_finiteness_check_gives_sklearns_error(bad):
    """A non-finite value in a late block of a large X: scikit-learn's error and
    message; finite values whose sum overflows are accepted, as by scikit-learn."""
    from sklearn.linear_model import Lasso as SkLasso
    X = _large_X()
    y = X[:, 0].copy()
    X[-1, -1] = bad
    with pytest.raises(ValueError) as ours:
        fastreg.Lasso(alpha=0.1, precompute=True).fit(X, y)
    with pytest.raises(ValueError) as theirs:
        SkLasso(alpha=0.1, precompute=True).fit(X, y)
    assert str(ours.value) == str(theirs.value)
    from fastreg import _blocks
    X[-1, -1] = 0.0
    X[:, -3:] = 1e306
    _blocks.check_finite(X)


@pytest.mark.parametrize("precompute", [True, False])
def test_sigint_is_handled_between_blocks(monkeypatch, precompute):
    """SIGINT arriving while the first block of a pass over a large X is processed is
    handled before the second block: the user's handler's exception ends the fit at
    once (the rest of the pass is not done) and the estimator stays unfitted."""
    from fastreg import _blocks, _prepare

    class Stop(Exception):
        pass

    def handler(signum, frame):
        raise Stop

    drawn = []
    column_steps = _blocks.column_steps

    def steps_sending_sigint(X, *args):
        steps = column_steps(X, *args)
        if steps is None:
            return None

        def blocks():
            for k, step in enumerate(steps):
                if k == 1:
                    signal.raise_signal(signal.SIGINT)
                drawn.append(step)
                yield step
        return _Steps(blocks(), len(steps))

    monkeypatch.setattr(_blocks, "column_steps", steps_sending_sigint)
    monkeypatch.setattr(_prepare, "column_steps", steps_sending_sigint)
    # (more than two of column_stats' blocks of 2^22 values)
    X = _large_X(shape=(4200, 2000))
    y = X[:, 0] + 1.0
    model = fastreg.Lasso(alpha=0.1, precompute=precompute)
    old = signal.signal(signal.SIGINT, handler)
    try:
        with pytest.raises(Stop):
            model.fit(X, y)
    finally:
        signal.signal(signal.SIGINT, old)
    assert len(drawn) == 1, drawn
    assert not hasattr(model, "coef_")


class _Steps:
    """An iterable of column steps with a length (column_steps' list, lazily)."""

    def __init__(self, it, n):
        self.it, self.n = it, n

    def __iter__(self):
        return self.it

    def __len__(self):
        return self.n
