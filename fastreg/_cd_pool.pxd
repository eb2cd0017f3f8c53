"""The kernels' buffer pool (see _cd_pool.pyx): malloc / realloc / free for the buffers
a kernel call allocates itself, large ones kept between calls. A pointer from these
must be given back with _pool_free (never libc's free)."""


cdef void* _pool_alloc(size_t n) noexcept nogil
cdef void* _pool_realloc(void* data, size_t n) noexcept nogil
cdef void _pool_free(void* data) noexcept nogil
