"""NumPy references shared by the test modules: objectives, duality gaps, KKT residuals.

Everything here is written from the definitions, in float64, independently of fastreg and
of scikit-learn; test modules import these helpers (never each other). Two scales appear:

* the kernel's: P(w) = 0.5 ||y - Xw||^2 + l1 ||w||_1 + 0.5 l2 ||w||^2 on the data as
  given (``primal_dual_gap``, ``kkt_residuals``, ``l1_max``);
* scikit-learn's, on the user's data: (1 / 2n) sum_i sw_i (y_i - x_i w - b)^2
  + alpha l1_ratio ||w||_1 + alpha (1 - l1_ratio) / 2 ||w||^2 with the weights rescaled to
  sum to n (``objective``, ``dual_gap``, ``alpha_max``); with ``X_s, y_s`` the weighted,
  centered, sqrt(sw)-scaled data (``centered_scaled``) it is the kernel's problem divided
  by n, with l1 = alpha l1_ratio n and l2 = alpha (1 - l1_ratio) n.

Multi-task versions (``multitask_dual_gap``, ``multitask_kkt``; ``objective`` with a 2-D
y) replace |w_j| by the row norm ||W_j||_2.
"""
import functools
import re

import numpy as np
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal

# A recomputed gap vs the reported one: relative, plus an absolute slack of a few hundred
# ulps of the gap's natural scale ||y_s||^2 / n (the gap is a difference of terms of that
# size, so its rounding error is absolute, not relative to the tiny gap itself).
GAP_RTOL = 1e-6
GAP_ATOL_ULPS = 500
GAP_ATOL = GAP_ATOL_ULPS * np.finfo(np.float64).eps  # times ||y_s||^2 / n


# ---------------------------------------------------------------------------------------
# Synthetic single-target problems (tall, wide, correlated), with sample weights
# ---------------------------------------------------------------------------------------

SHAPES = {"tall": (100, 12), "wide": (40, 120), "correlated": (60, 40)}


@functools.cache
def _enet_problem(kind):
    rng = np.random.default_rng(sorted(SHAPES).index(kind))
    n, p = SHAPES[kind]
    if kind == "correlated":
        # equicorrelated columns (rho = 0.9) plus a nearly duplicated pair
        factor = rng.normal(size=(n, 1))
        X = np.sqrt(0.9) * factor + np.sqrt(0.1) * rng.normal(size=(n, p))
        X[:, 5] = X[:, 4] + 0.01 * rng.normal(size=n)
    else:
        X = rng.normal(size=(n, p))
    X += rng.normal(scale=3.0, size=p)  # column means: the intercept matters
    w = np.zeros(p)
    w[:4] = [3.0, -2.0, 1.5, 1.0]
    y = X @ w + 5.0 + 0.5 * rng.normal(size=n)
    sw = rng.uniform(0.2, 3.0, size=n)
    return X, y, sw


def enet_problem(kind, dtype=np.float64):
    """Fresh (writeable) copies of a fixed synthetic problem (``SHAPES``): X, y, weights."""
    X, y, sw = _enet_problem(kind)
    return X.astype(dtype), y.astype(dtype), sw.astype(dtype)


# ---------------------------------------------------------------------------------------
# scikit-learn's conventions: weights, centering, alpha_max
# ---------------------------------------------------------------------------------------

def normalized_weights(n_samples, sample_weight):
    """sklearn's convention: weights rescaled to sum to n_samples; ones when None."""
    if sample_weight is None:
        return np.ones(n_samples)
    sw = np.asarray(sample_weight, dtype=np.float64)
    return sw * (n_samples / sw.sum())


def centered_scaled(X, y, fit_intercept, sample_weight):
    """(X_s, y_s): weighted-centered when fitting an intercept, rows scaled by sqrt(sw)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    sw = normalized_weights(X.shape[0], sample_weight)
    if fit_intercept:
        X = X - np.average(X, axis=0, weights=sw)
        y = y - np.average(y, weights=sw)
    root = np.sqrt(sw)
    return root[:, None] * X, root * y


def alpha_max(X, y, l1_ratio=1.0, fit_intercept=True, sample_weight=None):
    """Smallest alpha with an all-zero solution: max_j |x_j^T sw (y - ybar)| / (n l1_ratio)."""
    Xs, ys = centered_scaled(X, y, fit_intercept, sample_weight)
    return np.max(np.abs(Xs.T @ ys)) / (X.shape[0] * l1_ratio)


def l1_max(X, y, positive=False):
    """The kernel's scale: smallest l1 with w = 0 optimal, max_j x_j^T y (|.| unless
    positive), on X and y as given."""
    Xty = X.astype(np.float64).T @ y.astype(np.float64)
    return np.max(Xty) if positive else np.max(np.abs(Xty))


# ---------------------------------------------------------------------------------------
# Objectives
# ---------------------------------------------------------------------------------------

def objective(X, y, coef, intercept, alpha, l1_ratio=1.0, sample_weight=None):
    """sklearn's elastic-net objective with sw summing to n (X dense or sparse):
    (1/2n) sum_i sw_i (y_i - x_i w - b)^2 + alpha l1_ratio |w|_1 + alpha (1 - l1_ratio)/2 |w|^2

    With a 2-D y (n, T), coef of shape (T, p) and intercept (T,) or a scalar: the
    multi-task objective, (1/2n) sum_i sw_i ||y_i - W x_i - b||^2
    + alpha l1_ratio sum_j ||W[:, j]||_2 + alpha (1 - l1_ratio)/2 ||W||_F^2.
    """
    X = X.astype(np.float64) if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w = np.asarray(coef, dtype=np.float64)
    n = X.shape[0]
    sw = normalized_weights(n, sample_weight)
    if y.ndim == 2:
        R = y - X @ w.T - np.asarray(intercept, dtype=np.float64)
        return (sw @ np.sum(R * R, axis=1) / (2 * n)
                + alpha * l1_ratio * np.sum(np.linalg.norm(w, axis=0))
                + 0.5 * alpha * (1 - l1_ratio) * np.sum(w * w))
    r = y - X @ w - float(intercept)
    return (sw @ r**2 / (2 * n) + alpha * l1_ratio * np.abs(w).sum()
            + 0.5 * alpha * (1 - l1_ratio) * (w @ w))


def ridge_objective(X, y, coef, intercept, alpha, sample_weight=None):
    """scikit-learn Ridge's objective: sum_i sw_i (y_i - x_i w - b)^2 + alpha ||w||^2
    (weights as given, no 1 / n)."""
    r = y - X @ coef - intercept
    return (np.ones(X.shape[0]) if sample_weight is None else sample_weight) @ r ** 2 + \
        alpha * coef @ coef


# ---------------------------------------------------------------------------------------
# Duality gaps
# ---------------------------------------------------------------------------------------

def primal_dual_gap(X, y, w, l1, l2, positive=False):
    """The kernel's duality gap, P(w) - D(s R), on X and y as given (float64).

    R = y - Xw, XtA = X^T R - l2 w.
      l1 > 0 (formulation A): s = min(1, l1 / ||XtA||_inf) (max(XtA) when positive),
        P = ||R||^2/2 + l1 |w|_1 + l2 |w|^2/2,  D = -s^2 (||R||^2 + l2 |w|^2)/2 + s R.y.
      l1 = 0 (ridge, formulation B): P - D = R.R + l2 w.w/2 - R.y + |v|^2 / (2 l2), with
        v = X^T R (its positive part when positive).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    R = y - X @ w
    XtR = X.T @ R
    primal = 0.5 * R @ R + l1 * np.abs(w).sum() + 0.5 * l2 * w @ w
    if l1 > 0:
        XtA = XtR - l2 * w
        dnorm = np.max(XtA) if positive else np.max(np.abs(XtA))
        s = min(1.0, l1 / dnorm) if dnorm > 0 else 1.0
        dual = -0.5 * s**2 * (R @ R + l2 * w @ w) + s * R @ y
        return primal - dual
    v = np.maximum(XtR, 0) if positive else XtR
    return R @ R + 0.5 * l2 * w @ w - R @ y + v @ v / (2 * l2)


def dual_gap(X, y, coef, alpha, l1_ratio=1.0, fit_intercept=True, positive=False,
             sample_weight=None):
    """The duality gap that ``dual_gap_`` reports, and its scale ||y_s||^2 / n.

    ``primal_dual_gap`` on X_s, y_s (``centered_scaled``) with l1 = alpha l1_ratio n and
    l2 = alpha (1 - l1_ratio) n, divided by n.
    """
    Xs, ys = centered_scaled(X, y, fit_intercept, sample_weight)
    n = Xs.shape[0]
    gap = primal_dual_gap(Xs, ys, coef, alpha * l1_ratio * n, alpha * (1 - l1_ratio) * n,
                          positive)
    return gap / n, (ys @ ys) / n


def multitask_dual_gap(X, Y, W, alpha, l1_ratio):
    """scikit-learn's multi-task duality gap on its scale (divided by n), on X and Y as
    given, at W of shape (T, p); returns (gap, ||Y||_F^2 / n)."""
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    n = X.shape[0]
    l1 = alpha * l1_ratio * n
    l2 = alpha * (1 - l1_ratio) * n
    R = Y - X @ W.T
    RR = np.sum(R * R)
    Ry = np.sum(R * Y)
    w2 = np.sum(W * W)
    XtR = X.T @ R
    if l1 > 0:
        # primal P(W), and the dual at theta = s R with s making theta feasible for the
        # group dual norm max_j ||x_j^T theta - l2 W_j|| (scikit-learn's choice)
        dnorm = np.max(np.linalg.norm(XtR - l2 * W.T, axis=1))
        s = min(1.0, l1 / dnorm) if dnorm > 0 else 1.0
        primal = 0.5 * (RR + l2 * w2) + l1 * np.sum(np.linalg.norm(W, axis=0))
        dual = -0.5 * s * s * (RR + l2 * w2) + s * Ry
        gap = primal - dual
    elif l2 > 0:
        gap = RR + 0.5 * l2 * w2 - Ry + np.sum(XtR * XtR) / (2 * l2)
    else:
        gap = np.sum(XtR * XtR)
    return gap / n, np.sum(Y * Y) / n


def assert_gap(reported, gap, scale, tol, atol_factor=GAP_ATOL, where=""):
    """A reported gap equals the NumPy recomputation ``gap`` (to GAP_RTOL, plus
    ``atol_factor * scale``) and the recomputed gap is below ``tol * scale``, to the same
    absolute slack; ``scale`` is the problem's ||y_s||^2 / n."""
    atol = atol_factor * scale
    assert_allclose(reported, gap, rtol=GAP_RTOL, atol=atol,
                    err_msg=f"{where}reported gap vs NumPy recomputation (scale {scale:.3e})")
    assert gap <= tol * scale + atol, (
        f"{where}gap {gap:.3e} > tol * ||y_s||^2 / n = {tol * scale:.3e}")


# ---------------------------------------------------------------------------------------
# Optimality (KKT) conditions
# ---------------------------------------------------------------------------------------

def correlation(X, y, w, l2, per_sample=False):
    """Minus the gradient of the smooth part: X^T (y - Xw) - l2 w, or X^T (y - Xw) / n
    - l2 w with ``per_sample`` (scikit-learn's scale). l2 may be per feature."""
    X = np.asarray(X, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    XtR = X.T @ (np.asarray(y, dtype=np.float64) - X @ w)
    if per_sample:
        XtR = XtR / X.shape[0]
    return XtR - l2 * w


def kkt_residuals(X, y, w, l1, l2, positive=False, lower=None, upper=None,
                  bound_atol=0.0, per_sample=False):
    """Per feature, the distance of 0 from -grad + l1 d|w_j| (+ the normal cone of the box).

    With g = ``correlation(X, y, w, l2, per_sample)`` (l1, l2 scalars or per feature):
    w_j > 0: g_j - l1_j; w_j < 0: g_j + l1_j; w_j = 0: sign(g_j) max(|g_j| - l1_j, 0), or
    max(g_j - l1_j, 0) when positive. At a bound (within ``bound_atol``) a residual that
    pushes outwards (above ``upper``, below ``lower``) is 0.
    """
    w = np.asarray(w, dtype=np.float64)
    g = correlation(X, y, w, l2, per_sample)
    r = np.where(w > 0, g - l1, np.where(w < 0, g + l1, 0.0))
    if positive:
        at_zero = np.maximum(g - l1, 0)
    else:
        at_zero = np.sign(g) * np.maximum(np.abs(g) - l1, 0)
    r = np.where(w == 0, at_zero, r)
    if upper is not None:
        r = np.where((w >= np.asarray(upper) - bound_atol) & (r > 0), 0.0, r)
    if lower is not None:
        r = np.where((w <= np.asarray(lower) + bound_atol) & (r < 0), 0.0, r)
    return r


def kkt_violation(X, y, w, l1, l2, positive=False):
    """Largest KKT residual on the kernel's scale, relative to max_j |x_j^T y|."""
    viol = np.abs(kkt_residuals(X, y, w, l1, l2, positive))
    return np.max(viol) / max(l1_max(X, y), 1e-300)


def multitask_kkt(X, Y, W, a1, a2):
    """Multi-task optimality on scikit-learn's scale, W of shape (p, T), X and Y as given.

    Returns (res, top): res the norms of x_j^T R / n - a2 W_j - a1 W_j / ||W_j|| over the
    nonzero rows (0 at the optimum), top the norms of x_j^T R / n over the zero rows (at
    most a1 at the optimum).
    """
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    grad = X.T @ (Y - X @ W) / X.shape[0]                       # (p, T)
    norms = np.linalg.norm(W, axis=1)
    nz = norms > 0
    res = grad[nz] - a2 * W[nz] - a1 * W[nz] / norms[nz, None]
    return np.linalg.norm(res, axis=1), np.linalg.norm(grad[~nz], axis=1)


# ---------------------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------------------

def assert_coefs_per_alpha(coefs, ref, rtol):
    """Alpha by alpha (last axis), relative to the largest reference coefficient of that
    alpha; exactly zero where the reference is all zeros."""
    assert coefs.shape == ref.shape
    for k in range(ref.shape[-1]):
        big = np.max(np.abs(ref[..., k]))
        if big == 0:
            assert_array_equal(coefs[..., k], 0.0,
                               err_msg=f"alpha #{k}: the reference is all zeros")
        else:
            assert_allclose(coefs[..., k], ref[..., k], rtol=rtol, atol=rtol * big,
                            err_msg=f"alpha #{k}")


# ---------------------------------------------------------------------------------------
# Docstrings
# ---------------------------------------------------------------------------------------

def documented_names(doc, section):
    """Names listed in a numpydoc section ('name : type' lines)."""
    match = re.search(rf"\n\s*{section}\n\s*-+\n(.*?)(\n\s*\n\s*[A-Z][a-z]+\n\s*-+\n|\Z)",
                      doc, flags=re.S)
    if match is None:
        return set()
    names = set()
    for line in match.group(1).splitlines():
        m = re.match(r"\s*(\*{0,2}[A-Za-z_][A-Za-z0-9_]*)\s*:", line)
        if m:
            names.add(m.group(1).lstrip("*"))
    return names


def exact_ridge_rational(X, y, alpha, fit_intercept=True):
    """Ridge coefficients solved exactly in rational arithmetic (``fractions``), then
    rounded: (Xc^T Xc + alpha I) w = Xc^T yc, Xc and yc the data as given, centered
    exactly when ``fit_intercept``. Every float is a rational, so this is the exact
    solution of the float64 problem, whatever its scaling (small problems only)."""
    from fractions import Fraction
    n, p = X.shape
    F = [[Fraction(float(v)) for v in row] for row in np.asarray(X)]
    Y = [Fraction(float(v)) for v in y]
    if fit_intercept:
        for j in range(p):
            m = sum(F[i][j] for i in range(n)) / n
            for i in range(n):
                F[i][j] -= m
        m = sum(Y) / n
        Y = [v - m for v in Y]
    a = Fraction(float(alpha))
    A = [[sum(F[i][j] * F[i][k] for i in range(n)) + (a if j == k else 0)
          for k in range(p)] for j in range(p)]
    b = [sum(F[i][j] * Y[i] for i in range(n)) for j in range(p)]
    for c in range(p):                                 # Gaussian elimination
        piv = next(r for r in range(c, p) if A[r][c] != 0)
        A[c], A[piv], b[c], b[piv] = A[piv], A[c], b[piv], b[c]
        for r in range(c + 1, p):
            f = A[r][c] / A[c][c]
            if f:
                for k in range(c, p):
                    A[r][k] -= f * A[c][k]
                b[r] -= f * b[c]
    w = [Fraction(0)] * p
    for c in reversed(range(p)):
        w[c] = (b[c] - sum(A[c][k] * w[k] for k in range(c + 1, p))) / A[c][c]
    return np.array([float(v) for v in w])


def exact_ridge_loo(X, y, alphas, fit_intercept=True):
    """Mean squared leave-one-out error of each alpha, every fit exact
    (``exact_ridge_rational``)."""
    n = len(y)
    out = []
    for a in alphas:
        err = 0.0
        for i in range(n):
            keep = np.arange(n) != i
            w = exact_ridge_rational(X[keep], y[keep], a, fit_intercept)
            b = (y[keep].mean() - X[keep].mean(axis=0) @ w) if fit_intercept else 0.0
            err += (y[i] - X[i] @ w - b) ** 2
        out.append(err / n)
    return np.array(out)
