"""Invariants of the compiled kernel, checked against NumPy re-computations.

The kernel solves P(w) = 0.5 ||y - Xw||^2 + l1 ||w||_1 + 0.5 l2 ||w||^2 (w >= 0 if
positive). These tests call it directly and check, independently of scikit-learn:
the reported duality gap equals the gap recomputed in NumPy, the optimality (KKT)
conditions hold, and every update strategy (residual, lazy Gram, full Gram), screening
on or off, cyclic or random order, float32 or float64, single solve or warm-started
path, gives the same solution.
"""
import numpy as np
import pytest

from fastreg._cd_fast import column_stats, enet_path
from reference import kkt_violation, l1_max, primal_dual_gap


def make_problem(n, p, seed=0, dtype=np.float64, rho=0.6):
    """Centered data with AR(1)-correlated columns and a sparse truth."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    X = Z.copy()
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * Z[:, j]
    w = np.zeros(p)
    w[rng.choice(p, min(p, 8), replace=False)] = rng.standard_normal(min(p, 8)) * 3
    y = X @ w + rng.standard_normal(n)
    X -= X.mean(0)
    y -= y.mean()
    return np.asfortranarray(X, dtype=dtype), y.astype(dtype)


def solve(X, y, l1s, l2s, mode="naive", tol=1e-10, positive=False, screening=True,
          random=False, w0=None, max_iter=100_000, strong_rule=True, extrapolate=True,
          bounds=True):
    """Call the kernel along (l1s, l2s); mode in {naive, lazy, gram}."""
    dtype = X.dtype
    n, p = X.shape
    l1s = np.atleast_1d(np.asarray(l1s, dtype=np.float64))
    l2s = np.broadcast_to(np.asarray(l2s, dtype=np.float64), l1s.shape).copy()
    w = np.zeros(p, dtype) if w0 is None else w0.astype(dtype).copy()
    G = np.ascontiguousarray(X.T @ X) if mode == "gram" else None
    Xy = X.T @ y
    norms = np.einsum("ij,ij->j", X, X)
    yy = float(y.astype(np.float64) @ y.astype(np.float64))
    coefs = np.zeros((p, len(l1s)), dtype, order="F")
    gaps = np.zeros(len(l1s))
    iters = np.zeros(len(l1s), np.int32)
    enet_path(w, l1s, l2s, X, y, G, Xy, norms, yy, tol * yy, max_iter, positive,
              mode == "lazy", screening, random, 7, coefs, gaps, iters, strong_rule,
              extrapolate=extrapolate, bounds=bounds)
    return coefs, gaps, iters


SHAPES = [(120, 30), (40, 200)]
MODES = ["naive", "lazy", "gram"]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
@pytest.mark.parametrize("positive", [False, True])
def test_reported_gap_is_the_numpy_gap_and_kkt_hold(shape, mode, l1_ratio, positive):
    X, y = make_problem(*shape)
    lmax = l1_max(X, y, positive)
    for frac in [0.5, 0.05, 0.005]:
        total = lmax * frac / max(l1_ratio, 0.1)
        l1, l2 = total * l1_ratio, total * (1 - l1_ratio)
        coefs, gaps, iters = solve(X, y, l1, l2, mode=mode, positive=positive)
        w = coefs[:, 0]
        gap = primal_dual_gap(X, y, w, l1, l2, positive)
        yy = y @ y
        assert gaps[0] <= 1e-10 * yy, "solve did not reach the tolerance"
        assert gap == pytest.approx(gaps[0], rel=1e-6, abs=1e-12 * yy)
        if positive:
            assert np.all(w >= 0)
        if l1 > 0:
            assert kkt_violation(X, y, w, l1, l2, positive) < 1e-4


@pytest.mark.parametrize("shape", SHAPES)
def test_strategies_screening_and_order_agree(shape):
    X, y = make_problem(*shape, seed=1)
    l1 = l1_max(X, y) * 0.01
    ref, _, _ = solve(X, y, l1, 0.0, mode="naive", tol=1e-14)
    for mode in MODES:
        for screening in (True, False):
            for random in (False, True):
                w, _, _ = solve(X, y, l1, 0.0, mode=mode, tol=1e-14,
                                screening=screening, random=random)
                np.testing.assert_allclose(w[:, 0], ref[:, 0], rtol=1e-7,
                                           atol=1e-9 * np.abs(ref).max())
                # exact zeros in the same places
                assert np.array_equal(w[:, 0] == 0, ref[:, 0] == 0)


@pytest.mark.parametrize("mode", MODES)
def test_path_equals_independent_solves(mode):
    """Warm starts and the strong rule change the work, never the answer."""
    X, y = make_problem(60, 150, seed=2)
    l1s = l1_max(X, y) * np.geomspace(1, 1e-3, 12)
    path, gaps, iters = solve(X, y, l1s, 0.1, mode=mode, tol=1e-13)
    for k, l1 in enumerate(l1s):
        single, _, _ = solve(X, y, l1, 0.1, mode=mode, tol=1e-13)
        np.testing.assert_allclose(path[:, k], single[:, 0], rtol=1e-6,
                                   atol=1e-8 * np.abs(single).max())
        assert gaps[k] <= 1e-13 * (y @ y)
    no_strong, _, _ = solve(X, y, l1s, 0.1, mode=mode, tol=1e-13, strong_rule=False)
    np.testing.assert_allclose(path, no_strong, rtol=1e-6, atol=1e-8 * np.abs(path).max())


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("positive", [False, True])
def test_path_extrapolation_moves_only_the_start(mode, positive):
    """Each solve of a path starts from the linear extrapolation of the two previous
    solutions; supports and signs change along this path (coefficients enter, leave
    and, without positive, cross zero), and the answers are those of plain warm
    starts, each certified by its NumPy gap."""
    X, y = make_problem(80, 40, seed=5)
    l1s = l1_max(X, y, positive) * np.geomspace(1, 1e-3, 30)
    for l2 in (0.0, 0.5):
        ext, gaps, _ = solve(X, y, l1s, l2, mode=mode, tol=1e-13, positive=positive)
        plain, _, _ = solve(X, y, l1s, l2, mode=mode, tol=1e-13, positive=positive,
                            extrapolate=False)
        np.testing.assert_allclose(ext, plain, rtol=1e-6, atol=1e-8 * np.abs(plain).max())
        if positive:
            assert ext.min() >= 0
        for k, l1 in enumerate(l1s):
            assert gaps[k] <= 1e-13 * (y @ y)
            assert abs(primal_dual_gap(X, y, ext[:, k], l1, l2, positive) - gaps[k]) <= \
                1e-9 * (y @ y)


@pytest.mark.parametrize("mode", MODES)
def test_path_extrapolation_is_exact_on_a_fixed_support(mode):
    """While the support and signs hold, the lasso solution is affine in l1: the
    extrapolated start is the solution up to the previous solutions' tolerance, so
    each solve after the second is certified after its first sweep (from plain warm
    starts, each takes several)."""
    rng = np.random.default_rng(3)
    X = np.asfortranarray(rng.standard_normal((200, 6)))
    y = X @ np.array([3.0, -2.0, 2.5, -3.5, 4.0, 1.5]) + 0.1 * rng.standard_normal(200)
    l1s = l1_max(X, y) * np.geomspace(0.05, 0.01, 8)
    ext, _, it_ext = solve(X, y, l1s, 0.0, mode=mode, tol=1e-12)
    plain, _, it_plain = solve(X, y, l1s, 0.0, mode=mode, tol=1e-12, extrapolate=False)
    assert np.all(ext != 0)      # the support is fixed: every feature, same signs
    assert np.all(np.sign(ext) == np.sign(ext[:, :1]))
    np.testing.assert_allclose(ext, plain, rtol=1e-7)
    assert np.all(it_ext[2:] == 1) and np.all(it_plain[2:] > 1)


@pytest.mark.parametrize("l2", [0.0, 5.0])
def test_gram_path_with_kept_factorization(l2):
    """Along a Gram-mode path the exact active-set solves extend one Cholesky factor
    (features entering are appended, a feature leaving truncates it): the solutions
    are those of residual updates, each with its NumPy gap."""
    X, y = make_problem(400, 120, seed=8, rho=0.8)
    l1s = l1_max(X, y) * np.geomspace(1, 1e-3, 60)
    gram, gaps, iters = solve(X, y, l1s, l2, mode="gram", tol=1e-13)
    naive, _, _ = solve(X, y, l1s, l2, mode="naive", tol=1e-13)
    np.testing.assert_allclose(gram, naive, rtol=1e-6, atol=1e-8 * np.abs(naive).max())
    supports = gram != 0
    # the path adds and removes features (the factor is extended and truncated)
    assert np.any(supports[:, 1:] & ~supports[:, :-1])
    assert np.any(~supports[:, 1:] & supports[:, :-1])
    for k, l1 in enumerate(l1s):
        assert abs(primal_dual_gap(X, y, gram[:, k], l1, l2) - gaps[k]) <= 1e-9 * (y @ y)
        assert kkt_violation(X, y, gram[:, k], l1, l2) <= 1e-6


def test_naive_block_cache_across_a_zigzag_path():
    """Dense residual mode with a working set smaller than n solves on G[W, W] built
    from a cache of gathered columns (only new columns' products are computed). A
    path whose alphas jump up and down makes the working set grow, shrink (the cache
    is then emptied and rebuilt) and grow again: every solution must be the one
    found from scratch, with its NumPy gap and optimality conditions."""
    X, y = make_problem(400, 120, seed=9, rho=0.7)
    top = l1_max(X, y)
    l1s = top * np.array([1e-3, 0.5, 3e-3, 0.7, 1e-2, 0.3, 2e-3])
    path, gaps, _ = solve(X, y, l1s, 0.0, mode="naive", tol=1e-13)
    supports = (path != 0).sum(0)
    # the first solve caches at least its 100+ nonzero columns; the second one's
    # working set (support ~6, plus at most a few candidates) allows 2 m + 64 < 100
    assert supports[0] >= 100 and supports[1] <= 10 and supports[2] >= 80
    for k, l1 in enumerate(l1s):
        alone, _, _ = solve(X, y, l1, 0.0, mode="naive", tol=1e-13)
        np.testing.assert_allclose(path[:, k], alone[:, 0], rtol=1e-7,
                                   atol=1e-9 * np.abs(alone).max())
        assert abs(primal_dual_gap(X, y, path[:, k], l1, 0.0) - gaps[k]) <= 1e-9 * (y @ y)
        assert kkt_violation(X, y, path[:, k], l1, 0.0) <= 1e-6


@pytest.mark.parametrize("order", ["F", "C"])
@pytest.mark.parametrize("centering", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_naive_block_from_row_panels_on_tall_x(order, centering, dtype):
    """From 4096 rows on, G[W, W] of the residual kernel comes from panels of rows
    gathered at each growth of the working set (no copy of the columns): along a path
    whose working sets grow, shrink and grow, in either memory order and with the
    columns centered on the fly, every solution must equal the covariance-mode one
    (which never builds that block), with its NumPy gap."""
    X, y = make_problem(4500, 150, seed=12, rho=0.8)
    offset = np.random.default_rng(12).normal(scale=3.0, size=X.shape[1])
    data = np.asarray(X + offset if centering else X, order=order, dtype=dtype)
    Xd, yd = X.astype(dtype), y.astype(dtype)
    top = l1_max(X, y)
    l1s = top * np.array([2e-2, 1e-4, 0.5, 2e-4, 0.05, 1e-5])
    tol = 1e-12 if dtype == np.float64 else 1e-6
    ref, _, _ = solve(np.asfortranarray(Xd), yd, l1s, 0.0, mode="gram", tol=tol)
    n, p = X.shape
    w = np.zeros(p, dtype)
    coefs = np.zeros((p, len(l1s)), dtype, order="F")
    gaps = np.zeros(len(l1s))
    iters = np.zeros(len(l1s), np.int32)
    norms = np.einsum("ij,ij->j", X, X).astype(dtype)     # of the centered columns
    yy = float(y @ y)
    enet_path(w, l1s, np.zeros(len(l1s)), data, yd, None, None, norms, yy, tol * yy,
              100_000, False, False, True, False, 7, coefs, gaps, iters, True,
              offset.astype(dtype) if centering else None)
    assert (ref != 0).sum(0).max() >= 100        # working sets past a panel's share
    rtol, atol = (1e-7, 1e-9) if dtype == np.float64 else (2e-3, 1e-4)
    for k, l1 in enumerate(l1s):
        np.testing.assert_allclose(coefs[:, k], ref[:, k], rtol=rtol,
                                   atol=atol * np.abs(ref).max())
        assert gaps[k] <= tol * yy
        assert primal_dual_gap(X, y, coefs[:, k], l1, 0.0) <= \
            (2e-9 if dtype == np.float64 else 1e-5) * yy
        if dtype == np.float64:
            assert primal_dual_gap(X, y, coefs[:, k], l1, 0.0) == \
                pytest.approx(gaps[k], rel=1e-6, abs=1e-12 * yy)


def test_above_l1_max_gives_zero_in_no_iteration():
    X, y = make_problem(50, 20)
    coefs, gaps, iters = solve(X, y, l1_max(X, y) * 1.0001, 0.0)
    assert np.all(coefs == 0)
    assert iters[0] == 0
    assert gaps[0] <= 1e-10 * (y @ y)


@pytest.mark.parametrize("mode", MODES)
def test_float32_solution_matches_float64(mode):
    X64, y64 = make_problem(100, 40, seed=3)
    X32, y32 = X64.astype(np.float32, order="F"), y64.astype(np.float32)
    l1 = l1_max(X64, y64) * 0.05
    w64, _, _ = solve(X64, y64, l1, 0.0, mode=mode, tol=1e-12)
    w32, gaps32, _ = solve(X32, y32, l1, 0.0, mode=mode, tol=1e-6)
    assert w32.dtype == np.float32
    np.testing.assert_allclose(w32[:, 0], w64[:, 0], rtol=1e-3,
                               atol=1e-4 * np.abs(w64).max())
    assert gaps32[0] <= 1e-6 * float(y32 @ y32)


def test_max_iter_bounds_the_sweeps():
    X, y = make_problem(40, 200, seed=4)
    coefs, gaps, iters = solve(X, y, l1_max(X, y) * 1e-4, 0.0, tol=1e-15, max_iter=7)
    assert 1 <= iters[0] <= 7
    assert gaps[0] > 1e-15 * (y @ y)  # not converged, and says so through the gap


def test_zero_columns_stay_zero():
    X, y = make_problem(50, 20, seed=5)
    X[:, [3, 11]] = 0.0
    w0 = np.zeros(20)
    w0[3] = 5.0  # a warm start on a zero column is reset
    for mode in MODES:
        coefs, gaps, _ = solve(X, y, l1_max(X, y) * 0.01, 0.0, mode=mode, w0=w0)
        assert coefs[3, 0] == 0 and coefs[11, 0] == 0
        assert primal_dual_gap(X, y, coefs[:, 0], l1_max(X, y) * 0.01, 0.0) == \
            pytest.approx(gaps[0], rel=1e-6, abs=1e-12 * (y @ y))


def test_inputs_are_not_modified():
    X, y = make_problem(30, 60, seed=6)
    X.setflags(write=False)
    y.setflags(write=False)
    X0, y0 = X.copy(), y.copy()
    for mode in MODES:
        solve(X, y, l1_max(X, y) * 0.1, 0.0, mode=mode)
    assert np.array_equal(X, X0) and np.array_equal(y, y0)


@pytest.mark.parametrize("order", ["F", "C"])
@pytest.mark.parametrize("shape", SHAPES)
def test_memory_order_and_implicit_centering(order, shape):
    """The residual kernel reads X in either memory order, and centers it on the fly
    when given the column means: same solution and gap as on a centered copy."""
    X, y = make_problem(*shape, seed=8)
    rng = np.random.default_rng(8)
    offset = rng.normal(scale=5.0, size=X.shape[1])
    raw = np.asarray(X + offset, order=order)       # uncentered columns
    l1 = l1_max(X, y) * 0.02
    ref, ref_gap, _ = solve(X, y, l1, 0.3)
    n, p = raw.shape
    for Xmean in (None, offset):
        data = X if Xmean is None else raw
        data = np.asarray(data, order=order)
        w = np.zeros(p)
        coefs = np.zeros((p, 1), order="F")
        gaps = np.zeros(1)
        iters = np.zeros(1, np.int32)
        norms = np.einsum("ij,ij->j", X, X)          # of the centered columns
        enet_path(w, np.array([l1]), np.array([0.3]), data, y, None, None, norms,
                  float(y @ y), 1e-10 * float(y @ y), 100_000, False, False, True, False,
                  7, coefs, gaps, iters, True, Xmean)
        np.testing.assert_allclose(coefs[:, 0], ref[:, 0], rtol=1e-6,
                                   atol=1e-8 * np.abs(ref).max())
        assert primal_dual_gap(X, y, coefs[:, 0], l1, 0.3) == \
            pytest.approx(gaps[0], rel=1e-6, abs=1e-12 * (y @ y))


def test_kernel_rejects_inconsistent_arrays():
    X, y = make_problem(20, 5)
    norms = np.einsum("ij,ij->j", X, X)
    args = (np.array([1.0]), np.array([0.0]))
    out = (np.zeros((5, 1), order="F"), np.zeros(1), np.zeros(1, np.int32))
    with pytest.raises(ValueError, match="contiguous"):
        enet_path(np.zeros(5), *args, X[::2], y[::2], None, None, norms, 1.0, 1e-8, 10,
                  False, False, True, False, 1, *out)
    with pytest.raises(ValueError, match="shape"):
        enet_path(np.zeros(4), *args, X, y, None, None, norms, 1.0, 1e-8, 10,
                  False, False, True, False, 1, *out)
    with pytest.raises(ValueError, match="Xmean"):
        enet_path(np.zeros(5), *args, X, y, None, X.T @ y, norms, 1.0, 1e-8, 10,
                  False, True, True, False, 1, *out, True, np.zeros(5))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n", [1, 7, 1001])
def test_column_stats_match_numpy(dtype, n):
    """column_stats: sums, sums of squares and X^T y of each column in one pass
    (vector partial sums, any length), all in float64, equal to NumPy's."""
    rng = np.random.default_rng(n)
    X = np.asfortranarray(rng.normal(3.0, 2.0, size=(n, 5)), dtype=dtype)
    y = rng.standard_normal(n).astype(dtype)
    X64 = X.astype(np.float64)
    sums, sumsq, finite, xty = column_stats(X, y)
    assert finite and sums.dtype == np.float64
    np.testing.assert_allclose(sums, X64.sum(0), rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(sumsq, (X64 ** 2).sum(0), rtol=1e-13)
    np.testing.assert_allclose(xty, X64.T @ y.astype(np.float64), rtol=1e-12,
                               atol=1e-12 * np.abs(X64).sum())
    assert column_stats(X)[3] is None
    np.testing.assert_array_equal(column_stats(X)[0], sums)
    X[n // 2, 3] = np.nan
    assert not column_stats(X, y)[2]
    with pytest.raises(ValueError, match="y must have"):
        column_stats(X, y[:-1] if n > 1 else np.zeros(2, dtype))


@pytest.mark.parametrize("centering", [False, True])
def test_given_first_gradient_changes_nothing_but_a_pass(centering):
    """g0 = X^T y (columns as stored) spares the first solve its first pass over X
    when it starts from w = 0: the solutions and gaps of a path are those computed
    without it; a warm start (w != 0) ignores it."""
    X, y = make_problem(300, 40, seed=21)
    offset = np.random.default_rng(21).normal(size=40)
    data = X + offset if centering else X
    l1s = l1_max(X, y) * np.array([0.3, 0.05, 0.01])
    norms = np.einsum("ij,ij->j", X, X)
    yy = float(y @ y)

    def run(g0, w0):
        w = w0.copy()
        coefs = np.zeros((40, 3), order="F")
        gaps = np.zeros(3)
        iters = np.zeros(3, np.int32)
        enet_path(w, l1s, np.zeros(3), np.asfortranarray(data), y, None, None, norms,
                  yy, 1e-12 * yy, 100_000, False, False, True, False, 7, coefs, gaps,
                  iters, True, offset if centering else None, g0=g0)
        return coefs, gaps

    g0 = np.asfortranarray(data).T @ y
    for w0 in (np.zeros(40), 0.01 * np.ones(40)):
        ref, ref_gaps = run(None, w0)
        got, got_gaps = run(g0, w0)
        np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-12)
        for k, l1 in enumerate(l1s):
            assert got_gaps[k] <= 1e-12 * yy
            assert primal_dual_gap(X, y, got[:, k], l1, 0.0) == \
                pytest.approx(got_gaps[k], rel=1e-6, abs=1e-13 * yy)
    # it is trusted, not recomputed: a zero g0 makes w = 0 look optimal at the first
    # alpha (the estimators pass the one column_stats computed)
    bogus, _ = run(np.zeros(40), np.zeros(40))
    assert np.all(bogus[:, 0] == 0) and np.any(ref[:, 0] != 0)
    with pytest.raises(ValueError, match="g0"):
        run(g0[:-1], np.zeros(40))


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("zigzag", [False, True])
def test_left_out_features_certified_by_bounds(l1_ratio, positive, zigzag):
    """On a wide path, the features a solve leaves out (Gap Safe screening, or at the
    next alpha the strong rule) are checked at its end by a bound from the last pass
    over every column, |x_j^T R| <= |x_j^T R_ref| + ||x_j|| ||R - R_ref||, and
    computed only where the bound does not certify them. Every reported gap must still
    be the NumPy gap of the full problem, every solution the one found without the
    bounds, including along a path that goes up and down (no strong rule upwards)."""
    X, y = make_problem(50, 1500, seed=31, rho=0.5)
    top = l1_max(X, y, positive)
    grid = np.geomspace(1.0, 1e-3, 30)
    if zigzag:
        grid = grid[[0, 5, 2, 12, 8, 20, 15, 29, 25, 10, 28]]
    l1s = top * l1_ratio * grid
    l2s = top * (1 - l1_ratio) * grid
    ref, ref_gaps, _ = solve(X, y, l1s, l2s, positive=positive, tol=1e-12, bounds=False)
    got, gaps, _ = solve(X, y, l1s, l2s, positive=positive, tol=1e-12)
    yy = float(y @ y)
    for k in range(len(l1s)):
        assert gaps[k] <= 1e-12 * yy
        assert primal_dual_gap(X, y, got[:, k], l1s[k], l2s[k], positive) == \
            pytest.approx(gaps[k], rel=1e-6, abs=1e-14 * yy)
        assert kkt_violation(X, y, got[:, k], l1s[k], l2s[k], positive) <= 1e-6
        np.testing.assert_allclose(got[:, k], ref[:, k], rtol=1e-6,
                                   atol=1e-8 * np.abs(ref).max())
