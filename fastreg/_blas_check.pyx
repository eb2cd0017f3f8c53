"""Test-only: Python entry points to the BLAS wrappers of ``_blas.pxd``.

The wrappers are ``cdef inline`` and take raw pointers, so Python cannot call them. Each
function here calls one wrapper, unchanged, on flat contiguous buffers: every pointer
argument of the wrapper becomes a buffer and an element offset into it (how the kernels
pass a column, a row panel or a sub-block), scalars arrive as Python floats (double, cast
to the buffers' type), the other arguments are passed through.
Nothing is checked or computed here; ``tests/test_blas.py`` compares with NumPy.
"""
from cython cimport floating

from ._blas cimport (
    _dot, _axpy, _copy, _gemv_t, _gemv_n, _gemm_tn, _gemm_nt, _syrk_t, _syrk_upper, _ger,
)


cdef inline floating* _at(const floating[::1] a, Py_ssize_t offset) noexcept:
    """&a[offset], also for an empty buffer (an operand of size 0 is never read)."""
    if a.shape[0] == 0:
        return NULL
    return (<floating*> &a[0]) + offset


def dot(int n, const floating[::1] x, Py_ssize_t ox, const floating[::1] y, Py_ssize_t oy):
    return _dot(n, _at(x, ox), _at(y, oy))


def axpy(int n, double a, const floating[::1] x, Py_ssize_t ox, floating[::1] y,
         Py_ssize_t oy):
    _axpy(n, <floating> a, _at(x, ox), _at(y, oy))


def copy(int n, const floating[::1] x, Py_ssize_t ox, floating[::1] y, Py_ssize_t oy):
    _copy(n, _at(x, ox), _at(y, oy))


def gemv_t(int n, int p, double a, const floating[::1] A, Py_ssize_t oA, int lda,
           const floating[::1] x, Py_ssize_t ox, double b, floating[::1] y,
           Py_ssize_t oy):
    _gemv_t(n, p, <floating> a, _at(A, oA), lda, _at(x, ox), <floating> b, _at(y, oy))


def gemv_n(int n, int p, double a, const floating[::1] A, Py_ssize_t oA, int lda,
           const floating[::1] x, Py_ssize_t ox, double b, floating[::1] y,
           Py_ssize_t oy):
    _gemv_n(n, p, <floating> a, _at(A, oA), lda, _at(x, ox), <floating> b, _at(y, oy))


def gemm_tn(int p, int m, int n, const floating[::1] A, Py_ssize_t oA, int lda,
            const floating[::1] B, Py_ssize_t oB, int ldb, floating[::1] C, Py_ssize_t oC,
            int ldc, zero=None):
    if zero is None:                                    # the wrapper's default
        _gemm_tn(p, m, n, _at(A, oA), lda, _at(B, oB), ldb, _at(C, oC), ldc)
    else:
        _gemm_tn(p, m, n, _at(A, oA), lda, _at(B, oB), ldb, _at(C, oC), ldc,
                 <floating> <double> zero)


def gemm_nt(int m, int n, int k, const floating[::1] A, Py_ssize_t oA, int lda,
            const floating[::1] B, Py_ssize_t oB, int ldb, double b, floating[::1] C,
            Py_ssize_t oC, int ldc):
    _gemm_nt(m, n, k, _at(A, oA), lda, _at(B, oB), ldb, <floating> b, _at(C, oC), ldc)


def syrk_t(int m, int n, const floating[::1] A, Py_ssize_t oA, int lda, floating[::1] C,
           Py_ssize_t oC, int ldc):
    _syrk_t(m, n, _at(A, oA), lda, _at(C, oC), ldc)


def syrk_upper(int m, int n, const floating[::1] A, Py_ssize_t oA, int lda, double beta,
               floating[::1] C, Py_ssize_t oC, int ldc):
    _syrk_upper(m, n, _at(A, oA), lda, <floating> beta, _at(C, oC), ldc)


def ger(int m, int n, double a, const floating[::1] x, Py_ssize_t ox,
        const floating[::1] y, Py_ssize_t oy, floating[::1] A, Py_ssize_t oA, int lda):
    _ger(m, n, <floating> a, _at(x, ox), _at(y, oy), _at(A, oA), lda)
