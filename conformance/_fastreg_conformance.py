"""pytest plugin of the conformance run (loaded by ``conformance/run.py`` as
``-p _fastreg_conformance``): scikit-learn's own test modules, with the public names
they import from ``sklearn.linear_model`` rebound to fastreg's.

* Rebinding. While pytest imports a test module (the collection of that module),
  ``sklearn.linear_model.<name>`` is set to ``fastreg.<name>`` for every name that both
  have, so ``from sklearn.linear_model import Lasso`` in the test module binds fastreg's
  class, and so do the parametrize lists evaluated at import time. The attributes are
  restored right after; every module the test module imports is imported first,
  unpatched, so scikit-learn's own modules never see fastreg's names.
* Automatic deselection. A test that does not reach a rebound name (through its body,
  the module-level helpers and fixtures it uses, or its parameters) tests scikit-learn,
  not fastreg: it is deselected and counted.
* ``deselect.txt``: tests deselected by hand, with their reasons.

What was rebound, kept and deselected is written as JSON to the file named by
``FASTREG_CONFORMANCE_REPORT``; the deselect list is read from
``FASTREG_CONFORMANCE_DESELECT``.
"""
import ast
import functools
import importlib
import json
import os
import sys
import types

import pytest
import sklearn.linear_model as _sk_lm

import fastreg

# the drop-in targets: what fastreg replaces (or will); a target fastreg lacks stays
# scikit-learn's and is reported
TARGETS = (
    "ElasticNet", "ElasticNetCV", "Lasso", "LassoCV", "MultiTaskElasticNet",
    "MultiTaskElasticNetCV", "MultiTaskLasso", "MultiTaskLassoCV", "Ridge", "RidgeCV",
    "enet_path", "lasso_path",
)


def _rebind_map():
    names = list(TARGETS) + [n for n in getattr(fastreg, "__all__", ()) if n not in TARGETS]
    return {n: getattr(fastreg, n) for n in names
            if hasattr(fastreg, n) and hasattr(_sk_lm, n)}


REBIND = _rebind_map()
_REBOUND_IDS = {id(v) for v in REBIND.values()}
_REBOUND_CLASSES = tuple(v for v in REBIND.values() if isinstance(v, type))


def read_list(path):
    """``{test_id: (group, reason)}`` from a known_failures / deselect file: ``## group``
    headers, then one ``test_id  # reason`` a line; other ``#`` lines are comments."""
    entries = {}
    group = "(no group)"
    if not path or not os.path.exists(path):
        return entries
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            stripped = line.strip()
            if not stripped:
                continue
            if stripped.startswith("## "):
                group = stripped[3:].strip()
                continue
            if stripped.startswith("#"):
                continue
            test_id, _, reason = stripped.partition(" # ")
            entries[test_id.strip()] = (group, reason.strip())
    return entries


# ----------------------------------------------------------------------------------
# rebinding during the import of each test module

def _imported_modules(path):
    """The modules a test file imports at top level (import / from ... import)."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), filename=str(path))
    mods, from_names = [], []
    for node in tree.body:
        if isinstance(node, ast.Import):
            mods += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            mods.append(node.module)
            from_names += [(node.module, a.name) for a in node.names]
    return mods, from_names


def _preimport(path):
    mods, from_names = _imported_modules(path)
    for m in mods:
        try:
            importlib.import_module(m)
        except Exception:       # the test module's own import will report it
            pass
    for m, name in from_names:  # `from pkg import submodule`
        mod = sys.modules.get(m)
        if mod is not None and not hasattr(mod, name):
            try:
                importlib.import_module(f"{m}.{name}")
            except Exception:
                pass
    return from_names


_MODULE_INFO = {}   # test file name -> what it imports from sklearn.linear_model
_LEAKS = set()      # sklearn module attributes that ended up bound to fastreg's


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    if not isinstance(collector, pytest.Module):
        yield
        return
    from_names = _preimport(collector.path)
    lm_names = sorted({n for m, n in from_names if m == "sklearn.linear_model"})
    _MODULE_INFO[collector.path.name] = {
        "rebound": [n for n in lm_names if n in REBIND],
        "kept_targets": [n for n in lm_names if n in TARGETS and n not in REBIND],
        "kept_other": [n for n in lm_names if n not in TARGETS and n not in REBIND
                       and not n.startswith("_")],
    }
    saved = {n: getattr(_sk_lm, n) for n in REBIND}
    for n, v in REBIND.items():
        setattr(_sk_lm, n, v)
    try:
        yield
    finally:
        for n, v in saved.items():
            setattr(_sk_lm, n, v)
    # the imported module (pytest keeps it in _obj once the import succeeded)
    module = getattr(collector, "_obj", None) or sys.modules.get(collector.path.stem)
    if module is not None:
        # the rebinding took: the module's globals are fastreg's ...
        _MODULE_INFO[collector.path.name]["not_rebound"] = [
            n for n in _MODULE_INFO[collector.path.name]["rebound"]
            if getattr(module, n, None) is not REBIND[n]]
    # ... and no scikit-learn module saw fastreg's names
    for name, mod in list(sys.modules.items()):
        if name == "sklearn" or name.startswith("sklearn."):
            for n, v in REBIND.items():
                if getattr(mod, n, None) is v:
                    _LEAKS.add(f"{name}.{n}")


# ----------------------------------------------------------------------------------
# does a test reach a rebound name?

def _is_rebound_value(v, depth=0):
    if depth > 4:
        return False
    if id(v) in _REBOUND_IDS:
        return True
    if isinstance(v, type):
        return bool(_REBOUND_CLASSES) and issubclass(v, _REBOUND_CLASSES)
    if isinstance(v, _REBOUND_CLASSES):
        return True
    if isinstance(v, functools.partial):
        return _is_rebound_value(v.func, depth + 1) or any(
            _is_rebound_value(a, depth + 1) for a in v.args) or any(
            _is_rebound_value(a, depth + 1) for a in v.keywords.values())
    if isinstance(v, (list, tuple, set, frozenset)):
        return any(_is_rebound_value(a, depth + 1) for a in v)
    if isinstance(v, dict):
        return any(_is_rebound_value(a, depth + 1) for a in v.values())
    return False


def _code_names(code):
    names = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names |= _code_names(c)
    return names


def _func_reaches(func, g, seen):
    """True if func (defined in the test module, globals g) refers to a rebound name,
    directly or through module-level helpers (functions, classes) it refers to."""
    func = getattr(func, "__wrapped__", func)
    func = getattr(func, "__func__", func)
    code = getattr(func, "__code__", None)
    if code is None or id(func) in seen:
        return False
    seen.add(id(func))
    for d in (getattr(func, "__defaults__", None) or ()):
        if _is_rebound_value(d):
            return True
    for name in _code_names(code):
        if name not in g:
            continue
        v = g[name]
        if _is_rebound_value(v):
            return True
        if _value_reaches(v, g, seen):
            return True
    return False


def _value_reaches(v, g, seen):
    """A module-level helper of the test module (function or class) reaching a rebound
    name."""
    if isinstance(v, types.FunctionType) and v.__globals__ is g:
        return _func_reaches(v, g, seen)
    if isinstance(v, type) and getattr(v, "__module__", None) == g.get("__name__"):
        if id(v) in seen:
            return False
        seen.add(id(v))
        return any(_value_reaches(m, g, seen) or _is_rebound_value(m)
                   for m in vars(v).values())
    if isinstance(v, (staticmethod, classmethod)):
        return _value_reaches(v.__func__, g, seen)
    if isinstance(v, functools.partial):
        return _value_reaches(v.func, g, seen)
    # a fixture function (pytest >= 8.4 wraps it)
    wrapped = getattr(v, "_get_wrapped_function", None)
    if callable(wrapped):
        try:
            return _value_reaches(wrapped(), g, seen)
        except Exception:
            return False
    return False


def reaches_rebound(item):
    module = getattr(item, "module", None)
    if module is None:
        return False
    g = module.__dict__
    seen = set()
    if _value_reaches(getattr(item, "function", None), g, seen):
        return True
    callspec = getattr(item, "callspec", None)
    if callspec is not None:
        for v in callspec.params.values():
            if _is_rebound_value(v) or _value_reaches(v, g, seen):
                return True
    fixinfo = getattr(item, "_fixtureinfo", None)
    for name in getattr(item, "fixturenames", ()):
        defs = fixinfo.name2fixturedefs.get(name, ()) if fixinfo is not None else ()
        for fd in defs:
            func = getattr(fd, "func", None)
            if func is not None and getattr(func, "__globals__", None) is g and \
                    _func_reaches(func, g, seen):
                return True
    return False


# ----------------------------------------------------------------------------------

@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    by_hand = read_list(os.environ.get("FASTREG_CONFORMANCE_DESELECT"))
    keep, auto, listed = [], [], []
    for item in items:
        if item.nodeid in by_hand:
            listed.append(item)
        elif not reaches_rebound(item):
            auto.append(item)
        else:
            keep.append(item)
    if auto or listed:
        config.hook.pytest_deselected(items=auto + listed)
        items[:] = keep
    collected = {item.nodeid for item in auto + listed + keep}
    report = {
        "rebound": sorted(REBIND),
        "targets_kept": [n for n in TARGETS if n not in REBIND],
        "modules": _MODULE_INFO,
        "leaks": sorted(_LEAKS),
        "selected": len(keep),
        "auto_deselected": sorted(i.nodeid for i in auto),
        "list_deselected": sorted(i.nodeid for i in listed),
        "deselect_stale": sorted(set(by_hand) - collected),
        "collected": sorted(collected),
    }
    path = os.environ.get("FASTREG_CONFORMANCE_REPORT")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1)
