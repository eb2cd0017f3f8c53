"""The engine: the one place that decides how the kernel solves a problem, builds
the problem and calls the compiled kernel.

Front ends (the estimators, the path functions, cross-validation) validate their
parameters (``_validation``), prepare the data (``_prepare``), then come here:

* ``update_strategy`` reads ``precompute`` (and nothing else does): residual updates
  on X, or covariance updates on a Gram matrix given by the user, computed in full, or
  built lazily column by column inside the kernel;
* ``check_gram`` / ``gram_for``: the one check of a user-given Gram matrix and the
  Gram matrix a strategy needs;
* ``Problem``: one single-target problem in the kernel's terms (dense, sparse or Gram
  form, with penalty factors, bounds and unpenalized features projected out), and
  ``Problem.solve`` for a grid of alphas; ``solve_multitask`` for the multi-task one;
* scaling: the kernel minimizes n_samples times scikit-learn's objective, so it gets
  ``l1 = alpha * l1_ratio * n`` and ``l2 = alpha * (1 - l1_ratio) * n``; it stops when
  its duality gap is <= ``tol * ||y||^2`` (y centered and weighted), scikit-learn's
  rule, and gaps are reported divided by n_samples, the scale of ``dual_gap_``.
"""
import os
import sys
import threading
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._blocks import column_sq_norms
from ._cd_abort import abort_epoch as abort_epoch  # (re-exported to the front ends)
from ._cd_abort import request_abort
from ._cd_fast import TRACE_FIELDS
from ._cd_fast import enet_path as _enet_path_kernel
from ._cd_multitask import multitask_enet_path as _multitask_kernel
from ._linalg import matmul, sq_norm
from ._penalty import Unpenalized
from ._prepare import take_columns
from ._threads import kernel_scope, kernel_threads
from ._waiting import gram_waiting

# paths of at least this many alphas with n_samples > n_features compute X^T X once:
# they end up needing most Gram columns, and one threaded SYRK is several times
# cheaper than computing them a working set at a time; shorter ones build the columns
# lazily, only for the features that enter a working set
FULL_GRAM_MIN_ALPHAS = 10
# a sparse X gets a dense p x p Gram matrix ('auto') only up to this many features
# (memory p^2, and its cost p per update against a column's nonzeros for residual
# updates) ...
SPARSE_GRAM_MAX_FEATURES = 4096
# ... and only when its columns hold at least p / SPARSE_GRAM_DENSITY nonzeros on
# average (a covariance update costs p, a residual update a column's nonzeros)
SPARSE_GRAM_DENSITY = 16
# the kernels solve EXTRA_DIGITS beyond the requested relative gap, but not below
# TIGHTEN_FLOOR unless asked (see working_tol): at scikit-learn's default tol = 1e-4
# their results are then at least as close to the exact solution as scikit-learn's,
# which stops well past its own certificate (tests/test_default_accuracy.py)
EXTRA_DIGITS = 1e-3
# benchmarks (bench.plain, bench.profile): a list to which each single-target kernel
# call appends its per-alpha counters, an array (n_alphas, len(TRACE_FIELDS)); None:
# not traced
TRACE = None
TIGHTEN_FLOOR = {np.dtype(np.float64): 1e-8, np.dtype(np.float32): 1e-5}
TIGHT_LIMIT = {np.dtype(np.float64): 1e-13, np.dtype(np.float32): 1e-6}
# without an L1 term (l1_ratio=0) the problem is a ridge, solved exactly: from one SVD
# of X while it costs at most this many flops (n p min(n, p)), else from one
# eigendecomposition of the Gram matrix
RIDGE_SVD_MAX_FLOPS = 2e8
# relative tolerance (times sqrt(n_samples)) of the check of a user-given Gram matrix
GRAM_RTOL = {np.dtype(np.float64): 1e-7, np.dtype(np.float32): 1e-4}


# ---------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------
# Interrupts of kernels on threads
# ---------------------------------------------------------------------------------------

_RUNS = {}
_RUNS_LOCK = threading.Lock()


class InterruptibleJobs:
    """Jobs (joblib ``delayed`` triples) run on threads that stop with their caller.

    A kernel on the main thread sees SIGINT itself (it runs the signal handlers); one
    on a worker thread does not, and would run on, inside BLAS, while the interpreter
    shuts down (a crash or a hang at exit). A front end that runs kernels on threads
    wraps its jobs (``wrap``) and, when its wait is interrupted (KeyboardInterrupt in
    the main thread) or fails, calls ``stop``: the abort epoch moves (every running
    kernel raises within milliseconds), jobs not yet started do nothing, and it
    returns once no job of this run is running any more, so that the caller re-raises
    with no thread left inside a kernel. In another process (a process backend), the
    jobs run as they are.
    """

    def __init__(self):
        self._cond = threading.Condition()
        self._running = 0
        self._stopped = False
        with _RUNS_LOCK:
            _RUNS[id(self)] = self

    def wrap(self, job):
        fn, args, kwargs = job
        return _Tracked(fn, id(self)), args, kwargs

    def enter(self):
        with self._cond:
            if self._stopped:
                raise KeyboardInterrupt("fastreg: interrupted")
            self._running += 1

    def leave(self):
        with self._cond:
            self._running -= 1
            self._cond.notify_all()

    def stop(self):
        with self._cond:
            self._stopped = True
        request_abort()
        while True:
            try:
                with self._cond:
                    while self._running > 0:
                        self._cond.wait(0.05)
                return
            except KeyboardInterrupt:
                # (a second Ctrl-C: the kernels are stopping already)
                continue

    def close(self):
        with _RUNS_LOCK:
            _RUNS.pop(id(self), None)


class _Tracked:
    """A job of an InterruptibleJobs run (looked up by id: picklable, and untracked
    in another process)."""

    def __init__(self, fn, run_id):
        self.fn = fn
        self.run_id = run_id

    def __call__(self, *args, **kwargs):
        run = _RUNS.get(self.run_id)
        if run is None:
            return self.fn(*args, **kwargs)
        run.enter()
        try:
            return self.fn(*args, **kwargs)
        finally:
            run.leave()


def run_interruptibly(parallel, jobs):
    """``parallel(jobs)`` (a joblib Parallel) such that an interrupt or an error stops
    every job before it propagates (see InterruptibleJobs)."""
    run = InterruptibleJobs()
    try:
        return parallel([run.wrap(job) for job in jobs])
    except BaseException:
        run.stop()
        raise
    finally:
        run.close()


# ---------------------------------------------------------------------------------------
# Update strategy and Gram matrices
# ---------------------------------------------------------------------------------------

def sparse_gram_pays(prep):
    """Whether covariance updates on a dense p x p Gram matrix beat sparse residual
    updates for a SparsePrepared X: n > p, p small enough, no cancellation in the
    centering X^T X - b b^T, and columns dense enough."""
    n, p = prep.shape
    return bool(n > p and p <= SPARSE_GRAM_MAX_FEATURES and prep.centering_is_safe()
                and SPARSE_GRAM_DENSITY * prep.mean_nnz() >= p)


def update_strategy(precompute, n_samples, n_features, n_alphas=1, *, n_fits=1,
                    single_alpha_fit=False, sparse=None):
    """How the kernel updates: 'user' (the given Gram matrix), 'full' (X^T X computed
    once), 'lazy' (Gram columns built inside the kernel as features enter a working
    set; dense X only) or 'residual' (residual updates on X; the single-task kernel
    still uses covariance updates on the block G[W, W] of each working set).

    ``precompute``: True, False, 'auto' or an array (already checked). 'auto':

    * sparse X (``sparse``: its SparsePrepared): 'full' when ``sparse_gram_pays``, or
      when ``n_fits`` > 1 independent targets share it with n > p; else 'residual';
    * dense X, n <= p: 'residual';
    * dense X, n > p: 'full' when ``n_fits`` > 1 targets share it or the path has
      ``FULL_GRAM_MIN_ALPHAS`` alphas or more; 'residual' for a
      ``single_alpha_fit`` (an estimator's one alpha from a cold start: the
      single-task kernel's G[W, W] blocks serve it best); 'lazy' otherwise.
    """
    if isinstance(precompute, (bool, np.bool_)):
        return "full" if precompute else "residual"
    if hasattr(precompute, "__array__") and not isinstance(precompute, str):
        return "user"
    shared = n_fits > 1 and n_samples > n_features
    if sparse is not None:
        return "full" if shared or sparse_gram_pays(sparse) else "residual"
    if n_samples <= n_features:
        return "residual"
    if shared:
        return "full"
    if single_alpha_fit:
        return "residual"
    return "full" if n_alphas >= FULL_GRAM_MIN_ALPHAS else "lazy"


def check_gram(G, X, dtype, G_ref=None):
    """A user-given Gram matrix checked against the prepared (centered, weighted)
    dense X, or against the Gram matrix G_ref of a prepared sparse X: its shape, its
    finiteness and one column (the one of the largest diagonal entry), enough to catch
    the Gram matrix of other data. Returns it C-contiguous in dtype."""
    n_features = X.shape[1] if G_ref is None else G_ref.shape[0]
    G = np.asarray(G)
    if G.shape != (n_features, n_features):
        raise ValueError(
            f"precompute: the Gram matrix has shape {G.shape}, expected "
            f"({n_features}, {n_features}) for X with {n_features} features."
        )
    if not np.all(np.isfinite(G)):
        raise ValueError("precompute: the Gram matrix contains NaN or infinity.")
    G = np.ascontiguousarray(G, dtype=dtype)
    check_gram_structure(G)
    j = int(np.argmax(np.diag(G))) if n_features else 0
    expected = X.T @ X[:, j] if G_ref is None else G_ref[:, j]
    scale = max(float(np.max(np.abs(expected))), np.finfo(dtype).tiny)
    n_samples = 1 if X is None else X.shape[0]
    error = float(np.max(np.abs(G[:, j] - expected)))
    if error > GRAM_RTOL[np.dtype(dtype)] * scale * max(1, n_samples) ** 0.5:
        raise ValueError(
            "The Gram matrix passed in via 'precompute' did not pass validation: its "
            f"column {j} differs from that of X.T @ X (after centering and "
            f"sample-weight scaling, if any) by {error / scale:.3g} relative. Pass "
            "precompute=True to compute it."
        )
    return G


def check_gram_structure(G):
    """What a Gram matrix X^T X must satisfy, checked in O(p^2): a diagonal >= 0,
    symmetry, and |G_ij| <= sqrt(G_ii G_jj) (Cauchy-Schwarz: its 2 x 2 principal
    minors are >= 0), up to rounding (GRAM_RTOL of sqrt(G_ii G_jj)). Positive
    semidefiniteness itself is checked on the solution's support after the solve
    (``check_gram_curvature``)."""
    p = G.shape[0]
    if p == 0:
        return
    diag = np.diag(G).astype(np.float64)
    if np.any(diag < 0):
        j = int(np.argmin(diag))
        raise ValueError(
            f"precompute: the Gram matrix has a negative diagonal entry (G[{j}, {j}] = "
            f"{diag[j]:.6g}); a Gram matrix X^T X has a diagonal >= 0 (the squared "
            "norms of the columns).")
    rtol = GRAM_RTOL[np.dtype(G.dtype)]
    root = np.sqrt(diag)
    # (blocks of rows: temporary arrays of at most ~2^22 entries)
    step = max(1, (1 << 22) // p)
    for start in range(0, p, step):
        rows = slice(start, min(start + step, p))
        Gr = G[rows].astype(np.float64)
        bound = root[rows, None] * root[None, :]
        slack = rtol * bound + np.finfo(np.float64).tiny
        asym = np.abs(Gr - G[:, rows].T)
        if np.any(asym > slack):
            i, j = np.unravel_index(int(np.argmax(asym - slack)), asym.shape)
            i += start
            raise ValueError(
                f"precompute: the Gram matrix is not symmetric (G[{i}, {j}] = "
                f"{G[i, j]:.6g}, G[{j}, {i}] = {G[j, i]:.6g}); pass X^T X, or "
                "precompute=True to have it computed.")
        over = np.abs(Gr) - bound * (1 + rtol)
        if np.any(over > np.finfo(np.float64).tiny):
            i, j = np.unravel_index(int(np.argmax(over)), over.shape)
            i += start
            raise ValueError(
                f"precompute: the Gram matrix is not positive semidefinite: |G[{i}, "
                f"{j}]| = {abs(G[i, j]):.6g} exceeds sqrt(G[{i}, {i}] G[{j}, {j}]) = "
                f"{bound[i - start, j]:.6g}; pass X^T X, or precompute=True to have "
                "it computed.")


def check_gram_curvature(G, coefs, l2s=None):
    """A user's Gram matrix on the support S of the solutions (coefs (p, k)): its
    block G[S, S] must be positive semidefinite (smallest eigenvalue above -|S| eps
    max(diag) times 1000), else the 'solution' is meaningless (an indefinite
    quadratic has no minimum). O(|S|^3), |S| the number of features ever nonzero;
    blocks over 2000 features are checked by the curvature w^T G w of each solution
    instead. Raises a ValueError naming precompute."""
    coefs = np.asarray(coefs)
    if not np.all(np.isfinite(coefs)):
        raise ValueError(
            "precompute: the solve diverged (non-finite coefficients): the Gram "
            "matrix is not positive semidefinite. Pass X^T X, or precompute=True.")
    support = np.flatnonzero(np.any(coefs != 0, axis=1))
    if support.size == 0:
        return
    eps = np.finfo(G.dtype).eps
    B = np.asarray(G[np.ix_(support, support)], dtype=np.float64)
    top = float(np.max(np.diag(B)))
    limit = -1000.0 * support.size * eps * max(top, np.finfo(np.float64).tiny)
    if support.size <= 2000:
        low = float(np.linalg.eigvalsh(B)[0])
        what = "smallest eigenvalue"
    else:
        W = np.asarray(coefs[support], dtype=np.float64)
        curv = np.einsum("jk,jk->k", W, B @ W) / np.maximum(
            np.einsum("jk,jk->k", W, W), np.finfo(np.float64).tiny)
        low = float(np.min(curv))
        what = "smallest curvature w^T G w / w^T w"
    if low < limit:
        raise ValueError(
            f"precompute: the Gram matrix is not positive semidefinite: on the "
            f"{support.size} features of the solution its {what} is {low:.6g} "
            f"(largest diagonal entry {top:.6g}). Pass X^T X, or precompute=True to "
            "have it computed.")


def gram_for(strategy, prep, precompute=None, fit_intercept=False):
    """The Gram matrix of prepared data (a ``Prepared`` or ``SparsePrepared``) that the
    strategy needs, or None ('residual', 'lazy'). A user-given matrix is checked; when
    the data were centered for an intercept it cannot be the centered data's, and is
    recomputed with scikit-learn's warning."""
    sparse = not hasattr(prep, "X")
    if strategy not in ("user", "full"):
        return None
    if strategy == "user" and fit_intercept and not np.allclose(prep.X_offset, 0):
        warnings.warn(
            "Gram matrix was provided but X was centered to fit intercept: "
            "recomputing Gram matrix.", UserWarning, stacklevel=3)
        strategy = "full"
    if sparse:
        G = prep.gram()
        if strategy == "user":
            return check_gram(precompute, None, prep.dtype, G_ref=G)
        return G
    if strategy == "user":
        return check_gram(precompute, prep.X, prep.X.dtype)
    return np.ascontiguousarray(gram_waiting(prep.X))


# ---------------------------------------------------------------------------------------
# The kernels
# ---------------------------------------------------------------------------------------

def solve_arrays(X, y, l1_ratio, alphas, *, gram=None, use_gram=False, Xy=None,
                     yy=None, n_samples=None, coef_init=None, tol=1e-4, max_iter=1000,
                     positive=False, selection="cyclic", seed=1, screening=True,
                     Xmean=None, norms=None, sparse=None, penalty=None, tol_yy=None,
                     n_threads=0, Xty=None, epoch=-1):
    """Solve the elastic net on preprocessed arrays along ``alphas`` (one target).

    X is Fortran (n, p) (or C in residual mode), or None when ``gram`` is given
    together with ``Xy``, ``yy`` (= y @ y) and ``n_samples``; y is 1-D (may be None
    with a Gram matrix). ``Xmean``/``norms``: implicit centering (see preprocess).
    ``sparse``: dict of the kernel's sparse arguments (X_data, X_indices, X_indptr,
    Q, B; X is then None); ``penalty``: a Penalty (factors, bounds; its ``positive``
    replaces ``positive``); ``tol_yy``: the ||y||^2 that ``tol`` is relative to, when
    it is not y @ y (unpenalized features projected out of y); ``n_threads``: OpenMP
    threads of the kernel's passes over X (0: OpenMP's default; 1 when the caller
    runs kernels on threads itself); ``Xty``: X^T y with X's columns as stored
    (residual updates; spares the kernel its first pass over X when w starts at 0);
    ``epoch``: the abort epoch of the caller's fit (``abort_epoch()`` when it
    started; -1: now): the kernel raises KeyboardInterrupt once it moves, or on the
    main thread when a signal handler raises (see ``interruptible``).
    Returns coefs (p, k), dual gaps (k,) on scikit-learn's scale, n_iter (k,), a
    converged mask (k,) and the absolute tolerance on scikit-learn's scale.
    """
    if sparse is not None:
        dtype = sparse["X_data"].dtype
        n_features = sparse["X_indptr"].shape[0] - 1
    else:
        dtype = (gram if X is None else X).dtype
        n_features = gram.shape[0] if X is None else X.shape[1]
    extra = {} if sparse is None else dict(sparse)
    if penalty is not None:
        positive = penalty.positive
        extra.update(penalty.kernel_kwargs(dtype))
    if n_samples is None:
        n_samples = y.shape[0]
    alphas = np.asarray(alphas, dtype=np.float64)
    l1s = np.ascontiguousarray(alphas * l1_ratio * n_samples)
    l2s = np.ascontiguousarray(alphas * (1.0 - l1_ratio) * n_samples)
    w = np.zeros(n_features, dtype=dtype) if coef_init is None else \
        np.array(coef_init, dtype=dtype, copy=True).ravel()
    if w.shape != (n_features,):
        raise ValueError(f"coef_init has shape {np.shape(coef_init)}, expected "
                         f"({n_features},).")
    if not np.all(np.isfinite(w)):
        raise ValueError("coef_init contains NaN or infinity.")
    if penalty is not None and penalty.lower is not None:
        w = penalty.clip(w)
    elif positive:
        w = np.maximum(w, 0)
    if gram is not None:
        norms = np.ascontiguousarray(np.diag(gram), dtype=dtype)
    elif norms is None:
        norms = column_sq_norms(X, dtype)   # (by blocks on a large X: _blocks)
    norms = np.ascontiguousarray(norms, dtype=dtype)
    if not np.all(np.isfinite(norms)):
        data = X if X is not None else (gram if gram is not None else
                                         (extra.get("X_data") if extra else None))
        if np.any(np.isnan(norms)) or (data is not None and
                                       not np.all(np.isfinite(data))):
            raise ValueError(
                "X contains NaN or infinity (not checked with check_input=False, or "
                "in a precomputed Gram matrix).")
        raise ValueError(
            "The squared norms of some columns of X overflow the floating-point type "
            "(finite values too large for their squares): rescale X.")
    if gram is not None or use_gram:
        if Xy is None:
            Xy = X.T @ y
        Xy = np.ascontiguousarray(Xy, dtype=dtype)
    else:
        Xy = None
    if yy is None:
        yy = sq_norm(y)
    if tol_yy is None:
        tol_yy = yy
    k = len(alphas)
    coefs = np.empty((n_features, k), dtype=dtype, order="F")
    gaps = np.empty(k, dtype=np.float64)
    n_iters = np.empty(k, dtype=np.int32)
    y_arg = np.ascontiguousarray(y, dtype=dtype) \
        if (X is not None or sparse is not None) else None
    trace = None
    if TRACE is not None:
        trace = np.zeros((k, len(TRACE_FIELDS)))
        TRACE.append(trace)
    with kernel_scope as others:
        _enet_path_kernel(
            w, l1s, l2s, X, y_arg, gram, Xy, norms, yy, working_tol(tol, dtype) * tol_yy,
            int(max_iter),
            bool(positive), bool(use_gram), bool(screening), selection == "random",
            int(seed), coefs, gaps, n_iters, True,
            None if Xmean is None else np.ascontiguousarray(Xmean, dtype=dtype),
            n_samples=int(n_samples), n_threads=kernel_threads(int(n_threads), others),
            g0=None if Xty is None or X is None or gram is not None or use_gram
            else np.ascontiguousarray(Xty, dtype=dtype), epoch=int(epoch), trace=trace,
            **extra,
        )
    # sklearn reports the gap of its objective, which is the kernel's divided by n
    # a computed gap below 0 is rounding (the exact gap is >= 0): reported as 0
    gaps = np.maximum(gaps / n_samples, 0.0)
    tol_abs = tol * tol_yy / n_samples
    return coefs, gaps, n_iters, gaps <= tol_abs, tol_abs


def ridge_solve(l2s, *, X=None, Y=None, gram=None, XY=None, yy=None, pf=None):
    """Exact solutions of the kernel's problem without an L1 term, for each l2 in l2s:
    argmin_W 1/2 ||Y - X W||^2 + l2/2 sum_j pf_j ||W_j||^2 (Y (n,) or (n, T)).

    With D = diag(pf), W = D^-1/2 V diag(s / (s^2 + l2)) U^T Y from one SVD
    U diag(s) V^T of X D^-1/2 (X given and small enough, see RIDGE_SVD_MAX_FLOPS), or
    from one eigendecomposition of D^-1/2 X^T X D^-1/2 (``gram`` and ``XY`` = X^T Y,
    ``yy`` = ||Y||^2). Directions of singular values below rounding get 0 (the
    minimum-norm answer at l2 = 0). Returns float64 coefs (p, [T,] k) and the duality
    gaps (k,) on the kernel's scale: ||R||^2 - <R, Y> + l2 sum_j pf_j ||W_j||^2.
    """
    l2s = np.asarray(l2s, dtype=np.float64)
    p = gram.shape[0] if X is None else X.shape[1]
    if X is not None and gram is None and \
            X.shape[0] * p * min(X.shape[0], p) > RIDGE_SVD_MAX_FLOPS:
        X64 = np.asarray(X, dtype=np.float64)
        Y64 = np.asarray(Y, dtype=np.float64)
        gram, XY, yy = X64.T @ X64, X64.T @ Y64, float(np.sum(Y64 * Y64))
    root = np.ones(p) if pf is None else np.sqrt(np.asarray(pf, dtype=np.float64))
    n = None if X is None else X.shape[0]
    if X is not None and (gram is None or n * p * min(n, p) <= RIDGE_SVD_MAX_FLOPS):
        X64 = np.asarray(X, dtype=np.float64)
        Y64 = np.asarray(Y, dtype=np.float64)
        U, s, Vt = np.linalg.svd(X64 / root, full_matrices=False)
        keep = s > (s[0] if s.size else 0) * max(n, p) * np.finfo(np.float64).eps
        U, s, Vt = U[:, keep], s[keep], Vt[keep]
        filt = s[:, None] / (s[:, None] ** 2 + l2s)         # (r, k)
        if Y64.ndim == 1:
            coefs = (Vt.T @ (filt * (U.T @ Y64)[:, None])) / root[:, None]
            R = Y64[:, None] - X64 @ coefs
            RR = np.einsum("ik,ik->k", R, R)
            RY = Y64 @ R
        else:
            coefs = np.einsum("jr,rk,rt->jtk", Vt.T, filt, U.T @ Y64) / root[:, None, None]
            R = Y64[:, :, None] - np.einsum("ij,jtk->itk", X64, coefs)
            RR = np.einsum("itk,itk->k", R, R)
            RY = np.einsum("it,itk->k", Y64, R)
    else:
        G = np.asarray(gram, dtype=np.float64) / np.outer(root, root)
        XY = np.asarray(XY, dtype=np.float64)
        XYs = XY / (root if XY.ndim == 1 else root[:, None])
        lam, Q = np.linalg.eigh(G)
        top = max(float(lam[-1]), 0.0) if lam.size else 0.0
        keep = lam > top * p * np.finfo(np.float64).eps
        lam, Q = lam[keep], Q[:, keep]
        inv = 1.0 / (lam[:, None] + l2s)                   # (r, k)
        if XY.ndim == 1:
            V = Q @ (inv * (Q.T @ XYs)[:, None])            # D^1/2 W, (p, k)
            a = XYs @ V
            q = np.einsum("jk,jk->k", V, G @ V)
            coefs = V / root[:, None]
        else:
            V = np.einsum("jr,rk,rt->jtk", Q, inv, Q.T @ XYs)
            a = np.einsum("jt,jtk->k", XYs, V)
            q = np.einsum("jtk,jtk->k", V, np.einsum("ij,jtk->itk", G, V))
            coefs = V / root[:, None, None]
        RR = yy - 2 * a + q                                 # ||Y - X W||^2
        RY = yy - a                                         # <Y - X W, Y>
    penalty = root ** 2 @ (coefs ** 2).reshape(p, -1, len(l2s)).sum(axis=1)
    return coefs, np.maximum(RR - RY + l2s * penalty, 0.0)


def working_tol(tol, dtype):
    """The relative duality gap the kernel is asked for, given the user's ``tol``:
    ``min(tol, max(tol * EXTRA_DIGITS, TIGHTEN_FLOOR))``; below TIGHTEN_FLOOR (a tol
    asked for), ``tol * max(EXTRA_DIGITS, tol / TIGHTEN_FLOOR)`` (the extra digits grow
    back from none at the floor to EXTRA_DIGITS three decades below it), but not below
    TIGHT_LIMIT (rounding) unless tol itself is. Every solution the kernel
    returns as converged also meets ``tol`` itself, which is what ``converged`` and the
    ConvergenceWarning refer to."""
    floor = TIGHTEN_FLOOR[np.dtype(dtype)]
    if tol >= floor:
        return min(tol, max(tol * EXTRA_DIGITS, floor))
    return max(tol * max(EXTRA_DIGITS, tol / floor),
               min(tol, TIGHT_LIMIT[np.dtype(dtype)]))


def unreachable(converged, n_iters, max_iter):
    """Whether every solution that did not converge stopped before max_iter: its gap
    had stalled at the level of rounding, above a tolerance the floating-point type cannot
    certify (the kernels' stall rule)."""
    missed = ~np.asarray(converged)
    return bool(np.any(missed) and np.all(np.asarray(n_iters)[missed] < int(max_iter)))


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _caller_level():
    """The ``stacklevel`` of a warning raised by the function calling this one that
    points at the first frame outside fastreg (the user's call), however deep inside
    fastreg the warning is raised."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level


def warn_not_converged(gap, tol_abs, l1_ratio, unreachable=False, dtype=None):
    """The one ConvergenceWarning of a fit or path. ``unreachable``: the tolerance
    was below what rounding lets the duality gap certify (more iterations would not
    help); the solution is the best the solver reached."""
    if unreachable:
        kind = "" if dtype is None else f" in {np.dtype(dtype).name}"
        message = (
            f"The tolerance was not reachable: a duality gap of {tol_abs:.3e} is below "
            f"what the rounding errors{kind} let the solver certify on this problem. "
            f"It stopped when the gap stopped decreasing, at {gap:.6e} (the best "
            "solution it could reach; more iterations would not help). Use a larger "
            "tol to silence this warning."
        )
        warnings.warn(message, ConvergenceWarning, stacklevel=_caller_level())
        return
    message = (
        "Objective did not converge. You might want to increase the number of "
        f"iterations (max_iter). Duality gap: {gap:.6e}, tolerance: {tol_abs:.3e}."
    )
    if l1_ratio == 0:
        message += (" With no L1 penalty, fastreg.Ridge-style direct solvers are "
                    "faster and exact.")
    warnings.warn(message, ConvergenceWarning, stacklevel=_caller_level())


def alpha_grid(a_max, n_alphas, eps):
    """scikit-learn's default grid: n_alphas values log-spaced from a_max to eps*a_max."""
    if a_max <= np.finfo(np.float64).resolution:
        return np.full(n_alphas, np.finfo(np.float64).resolution)
    return np.geomspace(a_max, a_max * eps, num=n_alphas)


def warn_if_alpha_max_zero(a_max, stacklevel=3):
    if a_max <= np.finfo(np.float64).resolution:
        warnings.warn(
            "alpha_max is 0 (y is constant or orthogonal to every column of X): "
            "every coefficient of the path is zero.", UserWarning, stacklevel=stacklevel)


def multitask_gram_fits(prep):
    """Whether a prepared sparse X goes to the multi-task kernel in Gram form (that
    kernel has no sparse column access): p small enough for a dense p x p matrix, no
    larger than a dense copy of X (n >= p), and no cancellation in its centering.
    Otherwise the front end densifies X (n x p, then the smaller of the two)."""
    n, p = prep.shape
    return n >= p and p <= SPARSE_GRAM_MAX_FEATURES and prep.centering_is_safe()


def multitask_arrays(prep, strategy, gram=None):
    """The data arguments of ``solve_multitask`` for prepared data: a ``Prepared``
    dense X (with the Gram matrix the strategy needs), or a ``SparsePrepared`` X in
    Gram form (X^T X, X^T Y, ||Y||^2 from the sparse products; see
    ``multitask_gram_fits``). ``gram``: a checked user Gram matrix, if any."""
    if hasattr(prep, "X"):
        if gram is None:
            gram = gram_for(strategy, prep)
        return dict(X=prep.X, Y=np.asfortranarray(prep.y), gram=gram,
                    use_gram=strategy != "residual")
    Y64 = prep.y.astype(np.float64)
    G = prep.gram() if gram is None else gram
    return dict(X=None, Y=None, gram=np.ascontiguousarray(G, dtype=prep.dtype),
                XtY=prep.Xty(prep.y).astype(prep.dtype),
                yy=float(np.einsum("it,it->", Y64, Y64)), n_samples=prep.shape[0])


def multitask_alpha_max(XtY, n_samples, l1_ratio):
    """Smallest alpha whose solution is all zeros: max_j ||(X^T Y)_j||_2 / (n l1_ratio),
    XtY of shape (n_features, n_targets)."""
    if XtY.size == 0:
        return 0.0
    top = float(np.sqrt(np.max(np.einsum("jt,jt->j", XtY, XtY))))
    return top / (n_samples * l1_ratio)


def solve_multitask(X, Y, l1_ratio, alphas, *, gram=None, use_gram=False, XtY=None,
                    yy=None, n_samples=None, coef_init=None, tol=1e-4, max_iter=1000,
                    selection="cyclic", seed=1, screening=True, strong_rule=True,
                    epoch=-1):
    """Solve the multi-task elastic net on ready arrays along ``alphas``.

    X (n, p) Fortran and Y (n, T) Fortran of the same floating dtype. Covariance
    updates with ``gram`` (X^T X, (p, p)) or, with ``use_gram``, on Gram columns the
    kernel computes when features enter a working set; ``XtY`` = X^T Y (p, T)
    (computed if None). Residual updates on X otherwise. From sufficient statistics
    alone: X = Y = None with ``gram``, ``XtY``, ``yy`` (= ||Y||_F^2) and
    ``n_samples``. ``coef_init``: (T, p). Returns coefs (T, p, k), dual gaps (k,) on scikit-learn's
    scale, n_iter (k,), a converged mask (k,) and the absolute tolerance on
    scikit-learn's scale.
    """
    if X is None:
        dtype = gram.dtype
        n_features, n_targets = XtY.shape
    else:
        dtype = X.dtype
        n_samples, n_features = X.shape
        n_targets = Y.shape[1]
    alphas = np.asarray(alphas, dtype=np.float64)
    l1s = np.ascontiguousarray(alphas * l1_ratio * n_samples)
    l2s = np.ascontiguousarray(alphas * (1.0 - l1_ratio) * n_samples)
    if coef_init is None:
        W = np.zeros((n_targets, n_features), dtype=dtype, order="F")
    else:
        W = np.array(coef_init, dtype=dtype, order="F", copy=True)
        if W.shape != (n_targets, n_features):
            raise ValueError(f"coef_init has shape {np.shape(coef_init)}, expected "
                             f"({n_targets}, {n_features}) = (n_targets, n_features).")
        if not np.all(np.isfinite(W)):
            raise ValueError("coef_init contains NaN or infinity.")
    if yy is None:
        Y64 = Y.astype(np.float64, copy=False)
        yy = float(np.einsum("it,it->", Y64, Y64))
    k = len(alphas)
    if l1_ratio == 0 or not np.any(l1s):
        # no group penalty (l1_ratio 0 or every alpha 0): a ridge on every target (least
        # squares at 0), solved exactly
        ridge, gaps = ridge_solve(l2s, X=X, Y=Y, gram=gram, XY=XtY, yy=yy)
        coefs = np.asfortranarray(ridge.transpose(1, 0, 2), dtype=dtype)
        n_iters = np.ones(k, dtype=np.int32)
    else:
        coefs, gaps, n_iters = _multitask_solve(
            W, l1s, l2s, X, Y, gram, use_gram, XtY, yy, tol, dtype, max_iter, screening,
            selection, seed, strong_rule, epoch)
        # an alpha whose solve stopped early (the stall rule) above tol itself while
        # aiming beyond it (working_tol < tol): solved once more from where it
        # stopped, aiming at tol (seen with random selection at tol=1e-10, where the
        # kernel aims at 1e-12: stopped at 2.6x tol, then converged in 245 sweeps)
        retry = np.flatnonzero((gaps > tol * yy) & (n_iters < max_iter))
        if len(retry) and working_tol(tol, dtype) < tol:
            for j in retry:
                W = np.array(coefs[:, :, j], order="F")
                c, g, it = _multitask_solve(
                    W, l1s[j:j + 1], l2s[j:j + 1], X, Y, gram, use_gram, XtY, yy, tol,
                    dtype, max_iter - int(n_iters[j]), screening, selection, seed,
                    strong_rule, epoch, aim=tol)
                coefs[:, :, j], gaps[j] = c[:, :, 0], g[0]
                n_iters[j] += it[0]
    # scikit-learn reports the gap of its objective, which is the kernel's divided by n
    gaps = np.maximum(gaps / n_samples, 0.0)      # (rounding below 0 reported as 0)
    tol_abs = tol * yy / n_samples
    return coefs, gaps, n_iters, gaps <= tol_abs, tol_abs


def _multitask_solve(W, l1s, l2s, X, Y, gram, use_gram, XtY, yy, tol, dtype, max_iter,
                     screening, selection, seed, strong_rule, epoch, aim=None):
    """The multi-task kernel's call: (coefs (T, p, k), gaps on its scale, sweeps).
    The kernel aims at ``working_tol(tol)`` (``aim`` instead when given)."""
    n_targets, n_features = W.shape
    k = len(l1s)
    coefs = np.empty((n_targets, n_features, k), dtype=dtype, order="F")
    gaps = np.empty(k, dtype=np.float64)
    n_iters = np.empty(k, dtype=np.int32)
    use_gram = use_gram or gram is not None
    if gram is not None:
        gram = np.ascontiguousarray(gram, dtype=dtype)
        norms = np.ascontiguousarray(np.diag(gram), dtype=dtype)
    else:
        norms = column_sq_norms(X, dtype)   # (by blocks on a large X: _blocks)
    if use_gram:
        if XtY is None:
            XtY = X.T @ Y
        B = np.asfortranarray(XtY, dtype=dtype)
        Y_arg = None
    else:
        B = None
        Y_arg = np.asfortranarray(Y)
    X_arg = None if gram is not None else np.asfortranarray(X)
    with kernel_scope:
        # (W: (T, p) start, updated in place; coefs (T, p, k) out)
        _multitask_kernel(
            W, l1s, l2s, X_arg, Y_arg, gram, B, norms, yy,
            (working_tol(tol, dtype) if aim is None else aim) * yy,
            int(max_iter),
            use_gram, bool(screening), selection == "random", int(seed), coefs, gaps,
            n_iters, bool(strong_rule), int(epoch),
        )
    return coefs, gaps, n_iters


# a target whose largest entry times sqrt(n_samples) exceeds this is solved divided by
# a power of two (see Problem): ||y||^2, the gaps and the residual products of the
# kernel then stay far from float64's overflow (~1.8e308)
_Y_SCALE_FROM = 2.0 ** 400


def target_scale(y=None, Xy=None, yy=None):
    """The power of two t by which a target is divided before the kernel sees it (1:
    none): chosen from max |y| (or, without y, from max |X^T y| and ||y||^2) so that
    the scaled problem's squares cannot overflow."""
    if y is not None:
        y = np.asarray(y)
        big = float(np.max(np.abs(y))) * np.sqrt(max(y.shape[0], 1)) if y.size else 0.0
    else:
        big = float(np.max(np.abs(Xy))) if Xy is not None and np.size(Xy) else 0.0
        if yy is not None and np.isfinite(yy):
            big = max(big, np.sqrt(max(float(yy), 0.0)))
    if not np.isfinite(big):
        return 1.0           # (infinite input: reported by the caller's checks)
    if big <= _Y_SCALE_FROM:
        return 1.0
    return float(np.ldexp(1.0, int(np.ceil(np.log2(big)))))


class Problem:
    """A single-target problem in the kernel's terms. Build it with ``dense``,
    ``sparse`` or ``gram``; then ``alpha_max`` and ``solve``."""

    kind = None

    def __init__(self, n_samples, n_features, penalty, tol_yy):
        self.n_samples = n_samples
        self.n_features = n_features
        self.penalty = penalty
        self.tol_yy = tol_yy
        self.unpen = None
        self.kw = {}
        self.Xy = None
        # the target (and X^T y, ||y||^2) are held divided by y_scale (see solve)
        self.y_scale = 1.0
        # a Gram matrix from the user (precompute=array): checked after each solve
        # on the solution's support (check_gram_curvature)
        self.user_gram = False
        # excluded features (glmnet's exclude) are dropped: the problem holds the
        # columns ``keep`` of ``n_full``, and solve puts zeros back in the others
        self.keep = None
        self.n_full = n_features

    @staticmethod
    def _drop_excluded(penalty):
        """(penalty of the kept features, their indices, n_features), or (penalty,
        None, n_features) when no feature is excluded."""
        if not penalty.excluded.size:
            return penalty, None, penalty.n_features
        keep = penalty.kept()
        return penalty.subset(keep), keep, penalty.n_features

    def _kept(self, keep, n_full):
        self.keep, self.n_full = keep, n_full
        return self

    def _scale_target(self, t):
        """Record the target's scale t (a power of two, > 1): this problem then holds
        y / t; bounds other than 0 would need scaling too (not supported)."""
        if t != 1.0 and self.penalty.lower is not None:
            raise ValueError(
                "y is too large (its squares overflow float64) to be solved with "
                "lower_bounds / upper_bounds other than 0: rescale y and the bounds.")
        self.y_scale = t

    # -- constructors ---------------------------------------------------------------
    @classmethod
    def dense(cls, X, y, penalty, Xmean=None, norms=None, use_gram=False, gram=None,
              Xty=None):
        """Residual updates on a prepared dense X (or covariance updates on its Gram
        matrix / lazily built Gram columns). ``Xty``: X^T y with X's columns as given
        (before the ``Xmean`` correction), if already computed."""
        penalty, keep, n_full = cls._drop_excluded(penalty)
        if keep is not None:
            X = take_columns(X, keep)
            Xmean = None if Xmean is None else Xmean[keep]
            norms = None if norms is None else np.asarray(norms)[keep]
            gram = None if gram is None else \
                np.ascontiguousarray(np.asarray(gram)[np.ix_(keep, keep)])
            Xty = None if Xty is None else np.asarray(Xty)[keep]
        y = np.ascontiguousarray(y)
        t = target_scale(y)
        if t != 1.0:
            y = (y / t).astype(y.dtype)
            Xty = None if Xty is None else Xty / t
        tol_yy = sq_norm(y)
        self = cls(X.shape[0], X.shape[1], penalty, tol_yy)._kept(keep, n_full)
        self._scale_target(t)
        U = penalty.unpenalized
        if U.size:
            if Xmean is not None:
                X = np.asfortranarray(X - Xmean)
                Xmean = norms = None
            XU = X[:, U].astype(np.float64)
            un = Unpenalized(U, X.T.astype(np.float64) @ XU, XU.T @ y)
            if gram is not None:
                G, Xy, yy = un.project_gram(gram, X.T @ y, tol_yy)
                return cls._from_gram(self, G, Xy, yy, X.dtype, un)
            X, y = un.project_dense(X, y)
            self.unpen = un
            norms = None
            Xty = None
            if use_gram:
                gram = None
        self.kind = "dense"
        self.kw = dict(X=X, y=y, Xmean=Xmean, norms=norms, gram=gram,
                       use_gram=use_gram or gram is not None)
        if Xty is not None and gram is None and not use_gram:
            self.kw["Xty"] = Xty
        self.X, self.y = X, y
        return self

    @classmethod
    def gram(cls, G, Xy, yy, n_samples, penalty, dtype, y=None):
        """Covariance updates on G = X~^T X~ with X~^T y~ and ||y~||^2 (``y``: y~
        itself, if known: ||y~||^2 is recomputed from it when it overflowed)."""
        penalty, keep, n_full = cls._drop_excluded(penalty)
        if keep is not None:
            G = np.ascontiguousarray(np.asarray(G)[np.ix_(keep, keep)])
            Xy = np.asarray(Xy)[keep]
        t = target_scale(y, Xy, yy)
        if t != 1.0:
            Xy = np.asarray(Xy) / t
            yy = sq_norm(np.asarray(y) / t) if y is not None else float(yy) / t / t
        if not np.isfinite(yy):
            raise ValueError(
                "||y||^2 overflows float64 (y is too large, or not finite): rescale y.")
        self = cls(n_samples, G.shape[0], penalty, float(yy))._kept(keep, n_full)
        self._scale_target(t)
        U = penalty.unpenalized
        un = None
        if U.size:
            un = Unpenalized(U, np.asarray(G, dtype=np.float64)[:, U],
                             np.asarray(Xy, dtype=np.float64)[U])
            G, Xy, yy = un.project_gram(G, Xy, yy)
        return cls._from_gram(self, G, Xy, yy, dtype, un)

    @staticmethod
    def _from_gram(self, G, Xy, yy, dtype, un):
        self.kind = "gram"
        self.unpen = un
        G = np.ascontiguousarray(G, dtype=dtype)
        Xy = np.ascontiguousarray(Xy, dtype=dtype)
        self.kw = dict(X=None, y=None, gram=G, Xy=Xy, yy=float(yy),
                       n_samples=self.n_samples, use_gram=True)
        self.Xy = Xy
        return self

    @classmethod
    def sparse(cls, prep, y, penalty, gram=False):
        """A SparsePrepared X with one target y (prepared: centered, weighted);
        with ``gram``, covariance updates on its dense Gram matrix."""
        penalty, keep, n_full = cls._drop_excluded(penalty)
        if keep is not None:
            self = cls.sparse(prep.subset(keep), y, penalty, gram)
            return self._kept(keep, n_full)
        n, p = prep.shape
        y = np.ascontiguousarray(y, dtype=prep.dtype)
        t = target_scale(y)
        if t != 1.0:
            y = (y / t).astype(y.dtype)
        yy = sq_norm(y)
        if gram:
            self = cls.gram(prep.gram(), prep.Xty(y), yy, n, penalty, prep.dtype)
            self._scale_target(t)
            return self
        self = cls(n, p, penalty, yy)
        self._scale_target(t)
        self.kind = "sparse"
        U = penalty.unpenalized
        Q = None if prep.q is None else prep.q[:, None]
        B = None if prep.b is None else prep.b[None, :]
        norms = prep.norms
        if U.size:
            XU = prep.columns(U)
            un = Unpenalized(U, prep.matrix().T.astype(np.float64) @ XU -
                             (0 if prep.b is None else np.outer(prep.b, prep.q @ XU)),
                             XU.T @ y)
            self.unpen = un
            # orthonormal basis of span(X~_U) (orthogonal to q: X~_U is centered)
            Uq, sv, _ = np.linalg.svd(XU, full_matrices=False)
            keep = sv > np.finfo(np.float64).eps * max(XU.shape) * (sv[0] if sv.size else 0)
            QU = Uq[:, keep]
            Q = QU if Q is None else np.hstack([Q, QU])
            if Q.shape[1] == 0:
                Q = None                      # (unpenalized columns all zero)
                B = None
            else:
                B = np.asarray(prep.matrix().T.astype(np.float64) @ Q).T
            y = (y - (QU @ (QU.T @ y.astype(np.float64))).astype(y.dtype)).astype(y.dtype)
            # norms of x_j - Q B_j, without cancellation on the nonzeros
            QB = np.zeros(prep.data.shape[0]) if Q is None else \
                np.einsum("kr,rk->k", Q[prep.indices], B[:, prep.cols])
            B0 = np.zeros((0, p)) if B is None else B
            d64 = prep.data.astype(np.float64)
            rest = np.sum(B0 ** 2, axis=0) - np.bincount(prep.cols, weights=QB ** 2,
                                                         minlength=p)
            norms = np.bincount(prep.cols, weights=(d64 - QB) ** 2, minlength=p) + \
                np.maximum(rest, 0)
            norms[U] = 0
            # a column inside span(X_U) projects to rounding noise: relative to its
            # own size (not to the largest column: features may differ in scale)
            own = np.bincount(prep.cols, weights=d64 ** 2, minlength=p) + \
                np.sum(B0 ** 2, axis=0)
            norms[norms <= (64 * np.finfo(np.float64).eps) ** 2 * own] = 0
        dt = prep.dtype
        self.kw = dict(
            X=None, y=y, norms=np.ascontiguousarray(norms, dtype=dt),
            sparse=dict(X_data=prep.data, X_indices=prep.indices, X_indptr=prep.indptr,
                        Q=None if Q is None else np.asfortranarray(Q, dtype=dt),
                        B=None if B is None else np.asfortranarray(B, dtype=dt)))
        self.prep, self.y = prep, y
        return self

    # -- queries ----------------------------------------------------------------------
    def Xty(self):
        """X~^T y~ of the (projected) problem, float64."""
        if self.Xy is not None:
            return np.asarray(self.Xy, dtype=np.float64)
        if self.kind == "sparse":
            B = self.kw["sparse"]["B"]
            Q = self.kw["sparse"]["Q"]
            out = self.prep.matrix().T.astype(np.float64) @ self.y.astype(np.float64)
            if Q is not None:
                out = out - B.T.astype(np.float64) @ (Q.T.astype(np.float64) @ self.y)
            return np.asarray(out)
        X, y = self.kw["X"], self.kw["y"]
        # (through SciPy's BLAS, as the kernel: see _linalg; no copy of a float64 X)
        out = matmul(X.astype(np.float64, copy=False), y.astype(np.float64),
                     trans_a=True)
        if self.kw.get("Xmean") is not None:
            out = out - self.kw["Xmean"] * float(np.sum(y, dtype=np.float64))
        return out

    def gradient_at(self, w):
        """X~^T (y~ - X~ w) of the (projected) problem, float64."""
        if not np.any(w):
            return self.Xty()
        w = np.asarray(w, dtype=np.float64)
        if self.kind == "gram":
            return self.Xty() - np.asarray(self.kw["gram"], dtype=np.float64) @ w
        if self.kind == "sparse":
            Xs = self.prep.matrix().astype(np.float64)
            Q, B = self.kw["sparse"]["Q"], self.kw["sparse"]["B"]
            r = self.y.astype(np.float64) - Xs @ w
            if Q is not None:
                Q, B = Q.astype(np.float64), B.astype(np.float64)
                r = r + Q @ (B @ w)
                return np.asarray(Xs.T @ r - B.T @ (Q.T @ r))
            return np.asarray(Xs.T @ r)
        X = self.kw["X"].astype(np.float64, copy=False)
        Xmean = self.kw.get("Xmean")
        r = self.kw["y"].astype(np.float64) - matmul(X, w)
        if Xmean is not None:
            r = r + float(Xmean @ w)
            return matmul(X, r, trans_a=True) - Xmean * float(np.sum(r))
        return matmul(X, r, trans_a=True)

    def alpha_max(self, l1_ratio):
        """Smallest alpha whose solution is, on the penalized features, the box point
        closest to 0 (w = 0 without bounds)."""
        w0 = self.penalty.start()
        if self.unpen is not None:
            w0[self.unpen.U] = 0
        # (the L1 threshold scales with the target: y_scale times the scaled one)
        return self.y_scale * self.penalty.alpha_max(self.gradient_at(w0),
                                                     self.n_samples, l1_ratio)

    def solve(self, l1_ratio, alphas, **kw):
        """solve_arrays on this problem: coefs (p, k), gaps, n_iters, converged,
        tol_abs. Unpenalized coefficients are filled in; excluded ones are 0."""
        if self.keep is None:
            return self._solve_kept(l1_ratio, alphas, **kw)
        init = kw.get("coef_init")
        if init is not None and np.size(init) == self.n_full:
            kw["coef_init"] = np.asarray(init).ravel()[self.keep]
        coefs, gaps, its, conv, tol_abs = self._solve_kept(l1_ratio, alphas, **kw)
        full = np.zeros((self.n_full, coefs.shape[1]), dtype=coefs.dtype, order="F")
        full[self.keep] = coefs
        return full, gaps, its, conv, tol_abs

    def _solve_kept(self, l1_ratio, alphas, **kw):
        """``solve`` on the kept features.

        A target held divided by t = ``y_scale``: the elastic net of (X, y, alpha,
        rho) is t times that of (X, y / t, alpha', rho') with alpha' rho' = alpha rho
        / t and alpha' (1 - rho') = alpha (1 - rho) (the L1 term scales with the
        target, the L2 term does not): rho' = rho / (rho + t (1 - rho)), alpha' =
        alpha (rho / t + 1 - rho). Gaps and tolerances scale by t^2."""
        t = self.y_scale
        if t == 1.0:
            return self._solve(l1_ratio, alphas, **kw)
        rho = float(l1_ratio)
        alphas = np.asarray(alphas, dtype=np.float64) * (rho / t + (1.0 - rho))
        rho_s = rho / (rho + t * (1.0 - rho)) if rho > 0 else 0.0
        if kw.get("coef_init") is not None:
            kw["coef_init"] = np.asarray(kw["coef_init"], dtype=np.float64) / t
        coefs, gaps, its, conv, tol_abs = self._solve(rho_s, alphas, **kw)
        with np.errstate(over="ignore"):
            coefs = (coefs * t).astype(coefs.dtype)
            return coefs, gaps * t * t, its, conv, tol_abs * t * t

    def _solve(self, l1_ratio, alphas, **kw):
        """``solve`` on the problem as held (the target divided by y_scale). Without
        an L1 term and without bounds (l1_ratio=0, or every alpha 0: a ridge, or least
        squares), the problem is solved exactly by
        ``ridge_solve`` instead (n_iter 1); sparse X through its Gram matrix, when it
        is small and no feature is unpenalized."""
        no_l1 = l1_ratio == 0 or not np.any(np.asarray(alphas, dtype=np.float64))
        if no_l1 and self.penalty.lower is None and not self.penalty.positive \
                and (self.kind in ("dense", "gram") or (
                    self.kind == "sparse" and self.unpen is None and
                    self.n_features <= SPARSE_GRAM_MAX_FEATURES)):
            return self._solve_ridge(np.asarray(alphas, dtype=np.float64) * (1 - l1_ratio),
                                     kw.get("tol", 1e-4))
        coef_init = kw.pop("coef_init", None)
        if coef_init is not None and self.unpen is not None:
            coef_init = np.array(coef_init, copy=True).ravel()
            coef_init[self.unpen.U] = 0
        args = dict(self.kw)
        X, y = args.pop("X"), args.pop("y")
        coefs, gaps, its, conv, tol_abs = solve_arrays(
            X, y, l1_ratio, alphas, coef_init=coef_init, penalty=self.penalty,
            tol_yy=self.tol_yy, **args, **kw)
        if self.user_gram and args.get("gram") is not None:
            check_gram_curvature(args["gram"], coefs)
        if self.unpen is not None:
            self.unpen.recover(coefs)
        return coefs, gaps, its, conv, tol_abs

    def _solve_ridge(self, alphas, tol):
        """The exact ridge solution for each L2 weight in ``alphas`` (alpha times
        (1 - l1_ratio); no L1 term, no bounds); at 0 the minimum-norm least squares."""
        l2s = np.asarray(alphas, dtype=np.float64) * self.n_samples
        kw = self.kw
        if self.user_gram and kw.get("gram") is not None:
            check_gram_curvature(kw["gram"], np.ones((self.n_features, 1)))
        if self.kind == "gram":
            coefs, gaps = ridge_solve(l2s, gram=kw["gram"], XY=kw["Xy"], yy=kw["yy"],
                                      pf=self.penalty.pf)
            dtype = kw["gram"].dtype
        elif self.kind == "sparse":
            # (the Gram form of the sparse X, centered implicitly: no densified copy)
            coefs, gaps = ridge_solve(l2s, gram=self.prep.gram(),
                                      XY=self.prep.Xty(self.y), yy=self.tol_yy,
                                      pf=self.penalty.pf)
            dtype = self.prep.dtype
        else:
            X = kw["X"] if kw.get("Xmean") is None else kw["X"] - kw["Xmean"]
            coefs, gaps = ridge_solve(l2s, X=X, Y=kw["y"], pf=self.penalty.pf)
            dtype = kw["X"].dtype
        coefs = np.asfortranarray(coefs, dtype=dtype)
        if self.unpen is not None:
            self.unpen.recover(coefs)
        gaps = gaps / self.n_samples
        tol_abs = tol * self.tol_yy / self.n_samples
        return (coefs, gaps, np.ones(len(l2s), dtype=np.int32), gaps <= tol_abs,
                tol_abs)
