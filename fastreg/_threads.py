"""Threads: how many BLAS threads and kernel (OpenMP) threads fastreg uses, and when.

One owner, ``policy``, decides the BLAS thread limit of the process from what runs:

* while a kernel runs (``with kernel_scope as others``), SciPy's BLAS, which the
  kernels call on small blocks between cheap coordinate updates, is on one thread: a
  threaded BLAS would spend more time waking and synchronizing its threads than
  computing (measured: a 20000 x 500 x 10 GEMM took 10x longer on two threads than on
  one on a busy 2-core machine). Large one-off products (full Gram matrices) are
  computed outside the kernels with NumPy's threaded BLAS.
* while cross-validation folds run on parallel threads (``with parallel_folds``),
  every BLAS is on one thread: the NumPy products of several folds at once, each on
  every core, would oversubscribe the machine.
* while a small direct solve runs (``with serial_blas``: Ridge and RidgeCV below
  ``SERIAL_WORK``, or of any size on a busy machine, see ``serial_scope``), every BLAS
  is on one thread too: its products and factorizations are too short for a second
  thread to pay, and on a busy machine every threaded call waits at its barrier for a
  time slice of a preempted thread (measured at load 12 on 2 cores: Ridge() on
  leukemia 396 ms on two threads, 20 ms on one).

The limit is taken when the first of these starts and lifted when the last ends, whatever
the order in which threads enter and leave: kernels run on several Python threads at
once (CV folds, or fits called from a user's thread pool), and threadpoolctl's own
context managers restore what they saw at entry, which is wrong once scopes of different
threads interleave. OpenBLAS built with pthreads has one thread pool for the process,
and threadpoolctl lets only one Python thread change its size (the first to do so; the
others' calls do nothing): each change here is made under the policy's lock by whichever
thread makes it, which takes that control for the change and gives it up afterwards.

A kernel also learns how many other kernels run beside it (``kernel_threads``): it then
starts no OpenMP team of its own, which would take every core again (concurrent fits
from a user's threads).
"""
import os
import threading
from contextlib import nullcontext

from threadpoolctl import ThreadpoolController


def _kernel_blas_controller():
    """Threadpool controller of the BLAS the kernels call: SciPy's (through
    scipy.linalg.cython_blas). Limiting only that one leaves NumPy's BLAS alone when it is
    a library of its own: toggling its thread count around every kernel call leaves its
    worker threads spinning, taking a core from the kernel."""
    import scipy
    controller = ThreadpoolController()
    scipy_dir = os.path.dirname(os.path.dirname(scipy.__file__))
    own = controller.select(user_api="blas")
    scipy_libs = [lib for lib in own.lib_controllers
                  if os.path.realpath(lib.filepath).startswith(
                      os.path.realpath(os.path.join(scipy_dir, "scipy")))]
    if not scipy_libs:
        # SciPy linked against a shared BLAS (e.g. conda's): limit that one
        return own
    own.lib_controllers = scipy_libs
    return own


def _release_openblas():
    """No Python thread controls OpenBLAS's thread pool size (threadpoolctl's rule for a
    pool shared by the process): the next change, from any thread, takes effect."""
    try:
        from threadpoolctl import OpenBLASController
    except ImportError:                      # an older threadpoolctl: no such rule
        return
    clear = getattr(OpenBLASController, "clear_controlling_thread", None)
    if clear is not None:
        clear(force=True)


class _Policy:
    """Counts running kernels and parallel fold sections; sets the BLAS limit they
    need."""

    def __init__(self):
        self._lock = threading.Lock()
        self.kernels = 0
        self.folds = 0
        self.serial = 0
        self._mode = None
        self._limit = None
        self._controllers = {}

    def _controller(self, mode):
        # created once: inspecting the loaded libraries is slow
        if mode not in self._controllers:
            self._controllers[mode] = (_kernel_blas_controller() if mode == "kernel"
                                       else ThreadpoolController())
        return self._controllers[mode]

    def _apply(self):
        """Under the lock: the limit for the current counts ('all': every BLAS on one
        thread; 'kernel': SciPy's; None: the limits as they were)."""
        mode = "all" if self.folds > 0 or self.serial > 0 else \
            "kernel" if self.kernels > 0 else None
        if mode == self._mode:
            return
        _release_openblas()
        if self._limit is not None:
            self._limit.restore_original_limits()
            self._limit = None
        if mode is not None:
            self._limit = self._controller(mode).limit(limits=1, user_api="blas")
        _release_openblas()
        self._mode = mode

    def change(self, counter, step):
        """Add ``step`` to ``counter``; returns how many kernels ran before."""
        with self._lock:
            before = self.kernels
            setattr(self, counter, getattr(self, counter) + step)
            self._apply()
        return before


policy = _Policy()


class _Scope:
    def __init__(self, counter):
        self._counter = counter

    def __enter__(self):
        return policy.change(self._counter, +1)

    def __exit__(self, *exc):
        policy.change(self._counter, -1)
        return False


# ``with kernel_scope as others``: around a kernel call; ``others``: the kernels that
# were running already
kernel_scope = _Scope("kernels")
# around cross-validation folds that run on parallel threads
parallel_folds = _Scope("folds")
# around a small direct solve (every BLAS on one thread; see serial_scope)
serial_blas = _Scope("serial")

# multiply-adds of a direct solve (n p min(n, p): its Gram matrix, factorizations and
# products with X) below which its BLAS runs on one thread (``serial_scope``): a second
# thread gains little on products of a few milliseconds; down to SERIAL_MIN, below which
# no BLAS call threads anyway and the scope's two limit changes would cost more than the
# fit. Larger solves run on one thread too while the machine is busy (``machine_busy``)
SERIAL_WORK = 2**28
SERIAL_MIN = 2**19


def _runnable_others():
    """Runnable tasks on the machine besides the calling thread (Linux: the kernel's
    instantaneous count in /proc/loadavg), or None where that is not known."""
    try:
        with open("/proc/loadavg", "rb") as f:
            return int(f.read().split()[3].split(b"/")[0]) - 1
    except (OSError, IndexError, ValueError):
        return None


def machine_busy():
    """Whether another task is runnable right now (another process computing, or this
    process's other threads): a threaded BLAS call would then wait at its barriers for
    the time slices of its preempted threads (one competing process on 2 cores, main
    before branch ridge: RidgeCV() on ames 3.25x slower, Ridge() on the synthetic
    20000 x 500 2.54x, scikit-learn's 1.13x and 2.19x). False where the count is not
    known."""
    others = _runnable_others()
    return others is not None and others > 0


def serial_scope(work):
    """``serial_blas`` for a direct solve of ``work`` multiply-adds: from SERIAL_MIN to
    SERIAL_WORK, and above that while ``machine_busy()``; else a no-op context."""
    if work < SERIAL_MIN:
        return nullcontext()
    if work < SERIAL_WORK or machine_busy():
        return serial_blas
    return nullcontext()


def kernel_threads(n_threads, others):
    """OpenMP threads for a kernel: the caller's ``n_threads`` (0: OpenMP's default,
    every core), but one when ``others`` kernels run beside it in this process:
    concurrent fits from several Python threads would otherwise each start a team on
    every core and oversubscribe them."""
    return 1 if n_threads == 0 and others > 0 else n_threads


# by default (n_jobs=None), cross-validation folds that solve from shared moments run on
# threads while their p x p training Gram matrices together take at most this many bytes
DEFAULT_FOLDS_MEMORY = 2**28
# ... and when a fold's path costs at least this much (p^2 times its alphas, summed over
# the l1_ratios: the covariance updates of sweeps over a large working set): smaller
# folds take about as long as handing them to a thread (quiet 2-core machine, default
# threads: ames, 2930 x 274, 100 alphas, 7.5e6: 1.5x slower on two threads, its fold
# paths take 1-2 ms each; the synthetic 20000 x 500, 2.5e7: about 5% faster)
DEFAULT_FOLDS_MIN_WORK = 2e7


def fold_workers(n_jobs, n_folds, fold_bytes, work):
    """Threads for cross-validation folds that solve from shared Gram moments (each
    fold job holds one p x p training Gram matrix of ``fold_bytes``; its kernel runs
    without the GIL on one thread, covariance updates need no OpenMP team; ``work``:
    p^2 times the alphas of its paths).

    None when ``n_jobs`` decides (the user's n_jobs, or n_jobs=None inside a joblib
    ``parallel_config`` that sets it), or when ``work`` is below
    DEFAULT_FOLDS_MIN_WORK (the folds one after another, as scikit-learn). Otherwise
    (the default n_jobs=None) the number of threads: one per fold, at most one per
    available core (``joblib.cpu_count``), at most the thread limits of the OpenMP
    runtimes (OMP_NUM_THREADS, ``threadpoolctl.threadpool_limits``) and, when no
    fastreg kernel runs in another thread, of the BLAS libraries, and at most
    DEFAULT_FOLDS_MEMORY bytes of Gram matrices at once; at least 1. The folds then
    run with every BLAS on one thread (``parallel_folds``), on any number of
    threads: the same bits as one at a time."""
    from joblib import cpu_count, effective_n_jobs
    if n_jobs is not None or work < DEFAULT_FOLDS_MIN_WORK or \
            effective_n_jobs(None) != 1:
        return None
    k = min(int(n_folds), cpu_count(), DEFAULT_FOLDS_MEMORY // max(int(fold_bytes), 1))
    with policy._lock:
        idle = policy.kernels == 0 and policy.folds == 0 and policy.serial == 0
        libs = policy._controller("all").lib_controllers
    for lib in libs:
        if lib.user_api == "openmp" or (idle and lib.user_api == "blas"):
            threads = lib.num_threads
            if isinstance(threads, int) and threads > 0:
                k = min(k, threads)
    return max(k, 1)
