"""bench.cv_ab: the comparison of two trees' results (the timed runs need two builds)."""
import numpy as np

from bench import cv_ab


def _save(path, mse, alpha, coef):
    np.savez(path, mse=mse, alpha=alpha, coef=coef, intercept=0.0)


def test_compare_reports_the_differences(tmp_path):
    mse = np.array([[1.0, 2.0], [3.0, 4.0]])
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    _save(a, mse, 0.5, np.array([1.0, 0.0]))
    _save(b, mse * (1 + 1e-12), 0.5, np.array([1.0, 1e-9]))
    diff, same, coef = cv_ab.compare(a, b)
    assert abs(float(diff) - 1e-12) < 1e-13
    assert same == "yes"
    assert abs(float(coef) - 1e-9) < 1e-10
    _save(b, mse, 0.25, np.array([1.0, 0.0]))
    assert cv_ab.compare(a, b)[1] == "no"
