"""Single fits: Lasso and ElasticNet(l1_ratio=0.5) at alpha_max/10 and alpha_max/100, tol 1e-8."""
from bench.harness import run_cell

FAMILY = "fit"


def test_fit(benchmark, spec, solver, rounds):
    run_cell(benchmark, spec, solver, rounds)
