"""G[W, W] kept between the blocks of a solve and of a path (_cd_gram._gw_update): the
next block moves what it shares with the last one in place and gathers only the rows
and columns of the features new to its working set. Paths whose working sets gain,
lose, or gain and lose a few features from one block to the next (each case of the
in-place move), in every mode that builds the block, must give the solutions found
from scratch, with their NumPy gaps and optimality conditions."""
import numpy as np
import pytest

from fastreg import _engine, lasso_path
from fastreg._cd_fast import enet_path
from reference import kkt_violation, l1_max, multitask_dual_gap, primal_dual_gap


def _wide(n, p, seed=0, rho=0.6, dtype=np.float64):
    """Centered AR(1) columns (p > n) and a target on a tenth of them."""
    rng = np.random.default_rng(seed)
    X = np.empty((n, p))
    X[:, 0] = rng.standard_normal(n)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho ** 2) * rng.standard_normal(n)
    w = np.zeros(p)
    w[rng.choice(p, p // 10, replace=False)] = rng.choice([-1.0, 1.0], p // 10)
    y = X @ w + 0.3 * rng.standard_normal(n)
    X -= X.mean(0)
    y -= y.mean()
    return np.asfortranarray(X, dtype=dtype), y.astype(dtype)


def _zigzag(top, k=12):
    """Small steps down, a few up (features leave), down again past the first ones."""
    return top * np.concatenate([np.geomspace(0.5, 0.02, k), np.geomspace(0.025, 0.06, 4),
                                 np.geomspace(0.05, 0.004, k)])


def _solve(X, y, l1s, mode, tol, l2=0.0):
    n, p = X.shape
    l1s = np.atleast_1d(np.asarray(l1s, dtype=np.float64))
    w = np.zeros(p, X.dtype)
    G = np.ascontiguousarray(X.T @ X) if mode == "gram" else None
    coefs = np.zeros((p, len(l1s)), X.dtype, order="F")
    gaps = np.zeros(len(l1s))
    iters = np.zeros(len(l1s), np.int32)
    yy = float(y.astype(np.float64) @ y.astype(np.float64))
    trace = np.zeros((len(l1s), len(_engine.TRACE_FIELDS)))
    enet_path(w, l1s, np.full(len(l1s), l2), X, y, G, X.T @ y,
              np.einsum("ij,ij->j", X, X), yy, tol * yy, 100_000, False, mode == "lazy",
              True, False, 7, coefs, gaps, iters, True, trace=trace)
    return coefs, gaps, trace


@pytest.mark.parametrize("mode", ["naive", "lazy", "gram"])
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_kept_block_along_a_zigzag_wide_path(mode, l2):
    X, y = _wide(50, 400, seed=4)
    yy = float(y @ y)
    l1s = _zigzag(l1_max(X, y))
    coefs, gaps, trace = _solve(X, y, l1s, mode, 1e-12, l2)
    f = list(_engine.TRACE_FIELDS)
    # blocks made at (nearly) every alpha, on working sets that gain and lose features
    assert (trace[:, f.index("gram_inner")] > 0).sum() >= len(l1s) - 2
    supports = coefs != 0
    assert np.any(supports[:, 1:] & ~supports[:, :-1])
    assert np.any(~supports[:, 1:] & supports[:, :-1])
    for k, l1 in enumerate(l1s):
        assert abs(primal_dual_gap(X, y, coefs[:, k], l1, l2) - gaps[k]) <= 1e-9 * yy
        assert gaps[k] <= 1e-12 * yy
        assert kkt_violation(X, y, coefs[:, k], l1, l2) <= 1e-6
    for k in (5, 13, len(l1s) - 1):
        alone, _, _ = _solve(X, y, l1s[k], mode, 1e-12, l2)
        np.testing.assert_allclose(coefs[:, k], alone[:, 0], rtol=1e-6,
                                   atol=1e-8 * np.abs(alone).max())


@pytest.mark.parametrize("order", ["F", "C"])
def test_kept_block_float32(order):
    X, y = _wide(60, 600, seed=5, dtype=np.float32)
    l1s = _zigzag(l1_max(X, y))
    coefs, gaps, _ = _solve(np.asarray(X, order=order), y, l1s, "naive", 1e-6)
    X64, y64 = X.astype(np.float64), y.astype(np.float64)
    for k, l1 in enumerate(l1s):
        assert gaps[k] <= 1e-6 * (y64 @ y64)
        assert primal_dual_gap(X64, y64, coefs[:, k], l1, 0.0) <= 1e-5 * (y64 @ y64)


def test_kept_block_multitask_wide_path():
    # the multi-task kernel's blocks come from the same slot cache (_slot_block)
    X, y = _wide(50, 300, seed=6)
    Y = np.column_stack([y, np.roll(y, 5), -0.5 * y + 0.1 * np.roll(y, 2)])
    top = np.sqrt(((X.T @ Y) ** 2).sum(1)).max() / len(y)
    # (lasso_path sorts its alphas: features still leave along the decreasing path)
    alphas, coefs, _ = lasso_path(X, Y, alphas=_zigzag(top, k=8), tol=1e-10)
    for k, a in enumerate(alphas):
        gap, scale = multitask_dual_gap(X, Y, coefs[:, :, k], a, 1.0)
        assert gap <= 1e-8 * scale
