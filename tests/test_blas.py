"""The BLAS wrappers of fastreg/_blas.pxd against NumPy, through the test-only shim
fastreg._blas_check (one Python function per wrapper, on flat buffers with offsets).

Each wrapper is called the way the kernels call it: float32 and float64; sizes 0, 1, a few
and some larger than a BLAS block; a column or a row panel of a larger column-major array
(element offsets, leading dimensions larger than the number of rows); the alpha / beta
values the kernels pass, with beta = 0 on an output that was never initialized (NaN
here: BLAS must not read it). Every result is compared with a float64 NumPy product to
the rounding-error bound of a length-k sum, (k + 4) eps sum |terms|, and every element
the wrapper must not touch (outside the operand, the strict lower triangle of
_syrk_upper) is checked to be bit-for-bit unchanged.
"""
import numpy as np
import pytest
from numpy.lib.stride_tricks import as_strided

blas = pytest.importorskip("fastreg._blas_check")

DTYPES = [np.float32, np.float64]
SIZES = [0, 1, 2, 7, 33, 130]
PAD = 3  # elements after every operand, which must stay untouched


def eps(dtype):
    return float(np.finfo(dtype).eps)


def buffer(rng, size, dtype, fill=None):
    """A flat random buffer (NaN everywhere when fill is nan)."""
    if fill is not None:
        return np.full(size, fill, dtype=dtype)
    return rng.standard_normal(size).astype(dtype)


def matrix_buffer(rng, dtype, offset, ld, rows, cols, fill=None):
    return buffer(rng, offset + ld * cols + PAD, dtype, fill)


def view(buf, offset, ld, rows, cols):
    """The (rows, cols) column-major matrix at buf[offset] with leading dimension ld."""
    return as_strided(buf[offset:], shape=(rows, cols),
                      strides=(buf.itemsize, ld * buf.itemsize), writeable=True)


def vec(buf, offset, n):
    return buf[offset:offset + n]


def as64(a):
    return np.asarray(a, dtype=np.float64)


def check(out, before, positions, expected, bound):
    """out[positions] within bound of expected; every other element unchanged.

    positions: a function setting a boolean mask (shaped like out) on the written part.
    """
    mask = np.zeros(out.shape, dtype=bool)
    positions(mask)
    want = np.zeros(out.shape)
    tol = np.zeros(out.shape)
    positions(want, expected)
    positions(tol, bound)
    np.testing.assert_array_equal(out[~mask], before[~mask],
                                  err_msg="an element outside the result was written")
    err = np.abs(as64(out[mask]) - want[mask])
    assert np.all(err <= tol[mask]), (
        f"max error {np.max(err, initial=0):.3e}, "
        f"bound {np.min(tol[mask], initial=np.inf):.3e}")


def writer(setter):
    """positions(mask[, values]) from setter(array) -> the written view of array."""
    def positions(array, values=True):
        setter(array)[...] = values
    return positions


# ---------------------------------------------------------------------------------------
# Level 1: _dot, _axpy, _copy
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("ox, oy", [(0, 0), (5, 2)])
def test_dot(dtype, n, ox, oy):
    rng = np.random.default_rng(n)
    x = buffer(rng, ox + n + PAD, dtype)
    y = buffer(rng, oy + n + PAD, dtype)
    got = blas.dot(n, x, ox, y, oy)
    terms = as64(vec(x, ox, n)) * as64(vec(y, oy, n))
    assert abs(got - terms.sum()) <= (n + 4) * eps(dtype) * np.abs(terms).sum()
    if n == 0:
        assert got == 0.0


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("a", [1.0, -1.0, -0.3, 0.0])
@pytest.mark.parametrize("ox, oy", [(0, 0), (4, 7)])
def test_axpy(dtype, n, a, ox, oy):
    """y += a * x, e.g. R -= w_j * X[r0:r1, j] (a column of X at j * n + r0)."""
    rng = np.random.default_rng(n + 1)
    x = buffer(rng, ox + n + PAD, dtype)
    y = buffer(rng, oy + n + PAD, dtype)
    before = y.copy()
    blas.axpy(n, a, x, ox, y, oy)
    a = float(dtype(a))
    expected = as64(vec(before, oy, n)) + a * as64(vec(x, ox, n))
    bound = 2 * eps(dtype) * (np.abs(as64(vec(before, oy, n))) + abs(a) * np.abs(vec(x, ox, n)))
    check(y, before, writer(lambda arr: vec(arr, oy, n)), expected, bound)
    if a == 0.0:
        np.testing.assert_array_equal(y, before)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("ox, oy", [(0, 0), (3, 6)])
def test_copy(dtype, n, ox, oy):
    rng = np.random.default_rng(n + 2)
    x = buffer(rng, ox + n + PAD, dtype)
    y = buffer(rng, oy + n + PAD, dtype, fill=np.nan)  # need not be set
    before = y.copy()
    blas.copy(n, x, ox, y, oy)
    check(y, before, writer(lambda arr: vec(arr, oy, n)), as64(vec(x, ox, n)), 0.0)


# ---------------------------------------------------------------------------------------
# Level 2: _gemv_t, _gemv_n, _ger
# ---------------------------------------------------------------------------------------

# (rows, cols, extra leading dimension, offset of the first element): a whole array,
# a row panel (offset r0, ld larger than rows), a block of columns (offset c0 * ld)
MATRICES = [
    (1, 1, 0, 0), (2, 3, 0, 0), (7, 5, 0, 0), (33, 17, 0, 0), (130, 9, 0, 0),
    (5, 40, 0, 0), (6, 4, 5, 3), (20, 7, 11, 20 * 2), (9, 33, 4, 13 * 3),
]
EMPTY = [(0, 4, 0, 0), (4, 0, 0, 0), (0, 0, 0, 0)]
GEMV_SCALARS = [(1.0, 0.0), (-0.5, 1.0), (1.0, -0.7)]


def _gemv_case(rng, dtype, rows, cols, extra, oA, a, b, transposed):
    ld = max(rows, 1) + extra
    A = matrix_buffer(rng, dtype, oA, ld, rows, cols)
    n_in, n_out = (rows, cols) if transposed else (cols, rows)
    ox, oy = 2, 1
    x = buffer(rng, ox + n_in + PAD, dtype)
    y = buffer(rng, oy + n_out + PAD, dtype, fill=np.nan if b == 0 else None)
    return A, ld, x, ox, y, oy


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rows, cols, extra, oA", MATRICES)
@pytest.mark.parametrize("a, b", GEMV_SCALARS)
@pytest.mark.parametrize("name", ["gemv_t", "gemv_n"])
def test_gemv(dtype, rows, cols, extra, oA, a, b, name):
    """gemv_t: y = a A.T @ x + b y (the gradient X^T R, of a block of columns of X or a
    row panel); gemv_n: y = a A @ x + b y (X^T R for a C-ordered X seen as (p, n))."""
    rng = np.random.default_rng(rows * 100 + cols)
    transposed = name == "gemv_t"
    A, ld, x, ox, y, oy = _gemv_case(rng, dtype, rows, cols, extra, oA, a, b, transposed)
    n_in, n_out = (rows, cols) if transposed else (cols, rows)
    before = y.copy()
    getattr(blas, name)(rows, cols, a, A, oA, ld, x, ox, b, y, oy)
    M = as64(view(A, oA, ld, rows, cols))
    M = M.T if transposed else M
    a64, b64 = float(dtype(a)), float(dtype(b))
    xv = as64(vec(x, ox, n_in))
    y0 = np.zeros(n_out) if b == 0 else as64(vec(before, oy, n_out))
    expected = a64 * (M @ xv) + b64 * y0
    bound = (n_in + 4) * eps(dtype) * (abs(a64) * (np.abs(M) @ np.abs(xv)) + abs(b64) *
                                        np.abs(y0))
    check(y, before, writer(lambda arr: vec(arr, oy, n_out)), expected, bound)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rows, cols, extra, oA", EMPTY)
@pytest.mark.parametrize("name", ["gemv_t", "gemv_n"])
def test_gemv_empty(dtype, rows, cols, extra, oA, name):
    """An empty A. Output of length 0: nothing written. Inner dimension 0 (A.T @ x is a
    vector of zeros): BLAS returns early, so y is left as it was, not scaled by b (the
    docstrings' y = a A.T @ x + b y does not hold then; the kernels never call it with
    an empty inner dimension)."""
    rng = np.random.default_rng(5)
    transposed = name == "gemv_t"
    A, ld, x, ox, y, oy = _gemv_case(rng, dtype, rows, cols, extra, oA, 1.0, 0.5,
                                     transposed)
    before = y.copy()
    getattr(blas, name)(rows, cols, 1.0, A, oA, ld, x, ox, 0.5, y, oy)
    np.testing.assert_array_equal(y, before)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rows, cols, extra, oA", MATRICES + EMPTY)
@pytest.mark.parametrize("a", [-1.0, 0.25])
def test_ger(dtype, rows, cols, extra, oA, a):
    """A += a outer(x, y): R[:, t] -= x_j W[j, t] for every target t at once."""
    rng = np.random.default_rng(rows + 7 * cols)
    ld = max(rows, 1) + extra
    A = matrix_buffer(rng, dtype, oA, ld, rows, cols)
    ox, oy = 1, 4
    x = buffer(rng, ox + rows + PAD, dtype)
    y = buffer(rng, oy + cols + PAD, dtype)
    before = A.copy()
    blas.ger(rows, cols, a, x, ox, y, oy, A, oA, ld)
    a64 = float(dtype(a))
    A0 = as64(view(before, oA, ld, rows, cols))
    outer = a64 * np.outer(as64(vec(x, ox, rows)), as64(vec(y, oy, cols)))
    bound = 3 * eps(dtype) * (np.abs(A0) + np.abs(outer))
    check(A, before, writer(lambda arr: view(arr, oA, ld, rows, cols)), A0 + outer, bound)


# ---------------------------------------------------------------------------------------
# Level 3: _gemm_tn, _gemm_nt, _syrk_t, _syrk_upper
# ---------------------------------------------------------------------------------------

# (p, m, n) of C (p, m) = A.T @ B with A (n, p), B (n, m); or (m, n, k) for gemm_nt
GEMM_SHAPES = [(1, 1, 1), (3, 2, 5), (17, 4, 33), (6, 9, 130), (40, 3, 7),
               (3, 4, 0), (0, 3, 5), (3, 0, 5)]


def _gemm_reference(A, B, C0, scale, dtype, k):
    expected = A @ B + scale * C0
    bound = (k + 4) * eps(dtype) * (np.abs(A) @ np.abs(B) + abs(scale) * np.abs(C0))
    return expected, bound


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p, m, n", GEMM_SHAPES)
@pytest.mark.parametrize("zero", [None, 0.0, 1.0])
@pytest.mark.parametrize("layout", ["packed", "panel"])
def test_gemm_tn(dtype, p, m, n, zero, layout):
    """C = A.T @ B + zero C (zero = 1 accumulates; omitted: 0). 'panel': A and B are
    rows r0:r0+n of two column blocks of one array (leading dimension n + extra), C a
    block of a larger matrix: G[W, W] built from row panels of X[:, W]."""
    rng = np.random.default_rng(p * 1000 + m * 10 + n)
    extra, r0, c_extra, oC = (0, 0, 0, 0) if layout == "packed" else (6, 2, 3, 2)
    lda = max(n, 1) + extra + r0
    X = matrix_buffer(rng, dtype, r0, lda, n, p + m)           # A and B share X
    oA, oB = r0, r0 + p * lda
    ldc = max(p, 1) + c_extra
    C = matrix_buffer(rng, dtype, oC, ldc, p, m, fill=np.nan if not zero else None)
    before = C.copy()
    if zero is None:
        blas.gemm_tn(p, m, n, X, oA, lda, X, oB, lda, C, oC, ldc)
    else:
        blas.gemm_tn(p, m, n, X, oA, lda, X, oB, lda, C, oC, ldc, zero)
    A = as64(view(X, oA, lda, n, p))
    B = as64(view(X, oB, lda, n, m))
    C0 = as64(view(before, oC, ldc, p, m)) if zero else np.zeros((p, m))
    expected, bound = _gemm_reference(A.T, B, C0, 1.0 if zero else 0.0, dtype, n)
    check(C, before, writer(lambda arr: view(arr, oC, ldc, p, m)), expected, bound)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("m, n, k", GEMM_SHAPES)
@pytest.mark.parametrize("b", [0.0, 1.0, -0.5])
@pytest.mark.parametrize("extra", [0, 4])
def test_gemm_nt(dtype, m, n, k, b, extra):
    """C = A @ B.T + b C with A (m, k), B (n, k), C (m, n)."""
    rng = np.random.default_rng(m * 1000 + n * 10 + k)
    lda, ldb, ldc = max(m, 1) + extra, max(n, 1) + 2 * extra, max(m, 1) + extra
    oA, oB, oC = extra, 2 * extra, 3 * extra
    A = matrix_buffer(rng, dtype, oA, lda, m, k)
    B = matrix_buffer(rng, dtype, oB, ldb, n, k)
    C = matrix_buffer(rng, dtype, oC, ldc, m, n, fill=np.nan if b == 0 else None)
    before = C.copy()
    blas.gemm_nt(m, n, k, A, oA, lda, B, oB, ldb, b, C, oC, ldc)
    b64 = float(dtype(b))
    C0 = np.zeros((m, n)) if b == 0 else as64(view(before, oC, ldc, m, n))
    expected, bound = _gemm_reference(as64(view(A, oA, lda, m, k)),
                                      as64(view(B, oB, ldb, n, k)).T, C0, b64, dtype, k)
    check(C, before, writer(lambda arr: view(arr, oC, ldc, m, n)), expected, bound)


# (m, n): C (m, m) = A.T @ A with A (n, m)
SYRK_SHAPES = [(1, 1), (2, 5), (7, 3), (17, 33), (40, 130), (3, 0), (0, 4)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("m, n", SYRK_SHAPES)
@pytest.mark.parametrize("extra", [0, 5])
def test_syrk_t(dtype, m, n, extra):
    """C = A.T @ A, both triangles (the lower one an exact copy of the upper), into a C
    that need not be set; A a row panel when extra > 0."""
    rng = np.random.default_rng(m * 100 + n)
    lda, ldc, oA, oC = max(n, 1) + extra, max(m, 1) + extra, extra, 2 * extra
    A = matrix_buffer(rng, dtype, oA, lda, n, m)
    C = matrix_buffer(rng, dtype, oC, ldc, m, m, fill=np.nan)
    before = C.copy()
    blas.syrk_t(m, n, A, oA, lda, C, oC, ldc)
    A64 = as64(view(A, oA, lda, n, m))
    expected, bound = _gemm_reference(A64.T, A64, np.zeros((m, m)), 0.0, dtype, n)
    check(C, before, writer(lambda arr: view(arr, oC, ldc, m, m)), expected, bound)
    got = view(C, oC, ldc, m, m)
    np.testing.assert_array_equal(got, got.T)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("m, n", SYRK_SHAPES)
@pytest.mark.parametrize("beta", [0.0, 1.0])
@pytest.mark.parametrize("extra", [0, 5])
def test_syrk_upper(dtype, m, n, beta, extra):
    """Upper triangle of C = A.T @ A + beta C (beta = 1 accumulates row panels); the
    strictly lower triangle is left exactly as it was."""
    rng = np.random.default_rng(m * 100 + n + 1)
    lda, ldc, oA, oC = max(n, 1) + extra, max(m, 1) + extra, extra, 2 * extra
    A = matrix_buffer(rng, dtype, oA, lda, n, m)
    C = matrix_buffer(rng, dtype, oC, ldc, m, m)
    if beta == 0:
        view(C, oC, ldc, m, m)[np.triu_indices(m)] = np.nan     # need not be set
    before = C.copy()
    blas.syrk_upper(m, n, A, oA, lda, beta, C, oC, ldc)
    A64 = as64(view(A, oA, lda, n, m))
    C0 = np.nan_to_num(as64(view(before, oC, ldc, m, m))) if beta else np.zeros((m, m))
    expected, bound = _gemm_reference(A64.T, A64, C0, beta, dtype, n)
    upper = np.triu_indices(m)

    def positions(array, values=True):
        v = view(array, oC, ldc, m, m)
        v[upper] = values[upper] if isinstance(values, np.ndarray) else values

    check(C, before, positions, expected, bound)
