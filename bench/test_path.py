"""Lasso paths over 100 alphas: dense (centered) and sparse (no intercept), float64 and float32."""
from bench.harness import run_cell

FAMILY = "path"


def test_path(benchmark, spec, solver, rounds):
    run_cell(benchmark, spec, solver, rounds)
