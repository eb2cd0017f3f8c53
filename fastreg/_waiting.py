"""One long BLAS call (a dense X^T X of many seconds) that the main thread can
interrupt, at no cost to the call.

BLAS cannot be stopped in the middle of a call, and Python runs its signal handlers
only between calls: SIGINT during one X^T X product of 12000 x 1500 (1.5-3 s on a
loaded 2-core machine) used to be seen when it ended. Splitting the product into
calls of ~0.1 s each made it 10-25% slower on the loaded machine (every call ends in
a barrier of the BLAS threads, which waits for a time slice of the slowest one), so
the product is made in one call on a helper thread instead, while the main thread
waits in steps of ``POLL_SECONDS`` (20 ms), running the signal handlers between them. A
handler that raises (SIGINT's KeyboardInterrupt) stops the wait at once; the helper
thread finishes the product in the background (at most the one call) and drops it.
It is not a daemon thread: the interpreter waits for it at exit, so no thread is left
inside BLAS while the process shuts down. Off the main thread (no signals there) and
for products below ``MIN_WORK`` multiply-adds the call runs in place.
"""
import threading

# seconds between two looks at the signal handlers while the product runs
POLL_SECONDS = 0.02
# multiply-adds below which a product runs in place (~10 ms or less: a thread's start
# would cost more than the latency it saves)
MIN_WORK = 2**28


def run_waiting(fn, *args, work=float("inf")):
    """``fn(*args)``, run on a helper thread while the main thread waits and runs the
    signal handlers every ``POLL_SECONDS`` (``work``: the call's multiply-adds)."""
    if work < MIN_WORK or threading.current_thread() is not threading.main_thread():
        return fn(*args)
    box = {}
    done = threading.Lock()
    done.acquire()

    def target():
        try:
            box["out"] = fn(*args)
        except BaseException as exc:           # (re-raised by the waiting thread)
            box["error"] = exc
        finally:
            done.release()

    # (not Thread.join: interrupted by a signal handler's exception, it marks the
    # running thread as stopped, bpo-45274, and the interpreter would then not wait
    # for it at exit)
    threading.Thread(target=target, name="fastreg-product").start()
    # (a signal may be delivered to another thread and not wake this wait: the
    # timeout bounds how late the handlers run)
    while not done.acquire(timeout=POLL_SECONDS):
        pass
    if "error" in box:
        raise box.pop("error")
    return box.pop("out")


def gram_waiting(X):
    """``X.T @ X`` of a dense 2-D X (NumPy's product: one SYRK call), interruptible
    from the main thread (see ``run_waiting``)."""
    n, p = X.shape
    return run_waiting(_gram, X, work=n * p * (p + 1) / 2)


def _gram(X):
    return X.T @ X
