"""What every fitted linear estimator of fastreg shares: prediction, the sparse view
of its coefficients, the check of its fitted values and warm starts that continue a
fit stopped by max_iter."""
from __future__ import annotations

import hashlib
import numbers
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from scipy import sparse
from sklearn.utils.validation import check_is_fitted, validate_data

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray


class LinearPredictMixin:
    """``predict`` of a fitted linear model: X @ coef_.T + intercept_ (dense or sparse
    X); shared by the L1 / elastic-net and the ridge estimators."""

    def predict(self, X: ArrayLike | sparse.spmatrix | sparse.sparray) -> NDArray:
        """Predict with the fitted linear model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predicted values.
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc", "coo"], reset=False,
                          dtype=[np.float64, np.float32])
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def score(self, X: ArrayLike | sparse.spmatrix | sparse.sparray, y: ArrayLike,
              sample_weight: ArrayLike | None = None) -> float:
        """The coefficient of determination R^2 of the predictions on X.

        scikit-learn's ``RegressorMixin.score`` (defined here to document and
        annotate it): ``1 - sum_i s_i (y_i - yhat_i)^2 / sum_i s_i (y_i -
        ybar)^2``, averaged uniformly over the targets for a 2-D y; 1 is a perfect
        fit, 0 the fit of the constant ``ybar``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            True values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights s (None: all 1).

        Returns
        -------
        score : float
            R^2 of ``self.predict(X)`` against y.
        """
        return super().score(X, y, sample_weight=sample_weight)


class SparseCoefMixin:
    """``sparse_coef_``: the fitted coefficients as a CSR matrix."""

    @property
    def sparse_coef_(self) -> sparse.csr_matrix:
        """Sparse representation of the fitted ``coef_``."""
        check_is_fitted(self)
        return sparse.csr_matrix(np.atleast_2d(self.coef_))


def fitted_intercept(prep, coef, fit_intercept):
    """The intercept of coefficients fitted on prepared (centered) data: y_offset -
    X_offset @ coef.T (scikit-learn's shapes: a scalar for 1-D y, (n_targets,) for 2-D
    y), 0.0 without an intercept."""
    if not fit_intercept:
        return 0.0
    return prep.y_offset - prep.X_offset @ coef.T


def check_finite_fit(coef, intercept):
    """Raise when the fitted values overflowed (data too large for the dtype)."""
    if not (np.all(np.isfinite(coef)) and np.all(np.isfinite(intercept))):
        raise ValueError(
            "Coordinate descent iterations resulted in non-finite parameter values: "
            "the input data contain values too large for the floating-point type; "
            "rescale them.")


class _WarmState(NamedTuple):
    params: tuple       # the estimator's parameters but max_iter (_frozen_params)
    digest: bytes       # the fit's arrays (_digest)
    start: object       # the solver's start of the replayed fit (None: from zero)
    max_iter: int       # its sweeps, all used
    coef: object        # the coef_ it left


def _digest(arrays):
    """SHA-1 of arrays (dense or sparse, or None) with their shapes, dtypes and
    layouts: a pass over their bytes."""
    h = hashlib.sha1(usedforsecurity=False)
    for a in arrays:
        if a is None:
            h.update(b"None;")
            continue
        parts = [a]
        if sparse.issparse(a):
            h.update(f"{a.format}{a.shape};".encode())
            parts = [a.row, a.col, a.data] if a.format == "coo" else \
                [a.indices, a.indptr, a.data]
        for part in map(np.asarray, parts):
            fortran = part.flags.f_contiguous and not part.flags.c_contiguous
            h.update(f"{part.shape}{part.dtype.str}{fortran};".encode())
            h.update(part.T if fortran else np.ascontiguousarray(part))
    return h.digest()


def _frozen_params(estimator):
    """The parameters that decide a fit, comparable with ==: all but max_iter and
    random_state (a fit's seed is drawn from it; the replay uses the current one),
    array-likes by their digest."""
    params = estimator.get_params(deep=False)
    return tuple(
        (name, v if v is None or isinstance(v, (numbers.Number, str))
         else _digest([np.asarray(v)]))
        for name, v in sorted(params.items())
        if name not in ("max_iter", "random_state", "copy_X"))


class Continuation:
    """``warm_start`` as a continuation: a warm-start fit that stopped by ``max_iter``
    before converging keeps (privately, ``_warm_state``) the start it began from, the
    sweeps it used and a digest of its data and parameters; the next warm-start fit on
    the same data (compared by a SHA-1 of their bytes, computed only then) and
    parameters, from the ``coef_`` it left, solves again from that start with the
    summed ``max_iter``: it returns exactly what one fit with the summed ``max_iter``
    returns (``n_iter_`` included), as scikit-learn's coordinate descent, whose state is
    ``coef_`` alone, does; the kernel's working sets, screening and Anderson
    acceleration would otherwise restart. k such fits of ``max_iter`` sweeps cost
    k (k + 1) / 2 times ``max_iter`` sweeps. Any other warm start (after a converged
    fit, on other data or parameters, after ``coef_`` was changed) starts from
    ``coef_``. Used by ``ElasticNet`` / ``Lasso`` and the multi-task estimators:
    ``start, max_iter = c.start, c.max_iter`` before the solve, ``c.record(stopped)``
    after it."""

    def __init__(self, estimator, arrays, init):
        self.estimator, self.arrays, self.digest = estimator, arrays, None
        self.start, self.max_iter = init, int(estimator.max_iter)
        state = estimator.__dict__.pop("_warm_state", None)
        if not estimator.warm_start or init is None or state is None:
            return
        self.params = _frozen_params(estimator)
        if self.params == state.params and np.array_equal(estimator.coef_, state.coef):
            self.digest = _digest(arrays)
            if self.digest == state.digest:
                self.start, self.max_iter = state.start, state.max_iter + self.max_iter

    def record(self, stopped):
        """After the fit (coef_ set): keep its state if it stopped by max_iter."""
        est = self.estimator
        if not (est.warm_start and stopped):
            return
        if self.digest is None:
            self.params, self.digest = _frozen_params(est), _digest(self.arrays)
        start = None if self.start is None else np.array(self.start)
        est._warm_state = _WarmState(self.params, self.digest, start, self.max_iter,
                                     np.array(est.coef_))
