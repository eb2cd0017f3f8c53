"""Ridge's threads (branch ridge): small direct solves with every BLAS on one thread
(``_threads.serial_scope``), the centered Gram matrix of tall dense X summed by chunks
of rows on Python threads (``_Design._chunked_gram``), and the answers unchanged."""
import threading

import numpy as np
import pytest
from numpy.testing import assert_allclose
from threadpoolctl import threadpool_info, threadpool_limits

import fastreg
from fastreg import _ridge_design, _threads
from fastreg._ridge_design import _Design, _gram_chunks
from fastreg._threads import (
    kernel_scope,
    policy,
    product_workers,
    serial_blas,
    serial_scope,
)


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
        # outside [SERIAL_MIN, SERIAL_WORK): no scope
        for work in (0, _threads.SERIAL_MIN - 1, _threads.SERIAL_WORK):
            with serial_scope(work):
                assert blas_threads() == before


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


def test_product_workers_discount_the_callers_own_scopes(monkeypatch):
    monkeypatch.setattr(_threads, "fold_workers", lambda *a: 2)
    assert product_workers(1) == 1
    assert product_workers(8) == 2
    with serial_blas:
        assert product_workers(8) == 2       # the caller's own solve
    out = []
    with kernel_scope:                       # another thread's kernel runs
        t = threading.Thread(target=lambda: out.append(product_workers(8)))
        t.start()
        t.join()
    assert out == [1]


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("weighted", [False, True])
def test_chunked_gram_is_the_centered_gram_on_any_number_of_threads(
        monkeypatch, order, weighted):
    rng = np.random.default_rng(1)
    n, p = 3000, 150
    X = np.asarray(rng.standard_normal((n, p)) * 3 + 100, order=order)
    Y = rng.standard_normal((n, 2))
    s = np.sqrt(rng.uniform(0.5, 2, n)) if weighted else None
    mu = (X * (s ** 2)[:, None]).sum(0) / (s ** 2).sum() if weighted else X.mean(0)
    A = X * s[:, None] if weighted else X
    rows = max(256, min(_ridge_design._BLOCK_FLOATS, A.size // 8) // p)
    assert _gram_chunks(n, p, rows) > 1
    Xc = (X - mu) * (1 if s is None else s[:, None])
    results = []
    for workers in (1, 2, 3):
        monkeypatch.setattr(_ridge_design, "product_workers", lambda k, w=workers: w)
        design = _Design(np.asarray(A, order=order), mu, s)
        G, rhs = design.normal_equations(Y)
        results.append((G, rhs))
        assert_allclose(np.triu(G), np.triu(Xc.T @ Xc), rtol=1e-12, atol=1e-9 * n)
        assert_allclose(rhs, Xc.T @ Y, rtol=1e-12, atol=1e-10 * n)
        assert_allclose(design.col_sq_norms(), np.einsum("ij,ij->j", Xc, Xc),
                        rtol=1e-12)
    for G, rhs in results[1:]:                 # the same bits on any number of threads
        assert np.array_equal(G, results[0][0])
        assert np.array_equal(rhs, results[0][1])


def test_ridge_on_chunked_gram_matches_closed_form():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((4000, 120)) + 5
    y = X @ rng.standard_normal(120) + rng.standard_normal(4000)
    Xc, yc = X - X.mean(0), y - y.mean()
    w = np.linalg.solve(Xc.T @ Xc + np.eye(120), Xc.T @ yc)
    assert_allclose(fastreg.Ridge().fit(X, y).coef_, w, rtol=1e-10)
    cv = fastreg.RidgeCV().fit(X, y)
    w = np.linalg.solve(Xc.T @ Xc + cv.alpha_ * np.eye(120), Xc.T @ yc)
    assert_allclose(cv.coef_, w, rtol=1e-10)
