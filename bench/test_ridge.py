"""Ridge at one alpha (with intercept)."""
from bench.harness import run_cell

FAMILY = "ridge"


def test_ridge(benchmark, spec, solver, rounds):
    run_cell(benchmark, spec, solver, rounds)
