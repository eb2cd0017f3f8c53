"""Data preparation: centering, sample weights and their moments, in one place.

Every front end hands its validated arrays to these functions and gets back what the
engine solves on:

* dense X (``preprocess``): centered on the weighted means when an intercept is fitted
  and rows scaled by sqrt(weights), the weights rescaled to sum to n_samples exactly as
  scikit-learn does (so that ``alpha`` means the same thing); or, for residual updates
  on a well-scaled float64 Fortran X, centered implicitly by the kernel (no copy);
* sparse X (``SparsePrepared``): never densified; rows scaled by sqrt(weights) (a
  copy of the values only) and the centering as a rank-one correction X - q b^T;
* cross-validation folds (``FoldMoments``): the weighted moments of each test block
  and of all the data, from which the Gram form of every training set follows.

Subtracting means inside a sum of squares (implicit centering, X^T X - n m m^T, fold
moments) loses digits when a column's mean dwarfs its spread: ``CANCELLATION`` is the
one threshold, and such data are centered explicitly instead.
"""
import copy
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from itertools import islice

import numpy as np
from scipy import sparse as sp

from ._blocks import column_mean, column_sq_norms, column_steps, subtract_into
from ._cd_abort import abort_epoch
from ._cd_fast import center_into_fortran, column_stats
from ._threads import fold_workers, parallel_folds
from ._waiting import gram_waiting, run_waiting

# mean^2 / spread^2 of a column beyond which centering inside a sum of squares loses
# too many digits (float64: 4 of 16 digits; float32: 1 of 7)
CANCELLATION = {np.dtype(np.float64): 1e4, np.dtype(np.float32): 10.0}


def cancels(mean2, spread, dtype):
    """Whether centering inside a sum of squares loses too many digits for any column
    (mean2: squared means, spread: variances)."""
    return bool(np.any(mean2 > CANCELLATION[np.dtype(dtype)] * spread))


def constant_columns(norms, n_samples, X_offset, dtype, scale=1.0, Xc=None):
    """Columns whose centered squared norm is rounding noise of their mean (constant
    columns center to ~eps * mean, not to 0): zero spread up to the rounding of the
    values, for weights at most ``scale``. Compared on the square roots, which do not
    overflow for large means (the squares of 1e200 would); with the centered columns
    ``Xc``, a squared norm that overflowed is recomputed as a norm, scaled."""
    eps = np.finfo(dtype).eps
    with np.errstate(over="ignore", invalid="ignore"):
        bound = np.sqrt(n_samples * scale) * (4 * eps) * np.abs(
            np.asarray(X_offset, dtype=np.float64))
        root = np.sqrt(np.asarray(norms, dtype=np.float64))
        if Xc is not None:
            for j in np.flatnonzero(np.isinf(root)):
                col = np.asarray(Xc[:, j], dtype=np.float64)
                big = float(np.max(np.abs(col)))
                if np.isfinite(big):     # (not when the mean itself overflowed)
                    root[j] = big * np.sqrt(np.sum((col / big) ** 2))
        return root <= bound


def column_stats_blocks(X, y=None):
    """column_stats(X, y) a block of columns at a time (_blocks: SIGINT is handled
    between blocks), each of 2^22 values, what column_stats shares among its OpenMP
    threads; the same bits (every statistic is a column's own)."""
    steps = column_steps(X, 2**22)
    if steps is None:
        return column_stats(X, y)
    parts = [column_stats(X[:, j0:j1], y) for j0, j1 in steps]
    return (np.concatenate([part[0] for part in parts]),
            np.concatenate([part[1] for part in parts]),
            all(part[2] for part in parts),
            None if y is None else np.concatenate([part[3] for part in parts]))


def finite_column_stats(X, estimator_name):
    """(sums, sumsq) of a float Fortran X from one pass (``column_stats_blocks``),
    which also checks that X is finite: scikit-learn's error (``assert_all_finite``)
    when it is not. None when the sums are not finite but X is (squares that
    overflowed) or scikit-learn's ``assume_finite`` skipped the check."""
    sums, sumsq, finite, _ = column_stats_blocks(X)
    if finite:
        return sums, sumsq
    from sklearn.utils import assert_all_finite
    assert_all_finite(X, input_name="X", estimator_name=estimator_name)
    return None


def column_average(X, weights):
    """np.average(X, axis=0, weights=weights) a block of columns at a time: the same
    operations per column, without the weighted copy of the whole of X that
    np.average makes."""
    if weights is None:
        return column_mean(X)
    p = X.shape[1]
    step = max(1, 2**16 // max(X.shape[0], 1))
    if step >= p:
        return np.average(X, axis=0, weights=weights)
    parts = [np.average(X[:, j0:j0 + step], axis=0, weights=weights)
             for j0 in range(0, p, step)]
    return np.concatenate(parts)


def rescaled_weights(sample_weight, n_samples):
    """Weights rescaled to sum to n_samples (None stays None)."""
    if sample_weight is None:
        return None
    return sample_weight * (n_samples / np.sum(sample_weight))


class Prepared:
    """Data ready for the kernel: X (Fortran, or C in residual mode), y, the offsets of
    the intercept, and, for implicit centering, the column means the kernel subtracts
    itself (``Xmean``) with the norms of the centered columns (``norms``)."""

    def __init__(self, X, y, X_offset, y_offset, Xmean=None, norms=None, Xty=None):
        self.X, self.y, self.X_offset, self.y_offset = X, y, X_offset, y_offset
        self.Xmean, self.norms = Xmean, norms
        # X^T y with the columns of X as stored (implicit centering: not yet centered),
        # when column_stats computed it; the kernel then skips its first pass over X
        self.Xty = Xty


def center_target(y, sample_weight, dtype):
    """(y_offset, y - y_offset) as preprocess computes them (the fused statistics of
    ElasticNet.fit rely on getting the very same centered y)."""
    y_offset = np.average(y, axis=0, weights=sample_weight).astype(dtype, copy=False)
    return y_offset, (y - y_offset).astype(dtype, copy=False)


def _implicit_centering(X, X_offset, sq=None):
    """Norms of the centered columns from one pass over X (or from its column sums
    of squares sq), or None when subtracting the means inside the kernel would lose
    digits (means much larger than spreads)."""
    n_samples, n_features = X.shape
    if sq is None:
        sq = np.einsum("ij,ij->j", X, X, dtype=np.float64)
    if not np.all(np.isfinite(sq)):
        return None      # (squares overflow: the explicit route reports it)
    norms = sq - n_samples * X_offset.astype(np.float64) ** 2
    # sum of squares minus n mean^2 cancels for columns whose mean dwarfs their
    # spread (more than 20 bits lost): those are recomputed exactly (centered), a
    # block at a time, to tell constant columns from merely offset ones
    suspect = np.flatnonzero(norms <= 1e-6 * sq)
    step = max(1, 2**20 // max(n_samples, 1))
    for start in range(0, suspect.size, step):
        cols = suspect[start:start + step]
        block = X[:, cols] - X_offset[cols]
        norms[cols] = np.einsum("ij,ij->j", block, block, dtype=np.float64)
    norms = norms.astype(X.dtype)
    mean2 = X_offset.astype(np.float64) ** 2
    constant = norms <= n_samples * (4 * np.finfo(X.dtype).eps) ** 2 * mean2
    if cancels(mean2[~constant], (norms / n_samples)[~constant], X.dtype):
        return None
    norms[constant | (norms < 0)] = 0
    return norms


def take_columns(X, cols):
    """X[:, cols] as a new Fortran-ordered array, a few columns at a time."""
    cols = np.asarray(cols, dtype=np.intp)
    out = np.empty((X.shape[0], cols.size), dtype=X.dtype, order="F")
    step = max(1, 2**16 // max(X.shape[0], 1))
    for j0 in range(0, cols.size, step):
        out[:, j0:j0 + step] = X[:, cols[j0:j0 + step]]
    return out


def take_rows(X, rows):
    """X[rows] as a new Fortran-ordered array, gathered a few columns at a time (one
    allocation of the result: X[rows] would be C-ordered, and making it Fortran would
    hold a second copy)."""
    rows = np.asarray(rows, dtype=np.intp)
    n, p = rows.shape[0], X.shape[1]
    out = np.empty((n, p), dtype=X.dtype, order="F")
    step = max(1, 2**16 // max(n, 1))
    for j0 in range(0, p, step):
        out[:, j0:j0 + step] = X[rows, j0:j0 + step]
    return out


def _center_into(X, offset, out):
    """out = X - offset (subtract_into), by the compiled tiled transposition when X is
    C-ordered and out Fortran-ordered (the same bits; NumPy's strided copy is 2-4x
    slower: 1000 x 600 float64 0.9 ms against 0.25), a block of columns at a time."""
    if not (X.flags.c_contiguous and not X.flags.f_contiguous and out.flags.f_contiguous
            and X.dtype in (np.float64, np.float32) and offset.dtype == X.dtype
            and out.dtype == X.dtype):
        subtract_into(X, offset, out)
        return
    for j0, j1 in column_steps(X) or [(0, X.shape[1])]:
        center_into_fortran(X[:, j0:j1], offset[j0:j1], out[:, j0:j1])


def preprocess(X, y, fit_intercept, sample_weight, implicit=False, stats=None,
               own=False):
    """Center (weighted) and scale by sqrt(weights); never writes into the caller's X
    or y (``own``: X is fastreg's own copy, e.g. a fold's rows from ``take_rows``, and
    is centered and scaled in place when it is Fortran-ordered).

    Returns a ``Prepared``. X and y are copied only when they have to change
    (centering, weights, memory order); otherwise the user's arrays are used read-only.
    With ``implicit`` (residual updates only), an unweighted float64 Fortran X with
    well-scaled columns is not copied: the kernel centers it on the fly. ``stats``:
    (column sums, column sums of squares, X^T (y - y_offset) or None) of X from
    ``column_stats``, if computed.
    """
    dtype = X.dtype
    n_samples = X.shape[0]
    sw = rescaled_weights(sample_weight, n_samples)
    if fit_intercept:
        if stats is not None and sw is None:
            X_offset = (stats[0] / n_samples).astype(dtype)
        else:
            X_offset = column_average(X, sw).astype(dtype, copy=False)
        y_offset, yc = center_target(y, sw, dtype)
        # (C-ordered X is copied: on it the kernel's column accesses are strided)
        if implicit and sw is None and dtype == np.float64 and X.flags.f_contiguous:
            norms = _implicit_centering(X, X_offset,
                                        None if stats is None else stats[1])
            if norms is not None:
                return Prepared(X, yc, X_offset, y_offset, X_offset, norms,
                                None if stats is None else stats[2])
        Xc = X if own and X.flags.f_contiguous else \
            np.empty(X.shape, dtype=dtype, order="F")
        _center_into(X, X_offset, Xc)
        if sw is not None:
            root = np.sqrt(sw).astype(dtype, copy=False)
            Xc *= root[:, None]
            yc = yc * (root[:, None] if yc.ndim > 1 else root)
        with np.errstate(over="ignore"):
            norms = column_sq_norms(Xc)
        norms[constant_columns(norms, n_samples, X_offset, dtype,
                               1 if sw is None else np.max(sw), Xc)] = 0
        return Prepared(Xc, np.asarray(yc, dtype=dtype), X_offset, y_offset,
                        norms=norms)
    X_offset = np.zeros(X.shape[1], dtype=dtype)
    y_offset = np.zeros(y.shape[1:], dtype=dtype) if y.ndim > 1 else dtype.type(0)
    Xc = np.asfortranarray(X)
    yc = y
    if sw is not None:
        root = np.sqrt(sw).astype(dtype, copy=False)
        if Xc is X and not own:
            Xc = np.asfortranarray(X * root[:, None])
        else:
            Xc *= root[:, None]
        yc = yc * (root[:, None] if yc.ndim > 1 else root)
    return Prepared(Xc, np.asarray(yc, dtype=dtype), X_offset, y_offset)


def _column_blocks(indptr, step=None):
    """(j0, j1, a, b): consecutive blocks of the columns of a CSC matrix with about
    ``step`` stored values each (at least one column; a, b: the blocks' range in the
    data), so that per-value temporaries stay a small fraction of the matrix."""
    p = indptr.shape[0] - 1
    nnz = int(indptr[-1]) if p else 0
    if step is None:
        step = max(2**12, nnz // 64)
    cuts = np.searchsorted(indptr, np.arange(step, nnz, step), side="left")
    bounds = np.unique(np.concatenate([[0], cuts, [p]]).astype(np.intp))
    for j0, j1 in zip(bounds[:-1], bounds[1:], strict=True):
        yield int(j0), int(j1), int(indptr[j0]), int(indptr[j1])


def _block_cols(indptr, j0, j1):
    """The column (counted from j0) of each stored value of columns j0:j1."""
    return np.repeat(np.arange(j1 - j0), np.diff(indptr[j0:j1 + 1]))


def _gram_columns(X):
    """(j0, j1, (X^T X)[:, j0:j1] dense float64) of a CSC matrix X, a block of columns
    at a time: each block is a view of the CSC arrays, the product converts it (a copy
    of at most 1/16 of the values, or 2^12 values) and each product and its dense copy
    hold at most p^2 / 8 and 2^17 entries."""
    Xs = sp.csc_matrix(X).astype(np.float64, copy=False)
    n, p = Xs.shape
    XT = Xs.T
    width = max(1, min(2**17 // max(p, 1), -(-p // 8)))
    indptr = Xs.indptr
    for c0, c1, _, _ in _column_blocks(indptr, max(2**12, Xs.nnz // 16)):
        for j0 in range(c0, c1, width):
            j1 = min(j0 + width, c1)
            a, b = int(indptr[j0]), int(indptr[j1])
            block = Xs if (j0, j1) == (0, p) else sp.csc_matrix(
                (Xs.data[a:b], Xs.indices[a:b], indptr[j0:j1 + 1] - a),
                shape=(n, j1 - j0))
            yield j0, j1, (XT @ block).toarray()


class SparsePrepared:
    """Sparse X with its rows scaled by sqrt(weights), in the kernel's CSC arrays,
    with the centering as a rank-one correction: X~ = X - q B (q (n,) unit, B (p,)).

    Memory: the CSC arrays are the caller's own when X is a canonical CSC matrix of
    the data type (no copy without weights; with weights a scaled copy of the values
    only), or one conversion of X otherwise (``own``: X is fastreg's own matrix, e.g.
    a fold's rows, whose values may be scaled in place); the column statistics are
    computed a block of columns at a time (no temporaries of the size of X)."""

    def __init__(self, X, y, fit_intercept, sample_weight, own=False):
        dtype = X.dtype
        source = X
        X = sp.csc_matrix(X)
        if not X.has_canonical_format:
            X = X.copy()
            X.sum_duplicates()
        n, p = X.shape
        self.shape = (n, p)
        sw = rescaled_weights(sample_weight, n)
        self.indptr = np.ascontiguousarray(X.indptr, dtype=np.int64)
        self.indices = np.ascontiguousarray(X.indices, dtype=np.int32)
        data = np.ascontiguousarray(X.data, dtype=dtype)
        root = None if sw is None else np.sqrt(sw)
        if root is not None:
            shared = not own and sp.issparse(source) and \
                np.shares_memory(data, source.data)
            if shared:
                data = data.copy()
            rd = root.astype(dtype)
            for _, _, a, b in _column_blocks(self.indptr):
                data[a:b] *= rd[self.indices[a:b]]
        self.data = data
        blocks = list(_column_blocks(self.indptr))

        def per_column(fn):
            """A (p,) float64 vector: for each block of columns j0:j1 (values a:b),
            the values fn(j0, j1, a, b) summed by column (np.bincount, in the order
            of the values, as over the whole matrix)."""
            out = np.zeros(p)
            for j0, j1, a, b in blocks:
                out[j0:j1] = np.bincount(_block_cols(self.indptr, j0, j1),
                                         weights=fn(j0, j1, a, b), minlength=j1 - j0)
            return out

        def values(a, b):
            return self.data[a:b].astype(np.float64, copy=False)

        if fit_intercept:
            s = np.ones(n) if root is None else root
            ss = float(s @ s)
            colsum = per_column(
                lambda j0, j1, a, b: values(a, b) * s[self.indices[a:b]])
            self.X_offset = (colsum / ss).astype(dtype)
            self.y_offset = np.average(y, axis=0, weights=sw).astype(dtype)
            yc = y - self.y_offset
            if root is not None:
                yc = yc * (root[:, None] if yc.ndim > 1 else root)
            self.q = s / np.sqrt(ss)
            self.b = colsum / np.sqrt(ss)
            # exact norms of x_j - q b_j, without cancellation: sum over the nonzeros
            # of (x_ij - q_i b_j)^2, plus b_j^2 times the squared weight of the rows
            # where column j is zero (counted exactly without weights)
            if root is None:
                zero_share = (n - np.diff(self.indptr)) / n
            else:
                zero_share = 1.0 - per_column(
                    lambda j0, j1, a, b: self.q[self.indices[a:b]] ** 2)
            rest = self.b ** 2 * zero_share

            def resid2(j0, j1, a, b):
                qb = self.q[self.indices[a:b]]
                qb *= np.repeat(self.b[j0:j1], np.diff(self.indptr[j0:j1 + 1]))
                r = np.subtract(values(a, b), qb, out=qb)
                r *= r                            # (x_ij - q_i b_j) ** 2
                return r

            norms = per_column(resid2)
            norms += np.maximum(rest, 0)
            norms[constant_columns(norms, n, self.X_offset.astype(np.float64), dtype,
                                   1.0 if sw is None else float(np.max(sw)))] = 0
            spread = np.where(norms > 0, norms, np.inf)
            self.cancellation = float(np.max(self.b ** 2 / spread)) if p else 0.0
        else:
            self.X_offset = np.zeros(p, dtype=dtype)
            self.y_offset = np.zeros(y.shape[1:], dtype=dtype) if y.ndim > 1 \
                else dtype.type(0)
            yc = y if root is None else y * (root[:, None] if y.ndim > 1 else root)
            self.q = self.b = None
            norms = per_column(lambda j0, j1, a, b: values(a, b) ** 2)
            self.cancellation = 0.0
        self.y = np.asarray(yc, dtype=dtype)
        self.norms = norms
        self.dtype = dtype

    @property
    def cols(self):
        """The column of each stored value (int, made on demand: as large as the
        values)."""
        return np.repeat(np.arange(self.shape[1]), np.diff(self.indptr))

    def centering_is_safe(self):
        """Whether X can be centered implicitly without losing digits."""
        return self.cancellation <= CANCELLATION[np.dtype(self.dtype)]

    def mean_nnz(self):
        """Mean number of stored values per column."""
        return self.data.shape[0] / max(self.shape[1], 1)

    def matrix(self):
        """The scaled (uncentered) sparse X as a CSC matrix."""
        return sp.csc_matrix((self.data, self.indices, self.indptr), shape=self.shape)

    def Xty(self, y):
        """X~^T y (float64; y 1-D, or 2-D (n, T) giving (p, T))."""
        out = self.matrix().T @ y.astype(np.float64)
        if self.q is not None:
            out = out - (np.outer(self.b, self.q @ y) if y.ndim == 2
                         else self.b * float(self.q @ y))
        return np.asarray(out, dtype=np.float64)

    def gram(self):
        """X~^T X~ (float64, dense p x p), computed a block of columns at a time: the
        sparse product of the whole matrix and its dense copy are never held at once
        (the same sums in the same order as the product of the whole matrix)."""
        p = self.shape[1]
        G = np.empty((p, p))
        for j0, j1, block in _gram_columns(self.matrix()):
            G[:, j0:j1] = block
            if self.q is not None:
                G[:, j0:j1] -= np.outer(self.b, self.b[j0:j1])
        return G

    def subset(self, keep):
        """The prepared columns ``keep`` alone (a copy of their values and indices)."""
        new = copy.copy(self)
        M = self.matrix()[:, keep]
        n = self.shape[0]
        new.shape = (n, len(keep))
        new.indptr = np.ascontiguousarray(M.indptr, dtype=np.int64)
        new.indices = np.ascontiguousarray(M.indices, dtype=np.int32)
        new.data = np.ascontiguousarray(M.data, dtype=self.dtype)
        new.X_offset = self.X_offset[keep]
        new.norms = np.asarray(self.norms)[keep]
        if self.b is not None:
            new.b = self.b[keep]
        return new

    def columns(self, U):
        """X~[:, U] as a dense float64 array."""
        XU = self.matrix()[:, U].astype(np.float64).toarray()
        if self.q is not None:
            XU -= np.outer(self.q, self.b[U])
        return XU


def sparse_or_dense(X, y, fit_intercept, sample_weight, order="F"):
    """(X, prep) for a sparse X: its SparsePrepared, or (prep None) X as a dense
    array (Fortran-ordered unless ``order``) when its implicit centering would lose
    digits (columns with means far above their spread are dense anyway: centered
    explicitly)."""
    prep = SparsePrepared(X, y, fit_intercept, sample_weight)
    if prep.centering_is_safe():
        return X, prep
    return X.toarray(order=order), None


def sparse_rows(X, rows):
    """X[rows] of a CSR or CSC matrix as a new CSC matrix (canonical: sorted, no
    duplicates), built without another copy of those rows: a CSR X is cut a block
    of rows at a time (each block converted, then placed), a CSC X filtered a block
    of columns at a time. The values are the same as ``X[rows].tocsc()``'s."""
    rows = np.asarray(rows, dtype=np.intp)
    n, p = X.shape
    m = rows.shape[0]
    dtype = X.dtype
    if X.format == "csc":
        pos = np.full(n, -1, dtype=np.intp)
        pos[rows] = np.arange(m)
        if np.count_nonzero(pos >= 0) != m:          # repeated rows
            return sp.csc_matrix(sp.csr_matrix(X)[rows])
        Xc = X if X.has_canonical_format else sp.csc_matrix(X).copy()
        if Xc is not X:
            Xc.sum_duplicates()
        indptr = np.asarray(Xc.indptr, dtype=np.int64)
        blocks = list(_column_blocks(indptr))
        counts = np.zeros(p, dtype=np.int64)
        for j0, j1, a, b in blocks:
            keep = pos[Xc.indices[a:b]] >= 0
            counts[j0:j1] = np.bincount(_block_cols(indptr, j0, j1), weights=keep,
                                        minlength=j1 - j0).astype(np.int64)
        out_ptr = np.zeros(p + 1, dtype=np.int64)
        np.cumsum(counts, out=out_ptr[1:])
        data = np.empty(int(out_ptr[-1]), dtype=dtype)
        indices = np.empty(int(out_ptr[-1]), dtype=np.int32)
        for j0, j1, a, b in blocks:
            new = pos[Xc.indices[a:b]]
            keep = new >= 0
            o0, o1 = int(out_ptr[j0]), int(out_ptr[j1])
            data[o0:o1] = Xc.data[a:b][keep]
            indices[o0:o1] = new[keep]
        out = sp.csc_matrix((data, indices, out_ptr), shape=(m, p))
        if m > 1 and np.any(np.diff(rows) < 0):
            out.sort_indices()                       # (rows given out of order)
        out.has_canonical_format = True
        return out
    X = sp.csr_matrix(X)
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
    step = max(256, -(-m // 32))
    chunks = [rows[i:i + step] for i in range(0, m, step)]
    counts = np.zeros(p, dtype=np.int64)
    for r in chunks:
        counts += np.bincount(X[r].indices, minlength=p)
    out_ptr = np.zeros(p + 1, dtype=np.int64)
    np.cumsum(counts, out=out_ptr[1:])
    data = np.empty(int(out_ptr[-1]), dtype=dtype)
    indices = np.empty(int(out_ptr[-1]), dtype=np.int32)
    written = out_ptr[:-1].copy()
    offset = 0
    for r in chunks:
        C = sp.csc_matrix(X[r])
        cptr = np.asarray(C.indptr, dtype=np.int64)
        lengths = np.diff(cptr)
        col = np.repeat(np.arange(p), lengths)
        dest = written[col] + (np.arange(C.nnz) - cptr[col])
        data[dest] = C.data
        indices[dest] = C.indices + offset
        written += lengths
        offset += r.shape[0]
    out = sp.csc_matrix((data, indices, out_ptr), shape=(m, p))
    out.has_canonical_format = True
    return out


# ---------------------------------------------------------------------------------------
# Cross-validation folds
# ---------------------------------------------------------------------------------------

def folds_partition(folds, n_samples):
    """Whether the test sets partition the samples and each train set is the rest
    (exactly: no repeated index, no overlap)."""
    counts = np.zeros(n_samples, dtype=np.int64)
    for train, test in folds:
        test_count = np.bincount(np.asarray(test, dtype=np.intp), minlength=n_samples)
        train_count = np.bincount(np.asarray(train, dtype=np.intp),
                                  minlength=n_samples)
        if np.any(test_count > 1) or np.any(train_count + test_count != 1):
            return False
        counts += test_count
    return bool(np.all(counts == 1))


def support_rows(coefs, axis=0):
    """Indices of the features (``axis`` of coefs) nonzero at some alpha, or None when
    that is more than half of them (then the products take every feature).

    A path's coefficients are mostly zero on wide data: the test errors' products
    X_test @ coefs over the support only are as exact (the other terms are zeros) and
    far smaller. Over every feature, leukemia's (15 x 7129 by 7129 x 100 per fold) went
    to NumPy's threaded BLAS and took 150-190 ms a fold on a loaded 2-core machine,
    two thirds of LassoCV's time; a product that small runs on one thread."""
    p = coefs.shape[axis]
    other = tuple(a for a in range(coefs.ndim) if a != axis)
    rows = np.flatnonzero(np.any(coefs != 0, axis=other))
    return rows if 2 * len(rows) <= p else None


def offsets_dot(offsets, coefs):
    """``offsets @ coefs`` (a p-vector by p x k coefficients) over the support only
    (``support_rows``): the mean shifts of a fold's intercepts."""
    rows = support_rows(coefs)
    if rows is None:
        return offsets @ coefs
    return offsets[rows] @ coefs[rows]


def test_mse(X_test, y_test, sw_test, coefs, intercepts):
    """Weighted mean squared error of each column of coefs on the test set (1-D y),
    or of each (T, p) slice coefs[..., k] with intercepts (T, k) (2-D y: the mean
    over samples and targets, as scikit-learn's multi-task CV). Only the features
    nonzero somewhere enter the products (``support_rows``)."""
    rows = support_rows(coefs, axis=1 if y_test.ndim == 2 else 0)
    if rows is not None:
        X_test = X_test[:, rows]
        coefs = coefs[:, rows] if y_test.ndim == 2 else coefs[rows]
    if y_test.ndim == 2:
        # one alpha at a time: (n_test, T) temporaries, not (n_test, T, n_alphas)
        residues = np.empty((y_test.shape[0], coefs.shape[2]),
                            dtype=np.result_type(y_test, coefs))
        for k in range(coefs.shape[2]):
            r = np.asarray(X_test @ coefs[..., k].T)
            r += intercepts[None, :, k]
            r -= y_test
            r *= r
            residues[:, k] = r.mean(axis=1)
    else:
        # a few alphas at a time: temporaries of 2^16 entries, not (n_test, n_alphas)
        k = coefs.shape[1]
        step = max(1, 2**15 // max(y_test.shape[0], 1))
        if step >= k:
            residues = (np.asarray(X_test @ coefs) + intercepts - y_test[:, None]) ** 2
        else:
            b = intercepts if np.ndim(intercepts) == 0 else np.asarray(intercepts)
            out = []
            for c0 in range(0, k, step):
                r = (np.asarray(X_test @ coefs[:, c0:c0 + step]) +
                     (b if np.ndim(b) == 0 else b[c0:c0 + step]) - y_test[:, None]) ** 2
                out.append(np.mean(r, axis=0) if sw_test is None else
                           np.average(r, axis=0, weights=sw_test))
            return np.concatenate(out)
    if sw_test is None:
        return np.mean(residues, axis=0)
    return np.average(residues, axis=0, weights=sw_test)


def _in_order(pool, fn, items, ahead):
    """fn over items on the pool, the results in order, with at most ``ahead`` calls
    submitted and not yet consumed (the result being consumed counted: the next call
    is submitted when the consumer asks for the next result)."""
    items = iter(items)
    pending = deque(pool.submit(fn, item) for item in islice(items, ahead))
    while pending:
        yield pending.popleft().result()
        for item in islice(items, 1):
            pending.append(pool.submit(fn, item))


class FoldMoments:
    """Weighted moments of the globally centered data, per test block and in total.

    With X_g = X - mu (mu the weighted mean over all samples when fitting an
    intercept, 0 otherwise), the training Gram of a fold, centered on the training
    mean and with its weights rescaled to sum to n_train as scikit-learn does, is
    c * (M_T - S_T m m^T) with M_T = M - M_k, S_T = S - S_k, m = (s - s_k) / S_T,
    c = n_train / S_T. Centering globally first keeps m small, so the subtraction
    does not cancel digits; without weights, when the means are already small against
    the spread (see ``CANCELLATION``), X itself is used (mu = 0, no copy).
    y is 1-D, or 2-D (n, T) for the multi-task problem (moments X^T Y, Y^T Y summed).
    ``stats``: X's column sums and sums of squares from ``column_stats`` (a Fortran X,
    no weights), when the caller has them already (``finite_column_stats``).

    ``defer``: the last test block's Gram product (X_k^T W X_k, the one expensive
    moment; the last fold trains on the sum of the others', ``partial``, deferred or
    not) is left out of the constructor (``deferred`` = k, its other moments
    computed): the caller runs ``finish_deferred`` beside fold k's path, which needs
    only the other blocks (its training M is their sum, ``partial``), so that the
    fold round that would leave a core idle (5 folds on 2 threads) overlaps the
    product. Everything that needs the total or block k waits for it (``_wait``).
    """

    MEMORY = 2 * 2**30   # bytes of p x p blocks kept between the folds
    deferred = None      # the test block whose Gram product is deferred (``defer``)

    def __init__(self, X, y, sw, folds, fit_intercept, stats=None, defer=False):
        n = X.shape[0]
        dtype = X.dtype
        self.fit_intercept = fit_intercept
        self.weighted = sw is not None
        self.sw = np.ones(n, dtype=dtype) if sw is None else sw
        self.Xg = None
        if fit_intercept:
            if self.weighted:
                self.mu = column_average(X, self.sw).astype(dtype)
                self.ybar = np.average(y, axis=0, weights=self.sw).astype(dtype)
            else:
                self.ybar = np.mean(y, axis=0, dtype=np.float64).astype(dtype)
                if X.flags.f_contiguous:
                    # (stats: column_stats' sums and sums of squares of X, if the
                    # caller computed them, see finite_column_stats)
                    sums, sumsq = stats if stats is not None else column_stats(X)[:2]
                    mean = sums / n
                    spread = np.maximum(sumsq / n - mean ** 2, 0.0)
                    # means small against the spread: the fold moments of X itself
                    # lose few digits in their centering (M - S m m^T), and X is not
                    # copied
                    if not cancels(mean ** 2, spread, dtype):
                        self.Xg = X
                        self.mu = np.zeros(X.shape[1], dtype=dtype)
                    else:
                        self.mu = mean.astype(dtype)
                else:
                    self.mu = X.mean(axis=0, dtype=np.float64).astype(dtype)
        else:
            self.mu = np.zeros(X.shape[1], dtype=dtype)
            self.ybar = np.zeros(y.shape[1:], dtype=dtype) if y.ndim > 1 \
                else dtype.type(0)
        if y.ndim == 1:
            self.ybar = dtype.type(self.ybar)
        if self.Xg is None:
            self.Xg = np.empty(X.shape, dtype=dtype, order="F")
            np.subtract(X, self.mu, out=self.Xg)
        self.yg = (y - self.ybar).astype(dtype)
        # a test set of consecutive rows (KFold without shuffling) is read as a view
        self.tests = [self._rows(test) for _, test in folds]
        p = X.shape[1]
        keep = (len(folds) + 1) * p * p * dtype.itemsize <= self.MEMORY
        # (the blocks and the last fold's partial sum: one p x p array more)
        with_partial = (len(folds) + 2) * p * p * dtype.itemsize <= self.MEMORY
        self._plan = self._piece_plan()
        k = len(folds) - 1
        # (deferred only where the products run on threads, one BLAS thread each: the
        # deferred one, on a fold's thread, then gives the same bits; and where each
        # of its pieces is short: an interrupted fit waits for the running one)
        if defer and with_partial and k > 0 and self._plan[0] is not None and \
                self._piece_work(self.tests[k]) <= self.DEFER_MAX_WORK:
            # (block k's other moments beside the others' products, on the threads)
            self.blocks = self._block_moments(self.tests[:k], cheap=self.tests[k])
            self.total = (None,) + tuple(sum(b[i] for b in self.blocks)
                                         for i in range(1, 6))
            self._keep_partial(k)
            self.deferred = k
            self._finished = threading.Event()
            self._error = None
            self._epoch = abort_epoch()
            return
        self.blocks = self._block_moments(self.tests)
        self.total = tuple(sum(b[i] for b in self.blocks) for i in range(6))
        if with_partial and k > 0:
            self._keep_partial(k)      # (the total is partial + M_k: the same sum)
        if not keep:
            # keep only the total Gram; a fold's block is recomputed from its rows
            # when the fold runs (the same flops, n_jobs blocks in memory at a time)
            self.blocks = [(None,) + b[1:] for b in self.blocks]

    # the sum of the Gram products of the blocks before the last one: the last fold's
    # training M (None: the total minus its block, as for the other folds)
    partial = None

    def _keep_partial(self, k):
        """``partial``: the blocks' Gram products before block k (the last) summed in
        their order, so that the total, partial + M_k, is sum()'s. The last fold
        trains on partial itself, deferred (``defer``) or not: the same bits."""
        self.partial = sum(b[0] for b in self.blocks[:k])

    # multiply-adds of the test blocks' products above which they run on threads
    THREADED_WORK = 2**26
    # multiply-adds of a piece of the deferred product at most (~25 ms on one core):
    # an interrupt waits for the piece running
    DEFER_MAX_WORK = 2**29

    def _piece_work(self, test):
        """Multiply-adds of the largest piece of a test block's Gram product."""
        p = self.Xg.shape[1]
        return max(np.arange(self.Xg.shape[0])[rows].size for rows in
                   self._cut(test)) * p * (p + 1) / 2

    def _piece_plan(self):
        """(workers, pieces): the threads of the test blocks' products (None: one
        block after another on the calling thread) and how many row pieces each block
        is cut into (see _block_moments), from the number of blocks alone."""
        n, p = self.Xg.shape
        workers = fold_workers(None, 2 * len(self.tests), 1, float("inf"))
        if workers is None or workers < 2 or n * p * (p + 1) / 2 < self.THREADED_WORK:
            return None, 1
        return workers, 1 if len(self.tests) % workers == 0 else workers

    def _cut(self, test):
        """A test block's rows as the pieces of the piece plan."""
        pieces = self._plan[1]
        if pieces == 1:
            return [test]
        return [self._rows(part)
                for part in np.array_split(np.arange(self.Xg.shape[0])[test], pieces)]

    def _block_moments(self, tests, cheap=None):
        """The moments (``_moments``) of each test block, and last those of the
        block ``cheap`` without its Gram product, if given (its rows cut into one
        piece per thread). When their products are
        large, on one thread per core with every BLAS on one thread (each block's
        rows cut into one piece per thread when the blocks do not share out evenly
        among the threads; the pieces' moments summed): faster than each product on
        a threaded BLAS one after another (on a loaded 2-core machine, five 4000 x 500
        SYRKs took 220-410 ms on two Python threads against 490-1010 ms on OpenBLAS's
        two threads), and the same bits on any machine with as many threads."""
        workers = self._plan[0]
        if workers is None:
            out = [self._moments(test) for test in tests]
            return out if cheap is None else out + [self._moments(cheap, gram=False)]
        parts = [(self._cut(test), True) for test in tests]
        if cheap is not None:
            parts.append((self._cut(cheap), False))
        tasks = [(part, gram) for block, gram in parts for part in block]

        stop = threading.Event()

        def task(item):
            rows, gram = item
            return None if stop.is_set() else self._moments(rows, gram)

        def run():
            # (each block's pieces summed as they arrive, in order: at most a block's
            # sum and the pieces in flight, one per thread, are held beside the
            # finished blocks; pool.map would submit every piece at once, and the
            # moments of pieces finished ahead of the sum would pile up)
            out = []
            with parallel_folds, ThreadPoolExecutor(workers) as pool:
                done = _in_order(pool, task, tasks, workers)
                for block, _ in parts:
                    got = next(done)
                    for _ in block[1:]:
                        more = next(done)
                        if got is None or more is None:
                            return None
                        got = tuple(None if a is None else a + b
                                    for a, b in zip(got, more, strict=True))
                    out.append(got)
            return out

        try:
            return run_waiting(run)
        except BaseException:
            # (interrupted: the pieces not started yet are skipped, the running ones
            # end in the background as run_waiting's one call would)
            stop.set()
            raise

    def _train_rows(self, k):
        """Indices of the rows outside test block k."""
        keep = np.ones(self.Xg.shape[0], dtype=bool)
        keep[self.tests[k]] = False
        return np.flatnonzero(keep)

    @staticmethod
    def _rows(idx):
        idx = np.asarray(idx, dtype=np.intp)
        if idx.size > 0 and idx[-1] - idx[0] == idx.size - 1 and \
                np.all(np.diff(idx) == 1):
            return slice(int(idx[0]), int(idx[-1]) + 1)
        return idx

    # rows of X held at once by a block's weighted (or gathered) moments: a piece of
    # at most max(p, 2^15 / p) rows, so that its copy is O(p^2 + 2^15) entries
    PIECE_ENTRIES = 2**15

    def _pieces(self, rows):
        """The rows as consecutive pieces of at most ``max(p, PIECE_ENTRIES / p)``
        rows each (slices, or parts of an index array)."""
        p = self.Xg.shape[1]
        step = max(p, self.PIECE_ENTRIES // max(p, 1), 1)
        if isinstance(rows, slice):
            start, stop, _ = rows.indices(self.Xg.shape[0])
            return [slice(a, min(a + step, stop)) for a in range(start, stop, step)]
        return [rows[a:a + step] for a in range(0, rows.shape[0], step)]

    def _moments(self, rows, gram=True):
        """(M, v, s, sy, syy, S): X^T W X, X^T W y, column sums, target sums, sum of
        squared targets and total weight of the rows (W their weights); M is None
        unless ``gram``.

        Memory: a block of consecutive rows is a view of X_g; its weighted Gram
        X^T W X (sqrt(W) X is a copy), and every moment of a block given by an index
        array (a gathered copy), are summed over pieces of rows (``_pieces``), so that
        no copy of the block is held (a block of one piece: one product, as before)."""
        yr = self.yg[rows]
        multi = yr.ndim == 2
        pieces = self._pieces(rows)
        view = isinstance(rows, slice)
        if not view and len(pieces) > 1:
            # gathered rows: every product summed over the pieces' copies
            M = v = s = None
            for part in pieces:
                Mi, vi, si = self._products(self.Xg[part], self.yg[part],
                                            self.sw[part] if self.weighted else None,
                                            gram)
                M, v, s = (Mi, vi, si) if v is None else \
                    (M + Mi if gram else None, v + vi, s + si)
        else:
            Xr = self.Xg[rows]
            sw = self.sw[rows] if self.weighted else None
            if self.weighted and len(pieces) > 1:
                M = None
                for part in (pieces if gram else []):
                    Xw = self.Xg[part] * np.sqrt(self.sw[part])[:, None]
                    Mi = gram_waiting(Xw)
                    del Xw
                    M = Mi if M is None else M + Mi
                _, v, s = self._products(Xr, yr, sw, gram=False)
            else:
                M, v, s = self._products(Xr, yr, sw, gram)
        if self.weighted:
            sw = self.sw[rows]
            S = float(np.sum(sw, dtype=np.float64))
            if multi:
                syy = float(np.einsum("i,it,it->", sw.astype(np.float64), yr, yr))
                sy = (sw @ yr).astype(np.float64)
            else:
                syy = float(sw.astype(np.float64) @ yr ** 2)
                sy = float(sw @ yr)
        else:
            S = float(yr.shape[0])
            if multi:
                y64 = yr.astype(np.float64)
                syy = float(np.einsum("it,it->", y64, y64))
                sy = np.sum(yr, axis=0, dtype=np.float64)
            else:
                syy = float(yr.astype(np.float64) @ yr)
                sy = float(np.sum(yr, dtype=np.float64))
        return (M, v, s, sy, syy, S)

    def finish_deferred(self):
        """The deferred block's Gram product (see ``defer``), on the calling thread;
        then the total's. Whatever waits for it is woken, also when it fails."""
        try:
            k = self.deferred
            # (the pieces of the plan, summed in order: _block_moments' bits)
            M = None
            for rows in self._cut(self.tests[k]):
                if abort_epoch() != self._epoch:
                    raise KeyboardInterrupt("fastreg: interrupted")
                if self.weighted or not isinstance(rows, slice):
                    Mi = self._moments(rows)[0]
                else:
                    Mi = gram_waiting(self.Xg[rows])  # (a view's syrk, as _products)
                M = Mi if M is None else M + Mi
            self.blocks[k] = (M,) + self.blocks[k][1:]
            self.total = (self.partial + M,) + self.total[1:]
        except BaseException as exc:
            self._error = exc
            raise
        finally:
            self._finished.set()

    def deferred_pending(self):
        """Whether a deferred block's Gram product (``defer``) is not done yet."""
        return self.deferred is not None and not self._finished.is_set()

    def _wait(self):
        """Returns once the deferred block's product is done (at once when none is
        deferred); KeyboardInterrupt when the abort epoch moves meanwhile (an
        interrupted fit, see _engine.run_interruptibly)."""
        if self.deferred is None:
            return
        while not self._finished.wait(0.05):
            if abort_epoch() != self._epoch:
                raise KeyboardInterrupt("fastreg: interrupted")
        if self._error is not None:
            raise RuntimeError("the deferred fold moments failed") from self._error

    @staticmethod
    def _products(Xr, yr, sw, gram=True):
        """(X^T W X (None unless ``gram``), X^T W y, column sums) of rows Xr."""
        multi = yr.ndim == 2
        if sw is not None:
            M = gram_waiting(Xr * np.sqrt(sw)[:, None]) if gram else None
            v = Xr.T @ (sw[:, None] * yr if multi else sw * yr)
            s = sw @ Xr
        else:
            M = gram_waiting(Xr) if gram else None  # (a syrk; a view: no copy)
            v = Xr.T @ yr
            s = Xr.sum(axis=0)
        return M, v, s

    def test_mse(self, k, coefs, intercepts):
        """Weighted mean squared test error of fold k for each column of coefs (1-D
        y; for 2-D y each slice coefs[..., a], from the rows), with intercepts in the
        globally centered frame (y_g ~ X_g w + b).

        In float64 from the fold's moments (sum_i s_i r_i^2 = y'y - 2 w'v + w'M w
        - 2 b (s_y - s'w) + b^2 S, O(p^2) per alpha instead of a pass over the test
        rows), except where that sum cancels more than a millionth of its terms'
        size (nearly perfect fits): those columns are computed from the rows.
        """
        if k == self.deferred:
            self._wait()
        M, v, s, sy, syy, S = self.blocks[k]
        rows = self.tests[k]
        sw = self.sw[rows] if self.weighted else None
        if M is None or self.Xg.dtype != np.float64 or self.yg.ndim == 2:
            return test_mse(self.Xg[rows], self.yg[rows], sw, coefs, intercepts)
        coefs = np.asarray(coefs, dtype=np.float64)
        support = support_rows(coefs)
        on = coefs
        if support is not None:             # (the other rows of coefs are zeros)
            M, v, s, on = M[np.ix_(support, support)], v[support], s[support], \
                coefs[support]
        Mw = M @ on
        quad = np.einsum("ij,ij->j", on, Mw)
        lin = v @ on
        sw_ = s @ on
        b = np.asarray(intercepts, dtype=np.float64)
        total = syy - 2 * lin + quad - 2 * b * (sy - sw_) + b * b * S
        scale = syy + np.abs(2 * lin) + np.abs(quad) + np.abs(2 * b * (sy - sw_)) + \
            b * b * S
        bad = ~(total >= 1e-6 * scale)
        if np.any(bad):
            total[bad] = S * test_mse(self.Xg[rows], self.yg[rows], sw, coefs[:, bad],
                                      b[bad] if b.ndim else b)
        return total / S

    def training_moments(self, k, n_train, gram=True):
        """(G, Xy, yy, mean shift of X, mean shift of y) of fold k's training set,
        centered and weighted as ``preprocess`` would; k=None for all samples. G is
        None unless ``gram`` (then nothing waits for a deferred product). The
        last fold takes the other blocks' sum (``partial``) as its M, deferred or
        not: the same bits whatever the threads' timing."""
        own = k is not None and self.partial is not None and k == len(self.tests) - 1
        if gram and not own:
            self._wait()
        M, v, s, sy, syy, S = self.total
        if own:
            M = self.partial
        if k is not None:
            Mk, vk, sk, syk, syyk, Sk = self.blocks[k]
            fresh = Mk is None and not own and gram
            if own or not gram:
                Mk = None
            elif fresh:
                Mk = self._moments(self.tests[k])[0]
            v, s, sy, syy, S = v - vk, s - sk, sy - syk, syy - syyk, S - Sk
            if not S > CANCELLATION[np.dtype(np.float64)] ** -1 * self.total[5]:
                # the test block holds nearly all the weight (one weight 1e17 times
                # the others): the difference of the moments lost its digits (S may
                # even be 0); those of the training rows themselves instead
                rows = self._train_rows(k)
                M, v, s, sy, syy, S = self._moments(rows) if gram else \
                    self._moments(rows, gram=False)
                Mk = None
        if not S > 0:
            raise ValueError(
                "sample_weight: the training set of a cross-validation fold has "
                f"weights summing to {S!r}; each training set needs a positive "
                "total weight.")
        c = n_train / S
        # G = c * (M - S m m^T), computed in place on one p x p array (a few rows of
        # m m^T at a time): the same operations on every entry
        if not gram:
            G = None
        elif k is not None and Mk is not None:
            # (a block made for this call is overwritten: one p x p array fewer)
            G = np.subtract(M, Mk, out=Mk) if fresh else M - Mk
        else:
            G = M.copy()
        if self.fit_intercept:
            m = s / S
            my = sy / S
            step = max(1, 2**16 // max(len(m), 1))
            for i0 in range(0, len(m) if gram else 0, step):
                G[i0:i0 + step] -= S * np.outer(m[i0:i0 + step], m)
            if gram:
                G *= c
            if np.ndim(my):
                Xy = c * (v - S * np.outer(m, my))
                yy = c * (syy - S * float(my @ my))
            else:
                Xy = c * (v - S * m * my)
                yy = c * (syy - S * my * my)
        else:
            m = np.zeros_like(s)
            my = np.zeros_like(sy) if np.ndim(sy) else 0.0
            if gram:
                G *= c
            Xy, yy = c * v, c * syy
        dtype = self.Xg.dtype
        return (None if G is None else np.ascontiguousarray(G, dtype=dtype),
                Xy.astype(dtype), float(yy), m.astype(dtype), my)


class FoldSums(FoldMoments):
    """``FoldMoments`` from sufficient statistics alone, without the rows in memory
    (e.g. reduced in one pass over a Dask array): for each test block k its row count,
    total weight S_k, weighted means of X and y and centered co-moments
    C_k = sum_i w_i (x_i - mean_k)(x_i - mean_k)^T (and x-y, y-y), each about the
    block's own means, so that columns whose mean dwarfs their spread lose no digits.

    The blocks are moved into the frame of the global weighted means (the frame of
    ``FoldMoments``: M_k = C_k + S_k d_k d_k^T with d_k = mean_k - mu, ...);
    ``training_moments`` is FoldMoments' own. ``test_mse`` is computed from the
    moments; where that sum cancels (nearly perfect fits) it asks ``rows_mse(k, coefs,
    intercepts)`` for the errors from the rows (a pass over the data), if given, and
    otherwise keeps the moments' value (clipped at 0).
    """

    def __init__(self, counts, weights, means_x, means_y, cxx, cxy, cyy, fit_intercept,
                 weighted, dtype, rows_mse=None):
        dtype = np.dtype(dtype)
        S = np.asarray(weights, dtype=np.float64)
        mx = np.asarray(means_x, dtype=np.float64)
        my = np.asarray(means_y, dtype=np.float64)
        n_blocks, p = mx.shape
        self.fit_intercept = fit_intercept
        self.weighted = weighted
        self.counts = np.asarray(counts, dtype=np.int64)
        self.rows_mse = rows_mse
        if fit_intercept:
            share = S / np.sum(S)
            mu, ybar = share @ mx, share @ my
        else:
            mu, ybar = np.zeros(p), np.zeros(my.shape[1:])
        # (y's mean: a scalar for one target, (T,) for several)
        self.mu = mu.astype(dtype)
        self.ybar = np.asarray(ybar).astype(dtype)[()]
        # (no rows: the dtype and width of the data for training_moments)
        self.Xg = np.empty((0, p), dtype=dtype)
        self.yg = np.empty((0,) + my.shape[1:], dtype=dtype)
        self.sw = None
        self.tests = None
        self.blocks = []
        for k in range(n_blocks):
            d = mx[k] - self.mu.astype(np.float64)
            dy = my[k] - np.asarray(self.ybar, dtype=np.float64)
            self.blocks.append((
                np.asarray(cxx[k], dtype=np.float64) + S[k] * np.outer(d, d),
                np.asarray(cxy[k], dtype=np.float64) + np.multiply.outer(S[k] * d, dy),
                S[k] * d, S[k] * dy, float(cyy[k] + S[k] * np.dot(dy, dy)),
                float(S[k])))
        self.total = tuple(sum(b[i] for b in self.blocks) for i in range(6))
        # centered sum of squares of y in each block (R^2 of a fold)
        self.block_sst = np.asarray(cyy, dtype=np.float64)

    def test_mse(self, k, coefs, intercepts):
        """Weighted mean squared test error of block k for each column of coefs (1-D
        y), intercepts in the globally centered frame, from the block's moments."""
        M, v, s, sy, syy, S = self.blocks[k]
        coefs = np.asarray(coefs, dtype=np.float64)
        quad = np.einsum("ij,ij->j", coefs, M @ coefs)
        lin = v @ coefs
        sw_ = s @ coefs
        b = np.broadcast_to(np.asarray(intercepts, dtype=np.float64), lin.shape).copy()
        total = syy - 2 * lin + quad - 2 * b * (sy - sw_) + b * b * S
        scale = syy + np.abs(2 * lin) + np.abs(quad) + np.abs(2 * b * (sy - sw_)) + \
            b * b * S
        bad = ~(total >= 1e-6 * scale)
        if np.any(bad):
            if self.rows_mse is not None:
                total[bad] = S * np.asarray(self.rows_mse(k, coefs[:, bad], b[bad]))
            else:
                total[bad] = np.maximum(total[bad], 0.0)
        return total / S


# ---------------------------------------------------------------------------------------
# Standardization (glmnet's standardize=TRUE)
# ---------------------------------------------------------------------------------------

def column_scales(X, sample_weight):
    """glmnet's standardization scales: the weighted standard deviation of each
    column of X, sqrt(sum_i w_i (x_ij - m_j)^2) with the weights w rescaled to sum to
    1 and m_j the weighted mean (divisor n, not n - 1; centered whether or not an
    intercept is fitted), in float64. Dense X a block of columns at a time; sparse X
    from its nonzeros (never densified, no cancellation: the zero entries contribute
    m_j^2 times their weight)."""
    n, p = X.shape
    w = np.full(n, 1.0 / max(n, 1)) if sample_weight is None else \
        np.asarray(sample_weight, dtype=np.float64) / np.sum(sample_weight)
    if sp.issparse(X):
        Xc = sp.csc_matrix(X)
        if not Xc.has_canonical_format:
            Xc = Xc.copy()
            Xc.sum_duplicates()
        cols = np.repeat(np.arange(p), np.diff(Xc.indptr))
        data = np.asarray(Xc.data, dtype=np.float64)
        wi = w[Xc.indices]
        mean = np.bincount(cols, weights=wi * data, minlength=p)
        zero_weight = np.maximum(1.0 - np.bincount(cols, weights=wi, minlength=p), 0.0)
        var = np.bincount(cols, weights=wi * (data - mean[cols]) ** 2, minlength=p) + \
            zero_weight * mean ** 2
    else:
        mean = np.empty(p)
        var = np.empty(p)
        step = max(1, 2**16 // max(n, 1))
        for j0 in range(0, p, step):
            block = np.asarray(X[:, j0:j0 + step], dtype=np.float64)
            m = w @ block
            dev = block - m
            c = w @ dev                      # (the rounding of m: corrected)
            mean[j0:j0 + step] = m + c
            var[j0:j0 + step] = w @ dev ** 2 - c * c
    scale = np.sqrt(np.maximum(var, 0.0))
    # constant columns (spread of the order of the rounding of their mean): scale 0
    eps = np.finfo(X.dtype).eps
    scale[scale <= 4 * eps * np.sqrt(max(n, 1)) * np.abs(mean)] = 0.0
    return scale


def inverse_scales(scale, dtype):
    """The multipliers 1 / scale of the columns, in dtype (0 for a constant column,
    which then stays out of the model, as glmnet excludes it)."""
    with np.errstate(divide="ignore"):
        d = np.where(scale > 0, 1.0 / np.where(scale > 0, scale, 1.0), 0.0)
    return d.astype(dtype)


def scale_columns(X, d):
    """X with column j multiplied by d[j], as a new array (dense: Fortran-ordered;
    sparse: the same structure, a copy of the values only)."""
    d = np.asarray(d, dtype=X.dtype)
    if sp.issparse(X):
        if X.format not in ("csr", "csc"):
            X = sp.csr_matrix(X)
        out = X.copy()
        if out.format == "csr":
            out.data *= d[out.indices]
        else:
            out.data *= np.repeat(d, np.diff(out.indptr))
        return out
    out = np.empty(X.shape, dtype=X.dtype, order="F")
    np.multiply(X, d, out=out)
    return out


def standard_scales(X, sw, penalty, standardize):
    """(penalty, scale): with ``standardize`` (glmnet's), the column factors that
    give X unit-variance columns (and bring its coefficients back) and the penalty
    on that scale (bounds stay on the original scale); else (penalty, None). X itself
    is not scaled (see standardized)."""
    if not standardize:
        return penalty, None
    scale = inverse_scales(column_scales(X, sw), X.dtype)
    return penalty.scaled(scale), scale


def standardized(X, sw, penalty, standardize):
    """(X, penalty, scale): with ``standardize`` (glmnet's), X with unit-variance
    columns (a copy; sparse: of the values only), the penalty on that scale and the
    column factors (see standard_scales); else as given and None."""
    penalty, scale = standard_scales(X, sw, penalty, standardize)
    if scale is None:
        return X, penalty, None
    return scale_columns(X, scale), penalty, scale


def scale_moments(G, Xy, d):
    """The Gram form (G, X^T y) of the data with column j multiplied by d[j]."""
    d = np.asarray(d, dtype=np.float64)
    G = np.asarray(G) * d[:, None].astype(G.dtype) * d[None, :].astype(G.dtype)
    return np.ascontiguousarray(G), np.asarray(Xy) * d.astype(np.asarray(Xy).dtype)


def gram_scales(G, n_samples, means, dtype):
    """column_scales from a centered, weighted Gram matrix (weights summing to
    n_samples): sqrt(G_jj / n_samples); 0 for columns whose spread is rounding
    noise of their mean (``means``)."""
    scale = np.sqrt(np.maximum(np.diag(G).astype(np.float64), 0.0) / n_samples)
    eps = np.finfo(dtype).eps
    scale[scale <= 4 * eps * np.sqrt(max(n_samples, 1)) *
          np.abs(np.asarray(means, dtype=np.float64))] = 0.0
    return scale
class SparseFoldMoments(FoldMoments):
    """``FoldMoments`` of a sparse X (CSR or CSC), for covariance updates in every
    fold: the weighted moments of X itself (not centered: the caller checked that its
    implicit centering loses no digits, ``SparsePrepared.centering_is_safe``), of
    each test block and in total. Only the total Gram matrix is kept (the shared Gram
    once); a fold's block is made again from its test rows when the fold runs, and
    its test errors are computed from those rows (``sparse_rows``: one test block's
    rows at a time, never a training set's copy)."""

    def __init__(self, X, y, sw, folds, fit_intercept):
        n, p = X.shape
        dtype = X.dtype
        self.X = X
        self.fit_intercept = fit_intercept
        self.weighted = sw is not None
        self.sw = sw                  # (None: unweighted)
        self.mu = np.zeros(p, dtype=dtype)
        if fit_intercept:
            self.ybar = np.average(y, axis=0, weights=sw).astype(dtype)
        else:
            self.ybar = np.zeros(y.shape[1:], dtype=dtype) if y.ndim > 1 \
                else dtype.type(0)
        if y.ndim == 1:
            self.ybar = dtype.type(self.ybar)
        # (no dense rows: the dtype and width of the data for training_moments)
        self.Xg = np.empty((0, p), dtype=dtype)
        self.yg = (y - self.ybar).astype(dtype)
        self.n_samples = n
        self.tests = [np.asarray(test, dtype=np.intp) for _, test in folds]
        self.blocks = []
        total = None
        for test in self.tests:
            block = self._moments(test)
            total = list(block) if total is None else \
                [t + b for t, b in zip(total, block, strict=True)]
            self.blocks.append((None,) + block[1:])
            del block
        self.total = tuple(total)

    def _train_rows(self, k):
        keep = np.ones(self.n_samples, dtype=bool)
        keep[self.tests[k]] = False
        return np.flatnonzero(keep)

    def _moments(self, rows):
        """(M, v, s, sy, syy, S) of the rows, as FoldMoments (float64)."""
        Xr = sparse_rows(self.X, rows)
        yr = self.yg[rows].astype(np.float64)
        multi = yr.ndim == 2
        if self.weighted:
            sw = self.sw[rows].astype(np.float64)
            root = np.sqrt(sw)
            # rows scaled by sqrt(w) in place (Xr is this function's own copy)
            data = Xr.data.astype(np.float64, copy=False)
            for _, _, a, b in _column_blocks(np.asarray(Xr.indptr, dtype=np.int64)):
                data[a:b] *= root[Xr.indices[a:b]]
            Xw = sp.csc_matrix((data, Xr.indices, Xr.indptr), shape=Xr.shape)
            wy = root[:, None] * yr if multi else root * yr
            S = float(np.sum(sw))
            syy = float(np.einsum("i,it,it->", sw, yr, yr)) if multi else \
                float(sw @ yr ** 2)
            sy = sw @ yr if multi else float(sw @ yr)
        else:
            Xw = Xr.astype(np.float64, copy=False)
            root, wy = np.ones(Xr.shape[0]), yr
            S = float(Xr.shape[0])
            syy = float(np.einsum("it,it->", yr, yr)) if multi else float(yr @ yr)
            sy = np.sum(yr, axis=0) if multi else float(np.sum(yr))
        del Xr
        p = Xw.shape[1]
        M = np.empty((p, p))
        for j0, j1, block in _gram_columns(Xw):
            M[:, j0:j1] = block
        XT = Xw.T
        v = np.asarray(XT @ wy)
        s = np.asarray(XT @ root)
        return (M, v, s, sy, syy, S)

    def test_mse(self, k, coefs, intercepts):
        """Weighted mean squared test error of fold k for each column of coefs (or
        slice coefs[..., a] for 2-D y), from the test rows."""
        rows = self.tests[k]
        sw = self.sw[rows] if self.weighted else None
        return test_mse(sparse_rows(self.X, rows), self.yg[rows], sw, coefs,
                        intercepts)
