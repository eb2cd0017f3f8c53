"""Shared fixtures: where the real datasets live, and a per-session cache of them.

The datasets are not part of the repository: they sit in ``../shared/data`` next to the
repository (CI lays them out the same way), or wherever ``FASTREG_DATA`` points. A developer
without them gets skips; CI (``CI=true``) without them fails, so a misconfigured CI run cannot
pass by skipping the real-data tests.
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
