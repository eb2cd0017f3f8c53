"""The inner solve's coordinate descent on a working set: updates and sweeps, the
objective change of a move, the objective check of an Anderson point (the driver is
_cd_solver's) and the path extrapolation of a start."""
from cython cimport floating

from ._cd_problem cimport Problem, Inner


cdef void _sweep(Problem* P, Inner* S, const int* pos, int k, floating* wW) noexcept nogil
cdef double _objective_change(Problem* P, Inner* S, floating* w0, floating* w1,
                              floating* v0, floating* v1) noexcept nogil
cdef void _anderson_accept(Problem* P, Inner* S, int nA, floating* wW) noexcept nogil
cdef void _extrapolate(Problem* P, Inner* S, floating* wW) noexcept nogil
