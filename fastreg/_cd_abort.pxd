"""Interrupts of the compiled kernels (see _cd_abort.pyx): a kernel keeps an ``Abort``
state and calls ``_poll`` at its coarse steps (a sweep, a gap, an outer iteration)
with an estimate of the work done since the last call; only every ``POLL_WORK``
units of work does ``_poll_slow`` look at the process-wide abort epoch and, on the
main thread, at most every ``POLL_SECONDS``, take the GIL to run Python's signal
handlers."""


cdef enum:
    POLL_WORK = 1 << 20      # element operations between two looks at the epoch
    ABORT_NONE = 0
    ABORT_EPOCH = 1          # the epoch moved (another thread was interrupted)
    ABORT_SIGNAL = 2         # a signal handler raised: its exception is set


cdef struct Abort:
    int epoch            # the process-wide epoch the kernel's caller started in
    bint main            # the kernel runs on the main thread (signal handlers)
    int status           # ABORT_*: why the kernel stops
    double work          # work since the last look
    double next_check    # monotonic time of the next look at signals (main thread)


cdef int _poll_slow(Abort* a) noexcept nogil


cdef inline int _poll(Abort* a, double work) noexcept nogil:
    """Nonzero when the kernel must stop (a.status says why)."""
    if a.status != ABORT_NONE:
        return 1
    a.work += work
    if a.work < POLL_WORK:
        return 0
    return _poll_slow(a)


cdef int _abort_init(Abort* a, int epoch) except -1
cdef int _abort_raise(Abort* a) except -1
