"""fastreg/_threads.py: the BLAS thread limit and the kernels' OpenMP threads when fits
run from several Python threads at once.

The policy's counts must come back to zero and the BLAS limits to what they were,
whatever the order in which scopes of different threads enter and leave; a kernel must
learn that other kernels run beside it; concurrent fits must give the serial answers.
"""
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from numpy.testing import assert_allclose
from threadpoolctl import threadpool_info, threadpool_limits

import fastreg
from fastreg import _threads
from fastreg._threads import kernel_scope, kernel_threads, parallel_folds, policy


def blas_threads():
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


@pytest.fixture
def two_blas_threads():
    """Start from BLAS on 2 threads, so that a limit to 1 shows."""
    with threadpool_limits(2, user_api="blas"):
        yield blas_threads()


def test_kernel_threads():
    assert kernel_threads(0, 0) == 0          # alone: OpenMP's default team
    assert kernel_threads(0, 1) == 1          # beside another kernel: one thread
    assert kernel_threads(1, 0) == 1          # the caller's choice stands
    assert kernel_threads(3, 2) == 3


def test_interleaved_scopes_restore_the_limits(two_blas_threads):
    """Scopes of two threads entered and left out of order (A's kernel, B's kernel, B's
    folds, A leaves, B's folds leave, B leaves): every BLAS on one thread while folds
    run, the limits back to the original at the end, and B told that A runs."""
    original = two_blas_threads
    steps = []
    go = [threading.Event() for _ in range(4)]

    def thread_a():
        with kernel_scope as others:
            steps.append(("A others", others))
            go[0].set()
            go[1].wait()
        go[2].set()

    def thread_b():
        go[0].wait()
        with kernel_scope as others:
            steps.append(("B others", others))
            with parallel_folds:
                steps.append(("B folds", blas_threads()))
                go[1].set()
                go[2].wait()
            steps.append(("B kernel alone", policy.kernels))

    a, b = threading.Thread(target=thread_a), threading.Thread(target=thread_b)
    a.start()
    b.start()
    a.join(10)
    b.join(10)
    assert not a.is_alive() and not b.is_alive()
    found = dict(steps)
    assert found["A others"] == 0 and found["B others"] == 1
    assert all(n == 1 for n in found["B folds"]), found
    assert found["B kernel alone"] == 1
    assert blas_threads() == original
    assert (policy.kernels, policy.folds) == (0, 0)


def test_limit_set_from_a_worker_thread_takes_effect(two_blas_threads):
    """threadpoolctl lets one thread control OpenBLAS (here the main thread, through
    the fixture): the policy's change from another thread must still take effect, and
    be undone."""
    seen = []

    def worker():
        with parallel_folds:
            seen.append(blas_threads())
        seen.append(blas_threads())

    t = threading.Thread(target=worker)
    t.start()
    t.join(10)
    assert all(n == 1 for n in seen[0])
    assert seen[1] == two_blas_threads
    assert blas_threads() == two_blas_threads


def test_parallel_folds_limit_every_blas(two_blas_threads):
    with parallel_folds:
        assert all(n == 1 for n in blas_threads())
    assert blas_threads() == two_blas_threads


def test_exception_leaves_counts_clean(two_blas_threads):
    with pytest.raises(ValueError):
        fastreg.Lasso(alpha=-1.0).fit(np.ones((3, 2)), np.ones(3))
    with pytest.raises(ValueError):
        with kernel_scope:
            with parallel_folds:
                raise ValueError("inside")
    assert (policy.kernels, policy.folds) == (0, 0)
    assert blas_threads() == two_blas_threads


@pytest.mark.parametrize("n_threads", [2, 4, 8])
def test_concurrent_fits_give_the_serial_answers(n_threads, two_blas_threads, monkeypatch):
    """Fits from a thread pool equal the serial fits (same kernel, one OpenMP thread
    each when they overlap), the counts return to zero and the limits are restored."""
    rng = np.random.default_rng(0)
    data = [(rng.standard_normal((300, 40)), rng.standard_normal(300)) for _ in range(8)]
    serial = [fastreg.Lasso(alpha=0.01, tol=1e-10).fit(X, y).coef_ for X, y in data]
    seen = []
    original = _threads.kernel_threads

    def spy(n, others):
        seen.append(others)
        return original(n, others)

    monkeypatch.setattr("fastreg._engine.kernel_threads", spy)
    start = threading.Barrier(n_threads)

    def fit(Xy):
        try:
            start.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        return fastreg.Lasso(alpha=0.01, tol=1e-10).fit(*Xy).coef_

    with ThreadPoolExecutor(n_threads) as pool:
        threaded = list(pool.map(fit, data))
    for a, b in zip(threaded, serial, strict=True):
        assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert len(seen) == len(data)
    assert (policy.kernels, policy.folds) == (0, 0)
    assert blas_threads() == two_blas_threads


def test_cv_with_threads_inside_concurrent_fits(two_blas_threads):
    """LassoCV(n_jobs=2) (folds on threads) from two threads at once: the serial
    answers, and the limits restored."""
    rng = np.random.default_rng(1)
    data = [(rng.standard_normal((200, 30)), rng.standard_normal(200)) for _ in range(2)]
    serial = [fastreg.LassoCV(cv=3, n_jobs=2).fit(X, y).alpha_ for X, y in data]
    with ThreadPoolExecutor(2) as pool:
        threaded = list(pool.map(lambda Xy: fastreg.LassoCV(cv=3, n_jobs=2).fit(*Xy).alpha_,
                                 data))
    assert threaded == serial
    assert (policy.kernels, policy.folds) == (0, 0)
    assert blas_threads() == two_blas_threads


OPENMP_PROBE = r"""
import importlib.abc, os, sys

def gomp_loaded():
    with open("/proc/self/maps") as f:
        return any("libgomp" in line and "scikit_learn" not in line for line in f)

seen = {}

class Spy(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "fastreg._cd_fast":
            seen["policy"] = os.environ.get("OMP_WAIT_POLICY")
            seen["gomp_before"] = gomp_loaded()
        return None

sys.meta_path.insert(0, Spy())
import fastreg
print("POLICY", seen.get("policy"), "GOMP_BEFORE", seen.get("gomp_before"),
      "GOMP_AFTER", gomp_loaded(), "ENV", os.environ.get("OMP_WAIT_POLICY"))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
@pytest.mark.parametrize("user", [None, "ACTIVE"])
def test_openmp_loads_with_passive_waits_unless_the_user_chose(user, tmp_path):
    """GNU OpenMP reads OMP_WAIT_POLICY when it loads, with fastreg's first compiled
    module: at that moment the policy is PASSIVE (waiting threads sleep instead of
    spinning, see fastreg/_openmp.py), unless the user chose one, and the environment is
    as the user left it afterwards."""
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY",
                                                            "GOMP_SPINCOUNT")}
    if user:
        env["OMP_WAIT_POLICY"] = user
    # (from an empty folder: `import fastreg` must find the installed package, not a
    # source checkout in the current directory)
    out = subprocess.run([sys.executable, "-c", OPENMP_PROBE], env=env, text=True,
                         capture_output=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    if "GOMP_AFTER False" in out.stdout:
        pytest.skip("fastreg built without GNU OpenMP")
    assert "GOMP_BEFORE False" in out.stdout, out.stdout   # loaded by fastreg's import
    assert f"POLICY {user or 'PASSIVE'} " in out.stdout, out.stdout
    assert out.stdout.strip().endswith(f"ENV {user}"), out.stdout


def test_passive_waits_leaves_the_environment():
    from fastreg._openmp import passive_waits
    saved = {k: os.environ.pop(k) for k in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")
             if k in os.environ}
    try:
        with passive_waits():
            assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
        assert "OMP_WAIT_POLICY" not in os.environ
        os.environ["GOMP_SPINCOUNT"] = "5"
        with passive_waits():
            assert "OMP_WAIT_POLICY" not in os.environ
        assert os.environ["GOMP_SPINCOUNT"] == "5"
    finally:
        os.environ.pop("GOMP_SPINCOUNT", None)
        os.environ.update(saved)
