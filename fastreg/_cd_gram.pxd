"""Gram matrix blocks and caches: the lazy columns of G = X^T X (Gram mode, shared by
the single-task and the multi-task kernels), the block
G[W, W] of a working set from a cache of products of gathered columns or row panels
(dense residual mode), and from the sparse columns; the last dense / Gram block kept,
so that the next one gathers only its new rows and columns."""
from cython cimport floating

from ._cd_common cimport GramCache
from ._cd_problem cimport Problem, Inner


cdef void _sparse_block(Problem* P, const int* W, int m, floating* GW) noexcept nogil
cdef int _ensure_cols(GramCache* C, const floating* X, int n, const int* feats,
                      int k) noexcept nogil
cdef int _gram_gather(GramCache* C, const floating* X, int n, const int* W, int m,
                      floating* GW) noexcept nogil
cdef int _panel_products(Problem* P, Inner* S, int s0, int s1, int r0, int r1,
                         floating* dest, int ld) noexcept nogil
cdef int _slot_block(Problem* P, Inner* S, int m, floating* GW) noexcept nogil
cdef int _gram_block_kept(Problem* P, Inner* S, int m, floating* GW) noexcept nogil
