"""The dense fold moments on threads (FoldMoments._block_moments): the same moments,
CV errors and model as one block after another."""
import numpy as np
import pytest
from sklearn.model_selection import KFold

import fastreg
from fastreg import _prepare
from fastreg._threads import fold_workers


def _data(n=600, p=40, seed=0):
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n, p)) + 3.0)
    w = np.zeros(p)
    w[:5] = [2.0, -1.0, 0.5, 1.5, -2.0]
    return X, X @ w + rng.standard_normal(n)


needs_threads = pytest.mark.skipif(
    (fold_workers(None, 10, 1, float("inf")) or 1) < 2,
    reason="the moments run on threads only with two cores or more")


@needs_threads
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("n_folds", [4, 5])
def test_threaded_moments_match_serial(monkeypatch, weighted, shuffle, n_folds):
    X, y = _data()
    X_before = X.copy()
    sw = np.random.default_rng(1).uniform(0.5, 2.0, len(y)) if weighted else None
    folds = list(KFold(n_folds, shuffle=shuffle, random_state=0 if shuffle else None).split(X))
    monkeypatch.setattr(_prepare.FoldMoments, "THREADED_WORK", float("inf"))
    serial = _prepare.FoldMoments(X, y, sw, folds, True)
    monkeypatch.setattr(_prepare.FoldMoments, "THREADED_WORK", 0)
    threaded = _prepare.FoldMoments(X, y, sw, folds, True)
    np.testing.assert_array_equal(X, X_before)
    assert len(threaded.blocks) == n_folds
    for a, b in zip(serial.blocks, threaded.blocks, strict=True):
        for u, v in zip(a, b, strict=True):
            np.testing.assert_allclose(v, u, rtol=1e-12, atol=1e-12 * len(y))
    for k in range(n_folds):
        G0, Xy0 = serial.training_moments(k, len(folds[k][0]))[:2]
        G1, Xy1 = threaded.training_moments(k, len(folds[k][0]))[:2]
        np.testing.assert_allclose(G1, G0, rtol=1e-12, atol=1e-10)
        np.testing.assert_allclose(Xy1, Xy0, rtol=1e-12, atol=1e-10)


@needs_threads
@pytest.mark.parametrize("est", [fastreg.LassoCV, fastreg.ElasticNetCV])
def test_threaded_moments_same_cv(monkeypatch, est):
    X, y = _data(seed=2)
    monkeypatch.setattr(_prepare.FoldMoments, "THREADED_WORK", float("inf"))
    a = est(cv=5, tol=1e-10).fit(X, y)
    monkeypatch.setattr(_prepare.FoldMoments, "THREADED_WORK", 0)
    b = est(cv=5, tol=1e-10).fit(X, y)
    assert a.alpha_ == b.alpha_
    np.testing.assert_allclose(b.mse_path_, a.mse_path_, rtol=1e-9)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-8, atol=1e-10)


def test_pieces_in_flight_are_bounded():
    # the row pieces' moments are consumed in order with at most one call per thread
    # submitted ahead: pool.map submitted every piece at once, and on a fast pool the
    # p x p moments of pieces finished ahead of the sum piled up (2.1x X in
    # test_memory's weighted LassoCV, against its bound of one piece per thread)
    import threading
    from concurrent.futures import ThreadPoolExecutor

    lock = threading.Lock()
    state = {"out": 0, "most": 0}

    def fn(i):
        with lock:
            state["out"] += 1
            state["most"] = max(state["most"], state["out"])
        return i

    with ThreadPoolExecutor(2) as pool:
        got = []
        for r in _prepare._in_order(pool, fn, range(10), 2):
            with lock:
                state["out"] -= 1
            got.append(r)
    assert got == list(range(10))
    assert state["most"] <= 2
