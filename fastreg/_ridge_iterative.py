"""Ridge's named iterative solvers: ``Ridge(solver=...)`` with 'sparse_cg', 'lsqr',
'sag', 'saga' or 'lbfgs' runs that algorithm, with scikit-learn 1.9's meaning of
``tol``, ``max_iter``, ``n_iter_`` and its warnings ('auto', 'cholesky' and 'svd' are
fastreg's exact solvers, in ``_ridge_solvers``). This module decides which algorithm a
named solver runs (``resolve``) and runs it (``solve``); the estimator only calls them.

The algorithms are the libraries' own; what is here is the problem each is given, the
one scikit-learn gives it:

* 'sparse_cg': SciPy's conjugate gradients on the normal equations, (Xc^T Xc + alpha
  I) w = Xc^T y when n_samples >= n_features (at most ``max_iter`` iterations), else
  the dual (Xc Xc^T + alpha I) z = y, w = Xc^T z (SciPy's default limit: scikit-learn
  does not pass ``max_iter`` there); relative residual ``tol``; ``n_iter_`` None; a
  ConvergenceWarning when it stops at the limit (scikit-learn warns only with
  ``verbose``);
* 'lsqr': SciPy's LSQR on min ||y - Xc w||^2 + alpha ||w||^2 (``damp = sqrt(alpha)``,
  ``atol = btol = tol``, ``iter_lim = max_iter``); ``n_iter_`` its iterations; a
  ConvergenceWarning when it stops at the limit;
* 'lbfgs' (``positive=True`` only): SciPy's L-BFGS-B from w = 0 on 1/2 ||y - Xc w||^2
  + 1/2 alpha ||w||^2 with w >= 0 (``tol``, ``maxiter = max_iter``); a
  ConvergenceWarning when it does not converge; ``n_iter_`` None;
* 'sag', 'saga': scikit-learn's public ``ridge_regression`` (its SAG / SAGA solver,
  which takes the sample weights itself) on X centered on the weighted means (dense),
  X as it is (sparse, no intercept), or with the intercept fitted by SAG (sparse X
  with an intercept); ``n_iter_`` its epochs. Its epochs run without the GIL
  (scikit-learn's ``sag`` kernel), so the call runs on a helper thread
  (``_waiting.run_waiting``) while the main thread runs the signal handlers every
  20 ms: SIGINT raises KeyboardInterrupt at once and leaves the estimator unfitted.
  The abandoned SAG cannot be stopped (scikit-learn's loop checks nothing but its
  own tolerance and ``max_iter``): it runs to its own end in the background, on its
  own arrays, and the interpreter waits for it at exit (a non-daemon thread: no
  thread is left in scikit-learn's code while the process shuts down).

Xc is the centered design with rows scaled by sqrt(sample_weight), weights not
rescaled (``_Design`` carries them rescaled to sum to n_samples: the products are
divided back by sqrt(scale)); for sparse X it is applied implicitly (never
densified). Everything is computed in float64.
"""
import warnings

import numpy as np
from scipy import optimize, sparse
from scipy.sparse import linalg as sp_linalg
from sklearn.exceptions import ConvergenceWarning

from ._waiting import run_waiting

ITERATIVE = ("sparse_cg", "lsqr", "sag", "saga", "lbfgs")


def resolve(solver, is_sparse, fit_intercept, max_iter, tol):
    """The algorithm a named iterative ``solver`` runs (scikit-learn's choice: for
    sparse X with an intercept, 'sag' only at ``max_iter=None`` and ``tol > 1e-4``,
    with scikit-learn's UserWarning, otherwise 'sparse_cg'); None for the other
    solver names. The caller has checked the combinations scikit-learn rejects."""
    if solver not in ITERATIVE:
        return None
    if solver == "sag" and is_sparse and fit_intercept:
        if max_iter is None and tol > 1e-4:
            warnings.warn(
                '"sag" solver requires many iterations to fit an intercept with '
                'sparse inputs. Either set the solver to "auto" or "sparse_cg", or '
                'set a low "tol" and a high "max_iter" (especially if inputs are not '
                'standardized).', UserWarning, stacklevel=5)
            return "sag"
        return "sparse_cg"
    return solver


def _operator(design, scale):
    """Xc (scikit-learn's scale: rows times sqrt(sample_weight)) as a LinearOperator,
    from the products of the prepared design (rows times sqrt(scale * sw))."""
    r = 1.0 / np.sqrt(scale)
    if r == 1.0:
        return sp_linalg.LinearOperator(design.shape, matvec=design.dot,
                                        rmatvec=design.tdot, dtype=np.float64)
    return sp_linalg.LinearOperator(design.shape, matvec=lambda v: r * design.dot(v),
                                    rmatvec=lambda u: r * design.tdot(u),
                                    dtype=np.float64)


def solve(method, design, Y, alphas, scale, tol, max_iter, positive=False):
    """coef (n_targets, n_features) and n_iter (int32 array, or None) of 'sparse_cg',
    'lsqr' or 'lbfgs' on a prepared problem (``_ridge_design._prepare``: design, Y
    centered and weighted, ``scale``); ``alphas`` on scikit-learn's scale (one per
    target)."""
    op = _operator(design, scale)
    Y = Y / np.sqrt(scale) if scale != 1.0 else Y
    run = {"sparse_cg": _cg, "lsqr": _lsqr, "lbfgs": _lbfgs}[method]
    return run(op, Y, np.asarray(alphas, dtype=np.float64), tol, max_iter, positive)


def _cg(op, Y, alphas, tol, max_iter, positive):
    n_samples, n_features = op.shape
    dual = n_features > n_samples
    m = n_samples if dual else n_features
    coef = np.empty((Y.shape[1], n_features))
    for k, a in enumerate(alphas):
        if dual:
            def normal(z, a=a):
                return op.matvec(op.rmatvec(z)) + a * z
            rhs, limit = Y[:, k], None
        else:
            def normal(w, a=a):
                return op.rmatvec(op.matvec(w)) + a * w
            rhs, limit = op.rmatvec(Y[:, k]), max_iter
        A = sp_linalg.LinearOperator((m, m), matvec=normal, dtype=np.float64)
        last = [np.zeros(m)]

        def keep(xk, last=last):
            if np.all(np.isfinite(xk)):
                last[0] = xk.copy()

        with np.errstate(invalid="ignore", divide="ignore"):
            x, info = sp_linalg.cg(A, rhs, rtol=tol, maxiter=limit, callback=keep)
        if info < 0:
            raise ValueError(f"Ridge(solver='sparse_cg'): SciPy's cg failed with "
                             f"error code {info}.")
        if not np.all(np.isfinite(x)):
            # a tol below what float64 can reach (e.g. 0): CG's residual reached
            # exactly zero or stalled and the next step divided 0 by 0; the last
            # finite iterate is the best one reached
            x = last[0]
            residual = np.linalg.norm(rhs - A.matvec(x)) / max(np.linalg.norm(rhs),
                                                               np.finfo(float).tiny)
            warnings.warn(f"Ridge(solver='sparse_cg'): tol={tol!r} is not reachable "
                          f"in float64; returning the last finite iterate (relative "
                          f"residual {residual:.1e}).", ConvergenceWarning,
                          stacklevel=4)
        elif info > 0:
            # stopped at the iteration limit (scikit-learn warns only with verbose):
            # the iterate reached, and how far from tol
            residual = np.linalg.norm(rhs - A.matvec(x)) / max(np.linalg.norm(rhs),
                                                               np.finfo(float).tiny)
            warnings.warn(f"Ridge(solver='sparse_cg') did not reach tol={tol!r} in "
                          f"{info} iterations (relative residual {residual:.1e}); "
                          "increase max_iter or tol.", ConvergenceWarning,
                          stacklevel=4)
        coef[k] = op.rmatvec(x) if dual else x
    return coef, None


def _lsqr(op, Y, alphas, tol, max_iter, positive):
    coef = np.empty((Y.shape[1], op.shape[1]))
    n_iter = np.empty(Y.shape[1], dtype=np.int32)
    for k, a in enumerate(alphas):
        out = sp_linalg.lsqr(op, Y[:, k], damp=np.sqrt(a), atol=tol, btol=tol,
                             iter_lim=max_iter)
        if out[1] == 7:
            # (istop 7: the iteration limit, before atol / btol were met)
            warnings.warn(f"Ridge(solver='lsqr') did not reach tol={tol!r} in "
                          f"{out[2]} iterations; increase max_iter or tol.",
                          ConvergenceWarning, stacklevel=4)
        coef[k], n_iter[k] = out[0], out[2]
    return coef, n_iter


def _lbfgs(op, Y, alphas, tol, max_iter, positive):
    n_features = op.shape[1]
    options = {} if max_iter is None else {"maxiter": max_iter}
    bounds = [(0, np.inf)] * n_features if positive else None
    coef = np.empty((Y.shape[1], n_features))
    for k, a in enumerate(alphas):
        y = Y[:, k]

        def objective(w, y=y, a=a):
            r = op.matvec(w) - y
            return 0.5 * (r @ r) + 0.5 * a * (w @ w), op.rmatvec(r) + a * w
        result = optimize.minimize(objective, np.zeros(n_features), method="L-BFGS-B",
                                   jac=True, tol=tol, bounds=bounds, options=options)
        if not result.success:
            warnings.warn("The lbfgs solver did not converge. Try increasing max_iter "
                          f"or tol. Currently: max_iter={max_iter} and tol={tol}",
                          ConvergenceWarning, stacklevel=5)
        coef[k] = result.x
    return coef, None


def weighted_offsets(X, Y, sw, fit_intercept):
    """(X_offset (p,), y_offset (t,)): the sample_weight-weighted means (zeros
    without an intercept)."""
    n_features = X.shape[1]
    if not fit_intercept:
        return np.zeros(n_features), np.zeros(Y.shape[1])
    w = np.ones(X.shape[0]) if sw is None else sw
    total = float(np.sum(w))
    X_offset = np.asarray(X.T @ w, dtype=np.float64).ravel() / total
    return X_offset, (w @ Y) / total


def solve_sag(method, X, Y, alphas, sw, fit_intercept, tol, max_iter, random_state):
    """'sag' / 'saga' by scikit-learn's public ``ridge_regression``. Returns (coef (t,
    p), n_iter (t,), X_offset, y_offset) for ``_ridge_design._finish``: with sparse X
    and an intercept, SAG fits the intercept (returned as y_offset, X_offset zeros)."""
    from sklearn.linear_model import ridge_regression

    X_offset, y_offset = weighted_offsets(X, Y, sw, fit_intercept)
    fits_intercept = fit_intercept and sparse.issparse(X)
    if sparse.issparse(X):
        Xs = sparse.csr_matrix(X, dtype=np.float64)
    else:
        Xs = np.asarray(X, dtype=np.float64)
        Xs = Xs - X_offset if fit_intercept else np.ascontiguousarray(Xs)
    Yc = Y - y_offset
    alphas = np.asarray(alphas, dtype=np.float64)

    def run():
        return ridge_regression(Xs, Yc, alphas, sample_weight=sw, solver=method,
                                max_iter=max_iter, tol=tol, random_state=random_state,
                                return_n_iter=True, return_intercept=fits_intercept)
    # (scikit-learn's SAG loop runs without the GIL: on a helper thread, so that the
    # main thread runs the signal handlers; see the module's docstring)
    out = run_waiting(run)
    coef = np.reshape(out[0], (Y.shape[1], X.shape[1]))
    n_iter = np.asarray(out[1], dtype=np.int32)
    if fits_intercept:
        X_offset, y_offset = np.zeros(X.shape[1]), np.reshape(out[2], -1) + y_offset
    return coef, n_iter, X_offset, y_offset
