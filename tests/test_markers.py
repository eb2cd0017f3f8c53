"""The ``slow`` mark: registered, deselected by a plain ``pytest``, and every entry of
conftest's SLOW list names a test that exists (a renamed test would otherwise silently
move back into the default run, or a typo mark nothing)."""
import ast
import re
from pathlib import Path

import pytest

from conftest import SLOW, is_listed_slow

TESTS = Path(__file__).resolve().parent
PYPROJECT = TESTS.parent / "pyproject.toml"


def functions_of(module):
    tree = ast.parse((TESTS / f"{module}.py").read_text(encoding="utf-8"))
    return {node.name for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


@pytest.mark.parametrize("entry", SLOW)
def test_slow_entry_names_an_existing_test(entry):
    module, _, test = entry.partition("::")
    assert (TESTS / f"{module}.py").is_file(), f"SLOW: no tests/{module}.py"
    if test:
        func = test.split("[")[0]
        assert func in functions_of(module), f"SLOW: no {func} in tests/{module}.py"


def test_is_listed_slow():
    assert is_listed_slow("test_estimator_checks", "test_sklearn_compatible[Lasso()-x]")
    assert is_listed_slow("test_penalty", "test_unpenalized_features[auto-True]")
    assert is_listed_slow("test_path", "test_synthetic_path[wide-0.1-signed]")
    assert not is_listed_slow("test_path", "test_synthetic_path[tall-0.1-signed]")
    assert not is_listed_slow("test_penalty", "test_unpenalized_features_other")
    assert not is_listed_slow("test_cv", "test_cv_matches_sklearn[diabetes]")


def test_slow_is_registered_and_deselected_by_default():
    tomllib = pytest.importorskip("tomllib")
    options = tomllib.loads(PYPROJECT.read_text())["tool"]["pytest"]["ini_options"]
    assert any(m.startswith("slow:") for m in options["markers"])
    assert re.search(r"-m\s+['\"]not slow['\"]", options["addopts"])


def test_data_tests_are_slow(request):
    """The hook marks a test using the data fixtures (checked on a collected item)."""
    session = request.session
    items = [i for i in session.items if "load_dataset" in getattr(i, "fixturenames", ())]
    for item in items:
        assert item.get_closest_marker("slow") is not None, item.nodeid
