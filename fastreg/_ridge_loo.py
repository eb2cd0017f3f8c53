"""RidgeCV's leave-one-out errors: one eigendecomposition (or one SVD) of a prepared
problem gives the ridge coefficients and the leave-one-out residuals of every alpha;
each extra alpha costs O(n_samples * min(n_samples, n_features)) per target, run for
blocks of alphas as matrix products.
"""
from contextlib import nullcontext

import numpy as np
from scipy import linalg
from scipy.linalg import blas

from ._linalg import matmul, sq_norm
from ._ridge_design import _full
from ._ridge_solvers import (
    _cholesky_columns,
    _jacobi_svd,
    _solve_svd,
    _spectral_filter,
    _svd,
    badly_scaled,
)
from ._threads import kernel_scope

# eigendecompositions of matrices smaller than this run on one thread: a second thread
# gains nothing there, and SciPy's threads compete with NumPy's, still spinning after
# the Gram product
_SMALL_EIGH = 256


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
      Xc^T Xc = V lam V^T (or B = U s from the SVD).

    Per alpha and target: O(n * min(n, p)) operations, run for blocks of alphas at
    once as matrix products (one pass over B or Q per block, not per alpha).
    """

    def __init__(self, design, Y, mode, fit_intercept, alpha_min=0.0):
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
        if self.svd:
            U, s, Vt = (_jacobi_svd if jacobi else _svd)(design.fortran())
            self.s, self.V = s, Vt.T
            with np.errstate(over="ignore"):
                self.lam = s ** 2
            # long: the leave-one-out residuals from U and the filter s^2 / (s^2 +
            # alpha) (no overflow of s^2 for huge s); wide: Q = U
            self.Q = U
        else:
            # (the full matrix: LAPACK's tridiagonal reduction from the lower triangle
            # was the more accurate on badly scaled real data, e.g. ames). Divide and
            # conquer (evd): faster than the default MRRR driver (evr), much faster on
            # the zero eigenvalue of a centered Gram matrix
            self.gram = _full(design.gram_samples() if self.wide
                              else design.gram_features())
            self.kappa = design.kappa
            # small: SciPy's LAPACK on one thread (see _SMALL_EIGH)
            with kernel_scope if len(self.gram) < _SMALL_EIGH else nullcontext():
                lam, vectors = linalg.eigh(self.gram, driver="evd", check_finite=False)
            self.lam = np.maximum(lam, 0)   # a Gram matrix: rounding made some < 0
            if self.wide:
                self.Q = vectors
            else:
                self.V = vectors
                A = design.A
                if (design.mu is None and design.D is None and not design.sparse
                        and A.flags.f_contiguous):
                    # B = Xc V in C order, computed as B^T = V^T Xc^T (SciPy's BLAS):
                    # loo_residuals reads it by blocks of rows.  B = (vectors.T @ A.T).T
                    self.B = blas.dgemm(1.0, vectors, A, trans_a=1, trans_b=1).T
                else:
                    self.B = design.dot(self.V)
        M = self.Q if self.wide or self.svd else self.B
        self.MtY = M.T @ Y
        self.Mts = M.T @ self.sqrt_sw

    def loo_residuals(self, alphas, rows=1 << 20):
        """Leave-one-out residuals (n, len(alphas), t) of the prepared problem, by
        blocks of rows of Q or B of about ``rows`` floats (their squares are formed
        block by block, never in full)."""
        n, t = self.Y.shape
        k = len(alphas)
        r = len(self.lam)
        long_svd = self.svd and not self.wide
        if long_svd:
            # the hat matrix U diag(s^2 / (s^2 + alpha)) U^T: D is that filter
            D = self.s[:, None] * _spectral_filter(None, alphas, self.s)
        else:
            D = 1.0 / (self.lam[:, None] + alphas[None, :])             # (r, k)
        DY = (D[:, :, None] * self.MtY[:, None, :]).reshape(r, k * t)
        s = self.sqrt_sw
        ss = sq_norm(s)
        # the intercept's share of the diagonal: the column s, centered out of Xc.
        # Wide: it lies in the null space of Xc Xc^T, so it is one of Q's columns
        # (Q^T s != 0); long: B^T s = V^T Xc^T s = 0, so only s s^T / (s^T s) is left.
        DQs = D * self.Mts[:, None] if self.fit_intercept and self.wide else None
        out = np.empty((n, k, t))
        M = self.Q if self.wide or long_svd else self.B
        step = max(1, rows // max(r, 1))
        for start in range(0, n, step):
            i = slice(start, min(start + step, n))
            Mi = M[i]
            fit = matmul(Mi, DY).reshape(-1, k, t)
            diag = matmul(Mi * Mi, D)                                 # (rows, k)
            if self.wide:
                c = fit
                if DQs is not None:
                    diag -= matmul(Mi, DQs) * (s[i] / ss)[:, None]
            else:
                c = self.Y[i, None, :] - fit
                diag = 1.0 - diag
                if self.fit_intercept:
                    diag -= (s[i] * s[i] / ss)[:, None]
            out[i] = c / diag[:, :, None]
        return out

    def loo_blocks(self, alphas, size=1 << 22):
        """(indices, residuals (n, len(indices), t)) for consecutive blocks of alphas
        whose residuals take about ``size`` floats."""
        n, t = self.Y.shape
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
            C = _cholesky_columns(self.gram, Y, alphas, self.kappa,
                                  lambda C: design.dot(design.tdot(C)))
            coef = None if C is None else design.tdot(C).T
        else:
            W = _cholesky_columns(self.gram, design.tdot(Y), alphas, self.kappa,
                                  lambda Z: design.tdot(design.dot(Z)))
            coef = None if W is None else W.T
        if coef is None:
            coef = self.coef(alphas) if design.sparse else _solve_svd(design, Y, alphas)
        return coef

    def coef(self, alphas):
        """Coefficients (t, p) for alphas[k] on target k (minimum norm at alpha 0)."""
        if self.svd:                      # Q^T y = U^T y
            return (self.V @ (_spectral_filter(None, alphas, self.s) * self.MtY)).T
        D = _spectral_filter(self.lam, alphas)
        if not self.wide:                 # B^T y = V^T Xc^T y
            return (self.V @ (D * self.MtY)).T
        return self.design.tdot(self.Q @ (D * self.MtY)).T
