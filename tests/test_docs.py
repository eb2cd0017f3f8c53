"""Every public function and class documents every parameter of its signature
(numpydoc "Parameters" section), and its attributes for estimators."""
import inspect

import pytest

import fastreg
from reference import documented_names

PUBLIC = [getattr(fastreg, name) for name in fastreg.__all__]


@pytest.mark.parametrize("obj", PUBLIC, ids=lambda o: o.__name__)
def test_every_parameter_is_documented(obj):
    doc = inspect.getdoc(obj)
    assert doc, f"{obj.__name__} has no docstring"
    func = obj.__init__ if inspect.isclass(obj) else obj
    params = [p.name for p in inspect.signature(func).parameters.values()
              if p.name != "self"]
    documented = documented_names("\n" + doc, "Parameters")
    missing = [p for p in params if p not in documented]
    assert not missing, f"{obj.__name__}: undocumented parameters {missing}"


@pytest.mark.parametrize("obj", [o for o in PUBLIC if inspect.isclass(o)],
                         ids=lambda o: o.__name__)
def test_public_methods_are_documented(obj):
    for name in ("fit", "predict"):
        method = getattr(obj, name)
        doc = inspect.getdoc(method)
        assert doc, f"{obj.__name__}.{name} has no docstring"
        params = [p.name for p in inspect.signature(method).parameters.values()
                  if p.name != "self"]
        documented = documented_names("\n" + doc, "Parameters")
        missing = [p for p in params if p not in documented]
        assert not missing, f"{obj.__name__}.{name}: undocumented parameters {missing}"


def test_the_checker_can_fail():
    def undocumented(a, b):
        """Do something.

        Parameters
        ----------
        a : int
            The a.
        """
    doc = inspect.getdoc(undocumented)
    assert documented_names("\n" + doc, "Parameters") == {"a"}
