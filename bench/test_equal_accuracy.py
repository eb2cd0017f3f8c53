"""bench.equal_accuracy's bookkeeping (no timing): the rung a peer is matched with, the
n/a reasons, the table's list of losses."""
from bench import equal_accuracy as eq


def _rung(tol, seconds, subopt):
    return eq.Entry("fastreg", None, tol, subopt=subopt, times=[seconds])


def test_match_takes_the_fastest_rung_at_least_as_accurate():
    rungs = [_rung(1e-2, 0.010, 1e-6), _rung(1e-3, 0.008, 1e-9), _rung(1e-4, 0.020, 1e-12)]
    assert eq.match(rungs, 1e-6).tol == 1e-3  # faster and more accurate than 1e-2's
    assert eq.match(rungs, 1e-10).tol == 1e-4
    assert eq.match(rungs, 1e-13) is None
    # below the floor (rounding), every rung at rounding matches
    assert eq.match([_rung(1e-2, 0.01, 3e-16)], 0.0).tol == 1e-2


def test_na_reason_names_the_missing_estimator():
    generic = "no ridgecv in glum"
    assert "leave-one-out" in eq.na_reason("glum", "ridgecv", generic)
    assert eq.na_reason("glum", "ridge", "float64 only") == "float64 only"
    assert eq.na_reason("nobody", "ridge", "no ridge in nobody") == "no ridge in nobody"


def test_markdown_lists_na_rows_and_losses():
    rows = [
        dict(workload="w", peer="a", peer_time=0.01, peer_subopt=1e-8, peer_once=False,
             tol=1e-3, time=0.02, subopt=1e-9, ratio=0.5, grid_tol=1e-8, grid_time=0.03,
             grid_subopt=0.0),
        dict(workload="w", peer="b", peer_time=0.05, peer_subopt=1e-8, peer_once=True,
             tol=1e-3, time=0.02, subopt=1e-9, ratio=2.5),
        dict(workload="w", peer="c", na="c has no such thing"),
    ]
    text = eq.markdown(rows)
    assert "| w | b | 50 ms (1 call) |" in text
    assert "- c: c has no such thing: w" in text
    assert "1 of 2" in text and "- w / a: 0.50" in text


def test_every_grid_family_has_a_quick_workload():
    families = {eq.workloads.SPECS[i].family for i in eq.QUICK}
    assert {"fit", "path", "cv", "ridge", "ridgecv", "mtfit"} <= families
    assert all(eq.workloads.SPECS[i].n_jobs == 1 for i in eq.grid_workloads(False, None))


def test_a_failed_first_call_names_the_childs_exception():
    from bench.harness import child_error
    stderr = ("Traceback (most recent call last):\n  File \"x.py\", line 1\n"
              "ValueError: Buffer dtype mismatch, expected 'float' but got 'double'\n\n")
    assert child_error(stderr, 1) == \
        "ValueError: Buffer dtype mismatch, expected 'float' but got 'double'"
    assert child_error("", -11) == "killed by signal 11"
    assert child_error("  \n", 3) == "exit status 3"


def test_the_cpu_clock_does_not_count_waiting():
    import time

    from bench.solvers import Result

    def sleeper():
        time.sleep(0.05)
        return Result(None, None, 1.0)

    assert eq.timed_call(sleeper, "wall")[0] >= 0.05
    assert eq.timed_call(sleeper, "cpu")[0] < 0.04

    def r_like():  # a peer timing itself (R glmnet): its own seconds, on either clock
        return Result(None, None, 1.0, seconds=2.0, cpu_seconds=1.5)

    assert eq.timed_call(r_like, "wall")[0] == 2.0
    assert eq.timed_call(r_like, "cpu")[0] == 1.5
