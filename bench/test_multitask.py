"""MultiTaskLasso: the path (lasso_path on a 2-D y), a fit, and MultiTaskLassoCV(cv=5)."""
from bench.harness import run_cell

FAMILY = ("mtpath", "mtfit", "mtcv")


def test_multitask(benchmark, spec, solver, rounds):
    run_cell(benchmark, spec, solver, rounds)
