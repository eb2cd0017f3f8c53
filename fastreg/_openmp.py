"""OpenMP's waiting policy for fastreg's kernels, set without touching the user's
environment.

The kernels split their passes over X between OpenMP threads. GNU OpenMP (libgomp) lets
a thread that waits for the others (at the end of a pass, or between passes) spin on a
core for a long while before it sleeps. On a machine whose cores are busy with other
work, that spinning takes the cores the other threads of the team are waiting for:
measured on a 2-core machine under load, eight Lasso fits on 4000 x 600 designs took
4.7 s with the default policy and 1.3 s (0.8 s on Fortran X) with waiting threads
asleep, the same as a team of one thread.

libgomp reads its settings once, when it is loaded (with fastreg's first compiled
module; ``fastreg/__init__.py`` imports it inside ``passive_waits`` and nothing else).
``passive_waits`` sets OMP_WAIT_POLICY=PASSIVE for that moment only, unless the user
chose a policy (OMP_WAIT_POLICY, GOMP_SPINCOUNT), and removes it again, so os.environ and
child processes stay as they were. Other libraries' OpenMP runtimes (scikit-learn ships
its own copy of libgomp) load outside it, with their own settings; when the system
libgomp was loaded before fastreg, by another library, it keeps that library's.
"""
import os
from contextlib import contextmanager

USER_SETTINGS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")


@contextmanager
def passive_waits():
    if any(name in os.environ for name in USER_SETTINGS):
        yield
        return
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    try:
        yield
    finally:
        os.environ.pop("OMP_WAIT_POLICY", None)
