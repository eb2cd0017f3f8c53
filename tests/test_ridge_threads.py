"""Ridge's threads (branch ridge): direct solves with every BLAS on one thread when
small or when the machine is busy (``_threads.serial_scope``), the answers unchanged."""
import numpy as np
import pytest
from numpy.testing import assert_allclose
from threadpoolctl import threadpool_info, threadpool_limits

import fastreg
from fastreg import _ridge_design, _threads
from fastreg._threads import policy, serial_scope


def blas_threads():
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_serial_scope_limits_every_blas_and_restores():
    with threadpool_limits(2, user_api="blas"):
        before = blas_threads()
        with serial_scope(_threads.SERIAL_MIN):
            assert blas_threads() == [1] * len(before)
            assert policy.serial == 1
        assert blas_threads() == before
        assert policy.serial == 0
        # below SERIAL_MIN: no scope; from SERIAL_WORK on: only on a busy machine
        with serial_scope(_threads.SERIAL_MIN - 1):
            assert blas_threads() == before
        for busy in (False, True):
            with pytest.MonkeyPatch.context() as m:
                m.setattr(_threads, "machine_busy", lambda b=busy: b)
                with serial_scope(_threads.SERIAL_WORK):
                    assert blas_threads() == ([1] * len(before) if busy else before)
                with serial_scope(_threads.SERIAL_WORK - 1):
                    assert blas_threads() == [1] * len(before)
        assert blas_threads() == before


def test_machine_busy_reads_the_runnable_count(monkeypatch):
    monkeypatch.setattr(_threads, "_runnable_others", lambda: 0)
    assert not _threads.machine_busy()
    monkeypatch.setattr(_threads, "_runnable_others", lambda: 1)
    assert _threads.machine_busy()
    monkeypatch.setattr(_threads, "_runnable_others", lambda: None)
    assert not _threads.machine_busy()
    monkeypatch.undo()
    others = _threads._runnable_others()
    assert others is None or others >= 0


def test_ridge_fit_runs_in_the_serial_scope(monkeypatch):
    seen = []
    real = _ridge_design._Design.normal_equations

    def spy(self, Y):
        seen.append((policy.serial, blas_threads()))
        return real(self, Y)
    monkeypatch.setattr(_ridge_design._Design, "normal_equations", spy)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((500, 40))           # n p^2 above SERIAL_MIN
    y = rng.standard_normal(500)
    with threadpool_limits(2, user_api="blas"):
        fastreg.Ridge().fit(X, y)
        assert policy.serial == 0
    assert seen[0][0] == 1 and set(seen[0][1]) == {1}


@pytest.mark.parametrize("busy", [False, True])
def test_ridge_threads_give_the_closed_form(monkeypatch, busy):
    monkeypatch.setattr(_threads, "machine_busy", lambda: busy)
    monkeypatch.setattr(_threads, "SERIAL_WORK", 2**20)    # (this one above it)
    rng = np.random.default_rng(2)
    X = rng.standard_normal((4000, 120)) + 5
    y = X @ rng.standard_normal(120) + rng.standard_normal(4000)
    Xc, yc = X - X.mean(0), y - y.mean()
    w = np.linalg.solve(Xc.T @ Xc + np.eye(120), Xc.T @ yc)
    assert_allclose(fastreg.Ridge().fit(X, y).coef_, w, rtol=1e-10)
    cv = fastreg.RidgeCV().fit(X, y)
    w = np.linalg.solve(Xc.T @ Xc + cv.alpha_ * np.eye(120), Xc.T @ yc)
    assert_allclose(cv.coef_, w, rtol=1e-10)
