"""One competing CPU-bound process, for timing each benchmark cell on a busy machine.

``python -m bench --busy`` and ``python -m bench.defaults --busy`` time every cell
twice in the same run: quiet, then with this competitor running, and report each
library's slowdown (busy / quiet) side by side. Users run fits next to other work, and
inside ``GridSearchCV(n_jobs=-1)`` every worker is such a process.

The competitor is a plain Python busy loop in a child process (one core's worth of
work, no BLAS, no OpenMP). It is started once, paused with SIGSTOP while the quiet
rounds run and resumed with SIGCONT for the busy ones, so each switch costs nothing
and the quiet and busy rounds of a cell run back to back. It ends

* when ``stop()`` is called (the ``with`` block ends, also on Ctrl-C or an error),
* at interpreter exit (``atexit``), if that was missed,
* by itself, within 0.1 s of its own clock, when its parent process is gone (a parent
  killed with SIGKILL runs no clean-up).

It ignores SIGINT: a Ctrl-C in the terminal reaches the whole foreground process group,
and the child must neither print a traceback nor end before the parent has stopped it.
"""
import atexit
import os
import signal
import subprocess
import sys
import time

# the child: report that it runs, then spin; leave when the parent is gone
_LOOP = r"""
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
parent = os.getppid()
sys.stdout.write("ready\n"); sys.stdout.flush()
x = 0
next_check = time.monotonic() + 0.1
while True:
    for _ in range(20000):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
    now = time.monotonic()
    if now >= next_check:
        if os.getppid() != parent:
            sys.exit(0)
        next_check = now + 0.1
"""

# seconds to let a resumed competitor take its core (and a paused one leave it) before
# a timed call starts; spent spinning, not sleeping, after both switches alike: a call
# made right after a sleep of this process measured 2-3x slower than one made after
# work (sub-millisecond fits, e.g. Ridge() on diabetes: 0.73 ms against 0.23 ms),
# which a busy-only sleep would have reported as the competitor's effect
SETTLE = 0.05


def _settle():
    end = time.perf_counter() + SETTLE
    while time.perf_counter() < end:
        pass


class Competitor:
    """A child process that keeps one core busy while it is resumed.

    ``with Competitor() as c:`` starts it (paused); ``with c.running():`` (or
    ``resume()`` / ``pause()``) lets it spin; leaving the outer block stops it."""

    def __init__(self):
        self.proc = None
        self._running = False

    # -- lifetime
    def start(self):
        if self.proc is not None:
            return self
        self.proc = subprocess.Popen([sys.executable, "-c", _LOOP],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, close_fds=True)
        atexit.register(self.stop)
        line = self.proc.stdout.readline()
        if line.strip() != b"ready":
            self.stop()
            raise RuntimeError("the competing busy-loop process did not start")
        self._running = True
        self.pause()
        return self

    def stop(self):
        proc, self.proc = self.proc, None
        self._running = False
        if proc is None:
            return
        try:
            if proc.poll() is None:
                proc.send_signal(signal.SIGCONT)    # a stopped process ends on SIGTERM
                proc.terminate()                    # only once continued
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
        finally:
            if proc.stdout is not None:
                proc.stdout.close()
            try:
                atexit.unregister(self.stop)
            except Exception:                       # interpreter shutting down
                pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    # -- pausing
    @property
    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def pause(self):
        if self.alive and self._running:
            self.proc.send_signal(signal.SIGSTOP)
            self._running = False
            _settle()

    def resume(self):
        if not self.alive:
            raise RuntimeError("the competing busy-loop process is not running")
        if not self._running:
            self.proc.send_signal(signal.SIGCONT)
            self._running = True
            _settle()

    def running(self):
        return _Running(self)


class _Running:
    def __init__(self, competitor):
        self.competitor = competitor

    def __enter__(self):
        self.competitor.resume()
        return self.competitor

    def __exit__(self, *exc):
        self.competitor.pause()
        return False


# the competitor of a `python -m bench --busy` (or `pytest bench --bench-busy`)
# session, started by bench/conftest.py; None when cells are timed quiet only
current = None


def cpu_seconds(pid):
    """User + system CPU seconds a process has used (Linux /proc), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None
