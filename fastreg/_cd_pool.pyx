"""The kernels' buffer pool (C in _cd_pool.h).

A kernel call grows buffers of its own (the slot columns and their products, G[W, W],
the lazy Gram columns, the exact solve's matrices and Cholesky factor). Allocated with
malloc and freed at the end of every call, the large ones go back to the operating
system at once (glibc maps them, and unmaps them on free), so every call paid a page
fault per 4 KiB it touched: about 2,400 faults, a third of the time, on a 1000 x 600
fit. The pool keeps the blocks of at least 64 KiB a call gives back (at most 32
blocks and 128 MiB, the smallest evicted first for a larger one) for the next call,
from any thread (one mutex); `pool_clear` frees them (also at exit).
"""
import atexit


cdef extern from "_cd_pool.h":
    void* fastreg_pool_alloc(size_t n) noexcept nogil
    void* fastreg_pool_realloc(void* data, size_t n) noexcept nogil
    void fastreg_pool_free(void* data) noexcept nogil
    void fastreg_pool_clear(size_t* blocks, size_t* n_bytes, size_t* reuses) noexcept nogil
    void fastreg_pool_stats(size_t* blocks, size_t* n_bytes, size_t* reuses) noexcept nogil


cdef void* _pool_alloc(size_t n) noexcept nogil:
    """A block of at least n bytes (uninitialized), or NULL."""
    return fastreg_pool_alloc(n)


cdef void* _pool_realloc(void* data, size_t n) noexcept nogil:
    """realloc for pool blocks (data NULL: a new block); NULL if memory ran out (data
    then unchanged)."""
    return fastreg_pool_realloc(data, n)


cdef void _pool_free(void* data) noexcept nogil:
    """Give a pool block back (NULL: nothing)."""
    fastreg_pool_free(data)


def pool_stats():
    """(blocks kept, bytes kept, blocks handed out again since the start)."""
    cdef size_t blocks, n_bytes, reuses
    fastreg_pool_stats(&blocks, &n_bytes, &reuses)
    return int(blocks), int(n_bytes), int(reuses)


def pool_clear():
    """Free every kept block; returns pool_stats() from before."""
    cdef size_t blocks, n_bytes, reuses
    fastreg_pool_clear(&blocks, &n_bytes, &reuses)
    return int(blocks), int(n_bytes), int(reuses)


atexit.register(pool_clear)
