"""Non-negative ridge by gradient projection and conjugate gradients (GPCG: Moré and
Toraldo, "On the solution of large quadratic programming problems with bound
constraints", SIAM J. Optim. 1(1), 1991, alg. 5.1), on products with Xc only: X is
never densified and no p x p matrix is formed.

For one target y and penalty a it minimizes

    f(w) = 1/2 ||y - Xc w||^2 + 1/2 a ||w||^2   subject to w >= 0

(half the prepared ridge objective). Each iteration (``_gpcg``): projected gradient
steps (``_projection_steps``: from the exact minimizer along -g, projected Armijo
search) while they change the set of zero coefficients and still decrease f
substantially; then conjugate gradients on the nonzero coefficients, the others held
at 0 (``_face_cg``), until an iteration gains less than a tenth of the best one, and a
projected search along that direction. On the optimal face the conjugate gradients
solve the problem: the method ends exactly.

It stops when the ridge duality gap (the kernel's formulation B with positive parts)
is at most ``tol * 2 f(w)``, for a = 0 (non-negative least squares, no bounded dual)
when every projected gradient entry is at most ``tol * ||Xc^T y||_inf``
(``_measure``), or when no step decreases f beyond rounding; then ``_polish`` solves
exactly on the face found.

The state of a solve is (w, r, f, u): the coefficients, the residual r = y - Xc w,
the objective f(w) and u = Xc^T r (so the gradient is g = a w - u).
"""
import functools
import warnings

import numpy as np
from scipy.sparse import linalg as sp_linalg
from sklearn.exceptions import ConvergenceWarning

_EPS = np.finfo(np.float64).eps
# Armijo's sufficient decrease: a step is taken when it gains at least this fraction of
# the decrease the linear model predicts (Moré and Toraldo's mu, any value in (0, 1/2))
_ARMIJO = 0.25
# step halvings of the projected search: 2^-60 of the first step is below rounding
_MAX_HALVINGS = 60
# a phase (projected steps, face CG) ends once a step gains less than this fraction of
# its best one: it then makes too little progress to be worth its products with X
_SLOW = 0.1
# polishing rounds at most: each drops at least one coefficient that leaves the
# feasible set, and the faces found are all but optimal
_POLISH_ROUNDS = 10


def _objective(design, a, w_new, w, r):
    """(residual, objective f) of w_new, from the residual r of w."""
    r_new = r - design.dot(w_new - w)
    return r_new, 0.5 * float(r_new @ r_new) + 0.5 * a * float(w_new @ w_new)


def _measure(w, u, f, a, scale0):
    """Relative optimality measure: the gap over the objective 2 f(w) (for a good fit
    much smaller than ||y||^2: stricter than the kernel's rule), or (a = 0) the largest
    projected gradient entry over ``scale0`` = ||Xc^T y||_inf."""
    if a > 0:
        gap = 0.5 * a * (w @ w) - u @ w + np.sum(np.maximum(u, 0) ** 2) / (2 * a)
        return gap / (2 * f) if f > 0 else 0.0
    g = -u
    pg = np.where(w > 0, g, np.minimum(g, 0))
    return float(np.max(np.abs(pg))) / scale0 if scale0 > 0 else 0.0


def _search(design, a, w, r, f, g, d, t):
    """Projected Armijo search along P(w + t d), t halved until the decrease is
    sufficient; returns (w, r, f, moved)."""
    for _ in range(_MAX_HALVINGS):
        w_new = np.maximum(w + t * d, 0)
        step = w_new - w
        if not np.any(step):
            return w, r, f, False
        r_new, f_new = _objective(design, a, w_new, w, r)
        if f_new <= f + _ARMIJO * float(g @ step):
            return w_new, r_new, f_new, True
        t *= 0.5
    return w, r, f, False


def _face_product(design, a, free, v):
    """(Xc^T Xc + a I) restricted to the coefficients ``free``, applied to v."""
    full = np.zeros(design.shape[1])
    full[free] = v
    return design.tdot(design.dot(full))[free] + a * v


def _projection_steps(design, a, w, r, f, u):
    """Projected gradient steps while they change the set of zero coefficients and
    still gain. Returns (w, r, f, u, progress, stalled): progress, whether any step
    moved; stalled, whether the curvature along -g vanished."""
    best = 0.0
    progress = False
    while True:
        g = a * w - u
        d = np.where((w > 0) | (g < 0), -g, 0.0)
        Xd = design.dot(d)
        curv = float(Xd @ Xd) + a * float(d @ d)
        if curv <= 0:
            return w, r, f, u, progress, True
        zero_before = w == 0
        # first trial step: the exact minimizer along d
        w, r, f_new, moved = _search(design, a, w, r, f, g, d, float(d @ d) / curv)
        gain, f = f - f_new, f_new
        u = design.tdot(r)
        best = max(best, gain)
        progress |= moved
        if (not moved or np.array_equal(w == 0, zero_before)
                or gain <= _SLOW * best):
            return w, r, f, u, progress, False


def _face_cg(design, a, g, free, scale0):
    """Conjugate gradients on the face of the coefficients ``free`` (the others held at
    0) for the step z minimizing the objective there; stops once an iteration gains
    less than _SLOW of the best one, or the residual reaches rounding."""
    z = np.zeros(len(free))
    res = -g[free]
    p = res.copy()
    rr = float(res @ res)
    best = 0.0
    for _ in range(max(len(free), 1)):
        Hp = _face_product(design, a, free, p)
        pHp = float(p @ Hp)
        if pHp <= 0 or rr <= (_EPS * scale0) ** 2:
            break
        step = rr / pHp
        z += step * p
        res -= step * Hp
        gain = 0.5 * step * rr
        best = max(best, gain)
        rr_new = float(res @ res)
        p = res + (rr_new / rr) * p
        rr = rr_new
        if gain <= _SLOW * best:
            break
    return z


def _polish(design, a, w, r, f, u, rel, scale0):
    """The exact minimizer on the face found (a tight CG solve); if it leaves the
    feasible set, step to the boundary, drop the coefficients that reach 0 and solve
    again (Lawson and Hanson, "Solving least squares problems", 1974, ch. 23); kept
    only if it lowers f. On the optimal face this is the solution to rounding (kept
    when f is equal up to rounding: near the solution f is flat while the coefficients
    still move). Returns (w, rel)."""
    free = np.flatnonzero(w > 0)
    for _ in range(_POLISH_ROUNDS):
        if not len(free):
            break
        g = a * w - u
        op = sp_linalg.LinearOperator(
            (len(free),) * 2, matvec=functools.partial(_face_product, design, a, free),
            dtype=np.float64)
        z, _ = sp_linalg.cg(op, -g[free], rtol=1e-14, maxiter=4 * len(free) + 20)
        wf = w[free]
        blocked = np.flatnonzero(wf + z <= 0)
        ratios = wf[blocked] / -z[blocked]      # where each reaches 0, in (0, 1]
        theta = float(np.min(ratios)) if len(blocked) else 1.0
        w_new = w.copy()
        w_new[free] = np.maximum(wf + theta * z, 0)
        w_new[free[blocked[ratios <= theta]]] = 0
        r_new, f_new = _objective(design, a, w_new, w, r)
        if f_new > f + 4 * _EPS * abs(f):       # (equal up to rounding is fine)
            break
        w, r, f = w_new, r_new, f_new
        u = design.tdot(r)
        rel = _measure(w, u, f, a, scale0)
        free = np.flatnonzero(w > 0)
        if theta == 1:
            break
    return w, rel


def _gpcg(design, y, a, tol, max_iter):
    """GPCG for one target; returns (w, iterations, final optimality measure)."""
    n_features = design.shape[1]
    yy = float(y @ y)
    w = np.zeros(n_features)
    r = y.copy()                         # y - Xc w
    u = design.tdot(r)                   # Xc^T r
    scale0 = float(np.max(np.abs(u))) if n_features else 0.0
    f = 0.5 * yy
    rel = _measure(w, u, f, a, scale0)
    it = 0
    stalled = False
    while rel > tol and it < max_iter and not stalled:
        it += 1
        f_start = f
        w, r, f, u, progress, stalled = _projection_steps(design, a, w, r, f, u)
        rel = _measure(w, u, f, a, scale0)
        if rel <= tol or stalled:
            break
        g = a * w - u
        free = np.flatnonzero(w > 0)
        if len(free) == 0:
            stalled = not progress
            continue
        d = np.zeros(n_features)
        d[free] = _face_cg(design, a, g, free, scale0)
        w, r, f, moved = _search(design, a, w, r, f, g, d, 1.0)
        u = design.tdot(r)
        rel = _measure(w, u, f, a, scale0)
        # neither phase decreases f beyond rounding any more
        stalled = not (progress or moved) or f_start - f <= 4 * _EPS * abs(f)
    w, rel = _polish(design, a, w, r, f, u, rel, scale0)
    return w, it, rel


def _solve_positive(design, Y, alphas, tol, max_iter):
    """Non-negative ridge (GPCG, see the module docstring) for each target k with
    penalty alphas[k]; returns coef (t, p) and iterations per target."""
    n_samples, n_features = design.shape
    coef = np.zeros((Y.shape[1], n_features))
    n_iter = np.zeros(Y.shape[1], dtype=np.int32)
    for k, a in enumerate(alphas):
        w, it, rel = _gpcg(design, Y[:, k], a, tol, max_iter)
        if rel > tol:
            warnings.warn(
                f"Non-negative ridge did not converge after {it} iterations: relative "
                f"gap {rel:.2e}, tolerance {tol:.2e}. Increase max_iter or tol.",
                ConvergenceWarning, stacklevel=4)
        coef[k] = w
        n_iter[k] = max(it, 1)
    return coef, n_iter
