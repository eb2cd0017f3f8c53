"""The Cholesky factor the exact active-set solve keeps along a path (_cd_exact):
features leaving it by rank-one updates, rows appended at the factor's own l2, and
solves at a nearby l2 (an elastic-net path) by conjugate gradients preconditioned by
it. Each operation is checked against a fresh factorization / solve in NumPy
(through the module's test hook ``_factor_ops``), and whole elastic-net paths and CV
fits through the front ends against their optimality conditions and scikit-learn."""
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk
from sklearn.model_selection import KFold
from test_kernel import l1_max, make_problem, solve

import fastreg
from fastreg import _cd_exact
from reference import kkt_residuals


def gram(p, seed=0, dtype=np.float64, n=None):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n or 2 * p, p))
    A[:, 1:] += 0.7 * A[:, :-1]            # correlated columns
    return np.asfortranarray((A.T @ A).astype(dtype))


def check_factor(G, pf, feats, L, l2):
    """L L^T == G_KK + l2 diag(pf_K), relative to the largest diagonal entry."""
    K = np.asarray(feats)
    H = G[np.ix_(K, K)].astype(np.float64) + np.diag(l2 * pf[K])
    assert np.abs(L @ L.T - H).max() <= 1e-12 * np.abs(np.diag(H)).max()
    assert np.allclose(L, np.tril(L))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("where", ["first", "middle", "last", "several"])
def test_delete_is_a_fresh_factorization(dtype, where):
    p = 40
    G = gram(p, seed=1, dtype=dtype)
    pf = np.random.default_rng(2).uniform(0.5, 2.0, p)
    K = list(np.random.default_rng(3).permutation(p)[:30])
    ops = [("l2", 3.0), ("factor", K)]
    drop = {"first": [0], "middle": [13], "last": [29], "several": [25, 17, 3, 0]}[where]
    for pos in drop:                        # (positions in the current cache)
        ops.append(("delete", pos))
    feats, L, _, l2 = _cd_exact._factor_ops(G, pf, ops)
    kept = list(K)
    for pos in drop:
        del kept[pos]
    assert list(feats) == kept and l2 == 3.0
    check_factor(G, pf, feats, L, 3.0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n_out", [1, 3, 20])
def test_keep_drops_the_features_left_out(dtype, n_out):
    """A few features leaving: rank-one updates keep every other row; many: the cache
    keeps its prefix still in K. Either way the factor is that of the features kept
    (the order of the cache), and appending the rest gives the factor of K."""
    p = 60
    G = gram(p, seed=4, dtype=dtype)
    pf = np.ones(p)
    rng = np.random.default_rng(5)
    K = list(rng.permutation(p)[:50])
    out = set(rng.choice(K[5:], n_out, replace=False))
    K2 = [j for j in K if j not in out] + [j for j in range(p) if j not in K][:4]
    feats, L, _, _ = _cd_exact._factor_ops(G, pf, [("l2", 0.5), ("factor", K),
                                                   ("keep", K2)])
    assert set(feats) <= set(K2) and not set(feats) & out
    assert list(feats) == [j for j in K if j in set(feats)]
    if n_out <= 3:
        assert len(feats) == 50 - n_out           # nothing but the leavers lost
    check_factor(G, pf, feats, L, 0.5)
    feats, L, _, _ = _cd_exact._factor_ops(G, pf, [("l2", 0.5), ("factor", K),
                                                   ("keep", K2), ("append", K2)])
    assert sorted(feats) == sorted(K2)
    check_factor(G, pf, feats, L, 0.5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n_new", [1, 5, 12])
def test_rows_appended_at_the_factors_own_l2(dtype, n_new):
    """At another (nearby) l2 the factor keeps its l2: new rows (one triangular solve
    each up to APPEND_TRSV rows, else one block) are appended at that l2."""
    p = 50
    G = gram(p, seed=6, dtype=dtype)
    pf = np.random.default_rng(7).uniform(0.5, 2.0, p)
    K = list(range(30))
    K2 = K + list(range(30, 30 + n_new))
    feats, L, _, l2 = _cd_exact._factor_ops(G, pf, [("l2", 4.0), ("factor", K),
                                                    ("l2", 3.0), ("append", K2)])
    assert list(feats) == K2 and l2 == 4.0
    check_factor(G, pf, feats, L, 4.0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("new_l2, kept", [(3.1, True), (2.05, True), (1.0, False),
                                          (5.0, True), (9.0, False)])
def test_solve_at_a_nearby_l2(dtype, new_l2, kept):
    """_chol_solve at an l2 within CHOL_SHIFT_PCT of the factor's: the factor is kept
    (conjugate gradients on it), farther: made afresh at the new l2. Either way the
    solution is NumPy's, with the features leaving and entering K."""
    p = 60
    G = gram(p, seed=8, dtype=dtype)
    pf = np.random.default_rng(9).uniform(0.5, 2.0, p)
    rng = np.random.default_rng(10)
    K = list(range(40))
    K2 = [j for j in K if j not in (3, 17)] + [45, 41]
    b = rng.standard_normal(len(K2))
    feats, L, x, l2 = _cd_exact._factor_ops(G, pf, [("l2", 4.0), ("solve", K, np.ones(40)),
                                                    ("l2", new_l2), ("solve", K2, b)])
    assert (l2 == 4.0) == kept and (l2 == new_l2) != kept
    check_factor(G, pf, feats, L, l2)
    H = G[np.ix_(K2, K2)].astype(np.float64) + np.diag(new_l2 * pf[K2])
    ref = np.linalg.solve(H, b)
    assert np.abs(x - ref).max() <= 1e-10 * np.abs(ref).max()
    assert np.abs(H @ x - b).max() <= 1e-10 * np.abs(b).max()


def test_solve_on_a_nearly_singular_system_at_a_nearby_l2():
    """G of rank 20 < k with a small l2: conditioning ~1e6 at the smaller l2; the solve
    (by conjugate gradients or, failing them, afresh) still gives NumPy's solution."""
    p = 40
    G = gram(p, seed=11, n=20)
    pf = np.ones(p)
    K = list(range(30))
    b = np.random.default_rng(12).standard_normal(30)
    _, _, x, _ = _cd_exact._factor_ops(G, pf, [("l2", 1e-3), ("solve", K, b),
                                               ("l2", 0.6e-3), ("solve", K, b)])
    H = G[np.ix_(K, K)] + 0.6e-3 * np.eye(30)
    ref = np.linalg.solve(H, b)
    assert np.abs(x - ref).max() <= 1e-7 * np.abs(ref).max()


@pytest.mark.parametrize("l2_ratio", [0.1, 0.5])
def test_gram_path_with_changing_l2(l2_ratio):
    """Along a Gram-mode elastic-net path l2 changes with every alpha: the exact
    solves reuse a factor of a nearby l2 (conjugate gradients), and extend it and
    drop features from it. The solutions are those of residual updates, optimal by
    their KKT conditions in NumPy."""
    X, y = make_problem(400, 120, seed=8, rho=0.8)
    top = l1_max(X, y)
    alphas = np.geomspace(1, 1e-3, 60)
    l1s = top * alphas
    l2s = top * alphas * l2_ratio
    g, _, _ = solve(X, y, l1s, l2s, mode="gram", tol=1e-13)
    naive, _, _ = solve(X, y, l1s, l2s, mode="naive", tol=1e-13)
    np.testing.assert_allclose(g, naive, rtol=1e-6, atol=1e-8 * np.abs(naive).max())
    supports = g != 0
    assert np.any(supports[:, 1:] & ~supports[:, :-1])
    for k in range(len(l1s)):
        r = kkt_residuals(X, y, g[:, k], l1s[k], l2s[k])
        assert np.abs(r).max() <= 1e-6 * top


def _weighted_data(n, p, seed, dtype):
    X, y = make_problem(n, p, seed=seed, rho=0.7)
    rng = np.random.default_rng(seed)
    X = X + rng.uniform(-1, 1, p)              # not centered: an intercept to fit
    y = y + 3.0
    sw = rng.uniform(0.5, 2.0, n)
    return X.astype(dtype), y.astype(dtype), sw


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sparse", [False, True])
def test_enet_cv_with_weights_and_intercept(dtype, sparse):
    """ElasticNetCV (fold paths in Gram form: exact solves at every alpha's l2) with
    weights and an intercept, dense and sparse, float64 and float32: mse_path_ and
    alpha_ as scikit-learn's at tight tol, and the final coef_ optimal (KKT on the
    weighted, centered problem)."""
    X, y, sw = _weighted_data(3000, 60, 13, dtype)
    Xf = sp.csc_matrix(X) if sparse else X
    cv = KFold(4)
    kw = dict(l1_ratio=[0.3, 0.8], cv=cv, tol=1e-10 if dtype == np.float64 else 1e-6,
              max_iter=100_000)
    ours = fastreg.ElasticNetCV(**kw).fit(Xf, y, sample_weight=sw)
    theirs = sk.ElasticNetCV(**kw).fit(X.astype(np.float64), y.astype(np.float64),
                                       sample_weight=sw)
    rtol = 1e-6 if dtype == np.float64 else 1e-3
    np.testing.assert_allclose(ours.mse_path_, theirs.mse_path_, rtol=rtol)
    assert ours.l1_ratio_ == theirs.l1_ratio_
    assert np.isclose(ours.alpha_, theirs.alpha_, rtol=1e-6)
    X64, y64 = X.astype(np.float64), y.astype(np.float64)
    s = sw * len(sw) / sw.sum()
    mx, my = np.average(X64, axis=0, weights=s), np.average(y64, weights=s)
    Xc = (X64 - mx) * np.sqrt(s)[:, None]
    yc = (y64 - my) * np.sqrt(s)
    n = len(y)
    a, r = ours.alpha_, ours.l1_ratio_
    res = kkt_residuals(Xc, yc, ours.coef_, n * a * r, n * a * (1 - r))
    tol = 1e-6 if dtype == np.float64 else 1e-2
    assert np.abs(res).max() <= tol * np.abs(Xc.T @ yc).max()
