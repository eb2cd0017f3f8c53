"""Plots that show what L1 and L2 penalties do to the coefficients.

* :func:`plot_path`: coefficients along the regularization path against alpha (log
  scale), one line per feature, with the number of nonzero coefficients on a top axis
  (as glmnet's ``plot``); with many features, the first to enter (or chosen ones, or
  groups) in color and the rest thin and gray;
* :func:`plot_cv`: the cross-validation error curve with one-standard-error bars,
  the chosen alphas marked and the nonzero counts on a top axis (as glmnet's
  ``plot.cv.glmnet``);
* :func:`plot_constraint_geometry`: on a two-feature problem, the least-squares
  contours with the L1 ball (a diamond) and the L2 ball (a circle), and where the
  Lasso and Ridge solutions, computed by fastreg, touch them.

matplotlib is an optional dependency (``pip install "fastreg[plot]"``). This module
imports without it; the functions need it only to draw. Each function draws on the
given Axes (or on a new figure from :mod:`matplotlib.pyplot`, with constrained layout)
and returns the Axes. Artists that carry data have a ``gid`` (``"coef"``,
``"coef_highlight"``, ``"alpha"``, ``"alpha_min"``, ``"alpha_1se"``, ``"cv_mean"``,
``"ols"``, ``"lasso"``, ``"ridge"``, ``"l1_ball"``, ``"l2_ball"``,
``"lasso_contour"``, ``"ridge_contour"``, ``"contour"``), so that a program (or a
test) can find them again.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.optimize import brentq
from sklearn import linear_model as _sk
from sklearn.utils.validation import check_is_fitted

from ._cv import ElasticNetCV
from ._elastic_net import ElasticNet, Lasso
from ._path import enet_path, lasso_path
from ._path_model import ElasticNetPath, deviance_ratios
from ._prepare import preprocess
from ._ridge import Ridge, RidgeCV

if TYPE_CHECKING:
    from collections.abc import Sequence

    from matplotlib.axes import Axes
    from numpy.typing import ArrayLike
    from sklearn.base import BaseEstimator

__all__ = ["plot_constraint_geometry", "plot_cv", "plot_path"]

_L1_MODELS = (ElasticNet, ElasticNetCV, _sk.ElasticNet, _sk.ElasticNetCV, _sk.LassoCV)
_CV_L1_MODELS = (ElasticNetCV, _sk.ElasticNetCV, _sk.LassoCV)
_L2_MODELS = (Ridge, RidgeCV, _sk.Ridge, _sk.RidgeCV)
_ALL_COLORED_MAX = 10        # up to this many features: every line in color
_N_HIGHLIGHT = 8             # beyond it: the first features to enter, in color
_TOP_TICKS = 6
_LOG_PAD = 0.03              # x-range padding, as a fraction of its log length
_GRAY = "0.72"
# distinct colors for highlighted lines and groups: tab10 without its gray, then
# tab20's light shades without theirs (the gray lines are the other features)
_PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
            "#e377c2", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a",
            "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5"]
_MARK_GIDS = ("alpha", "alpha_min", "alpha_1se")
_XVARS = {"alpha": "alpha (log scale)", "norm": "L1 norm of the coefficients",
          "dev": "fraction of deviance explained"}


def _axes(ax):
    """The given Axes, or a new one from pyplot (which needs matplotlib) on a figure
    with constrained layout, so that titles, the top axis and legends beside the
    plot are never cut off."""
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "fastreg.plotting needs matplotlib: pip install \"fastreg[plot]\" (or "
            "pip install matplotlib)") from exc
    return plt.subplots(layout="constrained")[1]


def _legend_size():
    """Legend text: 9 pt at matplotlib's default 10 pt font, readable in print."""
    import matplotlib as mpl
    return 0.9 * mpl.rcParams["font.size"]


def _set_log_xlim(ax, grid, marks=()):
    """x-limits holding the grid and the marked alphas, padded on both sides (on
    the log scale) so that no vertical line sits on the frame."""
    lo = min(np.min(grid), *marks) if len(marks) else np.min(grid)
    hi = max(np.max(grid), *marks) if len(marks) else np.max(grid)
    pad = (hi / lo) ** _LOG_PAD if hi > lo else 2.0
    ax.set_xscale("log")
    ax.set_xlim(lo / pad, hi * pad)


def _top_nonzero_axis(ax, grid, nonzero):
    """Number of nonzero coefficients at a few alphas of the grid on a top axis
    (glmnet's "df" along the top of its plots)."""
    order = np.argsort(grid)
    grid, nonzero = np.asarray(grid)[order], np.asarray(nonzero)[order]
    # fewer ticks for wide labels (thousands of features), so that they never touch
    n_ticks = _TOP_TICKS - max(0, len(str(int(np.max(nonzero, initial=0)))) - 2)
    ticks = np.unique(np.linspace(0, len(grid) - 1, min(len(grid), n_ticks))
                      .round().astype(int))
    return _count_axis(ax, grid[ticks], [str(int(nonzero[i])) for i in ticks])


def _count_axis(ax, ticks, labels):
    """The top axis of the nonzero counts: ``labels`` at x positions ``ticks``."""
    top = ax.secondary_xaxis("top")
    top.set_xticks(ticks, labels=labels)
    top.minorticks_off()
    top.tick_params(labelsize="small")
    top.set_xlabel("nonzero coefficients", fontsize="small")
    return top


def _scale_label(X):
    """What the coefficients are per: standardized features or X as given (X dense,
    or sparse: its column spreads without densifying it)."""
    if hasattr(X, "toarray"):
        X = X.tocsc().astype(np.float64)
        mean = np.asarray(X.mean(axis=0)).ravel()
        std = np.sqrt(np.maximum(np.asarray(X.multiply(X).mean(axis=0)).ravel() -
                                 mean ** 2, 0))
    else:
        std = np.std(np.asarray(X, dtype=np.float64), axis=0)
    std = std[std > 0]
    if std.size and np.allclose(std, 1.0, rtol=1e-3):
        return "coefficient (standardized features)"
    return "coefficient (features as given, unstandardized)"


def _entry_order(coefs):
    """Features in the order they enter the path as alpha decreases: by the first
    alpha (from the largest) at which the coefficient is nonzero, ties (as on a Ridge
    path, where all are nonzero at once) broken by the larger coefficient there;
    features that never enter come last. coefs: (n_features, n_alphas), alphas
    decreasing."""
    nonzero = coefs != 0
    first = np.where(nonzero.any(axis=1), np.argmax(nonzero, axis=1), coefs.shape[1])
    at_entry = np.abs(coefs[np.arange(len(coefs)),
                            np.minimum(first, coefs.shape[1] - 1)])
    return np.lexsort((-at_entry, first))


def _center(X, y, fit_intercept):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError(f"X must be 2-D and y 1-D with as many rows; got shapes "
                         f"{X.shape} and {y.shape}.")
    prep = preprocess(X, y, fit_intercept, None)
    return prep.X, prep.y


def _ridge_path(X, y, alphas):
    """Coefficients (n_features, n_alphas) minimizing ||y - X w||^2 + alpha ||w||^2
    for each alpha (X and y as given: center them to fit an intercept), exactly,
    from one SVD of X: w(alpha) = V diag(s / (s^2 + alpha)) U^T y. Directions with a
    zero singular value get a zero coefficient (the minimum-norm solution at
    alpha = 0)."""
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    keep = s > s[0] * max(X.shape) * np.finfo(np.float64).eps
    U, s, Vt = U[:, keep], s[keep], Vt[keep]
    alphas = np.asarray(alphas, dtype=np.float64)
    filt = s / (s ** 2 + alphas[:, None])               # (n_alphas, rank)
    return Vt.T @ (filt * (U.T @ y)).T


def _ridge_alpha_grid(X, n_alphas=100):
    """A grid from where Ridge keeps almost nothing to where it is almost least
    squares: the largest squared singular value of X times 10^2 ... 10^-4."""
    s_max = np.linalg.norm(X, ord=2)
    return s_max ** 2 * np.logspace(2, -4, n_alphas)


def _with_alpha(grid, alpha):
    """The grid widened to hold alpha a decade inside, with alpha in it, decreasing."""
    lo, hi = min(grid.min(), alpha / 10), max(grid.max(), alpha * 10)
    grid = np.geomspace(hi, lo, len(grid))
    return np.unique(np.append(grid, alpha))[::-1]


def _alpha_lines(model):
    """[(alpha, gid, label)] of the alphas a fitted estimator chose or was given."""
    if hasattr(model, "alpha_min_") and hasattr(model, "alpha_1se_"):
        return [(model.alpha_min_, "alpha_min", "min CV"),
                (model.alpha_1se_, "alpha_1se", "1-SE rule")]
    if hasattr(model, "alpha_"):
        if np.ndim(model.alpha_) != 0:
            return []
        return [(float(model.alpha_), "alpha_min", "chosen by CV")]
    if np.ndim(model.alpha) != 0:
        return []
    return [(float(model.alpha), "alpha", "alpha")]


def _l1_ratio_index(model):
    """Index of the chosen l1_ratio among a fitted ElasticNetCV's l1_ratios."""
    ratios = np.atleast_1d(np.asarray(getattr(model, "l1_ratio", 1.0), dtype=float))
    return int(np.argmin(np.abs(ratios - getattr(model, "l1_ratio_", ratios[0]))))


def _stored_path(model):
    """(alphas, coefs, deviance ratios) of the whole path a fitted fastreg model keeps
    (ElasticNetPath, or LassoCV / ElasticNetCV: their ``coef_path_`` on all the
    data, with their weights, penalty factors and bounds), or None."""
    if not isinstance(model, (ElasticNetPath, ElasticNetCV)):
        return None
    check_is_fitted(model)
    try:
        result = model._path_result()
    except AttributeError:             # (a pickled CV estimator, path never used)
        return None
    return (np.asarray(result["alphas"]), np.asarray(result["coefs"]),
            np.asarray(result["dev_ratio"]))


def _path_of_model(model, X, y, alphas, with_dev=False):
    """(alphas, coefs, kind, lines, y label[, deviance ratios]) of the path through a
    fitted estimator's fit: the path it keeps (ElasticNetPath, fastreg's CV
    estimators), else computed on X, y."""
    if isinstance(model, ElasticNetPath) or (
            alphas is None and isinstance(model, ElasticNetCV)):
        stored = _stored_path(model)
        if stored is not None:
            grid, coefs, dev = stored
            r = float(model._path_settings()["l1_ratio"]) if isinstance(
                model, ElasticNetCV) else float(model._l1_ratio())
            kind = "Lasso" if r == 1 else f"ElasticNet (l1_ratio={r:g})"
            lines = [] if isinstance(model, ElasticNetPath) else _alpha_lines(model)
            ylabel = "coefficient"
            if X is not None:
                ylabel = _scale_label(X)
            out = (grid, coefs, kind, lines, ylabel)
            return out + (dev,) if with_dev else out
        if isinstance(model, ElasticNetPath):
            raise ValueError("plot_path(ElasticNetPath) needs a fitted model.")
    out = _path_of_model_on_data(model, X, y, alphas)
    if not with_dev:
        return out
    # (the fraction of deviance explained, as the whole-path models' dev_ratio_path_;
    # X and y checked by _path_of_model_on_data)
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return out + (deviance_ratios(X, y, None, out[1], model.fit_intercept),)


def _path_of_model_on_data(model, X, y, alphas):
    """(alphas, coefs, kind, lines, y label) of the path through a fitted
    estimator's fit, computed on X, y."""
    if not isinstance(model, _L1_MODELS + _L2_MODELS):
        raise TypeError(
            "plot_path accepts a (alphas, coefs) pair or a fitted Lasso, ElasticNet, "
            "LassoCV, ElasticNetCV, Ridge or RidgeCV (fastreg or scikit-learn) or "
            f"ElasticNetPath / LassoPath, got {type(model).__name__}.")
    if X is None or y is None:
        raise ValueError(f"plot_path needs the data a {type(model).__name__} was "
                         "fitted on: plot_path(model, X, y).")
    check_is_fitted(model)
    lines = _alpha_lines(model)
    Xc, yc = _center(X, y, model.fit_intercept)
    if isinstance(model, _L2_MODELS):
        if getattr(model, "positive", False):
            raise ValueError("plot_path draws the exact (unconstrained) Ridge path; "
                             "positive=True has none: fit per alpha and pass "
                             "(alphas, coefs).")
        if alphas is None:
            alphas = _ridge_alpha_grid(Xc)
            for alpha, _, _ in lines:
                alphas = _with_alpha(alphas, alpha)
        alphas = np.sort(np.asarray(alphas, dtype=np.float64))[::-1]
        return alphas, _ridge_path(Xc, yc, alphas), "Ridge", lines, _scale_label(Xc)
    if isinstance(model, _CV_L1_MODELS):
        l1_ratio = float(getattr(model, "l1_ratio_", 1.0))
        if alphas is None:
            alphas = np.asarray(model.alphas_)
            if alphas.ndim == 2:
                alphas = alphas[_l1_ratio_index(model)]
    else:
        l1_ratio = float(model.l1_ratio)
        if alphas is None:
            if l1_ratio == 0:
                raise ValueError("l1_ratio=0 has no default alpha grid: pass alphas.")
            a_max = np.max(np.abs(Xc.T @ yc)) / (len(yc) * l1_ratio)
            alphas = _with_alpha(a_max * np.logspace(0, -3, 100), float(model.alpha))
    alphas, coefs, _ = enet_path(
        Xc, yc, l1_ratio=l1_ratio, alphas=np.asarray(alphas, dtype=np.float64),
        positive=model.positive, tol=model.tol, max_iter=model.max_iter)
    kind = "Lasso" if l1_ratio == 1 else f"ElasticNet (l1_ratio={l1_ratio:g})"
    return alphas, coefs, kind, lines, _scale_label(Xc)


def plot_path(path: tuple | BaseEstimator, X: ArrayLike | None = None,
              y: ArrayLike | None = None, *, alphas: ArrayLike | None = None,
              feature_names: Sequence[str] | None = None,
              colors: Sequence[Any] | None = None,
              highlight: int | Sequence[int | str] | None = None,
              groups: Sequence[Any] | None = None, legend: bool = True,
              xvar: str = "alpha", label: bool = False,
              ax: Axes | None = None) -> Axes:
    """Plot the coefficients along a regularization path (glmnet's ``plot``).

    One line per feature: its coefficient against alpha on a log axis, penalty
    growing to the right, so that the Lasso's lines reach exactly zero one after
    another while Ridge's shrink together without reaching it. The top axis shows the
    number of nonzero coefficients; the alphas chosen by a cross-validated estimator
    (or a single estimator's alpha) are marked with vertical lines, inside the
    x-range (padded so that no line sits on the frame).

    With up to 10 features every line has its own color and a legend names them.
    With more, colors would repeat and identify nothing: the features that enter the
    path first (or those of ``highlight``) are drawn in distinct colors and named in
    the legend, the others thin and gray. ``groups`` colors features by group
    instead, with one legend entry per group.

    Parameters
    ----------
    path : tuple or estimator
        Either the result of :func:`fastreg.lasso_path` or :func:`fastreg.enet_path`
        (``(alphas, coefs, ...)``; any pair of arrays ``(alphas, coefs)`` with coefs
        of shape (n_features, n_alphas) works), or a fitted estimator: ``Lasso``,
        ``ElasticNet``, ``LassoCV``, ``ElasticNetCV``, ``Ridge`` or ``RidgeCV``, from
        fastreg or scikit-learn, or an ``ElasticNetPath`` / ``LassoPath``. The path
        a model keeps is drawn as it is (``ElasticNetPath``, and fastreg's
        ``LassoCV`` / ``ElasticNetCV``: their ``coef_path_``, with their weights,
        penalty factors and bounds; ``X, y`` then only say whether the features are
        standardized). For another estimator, the path is computed on ``X, y``
        (centered when the estimator fits an intercept; unweighted; not
        standardized, so the coefficients are those of the estimator, on the scale
        of X as given: the y label says whether X's features are standardized) with
        its l1_ratio (the chosen one for ``ElasticNetCV``), ``positive``, ``tol`` and
        ``max_iter``: by :func:`fastreg.enet_path` for the L1 models and exactly
        from one SVD of X for Ridge.
    X : array-like of shape (n_samples, n_features), default=None
        The data the estimator was fitted on (not used with a path tuple).
    y : array-like of shape (n_samples,), default=None
        The target the estimator was fitted on (not used with a path tuple).
    alphas : array-like of shape (n_alphas,), default=None
        The alphas of the path of an estimator. None: the CV grid ``alphas_`` of
        ``LassoCV`` / ``ElasticNetCV``; for ``Lasso`` / ``ElasticNet``, 100 alphas
        from alpha_max down to alpha_max / 1000, widened to hold the estimator's
        alpha; for ``Ridge`` / ``RidgeCV``, 100 alphas from 100 s^2 down to
        s^2 / 10^4 (s the largest singular value of the centered X), widened to hold
        the chosen alpha.
    feature_names : sequence of str, default=None
        Names of the lines (None: the estimator's ``feature_names_in_`` if any,
        else ``x0, x1, ...``), used in the legend.
    colors : sequence of matplotlib colors, default=None
        One color per feature, drawn as given (then ``highlight`` and ``groups``
        are not used; a legend names the lines for at most 10 features).
    highlight : int or sequence of int or str, default=None
        The features drawn in color (at most 18), the others thin and gray: an int
        k for the k features that enter the path first (by the first alpha, from
        the largest, at which their coefficient is nonzero; ties, as on a Ridge path
        where all are nonzero at once, broken by the larger coefficient there;
        features that are zero all along stay gray), or feature indices or names.
        None: every feature in color for at most 10 features, else the first 8 to
        enter.
    groups : sequence, default=None
        One group label per feature (e.g. ``["g0", "g0", "g1", None, ...]``): the
        features of a group share a color and a legend entry, those labelled None
        are thin and gray ("other features"). Overrides ``highlight``.
    legend : bool, default=True
        Whether to name the colored lines in a legend beside the plot (the marked
        alphas always have a small legend inside it).
    xvar : {'alpha', 'norm', 'dev'}, default='alpha'
        The x axis, as glmnet's ``plot(fit, xvar=)``: alpha on a log scale
        (glmnet's ``"lambda"``), the L1 norm of the coefficients (``"norm"``,
        glmnet's default), or the fraction of deviance explained (``"dev"``; of
        the estimator's path: weighted for ``ElasticNetPath`` and the fastreg CV
        estimators, else on the centered ``X, y``). With 'norm' and 'dev' the top
        axis gives the number of nonzero coefficients at evenly spaced values of
        the x variable, as glmnet's.
    label : bool, default=False
        glmnet's ``label=TRUE``: name each feature that is nonzero somewhere on the
        path at the end of its line (the smallest alpha: the left end for 'alpha',
        the right end otherwise).
    ax : matplotlib Axes, default=None
        Where to draw (None: a new figure, with constrained layout).

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on. The coefficient lines are one
        :class:`~matplotlib.collections.LineCollection` with ``gid="coef"`` (segment
        j: feature j, alphas increasing; its colors are the lines' colors); the
        colored lines are drawn again on top of the gray ones by a second collection
        with ``gid="coef_highlight"`` (absent when no line is gray); the vertical
        lines have ``gid`` ``"alpha_min"``, ``"alpha_1se"`` or ``"alpha"``; the top
        axis is ``ax.child_axes[0]``; ``ax.get_legend()`` is the legend of the lines;
        the names of ``label=True`` are texts with ``gid="label"``.

    See Also
    --------
    plot_cv : The cross-validation curve that chose the alpha marked here.
    fastreg.lasso_path, fastreg.enet_path : The paths this function draws.
    sklearn.linear_model.lasso_path : scikit-learn computes paths but draws none;
        R's ``plot(glmnet(x, y))`` is the figure this one follows.

    Notes
    -----
    For an L1 model the path is the solutions of the estimator's objective,
    ``(1 / (2 n)) ||y - X w||^2 + alpha * l1_ratio * ||w||_1 + 0.5 * alpha * (1 -
    l1_ratio) * ||w||^2`` on the centered data; for Ridge, of ``||y - X w||^2 +
    alpha * ||w||^2``, on Ridge's own alpha scale. The coefficients are on the
    scale of X as given: standardize X first to compare features with each other.

    Examples
    --------
    >>> import fastreg
    >>> from fastreg.plotting import plot_path
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> ax = plot_path(fastreg.LassoCV().fit(X, y), X, y)
    >>> ax = plot_path(fastreg.lasso_path(X - X.mean(0), y - y.mean()))

    glmnet's ``plot(fit, xvar="norm", label=TRUE)`` of a whole-path model:

    >>> ax = plot_path(fastreg.LassoPath().fit(X, y), xvar="norm", label=True)
    """
    if xvar not in _XVARS:
        raise ValueError(f"xvar={xvar!r}: expected 'alpha', 'norm' (the L1 norm of the "
                         "coefficients) or 'dev' (the fraction of deviance explained), "
                         "as glmnet's plot(fit, xvar=).")
    if not isinstance(label, (bool, np.bool_)):
        raise ValueError(f"label={label!r}: expected True or False.")
    dev = None
    if isinstance(path, (tuple, list)):
        if len(path) < 2:
            raise ValueError("a path tuple must start with (alphas, coefs).")
        if xvar == "dev":
            raise ValueError(
                "xvar='dev' needs the deviance of each solution: pass a fitted "
                "estimator (ElasticNetPath, LassoCV, ..., with X, y when it keeps no "
                "path), not an (alphas, coefs) pair.")
        grid, coefs = np.asarray(path[0], dtype=float), np.asarray(path[1], dtype=float)
        kind, lines, ylabel = None, [], "coefficient"
    else:
        grid, coefs, kind, lines, ylabel, dev = _path_of_model(path, X, y, alphas,
                                                               with_dev=True)
        coefs = np.asarray(coefs, dtype=float)
        if feature_names is None and hasattr(path, "feature_names_in_"):
            feature_names = path.feature_names_in_
    if coefs.ndim != 2 or grid.ndim != 1 or coefs.shape[1] != grid.shape[0]:
        raise ValueError(f"coefs must have shape (n_features, n_alphas) = (?, "
                         f"{grid.shape[0]}), got {coefs.shape}.")
    if xvar == "alpha" and not np.all(grid > 0):
        raise ValueError("alphas must be positive to be drawn on a log axis.")
    n_features = coefs.shape[0]
    if feature_names is None:
        feature_names = [f"x{j}" for j in range(n_features)]
    feature_names = [str(f) for f in feature_names]
    if len(feature_names) != n_features:
        raise ValueError(f"{len(feature_names)} feature names for {n_features} "
                         "features.")
    if colors is not None and len(colors) != n_features:
        raise ValueError(f"{len(colors)} colors for {n_features} features.")
    if groups is not None and len(groups) != n_features:
        raise ValueError(f"{len(groups)} group labels for {n_features} features.")

    order = np.argsort(grid, kind="stable")[::-1]       # alphas decreasing
    colors, widths, entries = _line_styles(coefs[:, order], feature_names, colors,
                                           highlight, groups)
    ax = _axes(ax)
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    if xvar == "alpha":
        order = order[::-1]                             # alphas increasing
    grid, coefs = grid[order], coefs[:, order]
    if xvar == "alpha":
        index = grid
    elif xvar == "norm":
        index = np.sum(np.abs(coefs), axis=0)
    else:
        index = np.asarray(dev, dtype=float)[order]
    # one collection rather than one Line2D per feature: thousands of features draw
    # in a fraction of a second
    segments = np.stack([np.broadcast_to(index, coefs.shape), coefs], axis=-1)
    ax.add_collection(LineCollection(segments, colors=colors, linewidths=widths,
                                     gid="coef", zorder=2))
    gray = np.array([c == _GRAY for c in colors], dtype=bool)
    if gray.any() and not gray.all():
        colored = np.flatnonzero(~gray)
        ax.add_collection(LineCollection(segments[colored],
                                         colors=[colors[j] for j in colored],
                                         linewidths=widths[colored],
                                         gid="coef_highlight", zorder=2.5))
    ax.autoscale_view()
    ax.axhline(0, color="0.5", lw=0.5, zorder=1)
    marks_x = []
    for alpha, gid, text in lines:
        x = alpha if xvar == "alpha" else _at_alpha(grid, index, alpha)
        marks_x.append(x)
        ax.axvline(x, color="k", lw=1.2, ls="--" if gid != "alpha_1se" else ":",
                   gid=gid, label=f"{text}: {alpha:.3g}", zorder=3)
    nonzero = np.count_nonzero(coefs, axis=0)
    if xvar == "alpha":
        _set_log_xlim(ax, grid, marks_x)
        if label:                            # room for the names on the left
            lo, hi = ax.get_xlim()
            ax.set_xlim(lo / (hi / lo) ** 0.1, hi)
        _top_nonzero_axis(ax, grid, nonzero)
    else:
        lo, hi = float(np.min(index)), float(np.max(index))
        pad = _LOG_PAD * (hi - lo) if hi > lo else 0.5
        ax.set_xlim(lo - pad, hi + (3 if label else 1) * pad)
        _top_nonzero_axis_linear(ax, index, nonzero)
    if label:
        _label_lines(ax, xvar, index, coefs, feature_names)
    ax.set_xlabel(_XVARS[xvar])
    ax.set_ylabel(ylabel)
    if kind is not None:
        ax.set_title(kind)
    # the alphas inside the plot, the lines' names beside it
    marks = [h for h in ax.get_lines() if h.get_gid() in _MARK_GIDS]
    if marks:
        # in room left above the lines: they fill the lower 80% (one mark: 88%)
        low, high = float(np.min(coefs)), float(np.max(coefs))
        span = high - low if high > low else max(abs(high), 1.0)
        ax.set_ylim(low - 0.05 * span,
                    low + 1.02 * span / (0.8 if len(marks) > 1 else 0.88))
        mark_legend = ax.legend(handles=marks, fontsize=_legend_size(),
                                loc="upper right" if xvar == "alpha" else "upper left",
                                handlelength=1.4, handletextpad=0.5, borderaxespad=0.3)
    if legend and entries:
        if marks:
            ax.add_artist(mark_legend)       # kept when the next legend replaces it
        handles = [Line2D([], [], color=c, lw=max(w, 1.5) if c != _GRAY else 1.5,
                          label=text) for text, c, w in entries]
        ax.legend(handles=handles, fontsize=_legend_size(), loc="center left",
                  bbox_to_anchor=(1.01, 0.5), frameon=False,
                  handlelength=1.5)
    return ax


def _at_alpha(grid, index, alpha):
    """The x position (L1 norm or deviance ratio) of an alpha on the path: linear
    in log(alpha) between the two fitted alphas around it."""
    order = np.argsort(grid)
    return float(np.interp(np.log(alpha), np.log(grid[order]), index[order]))


def _top_nonzero_axis_linear(ax, index, nonzero):
    """glmnet's top axis for xvar='norm' / 'dev': at 'pretty' positions of the x
    variable, the number of nonzero coefficients of the first solution of the path
    at or beyond it (glmnet's ``approx(..., method="constant", f=1)``), clamped at
    the ends."""
    from matplotlib.ticker import MaxNLocator

    order = np.argsort(index, kind="stable")
    xs, counts = np.asarray(index)[order], np.asarray(nonzero)[order]
    lo, hi = ax.get_xlim()
    ticks = MaxNLocator(_TOP_TICKS).tick_values(max(lo, xs[0]), min(hi, xs[-1]))
    ticks = ticks[(ticks >= lo) & (ticks <= hi)]
    at = np.clip(np.searchsorted(xs, ticks, side="left"), 0, len(xs) - 1)
    return _count_axis(ax, ticks, [str(int(counts[i])) for i in at])


def _label_lines(ax, xvar, index, coefs, names):
    """glmnet's ``label=TRUE``: each feature that is nonzero somewhere along the path
    named at the end of its line (the last, smallest alpha): left of the line for
    xvar='alpha' (the smallest alpha is on the left), right of it otherwise."""
    # (columns: alphas increasing for 'alpha', decreasing otherwise)
    last = 0 if xvar == "alpha" else -1
    x = float(np.min(index)) if xvar == "alpha" else float(np.max(index))
    for j in np.flatnonzero(np.any(coefs != 0, axis=1)):
        ax.text(x, coefs[j, last], f" {names[j]} ",
                ha="right" if xvar == "alpha" else "left", va="center",
                fontsize="x-small", gid="label", zorder=4, clip_on=False)


def _line_styles(coefs, names, colors, highlight, groups):
    """(colors, line widths, legend entries [(text, color, width)]) of the lines;
    coefs: (n_features, n_alphas), alphas decreasing."""
    n = len(names)
    thin = 0.8 if n <= 200 else 0.5
    if colors is not None:
        colors = list(colors)
        entries = [(f, c, 1.0) for f, c in zip(names, colors, strict=True)] \
            if n <= _ALL_COLORED_MAX else []
        return colors, np.ones(n), entries
    if groups is not None:
        labels = []
        for g in groups:
            if g is not None and g not in labels:
                labels.append(g)
        if len(labels) > len(_PALETTE):
            raise ValueError(f"{len(labels)} groups; at most {len(_PALETTE)} can have "
                             "distinct colors (pass colors= to choose them).")
        color_of = {g: _PALETTE[i] for i, g in enumerate(labels)}
        colors = [color_of[g] if g is not None else _GRAY for g in groups]
        widths = np.array([1.4 if g is not None else thin for g in groups])
        entries = [(str(g), color_of[g], 1.4) for g in labels]
        n_other = sum(g is None for g in groups)
        if n_other:
            entries.append((f"other features ({n_other})", _GRAY, thin))
        return colors, widths, entries
    if highlight is None:
        highlight = list(range(n)) if n <= _ALL_COLORED_MAX else _N_HIGHLIGHT
    if isinstance(highlight, (int, np.integer)) and not isinstance(highlight, bool):
        if highlight < 0:
            raise ValueError(f"highlight={highlight}: expected a number of features "
                             ">= 0 or a sequence of feature indices or names.")
        entered = np.any(coefs != 0, axis=1)     # a feature that never enters: gray
        chosen = [int(j) for j in _entry_order(coefs)[:highlight] if entered[j]]
    else:
        chosen = []
        for h in highlight:
            if isinstance(h, str):
                if h not in names:
                    raise ValueError(f"highlight: no feature named {h!r}.")
                j = names.index(h)
            elif isinstance(h, (int, np.integer)) and -n <= h < n:
                j = int(h) % n
            else:
                raise ValueError(f"highlight: {h!r} is neither a feature name nor a "
                                 f"feature index in [0, {n}).")
            if j not in chosen:
                chosen.append(j)
    if n <= _ALL_COLORED_MAX and len(chosen) == n:
        palette = [f"C{j}" for j in range(n)]          # matplotlib's own cycle
    elif len(chosen) > len(_PALETTE):
        raise ValueError(f"highlight: {len(chosen)} features; at most {len(_PALETTE)} "
                         "can have distinct colors (pass colors= to choose them).")
    else:
        palette = _PALETTE
    colors, widths = [_GRAY] * n, np.full(n, thin)
    entries = []
    for k, j in enumerate(chosen):
        colors[j], widths[j] = palette[k], 1.5 if len(chosen) < n else 1.2
        entries.append((names[j], palette[k], widths[j]))
    n_other = n - len(chosen)
    if n_other and chosen:
        entries.append((f"other features ({n_other})", _GRAY, thin))
    return colors, widths, entries


def _cv_curve(cv):
    """(alphas, fold MSE (n_alphas, n_folds), alpha_min, alpha_1se, title)."""
    if isinstance(cv, (tuple, list)):
        if len(cv) != 2:
            raise ValueError("pass a fitted CV estimator or a pair (alphas, mse_path).")
        alphas, mse = np.asarray(cv[0], dtype=float), np.asarray(cv[1], dtype=float)
        marks, title = None, None
    else:
        check_is_fitted(cv, "mse_path_")
        alphas, mse = np.asarray(cv.alphas_), np.asarray(cv.mse_path_)
        title = "Lasso" if isinstance(cv, _sk.LassoCV) or \
            float(getattr(cv, "l1_ratio_", 1.0)) == 1.0 else \
            f"ElasticNet (l1_ratio={cv.l1_ratio_:g})"
        if mse.ndim == 3:
            k = _l1_ratio_index(cv)
            mse = mse[k]
            if alphas.ndim == 2:
                alphas = alphas[k]
        marks = (cv.alpha_min_, cv.alpha_1se_) if hasattr(cv, "alpha_1se_") else None
    if mse.ndim != 2 or alphas.ndim != 1 or mse.shape[0] != alphas.shape[0]:
        raise ValueError(f"mse_path must have shape (n_alphas, n_folds) = "
                         f"({alphas.shape[0]}, ?), got {mse.shape}.")
    if marks is None:
        # the rule of fastreg's CV estimators: the minimum of the mean, and the
        # largest alpha within one standard error (over the folds) of it
        mean = mse.mean(axis=1)
        best = int(np.argmin(mean))
        n_folds = mse.shape[1]
        se = mse[best].std(ddof=1) / np.sqrt(n_folds) if n_folds > 1 else 0.0
        marks = (float(alphas[best]), float(np.max(alphas[mean <= mean[best] + se])))
    return alphas, mse, marks[0], marks[1], title


def plot_cv(cv: tuple | BaseEstimator, X: ArrayLike | None = None,
            y: ArrayLike | None = None, *, nonzero: ArrayLike | None = None,
            ax: Axes | None = None) -> Axes:
    """Plot the cross-validation error curve (glmnet's ``plot.cv.glmnet``).

    The mean test MSE over the folds against alpha (log scale), with bars of one
    standard error (standard deviation over the folds / sqrt(n_folds)), and vertical
    lines at the alpha of minimum mean error and at the largest alpha whose mean
    error is within one standard error of that minimum (the one-standard-error rule:
    a simpler model that cross-validation cannot tell apart from the best). As in
    glmnet, a top axis gives the number of nonzero coefficients of the model fitted
    on all the data at each alpha: from the path that fastreg's ``LassoCV`` /
    ``ElasticNetCV`` keep (``coef_path_``), from the path on ``X, y`` for another
    fitted estimator, or the counts given (``nonzero``).

    Parameters
    ----------
    cv : estimator or tuple
        A fitted ``LassoCV`` or ``ElasticNetCV`` (fastreg or scikit-learn; for
        several l1_ratios, the curve of the chosen ``l1_ratio_``), or a pair
        ``(alphas, mse_path)`` with mse_path of shape (n_alphas, n_folds). The marked
        alphas are the estimator's ``alpha_min_`` and ``alpha_1se_`` when it has
        them (fastreg), else computed from the curve by the same rule.
    X : array-like of shape (n_samples, n_features), default=None
        The data the estimator was fitted on: the nonzero counts of the top axis are
        those of its path on ``X, y`` at the CV alphas (as by :func:`plot_path`: the
        path a fastreg CV estimator keeps, else computed). None: the counts of the
        path a fastreg CV estimator keeps; for other estimators no top axis, unless
        ``nonzero`` is given.
    y : array-like of shape (n_samples,), default=None
        The target the estimator was fitted on.
    nonzero : array-like of int, shape (n_alphas,), default=None
        The number of nonzero coefficients at each alpha of the curve (e.g. with a
        ``(alphas, mse_path)`` pair), for the top axis; instead of ``X, y``.
    ax : matplotlib Axes, default=None
        Where to draw (None: a new figure, with constrained layout).

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on; the line of mean errors has ``gid="cv_mean"`` (its error
        bars are ``ax.containers[0]``), the vertical lines ``gid="alpha_min"`` and
        ``gid="alpha_1se"``; the top axis, when drawn, is ``ax.child_axes[0]``.

    See Also
    --------
    plot_path : The coefficients along the same grid.
    fastreg.LassoCV, fastreg.ElasticNetCV : The estimators whose curve this draws.
    sklearn.linear_model.LassoCV : scikit-learn records the same ``mse_path_`` but
        draws nothing; R's ``plot(cv.glmnet(x, y))`` is the figure this one follows.

    Notes
    -----
    The standard error of an alpha is the standard deviation of its fold errors
    (``ddof=1``) divided by ``sqrt(n_folds)``; the one-standard-error alpha is the
    largest alpha whose mean error is at most the minimum mean plus the standard
    error at the minimum, as in :class:`fastreg.LassoCV` (glmnet's
    ``lambda.1se``).

    Examples
    --------
    >>> import fastreg
    >>> from fastreg.plotting import plot_cv
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> ax = plot_cv(fastreg.LassoCV(cv=5).fit(X, y), X, y)
    """
    alphas, mse, alpha_min, alpha_1se, title = _cv_curve(cv)
    if not np.all(alphas > 0):
        raise ValueError("alphas must be positive to be drawn on a log axis.")
    if nonzero is not None:
        if X is not None or y is not None:
            raise ValueError("pass either X, y or nonzero, not both.")
        nonzero = np.asarray(nonzero)
        if nonzero.shape != alphas.shape:
            raise ValueError(f"nonzero must have shape (n_alphas,) = {alphas.shape}, "
                             f"got {nonzero.shape}.")
    elif X is None and y is None and not isinstance(cv, (tuple, list)) and \
            _stored_path(cv) is not None:
        # fastreg's CV estimators keep the path on all the data (glmnet's nzero)
        grid, coefs, _ = _stored_path(cv)
        counts = dict(zip(grid, np.count_nonzero(coefs, axis=0), strict=True))
        nonzero = np.array([counts[a] for a in alphas])
    elif X is not None or y is not None:
        if isinstance(cv, (tuple, list)):
            raise ValueError("X, y give the nonzero counts of a fitted estimator's "
                             "path; with an (alphas, mse_path) pair pass nonzero=.")
        if X is None or y is None:
            raise ValueError("plot_cv needs both X and y for the nonzero counts.")
        grid, coefs, _, _, _ = _path_of_model(cv, X, y, alphas)
        counts = dict(zip(grid, np.count_nonzero(coefs, axis=0), strict=True))
        nonzero = np.array([counts[a] for a in alphas])
    ax = _axes(ax)
    n_folds = mse.shape[1]
    mean = mse.mean(axis=1)
    se = mse.std(axis=1, ddof=1) / np.sqrt(n_folds) if n_folds > 1 else \
        np.zeros_like(mean)
    bars = ax.errorbar(alphas, mean, yerr=se, fmt="o", ms=3.5, color="C3",
                       ecolor="0.6", elinewidth=1, capsize=2, zorder=2,
                       label=f"mean CV MSE ± 1 SE ({n_folds} folds)")
    bars.lines[0].set_gid("cv_mean")
    ax.axvline(alpha_min, color="k", ls="--", lw=1.2, gid="alpha_min", zorder=3,
               label=f"min CV: {alpha_min:.3g}")
    ax.axvline(alpha_1se, color="k", ls=":", lw=1.2, gid="alpha_1se", zorder=3,
               label=f"1-SE rule: {alpha_1se:.3g}")
    _set_log_xlim(ax, alphas, [alpha_min, alpha_1se])
    # room above the curve for the legend: the bars fill the lower 70%
    low, high = np.min(mean - se), np.max(mean + se)
    span = high - low if high > low else max(abs(high), 1.0)
    ax.set_ylim(low - 0.05 * span, low + span / 0.7)
    ax.set_xlabel("alpha (log scale)")
    ax.set_ylabel("mean squared error (CV)")
    if title is not None:
        ax.set_title(title)
    if nonzero is not None:
        _top_nonzero_axis(ax, alphas, nonzero)
    ax.legend(fontsize=_legend_size(), loc="best")
    return ax


def _lasso_corner_alpha(Xc, yc):
    """An alpha where the Lasso has exactly one nonzero coefficient, near the low
    end of that stretch of the path (a fifth of its length on a log scale above
    where the second feature enters): the largest L1 ball whose solution is still a
    corner. Found on a fine fastreg path."""
    alphas, coefs, _ = lasso_path(Xc, yc, alphas=400, eps=1e-4, tol=1e-10)
    one = alphas[np.count_nonzero(coefs, axis=0) == 1]
    if one.size == 0:                # both enter at once (a tie): any alpha shows it
        return float(alphas[0] / 2)
    return float(np.exp(0.8 * np.log(one.min()) + 0.2 * np.log(one.max())))


def plot_constraint_geometry(X: ArrayLike, y: ArrayLike, *, alpha: float | None = None,
                             ridge_alpha: float | None = None,
                             feature_names: Sequence[str] | None = None,
                             ax: Axes | None = None) -> Axes:
    """Plot why the Lasso zeroes coefficients and Ridge does not, on two features.

    A penalized least-squares solution is also the least-squares solution
    constrained to a ball of the penalty's norm: the Lasso's is where the smallest
    loss contour meets the L1 ball (a diamond, corners on the axes), Ridge's where it
    meets the L2 ball (a circle). An ellipse meets a diamond most often at a corner,
    where one coefficient is exactly zero; it meets a circle at a point where
    neither is. This draws the contours of ``||y - X w||^2 / (2 n)`` around the
    least-squares point (exact ellipses), among them the two that touch the balls at
    the solutions (the loss at the Lasso and at the Ridge solution), the L1 ball of
    radius ``||w_lasso||_1`` and the L2 ball of radius ``||w_ridge||_2``, and the
    three solutions: all computed, the Lasso
    and Ridge ones by :class:`fastreg.Lasso` and :class:`fastreg.Ridge`
    (``fit_intercept=False`` on the centered data).

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        Two features (centered here; standardize them first so that the picture
        does not depend on their units).
    y : array-like of shape (n_samples,)
        Target (centered here).
    alpha : float, default=None
        The Lasso's alpha. None: an alpha where the Lasso has exactly one nonzero
        coefficient, a fifth of the way (log scale) from where the second feature
        enters to where the first does: the solution is a corner of a large
        diamond.
    ridge_alpha : float, default=None
        Ridge's alpha (in Ridge's own scale, ``||y - X w||^2 + alpha ||w||^2``). None:
        the alpha at which the Ridge solution has the same loss as the Lasso
        solution, so that both lie on one contour and the picture compares the two
        balls on equal terms.
    feature_names : sequence of 2 str, default=None
        Axis labels (None: ``w0``, ``w1``).
    ax : matplotlib Axes, default=None
        Where to draw (None: a new figure).

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on; the markers have ``gid`` ``"ols"``, ``"lasso"`` and
        ``"ridge"``, the balls ``gid`` ``"l1_ball"`` and ``"l2_ball"``, the loss
        contours that touch them at the solutions ``gid`` ``"lasso_contour"`` and
        ``"ridge_contour"`` (one ellipse when their levels are equal, as with the
        default ``ridge_alpha``), the other contours ``gid="contour"``.

    See Also
    --------
    plot_path : What the two penalties do along a whole path, for any number of
        features.
    fastreg.Lasso, fastreg.Ridge : The estimators whose solutions are drawn.

    Notes
    -----
    The Lasso with ``alpha`` minimizes ``(1 / (2 n)) ||y - X w||^2 + alpha *
    ||w||_1``, and its solution w_L also minimizes ``||y - X w||^2`` over the L1
    ball ``||w||_1 <= ||w_L||_1``; Ridge with ``ridge_alpha`` minimizes ``||y - X
    w||^2 + ridge_alpha * ||w||^2``, and its solution w_R also minimizes the
    squared error over the L2 ball ``||w||_2 <= ||w_R||_2``. So each solution is
    where a contour of the squared error touches its ball.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from fastreg.plotting import plot_constraint_geometry
    >>> X, y = load_diabetes(return_X_y=True)
    >>> bmi_bp = X[:, [2, 3]] / X[:, [2, 3]].std(axis=0)
    >>> ax = plot_constraint_geometry(bmi_bp, y)
    """
    Xc, yc = _center(X, y, True)
    if Xc.shape[1] != 2:
        raise ValueError(f"plot_constraint_geometry needs 2 features, got "
                         f"{Xc.shape[1]}.")
    n = Xc.shape[0]

    def loss(w):
        return np.sum((yc - Xc @ w) ** 2) / (2 * n)

    w_ols = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    if alpha is None:
        alpha = _lasso_corner_alpha(Xc, yc)
    w_lasso = Lasso(alpha=alpha, fit_intercept=False, tol=1e-12).fit(Xc, yc).coef_
    if ridge_alpha is None:
        # the Ridge loss grows from loss(OLS) at alpha = 0 to loss(0) as alpha grows:
        # solve loss(w_ridge(alpha)) = loss(w_lasso) on log(alpha), exactly (SVD)
        target = loss(w_lasso)
        s_max2 = np.linalg.norm(Xc, ord=2) ** 2

        def gap(log_a):
            return loss(_ridge_path(Xc, yc, [np.exp(log_a)])[:, 0]) - target

        lo, hi = np.log(s_max2 * 1e-12), np.log(s_max2 * 1e12)
        ridge_alpha = float(np.exp(brentq(gap, lo, hi, xtol=1e-12))) \
            if gap(lo) < 0 < gap(hi) else float(s_max2)
    w_ridge = Ridge(alpha=ridge_alpha, fit_intercept=False).fit(Xc, yc).coef_
    r1, r2 = np.sum(np.abs(w_lasso)), np.linalg.norm(w_ridge)

    ax = _axes(ax)
    # a square window holding both balls and the least-squares point
    radius = max(r1, r2)
    low = np.minimum(-radius, w_ols)
    high = np.maximum(radius, w_ols)
    pad = 0.15 * np.max(high - low)
    center, half = (low + high) / 2, np.max(high - low) / 2 + pad
    l_ols, l_lasso, l_ridge = loss(w_ols), loss(w_lasso), loss(w_ridge)
    # the loss is l_ols + (w - w_ols)^T H (w - w_ols) / 2 with H = X^T X / n: its
    # contour at level c is the ellipse w_ols + sqrt(2 (c - l_ols)) C^-T u, u on the
    # unit circle and H = C C^T (Cholesky), drawn exactly rather than from a grid
    chol = np.linalg.cholesky(Xc.T @ Xc / n)
    theta = np.linspace(0, 2 * np.pi, 721)
    unit = np.linalg.solve(chol.T, np.stack([np.cos(theta), np.sin(theta)]))

    def ellipse(level):
        return w_ols[:, None] + np.sqrt(2 * max(level - l_ols, 0.0)) * unit

    step = l_lasso - l_ols
    for level in l_ols + step * np.array([0.1, 0.35, 2, 3.5, 5.5]):
        ax.plot(*ellipse(level), color="0.7", lw=0.7, zorder=1, gid="contour")
    ax.axhline(0, color="0.85", lw=0.6, zorder=0)
    ax.axvline(0, color="0.85", lw=0.6, zorder=0)
    ax.plot([r1, 0, -r1, 0, r1], [0, r1, 0, -r1, 0], color="C0", lw=2, zorder=2,
            gid="l1_ball", label=f"L1 ball, radius {r1:.3g}")
    ax.plot(r2 * np.cos(theta), r2 * np.sin(theta), color="C1", lw=2, zorder=2,
            gid="l2_ball", label=f"L2 ball, radius {r2:.3g}")
    if np.isclose(l_ridge, l_lasso, rtol=1e-9):      # one contour touches both
        lasso_style = ridge_style = dict(color="0.2", lw=1.3, ls="-")
        lasso_label = f"the loss contour touching both (loss {l_lasso:.4g})"
        ridge_label = "_same contour"                  # no second legend entry
    else:
        lasso_style = dict(color="0.2", lw=1.3, ls="--")
        ridge_style = dict(color="0.2", lw=1.3, ls=":")
        lasso_label = f"contour touching the diamond (loss {l_lasso:.4g})"
        ridge_label = f"contour touching the circle (loss {l_ridge:.4g})"
    ax.plot(*ellipse(l_lasso), zorder=3, gid="lasso_contour", label=lasso_label,
            **lasso_style)
    ax.plot(*ellipse(l_ridge), zorder=3.1, gid="ridge_contour", label=ridge_label,
            **ridge_style)
    ax.plot(*w_ols, "k*", ms=12, gid="ols", zorder=4,
            label=f"least squares ({w_ols[0]:.3g}, {w_ols[1]:.3g})")
    ax.plot(*w_lasso, "o", color="C0", ms=9, mec="k", gid="lasso", zorder=4,
            label=f"Lasso, alpha {alpha:.3g}: ({w_lasso[0]:.3g}, {w_lasso[1]:.3g})")
    ax.plot(*w_ridge, "s", color="C1", ms=8, mec="k", gid="ridge", zorder=4,
            label=f"Ridge, alpha {ridge_alpha:.3g}: ({w_ridge[0]:.3g}, "
                  f"{w_ridge[1]:.3g})")
    names = feature_names if feature_names is not None else ("w0", "w1")
    ax.set_xlabel(f"coefficient of {names[0]}")
    ax.set_ylabel(f"coefficient of {names[1]}")
    ax.set_xlim(center[0] - half, center[0] + half)
    ax.set_ylim(center[1] - half, center[1] + half)
    ax.set_aspect("equal")
    ax.set_title("L1 ball (diamond), L2 ball (circle)")
    ax.legend(fontsize=_legend_size(), loc="upper center", frameon=False,
              bbox_to_anchor=(0.5, -0.14), ncols=2, handlelength=1.8)
    return ax
