"""Validation of Ridge's and RidgeCV's penalties and data, with scikit-learn's
conventions (which values it accepts, its error messages)."""
import numbers

import numpy as np
from sklearn.utils import assert_all_finite
from sklearn.utils.validation import validate_data

from ._validation import InvalidParameterError


def _is_array_like(value):
    """scikit-learn's "array-like" parameter type: anything with a length, a shape or
    an array interface that is not a scalar (0-d arrays count, strings do not)."""
    return (hasattr(value, "__len__") or hasattr(value, "shape")
            or hasattr(value, "__array__")) and not np.isscalar(value)


def _check_real(name, value, strict):
    """An alpha of RidgeCV: a finite real >= 0 (> 0 if strict); Python bools count, as
    numbers.Real (scikit-learn's wording)."""
    if not isinstance(value, numbers.Real):
        raise InvalidParameterError(f"{name} must be an instance of float, not "
                                    f"{type(value).__name__}.")
    if not np.isfinite(value):
        raise ValueError(f"{name} == {value!r}, must be finite.")
    if value < 0 or (strict and value == 0):
        raise ValueError(f"{name} == {value!r}, must be {'>' if strict else '>='} 0.0.")


def _check_alpha(alpha):
    """Ridge's ``alpha`` as a 1-D float64 array, accepted as scikit-learn accepts it: a
    real number >= 0, or any array-like of numbers (of any shape: it is flattened; its
    entries are converted as NumPy converts them, strings of numbers included).
    Unlike scikit-learn, which checks scalars only, array entries must be finite and
    >= 0 too (a negative penalty is no ridge; scikit-learn fails on them later, or
    returns NaN or an indefinite solve)."""
    if not _is_array_like(alpha):
        if not isinstance(alpha, numbers.Real):
            raise ValueError("The 'alpha' parameter must be a real number >= 0 or an "
                             f"array-like of them, got {alpha!r} of type "
                             f"{type(alpha).__name__}.")
        values = np.array([float(alpha)])
    else:
        try:
            values = np.asarray(alpha, dtype=np.float64).ravel()
        except (TypeError, ValueError) as exc:
            raise ValueError("The 'alpha' parameter must be a real number >= 0 or an "
                             f"array-like of them, got {alpha!r} ({exc}).") from None
    if not np.all(np.isfinite(values)):
        raise ValueError(f"The 'alpha' parameter must be finite, got {alpha!r}.")
    if np.any(values < 0):
        raise ValueError(f"The 'alpha' parameter must be >= 0, got {alpha!r}.")
    return values


def _alphas_per_target(alphas, n_targets):
    if alphas.shape[0] not in (1, n_targets):
        raise ValueError(
            "Number of targets and number of penalties do not correspond: "
            f"{alphas.shape[0]} != {n_targets}"
        )
    return np.broadcast_to(alphas, (n_targets,)).copy()


def _check_cv_alphas(alphas, strict):
    """RidgeCV's ``alphas`` as a 1-D float64 array, accepted as scikit-learn accepts
    them: a real number > 0, or a 1-D array-like whose entries are real numbers
    (instances of numbers.Real: Python bools count, NumPy bools and strings do not),
    > 0 for leave-one-out (``strict``), >= 0 for K-fold. Unlike scikit-learn, entries
    must be finite, the array must not be empty, and a scalar also works with K-fold
    (scikit-learn then fails with a TypeError)."""
    if not _is_array_like(alphas):
        _check_real("alphas", alphas, strict=True)
        return np.array([float(alphas)])
    if isinstance(alphas, np.ndarray) and alphas.ndim == 1 and \
            alphas.dtype.kind in "iuf" and len(alphas):
        # every entry is a numbers.Real: check the values at once, report the first
        values = alphas.astype(np.float64)
        bad = ~np.isfinite(values) | (values < 0) | ((values == 0) & strict)
        if np.any(bad):
            index = int(np.argmax(bad))
            _check_real("alphas" if len(values) == 1 else f"alphas[{index}]",
                        alphas[index], strict)
        return values
    if isinstance(alphas, (np.ndarray, list, tuple)):
        if np.ndim(alphas) == 0:
            raise ValueError("alphas must be a real number or a 1-D array-like of them, "
                             f"got the 0-d array {alphas!r}.")
        values = list(alphas)
    else:
        values = np.asarray(alphas)
        if values.ndim != 1 or values.dtype.kind not in "biuf":
            raise ValueError("alphas must be a real number or a 1-D array-like of them, "
                             f"got {alphas!r}.")
        values = values.astype(np.float64).tolist()
    if len(values) == 0:
        raise ValueError("The 'alphas' parameter must not be empty.")
    for index, a in enumerate(values):
        name = "alphas" if len(values) == 1 else f"alphas[{index}]"
        _check_real(name, a, strict)
    return np.asarray(values, dtype=np.float64)


def _validate_xy(estimator, X, y, accept_sparse, dtype, ensure_all_finite=True):
    """validate_data for (X, y) with scikit-learn's conversions (multi-output numeric
    y), resetting n_features_in_ / feature_names_in_. Without the finiteness check of
    X, plain float arrays (y finite) are returned as they are."""
    if (not ensure_all_finite and type(X) is np.ndarray and type(y) is np.ndarray
            and X.ndim == 2 and X.dtype in (np.float64, np.float32)
            and min(X.shape) >= 1 and y.dtype.kind == "f" and y.ndim in (1, 2)
            and y.shape[0] == X.shape[0] and min(y.shape) >= 1 and np.isfinite(y).all()):
        # plain float arrays need none of validate_data's conversions (it would return
        # them as they are, at a noticeable cost on small data): only what it records
        # (n_features_in_, and the removal of feature_names_in_ left by an earlier fit
        # on a DataFrame)
        return validate_data(estimator, X, y, reset=True, skip_check_array=True)
    X, y = validate_data(estimator, X, y, accept_sparse=accept_sparse, dtype=dtype,
                         multi_output=True, y_numeric=True,
                         ensure_all_finite=ensure_all_finite)
    return X, y


def _check_finite_x(X):
    """scikit-learn's error if X holds NaN or infinity."""
    assert_all_finite(X, estimator_name="Ridge", input_name="X")


def _raise_not_finite(X):
    """After a solve produced NaN or infinity: scikit-learn's error if X is not finite,
    otherwise an overflow."""
    assert_all_finite(X, estimator_name="Ridge", input_name="X")
    raise ValueError("Ridge produced non-finite values: the input data contain values "
                     "too large for float64; rescale them.")
