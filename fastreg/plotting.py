"""Plots that show what L1 and L2 penalties do to the coefficients.

* :func:`plot_path`: coefficients along the regularization path against alpha (log
  scale), one line per feature, with the number of nonzero coefficients on a top axis
  (as glmnet's ``plot``);
* :func:`plot_cv`: the cross-validation error curve with one-standard-error bars and
  the chosen alphas marked (as glmnet's ``plot.cv.glmnet``);
* :func:`plot_constraint_geometry`: on a two-feature problem, the least-squares
  contours with the L1 ball (a diamond) and the L2 ball (a circle), and where the
  Lasso and Ridge solutions, computed by fastreg, touch them.

matplotlib is an optional dependency (``pip install "fastreg[plot]"``). This module
imports without it; the functions need it only to draw. Each function draws on the
given Axes (or on a new figure from :mod:`matplotlib.pyplot`) and returns the Axes.
Artists that carry data have a ``gid`` (``"coef"``, ``"alpha"``, ``"alpha_min"``,
``"alpha_1se"``, ``"cv_mean"``, ``"ols"``, ``"lasso"``, ``"ridge"``, ``"l1_ball"``,
``"l2_ball"``), so that a program (or a test) can find them again.
"""
import numpy as np
from scipy.optimize import brentq
from sklearn import linear_model as _sk
from sklearn.utils.validation import check_is_fitted

from ._cv import ElasticNetCV
from ._elastic_net import ElasticNet, Lasso
from ._path import enet_path, lasso_path
from ._prepare import preprocess
from ._ridge import Ridge, RidgeCV

__all__ = ["plot_constraint_geometry", "plot_cv", "plot_path"]

_L1_MODELS = (ElasticNet, ElasticNetCV, _sk.ElasticNet, _sk.ElasticNetCV, _sk.LassoCV)
_CV_L1_MODELS = (ElasticNetCV, _sk.ElasticNetCV, _sk.LassoCV)
_L2_MODELS = (Ridge, RidgeCV, _sk.Ridge, _sk.RidgeCV)
_LEGEND_MAX_FEATURES = 12
_TOP_TICKS = 8


def _axes(ax):
    """The given Axes, or a new one from pyplot (which needs matplotlib)."""
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "fastreg.plotting needs matplotlib: pip install \"fastreg[plot]\" (or "
            "pip install matplotlib)") from exc
    return plt.subplots()[1]


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
        return [(model.alpha_min_, "alpha_min", "minimum CV error"),
                (model.alpha_1se_, "alpha_1se", "one-standard-error rule")]
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


def _path_of_model(model, X, y, alphas):
    """(alphas, coefs, kind, lines) of the path through a fitted estimator's fit."""
    if not isinstance(model, _L1_MODELS + _L2_MODELS):
        raise TypeError(
            "plot_path accepts a (alphas, coefs) pair or a fitted Lasso, ElasticNet, "
            "LassoCV, ElasticNetCV, Ridge or RidgeCV (fastreg or scikit-learn), got "
            f"{type(model).__name__}.")
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
        return alphas, _ridge_path(Xc, yc, alphas), "Ridge", lines
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
    return alphas, coefs, kind, lines


def plot_path(path, X=None, y=None, *, alphas=None, feature_names=None,
              colors=None, ax=None):
    """Plot the coefficients along a regularization path (glmnet's ``plot``).

    One line per feature: its coefficient against alpha on a log axis, penalty
    growing to the right, so that the Lasso's lines reach exactly zero one after
    another while Ridge's shrink together without reaching it. The top axis shows the
    number of nonzero coefficients; the alphas chosen by a cross-validated estimator
    (or a single estimator's alpha) are marked with vertical lines.

    Parameters
    ----------
    path : tuple or estimator
        Either the result of :func:`fastreg.lasso_path` or :func:`fastreg.enet_path`
        (``(alphas, coefs, ...)``; any pair of arrays ``(alphas, coefs)`` with coefs
        of shape (n_features, n_alphas) works), or a fitted estimator: ``Lasso``,
        ``ElasticNet``, ``LassoCV``, ``ElasticNetCV``, ``Ridge`` or ``RidgeCV``, from
        fastreg or scikit-learn. For an estimator, the path is computed on ``X, y``
        (centered when the estimator fits an intercept; unweighted) with its
        l1_ratio (the chosen one for ``ElasticNetCV``), ``positive``, ``tol`` and
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
        else ``x0, x1, ...``). For at most 12 features, a legend names the lines.
    colors : sequence of matplotlib colors, default=None
        One color per feature (None: matplotlib's color cycle), e.g. to draw the
        features of a known group in one color and the rest in gray.
    ax : matplotlib Axes, default=None
        Where to draw (None: a new figure).

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on. The coefficient lines are one
        :class:`~matplotlib.collections.LineCollection` with ``gid="coef"`` (segment
        j: feature j, alphas increasing); the vertical lines have ``gid``
        ``"alpha_min"``, ``"alpha_1se"`` or ``"alpha"``; the top axis is
        ``ax.child_axes[0]``.

    Examples
    --------
    >>> import fastreg
    >>> from fastreg.plotting import plot_path
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> ax = plot_path(fastreg.LassoCV().fit(X, y), X, y)
    >>> ax = plot_path(fastreg.lasso_path(X - X.mean(0), y - y.mean()))
    """
    if isinstance(path, (tuple, list)):
        if len(path) < 2:
            raise ValueError("a path tuple must start with (alphas, coefs).")
        grid, coefs = np.asarray(path[0], dtype=float), np.asarray(path[1], dtype=float)
        kind, lines = None, []
    else:
        grid, coefs, kind, lines = _path_of_model(path, X, y, alphas)
        if feature_names is None and hasattr(path, "feature_names_in_"):
            feature_names = path.feature_names_in_
    if coefs.ndim != 2 or grid.ndim != 1 or coefs.shape[1] != grid.shape[0]:
        raise ValueError(f"coefs must have shape (n_features, n_alphas) = (?, "
                         f"{grid.shape[0]}), got {coefs.shape}.")
    if not np.all(grid > 0):
        raise ValueError("alphas must be positive to be drawn on a log axis.")
    n_features = coefs.shape[0]
    if feature_names is None:
        feature_names = [f"x{j}" for j in range(n_features)]
    if len(feature_names) != n_features:
        raise ValueError(f"{len(feature_names)} feature names for {n_features} "
                         "features.")

    if colors is not None and len(colors) != n_features:
        raise ValueError(f"{len(colors)} colors for {n_features} features.")

    ax = _axes(ax)
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    order = np.argsort(grid)
    grid, coefs = grid[order], coefs[:, order]
    if colors is None:
        colors = [f"C{j % 10}" for j in range(n_features)]
    # one collection rather than one Line2D per feature: thousands of features draw
    # in a fraction of a second
    segments = np.stack([np.broadcast_to(grid, coefs.shape), coefs], axis=-1)
    ax.add_collection(LineCollection(segments, colors=colors, linewidths=1,
                                     gid="coef"))
    ax.autoscale_view()
    ax.axhline(0, color="0.5", lw=0.5, zorder=0)
    for alpha, gid, label in lines:
        ax.axvline(alpha, color="k", lw=1, ls="--" if gid != "alpha_1se" else ":",
                   gid=gid, label=f"{label}: {alpha:.3g}")
    ax.set_xscale("log")
    ax.set_xlim(grid[0], grid[-1])
    ax.set_xlabel("alpha (log scale)")
    ax.set_ylabel("coefficient")
    if kind is not None:
        ax.set_title(kind)

    # nonzero counts at a few alphas of the grid, on a top axis (glmnet's "df")
    nonzero = np.count_nonzero(coefs, axis=0)
    ticks = np.unique(np.linspace(0, len(grid) - 1, min(len(grid), _TOP_TICKS))
                      .round().astype(int))
    top = ax.secondary_xaxis("top")
    top.set_xticks(grid[ticks], labels=[str(nonzero[i]) for i in ticks])
    top.minorticks_off()
    top.set_xlabel("nonzero coefficients", fontsize="small")
    # the lines' names beside the plot (for a few features), the alphas inside it
    marks = [h for h in ax.get_lines() if h.get_gid() in ("alpha", "alpha_min",
                                                           "alpha_1se")]
    if marks:
        legend = ax.legend(handles=marks, fontsize="x-small", loc="upper right")
    if n_features <= _LEGEND_MAX_FEATURES:
        if marks:
            ax.add_artist(legend)            # kept when the next legend replaces it
        names = [Line2D([], [], color=c, lw=1, label=str(f))
                 for c, f in zip(colors, feature_names, strict=True)]
        ax.legend(handles=names, fontsize="x-small", loc="center left",
                  bbox_to_anchor=(1.01, 0.5), frameon=False)
    return ax


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


def plot_cv(cv, *, ax=None):
    """Plot the cross-validation error curve (glmnet's ``plot.cv.glmnet``).

    The mean test MSE over the folds against alpha (log scale), with bars of one
    standard error (standard deviation over the folds / sqrt(n_folds)), and vertical
    lines at the alpha of minimum mean error and at the largest alpha whose mean
    error is within one standard error of that minimum (the one-standard-error rule:
    a simpler model that cross-validation cannot tell apart from the best).

    Parameters
    ----------
    cv : estimator or tuple
        A fitted ``LassoCV`` or ``ElasticNetCV`` (fastreg or scikit-learn; for
        several l1_ratios, the curve of the chosen ``l1_ratio_``), or a pair
        ``(alphas, mse_path)`` with mse_path of shape (n_alphas, n_folds). The marked
        alphas are the estimator's ``alpha_min_`` and ``alpha_1se_`` when it has
        them (fastreg), else computed from the curve by the same rule.
    ax : matplotlib Axes, default=None
        Where to draw (None: a new figure).

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on; the line of mean errors has ``gid="cv_mean"`` (its error
        bars are ``ax.containers[0]``), the vertical lines ``gid="alpha_min"`` and
        ``gid="alpha_1se"``.

    Examples
    --------
    >>> import fastreg
    >>> from fastreg.plotting import plot_cv
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> ax = plot_cv(fastreg.LassoCV(cv=5).fit(X, y))
    """
    alphas, mse, alpha_min, alpha_1se, title = _cv_curve(cv)
    if not np.all(alphas > 0):
        raise ValueError("alphas must be positive to be drawn on a log axis.")
    ax = _axes(ax)
    n_folds = mse.shape[1]
    mean = mse.mean(axis=1)
    se = mse.std(axis=1, ddof=1) / np.sqrt(n_folds) if n_folds > 1 else \
        np.zeros_like(mean)
    bars = ax.errorbar(alphas, mean, yerr=se, fmt="o", ms=3, color="C3", ecolor="0.65",
                       elinewidth=1, capsize=2,
                       label=f"mean CV MSE ± 1 SE ({n_folds} folds)")
    bars.lines[0].set_gid("cv_mean")
    ax.axvline(alpha_min, color="k", ls="--", lw=1, gid="alpha_min",
               label=f"minimum: {alpha_min:.3g}")
    ax.axvline(alpha_1se, color="k", ls=":", lw=1, gid="alpha_1se",
               label=f"1-SE rule: {alpha_1se:.3g}")
    ax.set_xscale("log")
    ax.set_xlabel("alpha (log scale)")
    ax.set_ylabel("mean squared error")
    if title is not None:
        ax.set_title(title)
    ax.legend(fontsize="x-small", loc="best")
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


def plot_constraint_geometry(X, y, *, alpha=None, ridge_alpha=None,
                             feature_names=None, ax=None):
    """Plot why the Lasso zeroes coefficients and Ridge does not, on two features.

    A penalized least-squares solution is also the least-squares solution
    constrained to a ball of the penalty's norm: the Lasso's is where the smallest
    loss contour meets the L1 ball (a diamond, corners on the axes), Ridge's where it
    meets the L2 ball (a circle). An ellipse meets a diamond most often at a corner,
    where one coefficient is exactly zero; it meets a circle at a point where
    neither is. This draws the contours of ``||y - X w||^2 / (2 n)`` around the
    least-squares point, the L1 ball of radius ``||w_lasso||_1`` and the L2 ball of
    radius ``||w_ridge||_2``, and the three solutions: all computed, the Lasso
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
        ``"ridge"``, the balls ``gid`` ``"l1_ball"`` and ``"l2_ball"``.

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
    W0, W1 = np.meshgrid(np.linspace(center[0] - half, center[0] + half, 301),
                         np.linspace(center[1] - half, center[1] + half, 301))
    W = np.stack([W0.ravel(), W1.ravel()])
    L = (np.sum(yc ** 2) - 2 * (yc @ Xc) @ W
         + np.einsum("ik,ij,jk->k", W, Xc.T @ Xc, W)).reshape(W0.shape) / (2 * n)
    l_ols, l_lasso, l_ridge = loss(w_ols), loss(w_lasso), loss(w_ridge)
    step = l_lasso - l_ols
    levels = np.unique(np.concatenate(
        [l_ols + step * np.array([0.1, 0.35, 2, 3.5, 5.5]), [l_lasso, l_ridge]]))
    ax.contour(W0, W1, L, levels=levels, colors="0.6", linewidths=0.7)
    ax.contour(W0, W1, L, levels=sorted({l_lasso, l_ridge}), colors="0.3",
               linewidths=1.2)
    ax.axhline(0, color="0.8", lw=0.6, zorder=0)
    ax.axvline(0, color="0.8", lw=0.6, zorder=0)
    ax.plot([r1, 0, -r1, 0, r1], [0, r1, 0, -r1, 0], color="C0", lw=1.8,
            gid="l1_ball", label=f"L1 ball, radius {r1:.3g}")
    theta = np.linspace(0, 2 * np.pi, 361)
    ax.plot(r2 * np.cos(theta), r2 * np.sin(theta), color="C1", lw=1.8,
            gid="l2_ball", label=f"L2 ball, radius {r2:.3g}")
    ax.plot(*w_ols, "k*", ms=11, gid="ols",
            label=f"least squares ({w_ols[0]:.3g}, {w_ols[1]:.3g})")
    ax.plot(*w_lasso, "o", color="C0", ms=9, mec="k", gid="lasso",
            label=f"Lasso, alpha={alpha:.3g}: ({w_lasso[0]:.3g}, {w_lasso[1]:.3g})")
    ax.plot(*w_ridge, "s", color="C1", ms=8, mec="k", gid="ridge",
            label=f"Ridge, alpha={ridge_alpha:.3g}: ({w_ridge[0]:.3g}, "
                  f"{w_ridge[1]:.3g})")
    names = feature_names if feature_names is not None else ("w0", "w1")
    ax.set_xlabel(f"coefficient of {names[0]}")
    ax.set_ylabel(f"coefficient of {names[1]}")
    ax.set_xlim(center[0] - half, center[0] + half)
    ax.set_ylim(center[1] - half, center[1] + half)
    ax.set_aspect("equal")
    ax.set_title("L1 ball (diamond) and L2 ball (circle)")
    ax.legend(fontsize="x-small", loc="lower left")
    return ax
