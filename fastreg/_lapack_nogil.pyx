"""LAPACK's SVDs and symmetric eigendecomposition without the GIL, interruptible
(Ridge's and RidgeCV's decompositions; issue 20's interrupts).

SciPy's wrappers (``scipy.linalg.svd``, ``eigh``) hold the GIL for the whole LAPACK
call: of order 2000 that is seconds, during which no Python signal handler runs.
``decompose`` calls the same routines of the same library
(``scipy.linalg.cython_lapack``: dgesdd, dgesvd, dsyevd, dgejsv) with the same
options and workspace sizes (LAPACK's query, lwork=-1; dgejsv: SciPy's default
size), so the results are SciPy's bit for bit, on a worker thread of its own (a
POSIX thread that never touches Python) while the calling thread waits in steps of
``POLL_SECONDS`` and runs Python's signal handlers between them.

Ownership: every buffer the call reads or writes (the copy of the input, the
outputs, the workspace) is malloc'ed for that call and belongs to it. Finished, the
outputs become NumPy arrays that own them (no copy) and the rest is freed. When a
signal handler raises (KeyboardInterrupt), the wait ends at once and the call is
abandoned: the worker finishes its one LAPACK call in the background, on its own
buffers only, and frees them itself. Nothing of Python (not even at interpreter
shutdown, which frees daemon threads' objects) is freed under it.

At exit: while an abandoned call still runs, OpenBLAS's library destructor (which
joins its threads and unmaps its buffers) would run under it. A handler registered
with glibc's ``on_exit`` (after the LAPACK library was loaded, so it runs before that
destructor) then flushes C's stdio and ends the process with its exit status
(``_exit``), skipping the C libraries' own destructors; Python's finalization has
already run by then. With no call left running, the process exits as usual.

Off the main thread (where no signal handler runs) and for small calls the routine
runs on the calling thread, still without the GIL.
"""
import numpy as np

cimport numpy as cnp
from cpython.exc cimport PyErr_CheckSignals
from cpython.pycapsule cimport PyCapsule_GetPointer, PyCapsule_New
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy

from scipy.linalg.cython_lapack cimport dgejsv, dgesdd, dgesvd, dsyevd


# ---------------------------------------------------------------------------------
# the worker thread
# ---------------------------------------------------------------------------------

cdef extern from "<pthread.h>" nogil:
    ctypedef struct pthread_t:
        pass
    ctypedef struct pthread_attr_t:
        pass
    ctypedef struct pthread_mutex_t:
        pass
    ctypedef struct pthread_cond_t:
        pass
    int pthread_attr_init(pthread_attr_t*)
    int pthread_attr_setdetachstate(pthread_attr_t*, int)
    int pthread_attr_destroy(pthread_attr_t*)
    int PTHREAD_CREATE_DETACHED
    int pthread_create(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*)
    int pthread_mutex_init(pthread_mutex_t*, void*)
    int pthread_mutex_destroy(pthread_mutex_t*)
    int pthread_mutex_lock(pthread_mutex_t*)
    int pthread_mutex_unlock(pthread_mutex_t*)
    int pthread_cond_init(pthread_cond_t*, void*)
    int pthread_cond_destroy(pthread_cond_t*)
    int pthread_cond_signal(pthread_cond_t*)
    int pthread_cond_timedwait(pthread_cond_t*, pthread_mutex_t*, const timespec*)
    int pthread_atfork(void (*)() noexcept nogil, void (*)() noexcept nogil,
                       void (*)() noexcept nogil)

cdef extern from "<time.h>" nogil:
    ctypedef int clockid_t
    cdef struct timespec:
        long tv_sec
        long tv_nsec
    int clock_gettime(clockid_t, timespec*)
    clockid_t CLOCK_REALTIME

cdef extern from "<stdio.h>" nogil:
    ctypedef struct FILE
    int fflush(FILE*)

cdef extern from "<stdlib.h>" nogil:
    int on_exit(void (*)(int, void*) noexcept nogil, void*)

cdef extern from "<unistd.h>" nogil:
    void _exit(int)

# seconds between two looks at the signal handlers while a call runs
POLL_SECONDS = 0.005
cdef long POLL_NS = 5000000

cdef enum Routine:
    GESDD = 0
    GESVD = 1
    SYEVD = 2
    GEJSV = 3

cdef struct Call:
    int routine
    int m, n, lower, lwork, liwork, info
    int done, abandoned
    double* a        # the input's copy (syevd: the eigenvectors)
    double* s        # singular values / eigenvalues
    double* u
    double* vt       # (gejsv: v)
    double* work
    int* iwork
    pthread_mutex_t lock
    pthread_cond_t cond

# calls running on their worker threads (guarded by _count_lock): the exit handler's
cdef pthread_mutex_t _count_lock
cdef int _running = 0
pthread_mutex_init(&_count_lock, NULL)


cdef void _at_exit(int status, void* arg) noexcept nogil:
    cdef int running
    pthread_mutex_lock(&_count_lock)
    running = _running
    pthread_mutex_unlock(&_count_lock)
    if running > 0:
        # an abandoned call is still inside LAPACK / OpenBLAS: end here, before the
        # libraries' destructors pull its threads and buffers from under it
        fflush(NULL)
        _exit(status)


cdef void _forked_child() noexcept nogil:
    # (the child of a fork has no worker thread)
    global _running
    _running = 0


on_exit(_at_exit, NULL)
pthread_atfork(NULL, NULL, _forked_child)


cdef void _run(Call* c) noexcept nogil:
    """The LAPACK call itself (on any thread)."""
    cdef int m = c.m, n = c.n, k = min(c.m, c.n), info = 0
    cdef int lwork = c.lwork, liwork = c.liwork
    cdef int ldvt = k, ldv = n
    if c.routine == GESDD:
        dgesdd(b"S", &m, &n, c.a, &m, c.s, c.u, &m, c.vt, &ldvt, c.work, &lwork,
               c.iwork, &info)
    elif c.routine == GESVD:
        dgesvd(b"S", b"S", &m, &n, c.a, &m, c.s, c.u, &m, c.vt, &ldvt, c.work, &lwork,
               &info)
    elif c.routine == SYEVD:
        dsyevd(b"V", b"L" if c.lower else b"U", &n, c.a, &n, c.s, c.work, &lwork,
               c.iwork, &liwork, &info)
    else:
        dgejsv(b"F", b"U", b"V", b"R", b"N", b"P", &m, &n, c.a, &m, c.s, c.u, &m,
               c.vt, &ldv, c.work, &lwork, c.iwork, &info)
    c.info = info


cdef void _free_call(Call* c) noexcept nogil:
    free(c.a)
    free(c.s)
    free(c.u)
    free(c.vt)
    free(c.work)
    free(c.iwork)
    pthread_mutex_destroy(&c.lock)
    pthread_cond_destroy(&c.cond)
    free(c)


cdef void* _worker(void* arg) noexcept nogil:
    global _running
    cdef Call* c = <Call*> arg
    cdef int abandoned
    _run(c)
    pthread_mutex_lock(&c.lock)
    c.done = 1
    abandoned = c.abandoned
    pthread_cond_signal(&c.cond)
    pthread_mutex_unlock(&c.lock)
    if abandoned:
        # nobody waits for it any more: its buffers are this thread's to free
        _free_call(c)
    pthread_mutex_lock(&_count_lock)
    _running -= 1
    pthread_mutex_unlock(&_count_lock)
    return NULL


cdef int _wait_step(Call* c) noexcept nogil:
    """Wait up to POLL_NS for the call to end; 1 if it has."""
    cdef timespec ts
    cdef int done
    clock_gettime(CLOCK_REALTIME, &ts)
    ts.tv_nsec += POLL_NS
    if ts.tv_nsec >= 1000000000:
        ts.tv_sec += 1
        ts.tv_nsec -= 1000000000
    pthread_mutex_lock(&c.lock)
    if not c.done:
        pthread_cond_timedwait(&c.cond, &c.lock, &ts)
    done = c.done
    pthread_mutex_unlock(&c.lock)
    return done


cdef int _abandon(Call* c) noexcept nogil:
    """Leave the call to its worker (which then frees it); 1 if it had already ended
    (the caller frees it)."""
    cdef int done
    pthread_mutex_lock(&c.lock)
    done = c.done
    if not done:
        c.abandoned = 1
    pthread_mutex_unlock(&c.lock)
    return done


cdef void _release(object capsule) noexcept:
    free(PyCapsule_GetPointer(capsule, NULL))


cdef object _owning(double** ptr, Py_ssize_t rows, Py_ssize_t cols):
    """A Fortran-ordered float64 NumPy array (1-D when cols < 0) over *ptr, which it
    then owns (*ptr set to NULL)."""
    cdef cnp.npy_intp dims[2]
    dims[0] = rows
    dims[1] = cols
    cdef int nd = 1 if cols < 0 else 2
    arr = cnp.PyArray_New(np.ndarray, nd, dims, cnp.NPY_DOUBLE, NULL, ptr[0], 0,
                          cnp.NPY_ARRAY_F_CONTIGUOUS | cnp.NPY_ARRAY_ALIGNED
                          | cnp.NPY_ARRAY_WRITEABLE, None)
    cap = PyCapsule_New(ptr[0], NULL, _release)
    ptr[0] = NULL
    cnp.set_array_base(arr, cap)      # (takes its own reference)
    return arr


cdef void* _alloc(size_t count, size_t size) except? NULL:
    cdef void* p = malloc(max(count, 1) * size)
    if p == NULL:
        raise MemoryError(f"_lapack_nogil: could not allocate {count * size} bytes")
    return p


cnp.import_array()


def running():
    """How many calls run on their worker threads now (abandoned ones included)."""
    cdef int count
    with nogil:
        pthread_mutex_lock(&_count_lock)
        count = _running
        pthread_mutex_unlock(&_count_lock)
    return count


def decompose(str routine, X, bint lower=False, double min_work=0.0):
    """The decomposition ``routine`` ('gesdd', 'gesvd': thin SVD of X; 'syevd':
    eigenpairs of symmetric X from its lower or upper triangle; 'gejsv': one-sided
    Jacobi SVD, X with m >= n) of a copy of X, on a worker thread when called from
    the main thread with at least ``min_work`` operations (see the module's
    docstring). Returns (info, outputs): 'gesdd' / 'gesvd' (U, s, Vt), 'syevd' (w,
    V), 'gejsv' (sva, U, V, work[:7]); the outputs are None when info < 0 at the
    workspace query. X: float64, 2-D, no dimension 0."""
    import threading
    cdef cnp.ndarray[double, ndim=2, mode="fortran"] A = np.asfortranarray(
        X, dtype=np.float64)
    cdef int m = A.shape[0], n = A.shape[1], k = min(A.shape[0], A.shape[1])
    cdef int code = {"gesdd": GESDD, "gesvd": GESVD, "syevd": SYEVD,
                     "gejsv": GEJSV}[routine]
    cdef Call* c
    cdef double q = 0
    cdef int iq = 0, info = 0, minus = -1
    cdef size_t size = <size_t> m * n, at, step
    cdef bint threaded
    cdef pthread_t tid
    cdef pthread_attr_t attr
    global _running
    if m < 1 or n < 1 or (code == SYEVD and m != n) or (code == GEJSV and m < n):
        raise ValueError(f"_lapack_nogil.decompose: bad shape {(m, n)} for {routine}")
    c = <Call*> _alloc(1, sizeof(Call))
    c.routine, c.m, c.n, c.lower = code, m, n, lower
    c.done = c.abandoned = c.info = 0
    c.a = c.s = c.u = c.vt = c.work = NULL
    c.iwork = NULL
    c.lwork = c.liwork = 0
    pthread_mutex_init(&c.lock, NULL)
    pthread_cond_init(&c.cond, NULL)
    started = False
    try:
        c.a = <double*> _alloc(size, sizeof(double))
        # the input's copy by chunks of ~4 MB, the signal handlers run between them
        step = max(<size_t> 1, <size_t> (1 << 19))
        at = 0
        while at < size:
            with nogil:
                memcpy(c.a + at, &A[0, 0] + at, min(step, size - at) * sizeof(double))
            at += step
            PyErr_CheckSignals()
        if code == SYEVD:
            c.s = <double*> _alloc(n, sizeof(double))
            with nogil:
                dsyevd(b"V", b"L" if lower else b"U", &n, c.a, &n, c.s, &q, &minus,
                       &iq, &minus, &info)
            c.liwork = max(1, iq)
        elif code == GEJSV:
            c.s = <double*> _alloc(n, sizeof(double))
            c.u = <double*> _alloc(<size_t> m * n, sizeof(double))
            c.vt = <double*> _alloc(<size_t> n * n, sizeof(double))
            c.liwork = m + 3 * n
            # (the bundled dgejsv rejects the workspace query: SciPy's default size,
            # LAPACK's documented minimum for these options)
            q = max(6.0 * n + 2.0 * n * n, 2.0 * m + n, 4.0 * n + 1.0 * n * n,
                    2.0 * n + 1.0 * n * n + 6, 7.0)
        else:
            c.s = <double*> _alloc(k, sizeof(double))
            c.u = <double*> _alloc(<size_t> m * k, sizeof(double))
            c.vt = <double*> _alloc(<size_t> k * n, sizeof(double))
            if code == GESDD:
                c.liwork = 8 * k
                c.iwork = <int*> _alloc(c.liwork, sizeof(int))
                with nogil:
                    dgesdd(b"S", &m, &n, c.a, &m, c.s, c.u, &m, c.vt, &k, &q, &minus,
                           c.iwork, &info)
            else:
                with nogil:
                    dgesvd(b"S", b"S", &m, &n, c.a, &m, c.s, c.u, &m, c.vt, &k, &q,
                           &minus, &info)
        if info != 0:
            return info, None
        if not 0 <= q <= 2147483647.0:
            raise np.linalg.LinAlgError(
                f"LAPACK's {routine} asks for a workspace of {q!r} entries: too large "
                "for 32-bit LAPACK.")
        c.lwork = max(1, <int> q)
        c.work = <double*> _alloc(c.lwork, sizeof(double))
        if c.iwork == NULL and c.liwork > 0:
            c.iwork = <int*> _alloc(c.liwork, sizeof(int))
        threaded = (threading.current_thread() is threading.main_thread()
                    and 4.0 * m * n * k >= min_work)
        if not threaded:
            with nogil:
                _run(c)
        else:
            pthread_attr_init(&attr)
            pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED)
            with nogil:
                pthread_mutex_lock(&_count_lock)
                _running += 1
                pthread_mutex_unlock(&_count_lock)
                info = pthread_create(&tid, &attr, _worker, c)
                if info != 0:
                    pthread_mutex_lock(&_count_lock)
                    _running -= 1
                    pthread_mutex_unlock(&_count_lock)
            pthread_attr_destroy(&attr)
            if info != 0:
                # (no thread: run here)
                with nogil:
                    _run(c)
            else:
                started = True
                while True:
                    with nogil:
                        info = _wait_step(c)
                    if info:
                        break
                    PyErr_CheckSignals()
                started = False      # (ended: the call is this thread's again)
    except BaseException:
        if started:
            with nogil:
                info = _abandon(c)
            if not info:
                raise                # the worker frees it
        with nogil:
            _free_call(c)
        raise
    try:
        info = c.info
        if code == SYEVD:
            out = (_owning(&c.s, n, -1), _owning(&c.a, n, n))
        elif code == GEJSV:
            work7 = np.array(<double[:7]> c.work)
            out = (_owning(&c.s, n, -1), _owning(&c.u, m, n), _owning(&c.vt, n, n),
                   work7)
        else:
            out = (_owning(&c.u, m, k), _owning(&c.s, k, -1), _owning(&c.vt, k, n))
    finally:
        _free_call(c)        # (what the outputs did not take)
    return info, out
