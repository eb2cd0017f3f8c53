"""Lasso (L1), Ridge (L2) or ElasticNet? Each fitted on real data, in one command.

    python -m fastreg.demo [--out DIR] [--data PATH] [--quick] [--datasets NAMES]

(also installed as the ``fastreg-demo`` command). For each dataset -- scikit-learn's
diabetes data and a seeded synthetic design with groups of strongly correlated
features, which every installation has, and the riboflavin data (71 samples, 4088
genes) when the shared data folder is found -- the demo standardizes the features,
chooses the alphas of Ridge, Lasso and ElasticNet (l1_ratio=0.5) by 5-fold
cross-validation with fastreg's ``RidgeCV``, ``LassoCV`` and ``ElasticNetCV``, times
the same fits with scikit-learn's estimators (same folds, same alphas, same
tolerance), and prints a table: chosen alpha, number of coefficients that are exactly
zero, CV error, both fit times. With matplotlib installed it writes, into ``--out``:

* ``<dataset>-paths.png``: coefficient paths of Lasso, ElasticNet and Ridge (on the
  correlated groups, the three groups that drive y in color and the noise in gray;
  on riboflavin, the 8 genes the Lasso selects first in color), one legend beside;
* ``<dataset>-cv.png``: their CV error curves with one-standard-error bars and the
  number of nonzero coefficients along the top;
* ``geometry.png``: the L1 diamond and the L2 circle on two diabetes features, with
  the loss contour that touches them at the Lasso and Ridge solutions.

The PNGs have at most 256 colors (about 50 to 120 KB each).

The shared data folder is ``--data``, else ``$FASTREG_DATA``, else ``../shared/data``
relative to the current directory (see :mod:`fastreg.datasets`).
"""
import argparse
import io
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn import linear_model as sk
from sklearn.datasets import load_diabetes
from sklearn.model_selection import KFold
from threadpoolctl import threadpool_limits

from ._cv import ElasticNetCV, LassoCV
from ._ridge import RidgeCV
from .datasets import find_data_dir, load_riboflavin, make_correlated_groups
from .plotting import (
    _ridge_alpha_grid,
    _ridge_path,
    plot_constraint_geometry,
    plot_cv,
    plot_path,
)

__all__ = ["main"]

TOL = 1e-5          # both libraries; at the default 1e-4 the two libraries' CV curves
                    # on riboflavin differ by a few percent and can pick neighbours
L1_RATIO = 0.5
MODELS = ("Ridge", "Lasso", "ElasticNet")
DATASETS = ("diabetes", "groups", "riboflavin")
QUICK_DATASETS = ("diabetes", "groups")
GEOMETRY_FEATURES = ("bmi", "bp")    # body mass index, blood pressure
GROUP_SIZE = 5


class _Dataset:
    """Standardized features, target and what to say about them."""

    def __init__(self, name, description, X, y, feature_names, coef=None):
        self.name = name
        self.description = description
        std = X.std(axis=0)
        std[std == 0] = 1
        self.X = (X - X.mean(axis=0)) / std
        self.y = np.asarray(y, dtype=np.float64)
        self.feature_names = [str(f) for f in feature_names]
        self.coef = coef


def _load(name, data_home):
    """The dataset, or (None, why it was skipped)."""
    if name == "diabetes":
        data = load_diabetes()
        return _Dataset(name, "scikit-learn's diabetes data: disease progression",
                        data.data, data.target, data.feature_names), None
    if name == "groups":
        X, y, coef = make_correlated_groups(group_size=GROUP_SIZE)
        return _Dataset(name, "synthetic, seeded: 20 groups of 5 features, correlation "
                        "0.9 inside a group; the 3 first groups drive y",
                        X, y, [f"g{j // GROUP_SIZE}_{j % GROUP_SIZE}"
                               for j in range(X.shape[1])], coef=coef), None
    if name == "riboflavin":
        try:
            X, y, names = load_riboflavin(data_home)
        except FileNotFoundError as exc:
            if data_home is not None:
                return None, (f"riboflavin: skipped, --data {data_home} is not the "
                              "shared data folder (it has no load.py).")
            return None, (f"riboflavin: skipped, {exc}.\nPass --data PATH or set "
                          "FASTREG_DATA to include it.")
        return _Dataset(name, f"riboflavin production vs gene expression "
                        f"(from {find_data_dir(data_home)})", X, y, names), None
    raise ValueError(f"unknown dataset {name!r}; choose among {', '.join(DATASETS)}")


def _timed_fit(make, X, y, repeat):
    """(fitted estimator, best wall time of up to `repeat` fits, warnings raised).

    Fits again while the fits so far took less than 0.3 s in total, so that the
    times of fast fits are not those of one noisy call. BLAS runs on one thread (for
    both libraries, and both run their folds one after another): the times compare
    the algorithms, and two BLAS threads spinning on small matrices while other
    programs hold the cores slow scikit-learn's RidgeCV by up to 30x on riboflavin."""
    best, total, runs = np.inf, 0.0, 0
    with warnings.catch_warnings(record=True) as caught, \
            threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("always")
        while runs < repeat and (runs == 0 or total < 0.3):
            model = make()
            start = time.perf_counter()
            model.fit(X, y)
            elapsed = time.perf_counter() - start
            best, total, runs = min(best, elapsed), total + elapsed, runs + 1
    counts = {}
    for w in caught:
        key = (w.category.__name__, str(w.message).split(".")[0])
        counts[key] = counts.get(key, 0) + 1
    messages = [f"{n} x {category} ({text})"
                for (category, text), n in sorted(counts.items())]
    return model, best, messages


def _factories(folds, n_alphas, ridge_alphas):
    """{model: (fastreg factory, scikit-learn factory)}: same folds, grid and tol."""
    return {
        "Ridge": (
            lambda: RidgeCV(alphas=ridge_alphas, cv=folds,
                            scoring="neg_mean_squared_error"),
            lambda: sk.RidgeCV(alphas=ridge_alphas, cv=folds,
                               scoring="neg_mean_squared_error")),
        "Lasso": (
            lambda: LassoCV(alphas=n_alphas, cv=folds, tol=TOL),
            lambda: sk.LassoCV(alphas=n_alphas, cv=folds, tol=TOL)),
        "ElasticNet": (
            lambda: ElasticNetCV(l1_ratio=L1_RATIO, alphas=n_alphas, cv=folds, tol=TOL),
            lambda: sk.ElasticNetCV(l1_ratio=L1_RATIO, alphas=n_alphas, cv=folds,
                                    tol=TOL)),
    }


def _cv_mse(model):
    """Mean CV test MSE at the chosen alpha (RidgeCV: minus its best score)."""
    if isinstance(model, (RidgeCV, sk.RidgeCV)):
        return -float(model.best_score_)
    i = int(np.argmin(np.abs(np.asarray(model.alphas_) - model.alpha_)))
    return float(np.asarray(model.mse_path_)[i].mean())


def _ridge_fold_mse(X, y, folds, alphas):
    """Test MSE of Ridge on each fold along the grid, (n_alphas, n_folds): the curve
    RidgeCV(cv=folds, scoring='neg_mean_squared_error') averages, exactly (one SVD
    per training fold, intercept fitted)."""
    out = np.empty((len(alphas), len(folds)))
    for k, (train, test) in enumerate(folds):
        x_mean, y_mean = X[train].mean(axis=0), y[train].mean()
        coefs = _ridge_path(X[train] - x_mean, y[train] - y_mean, alphas)
        pred = (X[test] - x_mean) @ coefs + y_mean
        out[:, k] = np.mean((pred - y[test][:, None]) ** 2, axis=0)
    return out


def _run_dataset(ds, *, n_alphas, n_folds, repeat=5):
    """Fit Ridge, Lasso and ElasticNet with both libraries on one dataset, on
    `n_folds` shuffled, seeded folds (the same for every fit) and grids of
    `n_alphas`: {"folds", "ridge_alphas", model name: {"fastreg", "sklearn" (the
    fitted CV estimators), "t_fastreg", "t_sklearn", "warnings_fastreg",
    "warnings_sklearn"}}."""
    folds = list(KFold(n_folds, shuffle=True, random_state=0).split(ds.X))
    ridge_alphas = _ridge_alpha_grid(ds.X, n_alphas)
    result = {"folds": folds, "ridge_alphas": ridge_alphas}
    for name, (ours, theirs) in _factories(folds, n_alphas, ridge_alphas).items():
        fr, t_fr, w_fr = _timed_fit(ours, ds.X, ds.y, repeat)
        sl, t_sl, w_sl = _timed_fit(theirs, ds.X, ds.y, repeat)
        result[name] = dict(fastreg=fr, sklearn=sl, t_fastreg=t_fr, t_sklearn=t_sl,
                            warnings_fastreg=w_fr, warnings_sklearn=w_sl)
    return result


def _ms(seconds):
    if seconds < 0.01:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e3:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _format_table(ds, result):
    """The printed report of one dataset: one row per model, then notes."""
    n, p = ds.X.shape
    n_folds = len(result["folds"])
    lines = [f"== {ds.name}: {n} samples x {p} features -- {ds.description}",
             f"   {n_folds}-fold CV (the same folds for both libraries), "
             f"{len(result['ridge_alphas'])} alphas, tol={TOL:g}, features "
             "standardized"]
    header = (f"   {'model':<26}{'alpha':>10}{'zero coefs':>14}{'CV MSE':>11}"
              f"{'fastreg':>10}{'scikit-learn':>14}{'speed-up':>10}")
    lines += ["", header, "   " + "-" * (len(header) - 3)]
    notes = []
    for name in MODELS:
        r = result[name]
        fr, sl = r["fastreg"], r["sklearn"]
        label = f"ElasticNet (l1_ratio={L1_RATIO:g})" if name == "ElasticNet" else name
        zeros = f"{np.count_nonzero(fr.coef_ == 0)} / {p}"
        lines.append(
            f"   {label:<26}{fr.alpha_:>10.3g}{zeros:>14}{_cv_mse(fr):>11.4g}"
            f"{_ms(r['t_fastreg']):>10}{_ms(r['t_sklearn']):>14}"
            f"{r['t_sklearn'] / r['t_fastreg']:>9.1f}x")
        if not np.isclose(fr.alpha_, sl.alpha_, rtol=1e-6):
            notes.append(f"{name}: scikit-learn chose alpha={sl.alpha_:.4g} (its CV "
                         f"MSE: {_cv_mse(sl):.4g}); both solve to tol={TOL:g}, not "
                         "exactly")
        grid = np.asarray(fr.alphas if name == "Ridge" else fr.alphas_)
        if np.isclose(fr.alpha_, grid.min()) or np.isclose(fr.alpha_, grid.max()):
            notes.append(f"{name}: the chosen alpha is at the end of the grid")
        for lib in ("fastreg", "sklearn"):
            for message in r[f"warnings_{lib}"]:
                notes.append(f"{name}, {lib} (all timed fits): {message}")
    if ds.coef is not None:
        informative = ds.coef != 0
        kept = {name: result[name]["fastreg"].coef_ != 0 for name in MODELS}
        notes.append(
            f"features kept of the {informative.sum()} informative ones (correlated "
            "groups): " + ", ".join(f"{m} {np.count_nonzero(kept[m][informative])}"
                                    for m in MODELS))
        notes.append(
            f"features kept of the {(~informative).sum()} pure-noise ones: "
            + ", ".join(f"{m} {np.count_nonzero(kept[m][~informative])}"
                        for m in MODELS))
    lines += [f"   * {note}" for note in notes]
    return "\n".join(lines)


FIG_DPI = 150
FIG_FONT = 11        # points: the README shows the paths figure ~900 px wide


def _figure(width, height):
    """A constrained-layout Figure, drawn with FIG_FONT as the base font size (the
    texts' sizes are fixed when they are created)."""
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height), layout="constrained", dpi=FIG_DPI)


def _save(fig, path):
    """Save the figure as a PNG of at most 256 colors (a third of the size of a
    full-color one, no visible difference for line plots); return the path."""
    from PIL import Image  # a dependency of matplotlib

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    buffer.seek(0)
    with Image.open(buffer) as image:
        image.convert("RGB").quantize(256).save(path, optimize=True)
    return path


def _path_groups(ds):
    """The group label of each feature of the correlated-groups data (None for the
    pure-noise features), else None."""
    if ds.coef is None:
        return None
    return [f"group {j // GROUP_SIZE + 1} (drives y)" if ds.coef[j] != 0 else None
            for j in range(len(ds.coef))]


def _shared_legend(axes, slot, noise):
    """Move the lines' legend of the first panel into the last column (the same
    colors in every panel), and drop those of the other panels; `noise`: the gray
    features are the pure-noise ones."""
    first = axes[0].get_legend()
    handles = list(first.legend_handles)
    labels = [t.get_text() for t in first.get_texts()]
    if noise:
        labels = [label.replace("other features", "pure noise") for label in labels]
    for ax in axes:
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    slot.axis("off")
    slot.legend(handles, labels, loc="center left", frameon=False,
                title="features", alignment="left")


def _draw_dataset(ds, result, out):
    """Write <name>-paths.png and <name>-cv.png; return their paths."""
    import matplotlib as mpl

    X, y, names = ds.X, ds.y, ds.feature_names
    with mpl.rc_context({"font.size": FIG_FONT}):
        fig = _figure(10.5, 4.4)
        *axes, slot = fig.subplots(1, 4, width_ratios=[1, 1, 1, 0.5])
        groups = _path_groups(ds)
        lasso = result["Lasso"]["fastreg"]
        plot_path(lasso, X, y, ax=axes[0], feature_names=names, groups=groups)
        # the features the Lasso picks first, in the same colors in every panel
        highlight = None
        if groups is None and len(names) > 10:
            highlight = [t.get_text() for t in axes[0].get_legend().get_texts()
                         if t.get_text() in names]
        kw = dict(feature_names=names, groups=groups, highlight=highlight)
        plot_path(result["ElasticNet"]["fastreg"], X, y, ax=axes[1], **kw)
        plot_path(result["Ridge"]["fastreg"], X, y, alphas=result["ridge_alphas"],
                  ax=axes[2], **kw)
        axes[2].set_title("Ridge (alpha on Ridge's scale)")
        _shared_legend(axes, slot, noise=groups is not None)
        what = ("; in color, the 3 groups of correlated features that drive y"
                if groups is not None else "" if highlight is None else
                f"; in color, the {len(highlight)} features the Lasso selects first")
        fig.suptitle(f"{ds.name}: coefficient paths{what}")
        paths = _save(fig, out / f"{ds.name}-paths.png")

        fig = _figure(10.5, 4)
        axes = fig.subplots(1, 3)
        plot_cv(lasso, X, y, ax=axes[0])
        plot_cv(result["ElasticNet"]["fastreg"], X, y, ax=axes[1])
        ridge_mse = _ridge_fold_mse(X, y, result["folds"], result["ridge_alphas"])
        plot_cv((result["ridge_alphas"], ridge_mse), ax=axes[2],
                nonzero=np.full(len(result["ridge_alphas"]), X.shape[1]))
        axes[2].set_title("Ridge (alpha on Ridge's scale)")
        fig.suptitle(f"{ds.name}: {len(result['folds'])}-fold cross-validation error "
                     "(top axis: nonzero coefficients)")
        cv = _save(fig, out / f"{ds.name}-cv.png")
    return [paths, cv]


def _draw_geometry(out):
    """Write geometry.png (two standardized diabetes features); return its path."""
    import matplotlib as mpl

    data = load_diabetes()
    cols = [data.feature_names.index(f) for f in GEOMETRY_FEATURES]
    X = data.data[:, cols]
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    with mpl.rc_context({"font.size": FIG_FONT}):
        fig = _figure(7, 6.4)
        plot_constraint_geometry(X, data.target, feature_names=GEOMETRY_FEATURES,
                                 ax=fig.subplots())
    return _save(fig, out / "geometry.png")


def _warm_up():
    """One tiny fit of each estimator, so that no timed fit pays for first calls."""
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((30, 4)), rng.standard_normal(30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for ours, theirs in _factories(3, 5, [1.0, 10.0]).values():
            ours().fit(X, y)
            theirs().fit(X, y)


def _parser():
    script = Path(sys.argv[0]).name
    parser = argparse.ArgumentParser(
        prog=script if script.startswith("fastreg-demo") else "python -m fastreg.demo",
        description="Ridge (L2), Lasso (L1) and ElasticNet on real data: zero "
                    "coefficients, CV error and fit times (fastreg and scikit-learn), "
                    "and figures of the paths, the CV curves and the geometry.")
    parser.add_argument("--out", default="fastreg-demo",
                        help="folder for the figures (default: ./fastreg-demo)")
    parser.add_argument("--data", default=None, metavar="PATH",
                        help="the shared data folder holding riboflavin (default: "
                             "$FASTREG_DATA, else ../shared/data)")
    parser.add_argument("--quick", action="store_true",
                        help="20 alphas, 3 folds, one timed fit each, and only the "
                             "built-in datasets unless --datasets says otherwise")
    parser.add_argument("--datasets", default=None,
                        help=f"comma-separated, among {','.join(DATASETS)} (default: "
                             "all; riboflavin only when its folder is found)")
    return parser


def main(argv=None):
    """Run the demo: print a table per dataset and write the figures.

    Parameters
    ----------
    argv : list of str, default=None
        Command-line arguments (None: ``sys.argv[1:]``); ``--help`` lists them.

    Returns
    -------
    status : int
        The exit status: 0.
    """
    args = _parser().parse_args(argv)
    start = time.perf_counter()
    if args.datasets is not None:
        names = [s.strip() for s in args.datasets.split(",") if s.strip()]
        unknown = sorted(set(names) - set(DATASETS))
        if unknown:
            _parser().error(f"unknown dataset(s) {', '.join(unknown)}; choose among "
                            f"{', '.join(DATASETS)}")
    else:
        names = list(QUICK_DATASETS if args.quick else DATASETS)
    n_alphas, n_folds, repeat = (20, 3, 1) if args.quick else (100, 5, 5)
    try:
        import matplotlib  # noqa: F401
        plots = True
    except ImportError:
        plots = False

    # every matrix here is small: BLAS threads would only spin (see _timed_fit)
    with threadpool_limits(limits=1, user_api="blas"):
        _run(args, names, n_alphas, n_folds, repeat, plots)
    print(f"\nDone in {time.perf_counter() - start:.1f} s.")
    return 0


def _run(args, names, n_alphas, n_folds, repeat, plots):
    print("fastreg demo: Ridge (L2), Lasso (L1) or ElasticNet?\n"
          "alphas chosen by cross-validation (fastreg RidgeCV, LassoCV, ElasticNetCV); "
          "the same fits timed\nwith scikit-learn's estimators (each fit on one core: "
          "folds one after another, BLAS on one\nthread); 'zero coefs' counts the "
          "coefficients that are exactly 0.\n")
    _warm_up()
    figures, skipped = [], []
    for name in names:
        ds, why = _load(name, args.data)
        if ds is None:
            skipped.append(why)
            continue
        result = _run_dataset(ds, n_alphas=n_alphas, n_folds=n_folds, repeat=repeat)
        print(_format_table(ds, result), end="\n\n", flush=True)
        if plots:
            out = Path(args.out)
            out.mkdir(parents=True, exist_ok=True)
            figures += _draw_dataset(ds, result, out)
    for why in skipped:
        print(why, end="\n\n")
    if len(skipped) < len(names):
        print("Reading the tables: the Lasso sets coefficients exactly to zero (it "
              "selects features); Ridge\nshrinks every coefficient and zeroes none; "
              "ElasticNet sits between and keeps correlated\nfeatures together.",
              end="\n\n")
    if plots:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        figures.append(_draw_geometry(out))
        print(f"Figures written to {out.resolve()}:")
        for path in figures:
            print(f"  {path.name}")
    else:
        print("matplotlib is not installed, so no figures were drawn. To get them: "
              "pip install \"fastreg[plot]\"\n(or pip install matplotlib) and run the "
              "demo again.")


if __name__ == "__main__":
    sys.exit(main())
