"""What every fitted linear estimator of fastreg shares: prediction, the sparse view
of its coefficients and the check of its fitted values."""
from __future__ import annotations

from typing import TYPE_CHECKING

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
