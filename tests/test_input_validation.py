"""Bad input raises a ValueError that names the problem.

sklearn's InvalidParameterError is a ValueError subclass, so either is accepted; the message
must name both the offending input (X, y, sample_weight, the parameter) and what is wrong with
it. Hyperparameters are checked in ``fit``, never in ``__init__`` (sklearn's rule), so
constructing an estimator with a bad value must succeed.
"""
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import fastreg

ESTIMATORS = {
    "Lasso": lambda **kw: fastreg.Lasso(**kw),
    "ElasticNet": lambda **kw: fastreg.ElasticNet(**kw),
}


def names(*words):
    """A regex that matches when every one of ``words`` (each itself a regex) occurs."""
    return "(?is)^" + "".join(f"(?=.*(?:{w}))" for w in words)


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 4))
    y = X @ np.array([1.0, -2.0, 0.0, 0.5]) + rng.normal(size=20)
    return X, y, rng.uniform(0.5, 2.0, size=20)


def _with(array, value, index):
    out = np.array(array, dtype=np.float64)
    out[index] = value
    return out


X_NAME = r"\bX\b"
Y_NAME = r"\by\b"
SW_NAME = r"sample.?weight"
INF = r"inf"

DATA_CASES = {
    # name: (function of (X, y, sw) returning fit arguments, regex the message must match)
    "X-nan": (lambda X, y, sw: (_with(X, np.nan, (3, 1)), y, None), names(X_NAME, "nan")),
    "X-inf": (lambda X, y, sw: (_with(X, np.inf, (3, 1)), y, None), names(X_NAME, INF)),
    "X-neg-inf": (lambda X, y, sw: (_with(X, -np.inf, (0, 0)), y, None), names(X_NAME, INF)),
    "y-nan": (lambda X, y, sw: (X, _with(y, np.nan, 5), None), names(Y_NAME, "nan")),
    "y-inf": (lambda X, y, sw: (X, _with(y, np.inf, 5), None), names(Y_NAME, INF)),
    "sw-nan": (lambda X, y, sw: (X, y, _with(sw, np.nan, 2)), names(SW_NAME, "nan")),
    "sw-inf": (lambda X, y, sw: (X, y, _with(sw, np.inf, 2)), names(SW_NAME, INF)),
    "sw-negative": (lambda X, y, sw: (X, y, _with(sw, -0.5, 2)), names("weight", "negative")),
    "y-too-short": (lambda X, y, sw: (X, y[:-1], None),
                    names("inconsistent|length|number of samples|shape")),
    "X-too-short": (lambda X, y, sw: (X[:-2], y, None),
                    names("inconsistent|length|number of samples|shape")),
    "sw-too-short": (lambda X, y, sw: (X, y, sw[:-1]), names(SW_NAME, "shape|length|samples")),
    "sw-2d": (lambda X, y, sw: (X, y, sw[:, None]), names("weight", "1d|1-d|dim|shape")),
    "X-no-rows": (lambda X, y, sw: (X[:0], y[:0], None), names("0 sample|empty|no sample")),
    "X-no-columns": (lambda X, y, sw: (X[:, :0], y, None), names("0 feature|empty|no feature")),
    "X-1d": (lambda X, y, sw: (X[:, 0], y, None), names("2d|2-d|dim")),
    "y-3d": (lambda X, y, sw: (X, np.zeros((len(y), 2, 2)), None), names("dim")),
    "X-object-strings": (lambda X, y, sw: (np.where(X > 0, "high", "low").astype(object), y,
                                           None),
                         names("string|convert|dtype|numeric")),
    "y-object-strings": (lambda X, y, sw: (X, np.array(["a"] * len(y), dtype=object), None),
                         names("string|convert|dtype|numeric")),
    "X-complex": (lambda X, y, sw: (X + 1j, y, None), names("complex")),
    "y-complex": (lambda X, y, sw: (X, y + 0.5j, None), names("complex")),
}


@pytest.mark.parametrize("case", list(DATA_CASES))
@pytest.mark.parametrize("estimator", list(ESTIMATORS))
def test_bad_data(estimator, case):
    X, y, sw = _data()
    make_args, pattern = DATA_CASES[case]
    Xb, yb, swb = make_args(X, y, sw)
    est = ESTIMATORS[estimator](alpha=0.1)
    with warnings.catch_warnings():
        # a ComplexWarning or similar on the way to the error is fine
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=pattern):
            est.fit(Xb, yb, sample_weight=swb)


PARAM_CASES = {
    # name: (estimators it applies to, constructor arguments, regex)
    "alpha-negative": (("Lasso", "ElasticNet"), {"alpha": -0.1}, names("alpha")),
    "l1_ratio-above-1": (("ElasticNet",), {"l1_ratio": 1.5}, names("l1_ratio")),
    "l1_ratio-below-0": (("ElasticNet",), {"l1_ratio": -0.1}, names("l1_ratio")),
    "max_iter-0": (("Lasso", "ElasticNet"), {"max_iter": 0}, names("max_iter")),
    "max_iter-negative": (("Lasso", "ElasticNet"), {"max_iter": -5}, names("max_iter")),
    "max_iter-fractional": (("Lasso", "ElasticNet"), {"max_iter": 2.5}, names("max_iter")),
    "tol-negative": (("Lasso", "ElasticNet"), {"tol": -1e-4}, names(r"\btol\b")),
    "selection-unknown": (("Lasso", "ElasticNet"), {"selection": "greedy"}, names("selection")),
    "precompute-unknown": (("Lasso", "ElasticNet"), {"precompute": "yes"}, names("precompute")),
    "fit_intercept-string": (("Lasso", "ElasticNet"), {"fit_intercept": "yes"},
                             names("fit_intercept")),
}


@pytest.mark.parametrize("estimator, case", [(e, c) for c, (ests, _, _) in PARAM_CASES.items()
                                             for e in ests])
def test_bad_parameter(estimator, case):
    _, params, pattern = PARAM_CASES[case]
    X, y, _ = _data()
    est = ESTIMATORS[estimator](**params)  # must not raise: validation happens in fit
    assert est.get_params()[next(iter(params))] == params[next(iter(params))]
    with pytest.raises(ValueError, match=pattern):
        est.fit(X, y)


@pytest.mark.parametrize("estimator", list(ESTIMATORS))
def test_inconsistent_gram(estimator):
    X, y, _ = _data()
    est = ESTIMATORS[estimator](alpha=0.1, fit_intercept=False, precompute=3.0 * X.T @ X)
    with pytest.raises(ValueError, match=names("gram")):
        est.fit(X, y)


@pytest.mark.parametrize("estimator", list(ESTIMATORS))
def test_gram_of_wrong_size(estimator):
    X, y, _ = _data()
    est = ESTIMATORS[estimator](alpha=0.1, fit_intercept=False, precompute=np.eye(5))
    with pytest.raises(ValueError, match=names("gram|precompute")):
        est.fit(X, y)


@pytest.mark.parametrize("estimator", list(ESTIMATORS))
def test_predict_wrong_number_of_features(estimator):
    X, y, _ = _data()
    est = ESTIMATORS[estimator](alpha=0.1).fit(X, y)
    with pytest.raises(ValueError, match=names("feature", str(X.shape[1]))):
        est.predict(X[:, :3])


@pytest.mark.parametrize("estimator", list(ESTIMATORS))
def test_predict_before_fit(estimator):
    X, _, _ = _data()
    with pytest.raises(ValueError, match=names("not fitted")):
        ESTIMATORS[estimator]().predict(X)


@pytest.mark.parametrize("estimator", list(ESTIMATORS))
def test_bad_data_in_predict(estimator):
    X, y, _ = _data()
    est = ESTIMATORS[estimator](alpha=0.1).fit(X, y)
    with pytest.raises(ValueError, match=names(X_NAME, "nan")):
        est.predict(_with(X, np.nan, (0, 0)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_fused_statistics_pass_still_rejects_nonfinite_fortran_X(bad):
    """Fortran float64 X with an intercept takes one fused pass (finiteness, means,
    norms): a NaN or infinity anywhere still gives scikit-learn's error."""
    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.standard_normal((50, 6)))
    X[17, 4] = bad
    with pytest.raises(ValueError, match="Input X contains"):
        fastreg.Lasso(alpha=0.1).fit(X, rng.standard_normal(50))


@pytest.mark.parametrize("order", ["C", "F"])
def test_column_norms_overflowing_give_a_clear_error(order):
    """Finite values whose squares overflow float64 (1e160): a clear error, not the
    all-zero answer the overflowed norms used to give."""
    rng = np.random.default_rng(1)
    X = np.asarray(rng.standard_normal((40, 5)) * 1e160, order=order)
    y = rng.standard_normal(40)
    with pytest.raises(ValueError, match="rescale X"):
        fastreg.Lasso(alpha=0.01).fit(X, y)
    # 1e150 still fits: Lasso on c X at alpha is Lasso on X at alpha / c, coef / c
    c = 1e150
    Xs = np.asarray(X / 1e10, order=order)
    b = fastreg.Lasso(alpha=1e140, tol=1e-12).fit(Xs, y)
    a = fastreg.Lasso(alpha=1e140 / c, tol=1e-12).fit(
        np.asarray(Xs / c, order=order), y)
    np.testing.assert_allclose(b.coef_ * c, a.coef_, rtol=1e-6, atol=1e-12)


# -- precomputed Gram matrices and Xy (issue 20, item 5) -----------------------------

def _gram_problem():
    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.standard_normal((30, 6)))
    y = X @ np.ones(6) + 0.1 * rng.standard_normal(30)
    return X, y, X.T @ X


def _bad_gram(kind, G):
    """A corrupted copy of the Gram matrix G, never touching the column of its
    largest diagonal entry (the one the shape-and-data check compares with X)."""
    G = G.copy()
    j = int(np.argmax(np.diag(G)))
    a, b, c = [i for i in range(G.shape[0]) if i != j][:3]
    if kind == "indefinite-minor":        # a 2 x 2 principal minor < 0
        G[a, b] = G[b, a] = 1.5 * np.sqrt(G[a, a] * G[b, b])
    elif kind == "indefinite":            # every 2 x 2 minor >= 0, eigenvalue < 0
        C = np.array([[1, .9, .9], [.9, 1, -.9], [.9, -.9, 1]])
        d = np.sqrt(np.diag(G)[[a, b, c]])
        G[np.ix_([a, b, c], [a, b, c])] = C * np.outer(d, d)
    elif kind == "negative-diagonal":
        G[a, a] = -1.0
    elif kind == "asymmetric":
        G[a, b] += 3.0
    elif kind == "nan":
        G[a, b] = np.nan
    return G


FRONT_ENDS = {
    "Lasso": lambda X, y, G: fastreg.Lasso(alpha=0.01, precompute=G,
                                           fit_intercept=False).fit(X, y),
    "ElasticNet": lambda X, y, G: fastreg.ElasticNet(alpha=0.01, precompute=G,
                                                     fit_intercept=False).fit(X, y),
    "lasso_path": lambda X, y, G: fastreg.lasso_path(X, y, precompute=G,
                                                     alphas=[0.1, 0.01]),
    "enet_path": lambda X, y, G: fastreg.enet_path(X, y, precompute=G,
                                                   alphas=[0.1, 0.01]),
    "enet_path-ridge": lambda X, y, G: fastreg.enet_path(X, y, precompute=G,
                                                         l1_ratio=0.0,
                                                         alphas=[0.1, 0.01]),
}


@pytest.mark.parametrize("kind", ["indefinite-minor", "indefinite",
                                  "negative-diagonal", "asymmetric", "nan"])
@pytest.mark.parametrize("front", sorted(FRONT_ENDS))
def test_bad_precomputed_gram_is_rejected(kind, front):
    """A precomputed Gram matrix that cannot be X^T X (indefinite, a negative
    diagonal, asymmetric, NaN) raises a ValueError naming ``precompute``: checked in
    O(p^2) (diagonal, symmetry, 2 x 2 minors), positive semidefiniteness on the
    solution's support after the solve. Before: accepted (coefficients up to 5e162
    with only a ConvergenceWarning)."""
    X, y, G = _gram_problem()
    with pytest.raises(ValueError, match="precompute"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            FRONT_ENDS[front](X, y, _bad_gram(kind, G))


@pytest.mark.parametrize("front", sorted(FRONT_ENDS))
def test_valid_precomputed_gram_is_accepted(front):
    """Gram matrices that are X^T X up to rounding stay accepted, with the same
    result as precompute=True: products in another order (gemm, not syrk), from a
    float32 X, rank deficient (more features than samples)."""
    X, y, G = _gram_problem()
    ref = FRONT_ENDS[front](X, y, True)
    for G2 in (np.dot(np.array(X.T, order="C"), np.array(X, order="C")),
               (X.astype(np.float32).T @ X.astype(np.float32)).astype(np.float64),
               G):
        out = FRONT_ENDS[front](X, y, G2)
        a = out.coef_ if hasattr(out, "coef_") else out[1]
        b = ref.coef_ if hasattr(ref, "coef_") else ref[1]
        assert np.allclose(a, b, rtol=1e-3, atol=1e-6)
    Xw = np.asfortranarray(np.random.default_rng(1).standard_normal((5, 12)))
    FRONT_ENDS[front](Xw, Xw[:, 0], Xw.T @ Xw)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("path", ["lasso_path", "enet_path", "multitask"])
def test_xy_not_finite_is_rejected(bad, path):
    """Xy with NaN or infinity: a ValueError naming Xy. Before: NaN silently set that
    feature to 0 (with a grid of alphas 1e-15), infinity gave all-zero coefficients."""
    X, y, G = _gram_problem()
    Xy = X.T @ y
    Xy[2] = bad
    with pytest.raises(ValueError, match="Xy"):
        if path == "lasso_path":
            fastreg.lasso_path(X, y, Xy=Xy, precompute=G)
        elif path == "enet_path":
            fastreg.enet_path(X, y, Xy=Xy)
        else:
            Y = np.column_stack([y, y])
            fastreg.enet_path(X, Y, Xy=np.column_stack([Xy, Xy]), precompute=G)


# -- errors that name the parameter, the value and what is expected (item 6) ---------

def _xy():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 5))
    return X, X[:, 0] + 0.1 * rng.standard_normal(30)


ERROR_CASES = [
    ("enet_path tol='x'", lambda X, y: fastreg.enet_path(X, y, tol="x"),
     r"'tol'.*'x'"),
    ("enet_path max_iter=None", lambda X, y: fastreg.enet_path(X, y, max_iter=None),
     r"'max_iter'.*None"),
    ("enet_path check_input=False 1-D X",
     lambda X, y: fastreg.enet_path(X[:, 0], y, check_input=False),
     r"X must be 2-D.*\(30,\)"),
    ("enet_path check_input=False NaN X",
     lambda X, y: fastreg.enet_path(np.asfortranarray(np.where(X > 2, np.nan, X)), y,
                                    check_input=False),
     r"X contains NaN"),
    ("Lasso precompute=np.str_('True')",
     lambda X, y: fastreg.Lasso(precompute=np.str_("True")).fit(X, y),
     r"'precompute'.*bool.*'True'"),
    ("enet_path precompute=np.str_('True')",
     lambda X, y: fastreg.enet_path(X, y, precompute=np.str_("True")),
     r"'precompute'.*bool.*'True'"),
    ("ElasticNetCV l1_ratio=None",
     lambda X, y: fastreg.ElasticNetCV(l1_ratio=None).fit(X, y),
     r"'l1_ratio'.*\[0.0, 1.0\].*None"),
    ("ElasticNetCV l1_ratio=[0.5, None]",
     lambda X, y: fastreg.ElasticNetCV(l1_ratio=[0.5, None]).fit(X, y),
     r"'l1_ratio'.*\[0.5, None\]"),
    ("ElasticNetCV l1_ratio='a'",
     lambda X, y: fastreg.ElasticNetCV(l1_ratio="a").fit(X, y),
     r"'l1_ratio'.*'a'"),
    ("enet_path positive='x'", lambda X, y: fastreg.enet_path(X, y, positive="x"),
     r"'positive'.*bool.*'x'"),
    ("enet_path check_input='x'",
     lambda X, y: fastreg.enet_path(X, y, check_input="x"),
     r"'check_input'.*bool.*'x'"),
]


@pytest.mark.parametrize("name, call, match", ERROR_CASES,
                         ids=[c[0] for c in ERROR_CASES])
def test_error_names_parameter_value_and_expectation(name, call, match):
    """Each bad parameter gives a ValueError whose message names the parameter, the
    value and what is expected. Before: "not enough values to unpack", "overflow"
    for NaN, "could not convert string to float", "got nan" for None, accepted."""
    X, y = _xy()
    with pytest.raises(ValueError, match=match):
        call(X, y)


# ------------------------------------------- the plain-ndarray fast path of fit's checks

def _fit_error(model, X, y, **kw):
    with pytest.raises(ValueError) as info:
        model.fit(X, y, **kw)
    return str(info.value)


@pytest.mark.parametrize("where", ["X-nan", "X-inf", "y-nan", "y-inf", "y2-nan"])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_plain_arrays_give_scikit_learns_errors(where, order, dtype):
    """plain ndarrays skip validate_data (_validation.plain_fit_data): the errors for
    non-finite values are still scikit-learn's, word for word."""
    from sklearn.linear_model import Lasso as SkLasso
    rng = np.random.default_rng(0)
    X = np.asarray(rng.standard_normal((30, 4)), dtype=dtype, order=order)
    y = rng.standard_normal((30, 2) if where.startswith("y2") else 30).astype(dtype)
    bad = np.nan if where.endswith("nan") else np.inf
    if where.startswith("X"):
        X[3, 1] = bad
    else:
        y[5] = bad
    expected = _fit_error(SkLasso(alpha=0.1), X, y)
    assert _fit_error(fastreg.Lasso(alpha=0.1), X, y) == expected
    if where.startswith("y"):
        # (y is always checked, as validate_data does, even with check_input=False)
        assert _fit_error(fastreg.Lasso(alpha=0.1), np.asfortranarray(X), y,
                          check_input=False) == expected


def test_plain_arrays_set_what_validate_data_sets():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 5))
    y = rng.standard_normal(40)
    model = fastreg.Lasso(alpha=0.01).fit(pd.DataFrame(X, columns=list("abcde")), y)
    assert list(model.feature_names_in_) == list("abcde")
    coef_df = model.coef_.copy()
    model.fit(X, y)                       # the fast path
    assert not hasattr(model, "feature_names_in_")
    assert model.n_features_in_ == 5
    # (the same problem; the data frame's copy may have another memory order)
    assert_allclose(model.coef_, coef_df, rtol=1e-12, atol=1e-15)
    model.fit(X[:, :3].tolist(), y.tolist())     # not plain: validate_data
    assert model.n_features_in_ == 3
    assert_array_equal(model.coef_,
                       fastreg.Lasso(alpha=0.01).fit(np.array(X[:, :3]), y).coef_)
