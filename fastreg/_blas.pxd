"""Fused float32/float64 wrappers around the BLAS routines fastreg's kernels use.

Every wrapper takes raw pointers with unit stride (column-major matrices with a leading
dimension) and calls SciPy's BLAS through ``scipy.linalg.cython_blas``, so that no other
BLAS is linked. All are ``noexcept nogil`` and meant to be inlined into the kernels.
"""
from cython cimport floating
from scipy.linalg.cython_blas cimport (
    sdot, ddot, saxpy, daxpy, scopy, dcopy, sgemv, dgemv, sgemm, dgemm, ssyrk, dsyrk,
    sger, dger,
)


cdef inline floating _dot(int n, const floating* x, const floating* y) noexcept nogil:
    """x @ y"""
    cdef int inc = 1
    if floating is float:
        return sdot(&n, <float*> x, &inc, <float*> y, &inc)
    else:
        return ddot(&n, <double*> x, &inc, <double*> y, &inc)


cdef inline void _axpy(int n, floating a, const floating* x, floating* y) noexcept nogil:
    """y += a * x"""
    cdef int inc = 1
    if floating is float:
        saxpy(&n, &a, <float*> x, &inc, y, &inc)
    else:
        daxpy(&n, &a, <double*> x, &inc, y, &inc)


cdef inline void _copy(int n, const floating* x, floating* y) noexcept nogil:
    """y[:] = x"""
    cdef int inc = 1
    if floating is float:
        scopy(&n, <float*> x, &inc, y, &inc)
    else:
        dcopy(&n, <double*> x, &inc, y, &inc)


cdef inline void _gemv(char trans, int n, int p, floating a, const floating* A, int lda,
                       const floating* x, floating b, floating* y) noexcept nogil:
    """y = a * op(A) @ x + b * y, with A column-major (n, p), op(A) = A.T (trans 'T')
    or A (trans 'N')"""
    cdef int inc = 1
    if floating is float:
        sgemv(&trans, &n, &p, &a, <float*> A, &lda, <float*> x, &inc, &b, y, &inc)
    else:
        dgemv(&trans, &n, &p, &a, <double*> A, &lda, <double*> x, &inc, &b, y, &inc)


cdef inline void _gemv_t(int n, int p, floating a, const floating* A, int lda,
                         const floating* x, floating b, floating* y) noexcept nogil:
    """y = a * A.T @ x + b * y, with A column-major (n, p)"""
    cdef char trans = b'T'
    _gemv(trans, n, p, a, A, lda, x, b, y)


cdef inline void _gemv_n(int n, int p, floating a, const floating* A, int lda,
                         const floating* x, floating b, floating* y) noexcept nogil:
    """y = a * A @ x + b * y, with A column-major (n, p)"""
    cdef char trans = b'N'
    _gemv(trans, n, p, a, A, lda, x, b, y)


cdef inline void _gemm(char ta, char tb, int m, int n, int k, const floating* A, int lda,
                       const floating* B, int ldb, floating beta, floating* C,
                       int ldc) noexcept nogil:
    """C = op(A) @ op(B) + beta * C, C column-major (m, n), op(A) (m, k), op(B) (k, n),
    op(M) = M.T for a transposition flag 'T', M for 'N'"""
    cdef floating one = 1.0
    if floating is float:
        sgemm(&ta, &tb, &m, &n, &k, &one, <float*> A, &lda, <float*> B, &ldb,
              &beta, C, &ldc)
    else:
        dgemm(&ta, &tb, &m, &n, &k, &one, <double*> A, &lda, <double*> B, &ldb,
              &beta, C, &ldc)


cdef inline void _gemm_tn(int p, int m, int n, const floating* A, int lda,
                          const floating* B, int ldb, floating* C, int ldc,
                          floating zero=0.0) noexcept nogil:
    """C = A.T @ B + zero * C, with A column-major (n, p), B column-major (n, m),
    C (p, m) (``zero`` = 1 accumulates)"""
    cdef char ta = b'T', tb = b'N'
    _gemm(ta, tb, p, m, n, A, lda, B, ldb, zero, C, ldc)


cdef inline void _syrk_t(int m, int n, const floating* A, int lda, floating* C,
                         int ldc) noexcept nogil:
    """C = A.T @ A (full symmetric result), with A column-major (n, m), C (m, m).

    SYRK computes the upper triangle (half the flops of a GEMM); the lower one is
    copied from it.
    """
    cdef char uplo = b'U'
    cdef char trans = b'T'
    cdef floating one = 1.0
    cdef floating zero = 0.0
    cdef int i, j
    if floating is float:
        ssyrk(&uplo, &trans, &m, &n, &one, <float*> A, &lda, &zero, C, &ldc)
    else:
        dsyrk(&uplo, &trans, &m, &n, &one, <double*> A, &lda, &zero, C, &ldc)
    for j in range(m):
        for i in range(j + 1, m):
            C[i + j * ldc] = C[j + i * ldc]


cdef inline void _syrk_upper(int m, int n, const floating* A, int lda, floating beta,
                             floating* C, int ldc) noexcept nogil:
    """Upper triangle of C = A.T @ A + beta * C, with A column-major (n, m), C (m, m);
    the strictly lower triangle is left as it was."""
    cdef char uplo = b'U'
    cdef char trans = b'T'
    cdef floating one = 1.0
    if floating is float:
        ssyrk(&uplo, &trans, &m, &n, &one, <float*> A, &lda, &beta, C, &ldc)
    else:
        dsyrk(&uplo, &trans, &m, &n, &one, <double*> A, &lda, &beta, C, &ldc)


cdef inline void _ger(int m, int n, floating a, const floating* x, const floating* y,
                      floating* A, int lda) noexcept nogil:
    """A += a * outer(x, y), with A column-major (m, n)"""
    cdef int inc = 1
    if floating is float:
        sger(&m, &n, &a, <float*> x, &inc, <float*> y, &inc, A, &lda)
    else:
        dger(&m, &n, &a, <double*> x, &inc, <double*> y, &inc, A, &lda)


cdef inline void _gemm_nt(int m, int n, int k, const floating* A, int lda,
                          const floating* B, int ldb, floating b,
                          floating* C, int ldc) noexcept nogil:
    """C = A @ B.T + b * C, with A column-major (m, k), B (n, k), C (m, n)"""
    cdef char ta = b'N', tb = b'T'
    _gemm(ta, tb, m, n, k, A, lda, B, ldb, b, C, ldc)
