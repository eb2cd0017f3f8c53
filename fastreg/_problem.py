"""One regression problem, ready for the kernel: dense, sparse or Gram form, with its
penalty factors, bounds and unpenalized features.

The estimators, the path functions and the cross-validation engine all describe their
data with a ``Problem`` and call ``Problem.solve`` for a grid of alphas; this module
decides how the kernel sees the data:

* dense X: centered and weighted (explicitly, or implicitly with the column means
  passed to the kernel; see ``_path.preprocess``), residual updates;
* sparse X: never densified. Rows are scaled by sqrt(sample weight) (a copy of the
  values only); centering is implicit, as a rank-one correction X - q b^T with q the
  normalized sqrt-weights, which the kernel applies column by column. When
  n_samples > n_features and the Gram matrix is small (and does not cancel digits),
  covariance updates on the p x p Gram matrix computed from the sparse products;
* Gram form: G = X~^T X~, X~^T y~, ||y~||^2 (given, computed, or per CV fold);
* unpenalized features (penalty factor 0) are projected out (see ``_penalty``).
"""
import numpy as np
from scipy import sparse as sp

from ._linalg import matmul, sq_norm
from ._path import _rescaled_weights, enet_path_arrays

SPARSE_GRAM_MAX_FEATURES = 4096   # largest p for which a sparse X gets a p x p Gram
# mean^2 / spread^2 of a column beyond which implicit centering (X^T X - n m m^T, or
# x_j^T R_s - b_j q^T R_s) loses too many digits: such columns are dense anyway, and
# the data are centered explicitly instead (see centering_is_safe)
CANCELLATION = {np.dtype(np.float64): 1e4, np.dtype(np.float32): 10.0}


def centering_is_safe(prep):
    """Whether a SparsePrepared X can be centered implicitly without losing digits."""
    return prep.cancellation <= CANCELLATION[np.dtype(prep.dtype)]


class SparsePrepared:
    """Sparse X with its rows scaled by sqrt(weights), in the kernel's CSC arrays,
    with the centering as a rank-one correction: X~ = X - q B (q (n,) unit, B (p,))."""

    def __init__(self, X, y, fit_intercept, sample_weight):
        dtype = X.dtype
        X = sp.csc_matrix(X)
        if not X.has_canonical_format:
            X = X.copy()
            X.sum_duplicates()
        n, p = X.shape
        self.shape = (n, p)
        sw = _rescaled_weights(sample_weight, n)
        self.indptr = np.ascontiguousarray(X.indptr, dtype=np.int64)
        self.indices = np.ascontiguousarray(X.indices, dtype=np.int32)
        data = np.asarray(X.data, dtype=dtype)
        self.cols = np.repeat(np.arange(p), np.diff(self.indptr))
        root = None if sw is None else np.sqrt(sw)
        if root is not None:
            data = data * root[self.indices].astype(dtype)
        self.data = np.ascontiguousarray(data, dtype=dtype)
        data64 = self.data.astype(np.float64)
        if fit_intercept:
            s = np.ones(n) if root is None else root
            ss = float(s @ s)
            colsum = np.bincount(self.cols, weights=data64 * s[self.indices],
                                 minlength=p)
            self.X_offset = (colsum / ss).astype(dtype)
            self.y_offset = np.average(y, axis=0, weights=sw).astype(dtype)
            yc = y - self.y_offset
            if root is not None:
                yc = yc * (root[:, None] if yc.ndim > 1 else root)
            self.q = s / np.sqrt(ss)
            self.b = colsum / np.sqrt(ss)
            # exact norms of x_j - q b_j, without cancellation:
            # sum over the nonzeros of (x_ij - q_i b_j)^2, plus b_j^2 (q_i)^2 elsewhere
            qb = self.q[self.indices] * self.b[self.cols]
            # b_j^2 times the squared weight of the rows where column j is zero
            # (counted exactly without weights)
            if root is None:
                zero_share = (n - np.diff(self.indptr)) / n
            else:
                zero_share = 1.0 - np.bincount(self.cols, weights=self.q[self.indices] ** 2,
                                               minlength=p)
            rest = self.b ** 2 * zero_share
            norms = np.bincount(self.cols, weights=(data64 - qb) ** 2, minlength=p) + \
                np.maximum(rest, 0)
            eps = np.finfo(dtype).eps
            scale = 1.0 if sw is None else float(np.max(sw))
            norms[norms <= n * scale * (4 * eps * self.X_offset.astype(np.float64)) ** 2] = 0
            spread = np.where(norms > 0, norms, np.inf)
            self.cancellation = float(np.max(self.b ** 2 / spread)) if p else 0.0
        else:
            self.X_offset = np.zeros(p, dtype=dtype)
            self.y_offset = np.zeros(y.shape[1:], dtype=dtype) if y.ndim > 1 \
                else dtype.type(0)
            yc = y if root is None else y * (root[:, None] if y.ndim > 1 else root)
            self.q = self.b = None
            norms = np.bincount(self.cols, weights=data64 ** 2, minlength=p)
            self.cancellation = 0.0
        self.y = np.asarray(yc, dtype=dtype)
        self.norms = norms
        self.dtype = dtype

    def gram_pays(self):
        """Whether covariance updates on a dense p x p Gram matrix beat sparse
        residual updates: n > p, p small enough, no cancellation, and columns dense
        enough (a covariance update costs p, a residual update a column's nonzeros;
        measured: hockey, 347 nonzeros per column for p = 2776, path 7x faster with
        the Gram matrix; we8there, 25 for p = 2640, 7x slower)."""
        n, p = self.shape
        mean_nnz = self.data.shape[0] / max(p, 1)
        return bool(n > p and p <= SPARSE_GRAM_MAX_FEATURES and
                    centering_is_safe(self) and 16 * mean_nnz >= p)

    def matrix(self):
        """The scaled (uncentered) sparse X as a CSC matrix."""
        return sp.csc_matrix((self.data, self.indices, self.indptr), shape=self.shape)

    def Xty(self, y):
        """X~^T y (float64)."""
        out = self.matrix().T @ y.astype(np.float64)
        if self.q is not None:
            out = out - self.b * float(self.q @ y)
        return np.asarray(out, dtype=np.float64)

    def gram(self):
        """X~^T X~ (float64, dense p x p)."""
        Xs = self.matrix().astype(np.float64)
        G = (Xs.T @ Xs).toarray()
        if self.q is not None:
            G -= np.outer(self.b, self.b)
        return G

    def columns(self, U):
        """X~[:, U] as a dense float64 array."""
        XU = self.matrix()[:, U].astype(np.float64).toarray()
        if self.q is not None:
            XU -= np.outer(self.q, self.b[U])
        return XU


class Problem:
    """A single-target problem in the kernel's terms. Build it with ``dense``,
    ``sparse`` or ``gram``; then ``alpha_max`` and ``solve``."""

    kind = None

    def __init__(self, n_samples, n_features, penalty, tol_yy):
        self.n_samples = n_samples
        self.n_features = n_features
        self.penalty = penalty
        self.tol_yy = tol_yy
        self.unpen = None
        self.kw = {}
        self.Xy = None

    # -- constructors ---------------------------------------------------------------
    @classmethod
    def dense(cls, X, y, penalty, Xmean=None, norms=None, use_gram=False, gram=None,
              Xty=None):
        """Residual updates on a prepared dense X (or covariance updates on its Gram
        matrix / lazily built Gram columns). ``Xty``: X^T y with X's columns as given
        (before the ``Xmean`` correction), if already computed."""
        from ._penalty import Unpenalized
        y = np.ascontiguousarray(y)
        tol_yy = sq_norm(y)
        self = cls(X.shape[0], X.shape[1], penalty, tol_yy)
        U = penalty.unpenalized
        if U.size:
            if Xmean is not None:
                X = np.asfortranarray(X - Xmean)
                Xmean = norms = None
            XU = X[:, U].astype(np.float64)
            un = Unpenalized(U, X.T.astype(np.float64) @ XU, XU.T @ y)
            if gram is not None:
                G, Xy, yy = un.project_gram(gram, X.T @ y, tol_yy)
                return cls._from_gram(self, G, Xy, yy, X.dtype, un)
            X, y = un.project_dense(X, y)
            self.unpen = un
            norms = None
            Xty = None
            if use_gram:
                gram = None
        self.kind = "dense"
        self.kw = dict(X=X, y=y, Xmean=Xmean, norms=norms, gram=gram,
                       use_gram=use_gram or gram is not None)
        if Xty is not None and gram is None and not use_gram:
            self.kw["Xty"] = Xty
        self.X, self.y = X, y
        return self

    @classmethod
    def gram(cls, G, Xy, yy, n_samples, penalty, dtype):
        """Covariance updates on G = X~^T X~ with X~^T y~ and ||y~||^2."""
        from ._penalty import Unpenalized
        self = cls(n_samples, G.shape[0], penalty, float(yy))
        U = penalty.unpenalized
        un = None
        if U.size:
            un = Unpenalized(U, np.asarray(G, dtype=np.float64)[:, U],
                             np.asarray(Xy, dtype=np.float64)[U])
            G, Xy, yy = un.project_gram(G, Xy, yy)
        return cls._from_gram(self, G, Xy, yy, dtype, un)

    @staticmethod
    def _from_gram(self, G, Xy, yy, dtype, un):
        self.kind = "gram"
        self.unpen = un
        G = np.ascontiguousarray(G, dtype=dtype)
        Xy = np.ascontiguousarray(Xy, dtype=dtype)
        self.kw = dict(X=None, y=None, gram=G, Xy=Xy, yy=float(yy),
                       n_samples=self.n_samples, use_gram=True)
        self.Xy = Xy
        return self

    @classmethod
    def sparse(cls, prep, y, penalty, gram="auto"):
        """A SparsePrepared X with one target y (prepared: centered, weighted).
        gram: True, False or 'auto' (n > p, p small enough, no cancellation)."""
        from ._penalty import Unpenalized
        n, p = prep.shape
        y = np.ascontiguousarray(y, dtype=prep.dtype)
        yy = sq_norm(y)
        if gram == "auto":
            gram = prep.gram_pays()
        if gram:
            return cls.gram(prep.gram(), prep.Xty(y), yy, n, penalty, prep.dtype)
        self = cls(n, p, penalty, yy)
        self.kind = "sparse"
        U = penalty.unpenalized
        Q = None if prep.q is None else prep.q[:, None]
        B = None if prep.b is None else prep.b[None, :]
        norms = prep.norms
        if U.size:
            XU = prep.columns(U)
            un = Unpenalized(U, prep.matrix().T.astype(np.float64) @ XU -
                             (0 if prep.b is None else np.outer(prep.b, prep.q @ XU)),
                             XU.T @ y)
            self.unpen = un
            # orthonormal basis of span(X~_U) (orthogonal to q: X~_U is centered)
            Uq, sv, _ = np.linalg.svd(XU, full_matrices=False)
            keep = sv > np.finfo(np.float64).eps * max(XU.shape) * (sv[0] if sv.size else 0)
            QU = Uq[:, keep]
            Q = QU if Q is None else np.hstack([Q, QU])
            if Q.shape[1] == 0:
                Q = None                      # (unpenalized columns all zero)
                B = None
            else:
                B = np.asarray(prep.matrix().T.astype(np.float64) @ Q).T
            y = (y - (QU @ (QU.T @ y.astype(np.float64))).astype(y.dtype)).astype(y.dtype)
            # norms of x_j - Q B_j, without cancellation on the nonzeros
            QB = np.zeros(prep.data.shape[0]) if Q is None else \
                np.einsum("kr,rk->k", Q[prep.indices], B[:, prep.cols])
            B0 = np.zeros((0, p)) if B is None else B
            d64 = prep.data.astype(np.float64)
            rest = np.sum(B0 ** 2, axis=0) - np.bincount(prep.cols, weights=QB ** 2,
                                                         minlength=p)
            norms = np.bincount(prep.cols, weights=(d64 - QB) ** 2, minlength=p) + \
                np.maximum(rest, 0)
            norms[U] = 0
            # a column inside span(X_U) projects to rounding noise: relative to its
            # own size (not to the largest column: features may differ in scale)
            own = np.bincount(prep.cols, weights=d64 ** 2, minlength=p) + \
                np.sum(B0 ** 2, axis=0)
            norms[norms <= (64 * np.finfo(np.float64).eps) ** 2 * own] = 0
        dt = prep.dtype
        self.kw = dict(
            X=None, y=y, norms=np.ascontiguousarray(norms, dtype=dt),
            sparse=dict(X_data=prep.data, X_indices=prep.indices, X_indptr=prep.indptr,
                        Q=None if Q is None else np.asfortranarray(Q, dtype=dt),
                        B=None if B is None else np.asfortranarray(B, dtype=dt)))
        self.prep, self.y = prep, y
        return self

    # -- queries ----------------------------------------------------------------------
    def Xty(self):
        """X~^T y~ of the (projected) problem, float64."""
        if self.Xy is not None:
            return np.asarray(self.Xy, dtype=np.float64)
        if self.kind == "sparse":
            B = self.kw["sparse"]["B"]
            Q = self.kw["sparse"]["Q"]
            out = self.prep.matrix().T.astype(np.float64) @ self.y.astype(np.float64)
            if Q is not None:
                out = out - B.T.astype(np.float64) @ (Q.T.astype(np.float64) @ self.y)
            return np.asarray(out)
        X, y = self.kw["X"], self.kw["y"]
        # (through SciPy's BLAS, as the kernel: see _linalg; no copy of a float64 X)
        out = matmul(X.astype(np.float64, copy=False), y.astype(np.float64),
                     trans_a=True)
        if self.kw.get("Xmean") is not None:
            out = out - self.kw["Xmean"] * float(np.sum(y, dtype=np.float64))
        return out

    def gradient_at(self, w):
        """X~^T (y~ - X~ w) of the (projected) problem, float64."""
        if not np.any(w):
            return self.Xty()
        w = np.asarray(w, dtype=np.float64)
        if self.kind == "gram":
            return self.Xty() - np.asarray(self.kw["gram"], dtype=np.float64) @ w
        if self.kind == "sparse":
            Xs = self.prep.matrix().astype(np.float64)
            Q, B = self.kw["sparse"]["Q"], self.kw["sparse"]["B"]
            r = self.y.astype(np.float64) - Xs @ w
            if Q is not None:
                Q, B = Q.astype(np.float64), B.astype(np.float64)
                r = r + Q @ (B @ w)
                return np.asarray(Xs.T @ r - B.T @ (Q.T @ r))
            return np.asarray(Xs.T @ r)
        X = self.kw["X"].astype(np.float64, copy=False)
        Xmean = self.kw.get("Xmean")
        r = self.kw["y"].astype(np.float64) - matmul(X, w)
        if Xmean is not None:
            r = r + float(Xmean @ w)
            return matmul(X, r, trans_a=True) - Xmean * float(np.sum(r))
        return matmul(X, r, trans_a=True)

    def alpha_max(self, l1_ratio):
        """Smallest alpha whose solution is, on the penalized features, the box point
        closest to 0 (w = 0 without bounds)."""
        w0 = self.penalty.start()
        if self.unpen is not None:
            w0[self.unpen.U] = 0
        return self.penalty.alpha_max(self.gradient_at(w0), self.n_samples, l1_ratio)

    def solve(self, l1_ratio, alphas, **kw):
        """enet_path_arrays on this problem: coefs (p, k), gaps, n_iters, converged,
        tol_abs. Unpenalized coefficients are filled in."""
        coef_init = kw.pop("coef_init", None)
        if coef_init is not None and self.unpen is not None:
            coef_init = np.array(coef_init, copy=True).ravel()
            coef_init[self.unpen.U] = 0
        args = dict(self.kw)
        X, y = args.pop("X"), args.pop("y")
        coefs, gaps, its, conv, tol_abs = enet_path_arrays(
            X, y, l1_ratio, alphas, coef_init=coef_init, penalty=self.penalty,
            tol_yy=self.tol_yy, **args, **kw)
        if self.unpen is not None:
            self.unpen.recover(coefs)
        return coefs, gaps, its, conv, tol_abs
