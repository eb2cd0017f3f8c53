"""Dense matrix products through SciPy's BLAS, the library of the compiled kernels and
of SciPy's LAPACK.

NumPy and SciPy each ship their own OpenBLAS, with its own thread pool. After a
threaded call, a pool's threads spin for a few milliseconds waiting for more work;
a threaded call into the other library in that window competes with them for the
cores and can run several times slower. On 2 cores: NumPy's X^T X (20000 x 500)
followed by SciPy's Cholesky took 152 ms per pair, against 64 ms with both in
SciPy; NumPy's product and SciPy's eigendecomposition on riboflavin's 71 x 71
Gram matrix, 8.3 ms against 1.4 ms. The products that precede or follow LAPACK
calls or the kernels therefore go through these helpers, and dot products of
vectors as long as the samples avoid BLAS (OpenBLAS threads ddot from 10000
elements on).
"""

import numpy as np
from scipy.linalg import blas

from . import _cholesky

_FLOATS = (np.float32, np.float64)
# output size from which Gram matrices are computed by SciPy's BLAS (see gram)
_SMALL_GRAM = 128


def _blas_operand(A):
    """(a, transposed): a Fortran-ordered view of A (A itself, or A.T when A is
    C-ordered), or (None, False) when A needs NumPy (other dtypes, strided, empty)."""
    if A.ndim != 2 or A.dtype not in _FLOATS or A.size == 0:
        return None, False
    if A.flags.f_contiguous:
        return A, False
    if A.flags.c_contiguous:
        return A.T, True
    return None, False


def matmul(A, B, trans_a=False):
    """``A.T @ B`` (``trans_a``) or ``A @ B`` for dense 2-D A and B of 1 or 2
    dimensions, in A's float dtype, without copying A."""
    a, flipped = _blas_operand(A)
    if a is None or B.size == 0:
        return (A.T if trans_a else A) @ B
    trans = int(trans_a != flipped)
    B = np.asarray(B, dtype=a.dtype)
    if B.ndim == 1:
        gemv = blas.dgemv if a.dtype == np.float64 else blas.sgemv
        return gemv(1.0, a, B, trans=trans)
    gemm = blas.dgemm if a.dtype == np.float64 else blas.sgemm
    return gemm(1.0, a, B, trans_a=trans)


def gram(A, features=True):
    """``A.T @ A`` (``features``) or ``A @ A.T`` of dense 2-D float A, without copying A:
    a Fortran-ordered array whose upper triangle holds the product (the strictly lower
    triangle may or may not be set).

    SciPy's syrk, except for small products (below ``_SMALL_GRAM`` rows), where
    NumPy's OpenBLAS (a newer build) ran on one thread and 40% faster than SciPy's
    on two (riboflavin's 71 x 71: 0.6 against 1.0 ms; 0.67 on one thread): it
    leaves no threads spinning. Above that size SciPy's was 10-15% slower than
    NumPy's but spares the LAPACK call that follows a contended start."""
    k = A.shape[1] if features else A.shape[0]
    a, flipped = _blas_operand(A)
    if k < _SMALL_GRAM or a is None:
        if A.dtype not in _FLOATS:
            A = np.asarray(A, dtype=np.float64)
        G = A.T @ A if features else A @ A.T
        return G.T if G.flags.c_contiguous else np.asfortranarray(G)
    syrk = blas.dsyrk if a.dtype == np.float64 else blas.ssyrk
    trans = int(features != flipped)
    n = a.shape[1 - trans]                  # the length of the dot products
    if n * k * k <= _BLOCK_FLOPS:
        return syrk(1.0, a, trans=trans, lower=0)
    return _blocked_gram(a, trans, k, n)


# gram_add's tiles: about this many multiply-adds per BLAS call (fewer when they run
# slowly on a busy machine), Python's signal handlers run between them. (One dsyrk
# call of a 256-row block of a 2000-column X, 5e8 multiply-adds, took 0.2-0.57 s on
# the loaded machine: Ridge's late stops, bench/RESULTS.md, branch ridgeint.) Not
# used by gram itself: on whole columns of 6000 rows, at two threads on the loaded
# machine, the tiles cost 4-5x one call's CPU time (many short threaded calls)
_TILE_MACS = 1 << 26


def gram_add(G, a, trans):
    """G += a^T a (``trans``) or a a^T, on the upper triangle of the Fortran float64
    G, in place, by tiles interruptible between them (see _TILE_MACS); a is a
    Fortran-ordered float64 array (``_blas_operand``)."""
    _cholesky.gram_add(G, a, bool(trans), _TILE_MACS)


# products X^T X above this many multiply-adds are made in blocks of about this many,
# so that an interrupt (SIGINT) is seen between two blocks, a few tenths of a second
# apart, instead of after one BLAS call of many seconds
_BLOCK_FLOPS = 2**32


def _blocked_gram(a, trans, k, n):
    """The upper triangle of a^T a (trans) or a a^T of a Fortran-ordered a, summed
    over blocks of the dot products' length by syrk (beta=1): on contiguous views of
    a's columns (a a^T), or on Fortran copies of blocks of its rows (a^T a; at most
    2^22 entries each). The same multiply-adds as one syrk call, in another order
    (rounding may differ); 10-20% slower than one call (12000 x 1500, 2 threads)."""
    dt = a.dtype
    syrk = blas.dsyrk if dt == np.float64 else blas.ssyrk
    width = max(256, _BLOCK_FLOPS // max(k * k, 1))
    if trans:
        width = min(width, max(256, 2**22 // max(k, 1)))
    G = np.zeros((k, k), dtype=dt, order="F")
    for r0 in range(0, n, width):
        block = np.asfortranarray(a[r0:r0 + width]) if trans else a[:, r0:r0 + width]
        G = syrk(1.0, block, beta=1.0, c=G, trans=trans, lower=0, overwrite_c=1)
    return G


def sq_norm(v):
    """v @ v in float64, without BLAS: a BLAS dot of a long vector wakes NumPy's BLAS
    threads, which then spin for a while and take a core from the single-threaded
    kernel that runs next (measured on 2 cores: 40% of a tall Lasso fit's samples in
    the spinning threads)."""
    v = np.asarray(v, dtype=np.float64).ravel()
    return float(np.einsum("i,i->", v, v))


def vdot(v, B):
    """``v @ B`` (v 1-D, B 1-D or 2-D, summed over B's first axis) without BLAS."""
    return np.einsum("i,i...->...", v, B)
