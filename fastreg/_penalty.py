"""Per-feature penalty factors and coefficient bounds (glmnet's ``penalty.factor``,
``lower.limits`` and ``upper.limits``), and the unpenalized features.

With penalty factors v_j and bounds [l_j, u_j], the objective becomes::

    1 / (2 n) ||y - X w - b||^2 + alpha * sum_j v_j (l1_ratio |w_j|
                                      + 0.5 (1 - l1_ratio) w_j^2),   l_j <= w_j <= u_j

The factors are rescaled to sum to n_features, as glmnet does, so that all-equal
factors give the unweighted problem and ``alpha`` keeps its scale.

Features with factor 0 are unpenalized. They are not passed to the kernel as such
(its dual would need x_j^T theta = 0 exactly): they are projected out, exactly as the
intercept is. For coefficients w_P of the penalized features, the best unpenalized
ones are w_U = G_UU^+ (X_U^T y - G_UP w_P), and the problem left in w_P is an elastic
net on the data projected onto the orthogonal complement of span(X_U):
X_P' = (I - P_U) X_P, y' = (I - P_U) y, with P_U = X_U G_UU^+ X_U^T. Its duality gap
is the gap of the whole problem at (w_P, w_U), so the stopping rule is unchanged.

Excluded features (glmnet's ``exclude``; a factor ``np.inf``): the engine's problems drop
their columns (``kept``, ``subset``), so they take no part in the solve, the Gram
matrix, screening or the duality gap, and their coefficients are 0. The penalty itself
also holds them at 0 by the box [0, 0] (its ``alpha_max`` leaves them out), for a caller
that keeps all the columns. As in glmnet, their factor counts as 1 when the factors are
rescaled to sum to n_features (so excluding a feature does not change the other
features' penalties).
"""
import copy
import numbers

import numpy as np


def _per_feature(name, value, n_features, default):
    """A scalar or a length-n_features array as a float64 array (None: default)."""
    if value is None:
        return np.full(n_features, default, dtype=np.float64)
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a number or an array of numbers, got {value!r}.")
    if isinstance(value, numbers.Real):
        return np.full(n_features, float(value), dtype=np.float64)
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be numeric, got an array of dtype {arr.dtype}.")
    arr = arr.astype(np.float64).ravel() if arr.ndim <= 1 else None
    if arr is None or arr.shape[0] != n_features:
        raise ValueError(
            f"{name} has shape {np.shape(value)}: expected a scalar or one value per "
            f"feature ({n_features},).")
    if np.any(np.isnan(arr)):
        raise ValueError(f"{name} contains NaN.")
    return arr


def check_exclude(exclude, n_features):
    """The ``exclude`` parameter (indices of features, or None) as a sorted array of
    distinct indices in [0, n_features)."""
    if exclude is None:
        return np.array([], dtype=np.intp)
    arr = np.asarray(exclude)
    if arr.size == 0:
        return np.array([], dtype=np.intp)
    if arr.ndim > 1 or arr.dtype.kind not in "iu":
        raise ValueError(
            f"exclude must be a list of feature indices (integers), got {exclude!r}.")
    arr = arr.astype(np.intp).ravel()
    bad = arr[(arr < 0) | (arr >= n_features)]
    if bad.size:
        raise ValueError(
            f"exclude: feature index {int(bad[0])} is out of range; expected indices "
            f"in [0, {n_features}) for X with {n_features} features.")
    return np.unique(arr)


class Penalty:
    """Validated penalty factors and bounds for ``n_features`` features.

    Attributes used by the engine: ``pf`` (rescaled factors, float64, or None when all
    are 1), ``unpenalized`` (indices with factor 0), ``lower``/``upper`` (float64
    arrays with ``positive`` folded in, or None when there is no finite bound other
    than ``positive``'s), ``positive`` (the kernel's own flag: only without arrays),
    ``excluded`` (indices of the excluded features: factor ``np.inf`` or in
    ``exclude``; held at 0 by the bounds [0, 0]).
    """

    def __init__(self, n_features, penalty_factor=None, lower_bounds=None,
                 upper_bounds=None, positive=False, exclude=None):
        self.n_features = n_features
        excluded = np.zeros(n_features, dtype=bool)
        excluded[check_exclude(exclude, n_features)] = True
        pf = None
        if penalty_factor is not None:
            pf = _per_feature("penalty_factor", penalty_factor, n_features, 1.0)
            if np.any(pf < 0):
                raise ValueError(
                    "penalty_factor must be non-negative (0: unpenalized, np.inf: "
                    "excluded).")
            excluded |= pf == np.inf
        if np.all(excluded) and n_features:
            raise ValueError(
                "Every feature is excluded (penalty_factor np.inf or exclude): "
                "nothing to fit.")
        if excluded.any():
            # glmnet: an excluded feature's factor counts as 1 in the rescaling
            pf = np.ones(n_features) if pf is None else np.where(excluded, 1.0, pf)
        self.excluded = np.flatnonzero(excluded)
        if pf is not None:
            if not np.any(pf[~excluded] > 0):
                raise ValueError(
                    "penalty_factor is 0 for every feature (that is not excluded): "
                    "nothing is penalized (use sklearn.linear_model.LinearRegression).")
            pf = pf / np.max(pf)                    # (no overflow in the sum)
            pf = pf * (n_features / np.sum(pf))
            if np.all(pf == 1.0):
                pf = None
        self.unpenalized = np.array([], dtype=np.intp) if pf is None else \
            np.flatnonzero(pf == 0)
        if pf is not None:
            pf = np.ascontiguousarray(np.where(pf == 0, 1.0, pf))
        self.pf = pf

        lower = _per_feature("lower_bounds", lower_bounds, n_features, -np.inf)
        upper = _per_feature("upper_bounds", upper_bounds, n_features, np.inf)
        if positive:
            lower = np.maximum(lower, 0.0)
        lower[excluded] = 0.0
        upper[excluded] = 0.0
        if np.any(lower == np.inf) or np.any(upper == -np.inf):
            raise ValueError("lower_bounds must be < inf and upper_bounds > -inf.")
        bad = np.flatnonzero(lower > upper)
        if bad.size:
            j = int(bad[0])
            raise ValueError(
                f"lower_bounds > upper_bounds for {bad.size} feature(s), e.g. feature "
                f"{j}: {lower[j]} > {upper[j]}.")
        box_u = np.isfinite(lower[self.unpenalized]) | np.isfinite(upper[self.unpenalized])
        if np.any(box_u):
            raise ValueError(
                "A feature with penalty_factor 0 (unpenalized) cannot also have a bound "
                "(positive=True or finite lower_bounds/upper_bounds): not supported. "
                "Give unpenalized features infinite bounds, e.g. lower_bounds="
                "np.where(penalty_factor == 0, -np.inf, lower).")
        self.box = bool(np.any(upper < np.inf) or
                        np.any(lower > (0.0 if positive else -np.inf)))
        if self.box:
            self.lower, self.upper = np.ascontiguousarray(lower), \
                np.ascontiguousarray(upper)
            self.positive = False
        else:
            self.lower = self.upper = None
            self.positive = bool(positive)
        self._lo, self._hi = lower, upper
        self._positive = bool(positive)

    def kept(self):
        """Indices of the features that are not excluded."""
        keep = np.ones(self.n_features, dtype=bool)
        keep[self.excluded] = False
        return np.flatnonzero(keep)

    def subset(self, keep):
        """The penalty of the features ``keep`` alone (the problem with the excluded
        columns dropped): their factors as rescaled on all features (glmnet's
        semantics), their bounds."""
        new = copy.copy(self)
        keep = np.asarray(keep, dtype=np.intp)
        new.n_features = keep.size
        pos = np.full(self.n_features, -1, dtype=np.intp)
        pos[keep] = np.arange(keep.size)
        new.unpenalized = pos[self.unpenalized]
        new.excluded = np.array([], dtype=np.intp)
        pf = None if self.pf is None else np.ascontiguousarray(self.pf[keep])
        new.pf = None if pf is None or np.all(pf == 1.0) else pf
        new._lo, new._hi = self._lo[keep], self._hi[keep]
        new.box = bool(np.any(new._hi < np.inf) or
                       np.any(new._lo > (0.0 if self._positive else -np.inf)))
        if new.box:
            new.lower = np.ascontiguousarray(new._lo)
            new.upper = np.ascontiguousarray(new._hi)
            new.positive = False
        else:
            new.lower = new.upper = None
            new.positive = self._positive
        return new

    def scaled(self, d):
        """The penalty of the problem in w' = w / d, where column j of X is
        multiplied by d[j] (glmnet's standardize: d = 1 / its standard deviation):
        the same factors, the bounds divided by d (bounds stay on the original
        scale of the coefficients, as in glmnet). d[j] = 0 (a constant column, out
        of the model) keeps its bounds."""
        new = copy.copy(self)
        d = np.asarray(d, dtype=np.float64)
        pos = d > 0
        safe = np.where(pos, d, 1.0)
        new._lo = np.where(pos, self._lo / safe, self._lo)
        new._hi = np.where(pos, self._hi / safe, self._hi)
        if new.box:
            new.lower = np.ascontiguousarray(new._lo)
            new.upper = np.ascontiguousarray(new._hi)
        return new

    @property
    def trivial(self):
        """No factors, no bounds beyond ``positive``."""
        return self.pf is None and not self.box

    def clip(self, w):
        """w projected onto the bounds (a copy), in w's dtype."""
        lo, hi = self.in_dtype(w.dtype)
        return np.clip(w, lo.astype(w.dtype), hi.astype(w.dtype))

    def in_dtype(self, dtype):
        """The bounds rounded inwards to values of dtype (float64 arrays), so that
        clipping in dtype stays inside the box."""
        lo = self._lo.astype(dtype)
        hi = self._hi.astype(dtype)
        lo = np.where(lo < self._lo, np.nextafter(lo, dtype.type(np.inf)), lo)
        hi = np.where(hi > self._hi, np.nextafter(hi, dtype.type(-np.inf)), hi)
        # (a box narrower than one ulp: its midpoint)
        narrow = lo > hi
        lo = np.where(narrow, hi, lo)
        return lo.astype(np.float64), hi.astype(np.float64)

    def zero_feasible(self):
        """Features whose bounds contain 0."""
        return (self._lo <= 0) & (self._hi >= 0)

    def alpha_max(self, Xy, n_samples, l1_ratio):
        """Smallest alpha at which w0 = the box point closest to 0 is optimal on the
        features whose bounds allow 0: max_j of the gradient Xy = X^T (y - X w0)
        pushing w_j out of 0 in an allowed direction, divided by its factor (over all
        penalized features when none can be 0)."""
        Xy = np.asarray(Xy, dtype=np.float64)
        push = np.full(Xy.shape, -np.inf)
        push = np.where(self._hi > 0, Xy, push)
        push = np.where(self._lo < 0, np.maximum(push, -Xy), push)
        pf = np.ones_like(Xy) if self.pf is None else self.pf
        ok = self.zero_feasible()
        ok[self.unpenalized] = False
        ok[self.excluded] = False
        push[self.excluded] = -np.inf
        if not np.any(ok):
            ok = np.ones(Xy.shape, dtype=bool)
            ok[self.unpenalized] = False
            ok[self.excluded] = False
            push = np.abs(Xy)
        return max(0.0, float(np.max(push[ok] / pf[ok]))) / (n_samples * l1_ratio)

    def kernel_kwargs(self, dtype=np.float64):
        if self.lower is None:
            return dict(penalty_factor=self.pf, lower=None, upper=None)
        lo, hi = self.in_dtype(np.dtype(dtype))
        return dict(penalty_factor=self.pf, lower=np.ascontiguousarray(lo),
                    upper=np.ascontiguousarray(hi))

    def start(self):
        """The point of the box closest to 0 (float64)."""
        return np.clip(np.zeros(self.n_features), self._lo, self._hi)


def _pinv_sym(A):
    """Pseudo-inverse of a symmetric positive semi-definite matrix."""
    vals, vecs = np.linalg.eigh(A)
    cut = np.finfo(np.float64).eps * max(A.shape[0], 1) * max(float(vals.max()), 0.0)
    keep = vals > cut
    return (vecs[:, keep] / vals[keep]) @ vecs[:, keep].T


class Unpenalized:
    """Projection of the unpenalized features U out of a problem, and the recovery
    of their coefficients.

    Built from GU = X~^T X~_U (p, u) and XyU = X~_U^T y~ (u,), in float64 (X~, y~ the
    centered, weighted data).
    """

    def __init__(self, U, GU, XyU):
        self.U = np.asarray(U, dtype=np.intp)
        self.GU = np.asarray(GU, dtype=np.float64)
        self.XyU = np.asarray(XyU, dtype=np.float64)
        self.M = _pinv_sym(self.GU[self.U])

    def project_gram(self, G, Xy, yy):
        """(G', Xy', yy') of the projected problem (U's rows and columns become 0)."""
        C = self.GU @ self.M                          # (p, u)
        Gp = np.asarray(G, dtype=np.float64) - C @ self.GU.T
        Xyp = np.asarray(Xy, dtype=np.float64) - C @ self.XyU
        yyp = float(yy - self.XyU @ self.M @ self.XyU)
        Gp[self.U, :] = 0
        Gp[:, self.U] = 0
        Xyp[self.U] = 0
        return Gp, Xyp, max(yyp, 0.0)

    def project_dense(self, Xc, yc):
        """(X', y') = (I - P_U) X~, (I - P_U) y~ as new Fortran arrays."""
        XU = np.asarray(Xc[:, self.U], dtype=np.float64)
        Xp = np.asfortranarray(Xc - (XU @ (self.M @ self.GU.T)).astype(Xc.dtype))
        Xp[:, self.U] = 0
        yp = (yc - (XU @ (self.M @ self.XyU)).astype(yc.dtype)).astype(yc.dtype)
        return Xp, yp

    def recover(self, coefs):
        """Fill in the unpenalized rows of coefs (p, k): w_U = M (X_U^T y - G_UP w_P)."""
        W = coefs.astype(np.float64)
        W[self.U] = 0
        coefs[self.U] = (self.M @ (self.XyU[:, None] - self.GU.T @ W)).astype(
            coefs.dtype)
        return coefs
