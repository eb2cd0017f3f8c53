"""RidgeCV over 100 alphas (scikit-learn's efficient leave-one-out by default)."""
from bench.harness import run_cell

FAMILY = "ridgecv"


def test_ridgecv(benchmark, spec, solver, rounds):
    run_cell(benchmark, spec, solver, rounds)
