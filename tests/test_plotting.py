"""fastreg.plotting: each figure is rendered (Agg) and its content checked against the
numbers it claims to show; the exact Ridge path against fastreg.Ridge."""
import subprocess
import sys

import numpy as np
import pytest
from sklearn import linear_model as sk
from sklearn.datasets import load_diabetes
from sklearn.exceptions import NotFittedError

import fastreg
from fastreg.plotting import _ridge_path, plot_constraint_geometry, plot_cv, plot_path
from reference import objective

mpl = pytest.importorskip("matplotlib")
from matplotlib.figure import Figure  # noqa: E402


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def new_ax():
    return Figure().subplots()


def render(ax):
    """Draw the figure (as savefig would): layout and tick code runs."""
    ax.figure.canvas.draw()
    return ax


def coef_segments(ax):
    (collection,) = [c for c in ax.collections if c.get_gid() == "coef"]
    return collection.get_segments()


def vlines(ax, gid):
    return [line.get_xdata()[0] for line in ax.get_lines() if line.get_gid() == gid]


def top_ticks(ax):
    (top,) = ax.child_axes
    return top.get_xticks(), [int(t.get_text()) for t in top.get_xticklabels()]


def one(ax, gid):
    (artist,) = [a for a in ax.get_lines() if a.get_gid() == gid]
    return artist


# --- the exact Ridge path -------------------------------------------------------------

@pytest.mark.parametrize("shape", [(60, 8), (20, 50)])
def test_ridge_path_equals_fastreg_ridge(shape):
    rng = np.random.default_rng(0)
    X = rng.standard_normal(shape) + 3.0
    y = X @ rng.standard_normal(shape[1]) + rng.standard_normal(shape[0])
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    alphas = np.array([1e3, 10.0, 0.1, 1e-3])
    coefs = _ridge_path(Xc, yc, alphas)
    assert coefs.shape == (shape[1], len(alphas))
    for k, alpha in enumerate(alphas):
        expected = fastreg.Ridge(alpha=alpha).fit(X, y).coef_
        np.testing.assert_allclose(coefs[:, k], expected, rtol=1e-7,
                                   atol=1e-10 * np.abs(expected).max())


def test_ridge_path_at_zero_is_minimum_norm_least_squares():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((10, 30))
    y = rng.standard_normal(10)
    np.testing.assert_allclose(_ridge_path(X, y, [0.0])[:, 0], np.linalg.pinv(X) @ y,
                               rtol=1e-8)


# --- plot_path ------------------------------------------------------------------------

def test_path_of_lassocv_is_drawn_through_its_fit(diabetes):
    X, y = diabetes
    cv = fastreg.LassoCV(cv=3, alphas=30, tol=1e-10).fit(X, y)
    ax = render(plot_path(cv, X, y, ax=new_ax()))
    segments = coef_segments(ax)
    assert len(segments) == X.shape[1]                    # one line per feature
    alphas, coefs, _ = fastreg.lasso_path(X - X.mean(0), y - y.mean(),
                                          alphas=cv.alphas_, tol=1e-10)
    order = np.argsort(alphas)
    for j, seg in enumerate(segments):
        np.testing.assert_allclose(seg[:, 0], alphas[order])
        np.testing.assert_allclose(seg[:, 1], coefs[j, order], rtol=1e-6, atol=1e-8)
    # the line passes through the fitted model at the chosen alpha
    k = int(np.argmin(np.abs(np.sort(cv.alphas_) - cv.alpha_)))
    np.testing.assert_allclose([s[k, 1] for s in segments], cv.coef_, rtol=1e-6,
                               atol=1e-8)
    assert vlines(ax, "alpha_min") == [cv.alpha_min_] == [cv.alpha_]
    assert vlines(ax, "alpha_1se") == [cv.alpha_1se_]
    ticks, counts = top_ticks(ax)
    nonzero = {a: np.count_nonzero(coefs[:, i]) for i, a in enumerate(alphas)}
    assert len(ticks) >= 5
    assert counts == [nonzero[a] for a in ticks]
    assert counts[0] > counts[-1] == 0                     # all zero at alpha_max
    assert ax.get_xscale() == "log"
    # one legend names the 10 features (X has no column names), one the alphas
    texts = sorted(t.get_text() for legend in ax.findobj(mpl.legend.Legend)
                   for t in legend.get_texts())
    assert texts == sorted([f"x{j}" for j in range(10)] + [
        f"min CV error: {cv.alpha_min_:.3g}", f"1-SE rule: {cv.alpha_1se_:.3g}"])


def test_path_of_lasso_path_tuple_and_explicit_arrays(diabetes):
    X, y = diabetes
    result = fastreg.lasso_path(X - X.mean(0), y - y.mean(), alphas=25)
    ax = plot_path(result, ax=new_ax())
    ax2 = plot_path((result[0], result[1]), feature_names=list("abcdefghij"),
                    ax=new_ax())
    for a in (ax, ax2):
        segments = coef_segments(render(a))
        assert len(segments) == 10
        np.testing.assert_array_equal(np.array([s[:, 1] for s in segments]),
                                      result[1][:, ::-1])
        assert not vlines(a, "alpha_min") and not vlines(a, "alpha")


def test_path_of_elasticnetcv_uses_the_chosen_l1_ratio(diabetes):
    X, y = diabetes
    cv = fastreg.ElasticNetCV(l1_ratio=[0.2, 0.9], cv=3, alphas=20).fit(X, y)
    ax = plot_path(cv, X, y, ax=new_ax())
    k = [0.2, 0.9].index(cv.l1_ratio_)
    np.testing.assert_allclose(coef_segments(ax)[0][:, 0], np.sort(cv.alphas_[k]))
    assert f"l1_ratio={cv.l1_ratio_:g}" in ax.get_title()
    _, coefs, _ = fastreg.enet_path(X - X.mean(0), y - y.mean(), l1_ratio=cv.l1_ratio_,
                                    alphas=cv.alphas_[k])
    np.testing.assert_allclose(np.array([s[:, 1] for s in coef_segments(ax)]),
                               coefs[:, ::-1], rtol=1e-6, atol=1e-6)


def test_path_of_ridgecv_is_exact_and_has_no_zeros(diabetes):
    X, y = diabetes
    model = fastreg.RidgeCV(alphas=np.logspace(-2, 4, 13)).fit(X, y)
    ax = render(plot_path(model, X, y, ax=new_ax()))
    segments = coef_segments(ax)
    assert len(segments) == 10
    grid = segments[0][:, 0]
    assert grid.min() <= model.alpha_ / 10 and grid.max() >= model.alpha_ * 10
    for k in (0, len(grid) // 2, len(grid) - 1):
        expected = fastreg.Ridge(alpha=grid[k]).fit(X, y).coef_
        np.testing.assert_allclose([s[k, 1] for s in segments], expected, rtol=1e-7,
                                   atol=1e-9)
    k = int(np.argmin(np.abs(grid - model.alpha_)))
    np.testing.assert_allclose([s[k, 1] for s in segments], model.coef_, rtol=1e-7)
    assert vlines(ax, "alpha_min") == [model.alpha_]
    _, counts = top_ticks(ax)
    assert set(counts) == {10}                           # L2 zeroes nothing


def test_path_of_single_estimators_passes_through_their_fit(diabetes):
    X, y = diabetes
    for model in (fastreg.Lasso(alpha=1.0, tol=1e-10), fastreg.ElasticNet(alpha=0.3,
                  l1_ratio=0.6, tol=1e-10), sk.Lasso(alpha=1.0, tol=1e-10),
                  fastreg.Ridge(alpha=5.0), sk.Ridge(alpha=5.0)):
        model.fit(X, y)
        ax = plot_path(model, X, y, ax=new_ax())
        segments = coef_segments(ax)
        k = int(np.argmin(np.abs(segments[0][:, 0] - model.alpha)))
        assert segments[0][k, 0] == model.alpha
        np.testing.assert_allclose([s[k, 1] for s in segments], model.coef_,
                                   rtol=1e-6, atol=1e-6, err_msg=repr(model))
        assert vlines(ax, "alpha") == [model.alpha]


def test_path_of_sklearn_lassocv(diabetes):
    X, y = diabetes
    cv = sk.LassoCV(cv=3, alphas=20).fit(X, y)
    ax = plot_path(cv, X, y, ax=new_ax())
    assert len(coef_segments(ax)) == 10
    assert vlines(ax, "alpha_min") == [cv.alpha_]


def test_path_colors_and_many_features():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((40, 300)), rng.standard_normal(40)
    cv = fastreg.LassoCV(cv=3, alphas=10).fit(X, y)
    colors = ["red"] * 5 + ["0.8"] * 295
    ax = render(plot_path(cv, X, y, colors=colors, ax=new_ax()))
    (collection,) = [c for c in ax.collections if c.get_gid() == "coef"]
    assert len(collection.get_segments()) == 300
    rgba = collection.get_colors()
    np.testing.assert_allclose(rgba[0], mpl.colors.to_rgba("red"))
    np.testing.assert_allclose(rgba[-1], mpl.colors.to_rgba("0.8"))
    # no legend of 300 names, only the marked alphas
    texts = [t.get_text() for leg in ax.findobj(mpl.legend.Legend)
             for t in leg.get_texts()]
    assert len(texts) == 2


def test_path_errors(diabetes):
    X, y = diabetes
    with pytest.raises(NotFittedError):
        plot_path(fastreg.LassoCV(), X, y, ax=new_ax())
    fitted = fastreg.Lasso(alpha=1.0).fit(X, y)
    with pytest.raises(ValueError, match="needs the data"):
        plot_path(fitted, ax=new_ax())
    with pytest.raises(TypeError, match="plot_path accepts"):
        plot_path(sk.LinearRegression().fit(X, y), X, y, ax=new_ax())
    with pytest.raises(ValueError, match="shape"):
        plot_path((np.ones(3), np.ones((10, 4))), ax=new_ax())
    with pytest.raises(ValueError, match="positive"):
        plot_path((np.array([1.0, 0.0]), np.ones((2, 2))), ax=new_ax())
    with pytest.raises(ValueError, match="colors"):
        plot_path(fitted, X, y, colors=["red"], ax=new_ax())
    with pytest.raises(ValueError, match="positive=True"):
        plot_path(fastreg.Ridge(positive=True).fit(X, y), X, y, ax=new_ax())


def test_new_figure_when_no_axes_given(diabetes):
    plt = pytest.importorskip("matplotlib.pyplot")
    X, y = diabetes
    before = plt.get_fignums()
    try:
        ax = plot_path(fastreg.lasso_path(X, y - y.mean(), alphas=5))
        assert isinstance(ax, mpl.axes.Axes)
        assert len(plt.get_fignums()) == len(before) + 1
    finally:
        plt.close("all")


# --- plot_cv --------------------------------------------------------------------------

def check_cv_curve(ax, alphas, mse):
    line = one(ax, "cv_mean")
    np.testing.assert_allclose(line.get_xdata(), alphas)
    np.testing.assert_allclose(line.get_ydata(), mse.mean(axis=1))
    # error bars: mean -+ std over folds / sqrt(n_folds)
    (bars,) = ax.containers
    segs = bars.lines[2][0].get_segments()
    se = mse.std(axis=1, ddof=1) / np.sqrt(mse.shape[1])
    np.testing.assert_allclose([s[1, 1] - s[0, 1] for s in segs], 2 * se, rtol=1e-10)


@pytest.mark.parametrize("alpha_select", ["min", "1se"])
def test_cv_curve_of_lassocv(diabetes, alpha_select):
    X, y = diabetes
    cv = fastreg.LassoCV(cv=4, alphas=30, alpha_select=alpha_select).fit(X, y)
    ax = render(plot_cv(cv, ax=new_ax()))
    check_cv_curve(ax, cv.alphas_, cv.mse_path_)
    assert vlines(ax, "alpha_min") == [cv.alpha_min_]
    assert vlines(ax, "alpha_1se") == [cv.alpha_1se_]
    assert cv.alpha_ in vlines(ax, "alpha_min") + vlines(ax, "alpha_1se")
    assert cv.alpha_1se_ > cv.alpha_min_
    assert ax.get_xscale() == "log"


def test_cv_curve_of_elasticnetcv_is_the_chosen_l1_ratio(diabetes):
    X, y = diabetes
    ratios = [0.1, 0.5, 1.0]
    cv = fastreg.ElasticNetCV(l1_ratio=ratios, cv=3, alphas=20).fit(X, y)
    k = ratios.index(cv.l1_ratio_)
    ax = plot_cv(cv, ax=new_ax())
    check_cv_curve(ax, cv.alphas_[k], cv.mse_path_[k])
    assert vlines(ax, "alpha_min") == [cv.alpha_]


def test_cv_curve_from_arrays_uses_the_estimators_rule(diabetes):
    X, y = diabetes
    cv = fastreg.LassoCV(cv=5, alphas=40).fit(X, y)
    ax = plot_cv((cv.alphas_, cv.mse_path_), ax=new_ax())
    check_cv_curve(ax, cv.alphas_, cv.mse_path_)
    assert vlines(ax, "alpha_min") == [cv.alpha_min_]
    assert vlines(ax, "alpha_1se") == [cv.alpha_1se_]


def test_cv_curve_of_sklearn_lassocv(diabetes):
    X, y = diabetes
    cv = sk.LassoCV(cv=3, alphas=20).fit(X, y)
    ax = plot_cv(cv, ax=new_ax())
    check_cv_curve(ax, cv.alphas_, cv.mse_path_)
    assert vlines(ax, "alpha_min") == [cv.alpha_]
    (alpha_1se,) = vlines(ax, "alpha_1se")
    assert alpha_1se >= cv.alpha_


def test_cv_errors():
    with pytest.raises(NotFittedError):
        plot_cv(fastreg.LassoCV(), ax=new_ax())
    with pytest.raises(ValueError, match="shape"):
        plot_cv((np.ones(3), np.ones((4, 2))), ax=new_ax())


# --- plot_constraint_geometry ---------------------------------------------------------

def loss(Xc, yc, w):
    return objective(Xc, yc, w, 0.0, alpha=0.0)


def boundary_min(Xc, yc, points):
    return min(loss(Xc, yc, w) for w in points)


@pytest.mark.parametrize("seed", [None, 0, 1])
def test_geometry_solutions_are_where_the_balls_touch_the_contour(diabetes, seed):
    X, y = diabetes
    if seed is None:
        X2 = X[:, [2, 3]]                                   # bmi, bp
    else:
        rng = np.random.default_rng(seed)
        X2 = rng.standard_normal((80, 2)) @ np.array([[1.0, 0.6], [0.0, 0.8]])
        y = X2 @ np.array([2.0, 1.0]) + rng.standard_normal(80)
    Xc, yc = X2 - X2.mean(0), y - y.mean()
    ax = render(plot_constraint_geometry(X2, y, ax=new_ax()))
    w_ols = np.array([one(ax, "ols").get_xdata()[0], one(ax, "ols").get_ydata()[0]])
    w_l1 = np.array([one(ax, "lasso").get_xdata()[0], one(ax, "lasso").get_ydata()[0]])
    w_l2 = np.array([one(ax, "ridge").get_xdata()[0], one(ax, "ridge").get_ydata()[0]])
    np.testing.assert_allclose(w_ols, np.linalg.lstsq(Xc, yc, rcond=None)[0])
    # the Lasso sits on a corner (one coefficient exactly 0), Ridge does not
    assert np.count_nonzero(w_l1) == 1
    assert np.count_nonzero(w_l2) == 2
    # ... on one contour (the default ridge_alpha)
    assert loss(Xc, yc, w_l2) == pytest.approx(loss(Xc, yc, w_l1), rel=1e-8)
    # the balls have the solutions' norms as radii
    l1 = one(ax, "l1_ball").get_xydata()
    l2 = one(ax, "l2_ball").get_xydata()
    np.testing.assert_allclose(np.abs(l1).sum(axis=1), np.abs(w_l1).sum(), rtol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(l2, axis=1), np.linalg.norm(w_l2),
                               rtol=1e-12)
    # and each solution is the least-squares point of its ball: the lowest contour
    # that meets the ball touches it there
    t = np.linspace(0, 1, 2001)[:, None]
    r1 = np.abs(w_l1).sum()
    diamond = np.concatenate([(1 - t) * a + t * b for a, b in zip(
        r1 * np.array([[1, 0], [0, 1], [-1, 0], [0, -1]]),
        r1 * np.array([[0, 1], [-1, 0], [0, -1], [1, 0]]), strict=True)])
    assert boundary_min(Xc, yc, diamond) >= loss(Xc, yc, w_l1) * (1 - 1e-9)
    theta = np.linspace(0, 2 * np.pi, 20001)
    circle = np.linalg.norm(w_l2) * np.stack([np.cos(theta), np.sin(theta)], axis=1)
    assert boundary_min(Xc, yc, circle) >= loss(Xc, yc, w_l2) * (1 - 1e-9)


def test_geometry_with_given_alphas(diabetes):
    X, y = diabetes
    X2 = X[:, [2, 8]]
    Xc, yc = X2 - X2.mean(0), y - y.mean()
    ax = plot_constraint_geometry(X2, y, alpha=5.0, ridge_alpha=300.0,
                                  feature_names=("bmi", "s5"), ax=new_ax())
    lasso = fastreg.Lasso(alpha=5.0, fit_intercept=False, tol=1e-12).fit(Xc, yc)
    ridge = fastreg.Ridge(alpha=300.0, fit_intercept=False).fit(Xc, yc)
    np.testing.assert_allclose(one(ax, "lasso").get_xydata()[0], lasso.coef_)
    np.testing.assert_allclose(one(ax, "ridge").get_xydata()[0], ridge.coef_)
    assert ax.get_xlabel() == "coefficient of bmi"


def test_geometry_needs_two_features(diabetes):
    X, y = diabetes
    with pytest.raises(ValueError, match="2 features"):
        plot_constraint_geometry(X[:, :3], y, ax=new_ax())


# --- matplotlib stays optional --------------------------------------------------------

def test_importing_fastreg_does_not_import_matplotlib(tmp_path):
    code = ("import sys, fastreg, fastreg.plotting, fastreg.datasets, fastreg.demo; "
            "print('matplotlib' in sys.modules)")
    # (run outside the checkout: from its root, `import fastreg` would find the
    # source folder, whose kernels are not built, instead of the installed package)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tmp_path)
    assert out.stdout.strip() == "False"


def test_plotting_without_matplotlib_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"fastreg\[plot\]"):
        plot_path((np.ones(2), np.ones((1, 2))))
