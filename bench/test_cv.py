"""LassoCV(cv=5) and ElasticNetCV(l1_ratio=[.1, .5, .9], cv=5), n_jobs 1 and 2."""
from bench.harness import run_cell

FAMILY = "cv"


def test_cv(benchmark, spec, solver, rounds):
    run_cell(benchmark, spec, solver, rounds)
