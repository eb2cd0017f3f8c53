"""The public API is annotated for type checkers, and says so (``py.typed``).

Every parameter and the return value of the public functions and of the estimators'
``__init__``, ``fit``, ``predict`` and ``score`` carry annotations, and the
annotations are valid: they evaluate, with the names the modules import for type
checkers only (under ``TYPE_CHECKING``), to real types.
"""
import inspect
import sys
import typing
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pytest
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import sparray, spmatrix
from sklearn.base import BaseEstimator
from sklearn.model_selection import BaseCrossValidator

import fastreg
from fastreg import datasets, plotting

PUBLIC = [getattr(fastreg, name) for name in fastreg.__all__] + \
    [getattr(datasets, name) for name in datasets.__all__] + \
    [getattr(plotting, name) for name in plotting.__all__]
METHODS = ("__init__", "fit", "predict", "score")

# what the modules import under TYPE_CHECKING
if sys.version_info >= (3, 11):
    SELF = typing.Self
else:                                   # typing_extensions is no dependency of fastreg
    SELF = typing.TypeVar("Self")
TYPE_CHECKING_NAMES = {"ArrayLike": ArrayLike, "NDArray": NDArray, "spmatrix": spmatrix,
                       "sparray": sparray, "Self": SELF, "Iterable": Iterable,
                       "Callable": Callable, "BaseCrossValidator": BaseCrossValidator,
                       "Sequence": Sequence, "BaseEstimator": BaseEstimator}


def _functions():
    out = []
    for obj in PUBLIC:
        if inspect.isclass(obj):
            out += [(f"{obj.__name__}.{m}", getattr(obj, m)) for m in METHODS]
        else:
            out.append((obj.__name__, obj))
    return out


FUNCTIONS = _functions()


def test_py_typed_is_shipped():
    assert (Path(fastreg.__file__).parent / "py.typed").is_file()


@pytest.mark.parametrize("name, func", FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_public_signatures_are_annotated(name, func):
    sig = inspect.signature(func)
    missing = [p.name for p in sig.parameters.values()
               if p.name != "self" and p.annotation is inspect.Parameter.empty]
    assert not missing, f"{name}: parameters without annotations {missing}"
    assert sig.return_annotation is not inspect.Signature.empty, \
        f"{name}: no return annotation"


@pytest.mark.parametrize("name, func", FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_annotations_evaluate(name, func):
    module = sys.modules[func.__module__]
    names = dict(TYPE_CHECKING_NAMES)
    if module.__name__ == "fastreg.plotting":
        names["Axes"] = pytest.importorskip("matplotlib.axes").Axes
    hints = typing.get_type_hints(func, globalns={**vars(module), **names})
    params = [p for p in inspect.signature(func).parameters if p != "self"]
    assert set(params) | {"return"} == set(hints), name


def test_checks_can_fail():
    def bare(x, y: int):
        return x
    with pytest.raises(AssertionError, match=r"without annotations \['x'\]"):
        test_public_signatures_are_annotated("bare", bare)
