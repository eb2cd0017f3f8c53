"""Peak memory of the estimators (issue 20): at most one copy of X, plus O(p^2) and the
folds' bookkeeping; a sparse CV holds one fold's problem at a time.

Measured with tracemalloc: the peak of the NumPy / SciPy arrays allocated during the
fit (the data exist before), as ``bench/memory.py`` measures it (which also reports the
resident set size, including the kernels' own C allocations). The bounds are
``1.0 * X + c * p^2 float64 + slack``; the constants c count the p x p matrices each
method needs (a Gram matrix, its factorization or eigenvectors; for the Gram-form CV the
moments of every test block) and are the same on every memory order and with weights.
"""
import gc
import tracemalloc
import warnings

import numpy as np
import pytest
from scipy import sparse as sp

import fastreg

SLACK = 2**20          # bytes: small blocks, Python objects


def allowance(x_bytes, n, p, *, targets=1, folds=0, n_jobs=1, copies=1):
    """The memory bound of issue 20, in bytes, of a fit on an n x p X of ``x_bytes``
    bytes (dense: X.nbytes; sparse: data + indices + indptr) with ``targets`` targets,
    a CV with ``folds`` folds (0: not a CV) on ``n_jobs`` threads:

        copies * X  +  c * p^2 * 8  +  v * n * 8  +  SLACK

    * ``copies`` = 1: the one copy of X an estimator may hold (a centered, weighted,
      Fortran-ordered or CSC copy; none where X is used as given);
    * c p x p float64 matrices: c = 8 for a fit, a path, Ridge and RidgeCV (the Gram
      matrix, its factorization or eigenvectors, the kernel's blocks and temporaries
      of them); a CV: c = folds + 8 + 2 * n_jobs (the moments of every test block, the
      total, and each running fold's training Gram and its temporary);
    * v vectors of n float64: v = 6 + 2 * targets (per target y's centered / weighted
      copy and the residual; weights, their square roots, row scales, masks); a CV:
      6 + 2 * targets + 2 * folds (the fold bookkeeping: every fold's train / test
      indices, one fold's test errors);
    * SLACK (1 MiB): small blocks (row pieces of at most 2^15 entries in flight) and
      Python objects.

    ``bench/memory.py`` marks its table's cells by this same function."""
    c = 8 + (folds + 2 * n_jobs if folds else 0)
    v = 6 + 2 * targets + 2 * folds
    return copies * x_bytes + c * p * p * 8 + v * n * 8 + SLACK


def peak_extra(fn):
    """Peak of the memory traced during fn() above what was allocated before."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def dense(n, p, order, weighted, n_targets=1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X = np.asfortranarray(X) if order == "F" else np.ascontiguousarray(X)
    signal = X[:, :10].sum(axis=1)
    y = signal + rng.standard_normal(n) if n_targets == 1 else \
        signal[:, None] + rng.standard_normal((n, n_targets))
    sw = rng.uniform(0.5, 1.5, n) if weighted else None
    return X, y, sw


def sparse_data(n, p, weighted, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.05, format="csr", random_state=seed,
                  data_rvs=rng.standard_normal)
    y = np.asarray(X[:, :10].sum(axis=1)).ravel() + rng.standard_normal(n)
    sw = rng.uniform(0.5, 1.5, n) if weighted else None
    return X, y, sw


def sparse_bytes(X):
    return X.data.nbytes + X.indices.nbytes + X.indptr.nbytes


def fit(est, X, y, sw):
    return lambda: est.fit(X, y, **({} if sw is None else {"sample_weight": sw}))


ORDERS = [("C", False), ("F", False), ("C", True), ("F", True)]


@pytest.mark.parametrize("order,weighted", ORDERS)
def test_ridgecv_holds_one_copy_of_x(order, weighted):
    # leave-one-out from the eigendecomposition of X^T X: B = Xc V (n x p) is never
    # formed in full (old: a second copy of X, and row blocks of 8 MB; 3.1x X)
    n, p = 4000, 300
    X, y, sw = dense(n, p, order, weighted)
    est = fastreg.RidgeCV(alphas=np.logspace(-2, 2, 5))
    peak = peak_extra(fit(est, X, y, sw))
    assert peak <= X.nbytes + 6 * p * p * 8 + SLACK, peak / X.nbytes


@pytest.mark.parametrize("order,weighted", ORDERS)
@pytest.mark.parametrize("name", ["LassoCV", "MultiTaskLassoCV"])
def test_cv_with_copied_folds_holds_one_copy_of_x(name, order, weighted):
    # more features than training samples: every fold fits on its own copy of
    # X[train]. Old: the all-data problem's copy of X alive during the folds, and
    # each fold's rows copied twice (C-ordered X[train], then its centered Fortran
    # copy); 2.4x - 2.7x X
    n, p = 300, 1200
    multi = name.startswith("MultiTask")
    X, y, sw = dense(n, p, order, weighted, n_targets=3 if multi else 1)
    est = fastreg.MultiTaskLassoCV(alphas=5, cv=3) if multi else \
        fastreg.LassoCV(alphas=5, cv=3)
    peak = peak_extra(fit(est, X, y, sw))
    assert peak <= 1.3 * X.nbytes + SLACK, peak / X.nbytes


@pytest.mark.parametrize("order,weighted", ORDERS)
@pytest.mark.parametrize("name", ["LassoCV", "MultiTaskLassoCV"])
def test_gram_cv_holds_one_copy_of_x(name, order, weighted):
    # the Gram form: one centered copy of X at most (none for an unweighted Fortran
    # X), the p x p moments of each test block and of all the data, and one fold's
    # training Gram matrix at a time, and the p x p moments of the row pieces in flight
    # on the fold-moment threads (FoldMoments._block_moments: one per thread)
    n, p = 4000, 300
    multi = name.startswith("MultiTask")
    X, y, sw = dense(n, p, order, weighted, n_targets=3 if multi else 1)
    folds = 3 if multi else 5
    est = fastreg.MultiTaskLassoCV(alphas=5, cv=folds) if multi else \
        fastreg.LassoCV(alphas=10, cv=folds)
    peak = peak_extra(fit(est, X, y, sw))
    assert peak <= X.nbytes + (folds + 8) * p * p * 8 + SLACK, peak / X.nbytes


@pytest.mark.parametrize("order,weighted", ORDERS)
@pytest.mark.parametrize("name", ["Lasso", "ElasticNet", "Ridge", "MultiTaskLasso"])
def test_single_fit_holds_one_copy_of_x(name, order, weighted):
    n, p = 4000, 300
    multi = name.startswith("MultiTask")
    X, y, sw = dense(n, p, order, weighted, n_targets=3 if multi else 1)
    est = getattr(fastreg, name)(alpha=0.01)
    peak = peak_extra(fit(est, X, y, sw))
    assert peak <= X.nbytes + 2 * p * p * 8 + SLACK, peak / X.nbytes


@pytest.mark.parametrize("order", ["C", "F"])
def test_path_holds_one_copy_of_x(order):
    n, p = 4000, 300
    X, y, _ = dense(n, p, order, False)
    peak = peak_extra(lambda: fastreg.lasso_path(X, y, alphas=10))
    assert peak <= X.nbytes + 2 * p * p * 8 + SLACK, peak / X.nbytes


@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_cv_holds_one_fold_at_a_time(weighted):
    # the CV of a sparse X costs at most what one fit on all the data costs: one
    # fold's problem at a time, no Gram matrix of all the data while the folds run
    # (old: the all-data problem and its Gram matrix alive during the folds, the
    # Gram's sparse product and dense copies at once; 1.4x - 1.5x one fit)
    X, y, sw = sparse_data(12000, 300, weighted)
    one_fit = peak_extra(fit(fastreg.Lasso(alpha=0.01), X, y, sw))
    cv = peak_extra(fit(fastreg.LassoCV(alphas=10, cv=5), X, y, sw))
    assert cv <= 1.1 * one_fit + SLACK, (cv / one_fit, cv / sparse_bytes(X))


@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_gram_blocks(weighted):
    # the p x p Gram matrix of a sparse X is made a block of columns at a time (old:
    # the whole sparse product, its dense copy and the centering's outer product at
    # once); a sparse path on it: the CSC arrays, one Gram matrix, O(nnz) vectors
    X, y, sw = sparse_data(12000, 300, weighted)
    p = X.shape[1]
    peak = peak_extra(lambda: fastreg.lasso_path(X, y, alphas=10))
    assert peak <= 2.0 * sparse_bytes(X) + 2 * p * p * 8 + SLACK, \
        peak / sparse_bytes(X)


@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_ridgecv(weighted):
    # leave-one-out on a sparse X: B = Xc V is as large as the dense X; it is made a
    # block of rows at a time (old: 39x the size of the sparse X)
    X, y, sw = sparse_data(12000, 300, weighted)
    p = X.shape[1]
    est = fastreg.RidgeCV(alphas=np.logspace(-2, 2, 5))
    peak = peak_extra(fit(est, X, y, sw))
    assert peak <= 2.0 * sparse_bytes(X) + 12 * p * p * 8 + SLACK, \
        peak / sparse_bytes(X)


def test_cv_results_unchanged_by_freeing_the_all_data_problem():
    # the all-data problem is freed during the folds and made again: the same model
    X, y, sw = dense(300, 400, "C", True)
    a = fastreg.LassoCV(alphas=10, cv=3).fit(X, y, sample_weight=sw)
    b = fastreg.LassoCV(alphas=10, cv=3).fit(np.asfortranarray(X), y, sample_weight=sw)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-6, atol=1e-10)
    assert a.alpha_ == b.alpha_


P2 = 300 * 300 * 8     # one p x p float64 matrix of the sparse tests


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", ["Lasso", "ElasticNet"])
def test_sparse_single_fit_holds_one_copy_of_x(name, weighted):
    # a CSR X: its one conversion to the kernel's CSC arrays (weights scaled into
    # it), the Gram matrix, O(n) vectors. Old: an int64 column index of every value,
    # value-sized temporaries of the centering and a copy for the weights (3.1x -
    # 3.9x the sparse X)
    X, y, sw = sparse_data(12000, 300, weighted)
    peak = peak_extra(fit(getattr(fastreg, name)(alpha=0.01), X, y, sw))
    assert peak <= sparse_bytes(X) + 2 * P2 + SLACK, peak / sparse_bytes(X)


@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_csc_fit_copies_no_indices(weighted):
    # a canonical CSC X is the kernel's own layout: no copy of it at all, and with
    # weights a scaled copy of its values only (old: 2.1x - 2.9x)
    X, y, sw = sparse_data(12000, 300, weighted)
    X = X.tocsc()
    values = X.data.nbytes if weighted else 0
    before = X.copy()
    peak = peak_extra(fit(fastreg.Lasso(alpha=0.01), X, y, sw))
    assert peak <= values + 2 * P2 + SLACK, peak / sparse_bytes(X)
    assert (X != before).nnz == 0


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_cv_shares_one_gram(weighted, n_jobs, fmt):
    # the folds of a sparse X in the Gram regime come from one shared Gram matrix:
    # each running fold holds its training Gram and its test rows, never a copy of
    # its training rows, so that n_jobs=2 adds p x p blocks, not copies of X (old:
    # 3.5x - 7.2x the sparse X, with n_jobs=2 two training copies at once)
    X, y, sw = sparse_data(12000, 300, weighted)
    X = X.asformat(fmt)
    est = fastreg.LassoCV(alphas=10, cv=5, n_jobs=n_jobs)
    peak = peak_extra(fit(est, X, y, sw))
    assert peak <= sparse_bytes(X) + (2 + 2 * n_jobs) * P2 + SLACK, \
        (peak / sparse_bytes(X), (peak - sparse_bytes(X)) / P2)


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_multitask_cv_shares_one_gram(weighted, n_jobs):
    # (old: the all-data CSC copy alive during the folds, each fold's CSR and CSC
    # copies, the test errors of every alpha at once; 4.8x - 8.3x)
    X, y, sw = sparse_data(12000, 300, weighted)
    rng = np.random.default_rng(1)
    Y = np.column_stack([y, y + rng.standard_normal(y.shape[0]),
                         rng.standard_normal(y.shape[0])])
    est = fastreg.MultiTaskLassoCV(alphas=5, cv=3, n_jobs=n_jobs)
    peak = peak_extra(fit(est, X, Y, sw))
    assert peak <= sparse_bytes(X) + (3 + 2 * n_jobs) * P2 + SLACK, \
        (peak / sparse_bytes(X), (peak - sparse_bytes(X)) / P2)


@pytest.mark.parametrize("name", ["LassoCV", "ElasticNetCV", "MultiTaskLassoCV"])
def test_copied_folds_with_n_jobs_hold_one_copy_of_x(name, monkeypatch):
    # more features than training samples, n_jobs=2, X above SERIAL_COPIES_BYTES
    # (lowered here): the folds copy their training rows, so they run one at a time
    # (their kernels on every core): one fold's copy, (1 - 1/cv) of X, then its test
    # rows (old: two folds at once, 2 * (1 - 1/cv) of X, 1.8x with cv=5)
    from fastreg import _cv_base
    monkeypatch.setattr(_cv_base, "SERIAL_COPIES_BYTES", 2**20)
    n, p, cv = 500, 1500, 5
    multi = name.startswith("MultiTask")
    X, y, sw = dense(n, p, "F", False, n_targets=3 if multi else 1)
    est = getattr(fastreg, name)(alphas=5, cv=cv, n_jobs=2)
    peak = peak_extra(fit(est, X, y, sw))
    # (+ the multi-task kernel's own working arrays: 0.15x X here)
    extra = 0.35 if multi else 0.1
    assert peak <= (1 - 1 / cv + extra) * X.nbytes + SLACK, peak / X.nbytes


@pytest.mark.parametrize("limit", [0, 2**40])
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_copied_folds_with_n_jobs_give_the_same_fit(n_jobs, limit, monkeypatch):
    # the copied folds one at a time or in parallel: the same choice and fit
    from fastreg import _cv_base
    monkeypatch.setattr(_cv_base, "SERIAL_COPIES_BYTES", limit)
    X, y, _ = dense(200, 600, "F", False)
    ref = fastreg.LassoCV(alphas=10, cv=4).fit(X, y)
    est = fastreg.LassoCV(alphas=10, cv=4, n_jobs=n_jobs).fit(X, y)
    np.testing.assert_allclose(est.mse_path_, ref.mse_path_, rtol=1e-10)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-8, atol=1e-12)
    assert est.alpha_ == ref.alpha_


def test_sparse_cv_results_unchanged_by_the_shared_gram():
    # the Gram-regime folds from the shared Gram give the folds' own fits: the same
    # errors as each fold fitted alone on a copy of its rows (a single fold's test
    # set does not partition the samples: that CV copies the fold)
    from sklearn.model_selection import KFold
    X, y, sw = sparse_data(3000, 40, True)
    folds = list(KFold(4).split(X))
    a = fastreg.LassoCV(alphas=10, cv=folds, tol=1e-10).fit(X, y, sample_weight=sw)
    for (train, test), col in zip(folds, a.mse_path_.T, strict=True):
        m = fastreg.LassoCV(alphas=a.alphas_, cv=[(train, test)], tol=1e-10)
        m.fit(X, y, sample_weight=sw)
        np.testing.assert_allclose(m.mse_path_[:, 0], col, rtol=1e-7)


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("order", ["C", "F"])
def test_weighted_fold_moments_hold_no_block_copy(order, shuffle):
    # the Gram-form CV's moments of a test block with weights (sqrt(W) X_k, a copy of
    # the block) or from an index array (X[test], a gathered copy) are summed over
    # pieces of rows: no copy of a block beside the centered copy of X (old: 1.5x X
    # with cv=3, the block's copy and its weighted copy)
    from sklearn.model_selection import KFold
    n, p, folds = 20000, 100, 3
    X, y, sw = dense(n, p, order, True)
    cv = KFold(folds, shuffle=True, random_state=0) if shuffle else folds
    est = fastreg.LassoCV(alphas=10, cv=cv, n_jobs=1)
    peak = peak_extra(fit(est, X, y, sw))
    assert peak <= allowance(X.nbytes, n, p, folds=folds), peak / X.nbytes


def test_fold_moments_in_pieces_unchanged():
    # the pieces' sums are the block's moments (to rounding); the CV's choice and fit
    # are those of the moments in one product per block
    from sklearn.model_selection import KFold

    from fastreg import _prepare
    X, y, sw = dense(3000, 30, "C", True)
    folds = list(KFold(3, shuffle=True, random_state=1).split(X))
    a = _prepare.FoldMoments(X, y, sw, folds, True)
    old = _prepare.FoldMoments.PIECE_ENTRIES
    try:
        _prepare.FoldMoments.PIECE_ENTRIES = 2**40       # one piece per block
        b = _prepare.FoldMoments(X, y, sw, folds, True)
    finally:
        _prepare.FoldMoments.PIECE_ENTRIES = old
    for ma, mb in zip(a.blocks, b.blocks, strict=True):
        for u, v in zip(ma, mb, strict=True):
            np.testing.assert_allclose(u, v, rtol=1e-12, atol=1e-9)
    for cv in (3, KFold(3, shuffle=True, random_state=1)):
        e = fastreg.LassoCV(alphas=10, cv=cv).fit(X, y, sample_weight=sw)
        _prepare.FoldMoments.PIECE_ENTRIES = 2**40
        try:
            f = fastreg.LassoCV(alphas=10, cv=cv).fit(X, y, sample_weight=sw)
        finally:
            _prepare.FoldMoments.PIECE_ENTRIES = old
        assert e.alpha_ == f.alpha_
        np.testing.assert_allclose(e.coef_, f.coef_, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("fmt", ["csc", "coo"])
@pytest.mark.parametrize("name", ["LassoCV", "MultiTaskLassoCV"])
def test_sparse_cv_split_copies_no_x(name, fmt):
    # scikit-learn's splitters read only the number of rows of X, and make a CSR copy
    # of any other sparse X to read it: the CV hands them an (n, 0) array instead
    # (old: a CSR copy of all of X, the peak of a CSC LassoCV: 1.20x - 1.23x X)
    X, y, _ = sparse_data(12000, 300, False)
    X = X.asformat(fmt)
    est = getattr(fastreg, name)(cv=5)
    folds = []
    peak = peak_extra(lambda: folds.extend(est._folds(X, y, {})))
    assert len(folds) == 5
    assert peak <= 5 * 12000 * 8 + SLACK, peak / sparse_bytes(X)


def test_custom_splitter_still_gets_x():
    # a splitter that is not scikit-learn's gets X itself (it may read it)
    X, y, _ = sparse_data(600, 20, False)
    X = X.tocsc()
    seen = []

    class Halves:
        def split(self, X, y=None, groups=None):
            seen.append(X)
            n = X.shape[0]
            idx = np.arange(n)
            yield idx[n // 2:], idx[:n // 2]
            yield idx[:n // 2], idx[n // 2:]

        def get_n_splits(self, X=None, y=None, groups=None):
            return 2

    est = fastreg.LassoCV(alphas=5, cv=Halves()).fit(X, y)
    assert seen and seen[0] is X
    ref = fastreg.LassoCV(alphas=5, cv=2).fit(X, y)
    np.testing.assert_array_equal(est.mse_path_, ref.mse_path_)


EVERY = ["Lasso", "ElasticNet", "LassoCV", "ElasticNetCV", "MultiTaskLasso",
         "MultiTaskElasticNet", "MultiTaskLassoCV", "MultiTaskElasticNetCV", "Ridge",
         "RidgeCV", "lasso_path", "enet_path"]


@pytest.mark.parametrize("layout,weighted", [("C", True), ("csc", True)])
@pytest.mark.parametrize("name", EVERY)
def test_every_estimator_within_the_allowance(name, layout, weighted):
    # the bound of bench/memory.py's table (``allowance``), on every estimator and
    # path function, at shapes where p^2 is small against X (one p x p matrix: 0.01x X
    # dense, 0.013x the sparse X), so that a copy of X beyond the one allowed shows.
    # The layouts that copy most: a C-ordered X with weights (centered, weighted,
    # Fortran-ordered copy) and a CSC X with weights (the CSR form Ridge and the CV's
    # test rows read, the weighted values); every layout is in bench/memory.py's table
    p, multi, path = 100, name.startswith("MultiTask"), name.endswith("_path")
    if layout in ("csr", "csc"):
        n = 20000
        rng = np.random.default_rng(0)
        X = sp.random(n, p, density=0.25, format=layout, random_state=0,
                      data_rvs=rng.standard_normal)
        signal = np.asarray(X[:, :10].sum(axis=1)).ravel()
        y = signal[:, None] + rng.standard_normal((n, 3)) if multi else \
            signal + rng.standard_normal(n)
        sw = rng.uniform(0.5, 1.5, n) if weighted else None
        nbytes = sparse_bytes(X)
    else:
        n = 10000
        X, y, sw = dense(n, p, layout, weighted, n_targets=3 if multi else 1)
        nbytes = X.nbytes
    cv = name.endswith("CV") and name != "RidgeCV"
    if path:
        def call():
            getattr(fastreg, name)(X, y, alphas=10)
    else:
        params = {"alphas": 10, "cv": 5} if cv else \
            {"alphas": np.logspace(-2, 2, 5)} if name == "RidgeCV" else {"alpha": 0.01}
        call = fit(getattr(fastreg, name)(**params), X, y, sw)
    peak = peak_extra(call)
    limit = allowance(nbytes, n, p, targets=3 if multi else 1, folds=5 if cv else 0)
    assert peak <= limit, (peak / nbytes, limit / nbytes)


@pytest.mark.parametrize("fmt,weighted", [("csr", False), ("csr", True), ("csc", False),
                                          ("csc", True)])
@pytest.mark.parametrize("name", ["Ridge", "RidgeCV"])
def test_sparse_ridge_holds_one_copy_of_x(name, fmt, weighted):
    # a sparse X's Ridge: its CSR form (a conversion of a CSC X, in which weights
    # scale the rows in place; a copy of a CSR X with weights), the Gram matrix summed
    # over blocks of rows, column statistics over blocks of values (old: X^T X made
    # A^T's CSR copy, the squares a copy and its product, 2.1x - 4.2x the sparse X;
    # RidgeCV's leave-one-out rows in blocks of 1/16 of the dense B = Xc V, 2.8x X
    # here: now of 1/16 of X)
    n, p = 40000, 100
    rng = np.random.default_rng(0)
    X = sp.random(n, p, density=0.25, format=fmt, random_state=0,
                  data_rvs=rng.standard_normal)
    y = np.asarray(X[:, :10].sum(axis=1)).ravel() + rng.standard_normal(n)
    sw = rng.uniform(0.5, 1.5, n) if weighted else None
    before = X.copy()
    est = fastreg.Ridge(1.0) if name == "Ridge" else \
        fastreg.RidgeCV(alphas=np.logspace(-2, 2, 5))
    peak = peak_extra(fit(est, X, y, sw))
    assert (X != before).nnz == 0
    assert peak <= allowance(sparse_bytes(X), n, p), peak / sparse_bytes(X)
