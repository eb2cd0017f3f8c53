"""Sparse X: the same solutions as the dense copy and as scikit-learn, never writing
into the user's matrix, clear errors for bad sparse input."""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn import linear_model as sk
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold

import fastreg
from fastreg import _engine
from fastreg._engine import sparse_gram_pays
from fastreg._prepare import SparsePrepared
from reference import assert_coefs_per_alpha, assert_gap, dual_gap, objective

TOL = 1e-12


def sparse_problem(n, p, density=0.1, seed=0, dtype=np.float64, offset=0.0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, random_state=seed, format="csc",
                  data_rvs=lambda k: rng.standard_normal(k) * 2 + offset)
    w = np.zeros(p)
    w[: max(1, p // 10)] = rng.standard_normal(max(1, p // 10)) * 3
    y = X @ w + rng.standard_normal(n) + 1.5
    return X.astype(dtype), y.astype(dtype)


@pytest.mark.parametrize("shape", [(300, 40), (40, 300)])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.4])
@pytest.mark.parametrize("precompute", ["auto", False, True])
def test_sparse_equals_dense_and_sklearn(shape, fit_intercept, weighted, l1_ratio,
                                         precompute):
    X, y = sparse_problem(*shape)
    sw = np.random.default_rng(3).uniform(0.2, 3, shape[0]) if weighted else None
    alpha = 0.02
    kw = dict(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=TOL,
              max_iter=100000)
    ours = fastreg.ElasticNet(precompute=precompute, **kw).fit(X, y, sample_weight=sw)
    dense = fastreg.ElasticNet(**kw).fit(X.toarray(), y, sample_weight=sw)
    ref = sk.ElasticNet(**kw).fit(X, y, sample_weight=sw)
    scale = np.max(np.abs(dense.coef_))
    assert_allclose(ours.coef_, dense.coef_, rtol=1e-6, atol=1e-9 * scale)
    assert_allclose(ours.intercept_, dense.intercept_, rtol=1e-6, atol=1e-9)
    # same optimum as scikit-learn, and not worse
    o_ours = objective(X, y, ours.coef_, ours.intercept_, alpha, l1_ratio, sw)
    o_ref = objective(X, y, ref.coef_, ref.intercept_, alpha, l1_ratio, sw)
    assert o_ours <= o_ref * (1 + 1e-10)
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-7 * scale)
    assert ours.dual_gap_ <= TOL * np.var(y) * 10 + 1e-300 or ours.dual_gap_ >= 0


@pytest.mark.parametrize("fmt", ["csc", "csr", "coo"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_formats_dtypes_and_int64_indices(fmt, dtype):
    X, y = sparse_problem(200, 30, dtype=dtype)
    Xf = X.asformat(fmt)
    if fmt != "coo":
        Xf.indices = Xf.indices.astype(np.int64)
        Xf.indptr = Xf.indptr.astype(np.int64)
    tol = 1e-6 if dtype == np.float32 else 1e-10
    ours = fastreg.Lasso(alpha=0.01, tol=tol).fit(Xf, y)
    dense = fastreg.Lasso(alpha=0.01, tol=tol).fit(X.toarray(), y)
    assert ours.coef_.dtype == dtype
    rtol = 1e-3 if dtype == np.float32 else 1e-7
    assert_allclose(ours.coef_, dense.coef_, rtol=rtol,
                    atol=rtol * np.max(np.abs(dense.coef_)))
    assert_allclose(ours.predict(Xf), dense.predict(X.toarray()), rtol=rtol,
                    atol=rtol * np.std(y))


def test_sparse_user_matrix_untouched():
    X, y = sparse_problem(100, 20)
    before = (X.data.copy(), X.indices.copy(), X.indptr.copy())
    sw = np.linspace(0.5, 2, 100)
    fastreg.ElasticNet(alpha=0.01).fit(X, y, sample_weight=sw)
    fastreg.LassoCV(cv=3).fit(X, y, sample_weight=sw)
    fastreg.lasso_path(X, y)
    for a, b in zip(before, (X.data, X.indices, X.indptr), strict=True):
        np.testing.assert_array_equal(a, b)


def test_sparse_large_means_implicit_centering_is_exact():
    """Columns with means 1e3 times their spread: the centered norms and the fit
    are exact (no cancellation), and the Gram route is not taken."""
    X, y = sparse_problem(400, 20, density=1.0, offset=1000.0)
    prep = SparsePrepared(X, y, True, None)
    dense_norms = np.sum((X.toarray() - X.toarray().mean(0)) ** 2, axis=0)
    assert_allclose(prep.norms, dense_norms, rtol=1e-9)
    assert not sparse_gram_pays(prep)
    ours = fastreg.Lasso(alpha=0.01, tol=1e-12).fit(X, y)
    dense = fastreg.Lasso(alpha=0.01, tol=1e-12).fit(X.toarray(), y)
    assert_allclose(ours.coef_, dense.coef_, rtol=1e-6,
                    atol=1e-9 * np.max(np.abs(dense.coef_)))


@pytest.mark.parametrize("precompute", ["auto", False])
def test_sparse_path_equals_dense_path(precompute):
    X, y = sparse_problem(500, 60)
    yc = y - y.mean()
    a1, c1, g1 = fastreg.lasso_path(X, yc, tol=1e-10, precompute=precompute)
    a2, c2, g2 = fastreg.lasso_path(X.toarray(), yc, tol=1e-10)
    a3, c3, _ = sk.lasso_path(X, yc, alphas=a1, tol=1e-10, max_iter=100000)
    assert_allclose(a1, a2)
    scale = np.max(np.abs(c2))
    assert_allclose(c1, c2, rtol=1e-6, atol=1e-8 * scale)
    assert_allclose(c1, c3, rtol=1e-5, atol=1e-7 * scale)
    assert np.all(g1 <= 1e-10 * (yc @ yc) / len(yc) * (1 + 1e-9))


def test_sparse_lassocv_equals_dense():
    X, y = sparse_problem(300, 40)
    cv = KFold(4, shuffle=True, random_state=0)
    sw = np.random.default_rng(1).uniform(0.5, 2, 300)
    ours = fastreg.LassoCV(cv=cv, tol=1e-10, alphas=20).fit(X, y, sample_weight=sw)
    dense = fastreg.LassoCV(cv=cv, tol=1e-10, alphas=20).fit(X.toarray(), y,
                                                             sample_weight=sw)
    ref = sk.LassoCV(cv=cv, tol=1e-10, alphas=20, max_iter=100000).fit(
        X, y, sample_weight=sw)
    assert_allclose(ours.mse_path_, dense.mse_path_, rtol=1e-6)
    assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-6)
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
    assert_allclose(ours.coef_, dense.coef_, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("Model", [fastreg.ElasticNetCV, fastreg.LassoCV,
                                   fastreg.ElasticNet])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(6, 24), (10, 40)])
def test_small_wide_dense_stored_sparse_takes_the_dense_steps(Model, weighted, shape):
    # n < m <= 2 n: the dense kernel sweeps on G[W, W] (_block_pays); the sparse one
    # must too on such small problems (_sparse_block_pays), else both stop at different
    # certified points (scikit-learn's test_sparse_dense_equality[...-6-24-...], at tol
    # 1e-6: 3.7e-7 relative apart, with the former m^2 <= nnz(X_W) + m r rule)
    from sklearn.datasets import make_regression
    n, p = shape
    X, y = make_regression(n_samples=n, n_features=p, effective_rank=p // 2,
                           n_informative=p // 2, bias=4, noise=1, random_state=42)
    sw = np.abs(np.random.RandomState(42).normal(scale=10, size=n)) if weighted \
        else None
    params = dict(tol=1e-6) if Model is not fastreg.ElasticNet else \
        dict(tol=1e-6, alpha=0.01)
    dense = Model(**params).fit(X, y, sample_weight=sw)
    spx = Model(**params).fit(sp.csc_array(X), y, sample_weight=sw)
    scale = np.max(np.abs(dense.coef_))
    assert_allclose(spx.coef_, dense.coef_, rtol=1e-11, atol=1e-11 * scale)
    assert spx.intercept_ == pytest.approx(dense.intercept_, rel=1e-11, abs=1e-11)


def test_sparse_real_data(load_dataset):
    """we8there (bigram counts): a Lasso fit with intercept on the sparse matrix and
    on its dense copy (1500 random rows) give the same solution, and scikit-learn's."""
    X, y = load_dataset("we8there")
    rows = np.random.default_rng(0).choice(X.shape[0], 1500, replace=False)
    X = X[rows]
    y = y[rows]
    alpha = np.max(np.abs(X.T @ (y - y.mean()))) / 1500 / 20
    ours = fastreg.Lasso(alpha=alpha, tol=1e-10).fit(X, y)
    dense = fastreg.Lasso(alpha=alpha, tol=1e-10).fit(X.toarray(), y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = sk.Lasso(alpha=alpha, tol=1e-10, max_iter=100000).fit(X, y)
    assert np.count_nonzero(ours.coef_) > 5
    # bigram columns can be collinear (the Lasso solution is then not unique: here
    # columns 500 and 539): compare objectives and predictions
    o_dense = objective(X, y, dense.coef_, dense.intercept_, alpha, 1.0)
    o_ours = objective(X, y, ours.coef_, ours.intercept_, alpha, 1.0)
    assert_allclose(o_ours, o_dense, rtol=1e-9)
    assert_allclose(ours.predict(X), dense.predict(X.toarray()), rtol=1e-6, atol=1e-6)
    o_ref = objective(X, y, ref.coef_, ref.intercept_, alpha, 1.0)
    assert o_ours <= o_ref * (1 + 1e-9)
    assert_allclose(o_ours, o_ref, rtol=1e-7)
    assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_sparse_nonfinite_values_rejected(bad):
    X, y = sparse_problem(50, 10)
    X = X.copy()
    X.data[3] = bad
    for fit in (lambda: fastreg.Lasso().fit(X, y),
                lambda: fastreg.LassoCV(cv=3).fit(X, y),
                lambda: fastreg.lasso_path(X, y)):
        with pytest.raises(ValueError, match="NaN|infinity"):
            fit()


def test_kernel_rejects_out_of_range_sparse_indices():
    from fastreg._cd_fast import enet_path as kernel
    X, y = sparse_problem(30, 5)
    Xc = sp.csc_matrix(X)
    data = Xc.data.copy()
    indices = Xc.indices.astype(np.int32)
    indices[0] = 30          # one past the last row
    p = 5
    with pytest.raises(ValueError, match="X_indices out of range"):
        kernel(np.zeros(p), np.array([0.1]), np.array([0.0]), None, y, None, None,
               np.ones(p), float(y @ y), 1e-8, 10, False, False, True, False, 1,
               np.zeros((p, 1), order="F"), np.zeros(1), np.zeros(1, dtype=np.int32),
               True, None, data, indices, Xc.indptr.astype(np.int64))


@pytest.mark.parametrize("mean, dtype", [(3e7, np.float64), (30.0, np.float32),
                                         (1e6, np.float64)])
def test_sparse_columns_with_huge_means_fall_back_to_exact_centering(mean, dtype):
    """Columns whose mean dwarfs their spread (dense columns stored sparse): the fit
    equals the dense one (explicit centering) instead of cancelling."""
    rng = np.random.default_rng(0)
    X = (mean + rng.standard_normal((200, 10))).astype(dtype)
    y = (X.astype(np.float64) - mean) @ rng.standard_normal(10) + \
        rng.standard_normal(200)
    tol = 1e-6 if dtype == np.float32 else 1e-10
    ours = fastreg.Lasso(alpha=0.01, tol=tol).fit(sp.csc_matrix(X), y)
    dense = fastreg.Lasso(alpha=0.01, tol=tol).fit(X, y)
    rtol = 1e-3 if dtype == np.float32 else 1e-7
    assert_allclose(ours.coef_, dense.coef_, rtol=rtol, atol=rtol)
    Y = np.c_[y, -y]
    multi = fastreg.Lasso(alpha=0.01, tol=tol).fit(sp.csc_matrix(X), Y)
    assert_allclose(multi.coef_[0], dense.coef_, rtol=rtol, atol=rtol)
    cv = fastreg.LassoCV(cv=3, tol=tol, alphas=5).fit(sp.csr_matrix(X), y)
    cv_dense = fastreg.LassoCV(cv=3, tol=tol, alphas=5).fit(X, y)
    assert_allclose(cv.mse_path_, cv_dense.mse_path_, rtol=max(rtol, 1e-6))


def test_sparse_unpenalized_zero_column_without_intercept():
    X, y = sparse_problem(40, 8, density=0.4)
    X = X.tolil()
    X[:, 2] = 0
    X = X.tocsc()
    pf = np.ones(8)
    pf[2] = 0
    for pre in (False, True):
        est = fastreg.Lasso(alpha=0.01, penalty_factor=pf, fit_intercept=False,
                            precompute=pre, tol=1e-12).fit(X, y)
        dense = fastreg.Lasso(alpha=0.01, penalty_factor=pf, fit_intercept=False,
                              tol=1e-12).fit(X.toarray(), y)
        assert_allclose(est.coef_, dense.coef_, rtol=1e-7, atol=1e-10)
        assert est.coef_[2] == 0


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("rows_kind", ["sorted", "shuffled", "repeated", "all"])
def test_sparse_rows_is_the_rows_as_csc(fmt, rows_kind):
    # a CV fold's rows straight into CSC arrays: the same arrays as X[rows].tocsc(),
    # canonical, in X's dtype, without modifying X
    from fastreg._prepare import _column_blocks, sparse_rows
    rng = np.random.default_rng(3)
    n, p = 3000, 40
    X = sp.random(n, p, density=0.1, format="csr", random_state=3, dtype=np.float32)
    rows = {"sorted": np.sort(rng.choice(n, 2000, replace=False)),
            "shuffled": rng.choice(n, 2000, replace=False),
            "repeated": rng.integers(0, n, 2500),
            "all": np.arange(n)}[rows_kind]
    X = X.asformat(fmt)
    before = X.copy()
    ref = X.tocsr()[rows].tocsc()
    ref.sort_indices()
    out = sparse_rows(X, rows)
    assert out.format == "csc" and out.dtype == X.dtype and out.shape == ref.shape
    for name in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(out, name), getattr(ref, name))
    assert (X != before).nnz == 0
    # the column blocks cover every column once, in order
    indptr = np.asarray(X.tocsc().indptr, dtype=np.int64)
    blocks = list(_column_blocks(indptr, step=100))
    assert blocks[0][0] == 0 and blocks[-1][1] == p
    assert all(b[1] == c[0] for b, c in zip(blocks[:-1], blocks[1:], strict=True))


@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-10), (np.float64, 1e-2),
                                        (np.float32, 1e-4)])
@pytest.mark.parametrize("positive", [False, True])
def test_sparse_saturated_path_strong_set_with_ranked_extras(dtype, tol, positive):
    """A sparse path down to a support of most features with residual updates
    (precompute=False), where the strong rule's first working set of each alpha is
    joined by the best-ranked other features (_cd_solver._working_set): every returned
    gap is the one recomputed in NumPy at the returned coefficients and below tol; at a
    tight tol the coefficients are scikit-learn's."""
    X, y = sparse_problem(400, 150, density=0.2, seed=5, dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        alphas, coefs, gaps = fastreg.enet_path(X, y, l1_ratio=1.0, eps=1e-4, alphas=40,
                                                precompute=False, positive=positive,
                                                tol=tol, max_iter=100_000)
    assert coefs.dtype == dtype
    assert np.count_nonzero(coefs[:, -1]) > (60 if positive else 100)  # saturated end
    X64, y64 = X.astype(np.float64), y.astype(np.float64)
    atol = 5e-6 if dtype == np.float32 else 1e-13
    for k, alpha in enumerate(alphas):
        gap, scale = dual_gap(X64.toarray(), y64, coefs[:, k], alpha, 1.0, False, positive)
        assert_gap(gaps[k], gap, scale, tol, atol, where=f"alpha #{k}: ")
    if tol <= 1e-10:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            _, ref, _ = sk.enet_path(X64, y64, l1_ratio=1.0, alphas=alphas, tol=1e-12,
                                     max_iter=1_000_000, positive=positive)
        assert_coefs_per_alpha(coefs, ref, 1e-6)


@pytest.mark.parametrize("bounds", [None, "positive", "box"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.6])
def test_sparse_residual_sweeps_without_intercept_equal_dense(bounds, l1_ratio):
    """Sparse X without intercept and with residual updates (precompute=False: the
    sparse sweep of _cd_inner._sparse_sweep) solves the same problem as the dense copy:
    the coefficients agree to rounding, respect the bounds, and are a fixed point of
    the coordinate-wise prox recomputed in NumPy (the optimality conditions)."""
    X, y = sparse_problem(300, 120, density=0.15, seed=11)
    n = X.shape[0]
    kw = dict(alpha=0.01, l1_ratio=l1_ratio, fit_intercept=False, tol=1e-13,
              max_iter=200_000, precompute=False)
    lo, hi = -np.inf, np.inf
    if bounds == "positive":
        kw["positive"] = True
        lo = 0.0
    elif bounds == "box":
        lo, hi = -0.4, 0.6
        kw.update(lower_bounds=lo, upper_bounds=hi)
    _engine.TRACE = []
    try:
        ours = fastreg.ElasticNet(**kw).fit(X, y)
        trace = np.vstack(_engine.TRACE).sum(axis=0)
    finally:
        _engine.TRACE = None
    # (some inner solves sweep on the residual, not on a G[W, W] block)
    assert trace[_engine.TRACE_FIELDS.index("residual_inner")] > 0
    dense = fastreg.ElasticNet(**kw).fit(X.toarray(), y)
    w = ours.coef_
    assert np.count_nonzero(w) > 10
    scale = np.max(np.abs(dense.coef_))
    assert_allclose(w, dense.coef_, rtol=1e-7, atol=1e-10 * scale)
    assert np.all(w >= lo) and np.all(w <= hi)
    Xd = X.toarray()
    d = (Xd * Xd).sum(axis=0) / n
    z = Xd.T @ (y - Xd @ w) / n + d * w
    l1, l2 = kw["alpha"] * l1_ratio, kw["alpha"] * (1 - l1_ratio)
    fixed = np.clip(np.sign(z) * np.maximum(np.abs(z) - l1, 0) / (d + l2), lo, hi)
    assert_allclose(w, fixed, rtol=0, atol=1e-7 * scale)
