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
  ``SERIAL_WORK``), every BLAS is on one thread too: its products and factorizations
  are too short for a second thread to pay, and on a busy machine every threaded call
  waits at its barrier for a time slice of a preempted thread (measured at load 12 on
  2 cores: Ridge() on leukemia 396 ms on two threads, 20 ms on one).

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
        self._blas_before = []

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
        if self._mode is None and mode is not None:
            # the BLAS limits as they were (the user's), for fold_workers
            self._blas_before = [lib.num_threads for lib in
                                 self._controller("all").lib_controllers
                                 if lib.user_api == "blas"]
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


# the scopes each thread is inside (by counter): product_workers discounts its own
_inside = threading.local()


class _Scope:
    def __init__(self, counter):
        self._counter = counter

    def __enter__(self):
        setattr(_inside, self._counter, getattr(_inside, self._counter, 0) + 1)
        return policy.change(self._counter, +1)

    def __exit__(self, *exc):
        setattr(_inside, self._counter, getattr(_inside, self._counter, 0) - 1)
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
# products with X) from which its BLAS runs threaded; below, on one thread
# (``serial_scope``), down to SERIAL_MIN, below which no BLAS call threads anyway and
# the scope's two limit changes would cost more than the fit
SERIAL_WORK = 2**30
SERIAL_MIN = 2**19


def serial_scope(work):
    """``serial_blas`` for a direct solve of ``work`` multiply-adds between SERIAL_MIN
    and SERIAL_WORK, else a no-op context."""
    return serial_blas if SERIAL_MIN <= work < SERIAL_WORK else nullcontext()


def product_workers(n_tasks):
    """Python threads for ``n_tasks`` independent single-threaded BLAS products of one
    fit (``_ridge_design``'s centered Gram matrix by chunks of rows): one per task, at
    most one per core and the OpenMP / BLAS thread limits (``fold_workers``); 1 when
    another fastreg kernel, fold section or solve runs in this process beside the
    calling thread's own (their threads take the cores already)."""
    own = {name: getattr(_inside, name, 0) for name in ("kernels", "folds", "serial")}
    with policy._lock:
        busy = (policy.kernels > own["kernels"] or policy.folds > own["folds"]
                or policy.serial > own["serial"])
    if busy or n_tasks < 2:
        return 1
    return fold_workers(None, n_tasks, 1, float("inf")) or 1


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
        idle = policy.kernels == 0 and policy.folds == 0
        libs = policy._controller("all").lib_controllers
        # inside a serial solve only (serial_blas): the BLAS limits it replaced
        before = policy._blas_before if idle and policy.serial > 0 else None
    threads = [lib.num_threads for lib in libs if lib.user_api == "openmp"
               or (idle and before is None and lib.user_api == "blas")]
    for t in threads + (before or []):
        if isinstance(t, int) and t > 0:
            k = min(k, t)
    return max(k, 1)
