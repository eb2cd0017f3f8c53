"""The fold moments with the last block's Gram product deferred (FoldMoments
``defer``): run beside that fold's path when the folds' last round on threads holds one
fold (5 folds on 2 threads). The same moments, CV errors and model as without."""
import threading

import numpy as np
import pytest
from sklearn import linear_model as sk
from sklearn.model_selection import KFold

import fastreg
from fastreg import _cv, _cv_folds, _prepare
from fastreg._threads import fold_workers

# (deferred only where the blocks' products run on threads: two cores or more)
pytestmark = pytest.mark.skipif(
    (fold_workers(None, 10, 1, float("inf")) or 1) < 2,
    reason="the fold moments run on threads only with two cores or more")


@pytest.fixture(autouse=True)
def _threaded_products(monkeypatch):
    """The small test blocks' products on threads, as large ones are."""
    monkeypatch.setattr(_prepare.FoldMoments, "THREADED_WORK", 0)


def _data(n=500, p=30, shift=0.0, seed=0):
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n, p)) + shift)
    w = np.zeros(p)
    w[:5] = [2.0, -1.0, 0.5, 1.5, -2.0]
    return X, X @ w + rng.standard_normal(n)


def _folds(n_folds, shuffle, X):
    return list(KFold(n_folds, shuffle=shuffle,
                      random_state=0 if shuffle else None).split(X))


@pytest.mark.parametrize("threaded", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("shift", [0.0, 1e3])
def test_deferred_moments_match(monkeypatch, threaded, weighted, shuffle, shift):
    X, y = _data(shift=shift)
    X_before = X.copy()
    sw = np.random.default_rng(1).uniform(0.5, 2.0, len(y)) if weighted else None
    folds = _folds(5, shuffle, X)
    if not threaded:
        monkeypatch.setattr(_prepare.FoldMoments, "THREADED_WORK", float("inf"))
    ref = _prepare.FoldMoments(X, y, sw, folds, True)
    mom = _prepare.FoldMoments(X, y, sw, folds, True, defer=True)
    if not threaded:
        # (products on the calling thread with BLAS's threads: nothing deferred)
        assert mom.deferred is None
        for a, b in zip(mom.total, ref.total, strict=True):
            np.testing.assert_array_equal(a, b)
        return
    assert mom.deferred == 4 and mom.deferred_pending()
    assert mom.blocks[4][0] is None
    n = len(y)
    # the grid's moments (no Gram matrix) and the deferred fold's training moments
    # need nothing deferred
    G0, Xy0, yy0, m0, my0 = mom.training_moments(None, n, gram=False)
    assert G0 is None
    ref_all = ref.training_moments(None, n)
    np.testing.assert_array_equal(Xy0, ref_all[1])
    assert yy0 == ref_all[2]
    n_train = len(folds[4][0])
    early = mom.training_moments(4, n_train)
    assert mom.deferred_pending()
    mom.finish_deferred()
    assert not mom.deferred_pending()
    late = mom.training_moments(4, n_train)
    for a, b in zip(early, late, strict=True):       # (timing-independent bits)
        np.testing.assert_array_equal(a, b)
    for k in [None, 0, 1, 2, 3, 4]:       # (deferred or not: the same bits)
        nt = n if k is None else len(folds[k][0])
        for a, b in zip(mom.training_moments(k, nt), ref.training_moments(k, nt),
                        strict=True):
            np.testing.assert_array_equal(a, b)
    coefs = np.random.default_rng(2).standard_normal((X.shape[1], 4)) * 0.1
    for k in range(5):
        np.testing.assert_array_equal(mom.test_mse(k, coefs, 0.1),
                                      ref.test_mse(k, coefs, 0.1))
    np.testing.assert_array_equal(X, X_before)


def test_waiting_for_the_deferred_block():
    X, y = _data()
    folds = _folds(5, False, X)
    mom = _prepare.FoldMoments(X, y, None, folds, True, defer=True)
    got = {}

    def other_fold():
        got["moments"] = mom.training_moments(0, len(folds[0][0]))

    t = threading.Thread(target=other_fold)
    t.start()
    t.join(0.2)
    assert t.is_alive() and "moments" not in got     # waits for the product
    mom.finish_deferred()
    t.join(10)
    assert not t.is_alive() and got["moments"][0].shape == (30, 30)


def test_deferred_failure_wakes_the_waiters(monkeypatch):
    X, y = _data()
    folds = _folds(5, False, X)
    mom = _prepare.FoldMoments(X, y, None, folds, True, defer=True)

    def broken(_):
        raise MemoryError("no room")
    monkeypatch.setattr(_prepare, "gram_waiting", broken)
    with pytest.raises(MemoryError):
        mom.finish_deferred()
    with pytest.raises(RuntimeError, match="deferred fold moments failed"):
        mom.training_moments(0, len(folds[0][0]))
    with pytest.raises(RuntimeError, match="deferred fold moments failed"):
        mom.test_mse(4, np.zeros((X.shape[1], 1)), 0.0)


def test_with_deferred_on_one_thread_finishes_first():
    X, y = _data()
    mom = _prepare.FoldMoments(X, y, None, _folds(5, False, X), True, defer=True)
    jobs = ["a", "b"]
    assert _cv_folds._with_deferred(mom, jobs, 1) is jobs
    assert not mom.deferred_pending()
    mom2 = _prepare.FoldMoments(X, y, None, _folds(5, False, X), True, defer=True)
    ordered = _cv_folds._with_deferred(mom2, [f"fold{k}" for k in range(5)], 2)
    assert ordered.order == [4, 0, 1, 2, 3] and ordered[1:] == [
        "fold4", "fold0", "fold1", "fold2", "fold3"]
    assert ordered.restore(["x", "r4", "r0", "r1", "r2", "r3"]) == [
        "r0", "r1", "r2", "r3", "r4"]


def _force(monkeypatch, defer):
    """Folds on two threads (fold_workers), the moments' products threaded, and the
    deferral on or off."""
    monkeypatch.setattr(_cv, "fold_workers", lambda *a, **k: 2)
    if not defer:
        monkeypatch.setattr(_cv.ElasticNetCV, "_defer_moments",
                            lambda self, *a: False)
    calls = []
    finish = _prepare.FoldMoments.finish_deferred  # (the class's, not a patched one)

    def counted(self):
        calls.append(self.deferred)
        return finish(self)
    monkeypatch.setattr(_prepare.FoldMoments, "finish_deferred", counted)
    return calls


@pytest.mark.parametrize("est, kw", [
    ("LassoCV", {}),
    ("ElasticNetCV", {"l1_ratio": [0.3, 0.9]}),
    ("LassoCV", {"store_cv_results": True, "scoring": "neg_mean_absolute_error"}),
    ("LassoCV", {"gammas": [0.0, 0.5, 1.0]}),
    ("ElasticNetCV", {"positive": True}),
])
@pytest.mark.parametrize("n_folds, shuffle", [(5, False), (3, True), (4, False)])
def test_deferred_fit_same_results(monkeypatch, est, kw, n_folds, shuffle):
    X, y = _data()
    cv = KFold(n_folds, shuffle=shuffle, random_state=0 if shuffle else None)
    with monkeypatch.context() as m:
        calls = _force(m, defer=False)
        ref = getattr(fastreg, est)(cv=cv, **kw).fit(X, y)
        assert calls == []
    with monkeypatch.context() as m:
        calls = _force(m, defer=True)
        new = getattr(fastreg, est)(cv=cv, **kw).fit(X, y)
        # (4 folds on 2 threads: no round with one fold, nothing deferred)
        assert calls == ([] if n_folds % 2 == 0 else [n_folds - 1])
    # (deferred or not, the same bits)
    np.testing.assert_array_equal(new.mse_path_, ref.mse_path_)
    assert new.alpha_ == ref.alpha_
    np.testing.assert_array_equal(new.coef_, ref.coef_)
    assert new.intercept_ == ref.intercept_
    if "store_cv_results" in kw:
        np.testing.assert_array_equal(new.cv_results_, ref.cv_results_)
        np.testing.assert_array_equal(new.score_path_, ref.score_path_)


@pytest.mark.parametrize("kw", [{"penalty_factor": [0.0] + [1.0] * 29},
                                {"lower_bounds": 0.1}, {"exclude": [3]},
                                {"standardize": True}])
def test_not_deferred_where_the_grid_needs_the_gram(monkeypatch, kw):
    X, y = _data()
    with monkeypatch.context() as m:
        calls = _force(m, defer=True)
        fastreg.LassoCV(cv=5, **kw).fit(X, y)
        assert calls == []


def test_deferred_fit_as_scikit_learn(monkeypatch):
    X, y = _data(shift=5.0)
    cv = KFold(5)
    with monkeypatch.context() as m:
        calls = _force(m, defer=True)
        ours = fastreg.ElasticNetCV(cv=cv, tol=1e-10, max_iter=100000).fit(X, y)
        assert calls == [4]
    ref = sk.ElasticNetCV(cv=cv, tol=1e-10, max_iter=100000).fit(X, y)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-6)
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-8)


def test_deferred_fit_under_a_process_backend(monkeypatch):
    """A joblib parallel_config naming a process backend: the jobs that wait for each
    other still run on threads (require='sharedmem')."""
    from joblib import parallel_config
    X, y = _data()
    with monkeypatch.context() as m:
        _force(m, defer=False)
        ref = fastreg.LassoCV(cv=5).fit(X, y)
    with monkeypatch.context() as m:
        calls = _force(m, defer=True)
        with parallel_config(backend="loky"):
            new = fastreg.LassoCV(cv=5).fit(X, y)
        assert calls == [4]
    np.testing.assert_array_equal(new.mse_path_, ref.mse_path_)


def test_interrupt_wakes_the_waiters():
    """The abort epoch moves (an interrupted fit): a fold waiting for the deferred
    product raises KeyboardInterrupt, and the product's next piece is not started."""
    from fastreg._engine import request_abort
    X, y = _data()
    folds = _folds(5, False, X)
    mom = _prepare.FoldMoments(X, y, None, folds, True, defer=True)
    got = {}

    def other_fold():
        try:
            mom.training_moments(0, len(folds[0][0]))
        except KeyboardInterrupt as exc:
            got["error"] = exc

    t = threading.Thread(target=other_fold)
    t.start()
    t.join(0.1)
    assert t.is_alive()
    request_abort()
    t.join(5)
    assert not t.is_alive() and isinstance(got.get("error"), KeyboardInterrupt)
    with pytest.raises(KeyboardInterrupt):
        mom.finish_deferred()


def test_not_deferred_when_a_piece_is_long(monkeypatch):
    X, y = _data()
    folds = _folds(5, False, X)
    monkeypatch.setattr(_prepare.FoldMoments, "DEFER_MAX_WORK", 10)
    assert _prepare.FoldMoments(X, y, None, folds, True, defer=True).deferred is None


def test_memory_limits(monkeypatch):
    """Blocks, total and the last fold's partial sum held while they fit in MEMORY;
    beyond, the partial sum first goes (nothing deferred: the last fold as the
    others), then the blocks' Gram products (each made again when its fold runs)."""
    X, y = _data()
    folds = _folds(5, False, X)
    size = 30 * 30 * 8
    monkeypatch.setattr(_prepare.FoldMoments, "MEMORY", 7 * size)
    mom = _prepare.FoldMoments(X, y, None, folds, True, defer=True)
    assert mom.deferred == 4 and mom.partial is not None
    monkeypatch.setattr(_prepare.FoldMoments, "MEMORY", 6 * size)
    ref = _prepare.FoldMoments(X, y, None, folds, True, defer=True)
    assert ref.deferred is None and ref.partial is None
    assert ref.blocks[0][0] is not None
    monkeypatch.setattr(_prepare.FoldMoments, "MEMORY", 5 * size)
    low = _prepare.FoldMoments(X, y, None, folds, True, defer=True)
    assert low.deferred is None and low.blocks[0][0] is None
    mom.finish_deferred()
    for k in range(5):
        n_train = len(folds[k][0])
        for a, b in zip(mom.training_moments(k, n_train),
                        low.training_moments(k, n_train), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-9,
                                       atol=1e-9 * np.max(np.abs(b)) + 1e-12)
