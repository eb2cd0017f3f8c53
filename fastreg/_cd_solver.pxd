"""The solver loop of one problem: gradient, gap, screening, working sets and the inner
solve (the algorithm of _cd_fast.pyx's docstring). The inner solve serves the
multi-task kernel too (P.T > 0)."""
from cython cimport floating

from ._cd_common cimport ScoreIdx
from ._cd_problem cimport Problem, Inner


cdef int _solve(Problem* P, floating* w, floating* R, floating* g, int* feats,
                int* supp, ScoreIdx* cand, Inner* S, int max_iter,
                double* gap_out) noexcept nogil
cdef int _inner_solve(Problem* P, Inner* S, double eps, int budget,
                      floating* wW) noexcept nogil
