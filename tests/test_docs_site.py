"""The documentation site's sources (docs/) say what the code does.

* every Python code block of the user guide (docs/guide/*.md) runs on its own;
* the API reference (docs/api.rst) lists every public name;
* every gallery example (docs/examples/plot_*.py) is valid Python that uses only
  public names of fastreg.

The site itself is built by ``.ci/run`` (``sphinx-build -W``), which also runs the
gallery. Without the docs/ folder (the tests of an installed copy) these are skipped.
"""
import ast
import re
from pathlib import Path

import pytest

import fastreg
from fastreg import datasets, plotting

DOCS = Path(__file__).resolve().parent.parent / "docs"
pytestmark = pytest.mark.skipif(not (DOCS / "conf.py").is_file(),
                                reason="no docs/ folder next to the tests")

BLOCK = re.compile(r"^```python\n(.*?)^```", flags=re.S | re.M)


def _blocks():
    out = []
    for page in sorted((DOCS / "guide").glob("*.md")) if DOCS.is_dir() else []:
        if page.stem == "dask":
            # (its examples start a cluster under a __main__ guard: run by
            # tests/test_dask.py::test_guide_examples_run)
            continue
        for k, match in enumerate(BLOCK.finditer(page.read_text(encoding="utf-8"))):
            out.append(pytest.param(match.group(1), id=f"{page.stem}-{k}"))
    return out


BLOCKS = _blocks()


def test_blocks_found():
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize("code", BLOCKS)
def test_guide_code_block_runs(code, capsys):
    pytest.importorskip("matplotlib").use("Agg")
    exec(compile(code, "<docs block>", "exec"), {"__name__": "__docs__"})
    assert capsys.readouterr().out, "a guide block should show what it computes"


def test_api_reference_lists_every_public_name():
    text = (DOCS / "api.rst").read_text(encoding="utf-8")
    listed = set(re.findall(r"^   ([A-Za-z_][A-Za-z0-9_]*)$", text, flags=re.M))
    public = set(fastreg.__all__) | set(plotting.__all__) | set(datasets.__all__)
    assert public <= listed, sorted(public - listed)


EXAMPLES = sorted((DOCS / "examples").glob("plot_*.py")) if DOCS.is_dir() else []


def test_examples_found():
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_gallery_example_uses_public_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{path.name}: sphinx-gallery needs a docstring"
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module.startswith("fastreg"):
            assert node.module in ("fastreg", "fastreg.plotting", "fastreg.datasets"), \
                node.module
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                node.value.id == "fastreg":
            assert node.attr in fastreg.__all__, f"{path.name}: fastreg.{node.attr}"
