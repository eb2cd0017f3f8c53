"""The demo (python -m fastreg.demo), its data and the documentation of the modules it
adds (fastreg.plotting, fastreg.datasets, fastreg.demo)."""
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import KFold

import fastreg
from fastreg import demo
from fastreg.datasets import find_data_dir, load_riboflavin, make_correlated_groups
from reference import documented_names

REPO = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^\s+(Ridge|Lasso|ElasticNet \(l1_ratio=0\.5\))\s+(\S+)"
                 r"\s+(\d+) / (\d+)\s+(\S+)\s+([\d.]+ m?s)\s+([\d.]+ m?s)"
                 r"\s+([\d.]+)x$")


def tables(text):
    """{dataset: {model: (alpha, zeros, n_features, cv_mse)}} from the demo's output."""
    out, current = {}, None
    for line in text.splitlines():
        head = re.match(r"^== (\w+): (\d+) samples x (\d+) features", line)
        if head:
            current = out.setdefault(head.group(1), {})
            continue
        row = ROW.match(line)
        if row and current is not None:
            model = row.group(1).split()[0]
            current[model] = (float(row.group(2)), int(row.group(3)), int(row.group(4)),
                              float(row.group(5)))
    return out


def informative_kept(text):
    """{model: informative features kept} from the groups dataset's note."""
    line = next(li for li in text.splitlines() if "informative ones" in li)
    return {m: int(k) for m, k in re.findall(r"(Ridge|Lasso|ElasticNet) (\d+)", line)}


def test_quick_demo_runs_as_a_module(tmp_path):
    """What a user types; prints the tables and writes content-checked figures."""
    out_dir = tmp_path / "figures"
    proc = subprocess.run(
        [sys.executable, "-m", "fastreg.demo", "--quick", "--out", str(out_dir)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    found = tables(text)
    assert set(found) == {"diabetes", "groups"}                # quick: built-in data
    for name, rows in found.items():
        assert set(rows) == {"Ridge", "Lasso", "ElasticNet"}, name
        assert rows["Ridge"][1] == 0                           # L2 zeroes nothing
    assert found["groups"]["Lasso"][1] > found["groups"]["ElasticNet"][1] > 0
    kept = informative_kept(text)
    assert kept["ElasticNet"] > kept["Lasso"]                  # groups kept together
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "pip install" in text and not out_dir.exists()
        return
    assert f"Figures written to {out_dir.resolve()}" in text
    expected = {"diabetes-paths.png", "diabetes-cv.png", "groups-paths.png",
                "groups-cv.png", "geometry.png"}
    assert {p.name for p in out_dir.iterdir()} == expected
    for name in expected:
        assert (out_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_demo_figures_show_its_cv_fits(tmp_path, monkeypatch):
    """The saved figures are drawn from the demo's own CV fits (checked on the Axes
    of each figure as it is saved)."""
    saved = capture_figures(monkeypatch)
    import matplotlib as mpl
    ds, _ = demo._load("groups", None)
    result = demo._run_dataset(ds, n_alphas=15, n_folds=3, repeat=1)
    demo._draw_dataset(ds, result, tmp_path)
    assert set(saved) == {"groups-paths.png", "groups-cv.png"}
    lasso, enet, ridge = (result[m]["fastreg"]
                          for m in ("Lasso", "ElasticNet", "Ridge"))

    def marks(ax, gid):
        return [line.get_xdata()[0] for line in ax.get_lines() if line.get_gid() == gid]

    paths_axes = saved["groups-paths.png"].axes[:3]
    for ax, model in zip(paths_axes, (lasso, enet, ridge), strict=True):
        (lines,) = [c for c in ax.collections if c.get_gid() == "coef"]
        assert len(lines.get_segments()) == 100
        assert marks(ax, "alpha_min") == [model.alpha_]
    # the informative groups in color, the noise features in gray, and a legend
    # (one column beside the three panels) saying which is which
    colors = paths_axes[0].collections[0].get_colors()
    assert len({tuple(c) for c in colors[:15]}) == 3
    assert len({tuple(c) for c in colors[15:]}) == 1
    legend = saved["groups-paths.png"].axes[3].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "group 1 (drives y)", "group 2 (drives y)", "group 3 (drives y)",
        "pure noise (85)"]
    assert [tuple(mpl.colors.to_rgba(h.get_color())) for h in legend.legend_handles] \
        == [tuple(colors[0]), tuple(colors[5]), tuple(colors[10]), tuple(colors[15])]
    assert all(ax.get_legend() is None for ax in paths_axes)
    cv_axes = saved["groups-cv.png"].axes
    assert marks(cv_axes[0], "alpha_1se") == [lasso.alpha_1se_]
    assert marks(cv_axes[1], "alpha_1se") == [enet.alpha_1se_]
    assert marks(cv_axes[2], "alpha_min") == [ridge.alpha_]        # same folds
    # the nonzero counts along the top, Ridge's all 100
    for ax in cv_axes[:3]:
        assert len(ax.child_axes) == 1
    assert {t.get_text() for t in cv_axes[2].child_axes[0].get_xticklabels()} == {"100"}
    for name in ("groups-paths.png", "groups-cv.png"):
        assert (tmp_path / name).stat().st_size < 200_000


def capture_figures(monkeypatch):
    """{file name: Figure} of the figures the demo saves (it still writes them)."""
    pytest.importorskip("matplotlib")
    saved = {}
    original = demo._save

    def capture(fig, path):
        saved[Path(path).name] = fig
        return original(fig, path)

    monkeypatch.setattr(demo, "_save", capture)
    return saved


def test_ridge_fold_mse_is_what_ridgecv_averages():
    X, y, _ = make_correlated_groups(n_samples=60, n_groups=6, group_size=3)
    folds = list(KFold(4, shuffle=True, random_state=0).split(X))
    alphas = np.logspace(3, -2, 12)
    mse = demo._ridge_fold_mse(X, y, folds, alphas)
    assert mse.shape == (12, 4)
    cv = fastreg.RidgeCV(alphas=alphas, cv=folds,
                         scoring="neg_mean_squared_error").fit(X, y)
    best = int(np.argmin(mse.mean(axis=1)))
    assert cv.alpha_ == alphas[best]
    assert -cv.best_score_ == pytest.approx(mse.mean(axis=1)[best], rel=1e-9)
    train, test = folds[2]
    model = fastreg.Ridge(alpha=alphas[5]).fit(X[train], y[train])
    assert mse[5, 2] == pytest.approx(np.mean((model.predict(X[test]) - y[test]) ** 2),
                                      rel=1e-9)


def test_demo_without_matplotlib_prints_tables_and_how_to_get_figures(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    out_dir = tmp_path / "figures"
    assert demo.main(["--quick", "--datasets", "diabetes", "--out", str(out_dir)]) == 0
    text = capsys.readouterr().out
    assert set(tables(text)) == {"diabetes"}
    assert 'pip install "fastreg[plot]"' in text
    assert not out_dir.exists()


def test_demo_rejects_unknown_datasets(capsys):
    with pytest.raises(SystemExit) as exc:
        demo.main(["--datasets", "diabetes,nope"])
    assert exc.value.code == 2
    assert "nope" in capsys.readouterr().err


def test_demo_skips_riboflavin_when_data_are_missing(tmp_path, monkeypatch, capsys):
    pytest.importorskip("matplotlib")
    missing = tmp_path / "no-data"
    assert demo.main(["--quick", "--datasets", "riboflavin", "--data", str(missing),
                      "--out", str(tmp_path / "out")]) == 0
    text = capsys.readouterr().out
    assert tables(text) == {}
    assert f"riboflavin: skipped, --data {missing} is not" in text
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["geometry.png"]


def test_demo_on_riboflavin(data_dir, tmp_path, capsys, monkeypatch):
    saved = capture_figures(monkeypatch)
    import matplotlib as mpl
    assert demo.main(["--quick", "--datasets", "riboflavin", "--data", str(data_dir),
                      "--out", str(tmp_path)]) == 0
    rows = tables(capsys.readouterr().out)["riboflavin"]
    assert rows["Ridge"][1:3] == (0, 4088)
    assert rows["Lasso"][1] > 3900 and rows["ElasticNet"][1] > 3900   # p >> n: sparse
    # 4088 lines per panel: the 8 genes the Lasso selects first in color, the same
    # (same color) in every panel, named once beside them; the rest gray
    fig = saved["riboflavin-paths.png"]
    colors = []
    for ax in fig.axes[:3]:
        (lines,) = [c for c in ax.collections if c.get_gid() == "coef"]
        assert len(lines.get_segments()) == 4088
        colors.append([tuple(c) for c in lines.get_colors()])
    gray = {c for c in colors[0] if colors[0].count(c) > 8}
    assert len(gray) == 1
    colored = [j for j, c in enumerate(colors[0]) if c not in gray]
    assert len(colored) == 8 and len({colors[0][j] for j in colored}) == 8
    assert colors[1] == colors[2] == colors[0]
    texts = [t.get_text() for t in fig.axes[3].get_legend().get_texts()]
    assert len(texts) == 9 and texts[-1] == "other features (4080)"
    # the legends of the marked alphas stay inside their (narrow) panels
    fig.draw_without_rendering()
    for ax in fig.axes[:3]:
        (legend,) = ax.findobj(mpl.legend.Legend)
        box, frame = legend.get_window_extent(), ax.get_window_extent()
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1
    for name in ("riboflavin-paths.png", "riboflavin-cv.png"):
        assert (tmp_path / name).stat().st_size < 200_000


# --- fastreg.datasets -----------------------------------------------------------------

def test_correlated_groups_are_seeded_and_correlated():
    X, y, coef = make_correlated_groups(n_samples=4000, random_state=3)
    X2, y2, _ = make_correlated_groups(n_samples=4000, random_state=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert X.shape == (4000, 100) and coef.sum() == 15 and set(coef) == {0.0, 1.0}
    corr = np.corrcoef(X.T)
    same_group = np.kron(np.eye(20), np.ones((5, 5))).astype(bool) & ~np.eye(100,
                                                                          dtype=bool)
    assert abs(corr[same_group].mean() - 0.9) < 0.01
    assert abs(corr[~same_group & ~np.eye(100, dtype=bool)]).max() < 0.1
    assert np.std(y - X @ coef) == pytest.approx(4.0, rel=0.05)
    with pytest.raises(ValueError, match="correlation"):
        make_correlated_groups(correlation=1.0)


def test_data_folder_search_order(tmp_path, monkeypatch):
    env_dir = tmp_path / "env"
    cwd_data = tmp_path / "shared" / "data"
    for folder in (env_dir, cwd_data):
        folder.mkdir(parents=True)
        (folder / "load.py").write_text("")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("FASTREG_DATA", str(env_dir))
    assert find_data_dir() == env_dir.resolve()
    assert find_data_dir(cwd_data) == cwd_data.resolve()       # the argument first
    monkeypatch.delenv("FASTREG_DATA")
    assert find_data_dir() == cwd_data.resolve()               # then ../shared/data
    assert find_data_dir(tmp_path / "nowhere") is None
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_riboflavin(tmp_path / "nowhere")


def test_load_riboflavin(data_dir):
    X, y, names = load_riboflavin(data_dir)
    assert X.shape == (71, 4088) and y.shape == (71,) and names.shape == (4088,)
    assert X.dtype == y.dtype == np.float64


# --- packaging and documentation ------------------------------------------------------

def test_console_script_points_at_main():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    module, func = project["scripts"]["fastreg-demo"].split(":")
    assert getattr(importlib.import_module(module), func) is demo.main
    extras = project["optional-dependencies"]
    assert any(req.startswith("matplotlib") for req in extras["plot"])
    assert any(req.startswith("matplotlib") for req in extras["test"])


def test_readme_figures_exist():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert "docs/demo-groups-paths.png" in images
    for image in images:
        assert (REPO / image).is_file(), image


MODULE_PUBLIC = [getattr(importlib.import_module(f"fastreg.{m}"), name)
                 for m in ("plotting", "datasets", "demo")
                 for name in importlib.import_module(f"fastreg.{m}").__all__]


@pytest.mark.parametrize("func", MODULE_PUBLIC, ids=lambda f: f.__qualname__)
def test_every_parameter_of_the_new_modules_is_documented(func):
    doc = inspect.getdoc(func)
    assert doc, f"{func.__qualname__} has no docstring"
    params = [p for p in inspect.signature(func).parameters]
    documented = documented_names("\n" + doc, "Parameters")
    assert not [p for p in params if p not in documented], func.__qualname__
    assert documented_names("\n" + doc, "Returns"), f"{func.__qualname__}: no Returns"
