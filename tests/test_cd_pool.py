"""fastreg/_cd_pool: the kernels' buffers kept between calls.

Kept blocks hold what an earlier call left in them: fits must not depend on it (the
same bits after other fits as after an emptied pool), concurrent fits from threads,
which share the pool, must give the serial fits' bits, and the pool stays bounded.
"""
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import fastreg
from fastreg._cd_pool import pool_clear, pool_stats

# n * p below the kernels' smallest parallel pass (2**18 elements): every fit runs on one
# OpenMP thread, alone or beside others, so that the bits can be compared; the slot
# columns (n x support), their products and G[W, W] are then blocks of more than the
# pool's 64 KiB
N, P = 1000, 250


def designs(k, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(k):
        X = rng.standard_normal((N, P))
        if i % 2:
            for j in range(1, P):        # AR(1) columns
                X[:, j] = 0.6 * X[:, j - 1] + 0.8 * X[:, j]
        out.append((X, rng.standard_normal(N)))
    return out


def fit(X, y, order="F", l1_ratio=1.0):
    X = np.asfortranarray(X) if order == "F" else np.ascontiguousarray(X)
    alpha = np.max(np.abs((X - X.mean(0)).T @ (y - y.mean()))) / N / 8
    model = fastreg.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-8).fit(X, y)
    assert np.count_nonzero(model.coef_) > 40      # a large support: large buffers
    return model.coef_


def test_fits_reuse_kept_blocks_and_clear_frees_them():
    (X, y), = designs(1)
    pool_clear()
    fit(X, y)
    blocks, kept, reuses = pool_stats()
    assert blocks > 0 and kept >= 1 << 16
    fit(X, y)
    assert pool_stats()[2] > reuses
    before = pool_stats()
    assert pool_clear() == before
    assert pool_stats()[:2] == (0, 0)


def test_bounded():
    for X, y in designs(4, seed=1):
        fit(X, y)
        blocks, kept, _ = pool_stats()
        assert blocks <= 32 and kept <= 1 << 27


@pytest.mark.parametrize("order", ["F", "C"])
def test_kept_blocks_do_not_change_the_bits(order):
    """A fit after others (its buffers full of their values) equals the same fit on an
    emptied pool, to the bit."""
    data = designs(3, seed=2)
    X, y = data[0]
    pool_clear()
    fresh = fit(X, y, order)
    fresh_enet = fit(X, y, order, l1_ratio=0.5)
    for Xo, yo in data[1:]:
        fit(Xo, yo, order)
        fit(Xo[:, : P // 2], yo, order)
    assert_array_equal(fit(X, y, order), fresh)
    assert_array_equal(fit(X, y, order, l1_ratio=0.5), fresh_enet)


@pytest.mark.parametrize("n_threads", [2, 4])
def test_concurrent_fits_give_the_serial_bits(n_threads):
    data = designs(8, seed=3)
    pool_clear()
    serial = [fit(X, y) for X, y in data]
    start = threading.Barrier(n_threads)

    def job(Xy):
        start.wait(timeout=60)      # (8 jobs: the barrier trips every n_threads)
        return [fit(*Xy) for _ in range(2)]

    with ThreadPoolExecutor(n_threads) as pool:
        threaded = list(pool.map(job, data))
    for runs, b in zip(threaded, serial, strict=True):
        for a in runs:
            assert_array_equal(a, b)
    blocks, kept, _ = pool_stats()
    assert blocks <= 32 and kept <= 1 << 27
