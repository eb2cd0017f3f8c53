"""Cross-validation measures other than the mean squared error (glmnet's
``type.measure``): scikit-learn scorers evaluated on out-of-fold predictions.

A scorer (a name such as ``"neg_mean_absolute_error"``, or a callable
``scorer(estimator, X, y)``) is called on an estimator whose ``predict`` returns its X:
the predictions of one fold at one alpha are passed as X, so no model is refitted
(scikit-learn's RidgeCV scores its leave-one-out predictions the same way). The mean
squared and mean absolute errors are computed directly, for every alpha at once.
"""
import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.metrics import get_scorer


class _Predictions(RegressorMixin, BaseEstimator):
    """An 'estimator' whose predictions are its input (a column of predictions)."""

    def fit(self, X, y=None):
        return self

    def predict(self, X):
        X = np.asarray(X)
        return X.reshape(-1) if X.ndim == 2 and X.shape[1] == 1 else X

    def __sklearn_is_fitted__(self):
        return True


def _errors(y, pred):
    """pred - y for pred (n, k) and y (n,), or pred (n, T, k) and y (n, T)."""
    return pred - y[..., None]


def _average(err, sw):
    """The weighted mean over samples (and the mean over targets) of err (n, [T,] k)."""
    if err.ndim == 3:
        err = err.mean(axis=1)
    return np.average(err, axis=0, weights=sw)


def _neg_mse(y, pred, sw):
    return -_average(_errors(y, pred) ** 2, sw)


def _neg_mae(y, pred, sw):
    return -_average(np.abs(_errors(y, pred)), sw)


_DIRECT = {"neg_mean_squared_error": _neg_mse, "neg_mean_absolute_error": _neg_mae}


class Scoring:
    """A validated ``scoring`` parameter: ``__call__(y, pred, sw)`` gives the score
    (greater is better) of each column of pred (n_test, n_alphas) against y (n_test,),
    or of each pred[:, :, a] (n_test, n_targets, n_alphas) against y (n_test,
    n_targets): for several targets scikit-learn's metrics average over them, as the
    direct mean squared and absolute errors do."""

    def __init__(self, scoring):
        self.scoring = scoring
        self.direct = None
        if isinstance(scoring, str):
            self.direct = _DIRECT.get(scoring)
            if self.direct is None:
                try:
                    self.scorer = get_scorer(scoring)
                except ValueError as exc:
                    raise ValueError(
                        f"scoring={scoring!r} is not a scikit-learn scorer name (see "
                        "sklearn.metrics.get_scorer_names()); expected a name, a "
                        "callable scorer(estimator, X, y) or None.") from exc
        elif callable(scoring):
            self.scorer = scoring
        else:
            raise ValueError(
                f"scoring must be None, a scikit-learn scorer name or a callable "
                f"scorer(estimator, X, y); got {scoring!r}.")

    def __call__(self, y, pred, sw=None):
        pred = np.asarray(pred, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        if self.direct is not None:
            return self.direct(y, pred, sw)
        est = _Predictions()
        kw = {} if sw is None else {"sample_weight": sw}
        if pred.ndim == 3:
            return np.array([float(self.scorer(est, pred[:, :, k], y, **kw))
                             for k in range(pred.shape[2])])
        return np.array([float(self.scorer(est, pred[:, [k]], y, **kw))
                         for k in range(pred.shape[1])])
