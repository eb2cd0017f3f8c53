"""Shared fixtures: where the real datasets live, and a per-session cache of them; the
``slow`` mark of the real-data tests.

The datasets are not part of the repository: they sit in ``../shared/data`` next to the
repository (CI lays them out the same way), or wherever ``FASTREG_DATA`` points. A developer
without them gets skips; CI (``CI=true``) without them fails, so a misconfigured CI run cannot
pass by skipping the real-data tests.

The ``slow`` mark is given here, in one place: to every test that uses the datasets (the
``data_dir`` or ``load_dataset`` fixture, directly or through another fixture), and to the
tests listed in ``SLOW`` (scikit-learn's estimator checks, and the tests that took more
than about 2 s each on the loaded 2-core machine). A plain ``pytest`` deselects them
(``addopts`` in pyproject.toml); ``pytest -m ""`` runs everything, as CI does, and
``pytest -m slow`` only them. ``tests/test_markers.py`` checks that every entry of ``SLOW``
names an existing test.
"""
import importlib.util
import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def _data_dir_or_reason():
    """Return (path, None) when the data folder is usable, else (None, reason)."""
    if os.environ.get("FASTREG_DATA"):
        path = Path(os.environ["FASTREG_DATA"]).expanduser()
        origin = "FASTREG_DATA"
    else:
        path = REPO_ROOT.parent / "shared" / "data"
        origin = "the default location <repo>/../shared/data"
    if not (path / "load.py").is_file():
        return None, f"real datasets not found: no load.py in {path} (from {origin})"
    return path, None


DATA_FIXTURES = {"data_dir", "load_dataset"}

# "module" (all its tests), "module::test" (all its cases) or "module::test[" followed by
# a part of the case id (the cases whose id contains it); seconds measured with the whole
# suite running on the shared 2-core machine
SLOW = [
    "test_estimator_checks",                                      # ~730 checks
    "test_demo::test_quick_demo_runs_as_a_module",                # 29 s (a subprocess)
    "test_demo::test_demo_figures_show_its_cv_fits",              # 13 s
    "test_kernel::test_left_out_features_certified_by_bounds",    # 4 - 37 s a case
    "test_kernel::test_naive_block_from_row_panels_on_tall_x",    # 2 - 7 s
    "test_penalty::test_against_reference_and_kkt",               # 2.4 - 5 s
    "test_penalty::test_unpenalized_features",                    # 7 - 10 s
    "test_penalty::test_weights_and_float32",                     # 3 s
    "test_path::test_synthetic_path[wide",                        # 1.7 - 9 s
    "test_multitask::test_synthetic_path",                        # 1.6 - 4 s
    "test_multitask::test_options_give_the_same_solution",        # 3 - 7 s
    "test_multitask_cv::test_equals_sklearn[shape1",              # 1.6 - 2.6 s
    "test_sklearn_equivalence::test_l1_ratio_zero_is_an_exact_ridge",  # 1.5 - 7 s
    "test_ridge::test_dense_fit_does_not_copy_X",                 # 1.8 - 5 s
    "test_ridge::test_ridgecv_kfold_matches_sklearn",             # 4 s
    "test_default_accuracy::test_synthetic",                      # 1.6 - 2.3 s
    "test_readme::test_readme_python_block_runs_on_its_own",      # 3 - 6 s (subprocesses)
    "test_memory",                                                # ~190 s loaded (45 cases)
    "test_dask",                                                  # 40 - 50 s (2 clusters)
    "test_interrupts",                                            # 30 - 120 s (subprocesses)
    "test_unreachable_tol",                                       # ~7 s (hypothesis)
]


def is_listed_slow(module, name):
    """Whether the test ``name`` (with its case id) of ``module`` is listed in SLOW."""
    for entry in SLOW:
        mod, _, test = entry.partition("::")
        if mod != module:
            continue
        func, bracket, part = test.partition("[")
        if not test or name == func or (name.startswith(func + "[") and (
                not bracket or part in name[len(func):])):
            return True
    return False


@pytest.hookimpl(tryfirst=True)        # before `-m` deselects by mark
def pytest_collection_modifyitems(config, items):
    """Mark the tests that read the real datasets, and those listed in SLOW, as slow."""
    for item in items:
        module = Path(str(item.fspath)).stem
        if DATA_FIXTURES & set(getattr(item, "fixturenames", ())) or \
                is_listed_slow(module, item.name):
            item.add_marker(pytest.mark.slow)


def _on_ci():
    return os.environ.get("CI", "").strip().lower() == "true"


@pytest.fixture(scope="session")
def data_dir():
    """The folder holding the real datasets and their ``load.py``."""
    path, reason = _data_dir_or_reason()
    if path is None:
        if _on_ci():
            pytest.fail(f"{reason}; CI=true requires the datasets")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def load_dataset(data_dir):
    """``load_dataset(name) -> (X, y)``, each dataset read once per session.

    The arrays are shared between tests, so they are returned read-only: a test (or the code
    under test) that writes into them fails loudly instead of corrupting later tests.
    """
    spec = importlib.util.spec_from_file_location("_fastreg_shared_data_load",
                                                  data_dir / "load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cache = {}

    def load(name):
        if name not in cache:
            X, y = module.load(name)
            for array in (X, y):
                if hasattr(array, "setflags"):
                    array.setflags(write=False)
            cache[name] = (X, y)
        return cache[name]

    return load
