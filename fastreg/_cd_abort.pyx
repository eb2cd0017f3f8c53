"""Interrupts of the compiled kernels (see _cd_abort.pxd).

One process-wide counter, the abort epoch, moves (``request_abort``) when a fit is
interrupted: when a kernel on the main thread finds that a signal handler raised
(``PyErr_CheckSignals``, SIGINT's KeyboardInterrupt), or when a front end running
kernels on worker threads (cross-validation folds) is interrupted while it waits for
them. Every kernel remembers the epoch its caller started in and stops, within a few
milliseconds of work, once the epoch has moved; the front end then raises
KeyboardInterrupt. No flag needs resetting: the next fit starts in the new epoch.
"""
import threading

from libc.time cimport time_t

cdef extern from "Python.h":
    # (declared without Cython's exception check: the exception stays set and is
    # raised by _abort_raise, back with the GIL)
    int _check_signals "PyErr_CheckSignals" () noexcept
    void* PyErr_Occurred_ "PyErr_Occurred" () noexcept

cdef extern from "<time.h>" nogil:
    ctypedef int clockid_t
    cdef struct timespec:
        time_t tv_sec
        long tv_nsec
    int clock_gettime(clockid_t clk, timespec* tp)
    clockid_t CLOCK_MONOTONIC

# seconds between two looks at the signals on the main thread (each takes the GIL)
cdef double POLL_SECONDS = 0.01

cdef int _epoch = 0


cdef inline double _now() noexcept nogil:
    cdef timespec ts
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return ts.tv_sec + 1e-9 * ts.tv_nsec


cdef int _poll_slow(Abort* a) noexcept nogil:
    cdef double now
    cdef int raised
    a.work = 0
    if _epoch != a.epoch:
        a.status = ABORT_EPOCH
        return 1
    if a.main:
        now = _now()
        if now >= a.next_check:
            a.next_check = now + POLL_SECONDS
            with gil:
                raised = _check_signals() != 0
                if raised:
                    # stop the kernels of the other threads too
                    global _epoch
                    _epoch += 1
            if raised:
                a.status = ABORT_SIGNAL
                return 1
    return 0


cdef int _abort_init(Abort* a, int epoch) except -1:
    """The state of a kernel called in ``epoch`` (-1: the current one), from the
    calling thread (with the GIL)."""
    a.epoch = _epoch if epoch < 0 else epoch
    a.main = threading.current_thread() is threading.main_thread()
    a.status = ABORT_NONE
    a.work = 0
    a.next_check = 0
    return 0


cdef int _abort_raise(Abort* a) except -1:
    """After the kernel stopped (with the GIL): raise the signal handler's exception,
    or KeyboardInterrupt when another thread was interrupted."""
    if a.status == ABORT_SIGNAL and PyErr_Occurred_() != NULL:
        return -1           # (the pending exception propagates)
    if a.status != ABORT_NONE:
        raise KeyboardInterrupt("fastreg: interrupted")
    return 0


def abort_epoch():
    """The current abort epoch (pass it to the kernels of one fit)."""
    return _epoch


def request_abort():
    """Stop every running kernel (they raise KeyboardInterrupt), and start a new
    epoch."""
    global _epoch
    _epoch += 1
