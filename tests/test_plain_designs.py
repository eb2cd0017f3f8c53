"""Plain, well-conditioned dense designs with a large support (issue 19, item 2).

On these the single-target kernel sweeps with residual updates instead of building a
large G[W, W] block up front, grows its working set faster, runs the sweeps of an
implicitly centered X on a centered copy of the working set's columns, and switches to
covariance updates mid-solve once the residual sweeps have cost as much as the block.
On a small X where a third of the features violate at the start, the first working set
is every feature (plain sweeps). Each of those paths must give scikit-learn's solution;
the kernel's counters (``trace``) show which path a solve took.
"""
import warnings

import numpy as np
import pytest
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso as SkLasso

import fastreg
from fastreg import _engine
from fastreg._cd_fast import TRACE_FIELDS, enet_path
from reference import primal_dual_gap


def noise_design(n, p, seed=0, rho=0.0):
    """Gaussian (or AR(1)) columns and a pure-noise target: about half the features
    end up nonzero at alpha = alpha_max / 6."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho ** 2) * X[:, j]
    y = rng.standard_normal(n) + 3.0
    return X, y


def alpha_max(X, y):
    return np.max(np.abs((X - X.mean(0)).T @ (y - y.mean()))) / X.shape[0]


def traced_fit(est, X, y):
    """Fit est with the kernel's counters on; returns {field: value} of the fit."""
    _engine.TRACE = []
    try:
        est.fit(X, y)
        (rows,) = _engine.TRACE
    finally:
        _engine.TRACE = None
    return dict(zip(TRACE_FIELDS, rows[0], strict=True))


def numpy_gap(X, y, coef, alpha):
    """Relative duality gap of the centered Lasso (scikit-learn's scale)."""
    Xc = X - X.mean(0)
    yc = y - y.mean()
    n = X.shape[0]
    return primal_dual_gap(Xc, yc, coef, alpha * n, 0.0) / (yc @ yc)


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_dense_solution_matches_sklearn(order, fit_intercept):
    X, y = noise_design(1500, 200)
    if not fit_intercept:
        X = X - X.mean(0)
        y = y - y.mean()
    X = np.asarray(X, order=order)
    alpha = alpha_max(X, y) / 6
    ours = fastreg.Lasso(alpha=alpha, tol=1e-10, fit_intercept=fit_intercept)
    counts = traced_fit(ours, X, y)
    ref = SkLasso(alpha=alpha, tol=1e-12, max_iter=100_000,
                  fit_intercept=fit_intercept).fit(X, y)
    nnz = np.count_nonzero(ref.coef_)
    assert nnz > 60
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-7)
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-7)
    assert numpy_gap(X, y, ours.coef_, alpha) <= 1e-10
    assert counts["residual_inner"] + counts["gram_inner"] == counts["outer"]


def test_working_set_reaches_a_dense_support_in_few_outer_iterations():
    # 315 of 600 nonzero in the case; here about half of 300: the working set
    # grows from 10 by doubling its support (or faster: WS_GROW)
    X, y = noise_design(2000, 300, seed=1)
    alpha = alpha_max(X, y) / 6
    est = fastreg.Lasso(alpha=alpha, tol=1e-8)
    counts = traced_fit(est, np.asfortranarray(X), y)
    nnz = np.count_nonzero(est.coef_)
    assert nnz > 100
    assert counts["outer"] <= 7
    assert counts["ws_max"] >= nnz
    assert counts["sweeps"] == est.n_iter_
    assert counts["grad_passes"] >= 1


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_switch_to_covariance_updates_mid_solve(dtype):
    # a correlated design needs many sweeps: the solve starts with residual updates
    # and makes G[W, W] once they have cost as much; same solution as a full Gram
    X, y = noise_design(1500, 700, seed=2, rho=0.9)
    X = np.asfortranarray(X - X.mean(0), dtype=dtype)
    y = (y - y.mean()).astype(dtype)
    alpha = float(alpha_max(X, y)) / 50
    n, p = X.shape
    l1 = np.array([alpha * n])
    l2 = np.zeros(1)
    norms = np.einsum("ij,ij->j", X, X)
    tol = (1e-10 if dtype == np.float64 else 1e-5) * float(y @ y)
    out = {}
    for use_gram in (False, True):
        w = np.zeros(p, dtype=dtype)
        coefs = np.zeros((p, 1), dtype=dtype, order="F")
        gaps = np.zeros(1)
        its = np.zeros(1, dtype=np.int32)
        trace = np.zeros((1, len(TRACE_FIELDS)))
        G = np.asarray(X.T @ X, order="C") if use_gram else None
        Xy = X.T @ y if use_gram else None
        enet_path(w, l1, l2, X, y, G, Xy, norms, float(y @ y), tol, 100_000, False,
                  use_gram, True, False, 0, coefs, gaps, its, trace=trace)
        out[use_gram] = (coefs[:, 0].astype(np.float64),
                         dict(zip(TRACE_FIELDS, trace[0], strict=True)))
    (w_res, counts), (w_gram, _) = out[False], out[True]
    assert counts["switches"] >= 1
    assert np.count_nonzero(w_res) > 50
    scale = np.max(np.abs(w_gram))
    atol = 1e-6 if dtype == np.float64 else 2e-2
    np.testing.assert_allclose(w_res, w_gram, rtol=0, atol=atol * scale)
    Xd = X.astype(np.float64)
    yd = y.astype(np.float64)
    assert primal_dual_gap(Xd, yd, w_res, l1[0], 0.0) <= 2 * tol + 1e-12 * (yd @ yd)


def test_implicit_centering_copy_matches_explicit_centering():
    # a float64 Fortran X with an intercept is centered inside the kernel; its residual
    # sweeps run on a centered copy of X_W: the same solution as a centered X
    X, y = noise_design(1200, 250, seed=3)
    X = np.asfortranarray(X + 5.0)
    alpha = alpha_max(X, y) / 8
    implicit = fastreg.Lasso(alpha=alpha, tol=1e-11).fit(X, y)
    Xc = np.asfortranarray(X - X.mean(0))
    explicit = fastreg.Lasso(alpha=alpha, tol=1e-11, fit_intercept=False).fit(
        Xc, y - y.mean())
    np.testing.assert_allclose(implicit.coef_, explicit.coef_, rtol=0, atol=1e-8)


def test_trace_shape_is_checked():
    X, y = noise_design(50, 10)
    X = np.asfortranarray(X - X.mean(0))
    y = y - y.mean()
    w = np.zeros(10)
    with pytest.raises(ValueError, match="trace must have shape"):
        enet_path(w, np.array([1.0]), np.zeros(1), X, y, None, None,
                  np.einsum("ij,ij->j", X, X), float(y @ y), 1e-8, 100, False, False,
                  True, False, 0, np.zeros((10, 1), order="F"), np.zeros(1),
                  np.zeros(1, dtype=np.int32), trace=np.zeros((1, 3)))


def test_untraced_fit_leaves_no_trace():
    X, y = noise_design(100, 20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fastreg.Lasso(alpha=0.01).fit(X, y)
    assert _engine.TRACE is None


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_plain_sweeps_match_sklearn(order, dtype, fit_intercept, weighted):
    # most of the 500 features violate at w = 0 and X is small: the cold working set
    # is every feature (plain sweeps with residual updates, no G[W, W] of them all);
    # the answer is scikit-learn's, its gap recomputed in NumPy
    X, y = noise_design(1000, 500, seed=4)
    if not fit_intercept:
        X = X - X.mean(0)
        y = y - y.mean()
    sw = np.random.default_rng(5).uniform(0.5, 2.0, X.shape[0]) if weighted else None
    Xo = np.asarray(X, dtype=dtype, order=order)
    yo = y.astype(dtype)
    alpha = alpha_max(X, y) / 6
    tol = 1e-10 if dtype == np.float64 else 1e-5
    ours = fastreg.Lasso(alpha=alpha, tol=tol, fit_intercept=fit_intercept)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        counts = traced_fit(ours, Xo, yo) if not weighted else None
        if weighted:
            ours.fit(Xo, yo, sample_weight=sw)
        ref = SkLasso(alpha=alpha, tol=1e-12, max_iter=100_000,
                      fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    nnz = np.count_nonzero(ref.coef_)
    assert nnz > 150
    if counts is not None:
        assert counts["ws_max"] == X.shape[1]
        assert counts["residual_inner"] >= 1
        assert counts["sweeps"] == ours.n_iter_
    atol = 1e-7 if dtype == np.float64 else 2e-3 * np.max(np.abs(ref.coef_))
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=atol)
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=atol)
    if not weighted:
        gap = numpy_gap(X, y, ours.coef_.astype(np.float64), alpha)
        assert gap <= (1e-10 if dtype == np.float64 else 1e-5)


def test_plain_sweeps_elastic_net_and_correlated_columns():
    # AR(1) columns (correlation 0.6^|i-j|) and an l2 part: the same plain path
    X, y = noise_design(900, 450, seed=6, rho=0.6)
    X = np.asfortranarray(X)
    alpha = alpha_max(X, y) / 15
    ours = fastreg.ElasticNet(alpha=alpha, l1_ratio=0.7, tol=1e-10)
    counts = traced_fit(ours, X, y)
    ref = SkElasticNet(alpha=alpha, l1_ratio=0.7, tol=1e-13, max_iter=200_000).fit(X, y)
    assert counts["ws_max"] == X.shape[1]
    assert np.count_nonzero(ref.coef_) > 100
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-7)
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-7)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(1, 1), (7, 1), (1, 9), (37, 300), (300, 37), (0, 5)])
def test_center_into_fortran_bits(dtype, shape):
    # the C-ordered X's centered Fortran copy (preprocess): the bits of np.subtract,
    # whole and by blocks of columns, from a read-only X; a mismatch is an error
    from fastreg._cd_fast import center_into_fortran
    rng = np.random.default_rng(3)
    X = np.ascontiguousarray(rng.standard_normal(shape) * 1e3, dtype=dtype)
    X.flags.writeable = False
    offset = (X.mean(axis=0) if shape[0] else np.zeros(shape[1])).astype(dtype)
    want = np.subtract(X, offset)
    got = np.full(shape, np.nan, dtype=dtype, order="F")
    center_into_fortran(X, offset, got)
    assert np.array_equal(got, want)
    if shape[1] > 3:
        part = np.full(shape, np.nan, dtype=dtype, order="F")
        center_into_fortran(X[:, 1:-2], offset[1:-2], part[:, 1:-2])
        assert np.array_equal(part[:, 1:-2], want[:, 1:-2])
        assert np.all(np.isnan(part[:, :1])) and np.all(np.isnan(part[:, -2:]))
    if shape[0] > 1 and shape[1] > 1:
        with pytest.raises(ValueError, match="contiguous"):
            center_into_fortran(np.asfortranarray(X), offset, got)
    with pytest.raises(ValueError, match="do not match"):
        center_into_fortran(X, offset[:-1] if shape[1] else np.zeros(1, dtype), got)


def test_c_ordered_fit_same_bits_as_numpy_copy(monkeypatch):
    # preprocess centers a C-ordered X by the tiled copy: the same fit, bit for bit,
    # as with NumPy's strided subtraction (weights: the explicit centering)
    from fastreg import _prepare
    X, y = noise_design(500, 120, seed=4)
    X = np.ascontiguousarray(X)
    sw = np.linspace(0.5, 2.0, X.shape[0])
    for Est in (fastreg.Lasso, fastreg.ElasticNet):
        for weights in (None, sw):
            a = Est(alpha=0.02).fit(X, y, sample_weight=weights)
            with monkeypatch.context() as m:
                m.setattr(_prepare, "_center_into", _prepare.subtract_into)
                b = Est(alpha=0.02).fit(X, y, sample_weight=weights)
            assert np.array_equal(a.coef_, b.coef_) and a.intercept_ == b.intercept_
