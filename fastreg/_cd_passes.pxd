"""Passes over all of X (gradient, residual) and column statistics, split between
OpenMP threads (C helpers in _cd_passes.h)."""
from cython cimport floating

from ._cd_problem cimport Problem, PAR_MIN


cdef extern from "_cd_passes.h":
    int fastreg_max_threads() noexcept nogil
    void fastreg_sums_dot_d(const double* x, const double* y, Py_ssize_t n,
                            double* s_out, double* q_out, double* d_out) noexcept nogil
    void fastreg_sums_dot_f(const float* x, const float* y, Py_ssize_t n,
                            double* s_out, double* q_out, double* d_out) noexcept nogil


cdef inline int _chunks(Problem* P, double work, double least=PAR_MIN) noexcept nogil:
    """How many threads a pass of `work` elements over X gets."""
    if P.n_threads <= 1 or work < least:
        return 1
    return P.n_threads


cdef void _grad_dense(Problem* P, floating* R, floating* g) noexcept nogil
cdef void _residual(Problem* P, floating* w, const int* supp, int n_supp,
                    floating* R) noexcept nogil
cdef void _row_block_residual(Problem* P, floating* w, const int* supp, int n_supp,
                              int r0, int r1, floating shift, floating* R) noexcept nogil
cdef void _full_grad(Problem* P, floating* w, floating* R, floating* g,
                     const int* feats, int k, int n_supp, const int* supp) noexcept nogil
