"""Ridge's data preparation: centering, sample weights and products with the centered
design, without copying or densifying the caller's X where that can be avoided.

``_prepare`` centers the data (weighted means) and scales rows by sqrt(sample_weight)
(weights rescaled to sum to n_samples; the penalty is rescaled to match) into a
``_Design``: dense float64 X without weights is not copied (the centering is applied
inside the products; X^T X is summed over blocks of rows centered in a small buffer,
X X^T centered after the product by a rank-2 update), other dense X is
centered into one float64 copy; sparse X is never densified (implicit centering),
except for the few columns whose means exceed their spreads (dense, centered).
``_finish`` turns a solution of the prepared problem back into scikit-learn's
``coef_`` and ``intercept_``.

"""
import numpy as np
from scipy import sparse
from scipy.linalg import blas

from ._blocks import subtract_into
from ._linalg import _SMALL_GRAM, _blas_operand, gram, gram_add, matmul, sq_norm, vdot
from ._prepare import rescaled_weights

# sparse columns whose squared mean exceeds _SPLIT_RATIO times their variance go to the
# explicit dense block of _Design: past 1 a column is more than half nonzero (its dense
# copy is cheap) and its implicit centering cancels digits (see _Design)
_SPLIT_RATIO = 1.0
# dense centered Gram matrices are summed over blocks of X centered into a buffer of at
# most this many floats (and at most 1/8 of X): the accuracy of an explicitly centered
# copy of X without the copy (the same multiply-adds as one product, in blocks)
_BLOCK_FLOATS = 1 << 17


def _full(upper):
    """The full symmetric matrix whose upper triangle is that of ``upper``."""
    upper = np.triu(upper)
    return upper + np.triu(upper, 1).T


class _Design:
    """The centered, weighted design Xc = diag(s) (X - 1 mu^T), s = sqrt(sample_weight),
    in the form each solver needs, never written into the caller's X.

    Held as two column blocks (``cols`` = their column indices; None: one block, the
    implicit one, holds every column):

    * implicit block ``A`` = diag(s) X (dense: Fortran or C, possibly the caller's own
      array; sparse: CSR): its centering by the (weighted) column means ``mu`` (None:
      already centered, or no intercept) is applied inside every product, so sparse X
      stays sparse and dense X is not copied. With ``lazy_mean`` (dense X, no
      weights) the means are computed on first need (by BLAS: X^T 1 / n);
    * explicit block ``D`` (sparse X only): the columns whose mean exceeds their spread,
      densified and centered. Implicit centering of those would cancel digits (the
      Gram matrix X^T X - n mu mu^T loses ~(mean / spread)^2 digits); they are at least
      half nonzero, so their dense copy costs at most 4/3 of their sparse storage.

    Forming a Gram matrix sets ``kappa``: per diagonal entry, what the implicit
    centering subtracted from it (sum(s^2) mu_j^2 for X^T X; the raw minus the
    centered diagonal for X X^T); over that entry (plus the penalty) it is the factor
    by which the rounding of the equilibrated Gram matrix exceeds that of explicitly
    centered data (see _cholesky_columns); and ``finite``: whether its
    diagonal is finite (NaN or infinity anywhere in X makes it NaN or infinite).
    """

    def __init__(self, A, mu=None, sqrt_sw=None, D=None, cols=None, lazy_mean=False):
        n = A.shape[0]
        self.A, self._mu, self.D, self.cols = A, mu, D, cols
        self.sparse = sparse.issparse(A)
        self._lazy = lazy_mean and mu is None and not self.sparse
        self.centered = mu is not None or self._lazy   # centering is implicit
        self.sqrt_sw = np.ones(n) if sqrt_sw is None else sqrt_sw
        p = A.shape[1] + (0 if D is None else D.shape[1])
        self.shape = (n, p)
        self.kappa, self.finite = 0.0, True
        self._sq = None            # squared column norms of Xc, once computed

    @property
    def mu(self):
        """Column means of the implicit block (None without implicit centering)."""
        if self._lazy and self._mu is None:
            n, p = self.shape
            ones = np.full(n, 1.0 / n)
            if n < min(p, _SMALL_GRAM):
                # by NumPy's BLAS, like the X X^T that follows (see _linalg.gram):
                # SciPy's threads would still spin during that product
                self._mu = self.A.T @ ones
            else:
                self._mu = matmul(self.A, ones, trans_a=True)           # A.T @ 1 / n
        return self._mu

    # products ------------------------------------------------------------------------

    def _split(self, V):
        if self.cols is None:
            return V, None
        return V[self.cols[0]], V[self.cols[1]]

    def dot(self, V):
        """Xc @ V (V of shape (p,) or (p, k))."""
        Vi, Ve = self._split(V)
        out = np.asarray(self.A @ Vi) if self.sparse else matmul(self.A, Vi)
        mu = self.mu
        if mu is not None:
            out = out - np.multiply.outer(self.sqrt_sw, mu @ Vi)
        if self.D is not None:
            out = out + self.D @ Ve
        return out

    def dot_rows(self, rows, V):
        """(Xc @ V)[rows] (rows a slice, V of shape (p, k)), from those rows of X only;
        dense X's rows are centered before the product (the rounding of an explicitly
        centered copy of X, as in _centered_gram, without the copy)."""
        Vi, Ve = self._split(V)
        A = self.A[rows]
        mu = self.mu
        if mu is not None and not self.sparse:
            s = self.sqrt_sw[rows]
            A = A - (mu[None, :] if np.all(s == 1) else np.multiply.outer(s, mu))
            mu = None
        out = np.asarray(A @ Vi) if self.sparse else matmul(A, Vi)
        if mu is not None:
            out = out - np.multiply.outer(self.sqrt_sw[rows], mu @ Vi)
        if self.D is not None:
            out = out + self.D[rows] @ Ve
        return out

    def tdot(self, C):
        """Xc^T @ C (C of shape (n,) or (n, k)) as A^T (C - s (s^T C) / (s^T s)): with mu
        the weighted means, Xc^T C = A^T C - mu (s^T C) = A^T P C, P the projection
        off s; the means are not needed."""
        if self.centered:
            s = self.sqrt_sw
            C = C - np.multiply.outer(s, vdot(s, C) / sq_norm(s))
        if self.sparse:
            out_i = np.asarray(self.A.T @ C)
        elif C.ndim == 2 and C.shape[1] == 1:
            # A.T @ C[:, 0] by BLAS gemv: gemm is several times slower on one column
            out_i = matmul(self.A, C[:, 0], trans_a=True)[:, None]
        else:
            out_i = matmul(self.A, C, trans_a=True)                 # A.T @ C
        if self.cols is None:
            out = out_i
        else:
            out = np.empty((self.shape[1],) + np.shape(C)[1:])
            out[self.cols[0]] = out_i
            out[self.cols[1]] = self.D.T @ C
        return out

    def col_sq_norms(self):
        """Squared norms of the columns of Xc (the diagonal of Xc^T Xc); computed once
        (or by the centered Gram matrix, see _centered_gram)."""
        if self._sq is None:
            self._sq = self._col_sq_norms()
        return self._sq

    def _col_sq_norms(self):
        A, mu = self.A, self.mu
        if self.sparse:
            sq = np.asarray(A.multiply(A).sum(axis=0)).ravel()
        else:
            sq = np.einsum("ij,ij->j", A, A)
        if mu is not None:
            sq = np.maximum(sq - sq_norm(self.sqrt_sw) * mu ** 2, 0)
        if self.cols is None:
            return sq
        out = np.empty(self.shape[1])
        out[self.cols[0]] = sq
        out[self.cols[1]] = np.einsum("ij,ij->j", self.D, self.D)
        return out

    # Gram matrices (upper triangle valid; set kappa and finite) -----------------------

    def _check(self, M, shift):
        diag = np.diag(M)
        self.finite = bool(np.all(np.isfinite(diag)))
        self.kappa = shift

    def gram_features(self):
        """Xc^T Xc (n_features, n_features); its upper triangle is valid."""
        A, s = self.A, self.sqrt_sw
        if not self.sparse and self.centered and A.shape[1]:
            G = self._centered_gram()
            self._check(G, 0.0)
            return G
        if self.sparse:
            Gi = _sparse_gram(A)
        else:
            Gi = gram(A, features=True)          # A.T @ A (upper triangle)
        mu = self.mu
        shift = 0.0
        if mu is not None and len(mu):
            ss = sq_norm(s)
            shift = ss * mu ** 2
            # Gi -= sum(s^2) * np.outer(mu, mu)  (upper triangle, in place)
            Gi = blas.dsyr(-ss, mu, a=Gi, lower=0, overwrite_a=1)
        if self.cols is None:
            G = Gi
        else:
            imp, exp = self.cols
            if np.ndim(shift):
                full = np.zeros(self.shape[1])
                full[imp] = shift
                shift = full
            G = np.empty((self.shape[1],) * 2)
            G[np.ix_(imp, imp)] = _full(Gi)
            cross = np.asarray(A.T @ self.D)
            if mu is not None:
                cross -= np.outer(mu, s @ self.D)
            G[np.ix_(imp, exp)] = cross
            G[np.ix_(exp, imp)] = cross.T
            G[np.ix_(exp, exp)] = self.D.T @ self.D
        self._check(G, shift)
        return G

    def gram_samples(self):
        """Xc Xc^T (n_samples, n_samples); its upper triangle is valid. The centering
        is done on the Gram matrix of the implicit block itself: with K = A A^T and
        v = A mu = K s / (s @ s) (mu being the weighted means), Xc Xc^T = K - v s^T
        - s v^T + (mu @ mu) s s^T, one rank-2 update, no further pass over X."""
        A, s = self.A, self.sqrt_sw
        if self.sparse:
            K = np.asarray((A @ A.T).toarray())
        else:
            K = gram(A, features=False)          # A @ A.T (upper triangle)
        shift = 0.0
        if self.centered and A.shape[1]:
            raw = K.diagonal().copy()
            ss = sq_norm(s)
            # v = K @ s / ss = A mu  (K symmetric, upper triangle)
            v = blas.dsymv(1.0 / ss, K, s, lower=0)
            mm = float(vdot(s, v)) / ss                         # mu @ mu
            shift = ss * mm
            # K -= np.outer(u, s) + np.outer(s, u) with u = v - (mu @ mu) / 2 s
            # (upper triangle, in place)
            K = blas.dsyr2(-1.0, v - 0.5 * mm * s, s, a=K, lower=0, overwrite_a=1)
            shift = np.maximum(raw - K.diagonal(), 0)
        if self.D is not None:
            K = _full(K) + self.D @ self.D.T
        self._check(K, shift)
        return K

    def normal_equations(self, Y):
        """(Xc^T Xc, Xc^T Y): the Gram matrix (upper triangle valid) and the right-hand
        sides of the primal normal equations. For dense, implicitly centered X both
        come from the same centered blocks (see _centered_gram): Xc^T Y from X^T Y
        would cancel the means' share of X in rounding (Y centered or not)."""
        if not self.sparse and self.centered and self.A.shape[1]:
            rhs = np.zeros((self.shape[1], Y.shape[1]))
            G = self._centered_gram(Y=Y, rhs=rhs)
            self._check(G, 0.0)
            return G, rhs
        return self.gram_features(), self.tdot(Y)

    def _centered_gram(self, Y=None, rhs=None):
        """Xc^T Xc of a dense, implicitly centered design (upper triangle valid), summed
        over blocks of rows of X centered into one small buffer: the rounding of an
        explicitly centered copy of X (no cancellation of the means, kappa = 0),
        without the copy (single-threaded: as fast as X^T X itself on ames' 2930 x
        274, 20% faster than centering a copy first). Keeps the squared column norms
        of Xc (its diagonal); with Y, adds Xc^T Y to rhs from the same blocks.
        (X X^T of wide X is centered after the product, see gram_samples: its
        centered blocks of columns cost 50% more than that on leukemia's 72 x 7129,
        and the wide solve refines its solution anyway.)"""
        A, mu, s = self.A, self.mu, self.sqrt_sw
        n, p = A.shape
        # (at least 256 rows: each call reads and writes G, so that stays a small
        # share of its work on many features)
        rows = max(256, min(_BLOCK_FLOATS, A.size // 8) // max(p, 1))
        order = "F" if A.flags.f_contiguous and not A.flags.c_contiguous else "C"
        buf = np.empty(rows * p)                  # blocks: contiguous views of it
        G = np.zeros((p, p), order="F")
        ones = bool(np.all(s == 1))
        for start in range(0, n, rows):
            stop = min(start + rows, n)
            B = buf[:(stop - start) * p].reshape((stop - start, p), order=order)
            shift = mu[None, :] if ones else np.multiply.outer(s[start:stop], mu)
            np.subtract(A[start:stop], shift, out=B)
            if Y is not None:
                rhs += matmul(B, Y[start:stop], trans_a=True)
            if p < _SMALL_GRAM:
                G += B.T @ B
            else:
                # G += B^T B by tiles, interruptible between them (see _linalg)
                a, flipped = _blas_operand(B)
                gram_add(G, a, not flipped)
        self._sq = G.diagonal().copy()
        return G

    # explicit forms -------------------------------------------------------------------

    def fortran(self):
        """Xc as a dense Fortran array (dense designs only), copied only if needed."""
        A, mu = self.A, self.mu
        if mu is None:
            return np.asfortranarray(A)
        Xc = np.empty(self.shape, order="F")
        s = self.sqrt_sw
        if np.all(s == 1):
            np.subtract(A, mu, out=Xc)
            return Xc
        # (by blocks of columns: no temporary s mu^T of the size of X)
        step = max(1, (1 << 17) // max(len(s), 1))
        for j in range(0, len(mu), step):
            c = slice(j, j + step)
            np.subtract(A[:, c], np.multiply.outer(s, mu[c]), out=Xc[:, c])
        return Xc

    def column_scales(self):
        """Powers of two near each column's largest magnitude in Xc (1 for zero
        columns): dividing by them is exact and keeps X^T X from overflowing."""
        A, mu = self.A, self.mu
        if self.sparse:
            big = np.asarray(abs(A).max(axis=0).toarray()).ravel()
        else:
            big = np.max(np.abs(A), axis=0) if A.shape[0] else np.zeros(A.shape[1])
        if mu is not None:
            big = np.maximum(big, np.abs(mu) * np.max(self.sqrt_sw))
        if self.cols is not None:
            out = np.empty(self.shape[1])
            out[self.cols[0]] = big
            out[self.cols[1]] = np.max(np.abs(self.D), axis=0)
            big = out
        ok = np.isfinite(big) & (big > 0)
        scales = np.ones_like(big)
        scales[ok] = np.ldexp(1.0, np.rint(np.log2(big[ok])).astype(int))
        return scales

    def scaled(self, scales):
        """The design Xc diag(1 / scales) (a copy of the data)."""
        i, e = self._split(scales)
        if self.sparse:
            A = sparse.csr_matrix(self.A @ sparse.diags(1.0 / i))
        else:
            A = np.asfortranarray(self.A / i)
        mu = None if self._mu is None else self._mu / i
        D = None if self.D is None else self.D / e
        design = _Design(A, mu, self.sqrt_sw, D, self.cols,
                         lazy_mean=self._lazy and self._mu is None)
        return design

    def explicit(self):
        """The same design with dense X centered explicitly (no cancellation): a
        copy in X's own memory order (a C-ordered X is not transposed)."""
        if self.sparse or not self.centered:
            return self
        A, mu = self.A, self.mu
        if not A.flags.c_contiguous or A.flags.f_contiguous:
            design = _Design(self.fortran(), None, self.sqrt_sw)
        else:
            s = self.sqrt_sw
            shift = mu[None, :] if np.all(s == 1) else np.multiply.outer(s, mu)
            Xc = np.empty(A.shape)                         # C order, like A
            np.subtract(A, shift, out=Xc)
            design = _Design(Xc, None, s)
        design._sq = self._sq
        return design


def _row_blocks(indptr, step):
    """(r0, r1, a, b): consecutive blocks of the rows of a CSR matrix with about
    ``step`` stored values each (a, b: the blocks' range in the data)."""
    n = indptr.shape[0] - 1
    nnz = int(indptr[-1]) if n else 0
    cuts = np.searchsorted(indptr, np.arange(step, nnz, step), side="left")
    bounds = np.unique(np.concatenate([[0], cuts, [n]]).astype(np.intp))
    for r0, r1 in zip(bounds[:-1], bounds[1:], strict=True):
        yield int(r0), int(r1), int(indptr[r0]), int(indptr[r1])


def _scale_rows(X, scales):
    """Multiply the rows of the CSR matrix X by ``scales`` in place, a block of rows
    at a time (no per-value temporary of the size of X), dropping the values that
    become zero (as the product diags(scales) @ X does)."""
    step = max(2**12, X.nnz // 16)
    for r0, r1, a, b in _row_blocks(X.indptr, step):
        X.data[a:b] *= np.repeat(scales[r0:r1], np.diff(X.indptr[r0:r1 + 1]))
    X.eliminate_zeros()


def _col_sq_sums(X):
    """The sums of squares of the columns of the CSR matrix X, over blocks of its
    values (no squared copy of X)."""
    p = X.shape[1]
    out = np.zeros(p)
    step = max(2**12, X.nnz // 16)
    for a in range(0, X.nnz, step):
        d = X.data[a:a + step]
        out += np.bincount(X.indices[a:a + step], weights=d * d, minlength=p)
    return out


def _sparse_gram(A):
    """A^T A (dense float64) of the CSR matrix A, summed over blocks of its rows:
    the product of all of A would convert A^T to a CSR copy of A."""
    p = A.shape[1]
    G = np.zeros((p, p))
    for r0, r1, _, _ in _row_blocks(A.indptr, max(2**12, A.nnz // 16)):
        B = A[r0:r1]
        G += (B.T @ B).toarray()
    return G


def _prepare(X, Y, fit_intercept, sw, implicit=False, own=False):
    """Center and weight the data. Returns (design, Yc (n, t), X_offset, y_offset (t,),
    scale) where ``scale = n_samples / sum(sw)``: the prepared problem carries the
    weights rescaled to sum to n_samples, so it solves scikit-learn's ridge with
    penalty ``scale * alpha``, and its squared residuals are ``scale`` times the
    weighted ones.

    Dense X is copied (centered, weighted, in float64, Fortran order) unless
    ``implicit`` allows a float64 X without weights to be used as it is, centered
    inside the products (``_Design.explicit`` undoes that when it costs accuracy);
    its means are then computed when first needed, and X_offset is None (read
    ``design.mu``).

    Sparse X is used as CSR: with weights, its rows are scaled in a copy, or in place
    when the CSR matrix is fastreg's own (``own``: the caller's conversion of X, e.g.
    a CSC X's CSR form, or this function's own conversion); column statistics are
    computed over blocks of its values. So a sparse X costs at most one copy.
    """
    n_samples, n_features = X.shape
    scale = 1.0 if sw is None else n_samples / float(np.sum(sw))
    swr = rescaled_weights(sw, n_samples)
    sqrt_sw = np.ones(n_samples) if swr is None else np.sqrt(swr)
    if fit_intercept:
        if swr is None:
            y_offset = Y.mean(axis=0)
        else:
            y_offset = (swr @ Y) / n_samples
        Yc = Y - y_offset
    else:
        y_offset = np.zeros(Y.shape[1])
        Yc = Y
    if swr is not None:
        Yc = Yc * sqrt_sw[:, None]

    if sparse.issparse(X):
        source = X
        X = sparse.csr_matrix(X, dtype=np.float64)
        own = own or not (hasattr(source, "data") and
                          np.shares_memory(X.data, source.data))
        if fit_intercept:
            # (of X before its rows are scaled: in place when it is fastreg's own)
            w = np.ones(n_samples) if swr is None else swr
            X_offset = np.asarray(w @ X).ravel() / n_samples
        if swr is None:
            Xs = X
        elif own:
            Xs = X
            _scale_rows(Xs, sqrt_sw)
        else:
            Xs = sparse.csr_matrix(sparse.diags(sqrt_sw) @ X)
        if not fit_intercept:
            return (_Design(Xs, None, sqrt_sw), Yc, np.zeros(n_features), y_offset,
                    scale)
        with np.errstate(over="ignore", invalid="ignore"):
            sq = _col_sq_sums(Xs) / n_samples
            mean2 = X_offset ** 2
            huge = np.flatnonzero(~np.isfinite(sq) | ~np.isfinite(mean2))
            if len(huge):
                # squares overflowing: those columns' ratio on a rescaled copy
                c = np.asarray(abs(Xs[:, huge]).max(axis=0).toarray()).ravel()
                c[~(c > 0)] = 1.0
                Xh = Xs[:, huge] @ sparse.diags(1.0 / c)
                sq[huge] = np.asarray(Xh.multiply(Xh).sum(axis=0)).ravel() / n_samples
                mean2[huge] = (X_offset[huge] / c) ** 2
                sq[huge] -= mean2[huge]
        var = np.maximum(sq - mean2, 0)
        if len(huge):
            var[huge] = np.maximum(sq[huge], 0)
        exp = np.flatnonzero(mean2 > _SPLIT_RATIO * var)
        if len(exp) == 0:
            return _Design(Xs, X_offset, sqrt_sw), Yc, X_offset, y_offset, scale
        imp = np.setdiff1d(np.arange(n_features), exp)
        D = np.asfortranarray(Xs[:, exp].toarray())
        D -= np.multiply.outer(sqrt_sw, X_offset[exp])
        design = _Design(sparse.csr_matrix(Xs[:, imp]), X_offset[imp], sqrt_sw, D,
                         (imp, exp))
        return design, Yc, X_offset, y_offset, scale

    if implicit and swr is None and X.dtype == np.float64:
        # X as it is; its means come with the first product (X_offset: design.mu)
        return (_Design(X, lazy_mean=fit_intercept), Yc,
                None if fit_intercept else np.zeros(n_features), y_offset, scale)
    if not fit_intercept:
        X_offset = np.zeros(n_features)
    elif swr is None and X.dtype == np.float64 and X.flags.f_contiguous:
        # BLAS (X^T 1 / n): much faster than a reduction along the first axis
        X_offset = matmul(X, np.full(n_samples, 1.0 / n_samples), trans_a=True)
    elif swr is None:
        X_offset = np.mean(X, axis=0, dtype=np.float64)
    else:
        X_offset = np.asarray(swr @ X, dtype=np.float64) / n_samples
    # wide C-ordered X: the copy stays C-ordered (X Xc^T is then a product of
    # contiguous rows, 3x faster than of Fortran columns on leukemia's 72 x 7129)
    wide_c = n_samples < n_features and X.flags.c_contiguous
    Xc = np.empty(X.shape, order="C" if wide_c else "F")
    # (by blocks of columns: SIGINT is handled between them)
    subtract_into(X, X_offset if fit_intercept else np.zeros(n_features), Xc)
    if swr is not None:
        Xc *= sqrt_sw[:, None]
    return _Design(Xc, None, sqrt_sw), Yc, X_offset, y_offset, scale


def _finish(coef, X_offset, y_offset, fit_intercept, one_d, dtype):
    """coef_ and intercept_ in scikit-learn's shapes from coef (t, p)."""
    coef = coef.astype(dtype, copy=False)
    if one_d:
        coef = coef[0]
    if fit_intercept:
        y_off = y_offset[0] if y_offset.ndim == 1 and one_d == "1d" else y_offset
        intercept = (np.asarray(y_off, dtype=dtype)
                     - X_offset.astype(dtype) @ coef.T)
    else:
        intercept = 0.0
    return coef, intercept

