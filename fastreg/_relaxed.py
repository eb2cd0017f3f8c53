"""The relaxed lasso (glmnet's ``relax=TRUE``): least-squares refits on the support.

For a penalized solution w (one alpha), the relaxed fit is the least-squares fit of
the same data restricted to the features where w is nonzero, with the same
intercept, sample weights and bounds and no penalty (glmnet refits with
``lambda = 0`` and ``exclude`` = the other features, so penalty factors play no role
and ``lower.limits`` / ``upper.limits`` still hold). The blend ``gamma * w + (1 -
gamma) * w_refit`` is glmnet's ``blend.relaxed``; the intercept blends the same way
and follows from the blended coefficients (it is linear in them).

The refit works on the problem as the engine holds it (``Problem``: centered,
weighted, unpenalized features projected out, the target possibly divided by a power
of two), so nothing is centered again: it takes the support's Gram block G[S, S] and
X~_S^T y~ (from the Gram matrix when the problem has one; from the support's columns
otherwise, a sparse X through its sparse product with the centering as a rank-r
correction) and solves G[S, S] w_S = X~_S^T y~ by Cholesky (bounded least squares
when the box is active, minimum-norm least squares when G[S, S] is singular). By
Frisch-Waugh-Lovell, least squares on the penalized part of the support in the
projected problem, then the unpenalized features recovered as the engine does, is the
least-squares fit on the whole support.

Along a path (``relaxed_path``) the refits follow glmnet's ``relax.glmnet``: one
solve per distinct support; supports with more than ``n_samples - 3`` features
(glmnet's ``maxp``) are not refitted, and their relaxed fit is that of the last alpha
of the path that was refitted (``blend.relaxed(extend=TRUE)``).
"""
from __future__ import annotations

import warnings

import numpy as np
from scipy import linalg
from scipy.linalg import lapack
from scipy.optimize import lsq_linear

from . import _cholesky
from ._linalg import gram, matmul
from ._validation import check_number

# a Cholesky pivot below this times the root of G's largest diagonal entry: the support
# is taken as rank-deficient (minimum-norm least squares instead)
SINGULAR = np.sqrt(np.finfo(np.float64).eps)
# supports larger than this are factored by _cholesky.potrf_upper (interruptible
# between BLAS calls, issue 20; the same threshold and panels as Ridge's)
BLOCKED_CHOLESKY = 1024

# relaxed_path computes the Gram block of the features used along a path at once when
# they are at most this many (a block of 32 MB)
BLOCK_MAX = 2048

__all__ = ["blend", "check_gamma", "check_gammas", "relaxed_fit", "relaxed_path",
           "support_refit", "used_rows"]


def check_gamma(gamma):
    """gamma: a real number in [0, 1] (a clear error naming the parameter)."""
    check_number("gamma", gamma, low=0, high=1)
    return float(gamma)


def check_gammas(gammas):
    """gammas: None, or a non-empty 1-D list of numbers in [0, 1]; returns None for the
    plain (gamma = 1 only) cross-validation, else the sorted distinct values."""
    if gammas is None:
        return None
    items = np.ravel(np.asarray(gammas, dtype=object)) \
        if not isinstance(gammas, str) else [gammas]
    if np.ndim(np.asarray(gammas, dtype=object)) > 1 or len(items) == 0:
        raise ValueError(
            "The 'gammas' parameter must be None or a non-empty 1-D array-like of "
            f"floats in [0, 1], got {gammas!r}.")
    for g in items:
        if isinstance(g, (bool, np.bool_)) or not isinstance(g, (int, float, np.number)) \
                or not np.isfinite(g) or not 0 <= g <= 1:
            raise ValueError(
                "The 'gammas' parameter must be None or a non-empty 1-D array-like of "
                f"floats in [0, 1], got {gammas!r} (bad value {g!r}).")
    out = np.unique(np.asarray(items, dtype=np.float64))
    if out.size == 1 and out[0] == 1.0:
        return None
    return out


def _support_moments(problem, S):
    """G[S, S] and X~_S^T y~ (float64) of the problem as held."""
    kw = problem.kw
    if problem.kind == "gram":
        G = np.asarray(kw["gram"], dtype=np.float64)
        return G[np.ix_(S, S)], np.asarray(kw["Xy"], dtype=np.float64)[S]
    y = np.asarray(problem.y, dtype=np.float64)
    if problem.kind == "sparse":
        Xs = problem.prep.matrix()[:, S].astype(np.float64)
        G = (Xs.T @ Xs).toarray()
        b = np.asarray(Xs.T @ y).ravel()
        Q, B = kw["sparse"]["Q"], kw["sparse"]["B"]
        if Q is not None:
            # X~ = Xs - Q B with Q orthonormal and B = Q^T Xs
            BS = np.asarray(B, dtype=np.float64)[:, S]
            G -= BS.T @ BS
            b -= BS.T @ (np.asarray(Q, dtype=np.float64).T @ y)
        return G, b
    XS = np.asarray(kw["X"][:, S], dtype=np.float64)
    if kw.get("Xmean") is not None:
        XS = XS - np.asarray(kw["Xmean"], dtype=np.float64)[S]
    # (SciPy's BLAS, as the LAPACK calls that follow: see _linalg)
    b = matmul(XS, y, trans_a=True)
    if kw.get("gram") is not None:
        # (covariance updates on a full Gram matrix: its block, X~_S^T y~ alone)
        return np.asarray(kw["gram"], dtype=np.float64)[np.ix_(S, S)], b
    G = gram(XS)
    return np.triu(G) + np.triu(G, 1).T, b


def _least_squares(G, b, lo, hi, boxed=True):
    """argmin 1/2 w^T G w - b^T w over lo <= w <= hi (G positive semi-definite;
    ``boxed``: whether any bound is finite). LAPACK directly: a path makes many small
    solves, where SciPy's wrappers would cost more than the factorizations."""
    k = G.shape[0]
    if k > BLOCKED_CHOLESKY:
        c = np.array(G, dtype=np.float64, order="F", copy=True)
        info = _cholesky.potrf_upper(c, 256 if k < 3000 else 384, 1 << 26)
        c = np.triu(c)
    else:
        c, info = lapack.dpotrf(G, lower=0, clean=1)
    d = np.diag(c)
    ok = info == 0 and bool(np.all(d > SINGULAR * np.sqrt(np.max(np.diag(G)))))
    if ok:
        w, _ = lapack.dpotrs(c, b, lower=0)
        if not boxed or (np.all(w >= lo) and np.all(w <= hi)):
            return w
        # bounded least squares: ||R w - R^{-T} b||^2 with G = R^T R
        rhs = linalg.solve_triangular(c, b, trans="T", check_finite=False)
        return lsq_linear(c, rhs, bounds=(lo, hi), method="bvls", tol=1e-15).x
    # singular support (more features than the data's rank): minimum-norm
    # least squares through the symmetric square root of G
    vals, vecs = np.linalg.eigh(G)
    keep = vals > np.finfo(np.float64).eps * k * max(float(vals[-1]), 0.0)
    if not boxed:
        return vecs[:, keep] @ ((vecs[:, keep].T @ b) / vals[keep])
    A = (vecs[:, keep] * np.sqrt(vals[keep])).T
    rhs = (vecs[:, keep].T @ b) / np.sqrt(vals[keep])
    return lsq_linear(A, rhs, bounds=(lo, hi), method="bvls", tol=1e-15).x


def _refit_on(problem, S, block=None):
    """The least-squares fit of problem on the penalized features S (and the
    unpenalized ones), float64 (p,), zero elsewhere. ``block``: (rows, G[rows, rows],
    X~_rows^T y~) for rows holding S, if computed."""
    out = np.zeros((problem.n_features, 1), dtype=np.float64)
    if S.size:
        if block is None:
            G, b = _support_moments(problem, S)
        else:
            rows, G_rows, b_rows = block
            at = np.searchsorted(rows, S)
            G, b = G_rows[at][:, at], b_rows[at]
        # (the problem holds the target divided by y_scale: so are its bounds)
        pen = problem.penalty
        out[S, 0] = _least_squares(G, b, pen._lo[S] / problem.y_scale,
                                   pen._hi[S] / problem.y_scale,
                                   boxed=pen.box or pen.positive)
    if problem.unpen is not None:
        problem.unpen.recover(out)
    return out[:, 0] * problem.y_scale


def _penalized_support(problem, nonzero, rows):
    """The penalized features among rows[nonzero]."""
    S = rows[nonzero]
    if problem.unpen is not None:
        S = np.setdiff1d(S, problem.unpen.U)
    return S


def support_refit(problem, w):
    """The relaxed fit of the solution ``w`` (p,) of ``problem``: least squares on the
    features where w is nonzero (bounds kept, no penalty), in w's dtype; zero outside
    the support."""
    w = _on_kept(problem, np.asarray(w))
    rows = np.arange(w.shape[0])
    refit = _refit_on(problem, _penalized_support(problem, w != 0, rows))
    return _on_full(problem, refit.astype(w.dtype))


def _on_kept(problem, coefs):
    """coefs (n_features, ...) on the problem's own features: without the excluded
    ones (``exclude``, dropped by the engine; always 0)."""
    return coefs if problem.keep is None else coefs[problem.keep]


def _on_full(problem, kept):
    """_on_kept undone: zeros put back for the excluded features."""
    if problem.keep is None:
        return kept
    out = np.zeros((problem.n_full,) + kept.shape[1:], dtype=kept.dtype)
    out[problem.keep] = kept
    return out


def relaxed_path(problem, coefs, n_samples, rows=None):
    """The relaxed fits of a path of solutions ``coefs`` (p, n_alphas), alphas in
    decreasing order, as glmnet's ``relax.glmnet`` / ``blend.relaxed(extend=TRUE)``:
    one refit per distinct support of at most ``n_samples - 3`` features; the others
    take the refit of the last alpha that was refitted (or, if none was, their own
    penalized solution). Returns an array like coefs, or like ``coefs[rows]`` (rows:
    sorted indices that hold every nonzero of coefs, e.g. ``used_rows(coefs)``)."""
    coefs = np.asarray(coefs)
    if problem.keep is not None:
        # (excluded features: computed on the problem's own ones, zeros put back)
        full = _on_full(problem, _relaxed_path(problem, coefs[problem.keep],
                                               n_samples))
        return full if rows is None else full[np.asarray(rows)]
    return _relaxed_path(problem, coefs, n_samples, rows)


def _relaxed_path(problem, coefs, n_samples, rows=None):
    """relaxed_path on the problem's own features."""
    # (computed on the features nonzero somewhere along the path: the others are 0)
    used = used_rows(coefs)
    sub = coefs[used]
    nonzero = sub != 0
    counts = np.count_nonzero(nonzero, axis=0)
    maxp = n_samples - 3
    fits = np.empty_like(sub)
    block = None
    if problem.kind != "gram" and used.size <= BLOCK_MAX:
        # the moments of every feature used along the path at once (one product
        # instead of one per support, or the block of a full Gram matrix and the
        # used columns' X~^T y~; a Gram problem has them already)
        block = (used, *_support_moments(problem, used))
    done = {}
    last = None
    missing = []
    for j in range(sub.shape[1]):
        if counts[j] > maxp:
            missing.append(j)
            continue
        key = nonzero[:, j].tobytes()
        if key not in done:
            S = _penalized_support(problem, nonzero[:, j], used)
            done[key] = _refit_on(problem, S, block)[used]
        fits[:, j] = done[key]
        last = j
    for j in missing:
        fits[:, j] = fits[:, last] if last is not None else sub[:, j]
    rows = np.arange(coefs.shape[0]) if rows is None else np.asarray(rows)
    out = np.zeros((rows.size, coefs.shape[1]), dtype=coefs.dtype)
    out[np.searchsorted(rows, used)] = fits
    return out


def used_rows(coefs):
    """The features nonzero somewhere in coefs (p, k)."""
    return np.flatnonzero(np.any(np.asarray(coefs) != 0, axis=1))


def blend(gamma, coefs, refits):
    """glmnet's ``blend.relaxed``: gamma * coefs + (1 - gamma) * refits (exactly coefs
    at gamma = 1)."""
    if gamma == 1.0:
        return coefs
    return (gamma * coefs.astype(np.float64) +
            (1.0 - gamma) * refits.astype(np.float64)).astype(coefs.dtype)


def relaxed_fit(problem, w, gamma, n_samples, stacklevel=3):
    """The relaxed coefficients of one penalized solution w: blend(gamma, w, refit).
    A support of more than ``n_samples - 3`` features (glmnet's ``maxp``) has no
    refit without a path to borrow one from: w itself, with a warning."""
    if gamma == 1.0:
        return w
    if np.count_nonzero(w) > n_samples - 3:
        warnings.warn(
            f"gamma={gamma!r}: the support has {np.count_nonzero(w)} features, more "
            f"than n_samples - 3 = {n_samples - 3} (glmnet's maxp): it is not "
            "refitted, the coefficients are the penalized ones (as gamma=1).",
            UserWarning, stacklevel=stacklevel)
        return w
    return blend(gamma, w, support_refit(problem, w))
