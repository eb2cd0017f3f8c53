"""The solver loop of one problem: gradient, gap, screening, working sets and the inner
solve (the algorithm of _cd_fast.pyx's docstring)."""
from cython cimport floating

from ._cd_common cimport ScoreIdx
from ._cd_problem cimport Problem, Inner


cdef int _solve(Problem* P, floating* w, floating* R, floating* g, int* feats,
                int* supp, ScoreIdx* cand, Inner* S, int max_iter,
                double* gap_out) noexcept nogil
