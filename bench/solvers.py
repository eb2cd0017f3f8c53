"""One adapter per solver, with a common signature.

`solver.build(wl)` returns a zero-argument callable: the one call that is timed. The callable
returns a `Result`: the coefficients it found and the alphas (in scikit-learn's
parametrisation) at which they solve the workload's problem, so the harness can compute
objectives the same way for every solver. `build` raises `Unsupported(reason)` when the
solver has no such estimator, or does not take this input; the cell is then skipped with
that reason. A peer that cannot be imported is skipped with the import error.

Tolerances: fastreg, scikit-learn and celer share one definition (duality gap relative to
||y_c||^2), so they get `wl.tol` as is. skglm stops on the largest violation of the
optimality conditions (an absolute, gradient-scale number): it gets `tol * alpha_max`, a
violation small against every penalty of the workload (a bound on the relative gap of
tol * alpha_max / alpha; asking for tol * alpha instead runs into rounding and max_epochs,
tens of seconds per fit). Its achieved accuracy is reported. glmnet stops on the largest change of
the (weighted) objective relative to the null deviance: it gets `thresh = tol`; its accuracy
is reported as achieved, not compared on equal terms.

glmnet's parametrisation (checked numerically in test_solvers.py): glmnet scales y to unit
variance before solving, which leaves the L1 term alone but divides the L2 term by sd(y).
scikit-learn's (alpha, l1_ratio) is therefore glmnet's
    lambda = alpha * (l1_ratio + (1 - l1_ratio) * sd(y)),
    mixing = alpha * l1_ratio / lambda = l1_ratio / (l1_ratio + (1 - l1_ratio) * sd(y)),
with sd(y) the 1/n standard deviation (about 0 without intercept). With
standardize=False glmnet then minimises the same objective as scikit-learn.
"""
import importlib
from dataclasses import dataclass

import numpy as np

from .workloads import CV_FOLDS, N_ALPHAS, alpha_max

MAX_ITER = 100_000


class Unsupported(Exception):
    """This solver cannot run this workload; the message says why."""


@dataclass
class Result:
    coefs: np.ndarray  # (p, k); multi-task (T, p, k)
    alphas: np.ndarray  # (k,) in scikit-learn's parametrisation
    l1_ratio: float
    # seconds measured inside the peer, when its call also pays for something that is
    # not the solve (R glmnet: R's start-up and the data transfer); the harness then
    # records these instead of the call's wall time
    seconds: float | None = None
    cpu_seconds: float | None = None  # the same, in CPU time (R's user + system)


def _import(name):
    try:
        return importlib.import_module(name), None
    except Exception as exc:  # ImportError, or a broken extension module
        return None, f"{name} not importable: {type(exc).__name__}: {exc}"


def _cv_folds(n):
    from sklearn.model_selection import KFold
    return KFold(CV_FOLDS)


class Solver:
    name = "?"
    peer = True  # peers run under the time cap; fastreg does not
    needs_warmup = False  # e.g. a JIT compiler: one untimed call before the timed ones
    module_name = None

    def __init__(self):
        self.module, self.unavailable = _import(self.module_name)

    def build(self, wl):
        if self.unavailable:
            raise Unsupported(self.unavailable)
        method = getattr(self, f"_{wl.spec.family}", None)
        if method is None:
            raise Unsupported(f"no {wl.spec.family} in {self.name}")
        return method(wl)


# ----------------------------------------------------------------------------- sklearn API


class SklearnAPI(Solver):
    """scikit-learn, and fastreg which exposes the same names with the same meaning."""

    def _attr(self, name):
        return getattr(self.module, name)

    def _path(self, wl):
        l1 = wl.l1_ratios[0]
        fn = self._attr("lasso_path") if l1 == 1.0 else self._attr("enet_path")
        kw = {} if l1 == 1.0 else {"l1_ratio": l1}
        X, y, alphas = wl.X, wl.y, wl.alphas

        def call():
            _, coefs, _ = fn(X, y, alphas=alphas, tol=wl.tol, max_iter=MAX_ITER, **kw)
            return Result(coefs, alphas, l1)
        return call

    def _fit(self, wl):
        l1 = wl.l1_ratios[0]
        if l1 == 1.0:
            est = self._attr("Lasso")(alpha=wl.alphas[0], tol=wl.tol, max_iter=MAX_ITER)
        else:
            est = self._attr("ElasticNet")(alpha=wl.alphas[0], l1_ratio=l1, tol=wl.tol,
                                           max_iter=MAX_ITER)

        def call():
            est.fit(wl.X, wl.y)
            return Result(est.coef_, wl.alphas, l1)
        return call

    def _cv(self, wl):
        common = dict(cv=_cv_folds(len(wl.y)), alphas=N_ALPHAS, tol=wl.tol,
                      max_iter=MAX_ITER, n_jobs=wl.spec.n_jobs)
        if wl.l1_ratios == (1.0,):
            est = self._attr("LassoCV")(**common)
        else:
            est = self._attr("ElasticNetCV")(l1_ratio=list(wl.l1_ratios), **common)

        def call():
            est.fit(wl.X, wl.y)
            l1 = getattr(est, "l1_ratio_", 1.0)
            return Result(est.coef_, np.array([est.alpha_]), float(l1))
        return call

    def _mtpath(self, wl):
        X, y, alphas = wl.X, wl.y, wl.alphas

        def call():
            # (a 2-D y: the multi-task path, coefs (T, p, k))
            _, coefs, _ = self._attr("lasso_path")(X, y, alphas=alphas, tol=wl.tol,
                                                   max_iter=MAX_ITER)
            return Result(coefs, alphas, 1.0)
        return call

    def _mtfit(self, wl):
        est = self._attr("MultiTaskLasso")(alpha=wl.alphas[0], tol=wl.tol, max_iter=MAX_ITER)

        def call():
            est.fit(wl.X, wl.y)
            return Result(est.coef_, wl.alphas, 1.0)
        return call

    def _mtcv(self, wl):
        est = self._attr("MultiTaskLassoCV")(cv=_cv_folds(len(wl.y)), alphas=N_ALPHAS,
                                             tol=wl.tol, max_iter=MAX_ITER,
                                             n_jobs=wl.spec.n_jobs)

        def call():
            est.fit(wl.X, wl.y)
            return Result(est.coef_, np.array([est.alpha_]), 1.0)
        return call

    def _ridge(self, wl):
        est = self._attr("Ridge")(alpha=wl.alphas[0])

        def call():
            est.fit(wl.X, wl.y)
            return Result(est.coef_, wl.alphas, 0.0)
        return call

    def _ridgecv(self, wl):
        est = self._attr("RidgeCV")(alphas=wl.alphas)

        def call():
            est.fit(wl.X, wl.y)
            return Result(est.coef_, np.array([est.alpha_]), 0.0)
        return call


class Sklearn(SklearnAPI):
    name = "sklearn"
    module_name = "sklearn.linear_model"


class Fastreg(SklearnAPI):
    name = "fastreg"
    peer = False
    module_name = "fastreg"

    def _attr(self, name):
        if not hasattr(self.module, name):
            raise Unsupported(f"not in fastreg yet: fastreg.{name}")
        return getattr(self.module, name)


# ----------------------------------------------------------------------------- celer


class Celer(Solver):
    name = "celer"
    module_name = "celer"

    def _path(self, wl):
        l1 = wl.l1_ratios[0]

        def call():
            alphas = wl.alphas.astype(wl.X.dtype)  # celer wants the dtype of X
            _, coefs, _ = self.module.celer_path(wl.X, wl.y, "lasso", alphas=alphas,
                                                 l1_ratio=l1, tol=wl.tol, max_iter=100, prune=1)
            return Result(coefs, wl.alphas, l1)
        return call

    def _fit(self, wl):
        l1 = wl.l1_ratios[0]
        if l1 == 1.0:
            est = self.module.Lasso(alpha=wl.alphas[0], tol=wl.tol, max_iter=100)
        else:
            est = self.module.ElasticNet(alpha=wl.alphas[0], l1_ratio=l1, tol=wl.tol,
                                         max_iter=100)

        def call():
            est.fit(wl.X, wl.y)
            return Result(est.coef_, wl.alphas, l1)
        return call

    def _cv(self, wl):
        common = dict(cv=_cv_folds(len(wl.y)), n_alphas=N_ALPHAS, tol=wl.tol,
                      n_jobs=wl.spec.n_jobs)
        try:  # celer's CV classes pass n_alphas to scikit-learn, which dropped it in 1.9
            if wl.l1_ratios == (1.0,):
                est = self.module.LassoCV(**common)
            else:
                est = self.module.ElasticNetCV(l1_ratio=list(wl.l1_ratios), **common)
        except TypeError as exc:
            raise Unsupported(
                f"celer CV does not run with this scikit-learn: {exc}") from exc

        def call():
            est.fit(wl.X, wl.y)
            l1 = getattr(est, "l1_ratio_", 1.0)
            return Result(est.coef_, np.array([est.alpha_]), float(l1))
        return call


    def _mt(self, wl, alphas):
        # celer's MultiTaskLasso estimator does not run with scikit-learn 1.9 (it calls
        # the removed BaseEstimator._validate_data); its solver, mtl_path, does. The
        # estimator centers X and Y for the intercept and calls mtl_path: so does this
        # (the centering inside the timed call, as in the estimator).
        from celer.homotopy import mtl_path

        def call():
            X, Y = wl.X, wl.y
            if wl.spec.fit_intercept:
                X = np.asfortranarray(X - X.mean(axis=0))
                Y = np.asfortranarray(Y - Y.mean(axis=0))
            _, coefs, _ = mtl_path(X, Y, alphas=alphas.astype(X.dtype), tol=wl.tol,
                                   max_iter=100)
            return Result(coefs, alphas, 1.0)  # (T, p, k)
        return call

    def _mtpath(self, wl):
        return self._mt(wl, wl.alphas)

    def _mtfit(self, wl):
        return self._mt(wl, wl.alphas)


# ----------------------------------------------------------------------------- skglm


class Skglm(Solver):
    name = "skglm"
    module_name = "skglm"
    needs_warmup = True  # numba compiles on the first call

    def _estimator(self, wl, alpha, l1, tol, fit_intercept):
        if l1 == 1.0:
            return self.module.Lasso(alpha=alpha, tol=tol, fit_intercept=fit_intercept)
        return self.module.ElasticNet(alpha=alpha, l1_ratio=l1, tol=tol,
                                      fit_intercept=fit_intercept)

    def _path(self, wl):
        l1 = wl.l1_ratios[0]
        est = self._estimator(wl, 1.0, l1, wl.tol * wl.alphas.max(), wl.spec.fit_intercept)

        def call():
            _, coefs, _ = est.path(wl.X, wl.y, wl.alphas)[:3]
            return Result(coefs[: wl.X.shape[1]], wl.alphas, l1)
        return call

    def _fit(self, wl):
        l1 = wl.l1_ratios[0]
        amax = alpha_max(wl.X64, wl.y64, l1)
        est = self._estimator(wl, wl.alphas[0], l1, wl.tol * amax, True)

        def call():
            est.fit(wl.X, wl.y)
            return Result(est.coef_, wl.alphas, l1)
        return call

    def _mtpath(self, wl):
        est = self.module.MultiTaskLasso(alpha=1.0, tol=wl.tol * wl.alphas.max(),
                                         fit_intercept=wl.spec.fit_intercept)

        def call():
            _, coefs, _ = est.path(wl.X, wl.y, wl.alphas)[:3]
            return Result(coefs, wl.alphas, 1.0)  # (T, p, k)
        return call

    def _mtfit(self, wl):
        amax = alpha_max(wl.X64, wl.y64, 1.0)
        est = self.module.MultiTaskLasso(alpha=wl.alphas[0], tol=wl.tol * amax,
                                         fit_intercept=True)

        def call():
            est.fit(wl.X, wl.y)
            return Result(est.coef_, wl.alphas, 1.0)
        return call

    def _ridge(self, wl):
        raise Unsupported("skglm's L2 penalty has no prox_1d: its coordinate-descent "
                          "solvers reject it (and skglm has no Ridge estimator)")

    def _cv(self, wl):
        from skglm.cv import GeneralizedLinearEstimatorCV
        from skglm.datafits import Quadratic
        from skglm.penalties import L1, L1_plus_L2
        from skglm.solvers import AndersonCD

        lasso = wl.l1_ratios == (1.0,)
        amax = alpha_max(wl.X64, wl.y64, min(wl.l1_ratios))
        solver = AndersonCD(tol=wl.tol * amax, fit_intercept=True)
        penalty = L1(alpha=1.0) if lasso else L1_plus_L2(alpha=1.0, l1_ratio=0.5)
        est = GeneralizedLinearEstimatorCV(
            Quadratic(), penalty, solver, l1_ratio=None if lasso else list(wl.l1_ratios),
            cv=CV_FOLDS, n_jobs=wl.spec.n_jobs, n_alphas=N_ALPHAS, random_state=0)

        def call():
            est.fit(wl.X, wl.y)
            l1 = 1.0 if lasso else est.l1_ratio_
            return Result(est.coef_, np.array([est.alpha_]), float(l1))
        return call


# ----------------------------------------------------------------------------- glmnet


def glmnet_scale(y, fit_intercept):
    """glmnet's sd(y): the 1/n standard deviation (root mean square without intercept)."""
    yc = y - y.mean() if fit_intercept else y
    return float(np.sqrt(np.mean(yc ** 2)))


def to_glmnet(alphas, l1_ratio, ys):
    """scikit-learn (alphas, l1_ratio) -> glmnet (lambdas, mixing)."""
    factor = l1_ratio + (1.0 - l1_ratio) * ys
    return np.asarray(alphas, dtype=np.float64) * factor, l1_ratio / factor


class Glmnet(Solver):
    """Common checks of the two glmnet wrappers: float64 only, explicit lambdas."""

    def build(self, wl):
        if self.unavailable:
            raise Unsupported(self.unavailable)
        if wl.X.dtype != np.float64:
            raise Unsupported("float64 only")
        return super().build(wl)

    def _mapped(self, wl, alphas, l1):
        ys = glmnet_scale(wl.y64, wl.spec.fit_intercept)
        return to_glmnet(alphas, l1, ys)

    def _path(self, wl):
        l1 = wl.l1_ratios[0]
        lambdas, mixing = self._mapped(wl, wl.alphas, l1)

        def call():
            coefs = self.solve_path(wl.X, wl.y, lambdas, mixing, wl.spec.fit_intercept, wl.tol)
            if coefs.shape[1] != len(lambdas):
                raise RuntimeError(f"glmnet returned {coefs.shape[1]} of {len(lambdas)} "
                                   "lambdas")
            return Result(coefs, wl.alphas, l1)
        return call

    def _fit(self, wl):
        l1 = wl.l1_ratios[0]
        lambdas, mixing = self._mapped(wl, wl.alphas, l1)

        def call():
            coefs = self.solve_path(wl.X, wl.y, lambdas, mixing, True, wl.tol)
            return Result(coefs, wl.alphas, l1)
        return call

    def _ridge(self, wl):
        # Ridge: ||r||^2 + a ||w||^2 is 2n times the elastic net at alpha = a / n, l1_ratio 0.
        lambdas, mixing = self._mapped(wl, wl.alphas / len(wl.y), 0.0)

        def call():
            coefs = self.solve_path(wl.X, wl.y, lambdas, mixing, True, wl.tol)
            return Result(coefs, wl.alphas, 0.0)
        return call

    def _cv(self, wl):
        if wl.spec.n_jobs != 1 and not self.parallel_cv:
            raise Unsupported("no parallel cross-validation")
        ys = glmnet_scale(wl.y64, True)
        foldid = np.empty(len(wl.y), dtype=int)
        for k, (_, test) in enumerate(_cv_folds(len(wl.y)).split(wl.y)):
            foldid[test] = k

        def call():
            best = None
            for l1 in wl.l1_ratios:
                amax = alpha_max(wl.X64, wl.y64, l1)
                grid = np.geomspace(amax, amax * 1e-3, N_ALPHAS)
                lambdas, mixing = to_glmnet(grid, l1, ys)
                err, idx, coefs = self.solve_cv(wl.X, wl.y, lambdas, mixing, wl.tol, foldid,
                                                wl.spec.n_jobs)
                if best is None or err < best[0]:
                    best = (err, grid[idx], l1, coefs)
            _, alpha, l1, coef = best
            return Result(coef, np.array([alpha]), l1)
        return call


def _no_multitask(self, wl):
    raise Unsupported(f"{self.name} has no multi-task family (glmnet's mgaussian)")


class GlmnetRS(Glmnet):
    """glmnet-rs: glmnet's C++ engine (glmnetpp) ported to Rust."""

    name = "glmnet-rs"
    module_name = "glmnetrs"
    parallel_cv = False
    _mtpath = _mtfit = _mtcv = _no_multitask

    def solve_path(self, X, y, lambdas, mixing, fit_intercept, tol):
        path = self.module.glmnet(X, y, alpha=mixing, lambda_=lambdas, standardize=False,
                                  intercept=fit_intercept, thresh=tol, maxit=MAX_ITER * 10)
        return path.beta

    def solve_cv(self, X, y, lambdas, mixing, tol, foldid, n_jobs):
        cv = self.module.cv_glmnet(X, y, foldid=foldid, alpha=mixing, lambda_=lambdas,
                                   standardize=False, thresh=tol, maxit=MAX_ITER * 10)
        idx = cv.index_min
        return cv.cvm[idx], idx, cv.glmnet_fit.beta[:, idx]


class PythonGlmnet(Glmnet):
    """python-glmnet: the original Fortran glmnet (import name `glmnet`)."""

    name = "python-glmnet"
    module_name = "glmnet"
    parallel_cv = True
    _mtpath = _mtfit = _mtcv = _no_multitask

    def solve_path(self, X, y, lambdas, mixing, fit_intercept, tol):
        est = self.module.ElasticNet(alpha=mixing, lambda_path=lambdas, standardize=False,
                                     fit_intercept=fit_intercept, tol=tol, n_splits=0,
                                     max_iter=MAX_ITER * 10)
        est.fit(X, y)
        return est.coef_path_

    def solve_cv(self, X, y, lambdas, mixing, tol, foldid, n_jobs):
        # python-glmnet draws its own shuffled folds (n_splits=5, seeded): not sklearn's.
        est = self.module.ElasticNet(alpha=mixing, lambda_path=lambdas, standardize=False,
                                     tol=tol, n_splits=CV_FOLDS, n_jobs=n_jobs,
                                     random_state=0, max_iter=MAX_ITER * 10)
        est.fit(X, y)
        idx = int(est.lambda_max_inx_)
        return -est.cv_mean_score_[idx], idx, est.coef_path_[:, idx]


# ----------------------------------------------------------------------------- sklearnex


class Sklearnex(Solver):
    """scikit-learn-intelex: oneDAL's coordinate descent for Lasso / ElasticNet (the
    daal4py estimators, which are what `sklearnex.patch_sklearn` has for them) and
    sklearnex's Ridge. Same parameters and objective as scikit-learn's (checked in
    test_peer_mapping.py). oneDAL takes dense X only (sparse X falls back to
    scikit-learn's own solver) and has no path or CV of its own."""

    name = "sklearnex"
    module_name = "sklearnex"

    def build(self, wl):
        if self.unavailable:
            raise Unsupported(self.unavailable)
        from scipy import sparse
        if sparse.issparse(wl.X):
            raise Unsupported("oneDAL takes dense X only (sparse falls back to sklearn)")
        return super().build(wl)

    def _fit(self, wl):
        from daal4py.sklearn.linear_model import ElasticNet, Lasso
        l1 = wl.l1_ratios[0]
        if l1 == 1.0:
            est = Lasso(alpha=wl.alphas[0], tol=wl.tol, max_iter=MAX_ITER)
        else:
            est = ElasticNet(alpha=wl.alphas[0], l1_ratio=l1, tol=wl.tol, max_iter=MAX_ITER)

        def call():
            est.fit(wl.X, wl.y)
            return Result(est.coef_, wl.alphas, l1)
        return call

    def _ridge(self, wl):
        from sklearnex.linear_model import Ridge
        est = Ridge(alpha=wl.alphas[0])

        def call():
            est.fit(wl.X, wl.y)
            return Result(est.coef_, wl.alphas, 0.0)
        return call


# ----------------------------------------------------------------------------- glum


class Glum(Solver):
    """glum's GeneralizedLinearRegressor (normal family, identity link: its objective is
    scikit-learn's, checked in test_peer_mapping.py). glum stops on the largest entry
    of the gradient (an absolute number, as skglm): it gets gradient_tol = tol *
    alpha_max, and its achieved accuracy is reported."""

    name = "glum"
    module_name = "glum"

    def _estimator(self, wl, l1, **kw):
        amax = alpha_max(wl.X64, wl.y64, max(l1, 1e-3))
        return self.module.GeneralizedLinearRegressor(
            family="normal", l1_ratio=l1, fit_intercept=wl.spec.fit_intercept,
            gradient_tol=wl.tol * amax, max_iter=MAX_ITER, **kw)

    def _path(self, wl):
        l1 = wl.l1_ratios[0]
        est = self._estimator(wl, l1, alpha_search=True, alphas=wl.alphas)

        def call():
            est.fit(wl.X, wl.y)
            return Result(np.asarray(est.coef_path_).T, wl.alphas, l1)
        return call

    def _fit(self, wl):
        l1 = wl.l1_ratios[0]
        est = self._estimator(wl, l1, alpha=wl.alphas[0])

        def call():
            est.fit(wl.X, wl.y)
            return Result(est.coef_, wl.alphas, l1)
        return call

    def _ridge(self, wl):
        # Ridge: ||r||^2 + a ||w||^2 is 2n times the elastic net at alpha = a / n, l1_ratio 0
        est = self._estimator(wl, 0.0, alpha=wl.alphas[0] / len(wl.y))

        def call():
            est.fit(wl.X, wl.y)
            return Result(est.coef_, wl.alphas, 0.0)
        return call

    def _cv(self, wl):
        amax = alpha_max(wl.X64, wl.y64, min(wl.l1_ratios))
        est = self.module.GeneralizedLinearRegressorCV(
            family="normal", l1_ratio=list(wl.l1_ratios), n_alphas=N_ALPHAS,
            min_alpha_ratio=1e-3, cv=_cv_folds(len(wl.y)), n_jobs=wl.spec.n_jobs,
            gradient_tol=wl.tol * amax, max_iter=MAX_ITER)

        def call():
            est.fit(wl.X, wl.y)
            return Result(est.coef_, np.array([est.alpha_]), float(est.l1_ratio_))
        return call


class RGlmnet(Glmnet):
    """R's glmnet itself, through `Rscript bench/glmnet.R` (a subprocess per call; the
    data pass through binary files). R times the solve with `system.time`, so R's
    start-up and the transfer are excluded: the result carries those seconds and the
    harness records them. Skipped when Rscript, or glmnet in R, is missing."""

    name = "R-glmnet"
    parallel_cv = False
    script = str(__import__("pathlib").Path(__file__).with_name("glmnet.R"))

    def __init__(self):
        import shutil
        import subprocess
        self.module = None
        self.unavailable = None
        if shutil.which("Rscript") is None:
            self.unavailable = "Rscript not found on PATH"
        else:
            proc = subprocess.run(["Rscript", "-e", "cat(as.character(packageVersion("
                                   "'glmnet')))"], capture_output=True, text=True)
            if proc.returncode != 0:
                self.unavailable = "R package glmnet not installed"
            else:
                self.version = proc.stdout.strip()
        self._seconds = self._cpu_seconds = 0.0

    def build(self, wl):
        call = super().build(wl)

        def timed():
            self._seconds = self._cpu_seconds = 0.0
            result = call()
            result.seconds, result.cpu_seconds = self._seconds, self._cpu_seconds
            return result
        return timed

    def _run(self, X, y, lambdas, meta, foldid=None):
        import subprocess
        import tempfile
        from pathlib import Path

        from scipy import sparse
        with tempfile.TemporaryDirectory(prefix="fastreg-rglmnet-") as tmp:
            d = Path(tmp)
            n, p = X.shape
            if sparse.issparse(X):
                Xc = sparse.csc_matrix(X)
                Xc.sort_indices()
                Xc.indptr.astype("<i4").tofile(d / "indptr.bin")
                Xc.indices.astype("<i4").tofile(d / "indices.bin")
                Xc.data.astype("<f8").tofile(d / "x.bin")
            else:
                np.asarray(X, dtype="<f8").ravel(order="F").tofile(d / "X.bin")
            np.asarray(y, dtype="<f8").ravel(order="F").tofile(d / "y.bin")
            np.asarray(lambdas, dtype="<f8").tofile(d / "lambda.bin")
            if foldid is not None:
                (np.asarray(foldid) + 1).astype("<i4").tofile(d / "foldid.bin")
            meta = dict(n=n, p=p, sparse=int(sparse.issparse(X)), cv=int(foldid is not None),
                        ntasks=1 if np.ndim(y) == 1 else np.shape(y)[1], **meta)
            (d / "meta.csv").write_text("".join(f"{k},{v}\n" for k, v in meta.items()))
            proc = subprocess.run(["Rscript", self.script, str(d)], capture_output=True,
                                  text=True)
            if proc.returncode != 0:
                raise RuntimeError(f"R glmnet failed: {proc.stderr.strip()[-500:]}")
            seconds = (d / "seconds.txt").read_text().split()
            self._seconds += float(seconds[0])
            self._cpu_seconds += float(seconds[-1])
            beta = np.fromfile(d / "beta.bin", dtype="<f8")
            cv = (d / "cv.txt").read_text().split() if foldid is not None else None
        return beta, cv

    @staticmethod
    def _meta(mixing, fit_intercept, tol, family="gaussian"):
        return dict(intercept=int(fit_intercept), mixing=repr(float(mixing)),
                    thresh=repr(float(tol)), maxit=MAX_ITER * 10, family=family)

    # Multi-task: glmnet's family "mgaussian", 1/(2n) ||Y - X B||_F^2 + lambda * (the
    # group-lasso norm sum_j ||B_j||_2 for mixing 1): scikit-learn's MultiTaskLasso at
    # lambda = alpha (standardize.response is FALSE by default; checked in
    # test_peer_mapping.py). beta.bin holds the T tasks' p x nlambda blocks in turn.
    def _mt_solve(self, wl, lambdas, fit_intercept, foldid=None):
        T = wl.y.shape[1]
        beta, cv = self._run(wl.X, wl.y, lambdas,
                             self._meta(1.0, fit_intercept, wl.tol, "mgaussian"),
                             foldid=foldid)
        k = 1 if foldid is not None else len(lambdas)
        return beta.reshape((T, k, wl.X.shape[1])).transpose(0, 2, 1), cv

    def _mtpath(self, wl):
        def call():
            coefs, _ = self._mt_solve(wl, wl.alphas, wl.spec.fit_intercept)
            return Result(coefs, wl.alphas, 1.0)
        return call

    def _mtfit(self, wl):
        def call():
            coefs, _ = self._mt_solve(wl, wl.alphas, True)
            return Result(coefs[:, :, 0], wl.alphas, 1.0)
        return call

    def _mtcv(self, wl):
        foldid = np.empty(len(wl.y), dtype=int)
        for k, (_, test) in enumerate(_cv_folds(len(wl.y)).split(wl.y)):
            foldid[test] = k
        amax = alpha_max(wl.X64, wl.y64, 1.0)
        grid = np.geomspace(amax, amax * 1e-3, N_ALPHAS)

        def call():
            coefs, cv = self._mt_solve(wl, grid, True, foldid=foldid)
            return Result(coefs[:, :, 0], np.array([grid[int(cv[0]) - 1]]), 1.0)
        return call

    def solve_path(self, X, y, lambdas, mixing, fit_intercept, tol):
        beta, _ = self._run(X, y, lambdas, self._meta(mixing, fit_intercept, tol))
        return beta.reshape((X.shape[1], len(lambdas)), order="F")

    def solve_cv(self, X, y, lambdas, mixing, tol, foldid, n_jobs):
        beta, cv = self._run(X, y, lambdas, self._meta(mixing, True, tol), foldid=foldid)
        return float(cv[1]), int(cv[0]) - 1, beta


ALL = [Fastreg, Sklearn, Celer, Skglm, GlmnetRS, PythonGlmnet, RGlmnet, Sklearnex, Glum]
NAMES = [cls.name for cls in ALL]
_instances = {}


def get(name):
    """The solver adapter (imported once per process)."""
    if name not in _instances:
        _instances[name] = {cls.name: cls for cls in ALL}[name]()
    return _instances[name]
