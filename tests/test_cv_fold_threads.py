"""LassoCV / ElasticNetCV at the default n_jobs=None: folds that solve from the shared
Gram moments run on threads (fastreg._threads.fold_workers), with the same bits as
one fold at a time, within the user's thread limits."""
import threading

import numpy as np
import pytest
from joblib import parallel_config
from numpy.testing import assert_array_equal
from sklearn.model_selection import KFold
from threadpoolctl import threadpool_limits

import fastreg
from fastreg import _cv, _threads
from fastreg._threads import fold_workers, policy


def data(n=1000, p=100, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 0.3
    w = np.zeros(p)
    w[:8] = rng.standard_normal(8)
    return np.asfortranarray(X), X @ w + rng.standard_normal(n), rng.uniform(0.5, 2, n)


def parallel_counts(monkeypatch, job):
    """The policy's count of parallel fold sections seen by each call of the fold
    job ``job`` of fastreg._cv (0: the folds ran one after another, BLAS untouched)."""
    seen = []
    original = getattr(_cv, job)

    def spy(*args, **kwargs):
        seen.append(policy.folds)
        return original(*args, **kwargs)

    monkeypatch.setattr(_cv, job, spy)
    return seen


@pytest.fixture
def two_threads(monkeypatch):
    """BLAS and OpenMP on 2 threads (a limit to 1 would show); folds of any size on
    threads."""
    monkeypatch.setattr(_threads, "DEFAULT_FOLDS_MIN_WORK", 0)
    with threadpool_limits(2):
        yield


def test_fold_workers_respects_n_jobs_and_limits(two_threads, monkeypatch):
    monkeypatch.setattr("joblib.cpu_count", lambda *a, **k: 8)
    assert fold_workers(None, 5, 10**6, 1) == 2          # the OpenMP / BLAS limits
    assert fold_workers(1, 5, 10**6, 1) is None          # the user's n_jobs decides
    assert fold_workers(4, 5, 10**6, 1) is None
    with parallel_config(n_jobs=3):
        assert fold_workers(None, 5, 10**6, 1) is None   # joblib's setting decides
    with threadpool_limits(1):
        assert fold_workers(None, 5, 10**6, 1) == 1
    with threadpool_limits(1, user_api="openmp"):
        assert fold_workers(None, 5, 10**6, 1) == 1
    with threadpool_limits(4):
        assert fold_workers(None, 5, 10**6, 1) == 4
        assert fold_workers(None, 3, 10**6, 1) == 3      # one per fold at most
        # at most DEFAULT_FOLDS_MEMORY bytes of fold Gram matrices at once
        assert fold_workers(None, 5, _threads.DEFAULT_FOLDS_MEMORY // 2, 1) == 2
        assert fold_workers(None, 5, 10 * _threads.DEFAULT_FOLDS_MEMORY, 1) == 1
    monkeypatch.setattr("joblib.cpu_count", lambda *a, **k: 1)
    assert fold_workers(None, 5, 10**6, 1) == 1
    # small folds: one after another (None: as n_jobs=None always did)
    monkeypatch.setattr(_threads, "DEFAULT_FOLDS_MIN_WORK", 2e6)
    assert fold_workers(None, 5, 10**6, 1.9e6) is None
    assert fold_workers(None, 5, 10**6, 2e6) == 1


def test_small_folds_stay_sequential_by_default(monkeypatch):
    """Below DEFAULT_FOLDS_MIN_WORK (here 40^2 x 100 alphas) the folds run one after
    another at n_jobs=None, with BLAS's threads as they were."""
    folds_seen = parallel_counts(monkeypatch, "_gram_fold")
    X, y, _ = data(n=300, p=40)
    fastreg.LassoCV(cv=KFold(3)).fit(X, y)
    assert folds_seen == [0, 0, 0]


@pytest.mark.parametrize("make", [
    lambda **k: fastreg.LassoCV(cv=KFold(5), **k),
    lambda **k: fastreg.ElasticNetCV(cv=KFold(4), l1_ratio=[0.3, 0.9], **k),
    lambda **k: fastreg.LassoCV(cv=KFold(3, shuffle=True, random_state=0),
                                alpha_select="1se", **k),
])
@pytest.mark.parametrize("weighted", [False, True])
def test_default_threads_give_the_sequential_bits(make, weighted, two_threads,
                                                  monkeypatch):
    """n_jobs=None (folds on 2 threads here) and the same folds one at a time, and
    n_jobs=1 / n_jobs=2: bitwise the same mse_path_, alpha_, coef_, intercept_."""
    X, y, sw = data()
    sw = sw if weighted else None
    default = make().fit(X, y, sw)
    monkeypatch.setattr(_cv, "fold_workers", lambda *a: 1)
    one_at_a_time = make().fit(X, y, sw)
    monkeypatch.undo()
    two = make(n_jobs=2).fit(X, y, sw)
    for other in (one_at_a_time, two):
        assert_array_equal(default.mse_path_, other.mse_path_)
        assert default.alpha_ == other.alpha_
        assert_array_equal(default.coef_, other.coef_)
        assert default.intercept_ == other.intercept_
    assert (policy.kernels, policy.folds) == (0, 0)


def test_default_runs_gram_folds_concurrently(two_threads, monkeypatch):
    """At n_jobs=None two fold jobs run at the same time (each waits for the other
    at a barrier; one after another the barrier would time out)."""
    monkeypatch.setattr(_cv, "fold_workers", lambda *a: 2)
    barrier = threading.Barrier(2, timeout=20)
    met = []
    original = _cv._gram_fold
    calls = []
    lock = threading.Lock()

    def spy(*args, **kwargs):
        with lock:
            calls.append(threading.get_ident())
            first_two = len(calls) <= 2
        if first_two:
            try:
                barrier.wait()
                met.append(True)
            except threading.BrokenBarrierError:
                met.append(False)
        return original(*args, **kwargs)

    monkeypatch.setattr(_cv, "_gram_fold", spy)
    X, y, _ = data()
    fastreg.LassoCV(cv=KFold(4)).fit(X, y)
    assert met == [True, True]
    assert len(set(calls[:2])) == 2
    assert len(calls) == 4


def test_fold_copies_stay_sequential_by_default(two_threads, monkeypatch):
    """Folds fitted on copies of their rows (here p > n_train) keep scikit-learn's
    default: one after another, BLAS threads untouched."""
    seen = []
    monkeypatch.setattr(_cv, "fold_workers",
                        lambda *a: seen.append(a) or fold_workers(*a))
    folds_seen = parallel_counts(monkeypatch, "_plain_fold")
    X, y, _ = data(n=60, p=100)
    fastreg.LassoCV(cv=KFold(3), alphas=10).fit(X, y)
    assert seen == [] and folds_seen == [0, 0, 0]
