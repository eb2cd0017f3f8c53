"""pytest options of the benchmark suite and the workload x solver parametrisation.

    pytest bench                          # quick grid (the default under plain pytest)
    pytest bench --bench-mode=full        # every workload
    pytest bench --bench-solvers=fastreg,sklearn
    pytest bench --bench-busy             # each cell also timed beside a busy process
"""
import pytest

from bench import busy, solvers, workloads


def pytest_addoption(parser):
    group = parser.getgroup("fastreg bench")
    group.addoption("--bench-mode", choices=("quick", "full"), default="quick",
                    help="quick: the foundation grid at reduced size; full: every workload")
    group.addoption("--bench-solvers", default=None,
                    help="comma-separated solvers (default: fastreg,sklearn in quick mode, "
                         f"all in full mode: {','.join(solvers.NAMES)})")
    group.addoption("--bench-rounds", type=int, default=3,
                    help="timed rounds per cell (1 for cells whose first call takes > 10 s)")
    group.addoption("--bench-busy", action="store_true", default=False,
                    help="time each cell again with one competing CPU-bound process "
                         "running (bench/busy.py) and record the slowdown")


def pytest_configure(config):
    if config.getoption("--bench-busy", default=False) and busy.current is None:
        busy.current = busy.Competitor().start()


def pytest_unconfigure(config):
    competitor, busy.current = busy.current, None
    if competitor is not None:
        competitor.stop()


def selected_solvers(config):
    chosen = config.getoption("--bench-solvers")
    if chosen:
        names = [s.strip() for s in chosen.split(",") if s.strip()]
        unknown = set(names) - set(solvers.NAMES)
        if unknown:
            raise pytest.UsageError(f"unknown solvers {sorted(unknown)}; known: {solvers.NAMES}")
        return names
    if config.getoption("--bench-mode") == "quick":
        return ["fastreg", "sklearn"]
    return list(solvers.NAMES)


def pytest_generate_tests(metafunc):
    family = getattr(metafunc.module, "FAMILY", None)
    if family is None or "spec" not in metafunc.fixturenames:
        return
    specs = workloads.specs(metafunc.config.getoption("--bench-mode"), family)
    metafunc.parametrize("spec", specs, ids=[s.id for s in specs])
    if "solver" in metafunc.fixturenames:
        metafunc.parametrize("solver", selected_solvers(metafunc.config))


@pytest.fixture
def rounds(request):
    return request.config.getoption("--bench-rounds")
