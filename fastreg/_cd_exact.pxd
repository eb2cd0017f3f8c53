"""The exact solve on the active set of a working set: Cholesky (kept and extended
between solves along a path), null steps for a singular G_AA, and the active-set
rounds."""
from cython cimport floating

from ._cd_problem cimport Problem, Inner


cdef bint _newton(Problem* P, Inner* S, int nA, floating* wW) noexcept nogil
