"""scikit-learn's own API conformance checks, over every public estimator, none skipped."""
from sklearn.utils.estimator_checks import parametrize_with_checks

from fastreg import ElasticNet, Lasso


@parametrize_with_checks([Lasso(), ElasticNet()])
def test_sklearn_compatible(estimator, check):
    check(estimator)
