"""What every fitted linear estimator of fastreg shares: prediction, the sparse view
of its coefficients and the check of its fitted values."""
import numpy as np
from scipy import sparse
from sklearn.utils.validation import check_is_fitted, validate_data


class LinearPredictMixin:
    """``predict`` of a fitted linear model: X @ coef_.T + intercept_ (dense or sparse
    X); shared by the L1 / elastic-net and the ridge estimators."""

    def predict(self, X):
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


class SparseCoefMixin:
    """``sparse_coef_``: the fitted coefficients as a CSR matrix."""

    @property
    def sparse_coef_(self):
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
