"""fastreg.plotting: each figure is rendered (Agg) and its content checked against the
numbers it claims to show; the exact Ridge path against fastreg.Ridge."""
import subprocess
import sys
import warnings

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
        f"min CV: {cv.alpha_min_:.3g}", f"1-SE rule: {cv.alpha_1se_:.3g}"])


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


# --- readability: layout, colors, legends, scales (issue 18) --------------------------

GRAY_RGBA = mpl.colors.to_rgba("0.72")


def names_legend(ax):
    """Texts of the legend of the lines (the Axes' own legend)."""
    return [t.get_text() for t in ax.get_legend().get_texts()]


def entry_order(coefs):
    """Features by the first alpha (alphas decreasing) at which they are nonzero,
    ties by the larger |coefficient| there, never-nonzero last: a plain loop."""
    keys = []
    for j, row in enumerate(coefs):
        nz = np.flatnonzero(row)
        first = nz[0] if nz.size else coefs.shape[1]
        size = abs(row[first]) if nz.size else abs(row[-1])
        keys.append((first, -size, j))
    return [j for _, _, j in sorted(keys)]


def inside_figure(fig, artists):
    """Every artist's rendered extent lies inside the figure (1 px tolerance)."""
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    out = []
    for artist in artists:
        if not artist.get_visible() or (hasattr(artist, "get_text")
                                        and not artist.get_text()):
            continue
        box = artist.get_window_extent(renderer)
        if box.x0 < -1 or box.y0 < -1 or box.x1 > width + 1 or box.y1 > height + 1:
            out.append((artist, box))
    return out


def shown_ticklabels(axis):
    """The labels of the ticks inside the view (matplotlib keeps a few outside)."""
    lo, hi = sorted(axis.get_view_interval())
    return [t.label1 for t in axis.get_major_ticks() if lo <= t.get_loc() <= hi] + \
        [t.label2 for t in axis.get_major_ticks() if lo <= t.get_loc() <= hi]


def texts_of(ax):
    artists = [ax.title, ax.xaxis.label, ax.yaxis.label]
    artists += shown_ticklabels(ax.xaxis) + shown_ticklabels(ax.yaxis)
    for child in ax.child_axes:
        artists += [child.xaxis.label] + shown_ticklabels(child.xaxis)
    artists += [leg for leg in ax.findobj(mpl.legend.Legend)]
    return artists


def test_new_figures_keep_titles_labels_and_legends_inside(diabetes):
    """ax=None: a pyplot figure with constrained layout; nothing is cut off at the
    figure's edges (the title above the top axis, the legend beside the plot)."""
    plt = pytest.importorskip("matplotlib.pyplot")
    X, y = load_diabetes(return_X_y=True)
    cv = fastreg.LassoCV(cv=3, alphas=30).fit(X, y)
    try:
        for ax in (plot_path(cv, X, y), plot_cv(cv, X, y),
                   plot_path(fastreg.RidgeCV(alphas=np.logspace(-3, 3, 13)).fit(X, y),
                             X, y),
                   plot_constraint_geometry(diabetes[0][:, [2, 3]], y)):
            fig = render(ax).figure
            assert ax.get_title()
            assert inside_figure(fig, texts_of(ax)) == []
            assert fig.get_layout_engine() is not None
    finally:
        plt.close("all")


def test_legends_are_readable(diabetes):
    """9 pt at matplotlib's default 10 pt (x-small, 6.9 pt, before)."""
    X, y = diabetes
    cv = fastreg.LassoCV(cv=3, alphas=20).fit(X, y)
    for ax in (plot_path(cv, X, y, ax=new_ax()), plot_cv(cv, ax=new_ax()),
               plot_constraint_geometry(X[:, [2, 3]], y, ax=new_ax())):
        legends = ax.findobj(mpl.legend.Legend)
        assert legends
        for legend in legends:
            for text in legend.get_texts():
                assert text.get_fontsize() >= 9 * mpl.rcParams["font.size"] / 10


def test_many_features_color_the_first_to_enter_and_gray_the_rest():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 300))
    y = X[:, :4] @ np.array([3.0, -2.0, 1.5, 1.0]) + rng.standard_normal(40)
    cv = fastreg.LassoCV(cv=3, alphas=25).fit(X, y)
    ax = render(plot_path(cv, X, y, ax=new_ax()))
    (collection,) = [c for c in ax.collections if c.get_gid() == "coef"]
    rgba = collection.get_colors()
    widths = np.asarray(collection.get_linewidths())
    gray = np.all(np.isclose(rgba, GRAY_RGBA), axis=1)
    assert gray.sum() == 292 and (~gray).sum() == 8
    colored = np.flatnonzero(~gray)
    assert len({tuple(rgba[j]) for j in colored}) == 8              # all distinct
    assert not any(np.allclose(rgba[j][:3], rgba[j][0]) for j in colored)  # not gray
    assert widths[colored].min() > widths[gray].max()
    # the 8 are the first to enter the Lasso path (recomputed, then ranked here)
    _, coefs, _ = fastreg.lasso_path(X - X.mean(0), y - y.mean(), alphas=cv.alphas_,
                                     tol=cv.tol)
    first8 = entry_order(coefs)[:8]
    assert sorted(first8) == sorted(colored)
    assert names_legend(ax) == [f"x{j}" for j in first8] + ["other features (292)"]
    # the colored lines are drawn again above the gray ones
    (top,) = [c for c in ax.collections if c.get_gid() == "coef_highlight"]
    assert len(top.get_segments()) == 8 and top.get_zorder() > collection.get_zorder()


def test_highlight_by_index_name_or_count(diabetes):
    X, y = diabetes
    names = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
    model = fastreg.Ridge(alpha=10.0).fit(X, y)

    def colored(ax):
        (c,) = [c for c in ax.collections if c.get_gid() == "coef"]
        return list(np.flatnonzero(~np.all(np.isclose(c.get_colors(), GRAY_RGBA),
                                           axis=1)))

    ax = plot_path(model, X, y, feature_names=names, highlight=["bmi", 8], ax=new_ax())
    assert colored(ax) == [2, 8]
    assert names_legend(ax) == ["bmi", "s5", "other features (8)"]
    ax = plot_path(model, X, y, feature_names=names, highlight=3, ax=new_ax())
    # Ridge: every coefficient is nonzero at once; the largest at the largest alpha
    grid = coef_segments(ax)[0][:, 0]
    at_max = np.abs(_ridge_path(X - X.mean(0), y - y.mean(), [grid.max()])[:, 0])
    assert colored(ax) == sorted(np.argsort(-at_max)[:3])
    # up to 10 features: all in color (nothing gray), named
    ax = plot_path(model, X, y, feature_names=names, ax=new_ax())
    assert colored(ax) == list(range(10)) and names_legend(ax) == names
    with pytest.raises(ValueError, match="no feature named 'bogus'"):
        plot_path(model, X, y, feature_names=names, highlight=["bogus"], ax=new_ax())
    with pytest.raises(ValueError, match="highlight: 12"):
        plot_path(model, X, y, highlight=[12], ax=new_ax())
    rng = np.random.default_rng(0)
    wide = rng.standard_normal((30, 40))
    with pytest.raises(ValueError, match="at most 18"):
        plot_path(fastreg.Ridge().fit(wide, y[:30]), wide, y[:30], highlight=20,
                  ax=new_ax())


def test_group_colors_and_legend():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 12))
    y = X[:, :6].sum(axis=1) + rng.standard_normal(50)
    groups = ["a"] * 3 + ["b"] * 3 + [None] * 6
    ax = plot_path(fastreg.LassoCV(cv=3, alphas=15).fit(X, y), X, y, groups=groups,
                   ax=new_ax())
    (c,) = [c for c in ax.collections if c.get_gid() == "coef"]
    rgba = [tuple(v) for v in c.get_colors()]
    assert len(set(rgba[:3])) == len(set(rgba[3:6])) == 1 and rgba[0] != rgba[3]
    assert set(rgba[6:]) == {GRAY_RGBA}
    assert names_legend(ax) == ["a", "b", "other features (6)"]
    handles = ax.get_legend().legend_handles
    assert [mpl.colors.to_rgba(h.get_color()) for h in handles] == [
        rgba[0], rgba[3], GRAY_RGBA]
    with pytest.raises(ValueError, match="group labels"):
        plot_path(fastreg.Lasso().fit(X, y), X, y, groups=groups[:5], ax=new_ax())


def test_y_label_says_the_scale(diabetes):
    X, y = diabetes                                       # standardized here
    raw, _ = load_diabetes(return_X_y=True)               # unit-norm columns
    model = fastreg.Lasso(alpha=1.0)
    assert plot_path(model.fit(X, y), X, y, ax=new_ax()).get_ylabel() == \
        "coefficient (standardized features)"
    assert plot_path(model.fit(raw, y), raw, y, ax=new_ax()).get_ylabel() == \
        "coefficient (features as given, unstandardized)"
    assert plot_path(fastreg.lasso_path(X, y - y.mean(), alphas=5),
                     ax=new_ax()).get_ylabel() == "coefficient"


def test_alpha_lines_strictly_inside_the_x_range(diabetes):
    """On standardized diabetes the ElasticNet's minimum is the smallest alpha of its
    grid: the line used to sit on the frame."""
    X, y = diabetes
    cv = fastreg.ElasticNetCV(l1_ratio=0.5, cv=5).fit(X, y)
    assert cv.alpha_min_ == np.min(cv.alphas_)              # the case of the issue
    for ax in (render(plot_path(cv, X, y, ax=new_ax())),
               render(plot_cv(cv, ax=new_ax()))):
        lo, hi = ax.get_xlim()
        frame = ax.get_window_extent()
        for gid in ("alpha_min", "alpha_1se"):
            (alpha,) = vlines(ax, gid)
            assert lo < alpha < hi
            x_px = ax.transData.transform((alpha, 1.0))[0]
            assert frame.x0 + 2 < x_px < frame.x1 - 2        # pixels off the frame
    ridge = fastreg.RidgeCV(alphas=np.logspace(-2, 2, 5)).fit(X, y)
    ax = render(plot_path(ridge, X, y, alphas=np.logspace(-2, 2, 30), ax=new_ax()))
    (alpha,) = vlines(ax, "alpha_min")
    assert ax.get_xlim()[0] < alpha < ax.get_xlim()[1]


def test_cv_top_axis_counts_the_nonzero_coefficients(diabetes):
    X, y = diabetes
    cv = fastreg.LassoCV(cv=4, alphas=30, tol=1e-10).fit(X, y)
    ax = render(plot_cv(cv, X, y, ax=new_ax()))
    ticks, counts = top_ticks(ax)
    assert len(ticks) >= 5
    # scikit-learn's own path at those alphas, counted in NumPy
    _, ref, _ = sk.lasso_path(X - X.mean(0), y - y.mean(), alphas=ticks[::-1],
                              tol=1e-12, max_iter=100_000)
    assert counts == [int(np.count_nonzero(ref[:, i])) for i in range(len(ticks))][::-1]
    assert counts[0] > counts[-1] == 0                     # all zero at alpha_max
    # ... and the counts at the curve's alphas come from the estimator's path
    _, coefs, _ = fastreg.lasso_path(X - X.mean(0), y - y.mean(), alphas=cv.alphas_,
                                     tol=1e-10)
    by_alpha = dict(zip(cv.alphas_, np.count_nonzero(coefs, axis=0), strict=True))
    assert counts == [by_alpha[t] for t in ticks]
    # given counts, with an (alphas, mse_path) pair
    nonzero = np.arange(len(cv.alphas_))
    ax = render(plot_cv((cv.alphas_, cv.mse_path_), nonzero=nonzero, ax=new_ax()))
    ticks, counts = top_ticks(ax)
    position = {a: i for i, a in enumerate(cv.alphas_)}
    assert counts == [nonzero[position[t]] for t in ticks]
    # without the data: the counts of the path fastreg's LassoCV keeps (glmnet's
    # nzero); scikit-learn's keeps none: no top axis
    own_ticks, own_counts = top_ticks(render(plot_cv(cv, ax=new_ax())))
    np.testing.assert_array_equal(own_ticks, ticks_xy := top_ticks(render(plot_cv(
        cv, X, y, ax=new_ax())))[0])
    position = {a: i for i, a in enumerate(cv.alphas_)}
    assert own_counts == [int(np.count_nonzero(cv.coef_path_[:, position[t]]))
                          for t in ticks_xy]
    sk_cv = sk.LassoCV(cv=4, alphas=cv.alphas_).fit(X, y)
    assert not plot_cv(sk_cv, ax=new_ax()).child_axes
    with pytest.raises(ValueError, match="nonzero must have shape"):
        plot_cv(cv, nonzero=[1, 2], ax=new_ax())
    with pytest.raises(ValueError, match="not both"):
        plot_cv(cv, X, y, nonzero=nonzero, ax=new_ax())
    with pytest.raises(ValueError, match="pass nonzero="):
        plot_cv((cv.alphas_, cv.mse_path_), X, y, ax=new_ax())


def test_cv_top_axis_of_elasticnetcv_with_several_ratios(diabetes):
    X, y = diabetes
    cv = fastreg.ElasticNetCV(l1_ratio=[0.3, 0.9], cv=3, alphas=15).fit(X, y)
    k = [0.3, 0.9].index(cv.l1_ratio_)
    ticks, counts = top_ticks(render(plot_cv(cv, X, y, ax=new_ax())))
    _, coefs, _ = fastreg.enet_path(X - X.mean(0), y - y.mean(), l1_ratio=cv.l1_ratio_,
                                    alphas=cv.alphas_[k], tol=cv.tol)
    by_alpha = dict(zip(cv.alphas_[k], np.count_nonzero(coefs, axis=0), strict=True))
    assert counts == [by_alpha[t] for t in ticks]


def ellipse_points(ax, gid):
    (line,) = [li for li in ax.get_lines() if li.get_gid() == gid]
    return line.get_xydata()


@pytest.mark.parametrize("ridge_alpha", [None, 300.0])
def test_geometry_draws_the_contours_that_touch_the_balls(diabetes, ridge_alpha):
    X, y = diabetes
    X2 = X[:, [2, 3]]
    Xc, yc = X2 - X2.mean(0), y - y.mean()
    ax = plot_constraint_geometry(X2, y, ridge_alpha=ridge_alpha, ax=new_ax())
    w_l1 = one(ax, "lasso").get_xydata()[0]
    w_l2 = one(ax, "ridge").get_xydata()[0]
    for gid, w, norm in (("lasso_contour", w_l1, 1), ("ridge_contour", w_l2, 2)):
        points = ellipse_points(ax, gid)
        level = loss(Xc, yc, w)                  # the objective at the solution
        # every point of the drawn curve is on that level set of the loss ...
        np.testing.assert_allclose([loss(Xc, yc, p) for p in points], level,
                                   rtol=1e-9)
        # ... which passes through the solution (closed, finely sampled) ...
        radius = np.linalg.norm(w, ord=norm)
        assert np.min(np.linalg.norm(points - w, axis=1)) < 0.01 * radius
        # ... and stays outside the ball: it touches it, it does not cut it
        assert np.min(np.linalg.norm(points, ord=norm, axis=1)) >= radius * (1 - 1e-6)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    if ridge_alpha is None:                  # one contour touches both balls
        np.testing.assert_allclose(ellipse_points(ax, "lasso_contour"),
                                   ellipse_points(ax, "ridge_contour"), rtol=1e-7)
        assert sum("contour" in t for t in texts) == 1
    else:
        assert loss(Xc, yc, w_l2) < loss(Xc, yc, w_l1)
        assert sum("contour" in t for t in texts) == 2


def test_riboflavin_paths_read_well(data_dir):
    from fastreg.datasets import load_riboflavin
    X, y, names = load_riboflavin(data_dir)
    X = (X - X.mean(0)) / X.std(0)
    for model in (fastreg.LassoCV(cv=3, alphas=20), fastreg.Ridge(alpha=10.0)):
        ax = render(plot_path(model.fit(X, y), X, y, feature_names=names,
                              ax=new_ax()))
        (c,) = [c for c in ax.collections if c.get_gid() == "coef"]
        assert len(c.get_segments()) == 4088
        gray = np.all(np.isclose(c.get_colors(), GRAY_RGBA), axis=1)
        assert (~gray).sum() == 8
        assert len({tuple(v) for v in c.get_colors()[~gray]}) == 8
        legend = names_legend(ax)
        assert legend[-1] == "other features (4080)"
        assert set(legend[:-1]) == {str(names[j]) for j in np.flatnonzero(~gray)}
        _, counts = top_ticks(ax)
        if isinstance(model, fastreg.Ridge):
            assert counts == [4088] * 4          # wide labels: fewer ticks


def test_features_that_never_enter_stay_gray():
    alphas = np.logspace(0, -2, 6)
    coefs = np.zeros((20, 6))
    coefs[4, 1:] = [1, 2, 3, 4, 5]                 # enters first
    coefs[11, 3:] = [-1, -2, -3]
    coefs[7, 3:] = [0.5, 1, 1.5]                   # same alpha, smaller: after 11
    ax = plot_path((alphas, coefs), ax=new_ax())
    assert names_legend(ax) == ["x4", "x11", "x7", "other features (17)"]
    ax = plot_path((alphas, coefs), highlight=2, ax=new_ax())
    assert names_legend(ax) == ["x4", "x11", "other features (18)"]


@pytest.mark.parametrize("xvar", ["alpha", "norm", "dev"])
def test_path_xvar_and_labels_as_glmnet(diabetes, xvar):
    """glmnet's plot(fit, xvar=, label=): the lines against log alpha, the L1 norm
    or the deviance explained (the model's own, weighted), glmnet's top axis of
    nonzero counts, and each entered feature named at the end of its line."""
    X, y = diabetes
    w = np.random.default_rng(0).uniform(0.5, 2, len(y))
    path = fastreg.LassoPath(alphas=40, tol=1e-10).fit(X, y, sample_weight=w)
    ax = render(plot_path(path, xvar=xvar, label=True, ax=new_ax()))
    segments = coef_segments(ax)
    C = path.coef_path_
    if xvar == "alpha":
        order = np.argsort(path.alphas_)
        expected_x = path.alphas_[order]
        assert ax.get_xscale() == "log"
    else:
        order = np.arange(len(path.alphas_))
        expected_x = np.abs(C).sum(axis=0) if xvar == "norm" else path.dev_ratio_path_
        assert ax.get_xscale() == "linear"
    for j, seg in enumerate(segments):
        np.testing.assert_allclose(seg[:, 0], expected_x)
        np.testing.assert_allclose(seg[:, 1], C[j, order])
    assert ax.get_xlabel() == {"alpha": "alpha (log scale)",
                               "norm": "L1 norm of the coefficients",
                               "dev": "fraction of deviance explained"}[xvar]
    # labels: the features that ever enter, at the smallest alpha's coefficients
    texts = [t for t in ax.texts if t.get_gid() == "label"]
    entered = np.flatnonzero(np.any(C != 0, axis=1))
    assert [t.get_text().strip() for t in texts] == [f"x{j}" for j in entered]
    x_end = expected_x.min() if xvar == "alpha" else expected_x.max()
    for t, j in zip(texts, entered, strict=True):
        assert t.get_position() == pytest.approx((x_end, C[j, -1]))
        assert t.get_ha() == ("right" if xvar == "alpha" else "left")
    lo, hi = ax.get_xlim()
    assert lo < expected_x.min() and expected_x.max() < hi
    # the top axis: nonzero counts; for norm / dev at evenly spaced x, the count of
    # the first solution at or beyond it (glmnet's approx(method="constant", f=1))
    ticks, counts = top_ticks(ax)
    assert len(ticks) >= 4
    df = np.count_nonzero(C, axis=0)
    if xvar == "alpha":
        by_alpha = dict(zip(path.alphas_, df, strict=True))
        assert counts == [by_alpha[t] for t in ticks]
    else:
        srt = np.argsort(expected_x, kind="stable")
        for t, c in zip(ticks, counts, strict=True):
            i = min(int(np.searchsorted(expected_x[srt], t)), len(srt) - 1)
            assert c == df[srt][i]


def test_path_xvar_of_cv_and_other_estimators(diabetes):
    X, y = diabetes
    cv = fastreg.LassoCV(cv=3, alphas=30, tol=1e-10).fit(X, y)
    ax = render(plot_path(cv, xvar="norm", ax=new_ax()))   # its own path: no X, y
    norms = np.abs(cv.coef_path_).sum(axis=0)
    np.testing.assert_allclose(coef_segments(ax)[0][:, 0], norms)
    i = list(cv.alphas_).index(cv.alpha_min_)
    assert vlines(ax, "alpha_min") == [pytest.approx(norms[i])]
    # a scikit-learn estimator: its path and deviance on the centered data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # (scikit-learn's folds at tol=1e-10)
        sk_cv = sk.LassoCV(cv=3, alphas=cv.alphas_, tol=1e-10).fit(X, y)
    ax = render(plot_path(sk_cv, X, y, xvar="dev", ax=new_ax()))
    Xc, yc = X - X.mean(0), y - y.mean()
    _, coefs, _ = fastreg.lasso_path(Xc, yc, alphas=cv.alphas_, tol=1e-10)
    dev = 1 - np.sum((yc[:, None] - Xc @ coefs) ** 2, axis=0) / (yc @ yc)
    np.testing.assert_allclose(coef_segments(ax)[0][:, 0], dev, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dev, cv.summary().percent_dev / 100, atol=0.006)


def test_path_xvar_and_label_errors(diabetes):
    X, y = diabetes
    path = fastreg.LassoPath(alphas=10).fit(X, y)
    with pytest.raises(ValueError, match="xvar='lambda': expected 'alpha', 'norm'"):
        plot_path(path, xvar="lambda", ax=new_ax())
    with pytest.raises(ValueError, match="label=1: expected True or False"):
        plot_path(path, label=1, ax=new_ax())
    with pytest.raises(ValueError, match="xvar='dev' needs the deviance"):
        plot_path((path.alphas_, path.coef_path_), xvar="dev", ax=new_ax())
    # a pair draws 'norm' (no data needed)
    ax = render(plot_path((path.alphas_, path.coef_path_), xvar="norm", ax=new_ax()))
    np.testing.assert_allclose(coef_segments(ax)[0][:, 0],
                               np.abs(path.coef_path_).sum(axis=0))


def test_path_of_models_fitted_on_sparse_data(diabetes):
    """The path a fastreg model keeps is drawn for a sparse X too (never densified;
    the y label from the sparse columns' spreads)."""
    from scipy import sparse

    X, y = diabetes
    Xs = sparse.csr_matrix(X / X.std(axis=0))
    cv = fastreg.LassoCV(cv=3, alphas=20).fit(Xs, y)
    ax = render(plot_path(cv, Xs, y, xvar="dev", ax=new_ax()))
    assert ax.get_ylabel() == "coefficient (standardized features)"
    np.testing.assert_allclose(coef_segments(ax)[0][:, 0], cv.summary().percent_dev
                               / 100, atol=0.006)
    ax = render(plot_path(fastreg.LassoPath(alphas=20).fit(Xs, y), ax=new_ax()))
    assert ax.get_ylabel() == "coefficient"
