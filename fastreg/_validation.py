"""Validation of parameters and input arrays, shared by every front end.

Each check raises a ``ValueError`` that names the parameter, the value received and
what is expected. Nothing here centers, weights or solves: the checked values go to
``_prepare`` (data) and ``_engine`` (strategy and kernel).
"""
import numbers

import numpy as np
from scipy import sparse as sp
from sklearn.utils import assert_all_finite
from sklearn.utils.validation import check_array, check_consistent_length

from ._blocks import check_finite, finite_sum


class InvalidParameterError(ValueError, TypeError):
    """A parameter of the wrong type or value: both a ValueError and a TypeError, as
    scikit-learn's error of the same name, so that code catching either works."""


def check_number(name, value, *, low=None, high=None, integer=False, low_open=False):
    """Raise a ValueError naming the parameter unless value is a number in range."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ValueError(
            f"The '{name}' parameter must be {'an int' if integer else 'a real number'}"
            f", got {value!r} of type {type(value).__name__}."
        )
    if not np.isfinite(value):
        raise ValueError(f"The '{name}' parameter must be finite, got {value!r}.")
    if low is not None and (value < low or (low_open and value == low)):
        bound = f"> {low}" if low_open else f">= {low}"
        raise ValueError(f"The '{name}' parameter must be {bound}, got {value!r}.")
    if high is not None and value > high:
        raise ValueError(f"The '{name}' parameter must be <= {high}, got {value!r}.")


def check_bool(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"The '{name}' parameter must be a bool, got {value!r}.")


def check_selection(selection):
    if not (isinstance(selection, str) and selection in ("cyclic", "random")):
        raise ValueError(
            "The 'selection' parameter must be 'cyclic' or 'random', got "
            f"{selection!r}.")


def check_precompute(precompute):
    """'auto', a bool or an array (a Gram matrix, checked against X by the engine)."""
    # (a string is never a Gram matrix, though np.str_ has __array__)
    if not (isinstance(precompute, (bool, np.bool_)) or
            (isinstance(precompute, str) and precompute == "auto") or
            (hasattr(precompute, "__array__") and not isinstance(precompute, str))):
        raise ValueError(
            "The 'precompute' parameter must be a bool, 'auto' or an array of shape "
            f"(n_features, n_features), got {precompute!r}.")


def check_solver_params(tol, max_iter, selection):
    """The coordinate-descent parameters shared by estimators and path functions."""
    check_number("tol", tol, low=0)
    check_number("max_iter", max_iter, low=1, integer=True)
    check_selection(selection)


def check_sample_weight(sample_weight, n_samples, dtype):
    """Validated 1-D weights (None if absent or a scalar, as scikit-learn)."""
    if sample_weight is None or isinstance(sample_weight, numbers.Number):
        return None
    sw = np.asarray(sample_weight)
    if sw.dtype.kind not in "biuf":
        raise ValueError(
            f"sample_weight must be numeric, got an array of dtype {sw.dtype}."
        )
    sw = sw.astype(dtype, copy=True)
    if sw.ndim != 1:
        raise ValueError(
            f"Sample weights must be 1D array or scalar, got an array of shape "
            f"{sw.shape} (expected ({n_samples},): one weight per sample).")
    if sw.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight.shape == {sw.shape}, expected ({n_samples},): one weight "
            "per sample."
        )
    if not np.all(np.isfinite(sw)):
        raise ValueError("sample_weight contains NaN or infinity.")
    if np.any(sw < 0):
        raise ValueError("Negative values in sample_weight are not allowed.")
    if not np.sum(sw) > 0:
        raise ValueError("sample_weight must not be all zero: its sum must be positive.")
    return sw


def check_max_features(max_features, max_features_ever=None):
    """glmnet's dfmax / pmax: None or an int >= 0."""
    for name, value in (("max_features", max_features),
                        ("max_features_ever", max_features_ever)):
        if value is None:
            continue
        if isinstance(value, (bool, np.bool_)) or not isinstance(
                value, numbers.Integral) or value < 0:
            raise ValueError(
                f"{name} must be None or an int >= 0 (a number of nonzero "
                f"coefficients), got {value!r}.")


def check_path_params(l1_ratio, eps, alphas):
    """Validate the path parameters; returns (n_alphas or None, alphas array or None)."""
    if isinstance(l1_ratio, bool) or not isinstance(l1_ratio, (int, float, np.number)) \
            or not 0 <= l1_ratio <= 1:
        raise ValueError(f"l1_ratio must be a number in [0, 1], got {l1_ratio!r}.")
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.number)) \
            or not np.isfinite(eps) or eps <= 0:
        raise ValueError(f"eps must be a positive finite number, got {eps!r}.")
    if alphas is None or isinstance(alphas, (int, np.integer)) and \
            not isinstance(alphas, bool):
        n_alphas = 100 if alphas is None else int(alphas)
        if n_alphas < 1:
            raise ValueError(
                f"alphas, as a number of alphas, must be >= 1, got {n_alphas}.")
        if l1_ratio == 0:
            raise ValueError(
                "Automatic alpha grid generation is not supported for l1_ratio=0. "
                "Please supply a grid by providing your estimator with the "
                "appropriate `alphas=` argument (l1_ratio=0, no L1 penalty, has no "
                "alpha_max).")
        return n_alphas, None
    if isinstance(alphas, (str, bool, numbers.Number)) or not np.iterable(alphas):
        raise ValueError(f"alphas must be an int or a non-empty array, got {alphas!r}.")
    values = np.asarray(alphas, dtype=object).ravel()
    if values.size == 0:
        raise ValueError(f"alphas must be an int or a non-empty array, got {alphas!r}.")
    # scikit-learn's InvalidParameterError wording (a TypeError or a ValueError)
    for index, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise InvalidParameterError(
                f"alphas[{index}] must be an instance of float, not "
                f"{type(value).__name__}.")
        if not value >= 0:
            raise ValueError(f"alphas[{index}] == {value}, must be >= 0.0.")
    arr = values.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError("alphas must be finite, got an infinite value.")
    return None, np.sort(arr)[::-1]


def _ready_dense(X, y):
    """Whether X and y are already what check_array would return, and finite: a plain
    float Fortran ndarray X and a 1-D contiguous y of its dtype, with finite sums (a
    non-finite sum, from NaN, inf or overflow, goes through check_array's own
    diagnosis). Spares a path on small data check_array's generic work."""
    if not (type(X) is np.ndarray and type(y) is np.ndarray and X.ndim == 2 and
            X.dtype in (np.float32, np.float64) and y.dtype == X.dtype and
            X.flags.f_contiguous and y.ndim == 1 and y.flags.c_contiguous and
            X.shape[0] >= 1 and X.shape[1] >= 1 and y.shape[0] == X.shape[0]):
        return False
    with np.errstate(all="ignore"):
        return finite_sum(X) and bool(np.isfinite(np.add.reduce(y)))


def plain_fit_data(estimator, X, y, check_X):
    """What ``validate_data(estimator, X, y, accept_sparse=..., dtype=[np.float64,
    np.float32], copy=False, multi_output=True, y_numeric=True, ensure_all_finite=
    check_X)`` returns for the plain case (X a 2-D float32 / float64 ndarray of at least
    one sample and one feature, y a 1-D or 2-D float ndarray of as many rows), with its
    side effects (``n_features_in_`` set, ``feature_names_in_`` removed) and its errors
    for non-finite values (X only if ``check_X``; y always); None in any other case
    (the caller then calls validate_data). Spares a small fit scikit-learn's generic
    work (about 0.1 ms on 1000 x 100: its data-frame detection, feature names, dtype
    and order dispatch)."""
    if not (type(X) is np.ndarray and type(y) is np.ndarray and X.ndim == 2 and
            X.dtype in (np.float32, np.float64) and y.dtype in (np.float32, np.float64)
            and X.shape[0] >= 1 and X.shape[1] >= 1 and y.ndim in (1, 2) and
            y.shape[0] == X.shape[0] and (y.ndim == 1 or y.shape[1] >= 1)):
        return None
    name = type(estimator).__name__
    if check_X:
        check_finite(X, estimator_name=name)
    with np.errstate(all="ignore"):
        if not np.isfinite(np.add.reduce(y, axis=None)):
            assert_all_finite(y, input_name="y", estimator_name=name)
    if hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
    estimator.n_features_in_ = X.shape[1]
    return X, y


def _checked_X(X, check_input):
    """check_array for the path functions: dense (Fortran) or sparse X of a float
    dtype; sparse values are always checked for finiteness (the kernel would read
    them as they are), dense ones unless ``check_input`` is False."""
    X = check_array(X, accept_sparse=["csc", "csr", "coo"],
                    dtype=[np.float64, np.float32], order="F", input_name="X",
                    ensure_all_finite=bool(check_input) or "allow-nan")
    if sp.issparse(X) and not np.all(np.isfinite(X.data)):
        raise ValueError("Input X contains NaN or infinity.")
    return X


def check_xy_finite(Xy):
    """Xy = X^T y must be finite: NaN would silently zero a feature, infinity
    every coefficient."""
    bad = ~np.isfinite(Xy)
    if np.any(bad):
        j = int(np.flatnonzero(bad.ravel())[0])
        raise ValueError(
            f"Xy contains NaN or infinity (entry {j}: {Xy.ravel()[j]!r}); Xy must be "
            "the finite vector X^T y.")


def validate_path_input(X, y, Xy, check_input):
    """X (dense Fortran or sparse) and 1-D y of X's float dtype, and Xy (p,)."""
    if _ready_dense(X, y):
        pass
    elif check_input or sp.issparse(X):
        X = _checked_X(X, check_input)
        y = check_array(y, dtype=X.dtype, ensure_2d=False, input_name="y",
                        ensure_all_finite=bool(check_input))
        check_consistent_length(X, y)
    else:
        X = np.asfortranarray(X)
        if X.ndim != 2:
            raise ValueError(
                f"X must be 2-D (n_samples, n_features), got an array of shape "
                f"{X.shape} (check_input=False skips the conversion that check_array "
                "would do).")
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64, order="F")
        y = np.asarray(y, dtype=X.dtype)
        check_consistent_length(X, y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, or 2-D (n_samples, n_targets) for the "
                         f"multi-task problem; got shape {y.shape}.")
    if Xy is not None:
        Xy = np.asarray(Xy, dtype=X.dtype).ravel()
        if Xy.shape != (X.shape[1],):
            raise ValueError(f"Xy has shape {np.shape(Xy)}, expected ({X.shape[1]},).")
        check_xy_finite(Xy)
    return X, np.ascontiguousarray(y), Xy


def validate_multitask_input(X, Y, Xy, check_input):
    """X (n, p) Fortran float32/float64, Y (n, T) Fortran of X's dtype, Xy (p, T)."""
    if check_input or sp.issparse(X):
        X = _checked_X(X, check_input)
        Y = check_array(Y, dtype=X.dtype, order="F", ensure_2d=True, input_name="y",
                        ensure_all_finite=bool(check_input))
    else:
        X = np.asfortranarray(X)
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64, order="F")
        Y = np.asfortranarray(Y, dtype=X.dtype)
        if X.ndim != 2 or Y.ndim != 2:
            raise ValueError(f"X and y must be 2-D here, got shapes {X.shape} and "
                             f"{Y.shape}.")
    check_consistent_length(X, Y)
    if Y.shape[1] == 0:
        raise ValueError("y has 0 targets (shape (n_samples, 0)): at least one is "
                         "required.")
    if Xy is not None:
        Xy = np.asarray(Xy, dtype=X.dtype)
        if Xy.shape != (X.shape[1], Y.shape[1]):
            raise ValueError(f"Xy has shape {Xy.shape}, expected "
                             f"({X.shape[1]}, {Y.shape[1]}) = (n_features, n_targets) "
                             "for a 2-D y.")
        check_xy_finite(Xy)
    return X, Y, Xy


def check_standardize_precompute(standardize, precompute):
    """A Gram matrix from the user cannot serve a standardized fit (it would have to
    be the Gram matrix of the standardized X)."""
    if standardize and hasattr(precompute, "__array__") and \
            not isinstance(precompute, str):
        raise ValueError(
            "precompute: a Gram matrix cannot be given with standardize=True (the fit "
            "solves on the standardized X); pass precompute=True or 'auto'.")
