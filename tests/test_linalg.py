"""The BLAS helpers of fastreg._linalg against NumPy's products."""

import numpy as np
import pytest

from fastreg._linalg import gram, matmul, sq_norm, vdot


def _arrays(shape, dtype, rng):
    A = rng.standard_normal(shape).astype(dtype)
    return {"C": np.ascontiguousarray(A), "F": np.asfortranarray(A),
            "strided": np.asfortranarray(rng.standard_normal(
                (shape[0], 2 * shape[1])).astype(dtype))[:, ::2]}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(50, 7), (7, 50), (300, 200), (200, 300)])
def test_gram_matches_numpy(shape, dtype):
    rng = np.random.default_rng(0)
    rtol = 1e-12 if dtype == np.float64 else 1e-4
    for order, A in _arrays(shape, dtype, rng).items():
        A64 = A.astype(np.float64)
        for features, expected in ((True, A64.T @ A64), (False, A64 @ A64.T)):
            G = gram(A, features)
            assert G.dtype == dtype and G.flags.f_contiguous, order
            # only the upper triangle is defined
            np.testing.assert_allclose(np.triu(G), np.triu(expected), rtol=rtol,
                                       atol=rtol * np.abs(expected).max(),
                                       err_msg=f"{order} features={features}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matmul_matches_numpy(dtype):
    rng = np.random.default_rng(1)
    rtol = 1e-12 if dtype == np.float64 else 1e-4
    for order, A in _arrays((40, 9), dtype, rng).items():
        for trans_a, k in ((False, 9), (True, 40)):
            op = A.T if trans_a else A
            for B in (rng.standard_normal(k), rng.standard_normal((k, 3)),
                      np.ascontiguousarray(rng.standard_normal((k, 3)))):
                out = matmul(A, B, trans_a=trans_a)
                expected = op.astype(np.float64) @ B
                assert out.shape == expected.shape
                np.testing.assert_allclose(out, expected, rtol=rtol,
                                           atol=rtol * np.abs(expected).max(),
                                           err_msg=f"{order} trans_a={trans_a}")


def test_empty_operands():
    A = np.zeros((0, 4), order="F")
    assert matmul(A, np.zeros(4)).shape == (0,)
    assert matmul(A, np.zeros(0), trans_a=True).shape == (4,)
    np.testing.assert_array_equal(gram(A, True), np.zeros((4, 4)))
    assert gram(A, False).shape == (0, 0)


def test_vector_products_without_blas():
    rng = np.random.default_rng(2)
    v, B = rng.standard_normal(20001), rng.standard_normal((20001, 3))
    assert sq_norm(v) == pytest.approx(float(v @ v), rel=1e-13)
    np.testing.assert_allclose(vdot(v, B), v @ B, rtol=1e-12)
    assert float(vdot(v, v)) == pytest.approx(float(v @ v), rel=1e-13)


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("features", [True, False])
def test_blocked_gram(monkeypatch, order, dtype, features):
    # large products are summed over blocks (interruptible between BLAS calls): the
    # same upper triangle as one product
    from fastreg import _linalg
    monkeypatch.setattr(_linalg, "_BLOCK_FLOPS", 10**5)
    rng = np.random.default_rng(0)
    A = np.asarray(rng.standard_normal((700, 150)), dtype=dtype, order=order)
    ref = A.T.astype(np.float64) @ A if features else A.astype(np.float64) @ A.T
    G = _linalg.gram(A, features=features)
    assert G.dtype == dtype
    tol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(np.triu(G), np.triu(ref), rtol=tol,
                               atol=tol * np.abs(ref).max())


@pytest.mark.parametrize("trans", [True, False])
def test_tiled_gram(trans):
    # Gram products by tiles of G, interruptible between BLAS calls
    # (_cholesky.gram_add, Ridge's centered Gram blocks): the same upper triangle as
    # one product, added to G's, the strict lower triangle untouched
    from fastreg import _cholesky
    rng = np.random.default_rng(1)
    A = rng.standard_normal((700, 530))
    a = np.asfortranarray(A if trans else A.T)
    G = np.full((530, 530), 2.0, order="F")
    _cholesky.gram_add(G, a, trans, 10**4, 64)
    R = A.T @ A + 2.0
    np.testing.assert_allclose(np.triu(G), np.triu(R), rtol=1e-12,
                               atol=1e-12 * np.abs(R).max())
    assert np.all(G[np.tril_indices(530, -1)] == 2.0)
