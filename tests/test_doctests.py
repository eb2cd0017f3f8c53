"""The examples in the docstrings run, and print what they say they print.

Every docstring of every Python module of the installed fastreg package is searched
for doctest examples (``>>>``); each docstring with examples is one test. The public
names (``fastreg.__all__``, ``fastreg.plotting.__all__``, ``fastreg.datasets.__all__``)
must each have an Examples, a See Also and a Notes section.
"""
import doctest
import importlib
import importlib.util
import inspect
import pkgutil
import re

import pytest

import fastreg

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _python_modules():
    names = ["fastreg"]
    for info in pkgutil.iter_modules(fastreg.__path__):
        spec = importlib.util.find_spec(f"fastreg.{info.name}")
        if spec.origin and spec.origin.endswith(".py"):
            names.append(f"fastreg.{info.name}")
    return sorted(names)


def _collect():
    finder = doctest.DocTestFinder(exclude_empty=True)
    tests = {}
    for name in _python_modules():
        try:
            module = importlib.import_module(name)
        except ImportError:             # plotting without matplotlib still imports
            continue
        for test in finder.find(module):
            if test.examples and test.name not in tests:
                tests[test.name] = test
    return [tests[k] for k in sorted(tests)]


DOCTESTS = _collect()


def run_doctest(test):
    """Run one DocTest (a copy of its globals, as doctest does); returns (number of
    failed examples, report)."""
    report = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    test.globs = dict(test.globs)
    runner.run(test, out=report.append, clear_globs=True)
    return runner.failures, "".join(report)


def test_examples_are_collected():
    names = {t.name for t in DOCTESTS}
    assert len(DOCTESTS) >= 15, sorted(names)
    assert {"fastreg._elastic_net.Lasso", "fastreg._path.enet_path",
            "fastreg._ridge.Ridge"} <= names


@pytest.mark.parametrize("test", DOCTESTS, ids=lambda t: t.name)
def test_docstring_examples(test):
    if test.name.startswith("fastreg.plotting"):
        pytest.importorskip("matplotlib")
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        try:
            failures, report = run_doctest(test)
        finally:
            plt.close("all")
    else:
        failures, report = run_doctest(test)
    assert failures == 0, report


def test_a_wrong_example_fails():
    """The runner above reports a wrong output, and an exception, as failures."""
    def wrong():
        """
        >>> 1 + 1
        3
        >>> import fastreg
        >>> fastreg.Lasso(alpha=-1.0).fit([[0.0]], [0.0])
        """
    test = doctest.DocTestFinder().find(wrong, "wrong", globs={})[0]
    failures, report = run_doctest(test)
    assert failures == 2
    assert "Expected:\n    3\nGot:\n    2" in report


def _public():
    from fastreg import datasets, plotting
    objs = [(f"fastreg.{n}", getattr(fastreg, n)) for n in fastreg.__all__]
    objs += [(f"fastreg.datasets.{n}", getattr(datasets, n)) for n in datasets.__all__]
    objs += [(f"fastreg.plotting.{n}", getattr(plotting, n)) for n in plotting.__all__]
    return objs


def sections(doc):
    """The numpydoc section titles of a docstring."""
    return set(re.findall(r"\n([A-Z][A-Za-z ]+)\n-{3,}\n", "\n" + inspect.cleandoc(doc)))


@pytest.mark.parametrize("name, obj", _public(), ids=[n for n, _ in _public()])
def test_public_names_have_examples_see_also_and_notes(name, obj):
    doc = inspect.getdoc(obj) or ""
    missing = {"Examples", "See Also", "Notes"} - sections(doc)
    assert not missing, f"{name}: no {sorted(missing)} section"
    assert ">>> " in doc.split("Examples\n--------", 1)[1], f"{name}: empty Examples"


def test_sections_parser():
    doc = """Summary.

    Notes
    -----
    Text.

    Examples
    --------
    >>> 1
    1
    """
    assert sections(doc) == {"Notes", "Examples"}
