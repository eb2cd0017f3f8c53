"""scikit-learn's own API conformance checks, over every public estimator.

Every class of ``fastreg.__all__`` that is a scikit-learn estimator is checked with its
default parameters (a class added to ``__all__`` is picked up without editing this file),
plus a few configurations that take other code paths (``EXTRA_CONFIGURATIONS``).

A check expected to fail is listed in ``EXPECTED_FAILED_CHECKS`` under the class name,
with the reason; the property it checks is then tested here at a tolerance where it is
meaningful.
"""
import inspect
import warnings

import numpy as np
from numpy.testing import assert_allclose
from sklearn.base import BaseEstimator
from sklearn.model_selection import LeaveOneGroupOut
from sklearn.utils.estimator_checks import parametrize_with_checks

import fastreg
from fastreg import ElasticNetCV, LassoCV, MultiTaskElasticNetCV, MultiTaskLassoCV, Ridge

PUBLIC_ESTIMATORS = [
    obj for obj in (getattr(fastreg, name) for name in fastreg.__all__)
    if inspect.isclass(obj) and issubclass(obj, BaseEstimator)
]

# non-default configurations with code paths of their own
EXTRA_CONFIGURATIONS = [
    Ridge(positive=True),             # constrained: coordinate descent or GPCG
    Ridge(solver="cd", tol=1e-12),    # the coordinate-descent kernel, not a direct solve
    # named iterative solvers (scikit-learn's algorithms; 'sag' / 'saga' fail checks
    # that scikit-learn's own fail, or pass only with its per-check parameters: they
    # are compared with scikit-learn's in tests/test_ridge_iterative.py)
    Ridge(solver="lsqr"),
    Ridge(solver="sparse_cg"),
    Ridge(solver="lbfgs", positive=True),
    fastreg.Lasso(gamma=0.5),         # the relaxed lasso: a refit on the support
    LassoCV(gammas=[0.0, 0.5, 1.0]),  # the relaxed CV
]

WEIGHT_EQUIVALENCE_REASON = (
    "Fits weighted and repeated data with the default tol=1e-4 and compares predictions "
    "to 1e-7 relative / 1e-9 absolute. The CV grid of that check ends at an "
    "ill-conditioned alpha (30 features, about 30 training rows), where solutions within "
    "the working tolerance still differ by up to 4e-9 (absolute) in the predictions "
    "(measured for MultiTaskElasticNetCV at tol=1e-4 and 1e-8); the two data layouts lead "
    "the block coordinate descent along different paths to that tolerance. At tol=1e-12 "
    "both fits agree to 1e-9: see test_cv_weights_equal_repeated_rows below. The "
    "single-task CV estimators pass the check."
)
_WEIGHT_EQUIVALENCE = {
    "check_sample_weight_equivalence_on_dense_data": WEIGHT_EQUIVALENCE_REASON,
    "check_sample_weight_equivalence_on_sparse_data": WEIGHT_EQUIVALENCE_REASON,
}

MULTITASK_LASSO_REASON = (
    "At the default max_iter=1000 the final fit of this check (alpha 1.25e-4, 30 "
    "features, 45 rows) stops at max_iter short of tol on both layouts (gaps 1.0e-5 and "
    "9.1e-6; scikit-learn's MultiTaskLassoCV also stops at max_iter there, with gaps of "
    "2e-2), so the two unconverged iterates differ (1.3e-5 in the predictions, measured "
    "with numpy 2.4.6 / scipy 1.17.1 / scikit-learn 1.9.1). Converged, they agree to "
    "1e-9: see test_cv_weights_equal_repeated_rows below. The sparse variant passes."
)

PATH_WEIGHT_REASON = (
    "predict(X) of ElasticNetPath (l1_ratio=0.5) is its last, smallest alpha (eps * "
    "alpha_max = 1e-3 alpha_max), where this check's problem (about 30 rows, 30 features) is "
    "ill-conditioned: at the default tol=1e-4 the weighted and the repeated fits, each "
    "certified, differ by up to 2e-5 in the predictions (measured). At tol=1e-12 they "
    "agree to 1e-9: see tests/test_path_model.py::test_weights_equal_repeated_rows."
)
_PATH_WEIGHT = {"check_sample_weight_equivalence_on_dense_data": PATH_WEIGHT_REASON,
                "check_sample_weight_equivalence_on_sparse_data": PATH_WEIGHT_REASON}

# {class name: {check name: reason}}
EXPECTED_FAILED_CHECKS = {
    "MultiTaskElasticNetCV": _WEIGHT_EQUIVALENCE,
    "ElasticNetPath": _PATH_WEIGHT,
    "MultiTaskLassoCV": {
        "check_sample_weight_equivalence_on_dense_data": MULTITASK_LASSO_REASON},
}


RIDGE_N_ITER_REASON = (
    "n_iter_ is None for Ridge's exact solves and its 'sparse_cg' and 'lbfgs' solvers, as "
    "scikit-learn's (which lists this check as an expected failure of its own Ridge: "
    "'n_iter_ cannot be easily accessed.')."
)


def expected_failed_checks(estimator):
    if type(estimator).__name__ == "Ridge" and (
            estimator.solver in ("cholesky", "svd", "sparse_cg", "lbfgs")
            or (estimator.solver == "auto" and not estimator.positive)):
        return {"check_non_transformer_estimators_n_iter": RIDGE_N_ITER_REASON}
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


@parametrize_with_checks([cls() for cls in PUBLIC_ESTIMATORS] + EXTRA_CONFIGURATIONS,
                         expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_every_public_estimator_is_checked():
    """The discovery above finds the estimators (not, e.g., an empty list because of a
    renamed base class), and every expected failure names one of them."""
    names = {cls.__name__ for cls in PUBLIC_ESTIMATORS}
    assert {"Lasso", "ElasticNet", "LassoCV", "ElasticNetCV", "MultiTaskLasso",
            "MultiTaskElasticNet", "Ridge", "RidgeCV"} <= names
    assert set(EXPECTED_FAILED_CHECKS) <= names, set(EXPECTED_FAILED_CHECKS) - names
    for name in fastreg.__all__:
        obj = getattr(fastreg, name)
        assert inspect.isfunction(obj) or obj in PUBLIC_ESTIMATORS, name
    assert all(reason for checks in EXPECTED_FAILED_CHECKS.values()
               for reason in checks.values())


def test_cv_weights_equal_repeated_rows():
    """The property of check_sample_weight_equivalence, for the CV estimators, at a
    tolerance that determines the solution: integer weights (zeros included) in one
    fold equal repeated (or removed) rows."""
    rng = np.random.RandomState(42)
    n = 15
    X = rng.rand(n, 2 * n)
    y = rng.randint(0, 3, size=n).astype(float)
    sw = rng.randint(0, 5, size=n)
    groups_w = np.repeat([0, 1, 2], n)
    Xw = np.vstack([X, X, X])
    sw_full = np.hstack([sw, np.ones(n), np.ones(n)])
    X_rep = np.vstack([X.repeat(sw, axis=0), X, X])
    groups_r = np.hstack([np.zeros(sw.sum(), int), np.ones(n, int), np.full(n, 2)])
    Y = np.column_stack([y, rng.randint(0, 3, size=n)])
    Yw, Y_rep = np.vstack([Y, Y, Y]), np.vstack([Y.repeat(sw, axis=0), Y, Y])
    for est in (LassoCV(tol=1e-12, max_iter=10**5),
                ElasticNetCV(l1_ratio=[0.3, 0.9], tol=1e-12, max_iter=10**5),
                MultiTaskLassoCV(tol=1e-12, max_iter=10**5),
                MultiTaskElasticNetCV(l1_ratio=[0.3, 0.9], tol=1e-12, max_iter=10**5)):
        multi = isinstance(est, MultiTaskElasticNetCV)
        yw, y_rep = (Yw, Y_rep) if multi else (np.hstack([y, y, y]),
                                               np.hstack([y.repeat(sw), y, y]))
        for precompute in ((None,) if multi else ("auto", False)):
            if precompute is not None:
                est.set_params(precompute=precompute)
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                a = est.set_params(cv=list(LeaveOneGroupOut().split(Xw, groups=groups_w)))
                a = a.fit(Xw, yw, sample_weight=sw_full)
                a_pred, a_alpha = a.predict(X), a.alpha_
                b = est.set_params(cv=list(LeaveOneGroupOut().split(X_rep,
                                                                    groups=groups_r)))
                b = b.fit(X_rep, y_rep)
            assert a_alpha == b.alpha_ or np.isclose(a_alpha, b.alpha_, rtol=1e-12)
            assert_allclose(a_pred, b.predict(X), rtol=1e-9, atol=1e-9)
