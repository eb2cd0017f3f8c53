"""The set-up both kernels' entry points share (see _cd_entry.pyx): the O(1) checks of
the path arrays, the problem's tolerances, options and interrupt state, the Gram
columns, the workspace of the inner solve, and the clean-up and errors at the end."""
from libc.stdint cimport uint32_t

from ._cd_common cimport ScoreIdx
from ._cd_problem cimport Problem, Inner


cdef int _check_path(int n_alphas, int n_l2s, int n_gaps, int n_iters,
                     int max_iter) except -1
cdef int _check_blas_sizes(size_t largest, str kernel) except -1
cdef int _set_common(Problem* P, int n, int p, int mode, double yy, double tol,
                     bint screening, bint random, uint32_t seed, int epoch,
                     void* norms, double eps) except -1
cdef void* _buf(list keep, size_t n, size_t itemsize) except NULL
cdef int* _ibuf(list keep, size_t n, int fill) except NULL
cdef int _gram_init(Problem* P, list keep, void* G) except -1
cdef int _inner_alloc(Inner* S, list keep, int n, int p, int T,
                      size_t item) except -1
cdef ScoreIdx* _cand_alloc(int p) except NULL
cdef void _path_free(Problem* P, Inner* S) noexcept
cdef int _path_raise(Problem* P, int status) except -1
