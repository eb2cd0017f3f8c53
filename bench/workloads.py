"""The benchmark workloads: data, alpha grids, objectives, reference optima, physical limits.

A workload is one problem instance (data, penalty, alpha grid, tolerance) that every solver
is asked to solve. It is described by a light `Spec` (collected by pytest) and materialised
lazily by `get(spec_id)` the first time a test needs it, so collecting the suite costs nothing.

Objective (scikit-learn's, for every Lasso / ElasticNet workload)::

    f(w) = 1/(2n) ||y_c - X_c w||^2 + alpha * l1_ratio * ||w||_1
           + 0.5 * alpha * (1 - l1_ratio) * ||w||^2

where X_c, y_c are centered when the workload fits an intercept (the optimal intercept for a
given w is then mean(y) - mean(X) @ w). Multi-task workloads (families mtpath, mtfit, mtcv:
Y of T columns, W of shape (T, p) as scikit-learn's coef_) use scikit-learn's
MultiTaskElasticNet objective, the same with ||Y_c - X_c W^T||_F^2, the group penalty
sum_j ||W[:, j]||_2 for ||w||_1 and ||W||_F^2 for ||w||^2. Ridge workloads use
scikit-learn's Ridge objective ||y_c - X_c w||^2 + alpha ||w||^2. Accuracy is the relative
suboptimality (f(w) - f_best) / f(0), maximised over the alphas of the workload, where
f_best is the best objective known for that workload: a tight reference solve cached on
disk, lowered whenever any solver in any run does better.
"""
import functools
import hashlib
import importlib.util
import os
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE_DIR = os.path.join(HERE, ".cache")

# Stopping tolerance of the solvers (scikit-learn's meaning: duality gap of n * objective
# <= tol * ||y_c||^2) and the accuracy a fastreg result must reach, per dtype. float32
# cannot certify a 1e-8 gap, so its workloads use a looser tolerance and threshold.
TOL = {np.float64: 1e-8, np.float32: 1e-6}
ACCURACY = {np.float64: 1e-8, np.float32: 1e-5}

N_ALPHAS = 100
CV_FOLDS = 5


# ----------------------------------------------------------------------------- data


def data_dir():
    """Folder of the shared real datasets: $FASTREG_DATA, else ../shared/data from the repo."""
    default = os.path.join(HERE, os.pardir, os.pardir, "shared", "data")
    return os.path.abspath(os.environ.get("FASTREG_DATA", default))


@functools.cache
def _loader():
    path = os.path.join(data_dir(), "load.py")
    if not os.path.exists(path):
        return None
    spec = importlib.util.spec_from_file_location("_fastreg_shared_data", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class DataMissing(Exception):
    """A real dataset is not available: the workload is skipped with this reason."""


@functools.cache
def real(name):
    loader = _loader()
    if loader is None:
        raise DataMissing(f"no shared data at {data_dir()} (set FASTREG_DATA)")
    try:
        X, y = loader.load(name)
    except OSError as exc:
        raise DataMissing(
            f"dataset {name!r} not loadable from {data_dir()}: {exc}") from exc
    return X, np.asarray(y, dtype=np.float64)


@functools.cache
def synthetic(n, p, rho=0.6, density=0.1, snr=3.0, seed=0):
    """Gaussian design whose columns follow an AR(1) correlation rho^|i-j|; sparse truth.

    y = X w* + noise, with a fraction `density` of random signed nonzeros in w* and the
    noise scaled to the requested signal-to-noise ratio.
    """
    rng = np.random.default_rng(seed)
    X = np.empty((n, p), order="F")
    X[:, 0] = rng.standard_normal(n)
    scale = np.sqrt(1.0 - rho ** 2)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + scale * rng.standard_normal(n)
    w = np.zeros(p)
    support = rng.choice(p, max(1, int(density * p)), replace=False)
    w[support] = rng.choice([-1.0, 1.0], support.size) * rng.uniform(0.5, 2.0, support.size)
    signal = X @ w
    noise = rng.standard_normal(n)
    y = signal + noise * (np.std(signal) / (snr * np.std(noise)))
    return X, y


def synthetic_multitask(n, p, n_tasks, rho=0.6, density=0.1, snr=3.0, seed=0):
    """The AR(1) design of `synthetic` with Y = X W* + noise of n_tasks columns; W* has a
    fraction `density` of nonzero rows (features shared by every task), each task its
    own coefficients on them."""
    X, _ = synthetic(n, p, rho, density, snr, seed)
    rng = np.random.default_rng(seed + 1)
    W = np.zeros((p, n_tasks))
    support = rng.choice(p, max(1, int(density * p)), replace=False)
    W[support] = rng.choice([-1.0, 1.0], (support.size, n_tasks)) * \
        rng.uniform(0.5, 2.0, (support.size, n_tasks))
    signal = X @ W
    noise = rng.standard_normal(signal.shape)
    Y = signal + noise * (np.std(signal) / (snr * np.std(noise)))
    return X, Y


def dataset(source):
    """`source` is ("real", name, n_cols or None), ("synthetic", n, p) or
    ("synthetic_mt", n, p, n_tasks)."""
    if source[0] == "synthetic_mt":
        return synthetic_multitask(*source[1:])
    if source[0] == "real":
        X, y = real(source[1])
        if source[2] is not None:
            X = X[:, : source[2]]
        return X, y
    return synthetic(source[1], source[2])


def describe(source):
    if source[0] == "real":
        return source[1] if source[2] is None else f"{source[1]}[:, :{source[2]}]"
    if source[0] == "synthetic_mt":
        return f"synthetic {source[1]}x{source[2]}, {source[3]} tasks"
    return f"synthetic {source[1]}x{source[2]}"


# ----------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class Spec:
    """What a workload is, without its data. `id` is unique and used in test ids."""

    id: str
    family: str  # "path", "fit", "cv", "ridge", "ridgecv"; multi-task "mtpath", "mtfit", "mtcv"
    source: tuple
    dtype: type = np.float64
    l1_ratio: object = 1.0  # float, or a tuple for ElasticNetCV
    eps: float = 1e-3  # path length: alpha_min = eps * alpha_max
    alpha_divisor: float = 10.0  # single fits: alpha = alpha_max / alpha_divisor
    fit_intercept: bool = True
    n_jobs: int = 1
    # reference optimum: "sklearn" (tol 1e-12), or "fastreg" (tol 1e-14) where
    # scikit-learn would take hours (it needs minutes already at tol 1e-8)
    reference: str = "sklearn"


def _tag(dtype):
    return "f32" if dtype is np.float32 else "f64"


def _specs_full():
    specs = []
    # (1) Lasso paths, 100 alphas. Dense paths run on centered data without intercept.
    for name, src, eps in [
        ("leukemia", ("real", "leukemia", None), 1e-2),
        ("riboflavin", ("real", "riboflavin", None), 1e-3),
        ("tall20000x1000", ("synthetic", 20000, 1000), 1e-3),
        ("ames", ("real", "ames", None), 1e-3),
        # the hard end of a path: p > n down to alpha_max / 1000
        ("wide500x5000", ("synthetic", 500, 5000), 1e-3),
    ]:
        for dtype in (np.float64, np.float32):
            if dtype is np.float32 and name in ("riboflavin", "ames", "wide500x5000"):
                continue
            specs.append(Spec(f"path-{name}-{_tag(dtype)}", "path", src, dtype, eps=eps,
                              fit_intercept=False,
                              reference="fastreg" if name == "wide500x5000"
                              else "sklearn"))
    # (4) sparse Lasso paths (no intercept: centering would densify X).
    for name in ("we8there", "hockey"):
        specs.append(Spec(f"path-{name}-sparse", "path", ("real", name, None), eps=1e-3,
                          fit_intercept=False))
    # (2) single fits, Lasso and ElasticNet(0.5), alpha_max/10 and /100, with intercept.
    for name, src in [
        ("leukemia", ("real", "leukemia", None)),
        ("riboflavin", ("real", "riboflavin", None)),
        ("tall20000x500", ("synthetic", 20000, 500)),
    ]:
        for l1_ratio, model in ((1.0, "lasso"), (0.5, "enet")):
            for div in (10.0, 100.0):
                for dtype in (np.float64, np.float32):
                    specs.append(Spec(f"fit-{model}-{name}-a{int(div)}-{_tag(dtype)}", "fit",
                                      src, dtype, l1_ratio=l1_ratio, alpha_divisor=div))
    # (3) cross-validation, 100 alphas, 5 folds, n_jobs 1 and 2.
    for name, src in [
        ("leukemia", ("real", "leukemia", None)),
        ("riboflavin", ("real", "riboflavin", None)),
        ("tall20000x500", ("synthetic", 20000, 500)),
    ]:
        for l1_ratio, model in ((1.0, "lassocv"), ((0.1, 0.5, 0.9), "enetcv")):
            for n_jobs in (1, 2):
                specs.append(Spec(f"cv-{model}-{name}-j{n_jobs}-f64", "cv", src,
                                  l1_ratio=l1_ratio, n_jobs=n_jobs))
        specs.append(Spec(f"cv-lassocv-{name}-j1-f32", "cv", src, np.float32))
    # (5) Ridge at one alpha, RidgeCV over 100 alphas.
    for name, src in [
        ("tall20000x500", ("synthetic", 20000, 500)),
        ("tall20000x1000", ("synthetic", 20000, 1000)),
        ("ames", ("real", "ames", None)),
        ("riboflavin", ("real", "riboflavin", None)),
    ]:
        specs.append(Spec(f"ridge-{name}-f64", "ridge", src, l1_ratio=0.0))
        specs.append(Spec(f"ridgecv-{name}-f64", "ridgecv", src, l1_ratio=0.0))
    # (7) multi-task (MultiTaskLasso), 4 tasks: the path (100 alphas, centered, no
    # intercept), a fit at alpha_max/10 and MultiTaskLassoCV (5 folds, 100 alphas), on a
    # wide and a tall design (the wide one's reference from fastreg: scikit-learn's
    # multi-task solver at tol 1e-12 took over 14 minutes on its path)
    for name, src in [
        ("wide300x3000", ("synthetic_mt", 300, 3000, 4)),
        ("tall10000x300", ("synthetic_mt", 10000, 300, 4)),
    ]:
        ref = "fastreg" if name.startswith("wide") else "sklearn"
        specs.append(Spec(f"mtpath-{name}-f64", "mtpath", src, eps=1e-2, fit_intercept=False,
                          reference=ref))
        specs.append(Spec(f"mtfit-{name}-a10-f64", "mtfit", src, reference=ref))
        specs.append(Spec(f"mtcv-{name}-j1-f64", "mtcv", src, reference=ref))
    return specs


def _specs_quick():
    """The foundation grid: Lasso.fit at alpha_max/10 and /100, tol 1e-8, plus one path."""
    specs = []
    for name, src in [
        ("leukemia", ("real", "leukemia", None)),
        ("riboflavin", ("real", "riboflavin", None)),
        ("tall20000x500", ("synthetic", 20000, 500)),
    ]:
        for div in (10.0, 100.0):
            specs.append(Spec(f"fit-lasso-{name}-a{int(div)}-f64", "fit", src,
                              alpha_divisor=div))
    specs.append(Spec("path-leukemia-f64", "path", ("real", "leukemia", None), eps=1e-2,
                      fit_intercept=False))
    return specs


def specs(mode, family=None):
    """The specs of a grid, of one family or of a tuple of families."""
    chosen = _specs_quick() if mode == "quick" else _specs_full()
    families = (family,) if isinstance(family, str) else family
    return [s for s in chosen if families is None or s.family in families]


SPECS = {s.id: s for s in _specs_full() + _specs_quick()}


# ----------------------------------------------------------------------------- workloads


@dataclass
class Workload:
    spec: Spec
    X: object  # ndarray (F-ordered) or CSC matrix, in spec.dtype
    y: np.ndarray  # spec.dtype
    alphas: np.ndarray  # the grid (path, cv, ridgecv) or the single alpha (fit, ridge)
    tol: float
    accuracy: float
    X64: object = field(repr=False, default=None)  # X in float64, for the objective
    y64: np.ndarray = field(repr=False, default=None)

    @property
    def id(self):
        return self.spec.id

    @property
    def sparse(self):
        return sp.issparse(self.X)

    @property
    def l1_ratios(self):
        return tuple(np.atleast_1d(self.spec.l1_ratio).tolist())


def alpha_max(X, y, l1_ratio=1.0, fit_intercept=True):
    """Smallest alpha for which w = 0 is optimal (scikit-learn's definition; for a 2-D
    y, the multi-task one: the largest row norm of X^T Y)."""
    n = X.shape[0]
    yc = y - y.mean(axis=0) if fit_intercept else y
    corr = np.asarray(X.T @ yc)  # centering X is implied by a centered y
    corr = np.linalg.norm(corr, axis=1) if corr.ndim == 2 else np.abs(corr.ravel())
    return np.max(corr) / (n * max(l1_ratio, 1e-3))


@functools.cache
def get(spec_id):
    s = SPECS[spec_id]
    X, y = dataset(s.source)
    if sp.issparse(X):
        X = sp.csc_matrix(X, dtype=s.dtype)
    else:
        X = np.asarray(X, dtype=np.float64)
        if s.family in ("path", "mtpath") and not s.fit_intercept:
            # Dense paths: center once, outside the timings, so no solver pays for it and
            # every solver sees the same problem (lasso_path fits no intercept).
            X = X - X.mean(axis=0)
            y = y - y.mean(axis=0)
        X = np.asfortranarray(X, dtype=s.dtype)
    y = np.ascontiguousarray(y, dtype=s.dtype)
    X64 = X.astype(np.float64) if s.dtype is not np.float64 else X
    y64 = y.astype(np.float64)
    l1 = min(np.atleast_1d(s.l1_ratio))
    n_rows = X.shape[0]
    if s.family in ("path", "mtpath"):
        amax = alpha_max(X64, y64, 1.0, s.fit_intercept)
        alphas = np.geomspace(amax, amax * s.eps, N_ALPHAS)
    elif s.family in ("fit", "mtfit"):
        alphas = np.array([alpha_max(X64, y64, l1) / s.alpha_divisor])
    elif s.family in ("ridge", "ridgecv"):
        # Ridge's alpha multiplies ||w||^2 against the plain (not 1/2n) squared loss: scale
        # the grid by the mean squared norm of the centered columns.
        col_sq = np.asarray(X64.multiply(X64).sum(axis=0)).ravel() if sp.issparse(X64) \
            else np.einsum("ij,ij->j", X64, X64)
        if s.fit_intercept:
            col_sq = col_sq - n_rows * np.asarray(X64.mean(axis=0)).ravel() ** 2
        grid = np.mean(col_sq) * np.geomspace(1e2, 1e-4, N_ALPHAS)
        alphas = grid[N_ALPHAS // 2: N_ALPHAS // 2 + 1] if s.family == "ridge" else grid
    else:  # cv: each solver builds its grid as scikit-learn does (eps 1e-3, 100 alphas)
        alphas = np.array([])
    return Workload(s, X, y, alphas, TOL[s.dtype], ACCURACY[s.dtype], X64, y64)


# ----------------------------------------------------------------------------- objectives


def objective(wl, coefs, alphas, l1_ratio):
    """Objective at each column of `coefs` (p, k) for alphas (k,), in float64
    (multi-task: coefs (T, p, k) or (T, p))."""
    X, y = wl.X64, wl.y64
    if y.ndim == 2:
        return _objective_multitask(wl, coefs, alphas, l1_ratio)
    coefs = np.asarray(coefs, dtype=np.float64).reshape(X.shape[1], -1)
    alphas = np.asarray(alphas, dtype=np.float64).ravel()
    Xw = np.asarray(X @ coefs)
    r = y[:, None] - Xw
    if wl.spec.fit_intercept:
        r = r - r.mean(axis=0)  # the optimal intercept for each w
    n = X.shape[0]
    sq = np.einsum("ij,ij->j", r, r)
    l1 = np.abs(coefs).sum(axis=0)
    l2 = np.einsum("ij,ij->j", coefs, coefs)
    if wl.spec.family in ("ridge", "ridgecv"):
        return sq + alphas * l2
    return sq / (2 * n) + alphas * l1_ratio * l1 + 0.5 * alphas * (1 - l1_ratio) * l2


def _objective_multitask(wl, coefs, alphas, l1_ratio):
    X, Y = wl.X64, wl.y64
    T, p = Y.shape[1], X.shape[1]
    coefs = np.asarray(coefs, dtype=np.float64).reshape(T, p, -1)
    alphas = np.asarray(alphas, dtype=np.float64).ravel()
    n = X.shape[0]
    out = np.empty(coefs.shape[2])
    for k in range(coefs.shape[2]):
        W = coefs[:, :, k]
        R = Y - np.asarray(X @ W.T)
        if wl.spec.fit_intercept:
            R = R - R.mean(axis=0)  # the optimal intercepts for each W
        out[k] = (np.einsum("ij,ij->", R, R) / (2 * n)
                  + alphas[k] * l1_ratio * np.linalg.norm(W, axis=0).sum()
                  + 0.5 * alphas[k] * (1 - l1_ratio) * np.einsum("ij,ij->", W, W))
    return out


def null_objective(wl):
    y = wl.y64
    yc = y - y.mean(axis=0) if wl.spec.fit_intercept else y
    sq = yc @ yc if yc.ndim == 1 else np.einsum("ij,ij->", yc, yc)
    return sq if wl.spec.family in ("ridge", "ridgecv") else sq / (2 * len(y))


# ----------------------------------------------------------------------------- reference


def _fingerprint(wl, alphas, l1_ratio):
    h = hashlib.sha1()
    X = wl.X64
    parts = (X.data, X.indices, X.indptr) if sp.issparse(X) else (X,)
    for a in parts + (wl.y64, np.asarray(alphas, dtype=np.float64)):
        h.update(np.ascontiguousarray(a).tobytes())
    h.update(repr((wl.spec.family, wl.spec.fit_intercept, float(l1_ratio))).encode())
    return h.hexdigest()[:16]


def _reference_solve(wl, alphas, l1_ratio):
    """A tight float64 solve (the slow part, done once and cached): scikit-learn at
    tol 1e-12, or fastreg at tol 1e-14 for the workloads marked so."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import ElasticNet, MultiTaskElasticNet, enet_path

    X, y = wl.X64, wl.y64
    if wl.spec.family in ("ridge", "ridgecv"):
        Xd = X.toarray() if sp.issparse(X) else X
        Xc = Xd - Xd.mean(axis=0) if wl.spec.fit_intercept else Xd
        yc = y - y.mean() if wl.spec.fit_intercept else y
        G = Xc.T @ Xc
        b = Xc.T @ yc
        coefs = np.column_stack([
            np.linalg.solve(G + a * np.eye(G.shape[0]), b) for a in alphas])
        return objective(wl, coefs, alphas, l1_ratio)
    if wl.spec.reference == "fastreg":
        import fastreg
        if wl.spec.fit_intercept:
            est = fastreg.MultiTaskElasticNet if y.ndim == 2 else fastreg.ElasticNet
            coefs = np.stack([est(alpha=a, l1_ratio=l1_ratio, tol=1e-14, max_iter=1_000_000)
                              .fit(X, y).coef_ for a in alphas], axis=-1)
        else:
            _, coefs, _ = fastreg.enet_path(X, y, l1_ratio=l1_ratio, alphas=alphas,
                                            tol=1e-14, max_iter=1_000_000)
        return objective(wl, coefs, alphas, l1_ratio)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if y.ndim == 2 and wl.spec.fit_intercept:
            coefs = np.stack([
                MultiTaskElasticNet(alpha=a, l1_ratio=l1_ratio, tol=1e-12, max_iter=1_000_000)
                .fit(X, y).coef_ for a in alphas], axis=2)
        elif wl.spec.fit_intercept:
            coefs = np.column_stack([
                ElasticNet(alpha=a, l1_ratio=l1_ratio, tol=1e-12, max_iter=1_000_000)
                .fit(X, y).coef_ for a in alphas])
        else:
            # (a 2-D y: the multi-task path, coefs (T, p, k))
            _, coefs, _ = enet_path(X, y, l1_ratio=l1_ratio, alphas=alphas, tol=1e-12,
                                    max_iter=1_000_000)
    return objective(wl, coefs, alphas, l1_ratio)


def best_objective(wl, alphas, l1_ratio, candidate=None):
    """f_best at each alpha: cached reference, lowered by `candidate` if that is better."""
    os.makedirs(CACHE_DIR, exist_ok=True)
    path = os.path.join(CACHE_DIR, f"ref-{_fingerprint(wl, alphas, l1_ratio)}.npy")
    if os.path.exists(path):
        best = np.load(path)
    else:
        t0 = time.perf_counter()
        best = _reference_solve(wl, alphas, l1_ratio)
        print(f"\n[bench] reference for {wl.id} (l1_ratio={l1_ratio}, {len(best)} alphas) "
              f"computed in {time.perf_counter() - t0:.1f}s")
        np.save(path, best)
    if candidate is not None and np.any(candidate < best):
        best = np.minimum(best, candidate)
        np.save(path, best)
    return best


def suboptimality(wl, coefs, alphas, l1_ratio):
    """max over alphas of (f(w) - f_best) / f(0); clipped at 0 (ties with the best)."""
    f = objective(wl, coefs, alphas, l1_ratio)
    best = best_objective(wl, alphas, l1_ratio, candidate=f)
    return float(max(0.0, np.max((f - best) / null_objective(wl))))


# ----------------------------------------------------------------------------- limits


def _best_time(fn, repeat=5):
    """Fastest of `repeat` calls after an idle pause and a warm-up call.

    The pause matters here: right after CPU-bound work, a multi-threaded BLAS call can take
    milliseconds to get its threads scheduled; the limit is what the machine can do.
    """
    time.sleep(0.5)
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(min(times))


def bare_ridge(X, y, alpha, blas_lib="numpy"):
    """The bare LAPACK solve of a ridge problem on the same (uncentered) matrix: the
    smaller Gram matrix (BLAS syrk), Cholesky, two triangular solves, and X^T c in the
    dual (p > n) case. No validation, centering or checks.

    ``blas_lib``: whose BLAS computes the products, NumPy's (matmul) or SciPy's (the
    library of the LAPACK calls). They are separate OpenBLAS builds with separate
    thread pools, and a threaded call into one right after the other's is slowed by
    the other's spinning threads (2.4x on 20000 x 500 with NumPy's products, where
    SciPy's alone take 64 ms); NumPy's build is faster on small products. The limit
    takes the faster of the two."""
    from scipy.linalg import blas, lapack
    n, p = X.shape
    if blas_lib == "numpy":
        G = X.T @ X if n >= p else X @ X.T
        rhs = X.T @ y if n >= p else y
    else:
        Xf = np.asfortranarray(X)
        G = blas.dsyrk(1.0, Xf, trans=1 if n >= p else 0)
        rhs = blas.dgemv(1.0, Xf, y, trans=1) if n >= p else y
    G.flat[:: G.shape[0] + 1] += alpha
    c, _ = lapack.dpotrf(G, lower=0, clean=0, overwrite_a=1)
    z, _ = lapack.dpotrs(c, rhs, lower=0)
    if n >= p:
        return z
    return X.T @ z if blas_lib == "numpy" else blas.dgemv(1.0, Xf, z, trans=1)


@functools.cache
def physical_limit(spec_id):
    """(label, seconds): the time no solver of this workload can beat by much.

    Gram regime (n > p): forming X^T X once (BLAS syrk/gemm on F-ordered X, or the sparse
    product). Wide regime: one X^T r product per alpha of the path. Cross-validation does
    this once per fold plus once on the full data, for each l1_ratio. Ridge at one alpha
    (dense): the bare LAPACK solve on the same matrix (``bare_ridge``).
    """
    wl = get(spec_id)
    X = wl.X
    n, p = X.shape
    s = wl.spec
    cv = s.family in ("cv", "mtcv")
    n_alphas = max(len(wl.alphas), 1) if not cv else N_ALPHAS
    repeats = (CV_FOLDS + 1) * len(wl.l1_ratios) if cv else 1
    if s.family == "ridge" and not sp.issparse(X):
        return "bare LAPACK", min(
            _best_time(functools.partial(bare_ridge, X, wl.y, wl.alphas[0], lib))
            for lib in ("numpy", "scipy"))
    if n > p:
        seconds = _best_time(lambda: X.T @ X, repeat=3)
        label = "X^T X"
    else:
        # One thread: a memory-bound product this small gains nothing from a second one, and
        # waking BLAS threads here costs milliseconds right after CPU-bound work.
        r = np.ones(n, dtype=X.dtype)
        with threadpool_limits(1, user_api="blas"):
            seconds = _best_time(lambda: [X.T @ r for _ in range(n_alphas)], repeat=20)
        label = f"{n_alphas} X^T r"
    if repeats > 1:
        label = f"{repeats} x ({label})"
    return label, seconds * repeats
