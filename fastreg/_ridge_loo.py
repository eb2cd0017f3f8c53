"""RidgeCV's leave-one-out errors: one eigendecomposition (or one SVD) of a prepared
problem gives the ridge coefficients and the leave-one-out residuals of every alpha;
each extra alpha costs O(n_samples * min(n_samples, n_features)) per target, run for
blocks of alphas as matrix products.
"""
from contextlib import nullcontext

import numpy as np
from scipy.linalg import blas, lapack

from ._linalg import matmul, sq_norm
from ._ridge_design import _Design, _full
from ._ridge_solvers import (
    _RCOND_MIN,
    _cholesky_columns,
    _jacobi_svd,
    _solve_svd,
    _spectral_filter,
    _svd,
    _wide_solve,
    badly_scaled,
    eigh,
    equilibrated_cholesky,
)
from ._threads import kernel_scope

# eigendecompositions of matrices smaller than this run on one thread: a second thread
# gains nothing there, and SciPy's threads compete with NumPy's, still spinning after
# the Gram product
_SMALL_EIGH = 256
# ... from this order on (below it no BLAS call threads, and the limit's change would
# cost more than the decomposition: diabetes' 10 x 10)
_TINY_EIGH = 32

# the leave-one-out diagonal and fit of a long problem use the filter matrix
# D = 1 / (lam + alpha) (n_components x n_alphas) through products B^2 D and
# (B * B^T y) D, 2 n p k multiply-adds (more than X^T X itself for k > p / 4). D is a
# Cauchy matrix, numerically of low rank when the alphas lie away from the spread of
# the eigenvalues; factors L R of it within this many rounding units replace those
# products by ones of that rank (the tolerance: max(this, n_components) ulps, the
# standard rounding bound of the full products' sums of n_components positive terms):
# its truncated SVD (``_low_rank_filter``: relative to its smallest entry, reached
# only when the eigenvalues span less than ~16x) or, on tall designs, the
# interpolation of its rows in alpha (``_interpolated_filter``: relative to each
# entry; rank 12 for 100 alphas on 20000 x 100 .. 1000 AR(1) designs)
_LOW_RANK_ULPS = 64


def _low_rank_filter(D):
    """(L, R) with D ~ L @ R (rank m), each entry's error at most
    max(_LOW_RANK_ULPS, n_components) rounding units of the smallest entry of its
    column (all entries of D are positive, as are the sums B^2 D: that bounds the
    diagonal's relative error, and the fit's
    error by that of the full product's rounding), or None when D is not finite or
    the rank saves less than half of the products."""
    r, k = D.shape
    if r < 8 or k < 8 or not np.all(np.isfinite(D)):
        return None
    # columns scaled to a largest entry of 1: the SVD's errors relative to each column
    w = np.max(D, axis=0)
    if not np.all(w > 0):
        return None
    Dn = D / w
    P, sv, Qt = np.linalg.svd(Dn, full_matrices=False)
    tol = max(_LOW_RANK_ULPS, r) * np.finfo(float).eps * float(np.min(Dn))
    small = np.flatnonzero(sv <= tol)
    m = int(small[0]) if len(small) else len(sv)
    if m == 0 or 2 * m * (r + k) > r * k:
        return None
    return P[:, :m] * sv[:m], Qt[:m] * w


def _interpolated_filter(lam, alphas):
    """(L, R) with D = 1 / (lam + alphas) ~ L @ R, each entry within
    max(_LOW_RANK_ULPS, n_components) rounding units of itself, or None when that
    saves less than half of the products (or D is not finite and positive).

    Each row of D, 1 / (lam_j + alpha), is a function of alpha with one pole, at
    -lam_j, outside [min(alphas), max(alphas)]: its polynomial interpolant at m
    Chebyshev points of that interval converges like rho^-m, rho growing with the
    pole's distance, so on a tall design (eigenvalues lam ~ n_samples, far above
    the alphas) a dozen points give every entry to rounding, where the SVD of D
    (``_low_rank_filter``) stops at its normwise floor: the smallest entries lose
    ~(largest / smallest) ulps. The rows that do not converge (eigenvalues near
    the alphas) are kept exactly: L has a unit column for each, R that row of D.
    Every entry's error is measured on the given alphas (the barycentric formula's
    rounding included), not bounded: the rows are chosen by it."""
    lam = np.asarray(lam, dtype=float)
    alphas = np.asarray(alphas, dtype=float)
    r, k = len(lam), len(alphas)
    if r < 8 or k < 8:
        return None
    a, b = float(np.min(alphas)), float(np.max(alphas))
    with np.errstate(all="ignore"):
        D = 1.0 / (lam[:, None] + alphas[None, :])
    if not (b > a and np.isfinite(a + b) and np.all(np.isfinite(D))
            and np.all(D > 0)):
        return None
    tol = max(_LOW_RANK_ULPS, r) * np.finfo(float).eps
    best = None
    for m in (6, 8, 10, 12, 16, 20, 24, 32):
        if m >= k:
            break
        theta = (2 * np.arange(m) + 1) * np.pi / (2 * m)
        t = 0.5 * (a + b) + 0.5 * (b - a) * np.cos(theta)
        w = np.sin(theta) * (-1.0) ** np.arange(m)
        diff = alphas[None, :] - t[:, None]                    # (m, k)
        hit = diff == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            C = w[:, None] / diff
            basis = C / C.sum(axis=0)        # Lagrange basis (barycentric, 2nd form)
        cols = np.flatnonzero(hit.any(axis=0))
        basis[:, cols] = hit[:, cols]        # an alpha at a point: its unit vector
        N = 1.0 / (lam[:, None] + t[None, :])                  # (r, m), positive
        with np.errstate(invalid="ignore"):
            good = np.max(np.abs(N @ basis - D) / D, axis=1) <= tol
        q = m + r - int(np.count_nonzero(good))
        if best is None or q < best[0]:
            best = (q, m, good, N, basis)
    if best is None:
        return None
    q, m, good, N, basis = best
    if 2 * q * (r + k) > r * k:
        return None
    rest = np.flatnonzero(~good)
    L = np.zeros((r, q))
    L[good, :m] = N[good]
    L[rest, m + np.arange(len(rest))] = 1.0
    return L, np.vstack([basis, D[rest]])


class _Spectrum:
    """One decomposition of a prepared problem giving, for any alpha, the ridge
    coefficients and the leave-one-out residuals (Rifkin & Lippert, "Notes on
    regularized least squares", MIT-CSAIL-TR-2007-025, 2007).

    With G = Xc Xc^T + alpha I and c = G^{-1} y, the leave-one-out residuals are
    c / diag(G^{-1}); with an intercept (the column sqrt_sw, centered out of Xc),
    diag(G^{-1}) loses G^{-1} sqrt_sw * sqrt_sw / sum(sw) (scikit-learn's _RidgeGCV).

    * wide (n <= p): G^{-1} = Q diag(1 / (lam + alpha)) Q^T with Xc Xc^T = Q lam Q^T
      (eigendecomposition, or Q = U, lam = s^2 of the SVD of Xc);
    * long (n > p): alpha G^{-1} = I - B diag(1 / (lam + alpha)) B^T with B = Xc V,
      Xc^T Xc = V lam V^T (from the SVD: I - U diag(s^2 / (s^2 + alpha)) U^T).

    Per alpha and target: O(n * min(n, p)) operations, run for blocks of alphas at
    once as matrix products (one pass over B or Q per block, not per alpha).
    """

    def __init__(self, design, Y, mode, fit_intercept, alpha_min=0.0, normal=None):
        n_samples, n_features = design.shape
        self.design, self.Y, self.fit_intercept = design, Y, fit_intercept
        self.wide = n_samples <= n_features
        self.sqrt_sw = design.sqrt_sw
        jacobi = False
        if not design.sparse:
            # a badly scaled column: the eigendecomposition (and the bidiagonalizing
            # SVD) lose the small directions; the one-sided Jacobi SVD keeps them
            with np.errstate(over="ignore", invalid="ignore"):
                jacobi = badly_scaled(design.col_sq_norms(), alpha_min)
            mode = "svd" if jacobi else mode
        self.svd = mode == "svd"
        # long problems: B = Xc V (n x r, the size of X) is never formed in full; its
        # rows are computed block by block where they are needed (``_rows``), so that
        # RidgeCV holds no second copy of X
        self.U = self.Q = self.V = None
        if self.svd:
            U, s, Vt = (_jacobi_svd if jacobi else _svd)(design.fortran())
            self.s, self.V = s, Vt.T
            with np.errstate(over="ignore"):
                self.lam = s ** 2
            # wide: Q = U; long: the leave-one-out residuals from the rows of U and the
            # filter s^2 / (s^2 + alpha) (U diag(s) would overflow in s^2 for huge s)
            if self.wide:
                self.Q = U
            else:
                self.U = U
        else:
            # (the full matrix: LAPACK's tridiagonal reduction from the lower triangle
            # was the more accurate on badly scaled real data, e.g. ames). Divide and
            # conquer (evd): faster than the default MRRR driver (evr), much faster on
            # the zero eigenvalue of a centered Gram matrix
            if normal is not None:       # (long: Xc^T Xc, Xc^T Y from loo_solver)
                G, self.XtY = normal
            else:
                G = design.gram_samples() if self.wide else design.gram_features()
                self.XtY = None
            self.gram = _full(G)
            self.kappa = design.kappa
            # small: SciPy's LAPACK on one thread (see _SMALL_EIGH)
            with kernel_scope if _TINY_EIGH <= len(self.gram) < _SMALL_EIGH else \
                    nullcontext():
                lam, vectors = eigh(self.gram)
            self.lam = np.maximum(lam, 0)   # a Gram matrix: rounding made some < 0
            if self.wide:
                self.Q = vectors
            else:
                self.V = vectors
        if self.wide:
            self.MtY = self.Q.T @ Y
            self.Mts = self.Q.T @ self.sqrt_sw
        elif self.svd:
            self.MtY = self.U.T @ Y                     # U^T Y
            self.Mts = None      # (U^T s = 0 as B^T s = 0: not needed, see loo)
        else:
            if self.XtY is None:
                self.XtY = design.tdot(Y)
            self.MtY = self.V.T @ self.XtY              # B^T Y = V^T Xc^T Y
            self.Mts = None

    def _rows(self, i):
        """Rows i (a slice) of Q (wide) or of B = Xc V (long), the latter computed
        from X's rows (never formed in full)."""
        if self.wide:
            return self.Q[i]
        if self.svd:
            return self.U[i]                 # (its filter D holds the s^2)
        return self.design.dot_rows(i, self.V)

    def _row_step(self, per_row):
        """Rows per block: about ``per_row`` floats each, a block of at most 1/16 of
        the size of B, or of a sparse X when that is smaller (B = Xc V is dense: its
        blocks are temporaries of the size of X's), and at most 2^20 floats, at least
        2^14."""
        n = self.Y.shape[0]
        r = len(self.lam)
        size = n * max(r, 1)
        A = getattr(self.design, "A", None)
        if getattr(self.design, "sparse", False) and A is not None:
            size = min(size, 3 * A.nnz // 2)      # (X's bytes / 8: values, indices)
        budget = max(1 << 14, min(1 << 20, size // 16))
        return max(1, budget // max(per_row, 1))

    def _loo_rows(self, i, Mi, D, DY, DQs, low=None):
        """Leave-one-out residuals (rows of i, k, t) from the rows Mi of Q or B
        (``low``: D's low-rank factors (L, R), long problems with one target)."""
        n, t = self.Y.shape
        k = D.shape[1]
        s = self.sqrt_sw
        ss = sq_norm(s)
        if low is None:
            fit = matmul(Mi, DY).reshape(-1, k, t)
            diag = matmul(np.square(Mi), D)                       # (rows, k)
        else:
            L, R = low
            fit = matmul(matmul(Mi, L * self.MtY), R).reshape(-1, k, 1)
            diag = matmul(matmul(np.square(Mi), L), R)
        if self.wide:
            c = fit
            if DQs is not None:
                diag -= matmul(Mi, DQs) * (s[i] / ss)[:, None]
        else:
            # (in place: these arrays are as large as the block's residuals)
            c = np.subtract(self.Y[i, None, :], fit, out=fit)
            if self.fit_intercept:
                diag += (s[i] * s[i] / ss)[:, None]
            diag = np.subtract(1.0, diag, out=diag)
        c /= diag[:, :, None]
        return c

    def _loo_factors(self, alphas):
        self._alphas = alphas
        k = len(alphas)
        t = self.Y.shape[1]
        if self.svd and not self.wide:
            # the hat matrix U diag(s^2 / (s^2 + alpha)) U^T: D is that filter
            D = self.s[:, None] * _spectral_filter(None, alphas, self.s)
        else:
            D = 1.0 / (self.lam[:, None] + alphas[None, :])         # (r, k)
        r = len(self.lam)
        DY = (D[:, :, None] * self.MtY[:, None, :]).reshape(r, k * t)
        # the intercept's share of the diagonal: the column s, centered out of Xc.
        # Wide: it lies in the null space of Xc Xc^T, so it is one of Q's columns
        # (Q^T s != 0); long: B^T s = V^T Xc^T s = 0, so only s s^T / (s^T s) is left.
        DQs = D * self.Mts[:, None] if self.fit_intercept and self.wide else None
        return D, DY, DQs

    def _low_rank(self, D):
        """D's low-rank factors where they apply (long, eigen mode, one target)."""
        if self.wide or self.svd or self.Y.shape[1] != 1:
            return None
        svd = _low_rank_filter(D)
        interp = _interpolated_filter(self.lam, self._alphas)
        if svd is None or (interp is not None and
                           interp[0].shape[1] < svd[0].shape[1]):
            return interp
        return svd

    def loo_residuals(self, alphas):
        """Leave-one-out residuals (n, len(alphas), t) of the prepared problem, by
        blocks of rows of Q or B (their squares are formed block by block, never in
        full)."""
        n, t = self.Y.shape
        k = len(alphas)
        D, DY, DQs = self._loo_factors(alphas)
        low = self._low_rank(D)
        out = np.empty((n, k, t))
        step = self._row_step(len(self.lam) + 2 * k)
        for start in range(0, n, step):
            i = slice(start, min(start + step, n))
            out[i] = self._loo_rows(i, self._rows(i), D, DY, DQs, low)
        return out

    def loo_sq_sums(self, alphas, scale=1.0):
        """Sums over the samples of the squared leave-one-out residuals divided by
        ``scale``, (len(alphas), t): every alpha at once, one pass over the rows of Q
        or B (what RidgeCV's default score needs, without the (n, k, t) residuals)."""
        n, t = self.Y.shape
        k = len(alphas)
        D, DY, DQs = self._loo_factors(alphas)
        low = self._low_rank(D)
        sums = np.zeros((k, t))
        step = self._row_step(len(self.lam) + 3 * k * t)
        if low is not None:
            # (long, one target) the residuals' numerators y - fit and denominators
            # 1 - h of a block from one product with [1; -R] (no (rows, k) temporaries
            # besides the two it fills)
            L, R = low
            LY = L * self.MtY                               # (r, m): the fit's factor
            Ra = np.vstack([np.ones((1, k)), -R])           # (m + 1, k)
            s = self.sqrt_sw
            one = 1.0 - s * s / sq_norm(s) if self.fit_intercept else np.ones(n)
            for start in range(0, n, step):
                i = slice(start, min(start + step, n))
                sums[:, 0] += self._low_sq_rows(i, self._rows(i), L, LY, Ra, one)
            return sums / scale
        for start in range(0, n, step):
            i = slice(start, min(start + step, n))
            res = self._loo_rows(i, self._rows(i), D, DY, DQs, low)
            sums += np.einsum("ikt,ikt->kt", res, res)
        return sums / scale

    def _low_sq_rows(self, i, Bi, L, LY, Ra, one):
        """Sums over the rows i of the squared leave-one-out residuals (k,) of a long
        problem with one target from the rows Bi of B (a temporary: squared in
        place) and D's low-rank factors: (y - B LY R) / (1 - s^2 / s^T s - B^2 L R)."""
        rows, m = Bi.shape[0], L.shape[1]
        Z = np.empty((2 * rows, m + 1))
        Z[:rows, 0] = self.Y[i, 0]
        Z[:rows, 1:] = matmul(Bi, LY)
        Z[rows:, 0] = one[i]
        Z[rows:, 1:] = matmul(np.square(Bi, out=Bi), L)
        ND = matmul(Z, Ra)
        num = ND[:rows]
        num /= ND[rows:]
        return np.einsum("ik,ik->k", num, num)

    def loo_blocks(self, alphas, size=1 << 22):
        """(indices, residuals (n, len(indices), t)) for consecutive blocks of alphas
        whose residuals take about ``size`` floats, and at most 1/8 of the size of B
        (long problems compute B's rows once per block)."""
        n, t = self.Y.shape
        size = max(n * t, min(size, n * max(len(self.lam), 1) // 8))
        step = max(1, size // max(n * t, 1))
        for start in range(0, len(alphas), step):
            block = range(start, min(start + step, len(alphas)))
            yield block, self.loo_residuals(alphas[start:start + step])

    def final_coef(self, alphas):
        """Coefficients (t, p) as accurate as Ridge's: the SVD mode's own, otherwise a
        Cholesky solve of the Gram matrix (with Ridge's condition check), then the
        SVD of dense X; consumes the Gram matrix. The eigenvectors give the
        leave-one-out residuals, but their coefficients lose digits on badly
        conditioned problems where a Cholesky solve or the SVD does not."""
        if self.svd:
            return self.coef(alphas)
        design, Y = self.design, self.Y
        if self.wide:
            coef = _wide_solve(design, self.gram, Y, alphas)
        else:
            W = _cholesky_columns(self.gram, design.tdot(Y) if self.XtY is None
                                  else self.XtY, alphas, self.kappa,
                                  lambda Z: design.tdot(design.dot(Z)))
            coef = None if W is None else W.T
        if coef is None:
            coef = self.coef(alphas) if design.sparse else _solve_svd(design, Y, alphas)
        return coef

    def coef(self, alphas):
        """Coefficients (t, p) for alphas[k] on target k (minimum norm at alpha 0)."""
        if self.svd:                      # MtY = U^T y
            return (self.V @ (_spectral_filter(None, alphas, self.s) * self.MtY)).T
        D = _spectral_filter(self.lam, alphas)
        if not self.wide:                 # B^T y = V^T Xc^T y
            return (self.V @ (D * self.MtY)).T
        return self.design.tdot(self.Q @ (D * self.MtY)).T


# tall, badly scaled dense problems with at most this many alphas: one equilibrated
# Cholesky factorization per alpha (about one product X^T X each) instead of the
# one-sided Jacobi SVD (about 15 of them on ames' 2930 x 274)
_DIRECT_MAX_ALPHAS = 8


class _DirectLOO:
    """Leave-one-out residuals of a long dense problem from one Cholesky factorization
    per alpha (the same interface as ``_Spectrum``, for few alphas).

    With F = d (Xc^T Xc + alpha I) d = c^T c (d: powers of two equilibrating it, c
    upper triangular), the hat matrix is Xc (Xc^T Xc + alpha I)^-1 Xc^T = T T^T with
    T = Xc d c^-1 (a triangular solve, n p^2 operations): its diagonal is the row
    sums of T * T, plus s_i^2 / (s^T s) for the intercept. Cholesky of the
    equilibrated matrix is accurate whatever the scaling of the columns (van der
    Sluis), where the eigendecomposition of Xc^T Xc loses a badly scaled column's
    small directions. ``ok`` is False when a factorization fails or its condition
    estimate is below _RCOND_MIN (the caller then uses ``_Spectrum``)."""

    def __init__(self, design, Y, fit_intercept, alphas, normal=None):
        # (dense, explicitly centered: design.A is Xc; ``normal``: (Xc^T Xc, Xc^T Y)
        # when already computed)
        self.design, self.Y, self.fit_intercept = design, Y, fit_intercept
        self.sqrt_sw = design.sqrt_sw
        if normal is None:
            G, self.XtY = design.gram_features(), design.tdot(Y)
            self.ok = design.finite
        else:
            (G, self.XtY), self.ok = normal, True
        self.ok = self.ok and bool(np.all(np.isfinite(G.diagonal())))
        self.G = G
        self.factors = {}
        if self.ok:
            for a in np.unique(alphas):
                if not self._factor(a):
                    self.ok = False
                    break

    def _factor(self, a):
        """Cholesky factor of the equilibrated d (G + a I) d: (c, d), or False."""
        G = self.G
        factor = equilibrated_cholesky(np.array(G, order="F", copy=True),
                                       np.full(G.shape[0], float(a)), G.diagonal())
        if factor is None or not factor[2] >= _RCOND_MIN:
            return False
        c, d, _ = factor
        # (dtrsm reads the upper triangle only)
        self.factors[float(a)] = (c, d)
        return True

    def _coef(self, a):
        """Coefficients (p, t) at alpha a."""
        c, d = self.factors[float(a)]
        z, info = lapack.dpotrs(c, d[:, None] * self.XtY, lower=0)
        return d[:, None] * z

    def _hat_factor(self, a):
        """The upper triangular d c^-1 at alpha a (c^-1 by LAPACK's dtrtri, p^3 / 3
        operations), so that T = Xc (d c^-1) is one triangular product (dtrmm);
        None if dtrtri fails."""
        c, d = self.factors[float(a)]
        ci, info = lapack.dtrtri(c, lower=0)
        if info != 0:
            return None
        ci = np.triu(ci)
        ci *= d[:, None]
        return np.asfortranarray(ci)

    def loo_residuals(self, alphas):
        n, t = self.Y.shape
        s = self.sqrt_sw
        ss = sq_norm(s)
        p = self.G.shape[0]
        out = np.empty((n, len(alphas), t))
        step = max(1, (1 << 20) // max(p, 1))
        # one buffer for the blocks of Xc the triangular products overwrite
        buf = np.empty(min(step, n) * p)
        for j, a in enumerate(alphas):
            c, d = self.factors[float(a)]
            W = self._coef(a)
            fit = self.design.dot(W)
            L = self._hat_factor(a)
            # T = Xc (d c^-1), by blocks of rows (no second copy of X at once): a
            # product with the triangular inverse (dtrmm), 2.5x faster than the
            # triangular solve of (Xc d) (dtrsm) at the same row norms on ames
            # (within 1e-14 of 1 - h there and on the badly scaled tests)
            h = np.empty(n)
            for start in range(0, n, step):
                i = slice(start, min(start + step, n))
                m = i.stop - i.start
                B = buf[:m * p].reshape((m, p), order="F")
                if L is None:
                    np.multiply(self.design.A[i], d, out=B)        # (Xc d)[i]
                    T = blas.dtrsm(1.0, c, B, side=1, lower=0, overwrite_b=1)
                else:
                    np.copyto(B, self.design.A[i])
                    T = blas.dtrmm(1.0, L, B, side=1, lower=0, overwrite_b=1)
                h[i] = np.einsum("ij,ij->i", T, T)
            if self.fit_intercept:
                h += s * s / ss
            out[:, j] = (self.Y - fit) / (1.0 - h)[:, None]
        return out

    def loo_sq_sums(self, alphas, scale=1.0):
        res = self.loo_residuals(alphas) / np.sqrt(scale)
        return np.einsum("ikt,ikt->kt", res, res)

    def loo_blocks(self, alphas, size=1 << 22):
        for j in range(len(alphas)):
            yield range(j, j + 1), self.loo_residuals(alphas[j:j + 1])

    def final_coef(self, alphas):
        """Coefficients (t, p) for alphas[k] on target k."""
        coef = np.empty((self.Y.shape[1], self.G.shape[0]))
        for k, a in enumerate(alphas):
            if float(a) not in self.factors and not self._factor(a):
                return _solve_svd(self.design, self.Y, alphas, jacobi=True)
            coef[k] = self._coef(a)[:, k]
        return coef


def loo_solver(design, Y, mode, fit_intercept, alphas):
    """The leave-one-out solver of a prepared problem: ``_DirectLOO`` for a long,
    dense, badly scaled problem with at most _DIRECT_MAX_ALPHAS alphas (unless the
    SVD is asked for), else (or if its factorizations fail) ``_Spectrum``.

    A long dense X centered inside the products (``_prepare(implicit=True)``: X not
    copied) gives its Gram matrix and Xc^T Y first, from centered blocks of rows
    (``_Design.normal_equations``, as Ridge's solve): that also gives the columns'
    exact squared norms which the scaling test reads."""
    n_samples, n_features = design.shape
    alphas = np.asarray(alphas, dtype=float)
    alpha_min = float(np.min(alphas))
    long_dense = (not design.sparse and design.cols is None
                  and n_samples > n_features)
    few = len(np.unique(alphas)) <= _DIRECT_MAX_ALPHAS and alpha_min > 0
    if mode != "svd" and long_dense and few and design.centered:
        # (_DirectLOO's hat rows read Xc: an explicitly centered Fortran copy, made
        # first, as _prepare makes it: ames' RidgeCV() took 16-20% longer with the
        # centered blocks' Gram and then the copy, or with a C-ordered copy)
        design = _Design(design.fortran(), None, design.sqrt_sw)
    normal = None
    if mode != "svd" and long_dense and design.centered and n_features:
        normal = design.normal_equations(Y)
    if mode != "svd" and long_dense and few:
        with np.errstate(over="ignore", invalid="ignore"):
            scaled = badly_scaled(design.col_sq_norms(), alpha_min)
        if scaled:
            direct = _DirectLOO(design, Y, fit_intercept, alphas, normal)
            if direct.ok:
                return direct
    return _Spectrum(design, Y, mode, fit_intercept, alpha_min=alpha_min,
                     normal=normal)
