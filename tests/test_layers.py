"""The package's layers: imports only go downwards, and there is no cycle.

Every ``fastreg/*.py`` module is parsed (imports inside functions included) and each
import of another fastreg module must point to a lower layer. A new module must be
placed in ``LAYERS`` (see ARCHITECTURE.md for what each layer holds).
"""
import ast
import fnmatch
from pathlib import Path

import pytest

import fastreg

PACKAGE = Path(fastreg.__file__).parent

# bottom to top; a module may import only modules of the layers below its own
LAYERS = [
    ["_cholesky", "_lapack_nogil"],                        # interruptible BLAS / LAPACK
    ["_blocks", "_cd_abort", "_cd_fast", "_cd_multitask", "_linalg",
     "_openmp", "_penalty", "_threads", "_waiting"],   # kernels, primitives
    ["_validation", "_base", "_scoring"],                  # checks, estimator bases
    ["_prepare"],                                          # centering, weights, moments
    ["_engine"],                                           # strategy, problem, kernels
    ["_relaxed"],                                          # relaxed lasso refits
    ["_dask_moments"],                                     # one Dask pass of moments
    ["_ridge_design", "_ridge_positive", "_ridge_validation"],  # Ridge's data, GPCG
    ["_ridge_solvers", "_ridge_iterative"],  # Ridge: direct, named iterative solvers
    ["_ridge_loo"],                                        # RidgeCV's leave-one-out
    ["_path"],                                             # public path functions
    ["_elastic_net", "_multitask", "_ridge", "_path_model"],  # estimators
    ["_cv_folds", "_cv_base"],                             # CV fold jobs; choice
    ["_multitask_cv"],                                     # multi-task CV
    ["_cv"],                                               # cross-validation
    ["dask"],                                              # the estimators on Dask
    ["datasets", "plotting"],
    ["demo"],
    ["__init__"],
]


def layer_of(module):
    for level, names in enumerate(LAYERS):
        if any(fnmatch.fnmatchcase(module, name) for name in names):
            return level
    return None


def fastreg_imports(path):
    """Names of the fastreg modules imported anywhere in the file at path."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found.update(alias.name for alias in node.names)
            elif node.module and node.module.split(".")[0] == "fastreg":
                parts = node.module.split(".")
                if len(parts) > 1:
                    found.add(parts[1])
                else:
                    found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "fastreg" and len(parts) > 1:
                    found.add(parts[1])
    return found


MODULES = sorted(p.stem for p in PACKAGE.glob("*.py"))


def test_modules_found():
    assert {"_engine", "_prepare", "_validation", "_path", "__init__"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_imports_go_downwards(module):
    level = layer_of(module)
    assert level is not None, f"{module}.py is in no layer: add it to LAYERS"
    for target in fastreg_imports(PACKAGE / f"{module}.py"):
        target_level = layer_of(target)
        assert target_level is not None, f"{module} imports {target}, in no layer"
        assert target_level < level, (
            f"{module} (layer {level}) imports {target} (layer {target_level}): "
            "imports must go to a lower layer")


def test_no_cycle():
    graph = {m: fastreg_imports(PACKAGE / f"{m}.py") & set(MODULES) for m in MODULES}
    state = {}

    def visit(m, stack):
        state[m] = "open"
        for t in graph[m]:
            if state.get(t) == "open":
                raise AssertionError(f"import cycle: {' -> '.join(stack + [m, t])}")
            if t not in state:
                visit(t, stack + [m])
        state[m] = "done"

    for m in MODULES:
        if m not in state:
            visit(m, [])


def test_checker_sees_imports_inside_functions(tmp_path):
    """The parser must find an import inside a function (the old cycle hid there)."""
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from ._problem import Problem\n    import fastreg._x\n")
    assert fastreg_imports(f) == {"_problem", "_x"}
